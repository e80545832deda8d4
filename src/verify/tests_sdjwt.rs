//! SD-JWT VC (issue 18): issued here with a P-256 key, verified offline with the issuer's
//! metadata in the key cache. Disclosures (object, array element, recursive, decoys), every
//! way they can disagree with the signed digests, key binding, Token Status List, and the bad
//! input the issue lists, each with the step that names the problem.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use p256::elliptic_curve::rand_core::OsRng;
use serde_json::json;
use std::io::Write;

const ISS: &str = "https://uni.example";
const LIST: &str = "https://uni.example/status/1";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn jwk(key: &SigningKey, kid: &str) -> Value {
    let public = p256::PublicKey::from(key.verifying_key());
    let mut j: Value = serde_json::from_str(&public.to_jwk_string()).unwrap();
    j["kid"] = json!(kid);
    j
}

fn sign_jwt(key: &SigningKey, header: &Value, payload: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let sig: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

fn disclosure(parts: Value) -> (String, String) {
    let d = b64(parts.to_string().as_bytes());
    let digest = crate::formats::sd_digest("sha-256", &d).unwrap();
    (d, digest)
}

struct Issuer {
    key: SigningKey,
    holder: SigningKey,
    env: Env,
}

fn issuer() -> Issuer {
    let key = SigningKey::random(&mut OsRng);
    let holder = SigningKey::random(&mut OsRng);
    let mut env = Env::default();
    env.proof.keys.insert_at(
        &sdjwt::jwt_vc_issuer_url(ISS).unwrap(),
        json!({"issuer": ISS, "jwks": {"keys": [jwk(&key, "k1")]}}),
    );
    Issuer { key, holder, env }
}

impl Issuer {
    /// An SD-JWT VC whose `ects_credits`, `grade` and one learning outcome are disclosable,
    /// with one decoy digest; `edit` changes the payload before signing.
    fn issue(&self, edit: impl Fn(&mut Value)) -> (String, Vec<String>) {
        let (ects, ects_dg) = disclosure(json!(["s1", "ects_credits", 5]));
        let (grade, grade_dg) = disclosure(json!(["s2", "grade", "1.7"]));
        let (outcome, outcome_dg) = disclosure(json!(["s3", "Plan maintenance"]));
        let (_, decoy) = disclosure(json!(["s4", "decoy", 0]));
        let mut payload = json!({
            "iss": ISS, "iat": 1_750_000_000, "exp": 4_000_000_000u64,
            "vct": "urn:eudi:micro_credential:1",
            "cnf": {"jwk": jwk(&self.holder, "h")},
            "title": "Predictive Maintenance", "issuer_name": "Uni", "issuer_country": "DE",
            "learning_outcomes": ["Analyse sensor data", {"...": outcome_dg}],
            "_sd": [ects_dg, grade_dg, decoy],
            "_sd_alg": "sha-256",
        });
        edit(&mut payload);
        let jwt = sign_jwt(
            &self.key,
            &json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"}),
            &payload,
        );
        (jwt, vec![ects, grade, outcome])
    }
}

impl Issuer {
    /// The issuer's trust data with `jwk` as the one key of its JWT VC Issuer Metadata.
    fn env_with_key(&self, jwk: Value) -> Env {
        let mut env = self.env.clone();
        env.proof.keys.insert_at(
            &sdjwt::jwt_vc_issuer_url(ISS).unwrap(),
            json!({"issuer": ISS, "jwks": {"keys": [jwk]}}),
        );
        env
    }
}

fn compact(jwt: &str, disclosures: &[String]) -> String {
    let mut s = format!("{jwt}~");
    for d in disclosures {
        s.push_str(d);
        s.push('~');
    }
    s
}

fn verify(text: &str, env: &Env) -> Verification {
    verify_bytes(text.as_bytes(), env, Utc::now()).unwrap()
}

fn failed(v: &Verification) -> Vec<&str> {
    v.steps
        .iter()
        .filter(|s| s.status == StepStatus::Fail)
        .map(|s| s.message.as_str())
        .collect()
}

/// Some failed step of `v` says `needle`.
fn assert_fails_with(v: &Verification, needle: &str) {
    assert!(
        failed(v).iter().any(|m| m.contains(needle)),
        "no failed step says {needle:?}: {:#?}",
        v.steps
    );
}

#[test]
fn a_genuine_sd_jwt_vc_is_valid_with_its_disclosed_claims_in_the_view() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let v = verify(&compact(&jwt, &ds), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.format, Format::SdJwtVc);
    assert_eq!(v.credential.ects, Some(5.0));
    assert_eq!(v.credential.grade.as_deref(), Some("1.7"));
    assert_eq!(
        v.credential.learning_outcomes,
        ["Analyse sensor data", "Plan maintenance"]
    );
    assert_eq!(v.credential.issuer.id.as_deref(), Some(ISS));
    // Withholding the grade is still valid; the grade is simply not there.
    let v = verify(&compact(&jwt, &[ds[0].clone(), ds[2].clone()]), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.grade, None);
}

