//! A Comprehensive Learner Record (1EdTech CLR 2.0) of the learner's selection: the original
//! signed credentials inside a `ClrCredential` the learner's holder key signs, and, when a
//! qualification is chosen, that qualification as an `Achievement` with `isParentOf`
//! associations to the achievements the stacking engine counts toward it. Institutions
//! usually issue CLRs; this one is self-assembled, so its own signature says only that the
//! learner put it together, while every credential inside keeps its issuer's proof.

use super::vp::embed;
use crate::model::Verdict;
use crate::proof::di::{self, SignOptions, Suite};
use crate::store::Wallet;
use crate::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Options for [`clr`].
#[derive(Debug, Clone)]
pub struct ClrOptions {
    /// The cryptosuite (default `eddsa-rdfc-2022`).
    pub suite: Suite,
    /// A qualification (id or part of its title) whose stacking becomes associations.
    pub qualification: Option<String>,
    /// Include credentials that are not verified valid (refused by default).
    pub allow_unverified: bool,
    /// The signing time (default now).
    pub created: Option<DateTime<Utc>>,
}

impl Default for ClrOptions {
    fn default() -> Self {
        ClrOptions {
            suite: Suite::EddsaRdfc2022,
            qualification: None,
            allow_unverified: false,
            created: None,
        }
    }
}

/// Build and sign a CLR 2.0 of the credentials `ids`.
pub fn clr(wallet: &Wallet, ids: &[String], opts: &ClrOptions) -> Result<Value> {
    if ids.is_empty() {
        return Err(Error::BadInput(
            "choose at least one credential for the learner record".into(),
        ));
    }
    let now = opts.created.unwrap_or_else(Utc::now);
    let mut creds = Vec::with_capacity(ids.len());
    let mut records = Vec::with_capacity(ids.len());
    let env = wallet.env()?;
    for (rec, original) in wallet.get_with_originals(ids)? {
        creds.push(embed(
            &rec,
            &original,
            opts.allow_unverified,
            &env.proof.contexts,
        )?);
        records.push(rec);
    }
    let key = wallet.holder_key()?;
    let learner = records
        .iter()
        .find_map(|r| r.verification.credential.learner.name.clone());

    let mut achievements = Vec::new();
    let mut associations = Vec::new();
    let mut name = match &learner {
        Some(n) => format!("Learner record of {n}"),
        None => "Learner record".to_string(),
    };
    if let Some(q) = &opts.qualification {
        let audit = wallet.stack(q, &Default::default(), now)?.audit;
        name = format!("{name}: toward {}", audit.title);
        let qualification_id = qualification_uri(&audit.qualification_id);
        achievements.push(json!({
            "id": qualification_id,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": audit.title,
            "description": format!(
                "{} awarded by {}; {} of {} ECTS counted from the credentials in this record{}.",
                audit.title,
                audit.awarding_body,
                audit.ects_counted,
                audit.ects_required,
                if audit.complete { ", complete" } else { ", not yet complete" }
            ),
            "creditsAvailable": audit.ects_required,
            "criteria": {"narrative": format!("The qualification rules of {} (signed), as audited by the wallet's stacking engine.", audit.awarding_body)},
        }));
        for c in audit
            .candidates
            .iter()
            .filter(|c| c.counted && !c.hypothetical)
        {
            let Some(rec) = records.iter().find(|r| r.id == c.id) else {
                continue;
            };
            if rec.verification.verdict != Verdict::Valid {
                continue;
            }
            if let Some(target) = &rec.verification.credential.achievement_id {
                associations.push(json!({
                    "type": "Association",
                    "associationType": "isParentOf",
                    "sourceId": qualification_id,
                    "targetId": target,
                }));
            }
        }
    }

    let mut subject = json!({
        "id": key.did(),
        "type": ["ClrSubject"],
        "verifiableCredential": creds,
    });
    if !achievements.is_empty() {
        subject["achievement"] = Value::Array(achievements);
    }
    if !associations.is_empty() {
        subject["association"] = Value::Array(associations);
    }
    let mut issuer = json!({"id": key.did(), "type": ["Profile"]});
    if let Some(n) = &learner {
        issuer["name"] = json!(n);
    }
    let unsigned = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": format!("urn:uuid:{}", uuid_from(&key.did(), now, ids)),
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer,
        "name": name,
        "validFrom": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "credentialSubject": subject,
    });
    let sign = SignOptions {
        suite: opts.suite,
        purpose: "assertionMethod".into(),
        created: now,
        challenge: None,
        domain: None,
        expires: None,
    };
    di::sign(&unsigned, &key, &sign, &env.proof.contexts)
}

/// The qualification's id as a URI (rules ids may be plain names).
fn qualification_uri(id: &str) -> String {
    if id.contains(':') {
        id.to_string()
    } else {
        format!("urn:mcx:qualification:{id}")
    }
}

/// A version-4-shaped UUID derived from the holder, time and selection (no randomness
/// needed: the same export at the same second gets the same id).
fn uuid_from(holder: &str, now: DateTime<Utc>, ids: &[String]) -> String {
    let digest =
        super::sha256_hex(format!("{holder}|{}|{}", now.timestamp(), ids.join(",")).as_bytes());
    let h = digest.as_bytes();
    let s = |a: usize, b: usize| String::from_utf8_lossy(&h[a..b]).to_string();
    format!(
        "{}-{}-4{}-a{}-{}",
        s(0, 8),
        s(8, 12),
        s(13, 16),
        s(17, 20),
        s(20, 32)
    )
}
