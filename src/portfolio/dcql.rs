//! Answering a verifier's request by OpenID4VP 1.0: the DCQL query (§6) evaluated against the
//! wallet's verified credentials, and the `vp_token` (§8.1) made of the learner's choice.
//!
//! - A credential query matches a credential of its `format` (`dc+sd-jwt`, `ldp_vc`,
//!   `jwt_vc_json`) whose `meta` fits (`vct_values`; `type_values` as expanded type IRIs) and
//!   that has every claim the query asks for (or one option of its `claim_sets`), with one of
//!   the `values` where given. Only credentials the wallet verified valid are offered.
//! - Claims are found by claims path pointers (§7): a key, an array index, or `null` for every
//!   element.
//! - A claim is optional when the query's `claim_sets` (§6.4.1) let the credential answer
//!   without it: the learner may withhold it, and the wallet then sends the verifier's most
//!   preferred option that leaves out everything withheld. §6.4.1 says the wallet SHOULD send
//!   the first option it can satisfy, and that the options are not meant as choices for the
//!   End-User; sending a later one only when the learner withholds a claim is a deliberate
//!   deviation from that SHOULD, made with the learner's consent, which the verifier accepts
//!   by having listed the option. Without `claim_sets` every claim asked for is required.
//! - An SD-JWT VC discloses exactly the claims of that option (and what they need), bound to the
//!   verifier by a key-binding JWT (`aud` = the client id, `nonce`). A W3C credential cannot
//!   be shown in part: it goes whole, in a presentation whose proof has `challenge` = nonce and
//!   `domain` = client id.
//!
//! This module decides what matches and what is sent; the exchange crate carries it. Nothing
//! here touches the network.

use crate::formats::{self, Envelope};
use crate::model::Verdict;
use crate::store::{SortKey, Wallet};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// A claim a verifier asked for, as found in one credential.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AskedClaim {
    /// The query's id for the claim, if it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Where it is, as a dotted path (`learner.given_name`, `learning_outcomes.0`).
    pub path: String,
    /// Its value, as text.
    pub value: String,
    /// Whether the learner may withhold it: one of the verifier's claim sets this credential
    /// answers leaves it out (and the credential can be shown in part).
    pub optional: bool,
    /// Its name in words, by language (`en`, `de`), as the Share screen names it: from the
    /// credential type's metadata, else the wallet's own words; empty when neither knows it.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// A credential of the wallet that answers a credential query.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Its wallet id.
    pub id: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    /// Who issued it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer: Option<String>,
    /// The claims the verifier asked for, as this credential has them: those of every claim
    /// set it answers, the verifier's preferred set first.
    pub claims: Vec<AskedClaim>,
    /// The claim sets this credential answers, as the paths of their claims, the verifier's
    /// preferred first: what is sent is the first one that leaves out every withheld claim.
    pub options: Vec<Vec<String>>,
    /// What the verifier sees of an SD-JWT VC whatever is chosen: the claims its issuer signed
    /// in the clear (empty for a credential that goes whole).
    pub always_shown: Vec<AskedClaim>,
    /// Whether the verifier gets the whole credential (a W3C credential cannot be shown in
    /// part) rather than only the claims asked for.
    pub whole: bool,
}

/// One credential query of the request, with the credentials that answer it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueryMatch {
    /// The query's id (the key of the answer in `vp_token`).
    pub id: String,
    /// The format it asks for.
    pub format: String,
    /// Whether the verifier accepts several credentials for it.
    pub multiple: bool,
    /// The matching credentials, best first.
    pub candidates: Vec<Candidate>,
    /// Why nothing matches, if nothing does (in words).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub problem: Option<String>,
}

