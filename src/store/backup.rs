//! Backup and restore: one encrypted file holding everything — originals (byte for byte,
//! with their headers), the holder keys (Ed25519 and P-256), caches (trust registry, status
//! lists, DID documents), settings and qualification rules. The file is sealed under its own
//! passphrase with the same construction as the wallet ([`super::crypto`]).

use super::crypto::{KdfCost, Sealer, WrappedKey};
use super::index::NewCredential;
use super::originals::{Header, Originals};
use super::{Wallet, BATCH};
use crate::{Error, Result};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const MAGIC: &[u8] = b"MCXBACKUP1\n";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    version: u32,
    created: String,
    originals: Vec<(Header, String)>,
    holder: String,
    /// The P-256 holder key's secret scalar, base64 (absent in backups made before SD-JWT VC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    holder_p256: Option<String>,
    caches: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    key: WrappedKey,
    sealed: String,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// Credentials added.
    pub restored: usize,
    /// Credentials already present (merge).
    pub already_present: usize,
    /// Cached items (registry, status lists, DID documents, rules) restored.
    pub caches: usize,
}

impl Wallet {
    /// Write a backup of everything to `path`, sealed under `passphrase`.
    pub fn backup(&self, path: &std::path::Path, passphrase: &str, cost: KdfCost) -> Result<usize> {
        if passphrase.is_empty() {
            return Err(Error::BadInput("a backup needs a passphrase".into()));
        }
        if self.from_packs {
            // Read from its packs alone, the wallet has neither its holder key nor its cached
            // trust data: a backup of that would lose them. On a full disk the index reads
            // again once there is space, so the answer is the full-disk one.
            return Err(match self.read_only {
                Some(crate::ReadOnlyReason::DiskFull) => Error::DiskFull {
                    path: self.dir.clone(),
                    kept: None,
                },
                _ => Error::BadInput(format!(
                    "the index of the wallet at {} could not be read, and a backup needs the \
                     holder key and cached trust data kept there; run `mcx repair` where the \
                     wallet can be written, then back it up",
                    self.dir.display()
                )),
            });
        }
        let originals: Vec<(Header, String)> = self
            .export_all()?
            .into_iter()
            .map(|(h, o)| (h, B64.encode(o)))
            .collect();
        let count = originals.len();
        let holder = serde_json::to_string(&self.holder_key()?.to_file())
            .map_err(|e| Error::Internal(e.to_string()))?;
        // A wallet read-only since before SD-JWT VC has none yet.
        let holder_p256 = match self.holder_p256_key() {
            Ok(k) => Some(B64.encode(k.to_bytes())),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let mut caches = Vec::new();
        for item in self.caches.iter() {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            let plain = self.unseal(&v, &k)?;
            caches.push((String::from_utf8_lossy(&k).to_string(), B64.encode(plain)));
        }
        let bundle = Bundle {
            version: 1,
            created: Utc::now().to_rfc3339(),
            originals,
            holder,
            holder_p256,
            caches,
        };
        let plain = serde_json::to_vec(&bundle).map_err(|e| Error::Internal(e.to_string()))?;
        let sealer = Sealer::generate();
        let key = sealer
            .wrap(passphrase, cost)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let env = Envelope {
            key,
            sealed: B64.encode(sealer.seal(&plain, MAGIC)),
        };
        let mut out = MAGIC.to_vec();
        out.extend(serde_json::to_vec(&env).map_err(|e| Error::Internal(e.to_string()))?);
        let tmp = path.with_extension("mcxbackup.tmp");
        let written = std::fs::write(&tmp, &out)
            .and_then(|_| std::fs::File::open(&tmp)?.sync_all())
            .and_then(|_| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            // A full disk leaves no half-written backup behind (and the wallet unchanged).
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(path, e).in_wallet(&self.dir, None));
        }
        Ok(count)
    }

