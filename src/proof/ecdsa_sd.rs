//! `ecdsa-sd-2023` (W3C VC Data Integrity ECDSA Cryptosuites v1.0, §3.4 selective disclosure
//! functions, §3.5 ecdsa-sd-2023 functions, §3.6 the suite; numbering of w3c/vc-di-ecdsa at
//! `00781de`): selectively disclosed credentials under a P-256 base signature, checked
//! offline. A *derived* proof is what a verifier receives; a *base* proof is what the issuer
//! hands the holder, and the wallet confirms it as the issuer made it. Must not fetch or sign.
//!
//! Checked, in this order:
//!
//! 1. The `proofValue` (parseBaseProofValue §3.5.3, parseDerivedProofValue §3.5.8,
//!    decompressLabelMap §3.5.6): multibase base64url without padding (`u`), the header
//!    `d9 5d 00` (base) or `d9 5d 01` (derived), then one CBOR array of five items and nothing
//!    after it. Base: the base signature (a 64-byte byte string), the proof's ephemeral public
//!    key (35 bytes: the P-256 Multikey header `80 24` and a compressed point), the HMAC key
//!    (32 bytes), the statement signatures (64 bytes each) and the mandatory JSON pointers
//!    (text). Derived: the base signature, the public key, the statement signatures, the
//!    compressed label map (unsigned `k` → 32 bytes `v`, meaning `c14nk` → `u` +
//!    base64url(`v`)) and the mandatory indexes (unsigned). A byte string may carry CBOR tag
//!    64, as the reference decoder accepts. Arrays and maps hold at most 10 000 entries, and a
//!    length is checked against the input before anything is read: hostile input fails with a
//!    message naming the part, and nothing is allocated by a length it claims.
//! 2. `proofHash`: SHA-256 of the RDFC-1.0 canonical proof options (the proof without
//!    `proofValue`, with the document's `@context`, or its own when it has one). Here and
//!    below, a JSON-LD context that is neither bundled nor cached, or a JSON-LD feature the
//!    wallet does not implement, makes the proof unverifiable; other JSON-LD errors, invalid.
//! 3. The statements: the document without its proof, as canonical N-Quads lines (each with
//!    its `\n`) whose blank node labels are replaced, then sorted.
//!    - Derived (createVerifyData §3.5.9, createLabelMapFunction §3.4.3): each canonical label
//!      through the label map; a label the map lacks is an error. The lines at the mandatory
//!      indexes (in range, ascending, no repeats) are mandatory, the others in order are not.
//!    - Base (canonicalizeAndGroup §3.4.16, createHmacIdLabelMapFunction §3.4.4): each
//!      canonical label becomes `u` + base64url(HMAC-SHA-256(HMAC key, label)). A line is
//!      mandatory when the selection of the mandatory pointers (selectJsonLd §3.4.13) yields
//!      it, found on a skolemised copy (see below).
//! 4. The signatures (Verify Derived Proof §3.6.7): as many statement signatures as
//!    non-mandatory lines; the base signature, by the issuer's key, over
//!    `proofHash ‖ publicKey ‖ mandatoryHash` (the 35 Multikey bytes as they are;
//!    `mandatoryHash` is SHA-256 of the mandatory lines joined); each statement signature, by
//!    the proof's ephemeral key, over the UTF-8 bytes of its line. ECDSA on P-256 with SHA-256
//!    of the message, signatures as `r ‖ s`.
//!
//! The byte conventions are those of `@digitalbazaar/ecdsa-sd-2023-cryptosuite` 3.4.1 and
//! `@digitalbazaar/di-sd-primitives` 3.3.0, which the interop reference signs with; the lines
//! are sorted by UTF-16 code units, as JavaScript sorts them.
//!
//! **Selection without compaction.** The reference skolemises a base document by expanding
//! it, naming every blank node `urn:bnid:…` and compacting it again, and resolves the JSON
//! pointers on that compact copy. The wallet has no JSON-LD compaction: it names the node
//! objects of the document as received (an `@id` where a node has none, `_:` labels turned into
//! names), finding them with the context processing expansion uses, so JSON literals, language
//! maps and value objects stay as they are. Two effects of compaction are imitated when a
//! pointer is resolved: a key after an array of one element reads that element, and index `0`
//! of a single value is the value itself. The named copy must mean what the document means (its
//! canonical N-Quads, names turned back into blank nodes, equal the document's), or the proof is
//! unverifiable. A node on a pointer's path keeps its own `@context` in the selection.
//!
//! Where the wallet differs from the reference, a wrong proof still cannot pass, because every
//! statement is covered by a signature whatever the grouping; a right one might be refused:
//! - the reference relabels blank nodes with a regular expression over N-Quads text, so it also
//!   rewrites `_:…` written inside a literal; the wallet relabels blank nodes only;
//! - mandatory indexes must be ascending without repeats, and a label map may not name a label
//!   twice (the reference's own output always is so);
//! - a base proof is confirmed with the grouping the issuer signed (canonicalizeAndGroup), not
//!   with the reference confirm suite's shortcut, which canonicalises the mandatory selection on
//!   its own and agrees only when its blank node labels come out the same;
//! - pointers are resolved on the document as received, so a key that compaction would have
//!   rewritten (a full IRI where the context has a term for it) is not found;
//! - RDF lists and unnamed graphs (`@graph` containers) are not named, so a mandatory pointer
//!   into one selects nothing there.

use crate::proof::contexts::ContextLoader;
use crate::proof::di::{self, Failure};
use crate::proof::jsonld::context::{
    container, is_keyword, ActiveContext, Flags, Processor, TermDef,
};
use crate::proof::jsonld::nquads::{js_cmp, write_iri, write_term};
use crate::proof::jsonld::{self, JsonLdError, Quad, Term, MAX_DEPTH};
use crate::proof::rdfc;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use minicbor::data::Type;
use minicbor::Decoder;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The header of a base proof value: CBOR tag `0x5d00`.
const BASE_HEADER: [u8; 3] = [0xd9, 0x5d, 0x00];
/// The header of a derived (disclosure) proof value: CBOR tag `0x5d01`.
const DERIVED_HEADER: [u8; 3] = [0xd9, 0x5d, 0x01];
/// The Multikey header of a P-256 public key.
const P256_MULTIKEY: [u8; 2] = [0x80, 0x24];
/// The most entries an array or map of a proof value may claim.
const MAX_ITEMS: usize = 10_000;
/// The names the wallet gives blank nodes while selecting (`urn:bnid:` as the reference, and a
/// prefix of its own, so only its own names are turned back into blank nodes).
const SKOLEM: &str = "urn:bnid:_mcx_";

/// Verify the `ecdsa-sd-2023` `proof` on `doc` (the secured document as received), a base or
/// a derived proof, under `key`, the issuer's key already resolved for the proof's purpose.
pub fn verify(
    doc: &Value,
    proof: &Value,
    contexts: &ContextLoader,
    key: &VerifyingKey,
) -> Result<(), Failure> {
    create_verify_data(doc, proof, contexts)?.check(key)
}

/// The mandatory pointers of `doc`'s `ecdsa-sd-2023` base proof (what every credential
/// derived from it shows), or `None` when it carries no base proof: the holder can choose what
/// to show only of a credential that does.
pub fn base_mandatory_pointers(doc: &Value) -> Option<Vec<String>> {
    let (_, bytes) = base_proof_of(doc)?;
    match parse(&bytes).ok()? {
        ProofValue::Base(b) => Some(b.mandatory_pointers.iter().map(|s| s.to_string()).collect()),
        ProofValue::Derived(_) => None,
    }
}

/// The value a JSON pointer selects in `doc` as the selection reads pointers (the reference's
/// leniency included), `None` when it selects nothing: how far a mandatory pointer reaches.
pub fn selected_by<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    resolve(doc, &parse_pointer(pointer))?
        .last()
        .map(|(_, v)| *v)
}

/// The `ecdsa-sd-2023` proof of `doc` that is a base proof, with its decoded value.
fn base_proof_of(doc: &Value) -> Option<(&Value, Vec<u8>)> {
    di::proofs_of(doc).into_iter().find_map(|p| {
        if p.get("cryptosuite").and_then(Value::as_str) != Some("ecdsa-sd-2023") {
            return None;
        }
        let bytes = decode_multibase(p.get("proofValue")?.as_str()?).ok()?;
        bytes.starts_with(&BASE_HEADER).then_some((p, bytes))
    })
}

