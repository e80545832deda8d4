//! The JSON-LD 1.1 Expansion Algorithm (§5.1.2) and Value Expansion (§5.3.2), producing
//! expanded JSON-LD as `serde_json` values. Contexts are processed through the cached
//! [`Processor`]. Must not produce RDF or touch the network; recursion is bounded by
//! [`MAX_DEPTH`].

use super::context::{container, is_absolute_iri, ActiveContext, Flags, Processor};
use super::term::expand_iri;
use super::{JsonLdError, Options, MAX_DEPTH};
use crate::proof::contexts::ContextLoader;
use serde_json::{Map, Value};
use std::sync::Arc;

fn syntax(code: &'static str, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        detail: detail.into(),
    }
}

/// Expands a whole document: the result is always an array of node objects.
pub fn expand_document(
    doc: &Value,
    loader: &ContextLoader,
    options: Options,
) -> Result<Vec<Value>, JsonLdError> {
    let ex = Expander {
        p: Processor {
            loader,
            safe: options.safe,
        },
    };
    let active = ActiveContext::initial();
    let result = ex.expand(&active, None, doc, false, false, 0)?;
    Ok(match result {
        None => Vec::new(),
        Some(Value::Object(mut m)) if m.len() == 1 && m.contains_key("@graph") => {
            match m.remove("@graph") {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![other],
            }
        }
        Some(Value::Array(a)) => a,
        Some(other) => vec![other],
    })
}

/// Expansion state shared by the recursion.
pub(super) struct Expander<'a> {
    pub(super) p: Processor<'a>,
}

pub(super) fn as_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        other => vec![other],
    }
}

/// Appends `value` (flattening one array level) to `map[key]`, which becomes an array.
pub(super) fn add_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        let old = entry.take();
        *entry = Value::Array(vec![old]);
    }
    if let Value::Array(a) = entry {
        match value {
            Value::Array(vs) => a.extend(vs),
            v => a.push(v),
        }
    }
}

/// What expanding one map's entries needs to know.
pub(super) struct ObjectState<'e> {
    pub(super) active: Arc<ActiveContext>,
    pub(super) type_scoped: Arc<ActiveContext>,
    pub(super) active_property: Option<&'e str>,
    pub(super) expanded_active_property: Option<String>,
    pub(super) input_type_json: bool,
    pub(super) depth: usize,
}

