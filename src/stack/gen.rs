//! Seeded generators of whole stacking problems (rules and candidates), shared by the
//! benchmark (`benches/stack.rs`) and the property tests (`tests_prop.rs`), so that what is
//! measured is what is checked.
//!
//! This file owns only data generation: it must not call the engine or assert anything. The
//! same seed always gives the same problem (xorshift, no extra crates).

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

use super::rules::{parse_rules, QualificationRules};
use super::{AuditContext, Candidate};
use crate::model::{MicroCredential, Party, Skill};

/// A generated problem.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The qualification.
    pub rules: QualificationRules,
    /// The learner's credentials.
    pub candidates: Vec<Candidate>,
    /// The audit date and the network.
    pub ctx: AuditContext,
}

/// A small deterministic PRNG (xorshift64).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const AB: &str = "did:web:ab.example";
const SUBJECTS: [&str; 20] = [
    "data",
    "ethics",
    "python",
    "health",
    "law",
    "energy",
    "design",
    "robotics",
    "finance",
    "ai",
    "nursing",
    "logistics",
    "security",
    "cloud",
    "climate",
    "marketing",
    "languages",
    "biology",
    "chemistry",
    "management",
];
const LETTERS: [&str; 5] = ["A", "B", "C", "D", "E"];

fn partner(i: u64) -> String {
    format!("did:web:partner{i}.example")
}

fn outsider(i: u64) -> String {
    format!("did:web:other{i}.example")
}

fn module_id(m: usize) -> String {
    format!("https://ab.example/modules/M{m}")
}

/// ECTS in one of the shapes institutions use: quarter steps, 2.5/5/7.5, whole numbers, or 0.
fn ects(r: &mut Rng, profile: u64) -> f64 {
    match profile {
        0 => (1 + r.below(32)) as f64 * 0.25,
        1 => *r.pick(&[2.5, 5.0, 7.5]),
        2 => (1 + r.below(10)) as f64,
        _ => *r.pick(&[0.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0]),
    }
}

fn ctx() -> AuditContext {
    let now = Utc
        .with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let mut network: Vec<String> = (0..4).map(partner).collect();
    network.push(AB.into());
    AuditContext::new(now, network)
}

fn rules_from(v: &Value) -> QualificationRules {
    match parse_rules(&v.to_string()) {
        Ok(r) => r,
        // The generators only write valid rules; an invalid one is a bug in this file.
        Err(e) => unreachable!("generated rules are invalid: {e}"),
    }
}

/// A filter for an `ectsFrom` requirement: now and then an open elective; else keywords plus, at random, EQF, grade, network,
/// assessment and age conditions.
fn filter(r: &mut Rng) -> Value {
    let mut f = serde_json::Map::new();
    if r.chance(8) {
        // An open elective: anything at EQF 5 or above.
        f.insert("minEqf".into(), json!(5));
        return Value::Object(f);
    }
    let kws: Vec<&str> = (0..1 + r.below(2)).map(|_| *r.pick(&SUBJECTS)).collect();
    f.insert("keywords".into(), json!(kws));
    if r.chance(25) {
        f.insert("minEqf".into(), json!(5 + r.below(2)));
    }
    if r.chance(20) {
        f.insert("issuerInNetwork".into(), json!(true));
    }
    if r.chance(20) {
        f.insert(
            "minGrade".into(),
            if r.chance(50) {
                json!({"atLeast": *r.pick(&["B", "C", "D"]), "scale": LETTERS})
            } else {
                json!({"atLeast": 3.0, "lowerIsBetter": true})
            },
        );
    }
    if r.chance(15) {
        f.insert("assessment".into(), json!({"supervised": true}));
    }
    if r.chance(15) {
        f.insert("issuedWithinYears".into(), json!(3 + r.below(4)));
    }
    Value::Object(f)
}

struct Tree {
    left: usize,
    leaves: Vec<f64>,
    modules: usize,
    id: usize,
}

impl Tree {
    fn id(&mut self, prefix: &str) -> String {
        self.id += 1;
        format!("{prefix}{}", self.id)
    }

