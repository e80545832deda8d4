//! Open Badges 2.0 assertions (OB 2.0 §"Verification"): signed assertions (a compact JWS
//! whose payload is the assertion, RS256 with the `CryptographicKey` named by
//! `verification.creator` or the issuer's `publicKey`) and hosted assertions (the issuer
//! keeps the assertion at its `id`).
//!
//! Offline the wallet only knows the documents it was given: keys, badge classes, issuer
//! profiles, revocation lists and hosted assertions imported into the key/document cache
//! (`mcx did import`). A document that is not cached makes the check it is needed for a
//! `skip` (unverifiable offline), never a failure. Nothing here fetches a URL.

use super::{step, Env, Step, StepKind, StepStatus};
use crate::did::KeyCache;
use crate::formats::{Document, Envelope};
use serde_json::Value;
use std::borrow::Cow;

/// A node given inline or by URL (looked up in the cache).
fn node<'a>(v: Option<&'a Value>, keys: &'a KeyCache) -> Option<Cow<'a, Value>> {
    match v? {
        o @ Value::Object(_) => Some(Cow::Borrowed(o)),
        Value::String(url) => keys.get(url).map(Cow::Borrowed),
        _ => None,
    }
}

fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        o => o.get("id").and_then(Value::as_str).map(str::to_string),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    crate::formats::text_list(v)
        .into_iter()
        .filter_map(|x| x.as_str().map(str::to_string).or_else(|| id_of(Some(x))))
        .collect()
}

/// The assertion with its badge class and the badge class's issuer filled in from the
/// cache where they are given as URLs, for the view.
#[inline(never)] // see verify::verify_document
pub(super) fn resolve(doc: &Document, keys: &KeyCache) -> Document {
    let mut out = doc.clone();
    let Some(badge) = node(doc.credential.get("badge"), keys) else {
        return out;
    };
    let mut badge = badge.into_owned();
    if let Some(issuer) = node(badge.get("issuer"), keys).map(Cow::into_owned) {
        if let Some(m) = badge.as_object_mut() {
            m.insert("issuer".into(), issuer);
        }
    }
    if let Some(m) = out.credential.as_object_mut() {
        m.insert("badge".into(), badge);
    }
    out
}

/// How the assertion says it is verified: `hosted` or `signed` (OB 2.0 VerificationObject);
/// when it does not say, a JWS is signed and plain JSON is hosted.
fn is_signed(doc: &Document) -> bool {
    match doc
        .credential
        .pointer("/verification/type")
        .and_then(Value::as_str)
    {
        Some("signed" | "SignedBadge") => true,
        Some("hosted" | "HostedBadge") => false,
        _ => matches!(doc.envelope, Envelope::Jwt { .. }),
    }
}

/// The proof and issuer-identity steps of an OB 2.0 assertion.
#[inline(never)] // see verify::verify_document
pub(super) fn steps(doc: &Document, env: &Env, steps: &mut Vec<Step>) {
    let keys = &env.proof.keys;
    let badge = node(doc.credential.get("badge"), keys);
    let issuer = badge
        .as_deref()
        .and_then(|b| node(b.get("issuer"), keys).map(Cow::into_owned));
    let signer = if is_signed(doc) {
        signed_proof(doc, issuer.as_ref(), keys, steps)
    } else {
        hosted_proof(doc, keys, steps);
        None
    };
    let Some(badge) = badge.as_deref() else {
        let url = id_of(doc.credential.get("badge")).unwrap_or_default();
        step(steps, StepKind::IssuerIdentity, StepStatus::Skip, format!("The badge class {url} is not in the wallet's cache, so its issuer is unverifiable offline (import the badge class and issuer profile to check)."));
        return;
    };
    let Some(issuer) = issuer else {
        let url = id_of(badge.get("issuer")).unwrap_or_default();
        step(steps, StepKind::IssuerIdentity, StepStatus::Skip, format!("The issuer profile {url} is not in the wallet's cache, so the issuer is unverifiable offline (import it to check)."));
        return;
    };
    let issuer_id = id_of(badge.get("issuer")).unwrap_or_default();
    let name = issuer
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(&issuer_id)
        .to_string();
    if is_signed(doc) {
        if let Some((key_id, owner)) = signer {
            let listed = strings(issuer.get("publicKey"));
            let (status, text) = if owner.as_deref() != Some(issuer_id.as_str()) {
                (StepStatus::Fail, format!("Signed with the key {key_id} of {}, not of the issuer {issuer_id}: someone else signed it.", owner.unwrap_or_else(|| "an unnamed owner".into())))
            } else if !listed.is_empty() && !listed.contains(&key_id) {
                (StepStatus::Fail, format!("Signed with the key {key_id}, which the issuer {name} does not list among its public keys."))
            } else {
                (
                    StepStatus::Pass,
                    format!("Signed with a key of the issuer itself ({name}, {issuer_id})."),
                )
            };
            step(steps, StepKind::IssuerIdentity, status, text);
        }
    } else if let Some(id) = doc.credential.get("id").and_then(Value::as_str) {
        let (status, text) = hosted_origin(id, &issuer_id, &issuer);
        step(steps, StepKind::IssuerIdentity, status, text);
    }
    super::registry_step(&issuer_id, env, steps);
}

