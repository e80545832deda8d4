//! Bulk issuing of Open Badges 3.0 `OpenBadgeCredential`s carrying the EU standard elements
//! of micro-credentials (Council Recommendation 2022/C 243/02, Annex I) in the properties the
//! wallet's own mapping reads (`src/formats/ob3.rs`, `docs/mapping.md`):
//!
//! | element | where it is written |
//! | --- | --- |
//! | learner | `credentialSubject.id` (optional), `.name`; e-mail as a salted SHA-256 `identifier` |
//! | title, description | `achievement.name`, `.description` |
//! | issuer, country | `issuer` Profile with `address.addressCountryCode` |
//! | awarding body | `achievement.creator` (default: the issuer) |
//! | issued | `validFrom` and `awardedDate` |
//! | learning outcomes, skills | `achievement.alignment[]` (`targetName`, `targetUrl`, ESCO) |
//! | ECTS | `achievement.creditsAvailable` |
//! | EQF | an alignment to `http://data.europa.eu/snb/eqf/N` |
//! | assessment, participation, QA, supervision, prerequisites, stackability, workload | extension properties on the achievement |
//! | grade | `credentialSubject.result[]` with a `resultDescription` |

use super::status::StatusList;
use super::Issuer;
use crate::proof::contexts::ContextLoader;
use crate::proof::di::Suite;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The credential contexts (all bundled): VC 2.0, OB 3.0.3, and the W3C undefined-terms
/// context, whose `@vocab` gives the EU extension properties (`assessmentType`,
/// `participationForm`, ...) issuer-dependent IRIs. Without it JSON-LD safe mode, which both
/// the wallet and the reference verifier use, refuses properties OB 3.0 does not define.
pub const CONTEXTS: [&str; 3] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
];

/// A learning outcome or skill: its text and, optionally, an ESCO (or other) concept URI.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Outcome {
    /// Text only.
    Text(String),
    /// Text and URI.
    Linked {
        /// The outcome as a learner reads it.
        name: String,
        /// The concept URI (e.g. `http://data.europa.eu/esco/skill/…`).
        uri: String,
    },
}

/// An organisation: id (DID or URL), name, country.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Org {
    /// DID or URL.
    pub id: String,
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: Option<String>,
}

/// The achievement a batch is issued for (`ACHIEVEMENT.json`), in plain EU terms. A file
/// whose top level has a `type` member is taken instead as a ready OB 3.0 `Achievement`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AchievementSpec {
    /// Stable URL or URN of the achievement (what qualification rules refer to).
    pub id: String,
    /// Title (Annex I (b)).
    pub name: String,
    /// What it certifies.
    pub description: String,
    /// OB 3.0 achievement type (default `MicroCredential`).
    #[serde(default)]
    pub achievement_type: Option<String>,
    /// ECTS credits (Annex I (g)).
    pub ects: serde_json::Number,
    /// EQF level 1–8 (Annex I (h)).
    #[serde(default)]
    pub eqf_level: Option<u8>,
    /// QF-EHEA cycle, if any.
    #[serde(default)]
    pub qf_ehea_cycle: Option<String>,
    /// Learning outcomes (Annex I (f)); those with an ESCO URI are also skills.
    #[serde(default)]
    pub learning_outcomes: Vec<Outcome>,
    /// How the outcomes are assessed (criteria narrative).
    #[serde(default)]
    pub criteria: Option<String>,
    /// Type of assessment (Annex I (i)).
    #[serde(default)]
    pub assessment_type: Option<String>,
    /// Form of participation (Annex I (j)): online, onsite, blended.
    #[serde(default)]
    pub participation_form: Option<String>,
    /// Type of quality assurance (Annex I (k)).
    #[serde(default)]
    pub quality_assurance: Option<String>,
    /// Supervision and identity verification.
    #[serde(default)]
    pub supervision: Option<String>,
    /// Prerequisites.
    #[serde(default)]
    pub prerequisites: Option<String>,
    /// Integration and stackability options.
    #[serde(default)]
    pub stackability: Option<String>,
    /// Notional workload in hours.
    #[serde(default)]
    pub workload_hours: Option<f64>,
    /// Language (BCP 47).
    #[serde(default)]
    pub language: Option<String>,
    /// Field of study (ISCED-F name or code).
    #[serde(default)]
    pub field_of_study: Option<String>,
    /// Keywords (`tag`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The awarding body, when it is not the issuer (Annex I (d)).
    #[serde(default)]
    pub awarding_body: Option<Org>,
    /// A web page with more information.
    #[serde(default)]
    pub further_information: Option<String>,
    /// The name of the grade scale shown with a learner's grade (default "Final grade").
    #[serde(default)]
    pub grade_name: Option<String>,
}

