//! The app's state: the wallet it opened at start (or why it could not).

use microcredx::store::{self, Wallet};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

/// Shared state behind every command.
pub struct AppState {
    wallet: Mutex<Result<Wallet, microcredx::Error>>,
}

impl AppState {
    /// Open the wallet in `explicit` (from `--wallet`), else `MCX_WALLET`, else the OS data dir.
    pub fn open(explicit: Option<PathBuf>) -> AppState {
        let wallet = store::resolve_dir(explicit.as_deref()).and_then(|dir| Wallet::open(&dir));
        AppState {
            wallet: Mutex::new(wallet),
        }
    }

    /// Run `f` with the open wallet, or return why it is not open.
    pub fn with_wallet<T>(
        &self,
        f: impl FnOnce(&Wallet) -> microcredx::Result<T>,
    ) -> microcredx::Result<T> {
        let guard = self
            .wallet
            .lock()
            .map_err(|_| microcredx::Error::Internal("wallet state poisoned".into()))?;
        match &*guard {
            Ok(w) => f(w),
            Err(e) => Err(reopen_error(e)),
        }
    }
}

/// The error that kept the wallet closed, re-created for each caller.
fn reopen_error(e: &microcredx::Error) -> microcredx::Error {
    use microcredx::Error as E;
    match e {
        E::WalletInUse(p) => E::WalletInUse(p.clone()),
        E::WalletDamaged { path, detail } => E::WalletDamaged {
            path: path.clone(),
            detail: detail.clone(),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wallet_arg_reads_both_forms() {
        let a = |v: &[&str]| wallet_arg(v.iter().map(OsString::from));
        assert_eq!(a(&["app", "--wallet", "/x"]), Some(PathBuf::from("/x")));
        assert_eq!(a(&["app", "--wallet=/y"]), Some(PathBuf::from("/y")));
        assert_eq!(a(&["app"]), None);
    }
}
