//! The wallet's caches for offline checks: the trust registry of the recognition network,
//! status lists and DID/key documents. All are imported files, each checked before it is
//! kept; verification reads them from here and never from the network.

use super::Wallet;
use crate::proof::di::{self, ProofEnv};
pub use crate::verify::trust::{check_signed_by_issuer, Registry};
use crate::verify::{Env, StatusCache};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use ts_rs::TS;

const REGISTRY: &str = "registry";
const CATALOGUE: &str = "catalogue";
const STATUS_PREFIX: &str = "status:";
const DID_PREFIX: &str = "did:";

/// Kinds of trust data a learner imports from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TrustKind {
    /// The network's signed registry of member institutions.
    Registry,
    /// A Bitstring Status List credential (revocation).
    StatusList,
    /// An issuer's DID document (did:web).
    Did,
    /// The network's signed catalogue of offered micro-credentials.
    Catalogue,
    /// Any trust document the wallet understands, recognised by its content
    /// ([`Wallet::import_trust_document`]): also JWT VC Issuer Metadata, key sets, SD-JWT VC
    /// type metadata, status list tokens and qualification rules.
    Any,
}

/// What a trust import brought into the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum TrustImported {
    /// The network's registry.
    Registry {
        /// Its name.
        name: String,
        /// How many member institutions it lists.
        members: usize,
    },
    /// A status list.
    StatusList {
        /// Its id (the URL credentials point to).
        id: String,
    },
    /// A DID document.
    Did {
        /// The DID.
        id: String,
    },
    /// The network's catalogue.
    Catalogue {
        /// How many offers it has.
        offers: usize,
    },
    /// A document recognised by its content.
    Recognised {
        /// What it was, in words (English): "the JWT VC Issuer Metadata of … (1 keys)".
        what: String,
    },
}

impl Wallet {
    /// Import trust data of `kind` from a file's bytes, checked as its own importer checks it
    /// (signature, shape); afterwards [`Wallet::reverify`] re-checks the credentials against it.
    pub fn import_trust(&self, kind: TrustKind, bytes: &[u8]) -> Result<TrustImported> {
        self.import_trust_at(kind, bytes, None)
    }

    /// [`Wallet::import_trust`], with the address the file was published at (`url`), which a
    /// key set needs and other documents may be checked against.
    pub fn import_trust_at(
        &self,
        kind: TrustKind,
        bytes: &[u8],
        url: Option<&str>,
    ) -> Result<TrustImported> {
        Ok(match kind {
            TrustKind::Any => TrustImported::Recognised {
                what: self
                    .import_trust_document(bytes, url.map(str::trim).filter(|u| !u.is_empty()))?,
            },
            TrustKind::Registry => {
                let r = self.import_registry(bytes)?;
                TrustImported::Registry {
                    name: r.name,
                    members: r.members.len(),
                }
            }
            TrustKind::StatusList => TrustImported::StatusList {
                id: self.import_status_list(bytes, None)?,
            },
            TrustKind::Did => TrustImported::Did {
                id: self.import_did_document(bytes)?,
            },
            TrustKind::Catalogue => TrustImported::Catalogue {
                offers: self.import_catalogue(bytes)?.items.len(),
            },
        })
    }

