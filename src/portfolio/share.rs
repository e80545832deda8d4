//! Where share links point and what one credential's own link is: the verifier page the
//! learner chose, else the one the recognition network's signed registry names, else the
//! page installed beside the program, which opens only on this computer and is said so.
//! Also LinkedIn's public add-to-profile address for a credential (no API, no account).

use super::link;
use super::vp::embed;
use crate::proof::contexts::ContextLoader;
use crate::store::{StoredCredential, Wallet};
use crate::{Error, Result};
use serde::Serialize;
use ts_rs::TS;

/// Where the verifier page's address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BaseSource {
    /// The learner's choice (Settings, `--base`, `MCX_VERIFIER_URL`).
    Settings,
    /// The network's signed registry (`verifierPage`).
    Registry,
    /// The page installed beside the program (a `file:` address).
    Local,
}

/// The verifier page that share links and QR codes point to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifierBase {
    /// Its address.
    pub url: String,
    /// Where the address came from.
    pub source: BaseSource,
    /// Whether a link to it opens on other computers (not a `file:` or loopback address).
    pub shareable: bool,
    /// The network whose registry named it.
    pub network: Option<String>,
}

impl VerifierBase {
    /// `None` when links open anywhere; otherwise the sentence that says they do not.
    pub fn local_only(&self) -> Option<String> {
        (!self.shareable).then(|| {
            format!(
                "This link opens only on this computer: the verifier page it points to is {}, which an employer cannot open. Send the PDF portfolio instead, or set the address where your recognition network publishes its verifier page (Settings in the app, --base for mcx).",
                self.url
            )
        })
    }
}

/// Whether a page at `url` can be opened from other computers.
pub fn is_shareable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let host = lower
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !name.is_empty()
        && !matches!(name.as_str(), "localhost" | "[::1]" | "0.0.0.0")
        && !name.starts_with("127.")
}

