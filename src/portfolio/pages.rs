//! The pages' content: the cover (totals, institutions, qualification progress, the
//! portfolio's QR code) and one section per credential (EU standard elements, learning
//! outcomes, verification steps, the credential's QR code).

use super::layout::{colour, Face, Writer, MARGIN, PAGE_H, PAGE_W};
use super::qr;
use crate::model::{MicroCredential, StepStatus, Verdict};
use crate::store::StoredCredential;
use crate::verify::StandingKind;
use crate::Result;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

fn fmt_ects(e: f64) -> String {
    if (e - e.round()).abs() < 1e-9 {
        format!("{e:.0}")
    } else {
        format!("{e:.1}")
    }
}

/// The widest QR code printed, a credential's or the portfolio's (2.5 inches): at 0.4 mm a
/// module, about 2 KB of link.
const CODE_MAX: f32 = 180.0;

/// Draw the cover page.
pub(super) fn cover(
    w: &mut Writer,
    learner: &str,
    now: DateTime<Utc>,
    records: &[(StoredCredential, String)],
    audit: Option<&crate::stack::Audit>,
    codes: &Codes,
) -> Result<()> {
    // The portfolio's own code where the whole presentation fits one that scans from paper
    // (as wide as a credential's may be), else the page asked to open this PDF.
    const QR_MIN: f32 = 96.0;
    let whole = codes
        .portfolio
        .as_deref()
        .and_then(|l| qr::for_print(l, QR_MIN, CODE_MAX));
    let whole_fits = whole.is_some();
    let code = match (whole, &codes.base) {
        (Some(c), _) => Some((c, "Scan to check this portfolio")),
        (None, Some(base)) => qr::for_print(&drop_link(base), QR_MIN, QR_MIN)
            .map(|c| (c, "Scan, then open this PDF there")),
        (None, None) => None,
    };
    let qr_size = code.as_ref().map_or(QR_MIN, |((_, size), _)| *size);
    let text_w = w.content_width() - qr_size - 24.0;
    w.rect(0.0, PAGE_H - 14.0, PAGE_W, 14.0, colour::ACCENT);
    w.gap(6.0);
    w.text_at(
        MARGIN,
        w.y,
        Face::Bold,
        10.0,
        colour::ACCENT,
        "MICRO-CREDENTIAL PORTFOLIO",
    );
    w.gap(8.0);
    for line in w.fonts.wrap(Face::Bold, 24.0, learner, text_w) {
        w.gap(30.0);
        w.text_at(MARGIN, w.y, Face::Bold, 24.0, colour::TEXT, &line);
    }
    w.gap(20.0);
    let day = now.format("%-d %B %Y").to_string();
    w.text_at(
        MARGIN,
        w.y,
        Face::Regular,
        10.5,
        colour::MUTED,
        &format!("Exported on {day} with MicroCredX Wallet"),
    );
    let qr_top = PAGE_H - 60.0;
    if let Some(((bitmap, _), cap)) = code {
        w.qr(bitmap, PAGE_W - MARGIN - qr_size, qr_top - qr_size, qr_size);
        let cw = w.fonts.width(Face::Regular, 6.5, cap);
        w.text_at(
            PAGE_W - MARGIN - qr_size / 2.0 - cw / 2.0,
            qr_top - qr_size - 10.0,
            Face::Regular,
            6.5,
            colour::MUTED,
            cap,
        );
    }
    w.y = w.y.min(qr_top - qr_size - 30.0);

    let ok: Vec<&StoredCredential> = records
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.is_verified())
        .collect();
    let ects = crate::stack::ects_total(ok.iter().filter_map(|r| r.verification.credential.ects));
    // Totals, as three figures in a row.
    w.gap(34.0);
    let figures = [
        (fmt_ects(ects), "verified ECTS credits"),
        (ok.len().to_string(), "verified credentials"),
        (institutions(records).len().to_string(), "institutions"),
    ];
    let col = w.content_width() / 3.0;
    for (i, (n, label)) in figures.iter().enumerate() {
        let x = MARGIN + col * i as f32;
        w.text_at(x, w.y, Face::Bold, 26.0, colour::ACCENT, n);
        w.text_at(x, w.y - 16.0, Face::Regular, 9.0, colour::MUTED, label);
    }
    w.gap(40.0);
    heading(w, "Credentials per institution");
    for (name, (count, e)) in institutions(records) {
        let value = format!(
            "{count} credential{} · {} ECTS",
            if count == 1 { "" } else { "s" },
            fmt_ects(e)
        );
        w.field(&name, &value);
    }
    if let Some(a) = audit {
        w.gap(10.0);
        heading(w, &format!("Progress toward {}", a.title));
        w.paragraph(
            0.0,
            Face::Regular,
            9.0,
            colour::MUTED,
            &format!(
                "Awarded by {}. Counted by the wallet's stacking audit as of {day}, over the {} in this portfolio as they are shown here.",
                a.awarding_body,
                if records.len() == 1 { "credential".to_string() } else { format!("{} credentials", records.len()) }
            ),
        );
        w.gap(4.0);
        bar(w, "Total ECTS", a.ects_counted, a.ects_required);
        for r in &a.requirements {
            match (r.ects_needed, r.count_needed) {
                (Some(need), _) => bar(w, &r.title, r.ects_counted, need),
                (None, Some(need)) => bar(w, &r.title, f64::from(r.count_counted), f64::from(need)),
                (None, None) => {}
            }
        }
        let status = if a.complete {
            "Complete: every requirement is met."
        } else {
            "Not complete yet."
        };
        w.paragraph(
            0.0,
            Face::Bold,
            9.5,
            if a.complete {
                colour::GOOD
            } else {
                colour::TEXT
            },
            status,
        );
        for m in &a.missing {
            w.paragraph(10.0, Face::Regular, 9.0, colour::TEXT, &format!("• {m}"));
        }
    }
    w.gap(14.0);
    heading(w, "How to check this portfolio");
    w.paragraph(0.0, Face::Regular, 9.0, colour::TEXT, "This PDF carries the learner's signed W3C Verifiable Presentation as the attachment presentation.json, holding every credential below exactly as its institution signed it. Open the attachment in any verifier, or run `mcx verify portfolio.pdf`: it checks every signature offline and that the credentials listed on these pages are exactly those in the presentation.");
    match &codes.base {
        Some(base) => {
            w.gap(4.0);
            w.paragraph(0.0, Face::Regular, 9.0, colour::TEXT, &format!("No software is needed: drop this PDF on the verifier page {base}, which checks everything in the browser and sends nothing anywhere. Each credential's QR code opens that page on the credential alone{}.", if whole_fits { ", and the code above on the whole portfolio" } else { "" }));
        }
        None => {
            w.gap(4.0);
            w.paragraph(0.0, Face::Regular, 9.0, colour::MUTED, "This portfolio has no QR codes: when it was made, no verifier page on the web was known (the recognition network's registry names none, and the learner set none).");
        }
    }
    Ok(())
}

