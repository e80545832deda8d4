//! SD-JWT (RFC 9901) and the SD-JWT VC profile (`typ: dc+sd-jwt`): splitting the compact
//! form `<issuer JWT>~<disclosure>~…~[<KB-JWT>]` and the JWS JSON serialisation (RFC 9901 §8),
//! decoding the disclosures, and rebuilding the claims the holder disclosed (§7.1 steps 3–5).
//!
//! Parse only, like the rest of [`crate::formats`]: no signature is checked here. Problems
//! that make a *well-formed* SD-JWT invalid (a disclosure no digest refers to, a digest used
//! twice, a claim name that collides) are collected in [`SdJwt::problems`] for the proof step
//! to report, so a tampered credential gets the verdict "invalid" rather than a parse error.
//! What cannot be read at all (not base64url, not JSON, too many disclosures, nesting too
//! deep) is a [`Error::BadInput`] naming the problem.

use super::jws::b64url;
use super::{Document, Envelope};
use crate::model::Format;
use crate::Error;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::collections::{HashMap, HashSet};

/// The most disclosures one SD-JWT may carry. Real credentials have a few dozen; the limit
/// keeps hashing and matching bounded on hostile input.
pub const MAX_DISCLOSURES: usize = 4096;

/// The deepest nesting of disclosed values inside the claims (objects and arrays).
const MAX_CLAIM_DEPTH: usize = 32;

/// A parsed SD-JWT: the issuer-signed JWT, its disclosures and an optional key-binding JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct SdJwt {
    /// The issuer JWT's protected header.
    pub header: Value,
    /// The issuer JWT's claims as signed (with `_sd` digests and `...` array placeholders).
    pub payload: Value,
    /// `BASE64URL(header) "." BASE64URL(payload)` as received.
    pub signing_input: String,
    /// The issuer JWT's signature bytes.
    pub signature: Vec<u8>,
    /// The disclosures as received (base64url text), in order.
    pub disclosures: Vec<String>,
    /// The key-binding JWT (compact), when the SD-JWT is a presentation.
    pub kb_jwt: Option<String>,
    /// The presentation up to and including the last `~` before the KB-JWT, in compact form
    /// (what `sd_hash` covers, RFC 9901 §4.3.1).
    pub sd_hash_input: String,
    /// The digest algorithm (`_sd_alg`, default `sha-256`).
    pub sd_alg: String,
    /// The disclosed claim paths (e.g. `learner.family_name`, `learning_outcomes.1`).
    pub disclosed: Vec<String>,
    /// For each disclosure (by position), the claim path it discloses; `None` for one no
    /// digest refers to.
    pub disclosure_paths: Vec<Option<String>>,
    /// Digests that no disclosure opened: withheld claims or decoys (they cannot be told apart).
    pub withheld_digests: usize,
    /// Problems that make the SD-JWT invalid, each in words.
    pub problems: Vec<String>,
}

/// One decoded disclosure.
struct Disclosure {
    /// The claim name, for an object property (`[salt, name, value]`); `None` for an array
    /// element (`[salt, value]`).
    name: Option<String>,
    value: Value,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::BadInput(msg.into())
}

