//! Unit tests of the issuer module: signing as did:key and did:web, learners table errors,
//! the status list bit layout, and signed documents accepted by the wallet's checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::did::KeyCache;
use crate::proof::di::{verify_proofs, ProofEnv};
use crate::verify::StatusCache;

fn spec() -> &'static str {
    r#"{"id": "https://uni.example/a/1", "name": "Digital Twins", "description": "Modelling plants.",
        "ects": 4, "eqfLevel": 6, "learningOutcomes": [{"name": "Build a digital twin",
        "uri": "http://data.europa.eu/esco/skill/abc"}, "Explain sensor fusion"],
        "assessmentType": "Supervised written exam", "participationForm": "Blended",
        "qualityAssurance": "Accredited by the national agency"}"#
}

#[test]
fn did_key_and_did_web_signatures_verify() {
    let key = KeyPair::generate();
    let plain = Issuer::new(key.clone(), "Uni", Some("de"), None).unwrap();
    let web = Issuer::new(key, "Uni", Some("DE"), Some("uni.example")).unwrap();
    assert_eq!(web.id(), "did:web:uni.example");
    let t = badge::parse_achievement(spec()).unwrap();
    let (rows, bad) = learners::parse_learners("name,grade\nMaria Ionescu,A\n").unwrap();
    assert!(bad.is_empty());
    let opts = BatchOptions {
        suite: Suite::EddsaRdfc2022,
        created: now(),
    };
    for issuer in [&plain, &web] {
        let out = issue_batch(issuer, &t, &rows, &opts, &mut [], &mut |_| {});
        let c = &out[0].as_ref().unwrap().credential;
        let mut env = ProofEnv::default();
        if let Some(doc) = issuer.did_document() {
            env.keys = KeyCache::default();
            env.keys.insert(doc).unwrap();
        }
        let checks = verify_proofs(c, &env);
        assert!(checks[0].outcome.is_ok(), "{:?}", checks[0].outcome);
        assert_eq!(checks[0].controller.as_deref(), Some(issuer.id()));
        let view = crate::formats::view(&crate::formats::Document::from_value(c.clone()).unwrap());
        assert_eq!(view.ects, Some(4.0));
        assert_eq!(view.eqf_level, Some(6));
        assert_eq!(view.issuer.country.as_deref(), Some("DE"));
        assert_eq!(view.learning_outcomes.len(), 2);
        assert_eq!(view.participation_form.as_deref(), Some("Blended"));
    }
}

#[test]
fn bad_rows_are_named() {
    let (good, bad) = learners::parse_learners(
        "id,name,issued\ndid:example:1,Ana,2025-01-02\n,,2025-01-02\nx,Bo,2025-01-02\n,Cy,2025-13-40\n,Di\n",
    )
    .unwrap();
    assert_eq!(good.len(), 1);
    let msgs: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert!(
        msgs[0].starts_with("row 2 (line 3): the name is missing"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("row 3") && msgs[1].contains("not a DID"),
        "{msgs:?}"
    );
    assert!(
        msgs[2].contains("row 4") && msgs[2].contains("not a date"),
        "{msgs:?}"
    );
    assert!(
        msgs[3].contains("row 5") && msgs[3].contains("2 columns"),
        "{msgs:?}"
    );
    assert!(learners::parse_learners("nom\nx\n").is_err());
}

#[test]
fn status_bits_match_the_wallet_reader() {
    let issuer = Issuer::new(KeyPair::generate(), "Uni", None, None).unwrap();
    let mut list = StatusList::new(
        "https://uni.example/status/1",
        "revocation",
        1024,
        issuer.id(),
    )
    .unwrap();
    for _ in 0..10 {
        list.allocate().unwrap();
    }
    list.set(9, true).unwrap();
    assert!(list.set(9, false).is_err());
    let doc = list.credential(&issuer).unwrap();
    assert!(verify_proofs(&doc, &ProofEnv::default())[0].outcome.is_ok());
    let mut cache = StatusCache::default();
    cache.insert(doc, None).unwrap();
    let set = cache.check(&list.entry(9));
    let clear = cache.check(&list.entry(8));
    assert!(
        matches!(set, crate::verify::status::StatusOutcome::Set { .. }),
        "{set:?}"
    );
    assert!(matches!(
        clear,
        crate::verify::status::StatusOutcome::Clear { .. }
    ));
}

#[test]
fn registry_is_accepted_by_the_wallet_check() {
    let issuer = Issuer::new(KeyPair::generate(), "Net", None, Some("net.example")).unwrap();
    let doc = documents::sign_registry(
        &issuer,
        r#"{"name": "Net", "members": [{"id": "did:web:a.example", "name": "A", "country": "pt"}]}"#,
    )
    .unwrap();
    assert_eq!(
        crate::store::check_signed_by_issuer(&doc, "registry").unwrap(),
        issuer.profile.did_key
    );
    assert_eq!(doc["members"][0]["country"], "PT");
    assert!(
        documents::sign_registry(&issuer, r#"{"name": "Net", "members": [{"id": "x"}]}"#)
            .unwrap_err()
            .to_string()
            .contains("members[0]")
    );
}

#[test]
fn uuids_are_version_4() {
    let u = new_urn_uuid();
    assert_eq!(u.len(), 45);
    assert_eq!(&u[23..24], "4");
    assert_ne!(u, new_urn_uuid());
}

/// Issue 14: the issuer signs only conforming credentials, by the verifier's own rules
/// (`crate::verify::conformance`); status lists and `issue_batch` credentials pass them.
#[test]
fn the_issuer_refuses_to_sign_a_nonconforming_credential() {
    let issuer = Issuer::new(KeyPair::generate(), "Uni", None, None).unwrap();
    let good = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer.id(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ana", "name": "Ana"}
    });
    let contexts = ContextLoader::bundled();
    assert!(issuer
        .sign(&good, Suite::EddsaRdfc2022, now(), &contexts)
        .is_ok());
    for (member, value, phrase) in [
        (
            "type",
            json!(["Credential"]),
            "does not include VerifiableCredential",
        ),
        ("credentialSubject", json!({}), "makes no claim"),
        (
            "evidence",
            json!({"id": "https://uni.example/e/1"}),
            "its evidence has no type",
        ),
        (
            "validFrom",
            json!("2025-01-01"),
            "is not an XML Schema dateTimeStamp",
        ),
        ("issuer", json!({"id": null}), "its issuer object has no id"),
    ] {
        let mut bad = good.clone();
        bad[member] = value;
        let e = issuer
            .sign(&bad, Suite::EddsaRdfc2022, now(), &contexts)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("not a conforming verifiable credential, so it was not signed: ")
                && e.contains(phrase),
            "{member}: {e}"
        );
    }
    let list = StatusList::new(
        "https://uni.example/status/1",
        "revocation",
        1024,
        issuer.id(),
    )
    .unwrap();
    assert!(list.credential(&issuer).is_ok());
}

