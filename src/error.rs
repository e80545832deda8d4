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
    /// The disk holding the wallet (or a file being written) is full; nothing acknowledged is
    /// lost, and the same command can be run again once there is space.
    DiskFull,
    /// The wallet can be read but not changed (a read-only disk or folder, or a full disk).
    ReadOnly,
    /// A credential or item asked for does not exist.
    NotFound,
    /// The wallet is locked with a passphrase and none was given.
    Locked,
    /// The passphrase given does not open the wallet.
    WrongPassphrase,
    /// An exchange the learner started with an issuer or verifier (OpenID4VCI, OpenID4VP)
    /// stopped: the server could not be reached, refused, or answered what the protocol does
    /// not allow. Nothing was kept or sent.
    Exchange,
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
    /// The disk holding `path` is full. What was acknowledged before is safe.
    #[error("{}", disk_full(.path, .kept))]
    DiskFull {
        /// The wallet directory (or the file being written, when it is outside the wallet).
        path: PathBuf,
        /// Credentials this command stored and acknowledged before the disk filled up (`None`
        /// when the command stores none, or changed nothing).
        kept: Option<usize>,
    },
    /// The wallet was opened read-only, so this change was refused.
    #[error("the wallet at {path} is read-only: changes are off ({why}). Its credentials can still be listed, shown, verified, exported and shared")]
    ReadOnly {
        /// The wallet directory.
        path: PathBuf,
        /// Why it cannot be changed.
        why: ReadOnlyReason,
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
    /// An exchange with an issuer or verifier stopped (the exchange crate's error, in words).
    #[error("{0}")]
    Exchange(String),
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
            Error::DiskFull { .. } => ErrorCode::DiskFull,
            Error::ReadOnly { .. } => ErrorCode::ReadOnly,
            Error::NotFound(_) => ErrorCode::NotFound,
            // The app passes whole wallet ids; only a typed prefix can fit several.
            Error::AmbiguousId { .. } => ErrorCode::BadInput,
            Error::Locked(_) => ErrorCode::Locked,
            Error::WrongPassphrase(_) => ErrorCode::WrongPassphrase,
            Error::Exchange(_) => ErrorCode::Exchange,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Wrap an I/O error with the path it concerns. A full disk becomes [`Error::DiskFull`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if is_disk_full(&source) {
            return Error::DiskFull { path, kept: None };
        }
        Error::Io { path, source }
    }

    /// Whether this error says that the wallet's disk or folder takes no writes (full,
    /// read-only, or not permitted): reading the wallet may still work
    /// (`store::Wallet::open_for_reading`).
    pub fn is_unwritable(&self) -> bool {
        match self {
            Error::DiskFull { .. } | Error::ReadOnly { .. } => true,
            Error::Io { source, .. } => is_read_only(source),
            _ => false,
        }
    }

    /// A full disk met while writing into the wallet `dir` names the wallet (not the file in
    /// it) and says how many credentials were `kept`; any other error is returned unchanged.
    pub fn in_wallet(self, dir: &std::path::Path, kept: Option<usize>) -> Error {
        match self {
            Error::DiskFull { path, kept: before } => Error::DiskFull {
                path: if path.starts_with(dir) {
                    dir.to_path_buf()
                } else {
                    path
                },
                kept: kept.or(before),
            },
            other => other,
        }
    }
}

/// Why a wallet is open read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadOnlyReason {
    /// Its disk is full: reading works, writing would fail.
    DiskFull,
    /// Its disk or folder cannot be written (a read-only medium, a mounted backup, a folder
    /// without write permission).
    NotWritable,
}

impl std::fmt::Display for ReadOnlyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReadOnlyReason::DiskFull => "its disk is full; free some space to make changes again",
            ReadOnlyReason::NotWritable => "its disk or folder cannot be written",
        })
    }
}

/// Whether an I/O error means "no space left on the device" (or a disk quota exceeded).
pub fn is_disk_full(e: &std::io::Error) -> bool {
    // ENOSPC is `StorageFull`; EDQUOT (122 on Linux) is a quota, just as full for the learner.
    e.kind() == std::io::ErrorKind::StorageFull
        || (cfg!(target_os = "linux") && e.raw_os_error() == Some(122))
}

/// Whether an I/O error means that the file system or folder takes no writes.
pub fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// "The disk holding … is full", what was kept, and what to do.
fn disk_full(path: &std::path::Path, kept: &Option<usize>) -> String {
    let kept = match kept {
        Some(0) => "no new credential was stored before it filled up, and everything stored earlier is safe".to_string(),
        Some(1) => "1 new credential was stored before it filled up; it and everything stored earlier are safe".to_string(),
        Some(n) => format!("{n} new credentials were stored before it filled up; they and everything stored earlier are safe"),
        None => "nothing was changed, and everything stored earlier is safe".to_string(),
    };
    format!(
        "the disk holding {} is full: {kept}. Free some space on that disk, then run the same command again (an import skips what is already in the wallet)",
        path.display()
    )
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

    /// Issue 17: a full disk is named as such, once, with what was kept and what to do.
    #[test]
    fn a_full_disk_is_named_with_what_was_kept_and_what_to_do() {
        let enospc = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let e = Error::io("/w/originals/.abc.tmp", enospc);
        assert_eq!(e.code(), ErrorCode::DiskFull);
        assert!(e.is_unwritable());
        let e = e.in_wallet(std::path::Path::new("/w"), Some(10_496));
        assert_eq!(
            e.to_string(),
            "the disk holding /w is full: 10496 new credentials were stored before it filled up; \
             they and everything stored earlier are safe. Free some space on that disk, then run \
             the same command again (an import skips what is already in the wallet)"
        );
        // No source: nothing prints the operating system's words a second time.
        assert!(std::error::Error::source(&e).is_none());
        // A file outside the wallet (a backup being written) keeps its own path.
        let outside = Error::io(
            "/media/usb/w.mcxbackup",
            std::io::ErrorKind::StorageFull.into(),
        )
        .in_wallet(std::path::Path::new("/w"), None);
        assert!(outside
            .to_string()
            .starts_with("the disk holding /media/usb/w.mcxbackup is full: nothing was changed"));
        let ro = Error::io("/w", std::io::ErrorKind::ReadOnlyFilesystem.into());
        assert_eq!(ro.code(), ErrorCode::Io);
        assert!(ro.is_unwritable());
    }
}