/// Whether `text` looks like a compact SD-JWT: a JWT followed by `~`.
pub(crate) fn is_compact_sd_jwt(text: &str) -> bool {
    let Some((jwt, _)) = text.split_once('~') else {
        return false;
    };
    jwt.split('.').count() == 3
        && jwt
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Whether a parsed JSON value is an SD-JWT in the JWS JSON serialisation (RFC 9901 §8.1):
/// a JWS whose unprotected header carries `disclosures`.
pub(crate) fn is_json_sd_jwt(v: &Value) -> bool {
    v.get("payload").is_some()
        && ((v.get("signature").is_some() && v.pointer("/header/disclosures").is_some())
            || v.pointer("/signatures/0/header/disclosures").is_some())
}

/// Parse a compact SD-JWT.
pub(crate) fn parse_compact(text: &str) -> Result<Document, Error> {
    let parts: Vec<&str> = text.split('~').collect();
    // `<jwt>~d1~…~dn~` (last part empty) or `<jwt>~d1~…~dn~<kb-jwt>`.
    let (jwt, rest) = parts.split_first().ok_or_else(|| bad("an empty SD-JWT"))?;
    let (disclosures, kb) = match rest.split_last() {
        Some((&"", ds)) => (ds, None),
        Some((last, ds)) => (ds, Some(last.to_string())),
        None => (&[][..], None),
    };
    if disclosures.iter().any(|d| d.is_empty()) {
        return Err(bad(
            "a malformed SD-JWT: an empty disclosure between two `~` separators",
        ));
    }
    let sd_hash_input = match &kb {
        Some(k) => text[..text.len() - k.len()].to_string(),
        None => text.to_string(),
    };
    let (h, p, s) = split_jwt(jwt)?;
    build(
        h,
        p,
        s,
        disclosures.iter().map(|d| d.to_string()).collect(),
        kb,
        sd_hash_input,
    )
}

/// Parse the JWS JSON serialisation of an SD-JWT (RFC 9901 §8.1): flattened, or general with
/// its one signature (whose unprotected header carries the disclosures). A general form with
/// several signatures is refused: the wallet checks the one issuer signature an SD-JWT VC has.
pub(crate) fn parse_json(v: &Value) -> Result<Document, Error> {
    if let Some(signatures) = v.get("signatures") {
        let one = match signatures.as_array().map(Vec::as_slice) {
            Some([one]) => one,
            Some([]) | None => {
                return Err(bad(
                    "an SD-JWT in general JSON form whose `signatures` is not a list of one",
                ))
            }
            Some(more) => {
                return Err(bad(format!(
                    "an SD-JWT in general JSON form with {} signatures: an SD-JWT VC carries one issuer signature",
                    more.len()
                )))
            }
        };
        let mut flat = one.clone();
        if let (Some(o), Some(payload)) = (flat.as_object_mut(), v.get("payload")) {
            o.insert("payload".into(), payload.clone());
        }
        return parse_flattened(&flat);
    }
    parse_flattened(v)
}

/// The flattened JWS JSON serialisation of an SD-JWT (RFC 9901 §8.1).
fn parse_flattened(v: &Value) -> Result<Document, Error> {
    let s = |k: &str| {
        v.get(k).and_then(Value::as_str).ok_or_else(|| {
            bad(format!(
                "an SD-JWT in JSON form whose `{k}` is not a string"
            ))
        })
    };
    let (h, p, sig) = (s("protected")?, s("payload")?, s("signature")?);
    let disclosures: Vec<String> = match v.pointer("/header/disclosures") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|d| {
                d.as_str().map(str::to_string).ok_or_else(|| {
                    bad("an SD-JWT in JSON form with a disclosure that is not a string")
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(bad(
                "an SD-JWT in JSON form whose `disclosures` is not a list",
            ))
        }
    };
    let kb = match v.pointer("/header/kb_jwt") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(bad("an SD-JWT in JSON form whose `kb_jwt` is not a string")),
    };
    // §8.1: sd_hash is computed over the compact form rebuilt from the parts.
    let mut sd_hash_input = format!("{h}.{p}.{sig}~");
    for d in &disclosures {
        sd_hash_input.push_str(d);
        sd_hash_input.push('~');
    }
    build(h, p, sig, disclosures, kb, sd_hash_input)
}

fn split_jwt(jwt: &str) -> Result<(&str, &str, &str), Error> {
    let parts: Vec<&str> = jwt.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => Ok((h, p, s)),
        _ => Err(bad(format!(
            "a malformed SD-JWT: its issuer JWT has {} dot-separated parts, expected 3",
            parts.len()
        ))),
    }
}

fn json_part(seg: &str, what: &str) -> Result<Value, Error> {
    let bytes =
        b64url(seg).ok_or_else(|| bad(format!("an SD-JWT whose {what} is not base64url")))?;
    let v: Value = super::detect::parse_json(
        std::str::from_utf8(&bytes)
            .map_err(|_| bad(format!("an SD-JWT whose {what} is not UTF-8")))?,
    )
    .map_err(|e| bad(format!("an SD-JWT whose {what} is malformed: {e}")))?;
    if !v.is_object() {
        return Err(bad(format!("an SD-JWT whose {what} is not a JSON object")));
    }
    Ok(v)
}

