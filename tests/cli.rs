//! The `mcx` command-line contract.

use crate::util::{mcx, run};

#[test]
fn version_prints_the_crate_version() {
    let out = mcx().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.trim(), format!("mcx {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_lists_the_commands() {
    let out = mcx().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Usage: mcx"), "{text}");
    assert!(text.contains("info"), "{text}");
}

#[test]
fn info_creates_and_reports_an_empty_wallet() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w");
    let out = run(&wallet, &["info", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["credentials"], 0);
    assert!(wallet.join("index.sled").exists());
    assert!(wallet.join("originals").is_dir());
}

#[test]
fn mcx_wallet_env_selects_the_wallet() {
    let dir = tempfile::tempdir().unwrap();
    let out = mcx()
        .env("MCX_WALLET", dir.path())
        .args(["info", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], dir.path().display().to_string());
}

#[test]
fn a_second_process_gets_wallet_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _held = microcredx::store::Wallet::open(dir.path()).unwrap();
    let out = run(dir.path(), &["info"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use"), "{err}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `mcx ... | head` closes the pipe early; mcx must stop without a panic message.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = mcx()
        .args(["--wallet", tmp.path().to_str().unwrap(), "info"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

/// `mcx receive` and `mcx present` read a link from a PNG picture of its QR code: the offer
/// in the picture is the one contacted (here an issuer address where nothing listens, so the
/// exchange stops there, naming it), and a picture of something else is refused.
#[test]
fn exchange_links_are_read_from_a_picture_of_their_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("wallet");
    let offer =
        r#"{"credential_issuer":"http://127.0.0.1:9","credential_configuration_ids":["mc"]}"#;
    let encoded: String = offer
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let link = format!("openid-credential-offer://?credential_offer={encoded}");
    let picture = dir.path().join("offer.png");
    std::fs::write(&picture, microcredx::portfolio::qr_png(&link).unwrap()).unwrap();
    let out = run(&wallet, &["receive", picture.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not reach http://127.0.0.1:9/.well-known/openid-credential-issuer"),
        "{err}"
    );
    let other = dir.path().join("other.png");
    std::fs::write(
        &other,
        microcredx::portfolio::qr_png("https://example.org/").unwrap(),
    )
    .unwrap();
    let out = run(&wallet, &["present", other.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a link for this"), "{err}");
}

/// `mcx export links`: each credential's own verification link and its LinkedIn
/// add-to-profile address, for a page others can open; a page only on this computer gets no
/// LinkedIn address, with the reason.
#[test]
fn export_links_gives_each_credential_its_link_and_linkedin_address() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("wallet");
    assert!(run(&wallet, &["demo", "load"]).status.success());
    let out = run(
        &wallet,
        &[
            "export",
            "links",
            "--all",
            "--base",
            "https://verify.network.example/",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 8, "{rows:?}");
    for r in &rows {
        let link = r["link"].as_str().unwrap();
        assert!(
            link.starts_with("https://verify.network.example/#vp="),
            "{link}"
        );
        let linkedin = r["linkedin"].as_str().unwrap();
        assert!(
            linkedin
                .starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"),
            "{linkedin}"
        );
    }
    let local = run(
        &wallet,
        &[
            "export",
            "links",
            "--all",
            "--base",
            "file:///tmp/verifier.html",
            "--json",
        ],
    );
    assert!(local.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&local.stdout).unwrap();
    assert!(rows.iter().all(|r| r["linkedin"].is_null()
        && r["problem"]
            .as_str()
            .unwrap()
            .contains("only on this computer")));
}
