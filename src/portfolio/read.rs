//! Reading a portfolio PDF back: its attachments (`presentation.json`, `manifest.json`) and
//! the check that what the pages list is exactly what the signed presentation holds.

use crate::model::{Step, StepKind, StepStatus};
use crate::verify::{self, Env, Verification};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use lopdf::{Document, Object};
use serde::{Deserialize, Serialize};

/// Name of the attached signed presentation.
pub const PRESENTATION_FILE: &str = "presentation.json";
/// Name of the attached manifest.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What the pages of a portfolio show, in machine-readable form (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The SHA-256 digest (hex) of the attached `presentation.json`.
    pub presentation_sha256: String,
    /// The learner named on the cover.
    pub learner: Option<String>,
    /// The credentials shown, in page order.
    pub credentials: Vec<ManifestEntry>,
}

/// One credential listed on the pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestEntry {
    /// The credential's own id.
    pub id: Option<String>,
    /// Its title as printed.
    pub title: Option<String>,
    /// SHA-256 (hex) of its signed original as stored in the wallet.
    pub sha256: String,
}

/// The attachments of a portfolio PDF.
#[derive(Debug, Clone)]
pub struct Portfolio {
    /// The attached presentation, byte for byte.
    pub presentation: Vec<u8>,
    /// The attached manifest, if present.
    pub manifest: Option<Vec<u8>>,
}

/// Whether the bytes are a PDF.
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

fn bad(m: impl Into<String>) -> Error {
    Error::BadInput(m.into())
}

/// Extract the attachments of a portfolio PDF.
pub fn read_portfolio(bytes: &[u8]) -> Result<Portfolio> {
    // Object and cross-reference streams are inflated while the PDF loads: each is capped, so a
    // compression bomb is refused instead of exhausting memory.
    let options =
        lopdf::LoadOptions::with_max_decompressed_size(crate::formats::MAX_DOCUMENT_BYTES);
    let doc = Document::load_mem_with_options(bytes, options)
        .map_err(|e| bad(format!("the PDF cannot be read: {e}")))?;
    let files = attachments(&doc)?;
    let find = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    let presentation = find(PRESENTATION_FILE).ok_or_else(|| {
        bad("this PDF has no attached presentation.json: it is not a MicroCredX portfolio")
    })?;
    Ok(Portfolio {
        presentation,
        manifest: find(MANIFEST_FILE),
    })
}

/// The portfolio's embedded files (presentation and manifest): (name, decoded bytes), from
/// the catalog's EmbeddedFiles name tree.
fn attachments(doc: &Document) -> Result<Vec<(String, Vec<u8>)>> {
    let no = || bad("this PDF has no attachments: it is not a MicroCredX portfolio");
    let catalog = doc
        .catalog()
        .map_err(|e| bad(format!("the PDF has no catalog: {e}")))?;
    let names = deref_dict(doc, catalog.get(b"Names").map_err(|_| no())?).ok_or_else(no)?;
    let tree = deref_dict(doc, names.get(b"EmbeddedFiles").map_err(|_| no())?).ok_or_else(no)?;
    let mut out = Vec::new();
    let mut seen = 0usize;
    collect_tree(doc, tree, &mut out, &mut seen, 0)?;
    Ok(out)
}

/// The most name-tree entries read (a portfolio has two attachments).
const MAX_ENTRIES: usize = 256;

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

