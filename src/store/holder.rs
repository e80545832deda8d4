//! The learner's holder keys, kept sealed in the `secrets` tree, and the SD-JWT VC
//! presentations signed with them.
//!
//! - `holder`: the Ed25519 key (a did:key) that signs the learner's W3C presentations, PDF
//!   portfolios and CLRs ([`Wallet::holder_key`]).
//! - `holder-p256`: the P-256 key (ES256, what the EU wallet ecosystem requires) that SD-JWT VC
//!   credentials are bound to (`cnf.jwk`) and that signs their key-binding JWTs
//!   ([`Wallet::holder_p256_key`]), stored as its 32-byte secret scalar. A learner gives an
//!   issuer its did:jwk ([`HolderKeys::p256_did`]).
//!
//! Both are made once, when a wallet is first opened for writing (an older wallet gets its
//! P-256 key the first time it is opened so); a read-only wallet never makes one. Both travel in
//! backups ([`super::backup`]), through re-encryption and through repair (which brings the whole
//! `secrets` tree over).
//!
//! This module must not decide which claims a presentation needs: that is
//! [`crate::portfolio::sdjwt`].

use super::Wallet;
use crate::portfolio::sdjwt::{self, SdClaim};
use crate::verify::Env;
use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use p256::ecdsa::SigningKey;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// The `secrets` entry of the P-256 holder key (also its sealing's associated data).
pub(crate) const HOLDER_P256: &str = "holder-p256";

/// The learner's two public holder keys, for the Settings screen: what to give an issuer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HolderKeys {
    /// The Ed25519 key's did:key: names the learner in W3C presentations and portfolios.
    pub ed25519_did: Option<String>,
    /// The P-256 key as a did:jwk (the public JWK, base64url): what an issuer of SD-JWT VC
    /// credentials binds them to (`cnf.jwk`). `mcx issuer issue --format sd-jwt` takes it as
    /// the learner id.
    pub p256_did: Option<String>,
    /// The P-256 public key as a JWK (JSON text: `kty`, `crv`, `x`, `y`).
    pub p256_jwk: Option<String>,
}

impl Wallet {
    /// Make the P-256 holder key when the wallet has none (a new wallet, or one made before
    /// SD-JWT VC). Only for a wallet open for writing.
    pub(super) fn ensure_holder_p256_key(&self) -> Result<()> {
        if self
            .secrets
            .contains_key(HOLDER_P256)
            .map_err(|e| self.damaged(e))?
        {
            return Ok(());
        }
        let key = SigningKey::random(&mut rand_core::OsRng);
        self.put_holder_p256(&key)?;
        self.flush()
    }

    /// Store `key` as the P-256 holder key (sealed; not flushed).
    pub(super) fn put_holder_p256(&self, key: &SigningKey) -> Result<()> {
        let secret = key.to_bytes();
        self.secrets
            .insert(HOLDER_P256, self.seal(&secret, HOLDER_P256.as_bytes()))
            .map_err(|e| self.damaged(e))?;
        Ok(())
    }

    /// The learner's P-256 holder key (ES256): SD-JWT VC credentials are bound to it and it
    /// signs their key-binding JWTs.
    pub fn holder_p256_key(&self) -> Result<SigningKey> {
        let raw = self
            .secrets
            .get(HOLDER_P256)
            .map_err(|e| self.damaged(e))?
            .ok_or_else(|| {
                Error::NotFound(if self.from_packs {
                    "the P-256 holder key (the wallet is read-only and its index could not be \
                     read, so it was rebuilt from the originals without the key)"
                        .into()
                } else {
                    "the P-256 holder key (it is made the first time the wallet is opened where \
                     it can be written)"
                        .into()
                })
            })?;
        let secret = self.unseal(&raw, HOLDER_P256.as_bytes())?;
        p256_from_secret(&secret).ok_or_else(|| Error::WalletDamaged {
            path: self.dir.clone(),
            detail: "its P-256 holder key is unreadable".into(),
        })
    }

    /// The P-256 holder key's public JWK (`kty`, `crv`, `x`, `y`): what an SD-JWT VC bound to
    /// this wallet carries as `cnf.jwk`.
    pub fn holder_p256_jwk(&self) -> Result<Value> {
        serde_json::from_str(&p256_jwk_text(&self.holder_p256_key()?))
            .map_err(|e| Error::Internal(e.to_string()))
    }

