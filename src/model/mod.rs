//! The normalised micro-credential view and the verification outcome types.
//!
//! The view is *derived* data: it is computed from the signed original, shown to people and
//! counted by the stacking engine, but it never replaces the original, which is kept byte for
//! byte. Field names follow the EU standard elements of micro-credentials (Council
//! Recommendation 2022/C 243/02, Annex I); `docs/mapping.md` says where each one comes from in
//! every supported format.
//!
//! This module owns no logic beyond small helpers: mapping lives in [`crate::formats`],
//! verification in [`crate::verify`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The wire format a document arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// W3C Verifiable Credentials Data Model 2.0 (JSON-LD), not one of the profiles below.
    Vc2,
    /// W3C Verifiable Credentials Data Model 1.1 (JSON-LD), not one of the profiles below.
    Vc1,
    /// 1EdTech Open Badges 3.0 (`OpenBadgeCredential` / `AchievementCredential`).
    OpenBadges3,
    /// 1EdTech Comprehensive Learner Record 2.0 (`ClrCredential`).
    Clr2,
    /// European Digital Credentials for Learning (ELM v3).
    Edc,
    /// A VC secured as a compact JWS (VC-JWT, including the OB 3.0 JWT form).
    VcJwt,
    /// A W3C Verifiable Presentation.
    Presentation,
    /// Open Badges 2.0 assertion.
    OpenBadges2,
    /// An SD-JWT VC (IETF SD-JWT with the SD-JWT VC profile, `typ: dc+sd-jwt`), the EU
    /// Digital Identity Wallet ecosystem's credential format.
    SdJwtVc,
}

impl Format {
    /// A short human label ("Open Badges 3.0").
    pub fn label(self) -> &'static str {
        match self {
            Format::Vc2 => "W3C VC 2.0",
            Format::Vc1 => "W3C VC 1.1",
            Format::OpenBadges3 => "Open Badges 3.0",
            Format::Clr2 => "CLR 2.0",
            Format::Edc => "European Digital Credential",
            Format::VcJwt => "VC-JWT",
            Format::Presentation => "Verifiable Presentation",
            Format::OpenBadges2 => "Open Badges 2.0",
            Format::SdJwtVc => "SD-JWT VC",
        }
    }
}

/// A person or organisation named in a credential.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    /// Identifier (a DID or URL), if any.
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Country or region (ISO 3166 code or name as given).
    pub country: Option<String>,
}

/// A skill or competence the credential aligns to (ESCO where present).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    /// The skill's label.
    pub name: String,
    /// Its URI (an ESCO concept URI, for example).
    pub uri: Option<String>,
    /// The framework it comes from ("ESCO", ...).
    pub framework: Option<String>,
}

/// The scale a grade is given on, as the credential states it (the OB 3.0
/// `ResultDescription`). Stacking reads only `max`, as the top of a plain number's scale; the
/// qualification's own `minGrade` rule decides how grades compare.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GradeScale {
    /// The lowest value that may be given (`valueMin`), as written.
    pub min: Option<String>,
    /// The highest value that may be given (`valueMax`), as written.
    pub max: Option<String>,
    /// The values it allows (`allowedValue`, else its rubric levels' names), in the order given.
    pub values: Vec<String>,
}

/// One of the EU standard elements of Annex I.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AnnexElement {
    /// (a) Identification of the learner.
    Learner,
    /// (b) Title of the micro-credential.
    Title,
    /// (c) Country(ies)/region(s) of the issuer.
    IssuerCountry,
    /// (d) Awarding body(ies).
    AwardingBody,
    /// (e) Date of issuing.
    IssueDate,
    /// (f) Learning outcomes.
    LearningOutcomes,
    /// (g) Notional workload (ECTS wherever possible).
    Workload,
    /// (h) Level (EQF, and QF-EHEA cycle if applicable).
    Level,
    /// (i) Type of assessment.
    AssessmentType,
    /// (j) Form of participation in the learning activity.
    ParticipationForm,
    /// (k) Type of quality assurance used.
    QualityAssurance,
}

impl AnnexElement {
    /// Every mandatory element, in Annex I order.
    pub const MANDATORY: [AnnexElement; 11] = [
        AnnexElement::Learner,
        AnnexElement::Title,
        AnnexElement::IssuerCountry,
        AnnexElement::AwardingBody,
        AnnexElement::IssueDate,
        AnnexElement::LearningOutcomes,
        AnnexElement::Workload,
        AnnexElement::Level,
        AnnexElement::AssessmentType,
        AnnexElement::ParticipationForm,
        AnnexElement::QualityAssurance,
    ];

    /// The element's name as a learner reads it.
    pub fn label(self) -> &'static str {
        match self {
            AnnexElement::Learner => "identification of the learner",
            AnnexElement::Title => "title",
            AnnexElement::IssuerCountry => "country or region of the issuer",
            AnnexElement::AwardingBody => "awarding body",
            AnnexElement::IssueDate => "date of issuing",
            AnnexElement::LearningOutcomes => "learning outcomes",
            AnnexElement::Workload => "notional workload (ECTS)",
            AnnexElement::Level => "level (EQF)",
            AnnexElement::AssessmentType => "type of assessment",
            AnnexElement::ParticipationForm => "form of participation",
            AnnexElement::QualityAssurance => "type of quality assurance",
        }
    }
}

