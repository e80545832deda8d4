//! QR codes for paper: each opens the verifier page (a credential's on that credential
//! alone, the portfolio's on the whole presentation when it fits), drawn as 1-bit images with
//! their quiet zone, at a module size a phone reads from a print.

use crate::{Error, Result};
use qrcode::{Color, EcLevel, QrCode};

/// The smallest module printed: 0.4 mm (4.7 pixels at 300 dpi), which phone cameras read
/// from paper at arm's length; denser codes are not printed.
pub const MIN_MODULE_PT: f32 = 0.4 / 25.4 * 72.0;
/// The white border a reader needs around a code, in modules.
pub const QUIET: usize = 4;

/// A QR code ready to print: its modules, quiet zone included, row by row from the top.
#[derive(Debug, Clone)]
pub struct Bitmap {
    /// Modules per side, quiet zone included.
    pub side: usize,
    /// Dark modules.
    pub dark: Vec<bool>,
}

impl Bitmap {
    /// The rows packed as a 1-bit DeviceGray image (0 black, 1 white; rows padded to bytes).
    pub fn packed(&self) -> Vec<u8> {
        let row_bytes = self.side.div_ceil(8);
        let mut out = vec![0xffu8; row_bytes * self.side];
        for (i, dark) in self.dark.iter().enumerate() {
            if *dark {
                let (r, c) = (i / self.side, i % self.side);
                out[r * row_bytes + c / 8] &= !(0x80 >> (c % 8));
            }
        }
        out
    }
}

