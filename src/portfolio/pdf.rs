//! The PDF portfolio: a cover page (learner, date, totals, credentials per institution,
//! progress toward a qualification, the portfolio's QR code), then one section per
//! credential with its EU standard elements, learning outcomes, verification steps as of
//! export and its QR code. The signed presentation is attached as `presentation.json`, with a
//! `manifest.json` listing what the pages show, so `mcx verify portfolio.pdf` can check both.
//! An SD-JWT VC, which a W3C presentation cannot carry, is attached beside it as
//! `sd-jwt-N.sdjwt`: presented with the claims the learner chose and a key-binding JWT, its
//! page showing only those claims.
//! Text uses the embedded (subset) DejaVu Sans fonts, so any European script prints.

use super::layout::QrMark;
use super::layout::{Fonts, Writer, MARGIN, PAGE_W};
use super::pages::{cover, section, Codes};
use super::read::{sd_jwt_file, Manifest, ManifestEntry, MANIFEST_FILE, PRESENTATION_FILE};
use super::vp::{shareable, signed_presentation};
use super::{sha256_hex, PresentationOptions};
use crate::model::Format;
use crate::store::{StoredCredential, Wallet};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use lopdf::{dictionary, Object, Stream, StringFormat};
use printpdf::{ParsedFont, PdfDocument, PdfFont, PdfSaveOptions};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// What to put in the portfolio besides the credentials.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// How the embedded presentation is signed.
    pub presentation: PresentationOptions,
    /// A qualification (id or part of its title) to show progress toward on the cover.
    pub qualification: Option<String>,
    /// The export time (now when `None`).
    pub now: Option<DateTime<Utc>>,
    /// The verifier page the QR codes open (the learner's setting); `None` for the one the
    /// network's registry names, else none (a page installed here opens on no phone).
    pub base: Option<String>,
    /// For an SD-JWT VC among the credentials (by wallet id): the claims to show. One not
    /// named here shows every claim.
    pub disclose: std::collections::BTreeMap<String, Vec<String>>,
}