/// Only the portfolio's own attachments are decoded, each once: the first presentation and
/// the first manifest. A name tree that lists one huge stream many times (or lists thousands
/// of entries) is refused or skipped, never inflated over and over.
fn collect_tree(
    doc: &Document,
    node: &lopdf::Dictionary,
    out: &mut Vec<(String, Vec<u8>)>,
    seen: &mut usize,
    depth: usize,
) -> Result<()> {
    if depth > 8 || *seen > MAX_ENTRIES {
        return Err(bad("the PDF's attachment list is too deep or too long"));
    }
    if let Ok(Object::Array(kids)) = node
        .get(b"Kids")
        .map(|k| doc.dereference(k).map(|d| d.1))
        .unwrap_or(Ok(&Object::Null))
    {
        for kid in kids {
            if let Some(d) = deref_dict(doc, kid) {
                collect_tree(doc, d, out, seen, depth + 1)?;
            }
        }
    }
    let Ok((_, Object::Array(pairs))) = node
        .get(b"Names")
        .map_err(|_| ())
        .and_then(|n| doc.dereference(n).map_err(|_| ()))
    else {
        return Ok(());
    };
    for pair in pairs.chunks(2) {
        let [name, spec] = pair else { continue };
        let Ok(Object::String(raw, _)) = doc.dereference(name).map(|d| d.1) else {
            continue;
        };
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return Err(bad("the PDF's attachment list is too long"));
        }
        let name = String::from_utf8_lossy(raw).to_string();
        let wanted = [PRESENTATION_FILE, MANIFEST_FILE].contains(&name.as_str());
        if !wanted || out.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let Some(spec) = deref_dict(doc, spec) else {
            continue;
        };
        let Some(ef) = spec.get(b"EF").ok().and_then(|e| deref_dict(doc, e)) else {
            continue;
        };
        let Some(stream) = ef
            .get(b"F")
            .ok()
            .and_then(|f| doc.dereference(f).ok())
            .and_then(|(_, o)| o.as_stream().ok())
        else {
            continue;
        };
        let bytes = if stream.dict.get(b"Filter").is_ok() {
            stream
                .decompressed_content_with_limit(crate::formats::MAX_DOCUMENT_BYTES)
                .map_err(|e| bad(format!("the attachment {name} cannot be decoded: {e}")))?
        } else {
            stream.content.clone()
        };
        out.push((name, bytes));
    }
    Ok(())
}

/// Verify a portfolio PDF: the attached presentation as a presentation, and the manifest
/// (what the pages list) against it. `Err` when it is not a portfolio at all.
pub fn verify_portfolio(bytes: &[u8], env: &Env, now: DateTime<Utc>) -> Result<Verification> {
    let p = read_portfolio(bytes)?;
    let doc = crate::formats::parse_document(&p.presentation)?;
    let mut v = verify::verify_document(&doc, env, now);
    let mut fail = |message: String| {
        v.steps.push(Step {
            step: StepKind::Format,
            status: StepStatus::Fail,
            message,
            lapse: None,
        })
    };
    if doc.profile() != crate::model::Format::Presentation {
        fail("The PDF's attachment is not a presentation.".into());
    }
    match p.manifest.as_deref().map(serde_json::from_slice::<Manifest>) {
        None => fail("The PDF has no manifest.json, so what its pages list cannot be checked against the signed presentation.".into()),
        Some(Err(e)) => fail(format!("The PDF's manifest.json is malformed ({e}).")),
        Some(Ok(m)) => {
            let digest = super::sha256_hex(&p.presentation);
            if m.presentation_sha256 != digest {
                fail("The pages' manifest was made for a different presentation than the one attached: the PDF was altered.".into());
            }
            let listed: Vec<(Option<&str>, Option<&str>)> = m
                .credentials
                .iter()
                .map(|c| (c.id.as_deref(), c.title.as_deref()))
                .collect();
            let held: Vec<(Option<&str>, Option<&str>)> = v
                .embedded
                .iter()
                .map(|e| (e.credential.id.as_deref(), e.credential.title.as_deref()))
                .collect();
            if listed != held {
                fail(format!(
                    "The pages list {} credential(s) that differ from the {} in the signed presentation: the PDF was altered.",
                    listed.len(),
                    held.len()
                ));
            } else {
                v.steps.push(Step {
                    step: StepKind::Format,
                    status: StepStatus::Pass,
                    message: format!(
                        "The {} credential(s) listed on the pages are exactly those in the signed presentation.",
                        listed.len()
                    ),
                    lapse: None,
                });
            }
        }
    }
    v.verdict = verify::verdict_of(&v.steps);
    Ok(v)
}
