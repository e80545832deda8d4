//! W3C Data Integrity proofs: with Ed25519 `eddsa-rdfc-2022` (and its old name `eddsa-2022`),
//! `eddsa-jcs-2022` (vc-di-eddsa §3.2, §3.3) and `Ed25519Signature2020`; with P-256 or P-384
//! `ecdsa-rdfc-2019` and `ecdsa-jcs-2019` (vc-di-ecdsa §3.2, §3.3, [`super::ecdsa`]); with
//! P-256 `ecdsa-sd-2023` (its own algorithm, [`super::ecdsa_sd`]). Proof sets and proof chains
//! (`previousProof`, VC Data Integrity §2.1.2).
//!
//! The key is resolved for the proof's `proofPurpose` ([`did::resolve_for`]: a key of a DID
//! document must be named under that verification relationship) and must be of the type the
//! suite signs with. Signing (Ed25519 suites only) and verifying share [`canonical_forms`] and
//! [`hash_data`], so what we sign is exactly what we check. Outcomes distinguish *invalid*
//! (the proof is wrong) from *unverifiable* (it cannot be checked offline); the verify module
//! turns them into steps.

use crate::did::{self, KeyCache, KeyError, KeySource, PublicKey};
use crate::proof::contexts::ContextLoader;
use crate::proof::keys::KeyPair;
use crate::proof::{ecdsa, jcs, jsonld};
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The signature suites we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `DataIntegrityProof` with `eddsa-rdfc-2022` (or the legacy `eddsa-2022`).
    EddsaRdfc2022,
    /// `DataIntegrityProof` with `eddsa-jcs-2022`.
    EddsaJcs2022,
    /// The legacy `Ed25519Signature2020` proof type.
    Ed25519Signature2020,
    /// `DataIntegrityProof` with `ecdsa-rdfc-2019` (P-256 or P-384).
    EcdsaRdfc2019,
    /// `DataIntegrityProof` with `ecdsa-jcs-2019` (P-256 or P-384).
    EcdsaJcs2019,
    /// `DataIntegrityProof` with `ecdsa-sd-2023` (selective disclosure, P-256).
    EcdsaSd2023,
}

impl Suite {
    /// The name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Suite::EddsaJcs2022 => "eddsa-jcs-2022",
            Suite::Ed25519Signature2020 => "Ed25519Signature2020",
            Suite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
            Suite::EcdsaJcs2019 => "ecdsa-jcs-2019",
            Suite::EcdsaSd2023 => "ecdsa-sd-2023",
        }
    }

    /// Whether the suite signs with Ed25519 (the suites [`sign`] can make).
    pub fn is_eddsa(self) -> bool {
        matches!(
            self,
            Suite::EddsaRdfc2022 | Suite::EddsaJcs2022 | Suite::Ed25519Signature2020
        )
    }

    /// The keys the suite verifies with, for messages ("an Ed25519 key").
    pub fn key_types(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 | Suite::EddsaJcs2022 | Suite::Ed25519Signature2020 => {
                "an Ed25519 key"
            }
            Suite::EcdsaRdfc2019 | Suite::EcdsaJcs2019 => "a P-256 or P-384 key",
            Suite::EcdsaSd2023 => "a P-256 key",
        }
    }

    /// Which suite a proof object uses, or the name of the unsupported one.
    pub fn of(proof: &Value) -> Result<Suite, String> {
        let ty = proof.get("type").and_then(Value::as_str).unwrap_or("");
        let cs = proof.get("cryptosuite").and_then(Value::as_str);
        match (ty, cs) {
            ("DataIntegrityProof", Some("eddsa-rdfc-2022" | "eddsa-2022")) => {
                Ok(Suite::EddsaRdfc2022)
            }
            ("DataIntegrityProof", Some("eddsa-jcs-2022")) => Ok(Suite::EddsaJcs2022),
            ("DataIntegrityProof", Some("ecdsa-rdfc-2019")) => Ok(Suite::EcdsaRdfc2019),
            ("DataIntegrityProof", Some("ecdsa-jcs-2019")) => Ok(Suite::EcdsaJcs2019),
            ("DataIntegrityProof", Some("ecdsa-sd-2023")) => Ok(Suite::EcdsaSd2023),
            ("Ed25519Signature2020", _) => Ok(Suite::Ed25519Signature2020),
            ("DataIntegrityProof", Some(other)) => Err(format!("cryptosuite {other}")),
            ("", _) => Err("a proof without a type".into()),
            (other, _) => Err(format!("proof type {other}")),
        }
    }
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The proof is wrong: tampered, wrong key, malformed.
    Invalid(String),
    /// The proof cannot be checked offline: unsupported suite, key or context not available.
    Unverifiable(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Invalid(m) | Failure::Unverifiable(m) => f.write_str(m),
        }
    }
}

