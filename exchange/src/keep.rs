//! What an exchange asks of the wallet it fills. The caller implements [`Keep`] over the core,
//! which decides what a credential needs, what to believe and how to store it; this crate
//! only fetches.

use serde_json::Value;

use crate::http::{check_url, Http};
use crate::vci::Received;

/// The wallet, as an exchange sees it.
pub trait Keep {
    /// What importing one received credential reports.
    type Report;
    /// The wallet's own error (a full disk, a locked wallet), passed through unchanged.
    type Error: std::fmt::Display;

    /// Where the trust documents a credential (or a fetched trust document) needs are
    /// published.
    fn trust_urls(&self, document: &[u8]) -> Vec<String>;
    /// Where the keys of a verifier's client id are published, when the wallet lacks them.
    fn client_key_urls(&self, client_id: &str) -> Vec<String>;
    /// Import a trust document fetched from `url`; says what it was.
    fn import_trust(&self, bytes: &[u8], url: &str) -> Result<String, Self::Error>;
    /// Import received credentials, verified as files are: one report each, in order.
    fn import(&self, received: &[Received]) -> Result<Vec<Self::Report>, Self::Error>;
    /// Whether a report says the credential was kept.
    fn kept(report: &Self::Report) -> bool;

    /// What checking a verifier says of it.
    type Check;
    /// Check who sent a presentation request: its client id, its parameters, and the request
    /// object's protected header, signing input and signature when it was signed.
    fn check_client(
        &self,
        client_id: &str,
        params: &Value,
        signed: Option<(&Value, &[u8], &[u8])>,
    ) -> Result<Self::Check, Self::Error>;
}

/// One trust document an exchange tried to cache.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cached {
    /// Where it was read.
    pub url: String,
    /// What the wallet recognised it as, when it was imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recognised: Option<String>,
    /// Why it was not, otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// At most this many trust documents are fetched for one exchange.
const MAX_TRUST: usize = 24;

/// Fetch and import the trust documents at `urls`, and what those need in turn (a
/// `jwks_uri`, a status list's issuer), so that what needs them verifies offline. A document
/// that cannot be fetched or is refused is reported, not fatal: what needs it shows as
/// "could not check" until it is imported.
pub fn cache<K: Keep + ?Sized>(
    http: &Http,
    keep: &K,
    mut urls: Vec<String>,
    step: &mut dyn FnMut(&str),
) -> Vec<Cached> {
    urls.reverse();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while let Some(url) = urls.pop() {
        if seen.len() >= MAX_TRUST || !seen.insert(url.clone()) {
            continue;
        }
        step(&format!("caching {url} for offline checks"));
        let fetched = check_url(&url, "the address").and_then(|address| {
            let a = http.get(
                &address,
                "application/json, application/statuslist+jwt, application/vc+jwt, application/did+json, */*",
            )?;
            if a.ok() {
                Ok(a.body)
            } else {
                Err(a.failure("fetching it"))
            }
        });
        let result = fetched.map_err(|e| e.to_string()).and_then(|body| {
            if let Some(jwks) = serde_json::from_slice::<Value>(&body)
                .ok()
                .as_ref()
                .and_then(|d| d.get("jwks_uri"))
                .and_then(Value::as_str)
            {
                urls.push(jwks.to_owned());
            }
            urls.extend(keep.trust_urls(&body));
            keep.import_trust(&body, &url).map_err(|e| e.to_string())
        });
        out.push(match result {
            Ok(what) => Cached {
                url,
                recognised: Some(what),
                error: None,
            },
            Err(e) => Cached {
                url,
                recognised: None,
                error: Some(e),
            },
        });
    }
    out
}
