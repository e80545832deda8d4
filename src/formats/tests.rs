//! Tests of format recognition and the Annex I mapping against the public interop fixtures
//! in `../shared/fixtures` (see its `SOURCES.md`), and against hostile inputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::model::{AnnexElement, Format};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/");

fn load(p: &str) -> Vec<u8> {
    std::fs::read(format!("{FIX}{p}")).unwrap_or_else(|e| panic!("fixture {p}: {e}"))
}

fn doc(p: &str) -> Document {
    parse_document(&load(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn bad_input(bytes: &[u8]) -> String {
    match parse_document(bytes) {
        Err(Error::BadInput(m)) => m,
        Err(other) => panic!("expected BadInput, got {other:?}"),
        Ok(d) => panic!("expected BadInput, got a {:?} document", d.format),
    }
}

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn every_fixture_parses_or_is_refused_cleanly() {
    let mut refused = Vec::new();
    let mut parsed = 0;
    for dir in [
        "1edtech-ob30",
        "1edtech-clr20",
        "eu-elm/JSON-LD_Examples_ELM_v3",
        "mynextid-microcredential",
    ] {
        let mut stack = vec![std::path::PathBuf::from(format!("{FIX}{dir}"))];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
                continue;
            }
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["json", "jwt", "jsonld"].contains(&ext) {
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            match parse_document(&std::fs::read(&p).unwrap()) {
                Ok(d) => {
                    let v = view(&d);
                    assert!(v.title.is_some(), "{name} has no title");
                    parsed += 1;
                }
                Err(Error::BadInput(m)) => refused.push((name, m)),
                Err(e) => panic!("{name}: not a BadInput: {e:?}"),
            }
        }
    }
    refused.sort();
    let names: Vec<&str> = refused.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "EXPECTED.json",
            "EXPECTED.json",
            "open-badge-mc-signed.jwt",
            "schema.json"
        ]
    );
    let jwt = &refused[2].1;
    assert!(jwt.contains("incomplete JWS"), "{jwt}");
    assert!(refused[0].1.contains("not a credential"));
    assert_eq!(parsed, 53);
}

#[test]
fn ob3_complete_maps_annex_elements() {
    let d = doc("1edtech-ob30/complete.json");
    assert_eq!(d.format, Format::OpenBadges3);
    assert_eq!(d.envelope, Envelope::Json);
    let v = view(&d);
    assert_eq!(v.id.as_deref(), Some("http://1edtech.edu/credentials/3732"));
    assert_eq!(v.title.as_deref(), Some("1EdTech University Degree"));
    assert_eq!(v.issuer.name.as_deref(), Some("1EdTech University"));
    assert_eq!(v.issuer.country.as_deref(), Some("US"));
    assert_eq!(
        v.awarding_bodies[0].name.as_deref(),
        Some("1EdTech University")
    );
    assert_eq!(
        v.learner.id.as_deref(),
        Some("did:example:ebfeb1f712ebc6f1c276e12ec21")
    );
    // creditsEarned (42) takes precedence over creditsAvailable (36).
    assert_eq!(v.ects, Some(42.0));
    assert_eq!(v.achievement_type.as_deref(), Some("Degree"));
    assert_eq!(
        v.achievement_id.as_deref(),
        Some("https://1edtech.edu/achievements/degree")
    );
    assert_eq!(
        v.learning_outcomes,
        ["# Degree Requirements\nStudents must complete..."]
    );
    // Issue 15: the grade's value is kept apart from its label, so a minGrade rule reads "A";
    // the first result with a value wins over the rubric level and the status.
    assert_eq!(v.grade.as_deref(), Some("A"));
    assert_eq!(v.grade_label.as_deref(), Some("Final Project Grade"));
    assert_eq!(
        v.grade_scale
            .as_ref()
            .map(|s| s.values.join(", "))
            .as_deref(),
        Some("D, C, B, A")
    );
    assert_eq!(v.grade_text().as_deref(), Some("A (Final Project Grade)"));
    assert_eq!(
        v.keywords,
        ["Research", "Computer Science Research", "computer science"]
    );
    assert_eq!(v.valid_until.as_deref(), Some("2030-01-01T00:00:00Z"));
    assert_eq!(v.issued.as_deref(), Some("2010-01-01T00:00:00Z"));
    assert_eq!(v.skills.len(), 2);
    assert_eq!(
        v.annex_missing,
        [
            AnnexElement::Level,
            AnnexElement::AssessmentType,
            AnnexElement::ParticipationForm,
            AnnexElement::QualityAssurance
        ]
    );
}

