//! The app's state: the wallet directory and the open wallet (or why it is not open). A
//! wallet that cannot be written (a full disk, a read-only medium or folder) is open
//! read-only: reading and sharing work, changes are refused ("read-only: changes are off"),
//! and its summary says so for the banner.

use microcredx::store::{self, RepairReport, Wallet};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

/// Shared state behind every command.
pub struct AppState {
    /// `None` when no wallet directory could be found; the wallet slot then says why.
    dir: Option<PathBuf>,
    wallet: Mutex<Result<Wallet, microcredx::Error>>,
}

impl AppState {
    /// Open the wallet in `explicit` (from `--wallet`), else `MCX_WALLET`, else the OS data
    /// dir. An encrypted wallet stays closed until [`AppState::unlock`].
    pub fn open(explicit: Option<PathBuf>) -> AppState {
        let dir = store::resolve_dir(explicit.as_deref());
        let wallet = match &dir {
            Ok(d) => Wallet::open_for_reading(d, None),
            Err(e) => Err(microcredx::Error::Internal(e.to_string())),
        };
        AppState {
            dir: dir.ok(),
            wallet: Mutex::new(wallet),
        }
    }

    /// The wallet directory, or the error that kept the wallet from opening.
    fn dir(&self) -> microcredx::Result<PathBuf> {
        match &self.dir {
            Some(d) => Ok(d.clone()),
            None => Err(match &*self.guard()? {
                Err(e) => reopen_error(e),
                Ok(_) => microcredx::Error::Internal("no wallet directory".into()),
            }),
        }
    }

