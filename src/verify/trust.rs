//! Trust material that verification consults besides the document: the signed registry of
//! the recognition network, cached DID documents and status lists. The wallet keeps them in
//! its store; the share-link page gets them as one [`TrustBundle`] built into the page.

use super::{Env, KnownIssuer};
use crate::proof::di::{self, ProofEnv};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use ts_rs::TS;

/// A signed registry of the recognition network's member institutions.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    /// The network's name.
    pub name: String,
    /// Who signed the registry (a DID).
    pub issuer: String,
    /// The members.
    pub members: Vec<KnownIssuer>,
    /// Where the network publishes its verifier page (an `https:` address): share links
    /// and QR codes point there unless the learner chose another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verifier_page: Option<String>,
}

/// A registry, catalogue or rules file must carry a valid proof by its own `issuer`.
pub fn check_signed_by_issuer(doc: &Value, what: &str) -> Result<String> {
    let issuer = doc
        .get("issuer")
        .and_then(|i| i.as_str().or_else(|| i.get("id").and_then(Value::as_str)))
        .ok_or_else(|| Error::BadInput(format!("the {what} names no issuer")))?
        .to_string();
    let checks = di::verify_proofs(doc, &ProofEnv::default());
    if checks.is_empty() {
        return Err(Error::BadInput(format!("the {what} is not signed")));
    }
    for c in &checks {
        if let Err(f) = &c.outcome {
            return Err(Error::BadInput(format!(
                "the {what}'s signature does not verify: {f}"
            )));
        }
        if c.controller.as_deref() != Some(issuer.as_str()) {
            return Err(Error::BadInput(format!(
                "the {what} is signed by {}, not by its issuer {issuer}",
                c.controller.clone().unwrap_or_default()
            )));
        }
    }
    Ok(issuer)
}

/// Trust material as one JSON document: `{"registry": …, "dids": […], "statusLists": […],
/// "issuers": […], "types": ["…"]}`,
/// each member the file as its publisher signed it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustBundle {
    /// The signed network registry.
    #[serde(default)]
    pub registry: Option<Value>,
    /// DID documents (e.g. the members' did:web documents).
    #[serde(default)]
    pub dids: Vec<Value>,
    /// Bitstring Status List credentials.
    #[serde(default)]
    pub status_lists: Vec<Value>,
    /// JWT VC Issuer Metadata of SD-JWT VC issuers known by a web address, each with its key
    /// set (`jwks`) inside: what the wallet caches from `/.well-known/jwt-vc-issuer`.
    #[serde(default)]
    pub issuers: Vec<Value>,
    /// SD-JWT VC type metadata, each as its exact text (a credential's `vct#integrity` is over
    /// those bytes): the labels and disclosure rules of the network's own types.
    #[serde(default)]
    pub types: Vec<String>,
}

/// Where JWT VC Issuer Metadata is published (the address it is believed for), when it is
/// one a page can use: an `issuer` that is a web address, and its keys inside (`jwks` with at
/// least one key; a page fetches no `jwks_uri`).
fn issuer_metadata_address(meta: &Value) -> std::result::Result<String, String> {
    let issuer = meta
        .get("issuer")
        .and_then(Value::as_str)
        .ok_or("the issuer metadata names no issuer")?;
    let at = super::sdjwt::jwt_vc_issuer_url(issuer)
        .ok_or_else(|| format!("the issuer {issuer} is not a web address"))?;
    let has_keys = meta
        .pointer("/jwks/keys")
        .and_then(Value::as_array)
        .is_some_and(|k| !k.is_empty() && k.iter().all(Value::is_object));
    if !has_keys {
        return Err(format!(
            "the issuer metadata of {issuer} carries no key set (jwks)"
        ));
    }
    Ok(at)
}