/// The outcome of checking one proof.
#[derive(Debug, Clone)]
pub struct ProofCheck {
    /// The suite's name as written in the proof.
    pub suite: String,
    /// The verification method the proof names.
    pub verification_method: String,
    /// The proof purpose (`assertionMethod`, `authentication`, ...).
    pub purpose: String,
    /// Who controls the key, when it was resolved.
    pub controller: Option<String>,
    /// Where the key came from, when it was resolved.
    pub key_source: Option<KeySource>,
    /// `Ok` when the signature verified.
    pub outcome: Result<(), Failure>,
}

/// What the verifier needs besides the document: contexts and cached keys.
#[derive(Debug, Clone, Default)]
pub struct ProofEnv {
    /// JSON-LD contexts (bundled plus cached).
    pub contexts: ContextLoader,
    /// Cached DID and key documents.
    pub keys: KeyCache,
}

/// Options for signing.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// The suite to sign with.
    pub suite: Suite,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub purpose: String,
    /// The proof's `created` time.
    pub created: DateTime<Utc>,
    /// Optional `challenge` (presentations).
    pub challenge: Option<String>,
    /// Optional `domain` (presentations).
    pub domain: Option<String>,
    /// Optional `expires`.
    pub expires: Option<DateTime<Utc>>,
}

/// The proofs attached to a document (`proof` as an object or an array).
pub fn proofs_of(doc: &Value) -> Vec<&Value> {
    match doc.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p @ Value::Object(_)) => vec![p],
        _ => Vec::new(),
    }
}

/// The canonical proof configuration and canonical document a suite hashes, in that order:
/// JCS (RFC 8785) for the `-jcs-` suites, RDFC-1.0 N-Quads for the others. The proof
/// configuration is the proof options with the document's `@context` (vc-di-eddsa §3.2.5,
/// vc-di-ecdsa §3.2.5). `ecdsa-sd-2023` is not hashed this way.
pub fn canonical_forms(
    suite: Suite,
    unsecured: &Value,
    proof_options: &Value,
    contexts: &ContextLoader,
) -> Result<(Vec<u8>, Vec<u8>), Failure> {
    let mut config = proof_options.clone();
    if let (Some(ctx), Some(obj)) = (unsecured.get("@context"), config.as_object_mut()) {
        obj.insert("@context".into(), ctx.clone());
    }
    match suite {
        Suite::EddsaJcs2022 | Suite::EcdsaJcs2019 => {
            let doc_bytes = jcs::canonicalize(unsecured).map_err(Failure::Invalid)?;
            Ok((jcs::canonicalize(&config).map_err(Failure::Invalid)?, doc_bytes))
        }
        Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 | Suite::EcdsaRdfc2019 => {
            let doc_bytes = rdfc(unsecured, contexts)?.into_bytes();
            Ok((rdfc(&config, contexts)?.into_bytes(), doc_bytes))
        }
        Suite::EcdsaSd2023 => Err(Failure::Unverifiable(
            "an ecdsa-sd-2023 proof is checked by its own algorithm, not by hashing the whole document".into(),
        )),
    }
}

/// The bytes the Ed25519 suites sign: SHA-256(canonical proof configuration) ‖
/// SHA-256(canonical document), 64 bytes ([`canonical_forms`]). For an ECDSA suite this is
/// the hash data of a P-256 key; [`ecdsa::hash_data`] picks the hash by the key's curve.
pub fn hash_data(
    suite: Suite,
    unsecured: &Value,
    proof_options: &Value,
    contexts: &ContextLoader,
) -> Result<Vec<u8>, Failure> {
    let (config_bytes, doc_bytes) = canonical_forms(suite, unsecured, proof_options, contexts)?;
    let mut out = Sha256::digest(&config_bytes).to_vec();
    out.extend_from_slice(&Sha256::digest(&doc_bytes));
    Ok(out)
}

fn rdfc(doc: &Value, contexts: &ContextLoader) -> Result<String, Failure> {
    jsonld::canonicalize(doc, contexts).map_err(|e| match e {
        jsonld::JsonLdError::UnknownContext(url) => Failure::Unverifiable(format!(
            "it uses the JSON-LD context {url}, which is not bundled or cached"
        )),
        other => Failure::Invalid(format!("it is not valid JSON-LD: {other}")),
    })
}

/// Check every proof on `doc`.
pub fn verify_proofs(doc: &Value, env: &ProofEnv) -> Vec<ProofCheck> {
    let all = proofs_of(doc);
    all.iter().map(|p| verify_one(doc, p, &all, env)).collect()
}

fn verify_one(doc: &Value, proof: &Value, all: &[&Value], env: &ProofEnv) -> ProofCheck {
    let text = |k: &str| {
        proof
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut check = ProofCheck {
        suite: proof
            .get("cryptosuite")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| text("type")),
        verification_method: text("verificationMethod"),
        purpose: text("proofPurpose"),
        controller: None,
        key_source: None,
        outcome: Ok(()),
    };
    let outcome = check_proof(doc, proof, all, env, &mut check);
    check.outcome = outcome;
    check
}

