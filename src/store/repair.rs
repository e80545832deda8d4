//! `mcx repair` (and the app's Repair button) without the old index. The packs are the source
//! of truth, so repair never needs the index it replaces: it builds a fresh index beside the
//! old one (`index.rebuild.sled`) from the packs, brings over from the old index what only
//! the index holds (the holder keys in `secrets`; the trust registry, catalogue, status
//! lists, DID documents and qualification rules in `caches`) when it can still be opened,
//! and only then swaps the new index in. The old one is deleted when everything in it was
//! brought over, and otherwise kept under `index.damaged-<time>.sled`, and the report says
//! what was lost and what to import again.
//!
//! Order, so that an interruption or a full disk leaves the old state or the new one: the
//! old index stays `index.sled` until the new one is complete and flushed; then the old one
//! is renamed aside and the new one renamed into place. A repair interrupted between those
//! two renames leaves no `index.sled`; the next repair takes the complete new index as its
//! old one, so nothing it had brought over is lost.

use super::crypto::Sealer;
use super::holder::{p256_from_secret, HOLDER_P256};
use super::import::Cleanup;
use super::originals::Originals;
use super::{
    damaged, open_db, reopen_db, take_lock, unlock_keyring, RepairReport, Wallet, INDEX,
    META_SCHEMA, ORIGINALS, SCHEMA_VERSION,
};
use crate::proof::keys::KeyPair;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Where the new index is built.
pub(super) const BUILDING: &str = "index.rebuild.sled";

/// What became of the old index in a repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OldIndex {
    /// There was none (deleted, or never made).
    Missing,
    /// It opened: what only it held was kept (see the report for items it could not read).
    Read,
    /// sled could not open it: what only it held is lost, and it is kept aside.
    Unreadable,
}

/// What was read out of the old index: plain (unsealed) keys and values.
struct Salvage {
    old: OldIndex,
    problem: Option<String>,
    secrets: Vec<(Vec<u8>, Vec<u8>)>,
    caches: Vec<(Vec<u8>, Vec<u8>)>,
    /// Items found but unreadable (a sealed value that does not open, a holder key or cached
    /// document that does not parse).
    unreadable: usize,
    /// The old index held a P-256 holder key that could not be read.
    p256_unreadable: bool,
}

impl Salvage {
    fn none(old: OldIndex, problem: Option<String>) -> Salvage {
        Salvage {
            old,
            problem,
            secrets: Vec::new(),
            caches: Vec::new(),
            unreadable: 0,
            p256_unreadable: false,
        }
    }

    /// Everything the old index held was brought over: it need not be kept.
    fn complete(&self) -> bool {
        self.old == OldIndex::Read && self.problem.is_none() && self.unreadable == 0
    }

    fn has_holder(&self) -> bool {
        self.has_secret(b"holder")
    }

    fn has_secret(&self, name: &[u8]) -> bool {
        self.secrets.iter().any(|(k, _)| k.as_slice() == name)
    }

    /// A P-256 holder key had to be made where the old index may have held one: SD-JWT VC
    /// credentials bound to the old key can no longer be presented. (An index that opened
    /// without one is a wallet from before SD-JWT VC: nothing was lost.)
    fn lost_p256(&self) -> bool {
        !self.has_secret(HOLDER_P256.as_bytes())
            && (self.old != OldIndex::Read || self.p256_unreadable)
    }
}

