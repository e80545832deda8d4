//! Commands about the wallet as a whole.

use crate::ipc::IpcResult;
use crate::state::AppState;
use microcredx::store::crypto::KdfCost;
use microcredx::store::{
    HolderKeys, RepairReport, RestoreReport, TrustImported, TrustKind, WalletSummary,
};

/// The product name and version.
#[tauri::command(async)]
pub fn about() -> microcredx::About {
    microcredx::about()
}

/// Where the wallet lives and how many credentials it holds.
#[tauri::command(async)]
pub fn wallet_summary(state: tauri::State<'_, AppState>) -> IpcResult<WalletSummary> {
    Ok(state.with_wallet(|w| w.summary())?)
}

/// The learner's public holder keys (Settings): the Ed25519 did:key that names them in W3C
/// presentations, and the P-256 key (did:jwk and JWK) SD-JWT VC issuers bind credentials to.
#[tauri::command(async)]
pub fn holder_keys(state: tauri::State<'_, AppState>) -> IpcResult<HolderKeys> {
    Ok(state.with_wallet(|w| w.holder_keys())?)
}

/// What the window shows first, handed to the page together with the page itself (an
/// initialisation script), so the wallet is on screen without waiting for the first IPC round
/// trip. The UI's api module reads it once, where it would otherwise have asked.
#[derive(Debug, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StartData {
    /// The wallet summary, or why it is not available (for example, locked).
    pub summary: Result<WalletSummary, crate::ipc::IpcError>,
    /// The first page of the list in date order (the default).
    pub page: Vec<microcredx::store::CredentialSummary>,
    /// The exchange link the app was started with (a clicked offer or request link): the UI
    /// opens the screen for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link: Option<String>,
}

/// The initialisation script carrying [`StartData`]: `window.__MCX_START__ = JSON.parse("…")`,
/// the JSON written as a string literal so no credential text can become script.
pub fn start_script(state: &AppState, link: Option<String>) -> String {
    let data = StartData {
        link,
        summary: state.with_wallet(|w| w.summary()).map_err(Into::into),
        page: state
            .with_wallet(|w| w.first_page_of(microcredx::store::SortKey::Date))
            .unwrap_or_default(),
    };
    script_for(&serde_json::to_string(&data).unwrap_or_else(|_| "null".into()))
}

/// `window.__MCX_START__ = JSON.parse("…")` with `json` as one JavaScript string literal.
fn script_for(json: &str) -> String {
    let literal = serde_json::to_string(json)
        .unwrap_or_else(|_| "\"null\"".into())
        // Line separators are legal in JSON strings; escaped, nothing in the literal ends a line.
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!("window.__MCX_START__ = JSON.parse({literal});")
}

#[cfg(test)]
mod tests {
    #[test]
    #[allow(clippy::unwrap_used)]
    fn credential_text_in_the_start_script_stays_one_string() {
        let hostile = serde_json::json!({"title": "\");alert(1);//\u{2028}</script>\n`${x}`"});
        let json = hostile.to_string();
        let script = super::script_for(&json);
        let literal = script
            .strip_prefix("window.__MCX_START__ = JSON.parse(")
            .and_then(|s| s.strip_suffix(");"))
            .unwrap();
        // One JSON (and so JavaScript) string literal, decoding to exactly the data.
        assert_eq!(serde_json::from_str::<String>(literal).unwrap(), json);
        assert!(!literal.contains(['\n', '\u{2028}']));
        assert!(literal.starts_with('"') && literal.ends_with('"'));
    }
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

/// Rebuild a damaged wallet's index from its stored originals (the Repair button), keeping
/// the holder key and trust data when the old index still opens; the wallet is open again
/// afterwards. An encrypted wallet needs its passphrase (`Locked` without it).
#[tauri::command]
pub async fn repair_wallet(
    state: tauri::State<'_, AppState>,
    passphrase: Option<String>,
) -> IpcResult<RepairReport> {
    Ok(state.repair(passphrase.as_deref().filter(|p| !p.is_empty()))?)
}

/// Close the (encrypted) wallet now; its passphrase opens it again.
#[tauri::command(async)]
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

/// Import trust data from a file (registry, status list, DID document, catalogue, or any
/// trust document recognised by its content, with the address it was published at when
/// given). Afterwards `reverify_all` re-checks the credentials against it.
#[tauri::command]
pub async fn import_trust(
    state: tauri::State<'_, AppState>,
    kind: TrustKind,
    path: String,
    url: Option<String>,
) -> IpcResult<TrustImported> {
    Ok(state.with_wallet(|w| {
        let bytes = std::fs::read(&path).map_err(|e| microcredx::Error::io(&path, e))?;
        w.import_trust_at(kind, &bytes, url.as_deref())
    })?)
}
