//! The audit's sentences: how a credential counts ("counts as module M3 through the
//! recognition agreement with Universidad X"), what is still missing, and filters in words.
//!
//! This file owns wording only; it must not decide eligibility or assignments.

use super::filter::{centi, Facts, Via};
use super::report::{Counting, RequirementAudit, Status};
use super::rules::{Filter, Kind, QualificationRules, Requirement};
use super::Candidate;

/// Format hundredths of ECTS ("5", "2.5").
pub(crate) fn fmt_ects(c: u64) -> String {
    if (c / 100) * 100 == c {
        (c / 100).to_string()
    } else {
        format!("{}", c as f64 / 100.0)
    }
}

pub(super) struct Words<'a> {
    pub rules: &'a QualificationRules,
    pub candidates: &'a [Candidate],
    pub facts: &'a [Option<Facts<'a>>],
    pub fits: &'a [Vec<(usize, Via)>],
}

impl Words<'_> {
    pub(super) fn counting(
        &self,
        ci: usize,
        leaf: usize,
        r: &Requirement,
        shared: bool,
    ) -> Counting {
        let c = &self.candidates[ci];
        let ects = self.facts[ci].as_ref().map_or(0, |f| f.ects);
        let via = self.fits[ci]
            .iter()
            .find(|(l, _)| *l == leaf)
            .map_or(Via::Direct, |(_, v)| *v);
        let mut rule = match (r.kind, via) {
            (Kind::Achievement, Via::Agreement(a)) => {
                let name = self
                    .rules
                    .recognition_agreements
                    .get(a)
                    .map_or("a partner", |a| a.partner.name.as_str());
                format!(
                    "counts as the module \u{201c}{}\u{201d} through the recognition agreement with {name}",
                    r.label()
                )
            }
            (Kind::Achievement, _) => format!("counts as the module \u{201c}{}\u{201d}", r.label()),
            _ => format!(
                "counts {} ECTS toward \u{201c}{}\u{201d}",
                fmt_ects(ects),
                r.label()
            ),
        };
        let raw = centi(c.credential.ects.unwrap_or(0.0));
        if raw > ects {
            rule.push_str(&format!(
                "; {} of its {} ECTS, the most recognised per credential",
                fmt_ects(ects),
                fmt_ects(raw)
            ));
        }
        // The external allowance is charged with the credits recognised (after the
        // per-credential cap), not with all the credential states.
        let external = self.facts[ci].as_ref().is_some_and(|f| f.external);
        if let (true, Some(cap)) = (external, self.rules.caps.max_external_ects) {
            rule.push_str(&format!(
                "; it uses {} ECTS of the {}-ECTS allowance for credits from outside {}",
                fmt_ects(ects),
                fmt_ects(centi(cap)),
                self.rules.awarding_body.name
            ));
        }
        if shared {
            rule.push_str("; it may also count for other requirements");
        }
        Counting {
            candidate_id: c.id.clone(),
            title: c.credential.title.clone(),
            ects: ects as f64 / 100.0,
            rule,
        }
    }

    pub(super) fn missing(
        &self,
        ra: &RequirementAudit,
        reqs: &[&Requirement],
        out: &mut Vec<String>,
    ) {
        if ra.status == Status::Met {
            return;
        }
        let Some(r) = reqs.iter().find(|r| r.id == ra.id) else {
            return;
        };
        match r.kind {
            Kind::Achievement => {
                let partners: Vec<&str> = self
                    .rules
                    .recognition_agreements
                    .iter()
                    .filter(|a| {
                        Some(&a.counts_as) == r.achievement_id.as_ref() || a.counts_as == r.id
                    })
                    .map(|a| a.partner.name.as_str())
                    .collect();
                let mut s = format!("the module \u{201c}{}\u{201d}", r.label());
                if !partners.is_empty() {
                    s.push_str(&format!(
                        " (or its recognised equivalent from {})",
                        partners.join(" or ")
                    ));
                }
                out.push(s);
            }
            Kind::EctsFrom => {
                let need = centi(r.ects.unwrap_or(0.0));
                let have = centi(ra.ects_counted);
                out.push(format!(
                    "{}: {} more ECTS{}",
                    r.label(),
                    fmt_ects(need.saturating_sub(have)),
                    describe(&r.filter)
                        .map(|d| format!(" from credentials {d}"))
                        .unwrap_or_default()
                ));
            }
            Kind::NOf | Kind::AllOf => {
                if r.kind == Kind::NOf {
                    let open: Vec<String> = ra
                        .children
                        .iter()
                        .filter(|c| c.status != Status::Met)
                        .map(|c| format!("\u{201c}{}\u{201d}", c.title))
                        .collect();
                    let k = ra
                        .count_needed
                        .unwrap_or(0)
                        .saturating_sub(ra.count_counted);
                    out.push(format!("{}: {k} more of {}", r.label(), open.join(", ")));
                    for c in ra.children.iter().filter(|c| c.status == Status::PartlyMet) {
                        self.missing(c, reqs, out);
                    }
                } else {
                    for c in &ra.children {
                        self.missing(c, reqs, out);
                    }
                }
            }
        }
    }
}

/// A filter in words ("EQF 6 or higher, on data science"), if it says anything.
pub(crate) fn describe(f: &Filter) -> Option<String> {
    let mut p = Vec::new();
    if f.issuer_in_network {
        p.push("issued in the network".to_string());
    }
    if !f.issuers.is_empty() {
        p.push(format!("issued by {}", f.issuers.join(" or ")));
    }
    if let Some(l) = f.min_eqf {
        p.push(format!("at EQF {l} or higher"));
    }
    if !f.keywords.is_empty() {
        p.push(format!("on {}", f.keywords.join(" or ")));
    }
    if !f.skills.is_empty() {
        p.push(format!("with the skill {}", f.skills.join(" or ")));
    }
    if !f.achievement_types.is_empty() {
        p.push(format!("of type {}", f.achievement_types.join(" or ")));
    }
    if let Some(a) = &f.assessment {
        if a.supervised || a.identity_verified {
            p.push("with a supervised, identity-checked assessment".to_string());
        }
    }
    if let Some(y) = f.issued_within_years {
        p.push(format!("issued within {y} years"));
    }
    (!p.is_empty()).then(|| p.join(", "))
}