impl Env {
    /// The environment a bundle describes, checked as the wallet checks imported files: the
    /// registry must be signed by its issuer, and a status list whose signature fails is
    /// refused. Errors name the offending item.
    pub fn from_bundle(bundle: &TrustBundle) -> Result<Env> {
        let mut env = Env::default();
        for (i, doc) in bundle.dids.iter().enumerate() {
            env.proof
                .keys
                .insert(doc.clone())
                .map_err(|e| Error::BadInput(format!("dids[{i}]: {e}")))?;
        }
        for (i, meta) in bundle.issuers.iter().enumerate() {
            let at = issuer_metadata_address(meta)
                .map_err(|e| Error::BadInput(format!("issuers[{i}]: {e}")))?;
            env.proof.keys.insert_at(&at, meta.clone());
        }
        for (i, text) in bundle.types.iter().enumerate() {
            let vct = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|t| t.get("vct").and_then(Value::as_str).map(str::to_owned))
                .ok_or_else(|| {
                    Error::BadInput(format!(
                        "types[{i}]: not SD-JWT VC type metadata (JSON with a vct)"
                    ))
                })?;
            env.proof.keys.insert_at(
                &super::sdjwt::type_metadata_key(&vct),
                Value::String(text.clone()),
            );
        }
        for (i, list) in bundle.status_lists.iter().enumerate() {
            let url = env
                .status
                .insert(list.clone(), None)
                .map_err(|e| Error::BadInput(format!("statusLists[{i}]: {e}")))?;
            // Checked once here; verifications reuse the result (the keys are all in).
            let bad = env
                .status
                .proofs(&url, list, &env.proof)
                .iter()
                .any(|c| matches!(c.outcome, Err(di::Failure::Invalid(_))));
            if bad {
                return Err(Error::BadInput(format!(
                    "statusLists[{i}]: the status list's signature does not verify"
                )));
            }
        }
        if let Some(doc) = &bundle.registry {
            check_signed_by_issuer(doc, "registry")?;
            let registry: Registry = serde_json::from_value(doc.clone())
                .map_err(|e| Error::BadInput(format!("the registry is malformed: {e}")))?;
            env.network = Some(registry.name.clone());
            env.registry = Some(
                registry
                    .members
                    .into_iter()
                    .map(|m| (m.id.clone(), m))
                    .collect::<HashMap<_, _>>(),
            );
        }
        Ok(env)
    }
}

/// Where the trust documents a verification of `doc` reads are published, so that an
/// exchange can cache them and the credential verifies offline later: the issuer's DID
/// document (did:web) or JWT VC Issuer Metadata (an SD-JWT VC whose `iss` is a web address),
/// the status lists its status entries name, and its type metadata when the `vct` is a web
/// address. Reads the document only; fetches nothing (the exchange crate does, and the
/// wallet believes what it fetched only once verification has checked it). Bytes that are
/// not a credential name nothing.
pub fn published_by(bytes: &[u8]) -> Vec<String> {
    crate::formats::parse_document(bytes)
        .map(|doc| published(&doc))
        .unwrap_or_default()
}

/// [`published_by`] of a document already parsed.
pub fn published(doc: &crate::formats::Document) -> Vec<String> {
    let c = &doc.credential;
    let mut out = Vec::new();
    let mut add = |u: Option<String>| {
        if let Some(u) = u.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
            if !out.contains(&u) {
                out.push(u);
            }
        }
    };
    let issuer = c
        .get("issuer")
        .and_then(|i| i.as_str().or_else(|| i.get("id").and_then(Value::as_str)))
        .or_else(|| c.get("iss").and_then(Value::as_str));
    if let Some(issuer) = issuer {
        add(crate::did::web_document_url(issuer));
        if matches!(doc.envelope, crate::formats::Envelope::SdJwt(_)) {
            add(super::sdjwt::jwt_vc_issuer_url(issuer));
        }
    }
    if let Some(vct) = c.get("vct").and_then(Value::as_str) {
        add(Some(vct.to_owned()));
    }
    let entries = match c.get("credentialStatus") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(e) => vec![e],
        None => Vec::new(),
    };
    for e in entries {
        add(e
            .get("statusListCredential")
            .and_then(Value::as_str)
            .map(str::to_owned));
    }
    add(c
        .pointer("/status/status_list/uri")
        .and_then(Value::as_str)
        .map(str::to_owned));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A page's bundled JWT VC Issuer Metadata is believed at its issuer's well-known
    /// address; metadata without a web-address issuer or without its keys is refused by name.
    #[test]
    fn bundled_issuer_metadata_is_kept_at_its_well_known_address() {
        let meta = json!({"issuer": "https://uni.example/x", "jwks": {"keys": [{"kty": "EC"}]}});
        let bundle = TrustBundle {
            issuers: vec![meta.clone()],
            ..TrustBundle::default()
        };
        let env = Env::from_bundle(&bundle).unwrap();
        assert_eq!(
            env.proof
                .keys
                .get("https://uni.example/.well-known/jwt-vc-issuer/x"),
            Some(&meta)
        );
        for (bad, why) in [
            (json!({"jwks": {"keys": [{}]}}), "names no issuer"),
            (
                json!({"issuer": "did:key:z6Mk", "jwks": {"keys": [{}]}}),
                "not a web address",
            ),
            (
                json!({"issuer": "https://uni.example", "jwks_uri": "https://uni.example/k"}),
                "carries no key set",
            ),
        ] {
            let bundle = TrustBundle {
                issuers: vec![
                    json!({"issuer": "https://ok.example", "jwks": {"keys": [{}]}}),
                    bad,
                ],
                ..TrustBundle::default()
            };
            let e = Env::from_bundle(&bundle).unwrap_err().to_string();
            assert!(e.contains("issuers[1]") && e.contains(why), "{e}");
        }
    }
}