/// SD-JWT VC issuing (issue 18, part 4): a did:key issuer (its key is in its DID), a learner
/// bound by a P-256 did:jwk, claims disclosable as a type metadata's `sd` says, and a Token
/// Status List the issuer re-signs: the wallet verifies it, sees the grade only when it is
/// disclosed, and reads a revocation as inactive.
#[test]
fn sd_jwt_credentials_verify_in_the_wallet_with_their_token_status_list() {
    use crate::model::{LapseKind, Verdict};
    use base64::Engine;
    let issuer = Issuer::new(KeyPair::generate(), "Uni", Some("DE"), None).unwrap();
    let template = parse_achievement(spec()).unwrap();
    let holder = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let jwk = p256::PublicKey::from(holder.verifying_key()).to_jwk_string();
    let did = format!(
        "did:jwk:{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jwk.as_bytes())
    );
    let csv = format!("id,name,grade\n{did},Maria,1.7\n,Nobody,2.0\n");
    let (rows, bad) = parse_learners(&csv).unwrap();
    assert!(bad.is_empty());
    // A type whose grade the learner may withhold (the bundled DC4EU type signs every claim
    // in the clear).
    let metadata = serde_json::json!({
        "vct": sdjwt::VCT, "name": "Micro-credential",
        "claims": [{"path": ["credentialSubject", "result[0]", "value"], "sd": "allowed",
                    "display": [{"lang": "en", "label": "Grade"}]},
                   {"path": ["credentialSubject", "name"], "sd": "always"}]
    })
    .to_string();
    let mut list = StatusList::new(
        "https://uni.example/status/1",
        "revocation",
        64,
        issuer.id(),
    )
    .unwrap();
    list.state.token = true;
    let mut lists = vec![list];
    let out = sdjwt::issue_batch(
        &issuer,
        &template,
        &rows,
        now(),
        &metadata,
        &mut lists,
        &mut |_| {},
    );
    assert!(out[1]
        .as_ref()
        .unwrap_err()
        .message
        .contains("no learner id"));
    let issued = out[0].as_ref().unwrap();
    assert_eq!(
        issued.status,
        [("https://uni.example/status/1".to_string(), 0)]
    );
    let mut env = crate::verify::Env::default();
    env.proof.keys.insert_at(
        &format!("vct:{}", sdjwt::VCT),
        Value::String(metadata.clone()),
    );
    let token = lists[0].token(&issuer).unwrap();
    env.proof
        .keys
        .insert_at("https://uni.example/status/1", Value::String(token));
    let v = crate::verify::verify_bytes(issued.sd_jwt.as_bytes(), &env, now()).unwrap();
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.grade.as_deref(), Some("1.7"));
    assert_eq!(v.credential.ects, Some(4.0));
    // The learner withholds the grade.
    let vp = crate::portfolio::sdjwt::present(
        issued.sd_jwt.as_bytes(),
        &["credentialSubject.name".into()],
        &holder,
        "https://employer.example",
        "n",
        now().timestamp(),
    )
    .unwrap();
    let v = crate::verify::verify_bytes(vp.as_bytes(), &env, now()).unwrap();
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.grade, None);
    assert!(
        v.steps
            .iter()
            .any(|s| s.message.contains("chose not to show: Grade")),
        "{:#?}",
        v.steps
    );
    let shown = crate::portfolio::sdjwt::present(
        issued.sd_jwt.as_bytes(),
        &[
            "credentialSubject.result.0.value".into(),
            "credentialSubject.name".into(),
        ],
        &holder,
        "https://employer.example",
        "n",
        now().timestamp(),
    )
    .unwrap();
    let v = crate::verify::verify_bytes(shown.as_bytes(), &env, now()).unwrap();
    assert_eq!(v.credential.grade.as_deref(), Some("1.7"), "{:#?}", v.steps);
    assert!(
        !v.steps
            .iter()
            .any(|s| s.message.contains("chose not to show")),
        "{:#?}",
        v.steps
    );
    // Revoked, and the re-signed token believed: inactive, the signature still passing.
    lists[0].set(0, true).unwrap();
    env.proof.keys.insert_at(
        "https://uni.example/status/1",
        Value::String(lists[0].token(&issuer).unwrap()),
    );
    let v = crate::verify::verify_bytes(issued.sd_jwt.as_bytes(), &env, now()).unwrap();
    assert_eq!(v.verdict, Verdict::Inactive, "{:#?}", v.steps);
    assert_eq!(
        crate::verify::lapse_of(&v.steps).unwrap().kind,
        LapseKind::Revoked
    );
}
