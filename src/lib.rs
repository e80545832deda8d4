//! # MicroCredX Wallet core
//!
//! Everything the wallet *does* lives here; the desktop shell (`src-tauri`) and the
//! `mcx` command line are thin adapters over these functions. The library never
//! touches the network, never depends on Tauri or a UI, and never panics on bad input.
//!
//! | module | owns |
//! | --- | --- |
//! | [`model`] | the normalised micro-credential view (Annex I elements) and verdict types |
//! | [`formats`] | recognising a document's wire format and mapping it to the view |
//! | [`proof`] | canonicalisation (JCS, JSON-LD → RDFC-1.0) and the signature suites |
//! | [`did`] | resolving verification methods to keys, offline only |
//! | [`verify`] | the ordered verification steps and the verdict |
//! | [`store`] | the wallet on disk: sled index, content-addressed originals |
//!
//! ```
//! let info = microcredx::about();
//! assert_eq!(info.name, "MicroCredX Wallet");
//! ```
#![forbid(unsafe_code)]

pub mod did;
pub mod error;
pub mod formats;
#[cfg(feature = "wallet")]
pub mod issuer;
pub mod model;
pub mod portfolio;
pub mod proof;
pub mod stack;
#[cfg(feature = "wallet")]
pub mod store;
pub mod verify;

pub use error::{Error, ErrorCode, ReadOnlyReason, Result};

/// What the program is, for `--version` and the app's About box.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct About {
    /// Product name.
    pub name: &'static str,
    /// The crate version (`CARGO_PKG_VERSION`).
    pub version: &'static str,
}

/// The product name and version.
pub fn about() -> About {
    About {
        name: "MicroCredX Wallet",
        version: env!("CARGO_PKG_VERSION"),
    }
}
