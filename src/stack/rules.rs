//! The qualification rules format (version 1): what an awarding institution publishes to say
//! which micro-credentials stack into one of its qualifications.
//!
//! This file owns the serde types, parsing and structural validation of a rules document
//! (`schemas/qualification-rules.schema.json`, prose in `docs/stacking.md`). It must not
//! evaluate credentials (that is `filter.rs`) or search assignments (`engine/`),
//! and it never checks the document's signature: a `proof` and an `issuer` member are
//! tolerated and ignored here, the caller verifies them elsewhere.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::{Error, Result};

/// The only rules format version this engine understands.
pub const RULES_VERSION: u32 = 1;

/// Hard limits that keep a hand-written (or hostile) document cheap to evaluate.
const MAX_DEPTH: usize = 8;
const MAX_REQUIREMENTS: usize = 500;
/// The largest number a numeric minimum grade (or its `outOf`) may be.
const MAX_GRADE: f64 = 1_000_000.0;

/// An organisation named by the rules: the awarding body or a recognition partner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Body {
    /// Identifier compared with a credential's issuer id (a DID or URL).
    pub id: String,
    /// Display name ("Hochschule Rheinau").
    pub name: String,
    /// Country (ISO 3166 code).
    #[serde(default)]
    pub country: Option<String>,
}

/// A published qualification: its identity and the requirement tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QualificationRules {
    /// Format version; must be 1.
    pub version: u32,
    /// Stable identifier of the qualification (a URL or URN).
    pub id: String,
    /// Title shown to learners.
    pub title: String,
    /// The institution that awards the qualification.
    pub awarding_body: Body,
    /// EQF level of the qualification, for display.
    #[serde(default)]
    pub eqf_level: Option<u8>,
    /// ECTS credits that must be counted in total (across all requirements).
    pub total_ects: f64,
    /// The requirement tree; all top-level requirements must be met.
    pub requirements: Vec<Requirement>,
    /// Limits on what counts.
    #[serde(default)]
    pub caps: Caps,
    /// Achievements of other institutions that count as modules of the awarding body.
    #[serde(default)]
    pub recognition_agreements: Vec<RecognitionAgreement>,
    /// Free text for the learner.
    #[serde(default)]
    pub description: Option<String>,
    /// The signer of the document; checked elsewhere, ignored here.
    #[serde(default, skip_serializing)]
    pub issuer: Option<serde_json::Value>,
    /// The document's signature; checked elsewhere, ignored here.
    #[serde(default, skip_serializing)]
    pub proof: Option<serde_json::Value>,
    /// A JSON Schema reference, ignored.
    #[serde(default, rename = "$schema", skip_serializing)]
    pub schema: Option<String>,
}

/// Limits on credits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Caps {
    /// At most this many ECTS from credentials not issued by the awarding body. A credential
    /// counts whole or not at all.
    #[serde(default)]
    pub max_external_ects: Option<f64>,
    /// At most this many ECTS recognised from any one credential (the rest is ignored).
    #[serde(default)]
    pub max_ects_per_credential: Option<f64>,
}

/// The four kinds of requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// A named achievement (a module of the awarding body), met by one credential.
    Achievement,
    /// At least `ects` ECTS from credentials matching `filter`.
    EctsFrom,
    /// At least `n` of the `children` met.
    NOf,
    /// All of the `children` met.
    AllOf,
}

/// One node of the requirement tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Requirement {
    /// Identifier, unique in the document ("R1", "M3").
    pub id: String,
    /// Title shown to learners.
    #[serde(default)]
    pub title: Option<String>,
    /// What kind of requirement this is.
    pub kind: Kind,
    /// `achievement`: the module's achievement id (compared with a credential's `achievementId`).
    #[serde(default)]
    pub achievement_id: Option<String>,
    /// `achievement`: the module's title (compared case-insensitively with a credential's title).
    #[serde(default)]
    pub achievement_title: Option<String>,
    /// `ectsFrom`: ECTS needed.
    #[serde(default)]
    pub ects: Option<f64>,
    /// `nOf`: how many children must be met.
    #[serde(default)]
    pub n: Option<u32>,
    /// `nOf` / `allOf`: the children.
    #[serde(default)]
    pub children: Vec<Requirement>,
    /// Conditions every credential counted here (and, for groups, in every descendant) meets.
    #[serde(default)]
    pub filter: Filter,
    /// A credential counted here may also count for another requirement.
    #[serde(default)]
    pub allow_shared: bool,
}

