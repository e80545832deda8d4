//! The network's catalogue of offered micro-credentials, gap filling and what-if audits.
//!
//! This file owns the catalogue format (`schemas/catalogue.schema.json`), [`suggest`] (the
//! least extra ECTS of catalogue offers that completes a qualification, then the fewest
//! offers, found by the same exact engine with offers as hypothetical candidates that cost
//! their ECTS) and [`what_if`].
//! It must not fetch catalogues or enrol anyone; it never checks a catalogue's signature.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

use super::filter::{centi, parse_date};
use super::report::{run, Audit};
use super::rules::{Body, QualificationRules};
use super::wording::fmt_ects;
use super::{AuditContext, Candidate};
use crate::model::{MicroCredential, Party, Skill, Verdict};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// The only catalogue format version this engine understands.
pub const CATALOGUE_VERSION: u32 = 1;

/// Search nodes a suggestion may explore (catalogues of about 60 offers stay exact).
pub const SUGGEST_NODE_BUDGET: u64 = 2_000_000;

const MAX_ITEMS: usize = 5_000;

/// How an offer is taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// Online.
    Online,
    /// On site.
    Onsite,
    /// Blended.
    Blended,
}

/// A catalogue of offers published by the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Catalogue {
    /// Format version; must be 1.
    pub version: u32,
    /// A title for the catalogue.
    #[serde(default)]
    pub title: Option<String>,
    /// The offers.
    pub items: Vec<CatalogueItem>,
    /// The publisher; checked elsewhere, ignored here.
    #[serde(default, skip_serializing)]
    pub issuer: Option<serde_json::Value>,
    /// A signature; checked elsewhere, ignored here.
    #[serde(default, skip_serializing)]
    pub proof: Option<serde_json::Value>,
    /// A JSON Schema reference, ignored.
    #[serde(default, rename = "$schema", skip_serializing)]
    pub schema: Option<String>,
}

/// One offered micro-credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogueItem {
    /// The offer's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Who offers (and will issue) it.
    pub provider: Body,
    /// ECTS credits.
    pub ects: f64,
    /// EQF level.
    #[serde(default)]
    pub eqf_level: Option<u8>,
    /// Skills (ESCO URIs or labels).
    #[serde(default)]
    pub skills: Vec<String>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Fields of study.
    #[serde(default)]
    pub field_of_study: Vec<String>,
    /// Language of instruction.
    #[serde(default)]
    pub language: Option<String>,
    /// Online, onsite or blended.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// First day (YYYY-MM-DD).
    #[serde(default)]
    pub start: Option<String>,
    /// Last day (YYYY-MM-DD); offers that ended before the audit date are skipped.
    #[serde(default)]
    pub end: Option<String>,
    /// The achievement id of the credential it leads to.
    #[serde(default)]
    pub achievement_id: Option<String>,
    /// Achievement type.
    #[serde(default)]
    pub achievement_type: Option<String>,
    /// Type of assessment.
    #[serde(default)]
    pub assessment_type: Option<String>,
    /// Supervision and identity verification at the assessment.
    #[serde(default)]
    pub supervision: Option<String>,
}

impl Catalogue {
    /// The credentials the offers `ids` would lead to, for a what-if; an unknown id is an error.
    pub fn planned(&self, ids: &[String]) -> Result<Vec<MicroCredential>> {
        ids.iter()
            .map(|id| {
                self.items
                    .iter()
                    .find(|i| &i.id == id)
                    .map(CatalogueItem::to_credential)
                    .ok_or_else(|| Error::NotFound(format!("catalogue offer {id}")))
            })
            .collect()
    }
}

impl CatalogueItem {
    /// The credential this offer would lead to (grade and issue date unknown).
    pub fn to_credential(&self) -> MicroCredential {
        let party = Party {
            id: Some(self.provider.id.clone()),
            name: Some(self.provider.name.clone()),
            country: self.provider.country.clone(),
        };
        MicroCredential {
            title: Some(self.title.clone()),
            issuer: party.clone(),
            awarding_bodies: vec![party],
            ects: Some(self.ects),
            eqf_level: self.eqf_level,
            skills: self
                .skills
                .iter()
                .map(|s| Skill {
                    name: s.clone(),
                    uri: s.starts_with("http").then(|| s.clone()),
                    framework: None,
                })
                .collect(),
            keywords: self
                .keywords
                .iter()
                .chain(&self.field_of_study)
                .cloned()
                .collect(),
            language: self.language.clone(),
            participation_form: self.mode.map(|m| format!("{m:?}").to_lowercase()),
            achievement_id: self.achievement_id.clone(),
            achievement_type: self.achievement_type.clone(),
            assessment_type: self.assessment_type.clone(),
            supervision: self.supervision.clone(),
            ..MicroCredential::default()
        }
    }
}

