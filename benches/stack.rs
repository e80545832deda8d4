//! Stacking engine benchmark (`cargo bench --bench stack`): plain `std::time::Instant`, prints
//! tables. It owns only synthetic data generation and timing; it must not assert figures
//! (machines differ), only print them.
//!
//! 1. 1,000 credentials against 20 qualifications, all audits together (target < 50 ms, issue 15).
//! 2. How the search grows with the number of credentials on realistic data.
//! 3. Generated wallets of up to 100 credentials against up to 30 requirements (median, worst).
//! 4. Unfinished qualifications: exclusive tracks with too few ECTS.
//! 5. A constructed worst case (subset-sum under the external cap) and its node counts.
//!
//! `cargo bench --bench stack -- quick` runs only the first table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use microcredx::model::{MicroCredential, Party, Skill};
use microcredx::stack::{audit, audit_with_budget, parse_rules, AuditContext, Candidate};
use microcredx::stack::{gen, QualificationRules, Status, DEFAULT_NODE_BUDGET};
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
    let args: Vec<String> = std::env::args().collect();
    // The numbers after the mode's name (`seeds N Q FROM TO`: `num(1)` is N), 0 if absent.
    let mode = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        let args = &args;
        Some(move |k: usize| {
            args.get(at + k)
                .and_then(|a| a.parse::<u64>().ok())
                .unwrap_or(0)
        })
    };
    // `cargo bench --bench stack -- dump N Q FROM TO`: one JSON line per generated problem,
    // its search problem and the engine's answer, for `scripts/stack-reference`.
    if let Some(num) = mode("dump") {
        for seed in num(3)..num(4) {
            let g = gen::mixed(seed, num(1) as usize, num(2) as usize);
            let t = Instant::now();
            let a = audit(&g.rules, &g.candidates, &g.ctx);
            let el = t.elapsed();
            let mut v = microcredx::stack::search_problem_json(&g.rules, &g.candidates, &g.ctx);
            let ects = ((a.ects_counted * 100.0).round() as u64).min(v["total"].as_u64().unwrap());
            v["seed"] = json!(seed);
            v["engine"] = json!({
                "complete": a.complete, "progress": progress(&a.requirements), "ects": ects,
                "credentials": a.candidates.iter().filter(|c| c.counted).count(),
                "proven": a.proven_optimal, "nodes": a.nodes_explored, "ms": ms(el),
            });
            println!("{v}");
        }
        return;
    }
    // `cargo bench --bench stack -- seeds N Q FROM TO [BUDGET]`: one line per generated problem.
    if let Some(num) = mode("seeds") {
        for seed in num(3)..num(4) {
            let g = gen::mixed(seed, num(1) as usize, num(2) as usize);
            let t = Instant::now();
            let budget = match num(5) {
                0 => DEFAULT_NODE_BUDGET,
                b => b,
            };
            let a = audit_with_budget(&g.rules, &g.candidates, &g.ctx, budget);
            println!(
                "seed {seed}: {:.2} ms, {} nodes, proven {}, complete {}, ects {} of {}, met {}, counted {}",
                ms(t.elapsed()),
                a.nodes_explored,
                a.proven_optimal,
                a.complete,
                a.ects_counted,
                a.ects_required,
                progress(&a.requirements),
                a.candidates.iter().filter(|c| c.counted).count()
            );
        }
        return;
    }
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
        "\nall 20 audits: {:.1} ms ({:.2} ms per audit; target < 50 ms, issue 15)\n",
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

    if !std::env::args().any(|a| a == "no-sizes") {
        sizes();
    }
    tracks_and_subset_sum();
}