/// A batch's achievement, ready to go into credentials.
#[derive(Debug, Clone)]
pub struct Template {
    /// The OB 3.0 `Achievement` object.
    pub achievement: Value,
    /// Its name (also the credential's `name`).
    pub name: String,
    /// A file-name slug of the name.
    pub slug: String,
}

fn is_iri(s: &str) -> bool {
    let s = s.trim();
    !s.contains(char::is_whitespace)
        && (s.starts_with("https://")
            || s.starts_with("http://")
            || s.starts_with("urn:")
            || s.starts_with("did:"))
}

fn bad(msg: String) -> Error {
    Error::BadInput(format!("the achievement file: {msg}"))
}

/// Read `ACHIEVEMENT.json` (either form) into a [`Template`].
pub fn parse_achievement(json: &str) -> Result<Template> {
    let v: Value = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
    if v.get("type").is_some() {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("the Achievement has no name".into()))?
            .to_string();
        for k in ["id", "description", "criteria"] {
            if v.get(k).is_none() {
                return Err(bad(format!(
                    "the Achievement has no {k} (OB 3.0 requires it)"
                )));
            }
        }
        return Ok(Template {
            slug: slug(&name),
            name,
            achievement: v,
        });
    }
    let spec: AchievementSpec = serde_json::from_value(v).map_err(|e| bad(e.to_string()))?;
    spec_to_template(&spec)
}

