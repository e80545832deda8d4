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
/// The most SD-JWT VCs a portfolio carries beside its presentation (`sd-jwt-1.sdjwt` …).
pub const MAX_SD_JWT_FILES: usize = 100;

/// The attachment name of a portfolio's `n`th SD-JWT VC presentation (from 1).
pub fn sd_jwt_file(n: usize) -> String {
    format!("sd-jwt-{n}.sdjwt")
}

/// Whether `name` is one of a portfolio's SD-JWT attachments.
fn is_sd_jwt_file(name: &str) -> bool {
    name.strip_prefix("sd-jwt-")
        .and_then(|r| r.strip_suffix(".sdjwt"))
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| (1..=MAX_SD_JWT_FILES).contains(&n) && sd_jwt_file(n) == name)
}

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
    /// The SD-JWT VC presentations attached beside it, by name, in their order (`sd-jwt-1`…).
    pub sd_jwts: Vec<(String, Vec<u8>)>,
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
    let doc = load(bytes)?;
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
    let mut sd_jwts: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(n, _)| is_sd_jwt_file(n))
        .cloned()
        .collect();
    sd_jwts.sort_by_key(|(n, _)| {
        n.trim_start_matches("sd-jwt-")
            .trim_end_matches(".sdjwt")
            .parse::<usize>()
            .unwrap_or(usize::MAX)
    });
    Ok(Portfolio {
        presentation,
        manifest: find(MANIFEST_FILE),
        sd_jwts,
    })
}

/// The most bytes the object streams of one PDF may inflate to, all together. A portfolio of
/// 100 credentials has three, 36 KB in all; a PDF tool that re-saves one adds little. Parsing
/// what they hold costs about 60 ms per MiB (of hostile content, in release), so the cap also
/// bounds the time a hostile PDF can take.
const MAX_OBJECT_STREAMS_BYTES: usize = 1024 * 1024;

/// The most objects a PDF may hold (a portfolio of 100 credentials has about 3,000).
const MAX_OBJECTS: usize = 250_000;

/// What loading one PDF has spent, kept by [`load_filter`] (lopdf calls it once per object
/// it reads, on the loading thread, and takes only a function pointer).
struct LoadBudget {
    objects: usize,
    /// The bytes of everything parsed so far ([`weight`]), against `weight_max`.
    weight: usize,
    weight_max: usize,
    object_streams: usize,
    seen_object_streams: std::collections::HashSet<lopdf::ObjectId>,
    /// The objects of each object stream (its object number, and them), parsed here one by
    /// one ([`split_object_stream`]) and added to the document once lopdf has loaded it.
    compressed: Vec<(u32, Vec<(lopdf::ObjectId, Object)>)>,
    /// The bound passed, once one is: every later object is skipped.
    over: Option<String>,
}

impl LoadBudget {
    /// Count one more object read, and what parsing it took.
    fn count(&mut self, object: &Object) -> std::result::Result<(), String> {
        self.objects += 1;
        if self.objects > MAX_OBJECTS {
            return Err(format!("it holds more than {MAX_OBJECTS} objects"));
        }
        self.weight = self.weight.saturating_add(weight(object));
        if self.weight > self.weight_max {
            return Err("its objects overlap each other (its cross-reference table points into objects it already read)".into());
        }
        Ok(())
    }
}

/// Why loading stopped: carried out of lopdf by unwinding (lopdf's filter can skip an object
/// but not stop the load, and a hostile cross-reference table can list one object thousands of
/// times, or objects nested inside each other, so that each read costs the whole file).
/// Where panics abort (the verifier page's WebAssembly), every object after the bound is
/// skipped instead: nothing more is parsed or kept, though each listed object is still read.
struct OverBudget;

thread_local! {
    static BUDGET: std::cell::RefCell<Option<LoadBudget>> = const { std::cell::RefCell::new(None) };
}