#[test]
fn mynextid_open_badge_micro_credential() {
    let v = view(&doc(
        "mynextid-microcredential/open-badge/examples/open-badge-mc-example.json",
    ));
    assert_eq!(v.title.as_deref(), Some("Data Science Fundamentals"));
    assert_eq!(v.issuer.name.as_deref(), Some("NETIS d.o.o."));
    assert_eq!(v.awarding_bodies[0].name.as_deref(), Some("NETIS d.o.o."));
    assert_eq!(v.achievement_type.as_deref(), Some("MicroCredential"));
    assert_eq!(v.ects, Some(5.0));
    assert_eq!(v.language.as_deref(), Some("en"));
    assert_eq!(v.issued.as_deref(), Some("2026-01-12T07:04:19Z"));
    assert_eq!(v.valid_until.as_deref(), Some("2026-12-31T23:59:59Z"));
    assert_eq!(
        v.learning_outcomes,
        ["Develop test procedures", "Analyse test data"]
    );
    assert_eq!(v.skills.len(), 2);
    assert_eq!(v.skills[0].framework.as_deref(), Some("ESCO"));
    assert_eq!(
        v.skills[1].uri.as_deref(),
        Some("http://data.europa.eu/esco/skill/81a2db2c-7e55-44d0-9cd9-74c25147d7cd")
    );
    assert!(v.keywords.contains(&"Statistics".to_string()));
    assert!(v.keywords.contains(&"Python".to_string()));
    assert_eq!(v.eqf_level, None);
    assert!(v.annex_missing.contains(&AnnexElement::IssuerCountry));
    assert!(v.annex_missing.contains(&AnnexElement::Level));
}

#[test]
fn ob3_extension_properties_fill_missing_annex_elements() {
    let cred = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "name": "Uni",
                   "address": {"type": ["Address"], "addressCountry": "Slovenia"}},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:learner",
            "achievement": {"type": ["Achievement"], "id": "urn:a", "name": "Data 101",
                "criteria": {"narrative": "Pass the exam"},
                "alignment": [{"type": ["Alignment"], "targetName": "EQF level 5",
                               "targetFramework": "EQF", "targetCode": "5",
                               "targetUrl": "https://example.org/eqf"}],
                "assessmentType": "Written exam", "participationForm": {"en": "Online"},
                "qualityAssurance": "Internal QA", "workload": "PT30H"}}
    });
    let d = parse_document(cred.to_string().as_bytes()).unwrap();
    let v = view(&d);
    assert_eq!(v.eqf_level, Some(5));
    assert_eq!(v.issuer.country.as_deref(), Some("Slovenia"));
    assert_eq!(v.assessment_type.as_deref(), Some("Written exam"));
    assert_eq!(v.participation_form.as_deref(), Some("Online"));
    assert_eq!(v.quality_assurance.as_deref(), Some("Internal QA"));
    assert_eq!(v.workload_hours, Some(30.0));
    assert_eq!(v.learning_outcomes, ["Pass the exam"]);
    assert!(v.skills.is_empty(), "a level alignment is not a skill");
    assert!(v.annex_missing.is_empty(), "{:?}", v.annex_missing);
}

