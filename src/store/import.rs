//! The import pipeline: untrusted bytes → parsed → verified → durably stored, each item
//! ending as imported, duplicate (same bytes or same credential id) or rejected with the
//! reason. A credential that does not verify is refused unless the learner forces it, and
//! then it stays flagged "not verified". Items are processed in batches; a batch is
//! acknowledged (reported through `progress`) only after its pack is synced and its index
//! entries flushed.

use super::index::{NewCredential, StoredCredential};
use super::originals::{Header, Originals};
use super::{Wallet, BATCH};
use crate::model::{StepStatus, Verdict};
use crate::proof::ed25519;
use crate::verify::{self, Env};
use crate::{formats, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Room asked for before an exchange, beyond the reserve every write keeps: one answer of the
/// largest size the exchange crate takes (4 MiB); a credential and its trust documents are
/// a few KB each.
const RECEIVE_ROOM: u64 = 4 * 1024 * 1024;
use std::path::{Path, PathBuf};
use ts_rs::TS;

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
        /// Its verdict (`valid` or `inactive` unless forced).
        verdict: Verdict,
        /// When a credential with the same `id` was already held (or earlier in the same
        /// import) and this one is genuine and from the same issuer: that one's wallet id.
        /// Both are kept, as versions (an issuer's re-issue).
        #[serde(default, rename = "versionOf", skip_serializing_if = "Option::is_none")]
        #[ts(optional, rename = "versionOf")]
        version_of: Option<String>,
        /// The signature is genuine but nothing confirms who the issuer is (no registry
        /// names it): the name it gives itself is only a claim.
        #[serde(default, rename = "unconfirmedIssuer")]
        #[ts(rename = "unconfirmedIssuer")]
        unconfirmed_issuer: bool,
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
///
/// Links are followed, but a folder is read once however many links lead to it (a link back
/// to a parent would otherwise repeat the tree until the depth limit). Inside folders only
/// regular files are read: a named pipe or a device there would block or never end. A path
/// given directly may be a pipe (`mcx import <(…)`), read up to the size limit.
pub fn collect(paths: &[PathBuf]) -> (Vec<ImportItem>, Vec<ImportReport>) {
    let mut walk = Walk::default();
    for p in paths {
        walk.visit(p, 0);
    }
    (walk.items, walk.rejected)
}

fn importable(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "json" | "jsonld" | "jwt" | "sd-jwt" | "sdjwt" | "png" | "svg" | "txt" | "1ob"
    )
}

/// Why a file over [`MAX_FILE`] is refused: with its size when known (a pipe's is not).
fn too_large(size: Option<u64>) -> String {
    let what = size.map_or("it is".into(), |s| format!("{} MB is", s / 1_000_000));
    format!("{what} larger than the 16 MiB limit for one credential")
}

/// Folders nested deeper than this are not read.
const MAX_DEPTH: usize = 32;

#[derive(Default)]
struct Walk {
    items: Vec<ImportItem>,
    rejected: Vec<ImportReport>,
    /// Folders read so far, by their real path.
    folders: HashSet<PathBuf>,
}

impl Walk {
    fn reject(&mut self, path: &Path, reason: String) {
        self.rejected.push(ImportReport {
            source: path.display().to_string(),
            outcome: ImportOutcome::Rejected { reason },
        });
    }

    fn visit(&mut self, path: &Path, depth: usize) {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return self.reject(path, format!("cannot read it: {e}")),
        };
        if meta.is_dir() {
            self.folder(path, depth);
        } else if meta.len() > MAX_FILE {
            self.reject(path, too_large(Some(meta.len())));
        } else if meta.is_file() || depth == 0 {
            self.file(path);
        } else {
            self.reject(
                path,
                "not a regular file (a named pipe, socket or device), so it was not read".into(),
            );
        }
    }

    fn folder(&mut self, path: &Path, depth: usize) {
        if depth > MAX_DEPTH {
            return self.reject(path, "folders nested too deeply".into());
        }
        match std::fs::canonicalize(path) {
            Ok(real) => {
                if !self.folders.insert(real) {
                    // Already read through another link: its files are in this import once.
                    return;
                }
            }
            Err(e) => return self.reject(path, format!("cannot read the folder: {e}")),
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return self.reject(path, format!("cannot read the folder: {e}")),
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || importable(&e) {
                self.visit(&e, depth + 1);
            }
        }
    }

    fn file(&mut self, path: &Path) {
        use std::io::Read;
        let mut bytes = Vec::new();
        let read =
            std::fs::File::open(path).and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes));
        match read {
            Err(e) => self.reject(path, format!("cannot read it: {e}")),
            Ok(n) if n as u64 > MAX_FILE => self.reject(path, too_large(None)),
            Ok(_) => self.items.push(ImportItem {
                bytes,
                source: path.display().to_string(),
            }),
        }
    }
}

