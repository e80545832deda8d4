//! The index entries: one full record per credential (view, verification, provenance) and a
//! small summary row for fast listing. Both are derived from the originals.

use super::originals::{Header, Originals};
use super::Wallet;
use crate::model::{Format, Verdict};
use crate::verify::Verification;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A credential as the wallet holds it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredential {
    /// The wallet's id for it (the content name of its original).
    pub id: String,
    /// The credential's own `id`, if any.
    pub credential_id: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// Where it came from.
    pub source: Option<String>,
    /// Imported although it did not verify: never presented as verified.
    pub forced: bool,
    /// The latest verification (re-run by `reverify`), with the view.
    pub verification: Verification,
}

/// The row shown in lists.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSummary {
    /// The wallet's id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Issuer name (or id).
    pub issuer: Option<String>,
    /// Issuer id.
    pub issuer_id: Option<String>,
    /// Date of issuing.
    pub issued: Option<String>,
    /// ECTS credits.
    pub ects: Option<f64>,
    /// EQF level.
    pub eqf_level: Option<u8>,
    /// Verdict of the latest check.
    pub verdict: Verdict,
    /// Format.
    pub format: Format,
    /// Imported although it did not verify.
    pub forced: bool,
    /// When it was last checked.
    pub checked_at: String,
}

/// How to sort a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    /// Newest first.
    Date,
    /// By issuer name.
    Issuer,
    /// Most ECTS first.
    Ects,
}

impl StoredCredential {
    /// The summary row of this record.
    pub fn summary(&self) -> CredentialSummary {
        let c = &self.verification.credential;
        CredentialSummary {
            id: self.id.clone(),
            title: c.title.clone(),
            issuer: c.issuer.name.clone().or_else(|| c.issuer.id.clone()),
            issuer_id: c.issuer.id.clone(),
            issued: c.issued.clone().or_else(|| c.valid_from.clone()),
            ects: c.ects,
            eqf_level: c.eqf_level,
            verdict: self.verification.verdict,
            format: self.verification.format,
            forced: self.forced,
            checked_at: self.verification.checked_at.clone(),
        }
    }
}

impl Wallet {
    /// Write an original's file (durably) and return its name. An existing file is kept
    /// only if the index knows it (a file left by an unacknowledged import is rewritten).
    pub(crate) fn store_original(&self, original: &[u8], header: &Header) -> Result<String> {
        let (name, bytes) = self.encode_original(original, header)?;
        if !self.originals.exists(&name) || !self.contains(&name)? {
            self.originals.write(&name, &bytes)?;
        }
        Ok(name)
    }

    /// The name and file bytes of an original, for [`Originals::write_batch`].
    pub(crate) fn encode_original(
        &self,
        original: &[u8],
        header: &Header,
    ) -> Result<(String, Vec<u8>)> {
        let name = self.name_of(original);
        let bytes = Originals::encode(&name, header, original, self.sealer.as_ref())?;
        Ok((name, bytes))
    }

    /// Put a record (and its summary and id mapping) into the index. Not flushed.
    pub(crate) fn put_record(&self, rec: &StoredCredential) -> Result<()> {
        let full = pack(&serde_json::to_vec(rec).map_err(|e| Error::Internal(e.to_string()))?);
        let row = serde_json::to_vec(&rec.summary()).map_err(|e| Error::Internal(e.to_string()))?;
        let key = rec.id.as_bytes();
        self.credentials
            .insert(key, self.seal(&full, key))
            .map_err(|e| self.damaged(e))?;
        self.summaries
            .insert(key, self.seal(&row, key))
            .map_err(|e| self.damaged(e))?;
        if let Some(cid) = &rec.credential_id {
            let k = self.name_of(cid.as_bytes());
            self.ids
                .insert(k.as_bytes(), key)
                .map_err(|e| self.damaged(e))?;
        }
        Ok(())
    }

    /// The wallet id of the credential whose own `id` is `credential_id`.
    pub(crate) fn id_for_credential_id(&self, credential_id: &str) -> Result<Option<String>> {
        let k = self.name_of(credential_id.as_bytes());
        Ok(self
            .ids
            .get(k.as_bytes())
            .map_err(|e| self.damaged(e))?
            .map(|v| String::from_utf8_lossy(&v).to_string()))
    }

    /// Whether a wallet id exists.
    pub fn contains(&self, id: &str) -> Result<bool> {
        self.credentials
            .contains_key(id.as_bytes())
            .map_err(|e| self.damaged(e))
    }

