//! Reading a wallet that cannot be written: on a full disk, a read-only medium (a USB stick,
//! a mounted backup) or in a folder without write permission. Listing, showing, verifying,
//! exporting a PDF to another disk and sharing work; every change is refused with
//! [`Error::ReadOnly`] ("read-only: changes are off").
//!
//! sled 0.34 has no read-only mode: opening an index takes a write lock on its file and
//! appends to its log. So the index is copied, byte for byte, into a private temporary folder
//! (the system's temporary folder, else `/dev/shm` on Linux) and the copy is opened; the copy
//! is deleted when the wallet is closed. The original index is never opened, so nothing on
//! the wallet's disk is written. When the index cannot be copied or read, an index is built
//! in such a folder from the packs, the source of truth: every credential is there, verified
//! without the trust data cached in the index (registry, status lists, DID documents) and
//! without the holder key, so sharing (which signs with it) says so.
//!
//! (sled's own `temporary` databases are not used: when sled limits its cache to a cgroup's
//! memory it copies its configuration, and the copy left behind deletes the folder while the
//! database is still open.)

use super::originals::Originals;
use super::{
    damaged, trees_of, unlock_keyring, Trees, Wallet, INDEX, LOCK_FILE, META_SCHEMA, ORIGINALS,
    SCHEMA_VERSION,
};
use crate::{Error, ReadOnlyReason, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

impl Wallet {
    /// Open the wallet in `dir` to read it: normally ([`Wallet::open_with`]) when it can be
    /// written, else read-only ([`Wallet::open_read_only`]) when its disk is full or its disk
    /// or folder takes no writes. [`Wallet::read_only`] tells which.
    pub fn open_for_reading(dir: &Path, passphrase: Option<&str>) -> Result<Wallet> {
        match Wallet::open_with(dir, passphrase) {
            Err(e) if e.is_unwritable() => {
                let why = match &e {
                    Error::DiskFull { .. } => ReadOnlyReason::DiskFull,
                    Error::ReadOnly { why, .. } => *why,
                    _ => ReadOnlyReason::NotWritable,
                };
                match Wallet::open_read_only(dir, passphrase, why) {
                    // No wallet there to read: the reason it could not be made is the answer.
                    Err(Error::NotFound(_)) => Err(e),
                    other => other,
                }
            }
            other => other,
        }
    }

    /// Open the wallet in `dir` read-only, writing nothing on its disk: from a private copy
    /// of its index, or (when no copy can be made or read) from its packs alone. `why` is
    /// what [`Error::ReadOnly`] will give as the reason changes are off.
    pub fn open_read_only(
        dir: &Path,
        passphrase: Option<&str>,
        why: ReadOnlyReason,
    ) -> Result<Wallet> {
        if !dir.join(ORIGINALS).is_dir() {
            return Err(Error::NotFound(format!("a wallet at {}", dir.display())));
        }
        let lock = shared_lock(dir)?;
        let sealer = unlock_keyring(dir, passphrase)?;
        let index = dir.join(INDEX);
        let copied = if index.is_dir() {
            open_copy(dir, &index)?
        } else {
            None
        };
        let (db, trees, scratch, from_packs) = match copied {
            Some((db, trees, scratch)) => (db, trees, scratch, false),
            None => {
                // An empty index of our own, filled from the packs below.
                let scratch = Scratch::new(|_| Ok(())).ok_or_else(|| Error::DiskFull {
                    path: std::env::temp_dir(),
                    kept: None,
                })?;
                let db = sled::Config::new()
                    .path(&scratch.0)
                    .open()
                    .map_err(|e| damaged(dir, e))?;
                let trees = trees_of(dir, &db)?;
                (db, trees, scratch, true)
            }
        };
        let wallet = Wallet {
            dir: dir.to_path_buf(),
            _lock: lock,
            db,
            originals: Originals::new(dir.join(ORIGINALS)),
            sealer,
            index: trees.index,
            secrets: trees.secrets,
            caches: trees.caches,
            read_only: Some(why),
            from_packs,
            detached: false,
            _scratch: Some(scratch),
        };
        if from_packs {
            wallet.index_from_packs(chrono::Utc::now())?;
        }
        Ok(wallet)
    }

    /// Index every original of every pack into this (temporary) index, reading nothing but
    /// the packs and writing nothing on the wallet's disk. Schema-1 files are not read here
    /// (moving them into packs writes).
    fn index_from_packs(&self, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        let env = self.env()?;
        let mut seen = HashSet::new();
        for pack in &self.originals.scan()?.packs {
            let Ok(bytes) = self.originals.read_pack(pack) else {
                continue;
            };
            let (entries, _) = Originals::parse_pack(&bytes);
            let mut kept = Vec::new();
            let mut records = Vec::new();
            for e in entries {
                if seen.contains(&e.name) {
                    continue;
                }
                let frame = &bytes[e.offset as usize..][..e.len as usize];
                if let Ok(rec) = self.recheck(&e.name, frame, &env, now) {
                    seen.insert(e.name.clone());
                    kept.push(e);
                    records.push(rec);
                }
            }
            if !records.is_empty() {
                self.index_pack(pack.clone(), &kept, records)?;
            }
        }
        Ok(())
    }
}

/// A shared hold on `wallet.lock`: a process that has the wallet open for writing keeps it
/// exclusively, and then reading a copy of its index could catch it half-way ("in use").
/// A medium without the file, or without locks, has no writer to wait for.
fn shared_lock(dir: &Path) -> Result<Option<std::fs::File>> {
    let Ok(file) = std::fs::File::open(dir.join(LOCK_FILE)) else {
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::WalletInUse(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// A private temporary folder holding a read-only wallet's index (a copy, or one built from
/// the packs), deleted with the wallet (its last field, so after the index is closed).
pub(super) struct Scratch(PathBuf);

impl Scratch {
    /// A new private folder in the system's temporary folder, else (Linux) in `/dev/shm`,
    /// filled by `fill`; `None` when no temporary folder takes it (full, or not writable).
    fn new(mut fill: impl FnMut(&Path) -> std::io::Result<()>) -> Option<Scratch> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "microcredx-read-only-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut bases = vec![std::env::temp_dir()];
        if cfg!(target_os = "linux") {
            bases.push(PathBuf::from("/dev/shm"));
        }
        for base in bases {
            let path = base.join(&name);
            if private_dir(&path).is_err() {
                continue;
            }
            // Dropped (and so deleted) when it cannot be filled.
            let scratch = Scratch(path);
            if fill(&scratch.0).is_ok() {
                return Some(scratch);
            }
        }
        None
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy the index into a private temporary folder and open the copy. `None` when no copy can
/// be made, or the copy does not open as a current index (then the packs are read instead).
/// A schema-1 index cannot be read without migrating it, which writes.
fn open_copy(dir: &Path, index: &Path) -> Result<Option<(sled::Db, Trees, Scratch)>> {
    // Held while the files are copied, so the copy is of an index no sled is writing.
    let _quiet = quiet_index(dir, index)?;
    let Some(copy) = Scratch::new(|to| copy_dir(index, to)) else {
        return Ok(None);
    };
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let db = sled::Config::new().path(&copy.0).open().ok()?;
        let version = db.get(META_SCHEMA).ok()??;
        let trees = trees_of(dir, &db).ok()?;
        Some((db, trees, version))
    }));
    match opened {
        Ok(Some((db, trees, version))) if version.as_ref() == SCHEMA_VERSION.to_be_bytes() => {
            Ok(Some((db, trees, copy)))
        }
        Ok(Some((_, _, version))) if version.as_ref() == 1u32.to_be_bytes() => {
            Err(Error::BadInput(format!(
                "the wallet at {} was made by an earlier version of MicroCredX and must be \
                 upgraded once, which writes; open it where it can be written",
                dir.display()
            )))
        }
        // The copy is deleted with `copy`.
        _ => Ok(None),
    }
}

/// A shared hold on the index's `db` file, which sled keeps locked exclusively while it has
/// the index open. An index this process opened a moment ago (a normal open that the full
/// disk stopped half-way) is still being let go of by sled's flusher, which may write a
/// snapshot and delete the one before it: copying then would copy neither whole. So wait for
/// it with the wait [`super::reopen_db`] uses (`wallet.lock` already keeps other processes
/// out). A medium without locks has no writer to wait for.
fn quiet_index(dir: &Path, index: &Path) -> Result<Option<std::fs::File>> {
    let Ok(file) = std::fs::File::open(index.join("db")) else {
        return Ok(None);
    };
    let locked = super::while_sled_lets_go(|| match file.try_lock_shared() {
        Ok(()) => Some(true),
        Err(std::fs::TryLockError::WouldBlock) => None,
        Err(std::fs::TryLockError::Error(_)) => Some(false),
    });
    match locked {
        Some(true) => Ok(Some(file)),
        Some(false) => Ok(None),
        None => Err(Error::WalletInUse(dir.to_path_buf())),
    }
}

/// A new folder only its owner can read: the copy holds what the index holds.
fn private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Copy a folder's files and folders into `to` (which exists). Files are created anew, so the
/// copy can be written by sled even when the originals are read-only.
/// A snapshot sled began and did not finish is left out (see [`super::is_partial_snapshot`]):
/// the copy opens as the wallet would, without writing in the wallet.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if super::is_partial_snapshot(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir(&target)?;
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            let mut src = std::fs::File::open(entry.path())?;
            let mut dst = std::fs::File::create(&target)?;
            std::io::copy(&mut src, &mut dst)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::test_util::signed;
    use super::super::ImportItem;
    use super::*;
    use crate::ErrorCode;

    /// Issue 17: a read-only wallet reads a private copy of its index (or, without one, its
    /// packs), keeps a writer out, refuses every change, and writes nothing in the wallet.
    #[test]
    fn a_read_only_wallet_reads_a_copy_or_the_packs_and_refuses_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let now = chrono::Utc::now();
        let items: Vec<ImportItem> = signed(5)
            .into_iter()
            .map(|bytes| ImportItem {
                bytes,
                source: "test".into(),
            })
            .collect();
        let (holder, id) = {
            let w = Wallet::open(dir).unwrap();
            w.import(items.clone(), false, now, &mut |_, _| {}).unwrap();
            let id = w.list(super::super::SortKey::Date).unwrap()[0].id.clone();
            (w.holder_key().unwrap().did(), id)
        };

        let w = Wallet::open_read_only(dir, None, ReadOnlyReason::NotWritable).unwrap();
        assert_eq!(w.read_only(), Some(ReadOnlyReason::NotWritable));
        assert!(!w.rebuilt_from_packs());
        assert_eq!(w.count().unwrap(), 5);
        assert_eq!(w.holder_key().unwrap().did(), holder);
        assert_eq!(
            w.summary().unwrap().read_only,
            Some(ReadOnlyReason::NotWritable)
        );
        assert!(!w.original(&id).unwrap().is_empty());
        let refused = [
            w.import(items.clone(), false, now, &mut |_, _| {})
                .unwrap_err(),
            w.remove(&id).unwrap_err(),
            w.reverify(now).unwrap_err(),
            w.repair(now).unwrap_err(),
            w.import_did_document(br#"{"id": "did:web:uni.example"}"#)
                .unwrap_err(),
        ];
        for e in refused {
            assert_eq!(e.code(), ErrorCode::ReadOnly, "{e}");
            assert!(e.to_string().contains("read-only: changes are off"), "{e}");
        }
        // While it is read, no process opens the wallet to write it.
        assert!(matches!(Wallet::open(dir), Err(Error::WalletInUse(_))));
        drop(w);
        assert_eq!(Wallet::open(dir).unwrap().count().unwrap(), 5);

        // Without its index (or when no copy can be made): from the packs, writing nothing.
        std::fs::remove_dir_all(dir.join(INDEX)).unwrap();
        let w = Wallet::open_read_only(dir, None, ReadOnlyReason::DiskFull).unwrap();
        assert!(w.rebuilt_from_packs());
        assert_eq!(w.count().unwrap(), 5);
        assert!(w.holder_key().is_err());
        assert_eq!(
            w.import(items, false, now, &mut |_, _| {})
                .unwrap_err()
                .code(),
            ErrorCode::ReadOnly
        );
        // A backup would lose the holder key and the trust data: refused, as a full disk
        // when the disk is full (the index reads again once there is space).
        let cost = super::super::KdfCost {
            m_cost: 1024,
            t_cost: 1,
        };
        let out = tmp.path().join("w.mcxbackup");
        let e = w.backup(&out, "pass", cost).unwrap_err();
        assert_eq!(e.code(), ErrorCode::DiskFull, "{e}");
        drop(w);
        let w = Wallet::open_read_only(dir, None, ReadOnlyReason::NotWritable).unwrap();
        let e = w.backup(&out, "pass", cost).unwrap_err();
        assert!(e.to_string().contains("`mcx repair`"), "{e}");
        assert!(!out.exists());
        drop(w);
        assert!(
            !dir.join(INDEX).exists(),
            "nothing was written in the wallet"
        );
    }

    /// An index that sled still holds (a normal open stopped half-way by a full disk, its
    /// flusher letting go) is copied only once sled has let go, so the copy is whole and the
    /// holder key is there.
    #[test]
    fn the_index_is_copied_once_sled_lets_go_of_it() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let holder = Wallet::open(dir).unwrap().holder_key().unwrap().did();
        // The wallet just dropped may itself hold the index for a moment (its flusher).
        let db = crate::store::while_sled_lets_go(|| {
            sled::Config::new().path(dir.join(INDEX)).open().ok()
        })
        .unwrap();
        let released = Arc::new(AtomicBool::new(false));
        let letting_go = {
            let released = released.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(150));
                drop(db);
                released.store(true, Ordering::SeqCst);
            })
        };
        let w = Wallet::open_read_only(dir, None, ReadOnlyReason::DiskFull).unwrap();
        assert!(released.load(Ordering::SeqCst), "copied while sled held it");
        assert!(!w.rebuilt_from_packs());
        assert_eq!(w.holder_key().unwrap().did(), holder);
        letting_go.join().unwrap();
    }
}
