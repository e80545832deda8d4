//! SD-JWT VC verification throughput on one core: credentials verified per second (parse,
//! disclosures, issuer signature, key binding, dates, the Token Status List, type metadata).
//! `scripts/bench-sdjwt` runs it beside the OpenWallet Foundation reference on the same files
//! and prints the ratio.
//!
//! Input: `MCX_BENCH_SDJWT=DIR`, a folder written by `oid4vc.mjs sdjwt issue` (its
//! `manifest.json` names the trust files, imported here as `mcx trust import` would); every
//! credential whose expected verdict is `valid` is verified.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use microcredx::model::Verdict;
use microcredx::verify::{self, sdjwt, Env};
use serde_json::Value;
use std::path::Path;
use std::time::Instant;

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn main() {
    let Ok(dir) = std::env::var("MCX_BENCH_SDJWT") else {
        println!("MCX_BENCH_SDJWT is not set (scripts/bench-sdjwt sets it); nothing to measure");
        return;
    };
    let dir = Path::new(&dir);
    let manifest: Value = serde_json::from_str(&read(dir, "manifest.json")).expect("manifest.json");
    let trust = &manifest["trust"];
    let mut env = Env::default();
    let issuer: Value = serde_json::from_str(&read(
        dir,
        trust["jwt_vc_issuer"].as_str().unwrap_or_default(),
    ))
    .expect("issuer metadata");
    let at = sdjwt::jwt_vc_issuer_url(issuer["issuer"].as_str().unwrap_or_default())
        .expect("an https issuer");
    env.proof.keys.insert_at(&at, issuer);
    let list = &trust["status_list"];
    env.proof.keys.insert_at(
        list["uri"].as_str().unwrap_or_default(),
        Value::String(
            read(dir, list["file"].as_str().unwrap_or_default())
                .trim()
                .to_string(),
        ),
    );
    for t in trust["type_metadata"].as_array().into_iter().flatten() {
        env.proof.keys.insert_at(
            &sdjwt::type_metadata_key(t["vct"].as_str().unwrap_or_default()),
            Value::String(read(dir, t["file"].as_str().unwrap_or_default())),
        );
    }
    let creds: Vec<Vec<u8>> = manifest["credentials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["expect"] == "valid")
        .map(|c| read(dir, c["file"].as_str().unwrap_or_default()).into_bytes())
        .collect();
    let now = Utc::now();
    let _ = verify::verify_bytes(&creds[0], &env, now);
    let start = Instant::now();
    let mut valid = 0usize;
    for c in &creds {
        if verify::verify_bytes(c, &env, now).is_ok_and(|v| v.verdict == Verdict::Valid) {
            valid += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{:<8} {:>7} {:>10} {:>14}",
        "format", "count", "seconds", "credentials/s"
    );
    println!(
        "{:<8} {:>7} {secs:>10.3} {:>14.0}",
        "sd-jwt",
        creds.len(),
        creds.len() as f64 / secs
    );
    if valid != creds.len() {
        println!("WARNING: only {valid} of {} verified as valid", creds.len());
    }
}