impl Expander<'_> {
    /// Whether `key` expands to the keyword `kw` (no allocation).
    pub(super) fn is_kw(active: &ActiveContext, key: &str, kw: &str) -> bool {
        key == kw
            || active
                .term(key)
                .is_some_and(|d| d.iri.as_deref() == Some(kw))
    }

    pub(super) fn iri(&self, active: &ActiveContext, v: &str) -> Option<String> {
        expand_iri(active, v, false, true)
    }

    pub(super) fn expand(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Value,
        from_map: bool,
        inside_list: bool,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::TooDeep(format!(
                "nesting deeper than {MAX_DEPTH} levels"
            )));
        }
        let prop_def = active_property.and_then(|p| active.term(p)).cloned();
        match element {
            Value::Null => Ok(None),
            Value::Array(items) => {
                let inside_list = inside_list
                    || prop_def
                        .as_ref()
                        .is_some_and(|d| d.container & container::LIST != 0);
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let e = self.expand(
                        active,
                        active_property,
                        item,
                        from_map,
                        inside_list,
                        depth + 1,
                    )?;
                    match e {
                        Some(Value::Array(a)) if inside_list => {
                            let mut m = Map::new();
                            m.insert("@list".into(), Value::Array(a));
                            out.push(Value::Object(m));
                        }
                        Some(Value::Array(a)) => out.extend(a),
                        Some(v) => out.push(v),
                        None => {}
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Value::Object(map) => self.expand_map(
                active,
                active_property,
                prop_def.as_deref(),
                map,
                from_map,
                depth,
            ),
            scalar => {
                let free = !inside_list
                    && match active_property {
                        None => true,
                        Some(p) => self.iri(active, p).as_deref() == Some("@graph"),
                    };
                if free {
                    self.p
                        .event("free-floating scalar", || scalar.to_string())?;
                    return Ok(None);
                }
                let active = match prop_def
                    .as_ref()
                    .and_then(|d| d.context.clone().map(|c| (c, d.base_url.clone())))
                {
                    Some((c, base)) => self.p.process_scoped(
                        active,
                        &c,
                        base.as_deref(),
                        Flags {
                            override_protected: true,
                            propagate: true,
                        },
                    )?,
                    None => active.clone(),
                };
                self.expand_value(&active, active_property, scalar)
                    .map(Some)
            }
        }
    }

    fn expand_map(
        &self,
        active_in: &Arc<ActiveContext>,
        active_property: Option<&str>,
        prop_def: Option<&super::context::TermDef>,
        map: &Map<String, Value>,
        from_map: bool,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        let mut active = active_in.clone();
        if let Some(prev) = &active.previous {
            if !from_map {
                let mut revert = true;
                let mut only_id = map.len() == 1;
                for k in map.keys() {
                    if Self::is_kw(&active, k, "@value") {
                        revert = false;
                    } else if !Self::is_kw(&active, k, "@id") {
                        only_id = false;
                    }
                }
                if revert && !only_id {
                    active = prev.clone();
                }
            }
        }
        if let Some(d) = prop_def {
            if let Some(c) = &d.context {
                active = self.p.process_scoped(
                    &active,
                    c,
                    d.base_url.as_deref(),
                    Flags {
                        override_protected: true,
                        propagate: true,
                    },
                )?;
            }
        }
        if let Some(c) = map.get("@context") {
            active = self.p.process_local(&active, c, Flags::default())?;
        }
        let type_scoped = active.clone();
        let mut type_keys: Vec<&String> = map
            .keys()
            .filter(|k| Self::is_kw(&active, k, "@type"))
            .collect();
        type_keys.sort();
        let mut input_type: Option<String> = None;
        for (i, k) in type_keys.iter().enumerate() {
            let mut values: Vec<&str> = match &map[k.as_str()] {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if i == 0 {
                input_type = values.last().map(|s| (*s).to_owned());
            }
            values.sort_unstable();
            for t in values {
                if let Some(d) = type_scoped.term(t) {
                    if let Some(c) = &d.context {
                        active = self.p.process_scoped(
                            &active,
                            c,
                            d.base_url.as_deref(),
                            Flags {
                                override_protected: false,
                                propagate: false,
                            },
                        )?;
                    }
                }
            }
        }
        let input_type_json = input_type
            .and_then(|t| expand_iri(&active, &t, false, true))
            .as_deref()
            == Some("@json");
        let expanded_active_property = active_property.and_then(|p| self.iri(&active, p));
        let st = ObjectState {
            active,
            type_scoped,
            active_property,
            expanded_active_property,
            input_type_json,
            depth,
        };
        let mut result = Map::new();
        self.expand_object(&st, map, &mut result)?;
        self.finish(&st, result)
    }

    /// Post-processing of an expanded map (steps 15–20 of the algorithm).
    fn finish(
        &self,
        st: &ObjectState<'_>,
        mut result: Map<String, Value>,
    ) -> Result<Option<Value>, JsonLdError> {
        if result.contains_key("@value") {
            for k in result.keys() {
                if !matches!(
                    k.as_str(),
                    "@direction" | "@index" | "@language" | "@type" | "@value"
                ) {
                    return Err(syntax("invalid value object", format!("unexpected {k}")));
                }
            }
            let has_lang = result.contains_key("@language") || result.contains_key("@direction");
            if has_lang && result.contains_key("@type") {
                return Err(syntax("invalid value object", "both @type and @language"));
            }
            let is_json = result.get("@type").and_then(Value::as_str) == Some("@json");
            if !is_json {
                match result.get("@value") {
                    Some(Value::Null) | None => {
                        self.p.event("null @value value", String::new)?;
                        return Ok(None);
                    }
                    Some(Value::String(_)) => {}
                    Some(v) if result.contains_key("@language") => {
                        return Err(syntax("invalid language-tagged value", v.to_string()))
                    }
                    Some(Value::Object(_)) | Some(Value::Array(_)) => {
                        return Err(syntax("invalid value object value", "non-scalar @value"))
                    }
                    Some(_) => {}
                }
                if let Some(t) = result.get("@type") {
                    let ok = t
                        .as_str()
                        .is_some_and(|s| is_absolute_iri(s) && !s.starts_with("_:"));
                    if !ok {
                        return Err(syntax("invalid typed value", t.to_string()));
                    }
                }
            }
        } else if let Some(t) = result.get_mut("@type") {
            if !t.is_array() {
                let old = t.take();
                *t = Value::Array(vec![old]);
            }
        } else if result.contains_key("@set") || result.contains_key("@list") {
            if result.len() > 2 || (result.len() == 2 && !result.contains_key("@index")) {
                return Err(syntax("invalid set or list object", "extra entries"));
            }
            if let Some(s) = result.remove("@set") {
                return Ok(Some(s));
            }
        }
        if result.len() == 1 && result.contains_key("@language") {
            self.p.event("object with only @language", String::new)?;
            return Ok(None);
        }
        let top = match st.expanded_active_property.as_deref() {
            None => true,
            Some(p) => p == "@graph",
        };
        if top {
            if result.is_empty() {
                self.p.event("empty object", String::new)?;
                return Ok(None);
            }
            if result.contains_key("@value") || result.contains_key("@list") {
                let code = if result.contains_key("@value") {
                    "object with only @value"
                } else {
                    "object with only @list"
                };
                self.p.event(code, String::new)?;
                return Ok(None);
            }
            if result.len() == 1 && result.contains_key("@id") {
                self.p.event("object with only @id", || {
                    result.get("@id").map(Value::to_string).unwrap_or_default()
                })?;
                return Ok(None);
            }
        }
        Ok(Some(Value::Object(result)))
    }
}
