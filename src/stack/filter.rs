//! Deciding whether one credential fits one leaf requirement, and saying why not.
//!
//! This file owns the per-credential facts (computed once per audit), the status checks
//! (verified, expired, revoked) and the filter conditions with their plain-language reasons.
//! It must not choose between requirements (that is `engine/`) nor word the audit
//! report beyond single reasons.

use chrono::{Months, NaiveDate};
use std::cell::OnceCell;
use std::collections::HashMap;

use super::rules::{Filter, GradeValue, Kind, QualificationRules, Requirement};
use super::{AuditContext, Candidate};
use crate::model::{Skill, Verdict};

/// Facts about one candidate, computed once per audit (borrowed from the candidate).
pub(crate) struct Facts<'a> {
    pub issuer: &'a str,
    issuer_label: &'a str,
    pub external: bool,
    pub in_network: bool,
    /// Counted ECTS in hundredths, after the per-credential cap.
    pub ects: u64,
    pub issued: Option<NaiveDate>,
    keywords: &'a [String],
    skills: &'a [Skill],
    outcomes: &'a [String],
    achievement_type: Option<&'a str>,
    achievement_id: Option<&'a str>,
    title: Option<&'a str>,
    supervision: Option<&'a str>,
    assessment_type: Option<&'a str>,
    /// Supervision and assessment type, lowercased, when a filter first asks.
    assessment: OnceCell<String>,
    /// The assessment type alone, lowercased, when a filter first asks.
    assessment_type_lower: OnceCell<Option<String>>,
    /// Whether the assessment was supervised / checked the learner's identity, when first asked.
    supervised: OnceCell<bool>,
    identity_checked: OnceCell<bool>,
    pub hypothetical: bool,
}

impl Facts<'_> {
    fn assessment(&self) -> &str {
        self.assessment.get_or_init(|| {
            let mut t = lower(self.supervision.unwrap_or(""));
            t.push(' ');
            t.push_str(&lower(self.assessment_type.unwrap_or("")));
            t
        })
    }

    /// The stated type of assessment, lowercased.
    fn assessment_type(&self) -> Option<&str> {
        self.assessment_type_lower
            .get_or_init(|| self.assessment_type.map(lower).filter(|t| !t.is_empty()))
            .as_deref()
    }

    fn supervised(&self) -> bool {
        *self
            .supervised
            .get_or_init(|| supervised(self.assessment()))
    }

    fn identity_checked(&self) -> bool {
        *self
            .identity_checked
            .get_or_init(|| identity_checked(self.assessment()))
    }

    fn issuer_label(&self) -> String {
        self.issuer_label.chars().take(80).collect()
    }
}

/// How a credential fits an achievement requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// By its filter (ectsFrom) or as the awarding body's own module.
    Direct,
    /// Through the recognition agreement with this index.
    Agreement(usize),
}

/// A credential's ECTS in hundredths (rounded), never negative.
pub(crate) fn centi(ects: f64) -> u64 {
    if ects.is_finite() && ects > 0.0 {
        (ects * 100.0).round() as u64
    } else {
        0
    }
}

/// The total of some credentials' ECTS, counted in hundredths as the audit counts them: no
/// float drift (0.1 + 0.2 is 0.3), and an empty total is 0, not the -0 a float sum starts from.
pub fn ects_total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().map(centi).sum::<u64>() as f64 / 100.0
}

/// The date of an RFC 3339 timestamp (in its own offset) or of a plain `YYYY-MM-DD` date.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

/// `a` equals `b` ignoring case and surrounding space, without allocating. ASCII bytes are
/// compared one by one, so two different keywords usually part at their first letter; the
/// rest, from the first non-ASCII character on, is compared by Unicode lower case.
fn same(a: &str, b: &str) -> bool {
    let spaced = |s: &str| {
        s.as_bytes().first().is_some_and(u8::is_ascii_whitespace)
            || s.as_bytes().last().is_some_and(u8::is_ascii_whitespace)
    };
    let (a, b) = if spaced(a) || spaced(b) {
        (a.trim(), b.trim())
    } else {
        (a, b)
    };
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    loop {
        match (x.get(i), y.get(i)) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.is_ascii() && q.is_ascii() => {
                if !p.eq_ignore_ascii_case(q) {
                    return false;
                }
                i += 1;
            }
            // One ended; an ASCII rest of the other never lower-cases to nothing.
            (Some(p), None) | (None, Some(p)) if p.is_ascii() => return false,
            _ => break,
        }
    }
    // Every byte before `i` is ASCII, so `i` is a character boundary of both.
    a[i..]
        .chars()
        .flat_map(char::to_lowercase)
        .eq(b[i..].chars().flat_map(char::to_lowercase))
}