/// Check one proof, filling in `check`'s controller and key source once the key is known.
fn check_proof(
    doc: &Value,
    proof: &Value,
    all: &[&Value],
    env: &ProofEnv,
    check: &mut ProofCheck,
) -> Result<(), Failure> {
    required_members(proof)?;
    let suite = Suite::of(proof).map_err(|s| {
        if proof.get("type").and_then(Value::as_str) == Some("MerkleProof2019") {
            // Blockcerts v3 mixed with other proofs (alone, `verify::blockcerts` checks it).
            Failure::Unverifiable(
                "it is a Blockcerts proof (MerkleProof2019) beside proofs of other kinds; the wallet checks a Merkle proof only on a credential secured by Blockcerts alone, and its anchor on a blockchain cannot be checked offline".into(),
            )
        } else {
            Failure::Unverifiable(format!("{s} is not supported offline"))
        }
    })?;
    let vm = check.verification_method.clone();
    if vm.is_empty() {
        return Err(Failure::Invalid(
            "the proof names no verification method".into(),
        ));
    }
    let key = did::resolve_for(&vm, &env.keys, &check.purpose).map_err(|e| match e {
        KeyError::Malformed(m) => Failure::Invalid(m),
        KeyError::NotResolvable(m) => Failure::Unverifiable(m),
    })?;
    check.controller = Some(key.controller.clone());
    check.key_source = Some(key.source);
    let wrong_key = |key: &PublicKey| {
        let article = if matches!(key, PublicKey::Ed25519(_)) {
            "an"
        } else {
            "a"
        };
        Failure::Invalid(format!(
            "the proof uses {}, which needs {}, but the key {vm} is {article} {} key",
            suite.name(),
            suite.key_types(),
            key.describe()
        ))
    };
    if suite == Suite::EcdsaSd2023 {
        return match key.key {
            PublicKey::P256(k) => super::ecdsa_sd::verify(doc, proof, &env.contexts, &k),
            PublicKey::P384(_) => Err(Failure::Unverifiable(format!(
                "ecdsa-sd-2023 with the P-384 key {vm} is not supported offline"
            ))),
            other @ PublicKey::Ed25519(_) => Err(wrong_key(&other)),
        };
    }
    let value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Invalid("the proof has no proofValue".into()))?;
    match key.key {
        PublicKey::Ed25519(k) if suite.is_eddsa() => {
            let sig = decode_signature(value)?;
            let (unsecured, options) = unsecured_parts(doc, proof, all)?;
            let data = hash_data(suite, &unsecured, &options, &env.contexts)?;
            super::ed25519::verify(k.as_bytes(), &data, &sig).map_err(|_| {
                Failure::Invalid(
                    "the signature does not match: the credential was changed after signing, or signed with another key"
                        .into(),
                )
            })
        }
        k @ (PublicKey::P256(_) | PublicKey::P384(_))
            if matches!(suite, Suite::EcdsaRdfc2019 | Suite::EcdsaJcs2019) =>
        {
            let sig = ecdsa::decode_signature(&k, value)?;
            let (unsecured, options) = unsecured_parts(doc, proof, all)?;
            let (config, document) = canonical_forms(suite, &unsecured, &options, &env.contexts)?;
            let data = ecdsa::hash_data(&k, &config, &document)?;
            ecdsa::verify(&k, &data, &sig)
        }
        other => Err(wrong_key(&other)),
    }
}

/// VC Data Integrity 1.0 §4.4 (Verify Proof): "If one or more of proof.type,
/// proof.verificationMethod, and proof.proofPurpose does not exist, an error MUST be raised".
/// A proof without a type is invalid whatever it is; the other two are required of Data
/// Integrity proofs (any cryptosuite) and of the suites we implement. A proof of a type we
/// do not know may follow other rules: it stays "not supported".
fn required_members(proof: &Value) -> Result<(), Failure> {
    let has = |k: &str| {
        proof
            .get(k)
            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    };
    if !has("type") {
        return Err(Failure::Invalid(
            "the proof has no type (VC Data Integrity 1.0 §4.4)".into(),
        ));
    }
    let data_integrity = proof.get("type").and_then(Value::as_str) == Some("DataIntegrityProof");
    if !data_integrity && Suite::of(proof).is_err() {
        return Ok(());
    }
    let missing: Vec<&str> = ["verificationMethod", "proofPurpose"]
        .into_iter()
        .filter(|&k| !has(k))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failure::Invalid(format!(
        "the proof has no {}; VC Data Integrity 1.0 §4.4 requires type, verificationMethod and proofPurpose",
        missing.join(" and ")
    )))
}

