//! Verifying an SD-JWT VC offline (RFC 9901; SD-JWT VC, draft-ietf-oauth-sd-jwt-vc; Token
//! Status List, draft-ietf-oauth-status-list), in the same ordered steps as every format:
//!
//! - format: `typ` is `dc+sd-jwt` (`vc+sd-jwt`, the pre-2024 name, is a warning), `vct` is
//!   present, and the type metadata, when the wallet has it (bundled or imported), matches
//!   `vct#integrity`. Unknown type metadata is a warning: nothing is fetched;
//! - proof: the issuer's signature (ES256, ES384, EdDSA, RS256) with the key from the
//!   issuer's JWT VC Issuer Metadata (imported), a DID in `iss`/`kid`, or the `x5c` chain; then
//!   every disclosure (each one referenced exactly once, from a place of its kind, no digest
//!   twice, no claim name colliding); then the holder binding (`cnf`) and, for a
//!   presentation, the key-binding JWT (`typ`, signature by the `cnf` key, `sd_hash`);
//! - issuer identity: the key is the issuer's (published in its metadata, or its DID's), and
//!   the trust registry;
//! - dates: `nbf`/`iat` and `exp`, "expired is not forged" as for every format;
//! - status: the Token Status List entry, read from an imported status list token that is
//!   itself verified (its `typ`, `sub`, signature by the same issuer, expiry) before any
//!   bit of it is believed.

use super::{date_steps, lapsed, registry_step, step, Env};
use crate::formats::SdJwt;
use crate::model::{Lapse, LapseKind, MicroCredential, Step, StepKind, StepStatus};
use crate::proof::di::Failure;
use crate::proof::x509::CertInfo;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::io::Read;

/// The largest decompressed status list accepted (a list of 16 Mi entries at 8 bits; real
/// lists are a few kilobytes), so a compression bomb is refused, not inflated.
pub const MAX_STATUS_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// The SD-JWT VC type metadata the wallet ships with (the DC4EU pilot's types), exact bytes.
const BUNDLED_TYPES: [&str; 3] = [
    include_str!("../../assets/sd-jwt-vc/vctm_microcredential.json"),
    include_str!("../../assets/sd-jwt-vc/vctm_elm.json"),
    include_str!("../../assets/sd-jwt-vc/vctm_diploma.json"),
];

/// The key under which imported type metadata for `vct` is cached.
pub fn type_metadata_key(vct: &str) -> String {
    format!("vct:{vct}")
}

/// Where the JWT VC Issuer Metadata of `iss` is published (SD-JWT VC §4: the well-known
/// segment goes between the host and the path), which is also the key it is cached under.
pub fn jwt_vc_issuer_url(iss: &str) -> Option<String> {
    let (scheme, rest) = iss
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| iss.strip_prefix("http://").map(|r| ("http://", r)))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_end_matches('/');
    Some(if path.is_empty() {
        format!("{scheme}{host}/.well-known/jwt-vc-issuer")
    } else {
        format!("{scheme}{host}/.well-known/jwt-vc-issuer/{path}")
    })
}

/// The type metadata for `vct` as exact text: imported, else bundled.
pub fn type_metadata(vct: &str, env: &Env) -> Option<String> {
    if let Some(Value::String(s)) = env.proof.keys.get(&type_metadata_key(vct)) {
        return Some(s.clone());
    }
    bundled_types()
        .iter()
        .find(|(v, _)| v == vct)
        .map(|(_, t)| (*t).to_string())
}

/// Whether the type metadata for `vct` was imported (not only bundled).
fn imported_type_metadata(vct: &str, env: &Env) -> bool {
    matches!(
        env.proof.keys.get(&type_metadata_key(vct)),
        Some(Value::String(_))
    )
}

/// The type metadata an SD-JWT VC's claims are read with: the wallet's copy for its `vct`,
/// unless the credential commits (`vct#integrity`) to other metadata.
pub fn committed_type_metadata(payload: &Value, env: &Env) -> Option<String> {
    let text = type_metadata(str_of(payload, "vct")?, env)?;
    match str_of(payload, "vct#integrity").map(|i| sri_matches(i, text.as_bytes())) {
        Some(Ok(false)) => None,
        _ => Some(with_extended(text, env)),
    }
}

/// The most types one type metadata may extend, one after another.
const MAX_EXTENDS: usize = 8;