#[test]
fn disclosures_that_disagree_with_the_signed_digests_make_it_invalid() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    // A changed disclosure: its digest is nowhere.
    let (forged, _) = disclosure(json!(["s1", "ects_credits", 30]));
    let v = verify(&compact(&jwt, &[forged, ds[1].clone()]), &i.env);
    assert_eq!(v.verdict, Verdict::Invalid);
    assert_fails_with(&v, "matches no digest");
    assert_eq!(
        v.credential.ects, None,
        "a forged claim never reaches the view"
    );
    // A named claim referenced as an array element.
    let (named, named_dg) = disclosure(json!(["s9", "grade", "1.0"]));
    let (jwt2, _) = i.issue(|p| p["learning_outcomes"] = json!([{"...": named_dg}]));
    let v = verify(&compact(&jwt2, &[named]), &i.env);
    assert_fails_with(&v, "referenced as an element");
    // A disclosed claim that collides with a plain one.
    let (dup, dup_dg) = disclosure(json!(["s8", "title", "Another title"]));
    let (jwt3, _) = i.issue(|p| p["_sd"] = json!([dup_dg]));
    let v = verify(&compact(&jwt3, &[dup]), &i.env);
    assert_fails_with(&v, "already has");
    // The same digest twice.
    let (one, one_dg) = disclosure(json!(["s7", "eqf_level", 6]));
    let (jwt4, _) = i.issue(|p| p["_sd"] = json!([one_dg, one_dg]));
    let v = verify(&compact(&jwt4, &[one]), &i.env);
    assert_fails_with(&v, "more than once");
}

#[test]
fn recursive_disclosures_open_inside_disclosed_values() {
    let i = issuer();
    let (given, given_dg) = disclosure(json!(["a", "given_name", "Maria"]));
    let (family, family_dg) = disclosure(json!(["b", "family_name", "Ionescu"]));
    let (learner, learner_dg) = disclosure(json!(["c", "learner", {"_sd": [given_dg, family_dg]}]));
    let (jwt, _) = i.issue(|p| p["_sd"] = json!([learner_dg]));
    let v = verify(
        &compact(&jwt, &[learner.clone(), given.clone(), family]),
        &i.env,
    );
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.learner.name.as_deref(), Some("Maria Ionescu"));
    let v = verify(&compact(&jwt, &[learner, given]), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.learner.name.as_deref(), Some("Maria"));
}

#[test]
fn a_changed_payload_another_key_and_alg_none_are_invalid() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let parts: Vec<&str> = jwt.split('.').collect();
    let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let changed = b64(payload.replace("\"DE\"", "\"FR\"").as_bytes());
    let tampered = format!("{}.{changed}.{}", parts[0], parts[2]);
    assert_eq!(
        verify(&compact(&tampered, &ds), &i.env).verdict,
        Verdict::Invalid
    );
    let other = Issuer {
        key: SigningKey::random(&mut OsRng),
        holder: SigningKey::random(&mut OsRng),
        env: Env::default(),
    };
    let (forged, fds) = other.issue(|_| {});
    assert_eq!(
        verify(&compact(&forged, &fds), &i.env).verdict,
        Verdict::Invalid
    );
    let none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "dc+sd-jwt"})
            .to_string()
            .as_bytes()),
        parts[1]
    );
    let v = verify(&compact(&none, &ds), &i.env);
    assert_eq!(v.verdict, Verdict::Invalid);
    assert_fails_with(&v, "alg none");
}

#[test]
fn an_unknown_issuer_is_unverifiable_and_expired_is_inactive() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    assert_eq!(
        verify(&compact(&jwt, &ds), &Env::default()).verdict,
        Verdict::Unverifiable
    );
    let (old, ds) = i.issue(|p| p["exp"] = json!(1_760_000_000));
    let v = verify(&compact(&old, &ds), &i.env);
    assert_eq!(v.verdict, Verdict::Inactive, "{:#?}", v.steps);
    assert_eq!(lapse_of(&v.steps).unwrap().kind, LapseKind::Expired);
}