    /// Restore a backup. Without `merge` the wallet must be empty and takes the backup's
    /// holder keys; with it, credentials not yet present are added and the wallet's own holder
    /// keys are kept.
    ///
    /// Credentials are acknowledged batch by batch (pack synced, index flushed); a full disk
    /// stops the restore with [`Error::DiskFull`] saying how many were stored, and running the
    /// same restore again adds the rest (the holder keys were stored first, so a wallet that
    /// holds this backup's holder key takes it again as if merging).
    pub fn restore(
        &self,
        path: &std::path::Path,
        passphrase: &str,
        merge: bool,
        now: DateTime<Utc>,
    ) -> Result<RestoreReport> {
        self.writable()?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let body = bytes.strip_prefix(MAGIC).ok_or_else(|| {
            Error::BadInput(format!("{} is not a MicroCredX backup", path.display()))
        })?;
        let env: Envelope = serde_json::from_slice(body)
            .map_err(|e| Error::BadInput(format!("the backup is damaged: {e}")))?;
        let sealer = Sealer::unwrap(&env.key, passphrase).map_err(|e| match e {
            super::crypto::CryptoError::WrongPassphrase => {
                Error::WrongPassphrase(path.to_path_buf())
            }
            other => Error::BadInput(format!("the backup is damaged: {other}")),
        })?;
        let sealed = B64
            .decode(&env.sealed)
            .map_err(|_| Error::BadInput("the backup is damaged (base64)".into()))?;
        let plain = sealer
            .open(&sealed, MAGIC)
            .map_err(|_| Error::BadInput("the backup is damaged or was altered".into()))?;
        let bundle: Bundle = serde_json::from_slice(&plain)
            .map_err(|e| Error::BadInput(format!("the backup is damaged: {e}")))?;
        let holder_p256 = bundle
            .holder_p256
            .as_deref()
            .map(|b64| {
                B64.decode(b64)
                    .ok()
                    .and_then(|s| super::holder::p256_from_secret(&s))
                    .ok_or_else(|| {
                        Error::BadInput("the backup is damaged (its P-256 holder key)".into())
                    })
            })
            .transpose()?;
        // The learner's holder keys come first, so that a restore a full disk stops is resumed
        // by running it again: the wallet then holds this backup's holder key, and only what
        // is not yet in it is added.
        let holder = crate::proof::keys::KeyPair::from_json(bundle.holder.as_bytes())
            .map_err(|_| Error::BadInput("the backup is damaged (its holder key)".into()))?;
        let empty = self.count()? == 0;
        let resuming =
            !merge && !empty && self.holder_key().ok().map(|k| k.did()) == Some(holder.did());
        if !merge && !resuming {
            if !empty {
                return Err(Error::BadInput("the wallet is not empty; restore with --merge to add the backup's credentials to it".into()));
            }
            let none_kept = |e: Error| e.in_wallet(&self.dir, Some(0));
            self.secrets
                .insert("holder", self.seal(bundle.holder.as_bytes(), b"holder"))
                .map_err(|e| none_kept(self.damaged(e)))?;
            // A backup made before SD-JWT VC has no P-256 key: the wallet keeps its own.
            if let Some(key) = &holder_p256 {
                self.put_holder_p256(key).map_err(none_kept)?;
            }
            self.flush().map_err(none_kept)?;
        }
        let env_v = self.env()?;
        let mut report = RestoreReport {
            restored: 0,
            already_present: 0,
            caches: 0,
        };
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::new();
        // Credentials in batches written and flushed.
        let mut kept = 0;
        for (header, b64) in &bundle.originals {
            let original = B64
                .decode(b64)
                .map_err(|_| Error::BadInput("the backup is damaged (an original)".into()))?;
            let name = self.name_of(&original);
            if seen.contains(&name) || self.contains(&name)? {
                report.already_present += 1;
                continue;
            }
            let doc = crate::formats::parse_document(&original)?;
            let verification = crate::verify::verify_document(&doc, &env_v, now);
            let frame = Originals::encode(&name, header, &original, self.sealer.as_ref())?;
            seen.insert(name.clone());
            items.push(NewCredential {
                record: super::StoredCredential {
                    id: name,
                    credential_id: verification.credential.id.clone(),
                    imported_at: header.imported_at.clone(),
                    source: header.source.clone(),
                    forced: header.forced,
                    verification,
                },
                frame,
            });
            report.restored += 1;
            if items.len() == BATCH {
                self.write_batch(std::mem::take(&mut items))
                    .map_err(|e| e.in_wallet(&self.dir, Some(kept)))?;
                kept += BATCH;
            }
        }
        let last = items.len();
        self.write_batch(items)
            .map_err(|e| e.in_wallet(&self.dir, Some(kept)))?;
        kept += last;
        let full = |e: Error| e.in_wallet(&self.dir, Some(kept));
        for (k, b64) in &bundle.caches {
            let v = B64
                .decode(b64)
                .map_err(|_| Error::BadInput("the backup is damaged (a cached item)".into()))?;
            if (merge || resuming)
                && self
                    .caches
                    .contains_key(k.as_bytes())
                    .map_err(|e| self.damaged(e))?
            {
                continue;
            }
            self.caches
                .insert(k.as_bytes(), self.seal(&v, k.as_bytes()))
                .map_err(|e| full(self.damaged(e)))?;
            report.caches += 1;
        }
        self.flush().map_err(full)?;
        Ok(report)
    }
}
