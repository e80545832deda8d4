//! Blockcerts v3 `MerkleProof2019` (W3C CCG "Merkle Proof Signature Suite 2019", as encoded by
//! `@blockcerts/lds-merkle-proof-2019` and `lds-merkle-proof-2019-py`): decoding the
//! `proofValue`, the credential's document hash, and the Merkle path up to the root.
//!
//! The `proofValue` is multibase base58btc (`z…`) of a CBOR array of `[key, value]` pairs
//! (the spec's compact key map): `0` merkleRoot, `1` targetHash, `2` anchors, `3` path. Each
//! hash is a CBOR byte string that itself holds a CBOR item: a text string of hex digits (the
//! Python issuer) or a byte string (the JavaScript encoder). A path entry is `[0, hash]`
//! (left sibling) or `[1, hash]` (right sibling); an anchor is a list of pairs `[0, chain]`,
//! `[1, network]`, `[2, transaction id]`, written as `blink:<chain>:<network>:<tx>`.
//!
//! The document hash is SHA-256 over the RDFC-1.0 canonical N-Quads of the credential without
//! its `proof` (what cert-verifier-js computes with `jsonld.normalize`, URDNA2015). Walking the
//! path: a left sibling `L` gives `SHA-256(L ‖ h)`, a right sibling `R` gives `SHA-256(h ‖ R)`
//! (raw 32-byte values). The anchor, the root written into a blockchain transaction, cannot
//! be checked offline; this module only decodes it.
//!
//! Nothing here panics on hostile input: the decoder borrows from the input (a forged
//! length fails without allocating), only definite-length items are accepted, and the sizes
//! of the path and of the anchor list are capped.

use crate::proof::contexts::ContextLoader;
use crate::proof::di::Failure;
use crate::proof::jsonld;
use minicbor::data::Type;
use minicbor::Decoder;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The longest `proofValue` accepted (characters); real ones are a few hundred.
const MAX_PROOF_VALUE: usize = 16 * 1024;
/// The longest Merkle path accepted: 64 levels is a batch of 2^64 credentials.
const MAX_PATH: usize = 64;
/// The most anchors accepted on one proof.
const MAX_ANCHORS: usize = 16;

/// One step of the Merkle path: the sibling hash and which side it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStep {
    /// The sibling is on the left: `SHA-256(sibling ‖ h)`.
    Left([u8; 32]),
    /// The sibling is on the right: `SHA-256(h ‖ sibling)`.
    Right([u8; 32]),
}

/// Where the Merkle root was written: a transaction on a blockchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The chain's code in the key map (0 Bitcoin, 1 Ethereum, 2 Polygon, 3 Base, -1 mocknet).
    pub chain: i64,
    /// The network's code (1 main network; 3, 4, 5, 11155111, ... test networks).
    pub network: i64,
    /// The transaction id as written (hex, with or without `0x`).
    pub transaction: String,
}

impl Anchor {
    /// The chain and network in words ("the Bitcoin testnet", "Ethereum").
    pub fn chain_name(&self) -> String {
        let (chain, mainnet, tests): (&str, i64, &[(i64, &str)]) = match self.chain {
            0 => ("Bitcoin", 1, &[(3, "testnet")]),
            1 => (
                "Ethereum",
                1,
                &[
                    (3, "Ropsten"),
                    (4, "Rinkeby"),
                    (5, "Goerli"),
                    (11_155_111, "Sepolia"),
                ],
            ),
            2 => ("Polygon", 137, &[(80_001, "Mumbai")]),
            3 => ("Base", 8453, &[(84_532, "Sepolia")]),
            -1 => return "the mock network used for testing (no blockchain at all)".into(),
            other => {
                return format!(
                    "an unknown blockchain (code {other}, network {})",
                    self.network
                )
            }
        };
        if self.network == mainnet {
            return chain.to_string();
        }
        match tests.iter().find(|(n, _)| *n == self.network) {
            Some((_, "testnet")) => format!("the {chain} testnet"),
            Some((_, name)) => format!("the {chain} {name} test network"),
            None => format!("{chain} (network {})", self.network),
        }
    }

