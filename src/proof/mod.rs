//! Canonicalisation, signature suites and certificates: `eddsa-jcs-2022` and `ecdsa-jcs-2019`
//! (RFC 8785), `eddsa-rdfc-2022`, `ecdsa-rdfc-2019` and `Ed25519Signature2020` (JSON-LD →
//! RDF → RDFC-1.0 with bundled contexts), `ecdsa-sd-2023`, VC-JWT, Blockcerts
//! `MerkleProof2019` (document hash and Merkle path; [`merkle`]).
//! Nothing here fetches anything: contexts come from [`crate::proof`]'s bundled loader.

pub mod di;
pub mod ecdsa;
pub mod ecdsa_sd;
pub mod ed25519;
pub mod jcs;
pub mod keys;
pub mod merkle;

pub mod contexts;
pub mod jsonld;
pub mod rdfc;
pub mod x509;
