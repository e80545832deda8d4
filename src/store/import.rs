//! The import pipeline: untrusted bytes → parsed → verified → durably stored, each item
//! ending as imported, duplicate (same bytes or same credential id) or rejected with the
//! reason. A credential that does not verify is refused unless the learner forces it, and
//! then it stays flagged "not verified". Items are processed in batches; a batch is
//! acknowledged (reported through `progress`) only after its files are synced and its index
//! entries flushed.

use super::index::StoredCredential;
use super::originals::Header;
use super::Wallet;
use crate::model::{StepStatus, Verdict};
use crate::verify::{self, Env};
use crate::{formats, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Items acknowledged together (one folder sync, one index flush).
const BATCH: usize = 256;
/// Largest single file read for import.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// One thing to import.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// Its bytes (a credential, or a baked badge image).
    pub bytes: Vec<u8>,
    /// Where it came from (file path or "pasted text").
    pub source: String,
}

/// How one item ended.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum ImportOutcome {
    /// Stored.
    Imported {
        /// Wallet id.
        id: String,
        /// Its title, if it has one.
        title: Option<String>,
        /// Its verdict (not `valid` only when forced).
        verdict: Verdict,
    },
    /// Already in the wallet.
    Duplicate {
        /// The wallet id of the copy already held.
        id: String,
        /// "same file" or "same credential id".
        reason: String,
    },
    /// Not stored.
    Rejected {
        /// Why, in words a learner understands.
        reason: String,
    },
}

/// The outcome for one item.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Where the item came from.
    pub source: String,
    /// What happened.
    pub outcome: ImportOutcome,
}

/// Progress callback: (items acknowledged so far, total).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Read files and folders (recursively) into import items. Unreadable paths become
/// rejected reports instead of aborting the whole import.
pub fn collect(paths: &[PathBuf]) -> (Vec<ImportItem>, Vec<ImportReport>) {
    let mut items = Vec::new();
    let mut rejected = Vec::new();
    for p in paths {
        walk(p, &mut items, &mut rejected, 0);
    }
    (items, rejected)
}

fn importable(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "json" | "jsonld" | "jwt" | "png" | "svg" | "txt" | "1ob"
    )
}