    /// The `blink:` form used by Blockcerts (`blink:btc:testnet:<tx>`), for display.
    pub fn blink(&self) -> String {
        let chain = match self.chain {
            0 => "btc",
            1 => "eth",
            2 => "mtc",
            3 => "base",
            -1 => "mocknet",
            _ => "unknown",
        };
        format!("blink:{chain}:{}:{}", self.network, self.transaction)
    }
}

/// A decoded `MerkleProof2019` proof value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleProof2019 {
    /// The root of the Merkle tree of the issuing batch, as anchored.
    pub merkle_root: [u8; 32],
    /// The hash of this credential (its leaf).
    pub target_hash: [u8; 32],
    /// From the leaf up to the root.
    pub path: Vec<PathStep>,
    /// Where the root was anchored.
    pub anchors: Vec<Anchor>,
}

impl MerkleProof2019 {
    /// Decode a multibase base58btc `proofValue`. A malformed value is an
    /// [`Failure::Invalid`] naming what is wrong.
    pub fn decode(proof_value: &str) -> Result<Self, Failure> {
        let bad = |m: &str| Failure::Invalid(format!("its proofValue is malformed: {m}"));
        if proof_value.len() > MAX_PROOF_VALUE {
            return Err(bad("it is too long"));
        }
        let bytes = proof_value
            .strip_prefix('z')
            .and_then(|b| bs58::decode(b).into_vec().ok())
            .ok_or_else(|| bad("it is not multibase base58btc"))?;
        decode_cbor(&bytes).map_err(|m| bad(&m))
    }

    /// Walk the path from the target hash; the hash it ends at.
    pub fn computed_root(&self) -> [u8; 32] {
        self.path.iter().fold(self.target_hash, |h, step| {
            let mut sha = Sha256::new();
            match step {
                PathStep::Left(sibling) => {
                    sha.update(sibling);
                    sha.update(h);
                }
                PathStep::Right(sibling) => {
                    sha.update(h);
                    sha.update(sibling);
                }
            }
            sha.finalize().into()
        })
    }
}

/// SHA-256 of the RDFC-1.0 canonical N-Quads of `credential` without its `proof`: the
/// Blockcerts document hash (the leaf of the Merkle tree).
pub fn document_hash(credential: &Value, contexts: &ContextLoader) -> Result<[u8; 32], Failure> {
    let mut unsigned = credential.clone();
    let obj = unsigned
        .as_object_mut()
        .ok_or_else(|| Failure::Invalid("the document is not a JSON object".into()))?;
    obj.remove("proof");
    let nquads = jsonld::canonicalize(&unsigned, contexts).map_err(|e| match e {
        jsonld::JsonLdError::UnknownContext(url) => Failure::Unverifiable(format!(
            "it uses the JSON-LD context {url}, which is not bundled or cached"
        )),
        other => Failure::Invalid(format!(
            "it is not valid JSON-LD (Blockcerts refuses fields its contexts do not define): {other}"
        )),
    })?;
    Ok(Sha256::digest(nquads.as_bytes()).into())
}

/// Lower-case hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in s.as_bytes().chunks(2).enumerate() {
        let digit = |c: u8| char::from(c).to_digit(16);
        let (hi, lo) = (digit(pair[0])?, digit(pair[1])?);
        *out.get_mut(i)? = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

type CborResult<T> = Result<T, String>;

fn cbor_err(e: minicbor::decode::Error) -> String {
    format!("invalid CBOR ({e})")
}

/// A definite-length array header; its length, capped at `max`.
fn array(d: &mut Decoder<'_>, what: &str, max: usize) -> CborResult<usize> {
    match d.array().map_err(cbor_err)? {
        Some(n) if n <= max as u64 => usize::try_from(n).map_err(|_| format!("{what} is too long")),
        Some(_) => Err(format!("{what} is too long")),
        None => Err(format!("{what} has an indefinite length")),
    }
}

/// A `[key, value]` pair's header and key.
fn pair_key(d: &mut Decoder<'_>, what: &str) -> CborResult<i64> {
    if array(d, what, 2)? != 2 {
        return Err(format!("{what} is not a [key, value] pair"));
    }
    d.i64().map_err(cbor_err)
}

