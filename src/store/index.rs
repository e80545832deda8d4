//! The index: derived from the originals, rebuildable by `repair`. One sled tree, `index`,
//! written with atomic sled batches, so a crash never leaves a half-written entry:
//!
//! - `b` + batch number (u64, big-endian) → one batch: the pack holding its originals, per
//!   credential its summary row and where its frame sits in the pack (part A), and the full
//!   records (view, verification, provenance; part B). Both parts are JSON compressed with
//!   DEFLATE, and the whole value is sealed in a locked wallet. Few, large values keep sled's
//!   space amplification low; listing decodes part A only.
//! - `n` + content name (32 bytes) → its batch number;
//! - `i` + content name of the credential's own `id` → content name (duplicate detection);
//! - `k` + pack name → nothing: the packs the index refers to, so a pack left by an
//!   interrupted write is found without decoding every batch;
//! - `p` → the first page of each listing order ([`super::listing`]).

use super::originals::{Header, Originals, PackEntry};
use super::Wallet;
use crate::error::IdMatch;
use crate::model::{Format, Lapse, Verdict};
use crate::verify::Verification;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const BATCH_PREFIX: u8 = b'b';
pub(super) const NAME_PREFIX: u8 = b'n';
const ID_PREFIX: u8 = b'i';
const PACK_PREFIX: u8 = b'k';
pub(super) const PAGE_KEY: &[u8] = b"p";

/// The fewest characters of a wallet id that pick a credential (`mcx list` shows 12).
pub const MIN_ID_PREFIX: usize = 4;
/// Credentials named when a prefix fits several.
const LISTED_MATCHES: usize = 5;

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
    /// The credential's own `id`: rows that share one are versions of one credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credential_id: Option<String>,
    /// For a genuine credential that is not in force ([`Verdict::Inactive`]): what lapsed
    /// (expired, not yet valid, revoked, suspended) and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub lapse: Option<Lapse>,
    /// The latest check found a genuine signature but nothing that confirms who the issuer
    /// is (not in the network's signed registry).
    #[serde(default)]
    pub unconfirmed_issuer: bool,
}

impl CredentialSummary {
    /// Verified: its latest check passed and the learner did not force it in. Only these
    /// count toward totals and may be shared.
    pub fn is_verified(&self) -> bool {
        self.verdict == Verdict::Valid && !self.forced
    }
}

impl StoredCredential {
    /// Verified: see [`CredentialSummary::is_verified`].
    pub fn is_verified(&self) -> bool {
        self.verification.verdict == Verdict::Valid && !self.forced
    }

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
            credential_id: self.credential_id.clone(),
            lapse: crate::verify::lapse_of(&self.verification.steps).cloned(),
            unconfirmed_issuer: self.verification.unconfirmed_issuer(),
        }
    }
}

/// A credential to write in a batch: its record and its original's encoded frame.
pub(crate) struct NewCredential {
    pub record: StoredCredential,
    pub frame: Vec<u8>,
}

/// Part A of a batch: the pack and a row per credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Rows {
    pub(super) pack: String,
    pub(super) rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Row {
    pub(super) offset: u64,
    pub(super) len: u32,
    pub(super) summary: CredentialSummary,
}

/// A whole batch: part A and the full records (part B), in the same order.
pub(super) struct Batch {
    pub(super) rows: Rows,
    pub(super) records: Vec<StoredCredential>,
}

pub(super) fn batch_key(no: u64) -> Vec<u8> {
    let mut k = vec![BATCH_PREFIX];
    k.extend_from_slice(&no.to_be_bytes());
    k
}

pub(super) fn name_key(name: &str) -> Vec<u8> {
    let mut k = vec![NAME_PREFIX];
    k.extend(super::crypto::unhex(name).unwrap_or_else(|| name.as_bytes().to_vec()));
    k
}

