//! Blockcerts v3 (`BlockcertsCredential`, cert-schema 3.x): a W3C VC 1.1 or 2.0 whose subject
//! may carry a `claim` (cert-schema 3.0 `claimSchema.json`: `name`, `description`,
//! `criteria`). The VC fields (issuer object, `issuanceDate`/`validFrom`, the subject's `name`)
//! are mapped by `vc.rs`; this file adds the claim as the credential's title.

use super::detect::types;
use super::text::{field, first, obj};
use crate::model::MicroCredential;
use serde_json::Value;

/// Whether `c` is a Blockcerts credential: its type or its `MerkleProof2019` proof says so.
pub(crate) fn is_blockcerts(c: &Value) -> bool {
    types(c).iter().any(|t| t == "BlockcertsCredential")
        || super::text::list(c.get("proof"))
            .iter()
            .any(|p| p.get("type").and_then(Value::as_str) == Some("MerkleProof2019"))
}

/// `credentialSubject.claim.name` → title, `.description` → description (when the credential
/// has none of its own), `.criteria` (a text) → a learning outcome; `claim.id` identifies the
/// achievement.
pub(crate) fn apply(c: &Value, mc: &mut MicroCredential) {
    let Some(claim) = first(c.get("credentialSubject")).and_then(|s| obj(s, "claim")) else {
        return;
    };
    mc.title = field(claim, "name").or(mc.title.take());
    mc.description = mc
        .description
        .take()
        .or_else(|| field(claim, "description"));
    mc.achievement_id = mc.achievement_id.take().or_else(|| field(claim, "id"));
    if let Some(criteria) = field(claim, "criteria") {
        mc.learning_outcomes.push(criteria);
    }
}
