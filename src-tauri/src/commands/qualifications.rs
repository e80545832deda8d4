//! Commands over qualifications: the rules in the wallet and audits against them.

use crate::ipc::IpcResult;
use crate::state::AppState;
use microcredx::store::{StackOptions, StackResult, StoredQualification};
use tauri::State;

/// The qualifications in the wallet.
#[tauri::command(async)]
pub fn list_qualifications(state: State<'_, AppState>) -> IpcResult<Vec<StoredQualification>> {
    Ok(state.with_wallet(|w| w.qualifications())?)
}

/// Import a qualification's rules from a file path.
#[tauri::command(async)]
pub fn import_qualification(
    state: State<'_, AppState>,
    path: String,
) -> IpcResult<StoredQualification> {
    Ok(state.with_wallet(|w| {
        let bytes = std::fs::read(&path).map_err(|e| microcredx::Error::io(&path, e))?;
        w.import_qualification(&bytes)
    })?)
}

/// Audit the wallet against a qualification, with what the network's catalogue (when one is
/// imported) would add to complete it; `planned` catalogue offers are counted as if held (a
/// what-if).
#[tauri::command]
pub async fn stack_qualification(
    state: State<'_, AppState>,
    id: String,
    planned: Vec<String>,
) -> IpcResult<StackResult> {
    Ok(state.with_wallet(|w| {
        let catalogue = w.catalogue()?;
        let options = StackOptions {
            planned: &planned,
            catalogue: catalogue.as_ref(),
            ..StackOptions::default()
        };
        w.stack(&id, &options, chrono::Utc::now())
    })?)
}
