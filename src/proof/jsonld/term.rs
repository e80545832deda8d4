//! Create Term Definition (JSON-LD 1.1 §4.2.2) and IRI Expansion (§5.2.2), as methods of
//! the context [`Processor`]. Must not process whole contexts or documents.

use super::context::{
    container, is_absolute_iri, is_keyword, looks_like_keyword, well_formed_language,
    ActiveContext, Flags, Processor, Scoped, TermDef, TermEnv,
};
use super::JsonLdError;
use serde_json::{Map, Value};
use std::sync::Arc;

fn syntax(code: &'static str, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        detail: detail.into(),
    }
}

fn is_gen_delim(c: char) -> bool {
    matches!(c, ':' | '/' | '?' | '#' | '[' | ']' | '@')
}

impl Processor<'_> {
    /// Create Term Definition for `term` of the local context in `env`.
    pub(crate) fn create_term(
        &self,
        active: &mut ActiveContext,
        env: &mut TermEnv<'_, '_>,
        term: &str,
        defined: &mut super::Map<String, bool>,
    ) -> Result<(), JsonLdError> {
        match defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => return Err(syntax("cyclic IRI mapping", term)),
            None => {}
        }
        if term.is_empty() {
            return Err(syntax("invalid term definition", "empty term"));
        }
        defined.insert(term.to_owned(), false);
        let value = env.local.get(term).cloned().unwrap_or(Value::Null);
        if term == "@type" {
            let ok = value.as_object().is_some_and(|m| {
                !m.is_empty()
                    && m.iter().all(|(k, v)| match k.as_str() {
                        "@container" => v == "@set",
                        "@protected" => v.is_boolean(),
                        _ => false,
                    })
            });
            if !ok {
                return Err(syntax("keyword redefinition", term));
            }
        } else if is_keyword(term) {
            return Err(syntax("keyword redefinition", term));
        } else if looks_like_keyword(term) {
            self.event("reserved term", || term.to_owned())?;
            defined.insert(term.to_owned(), true);
            return Ok(());
        }
        let previous = Arc::make_mut(&mut active.terms).remove(term);
        let (value, simple) = match value {
            Value::Null => {
                let mut m = Map::new();
                m.insert("@id".into(), Value::Null);
                (m, false)
            }
            Value::String(s) => {
                let mut m = Map::new();
                m.insert("@id".into(), Value::String(s));
                (m, true)
            }
            Value::Object(m) => (m, false),
            other => {
                return Err(syntax(
                    "invalid term definition",
                    format!("{term}: {other}"),
                ))
            }
        };
        let mut def = TermDef {
            protected: match value.get("@protected") {
                None => env.protected,
                Some(Value::Bool(b)) => *b,
                Some(other) => return Err(syntax("invalid @protected value", other.to_string())),
            },
            ..TermDef::default()
        };
        if let Some(t) = value.get("@type") {
            let Value::String(t) = t else {
                return Err(syntax("invalid type mapping", format!("{term}: {t}")));
            };
            let expanded = self
                .expand_iri(active, t, false, true, Some(env), defined)?
                .unwrap_or_default();
            let ok = matches!(expanded.as_str(), "@id" | "@json" | "@none" | "@vocab")
                || (is_absolute_iri(&expanded) && !expanded.starts_with("_:"));
            if !ok {
                return Err(syntax("invalid type mapping", format!("{term}: {t}")));
            }
            def.type_mapping = Some(expanded.into());
        }
        if let Some(r) = value.get("@reverse") {
            if value.contains_key("@id") || value.contains_key("@nest") {
                return Err(syntax("invalid reverse property", term));
            }
            let Value::String(r) = r else {
                return Err(syntax("invalid IRI mapping", format!("{term}: {r}")));
            };
            if looks_like_keyword(r) {
                self.event("reserved @reverse value", || r.clone())?;
                defined.insert(term.to_owned(), true);
                return Ok(());
            }
            let iri = self
                .expand_iri(active, r, false, true, Some(env), defined)?
                .unwrap_or_default();
            if !is_absolute_iri(&iri) {
                return Err(syntax("invalid IRI mapping", format!("{term}: {r}")));
            }
            def.iri = Some(iri.into());
            def.reverse = true;
            if let Some(c) = value.get("@container") {
                match c {
                    Value::Null => {}
                    Value::String(s) if s == "@set" => def.container = container::SET,
                    Value::String(s) if s == "@index" => def.container = container::INDEX,
                    other => return Err(syntax("invalid reverse property", other.to_string())),
                }
            }
        } else if let Some(id) = value.get("@id").filter(|v| v.as_str() != Some(term)) {
            match id {
                Value::Null => def.iri = None,
                Value::String(s) => {
                    if !is_keyword(s) && looks_like_keyword(s) {
                        self.event("reserved @id value", || s.clone())?;
                        defined.insert(term.to_owned(), true);
                        return Ok(());
                    }
                    let iri = self
                        .expand_iri(active, s, false, true, Some(env), defined)?
                        .unwrap_or_default();
                    if !is_keyword(&iri) && !is_absolute_iri(&iri) {
                        return Err(syntax("invalid IRI mapping", format!("{term}: {s}")));
                    }
                    if iri == "@context" {
                        return Err(syntax("invalid keyword alias", term));
                    }
                    let colon_inside = inner_colon(term).is_some_and(|i| i + 1 < term.len());
                    if colon_inside || term.contains('/') {
                        defined.insert(term.to_owned(), true);
                        let again =
                            self.expand_iri(active, term, false, true, Some(env), defined)?;
                        if again.as_deref() != Some(iri.as_str()) {
                            return Err(syntax(
                                "invalid IRI mapping",
                                format!("{term} expands differently"),
                            ));
                        }
                    }
                    if !term.contains(':') && !term.contains('/') && simple {
                        def.prefix =
                            iri.starts_with("_:") || iri.chars().last().is_some_and(is_gen_delim);
                    }
                    def.iri = Some(iri.into());
                }
                other => return Err(syntax("invalid IRI mapping", format!("{term}: {other}"))),
            }
        } else if let Some(colon) = inner_colon(term) {
            let (prefix, suffix) = (&term[..colon], &term[colon + 1..]);
            if env.local.contains_key(prefix) {
                self.create_term(active, env, prefix, defined)?;
            }
            match active.term(prefix).and_then(|d| d.iri.clone()) {
                Some(p) => def.iri = Some(format!("{p}{suffix}").into()),
                None => def.iri = Some(term.into()),
            }
        } else if term.contains('/') {
            let iri = self
                .expand_iri(active, term, false, true, Some(env), defined)?
                .unwrap_or_default();
            if !is_absolute_iri(&iri) {
                return Err(syntax("invalid IRI mapping", term));
            }
            def.iri = Some(iri.into());
        } else if term == "@type" {
            def.iri = Some("@type".into());
        } else if let Some(v) = &active.vocab {
            def.iri = Some(format!("{v}{term}").into());
        } else {
            return Err(syntax(
                "invalid IRI mapping",
                format!("{term} has no IRI and there is no @vocab"),
            ));
        }
        if let Some(c) = value.get("@container") {
            def.container = parse_container(c)
                .ok_or_else(|| syntax("invalid container mapping", format!("{term}: {c}")))?;
            if def.container & container::TYPE != 0 {
                match def.type_mapping.as_deref() {
                    None => def.type_mapping = Some("@id".into()),
                    Some("@id") | Some("@vocab") => {}
                    Some(_) => return Err(syntax("invalid type mapping", term)),
                }
            }
        }
        if let Some(i) = value.get("@index") {
            let Value::String(i) = i else {
                return Err(syntax("invalid term definition", format!("{term}: @index")));
            };
            if def.container & container::INDEX == 0 {
                return Err(syntax(
                    "invalid term definition",
                    format!("{term}: @index without @index container"),
                ));
            }
            def.index = Some(i.as_str().into());
        }
        if let Some(c) = value.get("@context") {
            if env.validate_scoped {
                let mut remote = env.remote.clone();
                let probe = Arc::new(active.clone());
                self.process_uncached(
                    &probe,
                    c,
                    env.base_url,
                    &mut remote,
                    Flags {
                        override_protected: true,
                        propagate: true,
                    },
                )
                .map_err(|e| match e {
                    JsonLdError::UnknownContext(_) | JsonLdError::TooDeep(_) => e,
                    other => syntax("invalid scoped context", format!("{term}: {other}")),
                })?;
            }
            def.context = Some(Arc::new(Scoped {
                value: c.clone(),
                id: super::context::next_id(),
            }));
            def.base_url = env.base_url.map(Arc::from);
        }
        if value.contains_key("@language") && !value.contains_key("@type") {
            match &value["@language"] {
                Value::Null => def.language = Some(None),
                Value::String(s) => {
                    if !well_formed_language(s) {
                        self.event("invalid @language value", || s.clone())?;
                    }
                    def.language = Some(Some(s.to_lowercase().into()));
                }
                other => return Err(syntax("invalid language mapping", other.to_string())),
            }
        }
        if value.contains_key("@direction") && !value.contains_key("@type") {
            match &value["@direction"] {
                Value::Null => def.direction = Some(None),
                Value::String(s) if s == "ltr" || s == "rtl" => {
                    def.direction = Some(Some(s.as_str().into()))
                }
                other => return Err(syntax("invalid base direction", other.to_string())),
            }
        }
        if let Some(n) = value.get("@nest") {
            match n {
                Value::String(s) if !is_keyword(s) || s == "@nest" => {
                    def.nest = Some(s.as_str().into())
                }
                other => return Err(syntax("invalid @nest value", other.to_string())),
            }
        }
        if let Some(p) = value.get("@prefix") {
            if term.contains(':') || term.contains('/') {
                return Err(syntax(
                    "invalid term definition",
                    format!("{term}: @prefix"),
                ));
            }
            def.prefix = p
                .as_bool()
                .ok_or_else(|| syntax("invalid @prefix value", p.to_string()))?;
            if def.prefix && def.iri.as_deref().is_some_and(is_keyword) {
                return Err(syntax("invalid term definition", term));
            }
        }
        for k in value.keys() {
            if !matches!(
                k.as_str(),
                "@id"
                    | "@reverse"
                    | "@container"
                    | "@context"
                    | "@direction"
                    | "@index"
                    | "@language"
                    | "@nest"
                    | "@prefix"
                    | "@protected"
                    | "@type"
            ) {
                return Err(syntax("invalid term definition", format!("{term}: {k}")));
            }
        }
        if let Some(prev) = previous {
            if prev.protected && !env.override_protected {
                let mut cmp = def.clone();
                cmp.protected = true;
                if *prev != cmp {
                    return Err(JsonLdError::ProtectedTermRedefinition(term.to_owned()));
                }
                def = (*prev).clone();
            }
        }
        Arc::make_mut(&mut active.terms).insert(term.to_owned(), Arc::new(def));
        defined.insert(term.to_owned(), true);
        Ok(())
    }

    /// IRI Expansion while a local context is being processed: defines `value` (and its
    /// prefix) from the local context first when needed, then expands as usual.
    pub(crate) fn expand_iri(
        &self,
        active: &mut ActiveContext,
        value: &str,
        document_relative: bool,
        vocab: bool,
        local: Option<&mut TermEnv<'_, '_>>,
        defined: &mut super::Map<String, bool>,
    ) -> Result<Option<String>, JsonLdError> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if looks_like_keyword(value) {
            return Ok(None);
        }
        if let Some(env) = local {
            if env.local.contains_key(value) && defined.get(value) != Some(&true) {
                self.create_term(active, env, value, defined)?;
            }
            if let Some(colon) = inner_colon(value) {
                let prefix = &value[..colon];
                if prefix != "_"
                    && !value[colon + 1..].starts_with("//")
                    && env.local.contains_key(prefix)
                    && defined.get(prefix) != Some(&true)
                {
                    self.create_term(active, env, prefix, defined)?;
                }
            }
        }
        Ok(expand_iri(active, value, document_relative, vocab))
    }

    /// Context processing without the cache (scoped-context validation).
    fn process_uncached(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        self.process_raw(active, local, base_url, remote, flags, false)
    }
}

