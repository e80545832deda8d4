//! Open Badges 3.0 (1EdTech OB 3.0, Appendix B data model): mapping an
//! `OpenBadgeCredential` / `AchievementCredential` and its `Achievement` to the Annex I view.
//!
//! OB 3.0 has no dedicated fields for several Annex I elements; where an issuer carries them
//! as extension properties on the achievement (or on the credential), the names listed in
//! [`EXTENSIONS`] are read. This file must not read ELM or CLR structures.

use super::text::{
    eqf_from_text, eqf_level, field, field_any, first, list, number, obj, push_unique, strings,
};
use super::vc::party;
use crate::model::{GradeScale, MicroCredential, Skill};
use serde_json::Value;

/// Extension property names read for Annex I elements OB 3.0 does not define, per view
/// field. They are looked up on the `Achievement`, then on the credential subject, then
/// on the credential. Values may be strings, language maps or `{name|prefLabel}` objects.
pub const EXTENSIONS: &[(&str, &[&str])] = &[
    (
        "assessmentType",
        &["assessmentType", "typeOfAssessment", "assessment"],
    ),
    (
        "participationForm",
        &[
            "participationForm",
            "formOfParticipation",
            "modeOfParticipation",
            "learningMode",
            "mode",
        ],
    ),
    (
        "qualityAssurance",
        &[
            "qualityAssurance",
            "typeOfQualityAssurance",
            "accreditation",
        ],
    ),
    (
        "prerequisites",
        &[
            "prerequisites",
            "prerequisite",
            "entryRequirement",
            "entryRequirements",
        ],
    ),
    (
        "supervision",
        &[
            "supervision",
            "supervisionAndIdentityVerification",
            "idVerification",
        ],
    ),
    (
        "stackability",
        &[
            "stackability",
            "integrationStackability",
            "integrationStackabilityOptions",
        ],
    ),
    (
        "furtherInformation",
        &["furtherInformation", "additionalInformation"],
    ),
    (
        "workloadHours",
        &[
            "workload",
            "notionalWorkload",
            "workloadHours",
            "volumeOfLearning",
        ],
    ),
    (
        "eqfLevel",
        &["eqfLevel", "EQFLevel", "educationalLevel", "level"],
    ),
    ("qfEheaCycle", &["qfEheaCycle", "qfEheaLevel"]),
];

fn ext_keys(name: &str) -> &'static [&'static str] {
    EXTENSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .unwrap_or(&[])
}

/// The first extension value found on the achievement, the subject or the credential.
fn ext<'a>(nodes: &[&'a Value], name: &str) -> Option<&'a Value> {
    let keys = ext_keys(name);
    nodes
        .iter()
        .find_map(|n| keys.iter().find_map(|k| n.get(*k).filter(|v| !v.is_null())))
}

fn ext_text(nodes: &[&Value], name: &str) -> Option<String> {
    super::text::label(ext(nodes, name))
}