fn build(
    h: &str,
    p: &str,
    sig: &str,
    disclosures: Vec<String>,
    kb_jwt: Option<String>,
    sd_hash_input: String,
) -> Result<Document, Error> {
    if disclosures.len() > MAX_DISCLOSURES {
        return Err(bad(format!(
            "an SD-JWT with {} disclosures, more than the {MAX_DISCLOSURES} the wallet reads",
            disclosures.len()
        )));
    }
    let header = json_part(h, "header")?;
    let payload = json_part(p, "payload")?;
    let signature = b64url(sig).ok_or_else(|| bad("an SD-JWT whose signature is not base64url"))?;
    if let Some(k) = &kb_jwt {
        if k.split('.').count() != 3 {
            return Err(bad(
                "an SD-JWT whose key-binding JWT (after the last `~`) is not a JWT",
            ));
        }
    }
    let sd_alg = match payload.get("_sd_alg") {
        None => "sha-256".to_string(),
        Some(Value::String(a)) => a.to_ascii_lowercase(),
        Some(_) => return Err(bad("an SD-JWT whose `_sd_alg` is not a string")),
    };
    let mut decoded: HashMap<String, (usize, Disclosure)> = HashMap::new();
    let mut problems = Vec::new();
    for (i, d) in disclosures.iter().enumerate() {
        let disclosure = decode_disclosure(d, i)?;
        match digest(&sd_alg, d) {
            Some(dg) => {
                if decoded.insert(dg, (i, disclosure)).is_some() {
                    problems.push(format!("disclosure {} is given twice", i + 1));
                }
            }
            None => {
                problems.push(format!(
                    "its digest algorithm `{sd_alg}` is not one the wallet knows (sha-256, sha-384, sha-512)"
                ));
                break;
            }
        }
    }
    let mut state = Rebuild {
        disclosures: decoded,
        used: HashSet::new(),
        seen_digests: HashSet::new(),
        disclosed: Vec::new(),
        paths: vec![None; disclosures.len()],
        withheld: 0,
        problems,
    };
    let mut claims = payload.clone();
    if let Value::Object(m) = &mut claims {
        m.remove("_sd_alg");
    }
    state.object_or_array(&mut claims, "", 0)?;
    let mut unreferenced: Vec<usize> = state
        .disclosures
        .iter()
        .filter(|(dg, _)| !state.used.contains(*dg))
        .map(|(_, (i, _))| *i + 1)
        .collect();
    unreferenced.sort_unstable();
    for i in unreferenced {
        state.problems.push(format!(
            "disclosure {i} matches no digest in the signed credential: it was changed or added after signing"
        ));
    }
    let sd = SdJwt {
        header,
        payload,
        signing_input: format!("{h}.{p}"),
        signature,
        disclosures,
        kb_jwt,
        sd_hash_input,
        sd_alg,
        disclosed: state.disclosed,
        disclosure_paths: state.paths,
        withheld_digests: state.withheld,
        problems: state.problems,
    };
    Ok(Document {
        format: Format::SdJwtVc,
        credential: claims,
        envelope: Envelope::SdJwt(Box::new(sd)),
        profile: Format::SdJwtVc,
    })
}

/// A type metadata claim path (SD-JWT VC §9.1) as the dotted path the wallet uses for claims
/// (`learning_outcomes.1`): keys, numbers, `name[0]` as `name.0`; `None`
/// for a wildcard (null).
pub fn metadata_path(path: &[Value]) -> Option<String> {
    let mut out = Vec::new();
    for seg in path {
        match seg {
            Value::String(s) => match s.strip_suffix(']').and_then(|r| r.split_once('[')) {
                Some((k, i)) => {
                    out.push(k.to_string());
                    out.push(i.to_string());
                }
                None => out.push(s.clone()),
            },
            Value::Number(n) => out.push(n.to_string()),
            _ => return None,
        }
    }
    Some(out.join("."))
}

/// The value at a dotted claim path (`learner.family_name`, `learning_outcomes.1`).
pub fn claim_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, seg| match cur {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// The digest of a disclosure's base64url text (RFC 9901 §4.2.3), base64url without padding.
pub fn digest(alg: &str, disclosure: &str) -> Option<String> {
    let bytes = disclosure.as_bytes();
    let hash = match alg {
        "sha-256" => Sha256::digest(bytes).to_vec(),
        "sha-384" => Sha384::digest(bytes).to_vec(),
        "sha-512" => Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(hash))
}

fn decode_disclosure(d: &str, i: usize) -> Result<Disclosure, Error> {
    let n = i + 1;
    let bytes = b64url(d).ok_or_else(|| bad(format!("disclosure {n} is not base64url")))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| bad(format!("disclosure {n} is not UTF-8 text")))?;
    let v = super::detect::parse_json(text)
        .map_err(|e| bad(format!("disclosure {n} is not usable JSON: {e}")))?;
    let Value::Array(mut a) = v else {
        return Err(bad(format!("disclosure {n} is not a JSON array")));
    };
    if !a.first().is_some_and(Value::is_string) {
        return Err(bad(format!(
            "disclosure {n} does not start with a salt string"
        )));
    }
    match a.len() {
        2 => Ok(Disclosure {
            name: None,
            value: a.pop().unwrap_or(Value::Null),
        }),
        3 => {
            let value = a.pop().unwrap_or(Value::Null);
            let name = match a.pop() {
                Some(Value::String(s)) => s,
                _ => {
                    return Err(bad(format!(
                        "disclosure {n} has a claim name that is not a string"
                    )))
                }
            };
            if name == "_sd" || name == "..." {
                return Err(bad(format!(
                    "disclosure {n} names the claim `{name}`, which is reserved"
                )));
            }
            Ok(Disclosure {
                name: Some(name),
                value,
            })
        }
        k => Err(bad(format!(
            "disclosure {n} has {k} elements; a disclosure has 2 (array element) or 3 (claim)"
        ))),
    }
}

