//! The structural MUSTs of the W3C Verifiable Credentials Data Model that a document has to
//! meet to be a *conforming* credential or presentation, in one place for both sides: an
//! issuer refuses to sign a document that breaks one ([`refuse_nonconforming_credential`],
//! called by `mcx issue` and `issuer::Issuer::sign`), and the verifier makes such a
//! credential invalid with a failed `format` step naming the problem (`crate::verify`). So what we
//! sign and what we accept can never disagree.
//!
//! The rules (VC DM 2.0, W3C Recommendation 2025-05-15; for a document whose first context is
//! the VC DM 1.1 one, the same rules as VC DM 1.1 states them):
//! - `@context` is an ordered set whose first item is `https://www.w3.org/ns/credentials/v2`
//!   (§4.3), or `https://www.w3.org/2018/credentials/v1` for a VC 1.1 document (1.1 §4.1);
//! - `type` is one or more strings and includes `VerifiableCredential` /
//!   `VerifiablePresentation` (§4.5, §4.13);
//! - `id`, where present, is one URL (§4.4);
//! - `credentialSubject` is present and each subject is an object with at least one claim
//!   (§4.8);
//! - `issuer` is a URL or an object whose `id` is a URL (§4.7);
//! - every `credentialStatus`, `termsOfUse`, `evidence`, `refreshService` and
//!   `credentialSchema` entry is an object with a `type` (§4.5 table), with an `id` that is a
//!   URL where present (§4.4), required for `credentialSchema` (§4.11);
//! - `validFrom` / `validUntil` are XML Schema 1.1 `dateTimeStamp`s (a timezone is required)
//!   and `validFrom` is not after `validUntil` (§4.9);
//! - `relatedResource` entries are objects with a unique URL `id` and a `digestSRI` or
//!   `digestMultibase`, each a well-formed digest; a digest of a resource whose published
//!   digests we know (the base context, §B.1) must match one of them (§5.3, `digest.rs`).
//!
//! It must not: check proofs, compare dates with a clock, read status lists or dereference
//! anything (the verifier's other steps do the first three; nothing here touches the network).

mod digest;
mod time;

#[cfg(test)]
mod tests;

use serde_json::Value;

/// The VC DM 2.0 base context (§4.3).
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The VC DM 1.1 base context (1.1 §4.1).
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Which rule a [`Problem`] breaks, so a caller that reports the same thing elsewhere can
/// leave it out (the verifier's dates and issuer steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The first `@context` (§4.3).
    Context,
    /// `type` (§4.5).
    Type,
    /// A top-level `id` that is not a URL (§4.4).
    Id,
    /// `credentialSubject` (§4.8).
    Subject,
    /// No issuer at all, or an issuer object without an `id` (§4.7).
    IssuerMissing,
    /// An issuer that is not a URL (§4.7).
    IssuerNotUrl,
    /// A `credentialStatus`, `termsOfUse`, `evidence`, `refreshService` or
    /// `credentialSchema` entry (§4.5, §4.10, §4.11, §5.4–§5.6).
    TypedEntry,
    /// `validFrom` / `validUntil` not a `dateTimeStamp` (§4.9).
    ValidityFormat,
    /// `validFrom` later than `validUntil` (§4.9).
    ValidityOrder,
    /// `relatedResource` (§5.3).
    RelatedResource,
    /// `holder` of a presentation (§4.13).
    Holder,
}

/// One broken MUST: which rule, and a phrase naming the problem and the section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong, e.g. `its credentialSubject is empty (VC DM 2.0 §4.8)`; lower case, no
    /// final full stop, so it reads inside a sentence.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The data model a document follows, by its first context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    V2,
    V1,
}

impl Model {
    /// Where a rule is stated in this model's specification.
    fn cite(self, v2: &str, v1: &str) -> String {
        match self {
            Model::V2 => format!("VC DM 2.0 §{v2}"),
            Model::V1 => format!("VC DM 1.1 §{v1}"),
        }
    }
}

struct Checker {
    model: Model,
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, rule: Rule, message: String) {
        self.problems.push(Problem { rule, message });
    }
}

/// The structural problems of a credential (empty when it conforms).
pub fn check_credential(doc: &Value) -> Vec<Problem> {
    let mut c = start(doc, "credential");
    if !doc.is_object() {
        return c.problems;
    }
    types(&mut c, doc, "VerifiableCredential", ("4.5", "4.3"));
    id(&mut c, doc);
    subjects(&mut c, doc);
    issuer(&mut c, doc);
    for (member, v2, v1) in [
        ("credentialStatus", "4.10", "4.9"),
        ("termsOfUse", "5.5", "5.6"),
        ("evidence", "5.6", "5.7"),
        ("refreshService", "5.4", "5.5"),
        ("credentialSchema", "4.11", "5.4"),
    ] {
        typed_entries(&mut c, doc, member, (v2, v1));
    }
    time::validity(&mut c, doc);
    digest::related_resources(&mut c, doc);
    c.problems
}

