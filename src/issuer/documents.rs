//! Signed network documents: qualification rules (`mcx issuer sign-rules`), the trust
//! registry (`mcx issuer registry`) and the catalogue (`mcx issuer catalogue`).
//!
//! Each is validated with the parser the wallet itself uses, gets `issuer` = the signer's
//! did:key, and an `eddsa-jcs-2022` proof (none of them has a JSON-LD `@context`). The
//! wallet accepts them through [`crate::store::check_signed_by_issuer`], which
//! resolves keys without any cached DID document; that is why they are signed as the did:key
//! even by an issuer that has a did:web.

use super::Issuer;
use crate::proof::di::Suite;
use crate::store::{check_signed_by_issuer, Registry};
use crate::verify::KnownIssuer;
use crate::{Error, Result};
use serde_json::{Map, Value};

fn parse_object(json: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(Error::BadInput(format!("the {what} must be a JSON object"))),
        Err(e) => Err(Error::BadInput(format!("the {what} is not JSON: {e}"))),
    }
}

fn finish(issuer: &Issuer, mut doc: Map<String, Value>, what: &str) -> Result<Value> {
    doc.remove("proof");
    doc.insert("issuer".into(), issuer.profile.did_key.clone().into());
    let signed = issuer.sign_as_did_key(&Value::Object(doc), Suite::EddsaJcs2022, super::now())?;
    check_signed_by_issuer(&signed, what)?;
    Ok(signed)
}

/// Validate qualification rules (`crate::stack::parse_rules`) and sign them. Returns the
/// signed document and warnings (e.g. an awarding body other than the signer).
pub fn sign_rules(issuer: &Issuer, json: &str) -> Result<(Value, Vec<String>)> {
    let rules = crate::stack::parse_rules(json)?;
    let mut warnings = Vec::new();
    let id = &rules.awarding_body.id;
    if id != issuer.id() && id != &issuer.profile.did_key {
        warnings.push(format!(
            "the awarding body is {id}, but the signer is {} ({}); the wallet compares credentials' issuers with the awarding body",
            issuer.profile.name,
            issuer.id()
        ));
    }
    let doc = parse_object(json, "qualification rules")?;
    Ok((finish(issuer, doc, "rules")?, warnings))
}

/// Validate a catalogue (`crate::stack::parse_catalogue`) and sign it.
pub fn sign_catalogue(issuer: &Issuer, json: &str) -> Result<Value> {
    let cat = crate::stack::parse_catalogue(json)?;
    let mut seen = std::collections::HashSet::new();
    for (i, item) in cat.items.iter().enumerate() {
        if !seen.insert(item.id.as_str()) {
            return Err(Error::BadInput(format!(
                "catalogue offer {} (items[{i}]) repeats the id {}",
                i + 1,
                item.id
            )));
        }
    }
    let doc = parse_object(json, "catalogue")?;
    finish(issuer, doc, "catalogue")
}

/// The address where a network publishes its verifier page: `https:` (any static host), or
/// `http:` on this machine's loopback for testing. A `file:` page opens only on the computer
/// that has it, so a registry cannot name one.
pub fn verifier_page_url(url: &str) -> Result<String> {
    let lower = url.to_ascii_lowercase();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|r| r.is_empty() || r.starts_with([':', '/']))
        });
    let https = lower
        .strip_prefix("https://")
        .is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    if !(https || loopback) || url.contains(char::is_whitespace) || url.contains('#') {
        return Err(Error::BadInput(format!(
            "\"verifierPage\" must be an https:// address on a static host, without a #fragment (got {url:?}); employers open it from anywhere"
        )));
    }
    Ok(url.to_string())
}

/// Build and sign the registry from `{"name", "members": [{id, name, country}],
/// "verifierPage"?}`.
pub fn sign_registry(issuer: &Issuer, json: &str) -> Result<Value> {
    let doc = parse_object(json, "members file")?;
    let name = doc
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Error::BadInput("the members file needs a \"name\" (the network's)".into()))?
        .to_string();
    let list = doc
        .get("members")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::BadInput("the members file needs a \"members\" array".into()))?;
    let mut members = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in list.iter().enumerate() {
        let at = format!("members[{i}]");
        let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::trim);
        let id = text("id")
            .filter(|s| s.contains(':') && !s.contains(' '))
            .ok_or_else(|| Error::BadInput(format!("{at}: \"id\" must be a DID or URL")))?;
        let name = text("name")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::BadInput(format!("{at} ({id}): \"name\" is missing")))?;
        let country = text("country").map(super::country_code).transpose()?;
        if !seen.insert(id.to_string()) {
            return Err(Error::BadInput(format!("{at}: {id} is listed twice")));
        }
        members.push(KnownIssuer {
            id: id.to_string(),
            name: name.to_string(),
            country,
        });
    }
    let verifier_page = match doc.get("verifierPage") {
        None | Some(Value::Null) => None,
        Some(Value::String(u)) => Some(verifier_page_url(u.trim())?),
        Some(_) => {
            return Err(Error::BadInput(
                "\"verifierPage\" must be the address of the network's verifier page".into(),
            ))
        }
    };
    let registry = Registry {
        name,
        issuer: issuer.profile.did_key.clone(),
        members,
        verifier_page,
    };
    let value = serde_json::to_value(&registry).map_err(|e| Error::Internal(e.to_string()))?;
    match value {
        Value::Object(o) => finish(issuer, o, "registry"),
        _ => Err(Error::Internal("the registry is not an object".into())),
    }
}
