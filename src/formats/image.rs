//! Badge images inside credentials, kept only when the webview can show them safely: a
//! `data:` URI (never a URL, so opening a credential never tells anyone), base64, at most
//! [`MAX_IMAGE`] bytes, whose bytes really are a PNG, JPEG, GIF or WebP image, or an SVG image
//! with no script, no event handler, no foreign object, no entity and no reference outside
//! itself. Anything else is dropped (the credential still shows, without its image). The
//! kept image is re-encoded from its bytes, so nothing of the original URI but them survives.

use base64::Engine;
use serde_json::Value;

/// Largest image kept, in bytes once decoded.
pub const MAX_IMAGE: usize = 256 * 1024;

/// The first safe image among the `image` properties of `nodes` (a string, or an `Image`
/// object's `id`, as Open Badges 2.0 and 3.0 write it).
pub(crate) fn first_image(nodes: &[&Value]) -> Option<String> {
    nodes
        .iter()
        .filter_map(|n| n.get("image"))
        .filter_map(|i| i.as_str().or_else(|| i.get("id").and_then(Value::as_str)))
        .find_map(safe_data_uri)
}

/// A safe `data:` URI for `value`, or `None`.
pub(crate) fn safe_data_uri(value: &str) -> Option<String> {
    let rest = value
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("data:"))
        .map(|_| &value[5..])?;
    let (header, payload) = rest.split_once(',')?;
    let mut parts = header.split(';');
    let mime = parts.next()?.trim().to_ascii_lowercase();
    if !parts.any(|p| p.trim().eq_ignore_ascii_case("base64")) {
        return None;
    }
    // Base64 needs 4 characters for 3 bytes: refuse before decoding anything too large.
    if payload.len() > MAX_IMAGE / 3 * 4 + 4 {
        return None;
    }
    let compact: String = payload
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    let kind = match mime.as_str() {
        "image/png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => "image/png",
        "image/jpeg" | "image/jpg" if bytes.starts_with(&[0xff, 0xd8, 0xff]) => "image/jpeg",
        "image/gif" if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") => "image/gif",
        "image/webp" if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" => {
            "image/webp"
        }
        "image/svg+xml" if safe_svg(&bytes) => "image/svg+xml",
        _ => return None,
    };
    Some(format!(
        "data:{kind};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

/// An SVG document with nothing active and nothing outside itself.
fn safe_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    if !lower.contains("<svg") {
        return false;
    }
    const FORBIDDEN: [&str; 9] = [
        "<script",
        "<foreignobject",
        "<!entity",
        "<!doctype",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "@import",
    ];
    if FORBIDDEN.iter().any(|f| lower.contains(f)) {
        return false;
    }
    // No event handler attributes (onload=, onclick=, …): " on" + letters + optional spaces + "=".
    let b = lower.as_bytes();
    for (i, _) in lower.match_indices("on") {
        let before = i.checked_sub(1).map(|j| b[j]);
        if !matches!(
            before,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\'')
        ) {
            continue;
        }
        let mut j = i + 2;
        let start = j;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j > start && b.get(j) == Some(&b'=') {
            return false;
        }
    }
    // References only inside the document (`#id`): `href` and `url(` values.
    for (i, _) in lower.match_indices("href") {
        let mut j = i + 4;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'"' || b[j] == b'\'') {
            j += 1;
        }
        if b.get(j) != Some(&b'#') {
            return false;
        }
    }
    for (i, _) in lower.match_indices("url(") {
        let mut j = i + 4;
        while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'"' || b[j] == b'\'') {
            j += 1;
        }
        if b.get(j) != Some(&b'#') {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(mime: &str, bytes: &[u8]) -> String {
        format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>"##;

    #[test]
    fn keeps_real_raster_images_and_plain_svg() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            safe_data_uri(&uri("image/png", png)),
            Some(uri("image/png", png))
        );
        assert!(safe_data_uri(&uri("image/jpeg", &[0xff, 0xd8, 0xff, 0xe0])).is_some());
        assert!(safe_data_uri(&uri("image/gif", b"GIF89a....")).is_some());
        assert!(safe_data_uri(&uri("image/svg+xml", SVG.as_bytes())).is_some());
        // Parameters and case in the header do not matter; the result is re-encoded.
        let odd = format!(
            "DATA:image/PNG;name=x;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        assert_eq!(safe_data_uri(&odd), Some(uri("image/png", png)));
    }

    #[test]
    fn drops_urls_lies_and_active_svg() {
        for bad in [
            "https://issuer.example/badge.png".to_string(),
            "data:image/png,not-base64".to_string(),
            uri("image/png", b"<svg onload=alert(1)>"),
            uri("text/html", b"<script>alert(1)</script>"),
            uri("image/svg+xml", b"<svg><script>alert(1)</script></svg>"),
            uri("image/svg+xml", b"<svg onload='alert(1)'/>"),
            uri(
                "image/svg+xml",
                b"<svg><a href=\"javascript:alert(1)\">x</a></svg>",
            ),
            uri(
                "image/svg+xml",
                b"<svg><image href=\"https://tracker.example/p.png\"/></svg>",
            ),
            uri(
                "image/svg+xml",
                b"<svg><foreignObject><div/></foreignObject></svg>",
            ),
            uri(
                "image/svg+xml",
                b"<svg style=\"background:url(https://t.example/x)\"/>",
            ),
            uri("image/png", &vec![0x89; MAX_IMAGE + 10]),
        ] {
            assert_eq!(safe_data_uri(&bad), None, "{}", &bad[..bad.len().min(80)]);
        }
    }
}