/// The normalised view of one credential. Every field is optional or possibly empty:
/// credentials in the wild carry very different subsets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MicroCredential {
    /// The credential's own `id`, if it has one.
    pub id: Option<String>,
    /// Its `type` values.
    pub types: Vec<String>,
    /// (a) The learner (credential subject).
    pub learner: Party,
    /// (b) Title (the achievement's name, or the credential's).
    pub title: Option<String>,
    /// A description of the achievement.
    pub description: Option<String>,
    /// The issuer (who signed): DID or URL, name, country.
    pub issuer: Party,
    /// (d) Awarding bodies; (c) their countries come from here and from the issuer.
    pub awarding_bodies: Vec<Party>,
    /// (e) Date of issuing (RFC 3339 as given).
    pub issued: Option<String>,
    /// Start of validity (RFC 3339 as given).
    pub valid_from: Option<String>,
    /// End of validity (RFC 3339 as given).
    pub valid_until: Option<String>,
    /// (f) Learning outcomes, as text.
    pub learning_outcomes: Vec<String>,
    /// (g) Notional workload in ECTS credits.
    pub ects: Option<f64>,
    /// (g) Notional workload in hours, where stated.
    pub workload_hours: Option<f64>,
    /// (h) EQF level, 1 to 8.
    pub eqf_level: Option<u8>,
    /// (h) QF-EHEA cycle ("short cycle", "first cycle", ...), if applicable.
    pub qf_ehea_cycle: Option<String>,
    /// (i) Type of assessment.
    pub assessment_type: Option<String>,
    /// (j) Form of participation (online, onsite, blended, volunteering, work experience).
    pub participation_form: Option<String>,
    /// (k) Type of quality assurance.
    pub quality_assurance: Option<String>,
    /// Optional: prerequisites needed to enrol.
    pub prerequisites: Option<String>,
    /// Optional: supervision and identity verification during assessment.
    pub supervision: Option<String>,
    /// Optional: grade achieved, the value exactly as written ("B", "2,3", "28/30").
    pub grade: Option<String>,
    /// What the grade is: the name of its result description ("Final grade").
    #[serde(default)]
    pub grade_label: Option<String>,
    /// The scale the grade is given on, where the credential states one.
    #[serde(default)]
    pub grade_scale: Option<GradeScale>,
    /// Optional: integration / stackability options.
    pub stackability: Option<String>,
    /// Optional: further information (a URL or text).
    pub further_information: Option<String>,
    /// Skills and alignments (ESCO where present).
    pub skills: Vec<Skill>,
    /// Fields of study and keywords.
    pub keywords: Vec<String>,
    /// Language(s) of the learning activity.
    pub language: Option<String>,
    /// Achievement type ("MicroCredential", "Course", ...).
    pub achievement_type: Option<String>,
    /// The achievement's identifier (for recognition rules and required modules).
    pub achievement_id: Option<String>,
    /// Annex I mandatory elements this credential does not carry.
    pub annex_missing: Vec<AnnexElement>,
    /// The badge image, only as a checked `data:` URI (never a URL; see `formats::image`).
    #[serde(default)]
    pub image: Option<String>,
}

impl MicroCredential {
    /// The grade as a person reads it: the value, followed by its label in brackets when the
    /// credential names one ("B (Final grade)").
    pub fn grade_text(&self) -> Option<String> {
        let value = self
            .grade
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())?;
        match self.grade_label.as_deref().map(str::trim) {
            Some(l) if !l.is_empty() && !l.eq_ignore_ascii_case(value) => {
                Some(format!("{value} ({l})"))
            }
            _ => Some(value.to_string()),
        }
    }

    /// Recompute [`MicroCredential::annex_missing`] from the fields.
    pub fn compute_annex_missing(&mut self) {
        let has = |e: AnnexElement| -> bool {
            match e {
                AnnexElement::Learner => self.learner.id.is_some() || self.learner.name.is_some(),
                AnnexElement::Title => self.title.is_some(),
                AnnexElement::IssuerCountry => {
                    self.issuer.country.is_some()
                        || self.awarding_bodies.iter().any(|b| b.country.is_some())
                }
                AnnexElement::AwardingBody => {
                    !self.awarding_bodies.is_empty() || self.issuer.name.is_some()
                }
                AnnexElement::IssueDate => self.issued.is_some() || self.valid_from.is_some(),
                AnnexElement::LearningOutcomes => !self.learning_outcomes.is_empty(),
                AnnexElement::Workload => self.ects.is_some() || self.workload_hours.is_some(),
                AnnexElement::Level => self.eqf_level.is_some() || self.qf_ehea_cycle.is_some(),
                AnnexElement::AssessmentType => self.assessment_type.is_some(),
                AnnexElement::ParticipationForm => self.participation_form.is_some(),
                AnnexElement::QualityAssurance => self.quality_assurance.is_some(),
            }
        };
        self.annex_missing = AnnexElement::MANDATORY
            .into_iter()
            .filter(|e| !has(*e))
            .collect();
    }
}