/// Load a PDF with lopdf, within bounds that a hostile file cannot stretch: each object stream
/// is inflated once and all of them together to at most [`MAX_OBJECT_STREAMS_BYTES`]; the
/// objects parsed may not add up to more bytes than the file and its object streams hold
/// (they would have to overlap); at most [`MAX_OBJECTS`] objects.
fn load(bytes: &[u8]) -> Result<Document> {
    let scan = scan_raw(bytes);
    // lopdf loads an encrypted PDF by another path, which its object filter never sees; a
    // portfolio is never encrypted.
    if scan.encrypted {
        return Err(bad(
            "the PDF is encrypted: a MicroCredX portfolio never is, so this is not one",
        ));
    }
    // lopdf reads the cross-reference sections before any object, out of the filter's sight.
    if scan.prev_offsets + 2 > MAX_XREF_SECTIONS {
        return Err(bad(format!(
            "the PDF cannot be read: it chains more than {MAX_XREF_SECTIONS} cross-reference sections"
        )));
    }
    if scan.widest_field > MAX_XREF_FIELD_WIDTH {
        return Err(bad(format!(
            "the PDF cannot be read: a cross-reference stream's fields would be {} bytes wide",
            scan.widest_field
        )));
    }
    if scan.xref_entries > MAX_XREF_ENTRIES {
        return Err(bad(format!(
            "the PDF cannot be read: its cross-reference streams declare more than {MAX_XREF_ENTRIES} objects"
        )));
    }
    let direct;
    let bytes = if scan.length_refs.is_empty() {
        bytes
    } else {
        direct = direct_lengths(bytes, &scan.length_refs)
            .map_err(|why| bad(format!("the PDF cannot be read: {why}")))?;
        &direct[..]
    };
    // Cross-reference streams are inflated by lopdf itself, before any object is read: the
    // per-stream cap covers each, and the scan above their number.
    let mut options = lopdf::LoadOptions::with_max_decompressed_size(MAX_OBJECT_STREAMS_BYTES);
    options.filter = Some(load_filter);
    BUDGET.with(|b| {
        *b.borrow_mut() = Some(LoadBudget {
            objects: 0,
            weight: 0,
            weight_max: bytes.len() + MAX_OBJECT_STREAMS_BYTES,
            object_streams: 0,
            seen_object_streams: Default::default(),
            compressed: Vec::new(),
            over: None,
        })
    });
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }));
    // The budget says why it stopped the load, however it stopped it (unwound or skipped).
    let budget = BUDGET.with(|b| b.borrow_mut().take());
    let (over, compressed) = budget.map_or((None, Vec::new()), |b| (b.over, b.compressed));
    let mut doc = match (loaded, over) {
        (_, Some(why)) => return Err(bad(format!("the PDF cannot be read: {why}"))),
        (Ok(doc), None) => doc.map_err(|e| bad(format!("the PDF cannot be read: {e}")))?,
        // A panic of lopdf's own: not ours to swallow.
        (Err(payload), None) => std::panic::resume_unwind(payload),
    };
    // As lopdf adds them: never in place of an object of the file, and only from the object
    // stream the cross-reference table names for it.
    for (container, objects) in compressed {
        for (id, object) in objects {
            let elsewhere = matches!(
                doc.reference_table.get(id.0),
                Some(lopdf::xref::XrefEntry::Compressed { container: c, .. }) if *c != container
            );
            if !elsewhere {
                doc.objects.entry(id).or_insert(object);
            }
        }
    }
    Ok(doc)
}

/// The most cross-reference sections lopdf may follow (the one `startxref` names, its
/// `/XRefStm`, and the `/Prev` chain). A portfolio has one; each incremental update by
/// another tool adds one.
const MAX_XREF_SECTIONS: usize = 32;

/// The most entries all cross-reference streams together may declare (`/Size`, or the counts
/// of `/Index`). A portfolio of 100 credentials declares about 3,000.
const MAX_XREF_ENTRIES: u64 = 500_000;

/// The widest field a cross-reference stream's `/W` may give (lopdf allocates a buffer of
/// each width: 4,444,444,444,444 bytes aborted the process). Real fields are 1 to 8 bytes; a
/// CID font's `/W` widths array, which the scan cannot tell apart, holds numbers below 65,536.
const MAX_XREF_FIELD_WIDTH: u64 = 1 << 20;