/// Build the OB 3.0 `Achievement` from an [`AchievementSpec`], checking every field.
pub fn spec_to_template(s: &AchievementSpec) -> Result<Template> {
    if !is_iri(&s.id) {
        return Err(bad(format!("id {:?} is not a URL or URN", s.id)));
    }
    if s.name.trim().is_empty() || s.description.trim().is_empty() {
        return Err(bad("name and description must not be empty".into()));
    }
    let ects = s.ects.as_f64().unwrap_or(-1.0);
    if !(0.0..=1000.0).contains(&ects) {
        return Err(bad(format!("ects {} is not between 0 and 1000", s.ects)));
    }
    let mut alignment = Vec::new();
    if let Some(l) = s.eqf_level {
        if !(1..=8).contains(&l) {
            return Err(bad(format!("eqfLevel {l} is not between 1 and 8")));
        }
        alignment.push(
            json!({"type": ["Alignment"], "targetName": format!("EQF level {l}"),
            "targetUrl": format!("http://data.europa.eu/snb/eqf/{l}"),
            "targetFramework": "European Qualifications Framework", "targetCode": l.to_string()}),
        );
    }
    for (i, o) in s.learning_outcomes.iter().enumerate() {
        let (name, url) = match o {
            Outcome::Text(t) => (t.clone(), format!("{}#outcome-{}", s.id, i + 1)),
            Outcome::Linked { name, uri } => {
                if !is_iri(uri) {
                    return Err(bad(format!(
                        "learningOutcomes[{i}].uri {uri:?} is not a URL"
                    )));
                }
                (name.clone(), uri.clone())
            }
        };
        if name.trim().is_empty() {
            return Err(bad(format!("learningOutcomes[{i}] is empty")));
        }
        let mut a = json!({"type": ["Alignment"], "targetName": name, "targetUrl": url});
        if url.contains("data.europa.eu/esco/") {
            if let Some(o) = a.as_object_mut() {
                o.insert("targetFramework".into(), "ESCO".into());
            }
        }
        alignment.push(a);
    }
    let criteria = s.criteria.clone().unwrap_or_else(|| {
        format!(
            "Awarded for achieving the learning outcomes of {}{}.",
            s.name,
            s.assessment_type
                .as_deref()
                .map(|a| format!(", assessed by {}", a.to_lowercase()))
                .unwrap_or_default()
        )
    });
    let mut a = Map::new();
    a.insert("id".into(), s.id.trim().into());
    a.insert("type".into(), json!(["Achievement"]));
    a.insert(
        "achievementType".into(),
        s.achievement_type
            .clone()
            .unwrap_or_else(|| "MicroCredential".into())
            .into(),
    );
    a.insert("name".into(), s.name.trim().into());
    a.insert("description".into(), s.description.trim().into());
    a.insert("criteria".into(), json!({ "narrative": criteria }));
    a.insert("creditsAvailable".into(), Value::Number(s.ects.clone()));
    if !alignment.is_empty() {
        a.insert("alignment".into(), Value::Array(alignment));
    }
    if let Some(b) = &s.awarding_body {
        if !is_iri(&b.id) {
            return Err(bad(format!(
                "awardingBody.id {:?} is not a DID or URL",
                b.id
            )));
        }
        let mut p = json!({"id": b.id, "type": ["Profile"], "name": b.name});
        if let (Some(cc), Some(o)) = (&b.country, p.as_object_mut()) {
            let cc = super::country_code(cc)?;
            o.insert(
                "address".into(),
                json!({"type": ["Address"], "addressCountryCode": cc}),
            );
        }
        a.insert("creator".into(), p);
    }
    let text = [
        ("inLanguage", &s.language),
        ("fieldOfStudy", &s.field_of_study),
        ("assessmentType", &s.assessment_type),
        ("participationForm", &s.participation_form),
        ("qualityAssurance", &s.quality_assurance),
        ("supervision", &s.supervision),
        ("prerequisites", &s.prerequisites),
        ("stackability", &s.stackability),
        ("qfEheaCycle", &s.qf_ehea_cycle),
        ("furtherInformation", &s.further_information),
    ];
    for (k, v) in text {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            a.insert(k.into(), v.into());
        }
    }
    if !s.keywords.is_empty() {
        a.insert("tag".into(), json!(s.keywords));
    }
    if let Some(h) = s.workload_hours {
        if !(0.0..=100_000.0).contains(&h) {
            return Err(bad(format!("workloadHours {h} is out of range")));
        }
        a.insert("workload".into(), json!(format!("PT{}H", h.round() as u64)));
    }
    a.insert(
        "resultDescription".into(),
        json!([{"id": format!("{}#grade", s.id.trim()), "type": ["ResultDescription"],
            "name": s.grade_name.clone().unwrap_or_else(|| "Final grade".into()),
            "resultType": "LetterGrade"}]),
    );
    Ok(Template {
        slug: slug(&s.name),
        name: s.name.trim().to_string(),
        achievement: Value::Object(a),
    })
}

/// Lowercase ASCII letters and digits joined by hyphens (at most 48 characters).
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(48).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "x".into()
    } else {
        out
    }
}

fn fold_accent(c: char) -> Vec<char> {
    let base = match c {
        'à'..='å' | 'ā' | 'ą' | 'ă' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è'..='ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì'..='ï' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' => 'n',
        'ò'..='ö' | 'ø' | 'ő' => 'o',
        'ś' | 'š' | 'ș' | 'ş' => 's',
        'ț' | 'ţ' => 't',
        'ù'..='ü' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return vec!['s', 's'],
        other => other,
    };
    vec![base]
}

use super::learners::{Learner, RowError};

/// How a batch is signed.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The cryptosuite (eddsa-rdfc-2022 by default in the CLI).
    pub suite: Suite,
    /// The proofs' `created` time, and the issue date of rows that give none.
    pub created: DateTime<Utc>,
}

/// One issued credential.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The learners-table row (1 = first row after the header).
    pub row: usize,
    /// A file name for it: `ACHIEVEMENT-LEARNER-ROW.json`.
    pub file_name: String,
    /// Its `urn:uuid:` id.
    pub id: String,
    /// The status list entries given: (list URL, index).
    pub status: Vec<(String, u64)>,
    /// The signed credential.
    pub credential: Value,
}

