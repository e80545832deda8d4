//! Offline JSON-LD 1.1 → RDF for the subset Verifiable Credentials use, and the canonical
//! N-Quads entry points the Data Integrity suites call. Owns: context processing
//! ([`context`]), expansion ([`expand`]), deserialisation to RDF ([`to_rdf`](mod@to_rdf)), N-Quads
//! and number formatting ([`nquads`]). It must not fetch anything (contexts come from
//! [`ContextLoader`]) and must not know about signatures or credentials.
//!
//! Behaviour follows the JSON-LD 1.1 Processing Algorithms as implemented by the JS
//! `jsonld` library used by `jsonld.canonize` (safe mode on, no base IRI,
//! `rdfDirection: "i18n-datatype"`): in safe mode anything that would silently drop data
//! (an undefined term, a relative IRI, ...) is an error instead.

pub mod context;
pub mod expand;
mod expand_obj;
pub mod nquads;
mod term;
pub mod to_rdf;

use crate::proof::contexts::ContextLoader;

/// The maps of JSON-LD processing (term definitions, blank node labels): keyed by short
/// strings and hit constantly, so hashed with foldhash rather than SipHash (nothing here is
/// keyed by an attacker's choice in a way that matters: a document is bounded in size).
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use serde_json::Value;

/// Why a document could not be turned into RDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonLdError {
    /// A context URL that is neither bundled nor cached; the verifier reports
    /// "unverifiable: unknown context".
    #[error("unknown JSON-LD context {0}")]
    UnknownContext(String),
    /// The input is not shaped like JSON-LD at all (bad input).
    #[error("invalid JSON-LD input: {0}")]
    Invalid(String),
    /// A context tries to redefine a protected term.
    #[error("protected term redefinition: {0}")]
    ProtectedTermRedefinition(String),
    /// A JSON-LD processing error named by its code in the JSON-LD 1.1 specification.
    #[error("JSON-LD error ({code}): {detail}")]
    Syntax {
        /// The JSON-LD error code, e.g. `invalid IRI mapping`.
        code: &'static str,
        /// What was wrong, naming the term, key or URL.
        detail: String,
    },
    /// Safe mode: processing would silently drop or change data (e.g. an undefined term
    /// or a relative IRI), which would leave part of a signed document unprotected.
    #[error("JSON-LD safe mode ({code}): {detail}")]
    Unsafe {
        /// The JS `jsonld` event code, e.g. `invalid property`.
        code: &'static str,
        /// The offending term, key or value.
        detail: String,
    },
    /// The document nests deeper than [`MAX_DEPTH`] or uses too many contexts.
    #[error("JSON-LD document too deep or complex: {0}")]
    TooDeep(String),
    /// Canonicalisation exceeded its work bound (possible blank-node poisoning).
    #[error("RDF canonicalisation work limit exceeded: {0}")]
    TooComplex(String),
    /// A JSON-LD feature this processor does not implement.
    #[error("unsupported JSON-LD feature: {0}")]
    Unsupported(String),
}

/// Maximum JSON nesting (objects and arrays) accepted by expansion.
pub const MAX_DEPTH: usize = 256;

/// An RDF term.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An IRI (absolute).
    Iri(String),
    /// A blank node label without the `_:` prefix.
    Blank(String),
    /// A literal.
    Literal(Literal),
}

/// An RDF literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form.
    pub value: String,
    /// The datatype IRI (`rdf:langString` when `language` is set).
    pub datatype: String,
    /// The language tag, for language-tagged strings.
    pub language: Option<String>,
}

/// An RDF quad; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// Subject: IRI or blank node.
    pub subject: Term,
    /// Predicate IRI.
    pub predicate: String,
    /// Object: IRI, blank node or literal.
    pub object: Term,
    /// Graph name: IRI or blank node, or `None` for the default graph.
    pub graph: Option<Term>,
}

/// Processing options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Safe mode (the default): fail instead of dropping data, as `jsonld.canonize` does.
    pub safe: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { safe: true }
    }
}

/// Expands `doc` and deserialises it to RDF quads (blank nodes labelled `b0`, `b1`, …),
/// in safe mode; sorted, without duplicates.
pub fn to_rdf(doc: &Value, loader: &ContextLoader) -> Result<Vec<Quad>, JsonLdError> {
    to_rdf_with(doc, loader, Options::default())
}

/// [`to_rdf()`] with explicit options.
pub fn to_rdf_with(
    doc: &Value,
    loader: &ContextLoader,
    options: Options,
) -> Result<Vec<Quad>, JsonLdError> {
    let mut quads = raw_quads(doc, loader, options)?;
    quads.sort();
    quads.dedup();
    Ok(quads)
}

fn raw_quads(
    doc: &Value,
    loader: &ContextLoader,
    options: Options,
) -> Result<Vec<Quad>, JsonLdError> {
    let expanded = expand::expand_document(doc, loader, options)?;
    to_rdf::expanded_to_rdf(&expanded, options)
}

/// The RDFC-1.0 canonical N-Quads of `doc` (sorted lines, each ending in `\n`).
pub fn canonicalize(doc: &Value, loader: &ContextLoader) -> Result<String, JsonLdError> {
    canonicalize_quads(&raw_quads(doc, loader, Options::default())?)
}

/// [`canonicalize`] with explicit options.
pub fn canonicalize_with(
    doc: &Value,
    loader: &ContextLoader,
    options: Options,
) -> Result<String, JsonLdError> {
    canonicalize_quads(&raw_quads(doc, loader, options)?)
}

/// The RDFC-1.0 canonical N-Quads of a set of quads (duplicates are ignored).
pub fn canonicalize_quads(quads: &[Quad]) -> Result<String, JsonLdError> {
    crate::proof::rdfc::canonicalize(quads)
}

#[cfg(test)]
mod tests;