/// Type metadata with what it `extends` folded in (SD-JWT VC §6.4, §8.2): the claims of each
/// extended type the wallet has (bundled or imported; never fetched), a claim of the
/// extending type replacing one of the same path, and its `display` if it has none. An
/// extended type whose `extends#integrity` does not match, or that the wallet lacks, ends the
/// chain there. Not the exact text any more: for labels and rules, never for integrity.
fn with_extended(text: String, env: &Env) -> String {
    let Ok(mut merged) = serde_json::from_str::<Value>(&text) else {
        return text;
    };
    let mut current = merged.clone();
    let mut seen = vec![str_of(&merged, "vct").unwrap_or_default().to_owned()];
    for _ in 0..MAX_EXTENDS {
        let Some(parent_vct) = str_of(&current, "extends").map(str::to_owned) else {
            break;
        };
        if seen.contains(&parent_vct) {
            break;
        }
        let Some(parent_text) = type_metadata(&parent_vct, env) else {
            break;
        };
        if let Some(i) = str_of(&current, "extends#integrity") {
            if !matches!(sri_matches(i, parent_text.as_bytes()), Ok(true)) {
                break;
            }
        }
        let Ok(parent) = serde_json::from_str::<Value>(&parent_text) else {
            break;
        };
        let mut claims: Vec<Value> = crate::formats::text_list(parent.get("claims"))
            .into_iter()
            .cloned()
            .collect();
        for c in crate::formats::text_list(merged.get("claims")) {
            claims.retain(|p| p.get("path") != c.get("path"));
            claims.push(c.clone());
        }
        if let Some(o) = merged.as_object_mut() {
            o.insert("claims".into(), Value::Array(claims));
            if !o.contains_key("display") {
                if let Some(d) = parent.get("display") {
                    o.insert("display".into(), d.clone());
                }
            }
        }
        seen.push(parent_vct);
        current = parent;
    }
    merged.to_string()
}

/// What the type `meta` extends, checked: `None` when it extends nothing, else a step.
fn extends_step(meta: &Value, env: &Env) -> Option<(StepStatus, String)> {
    let parent = str_of(meta, "extends")?;
    let Some(text) = type_metadata(parent, env) else {
        return Some((
            StepStatus::Warn,
            format!("Its type extends {parent}, whose type metadata the wallet does not have (bundled or imported); the labels and rules of {parent} are not used."),
        ));
    };
    Some(match str_of(meta, "extends#integrity").map(|i| sri_matches(i, text.as_bytes())) {
        None | Some(Ok(true)) => (
            StepStatus::Pass,
            format!(
                "Its type extends {parent}{}.",
                if meta.get("extends#integrity").is_some() { ", and that type's metadata matches its extends#integrity" } else { "" }
            ),
        ),
        Some(Ok(false)) if imported_type_metadata(parent, env) => (
            StepStatus::Fail,
            format!("Its type's extends#integrity does not match the type metadata imported for {parent}: the issuer's type builds on other type metadata."),
        ),
        Some(Ok(false)) => (
            StepStatus::Warn,
            format!("Its type extends another version of {parent} than the one bundled with the wallet, so that type's labels and rules are not used."),
        ),
        Some(Err(e)) => (
            StepStatus::Warn,
            format!("Its type's extends#integrity was not checked: {e}."),
        ),
    })
}

/// The bundled type metadata by `vct`, parsed once per process (not on every verification).
fn bundled_types() -> &'static [(String, &'static str)] {
    static TYPES: std::sync::OnceLock<Vec<(String, &'static str)>> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| {
        BUNDLED_TYPES
            .iter()
            .filter_map(|t| {
                let v: Value = serde_json::from_str(t).ok()?;
                Some((v.get("vct")?.as_str()?.to_string(), *t))
            })
            .collect()
    })
}

/// Whether `bytes` match a Subresource Integrity value (`sha256-…`, `sha384-…`, `sha512-…`,
/// space-separated alternatives; W3C SRI §3.3): `Ok(true)` on a match, `Err` when no
/// alternative uses an algorithm the wallet knows.
pub fn sri_matches(integrity: &str, bytes: &[u8]) -> Result<bool, String> {
    let mut known = false;
    for option in integrity.split_whitespace() {
        let (alg, b64) = option.split_once('-').unwrap_or(("", option));
        let b64 = b64.split('?').next().unwrap_or(b64);
        let digest = match alg {
            "sha256" => Sha256::digest(bytes).to_vec(),
            "sha384" => Sha384::digest(bytes).to_vec(),
            "sha512" => Sha512::digest(bytes).to_vec(),
            _ => continue,
        };
        known = true;
        let given = STANDARD
            .decode(b64)
            .or_else(|_| URL_SAFE_NO_PAD.decode(b64.trim_end_matches('=')));
        if given.is_ok_and(|g| g == digest) {
            return Ok(true);
        }
    }
    if known {
        Ok(false)
    } else {
        Err(format!(
            "the integrity value \"{integrity}\" uses no algorithm the wallet knows"
        ))
    }
}

/// A compact JWT split and decoded (no check made).
struct Jwt {
    header: Value,
    payload: Value,
    signing_input: String,
    signature: Vec<u8>,
}

fn decode_jwt(text: &str) -> Result<Jwt, String> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    let [h, p, s] = parts.as_slice() else {
        return Err("it is not a JWT (three dot-separated parts)".into());
    };
    let json = |seg: &str, what: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(seg.trim_end_matches('='))
            .map_err(|_| format!("its {what} is not base64url"))?;
        let v: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("its {what} is not JSON: {e}"))?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(format!("its {what} is not a JSON object"))
        }
    };
    Ok(Jwt {
        header: json(h, "header")?,
        payload: json(p, "payload")?,
        signing_input: format!("{h}.{p}"),
        signature: URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .map_err(|_| "its signature is not base64url".to_string())?,
    })
}

