//! Commands over the credentials in the wallet: list, open, import, remove, re-check.

use crate::ipc::IpcResult;
use crate::state::AppState;
use microcredx::store::{
    self, CredentialSummary, ImportItem, ImportReport, Listing, SortKey, StoredCredential,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

/// One credential with its signed original, for the credential screen.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialDetail {
    /// The stored record: view, verification steps, provenance.
    pub record: StoredCredential,
    /// The signed original as text (shown as text, never as HTML).
    pub original: String,
}

/// Import progress, sent as the `import-progress` event.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Items acknowledged so far.
    pub done: usize,
    /// Items in this import.
    pub total: usize,
}

/// Every credential's summary row, sorted, with the wallet's totals.
#[tauri::command(async)]
pub fn list_credentials(state: State<'_, AppState>, sort: SortKey) -> IpcResult<Listing> {
    Ok(state.with_wallet(|w| w.listing(sort))?)
}

/// The first page of a listing (precomputed: shown at once while the whole listing is on its
/// way).
#[tauri::command(async)]
pub fn list_first_page(
    state: State<'_, AppState>,
    sort: SortKey,
) -> IpcResult<Vec<CredentialSummary>> {
    Ok(state.with_wallet(|w| w.first_page_of(sort))?)
}

/// One credential in full.
#[tauri::command(async)]
pub fn get_credential(state: State<'_, AppState>, id: String) -> IpcResult<CredentialDetail> {
    Ok(state.with_wallet(|w| {
        let record = w.get(&id)?;
        let original = String::from_utf8_lossy(&w.original(&record.id)?).to_string();
        Ok(CredentialDetail { record, original })
    })?)
}

fn run_import(
    app: &AppHandle,
    state: &AppState,
    items: Vec<ImportItem>,
    mut reports: Vec<ImportReport>,
    force: bool,
) -> IpcResult<Vec<ImportReport>> {
    let mut progress = |done: usize, total: usize| {
        let _ = app.emit("import-progress", ImportProgress { done, total });
    };
    reports
        .extend(state.with_wallet(|w| w.import(items, force, chrono::Utc::now(), &mut progress))?);
    Ok(reports)
}

/// Import files and folders (recursively), from the file dialog or drag and drop.
#[tauri::command]
pub async fn import_paths(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
    force: bool,
) -> IpcResult<Vec<ImportReport>> {
    let paths: Vec<std::path::PathBuf> = paths.into_iter().map(Into::into).collect();
    let (items, rejected) = store::collect(&paths);
    run_import(&app, &state, items, rejected, force)
}

/// Import pasted text (JSON or a JWT).
#[tauri::command]
pub async fn import_text(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
    force: bool,
) -> IpcResult<Vec<ImportReport>> {
    let item = ImportItem {
        bytes: text.into_bytes(),
        source: "pasted text".into(),
    };
    run_import(&app, &state, vec![item], Vec::new(), force)
}

/// Remove a credential.
#[tauri::command(async)]
pub fn remove_credential(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    state.with_wallet(|w| w.remove(&id).map(|_| ()))?;
    Ok(())
}

/// Re-check every credential now.
#[tauri::command]
pub async fn reverify_all(state: State<'_, AppState>) -> IpcResult<Vec<CredentialSummary>> {
    Ok(state.with_wallet(|w| {
        w.reverify(chrono::Utc::now())?;
        w.list(SortKey::Date)
    })?)
}

/// Open an encrypted wallet with its passphrase.
#[tauri::command(async)]
pub fn unlock_wallet(state: State<'_, AppState>, passphrase: String) -> IpcResult<()> {
    state.unlock(&passphrase)?;
    Ok(())
}
