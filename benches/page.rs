//! The verifier page's engine work, natively: loading the page's trust bundle (the demo
//! network's registry, DID documents and status lists, each verified) and verifying the
//! demo's 10-credential share link: the first time in the process (what every page load pays:
//! the bundled JSON-LD contexts are parsed on first use) and the median of later runs. `scripts/bench-verifier` shows the same steps
//! in the browser; this shows what the core itself costs and where.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use microcredx::portfolio::link::encode_link;
use microcredx::portfolio::{presentation, PresentationOptions};
use microcredx::store::{SortKey, Wallet};
use microcredx::verify::trust::TrustBundle;
use microcredx::verify::{self, Env};
use std::path::Path;
use std::time::Instant;

fn json_files(dir: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let now = chrono::Utc::now();
    let tmp = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(&tmp.path().join("w")).unwrap();
    wallet.load_demo(now).unwrap();
    let ids: Vec<String> = wallet
        .list(SortKey::Date)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let opts = PresentationOptions {
        allow_unverified: true,
        ..Default::default()
    };
    let vp = presentation(&wallet, &ids, &opts).unwrap();
    let link = encode_link("https://verify.example/", &serde_json::to_vec(&vp).unwrap()).unwrap();
    let network = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/network");
    let bundle = TrustBundle {
        registry: Some(
            serde_json::from_slice(&std::fs::read(network.join("registry.json")).unwrap()).unwrap(),
        ),
        dids: json_files(&network.join("dids")),
        status_lists: json_files(&network.join("status")),
        issuers: Vec::new(),
        types: Vec::new(),
    };
    let bundle_text = serde_json::to_vec(&bundle).unwrap();

    let runs: usize = std::env::var("MCX_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let (mut trust, mut cold, mut warm) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let parsed: TrustBundle = serde_json::from_slice(&bundle_text).unwrap();
        let env = Env::from_bundle(&parsed).unwrap();
        trust.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let v = verify::verify_bytes(link.as_bytes(), &env, now).unwrap();
        cold.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let again = verify::verify_bytes(link.as_bytes(), &env, now).unwrap();
        warm.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(v.verdict, again.verdict);
    }
    println!(
        "page engine, natively ({} credentials, link {} characters; medians of {runs}):",
        ids.len(),
        link.len()
    );
    println!("                                      first    median");
    println!(
        "  trust bundle parsed and verified   {:7.2}   {:7.2} ms",
        trust[0],
        median(trust.clone())
    );
    println!(
        "  link verified (new environment)    {:7.2}   {:7.2} ms",
        cold[0],
        median(cold.clone())
    );
    println!(
        "  link verified again                {:7.2}   {:7.2} ms",
        warm[0],
        median(warm.clone())
    );
}