/// Where the issuer's key was found.
enum IssuerKey {
    /// A JWK from the issuer's JWT VC Issuer Metadata (inline or its cached `jwks_uri`).
    Metadata { jwk: Value, at: String },
    /// A verification method of the issuer's DID.
    Did { vm: String },
    /// The leaf of an `x5c` chain, with the rest of the chain.
    X5c { chain: Vec<CertInfo> },
}

fn str_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// Find the key that must have signed a JWT with `header` for the issuer `iss`.
fn issuer_key(iss: &str, header: &Value, env: &Env) -> Result<IssuerKey, Failure> {
    let kid = str_of(header, "kid");
    if let Some(x5c) = header.get("x5c") {
        let certs: Vec<CertInfo> = crate::formats::text_list(Some(x5c))
            .iter()
            .map(|c| {
                let der = c
                    .as_str()
                    .and_then(|s| STANDARD.decode(s.trim()).ok())
                    .ok_or_else(|| Failure::Invalid("an x5c entry is not base64".into()))?;
                CertInfo::parse(&der).map_err(Failure::Invalid)
            })
            .collect::<Result<_, _>>()?;
        if certs.is_empty() {
            return Err(Failure::Invalid("the x5c header is empty".into()));
        }
        return Ok(IssuerKey::X5c { chain: certs });
    }
    if iss.starts_with("did:") {
        let vm = match kid {
            Some(k) if k.starts_with("did:") => k.to_string(),
            Some(k) if k.starts_with('#') => format!("{iss}{k}"),
            Some(k) => format!("{iss}#{k}"),
            None => iss.to_string(),
        };
        if !vm.starts_with(iss) {
            return Err(Failure::Invalid(format!(
                "the key {vm} is not a key of the issuer {iss}"
            )));
        }
        return Ok(IssuerKey::Did { vm });
    }
    let at = jwt_vc_issuer_url(iss).ok_or_else(|| {
        Failure::Unverifiable(format!(
            "the issuer {iss} is neither a web address nor a DID, so its keys cannot be found"
        ))
    })?;
    let meta = env.proof.keys.get(&at).ok_or_else(|| {
        Failure::Unverifiable(format!(
            "the issuer's keys (its JWT VC Issuer Metadata, published at {at}) are not in the wallet; import them with `mcx trust import`"
        ))
    })?;
    if str_of(meta, "issuer") != Some(iss) {
        return Err(Failure::Unverifiable(format!(
            "the metadata cached for {iss} names another issuer"
        )));
    }
    let jwks = match (meta.get("jwks"), str_of(meta, "jwks_uri")) {
        (Some(j), _) => j,
        (None, Some(uri)) => env.proof.keys.get(uri).ok_or_else(|| {
            Failure::Unverifiable(format!(
                "the issuer's key set ({uri}) is not in the wallet; import it with `mcx trust import --url {uri}`"
            ))
        })?,
        (None, None) => {
            return Err(Failure::Unverifiable(format!(
                "the issuer metadata of {iss} lists no keys"
            )))
        }
    };
    let keys: Vec<&Value> = crate::formats::text_list(jwks.get("keys"));
    let found = match kid {
        Some(k) => keys.iter().find(|j| str_of(j, "kid") == Some(k)),
        None if keys.len() == 1 => keys.first(),
        None => None,
    };
    let jwk = found.ok_or_else(|| {
        Failure::Unverifiable(match kid {
            Some(k) => format!("the issuer's metadata has no key with kid {k}"),
            None => "the credential names no kid and the issuer publishes several keys".into(),
        })
    })?;
    Ok(IssuerKey::Metadata {
        jwk: (*jwk).clone(),
        at,
    })
}

/// Check a JWT signature made by the issuer `iss`: what signed it, in words.
fn check_issuer_signature(
    iss: &str,
    jwt_header: &Value,
    signing_input: &[u8],
    signature: &[u8],
    env: &Env,
) -> Result<(IssuerKey, String), Failure> {
    let alg = str_of(jwt_header, "alg").unwrap_or("");
    if alg.is_empty() || alg == "none" {
        return Err(Failure::Invalid(
            "it is unsigned (alg none), which is never accepted".into(),
        ));
    }
    let key = issuer_key(iss, jwt_header, env)?;
    let said = match &key {
        IssuerKey::Metadata { jwk, at } => {
            super::jws::verify(
                &json!({"alg": alg, "jwk": jwk}),
                signing_input,
                signature,
                &env.proof.keys,
            )?;
            format!("a key the issuer publishes ({at})")
        }
        IssuerKey::Did { vm } => {
            super::jws::verify(
                &json!({"alg": alg, "kid": vm}),
                signing_input,
                signature,
                &env.proof.keys,
            )?;
            format!("the key {vm}")
        }
        IssuerKey::X5c { chain } => {
            let leaf = &chain[0];
            match leaf.verify_jws(alg, signing_input, signature) {
                Ok(true) => {}
                Ok(false) => return Err(Failure::Invalid(
                    "the signature does not match: the credential was changed after signing, or signed with another key".into(),
                )),
                Err(e) => return Err(Failure::Unverifiable(e)),
            }
            for pair in chain.windows(2) {
                if !pair[0].issued_by_name(&pair[1])
                    || !pair[0].signed_by(&pair[1]).map_err(Failure::Unverifiable)?
                {
                    return Err(Failure::Invalid(format!(
                        "the certificate of {} is not signed by the next one in the chain ({})",
                        pair[0].short_subject(),
                        pair[1].short_subject()
                    )));
                }
            }
            format!("the certificate of {}", leaf.short_subject())
        }
    };
    Ok((key, said))
}

