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

/// A QR code of `data` as a PNG image (8 pixels a module, a 4-module quiet zone), for links
/// that are shown on a screen or printed.
pub fn png(data: &str) -> Result<Vec<u8>> {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::L)
        .map_err(|e| Error::BadInput(format!("cannot make a QR code of this link: {e}")))?;
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c != Color::Dark {
            continue;
        }
        let (row, col) = (i / n + QUIET, i % n + QUIET);
        for y in row * SCALE..(row + 1) * SCALE {
            pixels[y * side + col * SCALE..y * side + (col + 1) * SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
        .map_err(|e| Error::Internal(format!("encoding the QR code as PNG: {e}")))?;
    Ok(out)
}
