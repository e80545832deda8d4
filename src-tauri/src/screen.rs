//! Reading a QR code off the screen, under the pointer: the part of the screen around the
//! pointer is taken from the X server (the X11 protocol through `x11rb`; on a Wayland desktop,
//! through XWayland, which shows only X11 windows) and read by the core's QR decoder, the code
//! nearest the pointer first. Nothing is kept.

use microcredx::Error;

/// How far around the pointer the screen is read (pixels each way): a code on a phone-sized
/// picture or a web page fits, and the picture stays small to read.
const REACH: i32 = 450;

/// Whether the desktop is a Wayland one, where the X server (XWayland) shows X11 windows only.
pub fn on_wayland() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// A greyscale part of the screen, with the pointer's place in it.
pub struct Around {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
    pub pointer: (usize, usize),
}

#[cfg(target_os = "linux")]
pub fn around_pointer() -> Result<Around, Error> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, ImageOrder};

    let wayland_only =
        std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_some();
    if wayland_only {
        return Err(Error::BadInput("this desktop (Wayland, without X11) does not let the wallet read the screen; take a screenshot and choose it as a picture".into()));
    }
    let (conn, n) = x11rb::connect(None)
        .map_err(|e| Error::BadInput(format!("the screen cannot be read (no X11 display: {e}); take a screenshot and choose it as a picture")))?;
    let failed =
        |e: &dyn std::fmt::Display| Error::Internal(format!("the screen could not be read: {e}"));
    let setup = conn.setup();
    let screen = setup
        .roots
        .get(n)
        .ok_or_else(|| failed(&"no such screen"))?;
    let pointer = conn
        .query_pointer(screen.root)
        .map_err(|e| failed(&e))?
        .reply()
        .map_err(|e| failed(&e))?;
    let (sw, sh) = (
        i32::from(screen.width_in_pixels),
        i32::from(screen.height_in_pixels),
    );
    let (px, py) = (i32::from(pointer.root_x), i32::from(pointer.root_y));
    let span = |p: i32, size: i32| {
        let size = size.max(1);
        let lo = (p - REACH).clamp(0, size - 1);
        let hi = (p + REACH).clamp(lo + 1, size);
        (lo, hi - lo)
    };
    let ((x0, w), (y0, h)) = (span(px, sw), span(py, sh));
    let to_u16 = |v: i32| u16::try_from(v).unwrap_or(u16::MAX);
    let to_i16 = |v: i32| i16::try_from(v).unwrap_or(i16::MAX);
    let image = conn
        .get_image(
            ImageFormat::Z_PIXMAP,
            screen.root,
            to_i16(x0),
            to_i16(y0),
            to_u16(w),
            to_u16(h),
            u32::MAX,
        )
        .map_err(|e| failed(&e))?
        .reply()
        .map_err(|e| failed(&e))?;
    let format = setup
        .pixmap_formats
        .iter()
        .find(|f| f.depth == image.depth)
        .ok_or_else(|| failed(&format!("no pixel format for depth {}", image.depth)))?;
    let visual = screen
        .allowed_depths
        .iter()
        .flat_map(|d| &d.visuals)
        .find(|v| v.visual_id == image.visual)
        .ok_or_else(|| failed(&"the screen's colours are not described"))?;
    let bpp = usize::from(format.bits_per_pixel);
    if !matches!(bpp, 16 | 24 | 32) {
        return Err(failed(&format!("{bpp} bits a pixel are not read")));
    }
    let pad = usize::from(format.scanline_pad).max(8);
    let (w, h) = (usize::from(to_u16(w)), usize::from(to_u16(h)));
    let stride = (w * bpp).div_ceil(pad) * pad / 8;
    if image.data.len() < stride * h {
        return Err(failed(&"the server sent less than it was asked for"));
    }
    let bytes = bpp / 8;
    let little = setup.image_byte_order == ImageOrder::LSB_FIRST;
    let channel = |value: u32, mask: u32| {
        if mask == 0 {
            return 0;
        }
        let v = u64::from((value & mask) >> mask.trailing_zeros());
        let max = u64::from(mask >> mask.trailing_zeros());
        v * 255 / max
    };
    let mut luma = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let at = y * stride + x * bytes;
            let px = &image.data[at..at + bytes];
            let value = px.iter().enumerate().fold(0u32, |acc, (i, b)| {
                let shift = if little { i } else { bytes - 1 - i } * 8;
                acc | (u32::from(*b) << shift)
            });
            let (r, g, b) = (
                channel(value, visual.red_mask),
                channel(value, visual.green_mask),
                channel(value, visual.blue_mask),
            );
            luma.push(u8::try_from((r * 299 + g * 587 + b * 114) / 1000).unwrap_or(u8::MAX));
        }
    }
    let inside = |p: i32, lo: i32, len: usize| {
        usize::try_from(p - lo)
            .unwrap_or(0)
            .min(len.saturating_sub(1))
    };
    Ok(Around {
        width: w,
        height: h,
        luma,
        pointer: (inside(px, x0, w), inside(py, y0, h)),
    })
}

#[cfg(not(target_os = "linux"))]
pub fn around_pointer() -> Result<Around, Error> {
    Err(
        "reading the screen is done on Linux only; take a screenshot and choose it as a picture"
            .into(),
    )
}
