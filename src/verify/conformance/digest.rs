//! `relatedResource` (VC DM 2.0 §5.3): one or more objects, each with an `id` that is a URL
//! and unique among them, and at least one `digestSRI` (a Subresource Integrity
//! hash-expression, SRI §3.5) or `digestMultibase` (VC Data Integrity 1.0 §2.6: a multibase
//! multihash).
//!
//! A resource is never fetched. Only for a resource whose published digests we hold can a
//! digest be compared: the base context, whose SHA-256 the Recommendation states (§B.1), in
//! the two revisions the W3C has published a digest for — the Recommendation's and the 2024
//! Candidate Recommendation's, which the W3C VC DM 2.0 test suite's fixtures and credentials
//! issued during the CR period carry. Those bytes are not the same as the reformatted copy we
//! bundle for JSON-LD processing (`assets/contexts/`), so the digests are listed here, from
//! w3c/vc-data-model `contexts/credentials/v2` at 08b83e46 (2025-02-24; the Recommendation's
//! SHA-256 59955ced…) and 8d0ee107 (2024-07-20; the CR's 24a18c90…). A digest of any other
//! resource is checked for its form only.
//!
//! The multibase value may also be a bare digest (32, 48 or 64 bytes, without the multihash
//! header), as the W3C test suite's own fixtures write it.

use super::{short, Checker, Rule, VC2_CONTEXT};
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::Value;

/// SHA-256, SHA-384 and SHA-512 (hex) of each published revision of a known resource.
const KNOWN: &[(&str, [&str; 3])] = &[
    (
        VC2_CONTEXT,
        [
            "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
            "97f1eb8e5042356c805fdd61afa2c557663785e0794dcafa21e138fd38def18cb360133c221aa31d6896a6bf3e65b614",
            "5d55452bd2dcf8a29f5a290473eb242b1c5fb77d4e68f1a0aa87baa4dba2694852d65ec63d48ac04a99d956f9f7153b9406f84d2d04c74869b02c239a1d81305",
        ],
    ),
    (
        VC2_CONTEXT,
        [
            "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
            "35239c36999d2155312091af194a1edb61634d6ad789a5e5b19f2aebdd762dd9d1dcaada40eda7ef921c6b8c0ae107a0",
            "cb1336dfa8670d80d03344b3b0cc25faf4d45201823c35f39bb1afe5a9f911f615ff4ec80ec5f2f89e33d14e96bec8be78e38df35b918c9cd5f3b3449bd6c88f",
        ],
    ),
];

/// A SHA-2 digest read from a `digestSRI` or `digestMultibase` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sha2 {
    /// 0 for SHA-256, 1 for SHA-384, 2 for SHA-512 (the index into the arrays of `KNOWN`).
    algorithm: usize,
    bytes: Vec<u8>,
}

impl Sha2 {
    fn of_len(len: usize) -> Option<usize> {
        match len {
            32 => Some(0),
            48 => Some(1),
            64 => Some(2),
            _ => None,
        }
    }
}

/// Reads the digests of one `digestSRI` or `digestMultibase` string.
type Reader = fn(&str) -> Result<Vec<Sha2>, String>;

/// Check every `relatedResource` entry of `doc`.
pub(super) fn related_resources(c: &mut Checker, doc: &Value) {
    let entries = match doc.get("relatedResource") {
        None | Some(Value::Null) => return,
        Some(v) => super::items(v),
    };
    const AT: &str = "VC DM 2.0 §5.3";
    if entries.is_empty() {
        c.push(
            Rule::RelatedResource,
            format!("its relatedResource is empty ({AT})"),
        );
    }
    let many = entries.len() > 1;
    let mut seen: Vec<&str> = Vec::new();
    for (n, e) in entries.iter().enumerate() {
        let which = if many {
            format!("relatedResource entry {}", n + 1)
        } else {
            "relatedResource".to_string()
        };
        let Some(o) = e.as_object() else {
            c.push(
                Rule::RelatedResource,
                format!(
                    "its {which} {} is not an object with an id and a digest ({AT})",
                    short(e)
                ),
            );
            continue;
        };
        let id = match o.get("id") {
            Some(Value::String(s)) if super::is_url(s) => Some(s.as_str()),
            None | Some(Value::Null) => {
                c.push(
                    Rule::RelatedResource,
                    format!("its {which} has no id ({AT})"),
                );
                None
            }
            Some(other) => {
                c.push(
                    Rule::RelatedResource,
                    format!("its {which}'s id {} is not a URL ({AT})", short(other)),
                );
                None
            }
        };
        if let Some(id) = id {
            if seen.contains(&id) {
                c.push(
                    Rule::RelatedResource,
                    format!("its relatedResource lists {id} more than once; each id must be unique ({AT})"),
                );
            }
            seen.push(id);
        }
        let sri = o.get("digestSRI").filter(|v| !v.is_null());
        let multibase = o.get("digestMultibase").filter(|v| !v.is_null());
        if sri.is_none() && multibase.is_none() {
            c.push(
                Rule::RelatedResource,
                format!("its {which} has neither a digestSRI nor a digestMultibase ({AT})"),
            );
            continue;
        }
        let mut digests = Vec::new();
        let readers: [(&str, Option<&Value>, Reader); 2] = [
            ("digestSRI", sri, sri_digests),
            ("digestMultibase", multibase, multibase_digest_list),
        ];
        for (member, value, read) in readers {
            let Some(value) = value else { continue };
            let texts: Vec<Option<&str>> =
                super::items(value).into_iter().map(Value::as_str).collect();
            if texts.is_empty() || texts.iter().any(Option::is_none) {
                c.push(
                    Rule::RelatedResource,
                    format!(
                        "its {which}'s {member} {} is not a string ({AT})",
                        short(value)
                    ),
                );
                continue;
            }
            for text in texts.into_iter().flatten() {
                match read(text) {
                    Ok(d) => digests.extend(d.into_iter().map(|d| (member, d))),
                    Err(why) => c.push(
                        Rule::RelatedResource,
                        format!("its {which}'s {member} \"{text}\" {why} ({AT})"),
                    ),
                }
            }
        }
        let Some(id) = id else { continue };
        let revisions: Vec<&[&str; 3]> = KNOWN
            .iter()
            .filter(|(url, _)| *url == id)
            .map(|(_, d)| d)
            .collect();
        if revisions.is_empty() {
            continue;
        }
        for (member, d) in digests {
            let given = hex(&d.bytes);
            if !revisions.iter().any(|r| r[d.algorithm] == given) {
                c.push(
                    Rule::RelatedResource,
                    format!("its {member} for {id} does not match that resource: the digest given is not the digest of any published revision of it (VC DM 2.0 §5.3, §B.1)"),
                );
            }
        }
    }
}

