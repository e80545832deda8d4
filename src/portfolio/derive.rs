//! Sharing a Data Integrity credential that carries an `ecdsa-sd-2023` base proof with the
//! claims the learner chooses: the same choice as for an SD-JWT VC (the Share screen's list,
//! `mcx export sd-jwt`), made into a derived proof (`proof::ecdsa_sd::derive`) that shows what
//! the issuer made mandatory and what the learner chose. Nothing is signed by the holder for
//! the derivation; a presentation around it is (`Wallet::present_derived`).
//!
//! The claims are the credential's values down to its leaves, by dotted path as for SD-JWT
//! (`credentialSubject.achievement.name`, `credentialSubject.result.0.value`). A value under a
//! mandatory pointer cannot be withheld, and neither can an `id` or `type`: the selection
//! carries the identifier and kind of every part that shows anything (ecdsa-sd-2023 §3.4.11),
//! so they go with it.

use super::link;
use super::sdjwt::{self, value_text, SdClaim};
use super::share::VerifierBase;
use super::vp::signed_presentation;
use super::PresentationOptions;
use crate::formats::{self, Envelope};
use crate::model::Format;
use crate::proof::contexts::ContextLoader;
use crate::proof::di::Suite;
use crate::proof::ecdsa_sd;
use crate::store::{StoredCredential, Wallet};
use crate::{Error, Result};
use serde_json::Value;

/// A claim of a credential with a base proof, and the JSON pointer that selects it.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// The claim as the Share screen lists it.
    pub claim: SdClaim,
    /// Its JSON pointer (RFC 6901) in the credential.
    pub pointer: String,
}

/// Whether `credential` carries an `ecdsa-sd-2023` base proof, so that the learner can choose
/// what a verifier sees.
pub fn is_derivable(credential: &Value) -> bool {
    ecdsa_sd::base_mandatory_pointers(credential).is_some()
}

/// Every claim of `credential` with whether the learner may withhold it; `None` when it
/// carries no `ecdsa-sd-2023` base proof.
pub fn claims(credential: &Value) -> Option<Vec<Leaf>> {
    let pointers = ecdsa_sd::base_mandatory_pointers(credential)?;
    // What each mandatory pointer reaches, as the selection reads it (so another spelling of
    // the same place is the same place).
    let mandatory: Vec<&Value> = pointers
        .iter()
        .filter_map(|p| ecdsa_sd::selected_by(credential, p))
        .collect();
    let mut out = Vec::new();
    if let Value::Object(m) = credential {
        for (k, v) in m {
            if k != "@context" && k != "proof" {
                walk(
                    v,
                    k,
                    &format!("/{}", escape(k)),
                    &mandatory,
                    false,
                    &mut out,
                );
            }
        }
    }
    Some(out)
}

/// The credential a verifier receives when the learner shows the claims at `disclose`
/// (dotted paths of [`claims`], or a path around some of them, which shows all of them):
/// what the issuer made mandatory, the chosen claims, and the identifiers and kinds of the
/// parts they are in. Refuses a credential without a base proof and a claim it does not have.
pub fn derive(credential: &Value, disclose: &[String], contexts: &ContextLoader) -> Result<Value> {
    let leaves = claims(credential).ok_or_else(|| {
        Error::BadInput(
            "this credential has no ecdsa-sd-2023 base proof, so it is shared whole: there are no claims to choose from".into(),
        )
    })?;
    let mut pointers: Vec<&str> = Vec::new();
    for d in disclose {
        let d = d.trim();
        let chosen: Vec<&Leaf> = leaves
            .iter()
            .filter(|l| {
                l.claim.path == d
                    || l.claim
                        .path
                        .strip_prefix(d)
                        .is_some_and(|r| r.starts_with('.'))
            })
            .collect();
        if chosen.is_empty() {
            return Err(Error::BadInput(format!(
                "the credential has no claim \"{d}\" (`mcx export sd-jwt ID --list` lists them)"
            )));
        }
        for l in chosen {
            if l.claim.can_withhold && !pointers.contains(&l.pointer.as_str()) {
                pointers.push(&l.pointer);
            }
        }
    }
    ecdsa_sd::derive(credential, &pointers, contexts).map_err(|f| {
        Error::BadInput(format!(
            "the wallet could not derive a credential showing only these claims: {f}"
        ))
    })
}