#[test]
fn key_binding_is_checked_against_the_cnf_key_and_the_disclosures() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let presented = compact(&jwt, &ds[..1]);
    let sd_hash = crate::formats::sd_digest("sha-256", &presented).unwrap();
    let kb = |key: &SigningKey, hash: &str| {
        sign_jwt(
            key,
            &json!({"alg": "ES256", "typ": "kb+jwt"}),
            &json!({"iat": 1_780_000_000, "aud": "https://employer.example", "nonce": "n-1", "sd_hash": hash}),
        )
    };
    let v = verify(&format!("{presented}{}", kb(&i.holder, &sd_hash)), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v
        .steps
        .iter()
        .any(|s| s.message.contains("Presented by its holder")));
    let thief = SigningKey::random(&mut OsRng);
    let v = verify(&format!("{presented}{}", kb(&thief, &sd_hash)), &i.env);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    // A KB-JWT made for other disclosures.
    let v = verify(
        &format!("{}{}", compact(&jwt, &ds), kb(&i.holder, &sd_hash)),
        &i.env,
    );
    assert_fails_with(&v, "sd_hash");
    // No cnf at all: it can never be presented with key binding.
    let (unbound, uds) = i.issue(|p| {
        p.as_object_mut().unwrap().remove("cnf");
    });
    assert_eq!(
        verify(&compact(&unbound, &uds), &i.env).verdict,
        Verdict::Invalid
    );
}

fn status_token(key: &SigningKey, bytes: &[u8], bits: u8) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).unwrap();
    let lst = b64(&z.finish().unwrap());
    sign_jwt(
        key,
        &json!({"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1"}),
        &json!({"sub": LIST, "iat": 1_750_000_000, "status_list": {"bits": bits, "lst": lst}}),
    )
}

#[test]
fn a_token_status_list_is_believed_only_when_the_issuer_signed_it() {
    let mut i = issuer();
    let with_status = |idx: u64| {
        move |p: &mut Value| p["status"] = json!({"status_list": {"idx": idx, "uri": LIST}})
    };
    // Entry 0 valid, entry 1 revoked (1), entry 2 suspended (2), at 2 bits each.
    i.env
        .proof
        .keys
        .insert_at(LIST, Value::String(status_token(&i.key, &[0b0010_0100], 2)));
    for (idx, verdict, kind) in [
        (0, Verdict::Valid, None),
        (1, Verdict::Inactive, Some(LapseKind::Revoked)),
        (2, Verdict::Inactive, Some(LapseKind::Suspended)),
    ] {
        let (jwt, ds) = i.issue(with_status(idx));
        let v = verify(&compact(&jwt, &ds), &i.env);
        assert_eq!(v.verdict, verdict, "entry {idx}: {:#?}", v.steps);
        assert_eq!(lapse_of(&v.steps).map(|l| l.kind), kind);
    }
    // The same list signed by someone else is not believed: not checked, never "not revoked".
    let stranger = SigningKey::random(&mut OsRng);
    i.env.proof.keys.insert_at(
        LIST,
        Value::String(status_token(&stranger, &[0b0010_0100], 2)),
    );
    let (jwt, ds) = i.issue(with_status(1));
    let v = verify(&compact(&jwt, &ds), &i.env);
    let status = v.steps.iter().find(|s| s.step == StepKind::Status).unwrap();
    assert_eq!(status.status, StepStatus::Skip, "{:#?}", v.steps);
    assert!(status.message.contains("cannot be believed"));
}

#[test]
fn a_compressed_status_list_bomb_is_refused_not_inflated() {
    let key = SigningKey::random(&mut OsRng);
    let zeros = vec![0u8; (sdjwt::MAX_STATUS_LIST_BYTES + 1024) as usize];
    let token = status_token(&key, &zeros, 1);
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let err = sdjwt::token_status(&payload["status_list"], 0).unwrap_err();
    assert!(err.contains("compression bomb"), "{err}");
}

