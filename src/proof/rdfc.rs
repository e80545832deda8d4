//! RDF Dataset Canonicalization (W3C RDFC-1.0, SHA-256), hand-written to match the JS
//! `rdf-canonize` byte for byte, including its default work bound (at most as many Hash
//! N-Degree Quads calls as there are blank nodes with shared first-degree hashes) plus a
//! permutation bound, so a poisoned dataset fails fast instead of running forever. Must not
//! parse JSON-LD or know about signatures.

use crate::proof::jsonld::nquads::{js_cmp, write_iri, write_literal};
use crate::proof::jsonld::{JsonLdError, Quad, Term};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Upper bound on permutations examined across one canonicalisation.
const MAX_PERMUTATIONS: u64 = 100_000;

/// A quad component: pre-serialised text, or a blank node by index.
#[derive(Clone)]
enum Part {
    Text(String),
    Blank(usize),
}

struct IQuad {
    s: Part,
    p: String,
    p_raw: String,
    o: Part,
    g: Option<Part>,
}

/// Issued identifiers: index → number, plus issue order.
#[derive(Clone)]
struct Issuer {
    ids: Vec<u32>,
    order: Vec<usize>,
}

const NONE: u32 = u32::MAX;

impl Issuer {
    fn new(n: usize) -> Self {
        Issuer {
            ids: vec![NONE; n],
            order: Vec::new(),
        }
    }
    fn get(&self, b: usize) -> Option<u32> {
        self.ids.get(b).copied().filter(|&v| v != NONE)
    }
    fn issue(&mut self, b: usize) -> u32 {
        if let Some(v) = self.get(b) {
            return v;
        }
        let v = self.order.len() as u32;
        if let Some(slot) = self.ids.get_mut(b) {
            *slot = v;
        }
        self.order.push(b);
        v
    }
}

struct State {
    quads: Vec<IQuad>,
    node_quads: Vec<Vec<usize>>,
    first: Vec<String>,
    canon: Issuer,
    calls_left: u64,
    max_calls: u64,
    perms_left: u64,
}

