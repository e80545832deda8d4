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
    /// Whether the link opens on other computers.
    pub shareable: bool,
    /// When it does not: the sentence that says so and what to send instead.
    pub local_only: Option<String>,
}

/// One credential's own verification link and its LinkedIn add-to-profile address.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CredentialLink {
    /// The wallet id.
    pub id: String,
    /// The verifier page on this credential alone.
    pub link: Option<String>,
    /// LinkedIn's public add-certification address (only for a page others can open).
    pub linkedin: Option<String>,
    /// Why there is no link, or no LinkedIn address, in words.
    pub problem: Option<String>,
}

/// An SD-JWT VC presentation, and the file it was saved to when asked.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SelectivePresentation {
    /// The presentation: for an SD-JWT VC the issuer-signed JWT, the chosen disclosures and
    /// the key-binding JWT in compact form; for a credential with an ecdsa-sd-2023 base proof
    /// a signed W3C presentation of its derived copy (JSON). Text, shown as text.
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

/// Save a PDF portfolio of `ids` (optionally showing progress toward a qualification); an
/// SD-JWT VC among them shows the claims `disclose` names for it, else every claim.
#[tauri::command]
pub async fn export_pdf(
    state: State<'_, AppState>,
    ids: Vec<String>,
    qualification: Option<String>,
    path: String,
    base: Option<String>,
    disclose: Option<std::collections::BTreeMap<String, Vec<String>>>,
) -> IpcResult<ExportReport> {
    let base = base.filter(|b| !b.trim().is_empty());
    Ok(state.with_wallet(|w| {
        let opts = PdfOptions {
            presentation: PresentationOptions::default(),
            qualification,
            now: None,
            base,
            disclose: disclose.unwrap_or_default(),
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

/// Where share links point: `base` (the settings) when given, else the verifier page the
/// network's registry names, else the page installed beside the app (this computer only).
#[tauri::command]
pub async fn verifier_base(
    state: State<'_, AppState>,
    base: Option<String>,
) -> IpcResult<portfolio::VerifierBase> {
    Ok(state.with_wallet(|w| w.verifier_base(base.as_deref()))?)
}

/// Make the share link of `ids`. `base` is the verifier page's address (the settings); empty
/// means the one the registry names, else the page shipped with the app.
#[tauri::command]
pub async fn share_link(
    state: State<'_, AppState>,
    ids: Vec<String>,
    base: Option<String>,
) -> IpcResult<ShareLink> {
    Ok(state.with_wallet(|w| {
        let page = w.verifier_base(base.as_deref())?;
        let opts = PresentationOptions {
            suite: Suite::EddsaJcs2022,
            ..PresentationOptions::default()
        };
        let vp = portfolio::presentation(w, &ids, &opts)?;
        let bytes =
            serde_json::to_vec(&vp).map_err(|e| microcredx::Error::Internal(e.to_string()))?;
        packaged(&page, link::encode_link(&page.url, &bytes)?)
    })?)
}

/// The link `url` to `page` for the window, with its QR code when it fits one.
fn packaged(page: &portfolio::VerifierBase, url: String) -> microcredx::Result<ShareLink> {
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
        shareable: page.shareable,
        local_only: page.local_only(),
    })
}

/// A share link of the credential `id` showing the claims at `disclose`: an SD-JWT VC's
/// KB-JWT names the verifier page as its audience; a credential with an ecdsa-sd-2023 base
/// proof goes derived, in a presentation signed by the holder key. `nonce` is a fresh code
/// from the window.
#[tauri::command]
pub async fn selective_link(
    state: State<'_, AppState>,
    id: String,
    disclose: Vec<String>,
    nonce: String,
    base: Option<String>,
) -> IpcResult<ShareLink> {
    Ok(state.with_wallet(|w| {
        let page = w.verifier_base(base.as_deref())?;
        let url = w.selective_link(&id, &disclose, &page, &nonce, chrono::Utc::now())?;
        packaged(&page, url)
    })?)
}

/// Each credential's own verification link and LinkedIn add-to-profile address.
#[tauri::command]
pub async fn credential_links(
    state: State<'_, AppState>,
    ids: Vec<String>,
    base: Option<String>,
) -> IpcResult<Vec<CredentialLink>> {
    Ok(state.with_wallet(|w| {
        let page = w.verifier_base(base.as_deref())?;
        let links = portfolio::credential_links(w, &ids, &page);
        Ok(ids
            .into_iter()
            .zip(links)
            .map(|(id, made)| match made {
                Ok((link, Ok(linkedin))) => CredentialLink {
                    id,
                    link: Some(link),
                    linkedin: Some(linkedin),
                    problem: None,
                },
                Ok((link, Err(e))) => CredentialLink {
                    id,
                    link: Some(link),
                    linkedin: None,
                    problem: Some(e.to_string()),
                },
                Err(e) => CredentialLink {
                    id,
                    link: None,
                    linkedin: None,
                    problem: Some(e.to_string()),
                },
            })
            .collect())
    })?)
}

/// Open LinkedIn's add-to-profile page in the system browser. Nothing else may be opened: the
/// address must be LinkedIn's own add-certification address.
#[tauri::command]
pub async fn open_linkedin(app: tauri::AppHandle, url: String) -> IpcResult<()> {
    use tauri_plugin_opener::OpenerExt;
    if !url.starts_with("https://www.linkedin.com/profile/add?")
        || url.contains(char::is_whitespace)
    {
        return Err(microcredx::Error::BadInput(
            "only LinkedIn's add-to-profile address can be opened from here".into(),
        )
        .into());
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| microcredx::Error::Internal(format!("could not open the browser: {e}")).into())
}

/// Which of the credentials `ids` let the learner choose the claims a verifier sees.
#[tauri::command(async)]
pub fn selective_ids(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<Vec<String>> {
    Ok(state.with_wallet(|w| w.selective_ids(&ids))?)
}

/// Every claim of the credential `id` (an SD-JWT VC, or one with an ecdsa-sd-2023 base
/// proof), with whether the learner may withhold it.
#[tauri::command(async)]
pub fn selective_claims(state: State<'_, AppState>, id: String) -> IpcResult<Vec<SdClaim>> {
    Ok(state.with_wallet(|w| w.selective_claims(&id))?)
}

/// Present the credential `id` to the verifier `aud` with its code `nonce`, showing the claims
/// at `disclose`: an SD-JWT VC with a KB-JWT by the wallet's P-256 holder key, a credential
/// with an ecdsa-sd-2023 base proof derived in a presentation by the Ed25519 holder key (`aud`
/// its domain, `nonce` its challenge); also saved to `path` when one is given (the very
/// presentation returned).
#[tauri::command]
pub async fn present_selective(
    state: State<'_, AppState>,
    id: String,
    disclose: Vec<String>,
    aud: String,
    nonce: String,
    path: Option<String>,
) -> IpcResult<SelectivePresentation> {
    Ok(state.with_wallet(|w| {
        let presentation = w.present_selective(&id, &disclose, &aud, &nonce, chrono::Utc::now())?;
        let saved = match path {
            Some(p) => Some(write(&p, presentation.as_bytes(), 1)?),
            None => None,
        };
        Ok(SelectivePresentation {
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
