//! Who is asking: the client of an OpenID4VP 1.0 request, checked from its client id prefix
//! (§5.9) before anything is shown or sent.
//!
//! - `decentralized_identifier:DID`: the request object must be signed with a key of that DID
//!   (`kid`), resolved as the wallet resolves any key (did:key computed; did:web from the
//!   cache). Verified.
//! - `x509_san_dns:NAME`: signed with the key of the first `x5c` certificate, each certificate
//!   signed by the next and valid now, the leaf's subjectAltName naming NAME, and the answer
//!   going to that host. The wallet knows no trust list of verifier certificates, so the CA is
//!   named, not confirmed: not verified.
//! - `redirect_uri:URI`: unsigned, and the answer goes to URI: anyone can send it. Not verified.
//! - Other prefixes cannot be checked and are refused; a bare client id is not verified.
//!
//! Pure: the caller fetched the request (and a did:web document) and hands over its parts.

use crate::did::KeyCache;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// A request's parts, as the exchange received them.
pub struct RequestParts<'a> {
    /// The client id, with its prefix.
    pub client_id: &'a str,
    /// The request's parameters (the request object's claims, or the link's).
    pub params: &'a Value,
    /// The request object's protected header, signing input and signature, when signed.
    pub signed: Option<(&'a Value, &'a [u8], &'a [u8])>,
}

/// Who the verifier is, as far as the wallet could check.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifierCheck {
    /// The client id, with its prefix.
    pub client_id: String,
    /// Confirmed: the request was signed with a key its client id names.
    pub verified: bool,
    /// In words: who it is and how the wallet knows (or that nothing confirms it).
    pub how: String,
}

/// A client id's prefix (§5.9) and the identifier after it; no prefix for a bare client id
/// (a pre-registered client, or a URL).
fn split_client(client_id: &str) -> (Option<&str>, &str) {
    match client_id.split_once(':') {
        Some((p, rest)) if !p.contains('/') && !p.contains('.') && !rest.starts_with("//") => {
            (Some(p), rest)
        }
        _ => (None, client_id),
    }
}

