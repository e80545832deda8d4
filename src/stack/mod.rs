//! # Stacking: micro-credentials toward a qualification
//!
//! An awarding institution publishes [`QualificationRules`] (a requirement tree of modules,
//! "at least N ECTS from …", "N of …" and nested groups, with filters, caps and recognition
//! agreements). [`audit`] assigns the learner's verified credentials to the requirements with
//! an exact search and explains the outcome in plain language; [`suggest`] finds the smallest
//! set of catalogue offers that would complete the qualification; [`what_if`] counts
//! hypothetical credentials. Format and algorithm: `docs/stacking.md`.
//!
//! This module owns the engine's inputs ([`Candidate`], [`AuditContext`]) and the public
//! entry points. It must not verify signatures (the rules' `proof`, the credentials' proofs:
//! the caller passes verdicts), touch the store, the network or a clock (`now` is injected).
//!
//! | file | owns |
//! | --- | --- |
//! | `rules.rs` | the rules format (serde), parsing and validation |
//! | `filter.rs` | per-credential facts, status checks, filters and their reasons |
//! | `grade.rs` | reading grades as institutions write them, against a `minGrade` rule |
//! | `engine/` | the branch-and-bound assignment search (`bound.rs`: its bounds) |
//! | `report.rs` | building the problem and the [`Audit`] output |
//! | `wording.rs` | the plain-language rules, reasons and what is missing |
//! | `catalogue.rs` | the catalogue format, [`suggest`] and [`what_if`] |

use chrono::{DateTime, Utc};
use std::collections::HashSet;

use crate::model::{MicroCredential, Verdict};

pub mod catalogue;
mod engine;
mod filter;
#[doc(hidden)]
pub mod gen;
pub use filter::ects_total;
mod grade;
pub mod report;
pub mod rules;
mod wording;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_grade;
#[cfg(test)]
mod tests_prop;

pub use catalogue::{
    available, parse_catalogue, suggest, suggest_after, suggest_with_budget, what_if, Catalogue,
    CatalogueItem, Mode, SuggestedItem, Suggestion,
};
pub use report::{
    audit, audit_with_budget, search_problem_json, Audit, CandidateAudit, Counting,
    RequirementAudit, Status,
};
pub use rules::{parse_rules, Kind, QualificationRules, Requirement};

/// Search nodes an audit may explore before it returns its best assignment unproven: about
/// 2.5 s in a release build on the generated 100 × 30 wallets that use it all
/// (`docs/stacking.md`), where 200,000 nodes proved 40 of 60 of them and 1,000,000 prove 47.
pub const DEFAULT_NODE_BUDGET: u64 = 1_000_000;

/// One credential offered to the engine, with what the wallet knows about it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The wallet's id for it (shown in the audit).
    pub id: String,
    /// Its normalised view.
    pub credential: MicroCredential,
    /// Its verification verdict.
    pub verdict: Verdict,
    /// Its issuer revoked it.
    pub revoked: bool,
    /// Its validity ended.
    pub expired: bool,
    /// It was added although verification failed or was skipped.
    pub forced: bool,
    /// A credential the learner does not hold (a plan or a catalogue offer): counts as if
    /// verified, only in what-if audits and suggestions.
    pub hypothetical: bool,
}

impl Candidate {
    /// A verified, held credential.
    pub fn verified(id: impl Into<String>, credential: MicroCredential) -> Self {
        Candidate {
            id: id.into(),
            credential,
            verdict: Verdict::Valid,
            revoked: false,
            expired: false,
            forced: false,
            hypothetical: false,
        }
    }
}

/// When and against which network an audit runs.
#[derive(Debug, Clone)]
pub struct AuditContext {
    /// The audit date ("issued within N years" counts back from it).
    pub now: DateTime<Utc>,
    /// Issuer ids of the recognition network (the awarding body is always in it).
    pub network: HashSet<String>,
    /// Count unverified, expired and revoked credentials too (a what-if audit).
    pub what_if: bool,
}

impl AuditContext {
    /// A normal (not what-if) audit at `now` with this network.
    pub fn new(now: DateTime<Utc>, network: impl IntoIterator<Item = String>) -> Self {
        AuditContext {
            now,
            network: network.into_iter().collect(),
            what_if: false,
        }
    }
}