/// Byte index of the first ':' that is not the first character.
fn inner_colon(s: &str) -> Option<usize> {
    s.char_indices()
        .skip(1)
        .find(|(_, c)| *c == ':')
        .map(|(i, _)| i)
}

/// IRI Expansion (JSON-LD 1.1 §5.2.2) against a finished active context. `None` means
/// the value maps to null (or looks like an unknown keyword) and must be dropped.
pub fn expand_iri(
    active: &ActiveContext,
    value: &str,
    document_relative: bool,
    vocab: bool,
) -> Option<String> {
    if is_keyword(value) {
        return Some(value.to_owned());
    }
    if looks_like_keyword(value) {
        return None;
    }
    if let Some(d) = active.term(value) {
        if d.iri.as_deref().is_some_and(is_keyword) || vocab {
            return d.iri.as_deref().map(str::to_owned);
        }
    }
    if let Some(colon) = inner_colon(value) {
        let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Some(value.to_owned());
        }
        if let Some(d) = active.term(prefix) {
            if let (Some(iri), true) = (&d.iri, d.prefix) {
                return Some(format!("{iri}{suffix}"));
            }
        }
        if is_absolute_iri(value) {
            return Some(value.to_owned());
        }
    }
    if vocab {
        if let Some(v) = &active.vocab {
            return Some(format!("{v}{value}"));
        }
    }
    if document_relative {
        if let Some(base) = &active.base {
            return Some(resolve(base, value));
        }
    }
    Some(value.to_owned())
}

