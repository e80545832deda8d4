//! Untrusted SD-JWT VCs (compact `…~d1~…~[kb-jwt]` and the JSON serialisation): the
//! parser (disclosures, digests, recursion, decoys, limits) and the view, then the whole
//! offline verification twice: with no trust data, and with the trust files the reference
//! issuer published with the seeds (issuer metadata, status list token, type metadata), so
//! that inputs keeping the issuer's signature reach disclosures, key binding and status.
//!
//! The seeds and `sd_jwt_trust/` come from one run of
//! `node oid4vc.mjs sdjwt issue --out DIR --count 1` (fresh keys each run): regenerate both
//! together. `NOW` lies inside that run's status list token's validity.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::formats::{self, Envelope};
use microcredx::verify::{self, sdjwt, Env};
use serde_json::Value;
use std::sync::OnceLock;

const ISSUER_METADATA: &str = include_str!("sd_jwt_trust/jwt-vc-issuer.json");
const STATUS_LIST_TOKEN: &str = include_str!("sd_jwt_trust/status-list.jwt");
const TYPE_METADATA: &str = include_str!("sd_jwt_trust/type-metadata.json");
/// 2026-12-03T11:33:20Z: after the seeds' `iat`, before their status list token's `exp`.
const NOW: i64 = 1_796_297_600;

/// The Env `mcx trust import` builds from the three files (same cache keys, same forms: the
/// metadata as JSON, the token and the type metadata as their exact text).
fn trusted() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::default();
        if let Ok(meta) = serde_json::from_str::<Value>(ISSUER_METADATA) {
            if let Some(at) = meta
                .get("issuer")
                .and_then(Value::as_str)
                .and_then(sdjwt::jwt_vc_issuer_url)
            {
                env.proof.keys.insert_at(&at, meta.clone());
            }
        }
        let token = STATUS_LIST_TOKEN.trim();
        let sub = token
            .split('.')
            .nth(1)
            .and_then(b64url)
            .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
            .and_then(|p| p.get("sub").and_then(Value::as_str).map(str::to_string));
        if let Some(sub) = sub {
            env.proof
                .keys
                .insert_at(&sub, Value::String(token.to_string()));
        }
        let text = TYPE_METADATA.trim();
        if let Some(vct) = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|t| t.get("vct").and_then(Value::as_str).map(str::to_string))
        {
            env.proof.keys.insert_at(
                &sdjwt::type_metadata_key(&vct),
                Value::String(text.to_string()),
            );
        }
        env
    })
}

/// base64url without padding (trailing `=` tolerated).
fn b64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut n) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
            acc &= (1 << n) - 1;
        }
    }
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = formats::parse_document(data) else {
        return;
    };
    // Other formats have their own targets (parse_document, verify_bytes).
    if !matches!(doc.envelope, Envelope::SdJwt(_)) {
        return;
    }
    let _ = formats::view(&doc);
    let now = chrono::DateTime::from_timestamp(NOW, 0).unwrap_or_default();
    let _ = verify::verify_document(&doc, &Env::default(), now);
    let _ = verify::verify_document(&doc, trusted(), now);
});
