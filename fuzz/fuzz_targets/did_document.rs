//! Untrusted DID documents (and key/controller documents) as `mcx trust import` and
//! `mcx did import` keep them: the verification methods and their relationships, every key
//! decoded (Multikey, JWK, base58), then the offline resolver on each method id for each
//! relationship. A JSON array is a set of documents cached together (a key document and
//! its controller's document).
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::did;
use serde_json::Value;

/// Bounds per input, so that one input costs a bounded number of resolutions.
const MAX_DOCS: usize = 8;
const MAX_IDS: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let docs: Vec<Value> = match v {
        Value::Array(a) => a.into_iter().take(MAX_DOCS).collect(),
        one => vec![one],
    };
    let mut cache = did::KeyCache::default();
    let mut ids: Vec<String> = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        // Cached under its own id as imported; without one, under the address it was
        // published at (its relative method ids are then read against that address).
        let at = match cache.insert(doc.clone()) {
            Ok(_) => None,
            Err(_) => {
                let at = format!("https://fuzz.example/doc/{i}");
                cache.insert_at(&at, doc.clone());
                Some(at)
            }
        };
        let mut push = |id: String| {
            if ids.len() < MAX_IDS {
                ids.push(id);
            }
        };
        for m in did::methods(doc) {
            let _ = m.key();
            let _ = (m.kind(), m.controller(), m.listed);
            for rel in did::RELATIONSHIPS {
                let _ = m.is_for(rel);
            }
            match &at {
                Some(at) if m.id.starts_with('#') => push(format!("{at}{}", m.id)),
                _ => push(m.id.clone()),
            }
        }
        for k in ["id", "controller"] {
            if let Some(s) = doc.get(k).and_then(Value::as_str) {
                push(s.to_string());
            }
        }
        if let Some(at) = at {
            push(at);
        }
    }
    let _ = (cache.len(), cache.is_empty());
    for id in &ids {
        for rel in did::RELATIONSHIPS {
            let _ = did::resolve_for(id, &cache, rel);
        }
        let _ = did::resolve(id, &cache);
        let _ = cache.get(id);
    }
});
