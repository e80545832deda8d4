//! Resolving verification methods to public keys, offline only: `did:key` is computed from
//! the identifier itself, `did:web` documents and key documents come from the wallet's cache
//! ([`KeyCache`]), never from the network.
//!
//! Keys are Ed25519, P-256 or P-384 ([`PublicKey`]). A Multikey (W3C Controlled Identifiers
//! §2.2.2) is `z` + base58btc(multicodec ‖ key): 0xed01 ‖ 32 bytes for Ed25519 (`z6Mk…`),
//! 0x1200 ‖ a 33-byte compressed point for P-256 (`zDn…`), 0x1201 ‖ a 49-byte compressed
//! point for P-384 (`z82…`). A DID document may also give a key as `publicKeyJwk` (OKP
//! Ed25519, EC P-256 or P-384) or, for `Ed25519VerificationKey2018`, as `publicKeyBase58`.
//!
//! Verification relationships (DID Core §5.3): a key may be used for a proof purpose only if
//! its DID document names it under that relationship, by reference (absolute or relative
//! `#key-1`) to a method in `verificationMethod`, or embedded there; [`methods`] is the one
//! reading of a document's keys and their relationships, and [`resolve_for`] applies it. The
//! single key of a did:key is in every relationship that signs (did:key §3.1.2).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::VerifyingKey;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Multicodec prefix (varint) of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix (varint of 0x1200) of a compressed P-256 public key.
const P256_PUB: [u8; 2] = [0x80, 0x24];
/// Multicodec prefix (varint of 0x1201) of a compressed P-384 public key.
const P384_PUB: [u8; 2] = [0x81, 0x24];
/// Multicodec prefix of an Ed25519 private key (seed).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];
/// Public keys with a multicodec whose signatures the wallet cannot check.
const UNSUPPORTED_PUB: [([u8; 2], &str); 4] = [
    ([0xe7, 0x01], "secp256k1"),
    ([0x82, 0x24], "P-521"),
    ([0x85, 0x24], "RSA"),
    ([0xeb, 0x01], "BLS12-381"),
];
/// How the base58btc text of each supported multikey starts (for keys in URL fragments).
const MULTIKEY_STARTS: [&str; 3] = ["z6Mk", "zDn", "z82"];

/// The verification relationships of DID Core §5.3, in the order [`Method::relationships`]
/// lists them.
pub const RELATIONSHIPS: [&str; 5] = [
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
];

/// The relationships a did:key's signing key is in (did:key §3.1.2: the document lists the key
/// under each of them; `keyAgreement` gets a derived X25519 key instead).
const DID_KEY_RELATIONSHIPS: [&str; 4] = [
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
];

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key or identifier is garbled, or the key may not be used for the proof's purpose
    /// (always makes the proof invalid).
    #[error("{0}")]
    Malformed(String),
    /// The key exists somewhere but cannot be obtained offline (makes the proof unverifiable).
    #[error("{0}")]
    NotResolvable(String),
}

/// A public key of one of the curves the wallet verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKey {
    /// Ed25519 (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020).
    Ed25519(VerifyingKey),
    /// NIST P-256 (ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023).
    P256(p256::ecdsa::VerifyingKey),
    /// NIST P-384 (ecdsa-rdfc-2019, ecdsa-jcs-2019).
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// The key type as people name it: `Ed25519`, `P-256` or `P-384`.
    pub fn describe(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P-256",
            PublicKey::P384(_) => "P-384",
        }
    }
}

/// A public key found for a verification method, with who controls it.
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    /// The public key.
    pub key: PublicKey,
    /// The controller: the DID or URL the verification method belongs to.
    pub controller: String,
    /// How the key was found, for the verification steps.
    pub source: KeySource,
}