/// What the PDF's own bytes say about the work lopdf does before it reads any object (so
/// before the object filter can count anything): the sections of its `/Prev` chain, each
/// inflated up to the per-stream cap, and the entries each cross-reference stream declares,
/// which lopdf reads one by one even when their fields are zero bytes wide (a 158-byte PDF
/// declaring 100 million took 11.5 s and 2.9 GB; a chain of 1,000 one-MiB streams, 15 s).
/// Those dictionaries and trailers are never inside a compressed stream, so one pass over the
/// names of the raw bytes (`#xx` escapes decoded) over-counts both and misses neither.
#[derive(Debug, Default, PartialEq)]
struct RawScan {
    /// The trailer names `/Encrypt`.
    encrypted: bool,
    /// `/Prev` keys with an integer (an offset); an outline's `/Prev 12 0 R` is not one.
    prev_offsets: usize,
    /// The sum of every `/Size` and of the counts in every `/Index`.
    xref_entries: u64,
    /// The largest number in any `/W` array.
    widest_field: u64,
    /// Where each indirect `/Length` value (`12 0 R`) is: from its first byte to past the `R`.
    length_refs: Vec<(usize, usize)>,
}

fn scan_raw(bytes: &[u8]) -> RawScan {
    let mut scan = RawScan::default();
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| b == b'/') {
        let start = at + found + 1;
        let end = bytes[start..]
            .iter()
            .position(|&b| pdf_delimiter(b))
            .map_or(bytes.len(), |n| start + n);
        at = end.max(start);
        // The longest name looked for ("Encrypt", 7 bytes) takes at most 21 escaped.
        let raw = &bytes[start..end];
        if !(1..=21).contains(&raw.len()) {
            continue;
        }
        match unescape_name(raw).as_slice() {
            b"Encrypt" => scan.encrypted = true,
            b"Length" => {
                if let Some((_, after)) = integer_at(bytes, at) {
                    if let Some(end) = reference_end_at(bytes, after) {
                        scan.length_refs.push((skip_space(bytes, at), end));
                    }
                }
            }
            b"Prev" => {
                if let Some((_, after)) = integer_at(bytes, at) {
                    if reference_end_at(bytes, after).is_none() {
                        scan.prev_offsets += 1;
                    }
                }
            }
            b"Size" => {
                if let Some((n, _)) = integer_at(bytes, at) {
                    scan.xref_entries = scan.xref_entries.saturating_add(n);
                }
            }
            b"Index" => {
                // Pairs of (first object, count): the counts are what lopdf reads.
                for (k, n) in integer_array_at(bytes, at).into_iter().enumerate() {
                    if k % 2 == 1 {
                        scan.xref_entries = scan.xref_entries.saturating_add(n);
                    }
                }
            }
            b"W" => {
                let widest = integer_array_at(bytes, at).into_iter().max();
                scan.widest_field = scan.widest_field.max(widest.unwrap_or(0));
            }
            _ => {}
        }
    }
    scan
}

fn pdf_delimiter(b: u8) -> bool {
    pdf_space(b) || b"()<>[]{}/%".contains(&b)
}

fn pdf_space(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// A name's bytes with its `#xx` escapes decoded.
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut name = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (
            raw[i],
            raw.get(i + 1).and_then(|&b| hex(b)),
            raw.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (b'#', Some(h), Some(l)) => {
                name.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                name.push(b);
                i += 1;
            }
        }
    }
    name
}

/// Past white space and comments.
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&b) = bytes.get(at) {
        if pdf_space(b) {
            at += 1;
        } else if b == b'%' {
            at = bytes[at..]
                .iter()
                .position(|&b| b == b'\n' || b == b'\r')
                .map_or(bytes.len(), |n| at + n);
        } else {
            break;
        }
    }
    at
}

