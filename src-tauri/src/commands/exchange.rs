//! Exchanges the learner starts: receiving credentials from an issuer (OpenID4VCI) and
//! answering a verifier's request (OpenID4VP). The exchange crate talks to the server; the
//! core verifies, stores, checks the verifier and makes the presentations. Each exchange is
//! two steps, so that the learner sees what is offered or asked before anything is kept or
//! sent: `resolve_*` reads and shows, `receive_offer` / `send_presentation` act.

use crate::ipc::{IpcError, IpcResult};
use crate::state::AppState;
use microcredx::portfolio::dcql::{self, DcqlAnswer};
use microcredx::portfolio::verifier::{RequestParts, VerifierCheck};
use microcredx::store::{ImportOutcome, ImportReport, Wallet};
use microcredx::ErrorCode;
use microcredx_exchange::http::Http;
use microcredx_exchange::jose::{Ed25519, P256};
use microcredx_exchange::keep::Keep;
use microcredx_exchange::vci::{self, Holder, Offer};
use microcredx_exchange::vp::{self, Request};
use serde::Serialize;
use std::sync::Mutex;
use tauri::State;
use ts_rs::TS;

/// The exchange in progress: the offer or request the learner is looking at.
#[derive(Default)]
pub struct ExchangeState {
    offer: Mutex<Option<Offer>>,
    request: Mutex<Option<(Request, DcqlAnswer)>>,
    /// Set by the window's Cancel while an offer is received (a login waits in the browser).
    cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

fn exchange_error(e: impl std::fmt::Display) -> IpcError {
    IpcError {
        code: ErrorCode::Exchange,
        message: e.to_string(),
    }
}

fn poisoned() -> IpcError {
    microcredx::Error::Internal("exchange state poisoned".into()).into()
}

/// One credential configuration an issuer offers.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OfferedView {
    /// Its id.
    pub id: String,
    /// Its format.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub format: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// Why the wallet will not ask for it, if it will not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unsupported: Option<String>,
}

/// The transaction code an offer asks for.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TxCodeView {
    /// `numeric` or `text`.
    pub input_mode: String,
    /// How many characters, if the issuer says.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub length: Option<u32>,
    /// The issuer's hint where the learner finds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
}

/// An offer, as the learner sees it before receiving.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    /// The issuer's identifier (its web address).
    pub issuer: String,
    /// Its display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer_name: Option<String>,
    /// What it offers.
    pub offered: Vec<OfferedView>,
    /// The transaction code needed, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tx_code: Option<TxCodeView>,
    /// The offer needs a login at the issuer first (in the browser).
    pub needs_login: bool,
    /// Where the learner logs in, when the login can work.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub login_at: Option<String>,
    /// Why logging in cannot work with this issuer, when it is needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub login_problem: Option<String>,
}

/// A trust document an exchange cached (or could not).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrustCached {
    /// Where it was read.
    pub url: String,
    /// What it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recognised: Option<String>,
    /// Why it was not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
}

/// What receiving brought.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveReport {
    /// Each credential, as an import reports it.
    pub reports: Vec<ImportReport>,
    /// The trust documents cached for offline checks.
    pub trust: Vec<TrustCached>,
}

/// A verifier's request, as the learner sees it before answering.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    /// Who asks.
    pub verifier: VerifierCheck,
    /// What the wallet can answer.
    pub answer: DcqlAnswer,
}

/// What was sent.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresentReport {
    /// The verifier it went to.
    pub client_id: String,
    /// Where the verifier continues, if it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub redirect_uri: Option<String>,
}

/// The wallet as an exchange fills it: each method one core call. (`mcx` has the same
/// adapter, `src/bin/mcx/receive_cmd.rs`: the exchange crate cannot name the core's types, and
/// no crate can sit between the two that both the root package's bin and this shell use.)
struct Keeper<'a> {
    wallet: &'a Wallet,
    source: &'a str,
}