/// An Ed25519 key found for a verification method by [`resolve`].
#[derive(Debug, Clone)]
pub struct Ed25519Key {
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

/// Decoded keys by multibase text (or `jwk:` and the JWK's JSON). Decompressing a point costs
/// about a third of a signature check, and a wallet sees few distinct issuer keys, so they
/// are kept (bounded).
fn key_cache() -> &'static Mutex<HashMap<String, PublicKey>> {
    static CACHE: OnceLock<Mutex<HashMap<String, PublicKey>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Decode a multibase Multikey public key of any supported type: Ed25519 (`z6Mk…`), P-256
/// (`zDn…`) or P-384 (`z82…`), the curve points in compressed form.
pub fn decode_any_multikey(s: &str) -> Result<PublicKey, KeyError> {
    memoised(s, || decode_multikey_uncached(s))
}

/// `decode()`, or the key it gave before for the same `text`.
fn memoised(
    text: &str,
    decode: impl FnOnce() -> Result<PublicKey, KeyError>,
) -> Result<PublicKey, KeyError> {
    if let Some(k) = key_cache().lock().ok().and_then(|c| c.get(text).copied()) {
        return Ok(k);
    }
    let key = decode()?;
    if let Ok(mut c) = key_cache().lock() {
        if c.len() >= 4096 {
            c.clear();
        }
        c.insert(text.to_string(), key);
    }
    Ok(key)
}

/// Decode a multibase Multikey Ed25519 public key (`z6Mk…`); other key types are refused.
pub fn decode_multikey(s: &str) -> Result<VerifyingKey, KeyError> {
    match decode_any_multikey(s)? {
        PublicKey::Ed25519(k) => Ok(k),
        other => Err(KeyError::Malformed(format!(
            "{s} is a {} multikey, not an Ed25519 multikey",
            other.describe()
        ))),
    }
}

fn decode_multikey_uncached(s: &str) -> Result<PublicKey, KeyError> {
    let bytes = decode_base58btc(s)?;
    if let Some(raw) = bytes.strip_prefix(&ED25519_PUB) {
        let arr: [u8; 32] = raw
            .try_into()
            .map_err(|_| KeyError::Malformed(format!("{s} does not hold a 32-byte Ed25519 key")))?;
        return ed25519_key(&arr, s);
    }
    if let Some(raw) = bytes.strip_prefix(&P256_PUB) {
        if raw.len() != 33 {
            return Err(KeyError::Malformed(format!(
                "{s} does not hold a 33-byte compressed P-256 key"
            )));
        }
        return p256::ecdsa::VerifyingKey::from_sec1_bytes(raw)
            .map(PublicKey::P256)
            .map_err(|_| KeyError::Malformed(format!("{s} is not a valid P-256 point")));
    }
    if let Some(raw) = bytes.strip_prefix(&P384_PUB) {
        if raw.len() != 49 {
            return Err(KeyError::Malformed(format!(
                "{s} does not hold a 49-byte compressed P-384 key"
            )));
        }
        return p384::ecdsa::VerifyingKey::from_sec1_bytes(raw)
            .map(PublicKey::P384)
            .map_err(|_| KeyError::Malformed(format!("{s} is not a valid P-384 point")));
    }
    if let Some((_, name)) = UNSUPPORTED_PUB
        .iter()
        .find(|(prefix, _)| bytes.starts_with(prefix))
    {
        return Err(KeyError::NotResolvable(format!(
            "{s} is a {name} key, which the wallet cannot check signatures with"
        )));
    }
    Err(KeyError::Malformed(format!(
        "{s} is not an Ed25519 multikey, nor a P-256 or P-384 one"
    )))
}

fn ed25519_key(raw: &[u8; 32], what: &str) -> Result<PublicKey, KeyError> {
    VerifyingKey::from_bytes(raw)
        .map(PublicKey::Ed25519)
        .map_err(|_| KeyError::Malformed(format!("{what} is not a valid Ed25519 point")))
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

/// Where the DID document of a `did:web` identifier is published (did:web method, §3.2):
/// `did:web:uni.example` at `https://uni.example/.well-known/did.json`,
/// `did:web:uni.example:staff:alice` at `https://uni.example/staff/alice/did.json`, a port as
/// `%3A`. `None` for other identifiers. A DID URL's fragment and query are dropped.
pub fn web_document_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?;
    let rest = rest.split(['#', '?']).next()?;
    let mut parts = rest.split(':');
    let host = parts
        .next()
        .filter(|h| !h.is_empty())?
        .replace("%3A", ":")
        .replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    if host.contains('/') || path.iter().any(|p| p.is_empty() || p.contains('/')) {
        return None;
    }
    Some(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
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

/// The public key of a `publicKeyJwk` (RFC 7517; OKP Ed25519 per RFC 8037, EC P-256 and
/// P-384 per RFC 7518 §6.2). Members other than the key's own (`kid`, `alg`, `use`) are
/// ignored; a private key member (`d`) is refused (DID Core §5.2.1).
fn decode_jwk(jwk: &Value, id: &str) -> Result<PublicKey, KeyError> {
    if jwk.get("d").is_some() {
        return Err(KeyError::Malformed(format!(
            "the publicKeyJwk of {id} holds a private key (d), which a DID document must never publish"
        )));
    }
    let member = |k: &str| -> Result<Vec<u8>, KeyError> {
        let text = jwk
            .get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::Malformed(format!("the publicKeyJwk of {id} has no `{k}`")))?;
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| {
                KeyError::Malformed(format!(
                    "the `{k}` of the publicKeyJwk of {id} is not base64url"
                ))
            })
    };
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
    let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
    match (kty, crv) {
        ("OKP", "Ed25519") => {
            let x: [u8; 32] = member("x")?.try_into().map_err(|_| {
                KeyError::Malformed(format!("the Ed25519 publicKeyJwk of {id} is not 32 bytes"))
            })?;
            ed25519_key(&x, id)
        }
        ("EC", "P-256") => {
            let point = uncompressed_point(member("x")?, member("y")?, 32, id)?;
            p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                .map(PublicKey::P256)
                .map_err(|_| KeyError::Malformed(format!("the publicKeyJwk of {id} is not a valid P-256 point")))
        }
        ("EC", "P-384") => {
            let point = uncompressed_point(member("x")?, member("y")?, 48, id)?;
            p384::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                .map(PublicKey::P384)
                .map_err(|_| KeyError::Malformed(format!("the publicKeyJwk of {id} is not a valid P-384 point")))
        }
        ("OKP" | "EC" | "RSA", _) => Err(KeyError::NotResolvable(format!(
            "the publicKeyJwk of {id} is a {kty} {crv} key; the wallet checks Ed25519, P-256 and P-384 keys"
        ))),
        _ => Err(KeyError::Malformed(format!(
            "the publicKeyJwk of {id} is not a key type JOSE defines (kty {kty:?})"
        ))),
    }
}

/// SEC1 uncompressed encoding 0x04 ‖ x ‖ y, each coordinate exactly `len` bytes.
fn uncompressed_point(x: Vec<u8>, y: Vec<u8>, len: usize, id: &str) -> Result<Vec<u8>, KeyError> {
    if x.len() != len || y.len() != len {
        return Err(KeyError::Malformed(format!(
            "the coordinates of the publicKeyJwk of {id} are not {len} bytes each"
        )));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

/// The key a verification method object holds: `publicKeyMultibase` (Multikey,
/// `Ed25519VerificationKey2020`), `publicKeyJwk` (`JsonWebKey`, `JsonWebKey2020`,
/// `Ed25519VerificationKey2018`) or `publicKeyBase58` (`Ed25519VerificationKey2018`).
fn method_key(method: &Value, id: &str) -> Result<PublicKey, KeyError> {
    let kind = method.get("type").and_then(Value::as_str).unwrap_or("");
    let ed25519_type = kind.starts_with("Ed25519VerificationKey");
    let multibase = method.get("publicKeyMultibase").and_then(Value::as_str);
    let jwk = method.get("publicKeyJwk");
    let base58 = method.get("publicKeyBase58").and_then(Value::as_str);
    let key = match (multibase, jwk, base58) {
        (Some(mk), None, None) => decode_any_multikey(mk)?,
        (None, Some(j), None) => memoised(&format!("jwk:{j}"), || decode_jwk(j, id))?,
        (None, None, Some(b)) if ed25519_type => {
            let raw: [u8; 32] = bs58::decode(b)
                .into_vec()
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
                .ok_or_else(|| {
                    KeyError::Malformed(format!(
                        "the publicKeyBase58 of {id} is not a 32-byte Ed25519 key in base58"
                    ))
                })?;
            ed25519_key(&raw, id)?
        }
        (None, None, _) => {
            return Err(KeyError::Malformed(format!(
                "the key {id} has no publicKeyMultibase or publicKeyJwk"
            )))
        }
        _ => {
            return Err(KeyError::Malformed(format!(
                "the key {id} gives its key material in more than one form"
            )))
        }
    };
    if ed25519_type && !matches!(key, PublicKey::Ed25519(_)) {
        return Err(KeyError::Malformed(format!(
            "the key {id} is an {kind} but holds a {} key",
            key.describe()
        )));
    }
    Ok(key)
}

/// A verification method of a DID document, with the verification relationships that name it.
#[derive(Debug, Clone)]
pub struct Method<'a> {
    /// Its id, absolute (a relative `#key-1` is read against the document's id).
    pub id: String,
    /// The method object as written (`type`, `controller`, the key material).
    pub value: &'a Value,
    /// Whether it is in the document's `verificationMethod` list; `false` when it is only
    /// embedded in a relationship.
    pub listed: bool,
    /// The relationships that name it, by reference or embedded, in [`RELATIONSHIPS`] order.
    pub relationships: Vec<&'static str>,
}

impl Method<'_> {
    /// Its `type` (`Multikey`, `JsonWebKey2020`, ...), or `""`.
    pub fn kind(&self) -> &str {
        self.value.get("type").and_then(Value::as_str).unwrap_or("")
    }

    /// Its `controller`, if it names one.
    pub fn controller(&self) -> Option<&str> {
        self.value.get("controller").and_then(Value::as_str)
    }

    /// Whether the document names it under the relationship `purpose`.
    pub fn is_for(&self, purpose: &str) -> bool {
        self.relationships.contains(&purpose)
    }

    /// Its public key, decoded.
    pub fn key(&self) -> Result<PublicKey, KeyError> {
        method_key(self.value, &self.id)
    }
}

/// Every verification method of the DID document `doc` (DID Core §5.2, §5.3): those in
/// `verificationMethod`, then those embedded only in a relationship, each with the
/// relationships that name it (by absolute or relative reference, or embedded). A reference
/// to a method of another document is not listed. Relative ids are read against `doc`'s `id`.
pub fn methods(doc: &Value) -> Vec<Method<'_>> {
    let base = doc.get("id").and_then(Value::as_str).unwrap_or("");
    methods_at(doc, base)
}

