//! Stacking engine benchmark (`cargo bench --bench stack`): plain `std::time::Instant`, prints
//! tables. It owns only synthetic data generation and timing; it must not assert figures
//! (machines differ), only print them.
//!
//! 1. 1,000 credentials against 20 qualifications, all audits together (target < 100 ms).
//! 2. How the search grows with the number of credentials on realistic data.
//! 3. A constructed worst case (subset-sum under the external cap) and its node counts.
//!
//! `cargo bench --bench stack -- quick` runs only the first table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use microcredx::model::{MicroCredential, Party, Skill};
use microcredx::stack::{audit, audit_with_budget, parse_rules, AuditContext, Candidate};
use microcredx::stack::{QualificationRules, DEFAULT_NODE_BUDGET};
use serde_json::json;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SUBJECTS: [&str; 24] = [
    "data",
    "statistics",
    "python",
    "ethics",
    "ai",
    "robotics",
    "law",
    "finance",
    "marketing",
    "design",
    "energy",
    "climate",
    "health",
    "nursing",
    "logistics",
    "security",
    "cloud",
    "networks",
    "databases",
    "management",
    "languages",
    "education",
    "chemistry",
    "biology",
];

fn issuer(i: u64) -> String {
    format!("did:web:inst{i}.example")
}

fn credential(r: &mut Rng, i: usize) -> Candidate {
    let inst = r.below(12);
    let kws: Vec<String> = (0..1 + r.below(3))
        .map(|_| SUBJECTS[r.below(SUBJECTS.len() as u64) as usize].to_string())
        .collect();
    let module = r.below(8);
    let m = MicroCredential {
        title: Some(format!("Course {i}")),
        issuer: Party {
            id: Some(issuer(inst)),
            name: Some(format!("Institution {inst}")),
            country: None,
        },
        ects: Some([2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 10.0][r.below(7) as usize]),
        eqf_level: Some(4 + r.below(4) as u8),
        keywords: kws,
        skills: vec![Skill {
            name: "skill".into(),
            uri: Some(format!("http://data.europa.eu/esco/skill/s{}", r.below(50))),
            framework: Some("ESCO".into()),
        }],
        issued: Some(format!("{}-0{}-15", 2018 + r.below(8), 1 + r.below(9))),
        achievement_id: Some(format!("https://inst{inst}.example/m/M{module}")),
        grade: Some(["A", "B", "C", "D"][r.below(4) as usize].into()),
        supervision: Some(
            [
                "supervised exam with identity verification",
                "unsupervised quiz",
            ][r.below(2) as usize]
                .into(),
        ),
        ..MicroCredential::default()
    };
    Candidate::verified(format!("c{i}"), m)
}

fn qualification(r: &mut Rng, q: usize) -> QualificationRules {
    let inst = r.below(12);
    let ab = issuer(inst);
    let kw = |r: &mut Rng| SUBJECTS[r.below(SUBJECTS.len() as u64) as usize];
    let mods: Vec<serde_json::Value> = (0..2 + r.below(2))
        .map(|m| {
            json!({"id": format!("M{m}"), "kind": "achievement",
                   "achievementId": format!("https://inst{inst}.example/m/M{m}")})
        })
        .collect();
    let electives: Vec<serde_json::Value> = (0..4)
        .map(|e| {
            json!({"id": format!("E{e}"), "kind": "ectsFrom", "ects": 5,
                   "filter": {"keywords": [kw(r), kw(r)], "minEqf": 5}})
        })
        .collect();
    let partner = (inst + 1) % 12;
    let text = json!({
        "version": 1, "id": format!("q{q}"), "title": format!("Qualification {q}"),
        "awardingBody": {"id": ab, "name": format!("Institution {inst}")},
        "totalEcts": 30 + 5 * r.below(4),
        "caps": {"maxExternalEcts": 15, "maxEctsPerCredential": 6},
        "recognitionAgreements": [{"partner": {"id": issuer(partner), "name": "Partner"},
            "achievementId": format!("https://inst{partner}.example/m/M0"), "countsAs": "M0"}],
        "requirements": [
            {"id": "CORE", "kind": "allOf", "children": mods},
            {"id": "MAJOR", "kind": "ectsFrom", "ects": 10,
             "filter": {"keywords": [kw(r), kw(r), kw(r)], "issuedWithinYears": 6,
                        "issuerInNetwork": true}},
            {"id": "ELECTIVES", "kind": "nOf", "n": 2, "children": electives},
            {"id": "ETHICS", "kind": "ectsFrom", "ects": 3, "allowShared": true,
             "filter": {"keywords": ["ethics", "law"],
                        "assessment": {"supervised": true, "identityVerified": true}}}
        ]
    });
    parse_rules(&text.to_string()).unwrap()
}