/// The host an issuer identifier names: `https://HOST[:port]/…`, or RFC 4501's `dns:HOST`.
fn issuer_host(iss: &str) -> Option<&str> {
    if let Some(rest) = iss.strip_prefix("dns:") {
        // RFC 4501: `dns:[//authority/]name[?query]`; the authority is a DNS server.
        let rest = match rest.strip_prefix("//") {
            Some(r) => r.split_once('/').map_or("", |(_, name)| name),
            None => rest,
        };
        let name = rest.split(['?', ';']).next().unwrap_or("");
        return (!name.is_empty()).then_some(name);
    }
    let rest = iss.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    (!host.is_empty()).then_some(host)
}

/// Who signed, by an `x5c` chain (SD-JWT VC §3.5, HAIP 1.0): the leaf certificate must name
/// the issuer in its subjectAltName (a dNSName for the issuer's host, or the whole `iss` as a
/// uniformResourceIdentifier), and each certificate must have been valid when the credential
/// was issued (`iat`, else now). A certificate that has expired since is said, as for any
/// genuine credential that has aged; trust in its authority needs the EU trusted lists,
/// which are not bundled.
fn x5c_identity_step(
    iss: &str,
    chain: &[CertInfo],
    payload: &Value,
    now: DateTime<Utc>,
    steps: &mut Vec<Step>,
) {
    let leaf = &chain[0];
    let (dns, uris) = (leaf.dns_names(), leaf.uri_names());
    let by_uri = uris.iter().any(|u| u == iss);
    let by_dns = issuer_host(iss).is_some_and(|h| {
        dns.iter()
            .any(|d| d.trim_end_matches('.').eq_ignore_ascii_case(h))
    });
    let names: Vec<String> = dns.into_iter().chain(uris).collect();
    // A leaf naming other parties cannot speak for this issuer; one naming none (no
    // subjectAltName, as some deployments issue them) does not say whose it is.
    if !by_uri && !by_dns && !names.is_empty() {
        step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Fail,
            format!(
                "The credential says it is from {iss}, but it was signed with the certificate of {}, which names {}: a certificate of one party cannot speak for another.",
                leaf.short_subject(),
                names.join(", ")
            ),
        );
        return;
    }
    let unnamed = if names.is_empty() {
        format!(" The certificate names no internet address (no subjectAltName), so that it is {iss}'s was not confirmed.")
    } else {
        String::new()
    };
    let iat = payload
        .get("iat")
        .and_then(Value::as_f64)
        .and_then(|s| DateTime::from_timestamp(s.floor() as i64, 0));
    let issued = iat.unwrap_or(now);
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    if let Some(c) = chain.iter().find(|c| !c.valid_at(issued)) {
        let (status, when) = match iat {
            Some(_) => (
                StepStatus::Fail,
                format!("when the credential was issued ({})", day(issued)),
            ),
            // Without an issue date, today is all there is to judge by: a certificate that
            // has expired since may well have been valid then.
            None => (
                StepStatus::Skip,
                format!(
                    "today ({}), and the credential gives no issue date (iat) to judge by",
                    day(issued)
                ),
            ),
        };
        step(
            steps,
            StepKind::IssuerIdentity,
            status,
            format!(
                "The certificate of {} is not valid {when}: it is valid from {} to {}.",
                c.short_subject(),
                day(c.not_before),
                day(c.not_after)
            ),
        );
        return;
    }
    let since = chain
        .iter()
        .find(|c| !c.valid_at(now))
        .map(|c| {
            format!(
                " The certificate of {} has expired since ({}); it was valid when the credential was issued.",
                c.short_subject(),
                day(c.not_after)
            )
        })
        .unwrap_or_default();
    step(
        steps,
        StepKind::IssuerIdentity,
        StepStatus::Warn,
        format!(
            "Sealed with the certificate of {}; the EU trusted lists are not bundled, so whether its certificate authority is trusted was not checked offline.{unnamed}{since}",
            leaf.short_subject()
        ),
    );
}

fn failure(steps: &mut Vec<Step>, kind: StepKind, what: &str, f: &Failure) {
    match f {
        Failure::Invalid(m) => step(
            steps,
            kind,
            StepStatus::Fail,
            format!("{what} is not valid: {m}."),
        ),
        Failure::Unverifiable(m) => step(
            steps,
            kind,
            StepStatus::Skip,
            format!("{what} could not be checked offline: {m}."),
        ),
    }
}