/// The holder's side: from `doc`, secured with an `ecdsa-sd-2023` base proof, the credential
/// a verifier receives, showing what the issuer made mandatory and what `selective` (JSON
/// pointers) selects, with a derived proof (createDisclosureData §3.5.4 and
/// serializeDerivedProofValue §3.5.7). Nothing is signed: the derived proof carries the
/// issuer's base signature and the statement signatures of what is shown. The reveal document
/// is selected from the credential as it was received, the statements from the copy whose
/// blank nodes are named (as [`verify`] finds them); the result is checked against the
/// statement signatures before it is returned.
pub fn derive(doc: &Value, selective: &[&str], contexts: &ContextLoader) -> Result<Value, Failure> {
    let (proof, bytes) = base_proof_of(doc).ok_or_else(|| {
        Failure::Invalid(
            "the credential has no ecdsa-sd-2023 base proof (only the issuer's base proof lets the holder choose what to show)".into(),
        )
    })?;
    let ProofValue::Base(p) = parse(&bytes).map_err(malformed)? else {
        return Err(Failure::Invalid("the proof is not a base proof".into()));
    };
    let all = di::proofs_of(doc);
    let (mut unsecured, _) = di::unsecured_parts(doc, proof, &all)?;
    if let (Some(ctx), Some(u)) = (doc.get("@context"), unsecured.as_object_mut()) {
        u.insert("@context".into(), ctx.clone());
    }
    let mandatory = p.mandatory_pointers.clone();
    let combined: Vec<&str> = mandatory.iter().chain(selective).copied().collect();
    if combined.is_empty() {
        return Err(Failure::Invalid(
            "nothing would be shown: choose at least one claim".into(),
        ));
    }
    let cannot = |e: JsonLdError| {
        Failure::Unverifiable(format!(
            "the wallet cannot name the credential's blank nodes to select what is shown ({e})"
        ))
    };
    // A selective pointer must name exactly one place (RFC 6901), where the selection lands:
    // the reference's lenient reading (`parseInt` keys, a skipped `/0`) could otherwise land
    // on a whole object, withheld members and all.
    let exact = |ptr: &str| {
        let target = unsecured.pointer(ptr);
        let landed = resolve(&unsecured, &parse_pointer(ptr))
            .and_then(|moves| moves.last().map(|(_, v)| *v));
        matches!((target, landed), (Some(t), Some(l)) if std::ptr::eq(t, l))
    };
    if let Some(missing) = selective.iter().find(|ptr| !ptr.is_empty() && !exact(ptr)) {
        return Err(Failure::Invalid(format!(
            "the credential has nothing at \"{missing}\" to show"
        )));
    }
    let named = skolemize(&unsecured, contexts).map_err(cannot)?;
    let quads = deskolemize(jsonld::to_rdf(&named, contexts).map_err(cannot)?);
    let (_, labels) = canonical_relabelling(&quads, &|c14n| hmac_label(p.hmac_key, c14n))?;
    let lines = sorted_lines(&quads, &labels);
    let select = |pointers: &[&str]| -> Result<Vec<Quad>, Failure> {
        if pointers.is_empty() {
            return Ok(Vec::new());
        }
        let selection = select_json_ld(&named, pointers).map_err(Failure::Invalid)?;
        Ok(deskolemize(
            jsonld::to_rdf(&selection, contexts).map_err(cannot)?,
        ))
    };
    let lines_of = |quads: &[Quad]| -> HashSet<String> {
        quads.iter().filter_map(|q| line(q, &labels)).collect()
    };
    let mandatory_lines = lines_of(&select(&mandatory)?);
    let selective_lines = lines_of(&select(selective)?);
    let combined_quads = select(&combined)?;
    let combined_lines = lines_of(&combined_quads);
    let signed = lines
        .iter()
        .filter(|l| !mandatory_lines.contains(*l))
        .count();
    if signed != p.signatures.len() {
        return Err(Failure::Invalid(format!(
            "the base proof signs {} statements, but the credential has {signed} that are not mandatory: it was changed after signing",
            p.signatures.len()
        )));
    }
    // The mandatory statements' places among those shown, and the signatures of the others.
    let mut mandatory_indexes = Vec::new();
    let mut shown = 0u64;
    let mut signatures = Vec::new();
    let mut next = p.signatures.iter();
    for l in &lines {
        if combined_lines.contains(l) {
            if mandatory_lines.contains(l) {
                mandatory_indexes.push(shown);
            }
            shown += 1;
        }
        if !mandatory_lines.contains(l) {
            let sig = next.next();
            if let (true, Some(sig)) = (selective_lines.contains(l), sig) {
                signatures.push(*sig);
            }
        }
    }
    // The verifier's labels: the canonical labels of what is shown, each to its HMAC label.
    let canonical =
        rdfc::canonical_labels(&combined_quads).map_err(|e| jsonld_failure("the selection", e))?;
    let mut label_map = Vec::with_capacity(canonical.len());
    for (input, c14n) in &canonical {
        let k = c14n
            .strip_prefix("c14n")
            .and_then(|n| n.parse::<u64>().ok());
        let v = labels
            .get(input)
            .and_then(|l| l.strip_prefix('u'))
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok());
        match (k, v) {
            (Some(k), Some(v)) => label_map.push((k, v)),
            _ => {
                return Err(Failure::Invalid(format!(
                    "the selection has a blank node ({input}) that the credential does not"
                )))
            }
        }
    }
    label_map.sort_by_key(|(k, _)| *k);
    let value = derived_proof_value(
        p.base_signature,
        p.public_key,
        &signatures,
        &label_map,
        &mandatory_indexes,
    );
    let mut derived = select_json_ld(&unsecured, &combined).map_err(Failure::Invalid)?;
    let mut derived_proof = proof.clone();
    derived_proof["proofValue"] = Value::String(value);
    if let Some(o) = derived.as_object_mut() {
        o.insert("proof".into(), derived_proof);
    }
    // What a verifier will check, but the issuer's signature (unchanged, and checked on import).
    let data = create_verify_data(&derived, &derived["proof"], contexts)?;
    let ephemeral = ephemeral_key(&data.public_key)?;
    let consistent = data.signatures.len() == data.non_mandatory.len()
        && data.mandatory == sorted_mandatory(&lines, &mandatory_lines)
        && data
            .signatures
            .iter()
            .zip(&data.non_mandatory)
            .all(|(s, l)| {
                signature(s, "a statement signature")
                    .is_ok_and(|s| Verifier::verify(&ephemeral, l.as_bytes(), &s).is_ok())
            });
    if !consistent {
        return Err(Failure::Unverifiable(
            "the wallet could not derive a proof for this choice that a verifier would accept (a JSON-LD form it does not select from)".into(),
        ));
    }
    Ok(derived)
}

/// The mandatory lines in the order of `lines`.
fn sorted_mandatory(lines: &[String], mandatory: &HashSet<String>) -> Vec<String> {
    lines
        .iter()
        .filter(|l| mandatory.contains(*l))
        .cloned()
        .collect()
}

/// serializeDerivedProofValue (§3.5.7): the header, then one CBOR array of the base
/// signature, the public key, the statement signatures, the compressed label map and the
/// mandatory indexes, with the shortest heads (as the reference's `cborg` writes them).
fn derived_proof_value(
    base_signature: &[u8],
    public_key: &[u8],
    signatures: &[&[u8]],
    label_map: &[(u64, Vec<u8>)],
    mandatory_indexes: &[u64],
) -> String {
    fn write(
        e: &mut minicbor::Encoder<Vec<u8>>,
        base_signature: &[u8],
        public_key: &[u8],
        signatures: &[&[u8]],
        label_map: &[(u64, Vec<u8>)],
        mandatory_indexes: &[u64],
    ) -> Result<(), minicbor::encode::Error<core::convert::Infallible>> {
        e.array(5)?.bytes(base_signature)?.bytes(public_key)?;
        e.array(signatures.len() as u64)?;
        for s in signatures {
            e.bytes(s)?;
        }
        e.map(label_map.len() as u64)?;
        for (k, v) in label_map {
            e.u64(*k)?.bytes(v)?;
        }
        e.array(mandatory_indexes.len() as u64)?;
        for i in mandatory_indexes {
            e.u64(*i)?;
        }
        Ok(())
    }
    let mut e = minicbor::Encoder::new(DERIVED_HEADER.to_vec());
    // Writing into a Vec cannot fail.
    let _ = write(
        &mut e,
        base_signature,
        public_key,
        signatures,
        label_map,
        mandatory_indexes,
    );
    format!("u{}", URL_SAFE_NO_PAD.encode(e.into_writer()))
}

/// What the signatures are checked over (createVerifyData's output).
#[derive(Debug)]
struct VerifyData {
    base_signature: Vec<u8>,
    proof_hash: Vec<u8>,
    public_key: Vec<u8>,
    signatures: Vec<Vec<u8>>,
    mandatory: Vec<String>,
    non_mandatory: Vec<String>,
}

/// A parsed base proof value (parseBaseProofValue).
struct BaseProof<'a> {
    base_signature: &'a [u8],
    public_key: &'a [u8],
    hmac_key: &'a [u8],
    signatures: Vec<&'a [u8]>,
    mandatory_pointers: Vec<&'a str>,
}

/// A parsed derived proof value (parseDerivedProofValue, label map decompressed).
struct DerivedProof<'a> {
    base_signature: &'a [u8],
    public_key: &'a [u8],
    signatures: Vec<&'a [u8]>,
    /// `c14n<k>` → `u` + base64url of the HMAC label.
    label_map: HashMap<String, String>,
    mandatory_indexes: Vec<usize>,
}

enum ProofValue<'a> {
    Base(BaseProof<'a>),
    Derived(DerivedProof<'a>),
}

fn create_verify_data(
    doc: &Value,
    proof: &Value,
    contexts: &ContextLoader,
) -> Result<VerifyData, Failure> {
    let value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Invalid("the proof has no proofValue".into()))?;
    let bytes = decode_multibase(value).map_err(malformed)?;
    let parsed = parse(&bytes).map_err(malformed)?;
    let all = di::proofs_of(doc);
    let (mut unsecured, options) = di::unsecured_parts(doc, proof, &all)?;
    // The document is canonicalised with its own @context; a proof's own @context is for the
    // proof options only (the reference does the same).
    if let (Some(ctx), Some(u)) = (doc.get("@context"), unsecured.as_object_mut()) {
        u.insert("@context".into(), ctx.clone());
    }
    let proof_hash = hash_proof_options(doc, proof, &options, contexts)?;
    match parsed {
        ProofValue::Base(p) => base_verify_data(&unsecured, proof_hash, &p, contexts),
        ProofValue::Derived(p) => derived_verify_data(&unsecured, proof_hash, &p, contexts),
    }
}

/// SHA-256 of the canonical proof options with the document's `@context` (or the proof's).
fn hash_proof_options(
    doc: &Value,
    proof: &Value,
    options: &Value,
    contexts: &ContextLoader,
) -> Result<Vec<u8>, Failure> {
    let mut config = options.clone();
    let ctx = proof.get("@context").or_else(|| doc.get("@context"));
    if let (Some(ctx), Some(o)) = (ctx, config.as_object_mut()) {
        o.insert("@context".into(), ctx.clone());
    }
    let canonical = jsonld::canonicalize(&config, contexts)
        .map_err(|e| jsonld_failure("the proof options", e))?;
    Ok(Sha256::digest(canonical.as_bytes()).to_vec())
}

