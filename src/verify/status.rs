//! Revocation and suspension status from cached status lists: W3C Bitstring Status List
//! (`BitstringStatusListEntry`, VC Status List §2) and its predecessor StatusList2021.
//! Lists are imported files keyed by their URL; nothing is fetched. A list that is not cached
//! gives "not checked", its own outcome.

use crate::proof::di::{self, ProofCheck, ProofEnv};
use base64::Engine;
use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// The largest decompressed list accepted (the spec's minimum is 16 KiB; 16 MiB is generous).
const MAX_LIST_BYTES: u64 = 16 * 1024 * 1024;

/// Status list credentials the wallet has cached, by URL.
#[derive(Debug, Default)]
pub struct StatusCache {
    lists: HashMap<String, Value>,
    /// What checking each list found, computed once: a presentation of ten credentials on
    /// one list verifies that list's proof and inflates its bits once, not ten times.
    memo: Mutex<HashMap<String, Memo>>,
}

/// What is known about one cached list.
#[derive(Debug, Default)]
struct Memo {
    /// Its bitstring, or why it cannot be read.
    bits: Option<Arc<Result<Vec<u8>, String>>>,
    /// Its proofs' checks, with the generation of the key cache they were checked against.
    proofs: Option<(u64, Arc<Vec<ProofCheck>>)>,
}

impl Clone for StatusCache {
    /// The lists; what was learned about them is learned again.
    fn clone(&self) -> Self {
        StatusCache {
            lists: self.lists.clone(),
            memo: Mutex::default(),
        }
    }
}

/// The outcome of one status entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The bit is clear.
    Clear {
        /// The entry's purpose (`revocation`, `suspension`).
        purpose: String,
    },
    /// The bit is set.
    Set {
        /// The entry's purpose (`revocation`, `suspension`).
        purpose: String,
    },
    /// The list is not cached or the entry type is unknown.
    NotChecked(String),
    /// The entry or the list is malformed.
    Malformed(String),
}