#[test]
fn elm_micro_credential_sample() {
    let d = doc("eu-elm/JSON-LD_Examples_ELM_v3/Sample-MC-Annex1-unsigned.jsonld");
    assert_eq!(d.format, Format::Edc);
    let v = view(&d);
    assert_eq!(
        v.title.as_deref(),
        Some("Digital micro-credential creation")
    );
    assert_eq!(v.learner.name.as_deref(), Some("Ana Andromeda"));
    assert_eq!(v.issuer.name.as_deref(), Some("University of Zed"));
    assert_eq!(v.issuer.country.as_deref(), Some("IRL"));
    assert_eq!(v.awarding_bodies.len(), 1);
    assert_eq!(v.awarding_bodies[0].country.as_deref(), Some("IRL"));
    assert_eq!(v.ects, Some(2.0));
    assert_eq!(v.eqf_level, Some(6));
    assert_eq!(v.workload_hours, Some(60.0));
    assert_eq!(
        v.learning_outcomes,
        [
            "Communication, collaboration and creativity",
            "Developing digital content"
        ]
    );
    assert_eq!(
        v.skills
            .iter()
            .filter(|s| s.framework.as_deref() == Some("ESCO"))
            .count(),
        4
    );
    assert_eq!(v.participation_form.as_deref(), Some("Blended"));
    assert_eq!(
        v.assessment_type.as_deref(),
        Some("Digital artefact assessment")
    );
    assert_eq!(v.grade.as_deref(), Some("Pass"));
    assert_eq!(
        v.supervision.as_deref(),
        Some("Unsupervised without ID Verification")
    );
    assert!(v
        .prerequisites
        .as_deref()
        .unwrap()
        .starts_with("The learner needs"));
    assert_eq!(v.language.as_deref(), Some("English"));
    assert_eq!(
        v.achievement_type.as_deref(),
        Some("Short learning programme")
    );
    assert_eq!(
        v.stackability.as_deref(),
        Some("Stand-alone: not a partial qualification")
    );
    assert!(v.keywords.contains(&"non-formal learning".to_string()));
    assert_eq!(v.valid_from.as_deref(), Some("2022-12-31T23:00:00Z"));
    // The sample carries no accreditation: quality assurance is the only gap.
    assert_eq!(v.annex_missing, [AnnexElement::QualityAssurance]);
}

#[test]
fn elm_signed_jades_envelope() {
    let d = doc("eu-elm/JSON-LD_Examples_ELM_v3/Sample-MC-Annex1-signed.jsonld");
    assert_eq!(d.format, Format::Edc);
    assert_eq!(d.profile(), Format::Edc);
    let Envelope::Jades {
        protected,
        protected_b64,
        payload,
        b64,
        unprotected,
        signature,
        x5c,
    } = &d.envelope
    else {
        panic!("not JAdES: {:?}", d.envelope)
    };
    assert_eq!(protected["alg"], "RS256");
    assert!(!b64);
    assert_eq!(signature.len(), 256);
    assert_eq!(x5c.len(), 1);
    assert_eq!(x5c[0].len(), 1918);
    assert_eq!(x5c[0][0], 0x30, "DER starts with a SEQUENCE");
    assert!(unprotected.get("etsiU").is_some());
    assert!(payload.starts_with("{\"id\":\"urn:credential:1018d05f"));
    let input = d.envelope.signing_input().unwrap();
    assert_eq!(input.len(), protected_b64.len() + 1 + payload.len());
    assert_eq!(
        d.credential["id"],
        "urn:credential:1018d05f-21d5-4555-b7f0-8fabfd22ca75"
    );
    let v = view(&d);
    assert_eq!(v.ects, Some(2.0));
    assert_eq!(v.issuer.name.as_deref(), Some("ORGANIZACION TEST"));
    assert_eq!(v.issued.as_deref(), Some("2023-09-27T13:54:17+02:00"));
}