/// [`methods`] with relative ids read against `base` (the address the document is cached at).
fn methods_at<'a>(doc: &'a Value, base: &str) -> Vec<Method<'a>> {
    let abs = |id: &str| absolute(id, base);
    let mut out: Vec<Method<'a>> = Vec::new();
    for m in entries(doc.get("verificationMethod")) {
        if let Some(id) = m.get("id").and_then(Value::as_str).map(abs) {
            if !out.iter().any(|o| o.id == id) {
                out.push(Method {
                    id,
                    value: m,
                    listed: true,
                    relationships: Vec::new(),
                });
            }
        }
    }
    // Embedded methods first, so a reference in an earlier relationship finds them.
    for rel in RELATIONSHIPS {
        for m in entries(doc.get(rel)).iter().filter(|m| m.is_object()) {
            let Some(id) = m.get("id").and_then(Value::as_str).map(abs) else {
                continue;
            };
            match out.iter_mut().find(|o| o.id == id) {
                Some(o) => add_relationship(o, rel),
                None => out.push(Method {
                    id,
                    value: m,
                    listed: false,
                    relationships: vec![rel],
                }),
            }
        }
    }
    for rel in RELATIONSHIPS {
        for id in entries(doc.get(rel)).iter().filter_map(Value::as_str) {
            let id = abs(id);
            if let Some(o) = out.iter_mut().find(|o| o.id == id) {
                add_relationship(o, rel);
            }
        }
    }
    for o in &mut out {
        o.relationships
            .sort_by_key(|r| RELATIONSHIPS.iter().position(|k| k == r));
    }
    out
}