/// Render the portfolio of the credentials `ids` and return the PDF's bytes.
pub fn portfolio_pdf(wallet: &Wallet, ids: &[String], opts: &PdfOptions) -> Result<Vec<u8>> {
    let now = opts.now.unwrap_or_else(Utc::now);
    let mut vp_opts = opts.presentation.clone();
    vp_opts.created = vp_opts.created.or(Some(now));
    let all = wallet.get_with_originals(ids)?;
    if all.is_empty() {
        return Err(Error::BadInput(
            "choose at least one credential for the portfolio".into(),
        ));
    }
    // SD-JWT VCs go beside the W3C presentation, each as its own presentation.
    let (sd_jwts, items): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(rec, _)| rec.verification.format == Format::SdJwtVc);
    // A choice that applies to nothing would send a credential with every claim unnoticed.
    if let Some(stray) = opts
        .disclose
        .keys()
        .find(|id| !sd_jwts.iter().any(|(rec, _)| &rec.id == *id))
    {
        return Err(Error::BadInput(format!(
            "claims were chosen for {stray}, which is not an SD-JWT VC in this portfolio"
        )));
    }
    if sd_jwts.len() > super::read::MAX_SD_JWT_FILES {
        return Err(Error::BadInput(format!(
            "a portfolio carries at most {} SD-JWT VCs; {} were chosen",
            super::read::MAX_SD_JWT_FILES,
            sd_jwts.len()
        )));
    }
    let env = wallet.env()?;
    let vp = signed_presentation(wallet, &items, &vp_opts, &env)?;
    let contexts = &env.proof.contexts;
    let vp_bytes = serde_json::to_vec_pretty(&vp).map_err(|e| Error::Internal(e.to_string()))?;
    let vp_digest = sha256_hex(&vp_bytes);
    // QR codes only for a page on the web: a file on this computer opens on no phone.
    let base = wallet
        .verifier_base(opts.base.as_deref())
        .ok()
        .map(|b| b.url)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let mut records = Vec::with_capacity(ids.len());
    let mut links = Vec::with_capacity(ids.len());
    for (rec, original) in items {
        let digest = sha256_hex(&original);
        links.push(
            base.as_deref()
                .and_then(|b| super::share::link_of(&rec, &original, b, contexts).ok()),
        );
        records.push((rec, digest));
    }
    // Each SD-JWT VC with the claims chosen and a key-binding JWT for the verifier page (its
    // QR code carries the same presentation), else for this portfolio (its challenge, a
    // `urn:uuid:`), over that challenge. Its page shows what the presentation discloses: the
    // presentation verified, not the credential held.
    let reference = vp["proof"]["challenge"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(crate::issuer::new_urn_uuid);
    let mut attached = Vec::with_capacity(sd_jwts.len());
    for (n, (rec, original)) in sd_jwts.into_iter().enumerate() {
        shareable(&rec, vp_opts.allow_unverified)?;
        let disclose = match opts.disclose.get(&rec.id) {
            Some(chosen) => chosen.clone(),
            None => super::sdjwt::claims(&original)?
                .into_iter()
                .filter(|c| c.can_withhold)
                .map(|c| c.path)
                .collect(),
        };
        let aud = base.clone().unwrap_or_else(|| reference.clone());
        let text = wallet.present_sd_jwt_of(&original, &disclose, &aud, &reference, now)?;
        let bytes = text.into_bytes();
        let shown = crate::verify::verify_bytes(&bytes, &env, now)?;
        links.push(
            base.as_deref()
                .and_then(|b| super::link::encode_link(b, &bytes).ok()),
        );
        records.push((
            StoredCredential {
                verification: shown,
                ..rec
            },
            sha256_hex(&bytes),
        ));
        attached.push((sd_jwt_file(n + 1), bytes));
    }
    let codes = Codes {
        portfolio: base.as_deref().and_then(|b| {
            let compact = serde_json::to_vec(&vp).ok()?;
            super::link::encode_link(b, &compact).ok()
        }),
        base,
    };
    let learner = records
        .iter()
        .find_map(|(r, _)| r.verification.credential.learner.name.clone())
        .unwrap_or_else(|| "the learner".into());
    // The cover's progress counts what this PDF carries, as it shows it: a credential left out,
    // or ECTS the learner withheld, count for nothing here, whatever the wallet holds.
    let audit = match &opts.qualification {
        Some(q) => {
            let shown: Vec<_> = records
                .iter()
                .map(|(r, _)| crate::store::candidate(r.clone()))
                .collect();
            Some(wallet.audit_of(q, &shown, now)?)
        }
        None => None,
    };

    let day = now.format("%-d %B %Y").to_string();
    let footer = format!("Portfolio of {learner} · exported {day} · MicroCredX Wallet");
    let mut doc = PdfDocument::new(&format!("Micro-credential portfolio of {learner}"));
    let fonts = Fonts::new(load_font(&mut doc, REGULAR)?, load_font(&mut doc, BOLD)?);
    let mut w = Writer::new(fonts);
    cover(&mut w, &learner, now, &records, audit.as_ref(), &codes)?;
    for ((rec, digest), link) in records.iter().zip(&links) {
        w.new_page();
        section(
            &mut w,
            rec,
            digest,
            link.as_deref(),
            codes.base.as_deref(),
            now,
        )?;
    }
    let (pages, used, qr_codes, fonts) = w.finish(&footer);
    // Laid out with the whole fonts; embedded cut down to the glyphs drawn (same advance
    // widths, so the same layout).
    for ((parsed, id), (bytes, chars)) in [fonts.regular, fonts.bold]
        .into_iter()
        .zip([(REGULAR, &used[0]), (BOLD, &used[1])])
    {
        let mut warnings = Vec::new();
        if let Some(cut) = subset(bytes, &parsed, chars)
            .and_then(|cut| ParsedFont::from_bytes(&cut, 0, &mut warnings))
        {
            doc.resources.fonts.map.insert(id, PdfFont::new(cut));
        }
    }

    let info = &mut doc.metadata.info;
    info.author = learner.clone();
    info.creator = "MicroCredX Wallet".into();
    info.producer = format!("MicroCredX Wallet {}", env!("CARGO_PKG_VERSION"));
    info.subject = "Verified micro-credentials with a signed W3C presentation attached".into();
    info.keywords = vec!["micro-credentials".into(), "verifiable presentation".into()];
    if let Ok(t) = printpdf::DateTime::from_unix_timestamp(now.timestamp()) {
        info.creation_date = t;
        info.modification_date = t;
        info.metadata_date = t;
    }
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    finish_pages(&mut pdf, &qr_codes)?;

    let manifest = Manifest {
        presentation_sha256: vp_digest,
        learner: Some(learner),
        credentials: records
            .iter()
            .map(|(r, d)| ManifestEntry {
                id: r.verification.credential.id.clone(),
                title: r.verification.credential.title.clone(),
                sha256: d.clone(),
            })
            .collect(),
    };

    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    let mut files: Vec<(&str, &[u8], &str, &[u8])> = vec![
        (
            MANIFEST_FILE,
            &manifest_bytes,
            "What the pages list (machine-readable)",
            b"application/json",
        ),
        (
            PRESENTATION_FILE,
            &vp_bytes,
            "The signed W3C Verifiable Presentation",
            b"application/json",
        ),
    ];
    for (name, bytes) in &attached {
        files.push((
            name,
            bytes,
            "An SD-JWT VC with the claims the learner chose, and its key-binding JWT",
            b"application/dc+sd-jwt",
        ));
    }
    attach(&mut pdf, &files, now)?;
    compress_streams(&mut pdf);
    let mut out = Vec::new();
    pdf.save_modern(&mut out)
        .map_err(|e| Error::Internal(format!("writing the PDF: {e}")))?;
    Ok(out)
}

