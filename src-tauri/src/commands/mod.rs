//! Tauri commands, grouped by domain. Each adapts one core function to IPC.

mod credentials;
mod qualifications;
mod share;
mod wallet;

pub use credentials::*;
pub use qualifications::*;
pub use share::*;
pub use wallet::*;