    /// The P-256 holder key as a did:jwk.
    pub fn holder_p256_did(&self) -> Result<String> {
        Ok(did_jwk(&p256_jwk_text(&self.holder_p256_key()?)))
    }

    /// Both public holder keys; a key the wallet does not have (read-only, rebuilt from its
    /// packs, or never opened for writing since SD-JWT VC) is `None`.
    pub fn holder_keys(&self) -> Result<HolderKeys> {
        let ed25519_did = absent_is_none(self.holder_key())?.map(|k| k.did());
        let p256 = absent_is_none(self.holder_p256_key())?.map(|k| p256_jwk_text(&k));
        Ok(HolderKeys {
            ed25519_did,
            p256_did: p256.as_deref().map(did_jwk),
            p256_jwk: p256,
        })
    }

    /// Every claim of the SD-JWT VC `id`, with whether the learner may withhold it (the Share
    /// screen's list).
    pub fn sd_jwt_claims(&self, id: &str) -> Result<Vec<SdClaim>> {
        self.sd_jwt_claims_of(&self.original(id)?)
    }

    /// [`Wallet::sd_jwt_claims`] of an original already read from the wallet.
    pub(crate) fn sd_jwt_claims_of(&self, original: &[u8]) -> Result<Vec<SdClaim>> {
        labelled_claims(original, &self.load_env()?)
    }

    /// A presentation of the SD-JWT VC `id` for the verifier `aud`, disclosing the claims at
    /// `disclose` (and what they need), with a key-binding JWT over `nonce` signed at `now` by
    /// the wallet's P-256 holder key. Refuses an empty verifier address or code, a credential
    /// bound to another key, and a claim the credential does not have.
    pub fn present_sd_jwt(
        &self,
        id: &str,
        disclose: &[String],
        aud: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let original = self.original(id)?;
        self.present_sd_jwt_of(&original, disclose, aud, nonce, now)
    }

    /// [`Wallet::present_sd_jwt`] of an original already read.
    pub(crate) fn present_sd_jwt_of(
        &self,
        original: &[u8],
        disclose: &[String],
        aud: &str,
        nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let (aud, nonce) = (aud.trim(), nonce.trim());
        if aud.is_empty() {
            return Err(Error::BadInput(
                "give the verifier's address (aud): the presentation is made for that verifier \
                 alone"
                    .into(),
            ));
        }
        if nonce.is_empty() {
            return Err(Error::BadInput(
                "give a code (nonce) for the presentation: the verifier's, or a random one".into(),
            ));
        }
        let key = self.holder_p256_key()?;
        sdjwt::present(original, disclose, &key, aud, nonce, now.timestamp())
    }
}

/// The claims of an SD-JWT VC original, named and ruled by the type metadata it commits to.
fn labelled_claims(original: &[u8], env: &Env) -> Result<Vec<SdClaim>> {
    let mut claims = sdjwt::claims(original)?;
    let (doc, _) = sdjwt::parse(original)?;
    let metadata = crate::verify::sdjwt::committed_type_metadata(&doc.credential, env);
    sdjwt::label_claims(&mut claims, metadata.as_deref());
    Ok(claims)
}

/// A P-256 key from its stored 32-byte secret scalar; `None` when it is not one.
pub(super) fn p256_from_secret(secret: &[u8]) -> Option<SigningKey> {
    if secret.len() != 32 {
        return None;
    }
    SigningKey::from_slice(secret).ok()
}

/// The public JWK of a P-256 key, as compact JSON text.
fn p256_jwk_text(key: &SigningKey) -> String {
    p256::PublicKey::from(key.verifying_key()).to_jwk_string()
}

/// `did:jwk:` + base64url of the JWK's JSON text (did:jwk §2).
fn did_jwk(jwk: &str) -> String {
    format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jwk.as_bytes()))
}

