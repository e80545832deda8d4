//! `mcx present REQUEST`: answer a verifier's OpenID4VP 1.0 request. The exchange crate
//! carries the request and the answer; the core checks who the verifier is (the request
//! object's signature, by the wallet's own key resolution), finds what answers its DCQL query,
//! and makes the presentations, bound to that verifier and its nonce.

use anyhow::{bail, Result};
use chrono::Utc;
use microcredx::portfolio::dcql::{self, Choice, DcqlAnswer};
use microcredx::portfolio::verifier::VerifierCheck;
use microcredx_exchange::vp;
use serde_json::{json, Value};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// What `mcx present` was told besides the request.
pub struct Options {
    /// `--select QUERY=ID[,ID…]`.
    pub select: Vec<String>,
    /// `--withhold CLAIM`.
    pub withhold: Vec<String>,
    /// `--yes`.
    pub yes: bool,
    /// `--decline`.
    pub decline: bool,
    /// `--json`.
    pub json: bool,
    /// `--verbose`.
    pub verbose: bool,
}

/// `mcx present`.
pub fn present(dir: Option<&Path>, link: &str, opts: &Options) -> Result<ExitCode> {
    let Options {
        select,
        withhold,
        yes,
        decline,
        json: json_out,
        verbose,
    } = opts;
    let (yes, decline, json_out, verbose) = (*yes, *decline, *json_out, *verbose);
    let wallet = crate::wallet_cmd::open(dir)?;
    let say = |line: &str| {
        if !json_out {
            eprintln!("{line}");
        }
    };
    let http = crate::receive_cmd::client(verbose);
    say("Contacting the verifier named in the request: this exchange goes over the network because you started it; nothing is sent without your consent.");
    let request = vp::request_from_link(&http, link)?;
    // A request whose sender could not be checked gets no answer at all, not even an error:
    // its response_uri may be anyone's.
    let keeper = crate::receive_cmd::Keeper {
        wallet: &wallet,
        source: &request.client_id,
    };
    let verifier = vp::check_client(&http, &keeper, &request)?;
    let accepted = vp::accept(&http, &request)?;
    let nonce = accepted.nonce;
    let answer = dcql::evaluate(&wallet, accepted.query)?;
    let chosen = choose(&answer, select, withhold)?;

    say(&format!(
        "{} {}",
        if verifier.verified {
            "Verifier:"
        } else {
            "Verifier (NOT verified):"
        },
        verifier.how
    ));
    for q in &answer.queries {
        let picked = chosen.iter().find(|c| c.query == q.id);
        match (picked, &q.problem) {
            (Some(choice), _) => {
                for id in &choice.ids {
                    let Some(c) = q.candidates.iter().find(|c| &c.id == id) else {
                        continue;
                    };
                    say(&format!(
                        "  {} — {} ({}), {}:",
                        q.id,
                        c.title.as_deref().unwrap_or("(untitled)"),
                        &c.id[..12.min(c.id.len())],
                        c.issuer.as_deref().unwrap_or("unknown issuer")
                    ));
                    if c.whole {
                        say("      the whole credential is sent (a W3C credential cannot be shown in part)");
                    } else if c.claims.is_empty() {
                        say("      no claims are disclosed: only that you hold it");
                    }
                    let sent = c.sent(&choice.withheld)?;
                    for a in &c.claims {
                        if sent.contains(&a.path) || c.whole {
                            say(&format!("      {} = {}", a.path, a.value));
                        } else {
                            say(&format!("      {} — withheld", a.path));
                        }
                    }
                    for a in &c.always_shown {
                        say(&format!("      {} = {} (always shown)", a.path, a.value));
                    }
                }
            }
            (None, Some(p)) => say(&format!("  {}: not answered ({p})", q.id)),
            (None, None) => say(&format!("  {}: not asked for in the chosen option", q.id)),
        }
    }
    let report = |sent: Value, response: Value| {
        json!({
            "verifier": {"clientId": request.client_id, "verified": verifier.verified, "how": verifier.how},
            "answer": answer,
            "sent": sent,
            "response": response,
        })
    };
    if !answer.satisfiable {
        let _ = vp::post_error(
            &http,
            &request,
            "access_denied",
            "the wallet holds no credentials that answer the request",
        );
        if json_out {
            println!(
                "{}",
                serde_json::to_string_pretty(&report(Value::Null, Value::Null))?
            );
        }
        bail!("the wallet cannot answer this request: it holds no verified credentials that fit what is asked; the verifier was told");
    }
    if decline || !consent(yes, &verifier)? {
        vp::post_error(&http, &request, "access_denied", "the holder declined")?;
        say("Declined: the verifier was told, and nothing was sent.");
        if json_out {
            println!(
                "{}",
                serde_json::to_string_pretty(&report(Value::Null, Value::Null))?
            );
        }
        return Ok(ExitCode::from(2));
    }
    let token = dcql::vp_token(
        &wallet,
        &answer,
        &chosen,
        &request.client_id,
        nonce,
        Utc::now(),
    )?;
    let response = vp::post_response(&http, &request, &token)?;
    let sent: Value = chosen
        .iter()
        .map(|c| {
            (
                c.query.clone(),
                json!({"ids": c.ids, "withheld": c.withheld}),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    if json_out {
        println!("{}", serde_json::to_string_pretty(&report(sent, response))?);
    } else {
        println!("sent to {}", request.client_id);
        if let Some(r) = response.get("redirect_uri").and_then(Value::as_str) {
            println!("the verifier continues at {r}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The credentials to send for each query answered: `--select QUERY=ID[,ID…]` (wallet id
/// prefixes), else the first match; and the optional claims `--withhold` leaves out of them.
fn choose(answer: &DcqlAnswer, select: &[String], withhold: &[String]) -> Result<Vec<Choice>> {
    let mut out = Vec::new();
    for qid in answer.to_answer() {
        let Some(q) = answer.queries.iter().find(|q| q.id == qid) else {
            continue;
        };
        let given: Vec<&str> = select
            .iter()
            .filter_map(|s| s.split_once('='))
            .filter(|(k, _)| *k == qid)
            .flat_map(|(_, v)| v.split(','))
            .collect();
        let ids = if given.is_empty() {
            q.candidates
                .first()
                .map(|c| vec![c.id.clone()])
                .unwrap_or_default()
        } else {
            given
                .iter()
                .map(|prefix| {
                    let found: Vec<_> = q
                        .candidates
                        .iter()
                        .filter(|c| c.id.starts_with(prefix))
                        .collect();
                    match found.as_slice() {
                        [c] => Ok(c.id.clone()),
                        [] => bail!("{prefix} is not one of the credentials that answer {qid}"),
                        _ => bail!("{prefix} names several credentials; give more of the id"),
                    }
                })
                .collect::<Result<Vec<_>>>()?
        };
        // A claim named by its path or by the verifier's id for it.
        let mut withheld: Vec<String> = Vec::new();
        for c in q.candidates.iter().filter(|c| ids.contains(&c.id)) {
            for a in &c.claims {
                let named = withhold
                    .iter()
                    .any(|w| *w == a.path || a.id.as_deref() == Some(w.as_str()));
                if named && !withheld.contains(&a.path) {
                    withheld.push(a.path.clone());
                }
            }
        }
        out.push(Choice {
            query: qid,
            ids,
            withheld,
        });
    }
    for s in select {
        let Some((k, _)) = s.split_once('=') else {
            bail!("--select takes QUERY=ID (for example micro_sd_jwt=0b01e3a1), not {s}");
        };
        if !out.iter().any(|c| c.query == k) {
            bail!("the request has no query {k} to answer");
        }
    }
    for w in withhold {
        let asked = out.iter().any(|c| {
            answer.queries.iter().any(|q| {
                q.id == c.query
                    && q.candidates.iter().any(|cand| {
                        c.ids.contains(&cand.id)
                            && cand
                                .claims
                                .iter()
                                .any(|a| a.path == *w || a.id.as_deref() == Some(w.as_str()))
                    })
            })
        });
        if !asked {
            bail!("the verifier does not ask for {w}, so it is not sent anyway; nothing was sent");
        }
    }
    // Each choice must leave a claim set the verifier accepts: say so before anything goes.
    for c in &out {
        if let Some(q) = answer.queries.iter().find(|q| q.id == c.query) {
            for cand in q.candidates.iter().filter(|x| c.ids.contains(&x.id)) {
                cand.sent(&c.withheld)
                    .map_err(|e| anyhow::anyhow!("{e}; nothing was sent"))?;
            }
        }
    }
    Ok(out)
}

/// The learner's yes: `--yes`, or asked on the terminal.
fn consent(yes: bool, verifier: &VerifierCheck) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!("nothing was sent: run again with --yes to send this, or --decline to tell the verifier no");
    }
    let warn = if verifier.verified {
        ""
    } else {
        " The verifier is NOT verified: anyone can send such a request."
    };
    eprint!("Send this to the verifier?{warn} [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
