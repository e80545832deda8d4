//! The per-entry part of expansion (§5.1.2 step 13–14: keywords, containers, `@nest`) and
//! Value Expansion (§5.3.2). Must not process contexts except through the cached
//! [`super::context::Processor`].

use super::context::{container, is_absolute_iri, well_formed_language, ActiveContext};
use super::expand::{add_value, as_array, Expander, ObjectState};
use super::term::expand_iri;
use super::JsonLdError;
use serde_json::{Map, Value};

fn syntax(code: &'static str, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        detail: detail.into(),
    }
}

impl Expander<'_> {
    /// Expands each entry of `element` into `result`.
    pub(super) fn expand_object(
        &self,
        st: &ObjectState<'_>,
        element: &Map<String, Value>,
        result: &mut Map<String, Value>,
    ) -> Result<(), JsonLdError> {
        let active = &st.active;
        let mut nests: Vec<&str> = Vec::new();
        // Keys in the order the JS library visits them, so the first problem reported is
        // the same one.
        let mut entries: Vec<(&String, &Value)> = element.iter().collect();
        entries.sort_by(|a, b| super::nquads::js_cmp(a.0, b.0));
        for (key, value) in entries {
            if key == "@context" {
                continue;
            }
            let expanded_property = match self.iri(active, key) {
                Some(p) if is_absolute_iri(&p) || super::context::is_keyword(&p) => p,
                _ => {
                    self.p.event("invalid property", || key.clone())?;
                    continue;
                }
            };
            if super::context::is_keyword(&expanded_property) {
                if st.expanded_active_property.as_deref() == Some("@reverse") {
                    return Err(syntax("invalid reverse property map", key.clone()));
                }
                if result.contains_key(&expanded_property)
                    && expanded_property != "@included"
                    && expanded_property != "@type"
                {
                    return Err(syntax("colliding keywords", expanded_property));
                }
                self.expand_keyword(st, key, &expanded_property, value, result, &mut nests)?;
                continue;
            }
            let def = active.term(key);
            let cont = def.map(|d| d.container).unwrap_or(0);
            let mut expanded = if def.and_then(|d| d.type_mapping.as_deref()) == Some("@json") {
                let mut m = Map::new();
                m.insert("@value".into(), value.clone());
                m.insert("@type".into(), Value::String("@json".into()));
                Some(Value::Object(m))
            } else if cont & container::LANGUAGE != 0 && value.is_object() {
                Some(self.language_map(active, key, value)?)
            } else if cont & (container::INDEX | container::ID | container::TYPE) != 0
                && value.is_object()
            {
                return Err(JsonLdError::Unsupported(format!(
                    "@index/@id/@type container maps (term {key})"
                )));
            } else {
                self.expand(active, Some(key), value, false, false, st.depth + 1)?
            };
            let Some(mut ev) = expanded.take() else {
                continue;
            };
            if cont & container::LIST != 0 && ev.get("@list").is_none() {
                let mut m = Map::new();
                m.insert("@list".into(), Value::Array(as_array(ev)));
                ev = Value::Object(m);
            }
            if cont & container::GRAPH != 0 && cont & (container::ID | container::INDEX) == 0 {
                let wrapped: Vec<Value> = as_array(ev)
                    .into_iter()
                    .map(|v| {
                        let mut m = Map::new();
                        m.insert("@graph".into(), Value::Array(as_array(v)));
                        Value::Object(m)
                    })
                    .collect();
                ev = Value::Array(wrapped);
            }
            if def.is_some_and(|d| d.reverse) {
                let rev = result
                    .entry("@reverse")
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(rev) = rev else {
                    return Err(syntax("invalid @reverse value", key.clone()));
                };
                for item in as_array(ev) {
                    if item.get("@value").is_some() || item.get("@list").is_some() {
                        return Err(syntax("invalid reverse property value", key.clone()));
                    }
                    add_value(rev, &expanded_property, item);
                }
            } else {
                add_value(result, &expanded_property, ev);
            }
        }
        nests.sort_unstable();
        for nest_key in nests {
            let Some(nv) = element.get(nest_key) else {
                continue;
            };
            for item in nv
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_else(|| vec![nv])
            {
                let Value::Object(m) = item else {
                    return Err(syntax("invalid @nest value", nest_key));
                };
                if m.keys()
                    .any(|k| self.iri(active, k).as_deref() == Some("@value"))
                {
                    return Err(syntax("invalid @nest value", nest_key));
                }
                self.expand_object(st, m, result)?;
            }
        }
        Ok(())
    }

    fn expand_keyword<'e>(
        &self,
        st: &ObjectState<'_>,
        key: &'e str,
        kw: &str,
        value: &Value,
        result: &mut Map<String, Value>,
        nests: &mut Vec<&'e str>,
    ) -> Result<(), JsonLdError> {
        let active = &st.active;
        match kw {
            "@id" => {
                let Value::String(s) = value else {
                    return Err(syntax("invalid @id value", value.to_string()));
                };
                match expand_iri(active, s, true, false) {
                    None => self.p.event("reserved @id value", || s.clone())?,
                    Some(id) => {
                        if !is_absolute_iri(&id) {
                            self.p.event("relative @id reference", || id.clone())?;
                        }
                        result.insert("@id".into(), Value::String(id));
                    }
                }
            }
            "@type" => {
                let items: Vec<&str> = match value {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .ok_or_else(|| syntax("invalid type value", value.to_string()))
                        })
                        .collect::<Result<_, _>>()?,
                    other => return Err(syntax("invalid type value", other.to_string())),
                };
                let mut out = Vec::with_capacity(items.len());
                for t in items {
                    match expand_iri(&st.type_scoped, t, true, true) {
                        Some(e) => {
                            if !is_absolute_iri(&e) && !super::context::is_keyword(&e) {
                                self.p.event("relative @type reference", || e.clone())?;
                            }
                            out.push(Value::String(e));
                        }
                        None => self.p.event("reserved @type value", || t.to_owned())?,
                    }
                }
                if value.is_array() || result.contains_key("@type") {
                    add_value(result, "@type", Value::Array(out));
                } else if let Some(v) = out.pop() {
                    result.insert("@type".into(), v);
                }
            }
            "@graph" => {
                let e = self.expand(active, Some("@graph"), value, false, false, st.depth + 1)?;
                let arr = e.map(as_array).unwrap_or_default();
                result.insert("@graph".into(), Value::Array(arr));
            }
            "@included" => {
                let e = self.expand(active, None, value, false, false, st.depth + 1)?;
                let arr = e.map(as_array).unwrap_or_default();
                for v in &arr {
                    if !v.is_object() || v.get("@value").is_some() || v.get("@list").is_some() {
                        return Err(syntax("invalid @included value", v.to_string()));
                    }
                }
                add_value(result, "@included", Value::Array(arr));
            }
            "@value" => {
                if !st.input_type_json && (value.is_object() || value.is_array()) {
                    return Err(syntax("invalid value object value", value.to_string()));
                }
                result.insert("@value".into(), value.clone());
            }
            "@language" => {
                let Value::String(s) = value else {
                    return Err(syntax("invalid language-tagged string", value.to_string()));
                };
                if !well_formed_language(s) {
                    self.p.event("invalid @language value", || s.clone())?;
                }
                result.insert("@language".into(), Value::String(s.to_lowercase()));
            }
            "@direction" => match value.as_str() {
                Some(d @ ("ltr" | "rtl")) => {
                    result.insert("@direction".into(), Value::String(d.to_owned()));
                }
                _ => return Err(syntax("invalid base direction", value.to_string())),
            },
            "@index" => {
                if !value.is_string() {
                    return Err(syntax("invalid @index value", value.to_string()));
                }
                result.insert("@index".into(), value.clone());
            }
            "@list" => {
                match st.expanded_active_property.as_deref() {
                    None | Some("@graph") => return Ok(()),
                    _ => {}
                }
                let e =
                    self.expand(active, st.active_property, value, false, true, st.depth + 1)?;
                result.insert(
                    "@list".into(),
                    Value::Array(e.map(as_array).unwrap_or_default()),
                );
            }
            "@set" => {
                if let Some(e) = self.expand(
                    active,
                    st.active_property,
                    value,
                    false,
                    false,
                    st.depth + 1,
                )? {
                    result.insert("@set".into(), e);
                }
            }
            "@reverse" => {
                if !value.is_object() {
                    return Err(syntax("invalid @reverse value", value.to_string()));
                }
                let e = self.expand(active, Some("@reverse"), value, false, false, st.depth + 1)?;
                let Some(Value::Object(mut e)) = e else {
                    return Ok(());
                };
                if let Some(Value::Object(double)) = e.remove("@reverse") {
                    for (p, v) in double {
                        add_value(result, &p, v);
                    }
                }
                if !e.is_empty() {
                    let rev = result
                        .entry("@reverse")
                        .or_insert_with(|| Value::Object(Map::new()));
                    let Value::Object(rev) = rev else {
                        return Err(syntax("invalid @reverse value", key));
                    };
                    for (p, items) in e {
                        for item in as_array(items) {
                            if item.get("@value").is_some() || item.get("@list").is_some() {
                                return Err(syntax("invalid reverse property value", p.clone()));
                            }
                            add_value(rev, &p, item);
                        }
                    }
                }
            }
            "@nest" => nests.push(key),
            other => {
                return Err(JsonLdError::Unsupported(format!(
                    "keyword {other} in a document"
                )));
            }
        }
        Ok(())
    }

    fn language_map(
        &self,
        active: &ActiveContext,
        key: &str,
        value: &Value,
    ) -> Result<Value, JsonLdError> {
        let def = active.term(key);
        let direction = match def.and_then(|d| d.direction.clone()) {
            Some(d) => d,
            None => active.direction.clone(),
        };
        let mut out = Vec::new();
        let Value::Object(m) = value else {
            return Ok(Value::Array(out));
        };
        let mut langs: Vec<&String> = m.keys().collect();
        langs.sort();
        for lang in langs {
            let none = self.iri(active, lang).as_deref() == Some("@none");
            for item in as_array(m[lang.as_str()].clone()) {
                match item {
                    Value::Null => continue,
                    Value::String(_) => {}
                    other => return Err(syntax("invalid language map value", other.to_string())),
                }
                let mut v = Map::new();
                v.insert("@value".into(), item);
                if !none {
                    if !well_formed_language(lang) {
                        self.p.event("invalid @language value", || lang.clone())?;
                    }
                    v.insert("@language".into(), Value::String(lang.to_lowercase()));
                }
                if let Some(d) = &direction {
                    v.insert("@direction".into(), Value::String(d.to_string()));
                }
                out.push(Value::Object(v));
            }
        }
        Ok(Value::Array(out))
    }

    /// Value Expansion (§5.3.2) of a scalar under `active_property`.
    pub(super) fn expand_value(
        &self,
        active: &ActiveContext,
        active_property: Option<&str>,
        value: &Value,
    ) -> Result<Value, JsonLdError> {
        let def = active_property.and_then(|p| active.term(p));
        let type_mapping = def.and_then(|d| d.type_mapping.as_deref());
        let mut m = Map::new();
        if let (Some(t @ ("@id" | "@vocab")), Value::String(s)) = (type_mapping, value) {
            match expand_iri(active, s, true, t == "@vocab") {
                Some(id) => {
                    m.insert("@id".into(), Value::String(id));
                }
                None => {
                    self.p.event("reserved @id value", || s.clone())?;
                    m.insert("@id".into(), Value::Null);
                }
            }
            return Ok(Value::Object(m));
        }
        m.insert("@value".into(), value.clone());
        match type_mapping {
            Some("@id" | "@vocab" | "@none") => {}
            Some(t) => {
                m.insert("@type".into(), Value::String(t.to_owned()));
            }
            None => {
                if value.is_string() {
                    let language = match def.and_then(|d| d.language.clone()) {
                        Some(l) => l,
                        None => active.language.clone(),
                    };
                    let direction = match def.and_then(|d| d.direction.clone()) {
                        Some(d) => d,
                        None => active.direction.clone(),
                    };
                    if let Some(l) = language {
                        m.insert("@language".into(), Value::String(l.to_string()));
                    }
                    if let Some(d) = direction {
                        m.insert("@direction".into(), Value::String(d.to_string()));
                    }
                }
            }
        }
        Ok(Value::Object(m))
    }
}
