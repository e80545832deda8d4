//! The ECDSA Data Integrity suites `ecdsa-rdfc-2019` and `ecdsa-jcs-2019` (W3C VC Data
//! Integrity ECDSA Cryptosuites v1.0, §3.2 and §3.3) on P-256 and P-384: the hash data and
//! the signature check. Canonicalisation and the proof options are shared with the eddsa
//! suites ([`crate::proof::di`]); what differs is the hash, which follows the key's curve.
//!
//! - Hashing (§3.2.3, §3.3.3): `hashData` = H(canonical proof configuration) ‖
//!   H(canonical document), with SHA-256 for a P-256 key (64 bytes) and SHA-384 for a P-384
//!   key (96 bytes).
//! - Proof verification (§3.2.6, §3.3.6): the `proofValue` is multibase base58btc (`z`) of
//!   the raw `r ‖ s` (64 bytes for P-256, 96 for P-384), checked by ECDSA (FIPS 186-5) with
//!   `hashData` as the message, so the message is hashed once more with the curve's hash.
//!   The W3C vectors confirm it: their signatures verify over `combinedHash` as a message,
//!   not as a prehashed digest.

use crate::did::PublicKey;
use crate::proof::di::Failure;
use sha2::{Digest, Sha256, Sha384};

/// A decoded ECDSA `proofValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// A P-256 signature (`r ‖ s`, 64 bytes).
    P256(p256::ecdsa::Signature),
    /// A P-384 signature (`r ‖ s`, 96 bytes).
    P384(p384::ecdsa::Signature),
}

/// The hash data of an ECDSA proof for `key`: H(config) ‖ H(document), H being SHA-256
/// for P-256 and SHA-384 for P-384. An Ed25519 key has no ECDSA hash data.
pub fn hash_data(
    key: &PublicKey,
    canonical_config: &[u8],
    canonical_document: &[u8],
) -> Result<Vec<u8>, Failure> {
    match key {
        PublicKey::P256(_) => {
            let mut out = Sha256::digest(canonical_config).to_vec();
            out.extend_from_slice(&Sha256::digest(canonical_document));
            Ok(out)
        }
        PublicKey::P384(_) => {
            let mut out = Sha384::digest(canonical_config).to_vec();
            out.extend_from_slice(&Sha384::digest(canonical_document));
            Ok(out)
        }
        PublicKey::Ed25519(_) => Err(not_ecdsa(key)),
    }
}

/// Decode a `proofValue` for `key`: multibase base58btc of `r ‖ s`, each the curve's size.
pub fn decode_signature(key: &PublicKey, proof_value: &str) -> Result<Signature, Failure> {
    let bytes = proof_value
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or_else(|| Failure::Invalid("the proofValue is not multibase base58btc".into()))?;
    match key {
        PublicKey::P256(_) => {
            if bytes.len() != 64 {
                return Err(Failure::Invalid(format!(
                    "the proofValue is not a 64-byte P-256 signature (it has {} bytes)",
                    bytes.len()
                )));
            }
            p256::ecdsa::Signature::from_slice(&bytes)
                .map(Signature::P256)
                .map_err(|_| {
                    Failure::Invalid("the proofValue is not a valid P-256 signature".into())
                })
        }
        PublicKey::P384(_) => {
            if bytes.len() != 96 {
                return Err(Failure::Invalid(format!(
                    "the proofValue is not a 96-byte P-384 signature (it has {} bytes)",
                    bytes.len()
                )));
            }
            p384::ecdsa::Signature::from_slice(&bytes)
                .map(Signature::P384)
                .map_err(|_| {
                    Failure::Invalid("the proofValue is not a valid P-384 signature".into())
                })
        }
        PublicKey::Ed25519(_) => Err(not_ecdsa(key)),
    }
}

/// Check `sig` under `key` over `data`, the proof's hash data: ECDSA with the curve's hash of
/// `data` as the message digest. High-S signatures are accepted, as WebCrypto and the
/// reference implementations accept them.
pub fn verify(key: &PublicKey, data: &[u8], sig: &Signature) -> Result<(), Failure> {
    let checked = match (key, sig) {
        (PublicKey::P256(k), Signature::P256(s)) => {
            p256::ecdsa::signature::Verifier::verify(k, data, s).is_ok()
        }
        (PublicKey::P384(k), Signature::P384(s)) => {
            p384::ecdsa::signature::Verifier::verify(k, data, s).is_ok()
        }
        (PublicKey::Ed25519(_), _) => return Err(not_ecdsa(key)),
        _ => {
            return Err(Failure::Invalid(
                "the signature is for another curve than the key".into(),
            ))
        }
    };
    if checked {
        Ok(())
    } else {
        Err(Failure::Invalid(
            "the signature does not match: the credential was changed after signing, or signed with another key"
                .into(),
        ))
    }
}

