//! Parsing untrusted JSON safely and recognising which credential data model it follows.
//!
//! Owns the JSON limits (depth after parsing; serde_json's own recursion limit of 128
//! protects the parser itself), the "is this a credential at all" test and the format
//! detection rules (types first, then `@context` URLs). It must not map fields to the view
//! or look inside envelopes (JWT/JAdES are `jws.rs`).

use super::{Document, Envelope, MAX_DEPTH};
use crate::model::Format;
use crate::Error;
use serde_json::Value;

/// W3C VC Data Model 1.1 base context (VC DM 1.1 §4.1).
pub(crate) const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// W3C VC Data Model 2.0 base context (VC DM 2.0 §4.3).
pub(crate) const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The ELM v3 / EDC application profile context.
pub(crate) const EDC_CONTEXT: &str = "http://data.europa.eu/snb/model/context/edc-ap";

/// Parse JSON text, turning serde errors into messages that name the problem, then refuse
/// documents nested deeper than [`MAX_DEPTH`].
pub(crate) fn parse_json(text: &str) -> Result<Value, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("recursion limit") {
            Error::BadInput(format!(
                "nesting deeper than {MAX_DEPTH} levels (the JSON parser stopped: {msg})"
            ))
        } else {
            Error::BadInput(format!("not JSON: {msg}"))
        }
    })?;
    let depth = depth(&value);
    if depth > MAX_DEPTH {
        return Err(Error::BadInput(format!(
            "nesting deeper than {MAX_DEPTH} levels ({depth} levels of arrays and objects)"
        )));
    }
    Ok(value)
}

/// Nesting depth of arrays/objects, computed without recursion (so it cannot overflow).
fn depth(v: &Value) -> usize {
    let mut max = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(a) => {
                max = max.max(d);
                stack.extend(a.iter().map(|x| (x, d + 1)));
            }
            Value::Object(m) => {
                max = max.max(d);
                stack.extend(m.values().map(|x| (x, d + 1)));
            }
            _ => {}
        }
    }
    max
}