/// Compute the facts of a candidate under these rules.
pub(crate) fn facts<'a>(
    rules: &QualificationRules,
    c: &'a Candidate,
    ctx: &AuditContext,
) -> Facts<'a> {
    let m = &c.credential;
    let issuer = m.issuer.id.as_deref().unwrap_or("");
    let external = issuer != rules.awarding_body.id;
    let mut ects = centi(m.ects.unwrap_or(0.0));
    if let Some(cap) = rules.caps.max_ects_per_credential {
        ects = ects.min(centi(cap));
    }
    Facts {
        issuer_label: m.issuer.name.as_deref().unwrap_or(issuer),
        in_network: !external || ctx.network.contains(issuer),
        issuer,
        external,
        ects,
        issued: m.issued.as_deref().and_then(parse_date),
        keywords: &m.keywords,
        skills: &m.skills,
        outcomes: &m.learning_outcomes,
        achievement_type: m.achievement_type.as_deref(),
        achievement_id: m.achievement_id.as_deref(),
        title: m.title.as_deref(),
        supervision: m.supervision.as_deref(),
        assessment_type: m.assessment_type.as_deref(),
        assessment: OnceCell::new(),
        assessment_type_lower: OnceCell::new(),
        supervised: OnceCell::new(),
        identity_checked: OnceCell::new(),
        hypothetical: c.hypothetical,
    }
}

/// Why a candidate may not count at all (outside a what-if), in order.
pub(crate) fn status_problems(c: &Candidate, ctx: &AuditContext) -> Vec<String> {
    let mut out = Vec::new();
    if c.revoked {
        out.push("revoked".to_string());
    }
    let lapsed = c
        .credential
        .valid_until
        .as_deref()
        .and_then(parse_date)
        .is_some_and(|d| d < ctx.now.date_naive());
    if c.expired || lapsed {
        out.push("expired".to_string());
    }
    if c.forced {
        out.push("not verified (it was added without verification)".to_string());
    } else if c.verdict == Verdict::Unverifiable {
        out.push("not verified (it could not be checked offline)".to_string());
    } else if c.verdict == Verdict::Invalid {
        out.push("not verified (its verification failed)".to_string());
    } else if c.verdict == Verdict::Inactive && out.is_empty() {
        // Genuine, but not in force for another reason than the two above (not yet valid).
        out.push("not in force (not yet valid)".to_string());
    }
    out
}

fn supervised(t: &str) -> bool {
    let neg = [
        "unsupervised",
        "not supervised",
        "without supervision",
        "no supervision",
    ];
    let pos = ["supervis", "proctor", "invigilat"];
    !neg.iter().any(|n| t.contains(n)) && pos.iter().any(|p| t.contains(p))
}

fn identity_checked(t: &str) -> bool {
    let neg = [
        "without identity",
        "no identity",
        "identity not",
        "no id check",
        "without id",
    ];
    let pos = [
        "identity",
        "id check",
        "id verif",
        "identification",
        "photo id",
    ];
    !neg.iter().any(|n| t.contains(n)) && pos.iter().any(|p| t.contains(p))
}

/// Does one `skills` entry of a filter match? An entry that is a URI (`http://`, `https://`,
/// `urn:`) matches only a skill linked to that URI (http and https, and a trailing slash, are
/// the same); any other entry is a label and matches a skill's name or a learning outcome's
/// whole text, ignoring case, whether or not it is linked to ESCO.
fn skill_matches(entry: &str, skills: &[Skill], outcomes: &[String]) -> bool {
    let entry = entry.trim();
    if is_uri(entry) {
        let want = uri_key(entry);
        skills
            .iter()
            .any(|s| s.uri.as_deref().is_some_and(|u| uri_key(u) == want))
    } else {
        skills.iter().any(|s| same(&s.name, entry)) || outcomes.iter().any(|o| same(o, entry))
    }
}

