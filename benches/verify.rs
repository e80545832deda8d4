//! Verification throughput, per suite, on one core: credentials verified per second over
//! distinct credentials (parse + every verification step). `scripts/bench-verify` runs it
//! beside the JS reference on the same files and prints the ratio.
//!
//! Input: `MCX_BENCH_DIRS="rdfc=DIR,jcs=DIR"` (folders of signed credentials, e.g. from
//! `node reference.mjs bulk`); without it, 1,000 credentials per suite are signed here.
//!
//! Then the Ed25519 check itself over 10,000 signatures of one issuer: alone (as `mcx verify`),
//! deferred into one batch (as a bulk import), and ed25519-dalek's `verify_strict` for reference.

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
    signatures();
}

fn signatures() {
    use ed25519_dalek::{Signer, SigningKey};
    use microcredx::proof::ed25519;
    let key = SigningKey::from_bytes(&[42; 32]);
    let public = key.verifying_key();
    let messages: Vec<[u8; 64]> = (0..10_000u32)
        .map(|i| {
            let mut m = [0u8; 64];
            m[..4].copy_from_slice(&i.to_le_bytes());
            m
        })
        .collect();
    let sigs: Vec<_> = messages.iter().map(|m| key.sign(m)).collect();
    let rate = |f: &dyn Fn() -> bool| {
        let start = Instant::now();
        assert!(f(), "a signature did not verify");
        messages.len() as f64 / start.elapsed().as_secs_f64()
    };
    let strict = rate(&|| {
        messages
            .iter()
            .zip(&sigs)
            .all(|(m, s)| public.verify_strict(m, s).is_ok())
    });
    let alone = rate(&|| {
        messages
            .iter()
            .zip(&sigs)
            .all(|(m, s)| ed25519::verify(public.as_bytes(), m, s).is_ok())
    });
    let batched = rate(&|| {
        let (all_ok, pending) = ed25519::deferred(|| {
            messages
                .iter()
                .zip(&sigs)
                .all(|(m, s)| ed25519::verify(public.as_bytes(), m, s).is_ok())
        });
        all_ok && ed25519::Pending::verify_all([&pending])
    });
    println!();
    println!(
        "{:<44} {:>12} {:>8}",
        "Ed25519, 10,000 signatures, one core", "signatures/s", "ratio"
    );
    println!(
        "{:<44} {strict:>12.0} {:>8.2}",
        "ed25519-dalek verify_strict (reference)", 1.0
    );
    println!(
        "{:<44} {alone:>12.0} {:>8.2}",
        "the wallet's check, alone",
        alone / strict
    );
    println!(
        "{:<44} {batched:>12.0} {:>8.2}",
        "the wallet's check, deferred into a batch",
        batched / strict
    );
}
