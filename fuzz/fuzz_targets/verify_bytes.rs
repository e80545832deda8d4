//! Untrusted bytes through the whole verification (proofs, JSON-LD, dates, status).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let _ = microcredx::verify::verify_bytes(data, &microcredx::verify::Env::default(), now);
});