    fn guard(
        &self,
    ) -> microcredx::Result<std::sync::MutexGuard<'_, Result<Wallet, microcredx::Error>>> {
        self.wallet
            .lock()
            .map_err(|_| microcredx::Error::Internal("wallet state poisoned".into()))
    }

    /// The wallet's directory when another process holds it (this one could not open it).
    pub fn in_use(&self) -> Option<PathBuf> {
        match &*self.guard().ok()? {
            Err(microcredx::Error::WalletInUse(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// The wallet's directory when this process holds it open.
    pub fn held_dir(&self) -> Option<PathBuf> {
        match &*self.guard().ok()? {
            Ok(_) => self.dir.clone(),
            Err(_) => None,
        }
    }

    /// Run `f` with the open wallet, or return why it is not open.
    pub fn with_wallet<T>(
        &self,
        f: impl FnOnce(&mut Wallet) -> microcredx::Result<T>,
    ) -> microcredx::Result<T> {
        let mut guard = self.guard()?;
        let result = match &mut *guard {
            Ok(w) => f(w),
            Err(e) => return Err(reopen_error(e)),
        };
        if guard.as_ref().is_ok_and(Wallet::is_detached) {
            // A lock or unlock failed and its index, put back on disk, could not be reopened
            // by that handle: open the wallet again as a fresh start would (an encrypted one
            // asks for its passphrase again), so the window never shows an empty stand-in.
            if let Some(dir) = self.dir.clone() {
                *guard = Err(microcredx::Error::Internal("reopening the wallet".into()));
                *guard = Wallet::open_for_reading(&dir, None);
            }
        }
        result
    }

    /// Open an encrypted wallet with its passphrase.
    pub fn unlock(&self, passphrase: &str) -> microcredx::Result<()> {
        let dir = self.dir()?;
        let mut guard = self.guard()?;
        if guard.is_ok() {
            return Ok(());
        }
        match Wallet::open_for_reading(&dir, Some(passphrase)) {
            Ok(wallet) => {
                *guard = Ok(wallet);
                Ok(())
            }
            // The passphrase was right but the wallet is damaged: it stays closed for that
            // reason, so the window offers the repair.
            Err(e @ microcredx::Error::WalletDamaged { .. }) => {
                *guard = Err(reopen_error(&e));
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Rebuild the wallet's index from its stored originals without needing the old index
    /// (the Repair button on a damaged wallet), then hold the repaired wallet open. An
    /// encrypted wallet needs its passphrase: without it the answer is `Locked`. When the
    /// repair fails, the wallet stays as it was (closed, for the same reason as before).
    pub fn repair(&self, passphrase: Option<&str>) -> microcredx::Result<RepairReport> {
        let dir = self.dir()?;
        let mut guard = self.guard()?;
        let before = match &*guard {
            Ok(_) => None,
            Err(e) => Some(reopen_error(e)),
        };
        // Close an open wallet first: the repair takes its lock and replaces its index.
        *guard = Err(microcredx::Error::Internal(
            "the wallet is being repaired".into(),
        ));
        match Wallet::repair_dir(&dir, passphrase, chrono::Utc::now()) {
            Ok((wallet, report)) => {
                *guard = Ok(wallet);
                Ok(report)
            }
            Err(e) => {
                *guard = match before {
                    Some(was) => Err(was),
                    None => Wallet::open_for_reading(&dir, passphrase),
                };
                Err(e)
            }
        }
    }
}

impl AppState {
    /// Close an encrypted wallet until its passphrase is given again ([`AppState::unlock`]).
    pub fn lock(&self) -> microcredx::Result<()> {
        let dir = self.dir()?;
        let mut guard = self.guard()?;
        match &*guard {
            Ok(w) if !w.summary()?.encrypted => Err(microcredx::Error::BadInput(
                "the wallet has no passphrase yet; set one first".into(),
            )),
            Ok(_) => {
                // Dropping the wallet releases its lock file and forgets the data key.
                *guard = Err(microcredx::Error::Locked(dir));
                Ok(())
            }
            Err(_) => Ok(()),
        }
    }
}

/// The error that kept the wallet closed, re-created for each caller.
fn reopen_error(e: &microcredx::Error) -> microcredx::Error {
    use microcredx::Error as E;
    match e {
        E::WalletInUse(p) => E::WalletInUse(p.clone()),
        E::Locked(p) => E::Locked(p.clone()),
        E::WrongPassphrase(p) => E::WrongPassphrase(p.clone()),
        E::WalletDamaged { path, detail } => E::WalletDamaged {
            path: path.clone(),
            detail: detail.clone(),
        },
        E::DiskFull { path, kept } => E::DiskFull {
            path: path.clone(),
            kept: *kept,
        },
        E::ReadOnly { path, why } => E::ReadOnly {
            path: path.clone(),
            why: *why,
        },
        E::NotFound(what) => E::NotFound(what.clone()),
        E::BadInput(why) => E::BadInput(why.clone()),
        E::Io { path, source } => E::Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        other => E::Internal(other.to_string()),
    }
}

/// The value of `--wallet DIR` or `--wallet=DIR` among the process arguments.
pub fn wallet_arg(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--wallet" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = arg.to_str().and_then(|s| s.strip_prefix("--wallet=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// The schemes of the exchange links the app is started with when one is clicked (the
/// desktop entry's `Exec … %u`): an issuer's offer or a verifier's request.
const LINK_SCHEMES: &[&str] = &[
    "openid-credential-offer://",
    "openid4vp://",
    "haip://",
    "haip-vci://",
    "haip-vp://",
    "eudi-openid4vp://",
];

/// Where a second start of the app leaves a clicked link for the app already open on the same
/// wallet (which holds the wallet's lock): `<wallet>/links/`, one file per link.
fn links_dir(wallet: &std::path::Path) -> PathBuf {
    wallet.join("links")
}

/// Longest link handed over (a request by value stays far below).
const MAX_LINK: u64 = 256 * 1024;

/// Leave `link` for the app already open on `wallet`: written whole, then renamed into place,
/// so the open app never reads half of one.
pub fn hand_over(wallet: &std::path::Path, link: &str) -> std::io::Result<()> {
    let dir = links_dir(wallet);
    std::fs::create_dir_all(&dir)?;
    let name = format!(
        "{}-{}",
        chrono::Utc::now().timestamp_micros(),
        std::process::id()
    );
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, link)?;
    std::fs::rename(&tmp, dir.join(format!("{name}.link")))
}

/// The links left for this app since the last look, oldest first; each is read once and
/// removed. Files that are not whole links (too long, not text, not an exchange link) are
/// removed unread.
pub fn take_links(wallet: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(links_dir(wallet)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "link"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let small = std::fs::metadata(&f).is_ok_and(|m| m.len() <= MAX_LINK);
        let text = if small {
            std::fs::read_to_string(&f).ok()
        } else {
            None
        };
        let _ = std::fs::remove_file(&f);
        if let Some(link) = text.and_then(|t| link_arg([OsString::new(), OsString::from(t)])) {
            out.push(link);
        }
    }
    out
}

/// The exchange link among the program's arguments, if it was started with one.
pub fn link_arg(args: impl IntoIterator<Item = OsString>) -> Option<String> {
    args.into_iter()
        .skip(1)
        .filter_map(|a| a.into_string().ok())
        .find(|a| LINK_SCHEMES.iter().any(|s| a.starts_with(s)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod hand_over_tests {
    use super::*;

    #[test]
    fn a_link_handed_over_is_taken_once_and_junk_is_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let w = tmp.path();
        assert!(take_links(w).is_empty(), "no folder yet: nothing");
        hand_over(
            w,
            "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fi.example%2Fo",
        )
        .unwrap();
        hand_over(
            w,
            "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr",
        )
        .unwrap();
        std::fs::write(links_dir(w).join("0-junk.link"), "https://evil.example/").unwrap();
        std::fs::write(links_dir(w).join("1-big.link"), "x".repeat(300_000)).unwrap();
        let got = take_links(w);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("openid-credential-offer://"));
        assert!(got[1].starts_with("openid4vp://"));
        assert!(take_links(w).is_empty(), "each is read once");
        assert_eq!(
            std::fs::read_dir(links_dir(w)).unwrap().count(),
            0,
            "junk removed too"
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_exchange_link_is_found_among_the_arguments() {
        let a = |v: &[&str]| link_arg(v.iter().map(OsString::from));
        assert_eq!(
            a(&["app", "--wallet", "/x", "openid4vp://?client_id=x"]).as_deref(),
            Some("openid4vp://?client_id=x")
        );
        assert_eq!(
            a(&["app", "openid-credential-offer://?credential_offer_uri=y"]).as_deref(),
            Some("openid-credential-offer://?credential_offer_uri=y")
        );
        assert_eq!(a(&["app", "https://example.org", "--wallet", "/x"]), None);
    }

    #[test]
    fn wallet_arg_reads_both_forms() {
        let a = |v: &[&str]| wallet_arg(v.iter().map(OsString::from));
        assert_eq!(a(&["app", "--wallet", "/x"]), Some(PathBuf::from("/x")));
        assert_eq!(a(&["app", "--wallet=/y"]), Some(PathBuf::from("/y")));
        assert_eq!(a(&["app"]), None);
    }
}
