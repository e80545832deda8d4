//! The wallet on disk. This module alone knows sled.
//!
//! A wallet is a directory (by default in the OS data directory, found with `directories`;
//! `--wallet DIR` or `MCX_WALLET` override it) holding:
//!
//! - `originals/`: the signed originals in immutable, content-addressed pack files, one per
//!   acknowledged batch ([`originals`]), the source of truth;
//! - `index.sled/`: the sled database: the derived views and verification results (`src/store/index.rs`),
//!   the learner's holder keys (Ed25519 and P-256, `src/store/holder.rs`), settings and caches
//!   (trust registry, status lists, DID documents);
//! - `keyring.json`, only in a wallet locked with a passphrase: the wrapped data key
//!   ([`crypto`]). Then every value in the index and every original is encrypted.
//!
//! Invariants: a credential is acknowledged only once its original's pack is durably on disk
//! and its index entry flushed; the index can always be rebuilt from `originals/`, without
//! the old index ([`Wallet::repair_dir`]); only one process holds a wallet open for writing
//! (`wallet.lock`); a wallet that cannot be written is still read ([`Wallet::open_for_reading`]).

mod backup;
pub mod crypto;
mod demo;
mod holder;
mod import;
mod index;
mod listing;
mod migrate;
pub mod originals;
mod qualifications;
mod readonly;
mod removal;
mod repair;
mod space;
mod trust;

pub use backup::RestoreReport;
pub use demo::{demo_catalogue, DemoReport};
pub use holder::HolderKeys;
pub use import::{collect, ImportItem, ImportOutcome, ImportReport, Progress, RepairReport};
pub use index::{CredentialSummary, StoredCredential, MIN_ID_PREFIX};
pub use listing::{sort_rows, Listing, SortKey, FIRST_PAGE};
pub(crate) use qualifications::candidate;
pub use qualifications::{StackOptions, StackResult, StoredQualification};
pub use repair::OldIndex;
pub use trust::{check_signed_by_issuer, Registry, TrustImported, TrustKind};

use crate::proof::keys::KeyPair;
use crate::{Error, ReadOnlyReason, Result};
use crypto::{KdfCost, Sealer, WrappedKey};
use index::NewCredential;
use originals::Originals;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The current on-disk schema version. 1: one file per original, a sled entry per
/// credential in three trees. 2: originals in packs, the index in one tree of batches
/// (migrated on open).
pub const SCHEMA_VERSION: u32 = 2;

/// Credentials acknowledged together: one pack, one atomic index batch, one flush.
pub(crate) const BATCH: usize = 256;

pub(crate) const META_SCHEMA: &[u8] = b"schema_version";
const KEYRING: &str = "keyring.json";
/// The keyring a re-encryption in progress makes the wallet's (`null`: no passphrase).
const KEYRING_NEXT: &str = "keyring.next.json";

/// An open wallet. Only one process may hold a wallet open at a time.
pub struct Wallet {
    dir: PathBuf,
    /// `wallet.lock`, held exclusively (shared by a read-only wallet, when the file exists).
    _lock: Option<std::fs::File>,
    db: sled::Db,
    originals: Originals,
    sealer: Option<Sealer>,
    index: sled::Tree,
    secrets: sled::Tree,
    caches: sled::Tree,
    /// Opened read-only ([`Wallet::open_read_only`]): every change is refused.
    read_only: Option<ReadOnlyReason>,
    /// Read-only, and its index could not be read, so it was rebuilt in memory from the
    /// packs: without the holder key and the cached trust data.
    from_packs: bool,
    /// A change failed and the index could not be opened again in this process (the files
    /// are as before the change): this handle holds nothing and the wallet must be reopened.
    detached: bool,
    /// The private folder a read-only wallet's index lives in; last, so that it is deleted
    /// after the index is closed.
    _scratch: Option<readonly::Scratch>,
}

/// What the app shows about a wallet before anything else.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WalletSummary {
    /// Where the wallet lives.
    pub path: String,
    /// How many credentials it holds.
    #[ts(type = "number")]
    pub credentials: u64,
    /// Whether the wallet is encrypted with a passphrase.
    pub encrypted: bool,
    /// The learner's holder DID (made on first run).
    pub holder: Option<String>,
    /// Set when the wallet is open read-only ("read-only: changes are off"), and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub read_only: Option<ReadOnlyReason>,
}

