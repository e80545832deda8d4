//! The wallet under faults (issue 17): an index that sled can no longer open (cut short,
//! overwritten, emptied), which `mcx repair` rebuilds from the packs without needing it; a
//! full disk; a read-only medium. The disk tests mount a small tmpfs and are skipped, with a
//! note, where the test cannot mount one (it needs root).

use crate::util::{mcx, run, signed_credentials, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

/// The wallet ids `mcx list` shows.
fn listed(wallet: &Path) -> BTreeSet<String> {
    let out = run(wallet, &["list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    /// sled's file cut to half its length.
    Truncated,
    /// Random bytes over the middle third of sled's file.
    Overwritten,
    /// The index folder replaced by an empty one.
    Emptied,
}

fn damage(index: &Path, how: Damage) {
    let db = index.join("db");
    match how {
        Damage::Truncated => {
            let len = std::fs::metadata(&db).unwrap().len();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&db)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }
        Damage::Overwritten => {
            let mut bytes = std::fs::read(&db).unwrap();
            let (from, to) = (bytes.len() / 3, bytes.len() * 2 / 3);
            let mut x = 0x9e37_79b9_7f4a_7c15_u64;
            for b in &mut bytes[from..to] {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            std::fs::write(&db, bytes).unwrap();
        }
        Damage::Emptied => {
            std::fs::remove_dir_all(index).unwrap();
            std::fs::create_dir(index).unwrap();
        }
    }
}

/// Issue 17: `mcx repair` never needs the old index. Whatever sled makes of a damaged index
/// (an error, a panic, an older state, an empty database), repair brings back every
/// credential from the packs, and `mcx list` lists them all again.
#[test]
fn repair_brings_back_every_credential_from_a_truncated_overwritten_or_emptied_index() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // More than one batch of 256: two packs, two index batches.
    signed_credentials(&input, 300, "Ana Learner");
    for how in [Damage::Truncated, Damage::Overwritten, Damage::Emptied] {
        let wallet = tmp.path().join(format!("{how:?}"));
        let out = run(&wallet, &["import", input.to_str().unwrap()]);
        assert!(out.status.success(), "{how:?}: {}", stderr(&out));
        let held = listed(&wallet);
        assert_eq!(held.len(), 300);
        let holder = json(&run(&wallet, &["info", "--json"]))["holder"].clone();

        damage(&wallet.join("index.sled"), how);
        if let Damage::Emptied = how {
            // An empty index beside the packs is not an empty wallet: it says to repair.
            let out = run(&wallet, &["list"]);
            assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
            assert!(
                stderr(&out).contains("run `mcx repair`"),
                "{}",
                stderr(&out)
            );
        }

        let out = run(&wallet, &["repair", "--json"]);
        assert!(
            out.status.success(),
            "{how:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let r = json(&out);
        assert_eq!(r["restored"], 300, "{how:?}: {r}");
        assert_eq!(r["unreadable"], serde_json::json!([]), "{how:?}: {r}");
        assert_eq!(listed(&wallet), held, "{how:?}: {r}");
        let lost = r["lost"].as_array().unwrap();
        // Kept aside only when something in it could not be brought over, and then the
        // report says what.
        if let Some(aside) = r["setAside"].as_str() {
            assert!(Path::new(aside).is_dir(), "{how:?}: {r}");
            assert!(!lost.is_empty(), "{how:?}: {r}");
        }
        match (
            r["oldIndex"].as_str().unwrap(),
            r["newHolderKey"].as_bool().unwrap(),
        ) {
            // The holder key was read: it is the learner's own still.
            ("read", false) => assert_eq!(
                json(&run(&wallet, &["info", "--json"]))["holder"],
                holder,
                "{how:?}: {r}"
            ),
            // sled could not open it: it is kept aside.
            ("unreadable", true) => assert!(r["setAside"].is_string(), "{how:?}: {r}"),
            // It opened without the holder key (emptied, or sled fell back to an older
            // state): a new key, and the report says so.
            ("read", true) => assert!(!lost.is_empty(), "{how:?}: {r}"),
            other => panic!("{how:?}: {other:?} in {r}"),
        }
        if let Damage::Emptied = how {
            assert_eq!(r["newHolderKey"], true, "{r}");
        }
        let valid = json(&run(&wallet, &["list", "--json", "--status", "valid"]));
        assert_eq!(valid.as_array().unwrap().len(), 300, "{how:?}");
        let first = held.iter().next().unwrap();
        assert!(run(&wallet, &["show", "--json", first.as_str()])
            .status
            .success());

        // A repair of a sound index keeps everything it holds and removes the old one; the
        // human report says how many credentials came back.
        let holder = json(&run(&wallet, &["info", "--json"]))["holder"].clone();
        let again = run(&wallet, &["repair"]);
        assert!(again.status.success(), "{}", stderr(&again));
        let text = stdout(&again);
        assert!(text.contains("300 credentials brought back"), "{text}");
        assert!(
            text.contains("kept from the old index: the holder key"),
            "{text}"
        );
        assert_eq!(json(&run(&wallet, &["info", "--json"]))["holder"], holder);
        assert_eq!(listed(&wallet), held);
    }
}

/// An encrypted wallet's originals are sealed under its key: its repair needs the passphrase,
/// as it did before, and a wrong one changes nothing.
#[test]
fn an_encrypted_wallet_is_repaired_with_its_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let wallet = tmp.path().join("w");
    signed_credentials(&tmp.path().join("in"), 5, "Ana Learner");
    let with_pass = |args: &[&str], pass: Option<&str>| {
        let mut c = mcx();
        c.arg("--wallet").arg(&wallet).args(args);
        match pass {
            Some(p) => c.env("MCX_PASSPHRASE", p),
            None => c.env_remove("MCX_PASSPHRASE"),
        };
        c.output().unwrap()
    };
    let input = tmp.path().join("in");
    assert!(with_pass(&["import", input.to_str().unwrap()], None)
        .status
        .success());
    assert!(with_pass(&["lock"], Some("correct horse")).status.success());
    damage(&wallet.join("index.sled"), Damage::Emptied);

    let refused = with_pass(&["repair"], None);
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        stderr(&refused).contains("passphrase"),
        "{}",
        stderr(&refused)
    );
    let wrong = with_pass(&["repair"], Some("wrong"));
    assert!(
        stderr(&wrong).contains("wrong passphrase"),
        "{}",
        stderr(&wrong)
    );

    let out = with_pass(&["repair", "--json"], Some("correct horse"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["restored"], 5);
    let list = with_pass(&["list", "--json"], Some("correct horse"));
    assert_eq!(json(&list).as_array().unwrap().len(), 5);
}

/// Issue 17: an operating system's error is printed once, not by the library's message and
/// again as its cause ("…: No such file or directory (os error 2): No such file or …").
#[test]
fn an_operating_system_error_is_printed_once() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("no-such-folder").join("w.mcxbackup");
    let out = mcx()
        .arg("--wallet")
        .arg(tmp.path().join("w"))
        .arg("backup")
        .arg(&target)
        .env("MCX_BACKUP_PASSPHRASE", "backup pass")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("could not access"), "{err}");
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// `None` (with a note) where this machine cannot mount one: not root, or no mount.
    fn mount(size: &str) -> Option<Tmpfs> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mcx-tmpfs-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let options = format!("size={size}");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options.as_str(), "tmpfs"])
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            let _ = std::fs::remove_dir(&dir);
            eprintln!("skipped: this test mounts a tmpfs, which needs root");
            return None;
        }
        Some(Tmpfs(dir))
    }

    fn remount(&self, options: &str) {
        let options = format!("remount,{options}");
        let out = Command::new("mount")
            .args(["-o", options.as_str()])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).output();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fill the disk holding `dir` to the last byte; the returned file frees it again.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let mut byte = [0u8; 1];
    while f.write_all(&byte).is_ok() {
        byte[0] = 1;
    }
    let _ = f.sync_all();
    path
}

