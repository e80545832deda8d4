//! The wallet through `mcx`: import (files, folders, pasted text, baked images; imported,
//! duplicate, rejected), list/show/remove, encryption at rest, backup/restore, repair.

use crate::util::{mcx, run, shared_fixture, signed_credentials, stderr, stdout};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

fn outcomes(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"]["outcome"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn import_reports_imported_duplicate_and_rejected_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    let files = signed_credentials(&tmp.path().join("in"), 3, "Ana Learner");
    // A tampered copy of the first credential, with a new id so it is not a duplicate.
    let mut t: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    t["credentialSubject"]["achievement"]["creditsAvailable"] = 30.into();
    t["id"] = "urn:uuid:tampered".into();
    std::fs::write(
        tmp.path().join("tampered.json"),
        serde_json::to_vec(&t).unwrap(),
    )
    .unwrap();

    let out = run(
        &wallet,
        &[
            "import",
            "--json",
            tmp.path().join("in").to_str().unwrap(),
            tmp.path().join("tampered.json").to_str().unwrap(),
        ],
    );
    let v = json(&out);
    assert_eq!(
        outcomes(&v),
        ["imported", "imported", "imported", "rejected"]
    );
    assert!(
        v[3]["outcome"]["reason"]
            .as_str()
            .unwrap()
            .contains("signature does not match"),
        "{v}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rejected item makes the exit status 1"
    );

    // Same bytes again: a duplicate. The same credential id in other bytes whose signature
    // no longer matches: a forgery of the held credential, refused as one, naming it.
    let mut same_id: Value = serde_json::from_slice(&std::fs::read(&files[1]).unwrap()).unwrap();
    same_id["name"] = "Renamed".into();
    std::fs::write(
        tmp.path().join("same-id.json"),
        serde_json::to_vec(&same_id).unwrap(),
    )
    .unwrap();
    let v = json(&run(
        &wallet,
        &[
            "import",
            "--json",
            files[0].to_str().unwrap(),
            tmp.path().join("same-id.json").to_str().unwrap(),
        ],
    ));
    assert_eq!(outcomes(&v), ["duplicate", "rejected"]);
    let why = v[1]["outcome"]["reason"].as_str().unwrap();
    assert!(
        why.contains("Data Analytics Module 1") && why.contains("forgery"),
        "{why}"
    );

    // Forcing keeps the tampered one, flagged as not verified forever after.
    let v = json(&run(
        &wallet,
        &[
            "import",
            "--json",
            "--force",
            tmp.path().join("tampered.json").to_str().unwrap(),
        ],
    ));
    assert_eq!(outcomes(&v), ["imported"]);
    assert_eq!(v[0]["outcome"]["verdict"], "invalid");
    let list = json(&run(&wallet, &["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 4);
    let forced: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["forced"] == true)
        .collect();
    assert_eq!(forced.len(), 1);
    assert_eq!(forced[0]["verdict"], "invalid");
    let valid = json(&run(&wallet, &["list", "--json", "--status", "valid"]));
    assert_eq!(valid.as_array().unwrap().len(), 3);

    // The words the list prints filter too; a filter that hides everything says so.
    let verified = json(&run(&wallet, &["list", "--json", "--status", "verified"]));
    assert_eq!(verified, valid);
    let out = run(&wallet, &["list", "--status", "unverified"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "None of the 4 credentials matches."
    );
    let out = run(&wallet, &["list", "--status", "bogus"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("possible values: valid, invalid, unverifiable"));
}

#[test]
fn pasted_text_and_baked_badges_import() {
    let tmp = tempfile::tempdir().unwrap();
    let files = signed_credentials(&tmp.path().join("in"), 1, "Ana Learner");
    let mut child = mcx()
        .args([
            "--wallet",
            tmp.path().join("w").to_str().unwrap(),
            "import",
            "--json",
            "--force",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&files[0]).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v = json(&out);
    assert_eq!(v[0]["source"], "pasted text");
    assert_eq!(v[0]["outcome"]["outcome"], "imported");
    let png = shared_fixture("1edtech-ob30/simple-json.png");
    let svg = shared_fixture("1edtech-ob30/simple-json.svg");
    let v = json(&run(
        &tmp.path().join("w"),
        &[
            "import",
            "--json",
            png.to_str().unwrap(),
            svg.to_str().unwrap(),
        ],
    ));
    assert_eq!(outcomes(&v)[0], "imported", "{v}");
    assert_eq!(
        outcomes(&v)[1],
        "duplicate",
        "the SVG bakes the same credential: {v}"
    );
}

#[test]
fn list_sorts_and_show_and_remove_work_by_id_prefix() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    signed_credentials(&tmp.path().join("in"), 6, "Ana Learner");
    assert!(run(
        &wallet,
        &["import", tmp.path().join("in").to_str().unwrap()]
    )
    .status
    .success());
    let by_ects = json(&run(&wallet, &["list", "--json", "--sort", "ects"]));
    let ects: Vec<f64> = by_ects
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ects"].as_f64().unwrap())
        .collect();
    assert!(ects.windows(2).all(|w| w[0] >= w[1]), "{ects:?}");
    let id = by_ects[0]["id"].as_str().unwrap();
    let shown = json(&run(&wallet, &["show", "--json", &id[..10]]));
    assert_eq!(shown["id"], id);
    assert!(shown["original"].as_str().unwrap().contains("proofValue"));
    assert_eq!(shown["verification"]["verdict"], "valid");
    assert!(run(&wallet, &["remove", &id[..10]]).status.success());
    assert_eq!(
        json(&run(&wallet, &["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let gone = run(&wallet, &["show", id]);
    assert_eq!(gone.status.code(), Some(3));
    assert!(stderr(&gone).contains("not found"));
}

fn files_contain(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle)
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn a_locked_wallet_leaks_no_credential_text_name_or_key() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    signed_credentials(&tmp.path().join("in"), 3, "Zofia Przykładowa");
    assert!(run(
        &wallet,
        &["import", tmp.path().join("in").to_str().unwrap()]
    )
    .status
    .success());
    let holder = json(&run(&wallet, &["info", "--json"]))["holder"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !files_contain(&wallet, "Zofia Przykładowa".as_bytes()).is_empty(),
        "plain wallet holds the name"
    );

    let lock = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "lock"])
        .env("MCX_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert!(lock.status.success(), "{}", stderr(&lock));
    for needle in [
        "Zofia Przykładowa",
        "Data Analytics Module",
        "secretKeyMultibase",
        "z3u2",
    ] {
        assert_eq!(
            files_contain(&wallet, needle.as_bytes()),
            Vec::<String>::new(),
            "{needle} readable while locked"
        );
    }
    let refused = run(&wallet, &["list"]);
    assert_eq!(refused.status.code(), Some(3));
    let wrong = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "list"])
        .env("MCX_PASSPHRASE", "wrong")
        .output()
        .unwrap();
    assert!(
        stderr(&wrong).contains("wrong passphrase"),
        "{}",
        stderr(&wrong)
    );
    let ok = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "list", "--json"])
        .env("MCX_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert_eq!(json(&ok).as_array().unwrap().len(), 3);
    let info = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "info", "--json"])
        .env("MCX_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert_eq!(
        json(&info)["holder"],
        holder.as_str(),
        "the holder key survives locking"
    );

    let passwd = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "passwd"])
        .env("MCX_PASSPHRASE", "correct horse battery")
        .env("MCX_NEW_PASSPHRASE", "new phrase")
        .output()
        .unwrap();
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let old = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "list"])
        .env("MCX_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert!(stderr(&old).contains("wrong passphrase"));
    let unlock = mcx()
        .args(["--wallet", wallet.to_str().unwrap(), "unlock"])
        .env("MCX_PASSPHRASE", "new phrase")
        .output()
        .unwrap();
    assert!(unlock.status.success(), "{}", stderr(&unlock));
    assert_eq!(
        json(&run(&wallet, &["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn backup_and_restore_round_trip_byte_identical_originals() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let files = signed_credentials(&tmp.path().join("in"), 4, "Ana Learner");
    assert!(
        run(&a, &["import", tmp.path().join("in").to_str().unwrap()])
            .status
            .success()
    );
    let backup = tmp.path().join("wallet.mcxbackup");
    let with_pass = |dir: &Path, args: &[&str], pass: &str| {
        mcx()
            .arg("--wallet")
            .arg(dir)
            .args(args)
            .env("MCX_BACKUP_PASSPHRASE", pass)
            .output()
            .unwrap()
    };
    assert!(
        with_pass(&a, &["backup", backup.to_str().unwrap()], "backup pass")
            .status
            .success()
    );
    assert!(files_contain(
        tmp.path().join("wallet.mcxbackup").parent().unwrap(),
        b"Ana Learner"
    )
    .iter()
    .all(|p| !p.ends_with("mcxbackup")));
    let wrong = with_pass(&b, &["restore", backup.to_str().unwrap()], "nope");
    assert!(stderr(&wrong).contains("wrong passphrase"));
    let r = with_pass(&b, &["restore", backup.to_str().unwrap()], "backup pass");
    assert!(r.status.success(), "{}", stderr(&r));
    for f in &files {
        let original = std::fs::read(f).unwrap();
        let v: Value = serde_json::from_slice(&original).unwrap();
        let shown = json(&run(&b, &["show", "--json", v["id"].as_str().unwrap()]));
        assert_eq!(
            shown["original"].as_str().unwrap().as_bytes(),
            original.as_slice()
        );
    }
    assert_eq!(
        json(&run(&a, &["info", "--json"]))["holder"],
        json(&run(&b, &["info", "--json"]))["holder"]
    );
    // Merging into a wallet that already has them adds nothing.
    let again = with_pass(
        &b,
        &["restore", "--merge", backup.to_str().unwrap()],
        "backup pass",
    );
    assert!(
        stdout(&again).contains("restored 0 credentials (4 already present)"),
        "{}",
        stdout(&again)
    );
    // The same restore run again (as after a full disk) resumes: this wallet holds the
    // backup's holder key, so nothing is missing and nothing is added.
    let resumed = with_pass(&b, &["restore", backup.to_str().unwrap()], "backup pass");
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stdout(&resumed).contains("restored 0 credentials (4 already present)"),
        "{}",
        stdout(&resumed)
    );
    // Another wallet's backup is refused: this one is not empty.
    let c = tmp.path().join("c");
    signed_credentials(&tmp.path().join("other"), 1, "Ben Learner");
    assert!(
        run(&c, &["import", tmp.path().join("other").to_str().unwrap()])
            .status
            .success()
    );
    let theirs = tmp.path().join("other.mcxbackup");
    assert!(
        with_pass(&c, &["backup", theirs.to_str().unwrap()], "backup pass")
            .status
            .success()
    );
    let refused = with_pass(&b, &["restore", theirs.to_str().unwrap()], "backup pass");
    assert!(
        stderr(&refused).contains("not empty"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn repair_rebuilds_a_lost_index_from_the_originals() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    signed_credentials(&tmp.path().join("in"), 5, "Ana Learner");
    assert!(run(
        &wallet,
        &["import", tmp.path().join("in").to_str().unwrap()]
    )
    .status
    .success());
    std::fs::remove_dir_all(wallet.join("index.sled")).unwrap();
    std::fs::write(wallet.join("originals/.deadbeef.tmp"), b"half a file").unwrap();
    let r = json(&run(&wallet, &["repair", "--json"]));
    assert_eq!(r["restored"], 5);
    assert_eq!(r["removedTemporaries"], 1);
    let list = json(&run(&wallet, &["list", "--json", "--status", "valid"]));
    assert_eq!(list.as_array().unwrap().len(), 5);
}

#[test]
fn a_bulk_import_gives_each_credential_the_verdict_it_gets_alone() {
    // Signatures are checked in batches during an import; a batch with tampered credentials
    // in it must still reject exactly those, for the reason `mcx verify` gives each alone.
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    let files = signed_credentials(&tmp.path().join("in"), 600, "Ana Learner");
    let tampered = [3, 255, 256, 404, 599];
    for &i in &tampered {
        let mut t: Value = serde_json::from_slice(&std::fs::read(&files[i]).unwrap()).unwrap();
        if i == 404 {
            // Another signature, not a changed document.
            let value = t["proof"]["proofValue"].as_str().unwrap().to_string();
            let flipped = if value.ends_with('2') { '3' } else { '2' };
            t["proof"]["proofValue"] = format!("{}{flipped}", &value[..value.len() - 1]).into();
        } else {
            t["credentialSubject"]["achievement"]["creditsAvailable"] = 30.into();
        }
        std::fs::write(&files[i], serde_json::to_vec(&t).unwrap()).unwrap();
    }
    let v = json(&run(
        &wallet,
        &["import", "--json", tmp.path().join("in").to_str().unwrap()],
    ));
    let reports = v.as_array().unwrap();
    assert_eq!(reports.len(), 600);
    for (i, (report, file)) in reports.iter().zip(&files).enumerate() {
        if !tampered.contains(&i) {
            assert_eq!(report["outcome"]["outcome"], "imported", "{i}: {report}");
            continue;
        }
        let alone = json(&run(&wallet, &["verify", "--json", file.to_str().unwrap()]));
        assert_eq!(alone["verdict"], "invalid", "{i}: {alone}");
        let failed = alone["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "fail")
            .unwrap();
        let reason = report["outcome"]["reason"].as_str().unwrap();
        assert_eq!(report["outcome"]["outcome"], "rejected", "{i}: {report}");
        assert!(
            reason.contains(failed["message"].as_str().unwrap()),
            "{i}: {reason} / {failed}"
        );
    }
    let valid = json(&run(&wallet, &["list", "--json", "--status", "valid"]));
    assert_eq!(valid.as_array().unwrap().len(), 595);
}

/// A folder with a link back to its parent and a named pipe: the import ends, reads each
/// file once and says why the pipe was not read (reading it would wait forever).
#[test]
fn folder_import_survives_link_loops_and_named_pipes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    let files = signed_credentials(&dir, 2, "Ana Learner");
    std::os::unix::fs::symlink("..", dir.join("back")).unwrap();
    let fifo = dir.join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());

    let mut child = mcx()
        .args(["--wallet", tmp.path().join("w").to_str().unwrap()])
        .args(["import", "--json", dir.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the import did not end: it read the pipe or went round the link");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let v = json(&out);
    let reports = v.as_array().unwrap();
    let imported: Vec<&str> = reports
        .iter()
        .filter(|r| r["outcome"]["outcome"] == "imported")
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        imported,
        files
            .iter()
            .map(|f| f.to_str().unwrap())
            .collect::<Vec<_>>(),
        "each file once, by its own path"
    );
    let pipe: Vec<&Value> = reports
        .iter()
        .filter(|r| r["source"].as_str().unwrap().ends_with("pipe.json"))
        .collect();
    assert_eq!(pipe.len(), 1);
    assert_eq!(pipe[0]["outcome"]["outcome"], "rejected");
    assert!(pipe[0]["outcome"]["reason"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    assert_eq!(reports.len(), 3, "nothing else: {v}");
}

/// Issue 15: a 4-character prefix that fits one wallet id picks that credential in every
/// command that takes an id (show, export, remove); one that fits several names them.
#[test]
fn a_four_character_prefix_picks_a_credential_and_an_ambiguous_one_names_the_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    let files = signed_credentials(&tmp.path().join("in"), 1, "Ana Learner");
    let signed = std::fs::read(&files[0]).unwrap();
    // A plain wallet names an original by the SHA-256 of its bytes.
    let signed_id = microcredx::portfolio::sha256_hex(&signed);
    // Copies under other ids (their signature no longer matches: they go in with --force),
    // until two of them share their first 4 characters, which the signed one does not.
    let base: Value = serde_json::from_slice(&signed).unwrap();
    let mut seen: std::collections::HashMap<String, (usize, Vec<u8>)> = Default::default();
    let mut pair = None;
    for k in 0..100_000 {
        let mut copy = base.clone();
        copy["id"] = format!("urn:uuid:copy-{k}").into();
        copy["name"] = format!("Copy {k}").into();
        copy["credentialSubject"]["achievement"]["name"] = format!("Copy {k}").into();
        let bytes = serde_json::to_vec(&copy).unwrap();
        let prefix = microcredx::portfolio::sha256_hex(&bytes)[..4].to_string();
        if prefix == signed_id[..4] {
            continue;
        }
        if let Some(first) = seen.insert(prefix.clone(), (k, bytes.clone())) {
            pair = Some((prefix, first, (k, bytes)));
            break;
        }
    }
    let (shared, (a, a_bytes), (b, b_bytes)) = pair.expect("two copies share a 4-character prefix");
    let (a_path, b_path) = (tmp.path().join("a.json"), tmp.path().join("b.json"));
    std::fs::write(&a_path, &a_bytes).unwrap();
    std::fs::write(&b_path, &b_bytes).unwrap();
    assert!(run(&wallet, &["import", files[0].to_str().unwrap()])
        .status
        .success());
    let forced = run(
        &wallet,
        &[
            "import",
            "--force",
            a_path.to_str().unwrap(),
            b_path.to_str().unwrap(),
        ],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));
    let ids: Vec<String> = json(&run(&wallet, &["list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&signed_id), "{ids:?}");
    let a_id = microcredx::portfolio::sha256_hex(&a_bytes);
    let b_id = microcredx::portfolio::sha256_hex(&b_bytes);

    // Unique at 4 characters (upper case too): show, export and remove find it.
    let short = &signed_id[..4];
    let shown = json(&run(&wallet, &["show", "--json", short]));
    assert_eq!(shown["id"], signed_id.as_str());
    let upper = short.to_uppercase();
    let upper = json(&run(&wallet, &["show", "--json", upper.as_str()]));
    assert_eq!(upper["id"], signed_id.as_str());
    let vp = tmp.path().join("vp.json");
    let out = run(
        &wallet,
        &[
            "export",
            "vp",
            vp.to_str().unwrap(),
            "--suite",
            "jcs",
            "--ids",
            short,
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let presented: Value = serde_json::from_slice(&std::fs::read(&vp).unwrap()).unwrap();
    assert_eq!(
        presented["verifiableCredential"].as_array().unwrap().len(),
        1
    );

    // Shared by two: every command refuses and names both (short id and title), not the third.
    for args in [
        vec!["show", shared.as_str()],
        vec!["remove", shared.as_str()],
        vec![
            "export",
            "vp",
            vp.to_str().unwrap(),
            "--allow-unverified",
            "--ids",
            shared.as_str(),
        ],
    ] {
        let out = run(&wallet, &args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "{shared} fits 2 credentials; give more characters"
            )),
            "{args:?}: {err}"
        );
        for (id, k) in [(&a_id, a), (&b_id, b)] {
            assert!(
                err.contains(&format!("{}  Copy {k}", &id[..12])),
                "{args:?}: {err}"
            );
        }
        assert!(!err.contains(&signed_id[..12]), "{err}");
    }
    assert_eq!(
        json(&run(&wallet, &["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Enough characters to tell the two apart pick one.
    let at = a_id
        .bytes()
        .zip(b_id.bytes())
        .take_while(|(x, y)| x == y)
        .count();
    let out = run(&wallet, &["remove", &a_id[..(at + 1).max(4)]]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&a_id), "{}", stdout(&out));
    let shown = json(&run(&wallet, &["show", "--json", shared.as_str()]));
    assert_eq!(shown["id"], b_id.as_str());

    // Fewer than 4 characters is too short, even when it would be unique.
    let out = run(&wallet, &["show", &signed_id[..3]]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("give at least 4 characters"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_re_issue_is_kept_as_a_version_and_a_same_id_credential_of_another_issuer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let wallet = t.join("w");
    let key = |name: &str| {
        let out = run(
            &wallet,
            &["key", "new", "--out", t.join(name).to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim().to_string()
    };
    let (did, other) = (key("k.json"), key("other.json"));
    let issue = |k: &str, issuer: &str, name: &str, file: &str| {
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:9a0c1c3e-0000-4000-8000-000000000042",
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "name": name,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:ana", "name": "Ana Learner"}
        });
        std::fs::write(t.join("unsigned.json"), doc.to_string()).unwrap();
        let out = run(
            &wallet,
            &[
                "issue",
                "--key",
                t.join(k).to_str().unwrap(),
                "--out",
                t.join(file).to_str().unwrap(),
                t.join("unsigned.json").to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        t.join(file)
    };
    let v1 = issue("k.json", &did, "Robotics", "v1.json");
    let v2 = issue("k.json", &did, "Robotics (re-issued)", "v2.json");
    let foreign = issue("other.json", &other, "Robotics", "foreign.json");

    let first = json(&run(&wallet, &["import", "--json", v1.to_str().unwrap()]));
    let v1_id = first[0]["outcome"]["id"].as_str().unwrap().to_string();
    let second = json(&run(
        &wallet,
        &[
            "import",
            "--json",
            v2.to_str().unwrap(),
            foreign.to_str().unwrap(),
        ],
    ));
    assert_eq!(outcomes(&second), ["imported", "rejected"], "{second}");
    assert_eq!(second[0]["outcome"]["versionOf"], v1_id.as_str());
    let why = second[1]["outcome"]["reason"].as_str().unwrap();
    assert!(why.contains(&other) && why.contains("Robotics"), "{why}");

    let list = run(&wallet, &["list"]);
    assert_eq!(
        stdout(&list).matches("(one of 2 versions)").count(),
        2,
        "{}",
        stdout(&list)
    );
    // Removing the newer version leaves the older one answering to the id.
    let v2_id = second[0]["outcome"]["id"].as_str().unwrap();
    assert!(run(&wallet, &["remove", v2_id]).status.success());
    let shown = run(
        &wallet,
        &["show", "urn:uuid:9a0c1c3e-0000-4000-8000-000000000042"],
    );
    assert!(shown.status.success(), "{}", stderr(&shown));
    assert!(stdout(&shown).contains("Robotics"), "{}", stdout(&shown));
}
