//! Tauri commands, grouped by domain. Each adapts one core function to IPC.

mod credentials;
mod dialog;
mod qualifications;
mod share;
mod wallet;

pub use credentials::*;
pub use dialog::*;
pub use qualifications::*;
pub use share::*;
pub use wallet::*;