/// A credential already held (or earlier in the same import), for the same-id check.
#[derive(Debug, Clone)]
pub(super) struct Held {
    id: String,
    title: Option<String>,
    issuer: Option<String>,
}

impl Held {
    fn of(r: &StoredCredential) -> Held {
        Held {
            id: r.id.clone(),
            title: r.verification.credential.title.clone(),
            issuer: r.verification.credential.issuer.id.clone(),
        }
    }
}

/// Why a credential with the same `id` as `held` is refused, or `None` when it is a new
/// version to keep beside it: genuine (valid or inactive) and from the same issuer. A
/// forgery is refused even with `force`, naming the credential it imitates; one that cannot
/// be checked is kept only with `force`.
fn same_id_refusal(
    held: &Held,
    cid: &str,
    v: &verify::Verification,
    force: bool,
) -> Option<String> {
    let what = format!(
        "\"{}\" ({})",
        held.title.as_deref().unwrap_or(cid),
        &held.id[..12.min(held.id.len())]
    );
    let detail = |status: StepStatus| {
        v.steps
            .iter()
            .find(|s| s.status == status && s.lapse.is_none())
            .map(|s| s.message.clone())
            .unwrap_or_default()
    };
    match v.verdict {
        Verdict::Invalid => Some(format!(
            "it has the id of {what}, which is already in the wallet, but it is not genuine: {} It looks like a forgery of that credential and was not imported.",
            detail(StepStatus::Fail)
        )),
        Verdict::Unverifiable if !force => Some(format!(
            "it has the id of {what}, which is already in the wallet, but it could not be verified offline, so whether it is a new version or a forgery cannot be told: {} Import it anyway to keep it marked \"not verified\".",
            detail(StepStatus::Skip)
        )),
        Verdict::Unverifiable => None,
        Verdict::Valid | Verdict::Inactive => match (&held.issuer, &v.credential.issuer.id) {
            (Some(a), Some(b)) if a != b => Some(format!(
                "it has the id of {what}, which is already in the wallet, but it was issued by {b}, not by {a}: one id cannot name two issuers' credentials, so it was not imported."
            )),
            _ => None,
        },
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

/// An item after the parallel stage: unwrapped, named, parsed and verified.
struct Prepared {
    bytes: Vec<u8>,
    name: String,
    stage: Stage,
}

enum Stage {
    Rejected(String),
    /// The same bytes are already in the wallet.
    Held,
    Verified(Box<verify::Verification>),
}

/// Threads that verify an import (this machine class has two cores; a third thread writes).
const VERIFY_THREADS: usize = 2;

impl Wallet {
    /// The verification environment from this wallet's caches (contexts, keys, status lists,
    /// trust registry).
    pub fn env(&self) -> Result<Env> {
        self.load_env()
    }

    /// Whether what an exchange brings can be kept, asked before the exchange uses a one-time
    /// offer (its pre-authorized code is spent once the issuer answers): the wallet takes
    /// changes, and its disk has room for the credentials and the trust documents they need
    /// beyond the reserve every write keeps. Otherwise [`crate::Error::ReadOnly`] or
    /// [`crate::Error::DiskFull`] ("nothing was changed"), and the offer can be used later.
    pub fn ready_to_receive(&self) -> Result<()> {
        self.writable()?;
        super::space::ensure_room(&self.dir, RECEIVE_ROOM, super::space::WRITE_RESERVE)
    }

    /// Import credentials received from `sender` by an exchange (`mcx receive`, the app's
    /// Receive): each as `(bytes, configuration id)`, verified as a file is and never forced;
    /// its source reads "received from SENDER (CONFIGURATION)".
    pub fn import_received<'a>(
        &self,
        received: impl IntoIterator<Item = (Vec<u8>, &'a str)>,
        sender: &str,
    ) -> Result<Vec<ImportReport>> {
        let items = received
            .into_iter()
            .map(|(bytes, configuration)| ImportItem {
                bytes,
                source: format!("received from {sender} ({configuration})"),
            })
            .collect();
        self.import(items, false, Utc::now(), &mut |_, _| {})
    }

    /// Import `items`; `force` keeps items that do not verify (flagged). Returns one report
    /// per item, in order.
    ///
    /// Batches are pipelined: while one batch is written (its pack synced, its index entries
    /// flushed) on its own thread, the next is verified on two threads. A batch
    /// is acknowledged through `progress` only once its write has finished, in order.
    ///
    /// A full disk stops the import with [`crate::Error::DiskFull`], which says how many new
    /// credentials the acknowledged batches stored (they are safe; running the import again
    /// skips them as duplicates).
    pub fn import(
        &self,
        items: Vec<ImportItem>,
        force: bool,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<Vec<ImportReport>> {
        self.writable()?;
        let env = self.env()?;
        let total = items.len();
        let mut reports = Vec::with_capacity(total);
        let mut seen_names = HashSet::new();
        let mut seen_ids = HashMap::new();
        let imported_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        // New credentials in acknowledged batches.
        let mut kept = 0usize;
        std::thread::scope(|s| -> Result<()> {
            type Writing<'s> = (std::thread::ScopedJoinHandle<'s, Result<()>>, usize, usize);
            let mut writing: Option<Writing<'_>> = None;
            for chunk in items.chunks(BATCH) {
                let prepared = self.prepare(chunk, &env, now)?;
                let mut batch = Vec::new();
                for (item, p) in chunk.iter().zip(prepared) {
                    let outcome = self.decide(
                        item,
                        p,
                        force,
                        &imported_at,
                        &mut seen_names,
                        &mut seen_ids,
                        &mut batch,
                    )?;
                    reports.push(ImportReport {
                        source: item.source.clone(),
                        outcome,
                    });
                }
                if let Some((handle, done, stored)) = writing.take() {
                    join(handle)?;
                    kept += stored;
                    progress(done, total);
                }
                let done = reports.len();
                let stored = batch.len();
                writing = Some((s.spawn(move || self.write_batch(batch)), done, stored));
            }
            if let Some((handle, done, stored)) = writing.take() {
                join(handle)?;
                kept += stored;
                progress(done, total);
            }
            Ok(())
        })
        .map_err(|e| e.in_wallet(&self.dir, Some(kept)))?;
        Ok(reports)
    }

    /// Unwrap, name, parse and verify a chunk on [`VERIFY_THREADS`] threads (items are taken
    /// one at a time, so a slow item does not idle the other thread). Results in order.
    fn prepare(
        &self,
        chunk: &[ImportItem],
        env: &Env,
        now: DateTime<Utc>,
    ) -> Result<Vec<Prepared>> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || -> Result<Vec<(usize, Prepared)>> {
            let mut out = Vec::new();
            let mut pending = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = chunk.get(i) else {
                    break;
                };
                let (prepared, signatures) = ed25519::deferred(|| self.prepare_one(item, env, now));
                pending.push(signatures);
                out.push((i, prepared?));
            }
            // The Ed25519 equations of this thread's items in one batch. A batch that fails
            // (a tampered credential among them) is settled item by item: an item whose own
            // equations fail is verified again without deferral, for its exact steps.
            if !ed25519::Pending::verify_all(&pending) {
                for ((i, prepared), signatures) in out.iter_mut().zip(&pending) {
                    if !signatures.is_empty() && !signatures.verify_each() {
                        *prepared = self.prepare_one(&chunk[*i], env, now)?;
                    }
                }
            }
            Ok(out)
        };
        let mut all = std::thread::scope(|s| -> Result<Vec<(usize, Prepared)>> {
            let helpers: Vec<_> = (1..VERIFY_THREADS).map(|_| s.spawn(work)).collect();
            let mut all = work()?;
            for h in helpers {
                all.extend(join(h)?);
            }
            Ok(all)
        })?;
        all.sort_by_key(|(i, _)| *i);
        Ok(all.into_iter().map(|(_, p)| p).collect())
    }

    fn prepare_one(&self, item: &ImportItem, env: &Env, now: DateTime<Utc>) -> Result<Prepared> {
        let bytes = match formats::unwrap_container(&item.bytes) {
            Ok(b) => b,
            Err(e) => {
                return Ok(Prepared {
                    bytes: Vec::new(),
                    name: String::new(),
                    stage: Stage::Rejected(e.to_string()),
                })
            }
        };
        let name = self.name_of(&bytes);
        let stage = if self.contains(&name)? {
            Stage::Held
        } else {
            match formats::parse_unwrapped(&item.bytes, &bytes) {
                // A key-binding JWT makes an SD-JWT a presentation, made for one verifier; what
                // a learner keeps is the issued credential, whose disclosures they choose later.
                Ok(doc) if matches!(&doc.envelope, formats::Envelope::SdJwt(sd) if sd.kb_jwt.is_some()) => {
                    Stage::Rejected(
                        "this SD-JWT carries a key-binding JWT: it is a presentation made for a verifier, not a credential issued to you; import the credential as the issuer gave it (ending in ~)".into(),
                    )
                }
                Ok(doc) => Stage::Verified(Box::new(verify::verify_document(&doc, env, now))),
                Err(e) => Stage::Rejected(e.to_string()),
            }
        };
        Ok(Prepared { bytes, name, stage })
    }

    /// The outcome of one prepared item, in import order (duplicates within the import and
    /// against the wallet are decided here, one item after another).
    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        item: &ImportItem,
        prepared: Prepared,
        force: bool,
        imported_at: &str,
        seen_names: &mut HashSet<String>,
        seen_ids: &mut HashMap<String, Held>,
        batch: &mut Vec<NewCredential>,
    ) -> Result<ImportOutcome> {
        let Prepared { bytes, name, stage } = prepared;
        let verification = match stage {
            Stage::Rejected(reason) => return Ok(ImportOutcome::Rejected { reason }),
            Stage::Held => {
                return Ok(ImportOutcome::Duplicate {
                    id: name,
                    reason: "the same file is already in the wallet".into(),
                })
            }
            Stage::Verified(_) if seen_names.contains(&name) => {
                return Ok(ImportOutcome::Duplicate {
                    id: name,
                    reason: "the same file is already in the wallet".into(),
                })
            }
            Stage::Verified(v) => *v,
        };
        let credential_id = verification.credential.id.clone();
        let mut version_of = None;
        if let Some(cid) = &credential_id {
            let earlier = match seen_ids.get(cid) {
                Some(h) => Some(h.clone()),
                None => match self.id_for_credential_id(cid)? {
                    Some(existing) => Some(Held::of(&self.get(&existing)?)),
                    None => None,
                },
            };
            if let Some(e) = earlier {
                // The same credential in another wrapping (a badge baked into PNG and into
                // SVG, say): nothing the learner sees differs, so it is a duplicate.
                let held_view = match batch.iter().find(|n| n.record.id == e.id) {
                    Some(n) => Some(n.record.verification.credential.clone()),
                    None => self.get(&e.id).ok().map(|r| r.verification.credential),
                };
                let genuine = matches!(verification.verdict, Verdict::Valid | Verdict::Inactive);
                if genuine && held_view.as_ref() == Some(&verification.credential) {
                    return Ok(ImportOutcome::Duplicate {
                        id: e.id,
                        reason: format!("the same credential ({cid}) is already in the wallet"),
                    });
                }
                // Other bytes with the id of a credential already held: a forgery of it, or
                // its issuer's re-issue (a new version). Its own verification decides.
                if let Some(reason) = same_id_refusal(&e, cid, &verification, force) {
                    return Ok(ImportOutcome::Rejected { reason });
                }
                version_of = Some(e.id);
            }
        }
        // A genuine credential that has expired (or is not yet valid, or was revoked) is
        // history the learner keeps: imported by default, shown as what it is.
        let forced = !matches!(verification.verdict, Verdict::Valid | Verdict::Inactive);
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
        let frame = Originals::encode(&name, &header, &bytes, self.sealer.as_ref())?;
        seen_names.insert(name.clone());
        if let Some(cid) = &credential_id {
            seen_ids.insert(
                cid.clone(),
                Held {
                    id: name.clone(),
                    title: verification.credential.title.clone(),
                    issuer: verification.credential.issuer.id.clone(),
                },
            );
        }
        let outcome = ImportOutcome::Imported {
            id: name.clone(),
            title: verification.credential.title.clone(),
            verdict: verification.verdict,
            version_of,
            unconfirmed_issuer: verification.unconfirmed_issuer(),
        };
        batch.push(NewCredential {
            record: StoredCredential {
                id: name,
                credential_id,
                imported_at: imported_at.to_string(),
                source: Some(item.source.clone()),
                forced,
                verification,
            },
            frame,
        });
        Ok(outcome)
    }

    /// Re-check every credential (after a registry or status update) and record the time.
    pub fn reverify(&self, now: DateTime<Utc>) -> Result<Vec<StoredCredential>> {
        self.writable()?;
        let env = self.env()?;
        let out = self.rewrite_records(|original| {
            formats::parse_document(original)
                .ok()
                .map(|doc| verify::verify_document(&doc, &env, now))
        })?;
        self.flush()?;
        Ok(out)
    }

    /// Rebuild the index of this open wallet in place from the original packs, keeping its
    /// holder key and caches. `mcx repair` and the app use [`Wallet::repair_dir`], which
    /// does not need the old index to open.
    pub fn repair(&self, now: DateTime<Utc>) -> Result<RepairReport> {
        self.writable()?;
        let (mut report, cleanup) = self.rebuild(now)?;
        self.clean_up(cleanup)?;
        report.kept_cached_items = self.caches.len();
        Ok(report)
    }

    /// Rebuild the index from the original packs: removes interrupted temporaries,
    /// re-verifies every original, and reports originals that cannot be read. Originals
    /// still in schema-1 files are moved into packs. What the new index no longer needs is
    /// returned for [`Wallet::clean_up`].
    pub(super) fn rebuild(&self, now: DateTime<Utc>) -> Result<(RepairReport, Cleanup)> {
        let scan = self.originals.scan()?;
        for s in &scan.strays {
            let _ = std::fs::remove_file(s);
        }
        let env = self.env()?;
        self.index.clear().map_err(|e| self.damaged(e))?;
        let mut report = RepairReport {
            restored: 0,
            unreadable: Vec::new(),
            removed_temporaries: scan.strays.len(),
            old_index: super::OldIndex::Read,
            old_index_problem: None,
            kept_cached_items: 0,
            new_holder_key: false,
            lost: Vec::new(),
            set_aside: None,
        };
        // A credential found twice (a pack left by an interrupted removal or import) is
        // indexed once.
        let mut seen = HashSet::new();
        let mut redundant = Vec::new();
        for pack in &scan.packs {
            let bytes = match self.originals.read_pack(pack) {
                Ok(b) => b,
                Err(e) => {
                    report.unreadable.push(format!("pack {pack}: {e}"));
                    continue;
                }
            };
            let (entries, problems) = Originals::parse_pack(&bytes);
            let whole = problems.is_empty() && !entries.is_empty();
            report
                .unreadable
                .extend(problems.into_iter().map(|p| format!("pack {pack}: {p}")));
            let mut kept = Vec::new();
            let mut records = Vec::new();
            let unreadable_before = report.unreadable.len();
            for e in entries {
                if seen.contains(&e.name) {
                    continue;
                }
                let frame = &bytes[e.offset as usize..][..e.len as usize];
                match self.recheck(&e.name, frame, &env, now) {
                    Ok(rec) => {
                        seen.insert(e.name.clone());
                        kept.push(e);
                        records.push(rec);
                    }
                    Err(why) => report.unreadable.push(format!("{}: {why}", e.name)),
                }
            }
            report.restored += records.len();
            if !records.is_empty() {
                self.index_pack(pack.clone(), &kept, records)?;
            } else if whole && kept.is_empty() && unreadable_before == report.unreadable.len() {
                // Every original in it is indexed from another pack (left by an interrupted
                // import or removal): nothing is lost by deleting it.
                redundant.push(pack);
            }
        }
        let mut moved = Vec::new();
        let mut items = Vec::new();
        for name in &scan.legacy {
            if seen.contains(name) {
                moved.push(name);
                continue;
            }
            let checked = self
                .originals
                .read_legacy(name)
                .map_err(|e| e.to_string())
                .and_then(|frame| Ok((self.recheck(name, &frame, &env, now)?, frame)));
            match checked {
                Ok((record, frame)) => {
                    seen.insert(name.clone());
                    moved.push(name);
                    items.push(NewCredential { record, frame });
                    if items.len() == BATCH {
                        report.restored += items.len();
                        self.store_batch(std::mem::take(&mut items))?;
                    }
                }
                Err(why) => report.unreadable.push(format!("{name}: {why}")),
            }
        }
        report.restored += items.len();
        self.store_batch(items)?;
        self.flush()?;
        let cleanup = Cleanup {
            legacy: moved.into_iter().cloned().collect(),
            packs: redundant.into_iter().cloned().collect(),
        };
        Ok((report, cleanup))
    }

    /// Delete what a rebuilt index no longer needs: schema-1 files moved into packs, packs
    /// whose every original is indexed from another. Run once the rebuilt index is the
    /// wallet's index, so that the old index never refers to a deleted file.
    pub(super) fn clean_up(&self, cleanup: Cleanup) -> Result<()> {
        for name in &cleanup.legacy {
            self.originals.remove_legacy(name)?;
        }
        for pack in &cleanup.packs {
            self.originals.remove_pack(pack)?;
        }
        self.originals.sync_dir()
    }

    /// Decode a stored frame, check it against its content name, parse and verify it.
    pub(super) fn recheck(
        &self,
        name: &str,
        frame: &[u8],
        env: &Env,
        now: DateTime<Utc>,
    ) -> std::result::Result<StoredCredential, String> {
        let (header, original) = Originals::decode(name, frame, self.sealer.as_ref())?;
        if self.name_of(&original) != name {
            return Err("its content does not match its name (altered)".into());
        }
        let doc = formats::parse_document(&original)
            .map_err(|_| "no longer parses as a credential".to_string())?;
        let verification = verify::verify_document(&doc, env, now);
        Ok(StoredCredential {
            id: name.to_string(),
            credential_id: verification.credential.id.clone(),
            imported_at: header.imported_at,
            source: header.source,
            forced: header.forced,
            verification,
        })
    }
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    handle
        .join()
        .unwrap_or_else(|_| Err(crate::Error::Internal("an import thread panicked".into())))
}

/// Files a rebuilt index no longer refers to, deleted once it is in place.
pub(super) struct Cleanup {
    legacy: Vec<String>,
    packs: Vec<String>,
}

/// What `repair` did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepairReport {
    /// Credentials re-indexed from their files (brought back).
    pub restored: usize,
    /// Originals that could not be read, with the reason (kept on disk, not deleted).
    pub unreadable: Vec<String>,
    /// Interrupted temporary files removed.
    pub removed_temporaries: usize,
    /// What became of the old index: missing, read (what only it held was kept), or
    /// unreadable.
    pub old_index: super::OldIndex,
    /// Why the old index could not be read (or read only in part).
    pub old_index_problem: Option<String>,
    /// Cached items (trust registry, catalogue, status lists, DID documents, qualification
    /// rules) kept from the old index.
    pub kept_cached_items: usize,
    /// Whether a new holder key was made (the old one could not be read).
    pub new_holder_key: bool,
    /// What could not be brought back, and what to import again, in words for the learner.
    pub lost: Vec<String>,
    /// Where the old index was set aside, when it is kept because not all of it could be
    /// read; `None` when it was removed (or there was none).
    pub set_aside: Option<String>,
}