/// Compress every stream not compressed yet (printpdf leaves the font programs as they
/// are), at zlib's default level: `lopdf`'s own `compress` uses the best level, which takes
/// half the export's time for a few kilobytes.
fn compress_streams(pdf: &mut lopdf::Document) {
    use std::io::Write;
    for object in pdf.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let Ok(packed) = z.write_all(&stream.content).and_then(|_| z.finish()) else {
            continue;
        };
        if packed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// Each page's content rewritten once, before compression: its text strings written as
/// literal bytes (printpdf writes glyph ids in hex, twice the bytes, a tenth more after
/// Flate) and its QR codes painted at the end as 1-bit images (a few hundred bytes each,
/// where vector modules took tens of kilobytes), one image object per code.
fn finish_pages(pdf: &mut lopdf::Document, codes: &[QrMark]) -> Result<()> {
    use lopdf::content::{Content, Operation};
    let internal = |e: lopdf::Error| Error::Internal(format!("writing the pages: {e}"));
    let pages: Vec<lopdf::ObjectId> = pdf.get_pages().into_values().collect();
    for (n, &page_id) in pages.iter().enumerate() {
        let mut content = Content::decode(&pdf.get_page_content(page_id)).map_err(internal)?;
        for operand in content
            .operations
            .iter_mut()
            .flat_map(|op| op.operands.iter_mut())
        {
            if let Object::String(_, format) = operand {
                *format = StringFormat::Literal;
            }
        }
        let mut xobjects = lopdf::Dictionary::new();
        for (i, code) in codes.iter().enumerate().filter(|(_, c)| c.page == n) {
            let side = code.bitmap.side as i64;
            let mut image = Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => side,
                    "Height" => side,
                    "ColorSpace" => "DeviceGray",
                    "BitsPerComponent" => 1,
                    "Interpolate" => false,
                },
                code.bitmap.packed(),
            );
            let _ = image.compress();
            let name = format!("Qr{i}");
            xobjects.set(name.as_bytes(), Object::Reference(pdf.add_object(image)));
            let (s, x, y) = (code.size, code.x, code.y);
            content.operations.extend([
                Operation::new("q", vec![]),
                Operation::new(
                    "cm",
                    vec![
                        s.into(),
                        0i64.into(),
                        0i64.into(),
                        s.into(),
                        x.into(),
                        y.into(),
                    ],
                ),
                Operation::new("Do", vec![Object::Name(name.into_bytes())]),
                Operation::new("Q", vec![]),
            ]);
        }
        let bytes = content.encode().map_err(internal)?;
        let stream = Stream::new(dictionary! {}, bytes);
        let content_id = pdf.add_object(stream);
        if !xobjects.is_empty() {
            add_xobjects(pdf, page_id, xobjects).map_err(internal)?;
        }
        let page = pdf.get_dictionary_mut(page_id).map_err(internal)?;
        let old = page.get(b"Contents").ok().cloned();
        page.set("Contents", Object::Reference(content_id));
        // The streams replaced go (printpdf gives each page its own).
        let old_ids: Vec<lopdf::ObjectId> = match old {
            Some(Object::Reference(r)) => vec![r],
            Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => Vec::new(),
        };
        for id in old_ids {
            pdf.objects.remove(&id);
        }
    }
    Ok(())
}

