//! Presenting an SD-JWT VC with the claims the learner chooses (RFC 9901 §4.3, §7.2): the
//! issuer-signed JWT, only the disclosures those claims need (a nested claim needs the
//! disclosures of the objects around it; choosing an object or array brings its members), and
//! a key-binding JWT (`typ: kb+jwt`, `iat`, `aud`, `nonce`, `sd_hash`) signed by the holder
//! key the credential is bound to (`cnf.jwk`, P-256, ES256).

use crate::formats::{self, Document, Envelope, SdJwt};
use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashSet;
use ts_rs::TS;

/// One claim of an SD-JWT VC as the Share screen offers it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SdClaim {
    /// Its path (`ects_credits`, `learner.family_name`, `learning_outcomes.1`).
    pub path: String,
    /// Its value as text, for the screen.
    pub value: String,
    /// Whether the learner may withhold it: it has a disclosure of its own (claims the
    /// issuer signed in the clear are always shown).
    pub can_withhold: bool,
    /// Whether the credential's type metadata says the issuer must never make it withholdable
    /// (`sd: never`, SD-JWT VC §9.3). Such a claim signed in the clear is shown with that
    /// reason; one its issuer made a disclosure anyway stays the learner's choice (the
    /// wallet never sends more than the learner chose), and verification warns of the breach.
    pub never: bool,
    /// Its name in words, by language (`en`, `de`): from the credential type's metadata
    /// where it names the claim, else the wallet's own words for the common claims; empty
    /// when neither knows it (the screen shows the path).
    pub labels: std::collections::BTreeMap<String, String>,
}

/// The wallet's own names for common claims of the micro-credential layouts, (path, en, de).
const KNOWN: &[(&str, &str, &str)] = &[
    ("name", "Title", "Titel"),
    ("title", "Title", "Titel"),
    ("description", "Description", "Beschreibung"),
    (
        "credentialSubject.name",
        "Learner's name",
        "Name der lernenden Person",
    ),
    (
        "credentialSubject.id",
        "Learner's identifier",
        "Kennung der lernenden Person",
    ),
    ("credentialSubject.result.0.value", "Grade", "Note"),
    ("credentialSubject.achievement.name", "Title", "Titel"),
    (
        "credentialSubject.achievement.description",
        "Description",
        "Beschreibung",
    ),
    (
        "credentialSubject.achievement.creditsAvailable",
        "ECTS credits",
        "ECTS-Punkte",
    ),
    (
        "credentialSubject.achievement.ECTS",
        "ECTS credits",
        "ECTS-Punkte",
    ),
    (
        "credentialSubject.achievement.criteria.narrative",
        "How it was assessed",
        "Wie geprüft wurde",
    ),
    (
        "credentialSubject.achievement.fieldOfStudy",
        "Field of study",
        "Studienbereich",
    ),
    (
        "credentialSubject.achievement.inLanguage",
        "Language of instruction",
        "Unterrichtssprache",
    ),
    (
        "credentialSubject.achievement.achievementType",
        "Kind of achievement",
        "Art der Leistung",
    ),
    ("issuer.name", "Awarding body", "Verleihende Einrichtung"),
    (
        "issuer.id",
        "Awarding body's identifier",
        "Kennung der Einrichtung",
    ),
    (
        "issuer.address.addressCountryCode",
        "Country of the awarding body",
        "Land der Einrichtung",
    ),
    ("validFrom", "Valid from", "Gültig ab"),
    ("validUntil", "Valid until", "Gültig bis"),
    ("awardedDate", "Date of issue", "Ausstellungsdatum"),
    ("issuer_name", "Awarding body", "Verleihende Einrichtung"),
    (
        "issuer_country",
        "Country of the awarding body",
        "Land der Einrichtung",
    ),
    ("ects_credits", "ECTS credits", "ECTS-Punkte"),
    ("eqf_level", "EQF level", "EQR-Niveau"),
    ("grade", "Grade", "Note"),
    ("learner", "Learner", "Lernende Person"),
    ("learner.given_name", "Given name", "Vorname"),
    ("learner.family_name", "Family name", "Nachname"),
    ("learning_outcomes", "Learning outcomes", "Lernergebnisse"),
    ("assessment_type", "Type of assessment", "Art der Prüfung"),
    (
        "participation_form",
        "Form of participation",
        "Form der Teilnahme",
    ),
    (
        "quality_assurance",
        "Quality assurance",
        "Qualitätssicherung",
    ),
    ("issuance_date", "Date of issue", "Ausstellungsdatum"),
];

