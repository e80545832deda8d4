//! Untrusted status lists as the wallet imports and reads them: W3C Bitstring Status List
//! (and StatusList2021) credentials through `StatusCache::insert` and `check_with` (GZIP,
//! the 16 MiB bound, indexes at and past the end), and IETF Token Status Lists through
//! `token_status` on the `status_list` member of a status list token (a compact JWT, or its
//! payload as JSON), zlib bombs included. Signatures are not in scope: the list is believed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::verify::{sdjwt, StatusCache};
use serde_json::{json, Value};

/// The address a list is also cached under (as `mcx trust import --url` does).
const AT: &str = "https://status.fuzz.example/lists/1";
/// Bounds per input: every check inflates its list again.
const MAX_DOCS: usize = 4;
const MAX_ENTRIES: usize = 4;

fn believe(_: &str, _: &Value, _: &str) -> Result<(), String> {
    Ok(())
}

fn disbelieve(_: &str, _: &Value, _: &str) -> Result<(), String> {
    Err("its proof does not verify".into())
}

/// The entries of a `credentialStatus` (one object or a list).
fn entries(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().take(MAX_ENTRIES).collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

fn bitstring(docs: &[Value]) {
    let mut cache = StatusCache::default();
    for d in docs {
        let _ = cache.insert(d.clone(), None);
    }
    if let Some(first) = docs.first() {
        let _ = cache.insert(first.clone(), Some(AT));
    }
    let _ = (cache.len(), cache.is_empty(), cache.get(AT));
    // The entries the documents carry (a credential beside its list).
    for d in docs {
        for e in entries(d.get("credentialStatus")) {
            let _ = cache.check_with(e, &believe);
        }
    }
    if cache.get(AT).is_none() {
        return;
    }
    for (ty, index) in [
        ("BitstringStatusListEntry", json!(0)),
        ("StatusList2021Entry", json!("131071")),
        ("BitstringStatusListEntry", json!(u64::MAX)),
    ] {
        let entry = json!({
            "type": ty,
            "statusPurpose": "revocation",
            "statusListCredential": AT,
            "statusListIndex": index,
        });
        let _ = cache.check_with(&entry, &believe);
    }
    let entry = json!({"type": "BitstringStatusListEntry", "statusListCredential": AT, "statusListIndex": 1});
    let _ = cache.check_with(&entry, &disbelieve);
}

/// A Token Status List (`{"bits", "lst"}`): the entry the import reads, then entries around
/// the end of the inflated list.
fn token_list(list: &Value) {
    let _ = sdjwt::token_status(list, 0);
    if let Ok((bits, bytes)) = sdjwt::inflate_status_list(list) {
        let bits = bits.max(1);
        let n = (bytes.len() as u64).saturating_mul(8) / bits;
        for idx in [1, n.saturating_sub(1), n, u64::MAX / bits, u64::MAX] {
            let _ = sdjwt::entry_of(bits, &bytes, idx);
        }
    }
}

/// base64url without padding (trailing `=` tolerated), as JWT segments are written.
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

/// The payload of a compact JWT (the signature is not checked here).
fn jwt_payload(text: &str) -> Option<Value> {
    let parts: Vec<&str> = text.split('.').collect();
    let [_, payload, _] = parts.as_slice() else {
        return None;
    };
    serde_json::from_slice(&b64url(payload)?).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.trim();
    if text.starts_with('{') || text.starts_with('[') {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let docs: Vec<Value> = match v {
            Value::Array(a) => a.into_iter().take(MAX_DOCS).collect(),
            one => vec![one],
        };
        bitstring(&docs);
        for d in &docs {
            // A token's payload, or its `status_list` member itself.
            if let Some(list) = d.get("status_list") {
                token_list(list);
            } else if d.get("lst").is_some() {
                token_list(d);
            }
        }
    } else if let Some(payload) = jwt_payload(text) {
        if let Some(list) = payload.get("status_list") {
            token_list(list);
        }
    }
});