impl Wallet {
    /// Repair the wallet in `dir` without needing its old index: take the wallet lock, build a
    /// fresh index from the packs (re-verifying every original, as [`Wallet::repair`] does),
    /// keep the holder key and cached trust data from the old index when it still opens,
    /// swap the new index in, and return the wallet open on it with the report. An
    /// encrypted wallet needs its `passphrase` (its originals are sealed under its key).
    ///
    /// A new holder key is made only when the old one cannot be read, and the report says so
    /// (`new_holder_key`, `lost`). A full disk stops the repair before the swap with
    /// [`Error::DiskFull`]; the old index is then untouched.
    pub fn repair_dir(
        dir: &Path,
        passphrase: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Wallet, RepairReport)> {
        std::fs::create_dir_all(dir.join(ORIGINALS)).map_err(|e| Error::io(dir, e))?;
        let lock = take_lock(dir)?;
        super::finish_reencryption(dir)?;
        let sealer = unlock_keyring(dir, passphrase)?;
        let old_path = dir.join(INDEX);
        let building = dir.join(BUILDING);
        // Interrupted between the two renames of an earlier repair: its complete new index
        // is the old index of this one.
        if !old_path.exists() && building.exists() {
            std::fs::rename(&building, &old_path).map_err(|e| Error::io(&old_path, e))?;
        }
        let salvage = if old_path.exists() {
            salvage(dir, &old_path, sealer.as_ref())?
        } else {
            Salvage::none(OldIndex::Missing, None)
        };
        if building.exists() {
            std::fs::remove_dir_all(&building).map_err(|e| Error::io(&building, e))?;
        }
        let (wallet, mut report, cleanup) = match build(dir, &building, lock, sealer, &salvage, now)
        {
            Ok(built) => built,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&building);
                return Err(e.in_wallet(dir, None));
            }
        };
        // Swap: close the new index (every tree handle too), set the old one aside, move the
        // new one into place, reopen it.
        let Wallet {
            dir: wallet_dir,
            _lock,
            db,
            originals,
            sealer,
            index,
            secrets,
            caches,
            ..
        } = wallet;
        drop((index, secrets, caches));
        drop(db);
        let aside = if old_path.exists() {
            let aside = aside_path(dir, now);
            std::fs::rename(&old_path, &aside).map_err(|e| Error::io(&old_path, e))?;
            Some(aside)
        } else {
            None
        };
        if let Err(e) = std::fs::rename(&building, &old_path) {
            if let Some(a) = &aside {
                let _ = std::fs::rename(a, &old_path);
            }
            return Err(Error::io(&old_path, e).in_wallet(dir, None));
        }
        let (db, trees) = reopen_db(dir, &old_path)?;
        let wallet = Wallet {
            dir: wallet_dir,
            _lock,
            db,
            originals,
            sealer,
            index: trees.index,
            secrets: trees.secrets,
            caches: trees.caches,
            read_only: None,
            from_packs: false,
            detached: false,
            _scratch: None,
        };
        wallet.clean_up(cleanup)?;
        if let Some(aside) = aside {
            // Kept when something in it could not be brought over (or it cannot be deleted).
            if !salvage.complete() || std::fs::remove_dir_all(&aside).is_err() {
                report.set_aside = Some(aside.display().to_string());
            }
        }
        Ok((wallet, report))
    }
}

/// Build the new index at `building`: the schema version, what was salvaged, the holder keys
/// (each new only when none was salvaged), then every credential from the packs; flushed.
fn build(
    dir: &Path,
    building: &Path,
    lock: std::fs::File,
    sealer: Option<Sealer>,
    salvage: &Salvage,
    now: DateTime<Utc>,
) -> Result<(Wallet, RepairReport, Cleanup)> {
    let (db, trees) = open_db(dir, building)?;
    db.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
        .map_err(|e| damaged(dir, e))?;
    let wallet = Wallet {
        dir: dir.to_path_buf(),
        _lock: Some(lock),
        db,
        originals: Originals::new(dir.join(ORIGINALS)),
        sealer,
        index: trees.index,
        secrets: trees.secrets,
        caches: trees.caches,
        read_only: None,
        from_packs: false,
        detached: false,
        _scratch: None,
    };
    // Index values are sealed with their key as associated data.
    for (k, v) in &salvage.secrets {
        wallet
            .secrets
            .insert(k.as_slice(), wallet.seal(v, k))
            .map_err(|e| wallet.damaged(e))?;
    }
    for (k, v) in &salvage.caches {
        wallet
            .caches
            .insert(k.as_slice(), wallet.seal(v, k))
            .map_err(|e| wallet.damaged(e))?;
    }
    let holder_kept = salvage.has_holder();
    if !holder_kept {
        wallet.ensure_holder_key()?;
    }
    wallet.ensure_holder_p256_key()?;
    let (mut report, cleanup) = wallet.rebuild(now)?;
    wallet.flush()?;
    report.old_index = salvage.old;
    report.old_index_problem = salvage.problem.clone();
    report.kept_cached_items = salvage.caches.len();
    report.new_holder_key = !holder_kept;
    report.lost = lost(salvage, holder_kept);
    Ok((wallet, report, cleanup))
}