    /// The summary rows of every credential, sorted.
    pub fn list(&self, sort: SortKey) -> Result<Vec<CredentialSummary>> {
        let mut rows = Vec::with_capacity(self.summaries.len());
        for item in self.summaries.iter() {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            let plain = self.unseal(&v, &k)?;
            let row: CredentialSummary =
                serde_json::from_slice(&unpack(&plain)?).map_err(|e| Error::WalletDamaged {
                    path: self.dir.clone(),
                    detail: format!("index row unreadable ({e}); run `mcx repair`"),
                })?;
            rows.push(row);
        }
        match sort {
            SortKey::Date => rows.sort_by(|a, b| b.issued.cmp(&a.issued)),
            SortKey::Issuer => {
                rows.sort_by(|a, b| a.issuer.cmp(&b.issuer).then(a.title.cmp(&b.title)))
            }
            SortKey::Ects => {
                rows.sort_by(|a, b| b.ects.unwrap_or(0.0).total_cmp(&a.ects.unwrap_or(0.0)))
            }
        }
        Ok(rows)
    }

    /// A credential's record, found by wallet id or by a unique prefix of it, or by its own id.
    pub fn get(&self, id: &str) -> Result<StoredCredential> {
        let key = self.resolve_id(id)?;
        let raw = self
            .credentials
            .get(key.as_bytes())
            .map_err(|e| self.damaged(e))?
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))?;
        let plain = self.unseal(&raw, key.as_bytes())?;
        serde_json::from_slice(&unpack(&plain)?).map_err(|e| Error::WalletDamaged {
            path: self.dir.clone(),
            detail: format!("index entry {key} unreadable ({e}); run `mcx repair`"),
        })
    }

    /// Every full record.
    pub fn records(&self) -> Result<Vec<StoredCredential>> {
        let mut out = Vec::new();
        for item in self.credentials.iter() {
            let (k, _) = item.map_err(|e| self.damaged(e))?;
            out.push(self.get(&String::from_utf8_lossy(&k))?);
        }
        Ok(out)
    }

    /// The signed original, byte for byte.
    pub fn original(&self, id: &str) -> Result<Vec<u8>> {
        let key = self.resolve_id(id)?;
        let bytes = self.originals.read(&key)?;
        Originals::decode(&key, &bytes, self.sealer.as_ref())
            .map(|(_, original)| original)
            .map_err(|detail| Error::WalletDamaged {
                path: self.dir.clone(),
                detail: format!("original {key}: {detail}"),
            })
    }

    fn resolve_id(&self, id: &str) -> Result<String> {
        if id.len() >= 6 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut found = self.credentials.scan_prefix(id.as_bytes()).keys();
            if let Some(first) = found.next() {
                let first = first.map_err(|e| self.damaged(e))?;
                if found.next().is_some() {
                    return Err(Error::BadInput(format!(
                        "{id} matches more than one credential; give more characters"
                    )));
                }
                return Ok(String::from_utf8_lossy(&first).to_string());
            }
        }
        self.id_for_credential_id(id)?
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))
    }

    /// Remove a credential: its index entries, then its original file.
    pub fn remove(&self, id: &str) -> Result<StoredCredential> {
        let rec = self.get(id)?;
        let key = rec.id.as_bytes();
        self.credentials.remove(key).map_err(|e| self.damaged(e))?;
        self.summaries.remove(key).map_err(|e| self.damaged(e))?;
        if let Some(cid) = &rec.credential_id {
            let k = self.name_of(cid.as_bytes());
            self.ids.remove(k.as_bytes()).map_err(|e| self.damaged(e))?;
        }
        self.flush()?;
        self.originals.remove(&rec.id)?;
        self.originals.sync_dir()?;
        Ok(rec)
    }
}

/// Index records are JSON compressed with DEFLATE (about a fifth of the size), marked by a
/// leading `z`; plain JSON starts with `{`.
fn pack(json: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = vec![b'z'];
    let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::fast());
    if enc
        .write_all(json)
        .and_then(|_| enc.finish().map(|_| ()))
        .is_err()
    {
        return json.to_vec();
    }
    out
}

fn unpack(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Read;
    match bytes.split_first() {
        Some((b'z', rest)) => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(rest)
                .take(64 * 1024 * 1024)
                .read_to_end(&mut out)
                .map_err(|e| Error::WalletDamaged {
                    path: std::path::PathBuf::new(),
                    detail: format!("an index record is damaged: {e}"),
                })?;
            Ok(out)
        }
        _ => Ok(bytes.to_vec()),
    }
}
