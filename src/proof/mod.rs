//! Canonicalisation, signature suites and certificates: `eddsa-jcs-2022` (RFC 8785), `eddsa-rdfc-2022`
//! and `Ed25519Signature2020` (JSON-LD → RDF → RDFC-1.0 with bundled contexts), VC-JWT,
//! Blockcerts `MerkleProof2019` (document hash and Merkle path; [`merkle`]).
//! Nothing here fetches anything: contexts come from [`crate::proof`]'s bundled loader.

pub mod di;
pub mod ed25519;
pub mod jcs;
pub mod keys;
pub mod merkle;

pub mod contexts;
pub mod jsonld;
pub mod rdfc;
pub mod x509;
