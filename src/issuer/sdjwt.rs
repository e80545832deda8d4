//! Issuing SD-JWT VC micro-credentials (`mcx issuer issue --format sd-jwt`): the Open Badges
//! 3.0 credential the issuer would sign, as SD-JWT VC claims of the DC4EU micro-credential
//! type (`urn:eudi:micro_credential:1`: the Open Badges claim paths, with the ECTS under
//! `achievement.ECTS`), each claim selectively disclosable as the type metadata's `sd` says
//! (`always` and `allowed` get a disclosure, `never` is signed in the clear), bound to the
//! learner's key (`cnf.jwk`, from a `did:jwk` or a P-256/Ed25519 `did:key` learner id), with a
//! Token Status List entry where the issuer keeps one. Signed EdDSA by the issuer key.
//!
//! The issuer identifier (`iss`) is `https://DOMAIN` for a did:web issuer, whose keys a wallet
//! finds in the JWT VC Issuer Metadata this module also writes ([`jwt_vc_issuer_metadata`],
//! published at `https://DOMAIN/.well-known/jwt-vc-issuer`), and the did:key otherwise.

use super::Issuer;
use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::Signer;
use rand_core::{OsRng, RngCore};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The SD-JWT VC type the wallet issues, and its bundled type metadata (exact bytes).
pub const VCT: &str = "urn:eudi:micro_credential:1";
const TYPE_METADATA: &str = include_str!("../../assets/sd-jwt-vc/vctm_microcredential.json");

/// The `iss` and `kid` an issuer signs SD-JWTs with.
pub fn iss_and_kid(issuer: &Issuer) -> (String, String) {
    match &issuer.profile.web_domain {
        Some(d) => (format!("https://{d}"), "key-1".to_string()),
        None => (
            issuer.profile.did_key.clone(),
            issuer.key().verification_method(),
        ),
    }
}

/// The issuer's public key as a JWK (OKP, Ed25519), with its `kid`.
pub fn issuer_jwk(issuer: &Issuer) -> Value {
    let (_, kid) = iss_and_kid(issuer);
    json!({
        "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(issuer.key().signing.verifying_key().as_bytes()),
    })
}

/// The JWT VC Issuer Metadata to publish at `https://DOMAIN/.well-known/jwt-vc-issuer`
/// (did:web issuers only: a did:key issuer's key is in its DID).
pub fn jwt_vc_issuer_metadata(issuer: &Issuer) -> Option<Value> {
    issuer.profile.web_domain.as_ref()?;
    let (iss, _) = iss_and_kid(issuer);
    Some(json!({"issuer": iss, "jwks": {"keys": [issuer_jwk(issuer)]}}))
}

/// The SRI of the bundled type metadata, for `vct#integrity`.
pub fn type_metadata_integrity(metadata: &str) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(metadata.as_bytes()))
    )
}

/// The holder's public key from a learner id: `did:jwk:…` (the JWK itself) or a `did:key`
/// of a P-256 or Ed25519 key. Anything else is not a key (the credential is then unbound).
pub fn holder_jwk(learner_id: &str) -> Option<Value> {
    if let Some(b64) = learner_id.strip_prefix("did:jwk:") {
        let b64 = b64.split('#').next().unwrap_or(b64);
        let bytes = URL_SAFE_NO_PAD.decode(b64.trim_end_matches('=')).ok()?;
        let jwk: Value = serde_json::from_slice(&bytes).ok()?;
        return jwk.get("kty").is_some().then_some(jwk);
    }
    let mk = learner_id.strip_prefix("did:key:")?;
    let mk = mk.split('#').next().unwrap_or(mk);
    match crate::did::decode_any_multikey(mk).ok()? {
        crate::did::PublicKey::Ed25519(k) => Some(json!({
            "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(k.as_bytes()),
        })),
        crate::did::PublicKey::P256(k) => {
            serde_json::from_str(&p256::PublicKey::from(k).to_jwk_string()).ok()
        }
        crate::did::PublicKey::P384(k) => {
            serde_json::from_str(&p384::PublicKey::from(k).to_jwk_string()).ok()
        }
    }
}

