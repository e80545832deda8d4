//! Inputs found while reviewing the fuzz targets (issue 17), each now a clear error, fast and
//! in little memory: backups whose key derivation asks for 4 TiB, 2^32 passes or 16 Mi lanes
//! (read before the passphrase can be checked), and a 22 KB portfolio PDF whose name tree
//! lists one 16 MiB attachment 300 times (4.8 GiB if each entry were inflated). Files in
//! `tests/fixtures/fuzz/`, made by `fuzz/make_seeds.py`.

use crate::util::run;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_backup_asking_for_an_absurd_key_derivation_is_refused_before_it_runs() {
    for f in [
        "backup-kdf-4TiB-memory.mcxbackup",
        "backup-kdf-4G-passes.mcxbackup",
        "backup-kdf-16M-lanes.mcxbackup",
    ] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = crate::util::mcx()
            .arg("--wallet")
            .arg(dir.path().join("w"))
            .args(["restore", &fixture(f)])
            .env("MCX_BACKUP_PASSPHRASE", "fuzz")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{f}: {text}");
        assert!(
            text.contains("more than MicroCredX ever uses"),
            "{f}: {text}"
        );
    }
}

#[test]
fn a_portfolio_listing_one_huge_attachment_many_times_is_not_inflated_again_and_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(
        &dir.path().join("w"),
        &[
            "verify",
            &fixture("portfolio-300-names-one-16MiB-stream.pdf"),
        ],
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("presentation.json") || text.contains("attachment"),
        "{text}"
    );
}
