//! Untrusted JSON through JSON-LD expansion, toRdf and RDFC-1.0, and JCS.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let loader = microcredx::proof::contexts::ContextLoader::bundled();
        let _ = microcredx::proof::jsonld::canonicalize(&v, &loader);
        let _ = microcredx::proof::jcs::canonicalize(&v);
    }
});