/// The links the QR codes open: the verifier page on the web (`None` when only a local file
/// is known, which no phone can open) and the whole portfolio's link, when it has one.
pub(super) struct Codes {
    pub base: Option<String>,
    pub portfolio: Option<String>,
}

/// The verifier page asked to tell the reader to open the PDF itself.
fn drop_link(base: &str) -> String {
    format!("{}#pdf", base.split('#').next().unwrap_or(base))
}

/// Credentials and ECTS per institution (issuer name), sorted by name.
fn institutions(records: &[(StoredCredential, String)]) -> BTreeMap<String, (usize, f64)> {
    let mut by: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for (r, _) in records {
        let c = &r.verification.credential;
        let name = c
            .issuer
            .name
            .clone()
            .or_else(|| c.issuer.id.clone())
            .unwrap_or_else(|| "Unknown issuer".into());
        let name = match &r.verification.issuer_standing {
            Some(s) if s.kind == StandingKind::Unconfirmed => {
                format!("{name} (not confirmed by the network's registry)")
            }
            _ => name,
        };
        let e = by.entry(name).or_default();
        e.0 += 1;
        if r.is_verified() {
            e.1 += c.ects.unwrap_or(0.0);
        }
    }
    by
}

fn heading(w: &mut Writer, text: &str) {
    w.ensure(40.0);
    w.gap(16.0);
    w.text_at(MARGIN, w.y, Face::Bold, 12.0, colour::ACCENT, text);
    w.gap(6.0);
    w.rect(MARGIN, w.y, w.content_width(), 0.8, colour::LIGHT);
    w.gap(2.0);
}