/// The structural problems of a presentation itself (its credentials are checked each on
/// their own with [`check_credential`]).
pub fn check_presentation(doc: &Value) -> Vec<Problem> {
    let mut c = start(doc, "presentation");
    if !doc.is_object() {
        return c.problems;
    }
    types(&mut c, doc, "VerifiablePresentation", ("4.13", "4.10"));
    id(&mut c, doc);
    match doc.get("holder") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if is_url(s) => {}
        Some(Value::Object(o)) if o.get("id").and_then(Value::as_str).is_some_and(is_url) => {}
        Some(other) => {
            let at = c.model.cite("4.13", "4.10");
            c.push(
                Rule::Holder,
                format!(
                    "its holder {} is neither a URL nor an object whose id is a URL ({at})",
                    short(other)
                ),
            );
        }
    }
    c.problems
}

/// For issuers: `Ok` when `doc` is a conforming credential, else an error listing every
/// problem, so nothing non-conforming is ever signed.
pub fn refuse_nonconforming_credential(doc: &Value) -> crate::Result<()> {
    let problems = check_credential(doc);
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Err(crate::Error::BadInput(format!(
        "not a conforming verifiable credential, so it was not signed: {}",
        list.join("; ")
    )))
}

/// The context that defines `DataIntegrityProof` and its terms for documents whose own
/// contexts do not (a VC 1.1 credential, say).
pub const DATA_INTEGRITY_CONTEXT: &str = "https://w3id.org/security/data-integrity/v2";

/// Before adding a Data Integrity proof (VC Data Integrity 1.0 §4.2, "Add Proof"): when none
/// of the document's contexts defines the proof's terms, append the Data Integrity context,
/// as the cryptosuite specifications recommend, so that `proof.created` and the other terms
/// are defined (JSON-LD safe mode refuses undefined terms). Returns whether it was added.
pub fn add_data_integrity_context(doc: &mut Value) -> bool {
    let defines = |v: &Value| {
        matches!(v.as_str(), Some(u) if u == VC2_CONTEXT
            || u == DATA_INTEGRITY_CONTEXT
            || u == "https://w3id.org/security/data-integrity/v1")
    };
    let Some(obj) = doc.as_object_mut() else {
        return false;
    };
    let list = match obj.get("@context") {
        Some(Value::Array(a)) if a.iter().any(defines) => return false,
        Some(Value::Array(a)) => a.clone(),
        Some(one) if defines(one) => return false,
        Some(one @ Value::String(_)) => vec![one.clone()],
        _ => return false,
    };
    let mut list = list;
    list.push(DATA_INTEGRITY_CONTEXT.into());
    obj.insert("@context".into(), Value::Array(list));
    true
}

