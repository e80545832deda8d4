//! `mcx verify`: verify files and print the verdict, steps and view (text or JSON lines).

use anyhow::Result;
use chrono::{DateTime, Utc};
use microcredx::model::{StepStatus, Verdict};
use microcredx::verify::{self, Env, Verification};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mcx verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Print one JSON object per file instead of text.
    #[arg(long)]
    json: bool,
    /// Verify as of this time (RFC 3339), instead of now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    at: Option<DateTime<Utc>>,
    /// The challenge (nonce) you gave the holder: a presentation whose proof carries another,
    /// or none, is invalid (it may be a replay).
    #[arg(long, value_name = "TEXT")]
    challenge: Option<String>,
    /// Your domain: a presentation whose proof names another, or none, is invalid.
    #[arg(long, value_name = "TEXT")]
    domain: Option<String>,
    /// The files (.json, .jsonld, .jwt, .png, .svg, .pdf) or share links (`…#vp=…`).
    #[arg(required = true, value_name = "FILE|LINK")]
    files: Vec<PathBuf>,
}

/// A date-time argument: RFC 3339, or a plain date (midnight UTC).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            format!("{s} is not an RFC 3339 date-time (e.g. 2026-01-31T12:00:00Z) or a date")
        })
}

/// Largest file `mcx verify` reads.
const MAX_FILE: u64 = 16 * 1024 * 1024;

fn read_limited(path: &PathBuf) -> Result<Vec<u8>, microcredx::Error> {
    let arg = path.to_string_lossy();
    if microcredx::portfolio::link::is_link(&arg) && !path.exists() {
        return Ok(arg.as_bytes().to_vec());
    }
    let meta = std::fs::metadata(path).map_err(|e| microcredx::Error::io(path, e))?;
    if meta.len() > MAX_FILE {
        return Err(microcredx::Error::BadInput(format!(
            "{} is {} MB, larger than the 16 MiB limit for one credential",
            path.display(),
            meta.len() / 1_000_000
        )));
    }
    std::fs::read(path).map_err(|e| microcredx::Error::io(path, e))
}

/// How an argument is named in the report: a share link by its start, not in full.
fn label(file: &std::path::Path) -> String {
    let text = file.display().to_string();
    match text.split_once("#vp=") {
        Some((base, payload)) if !file.exists() => {
            format!(
                "share link {base}#vp=… ({} characters)",
                base.len() + 4 + payload.len()
            )
        }
        _ => text,
    }
}

/// Run the command.
pub fn run(args: &VerifyArgs, wallet: Option<&std::path::Path>) -> Result<ExitCode> {
    let now = args.at.unwrap_or_else(Utc::now);
    let mut env = wallet_env(wallet);
    env.expect = verify::Expect {
        challenge: args.challenge.clone(),
        domain: args.domain.clone(),
    };
    let (mut unreadable, mut invalid, mut unverifiable, mut inactive) =
        (false, false, false, false);
    for file in &args.files {
        let result = read_limited(file).and_then(|b| verify::verify_bytes(&b, &env, now));
        match result {
            Ok(v) => {
                match v.verdict {
                    Verdict::Valid => {}
                    Verdict::Invalid => invalid = true,
                    Verdict::Unverifiable => unverifiable = true,
                    Verdict::Inactive => inactive = true,
                }
                if args.json {
                    print_json(file, &v)?;
                } else {
                    print_text(file, &v);
                }
            }
            Err(e) => {
                unreadable = true;
                if args.json {
                    let out = serde_json::json!({
                        "file": file.display().to_string(),
                        "error": {"code": e.code(), "message": e.to_string()},
                    });
                    println!("{out}");
                } else {
                    println!("{}: ERROR: {e}", label(file));
                }
            }
        }
    }
    Ok(ExitCode::from(if unreadable {
        3
    } else if invalid {
        1
    } else if unverifiable {
        2
    } else if inactive {
        4
    } else {
        0
    }))
}

