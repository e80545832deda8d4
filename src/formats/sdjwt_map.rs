//! The disclosed claims of an SD-JWT VC → the normalised view (`docs/mapping.md`, "SD-JWT VC").
//!
//! Three claim layouts are read, by what the claims hold rather than by `vct` alone, since
//! issuers extend the pilot types:
//! - the DC4EU micro-credential (`urn:eudi:micro_credential:1`): Open Badges 3.0 claim paths
//!   (`credentialSubject.achievement.name`, `…achievement.ECTS`, `issuer.name`, `validFrom`), read
//!   by the Open Badges 3.0 mapping;
//! - the DC4EU ELM type (`urn:eudi:elm:1`): an ELM credential under `elm`, read by the
//!   European Digital Credential mapping;
//! - flat Annex I claims (the EUDI learning credential and the reference issuer's
//!   micro-credential): `title`, `issuer_name`, `issuer_country`, `ects_credits`, `eqf_level`,
//!   `learning_outcomes`, `assessment_type`, `participation_form`, `quality_assurance`, `grade`,
//!   `issuance_date`, `learner.given_name`/`family_name`, and their EUDI spellings.
//!
//! The registered claims come last and fill what the layout left open: `iss` (issuer id),
//! `sub` (learner id), `iat` (issued), `nbf`/`exp` (validity), `vct` (as a type).

use super::text::{eqf_level, field_any, first, number, push_unique, strings, text};
use crate::model::{MicroCredential, Party};
use serde_json::Value;

/// Fill `mc` (already holding what the generic mapping found) from SD-JWT VC `claims`.
pub(crate) fn apply(claims: &Value, mc: &mut MicroCredential) {
    if claims.pointer("/credentialSubject/achievement").is_some() {
        super::ob3::apply(claims, mc);
        let ach = claims.pointer("/credentialSubject/achievement");
        if mc.ects.is_none() {
            mc.ects = ach.and_then(|a| number(a.get("ECTS")).or_else(|| number(a.get("ects"))));
        }
        if mc.supervision.is_none() {
            mc.supervision = ach.and_then(|a| field_any(a, &["supervisionType"]));
        }
        if mc.participation_form.is_none() {
            mc.participation_form = ach.and_then(|a| field_any(a, &["participationType"]));
        }
    } else if let Some(elm) = claims.get("elm").filter(|e| e.is_object()) {
        let mut inner = super::vc::base_view(elm);
        super::edc::apply(elm, &mut inner);
        *mc = inner;
    } else {
        flat(claims, mc);
    }
    registered(claims, mc);
}

fn any<'a>(claims: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| claims.get(*n).filter(|v| !v.is_null()))
}

fn flat(c: &Value, mc: &mut MicroCredential) {
    let t = |names: &[&str]| text(any(c, names));
    if mc.title.is_none() {
        mc.title = t(&["title", "achievement_title", "name", "credential_title"]);
    }
    if mc.description.is_none() {
        mc.description = t(&["description", "achievement_description"]);
    }
    if mc.issuer.name.is_none() {
        mc.issuer.name = t(&["issuer_name", "issuing_authority", "awarding_body"]);
    }
    if mc.issuer.country.is_none() {
        mc.issuer.country = t(&["issuer_country", "issuing_country", "country"]);
    }
    mc.ects = mc
        .ects
        .or_else(|| number(any(c, &["ects_credits", "ects", "ECTS", "credit_points"])));
    mc.eqf_level = mc
        .eqf_level
        .or_else(|| eqf_level(any(c, &["eqf_level", "level_eqf", "eqfLevel"])));
    for o in outcomes(any(
        c,
        &["learning_outcomes", "learning_outcome", "learningOutcomes"],
    )) {
        push_unique(&mut mc.learning_outcomes, o);
    }
    let fill = |slot: &mut Option<String>, names: &[&str]| {
        if slot.is_none() {
            *slot = t(names);
        }
    };
    fill(
        &mut mc.assessment_type,
        &["assessment_type", "type_of_assessment"],
    );
    fill(
        &mut mc.participation_form,
        &[
            "participation_form",
            "form_of_participation",
            "mode_of_study",
        ],
    );
    fill(
        &mut mc.quality_assurance,
        &["quality_assurance", "type_of_quality_assurance"],
    );
    fill(
        &mut mc.grade,
        &["grade", "assessment_grade", "grade_achieved"],
    );
    fill(
        &mut mc.prerequisites,
        &["prerequisites", "entry_requirements"],
    );
    fill(
        &mut mc.supervision,
        &["supervision", "supervision_and_identity_verification"],
    );
    fill(&mut mc.language, &["language", "language_of_classes"]);
    fill(
        &mut mc.issued,
        &["issuance_date", "date_of_issuance", "awarding_date"],
    );
    if mc.learner.name.is_none() {
        mc.learner.name = learner_name(c);
    }
}

/// Learning outcomes: strings, or objects with a `title`/`name`/`description`.
fn outcomes(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|o| match o {
                Value::Object(_) => field_any(o, &["title", "name", "description"]),
                other => text(Some(other)),
            })
            .collect(),
        Some(other) => strings(Some(other)),
        None => Vec::new(),
    }
}

fn learner_name(c: &Value) -> Option<String> {
    let holder = any(c, &["learner", "holder", "student"]).unwrap_or(c);
    let given = field_any(holder, &["given_name", "givenName", "given_names"]);
    let family = field_any(holder, &["family_name", "familyName"]);
    match (given, family) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => field_any(holder, &["name", "full_name"]).filter(|_| holder != c),
    }
}

fn date(v: Option<&Value>) -> Option<String> {
    let secs = first(v)?.as_i64()?;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn registered(c: &Value, mc: &mut MicroCredential) {
    if mc.issuer.id.is_none() {
        mc.issuer.id = text(c.get("iss"));
    }
    if mc.learner.id.is_none() {
        mc.learner.id = text(c.get("sub"));
    }
    if mc.learner == Party::default() {
        mc.learner.name = learner_name(c);
    }
    if mc.issued.is_none() {
        mc.issued = date(c.get("iat"));
    }
    if mc.valid_from.is_none() {
        mc.valid_from = date(c.get("nbf")).or_else(|| date(c.get("iat")));
    }
    if mc.valid_until.is_none() {
        mc.valid_until = date(c.get("exp"));
    }
    if let Some(vct) = text(c.get("vct")) {
        push_unique(&mut mc.types, vct);
    }
    if mc.id.is_none() {
        mc.id = text(c.get("jti"));
    }
}