impl Keep for Keeper<'_> {
    type Report = ImportReport;
    type Error = microcredx::Error;
    type Check = VerifierCheck;

    fn trust_urls(&self, document: &[u8]) -> Vec<String> {
        microcredx::verify::trust::published_by(document)
    }

    fn client_key_urls(&self, client_id: &str) -> Vec<String> {
        self.wallet.client_key_urls(client_id)
    }

    fn import_trust(&self, bytes: &[u8], url: &str) -> microcredx::Result<String> {
        self.wallet.import_fetched_trust(bytes, url)
    }

    fn import(&self, received: &[vci::Received]) -> microcredx::Result<Vec<ImportReport>> {
        self.wallet.import_received(
            received
                .iter()
                .map(|r| (r.bytes.clone(), r.configuration.as_str())),
            self.source,
        )
    }

    fn kept(report: &ImportReport) -> bool {
        !matches!(report.outcome, ImportOutcome::Rejected { .. })
    }

    fn check_client(
        &self,
        client_id: &str,
        params: &serde_json::Value,
        signed: Option<(&serde_json::Value, &[u8], &[u8])>,
    ) -> microcredx::Result<VerifierCheck> {
        self.wallet.check_verifier(&RequestParts {
            client_id,
            params,
            signed,
        })
    }
}

/// Read an offer (a link or its JSON) and the issuer's metadata: contacts the issuer.
#[tauri::command(async)]
pub fn resolve_offer(exchange: State<'_, ExchangeState>, link: String) -> IpcResult<OfferView> {
    let offer = vci::resolve(&Http::new(), &link, &mut |_| {}).map_err(exchange_error)?;
    let view = OfferView {
        issuer: offer.issuer.clone(),
        issuer_name: offer.issuer_name.clone(),
        offered: offer
            .offered
            .iter()
            .map(|o| OfferedView {
                id: o.id.clone(),
                format: o.format.clone(),
                name: o.name.clone(),
                unsupported: o.unsupported.clone(),
            })
            .collect(),
        tx_code: offer.tx_code.as_ref().map(|t| TxCodeView {
            input_mode: t.input_mode.clone(),
            length: t.length.map(|n| n as u32),
            description: t.description.clone(),
        }),
        needs_login: offer.needs_login,
        login_at: offer.login_at.clone(),
        login_problem: offer.login_problem.clone(),
    };
    *exchange.offer.lock().map_err(|_| poisoned())? = Some(offer);
    Ok(view)
}