fn decode_signature(value: &str) -> Result<Signature, Failure> {
    let bytes = value
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or_else(|| Failure::Invalid("the proofValue is not multibase base58btc".into()))?;
    let arr: [u8; 64] = bytes.as_slice().try_into().map_err(|_| {
        Failure::Invalid("the proofValue is not a 64-byte Ed25519 signature".into())
    })?;
    Ok(Signature::from_bytes(&arr))
}

/// The document as it was when `proof` was made (other proofs removed, `previousProof`s
/// put back), and the proof options (the proof without its value).
pub(crate) fn unsecured_parts(
    doc: &Value,
    proof: &Value,
    all: &[&Value],
) -> Result<(Value, Value), Failure> {
    let mut unsecured = doc.clone();
    let obj = unsecured
        .as_object_mut()
        .ok_or_else(|| Failure::Invalid("the document is not a JSON object".into()))?;
    obj.remove("proof");
    let previous: Vec<&str> = match proof.get("previousProof") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !previous.is_empty() {
        let mut found = Vec::new();
        for id in previous {
            let p = all
                .iter()
                .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
                .ok_or_else(|| {
                    Failure::Invalid(format!(
                        "the previous proof {id} is missing from the proof set"
                    ))
                })?;
            found.push((*p).clone());
        }
        let value = if found.len() == 1 {
            found.remove(0)
        } else {
            Value::Array(found)
        };
        obj.insert("proof".into(), value);
    }
    let mut options = proof.clone();
    if let Some(o) = options.as_object_mut() {
        o.remove("proofValue");
        if let Some(ctx) = o.remove("@context") {
            // vc-di-eddsa §3.3.2, vc-di-ecdsa §3.3.2: the document's context must start
            // with the proof's.
            let doc_ctx = doc.get("@context").cloned().unwrap_or(Value::Null);
            let as_list = |v: &Value| match v {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            let (p, d) = (as_list(&ctx), as_list(&doc_ctx));
            if d.len() < p.len() || d[..p.len()] != p[..] {
                return Err(Failure::Invalid(
                    "the proof's @context does not match the document's".into(),
                ));
            }
            unsecured
                .as_object_mut()
                .map(|u| u.insert("@context".into(), ctx));
        }
    }
    Ok((unsecured, options))
}

/// Sign `unsecured` (which must not already carry the proof being added) and return it with
/// the new proof attached (appended to a proof set if one exists).
pub fn sign(
    unsecured: &Value,
    key: &KeyPair,
    opts: &SignOptions,
    contexts: &ContextLoader,
) -> Result<Value, crate::Error> {
    if !opts.suite.is_eddsa() {
        return Err(crate::Error::BadInput(format!(
            "the wallet signs with Ed25519 suites only, not {}",
            opts.suite.name()
        )));
    }
    let mut options = Map::new();
    match opts.suite {
        Suite::Ed25519Signature2020 => {
            options.insert("type".into(), "Ed25519Signature2020".into());
        }
        suite => {
            options.insert("type".into(), "DataIntegrityProof".into());
            options.insert("cryptosuite".into(), suite.name().into());
        }
    }
    options.insert(
        "created".into(),
        opts.created
            .to_rfc3339_opts(SecondsFormat::Secs, true)
            .into(),
    );
    options.insert(
        "verificationMethod".into(),
        key.verification_method().into(),
    );
    options.insert("proofPurpose".into(), opts.purpose.clone().into());
    if let Some(c) = &opts.challenge {
        options.insert("challenge".into(), c.clone().into());
    }
    if let Some(d) = &opts.domain {
        options.insert("domain".into(), d.clone().into());
    }
    if let Some(e) = opts.expires {
        options.insert(
            "expires".into(),
            e.to_rfc3339_opts(SecondsFormat::Secs, true).into(),
        );
    }
    let mut base = unsecured.clone();
    let existing = base.as_object_mut().and_then(|o| o.remove("proof"));
    let options = Value::Object(options);
    let data = hash_data(opts.suite, &base, &options, contexts)
        .map_err(|f| crate::Error::BadInput(format!("cannot sign this document: {f}")))?;
    let sig = key.signing.sign(&data);
    let mut proof = options;
    if let Some(o) = proof.as_object_mut() {
        o.insert(
            "proofValue".into(),
            format!("z{}", bs58::encode(sig.to_bytes()).into_string()).into(),
        );
    }
    let out = base
        .as_object_mut()
        .ok_or_else(|| crate::Error::BadInput("only a JSON object can be signed".into()))?;
    let proof = match existing {
        None => proof,
        Some(Value::Array(mut a)) => {
            a.push(proof);
            Value::Array(a)
        }
        Some(one) => Value::Array(vec![one, proof]),
    };
    out.insert("proof".into(), proof);
    Ok(base)
}