fn bar(w: &mut Writer, label: &str, have: f64, need: f64) {
    w.ensure(30.0);
    let lines = w.fonts.wrap(Face::Regular, 9.0, label, 170.0);
    w.gap(14.0);
    let top = w.y;
    for (i, l) in lines.iter().take(2).enumerate() {
        w.text_at(
            MARGIN,
            top - 11.0 * i as f32,
            Face::Regular,
            9.0,
            colour::TEXT,
            l,
        );
    }
    let x = MARGIN + 180.0;
    let width = w.content_width() - 180.0 - 70.0;
    let frac = if need > 0.0 {
        (have / need).clamp(0.0, 1.0) as f32
    } else {
        1.0
    };
    w.rect(x, top - 2.0, width, 9.0, colour::LIGHT);
    if frac > 0.0 {
        let col = if frac >= 1.0 {
            colour::GOOD
        } else {
            colour::ACCENT
        };
        w.rect(x, top - 2.0, width * frac, 9.0, col);
    }
    w.text_at(
        x + width + 8.0,
        top,
        Face::Regular,
        9.0,
        colour::TEXT,
        &format!("{} / {}", fmt_ects(have), fmt_ects(need)),
    );
    w.y = top - 11.0 * (lines.len().clamp(1, 2) as f32 - 1.0) - 4.0;
}

/// The EU standard elements (and optional ones) a credential carries, labelled in plain English.
fn elements(c: &MicroCredential) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut put = |label: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            out.push((label, v));
        }
    };
    put(
        "Learner",
        c.learner.name.clone().or_else(|| c.learner.id.clone()),
    );
    put("Title", c.title.clone());
    let countries: Vec<String> = c
        .issuer
        .country
        .iter()
        .chain(c.awarding_bodies.iter().filter_map(|b| b.country.as_ref()))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    put(
        "Country of the issuer",
        (!countries.is_empty()).then(|| countries.join(", ")),
    );
    let bodies: Vec<String> = c
        .awarding_bodies
        .iter()
        .filter_map(|b| b.name.clone().or_else(|| b.id.clone()))
        .collect();
    put(
        "Awarding body",
        if bodies.is_empty() {
            c.issuer.name.clone()
        } else {
            Some(bodies.join(", "))
        },
    );
    put(
        "Date of issue",
        c.issued
            .clone()
            .or_else(|| c.valid_from.clone())
            .map(|d| pretty_date(&d)),
    );
    let workload = match (c.ects, c.workload_hours) {
        (Some(e), Some(h)) => Some(format!(
            "{} ECTS credits ({} hours)",
            fmt_ects(e),
            fmt_ects(h)
        )),
        (Some(e), None) => Some(format!("{} ECTS credits", fmt_ects(e))),
        (None, Some(h)) => Some(format!("{} hours", fmt_ects(h))),
        (None, None) => None,
    };
    put("Workload", workload);
    let level = match (c.eqf_level, &c.qf_ehea_cycle) {
        (Some(l), Some(q)) => Some(format!("EQF level {l}, {q}")),
        (Some(l), None) => Some(format!("EQF level {l}")),
        (None, Some(q)) => Some(q.clone()),
        (None, None) => None,
    };
    put("Level", level);
    put("Type of assessment", c.assessment_type.clone());
    put("Form of participation", c.participation_form.clone());
    put("Quality assurance", c.quality_assurance.clone());
    put("Prerequisites", c.prerequisites.clone());
    put("Supervision and identity checks", c.supervision.clone());
    put("Grade", c.grade_text());
    put("Stackability", c.stackability.clone());
    put("Language", c.language.clone());
    put("Further information", c.further_information.clone());
    let skills: Vec<&str> = c.skills.iter().map(|s| s.name.as_str()).collect();
    put("Skills", (!skills.is_empty()).then(|| skills.join("; ")));
    put(
        "Valid until",
        c.valid_until.clone().map(|d| pretty_date(&d)),
    );
    out
}

