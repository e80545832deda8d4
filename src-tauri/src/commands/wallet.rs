//! Commands about the wallet as a whole.

use crate::ipc::IpcResult;
use crate::state::AppState;
use microcredx::store::WalletSummary;

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
