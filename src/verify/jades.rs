//! The seal of a European Digital Credential: a JAdES signature (ETSI TS 119 182-1) in the
//! JWS JSON serialisation, usually with an unencoded payload (`b64: false`, RFC 7797), made
//! with the key of the `x5c` leaf certificate (an eIDAS e-seal certificate).
//!
//! Offline this checks: the signature over `ASCII(protected) "." payload` with the leaf's
//! key (RS256, PS256, ES256), the `x5t#S256` thumbprint, the certificate's validity as of
//! the signing time (`sigT`) when it has since expired, each certificate of the `x5c` chain
//! against the next, and that the sealing organisation is the credential's issuer (its
//! `organizationIdentifier` against the issuer's eIDAS identifier). It cannot check, and
//! says so: the chain against the EU trusted lists (no snapshot is bundled), revocation
//! (CRL/OCSP) and the timestamp tokens (`adoTst`, `etsiU`).

use super::{step, Step, StepKind, StepStatus};
use crate::formats::{Document, Envelope};
use crate::model::MicroCredential;
use crate::proof::x509::CertInfo;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// Header parameters this verifier understands when a seal lists them in `crit`
/// (RFC 7515 §4.1.11): `b64` (RFC 7797) and the JAdES `sigT`, `x5t#o`, `srCms`, `srAts`,
/// `sigPl`, `sigPId`, `adoTst` (which only add information the seal check does not need).
const UNDERSTOOD_CRIT: &[&str] = &[
    "b64", "sigT", "x5t#o", "srCms", "srAts", "sigPl", "sigPId", "adoTst", "sigX5ts",
];

/// How far a signing time may lie ahead of the clock before it is refused (clock skew).
const SKEW_MINUTES: i64 = 5;

fn day(d: DateTime<Utc>) -> String {
    crate::model::day_text(d)
}

/// The proof and issuer-identity steps for a JAdES-sealed document. Does nothing for other
/// envelopes.
#[inline(never)] // see verify::verify_document
pub(super) fn seal_steps(
    doc: &Document,
    cred: &MicroCredential,
    env: &super::Env,
    now: DateTime<Utc>,
    steps: &mut Vec<Step>,
) {
    let Envelope::Jades {
        protected,
        signature,
        x5c,
        b64,
        ..
    } = &doc.envelope
    else {
        return;
    };
    let Some(cert) = proof(doc, protected, signature, x5c, *b64, now, steps) else {
        return;
    };
    issuer(&doc.credential, cred, &cert, env, steps);
}

/// The signature, certificate and chain steps; the leaf certificate when the seal matched.
fn proof(
    doc: &Document,
    protected: &Value,
    signature: &[u8],
    x5c: &[Vec<u8>],
    b64: bool,
    now: DateTime<Utc>,
    steps: &mut Vec<Step>,
) -> Option<CertInfo> {
    let mut fail = |status, msg: String| step(steps, StepKind::Proof, status, msg);
    let alg = protected.get("alg").and_then(Value::as_str).unwrap_or("");
    let Some(leaf_der) = x5c.first() else {
        fail(StepStatus::Skip, "The seal does not carry its certificate (no x5c), and no sealing certificate is cached, so the seal could not be checked offline.".into());
        return None;
    };
    let cert = match CertInfo::parse(leaf_der) {
        Ok(c) => c,
        Err(e) => {
            fail(
                StepStatus::Fail,
                format!("The seal's certificate is damaged: {e}."),
            );
            return None;
        }
    };
    if let Some(t) = protected.get("x5t#S256") {
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(cert.sha256);
        if t.as_str().map(|s| s.trim_end_matches('=')) != Some(expected.as_str()) {
            fail(StepStatus::Fail, "The seal names another certificate (x5t#S256) than the one it carries: the certificate was swapped.".into());
            return None;
        }
    }
    let unknown: Vec<&str> = crate::formats::text_list(protected.get("crit"))
        .into_iter()
        .filter_map(Value::as_str)
        .filter(|c| !UNDERSTOOD_CRIT.contains(c))
        .collect();
    if !unknown.is_empty() {
        fail(StepStatus::Skip, format!("The seal requires the header extension(s) {} to be understood, which this wallet does not support, so it was not checked.", unknown.join(", ")));
        return None;
    }
    let input = doc.envelope.signing_input().unwrap_or_default();
    match cert.verify_jws(alg, &input, signature) {
        Err(what) => {
            fail(
                StepStatus::Skip,
                format!("The seal could not be checked offline: {what} is not supported."),
            );
            return None;
        }
        Ok(false) => {
            fail(StepStatus::Fail, format!("The proof is not valid: the {alg} seal does not match the sealing certificate's key; the credential was changed after it was sealed, or sealed with another key."));
            return None;
        }
        Ok(true) => fail(
            StepStatus::Pass,
            format!(
                "The {alg} JAdES seal{} matches the key of the sealing certificate of {}: nothing was changed since it was sealed.",
                if b64 { "" } else { " (unencoded payload)" },
                cert.short_subject()
            ),
        ),
    }
    validity_step(&cert, protected, now, steps);
    chain_step(x5c, steps);
    Some(cert)
}