/// The wallet directory to use: `explicit` (from `--wallet`), else `MCX_WALLET`, else the
/// OS data directory (`~/.local/share/microcredx-wallet` on Linux).
pub fn resolve_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("MCX_WALLET").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("eu", "MicroCredX", "microcredx-wallet")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::Internal("no home directory found; set MCX_WALLET or pass --wallet".into())
        })
}

/// Whether the wallet in `dir` is encrypted (needs a passphrase to open).
pub fn is_encrypted(dir: &Path) -> bool {
    if dir.join(OLD_INDEX).exists() {
        // A re-encryption interrupted after its commit: the next open applies its keyring.
        if let Ok(bytes) = std::fs::read(dir.join(KEYRING_NEXT)) {
            return serde_json::from_slice::<Option<WrappedKey>>(&bytes)
                .map_or(true, |w| w.is_some());
        }
    }
    dir.join(KEYRING).exists()
}

impl Wallet {
    /// Open (creating if needed) an unencrypted wallet in `dir`, or fail with
    /// [`Error::Locked`] if it has a passphrase.
    pub fn open(dir: &Path) -> Result<Wallet> {
        Wallet::open_with(dir, None)
    }

    /// Open (creating if needed) the wallet in `dir`, with its passphrase if it has one.
    ///
    /// A wallet whose folder or disk takes no writes fails before anything is written: with
    /// [`Error::Io`] (read-only, no permission) or [`Error::DiskFull`] (less free space than an
    /// index needs to open safely); [`Error::is_unwritable`] tells them apart, and
    /// [`Wallet::open_for_reading`] then opens it read-only.
    pub fn open_with(dir: &Path, passphrase: Option<&str>) -> Result<Wallet> {
        check_writable(dir)?;
        std::fs::create_dir_all(dir.join(ORIGINALS)).map_err(|e| Error::io(dir, e))?;
        // sled writes when it opens; on a disk with no room that write could leave the index
        // needing repair, so a nearly full disk is refused first (and read read-only).
        space::ensure_room(dir, 0, space::OPEN_RESERVE)?;
        let lock = take_lock(dir)?;
        // A re-encryption that did not finish: carried through when it had swapped the
        // indexes, else its new index is dropped (the old one still matches the keyring).
        finish_reencryption(dir)?;
        // A repair that did not finish: beside the old index its half-built one is dropped;
        // without the old index, only `mcx repair` knows what to make of it (opening here
        // would create an empty index in its place).
        let building = dir.join(repair::BUILDING);
        if building.exists() {
            if !dir.join(INDEX).exists() {
                return Err(Error::WalletDamaged {
                    path: dir.to_path_buf(),
                    detail: "a repair of its index did not finish".into(),
                });
            }
            std::fs::remove_dir_all(&building).map_err(|e| Error::io(&building, e))?;
        }
        let sealer = unlock_keyring(dir, passphrase)?;
        // With `wallet.lock` held, an index "in use" can only be this process's own wallet
        // dropped a moment ago (sled lets go of its file after its flusher does).
        let (db, trees) = reopen_db(dir, &dir.join(INDEX))?;
        let wallet = Wallet {
            dir: dir.to_path_buf(),
            _lock: Some(lock),
            originals: Originals::new(dir.join(ORIGINALS)),
            index: trees.index,
            secrets: trees.secrets,
            caches: trees.caches,
            sealer,
            db,
            read_only: None,
            from_packs: false,
            detached: false,
            _scratch: None,
        };
        wallet.check_schema()?;
        wallet.ensure_holder_key()?;
        wallet.ensure_holder_p256_key()?;
        wallet.collect_orphan_packs()?;
        Ok(wallet)
    }

    /// Refuse a change to a wallet open read-only.
    pub(crate) fn writable(&self) -> Result<()> {
        match self.read_only {
            Some(why) => Err(Error::ReadOnly {
                path: self.dir.clone(),
                why,
            }),
            None => Ok(()),
        }
    }

    /// `Some(why)` when the wallet is open read-only: every change is refused with
    /// [`Error::ReadOnly`].
    pub fn read_only(&self) -> Option<ReadOnlyReason> {
        self.read_only
    }

