//! Receiving credentials by OpenID4VCI 1.0 (final, 2025): a credential offer (§4.1) with the
//! pre-authorized code grant (§3.5, §6.1) or the authorization code grant (§3.4, §5: the
//! learner logs in at the issuer in the browser, [`crate::login`]), the issuer's and the authorization server's
//! metadata (§12.2, RFC 8414), DPoP-bound tokens where the server offers them (RFC 9449), the
//! nonce endpoint (§7) and the credential endpoint (§8) with `openid4vci-proof+jwt` proofs
//! signed by the learner's holder key.
//!
//! [`resolve`] reads the offer and the metadata and says what can be received; [`receive`]
//! runs the grant and collects every credential before it returns, so an exchange that fails
//! half-way hands back nothing to store.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use url::Url;

use crate::http::{check_url, Answer, Body, Http};
use crate::jose::{b64, random_id, sign_jwt, Ed25519, Signer, P256};
use crate::keep::{Cached, Keep};
use crate::{Error, Result};

/// The pre-authorized code grant type (§3.5).
pub const PRE_AUTHORIZED: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// Credential formats whose credentials the wallet verifies (§A.1, §A.3).
pub const FORMATS: &[&str] = &["ldp_vc", "jwt_vc_json", "jwt_vc_json-ld", "dc+sd-jwt"];

/// The transaction code an offer asks for (§4.1.1 `tx_code`).
#[derive(Debug, Clone, PartialEq)]
pub struct TxCode {
    /// `numeric` (the default) or `text`.
    pub input_mode: String,
    /// How many characters, if the issuer says.
    pub length: Option<usize>,
    /// The issuer's hint where the learner finds it.
    pub description: Option<String>,
}

impl TxCode {
    /// Why `code` cannot be the one asked for, if it plainly cannot.
    pub fn problem(&self, code: &str) -> Option<String> {
        if self.input_mode == "numeric" && !code.chars().all(|c| c.is_ascii_digit()) {
            return Some("the issuer asks for a code of digits only".into());
        }
        match self.length {
            Some(n) if code.chars().count() != n => {
                Some(format!("the issuer asks for a code of {n} characters"))
            }
            _ => None,
        }
    }
}

/// One credential configuration of the offer.
#[derive(Debug, Clone)]
pub struct Offered {
    /// Its id in the issuer's metadata.
    pub id: String,
    /// Its format (`ldp_vc`, `dc+sd-jwt`, ...), if the metadata names it.
    pub format: Option<String>,
    /// Its name, from the metadata's `credential_metadata.display` (or the pre-1.0 `display`).
    pub name: Option<String>,
    /// Why the wallet will not ask for it, if it will not.
    pub unsupported: Option<String>,
    /// The configuration in the issuer's metadata.
    config: Value,
}

/// A resolved offer: who offers what, and how to get it.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The Credential Issuer Identifier.
    pub issuer: String,
    /// The issuer's display name, if its metadata gives one.
    pub issuer_name: Option<String>,
    /// The configurations offered, in the offer's order.
    pub offered: Vec<Offered>,
    /// The transaction code the pre-authorized grant needs, if any.
    pub tx_code: Option<TxCode>,
    /// Whether the learner must log in at the issuer first (only the authorization code
    /// grant is offered).
    pub needs_login: bool,
    /// Where the learner logs in (the authorization server), when the login can work.
    pub login_at: Option<String>,
    /// Why logging in cannot work with this issuer, when it is needed.
    pub login_problem: Option<String>,
    pre_authorized_code: Option<String>,
    /// The offer's `issuer_state` for the authorization code grant.
    issuer_state: Option<String>,
    /// How to log in at the authorization server, when the grant needs that and the server
    /// can do it.
    login: Option<crate::login::Server>,
    /// The issuer's metadata as it was read.
    pub metadata: Value,
    credential_endpoint: Url,
    nonce_endpoint: Option<Url>,
    deferred_endpoint: Option<Url>,
    notification_endpoint: Option<Url>,
    token_endpoint: Option<Url>,
    dpop_algs: Vec<String>,
}

/// A received credential, exactly as the issuer sent it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Which configuration it was asked for.
    pub configuration: String,
    /// Its format.
    pub format: String,
    /// Its bytes: the JWT or SD-JWT text, or the JSON object's text exactly as sent.
    pub bytes: Vec<u8>,
    /// The notification id of its response (§8.3), to say later whether it was kept.
    pub notification_id: Option<String>,
}

/// The learner's holder keys, as an exchange uses them.
pub struct Holder {
    /// The Ed25519 key (EdDSA): W3C credentials (`ldp_vc`, `jwt_vc_json`) are bound to its
    /// did:key.
    pub ed25519: Ed25519,
    /// Its DID URL (`did:key:…#…`), the `kid` of its proofs.
    pub ed25519_kid: String,
    /// The P-256 key (ES256): SD-JWT VC credentials are bound to it (`cnf.jwk`).
    pub p256: P256,
    /// Its did:jwk URL (`did:jwk:…#0`), for issuers that bind SD-JWT VC to a DID only.
    pub p256_kid: String,
}

/// What the learner is told while an exchange runs ("asking for a token", ...).
pub type Step<'a> = &'a mut dyn FnMut(&str);

/// Where an offer link's offer is: in the link itself, or at an address to fetch.
#[derive(Debug, Clone)]
pub enum OfferRef {
    /// `credential_offer=` (or bare JSON).
    Value(Value),
    /// `credential_offer_uri=`, checked as an address the wallet may contact.
    Uri(Url),
}

