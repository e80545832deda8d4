//! The offline JSON-LD context loader: every context the wallet knows is bundled in the
//! binary (`assets/contexts/`, see its README for sources and licences) and parsed once,
//! lazily. Callers may add documents the wallet has cached itself with
//! [`ContextLoader::with_extra`]. This module never touches the network, and an unknown URL
//! is reported as [`JsonLdError::UnknownContext`], never guessed.

use crate::proof::jsonld::JsonLdError;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The bundled contexts: URL and the document's text (the same mapping as `contexts.json`).
static BUNDLED: [(&str, &str); 38] = [
    ("http://data.europa.eu/snb/model/context/edc-ap", include_str!("../../assets/contexts/data_europa_eu_snb_model_context_edc_ap.json")),
    ("https://imsglobal.github.io/openbadges-specification/ob_v3p0.html", include_str!("../../assets/contexts/imsglobal_github_io_openbadges_specification_ob_v3p0_html.json")),
    ("https://openbadgespec.org/v2/context.json", include_str!("../../assets/contexts/openbadgespec_org_v2_context_json.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_clr_v2p0_context_2_0_1_json.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_clr_v2p0_context_json.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_ob_v3p0_context_3_0_1_json.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_ob_v3p0_context_3_0_2_json.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_ob_v3p0_context_3_0_3_json.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_ob_v3p0_context_json.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", include_str!("../../assets/contexts/purl_imsglobal_org_spec_ob_v3p0_extensions_json.json")),
    ("https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json", include_str!("../../assets/contexts/w3c_ccg_github_io_vc_ed_plugfest_1_2022_jff_vc_edu_plugfest_1_context_json.json")),
    ("https://w3id.org/blockcerts/schema/3.0/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3.json")),
    ("https://w3id.org/blockcerts/schema/3.1/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_1.json")),
    ("https://w3id.org/blockcerts/schema/3.2/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_2.json")),
    ("https://w3id.org/blockcerts/v3", include_str!("../../assets/contexts/w3id_org_blockcerts_v3.json")),
    ("https://w3id.org/blockcerts/v3.1", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_1.json")),
    ("https://w3id.org/blockcerts/v3.2", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_2.json")),
    ("https://w3id.org/citizenship/v4rc1", include_str!("../../assets/contexts/w3id_org_citizenship_v4rc1.json")),
    ("https://w3id.org/openbadges/extensions/applyLinkExtension/context.json", include_str!("../../assets/contexts/w3id_org_openbadges_extensions_applyLinkExtension_context_json.json")),
    ("https://w3id.org/openbadges/extensions/exampleExtension/context.json", include_str!("../../assets/contexts/w3id_org_openbadges_extensions_exampleExtension_context_json.json")),
    ("https://w3id.org/openbadges/v2", include_str!("../../assets/contexts/w3id_org_openbadges_v2.json")),
    ("https://w3id.org/security/data-integrity/v1", include_str!("../../assets/contexts/w3id_org_security_data_integrity_v1.json")),
    ("https://w3id.org/security/data-integrity/v2", include_str!("../../assets/contexts/w3id_org_security_data_integrity_v2.json")),
    ("https://w3id.org/security/multikey/v1", include_str!("../../assets/contexts/w3id_org_security_multikey_v1.json")),
    ("https://w3id.org/security/suites/ed25519-2020/v1", include_str!("../../assets/contexts/w3id_org_security_suites_ed25519_2020_v1.json")),
    ("https://w3id.org/security/suites/merkle-2019/v1", include_str!("../../assets/contexts/w3id_org_security_suites_merkle_2019_v1.json")),
    ("https://w3id.org/security/v1", include_str!("../../assets/contexts/w3id_org_security_v1.json")),
    ("https://w3id.org/security/v2", include_str!("../../assets/contexts/w3id_org_security_v2.json")),
    ("https://w3id.org/vc/status-list/2021/v1", include_str!("../../assets/contexts/w3id_org_vc_status_list_2021_v1.json")),
    ("https://www.blockcerts.org/schema/3.0/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3.json")),
    ("https://www.blockcerts.org/schema/3.1/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_1.json")),
    ("https://www.blockcerts.org/schema/3.2/context.json", include_str!("../../assets/contexts/w3id_org_blockcerts_v3_2.json")),
    ("https://www.w3.org/2018/credentials/v1", include_str!("../../assets/contexts/www_w3_org_2018_credentials_v1.json")),
    ("https://www.w3.org/ns/credentials/examples/v2", include_str!("../../assets/contexts/www_w3_org_ns_credentials_examples_v2.json")),
    ("https://www.w3.org/ns/credentials/status/v1", include_str!("../../assets/contexts/www_w3_org_ns_credentials_status_v1.json")),
    ("https://www.w3.org/ns/credentials/undefined-terms/v2", include_str!("../../assets/contexts/www_w3_org_ns_credentials_undefined_terms_v2.json")),
    ("https://www.w3.org/ns/credentials/v2", include_str!("../../assets/contexts/www_w3_org_ns_credentials_v2.json")),
    ("https://www.w3.org/ns/did/v1", include_str!("../../assets/contexts/www_w3_org_ns_did_v1.json")),
];

