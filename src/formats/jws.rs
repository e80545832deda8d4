//! Opening JWS envelopes: the compact serialisation (VC-JWT, VC DM 1.1 §6.3.1; VC JOSE for
//! VC DM 2.0; the OB 3.0 JWT form, OB 3.0 §8.2) and the JAdES-style JWS JSON serialisation
//! that European Digital Credentials are sealed with (RFC 7515 §7.2, RFC 7797 unencoded
//! payload, ETSI TS 119 182-1).
//!
//! Parse only: this file splits, decodes and refuses `alg: none`, and never checks a
//! signature or a certificate (that is [`crate::verify`]).

use super::detect::{detect_format, is_credential_like, is_presentation_like, parse_json};
use super::{Document, Envelope};
use crate::model::Format;
use crate::Error;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{Map, Value};

/// Decode base64url, tolerating `=` padding and surrounding whitespace.
pub(crate) fn b64url(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim().trim_end_matches('=')).ok()
}

/// Decode an `x5c` entry: standard base64 (RFC 7515 §4.1.6), tolerating base64url.
fn b64_cert(s: &str) -> Option<Vec<u8>> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(&clean).ok().or_else(|| b64url(&clean))
}

fn bad(msg: impl Into<String>) -> Error {
    Error::BadInput(msg.into())
}

/// Decode one base64url segment holding a JSON object.
fn json_segment(seg: &str, what: &str) -> Result<Value, Error> {
    let bytes = b64url(seg).ok_or_else(|| {
        bad(format!(
            "a JWT whose {what} is not base64url: a JWT is three base64url parts separated by dots"
        ))
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        bad(format!(
            "a JWT whose {what} is not UTF-8 at byte {}",
            e.valid_up_to()
        ))
    })?;
    let v = parse_json(text).map_err(|e| match e {
        Error::BadInput(m) => bad(format!("a JWT whose {what} is malformed: {m}")),
        other => other,
    })?;
    if !v.is_object() {
        return Err(bad(format!("a JWT whose {what} is not a JSON object")));
    }
    Ok(v)
}

/// Refuse a protected header without a usable `alg` (RFC 7515 §4.1.1), and `none` always.
fn check_alg(header: &Value, what: &str) -> Result<(), Error> {
    match header.get("alg").and_then(Value::as_str) {
        None => Err(bad(format!("a {what} whose header has no `alg`"))),
        Some(a) if a.trim().eq_ignore_ascii_case("none") => Err(bad(format!(
            "a {what} with alg `none` is never accepted: it carries no signature"
        ))),
        Some(_) => Ok(()),
    }
}

fn is_b64url_text(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'=')
}

/// Parse a JWS compact serialisation into a [`Document`] with [`Envelope::Jwt`].
pub(crate) fn parse_compact(text: &str) -> Result<Document, Error> {
    if !is_b64url_text(text) {
        return Err(bad(
            "neither JSON nor a JWT: the input does not start with `{` and has characters a JWT cannot contain",
        ));
    }
    let parts: Vec<&str> = text.split('.').collect();
    match parts.len() {
        3 => {}
        1 => {
            let looks_like_header = json_segment(parts[0], "header")
                .ok()
                .is_some_and(|h| h.get("alg").is_some());
            return Err(bad(if looks_like_header {
                "an incomplete JWS: only a protected header, no payload and no signature (a JWT has three dot-separated parts)".to_string()
            } else {
                "neither JSON nor a JWT: no dots (a JWT has three dot-separated parts)".to_string()
            }));
        }
        5 => {
            return Err(bad(
                "an encrypted JWT (JWE, five parts): the wallet cannot read encrypted credentials",
            ))
        }
        n => {
            return Err(bad(format!(
                "a malformed JWT: {n} dot-separated parts, expected 3 (header.payload.signature)"
            )))
        }
    }
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let header = json_segment(h, "header")?;
    check_alg(&header, "JWT")?;
    let payload = json_segment(p, "payload")?;
    let signature = b64url(s).ok_or_else(|| bad("a JWT whose signature is not base64url"))?;
    if signature.is_empty() {
        return Err(bad("a JWT with an empty signature: it was never signed"));
    }
    let (credential, profile) = credential_from_claims(&payload)?;
    Ok(Document {
        format: Format::VcJwt,
        credential,
        envelope: Envelope::Jwt {
            header,
            payload,
            signing_input: format!("{h}.{p}"),
            signature,
        },
        profile,
    })
}