impl Candidate {
    /// The claims sent when the learner withholds the claims at `withheld` (paths): those of
    /// the verifier's most preferred claim set that leaves them all out. Refuses to withhold a
    /// claim the verifier requires, or part of a credential that goes whole.
    pub fn disclosed(&self, withheld: &[String]) -> Result<&[String]> {
        if let Some(p) = withheld
            .iter()
            .find(|p| !self.claims.iter().any(|c| &c.path == *p))
        {
            return Err(Error::BadInput(format!(
                "the verifier did not ask for {p}, so it is not sent anyway"
            )));
        }
        if self.whole && !withheld.is_empty() {
            return Err(Error::BadInput(format!(
                "{} is part of a W3C credential, which goes whole: it cannot be withheld",
                withheld.join(", ")
            )));
        }
        if let Some(p) = withheld
            .iter()
            .find(|p| self.claims.iter().any(|c| &c.path == *p && !c.optional))
        {
            return Err(Error::BadInput(format!(
                "the verifier requires {p}: it cannot be withheld (decline instead)"
            )));
        }
        self.options
            .iter()
            .find(|o| !o.iter().any(|p| withheld.contains(p)))
            .map(Vec::as_slice)
            .ok_or_else(|| {
                Error::BadInput(format!(
                    "none of the verifier's choices of details leaves out all of {}; withhold less",
                    withheld.join(", ")
                ))
            })
    }
}

impl Candidate {
    /// What is sent of this credential when the claims at `withheld` are withheld from the
    /// query it answers: those it has are withheld ([`Candidate::disclosed`]), the others
    /// (another credential's) do not concern it.
    pub fn sent(&self, withheld: &[String]) -> Result<&[String]> {
        let mine: Vec<String> = withheld
            .iter()
            .filter(|p| self.claims.iter().any(|a| &a.path == *p))
            .cloned()
            .collect();
        self.disclosed(&mine)
    }
}

/// What the learner chose for one credential query: the credentials sent (wallet ids) and the
/// optional claims withheld from them (paths).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// The query id.
    pub query: String,
    /// Wallet ids of the credentials sent.
    pub ids: Vec<String>,
    /// Paths of the optional claims withheld.
    #[serde(default)]
    pub withheld: Vec<String>,
}

/// The request's credential sets (§6.2), or one set of every query when it has none.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetMatch {
    /// Each option: the query ids that together satisfy the set.
    pub options: Vec<Vec<String>>,
    /// Whether the verifier requires the set.
    pub required: bool,
    /// The first option every query of which the wallet can answer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub chosen: Option<usize>,
}

/// What the wallet can answer to a DCQL query.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DcqlAnswer {
    /// Every credential query.
    pub queries: Vec<QueryMatch>,
    /// The credential sets.
    pub sets: Vec<SetMatch>,
    /// Whether every required set can be satisfied.
    pub satisfiable: bool,
}

impl DcqlAnswer {
    /// The query ids to answer: those of each set's chosen option.
    pub fn to_answer(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.sets {
            if let Some(i) = s.chosen {
                for q in &s.options[i] {
                    if !out.contains(q) {
                        out.push(q.clone());
                    }
                }
            }
        }
        out
    }
}

/// The OpenID4VP format identifier of a credential, if it is one a presentation can carry.
fn format_of(doc: &formats::Document) -> Option<&'static str> {
    match &doc.envelope {
        Envelope::SdJwt(_) => Some("dc+sd-jwt"),
        Envelope::Jwt { .. } => Some("jwt_vc_json"),
        Envelope::Json if doc.credential.get("proof").is_some() => Some("ldp_vc"),
        _ => None,
    }
}

