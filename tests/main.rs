//! Integration tests of the core library and the `mcx` CLI (one test binary, one module per
//! area, as ripgrep does).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod crash;
mod faults;
mod findings;
mod fixtures_table;
mod issuer;
mod jades;
mod portfolio;
mod stack;
mod util;
mod verify;
mod verify_blockcerts;
mod wallet;
