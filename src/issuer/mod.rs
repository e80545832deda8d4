//! The institution's side of the network: an issuer's identity and signing key, bulk issuing
//! of Open Badges 3.0 micro-credentials, Bitstring Status Lists for revocation, and signed
//! network documents (qualification rules, the trust registry, the catalogue).
//!
//! | file | owns |
//! | --- | --- |
//! | `mod.rs` | [`Issuer`] and [`Profile`]: who signs, and signing as that identity |
//! | `keystore.rs` | the issuer folder: `issuer.json`, the encrypted `issuer-key.json`, `did.json` |
//! | `csv.rs` | reading the learners table |
//! | `badge.rs` | the achievement description and the OB 3.0 credentials built from it |
//! | `learners.rs` | the learners table: rows, their checks and row errors |
//! | `status.rs` | status list credentials and their sidecar state |
//! | `documents.rs` | signing rules, registry and catalogue documents |
//!
//! Nothing here touches the network. Credentials and status lists are signed as the
//! issuer's id (its did:web when it has one, else its did:key); rules, registries and
//! catalogues are signed as its did:key, because the wallet checks them without any cached
//! DID document (`crate::store::check_signed_by_issuer`).

pub mod badge;
pub mod csv;
pub mod documents;
pub mod keystore;
pub mod learners;
pub mod sdjwt;
pub mod status;

pub use badge::{
    issue_batch, parse_achievement, write_issued, AchievementSpec, BatchOptions, Issued, Template,
};
pub use keystore::{init, load, load_profile};
pub use learners::{parse_learners, Learner, RowError};
pub use status::StatusList;

use crate::did;
use crate::proof::contexts::ContextLoader;
use crate::proof::di::{self, Suite};
use crate::proof::keys::KeyPair;
use crate::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::Signer;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The issuer's public profile (`issuer.json`), read by every `mcx issuer` command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The issuer id used in credentials: `did:web:DOMAIN` or the did:key.
    pub id: String,
    /// The institution's name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2), if given.
    #[serde(default)]
    pub country: Option<String>,
    /// The domain of its did:web, if any.
    #[serde(default)]
    pub web_domain: Option<String>,
    /// The did:key of its signing key (also what rules, registries and catalogues name).
    pub did_key: String,
    /// The verification method credentials are signed with.
    pub verification_method: String,
}

/// An issuer able to sign: its profile and its unlocked key.
#[derive(Clone)]
pub struct Issuer {
    /// Who it is.
    pub profile: Profile,
    key: KeyPair,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// The did:web identifier of a domain (`example.org:8443` → `did:web:example.org%3A8443`).
pub fn did_web(domain: &str) -> Result<String> {
    let d = domain.trim().trim_end_matches('/').to_ascii_lowercase();
    let (host, port) = match d.split_once(':') {
        Some((h, p)) => (h.to_string(), Some(p.to_string())),
        None => (d.clone(), None),
    };
    let host_ok = !host.is_empty()
        && host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    let port_ok = port
        .as_deref()
        .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !host_ok || !port_ok {
        return Err(Error::BadInput(format!(
            "--web-domain {domain:?} is not a host name such as university.example (letters, digits, dots, hyphens; an optional :port)"
        )));
    }
    Ok(match port {
        Some(p) => format!("did:web:{host}%3A{p}"),
        None => format!("did:web:{host}"),
    })
}

/// A country code: two ASCII letters, upper-cased.
pub fn country_code(cc: &str) -> Result<String> {
    let c = cc.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(Error::BadInput(format!(
            "the country {cc:?} is not an ISO 3166-1 alpha-2 code such as DE or PT"
        )))
    }
}

impl Issuer {
    /// An issuer for `key`: did:web when `web_domain` is given, else the did:key.
    pub fn new(
        key: KeyPair,
        name: &str,
        country: Option<&str>,
        web_domain: Option<&str>,
    ) -> Result<Issuer> {
        if name.trim().is_empty() {
            return Err(Error::BadInput("the issuer needs a name (--name)".into()));
        }
        let country = country.map(country_code).transpose()?;
        let (id, vm) = match web_domain {
            Some(d) => {
                let id = did_web(d)?;
                let vm = format!("{id}#key-1");
                (id, vm)
            }
            None => (key.did(), key.verification_method()),
        };
        let profile = Profile {
            id,
            name: name.trim().to_string(),
            country,
            web_domain: web_domain.map(|d| d.trim().to_ascii_lowercase()),
            did_key: key.did(),
            verification_method: vm,
        };
        Ok(Issuer { profile, key })
    }