fn derived_verify_data(
    unsecured: &Value,
    proof_hash: Vec<u8>,
    p: &DerivedProof<'_>,
    contexts: &ContextLoader,
) -> Result<VerifyData, Failure> {
    let quads =
        jsonld::to_rdf(unsecured, contexts).map_err(|e| jsonld_failure("the credential", e))?;
    let from_map = |c14n: &str| {
        p.label_map.get(c14n).cloned().ok_or_else(|| {
            Failure::Invalid(format!(
                "the credential has a blank node (_:{c14n}) that the proof's label map does not name: statements were added after the proof was derived"
            ))
        })
    };
    let (_, labels) = canonical_relabelling(&quads, &from_map)?;
    let lines = sorted_lines(&quads, &labels);
    let mut previous: Option<usize> = None;
    for &i in &p.mandatory_indexes {
        if i >= lines.len() {
            return Err(Failure::Invalid(format!(
                "the proof names statement {i} as mandatory, but the credential has only {} statements",
                lines.len()
            )));
        }
        if previous.is_some_and(|prev| i <= prev) {
            return Err(Failure::Invalid(
                "the proof's mandatory indexes are not ascending without repeats".into(),
            ));
        }
        previous = Some(i);
    }
    let (mut mandatory, mut non_mandatory) = (Vec::new(), Vec::new());
    for (i, line) in lines.into_iter().enumerate() {
        if p.mandatory_indexes.binary_search(&i).is_ok() {
            mandatory.push(line);
        } else {
            non_mandatory.push(line);
        }
    }
    Ok(VerifyData {
        base_signature: p.base_signature.to_vec(),
        proof_hash,
        public_key: p.public_key.to_vec(),
        signatures: p.signatures.iter().map(|s| s.to_vec()).collect(),
        mandatory,
        non_mandatory,
    })
}

fn base_verify_data(
    unsecured: &Value,
    proof_hash: Vec<u8>,
    p: &BaseProof<'_>,
    contexts: &ContextLoader,
) -> Result<VerifyData, Failure> {
    // What the credential says; errors here are the credential's. Naming its blank nodes
    // afterwards may meet a limit of the wallet's, which makes the proof unverifiable.
    let plain = jsonld::canonicalize(unsecured, contexts)
        .map_err(|e| jsonld_failure("the credential", e))?;
    fn cannot_name(e: JsonLdError) -> Failure {
        Failure::Unverifiable(format!(
            "the credential's base proof cannot be checked offline: the wallet cannot name its blank nodes to find the mandatory statements ({e})"
        ))
    }
    let named = skolemize(unsecured, contexts).map_err(cannot_name)?;
    let quads = deskolemize(jsonld::to_rdf(&named, contexts).map_err(cannot_name)?);
    let hmac = |c14n: &str| hmac_label(p.hmac_key, c14n);
    let (canonical, labels) = canonical_relabelling(&quads, &hmac)?;
    if sorted_lines(&quads, &canonical).concat() != plain {
        return Err(Failure::Unverifiable(
            "the credential's base proof cannot be checked offline: naming its blank nodes to find the mandatory statements would change what it says (a JSON-LD form the wallet does not select from)".into(),
        ));
    }
    let lines = sorted_lines(&quads, &labels);
    let selected: HashSet<String> = if p.mandatory_pointers.is_empty() {
        HashSet::new()
    } else {
        let selection = select_json_ld(&named, &p.mandatory_pointers).map_err(Failure::Invalid)?;
        // The document itself is valid JSON-LD by now: a selection the wallet cannot read is
        // its own limit, not the credential's fault.
        let quads = deskolemize(jsonld::to_rdf(&selection, contexts).map_err(|e| {
            Failure::Unverifiable(format!(
                "the mandatory statements of the base proof cannot be found offline: the wallet cannot read the selection of its mandatory pointers ({e})"
            ))
        })?);
        quads.iter().filter_map(|q| line(q, &labels)).collect()
    };
    let (mandatory, non_mandatory): (Vec<String>, Vec<String>) =
        lines.into_iter().partition(|l| selected.contains(l));
    Ok(VerifyData {
        base_signature: p.base_signature.to_vec(),
        proof_hash,
        public_key: p.public_key.to_vec(),
        signatures: p.signatures.iter().map(|s| s.to_vec()).collect(),
        mandatory,
        non_mandatory,
    })
}

impl VerifyData {
    /// The signature checks of Verify Derived Proof (§3.6.7), for base proofs too.
    fn check(&self, issuer: &VerifyingKey) -> Result<(), Failure> {
        if self.signatures.len() != self.non_mandatory.len() {
            return Err(Failure::Invalid(format!(
                "the proof signs {} selectively disclosed statements, but the credential has {}: statements were added or removed after signing",
                self.signatures.len(),
                self.non_mandatory.len()
            )));
        }
        let ephemeral = ephemeral_key(&self.public_key)?;
        let mut data = Vec::with_capacity(self.proof_hash.len() + self.public_key.len() + 32);
        data.extend_from_slice(&self.proof_hash);
        data.extend_from_slice(&self.public_key);
        data.extend_from_slice(&mandatory_hash(&self.mandatory));
        let base = signature(&self.base_signature, "the base signature")?;
        if Verifier::verify(issuer, data.as_slice(), &base).is_err() {
            return Err(Failure::Invalid(
                "the issuer's base signature does not match: the mandatory statements or the proof options were changed after signing, or it was signed with another key".into(),
            ));
        }
        let total = self.non_mandatory.len();
        for (i, (sig, statement)) in self.signatures.iter().zip(&self.non_mandatory).enumerate() {
            let sig = signature(sig, "a statement signature")?;
            if Verifier::verify(&ephemeral, statement.as_bytes(), &sig).is_err() {
                return Err(Failure::Invalid(format!(
                    "the signature does not match selectively disclosed statement {} of {total}: the credential was changed after signing",
                    i + 1
                )));
            }
        }
        Ok(())
    }
}

/// hashMandatoryNQuads (§3.4.17): SHA-256 of the mandatory lines joined.
fn mandatory_hash(mandatory: &[String]) -> Vec<u8> {
    let mut h = Sha256::new();
    for line in mandatory {
        h.update(line.as_bytes());
    }
    h.finalize().to_vec()
}

fn signature(bytes: &[u8], what: &str) -> Result<Signature, Failure> {
    Signature::from_slice(bytes)
        .map_err(|_| Failure::Invalid(format!("{what} is not a valid P-256 signature")))
}

/// The proof's ephemeral key from its Multikey bytes (header `80 24`, compressed point).
fn ephemeral_key(multikey: &[u8]) -> Result<VerifyingKey, Failure> {
    let point = multikey.strip_prefix(&P256_MULTIKEY).ok_or_else(|| {
        Failure::Invalid(
            "the proof's public key is not a P-256 Multikey (it does not start with 80 24)".into(),
        )
    })?;
    VerifyingKey::from_sec1_bytes(point)
        .map_err(|_| Failure::Invalid("the proof's public key is not a valid P-256 point".into()))
}

/// createHmacIdLabelMapFunction: `u` + base64url(HMAC-SHA-256(key, canonical label)).
fn hmac_label(key: &[u8], c14n: &str) -> Result<String, Failure> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| Failure::Invalid("the proof's HMAC key cannot be used".into()))?;
    Mac::update(&mut mac, c14n.as_bytes());
    Ok(format!(
        "u{}",
        URL_SAFE_NO_PAD.encode(Mac::finalize(mac).into_bytes())
    ))
}

// ---------------------------------------------------------------------------------------------
// Canonical statements

/// Blank node labels: from the label in the quads to another.
type Labels = HashMap<String, String>;

/// The canonical label RDFC-1.0 gives each blank node of `quads` (input label → `c14n…`), and
/// the label `relabel` makes of it (input label → new label): labelReplacementCanonicalizeNQuads.
fn canonical_relabelling(
    quads: &[Quad],
    relabel: &dyn Fn(&str) -> Result<String, Failure>,
) -> Result<(Labels, Labels), Failure> {
    let canonical =
        rdfc::canonical_labels(quads).map_err(|e| jsonld_failure("the credential", e))?;
    // In canonical order, so the label reported missing does not depend on hashing.
    let mut ordered: Vec<(&String, &String)> = canonical.iter().collect();
    ordered.sort_by(|a, b| (a.1.len(), a.1).cmp(&(b.1.len(), b.1)));
    let mut relabelled = HashMap::with_capacity(ordered.len());
    for (input, c14n) in ordered {
        relabelled.insert(input.clone(), relabel(c14n)?);
    }
    Ok((canonical, relabelled))
}

/// The N-Quads lines of `quads` with their blank nodes relabelled, sorted as the reference
/// sorts them; a quad with a blank node `labels` does not name is left out.
fn sorted_lines(quads: &[Quad], labels: &Labels) -> Vec<String> {
    let mut lines: Vec<String> = quads.iter().filter_map(|q| line(q, labels)).collect();
    lines.sort_by(|a, b| js_cmp(a, b));
    lines
}

/// One canonical N-Quads line (ending in `" .\n"`) with blank nodes relabelled, or `None` when
/// `labels` lacks one of them.
fn line(q: &Quad, labels: &Labels) -> Option<String> {
    let unnamed = [Some(&q.subject), Some(&q.object), q.graph.as_ref()]
        .into_iter()
        .flatten()
        .any(|t| matches!(t, Term::Blank(b) if !labels.contains_key(b)));
    if unnamed {
        return None;
    }
    let blank = |b: &str| labels.get(b).cloned().unwrap_or_default();
    let mut out = String::with_capacity(128);
    write_term(&q.subject, &mut out, &blank);
    out.push(' ');
    write_iri(&q.predicate, &mut out);
    out.push(' ');
    write_term(&q.object, &mut out, &blank);
    if let Some(g) = &q.graph {
        out.push(' ');
        write_term(g, &mut out, &blank);
    }
    out.push_str(" .\n");
    Some(out)
}