/// A value wrapped as Blockcerts wraps it: a byte string holding one CBOR item, a text string
/// (of hex digits) or a byte string. Byte strings come back as hex.
fn wrapped_text(d: &mut Decoder<'_>) -> CborResult<String> {
    let inner = d.bytes().map_err(cbor_err)?;
    let mut d = Decoder::new(inner);
    let text = match d.datatype().map_err(cbor_err)? {
        Type::String => d.str().map_err(cbor_err)?.to_string(),
        Type::Bytes => hex(d.bytes().map_err(cbor_err)?),
        other => {
            return Err(format!(
                "a value is a CBOR {other}, not a text or byte string"
            ))
        }
    };
    if d.position() != inner.len() {
        return Err("a value has trailing bytes".into());
    }
    Ok(text)
}

fn wrapped_hash(d: &mut Decoder<'_>, what: &str) -> CborResult<[u8; 32]> {
    let text = wrapped_text(d)?;
    unhex32(&text).ok_or_else(|| format!("{what} is not a 32-byte hex hash"))
}

fn decode_cbor(bytes: &[u8]) -> CborResult<MerkleProof2019> {
    let mut d = Decoder::new(bytes);
    let entries = array(&mut d, "the proof", 8)?;
    let (mut root, mut target, mut path, mut anchors) = (None, None, None, None);
    for _ in 0..entries {
        match pair_key(&mut d, "a proof entry")? {
            0 if root.is_none() => root = Some(wrapped_hash(&mut d, "the merkleRoot")?),
            1 if target.is_none() => target = Some(wrapped_hash(&mut d, "the targetHash")?),
            2 if anchors.is_none() => anchors = Some(decode_anchors(&mut d)?),
            3 if path.is_none() => path = Some(decode_path(&mut d)?),
            k @ 0..=3 => return Err(format!("the entry {k} appears twice")),
            k => return Err(format!("unknown entry {k}")),
        }
    }
    if d.position() != bytes.len() {
        return Err("trailing bytes after the proof".into());
    }
    Ok(MerkleProof2019 {
        merkle_root: root.ok_or("it has no merkleRoot")?,
        target_hash: target.ok_or("it has no targetHash")?,
        path: path.unwrap_or_default(),
        anchors: anchors.unwrap_or_default(),
    })
}

fn decode_path(d: &mut Decoder<'_>) -> CborResult<Vec<PathStep>> {
    let n = array(d, "the path", MAX_PATH)?;
    let mut path = Vec::with_capacity(n);
    for _ in 0..n {
        let side = pair_key(d, "a path step")?;
        let hash = wrapped_hash(d, "a path step")?;
        path.push(match side {
            0 => PathStep::Left(hash),
            1 => PathStep::Right(hash),
            other => {
                return Err(format!(
                    "a path step has side {other}, not 0 (left) or 1 (right)"
                ))
            }
        });
    }
    Ok(path)
}

