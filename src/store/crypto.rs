//! Encryption at rest for a wallet locked with a passphrase.
//!
//! Construction: a random 256-bit data key encrypts every stored item with
//! XChaCha20-Poly1305 (random 192-bit nonce per item, so nonce reuse is not a concern, and
//! the item's role as associated data). The data key is wrapped with a key derived from the
//! passphrase by Argon2id (RFC 9106; 64 MiB, 3 passes by default; the parameters are stored
//! beside the wrapped key). Changing the passphrase re-wraps only the data key, one atomic
//! file replacement. Content names of originals are an HMAC-SHA-256 of the content under a
//! key derived from the data key, so names reveal nothing about which credentials a locked
//! wallet holds.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Why decryption failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The passphrase does not open the wallet.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Stored data failed authentication (damaged or altered).
    #[error("stored data is damaged or was altered (authentication failed)")]
    Damaged,
    /// Key derivation could not run with the stored parameters.
    #[error("cannot derive the key: {0}")]
    Kdf(String),
}

/// The data key, able to seal and open items.
pub struct Sealer {
    key: Zeroizing<[u8; 32]>,
}

/// The data key wrapped under a passphrase, as stored in `keyring.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrappedKey {
    /// Format version.
    pub version: u32,
    /// Argon2id memory cost in KiB.
    pub m_cost: u32,
    /// Argon2id passes.
    pub t_cost: u32,
    /// Argon2id lanes.
    pub p_cost: u32,
    /// Salt, hex.
    pub salt: String,
    /// Nonce ‖ ciphertext of the data key, hex.
    pub sealed: String,
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy)]
pub struct KdfCost {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Passes.
    pub t_cost: u32,
}

impl Default for KdfCost {
    fn default() -> Self {
        KdfCost {
            m_cost: 64 * 1024,
            t_cost: 3,
        }
    }
}

/// The most a stored key derivation may ask for: 1 GiB of memory, 16 passes, 8 lanes (the
/// wallet writes 64 MiB, 3 passes, 1 lane). The parameters are read from the file before the
/// passphrase can be checked, so a hostile backup or keyring must not choose the cost.
pub const MAX_KDF_MEMORY_KIB: u32 = 1024 * 1024;
/// See [`MAX_KDF_MEMORY_KIB`].
pub const MAX_KDF_PASSES: u32 = 16;
/// See [`MAX_KDF_MEMORY_KIB`].
pub const MAX_KDF_LANES: u32 = 8;

