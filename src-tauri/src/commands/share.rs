//! Commands for sharing: the PDF portfolio, the signed presentation, the CLR learner record,
//! the share link with its QR code, and SD-JWT VC presentations with the claims the learner
//! chooses. Thin adapters over `microcredx::portfolio` and the wallet.

use crate::ipc::IpcResult;
use crate::state::AppState;
use base64::Engine;
use microcredx::portfolio::sdjwt::SdClaim;
use microcredx::portfolio::{self, link, ClrOptions, PdfOptions, PresentationOptions};
use microcredx::proof::di::Suite;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// What an export wrote.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    /// The file written.
    pub path: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// How many credentials it holds.
    pub credentials: usize,
}

/// A share link and, when it fits, its QR code.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShareLink {
    /// The link: the verifier page's address with the presentation in its fragment.
    pub link: String,
    /// The QR code as a PNG data URI, when the link fits in one.
    pub qr_png: Option<String>,
    /// Why there is no QR code (too long), in words.
    pub qr_problem: Option<String>,
}

/// An SD-JWT VC presentation, and the file it was saved to when asked.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SdJwtPresentation {
    /// The presentation: the issuer-signed JWT, the chosen disclosures and the key-binding
    /// JWT, in compact form (text, shown as text).
    pub presentation: String,
    /// The file it was written to, when a path was given.
    pub saved: Option<ExportReport>,
}

fn write(path: &str, bytes: &[u8], credentials: usize) -> microcredx::Result<ExportReport> {
    if path.trim().is_empty() {
        return Err(microcredx::Error::BadInput(
            "choose where to save the file".into(),
        ));
    }
    std::fs::write(path, bytes).map_err(|e| microcredx::Error::io(path, e))?;
    Ok(ExportReport {
        path: path.to_string(),
        bytes: bytes.len() as u64,
        credentials,
    })
}

fn pretty(value: &serde_json::Value) -> microcredx::Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| microcredx::Error::Internal(e.to_string()))
}

/// Save a PDF portfolio of `ids` (optionally showing progress toward a qualification).
#[tauri::command]
pub async fn export_pdf(
    state: State<'_, AppState>,
    ids: Vec<String>,
    qualification: Option<String>,
    path: String,
) -> IpcResult<ExportReport> {
    Ok(state.with_wallet(|w| {
        let opts = PdfOptions {
            presentation: PresentationOptions::default(),
            qualification,
            now: None,
        };
        write(&path, &portfolio::portfolio_pdf(w, &ids, &opts)?, ids.len())
    })?)
}

/// Save the signed presentation of `ids`.
#[tauri::command]
pub async fn export_presentation(
    state: State<'_, AppState>,
    ids: Vec<String>,
    path: String,
) -> IpcResult<ExportReport> {
    Ok(state.with_wallet(|w| {
        let vp = portfolio::presentation(w, &ids, &PresentationOptions::default())?;
        write(&path, &pretty(&vp)?, ids.len())
    })?)
}

/// Save a CLR 2.0 learner record of `ids` (with a qualification's associations).
#[tauri::command]
pub async fn export_clr(
    state: State<'_, AppState>,
    ids: Vec<String>,
    qualification: Option<String>,
    path: String,
) -> IpcResult<ExportReport> {
    Ok(state.with_wallet(|w| {
        let opts = ClrOptions {
            qualification,
            ..ClrOptions::default()
        };
        write(&path, &pretty(&portfolio::clr(w, &ids, &opts)?)?, ids.len())
    })?)
}

/// Make the share link of `ids`. `base` is the verifier page's address (the settings); empty
/// means the page shipped with the app.
#[tauri::command]
pub async fn share_link(
    state: State<'_, AppState>,
    ids: Vec<String>,
    base: Option<String>,
) -> IpcResult<ShareLink> {
    Ok(state.with_wallet(|w| {
        let base = match base.filter(|b| !b.trim().is_empty()) {
            Some(b) => b.trim().to_string(),
            None => link::default_verifier_url().ok_or_else(|| {
                microcredx::Error::BadInput(
                    "the verifier page is not installed beside the app; give the address where it is hosted in Settings".into(),
                )
            })?,
        };
        let opts = PresentationOptions {
            suite: Suite::EddsaJcs2022,
            ..PresentationOptions::default()
        };
        let vp = portfolio::presentation(w, &ids, &opts)?;
        let bytes =
            serde_json::to_vec(&vp).map_err(|e| microcredx::Error::Internal(e.to_string()))?;
        let url = link::encode_link(&base, &bytes)?;
        let (qr_png, qr_problem) = match link::check_qr_size(&url) {
            Ok(()) => {
                let png = portfolio::qr_png(&url)?;
                let data = base64::engine::general_purpose::STANDARD.encode(png);
                (Some(format!("data:image/png;base64,{data}")), None)
            }
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(ShareLink {
            link: url,
            qr_png,
            qr_problem,
        })
    })?)
}

/// Every claim of the SD-JWT VC `id`, with whether the learner may withhold it.
#[tauri::command(async)]
pub fn sd_jwt_claims(state: State<'_, AppState>, id: String) -> IpcResult<Vec<SdClaim>> {
    Ok(state.with_wallet(|w| w.sd_jwt_claims(&id))?)
}

/// Present the SD-JWT VC `id` to the verifier `aud` with its code `nonce`, disclosing the
/// claims at `disclose`, signed by the wallet's P-256 holder key; also saved to `path` when
/// one is given (the very presentation returned).
#[tauri::command]
pub async fn present_sd_jwt(
    state: State<'_, AppState>,
    id: String,
    disclose: Vec<String>,
    aud: String,
    nonce: String,
    path: Option<String>,
) -> IpcResult<SdJwtPresentation> {
    Ok(state.with_wallet(|w| {
        let presentation = w.present_sd_jwt(&id, &disclose, &aud, &nonce, chrono::Utc::now())?;
        let saved = match path {
            Some(p) => Some(write(&p, presentation.as_bytes(), 1)?),
            None => None,
        };
        Ok(SdJwtPresentation {
            presentation,
            saved,
        })
    })?)
}

/// Where exports go by default: the user's documents folder, else home, else the current one.
#[tauri::command(async)]
pub fn default_export_dir() -> String {
    directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir()
                .map(|d| d.to_path_buf())
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .display()
        .to_string()
}