impl StatusCache {
    /// Cache a status list credential under the URL credentials refer to it by: its `id`
    /// (or `url` when given).
    pub fn insert(&mut self, list: Value, url: Option<&str>) -> Result<String, String> {
        let key = url
            .map(str::to_string)
            .or_else(|| list.get("id").and_then(Value::as_str).map(str::to_string))
            .ok_or("a status list credential needs an id")?;
        decode_list(&list)?;
        self.memo().remove(&key);
        self.lists.insert(key.clone(), list);
        Ok(key)
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, HashMap<String, Memo>> {
        self.memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The checks of the proofs of the list cached at `url` (`list`), against the keys of
    /// `env`: verified once per list and state of the key cache.
    pub fn proofs(&self, url: &str, list: &Value, env: &ProofEnv) -> Arc<Vec<ProofCheck>> {
        let generation = env.keys.generation();
        if let Some((g, checks)) = self.memo().get(url).and_then(|m| m.proofs.as_ref()) {
            if *g == generation {
                return Arc::clone(checks);
            }
        }
        let checks = Arc::new(di::verify_proofs(list, env));
        self.memo().entry(url.to_string()).or_default().proofs =
            Some((generation, Arc::clone(&checks)));
        checks
    }

    /// The bitstring of the list cached at `url`, inflated once.
    fn bits(&self, url: &str, list: &Value) -> Arc<Result<Vec<u8>, String>> {
        if let Some(bits) = self.memo().get(url).and_then(|m| m.bits.as_ref()) {
            return Arc::clone(bits);
        }
        let bits = Arc::new(decode_list(list));
        self.memo().entry(url.to_string()).or_default().bits = Some(Arc::clone(&bits));
        bits
    }

    /// The cached list credential for `url`.
    pub fn get(&self, url: &str) -> Option<&Value> {
        self.lists.get(url)
    }

    /// How many lists are cached.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// Whether no list is cached.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Read one `credentialStatus` entry's bit from its cached list, believing the list
    /// without checking it (for an issuer reading its own lists). Verifiers use
    /// [`StatusCache::check_with`].
    pub fn check(&self, entry: &Value) -> StatusOutcome {
        self.check_with(entry, &|_, _, _| Ok(()))
    }

    /// Check one `credentialStatus` entry. `believe(url, list, purpose)` decides whether the
    /// cached list credential may be believed (its proof, dates, type, purpose and issuer);
    /// when it says no, no bit is read and the outcome is "not checked" with its reason.
    pub fn check_with(
        &self,
        entry: &Value,
        believe: &dyn Fn(&str, &Value, &str) -> Result<(), String>,
    ) -> StatusOutcome {
        let ty = entry.get("type").and_then(Value::as_str).unwrap_or("");
        if !matches!(ty, "BitstringStatusListEntry" | "StatusList2021Entry") {
            return StatusOutcome::NotChecked(format!(
                "status of type {} cannot be checked offline",
                if ty.is_empty() { "(none)" } else { ty }
            ));
        }
        let purpose = entry
            .get("statusPurpose")
            .and_then(Value::as_str)
            .unwrap_or("revocation")
            .to_string();
        let Some(url) = entry.get("statusListCredential").and_then(Value::as_str) else {
            return StatusOutcome::Malformed(
                "the status entry names no statusListCredential".into(),
            );
        };
        let index = match entry.get("statusListIndex") {
            Some(Value::String(s)) => s.parse::<u64>().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        let Some(index) = index else {
            return StatusOutcome::Malformed(
                "the status entry has no valid statusListIndex".into(),
            );
        };
        let Some(list) = self.lists.get(url) else {
            return StatusOutcome::NotChecked(format!("no cached status list for {url}"));
        };
        if let Err(why) = believe(url, list, &purpose) {
            return StatusOutcome::NotChecked(format!(
                "the cached status list {url} cannot be believed: {why}"
            ));
        }
        let bits = self.bits(url, list);
        let bits = match bits.as_ref() {
            Ok(b) => b,
            Err(e) => return StatusOutcome::Malformed(e.clone()),
        };
        let byte = usize::try_from(index / 8).ok().and_then(|i| bits.get(i));
        match byte {
            None => StatusOutcome::Malformed(format!(
                "index {index} is beyond the end of the status list {url}"
            )),
            Some(b) if b & (0x80 >> (index % 8)) != 0 => StatusOutcome::Set { purpose },
            Some(_) => StatusOutcome::Clear { purpose },
        }
    }
}

/// The uncompressed bitstring of a status list credential.
fn decode_list(list: &Value) -> Result<Vec<u8>, String> {
    let encoded = list
        .pointer("/credentialSubject/encodedList")
        .and_then(Value::as_str)
        .ok_or("the status list has no credentialSubject.encodedList")?;
    let body = encoded.strip_prefix('u').unwrap_or(encoded);
    let engines = [
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
    ];
    let gz = engines
        .iter()
        .find_map(|e| e.decode(body.trim_end_matches('=')).ok())
        .ok_or("the status list's encodedList is not base64")?;
    let mut out = Vec::new();
    GzDecoder::new(gz.as_slice())
        .take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("the status list is not valid GZIP: {e}"))?;
    if out.len() as u64 > MAX_LIST_BYTES {
        return Err("the status list is larger than 16 MiB".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::StatusCache;
    use crate::proof::di::{Failure, ProofEnv};
    use serde_json::Value;

    #[allow(clippy::unwrap_used)]
    fn demo(file: &str) -> Value {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/network/");
        serde_json::from_slice(&std::fs::read(format!("{dir}{file}")).unwrap()).unwrap()
    }

    /// A list's proof is checked once, and again when the keys change: a list whose issuer's
    /// DID document arrives later is then believed, not stuck on "could not be checked".
    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_list_is_checked_again_once_its_key_arrives() {
        let mut cache = StatusCache::default();
        let list = demo("status/thn-revocation.json");
        let url = cache.insert(list.clone(), None).unwrap();
        let mut env = ProofEnv::default();
        let before = cache.proofs(&url, &list, &env);
        assert!(matches!(before[0].outcome, Err(Failure::Unverifiable(_))));
        assert!(std::sync::Arc::ptr_eq(
            &before,
            &cache.proofs(&url, &list, &env)
        ));
        env.keys.insert(demo("dids/thn.json")).unwrap();
        let after = cache.proofs(&url, &list, &env);
        assert!(after[0].outcome.is_ok(), "{:?}", after[0].outcome);
        // A copy of the cache learns for itself.
        let copy = cache.clone();
        assert!(copy.proofs(&url, &list, &env)[0].outcome.is_ok());
    }
}
