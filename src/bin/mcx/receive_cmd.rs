//! `mcx receive OFFER`: receive credentials from an issuer by OpenID4VCI 1.0. The exchange
//! crate talks to the issuer; every credential then goes through the same import pipeline as
//! a file, and the trust documents it needs are cached so it verifies offline later.

use anyhow::{bail, Result};
use microcredx::portfolio::verifier::{RequestParts, VerifierCheck};
use microcredx::store::{ImportOutcome, ImportReport, Wallet};
use microcredx_exchange::http::Http;
use microcredx_exchange::jose::{Ed25519, P256};
use microcredx_exchange::keep::Keep;
use microcredx_exchange::vci::{self, Holder};
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
    // Before the offer is used: a pre-authorized code works once.
    wallet.ready_to_receive()?;
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
    let holder = holder(&wallet)?;
    let keeper = Keeper {
        wallet: &wallet,
        source: offer.issuer_name.as_deref().unwrap_or(&offer.issuer),
    };
    // Logging in at the issuer: the address is always shown (on standard error, with --json
    // too), so the learner can open it by hand when no browser opens.
    let mut open = |url: &microcredx_exchange::Url| {
        eprintln!("Log in at the issuer in your browser; if it does not open, open this address yourself:\n  {url}");
        if let Err(e) = microcredx_exchange::login::system_browser(url) {
            eprintln!("  (the browser could not be opened: {e})");
        }
        Ok(())
    };
    let receipt = vci::receive_into(
        &http,
        &offer,
        &holder,
        code.as_deref(),
        &mut open,
        &keeper,
        &mut step,
    )
    .map_err(|stop| match stop {
        vci::Stop::Exchange(e) => anyhow::anyhow!("{e}; nothing was kept"),
        vci::Stop::Wallet(e) => e.into(),
    })?;
    let (trust, reports) = (receipt.trust, receipt.reports);
    for t in &trust {
        if let Some(e) = &t.error {
            say(&format!(
                "  warning: could not cache {}: {e}; what needs it shows as \"could not check\" until it is imported",
                t.url
            ));
        }
    }
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

/// The wallet's holder keys, as the exchange signs its proofs with them: the Ed25519 did:key
/// and the P-256 key (as a did:jwk).
pub fn holder(wallet: &Wallet) -> microcredx::Result<Holder> {
    let key = wallet.holder_key()?;
    Ok(Holder {
        ed25519_kid: key.verification_method(),
        ed25519: Ed25519(key.signing),
        p256: P256(wallet.holder_p256_key()?),
        p256_kid: format!("{}#0", wallet.holder_p256_did()?),
    })
}

/// The wallet as an exchange fills it: the core says what a credential needs, what to
/// believe and how to store it. `source` names the sender in each import report.
pub struct Keeper<'a> {
    /// The wallet.
    pub wallet: &'a Wallet,
    /// Who the credentials come from ("received from …").
    pub source: &'a str,
}

impl Keep for Keeper<'_> {
    type Report = ImportReport;
    type Error = microcredx::Error;

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

    type Check = VerifierCheck;

    fn check_client(
        &self,
        client_id: &str,
        params: &Value,
        signed: Option<(&Value, &[u8], &[u8])>,
    ) -> microcredx::Result<VerifierCheck> {
        self.wallet.check_verifier(&RequestParts {
            client_id,
            params,
            signed,
        })
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