/// The steps after "format recognised" for an SD-JWT VC.
pub(super) fn steps(
    sd: &SdJwt,
    claims: &Value,
    cred: &MicroCredential,
    env: &Env,
    now: DateTime<Utc>,
    steps: &mut Vec<Step>,
) {
    type_steps(sd, env, steps);
    let iss = str_of(&sd.payload, "iss").unwrap_or("");
    let signed = if iss.is_empty() {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            "The credential names no issuer (iss), so its key cannot be found.".into(),
        );
        None
    } else {
        match check_issuer_signature(
            iss,
            &sd.header,
            sd.signing_input.as_bytes(),
            &sd.signature,
            env,
        ) {
            Ok((key, said)) => {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Pass,
                    format!(
                        "The issuer's {} signature matches {said}: nothing signed was changed.",
                        str_of(&sd.header, "alg").unwrap_or("")
                    ),
                );
                Some(key)
            }
            Err(f) => {
                failure(steps, StepKind::Proof, "The issuer's signature", &f);
                None
            }
        }
    };
    disclosure_steps(sd, steps);
    let meta = committed_type_metadata(&sd.payload, env)
        .and_then(|t| serde_json::from_str::<Value>(&t).ok());
    if let Some(meta) = &meta {
        disclosure_rules_step(sd, meta, steps);
        withheld_step(sd, claims, meta, steps);
    }
    holder_steps(sd, env, steps);
    match &signed {
        Some(IssuerKey::Metadata { at, .. }) => {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Pass,
                format!("Signed with a key that {iss} publishes in its issuer metadata ({at}, imported into the wallet)."),
            );
            // A web issuer https://DOMAIN is the same party as did:web:DOMAIN (both are
            // whoever controls the domain), which is how registries name members.
            let did_web = iss
                .strip_prefix("https://")
                .filter(|host| !host.contains('/'))
                .map(|host| format!("did:web:{}", host.replace(':', "%3A")));
            let listed = match (&env.registry, &did_web) {
                (Some(reg), Some(d)) => !reg.contains_key(iss) && reg.contains_key(d),
                _ => false,
            };
            registry_step(
                if listed {
                    did_web.as_deref().unwrap_or(iss)
                } else {
                    iss
                },
                env,
                steps,
            );
        }
        Some(IssuerKey::Did { .. }) => {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Pass,
                format!("Signed by the issuer itself ({iss})."),
            );
            registry_step(iss, env, steps);
        }
        Some(IssuerKey::X5c { chain }) => x5c_identity_step(iss, chain, &sd.payload, now, steps),
        None => {}
    }
    let _ = cred;
    let date = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_i64)
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .map(|d| Value::String(super::rfc3339(d)))
    };
    let mut dates = serde_json::Map::new();
    if let Some(f) = date("nbf").or_else(|| date("iat")) {
        dates.insert("validFrom".into(), f);
    }
    if let Some(u) = date("exp") {
        dates.insert("validUntil".into(), u);
    }
    for k in ["iat", "nbf", "exp"] {
        if claims.get(k).is_some_and(|v| !v.is_i64() && !v.is_u64()) {
            step(
                steps,
                StepKind::Dates,
                StepStatus::Fail,
                format!("The credential's `{k}` is not a number of seconds (a NumericDate)."),
            );
            return status_steps(sd, iss, env, now, steps);
        }
    }
    date_steps(&Value::Object(dates), now, steps);
    status_steps(sd, iss, env, now, steps);
}

