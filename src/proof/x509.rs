//! X.509 certificates as JAdES seals carry them (`x5c`, RFC 7515 §4.1.6): reading the
//! subject, issuer, validity and public key of a DER certificate (RFC 5280 §4.1, parsed with
//! the RustCrypto `x509-cert` crate), checking that one certificate was signed by the next,
//! and checking a JWS signature (RS256, PS256, ES256, ES384, EdDSA) with a certificate's key.
//! JAdES seals, signed OpenID4VP requests (`x509_san_dns:`) and SD-JWT VCs with an `x5c`
//! header use it.
//!
//! Parse and arithmetic only: this file decides nothing about trust (there is no trust
//! anchor here) and never fetches a CRL, OCSP response or issuer certificate.

use chrono::{DateTime, Utc};
use der::{Decode, Encode, Tag, Tagged};
use sha2::{Digest, Sha256};
use x509_cert::name::Name;
use x509_cert::Certificate;

/// OIDs of the name attributes shown to people (RFC 4519; `organizationIdentifier` is
/// X.520 2.5.4.97, used by eIDAS seal certificates, ETSI EN 319 412-1 §5.1.4).
const ATTRIBUTES: &[(&str, &str)] = &[
    ("2.5.4.3", "CN"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.6", "C"),
];

/// A parsed certificate: what the verification steps report and the key they use.
#[derive(Debug, Clone)]
pub struct CertInfo {
    /// The subject, as `CN=…, O=…, organizationIdentifier=…, C=…` (most specific first).
    pub subject: String,
    /// The issuer, in the same form.
    pub issuer: String,
    /// The issuer's organisation name, else its common name, else the whole issuer.
    pub issuer_short: String,
    /// The subject's common name, when present.
    pub subject_cn: Option<String>,
    /// The subject's organisation name (`O`), when present.
    pub subject_org: Option<String>,
    /// The subject's `organizationIdentifier` (e.g. `VATES-A00000000`), when present.
    pub organization_identifier: Option<String>,
    /// Start of the validity period.
    pub not_before: DateTime<Utc>,
    /// End of the validity period.
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER certificate (the JOSE `x5t#S256` thumbprint, before base64url).
    pub sha256: [u8; 32],
    cert: Certificate,
}

impl CertInfo {
    /// Parse one DER certificate.
    pub fn parse(der: &[u8]) -> Result<CertInfo, String> {
        let cert = Certificate::from_der(der)
            .map_err(|e| format!("the certificate is not valid DER X.509: {e}"))?;
        let tbs = &cert.tbs_certificate;
        let time = |t: x509_cert::time::Time| {
            let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
            DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
        };
        Ok(CertInfo {
            subject: display(&tbs.subject),
            issuer: display(&tbs.issuer),
            issuer_short: attribute(&tbs.issuer, "2.5.4.10")
                .or_else(|| attribute(&tbs.issuer, "2.5.4.3"))
                .unwrap_or_else(|| display(&tbs.issuer)),
            subject_cn: attribute(&tbs.subject, "2.5.4.3"),
            subject_org: attribute(&tbs.subject, "2.5.4.10"),
            organization_identifier: attribute(&tbs.subject, "2.5.4.97"),
            not_before: time(tbs.validity.not_before),
            not_after: time(tbs.validity.not_after),
            sha256: Sha256::digest(der).into(),
            cert,
        })
    }

    /// The DNS names of the certificate's subjectAltName extension (RFC 5280 §4.2.1.6).
    pub fn dns_names(&self) -> Vec<String> {
        use x509_cert::ext::pkix::name::GeneralName;
        self.alt_names(|n| match n {
            GeneralName::DnsName(d) => Some(d.to_string()),
            _ => None,
        })
    }

    /// The URIs of the certificate's subjectAltName extension (RFC 5280 §4.2.1.6).
    pub fn uri_names(&self) -> Vec<String> {
        use x509_cert::ext::pkix::name::GeneralName;
        self.alt_names(|n| match n {
            GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
            _ => None,
        })
    }

    fn alt_names(
        &self,
        pick: impl Fn(x509_cert::ext::pkix::name::GeneralName) -> Option<String>,
    ) -> Vec<String> {
        use x509_cert::ext::pkix::SubjectAltName;
        const SAN: &str = "2.5.29.17";
        let Some(extensions) = &self.cert.tbs_certificate.extensions else {
            return Vec::new();
        };
        extensions
            .iter()
            .filter(|e| e.extn_id.to_string() == SAN)
            .filter_map(|e| SubjectAltName::from_der(e.extn_value.as_bytes()).ok())
            .flat_map(|san| san.0)
            .filter_map(&pick)
            .collect()
    }

    /// Whether the certificate was within its validity period at `t`.
    pub fn valid_at(&self, t: DateTime<Utc>) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    /// A short name for the subject: its organisation, else its common name, else the
    /// whole subject.
    pub fn short_subject(&self) -> String {
        self.subject_org
            .clone()
            .or_else(|| self.subject_cn.clone())
            .unwrap_or_else(|| self.subject.clone())
    }

    /// Whether this certificate's issuer name is `parent`'s subject name.
    pub fn issued_by_name(&self, parent: &CertInfo) -> bool {
        self.cert.tbs_certificate.issuer == parent.cert.tbs_certificate.subject
    }

    /// Check that `parent`'s key signed this certificate (RFC 5280 §4.1.1.3):
    /// sha256/384/512WithRSAEncryption, ecdsa-with-SHA256/384 on P-256 or P-384 (RFC 5758),
    /// and Ed25519 (RFC 8410). `Ok(false)` means the signature does not match; `Err` names an
    /// algorithm that is not supported.
    pub fn signed_by(&self, parent: &CertInfo) -> Result<bool, String> {
        let tbs = self
            .cert
            .tbs_certificate
            .to_der()
            .map_err(|e| format!("the certificate cannot be re-encoded: {e}"))?;
        let sig = self.cert.signature.raw_bytes();
        let oid = self.cert.signature_algorithm.oid.to_string();
        let spki = parent.spki_der()?;
        match oid.as_str() {
            "1.2.840.113549.1.1.11" => Ok(rsa_pkcs1::<sha2::Sha256>(&spki, &tbs, sig)),
            "1.2.840.113549.1.1.12" => Ok(rsa_pkcs1::<sha2::Sha384>(&spki, &tbs, sig)),
            "1.2.840.113549.1.1.13" => Ok(rsa_pkcs1::<sha2::Sha512>(&spki, &tbs, sig)),
            "1.2.840.10045.4.3.2" => Ok(ecdsa_der(&spki, &Sha256::digest(&tbs), sig)),
            "1.2.840.10045.4.3.3" => Ok(ecdsa_der(&spki, &sha2::Sha384::digest(&tbs), sig)),
            "1.3.101.112" => Ok(parent.ed25519(&tbs, sig)),
            other => Err(format!("the certificate signature algorithm {other}")),
        }
    }

    /// An Ed25519 signature (RFC 8410 key, 64 raw bytes) over `msg` with this certificate's
    /// key; false for any other key.
    fn ed25519(&self, msg: &[u8], sig: &[u8]) -> bool {
        const ED25519: &str = "1.3.101.112";
        let spki = &self.cert.tbs_certificate.subject_public_key_info;
        if spki.algorithm.oid.to_string() != ED25519 {
            return false;
        }
        let key = spki
            .subject_public_key
            .as_bytes()
            .and_then(|k| <[u8; 32]>::try_from(k).ok());
        let (Some(key), Ok(sig)) = (key, ed25519_dalek::Signature::from_slice(sig)) else {
            return false;
        };
        crate::proof::ed25519::verify(&key, msg, &sig).is_ok()
    }

    /// The subject public key info, DER.
    fn spki_der(&self) -> Result<Vec<u8>, String> {
        self.cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| format!("the certificate's public key cannot be read: {e}"))
    }

    /// Check a JWS signature (RFC 7518 §3.3 RS256/384/512, §3.4 ES256/ES384, §3.5 PS256; RFC
    /// 8037 EdDSA with an Ed25519 key) over `input`
    /// with this certificate's key. `Ok(false)`: it does not match (or the key does not fit
    /// the algorithm); `Err`: the algorithm is not supported.
    pub fn verify_jws(&self, alg: &str, input: &[u8], signature: &[u8]) -> Result<bool, String> {
        let spki = self.spki_der()?;
        match alg {
            "RS256" => Ok(rsa_pkcs1::<sha2::Sha256>(&spki, input, signature)),
            "RS384" => Ok(rsa_pkcs1::<sha2::Sha384>(&spki, input, signature)),
            "RS512" => Ok(rsa_pkcs1::<sha2::Sha512>(&spki, input, signature)),
            "PS256" => {
                use rsa::pkcs8::DecodePublicKey;
                use rsa::signature::Verifier;
                let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki) else {
                    return Ok(false);
                };
                let vk = rsa::pss::VerifyingKey::<sha2::Sha256>::new(key);
                let Ok(sig) = rsa::pss::Signature::try_from(signature) else {
                    return Ok(false);
                };
                Ok(vk.verify(input, &sig).is_ok())
            }
            "ES256" => {
                use p256::ecdsa::signature::Verifier;
                use p256::pkcs8::DecodePublicKey;
                let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) else {
                    return Ok(false);
                };
                let Ok(sig) = p256::ecdsa::Signature::from_slice(signature) else {
                    return Ok(false);
                };
                Ok(key.verify(input, &sig).is_ok())
            }
            "ES384" => {
                use p384::ecdsa::signature::Verifier;
                use p384::pkcs8::DecodePublicKey;
                let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(&spki) else {
                    return Ok(false);
                };
                let Ok(sig) = p384::ecdsa::Signature::from_slice(signature) else {
                    return Ok(false);
                };
                Ok(key.verify(input, &sig).is_ok())
            }
            "EdDSA" | "Ed25519" => Ok(self.ed25519(input, signature)),
            other => Err(format!("the signature algorithm {other}")),
        }
    }
}

