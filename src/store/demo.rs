//! The bundled demo network (`assets/network`, made by `scripts/make-demo-network`), loaded
//! into a wallet in one step for the app's "Load the demo wallet" and `mcx demo load`:
//! DID documents, the trust registry, status lists, qualification rules and the demo
//! learner's credentials (the expired and revoked ones kept, marked).

use super::{ImportItem, ImportOutcome, Wallet};
use crate::Result;
use chrono::{DateTime, Utc};
use include_dir::{include_dir, Dir};
use serde::Serialize;
use ts_rs::TS;

static NETWORK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets/network");

/// What loading the demo did.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoReport {
    /// Credentials imported.
    pub credentials: usize,
    /// Qualifications imported.
    pub qualifications: usize,
    /// Status lists cached.
    pub status_lists: usize,
    /// DID documents cached.
    pub dids: usize,
    /// Whether the trust registry was imported.
    pub registry: bool,
}

fn files(dir: &str) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = NETWORK
        .get_dir(dir)
        .map(|d| {
            d.files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default();
    out.sort_by_key(|f| f.path());
    out
}

/// The bundled catalogue of the demo network (for suggestions).
pub fn demo_catalogue() -> Option<&'static str> {
    NETWORK
        .get_file("catalogue.json")
        .and_then(|f| f.contents_utf8())
}

impl Wallet {
    /// Load the bundled demo network and the demo learner's credentials into this wallet.
    pub fn load_demo(&self, now: DateTime<Utc>) -> Result<DemoReport> {
        self.writable()?;
        let mut report = DemoReport::default();
        for f in files("dids") {
            self.import_did_document(f.contents())?;
            report.dids += 1;
        }
        if let Some(r) = NETWORK.get_file("registry.json") {
            self.import_registry(r.contents())?;
            report.registry = true;
        }
        if let Some(c) = NETWORK.get_file("catalogue.json") {
            self.import_catalogue(c.contents())?;
        }
        for f in files("status") {
            self.import_status_list(f.contents(), None)?;
            report.status_lists += 1;
        }
        for f in files("qualifications") {
            self.import_qualification(f.contents())?;
            report.qualifications += 1;
        }
        let items = files("credentials")
            .into_iter()
            .map(|f| ImportItem {
                bytes: f.contents().to_vec(),
                source: format!("demo network: {}", f.path().display()),
            })
            .collect();
        let reports = self.import(items, true, now, &mut |_, _| {})?;
        report.credentials = reports
            .iter()
            .filter(|r| matches!(r.outcome, ImportOutcome::Imported { .. }))
            .count();
        Ok(report)
    }
}