/// One offer in a suggestion.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedItem {
    /// The offer's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its provider's name.
    pub provider: String,
    /// Its ECTS.
    pub ects: f64,
    /// Requirement ids it would count toward.
    pub counts_toward: Vec<String>,
}

/// What to take to complete a qualification.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The qualification's id.
    pub qualification_id: String,
    /// The held credentials already complete it; nothing to add.
    pub already_complete: bool,
    /// The offers below complete it (false: the catalogue cannot, see `audit.missing`).
    pub achievable: bool,
    /// The set is proven to need the least extra ECTS (then the fewest offers).
    pub proven_optimal: bool,
    /// The offers to take.
    pub items: Vec<SuggestedItem>,
    /// Their ECTS together.
    pub extra_ects: f64,
    /// The what-if audit with those offers counted.
    pub audit: Audit,
    /// In words.
    pub summary: String,
}

/// Parse and check a catalogue document.
pub fn parse_catalogue(json: &str) -> Result<Catalogue> {
    let c: Catalogue = serde_json::from_str(json)
        .map_err(|e| Error::BadInput(format!("the catalogue is malformed: {e}")))?;
    if c.version != CATALOGUE_VERSION {
        return Err(Error::BadInput(format!(
            "catalogue version {} is not supported (this wallet reads version {CATALOGUE_VERSION})",
            c.version
        )));
    }
    if c.items.len() > MAX_ITEMS {
        return Err(Error::BadInput(format!(
            "the catalogue has more than {MAX_ITEMS} offers"
        )));
    }
    if let Some(i) = c
        .items
        .iter()
        .find(|i| !i.ects.is_finite() || !(0.0..=1_000.0).contains(&i.ects))
    {
        return Err(Error::BadInput(format!(
            "catalogue offer \"{}\" has an invalid number of ECTS",
            i.id
        )));
    }
    Ok(c)
}

fn hypothetical(id: String, credential: MicroCredential) -> Candidate {
    Candidate {
        id,
        credential,
        verdict: Verdict::Valid,
        revoked: false,
        expired: false,
        forced: false,
        hypothetical: true,
    }
}

/// Audit as if the learner also held `planned` credentials (counted as verified), on top of
/// `candidates`. Planned ones get ids `planned-1`, `planned-2`, ….
pub fn what_if(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    planned: &[MicroCredential],
) -> Audit {
    let mut all = candidates.to_vec();
    all.extend(
        planned
            .iter()
            .enumerate()
            .map(|(i, m)| hypothetical(format!("planned-{}", i + 1), m.clone())),
    );
    run(rules, &all, ctx, super::DEFAULT_NODE_BUDGET, &[])
}

/// The offers a learner could still take: not ended by `now`, and not already held (same
/// provider and achievement as one of `candidates`). A copy that expired (its `expired` flag,
/// or `validUntil` before `now`) or was revoked does not hold it: the learner may have to take
/// it again. A copy that is only unverified still does (the remedy is to verify it).
pub fn available<'a>(
    catalogue: &'a Catalogue,
    candidates: &[Candidate],
    now: DateTime<Utc>,
) -> Vec<&'a CatalogueItem> {
    let today = now.date_naive();
    let lapsed = |c: &Candidate| {
        c.revoked
            || c.expired
            || c.credential
                .valid_until
                .as_deref()
                .and_then(parse_date)
                .is_some_and(|d| d < today)
    };
    let held: HashSet<(Option<String>, String)> = candidates
        .iter()
        .filter(|&c| !lapsed(c))
        .filter_map(|c| {
            let a = c.credential.achievement_id.clone()?;
            Some((c.credential.issuer.id.clone(), a))
        })
        .collect();
    catalogue
        .items
        .iter()
        .filter(|i| {
            let ended = i
                .end
                .as_deref()
                .and_then(parse_date)
                .is_some_and(|d| d < today);
            let owned = i
                .achievement_id
                .as_ref()
                .is_some_and(|a| held.contains(&(Some(i.provider.id.clone()), a.clone())));
            !ended && !owned
        })
        .collect()
}

/// The offers of `catalogue` that complete the qualification with the least extra ECTS
/// (then the fewest offers), on top of the learner's `candidates`.
pub fn suggest(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    catalogue: &Catalogue,
) -> Suggestion {
    suggest_with_budget(rules, candidates, ctx, catalogue, SUGGEST_NODE_BUDGET)
}

/// [`suggest`] given the audit of the learner's own credentials (`base`, from [`audit`] of the
/// same rules, candidates and context), so that a caller showing both searches it once.
///
/// [`audit`]: super::audit
pub fn suggest_after(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    catalogue: &Catalogue,
    base: Audit,
) -> Suggestion {
    suggest_from(rules, candidates, ctx, catalogue, SUGGEST_NODE_BUDGET, base)
}

/// [`suggest`] with at most `budget` search nodes for the offers (the audit of the learner's
/// own credentials keeps the audit's budget).
pub fn suggest_with_budget(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    catalogue: &Catalogue,
    budget: u64,
) -> Suggestion {
    let base = run(rules, candidates, ctx, super::DEFAULT_NODE_BUDGET, &[]);
    suggest_from(rules, candidates, ctx, catalogue, budget, base)
}