/// Conditions on a credential. All stated conditions must hold; within a list, any entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    /// The issuer must be the awarding body or in the recognition network.
    #[serde(default)]
    pub issuer_in_network: bool,
    /// The issuer must be one of these ids.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// The EQF level must be at least this.
    #[serde(default)]
    pub min_eqf: Option<u8>,
    /// One of these keywords or fields of study (case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// One of these skills (ESCO URI, or label case-insensitive).
    #[serde(default)]
    pub skills: Vec<String>,
    /// The achievement type is one of these (case-insensitive).
    #[serde(default)]
    pub achievement_types: Vec<String>,
    /// Conditions on the assessment.
    #[serde(default)]
    pub assessment: Option<AssessmentFilter>,
    /// Issued at most this many years before the audit date.
    #[serde(default)]
    pub issued_within_years: Option<u32>,
    /// The minimum grade.
    #[serde(default)]
    pub min_grade: Option<GradeRule>,
}

/// Conditions on how the learning was assessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssessmentFilter {
    /// The assessment was supervised (proctored, invigilated).
    #[serde(default)]
    pub supervised: bool,
    /// The learner's identity was verified during the assessment.
    #[serde(default)]
    pub identity_verified: bool,
    /// The type of assessment mentions one of these (case-insensitive, e.g. "exam").
    #[serde(default)]
    pub types: Vec<String>,
}

/// A grade threshold: a number, or a position on an ordered scale. How credentials' grades
/// are read against it: `docs/stacking.md`, "Grades".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GradeRule {
    /// The threshold: a number (`2.3`, `60`) or a scale entry (`"C"`).
    pub at_least: GradeValue,
    /// For numbers: 1.0 is better than 4.0 (German-style grades).
    #[serde(default)]
    pub lower_is_better: bool,
    /// For numbers: the top of the rule's scale (`30` for "18 out of 30"). A grade that names
    /// another top ("17/20", "85 %", or a credential's `valueMax`) is then not compared.
    #[serde(default)]
    pub out_of: Option<f64>,
    /// For scale grades: every grade, from best to worst (`["A","B","C","D","E"]`).
    #[serde(default)]
    pub scale: Vec<String>,
}

/// A grade threshold value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GradeValue {
    /// A numeric grade.
    Number(f64),
    /// A grade on an ordered scale.
    Text(String),
}

/// "An achievement of institution A counts as module M of the awarding body."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecognitionAgreement {
    /// The partner institution (its id is compared with the credential's issuer id).
    pub partner: Body,
    /// The partner's achievement id.
    #[serde(default)]
    pub achievement_id: Option<String>,
    /// The partner's achievement title (case-insensitive), if no id is given.
    #[serde(default)]
    pub title: Option<String>,
    /// The module it counts as: an `achievement` requirement's `achievementId` or `id`.
    pub counts_as: String,
}

/// Parse and validate a rules document.
pub fn parse_rules(json: &str) -> Result<QualificationRules> {
    let rules: QualificationRules = serde_json::from_str(json)
        .map_err(|e| Error::BadInput(format!("the qualification rules are malformed: {e}")))?;
    validate(&rules)?;
    Ok(rules)
}

fn bad(msg: String) -> Error {
    Error::BadInput(format!("the qualification rules are invalid: {msg}"))
}

fn check_ects(v: f64, what: &str) -> Result<()> {
    if !v.is_finite() || !(0.0..=10_000.0).contains(&v) {
        return Err(bad(format!(
            "{what} must be a number of ECTS between 0 and 10000"
        )));
    }
    Ok(())
}