/// What the old index held that this repair could not bring over, in the learner's words.
fn lost(s: &Salvage, holder_kept: bool) -> Vec<String> {
    const IMPORT_AGAIN: &str = "import it again (`mcx demo load` for the demo network, or \
        `mcx registry import`, `mcx catalogue import`, `mcx status import`, `mcx did import`, \
        `mcx qualification import`), then run `mcx reverify` to check the credentials against it";
    let mut lost = Vec::new();
    match (!holder_kept, s.lost_p256()) {
        (true, true) => lost.push(
            "the holder keys: new ones were made, so presentations and portfolios signed from \
             now on name a new holder DID, and SD-JWT VC credentials bound to the old P-256 key \
             can no longer be presented (ask their issuers to issue them to the new key)"
                .to_string(),
        ),
        (true, false) => lost.push(
            "the holder key: a new one was made, so presentations and portfolios signed from \
             now on name a new holder DID"
                .to_string(),
        ),
        (false, true) => lost.push(
            "the P-256 holder key: a new one was made, so SD-JWT VC credentials bound to the old \
             one can no longer be presented (ask their issuers to issue them to the new key)"
                .to_string(),
        ),
        (false, false) => {}
    }
    // An index that opened but held nothing at all was emptied (or replaced).
    let blank = s.old != OldIndex::Read
        || (s.secrets.is_empty() && s.caches.is_empty() && s.unreadable == 0);
    if blank {
        lost.push(format!(
            "any trust data the old index held (trust registry, catalogue, status lists, DID \
             documents, qualification rules): {IMPORT_AGAIN}"
        ));
    } else if s.unreadable > 0 || s.problem.is_some() {
        let what = match s.unreadable {
            0 => "some cached trust data".to_string(),
            1 => "1 cached item of trust data".to_string(),
            n => format!("{n} cached items of trust data"),
        };
        lost.push(format!("{what} could not be read: {IMPORT_AGAIN}"));
    }
    lost
}

/// Read what only the index holds out of the old index at `path`. sled may fail on a damaged
/// index, or stop (panic) on data it does not expect; either makes it unreadable, not the
/// repair impossible. A full disk, a folder that takes no writes, or a wallet in use stop the
/// repair instead: a new index could not be built either.
fn salvage(dir: &Path, path: &Path, sealer: Option<&Sealer>) -> Result<Salvage> {
    let read =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_old(dir, path, sealer)));
    match read {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) if e.is_unwritable() || matches!(e, Error::WalletInUse(_)) => Err(e),
        Ok(Err(Error::WalletDamaged { detail, .. })) => {
            Ok(Salvage::none(OldIndex::Unreadable, Some(detail)))
        }
        Ok(Err(e)) => Ok(Salvage::none(OldIndex::Unreadable, Some(e.to_string()))),
        Err(_) => Ok(Salvage::none(
            OldIndex::Unreadable,
            Some("sled stopped on damaged data while reading it".into()),
        )),
    }
}

fn read_old(dir: &Path, path: &Path, sealer: Option<&Sealer>) -> Result<Salvage> {
    let (db, trees) = reopen_db(dir, path)?;
    let mut s = Salvage::none(OldIndex::Read, None);
    let (bad, problem) = read_tree(&trees.secrets, sealer, &mut s.secrets);
    s.unreadable += bad;
    s.problem = problem;
    let (bad, problem) = read_tree(&trees.caches, sealer, &mut s.caches);
    s.unreadable += bad;
    s.problem = s.problem.take().or(problem);
    // A holder key that does not parse, or a cached document that is not JSON, would break
    // the new index as it broke the old one: it is counted as unreadable instead.
    let before = s.secrets.len() + s.caches.len();
    s.secrets
        .retain(|(k, v)| k.as_slice() != b"holder".as_slice() || KeyPair::from_json(v).is_ok());
    let with_p256 = s.secrets.len();
    s.secrets
        .retain(|(k, v)| k.as_slice() != HOLDER_P256.as_bytes() || p256_from_secret(v).is_some());
    s.p256_unreadable = s.secrets.len() < with_p256;
    s.caches
        .retain(|(_, v)| serde_json::from_slice::<serde_json::Value>(v).is_ok());
    s.unreadable += before - (s.secrets.len() + s.caches.len());
    drop(trees);
    drop(db);
    Ok(s)
}