fn type_steps(sd: &SdJwt, env: &Env, steps: &mut Vec<Step>) {
    match str_of(&sd.header, "typ") {
        Some("dc+sd-jwt") => {}
        Some("vc+sd-jwt") => step(
            steps,
            StepKind::Format,
            StepStatus::Warn,
            "Its media type is vc+sd-jwt, the name SD-JWT VC used before 2024 (now dc+sd-jwt)."
                .into(),
        ),
        other => step(
            steps,
            StepKind::Format,
            StepStatus::Fail,
            format!(
                "Its header type is {}, not dc+sd-jwt: it does not say it is an SD-JWT VC.",
                other
                    .map(|t| format!("\"{t}\""))
                    .unwrap_or_else(|| "missing".into())
            ),
        ),
    }
    let Some(vct) = str_of(&sd.payload, "vct") else {
        step(
            steps,
            StepKind::Format,
            StepStatus::Fail,
            "It has no vct claim: an SD-JWT VC must name its type.".into(),
        );
        return;
    };
    let integrity = str_of(&sd.payload, "vct#integrity");
    match type_metadata(vct, env) {
        None => step(
            steps,
            StepKind::Format,
            StepStatus::Warn,
            format!(
                "Its type {vct} is not known to the wallet (no type metadata bundled or imported){}; the claims are shown by their names.",
                if integrity.is_some() { ", so its vct#integrity was not checked" } else { "" }
            ),
        ),
        Some(text) => {
            let parsed = serde_json::from_str::<Value>(&text).ok();
            let name = parsed
                .as_ref()
                .and_then(|m| str_of(m, "name").map(str::to_string))
                .unwrap_or_else(|| vct.to_string());
            let matches = !matches!(
                integrity.map(|i| sri_matches(i, text.as_bytes())),
                Some(Ok(false))
            );
            if let Some((status, message)) = parsed
                .as_ref()
                .filter(|_| matches)
                .and_then(|m| extends_step(m, env))
            {
                step(steps, StepKind::Format, status, message);
            }
            match integrity.map(|i| sri_matches(i, text.as_bytes())) {
                None | Some(Ok(true)) => step(
                    steps,
                    StepKind::Format,
                    StepStatus::Pass,
                    format!(
                        "Its type is {name} ({vct}){}.",
                        if integrity.is_some() { ", and the type metadata matches its vct#integrity" } else { "" }
                    ),
                ),
                // A copy that was imported (the issuer's, or one the learner trusts) and does
                // not match: the two disagree, and the credential fails. The copy bundled with
                // the wallet may simply be another version of the type: then the wallet does
                // not have the type metadata the issuer committed to, which is a warning, as
                // unknown metadata is.
                Some(Ok(false)) if imported_type_metadata(vct, env) => step(
                    steps,
                    StepKind::Format,
                    StepStatus::Fail,
                    format!("Its vct#integrity does not match the type metadata imported for {vct}: the issuer committed to other type metadata."),
                ),
                Some(Ok(false)) => step(
                    steps,
                    StepKind::Format,
                    StepStatus::Warn,
                    format!("Its vct#integrity names other type metadata for {vct} than the version bundled with the wallet, so the bundled labels are not used; import the issuer's type metadata (mcx trust import) to check it."),
                ),
                Some(Err(e)) => step(
                    steps,
                    StepKind::Format,
                    StepStatus::Warn,
                    format!("Its vct#integrity was not checked: {e}."),
                ),
            }
        }
    }
}

fn disclosure_steps(sd: &SdJwt, steps: &mut Vec<Step>) {
    if sd.problems.is_empty() {
        let n = sd.disclosures.len();
        step(
            steps,
            StepKind::Proof,
            StepStatus::Pass,
            format!(
                "{} match the digests the issuer signed{}.",
                match n {
                    0 => "No disclosures are given; all signed claims".to_string(),
                    1 => "Its one disclosure and the signed claims".to_string(),
                    n => format!("All {n} disclosures"),
                },
                match sd.withheld_digests {
                    0 => String::new(),
                    1 => "; 1 digest is not opened (a claim not shown, or a decoy)".to_string(),
                    n => format!("; {n} digests are not opened (claims not shown, or decoys)"),
                }
            ),
        );
    }
    for p in &sd.problems {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            format!("The disclosures do not match what the issuer signed: {p}."),
        );
    }
}

/// Whether the issuer followed its type's rules for selective disclosure (SD-JWT VC §9.3): a
/// claim marked `never` must not be a disclosure, and one marked `always` must not be signed in
/// the clear. Both are the issuer's duty, not signs of tampering, so a breach is a warning
/// naming the claims; whatever the verifier sees is still what the issuer signed.
fn disclosure_rules_step(sd: &SdJwt, meta: &Value, steps: &mut Vec<Step>) {
    let mut broken = Vec::new();
    for c in crate::formats::text_list(meta.get("claims")) {
        let rule = c.get("sd").and_then(Value::as_str);
        let Some(path) = c
            .get("path")
            .and_then(Value::as_array)
            .and_then(|p| crate::formats::sdjwt_metadata_path(p))
        else {
            continue;
        };
        match rule {
            Some("never") if sd.disclosure_paths.iter().flatten().any(|p| *p == path) => {
                broken.push(format!("{path} is a disclosure of its own, though its type says it must never be withheld"));
            }
            Some("always") if in_the_clear(&sd.payload, &path) => {
                broken.push(format!("{path} is signed in the clear, though its type says the learner must always be able to withhold it"));
            }
            _ => {}
        }
    }
    if !broken.is_empty() {
        step(
            steps,
            StepKind::Format,
            StepStatus::Warn,
            format!(
                "The issuer did not follow its type's rules for what may be withheld: {}.",
                broken.join("; ")
            ),
        );
    }
}

/// Whether the value at the dotted `path` is in the issuer-signed payload itself, not behind a
/// disclosure (a disclosed value, or one inside it, is not in the payload).
fn in_the_clear(payload: &Value, path: &str) -> bool {
    path.split('.')
        .try_fold(payload, |cur, seg| match cur {
            Value::Object(m) => m.get(seg),
            // With element disclosures in the array, the indexes after them depend on what
            // is disclosed, so the place the path names is not known: not counted as clear.
            Value::Array(a) if !a.iter().any(is_placeholder) => {
                seg.parse::<usize>().ok().and_then(|i| a.get(i))
            }
            _ => None,
        })
        .is_some()
}

fn is_placeholder(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.len() == 1 && o.contains_key("..."))
}

