//! MicroCredX Wallet's network exchanges with issuers and verifiers: receiving credentials by
//! OpenID4VCI 1.0 ([`vci`]). This crate owns HTTP; the core (`microcredx`) never touches the
//! network. What arrives is handed back as bytes, and the caller puts it through the core's
//! import pipeline, which verifies it as it verifies any file.
//!
//! Rules every exchange follows:
//! - Only `https://` addresses are contacted, except plain `http://` on the loopback host
//!   (127.0.0.1, `[::1]`, localhost) for issuers running on the learner's own machine.
//! - Redirects are not followed; every answer is size-limited and every request times out.
//! - Nothing is kept: a failed exchange leaves nothing behind for the caller to store.

pub mod http;
pub mod jose;
pub mod jwe;
pub mod keep;
pub mod login;
pub mod vci;
pub mod vp;

/// Addresses, as the exchanges take and give them.
pub use url::Url;

/// Why an exchange stopped, in words a learner can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The link or offer is not one the wallet can read.
    #[error("{0}")]
    BadOffer(String),
    /// An address the wallet will not contact (not https, or not a URL at all).
    #[error("{0}")]
    Refused(String),
    /// The server could not be reached.
    #[error("could not reach {url}: {reason}")]
    Unreachable {
        /// Where.
        url: String,
        /// The transport's reason.
        reason: String,
    },
    /// The server answered with an HTTP error and no protocol error of its own.
    #[error("{url} answered HTTP {status}{detail}")]
    Status {
        /// Where.
        url: String,
        /// The status code.
        status: u16,
        /// What the body said, if it was short text (with a leading ": ").
        detail: String,
    },
    /// The server answered with an OAuth / OpenID4VCI error (`error`, `error_description`).
    #[error("{what}: the server said {code}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Protocol {
        /// Which step (for example "the token request").
        what: String,
        /// The error code (`invalid_grant`, `invalid_proof`, ...).
        code: String,
        /// The server's description, if it gave one.
        description: Option<String>,
    },
    /// The server's answer is not what the specification says it must be.
    #[error("{0}")]
    Malformed(String),
    /// The exchange needs something this wallet does not do (yet).
    #[error("{0}")]
    Unsupported(String),
}

impl Error {
    /// The protocol error code, when the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Protocol { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