    fn leaf(&mut self, r: &mut Rng) -> Value {
        self.left = self.left.saturating_sub(1);
        if r.chance(30) {
            let m = self.modules;
            self.modules += 1;
            self.leaves.push(5.0);
            return json!({"id": self.id("M"), "kind": "achievement", "achievementId": module_id(m)});
        }
        let need = *r.pick(&[2.5, 3.0, 5.0, 6.0, 7.5, 10.0, 12.0, 15.0]);
        self.leaves.push(need);
        let mut v =
            json!({"id": self.id("E"), "kind": "ectsFrom", "ects": need, "filter": filter(r)});
        if r.chance(12) {
            v["allowShared"] = json!(true);
        }
        v
    }

    fn node(&mut self, r: &mut Rng, depth: u32) -> Value {
        if self.left <= 2 || depth >= 2 || r.chance(45) {
            return self.leaf(r);
        }
        self.left -= 1;
        let k = (2 + r.below(4) as usize).min(self.left.max(1));
        let mut children = Vec::new();
        while children.len() < k && self.left > 0 {
            children.push(self.node(r, depth + 1));
        }
        if r.chance(55) && children.len() >= 2 {
            let n = 1 + r.below(children.len() as u64 - 1);
            json!({"id": self.id("N"), "kind": "nOf", "n": n, "children": children})
        } else {
            json!({"id": self.id("G"), "kind": "allOf", "children": children})
        }
    }
}

/// A qualification of about `requirements` requirement nodes (groups included) and a wallet of
/// `credentials` verified credentials, mixing fractional credits, grades, both caps,
/// recognition agreements (some carrying 0 ECTS), shared requirements and nested `nOf`
/// groups. Most of them cannot be completed (a requirement no credential fits, or too few
/// ECTS): the learner's usual case, where the search must prove how far they got.
pub fn mixed(seed: u64, credentials: usize, requirements: usize) -> Generated {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut t = Tree {
        left: requirements.max(1),
        leaves: Vec::new(),
        modules: 0,
        id: 0,
    };
    let mut reqs = Vec::new();
    while t.left > 0 {
        reqs.push(t.node(&mut r, 0));
    }
    let sum: f64 = t.leaves.iter().sum();
    let total = ((sum * (0.6 + r.below(50) as f64 / 100.0)) * 4.0).round() / 4.0;
    let mut caps = serde_json::Map::new();
    if r.chance(50) {
        caps.insert(
            "maxExternalEcts".into(),
            json!((5 + r.below(100)) as f64 * 0.25),
        );
    }
    if r.chance(35) {
        caps.insert(
            "maxEctsPerCredential".into(),
            json!(*r.pick(&[5.0, 6.0, 7.5, 10.0])),
        );
    }
    let agreements: Vec<Value> = (0..t.modules.min(3))
        .filter(|_| r.chance(60))
        .map(|m| {
            json!({"partner": {"id": partner(m as u64), "name": format!("Partner {m}")},
                   "achievementId": format!("https://partner{m}.example/a/{m}"),
                   "countsAs": module_id(m)})
        })
        .collect();
    let rules = rules_from(&json!({
        "version": 1, "id": format!("urn:gen:{seed}"), "title": format!("Generated {seed}"),
        "awardingBody": {"id": AB, "name": "Awarding Body"},
        "totalEcts": total.max(1.0), "caps": caps,
        "recognitionAgreements": agreements, "requirements": reqs,
    }));
    let profile = r.below(4);
    let modules = t.modules;
    let candidates = (0..credentials)
        .map(|i| {
            let who = r.below(10);
            let (issuer, agreement) = match who {
                0..=2 => (AB.to_string(), None),
                3..=6 => {
                    let p = r.below(4);
                    (
                        partner(p),
                        (p < modules as u64 && r.chance(30)).then_some(p),
                    )
                }
                _ => (outsider(r.below(3)), None),
            };
            let achievement_id = match agreement {
                Some(p) => Some(format!("https://partner{p}.example/a/{p}")),
                None if issuer == AB && modules > 0 && r.chance(50) => {
                    Some(module_id(r.below(modules as u64) as usize))
                }
                None => Some(format!("urn:gen:course:{}", r.below(1000))),
            };
            let credits = if agreement.is_some() && r.chance(40) {
                0.0
            } else {
                let shape = if r.chance(80) { profile } else { r.below(4) };
                ects(&mut r, shape)
            };
            let grade = if r.chance(50) {
                r.pick(&LETTERS).to_string()
            } else {
                format!("{:.1}", 1.0 + r.below(31) as f64 / 10.0)
            };
            let mc = MicroCredential {
                title: Some(format!("Course {i}")),
                issuer: Party {
                    id: Some(issuer),
                    name: Some("Institution".into()),
                    country: None,
                },
                ects: Some(credits),
                eqf_level: Some(4 + r.below(4) as u8),
                keywords: (0..1 + r.below(3))
                    .map(|_| r.pick(&SUBJECTS).to_string())
                    .collect(),
                skills: vec![Skill {
                    name: "skill".into(),
                    uri: Some(format!("http://data.europa.eu/esco/skill/s{}", r.below(20))),
                    framework: Some("ESCO".into()),
                }],
                issued: Some(format!("{}-0{}-15", 2018 + r.below(8), 1 + r.below(9))),
                achievement_id,
                grade: Some(grade),
                supervision: Some(
                    (*r.pick(&[
                        "supervised exam with identity verification",
                        "unsupervised quiz",
                    ]))
                    .into(),
                ),
                ..MicroCredential::default()
            };
            Candidate::verified(format!("c{i}"), mc)
        })
        .collect();
    Generated {
        rules,
        candidates,
        ctx: ctx(),
    }
}

