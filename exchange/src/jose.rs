//! The JWTs an exchange signs: proofs of possession (OpenID4VCI §8.2.1.1) and DPoP proofs
//! (RFC 9449 §4.2). Compact JWS (RFC 7515 §7.1) over Ed25519 (`EdDSA`, RFC 8037).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Value};

/// A key that signs JWTs.
pub trait Signer {
    /// The JWS `alg` it signs with.
    fn alg(&self) -> &'static str;
    /// The signature of `message`.
    fn sign(&self, message: &[u8]) -> Vec<u8>;
    /// The public key as a JWK (RFC 7517).
    fn public_jwk(&self) -> Value;
}

/// An Ed25519 key (`EdDSA`).
pub struct Ed25519(pub SigningKey);

impl Ed25519 {
    /// A fresh random key (DPoP keys are made per exchange).
    pub fn generate() -> Ed25519 {
        Ed25519(SigningKey::generate(&mut rand_core::OsRng))
    }
}

impl Signer for Ed25519 {
    fn alg(&self) -> &'static str {
        "EdDSA"
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).to_bytes().to_vec()
    }

    fn public_jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64(self.0.verifying_key().as_bytes()),
        })
    }
}

/// A P-256 key (`ES256`, RFC 7518 §3.4: the signature is `r || s`).
pub struct P256(pub p256::ecdsa::SigningKey);

impl Signer for P256 {
    fn alg(&self) -> &'static str {
        "ES256"
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: p256::ecdsa::Signature =
            p256::ecdsa::signature::Signer::sign(&self.0, message);
        signature.to_bytes().to_vec()
    }

    fn public_jwk(&self) -> Value {
        let point = self.0.verifying_key().to_encoded_point(false);
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": point.x().map(|x| b64(x)).unwrap_or_default(),
            "y": point.y().map(|y| b64(y)).unwrap_or_default(),
        })
    }
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `header.payload.signature`, signed by `signer` (its `alg` is set in the header unless
/// the header names one, such as the fully-specified `Ed25519`).
pub fn sign_jwt(mut header: Value, payload: &Value, signer: &dyn Signer) -> String {
    if let Value::Object(h) = &mut header {
        h.entry("alg")
            .or_insert_with(|| Value::String(signer.alg().into()));
    }
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let signature = signer.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature))
}

/// 16 random bytes, base64url: a `jti`.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    b64(&bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn a_signed_jwt_verifies_with_its_public_jwk() {
        let key = Ed25519(SigningKey::from_bytes(&[7u8; 32]));
        let jwt = sign_jwt(
            json!({"typ": "openid4vci-proof+jwt", "jwk": key.public_jwk()}),
            &json!({"aud": "https://issuer.example", "nonce": "n"}),
            &key,
        );
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "EdDSA");
        let x = URL_SAFE_NO_PAD
            .decode(header["jwk"]["x"].as_str().unwrap())
            .unwrap();
        let vk = ed25519_dalek::VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        vk.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .unwrap();
        let payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload["nonce"], "n");
    }
}