fn jsonld_failure(what: &str, e: JsonLdError) -> Failure {
    match e {
        JsonLdError::UnknownContext(url) => Failure::Unverifiable(format!(
            "it uses the JSON-LD context {url}, which is not bundled or cached"
        )),
        JsonLdError::Unsupported(m) => Failure::Unverifiable(format!(
            "{what} uses a JSON-LD feature the wallet cannot process offline ({m})"
        )),
        other => Failure::Invalid(format!("{what} is not valid JSON-LD: {other}")),
    }
}

// ---------------------------------------------------------------------------------------------
// The proof value

fn malformed(e: String) -> Failure {
    Failure::Invalid(format!("the ecdsa-sd-2023 proofValue is malformed: {e}"))
}

fn decode_multibase(value: &str) -> Result<Vec<u8>, String> {
    let Some(text) = value.strip_prefix('u') else {
        return Err(
            "it is not multibase base64url (an ecdsa-sd-2023 proofValue starts with 'u')".into(),
        );
    };
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("it is not base64url without padding ({e})"))
}

/// parseBaseProofValue or parseDerivedProofValue, by the header.
fn parse(bytes: &[u8]) -> Result<ProofValue<'_>, String> {
    let (header, payload) = bytes.split_at(bytes.len().min(3));
    let base = if header == BASE_HEADER.as_slice() {
        true
    } else if header == DERIVED_HEADER.as_slice() {
        false
    } else {
        let found = if header.is_empty() {
            "nothing".to_owned()
        } else {
            header
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return Err(format!(
            "it does not start with the ecdsa-sd-2023 header (d9 5d 00 for a base proof, d9 5d 01 for a derived one) but with {found}"
        ));
    };
    let mut d = Decoder::new(payload);
    let items = array_len(&mut d, "the proof value", MAX_ITEMS)?;
    if items != 5 {
        return Err(format!(
            "the proof value is a CBOR array of {items} items, not 5"
        ));
    }
    let base_signature = bstr(&mut d, "the base signature", 64)?;
    let public_key = bstr(&mut d, "the public key", 35)?;
    let value = if base {
        let hmac_key = bstr(&mut d, "the HMAC key", 32)?;
        let signatures = signatures(&mut d)?;
        let count = array_len(&mut d, "the mandatory pointers", MAX_ITEMS)?;
        let mut mandatory_pointers = Vec::new();
        for _ in 0..count {
            mandatory_pointers.push(d.str().map_err(|e| cbor("a mandatory pointer", &e))?);
        }
        ProofValue::Base(BaseProof {
            base_signature,
            public_key,
            hmac_key,
            signatures,
            mandatory_pointers,
        })
    } else {
        let signatures = signatures(&mut d)?;
        let count = map_len(&mut d, "the label map", MAX_ITEMS)?;
        let mut label_map = HashMap::new();
        for _ in 0..count {
            let k = d.u64().map_err(|e| cbor("a label map key", &e))?;
            let v = bstr(&mut d, "a label map value", 32)?;
            let label = format!("u{}", URL_SAFE_NO_PAD.encode(v));
            if label_map.insert(format!("c14n{k}"), label).is_some() {
                return Err(format!("the label map names c14n{k} twice"));
            }
        }
        let count = array_len(&mut d, "the mandatory indexes", MAX_ITEMS)?;
        let mut mandatory_indexes = Vec::new();
        for _ in 0..count {
            let i = d.u64().map_err(|e| cbor("a mandatory index", &e))?;
            let i =
                usize::try_from(i).map_err(|_| format!("the mandatory index {i} is too large"))?;
            mandatory_indexes.push(i);
        }
        ProofValue::Derived(DerivedProof {
            base_signature,
            public_key,
            signatures,
            label_map,
            mandatory_indexes,
        })
    };
    let rest = payload.len().saturating_sub(d.position());
    if rest != 0 {
        return Err(format!("{rest} bytes follow the CBOR array"));
    }
    Ok(value)
}

fn cbor(what: &str, e: &minicbor::decode::Error) -> String {
    format!("{what} cannot be read as CBOR ({e})")
}

/// A byte string of exactly `len` bytes, optionally under tag 64 (a JS `Uint8Array`).
fn bstr<'a>(d: &mut Decoder<'a>, what: &str, len: usize) -> Result<&'a [u8], String> {
    if matches!(d.datatype(), Ok(Type::Tag)) {
        let tag = d.tag().map_err(|e| cbor(what, &e))?;
        if tag.as_u64() != 64 {
            return Err(format!(
                "{what} carries the CBOR tag {} instead of being a byte string",
                tag.as_u64()
            ));
        }
    }
    let bytes = d.bytes().map_err(|e| cbor(what, &e))?;
    if bytes.len() != len {
        return Err(format!("{what} has {} bytes, not {len}", bytes.len()));
    }
    Ok(bytes)
}

fn signatures<'a>(d: &mut Decoder<'a>) -> Result<Vec<&'a [u8]>, String> {
    let count = array_len(d, "the signatures", MAX_ITEMS)?;
    let mut out = Vec::new();
    for _ in 0..count {
        out.push(bstr(d, "a statement signature", 64)?);
    }
    Ok(out)
}

fn array_len(d: &mut Decoder<'_>, what: &str, max: usize) -> Result<usize, String> {
    let n = d.array().map_err(|e| cbor(what, &e))?;
    entries(n, what, max)
}

fn map_len(d: &mut Decoder<'_>, what: &str, max: usize) -> Result<usize, String> {
    let n = d.map().map_err(|e| cbor(what, &e))?;
    entries(n, what, max)
}

fn entries(n: Option<u64>, what: &str, max: usize) -> Result<usize, String> {
    let Some(n) = n else {
        return Err(format!("{what} has an indefinite length"));
    };
    match usize::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "{what} would hold {n} entries, more than the {max} the wallet reads"
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Skolemisation (skolemizeCompactJsonLd §3.4.8, toDeskolemizedNQuads §3.4.9)

/// The document with every node object named: an `@id` under `SKOLEM` where it has none,
/// and its `_:` labels (in `@id` and in `@id`-typed values) as names.
fn skolemize(doc: &Value, contexts: &ContextLoader) -> Result<Value, JsonLdError> {
    let mut out = doc.clone();
    let mut s = Skolemizer {
        p: Processor {
            loader: contexts,
            safe: true,
        },
        unlabeled: 0,
        labeled: HashMap::new(),
    };
    s.value(&ActiveContext::initial(), None, &mut out, 0)?;
    Ok(out)
}

/// The wallet's names turned back into blank nodes.
fn deskolemize(quads: Vec<Quad>) -> Vec<Quad> {
    fn term(t: Term) -> Term {
        match t {
            Term::Iri(iri) if iri.starts_with(SKOLEM) => {
                Term::Blank(iri.get("urn:bnid:".len()..).unwrap_or_default().to_owned())
            }
            other => other,
        }
    }
    quads
        .into_iter()
        .map(|q| Quad {
            subject: term(q.subject),
            predicate: q.predicate,
            object: term(q.object),
            graph: q.graph.map(term),
        })
        .collect()
}

/// The keyword `key` is or is an alias of in `active`.
fn keyword_of<'a>(active: &'a ActiveContext, key: &'a str) -> Option<&'a str> {
    if is_keyword(key) {
        return Some(key);
    }
    active
        .term(key)
        .and_then(|d| d.iri.as_deref())
        .filter(|iri| is_keyword(iri))
}

/// Walks a document as expansion does (the same active contexts), naming node objects.
struct Skolemizer<'a> {
    p: Processor<'a>,
    unlabeled: usize,
    labeled: HashMap<String, usize>,
}