#[test]
fn elm_uploadable_wrapper_and_certificate_of_participation() {
    let d = doc("eu-elm/JSON-LD_Examples_ELM_v3/Sample-CertOfPart-unsigned-uploadable.json");
    assert_eq!(d.format, Format::Edc);
    assert_eq!(d.envelope, Envelope::Json);
    assert!(d.credential.get("credential").is_none(), "wrapper removed");
    let v = view(&d);
    assert_eq!(v.title.as_deref(), Some("EDC Updates Webinar"));
    assert_eq!(v.workload_hours, Some(2.0));
    assert_eq!(v.participation_form.as_deref(), Some("Online"));
    assert_eq!(v.issuer.country.as_deref(), Some("BEL"));
    assert_eq!(v.ects, None);
    assert!(v.annex_missing.contains(&AnnexElement::LearningOutcomes));
}

#[test]
fn mynextid_edc_signed() {
    let d = doc("mynextid-microcredential/edc/examples/edc-mc-signed.jsonld");
    assert!(matches!(d.envelope, Envelope::Jades { .. }));
    let v = view(&d);
    assert_eq!(
        v.title.as_deref(),
        Some("Title of your learning achievement")
    );
    assert_eq!(v.issuer.name.as_deref(), Some("Velocert OÜ"));
    assert_eq!(v.issuer.country.as_deref(), Some("EST"));
    assert_eq!(v.awarding_bodies[0].name.as_deref(), Some("NETIS d.o.o."));
    assert_eq!(v.awarding_bodies[0].country.as_deref(), Some("SVN"));
    assert_eq!(v.ects, Some(5.0));
    assert_eq!(v.workload_hours, Some(45.0));
    assert_eq!(v.eqf_level, Some(6));
    assert_eq!(v.learning_outcomes.len(), 2);
    assert_eq!(
        v.supervision.as_deref(),
        Some("Supervised with ID Verification")
    );
    assert_eq!(
        v.assessment_type.as_deref(),
        Some("Written Exam (Graded exercises)")
    );
    assert_eq!(v.annex_missing, [AnnexElement::QualityAssurance]);
}

#[test]
fn clr_complex_parts() {
    let d = doc("1edtech-clr20/complex.json");
    assert_eq!(d.format, Format::Clr2);
    let v = view(&d);
    assert_eq!(v.title.as_deref(), Some("Ellis Monday"));
    assert_eq!(v.issuer.name.as_deref(), Some("Western High School, RSD"));
    assert_eq!(
        v.learner.id.as_deref(),
        Some("urn:uuid:360a0e1e-c3f4-4fc4-9975-379889927d54")
    );
    let parts = clr_parts(&d);
    assert_eq!(parts.credentials.len(), 6);
    assert_eq!(parts.associations.len(), 5);
    assert_eq!(
        parts.associations[0],
        Association {
            association_type: "isParentOf".into(),
            source_id: "urn:uuid:3314c2c0-2ee9-4183-838b-470c15ddfb08".into(),
            target_id: "urn:uuid:bb9a27e6-3a2d-413b-b0c7-97ef9dfdde22".into(),
        }
    );
    assert_eq!(parts.associations[4].association_type, "isPartOf");
    let first = Document::from_value(parts.credentials[0].clone()).unwrap();
    assert_eq!(first.format, Format::OpenBadges3);
    assert_eq!(
        view(&first).title.as_deref(),
        Some("Nurse Assistant 1 Program with Licensure")
    );
    assert_eq!(
        view(&first).achievement_id.as_deref(),
        Some("urn:uuid:3314c2c0-2ee9-4183-838b-470c15ddfb08")
    );
    assert_eq!(embedded_credentials(&d).len(), 6);
    // Serialised camelCase for the UI and the stacking engine.
    let s = serde_json::to_value(&parts.associations[0]).unwrap();
    assert_eq!(s["associationType"], "isParentOf");
}

