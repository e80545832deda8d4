//! QR codes drawn as vector rectangles (no image encoding): one per credential (its id and
//! the SHA-256 digest of its signed original) and one for the whole portfolio (the digest of
//! the embedded presentation).

use super::layout::{colour, Writer};
use crate::{Error, Result};
use qrcode::{Color, EcLevel, QrCode};

/// The text a credential's QR code carries.
pub fn credential_payload(id: &str, original_sha256: &str) -> String {
    format!("MCX-CREDENTIAL id={id} sha256={original_sha256}")
}

/// The text the portfolio's QR code carries.
pub fn portfolio_payload(presentation_sha256: &str) -> String {
    format!("MCX-PORTFOLIO presentation.json sha256={presentation_sha256}")
}

/// Draw the QR code of `data` with its lower-left corner at (`x`, `y`), `size` points wide
/// (the quiet zone is left around it, outside `size`). Dark modules of a row are merged into
/// one rectangle.
pub fn draw(w: &mut Writer, data: &str, x: f32, y: f32, size: f32) -> Result<()> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| Error::BadInput(format!("cannot make a QR code of {data:?}: {e}")))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = size / n as f32;
    for (row, cells) in colors.chunks(n).enumerate() {
        let mut col = 0;
        while col < n {
            if cells[col] == Color::Dark {
                let start = col;
                while col < n && cells[col] == Color::Dark {
                    col += 1;
                }
                let top = y + size - (row as f32 + 1.0) * module;
                // A hair of overlap hides anti-aliasing seams between rows.
                w.rect(
                    x + start as f32 * module,
                    top - 0.02,
                    (col - start) as f32 * module,
                    module + 0.04,
                    colour::BLACK,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}