    /// Whether this read-only wallet's index could not be read, so its credentials were
    /// indexed in memory from the packs, verified without its cached trust data (registry,
    /// status lists, DID documents) and without its holder key.
    pub fn rebuilt_from_packs(&self) -> bool {
        self.from_packs
    }

    fn check_schema(&self) -> Result<()> {
        match self.db.get(META_SCHEMA).map_err(|e| self.damaged(e))? {
            // A new index beside packs of originals: the index was lost or emptied. Opening it
            // as an empty wallet (and making a new holder key) would hide every credential.
            None if !self.originals.scan()?.packs.is_empty() => Err(Error::WalletDamaged {
                path: self.dir.clone(),
                detail: "its index is missing or empty, but its originals are there".into(),
            }),
            None => {
                self.db
                    .insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.damaged(e))?;
                self.flush()
            }
            Some(v) if v.as_ref() == SCHEMA_VERSION.to_be_bytes() => Ok(()),
            Some(v) if v.as_ref() == 1u32.to_be_bytes() => self.migrate_from_1(),
            Some(v) => Err(Error::WalletDamaged {
                path: self.dir.clone(),
                detail: format!(
                    "schema version {:?} is newer than this program understands; update MicroCredX",
                    v.as_ref()
                ),
            }),
        }
    }

    pub(crate) fn damaged(&self, e: sled::Error) -> Error {
        damaged(&self.dir, e)
    }

    pub(crate) fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(|e| self.damaged(e))
    }

    /// Seal a value for the index (identity in an unencrypted wallet).
    pub(crate) fn seal(&self, bytes: &[u8], aad: &[u8]) -> Vec<u8> {
        match &self.sealer {
            Some(s) => s.seal(bytes, aad),
            None => bytes.to_vec(),
        }
    }

    /// Open a sealed index value.
    pub(crate) fn unseal(&self, bytes: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
        match &self.sealer {
            Some(s) => s.open(bytes, aad).map_err(|e| Error::WalletDamaged {
                path: self.dir.clone(),
                detail: format!("an index entry {e}"),
            }),
            None => Ok(bytes.to_vec()),
        }
    }

    /// The content name of some bytes (SHA-256, or a keyed hash in an encrypted wallet).
    pub(crate) fn name_of(&self, bytes: &[u8]) -> String {
        match &self.sealer {
            Some(s) => s.name_of(bytes),
            None => {
                use sha2::Digest;
                crypto::hex(&sha2::Sha256::digest(bytes))
            }
        }
    }

    /// The wallet directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this handle lost its index: a lock or unlock failed (a disk that filled up
    /// during the swap) and the index, put back as it was, could not be opened again here.
    /// Nothing is lost on disk; drop this handle and open the wallet again.
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// Whether the wallet is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.sealer.is_some()
    }

    /// A summary for the first screen.
    pub fn summary(&self) -> Result<WalletSummary> {
        Ok(WalletSummary {
            path: self.dir.display().to_string(),
            credentials: self.count()? as u64,
            encrypted: self.is_encrypted(),
            holder: self.holder_key().ok().map(|k| k.did()),
            read_only: self.read_only,
        })
    }

    fn ensure_holder_key(&self) -> Result<()> {
        if self
            .secrets
            .contains_key("holder")
            .map_err(|e| self.damaged(e))?
        {
            return Ok(());
        }
        let key = KeyPair::generate();
        let text =
            serde_json::to_vec(&key.to_file()).map_err(|e| Error::Internal(e.to_string()))?;
        self.secrets
            .insert("holder", self.seal(&text, b"holder"))
            .map_err(|e| self.damaged(e))?;
        self.flush()
    }

    /// The learner's holder key (signs presentations).
    pub fn holder_key(&self) -> Result<KeyPair> {
        let raw = self
            .secrets
            .get("holder")
            .map_err(|e| self.damaged(e))?
            .ok_or_else(|| {
                Error::NotFound(if self.from_packs {
                    "the holder key (the wallet is read-only and its index could not be read, so \
                     it was rebuilt from the originals without the key)"
                        .into()
                } else {
                    "the holder key".into()
                })
            })?;
        KeyPair::from_json(&self.unseal(&raw, b"holder")?)
    }

    /// Encrypt the wallet with a passphrase (`mcx lock`) or change it (`mcx passwd`): the
    /// data key is (re-)wrapped; on first locking every stored item is re-encrypted.
    pub fn set_passphrase(&mut self, passphrase: &str, cost: KdfCost) -> Result<()> {
        self.writable()?;
        if passphrase.is_empty() {
            return Err(Error::BadInput("the passphrase must not be empty".into()));
        }
        match &self.sealer {
            Some(s) => write_keyring(&self.dir, &s.wrap(passphrase, cost).map_err(kdf)?)
                .map_err(|e| e.in_wallet(&self.dir, None)),
            None => {
                let sealer = Sealer::generate();
                let wrapped = sealer.wrap(passphrase, cost).map_err(kdf)?;
                self.reencrypt(Some(sealer), Some(wrapped))
            }
        }
    }

    /// Remove the passphrase (`mcx unlock`): everything is stored unencrypted again.
    pub fn remove_passphrase(&mut self) -> Result<()> {
        self.writable()?;
        if self.sealer.is_none() {
            return Ok(());
        }
        self.reencrypt(None, None)
    }

    /// Re-encrypt every stored item under `next` (None = plain). sled keeps superseded pages
    /// on disk, so the index is not rewritten in place: a fresh one is built beside it and
    /// swapped in, and the old one deleted whole. Order: new original files; new index
    /// (`index.next.sled`, flushed); swap; keyring; old files removed. An interrupted run is
    /// cleaned up on the next open, and `repair` rebuilds from the originals.
    fn reencrypt(&mut self, next: Option<Sealer>, wrapped: Option<WrappedKey>) -> Result<()> {
        // The new index and packs are built beside the old ones: room for a second copy of
        // the wallet is needed before anything is written.
        let need = space::dir_size(&self.dir.join(INDEX)) + space::dir_size(self.originals.dir());
        space::ensure_room(&self.dir, need, space::WRITE_RESERVE)?;
        let contents = self.contents()?;
        let holder = self.holder_key()?;
        // The other secrets (the P-256 holder key) as they are, sealed with their name.
        let mut secrets = Vec::new();
        for item in self.secrets.iter() {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            if &k[..] != b"holder" {
                secrets.push((k.to_vec(), self.unseal(&v, &k)?));
            }
        }
        let mut caches = Vec::new();
        for item in self.caches.iter() {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            caches.push((k.to_vec(), self.unseal(&v, &k)?));
        }
        let old_packs = self.originals.scan()?.packs;
        let old_sealer = std::mem::replace(&mut self.sealer, next);
        let next_path = self.dir.join(NEXT_INDEX);
        let built = (|| {
            let (db, trees) = open_db(&self.dir, &next_path)?;
            db.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
                .map_err(|e| self.damaged(e))?;
            let old = self.swap_trees(trees);
            let result = (|| {
                for chunk in contents.chunks(BATCH) {
                    let mut items = Vec::with_capacity(chunk.len());
                    for (rec, header, original) in chunk {
                        let name = self.name_of(original);
                        let frame =
                            Originals::encode(&name, header, original, self.sealer.as_ref())?;
                        let mut record = rec.clone();
                        record.id = name;
                        items.push(NewCredential { record, frame });
                    }
                    self.store_batch(items)?;
                }
                let text = serde_json::to_vec(&holder.to_file())
                    .map_err(|e| Error::Internal(e.to_string()))?;
                self.secrets
                    .insert("holder", self.seal(&text, b"holder"))
                    .map_err(|e| self.damaged(e))?;
                for (k, v) in &secrets {
                    self.secrets
                        .insert(k.as_slice(), self.seal(v, k))
                        .map_err(|e| self.damaged(e))?;
                }
                for (k, v) in &caches {
                    self.caches
                        .insert(k.as_slice(), self.seal(v, k))
                        .map_err(|e| self.damaged(e))?;
                }
                db.flush().map(|_| ()).map_err(|e| self.damaged(e))
            })();
            let new_trees = self.swap_trees(old);
            drop(new_trees);
            drop(db);
            // The keyring the new index needs, beside the current one: written before the swap,
            // so that a full disk stops the change here, and an interruption after the swap is
            // finished on the next open (`finish_reencryption`).
            result.and_then(|()| write_keyring_to(&self.dir, KEYRING_NEXT, wrapped.as_ref()))
        })();
        if let Err(e) = built {
            self.sealer = old_sealer;
            self.drop_reencryption(&old_packs);
            return Err(e.in_wallet(&self.dir, None));
        }
        // Swap the indexes: close the old one (every tree handle too), move the new one into
        // place, reopen. The wallet lock file keeps other processes out meanwhile.
        let temp = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| damaged(&self.dir, e))?;
        let temp_trees = temporary_trees(&temp)?;
        let old_db = std::mem::replace(&mut self.db, temp);
        drop(self.swap_trees(temp_trees));
        let _ = old_db.flush();
        drop(old_db);
        // Once the old index is retired, an interruption (a crash, a power cut) is carried
        // through by the next open (`finish_reencryption`). An error here in this process
        // (sled reopening on a disk that filled up meanwhile) puts the old index back instead,
        // so that "nothing was changed" stays true; renames need no space.
        let retired = self.dir.join(OLD_INDEX);
        let _ = std::fs::remove_dir_all(&retired);
        let index = self.dir.join(INDEX);
        let swapped = std::fs::rename(&index, &retired)
            .map_err(|e| Error::io(&index, e))
            .and_then(|()| interrupt_at(1))
            .and_then(|()| std::fs::rename(&next_path, &index).map_err(|e| Error::io(&index, e)))
            .and_then(|()| interrupt_at(2))
            .and_then(|()| reopen_fails(4))
            .and_then(|()| reopen_db(&self.dir, &index));
        let (db, trees) = match swapped {
            Ok(opened) => opened,
            // A test's interruption stands for a crash: nothing is undone.
            Err(Error::Internal(m)) if cfg!(test) && m.starts_with(INTERRUPTED) => {
                return Err(Error::Internal(m))
            }
            Err(e) => {
                if !retired.exists() {
                    // The old index was never moved.
                } else if index.exists() {
                    let _ = std::fs::rename(&index, &next_path);
                    let _ = std::fs::rename(&retired, &index);
                } else {
                    let _ = std::fs::rename(&retired, &index);
                }
                self.sealer = old_sealer;
                self.drop_reencryption(&old_packs);
                match reopen_fails(5).and_then(|()| reopen_db(&self.dir, &index)) {
                    Ok((db, trees)) => {
                        self.db = db;
                        let _ = self.swap_trees(trees);
                    }
                    // The files are back as they were, but this handle is left on an empty
                    // temporary index: it says so, and the app opens the wallet again.
                    Err(_) => self.detached = true,
                }
                return Err(e.in_wallet(&self.dir, None));
            }
        };
        self.db = db;
        let _ = self.swap_trees(trees);
        // The commit: the keyring of the new index becomes the wallet's.
        apply_next_keyring(&self.dir)?;
        interrupt_at(3)?;
        // What is left of the old state goes; what an error leaves here is removed by the next
        // open (the retired index, packs no longer referred to), so the change stands.
        let _ = std::fs::remove_dir_all(&retired);
        let kept = self.packs_in_use()?;
        for old in &old_packs {
            if !kept.contains(old) {
                let _ = self.originals.remove_pack(old);
            }
        }
        let _ = self.originals.sync_dir();
        Ok(())
    }

    /// Undo a re-encryption that did not commit: its new index, next keyring and the packs
    /// written for it (the old index does not refer to them) go, so a failure (a full disk)
    /// leaves the wallet exactly as it was.
    fn drop_reencryption(&self, old_packs: &[String]) {
        let _ = std::fs::remove_file(self.dir.join(KEYRING_NEXT));
        let _ = std::fs::remove_dir_all(self.dir.join(NEXT_INDEX));
        if let Ok(scan) = self.originals.scan() {
            for pack in scan.packs.iter().filter(|p| !old_packs.contains(p)) {
                let _ = self.originals.remove_pack(pack);
            }
            let _ = self.originals.sync_dir();
        }
    }

    fn swap_trees(&mut self, t: Trees) -> Trees {
        Trees {
            index: std::mem::replace(&mut self.index, t.index),
            secrets: std::mem::replace(&mut self.secrets, t.secrets),
            caches: std::mem::replace(&mut self.caches, t.caches),
        }
    }

    /// Every original with its header, read from the packs (the source of truth).
    pub fn export_all(&self) -> Result<Vec<(originals::Header, Vec<u8>)>> {
        Ok(self
            .contents()?
            .into_iter()
            .map(|(_, header, original)| (header, original))
            .collect())
    }
}