#[test]
fn jwt_forms() {
    let d = doc("1edtech-ob30/simple.jwt");
    assert_eq!(d.format, Format::VcJwt);
    assert_eq!(d.profile(), Format::OpenBadges3);
    let Envelope::Jwt {
        header,
        signing_input,
        signature,
        payload,
    } = &d.envelope
    else {
        panic!("not a JWT")
    };
    assert_eq!(header["alg"], "RS256");
    assert_eq!(signing_input.matches('.').count(), 1);
    assert!(!signature.is_empty());
    assert!(payload.get("vc").is_some());
    assert_eq!(view(&d).title.as_deref(), Some("Example University Degree"));

    let clr = doc("1edtech-clr20/simple.jwt");
    assert_eq!(clr.profile(), Format::Clr2);
    let parts = clr_parts(&clr);
    assert_eq!(parts.credentials.len(), 1);
    let inner = Document::from_value(parts.credentials[0].clone()).unwrap();
    assert_eq!(inner.format, Format::VcJwt);
    assert_eq!(inner.profile(), Format::OpenBadges3);
}

#[test]
fn jwt_with_credential_payload_and_whitespace() {
    let header = b64(&json!({"alg": "EdDSA", "typ": "vc+jwt"}));
    let payload = b64(&json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"], "issuer": "did:example:1",
        "validFrom": "2024-01-01T00:00:00Z", "name": "Plain VC",
        "credentialSubject": {"id": "did:example:2"}
    }));
    let token = format!("\n  {header}.{payload}.c2ln==  \n");
    let d = parse_document(token.as_bytes()).unwrap();
    assert_eq!(d.format, Format::VcJwt);
    assert_eq!(d.profile(), Format::Vc2);
    assert_eq!(view(&d).issuer.id.as_deref(), Some("did:example:1"));

    // VC 1.1 JWT: registered claims fill what the `vc` claim lacks.
    let payload = b64(&json!({
        "iss": "did:example:issuer", "sub": "did:example:learner", "nbf": 1262304000,
        "jti": "urn:uuid:1",
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
               "type": ["VerifiableCredential"], "credentialSubject": {}}
    }));
    let d = parse_document(format!("{header}.{payload}.c2ln").as_bytes()).unwrap();
    assert_eq!(d.profile(), Format::Vc1);
    let v = view(&d);
    assert_eq!(v.issuer.id.as_deref(), Some("did:example:issuer"));
    assert_eq!(v.learner.id.as_deref(), Some("did:example:learner"));
    assert_eq!(v.issued.as_deref(), Some("2010-01-01T00:00:00Z"));
    assert_eq!(v.id.as_deref(), Some("urn:uuid:1"));
}

#[test]
fn baked_images() {
    let png = unwrap_container(&load("1edtech-ob30/simple-json.png")).unwrap();
    let d = parse_document(&png).unwrap();
    assert_eq!(d.format, Format::OpenBadges3);
    let svg = unwrap_container(&load("1edtech-ob30/simple-jwt.svg")).unwrap();
    let d = parse_document(&svg).unwrap();
    assert_eq!(d.format, Format::VcJwt);
    let svg = unwrap_container(&load("1edtech-ob30/simple-json.svg")).unwrap();
    assert_eq!(
        view(&parse_document(&svg).unwrap()).title.as_deref(),
        Some("Teamwork")
    );
    let plain = load("1edtech-ob30/simple.json");
    assert_eq!(unwrap_container(&plain).unwrap(), plain);
    assert!(unwrap_container(b"\x89PNG\r\n\x1a\n\0\0\0\0IEND\0\0\0\0").is_err());
}

#[test]
fn other_models_are_recognised() {
    let ob2 = doc("1edtech-ob20/basic-assertion.json");
    assert_eq!(ob2.format, Format::OpenBadges2);
    assert_eq!(view(&ob2).issued.as_deref(), Some("2016-12-31T23:59:59Z"));
    let vc1 = json!({"@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"], "issuer": {"id": "did:x", "name": "X"},
        "issuanceDate": "2020-01-01T00:00:00Z", "expirationDate": "2021-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:y", "name": "Y"}});
    let d = parse_document(vc1.to_string().as_bytes()).unwrap();
    assert_eq!(d.format, Format::Vc1);
    let v = view(&d);
    assert_eq!(v.valid_until.as_deref(), Some("2021-01-01T00:00:00Z"));
    assert_eq!(v.learner.name.as_deref(), Some("Y"));
    let vp = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"], "holder": "did:y", "verifiableCredential": [vc1]});
    let d = parse_document(vp.to_string().as_bytes()).unwrap();
    assert_eq!(d.format, Format::Presentation);
    assert_eq!(view(&d).learner.id.as_deref(), Some("did:y"));
    assert_eq!(embedded_credentials(&d).len(), 1);
}

