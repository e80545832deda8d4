//! Each structural MUST, on both sides: the issuer's check refuses the document, and the
//! same document, signed anyway (with the low-level `di::sign`), is invalid for the verifier
//! with a step naming the problem (issue 14).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::time::is_date_time_stamp;
use super::*;
use crate::formats::Document;
use crate::model::{StepKind, StepStatus, Verdict};
use crate::proof::contexts::ContextLoader;
use crate::proof::di::{self, SignOptions, Suite};
use crate::proof::keys::KeyPair;
use crate::verify::{verify_document, Env, Verification};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

fn key() -> KeyPair {
    KeyPair {
        signing: ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A conforming VC 2.0 credential issued by [`key`].
fn good() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0f6e3c1a-8d55-4c8e-9a47-0d9b7c1e2f30",
        "type": ["VerifiableCredential"],
        "issuer": key().did(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ana", "name": "Ana"}
    })
}

/// `doc` signed with eddsa-jcs-2022 (no JSON-LD, so only the structure is in question).
fn signed(doc: &Value, purpose: &str) -> Value {
    let opts = SignOptions {
        suite: Suite::EddsaJcs2022,
        purpose: purpose.into(),
        created: now(),
        challenge: None,
        domain: None,
        expires: None,
    };
    di::sign(doc, &key(), &opts, &ContextLoader::bundled()).unwrap()
}

fn verified(doc: Value) -> Verification {
    let doc = Document::from_value(doc).unwrap();
    verify_document(&doc, &Env::default(), now())
}

fn failed(v: &Verification, kind: StepKind) -> Vec<&str> {
    v.steps
        .iter()
        .filter(|s| s.step == kind && s.status == StepStatus::Fail)
        .map(|s| s.message.as_str())
        .collect()
}

fn with(mut doc: Value, change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    change(doc.as_object_mut().unwrap());
    doc
}

#[test]
fn a_conforming_credential_is_signed_and_verifies() {
    assert_eq!(check_credential(&good()), vec![]);
    assert!(refuse_nonconforming_credential(&good()).is_ok());
    let v = verified(signed(&good(), "assertionMethod"));
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
}

#[test]
fn a_vc_1_1_credential_with_its_own_first_context_conforms() {
    let doc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": key().did(), "name": "Uni"},
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ana"}
    });
    assert_eq!(check_credential(&doc), vec![]);
    let v = verified(signed(&doc, "assertionMethod"));
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
}

/// The W3C VC DM 2.0 test suite's digests of the base context (its 2024 CR revision).
const CR_SRI: &str = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg";
const CR_MULTIBASE: &str = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k";

