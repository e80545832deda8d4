//! Blockcerts v3 (`MerkleProof2019`, issue 9 item 5) over real cert-verifier-js vectors
//! (`tests/fixtures/blockcerts/`): the document hash and the Merkle path are checked
//! offline, the blockchain anchor never is, so a genuine credential is unverifiable and a
//! changed one is invalid.

use microcredx::model::{StepKind, StepStatus, Verdict};
use microcredx::verify::{self, Env, Verification};
use serde_json::{json, Value};
use std::path::PathBuf;

const DID_CERT: &str = "testnet-v3-did.json";
const SEPOLIA_CERT: &str = "ethereum-sepolia-v3.json";
const PROFILE: &str = "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json";

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/blockcerts")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn check(doc: &Value, env: &Env) -> Verification {
    verify::verify_bytes(doc.to_string().as_bytes(), env, now()).unwrap()
}

fn has(v: &Verification, kind: StepKind, status: StepStatus, phrase: &str) -> bool {
    v.steps
        .iter()
        .any(|s| s.step == kind && s.status == status && s.message.contains(phrase))
}

#[test]
fn the_real_vector_hash_and_merkle_path_check_out_and_the_anchor_is_unverifiable() {
    let v = check(&fixture(DID_CERT), &Env::default());
    assert_eq!(v.verdict, Verdict::Unverifiable, "{:#?}", v.steps);
    assert!(
        !v.steps.iter().any(|s| s.status == StepStatus::Fail),
        "{:#?}",
        v.steps
    );
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Pass,
        "hash eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1"
    ));
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Pass,
        "Merkle path (1 step) leads from the credential's hash to the Merkle root 68df661a"
    ));
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Skip,
        "anchored on the Bitcoin testnet in transaction 140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e; the anchor cannot be checked offline"
    ));
    assert!(has(
        &v,
        StepKind::IssuerIdentity,
        StepStatus::Skip,
        "DID document (did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ) is not cached"
    ));
}

#[test]
fn the_real_vector_maps_into_the_view() {
    let v = check(&fixture(DID_CERT), &Env::default());
    let c = &v.credential;
    assert_eq!(c.title.as_deref(), Some("V3 issuance"));
    assert_eq!(
        c.description.as_deref(),
        Some("A v3 working example for test purposes")
    );
    assert_eq!(c.issuer.name.as_deref(), Some("Hyland Innovation Team"));
    assert_eq!(
        c.issuer.id.as_deref(),
        Some("did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ")
    );
    assert_eq!(c.learner.name.as_deref(), Some("Julien Fraichot"));
    assert_eq!(c.issued.as_deref(), Some("2022-02-02T15:00:00Z"));
}

#[test]
fn a_single_credential_batch_on_ethereum_sepolia_checks_out() {
    let v = check(&fixture(SEPOLIA_CERT), &Env::default());
    assert_eq!(v.verdict, Verdict::Unverifiable, "{:#?}", v.steps);
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Pass,
        "Merkle path (0 steps)"
    ));
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Skip,
        "anchored on the Ethereum Sepolia test network in transaction 0x1f61547002400"
    ));
    assert!(has(
        &v,
        StepKind::IssuerIdentity,
        StepStatus::Skip,
        "issuer's profile (https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json) is not cached"
    ));
}

#[test]
fn a_cached_issuer_profile_confirms_or_refutes_the_key() {
    let profile = |key: &str| {
        json!({
            "@context": ["https://w3id.org/openbadges/v2", "https://w3id.org/blockcerts/v3"],
            "type": "Profile",
            "id": PROFILE,
            "name": "Blockcerts sample issuer",
            "verificationMethod": [{"id": key, "type": "EcdsaSecp256k1VerificationKey2019",
                "controller": PROFILE}]
        })
    };
    let mut env = Env::default();
    env.proof
        .keys
        .insert(profile(&format!("{PROFILE}#key-1")))
        .unwrap();
    let v = check(&fixture(SEPOLIA_CERT), &env);
    assert!(has(
        &v,
        StepKind::IssuerIdentity,
        StepStatus::Pass,
        "is listed in the cached"
    ));
    // The anchor still cannot be checked offline.
    assert_eq!(v.verdict, Verdict::Unverifiable, "{:#?}", v.steps);

    let mut env = Env::default();
    env.proof.keys.insert(profile("#key-2")).unwrap();
    let v = check(&fixture(SEPOLIA_CERT), &env);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(has(
        &v,
        StepKind::IssuerIdentity,
        StepStatus::Fail,
        "does not list the key"
    ));
}

#[test]
fn a_changed_name_is_invalid() {
    let mut doc = fixture(DID_CERT);
    doc["credentialSubject"]["name"] = json!("Mallory");
    let v = check(&doc, &Env::default());
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Fail,
        "The credential was changed after it was issued"
    ));
}

#[test]
fn the_upstream_tampered_vector_is_invalid() {
    let v = check(&fixture("testnet-v3--tampered.json"), &Env::default());
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
}

/// Re-encode the proof with one hex digit of its Merkle path changed.
fn tamper_path(doc: &mut Value) {
    let pv = doc["proof"]["proofValue"].as_str().unwrap();
    let mut bytes = bs58::decode(&pv[1..]).into_vec().unwrap();
    // The left sibling, as the issuer wrote it: CBOR text "78e670a0…".
    let at = bytes
        .windows(8)
        .position(|w| w == b"78e670a0")
        .expect("the sibling hash");
    bytes[at] = b'8';
    doc["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(bytes).into_string()));
}

#[test]
fn a_changed_merkle_path_is_invalid() {
    let mut doc = fixture(DID_CERT);
    tamper_path(&mut doc);
    let v = check(&doc, &Env::default());
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    // The document itself is untouched...
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Pass,
        "nothing was changed"
    ));
    // ...but its path no longer reaches the anchored root.
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Fail,
        "its path does not lead from the credential's hash to the Merkle root"
    ));
}

#[test]
fn a_garbled_proof_value_is_invalid_and_an_unknown_context_unverifiable() {
    let mut doc = fixture(DID_CERT);
    doc["proof"]["proofValue"] = json!("z7veGu1qoKR3");
    let v = check(&doc, &Env::default());
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Fail,
        "proofValue is malformed"
    ));

    let mut doc = fixture(DID_CERT);
    doc["@context"][2] = json!("https://example.org/unknown-context");
    let v = check(&doc, &Env::default());
    assert_eq!(v.verdict, Verdict::Unverifiable, "{:#?}", v.steps);
    assert!(has(
        &v,
        StepKind::Proof,
        StepStatus::Skip,
        "is not bundled or cached"
    ));
}