fn hex_sha256(data: &str) -> String {
    let d = Sha256::digest(data.as_bytes());
    let mut s = String::with_capacity(64);
    for b in d {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s
}

fn text_of(t: &Term, labels: &mut HashMap<String, usize>) -> Part {
    match t {
        Term::Iri(i) => {
            let mut s = String::new();
            write_iri(i, &mut s);
            Part::Text(s)
        }
        Term::Literal(l) => {
            let mut s = String::new();
            write_literal(l, &mut s);
            Part::Text(s)
        }
        Term::Blank(b) => {
            let n = labels.len();
            Part::Blank(*labels.entry(b.clone()).or_insert(n))
        }
    }
}

fn serialize(q: &IQuad, label: &dyn Fn(usize, &mut String), out: &mut String) {
    let part = |p: &Part, out: &mut String| match p {
        Part::Text(t) => out.push_str(t),
        Part::Blank(b) => {
            out.push_str("_:");
            label(*b, out);
        }
    };
    part(&q.s, out);
    out.push(' ');
    out.push_str(&q.p);
    out.push(' ');
    part(&q.o, out);
    if let Some(g) = &q.g {
        out.push(' ');
        part(g, out);
    }
    out.push_str(" .\n");
}

/// Canonical N-Quads for `quads` (duplicates ignored): sorted lines, each ending in `\n`.
pub fn canonicalize(quads: &[Quad]) -> Result<String, JsonLdError> {
    let (st, _) = issue_canonical(quads)?;
    let canon = &st.canon;
    let label = |b: usize, out: &mut String| {
        let _ = write!(out, "c14n{}", canon.get(b).unwrap_or(NONE));
    };
    let mut lines: Vec<String> = st
        .quads
        .iter()
        .map(|q| {
            let mut s = String::with_capacity(128);
            serialize(q, &label, &mut s);
            s
        })
        .collect();
    lines.sort_by(|a, b| js_cmp(a, b));
    Ok(lines.concat())
}

/// The canonical blank node identifier map of RDFC-1.0 for `quads` (duplicates ignored):
/// each blank node label of the input (without `_:`) and the canonical label [`canonicalize`]
/// writes for it (`c14n0`, `c14n1`, …). The selective disclosure suites relabel canonical
/// N-Quads through it (vc-di-ecdsa §3.4, labelReplacementCanonicalizeNQuads).
pub fn canonical_labels(quads: &[Quad]) -> Result<HashMap<String, String>, JsonLdError> {
    let (st, labels) = issue_canonical(quads)?;
    Ok(labels
        .into_iter()
        .map(|(label, b)| (label, format!("c14n{}", st.canon.get(b).unwrap_or(NONE))))
        .collect())
}

/// Runs the canonicalisation algorithm up to the issued canonical identifiers: the state
/// (quads and canonical issuer) and the input blank node labels by index.
fn issue_canonical(quads: &[Quad]) -> Result<(State, HashMap<String, usize>), JsonLdError> {
    let mut labels: HashMap<String, usize> = HashMap::new();
    let mut unique: Vec<&Quad> = quads.iter().collect();
    unique.sort_unstable();
    unique.dedup();
    let mut iq = Vec::with_capacity(unique.len());
    for q in unique {
        let mut p = String::new();
        write_iri(&q.predicate, &mut p);
        iq.push(IQuad {
            s: text_of(&q.subject, &mut labels),
            p,
            p_raw: q.predicate.clone(),
            o: text_of(&q.object, &mut labels),
            g: q.graph.as_ref().map(|g| text_of(g, &mut labels)),
        });
    }
    let n = labels.len();
    let mut node_quads = vec![Vec::new(); n];
    for (i, q) in iq.iter().enumerate() {
        for p in [Some(&q.s), Some(&q.o), q.g.as_ref()].into_iter().flatten() {
            if let Part::Blank(b) = p {
                if node_quads[*b].last() != Some(&i) {
                    node_quads[*b].push(i);
                }
            }
        }
    }
    let mut st = State {
        quads: iq,
        node_quads,
        first: Vec::with_capacity(n),
        canon: Issuer::new(n),
        calls_left: 0,
        max_calls: 0,
        perms_left: MAX_PERMUTATIONS,
    };
    for b in 0..n {
        let h = st.first_degree(b);
        st.first.push(h);
    }
    let mut by_hash: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (b, h) in st.first.iter().enumerate() {
        by_hash.entry(h.as_str()).or_default().push(b);
    }
    let mut non_unique: Vec<Vec<usize>> = Vec::new();
    let mut unique: Vec<usize> = Vec::new();
    for list in by_hash.values() {
        if list.len() == 1 {
            unique.push(list[0]);
        } else {
            non_unique.push(list.clone());
        }
    }
    for b in unique {
        st.canon.issue(b);
    }
    st.max_calls = non_unique.iter().map(|l| l.len() as u64).sum();
    st.calls_left = st.max_calls;
    for list in non_unique {
        let mut paths: Vec<(String, Issuer)> = Vec::new();
        for b in list {
            if st.canon.get(b).is_some() {
                continue;
            }
            let mut tmp = Issuer::new(n);
            tmp.issue(b);
            paths.push(st.hash_n_degree(b, &tmp)?);
        }
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, issuer) in paths {
            for &b in &issuer.order {
                st.canon.issue(b);
            }
        }
    }
    Ok((st, labels))
}

impl State {
    fn first_degree(&self, b: usize) -> String {
        let label = |x: usize, out: &mut String| out.push(if x == b { 'a' } else { 'z' });
        let mut lines: Vec<String> = self.node_quads[b]
            .iter()
            .map(|&i| {
                let mut s = String::with_capacity(128);
                serialize(&self.quads[i], &label, &mut s);
                s
            })
            .collect();
        lines.sort_by(|a, b| js_cmp(a, b));
        hex_sha256(&lines.concat())
    }