/// Apply the OB 3.0 mapping on top of the VC base view.
///
/// - title, description: `Achievement.name`, `.description` (§B.1.1);
/// - achievement type and id: `achievementType`, `id`;
/// - awarding body (d): `Achievement.creator` (§B.1.1, a Profile), else none (the issuer
///   then stands for it);
/// - learning outcomes (f): the achievement's `alignment` targets (§B.1.2) except the one
///   naming the achievement itself and level alignments; when there are none,
///   `criteria.narrative` (§B.1.5);
/// - workload (g): `AchievementSubject.creditsEarned`, else `Achievement.creditsAvailable`
///   (read as ECTS: OB 3.0 does not name the credit system);
/// - level (h): an alignment to EQF (`targetFramework` containing "EQF" or a
///   `…/snb/eqf/N` `targetUrl`), or an extension in [`EXTENSIONS`];
/// - skills: every non-level alignment, framework "ESCO" when the URL is an ESCO concept;
/// - keywords: `fieldOfStudy`, `specialization` (split on commas) and `tag`;
/// - language: `inLanguage`; grade: one `result`'s value, labelled and scaled by its
///   `resultDescription` (see `grade`).
pub(crate) fn apply(c: &Value, mc: &mut MicroCredential) {
    let subject = first(c.get("credentialSubject")).unwrap_or(&Value::Null);
    let ach = obj(subject, "achievement").unwrap_or(&Value::Null);
    let nodes = [ach, subject, c];

    if let Some(t) = field(ach, "name") {
        mc.title = Some(t);
    }
    if let Some(d) = field(ach, "description") {
        mc.description = Some(d);
    }
    mc.achievement_type = field(ach, "achievementType")
        .map(|t| t.strip_prefix("ext:").map(str::to_string).unwrap_or(t));
    mc.achievement_id = field(ach, "id");
    // The badge image (OB 3.0 `Achievement.image`, else the credential's `image`): an `Image`
    // object's `id`, or the string itself; kept only as a safe data URI.
    mc.image = super::image::first_image(&[ach, c]);

    if let Some(creator) = ach.get("creator") {
        let p = party(Some(creator));
        if p.id.is_some() || p.name.is_some() {
            mc.awarding_bodies.push(p);
        }
    }

    // Alignments: skills, EQF level, outcomes.
    let achievement_name = mc.title.clone().unwrap_or_default();
    for a in list(ach.get("alignment")) {
        let name = field(a, "targetName");
        let url = field(a, "targetUrl");
        if let Some(level) = alignment_eqf(a) {
            mc.eqf_level.get_or_insert(level);
            continue;
        }
        let Some(name) = name else { continue };
        let esco = url
            .as_deref()
            .is_some_and(|u| u.contains("data.europa.eu/esco/"))
            || field(a, "targetFramework").is_some_and(|f| f.to_ascii_uppercase().contains("ESCO"));
        let skill = Skill {
            name: name.clone(),
            uri: url,
            framework: if esco {
                Some("ESCO".into())
            } else {
                field(a, "targetFramework")
            },
        };
        if !mc.skills.contains(&skill) {
            mc.skills.push(skill);
        }
        if !name.eq_ignore_ascii_case(&achievement_name) {
            push_unique(&mut mc.learning_outcomes, name);
        }
    }
    if mc.learning_outcomes.is_empty() {
        if let Some(n) = obj(ach, "criteria").and_then(|cr| field(cr, "narrative")) {
            mc.learning_outcomes.push(n);
        }
    }

    mc.ects = number(subject.get("creditsEarned")).or_else(|| number(ach.get("creditsAvailable")));
    if mc.eqf_level.is_none() {
        mc.eqf_level = eqf_level(ext(&nodes, "eqfLevel"));
    }
    mc.qf_ehea_cycle = ext_text(&nodes, "qfEheaCycle");
    mc.workload_hours = ext(&nodes, "workloadHours").and_then(|v| match v {
        Value::String(s) => super::iso_duration_hours(s).or_else(|| number(Some(v))),
        other => number(Some(other)),
    });

    for k in ["fieldOfStudy", "specialization"] {
        for s in strings(ach.get(k)) {
            for part in s.split(',') {
                push_unique(&mut mc.keywords, part.trim().to_string());
            }
        }
    }
    for t in strings(ach.get("tag")) {
        push_unique(&mut mc.keywords, t);
    }
    mc.language = field_any(ach, &["inLanguage", "language"]).or_else(|| field(c, "inLanguage"));
    (mc.grade, mc.grade_label, mc.grade_scale) = grade(subject, ach);

    mc.assessment_type = ext_text(&nodes, "assessmentType");
    mc.participation_form = ext_text(&nodes, "participationForm");
    mc.quality_assurance = ext_text(&nodes, "qualityAssurance");
    mc.prerequisites = ext_text(&nodes, "prerequisites");
    mc.supervision = ext_text(&nodes, "supervision");
    mc.stackability = ext_text(&nodes, "stackability");
    mc.further_information = ext_text(&nodes, "furtherInformation").or_else(|| {
        obj(ach, "criteria")
            .and_then(|cr| field(cr, "id"))
            .filter(|u| u.starts_with("http"))
    });
}

