//! `mcx receive OFFER`: receive credentials from an issuer by OpenID4VCI 1.0. The exchange
//! crate talks to the issuer; every credential then goes through the same import pipeline as
//! a file, and the trust documents it needs are cached so it verifies offline later.

use anyhow::{bail, Result};
use chrono::Utc;
use microcredx::store::{ImportItem, ImportOutcome, ImportReport, Wallet};
use microcredx_exchange::http::Http;
use microcredx_exchange::jose::{Ed25519, P256};
use microcredx_exchange::vci::{self, Holder, Offer};
use serde_json::{json, Value};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// `mcx receive`.
pub fn receive(
    dir: Option<&Path>,
    link: &str,
    tx_code: Option<&str>,
    json_out: bool,
    verbose: bool,
) -> Result<ExitCode> {
    let wallet = crate::wallet_cmd::open(dir)?;
    let say = |line: &str| {
        if !json_out {
            eprintln!("{line}");
        }
    };
    let http = client(verbose);
    say("Contacting the issuer named in the offer: this exchange goes over the network because you started it; what arrives is verified offline before it is kept.");
    let mut step = |s: &str| say(&format!("- {s}"));
    let offer = vci::resolve(&http, link, &mut step)?;
    say(&format!(
        "{} offers:",
        offer.issuer_name.as_deref().unwrap_or(&offer.issuer)
    ));
    for o in &offer.offered {
        let name = o.name.as_deref().unwrap_or(&o.id);
        let format = o.format.as_deref().unwrap_or("no format");
        match &o.unsupported {
            None => say(&format!("  {name} ({format})")),
            Some(why) => say(&format!("  {name} ({format}): not received, {why}")),
        }
    }
    let code = match (&offer.tx_code, tx_code) {
        (Some(t), None) => Some(ask_tx_code(t)?),
        (_, given) => given.map(str::to_owned),
    };
    let key = wallet.holder_key()?;
    let ed25519 = Ed25519(key.signing.clone());
    let p256 = P256(wallet.holder_p256_key()?);
    let holder = Holder {
        ed25519: &ed25519,
        ed25519_kid: key.verification_method(),
        p256: &p256,
        p256_kid: format!("{}#0", wallet.holder_p256_did()?),
    };
    let received = vci::receive(&http, &offer, &holder, code.as_deref(), &mut step)
        .map_err(|e| anyhow::anyhow!("{e}; nothing was kept"))?;

    // The trust documents the credentials need, cached first so that importing verifies them.
    let trust = vci::cache_trust(&http, &Keeper(&wallet), &received, &mut step);
    for t in &trust {
        if let Some(e) = &t.error {
            say(&format!(
                "  warning: could not cache {}: {e}; what needs it shows as \"could not check\" until it is imported",
                t.url
            ));
        }
    }

    let source = |r: &vci::Received| {
        format!(
            "received from {} ({})",
            offer.issuer_name.as_deref().unwrap_or(&offer.issuer),
            r.configuration
        )
    };
    let items: Vec<ImportItem> = received
        .iter()
        .map(|r| ImportItem {
            bytes: r.bytes.clone(),
            source: source(r),
        })
        .collect();
    let reports = wallet.import(items, false, Utc::now(), &mut |_, _| {})?;
    notify(&http, &offer, &received, &reports, &say);
    if json_out {
        let offered: Vec<Value> = offer
            .offered
            .iter()
            .map(|o| json!({"id": o.id, "format": o.format, "name": o.name, "unsupported": o.unsupported}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "issuer": offer.issuer,
                "issuerName": offer.issuer_name,
                "offered": offered,
                "trust": trust,
                "reports": reports,
            }))?
        );
        return Ok(exit_of(&reports));
    }
    crate::wallet_cmd::print_reports(&reports, false)
}

fn exit_of(reports: &[ImportReport]) -> ExitCode {
    if reports
        .iter()
        .any(|r| matches!(r.outcome, ImportOutcome::Rejected { .. }))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The transaction code, asked on the terminal.
fn ask_tx_code(t: &vci::TxCode) -> Result<String> {
    let hint = t
        .description
        .as_deref()
        .unwrap_or("the issuer sent it to you separately");
    if !std::io::stdin().is_terminal() {
        bail!("this offer needs a transaction code ({hint}): pass it with --tx-code");
    }
    let length = t
        .length
        .map(|n| format!(", {n} characters"))
        .unwrap_or_default();
    let code = rpassword::prompt_password(format!("Transaction code ({hint}{length}): "))?;
    Ok(code.trim().to_owned())
}

/// The wallet as an exchange fills it: the core says what a credential needs and what to
/// believe.
struct Keeper<'a>(&'a Wallet);

impl vci::Keep for Keeper<'_> {
    fn trust_urls(&self, document: &[u8]) -> Vec<String> {
        microcredx::formats::parse_document(document)
            .map(|doc| microcredx::verify::trust::published(&doc))
            .unwrap_or_default()
    }

    fn import_trust(&self, bytes: &[u8], url: &str) -> std::result::Result<String, String> {
        self.0
            .import_fetched_trust(bytes, url)
            .map_err(|e| e.to_string())
    }
}

/// Tell the issuer which credentials were kept (best effort).
fn notify(
    http: &Http,
    offer: &Offer,
    received: &[vci::Received],
    reports: &[ImportReport],
    say: &dyn Fn(&str),
) {
    let mut told = std::collections::HashSet::new();
    for (r, report) in received.iter().zip(reports) {
        let Some(id) = &r.notification_id else {
            continue;
        };
        if !told.insert(id.clone()) {
            continue;
        }
        let kept = !matches!(report.outcome, ImportOutcome::Rejected { .. });
        if let Err(e) = vci::notify(http, offer, id, kept) {
            say(&format!(
                "  note: could not tell the issuer the credential was {}: {e}",
                if kept { "kept" } else { "refused" }
            ));
        }
    }
}

/// The exchange's HTTP client; `verbose` prints each request (`-v`).
pub fn client(verbose: bool) -> Http {
    let http = Http::new();
    if verbose {
        http.with_trace(|line| eprintln!("  {line}"))
    } else {
        http
    }
}
