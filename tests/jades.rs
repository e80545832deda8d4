//! JAdES seals of European Digital Credentials (issue 9): the public EDC samples (RS256,
//! `b64: false`, one-certificate `x5c`), tampering, and an ES256 seal with a two-certificate
//! chain made with the test PKI in `tests/fixtures/jades/`.

use crate::util::shared_fixture;
use base64::Engine;
use microcredx::model::{StepKind, StepStatus, Verdict};
use microcredx::verify::{self, Env, Verification};
use serde_json::{json, Value};
use std::path::PathBuf;

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn check(bytes: &[u8], when: &str) -> Verification {
    verify::verify_bytes(bytes, &Env::default(), at(when)).unwrap()
}

fn text(v: &Verification) -> String {
    v.steps
        .iter()
        .map(|s| format!("[{:?} {:?}] {}", s.step, s.status, s.message))
        .collect::<Vec<_>>()
        .join("\n")
}

fn steps(v: &Verification, kind: StepKind) -> Vec<(StepStatus, String)> {
    v.steps
        .iter()
        .filter(|s| s.step == kind)
        .map(|s| (s.status, s.message.clone()))
        .collect()
}

const ELM_MC: &str = "eu-elm/JSON-LD_Examples_ELM_v3/Sample-MC-Annex1-signed.jsonld";
const MYNEXTID: &str = "mynextid-microcredential/edc/examples/edc-mc-signed.jsonld";

#[test]
fn the_public_edc_seals_verify_and_report_their_certificate() {
    for (rel, subject, expired) in [
        (ELM_MC, "O=ORGANIZACION TEST", true),
        (
            "eu-elm/JSON-LD_Examples_ELM_v3/Sample-CertOfPart-signed.jsonld",
            "O=ORGANIZACION TEST",
            true,
        ),
        (MYNEXTID, "O=VELOCERT OU", false),
    ] {
        let v = check(
            &std::fs::read(shared_fixture(rel)).unwrap(),
            "2026-11-23T12:00:00Z",
        );
        let all = text(&v);
        assert_eq!(v.verdict, Verdict::Valid, "{rel}\n{all}");
        let proof = steps(&v, StepKind::Proof);
        assert_eq!(proof[0].0, StepStatus::Pass, "{rel}\n{all}");
        assert!(proof[0].1.contains("RS256 JAdES seal (unencoded payload)"));
        assert!(
            proof[1].1.contains(subject) && proof[1].1.contains("issued by"),
            "{all}"
        );
        // The ELM e-seal expired on 2025-05-10: judged as of its signing time, with a warning.
        let want = if expired {
            StepStatus::Warn
        } else {
            StepStatus::Pass
        };
        assert_eq!(proof[1].0, want, "{rel}\n{all}");
        let issuer = steps(&v, StepKind::IssuerIdentity);
        assert_eq!(issuer[0].0, StepStatus::Pass, "{all}");
        assert!(issuer[0].1.contains("Sealed by the issuer itself"), "{all}");
        assert!(
            issuer.iter().any(|(s, m)| *s == StepStatus::Warn
                && m.starts_with("Trust of the seal not checked offline")),
            "{all}"
        );
    }
}

#[test]
fn the_elm_seal_was_valid_while_its_certificate_was() {
    let bytes = std::fs::read(shared_fixture(ELM_MC)).unwrap();
    let v = check(&bytes, "2024-01-01T00:00:00Z");
    let proof = steps(&v, StepKind::Proof);
    assert_eq!(proof[1].0, StepStatus::Pass, "{}", text(&v));
    assert!(proof[1].1.contains("valid now"));
}

/// Replace `from` by `to` inside the sealed payload string (the JSON stays well formed).
fn tamper(rel: &str, from: &str, to: &str) -> Vec<u8> {
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(shared_fixture(rel)).unwrap()).unwrap();
    let payload = doc["payload"].as_str().unwrap().to_string();
    assert!(payload.contains(from), "{from} not in {rel}");
    doc["payload"] = Value::String(payload.replacen(from, to, 1));
    serde_json::to_vec(&doc).unwrap()
}

#[test]
fn a_tampered_edc_payload_is_invalid() {
    for (rel, from, to) in [
        (ELM_MC, "Ana Andromeda", "Ana Andromedb"),
        (MYNEXTID, "Joe Done", "Joe Dane"),
    ] {
        let bytes = tamper(rel, from, to);
        let v = check(&bytes, "2026-11-23T12:00:00Z");
        assert_eq!(v.verdict, Verdict::Invalid, "{rel}: {}", text(&v));
        assert!(text(&v).contains("changed after it was sealed"));
    }
}

#[test]
fn a_changed_signing_time_breaks_the_seal() {
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(shared_fixture(ELM_MC)).unwrap()).unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let p = doc["signatures"][0]["protected"].as_str().unwrap();
    let header = String::from_utf8(b64.decode(p).unwrap())
        .unwrap()
        .replace("2023-09-27", "2024-09-27");
    doc["signatures"][0]["protected"] = Value::String(b64.encode(header));
    let v = check(&serde_json::to_vec(&doc).unwrap(), "2026-11-23T12:00:00Z");
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
}

fn pki(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jades")
        .join(name)
}