/// `tracks` exclusive `track_ects` tracks ("ectsFrom", all matching every credential), all
/// required, and `credentials` credentials whose credits come from `credits` (hundredths),
/// with fewer ECTS in all than the tracks need (dropping credentials if even the smallest
/// credits are too many): the qualification cannot be completed and the search must prove how
/// many tracks can be met at most.
pub fn tracks(
    seed: u64,
    credentials: usize,
    tracks: usize,
    track_ects: f64,
    credits: &[u64],
) -> Generated {
    let mut r = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let reqs: Vec<Value> = (0..tracks)
        .map(|t| json!({"id": format!("T{t}"), "kind": "ectsFrom", "ects": track_ects}))
        .collect();
    let mut cents: Vec<u64> = (0..credentials).map(|_| *r.pick(credits)).collect();
    let need = (track_ects * 100.0).round() as u64 * tracks as u64;
    // Fewer ECTS than all tracks need, keeping the credits' shape: the largest becomes a
    // random smaller credit, and once all are the smallest, credentials are dropped.
    while cents.iter().sum::<u64>() >= need {
        let Some(m) = cents.iter().copied().max() else {
            break;
        };
        let smaller: Vec<u64> = credits.iter().copied().filter(|&c| c < m).collect();
        match cents.iter().position(|&c| c == m) {
            Some(at) if !smaller.is_empty() => cents[at] = *r.pick(&smaller),
            _ => {
                cents.pop();
            }
        }
    }
    let rules = rules_from(&json!({
        "version": 1, "id": format!("urn:gen:tracks:{seed}"), "title": "Tracks",
        "awardingBody": {"id": AB, "name": "Awarding Body"},
        "totalEcts": track_ects * tracks as f64, "requirements": reqs,
    }));
    let candidates = cents
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let mc = MicroCredential {
                title: Some(format!("Course {i}")),
                issuer: Party {
                    id: Some(AB.into()),
                    ..Party::default()
                },
                ects: Some(c as f64 / 100.0),
                ..MicroCredential::default()
            };
            Candidate::verified(format!("t{i}"), mc)
        })
        .collect();
    Generated {
        rules,
        candidates,
        ctx: ctx(),
    }
}

/// The constructed subset-sum case: `credentials` external credentials with even-cent credits
/// (1.00 to 8.98) and an external cap with odd cents that no subset reaches.
pub fn subset_sum(seed: u64, credentials: usize) -> Generated {
    let mut r = Rng(seed | 1);
    let cents: Vec<u64> = (0..credentials).map(|_| 100 + 2 * r.below(400)).collect();
    let cap = (cents.iter().sum::<u64>() / 200) as f64 + 0.01;
    let rules = rules_from(&json!({
        "version": 1, "id": "urn:gen:subset-sum", "title": "Worst",
        "totalEcts": 1000, "awardingBody": {"id": AB, "name": "AB"},
        "caps": {"maxExternalEcts": cap},
        "requirements": [{"id": "R1", "kind": "ectsFrom", "ects": 1000}],
    }));
    let candidates = cents
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let mc = MicroCredential {
                issuer: Party {
                    id: Some(outsider(0)),
                    ..Party::default()
                },
                ects: Some(c as f64 / 100.0),
                ..MicroCredential::default()
            };
            Candidate::verified(format!("w{i}"), mc)
        })
        .collect();
    Generated {
        rules,
        candidates,
        ctx: ctx(),
    }
}