/// The integer after white space at `at` (a negative one counts as 0, as lopdf then reads
/// nothing), and where it ends; `None` when there is none.
fn integer_at(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut i = skip_space(bytes, at);
    let negative = match bytes.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = bytes[i.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    let value = bytes[i..i + digits].iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    Some((if negative { 0 } else { value }, i + digits))
}

/// The integers that open the array after white space at `at` (up to anything else in it).
fn integer_array_at(bytes: &[u8], at: usize) -> Vec<u64> {
    let mut out = Vec::new();
    let open = skip_space(bytes, at);
    if bytes.get(open) == Some(&b'[') {
        let mut i = open + 1;
        while let Some((n, after)) = integer_at(bytes, i) {
            out.push(n);
            i = after;
        }
    }
    out
}

/// Past the `R` when ` 0 R` follows (the integer before was an object number, not a value).
fn reference_end_at(bytes: &[u8], at: usize) -> Option<usize> {
    let (_, after) = integer_at(bytes, at)?;
    let r = skip_space(bytes, after);
    (bytes.get(r) == Some(&b'R') && bytes.get(r + 1).is_none_or(|&b| pdf_delimiter(b)))
        .then_some(r + 1)
}

/// The PDF's bytes with every indirect stream length made direct. lopdf resolves
/// `/Length 12 0 R` while it parses the stream, out of the filter's sight, every time it reads
/// the stream, by parsing the object named (or the whole object stream holding it): 5,000
/// streams naming one 200 KB array as their length took 27 s. Each reference is overwritten in
/// place (padded with spaces, so no offset moves) with the length of the data between the
/// `stream` keyword that follows it and the next `endstream`, which is what a writer stores in
/// the object named; where no stream follows, with 0. A length with more digits than the
/// reference has bytes ("1 0 R" holds up to 99,999) refuses the PDF.
fn direct_lengths(bytes: &[u8], refs: &[(usize, usize)]) -> std::result::Result<Vec<u8>, String> {
    let keyword = |at: usize, word: &[u8]| bytes.get(at..at + word.len()) == Some(word);
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    for at in 0..bytes.len().saturating_sub(5) {
        if keyword(at, b"stream") {
            if at >= 3 && keyword(at - 3, b"endstream") {
                ends.push(at - 3);
            } else {
                starts.push(at);
            }
        }
    }
    let eol_after = |at: usize| match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b'\r'), Some(b'\n')) => 2,
        (Some(b'\r' | b'\n'), _) => 1,
        _ => 0,
    };
    let mut out = bytes.to_vec();
    for &(from, to) in refs {
        let length = match starts.get(starts.partition_point(|&s| s < to)) {
            None => 0,
            Some(&keyword_at) => {
                let mut data = keyword_at + 6;
                while matches!(bytes.get(data), Some(b' ' | b'\t')) {
                    data += 1;
                }
                data += eol_after(data);
                match ends.get(ends.partition_point(|&e| e < data)) {
                    None => 0,
                    Some(&end) => {
                        let before = &bytes[data..end];
                        let eol = if before.ends_with(b"\r\n") {
                            2
                        } else {
                            usize::from(before.ends_with(b"\n") || before.ends_with(b"\r"))
                        };
                        end - data - eol
                    }
                }
            }
        };
        let digits = length.to_string();
        if digits.len() > to - from {
            return Err(format!(
                "a stream's length ({length} bytes) is kept apart from it, in too few bytes to be read safely"
            ));
        }
        out[from..to].fill(b' ');
        out[from..from + digits.len()].copy_from_slice(digits.as_bytes());
    }
    Ok(out)
}

/// lopdf's per-object hook: counts, inflates object streams within the budget, and stops the
/// load (by unwinding, without the panic hook) once a bound is passed.
fn load_filter(id: lopdf::ObjectId, object: &mut Object) -> Option<(lopdf::ObjectId, Object)> {
    let verdict = BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        spend(b.as_mut(), id, object).map_err(|why| {
            // Kept in the budget, for `load` to report.
            if let Some(b) = b.as_mut() {
                b.over = Some(why);
            }
        })
    });
    match verdict {
        // lopdf keeps what the filter returns for an object from an object stream, and the
        // object itself (changed in place) for one read from the file. Streams come only from
        // the file (an object stream cannot hold one): they are not copied to be thrown away.
        Ok(true) if matches!(object, Object::Stream(_)) => Some((id, Object::Null)),
        Ok(true) => Some((id, object.clone())),
        Ok(false) => None,
        Err(()) if cfg!(panic = "unwind") => std::panic::resume_unwind(Box::new(OverBudget)),
        Err(()) => None,
    }
}