#[test]
fn malformed_sd_jwts_get_a_clear_error_naming_the_problem() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let err = |text: &str| match verify_bytes(text.as_bytes(), &i.env, Utc::now()) {
        Err(crate::Error::BadInput(m)) => m,
        other => panic!("expected a clear error, got {other:?}"),
    };
    assert!(err(&format!("{jwt}~@@~")).contains("disclosure 1 is not base64url"));
    assert!(err(&format!("{jwt}~{}~", b64(b"not json"))).contains("not usable JSON"));
    assert!(err(&format!("{jwt}~{}~", b64(b"[\"salt\"]"))).contains("1 elements"));
    assert!(err(&format!("{jwt}~{}~", b64(b"[\"s\",\"_sd\",1]"))).contains("reserved"));
    let many = vec![ds[0].clone(); crate::formats::MAX_DISCLOSURES + 1];
    assert!(err(&compact(&jwt, &many)).contains("disclosures, more than"));
    // Deeply nested arrays inside a disclosure.
    let deep = format!("[\"s\",\"x\",{}1{}]", "[".repeat(200), "]".repeat(200));
    let message = err(&format!("{jwt}~{}~", b64(deep.as_bytes())));
    assert!(message.contains("nesting deeper"), "{message}");
    // The parser's own limit on disclosed nesting, below the JSON limit.
    let (nested, nested_dg) = disclosure(json!(["s", "x", 1]));
    let mut inner = json!({"_sd": [nested_dg]});
    for _ in 0..40 {
        inner = json!({"a": inner});
    }
    let (jwt2, _) = i.issue(|p| p["deep"] = inner.clone());
    let message = err(&compact(&jwt2, &[nested]));
    assert!(message.contains("nest deeper"), "{message}");
}

#[test]
fn the_learner_presents_only_the_chosen_claims_bound_to_the_verifier() {
    use crate::portfolio::sdjwt;
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let original = compact(&jwt, &ds);
    let offered = sdjwt::claims(original.as_bytes()).unwrap();
    let grade = offered.iter().find(|c| c.path == "grade").unwrap();
    assert!(grade.can_withhold);
    assert_eq!(grade.value, "1.7");
    let title = offered.iter().find(|c| c.path == "title").unwrap();
    assert!(
        !title.can_withhold,
        "a claim signed in the clear is always shown"
    );
    let chosen = vec![
        "ects_credits".to_string(),
        "learning_outcomes.1".to_string(),
    ];
    let vp = sdjwt::present(
        original.as_bytes(),
        &chosen,
        &i.holder,
        "https://employer.example",
        "n-7",
        Utc::now().timestamp(),
    )
    .unwrap();
    let v = verify(&vp, &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v
        .steps
        .iter()
        .any(|s| s.message.contains("Presented by its holder")));
    assert_eq!(v.credential.ects, Some(5.0));
    assert_eq!(v.credential.grade, None, "the grade stays with the learner");
    assert_eq!(
        v.credential.learning_outcomes,
        ["Analyse sensor data", "Plan maintenance"]
    );
    // Another wallet's key, and a claim the credential does not have, are refused.
    let other = SigningKey::random(&mut OsRng);
    let e = sdjwt::present(original.as_bytes(), &chosen, &other, "a", "n", 0).unwrap_err();
    assert!(e.to_string().contains("bound to another key"), "{e}");
    let e = sdjwt::present(
        original.as_bytes(),
        &["diploma".into()],
        &i.holder,
        "a",
        "n",
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("no claim diploma"), "{e}");
}

#[test]
fn a_vct_integrity_fails_against_imported_type_metadata_and_warns_against_the_bundled_version() {
    let i = issuer();
    let vct = "urn:eudi:micro_credential:1";
    let other = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; // of the empty string
    let (jwt, ds) = i.issue(|p| p["vct#integrity"] = json!(other));
    // The wallet's bundled copy is another version: the committed metadata is unknown, a
    // warning, and the genuine credential stays valid.
    let v = verify(&compact(&jwt, &ds), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v.steps.iter().any(|s| s.status == StepStatus::Warn
        && s.message
            .contains("than the version bundled with the wallet")));
    // Type metadata imported for the type that the credential does not commit to: a failure.
    let mut env = i.env.clone();
    env.proof.keys.insert_at(
        &sdjwt::type_metadata_key(vct),
        Value::String(format!(r#"{{"vct":"{vct}","name":"Imported"}}"#)),
    );
    let v = verify(&compact(&jwt, &ds), &env);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(failed(&v)
        .iter()
        .any(|m| m.contains("type metadata imported for")));
    // And the imported metadata it does commit to passes.
    let text = format!(r#"{{"vct":"{vct}","name":"Imported"}}"#);
    let integrity = format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD
            .encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()))
    );
    let (jwt, ds) = i.issue(|p| p["vct#integrity"] = json!(integrity));
    env.proof
        .keys
        .insert_at(&sdjwt::type_metadata_key(vct), Value::String(text.clone()));
    let v = verify(&compact(&jwt, &ds), &env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v
        .steps
        .iter()
        .any(|s| s.message.contains("matches its vct#integrity")));
}