/// The sealing certificate's subject, issuer and validity, judged at the signing time when
/// the certificate has since expired.
fn validity_step(cert: &CertInfo, protected: &Value, now: DateTime<Utc>, steps: &mut Vec<Step>) {
    let about = format!(
        "Sealing certificate: {}; issued by {}; valid from {} to {}",
        cert.subject,
        cert.issuer,
        day(cert.not_before),
        day(cert.not_after)
    );
    let sig_t = match protected.get("sigT") {
        None | Some(Value::Null) => None,
        Some(v) => match v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        {
            Some(t) => Some(t.with_timezone(&Utc)),
            None => {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Fail,
                    format!("{about}. The seal's signing time (sigT) is not a valid date-time."),
                );
                return;
            }
        },
    };
    let (status, verdict) = match sig_t {
        Some(t) if t > now + Duration::minutes(SKEW_MINUTES) => (
            StepStatus::Fail,
            format!("The seal claims to have been made on {}, which is later than the time of this check.", day(t)),
        ),
        Some(t) if !cert.valid_at(t) => (
            StepStatus::Fail,
            format!("The certificate was not valid when the credential was sealed ({}).", day(t)),
        ),
        Some(_) if cert.valid_at(now) => (StepStatus::Pass, "It is valid now and was valid when the credential was sealed.".to_string()),
        None if cert.valid_at(now) => (StepStatus::Pass, "It is valid now; the seal does not state when it was made.".to_string()),
        _ if now < cert.not_before => (
            StepStatus::Fail,
            format!("The certificate is not valid yet: it becomes valid on {}.", day(cert.not_before)),
        ),
        Some(t) => (
            StepStatus::Warn,
            format!("The certificate has since expired, but it was valid when the credential was sealed on {} (the signing time stated in the seal), so the seal is judged as of that time. The timestamp that attests the signing time was not checked offline.", day(t)),
        ),
        None => (
            StepStatus::Skip,
            "The certificate has expired and the seal does not state when it was made, so whether it was valid when sealed cannot be told offline.".to_string(),
        ),
    };
    step(
        steps,
        StepKind::Proof,
        status,
        format!("{about}. {verdict}"),
    );
}

/// Each certificate of a longer `x5c` chain must be named and signed by the next one.
fn chain_step(x5c: &[Vec<u8>], steps: &mut Vec<Step>) {
    if x5c.len() < 2 {
        return;
    }
    let mut certs = Vec::new();
    for der in x5c {
        match CertInfo::parse(der) {
            Ok(c) => certs.push(c),
            Err(e) => {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Fail,
                    format!("A certificate in the seal's chain is damaged: {e}."),
                );
                return;
            }
        }
    }
    for pair in certs.windows(2) {
        let (child, parent) = (&pair[0], &pair[1]);
        let outcome = if child.issued_by_name(parent) {
            child.signed_by(parent)
        } else {
            Ok(false)
        };
        match outcome {
            Ok(true) => {}
            Ok(false) => {
                step(steps, StepKind::Proof, StepStatus::Fail, format!("The certificate chain in the seal is broken: the certificate of {} was not issued by {}.", child.short_subject(), parent.short_subject()));
                return;
            }
            Err(what) => {
                step(steps, StepKind::Proof, StepStatus::Warn, format!("The certificate chain in the seal was not checked: {what} is not supported."));
                return;
            }
        }
    }
    step(
        steps,
        StepKind::Proof,
        StepStatus::Pass,
        format!(
            "The seal's certificate chain holds together: each of its {} certificates was issued by the next.",
            certs.len()
        ),
    );
}