/// `id` made absolute: a relative `#fragment` is read against `base`.
fn absolute(id: &str, base: &str) -> String {
    if id.starts_with('#') {
        format!("{base}{id}")
    } else {
        id.to_string()
    }
}

/// The absolute ids the relationship `rel` of `doc` names, by reference or embedded.
fn named_under(doc: &Value, base: &str, rel: &str) -> Vec<String> {
    entries(doc.get(rel))
        .iter()
        .filter_map(|e| e.as_str().or_else(|| e.get("id").and_then(Value::as_str)))
        .map(|id| absolute(id, base))
        .collect()
}

fn add_relationship(method: &mut Method<'_>, rel: &'static str) {
    if !method.is_for(rel) {
        method.relationships.push(rel);
    }
}

/// The entries of a set-valued property: an array's items, or a single value.
fn entries(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a.as_slice(),
        Some(one @ (Value::Object(_) | Value::String(_))) => std::slice::from_ref(one),
        _ => &[],
    }
}

/// Why a key named in a DID document may not be used for `purpose`.
fn not_for(vm: &str, relationships: &[&str], purpose: &str) -> KeyError {
    KeyError::Malformed(if relationships.is_empty() {
        format!(
            "the key {vm} is listed in its DID document for no verification relationship, so not for {purpose}"
        )
    } else {
        format!(
            "the key {vm} is listed in its DID document only for {}, not for {purpose}",
            relationships.join(" and ")
        )
    })
}