/// Read an offer link without fetching anything: `openid-credential-offer://?credential_offer=…`
/// (by value) or `…?credential_offer_uri=…` (by reference). Any scheme is read the same way (a
/// wallet-specific scheme, `haip-vci://`, or an https link to a wallet), and a bare JSON offer
/// too.
pub fn parse_offer_link(link: &str) -> Result<OfferRef> {
    let link = link.trim();
    if link.starts_with('{') {
        return serde_json::from_str(link)
            .map(OfferRef::Value)
            .map_err(|e| Error::BadOffer(format!("the offer is not JSON: {e}")));
    }
    let query = link.split_once('?').map(|(_, q)| q).ok_or_else(|| {
        Error::BadOffer(
            "this is not a credential offer: an offer link has credential_offer or \
             credential_offer_uri after '?'"
                .into(),
        )
    })?;
    let query = query.split('#').next().unwrap_or_default();
    let mut by_value = None;
    let mut by_reference = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "credential_offer" => by_value = Some(v.into_owned()),
            "credential_offer_uri" => by_reference = Some(v.into_owned()),
            _ => {}
        }
    }
    match (by_value, by_reference) {
        (Some(_), Some(_)) => Err(Error::BadOffer(
            "the offer link has both credential_offer and credential_offer_uri; it must have one"
                .into(),
        )),
        (Some(text), None) => serde_json::from_str(&text)
            .map(OfferRef::Value)
            .map_err(|e| Error::BadOffer(format!("the offer in the link is not JSON: {e}"))),
        (None, Some(uri)) => {
            check_url(&uri, "the offer's address (credential_offer_uri)").map(OfferRef::Uri)
        }
        (None, None) => Err(Error::BadOffer(
            "this is not a credential offer: the link has neither credential_offer nor \
             credential_offer_uri"
                .into(),
        )),
    }
}

/// The offer a link carries, fetched when the link names its address.
pub fn offer_from_link(http: &Http, link: &str) -> Result<Value> {
    match parse_offer_link(link)? {
        OfferRef::Value(v) => Ok(v),
        OfferRef::Uri(url) => {
            let answer = http.get(&url, "application/json")?;
            if !answer.ok() {
                return Err(answer.failure("fetching the offer"));
            }
            answer.json("the offer")
        }
    }
}

/// An offer's issuer and the configuration ids it offers (§4.1.1), checked.
pub fn check_offer(offer: &Value) -> Result<(String, Vec<String>)> {
    let issuer = str_of(offer, "credential_issuer")
        .ok_or_else(|| Error::BadOffer("the offer names no credential_issuer".into()))?
        .to_owned();
    check_url(&issuer, "the issuer")?;
    let ids = strings(offer.get("credential_configuration_ids"));
    if ids.is_empty() {
        return Err(Error::BadOffer(
            "the offer lists no credential_configuration_ids: it offers nothing".into(),
        ));
    }
    Ok((issuer, ids))
}

/// Why the wallet will not ask for the configuration `id` (described by `config` in the
/// issuer's metadata, `Null` when it is not described), if it will not.
pub fn unsupported_reason(id: &str, config: &Value) -> Option<String> {
    if config.is_null() {
        return Some(format!(
            "the issuer's metadata does not describe the offered credential {id}"
        ));
    }
    match str_of(config, "format") {
        Some(f) if FORMATS.contains(&f) => proof_plan(config).err(),
        Some(f) => Some(format!(
            "its format {f} is not one the wallet can verify ({})",
            FORMATS.join(", ")
        )),
        None => Some("the issuer's metadata gives it no format".into()),
    }
}