/// The identifiers an ELM issuer Organisation states (`eIDASIdentifier`, `legalIdentifier`,
/// `vatIdentifier`, `taxIdentifier`, `identifier`: their `notation`).
fn issuer_identifiers(issuer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in [
        "eIDASIdentifier",
        "legalIdentifier",
        "vatIdentifier",
        "taxIdentifier",
        "identifier",
    ] {
        for v in crate::formats::text_list(issuer.get(key)) {
            if let Some(n) = v
                .get("notation")
                .and_then(Value::as_str)
                .or_else(|| v.as_str())
            {
                out.push(n.to_string());
            }
        }
    }
    out
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether a certificate's `organizationIdentifier` names the same organisation as an
/// identifier in the credential: equal, or equal to its part after the ETSI EN 319 412-1
/// §5.1.4 prefix (three letters for the register, two for the country, a hyphen:
/// `VATES-`, `NTREE-`).
fn same_organisation(cert_id: &str, stated: &str) -> bool {
    let (c, s) = (normalise(cert_id), normalise(stated));
    if c == s {
        return true;
    }
    match c.split_once('-') {
        Some((prefix, rest))
            if prefix.len() == 5 && prefix.chars().all(|ch| ch.is_ascii_alphabetic()) =>
        {
            rest == s || format!("{}{rest}", &prefix[3..]) == s
        }
        _ => false,
    }
}

fn issuer(
    credential: &Value,
    cred: &MicroCredential,
    cert: &CertInfo,
    env: &super::Env,
    steps: &mut Vec<Step>,
) {
    let Some(issuer_id) = cred.issuer.id.as_deref() else {
        step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Fail,
            "The credential names no issuer.".into(),
        );
        return;
    };
    let name = cred
        .issuer
        .name
        .clone()
        .unwrap_or_else(|| issuer_id.to_string());
    let stated = credential
        .get("issuer")
        .map(issuer_identifiers)
        .unwrap_or_default();
    let (status, text) = match (&cert.organization_identifier, stated.is_empty()) {
        (Some(oi), false) if stated.iter().any(|s| same_organisation(oi, s)) => (
            StepStatus::Pass,
            format!("Sealed by the issuer itself: the sealing certificate's organisation identifier {oi} is the eIDAS identifier of {name}."),
        ),
        (Some(oi), false) => (
            StepStatus::Fail,
            format!("Sealed by {} (organisation identifier {oi}), not by the issuer {name} (identifier {}): someone else sealed it.", cert.short_subject(), stated.join(", ")),
        ),
        (None, _) => (
            StepStatus::Skip,
            format!("The sealing certificate of {} carries no organisation identifier, so it cannot be linked to the issuer {name} offline.", cert.short_subject()),
        ),
        (Some(_), true) => (
            StepStatus::Skip,
            format!("The issuer {name} states no eIDAS or legal identifier, so the sealing certificate of {} cannot be linked to it offline.", cert.short_subject()),
        ),
    };
    step(steps, StepKind::IssuerIdentity, status, text);
    step(
        steps,
        StepKind::IssuerIdentity,
        StepStatus::Warn,
        format!("Trust of the seal not checked offline: no snapshot of the EU trusted lists is bundled, so whether the certificate authority {} is a qualified trust service provider, and whether the certificate was revoked, was not confirmed.", cert.issuer_short),
    );
    super::registry_step(issuer_id, env, steps);
}

#[cfg(test)]
mod tests {
    use super::same_organisation;

    #[test]
    fn organisation_identifiers_match_with_or_without_the_etsi_prefix() {
        assert!(same_organisation("VATES-A00000000", "VATES-A00000000"));
        assert!(same_organisation("NTREE-17207834", "17207834"));
        assert!(same_organisation("VATBE-0123456789", "BE 0123456789"));
        assert!(!same_organisation("NTREE-17207834", "17207835"));
        assert!(!same_organisation("VATES-A00000000", ""));
    }
}
