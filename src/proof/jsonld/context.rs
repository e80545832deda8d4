//! JSON-LD 1.1 context processing: the active context, term definitions, the Context
//! Processing and Create Term Definition algorithms, and IRI expansion. Processed contexts
//! are memoised in a global cache keyed by (active context, local context, loader), so a
//! credential pays for its contexts once per process. Must not expand documents.

use super::JsonLdError;
use crate::proof::contexts::ContextLoader;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Container mapping flags.
pub mod container {
    /// `@list`
    pub const LIST: u16 = 1;
    /// `@set`
    pub const SET: u16 = 2;
    /// `@graph`
    pub const GRAPH: u16 = 4;
    /// `@language`
    pub const LANGUAGE: u16 = 8;
    /// `@index`
    pub const INDEX: u16 = 16;
    /// `@id`
    pub const ID: u16 = 32;
    /// `@type`
    pub const TYPE: u16 = 64;
}

/// A scoped context kept in a term definition, with a unique id for cache keys.
#[derive(Debug)]
pub struct Scoped {
    /// The context value as written.
    pub value: Value,
    /// Process-unique id.
    pub id: u64,
}

impl PartialEq for Scoped {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// A term definition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TermDef {
    /// IRI mapping (`None`: the term maps to null and is ignored).
    pub iri: Option<Arc<str>>,
    /// May be used as a compact-IRI prefix.
    pub prefix: bool,
    /// Protected.
    pub protected: bool,
    /// A reverse property.
    pub reverse: bool,
    /// `@type` mapping.
    pub type_mapping: Option<Arc<str>>,
    /// Container flags ([`container`]).
    pub container: u16,
    /// Language mapping: `Some(None)` is an explicit null.
    pub language: Option<Option<Arc<str>>>,
    /// Direction mapping: `Some(None)` is an explicit null.
    pub direction: Option<Option<Arc<str>>>,
    /// Scoped context.
    pub context: Option<Arc<Scoped>>,
    /// Base URL the scoped context was defined against.
    pub base_url: Option<Arc<str>>,
    /// `@index` mapping.
    pub index: Option<Arc<str>>,
    /// `@nest` value.
    pub nest: Option<Arc<str>>,
}

/// An active context. Shared through `Arc`; terms are copy-on-write.
#[derive(Debug, Clone)]
pub struct ActiveContext {
    /// Process-unique id (cache key component).
    pub id: u64,
    /// Term definitions.
    pub terms: Arc<super::Map<String, Arc<TermDef>>>,
    /// Base IRI (documents have none; `@base` may set one).
    pub base: Option<Arc<str>>,
    /// Vocabulary mapping.
    pub vocab: Option<Arc<str>>,
    /// Default language.
    pub language: Option<Arc<str>>,
    /// Default base direction.
    pub direction: Option<Arc<str>>,
    /// Context to revert to for non-propagated (type-scoped) contexts.
    pub previous: Option<Arc<ActiveContext>>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh process-unique id.
pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl ActiveContext {
    /// The initial (empty) context, shared.
    pub fn initial() -> Arc<ActiveContext> {
        static INITIAL: OnceLock<Arc<ActiveContext>> = OnceLock::new();
        INITIAL
            .get_or_init(|| {
                Arc::new(ActiveContext {
                    id: 0,
                    terms: Arc::new(super::Map::default()),
                    base: None,
                    vocab: None,
                    language: None,
                    direction: None,
                    previous: None,
                })
            })
            .clone()
    }

    /// The definition of `term`, if any.
    pub fn term(&self, term: &str) -> Option<&Arc<TermDef>> {
        self.terms.get(term)
    }

    fn has_protected(&self) -> bool {
        self.terms.values().any(|d| d.protected)
    }
}

/// Whether `s` is a JSON-LD keyword.
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "@base"
            | "@container"
            | "@context"
            | "@direction"
            | "@graph"
            | "@id"
            | "@import"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@prefix"
            | "@propagate"
            | "@protected"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

/// Whether `s` has the form of a keyword (`@` followed by ASCII letters only).
pub fn looks_like_keyword(s: &str) -> bool {
    s.len() > 1 && s.starts_with('@') && s[1..].bytes().all(|b| b.is_ascii_alphabetic())
}

/// The JS `jsonld` absolute-IRI test: `^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$`.
pub fn is_absolute_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    let scheme_ok = scheme == "_"
        || (scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b',')));
    // `\s` of JavaScript: ASCII whitespace byte by byte, Unicode's only where a non-ASCII
    // character occurs (IRIs are nearly always ASCII, and this is called for every one).
    let rest = &s[colon + 1..];
    scheme_ok
        && if rest.is_ascii() {
            !rest.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b)
        } else {
            !rest.chars().any(|c| c.is_whitespace() || c == '\u{feff}')
        }
}