    /// Put a stored profile and its key back together; the key must be the profile's.
    pub fn from_parts(profile: Profile, key: KeyPair) -> Result<Issuer> {
        if key.did() != profile.did_key {
            return Err(Error::BadInput(format!(
                "the key ({}) is not the one named in issuer.json ({})",
                key.did(),
                profile.did_key
            )));
        }
        Ok(Issuer { profile, key })
    }

    /// The issuer id used in credentials.
    pub fn id(&self) -> &str {
        &self.profile.id
    }

    /// The issuer as an OB 3.0 `Profile` object (id, name, address country).
    pub fn profile_object(&self) -> Value {
        let mut p = json!({"id": self.profile.id, "type": ["Profile"], "name": self.profile.name});
        if let (Some(cc), Some(o)) = (&self.profile.country, p.as_object_mut()) {
            o.insert(
                "address".into(),
                json!({"type": ["Address"], "addressCountryCode": cc}),
            );
        }
        p
    }

    /// The DID document to host at `https://DOMAIN/.well-known/did.json` (did:web only).
    pub fn did_document(&self) -> Option<Value> {
        self.profile.web_domain.as_ref()?;
        let id = &self.profile.id;
        let vm = &self.profile.verification_method;
        Some(json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": id,
            "alsoKnownAs": [self.profile.did_key],
            "verificationMethod": [{
                "id": vm,
                "type": "Multikey",
                "controller": id,
                "publicKeyMultibase": did::encode_multikey(&self.key.signing.verifying_key()),
            }],
            "assertionMethod": [vm],
            "authentication": [vm],
        }))
    }

    /// Sign `doc` as the issuer id (its credentials and status lists), `assertionMethod`.
    /// Refuses a document that is not a conforming verifiable credential
    /// ([`crate::verify::conformance`]), so nothing is signed that a verifier would reject.
    pub fn sign(
        &self,
        doc: &Value,
        suite: Suite,
        created: DateTime<Utc>,
        contexts: &ContextLoader,
    ) -> Result<Value> {
        crate::verify::conformance::refuse_nonconforming_credential(doc)?;
        sign_with(
            &self.key,
            &self.profile.verification_method,
            doc,
            suite,
            created,
            contexts,
        )
    }

    /// Sign `doc` as the did:key (rules, registries, catalogues).
    pub fn sign_as_did_key(
        &self,
        doc: &Value,
        suite: Suite,
        created: DateTime<Utc>,
    ) -> Result<Value> {
        sign_with(
            &self.key,
            &self.key.verification_method(),
            doc,
            suite,
            created,
            &ContextLoader::bundled(),
        )
    }

    /// The unlocked key (for sealing it in [`keystore`]).
    pub(crate) fn key(&self) -> &KeyPair {
        &self.key
    }
}

/// A Data Integrity proof by `key` under the verification method `vm`, replacing any proof
/// `doc` carries (the same hashing as [`di::sign`], so [`di::verify_proofs`] accepts it).
fn sign_with(
    key: &KeyPair,
    vm: &str,
    doc: &Value,
    suite: Suite,
    created: DateTime<Utc>,
    contexts: &ContextLoader,
) -> Result<Value> {
    let mut base = doc.clone();
    let obj = base
        .as_object_mut()
        .ok_or_else(|| Error::BadInput("only a JSON object can be signed".into()))?;
    obj.remove("proof");
    let mut options = Map::new();
    options.insert("type".into(), "DataIntegrityProof".into());
    options.insert("cryptosuite".into(), suite.name().into());
    options.insert(
        "created".into(),
        created.to_rfc3339_opts(SecondsFormat::Secs, true).into(),
    );
    options.insert("verificationMethod".into(), vm.into());
    options.insert("proofPurpose".into(), "assertionMethod".into());
    let mut options = Value::Object(options);
    let data = di::hash_data(suite, &base, &options, contexts)
        .map_err(|f| Error::BadInput(format!("cannot sign this document: {f}")))?;
    let sig = key.signing.sign(&data);
    if let Some(o) = options.as_object_mut() {
        o.insert(
            "proofValue".into(),
            format!("z{}", bs58::encode(sig.to_bytes()).into_string()).into(),
        );
    }
    if let Some(o) = base.as_object_mut() {
        o.insert("proof".into(), options);
    }
    Ok(base)
}

/// A fresh random `urn:uuid:` (version 4) from the operating system's generator.
pub fn new_urn_uuid() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::store::crypto::hex(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Now, to the second (proofs and dates carry no fractions).
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    DateTime::from_timestamp(n.timestamp(), 0).unwrap_or(n)
}

#[cfg(test)]
mod tests;
