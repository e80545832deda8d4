//! The mapping every credential shares: W3C VC Data Model 2.0 / 1.1 properties (id, type,
//! issuer, credentialSubject, validity dates, name, description), plus the small Open
//! Badges 2.0 and Verifiable Presentation mappings.
//!
//! Profile-specific elements (achievements, ELM claims, CLR members) are added on top by
//! `ob3.rs`, `edc.rs` and `clr.rs`; this file must not read them.

use super::detect::types;
use super::text::{field, field_any, first, iri_tail, obj, text};
use crate::model::{MicroCredential, Party};
use serde_json::Value;

/// The view fields defined by the VC data model itself:
/// - `id`, `type` (VC DM 2.0 §4.4, §4.5);
/// - issuer (§4.7): a URL string or an object with `id` and `name`;
/// - credentialSubject (§4.8) → learner (Annex I (a));
/// - `validFrom`/`validUntil` (2.0 §4.9) or `issuanceDate`/`expirationDate` (1.1 §4.6/§4.7);
///   OB 3.0 `awardedDate` and ELM `issued` are preferred for the issue date (Annex I (e));
/// - `name`/`description` (§4.6) → title/description until a profile names an achievement.
pub(crate) fn base_view(c: &Value) -> MicroCredential {
    let valid_from = field_any(c, &["validFrom", "issuanceDate"]);
    MicroCredential {
        id: field(c, "id"),
        types: types(c),
        learner: subject_party(first(c.get("credentialSubject"))),
        title: field(c, "name").or_else(|| field(c, "title")),
        description: field(c, "description"),
        issuer: party(c.get("issuer")),
        issued: field_any(c, &["awardedDate", "issued", "issuanceDate"])
            .or_else(|| valid_from.clone()),
        valid_from,
        valid_until: field_any(c, &["validUntil", "expirationDate"]),
        ..MicroCredential::default()
    }
}

/// A person or organisation from a URL string or an object: OB 3.0 `Profile` (§B.1.17:
/// `id`, `name`, `address`), ELM `Organisation` (`legalName`, `location.address.countryCode`)
/// or a plain VC issuer.
pub(crate) fn party(v: Option<&Value>) -> Party {
    let Some(v) = first(v) else {
        return Party::default();
    };
    if let Some(s) = v.as_str() {
        return Party {
            id: Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            ..Party::default()
        };
    }
    Party {
        id: field(v, "id"),
        name: field_any(
            v,
            &["name", "legalName", "fullName", "prefLabel", "altLabel"],
        ),
        country: country(v),
    }
}

/// The country of an organisation: OB 3.0 `address.addressCountryCode` (ISO 3166-1
/// alpha-2), else `address.addressCountry` as given; ELM `location.address.countryCode`
/// (an EU country authority IRI → its ISO 3166-1 alpha-3 tail, e.g. `IRL`).
pub(crate) fn country(v: &Value) -> Option<String> {
    if let Some(addr) = obj(v, "address") {
        if let Some(c) = field_any(addr, &["addressCountryCode", "addressCountry"]) {
            return Some(c);
        }
        if let Some(c) = elm_country(addr) {
            return Some(c);
        }
    }
    let loc = obj(v, "location")?;
    let addr = obj(loc, "address")?;
    elm_country(addr)
}

fn elm_country(addr: &Value) -> Option<String> {
    let cc = first(addr.get("countryCode"))?;
    match cc {
        Value::String(s) => iri_tail(s),
        Value::Object(_) => field(cc, "id")
            .and_then(|iri| iri_tail(&iri))
            .or_else(|| super::text::label(Some(cc))),
        _ => None,
    }
}

/// The learner (Annex I (a)) from a credential subject: its `id`, and a name from `name`,
/// ELM `fullName` or `givenName` + `familyName`, or an OB 3.0 unhashed `identifier` of
/// identityType `name` (§B.1.12 IdentityObject).
pub(crate) fn subject_party(s: Option<&Value>) -> Party {
    let Some(s) = s.filter(|s| s.is_object()) else {
        return Party {
            id: s.and_then(|s| text(Some(s))),
            ..Party::default()
        };
    };
    let given_family = match (field(s, "givenName"), field(s, "familyName")) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (g, f) => g.or(f),
    };
    let identity_name = super::text::list(s.get("identifier"))
        .into_iter()
        .find(|i| {
            i.get("identityType").and_then(Value::as_str) == Some("name")
                && i.get("hashed").and_then(Value::as_bool) != Some(true)
        })
        .and_then(|i| field(i, "identityHash"));
    Party {
        id: field(s, "id"),
        name: field_any(s, &["name", "fullName"])
            .or(given_family)
            .or(identity_name),
        country: None,
    }
}

/// Open Badges 2.0 Assertion (OB 2.0 §Assertion): `recipient.identity` (when not hashed),
/// `issuedOn`, `expires`, and an embedded `badge` BadgeClass (`name`, `description`,
/// `issuer`, `criteria.narrative`, `alignment`, `tags`). A badge given only by URL is not
/// fetched.
pub(crate) fn apply_ob2(c: &Value, mc: &mut MicroCredential) {
    if let Some(r) = obj(c, "recipient") {
        if r.get("hashed").and_then(Value::as_bool) != Some(true) {
            mc.learner.id = field(r, "identity");
        }
    }
    mc.issued = field(c, "issuedOn").or(mc.issued.take());
    mc.valid_from = mc.valid_from.take().or_else(|| field(c, "issuedOn"));
    mc.valid_until = field(c, "expires").or(mc.valid_until.take());
    mc.image = match obj(c, "badge") {
        Some(badge) => super::image::first_image(&[c, badge]),
        None => super::image::first_image(&[c]),
    };
    if let Some(badge) = obj(c, "badge") {
        mc.title = field(badge, "name").or(mc.title.take());
        mc.description = field(badge, "description").or(mc.description.take());
        mc.achievement_id = field(badge, "id");
        if let Some(issuer) = badge.get("issuer") {
            mc.issuer = party(Some(issuer));
        }
        if let Some(n) = obj(badge, "criteria").and_then(|cr| field(cr, "narrative")) {
            mc.learning_outcomes.push(n);
        }
        for a in super::text::list(badge.get("alignment")) {
            if let Some(name) = field(a, "targetName") {
                mc.skills.push(crate::model::Skill {
                    name,
                    uri: field(a, "targetUrl"),
                    framework: field(a, "targetFramework"),
                });
            }
        }
        mc.keywords = super::text::strings(badge.get("tags"));
    } else if let Some(url) = c.get("badge").and_then(Value::as_str) {
        mc.achievement_id = Some(url.to_string());
    }
}

/// A Verifiable Presentation (VC DM 2.0 §4.13): the `holder` is shown as the learner; the
/// embedded credentials are viewed one by one through [`super::embedded_credentials`].
pub(crate) fn apply_presentation(c: &Value, mc: &mut MicroCredential) {
    mc.learner = party(c.get("holder"));
    mc.issuer = Party::default();
}