fn ctx() -> AuditContext {
    AuditContext::new(
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        (0..8).map(issuer),
    )
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let ctx = ctx();
    let mut r = Rng(0x5EED_1234_ABCD_0001);
    let creds: Vec<Candidate> = (0..1000).map(|i| credential(&mut r, i)).collect();
    let quals: Vec<QualificationRules> = (0..20).map(|q| qualification(&mut r, q)).collect();

    println!("## 1. 1,000 credentials x 20 qualifications (release, median of 15 runs)\n");
    let mut times = Vec::new();
    let mut last = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        last = quals
            .iter()
            .map(|q| audit(q, &creds, &ctx))
            .collect::<Vec<_>>();
        times.push(t.elapsed());
    }
    let total = median(times);
    println!("| qualification | complete | ECTS counted | counted creds | nodes | proven |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for a in &last {
        println!(
            "| {} | {} | {} / {} | {} | {} | {} |",
            a.qualification_id,
            a.complete,
            a.ects_counted,
            a.ects_required,
            a.candidates.iter().filter(|c| c.counted).count(),
            a.nodes_explored,
            a.proven_optimal
        );
    }
    println!(
        "\nall 20 audits: {:.1} ms ({:.2} ms per audit; target < 100 ms)\n",
        total.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3 / 20.0
    );

    if std::env::args().any(|a| a == "quick") {
        return;
    }
    println!("## 2. Growth with the number of credentials (qualification q0..q4)\n");
    println!("| credentials | eligible (q0) | nodes (sum of 5) | time for 5 audits | all proven |");
    println!("| --- | --- | --- | --- | --- |");
    for n in [50usize, 100, 250, 500, 1000, 2000, 4000] {
        let mut r = Rng(0xC0FF_EE00 + n as u64);
        let cs: Vec<Candidate> = (0..n).map(|i| credential(&mut r, i)).collect();
        let t = Instant::now();
        let audits: Vec<_> = quals[..5].iter().map(|q| audit(q, &cs, &ctx)).collect();
        let el = t.elapsed();
        let eligible = audits[0]
            .candidates
            .iter()
            .filter(|c| {
                c.counted
                    || !c.reasons.iter().any(|r| {
                        r.contains("none of")
                            || r.contains("not one of")
                            || r.contains("below")
                            || r.contains("older")
                            || r.contains("not in the network")
                            || r.contains("not supervised")
                    })
            })
            .count();
        println!(
            "| {n} | {eligible} | {} | {:.1} ms | {} |",
            audits.iter().map(|a| a.nodes_explored).sum::<u64>(),
            el.as_secs_f64() * 1e3,
            audits.iter().all(|a| a.proven_optimal)
        );
    }

    println!("\n## 3. Constructed worst case: subset sum under the external cap\n");
    println!("All credentials external with distinct even-cent ECTS (1.00 to 8.98), one ectsFrom");
    println!(
        "leaf, an external cap with odd cents: no subset reaches the cap exactly, so the bound"
    );
    println!(
        "(remaining ECTS clipped to the cap) never meets the best and optimality must be proven"
    );
    println!(
        "by exhaustion (subset sum). Nodes grow exponentially until the budget stops the search"
    );
    println!("({DEFAULT_NODE_BUDGET} nodes) with the best assignment found.\n");
    println!("| credentials | nodes | time | proven optimal | ECTS counted / cap |");
    println!("| --- | --- | --- | --- | --- |");
    for n in [8usize, 10, 12, 14, 16, 18, 20, 24, 28, 32, 40, 60] {
        let mut r = Rng(0xBAD_CA5E + n as u64);
        let cs: Vec<Candidate> = (0..n)
            .map(|i| {
                let e = 1.0 + (2 * r.below(400)) as f64 / 100.0;
                let m = MicroCredential {
                    issuer: Party {
                        id: Some("did:web:ext.example".into()),
                        ..Party::default()
                    },
                    ects: Some(e),
                    ..MicroCredential::default()
                };
                Candidate::verified(format!("w{i}"), m)
            })
            .collect();
        let sum: f64 = cs.iter().filter_map(|c| c.credential.ects).sum();
        let cap = (sum / 2.0).floor() + 0.01;
        let rules = parse_rules(
            &json!({"version": 1, "id": "w", "title": "Worst", "totalEcts": 1000,
                "awardingBody": {"id": "did:web:ab.example", "name": "AB"},
                "caps": {"maxExternalEcts": cap},
                "requirements": [{"id": "R1", "kind": "ectsFrom", "ects": 1000}]})
            .to_string(),
        )
        .unwrap();
        let t = Instant::now();
        let a = audit_with_budget(&rules, &cs, &ctx, DEFAULT_NODE_BUDGET);
        println!(
            "| {n} | {} | {:.1} ms | {} | {} / {cap} |",
            a.nodes_explored,
            t.elapsed().as_secs_f64() * 1e3,
            a.proven_optimal,
            a.ects_counted
        );
    }
}