fn derive(
    passphrase: &str,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    if m > MAX_KDF_MEMORY_KIB || t > MAX_KDF_PASSES || p > MAX_KDF_LANES {
        return Err(CryptoError::Kdf(format!(
            "the file asks for {} MiB of memory, {t} passes and {p} lanes to derive its key, more than MicroCredX ever uses (at most {} MiB, {MAX_KDF_PASSES} passes, {MAX_KDF_LANES} lanes); it was not made by MicroCredX or was altered",
            m / 1024,
            MAX_KDF_MEMORY_KIB / 1024
        )));
    }
    let params = Params::new(m, t, p, Some(32)).map_err(|e| CryptoError::Kdf(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    Ok(out)
}

impl Sealer {
    /// A fresh random data key.
    pub fn generate() -> Sealer {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        Sealer { key }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_ref().into())
    }

    /// Encrypt `plain`, binding it to `aad` (what the item is).
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        if let Ok(ct) = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        {
            out.extend_from_slice(&ct);
        }
        out
    }

    /// Decrypt what [`Sealer::seal`] produced with the same `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 24 + 16 {
            return Err(CryptoError::Damaged);
        }
        let (nonce, ct) = sealed.split_at(24);
        self.cipher()
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| CryptoError::Damaged)
    }

    /// A content name that reveals nothing without the key (HMAC-SHA-256, hex).
    pub fn name_of(&self, content: &[u8]) -> String {
        let mut name_key = Zeroizing::new([0u8; 32]);
        name_key.copy_from_slice(&self.seal_free_subkey(b"microcredx/name"));
        match <Hmac<Sha256> as Mac>::new_from_slice(name_key.as_ref()) {
            Ok(mut mac) => {
                mac.update(content);
                hex(&mac.finalize().into_bytes())
            }
            Err(_) => hex(&sha2::Digest::finalize(sha2::Digest::chain_update(
                <Sha256 as sha2::Digest>::new(),
                content,
            ))),
        }
    }

    fn seal_free_subkey(&self, label: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref()) {
            mac.update(label);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// Wrap this data key under `passphrase`.
    pub fn wrap(&self, passphrase: &str, cost: KdfCost) -> Result<WrappedKey, CryptoError> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = derive(passphrase, &salt, cost.m_cost, cost.t_cost, 1)?;
        let wrapper = Sealer { key: kek };
        Ok(WrappedKey {
            version: 1,
            m_cost: cost.m_cost,
            t_cost: cost.t_cost,
            p_cost: 1,
            salt: hex(&salt),
            sealed: hex(&wrapper.seal(self.key.as_ref(), b"microcredx/data-key")),
        })
    }

    /// Unwrap a data key with `passphrase`.
    pub fn unwrap(wrapped: &WrappedKey, passphrase: &str) -> Result<Sealer, CryptoError> {
        let salt = unhex(&wrapped.salt).ok_or(CryptoError::Damaged)?;
        let sealed = unhex(&wrapped.sealed).ok_or(CryptoError::Damaged)?;
        let kek = derive(
            passphrase,
            &salt,
            wrapped.m_cost,
            wrapped.t_cost,
            wrapped.p_cost,
        )?;
        let plain = Sealer { key: kek }
            .open(&sealed, b"microcredx/data-key")
            .map_err(|_| CryptoError::WrongPassphrase)?;
        let mut key = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(CryptoError::Damaged);
        }
        key.copy_from_slice(&plain);
        Ok(Sealer { key })
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parse lowercase or uppercase hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FAST: KdfCost = KdfCost {
        m_cost: 1024,
        t_cost: 1,
    };

    #[test]
    fn seal_open_round_trip_and_tamper_detection() {
        let s = Sealer::generate();
        let sealed = s.seal(b"Maria Musterfrau", b"credential");
        assert_ne!(&sealed[24..], b"Maria Musterfrau");
        assert_eq!(s.open(&sealed, b"credential").unwrap(), b"Maria Musterfrau");
        assert_eq!(s.open(&sealed, b"other"), Err(CryptoError::Damaged));
        let mut bad = sealed.clone();
        bad[30] ^= 1;
        assert_eq!(s.open(&bad, b"credential"), Err(CryptoError::Damaged));
    }

    #[test]
    fn wrong_passphrase_is_reported_as_such() {
        let s = Sealer::generate();
        let w = s.wrap("correct horse", FAST).unwrap();
        assert!(Sealer::unwrap(&w, "correct horse").is_ok());
        assert_eq!(
            Sealer::unwrap(&w, "wrong").err(),
            Some(CryptoError::WrongPassphrase)
        );
        let again = Sealer::unwrap(&w, "correct horse").unwrap();
        assert_eq!(again.name_of(b"x"), s.name_of(b"x"));
    }

    /// Found by the `backup_restore` fuzz target's review: a 300-byte backup asked for 4 TiB
    /// (abort) or 2^32 passes (days) before its passphrase could be checked.
    #[test]
    fn a_key_derivation_cost_no_wallet_writes_is_refused_before_running() {
        let w = Sealer::generate().wrap("pw", FAST).unwrap();
        for (m, t, p) in [(u32::MAX, 1, 1), (1024, u32::MAX, 1), (1024, 1, u32::MAX)] {
            let hostile = WrappedKey {
                m_cost: m,
                t_cost: t,
                p_cost: p,
                ..w.clone()
            };
            let e = Sealer::unwrap(&hostile, "pw").err().unwrap();
            assert!(
                e.to_string().contains("more than MicroCredX ever uses"),
                "{e}"
            );
        }
        // What the wallet itself writes stays within the limit.
        let d = KdfCost::default();
        assert!(d.m_cost <= MAX_KDF_MEMORY_KIB && d.t_cost <= MAX_KDF_PASSES);
    }
}