/// The issuer's URL (`issuer` or `issuer.id`), when it has one.
pub fn issuer_id(doc: &Value) -> Option<&str> {
    match doc.get("issuer")? {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

/// Read the data model from the first context and check it (§4.3; 1.1 §4.1).
fn start(doc: &Value, what: &str) -> Checker {
    let mut c = Checker {
        model: Model::V2,
        problems: Vec::new(),
    };
    let Some(obj) = doc.as_object() else {
        c.push(
            Rule::Context,
            format!("a {what} must be a JSON object (VC DM 2.0 §4.2)"),
        );
        return c;
    };
    let first = match obj.get("@context") {
        Some(Value::Array(a)) => a.first(),
        Some(Value::Null) | None => None,
        Some(one) => Some(one),
    };
    match first.and_then(Value::as_str) {
        Some(VC2_CONTEXT) => {}
        Some(VC1_CONTEXT) => c.model = Model::V1,
        _ => {
            let found = match first {
                None => "it has no @context".to_string(),
                Some(f) => format!("its first @context is {}", short(f)),
            };
            c.push(
                Rule::Context,
                format!("{found}; the first must be {VC2_CONTEXT} (VC DM 2.0 §4.3), or {VC1_CONTEXT} for a VC 1.1 {what}"),
            );
        }
    }
    c
}

/// `type` is one or more strings and includes `required` (or its full IRI).
fn types(c: &mut Checker, doc: &Value, required: &str, (v2, v1): (&str, &str)) {
    let at = c.model.cite(v2, v1);
    let values = match doc.get("type") {
        None | Some(Value::Null) => {
            c.push(
                Rule::Type,
                format!("it has no type; its type must include {required} ({at})"),
            );
            return;
        }
        Some(t) => items(t),
    };
    let strings: Vec<&str> = values.iter().filter_map(|t| t.as_str()).collect();
    if values.is_empty() || strings.len() != values.len() || strings.iter().any(|s| s.is_empty()) {
        c.push(
            Rule::Type,
            format!(
                "its type {} is not one or more terms or URLs ({at})",
                short(&doc["type"])
            ),
        );
        return;
    }
    let iri = format!("https://www.w3.org/2018/credentials#{required}");
    if !strings.iter().any(|t| *t == required || *t == iri) {
        c.push(
            Rule::Type,
            format!(
                "its type {} does not include {required} ({at})",
                short(&doc["type"])
            ),
        );
    }
}

/// A top-level `id`, where present, is one URL (§4.4).
fn id(c: &mut Checker, doc: &Value) {
    if let Some(v) = doc.get("id") {
        if !v.as_str().is_some_and(is_url) {
            let at = c.model.cite("4.4", "4.2");
            c.push(
                Rule::Id,
                format!("its id {} is not a single URL ({at})", short(v)),
            );
        }
    }
}

/// `credentialSubject` is present, and each subject is an object making a claim (§4.8).
fn subjects(c: &mut Checker, doc: &Value) {
    let at = c.model.cite("4.8", "4.4");
    let subjects = match doc.get("credentialSubject") {
        None | Some(Value::Null) => {
            c.push(Rule::Subject, format!("it has no credentialSubject ({at})"));
            return;
        }
        Some(s) => items(s),
    };
    if subjects.is_empty() {
        c.push(
            Rule::Subject,
            format!("its credentialSubject is empty ({at})"),
        );
    }
    let many = subjects.len() > 1;
    for (n, s) in subjects.iter().enumerate() {
        let which = if many {
            format!("credentialSubject entry {}", n + 1)
        } else {
            "credentialSubject".to_string()
        };
        match s {
            Value::Object(o) if o.is_empty() => c.push(
                Rule::Subject,
                format!("its {which} is an empty object: it makes no claim ({at})"),
            ),
            Value::Object(_) => {}
            other => c.push(
                Rule::Subject,
                format!("its {which} {} is not an object ({at})", short(other)),
            ),
        }
    }
}

/// `issuer` is a URL or an object whose `id` is a URL (§4.7). A missing issuer is never
/// filled in with the signer's DID: the issuer says who it is.
fn issuer(c: &mut Checker, doc: &Value) {
    let at = c.model.cite("4.7", "4.5");
    match doc.get("issuer") {
        None | Some(Value::Null) => c.push(Rule::IssuerMissing, format!("it has no issuer ({at})")),
        Some(Value::String(s)) if is_url(s) => {}
        Some(Value::Object(o)) => match o.get("id") {
            None | Some(Value::Null) => c.push(
                Rule::IssuerMissing,
                format!("its issuer object has no id ({at})"),
            ),
            Some(Value::String(s)) if is_url(s) => {}
            Some(other) => c.push(
                Rule::IssuerNotUrl,
                format!("its issuer's id {} is not a URL ({at})", short(other)),
            ),
        },
        Some(other) => c.push(
            Rule::IssuerNotUrl,
            format!(
                "its issuer {} is neither a URL nor an object whose id is a URL ({at})",
                short(other)
            ),
        ),
    }
}

/// Each entry of `member` is an object with a `type`, and an `id` that is a URL where
/// present (required for `credentialSchema`).
fn typed_entries(c: &mut Checker, doc: &Value, member: &str, (v2, v1): (&str, &str)) {
    let Some(v) = doc.get(member).filter(|v| !v.is_null()) else {
        return;
    };
    let entries = items(v);
    let many = entries.len() > 1;
    let types_at = c.model.cite(&format!("4.5, §{v2}"), &format!("4.3, §{v1}"));
    let id_at = c.model.cite(&format!("4.4, §{v2}"), &format!("4.2, §{v1}"));
    for (n, e) in entries.iter().enumerate() {
        let which = if many {
            format!("{member} entry {}", n + 1)
        } else {
            member.to_string()
        };
        let Some(o) = e.as_object() else {
            c.push(
                Rule::TypedEntry,
                format!(
                    "its {which} {} is not an object with a type ({types_at})",
                    short(e)
                ),
            );
            continue;
        };
        let typed = match o.get("type") {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => {
                !a.is_empty() && a.iter().all(|t| t.as_str().is_some_and(|s| !s.is_empty()))
            }
            _ => false,
        };
        if !typed {
            let found = match o.get("type") {
                None | Some(Value::Null) => "has no type".to_string(),
                Some(t) => format!("has the type {}, which is not a term or URL", short(t)),
            };
            c.push(
                Rule::TypedEntry,
                format!("its {which} {found} ({types_at})"),
            );
        }
        match o.get("id") {
            None | Some(Value::Null) if member == "credentialSchema" => c.push(
                Rule::TypedEntry,
                format!(
                    "its {which} has no id; a schema's id must be the URL of the schema ({id_at})"
                ),
            ),
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if is_url(s) => {}
            Some(other) => c.push(
                Rule::TypedEntry,
                format!(
                    "its {which}'s id {} is not a single URL ({id_at})",
                    short(other)
                ),
            ),
        }
    }
}

/// The items of a value that may be an array (`null` has none).
fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// An absolute URL: a scheme (RFC 3986 §3.1), a colon and at least one more character, no
/// whitespace or control characters. `did:`, `urn:uuid:` and `https:` identifiers all are;
/// a bare name (`fake-issuer`) or `https ://x` is not.
pub(crate) fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A value as it would appear in the document, cut short for a message.
fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 80 {
        text
    } else {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}…")
    }
}