/// In a presentation (a KB-JWT is present), the claims of the credential's type that the
/// holder chose not to show, by the type metadata's labels: "the learner chose not to show:
/// grade". Without type metadata only the count of unopened digests is known (above).
fn withheld_step(sd: &SdJwt, claims: &Value, meta: &Value, steps: &mut Vec<Step>) {
    if sd.kb_jwt.is_none() || sd.withheld_digests == 0 {
        return;
    }
    let mut hidden = Vec::new();
    let mut hidden_paths: Vec<String> = Vec::new();
    for c in crate::formats::text_list(meta.get("claims")) {
        // A wildcard (null) path is not named one by one.
        let Some(path) = c
            .get("path")
            .and_then(Value::as_array)
            .and_then(|p| crate::formats::sdjwt_metadata_path(p))
        else {
            continue;
        };
        let present = crate::formats::sdjwt_claim_at(claims, &path).is_some();
        let inside_hidden = hidden_paths.iter().any(|h| {
            path.strip_prefix(h.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        });
        if present || inside_hidden || c.get("sd").and_then(Value::as_str) == Some("never") {
            continue;
        }
        let label = crate::formats::text_list(c.get("display"))
            .iter()
            .find_map(|d| {
                d.get("label")
                    .or_else(|| d.get("name"))
                    .and_then(Value::as_str)
            })
            .map(str::to_string)
            .unwrap_or_else(|| path.clone());
        hidden_paths.push(path);
        hidden.push(label);
    }
    if !hidden.is_empty() {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Pass,
            format!("The learner chose not to show: {}.", hidden.join(", ")),
        );
    }
}

fn holder_steps(sd: &SdJwt, env: &Env, steps: &mut Vec<Step>) {
    let cnf = sd.payload.get("cnf");
    let holder_jwk = cnf.and_then(|c| c.get("jwk"));
    let holder_kid = cnf.and_then(|c| str_of(c, "kid"));
    if holder_jwk.is_none() && holder_kid.is_none() {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            "It is not bound to a holder key (no cnf claim): it could be presented by anyone who has a copy, and never with key binding.".into(),
        );
        return;
    }
    let Some(kb) = &sd.kb_jwt else {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Pass,
            "It is bound to its holder's key (cnf): only the holder can present it with key binding.".into(),
        );
        return;
    };
    let jwt = match decode_jwt(kb) {
        Ok(j) => j,
        Err(e) => {
            step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!("The key-binding JWT is malformed: {e}."),
            );
            return;
        }
    };
    let mut problems = Vec::new();
    if str_of(&jwt.header, "typ") != Some("kb+jwt") {
        problems.push("its header type is not kb+jwt".to_string());
    }
    let expected = crate::formats::sd_digest(&sd.sd_alg, &sd.sd_hash_input);
    if str_of(&jwt.payload, "sd_hash").is_none()
        || str_of(&jwt.payload, "sd_hash") != expected.as_deref()
    {
        problems.push("its sd_hash does not cover this presentation's disclosures".into());
    }
    if !jwt.payload.get("iat").is_some_and(Value::is_i64) {
        problems.push("it has no iat".into());
    }
    let alg = str_of(&jwt.header, "alg").unwrap_or("");
    let header = match (holder_jwk, holder_kid) {
        (Some(j), _) => json!({"alg": alg, "jwk": j}),
        (None, Some(k)) => json!({"alg": alg, "kid": k}),
        (None, None) => json!({"alg": alg}),
    };
    if let Err(f) = super::jws::verify(
        &header,
        jwt.signing_input.as_bytes(),
        &jwt.signature,
        &env.proof.keys,
    ) {
        problems.push(match f {
            Failure::Invalid(m) | Failure::Unverifiable(m) => {
                format!("its signature by the holder key does not verify ({m})")
            }
        });
    }
    if problems.is_empty() {
        let aud = jwt
            .payload
            .get("aud")
            .map(|a| a.to_string())
            .unwrap_or_else(|| "no one".into());
        step(
            steps,
            StepKind::Proof,
            StepStatus::Pass,
            format!("Presented by its holder: the key-binding JWT is signed by the key the credential is bound to, for {aud}."),
        );
    } else {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            format!("The key-binding JWT is not valid: {}.", problems.join("; ")),
        );
    }
}

/// The status of entry `idx` in a Token Status List (`bits` per entry, `lst` = base64url of
/// the zlib-compressed bytes), or why it cannot be read.
pub fn token_status(status_list: &Value, idx: u64) -> Result<u8, String> {
    let (bits, bytes) = inflate_status_list(status_list)?;
    entry_of(bits, &bytes, idx)
}

/// The status of entry `idx` in an inflated list of `bits` per entry.
pub fn entry_of(bits: u64, bytes: &[u8], idx: u64) -> Result<u8, String> {
    if !matches!(bits, 1 | 2 | 4 | 8) {
        return Err(format!("{bits} bits per entry is not 1, 2, 4 or 8"));
    }
    let bit = idx.checked_mul(bits).ok_or("the index is out of range")?;
    let byte = bytes.get((bit / 8) as usize).ok_or_else(|| {
        format!(
            "it has {} entries, and the credential's index is {idx}",
            bytes.len() as u64 * 8 / bits
        )
    })?;
    let mask = ((1u16 << bits) - 1) as u8;
    Ok((byte >> (bit % 8)) & mask)
}