/// (what is wrong; the member changed and its new value, or `None` to remove it; a phrase of
/// the issuer's refusal; a phrase of the verifier's failed step: format, unless another step
/// already reports it).
type Case = (
    &'static str,
    &'static str,
    Option<Value>,
    &'static str,
    (StepKind, &'static str),
);

fn cases() -> Vec<Case> {
    vec![
        (
            "first context",
            "@context",
            Some(json!(["https://www.w3.org/ns/credentials/examples/v2"])),
            "its first @context is \"https://www.w3.org/ns/credentials/examples/v2\"",
            (
                StepKind::Format,
                "the first must be https://www.w3.org/ns/credentials/v2",
            ),
        ),
        (
            "v2 not first",
            "@context",
            Some(json!([{"ex": "https://example.org/#"}, VC2_CONTEXT])),
            "its first @context is {\"ex\"",
            (StepKind::Format, "VC DM 2.0 §4.3"),
        ),
        (
            "no VerifiableCredential type",
            "type",
            Some(json!(["RelationshipCredential"])),
            "does not include VerifiableCredential",
            (
                StepKind::Format,
                "does not include VerifiableCredential (VC DM 2.0 §4.5)",
            ),
        ),
        (
            "type not a string",
            "type",
            Some(json!(["VerifiableCredential", 2])),
            "is not one or more terms or URLs",
            (StepKind::Format, "is not one or more terms or URLs"),
        ),
        (
            "id not a URL",
            "id",
            Some(json!("https ://not-a-url/1")),
            "its id \"https ://not-a-url/1\" is not a single URL",
            (StepKind::Format, "is not a single URL (VC DM 2.0 §4.4)"),
        ),
        (
            "no credentialSubject",
            "credentialSubject",
            None,
            "it has no credentialSubject (VC DM 2.0 §4.8)",
            (StepKind::Format, "it has no credentialSubject"),
        ),
        (
            "empty credentialSubject",
            "credentialSubject",
            Some(json!({})),
            "its credentialSubject is an empty object: it makes no claim",
            (StepKind::Format, "makes no claim (VC DM 2.0 §4.8)"),
        ),
        (
            "one empty subject of two",
            "credentialSubject",
            Some(json!([{"id": "did:example:ana"}, {}])),
            "its credentialSubject entry 2 is an empty object",
            (StepKind::Format, "credentialSubject entry 2"),
        ),
        (
            "subject not an object",
            "credentialSubject",
            Some(json!("did:example:ana")),
            "is not an object (VC DM 2.0 §4.8)",
            (StepKind::Format, "is not an object"),
        ),
        (
            "no issuer",
            "issuer",
            None,
            "it has no issuer (VC DM 2.0 §4.7)",
            (StepKind::IssuerIdentity, "names no issuer"),
        ),
        (
            "issuer id null",
            "issuer",
            Some(json!({"id": null, "name": "Uni"})),
            "its issuer object has no id (VC DM 2.0 §4.7)",
            (StepKind::IssuerIdentity, "names no issuer"),
        ),
        (
            "issuer not a URL",
            "issuer",
            Some(json!("fake-issuer")),
            "its issuer \"fake-issuer\" is neither a URL nor an object whose id is a URL",
            (StepKind::Format, "\"fake-issuer\" is neither a URL"),
        ),
        (
            "issuer id not a URL",
            "issuer",
            Some(json!({"id": "not a url"})),
            "its issuer's id \"not a url\" is not a URL",
            (StepKind::Format, "is not a URL (VC DM 2.0 §4.7)"),
        ),
        (
            "credentialStatus without type",
            "credentialStatus",
            Some(json!({"id": "https://uni.example/status/1#3"})),
            "its credentialStatus has no type (VC DM 2.0 §4.5, §4.10)",
            (StepKind::Format, "its credentialStatus has no type"),
        ),
        (
            "credentialStatus type not a string",
            "credentialStatus",
            Some(json!({"id": "did:example:status", "type": 2})),
            "its credentialStatus has the type 2, which is not a term or URL",
            (StepKind::Format, "which is not a term or URL"),
        ),
        (
            "termsOfUse without type",
            "termsOfUse",
            Some(json!([{"type": "Policy"}, {"id": "did:example:terms/1"}])),
            "its termsOfUse entry 2 has no type (VC DM 2.0 §4.5, §5.5)",
            (StepKind::Format, "termsOfUse entry 2 has no type"),
        ),
        (
            "evidence without type",
            "evidence",
            Some(json!({})),
            "its evidence has no type (VC DM 2.0 §4.5, §5.6)",
            (StepKind::Format, "its evidence has no type"),
        ),
        (
            "refreshService without type",
            "refreshService",
            Some(json!({"id": "https://uni.example/refresh/1"})),
            "its refreshService has no type (VC DM 2.0 §4.5, §5.4)",
            (StepKind::Format, "its refreshService has no type"),
        ),
        (
            "credentialSchema without type",
            "credentialSchema",
            Some(json!({"id": "https://uni.example/schema.json"})),
            "its credentialSchema has no type (VC DM 2.0 §4.5, §4.11)",
            (StepKind::Format, "its credentialSchema has no type"),
        ),
        (
            "credentialSchema without id",
            "credentialSchema",
            Some(json!({"type": "JsonSchema"})),
            "its credentialSchema has no id",
            (
                StepKind::Format,
                "a schema's id must be the URL of the schema",
            ),
        ),
        (
            "status id not one URL",
            "credentialStatus",
            Some(
                json!({"type": "BitstringStatusListEntry", "id": ["did:example:1", "did:example:2"]}),
            ),
            "its credentialStatus's id",
            (
                StepKind::Format,
                "is not a single URL (VC DM 2.0 §4.4, §4.10)",
            ),
        ),
        (
            "validFrom not a dateTimeStamp",
            "validFrom",
            Some(json!("Sat 25 Feb 2023 07:16:31 PM CST")),
            "its validFrom \"Sat 25 Feb 2023 07:16:31 PM CST\" is not an XML Schema dateTimeStamp",
            (StepKind::Format, "is not an XML Schema dateTimeStamp"),
        ),
        (
            "validFrom without a timezone",
            "validFrom",
            Some(json!("2025-01-01T00:00:00")),
            "is not an XML Schema dateTimeStamp",
            (StepKind::Format, "(VC DM 2.0 §4.9)"),
        ),
        (
            "validUntil not a dateTimeStamp",
            "validUntil",
            Some(json!("Sun, 26 Feb 2023 01:22:14 +0000")),
            "its validUntil \"Sun, 26 Feb 2023 01:22:14 +0000\" is not an XML Schema dateTimeStamp",
            (StepKind::Format, "its validUntil"),
        ),
        (
            "validUntil before validFrom",
            "validUntil",
            Some(json!("2024-12-31T23:59:59Z")),
            "its validFrom is later than its validUntil (VC DM 2.0 §4.9)",
            (StepKind::Dates, "contradict each other"),
        ),
        (
            "relatedResource as strings",
            "relatedResource",
            Some(json!([VC2_CONTEXT])),
            "is not an object with an id and a digest (VC DM 2.0 §5.3)",
            (StepKind::Format, "is not an object with an id and a digest"),
        ),
        (
            "relatedResource without id",
            "relatedResource",
            Some(json!([{"digestMultibase": CR_MULTIBASE}])),
            "its relatedResource has no id (VC DM 2.0 §5.3)",
            (StepKind::Format, "its relatedResource has no id"),
        ),
        (
            "relatedResource ids not unique",
            "relatedResource",
            Some(
                json!([{"id": VC2_CONTEXT, "digestSRI": CR_SRI}, {"id": VC2_CONTEXT, "digestMultibase": CR_MULTIBASE}]),
            ),
            "lists https://www.w3.org/ns/credentials/v2 more than once",
            (StepKind::Format, "each id must be unique"),
        ),
        (
            "relatedResource without digest",
            "relatedResource",
            Some(json!([{"id": VC2_CONTEXT}])),
            "has neither a digestSRI nor a digestMultibase (VC DM 2.0 §5.3)",
            (
                StepKind::Format,
                "has neither a digestSRI nor a digestMultibase",
            ),
        ),
        (
            "relatedResource with a wrong digestMultibase",
            "relatedResource",
            Some(
                json!([{"id": VC2_CONTEXT, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}]),
            ),
            "its digestMultibase for https://www.w3.org/ns/credentials/v2 does not match",
            (StepKind::Format, "(VC DM 2.0 §5.3, §B.1)"),
        ),
        (
            "relatedResource with a malformed digestSRI",
            "relatedResource",
            Some(
                json!([{"id": VC2_CONTEXT, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"}]),
            ),
            "is not standard base64 after the algorithm name",
            (StepKind::Format, "its relatedResource's digestSRI"),
        ),
    ]
}

#[test]
fn every_structural_must_is_refused_by_the_issuer_and_rejected_by_the_verifier() {
    let mut wrong = Vec::new();
    for (what, member, value, refusal, (kind, failure)) in cases() {
        let doc = with(good(), |m| match value {
            Some(v) => {
                m.insert(member.into(), v);
            }
            None => {
                m.remove(member);
            }
        });
        match refuse_nonconforming_credential(&doc) {
            Ok(()) => wrong.push(format!("{what}: the issuer would sign it")),
            Err(e) if !e.to_string().contains(refusal) => {
                wrong.push(format!("{what}: the issuer says {e}, not '{refusal}'"))
            }
            Err(_) => {}
        }
        let v = verified(signed(&doc, "assertionMethod"));
        let fails = failed(&v, kind);
        if v.verdict != Verdict::Invalid || !fails.iter().any(|m| m.contains(failure)) {
            wrong.push(format!(
                "{what}: the verifier says {:?}, {kind:?} failures {fails:?}, not '{failure}'",
                v.verdict
            ));
        }
        // The signature itself is fine: only the structure is at fault.
        assert!(
            v.steps
                .iter()
                .any(|s| s.step == StepKind::Proof && s.status == StepStatus::Pass),
            "{what}: {:#?}",
            v.steps
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_problem_reported_by_another_step_is_not_repeated_in_the_format_step() {
    let v = verified(signed(
        &with(good(), |m| {
            m.remove("issuer");
        }),
        "assertionMethod",
    ));
    assert!(failed(&v, StepKind::Format).is_empty(), "{:#?}", v.steps);
    let v = verified(signed(
        &with(good(), |m| {
            m.insert("validUntil".into(), json!("2024-01-01T00:00:00Z"));
        }),
        "assertionMethod",
    ));
    assert!(failed(&v, StepKind::Format).is_empty(), "{:#?}", v.steps);
}

#[test]
fn every_problem_is_named_at_once() {
    let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["X"],
        "credentialSubject": {}, "evidence": [{}]});
    let rules: Vec<Rule> = check_credential(&doc).iter().map(|p| p.rule).collect();
    assert_eq!(
        rules,
        vec![
            Rule::Type,
            Rule::Subject,
            Rule::IssuerMissing,
            Rule::TypedEntry
        ]
    );
}

#[test]
fn what_the_w3c_suite_issues_as_valid_is_accepted() {
    let set = |member: &str, v: Value| {
        with(good(), |m| {
            m.insert(member.into(), v);
        })
    };
    let related = |r: Value| set("relatedResource", r);
    for doc in [
        related(json!({"id": VC2_CONTEXT, "digestSRI": CR_SRI})),
        related(json!({"id": VC2_CONTEXT, "digestMultibase": CR_MULTIBASE})),
        related(
            json!([{"id": VC2_CONTEXT, "mediaType": "application/ld+json", "digestSRI": CR_SRI}]),
        ),
        // The Recommendation's base context (§B.1), as a sha2-256 multihash in base58btc.
        related(json!({"id": VC2_CONTEXT, "digestMultibase": multihash_z(
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734")})),
        // A resource whose digest we cannot know is checked for its form only.
        related(json!({"id": "https://uni.example/logo.png",
            "digestSRI": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})),
        set("validFrom", json!("2023-02-25T19:10:39-06:00")),
        set("validFrom", json!("2023-02-26T01:02:58.447Z")),
        with(good(), |m| {
            m.insert(
                "credentialStatus".into(),
                json!({"type": "CredentialStatusList2017"}),
            );
            m.insert("credentialSchema".into(), json!([
                {"type": "https://example.org/#ExampleTestSuiteSchema", "id": "did:example:schemas/1"}]));
            m.insert(
                "evidence".into(),
                json!([{"type": "DocumentVerification2018"}]),
            );
            m.insert(
                "credentialSubject".into(),
                json!([{"id": "did:example:a"}, {"name": "B"}]),
            );
        }),
    ] {
        assert_eq!(check_credential(&doc), vec![], "{doc}");
    }
}

fn multihash_z(hex: &str) -> String {
    let mut bytes = vec![0x12, 0x20];
    bytes.extend(
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()),
    );
    format!("z{}", bs58::encode(bytes).into_string())
}

#[test]
fn date_time_stamps_follow_xml_schema() {
    for ok in [
        "2025-01-31T09:00:00Z",
        "2023-02-26T01:02:58.447Z",
        "2023-02-25T19:10:39-06:00",
        "2024-02-29T00:00:00+14:00",
        "2000-02-29T24:00:00Z",
        "-0044-03-15T12:00:00Z",
        "12025-01-01T00:00:00Z",
    ] {
        assert!(is_date_time_stamp(ok), "{ok}");
    }
    for bad in [
        "2025-01-31",
        "2025-01-31T09:00:00",
        "2025-01-31 09:00:00Z",
        "2025-01-31t09:00:00z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2025-13-01T00:00:00Z",
        "2025-01-31T24:00:01Z",
        "2025-01-31T09:00:60Z",
        "2025-01-31T09:00:00.Z",
        "2025-01-31T09:00:00+15:00",
        "2025-01-31T09:00:00+0100",
        "025-01-31T09:00:00Z",
        "02025-01-31T09:00:00Z",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        "",
    ] {
        assert!(!is_date_time_stamp(bad), "{bad}");
    }
}

#[test]
fn a_presentation_must_start_with_the_base_context() {
    let vp = |ctx: Value| json!({"@context": ctx, "type": ["VerifiablePresentation"], "holder": key().did()});
    assert_eq!(check_presentation(&vp(json!([VC2_CONTEXT]))), vec![]);
    assert_eq!(check_presentation(&vp(json!([VC1_CONTEXT]))), vec![]);
    let wrong = vp(json!([{"Extra": "https://example.org/#Extra"}, VC2_CONTEXT]));
    let problems = check_presentation(&wrong);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].rule, Rule::Context);
    // The verifier: the same presentation, signed by its holder, is invalid.
    let v = verified(signed(&wrong, "authentication"));
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    let fails = failed(&v, StepKind::Format);
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("Not a conforming verifiable presentation: its first @context")),
        "{fails:?}"
    );
    let ok = verified(signed(&vp(json!([VC2_CONTEXT])), "authentication"));
    assert!(failed(&ok, StepKind::Format).is_empty(), "{:#?}", ok.steps);
}

#[test]
fn a_data_integrity_proof_without_a_proof_purpose_fails() {
    let mut doc = signed(&good(), "assertionMethod");
    doc["proof"].as_object_mut().unwrap().remove("proofPurpose");
    let v = verified(doc);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    let fails = failed(&v, StepKind::Proof);
    assert!(
        fails
            .iter()
            .any(|m| m.contains("the proof has no proofPurpose")),
        "{fails:?}"
    );
    let mut doc = signed(&good(), "assertionMethod");
    doc["proof"].as_object_mut().unwrap().remove("type");
    let fails_v = verified(doc);
    assert!(
        failed(&fails_v, StepKind::Proof)
            .iter()
            .any(|m| m.contains("the proof has no type")),
        "{:#?}",
        fails_v.steps
    );
}

#[test]
fn a_vc_1_1_credential_gets_the_data_integrity_context_before_it_is_signed() {
    let mut doc = json!({
        "@context": [VC1_CONTEXT],
        "type": ["VerifiableCredential"],
        "issuer": key().did(),
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}
    });
    assert!(add_data_integrity_context(&mut doc));
    assert_eq!(
        doc["@context"],
        json!([VC1_CONTEXT, DATA_INTEGRITY_CONTEXT])
    );
    assert!(!add_data_integrity_context(&mut doc), "added once");
    let v = verified(signed(&doc, "assertionMethod"));
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    let mut v2 = good();
    assert!(
        !add_data_integrity_context(&mut v2),
        "VC 2.0 defines the proof terms"
    );
}

#[test]
fn a_second_proof_by_someone_else_is_pointed_out_and_fails_only_without_the_issuers() {
    let witness = KeyPair {
        signing: ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]),
    };
    let opts = SignOptions {
        suite: Suite::EddsaJcs2022,
        purpose: "assertionMethod".into(),
        created: now(),
        challenge: None,
        domain: None,
        expires: None,
    };
    let both = di::sign(
        &signed(&good(), "assertionMethod"),
        &witness,
        &opts,
        &ContextLoader::bundled(),
    )
    .unwrap();
    let v = verified(both);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(
        v.steps.iter().any(|s| s.status == StepStatus::Warn
            && s.message
                .contains(&format!("Also signed by {}", witness.did()))),
        "{:#?}",
        v.steps
    );
    let only_witness = di::sign(&good(), &witness, &opts, &ContextLoader::bundled()).unwrap();
    let v = verified(only_witness);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(!failed(&v, StepKind::IssuerIdentity).is_empty());
}