/// Count `object` against the budget; inflate it if it is an object stream. `Ok(false)`: skip
/// it; `Err`: a bound is passed.
fn spend(
    b: Option<&mut LoadBudget>,
    id: lopdf::ObjectId,
    object: &mut Object,
) -> std::result::Result<bool, String> {
    // Not loading through `load` (cannot happen): keep the object.
    let Some(b) = b else {
        return Ok(true);
    };
    if b.over.is_some() {
        return Ok(false);
    }
    b.count(object)?;
    let Object::Stream(stream) = object else {
        return Ok(true);
    };
    if !stream.dict.has_type(b"ObjStm") {
        return Ok(true);
    }
    if !b.seen_object_streams.insert(id) {
        // Listed again: it was read once, and its objects with it.
        return Ok(false);
    }
    let left = MAX_OBJECT_STREAMS_BYTES - b.object_streams;
    let too_much = || {
        format!(
            "its object streams inflate to more than {} MiB",
            MAX_OBJECT_STREAMS_BYTES >> 20
        )
    };
    if stream.is_compressed() {
        match stream.decompress_with_limit(left) {
            Ok(()) => {}
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => return Err(too_much()),
            // Undecodable: lopdf skips it as it would have.
            Err(_) => return Ok(false),
        }
    } else if stream.content.len() > left {
        return Err(too_much());
    }
    b.object_streams += stream.content.len();
    // lopdf would parse each object from its offset to the end of the stream, so that one
    // listed many times, or objects nested in each other, cost the whole stream each time (a
    // 3 KB PDF took 60 s and 23 GB). Parsed here, each from its offset to the next one's;
    // lopdf then finds the stream empty.
    let Some(objects) = split_object_stream(stream)? else {
        // Unreadable as lopdf reads it: lopdf skips it, and so does this.
        return Ok(false);
    };
    for (_, object) in &objects {
        b.count(object)?;
    }
    b.compressed.push((id.0, objects));
    stream.content.clear();
    Ok(true)
}

/// The objects of an (inflated) object stream, each parsed by lopdf from its offset up to the
/// next object's offset (ISO 32000-1 §7.5.7: the offsets are in increasing order, so in a
/// well-formed stream that is where it ends), as lopdf's `ObjectStream` reads them otherwise.
/// `Ok(None)` where lopdf could not read the stream; `Err` for two objects at one offset.
fn split_object_stream(
    stream: &lopdf::Stream,
) -> std::result::Result<Option<Vec<(lopdf::ObjectId, Object)>>, String> {
    let content = &stream.content;
    if content.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let int = |key: &[u8]| stream.dict.get(key).and_then(Object::as_i64).ok();
    let (Some(first), Some(_)) = (int(b"First"), int(b"N")) else {
        return Ok(None);
    };
    let Some(index) = usize::try_from(first)
        .ok()
        .and_then(|first| content.get(..first))
        .and_then(|index| std::str::from_utf8(index).ok())
    else {
        return Ok(None);
    };
    let first = index.len();
    let numbers: Vec<Option<u32>> = index.split_whitespace().map(|n| n.parse().ok()).collect();
    let entries: Vec<(u32, usize)> = numbers
        .chunks_exact(2)
        .filter_map(|pair| {
            let offset = first.checked_add(usize::try_from(pair[1]?).ok()?)?;
            Some((pair[0]?, offset)).filter(|_| offset < content.len())
        })
        .collect();
    let mut starts: Vec<usize> = entries.iter().map(|&(_, at)| at).collect();
    starts.sort_unstable();
    starts.dedup();
    if starts.len() != entries.len() {
        return Err("its object stream puts two objects in one place".into());
    }
    let mut objects = Vec::with_capacity(entries.len());
    for (number, at) in entries {
        let next = starts.partition_point(|&s| s <= at);
        let end = starts.get(next).copied().unwrap_or(content.len());
        let head = format!("{number} 0 ");
        let mut one = lopdf::Dictionary::new();
        one.set("N", 1);
        one.set("First", head.len() as i64);
        let mut body = head.into_bytes();
        body.extend_from_slice(&content[at..end]);
        let mut single = lopdf::Stream::new(one, body);
        if let Ok(parsed) = lopdf::ObjectStream::new(&mut single) {
            objects.extend(parsed.objects);
        }
    }
    Ok(Some(objects))
}

