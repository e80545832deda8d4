//! The wallet at scale: import 10,000 distinct eddsa-jcs-2022 credentials (parse, verify,
//! durable store), reopen the wallet and list its first page, and the wallet's size on disk
//! against the credentials' own bytes. Prints the figures beside the targets.

use chrono::Utc;
use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
use microcredx::store::{ImportItem, ImportOutcome, SortKey, Wallet};
use std::time::Instant;

fn credentials(n: usize) -> Vec<Vec<u8>> {
    let key = KeyPair::generate();
    let loader = ContextLoader::bundled();
    (0..n)
        .filter_map(|i| {
            let doc = serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": key.did(), "type": ["Profile"], "name": "Politecnico di Esempio"},
                "validFrom": format!("2025-{:02}-01T00:00:00Z", 1 + i % 12),
                "name": format!("Robotics module {i}"),
                "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                  "achievement": {"id": format!("https://poli.example/achievements/{i}"), "type": ["Achievement"],
                    "name": format!("Robotics module {i}"), "description": "Kinematics, sensors and control of industrial robots.",
                    "criteria": {"narrative": "Lab project and supervised exam."}, "creditsAvailable": 1 + i % 5}}
            });
            let opts = di::SignOptions { suite: di::Suite::EddsaJcs2022, purpose: "assertionMethod".into(), created: Utc::now(), challenge: None, domain: None, expires: None };
            di::sign(&doc, &key, &opts, &loader).ok().and_then(|v| serde_json::to_vec(&v).ok())
        })
        .collect()
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        dir_size(&path)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let creds = credentials(n);
    let bytes: u64 = creds.iter().map(|c| c.len() as u64).sum();
    // Under the home directory, where wallets live (this machine's /tmp creates files ~20x slower).
    let base = std::env::var_os("MCX_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| std::path::PathBuf::from(h).join(".cache/microcredx-wallet"))
        })
        .unwrap_or_else(std::env::temp_dir);
    let tmp = base.join(format!("bench-wallet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let items: Vec<ImportItem> = creds
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| ImportItem {
            bytes,
            source: format!("cred-{i}.json"),
        })
        .collect();

    let wallet = match Wallet::open(&tmp) {
        Ok(w) => w,
        Err(e) => return println!("cannot open a wallet: {e}"),
    };
    let start = Instant::now();
    let reports = match wallet.import(items, false, Utc::now(), &mut |_, _| {}) {
        Ok(r) => r,
        Err(e) => return println!("import failed: {e}"),
    };
    let import_s = start.elapsed().as_secs_f64();
    let imported = reports
        .iter()
        .filter(|r| matches!(r.outcome, ImportOutcome::Imported { .. }))
        .count();
    drop(wallet);

    let start = Instant::now();
    let reopened = Wallet::open(&tmp);
    let first_page = reopened
        .as_ref()
        .map_err(|e| e.to_string())
        .and_then(|w| w.page(SortKey::Date, 0, 50).map_err(|e| e.to_string()))
        .map(|rows| rows.len());
    let open_ms = start.elapsed().as_secs_f64() * 1000.0;
    // For comparison: every row, decoded and sorted (what a full `mcx list` does).
    let start = Instant::now();
    let all_rows = reopened
        .as_ref()
        .ok()
        .and_then(|w| w.list(SortKey::Date).ok())
        .map(|r| r.len());
    let list_ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(reopened);
    let size = dir_size(&tmp);
    let index_size = dir_size(&tmp.join("index.sled"));
    if std::env::var_os("MCX_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }

    println!("{:<44} {:>12} {:>12}", "measure", "result", "target");
    println!(
        "{:<44} {:>11.2}s {:>12}",
        format!("import {n} credentials (verify + durable)"),
        import_s,
        "< 3 s"
    );
    println!(
        "{:<44} {:>12.0} {:>12}",
        "  credentials/s",
        n as f64 / import_s,
        ""
    );
    println!(
        "{:<44} {:>10.1}ms {:>12}",
        "open the wallet + list, first page", open_ms, "< 100 ms"
    );
    println!(
        "{:<44} {:>10.1}ms {:>12}",
        format!("  then list all {} rows", all_rows.unwrap_or(0)),
        list_ms,
        ""
    );
    println!(
        "{:<44} {:>11.2}x {:>12}",
        "size on disk / credentials' bytes",
        size as f64 / bytes as f64,
        "<= 2x"
    );
    println!("imported {imported} of {n}; first page {first_page:?} rows; {:.1} MB of credentials, {:.1} MB on disk ({:.1} MB index, {:.1} MB originals)", bytes as f64 / 1e6, size as f64 / 1e6, index_size as f64 / 1e6, (size - index_size) as f64 / 1e6);
}
