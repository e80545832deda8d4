//! The encrypted answer of `direct_post.jwt` (OpenID4VP 1.0 §8.3): a compact JWE (RFC 7516
//! §7.1) for a key of the verifier's `client_metadata.jwks`, by ECDH-ES direct key agreement
//! on P-256 (RFC 7518 §4.6, the only algorithm HAIP 1.0 asks of wallets) and AES-GCM
//! (`A128GCM`, the default, or `A256GCM`).
//!
//! The pieces are maintained RustCrypto crates (`p256` ECDH, `concat-kdf`, `aes-gcm`); this
//! file only lays out the JOSE header, the Concat KDF's OtherInfo and the five parts. The Rust
//! JWE crates either build on OpenSSL or ring beside our RustCrypto stack, or encrypt JWT
//! claims rather than a given payload.

use crate::jose::b64;
use crate::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::elliptic_curve::rand_core::{OsRng, RngCore};
use serde_json::{json, Value};

/// The content encryptions the wallet can do, in the order it prefers them.
const ENCS: [&str; 2] = ["A128GCM", "A256GCM"];

/// Whom an answer is encrypted for, and how: chosen from the request's `client_metadata`.
#[derive(Debug, Clone)]
pub struct Recipient {
    key: p256::PublicKey,
    kid: Option<String>,
    enc: &'static str,
}

impl Recipient {
    /// The verifier's encryption key and content encryption from its `client_metadata`: the
    /// first P-256 key of `jwks` meant for ECDH-ES (no `alg`, or `ECDH-ES`; no `use`, or
    /// `enc`), and the first of `encrypted_response_enc_values_supported` the wallet can do
    /// (`A128GCM` when it is absent). A verifier offering nothing the wallet can use is told
    /// by name what it offered.
    pub fn from_client_metadata(metadata: Option<&Value>) -> Result<Recipient> {
        let unsupported = |m: String| Error::Unsupported(m);
        let metadata = metadata.ok_or_else(|| {
            Error::Malformed(
                "the verifier wants its answer encrypted (direct_post.jwt) but gives no client_metadata with its key".into(),
            )
        })?;
        let keys = metadata
            .pointer("/jwks/keys")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                if metadata.get("jwks_uri").is_some() {
                    unsupported("the verifier wants its answer encrypted with a key behind jwks_uri; OpenID4VP 1.0 gives the key in client_metadata.jwks, and the wallet fetches nothing else".into())
                } else {
                    Error::Malformed(
                        "the verifier wants its answer encrypted (direct_post.jwt) but its client_metadata has no jwks".into(),
                    )
                }
            })?;
        let fits = |k: &&Value| {
            let s = |n: &str| k.get(n).and_then(Value::as_str);
            s("kty") == Some("EC")
                && s("crv") == Some("P-256")
                && matches!(s("alg"), None | Some("ECDH-ES"))
                && matches!(s("use"), None | Some("enc"))
        };
        let Some(jwk) = keys.iter().find(fits) else {
            let offered: Vec<String> = keys
                .iter()
                .map(|k| {
                    let s = |n: &str| k.get(n).and_then(Value::as_str).unwrap_or("?");
                    format!("{} {} {}", s("kty"), s("crv"), s("alg"))
                })
                .collect();
            return Err(unsupported(format!(
                "the verifier offers no P-256 key for ECDH-ES to encrypt its answer with (it offers: {})",
                if offered.is_empty() { "none".into() } else { offered.join(", ") }
            )));
        };
        let text = serde_json::to_string(&json!({
            "kty": "EC", "crv": "P-256", "x": jwk.get("x"), "y": jwk.get("y"),
        }))
        .map_err(|e| Error::Malformed(e.to_string()))?;
        let key = p256::PublicKey::from_jwk_str(&text).map_err(|_| {
            Error::Malformed("the verifier's encryption key is not a P-256 point".into())
        })?;
        let enc = match metadata
            .get("encrypted_response_enc_values_supported")
            .and_then(Value::as_array)
        {
            None => ENCS[0],
            Some(offered) => offered
                .iter()
                .filter_map(Value::as_str)
                .find_map(|o| ENCS.iter().find(|e| **e == o).copied())
                .ok_or_else(|| {
                    unsupported(format!(
                        "the verifier accepts its answer encrypted only with {}; the wallet encrypts with A128GCM or A256GCM",
                        offered.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
                    ))
                })?,
        };
        Ok(Recipient {
            key,
            kid: jwk.get("kid").and_then(Value::as_str).map(str::to_owned),
            enc,
        })
    }

    /// Encrypt `plaintext` for this recipient; `apv` (the request's nonce, as the OpenWallet
    /// Foundation's library sets it) goes into the header and the key derivation.
    pub fn encrypt(&self, plaintext: &[u8], apv: Option<&[u8]>) -> Result<String> {
        let ephemeral = p256::ecdh::EphemeralSecret::random(&mut OsRng);
        let epk: Value = serde_json::from_str(&ephemeral.public_key().to_jwk_string())
            .map_err(|e| Error::Malformed(e.to_string()))?;
        let mut header = json!({"alg": "ECDH-ES", "enc": self.enc, "epk": epk});
        if let Some(kid) = &self.kid {
            header["kid"] = json!(kid);
        }
        if let Some(v) = apv {
            header["apv"] = json!(b64(v));
        }
        let shared = ephemeral.diffie_hellman(&self.key);
        let key_len = if self.enc == "A256GCM" { 32 } else { 16 };
        let cek = derive(
            shared.raw_secret_bytes().as_slice(),
            self.enc,
            b"",
            apv.unwrap_or_default(),
            key_len,
        )?;
        let protected = b64(header.to_string().as_bytes());
        let mut iv = [0u8; 12];
        OsRng.fill_bytes(&mut iv);
        let payload = Payload {
            msg: plaintext,
            aad: protected.as_bytes(),
        };
        let sealed =
            match key_len {
                32 => Aes256Gcm::new_from_slice(&cek)
                    .map(|c| c.encrypt(Nonce::from_slice(&iv), payload)),
                _ => Aes128Gcm::new_from_slice(&cek)
                    .map(|c| c.encrypt(Nonce::from_slice(&iv), payload)),
            }
            .map_err(|_| Error::Malformed("the content key has the wrong length".into()))?
            .map_err(|_| Error::Malformed("the answer could not be encrypted".into()))?;
        // aes-gcm appends the 16-byte tag to the ciphertext.
        let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
        Ok(format!(
            "{protected}..{}.{}.{}",
            URL_SAFE_NO_PAD.encode(iv),
            URL_SAFE_NO_PAD.encode(ciphertext),
            URL_SAFE_NO_PAD.encode(tag)
        ))
    }
}