/// Processing flags that change the result (part of the cache key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flags {
    /// Protected terms may be redefined (property-scoped contexts).
    pub override_protected: bool,
    /// The context propagates into nested nodes (false for type-scoped contexts).
    pub propagate: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            override_protected: false,
            propagate: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LocalKey {
    Json(String),
    Url(String),
    Scoped(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    ctx: u64,
    local: LocalKey,
    loader: [u8; 32],
    flags: Flags,
}

type Cache = Mutex<HashMap<CacheKey, Arc<ActiveContext>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

const CACHE_LIMIT: usize = 4096;

fn cache_get(key: &CacheKey) -> Option<Arc<ActiveContext>> {
    cache().lock().ok().and_then(|c| c.get(key).cloned())
}

fn cache_put(key: CacheKey, value: Arc<ActiveContext>) {
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(key, value);
    }
}

/// Context processing with memoisation; the entry point expansion uses.
pub struct Processor<'a> {
    /// Where remote contexts come from.
    pub loader: &'a ContextLoader,
    /// Safe mode.
    pub safe: bool,
}

/// Maximum number of nested remote context loads.
const MAX_REMOTE: usize = 32;

fn syntax(code: &'static str, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        detail: detail.into(),
    }
}

impl Processor<'_> {
    /// Raises a safe-mode event: an error in safe mode, nothing otherwise.
    pub fn event(
        &self,
        code: &'static str,
        detail: impl FnOnce() -> String,
    ) -> Result<(), JsonLdError> {
        if self.safe {
            Err(JsonLdError::Unsafe {
                code,
                detail: detail(),
            })
        } else {
            Ok(())
        }
    }

    /// Processes a local context found in a document (`@context` value).
    pub fn process_local(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        flags: Flags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let key_local = match local {
            Value::String(s) => LocalKey::Url(s.clone()),
            other => LocalKey::Json(other.to_string()),
        };
        self.cached(active, key_local, flags, |p| {
            p.process_raw(active, local, None, &mut Vec::new(), flags, true)
        })
    }

    /// Processes a scoped context from a term definition.
    pub fn process_scoped(
        &self,
        active: &Arc<ActiveContext>,
        scoped: &Scoped,
        base_url: Option<&str>,
        flags: Flags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        self.cached(active, LocalKey::Scoped(scoped.id), flags, |p| {
            p.process_raw(
                active,
                &scoped.value,
                base_url,
                &mut Vec::new(),
                flags,
                true,
            )
        })
    }

    fn cached(
        &self,
        active: &Arc<ActiveContext>,
        local: LocalKey,
        flags: Flags,
        f: impl FnOnce(&Self) -> Result<Arc<ActiveContext>, JsonLdError>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let key = CacheKey {
            ctx: active.id,
            local,
            loader: self.loader.fingerprint(),
            flags,
        };
        if let Some(hit) = cache_get(&key) {
            return Ok(hit);
        }
        let result = f(self)?;
        cache_put(key, result.clone());
        Ok(result)
    }

    /// The Context Processing Algorithm (JSON-LD 1.1 §4.1.2).
    pub(crate) fn process_raw(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
        validate_scoped: bool,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let mut propagate = flags.propagate;
        if let Some(p) = local.get("@propagate") {
            propagate = p
                .as_bool()
                .ok_or_else(|| syntax("invalid @propagate value", p.to_string()))?;
        }
        let mut result: ActiveContext = (**active).clone();
        if !propagate && result.previous.is_none() {
            result.previous = Some(active.clone());
            result.id = next_id();
        }
        let items: &[Value] = match local {
            Value::Array(a) => a,
            other => std::slice::from_ref(other),
        };
        for ctx in items {
            match ctx {
                Value::Null => {
                    if !flags.override_protected && result.has_protected() {
                        return Err(syntax(
                            "invalid context nullification",
                            "a context with protected terms cannot be set to null",
                        ));
                    }
                    let previous = result.previous.clone();
                    let mut fresh = (*ActiveContext::initial()).clone();
                    fresh.id = next_id();
                    if !propagate {
                        fresh.previous = previous;
                    }
                    result = fresh;
                }
                Value::String(url) => {
                    if !is_absolute_iri(url) {
                        return Err(syntax(
                            "loading remote context failed",
                            format!("relative context URL {url} with no base"),
                        ));
                    }
                    if !validate_scoped && remote.contains(url) {
                        continue;
                    }
                    if remote.len() >= MAX_REMOTE {
                        return Err(JsonLdError::TooDeep(format!(
                            "more than {MAX_REMOTE} nested remote contexts at {url}"
                        )));
                    }
                    let current = Arc::new(result);
                    let key = CacheKey {
                        ctx: current.id,
                        local: LocalKey::Url(url.clone()),
                        loader: self.loader.fingerprint(),
                        flags: Flags {
                            override_protected: false,
                            propagate: true,
                        },
                    };
                    let processed = if let Some(hit) = cache_get(&key).filter(|_| remote.is_empty())
                    {
                        hit
                    } else {
                        let doc = self.loader.load(url)?;
                        let inner = doc.get("@context").ok_or_else(|| {
                            syntax("invalid remote context", format!("{url} has no @context"))
                        })?;
                        if !inner.is_object() && !inner.is_array() && !inner.is_string() {
                            return Err(syntax("invalid remote context", url.clone()));
                        }
                        remote.push(url.clone());
                        let r = self.process_raw(
                            &current,
                            inner,
                            Some(url),
                            remote,
                            Flags::default(),
                            validate_scoped,
                        );
                        remote.pop();
                        let r = r?;
                        if remote.is_empty() {
                            cache_put(key, r.clone());
                        }
                        r
                    };
                    result = (*processed).clone();
                    result.id = processed.id;
                }
                Value::Object(map) => {
                    // An embedded context wrapped in its own `@context` entry
                    // (`{"@context": {...}}`). JSON-LD 1.1 §4.1.2 would pass the key to
                    // Create Term Definition, a keyword redefinition; jsonld.js (the
                    // processor behind the ecosystem's reference stack, and so behind the
                    // credentials signed with it) unwraps it, as it does a remote context's
                    // document. We do the same, so such credentials canonicalize to the
                    // N-Quads their issuers signed (ARCHITECTURE.md, "JSON-LD").
                    let map = match map.get("@context") {
                        Some(Value::Object(inner)) => inner,
                        _ => map,
                    };
                    self.process_object(
                        &mut result,
                        map,
                        base_url,
                        remote,
                        flags,
                        validate_scoped,
                    )?;
                    result.id = next_id();
                }
                other => {
                    return Err(syntax("invalid local context", other.to_string()));
                }
            }
        }
        Ok(Arc::new(result))
    }

    fn process_object(
        &self,
        result: &mut ActiveContext,
        ctx: &Map<String, Value>,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
        validate_scoped: bool,
    ) -> Result<(), JsonLdError> {
        if let Some(v) = ctx.get("@version") {
            if v.as_f64() != Some(1.1) {
                return Err(syntax("invalid @version value", v.to_string()));
            }
        }
        if ctx.contains_key("@import") {
            return Err(JsonLdError::Unsupported("@import in a context".into()));
        }
        if let Some(v) = ctx.get("@base") {
            if remote.is_empty() {
                match v {
                    Value::Null => result.base = None,
                    Value::String(s) if is_absolute_iri(s) => result.base = Some(s.as_str().into()),
                    other => return Err(syntax("invalid base IRI", other.to_string())),
                }
            }
        }
        if let Some(v) = ctx.get("@vocab") {
            match v {
                Value::Null => result.vocab = None,
                Value::String(s) => {
                    let vocab = self
                        .expand_iri(result, s, false, true, None, &mut super::Map::default())?
                        .unwrap_or_default();
                    if !is_absolute_iri(&vocab) {
                        self.event("relative @vocab reference", || vocab.clone())?;
                    }
                    result.vocab = Some(vocab.into());
                }
                other => return Err(syntax("invalid vocab mapping", other.to_string())),
            }
        }
        if let Some(v) = ctx.get("@language") {
            match v {
                Value::Null => result.language = None,
                Value::String(s) => {
                    if !well_formed_language(s) {
                        self.event("invalid @language value", || s.clone())?;
                    }
                    result.language = Some(s.to_lowercase().into());
                }
                other => return Err(syntax("invalid default language", other.to_string())),
            }
        }
        if let Some(v) = ctx.get("@direction") {
            match v {
                Value::Null => result.direction = None,
                Value::String(s) if s == "ltr" || s == "rtl" => {
                    result.direction = Some(s.as_str().into())
                }
                other => return Err(syntax("invalid base direction", other.to_string())),
            }
        }
        if let Some(v) = ctx.get("@propagate") {
            if !v.is_boolean() {
                return Err(syntax("invalid @propagate value", v.to_string()));
            }
        }
        let protected = match ctx.get("@protected") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => return Err(syntax("invalid @protected value", other.to_string())),
        };
        let mut defined: super::Map<String, bool> = super::Map::default();
        let mut env = TermEnv {
            local: ctx,
            base_url,
            protected,
            override_protected: flags.override_protected,
            remote,
            validate_scoped,
        };
        for key in ctx.keys() {
            if matches!(
                key.as_str(),
                "@base"
                    | "@direction"
                    | "@import"
                    | "@language"
                    | "@propagate"
                    | "@protected"
                    | "@version"
                    | "@vocab"
            ) {
                continue;
            }
            self.create_term(result, &mut env, key, &mut defined)?;
        }
        Ok(())
    }
}

/// Inputs of Create Term Definition that stay fixed while one local context is processed.
pub(crate) struct TermEnv<'c, 'r> {
    pub(crate) local: &'c Map<String, Value>,
    pub(crate) base_url: Option<&'c str>,
    pub(crate) protected: bool,
    pub(crate) override_protected: bool,
    pub(crate) remote: &'r mut Vec<String>,
    pub(crate) validate_scoped: bool,
}

/// A loose BCP 47 well-formedness check (as the JS library's).
pub fn well_formed_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
