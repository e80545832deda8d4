//! Presenting by OpenID4VP 1.0 (final, 2025): the authorization request by value or by
//! reference (`request_uri`, RFC 9101), and the `direct_post` response (§8.2), encrypted for
//! the verifier with `direct_post.jwt` (§8.3, [`crate::jwe`]), or an error response (§8.5). This module carries the request and the answer; the caller checks the
//! request object's signature and the client id (with the core's keys) and decides what to
//! send.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use url::Url;

use crate::http::{check_url, Body, Http};
use crate::jwe::Recipient;
use crate::keep::{Cached, Keep};
use crate::{Error, Result};

/// A request object as received: its JWS parts when it was a JWT.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The protected header.
    pub header: Value,
    /// `header "." payload` as received: the bytes signed.
    pub signing_input: String,
    /// The signature.
    pub signature: Vec<u8>,
}

/// A verifier's request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The client id, with its prefix (`decentralized_identifier:did:…`, `redirect_uri:…`).
    pub client_id: String,
    /// The request's parameters (the request object's claims, or the link's query).
    pub params: Value,
    /// The request object's signature, when it came as a signed JWT (`alg` other than none).
    pub signed: Option<Signed>,
}

impl Request {
    /// A string parameter.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(Value::as_str)
    }

    /// The request object's protected header, signing input and signature, when it was
    /// signed: what the core's verifier check takes.
    pub fn signed_parts(&self) -> Option<(&Value, &[u8], &[u8])> {
        self.signed
            .as_ref()
            .map(|s| (&s.header, s.signing_input.as_bytes(), &s.signature[..]))
    }

    /// The client id prefix (`decentralized_identifier`, `redirect_uri`, `x509_san_dns`, ...)
    /// and the identifier after it; no prefix for a pre-registered client.
    pub fn client(&self) -> (Option<&str>, &str) {
        const PREFIXES: [&str; 7] = [
            "redirect_uri",
            "decentralized_identifier",
            "x509_san_dns",
            "x509_hash",
            "verifier_attestation",
            "openid_federation",
            "origin",
        ];
        match self.client_id.split_once(':') {
            Some((p, rest)) if PREFIXES.contains(&p) => (Some(p), rest),
            _ => (None, &self.client_id),
        }
    }
}

fn b64(s: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| Error::Malformed("the request object is not a JWT (bad base64url)".into()))
}

/// A request object JWT's parts.
fn parse_jwt(text: &str) -> Result<(Value, Option<Signed>)> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 3 {
        return Err(Error::Malformed(
            "the request object is not a JWT (it must have three parts)".into(),
        ));
    }
    let header: Value = serde_json::from_slice(&b64(parts[0])?)
        .map_err(|e| Error::Malformed(format!("the request object's header is not JSON ({e})")))?;
    let payload: Value = serde_json::from_slice(&b64(parts[1])?)
        .map_err(|e| Error::Malformed(format!("the request object's claims are not JSON ({e})")))?;
    if !payload.is_object() {
        return Err(Error::Malformed(
            "the request object's claims are not an object".into(),
        ));
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let signed = (alg != "none").then(|| -> Result<Signed> {
        Ok(Signed {
            header: header.clone(),
            signing_input: format!("{}.{}", parts[0], parts[1]),
            signature: b64(parts[2])?,
        })
    });
    Ok((payload, signed.transpose()?))
}

/// Where a request link's request is: in the link itself, or at an address to fetch.
#[derive(Debug, Clone)]
pub enum RequestRef {
    /// Every parameter in the link, or a `request=` JWT.
    Value(Request),
    /// `request_uri=`: the request object is fetched (by POST when `request_uri_method=post`).
    Uri {
        /// The link's client id.
        client_id: String,
        /// The checked address.
        uri: Url,
        /// Fetch by POST.
        post: bool,
    },
}

/// Read a request link without fetching anything: `openid4vp://?client_id=…&request_uri=…`,
/// `…&request=JWT`, or every parameter in the link. Any scheme is read the same way
/// (`haip-vp://`, `eudi-openid4vp://`, an https link to a wallet).
pub fn parse_request_link(link: &str) -> Result<RequestRef> {
    let link = link.trim();
    let query = link.split_once('?').map(|(_, q)| q).ok_or_else(|| {
        Error::BadOffer(
            "this is not a presentation request: a request link has client_id and a request \
             after '?'"
                .into(),
        )
    })?;
    let query = query.split('#').next().unwrap_or_default();
    let mut params = Map::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        params.insert(k.into_owned(), Value::String(v.into_owned()));
    }
    let client_id = params
        .get("client_id")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Error::BadOffer("this is not a presentation request: it names no client_id".into())
        })?
        .to_owned();
    let s = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(uri) = s("request_uri") {
        let uri = check_url(&uri, "the request's address (request_uri)")?;
        return Ok(RequestRef::Uri {
            client_id,
            uri,
            post: s("request_uri_method").as_deref() == Some("post"),
        });
    }
    if let Some(jwt) = s("request") {
        return request_object(&client_id, &jwt).map(RequestRef::Value);
    }
    // Every parameter in the link; JSON-valued ones are parsed.
    for key in ["dcql_query", "client_metadata"] {
        if let Some(Value::String(t)) = params.get(key) {
            let v: Value = serde_json::from_str(t)
                .map_err(|e| Error::Malformed(format!("the request's {key} is not JSON ({e})")))?;
            params.insert(key.into(), v);
        }
    }
    Ok(RequestRef::Value(Request {
        client_id,
        params: Value::Object(params),
        signed: None,
    }))
}