const INDEX: &str = "index.sled";
const NEXT_INDEX: &str = "index.next.sled";
const OLD_INDEX: &str = "index.old.sled";
const LOCK_FILE: &str = "wallet.lock";
const ORIGINALS: &str = "originals";

/// The trees of one index database.
struct Trees {
    index: sled::Tree,
    secrets: sled::Tree,
    caches: sled::Tree,
}

fn trees_of(dir: &Path, db: &sled::Db) -> Result<Trees> {
    let tree = |name: &str| db.open_tree(name).map_err(|e| damaged(dir, e));
    Ok(Trees {
        index: tree("index")?,
        secrets: tree("secrets")?,
        caches: tree("caches")?,
    })
}

fn temporary_trees(db: &sled::Db) -> Result<Trees> {
    trees_of(Path::new("(temporary)"), db)
}

fn open_db(dir: &Path, path: &Path) -> Result<(sled::Db, Trees)> {
    discard_partial_snapshots(path).map_err(|e| Error::io(path, e).in_wallet(dir, None))?;
    let db = sled::Config::new()
        .path(path)
        .open()
        .map_err(|e| map_sled_open_error(dir, e))?;
    let trees = trees_of(dir, &db)?;
    Ok((db, trees))
}

/// Whether `name` is a snapshot sled 0.34 began to write and did not finish
/// (`snap.<lsn>.generating`, renamed only once complete).
pub(super) fn is_partial_snapshot(name: &str) -> bool {
    name.starts_with("snap.") && name.ends_with(".generating")
}

