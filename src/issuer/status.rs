//! Bitstring Status List credentials (W3C VC Bitstring Status List v1.0) for revoking or
//! suspending issued credentials: `mcx issuer status create|revoke|suspend|reinstate`.
//!
//! The list credential (`LIST.json`) is what the issuer publishes and learners' wallets
//! import; it is re-signed after every change. Beside it, `LIST.state.json` keeps what only
//! the issuer needs: the next free index. `encodedList` is `u` + base64url (no padding) of
//! the GZIP of the bitstring; bit *i* is byte *i*/8, mask `0x80 >> (i % 8)`.
//!
//! The list credential names only the VC 2.0 context, which defines every Bitstring Status
//! List term: adding `https://www.w3.org/ns/credentials/status/v1` after it redefines those
//! protected terms with different scoped contexts, which JSON-LD processing rejects.

use super::keystore::{to_pretty, write_file};
use super::Issuer;
use crate::proof::contexts::ContextLoader;
use crate::proof::di::Suite;
use crate::{Error, Result};
use base64::Engine;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The default list length in bits (16 KiB, the specification's minimum for privacy).
pub const DEFAULT_SIZE: u64 = 131_072;
/// The largest list accepted (16 MiB of bits, as the wallet's reader).
pub const MAX_SIZE: u64 = 16 * 1024 * 1024 * 8;

/// The list's sidecar state (`LIST.state.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The URL (or URN) credentials name the list by; also the credential's `id`.
    pub url: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Length in bits.
    pub size: u64,
    /// The next index to give a credential.
    pub next_index: u64,
    /// The issuer id that signs the list.
    pub issuer: String,
    /// Published as a Token Status List token (`LIST.jwt`, for SD-JWT VC credentials)
    /// instead of a Bitstring Status List credential.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub token: bool,
}

/// A status list: its state and its bits.
#[derive(Debug, Clone)]
pub struct StatusList {
    /// The sidecar state.
    pub state: State,
    bits: Vec<u8>,
}

/// The sidecar file of `list`: `NAME.state.json` for `NAME.json`.
pub fn state_path(list: &Path) -> PathBuf {
    let stem = list
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "status".into());
    list.with_file_name(format!("{stem}.state.json"))
}

impl StatusList {
    /// A new, all-clear list. `purpose` is `revocation` or `suspension`; `size` a multiple of 8.
    pub fn new(url: &str, purpose: &str, size: u64, issuer: &str) -> Result<StatusList> {
        if !matches!(purpose, "revocation" | "suspension") {
            return Err(Error::BadInput(format!(
                "the status purpose {purpose:?} is not revocation or suspension"
            )));
        }
        if size == 0 || !size.is_multiple_of(8) || size > MAX_SIZE {
            return Err(Error::BadInput(format!(
                "--size {size} must be a positive multiple of 8, at most {MAX_SIZE}"
            )));
        }
        if url.trim().is_empty() || url.contains(char::is_whitespace) || !url.contains(':') {
            return Err(Error::BadInput(format!(
                "--url {url:?} is not a URL or URN"
            )));
        }
        let bytes = usize::try_from(size / 8)
            .map_err(|_| Error::BadInput(format!("--size {size} is too large")))?;
        Ok(StatusList {
            state: State {
                url: url.to_string(),
                purpose: purpose.to_string(),
                size,
                next_index: 0,
                issuer: issuer.to_string(),
                token: false,
            },
            bits: vec![0; bytes],
        })
    }

    /// Read `LIST.json` and its sidecar.
    pub fn open(list: &Path) -> Result<StatusList> {
        let sp = state_path(list);
        let state_bytes = std::fs::read(&sp).map_err(|e| Error::io(&sp, e))?;
        let state: State = serde_json::from_slice(&state_bytes)
            .map_err(|e| Error::BadInput(format!("{} is malformed: {e}", sp.display())))?;
        let bytes = std::fs::read(list).map_err(|e| Error::io(list, e))?;
        let bits = if state.token {
            decode_token(&bytes, state.size, &state.purpose)
        } else {
            serde_json::from_slice::<Value>(&bytes)
                .map_err(|e| format!("not JSON: {e}"))
                .and_then(|doc| decode(&doc))
        }
        .map_err(|e| Error::BadInput(format!("{}: {e}", list.display())))?;
        if bits.len() as u64 * 8 != state.size {
            return Err(Error::BadInput(format!(
                "{} holds {} bits but {} says {}",
                list.display(),
                bits.len() * 8,
                sp.display(),
                state.size
            )));
        }
        Ok(StatusList { state, bits })
    }

    /// Give out the next free index.
    pub fn allocate(&mut self) -> Result<u64> {
        let i = self.state.next_index;
        if i >= self.state.size {
            return Err(Error::BadInput(format!(
                "the status list {} is full ({} entries); create another one",
                self.state.url, self.state.size
            )));
        }
        self.state.next_index += 1;
        Ok(i)
    }

    /// The `credentialStatus` entry for `index`.
    pub fn entry(&self, index: u64) -> Value {
        json!({
            "id": format!("{}#{index}", self.state.url),
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.state.purpose,
            "statusListIndex": index.to_string(),
            "statusListCredential": self.state.url,
        })
    }

