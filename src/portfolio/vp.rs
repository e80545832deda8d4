//! The signed presentation: the learner's chosen credentials, unmodified, wrapped in a W3C
//! Verifiable Presentation 2.0 and signed with the wallet's holder key (proof purpose
//! `authentication`).
//!
//! A portfolio or a share link is not a live login: nobody asked for it with a fresh
//! challenge. Its proof still carries one, so verifiers that insist on a challenge (the
//! `authentication` purpose of most libraries) can check it: when the verifier gave none, the
//! challenge is a fresh random `urn:uuid:`, the portfolio's own reference, and `domain` is
//! left out (the learner may send it to anyone). What that proves and what a replay can do
//! is in docs/sharing.md.

use crate::formats::{self, Envelope};
use crate::model::{Format, Verdict};
use crate::proof::contexts::ContextLoader;
use crate::proof::di::{self, SignOptions, Suite};
use crate::store::{StoredCredential, Wallet};
use crate::verify::Env;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// How to sign a presentation.
#[derive(Debug, Clone)]
pub struct PresentationOptions {
    /// The cryptosuite: `eddsa-rdfc-2022` (default) or `eddsa-jcs-2022`.
    pub suite: Suite,
    /// A challenge the verifier gave (proof `challenge`); without one, a fresh random
    /// `urn:uuid:` names this presentation.
    pub challenge: Option<String>,
    /// The verifier's domain (proof `domain`), if any.
    pub domain: Option<String>,
    /// When the proof stops being accepted (proof `expires`), if ever.
    pub expires: Option<DateTime<Utc>>,
    /// Include credentials that are not verified valid (refused by default).
    pub allow_unverified: bool,
    /// The proof's `created` time (now when `None`).
    pub created: Option<DateTime<Utc>>,
}

impl Default for PresentationOptions {
    fn default() -> Self {
        PresentationOptions {
            suite: Suite::EddsaRdfc2022,
            challenge: None,
            domain: None,
            expires: None,
            allow_unverified: false,
            created: None,
        }
    }
}

/// Build and sign a presentation of the credentials `ids` (wallet ids, unique prefixes or
/// the credentials' own ids). Each credential goes in as its signed original, unmodified (a
/// JWT as an `EnvelopedVerifiableCredential`). Refuses, naming the credential, one that is
/// not verified valid or was imported by force (unless `allow_unverified`), a sealed
/// European Digital Credential (JAdES) and a container (CLR, presentation).
pub fn presentation(wallet: &Wallet, ids: &[String], opts: &PresentationOptions) -> Result<Value> {
    presentation_of(wallet, &wallet.get_with_originals(ids)?, opts)
}

/// [`presentation`] of credentials already read from the wallet (record and original).
pub(super) fn presentation_of(
    wallet: &Wallet,
    items: &[(StoredCredential, Vec<u8>)],
    opts: &PresentationOptions,
) -> Result<Value> {
    if items.is_empty() {
        return Err(Error::BadInput(
            "choose at least one credential to present".into(),
        ));
    }
    signed_presentation(wallet, items, opts, &wallet.env()?)
}

/// [`presentation_of`] with the wallet's trust data already loaded (`env`), also of no
/// credential (a PDF portfolio of SD-JWT VCs alone, which go beside it).
pub(super) fn signed_presentation(
    wallet: &Wallet,
    items: &[(StoredCredential, Vec<u8>)],
    opts: &PresentationOptions,
    env: &Env,
) -> Result<Value> {
    let mut creds = Vec::with_capacity(items.len());
    for (rec, original) in items {
        creds.push(embed(
            rec,
            original,
            opts.allow_unverified,
            &env.proof.contexts,
        )?);
    }
    let key = wallet.holder_key()?;
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": key.did(),
        "verifiableCredential": creds,
    });
    let sign = SignOptions {
        suite: opts.suite,
        purpose: "authentication".into(),
        created: opts.created.unwrap_or_else(Utc::now),
        challenge: Some(
            opts.challenge
                .clone()
                .unwrap_or_else(crate::issuer::new_urn_uuid),
        ),
        domain: opts.domain.clone(),
        expires: opts.expires,
    };
    di::sign(&unsigned, &key, &sign, &env.proof.contexts)
}

/// One credential (its record and signed original) as it goes into `verifiableCredential`.
/// One with an `ecdsa-sd-2023` base proof goes derived, showing everything
/// ([`super::derive::for_verifier`]).
pub(super) fn embed(
    rec: &StoredCredential,
    original: &[u8],
    allow_unverified: bool,
    contexts: &ContextLoader,
) -> Result<Value> {
    let name = shareable(rec, allow_unverified)?;
    let doc = formats::parse_unwrapped(original, &formats::unwrap_container(original)?)?;
    if matches!(doc.profile(), Format::Clr2 | Format::Presentation) {
        return Err(Error::BadInput(format!(
            "\"{name}\" is a {}; a presentation cannot hold another container",
            doc.profile().label()
        )));
    }
    match &doc.envelope {
        Envelope::Json => super::derive::for_verifier(doc.credential, contexts),
        Envelope::Jwt { signing_input, .. } => {
            let sig = original_jwt_signature(original, signing_input).ok_or_else(|| {
                Error::BadInput(format!(
                    "\"{name}\" is a JWT whose compact form could not be recovered from its original"
                ))
            })?;
            Ok(json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": format!("data:application/vc+jwt,{signing_input}.{sig}"),
                "type": ["EnvelopedVerifiableCredential"],
            }))
        }
        Envelope::SdJwt(_) => Err(Error::BadInput(format!(
            "\"{name}\" is an SD-JWT VC, which a W3C presentation cannot carry; share its original file instead"
        ))),
        Envelope::Jades { .. } => Err(Error::BadInput(format!(
            "\"{name}\" is sealed as a European Digital Credential (JAdES), which a W3C presentation cannot carry; share its original file instead"
        ))),
    }
}

/// The credential's name for messages, when it may be shared: verified valid, or genuine but
/// no longer in force (unless `allow_unverified`, anything). Refused by name otherwise.
pub(super) fn shareable(rec: &StoredCredential, allow_unverified: bool) -> Result<String> {
    let name = rec
        .verification
        .credential
        .title
        .clone()
        .unwrap_or_else(|| rec.id.clone());
    if !allow_unverified {
        if rec.forced {
            return Err(Error::BadInput(format!(
                "\"{name}\" ({}) was imported although it did not verify; only verified credentials can be shared",
                short(&rec.id)
            )));
        }
        // Expired or revoked genuine credentials may be shared as history: the employer's
        // verifier shows them as such.
        if !matches!(rec.verification.verdict, Verdict::Valid | Verdict::Inactive) {
            let why = match rec.verification.verdict {
                Verdict::Invalid => "is invalid",
                _ => "could not be verified",
            };
            return Err(Error::BadInput(format!(
                "\"{name}\" ({}) {why}; only verified credentials can be shared",
                short(&rec.id)
            )));
        }
    }
    Ok(name)
}

/// The JWT's signature part, exactly as in the original (after its signing input).
fn original_jwt_signature(original: &[u8], signing_input: &str) -> Option<String> {
    let text = std::str::from_utf8(original).ok()?;
    let start = text.find(signing_input)? + signing_input.len();
    let rest = text[start..].strip_prefix('.')?;
    let sig: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!sig.is_empty()).then_some(sig)
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