/// Cached DID documents and key documents, keyed by DID or URL (without fragment).
/// Filled from files the learner or the wallet imported; consulted, never fetched.
#[derive(Debug, Clone, Default)]
pub struct KeyCache {
    docs: HashMap<String, Value>,
    /// Names this cache's contents: new on every change, unique across all caches (0 when
    /// nothing was ever added), so results computed from the cache can be reused while it
    /// stays the same.
    generation: u64,
}

/// The next [`KeyCache::generation`].
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl KeyCache {
    /// What names the cache's contents: equal generations mean equal contents.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn changed(&mut self) {
        self.generation = GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Add a DID document (or key/controller document) under its `id`.
    pub fn insert(&mut self, doc: Value) -> Result<String, KeyError> {
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| KeyError::Malformed("a DID or key document needs an `id`".into()))?
            .to_string();
        self.docs.insert(id.clone(), doc);
        self.changed();
        Ok(id)
    }

    /// Add a document under `url`, the address it was published at (which may differ from
    /// its own `id`, as for Open Badges 2.0 documents fetched from a redirecting URL).
    pub fn insert_at(&mut self, url: &str, doc: Value) {
        self.docs.insert(url.to_string(), doc);
        self.changed();
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

    /// Find `vm` (a full verification method id) in the document cached at `base`: among its
    /// methods (listed or embedded in a relationship), or the document itself when it is a
    /// key document. With a `purpose`, the key must be named under that relationship.
    fn lookup(
        &self,
        base: &str,
        vm: &str,
        purpose: Option<&str>,
    ) -> Option<Result<ResolvedKey, KeyError>> {
        let doc = self.docs.get(base)?;
        if let Some(m) = methods_at(doc, base).into_iter().find(|m| m.id == vm) {
            if let Some(p) = purpose.filter(|p| !m.is_for(p)) {
                return Some(Err(not_for(vm, &m.relationships, p)));
            }
            let controller = m.controller().unwrap_or(base).to_string();
            return Some(m.key().map(|key| ResolvedKey {
                key,
                controller,
                source: KeySource::Cache,
            }));
        }
        let is_key_document = ["publicKeyMultibase", "publicKeyJwk"]
            .iter()
            .any(|k| doc.get(*k).is_some());
        if !is_key_document {
            return None;
        }
        let controller = doc
            .get("controller")
            .and_then(Value::as_str)
            .unwrap_or(base)
            .to_string();
        if let Some(p) = purpose {
            if let Err(e) = self.controller_lists(doc, base, vm, &controller, p) {
                return Some(Err(e));
            }
        }
        Some(method_key(doc, vm).map(|key| ResolvedKey {
            key,
            controller,
            source: KeySource::Cache,
        }))
    }

    /// A key document says nothing of what its key may be used for: its controller's
    /// document must name it under the relationship (Controlled Identifiers §3.3, Retrieve
    /// Verification Method).
    fn controller_lists(
        &self,
        key_doc: &Value,
        base: &str,
        vm: &str,
        controller: &str,
        purpose: &str,
    ) -> Result<(), KeyError> {
        let controller_doc = self
            .get(controller)
            .filter(|_| controller.split('#').next() != Some(base))
            .ok_or_else(|| {
                KeyError::NotResolvable(format!(
                    "the key document {vm} is cached, but not the document of its controller {controller}, which says what the key may be used for; import it to check offline"
                ))
            })?;
        let own_id = key_doc.get("id").and_then(Value::as_str);
        let rels: Vec<&'static str> = RELATIONSHIPS
            .into_iter()
            .filter(|rel| {
                named_under(controller_doc, controller, rel)
                    .iter()
                    .any(|id| id == vm || Some(id.as_str()) == own_id)
            })
            .collect();
        if rels.contains(&purpose) {
            Ok(())
        } else if rels.is_empty() {
            Err(KeyError::Malformed(format!(
                "the key {vm} is not named for any verification relationship by its controller {controller}"
            )))
        } else {
            Err(not_for(vm, &rels, purpose))
        }
    }
}

/// Resolve a verification method id to a key, offline, for a proof whose `proofPurpose` is
/// `purpose` (`assertionMethod`, `authentication`, ...).
///
/// A key from a cached DID document must be named under that verification relationship
/// (DID Core §5.3), by reference or embedded; otherwise it is [`KeyError::Malformed`] (the
/// proof is invalid) with a message naming the relationships it is listed for. A did:key's
/// key is in every relationship that signs. A key read from a URL fragment
/// ([`KeySource::UrlFragment`]) has no document to say, and is not checked here.
pub fn resolve_for(vm: &str, cache: &KeyCache, purpose: &str) -> Result<ResolvedKey, KeyError> {
    resolve_key(vm, cache, Some(purpose))
}