/// Remove the snapshots sled began to write in the index at `path` and did not finish. sled
/// 0.34 writes a snapshot while it opens an index; when the disk fills during that write, it
/// leaves the partial file, and every later open takes it for the newest snapshot and fails
/// as corrupted (spacejam/sled#1527; seen once on a filling disk in `tests/faults.rs`). Such a
/// file never holds the index's state: the snapshot before it and the log after that are
/// still there, and sled rebuilds the same state from them, as after a crash during the write.
/// Called with `wallet.lock` held, so no other open is writing one meanwhile.
fn discard_partial_snapshots(path: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if is_partial_snapshot(&entry.file_name().to_string_lossy()) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Open an index while holding `wallet.lock`, which may be one this process has just closed.
/// sled releases its file lock only when its
/// background flusher lets go of the database, a moment after the last handle is dropped; our
/// own `wallet.lock` keeps other processes out, so "in use" here can only be that moment.
fn reopen_db(dir: &Path, path: &Path) -> Result<(sled::Db, Trees)> {
    while_sled_lets_go(|| match open_db(dir, path) {
        Err(Error::WalletInUse(_)) => None,
        other => Some(other),
    })
    .unwrap_or_else(|| Err(Error::WalletInUse(dir.to_path_buf())))
}

/// Ask `attempt` until it answers (`Some`), while it finds the index held ("in use", `None`):
/// the moment sled takes to let go of an index this process has just closed. It waits 20 ms,
/// then twice as long each time, about 5 s in all; `None` when the index was held throughout.
fn while_sled_lets_go<T>(mut attempt: impl FnMut() -> Option<T>) -> Option<T> {
    let mut wait = std::time::Duration::from_millis(20);
    for _ in 0..8 {
        if let Some(answer) = attempt() {
            return Some(answer);
        }
        std::thread::sleep(wait);
        wait *= 2;
    }
    attempt()
}

/// Hold `wallet.lock` for the wallet's lifetime: a second process gets "wallet in use".
fn take_lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::WalletInUse(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// The wallet's data key, unwrapped from `keyring.json` with `passphrase` (`None` for a wallet
/// without a passphrase).
fn unlock_keyring(dir: &Path, passphrase: Option<&str>) -> Result<Option<Sealer>> {
    let Some(wrapped) = read_keyring(dir)? else {
        return Ok(None);
    };
    let pass = passphrase.ok_or_else(|| Error::Locked(dir.to_path_buf()))?;
    Sealer::unwrap(&wrapped, pass)
        .map(Some)
        .map_err(|e| match e {
            crypto::CryptoError::WrongPassphrase => Error::WrongPassphrase(dir.to_path_buf()),
            other => Error::WalletDamaged {
                path: dir.to_path_buf(),
                detail: other.to_string(),
            },
        })
}

/// Fail at once, before anything is written, when the wallet's folder takes no writes: a
/// read-only medium (`EROFS`), a folder without write permission (`EACCES`).
#[cfg(target_os = "linux")]
fn check_writable(dir: &Path) -> Result<()> {
    for path in [dir.to_path_buf(), dir.join(INDEX), dir.join(ORIGINALS)] {
        if path.exists() {
            rustix::fs::access(&path, rustix::fs::Access::WRITE_OK)
                .map_err(|e| Error::io(&path, std::io::Error::from(e)))?;
        }
    }
    Ok(())
}

/// Elsewhere the first write tells (and is mapped the same way).
#[cfg(not(target_os = "linux"))]
fn check_writable(_dir: &Path) -> Result<()> {
    Ok(())
}

fn kdf(e: crypto::CryptoError) -> Error {
    Error::Internal(e.to_string())
}

/// A sled error while the wallet is in use. A full disk is [`Error::DiskFull`] and a disk or
/// folder that takes no writes is [`Error::Io`]: neither is damage, and `mcx repair` would not
/// help. Anything else is damage to the index.
fn damaged(dir: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if crate::error::is_disk_full(&io) => Error::DiskFull {
            path: dir.to_path_buf(),
            kept: None,
        },
        sled::Error::Io(io) if crate::error::is_read_only(&io) => Error::io(dir.join(INDEX), io),
        other => Error::WalletDamaged {
            path: dir.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

fn read_keyring(dir: &Path) -> Result<Option<WrappedKey>> {
    let path = dir.join(KEYRING);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::WalletDamaged {
                path: dir.to_path_buf(),
                detail: format!("keyring.json is unreadable: {e}"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn write_keyring(dir: &Path, w: &WrappedKey) -> Result<()> {
    write_keyring_to(dir, KEYRING, Some(w))
}

/// Write the keyring file `name` atomically (a temporary, synced, renamed); `None` writes
/// `null`, which as the next keyring means "no passphrase".
fn write_keyring_to(dir: &Path, name: &str, w: Option<&WrappedKey>) -> Result<()> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let bytes = serde_json::to_vec_pretty(&w).map_err(|e| Error::Internal(e.to_string()))?;
    let written = std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|_| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        // A half-written temporary (a full disk) is not left behind.
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&path, e));
    }
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(&path, e))
}

/// Make the next keyring (written by a re-encryption before its swap) the wallet's: renamed
/// into place, or, when it is `null`, the keyring removed. Each step may be repeated after an
/// interruption.
fn apply_next_keyring(dir: &Path) -> Result<()> {
    let next = dir.join(KEYRING_NEXT);
    let bytes = match std::fs::read(&next) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&next, e)),
    };
    let sync = |path: &Path| {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(path, e))
    };
    let keyring = dir.join(KEYRING);
    if serde_json::from_slice::<Option<WrappedKey>>(&bytes).is_ok_and(|w| w.is_none()) {
        match std::fs::remove_file(&keyring) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&keyring, e)),
        }
        sync(&keyring)?;
        std::fs::remove_file(&next).map_err(|e| Error::io(&next, e))?;
    } else {
        std::fs::rename(&next, &keyring).map_err(|e| Error::io(&keyring, e))?;
    }
    sync(&keyring)
}

