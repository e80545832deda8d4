//! Recognising a document's wire format and mapping it to the normalised
//! [`MicroCredential`] view. Parsing the wire format is kept
//! apart from the meaning; nothing here checks signatures.
//!
//! This module owns:
//! - [`parse_document`]: untrusted bytes → a recognised [`Document`] (JSON/JSON-LD credential,
//!   presentation, VC-JWT compact serialisation, the EDC JAdES JWS JSON serialisation, the
//!   `{"credential": …}` uploadable wrapper) or a [`crate::Error::BadInput`] naming the
//!   problem;
//! - [`view`]: a [`Document`] → the normalised view with the EU Annex I elements
//!   (`docs/mapping.md` is the user-facing table of where each element comes from);
//! - [`clr_parts`]: the credentials and associations embedded in a CLR 2.0;
//! - [`unwrap_container`]: credentials baked into PNG/SVG badge images.
//!
//! It must not: check signatures or proofs (that is [`crate::verify`] and [`crate::proof`]),
//! touch the network, dereference any IRI, or panic on any input.

mod blockcerts;
mod clr;
mod container;
mod detect;
mod edc;
mod image;
mod jws;
mod ob3;
mod sdjwt;
mod sdjwt_map;
mod text;
mod vc;

#[cfg(test)]
mod tests;

pub use clr::{clr_parts, embedded_credentials, Association, ClrParts};
pub use container::unwrap_container;
pub use detect::{detect_format, is_credential_like, is_presentation_like};
pub use sdjwt::{
    claim_at as sdjwt_claim_at, digest as sd_digest, metadata_path as sdjwt_metadata_path, SdJwt,
    MAX_DISCLOSURES,
};
pub use text::iso_duration_hours;
pub(crate) use text::list as text_list;

use crate::model::{Format, MicroCredential};
use crate::Error;
use serde_json::Value;

/// The largest document accepted for one credential (16 MiB), checked before parsing.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// The deepest JSON nesting accepted once parsed (arrays and objects, the root counts as 1).
pub const MAX_DEPTH: usize = 64;

/// How the credential was packaged on the wire. Parse results only: nothing here has been
/// checked cryptographically.
#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// A plain JSON / JSON-LD document (possibly with embedded Data Integrity proofs), or the
    /// `{"credential": …}` uploadable wrapper around one.
    Json,
    /// A JWS compact serialisation (VC-JWT, VC JOSE, OB 3.0 JWT form), RFC 7515 §7.1.
    Jwt {
        /// The decoded protected header (has an `alg` other than `none`).
        header: Value,
        /// The decoded JWT claims set (the whole payload, including `vc` / `vp` if present).
        payload: Value,
        /// `BASE64URL(header) "." BASE64URL(payload)` exactly as received: the bytes signed.
        signing_input: String,
        /// The decoded signature bytes.
        signature: Vec<u8>,
    },
    /// A JAdES-style JWS JSON serialisation (RFC 7515 §7.2, ETSI TS 119 182-1), as European
    /// Digital Credentials are sealed. Only the first signature is kept.
    Jades {
        /// The decoded protected header (`alg`, `x5c`, `b64`, `sigT`, `crit`, ...).
        protected: Value,
        /// The protected header exactly as received (base64url), part of the signing input.
        protected_b64: String,
        /// The `payload` member exactly as received: with `b64: false` (RFC 7797) it is the
        /// credential JSON itself, otherwise its base64url encoding.
        payload: String,
        /// Whether the payload is base64url-encoded (`b64` absent or `true`).
        b64: bool,
        /// The unprotected `header` member (JAdES `etsiU`), or `Null`.
        unprotected: Value,
        /// The decoded signature bytes.
        signature: Vec<u8>,
        /// The `x5c` certificate chain from the protected header, DER, leaf first.
        x5c: Vec<Vec<u8>>,
    },
    /// An SD-JWT (RFC 9901), compact or in JSON form, with the disclosures the holder kept;
    /// [`Document::credential`] holds the claims those disclosures open.
    SdJwt(Box<SdJwt>),
}

impl Envelope {
    /// The bytes the signature covers (`protected "." payload`, RFC 7515 §5.2 / RFC 7797 §3),
    /// for the JWT and JAdES envelopes; `None` for plain JSON.
    pub fn signing_input(&self) -> Option<Vec<u8>> {
        match self {
            Envelope::Json => None,
            Envelope::Jwt { signing_input, .. } => Some(signing_input.as_bytes().to_vec()),
            Envelope::SdJwt(sd) => Some(sd.signing_input.as_bytes().to_vec()),
            Envelope::Jades {
                protected_b64,
                payload,
                ..
            } => {
                let mut v = Vec::with_capacity(protected_b64.len() + 1 + payload.len());
                v.extend_from_slice(protected_b64.as_bytes());
                v.push(b'.');
                v.extend_from_slice(payload.as_bytes());
                Some(v)
            }
        }
    }
}