impl Wallet {
    /// A share link to `page` carrying the SD-JWT VC `id` with the claims at `disclose`: the
    /// presentation's key-binding JWT names the page as its audience (`aud`), over `nonce`.
    pub fn sd_jwt_link(
        &self,
        id: &str,
        disclose: &[String],
        page: &VerifierBase,
        nonce: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String> {
        self.sd_jwt_link_of(&self.original(id)?, disclose, page, nonce, now)
    }

    /// [`Wallet::sd_jwt_link`] of an original already read.
    pub(crate) fn sd_jwt_link_of(
        &self,
        original: &[u8],
        disclose: &[String],
        page: &VerifierBase,
        nonce: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String> {
        let presentation = self.present_sd_jwt_of(original, disclose, &page.url, nonce, now)?;
        link::encode_link(&page.url, presentation.as_bytes())
    }

    /// The verifier page links point to: `given` (the learner's setting) when not empty,
    /// else the registry's `verifierPage`, else the page installed beside the program.
    pub fn verifier_base(&self, given: Option<&str>) -> Result<VerifierBase> {
        if let Some(url) = given.map(str::trim).filter(|u| !u.is_empty()) {
            return Ok(VerifierBase {
                url: url.to_string(),
                source: BaseSource::Settings,
                shareable: is_shareable(url),
                network: None,
            });
        }
        if let Some(reg) = self.registry()? {
            if let Some(url) = reg.verifier_page.filter(|u| !u.trim().is_empty()) {
                return Ok(VerifierBase {
                    shareable: is_shareable(&url),
                    url,
                    source: BaseSource::Registry,
                    network: Some(reg.name),
                });
            }
        }
        link::default_verifier_url()
            .map(|url| VerifierBase {
                url,
                source: BaseSource::Local,
                shareable: false,
                network: None,
            })
            .ok_or_else(|| {
                Error::BadInput(
                    "no verifier page is known: the trust registry names none and none is installed beside the program; give the address where the page is hosted (Settings in the app, --base or MCX_VERIFIER_URL for mcx)".into(),
                )
            })
    }
}

/// The link that verifies the credential `id` on its own: the page at `base` with the
/// credential itself in the fragment (no holder proof is needed to check an issuer's
/// signature). A JWT travels as its compact original.
pub fn credential_link(wallet: &Wallet, id: &str, base: &str) -> Result<String> {
    let (rec, original) = wallet.get_with_original(id)?;
    link_of(&rec, &original, base, &wallet.env()?.proof.contexts)
}

/// [`credential_link`] of a credential already read from the wallet.
pub(super) fn link_of(
    rec: &StoredCredential,
    original: &[u8],
    base: &str,
    contexts: &ContextLoader,
) -> Result<String> {
    link::encode_link(base, &credential_bytes(rec, original, contexts)?)
}

/// The bytes a credential's own link carries: the credential as a presentation would embed
/// it, a JWT as its compact original (checked like any other credential for sharing, then
/// sent as it was signed).
pub(super) fn credential_bytes(
    rec: &StoredCredential,
    original: &[u8],
    contexts: &ContextLoader,
) -> Result<Vec<u8>> {
    let cred = embed(rec, original, false, contexts)?;
    if cred["type"][0] == "EnvelopedVerifiableCredential" {
        let text = std::str::from_utf8(original)
            .map_err(|_| Error::BadInput("the JWT credential is not text".into()))?;
        return Ok(text.trim().as_bytes().to_vec());
    }
    serde_json::to_vec(&cred).map_err(|e| Error::Internal(e.to_string()))
}

/// Each credential's own verification link and, when the link opens anywhere, its LinkedIn
/// address, in the order of `ids`; each credential's problem is its own. The credentials are
/// read from the store in one pass (one decode per batch, not one per credential).
pub fn credential_links(
    wallet: &Wallet,
    ids: &[String],
    page: &VerifierBase,
) -> Vec<Result<(String, Result<String>)>> {
    // Contexts for deriving a base-proof credential's verifier copy; the bundled ones when
    // the wallet's cache cannot be read.
    let contexts = wallet
        .env()
        .map(|env| env.proof.contexts)
        .unwrap_or_else(|_| ContextLoader::bundled());
    let one = |rec: &StoredCredential, original: &[u8]| {
        let link = link_of(rec, original, &page.url, &contexts)?;
        let linkedin = linkedin_of(rec, &link, page);
        Ok((link, linkedin))
    };
    match wallet.get_with_originals(ids) {
        Ok(items) => items
            .iter()
            .map(|(rec, original)| one(rec, original))
            .collect(),
        // Some id is unknown or unreadable: each on its own, so the others still get links.
        Err(_) => ids
            .iter()
            .map(|id| {
                let (rec, original) = wallet.get_with_original(id)?;
                one(&rec, &original)
            })
            .collect(),
    }
}

/// LinkedIn's public add-certification address for a credential: its name, the issuing
/// organisation, the issue month and year, the credential's id and its verification link.
/// Calls nothing: the learner opens it in their browser, signed in to their own account.
/// Refused when `page` opens only on this computer: the link would be dead on a profile.
fn linkedin_of(
    rec: &StoredCredential,
    verification_link: &str,
    page: &VerifierBase,
) -> Result<String> {
    if !page.shareable {
        return Err(Error::BadInput("LinkedIn needs a verification link that opens anywhere, and this one opens only on this computer: set the address where your network publishes its verifier page in Settings.".into()));
    }
    let c = &rec.verification.credential;
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("startTask", "CERTIFICATION_NAME");
    q.append_pair("name", c.title.as_deref().unwrap_or("Micro-credential"));
    if let Some(org) = c.issuer.name.as_deref().or(c.issuer.id.as_deref()) {
        q.append_pair("organizationName", org);
    }
    let ym = |d: &str| -> Option<(String, String)> {
        let (y, rest) = d.split_once('-')?;
        let m = rest.get(..2)?.trim_start_matches('0');
        (y.len() == 4 && !m.is_empty()).then(|| (y.to_string(), m.to_string()))
    };
    if let Some((y, m)) = c.issued.as_deref().or(c.valid_from.as_deref()).and_then(ym) {
        q.append_pair("issueYear", &y);
        q.append_pair("issueMonth", &m);
    }
    if let Some((y, m)) = c.valid_until.as_deref().and_then(ym) {
        q.append_pair("expirationYear", &y);
        q.append_pair("expirationMonth", &m);
    }
    q.append_pair("certUrl", verification_link);
    q.append_pair("certId", rec.credential_id.as_deref().unwrap_or(&rec.id));
    Ok(format!(
        "https://www.linkedin.com/profile/add?{}",
        q.finish()
    ))
}

#[cfg(test)]
mod tests {
    use super::{credential_links, is_shareable, BaseSource, VerifierBase};
    use crate::store::test_util::{ids as listed, import_all, signed};
    use crate::store::Wallet;

    /// One pass over the store gives every credential its link, in the order asked; an
    /// unknown id is that id's problem only, and a page on this computer gets no LinkedIn
    /// address.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn every_credential_gets_its_link_and_an_unknown_one_its_own_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(tmp.path()).unwrap();
        import_all(&wallet, &signed(4));
        let mut ids = listed(&wallet);
        let page = |url: &str| VerifierBase {
            url: url.into(),
            source: BaseSource::Settings,
            shareable: is_shareable(url),
            network: None,
        };
        let web = page("https://verify.example/");
        let made = credential_links(&wallet, &ids, &web);
        for (id, m) in ids.iter().zip(&made) {
            let (link, linkedin) = m.as_ref().unwrap();
            assert_eq!(
                link,
                &super::credential_link(&wallet, id, &web.url).unwrap()
            );
            assert!(linkedin
                .as_ref()
                .unwrap()
                .starts_with("https://www.linkedin.com/profile/add?"));
        }
        ids.insert(1, "urn:uuid:not-in-this-wallet".into());
        let made = credential_links(&wallet, &ids, &page("file:///tmp/verifier.html"));
        assert_eq!(made.len(), 5);
        assert!(made[1].is_err());
        for m in made.iter().filter(|m| !std::ptr::eq(*m, &made[1])) {
            let (link, linkedin) = m.as_ref().unwrap();
            assert!(link.starts_with("file:///tmp/verifier.html#"));
            assert!(
                linkedin.is_err(),
                "no LinkedIn address for a page on this computer"
            );
        }
    }

    #[test]
    fn only_addresses_others_can_open_are_shareable() {
        assert!(is_shareable("https://verify.network.example/page.html"));
        assert!(is_shareable("http://verify.network.example/"));
        assert!(!is_shareable("file:///home/ana/verifier.html"));
        assert!(!is_shareable("http://127.0.0.1:8080/verifier.html"));
        assert!(!is_shareable("http://localhost/verifier.html"));
        assert!(!is_shareable("https://[::1]/v.html"));
        assert!(!is_shareable("verifier.html"));
        assert!(!is_shareable("https:///nohost"));
    }
}
