//! A status list is believed only after it is itself verified (issue 14): its proof, its
//! dates, its type, its purpose and its issuer. A list that cannot be believed leaves the
//! status "not checked", never "not revoked"; a set bit of a believed list makes a genuine
//! credential inactive (revoked), with its proof and issuer steps still checked and passing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::issuer::{Issuer, StatusList};
use crate::proof::contexts::ContextLoader;
use crate::proof::di::Suite;
use crate::proof::keys::KeyPair;
use serde_json::json;

const URL: &str = "https://uni.example/status/1";

/// The issuer stamps lists with the real clock, so the verifier's clock is a little later.
fn now() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::minutes(1)
}

struct Setup {
    issuer: Issuer,
    list: StatusList,
    credential: Value,
}

fn setup() -> Setup {
    let issuer = Issuer::new(KeyPair::generate(), "Uni", None, None).unwrap();
    let mut list = StatusList::new(URL, "revocation", 1024, issuer.id()).unwrap();
    let index = list.allocate().unwrap();
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:5b0c2f9e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer.id(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:maria", "name": "Maria"},
        "credentialStatus": list.entry(index),
    });
    let credential = issuer
        .sign(&doc, Suite::EddsaRdfc2022, now(), &ContextLoader::bundled())
        .unwrap();
    Setup {
        issuer,
        list,
        credential,
    }
}

fn verify_with(credential: &Value, list: Value) -> Verification {
    let mut env = Env::default();
    env.status.insert(list, Some(URL)).unwrap();
    verify_document(
        &Document::from_value(credential.clone()).unwrap(),
        &env,
        now(),
    )
}

fn status_step(v: &Verification) -> &Step {
    v.steps.iter().find(|s| s.step == StepKind::Status).unwrap()
}

/// Re-sign the list after `change` (so only the change under test is wrong).
fn resigned(s: &Setup, change: impl FnOnce(&mut Value)) -> Value {
    let mut doc = s.list.credential(&s.issuer).unwrap();
    doc.as_object_mut().unwrap().remove("proof");
    change(&mut doc);
    s.issuer
        .sign(&doc, Suite::EddsaRdfc2022, now(), &ContextLoader::bundled())
        .unwrap()
}

#[test]
fn a_verified_list_with_a_clear_bit_passes() {
    let s = setup();
    let v = verify_with(&s.credential, s.list.credential(&s.issuer).unwrap());
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(status_step(&v).status, StepStatus::Pass);
}

#[test]
fn a_set_bit_makes_a_genuine_credential_inactive_with_every_other_step_checked() {
    let mut s = setup();
    s.list.set(0, true).unwrap();
    let v = verify_with(&s.credential, s.list.credential(&s.issuer).unwrap());
    assert_eq!(v.verdict, Verdict::Inactive, "{:#?}", v.steps);
    let st = status_step(&v);
    assert_eq!(st.status, StepStatus::Fail);
    assert_eq!(st.lapse.as_ref().unwrap().kind, LapseKind::Revoked);
    for kind in [StepKind::Proof, StepKind::IssuerIdentity, StepKind::Dates] {
        assert!(
            v.steps
                .iter()
                .any(|x| x.step == kind && x.status == StepStatus::Pass),
            "{kind:?} checked and passing: {:#?}",
            v.steps
        );
    }
    // A revoked credential that was also changed is invalid: the forgery wins.
    let mut changed = s.credential.clone();
    changed["credentialSubject"]["name"] = "Mallory".into();
    let v = verify_with(&changed, s.list.credential(&s.issuer).unwrap());
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
}

#[test]
fn a_list_that_cannot_be_believed_leaves_the_status_not_checked() {
    let s = setup();
    let cases: Vec<(&str, Value)> = vec![
        (
            "it expired on 31 December 2025",
            resigned(&s, |d| {
                d["validFrom"] = "2025-01-01T00:00:00Z".into();
                d["validUntil"] = "2025-12-31T00:00:00Z".into();
            }),
        ),
        (
            "it is not valid before 1 January 2099",
            resigned(&s, |d| d["validFrom"] = "2099-01-01T00:00:00Z".into()),
        ),
        (
            "it is not of type BitstringStatusListCredential",
            resigned(&s, |d| d["type"] = json!(["VerifiableCredential"])),
        ),
        (
            "it is not a list for revocation",
            resigned(&s, |d| {
                d["credentialSubject"]["statusPurpose"] = "suspension".into()
            }),
        ),
        ("its proof is not valid", {
            // Signed with the bit set, then the bit cleared: the proof no longer matches.
            let mut l = StatusList::new(URL, "revocation", 1024, s.issuer.id()).unwrap();
            l.allocate().unwrap();
            l.set(0, true).unwrap();
            let mut doc = l.credential(&s.issuer).unwrap();
            doc["credentialSubject"]["encodedList"] =
                s.list.credential(&s.issuer).unwrap()["credentialSubject"]["encodedList"].clone();
            doc
        }),
        ("not by the credential's issuer", {
            let other = Issuer::new(KeyPair::generate(), "Other", None, None).unwrap();
            let mut l = StatusList::new(URL, "revocation", 1024, other.id()).unwrap();
            l.allocate().unwrap();
            l.credential(&other).unwrap()
        }),
        ("it carries no proof", {
            let mut doc = s.list.credential(&s.issuer).unwrap();
            doc.as_object_mut().unwrap().remove("proof");
            doc
        }),
    ];
    for (why, list) in cases {
        let v = verify_with(&s.credential, list);
        let st = status_step(&v);
        assert_eq!(st.status, StepStatus::Skip, "{why}: {:#?}", v.steps);
        assert!(
            st.message.contains("cannot be believed") && st.message.contains(why),
            "{why}: {}",
            st.message
        );
        assert_ne!(
            v.verdict,
            Verdict::Invalid,
            "{why}: the credential itself is fine"
        );
    }
}