fn is_uri(s: &str) -> bool {
    s.contains("://") || s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// A URI without its http(s) scheme and trailing slash, for comparison.
fn uri_key(u: &str) -> &str {
    let u = u.trim();
    u.strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(u)
        .trim_end_matches('/')
}

fn list(v: &[String]) -> String {
    v.join(", ")
}

/// Reasons that depend only on the filter ("none of the subjects data, ai"), formatted once
/// per filter and audit: an audit explains every credential that fits nothing, against every
/// requirement, and most of them fail the same way.
#[derive(Default)]
pub(crate) struct ReasonCache(HashMap<(usize, u8), String>);

/// Check every condition of `filter`: true if all hold. When `explain` is set, push a reason
/// for each failure; otherwise stop at the first. `skip_issuer` is set for achievement requirements, whose issuer
/// is decided by the module match.
fn check_filter(
    filter: &Filter,
    f: &Facts<'_>,
    c: &Candidate,
    ctx: &AuditContext,
    skip_issuer: bool,
    mut explain: Option<&mut ReasonCache>,
    out: &mut Vec<String>,
) -> bool {
    let mut ok = true;
    macro_rules! fail {
        ($($arg:tt)*) => {{
            if explain.is_none() {
                return false;
            }
            ok = false;
            out.push(format!($($arg)*));
        }};
    }
    // A reason that depends only on the filter: formatted once (`kind` tells them apart).
    macro_rules! fail_same {
        ($kind:expr, $($arg:tt)*) => {{
            let Some(cache) = explain.as_deref_mut() else {
                return false;
            };
            ok = false;
            let key = (std::ptr::from_ref(filter) as usize, $kind);
            out.push(cache.0.entry(key).or_insert_with(|| format!($($arg)*)).clone());
        }};
    }
    if !skip_issuer && filter.issuer_in_network && !f.in_network {
        fail!("issuer {} is not in the network", f.issuer_label());
    }
    if !skip_issuer && !filter.issuers.is_empty() && !filter.issuers.iter().any(|i| i == f.issuer) {
        fail!(
            "issuer {} is not one of the accepted issuers",
            f.issuer_label()
        );
    }
    if let Some(min) = filter.min_eqf {
        match c.credential.eqf_level {
            Some(l) if l >= min => {}
            Some(l) => fail!("EQF {l} is below the required {min}"),
            None => fail!("no EQF level stated (EQF {min} or higher required)"),
        }
    }
    if !filter.keywords.is_empty()
        && !filter
            .keywords
            .iter()
            .any(|k| f.keywords.iter().any(|h| same(h, k)))
    {
        fail_same!(1, "none of the subjects {}", list(&filter.keywords));
    }
    if !filter.skills.is_empty()
        && !filter
            .skills
            .iter()
            .any(|k| skill_matches(k, f.skills, f.outcomes))
    {
        fail_same!(2, "none of the skills {}", list(&filter.skills));
    }
    if !filter.achievement_types.is_empty()
        && !filter
            .achievement_types
            .iter()
            .any(|t| f.achievement_type.is_some_and(|h| same(h, t)))
    {
        fail_same!(
            3,
            "the achievement type is not {}",
            filter.achievement_types.join(" or ")
        );
    }
    if let Some(a) = &filter.assessment {
        if a.supervised && !f.supervised() {
            fail_same!(4, "the assessment was not supervised");
        }
        if a.identity_verified && !f.identity_checked() {
            fail_same!(
                5,
                "the learner's identity was not verified at the assessment"
            );
        }
        // `types` reads the type of assessment (Annex I (i)) only: "supervised exam" in the
        // supervision text does not make a project an exam.
        if !a.types.is_empty() {
            match f.assessment_type() {
                None => fail_same!(
                    6,
                    "no type of assessment stated ({} required)",
                    a.types.join(" or ")
                ),
                Some(t) if !a.types.iter().any(|w| t.contains(&lower(w))) => {
                    fail_same!(7, "the type of assessment is not {}", a.types.join(" or "))
                }
                Some(_) => {}
            }
        }
    }
    if let Some(years) = filter.issued_within_years {
        let cutoff = ctx
            .now
            .date_naive()
            .checked_sub_months(Months::new(years.saturating_mul(12)));
        match (f.issued, cutoff) {
            (Some(d), Some(cut)) if d < cut => {
                fail!("older than {years} years (issued {d})")
            }
            (None, _) if !f.hypothetical => {
                fail!("no issue date stated (must be within {years} years)")
            }
            _ => {}
        }
    }
    if let Some(rule) = &filter.min_grade {
        let min = || match &rule.at_least {
            GradeValue::Number(n) => n.to_string(),
            GradeValue::Text(t) => t.clone(),
        };
        match c.credential.grade.as_deref() {
            Some(g) => {
                if let Err(e) = super::grade::check(rule, g, c.credential.grade_scale.as_ref()) {
                    fail!("{e}")
                }
            }
            None if !f.hypothetical => fail!("no grade stated (at least {} required)", min()),
            None => {}
        }
    }
    ok
}

/// Does the credential fit this leaf requirement? `filters` are the filters of the leaf and
/// its ancestors. On failure, the reasons (none when `explain` is false).
pub(crate) fn fit(
    rules: &QualificationRules,
    leaf: &Requirement,
    filters: &[&Filter],
    f: &Facts<'_>,
    c: &Candidate,
    ctx: &AuditContext,
    mut explain: Option<&mut ReasonCache>,
) -> Result<Via, Vec<String>> {
    let mut out = Vec::new();
    let mut via = Via::Direct;
    match leaf.kind {
        Kind::Achievement => {
            let id_is = |want: &Option<String>| {
                want.is_some() && f.achievement_id.is_some() && want.as_deref() == f.achievement_id
            };
            let title_is = |want: &Option<String>| match (want, f.title) {
                (Some(w), Some(t)) => same(w, t),
                _ => false,
            };
            let issuer_ok = !f.external
                || filters
                    .iter()
                    .any(|fl| fl.issuers.iter().any(|i| i == f.issuer));
            let direct =
                issuer_ok && (id_is(&leaf.achievement_id) || title_is(&leaf.achievement_title));
            let agreement = rules.recognition_agreements.iter().position(|a| {
                (Some(&a.counts_as) == leaf.achievement_id.as_ref() || a.counts_as == leaf.id)
                    && a.partner.id == f.issuer
                    && (id_is(&a.achievement_id) || title_is(&a.title))
            });
            match (direct, agreement) {
                (true, _) => {}
                (false, Some(a)) => via = Via::Agreement(a),
                (false, None) => {
                    if explain.is_some() {
                        out.push("it is not one of the required modules".to_string());
                    }
                    return Err(out);
                }
            }
        }
        Kind::EctsFrom => {
            if f.ects == 0 {
                if explain.is_some() {
                    out.push("it states no ECTS credits".to_string());
                }
                return Err(out);
            }
        }
        Kind::NOf | Kind::AllOf => return Err(out),
    }
    let skip_issuer = leaf.kind == Kind::Achievement;
    let mut ok = true;
    for fl in filters {
        ok &= check_filter(fl, f, c, ctx, skip_issuer, explain.as_deref_mut(), &mut out);
        if !ok && explain.is_none() {
            return Err(out);
        }
    }
    if ok {
        Ok(via)
    } else {
        Err(out)
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn keywords_compare_ignoring_case_and_surrounding_space() {
        assert!(same("Data Science", " data science "));
        assert!(same("ÉTHIQUE", "éthique"));
        assert!(same("Ethik", "ethik"));
        assert!(!same("data", "database"));
        assert!(!same("database", "data"));
        assert!(!same("Größe", "grosse"));
        assert!(same("", "  "));
        assert!(!same("a", ""));
    }
}