fn walk(path: &Path, items: &mut Vec<ImportItem>, rejected: &mut Vec<ImportReport>, depth: usize) {
    let source = path.display().to_string();
    let reject = |rejected: &mut Vec<ImportReport>, reason: String| {
        rejected.push(ImportReport {
            source: source.clone(),
            outcome: ImportOutcome::Rejected { reason },
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return reject(rejected, format!("cannot read it: {e}")),
    };
    if meta.is_dir() {
        if depth > 32 {
            return reject(rejected, "folders nested too deeply".into());
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return reject(rejected, format!("cannot read the folder: {e}")),
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || importable(&e) {
                walk(&e, items, rejected, depth + 1);
            }
        }
    } else if meta.len() > MAX_FILE {
        reject(
            rejected,
            format!(
                "{} MB is larger than the 16 MiB limit for one credential",
                meta.len() / 1_000_000
            ),
        );
    } else {
        match std::fs::read(path) {
            Ok(bytes) => items.push(ImportItem { bytes, source }),
            Err(e) => reject(rejected, format!("cannot read it: {e}")),
        }
    }
}

/// The reason a verification refuses import: the first failing (or unchecked) step.
fn refusal(v: &verify::Verification) -> String {
    let step = v
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Fail)
        .or_else(|| v.steps.iter().find(|s| s.status == StepStatus::Skip));
    let detail = step.map(|s| s.message.clone()).unwrap_or_default();
    match v.verdict {
        Verdict::Invalid => format!("it is not valid: {detail} Import it anyway only if you trust its source (it will stay marked \"not verified\")."),
        _ => format!("it could not be verified offline: {detail} Import it anyway to keep it marked \"not verified\"."),
    }
}

impl Wallet {
    /// The verification environment from this wallet's caches (contexts, keys, status lists,
    /// trust registry).
    pub fn env(&self) -> Result<Env> {
        self.load_env()
    }

    /// Import `items`; `force` keeps items that do not verify (flagged). Returns one report
    /// per item, in order.
    pub fn import(
        &self,
        items: Vec<ImportItem>,
        force: bool,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<Vec<ImportReport>> {
        let env = self.env()?;
        let total = items.len();
        let mut reports = Vec::with_capacity(total);
        let mut seen_names = HashSet::new();
        let mut seen_ids = HashSet::new();
        let imported_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        for chunk in items.chunks(BATCH) {
            let mut pending = Vec::new();
            let mut files = Vec::new();
            for item in chunk {
                let outcome = self.import_one(
                    item,
                    force,
                    now,
                    &env,
                    &imported_at,
                    &mut seen_names,
                    &mut seen_ids,
                    &mut pending,
                    &mut files,
                )?;
                reports.push(ImportReport {
                    source: item.source.clone(),
                    outcome,
                });
            }
            if !pending.is_empty() {
                self.originals.write_batch(&files)?;
                for rec in &pending {
                    self.put_record(rec)?;
                }
                self.flush()?;
            }
            progress(reports.len(), total);
        }
        Ok(reports)
    }

    #[allow(clippy::too_many_arguments)]
    fn import_one(
        &self,
        item: &ImportItem,
        force: bool,
        now: DateTime<Utc>,
        env: &Env,
        imported_at: &str,
        seen_names: &mut HashSet<String>,
        seen_ids: &mut HashSet<String>,
        pending: &mut Vec<StoredCredential>,
        files: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<ImportOutcome> {
        let bytes = match formats::unwrap_container(&item.bytes) {
            Ok(b) => b,
            Err(e) => {
                return Ok(ImportOutcome::Rejected {
                    reason: e.to_string(),
                })
            }
        };
        let name = self.name_of(&bytes);
        if seen_names.contains(&name) || self.contains(&name)? {
            return Ok(ImportOutcome::Duplicate {
                id: name,
                reason: "the same file is already in the wallet".into(),
            });
        }
        let doc = match formats::parse_document(&bytes) {
            Ok(d) => d,
            Err(e) => {
                return Ok(ImportOutcome::Rejected {
                    reason: e.to_string(),
                })
            }
        };
        let verification = verify::verify_document(&doc, env, now);
        let credential_id = verification.credential.id.clone();
        if let Some(cid) = &credential_id {
            if seen_ids.contains(cid) {
                return Ok(ImportOutcome::Duplicate {
                    id: cid.clone(),
                    reason: format!("a credential with the id {cid} is in this import twice"),
                });
            }
            if let Some(existing) = self.id_for_credential_id(cid)? {
                return Ok(ImportOutcome::Duplicate {
                    id: existing,
                    reason: format!("a credential with the id {cid} is already in the wallet"),
                });
            }
        }
        let forced = verification.verdict != Verdict::Valid;
        if forced && !force {
            return Ok(ImportOutcome::Rejected {
                reason: refusal(&verification),
            });
        }
        let header = Header {
            imported_at: imported_at.to_string(),
            source: Some(item.source.clone()),
            forced,
        };
        let (stored, file) = self.encode_original(&bytes, &header)?;
        files.push((stored.clone(), file));
        seen_names.insert(stored.clone());
        if let Some(cid) = &credential_id {
            seen_ids.insert(cid.clone());
        }
        let outcome = ImportOutcome::Imported {
            id: stored.clone(),
            title: verification.credential.title.clone(),
            verdict: verification.verdict,
        };
        pending.push(StoredCredential {
            id: stored,
            credential_id,
            imported_at: imported_at.to_string(),
            source: Some(item.source.clone()),
            forced,
            verification,
        });
        Ok(outcome)
    }

    /// Re-check every credential (after a registry or status update) and record the time.
    pub fn reverify(&self, now: DateTime<Utc>) -> Result<Vec<StoredCredential>> {
        let env = self.env()?;
        let mut out = Vec::new();
        for mut rec in self.records()? {
            let original = self.original(&rec.id)?;
            if let Ok(doc) = formats::parse_document(&original) {
                rec.verification = verify::verify_document(&doc, &env, now);
                self.put_record(&rec)?;
            }
            out.push(rec);
        }
        self.flush()?;
        Ok(out)
    }

    /// Rebuild the index from the original files (`mcx repair`): removes interrupted
    /// temporaries, re-verifies every original, and reports originals that cannot be read.
    pub fn repair(&self, now: DateTime<Utc>) -> Result<RepairReport> {
        let (names, strays) = self.originals.scan()?;
        for s in &strays {
            let _ = std::fs::remove_file(s);
        }
        let env = self.env()?;
        for tree in [&self.credentials, &self.summaries, &self.ids] {
            tree.clear().map_err(|e| self.damaged(e))?;
        }
        let mut report = RepairReport {
            restored: 0,
            unreadable: Vec::new(),
            removed_temporaries: strays.len(),
        };
        for name in names {
            let decoded = self
                .originals
                .read(&name)
                .map_err(|e| e.to_string())
                .and_then(|b| super::originals::Originals::decode(&name, &b, self.sealer.as_ref()));
            let (header, original) = match decoded {
                Ok(x) => x,
                Err(e) => {
                    report.unreadable.push(format!("{name}: {e}"));
                    continue;
                }
            };
            if self.name_of(&original) != name {
                report.unreadable.push(format!(
                    "{name}: its content does not match its name (altered)"
                ));
                continue;
            }
            let Ok(doc) = formats::parse_document(&original) else {
                report
                    .unreadable
                    .push(format!("{name}: no longer parses as a credential"));
                continue;
            };
            let verification = verify::verify_document(&doc, &env, now);
            let rec = StoredCredential {
                id: name,
                credential_id: verification.credential.id.clone(),
                imported_at: header.imported_at,
                source: header.source,
                forced: header.forced,
                verification,
            };
            self.put_record(&rec)?;
            report.restored += 1;
        }
        self.flush()?;
        Ok(report)
    }
}

/// What `repair` did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepairReport {
    /// Credentials re-indexed from their files.
    pub restored: usize,
    /// Originals that could not be read, with the reason (kept on disk, not deleted).
    pub unreadable: Vec<String>,
    /// Interrupted temporary files removed.
    pub removed_temporaries: usize,
}
