//! Portfolio PDF benchmark: 100 credentials signed in-process, imported into a temporary
//! wallet, rendered into one PDF with the signed presentation attached, once without a
//! verifier page on the web (no QR codes) and once with one (a QR code per credential and on
//! the cover, as a learner's PDF has). Prints seconds and megabytes of each (targets,
//! issue 16: under 0.3 s, under 0.5 MB).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use microcredx::portfolio::{portfolio_pdf, PdfOptions};
use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
use microcredx::store::{ImportItem, SortKey, Wallet};
use std::time::Instant;

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(&tmp.path().join("w")).unwrap();
    let key = KeyPair::generate();
    let loader = ContextLoader::bundled();
    let items: Vec<ImportItem> = (0..100)
        .map(|i| {
            let doc = serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:5e1d7c36-0000-4000-8000-{i:012}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": key.did(), "type": ["Profile"], "name": "Universität Beispielstadt",
                    "address": {"type": ["Address"], "addressCountry": "DE"}},
                "validFrom": "2025-03-01T00:00:00Z",
                "name": format!("Data Analytics and Machine Learning for Sustainable Manufacturing, Module {i}"),
                "credentialSubject": {"type": ["AchievementSubject"], "name": "Zoë Ångström-Łukasiewicz",
                  "achievement": {"id": format!("https://uni.example/achievements/da-{i}"), "type": ["Achievement"],
                    "achievementType": "MicroCredential",
                    "name": format!("Data Analytics and Machine Learning for Sustainable Manufacturing, Module {i}"),
                    "description": "Cleaning, exploring and modelling production data; communicating results.",
                    "criteria": {"narrative": "Supervised written exam."}, "creditsAvailable": 1 + (i % 6)}}
            });
            let opts = di::SignOptions {
                suite: di::Suite::EddsaRdfc2022,
                purpose: "assertionMethod".into(),
                created: chrono::Utc::now(),
                challenge: None,
                domain: None,
                expires: None,
            };
            let signed = di::sign(&doc, &key, &opts, &loader).unwrap();
            ImportItem {
                bytes: serde_json::to_vec(&signed).unwrap(),
                source: format!("bench {i}"),
            }
        })
        .collect();
    wallet
        .import(items, false, chrono::Utc::now(), &mut |_, _| {})
        .unwrap();
    let ids: Vec<String> = wallet
        .list(SortKey::Date)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.len(), 100);
    for (what, base) in [
        ("no QR codes", None),
        (
            "a QR code per credential",
            Some("https://verify.network.example/".to_string()),
        ),
    ] {
        let opts = PdfOptions {
            base,
            ..PdfOptions::default()
        };
        // The median of 5 runs.
        let mut runs: Vec<(f64, usize)> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let pdf = portfolio_pdf(&wallet, &ids, &opts).unwrap();
                (start.elapsed().as_secs_f64(), pdf.len())
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (secs, bytes) = runs[2];
        // `PDF_BENCH_OUT=DIR` keeps the PDFs, to see where the bytes go.
        if let Some(dir) = std::env::var_os("PDF_BENCH_OUT") {
            let name = if opts.base.is_some() {
                "with-qr.pdf"
            } else {
                "no-qr.pdf"
            };
            let pdf = portfolio_pdf(&wallet, &ids, &opts).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
        }
        let mb = bytes as f64 / 1_000_000.0;
        println!(
            "pdf, {what}: 100 credentials in {secs:.3} s, {mb:.2} MB (targets: < 0.3 s, < 0.5 MB)"
        );
    }
}