pub(super) fn id_key(hashed: &str) -> Vec<u8> {
    let mut k = vec![ID_PREFIX];
    k.extend(super::crypto::unhex(hashed).unwrap_or_else(|| hashed.as_bytes().to_vec()));
    k
}

pub(super) fn pack_key(pack: &str) -> Vec<u8> {
    let mut k = vec![PACK_PREFIX];
    k.extend(super::crypto::unhex(pack).unwrap_or_else(|| pack.as_bytes().to_vec()));
    k
}

fn name_from_raw(raw: &[u8]) -> String {
    super::crypto::hex(raw)
}

pub(super) fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Internal(e.to_string()))
}

impl Wallet {
    /// Write `items` as one batch: their originals as one pack (durable), then their index
    /// entries in one atomic sled batch, then flush. Returns when the batch is acknowledged.
    pub(crate) fn write_batch(&self, items: Vec<NewCredential>) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        self.store_batch(items)?;
        self.flush()
    }

    /// [`Wallet::write_batch`] without the final index flush.
    pub(crate) fn store_batch(&self, items: Vec<NewCredential>) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        self.writable()?;
        let mut frames = Vec::with_capacity(items.len());
        let mut records = Vec::with_capacity(items.len());
        for item in items {
            frames.push((item.record.id.clone(), item.frame));
            records.push(item.record);
        }
        let (pack, entries) = self.originals.write_pack(&frames)?;
        drop(frames);
        self.index_pack(pack, &entries, records)
    }

    /// The packs the index refers to.
    pub(crate) fn packs_in_use(&self) -> Result<std::collections::HashSet<String>> {
        let mut packs = std::collections::HashSet::new();
        for item in self.batches() {
            let (k, v) = item?;
            packs.insert(self.decode_rows(&k, &v)?.pack);
        }
        Ok(packs)
    }

    /// Index credentials whose originals are already in `pack` (one atomic sled batch, not
    /// flushed).
    pub(crate) fn index_pack(
        &self,
        pack: String,
        entries: &[PackEntry],
        records: Vec<StoredCredential>,
    ) -> Result<()> {
        let rows = Rows {
            pack,
            rows: entries
                .iter()
                .zip(&records)
                .map(|(e, r)| Row {
                    offset: e.offset,
                    len: e.len,
                    summary: r.summary(),
                })
                .collect(),
        };
        let no = self.next_batch_no()?;
        let key = batch_key(no);
        let mut page = match self.first_page()? {
            Some(p) => p,
            None => self.compute_first_page()?,
        };
        let summaries: Vec<CredentialSummary> =
            rows.rows.iter().map(|r| r.summary.clone()).collect();
        page.merge(&summaries);
        let mut b = sled::Batch::default();
        for rec in &records {
            b.insert(name_key(&rec.id), &no.to_be_bytes()[..]);
            if let Some(cid) = &rec.credential_id {
                b.insert(
                    id_key(&self.name_of(cid.as_bytes())),
                    name_key(&rec.id)[1..].to_vec(),
                );
            }
        }
        b.insert(pack_key(&rows.pack), &[][..]);
        let value = self.encode_batch(&key, &Batch { rows, records })?;
        b.insert(key, value);
        b.insert(PAGE_KEY, self.encode_page(&page)?);
        self.index.apply_batch(b).map_err(|e| self.damaged(e))
    }

    fn next_batch_no(&self) -> Result<u64> {
        let last = self
            .index
            .scan_prefix([BATCH_PREFIX])
            .keys()
            .next_back()
            .transpose()
            .map_err(|e| self.damaged(e))?;
        Ok(last
            .and_then(|k| k.get(1..9).and_then(|b| b.try_into().ok()))
            .map(|b: [u8; 8]| u64::from_be_bytes(b) + 1)
            .unwrap_or(0))
    }

    pub(super) fn encode_batch(&self, key: &[u8], b: &Batch) -> Result<Vec<u8>> {
        let a = deflate(&json(&b.rows)?);
        let records = deflate(&json(&b.records)?);
        let mut out = Vec::with_capacity(4 + a.len() + records.len());
        out.extend_from_slice(&(a.len() as u32).to_le_bytes());
        out.extend(a);
        out.extend(records);
        Ok(self.seal(&out, key))
    }

    fn batch_parts(&self, key: &[u8], value: &[u8]) -> Result<(Vec<u8>, usize)> {
        let plain = self.unseal(value, key)?;
        let a_len = plain
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .map(|b: [u8; 4]| u32::from_le_bytes(b) as usize)
            .filter(|n| 4 + n <= plain.len())
            .ok_or_else(|| self.unreadable("a batch is cut off"))?;
        Ok((plain, a_len))
    }

    pub(super) fn decode_rows(&self, key: &[u8], value: &[u8]) -> Result<Rows> {
        let (plain, a_len) = self.batch_parts(key, value)?;
        serde_json::from_slice(&inflate(&plain[4..4 + a_len])?)
            .map_err(|e| self.unreadable(&e.to_string()))
    }

    fn decode_batch(&self, key: &[u8], value: &[u8]) -> Result<Batch> {
        let (plain, a_len) = self.batch_parts(key, value)?;
        let rows: Rows = serde_json::from_slice(&inflate(&plain[4..4 + a_len])?)
            .map_err(|e| self.unreadable(&e.to_string()))?;
        let records: Vec<StoredCredential> = serde_json::from_slice(&inflate(&plain[4 + a_len..])?)
            .map_err(|e| self.unreadable(&e.to_string()))?;
        if records.len() != rows.rows.len() {
            return Err(self.unreadable("a batch's parts disagree"));
        }
        Ok(Batch { rows, records })
    }

    pub(super) fn unreadable(&self, detail: &str) -> Error {
        Error::WalletDamaged {
            path: self.dir.clone(),
            detail: format!("index entry unreadable ({detail}); run `mcx repair`"),
        }
    }

    /// Every batch: (key, value).
    pub(super) fn batches(&self) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec)>> + '_ {
        self.index
            .scan_prefix([BATCH_PREFIX])
            .map(|r| r.map_err(|e| self.damaged(e)))
    }

    /// The batch number holding a wallet id.
    pub(super) fn batch_of(&self, id: &str) -> Result<Option<u64>> {
        Ok(self
            .index
            .get(name_key(id))
            .map_err(|e| self.damaged(e))?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)))
    }

    pub(super) fn load_batch(&self, no: u64) -> Result<Batch> {
        let key = batch_key(no);
        let v = self
            .index
            .get(&key)
            .map_err(|e| self.damaged(e))?
            .ok_or_else(|| self.unreadable("a credential's batch is missing"))?;
        self.decode_batch(&key, &v)
    }

    /// The wallet id of the credential whose own `id` is `credential_id`.
    pub(crate) fn id_for_credential_id(&self, credential_id: &str) -> Result<Option<String>> {
        let k = id_key(&self.name_of(credential_id.as_bytes()));
        Ok(self
            .index
            .get(k)
            .map_err(|e| self.damaged(e))?
            .map(|v| name_from_raw(&v)))
    }

    /// Whether a wallet id exists.
    pub fn contains(&self, id: &str) -> Result<bool> {
        self.index
            .contains_key(name_key(id))
            .map_err(|e| self.damaged(e))
    }

    /// A credential's record, found by wallet id or by a unique prefix of it, or by its own id.
    pub fn get(&self, id: &str) -> Result<StoredCredential> {
        let key = self.resolve_id(id)?;
        let no = self
            .batch_of(&key)?
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))?;
        self.load_batch(no)?
            .records
            .into_iter()
            .find(|r| r.id == key)
            .ok_or_else(|| self.unreadable("a credential is missing from its batch"))
    }

    /// The full records and signed originals of `ids` (each as [`Wallet::get`] takes it), in
    /// the order given. Each batch is decoded once however many of its credentials are asked
    /// for: a portfolio of a hundred credentials imported together reads one batch, not a
    /// hundred.
    pub fn get_with_originals(&self, ids: &[String]) -> Result<Vec<(StoredCredential, Vec<u8>)>> {
        let mut wanted: Vec<(u64, String)> = Vec::with_capacity(ids.len());
        for id in ids {
            let key = self.resolve_id(id)?;
            let no = self
                .batch_of(&key)?
                .ok_or_else(|| Error::NotFound(format!("credential {id}")))?;
            wanted.push((no, key));
        }
        let mut found: std::collections::HashMap<String, (StoredCredential, Vec<u8>)> =
            std::collections::HashMap::with_capacity(wanted.len());
        let mut batches: Vec<u64> = wanted.iter().map(|(no, _)| *no).collect();
        batches.sort_unstable();
        batches.dedup();
        let keys: std::collections::HashSet<&str> =
            wanted.iter().map(|(_, k)| k.as_str()).collect();
        for no in batches {
            let batch = self.load_batch(no)?;
            for (row, rec) in batch.rows.rows.iter().zip(batch.records) {
                if !keys.contains(rec.id.as_str()) || found.contains_key(&rec.id) {
                    continue;
                }
                let frame = self
                    .originals
                    .read_frame(&batch.rows.pack, row.offset, row.len)?;
                let (_, original) = Originals::decode(&rec.id, &frame, self.sealer.as_ref())
                    .map_err(|d| self.damaged_original(&rec.id, &d))?;
                found.insert(rec.id.clone(), (rec, original));
            }
        }
        wanted
            .iter()
            .map(|(_, key)| {
                found
                    .get(key)
                    .cloned()
                    .ok_or_else(|| self.unreadable("a credential is missing from its batch"))
            })
            .collect()
    }

    /// [`Wallet::get_with_originals`] of one credential.
    pub fn get_with_original(&self, id: &str) -> Result<(StoredCredential, Vec<u8>)> {
        self.get_with_originals(&[id.to_string()])?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))
    }

    /// Every full record, in batch order.
    pub fn records(&self) -> Result<Vec<StoredCredential>> {
        let mut out = Vec::new();
        for item in self.batches() {
            let (k, v) = item?;
            out.extend(self.decode_batch(&k, &v)?.records);
        }
        Ok(out)
    }

    /// Every credential with its original and header, read from the packs (the source of
    /// truth), in batch order.
    pub(crate) fn contents(&self) -> Result<Vec<(StoredCredential, Header, Vec<u8>)>> {
        let mut out = Vec::new();
        for item in self.batches() {
            let (k, v) = item?;
            let batch = self.decode_batch(&k, &v)?;
            let pack = self.originals.read_pack(&batch.rows.pack)?;
            for (row, rec) in batch.rows.rows.iter().zip(batch.records) {
                let frame = pack
                    .get(row.offset as usize..)
                    .and_then(|f| f.get(..row.len as usize))
                    .ok_or_else(|| self.damaged_original(&rec.id, "its pack is cut off"))?;
                let (header, original) = Originals::decode(&rec.id, frame, self.sealer.as_ref())
                    .map_err(|d| self.damaged_original(&rec.id, &d))?;
                out.push((rec, header, original));
            }
        }
        Ok(out)
    }

    pub(super) fn damaged_original(&self, name: &str, detail: &str) -> Error {
        Error::WalletDamaged {
            path: self.dir.clone(),
            detail: format!("original {name}: {detail}"),
        }
    }

    /// Re-verify every credential with `check` (original → new verification) and store the
    /// results, batch by batch. Not flushed.
    pub(crate) fn rewrite_records(
        &self,
        mut check: impl FnMut(&[u8]) -> Option<Verification>,
    ) -> Result<Vec<StoredCredential>> {
        self.writable()?;
        super::space::ensure_room(&self.dir, 0, super::space::WRITE_RESERVE)?;
        // Until every batch is rewritten there is no precomputed page (listing falls back to
        // the rows), so a crash half-way cannot leave a page that disagrees with them.
        self.index.remove(PAGE_KEY).map_err(|e| self.damaged(e))?;
        let mut out = Vec::new();
        let keys: Vec<sled::IVec> = self
            .index
            .scan_prefix([BATCH_PREFIX])
            .keys()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| self.damaged(e))?;
        for k in keys {
            let Some(v) = self.index.get(&k).map_err(|e| self.damaged(e))? else {
                continue;
            };
            let mut batch = self.decode_batch(&k, &v)?;
            let pack = self.originals.read_pack(&batch.rows.pack)?;
            for (row, rec) in batch.rows.rows.iter_mut().zip(batch.records.iter_mut()) {
                let frame = pack
                    .get(row.offset as usize..)
                    .and_then(|f| f.get(..row.len as usize))
                    .ok_or_else(|| self.damaged_original(&rec.id, "its pack is cut off"))?;
                let (_, original) = Originals::decode(&rec.id, frame, self.sealer.as_ref())
                    .map_err(|d| self.damaged_original(&rec.id, &d))?;
                if let Some(v) = check(&original) {
                    rec.verification = v;
                    row.summary = rec.summary();
                }
            }
            self.index
                .insert(&k, self.encode_batch(&k, &batch)?)
                .map_err(|e| self.damaged(e))?;
            out.extend(batch.records);
        }
        self.refresh_first_page()?;
        Ok(out)
    }

    /// The signed original, byte for byte.
    pub fn original(&self, id: &str) -> Result<Vec<u8>> {
        let key = self.resolve_id(id)?;
        let no = self
            .batch_of(&key)?
            .ok_or_else(|| Error::NotFound(format!("credential {id}")))?;
        let bk = batch_key(no);
        let v = self
            .index
            .get(&bk)
            .map_err(|e| self.damaged(e))?
            .ok_or_else(|| self.unreadable("a credential's batch is missing"))?;
        let rows = self.decode_rows(&bk, &v)?;
        let row = rows
            .rows
            .iter()
            .find(|r| r.summary.id == key)
            .ok_or_else(|| self.unreadable("a credential is missing from its batch"))?;
        let frame = self.originals.read_frame(&rows.pack, row.offset, row.len)?;
        Originals::decode(&key, &frame, self.sealer.as_ref())
            .map(|(_, original)| original)
            .map_err(|d| self.damaged_original(&key, &d))
    }

    /// The wallet id `id` stands for: a wallet id, a unique prefix of one (at least
    /// [`MIN_ID_PREFIX`] hex characters, in any case), or a credential's own id. A prefix
    /// that several wallet ids start with is [`Error::AmbiguousId`], naming them.
    pub(super) fn resolve_id(&self, id: &str) -> Result<String> {
        let hex = !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit());
        if hex && id.len() >= MIN_ID_PREFIX {
            let lower = id.to_ascii_lowercase();
            let mut found = self.names_starting_with(&lower)?;
            if found.len() > 1 {
                // Unless it is exactly some credential's own id.
                return match self.id_for_credential_id(id)? {
                    Some(name) => Ok(name),
                    None => Err(self.ambiguous(&lower, found)),
                };
            }
            if let Some(name) = found.pop() {
                return Ok(name);
            }
        }
        match self.id_for_credential_id(id)? {
            Some(name) => Ok(name),
            None if hex && id.len() < MIN_ID_PREFIX => Err(Error::BadInput(format!(
                "{id} is too short to pick a credential: give at least {MIN_ID_PREFIX} characters of its wallet id"
            ))),
            None => Err(Error::NotFound(format!("credential {id}"))),
        }
    }

    /// Every wallet id starting with `prefix` (lowercase hex), in id order.
    fn names_starting_with(&self, prefix: &str) -> Result<Vec<String>> {
        let even = &prefix[..prefix.len() / 2 * 2];
        let mut key = vec![NAME_PREFIX];
        key.extend(super::crypto::unhex(even).unwrap_or_default());
        let mut found = Vec::new();
        for k in self.index.scan_prefix(key).keys() {
            let k = k.map_err(|e| self.damaged(e))?;
            let name = name_from_raw(k.get(1..).unwrap_or_default());
            if name.starts_with(prefix) {
                found.push(name);
            }
        }
        Ok(found)
    }

    /// The error for a prefix that `names` (more than one) start with: the first few of them
    /// with their titles and issuers, and how many more.
    fn ambiguous(&self, prefix: &str, names: Vec<String>) -> Error {
        let more = names.len().saturating_sub(LISTED_MATCHES);
        let matches = names
            .into_iter()
            .take(LISTED_MATCHES)
            .map(|name| {
                // A row that cannot be read still names the credential by its id.
                let summary = self.summary_row(&name).ok().flatten();
                IdMatch {
                    title: summary.as_ref().and_then(|s| s.title.clone()),
                    issuer: summary.and_then(|s| s.issuer),
                    id: name,
                }
            })
            .collect();
        Error::AmbiguousId {
            prefix: prefix.to_string(),
            matches,
            more,
        }
    }

    /// The summary row of wallet id `name`.
    fn summary_row(&self, name: &str) -> Result<Option<CredentialSummary>> {
        let Some(no) = self.batch_of(name)? else {
            return Ok(None);
        };
        let key = batch_key(no);
        let Some(v) = self.index.get(&key).map_err(|e| self.damaged(e))? else {
            return Ok(None);
        };
        Ok(self
            .decode_rows(&key, &v)?
            .rows
            .into_iter()
            .find(|row| row.summary.id == name)
            .map(|row| row.summary))
    }
}