/// The whole credential as a verifier may receive it: derived with everything shown when it
/// carries a base proof (a base proof is for the holder: its HMAC key links every derived
/// copy, and verifiers check derived proofs only), else unchanged.
pub fn for_verifier(credential: Value, contexts: &ContextLoader) -> Result<Value> {
    if !is_derivable(&credential) {
        return Ok(credential);
    }
    ecdsa_sd::derive(&credential, &[""], contexts).map_err(|f| {
        Error::BadInput(format!(
            "the credential's ecdsa-sd-2023 base proof could not be turned into one a verifier checks: {f}"
        ))
    })
}

/// RFC 6901 escaping of one reference token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every claim at and under `v`; `inside` when `v` lies in what a mandatory pointer reaches
/// (then it is shown whatever the learner chooses).
fn walk(
    v: &Value,
    path: &str,
    pointer: &str,
    mandatory: &[&Value],
    inside: bool,
    out: &mut Vec<Leaf>,
) {
    let inside = inside || mandatory.iter().any(|m| std::ptr::eq(*m, v));
    let key = path.rsplit('.').next().unwrap_or(path);
    let technical = matches!(key, "id" | "@id" | "type" | "@type");
    let mut leaf = |value: String, can_withhold: bool| {
        out.push(Leaf {
            claim: SdClaim {
                path: path.to_string(),
                value,
                can_withhold: can_withhold && !inside,
                never: false,
                labels: Default::default(),
            },
            pointer: pointer.to_string(),
        })
    };
    match v {
        // A list of kinds is one claim, its items joined.
        Value::Array(items) if technical => leaf(
            items.iter().map(value_text).collect::<Vec<_>>().join(", "),
            false,
        ),
        // A value object (`@value` with a language or type) is one value.
        Value::Object(m) if m.contains_key("@value") => {
            leaf(m.get("@value").map(value_text).unwrap_or_default(), true)
        }
        Value::Object(m) => {
            for (k, child) in m {
                if k != "@context" {
                    walk(
                        child,
                        &format!("{path}.{k}"),
                        &format!("{pointer}/{}", escape(k)),
                        mandatory,
                        inside,
                        out,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(
                    item,
                    &format!("{path}.{i}"),
                    &format!("{pointer}/{i}"),
                    mandatory,
                    inside,
                    out,
                );
            }
        }
        other => leaf(value_text(other), !technical),
    }
}

impl Wallet {
    /// Every claim of the credential `id` that a presentation can show or withhold, with
    /// whether the learner may withhold it (the Share screen's list): an SD-JWT VC's, or a
    /// Data Integrity credential's with an `ecdsa-sd-2023` base proof. Any other credential is
    /// shared whole and refused here by name.
    pub fn selective_claims(&self, id: &str) -> Result<Vec<SdClaim>> {
        let original = self.original(id)?;
        let doc = held(&original)?;
        if matches!(doc.envelope, Envelope::SdJwt(_)) {
            return self.sd_jwt_claims_of(&original);
        }
        let mut out: Vec<SdClaim> = claims(&doc.credential)
            .ok_or_else(|| not_selective(&doc))?
            .into_iter()
            .map(|l| l.claim)
            .collect();
        sdjwt::label_claims(&mut out, None);
        Ok(out)
    }

    /// Which of the credentials `ids` let the learner choose the claims a verifier sees (an
    /// SD-JWT VC, or one with an `ecdsa-sd-2023` base proof), in the order of `ids`.
    pub fn selective_ids(&self, ids: &[String]) -> Result<Vec<String>> {
        Ok(self
            .get_with_originals(ids)?
            .into_iter()
            .filter(|(rec, original)| {
                rec.verification.format == Format::SdJwtVc
                    || held(original).is_ok_and(|d| is_derivable(&d.credential))
            })
            .map(|(rec, _)| rec.id)
            .collect())
    }

    /// A presentation of the credential `id` for the verifier `aud`, over its code `nonce`,
    /// showing the claims at `disclose`: an SD-JWT VC with a key-binding JWT
    /// ([`Wallet::present_sd_jwt`]), or a credential with an `ecdsa-sd-2023` base proof
    /// derived for the choice ([`derive()`]) in a W3C presentation signed by the holder key with
    /// `challenge` = `nonce` and `domain` = `aud`. Refuses, as for any share, a credential that
    /// is not verified.
    pub fn present_selective(
        &self,
        id: &str,
        disclose: &[String],
        aud: &str,
        nonce: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String> {
        let (aud, nonce) = (aud.trim(), nonce.trim());
        let (rec, original) = self.get_with_original(id)?;
        if matches!(rec.verification.format, Format::SdJwtVc) {
            return self.present_sd_jwt_of(&original, disclose, aud, nonce, now);
        }
        if aud.is_empty() || nonce.is_empty() {
            return Err(Error::BadInput(
                "give the verifier's address and its code (a random one when it gave none): the presentation is made for that verifier alone".into(),
            ));
        }
        let vp = self.derived_presentation(
            rec,
            &original,
            disclose,
            PresentationOptions {
                challenge: Some(nonce.to_string()),
                domain: Some(aud.to_string()),
                created: Some(now),
                ..PresentationOptions::default()
            },
        )?;
        serde_json::to_string_pretty(&vp).map_err(|e| Error::Internal(e.to_string()))
    }

    /// A share link to `page` showing the claims at `disclose` of the credential `id`: for an
    /// SD-JWT VC, [`Wallet::sd_jwt_link`]; for a credential with an `ecdsa-sd-2023` base
    /// proof, a presentation of its derived copy as every share link carries one (signed by
    /// the holder key with `eddsa-jcs-2022`, `nonce` as its challenge).
    pub fn selective_link(
        &self,
        id: &str,
        disclose: &[String],
        page: &VerifierBase,
        nonce: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String> {
        let (rec, original) = self.get_with_original(id)?;
        if matches!(rec.verification.format, Format::SdJwtVc) {
            return self.sd_jwt_link_of(&original, disclose, page, nonce, now);
        }
        let vp = self.derived_presentation(
            rec,
            &original,
            disclose,
            PresentationOptions {
                suite: Suite::EddsaJcs2022,
                challenge: Some(nonce.trim().to_string()).filter(|n| !n.is_empty()),
                created: Some(now),
                ..PresentationOptions::default()
            },
        )?;
        let bytes = serde_json::to_vec(&vp).map_err(|e| Error::Internal(e.to_string()))?;
        link::encode_link(&page.url, &bytes)
    }

    /// A signed presentation of the credential (record and original) derived to show the
    /// claims at `disclose`.
    fn derived_presentation(
        &self,
        rec: StoredCredential,
        original: &[u8],
        disclose: &[String],
        opts: PresentationOptions,
    ) -> Result<Value> {
        let doc = held(original)?;
        if !is_derivable(&doc.credential) {
            return Err(not_selective(&doc));
        }
        let env = self.env()?;
        let derived = derive(&doc.credential, disclose, &env.proof.contexts)?;
        let bytes = serde_json::to_vec(&derived).map_err(|e| Error::Internal(e.to_string()))?;
        signed_presentation(self, &[(rec, bytes)], &opts, &env)
    }
}

/// The credential a wallet original holds, out of its container (a baked badge image) as a
/// presentation embeds it.
fn held(original: &[u8]) -> Result<formats::Document> {
    formats::parse_unwrapped(original, &formats::unwrap_container(original)?)
}

/// The refusal for a credential that is shared whole.
fn not_selective(doc: &formats::Document) -> Error {
    Error::BadInput(format!(
        "this {} credential is shared whole: only an SD-JWT VC, or a credential with an ecdsa-sd-2023 base proof, lets you choose which claims to show",
        doc.format.label()
    ))
}