impl Skolemizer<'_> {
    fn fresh(&mut self) -> String {
        let n = self.unlabeled;
        self.unlabeled += 1;
        format!("{SKOLEM}{n}")
    }

    fn named(&mut self, label: &str) -> String {
        let next = self.labeled.len();
        let n = *self.labeled.entry(label.to_owned()).or_insert(next);
        format!("{SKOLEM}l{n}")
    }

    /// A value of the property `prop` (`None` at the top or in `@included`).
    fn value(
        &mut self,
        active: &Arc<ActiveContext>,
        prop: Option<&str>,
        v: &mut Value,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::TooDeep(format!(
                "nesting deeper than {MAX_DEPTH} levels"
            )));
        }
        match v {
            Value::Array(items) => {
                for item in items {
                    self.value(active, prop, item, depth + 1)?;
                }
            }
            Value::Object(map) => self.object(active, prop, map, depth)?,
            Value::String(s) => {
                let refers = prop
                    .and_then(|p| active.term(p))
                    .and_then(|d| d.type_mapping.as_deref())
                    .is_some_and(|t| t == "@id" || t == "@vocab");
                if refers {
                    if let Some(label) = s.strip_prefix("_:") {
                        let name = self.named(label);
                        *s = name;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn object(
        &mut self,
        active_in: &Arc<ActiveContext>,
        prop: Option<&str>,
        map: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        let prop_def = prop.and_then(|p| active_in.term(p)).cloned();
        let active = self.context_of(active_in, prop_def.as_deref(), map)?;
        if map.keys().any(|k| keyword_of(&active, k) == Some("@value")) {
            return Ok(());
        }
        let lists: Vec<String> = map
            .keys()
            .filter(|k| matches!(keyword_of(&active, k), Some("@list" | "@set")))
            .cloned()
            .collect();
        if !lists.is_empty() {
            for k in &lists {
                if let Some(v) = map.get_mut(k) {
                    self.value(&active, prop, v, depth + 1)?;
                }
            }
            return Ok(());
        }
        // A top-level object of only `@graph` (and `@context`) is no node: expansion unwraps it.
        let graph_only = depth == 0
            && prop.is_none()
            && map.keys().any(|k| keyword_of(&active, k) == Some("@graph"))
            && map
                .keys()
                .all(|k| k == "@context" || keyword_of(&active, k) == Some("@graph"));
        let has_id = self.members(&active, map, depth)?;
        if !has_id && !graph_only {
            let id = self.fresh();
            map.insert("@id".into(), Value::String(id));
        }
        Ok(())
    }

    /// The active context of a map, as the expansion algorithm (§5.1.2 steps 7–11) makes it:
    /// a non-propagated context reverted, the property-scoped, embedded and type-scoped
    /// contexts applied.
    fn context_of(
        &self,
        active_in: &Arc<ActiveContext>,
        prop_def: Option<&TermDef>,
        map: &Map<String, Value>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let mut active = active_in.clone();
        if let Some(prev) = &active.previous {
            let mut revert = true;
            let mut only_id = map.len() == 1;
            for k in map.keys() {
                if keyword_of(&active, k) == Some("@value") {
                    revert = false;
                } else if keyword_of(&active, k) != Some("@id") {
                    only_id = false;
                }
            }
            if revert && !only_id {
                active = prev.clone();
            }
        }
        if let Some(d) = prop_def {
            if let Some(c) = &d.context {
                active = self.p.process_scoped(
                    &active,
                    c,
                    d.base_url.as_deref(),
                    Flags {
                        override_protected: true,
                        propagate: true,
                    },
                )?;
            }
        }
        if let Some(c) = map.get("@context") {
            active = self.p.process_local(&active, c, Flags::default())?;
        }
        let type_scoped = active.clone();
        let mut type_keys: Vec<&String> = map
            .keys()
            .filter(|k| keyword_of(&active, k) == Some("@type"))
            .collect();
        type_keys.sort();
        for k in type_keys {
            let mut values: Vec<&str> = match map.get(k.as_str()) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            values.sort_unstable();
            for t in values {
                if let Some(d) = type_scoped.term(t) {
                    if let Some(c) = &d.context {
                        active = self.p.process_scoped(
                            &active,
                            c,
                            d.base_url.as_deref(),
                            Flags {
                                override_protected: false,
                                propagate: false,
                            },
                        )?;
                    }
                }
            }
        }
        Ok(active)
    }

    /// The entries of a node object (or of an `@nest` object in one); true when one of them
    /// is its `@id`.
    fn members(
        &mut self,
        active: &Arc<ActiveContext>,
        map: &mut Map<String, Value>,
        depth: usize,
    ) -> Result<bool, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::TooDeep(format!(
                "nesting deeper than {MAX_DEPTH} levels"
            )));
        }
        let mut has_id = false;
        for (key, v) in map.iter_mut() {
            if key == "@context" {
                continue;
            }
            match keyword_of(active, key) {
                Some("@id") => {
                    has_id = true;
                    if let Value::String(s) = v {
                        if let Some(label) = s.strip_prefix("_:") {
                            let name = self.named(label);
                            *s = name;
                        }
                    }
                }
                Some("@graph") => self.value(active, Some("@graph"), v, depth + 1)?,
                Some("@included") => self.value(active, None, v, depth + 1)?,
                Some("@nest") => {
                    let nested: Vec<&mut Value> = match v {
                        Value::Array(items) => items.iter_mut().collect(),
                        other => vec![other],
                    };
                    for item in nested {
                        if let Value::Object(m) = item {
                            has_id |= self.members(active, m, depth + 1)?;
                        }
                    }
                }
                Some("@reverse") => {
                    if let Value::Object(m) = v {
                        for (p, pv) in m.iter_mut() {
                            self.value(active, Some(p.as_str()), pv, depth + 1)?;
                        }
                    }
                }
                Some(_) => {}
                None => {
                    // JSON literals and language, index, id and type maps hold no nodes.
                    let maps =
                        container::LANGUAGE | container::INDEX | container::ID | container::TYPE;
                    let skip = active.term(key).is_some_and(|d| {
                        d.type_mapping.as_deref() == Some("@json")
                            || (v.is_object() && d.container & maps != 0)
                    });
                    if !skip {
                        self.value(active, Some(key.as_str()), v, depth + 1)?;
                    }
                }
            }
        }
        Ok(has_id)
    }
}

// ---------------------------------------------------------------------------------------------
// Selection (jsonPointerToPaths §3.4.10, createInitialSelection §3.4.11, selectPaths §3.4.12,
// selectJsonLd §3.4.13)

/// One step of a JSON pointer: a key, or a number as JavaScript's `parseInt` reads it (`key`
/// is the number as JavaScript writes it, `index` the array index it can be).
enum Step {
    Key(String),
    Number { key: String, index: Option<usize> },
}

/// Where a step leads: a member of an object or an element of an array.
enum Slot {
    Key(String),
    Index(usize),
}

/// A selection under construction: a value copied whole, an object with some of its members,
/// or an array with some of its elements (made dense at the end).
enum Sel {
    Copy(Value),
    Object(Vec<(String, Sel)>),
    Array(BTreeMap<usize, Sel>),
}

/// selectJsonLd: the document reduced to what `pointers` select, with the `@context`, and the
/// `id` and `type` of every node on the way. An empty pointer selects the whole document.
fn select_json_ld(doc: &Value, pointers: &[&str]) -> Result<Value, String> {
    let Value::Object(members) = doc else {
        return Err("the credential is not a JSON object".into());
    };
    let mut selection = Sel::Object(initial_selection(members));
    for pointer in pointers {
        let steps = parse_pointer(pointer);
        if steps.is_empty() {
            return Ok(doc.clone());
        }
        let moves = resolve(doc, &steps).ok_or_else(|| {
            format!(
                "the mandatory pointer \"{pointer}\" does not match the credential: it was changed after signing"
            )
        })?;
        apply(&mut selection, &moves);
    }
    Ok(selection.into_value())
}

/// createInitialSelection: the `@context`, a non-blank `id` and the `type` of `source` (under
/// either spelling: the wallet's names are `@id`).
fn initial_selection(source: &Map<String, Value>) -> Vec<(String, Sel)> {
    let mut out = Vec::new();
    if let Some(c) = source.get("@context") {
        out.push(("@context".to_owned(), Sel::Copy(c.clone())));
    }
    for key in ["id", "@id"] {
        if let Some(Value::String(id)) = source.get(key) {
            if !id.starts_with("_:") {
                out.push((key.to_owned(), Sel::Copy(Value::String(id.clone()))));
            }
        }
    }
    for key in ["type", "@type"] {
        if let Some(t) = source.get(key).filter(|t| js_truthy(t)) {
            out.push((key.to_owned(), Sel::Copy(t.clone())));
        }
    }
    out
}

fn js_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f.abs() > 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn parse_pointer(pointer: &str) -> Vec<Step> {
    pointer
        .split('/')
        .skip(1)
        .map(|path| {
            if path.contains('~') {
                Step::Key(path.replace("~1", "/").replace("~0", "~"))
            } else {
                js_parse_int(path).unwrap_or_else(|| Step::Key(path.to_owned()))
            }
        })
        .collect()
}

/// JavaScript's `parseInt(path, 10)`: leading white space, a sign, then as many digits as
/// there are; `None` (NaN) without a digit.
fn js_parse_int(path: &str) -> Option<Step> {
    let s = path.trim_start();
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let len = unsigned.bytes().take_while(u8::is_ascii_digit).count();
    let digits = unsigned.get(..len)?;
    if digits.is_empty() {
        return None;
    }
    let magnitude = match digits.trim_start_matches('0') {
        "" => "0",
        m => m,
    };
    let below_zero = negative && magnitude != "0";
    Some(Step::Number {
        key: if below_zero {
            format!("-{magnitude}")
        } else {
            magnitude.to_owned()
        },
        index: if below_zero {
            None
        } else {
            magnitude.parse().ok()
        },
    })
}

/// The slots a pointer passes through in `doc` and the value at each, or `None` when it does
/// not match. A key after an array of one reads its element, and `/0` of a single value is the
/// value: the shapes JSON-LD compaction gives (the reference resolves pointers on a compacted
/// copy).
fn resolve<'a>(doc: &'a Value, steps: &[Step]) -> Option<Vec<(Slot, &'a Value)>> {
    let mut moves = Vec::new();
    let mut current = doc;
    for step in steps {
        match (current, step) {
            (Value::Array(items), Step::Number { index, .. }) => {
                let i = (*index)?;
                current = items.get(i)?;
                moves.push((Slot::Index(i), current));
            }
            (Value::Object(members), Step::Number { key, index }) => match members.get(key) {
                Some(next) => {
                    current = next;
                    moves.push((Slot::Key(key.clone()), current));
                }
                None if *index == Some(0) => {}
                None => return None,
            },
            (Value::Object(members), Step::Key(key)) => {
                current = members.get(key)?;
                moves.push((Slot::Key(key.clone()), current));
            }
            (Value::Array(items), Step::Key(key)) if items.len() == 1 => {
                let only = items.first()?;
                current = only.get(key.as_str())?;
                moves.push((Slot::Index(0), only));
                moves.push((Slot::Key(key.clone()), current));
            }
            _ => return None,
        }
    }
    if moves.is_empty() {
        None
    } else {
        Some(moves)
    }
}

/// selectPaths: the nodes on the way get their initial selection, the last value is copied.
fn apply(selection: &mut Sel, moves: &[(Slot, &Value)]) {
    match moves {
        [] => {}
        [(slot, value)] => selection.select_whole(slot, value),
        [(slot, value), rest @ ..] => {
            if let Some(child) = selection.child(slot, value) {
                apply(child, rest);
            }
        }
    }
}

impl Sel {
    fn initial(source: &Value) -> Sel {
        match source {
            Value::Array(_) => Sel::Array(BTreeMap::new()),
            Value::Object(members) => Sel::Object(initial_selection(members)),
            _ => Sel::Object(Vec::new()),
        }
    }

