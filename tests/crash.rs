//! Crash safety: `mcx import` killed with SIGKILL at random moments during bulk imports, many
//! times over; after each kill the wallet opens, every acknowledged import is intact and
//! verifies, and nothing is half-written.

use crate::util::{mcx, run, signed_credentials, stderr};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift), seeded per run so failures can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn killing_bulk_imports_never_loses_an_acknowledged_credential() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    let input = tmp.path().join("in");
    let n = 900;
    signed_credentials(&input, n, "Ana Learner");
    let seed = std::env::var("MCX_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64);
    let mut rng = Rng(seed);
    let mut acknowledged_max = 0u64;
    for round in 0..10 {
        let mut child = mcx()
            .args([
                "--wallet",
                wallet.to_str().unwrap(),
                "import",
                "--json",
                input.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acked = 0u64;
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    acked = acked.max(v["acknowledged"].as_u64().unwrap_or(0));
                }
            }
            acked
        });
        let wait = Duration::from_millis(rng.next() % 1500);
        let start = Instant::now();
        while start.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let acked_this_run = reader.join().unwrap();

        // The wallet opens, and lists at least everything ever acknowledged.
        let list = run(&wallet, &["list", "--json"]);
        assert!(
            list.status.success(),
            "round {round} (seed {seed}): {}",
            stderr(&list)
        );
        let rows: Vec<Value> = serde_json::from_slice(&list.stdout).unwrap();
        // Each run re-imports the same folder: earlier items come back as duplicates and are
        // acknowledged again, so the count only grows.
        acknowledged_max = acknowledged_max.max(acked_this_run);
        assert!(
            rows.len() as u64 >= acknowledged_max.min(n as u64),
            "round {round} (seed {seed}): {} listed, {acknowledged_max} acknowledged",
            rows.len()
        );
        // Every indexed credential still verifies and has its original on disk: a copy of
        // the originals alone, without the index, is rebuilt by `repair` into a wallet that
        // holds every listed credential.
        for r in &rows {
            assert_eq!(r["verdict"], "valid", "round {round}: {r}");
        }
        let copy = tmp.path().join(format!("copy-{round}"));
        std::fs::create_dir_all(copy.join("originals")).unwrap();
        for e in std::fs::read_dir(wallet.join("originals")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), copy.join("originals").join(e.file_name())).unwrap();
        }
        let rebuilt = run(&copy, &["repair", "--json"]);
        assert!(
            rebuilt.status.success(),
            "round {round}: {}",
            stderr(&rebuilt)
        );
        let held: std::collections::HashSet<String> =
            serde_json::from_slice::<Vec<Value>>(&run(&copy, &["list", "--json"]).stdout)
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect();
        for r in &rows {
            let id = r["id"].as_str().unwrap();
            assert!(
                held.contains(id),
                "round {round}: {id} indexed but its original is missing"
            );
        }
        std::fs::remove_dir_all(&copy).unwrap();
    }
    // Nothing half-written: repair finds only whole originals (and removes stray temporaries),
    // and a final import completes the set.
    let repair = run(&wallet, &["repair", "--json"]);
    let r: Value = serde_json::from_slice(&repair.stdout).unwrap();
    assert_eq!(r["unreadable"], serde_json::json!([]), "{r}");
    let done = run(&wallet, &["import", "--json", input.to_str().unwrap()]);
    assert!(done.status.success(), "{}", stderr(&done));
    let rows: Vec<Value> =
        serde_json::from_slice(&run(&wallet, &["list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), n);
}