#[test]
fn hostile_inputs_are_refused_with_a_reason() {
    let big = vec![b' '; 50 * 1024 * 1024];
    assert!(bad_input(&big).contains("16 MiB"));

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(bad_input(deep.as_bytes()).contains("nesting deeper than 64 levels"));
    let deep70 = format!("{}{}", "[".repeat(70), "]".repeat(70));
    assert!(bad_input(deep70.as_bytes()).contains("nesting deeper than 64 levels"));

    let m = bad_input(b"{\"a\": \"\xff\xfe\"}");
    assert!(m.contains("not UTF-8 at byte 7"), "{m}");

    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none"})),
        b64(&json!({"vc": {"type": ["VerifiableCredential"]}}))
    );
    assert!(bad_input(none.as_bytes()).contains("alg `none` is never accepted"));

    assert!(bad_input(b"[1, 2, 3]").contains("array of numbers"));
    assert!(bad_input(b"").contains("empty"));
    assert!(bad_input(b"  \n ").contains("empty"));

    let m = bad_input(b"{\n  \"a\": 1,\n    ]");
    assert!(m.starts_with("not JSON:") && m.contains("line 3"), "{m}");
    assert_eq!(
        bad_input(b"{\"name\": \"x\"}"),
        "a JSON document but not a credential: no `type` containing VerifiableCredential, no `@context`"
    );
    assert!(bad_input(b"a.b.c.d.e").contains("JWE"));
    assert!(bad_input(b"hello world").contains("neither JSON nor a JWT"));
    assert!(bad_input(b"eyJhbGciOiJSUzI1NiJ9.%%%.x").contains("neither JSON nor a JWT"));
    let m = bad_input(format!("{}.e30.c2ln", b64(&json!({"alg": "RS256"}))).as_bytes());
    assert!(m.contains("not a credential"), "{m}");
    let m = bad_input(br#"{"payload": "{}", "signatures": []}"#);
    assert!(m.contains("empty `signatures`"), "{m}");
}

#[test]
fn view_is_total_on_odd_shapes() {
    let odd = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", 7, {"x": "y"}],
        "type": ["VerifiableCredential", "OpenBadgeCredential", 3],
        "issuer": 42, "name": ["", {"fr": "Titre"}], "validFrom": false,
        "credentialSubject": [{"achievement": [{"name": {"@value": "A"},
            "alignment": "not a list", "creditsAvailable": "-3",
            "criteria": [1, 2], "tag": [null, 1]}],
            "result": {"value": {"en": "B"}}, "creditsEarned": "x",
            "hasClaim": "nope"}]
    });
    let d = parse_document(odd.to_string().as_bytes()).unwrap();
    let v = view(&d);
    assert_eq!(v.title.as_deref(), Some("A"));
    assert_eq!(v.issuer.id, None);
    assert_eq!(v.ects, None, "negative and non-numeric credits are ignored");
    assert_eq!(v.grade.as_deref(), Some("B"));
    assert_eq!(v.keywords, ["1"]);

    let odd_edc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSubject": {"hasClaim": [{"specifiedBy": {"creditPoint": [{"point": "x"}],
            "eqfLevel": "http://data.europa.eu/snb/eqf/99", "volumeOfLearning": "P2M",
            "learningOutcome": ["plain text outcome", 3]},
            "provenBy": [], "awardedBy": {"awardingBody": "urn:org:1"}}]}
    });
    let v = view(&parse_document(odd_edc.to_string().as_bytes()).unwrap());
    assert_eq!(v.eqf_level, None);
    assert_eq!(v.workload_hours, None);
    assert_eq!(v.ects, None);
    assert_eq!(v.awarding_bodies[0].id.as_deref(), Some("urn:org:1"));
    assert_eq!(v.learning_outcomes, Vec::<String>::new());
}