/// Stop the offer being received: a login waiting in the browser ends at once, and nothing
/// is kept.
#[tauri::command]
pub fn cancel_receive(exchange: State<'_, ExchangeState>) {
    exchange
        .cancel
        .store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Receive the offer read last: every credential is verified and imported as a file is,
/// after the trust documents it needs are cached. Nothing is kept if the exchange fails.
#[tauri::command(async)]
pub fn receive_offer(
    window: tauri::Window,
    state: State<'_, AppState>,
    exchange: State<'_, ExchangeState>,
    tx_code: Option<String>,
) -> IpcResult<ReceiveReport> {
    // Before the offer is used (a pre-authorized code works once); it stays read, to receive
    // once there is room.
    state.with_wallet(|w| w.ready_to_receive())?;
    let offer = exchange
        .offer
        .lock()
        .map_err(|_| poisoned())?
        .take()
        .ok_or_else(|| microcredx::Error::BadInput("read an offer first".into()))?;
    exchange
        .cancel
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let http = Http::new().with_cancel(exchange.cancel.clone());
    let holder = state.with_wallet(|w| {
        let key = w.holder_key()?;
        Ok(Holder {
            ed25519_kid: key.verification_method(),
            ed25519: Ed25519(key.signing),
            p256: P256(w.holder_p256_key()?),
            p256_kid: format!("{}#0", w.holder_p256_did()?),
        })
    })?;
    // The exchange (a login in the browser may take minutes) runs without holding the
    // wallet; only keeping what arrived does.
    let code = tx_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    // A login: the page shows the address too (`login-address`), to open by hand when no
    // browser opens, so a browser that fails to start is not the end of it.
    let mut open = |url: &microcredx_exchange::Url| {
        use tauri::Emitter;
        let _ = window.emit("login-address", url.as_str());
        let _ = microcredx_exchange::login::system_browser(url);
        Ok(())
    };
    let received = vci::receive(&http, &offer, &holder, code, &mut open, &mut |_| {})
        .map_err(|e| microcredx::Error::Exchange(format!("{e}; nothing was kept")))?;
    Ok(state.with_wallet(|w| {
        let keeper = Keeper {
            wallet: w,
            source: offer.issuer_name.as_deref().unwrap_or(&offer.issuer),
        };
        let receipt =
            vci::keep_received(&http, &offer, &received, &keeper, &mut |_| {}).map_err(|stop| {
                match stop {
                    vci::Stop::Exchange(e) => {
                        microcredx::Error::Exchange(format!("{e}; nothing was kept"))
                    }
                    vci::Stop::Wallet(e) => e,
                }
            })?;
        Ok(ReceiveReport {
            reports: receipt.reports,
            trust: receipt
                .trust
                .into_iter()
                .map(|t| TrustCached {
                    url: t.url,
                    recognised: t.recognised,
                    error: t.error,
                })
                .collect(),
        })
    })?)
}

/// Read a verifier's request and check who sent it; says what the wallet can answer.
/// Contacts the verifier (to fetch its request) but sends nothing.
#[tauri::command(async)]
pub fn resolve_request(
    state: State<'_, AppState>,
    exchange: State<'_, ExchangeState>,
    link: String,
) -> IpcResult<RequestView> {
    let http = Http::new();
    let request = vp::request_from_link(&http, &link).map_err(exchange_error)?;
    let view = state.with_wallet(|w| {
        let keeper = Keeper {
            wallet: w,
            source: &request.client_id,
        };
        // A request whose sender fails the check gets no answer at all: its response_uri may
        // be anyone's. Only then is it checked for what it asks.
        let verifier = vp::check_client(&http, &keeper, &request)?;
        let accepted =
            vp::accept(&http, &request).map_err(|e| microcredx::Error::Exchange(e.to_string()))?;
        let answer = dcql::evaluate(w, accepted.query)?;
        Ok(RequestView { verifier, answer })
    })?;
    *exchange.request.lock().map_err(|_| poisoned())? = Some((request, view.answer.clone()));
    Ok(view)
}

/// Send the chosen credentials to the verifier of the request read last.
#[tauri::command(async)]
pub fn send_presentation(
    state: State<'_, AppState>,
    exchange: State<'_, ExchangeState>,
    chosen: Vec<dcql::Choice>,
) -> IpcResult<PresentReport> {
    let (request, answer) = exchange
        .request
        .lock()
        .map_err(|_| poisoned())?
        .take()
        .ok_or_else(|| microcredx::Error::BadInput("read a request first".into()))?;
    let nonce = request.param("nonce").unwrap_or_default().to_owned();
    let token = state.with_wallet(|w| {
        dcql::vp_token(
            w,
            &answer,
            &chosen,
            &request.client_id,
            &nonce,
            chrono::Utc::now(),
        )
    })?;
    let response = vp::post_response(&Http::new(), &request, &token).map_err(exchange_error)?;
    Ok(PresentReport {
        client_id: request.client_id.clone(),
        redirect_uri: response
            .get("redirect_uri")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    })
}

/// Tell the verifier of the request read last that the learner declined (`access_denied`).
#[tauri::command(async)]
pub fn decline_request(exchange: State<'_, ExchangeState>) -> IpcResult<()> {
    let (request, _) = exchange
        .request
        .lock()
        .map_err(|_| poisoned())?
        .take()
        .ok_or_else(|| microcredx::Error::BadInput("read a request first".into()))?;
    vp::post_error(
        &Http::new(),
        &request,
        "access_denied",
        "the holder declined",
    )
    .map_err(exchange_error)
}

/// The texts of the QR codes on the screen around the pointer, the nearest first (an offer or
/// request shown in a browser or another program).
#[tauri::command(async)]
pub fn read_qr_screen() -> IpcResult<Vec<String>> {
    let around = crate::screen::around_pointer()?;
    let texts = microcredx::portfolio::qr_decode_grey(
        around.width,
        around.height,
        |x, y| around.luma[y * around.width + x],
        Some(around.pointer),
    );
    if texts.is_empty() {
        let wayland = if crate::screen::on_wayland() {
            " On this Wayland desktop the wallet sees only the windows of X11 programs; a code in another window needs a screenshot."
        } else {
            ""
        };
        return Err(microcredx::Error::BadInput(format!(
            "no QR code could be read under the pointer; point at the middle of the code, or choose a screenshot of it as a picture.{wayland}"
        ))
        .into());
    }
    Ok(texts)
}

/// The texts of the QR codes in a PNG picture (a saved offer or request).
#[tauri::command(async)]
pub fn read_qr_image(path: String) -> IpcResult<Vec<String>> {
    let bytes = std::fs::read(&path).map_err(|e| microcredx::Error::io(&path, e))?;
    Ok(microcredx::portfolio::qr_decode_png(&bytes)?)
}
