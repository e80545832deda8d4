//! The issuer folder (`mcx issuer init --dir DIR`):
//!
//! - `issuer.json`: the public [`Profile`] (id, name, country, did:key, verification method);
//! - `issuer-key.json`: the Ed25519 key file sealed with XChaCha20-Poly1305 under a random
//!   data key, itself wrapped under the passphrase with Argon2id (the wallet's own
//!   [`Sealer`]); only the owner may read it;
//! - `did.json`: with a web domain, the DID document to host at
//!   `https://DOMAIN/.well-known/did.json`.

use super::{Issuer, Profile};
use crate::proof::keys::KeyPair;
use crate::store::crypto::{hex, unhex, CryptoError, KdfCost, Sealer, WrappedKey};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The public profile's file name.
pub const PROFILE_FILE: &str = "issuer.json";
/// The sealed key's file name.
pub const KEY_FILE: &str = "issuer-key.json";
/// The did:web document's file name.
pub const DID_FILE: &str = "did.json";

const KEY_AAD: &[u8] = b"microcredx/issuer-key";

/// The on-disk form of `issuer-key.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedKeyFile {
    /// Always `mcx-issuer-key`.
    pub kind: String,
    /// Format version (1).
    pub version: u32,
    /// The did:key of the sealed key (public, to check the passphrase opened the right one).
    pub did_key: String,
    /// The data key wrapped under the passphrase.
    pub wrapped: WrappedKey,
    /// The sealed Multikey key file, hex (nonce ‖ ciphertext).
    pub sealed: String,
}

/// Make a new issuer in `dir`: a fresh key sealed under `passphrase`, `issuer.json`, and
/// `did.json` when `web_domain` is given. Refuses to overwrite an existing issuer.
pub fn init(
    dir: &Path,
    name: &str,
    country: Option<&str>,
    web_domain: Option<&str>,
    passphrase: &str,
    cost: KdfCost,
) -> Result<Issuer> {
    if passphrase.is_empty() {
        return Err(Error::BadInput(
            "the issuer key needs a passphrase that is not empty".into(),
        ));
    }
    let issuer = Issuer::new(KeyPair::generate(), name, country, web_domain)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for f in [PROFILE_FILE, KEY_FILE] {
        if dir.join(f).exists() {
            return Err(Error::BadInput(format!(
                "{} already exists; an issuer is already set up in {} (use another --dir)",
                dir.join(f).display(),
                dir.display()
            )));
        }
    }
    let sealer = Sealer::generate();
    let wrapped = sealer
        .wrap(passphrase, cost)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let plain = Zeroizing::new(
        serde_json::to_vec(&issuer.key().to_file()).map_err(|e| Error::Internal(e.to_string()))?,
    );
    let file = SealedKeyFile {
        kind: "mcx-issuer-key".into(),
        version: 1,
        did_key: issuer.profile.did_key.clone(),
        wrapped,
        sealed: hex(&sealer.seal(&plain, KEY_AAD)),
    };
    write_private(&dir.join(KEY_FILE), &to_pretty(&file)?)?;
    write_file(&dir.join(PROFILE_FILE), &to_pretty(&issuer.profile)?)?;
    if let Some(doc) = issuer.did_document() {
        write_file(&dir.join(DID_FILE), &to_pretty(&doc)?)?;
    }
    Ok(issuer)
}

/// Read `issuer.json` (no passphrase needed).
pub fn load_profile(dir: &Path) -> Result<Profile> {
    let path = dir.join(PROFILE_FILE);
    let bytes = std::fs::read(&path).map_err(|e| missing_or_io(&path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadInput(format!("{} is malformed: {e}", path.display())))
}

/// Open the issuer in `dir` with its passphrase.
pub fn load(dir: &Path, passphrase: &str) -> Result<Issuer> {
    let profile = load_profile(dir)?;
    let path = dir.join(KEY_FILE);
    let bytes = std::fs::read(&path).map_err(|e| missing_or_io(&path, e))?;
    let file: SealedKeyFile = serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadInput(format!("{} is malformed: {e}", path.display())))?;
    let sealer = Sealer::unwrap(&file.wrapped, passphrase).map_err(|e| match e {
        CryptoError::WrongPassphrase => Error::WrongPassphrase(path.clone()),
        other => Error::BadInput(format!("{}: {other}", path.display())),
    })?;
    let sealed = unhex(&file.sealed)
        .ok_or_else(|| Error::BadInput(format!("{}: the sealed key is not hex", path.display())))?;
    let plain = Zeroizing::new(
        sealer
            .open(&sealed, KEY_AAD)
            .map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?,
    );
    let key = KeyPair::from_json(&plain)?;
    Issuer::from_parts(profile, key)
}

fn missing_or_io(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::NotFound(format!(
            "{} (run `mcx issuer init --dir DIR` first, or pass --dir)",
            path.display()
        ))
    } else {
        Error::io(path, e)
    }
}

/// Pretty JSON with a final newline.
pub(crate) fn to_pretty<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// Write a file atomically (temporary file in the same folder, then rename).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = tmp_path(path);
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Create a file only its owner can read; it must not exist yet.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}
