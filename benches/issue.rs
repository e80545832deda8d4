//! Bulk-issuing throughput: 10,000 Open Badges 3.0 credentials per suite through
//! `microcredx::issuer::issue_batch`, the function `mcx issuer issue` calls, on one core.
//! Prints credentials per second in memory, and with the files written as the command does
//! (`write_issued`). `scripts/bench-issue` runs it beside the JS reference's `bulk` command.
//!
//! `MCX_BENCH_N` overrides the count.

use microcredx::issuer::{self, BatchOptions, Issuer};
use microcredx::proof::di::Suite;
use microcredx::proof::keys::KeyPair;
use std::time::Instant;

const ACHIEVEMENT: &str = r#"{"id": "https://th-nordstadt.example/mc/industry-4-0-fundamentals",
  "name": "Industry 4.0 Fundamentals", "description": "Cyber-physical production systems.",
  "ects": 5, "eqfLevel": 6, "learningOutcomes": [{"name": "Apply Industry 4.0 technologies",
  "uri": "http://data.europa.eu/esco/skill/a2f2a1e3-8c4e-4b6a-9a51-7d0f1c2e3b40"}, "Explain RAMI 4.0"],
  "assessmentType": "Supervised written exam", "participationForm": "Blended",
  "qualityAssurance": "Accredited programme", "language": "en", "keywords": ["industry 4.0"]}"#;

fn main() {
    let n: usize = std::env::var("MCX_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let Ok(issuer) = Issuer::new(
        KeyPair::generate(),
        "Technische Hochschule Nordstadt",
        Some("DE"),
        None,
    ) else {
        eprintln!("cannot make the issuer");
        return;
    };
    let Ok(template) = issuer::parse_achievement(ACHIEVEMENT) else {
        eprintln!("bad achievement");
        return;
    };
    let mut csv = String::from("id,name,email,grade,issued\n");
    for i in 0..n {
        csv.push_str(&format!(
            "did:example:learner-{i},Learner {i},learner{i}@example.org,1.{},2026-0{}-15\n",
            i % 10,
            1 + i % 9
        ));
    }
    let Ok((rows, bad)) = issuer::parse_learners(&csv) else {
        eprintln!("bad learners table");
        return;
    };
    assert!(bad.is_empty(), "{bad:?}");
    println!("suite     mode            count        s     cred/s");
    for (name, suite) in [("jcs", Suite::EddsaJcs2022), ("rdfc", Suite::EddsaRdfc2022)] {
        let opts = BatchOptions {
            suite,
            created: issuer::now(),
        };
        let start = Instant::now();
        let out = issuer::issue_batch(&issuer, &template, &rows, &opts, &mut [], &mut |_| {});
        let mem = start.elapsed().as_secs_f64();
        let good: Vec<_> = out.into_iter().filter_map(Result::ok).collect();
        assert_eq!(good.len(), n);
        println!(
            "{name:<9} {:<14} {n:>6} {mem:>8.2} {:>10.0}",
            "in-memory",
            n as f64 / mem
        );
        let Ok(dir) = tempfile::tempdir() else { return };
        let start = Instant::now();
        let out = issuer::issue_batch(&issuer, &template, &rows, &opts, &mut [], &mut |_| {});
        let good: Vec<_> = out.into_iter().filter_map(Result::ok).collect();
        if let Err(e) = issuer::write_issued(dir.path(), &good) {
            eprintln!("writing: {e}");
            return;
        }
        let files = start.elapsed().as_secs_f64();
        println!(
            "{name:<9} {:<14} {n:>6} {files:>8.2} {:>10.0}",
            "with-files",
            n as f64 / files
        );
    }
}
