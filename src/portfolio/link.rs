//! Share links: `<verifier page>#vp=<base64url(DEFLATE(presentation))>`. The fragment never
//! reaches a server, so the presentation travels inside the link itself and the page verifies
//! it in the browser. Links and QR codes have practical limits; past them the learner is told
//! to share the file instead.

use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use std::io::{Read, Write};

/// The fragment key that carries the presentation.
pub const FRAGMENT_KEY: &str = "vp=";
/// How the presentation's part starts inside a whole link.
const FRAGMENT_MARK: &str = "#vp=";
/// The longest link we hand out. Browsers accept far longer URLs (Chromium 2 MB), but mail
/// and chat programs cut or refuse links well before that; 64 KiB still opens everywhere we
/// tried, and a presentation that needs more is better shared as a file.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The most characters a QR code can hold in byte mode (version 40, error correction L).
pub const MAX_QR_CHARS: usize = 2953;
/// The largest presentation a link may expand to (a bound against decompression bombs).
const MAX_PRESENTATION_BYTES: u64 = 16 * 1024 * 1024;

/// The share link for a presentation's bytes, or an error that says it is too large.
pub fn encode_link(base: &str, presentation: &[u8]) -> Result<String> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(presentation)
        .and_then(|_| enc.finish())
        .map_err(|e| Error::Internal(format!("compressing the presentation: {e}")))
        .map(|packed| {
            let base = base.split('#').next().unwrap_or(base);
            format!("{base}#{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(packed))
        })
        .and_then(|link| {
            if link.len() > MAX_LINK_CHARS {
                Err(Error::BadInput(format!(
                    "the presentation is too large for a link ({} characters, at most {MAX_LINK_CHARS}); share the PDF or the presentation file instead, or choose fewer credentials",
                    link.len()
                )))
            } else {
                Ok(link)
            }
        })
}

/// The address of the verifier page shipped beside the program: next to the executable (where
/// `scripts/build-verifier` puts it for the programs built from source) or in
/// `../share/microcredx-wallet/` of an installed package. `None` when there is none; then the
/// learner must give the address where the page is hosted.
///
/// No path of the source tree is compiled in: a build cached from another checkout would point
/// at that checkout's page.
#[cfg(feature = "wallet")]
pub fn default_verifier_url() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [
        dir.join("verifier.html"),
        dir.join("../share/microcredx-wallet/verifier.html"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .and_then(|p| p.canonicalize().ok())
    .map(|p| format!("file://{}", p.display()))
}

/// Whether a link fits in a QR code; the error says why not and what to do.
pub fn check_qr_size(link: &str) -> Result<()> {
    if link.len() > MAX_QR_CHARS {
        return Err(Error::BadInput(format!(
            "the link is too long for a QR code ({} characters, a QR code holds at most {MAX_QR_CHARS}); share the link itself, the PDF or the presentation file, or choose fewer credentials",
            link.len()
        )));
    }
    Ok(())
}

/// Whether some text is a share link or its fragment: one token (a JSON or XML document that
/// merely mentions `#vp=` somewhere is not a link).
pub fn is_link(text: &str) -> bool {
    let t = text.trim();
    if t.starts_with(['{', '[', '<']) || t.contains(char::is_whitespace) {
        return false;
    }
    t.starts_with(FRAGMENT_KEY) || t.contains(FRAGMENT_MARK)
}

/// The presentation's bytes from a share link, its fragment (`#vp=…` or `vp=…`).
pub fn decode_link(text: &str) -> Result<Vec<u8>> {
    let t = text.trim();
    let fragment = t.rsplit_once('#').map_or(t, |(_, f)| f);
    let payload = fragment
        .split('&')
        .find_map(|p| p.strip_prefix(FRAGMENT_KEY))
        .ok_or_else(|| {
            Error::BadInput("this link carries no presentation (no \"#vp=\" part)".into())
        })?;
    let packed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| {
            Error::BadInput(format!(
                "the link is damaged: its presentation is not base64url ({e}); was it cut off when copied?"
            ))
        })?;
    let mut out = Vec::new();
    DeflateDecoder::new(packed.as_slice())
        .take(MAX_PRESENTATION_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            Error::BadInput(format!(
                "the link is damaged: its presentation does not decompress ({e}); was it cut off when copied?"
            ))
        })?;
    if out.len() as u64 > MAX_PRESENTATION_BYTES {
        return Err(Error::BadInput(
            "the link's presentation expands to more than 16 MiB; refused".into(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let vp = br#"{"type":"VerifiablePresentation","x":"caf\u00e9 \u00fc"}"#;
        let link = encode_link("https://verify.example/page.html#old", vp).unwrap();
        assert!(link.starts_with("https://verify.example/page.html#vp="));
        assert!(is_link(&link));
        assert!(
            !is_link(r#"{"id": "https://x.example/#vp=1"}"#),
            "JSON is not a link"
        );
        assert_eq!(decode_link(&link).unwrap(), vp);
        let fragment = link.split('#').nth(1).unwrap();
        assert_eq!(decode_link(fragment).unwrap(), vp);
        let cut = &link[..link.len() - 6];
        let err = decode_link(cut).unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
        let err = decode_link("https://x.example/#other=1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no presentation"), "{err}");
    }

    #[test]
    fn too_large_for_a_link_or_a_qr_code() {
        // Incompressible bytes: pseudo-random.
        let mut x = 0x2545_f491_u32;
        let noise: Vec<u8> = (0..60_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x & 0xff) as u8
            })
            .collect();
        let err = encode_link("https://v.example/", &noise)
            .unwrap_err()
            .to_string();
        assert!(err.contains("too large for a link"), "{err}");
        let link = encode_link("https://v.example/", &noise[..3000]).unwrap();
        let err = check_qr_size(&link).unwrap_err().to_string();
        assert!(err.contains("too long for a QR code"), "{err}");
        assert!(check_qr_size(&encode_link("https://v.example/", b"{}").unwrap()).is_ok());
    }

    #[test]
    fn decompression_bomb_refused() {
        let zeros = vec![0u8; 17 * 1024 * 1024];
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&zeros).unwrap();
        let packed = enc.finish().unwrap();
        let link = format!("#vp={}", URL_SAFE_NO_PAD.encode(packed));
        let err = decode_link(&link).unwrap_err().to_string();
        assert!(err.contains("16 MiB"), "{err}");
    }
}