/// `https://host/.well-known/NAME/path`: a well-known address of an identifier that may have
/// a path (OpenID4VCI §12.2.2, RFC 8414 §3.1).
fn well_known(identifier: &Url, name: &str) -> Url {
    let path = identifier.path().trim_end_matches('/');
    let mut url = identifier.clone();
    url.set_path(&format!("/.well-known/{name}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The strings of a JSON array (others left out); none for anything else.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn endpoint(meta: &Value, key: &str, whose: &str) -> Result<Option<Url>> {
    match str_of(meta, key) {
        None => Ok(None),
        Some(u) => check_url(u, &format!("the {whose}'s {key}")).map(Some),
    }
}

/// Read an offer and the metadata it points to, and decide what the wallet can ask for.
pub fn resolve(http: &Http, link: &str, step: Step<'_>) -> Result<Offer> {
    let offer = offer_from_link(http, link)?;
    let (issuer, ids) = check_offer(&offer)?;
    let issuer_url = check_url(&issuer, "the issuer")?;
    step(&format!("reading the metadata of {issuer}"));
    let answer = http.get(
        &well_known(&issuer_url, "openid-credential-issuer"),
        "application/json",
    )?;
    if !answer.ok() {
        return Err(answer.failure("fetching the issuer's metadata"));
    }
    let metadata = answer.json("the issuer's metadata")?;
    if str_of(&metadata, "credential_issuer") != Some(issuer.as_str()) {
        return Err(Error::Malformed(format!(
            "the metadata at {} is for {}, not for the issuer of the offer ({issuer}) (§12.2.4 \
             says they must be the same)",
            answer.url,
            str_of(&metadata, "credential_issuer").unwrap_or("no issuer")
        )));
    }
    let credential_endpoint =
        endpoint(&metadata, "credential_endpoint", "issuer")?.ok_or_else(|| {
            Error::Malformed("the issuer's metadata has no credential_endpoint".into())
        })?;
    let configs = metadata
        .get("credential_configurations_supported")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    let grants = offer.get("grants").cloned().unwrap_or(Value::Null);
    let pre = grants.get(PRE_AUTHORIZED);
    let pre_authorized_code = pre
        .and_then(|g| str_of(g, "pre-authorized_code"))
        .map(str::to_owned);
    let tx_code = pre.and_then(|g| g.get("tx_code")).map(|t| TxCode {
        input_mode: str_of(t, "input_mode").unwrap_or("numeric").to_owned(),
        length: t.get("length").and_then(Value::as_u64).map(|n| n as usize),
        description: str_of(t, "description").map(str::to_owned),
    });
    let needs_login = pre_authorized_code.is_none();
    // Without a pre-authorized code the learner logs in (§4.1.1: an offer without grants
    // leaves the grant to the server's metadata).
    let code_grant = grants.get("authorization_code");
    let issuer_state = code_grant
        .and_then(|g| str_of(g, "issuer_state"))
        .map(str::to_owned);
    let grant = if needs_login { code_grant } else { pre };

    // The authorization server: the grant's, else the issuer's only one, else the issuer.
    let servers: Vec<&str> = metadata
        .get("authorization_servers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // §4.1.1: the grant's server is used only when the issuer lists servers, and must be one
    // of them.
    let named = grant
        .and_then(|g| str_of(g, "authorization_server"))
        .filter(|_| !servers.is_empty());
    if let Some(n) = named {
        if !servers.contains(&n) {
            return Err(Error::Malformed(format!(
                "the offer names the authorization server {n}, which the issuer's metadata does not list (§4.1.1 says it must be one of its authorization_servers)"
            )));
        }
    }
    let server = named
        .or(servers.first().copied())
        .unwrap_or(&issuer)
        .to_owned();
    step(&format!(
        "reading the metadata of the authorization server {server}"
    ));
    let server_url = check_url(&server, "the authorization server")?;
    let mut answer = http.get(
        &well_known(&server_url, "oauth-authorization-server"),
        "application/json",
    )?;
    if answer.status == 404 {
        // OpenID Connect servers publish the same under their own name (OIDC Discovery).
        let mut oidc = server_url.clone();
        let path = format!(
            "{}/.well-known/openid-configuration",
            oidc.path().trim_end_matches('/')
        );
        oidc.set_path(&path);
        answer = http.get(&oidc, "application/json")?;
    }
    if !answer.ok() {
        return Err(answer.failure("fetching the authorization server's metadata"));
    }
    let as_meta = answer.json("the authorization server's metadata")?;
    // RFC 8414 §3.3: the metadata's issuer is the server's identifier (a trailing slash aside,
    // which issuers' metadata often adds or drops).
    let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    if !str_of(&as_meta, "issuer").is_some_and(|i| same(i, &server)) {
        return Err(Error::Malformed(format!(
            "the authorization server metadata at {} is for {}, not for {server} (RFC 8414 §3.3 says they must be the same)",
            answer.url,
            str_of(&as_meta, "issuer").unwrap_or("no issuer")
        )));
    }
    let token_endpoint = Some(
        endpoint(&as_meta, "token_endpoint", "authorization server")?.ok_or_else(|| {
            Error::Malformed("the authorization server's metadata has no token_endpoint".into())
        })?,
    );
    let dpop_algs = strings(as_meta.get("dpop_signing_alg_values_supported"));
    let (login, login_problem) = if needs_login {
        login_server(
            &as_meta,
            str_of(&as_meta, "issuer").unwrap_or(&server),
            !servers.is_empty(),
        )?
    } else {
        (None, None)
    };

    let offered = ids
        .into_iter()
        .map(|id| {
            let config = configs.get(&id).cloned().unwrap_or(Value::Null);
            let format = str_of(&config, "format").map(str::to_owned);
            let unsupported = unsupported_reason(&id, &config);
            let name = display_name(&config);
            Offered {
                id,
                format,
                name,
                unsupported,
                config,
            }
        })
        .collect();
    Ok(Offer {
        issuer,
        issuer_name: metadata
            .get("display")
            .and_then(Value::as_array)
            .and_then(|d| pick_display(d))
            .map(str::to_owned),
        offered,
        tx_code,
        needs_login,
        pre_authorized_code,
        issuer_state,
        login_at: login.as_ref().map(|l| l.issuer.clone()),
        login,
        login_problem,
        credential_endpoint,
        nonce_endpoint: endpoint(&metadata, "nonce_endpoint", "issuer")?,
        deferred_endpoint: endpoint(&metadata, "deferred_credential_endpoint", "issuer")?,
        notification_endpoint: endpoint(&metadata, "notification_endpoint", "issuer")?,
        token_endpoint,
        dpop_algs,
        metadata,
    })
}

/// How to log in at an authorization server (its metadata `as_meta`), or why the wallet
/// cannot: it has no authorization endpoint, or no PKCE S256.
fn login_server(
    as_meta: &Value,
    server: &str,
    listed: bool,
) -> Result<(Option<crate::login::Server>, Option<String>)> {
    let Some(authorization_endpoint) =
        endpoint(as_meta, "authorization_endpoint", "authorization server")?
    else {
        return Ok((
            None,
            Some(format!(
                "the offer needs you to log in at the issuer, but its authorization server {server} names no authorization_endpoint"
            )),
        ));
    };
    let methods = as_meta
        .get("code_challenge_methods_supported")
        .and_then(Value::as_array);
    if methods.is_some_and(|m| !m.iter().any(|x| x.as_str() == Some("S256"))) {
        return Ok((
            None,
            Some(format!(
                "the authorization server {server} does not offer PKCE with S256, which the wallet needs to log in safely (RFC 7636)"
            )),
        ));
    }
    Ok((
        Some(crate::login::Server {
            issuer: server.to_owned(),
            authorization_endpoint,
            par_endpoint: endpoint(
                as_meta,
                "pushed_authorization_request_endpoint",
                "authorization server",
            )?,
            par_required: as_meta
                .get("require_pushed_authorization_requests")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            iss_in_answer: as_meta
                .get("authorization_response_iss_parameter_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            details: as_meta
                .get("authorization_details_types_supported")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|x| x.as_str() == Some("openid_credential"))),
            locations: listed,
        }),
        None,
    ))
}

/// The English display name among `display` entries, else the first.
fn pick_display(display: &[Value]) -> Option<&str> {
    display
        .iter()
        .find(|d| str_of(d, "locale").is_some_and(|l| l.starts_with("en")))
        .or(display.first())
        .and_then(|d| str_of(d, "name"))
}

fn display_name(config: &Value) -> Option<String> {
    let display = config
        .pointer("/credential_metadata/display")
        .or_else(|| config.get("display"))
        .and_then(Value::as_array)?;
    pick_display(display).map(str::to_owned)
}

/// How the holder proves possession of its key in a proof's header.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Binding {
    /// `kid`: the key's DID URL.
    Did,
    /// `jwk`: the public key itself.
    Jwk,
}

/// Which of the learner's keys a credential is bound to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Ed25519,
    P256,
}