/// The Concat KDF of RFC 7518 §4.6.2 with SHA-256, for direct key agreement: OtherInfo is the
/// `enc` name, PartyUInfo, PartyVInfo (each length-prefixed) and the key length in bits.
fn derive(z: &[u8], enc: &str, apu: &[u8], apv: &[u8], key_len: usize) -> Result<Vec<u8>> {
    let mut other = Vec::new();
    for part in [enc.as_bytes(), apu, apv] {
        let len = u32::try_from(part.len())
            .map_err(|_| Error::Malformed("a key derivation input is too long".into()))?;
        other.extend_from_slice(&len.to_be_bytes());
        other.extend_from_slice(part);
    }
    let bits = u32::try_from(key_len * 8).unwrap_or(u32::MAX);
    other.extend_from_slice(&bits.to_be_bytes());
    let mut key = vec![0u8; key_len];
    concat_kdf::derive_key_into::<sha2::Sha256>(z, &other, &mut key)
        .map_err(|_| Error::Malformed("the content key could not be derived".into()))?;
    Ok(key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn secret(d: &str) -> p256::SecretKey {
        p256::SecretKey::from_slice(&URL_SAFE_NO_PAD.decode(d).unwrap()).unwrap()
    }

    /// RFC 7518 Appendix C: Alice's ephemeral key and Bob's key agree on the published content
    /// key for ECDH-ES with A128GCM, apu "Alice" and apv "Bob".
    #[test]
    fn the_key_agreement_gives_rfc_7518_appendix_c() {
        let alice = secret("0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo");
        let bob = secret("VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw");
        let z = p256::ecdh::diffie_hellman(alice.to_nonzero_scalar(), bob.public_key().as_affine());
        let key = derive(z.raw_secret_bytes(), "A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(key), "VqqN6vgjbSBcIijNcacQGg");
    }

    /// What the wallet encrypts, the holder of the verifier's key decrypts (done here with the
    /// same crates, by the RFC's steps); the header names the key, the algorithm and the nonce.
    #[test]
    fn an_answer_decrypts_with_the_verifiers_key() {
        let verifier = p256::SecretKey::random(&mut OsRng);
        let mut jwk: Value = serde_json::from_str(&verifier.public_key().to_jwk_string()).unwrap();
        jwk["kid"] = json!("enc-1");
        jwk["use"] = json!("enc");
        let signing: Value = json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "alg": "EdDSA"});
        for (offered, enc) in [
            (None, "A128GCM"),
            (Some(json!(["A256GCM", "A128GCM"])), "A256GCM"),
        ] {
            let mut metadata = json!({"jwks": {"keys": [signing, jwk]}});
            if let Some(o) = offered {
                metadata["encrypted_response_enc_values_supported"] = o;
            }
            let r = Recipient::from_client_metadata(Some(&metadata)).unwrap();
            let jwe = r
                .encrypt(br#"{"vp_token":{"q":["x"]}}"#, Some(b"n-1"))
                .unwrap();
            let parts: Vec<&str> = jwe.split('.').collect();
            assert_eq!(parts.len(), 5);
            assert_eq!(parts[1], "", "direct key agreement has no encrypted key");
            let header: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
            assert_eq!(header["alg"], "ECDH-ES");
            assert_eq!(header["enc"], enc);
            assert_eq!(header["kid"], "enc-1");
            assert_eq!(header["apv"], b64(b"n-1"));
            let epk = p256::PublicKey::from_jwk_str(&header["epk"].to_string()).unwrap();
            let z = p256::ecdh::diffie_hellman(verifier.to_nonzero_scalar(), epk.as_affine());
            let len = if enc == "A256GCM" { 32 } else { 16 };
            let cek = derive(z.raw_secret_bytes(), enc, b"", b"n-1", len).unwrap();
            let mut sealed = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
            sealed.extend(URL_SAFE_NO_PAD.decode(parts[4]).unwrap());
            let iv = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
            let payload = Payload {
                msg: &sealed,
                aad: parts[0].as_bytes(),
            };
            let plain = if len == 32 {
                Aes256Gcm::new_from_slice(&cek)
                    .unwrap()
                    .decrypt(Nonce::from_slice(&iv), payload)
            } else {
                Aes128Gcm::new_from_slice(&cek)
                    .unwrap()
                    .decrypt(Nonce::from_slice(&iv), payload)
            }
            .unwrap();
            assert_eq!(plain, br#"{"vp_token":{"q":["x"]}}"#);
        }
    }

    /// A verifier that offers no usable key or content encryption is told what it offered.
    #[test]
    fn a_verifier_without_a_usable_key_is_named() {
        let e = Recipient::from_client_metadata(None).unwrap_err();
        assert!(e.to_string().contains("no client_metadata"), "{e}");
        let rsa = json!({"jwks": {"keys": [{"kty": "RSA", "alg": "RSA-OAEP-256", "n": "AQAB", "e": "AQAB"}]}});
        let e = Recipient::from_client_metadata(Some(&rsa)).unwrap_err();
        assert!(e.to_string().contains("offers: RSA ? RSA-OAEP-256"), "{e}");
        let by_uri = json!({"jwks_uri": "https://v.example/jwks"});
        let e = Recipient::from_client_metadata(Some(&by_uri)).unwrap_err();
        assert!(e.to_string().contains("jwks_uri"), "{e}");
        let key = p256::SecretKey::random(&mut OsRng)
            .public_key()
            .to_jwk_string();
        let cbc = json!({"jwks": {"keys": [serde_json::from_str::<Value>(&key).unwrap()]},
            "encrypted_response_enc_values_supported": ["A128CBC-HS256"]});
        let e = Recipient::from_client_metadata(Some(&cbc)).unwrap_err();
        assert!(e.to_string().contains("only with A128CBC-HS256"), "{e}");
    }
}