fn sizes() {
    println!("\n## 3. Generated wallets: mixed problems, complete or not\n");
    println!("Seeded problems (`stack::gen::mixed`): fractional credits, grades, both caps,");
    println!("agreements (some of 0 ECTS), shared requirements, nested nOf groups; most cannot");
    println!("be completed. Time per audit, release build.\n");
    println!("| credentials | requirements | problems | complete | proven | median | p90 | worst | most nodes |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let seeds = if quick_sizes() { 20 } else { 60 };
    for (n, q) in [(20usize, 10usize), (50, 20), (100, 30)] {
        let mut times = Vec::new();
        let (mut complete, mut proven, mut nodes, mut worst_seed) = (0, 0, 0u64, 0);
        for seed in 0..seeds {
            let g = gen::mixed(seed, n, q);
            let t = Instant::now();
            let a = audit(&g.rules, &g.candidates, &g.ctx);
            let el = t.elapsed();
            if times.iter().all(|&x| x < el) {
                worst_seed = seed;
            }
            times.push(el);
            complete += usize::from(a.complete);
            proven += usize::from(a.proven_optimal);
            nodes = nodes.max(a.nodes_explored);
        }
        let mut sorted = times.clone();
        sorted.sort();
        println!(
            "| {n} | {q} | {seeds} | {complete} | {proven} | {:.2} ms | {:.2} ms | {:.2} ms (seed {worst_seed}) | {nodes} |",
            ms(sorted[sorted.len() / 2]),
            ms(sorted[sorted.len() * 9 / 10]),
            ms(sorted[sorted.len() - 1]),
        );
    }
}

fn tracks_and_subset_sum() {
    println!("\n## 4. Unfinished: exclusive tracks and too few ECTS\n");
    println!(
        "Every credential fits every track; the ECTS in all are fewer than the tracks need.\n"
    );
    println!("| case | credentials | tracks | met | nodes | time | proven |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let quarters: Vec<u64> = (1..=32).map(|q| q * 25).collect();
    let cases = [
        ("0.25-ECTS steps", 30, &quarters[..]),
        ("2.5/5/7.5", 16, &[250, 500, 750][..]),
    ];
    for (name, n, credits) in cases {
        for seed in 1..=5 {
            let g = gen::tracks(seed, n, 12, 6.0, credits);
            let t = Instant::now();
            let a = audit(&g.rules, &g.candidates, &g.ctx);
            let el = t.elapsed();
            let met = a
                .requirements
                .iter()
                .filter(|r| r.status == Status::Met)
                .count();
            println!(
                "| {name} (seed {seed}) | {} | 12 | {met} | {} | {:.2} ms | {} |",
                g.candidates.len(),
                a.nodes_explored,
                ms(el),
                a.proven_optimal
            );
        }
    }

    println!("\n## 5. Constructed worst case: subset sum under the external cap\n");
    println!("All credentials external with even-cent ECTS (1.00 to 8.98), one ectsFrom leaf, an");
    println!(
        "external cap with odd cents: no subset reaches the cap exactly, so optimality must be"
    );
    println!("proven (the bound knows the sums the remaining external credits can make).\n");
    println!("| credentials | nodes | time | proven optimal | ECTS counted / cap |");
    println!("| --- | --- | --- | --- | --- |");
    for n in [10usize, 20, 28, 40, 60, 100] {
        let g = gen::subset_sum(0xBAD_CA5E + n as u64, n);
        let t = Instant::now();
        let a = audit_with_budget(&g.rules, &g.candidates, &g.ctx, DEFAULT_NODE_BUDGET);
        println!(
            "| {n} | {} | {:.2} ms | {} | {} / {} |",
            a.nodes_explored,
            ms(t.elapsed()),
            a.proven_optimal,
            a.ects_counted,
            g.rules.caps.max_external_ects.unwrap_or(0.0)
        );
    }
}

/// Requirements met that matter, as the engine counts progress (a node's own flag plus its
/// children's, or its n best children's).
fn progress(rs: &[microcredx::stack::RequirementAudit]) -> u32 {
    rs.iter().map(node_progress).sum()
}

fn node_progress(r: &microcredx::stack::RequirementAudit) -> u32 {
    let own = u32::from(r.status == Status::Met);
    let mut v: Vec<u32> = r.children.iter().map(node_progress).collect();
    v.sort_unstable_by(|a, b| b.cmp(a));
    let take = match (r.kind, r.count_needed) {
        (microcredx::stack::Kind::NOf, Some(n)) => n as usize,
        _ => v.len(),
    };
    own + v.iter().take(take).sum::<u32>()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn quick_sizes() -> bool {
    std::env::args().any(|a| a == "sizes-quick")
}
