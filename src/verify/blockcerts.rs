//! Blockcerts v3 (`MerkleProof2019`): what can be checked offline.
//!
//! - **Proof**: the credential's document hash (RDFC-1.0 of the credential without its proof,
//!   SHA-256) must equal the proof's `targetHash`, and the Merkle path must lead from it to
//!   the `merkleRoot`; either mismatch is a `fail` (the credential was changed, or the proof
//!   belongs to another one). The root's anchor in a blockchain transaction is always a `skip`
//!   ("cannot be checked offline"), so a Blockcerts credential is at best **unverifiable**.
//! - **Issuer identity**: the `verificationMethod` must belong to the issuer (its DID or
//!   profile URL, as for Data Integrity proofs), and the issuer's DID document or profile
//!   must list it when that document is in the key cache; when it is not cached the check is
//!   a `skip` saying so. Whether that key signed the anchoring transaction needs the
//!   transaction, so it is not claimed.

use super::{registry_step, step, Env};
use crate::model::{MicroCredential, Step, StepKind, StepStatus};
use crate::proof::di::{self, Failure};
use crate::proof::merkle::{self, MerkleProof2019};
use serde_json::Value;

/// Whether a document is secured by Blockcerts alone: every proof is a `MerkleProof2019`.
pub(super) fn is_blockcerts(credential: &Value) -> bool {
    let proofs = di::proofs_of(credential);
    !proofs.is_empty()
        && proofs
            .iter()
            .all(|p| p.get("type").and_then(Value::as_str) == Some("MerkleProof2019"))
}

/// The proof and issuer-identity steps of a Blockcerts credential.
#[inline(never)] // see verify::verify_document
pub(super) fn steps(credential: &Value, view: &MicroCredential, env: &Env, steps: &mut Vec<Step>) {
    for proof in di::proofs_of(credential) {
        proof_steps(credential, proof, env, steps);
        key_step(proof, view, env, steps);
    }
    if let Some(issuer) = view.issuer.id.as_deref() {
        registry_step(issuer, env, steps);
    }
}

fn proof_steps(credential: &Value, proof: &Value, env: &Env, steps: &mut Vec<Step>) {
    let fail = |steps: &mut Vec<Step>, f: Failure| {
        let (status, text) = match f {
            Failure::Invalid(m) => (
                StepStatus::Fail,
                format!("The Blockcerts proof is not valid: {m}."),
            ),
            Failure::Unverifiable(m) => (
                StepStatus::Skip,
                format!("The Blockcerts proof could not be checked offline: {m}."),
            ),
        };
        step(steps, StepKind::Proof, status, text);
    };
    let decoded = match proof.get("proofValue").and_then(Value::as_str) {
        Some(v) => MerkleProof2019::decode(v),
        None => Err(Failure::Invalid(
            "the MerkleProof2019 has no proofValue".into(),
        )),
    };
    let p = match decoded {
        Ok(p) => p,
        Err(f) => return fail(steps, f),
    };
    match merkle::document_hash(credential, &env.proof.contexts) {
        Err(f) => return fail(steps, f),
        Ok(hash) if hash != p.target_hash => {
            return step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!(
                    "The credential was changed after it was issued: its hash {} is not the hash {} its Merkle proof was made for.",
                    merkle::hex(&hash),
                    merkle::hex(&p.target_hash)
                ),
            );
        }
        Ok(hash) => step(
            steps,
            StepKind::Proof,
            StepStatus::Pass,
            format!(
                "The credential's hash {} (SHA-256 of its canonical form) is the one its Merkle proof was made for: nothing was changed since it was issued.",
                merkle::hex(&hash)
            ),
        ),
    }
    if p.computed_root() != p.merkle_root {
        return step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            format!(
                "The Merkle proof is not valid: its path does not lead from the credential's hash to the Merkle root {}.",
                merkle::hex(&p.merkle_root)
            ),
        );
    }
    step(
        steps,
        StepKind::Proof,
        StepStatus::Pass,
        format!(
            "The Merkle path ({} step{}) leads from the credential's hash to the Merkle root {}.",
            p.path.len(),
            if p.path.len() == 1 { "" } else { "s" },
            merkle::hex(&p.merkle_root)
        ),
    );
    if p.anchors.is_empty() {
        return step(
            steps,
            StepKind::Proof,
            StepStatus::Fail,
            "The Merkle proof names no blockchain anchor, so nothing records its root.".into(),
        );
    }
    for a in &p.anchors {
        step(
            steps,
            StepKind::Proof,
            StepStatus::Skip,
            format!(
                "The Merkle root is anchored on {} in transaction {}; the anchor cannot be checked offline.",
                a.chain_name(),
                a.transaction
            ),
        );
    }
}

/// The key named by the proof: does it belong to the issuer, and does the issuer's cached DID
/// document or profile list it?
fn key_step(proof: &Value, view: &MicroCredential, env: &Env, steps: &mut Vec<Step>) {
    let Some(issuer) = view.issuer.id.as_deref() else {
        return step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Fail,
            "The credential names no issuer.".into(),
        );
    };
    let Some(vm) = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
    else {
        return step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Skip,
            format!("The Blockcerts proof names no key, so whether {issuer} issued it cannot be checked offline."),
        );
    };
    let owner = vm.split('#').next().unwrap_or(vm);
    if owner != issuer {
        let (status, text) = if issuer.starts_with("did:") {
            (
                StepStatus::Fail,
                format!("The proof names a key of {owner}, not of the issuer {issuer}: someone else issued it."),
            )
        } else {
            (
                StepStatus::Skip,
                format!("The proof names a key of {owner}; whether the issuer {issuer} uses that key cannot be confirmed offline."),
            )
        };
        return step(steps, StepKind::IssuerIdentity, status, text);
    }
    let Some(doc) = env.proof.keys.get(owner) else {
        let what = if owner.starts_with("did:") {
            "DID document"
        } else {
            "profile"
        };
        return step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Skip,
            format!("The issuer's {what} ({owner}) is not cached, so its key {vm} was not checked; import it to check offline."),
        );
    };
    if lists_key(doc, owner, vm) {
        step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Pass,
            format!("The key {vm} is listed in the cached DID document or profile of the issuer {issuer}; that it made the anchoring transaction needs the blockchain."),
        );
    } else {
        step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Fail,
            format!("The cached DID document or profile of {issuer} does not list the key {vm} the proof names."),
        );
    }
}

/// Whether `doc` (a DID document or Blockcerts issuer profile) lists `vm` among its
/// verification methods or (Blockcerts v2/v3 profiles) its `publicKey` entries.
fn lists_key(doc: &Value, base: &str, vm: &str) -> bool {
    let fragment = vm.split_once('#').map(|(_, f)| f);
    ["verificationMethod", "publicKey", "assertionMethod"]
        .iter()
        .flat_map(|k| crate::formats::text_list(doc.get(*k)))
        .filter_map(|m| m.as_str().or_else(|| m.get("id").and_then(Value::as_str)))
        .any(|id| {
            id == vm
                || fragment.is_some_and(|f| id.strip_prefix('#') == Some(f))
                || format!("{base}{id}") == vm
        })
}
