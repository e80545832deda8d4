//! Resolving verification methods to public keys, offline only: `did:key` is computed from
//! the identifier itself, `did:web` documents and key documents come from the wallet's cache
//! ([`KeyCache`]), never from the network.
//!
//! Keys are Ed25519 (the suites the ecosystem signs micro-credentials with). The multikey
//! encoding is `z` + base58btc(0xed 0x01 ‖ 32-byte key) (W3C Controlled Identifiers §2.2.2).

use ed25519_dalek::VerifyingKey;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Multicodec prefix of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (seed).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key or identifier is garbled (always makes the proof invalid).
    #[error("{0}")]
    Malformed(String),
    /// The key exists somewhere but cannot be obtained offline (makes the proof unverifiable).
    #[error("{0}")]
    NotResolvable(String),
}

/// A public key found for a verification method, with who controls it.
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// The controller: the DID or URL the verification method belongs to.
    pub controller: String,
    /// How the key was found, for the verification steps.
    pub source: KeySource,
}

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// Computed from a did:key identifier.
    DidKey,
    /// From a cached DID document or key document.
    Cache,
    /// Read from the multibase fragment of an https or urn verification method (the 1EdTech
    /// convention); the issuer's document itself was not available to confirm it.
    UrlFragment,
}

/// Decoded keys by multibase text. Decompressing a point costs about a third of a signature
/// check, and a wallet sees few distinct issuer keys, so they are kept (bounded).
fn key_cache() -> &'static Mutex<HashMap<String, VerifyingKey>> {
    static CACHE: OnceLock<Mutex<HashMap<String, VerifyingKey>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Decode a multibase Multikey Ed25519 public key (`z6Mk…`).
pub fn decode_multikey(s: &str) -> Result<VerifyingKey, KeyError> {
    if let Some(k) = key_cache().lock().ok().and_then(|c| c.get(s).copied()) {
        return Ok(k);
    }
    let key = decode_multikey_uncached(s)?;
    if let Ok(mut c) = key_cache().lock() {
        if c.len() >= 4096 {
            c.clear();
        }
        c.insert(s.to_string(), key);
    }
    Ok(key)
}

fn decode_multikey_uncached(s: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = decode_base58btc(s)?;
    let raw = bytes
        .strip_prefix(&ED25519_PUB)
        .ok_or_else(|| KeyError::Malformed(format!("{s} is not an Ed25519 multikey")))?;
    let arr: [u8; 32] = raw
        .try_into()
        .map_err(|_| KeyError::Malformed(format!("{s} does not hold a 32-byte Ed25519 key")))?;
    VerifyingKey::from_bytes(&arr)
        .map_err(|_| KeyError::Malformed(format!("{s} is not a valid Ed25519 point")))
}

/// Decode a multibase Ed25519 private key (`z3u2…`, multicodec 0x8026 ‖ 32-byte seed).
pub fn decode_multikey_secret(s: &str) -> Result<[u8; 32], KeyError> {
    let bytes = decode_base58btc(s)?;
    let raw = bytes
        .strip_prefix(&ED25519_PRIV)
        .ok_or_else(|| KeyError::Malformed("not an Ed25519 private multikey".into()))?;
    raw.try_into()
        .map_err(|_| KeyError::Malformed("an Ed25519 private key has 32 bytes".into()))
}

/// Encode a public key as a multibase Multikey (`z6Mk…`).
pub fn encode_multikey(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Encode a private key seed as a multibase private Multikey (`z3u2…`).
pub fn encode_multikey_secret(seed: &[u8; 32]) -> String {
    let mut bytes = ED25519_PRIV.to_vec();
    bytes.extend_from_slice(seed);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The did:key identifier of a public key.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", encode_multikey(key))
}

/// The verification method id of a did:key (`did:key:z…#z…`).
pub fn did_key_vm(key: &VerifyingKey) -> String {
    let mk = encode_multikey(key);
    format!("did:key:{mk}#{mk}")
}

fn decode_base58btc(s: &str) -> Result<Vec<u8>, KeyError> {
    let body = s
        .strip_prefix('z')
        .ok_or_else(|| KeyError::Malformed(format!("{s} is not multibase base58btc (no 'z')")))?;
    bs58::decode(body)
        .into_vec()
        .map_err(|_| KeyError::Malformed(format!("{s} is not valid base58")))
}

/// Cached DID documents and key documents, keyed by DID or URL (without fragment).
/// Filled from files the learner or the wallet imported; consulted, never fetched.
#[derive(Debug, Clone, Default)]
pub struct KeyCache {
    docs: HashMap<String, Value>,
}

impl KeyCache {
    /// Add a DID document (or key/controller document) under its `id`.
    pub fn insert(&mut self, doc: Value) -> Result<String, KeyError> {
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::Malformed("a DID or key document needs an `id`".into()))?
            .to_string();
        self.docs.insert(id.clone(), doc);
        Ok(id)
    }

    /// Add a document under `url`, the address it was published at (which may differ from
    /// its own `id`, as for Open Badges 2.0 documents fetched from a redirecting URL).
    pub fn insert_at(&mut self, url: &str, doc: Value) {
        self.docs.insert(url.to_string(), doc);
    }

    /// The cached document published at `url` (a fragment is ignored), if any.
    pub fn get(&self, url: &str) -> Option<&Value> {
        let base = url.split('#').next().unwrap_or(url);
        self.docs.get(url).or_else(|| self.docs.get(base))
    }

    /// How many documents are cached.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Find `vm` (a full verification method id) in a cached document.
    fn lookup(&self, base: &str, vm: &str) -> Option<Result<ResolvedKey, KeyError>> {
        let doc = self.docs.get(base)?;
        let methods = doc.get("verificationMethod").and_then(Value::as_array);
        let found = methods.into_iter().flatten().find(|m| {
            m.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id == vm || (id.starts_with('#') && format!("{base}{id}") == vm))
        });
        let method = found.or_else(|| (doc.get("publicKeyMultibase").is_some()).then_some(doc))?;
        let key = match method.get("publicKeyMultibase").and_then(Value::as_str) {
            Some(mk) => decode_multikey(mk),
            None => Err(KeyError::Malformed(format!(
                "the cached document for {vm} has no publicKeyMultibase"
            ))),
        };
        let controller = method
            .get("controller")
            .and_then(Value::as_str)
            .unwrap_or(base)
            .to_string();
        Some(key.map(|key| ResolvedKey {
            key,
            controller,
            source: KeySource::Cache,
        }))
    }
}