/// A PNG with one text chunk of `kind` holding `data` (CRC not checked by the reader).
fn png_with(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    png.extend_from_slice(&[0; 4]);
    png.extend_from_slice(b"\0\0\0\0IEND\0\0\0\0");
    png
}

#[test]
fn ob2_baked_badges_in_text_chunks_and_svg_assertions() {
    let assertion = load("1edtech-ob20/basic-assertion.json");
    // Early bakers: a tEXt chunk with keyword `openbadges`.
    let mut chunk = b"openbadges\0".to_vec();
    chunk.extend_from_slice(&assertion);
    let d = parse_document(&unwrap_container(&png_with(b"tEXt", &chunk)).unwrap()).unwrap();
    assert_eq!(d.format, Format::OpenBadges2);
    // Only the URL of a hosted assertion: refused with a reason.
    let url = png_with(b"tEXt", b"openbadges\0https://example.org/assertion.json");
    let e = unwrap_container(&url).unwrap_err().to_string();
    assert!(e.contains("address of its hosted assertion"), "{e}");
    // SVG: a hosted assertion's URL in `verify`, its JSON in CDATA.
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\"><openbadges:assertion verify=\"https://example.org/beths-robotics-badge.json\"><![CDATA[{}]]></openbadges:assertion></svg>",
        String::from_utf8_lossy(&assertion)
    );
    let d = parse_document(&unwrap_container(svg.as_bytes()).unwrap()).unwrap();
    assert_eq!(d.format, Format::OpenBadges2);
    // SVG: a signed assertion's JWS in `verify`.
    let jws = String::from_utf8(load("1edtech-ob20/simple.jwt")).unwrap();
    let svg = format!(
        "<svg><openbadges:assertion verify=\"{}\"/></svg>",
        jws.trim()
    );
    let d = parse_document(&unwrap_container(svg.as_bytes()).unwrap()).unwrap();
    assert_eq!(d.profile(), Format::OpenBadges2);
    let svg = "<svg><openbadges:assertion verify=\"https://example.org/a.json\"/></svg>";
    assert!(unwrap_container(svg.as_bytes()).is_err());
}

#[test]
fn badge_images_are_kept_only_as_checked_data_uris() {
    // OB 2.0: the 1EdTech assertion carrying its image as a PNG data URI.
    let v = view(&doc("1edtech-ob20/assertion-with-data-image.json"));
    assert!(v
        .image
        .as_deref()
        .is_some_and(|i| i.starts_with("data:image/png;base64,iVBOR")));
    // OB 3.0: images by URL are never kept (they would be fetched, telling the issuer).
    let v = view(&doc("1edtech-ob30/complete.json"));
    assert_eq!(v.image, None);
    // OB 3.0 with an achievement image that is an SVG carrying a script: dropped.
    let mut c: serde_json::Value =
        serde_json::from_slice(&load("1edtech-ob30/simple.json")).unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    c["credentialSubject"]["achievement"]["image"] = json!({
        "id": format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)),
        "type": "Image"
    });
    let v = view(&parse_document(&serde_json::to_vec(&c).unwrap()).unwrap());
    assert_eq!(v.image, None);
}

#[test]
fn a_bad_credential_baked_into_an_image_is_named_as_such() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\"><openbadges:credential><![CDATA[{\"name\": \"not a credential\"}]]></openbadges:credential></svg>";
    let inner = unwrap_container(svg.as_bytes()).unwrap();
    let e = parse_unwrapped(svg.as_bytes(), &inner)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "the credential baked into this SVG image: a JSON document but not a credential"
        ),
        "{e}"
    );
    // Plain JSON keeps the plain message.
    let e = parse_unwrapped(&inner, &inner).unwrap_err().to_string();
    assert!(e.starts_with("a JSON document but not a credential"), "{e}");
}