/// Parsed bundled documents, one slot per [`BUNDLED`] entry, filled on first use.
static PARSED: [OnceLock<Option<Arc<Value>>>; 38] = [const { OnceLock::new() }; 38];

/// Resolves context URLs to parsed context documents, from the bundled set first and then
/// from documents the wallet cached itself. Cloning is cheap.
#[derive(Debug, Clone, Default)]
pub struct ContextLoader {
    /// Extra documents by URL.
    extra: Arc<BTreeMap<String, Arc<Value>>>,
    /// SHA-256 over the extra documents (all zero when there are none); part of the
    /// processed-context cache key, so loaders with different extras never share results.
    fingerprint: [u8; 32],
}

impl ContextLoader {
    /// A loader that knows only the bundled contexts.
    pub fn bundled() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a cached context document for `url`. A bundled URL cannot be
    /// overridden: the bundled copy always wins, so a poisoned cache cannot change the
    /// meaning of the standard contexts.
    pub fn with_extra(mut self, url: &str, doc: Value) -> Self {
        let mut map = (*self.extra).clone();
        map.insert(url.to_owned(), Arc::new(doc));
        let mut h = Sha256::new();
        for (u, d) in &map {
            h.update(u.as_bytes());
            h.update([0u8]);
            h.update(d.to_string().as_bytes());
            h.update([0u8]);
        }
        self.fingerprint = h.finalize().into();
        self.extra = Arc::new(map);
        self
    }

    /// The URLs of every bundled context.
    pub fn bundled_urls() -> impl Iterator<Item = &'static str> {
        BUNDLED.iter().map(|(u, _)| *u)
    }

    /// Whether `url` can be resolved by this loader.
    pub fn knows(&self, url: &str) -> bool {
        BUNDLED.iter().any(|(u, _)| *u == url) || self.extra.contains_key(url)
    }

    /// The whole context document (an object with an `@context` entry) for `url`.
    pub fn load(&self, url: &str) -> Result<Arc<Value>, JsonLdError> {
        if let Some(i) = BUNDLED.iter().position(|(u, _)| *u == url) {
            let parsed = PARSED[i].get_or_init(|| {
                serde_json::from_str::<Value>(BUNDLED[i].1)
                    .ok()
                    .map(Arc::new)
            });
            return parsed.clone().ok_or_else(|| {
                JsonLdError::Invalid(format!("bundled context {url} is not valid JSON"))
            });
        }
        self.extra
            .get(url)
            .cloned()
            .ok_or_else(|| JsonLdError::UnknownContext(url.to_owned()))
    }

    /// Identifies the set of documents this loader serves (for caching processed contexts).
    pub(crate) fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_parses_and_matches_index() {
        let index: BTreeMap<String, String> =
            serde_json::from_str(include_str!("../../assets/contexts/contexts.json")).unwrap();
        assert_eq!(index.len(), BUNDLED.len());
        let loader = ContextLoader::bundled();
        for url in ContextLoader::bundled_urls() {
            assert!(index.contains_key(url), "{url} missing from contexts.json");
            let doc = loader.load(url).unwrap();
            assert!(doc.get("@context").is_some(), "{url} has no @context");
        }
    }

    #[test]
    fn unknown_and_extra_contexts() {
        let loader = ContextLoader::bundled();
        assert!(matches!(
            loader.load("https://example.org/nope"),
            Err(JsonLdError::UnknownContext(u)) if u == "https://example.org/nope"
        ));
        let extra = loader.with_extra(
            "https://example.org/ctx",
            serde_json::json!({"@context": {"x": "https://example.org/x"}}),
        );
        assert!(extra.knows("https://example.org/ctx"));
        assert_ne!(extra.fingerprint(), [0u8; 32]);
        assert!(extra.load("https://example.org/ctx").is_ok());
    }
}
