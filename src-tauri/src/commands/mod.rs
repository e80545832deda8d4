//! Tauri commands, grouped by domain. Each adapts one core function to IPC.

mod wallet;

pub use wallet::*;