fn decode_anchors(d: &mut Decoder<'_>) -> CborResult<Vec<Anchor>> {
    let n = array(d, "the anchors", MAX_ANCHORS)?;
    let mut anchors = Vec::with_capacity(n);
    for _ in 0..n {
        let parts = array(d, "an anchor", 8)?;
        let (mut chain, mut network, mut tx) = (None, None, None);
        for _ in 0..parts {
            match pair_key(d, "an anchor part")? {
                0 => chain = Some(d.i64().map_err(cbor_err)?),
                1 => network = Some(d.i64().map_err(cbor_err)?),
                2 => tx = Some(wrapped_text(d)?),
                other => return Err(format!("an anchor has an unknown part {other}")),
            }
        }
        let transaction = tx.ok_or("an anchor names no transaction")?;
        let plausible = !transaction.is_empty()
            && transaction.len() <= 130
            && transaction
                .strip_prefix("0x")
                .unwrap_or(&transaction)
                .bytes()
                .all(|b| b.is_ascii_hexdigit());
        if !plausible {
            return Err("an anchor's transaction id is not hex".into());
        }
        anchors.push(Anchor {
            chain: chain.ok_or("an anchor names no blockchain")?,
            network: network.ok_or("an anchor names no network")?,
            transaction,
        });
    }
    Ok(anchors)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// `@blockcerts/lds-merkle-proof-2019` test vector (Decoder.test.js / proofValue.json
    /// shape): the proof of cert-verifier-js `testnet-v3-did.json`, issued by cert-issuer.
    const DID_PROOF: &str = "z4zvrPUULnHmaio37FZuwYZDyU39wMYujJCMeypmxMWhh2XoCSMSVoeVRBKeEKUVnqccnmgggyPYLx2xubmvDCP2HWMCcTCLrcpBHJMEzUiwQrixSFStZbxQq9yPVNoYysMcxinfxZTpmH1j5mmGsC2fUP1LEMruXA1fKgupM3Ea97PzUGjgDgSfZqJNKjmFMJYL5tC1R7XoRqYvpKg3NhMrFY9YtyuERDW9do92EPeSw17j5xUZLpj6uGieJVrf5ps4AScoB4tXXTm4eFi4ZkQbbbvkRmPK9bZsyKKxGQ2Bq5cfwPbvPHiaGLSHEBrAYh75so7LwoiKi1VCw7NdsybWmMUf1E547PZhbqTB5hXJD5VBYN6hpoGzc18L6boKN1oveFaHAoFrQsEjmBJ";

    /// The JavaScript encoder's own vector (`lds-merkle-proof-2019` Encoder.test.js):
    /// byte strings inside the wrappers, two right siblings, a Bitcoin testnet anchor.
    const JS_PROOF: &str = "z6nGv6rMRybRe9CuMzbQbdu7sA858v1d13JU3hoAr1x93cheinB35kDXqCvaA93WTLWGtLZMdQSvvNCxEMZPhLvDa4CbUYkm4pCwBe7kCZAsuwHZwHxgyzCbRUWFbMXHhkVSHoPYmPzfi4arfHKMgKSurZ7oqe3GHRdi78TbHGvA65edK8JBEdTUt8SpCdc7wz5qiwj3THtcNAXfgK4LmCAu4fq8CnjLcMtGoEdfXfjy3turtaTapyM3katuYKAzbJF3FiE8i8NXBsiBnEbvKk7k";

    #[test]
    fn the_python_issuer_encoding_decodes_and_its_path_reaches_the_root() {
        let p = MerkleProof2019::decode(DID_PROOF).unwrap();
        assert_eq!(
            hex(&p.target_hash),
            "eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1"
        );
        assert_eq!(
            hex(&p.merkle_root),
            "68df661ae14f926878aabbe5ca33e46376e8bfb397c1364c2f1fa653ecd8b4b6"
        );
        assert_eq!(p.path.len(), 1);
        assert!(matches!(p.path[0], PathStep::Left(_)));
        assert_eq!(p.computed_root(), p.merkle_root);
        assert_eq!(p.anchors.len(), 1);
        assert_eq!(p.anchors[0].chain_name(), "the Bitcoin testnet");
        assert_eq!(
            p.anchors[0].transaction,
            "140ee9382a5c84433b9c89a5d9fea26c47415838b5841deb0c36a8a4b9121f2e"
        );
    }

    #[test]
    fn the_javascript_encoding_decodes() {
        let p = MerkleProof2019::decode(JS_PROOF).unwrap();
        assert_eq!(
            hex(&p.merkle_root),
            "3c9ee831b8705f2fbe09f8b3a92247eed88cdc90418c024924be668fdc92e781"
        );
        assert_eq!(
            hex(&p.target_hash),
            "c65c6184e3d5a945ddb5437e93ea312411fd33aa1def22b0746d6ecd4aa30f20"
        );
        assert_eq!(p.path.len(), 2);
        assert!(matches!(p.path[1], PathStep::Right(_)));
        assert_eq!(p.anchors[0].chain_name(), "the Bitcoin testnet");
        assert_eq!(p.computed_root(), p.merkle_root);
    }

    #[test]
    fn hostile_values_are_refused_without_panicking() {
        for bad in [
            "",
            "z",
            "zzzz",
            "x123",
            "z1111111111",
            // A byte string claiming 2^64-1 bytes.
            &format!(
                "z{}",
                bs58::encode([
                    0x81, 0x82, 0x00, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
                ])
                .into_string()
            ),
            // An indefinite array.
            &format!("z{}", bs58::encode([0x9f, 0xff]).into_string()),
            // Deep nesting.
            &format!("z{}", bs58::encode([0x81u8; 400]).into_string()),
        ] {
            assert!(
                matches!(MerkleProof2019::decode(bad), Err(Failure::Invalid(_))),
                "{bad}"
            );
        }
        let long = "z".to_string() + &"2".repeat(MAX_PROOF_VALUE);
        assert!(MerkleProof2019::decode(&long).is_err());
    }
}