/// A request object (a JWT, signed or `alg: none`) for the link's `client_id`: refused when it
/// is for another client (§5.10, RFC 9101 §5).
pub fn request_object(client_id: &str, text: &str) -> Result<Request> {
    let (params, signed) = parse_jwt(text)?;
    if let Some(inner) = params.get("client_id").and_then(Value::as_str) {
        if inner != client_id {
            return Err(Error::Malformed(format!(
                "the request object is for the client {inner}, not for {client_id} that the link names"
            )));
        }
    }
    Ok(Request {
        client_id: client_id.to_owned(),
        params,
        signed,
    })
}

/// Read a request link, fetching the request object when the link names its address.
pub fn request_from_link(http: &Http, link: &str) -> Result<Request> {
    match parse_request_link(link)? {
        RequestRef::Value(r) => Ok(r),
        RequestRef::Uri {
            client_id,
            uri,
            post,
        } => {
            let accept = [("Accept", "application/oauth-authz-req+jwt")];
            let answer = if post {
                http.send("POST", &uri, &accept, Body::Form(&[]))?
            } else {
                http.get(&uri, accept[0].1)?
            };
            if !answer.ok() {
                return Err(answer.failure("fetching the request"));
            }
            let text = String::from_utf8(answer.body)
                .map_err(|_| Error::Malformed("the request object is not text".into()))?;
            request_object(&client_id, &text)
        }
    }
}

/// Where the answer goes (`response_uri` of `direct_post` or `direct_post.jwt`).
pub fn response_uri(request: &Request) -> Result<Url> {
    match request.param("response_mode") {
        None | Some("direct_post" | "direct_post.jwt") => {}
        Some(m) => {
            return Err(Error::Unsupported(format!(
                "the verifier wants its answer by {m}; the wallet answers by direct_post or direct_post.jwt"
            )))
        }
    }
    let uri = request
        .param("response_uri")
        .ok_or_else(|| Error::Malformed("the request names no response_uri to answer to".into()))?;
    check_url(uri, "the verifier's response_uri")
}

/// For `direct_post.jwt` (§8.3), whom the answer is encrypted for; `None` for `direct_post`.
pub fn encryption(request: &Request) -> Result<Option<Recipient>> {
    if request.param("response_mode") != Some("direct_post.jwt") {
        return Ok(None);
    }
    Recipient::from_client_metadata(request.params.get("client_metadata")).map(Some)
}

/// What a request the wallet answers carries: the verifier's nonce and its DCQL query.
#[derive(Debug, Clone, Copy)]
pub struct Accepted<'a> {
    /// `nonce`: every presentation is bound to it.
    pub nonce: &'a str,
    /// `dcql_query`.
    pub query: &'a Value,
}

/// Whether the wallet answers `request` (a `vp_token` by `direct_post`, with a nonce and a
/// DCQL query). A request it does not answer is told so (§8.5, best effort) and the error
/// says why. Call this only once the client is checked: an unchecked request's
/// `response_uri` may be anyone's.
pub fn accept<'a>(http: &Http, request: &'a Request) -> Result<Accepted<'a>> {
    let refuse = |code: &str, e: Error| {
        let _ = post_error(http, request, code, &e.to_string());
        e
    };
    if request.param("response_type") != Some("vp_token") {
        return Err(refuse(
            "unsupported_response_type",
            Error::Unsupported(format!(
                "the verifier asks for response_type {}, and the wallet answers vp_token requests",
                request.param("response_type").unwrap_or("(none)")
            )),
        ));
    }
    let Some(nonce) = request.param("nonce") else {
        return Err(refuse(
            "invalid_request",
            Error::Malformed(
                "the request has no nonce: an answer to it could be replayed, so the wallet does not answer".into(),
            ),
        ));
    };
    let Some(query) = request.params.get("dcql_query") else {
        let e = if request.params.get("presentation_definition").is_some() {
            Error::Unsupported(
                "the verifier asks with a Presentation Exchange definition (pre-1.0); the wallet answers DCQL queries".into(),
            )
        } else {
            Error::Malformed(
                "the request has no dcql_query: it does not say what it asks for".into(),
            )
        };
        return Err(refuse("invalid_request", e));
    };
    response_uri(request)?;
    // An answer that cannot be encrypted cannot be sent, not even as an error.
    encryption(request)?;
    Ok(Accepted { nonce, query })
}