/// The claim paths the type metadata makes selectively disclosable (`sd` `always` or
/// `allowed`), as segments: an object key, or an array index (`result[0]` in the DC4EU
/// notation, or a number).
fn disclosable_paths(metadata: &Value) -> Vec<Vec<Seg>> {
    crate::formats::text_list(metadata.get("claims"))
        .iter()
        .filter(|c| {
            matches!(
                c.get("sd").and_then(Value::as_str),
                Some("always" | "allowed")
            )
        })
        .filter_map(|c| c.get("path").and_then(Value::as_array))
        .filter_map(|p| p.iter().map(seg).collect::<Option<Vec<Vec<Seg>>>>())
        .map(|segs| segs.into_iter().flatten().collect())
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn seg(v: &Value) -> Option<Vec<Seg>> {
    match v {
        Value::Number(n) => Some(vec![Seg::Index(usize::try_from(n.as_u64()?).ok()?)]),
        Value::String(s) => match s.strip_suffix(']').and_then(|r| r.split_once('[')) {
            Some((k, i)) => Some(vec![Seg::Key(k.to_string()), Seg::Index(i.parse().ok()?)]),
            None => Some(vec![Seg::Key(s.clone())]),
        },
        // `null` (every element) is not used by the wallet's own issuing.
        _ => None,
    }
}

fn salt() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn encode_disclosure(parts: &Value, out: &mut Vec<String>) -> String {
    let d = URL_SAFE_NO_PAD.encode(parts.to_string());
    let digest = URL_SAFE_NO_PAD.encode(Sha256::digest(d.as_bytes()));
    out.push(d);
    digest
}

/// Make the claim at `path` in `v` selectively disclosable: an object member moves into a
/// disclosure referenced from its object's `_sd`, an array element into one referenced by
/// `{"...": digest}`. Paths deeper first, so nested disclosures are inside their parents'.
fn conceal(v: &mut Value, path: &[Seg], out: &mut Vec<String>) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for s in parent {
        let next = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match (last, cur) {
        (Seg::Key(k), Value::Object(m)) => {
            if let Some(value) = m.remove(k) {
                let digest = encode_disclosure(&json!([salt(), k, value]), out);
                let sd = m.entry("_sd").or_insert_with(|| json!([]));
                if let Value::Array(a) = sd {
                    a.push(digest.into());
                }
            }
        }
        (Seg::Index(i), Value::Array(a)) => {
            if let Some(slot) = a.get_mut(*i) {
                let value = std::mem::take(slot);
                let digest = encode_disclosure(&json!([salt(), value]), out);
                *slot = json!({"...": digest});
            }
        }
        _ => {}
    }
}

/// The SD-JWT VC claims of an unsigned Open Badges 3.0 credential (as
/// [`super::badge::credential_for`] makes it): its members without the JSON-LD ones, the
/// ECTS as `achievement.ECTS`, then the registered claims.
pub fn claims_of(ob3: &Value, iss: &str, iat: i64, exp: Option<i64>) -> Value {
    let mut claims = Map::new();
    claims.insert("iss".into(), iss.into());
    claims.insert("iat".into(), iat.into());
    if let Some(e) = exp {
        claims.insert("exp".into(), e.into());
    }
    claims.insert("vct".into(), VCT.into());
    if let Value::Object(m) = ob3 {
        for (k, v) in m {
            if !matches!(
                k.as_str(),
                "@context" | "type" | "credentialStatus" | "proof"
            ) {
                claims.insert(k.clone(), v.clone());
            }
        }
    }
    let mut out = Value::Object(claims);
    if let Some(ach) = out.pointer_mut("/credentialSubject/achievement") {
        if let Some(c) = ach.get("creditsAvailable").cloned() {
            if let Some(o) = ach.as_object_mut() {
                o.insert("ECTS".into(), c);
            }
        }
    }
    out
}

/// Sign `claims` as an SD-JWT VC: the claims `metadata` (type metadata text) makes
/// disclosable are concealed, `cnf` binds it to `holder`, `status` adds a Token Status List
/// entry (uri, idx). Returns the compact SD-JWT with every disclosure, ending in `~`.
pub fn sign(
    issuer: &Issuer,
    mut claims: Value,
    metadata: &str,
    holder: Option<&Value>,
    status: Option<(&str, u64)>,
) -> Result<String> {
    let meta: Value = serde_json::from_str(metadata)
        .map_err(|e| Error::BadInput(format!("the type metadata is not JSON: {e}")))?;
    if meta.get("vct").and_then(Value::as_str) != claims.get("vct").and_then(Value::as_str) {
        return Err(Error::BadInput(
            "the type metadata is for another vct than the credential".into(),
        ));
    }
    let mut paths = disclosable_paths(&meta);
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let mut disclosures = Vec::new();
    for p in &paths {
        conceal(&mut claims, p, &mut disclosures);
    }
    if let Value::Object(m) = &mut claims {
        m.insert(
            "vct#integrity".into(),
            type_metadata_integrity(metadata).into(),
        );
        m.insert("_sd_alg".into(), "sha-256".into());
        if let Some(h) = holder {
            m.insert("cnf".into(), json!({"jwk": h}));
        }
        if let Some((uri, idx)) = status {
            m.insert(
                "status".into(),
                json!({"status_list": {"idx": idx, "uri": uri}}),
            );
        }
    }
    let (_, kid) = iss_and_kid(issuer);
    let header = json!({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": kid});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = issuer.key().signing.sign(input.as_bytes());
    let mut text = format!("{input}.{}~", URL_SAFE_NO_PAD.encode(sig.to_bytes()));
    for d in disclosures {
        text.push_str(&d);
        text.push('~');
    }
    Ok(text)
}

/// The bundled DC4EU micro-credential type metadata (exact bytes).
pub fn bundled_type_metadata() -> &'static str {
    TYPE_METADATA
}

/// A Token Status List token (draft-ietf-oauth-status-list): `bits` 1 for a revocation list
/// (1 = invalid), 2 for a suspension list (2 = suspended), from the list's set entries;
/// signed by the issuer, `sub` the list's URL.
pub fn status_token(
    issuer: &Issuer,
    url: &str,
    purpose: &str,
    set: &[bool],
    iat: i64,
) -> Result<String> {
    let (bits, value) = if purpose == "suspension" {
        (2u32, 2u8)
    } else {
        (1, 1)
    };
    let per_byte = (8 / bits) as usize;
    let mut bytes = vec![0u8; set.len().div_ceil(per_byte)];
    for (i, on) in set.iter().enumerate() {
        if *on {
            bytes[i / per_byte] |= value << ((i % per_byte) as u32 * bits);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &bytes)
        .map_err(|e| Error::Internal(format!("compressing the status list: {e}")))?;
    let lst = URL_SAFE_NO_PAD.encode(
        z.finish()
            .map_err(|e| Error::Internal(format!("compressing the status list: {e}")))?,
    );
    let (iss, kid) = iss_and_kid(issuer);
    let header = json!({"alg": "EdDSA", "typ": "statuslist+jwt", "kid": kid});
    let payload =
        json!({"iss": iss, "sub": url, "iat": iat, "status_list": {"bits": bits, "lst": lst}});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let sig = issuer.key().signing.sign(input.as_bytes());
    Ok(format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(sig.to_bytes())
    ))
}

/// One SD-JWT VC issued by [`issue_batch`].
#[derive(Debug, Clone)]
pub struct IssuedSd {
    /// The learners-table row.
    pub row: usize,
    /// A file name for it: `ACHIEVEMENT-LEARNER-ROW.sd-jwt`.
    pub file_name: String,
    /// The status list entries given: (list URL, index).
    pub status: Vec<(String, u64)>,
    /// The compact SD-JWT, with every disclosure.
    pub sd_jwt: String,
}

/// Issue one SD-JWT VC per learner, as [`super::badge::issue_batch`] does for Open Badges:
/// the same credential content, as SD-JWT VC claims disclosable by `metadata` (type metadata
/// text for [`VCT`]), bound to the learner's key where their id is one, with an entry in each
/// Token Status List in `lists`. A row that fails is reported; the others are still issued.
pub fn issue_batch(
    issuer: &Issuer,
    template: &super::badge::Template,
    learners: &[super::learners::Learner],
    created: chrono::DateTime<chrono::Utc>,
    metadata: &str,
    lists: &mut [super::status::StatusList],
    progress: &mut dyn FnMut(usize),
) -> Vec<std::result::Result<IssuedSd, super::learners::RowError>> {
    let (iss, _) = iss_and_kid(issuer);
    let mut out = Vec::with_capacity(learners.len());
    for (n, l) in learners.iter().enumerate() {
        let fail = |message: String| super::learners::RowError {
            row: l.row,
            line: l.line,
            message,
        };
        let one = (|| {
            let issued = l.issued.unwrap_or(created);
            let mut status = Vec::new();
            for list in lists.iter_mut() {
                if !list.state.token {
                    return Err(fail(format!(
                        "the status list {} is a Bitstring Status List credential; SD-JWT VC credentials need a token list (mcx issuer status create --token)",
                        list.state.url
                    )));
                }
                let index = list.allocate().map_err(|e| fail(e.to_string()))?;
                status.push((list.state.url.clone(), index));
            }
            let ob3 = super::badge::credential_for(issuer, template, l, issued, &[]);
            let claims = claims_of(
                &ob3,
                &iss,
                issued.timestamp(),
                l.expires.map(|e| e.timestamp()),
            );
            // An SD-JWT VC bound to no key could be presented by anyone holding a copy, and
            // the wallet (like the reference verifiers) calls it invalid: it is not issued.
            let holder = l.id.as_deref().and_then(holder_jwk).ok_or_else(|| {
                fail(match &l.id {
                    Some(id) => format!("the learner id {id} is not a key (did:jwk, or a P-256 or Ed25519 did:key): an SD-JWT VC must be bound to the learner's wallet key (`mcx info` shows it)"),
                    None => "no learner id: an SD-JWT VC must be bound to the learner's wallet key; put it (a did:jwk or did:key, `mcx info` shows it) in the id column".into(),
                })
            })?;
            let entry = status.first().map(|(u, i)| (u.as_str(), *i));
            let sd_jwt = sign(issuer, claims, metadata, Some(&holder), entry)
                .map_err(|e| fail(e.to_string()))?;
            Ok(IssuedSd {
                row: l.row,
                file_name: format!(
                    "{}-{}-{}.sd-jwt",
                    template.slug,
                    super::badge::slug(&l.name),
                    l.row
                ),
                status,
                sd_jwt,
            })
        })();
        out.push(one);
        progress(n + 1);
    }
    out
}
