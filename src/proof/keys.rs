//! Ed25519 signing keys and their key files (`mcx key new`).
//!
//! A key file is JSON in the W3C Multikey shape the vc-di-eddsa vectors use:
//! `{"id", "type": "Multikey", "controller", "publicKeyMultibase", "secretKeyMultibase"}`
//! with the did:key of the public key as controller.

use crate::did;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

/// An Ed25519 key pair with its did:key.
#[derive(Clone)]
pub struct KeyPair {
    /// The signing key.
    pub signing: SigningKey,
}

/// The on-disk form of a key pair.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyFile {
    /// Verification method id (`did:key:z…#z…`).
    pub id: String,
    /// Always `Multikey`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The DID that controls the key.
    pub controller: String,
    /// The public key, multibase.
    pub public_key_multibase: String,
    /// The private key seed, multibase (`z3u2…`), or `privateKeyMultibase` as the W3C vectors name it.
    #[serde(alias = "privateKeyMultibase")]
    pub secret_key_multibase: String,
}

impl KeyPair {
    /// A fresh random key pair.
    #[cfg(feature = "wallet")]
    pub fn generate() -> KeyPair {
        KeyPair {
            signing: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// The did:key of the public key.
    pub fn did(&self) -> String {
        did::did_key(&self.signing.verifying_key())
    }

    /// The verification method id (`did:key:z…#z…`).
    pub fn verification_method(&self) -> String {
        did::did_key_vm(&self.signing.verifying_key())
    }

    /// The key file form.
    pub fn to_file(&self) -> KeyFile {
        KeyFile {
            id: self.verification_method(),
            kind: "Multikey".into(),
            controller: self.did(),
            public_key_multibase: did::encode_multikey(&self.signing.verifying_key()),
            secret_key_multibase: did::encode_multikey_secret(&self.signing.to_bytes()),
        }
    }

    /// Read a key file (also accepts the W3C `keyPair.json` shape with only the two keys).
    pub fn from_json(bytes: &[u8]) -> Result<KeyPair, crate::Error> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| crate::Error::BadInput(format!("the key file is not JSON: {e}")))?;
        let secret = v
            .get("secretKeyMultibase")
            .or_else(|| v.get("privateKeyMultibase"))
            .and_then(|s| s.as_str())
            .ok_or_else(|| {
                crate::Error::BadInput("the key file has no secretKeyMultibase".into())
            })?;
        let seed = did::decode_multikey_secret(secret)
            .map_err(|e| crate::Error::BadInput(format!("the key file's secret key: {e}")))?;
        let pair = KeyPair {
            signing: SigningKey::from_bytes(&seed),
        };
        if let Some(public) = v.get("publicKeyMultibase").and_then(|s| s.as_str()) {
            if public != did::encode_multikey(&pair.signing.verifying_key()) {
                return Err(crate::Error::BadInput(
                    "the key file's public key does not match its secret key".into(),
                ));
            }
        }
        Ok(pair)
    }
}