fn parse_container(c: &Value) -> Option<u16> {
    let one = |s: &str| -> Option<u16> {
        Some(match s {
            "@list" => container::LIST,
            "@set" => container::SET,
            "@graph" => container::GRAPH,
            "@language" => container::LANGUAGE,
            "@index" => container::INDEX,
            "@id" => container::ID,
            "@type" => container::TYPE,
            _ => return None,
        })
    };
    match c {
        Value::String(s) => one(s),
        Value::Array(a) => {
            let mut f = 0;
            for v in a {
                f |= one(v.as_str()?)?;
            }
            if f & container::LIST != 0 && a.len() > 1 {
                return None;
            }
            Some(f)
        }
        _ => None,
    }
}

/// Minimal RFC 3986 reference resolution for an `@base` set in a context.
fn resolve(base: &str, rel: &str) -> String {
    if is_absolute_iri(rel) {
        return rel.to_owned();
    }
    if rel.is_empty() {
        return base.to_owned();
    }
    if rel.starts_with('#') {
        let b = base.split('#').next().unwrap_or(base);
        return format!("{b}{rel}");
    }
    let scheme_end = base.find(':').map(|i| i + 1).unwrap_or(0);
    if rel.starts_with("//") {
        return format!("{}{rel}", &base[..scheme_end]);
    }
    let after = &base[scheme_end..];
    let auth_end = if let Some(a) = after.strip_prefix("//") {
        scheme_end + 2 + a.find('/').unwrap_or(a.len())
    } else {
        scheme_end
    };
    if rel.starts_with('/') {
        return format!("{}{rel}", &base[..auth_end]);
    }
    let path_base = base.split(['?', '#']).next().unwrap_or(base);
    let dir_end = path_base
        .rfind('/')
        .map(|i| i + 1)
        .unwrap_or(path_base.len());
    let dir_end = dir_end.max(auth_end);
    format!("{}{}", &path_base[..dir_end], rel)
}