/// Resolve a verification method id to an Ed25519 key, offline, without a proof purpose
/// (a JWS `kid`). Any other key type is [`KeyError::Malformed`]. Proofs with a purpose use
/// [`resolve_for`].
pub fn resolve(vm: &str, cache: &KeyCache) -> Result<Ed25519Key, KeyError> {
    let found = resolve_key(vm, cache, None)?;
    match found.key {
        PublicKey::Ed25519(key) => Ok(Ed25519Key {
            key,
            controller: found.controller,
            source: found.source,
        }),
        other => Err(KeyError::Malformed(format!(
            "the key {vm} is a {} key, not an Ed25519 key",
            other.describe()
        ))),
    }
}

fn resolve_key(vm: &str, cache: &KeyCache, purpose: Option<&str>) -> Result<ResolvedKey, KeyError> {
    let (base, fragment) = match vm.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (vm, None),
    };
    if let Some(mk) = base.strip_prefix("did:key:") {
        let key = decode_any_multikey(mk)?;
        if let Some(f) = fragment {
            if f != mk {
                return Err(KeyError::Malformed(format!(
                    "the fragment of {vm} does not name the did:key's own key"
                )));
            }
        }
        if let Some(p) = purpose.filter(|p| !DID_KEY_RELATIONSHIPS.contains(p)) {
            return Err(KeyError::Malformed(format!(
                "the key of {base} serves assertionMethod, authentication, capabilityInvocation and capabilityDelegation, not {p}"
            )));
        }
        return Ok(ResolvedKey {
            key,
            controller: base.to_string(),
            source: KeySource::DidKey,
        });
    }
    if let Some(found) = cache.lookup(base, vm, purpose) {
        return found;
    }
    if base.starts_with("did:") && cache.get(base).is_some() {
        return Err(KeyError::NotResolvable(format!(
            "the cached DID document of {base} does not list the key {vm}; if the key was added since, import the current document"
        )));
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
        if let Some(f) = fragment.filter(|f| MULTIKEY_STARTS.iter().any(|s| f.starts_with(*s))) {
            let key = decode_any_multikey(f)?;
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
    use serde_json::json;

    const PUB: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const PRIV: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
    /// The P-256 and P-384 keys of the W3C vc-di-ecdsa vectors.
    const P256: &str = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP";
    const P384: &str = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ";
    const WEB: &str = "did:web:uni.example";

    #[test]
    fn a_did_web_document_is_published_where_the_method_says() {
        let url = |d: &str| web_document_url(d);
        assert_eq!(
            url(WEB).as_deref(),
            Some("https://uni.example/.well-known/did.json")
        );
        assert_eq!(
            url("did:web:uni.example:staff:alice#key-1").as_deref(),
            Some("https://uni.example/staff/alice/did.json")
        );
        assert_eq!(
            url("did:web:localhost%3A8443").as_deref(),
            Some("https://localhost:8443/.well-known/did.json")
        );
        assert_eq!(url("did:key:z6Mk"), None);
        assert_eq!(url("did:web:"), None);
        assert_eq!(url("did:web:uni.example::x"), None);
    }

    fn cache(doc: Value) -> KeyCache {
        let mut c = KeyCache::default();
        c.insert(doc).unwrap();
        c
    }

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
    fn p256_and_p384_multikeys_and_did_keys_decode() {
        assert_eq!(decode_any_multikey(P256).unwrap().describe(), "P-256");
        assert_eq!(decode_any_multikey(P384).unwrap().describe(), "P-384");
        assert_eq!(decode_any_multikey(PUB).unwrap().describe(), "Ed25519");
        for (mk, curve) in [(P256, "P-256"), (P384, "P-384"), (PUB, "Ed25519")] {
            for purpose in DID_KEY_RELATIONSHIPS {
                let r = resolve_for(&format!("did:key:{mk}#{mk}"), &KeyCache::default(), purpose)
                    .unwrap();
                assert_eq!(r.key.describe(), curve);
                assert_eq!(r.source, KeySource::DidKey);
            }
        }
        // The Ed25519-only decoder and resolver refuse the others.
        assert!(matches!(decode_multikey(P256), Err(KeyError::Malformed(_))));
        assert!(matches!(
            resolve(&format!("did:key:{P384}"), &KeyCache::default()),
            Err(KeyError::Malformed(_))
        ));
        // A did:key's signing key does not serve key agreement.
        assert!(matches!(
            resolve_for(
                &format!("did:key:{PUB}"),
                &KeyCache::default(),
                "keyAgreement"
            ),
            Err(KeyError::Malformed(_))
        ));
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
        let c = cache(json!({
            "id": WEB,
            "verificationMethod": [{"id": format!("{WEB}#k1"), "type": "Multikey",
              "controller": WEB, "publicKeyMultibase": PUB}],
            "assertionMethod": [format!("{WEB}#k1")]
        }));
        let r = resolve_for(&format!("{WEB}#k1"), &c, "assertionMethod").unwrap();
        assert_eq!(r.controller, WEB);
        assert_eq!(r.source, KeySource::Cache);
        assert_eq!(resolve(&format!("{WEB}#k1"), &c).unwrap().controller, WEB);
    }

    #[test]
    fn a_key_embedded_only_in_assertion_method_resolves() {
        let c = cache(json!({
            "id": WEB,
            "assertionMethod": [{"id": "#key-1", "type": "Multikey",
              "controller": WEB, "publicKeyMultibase": P256}]
        }));
        let r = resolve_for(&format!("{WEB}#key-1"), &c, "assertionMethod").unwrap();
        assert_eq!(r.key.describe(), "P-256");
        assert_eq!(r.controller, WEB);
        let err = resolve_for(&format!("{WEB}#key-1"), &c, "authentication").unwrap_err();
        assert!(
            err.to_string().contains("only for assertionMethod"),
            "{err}"
        );
        let listed = methods(c.get(WEB).unwrap());
        assert_eq!(listed.len(), 1);
        assert!(!listed[0].listed);
        assert_eq!(listed[0].relationships, ["assertionMethod"]);
    }

    #[test]
    fn a_key_listed_only_for_authentication_does_not_sign_assertions() {
        let c = cache(json!({
            "id": "did:web:x",
            "verificationMethod": [
              {"id": "did:web:x#key-1", "type": "Multikey", "controller": "did:web:x",
               "publicKeyMultibase": P256},
              {"id": "#key-2", "type": "Multikey", "controller": "did:web:x",
               "publicKeyMultibase": PUB},
              {"id": "#key-3", "type": "Multikey", "controller": "did:web:x",
               "publicKeyMultibase": P384}
            ],
            "assertionMethod": ["#key-1"],
            "authentication": ["#key-2", "did:web:x#key-1"]
        }));
        let err = resolve_for("did:web:x#key-2", &c, "assertionMethod").unwrap_err();
        assert_eq!(
            err,
            KeyError::Malformed(
                "the key did:web:x#key-2 is listed in its DID document only for authentication, not for assertionMethod".into()
            )
        );
        assert!(resolve_for("did:web:x#key-2", &c, "authentication").is_ok());
        assert!(resolve_for("did:web:x#key-1", &c, "assertionMethod").is_ok());
        assert!(resolve_for("did:web:x#key-1", &c, "authentication").is_ok());
        let err = resolve_for("did:web:x#key-3", &c, "assertionMethod").unwrap_err();
        assert!(matches!(err, KeyError::Malformed(_)));
        assert!(
            err.to_string().contains("for no verification relationship"),
            "{err}"
        );
        // A key the document does not list at all may have been added since it was cached.
        assert!(matches!(
            resolve_for("did:web:x#key-9", &c, "assertionMethod"),
            Err(KeyError::NotResolvable(_))
        ));
        let all = methods(c.get("did:web:x").unwrap());
        let rels: Vec<_> = all
            .iter()
            .map(|m| (m.id.as_str(), m.relationships.clone()))
            .collect();
        assert_eq!(
            rels,
            [
                ("did:web:x#key-1", vec!["authentication", "assertionMethod"]),
                ("did:web:x#key-2", vec!["authentication"]),
                ("did:web:x#key-3", vec![]),
            ]
        );
        assert!(all.iter().all(|m| m.listed && m.kind() == "Multikey"));
    }

    #[test]
    fn public_key_jwk_and_ed25519_2020_keys_resolve() {
        let c = cache(json!({
            "id": WEB,
            "verificationMethod": [
              {"id": "#p256", "type": "JsonWebKey2020", "controller": WEB,
               "publicKeyJwk": {"kty": "EC", "crv": "P-256", "kid": "p256",
                 "x": "YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y",
                 "y": "eQP-EAi4vJmkGunpVii8ZPLxsgwtfp9Rd6PClNRGIpk"}},
              {"id": "#p384", "type": "JsonWebKey", "controller": WEB,
               "publicKeyJwk": {"kty": "EC", "crv": "P-384",
                 "x": "7DpOQVtOGaRWhhgCn0J_pdqai8SukuAuBqrlKGswDGTe-PDqkFWGYGSiVFFUgLwT",
                 "y": "gBXZty19VyROqO-awMYhiWcIpZNn-d-59UyoSz8cnbEoiyMcOuDU_nNE_SUzJkcg"}},
              {"id": "#okp", "type": "Ed25519VerificationKey2018", "controller": WEB,
               "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519",
                 "x": "sA2Nk45_dz1RVlqtNqYj9TRPf10ZYPnPPo4SYg6igQ8"}},
              {"id": "#ed2020", "type": "Ed25519VerificationKey2020", "controller": WEB,
               "publicKeyMultibase": PUB}
            ],
            "assertionMethod": ["#p256", "#p384", "#okp", "#ed2020"]
        }));
        let key = |f: &str| {
            resolve_for(&format!("{WEB}#{f}"), &c, "assertionMethod")
                .unwrap()
                .key
        };
        // The JWKs hold the same points as the multikeys.
        assert_eq!(key("p256"), decode_any_multikey(P256).unwrap());
        assert_eq!(key("p384"), decode_any_multikey(P384).unwrap());
        assert_eq!(key("okp"), decode_any_multikey(PUB).unwrap());
        assert_eq!(key("ed2020"), decode_any_multikey(PUB).unwrap());
    }

    #[test]
    fn bad_key_material_is_malformed() {
        let doc = |method: Value| {
            cache(json!({"id": WEB, "verificationMethod": [method], "assertionMethod": ["#k"]}))
        };
        let vm = format!("{WEB}#k");
        for method in [
            // A private key member in a DID document.
            json!({"id": "#k", "type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP",
              "crv": "Ed25519", "x": "sA2Nk45_dz1RVlqtNqYj9TRPf10ZYPnPPo4SYg6igQ8", "d": "AA"}}),
            // An Ed25519 type holding a P-256 key.
            json!({"id": "#k", "type": "Ed25519VerificationKey2020", "publicKeyMultibase": P256}),
            // A point that is not on the curve.
            json!({"id": "#k", "type": "JsonWebKey2020", "publicKeyJwk": {"kty": "EC",
              "crv": "P-256", "x": "YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y",
              "y": "YP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Y"}}),
            // No key at all.
            json!({"id": "#k", "type": "Multikey"}),
        ] {
            assert!(
                matches!(
                    resolve_for(&vm, &doc(method.clone()), "assertionMethod"),
                    Err(KeyError::Malformed(_))
                ),
                "{method}"
            );
        }
    }

    #[test]
    fn a_key_document_needs_its_controllers_document_for_a_purpose() {
        let key_url = "https://uni.example/keys/1";
        let mut c = KeyCache::default();
        c.insert(json!({"id": key_url, "type": "Multikey", "controller": WEB,
            "publicKeyMultibase": PUB}))
            .unwrap();
        assert!(matches!(
            resolve_for(key_url, &c, "assertionMethod"),
            Err(KeyError::NotResolvable(_))
        ));
        // Without a purpose (a JWS kid) the key document alone is used, as before.
        assert_eq!(resolve(key_url, &c).unwrap().controller, WEB);
        c.insert(json!({"id": WEB, "assertionMethod": [key_url]}))
            .unwrap();
        assert!(resolve_for(key_url, &c, "assertionMethod").is_ok());
        assert!(matches!(
            resolve_for(key_url, &c, "authentication"),
            Err(KeyError::Malformed(_))
        ));
    }

    #[test]
    fn url_fragment_keys_of_every_curve_are_read() {
        let c = KeyCache::default();
        let r = resolve_for(
            &format!("https://uni.example/issuers/1#{P256}"),
            &c,
            "assertionMethod",
        )
        .unwrap();
        assert_eq!(r.source, KeySource::UrlFragment);
        assert_eq!(r.key.describe(), "P-256");
        let err = resolve_for(
            "https://example.edu/issuers/565049#z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            &c,
            "assertionMethod",
        )
        .unwrap_err();
        assert!(err.to_string().contains("not an Ed25519 multikey"), "{err}");
    }
}