fn suggest_from(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    catalogue: &Catalogue,
    budget: u64,
    base: Audit,
) -> Suggestion {
    if base.complete {
        return Suggestion {
            qualification_id: rules.id.clone(),
            already_complete: true,
            achievable: true,
            proven_optimal: base.proven_optimal,
            items: Vec::new(),
            extra_ects: 0.0,
            summary: format!("{} is already complete; nothing to add", rules.title),
            audit: base,
        };
    }
    let offers = available(catalogue, candidates, ctx.now);
    let mut all = candidates.to_vec();
    let mut costs = vec![0u64; candidates.len()];
    for o in &offers {
        all.push(hypothetical(format!("offer:{}", o.id), o.to_credential()));
        costs.push(centi(o.ects).max(1));
    }
    // Whether the offers can complete it at all, first, without costs: when they cannot, the
    // least-cost search would spend its whole budget ranking incomplete sets by cost, and the
    // answer is "cannot complete" with what stays missing either way.
    let reach = run(
        rules,
        &all,
        ctx,
        budget.min(super::DEFAULT_NODE_BUDGET),
        &[],
    );
    if !reach.complete && reach.proven_optimal {
        return Suggestion {
            qualification_id: rules.id.clone(),
            already_complete: false,
            achievable: false,
            proven_optimal: true,
            items: Vec::new(),
            extra_ects: 0.0,
            summary: cannot_complete(rules, &reach),
            audit: reach,
        };
    }
    let audit = run(rules, &all, ctx, budget, &costs);
    let items: Vec<SuggestedItem> = offers
        .iter()
        .zip(&audit.candidates[candidates.len()..])
        .filter(|(_, c)| c.counted)
        .map(|(o, c)| SuggestedItem {
            id: o.id.clone(),
            title: o.title.clone(),
            provider: o.provider.name.clone(),
            ects: o.ects,
            counts_toward: c.counts_toward.clone(),
        })
        .collect();
    let extra = items.iter().map(|i| centi(i.ects)).sum::<u64>();
    let summary = if audit.complete {
        format!(
            "take {} ({} ECTS) to complete {}",
            items
                .iter()
                .map(|i| format!("\"{}\"", i.title))
                .collect::<Vec<_>>()
                .join(", "),
            fmt_ects(extra),
            rules.title
        )
    } else {
        cannot_complete(rules, &audit)
    };
    Suggestion {
        qualification_id: rules.id.clone(),
        already_complete: false,
        achievable: audit.complete,
        proven_optimal: audit.proven_optimal,
        items,
        extra_ects: extra as f64 / 100.0,
        summary,
        audit,
    }
}

fn cannot_complete(rules: &QualificationRules, audit: &Audit) -> String {
    format!(
        "the catalogue cannot complete {}; still missing: {}",
        rules.title,
        audit.missing.join("; ")
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Which copies make an offer "already held" (docs/stacking.md, "What the rules mean").
    #[test]
    fn only_a_copy_that_is_still_valid_or_merely_unverified_holds_an_offer() {
        let provider = "did:web:hs-rheinau.de";
        let cat = parse_catalogue(&format!(
            r#"{{"version":1,"items":[
            {{"id":"k1","title":"M1","provider":{{"id":"{provider}","name":"H"}},"ects":5,"achievementId":"M1"}},
            {{"id":"k2","title":"M2","provider":{{"id":"{provider}","name":"H"}},"ects":5,"achievementId":"M2"}},
            {{"id":"k3","title":"M3","provider":{{"id":"{provider}","name":"H"}},"ects":5,"achievementId":"M3"}},
            {{"id":"k4","title":"M4","provider":{{"id":"{provider}","name":"H"}},"ects":5,"achievementId":"M4"}},
            {{"id":"k5","title":"M5","provider":{{"id":"{provider}","name":"H"}},"ects":5,"achievementId":"M5"}}]}}"#
        ))
        .unwrap();
        let copy = |aid: &str| {
            Candidate::verified(
                aid,
                MicroCredential {
                    issuer: Party {
                        id: Some(provider.into()),
                        ..Party::default()
                    },
                    achievement_id: Some(aid.into()),
                    ..MicroCredential::default()
                },
            )
        };
        let valid = copy("M1");
        let mut lapsed = copy("M2");
        lapsed.credential.valid_until = Some("2025-12-31".into());
        let mut expired = copy("M3");
        expired.expired = true;
        let mut revoked = copy("M4");
        revoked.revoked = true;
        let mut unverified = copy("M5");
        unverified.verdict = Verdict::Unverifiable;
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ids: Vec<&str> = available(&cat, &[valid, lapsed, expired, revoked, unverified], now)
            .into_iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(ids, ["k2", "k3", "k4"]);
    }
}
