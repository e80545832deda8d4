//! Commands about the wallet as a whole.

use crate::ipc::IpcResult;
use crate::state::AppState;
use microcredx::store::crypto::KdfCost;
use microcredx::store::{RestoreReport, WalletSummary};

/// The product name and version.
#[tauri::command]
pub fn about() -> microcredx::About {
    microcredx::about()
}

/// Where the wallet lives and how many credentials it holds.
#[tauri::command]
pub fn wallet_summary(state: tauri::State<'_, AppState>) -> IpcResult<WalletSummary> {
    Ok(state.with_wallet(|w| w.summary())?)
}

/// Load the bundled demo network and the demo learner's credentials.
#[tauri::command]
pub async fn load_demo_wallet(
    state: tauri::State<'_, AppState>,
) -> IpcResult<microcredx::store::DemoReport> {
    Ok(state.with_wallet(|w| w.load_demo(chrono::Utc::now()))?)
}

/// Encrypt the wallet with a passphrase, or change it. Stays open in this session.
#[tauri::command]
pub async fn set_passphrase(
    state: tauri::State<'_, AppState>,
    passphrase: String,
) -> IpcResult<()> {
    Ok(state.with_wallet(|w| w.set_passphrase(&passphrase, KdfCost::default()))?)
}

/// Store the wallet unencrypted again.
#[tauri::command]
pub async fn remove_passphrase(state: tauri::State<'_, AppState>) -> IpcResult<()> {
    Ok(state.with_wallet(|w| w.remove_passphrase())?)
}

/// Close the (encrypted) wallet now; its passphrase opens it again.
#[tauri::command]
pub fn lock_wallet(state: tauri::State<'_, AppState>) -> IpcResult<()> {
    Ok(state.lock()?)
}

/// Write one encrypted backup file of everything; returns how many credentials it holds.
#[tauri::command]
pub async fn backup_wallet(
    state: tauri::State<'_, AppState>,
    path: String,
    passphrase: String,
) -> IpcResult<usize> {
    Ok(state.with_wallet(|w| {
        if passphrase.is_empty() {
            return Err(microcredx::Error::BadInput(
                "choose a passphrase for the backup".into(),
            ));
        }
        w.backup(std::path::Path::new(&path), &passphrase, KdfCost::default())
    })?)
}

/// Restore a backup: into an empty wallet, or merged into this one.
#[tauri::command]
pub async fn restore_wallet(
    state: tauri::State<'_, AppState>,
    path: String,
    passphrase: String,
    merge: bool,
) -> IpcResult<RestoreReport> {
    Ok(state.with_wallet(|w| {
        w.restore(
            std::path::Path::new(&path),
            &passphrase,
            merge,
            chrono::Utc::now(),
        )
    })?)
}