    /// The selection at `slot`, begun from the document's `value` there when new; `None` when
    /// this selection is a whole copy already (what follows changes nothing).
    fn child(&mut self, slot: &Slot, value: &Value) -> Option<&mut Sel> {
        match (self, slot) {
            (Sel::Object(entries), Slot::Key(key)) => {
                let at = match entries.iter().position(|(k, _)| k == key) {
                    Some(at) => at,
                    None => {
                        entries.push((key.clone(), Sel::initial(value)));
                        entries.len() - 1
                    }
                };
                entries.get_mut(at).map(|(_, sel)| sel)
            }
            (Sel::Array(items), Slot::Index(i)) => {
                Some(items.entry(*i).or_insert_with(|| Sel::initial(value)))
            }
            _ => None,
        }
    }

    /// Selects the document's `value` at `slot` whole (once: the same slot is the same value).
    fn select_whole(&mut self, slot: &Slot, value: &Value) {
        let whole = || Sel::Copy(value.clone());
        match (self, slot) {
            (Sel::Object(entries), Slot::Key(key)) => {
                match entries.iter().position(|(k, _)| k == key) {
                    Some(at) => {
                        if let Some(entry) = entries.get_mut(at) {
                            if !matches!(entry.1, Sel::Copy(_)) {
                                entry.1 = whole();
                            }
                        }
                    }
                    None => entries.push((key.clone(), whole())),
                }
            }
            (Sel::Array(items), Slot::Index(i)) => {
                let entry = items.entry(*i).or_insert_with(|| Sel::Object(Vec::new()));
                if !matches!(entry, Sel::Copy(_)) {
                    *entry = whole();
                }
            }
            _ => {}
        }
    }

