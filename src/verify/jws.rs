//! Compact JWS signatures (VC-JWT, the Open Badges 3.0 JWT form; RFC 7515): EdDSA, ES256, ES384
//! and RS256, with the key from the header's `jwk` or a `kid` that is a did:key or a key of a
//! cached DID document listed for `assertionMethod`.
//! `alg: none` and HMAC algorithms are never accepted.

use crate::did::{self, KeyCache, KeyError, PublicKey};
use crate::proof::di::Failure;
use crate::proof::ecdsa;
use base64::Engine;
use serde_json::Value;

/// A verified JWS: who controls the key.
#[derive(Debug, Clone)]
pub struct JwsCheck {
    /// The `alg` header.
    pub alg: String,
    /// Where the key came from, for the steps ("jwk in the header", the kid).
    pub key_description: String,
    /// The DID or URL that controls the key, when known (a `kid` DID).
    pub controller: Option<String>,
}

/// Verify `signature` over `signing_input` with the key named in `header`.
pub fn verify(
    header: &Value,
    signing_input: &[u8],
    signature: &[u8],
    keys: &KeyCache,
) -> Result<JwsCheck, Failure> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let kid = header.get("kid").and_then(Value::as_str);
    let jwk = header.get("jwk");
    let controller = kid.map(|k| k.split('#').next().unwrap_or(k).to_string());
    let bad_sig = || {
        Failure::Invalid(
            "the signature does not match: the credential was changed after signing, or signed with another key"
                .into(),
        )
    };
    let key_description = match (jwk, kid) {
        (Some(_), _) => "the key embedded in the token header (jwk)".to_string(),
        (None, Some(k)) => format!("the key {k}"),
        (None, None) => {
            return Err(Failure::Unverifiable(
                "the token names no key (no jwk or kid in its header) and the issuer's key is not cached".into(),
            ))
        }
    };
    match alg {
        "EdDSA" | "Ed25519" => {
            let key = match jwk {
                Some(j) => okp_key(j)?,
                None => match kid_key(kid, keys)? {
                    PublicKey::Ed25519(k) => k,
                    other => return Err(wrong_curve(alg, &other)),
                },
            };
            let sig = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| Failure::Invalid("the EdDSA signature is not 64 bytes".into()))?;
            crate::proof::ed25519::verify(key.as_bytes(), signing_input, &sig)
                .map_err(|_| bad_sig())?;
        }
        "ES256" | "ES384" => {
            let key = match jwk {
                Some(j) => ec_jwk(alg, j)?,
                None => kid_key(kid, keys)?,
            };
            let sig = match (alg, &key) {
                ("ES256", PublicKey::P256(_)) => {
                    p256::ecdsa::Signature::from_slice(signature).map(ecdsa::Signature::P256)
                }
                ("ES384", PublicKey::P384(_)) => {
                    p384::ecdsa::Signature::from_slice(signature).map(ecdsa::Signature::P384)
                }
                _ => return Err(wrong_curve(alg, &key)),
            }
            .map_err(|_| Failure::Invalid(format!("the {alg} signature is malformed")))?;
            ecdsa::verify(&key, signing_input, &sig).map_err(|_| bad_sig())?;
        }
        "RS256" => {
            use rsa::pkcs1v15::{Signature, VerifyingKey};
            use rsa::signature::Verifier;
            let j = jwk.ok_or_else(|| {
                Failure::Unverifiable("RS256 keys are only read from a jwk header offline".into())
            })?;
            let key = rsa_key(j)?;
            let vk = VerifyingKey::<sha2::Sha256>::new(key);
            let sig = Signature::try_from(signature)
                .map_err(|_| Failure::Invalid("the RS256 signature is malformed".into()))?;
            vk.verify(signing_input, &sig).map_err(|_| bad_sig())?;
        }
        "none" | "" => {
            return Err(Failure::Invalid(
                "the token is unsigned (alg none), which is never accepted".into(),
            ))
        }
        other => {
            return Err(Failure::Unverifiable(format!(
                "the signature algorithm {other} is not supported"
            )))
        }
    }
    Ok(JwsCheck {
        alg: alg.to_string(),
        key_description,
        controller,
    })
}

/// The key a `kid` names, resolved offline for `assertionMethod` (a token credential is an
/// assertion by its issuer, VC-JOSE-COSE §3.1), so a cached DID document's relationships count.
fn kid_key(kid: Option<&str>, keys: &KeyCache) -> Result<PublicKey, Failure> {
    let kid = kid.ok_or_else(|| Failure::Unverifiable("the token names no key".into()))?;
    did::resolve_for(kid, keys, "assertionMethod")
        .map(|r| r.key)
        .map_err(|e| match e {
            KeyError::Malformed(m) => Failure::Invalid(m),
            KeyError::NotResolvable(m) => Failure::Unverifiable(m),
        })
}

fn wrong_curve(alg: &str, key: &PublicKey) -> Failure {
    Failure::Invalid(format!(
        "the token is signed with {alg}, but its key is a {} key",
        key.describe()
    ))
}

/// A P-256 (ES256) or P-384 (ES384) key from a header `jwk`.
fn ec_jwk(alg: &str, j: &Value) -> Result<PublicKey, Failure> {
    // Only the key's own members: `kid`, `alg`, `use` and the like are not part of the point
    // (and the JWK parser of the curve crates refuses members it does not know).
    let members = ["kty", "crv", "x", "y"];
    let text = Value::Object(
        members
            .iter()
            .filter_map(|m| j.get(*m).map(|v| (m.to_string(), v.clone())))
            .collect(),
    )
    .to_string();
    match alg {
        "ES256" => p256::PublicKey::from_jwk_str(&text)
            .map(|k| PublicKey::P256(k.into()))
            .map_err(|_| Failure::Invalid("the header's jwk is not a P-256 key".into())),
        _ => p384::PublicKey::from_jwk_str(&text)
            .map(|k| PublicKey::P384(k.into()))
            .map_err(|_| Failure::Invalid("the header's jwk is not a P-384 key".into())),
    }
}

fn b64(v: Option<&Value>, what: &str) -> Result<Vec<u8>, Failure> {
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Invalid(format!("the jwk has no `{what}`")))?;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| Failure::Invalid(format!("the jwk's `{what}` is not base64url")))
}

fn okp_key(j: &Value) -> Result<ed25519_dalek::VerifyingKey, Failure> {
    if j.get("crv").and_then(Value::as_str) != Some("Ed25519") {
        return Err(Failure::Invalid(
            "the header's jwk is not an Ed25519 key".into(),
        ));
    }
    let x: [u8; 32] = b64(j.get("x"), "x")?
        .try_into()
        .map_err(|_| Failure::Invalid("the jwk's Ed25519 key is not 32 bytes".into()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&x)
        .map_err(|_| Failure::Invalid("the jwk's Ed25519 key is not a valid point".into()))
}

fn rsa_key(j: &Value) -> Result<rsa::RsaPublicKey, Failure> {
    let n = rsa::BigUint::from_bytes_be(&b64(j.get("n"), "n")?);
    let e = rsa::BigUint::from_bytes_be(&b64(j.get("e"), "e")?);
    rsa::RsaPublicKey::new(n, e)
        .map_err(|e| Failure::Invalid(format!("the header's jwk is not a usable RSA key: {e}")))
}