    fn locate(&self, index: u64) -> Result<(usize, u8)> {
        if index >= self.state.size {
            return Err(Error::BadInput(format!(
                "index {index} is beyond the end of the list ({} entries)",
                self.state.size
            )));
        }
        let byte = usize::try_from(index / 8)
            .map_err(|_| Error::BadInput(format!("index {index} is too large")))?;
        Ok((byte, 0x80 >> (index % 8)))
    }

    /// Whether bit `index` is set.
    pub fn get(&self, index: u64) -> Result<bool> {
        let (b, m) = self.locate(index)?;
        Ok(self.bits.get(b).is_some_and(|x| x & m != 0))
    }

    /// Set (`true`) or clear bit `index`. Clearing a revocation is refused: revocation is
    /// permanent (use a suspension list for what may be lifted).
    pub fn set(&mut self, index: u64, value: bool) -> Result<()> {
        let (b, m) = self.locate(index)?;
        if !value && self.state.purpose == "revocation" && self.get(index)? {
            return Err(Error::BadInput(format!(
                "index {index} is revoked, and a revocation cannot be undone (suspension lists can be reinstated)"
            )));
        }
        if let Some(x) = self.bits.get_mut(b) {
            if value {
                *x |= m;
            } else {
                *x &= !m;
            }
        }
        Ok(())
    }

    /// `u` + base64url(GZIP(bits)).
    pub fn encoded_list(&self) -> Result<String> {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&self.bits)
            .and_then(|_| gz.finish())
            .map(|z| {
                format!(
                    "u{}",
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(z)
                )
            })
            .map_err(|e| Error::Internal(format!("compressing the status list: {e}")))
    }

    /// The signed `BitstringStatusListCredential` (eddsa-rdfc-2022), signed by `issuer`.
    pub fn credential(&self, issuer: &Issuer) -> Result<Value> {
        if issuer.id() != self.state.issuer {
            return Err(Error::BadInput(format!(
                "the status list {} belongs to {}, not to this issuer ({})",
                self.state.url,
                self.state.issuer,
                issuer.id()
            )));
        }
        let now = super::now();
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": self.state.url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer.id(),
            "validFrom": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "credentialSubject": {
                "id": format!("{}#list", self.state.url),
                "type": "BitstringStatusList",
                "statusPurpose": self.state.purpose,
                "encodedList": self.encoded_list()?,
            }
        });
        issuer.sign(&doc, Suite::EddsaRdfc2022, now, &ContextLoader::bundled())
    }

    /// Sign and write the list (`LIST.json`, or the token `LIST.jwt`) and its sidecar.
    pub fn save(&self, list: &Path, issuer: &Issuer) -> Result<()> {
        if self.state.token {
            write_file(list, format!("{}\n", self.token(issuer)?).as_bytes())?;
        } else {
            let doc = self.credential(issuer)?;
            write_file(list, &to_pretty(&doc)?)?;
        }
        self.save_state(list)
    }

    /// The signed Token Status List token of this list (bit `i` set = entry `i` revoked or
    /// suspended, by the list's purpose), for SD-JWT VC credentials.
    pub fn token(&self, issuer: &Issuer) -> Result<String> {
        if issuer.id() != self.state.issuer {
            return Err(Error::BadInput(format!(
                "the status list {} belongs to {}, not to this issuer ({})",
                self.state.url,
                self.state.issuer,
                issuer.id()
            )));
        }
        let set: Vec<bool> = (0..self.state.size)
            .map(|i| self.get(i).unwrap_or(false))
            .collect();
        super::sdjwt::status_token(
            issuer,
            &self.state.url,
            &self.state.purpose,
            &set,
            super::now().timestamp(),
        )
    }

    /// Write only the sidecar (after giving out indices; the bits did not change).
    pub fn save_state(&self, list: &Path) -> Result<()> {
        write_file(&state_path(list), &to_pretty(&self.state)?)
    }
}

/// The bitstring of a list credential.
fn decode(doc: &Value) -> std::result::Result<Vec<u8>, String> {
    let enc = doc
        .pointer("/credentialSubject/encodedList")
        .and_then(Value::as_str)
        .ok_or("the list has no credentialSubject.encodedList")?;
    let body = enc.strip_prefix('u').unwrap_or(enc);
    let gz = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .map_err(|e| format!("encodedList is not base64url: {e}"))?;
    let mut out = Vec::new();
    GzDecoder::new(gz.as_slice())
        .take(MAX_SIZE / 8 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("encodedList is not GZIP: {e}"))?;
    Ok(out)
}

/// The bits of a Token Status List token written by [`StatusList::token`], in this module's
/// order (bit *i* = byte *i*/8, mask `0x80 >> (i % 8)`).
fn decode_token(bytes: &[u8], size: u64, purpose: &str) -> std::result::Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the token is not text".to_string())?;
    let payload = text
        .trim()
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
        .ok_or("not a status list token")?;
    let list = payload
        .get("status_list")
        .ok_or("the token has no status_list")?;
    let mut out = vec![0u8; usize::try_from(size / 8).map_err(|_| "too large")?];
    let wanted = if purpose == "suspension" { 2 } else { 1 };
    let (bits, bytes) = crate::verify::sdjwt::inflate_status_list(list)?;
    for i in 0..size {
        if crate::verify::sdjwt::entry_of(bits, &bytes, i)? == wanted {
            out[(i / 8) as usize] |= 0x80 >> (i % 8);
        }
    }
    Ok(out)
}
