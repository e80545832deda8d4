//! Untrusted bytes through format detection, baked-image extraction and the view mapping.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bytes) = microcredx::formats::unwrap_container(data) {
        if let Ok(doc) = microcredx::formats::parse_document(&bytes) {
            let _ = microcredx::formats::view(&doc);
            let _ = microcredx::formats::embedded_credentials(&doc);
        }
    }
});
