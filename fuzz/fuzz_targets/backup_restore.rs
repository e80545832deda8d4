//! Untrusted backups given to `mcx restore` / the app's Restore, into a real wallet on disk.
//!
//! The first byte chooses what the rest is:
//! - bit 0 clear: a whole backup file (`MCXBACKUP1\n` and the JSON envelope: the wrapped
//!   key with its Argon2id costs, the sealed bundle), restored with the passphrase `fuzz`.
//!   Mutations cannot forge the AEAD, so this reaches the envelope, the key derivation and
//!   the unwrapping;
//! - bit 0 set: the bundle's plaintext (originals, holder keys, caches), sealed here under a
//!   fresh data key wrapped for `fuzz`, so that hostile bundles reach what restore does with
//!   them: every original parsed and verified, holder keys and caches written, then read back.
//!
//! Bit 1 asks for a merge. The wallet lives under `$TMPDIR/mcx-fuzz-restore-<pid>/` (use a
//! tmpfs: `TMPDIR=/dev/shm`); it is replaced by a fresh one whenever a restore may have
//! written to it, so that every input starts from an empty wallet.
//!
//! The key-derivation costs are read from the file before the passphrase is checked, and
//! nothing bounds them (src/store/crypto.rs, `Sealer::unwrap`): a 300-byte file asks for
//! 4 TiB or 2^32 passes. Inputs asking for more than `MAX_*` below are skipped so that the
//! campaign can run; that finding is reported apart (fuzz/README.md).
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::store::crypto::{KdfCost, Sealer, WrappedKey};
use microcredx::store::Wallet;
use serde_json::Value;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const MAGIC: &[u8] = b"MCXBACKUP1\n";
const PASSPHRASE: &str = "fuzz";
/// Argon2id's least cost (8 KiB, one pass): microseconds, where the default takes ~0.5 s.
const CHEAP: KdfCost = KdfCost {
    m_cost: 8,
    t_cost: 1,
};
/// The most a backup file may ask of the key derivation here (KiB, passes, lanes).
const MAX_M_COST: u64 = 256;
const MAX_T_COST: u64 = 2;
const MAX_P_COST: u64 = 2;

struct Scratch {
    root: PathBuf,
    generation: u64,
    wallet: Option<Wallet>,
}

impl Scratch {
    fn wallet_dir(&self) -> PathBuf {
        self.root.join(format!("wallet-{}", self.generation))
    }

    /// The wallet, opened (created empty) if there is none.
    fn wallet(&mut self) -> Option<&Wallet> {
        if self.wallet.is_none() {
            self.wallet = Wallet::open(&self.wallet_dir()).ok();
        }
        self.wallet.as_ref()
    }

    /// Drop the wallet and its folder; the next input gets a new, empty one.
    fn reset(&mut self) {
        self.wallet = None;
        let _ = std::fs::remove_dir_all(self.wallet_dir());
        self.generation += 1;
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

/// A data key and its wrapping for `PASSPHRASE`, made once.
fn key() -> Option<&'static (Sealer, WrappedKey)> {
    static KEY: OnceLock<Option<(Sealer, WrappedKey)>> = OnceLock::new();
    KEY.get_or_init(|| {
        let sealer = Sealer::generate();
        let wrapped = sealer.wrap(PASSPHRASE, CHEAP).ok()?;
        Some((sealer, wrapped))
    })
    .as_ref()
}

/// base64 (standard alphabet, padded), as the backup writes `sealed`.
fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b1 = c.get(1).copied().unwrap_or(0);
        let b2 = c.get(2).copied().unwrap_or(0);
        let n = (u32::from(c[0]) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        s.push(char::from(T[(n >> 18) as usize & 63]));
        s.push(char::from(T[(n >> 12) as usize & 63]));
        s.push(if c.len() > 1 {
            char::from(T[(n >> 6) as usize & 63])
        } else {
            '='
        });
        s.push(if c.len() > 2 {
            char::from(T[n as usize & 63])
        } else {
            '='
        });
    }
    s
}

/// A backup file whose sealed bundle is `plain`, openable with `PASSPHRASE`.
fn seal(plain: &[u8]) -> Option<Vec<u8>> {
    let (sealer, wrapped) = key()?;
    let envelope = serde_json::json!({
        "key": wrapped,
        "sealed": b64(&sealer.seal(plain, MAGIC)),
    });
    let mut file = MAGIC.to_vec();
    file.extend(serde_json::to_vec(&envelope).ok()?);
    Some(file)
}

/// Whether a backup file asks the key derivation for no more than the `MAX_*` costs (a file
/// that does not parse never reaches the key derivation).
fn cheap_enough(file: &[u8]) -> bool {
    let Some(body) = file.strip_prefix(MAGIC) else {
        return true;
    };
    let Ok(env) = serde_json::from_slice::<Value>(body) else {
        return true;
    };
    let cost = |k: &str| {
        env.get("key")
            .and_then(|w| w.get(k))
            .and_then(Value::as_u64)
    };
    cost("mCost").unwrap_or(0) <= MAX_M_COST
        && cost("tCost").unwrap_or(0) <= MAX_T_COST
        && cost("pCost").unwrap_or(0) <= MAX_P_COST
}

/// Whether a bundle plaintext has what a bundle needs (so that restore may write from it).
fn may_write(plain: &[u8]) -> bool {
    serde_json::from_slice::<Value>(plain).is_ok_and(|v| {
        ["version", "created", "originals", "holder", "caches"]
            .iter()
            .all(|k| v.get(*k).is_some())
    })
}

fn restore(s: &mut Scratch, file: &Path, merge: bool) -> (bool, bool) {
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let Some(w) = s.wallet() else {
        return (false, false);
    };
    let result = w.restore(file, PASSPHRASE, merge, now);
    let ok = result.is_ok();
    if ok {
        // What the wallet does next with what was restored.
        let _ = w.env();
        let _ = w.holder_key();
        let _ = w.summary();
    }
    let damaged = matches!(result, Err(microcredx::Error::WalletDamaged { .. }));
    let dirty = ok || damaged || w.count().map_or(true, |n| n > 0);
    (ok, dirty)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bundle = mode & 1 == 1;
    let merge = mode & 2 == 2;
    let file = if bundle {
        match seal(rest) {
            Some(f) => f,
            None => return,
        }
    } else {
        if !cheap_enough(rest) {
            return;
        }
        rest.to_vec()
    };
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        let s = slot.get_or_insert_with(|| {
            let root =
                std::env::temp_dir().join(format!("mcx-fuzz-restore-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            let _ = std::fs::create_dir_all(&root);
            Scratch {
                root,
                generation: 0,
                wallet: None,
            }
        });
        let path = s.root.join("input.mcxbackup");
        if std::fs::write(&path, &file).is_err() {
            return;
        }
        let (_, dirty) = restore(s, &path, merge);
        if dirty || (bundle && may_write(rest)) {
            s.reset();
        }
    });
});
