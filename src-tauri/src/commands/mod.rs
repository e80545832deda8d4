//! Tauri commands, grouped by domain. Each adapts one core function to IPC. Every command
//! runs off the main thread (`async`, or `#[tauri::command(async)]`): the main thread runs the
//! window, which must not wait on the wallet (a 10,000-row listing, an Argon2 unlock).

mod credentials;
mod dialog;
mod exchange;
mod qualifications;
mod share;
mod wallet;

pub use credentials::*;
pub use dialog::*;
pub use exchange::*;
pub use qualifications::*;
pub use share::*;
pub use wallet::*;