/// Where the keys of a client are published when `keys` lacks them: a `did:web` verifier's
/// DID document, to be fetched (by the exchange) before [`check`].
pub fn key_document_urls(client_id: &str, keys: &KeyCache) -> Vec<String> {
    match split_client(client_id) {
        (Some("decentralized_identifier"), did)
            if did.starts_with("did:web:") && keys.get(did).is_none() =>
        {
            crate::did::web_document_url(did).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

fn refuse(m: String) -> Error {
    Error::BadInput(m)
}

/// Check the client of a request (§5.9).
pub fn check(
    parts: &RequestParts<'_>,
    keys: &KeyCache,
    now: DateTime<Utc>,
) -> Result<VerifierCheck> {
    let param = |k: &str| parts.params.get(k).and_then(Value::as_str);
    let done = |verified: bool, how: String| VerifierCheck {
        client_id: parts.client_id.to_owned(),
        verified,
        how,
    };
    if let Some(exp) = parts.params.get("exp").and_then(Value::as_i64) {
        if exp < now.timestamp() {
            return Err(refuse(
                "the request expired; ask the verifier for a new one".into(),
            ));
        }
    }
    let (prefix, id) = split_client(parts.client_id);
    match prefix {
        Some("decentralized_identifier") => {
            let Some((header, input, signature)) = parts.signed else {
                return Err(refuse(format!(
                    "the verifier names itself by a DID ({id}) but did not sign its request, as it must"
                )));
            };
            let kid = header.get("kid").and_then(Value::as_str).unwrap_or("");
            if kid.split('#').next() != Some(id) {
                return Err(refuse(format!(
                    "the request is signed with {}, which is not a key of the verifier's DID {id}",
                    if kid.is_empty() { "no named key" } else { kid }
                )));
            }
            typ_ok(header)?;
            let checked = crate::verify::jws::verify(header, input, signature, keys).map_err(|f| {
                refuse(format!("the verifier's request signature does not check out: {f}"))
            })?;
            Ok(done(true, format!("{id} (the request is signed by its key, {})", checked.alg)))
        }
        Some("x509_san_dns") => x509(parts, id, now).map(|how| done(false, how)),
        Some("redirect_uri") => {
            if parts.signed.is_some() {
                return Err(refuse(
                    "a verifier named by its redirect_uri must not sign its request (OpenID4VP §5.9.3); this one is refused"
                        .into(),
                ));
            }
            if param("response_uri") != Some(id) {
                return Err(refuse(format!(
                    "the request answers to {} although the verifier is {id}: the two must be the same",
                    param("response_uri").unwrap_or("nowhere")
                )));
            }
            Ok(done(false, format!("{id}, as it says itself (nothing confirms who sent this request)")))
        }
        Some(
            p @ ("x509_hash" | "verifier_attestation" | "openid_federation" | "origin" | "pre-registered"),
        ) => Err(refuse(format!(
            "the verifier identifies itself by {p}:, which the wallet cannot check yet; it checks decentralized_identifier: and x509_san_dns: (signed requests) and shows redirect_uri: as unverified"
        ))),
        _ => Ok(done(
            false,
            format!("{}, a client id the wallet does not know (nothing confirms who sent this request)", parts.client_id),
        )),
    }
}

fn typ_ok(header: &Value) -> Result<()> {
    match header.get("typ").and_then(Value::as_str) {
        Some(t) if t != "oauth-authz-req+jwt" => Err(refuse(format!(
            "the request object has typ {t}, not oauth-authz-req+jwt"
        ))),
        _ => Ok(()),
    }
}

fn x509(parts: &RequestParts<'_>, dns: &str, now: DateTime<Utc>) -> Result<String> {
    use crate::proof::x509::CertInfo;
    use base64::Engine as _;
    let Some((header, input, signature)) = parts.signed else {
        return Err(refuse(format!(
            "the verifier names itself by a certificate ({dns}) but did not sign its request, as it must"
        )));
    };
    typ_ok(header)?;
    let chain: Vec<CertInfo> = header
        .get("x5c")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| refuse("the request is signed without its certificate (no x5c)".into()))?
        .iter()
        .map(|c| {
            let der = c
                .as_str()
                .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok())
                .ok_or_else(|| refuse("a certificate of the request's x5c is not base64".into()))?;
            CertInfo::parse(&der).map_err(refuse)
        })
        .collect::<Result<_>>()?;
    for c in &chain {
        if !c.valid_at(now) {
            return Err(refuse(format!(
                "the verifier's certificate {} is not valid now (valid {} to {})",
                c.short_subject(),
                c.not_before.date_naive(),
                c.not_after.date_naive()
            )));
        }
    }
    for pair in chain.windows(2) {
        if !pair[0].signed_by(&pair[1]).map_err(refuse)? {
            return Err(refuse(format!(
                "the verifier's certificate chain is broken: {} is not signed by {}",
                pair[0].short_subject(),
                pair[1].short_subject()
            )));
        }
    }
    let leaf = &chain[0];
    let names = leaf.dns_names();
    if !names.iter().any(|n| n.eq_ignore_ascii_case(dns)) {
        return Err(refuse(format!(
            "the verifier calls itself {dns}, but its certificate is for {}",
            if names.is_empty() {
                "no DNS name".to_string()
            } else {
                names.join(", ")
            }
        )));
    }
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    match leaf.verify_jws(alg, input, signature) {
        Ok(true) => {}
        Ok(false) => {
            return Err(refuse(
                "the verifier's request signature does not check out with its certificate's key"
                    .into(),
            ))
        }
        Err(e) => {
            return Err(refuse(format!(
                "the request is signed with {e}, which the wallet cannot check"
            )))
        }
    }
    // Without a trusted chain the answer may go only to the certificate's own host (§5.9.3).
    let response_uri = parts.params.get("response_uri").and_then(Value::as_str);
    let host = response_uri
        .and_then(|u| u.split_once("://"))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .map(|authority| {
            let host = authority.rsplit('@').next().unwrap_or(authority);
            match host.rsplit_once(':') {
                Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
                _ => host,
            }
        });
    if host.map(|h| h.eq_ignore_ascii_case(dns)) != Some(true) {
        return Err(refuse(format!(
            "the request answers to {} although the verifier's certificate is for {dns}: the two must be the same host",
            response_uri.unwrap_or("nowhere")
        )));
    }
    let root = chain
        .last()
        .map(|c| c.issuer_short.clone())
        .unwrap_or_default();
    Ok(format!(
        "{dns} (the request is signed with its certificate, issued by {root}; the wallet has no list of trusted verifier certificates to confirm that issuer)"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unsigned_and_unknown_clients_are_never_verified() {
        let keys = KeyCache::default();
        let now = Utc::now();
        let params = json!({"response_uri": "https://v.example/post"});
        let parts = |client_id| RequestParts {
            client_id,
            params: &params,
            signed: None,
        };
        let r = check(&parts("redirect_uri:https://v.example/post"), &keys, now).unwrap();
        assert!(!r.verified);
        assert!(r.how.contains("nothing confirms"));
        let e = check(
            &parts("redirect_uri:https://other.example/post"),
            &keys,
            now,
        )
        .unwrap_err();
        assert!(e.to_string().contains("must be the same"), "{e}");
        let e = check(&parts("decentralized_identifier:did:key:z6Mk"), &keys, now).unwrap_err();
        assert!(e.to_string().contains("did not sign"), "{e}");
        let e = check(&parts("x509_san_dns:v.example"), &keys, now).unwrap_err();
        assert!(e.to_string().contains("did not sign"), "{e}");
        let e = check(&parts("verifier_attestation:v"), &keys, now).unwrap_err();
        assert!(e.to_string().contains("cannot check yet"), "{e}");
        assert!(
            !check(&parts("https://v.example"), &keys, now)
                .unwrap()
                .verified
        );
        let expired = json!({"exp": 1});
        let p = RequestParts {
            client_id: "x",
            params: &expired,
            signed: None,
        };
        assert!(check(&p, &keys, now)
            .unwrap_err()
            .to_string()
            .contains("expired"));
    }

    #[test]
    fn a_did_client_must_sign_with_its_own_key() {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(&[3u8; 32]);
        let did = crate::did::did_key(&key.verifying_key());
        let vm = crate::did::did_key_vm(&key.verifying_key());
        let header = json!({"alg": "EdDSA", "kid": vm, "typ": "oauth-authz-req+jwt"});
        let input = b"header.payload";
        let sig = key.sign(input).to_bytes();
        let params = json!({});
        let client_id = format!("decentralized_identifier:{did}");
        let parts = RequestParts {
            client_id: &client_id,
            params: &params,
            signed: Some((&header, input, &sig)),
        };
        let r = check(&parts, &KeyCache::default(), Utc::now()).unwrap();
        assert!(r.verified, "{r:?}");
        let other = RequestParts {
            signed: Some((&header, b"changed", &sig)),
            ..parts
        };
        let e = check(&other, &KeyCache::default(), Utc::now()).unwrap_err();
        assert!(e.to_string().contains("does not check out"), "{e}");
        let someone =
            "decentralized_identifier:did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let p = RequestParts {
            client_id: someone,
            params: &params,
            signed: Some((&header, input, &sig)),
        };
        let e = check(&p, &KeyCache::default(), Utc::now()).unwrap_err();
        assert!(
            e.to_string().contains("not a key of the verifier's DID"),
            "{e}"
        );
    }
}