    pub(crate) fn cache_put(&self, key: &str, value: &Value) -> Result<()> {
        self.writable()?;
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Internal(e.to_string()))?;
        super::space::ensure_room(
            &self.dir,
            (bytes.len() as u64).saturating_mul(2),
            super::space::WRITE_RESERVE,
        )?;
        self.caches
            .insert(key.as_bytes(), self.seal(&bytes, key.as_bytes()))
            .map_err(|e| self.damaged(e))?;
        self.flush()
    }

    pub(crate) fn cache_scan(&self, prefix: &str) -> Result<Vec<(String, Value)>> {
        let mut out = Vec::new();
        for item in self.caches.scan_prefix(prefix.as_bytes()) {
            let (k, v) = item.map_err(|e| self.damaged(e))?;
            let plain = self.unseal(&v, &k)?;
            let value = serde_json::from_slice(&plain).map_err(|e| Error::WalletDamaged {
                path: self.dir.clone(),
                detail: format!("cached item unreadable: {e}"),
            })?;
            out.push((String::from_utf8_lossy(&k).to_string(), value));
        }
        Ok(out)
    }

    /// Import a signed registry file; its proof must verify and be made by its issuer.
    pub fn import_registry(&self, bytes: &[u8]) -> Result<Registry> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::BadInput(format!("the registry is not JSON: {e}")))?;
        check_signed_by_issuer(&doc, "registry")?;
        let registry: Registry = serde_json::from_value(doc.clone())
            .map_err(|e| Error::BadInput(format!("the registry is malformed: {e}")))?;
        self.cache_put(REGISTRY, &doc)?;
        Ok(registry)
    }

    /// The imported registry, if any.
    pub fn registry(&self) -> Result<Option<Registry>> {
        Ok(self
            .cache_scan(REGISTRY)?
            .into_iter()
            .find(|(k, _)| k == REGISTRY)
            .and_then(|(_, v)| serde_json::from_value(v).ok()))
    }

    /// Import the network's signed catalogue of offered micro-credentials (for suggestions of
    /// what would complete a qualification); its proof must verify and be made by its issuer.
    pub fn import_catalogue(&self, bytes: &[u8]) -> Result<crate::stack::Catalogue> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::BadInput("the catalogue is not UTF-8 text".into()))?;
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| Error::BadInput(format!("the catalogue is not JSON: {e}")))?;
        check_signed_by_issuer(&doc, "catalogue")?;
        let catalogue = crate::stack::parse_catalogue(text)?;
        self.cache_put(CATALOGUE, &doc)?;
        Ok(catalogue)
    }

    /// The imported catalogue, if any.
    pub fn catalogue(&self) -> Result<Option<crate::stack::Catalogue>> {
        Ok(self
            .cache_scan(CATALOGUE)?
            .into_iter()
            .find(|(k, _)| k == CATALOGUE)
            .and_then(|(_, v)| crate::stack::parse_catalogue(&v.to_string()).ok()))
    }

    /// Import a status list credential, cached under `url` (default: its `id`).
    pub fn import_status_list(&self, bytes: &[u8], url: Option<&str>) -> Result<String> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::BadInput(format!("the status list is not JSON: {e}")))?;
        let mut probe = StatusCache::default();
        let key = probe.insert(doc.clone(), url).map_err(Error::BadInput)?;
        let checks = di::verify_proofs(&doc, &self.proof_env()?);
        if checks
            .iter()
            .any(|c| matches!(c.outcome, Err(di::Failure::Invalid(_))))
        {
            return Err(Error::BadInput(
                "the status list's signature does not verify; it was not imported".into(),
            ));
        }
        self.cache_put(&format!("{STATUS_PREFIX}{key}"), &doc)?;
        Ok(key)
    }

    /// Import a DID document or key document (e.g. an issuer's did:web document).
    pub fn import_did_document(&self, bytes: &[u8]) -> Result<String> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::BadInput(format!("the DID document is not JSON: {e}")))?;
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::BadInput("the DID document has no id".into()))?
            .to_string();
        self.cache_put(&format!("{DID_PREFIX}{id}"), &doc)?;
        Ok(id)
    }

    /// Cache a document under the address it is published at (an Open Badges 2.0 key,
    /// badge class, issuer profile, revocation list or hosted assertion), for offline checks.
    pub fn import_document_at(&self, bytes: &[u8], url: &str) -> Result<String> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::BadInput(format!("the document is not JSON: {e}")))?;
        if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("did:")) {
            return Err(Error::BadInput(format!(
                "{url} is not a web address or DID to cache the document under"
            )));
        }
        self.cache_put(&format!("{DID_PREFIX}{url}"), &doc)?;
        Ok(url.to_string())
    }

    fn proof_env(&self) -> Result<ProofEnv> {
        let mut env = ProofEnv::default();
        for (key, doc) in self.cache_scan(DID_PREFIX)? {
            // Stored under the document's id or the address it was imported for.
            match key.strip_prefix(DID_PREFIX) {
                Some(at) if !at.is_empty() => env.keys.insert_at(at, doc),
                _ => {
                    let _ = env.keys.insert(doc);
                }
            }
        }
        Ok(env)
    }

    pub(crate) fn load_env(&self) -> Result<Env> {
        let proof = self.proof_env()?;
        let mut status = StatusCache::default();
        for (k, doc) in self.cache_scan(STATUS_PREFIX)? {
            let url = k.trim_start_matches(STATUS_PREFIX).to_string();
            let _ = status.insert(doc, Some(&url));
        }
        let registry = self.registry()?;
        let network = registry.as_ref().map(|r| r.name.clone());
        let registry = registry.map(|r| {
            r.members
                .into_iter()
                .map(|m| (m.id.clone(), m))
                .collect::<HashMap<_, _>>()
        });
        Ok(Env {
            proof,
            status,
            registry,
            network,
            expect: Default::default(),
        })
    }
}