/// The number before `word` in `text`.
fn number_before(text: &str, word: &str) -> usize {
    let at = text
        .find(word)
        .unwrap_or_else(|| panic!("no {word:?} in {text}"));
    text[..at]
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number before {word:?} in {text}"))
}

/// Issue 17: an import that fills the disk stops with one message that names the full disk,
/// says how many credentials were kept (and they are listed), and what to do; the OS error is
/// not printed twice. On the full disk the wallet is still read (read-only), writing commands
/// say the disk is full, and nothing needs repair. With space again the same import completes.
#[test]
fn a_full_disk_is_named_keeps_what_was_acknowledged_and_the_wallet_stays_readable() {
    let Some(disk) = Tmpfs::mount("8m") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let n = 5000; // about 8 MB of credentials: more than the disk holds.
    signed_credentials(&input, n, "Ana Learner");
    let wallet = disk.0.join("w");

    let out = run(&wallet, &["import", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the disk holding {} is full", wallet.display())),
        "{err}"
    );
    assert!(
        err.contains("Free some space on that disk, then run the same command again"),
        "{err}"
    );
    assert!(err.matches("No space left on device").count() <= 1, "{err}");
    let kept = number_before(&err, "new credential");
    assert!(kept > 0 && kept < n, "{err}");
    assert_eq!(
        listed(&wallet).len(),
        kept,
        "every acknowledged credential is there"
    );

    // The disk full to the last byte: reading works read-only, writing says the disk is full.
    let filler = fill(&disk.0);
    let list = run(&wallet, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert_eq!(json(&list).as_array().unwrap().len(), kept);
    assert!(
        stderr(&list).contains("read-only: changes are off"),
        "{}",
        stderr(&list)
    );
    let pdf = tmp.path().join("portfolio.pdf");
    let some: Vec<String> = listed(&wallet).into_iter().take(3).collect();
    let some = some.join(",");
    let export = run(
        &wallet,
        &[
            "export",
            "pdf",
            pdf.to_str().unwrap(),
            "--ids",
            some.as_str(),
        ],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    assert!(pdf.is_file());
    let again = run(&wallet, &["import", input.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(3));
    assert!(
        stderr(&again).contains("is full: nothing was changed"),
        "{}",
        stderr(&again)
    );

    // Space again: nothing needs repair, and the same import completes the set.
    std::fs::remove_file(filler).unwrap();
    disk.remount("size=96m");
    let list = run(&wallet, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(!stderr(&list).contains("read-only"), "{}", stderr(&list));
    assert_eq!(json(&list).as_array().unwrap().len(), kept);
    let done = run(&wallet, &["import", "--json", input.to_str().unwrap()]);
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(listed(&wallet).len(), n);
}

/// Issue 17: a wallet on a read-only medium is listed, shown, exported and shared; commands
/// that would change it say "read-only: changes are off", and nothing on the medium changes.
#[test]
fn a_wallet_on_a_read_only_medium_is_read_and_shared_with_changes_off() {
    let Some(disk) = Tmpfs::mount("32m") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    signed_credentials(&input, 20, "Ana Learner");
    let wallet = disk.0.join("w");
    assert!(run(&wallet, &["import", input.to_str().unwrap()])
        .status
        .success());
    let held = listed(&wallet);
    let holder = json(&run(&wallet, &["info", "--json"]))["holder"].clone();
    disk.remount("ro");

    let list = run(&wallet, &["list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(
        stderr(&list).contains("read-only: changes are off"),
        "{}",
        stderr(&list)
    );
    assert_eq!(listed(&wallet), held);
    let info = json(&run(&wallet, &["info", "--json"]));
    assert_eq!(info["readOnly"], "not_writable");
    assert_eq!(info["holder"], holder);
    let first = held.iter().next().unwrap();
    assert!(run(&wallet, &["show", first.as_str()]).status.success());
    let pdf = tmp.path().join("portfolio.pdf");
    let export = run(&wallet, &["export", "pdf", pdf.to_str().unwrap(), "--all"]);
    assert!(export.status.success(), "{}", stderr(&export));
    let link = run(
        &wallet,
        &[
            "export",
            "link",
            "--all",
            "--base",
            "https://verify.example/",
        ],
    );
    assert!(link.status.success(), "{}", stderr(&link));
    // Signed with the learner's own holder key, read from the copy of the index.
    let vp = tmp.path().join("vp.json");
    let export = run(&wallet, &["export", "vp", vp.to_str().unwrap(), "--all"]);
    assert!(export.status.success(), "{}", stderr(&export));
    let verified = run(&wallet, &["verify", vp.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    let signed: Value = serde_json::from_slice(&std::fs::read(&vp).unwrap()).unwrap();
    assert!(
        signed["proof"]["verificationMethod"]
            .as_str()
            .unwrap()
            .starts_with(holder.as_str().unwrap()),
        "{signed}"
    );

    for args in [
        vec!["import", input.to_str().unwrap()],
        vec!["remove", first.as_str()],
        vec!["reverify"],
        vec!["repair"],
    ] {
        let out = run(&wallet, &args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("read-only: changes are off"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    disk.remount("rw");
    assert_eq!(listed(&wallet), held);
}

/// Issue 17: locking, unlocking and backing up while the disk fills up (another program
/// writing, started a moment after the command, at several moments). Each ends either done
/// or with the full-disk message, and either way, once there is space again, the wallet opens
/// in the state its exit code said (locked or not), with every credential, needing no repair
/// and with nothing half-written left beside it; a backup is whole or absent.
#[test]
fn lock_unlock_and_backup_on_a_filling_disk_end_done_or_as_before() {
    use std::process::Stdio;
    let Some(disk) = Tmpfs::mount("40m") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let n = 1200;
    signed_credentials(&input, n, "Ana Learner");
    let wallet = disk.0.join("w");
    assert!(run(&wallet, &["import", input.to_str().unwrap()])
        .status
        .success());
    const PASS: &str = "a passphrase for the full disk";
    let with_env = |args: &[&str]| {
        let mut c = mcx();
        c.arg("--wallet")
            .arg(&wallet)
            .args(args)
            .env("MCX_PASSPHRASE", PASS)
            .env("MCX_BACKUP_PASSPHRASE", PASS);
        c
    };
    let count = || {
        let out = with_env(&["list", "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stderr(&out).contains("read-only"), "{}", stderr(&out));
        json(&out).as_array().unwrap().len()
    };
    let backup = disk.0.join("w.mcxbackup");
    let mut locked = false;
    let mut outcomes = Vec::new();
    // Late enough, a lock ends done; the unlocks after it then meet the disk filling too.
    for delay_ms in [0u64, 30, 100, 300, 1500, 30, 300, 3000] {
        for command in ["lock-or-unlock", "backup"] {
            let args: Vec<&str> = match command {
                "backup" => vec!["backup", backup.to_str().unwrap()],
                _ if locked => vec!["unlock"],
                _ => vec!["lock"],
            };
            let child = with_env(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let filler = fill(&disk.0);
            let out = child.wait_with_output().unwrap();
            std::fs::remove_file(&filler).unwrap();
            let err = stderr(&out);
            match out.status.code() {
                Some(0) if args[0] != "backup" => locked = !locked,
                Some(0) => {}
                Some(3) => {
                    assert!(
                        err.contains(&format!("the disk holding {}", disk.0.display()))
                            && err.contains("is full")
                            && err.contains("Free some space on that disk"),
                        "{args:?} after {delay_ms} ms: {err}"
                    );
                    assert!(err.matches("No space left on device").count() <= 1, "{err}");
                }
                other => panic!("{args:?} after {delay_ms} ms: exit {other:?}: {err}"),
            }
            outcomes.push((args[0], delay_ms, out.status.code()));
            assert_eq!(
                mcx_is_locked(&wallet),
                locked,
                "{args:?} after {delay_ms} ms ended {:?}: {err}",
                out.status.code()
            );
            assert_eq!(count(), n, "{args:?} after {delay_ms} ms: {err}");
            let left: Vec<String> = std::fs::read_dir(&wallet)
                .unwrap()
                .chain(std::fs::read_dir(&disk.0).unwrap())
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .filter(|f| f.contains(".next") || f.contains(".old") || f.ends_with(".tmp"))
                .collect();
            assert!(
                left.is_empty(),
                "{args:?} after {delay_ms} ms left {left:?}"
            );
            if args[0] == "backup" {
                assert_eq!(backup.exists(), out.status.code() == Some(0), "{err}");
                if backup.exists() {
                    let check = tmp.path().join(format!("restored-{delay_ms}"));
                    let restored = mcx()
                        .arg("--wallet")
                        .arg(&check)
                        .args(["restore", backup.to_str().unwrap()])
                        .env("MCX_BACKUP_PASSPHRASE", PASS)
                        .output()
                        .unwrap();
                    assert!(restored.status.success(), "{}", stderr(&restored));
                    assert_eq!(listed(&check).len(), n);
                    std::fs::remove_file(&backup).unwrap();
                }
            }
        }
    }
    // The disk filled while the commands ran, at least once.
    assert!(
        outcomes.iter().any(|(_, _, code)| *code == Some(3)),
        "{outcomes:?}"
    );
    eprintln!("outcomes: {outcomes:?}");
}

/// Issue 17: restoring a backup onto a disk too small for it stops with the full-disk message
/// and how many credentials were stored; those are listed, the wallet already holds the
/// backup's holder keys, and the same command run again once there is room adds the rest
/// (it does not say "the wallet is not empty"). On the full disk, restoring changes nothing.
#[test]
fn a_restore_that_fills_the_disk_keeps_what_it_stored_and_the_same_restore_finishes_it() {
    let Some(disk) = Tmpfs::mount("9m") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let n = 3000;
    signed_credentials(&input, n, "Ana Learner");
    let source = tmp.path().join("source");
    assert!(run(&source, &["import", input.to_str().unwrap()])
        .status
        .success());
    const PASS: &str = "a passphrase for the backup";
    let backup = tmp.path().join("w.mcxbackup");
    let with_pass = |wallet: &Path, args: &[&str]| {
        mcx()
            .arg("--wallet")
            .arg(wallet)
            .args(args)
            .env("MCX_BACKUP_PASSPHRASE", PASS)
            .output()
            .unwrap()
    };
    let made = with_pass(&source, &["backup", backup.to_str().unwrap()]);
    assert!(made.status.success(), "{}", stderr(&made));
    let holder = |wallet: &Path| json(&run(wallet, &["info", "--json"]))["holder"].clone();
    let theirs = holder(&source);

    let wallet = disk.0.join("w");
    let restore = || with_pass(&wallet, &["restore", backup.to_str().unwrap()]);
    let out = restore();
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the disk holding {} is full", wallet.display()))
            && err.contains("Free some space on that disk, then run the same command again"),
        "{err}"
    );
    assert!(err.matches("No space left on device").count() <= 1, "{err}");
    let kept = if err.contains("no new credential was stored") {
        0
    } else {
        number_before(&err, "new credential")
    };
    assert!(kept < n, "{err}");
    eprintln!("restore on a 9 MiB disk: {err}");
    assert_eq!(
        listed(&wallet).len(),
        kept,
        "what it said it stored is there"
    );
    assert_eq!(
        holder(&wallet),
        theirs,
        "the backup's holder key came first"
    );

    // Full to the last byte: nothing changes, and the wallet is still read.
    let filler = fill(&disk.0);
    let again = restore();
    assert_eq!(again.status.code(), Some(3), "{}", stdout(&again));
    assert!(
        stderr(&again).contains("is full: nothing was changed"),
        "{}",
        stderr(&again)
    );
    assert_eq!(listed(&wallet).len(), kept);

    // Room again: the same command finishes the restore.
    std::fs::remove_file(filler).unwrap();
    disk.remount("size=64m");
    let done = restore();
    assert!(done.status.success(), "{}{}", stdout(&done), stderr(&done));
    assert_eq!(listed(&wallet), listed(&source));
    assert_eq!(holder(&wallet), theirs);
}

/// Whether the wallet has a passphrase (its keyring).
fn mcx_is_locked(wallet: &Path) -> bool {
    wallet.join("keyring.json").exists()
}
