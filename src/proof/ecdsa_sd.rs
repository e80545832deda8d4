//! `ecdsa-sd-2023` (W3C VC Data Integrity ECDSA Cryptosuites v1.0 §3.4): selectively
//! disclosed credentials derived from a P-256 base proof.
//!
//! Placeholder until the suite is implemented: every such proof is unverifiable offline.

use crate::proof::contexts::ContextLoader;
use crate::proof::di::Failure;
use serde_json::Value;

/// Verify the derived `ecdsa-sd-2023` `proof` on `doc` (the secured document as received)
/// under `key`, already resolved for the proof's purpose.
pub fn verify(
    doc: &Value,
    proof: &Value,
    contexts: &ContextLoader,
    key: &p256::ecdsa::VerifyingKey,
) -> Result<(), Failure> {
    let _ = (doc, proof, contexts, key);
    Err(Failure::Unverifiable(
        "ecdsa-sd-2023 is not supported offline".into(),
    ))
}