/// Names for the technical members, wherever they are (by the path's last segment).
const TECHNICAL: &[(&str, &str, &str)] = &[
    ("type", "Kind (technical)", "Art (technisch)"),
    (
        "@context",
        "Vocabularies (technical)",
        "Vokabulare (technisch)",
    ),
    ("id", "Identifier (technical)", "Kennung (technisch)"),
];

/// Fill each claim's labels from `metadata` (type metadata text), else from the wallet's own
/// words for the common claims, and mark the claims it says are never withholdable.
pub fn label_claims(claims: &mut [SdClaim], metadata: Option<&str>) {
    let meta: Option<Value> = metadata.and_then(|m| serde_json::from_str(m).ok());
    let entries: Vec<(String, &Value)> = meta
        .as_ref()
        .map(|m| {
            crate::formats::text_list(m.get("claims"))
                .into_iter()
                .filter_map(|c| {
                    let p = formats::sdjwt_metadata_path(c.get("path")?.as_array()?)?;
                    Some((p, c))
                })
                .collect()
        })
        .unwrap_or_default();
    for claim in claims.iter_mut() {
        if let Some((_, c)) = entries.iter().find(|(p, _)| *p == claim.path) {
            claim.never = c.get("sd").and_then(Value::as_str) == Some("never");
            for d in crate::formats::text_list(c.get("display")) {
                let lang = d
                    .get("lang")
                    .or_else(|| d.get("locale"))
                    .and_then(Value::as_str)
                    .unwrap_or("en");
                let lang = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
                if let Some(l) = d
                    .get("label")
                    .or_else(|| d.get("name"))
                    .and_then(Value::as_str)
                {
                    claim.labels.entry(lang).or_insert_with(|| l.to_string());
                }
            }
        }
        if claim.labels.is_empty() {
            let last = claim.path.rsplit('.').next().unwrap_or_default();
            let words = KNOWN
                .iter()
                .find(|(p, _, _)| *p == claim.path)
                .or_else(|| TECHNICAL.iter().find(|(p, _, _)| *p == last));
            if let Some((_, en, de)) = words {
                claim.labels.insert("en".into(), (*en).into());
                claim.labels.insert("de".into(), (*de).into());
            }
        }
    }
}

/// The SD-JWT inside a wallet original, or an error saying it is another format.
pub fn parse(original: &[u8]) -> Result<(Document, SdJwt)> {
    let doc = formats::parse_document(original)?;
    match &doc.envelope {
        Envelope::SdJwt(sd) => {
            let sd = (**sd).clone();
            Ok((doc, sd))
        }
        _ => Err(Error::BadInput(format!(
            "this is a {} credential, not an SD-JWT VC: it has no claims to choose from",
            doc.format.label()
        ))),
    }
}

pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("{} items", a.len()),
        Value::Object(_) => "…".into(),
        other => other.to_string(),
    }
}

/// Every claim the holder can see, with whether it may be withheld: the disclosed ones (in
/// the order of their disclosures), then every value the issuer signed in the clear, down to
/// its leaves (`credentialSubject.achievement.name`, `learning_outcomes.0`; registered claims
/// such as `iss`, `cnf` and `status` left out), which are always shown.
pub fn claims(original: &[u8]) -> Result<Vec<SdClaim>> {
    let (doc, sd) = parse(original)?;
    let mut out = Vec::new();
    for path in sd.disclosure_paths.iter().flatten() {
        let value = formats::sdjwt_claim_at(&doc.credential, path)
            .map(value_text)
            .unwrap_or_default();
        out.push(SdClaim {
            path: path.clone(),
            value,
            can_withhold: true,
            never: false,
            labels: Default::default(),
        });
    }
    const REGISTERED: [&str; 11] = [
        "iss",
        "iat",
        "nbf",
        "exp",
        "vct",
        "vct#integrity",
        "cnf",
        "status",
        "sub",
        "jti",
        "_sd_alg",
    ];
    if let Value::Object(m) = &sd.payload {
        let mut seen: HashSet<String> = out.iter().map(|c| c.path.clone()).collect();
        for (k, v) in m {
            if k == "_sd" || REGISTERED.contains(&k.as_str()) {
                continue;
            }
            plain_leaves(v, k, &mut seen, &mut out);
        }
    }
    Ok(out)
}

