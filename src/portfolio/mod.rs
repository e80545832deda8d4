//! Sharing verified credentials with employers: a signed W3C Verifiable Presentation
//! ([`presentation`]) and a PDF portfolio that embeds it ([`pdf::portfolio_pdf`]), which
//! [`read_portfolio`] checks again on the employer's side (`mcx verify portfolio.pdf`).
//!
//! This module owns the presentation's shape, the PDF's layout and its machine-readable
//! manifest. It must not decide validity (that is [`crate::verify`]) nor count ECTS toward a
//! qualification (that is [`crate::stack`]); it only renders what those say.

#[cfg(feature = "wallet")]
pub mod clr;
#[cfg(feature = "wallet")]
pub mod dcql;
#[cfg(feature = "wallet")]
pub mod derive;
#[cfg(feature = "wallet")]
mod layout;
pub mod link;
#[cfg(feature = "wallet")]
mod pages;
#[cfg(feature = "wallet")]
pub mod pdf;
#[cfg(feature = "wallet")]
mod qr;
mod read;
pub mod sdjwt;
#[cfg(feature = "wallet")]
pub mod share;
pub mod verifier;
#[cfg(feature = "wallet")]
mod vp;

#[cfg(feature = "wallet")]
pub use clr::{clr, ClrOptions};
#[cfg(feature = "wallet")]
pub use pdf::{portfolio_pdf, PdfOptions};
#[cfg(feature = "wallet")]
pub use qr::decode_grey as qr_decode_grey;
#[cfg(feature = "wallet")]
pub use qr::decode_png as qr_decode_png;
#[cfg(feature = "wallet")]
pub use qr::png as qr_png;
pub use read::{is_pdf, read_portfolio, verify_portfolio, Manifest, ManifestEntry, Portfolio};
#[cfg(feature = "wallet")]
pub use share::{credential_link, credential_links, BaseSource, VerifierBase};
#[cfg(feature = "wallet")]
pub use vp::{presentation, PresentationOptions};

use sha2::{Digest, Sha256};

/// The SHA-256 digest of some bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
