//! European Digital Credentials for Learning (ELM v3, `http://data.europa.eu/snb/model/elm/`,
//! EDC application profile): mapping the `credentialSubject` Person and its claim
//! (`LearningAchievement`, or `LearningActivity` for a certificate of participation) to the
//! Annex I view.
//!
//! Controlled-vocabulary IRIs (EQF, country, ESCO, learning mode, ...) are read from their
//! IRI and embedded `prefLabel` only; nothing is dereferenced. This file must not read Open
//! Badges or CLR structures.

use super::text::{
    eqf_level, field, field_any, first, id_of, iri_tail, label, list, number, obj, push_unique,
};
use super::vc::party;
use crate::model::{MicroCredential, Skill};
use serde_json::Value;

/// The EDC vocabulary concept for the European Credit Transfer and Accumulation System.
const ECTS_CONCEPT: &str = "http://data.europa.eu/snb/education-credit/6fcec5c5af";

/// The claim the credential is about: the first `LearningAchievement` in `hasClaim`, else the
/// first claim of any type.
fn main_claim(subject: &Value) -> Option<&Value> {
    let claims = list(subject.get("hasClaim"));
    claims
        .iter()
        .copied()
        .find(|c| {
            super::detect::types(c)
                .iter()
                .any(|t| t == "LearningAchievement")
        })
        .or_else(|| claims.first().copied())
        .filter(|c| c.is_object())
}