/// Verify the JWS with the creator's key (or the issuer's), from the cache. Returns the key
/// id and its owner when the signature matched.
fn signed_proof(
    doc: &Document,
    issuer: Option<&Value>,
    keys: &KeyCache,
    steps: &mut Vec<Step>,
) -> Option<(String, Option<String>)> {
    let Envelope::Jwt {
        header,
        signing_input,
        signature,
        ..
    } = &doc.envelope
    else {
        step(steps, StepKind::Proof, StepStatus::Skip, "The assertion says it is signed, but this file holds only the assertion, not its signature (JWS), so it cannot be checked.".into());
        return None;
    };
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let creator = doc
        .credential
        .pointer("/verification/creator")
        .and_then(Value::as_str)
        .map(str::to_string);
    let candidates = match creator {
        Some(c) => vec![c],
        None => issuer
            .map(|i| strings(i.get("publicKey")))
            .unwrap_or_default(),
    };
    if candidates.is_empty() {
        step(steps, StepKind::Proof, StepStatus::Skip, "The signed assertion names no key (no verification.creator) and the issuer's key list is not cached, so it is unverifiable offline.".into());
        return None;
    }
    let cached: Vec<(&String, &Value)> = candidates
        .iter()
        .filter_map(|c| keys.get(c).map(|d| (c, d)))
        .collect();
    if cached.is_empty() {
        step(steps, StepKind::Proof, StepStatus::Skip, format!("The proof could not be checked offline: the signing key {} is not in the wallet's cache (import the issuer's key document to check).", candidates.join(", ")));
        return None;
    }
    for (key_id, key_doc) in &cached {
        let key = match rsa_key(key_doc) {
            Ok(k) => k,
            Err(m) => {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Fail,
                    format!("The proof is not valid: the key {key_id} {m}."),
                );
                return None;
            }
        };
        if alg != "RS256" {
            step(steps, StepKind::Proof, StepStatus::Skip, format!("The proof could not be checked offline: Open Badges 2.0 signs with RS256, this assertion uses {alg}."));
            return None;
        }
        use rsa::pkcs1v15::{Signature, VerifyingKey};
        use rsa::signature::Verifier;
        let ok = Signature::try_from(signature.as_slice())
            .map(|sig| {
                VerifyingKey::<sha2::Sha256>::new(key)
                    .verify(signing_input.as_bytes(), &sig)
                    .is_ok()
            })
            .unwrap_or(false);
        if ok {
            step(steps, StepKind::Proof, StepStatus::Pass, format!("The assertion's RS256 signature matches the key {key_id}: nothing was changed since it was signed."));
            let owner = key_doc
                .get("owner")
                .and_then(Value::as_str)
                .map(str::to_string);
            return Some(((*key_id).clone(), owner));
        }
    }
    step(steps, StepKind::Proof, StepStatus::Fail, "The proof is not valid: the signature does not match: the assertion was changed after signing, or signed with another key.".into());
    None
}

/// The RSA key of an OB 2.0 `CryptographicKey` (`publicKeyPem`, SPKI or PKCS#1).
fn rsa_key(doc: &Value) -> Result<rsa::RsaPublicKey, String> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    let pem = doc
        .get("publicKeyPem")
        .and_then(Value::as_str)
        .ok_or("has no publicKeyPem")?;
    rsa::RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| "is not a readable RSA public key (PEM)".to_string())
}