/// Finish or undo a re-encryption that was interrupted (found when the wallet is opened or
/// repaired, with `wallet.lock` held). Its steps: the new index and packs built, the next
/// keyring written (`keyring.next.json`); then the commit: the old index renamed to
/// `index.old.sled`, the new one into place, the next keyring applied, the old index and
/// packs removed. With the old index retired, the change is carried through; before that,
/// the new index and keyring are dropped and the wallet is as it was. Orphaned packs are
/// collected on open either way.
fn finish_reencryption(dir: &Path) -> Result<()> {
    let (index, next, old) = (dir.join(INDEX), dir.join(NEXT_INDEX), dir.join(OLD_INDEX));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| Error::io(&path, e)
    };
    if old.exists() {
        if !index.exists() {
            if next.exists() {
                std::fs::rename(&next, &index).map_err(io(&index))?;
            } else {
                // Not a state a re-encryption leaves; the retired index is the only one.
                std::fs::rename(&old, &index).map_err(io(&index))?;
                let _ = std::fs::remove_file(dir.join(KEYRING_NEXT));
                return Ok(());
            }
        }
        apply_next_keyring(dir)?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    if next.exists() {
        std::fs::remove_dir_all(&next).map_err(io(&next))?;
    }
    let pending = dir.join(KEYRING_NEXT);
    if pending.exists() {
        std::fs::remove_file(&pending).map_err(io(&pending))?;
    }
    Ok(())
}