/// One step of a claims path pointer (§7.1).
fn select<'a>(values: Vec<(String, &'a Value)>, step: &Value) -> Option<Vec<(String, &'a Value)>> {
    let join = |p: &str, s: &str| {
        if p.is_empty() {
            s.to_owned()
        } else {
            format!("{p}.{s}")
        }
    };
    let mut out = Vec::new();
    for (path, v) in values {
        match (step, v) {
            (Value::String(k), Value::Object(m)) => {
                if let Some(x) = m.get(k) {
                    out.push((join(&path, k), x));
                }
            }
            (Value::Number(n), Value::Array(a)) => {
                let i = n.as_u64()? as usize;
                if let Some(x) = a.get(i) {
                    out.push((join(&path, &i.to_string()), x));
                }
            }
            (Value::Null, Value::Array(a)) => {
                out.extend(
                    a.iter()
                        .enumerate()
                        .map(|(i, x)| (join(&path, &i.to_string()), x)),
                );
            }
            (Value::String(_) | Value::Number(_) | Value::Null, _) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The values at a claims path pointer, with their dotted paths; `None` for a malformed path.
fn resolve<'a>(root: &'a Value, path: &[Value]) -> Option<Vec<(String, &'a Value)>> {
    if path.is_empty() {
        return None;
    }
    path.iter()
        .try_fold(vec![(String::new(), root)], |acc, step| select(acc, step))
}

/// A claim query (§6.3) against a credential: the claims it finds, or `None`.
fn claim_matches(claims: &Value, q: &Value) -> Option<Vec<AskedClaim>> {
    let path = q.get("path").and_then(Value::as_array)?;
    let found = resolve(claims, path)?;
    let values = q.get("values").and_then(Value::as_array);
    let found: Vec<_> = found
        .into_iter()
        .filter(|(_, v)| values.is_none_or(|vs| vs.contains(v)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let id = q.get("id").and_then(Value::as_str).map(str::to_owned);
    Some(
        found
            .into_iter()
            .map(|(p, v)| AskedClaim {
                id: id.clone(),
                path: p,
                value: super::sdjwt::value_text(v),
                optional: false,
                labels: Default::default(),
            })
            .collect(),
    )
}

/// The claims of `claims` that answer a credential query's `claims` (and `claim_sets`), with
/// the claim sets it answers (as paths, the verifier's preferred first), or `None` when the
/// credential lacks what it asks for.
fn claims_for(claims: &Value, query: &Value) -> Option<(Vec<AskedClaim>, Vec<Vec<String>>)> {
    let Some(asked) = query.get("claims").and_then(Value::as_array) else {
        return Some((Vec::new(), vec![Vec::new()]));
    };
    let found: Vec<Option<Vec<AskedClaim>>> =
        asked.iter().map(|q| claim_matches(claims, q)).collect();
    let options: Vec<Vec<AskedClaim>> = match query.get("claim_sets").and_then(Value::as_array) {
        None => vec![found.into_iter().collect::<Option<Vec<_>>>()?.concat()],
        Some(sets) => {
            let by_id = |id: &str| {
                asked
                    .iter()
                    .position(|q| q.get("id").and_then(Value::as_str) == Some(id))
                    .and_then(|i| found[i].clone())
            };
            sets.iter()
                .filter_map(|option| {
                    option
                        .as_array()?
                        .iter()
                        .map(|id| id.as_str().and_then(by_id))
                        .collect::<Option<Vec<_>>>()
                        .map(|v| v.concat())
                })
                .collect()
        }
    };
    if options.is_empty() {
        return None;
    }
    let mut union: Vec<AskedClaim> = Vec::new();
    for c in options.iter().flatten() {
        if !union.iter().any(|u| u.path == c.path) {
            let optional = !options.iter().all(|o| o.iter().any(|x| x.path == c.path));
            union.push(AskedClaim {
                optional,
                ..c.clone()
            });
        }
    }
    let paths = options
        .into_iter()
        .map(|o| o.into_iter().map(|c| c.path).collect())
        .collect();
    Some((union, paths))
}

/// Name each claim in words, as the Share screen does (type metadata, else the wallet's own).
fn label(claims: &mut [AskedClaim], metadata: Option<&str>) {
    let mut named: Vec<super::sdjwt::SdClaim> = claims
        .iter()
        .map(|c| super::sdjwt::SdClaim {
            path: c.path.clone(),
            value: String::new(),
            can_withhold: c.optional,
            never: false,
            labels: Default::default(),
        })
        .collect();
    super::sdjwt::label_claims(&mut named, metadata);
    for (c, n) in claims.iter_mut().zip(named) {
        c.labels = n.labels;
    }
}

/// The expanded type IRIs of a W3C credential (`type_values` are compared with these).
fn expanded_types(
    credential: &Value,
    loader: &crate::proof::contexts::ContextLoader,
) -> Vec<String> {
    const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    const VC: &str = "https://www.w3.org/2018/credentials#VerifiableCredential";
    let mut unsigned = credential.clone();
    if let Value::Object(m) = &mut unsigned {
        m.remove("proof");
    }
    let Ok(quads) = crate::proof::jsonld::to_rdf(&unsigned, loader) else {
        return Vec::new();
    };
    let subject = quads
        .iter()
        .find(|q| {
            q.graph.is_none()
                && q.predicate == RDF_TYPE
                && q.object == crate::proof::jsonld::Term::Iri(VC.into())
        })
        .map(|q| q.subject.clone());
    quads
        .iter()
        .filter(|q| {
            q.graph.is_none() && q.predicate == RDF_TYPE && Some(&q.subject) == subject.as_ref()
        })
        .filter_map(|q| match &q.object {
            crate::proof::jsonld::Term::Iri(i) => Some(i.clone()),
            _ => None,
        })
        .collect()
}

/// Whether a credential fits a query's `meta` (§6.1, Appendix B).
fn meta_fits(
    query: &Value,
    format: &str,
    credential: &Value,
    loader: &crate::proof::contexts::ContextLoader,
) -> bool {
    let meta = query.get("meta");
    if format == "dc+sd-jwt" {
        let Some(vcts) = meta
            .and_then(|m| m.get("vct_values"))
            .and_then(Value::as_array)
        else {
            return true;
        };
        return credential.get("vct").is_some_and(|v| vcts.contains(v));
    }
    let Some(options) = meta
        .and_then(|m| m.get("type_values"))
        .and_then(Value::as_array)
    else {
        return true;
    };
    let types = expanded_types(credential, loader);
    options.iter().any(|o| {
        o.as_array().is_some_and(|wanted| {
            wanted
                .iter()
                .all(|t| t.as_str().is_some_and(|t| types.iter().any(|x| x == t)))
        })
    })
}

/// Evaluate a DCQL query against the wallet's verified credentials.
pub fn evaluate(wallet: &Wallet, query: &Value) -> Result<DcqlAnswer> {
    let credentials = query
        .get("credentials")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            Error::BadInput("the verifier's query (DCQL) asks for no credentials".into())
        })?;
    let ids: Vec<String> = wallet
        .list(SortKey::Date)?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let held = wallet.get_with_originals(&ids)?;
    // Read once: expanding a credential's types (for `type_values`) needs the contexts.
    let env = wallet.env()?;
    let mut docs = Vec::new();
    for (rec, original) in &held {
        if rec.verification.verdict != Verdict::Valid || rec.forced {
            continue;
        }
        if let Ok(doc) = formats::parse_document(original) {
            if let Some(f) = format_of(&doc) {
                docs.push((rec, original, doc, f));
            }
        }
    }
    let mut queries = Vec::new();
    for q in credentials {
        let id = q
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::BadInput("a credential query of the request has no id".into()))?
            .to_owned();
        let format = q
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut candidates = Vec::new();
        let mut of_format = 0;
        for (rec, original, doc, f) in &docs {
            if *f != format {
                continue;
            }
            of_format += 1;
            if !meta_fits(q, f, &doc.credential, &env.proof.contexts) {
                continue;
            }
            let Some((mut claims, options)) = claims_for(&doc.credential, q) else {
                continue;
            };
            let whole = *f != "dc+sd-jwt";
            let (always_shown, metadata) = if whole {
                for c in &mut claims {
                    c.optional = false;
                }
                (Vec::new(), None)
            } else {
                // A credential whose claims cannot be read shows none in the clear: its
                // presentation then refuses, with the reason.
                let shown = super::sdjwt::claims(original)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| !c.can_withhold && !claims.iter().any(|a| a.path == c.path))
                    .map(|c| AskedClaim {
                        id: None,
                        path: c.path,
                        value: c.value,
                        optional: false,
                        labels: Default::default(),
                    })
                    .collect();
                let metadata = crate::verify::sdjwt::committed_type_metadata(&doc.credential, &env);
                (shown, metadata)
            };
            let mut always_shown: Vec<AskedClaim> = always_shown;
            label(&mut claims, metadata.as_deref());
            label(&mut always_shown, metadata.as_deref());
            candidates.push(Candidate {
                id: rec.id.clone(),
                title: rec.verification.credential.title.clone(),
                issuer: rec.verification.credential.issuer.name.clone(),
                claims,
                options,
                always_shown,
                whole,
            });
        }
        let problem = candidates.is_empty().then(|| {
            if !["dc+sd-jwt", "ldp_vc", "jwt_vc_json"].contains(&format.as_str()) {
                format!("the verifier asks for the format {format}, which the wallet does not hold")
            } else if of_format == 0 {
                format!("the wallet holds no verified credential in the format {format}")
            } else {
                "no verified credential of the wallet has the type and the claims asked for".into()
            }
        });
        queries.push(QueryMatch {
            id,
            format,
            multiple: q.get("multiple").and_then(Value::as_bool).unwrap_or(false),
            candidates,
            problem,
        });
    }
    let answerable = |qid: &str| {
        queries
            .iter()
            .any(|m| m.id == qid && !m.candidates.is_empty())
    };
    let sets: Vec<SetMatch> = match query.get("credential_sets").and_then(Value::as_array) {
        None => vec![SetMatch {
            options: vec![queries.iter().map(|m| m.id.clone()).collect()],
            required: true,
            chosen: None,
        }],
        Some(sets) => sets
            .iter()
            .map(|s| SetMatch {
                options: s
                    .get("options")
                    .and_then(Value::as_array)
                    .map(|o| {
                        o.iter()
                            .map(|ids| {
                                ids.as_array()
                                    .map(|a| {
                                        a.iter()
                                            .filter_map(Value::as_str)
                                            .map(str::to_owned)
                                            .collect()
                                    })
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                required: s.get("required").and_then(Value::as_bool).unwrap_or(true),
                chosen: None,
            })
            .collect(),
    };
    let sets: Vec<SetMatch> = sets
        .into_iter()
        .map(|mut s| {
            s.chosen = s
                .options
                .iter()
                .position(|o| !o.is_empty() && o.iter().all(|q| answerable(q)));
            s
        })
        .collect();
    let satisfiable = sets.iter().all(|s| !s.required || s.chosen.is_some());
    Ok(DcqlAnswer {
        queries,
        sets,
        satisfiable,
    })
}

/// The `vp_token` (§8.1): for each query answered, the presentations of the chosen
/// credentials, each bound to the verifier `client_id` and its `nonce`, with the claims the
/// learner withheld left out.
pub fn vp_token(
    wallet: &Wallet,
    answer: &DcqlAnswer,
    chosen: &[Choice],
    client_id: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<Value> {
    let mut token = Map::new();
    for choice in chosen {
        let query_id = &choice.query;
        let q = answer
            .queries
            .iter()
            .find(|q| &q.id == query_id)
            .ok_or_else(|| Error::BadInput(format!("the request has no query {query_id}")))?;
        let mut presentations = Vec::new();
        for id in &choice.ids {
            let c = q.candidates.iter().find(|c| &c.id == id).ok_or_else(|| {
                Error::BadInput(format!(
                    "{id} does not answer the verifier's query {query_id}"
                ))
            })?;
            let disclose = c.sent(&choice.withheld)?;
            presentations.push(if q.format == "dc+sd-jwt" {
                Value::String(wallet.present_sd_jwt(id, disclose, client_id, nonce, now)?)
            } else {
                let opts = super::PresentationOptions {
                    challenge: Some(nonce.to_owned()),
                    domain: Some(client_id.to_owned()),
                    created: Some(now),
                    ..Default::default()
                };
                super::presentation(wallet, std::slice::from_ref(id), &opts)?
            });
        }
        if presentations.len() > 1 && !q.multiple {
            return Err(Error::BadInput(format!(
                "the verifier accepts one credential for {query_id}; choose one"
            )));
        }
        token.insert(query_id.clone(), Value::Array(presentations));
    }
    Ok(Value::Object(token))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn claims_path_pointers_select_keys_indexes_and_every_element() {
        let c = json!({"learner": {"given_name": "Maria"}, "outcomes": ["a", "b"], "n": 5});
        let r = resolve(&c, &[json!("learner"), json!("given_name")]).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "learner.given_name");
        let r = resolve(&c, &[json!("outcomes"), Value::Null]).unwrap();
        assert_eq!(
            r.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["outcomes.0", "outcomes.1"]
        );
        assert_eq!(
            resolve(&c, &[json!("outcomes"), json!(1)]).unwrap()[0].1,
            "b"
        );
        assert!(resolve(&c, &[json!("missing")]).unwrap().is_empty());
        assert!(
            resolve(&c, &[json!(true)]).is_none(),
            "a boolean is no path step"
        );
        assert!(resolve(&c, &[]).is_none());
    }

    #[test]
    fn claim_queries_need_every_claim_or_one_claim_set_and_the_values_asked() {
        let c = json!({"title": "ML", "ects_credits": 5, "grade": "1.7"});
        let q = json!({"claims": [{"id": "t", "path": ["title"]}, {"id": "e", "path": ["ects_credits"], "values": [5, 6]}]});
        let (found, options) = claims_for(&c, &q).unwrap();
        assert_eq!(found.len(), 2);
        assert!(
            found.iter().all(|c| !c.optional),
            "without claim_sets every claim is required"
        );
        assert_eq!(
            options,
            [vec!["title".to_owned(), "ects_credits".to_owned()]]
        );
        let q = json!({"claims": [{"path": ["title"]}, {"path": ["eqf_level"]}]});
        assert!(claims_for(&c, &q).is_none());
        let q = json!({"claims": [{"id": "e", "path": ["ects_credits"], "values": [7]}]});
        assert!(claims_for(&c, &q).is_none());
        let q = json!({"claims": [{"id": "q", "path": ["eqf_level"]}, {"id": "g", "path": ["grade"]}],
            "claim_sets": [["q"], ["g"]]});
        let (found, options) = claims_for(&c, &q).unwrap();
        assert_eq!(found.len(), 1, "only the set the credential answers");
        assert_eq!(found[0].path, "grade");
        assert!(!found[0].optional);
        assert_eq!(options, [vec!["grade".to_owned()]]);
        let (found, options) = claims_for(&c, &json!({})).unwrap();
        assert!(found.is_empty(), "no claims asked: none disclosed");
        assert_eq!(options, [Vec::<String>::new()]);
    }

    fn candidate(claims: Vec<AskedClaim>, options: Vec<Vec<String>>, whole: bool) -> Candidate {
        Candidate {
            id: "c".into(),
            title: None,
            issuer: None,
            claims,
            options,
            always_shown: Vec::new(),
            whole,
        }
    }

    #[test]
    fn a_claim_left_out_of_a_claim_set_is_optional_and_withholding_it_sends_the_next_preferred_set()
    {
        let c = json!({"title": "ML", "ects_credits": 5, "grade": "1.7"});
        let q = json!({"claims": [{"id": "t", "path": ["title"]}, {"id": "e", "path": ["ects_credits"]},
            {"id": "g", "path": ["grade"]}, {"id": "x", "path": ["missing"]}],
            "claim_sets": [["t", "e", "g", "x"], ["t", "e", "g"], ["t", "e"]]});
        let (found, options) = claims_for(&c, &q).unwrap();
        let optional: Vec<(&str, bool)> = found
            .iter()
            .map(|c| (c.path.as_str(), c.optional))
            .collect();
        assert_eq!(
            optional,
            [("title", false), ("ects_credits", false), ("grade", true)]
        );
        let cand = candidate(found, options, false);
        assert_eq!(
            cand.disclosed(&[]).unwrap(),
            ["title", "ects_credits", "grade"],
            "the verifier's preferred set the credential answers"
        );
        assert_eq!(
            cand.disclosed(&["grade".into()]).unwrap(),
            ["title", "ects_credits"]
        );
        let e = cand.disclosed(&["title".into()]).unwrap_err().to_string();
        assert!(e.contains("requires title"), "{e}");
        let e = cand
            .disclosed(&["eqf_level".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("did not ask for eqf_level"), "{e}");
    }

    #[test]
    fn nothing_can_be_withheld_from_a_credential_that_goes_whole() {
        let c = json!({"title": "ML", "grade": "1.7"});
        let q = json!({"claims": [{"id": "t", "path": ["title"]}, {"id": "g", "path": ["grade"]}],
            "claim_sets": [["t", "g"], ["t"]]});
        let (mut found, options) = claims_for(&c, &q).unwrap();
        for c in &mut found {
            c.optional = false;
        }
        let cand = candidate(found, options, true);
        let e = cand.disclosed(&["grade".into()]).unwrap_err().to_string();
        assert!(e.contains("goes whole"), "{e}");
    }
}
