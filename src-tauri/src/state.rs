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

    /// Run `f` with the open wallet, or return why it is not open.
    pub fn with_wallet<T>(
        &self,
        f: impl FnOnce(&mut Wallet) -> microcredx::Result<T>,
    ) -> microcredx::Result<T> {
        let mut guard = self.guard()?;
        match &mut *guard {
            Ok(w) => f(w),
            Err(e) => Err(reopen_error(e)),
        }
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

/// The exchange link among the program's arguments, if it was started with one.
pub fn link_arg(args: impl IntoIterator<Item = OsString>) -> Option<String> {
    args.into_iter()
        .skip(1)
        .filter_map(|a| a.into_string().ok())
        .find(|a| LINK_SCHEMES.iter().any(|s| a.starts_with(s)))
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