// Tests stop a re-encryption after commit step `n` (1: old index retired, 2: new index in
// place, 3: keyring applied), as an interruption would, to check what the next open makes of
// it.
#[cfg(test)]
thread_local! {
    pub(crate) static INTERRUPT_AT: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod reencrypt_tests;

const INTERRUPTED: &str = "interrupted after step";

#[cfg(test)]
fn interrupt_at(step: u8) -> Result<()> {
    if INTERRUPT_AT.with(|s| s.get()) == step {
        return Err(Error::Internal(format!("{INTERRUPTED} {step}")));
    }
    Ok(())
}

#[cfg(not(test))]
fn interrupt_at(_step: u8) -> Result<()> {
    Ok(())
}

/// Tests make reopening the index after the swap fail (4: the new index; 5: the new one and
/// then the old one), as a disk that filled up meanwhile would.
#[cfg(test)]
fn reopen_fails(which: u8) -> Result<()> {
    let at = INTERRUPT_AT.with(|s| s.get());
    if at == which || (which == 4 && at == 5) {
        return Err(Error::Internal(format!("reopening failed (test {at})")));
    }
    Ok(())
}

#[cfg(not(test))]
fn reopen_fails(_which: u8) -> Result<()> {
    Ok(())
}

/// A sled error while opening the index: a full disk is [`Error::DiskFull`], a lock held
/// elsewhere [`Error::WalletInUse`], a file cut short or unreadable damage, and any other I/O
/// error [`Error::Io`] (a read-only disk, no permission).
fn map_sled_open_error(dir: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if crate::error::is_disk_full(&io) => Error::DiskFull {
            path: dir.to_path_buf(),
            kept: None,
        },
        sled::Error::Io(io)
            if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock") =>
        {
            Error::WalletInUse(dir.to_path_buf())
        }
        sled::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
            Error::WalletDamaged {
                path: dir.to_path_buf(),
                detail: io.to_string(),
            }
        }
        sled::Error::Io(io) => Error::io(dir.join(INDEX), io),
        other => Error::WalletDamaged {
            path: dir.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::proof::{contexts::ContextLoader, di, keys::KeyPair};

    /// `n` distinct signed credentials (eddsa-jcs-2022, one issuer, dates spread over a year).
    #[allow(clippy::unwrap_used)]
    pub fn signed(n: usize) -> Vec<Vec<u8>> {
        let key = KeyPair::generate();
        let loader = ContextLoader::bundled();
        (0..n)
            .map(|i| {
                let doc = serde_json::json!({
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "id": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
                    "type": ["VerifiableCredential"],
                    "issuer": key.did(),
                    "validFrom": format!("2025-{:02}-01T00:00:00Z", 1 + i % 12),
                    "name": format!("Module {i}"),
                    "credentialSubject": {"id": "did:example:learner"}
                });
                let opts = di::SignOptions {
                    suite: di::Suite::EddsaJcs2022,
                    purpose: "assertionMethod".into(),
                    created: chrono::Utc::now(),
                    challenge: None,
                    domain: None,
                    expires: None,
                };
                let v = di::sign(&doc, &key, &opts, &loader).unwrap();
                serde_json::to_vec(&v).unwrap()
            })
            .collect()
    }

    /// Import `credentials` into `wallet` in one batch.
    #[allow(clippy::unwrap_used)]
    pub fn import_all(wallet: &super::Wallet, credentials: &[Vec<u8>]) {
        let items = credentials
            .iter()
            .map(|bytes| super::ImportItem {
                bytes: bytes.clone(),
                source: "test".into(),
            })
            .collect();
        wallet
            .import(items, false, chrono::Utc::now(), &mut |_, _| {})
            .unwrap();
    }

    /// The wallet ids, newest first.
    #[allow(clippy::unwrap_used)]
    pub fn ids(wallet: &super::Wallet) -> Vec<String> {
        wallet
            .list(super::SortKey::Date)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect()
    }
}