/// A Token Status List's `bits` and its inflated bytes, or why it cannot be read (a list
/// that inflates beyond [`MAX_STATUS_LIST_BYTES`] is refused as a compression bomb).
pub fn inflate_status_list(status_list: &Value) -> Result<(u64, Vec<u8>), String> {
    let bits = status_list
        .get("bits")
        .and_then(Value::as_u64)
        .filter(|b| matches!(b, 1 | 2 | 4 | 8))
        .ok_or("its bits is not 1, 2, 4 or 8")?;
    let lst = str_of(status_list, "lst").ok_or("it has no lst")?;
    let compressed = URL_SAFE_NO_PAD
        .decode(lst.trim_end_matches('='))
        .map_err(|_| "its lst is not base64url".to_string())?;
    let mut bytes = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice())
        .take(MAX_STATUS_LIST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("its lst is not zlib-compressed data ({e})"))?;
    if bytes.len() as u64 > MAX_STATUS_LIST_BYTES {
        return Err(format!(
            "it inflates to more than {} MiB, far beyond any real status list (a compression bomb?)",
            MAX_STATUS_LIST_BYTES / (1024 * 1024)
        ));
    }
    Ok((bits, bytes))
}

fn status_steps(sd: &SdJwt, iss: &str, env: &Env, now: DateTime<Utc>, steps: &mut Vec<Step>) {
    let Some(status) = sd.payload.get("status") else {
        step(
            steps,
            StepKind::Status,
            StepStatus::Pass,
            "The issuer did not attach a status list; it cannot be revoked.".into(),
        );
        return;
    };
    let entry = status.get("status_list");
    let (idx, uri) = match (
        entry.and_then(|e| e.get("idx")).and_then(Value::as_u64),
        entry.and_then(|e| str_of(e, "uri")),
    ) {
        (Some(i), Some(u)) => (i, u),
        _ => {
            step(
                steps,
                StepKind::Status,
                StepStatus::Fail,
                "The status entry is malformed: status.status_list needs a numeric idx and a uri."
                    .into(),
            );
            return;
        }
    };
    let skip = |steps: &mut Vec<Step>, why: String| {
        step(
            steps,
            StepKind::Status,
            StepStatus::Skip,
            format!("Revocation not checked: {why}."),
        )
    };
    let token = match env.proof.keys.get(uri) {
        Some(Value::String(t)) => t,
        _ => return skip(steps, format!("the status list {uri} is not in the wallet; import it with `mcx trust import --url {uri}`")),
    };
    let jwt = match decode_jwt(token) {
        Ok(j) => j,
        Err(e) => {
            return skip(
                steps,
                format!("the cached status list {uri} cannot be read: {e}"),
            )
        }
    };
    let mut doubts = Vec::new();
    if str_of(&jwt.header, "typ") != Some("statuslist+jwt") {
        doubts.push("its type is not statuslist+jwt".to_string());
    }
    if str_of(&jwt.payload, "sub") != Some(uri) {
        doubts.push(format!(
            "it is the list {}, not {uri}",
            str_of(&jwt.payload, "sub").unwrap_or("(no sub)")
        ));
    }
    if let Some(exp) = jwt.payload.get("exp").and_then(Value::as_i64) {
        if exp < now.timestamp() {
            doubts.push("it has expired: a newer list is needed".into());
        }
    }
    if let Err(f) = check_issuer_signature(
        iss,
        &jwt.header,
        jwt.signing_input.as_bytes(),
        &jwt.signature,
        env,
    ) {
        doubts.push(match f {
            Failure::Invalid(m) => format!("its signature is not the issuer's ({m})"),
            Failure::Unverifiable(m) => format!("its signature could not be checked ({m})"),
        });
    }
    if !doubts.is_empty() {
        return skip(
            steps,
            format!(
                "the cached status list cannot be believed: {}",
                doubts.join("; ")
            ),
        );
    }
    let Some(list) = jwt.payload.get("status_list") else {
        return skip(
            steps,
            "the cached status list token holds no status_list".into(),
        );
    };
    match token_status(list, idx) {
        Ok(0) => step(
            steps,
            StepKind::Status,
            StepStatus::Pass,
            "Not revoked or suspended according to the issuer's signed status list.".into(),
        ),
        Ok(1) => lapsed(
            steps,
            StepKind::Status,
            Lapse { kind: LapseKind::Revoked, date: None },
            "The issuer has revoked this credential.".into(),
        ),
        Ok(2) => lapsed(
            steps,
            StepKind::Status,
            Lapse { kind: LapseKind::Suspended, date: None },
            "The issuer has suspended this credential.".into(),
        ),
        Ok(n) => step(
            steps,
            StepKind::Status,
            StepStatus::Warn,
            format!("The issuer's status list gives this credential the status {n}, which only the issuer's own applications define."),
        ),
        Err(e) => step(
            steps,
            StepKind::Status,
            StepStatus::Fail,
            format!("The status list entry cannot be read: {e}."),
        ),
    }
}
