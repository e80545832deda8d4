//! Verification throughput, per suite, on one core: credentials verified per second over
//! distinct credentials (parse + every verification step). `scripts/bench-verify` runs it
//! beside the JS reference on the same files and prints the ratio.
//!
//! Input: `MCX_BENCH_DIRS="rdfc=DIR,jcs=DIR"` (folders of signed credentials, e.g. from
//! `node reference.mjs bulk`); without it, 1,000 credentials per suite are signed here.

use chrono::Utc;
use microcredx::model::Verdict;
use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
use microcredx::verify::{self, Env};
use std::time::Instant;

fn own_credentials(suite: di::Suite, n: usize) -> Vec<Vec<u8>> {
    let key = KeyPair::generate();
    let loader = ContextLoader::bundled();
    (0..n)
        .filter_map(|i| {
            let doc = serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": key.did(), "type": ["Profile"], "name": "Hochschule Beispielstadt"},
                "validFrom": "2025-09-01T00:00:00Z",
                "name": format!("Industrie 4.0 module {i}"),
                "credentialSubject": {"id": format!("did:example:learner-{i}"), "type": ["AchievementSubject"],
                  "achievement": {"id": format!("https://example.edu/achievements/{i}"), "type": ["Achievement"],
                    "name": format!("Industrie 4.0 module {i}"), "description": "Sensor data and predictive maintenance.",
                    "criteria": {"narrative": "Project and supervised exam."}, "creditsAvailable": 2.5}}
            });
            let opts = di::SignOptions { suite, purpose: "assertionMethod".into(), created: Utc::now(), challenge: None, domain: None, expires: None };
            di::sign(&doc, &key, &opts, &loader).ok().and_then(|v| serde_json::to_vec(&v).ok())
        })
        .collect()
}

fn load_dir(dir: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| {
        p.extension().is_some_and(|e| e == "json") && !p.ends_with("manifest.json")
    });
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn main() {
    let env = Env::default();
    let now = Utc::now();
    let sets: Vec<(String, Vec<Vec<u8>>)> = match std::env::var("MCX_BENCH_DIRS") {
        Ok(spec) => spec
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, d)| (k.to_string(), load_dir(d)))
            .collect(),
        Err(_) => vec![
            ("jcs".into(), own_credentials(di::Suite::EddsaJcs2022, 1000)),
            (
                "rdfc".into(),
                own_credentials(di::Suite::EddsaRdfc2022, 1000),
            ),
        ],
    };
    println!(
        "{:<8} {:>7} {:>10} {:>14}",
        "suite", "count", "seconds", "credentials/s"
    );
    for (name, creds) in sets {
        // Warm the context cache the way a running wallet has it warm.
        if let Some(first) = creds.first() {
            let _ = verify::verify_bytes(first, &env, now);
        }
        let start = Instant::now();
        let mut valid = 0usize;
        for c in &creds {
            if let Ok(v) = verify::verify_bytes(c, &env, now) {
                if v.verdict == Verdict::Valid {
                    valid += 1;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name:<8} {:>7} {secs:>10.3} {:>14.0}",
            creds.len(),
            creds.len() as f64 / secs
        );
        if valid != creds.len() {
            println!("WARNING: only {valid} of {} verified as valid", creds.len());
        }
    }
}