/// Resolve a verification method id to an Ed25519 key, offline.
pub fn resolve(vm: &str, cache: &KeyCache) -> Result<ResolvedKey, KeyError> {
    let (base, fragment) = match vm.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (vm, None),
    };
    if let Some(mk) = base.strip_prefix("did:key:") {
        let key = decode_multikey(mk)?;
        if let Some(f) = fragment {
            if f != mk {
                return Err(KeyError::Malformed(format!(
                    "the fragment of {vm} does not name the did:key's own key"
                )));
            }
        }
        return Ok(ResolvedKey {
            key,
            controller: base.to_string(),
            source: KeySource::DidKey,
        });
    }
    if let Some(found) = cache.lookup(base, vm) {
        return found;
    }
    if base.starts_with("did:web:") {
        return Err(KeyError::NotResolvable(format!(
            "{base} is a did:web whose DID document is not cached; import it to check offline"
        )));
    }
    if let Some(method) = base.strip_prefix("did:").and_then(|r| r.split(':').next()) {
        return Err(KeyError::NotResolvable(format!(
            "did:{method} identifiers cannot be resolved offline"
        )));
    }
    if base.starts_with("https://") || base.starts_with("http://") || base.starts_with("urn:") {
        if let Some(f) = fragment.filter(|f| f.starts_with("z6Mk")) {
            let key = decode_multikey(f)?;
            return Ok(ResolvedKey {
                key,
                controller: base.to_string(),
                source: KeySource::UrlFragment,
            });
        }
        return Err(KeyError::NotResolvable(format!(
            "the key {vm} is a web address that is not cached; import it to check offline"
        )));
    }
    if !base.contains(':') {
        return Err(KeyError::Malformed(format!(
            "the verification method {vm} is not a URL or DID"
        )));
    }
    Err(KeyError::Malformed(format!(
        "the verification method {vm} uses an unknown scheme"
    )))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PUB: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const PRIV: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    #[test]
    fn the_w3c_key_pair_round_trips() {
        let seed = decode_multikey_secret(PRIV).unwrap();
        let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
        assert_eq!(encode_multikey(&sk.verifying_key()), PUB);
        assert_eq!(encode_multikey_secret(&seed), PRIV);
    }

    #[test]
    fn did_key_resolves_and_names_its_controller() {
        let r = resolve(&format!("did:key:{PUB}#{PUB}"), &KeyCache::default()).unwrap();
        assert_eq!(r.controller, format!("did:key:{PUB}"));
        assert_eq!(r.source, KeySource::DidKey);
    }

    #[test]
    fn unknown_methods_are_unresolvable_and_garbage_is_malformed() {
        let c = KeyCache::default();
        assert!(matches!(
            resolve("did:example:123#k", &c),
            Err(KeyError::NotResolvable(_))
        ));
        assert!(matches!(
            resolve("did:web:x.eu#k", &c),
            Err(KeyError::NotResolvable(_))
        ));
        assert!(matches!(
            resolve("did:key:zBAD#zBAD", &c),
            Err(KeyError::Malformed(_))
        ));
        assert!(matches!(
            resolve("xxx:abc", &c),
            Err(KeyError::Malformed(_))
        ));
        assert!(matches!(
            resolve("no-scheme", &c),
            Err(KeyError::Malformed(_))
        ));
    }

    #[test]
    fn a_cached_did_web_document_resolves() {
        let mut c = KeyCache::default();
        c.insert(serde_json::json!({
            "id": "did:web:uni.example",
            "verificationMethod": [{"id": "did:web:uni.example#k1", "type": "Multikey",
              "controller": "did:web:uni.example", "publicKeyMultibase": PUB}]
        }))
        .unwrap();
        let r = resolve("did:web:uni.example#k1", &c).unwrap();
        assert_eq!(r.controller, "did:web:uni.example");
        assert_eq!(r.source, KeySource::Cache);
    }
}