impl Wallet {
    /// Import any trust document the wallet understands, recognised by its content (`mcx
    /// trust import`): DID documents, JWT VC Issuer Metadata, JWKS (under `url`, the issuer's
    /// `jwks_uri`), SD-JWT VC type metadata, Token Status List tokens, Bitstring Status List
    /// credentials, the network's registry and catalogue, and qualification rules. Each is
    /// checked as its own importer checks it; the answer says what it was, in words.
    pub fn import_trust_document(&self, bytes: &[u8], url: Option<&str>) -> Result<String> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::BadInput("not UTF-8 text: no trust document is binary".into()))?
            .trim();
        if !text.starts_with('{') {
            return self.import_status_list_token(text, url);
        }
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| Error::BadInput(format!("not JSON (and not a status list token): {e}")))?;
        let s = |k: &str| doc.get(k).and_then(Value::as_str);
        let types = crate::formats::text_list(doc.get("type"));
        let typed = |t: &str| types.iter().any(|x| x.as_str() == Some(t));
        if let Some(vct) = s("vct") {
            // Kept as exact text: a credential's `vct#integrity` is the hash of these bytes.
            let key = crate::verify::sdjwt::type_metadata_key(vct);
            self.cache_put(
                &format!("{DID_PREFIX}{key}"),
                &Value::String(text.to_string()),
            )?;
            let name = s("name").map(|n| format!(" ({n})")).unwrap_or_default();
            return Ok(format!("SD-JWT VC type metadata for {vct}{name}"));
        }
        if doc.get("members").is_some() {
            let r = self.import_registry(bytes)?;
            return Ok(format!(
                "the trust registry {} ({} members)",
                r.name,
                r.members.len()
            ));
        }
        if doc.get("items").is_some() && doc.get("version").is_some() {
            let c = self.import_catalogue(bytes)?;
            return Ok(format!(
                "the network's catalogue ({} offers)",
                c.items.len()
            ));
        }
        if doc.get("requirements").is_some() {
            let q = self.import_qualification(bytes)?;
            return Ok(format!("the qualification rules {}", q.title));
        }
        if typed("BitstringStatusListCredential") || typed("StatusList2021Credential") {
            let id = self.import_status_list(bytes, url)?;
            return Ok(format!("the status list credential {id}"));
        }
        if s("id").is_some_and(|i| i.starts_with("did:")) {
            let id = self.import_did_document(bytes)?;
            let keys = crate::did::methods(&doc).len();
            return Ok(format!("the DID document of {id} ({keys} keys)"));
        }
        if let Some(issuer) =
            s("issuer").filter(|_| doc.get("jwks").is_some() || doc.get("jwks_uri").is_some())
        {
            let at = crate::verify::sdjwt::jwt_vc_issuer_url(issuer).ok_or_else(|| {
                Error::BadInput(format!(
                    "the issuer metadata names {issuer}, which is not a web address"
                ))
            })?;
            if let Some(jwks) = doc.get("jwks") {
                check_jwks(jwks)?;
            }
            self.cache_put(&format!("{DID_PREFIX}{at}"), &doc)?;
            let keys = doc
                .pointer("/jwks/keys")
                .and_then(Value::as_array)
                .map(|k| format!(" ({} keys)", k.len()))
                .unwrap_or_else(|| {
                    format!(
                        " (keys at {}; import them too)",
                        s("jwks_uri").unwrap_or("")
                    )
                });
            return Ok(format!("the JWT VC Issuer Metadata of {issuer}{keys}"));
        }
        if doc.get("keys").is_some() {
            let n = check_jwks(&doc)?;
            let at = url.ok_or_else(|| {
                Error::BadInput("a key set (JWKS) has no address of its own; give the issuer's jwks_uri with --url".into())
            })?;
            self.cache_put(&format!("{DID_PREFIX}{at}"), &doc)?;
            return Ok(format!("the key set published at {at} ({n} keys)"));
        }
        if doc.get("@context").is_some() || s("id").is_some() {
            if let Some(u) = url {
                let at = self.import_document_at(bytes, u)?;
                return Ok(format!("the document published at {at}"));
            }
        }
        Err(Error::BadInput(
            "not a trust document the wallet knows: expected a DID document, issuer metadata, a key set, type metadata, a status list, the registry, the catalogue or qualification rules".into(),
        ))
    }

    /// Import a trust document that an exchange fetched from `url` (`mcx receive`, the
    /// app's Receive): as [`Wallet::import_trust_document`], but a document that speaks for
    /// someone is believed only at that someone's own address: JWT VC Issuer Metadata only at
    /// its issuer's well-known address, a did:web document only where its DID says.
    pub fn import_fetched_trust(&self, bytes: &[u8], url: &str) -> Result<String> {
        if let Ok(doc) = serde_json::from_slice::<Value>(bytes) {
            let s = |k: &str| doc.get(k).and_then(Value::as_str);
            if let Some(issuer) =
                s("issuer").filter(|_| doc.get("jwks").is_some() || doc.get("jwks_uri").is_some())
            {
                if crate::verify::sdjwt::jwt_vc_issuer_url(issuer).as_deref() != Some(url) {
                    return Err(Error::BadInput(format!(
                        "it is issuer metadata for {issuer}, which is not published at this address"
                    )));
                }
            }
            if let Some(id) = s("id").filter(|i| i.starts_with("did:web:")) {
                if crate::did::web_document_url(id).as_deref() != Some(url) {
                    return Err(Error::BadInput(format!(
                        "it is the DID document of {id}, which is not published at this address"
                    )));
                }
            }
        }
        self.import_trust_document(bytes, Some(url))
    }

    /// Where the keys of a verifier's client id are published when the wallet lacks them
    /// (a did:web verifier's DID document), for an exchange to fetch before checking it.
    pub fn client_key_urls(&self, client_id: &str) -> Vec<String> {
        self.load_env()
            .map(|env| crate::portfolio::verifier::key_document_urls(client_id, &env.proof.keys))
            .unwrap_or_default()
    }

    /// Check who sent a presentation request ([`crate::portfolio::verifier::check`]) with
    /// this wallet's keys, now.
    pub fn check_verifier(
        &self,
        parts: &crate::portfolio::verifier::RequestParts<'_>,
    ) -> Result<crate::portfolio::verifier::VerifierCheck> {
        let env = self.load_env()?;
        crate::portfolio::verifier::check(parts, &env.proof.keys, chrono::Utc::now())
    }

    fn import_status_list_token(&self, text: &str, url: Option<&str>) -> Result<String> {
        let bad = |m: &str| Error::BadInput(format!("not a trust document: {m}"));
        let parts: Vec<&str> = text.split('.').collect();
        let [h, p, _] = parts.as_slice() else {
            return Err(bad("neither JSON nor a JWT"));
        };
        let decode = |seg: &str| -> Option<Value> {
            use base64::Engine;
            let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(seg.trim_end_matches('='))
                .ok()?;
            serde_json::from_slice(&b).ok()
        };
        let (header, payload) = decode(h)
            .zip(decode(p))
            .ok_or_else(|| bad("a JWT whose header or payload is not base64url JSON"))?;
        if header.get("typ").and_then(Value::as_str) != Some("statuslist+jwt") {
            return Err(bad(
                "a JWT that is not a status list token (typ statuslist+jwt)",
            ));
        }
        let sub = payload.get("sub").and_then(Value::as_str);
        let at = url
            .or(sub)
            .ok_or_else(|| bad("a status list token without sub; give its address with --url"))?;
        if let (Some(sub), Some(u)) = (sub, url) {
            if sub != u {
                return Err(Error::BadInput(format!(
                    "the status list token is the list {sub}, not {u}"
                )));
            }
        }
        let list = payload
            .get("status_list")
            .ok_or_else(|| bad("a status list token without status_list"))?;
        // Read once now, so a malformed or inflating list is refused on import.
        crate::verify::sdjwt::token_status(list, 0).map_err(|e| {
            Error::BadInput(format!("the status list token's list is unusable: {e}"))
        })?;
        self.cache_put(
            &format!("{DID_PREFIX}{at}"),
            &Value::String(text.to_string()),
        )?;
        Ok(format!(
            "the status list token {at} (its signature is checked whenever it is used)"
        ))
    }
}

