//! Small, total helpers for reading loosely typed credential JSON: strings or language maps,
//! single values or arrays, IRIs ending in a code, ISO 8601 durations and EQF levels.
//!
//! Every helper returns `None` / empty on an unexpected shape; none may panic. This file
//! must not know about any one format's structure (that is `vc.rs`, `ob3.rs`, `clr.rs`,
//! `edc.rs`).

use serde_json::Value;

/// A value as a list: an array's items, a single non-null value as one item, or nothing.
pub(crate) fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// The first item of a value that may be an array.
pub(crate) fn first(v: Option<&Value>) -> Option<&Value> {
    list(v).into_iter().next()
}

/// `v[key]` if `v` is an object (the first item if the member is an array of objects).
pub(crate) fn obj<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    first(v.get(key)).filter(|x| x.is_object())
}

/// Text from a plain string, a number, a JSON-LD value object (`{"@value": …}`) or a
/// language map (`{"en": "…", "de": "…"}`, ELM `LangString`): English, else the first
/// language. Arrays give their first readable item. Blank text is `None`.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    let out = match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Value::Object(m) => {
            if let Some(val) = m.get("@value") {
                text(Some(val))
            } else if let Some(en) = m.get("en").and_then(|x| text(Some(x))) {
                Some(en)
            } else {
                // A language map: keys are language tags (short, no IRI), values strings.
                m.iter()
                    .filter(|(k, _)| is_language_tag(k))
                    .find_map(|(_, x)| text(Some(x)))
            }
        }
        _ => None,
    };
    out.filter(|s| !s.is_empty())
}

fn is_language_tag(k: &str) -> bool {
    // BCP 47 shape: a 2–3 letter primary subtag, then 1–8 character subtags ("en", "de-AT").
    let mut parts = k.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    primary_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && k != "id"
}

/// Text of `v[key]` (see [`text`]).
pub(crate) fn field(v: &Value, key: &str) -> Option<String> {
    text(v.get(key))
}

/// The first of several keys that has text.
pub(crate) fn field_any(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| field(v, k))
}

/// The label of a SKOS concept (ELM `Concept`: `prefLabel`, else `notation`), or text.
pub(crate) fn label(v: Option<&Value>) -> Option<String> {
    let v = first(v)?;
    if v.is_object() {
        field_any(
            v,
            &["prefLabel", "title", "name", "noteLiteral", "notation"],
        )
        .or_else(|| text(Some(v)))
    } else {
        text(Some(v))
    }
}

/// The `id` of a value (a string itself, or an object's `id`).
pub(crate) fn id_of(v: Option<&Value>) -> Option<String> {
    match first(v)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(m) => m
            .get("id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        _ => None,
    }
}

/// The last path segment of an IRI (`…/country/IRL` → `IRL`).
pub(crate) fn iri_tail(iri: &str) -> Option<String> {
    let tail = iri.trim_end_matches('/').rsplit(['/', '#', ':']).next()?;
    (!tail.is_empty()).then(|| tail.to_string())
}

/// A list of strings from a string or an array of strings/language maps.
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    list(v).into_iter().filter_map(|x| text(Some(x))).collect()
}

/// A number from a JSON number or a numeric string (`"2"`, `"7.5"`, `"2,5"`).
pub(crate) fn number(v: Option<&Value>) -> Option<f64> {
    match first(v)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
        Value::Object(m) => m.get("@value").and_then(|x| number(Some(x))),
        _ => None,
    }
    .filter(|f| f.is_finite() && *f >= 0.0)
}

/// An EQF level 1–8 from an IRI (`http://data.europa.eu/snb/eqf/6`), a number, or text
/// such as "Level 6" / "EQF 6". Anything else is `None`.
pub(crate) fn eqf_level(v: Option<&Value>) -> Option<u8> {
    let v = first(v)?;
    let candidates: Vec<String> = match v {
        Value::Number(n) => vec![n.to_string()],
        Value::String(s) => vec![s.clone()],
        Value::Object(_) => [id_of(Some(v)), label(Some(v)), field(v, "notation")]
            .into_iter()
            .flatten()
            .collect(),
        _ => Vec::new(),
    };
    candidates.iter().find_map(|s| eqf_from_text(s))
}