    fn into_value(self) -> Value {
        match self {
            Sel::Copy(v) => v,
            Sel::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, s)| (k, s.into_value()))
                    .collect(),
            ),
            Sel::Array(items) => Value::Array(items.into_values().map(Sel::into_value).collect()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::did::PublicKey;
    use crate::proof::di::ProofEnv;
    use serde_json::json;

    const W3C_BASE: &str =
        include_str!("../../tests/fixtures/ecdsa/ecdsa-sd-2023/employ/addSignedSDBase.json");
    const W3C_DERIVED: &str =
        include_str!("../../tests/fixtures/ecdsa/ecdsa-sd-2023/employ/derivedRevealDocument.json");
    const REF_BASE: &str =
        include_str!("../../tests/fixtures/ecdsa/ecdsa-sd-2023/reference/base.json");
    const REF_DERIVED: &str =
        include_str!("../../tests/fixtures/ecdsa/ecdsa-sd-2023/reference/derived.json");
    const OB30_DERIVED: &str =
        include_str!("../../tests/fixtures/ecdsa/ecdsa-sd-2023/1edtech/derivedcredential.json");

    /// (document, proofHash, mandatoryHash, number of non-mandatory statements, the first of
    /// them) as `@digitalbazaar/ecdsa-sd-2023-cryptosuite` 3.4.1 computes them: its verify
    /// suite's createVerifyData for a derived proof, its confirm suite's for a base proof.
    const REFERENCE_DATA: [(&str, &str, &str, usize, &str); 5] = [
        (
            W3C_BASE,
            "9c5c9b189f06cfa9d9f21a838ccb9b04316f07ad1a517bfd4955ee28c6a8229c",
            "a042dc047c236816f49fbe5282a79c5e77abe111e47f4c20203b5064c7f0f059",
            20,
            "_:u3Lv2QpFgo-YAegc1cQQKWJFW2sEjQF6FfuZ0VEoMKHg <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .\n",
        ),
        (
            W3C_DERIVED,
            "9c5c9b189f06cfa9d9f21a838ccb9b04316f07ad1a517bfd4955ee28c6a8229c",
            "a042dc047c236816f49fbe5282a79c5e77abe111e47f4c20203b5064c7f0f059",
            6,
            "_:u3Lv2QpFgo-YAegc1cQQKWJFW2sEjQF6FfuZ0VEoMKHg <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .\n",
        ),
        (
            REF_BASE,
            "773be87756b1aeaa8543246935e0940aea05d9ae13ec5fb3d8a5fad7162a4a06",
            "d2e69863053ca9eab08ef03eff8ad35f68bdb2f0f326b3a01a49a1fd354c2f02",
            13,
            "<https://example.edu/achievements/industry40-0002> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Criteria> _:u3156fhebvoPxpFjLTeWlfiEUjT7_Ax1o50sJk1KdAhg .\n",
        ),
        (
            REF_DERIVED,
            "773be87756b1aeaa8543246935e0940aea05d9ae13ec5fb3d8a5fad7162a4a06",
            "d2e69863053ca9eab08ef03eff8ad35f68bdb2f0f326b3a01a49a1fd354c2f02",
            5,
            "<https://example.edu/achievements/industry40-0002> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Criteria> _:u3156fhebvoPxpFjLTeWlfiEUjT7_Ax1o50sJk1KdAhg .\n",
        ),
        (
            // No mandatory statements: the hash of nothing.
            OB30_DERIVED,
            "999c3158c41bddfc06f5c7feb6bb8eb7fdb19264673eaeecf18a2846b8f3c2a3",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            15,
            "<did:example:ebfeb1f712ebc6f1c276e12ec21> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject> .\n",
        ),
    ];

    fn doc(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn outcome(doc: &Value) -> Result<(), Failure> {
        let mut checks = di::verify_proofs(doc, &ProofEnv::default());
        assert_eq!(checks.len(), 1);
        checks.remove(0).outcome
    }

    fn invalid(doc: &Value) -> String {
        match outcome(doc) {
            Err(Failure::Invalid(m)) => m,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    fn p256_key(vm: &str) -> VerifyingKey {
        match crate::did::resolve_for(vm, &Default::default(), "assertionMethod")
            .unwrap()
            .key
        {
            PublicKey::P256(k) => k,
            other => panic!("{vm} is a {} key", other.describe()),
        }
    }

    fn issuer_key(doc: &Value) -> VerifyingKey {
        p256_key(
            di::proofs_of(doc)[0]["verificationMethod"]
                .as_str()
                .unwrap(),
        )
    }

    fn data(doc: &Value) -> VerifyData {
        create_verify_data(doc, di::proofs_of(doc)[0], &ContextLoader::default()).unwrap()
    }

    fn proof_bytes(doc: &Value) -> Vec<u8> {
        let value = doc["proof"]["proofValue"].as_str().unwrap();
        URL_SAFE_NO_PAD.decode(&value[1..]).unwrap()
    }

    fn multibase(bytes: &[u8]) -> String {
        format!("u{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The message of checking `doc` with `value` as its proofValue, which must be invalid.
    fn refused(doc: &Value, value: &str) -> String {
        let mut d = doc.clone();
        d["proof"]["proofValue"] = value.into();
        match verify(&d, &d["proof"], &ContextLoader::default(), &issuer_key(&d)) {
            Err(Failure::Invalid(m)) => m,
            other => panic!("{value}: {other:?}"),
        }
    }

    /// Just enough CBOR to write proof values.
    #[derive(Clone)]
    enum Cbor {
        Uint(u64),
        Bytes(Vec<u8>),
        Array(Vec<Cbor>),
        Map(Vec<(u64, Cbor)>),
        Tag(u64, Box<Cbor>),
    }

    fn head(major: u8, n: u64, out: &mut Vec<u8>) {
        let m = major << 5;
        if n < 24 {
            out.push(m | n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[m | 24, n as u8]);
        } else if n <= 0xffff {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }

    fn encode(c: &Cbor, out: &mut Vec<u8>) {
        match c {
            Cbor::Uint(n) => head(0, *n, out),
            Cbor::Bytes(b) => {
                head(2, b.len() as u64, out);
                out.extend_from_slice(b);
            }
            Cbor::Array(items) => {
                head(4, items.len() as u64, out);
                for item in items {
                    encode(item, out);
                }
            }
            Cbor::Map(entries) => {
                head(5, entries.len() as u64, out);
                for (k, v) in entries {
                    head(0, *k, out);
                    encode(v, out);
                }
            }
            Cbor::Tag(tag, inner) => {
                head(6, *tag, out);
                encode(inner, out);
            }
        }
    }

    /// The five parts of `doc`'s derived proof value, to write it again changed.
    fn derived_items(doc: &Value) -> Vec<Cbor> {
        let bytes = proof_bytes(doc);
        let Ok(ProofValue::Derived(p)) = parse(&bytes) else {
            panic!("not a derived proof");
        };
        let mut labels: Vec<(u64, Cbor)> = p
            .label_map
            .iter()
            .map(|(k, v)| {
                let bytes = URL_SAFE_NO_PAD.decode(&v[1..]).unwrap();
                (k["c14n".len()..].parse().unwrap(), Cbor::Bytes(bytes))
            })
            .collect();
        labels.sort_by_key(|(k, _)| *k);
        vec![
            Cbor::Bytes(p.base_signature.to_vec()),
            Cbor::Bytes(p.public_key.to_vec()),
            Cbor::Array(
                p.signatures
                    .iter()
                    .map(|s| Cbor::Bytes(s.to_vec()))
                    .collect(),
            ),
            Cbor::Map(labels),
            Cbor::Array(
                p.mandatory_indexes
                    .iter()
                    .map(|&i| Cbor::Uint(i as u64))
                    .collect(),
            ),
        ]
    }

    fn derived_value(items: Vec<Cbor>) -> String {
        let mut out = DERIVED_HEADER.to_vec();
        encode(&Cbor::Array(items), &mut out);
        multibase(&out)
    }

    /// The holder's derivation reproduces the W3C vector byte for byte: from the employ base
    /// proof, showing validFrom, validUntil and the birth country (the specification's
    /// example selection), the reveal document and the derived proof value are the W3C's.
    #[test]
    fn deriving_reproduces_the_w3c_derived_vector() {
        let base = doc(W3C_BASE);
        assert_eq!(
            base_mandatory_pointers(&base),
            Some(vec!["/issuer".to_string()])
        );
        let derived = derive(
            &base,
            &[
                "/validFrom",
                "/validUntil",
                "/credentialSubject/birthCountry",
            ],
            &ContextLoader::default(),
        )
        .unwrap();
        let expected = doc(W3C_DERIVED);
        assert_eq!(
            derived["proof"]["proofValue"],
            expected["proof"]["proofValue"]
        );
        assert_eq!(derived, expected);
        assert_eq!(base_mandatory_pointers(&expected), None);
    }

    /// A derivation from the reference's OB 3.0 base proof verifies, shows what was chosen
    /// and what the issuer made mandatory, and nothing else; a derived credential cannot be
    /// derived again, and a pointer to nothing is refused by name.
    #[test]
    fn a_derived_ob30_credential_verifies_and_shows_only_the_choice() {
        let base = doc(REF_BASE);
        let contexts = ContextLoader::default();
        let derived = derive(
            &base,
            &[
                "/credentialSubject/achievement/creditsAvailable",
                "/credentialSubject/achievement/alignment/0/targetCode",
            ],
            &contexts,
        )
        .unwrap();
        assert_eq!(outcome(&derived), Ok(()));
        let achievement = &derived["credentialSubject"]["achievement"];
        assert_eq!(achievement["creditsAvailable"], json!(1.5));
        assert_eq!(achievement["alignment"][0]["targetCode"], json!("6"));
        assert!(achievement.get("fieldOfStudy").is_none(), "{derived:#}");
        assert!(achievement.get("description").is_none(), "{derived:#}");
        assert!(achievement["alignment"][0].get("targetName").is_none());
        // Mandatory in the reference's base proof: the issuer, validFrom, name and the
        // achievement's name.
        assert_eq!(derived["issuer"], base["issuer"]);
        assert_eq!(
            achievement["name"],
            base["credentialSubject"]["achievement"]["name"]
        );
        // Changing what was shown is caught as for any derived proof.
        let mut tampered = derived.clone();
        tampered["credentialSubject"]["achievement"]["creditsAvailable"] = json!(15);
        assert!(matches!(outcome(&tampered), Err(Failure::Invalid(_))));
        // Only what is mandatory, and everything.
        assert_eq!(outcome(&derive(&base, &[], &contexts).unwrap()), Ok(()));
        let all = derive(&base, &["/credentialSubject", "/validFrom"], &contexts).unwrap();
        assert_eq!(outcome(&all), Ok(()));
        assert_eq!(all["credentialSubject"], base["credentialSubject"]);

        let again = derive(&derived, &["/validFrom"], &contexts).unwrap_err();
        assert!(
            format!("{again:?}").contains("no ecdsa-sd-2023 base proof"),
            "{again:?}"
        );
        // A lenient spelling that would land on a whole object is not a claim: refused, so
        // nothing withheld beside it goes along.
        for lenient in [
            "/credentialSubject/0abc",
            "/credentialSubject/achievement/00",
        ] {
            assert!(
                matches!(
                    derive(&base, &[lenient], &contexts),
                    Err(Failure::Invalid(_))
                ),
                "{lenient}"
            );
        }
        match derive(&base, &["/credentialSubject/grade"], &contexts) {
            Err(Failure::Invalid(m)) => {
                assert!(m.contains("nothing at \"/credentialSubject/grade\""), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_w3c_reference_and_1edtech_proofs_verify() {
        for (name, text) in [
            ("W3C employ base", W3C_BASE),
            ("W3C employ derived", W3C_DERIVED),
            ("reference base", REF_BASE),
            ("reference derived", REF_DERIVED),
            ("1EdTech OB 3.0 derived", OB30_DERIVED),
        ] {
            assert_eq!(outcome(&doc(text)), Ok(()), "{name}");
        }
    }

    #[test]
    fn the_verify_data_is_the_reference_implementations() {
        for (text, proof_hash, mandatory, count, first) in REFERENCE_DATA {
            let d = data(&doc(text));
            assert_eq!(hex(&d.proof_hash), proof_hash);
            assert_eq!(hex(&mandatory_hash(&d.mandatory)), mandatory);
            assert_eq!(d.non_mandatory.len(), count);
            assert_eq!(d.signatures.len(), count);
            assert_eq!(d.non_mandatory[0], first);
        }
    }

    #[test]
    fn a_derived_proof_discloses_what_the_base_proof_grouped() {
        // The wallet's grouping of the base document (skolemised, selected by the mandatory
        // pointers) gives the mandatory statements the derived proof names by index, and every
        // statement the derived proof discloses is one the base proof signed, with its
        // signature.
        for (base, derived) in [(W3C_BASE, W3C_DERIVED), (REF_BASE, REF_DERIVED)] {
            let (b, d) = (data(&doc(base)), data(&doc(derived)));
            assert_eq!(b.proof_hash, d.proof_hash);
            assert_eq!(b.public_key, d.public_key);
            assert_eq!(b.base_signature, d.base_signature);
            assert_eq!(b.mandatory, d.mandatory);
            assert!(!b.mandatory.is_empty());
            for (line, sig) in d.non_mandatory.iter().zip(&d.signatures) {
                let at = b.non_mandatory.iter().position(|l| l == line).unwrap();
                assert_eq!(&b.signatures[at], sig, "{line}");
            }
        }
    }

    #[test]
    fn a_changed_statement_fails_its_signature() {
        let mut d = doc(W3C_DERIVED);
        d["credentialSubject"]["birthCountry"] = "Atlantis".into();
        let m = invalid(&d);
        assert!(m.contains("signature does not match"), "{m}");
        let mut d = doc(W3C_BASE);
        d["credentialSubject"]["givenName"] = "JANE".into();
        let m = invalid(&d);
        assert!(m.contains("signature does not match"), "{m}");
        // The reference tool's own tampered cases: the credits changed.
        for text in [REF_BASE, REF_DERIVED] {
            let mut d = doc(text);
            d["credentialSubject"]["achievement"]["creditsAvailable"] = 30.into();
            let m = invalid(&d);
            assert!(m.contains("signature does not match"), "{m}");
        }
    }

    #[test]
    fn a_changed_mandatory_statement_or_proof_option_fails_the_base_signature() {
        for text in [W3C_BASE, W3C_DERIVED] {
            let mut d = doc(text);
            d["issuer"]["image"] = "data:image/png;base64,AAAA".into();
            let m = invalid(&d);
            assert!(m.contains("base signature does not match"), "{m}");
            let mut d = doc(text);
            d["proof"]["created"] = "2023-08-15T23:36:39Z".into();
            let m = invalid(&d);
            assert!(m.contains("base signature does not match"), "{m}");
        }
        let mut d = doc(REF_DERIVED);
        d["credentialSubject"]["achievement"]["name"] = "Something else".into();
        let m = invalid(&d);
        assert!(m.contains("base signature does not match"), "{m}");
    }

    #[test]
    fn a_dropped_or_added_statement_fails() {
        let mut d = doc(W3C_DERIVED);
        d["credentialSubject"]
            .as_object_mut()
            .unwrap()
            .remove("birthCountry");
        let m = invalid(&d);
        assert!(m.contains("statements were added or removed"), "{m}");
        let mut d = doc(W3C_BASE);
        d["credentialSubject"]
            .as_object_mut()
            .unwrap()
            .remove("gender");
        let m = invalid(&d);
        assert!(m.contains("statements were added or removed"), "{m}");
        // A mandatory statement dropped from a derived credential.
        let mut d = doc(W3C_DERIVED);
        d["issuer"].as_object_mut().unwrap().remove("image");
        invalid(&d);
        // A statement with a new blank node: the label map does not name it.
        let mut d = doc(W3C_DERIVED);
        d["credentialSubject"]["employmentAuthorizationDocument"] =
            json!({"type": "EmploymentAuthorizationDocument", "identifier": "1"});
        let m = invalid(&d);
        assert!(m.contains("label map does not name"), "{m}");
    }

    #[test]
    fn a_flipped_byte_of_the_base_signature_fails() {
        for text in [W3C_BASE, W3C_DERIVED] {
            let mut d = doc(text);
            let mut bytes = proof_bytes(&d);
            // Header (3), array (1), byte string head (2), then the 64 bytes of the signature.
            bytes[6 + 10] ^= 1;
            d["proof"]["proofValue"] = multibase(&bytes).into();
            let m = invalid(&d);
            assert!(m.contains("base signature"), "{m}");
        }
    }

    #[test]
    fn another_issuer_key_fails() {
        // The vectors' issuer is a did:key other than the one that signed.
        for text in [W3C_BASE, W3C_DERIVED] {
            let d = doc(text);
            let other = p256_key(d["issuer"]["id"].as_str().unwrap());
            assert_ne!(other, issuer_key(&d));
            let got = verify(&d, &d["proof"], &ContextLoader::default(), &other);
            assert!(
                matches!(&got, Err(Failure::Invalid(m)) if m.contains("base signature does not match")),
                "{got:?}"
            );
            let right = verify(&d, &d["proof"], &ContextLoader::default(), &issuer_key(&d));
            assert_eq!(right, Ok(()));
        }
    }

    #[test]
    fn an_unknown_context_is_unverifiable() {
        let mut d = doc(W3C_DERIVED);
        let url = "https://contexts.example/unknown/v1";
        d["@context"].as_array_mut().unwrap().push(url.into());
        let got = outcome(&d);
        assert!(
            matches!(&got, Err(Failure::Unverifiable(m)) if m.contains(url)),
            "{got:?}"
        );
    }

    #[test]
    fn a_malformed_proof_value_is_named() {
        let d = doc(W3C_DERIVED);
        let bytes = proof_bytes(&d);
        let value = d["proof"]["proofValue"].as_str().unwrap().to_string();
        let m = refused(&d, &format!("z{}", &value[1..]));
        assert!(m.contains("not multibase base64url"), "{m}");
        let m = refused(&d, "u**");
        assert!(m.contains("not base64url"), "{m}");
        let mut wrong = bytes.clone();
        wrong[2] = 0x07;
        let m = refused(&d, &multibase(&wrong));
        assert!(m.contains("header") && m.contains("d9 5d 07"), "{m}");
        let m = refused(&d, "u");
        assert!(m.contains("header"), "{m}");
        let mut trailing = bytes.clone();
        trailing.push(0);
        let m = refused(&d, &multibase(&trailing));
        assert!(m.contains("1 bytes follow"), "{m}");
        // Cut anywhere, the proof value is refused as malformed (and nothing panics).
        for n in 0..bytes.len() {
            let m = refused(&d, &multibase(&bytes[..n]));
            assert!(m.contains("proofValue is malformed"), "{n}: {m}");
        }
        let mut d = d;
        d["proof"].as_object_mut().unwrap().remove("proofValue");
        let m = invalid(&d);
        assert!(m.contains("no proofValue"), "{m}");
    }

    #[test]
    fn claimed_lengths_are_capped() {
        let d = doc(W3C_DERIVED);
        // The header, an array of five, then a base signature and a public key of the right size.
        let mut start = DERIVED_HEADER.to_vec();
        start.push(0x85);
        encode(&Cbor::Bytes(vec![1; 64]), &mut start);
        let mut key = P256_MULTIKEY.to_vec();
        key.extend_from_slice(&[2; 33]);
        encode(&Cbor::Bytes(key), &mut start);
        let with = |tail: &[u8]| {
            let mut b = start.clone();
            b.extend_from_slice(tail);
            refused(&d, &multibase(&b))
        };
        // 2^64 - 1 signatures, 10 001 signatures, 2^32 - 1 label map entries.
        let m = with(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert!(m.contains("more than the 10000"), "{m}");
        let mut over = Vec::new();
        head(4, 10_001, &mut over);
        let m = with(&over);
        assert!(m.contains("would hold 10001 entries"), "{m}");
        let m = with(&[0x80, 0xba, 0xff, 0xff, 0xff, 0xff]);
        assert!(m.contains("label map would hold"), "{m}");
        let m = with(&[0x9f]);
        assert!(m.contains("indefinite length"), "{m}");
        // A byte string of 2^64 - 1 bytes in a proof value of a few bytes.
        let mut huge = DERIVED_HEADER.to_vec();
        huge.extend_from_slice(&[0x85, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let m = refused(&d, &multibase(&huge));
        assert!(m.contains("the base signature cannot be read"), "{m}");
    }

    #[test]
    fn the_parts_of_a_derived_proof_are_checked() {
        let d = doc(W3C_DERIVED);
        let key = issuer_key(&d);
        let check = |items: Vec<Cbor>| {
            let mut d = d.clone();
            d["proof"]["proofValue"] = derived_value(items).into();
            verify(&d, &d["proof"], &ContextLoader::default(), &key)
        };
        let fails = |items: Vec<Cbor>, phrase: &str| {
            let got = check(items);
            assert!(
                matches!(&got, Err(Failure::Invalid(m)) if m.contains(phrase)),
                "{phrase}: {got:?}"
            );
        };
        // Written again from its parts, it verifies; so it does with tag 64 on a byte string.
        assert_eq!(check(derived_items(&d)), Ok(()));
        let mut items = derived_items(&d);
        items[0] = Cbor::Tag(64, Box::new(items[0].clone()));
        assert_eq!(check(items), Ok(()));
        let mut items = derived_items(&d);
        items[0] = Cbor::Tag(24, Box::new(items[0].clone()));
        fails(items, "tag 24");
        for indexes in [[4, 0, 5, 7], [0, 4, 4, 7]] {
            let mut items = derived_items(&d);
            items[4] = Cbor::Array(indexes.into_iter().map(Cbor::Uint).collect());
            fails(items, "not ascending");
        }
        let mut items = derived_items(&d);
        items[4] = Cbor::Array(vec![Cbor::Uint(0), Cbor::Uint(40)]);
        fails(items, "statement 40 as mandatory");
        let mut items = derived_items(&d);
        if let Cbor::Map(labels) = &mut items[3] {
            labels.retain(|(k, _)| *k != 1);
        }
        fails(items, "label map does not name");
        let mut items = derived_items(&d);
        if let Cbor::Map(labels) = &mut items[3] {
            let first = labels[0].clone();
            labels.push(first);
        }
        fails(items, "twice");
        let mut items = derived_items(&d);
        items.pop();
        fails(items, "array of 4 items, not 5");
        let mut items = derived_items(&d);
        items[0] = Cbor::Bytes(vec![1; 63]);
        fails(items, "63 bytes, not 64");
        let mut items = derived_items(&d);
        items[1] = Cbor::Bytes(vec![2; 35]);
        fails(items, "not a P-256 Multikey");
        let mut items = derived_items(&d);
        if let Cbor::Array(signatures) = &mut items[2] {
            signatures.pop();
        }
        fails(items, "statements were added or removed");
        let mut items = derived_items(&d);
        if let Cbor::Array(signatures) = &mut items[2] {
            signatures.swap(0, 1);
        }
        fails(items, "signature does not match");
    }

    #[test]
    fn the_parts_of_a_base_proof_are_checked() {
        let d = doc(W3C_BASE);
        let bytes = proof_bytes(&d);
        // The HMAC key's byte string head is at 107: header 3, array 1, signature 2 + 64,
        // public key 2 + 35.
        assert_eq!(bytes[107..109], [0x58, 0x20]);
        let mut short = bytes.clone();
        short[108] = 0x1f;
        short.remove(109);
        let m = refused(&d, &multibase(&short));
        assert!(m.contains("the HMAC key has 31 bytes, not 32"), "{m}");
        // Another HMAC key names the blank nodes otherwise: the signed statements are not found.
        let mut other = bytes;
        other[109] ^= 1;
        let mut d = d;
        d["proof"]["proofValue"] = multibase(&other).into();
        invalid(&d);
    }

    #[test]
    fn a_mandatory_pointer_that_matches_nothing_is_invalid() {
        let mut d = doc(W3C_BASE);
        d.as_object_mut().unwrap().remove("issuer");
        let m = invalid(&d);
        assert!(m.contains("pointer \"/issuer\" does not match"), "{m}");
    }

    #[test]
    fn selection_follows_the_reference() {
        let d = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:example:1",
            "type": ["VerifiableCredential"],
            "a/b": {"type": "T", "x": 1, "y": 2},
            "list": [
                {"id": "urn:example:l0", "v": 0},
                {"@id": "_:b1", "v": 1},
                {"@id": "urn:bnid:_mcx_3", "v": 2, "w": 3}
            ],
            "one": [{"k": "v", "other": 3}],
            "single": {"n": 1, "m": 2}
        });
        let sel = select_json_ld(&d, &["/a~1b/x", "/list/2/v", "/one/k", "/single/0"]).unwrap();
        assert_eq!(
            sel,
            json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "urn:example:1",
                "type": ["VerifiableCredential"],
                "a/b": {"type": "T", "x": 1},
                "list": [{"@id": "urn:bnid:_mcx_3", "v": 2}],
                "one": [{"k": "v"}],
                "single": {"n": 1, "m": 2}
            })
        );
        // A blank node's label is not copied on the way; the value selected is copied whole.
        let sel = select_json_ld(&d, &["/list/1/v", "/list/0"]).unwrap();
        assert_eq!(
            sel["list"],
            json!([{"id": "urn:example:l0", "v": 0}, {"v": 1}])
        );
        assert_eq!(select_json_ld(&d, &["/single", ""]).unwrap(), d);
        for pointer in [
            "/nothing",
            "/list/3",
            "/list/-1",
            "/list/x",
            "/a~1b/x/y",
            "/0",
        ] {
            let e = select_json_ld(&d, &[pointer]).unwrap_err();
            assert!(e.contains("does not match"), "{pointer}: {e}");
        }
    }

    #[test]
    fn skolemisation_names_nodes_and_nothing_else() {
        let loader = ContextLoader::default();
        let d = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": {"id": "_:issuer", "name": "Uni"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:1",
                "name": {"@value": "Ana", "@language": "pt"}
            },
            "credentialSchema": {
                "id": "https://example.org/schema",
                "type": "JsonSchema",
                "jsonSchema": {"type": "object", "properties": {"a": {}}}
            },
            "evidence": [{"name": "x"}]
        });
        let s = skolemize(&d, &loader).unwrap();
        assert!(s["@id"].as_str().unwrap().starts_with(SKOLEM), "{s}");
        assert_eq!(s["issuer"]["id"], format!("{SKOLEM}l0"));
        assert!(s["evidence"][0]["@id"]
            .as_str()
            .unwrap()
            .starts_with(SKOLEM));
        assert_eq!(
            s["credentialSubject"]["name"],
            d["credentialSubject"]["name"]
        );
        assert!(s["credentialSubject"].get("@id").is_none());
        // The JSON literal of the type-scoped `jsonSchema` term is left as it is.
        assert_eq!(s["credentialSchema"], d["credentialSchema"]);
        let named = deskolemize(jsonld::to_rdf(&s, &loader).unwrap());
        assert_eq!(
            jsonld::canonicalize_quads(&named).unwrap(),
            jsonld::canonicalize(&d, &loader).unwrap()
        );
    }

    #[test]
    fn pointers_are_read_as_javascript_reads_them() {
        let keys = |p: &str| -> Vec<String> {
            parse_pointer(p)
                .into_iter()
                .map(|s| match s {
                    Step::Key(k) => format!("key {k}"),
                    Step::Number { key, index } => format!("number {key} {index:?}"),
                })
                .collect()
        };
        assert_eq!(
            keys("/a~1b/~01/~2/2/007/-0/-3/1x/"),
            [
                "key a/b",
                "key ~1",
                "key ~2",
                "number 2 Some(2)",
                "number 7 Some(7)",
                "number 0 Some(0)",
                "number -3 None",
                "number 1 Some(1)",
                "key "
            ]
        );
        assert!(keys("").is_empty());
    }
}