/// The values at and under `path` in the issuer-signed payload that are there in the clear:
/// `_sd` digests and `...` array placeholders are disclosures (or decoys), not plain values.
fn plain_leaves(v: &Value, path: &str, seen: &mut HashSet<String>, out: &mut Vec<SdClaim>) {
    // A `type` or `@context` list (the W3C and Open Badges layouts' technical members) is one
    // claim, its items joined, not one line per item (`type.0`, `type.1`).
    let technical = matches!(path.rsplit('.').next(), Some("type" | "@context"));
    if let (true, Value::Array(items)) = (technical, v) {
        if let Some(texts) = items
            .iter()
            .map(|i| i.as_str())
            .collect::<Option<Vec<&str>>>()
        {
            if seen.insert(path.to_string()) {
                out.push(SdClaim {
                    path: path.to_string(),
                    value: texts.join(", "),
                    can_withhold: false,
                    never: false,
                    labels: Default::default(),
                });
            }
            return;
        }
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if k != "_sd" && k != "_sd_alg" {
                    plain_leaves(child, &format!("{path}.{k}"), seen, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                let placeholder =
                    matches!(item, Value::Object(o) if o.len() == 1 && o.contains_key("..."));
                if !placeholder {
                    plain_leaves(item, &format!("{path}.{i}"), seen, out);
                }
            }
        }
        leaf => {
            if seen.insert(path.to_string()) {
                out.push(SdClaim {
                    path: path.to_string(),
                    value: value_text(leaf),
                    can_withhold: false,
                    never: false,
                    labels: Default::default(),
                });
            }
        }
    }
}

/// Whether the disclosure at `path` is needed to show the chosen `paths`: it is one of them,
/// lies around one (an ancestor), or inside one (a member of a chosen object).
fn needed(path: &str, chosen: &[String]) -> bool {
    chosen.iter().any(|c| {
        c == path
            || c.strip_prefix(path).is_some_and(|r| r.starts_with('.'))
            || path
                .strip_prefix(c.as_str())
                .is_some_and(|r| r.starts_with('.'))
    })
}