    fn hash_related(&self, related: usize, q: &IQuad, issuer: &Issuer, pos: char) -> String {
        let mut input = String::with_capacity(160);
        input.push(pos);
        if pos != 'g' {
            // The predicate IRI unescaped, in angle brackets.
            input.push('<');
            input.push_str(&q.p_raw);
            input.push('>');
        }
        if let Some(c) = self.canon.get(related) {
            input.push_str(&format!("_:c14n{c}"));
        } else if let Some(t) = issuer.get(related) {
            input.push_str(&format!("_:b{t}"));
        } else {
            input.push_str(&self.first[related]);
        }
        hex_sha256(&input)
    }

    fn hash_n_degree(
        &mut self,
        id: usize,
        issuer: &Issuer,
    ) -> Result<(String, Issuer), JsonLdError> {
        if self.calls_left == 0 {
            return Err(JsonLdError::TooComplex(format!(
                "maximum deep iterations exceeded ({})",
                self.max_calls
            )));
        }
        self.calls_left -= 1;
        let mut hn: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &qi in &self.node_quads[id] {
            let q = &self.quads[qi];
            for (pos, part) in [('s', Some(&q.s)), ('o', Some(&q.o)), ('g', q.g.as_ref())] {
                if let Some(Part::Blank(r)) = part {
                    if *r != id {
                        let h = self.hash_related(*r, q, issuer, pos);
                        hn.entry(h).or_default().push(*r);
                    }
                }
            }
        }
        let mut data = String::new();
        let mut issuer = issuer.clone();
        for (h, list) in hn {
            data.push_str(&h);
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            let mut perm: Vec<usize> = list;
            perm.sort_unstable();
            loop {
                if self.perms_left == 0 {
                    return Err(JsonLdError::TooComplex(
                        "too many blank node permutations".into(),
                    ));
                }
                self.perms_left -= 1;
                if let Some((path, copy)) = self.try_permutation(&perm, &issuer, &chosen_path)? {
                    if chosen_path.is_empty() || path < chosen_path {
                        chosen_path = path;
                        chosen_issuer = Some(copy);
                    }
                }
                if !next_permutation(&mut perm) {
                    break;
                }
            }
            data.push_str(&chosen_path);
            if let Some(c) = chosen_issuer {
                issuer = c;
            }
        }
        Ok((hex_sha256(&data), issuer))
    }

    /// One permutation of Hash N-Degree Quads step 5.4; `None` when it cannot beat `chosen`.
    fn try_permutation(
        &mut self,
        perm: &[usize],
        issuer: &Issuer,
        chosen: &str,
    ) -> Result<Option<(String, Issuer)>, JsonLdError> {
        let mut copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        let worse = |path: &str| !chosen.is_empty() && path.len() >= chosen.len() && path > chosen;
        for &r in perm {
            if let Some(c) = self.canon.get(r) {
                path.push_str(&format!("_:c14n{c}"));
            } else {
                if copy.get(r).is_none() {
                    recursion.push(r);
                }
                let t = copy.issue(r);
                path.push_str(&format!("_:b{t}"));
            }
            if worse(&path) {
                return Ok(None);
            }
        }
        for r in recursion {
            let (h, result_issuer) = self.hash_n_degree(r, &copy)?;
            let t = copy.issue(r);
            path.push_str(&format!("_:b{t}<{h}>"));
            copy = result_issuer;
            if worse(&path) {
                return Ok(None);
            }
        }
        Ok(Some((path, copy)))
    }
}

/// Advances to the next lexicographic permutation; false when back at the first.
fn next_permutation(v: &mut [usize]) -> bool {
    if v.len() < 2 {
        return false;
    }
    let mut i = v.len() - 1;
    while i > 0 && v[i - 1] >= v[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = v.len() - 1;
    while v[j] <= v[i - 1] {
        j -= 1;
    }
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}