fn edc(identifier: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:7b0c6f1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {"id": "urn:epass:org:hs-beispielstadt", "type": "Organisation",
            "legalName": {"de": "Hochschule Beispielstadt"},
            "eIDASIdentifier": {"id": "urn:epass:legalIdentifier:1", "type": "LegalIdentifier", "notation": identifier}},
        "issuanceDate": "2026-11-23T12:00:00Z",
        "credentialSubject": {"id": "urn:epass:person:1", "type": "Person", "fullName": {"en": "Ana Andromeda"},
            "hasClaim": {"id": "urn:epass:learningAchievement:1", "type": "LearningAchievement",
                "title": {"en": "Data Analytics"}}}
    })
}

/// Seal `credential` with ES256 (`b64: false`) using the test PKI; `x5c` leaf first.
fn seal(credential: &Value, x5c: &[&str], sig_t: Option<&str>) -> Vec<u8> {
    use p256::ecdsa::{signature::Signer, Signature, SigningKey};
    use p256::pkcs8::DecodePrivateKey;
    use sha2::Digest;
    let std64 = base64::engine::general_purpose::STANDARD;
    let url64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let pem = std::fs::read_to_string(pki("seal.key.p8.pem")).unwrap();
    let key = SigningKey::from_pkcs8_pem(&pem).unwrap();
    let ders: Vec<Vec<u8>> = x5c.iter().map(|n| std::fs::read(pki(n)).unwrap()).collect();
    let mut header = json!({
        "alg": "ES256", "typ": "jose+json", "cty": "octet-stream", "b64": false,
        "crit": ["b64", "sigT"],
        "x5t#S256": url64.encode(sha2::Sha256::digest(&ders[0])),
        "x5c": ders.iter().map(|d| std64.encode(d)).collect::<Vec<_>>(),
    });
    if let Some(t) = sig_t {
        header["sigT"] = Value::String(t.into());
    }
    let protected = url64.encode(header.to_string());
    let payload = credential.to_string();
    let sig: Signature = key.sign(format!("{protected}.{payload}").as_bytes());
    serde_json::to_vec(&json!({
        "payload": payload,
        "signatures": [{"protected": protected, "signature": url64.encode(sig.to_bytes())}]
    }))
    .unwrap()
}

#[test]
fn an_es256_seal_with_a_chain_verifies_and_links_the_issuer() {
    let bytes = seal(
        &edc("DE123456789"),
        &["seal.der", "ca.der"],
        Some("2026-11-23T12:00:00Z"),
    );
    let v = check(&bytes, "2027-06-01T00:00:00Z");
    let all = text(&v);
    assert_eq!(v.verdict, Verdict::Valid, "{all}");
    assert!(all.contains("ES256 JAdES seal"), "{all}");
    assert!(all.contains("each of its 2 certificates"), "{all}");
    assert!(
        all.contains("VATDE-123456789 is the eIDAS identifier"),
        "{all}"
    );
}

#[test]
fn an_es256_seal_by_another_organisation_is_invalid() {
    let bytes = seal(
        &edc("VATFR-999"),
        &["seal.der", "ca.der"],
        Some("2026-11-23T12:00:00Z"),
    );
    let v = check(&bytes, "2027-06-01T00:00:00Z");
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
    assert!(text(&v).contains("someone else sealed it"));
}

#[test]
fn a_chain_in_the_wrong_order_is_broken() {
    let bytes = seal(
        &edc("DE123456789"),
        &["seal.der", "seal.der"],
        Some("2026-11-23T12:00:00Z"),
    );
    let v = check(&bytes, "2027-06-01T00:00:00Z");
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
    assert!(text(&v).contains("chain in the seal is broken"));
}

#[test]
fn signing_times_decide_an_expired_certificate() {
    let cred = edc("DE123456789");
    // Sealed while valid, checked after expiry: valid, with a warning.
    let v = check(
        &seal(&cred, &["seal.der"], Some("2027-01-01T00:00:00Z")),
        "2040-01-01T00:00:00Z",
    );
    assert_eq!(v.verdict, Verdict::Valid, "{}", text(&v));
    assert!(text(&v).contains("has since expired"));
    // A seal that says it was made after the certificate expired.
    let v = check(
        &seal(&cred, &["seal.der"], Some("2039-01-01T00:00:00Z")),
        "2040-01-01T00:00:00Z",
    );
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
    // No signing time and an expired certificate: cannot be told offline.
    let v = check(&seal(&cred, &["seal.der"], None), "2040-01-01T00:00:00Z");
    assert_eq!(v.verdict, Verdict::Unverifiable, "{}", text(&v));
    // A signing time in the future of the check.
    let v = check(
        &seal(&cred, &["seal.der"], Some("2030-01-01T00:00:00Z")),
        "2027-06-01T00:00:00Z",
    );
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
}

#[test]
fn a_seal_whose_certificate_was_swapped_is_invalid() {
    // x5t#S256 names seal.der, but the leaf carried is the CA certificate.
    let bytes = seal(&edc("DE123456789"), &["seal.der"], None);
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let p = doc["signatures"][0]["protected"].as_str().unwrap();
    let mut header: Value = serde_json::from_slice(&b64.decode(p).unwrap()).unwrap();
    header["x5c"] = json!([
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(pki("ca.der")).unwrap())
    ]);
    doc["signatures"][0]["protected"] = Value::String(b64.encode(header.to_string()));
    let v = check(&serde_json::to_vec(&doc).unwrap(), "2027-06-01T00:00:00Z");
    assert_eq!(v.verdict, Verdict::Invalid, "{}", text(&v));
    assert!(text(&v).contains("swapped"));
}