/// Make a presentation of the SD-JWT VC `original` disclosing exactly the claims at
/// `disclose` (and what they need), bound to the verifier `aud` and its `nonce`, signed by
/// `holder` at `iat` (seconds). Refuses a claim path the credential does not have, and a
/// credential bound to another key than `holder`.
pub fn present(
    original: &[u8],
    disclose: &[String],
    holder: &SigningKey,
    aud: &str,
    nonce: &str,
    iat: i64,
) -> Result<String> {
    let (doc, sd) = parse(original)?;
    if !sd.problems.is_empty() {
        return Err(Error::BadInput(format!(
            "the credential's disclosures do not match its signature ({}); it cannot be presented",
            sd.problems.join("; ")
        )));
    }
    for c in disclose {
        if formats::sdjwt_claim_at(&doc.credential, c).is_none() {
            return Err(Error::BadInput(format!(
                "the credential has no claim {c} to disclose"
            )));
        }
    }
    let bound = sd.payload.pointer("/cnf/jwk").ok_or_else(|| {
        Error::BadInput(
            "the credential is not bound to a holder key (no cnf), so it cannot be presented with key binding".into(),
        )
    })?;
    let mine: Value =
        serde_json::from_str(&p256::PublicKey::from(holder.verifying_key()).to_jwk_string())
            .map_err(|e| Error::Internal(e.to_string()))?;
    let same = ["kty", "crv", "x", "y"]
        .iter()
        .all(|k| bound.get(*k) == mine.get(*k));
    if !same {
        return Err(Error::BadInput(
            "the credential is bound to another key than this wallet's: it was issued to someone else, or to another wallet".into(),
        ));
    }
    let mut text = format!(
        "{}.{}~",
        sd.signing_input,
        URL_SAFE_NO_PAD.encode(&sd.signature)
    );
    for (d, path) in sd.disclosures.iter().zip(&sd.disclosure_paths) {
        if path.as_deref().is_some_and(|p| needed(p, disclose)) {
            text.push_str(d);
            text.push('~');
        }
    }
    let sd_hash = formats::sd_digest(&sd.sd_alg, &text).ok_or_else(|| {
        Error::BadInput(format!(
            "the digest algorithm {} is not supported",
            sd.sd_alg
        ))
    })?;
    let header = json!({"alg": "ES256", "typ": "kb+jwt"});
    let payload = json!({"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let sig: Signature = holder.sign(input.as_bytes());
    text.push_str(&input);
    text.push('.');
    text.push_str(&URL_SAFE_NO_PAD.encode(sig.to_bytes()));
    Ok(text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text.as_bytes())
    }

    /// Issue 18: the Share screen's list names every value signed in the clear down to its
    /// leaves (always shown), and every disclosure (the learner's choice), never a registered
    /// claim, a digest or a placeholder.
    #[test]
    fn claims_list_the_disclosures_and_every_plain_leaf() {
        let name = b64(&json!(["s1", "name", "Maria"]).to_string());
        let outcome = b64(&json!(["s2", "Plan maintenance"]).to_string());
        let payload = json!({
            "iss": "https://uni.example", "vct": "urn:eudi:micro_credential:1",
            "cnf": {"jwk": {"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}},
            "title": "Predictive Maintenance",
            "credentialSubject": {
                "_sd": [formats::sd_digest("sha-256", &name).unwrap()],
                "achievement": {"name": "Maintenance", "criteria": {"narrative": "Exam"}},
            },
            "learning_outcomes": ["Analyse sensor data", {"...": formats::sd_digest("sha-256", &outcome).unwrap()}],
            "_sd_alg": "sha-256",
        });
        let header = json!({"alg": "ES256", "typ": "dc+sd-jwt"});
        let text = format!(
            "{}.{}.{}~{name}~{outcome}~",
            b64(&header.to_string()),
            b64(&payload.to_string()),
            b64("signature")
        );
        let got: Vec<(String, String, bool)> = claims(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|c| (c.path, c.value, c.can_withhold))
            .collect();
        let want = [
            ("credentialSubject.name", "Maria", true),
            ("learning_outcomes.1", "Plan maintenance", true),
            ("title", "Predictive Maintenance", false),
            ("credentialSubject.achievement.name", "Maintenance", false),
            (
                "credentialSubject.achievement.criteria.narrative",
                "Exam",
                false,
            ),
            ("learning_outcomes.0", "Analyse sensor data", false),
        ]
        .map(|(p, v, w)| (p.to_string(), v.to_string(), w));
        assert_eq!(got, want);
    }

    /// Issue 18: the technical members of the Open Badges layout (`type`, `@context`) are one
    /// claim each, named as technical, never `type.0`, `type.1`.
    #[test]
    fn technical_lists_are_one_claim_named_in_words() {
        let payload = json!({
            "iss": "https://uni.example", "vct": "urn:eudi:micro_credential:1",
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"type": ["Achievement"], "name": "Maintenance"}},
        });
        let header = json!({"alg": "ES256", "typ": "dc+sd-jwt"});
        let text = format!(
            "{}.{}.{}~",
            b64(&header.to_string()),
            b64(&payload.to_string()),
            b64("signature")
        );
        let mut got = claims(text.as_bytes()).unwrap();
        label_claims(&mut got, None);
        let got: Vec<(String, String, String)> = got
            .into_iter()
            .map(|c| {
                (
                    c.path,
                    c.value,
                    c.labels.get("en").cloned().unwrap_or_default(),
                )
            })
            .collect();
        let want = [
            (
                "@context",
                "https://www.w3.org/ns/credentials/v2, https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "Vocabularies (technical)",
            ),
            ("type", "VerifiableCredential, OpenBadgeCredential", "Kind (technical)"),
            ("credentialSubject.type", "AchievementSubject", "Kind (technical)"),
            ("credentialSubject.achievement.type", "Achievement", "Kind (technical)"),
            ("credentialSubject.achievement.name", "Maintenance", "Title"),
        ]
        .map(|(p, v, l)| (p.to_string(), v.to_string(), l.to_string()));
        assert_eq!(got, want);
    }
}
