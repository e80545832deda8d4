//! `mcx qualifications`, `mcx qualification import`, `mcx stack`: the learner's credentials
//! counted toward a qualification, with every decision explained.

use anyhow::{Context, Result};
use microcredx::model::MicroCredential;
use microcredx::stack::{self, RequirementAudit, Status};
use microcredx::store::StackOptions;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `mcx qualification import FILE`.
pub fn import(dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let wallet = crate::wallet_cmd::open(dir)?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let q = wallet.import_qualification(&bytes)?;
    println!(
        "imported \"{}\" ({} ECTS, {})",
        q.title, q.total_ects, q.awarding_body
    );
    match (&q.signed_by, &q.warning) {
        (Some(s), _) => println!("rules signed by {s}"),
        (None, Some(w)) => println!("WARNING: {w}"),
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `mcx qualifications`.
pub fn list(dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let wallet = crate::wallet_cmd::open_to_read(dir)?;
    let qs = wallet.qualifications()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&qs)?);
        return Ok(ExitCode::SUCCESS);
    }
    if qs.is_empty() {
        println!("No qualifications. Import an institution's rules with `mcx qualification import FILE`.");
    }
    for q in qs {
        let trust = q
            .signed_by
            .map(|s| format!("signed by {s}"))
            .unwrap_or_else(|| "NOT SIGNED".into());
        println!(
            "{:<28} {:>5} ECTS  {}  — {} ({trust})",
            q.id, q.total_ects, q.title, q.awarding_body
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn what_if_views(files: &[PathBuf]) -> Result<Vec<MicroCredential>> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
            if let Ok(doc) = microcredx::formats::parse_document(&bytes) {
                return Ok(microcredx::formats::view(&doc));
            }
            serde_json::from_slice::<MicroCredential>(&bytes).with_context(|| {
                format!(
                    "{} is neither a credential nor a credential view",
                    f.display()
                )
            })
        })
        .collect()
}

/// `mcx stack QUALIFICATION [--json] [--catalogue FILE] [--what-if FILE...] [--plan OFFER...]`.
pub fn run(
    dir: Option<&Path>,
    qualification: &str,
    json: bool,
    catalogue: Option<&Path>,
    what_if: &[PathBuf],
    plan: &[String],
) -> Result<ExitCode> {
    let wallet = crate::wallet_cmd::open_to_read(dir)?;
    let catalogue = match catalogue {
        Some(p) => Some(stack::parse_catalogue(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )?),
        None => wallet.catalogue()?,
    };
    let what_if = what_if_views(what_if)?;
    let options = StackOptions {
        what_if: &what_if,
        planned: plan,
        catalogue: catalogue.as_ref(),
    };
    let result = wallet.stack(qualification, &options, chrono::Utc::now())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(if result.audit.complete {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let a = &result.audit;
    println!("{} — {}", a.title, a.awarding_body);
    if let Some(w) = &result.qualification.warning {
        println!("WARNING: {w}");
    }
    if a.what_if {
        println!("WHAT-IF: hypothetical credentials are counted as if verified");
    }
    println!(
        "{}: {} of {} ECTS counted{}",
        if a.complete {
            "COMPLETE"
        } else {
            "not complete yet"
        },
        a.ects_counted,
        a.ects_required,
        if a.proven_optimal {
            ""
        } else {
            " (best found; not proven optimal)"
        }
    );
    for r in &a.requirements {
        print_requirement(r, 1);
    }
    let unused: Vec<_> = a.candidates.iter().filter(|c| !c.counted).collect();
    if !unused.is_empty() {
        println!("Not counted:");
        for c in unused {
            println!(
                "  - {}: {}",
                c.title.as_deref().unwrap_or(&c.id),
                c.reasons.join("; ")
            );
        }
    }
    if !a.missing.is_empty() {
        println!("Still missing:");
        for m in &a.missing {
            println!("  - {m}");
        }
    }
    if let Some(n) = &a.note {
        println!("Note: {n}");
    }
    if let Some(s) = &result.suggestion {
        println!("Suggestion: {}", s.summary);
        for i in &s.items {
            println!(
                "  + {} ({}, {} ECTS) → {}",
                i.title,
                i.provider,
                i.ects,
                i.counts_toward.join(", ")
            );
        }
    }
    Ok(if a.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_requirement(r: &RequirementAudit, depth: usize) {
    let mark = match r.status {
        Status::Met => "met",
        Status::PartlyMet => "partly met",
        Status::Unmet => "unmet",
    };
    let need = match (r.ects_needed, r.count_needed) {
        (Some(e), _) => format!("{} of {e} ECTS", r.ects_counted),
        (None, Some(n)) => format!("{} of {n}", r.count_counted),
        _ => String::new(),
    };
    println!("{}[{mark}] {} {need}", "  ".repeat(depth), r.title);
    for c in &r.counted {
        println!(
            "{}  ✓ {} ({} ECTS): {}",
            "  ".repeat(depth),
            c.title.as_deref().unwrap_or(&c.candidate_id),
            c.ects,
            c.rule
        );
    }
    for child in &r.children {
        print_requirement(child, depth + 1);
    }
}
