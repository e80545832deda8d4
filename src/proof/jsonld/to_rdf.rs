//! Deserialize JSON-LD to RDF (JSON-LD 1.1 §8.2) directly from expanded JSON-LD: walks
//! node objects, issues blank node labels `b0`, `b1`, … and yields the same set of quads as
//! node-map generation followed by the spec's algorithm (duplicates removed). Must not
//! expand or canonicalise.

use super::context::{is_absolute_iri, is_keyword};
use super::nquads::{double_lexical, integer_lexical, json_canonical, parse_float, to_js_number};
use super::{JsonLdError, Literal, Options, Quad, Term};
use serde_json::{Map, Value};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const RDF_LANGSTRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// Converts expanded JSON-LD (an array of node objects) to quads; the same triple stated
/// twice appears twice (the canonicaliser and [`super::to_rdf()`] remove duplicates).
pub fn expanded_to_rdf(expanded: &[Value], options: Options) -> Result<Vec<Quad>, JsonLdError> {
    let mut w = Writer {
        safe: options.safe,
        counter: 0,
        labels: super::Map::default(),
        quads: Vec::new(),
    };
    for item in expanded {
        if let Value::Object(m) = item {
            if !m.contains_key("@value") && !m.contains_key("@list") {
                w.node(m, None, 0)?;
            }
        }
    }
    Ok(w.quads)
}

struct Writer {
    safe: bool,
    counter: usize,
    labels: super::Map<String, String>,
    quads: Vec<Quad>,
}

/// A subject that may be a relative IRI (kept so nested nodes are still processed).
enum Subject {
    Term(Term),
    Relative(String),
}

impl Writer {
    fn event(&self, code: &'static str, detail: &str) -> Result<(), JsonLdError> {
        if self.safe {
            Err(JsonLdError::Unsafe {
                code,
                detail: detail.to_owned(),
            })
        } else {
            Ok(())
        }
    }

    fn fresh(&mut self) -> String {
        let l = format!("b{}", self.counter);
        self.counter += 1;
        l
    }

    fn blank(&mut self, id: &str) -> Term {
        if let Some(l) = self.labels.get(id) {
            return Term::Blank(l.clone());
        }
        let l = self.fresh();
        self.labels.insert(id.to_owned(), l.clone());
        Term::Blank(l)
    }

    fn id_term(&mut self, id: &str) -> Subject {
        if id.starts_with("_:") {
            Subject::Term(self.blank(id))
        } else if is_absolute_iri(id) {
            Subject::Term(Term::Iri(id.to_owned()))
        } else {
            Subject::Relative(id.to_owned())
        }
    }

    fn push(&mut self, q: Quad) {
        self.quads.push(q);
    }

    /// Emits a node object's triples into `graph` and returns its subject.
    fn node(
        &mut self,
        node: &Map<String, Value>,
        graph: Option<&Term>,
        depth: usize,
    ) -> Result<Subject, JsonLdError> {
        if depth > super::MAX_DEPTH {
            return Err(JsonLdError::TooDeep("node nesting".into()));
        }
        let subject = match node.get("@id").and_then(Value::as_str) {
            Some(id) => self.id_term(id),
            None => Subject::Term(Term::Blank(self.fresh())),
        };
        let subj_term = match &subject {
            Subject::Term(t) => Some(t.clone()),
            Subject::Relative(r) => {
                if node.keys().any(|k| k != "@id") {
                    self.event("relative subject reference", r)?;
                }
                None
            }
        };
        if let Some(types) = node.get("@type").and_then(Value::as_array) {
            for t in types.iter().filter_map(Value::as_str) {
                let obj = match self.id_term(t) {
                    Subject::Term(o) => o,
                    Subject::Relative(r) => {
                        self.event("relative object reference", &r)?;
                        continue;
                    }
                };
                if let Some(s) = &subj_term {
                    self.push(Quad {
                        subject: s.clone(),
                        predicate: RDF_TYPE.to_owned(),
                        object: obj,
                        graph: graph.cloned(),
                    });
                }
            }
        }
        for (prop, values) in node {
            if is_keyword(prop) {
                continue;
            }
            let pred_ok = if prop.starts_with("_:") {
                self.event("blank node predicate", prop)?;
                false
            } else if !is_absolute_iri(prop) {
                self.event("relative predicate reference", prop)?;
                false
            } else {
                true
            };
            for item in values.as_array().map(|a| a.as_slice()).unwrap_or_default() {
                let obj = self.object(item, graph, depth)?;
                if let (Some(s), Some(o), true) = (&subj_term, obj, pred_ok) {
                    self.push(Quad {
                        subject: s.clone(),
                        predicate: prop.clone(),
                        object: o,
                        graph: graph.cloned(),
                    });
                }
            }
        }
        if let Some(Value::Object(rev)) = node.get("@reverse") {
            for (prop, values) in rev {
                for item in values.as_array().map(|a| a.as_slice()).unwrap_or_default() {
                    if let Value::Object(m) = item {
                        let s = self.node(m, graph, depth + 1)?;
                        if let (Subject::Term(s), Some(o)) = (s, &subj_term) {
                            if is_absolute_iri(prop) && !prop.starts_with("_:") {
                                self.push(Quad {
                                    subject: s,
                                    predicate: prop.clone(),
                                    object: o.clone(),
                                    graph: graph.cloned(),
                                });
                            }
                        }
                    }
                }
            }
        }
        if let Some(Value::Array(items)) = node.get("@graph") {
            match &subject {
                Subject::Term(name) => {
                    let name = name.clone();
                    for item in items {
                        if let Value::Object(m) = item {
                            if !m.contains_key("@value") && !m.contains_key("@list") {
                                self.node(m, Some(&name), depth + 1)?;
                            }
                        }
                    }
                }
                Subject::Relative(r) => self.event("relative graph reference", r)?,
            }
        }
        if let Some(Value::Array(items)) = node.get("@included") {
            for item in items {
                if let Value::Object(m) = item {
                    self.node(m, graph, depth + 1)?;
                }
            }
        }
        Ok(subject)
    }