/// An EQF level from an alignment (§B.1.2): `targetFramework` naming EQF (with the level in
/// `targetCode` or `targetName`), or a `targetUrl` in the EU EQF vocabulary.
fn alignment_eqf(a: &Value) -> Option<u8> {
    if let Some(level) = field(a, "targetUrl").and_then(|u| {
        u.to_ascii_lowercase()
            .contains("data.europa.eu/snb/eqf/")
            .then(|| eqf_from_text(&u))
            .flatten()
    }) {
        return Some(level);
    }
    let framework = field(a, "targetFramework")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let name = field(a, "targetName").unwrap_or_default();
    let names_eqf = framework.contains("EQF")
        || framework.contains("EUROPEAN QUALIFICATIONS FRAMEWORK")
        || name.to_ascii_uppercase().starts_with("EQF");
    if !names_eqf {
        return None;
    }
    field(a, "targetCode")
        .and_then(|c| eqf_from_text(&c))
        .or_else(|| eqf_from_text(&name))
}

/// The grade (§B.1.22 Result), its value kept apart from its label: the first result with a
/// `value`, else the first with an `achievedLevel` (the rubric level's name), else the first
/// with a `status`. The label is the `name` of the `ResultDescription` the result refers to;
/// the scale is that description's `valueMin`, `valueMax` and `allowedValue` (for a rubric
/// level, the names of the rubric's levels). Other results stay in the signed original.
fn grade(subject: &Value, ach: &Value) -> (Option<String>, Option<String>, Option<GradeScale>) {
    let descriptions = list(ach.get("resultDescription"));
    // (rank: value 0, rubric level 1, status 2; the value; the described; the rubric)
    let mut best: Option<(u8, String, Option<&Value>, Option<&Value>)> = None;
    for r in list(subject.get("result")) {
        let rd = by_id(&descriptions, field(r, "resultDescription").as_deref());
        // The achieved rubric level, looked up in every ResultDescription (issuers do not
        // always point `resultDescription` at the one holding the rubric).
        let level = field(r, "achievedLevel").and_then(|lvl| {
            descriptions.iter().copied().find_map(|d| {
                list(d.get("rubricCriterionLevel"))
                    .into_iter()
                    .find(|l| field(l, "id").as_deref() == Some(lvl.as_str()))
                    .and_then(|l| field_any(l, &["name", "level"]))
                    .map(|name| (name, d))
            })
        });
        let found = match (field(r, "value"), level) {
            (Some(v), _) => Some((0, v, rd, None)),
            (None, Some((name, rubric))) => Some((1, name, rd, Some(rubric))),
            (None, None) => field(r, "status").map(|st| (2, st, rd, None)),
        };
        if let Some(f) = found {
            if best.as_ref().is_none_or(|b| f.0 < b.0) {
                best = Some(f);
            }
        }
    }
    let Some((_, value, rd, rubric)) = best else {
        return (None, None, None);
    };
    let label = rd.or(rubric).and_then(|d| field(d, "name"));
    let scale = match rubric {
        Some(holder) => scale_of(holder, true),
        None => rd.and_then(|d| scale_of(d, false)),
    };
    (Some(value), label, scale)
}

/// The `ResultDescription` with this `id`.
fn by_id<'a>(descriptions: &[&'a Value], id: Option<&str>) -> Option<&'a Value> {
    let id = id?;
    descriptions
        .iter()
        .copied()
        .find(|d| field(d, "id").as_deref() == Some(id))
}

/// A description's scale: `valueMin`, `valueMax`, and its `allowedValue` (else, or for a
/// rubric level always, its rubric levels' names), at most 100 of them; none if it states
/// nothing.
fn scale_of(d: &Value, rubric: bool) -> Option<GradeScale> {
    let levels = || -> Vec<String> {
        list(d.get("rubricCriterionLevel"))
            .into_iter()
            .filter_map(|l| field_any(l, &["name", "level"]))
            .take(100)
            .collect()
    };
    let mut values = if rubric {
        Vec::new()
    } else {
        strings(d.get("allowedValue"))
    };
    values.truncate(100);
    if values.is_empty() {
        values = levels();
    }
    let scale = GradeScale {
        min: field(d, "valueMin"),
        max: field(d, "valueMax"),
        values,
    };
    (scale.min.is_some() || scale.max.is_some() || !scale.values.is_empty()).then_some(scale)
}