/// Type metadata that `extends` another type (SD-JWT VC §6.4): the extended type's claims
/// (labels, disclosure rules) are folded in when the wallet has it, its `extends#integrity` is
/// checked as `vct#integrity` is, and a type it does not have is a warning, never a fetch.
#[test]
fn type_metadata_extends_a_type_the_wallet_has_and_checks_its_integrity() {
    let i = issuer();
    let parent = "urn:eudi:micro_credential:1";
    let child = "https://uni.example/vct/mc";
    let bundled = sdjwt::type_metadata(parent, &i.env).unwrap();
    let sri = |t: &str| {
        format!(
            "sha256-{}",
            base64::engine::general_purpose::STANDARD
                .encode(<sha2::Sha256 as sha2::Digest>::digest(t.as_bytes()))
        )
    };
    let (jwt, ds) = i.issue(|p| {
        p["vct"] = json!(child);
        p.as_object_mut().unwrap().remove("vct#integrity");
    });
    let with = |meta: Value| {
        let mut env = i.env.clone();
        env.proof.keys.insert_at(
            &sdjwt::type_metadata_key(child),
            Value::String(meta.to_string()),
        );
        env
    };
    // Extends the bundled type, with its integrity: passes, and its claims are folded in.
    let env = with(
        json!({"vct": child, "name": "Uni micro-credential", "extends": parent,
        "extends#integrity": sri(&bundled),
        "claims": [{"path": ["credentialSubject", "achievement", "name"], "display": [{"lang": "en", "label": "Module"}]}]}),
    );
    let v = verify(&compact(&jwt, &ds), &env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v.steps.iter().any(|s| s.status == StepStatus::Pass
        && s.message
            .contains("extends urn:eudi:micro_credential:1, and that type's metadata matches")));
    let payload = json!({"vct": child});
    let merged: Value =
        serde_json::from_str(&sdjwt::committed_type_metadata(&payload, &env).unwrap()).unwrap();
    let claims = merged["claims"].as_array().unwrap();
    let parent_claims = serde_json::from_str::<Value>(&bundled).unwrap()["claims"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        claims.len(),
        parent_claims,
        "the child's claim replaces the parent's"
    );
    assert!(claims.iter().any(|c| c["display"][0]["label"] == "Module"));
    // Another version of the bundled parent: a warning; a type the wallet lacks: a warning.
    let env = with(json!({"vct": child, "extends": parent, "extends#integrity": sri("other")}));
    let v = verify(&compact(&jwt, &ds), &env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v.steps.iter().any(|s| s.status == StepStatus::Warn
        && s.message
            .contains("another version of urn:eudi:micro_credential:1")));
    let env = with(json!({"vct": child, "extends": "https://elsewhere.example/vct/x"}));
    let v = verify(&compact(&jwt, &ds), &env);
    assert!(v.steps.iter().any(|s| s.status == StepStatus::Warn
        && s.message
            .contains("whose type metadata the wallet does not have")));
    // An imported parent that does not match: a failure.
    let mut env =
        with(json!({"vct": child, "extends": parent, "extends#integrity": sri(&bundled)}));
    env.proof.keys.insert_at(
        &sdjwt::type_metadata_key(parent),
        Value::String(format!(r#"{{"vct":"{parent}","name":"Changed"}}"#)),
    );
    let v = verify(&compact(&jwt, &ds), &env);
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert!(failed(&v)
        .iter()
        .any(|m| m.contains("builds on other type metadata")));
}

/// The JWS JSON serialisation (RFC 9901 §8.1), flattened and general with one signature,
/// verifies as the compact form does, with the same claims; a changed disclosure in it is
/// caught, and a general form with two signatures is refused by name.
#[test]
fn the_json_serialisations_verify_like_the_compact_form() {
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let compact_v = verify(&compact(&jwt, &ds), &i.env);
    assert_eq!(compact_v.verdict, Verdict::Valid, "{:#?}", compact_v.steps);
    let parts: Vec<&str> = jwt.split('.').collect();
    let flattened = json!({"protected": parts[0], "payload": parts[1], "signature": parts[2],
        "header": {"disclosures": ds}});
    let general = json!({"payload": parts[1], "signatures": [{"protected": parts[0],
        "signature": parts[2], "header": {"disclosures": ds}}]});
    for form in [&flattened, &general] {
        let v = verify(&form.to_string(), &i.env);
        assert_eq!(v.verdict, Verdict::Valid, "{form}: {:#?}", v.steps);
        assert_eq!(v.credential, compact_v.credential);
    }
    let mut changed = flattened.clone();
    let first = ds[0].clone();
    changed["header"]["disclosures"][0] =
        json!(URL_SAFE_NO_PAD.encode(br#"["salt","family_name","Other"]"#));
    let v = verify(&changed.to_string(), &i.env);
    assert_eq!(v.verdict, Verdict::Invalid, "{first}: {:#?}", v.steps);
    let mut two = general.clone();
    let sig = two["signatures"][0].clone();
    two["signatures"].as_array_mut().unwrap().push(sig);
    let e = verify_bytes(two.to_string().as_bytes(), &i.env, Utc::now()).unwrap_err();
    assert!(e.to_string().contains("with 2 signatures"), "{e}");
}

/// An issuer signing with ES384 (P-384), its key in its JWT VC Issuer Metadata: valid; the
/// same signature under a P-256 key of the same kid, or a changed payload, is not.
#[test]
fn an_es384_issuer_signature_verifies_from_its_metadata() {
    use p384::ecdsa::{Signature as Signature384, SigningKey as SigningKey384};
    let i = issuer();
    let (jwt, ds) = i.issue(|_| {});
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    let key = SigningKey384::random(&mut OsRng);
    let header = json!({"alg": "ES384", "typ": "dc+sd-jwt", "kid": "k384"});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let sig: Signature384 = key.sign(input.as_bytes());
    let signed = format!("{input}.{}", b64(&sig.to_bytes()));
    let mut public: Value =
        serde_json::from_str(&p384::PublicKey::from(key.verifying_key()).to_jwk_string()).unwrap();
    public["kid"] = json!("k384");
    let with = |jwk: Value| i.env_with_key(jwk);
    let v = verify(&compact(&signed, &ds), &with(public.clone()));
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    // A P-256 key under that kid does not verify an ES384 signature.
    let v = verify(&compact(&signed, &ds), &with(jwk(&i.key, "k384")));
    assert_ne!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    // A changed payload under the genuine key: invalid.
    let mut parts: Vec<String> = signed.split('.').map(str::to_string).collect();
    let mut changed = payload.clone();
    changed["title"] = json!("Something else");
    parts[1] = b64(changed.to_string().as_bytes());
    let v = verify(&compact(&parts.join("."), &ds), &with(public));
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
}

/// A test key or certificate of `tests/fixtures/sdjwt-x5c/` (made with openssl; README there).
fn pki(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/sdjwt-x5c/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The payload of [`Issuer::issue`], issued now, and its disclosures.
fn payload_now(i: &Issuer) -> (Value, Vec<String>) {
    let (jwt, ds) = i.issue(|p| p["iat"] = json!(Utc::now().timestamp()));
    let payload = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    (payload, ds)
}

/// A JWT over `header` and `payload`, signed by `sign`.
fn signed_by(header: &Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    format!("{input}.{}", b64(&sign(input.as_bytes())))
}

/// Signs a JWS signing input, giving the signature bytes.
type JwsSigner = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// The leaf key of a test chain, as a signer for its JWS algorithm.
fn leaf_signer(chain: &str) -> JwsSigner {
    let der = pki(&format!("{chain}-leaf.key.p8.der"));
    match chain {
        "p256" | "p256-nosan" => {
            use p256::pkcs8::DecodePrivateKey;
            let key = SigningKey::from_pkcs8_der(&der).unwrap();
            Box::new(move |m| Signer::<Signature>::sign(&key, m).to_bytes().to_vec())
        }
        "p384" => {
            use p384::pkcs8::DecodePrivateKey;
            let key = p384::ecdsa::SigningKey::from_pkcs8_der(&der).unwrap();
            Box::new(move |m| {
                Signer::<p384::ecdsa::Signature>::sign(&key, m)
                    .to_bytes()
                    .to_vec()
            })
        }
        _ => {
            // PKCS #8 for Ed25519 (RFC 8410) ends with the 32-byte seed.
            let seed: [u8; 32] = der[der.len() - 32..].try_into().unwrap();
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            Box::new(move |m| ed25519_dalek::Signer::sign(&key, m).to_bytes().to_vec())
        }
    }
}

/// An issuer signing with RS256, its RSA key in its JWT VC Issuer Metadata: valid; a changed
/// payload or another key under the same kid is not.
#[test]
fn an_rs256_issuer_signature_verifies_from_its_metadata() {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer as _};
    use rsa::traits::PublicKeyParts;
    let i = issuer();
    let (payload, ds) = payload_now(&i);
    let key = rsa::RsaPrivateKey::from_pkcs8_der(&pki("rs256.key.p8.der")).unwrap();
    let public = key.to_public_key();
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    let header = json!({"alg": "RS256", "typ": "dc+sd-jwt", "kid": "rsa-1"});
    let jwt = signed_by(&header, &payload, |m| signer.sign(m).to_vec());
    let rsa_jwk = json!({"kty": "RSA", "kid": "rsa-1",
        "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be())});
    let with = |jwk: Value| i.env_with_key(jwk);
    let v = verify(&compact(&jwt, &ds), &with(rsa_jwk.clone()));
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(v
        .steps
        .iter()
        .any(|s| s.message.contains("RS256 signature matches")));
    // An EC key under that kid does not verify an RS256 signature.
    let v = verify(&compact(&jwt, &ds), &with(jwk(&i.key, "rsa-1")));
    assert_ne!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    let mut changed = payload.clone();
    changed["title"] = json!("Something else");
    let parts: Vec<&str> = jwt.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(changed.to_string().as_bytes()),
        parts[2]
    );
    let v = verify(&compact(&forged, &ds), &with(rsa_jwk));
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
}

/// An issuer that signs with the key of an X.509 certificate (`x5c`, leaf then CA) verifies
/// offline with ES256, ES384 and EdDSA, with no metadata in the wallet: the chain is checked,
/// the leaf must name the issuer, and trust in the CA is a warning (no EU trusted lists).
/// A changed payload, a leaf under a CA that did not sign it, a certificate of another party,
/// and a credential issued before its certificate was valid are each caught by name.
#[test]
fn an_x5c_issuer_signature_verifies_with_es256_es384_and_eddsa() {
    let std64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let i = issuer();
    let no_metadata = Env::default();
    for (chain, alg) in [("p256", "ES256"), ("p384", "ES384"), ("ed25519", "EdDSA")] {
        let sign = leaf_signer(chain);
        let (payload, ds) = payload_now(&i);
        let x5c = |ca: &str| {
            json!([
                std64(&pki(&format!("{chain}-leaf.der"))),
                std64(&pki(&format!("{ca}-ca.der")))
            ])
        };
        let header = json!({"alg": alg, "typ": "dc+sd-jwt", "x5c": x5c(chain)});
        let jwt = signed_by(&header, &payload, &sign);
        let v = verify(&compact(&jwt, &ds), &no_metadata);
        assert_eq!(v.verdict, Verdict::Valid, "{chain}: {:#?}", v.steps);
        assert!(
            v.steps.iter().any(|s| s.status == StepStatus::Warn
                && s.message
                    .contains("Sealed with the certificate of Example University;")
                && !s.message.contains("names no internet address")
                && s.message.contains("EU trusted lists")),
            "{chain}: {:#?}",
            v.steps
        );
        assert_eq!(v.credential.grade.as_deref(), Some("1.7"));

        let mut changed = payload.clone();
        changed["title"] = json!("Something else");
        let parts: Vec<&str> = jwt.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64(changed.to_string().as_bytes()),
            parts[2]
        );
        let v = verify(&compact(&forged, &ds), &no_metadata);
        assert_eq!(v.verdict, Verdict::Invalid, "{chain}: {:#?}", v.steps);

        // Invalid, with a failed step that says why.
        let invalid = |header: &Value, payload: &Value, why: &[&str]| {
            let v = verify(
                &compact(&signed_by(header, payload, &sign), &ds),
                &no_metadata,
            );
            assert_eq!(v.verdict, Verdict::Invalid, "{chain}: {:#?}", v.steps);
            assert!(
                failed(&v).iter().any(|m| why.iter().all(|w| m.contains(w))),
                "{chain}: {why:?} in {:#?}",
                v.steps
            );
        };
        // The leaf with a CA that did not sign it.
        let other = if chain == "p256" { "p384" } else { "p256" };
        let wrong_ca = json!({"alg": alg, "typ": "dc+sd-jwt", "x5c": x5c(other)});
        invalid(&wrong_ca, &payload, &["is not signed by the next one"]);
        // A genuine certificate of uni.example cannot speak for another issuer.
        let mut elsewhere = payload.clone();
        elsewhere["iss"] = json!("https://other.example");
        invalid(
            &header,
            &elsewhere,
            &["says it is from https://other.example", "uni.example"],
        );
        // Issued (iat) before the certificate was valid.
        let mut early = payload.clone();
        early["iat"] = json!(1_750_000_000);
        invalid(
            &header,
            &early,
            &["is not valid when the credential was issued (2025-06-15)"],
        );
    }
}

/// The edges of `x5c` issuer identity: a leaf that names no one (no subjectAltName) does not
/// fail, and the step says the issuer was not confirmed by it; a `dns:` issuer (RFC 4501, with
/// or without a DNS server named) is matched against the leaf's dNSName; a fractional `iat`
/// before the certificate was valid is still caught.
#[test]
fn x5c_issuers_unnamed_by_dns_and_with_a_fractional_iat() {
    let std64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let i = issuer();
    let no_metadata = Env::default();
    let (payload, ds) = payload_now(&i);
    let unnamed = json!({"alg": "ES256", "typ": "dc+sd-jwt",
        "x5c": [std64(&pki("p256-nosan-leaf.der"))]});
    let v = verify(
        &compact(
            &signed_by(&unnamed, &payload, leaf_signer("p256-nosan")),
            &ds,
        ),
        &no_metadata,
    );
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert!(
        v.steps.iter().any(|s| s.status == StepStatus::Warn
            && s.message.contains("names no internet address")
            && s.message
                .contains("https://uni.example's was not confirmed")),
        "{:#?}",
        v.steps
    );
    let named = json!({"alg": "ES256", "typ": "dc+sd-jwt",
        "x5c": [std64(&pki("p256-leaf.der")), std64(&pki("p256-ca.der"))]});
    for iss in ["dns:uni.example", "dns://192.0.2.53/uni.example?type=A"] {
        let mut p = payload.clone();
        p["iss"] = json!(iss);
        let v = verify(
            &compact(&signed_by(&named, &p, leaf_signer("p256")), &ds),
            &no_metadata,
        );
        assert_eq!(v.verdict, Verdict::Valid, "{iss}: {:#?}", v.steps);
    }
    let mut early = payload.clone();
    early["iat"] = json!(1_750_000_000.5);
    let v = verify(
        &compact(&signed_by(&named, &early, leaf_signer("p256")), &ds),
        &no_metadata,
    );
    assert_eq!(v.verdict, Verdict::Invalid, "{:#?}", v.steps);
    assert_fails_with(
        &v,
        "is not valid when the credential was issued (2025-06-15)",
    );
}

/// The DC4EU ELM type (`urn:eudi:elm:1`): an ELM credential under `elm` reads with the
/// European Digital Credential mapping, giving the view the same ELM read as a file gives,
/// and a withheld part of it (the learner's names here) is simply absent.
#[test]
fn an_elm_sd_jwt_vc_reads_with_the_european_digital_credential_mapping() {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/eu-elm/JSON-LD_Examples_ELM_v3/Sample-MC-Annex1-unsigned.jsonld"
    ))
    .unwrap();
    let file = verify_bytes(&sample, &Env::default(), Utc::now())
        .unwrap()
        .credential;
    let mut elm: Value = serde_json::from_slice(&sample).unwrap();
    let subject = elm["credentialSubject"].as_object_mut().unwrap();
    let mut names = Vec::new();
    let mut digests = Vec::new();
    for (n, k) in ["fullName", "givenName", "familyName"].iter().enumerate() {
        let v = subject.remove(*k).unwrap();
        let (d, dg) = disclosure(json!([format!("salt-{n}"), k, v]));
        names.push(d);
        digests.push(dg);
    }
    subject.insert("_sd".into(), json!(digests));
    let i = issuer();
    let (jwt, _) = i.issue(|p| {
        *p = json!({
            "iss": ISS, "iat": 1_750_000_000, "exp": 4_000_000_000u64,
            "vct": "urn:eudi:elm:1", "cnf": p["cnf"].clone(),
            "elm": elm, "_sd_alg": "sha-256",
        });
    });
    let v = verify(&compact(&jwt, &names), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    let c = &v.credential;
    assert!(file.title.is_some() && file.ects.is_some(), "{file:#?}");
    assert_eq!(c.title, file.title);
    assert_eq!(c.description, file.description);
    assert_eq!(c.ects, file.ects);
    assert_eq!(c.eqf_level, file.eqf_level);
    assert_eq!(c.learning_outcomes, file.learning_outcomes);
    assert_eq!(c.grade, file.grade);
    assert_eq!(c.assessment_type, file.assessment_type);
    assert_eq!(c.participation_form, file.participation_form);
    assert_eq!(c.quality_assurance, file.quality_assurance);
    assert_eq!(
        c.awarding_bodies
            .iter()
            .map(|p| &p.name)
            .collect::<Vec<_>>(),
        file.awarding_bodies
            .iter()
            .map(|p| &p.name)
            .collect::<Vec<_>>()
    );
    assert_eq!(c.skills, file.skills);
    assert!(!c.skills.is_empty());
    assert_eq!(c.learner.name, file.learner.name);
    assert!(c.learner.name.is_some());
    // The names withheld: still valid, and the view has no name.
    let v = verify(&compact(&jwt, &[]), &i.env);
    assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
    assert_eq!(v.credential.learner.name, None);
    assert_eq!(v.credential.title, file.title);
}