/// Add `xobjects` to the page's resources: inline or shared (then copied, so other pages keep
/// theirs).
fn add_xobjects(
    pdf: &mut lopdf::Document,
    page_id: lopdf::ObjectId,
    add: lopdf::Dictionary,
) -> lopdf::Result<()> {
    let mut resources = match pdf.get_dictionary(page_id)?.get(b"Resources") {
        Ok(Object::Reference(r)) => pdf.get_dictionary(*r)?.clone(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => lopdf::Dictionary::new(),
    };
    let mut xobjects = match resources.get(b"XObject") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(r)) => pdf.get_dictionary(*r)?.clone(),
        _ => lopdf::Dictionary::new(),
    };
    xobjects.extend(&add);
    resources.set("XObject", xobjects);
    pdf.get_dictionary_mut(page_id)?.set("Resources", resources);
    Ok(())
}

/// The font `bytes` (parsed as `parsed`) cut down to the glyphs of `chars` (plus .notdef),
/// with a Unicode cmap; `None` if subsetting fails (the whole font stays embedded).
fn subset(
    bytes: &[u8],
    parsed: &ParsedFont,
    chars: &std::collections::BTreeSet<char>,
) -> Option<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset as cut, CmapTarget, SubsetProfile};
    let mut ids: Vec<u16> = chars
        .iter()
        .filter_map(|c| parsed.lookup_glyph_index(u32::from(*c)))
        .filter(|g| *g != 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.insert(0, 0);
    let scope = ReadScope::new(bytes);
    let data = scope.read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    cut(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
}

fn load_font(doc: &mut PdfDocument, bytes: &[u8]) -> Result<(ParsedFont, printpdf::FontId)> {
    let mut warnings = Vec::new();
    let font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
        .ok_or_else(|| Error::Internal("the bundled DejaVu font cannot be read".into()))?;
    let id = doc.add_font(&font);
    Ok((font, id))
}

/// Embed files in the catalog's EmbeddedFiles name tree (names sorted), list them as
/// associated files, and put a paperclip annotation for the presentation on the cover.
fn attach(
    pdf: &mut lopdf::Document,
    files: &[(&str, &[u8], &str, &[u8])],
    now: DateTime<Utc>,
) -> Result<()> {
    let internal = |e: lopdf::Error| Error::Internal(format!("attaching to the PDF: {e}"));
    let date = now.format("D:%Y%m%d%H%M%SZ").to_string();
    let mut sorted: Vec<_> = files.to_vec();
    sorted.sort_by_key(|f| f.0);
    let mut names = Vec::new();
    let mut specs = Vec::new();
    let mut presentation_spec = None;
    for (name, bytes, desc, mime) in sorted {
        let mut stream = Stream::new(
            dictionary! {
                "Type" => "EmbeddedFile",
                "Subtype" => Object::Name(mime.to_vec()),
                "Params" => dictionary! {
                    "Size" => bytes.len() as i64,
                    "ModDate" => Object::String(date.clone().into_bytes(), StringFormat::Literal),
                },
            },
            bytes.to_vec(),
        );
        let _ = stream.compress();
        let file_id = pdf.add_object(stream);
        let spec_id = pdf.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal(name),
            "UF" => Object::string_literal(name),
            "Desc" => Object::string_literal(desc),
            "AFRelationship" => "Data",
            "EF" => dictionary! { "F" => file_id, "UF" => file_id },
        });
        if name == PRESENTATION_FILE {
            presentation_spec = Some(spec_id);
        }
        names.push(Object::string_literal(name));
        names.push(Object::Reference(spec_id));
        specs.push(Object::Reference(spec_id));
    }
    let tree = pdf.add_object(dictionary! { "Names" => names });
    let catalog = pdf.catalog_mut().map_err(internal)?;
    catalog.set("Names", dictionary! { "EmbeddedFiles" => tree });
    catalog.set("AF", specs);
    catalog.set("PageMode", "UseAttachments");
    if let (Some(spec), Some((_, page))) = (presentation_spec, pdf.get_pages().into_iter().next()) {
        let annot = pdf.add_object(dictionary! {
            "Type" => "Annot",
            "Subtype" => "FileAttachment",
            "Rect" => vec![
                Object::Real(PAGE_W - MARGIN - 14.0),
                Object::Real(96.0),
                Object::Real(PAGE_W - MARGIN),
                Object::Real(116.0),
            ],
            "FS" => spec,
            "Name" => "PushPin",
            "Contents" => Object::string_literal("presentation.json: the signed W3C Verifiable Presentation"),
            "F" => 4,
        });
        let page = pdf.get_dictionary_mut(page).map_err(internal)?;
        match page.get_mut(b"Annots") {
            Ok(Object::Array(a)) => a.push(Object::Reference(annot)),
            _ => page.set("Annots", vec![Object::Reference(annot)]),
        }
    }
    Ok(())
}