/// The overall outcome of verifying a document. "Could not check" is never "invalid".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check that decides validity passed.
    Valid,
    /// Something could not be checked offline (unsupported suite, unknown key or context).
    Unverifiable,
    /// A check failed: tampered, wrong key, malformed proof or dates, ...
    Invalid,
    /// Genuine but not in force: every proof and issuer check passed, yet the credential has
    /// expired, is not yet valid, or was revoked or suspended by its issuer (the step that
    /// says so carries a [`Lapse`]). Kept and shown as history; never counted toward a
    /// qualification; never reported like a forgery.
    Inactive,
}

/// Why a genuine credential is not in force: on the dates or status step that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Lapse {
    /// What happened.
    pub kind: LapseKind,
    /// When (RFC 3339): the end of validity, or its start for "not yet valid"; `None` for a
    /// status bit, which carries no date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub date: Option<String>,
}

/// A date as the learner reads it: "3 May 2025" (what chrono's `%-d %B %Y` writes, without
/// parsing a format string for every date: the verifier page runs this for every credential).
pub fn day_text<D: chrono::Datelike>(d: D) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(d.month0() as usize).copied().unwrap_or("?");
    let year = d.year();
    if (0..=9999).contains(&year) {
        format!("{} {month} {year:04}", d.day())
    } else {
        // chrono writes years outside 0–9999 with a sign.
        format!("{} {month} {year:+05}", d.day())
    }
}

impl Lapse {
    /// What a learner reads: "Expired on 3 May 2025", "Not yet valid: valid from …",
    /// "Revoked by its issuer".
    pub fn headline(&self) -> String {
        let day = self
            .date
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            .map(day_text);
        match (self.kind, day) {
            (LapseKind::Expired, Some(d)) => format!("Expired on {d}"),
            (LapseKind::NotYetValid, Some(d)) => format!("Not yet valid: valid from {d}"),
            (LapseKind::Revoked, _) => "Revoked by its issuer".into(),
            (LapseKind::Suspended, _) => "Suspended by its issuer".into(),
            (kind, None) => {
                let w = kind.word();
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        }
    }
}

/// The kinds of [`Lapse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum LapseKind {
    /// Its validity ended (`validUntil`, `expirationDate`, `exp`).
    Expired,
    /// Its validity has not begun (`validFrom` in the future).
    NotYetValid,
    /// Its issuer revoked it (a set revocation bit in a verified status list).
    Revoked,
    /// Its issuer suspended it (a set suspension bit).
    Suspended,
}

impl LapseKind {
    /// The word for it: "expired", "not yet valid", "revoked", "suspended".
    pub fn word(self) -> &'static str {
        match self {
            LapseKind::Expired => "expired",
            LapseKind::NotYetValid => "not yet valid",
            LapseKind::Revoked => "revoked",
            LapseKind::Suspended => "suspended",
        }
    }
}

/// Which check a step reports on, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Recognising the document's format.
    Format,
    /// The cryptographic proof(s).
    Proof,
    /// Whether the signer is the issuer, and whether the issuer is known.
    IssuerIdentity,
    /// Issuance and validity dates.
    Dates,
    /// Revocation / suspension status.
    Status,
    /// The EU standard elements (Annex I completeness).
    EuElements,
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// The check passed.
    Pass,
    /// The check failed; the credential is invalid.
    Fail,
    /// Worth the reader's attention, but not a failure.
    Warn,
    /// Not checked (with the message saying why); may make the verdict unverifiable.
    Skip,
}

/// One step of a verification, with a message a learner understands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Which check.
    pub step: StepKind,
    /// Its outcome.
    pub status: StepStatus,
    /// A plain-language explanation.
    pub message: String,
    /// On a failed dates or status step of a credential that is genuine but not in force:
    /// what lapsed. Such a failure makes the verdict [`Verdict::Inactive`], not `invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub lapse: Option<Lapse>,
}

#[cfg(test)]
mod tests {
    use super::day_text;
    use chrono::{Duration, NaiveDate};

    #[test]
    fn a_day_reads_as_chrono_writes_it() {
        let first = NaiveDate::from_ymd_opt(-3, 1, 1).unwrap_or_default();
        for d in [
            first,
            NaiveDate::from_ymd_opt(12_001, 6, 30).unwrap_or_default(),
        ]
        .into_iter()
        .chain((0..800).map(|i| {
            NaiveDate::from_ymd_opt(1999, 12, 25).unwrap_or_default() + Duration::days(i * 17)
        })) {
            assert_eq!(day_text(d), d.format("%-d %B %Y").to_string());
        }
    }
}