fn not_ecdsa(key: &PublicKey) -> Failure {
    Failure::Invalid(format!(
        "an ECDSA proof needs a P-256 or P-384 key, not an {} key",
        key.describe()
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::proof::di::{self, ProofEnv};
    use serde_json::Value;

    /// (name, signed vector, `combinedHash*.txt` of the same upstream folder).
    const VECTORS: [(&str, &str, &str); 4] = [
        (
            "ecdsa-rdfc-2019 P-256",
            include_str!("../../tests/fixtures/ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json"),
            "3a8a522f689025727fb9d1f0fa99a618da023e8494ac74f51015d009d35abc2e517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017",
        ),
        (
            "ecdsa-rdfc-2019 P-384",
            include_str!("../../tests/fixtures/ecdsa/ecdsa-rdfc-2019-p384/signedECDSAP384.json"),
            "e32805a26492eac777aa7a138f6d8da3c74e0c7be7b296dcaccf97420c3b92eaad7be6449ca565e165031567f5c7cbc18bf6e01df72c5b62f91b685231915ac4b8c58ea95f002c6b8f6bfafa1b251df476b56b8e01518e317dab099d3ecbff96",
        ),
        (
            "ecdsa-jcs-2019 P-256",
            include_str!("../../tests/fixtures/ecdsa/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"),
            "fe5799489119c7fe3c528715e72bd39d2ec6b4ab345978df32e9a9312648ec2559b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19",
        ),
        (
            "ecdsa-jcs-2019 P-384",
            include_str!("../../tests/fixtures/ecdsa/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json"),
            "83e5057817abb0c6872eafeaba1a9e53893c58eeb7414fb6d8aa3fa8c7917f7ad4792890b257c598baa17f4fbe6d183c3e0be671cc1881035d463158c80921973dab3534d4f8dfacf4ff2725a4115eb718e49d66de0e90e7365cd6062abf2259",
        ),
    ];

    fn outcomes(doc: &Value) -> Vec<Result<(), di::Failure>> {
        di::verify_proofs(doc, &ProofEnv::default())
            .into_iter()
            .map(|c| c.outcome)
            .collect()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn every_w3c_ecdsa_vector_verifies() {
        for (name, text, _) in VECTORS {
            let doc: Value = serde_json::from_str(text).unwrap();
            assert_eq!(outcomes(&doc), [Ok(())], "{name}");
        }
    }

    #[test]
    fn the_hash_data_is_the_w3c_combined_hash() {
        for (name, text, combined) in VECTORS {
            let doc: Value = serde_json::from_str(text).unwrap();
            let proof = &doc["proof"];
            let vm = proof["verificationMethod"].as_str().unwrap();
            let key = crate::did::resolve_for(vm, &Default::default(), "assertionMethod")
                .unwrap()
                .key;
            let suite = di::Suite::of(proof).unwrap();
            let (unsecured, options) = di::unsecured_parts(&doc, proof, &[proof]).unwrap();
            let (config, document) =
                di::canonical_forms(suite, &unsecured, &options, &Default::default()).unwrap();
            let data = hash_data(&key, &config, &document).unwrap();
            assert_eq!(hex(&data), combined, "{name}");
        }
    }

    #[test]
    fn a_changed_copy_of_every_vector_fails() {
        for (name, text, _) in VECTORS {
            let mut doc: Value = serde_json::from_str(text).unwrap();
            doc["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
            let got = outcomes(&doc);
            assert!(
                matches!(&got[..], [Err(di::Failure::Invalid(m))] if m.contains("does not match")),
                "{name}: {got:?}"
            );
            // A changed proof option is caught too (it is part of the hash data).
            let mut doc: Value = serde_json::from_str(text).unwrap();
            doc["proof"]["created"] = "2024-02-24T23:36:38Z".into();
            assert!(
                matches!(&outcomes(&doc)[..], [Err(di::Failure::Invalid(_))]),
                "{name}"
            );
            // A signature of the right size but from another message.
            let mut doc: Value = serde_json::from_str(text).unwrap();
            let value = doc["proof"]["proofValue"].as_str().unwrap().to_string();
            let mut bytes = bs58::decode(&value[1..]).into_vec().unwrap();
            bytes[10] ^= 1;
            doc["proof"]["proofValue"] = format!("z{}", bs58::encode(bytes).into_string()).into();
            assert!(
                matches!(&outcomes(&doc)[..], [Err(di::Failure::Invalid(_))]),
                "{name}"
            );
        }
    }

    #[test]
    fn an_ed25519_key_for_an_ecdsa_proof_is_invalid() {
        let ed = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        for (name, text, _) in VECTORS {
            let mut doc: Value = serde_json::from_str(text).unwrap();
            doc["proof"]["verificationMethod"] = format!("did:key:{ed}#{ed}").into();
            let got = outcomes(&doc);
            assert!(
                matches!(&got[..], [Err(di::Failure::Invalid(m))]
                    if m.contains("needs a P-256 or P-384 key") && m.contains("Ed25519")),
                "{name}: {got:?}"
            );
        }
    }

    #[test]
    fn a_p256_key_for_an_eddsa_proof_is_invalid() {
        let (_, text, _) = VECTORS[0];
        let mut doc: Value = serde_json::from_str(text).unwrap();
        doc["proof"]["cryptosuite"] = "eddsa-rdfc-2022".into();
        let got = outcomes(&doc);
        assert!(
            matches!(&got[..], [Err(di::Failure::Invalid(m))]
                if m.contains("needs an Ed25519 key") && m.contains("P-256")),
            "{got:?}"
        );
    }

    #[test]
    fn a_did_web_key_embedded_only_in_assertion_method_verifies_ecdsa() {
        // A P-256 key of our own, published by a did:web only inside assertionMethod, signs
        // the JCS vector's credential.
        let sk = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let vk = *sk.verifying_key();
        let mut multikey = vec![0x80, 0x24];
        multikey.extend_from_slice(vk.to_encoded_point(true).as_bytes());
        let multikey = format!("z{}", bs58::encode(multikey).into_string());
        let mut env = ProofEnv::default();
        env.keys
            .insert(serde_json::json!({
                "id": "did:web:uni.example",
                "assertionMethod": [{"id": "#key-1", "type": "Multikey",
                  "controller": "did:web:uni.example", "publicKeyMultibase": multikey}]
            }))
            .unwrap();
        let sign = |purpose: &str| {
            let (_, text, _) = VECTORS[2];
            let mut doc: Value = serde_json::from_str(text).unwrap();
            doc["proof"]["verificationMethod"] = "did:web:uni.example#key-1".into();
            doc["proof"]["proofPurpose"] = purpose.into();
            let proof = doc["proof"].clone();
            let (unsecured, options) = di::unsecured_parts(&doc, &proof, &[&proof]).unwrap();
            let (config, document) = di::canonical_forms(
                di::Suite::EcdsaJcs2019,
                &unsecured,
                &options,
                &Default::default(),
            )
            .unwrap();
            let data = hash_data(&PublicKey::P256(vk), &config, &document).unwrap();
            let sig: p256::ecdsa::Signature =
                p256::ecdsa::signature::Signer::sign(&sk, data.as_slice());
            doc["proof"]["proofValue"] =
                format!("z{}", bs58::encode(sig.to_bytes().to_vec()).into_string()).into();
            doc
        };
        let checks = di::verify_proofs(&sign("assertionMethod"), &env);
        assert_eq!(checks[0].outcome, Ok(()));
        assert_eq!(checks[0].controller.as_deref(), Some("did:web:uni.example"));
        assert_eq!(checks[0].key_source, Some(crate::did::KeySource::Cache));
        // Signed for authentication, the same key is refused: the document does not list it
        // for that purpose.
        let checks = di::verify_proofs(&sign("authentication"), &env);
        assert!(
            matches!(&checks[0].outcome, Err(di::Failure::Invalid(m))
                if m.contains("only for assertionMethod, not for authentication")),
            "{:?}",
            checks[0].outcome
        );
    }
}