fn pretty_date(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// Draw one credential's section.
pub(super) fn section(
    w: &mut Writer,
    rec: &StoredCredential,
    digest: &str,
    link: Option<&str>,
    base: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let c = &rec.verification.credential;
    let title = c
        .title
        .clone()
        .unwrap_or_else(|| "Untitled credential".into());
    // The credential's QR code at the top right, as large as a scannable print needs.
    let code = base.map(|b| credential_code(link, b));
    let qr_size = code.as_ref().map_or(0.0, |(_, size, _)| *size);
    let top = w.y;
    let text_w = w.content_width() - if qr_size > 0.0 { qr_size + 16.0 } else { 0.0 };
    if let Some((bitmap, size, _)) = &code {
        w.qr(bitmap.clone(), PAGE_W - MARGIN - size, top - size, *size);
    }
    for line in w.fonts.wrap(Face::Bold, 16.0, &title, text_w) {
        w.gap(20.0);
        w.text_at(MARGIN, w.y, Face::Bold, 16.0, colour::TEXT, &line);
    }
    let issuer = c
        .issuer
        .name
        .clone()
        .or_else(|| c.issuer.id.clone())
        .unwrap_or_default();
    for line in w
        .fonts
        .wrap(Face::Regular, 10.0, &format!("Issued by {issuer}"), text_w)
    {
        w.gap(14.0);
        w.text_at(MARGIN, w.y, Face::Regular, 10.0, colour::MUTED, &line);
    }
    let unconfirmed = rec.verification.unconfirmed_issuer();
    if let Some(s) = &rec.verification.issuer_standing {
        let (face, col, text) = match s.kind {
            StandingKind::Member => (
                Face::Regular,
                colour::MUTED,
                format!(
                    "A member of {}, as the network's signed registry says.",
                    s.network.as_deref().unwrap_or("the recognition network")
                ),
            ),
            StandingKind::Unconfirmed if unconfirmed => {
                (Face::Bold, colour::WARN, format!("! {}", s.text))
            }
            StandingKind::Unconfirmed => (Face::Regular, colour::MUTED, s.text.clone()),
        };
        for line in w.fonts.wrap(face, 9.0, &text, text_w) {
            w.gap(12.0);
            w.text_at(MARGIN, w.y, face, 9.0, col, &line);
        }
    }
    let lapse = crate::verify::lapse_of(&rec.verification.steps);
    let (mark, col) = match (rec.verification.verdict, rec.forced, lapse) {
        (Verdict::Valid, false, _) if unconfirmed => (
            "✓ Genuine signature · issuer not confirmed".to_string(),
            colour::WARN,
        ),
        (Verdict::Valid, false, _) => ("✓ Verified".to_string(), colour::GOOD),
        (Verdict::Invalid, _, _) => ("✗ Not valid".to_string(), colour::BAD),
        (Verdict::Inactive, false, Some(l)) => {
            (format!("✓ Genuine · {}", l.headline()), colour::MUTED)
        }
        _ => ("! Not verified".to_string(), colour::WARN),
    };
    w.gap(16.0);
    w.text_at(MARGIN, w.y, Face::Bold, 10.0, col, &mark);
    if let Some((_, _, text)) = &code {
        w.gap(4.0);
        for line in w.fonts.wrap(Face::Regular, 8.0, text, text_w) {
            w.gap(10.5);
            w.text_at(MARGIN, w.y, Face::Regular, 8.0, colour::MUTED, &line);
        }
    }
    w.y = w.y.min(top - qr_size) - 4.0;
    let cred_id = c.id.clone().unwrap_or_else(|| rec.id.clone());
    for line in w.fonts.wrap(
        Face::Regular,
        6.5,
        &format!("id {cred_id} · SHA-256 {digest}"),
        w.content_width(),
    ) {
        w.gap(8.5);
        w.text_at(MARGIN, w.y, Face::Regular, 6.5, colour::MUTED, &line);
    }

    heading(w, "EU standard elements of a micro-credential");
    w.gap(2.0);
    for (label, value) in elements(c) {
        w.field(label, &value);
    }
    if !c.annex_missing.is_empty() {
        let missing: Vec<&str> = c.annex_missing.iter().map(|e| e.label()).collect();
        w.paragraph(
            0.0,
            Face::Regular,
            8.5,
            colour::WARN,
            &format!("Not stated in this credential: {}.", missing.join(", ")),
        );
    }
    if let Some(d) = c.description.as_deref().filter(|d| !d.trim().is_empty()) {
        heading(w, "Description");
        w.paragraph(0.0, Face::Regular, 9.5, colour::TEXT, d);
    }
    if !c.learning_outcomes.is_empty() {
        heading(w, "Learning outcomes");
        for o in &c.learning_outcomes {
            w.gap(1.0);
            w.paragraph(10.0, Face::Regular, 9.5, colour::TEXT, &format!("• {o}"));
        }
    }
    let _ = now;
    let checked = pretty_date(&rec.verification.checked_at);
    heading(w, &format!("Verification (as checked on {checked})"));
    for s in &rec.verification.steps {
        let (m, col) = match s.status {
            StepStatus::Pass => ("✓", colour::GOOD),
            StepStatus::Fail => ("✗", colour::BAD),
            StepStatus::Warn => ("!", colour::WARN),
            StepStatus::Skip => ("–", colour::MUTED),
        };
        w.ensure(14.0);
        let y = w.y - 12.0;
        w.text_at(MARGIN, y, Face::Bold, 9.0, col, m);
        w.paragraph(14.0, Face::Regular, 9.0, colour::TEXT, &s.message);
        w.gap(0.5);
    }
    Ok(())
}

/// A credential's QR code, its printed width and what it does: it opens the verifier page on
/// the credential alone, or, when that code would be too dense to scan from paper, the page
/// with the instruction to open this PDF there.
fn credential_code(link: Option<&str>, base: &str) -> (qr::Bitmap, f32, String) {
    const MIN: f32 = 78.0;
    const MAX: f32 = CODE_MAX;
    let host = base
        .split_once("://")
        .map_or(base, |(_, r)| r.split('/').next().unwrap_or(r));
    if let Some((bitmap, size)) = link.and_then(|l| qr::for_print(l, MIN, MAX)) {
        return (bitmap, size, format!("Scan the code to check this credential on {host}: the page checks the institution's signature in the browser. The credential travels inside the link; nothing is looked up on a server."));
    }
    let (bitmap, size) = qr::for_print(&drop_link(base), MIN, MAX).unwrap_or_else(|| {
        (
            qr::Bitmap {
                side: 0,
                dark: Vec::new(),
            },
            0.0,
        )
    });
    (bitmap, size, format!("This credential is too large for a QR code that scans from paper. The code opens the verifier page on {host}: open this PDF there, and it checks every credential in it."))
}
