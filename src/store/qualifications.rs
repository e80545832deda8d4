//! Qualification rules kept in the wallet, and audits of the wallet's credentials against
//! them. The rules' signature is checked on import; unsigned or tampered rules are kept but
//! flagged, and every audit carries that flag.

use super::Wallet;
use crate::model::LapseKind;
use crate::stack::{
    self, Audit, AuditContext, Candidate, Catalogue, CatalogueItem, QualificationRules, Suggestion,
};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const PREFIX: &str = "qual:";

/// A qualification as the wallet holds it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredQualification {
    /// The qualification's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The awarding body's name.
    pub awarding_body: String,
    /// Total ECTS.
    pub total_ects: f64,
    /// Who signed the rules, when the signature verified.
    pub signed_by: Option<String>,
    /// Why the rules are not trusted (unsigned, tampered, signed by someone else).
    pub warning: Option<String>,
    /// The rules document as imported.
    #[ts(type = "unknown")]
    pub document: serde_json::Value,
}

/// An audit with the trust flag of the rules it used.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackResult {
    /// The qualification.
    pub qualification: StoredQualification,
    /// The audit of the wallet's credentials (plus what-if ones).
    pub audit: Audit,
    /// The smallest set of catalogue offers that would complete it, when a catalogue was given.
    pub suggestion: Option<Suggestion>,
    /// The catalogue's offers the learner could still take (for a what-if); empty without one.
    pub offers: Vec<CatalogueItem>,
    /// The offers counted in this audit as if held (a what-if), by id.
    pub planned: Vec<String>,
}

/// What a stacking audit counts besides the wallet's credentials, and the catalogue it uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct StackOptions<'a> {
    /// Hypothetical credentials, counted as if held and verified.
    pub what_if: &'a [crate::model::MicroCredential],
    /// Offers of `catalogue` (by id) counted as if held and verified.
    pub planned: &'a [String],
    /// The network's catalogue: suggestions, the offers still open, and `planned`.
    pub catalogue: Option<&'a Catalogue>,
}

impl Wallet {
    /// Import a qualification rules file. Unsigned or tampered rules are kept, flagged.
    pub fn import_qualification(&self, bytes: &[u8]) -> Result<StoredQualification> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::BadInput("the rules file is not UTF-8 text".into()))?;
        let rules = stack::parse_rules(text)?;
        let document: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::BadInput(format!("the rules file is not JSON: {e}")))?;
        let (signed_by, warning) =
            match super::check_signed_by_issuer(&document, "qualification rules") {
                Ok(issuer) => (Some(issuer), None),
                Err(e) => (None, Some(format!("{e}; treat its results with care"))),
            };
        let q = StoredQualification {
            id: rules.id.clone(),
            title: rules.title.clone(),
            awarding_body: rules.awarding_body.name.clone(),
            total_ects: rules.total_ects,
            signed_by,
            warning,
            document,
        };
        let value = serde_json::to_value(&q).map_err(|e| Error::Internal(e.to_string()))?;
        self.cache_put(&format!("{PREFIX}{}", q.id), &value)?;
        Ok(q)
    }

    /// The qualifications in the wallet.
    pub fn qualifications(&self) -> Result<Vec<StoredQualification>> {
        let mut out = Vec::new();
        for (_, v) in self.cache_scan(PREFIX)? {
            if let Ok(q) = serde_json::from_value::<StoredQualification>(v) {
                out.push(q);
            }
        }
        out.sort_by(|a, b| a.title.cmp(&b.title));
        Ok(out)
    }

    fn qualification(&self, id: &str) -> Result<(StoredQualification, QualificationRules)> {
        let all = self.qualifications()?;
        let lower = id.to_lowercase();
        let q = all
            .iter()
            .find(|q| q.id == id)
            .or_else(|| all.iter().find(|q| q.title.to_lowercase().contains(&lower)))
            .cloned()
            .ok_or_else(|| {
                Error::NotFound(format!("qualification {id} (see `mcx qualifications`)"))
            })?;
        let rules = stack::parse_rules(&q.document.to_string())?;
        Ok((q, rules))
    }

    /// The wallet's credentials as stacking candidates.
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        Ok(self.records()?.into_iter().map(candidate).collect())
    }

    /// Audit exactly `candidates` (say, the credentials of a portfolio as it shows them)
    /// against a qualification of the wallet (by id or a part of its title).
    pub(crate) fn audit_of(
        &self,
        qualification: &str,
        candidates: &[Candidate],
        now: DateTime<Utc>,
    ) -> Result<crate::stack::Audit> {
        let (_, rules) = self.qualification(qualification)?;
        let ctx = AuditContext::new(now, self.network_members()?);
        Ok(stack::audit(&rules, candidates, &ctx))
    }

    fn network_members(&self) -> Result<Vec<String>> {
        Ok(self
            .registry()?
            .map(|r| r.members.into_iter().map(|m| m.id).collect())
            .unwrap_or_default())
    }

    /// Audit the wallet against a qualification (by id or a part of its title). `options` may
    /// add hypothetical credentials and planned catalogue offers (a what-if, counted as if held
    /// and verified) and a catalogue to suggest what would complete it.
    pub fn stack(
        &self,
        qualification: &str,
        options: &StackOptions<'_>,
        now: DateTime<Utc>,
    ) -> Result<StackResult> {
        let StackOptions {
            what_if,
            planned,
            catalogue,
        } = *options;
        let mut hypothetical = what_if.to_vec();
        match catalogue {
            Some(c) => hypothetical.extend(c.planned(planned)?),
            None if planned.is_empty() => {}
            None => {
                return Err(Error::NotFound(
                    "a catalogue of offers for the planned ones (import the network's with `mcx catalogue import`)".into(),
                ))
            }
        }
        let what_if = hypothetical.as_slice();
        let (q, rules) = self.qualification(qualification)?;
        let candidates = self.candidates()?;
        let ctx = AuditContext::new(now, self.network_members()?);
        // A suggestion starts from the audit of the learner's own credentials: searched once.
        let own = || stack::audit(&rules, &candidates, &ctx);
        let (audit, base) = if what_if.is_empty() {
            let audit = own();
            let base = catalogue.map(|_| audit.clone());
            (audit, base)
        } else {
            let audit = stack::what_if(&rules, &candidates, &ctx, what_if);
            (audit, catalogue.map(|_| own()))
        };
        let suggestion = catalogue
            .zip(base)
            .map(|(c, base)| stack::suggest_after(&rules, &candidates, &ctx, c, base));
        let offers = catalogue
            .map(|c| {
                stack::available(c, &candidates, now)
                    .into_iter()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        Ok(StackResult {
            qualification: q,
            audit,
            suggestion,
            offers,
            planned: planned.to_vec(),
        })
    }
}

/// A stored credential as a stacking candidate: its view as verified, and whether it lapsed.
pub(crate) fn candidate(r: crate::store::StoredCredential) -> Candidate {
    let lapsed = |kinds: &[LapseKind]| {
        r.verification
            .steps
            .iter()
            .filter_map(|s| s.lapse.as_ref())
            .any(|l| kinds.contains(&l.kind))
    };
    Candidate {
        id: r.id.clone(),
        revoked: lapsed(&[LapseKind::Revoked, LapseKind::Suspended]),
        expired: lapsed(&[LapseKind::Expired]),
        forced: r.forced,
        verdict: r.verification.verdict,
        credential: r.verification.credential,
        hypothetical: false,
    }
}