/// The bytes an object took to parse, at least: its strings, names and stream content, and a
/// byte per element. Never more than it takes written out, so in a PDF whose objects do not
/// overlap the sum over all objects stays within the file and its inflated object streams.
fn weight(object: &Object) -> usize {
    let mut total = 0usize;
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        total = total.saturating_add(1);
        match o {
            Object::Name(n) => total = total.saturating_add(n.len()),
            Object::String(s, _) => total = total.saturating_add(s.len()),
            Object::Array(items) => stack.extend(items.iter()),
            Object::Dictionary(d) => {
                for (k, v) in d.iter() {
                    total = total.saturating_add(k.len());
                    stack.push(v);
                }
            }
            Object::Stream(s) => {
                total = total.saturating_add(s.content.len());
                for (k, v) in s.dict.iter() {
                    total = total.saturating_add(k.len());
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    total
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
        let wanted =
            [PRESENTATION_FILE, MANIFEST_FILE].contains(&name.as_str()) || is_sd_jwt_file(&name);
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
        // Every attachment together within the size of one document: a portfolio of many
        // SD-JWT VCs is small, and a PDF cannot inflate a hundred streams to that size each.
        let used: usize = out.iter().map(|(_, b)| b.len()).sum();
        let room = (2 * crate::formats::MAX_DOCUMENT_BYTES).saturating_sub(used);
        let bytes = if stream.dict.get(b"Filter").is_ok() {
            stream
                .decompressed_content_with_limit(room)
                .map_err(|e| bad(format!("the attachment {name} cannot be decoded: {e}")))?
        } else if stream.content.len() > room {
            return Err(bad(format!(
                "the PDF's attachments are larger than a portfolio's ({name} and before it)"
            )));
        } else {
            stream.content.clone()
        };
        out.push((name, bytes));
    }
    Ok(())
}

/// The `nonce` of a compact key-binding JWT (its signature is checked by the verification).
fn kb_nonce(kb: &str) -> Option<String> {
    use base64::Engine;
    let payload = kb.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("nonce")?.as_str().map(str::to_owned)
}

/// Verify a portfolio PDF: the attached presentation as a presentation, and the manifest
/// (what the pages list) against it. `Err` when it is not a portfolio at all.
pub fn verify_portfolio(bytes: &[u8], env: &Env, now: DateTime<Utc>) -> Result<Verification> {
    let p = read_portfolio(bytes)?;
    let doc = crate::formats::parse_document(&p.presentation)?;
    let mut v = verify::verify_document(&doc, env, now);
    // The SD-JWT VCs beside it: each verified as the presentation it is (key-binding JWT
    // included), listed after the presentation's credentials as the pages list them.
    // The portfolio's own challenge: each SD-JWT VC beside it was presented over it, so one
    // taken from another presentation is not passed off as part of this portfolio.
    let challenge = doc
        .credential
        .pointer("/proof/challenge")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    for (name, bytes) in &p.sd_jwts {
        let checked = crate::formats::parse_document(bytes).map(|d| {
            let nonce = match &d.envelope {
                crate::formats::Envelope::SdJwt(sd) => sd.kb_jwt.as_deref().and_then(kb_nonce),
                _ => None,
            };
            (d.format, nonce, verify::verify_document(&d, env, now))
        });
        match checked {
            Ok((crate::model::Format::SdJwtVc, nonce, _))
                if nonce.is_none() || nonce != challenge =>
            {
                v.steps.push(Step {
                    step: StepKind::Proof,
                    status: StepStatus::Fail,
                    message: format!(
                        "The SD-JWT VC attached as {name} was not presented for this portfolio (its key-binding JWT's nonce is not the presentation's challenge): the PDF was altered."
                    ),
                    lapse: None,
                });
            }
            Ok((crate::model::Format::SdJwtVc, _, sv)) => {
                let title = sv.credential.title.clone().unwrap_or_else(|| name.clone());
                let (status, message) = match sv.verdict {
                    crate::model::Verdict::Valid => (
                        StepStatus::Pass,
                        format!("The SD-JWT VC “{title}” attached as {name} verifies."),
                    ),
                    crate::model::Verdict::Inactive => (
                        StepStatus::Pass,
                        format!("The SD-JWT VC “{title}” attached as {name} is genuine, and no longer in force."),
                    ),
                    crate::model::Verdict::Invalid => (
                        StepStatus::Fail,
                        format!("The SD-JWT VC “{title}” attached as {name} is not valid."),
                    ),
                    _ => (
                        StepStatus::Skip,
                        format!("The SD-JWT VC “{title}” attached as {name} could not be checked."),
                    ),
                };
                v.steps.push(Step {
                    step: StepKind::Proof,
                    status,
                    message,
                    lapse: None,
                });
                v.embedded.push(sv);
            }
            _ => v.steps.push(Step {
                step: StepKind::Format,
                status: StepStatus::Fail,
                message: format!(
                    "The PDF's attachment {name} is not an SD-JWT VC: the PDF was altered."
                ),
                lapse: None,
            }),
        }
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Only a portfolio's own numbered SD-JWT attachments are read, a hundred at most.
    #[test]
    fn only_numbered_sd_jwt_attachments_are_read() {
        assert!(is_sd_jwt_file("sd-jwt-1.sdjwt"));
        assert!(is_sd_jwt_file(&sd_jwt_file(MAX_SD_JWT_FILES)));
        for name in [
            "sd-jwt-0.sdjwt",
            "sd-jwt-101.sdjwt",
            "sd-jwt-01.sdjwt",
            "sd-jwt-+1.sdjwt",
            "sd-jwt-1.sdjwt.exe",
            "grade.sdjwt",
        ] {
            assert!(!is_sd_jwt_file(name), "{name}");
        }
    }

    /// The raw scan counts what lopdf will follow and read before the load budget sees
    /// anything, however the names are escaped, and not an outline's links.
    #[test]
    fn the_raw_scan_counts_cross_reference_sections_and_entries() {
        let scan = |s: &str| scan_raw(s.as_bytes());
        assert_eq!(scan("<</Size 12/Prev 345>>").prev_offsets, 1);
        assert_eq!(scan("<</Size 12/Pr#65v%note\r\n 345>>").prev_offsets, 1);
        assert_eq!(scan("<</Prev +345/Next 7 0 R>>").prev_offsets, 1);
        // An outline item's neighbours are references; an empty or named value is no offset.
        assert_eq!(scan("<</Prev 12 0 R/Next 14 0 R>>").prev_offsets, 0);
        assert_eq!(scan("<</Prev/Size>><</Prev>>").prev_offsets, 0);
        assert_eq!(scan("<</Prev 12 0 Rx>>").prev_offsets, 1);
        // `/Size`, and the counts (not the first numbers) of `/Index`.
        assert_eq!(scan("<</Size 3000/Index[0 10 500 20]>>").xref_entries, 3030);
        assert_eq!(
            scan("<</S#69ze 4000000000/W[0 0 0]>>").xref_entries,
            4_000_000_000
        );
        assert_eq!(scan("<</Index [ 0 7 %c\n 9 -5 ]/Size -1>>").xref_entries, 7);
        assert_eq!(
            scan("<</Size 99999999999999999999999>>").xref_entries,
            u64::MAX
        );
        // The widest `/W` field; a font's widths array stops at its first inner array.
        assert_eq!(
            scan("<</W[0 4444444444444 2]>>").widest_field,
            4_444_444_444_444
        );
        assert_eq!(
            scan("<</#57 [1 4 2]/W[1 [500 600] 3 5 900000000]>>").widest_field,
            4
        );
        // Other names (and names too long to be one of these) count nothing.
        assert_eq!(
            scan("<</Sizes 5/PrevX 6/Type/XRef/Lengthy 9/Prev#>>/Wx[9]"),
            RawScan::default()
        );
    }

    /// A PDF whose cross-reference sections would cost lopdf far more than its size is
    /// refused before lopdf reads them.
    #[test]
    fn cross_reference_bombs_are_refused_before_lopdf_reads_them() {
        let empty_entries = "%PDF-1.5\n1 0 obj\n<</Type/Catalog>>\nendobj\n2 0 obj\n\
            <</Type/XRef/Size 4000000000/W[0 0 0]/Root 1 0 R/Length 0>>\nstream\n\nendstream\n\
            endobj\nstartxref\n41\n%%EOF\n";
        let e = read_portfolio(empty_entries.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("declare more than 500000 objects"), "{e}");
        let mut chain = String::from("%PDF-1.5\n");
        for i in 0..MAX_XREF_SECTIONS {
            chain.push_str(&format!("{} 0 obj\n<</Type/XRef/Size 1/W[1 1 1]/Prev {i}/Length 0>>\nstream\n\nendstream\nendobj\n", i + 1));
        }
        let e = read_portfolio(chain.as_bytes()).unwrap_err().to_string();
        assert!(
            e.contains("chains more than 32 cross-reference sections"),
            "{e}"
        );
    }

    /// Parsing object streams one object at a time gives exactly the objects lopdf's own
    /// load gives, for a PDF saved as a portfolio is (object and cross-reference streams).
    #[test]
    fn object_streams_split_here_load_as_lopdf_loads_them() {
        use lopdf::{dictionary, Document, Object, Stream};
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        let mut kids = Vec::new();
        for i in 0..250 {
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => format!("F{i}"),
                "W" => vec![Object::Integer(1), Object::Array(vec![500.into(), 600.into()])],
                "Note" => Object::string_literal(format!("(nested) \\ {i} ]>>")),
            });
            let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages, "Contents" => content,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "Nested" => vec![Object::Array(vec![Object::Array(vec![i.into()])])],
            })));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_modern(&mut bytes).unwrap();
        assert!(
            bytes.windows(7).any(|w| w == b"/ObjStm"),
            "saved with object streams"
        );

        let theirs = Document::load_mem(&bytes).unwrap();
        let ours = load(&bytes).unwrap();
        let plain = |d: &Document| -> Vec<(lopdf::ObjectId, String)> {
            d.objects
                .iter()
                .filter(|(_, o)| !matches!(o, Object::Stream(s) if s.dict.has_type(b"ObjStm") || s.dict.has_type(b"XRef")))
                .map(|(id, o)| (*id, format!("{o:?}")))
                .collect()
        };
        let theirs = plain(&theirs);
        assert!(theirs.len() > 750, "{}", theirs.len());
        assert_eq!(plain(&ours), theirs);
    }

    /// Indirect stream lengths are made direct before lopdf reads the PDF, so it never
    /// resolves them; the streams read as lopdf reads them with the length objects.
    #[test]
    fn indirect_stream_lengths_are_read_without_resolving_them() {
        let pdf = |data: &str, length_ref: &str, length: &str| {
            let mut b = String::from("%PDF-1.4\n");
            let o1 = b.len();
            b.push_str("1 0 obj\n<</Type/Catalog>>\nendobj\n");
            let o2 = b.len();
            b.push_str(&format!("2 0 obj\n<</Length {length_ref}/Note(x)>>\nstream\r\n{data}\r\nendstream\nendobj\n"));
            let o3 = b.len();
            b.push_str(&format!("3 0 obj\n{length}\nendobj\n"));
            let x = b.len();
            b.push_str(&format!("xref\n0 4\n0000000000 65535 f \n{o1:010} 00000 n \n{o2:010} 00000 n \n{o3:010} 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n{x}\n%%EOF\n"));
            b.into_bytes()
        };
        let data = "BT /F1 12 Tf (a stream) Tj ET";
        let bytes = pdf(data, "3 0 R", &data.len().to_string());
        let theirs = Document::load_mem(&bytes).unwrap();
        let ours = load(&bytes).unwrap();
        let content = |d: &Document| {
            d.get_object((2, 0))
                .unwrap()
                .as_stream()
                .unwrap()
                .content
                .clone()
        };
        assert_eq!(content(&theirs), data.as_bytes());
        assert_eq!(content(&ours), data.as_bytes());
        // A reference too short for its stream's length is refused, never resolved.
        let long = "x".repeat(100_000);
        let e = read_portfolio(&pdf(&long, "3 0 R", "100000"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("a stream's length (100000 bytes) is kept apart from it"),
            "{e}"
        );
        assert_eq!(scan_raw(b"<</Length 3 0 R>>").length_refs, vec![(10, 15)]);
        assert!(scan_raw(b"<</Length 3>>").length_refs.is_empty());
    }

    /// An encrypted PDF is refused before lopdf loads it (its encrypted path skips the load
    /// budget), however the trailer spells the key.
    #[test]
    fn an_encrypted_pdf_is_refused_before_it_is_loaded() {
        for (trailer, encrypted) in [
            ("<</Size 3/Root 1 0 R/Encrypt 2 0 R>>", true),
            ("<</Size 3/Root 1 0 R/Encr#79pt 2 0 R>>", true),
            ("<</Size 3/Root 1 0 R/#45#6e#63#72#79#70#74 2 0 R>>", true),
            ("<</Size 3/Root 1 0 R/EncryptMetadata false>>", false),
            ("<</Size 3/Root 1 0 R/Encrypted true/Enc>>", false),
        ] {
            let pdf = format!(
                "%PDF-1.4\n1 0 obj\n<</Type/Catalog>>\nendobj\ntrailer\n{trailer}\n%%EOF\n"
            );
            assert_eq!(scan_raw(pdf.as_bytes()).encrypted, encrypted, "{trailer}");
            if encrypted {
                let e = read_portfolio(pdf.as_bytes())
                    .map(|_| ())
                    .unwrap_err()
                    .to_string();
                assert!(e.contains("the PDF is encrypted"), "{trailer}: {e}");
            }
        }
    }
}