/// Check the structure: version, unique ids, kind-specific members, limits.
pub fn validate(rules: &QualificationRules) -> Result<()> {
    if rules.version != RULES_VERSION {
        return Err(bad(format!(
            "version {} is not supported (this wallet reads version {RULES_VERSION})",
            rules.version
        )));
    }
    check_ects(rules.total_ects, "totalEcts")?;
    if let Some(c) = rules.caps.max_external_ects {
        check_ects(c, "caps.maxExternalEcts")?;
    }
    if let Some(c) = rules.caps.max_ects_per_credential {
        check_ects(c, "caps.maxEctsPerCredential")?;
    }
    if rules.requirements.is_empty() {
        return Err(bad("there are no requirements".into()));
    }
    let mut ids = HashSet::new();
    let mut modules = HashSet::new();
    for r in &rules.requirements {
        check_requirement(r, 1, &mut ids, &mut modules)?;
    }
    for a in &rules.recognition_agreements {
        if a.achievement_id.is_none() && a.title.is_none() {
            return Err(bad(format!(
                "the agreement with {} names neither an achievementId nor a title",
                a.partner.name
            )));
        }
        if !modules.contains(a.counts_as.as_str()) {
            return Err(bad(format!(
                "the agreement with {} counts as \"{}\", which is no achievement requirement",
                a.partner.name, a.counts_as
            )));
        }
    }
    Ok(())
}

fn check_requirement<'a>(
    r: &'a Requirement,
    depth: usize,
    ids: &mut HashSet<&'a str>,
    modules: &mut HashSet<&'a str>,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(bad(format!(
            "requirements are nested deeper than {MAX_DEPTH}"
        )));
    }
    if !ids.insert(r.id.as_str()) {
        return Err(bad(format!(
            "the requirement id \"{}\" is used twice",
            r.id
        )));
    }
    if ids.len() > MAX_REQUIREMENTS {
        return Err(bad(format!("more than {MAX_REQUIREMENTS} requirements")));
    }
    let is_group = matches!(r.kind, Kind::NOf | Kind::AllOf);
    if is_group == r.children.is_empty() {
        return Err(bad(format!(
            "requirement \"{}\": nOf and allOf need children, other kinds must not have any",
            r.id
        )));
    }
    match r.kind {
        Kind::Achievement => {
            if r.achievement_id.is_none() && r.achievement_title.is_none() {
                return Err(bad(format!(
                    "requirement \"{}\" (achievement) needs an achievementId or achievementTitle",
                    r.id
                )));
            }
            modules.insert(r.id.as_str());
            if let Some(a) = &r.achievement_id {
                modules.insert(a.as_str());
            }
        }
        Kind::EctsFrom => match r.ects {
            Some(e) => check_ects(e, &format!("requirement \"{}\" ects", r.id))?,
            None => {
                return Err(bad(format!(
                    "requirement \"{}\" (ectsFrom) needs ects",
                    r.id
                )))
            }
        },
        Kind::NOf => match r.n {
            Some(n) if n >= 1 && n as usize <= r.children.len() => {}
            _ => {
                return Err(bad(format!(
                    "requirement \"{}\" (nOf) needs n between 1 and its {} children",
                    r.id,
                    r.children.len()
                )))
            }
        },
        Kind::AllOf => {}
    }
    if let Some(g) = &r.filter.min_grade {
        match (&g.at_least, g.out_of) {
            (GradeValue::Text(t), out_of) => {
                if !g
                    .scale
                    .iter()
                    .any(|s| s.trim().eq_ignore_ascii_case(t.trim()))
                {
                    return Err(bad(format!(
                        "requirement \"{}\": the minimum grade \"{t}\" is not on its scale",
                        r.id
                    )));
                }
                if out_of.is_some() {
                    return Err(bad(format!(
                        "requirement \"{}\": outOf belongs to a numeric minimum grade",
                        r.id
                    )));
                }
            }
            (GradeValue::Number(n), out_of) => {
                let in_range = |v: f64| (0.0..=MAX_GRADE).contains(&v);
                let top_ok = out_of.is_none_or(|t| t > 0.0 && in_range(t) && *n <= t);
                if !in_range(*n) || !top_ok {
                    return Err(bad(format!(
                        "requirement \"{}\": the minimum grade must be a number from 0 to {MAX_GRADE}, and outOf above 0 and at least the minimum",
                        r.id
                    )));
                }
            }
        }
    }
    for c in &r.children {
        check_requirement(c, depth + 1, ids, modules)?;
    }
    Ok(())
}

impl Requirement {
    /// The title if given, else the id.
    pub fn label(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}