/// Check who sent `request`: first the keys of its client are fetched when the wallet lacks
/// them (a did:web verifier's DID document, read from its own address), then the wallet
/// checks the client (the request object's signature, its client id prefix).
pub fn check_client<K: Keep>(
    http: &Http,
    keep: &K,
    request: &Request,
) -> std::result::Result<K::Check, K::Error> {
    let urls = keep.client_key_urls(&request.client_id);
    if !urls.is_empty() {
        // What cannot be fetched leaves the key unknown, and the check says so.
        let _: Vec<Cached> = crate::keep::cache(http, keep, urls, &mut |_| {});
    }
    keep.check_client(&request.client_id, &request.params, request.signed_parts())
}

/// Post the answer's parameters to the request's `response_uri`, with its `state`: as a form
/// (`direct_post`), or as one JWE in the form's `response` (`direct_post.jwt`, §8.3), whose
/// payload holds them as top-level members (`vp_token` as its JSON object).
fn post(http: &Http, request: &Request, params: Vec<(&str, Value)>, what: &str) -> Result<Value> {
    let to = response_uri(request)?;
    let mut params = params;
    if let Some(state) = request.param("state") {
        params.push(("state", Value::String(state.to_owned())));
    }
    let form_text: Vec<(String, String)> = match encryption(request)? {
        None => params
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k.to_owned(), text)
            })
            .collect(),
        Some(recipient) => {
            let payload: serde_json::Map<String, Value> =
                params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let jwe = recipient.encrypt(
                Value::Object(payload).to_string().as_bytes(),
                request.param("nonce").map(str::as_bytes),
            )?;
            vec![("response".to_owned(), jwe)]
        }
    };
    let form: Vec<(&str, &str)> = form_text
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let answer = http.send(
        "POST",
        &to,
        &[("Accept", "application/json")],
        Body::Form(&form),
    )?;
    if !answer.ok() {
        return Err(answer.failure(what));
    }
    Ok(serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
}

/// Send the `vp_token` (§8.2). Returns the verifier's answer (it may hold a `redirect_uri`).
pub fn post_response(http: &Http, request: &Request, vp_token: &Value) -> Result<Value> {
    post(
        http,
        request,
        vec![("vp_token", vp_token.clone())],
        "the verifier refused the answer",
    )
}

/// Tell the verifier the request is not answered (§8.5): `access_denied` when the learner
/// declined, `invalid_request` and others when the request cannot be answered.
pub fn post_error(http: &Http, request: &Request, error: &str, description: &str) -> Result<()> {
    let params = vec![
        ("error", Value::String(error.to_owned())),
        ("error_description", Value::String(description.to_owned())),
    ];
    post(
        http,
        request,
        params,
        "the verifier refused the error response",
    )
    .map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_request_by_value_is_read_with_its_json_parameters() {
        let q =
            serde_json::json!({"credentials": [{"id": "mc", "format": "dc+sd-jwt"}]}).to_string();
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let link = format!(
            "openid4vp://?client_id={}&response_type=vp_token&response_mode=direct_post&response_uri={}&nonce=n1&state=s1&dcql_query={}",
            enc("redirect_uri:https://verifier.example/post"),
            enc("https://verifier.example/post"),
            enc(&q)
        );
        let r = request_from_link(&Http::new(), &link).unwrap();
        assert_eq!(
            r.client(),
            (Some("redirect_uri"), "https://verifier.example/post")
        );
        assert_eq!(r.params["dcql_query"]["credentials"][0]["id"], "mc");
        assert!(r.signed.is_none());
        assert_eq!(
            response_uri(&r).unwrap().as_str(),
            "https://verifier.example/post"
        );
        let e = request_from_link(&Http::new(), "openid4vp://?nonce=1").unwrap_err();
        assert!(e.to_string().contains("no client_id"), "{e}");
    }

    #[test]
    fn a_request_object_is_split_into_its_signed_parts() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA","kid":"did:key:z6Mk#z6Mk"}"#);
        let p = URL_SAFE_NO_PAD
            .encode(br#"{"client_id":"decentralized_identifier:did:key:z6Mk","nonce":"n"}"#);
        let (payload, signed) = parse_jwt(&format!("{h}.{p}.AAAA")).unwrap();
        assert_eq!(payload["nonce"], "n");
        let signed = signed.unwrap();
        assert_eq!(signed.signing_input, format!("{h}.{p}"));
        assert_eq!(signed.header["kid"], "did:key:z6Mk#z6Mk");
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        assert!(parse_jwt(&format!("{none}.{p}.")).unwrap().1.is_none());
        assert!(parse_jwt("a.b").is_err());
    }
}