/// Apply the ELM v3 mapping on top of the VC base view:
///
/// - learner (a): Person `fullName`, else `givenName` + `familyName` (language maps, English
///   first), and `id`;
/// - title (b): claim `title`, else its specification's `title`, else the credential's
///   `displayParameter.title`; description: claim `description`;
/// - awarding bodies (d) and their countries (c): `awardedBy.awardingBody` Organisations
///   (`legalName`, `location.address.countryCode` IRI → ISO 3166-1 alpha-3 code);
/// - learning outcomes (f): `specifiedBy.learningOutcome[].title`; skills from each
///   outcome's `relatedESCOSkill` (ESCO) and `relatedSkill`;
/// - workload (g): `specifiedBy.creditPoint` with the ECTS framework → ECTS; hours from
///   `specifiedBy.volumeOfLearning`, the claim's `workload`, or the learning activity's;
/// - level (h): `specifiedBy.eqfLevel` (`…/snb/eqf/N`);
/// - assessment (i): `provenBy` LearningAssessment `title` (with its specification's `dcType`);
///   grade from `provenBy.grade`; supervision from `provenBy.idVerification`;
/// - participation (j): `specifiedBy.mode`, else the learning activity's;
/// - quality assurance (k): `specifiedBy.accreditation`, else the awarding body's
///   `accreditation` (Accreditation `title` / `dcType`, with the accrediting agent);
/// - prerequisites: `entryRequirement`; stackability: `isPartialQualification`;
///   language: `specifiedBy.language`; keywords: `thematicArea` and `learningSetting`;
///   achievement type: `specifiedBy.dcType`; further information: `specifiedBy.homepage`.
pub(crate) fn apply(c: &Value, mc: &mut MicroCredential) {
    let subject = first(c.get("credentialSubject")).unwrap_or(&Value::Null);
    let Some(claim) = main_claim(subject) else {
        if mc.title.is_none() {
            mc.title = obj(c, "displayParameter").and_then(|d| field(d, "title"));
        }
        return;
    };
    let spec = obj(claim, "specifiedBy").unwrap_or(&Value::Null);
    let activity = obj(claim, "influencedBy").unwrap_or(&Value::Null);
    let activity_spec = obj(activity, "specifiedBy").unwrap_or(&Value::Null);

    mc.title = field(claim, "title")
        .or_else(|| field(spec, "title"))
        .or_else(|| obj(c, "displayParameter").and_then(|d| field(d, "title")))
        .or(mc.title.take());
    mc.description = field(claim, "description")
        .or_else(|| field(spec, "description"))
        .or(mc.description.take());
    mc.achievement_id = field(spec, "id").or_else(|| field(claim, "id"));
    mc.achievement_type = label(spec.get("dcType"));

    for process in list(claim.get("awardedBy")) {
        for body in list(process.get("awardingBody")) {
            let p = party(Some(body));
            if (p.id.is_some() || p.name.is_some()) && !mc.awarding_bodies.contains(&p) {
                mc.awarding_bodies.push(p);
            }
        }
        if mc.issued.is_none() {
            mc.issued = field(process, "awardingDate");
        }
    }

    for lo in list(spec.get("learningOutcome")) {
        if let Some(t) = field_any(lo, &["title", "prefLabel", "name"]) {
            push_unique(&mut mc.learning_outcomes, t);
        }
        for (key, framework) in [("relatedESCOSkill", Some("ESCO")), ("relatedSkill", None)] {
            for s in list(lo.get(key)) {
                if let Some(skill) = concept_skill(s, framework) {
                    if !mc.skills.contains(&skill) {
                        mc.skills.push(skill);
                    }
                }
            }
        }
    }

    mc.ects = list(spec.get("creditPoint"))
        .into_iter()
        .find(|cp| is_ects(cp.get("framework")))
        .and_then(|cp| number(cp.get("point")));
    mc.workload_hours = [
        spec.get("volumeOfLearning"),
        claim.get("workload"),
        activity.get("workload"),
        activity_spec.get("volumeOfLearning"),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .find_map(super::iso_duration_hours);
    mc.eqf_level = eqf_level(spec.get("eqfLevel"));

    let assessment = list(claim.get("provenBy")).into_iter().next();
    if let Some(a) = assessment {
        let a_spec = obj(a, "specifiedBy").unwrap_or(&Value::Null);
        let title = field(a, "title").or_else(|| field(a_spec, "title"));
        let kind = label(a_spec.get("dcType"));
        mc.assessment_type = match (title, kind) {
            (Some(t), Some(k)) if !t.to_lowercase().contains(&k.to_lowercase()) => {
                Some(format!("{t} ({k})"))
            }
            (Some(t), _) => Some(t),
            (None, k) => k,
        };
        mc.grade = label(a.get("grade"));
        mc.supervision = label(a.get("idVerification"));
    }

    mc.participation_form = label(spec.get("mode"))
        .or_else(|| label(activity_spec.get("mode")))
        .or_else(|| label(activity.get("mode")));
    mc.quality_assurance = accreditation(spec).or_else(|| {
        list(claim.get("awardedBy"))
            .into_iter()
            .flat_map(|p| list(p.get("awardingBody")))
            .find_map(accreditation)
    });
    mc.prerequisites = label(spec.get("entryRequirement"));
    mc.stackability = spec
        .get("isPartialQualification")
        .and_then(Value::as_bool)
        .map(|p| {
            if p {
                "Partial qualification: stackable towards a full qualification".to_string()
            } else {
                "Stand-alone: not a partial qualification".to_string()
            }
        });
    mc.language = label(spec.get("language"))
        .or_else(|| label(activity_spec.get("language")))
        .or_else(|| label(claim.get("language")));
    for area in list(spec.get("thematicArea")) {
        if let Some(l) = label(Some(area)) {
            push_unique(&mut mc.keywords, l);
        }
    }
    if let Some(setting) = label(spec.get("learningSetting")) {
        push_unique(&mut mc.keywords, setting);
    }
    mc.further_information = obj(spec, "homepage")
        .and_then(|h| field_any(h, &["contentURL", "id"]))
        .filter(|u| u.starts_with("http"));
}

/// Whether a `CreditPoint.framework` concept is ECTS (its IRI, or a label naming it).
fn is_ects(framework: Option<&Value>) -> bool {
    if id_of(framework).as_deref() == Some(ECTS_CONCEPT) {
        return true;
    }
    label(framework).is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l == "ects" || l.contains("european credit transfer")
    })
}

/// A skill from an ESCO / ELM concept: its `prefLabel` and, when it is an IRI, its `id`.
fn concept_skill(v: &Value, framework: Option<&str>) -> Option<Skill> {
    let name = label(Some(v))?;
    let uri = id_of(Some(v)).filter(|u| u.starts_with("http"));
    let framework = framework.map(str::to_string).or_else(|| {
        uri.as_deref().and_then(|u| {
            if u.contains("data.europa.eu/esco/") {
                Some("ESCO".to_string())
            } else if u.contains("data.europa.eu/snb/dcf/") {
                Some("DigComp".to_string())
            } else {
                None
            }
        })
    });
    Some(Skill {
        name,
        uri,
        framework,
    })
}

/// An ELM `Accreditation`: its `title` or `dcType` label, with the accrediting agent's name.
fn accreditation(node: &Value) -> Option<String> {
    let acc = list(node.get("accreditation")).into_iter().next()?;
    let what = field(acc, "title")
        .or_else(|| label(acc.get("dcType")))
        .or_else(|| id_of(acc.get("dcType")).and_then(|i| iri_tail(&i)))?;
    match obj(acc, "accreditingAgent").and_then(|a| party(Some(a)).name) {
        Some(agent) => Some(format!("{what} ({agent})")),
        None => Some(what),
    }
}
