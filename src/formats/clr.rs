//! Comprehensive Learner Record 2.0 (1EdTech CLR 2.0, Appendix B): the `ClrCredential`'s own
//! view, and the parts the wallet handles separately: every credential embedded in
//! `ClrSubject.verifiableCredential` (each verified and viewed on its own) and the
//! `ClrSubject.association` graph (kept for the stacking engine).
//!
//! Also the credentials embedded in a Verifiable Presentation (VC DM 2.0 §4.13). This file
//! must not verify the embedded credentials or interpret associations.

use super::text::{field, first, list};
use super::vc::subject_party;
use crate::model::MicroCredential;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A relationship between two achievements of a CLR (CLR 2.0 §B.1.1 `Association`), for
/// example `isParentOf` from a programme to one of its courses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    /// The kind of relationship (`isParentOf`, `isChildOf`, `precedes`, `exactMatchOf`, ...,
    /// as given; an `ext:` prefix is kept).
    pub association_type: String,
    /// The achievement (or credential) the association starts from.
    pub source_id: String,
    /// The achievement (or credential) it points to.
    pub target_id: String,
}

/// What a CLR carries besides its own fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClrParts {
    /// The embedded credentials, as given: JSON objects (with their own proofs) or JWT
    /// compact strings. Turn each into a document with [`super::Document::from_value`].
    pub credentials: Vec<Value>,
    /// The associations between achievements, in document order. Entries missing a type,
    /// source or target are skipped.
    pub associations: Vec<Association>,
}

/// The embedded credentials and associations of a CLR 2.0 document (empty for any other
/// document). For a CLR received as a JWT, `doc.credential` is the decoded `vc` claim.
pub fn clr_parts(doc: &super::Document) -> ClrParts {
    if doc.profile() != crate::model::Format::Clr2 {
        return ClrParts::default();
    }
    let subject = first(doc.credential.get("credentialSubject")).unwrap_or(&Value::Null);
    let associations = list(subject.get("association"))
        .into_iter()
        .filter_map(|a| {
            Some(Association {
                association_type: field(a, "associationType")?,
                source_id: field(a, "sourceId")?,
                target_id: field(a, "targetId")?,
            })
        })
        .collect();
    ClrParts {
        credentials: embedded(subject.get("verifiableCredential")),
        associations,
    }
}

/// Every credential embedded in a CLR (`credentialSubject.verifiableCredential`) or a
/// presentation (`verifiableCredential`, VC DM 2.0 §4.13; in VC 2.0 possibly wrapped as
/// `EnvelopedVerifiableCredential` with a `data:` URL, returned as the JWT string).
pub fn embedded_credentials(doc: &super::Document) -> Vec<Value> {
    match doc.profile() {
        crate::model::Format::Clr2 => clr_parts(doc).credentials,
        crate::model::Format::Presentation => embedded(doc.credential.get("verifiableCredential")),
        _ => Vec::new(),
    }
}

fn embedded(v: Option<&Value>) -> Vec<Value> {
    list(v)
        .into_iter()
        .filter_map(|c| match c {
            Value::String(s) => Some(Value::String(s.trim().to_string())),
            Value::Object(_) => Some(enveloped_jwt(c).unwrap_or_else(|| c.clone())),
            _ => None,
        })
        .collect()
}

/// VC DM 2.0 §4.13 / VC JOSE: `{"type": "EnvelopedVerifiableCredential", "id":
/// "data:application/vc+jwt,<jwt>"}` → the JWT string.
fn enveloped_jwt(c: &Value) -> Option<Value> {
    let is_enveloped = super::detect::types(c)
        .iter()
        .any(|t| t == "EnvelopedVerifiableCredential");
    if !is_enveloped {
        return None;
    }
    let id = field(c, "id")?;
    let (_, jwt) = id.strip_prefix("data:")?.split_once(',')?;
    Some(Value::String(jwt.trim().to_string()))
}

/// The CLR's own view (CLR 2.0 §B.1.2 ClrCredential): `name` → title, `issuer`, and the
/// learner from `ClrSubject` (`id`, and a name if an unhashed `identifier` of type `name`
/// is given). The Annex I elements of each achievement live in the embedded credentials,
/// which are viewed separately ([`clr_parts`]); the CLR's own view does not borrow them.
pub(crate) fn apply(c: &Value, mc: &mut MicroCredential) {
    mc.learner = subject_party(first(c.get("credentialSubject")));
}