/// A configuration's proof: how, with which key and `alg`; `Ok(None)` when it asks for none.
/// W3C credentials are bound to the Ed25519 did:key (it signs the learner's presentations);
/// SD-JWT VC to the P-256 key (it signs their key-binding JWTs, ES256 as the EU ecosystem
/// requires).
fn proof_plan(config: &Value) -> std::result::Result<Option<(Binding, Key, &'static str)>, String> {
    let Some(jwt) = config.pointer("/proof_types_supported/jwt") else {
        if config.get("proof_types_supported").is_some() {
            return Err(
                "the issuer accepts only proof types other than jwt, which the wallet does not make"
                    .into(),
            );
        }
        return Ok(None);
    };
    let algs: Vec<&str> = jwt
        .get("proof_signing_alg_values_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let methods: Vec<&str> = config
        .get("cryptographic_binding_methods_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let allows = |m: &str| methods.is_empty() || methods.contains(&m);
    let named = |a: &[&str]| {
        if a.is_empty() {
            "an algorithm it does not name".to_string()
        } else {
            a.join(" or ")
        }
    };
    if str_of(config, "format") == Some("dc+sd-jwt") {
        if !algs.contains(&"ES256") {
            return Err(format!(
                "the issuer wants the holder key to sign with {}, and the wallet binds SD-JWT VC to its P-256 key (ES256)",
                named(&algs)
            ));
        }
        return if allows("jwk") {
            Ok(Some((Binding::Jwk, Key::P256, "ES256")))
        } else if methods.contains(&"did:jwk") {
            Ok(Some((Binding::Did, Key::P256, "ES256")))
        } else {
            Err(format!(
                "the issuer binds it to {}, and the wallet binds SD-JWT VC to a JWK or did:jwk",
                methods.join(" or ")
            ))
        };
    }
    // EdDSA (RFC 8037), or its fully-specified name (RFC 9864).
    let alg = ["EdDSA", "Ed25519"]
        .into_iter()
        .find(|a| algs.contains(a))
        .ok_or_else(|| {
            format!(
                "the issuer wants the holder key to sign with {}, and the wallet binds W3C credentials to its Ed25519 key (EdDSA)",
                named(&algs)
            )
        })?;
    if allows("did:key") || methods.contains(&"did") {
        Ok(Some((Binding::Did, Key::Ed25519, alg)))
    } else {
        Err(format!(
            "the issuer binds it to {}, and the wallet binds W3C credentials to its did:key",
            methods.join(" or ")
        ))
    }
}

/// DPoP (RFC 9449): a key for this exchange and the server nonces seen so far.
struct Dpop {
    key: Box<dyn Signer>,
    nonce: Option<String>,
}

impl Dpop {
    /// A fresh key for the server's `dpop_signing_alg_values_supported`: ES256 where it is
    /// listed (what HAIP 1.0 requires), else EdDSA; `None` when the server lists neither (no
    /// DPoP, or only algorithms the wallet does not sign with).
    fn for_server(algs: &[String]) -> Option<Dpop> {
        let offers = |names: &[&str]| algs.iter().any(|a| names.contains(&a.as_str()));
        let key: Box<dyn Signer> = if offers(&["ES256"]) {
            Box::new(P256(p256::ecdsa::SigningKey::random(&mut rand_core::OsRng)))
        } else if offers(&["EdDSA", "Ed25519"]) {
            Box::new(Ed25519::generate())
        } else {
            return None;
        };
        Some(Dpop { key, nonce: None })
    }

    /// A DPoP proof for `method url`, bound to `access_token` when calling a resource.
    fn proof(&self, method: &str, url: &Url, access_token: Option<&str>) -> String {
        let mut htu = url.clone();
        htu.set_query(None);
        htu.set_fragment(None);
        let mut payload = json!({
            "jti": random_id(),
            "htm": method,
            "htu": htu.as_str(),
            "iat": now(),
        });
        if let Some(token) = access_token {
            payload["ath"] = Value::String(b64(&Sha256::digest(token.as_bytes())));
        }
        if let Some(n) = &self.nonce {
            payload["nonce"] = Value::String(n.clone());
        }
        sign_jwt(
            json!({"typ": "dpop+jwt", "jwk": self.key.public_jwk()}),
            &payload,
            self.key.as_ref(),
        )
    }

    /// Whether `answer` asks for a DPoP nonce (RFC 9449 §8, §9); keeps the nonce it gives.
    fn wants_nonce(&mut self, answer: &Answer) -> bool {
        let asked = answer
            .www_authenticate
            .as_deref()
            .is_some_and(|w| w.contains("use_dpop_nonce"))
            || serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| {
                    v.get("error")
                        .and_then(Value::as_str)
                        .map(|e| e == "use_dpop_nonce")
                })
                .unwrap_or(false);
        if asked && answer.dpop_nonce.is_some() && answer.dpop_nonce != self.nonce {
            self.nonce = answer.dpop_nonce.clone();
            return true;
        }
        false
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Receive every supported credential of `offer`: with its pre-authorized code (and
/// `tx_code`, the transaction code the learner typed, when the offer asks for one), or by the
/// learner logging in at the issuer in the browser `open` opens. Returns every credential, or
/// an error and nothing.
pub fn receive(
    http: &Http,
    offer: &Offer,
    holder: &Holder,
    tx_code: Option<&str>,
    open: crate::login::OpenBrowser<'_>,
    step: Step<'_>,
) -> Result<Vec<Received>> {
    let Some(token_endpoint) = &offer.token_endpoint else {
        return Err(Error::Malformed(
            "the authorization server's metadata has no token_endpoint".into(),
        ));
    };
    let wanted: Vec<&Offered> = offer
        .offered
        .iter()
        .filter(|o| o.unsupported.is_none())
        .collect();
    if wanted.is_empty() {
        let reasons: Vec<String> = offer
            .offered
            .iter()
            .map(|o| format!("{}: {}", o.id, o.unsupported.as_deref().unwrap_or("")))
            .collect();
        return Err(Error::Unsupported(format!(
            "nothing in this offer is a credential the wallet can receive ({})",
            reasons.join("; ")
        )));
    }
    let mut form: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: &str| form.push((k.to_owned(), v.to_owned()));
    if let Some(code) = &offer.pre_authorized_code {
        put("grant_type", PRE_AUTHORIZED);
        put("pre-authorized_code", code);
        match (&offer.tx_code, tx_code) {
            (Some(_), None) => {
                return Err(Error::BadOffer(
                    "this offer needs a transaction code (the issuer sent it to you separately)"
                        .into(),
                ))
            }
            (Some(t), Some(c)) => {
                if let Some(p) = t.problem(c) {
                    return Err(Error::BadOffer(format!(
                        "that transaction code cannot be right: {p}"
                    )));
                }
                put("tx_code", c);
            }
            (None, _) => {}
        }
    } else {
        let Some(server) = &offer.login else {
            return Err(Error::Unsupported(
                offer
                    .login_problem
                    .clone()
                    .unwrap_or_else(|| "the offer has no grant the wallet can use".into()),
            ));
        };
        let ask = crate::login::Ask {
            configurations: wanted.iter().map(|o| o.id.as_str()).collect(),
            scopes: wanted
                .iter()
                .filter_map(|o| str_of(&o.config, "scope"))
                .collect(),
            issuer: &offer.issuer,
            issuer_state: offer.issuer_state.as_deref(),
        };
        let authorized = crate::login::authorize(http, server, &ask, open, &mut *step)?;
        put("grant_type", "authorization_code");
        put("code", &authorized.code);
        put("redirect_uri", &authorized.redirect_uri);
        put("code_verifier", &authorized.code_verifier);
        put("client_id", crate::login::CLIENT_ID);
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut dpop = Dpop::for_server(&offer.dpop_algs);

    step(&format!(
        "asking {} for an access token",
        token_endpoint.as_str()
    ));
    let token_answer = loop {
        let proof = dpop.as_ref().map(|d| d.proof("POST", token_endpoint, None));
        let mut headers = vec![("Accept", "application/json")];
        if let Some(p) = &proof {
            headers.push(("DPoP", p));
        }
        let answer = http.send("POST", token_endpoint, &headers, Body::Form(&form))?;
        if !answer.ok() && dpop.as_mut().is_some_and(|d| d.wants_nonce(&answer)) {
            continue;
        }
        break answer;
    };
    if !token_answer.ok() {
        return Err(explain_token_error(
            token_answer.failure("the token request"),
        ));
    }
    if let (Some(d), Some(n)) = (dpop.as_mut(), &token_answer.dpop_nonce) {
        d.nonce = Some(n.clone());
    }
    let token = token_answer.json("the token response")?;
    let access_token = str_of(&token, "access_token")
        .ok_or_else(|| Error::Malformed("the token response has no access_token".into()))?
        .to_owned();
    let token_type = str_of(&token, "token_type").unwrap_or("Bearer");
    let bound = token_type.eq_ignore_ascii_case("DPoP");
    if bound && dpop.is_none() {
        return Err(Error::Malformed(
            "the server issued a DPoP-bound token although the wallet sent no DPoP proof".into(),
        ));
    }
    // Credential identifiers the token grants (§6.2 authorization_details), by configuration.
    let identifiers = credential_identifiers(&token);
    let mut c_nonce = str_of(&token, "c_nonce").map(str::to_owned);

    let mut received = Vec::new();
    for o in wanted {
        step(&format!(
            "receiving {} ({})",
            o.name.as_deref().unwrap_or(&o.id),
            o.format.as_deref().unwrap_or_default()
        ));
        let plan = proof_plan(&o.config).map_err(Error::Unsupported)?;
        let mut retried_nonce = false;
        let answer = loop {
            // A fresh c_nonce for each request (§7: they may be single use).
            if plan.is_some() && c_nonce.is_none() {
                if let Some(ne) = &offer.nonce_endpoint {
                    let a = http.send("POST", ne, &[("Accept", "application/json")], Body::None)?;
                    if !a.ok() {
                        return Err(a.failure("the nonce request"));
                    }
                    c_nonce = str_of(&a.json("the nonce response")?, "c_nonce").map(str::to_owned);
                }
            }
            let mut body = Map::new();
            match identifiers.get(&o.id).and_then(|ids| ids.first()) {
                Some(ident) => {
                    body.insert("credential_identifier".into(), Value::String(ident.clone()))
                }
                None => body.insert(
                    "credential_configuration_id".into(),
                    Value::String(o.id.clone()),
                ),
            };
            if let Some((binding, key, alg)) = plan {
                let (signer, kid) = match key {
                    Key::Ed25519 => (&holder.ed25519 as &dyn Signer, &holder.ed25519_kid),
                    Key::P256 => (&holder.p256 as &dyn Signer, &holder.p256_kid),
                };
                let mut header = json!({"typ": "openid4vci-proof+jwt", "alg": alg});
                match binding {
                    Binding::Did => header["kid"] = Value::String(kid.clone()),
                    Binding::Jwk => header["jwk"] = signer.public_jwk(),
                }
                let mut payload = json!({"aud": offer.issuer, "iat": now()});
                if let Some(n) = &c_nonce {
                    payload["nonce"] = Value::String(n.clone());
                }
                let jwt = sign_jwt(header, &payload, signer);
                body.insert("proofs".into(), json!({"jwt": [jwt]}));
            }
            let body = Value::Object(body);
            let dpop_now = dpop.as_ref().filter(|_| bound);
            let a = post_with_token(
                http,
                &offer.credential_endpoint,
                &access_token,
                dpop_now,
                &body,
            )?;
            // Every nonce is spent once a request carried it.
            c_nonce = None;
            if let Ok(v) = serde_json::from_slice::<Value>(&a.body) {
                c_nonce = str_of(&v, "c_nonce").map(str::to_owned);
            }
            if !a.ok() && bound && dpop.as_mut().is_some_and(|d| d.wants_nonce(&a)) {
                continue;
            }
            if !a.ok() && a.failure("").code() == Some("invalid_nonce") && !retried_nonce {
                // §8.3.1.2: get a fresh nonce and try once more.
                retried_nonce = true;
                continue;
            }
            break a;
        };
        if let (Some(d), Some(n)) = (dpop.as_mut(), &answer.dpop_nonce) {
            d.nonce = Some(n.clone());
        }
        if !answer.ok() {
            return Err(answer.failure(&format!("the request for {}", o.id)));
        }
        let answer = if answer.status == 202 {
            // §8.3, §9: issued later; asked for at the deferred endpoint with the transaction
            // id, no sooner than the interval the issuer gives, while this exchange waits.
            let deferred = offer.deferred_endpoint.as_ref().ok_or_else(|| {
                Error::Malformed(format!(
                    "the issuer deferred {} but names no deferred_credential_endpoint",
                    o.id
                ))
            })?;
            let mut pending = Pending::of(&answer, o)?;
            step(&format!(
                "the issuer will issue {} a little later; waiting for it (up to {} minutes)",
                o.id,
                MAX_DEFERRED_WAIT.as_secs() / 60
            ));
            let started = std::time::Instant::now();
            loop {
                pending.wait(http, started, o)?;
                let body = json!({"transaction_id": pending.transaction_id});
                let dpop_now = dpop.as_ref().filter(|_| bound);
                let a = post_with_token(http, deferred, &access_token, dpop_now, &body)?;
                if let (Some(d), Some(n)) = (dpop.as_mut(), &a.dpop_nonce) {
                    d.nonce = Some(n.clone());
                }
                if !a.ok() && bound && dpop.as_mut().is_some_and(|d| d.wants_nonce(&a)) {
                    continue;
                }
                if a.status == 202 {
                    if let Ok(again) = Pending::of(&a, o) {
                        (pending.interval, pending.asked) = (again.interval, again.asked);
                    }
                    continue;
                }
                if !a.ok() {
                    let e = a.failure(&format!("the deferred request for {}", o.id));
                    // Draft 13 said "not yet" this way.
                    if e.code() == Some("issuance_pending") {
                        continue;
                    }
                    return Err(e);
                }
                break a;
            }
        } else {
            answer
        };
        received.extend(credentials_of(&answer, o)?);
    }
    Ok(received)
}

/// POST `body` to a resource endpoint of the issuer with the access token: as a DPoP-bound
/// token with a fresh proof for `url` when `dpop` is given, else as a Bearer token.
fn post_with_token(
    http: &Http,
    url: &Url,
    access_token: &str,
    dpop: Option<&Dpop>,
    body: &Value,
) -> Result<Answer> {
    let scheme = if dpop.is_some() { "DPoP" } else { "Bearer" };
    let authorization = format!("{scheme} {access_token}");
    let proof = dpop.map(|d| d.proof("POST", url, Some(access_token)));
    let mut headers = vec![
        ("Authorization", authorization.as_str()),
        ("Accept", "application/json"),
    ];
    if let Some(p) = &proof {
        headers.push(("DPoP", p));
    }
    http.send("POST", url, &headers, Body::Json(body))
}

/// How long an exchange waits for a deferred credential before it gives up (nothing kept).
const MAX_DEFERRED_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// A deferred credential being waited for: its transaction id and the issuer's interval.
struct Pending {
    transaction_id: String,
    interval: std::time::Duration,
    /// The interval as the issuer gave it, in seconds (for the message).
    asked: u64,
}

impl Pending {
    /// Read a 202 answer (§8.3: `transaction_id`, `interval` in seconds).
    fn of(answer: &Answer, o: &Offered) -> Result<Pending> {
        let v: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            Error::Malformed(format!(
                "the issuer deferred {} with an answer that is not JSON ({e})",
                o.id
            ))
        })?;
        let transaction_id = str_of(&v, "transaction_id")
            .filter(|t| !t.is_empty() && t.len() <= 1024)
            .ok_or_else(|| {
                Error::Malformed(format!(
                    "the issuer deferred {} without a transaction_id",
                    o.id
                ))
            })?
            .to_owned();
        // At least what it says (§8.3: the wallet waits no less), and at least a second;
        // past what an exchange waits, every value is the same answer.
        let asked = v.get("interval").and_then(Value::as_u64).unwrap_or(5);
        let secs = asked.clamp(1, MAX_DEFERRED_WAIT.as_secs() + 1);
        Ok(Pending {
            transaction_id,
            interval: std::time::Duration::from_secs(secs),
            asked,
        })
    }

    /// Wait the interval, in slices so that a cancel stops it at once; refuse to wait past
    /// [`MAX_DEFERRED_WAIT`] since `started`.
    fn wait(&self, http: &Http, started: std::time::Instant, o: &Offered) -> Result<()> {
        if started.elapsed() + self.interval > MAX_DEFERRED_WAIT {
            let waited = started.elapsed().as_secs();
            return Err(Error::Unsupported(format!(
                "the issuer has not issued {} after {} of waiting and asks to wait {} more \
                 seconds, past the {} minutes an exchange waits; nothing was kept: try the \
                 offer again later",
                o.id,
                if waited < 60 {
                    format!("{waited} seconds")
                } else {
                    format!("{} minutes", waited / 60)
                },
                self.asked.max(1),
                MAX_DEFERRED_WAIT.as_secs() / 60
            )));
        }
        let until = std::time::Instant::now() + self.interval;
        while std::time::Instant::now() < until {
            if http.cancelled() {
                return Err(Error::Unsupported(format!(
                    "you stopped waiting for {}; nothing was kept",
                    o.id
                )));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Ok(())
    }
}

fn explain_token_error(e: Error) -> Error {
    match e {
        Error::Protocol {
            what,
            code,
            description,
        } if code == "invalid_grant" => Error::Protocol {
            what: format!(
                "{what} was refused: the offer has expired or was already used, or the \
                 transaction code is wrong"
            ),
            code,
            description,
        },
        other => other,
    }
}

fn credential_identifiers(token: &Value) -> std::collections::HashMap<String, Vec<String>> {
    let mut out = std::collections::HashMap::new();
    for d in token
        .get("authorization_details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(id), Some(ids)) = (
            str_of(d, "credential_configuration_id"),
            d.get("credential_identifiers").and_then(Value::as_array),
        ) {
            out.entry(id.to_owned())
                .or_insert_with(Vec::new)
                .extend(ids.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    out
}

/// The credentials of a credential response (§8.3), each as the exact text the issuer sent.
fn credentials_of(answer: &Answer, o: &Offered) -> Result<Vec<Received>> {
    #[derive(serde::Deserialize)]
    struct Response<'a> {
        #[serde(borrow, default)]
        credentials: Option<Vec<Item<'a>>>,
        #[serde(default)]
        notification_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Item<'a> {
        #[serde(borrow)]
        credential: &'a serde_json::value::RawValue,
    }
    let r: Response<'_> = serde_json::from_slice(&answer.body).map_err(|e| {
        Error::Malformed(format!(
            "the credential response for {} is not JSON ({e})",
            o.id
        ))
    })?;
    let items = r.credentials.unwrap_or_default();
    if items.is_empty() {
        return Err(Error::Malformed(format!(
            "the credential response for {} holds no credentials",
            o.id
        )));
    }
    let format = o.format.clone().unwrap_or_default();
    items
        .into_iter()
        .map(|i| {
            let raw = i.credential.get();
            let bytes = if raw.starts_with('"') {
                serde_json::from_str::<String>(raw)
                    .map_err(|e| {
                        Error::Malformed(format!("a credential of {} is not a string ({e})", o.id))
                    })?
                    .into_bytes()
            } else {
                raw.as_bytes().to_vec()
            };
            Ok(Received {
                configuration: o.id.clone(),
                format: format.clone(),
                bytes,
                notification_id: r.notification_id.clone(),
            })
        })
        .collect()
}

/// Why receiving stopped: the exchange itself, or the wallet it fills (a full disk, a locked
/// wallet), whose error comes through unchanged.
#[derive(Debug)]
pub enum Stop<E> {
    /// The issuer, the network or the protocol; nothing was kept.
    Exchange(Error),
    /// The wallet.
    Wallet(E),
}

/// What a whole receiving brought.
#[derive(Debug)]
pub struct Receipt<R> {
    /// The trust documents cached for offline checks (or why one was not).
    pub trust: Vec<Cached>,
    /// What the wallet made of each received credential, in the order received.
    pub reports: Vec<R>,
}

/// Receive every supported credential of `offer` into the wallet `keep`: run the grant
/// ([`receive`]), then [`keep_received`]. Nothing is imported unless every credential
/// arrived.
pub fn receive_into<K: Keep>(
    http: &Http,
    offer: &Offer,
    holder: &Holder,
    tx_code: Option<&str>,
    open: crate::login::OpenBrowser<'_>,
    keep: &K,
    step: Step<'_>,
) -> std::result::Result<Receipt<K::Report>, Stop<K::Error>> {
    let received =
        receive(http, offer, holder, tx_code, open, &mut *step).map_err(Stop::Exchange)?;
    keep_received(http, offer, &received, keep, step)
}

/// Keep what [`receive`] brought in the wallet `keep`: cache the trust documents the
/// credentials need (so that importing verifies them, and they verify offline later), import
/// them, and tell the issuer which were kept. The app runs [`receive`] (a login may take
/// minutes) without holding its wallet, and only this with it.
pub fn keep_received<K: Keep>(
    http: &Http,
    offer: &Offer,
    received: &[Received],
    keep: &K,
    step: Step<'_>,
) -> std::result::Result<Receipt<K::Report>, Stop<K::Error>> {
    let urls = received
        .iter()
        .flat_map(|r| keep.trust_urls(&r.bytes))
        .collect();
    let trust = crate::keep::cache(http, keep, urls, step);
    let reports = keep.import(received).map_err(Stop::Wallet)?;
    let mut told = std::collections::HashSet::new();
    for (r, report) in received.iter().zip(&reports) {
        if let Some(id) = r.notification_id.as_ref().filter(|id| told.insert(*id)) {
            // Best effort: a failed notification changes nothing in the wallet.
            let _ = notify(http, offer, id, K::kept(report));
        }
    }
    Ok(Receipt { trust, reports })
}

/// Tell the issuer what became of a credential (§10): `credential_accepted` when it was kept,
/// `credential_failure` when it was not. Best effort: an issuer without a notification
/// endpoint is not told, and a failed notification changes nothing in the wallet.
pub fn notify(http: &Http, offer: &Offer, notification_id: &str, accepted: bool) -> Result<()> {
    let Some(endpoint) = &offer.notification_endpoint else {
        return Ok(());
    };
    let body = json!({
        "notification_id": notification_id,
        "event": if accepted { "credential_accepted" } else { "credential_failure" },
    });
    let a = http.send("POST", endpoint, &[], Body::Json(&body))?;
    if a.ok() {
        Ok(())
    } else {
        Err(a.failure("the notification"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// DPoP signs with ES256 where the server offers it (HAIP 1.0), else EdDSA, else not at
    /// all; the proof verifies with the key in its own header and names the request and token.
    #[test]
    fn dpop_prefers_es256_and_its_proof_verifies_with_its_own_key() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine as _;
        use p256::ecdsa::signature::Verifier as _;
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Dpop::for_server(&strings(&["EdDSA", "ES256"]))
                .unwrap()
                .key
                .alg(),
            "ES256"
        );
        assert_eq!(
            Dpop::for_server(&strings(&["EdDSA"])).unwrap().key.alg(),
            "EdDSA"
        );
        assert!(Dpop::for_server(&strings(&["RS256"])).is_none());
        assert!(Dpop::for_server(&[]).is_none());
        let mut dpop = Dpop::for_server(&strings(&["ES256"])).unwrap();
        dpop.nonce = Some("n-1".into());
        let url = Url::parse("https://as.example/token?x=1").unwrap();
        let proof = dpop.proof("POST", &url, Some("tok"));
        let parts: Vec<&str> = proof.split('.').collect();
        let json =
            |p: &str| serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
        let (header, payload) = (json(parts[0]), json(parts[1]));
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(payload["htm"], "POST");
        assert_eq!(payload["htu"], "https://as.example/token");
        assert_eq!(payload["nonce"], "n-1");
        assert_eq!(payload["ath"], b64(&Sha256::digest(b"tok")));
        let jwk = &header["jwk"];
        let key = p256::PublicKey::from_jwk_str(&jwk.to_string()).unwrap();
        let signature =
            p256::ecdsa::Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        p256::ecdsa::VerifyingKey::from(key)
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .unwrap();
    }

    #[test]
    fn an_offer_is_read_by_value_from_any_scheme() {
        let http = Http::new();
        let offer =
            r#"{"credential_issuer":"https://uni.example","credential_configuration_ids":["mc"]}"#;
        let encoded: String = url::form_urlencoded::byte_serialize(offer.as_bytes()).collect();
        for scheme in [
            "openid-credential-offer://",
            "haip-vci://",
            "https://wallet.example/",
        ] {
            let v =
                offer_from_link(&http, &format!("{scheme}?credential_offer={encoded}")).unwrap();
            assert_eq!(v["credential_issuer"], "https://uni.example");
        }
        let e = offer_from_link(&http, "openid-credential-offer://?foo=bar").unwrap_err();
        assert!(e.to_string().contains("neither"), "{e}");
        let e = offer_from_link(
            &http,
            &format!("openid-credential-offer://?credential_offer={encoded}&credential_offer_uri=https%3A%2F%2Fx"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("both"), "{e}");
        let e = offer_from_link(
            &http,
            "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fevil.example%2Fo",
        )
        .unwrap_err();
        assert!(e.to_string().contains("plain http"), "{e}");
    }

    #[test]
    fn well_known_addresses_go_between_host_and_path() {
        let u = Url::parse("https://uni.example/tenant/1").unwrap();
        assert_eq!(
            well_known(&u, "openid-credential-issuer").as_str(),
            "https://uni.example/.well-known/openid-credential-issuer/tenant/1"
        );
        let u = Url::parse("http://127.0.0.1:4000").unwrap();
        assert_eq!(
            well_known(&u, "oauth-authorization-server").as_str(),
            "http://127.0.0.1:4000/.well-known/oauth-authorization-server"
        );
    }

    #[test]
    fn the_proof_follows_the_configuration() {
        let ldp = json!({"format": "ldp_vc", "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}}});
        assert_eq!(
            proof_plan(&ldp).unwrap(),
            Some((Binding::Did, Key::Ed25519, "EdDSA"))
        );
        let sd = json!({"format": "dc+sd-jwt", "cryptographic_binding_methods_supported": ["jwk", "did:key"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}}});
        assert_eq!(
            proof_plan(&sd).unwrap(),
            Some((Binding::Jwk, Key::P256, "ES256"))
        );
        let ed_only = json!({"format": "dc+sd-jwt",
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}}});
        assert!(proof_plan(&ed_only).unwrap_err().contains("P-256"));
        let es_ldp = json!({"format": "ldp_vc",
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}});
        assert!(proof_plan(&es_ldp).unwrap_err().contains("ES256"));
        let did_jwk = json!({"format": "dc+sd-jwt", "cryptographic_binding_methods_supported": ["did:jwk"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}});
        assert_eq!(
            proof_plan(&did_jwk).unwrap(),
            Some((Binding::Did, Key::P256, "ES256"))
        );
        assert_eq!(proof_plan(&json!({"format": "ldp_vc"})).unwrap(), None);
        let t = TxCode {
            input_mode: "numeric".into(),
            length: Some(4),
            description: None,
        };
        assert!(t.problem("12a4").is_some());
        assert!(t.problem("123").is_some());
        assert_eq!(t.problem("1234"), None);
    }
}