/// A hosted assertion is checked against the issuer's copy at its `id`, when cached.
fn hosted_proof(doc: &Document, keys: &KeyCache, steps: &mut Vec<Step>) {
    let id = doc
        .credential
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !(id.starts_with("https://") || id.starts_with("http://")) {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            format!("The proof is not valid: a hosted assertion must have the web address it is hosted at as its id, not \"{id}\"."),
        );
        return;
    }
    match keys.get(id) {
        None => step(steps, StepKind::Proof, StepStatus::Skip, format!("Unverifiable offline: this is a hosted Open Badges 2.0 assertion, checked by fetching the issuer's copy at {id}, and that copy is not in the wallet's cache.")),
        Some(copy) if *copy == doc.credential => step(steps, StepKind::Proof, StepStatus::Pass, format!("The assertion is the same as the issuer's hosted copy at {id} (from the wallet's cache).")),
        Some(_) => step(steps, StepKind::Proof, StepStatus::Fail, format!("The proof is not valid: the assertion differs from the issuer's hosted copy at {id}: it was changed.")),
    }
}

fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(host.split(':').next().unwrap_or(host))
}

/// OB 2.0 hosted verification policy: the assertion's id must start with one of the
/// issuer's `verification.startsWith` prefixes, else have a host in its `allowedOrigins`,
/// else have the issuer id's host.
fn hosted_origin(id: &str, issuer_id: &str, issuer: &Value) -> (StepStatus, String) {
    let policy = issuer.get("verification");
    let starts = strings(policy.and_then(|p| p.get("startsWith")));
    let origins = strings(policy.and_then(|p| p.get("allowedOrigins")));
    let ok = if !starts.is_empty() {
        starts.iter().any(|s| id.starts_with(s.as_str()))
    } else if !origins.is_empty() {
        host(id).is_some_and(|h| origins.iter().any(|o| o == h))
    } else {
        host(id).is_some() && host(id) == host(issuer_id)
    };
    if ok {
        (
            StepStatus::Pass,
            format!("Hosted at {id}, where the issuer {issuer_id} hosts its assertions."),
        )
    } else {
        (StepStatus::Fail, format!("Hosted at {id}, which the issuer {issuer_id} does not allow for its assertions: someone else hosts it."))
    }
}

/// Revocation: `revoked` on the (hosted copy of the) assertion, else the issuer's
/// `revocationList` from the cache.
#[inline(never)] // see verify::verify_document
pub(super) fn status_step(doc: &Document, env: &Env, steps: &mut Vec<Step>) {
    let keys = &env.proof.keys;
    let c = &doc.credential;
    let id = c.get("id").and_then(Value::as_str).unwrap_or("");
    let hosted = keys.get(id);
    let revoked = |a: &Value| a.get("revoked").and_then(Value::as_bool) == Some(true);
    if revoked(c) || hosted.is_some_and(revoked) {
        let why = hosted
            .and_then(|h| h.get("revocationReason"))
            .or_else(|| c.get("revocationReason"))
            .and_then(Value::as_str)
            .map(|r| format!(" (\"{r}\")"))
            .unwrap_or_default();
        step(
            steps,
            StepKind::Status,
            StepStatus::Fail,
            format!("The issuer has revoked this assertion{why}."),
        );
        return;
    }
    let issuer =
        node(c.get("badge"), keys).and_then(|b| node(b.get("issuer"), keys).map(Cow::into_owned));
    let Some(issuer) = issuer else {
        step(steps, StepKind::Status, StepStatus::Skip, "Revocation not checked: the issuer profile, which names its revocation list, is not cached.".into());
        return;
    };
    let Some(list_url) = id_of(issuer.get("revocationList")) else {
        step(
            steps,
            StepKind::Status,
            StepStatus::Pass,
            "The issuer publishes no revocation list; it cannot be revoked.".into(),
        );
        return;
    };
    let Some(list) = node(issuer.get("revocationList"), keys) else {
        step(
            steps,
            StepKind::Status,
            StepStatus::Skip,
            format!("Revocation not checked: no cached copy of the revocation list {list_url}."),
        );
        return;
    };
    let uid = c.get("uid").and_then(Value::as_str);
    let hit = crate::formats::text_list(list.get("revokedAssertions"))
        .into_iter()
        .find(|e| match e {
            Value::String(s) => s == id || Some(s.as_str()) == uid,
            o => {
                o.get("id").and_then(Value::as_str) == Some(id)
                    || (uid.is_some() && o.get("uid").and_then(Value::as_str) == uid)
            }
        });
    match hit {
        Some(e) => {
            let why = e
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|r| format!(" (\"{r}\")"))
                .unwrap_or_default();
            step(
                steps,
                StepKind::Status,
                StepStatus::Fail,
                format!("The issuer has revoked this assertion{why}, according to the cached revocation list."),
            );
        }
        None => step(
            steps,
            StepKind::Status,
            StepStatus::Pass,
            "Not revoked according to the cached revocation list.".into(),
        ),
    }
}