/// The digests of a `digestSRI`: one or more hash-expressions separated by white space,
/// each `sha256-`, `sha384-` or `sha512-` and the standard base64 of a digest of that length
/// (SRI §3.5; options after `?` are ignored).
pub(crate) fn sri_digests(text: &str) -> Result<Vec<Sha2>, String> {
    let standard = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let mut out = Vec::new();
    for expr in text.split_ascii_whitespace() {
        let (algo, value) = expr
            .split_once('-')
            .ok_or("is not a Subresource Integrity hash expression (algorithm-base64)")?;
        let algorithm = match algo {
            "sha256" => 0,
            "sha384" => 1,
            "sha512" => 2,
            other => {
                return Err(format!(
                    "names the hash algorithm {other}; SRI allows sha256, sha384 and sha512"
                ))
            }
        };
        let value = value.split('?').next().unwrap_or_default();
        let bytes = standard
            .decode(value)
            .map_err(|_| "is not standard base64 after the algorithm name".to_string())?;
        if Sha2::of_len(bytes.len()) != Some(algorithm) {
            return Err(format!(
                "is {} bytes long, not a {algo} digest",
                bytes.len()
            ));
        }
        out.push(Sha2 { algorithm, bytes });
    }
    if out.is_empty() {
        return Err("is empty".into());
    }
    Ok(out)
}

fn multibase_digest_list(text: &str) -> Result<Vec<Sha2>, String> {
    multibase_digest(text).map(|d| d.into_iter().collect())
}

/// The digest of a `digestMultibase`: base64url (`u`), base64 (`m`) or base58btc (`z`) of a
/// SHA-2 multihash (or of a bare SHA-2 digest). `Ok(None)` for a well-formed multihash of
/// another hash function, or another multibase encoding, which cannot be compared.
pub(crate) fn multibase_digest(text: &str) -> Result<Option<Sha2>, String> {
    let indifferent =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let mut chars = text.chars();
    let Some(prefix) = chars.next() else {
        return Err("is empty".into());
    };
    let body = chars.as_str();
    let bytes = match prefix {
        'u' => GeneralPurpose::new(&alphabet::URL_SAFE, indifferent).decode(body),
        'm' => GeneralPurpose::new(&alphabet::STANDARD, indifferent).decode(body),
        'z' => {
            return bs58::decode(body)
                .into_vec()
                .map_err(|_| "is not base58btc after its multibase prefix z".to_string())
                .and_then(|b| read_multihash(&b));
        }
        _ => return Ok(None),
    }
    .map_err(|_| "is not base64 after its multibase prefix".to_string())?;
    read_multihash(&bytes)
}

fn read_multihash(bytes: &[u8]) -> Result<Option<Sha2>, String> {
    // sha2-256 = 0x12, sha2-512 = 0x13, sha2-384 = 0x20 (the multicodec table).
    let known = match bytes {
        [0x12, 32, rest @ ..] if rest.len() == 32 => Some((0, rest)),
        [0x20, 48, rest @ ..] if rest.len() == 48 => Some((1, rest)),
        [0x13, 64, rest @ ..] if rest.len() == 64 => Some((2, rest)),
        _ => None,
    };
    if let Some((algorithm, digest)) = known {
        return Ok(Some(Sha2 {
            algorithm,
            bytes: digest.to_vec(),
        }));
    }
    if let Some(algorithm) = Sha2::of_len(bytes.len()) {
        return Ok(Some(Sha2 {
            algorithm,
            bytes: bytes.to_vec(),
        }));
    }
    // Another hash function: a varint code, a varint length, then that many bytes.
    let (_, rest) = varint(bytes).ok_or_else(not_a_multihash)?;
    let (len, rest) = varint(rest).ok_or_else(not_a_multihash)?;
    if u64::try_from(rest.len()).ok() == Some(len) && len > 0 {
        Ok(None)
    } else {
        Err(not_a_multihash())
    }
}

fn not_a_multihash() -> String {
    "is not a multihash digest".into()
}

/// An unsigned LEB128 varint (at most 9 bytes, as multiformats allow) and what follows it.
fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut n = 0u64;
    for (i, b) in bytes.iter().enumerate().take(9) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
