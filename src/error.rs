//! The library's one error type. Every variant maps to a stable [`ErrorCode`] that the
//! desktop UI branches on (it never matches English text) and that `mcx` turns into an
//! exit status. Only add a code when a caller needs to tell it apart.

use serde::Serialize;
use std::path::PathBuf;

/// A stable, machine-readable error class. Serialised in `snake_case`; never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A file or folder could not be read or written.
    Io,
    /// The input is not something the wallet understands (malformed, too big, too deep).
    BadInput,
    /// The wallet is open in another process.
    WalletInUse,
    /// The wallet's files are damaged; `mcx repair` may recover them.
    WalletDamaged,
    /// A credential or item asked for does not exist.
    NotFound,
    /// The wallet is locked with a passphrase and none was given.
    Locked,
    /// The passphrase given does not open the wallet.
    WrongPassphrase,
    /// Anything else: a bug or an unexpected state.
    Internal,
}

/// The library's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("could not access {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The input is malformed, too large, or of an unknown kind.
    #[error("{0}")]
    BadInput(String),
    /// Another process holds the wallet open.
    #[error("the wallet at {0} is in use by another MicroCredX process; close it and try again")]
    WalletInUse(PathBuf),
    /// The wallet index or a stored file is damaged.
    #[error("the wallet at {path} is damaged ({detail}); run `mcx repair` to rebuild it from the stored originals")]
    WalletDamaged {
        /// The wallet directory.
        path: PathBuf,
        /// What was found wrong.
        detail: String,
    },
    /// No such item.
    #[error("{0} not found")]
    NotFound(String),
    /// A short wallet id that more than one credential's wallet id starts with.
    #[error("{}", ambiguous_id(.prefix, .matches, .more))]
    AmbiguousId {
        /// The prefix given (lowercase).
        prefix: String,
        /// The first few credentials it fits, in wallet-id order.
        matches: Vec<IdMatch>,
        /// How many more it fits.
        more: usize,
    },
    /// The wallet needs its passphrase.
    #[error("the wallet at {0} is locked with a passphrase; enter it (or set MCX_PASSPHRASE)")]
    Locked(PathBuf),
    /// The passphrase is wrong; nothing was changed.
    #[error("wrong passphrase for the wallet at {0}; nothing was changed")]
    WrongPassphrase(PathBuf),
    /// An unexpected internal failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Io { .. } => ErrorCode::Io,
            Error::BadInput(_) => ErrorCode::BadInput,
            Error::WalletInUse(_) => ErrorCode::WalletInUse,
            Error::WalletDamaged { .. } => ErrorCode::WalletDamaged,
            Error::NotFound(_) => ErrorCode::NotFound,
            // The app passes whole wallet ids; only a typed prefix can fit several.
            Error::AmbiguousId { .. } => ErrorCode::BadInput,
            Error::Locked(_) => ErrorCode::Locked,
            Error::WrongPassphrase(_) => ErrorCode::WrongPassphrase,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Wrap an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// One credential an ambiguous wallet-id prefix fits, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMatch {
    /// Its wallet id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// Its issuer's name (or id).
    pub issuer: Option<String>,
}

/// "3f2a fits 7 credentials; give more characters of the wallet id:", then a line per match
/// (short id, title, issuer) and how many more.
fn ambiguous_id(prefix: &str, matches: &[IdMatch], more: &usize) -> String {
    let mut s = format!(
        "{prefix} fits {} credentials; give more characters of the wallet id:",
        matches.len() + more
    );
    for m in matches {
        s.push_str("\n  ");
        s.push_str(m.id.get(..12).unwrap_or(&m.id));
        s.push_str("  ");
        s.push_str(&one_line(m.title.as_deref().unwrap_or("untitled")));
        if let Some(issuer) = &m.issuer {
            s.push_str(" (");
            s.push_str(&one_line(issuer));
            s.push(')');
        }
    }
    if *more > 0 {
        s.push_str(&format!("\n  and {more} more"));
    }
    s
}

/// Credential text on one line: no control characters, at most 80 characters.
fn one_line(t: &str) -> String {
    t.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ambiguous_prefix_names_the_first_matches_and_how_many_more() {
        let m = |id: &str, title: Option<&str>| IdMatch {
            id: id.into(),
            title: title.map(String::from),
            issuer: Some("TU Nord".into()),
        };
        let e = Error::AmbiguousId {
            prefix: "3f2a".into(),
            matches: vec![
                m("3f2a9c1b7d2e00000000", Some("Statistics")),
                m("3f2aff", None),
            ],
            more: 4,
        };
        assert_eq!(e.code(), ErrorCode::BadInput);
        assert_eq!(
            e.to_string(),
            "3f2a fits 6 credentials; give more characters of the wallet id:\n  \
             3f2a9c1b7d2e  Statistics (TU Nord)\n  3f2aff  untitled (TU Nord)\n  and 4 more"
        );
    }
}