/// `Ok(None)` for a key the wallet does not hold; any other error stays one.
fn absent_is_none<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::Verdict;
    use crate::store::crypto::KdfCost;
    use crate::store::{ImportItem, ImportOutcome};
    use p256::ecdsa::{signature::Signer, Signature};
    use serde_json::json;

    const ISS: &str = "https://uni.example";
    const FAST: KdfCost = KdfCost {
        m_cost: 1024,
        t_cost: 1,
    };

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn disclosure(parts: Value) -> (String, String) {
        let d = b64(parts.to_string().as_bytes());
        let digest = crate::formats::sd_digest("sha-256", &d).unwrap();
        (d, digest)
    }

    /// An SD-JWT VC issued by `ISS` and bound to `holder` (`cnf.jwk`): `ects_credits` and
    /// `grade` disclosable, `title` in the clear. Also the issuer's JWT VC Issuer Metadata.
    fn issue(holder: &Value) -> (String, String) {
        issue_typed(holder, "urn:eudi:micro_credential:1")
    }

    /// [`issue`] with the type `vct`.
    fn issue_typed(holder: &Value, vct: &str) -> (String, String) {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let mut issuer_jwk: Value =
            serde_json::from_str(&p256::PublicKey::from(key.verifying_key()).to_jwk_string())
                .unwrap();
        issuer_jwk["kid"] = json!("k1");
        let (ects, ects_dg) = disclosure(json!(["s1", "ects_credits", 5]));
        let (grade, grade_dg) = disclosure(json!(["s2", "grade", "1.7"]));
        let payload = json!({
            "iss": ISS, "iat": 1_750_000_000, "exp": 4_000_000_000u64,
            "vct": vct,
            "cnf": {"jwk": holder},
            "title": "Predictive Maintenance",
            "_sd": [ects_dg, grade_dg],
            "_sd_alg": "sha-256",
        });
        let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k1"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(payload.to_string().as_bytes())
        );
        let sig: Signature = key.sign(input.as_bytes());
        let sd_jwt = format!("{input}.{}~{ects}~{grade}~", b64(&sig.to_bytes()));
        let metadata = json!({"issuer": ISS, "jwks": {"keys": [issuer_jwk]}}).to_string();
        (sd_jwt, metadata)
    }

    fn import(wallet: &Wallet, bytes: &[u8]) -> String {
        let reports = wallet
            .import(
                vec![ImportItem {
                    bytes: bytes.to_vec(),
                    source: "test".into(),
                }],
                false,
                Utc::now(),
                &mut |_, _| {},
            )
            .unwrap();
        match &reports[0].outcome {
            ImportOutcome::Imported { id, verdict, .. } => {
                assert_eq!(*verdict, Verdict::Valid);
                id.clone()
            }
            other => panic!("not imported: {other:?}"),
        }
    }

    /// Issue 18: the P-256 holder key is made once, stays the same across reopening, locking
    /// and unlocking, is in its public JWK and did:jwk, and comes back from a backup.
    #[test]
    fn the_p256_holder_key_is_made_once_and_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("w");
        let (jwk, did) = {
            let w = Wallet::open(&dir).unwrap();
            let jwk = w.holder_p256_jwk().unwrap();
            assert_eq!(jwk["kty"], "EC");
            assert_eq!(jwk["crv"], "P-256");
            assert!(jwk.get("x").is_some() && jwk.get("y").is_some());
            assert!(jwk.get("d").is_none(), "the public JWK holds no secret");
            let keys = w.holder_keys().unwrap();
            assert_eq!(keys.ed25519_did, Some(w.holder_key().unwrap().did()));
            let did = keys.p256_did.clone().unwrap();
            // The did:jwk is the JWK itself, as an issuer reads it.
            let decoded = URL_SAFE_NO_PAD
                .decode(did.strip_prefix("did:jwk:").unwrap())
                .unwrap();
            assert_eq!(serde_json::from_slice::<Value>(&decoded).unwrap(), jwk);
            assert_eq!(
                serde_json::from_str::<Value>(keys.p256_jwk.as_deref().unwrap()).unwrap(),
                jwk
            );
            assert_eq!(w.holder_p256_did().unwrap(), did);
            (jwk, did)
        };
        let mut w = Wallet::open(&dir).unwrap();
        assert_eq!(w.holder_p256_jwk().unwrap(), jwk, "stable across reopening");
        w.set_passphrase("pass phrase", FAST).unwrap();
        assert_eq!(w.holder_p256_jwk().unwrap(), jwk, "kept when encrypted");
        drop(w);
        let mut w = Wallet::open_with(&dir, Some("pass phrase")).unwrap();
        assert_eq!(w.holder_p256_jwk().unwrap(), jwk);
        w.remove_passphrase().unwrap();
        assert_eq!(w.holder_p256_jwk().unwrap(), jwk, "kept when decrypted");

        // A backup restored into a new wallet brings the key; merged, the wallet keeps its own.
        let backup = tmp.path().join("b.mcxbackup");
        w.backup(&backup, "backup pass", FAST).unwrap();
        drop(w);
        let other = Wallet::open(&tmp.path().join("other")).unwrap();
        let own = other.holder_p256_jwk().unwrap();
        assert_ne!(own, jwk);
        other
            .restore(&backup, "backup pass", true, Utc::now())
            .unwrap();
        assert_eq!(other.holder_p256_jwk().unwrap(), own);
        other
            .restore(&backup, "backup pass", false, Utc::now())
            .unwrap();
        assert_eq!(other.holder_p256_jwk().unwrap(), jwk);
        assert_eq!(other.holder_p256_did().unwrap(), did);
    }

    /// An older wallet (no P-256 key) gets one the first time it is opened for writing, never
    /// when it is read read-only.
    #[test]
    fn an_older_wallet_gets_its_p256_key_on_its_first_writable_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        {
            let w = Wallet::open(dir).unwrap();
            w.secrets.remove(HOLDER_P256).unwrap();
            w.flush().unwrap();
        }
        let r = Wallet::open_read_only(dir, None, crate::ReadOnlyReason::NotWritable).unwrap();
        assert!(matches!(r.holder_p256_key(), Err(Error::NotFound(_))));
        let keys = r.holder_keys().unwrap();
        assert!(keys.ed25519_did.is_some());
        assert_eq!((keys.p256_did, keys.p256_jwk), (None, None));
        drop(r);
        let w = Wallet::open(dir).unwrap();
        let jwk = w.holder_p256_jwk().unwrap();
        drop(w);
        assert_eq!(Wallet::open(dir).unwrap().holder_p256_jwk().unwrap(), jwk);
    }

    /// The repair brings the P-256 key over with the rest of `secrets`.
    #[test]
    fn repair_keeps_the_p256_key() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let jwk = Wallet::open(dir).unwrap().holder_p256_jwk().unwrap();
        let (w, report) = Wallet::repair_dir(dir, None, Utc::now()).unwrap();
        assert_eq!(w.holder_p256_jwk().unwrap(), jwk);
        assert!(report.lost.is_empty(), "{:?}", report.lost);
    }

    /// Issue 18: a credential bound to the wallet's P-256 key is presented with the chosen
    /// claims only, bound to the verifier, and verifies; the grade stays with the learner.
    #[test]
    fn a_credential_bound_to_the_wallet_is_presented_with_the_chosen_claims() {
        let tmp = tempfile::tempdir().unwrap();
        let w = Wallet::open(tmp.path()).unwrap();
        let (sd_jwt, metadata) = issue(&w.holder_p256_jwk().unwrap());
        w.import_trust_document(metadata.as_bytes(), None).unwrap();
        let id = import(&w, sd_jwt.as_bytes());

        let claims = w.sd_jwt_claims(&id).unwrap();
        let find = |p: &str| claims.iter().find(|c| c.path == p).unwrap();
        assert!(find("grade").can_withhold);
        assert_eq!(
            find("grade").labels.get("de").map(String::as_str),
            Some("Note")
        );
        assert!(find("ects_credits").can_withhold);
        assert!(!find("title").can_withhold);

        let now = Utc::now();
        let vp = w
            .present_sd_jwt(
                &id,
                &["ects_credits".to_string()],
                " https://employer.example ",
                "n-42",
                now,
            )
            .unwrap();
        let v = crate::verify::verify_bytes(vp.as_bytes(), &w.env().unwrap(), now).unwrap();
        assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
        assert_eq!(v.credential.ects, Some(5.0));
        assert_eq!(v.credential.grade, None, "the grade stays with the learner");
        assert!(v
            .steps
            .iter()
            .any(|s| s.message.contains("Presented by its holder")));
        // The key-binding JWT names the verifier and the code.
        let kb = vp.rsplit('~').next().unwrap();
        let payload: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(kb.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(payload["aud"], "https://employer.example");
        assert_eq!(payload["nonce"], "n-42");
        assert_eq!(payload["iat"], now.timestamp());

        // No verifier address or code: refused, naming what is missing.
        let e = w.present_sd_jwt(&id, &[], " ", "n", now).unwrap_err();
        assert!(e.to_string().contains("verifier's address"), "{e}");
        let e = w
            .present_sd_jwt(&id, &[], "https://e.example", "", now)
            .unwrap_err();
        assert!(e.to_string().contains("nonce"), "{e}");
    }

    /// A credential bound to another wallet's key cannot be presented from this one.
    #[test]
    fn a_credential_bound_to_another_key_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let w = Wallet::open(tmp.path()).unwrap();
        let stranger = SigningKey::random(&mut rand_core::OsRng);
        let jwk: Value =
            serde_json::from_str(&p256::PublicKey::from(stranger.verifying_key()).to_jwk_string())
                .unwrap();
        let (sd_jwt, metadata) = issue(&jwk);
        w.import_trust_document(metadata.as_bytes(), None).unwrap();
        let id = import(&w, sd_jwt.as_bytes());
        let e = w
            .present_sd_jwt(&id, &["grade".into()], "https://e.example", "n", Utc::now())
            .unwrap_err();
        assert!(e.to_string().contains("bound to another key"), "{e}");
    }

    /// Issue 18: the claims its type metadata marks `sd: never` are named so. One its issuer
    /// made a disclosure anyway stays the learner's choice: the wallet sends no more than the
    /// learner chose. Verification warns of the issuer's breach of its type's rules (`grade` a
    /// disclosure though `never`, `title` in the clear though `always`).
    #[test]
    fn the_type_rules_are_named_and_the_learners_choice_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let w = Wallet::open(tmp.path()).unwrap();
        let (sd_jwt, metadata) = issue_typed(&w.holder_p256_jwk().unwrap(), "urn:test:never:1");
        w.import_trust_document(metadata.as_bytes(), None).unwrap();
        let type_metadata = json!({
            "vct": "urn:test:never:1", "name": "Test micro-credential",
            "claims": [
                {"path": ["grade"], "sd": "never", "display": [{"lang": "en", "label": "Grade"}]},
                {"path": ["title"], "sd": "always"},
                {"path": ["ects_credits"], "sd": "allowed"},
            ],
        });
        w.import_trust_document(type_metadata.to_string().as_bytes(), None)
            .unwrap();
        let id = import(&w, sd_jwt.as_bytes());

        let claims = w.sd_jwt_claims(&id).unwrap();
        let find = |p: &str| claims.iter().find(|c| c.path == p).unwrap();
        assert!(find("grade").never && find("grade").can_withhold);
        assert!(find("ects_credits").can_withhold && !find("ects_credits").never);
        assert!(!find("title").never && !find("title").can_withhold);

        let now = Utc::now();
        let vp = w
            .present_sd_jwt(&id, &[], "https://employer.example", "n-1", now)
            .unwrap();
        let env = w.env().unwrap();
        let v = crate::verify::verify_bytes(vp.as_bytes(), &env, now).unwrap();
        assert_eq!(v.verdict, Verdict::Valid, "{:#?}", v.steps);
        assert_eq!(v.credential.grade, None, "withheld, as the learner chose");
        assert_eq!(v.credential.ects, None, "withheld as chosen");

        let held = crate::verify::verify_bytes(sd_jwt.as_bytes(), &env, now).unwrap();
        let warned: Vec<&str> = held
            .steps
            .iter()
            .filter(|s| s.status == crate::model::StepStatus::Warn)
            .map(|s| s.message.as_str())
            .collect();
        assert!(
            warned
                .iter()
                .any(|m| m.contains("did not follow its type's rules")
                    && m.contains("grade is a disclosure of its own")
                    && m.contains("title is signed in the clear")
                    && !m.contains("ects_credits")),
            "{warned:#?}"
        );
    }
}