/// An EQF level from text: an `…/eqf/N` IRI, or a single digit 1–8 standing alone.
pub(crate) fn eqf_from_text(s: &str) -> Option<u8> {
    let s = s.trim();
    if let Some(pos) = s.to_ascii_lowercase().find("/eqf/") {
        let rest = &s[pos + 5..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse::<u8>().ok().filter(|n| (1..=8).contains(n));
    }
    let nums: Vec<u8> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.parse::<u8>().ok())
        .collect();
    match nums.as_slice() {
        [n] if (1..=8).contains(n) => Some(*n),
        _ => None,
    }
}

/// Hours in an ISO 8601 duration of the simple forms `PnD`, `PTnH`, `PTnM`, `PnDTnHnMnS`
/// and `PnW` (a day counts 24 h, as ISO 8601 defines it). Durations with years or months
/// (`P2M`) have no fixed length in hours and give `None`, as does anything malformed.
pub fn iso_duration_hours(s: &str) -> Option<f64> {
    let s = s.trim();
    let rest = s.strip_prefix('P').or_else(|| s.strip_prefix('p'))?;
    if rest.is_empty() {
        return None;
    }
    let mut hours = 0.0_f64;
    let mut in_time = false;
    let mut num = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' if !in_time && num.is_empty() => in_time = true,
            d if d.is_ascii_digit() || d == '.' || d == ',' => {
                num.push(if d == ',' { '.' } else { d })
            }
            unit => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                any = true;
                hours += match (in_time, unit) {
                    (false, 'W') => n * 7.0 * 24.0,
                    (false, 'D') => n * 24.0,
                    (true, 'H') => n,
                    (true, 'M') => n / 60.0,
                    (true, 'S') => n / 3600.0,
                    _ => return None,
                };
            }
        }
    }
    (any && num.is_empty() && hours.is_finite()).then_some(hours)
}

/// Push `s` unless it is already there (case-insensitively).
pub(crate) fn push_unique(list: &mut Vec<String>, s: String) {
    if !s.trim().is_empty() && !list.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        list.push(s);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        assert_eq!(iso_duration_hours("PT60H"), Some(60.0));
        assert_eq!(iso_duration_hours("PT45H"), Some(45.0));
        assert_eq!(iso_duration_hours("PT2H30M"), Some(2.5));
        assert_eq!(iso_duration_hours("P1DT2H"), Some(26.0));
        assert_eq!(iso_duration_hours("P2M"), None);
        assert_eq!(iso_duration_hours("P60M"), None);
        assert_eq!(iso_duration_hours("P"), None);
        assert_eq!(iso_duration_hours("PT"), None);
        assert_eq!(iso_duration_hours("60"), None);
        assert_eq!(iso_duration_hours("PT5"), None);
    }

    #[test]
    fn language_maps_prefer_english() {
        assert_eq!(
            text(Some(&json!({"de": "Titel", "en": "Title"}))),
            Some("Title".into())
        );
        assert_eq!(text(Some(&json!({"es": "Título"}))), Some("Título".into()));
        assert_eq!(text(Some(&json!({"@value": "x"}))), Some("x".into()));
        assert_eq!(text(Some(&json!("  "))), None);
    }

    #[test]
    fn eqf_levels() {
        assert_eq!(
            eqf_level(Some(&json!({"id": "http://data.europa.eu/snb/eqf/6"}))),
            Some(6)
        );
        assert_eq!(eqf_level(Some(&json!("Level 7"))), Some(7));
        assert_eq!(eqf_level(Some(&json!(4))), Some(4));
        assert_eq!(eqf_level(Some(&json!("Level 9"))), None);
        assert_eq!(eqf_level(Some(&json!("ISCED 2011 level 6, 64"))), None);
        assert_eq!(iri_tail("http://x/country/IRL"), Some("IRL".into()));
    }
}
