//! Untrusted exchange messages (issue 19), without any network: offer links and offers
//! (OpenID4VCI §4.1), an issuer's credential configurations (§12.2.4), request links and
//! request objects (OpenID4VP §5) with the encryption key of direct_post.jwt (§8.3), and the
//! verifier check of the core on what they carry.
//! The input is read as text; links that name an address to fetch stop at the address check.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::did::KeyCache;
use microcredx::portfolio::verifier::{self, RequestParts};
use microcredx_exchange::vci::{self, OfferRef};
use microcredx_exchange::vp::{self, Request, RequestRef};
use serde_json::Value;

fn check_request(r: &Request) {
    let _ = r.client();
    let _ = vp::response_uri(r);
    // direct_post.jwt: the verifier's encryption key and content encryption, then an answer
    // encrypted for it.
    if let Ok(Some(recipient)) = vp::encryption(r) {
        let _ = recipient.encrypt(b"{}", r.param("nonce").map(str::as_bytes));
    }
    let parts = RequestParts {
        client_id: &r.client_id,
        params: &r.params,
        signed: r.signed_parts(),
    };
    let now = chrono::DateTime::from_timestamp(1_796_297_600, 0).unwrap_or_default();
    let _ = verifier::check(&parts, &KeyCache::default(), now);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(OfferRef::Value(offer)) = vci::parse_offer_link(text) {
        let _ = vci::check_offer(&offer);
    }
    // As issuer metadata: every configuration judged.
    if let Ok(meta) = serde_json::from_str::<Value>(text) {
        if let Some(configs) = meta
            .get("credential_configurations_supported")
            .and_then(Value::as_object)
        {
            for (id, config) in configs {
                let _ = vci::unsupported_reason(id, config);
            }
        }
    }
    if let Ok(RequestRef::Value(r)) = vp::parse_request_link(text) {
        check_request(&r);
    }
    if let Ok(r) = vp::request_object("decentralized_identifier:did:key:z6Mk", text) {
        check_request(&r);
    }
});