/// The code of `data` and the width it prints at (quiet zone included): at least `min_pt`,
/// and no module under [`MIN_MODULE_PT`]; `None` when that would be wider than `max_pt` (too
/// much for a code that scans from paper) or `data` is too long for any QR code.
///
/// Encoded with `fast_qr`: a portfolio draws a code per credential, and `qrcode` took 6.6 ms
/// for each 1.5 KB link (most of a 100-credential PDF's time).
pub fn for_print(data: &str, min_pt: f32, max_pt: f32) -> Option<(Bitmap, f32)> {
    let code = fast_qr::QRBuilder::new(data.as_bytes())
        .ecl(fast_qr::ECL::L)
        .build()
        .ok()?;
    let n = code.size;
    let side = n + 2 * QUIET;
    let size = (side as f32 * MIN_MODULE_PT).max(min_pt);
    if size > max_pt {
        return None;
    }
    let mut dark = vec![false; side * side];
    for (i, m) in code.data.iter().take(n * n).enumerate() {
        if m.value() {
            dark[(i / n + QUIET) * side + i % n + QUIET] = true;
        }
    }
    Some((Bitmap { side, dark }, size))
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

/// Largest picture read for QR codes (pixels): a screenshot of a large screen.
const MAX_PIXELS: u64 = 40_000_000;

/// The texts of every QR code in a PNG picture (a screenshot, a saved offer), in the order
/// found. Refuses what is not a PNG, a picture too large, and one with no readable code.
pub fn decode_png(bytes: &[u8]) -> Result<Vec<String>> {
    let bad = |m: String| Error::BadInput(format!("the picture cannot be read: {m}"));
    let limits = png::Limits {
        bytes: 256 * 1024 * 1024,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(bad(format!(
            "it is {w}×{h} pixels, more than the wallet reads"
        )));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("it is too large".into()))?;
    let mut buf = vec![0; size];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(e.to_string()))?;
    let channels = frame.color_type.samples();
    let line = frame.line_size;
    let luma = |x: usize, y: usize| -> u8 {
        let px = &buf[y * line + x * channels..][..channels];
        let (v, alpha) = match channels {
            1 => (u32::from(px[0]), 255),
            2 => (u32::from(px[0]), u32::from(px[1])),
            3 => (
                (u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000,
                255,
            ),
            _ => (
                (u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000,
                u32::from(px[3]),
            ),
        };
        // Transparent pixels read as the white they show on.
        ((v * alpha + 255 * (255 - alpha)) / 255) as u8
    };
    let texts = decode_grey(frame.width as usize, frame.height as usize, luma, None);
    if texts.is_empty() {
        return Err(Error::BadInput(
            "no QR code could be read in the picture; try a sharper or larger one, or paste the link".into(),
        ));
    }
    Ok(texts)
}

/// The texts of every QR code in a greyscale picture of `width` × `height` (`luma(x, y)`, 0
/// black to 255 white): nearest `near` first (the pointer on a screen), else in the order
/// found. Empty when none reads.
pub fn decode_grey(
    width: usize,
    height: usize,
    luma: impl FnMut(usize, usize) -> u8,
    near: Option<(usize, usize)>,
) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    let mut found: Vec<(i128, String)> = img
        .detect_grids()
        .into_iter()
        .filter_map(|g| {
            let (cx, cy) = g.bounds.iter().fold((0i128, 0i128), |(x, y), p| {
                (x + i128::from(p.x), y + i128::from(p.y))
            });
            let distance = near.map_or(0, |(nx, ny)| {
                let at = |n: usize| i128::try_from(n).unwrap_or(i128::MAX / 4);
                let (dx, dy) = (cx / 4 - at(nx), cy / 4 - at(ny));
                dx.saturating_mul(dx).saturating_add(dy.saturating_mul(dy))
            });
            g.decode().ok().map(|(_, text)| (distance, text))
        })
        .collect();
    // Stable: codes equally near keep the order they were found in.
    found.sort_by_key(|(d, _)| *d);
    found.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod decode_tests {
    use super::*;

    #[test]
    fn a_qr_code_written_by_the_wallet_reads_back_and_junk_is_refused() {
        let link = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Foffer%2F1";
        let picture = png(link).unwrap();
        assert_eq!(decode_png(&picture).unwrap(), [link]);
        let e = decode_png(b"not a picture").unwrap_err();
        assert!(e.to_string().contains("cannot be read"), "{e}");
        // A white picture has no code.
        let mut out = Vec::new();
        {
            let mut enc = ::png::Encoder::new(&mut out, 64, 64);
            enc.set_color(::png::ColorType::Grayscale);
            enc.set_depth(::png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap();
            w.write_image_data(&[255u8; 64 * 64]).unwrap();
        }
        let e = decode_png(&out).unwrap_err();
        assert!(e.to_string().contains("no QR code"), "{e}");
    }

    /// Two codes side by side, as on a screen: the one nearer the pointer comes first.
    #[test]
    fn the_code_nearest_the_pointer_comes_first() {
        let (left, right) = (
            "openid4vp://?client_id=left",
            "openid4vp://?client_id=right",
        );
        let bitmap = |t: &str| for_print(t, 60.0, 60.0).unwrap().0;
        let (a, b) = (bitmap(left), bitmap(right));
        let scale = 6;
        let margin = 40;
        let side = a.side.max(b.side) * scale;
        let (w, h) = (2 * side + 3 * margin, side + 2 * margin);
        let pixel = |m: &Bitmap, x: usize, y: usize| {
            let (mx, my) = (x / scale, y / scale);
            if mx < m.side && my < m.side && m.dark[my * m.side + mx] {
                0
            } else {
                255
            }
        };
        let luma = |x: usize, y: usize| {
            if (margin..margin + side).contains(&y) && (margin..margin + side).contains(&x) {
                pixel(&a, x - margin, y - margin)
            } else if (margin..margin + side).contains(&y)
                && (2 * margin + side..2 * margin + 2 * side).contains(&x)
            {
                pixel(&b, x - 2 * margin - side, y - margin)
            } else {
                255
            }
        };
        let at_right = decode_grey(w, h, luma, Some((w - margin, h / 2)));
        assert_eq!(at_right, [right, left]);
        let at_left = decode_grey(w, h, luma, Some((margin, h / 2)));
        assert_eq!(at_left, [left, right]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod print_tests {
    #[test]
    fn a_printed_code_reads_back_as_its_link() {
        let link = format!(
            "https://verify.network.example/#vp={}",
            "xY7_-Qz3".repeat(180)
        );
        let (bitmap, size) = super::for_print(&link, 78.0, 180.0).unwrap();
        assert!(size <= 180.0);
        let scale = 4;
        let side = bitmap.side * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            if bitmap.dark[(y / scale) * bitmap.side + x / scale] {
                0
            } else {
                255
            }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, text) = grids[0].decode().unwrap();
        assert_eq!(text, link);
        assert!(
            super::for_print(&"x".repeat(3000), 78.0, 180.0).is_none(),
            "too dense for paper"
        );
    }
}