/// A recognised document: its format, the credential JSON and how it was packaged.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The wire format ([`Format::VcJwt`] for any compact JWS; see [`Document::profile`]).
    pub format: Format,
    /// The credential (or presentation) JSON. For a JWT, the decoded credential (the `vc`
    /// claim with the registered claims folded in, or the payload itself); for JAdES, the
    /// parsed payload; for the uploadable wrapper, the inner credential.
    pub credential: Value,
    /// How it was packaged.
    pub envelope: Envelope,
    profile: Format,
}

impl Document {
    /// Build a document from an already parsed JSON credential (for example one embedded in
    /// a CLR or a presentation). Strings are parsed as JWTs; objects must look like
    /// credentials ([`is_credential_like`]).
    pub fn from_value(value: Value) -> Result<Document, Error> {
        match value {
            Value::String(s) => parse_document(s.as_bytes()),
            other => detect::document_from_json(other),
        }
    }

    /// The data model inside the envelope: the same as [`Document::format`] except for a
    /// JWT, where it is the secured credential's own profile (e.g. [`Format::OpenBadges3`]).
    pub fn profile(&self) -> Format {
        self.profile
    }
}

/// [`parse_document`] of what [`unwrap_container`] took out of `original`: when that was a
/// badge image, an error says the problem is in the credential baked into it.
pub fn parse_unwrapped(original: &[u8], unwrapped: &[u8]) -> Result<Document, Error> {
    parse_document(unwrapped).map_err(|e| match (e, container::image_kind(original)) {
        (Error::BadInput(m), Some(image)) => Error::BadInput(format!(
            "the credential baked into this {}: {m}",
            image.name()
        )),
        (e, _) => e,
    })
}

/// Parse untrusted bytes into a recognised [`Document`]. Refuses, with a
/// [`Error::BadInput`] naming the problem: inputs over [`MAX_DOCUMENT_BYTES`], invalid
/// UTF-8, malformed JSON, nesting deeper than [`MAX_DEPTH`], JSON that is not a credential,
/// malformed JWTs and JWTs with `alg: none`.
pub fn parse_document(bytes: &[u8]) -> Result<Document, Error> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::BadInput(format!(
            "the input is {} bytes, larger than the 16 MiB limit for one credential",
            bytes.len()
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::BadInput(format!(
            "not UTF-8 at byte {}: a credential is JSON or a JWT, both UTF-8 text",
            e.valid_up_to()
        ))
    })?;
    // ASCII whitespace (all a JSON or JWT producer writes) first, a byte at a time, then any
    // other: a hostile input of 16 MiB of spaces costs one pass over bytes, not chars.
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .trim_ascii()
        .trim();
    if text.is_empty() {
        return Err(Error::BadInput(
            "the input is empty: expected a JSON credential or a JWT".into(),
        ));
    }
    if text.starts_with('{') || text.starts_with('[') {
        let value = detect::parse_json(text)?;
        // JWS JSON serialisation, general (`signatures`) or flattened (`signature`).
        if sdjwt::is_json_sd_jwt(&value) {
            return sdjwt::parse_json(&value);
        }
        let is_jws_json = value.get("payload").is_some()
            && (value.get("signatures").is_some() || value.get("signature").is_some());
        if is_jws_json {
            return jws::parse_jades(&value);
        }
        return detect::document_from_json(value);
    }
    if text.starts_with('"') {
        // A JSON string holding a JWT (as some APIs return it).
        if let Ok(Value::String(inner)) = detect::parse_json(text) {
            return jws::parse_compact(inner.trim());
        }
    }
    if sdjwt::is_compact_sd_jwt(text) {
        return sdjwt::parse_compact(text);
    }
    jws::parse_compact(text)
}

/// Map a document to the normalised view (infallible: what is missing stays `None` or
/// empty), then fill [`MicroCredential::annex_missing`].
pub fn view(doc: &Document) -> MicroCredential {
    view_value(doc.profile, &doc.credential)
}

/// Map a credential JSON of a known profile to the view (used for JWT payloads and CLR
/// members too).
fn view_value(profile: Format, credential: &Value) -> MicroCredential {
    let mut mc = vc::base_view(credential);
    match profile {
        Format::OpenBadges3 => ob3::apply(credential, &mut mc),
        Format::Clr2 => clr::apply(credential, &mut mc),
        Format::Edc => edc::apply(credential, &mut mc),
        Format::OpenBadges2 => vc::apply_ob2(credential, &mut mc),
        Format::Presentation => vc::apply_presentation(credential, &mut mc),
        Format::SdJwtVc => sdjwt_map::apply(credential, &mut mc),
        Format::Vc2 | Format::Vc1 | Format::VcJwt => {
            // A generic VC may still carry an OB-style achievement or an ELM claim.
            if credential
                .pointer("/credentialSubject/achievement")
                .is_some()
            {
                ob3::apply(credential, &mut mc);
            } else if credential.pointer("/credentialSubject/hasClaim").is_some() {
                edc::apply(credential, &mut mc);
            } else if blockcerts::is_blockcerts(credential) {
                blockcerts::apply(credential, &mut mc);
            }
        }
    }
    mc.compute_annex_missing();
    mc
}