/// DEFLATE at level 3, for index values: JSON compresses to about a fifth, at about half the
/// CPU of the default level (which matters on two cores while verification runs).
pub(super) fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(3),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

pub(super) fn inflate(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(256 * 1024 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| Error::WalletDamaged {
            path: std::path::PathBuf::new(),
            detail: format!("an index record is damaged: {e}"),
        })?;
    Ok(out)
}

/// Schema-1 index records: JSON, DEFLATE-compressed when marked by a leading `z`.
pub(crate) fn unpack_legacy(bytes: &[u8]) -> Result<Vec<u8>> {
    match bytes.split_first() {
        Some((b'z', rest)) => inflate(rest),
        _ => Ok(bytes.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{ids as listed, import_all, signed};
    use super::super::Wallet;
    use crate::Error;

    /// Reading many credentials at once gives what reading them one by one gives, in the
    /// order asked, across batches, by prefix or full id, repeats included; an unknown id is
    /// named.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn reading_many_at_once_agrees_with_reading_one_by_one() {
        let tmp = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(tmp.path()).unwrap();
        let all = signed(12);
        import_all(&wallet, &all[..7]);
        import_all(&wallet, &all[7..]);
        let mut ids = listed(&wallet);
        ids.reverse();
        ids.push(ids[3][..12].to_string());
        let many = wallet.get_with_originals(&ids).unwrap();
        assert_eq!(many.len(), ids.len());
        for (id, (rec, original)) in ids.iter().zip(&many) {
            let one = wallet.get(id).unwrap();
            assert_eq!(rec.id, one.id);
            assert_eq!(original, &wallet.original(id).unwrap());
        }
        assert_eq!(many[3].0.id, many[12].0.id);
        let missing = wallet
            .get_with_originals(&[ids[0].clone(), "urn:uuid:not-here".into()])
            .unwrap_err();
        assert!(matches!(missing, Error::NotFound(_)), "{missing:?}");
    }
}