/// The `type` values of a node (a string or an array of strings).
pub(crate) fn types(v: &Value) -> Vec<String> {
    super::text::list(v.get("type").or_else(|| v.get("@type")))
        .into_iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

/// The `@context` entries that are URLs.
pub(crate) fn contexts(v: &Value) -> Vec<String> {
    super::text::list(v.get("@context"))
        .into_iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

fn has_type(v: &Value, names: &[&str]) -> bool {
    types(v).iter().any(|t| {
        let local = t.rsplit(['#', '/', ':']).next().unwrap_or(t);
        names.contains(&t.as_str()) || names.contains(&local)
    })
}

fn has_context(v: &Value, pred: impl Fn(&str) -> bool) -> bool {
    contexts(v).iter().any(|c| pred(c.trim_end_matches('/')))
}

fn is_ob3_context(c: &str) -> bool {
    c.contains("purl.imsglobal.org/spec/ob/v3p0/context")
        || c.contains("imsglobal.github.io/openbadges-specification")
}

fn is_clr_context(c: &str) -> bool {
    c.contains("purl.imsglobal.org/spec/clr/v2p0") || c.contains("dc.imsglobal.org/draft/clr/v2p0")
}

fn is_edc_context(c: &str) -> bool {
    c == EDC_CONTEXT || c.starts_with("http://data.europa.eu/snb/model/")
}

fn is_ob2_context(c: &str) -> bool {
    c == "https://w3id.org/openbadges/v2" || c.starts_with("https://openbadgespec.org/v2")
}

/// Whether a JSON value looks like a credential: an object whose `type` contains
/// `VerifiableCredential` (or a known profile type), or whose `@context` is a VC, OB, CLR or
/// ELM context.
pub fn is_credential_like(v: &Value) -> bool {
    v.is_object()
        && (has_type(
            v,
            &[
                "VerifiableCredential",
                "OpenBadgeCredential",
                "AchievementCredential",
                "ClrCredential",
                "EuropeanDigitalCredential",
                "EndorsementCredential",
            ],
        ) || has_context(v, |c| {
            c == VC1_CONTEXT
                || c == VC2_CONTEXT
                || is_ob3_context(c)
                || is_clr_context(c)
                || is_edc_context(c)
        }) || (has_type(v, &["Assertion"]) && has_context(v, is_ob2_context)))
}

/// Whether a JSON value is a W3C Verifiable Presentation (VC DM 2.0 §4.13).
pub fn is_presentation_like(v: &Value) -> bool {
    v.is_object() && has_type(v, &["VerifiablePresentation"])
}

/// The data model of a credential JSON (not of its envelope), by the rules in
/// `docs/mapping.md`: types first (CLR, OB 3.0, ELM, presentation), then contexts.
pub fn detect_format(v: &Value) -> Option<Format> {
    if !v.is_object() {
        return None;
    }
    if is_presentation_like(v) {
        return Some(Format::Presentation);
    }
    if has_type(v, &["ClrCredential"]) {
        return Some(Format::Clr2);
    }
    if has_type(v, &["OpenBadgeCredential", "AchievementCredential"]) {
        return Some(Format::OpenBadges3);
    }
    if has_type(v, &["EuropeanDigitalCredential"]) || has_context(v, is_edc_context) {
        return Some(Format::Edc);
    }
    if has_context(v, is_clr_context)
        && v.pointer("/credentialSubject/verifiableCredential")
            .is_some()
    {
        return Some(Format::Clr2);
    }
    if has_context(v, is_ob3_context) {
        return Some(Format::OpenBadges3);
    }
    if has_context(v, |c| c == VC2_CONTEXT) {
        return Some(Format::Vc2);
    }
    if has_context(v, |c| c == VC1_CONTEXT) {
        return Some(Format::Vc1);
    }
    if has_type(v, &["Assertion"]) && has_context(v, is_ob2_context) {
        return Some(Format::OpenBadges2);
    }
    if has_type(v, &["VerifiableCredential"]) {
        // A credential with no (or an unknown) context: read it as the newest model.
        return Some(Format::Vc2);
    }
    None
}

/// Explain why a JSON value is not a credential.
pub(crate) fn not_a_credential(v: &Value) -> Error {
    let what = match v {
        Value::Array(a) => {
            let kind = if a.iter().all(Value::is_number) && !a.is_empty() {
                "an array of numbers"
            } else {
                "an array"
            };
            return Error::BadInput(format!(
                "a JSON document but not a credential: it is {kind}, a credential is a JSON object"
            ));
        }
        Value::Object(_) => {
            let t = types(v);
            let type_part = if t.is_empty() {
                "no `type` containing VerifiableCredential".to_string()
            } else {
                format!("`type` is {t:?}, without VerifiableCredential")
            };
            let ctx_part = if v.get("@context").is_none() {
                "no `@context`".to_string()
            } else {
                "no VC, Open Badges, CLR or ELM `@context`".to_string()
            };
            format!("{type_part}, {ctx_part}")
        }
        other => format!("it is a JSON {}", json_kind(other)),
    };
    Error::BadInput(format!("a JSON document but not a credential: {what}"))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A plain JSON credential or presentation (or the `{"credential": …}` uploadable wrapper
/// of the EDC builder) → a [`Document`] with [`Envelope::Json`].
pub(crate) fn document_from_json(value: Value) -> Result<Document, Error> {
    let value = match value {
        Value::Object(mut m)
            if m.len() == 1 && m.get("credential").is_some_and(Value::is_object) =>
        {
            m.remove("credential").unwrap_or(Value::Null)
        }
        other => other,
    };
    if !(is_credential_like(&value) || is_presentation_like(&value)) {
        return Err(not_a_credential(&value));
    }
    let format = detect_format(&value).ok_or_else(|| not_a_credential(&value))?;
    Ok(Document {
        format,
        credential: value,
        envelope: Envelope::Json,
        profile: format,
    })
}
