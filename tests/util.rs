//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The built `mcx` binary.
pub fn mcx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mcx"))
}

/// Run `mcx` with a fresh wallet directory and the given arguments.
pub fn run(wallet: &std::path::Path, args: &[&str]) -> Output {
    let out = mcx().arg("--wallet").arg(wallet).args(args).output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("could not run mcx: {e}"),
    }
}

/// Path to a file in `../shared/fixtures` (beside the repository).
#[allow(dead_code)]
pub fn shared_fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(rel)
}