/// Every entry of `tree`, unsealed, into `out`: how many could not be opened, and the error
/// that stopped the walk, if any.
fn read_tree(
    tree: &sled::Tree,
    sealer: Option<&Sealer>,
    out: &mut Vec<(Vec<u8>, Vec<u8>)>,
) -> (usize, Option<String>) {
    let mut unreadable = 0;
    for item in tree.iter() {
        match item {
            Ok((k, v)) => match sealer {
                Some(s) => match s.open(&v, &k) {
                    Ok(plain) => out.push((k.to_vec(), plain)),
                    Err(_) => unreadable += 1,
                },
                None => out.push((k.to_vec(), v.to_vec())),
            },
            Err(e) => return (unreadable, Some(e.to_string())),
        }
    }
    (unreadable, None)
}

/// A name for the old index beside the new one that no earlier repair has taken.
fn aside_path(dir: &Path, now: DateTime<Utc>) -> PathBuf {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let mut path = dir.join(format!("index.damaged-{stamp}.sled"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("index.damaged-{stamp}-{n}.sled"));
        n += 1;
    }
    path
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::test_util::signed;
    use super::super::ImportItem;
    use super::*;

    fn wallet_with(dir: &Path, n: usize) -> String {
        let wallet = Wallet::open(dir).unwrap();
        let items = signed(n)
            .into_iter()
            .map(|bytes| ImportItem {
                bytes,
                source: "test".into(),
            })
            .collect();
        wallet
            .import(items, false, Utc::now(), &mut |_, _| {})
            .unwrap();
        wallet
            .import_did_document(br#"{"id": "did:web:uni.example"}"#)
            .unwrap();
        wallet.holder_key().unwrap().did()
    }

    /// Issue 17: repair keeps what only the index holds when the old index opens, survives an
    /// interruption between its two renames, and, when sled cannot open the old index at all,
    /// still brings back every credential, keeps the old index aside and says what was lost.
    #[test]
    fn repair_keeps_what_only_the_index_holds_and_never_needs_the_old_index() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let holder = wallet_with(dir, 3);
        let now = Utc::now();

        let (wallet, r) = Wallet::repair_dir(dir, None, now).unwrap();
        assert_eq!(r.restored, 3);
        assert_eq!(r.old_index, OldIndex::Read);
        assert!(!r.new_holder_key);
        assert_eq!(r.kept_cached_items, 1);
        assert!(r.lost.is_empty(), "{:?}", r.lost);
        assert!(r.set_aside.is_none());
        assert_eq!(wallet.holder_key().unwrap().did(), holder);
        assert_eq!(wallet.cache_scan("did:").unwrap().len(), 1);
        drop(wallet);

        // Interrupted between the renames: no `index.sled`, the complete new index under its
        // building name. Opening refuses (and creates nothing); repair takes it as the old one.
        std::fs::rename(dir.join(INDEX), dir.join(BUILDING)).unwrap();
        assert!(matches!(
            Wallet::open(dir),
            Err(Error::WalletDamaged { .. })
        ));
        assert!(!dir.join(INDEX).exists());
        let (wallet, r) = Wallet::repair_dir(dir, None, now).unwrap();
        assert_eq!((r.restored, r.new_holder_key), (3, false));
        assert_eq!(wallet.holder_key().unwrap().did(), holder);
        drop(wallet);

        // An index sled refuses to open (its configuration is garbage).
        std::fs::write(
            dir.join(INDEX).join("conf"),
            b"this is not a sled configuration file\n",
        )
        .unwrap();
        assert!(matches!(
            Wallet::open(dir),
            Err(Error::WalletDamaged { .. })
        ));
        let (wallet, r) = Wallet::repair_dir(dir, None, now).unwrap();
        assert_eq!(r.restored, 3);
        assert_eq!(r.old_index, OldIndex::Unreadable);
        assert!(r.old_index_problem.is_some());
        assert!(r.new_holder_key);
        assert_eq!(r.kept_cached_items, 0);
        assert_eq!(r.lost.len(), 2, "{:?}", r.lost);
        let aside = PathBuf::from(r.set_aside.unwrap());
        assert!(aside.is_dir() && aside != dir.join(INDEX));
        assert_ne!(wallet.holder_key().unwrap().did(), holder);
        assert_eq!(wallet.count().unwrap(), 3);
        drop(wallet);
        // The repaired wallet opens as usual.
        assert_eq!(Wallet::open(dir).unwrap().count().unwrap(), 3);
    }
}