/// An ECDSA signature (DER, as certificates carry it) over a prehashed message, with a P-256
/// or P-384 key: the curve comes from the key, the hash from the signature algorithm.
fn ecdsa_der(spki: &[u8], prehash: &[u8], sig: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::pkcs8::DecodePublicKey;
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(spki) {
        return p256::ecdsa::Signature::from_der(sig)
            .is_ok_and(|s| key.verify_prehash(prehash, &s).is_ok());
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(spki) {
        return p384::ecdsa::Signature::from_der(sig)
            .is_ok_and(|s| key.verify_prehash(prehash, &s).is_ok());
    }
    false
}

fn rsa_pkcs1<D>(spki: &[u8], msg: &[u8], sig: &[u8]) -> bool
where
    D: Digest + der::oid::AssociatedOid,
{
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki) else {
        return false;
    };
    let vk = rsa::pkcs1v15::VerifyingKey::<D>::new(key);
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig) else {
        return false;
    };
    vk.verify(msg, &sig).is_ok()
}

/// The text of a directory string (UTF8String, PrintableString, IA5String, TeletexString
/// read as UTF-8; BMPString as UTF-16).
fn text_of(value: &der::Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

fn attribute(name: &Name, oid: &str) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|a| a.oid.to_string() == oid)
        .and_then(|a| text_of(&a.value))
}

/// `CN=…, O=…, …` in the order of [`ATTRIBUTES`]; other attributes are left out.
fn display(name: &Name) -> String {
    let mut parts = Vec::new();
    for (oid, short) in ATTRIBUTES {
        for a in name.0.iter().flat_map(|rdn| rdn.0.iter()) {
            if a.oid.to_string() == *oid {
                if let Some(t) = text_of(&a.value) {
                    parts.push(format!("{short}={t}"));
                }
            }
        }
    }
    if parts.is_empty() {
        name.to_string()
    } else {
        parts.join(", ")
    }
}