struct Rebuild {
    disclosures: HashMap<String, (usize, Disclosure)>,
    used: HashSet<String>,
    seen_digests: HashSet<String>,
    disclosed: Vec<String>,
    paths: Vec<Option<String>>,
    withheld: usize,
    problems: Vec<String>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Rebuild {
    /// Take the disclosure for `digest`, once; a digest seen before is a problem.
    fn take(&mut self, digest: &str) -> Option<(usize, Disclosure)> {
        if !self.seen_digests.insert(digest.to_string()) {
            self.problems.push(format!(
                "the digest {digest} appears more than once in the credential"
            ));
            return None;
        }
        match self.disclosures.remove(digest) {
            Some(d) => {
                self.used.insert(digest.to_string());
                Some(d)
            }
            None => {
                self.withheld += 1;
                None
            }
        }
    }

    fn object_or_array(&mut self, v: &mut Value, path: &str, depth: usize) -> Result<(), Error> {
        if depth > MAX_CLAIM_DEPTH {
            return Err(bad(format!(
                "an SD-JWT whose claims nest deeper than {MAX_CLAIM_DEPTH} levels"
            )));
        }
        match v {
            Value::Object(m) => self.object(m, path, depth),
            Value::Array(a) => self.array(a, path, depth),
            _ => Ok(()),
        }
    }

    fn object(
        &mut self,
        m: &mut Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Result<(), Error> {
        let digests = match m.remove("_sd") {
            None => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.problems
                    .push(format!("`_sd` at {} is not a list of digests", at(path)));
                Vec::new()
            }
        };
        // Claims already present are processed first; disclosed ones are processed as added.
        let keys: Vec<String> = m.keys().cloned().collect();
        for k in keys {
            if let Some(child) = m.get_mut(&k) {
                self.object_or_array(child, &join(path, &k), depth + 1)?;
            }
        }
        for dg in digests {
            let Value::String(dg) = dg else {
                self.problems.push(format!(
                    "`_sd` at {} holds a digest that is not a string",
                    at(path)
                ));
                continue;
            };
            let Some((i, d)) = self.take(&dg) else {
                continue;
            };
            let Some(name) = d.name else {
                self.problems.push(format!(
                    "disclosure {} is an array element but is referenced from `_sd` at {}",
                    i + 1,
                    at(path)
                ));
                continue;
            };
            if m.contains_key(&name) {
                self.problems.push(format!(
                    "disclosure {} discloses `{name}` at {}, which the credential already has",
                    i + 1,
                    at(path)
                ));
                continue;
            }
            let child_path = join(path, &name);
            let mut value = d.value;
            self.object_or_array(&mut value, &child_path, depth + 1)?;
            if let Some(slot) = self.paths.get_mut(i) {
                *slot = Some(child_path.clone());
            }
            self.disclosed.push(child_path);
            m.insert(name, value);
        }
        Ok(())
    }

    fn array(&mut self, a: &mut Vec<Value>, path: &str, depth: usize) -> Result<(), Error> {
        let items = std::mem::take(a);
        for (idx, item) in items.into_iter().enumerate() {
            let placeholder = match &item {
                Value::Object(o) if o.len() == 1 && o.contains_key("...") => {
                    Some(o.get("...").cloned().unwrap_or(Value::Null))
                }
                _ => None,
            };
            match placeholder {
                None => {
                    let mut item = item;
                    self.object_or_array(&mut item, &join(path, &idx.to_string()), depth + 1)?;
                    a.push(item);
                }
                Some(Value::String(dg)) => {
                    let Some((i, d)) = self.take(&dg) else {
                        continue;
                    };
                    if d.name.is_some() {
                        self.problems.push(format!(
                            "disclosure {} is a named claim but is referenced as an element of {}",
                            i + 1,
                            at(path)
                        ));
                        continue;
                    }
                    let child_path = join(path, &idx.to_string());
                    let mut value = d.value;
                    self.object_or_array(&mut value, &child_path, depth + 1)?;
                    if let Some(slot) = self.paths.get_mut(i) {
                        *slot = Some(child_path.clone());
                    }
                    self.disclosed.push(child_path);
                    a.push(value);
                }
                Some(_) => self.problems.push(format!(
                    "an element of {} holds a digest that is not a string",
                    at(path)
                )),
            }
        }
        Ok(())
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the top level".into()
    } else {
        format!("`{path}`")
    }
}
