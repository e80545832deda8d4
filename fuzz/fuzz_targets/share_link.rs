//! Untrusted share links and fragments (`…#vp=…`, `vp=…`): base64url, the DEFLATE bound
//! (bombs), then the presentation inside parsed and mapped; a presentation that fits in a
//! link must come back byte for byte from the link the wallet would make for it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::formats;
use microcredx::portfolio::link;

/// Re-encoding costs a best-compression DEFLATE pass: only for presentations that could be
/// in a link at all (a link holds at most 64 KiB of base64url).
const ROUND_TRIP_MAX: usize = 256 * 1024;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = link::is_link(text);
    let _ = link::check_qr_size(text);
    let Ok(vp) = link::decode_link(text) else {
        return;
    };
    if let Ok(doc) = formats::parse_document(&vp) {
        let _ = formats::view(&doc);
    }
    if vp.len() <= ROUND_TRIP_MAX {
        if let Ok(again) = link::encode_link("https://verify.example/page.html#old", &vp) {
            let back = link::decode_link(&again).ok();
            assert_eq!(
                back.as_deref(),
                Some(vp.as_slice()),
                "a link made by encode_link does not decode to its presentation"
            );
        }
    }
});