fn print_json(file: &std::path::Path, v: &Verification) -> Result<()> {
    let mut out = serde_json::to_value(v)?;
    if let Some(o) = out.as_object_mut() {
        o.insert("file".into(), file.display().to_string().into());
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

pub fn print_text(file: &std::path::Path, v: &Verification) {
    println!(
        "{}: {} ({})",
        label(file),
        verdict_word(v),
        v.format.label()
    );
    if let Some(s) = &v.issuer_standing {
        let mark = match s.kind {
            verify::StandingKind::Member => "ok  ",
            verify::StandingKind::Unconfirmed => "NOTE",
        };
        println!("  [{mark}] {:<16} {}", "issued by", s.text);
    }
    if let Some(b) = &v.holder_binding {
        let mark = match b.kind {
            verify::BindingKind::Subject => "ok  ",
            _ => "NOTE",
        };
        println!("  [{mark}] {:<16} {}", "presented by", b.text);
    }
    print_details(v);
    for (i, e) in v.embedded.iter().enumerate() {
        println!(
            "  credential {} of {}: {} ({}), {}",
            i + 1,
            v.embedded.len(),
            e.credential.title.as_deref().unwrap_or("untitled"),
            e.format.label(),
            verdict_word(e)
        );
        if let Some(s) = &e.issuer_standing {
            println!("      {}", s.text);
        }
        if let Some(b) = e
            .holder_binding
            .as_ref()
            .filter(|b| b.kind == verify::BindingKind::SomeoneElse)
        {
            println!("      {}", b.text);
        }
    }
}

fn verdict_word(v: &Verification) -> String {
    // A portfolio or presentation has no issuer of its own: its headline counts the genuine
    // credentials inside whose issuers nothing confirms.
    let unconfirmed_inside = v
        .embedded
        .iter()
        .filter(|e| e.verdict == Verdict::Valid && e.unconfirmed_issuer())
        .count();
    match v.verdict {
        Verdict::Valid if v.issuer_standing.is_none() && unconfirmed_inside > 0 => format!(
            "VALID SIGNATURES, {} OF {} ISSUERS NOT CONFIRMED",
            unconfirmed_inside,
            v.embedded.len()
        ),
        // A genuine signature by a key nothing vouches for: never shown as an identified issuer.
        Verdict::Valid if v.unconfirmed_issuer() => {
            "VALID SIGNATURE, ISSUER NOT CONFIRMED".to_string()
        }
        Verdict::Valid => "VALID".to_string(),
        Verdict::Invalid => "INVALID".to_string(),
        Verdict::Unverifiable => "UNVERIFIABLE".to_string(),
        Verdict::Inactive => format!(
            "GENUINE, {}",
            verify::lapse_of(&v.steps)
                .map(|l| l.headline().to_uppercase())
                .unwrap_or_else(|| "NOT IN FORCE".into())
        ),
    }
}

fn print_details(v: &Verification) {
    for s in &v.steps {
        let mark = match s.status {
            StepStatus::Pass => "ok  ",
            StepStatus::Fail => "FAIL",
            StepStatus::Warn => "warn",
            StepStatus::Skip => "skip",
        };
        let name = serde_json::to_value(s.step)
            .ok()
            .and_then(|n| n.as_str().map(str::to_string))
            .unwrap_or_default();
        println!("  [{mark}] {name:<16} {}", s.message);
    }
    let c = &v.credential;
    let field = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            println!("  {label:<22} {value}");
        }
    };
    field("title", c.title.clone());
    field(
        "issuer",
        c.issuer.name.clone().or_else(|| c.issuer.id.clone()),
    );
    field(
        "learner",
        c.learner.name.clone().or_else(|| c.learner.id.clone()),
    );
    field("issued", c.issued.clone());
    field("ECTS", c.ects.map(|e| e.to_string()));
    field("EQF level", c.eqf_level.map(|e| e.to_string()));
    field("grade", c.grade_text());
    if !c.learning_outcomes.is_empty() {
        println!("  learning outcomes:");
        for o in &c.learning_outcomes {
            println!("    - {o}");
        }
    }
}

/// The caches of the learner's wallet (registry, status lists, DID documents) when it can be
/// opened without a prompt; otherwise only the bundled data.
fn wallet_env(dir: Option<&std::path::Path>) -> Env {
    let Ok(dir) = microcredx::store::resolve_dir(dir) else {
        return Env::default();
    };
    if !dir.join("index.sled").exists() {
        return Env::default();
    }
    let pass = std::env::var("MCX_PASSPHRASE").ok();
    // Read-only when the wallet's disk is full or takes no writes: verifying needs no space.
    match microcredx::store::Wallet::open_for_reading(&dir, pass.as_deref()).and_then(|w| w.env()) {
        Ok(env) => env,
        Err(e) => {
            eprintln!(
                "note: verifying without the wallet's cached registry and status lists ({e})"
            );
            Env::default()
        }
    }
}