fn date(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Build the unsigned credential for one learner.
pub fn credential_for(
    issuer: &Issuer,
    t: &Template,
    l: &Learner,
    issued: DateTime<Utc>,
    status: &[Value],
) -> Value {
    let mut subject = Map::new();
    if let Some(id) = &l.id {
        subject.insert("id".into(), id.clone().into());
    }
    subject.insert("type".into(), json!(["AchievementSubject"]));
    subject.insert("name".into(), l.name.clone().into());
    if let Some(email) = &l.email {
        let salt = super::new_urn_uuid();
        let salt = salt.trim_start_matches("urn:uuid:").replace('-', "");
        let hash = Sha256::digest(format!("{}{salt}", email.to_lowercase()).as_bytes());
        subject.insert(
            "identifier".into(),
            json!([{"type": ["IdentityObject"],
            "identityType": "emailAddress", "hashed": true,
            "identityHash": format!("sha256${}", crate::store::crypto::hex(&hash)), "salt": salt}]),
        );
    }
    subject.insert("achievement".into(), t.achievement.clone());
    if let Some(g) = &l.grade {
        let rd = t
            .achievement
            .pointer("/resultDescription/0/id")
            .cloned()
            .unwrap_or(Value::Null);
        let mut r = json!({"type": ["Result"], "value": g});
        if let (false, Some(o)) = (rd.is_null(), r.as_object_mut()) {
            o.insert("resultDescription".into(), rd);
        }
        subject.insert("result".into(), json!([r]));
    }
    let mut c = Map::new();
    c.insert("@context".into(), json!(CONTEXTS));
    c.insert("id".into(), super::new_urn_uuid().into());
    c.insert(
        "type".into(),
        json!(["VerifiableCredential", "OpenBadgeCredential"]),
    );
    c.insert("name".into(), t.name.clone().into());
    c.insert("issuer".into(), issuer.profile_object());
    c.insert("validFrom".into(), date(issued).into());
    if let Some(e) = l.expires {
        c.insert("validUntil".into(), date(e).into());
    }
    c.insert("awardedDate".into(), date(issued).into());
    c.insert("credentialSubject".into(), Value::Object(subject));
    match status.len() {
        0 => {}
        1 => {
            c.insert("credentialStatus".into(), status[0].clone());
        }
        _ => {
            c.insert("credentialStatus".into(), Value::Array(status.to_vec()));
        }
    }
    Value::Object(c)
}

/// Issue one credential per learner: what `mcx issuer issue` does before writing files.
/// Each good row gets a fresh id and, for each status list, the next free index; a row that
/// fails is reported and the others are still issued. `progress` is called after each row.
pub fn issue_batch(
    issuer: &Issuer,
    template: &Template,
    learners: &[Learner],
    opts: &BatchOptions,
    lists: &mut [StatusList],
    progress: &mut dyn FnMut(usize),
) -> Vec<std::result::Result<Issued, RowError>> {
    let contexts = ContextLoader::bundled();
    let mut out = Vec::with_capacity(learners.len());
    for (n, l) in learners.iter().enumerate() {
        out.push(issue_one(issuer, template, l, opts, lists, &contexts));
        progress(n + 1);
    }
    out
}

fn issue_one(
    issuer: &Issuer,
    t: &Template,
    l: &Learner,
    opts: &BatchOptions,
    lists: &mut [StatusList],
    contexts: &ContextLoader,
) -> std::result::Result<Issued, RowError> {
    let fail = |message: String| RowError {
        row: l.row,
        line: l.line,
        message,
    };
    let issued = l.issued.unwrap_or(opts.created);
    let mut entries = Vec::new();
    let mut status = Vec::new();
    for list in lists.iter_mut() {
        let index = list.allocate().map_err(|e| fail(e.to_string()))?;
        entries.push(list.entry(index));
        status.push((list.state.url.clone(), index));
    }
    let unsigned = credential_for(issuer, t, l, issued, &entries);
    let id = unsigned
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let credential = issuer
        .sign(&unsigned, opts.suite, opts.created, contexts)
        .map_err(|e| fail(e.to_string()))?;
    Ok(Issued {
        row: l.row,
        file_name: format!("{}-{}-{}.json", t.slug, slug(&l.name), l.row),
        id,
        status,
        credential,
    })
}

/// A date or date-time cell: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
pub fn parse_when(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.len() == 10 {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Write each issued credential to `dir/FILE_NAME` (pretty JSON), creating `dir`.
pub fn write_issued(dir: &std::path::Path, issued: &[Issued]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for i in issued {
        let path = dir.join(&i.file_name);
        let bytes = super::keystore::to_pretty(&i.credential)?;
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}