/// A JWK Set's keys must each be a public JWK (RFC 7517 §5): returns how many.
fn check_jwks(jwks: &Value) -> Result<usize> {
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::BadInput("the key set has no `keys` list".into()))?;
    for (i, k) in keys.iter().enumerate() {
        if k.get("kty").and_then(Value::as_str).is_none() {
            return Err(Error::BadInput(format!(
                "key {} of the key set has no kty",
                i + 1
            )));
        }
        if k.get("d").is_some() {
            return Err(Error::BadInput(format!(
                "key {} of the key set is a private key; only public keys belong in a key set",
                i + 1
            )));
        }
    }
    Ok(keys.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo network's own files, through the one entry point the app uses.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn trust_files_import_by_kind_and_say_what_they_brought() {
        let tmp = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(tmp.path()).unwrap();
        let asset = |p: &str| {
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/network/").to_string() + p)
                .unwrap()
        };
        let registry = wallet
            .import_trust(TrustKind::Registry, &asset("registry.json"))
            .unwrap();
        assert!(
            matches!(registry, TrustImported::Registry { members: 7, .. }),
            "{registry:?}"
        );
        let catalogue = wallet
            .import_trust(TrustKind::Catalogue, &asset("catalogue.json"))
            .unwrap();
        assert_eq!(catalogue, TrustImported::Catalogue { offers: 29 });
        // A registry is not a catalogue: refused with the importer's reason, nothing kept.
        assert!(wallet
            .import_trust(TrustKind::Catalogue, &asset("registry.json"))
            .is_err());
        assert_eq!(wallet.catalogue().unwrap().unwrap().items.len(), 29);
    }
}
