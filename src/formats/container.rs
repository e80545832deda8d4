//! Extracting a credential baked into a badge image (Open Badges 3.0 §5.3 "Baking"; OB 2.0
//! baking): a PNG `iTXt` (or, from early bakers, `tEXt`) chunk with keyword `openbadgecredential` (OB 3.0) or `openbadges`
//! (OB 2.0), or an SVG `<openbadges:credential>` / `<openbadges:assertion>` element
//! (content in CDATA, or the JWT in a `verify` attribute).
//!
//! Only extracts bytes; the result still goes through [`super::parse_document`]. Must not
//! decode image pixels or follow URLs.

use super::MAX_DOCUMENT_BYTES;
use crate::Error;
use std::io::Read;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// If `bytes` is a PNG or SVG badge, the credential baked into it; otherwise `bytes`
/// unchanged. A PNG/SVG without a baked credential (or with a damaged one) is a
/// [`Error::BadInput`].
pub fn unwrap_container(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    match image_kind(bytes) {
        Some(ImageKind::Png) => png_credential(bytes),
        Some(ImageKind::Svg) => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Error::BadInput(format!(
                    "an SVG image that is not UTF-8 at byte {}",
                    e.valid_up_to()
                ))
            })?;
            svg_credential(text)
        }
        None => Ok(bytes.to_vec()),
    }
}

/// The badge images [`unwrap_container`] looks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageKind {
    Png,
    Svg,
}

impl ImageKind {
    /// How an error message names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG image",
            ImageKind::Svg => "SVG image",
        }
    }
}

/// Which badge image `bytes` is, if any: a PNG by its signature, an SVG by its first 4 KiB.
pub(crate) fn image_kind(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        return Some(ImageKind::Png);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head_text = String::from_utf8_lossy(head);
    let trimmed = head_text.trim_start_matches('\u{feff}').trim_start();
    (trimmed.starts_with('<') && (head_text.contains("<svg") || head_text.contains("<?xml")))
        .then_some(ImageKind::Svg)
}

fn png_credential(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let mut pos = PNG_SIGNATURE.len();
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
            as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let start = pos + 8;
        let end = start
            .checked_add(len)
            .filter(|e| *e <= bytes.len())
            .ok_or_else(|| Error::BadInput("a PNG image with a truncated chunk".into()))?;
        let found = match kind {
            b"iTXt" => itxt(&bytes[start..end])?,
            b"tEXt" => text_chunk(&bytes[start..end]),
            _ => None,
        };
        if let Some(found) = found {
            return baked_value(found);
        }
        if kind == b"IEND" {
            break;
        }
        pos = end + 4; // skip the CRC
    }
    Err(Error::BadInput(
        "a PNG image with no baked credential (no `openbadgecredential` or `openbadges` text chunk)".into(),
    ))
}

/// A tEXt chunk (PNG §11.3.4.3): keyword NUL Latin-1 text. Early Open Badges bakers used it
/// with the keyword `openbadges`.
fn text_chunk(data: &[u8]) -> Option<Vec<u8>> {
    let k_end = data.iter().position(|b| *b == 0)?;
    let keyword = &data[..k_end];
    if keyword != b"openbadgecredential" && keyword != b"openbadges" {
        return None;
    }
    let text = &data[k_end + 1..];
    // Latin-1 to UTF-8 (credentials are ASCII JSON or JWTs in practice).
    Some(
        text.iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .into_bytes(),
    )
}

/// A baked value that is only the address of a hosted assertion (OB 1.x/2.0 baking) is
/// refused with a reason: the assertion itself is not in the image.
fn baked_value(found: Vec<u8>) -> Result<Vec<u8>, Error> {
    let head = String::from_utf8_lossy(&found[..found.len().min(16)]).to_string();
    let t = head.trim_start();
    if t.starts_with("https://") || t.starts_with("http://") {
        let url = String::from_utf8_lossy(&found).trim().to_string();
        return Err(Error::BadInput(format!(
            "a badge image baked with only the address of its hosted assertion ({url}): the assertion is not in the image and cannot be fetched offline"
        )));
    }
    Ok(found)
}

/// An iTXt chunk (PNG §11.3.4.5): keyword NUL flag method language NUL translated NUL text.
fn itxt(data: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let Some(k_end) = data.iter().position(|b| *b == 0) else {
        return Ok(None);
    };
    let keyword = &data[..k_end];
    if keyword != b"openbadgecredential" && keyword != b"openbadges" {
        return Ok(None);
    }
    let rest = &data[k_end + 1..];
    let (Some(&compressed), Some(_method)) = (rest.first(), rest.get(1)) else {
        return Err(Error::BadInput(
            "a PNG badge with a truncated iTXt chunk".into(),
        ));
    };
    let rest = &rest[2..];
    let lang_end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    let rest = rest.get(lang_end + 1..).unwrap_or_default();
    let tr_end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    let text = rest.get(tr_end + 1..).unwrap_or_default();
    if compressed == 1 {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(text)
            .take(MAX_DOCUMENT_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                Error::BadInput(format!(
                    "a PNG badge whose compressed credential is damaged: {e}"
                ))
            })?;
        return Ok(Some(out));
    }
    Ok(Some(text.to_vec()))
}

fn svg_credential(text: &str) -> Result<Vec<u8>, Error> {
    for tag in ["openbadges:credential", "openbadges:assertion"] {
        let Some(open) = text.find(&format!("<{tag}")) else {
            continue;
        };
        let after = &text[open + tag.len() + 1..];
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        // OB 2.0: `verify` holds the JWS of a signed assertion, or the URL of a hosted one
        // (whose JSON is then the element's content).
        let verify = attribute(attrs, "verify");
        if let Some(v) = verify.as_ref().filter(|v| !v.contains("://")) {
            return Ok(v.clone().into_bytes());
        }
        let hosted_only = || match &verify {
            Some(url) => baked_value(url.clone().into_bytes()),
            None => Err(Error::BadInput(format!(
                "an SVG image whose <{tag}> element is empty"
            ))),
        };
        if attrs.trim_end().ends_with('/') {
            return hosted_only();
        }
        let body = &after[gt + 1..];
        let Some(close) = body.find(&format!("</{tag}")) else {
            break;
        };
        let mut inner = body[..close].trim();
        if let Some(cdata) = inner.strip_prefix("<![CDATA[") {
            inner = cdata.strip_suffix("]]>").unwrap_or(cdata).trim();
        }
        if !inner.is_empty() {
            return baked_value(inner.as_bytes().to_vec());
        }
        return hosted_only();
    }
    Err(Error::BadInput(
        "an SVG image with no baked credential (no `<openbadges:credential>` element)".into(),
    ))
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let i = attrs.find(&key)?;
    let rest = &attrs[i + key.len()..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    Some(rest[..end].trim().to_string())
}