/// The credential inside JWT claims: the `vc` (or `vp`) claim with the registered claims
/// folded in where the credential lacks them (VC DM 1.1 §6.3.1 "JWT decoding"), or the
/// claims set itself when it is a credential (VC JOSE / OB 3.0 JWT form).
fn credential_from_claims(claims: &Value) -> Result<(Value, Format), Error> {
    if let Some(vc) = claims.get("vc").filter(|v| v.is_object()) {
        let mut vc = vc.clone();
        if let Value::Object(m) = &mut vc {
            fold_registered_claims(m, claims, false);
        }
        let profile = detect_format(&vc).unwrap_or(Format::Vc1);
        return Ok((vc, profile));
    }
    if let Some(vp) = claims.get("vp").filter(|v| v.is_object()) {
        let mut vp = vp.clone();
        if let Value::Object(m) = &mut vp {
            fold_registered_claims(m, claims, true);
        }
        return Ok((vp, Format::Presentation));
    }
    if is_credential_like(claims) || is_presentation_like(claims) {
        let profile = detect_format(claims).unwrap_or(Format::Vc2);
        return Ok((claims.clone(), profile));
    }
    Err(bad(
        "a JWT but not a credential: the payload has no `vc` or `vp` claim and is not itself a credential",
    ))
}

fn fold_registered_claims(m: &mut Map<String, Value>, claims: &Value, presentation: bool) {
    let set = |m: &mut Map<String, Value>, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.entry(k.to_string()).or_insert(v);
        }
    };
    let date = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_i64)
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|d| Value::String(d.format("%Y-%m-%dT%H:%M:%SZ").to_string()))
    };
    set(m, "id", claims.get("jti").cloned());
    if presentation {
        set(m, "holder", claims.get("iss").cloned());
        return;
    }
    set(m, "issuer", claims.get("iss").cloned());
    set(m, "issuanceDate", date("nbf").or_else(|| date("iat")));
    set(m, "expirationDate", date("exp"));
    if let (Some(sub), Some(Value::Object(cs))) =
        (claims.get("sub").cloned(), m.get_mut("credentialSubject"))
    {
        cs.entry("id".to_string()).or_insert(sub);
    }
}

/// Parse a JWS JSON serialisation (general or flattened) into a [`Document`] with
/// [`Envelope::Jades`]. With `b64: false` (RFC 7797) the payload is the credential JSON as
/// a string; otherwise it is base64url.
pub(crate) fn parse_jades(v: &Value) -> Result<Document, Error> {
    let payload = v
        .get("payload")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a JWS JSON document whose `payload` is not a string"))?;
    let sig = match v.get("signatures") {
        Some(Value::Array(a)) => a
            .first()
            .ok_or_else(|| bad("a JWS JSON document with an empty `signatures` list"))?,
        Some(_) => return Err(bad("a JWS JSON document whose `signatures` is not a list")),
        None => v, // flattened serialisation (RFC 7515 §7.2.2)
    };
    let protected_b64 = sig
        .get("protected")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("a JWS JSON signature without a `protected` header"))?;
    let protected = json_segment(protected_b64, "protected header")
        .map_err(|e| bad(e.to_string().replacen("a JWT", "a JWS JSON document", 1)))?;
    check_alg(&protected, "JWS")?;
    let signature = sig
        .get("signature")
        .and_then(Value::as_str)
        .and_then(b64url)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("a JWS JSON signature whose `signature` is missing or not base64url"))?;
    let b64 = protected
        .get("b64")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let credential_text = if b64 {
        let bytes =
            b64url(payload).ok_or_else(|| bad("a JWS JSON payload that is not base64url"))?;
        String::from_utf8(bytes).map_err(|e| {
            bad(format!(
                "a JWS JSON payload that is not UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ))
        })?
    } else {
        payload.to_string()
    };
    let credential = parse_json(&credential_text).map_err(|e| match e {
        Error::BadInput(m) => bad(format!(
            "a JWS JSON document whose payload is malformed: {m}"
        )),
        other => other,
    })?;
    if !(is_credential_like(&credential) || is_presentation_like(&credential)) {
        return Err(bad(
            "a JWS JSON document whose payload is not a credential (no VerifiableCredential type or credential `@context`)",
        ));
    }
    let x5c = super::text::list(protected.get("x5c"))
        .into_iter()
        .map(|c| {
            c.as_str()
                .and_then(b64_cert)
                .ok_or_else(|| bad("a JWS JSON protected header whose `x5c` entry is not base64"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let format = detect_format(&credential).unwrap_or(Format::Vc1);
    Ok(Document {
        format,
        credential,
        envelope: Envelope::Jades {
            protected,
            protected_b64: protected_b64.to_string(),
            payload: payload.to_string(),
            b64,
            unprotected: sig.get("header").cloned().unwrap_or(Value::Null),
            signature,
            x5c,
        },
        profile: format,
    })
}