    /// Converts a value, list or node object to an RDF term (`None`: dropped).
    fn object(
        &mut self,
        item: &Value,
        graph: Option<&Term>,
        depth: usize,
    ) -> Result<Option<Term>, JsonLdError> {
        let Value::Object(m) = item else {
            return Ok(None);
        };
        if m.contains_key("@value") {
            return self.literal(m).map(|l| Some(Term::Literal(l)));
        }
        if let Some(list) = m.get("@list") {
            let items = list.as_array().map(|a| a.as_slice()).unwrap_or_default();
            return self.list(items, graph, depth + 1).map(Some);
        }
        match self.node(m, graph, depth + 1)? {
            Subject::Term(t) => Ok(Some(t)),
            Subject::Relative(r) => {
                self.event("relative object reference", &r)?;
                Ok(None)
            }
        }
    }

    fn list(
        &mut self,
        items: &[Value],
        graph: Option<&Term>,
        depth: usize,
    ) -> Result<Term, JsonLdError> {
        if items.is_empty() {
            return Ok(Term::Iri(RDF_NIL.to_owned()));
        }
        let head = Term::Blank(self.fresh());
        let mut subject = head.clone();
        for (i, item) in items.iter().enumerate() {
            let obj = self.object(item, graph, depth)?;
            if let Some(o) = obj {
                self.push(Quad {
                    subject: subject.clone(),
                    predicate: RDF_FIRST.to_owned(),
                    object: o,
                    graph: graph.cloned(),
                });
            }
            let next = if i + 1 == items.len() {
                Term::Iri(RDF_NIL.to_owned())
            } else {
                Term::Blank(self.fresh())
            };
            self.push(Quad {
                subject: subject.clone(),
                predicate: RDF_REST.to_owned(),
                object: next.clone(),
                graph: graph.cloned(),
            });
            subject = next;
        }
        Ok(head)
    }

    fn literal(&self, m: &Map<String, Value>) -> Result<Literal, JsonLdError> {
        let value = m.get("@value").unwrap_or(&Value::Null);
        let datatype = m.get("@type").and_then(Value::as_str);
        let lit = |value: String, dt: &str| Literal {
            value,
            datatype: dt.to_owned(),
            language: None,
        };
        if datatype == Some("@json") {
            return Ok(lit(json_canonical(value), RDF_JSON));
        }
        match value {
            Value::Bool(b) => return Ok(lit(b.to_string(), datatype.unwrap_or(XSD_BOOLEAN))),
            Value::Number(n) => {
                let f = to_js_number(n);
                let is_double = f.fract() != 0.0 || f.abs() >= 1e21 || !f.is_finite();
                if is_double || datatype == Some(XSD_DOUBLE) {
                    return Ok(lit(double_lexical(f), datatype.unwrap_or(XSD_DOUBLE)));
                }
                return Ok(lit(integer_lexical(f), datatype.unwrap_or(XSD_INTEGER)));
            }
            _ => {}
        }
        let s = value.as_str().unwrap_or_default();
        if datatype == Some(XSD_DOUBLE) {
            return Ok(lit(double_lexical(parse_float(s)), XSD_DOUBLE));
        }
        if let Some(dir) = m.get("@direction").and_then(Value::as_str) {
            let lang = m
                .get("@language")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            return Ok(lit(
                s.to_owned(),
                &format!("https://www.w3.org/ns/i18n#{lang}_{dir}"),
            ));
        }
        if let Some(lang) = m.get("@language").and_then(Value::as_str) {
            return Ok(Literal {
                value: s.to_owned(),
                datatype: RDF_LANGSTRING.to_owned(),
                language: Some(lang.to_owned()),
            });
        }
        Ok(lit(s.to_owned(), datatype.unwrap_or(XSD_STRING)))
    }
}
