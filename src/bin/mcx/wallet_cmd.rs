//! `mcx` commands over the learner's wallet: import, list, show, remove, backup, restore,
//! lock/unlock/passwd, registry/status/did caches, reverify and repair.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use microcredx::model::Verdict;
use microcredx::store::{
    self, crypto::KdfCost, CredentialSummary, ImportItem, ImportOutcome, OldIndex, SortKey, Wallet,
};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The passphrase: `MCX_PASSPHRASE`, else a prompt on the terminal.
pub fn passphrase(prompt: &str) -> Result<String> {
    if let Ok(p) = std::env::var("MCX_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("a passphrase is needed: set MCX_PASSPHRASE or run in a terminal");
    }
    Ok(rpassword::prompt_password(prompt)?)
}

/// A new passphrase: `MCX_NEW_PASSPHRASE` (or `MCX_PASSPHRASE` when locking), else asked twice.
fn new_passphrase(env_first: &str) -> Result<String> {
    if let Ok(p) = std::env::var(env_first) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("a new passphrase is needed: set {env_first} or run in a terminal");
    }
    let a = rpassword::prompt_password("New passphrase: ")?;
    let b = rpassword::prompt_password("Repeat it: ")?;
    if a != b {
        bail!("the two passphrases differ; nothing was changed");
    }
    Ok(a)
}

/// The wallet's passphrase when it has one (asked for, or `MCX_PASSPHRASE`).
fn wallet_passphrase(dir: &Path) -> Result<Option<String>> {
    Ok(if store::is_encrypted(dir) {
        Some(passphrase("Wallet passphrase: ")?)
    } else {
        None
    })
}

/// Open the wallet to change it, asking for the passphrase if it is encrypted. A wallet
/// whose disk or folder takes no writes is refused as read-only (a full disk as full).
pub fn open(dir: Option<&Path>) -> Result<Wallet> {
    let dir = store::resolve_dir(dir)?;
    let pass = wallet_passphrase(&dir)?;
    Wallet::open_with(&dir, pass.as_deref()).map_err(|e| refuse_unwritable(&dir, e).into())
}

/// "read-only: changes are off" for a wallet that cannot be written (other than a full disk,
/// which says what to do about it).
fn refuse_unwritable(dir: &Path, e: microcredx::Error) -> microcredx::Error {
    if matches!(e, microcredx::Error::Io { .. }) && e.is_unwritable() {
        microcredx::Error::ReadOnly {
            path: dir.to_path_buf(),
            why: microcredx::ReadOnlyReason::NotWritable,
        }
    } else {
        e
    }
}

/// Open the wallet to read it: read-only when it cannot be written (a full disk, a read-only
/// medium or folder), saying so on standard error.
pub fn open_to_read(dir: Option<&Path>) -> Result<Wallet> {
    let dir = store::resolve_dir(dir)?;
    let pass = wallet_passphrase(&dir)?;
    let wallet = Wallet::open_for_reading(&dir, pass.as_deref())?;
    if let Some(why) = wallet.read_only() {
        eprintln!(
            "note: the wallet at {} is read-only: changes are off ({why})",
            dir.display()
        );
        if wallet.rebuilt_from_packs() {
            eprintln!(
                "note: its index could not be read, so its credentials were read from the \
                 stored originals and checked without its cached trust data (registry, status \
                 lists, DID documents); sharing needs the holder key, which is in the index"
            );
        }
    }
    Ok(wallet)
}

/// `mcx import PATH... [--force] [--json]` (`-` reads pasted text from standard input).
pub fn import(dir: Option<&Path>, paths: &[PathBuf], force: bool, json: bool) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let mut files = Vec::new();
    let mut items = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            items.push(ImportItem {
                bytes: buf,
                source: "pasted text".into(),
            });
        } else {
            files.push(p.clone());
        }
    }
    let (found, mut reports) = store::collect(&files);
    items.extend(found);
    let bar = (!json && std::io::stderr().is_terminal() && items.len() > 1).then(|| {
        let b = indicatif::ProgressBar::new(items.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} imported and verified ({eta} left)",
        ) {
            b.set_style(style);
        }
        b
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
        if json {
            // Machine-readable acknowledgements: everything up to `done` is on disk.
            eprintln!("{{\"acknowledged\":{done},\"total\":{total}}}");
        }
    };
    reports.extend(wallet.import(items, force, Utc::now(), &mut progress)?);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    print_reports(&reports, json)
}

/// Print what became of each imported item (`mcx import`, `mcx receive`): exit 1 when any
/// was rejected.
pub fn print_reports(reports: &[store::ImportReport], json: bool) -> Result<ExitCode> {
    let (mut imported, mut duplicate, mut rejected) = (0, 0, 0);
    for r in reports {
        match &r.outcome {
            ImportOutcome::Imported {
                id,
                title,
                verdict,
                version_of,
                unconfirmed_issuer,
            } => {
                imported += 1;
                if !json {
                    let flag = match verdict {
                        Verdict::Valid => "",
                        Verdict::Inactive => {
                            "  [GENUINE, NOT IN FORCE: expired, not yet valid or revoked]"
                        }
                        _ => "  [NOT VERIFIED]",
                    };
                    let standing = if *unconfirmed_issuer {
                        "  [issuer not confirmed: no registry names it; its name is only its own claim]"
                    } else {
                        ""
                    };
                    let version = version_of
                        .as_deref()
                        .map(|v| {
                            format!(
                                "  (a new version of {}, which is kept too)",
                                &v[..12.min(v.len())]
                            )
                        })
                        .unwrap_or_default();
                    println!(
                        "imported   {}  {}  {}{flag}{standing}{version}",
                        &id[..12.min(id.len())],
                        title.as_deref().unwrap_or("(untitled)"),
                        r.source
                    );
                }
            }
            ImportOutcome::Duplicate { id, reason } => {
                duplicate += 1;
                if !json {
                    println!(
                        "duplicate  {}  {}: {reason}",
                        &id[..12.min(id.len())],
                        r.source
                    );
                }
            }
            ImportOutcome::Rejected { reason } => {
                rejected += 1;
                if !json {
                    println!("rejected   {}: {reason}", r.source);
                }
            }
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        println!("{imported} imported, {duplicate} duplicate, {rejected} rejected");
    }
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `mcx list`.
/// A credential's state as `mcx list` prints it and `--status` selects it.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Status {
    /// Verified: the signature, the issuer's key and the dates check out.
    #[value(alias = "verified")]
    Valid,
    /// Checked and found wrong (a changed credential, a revoked one, …).
    Invalid,
    /// Could not be checked offline (kept with "import --force").
    #[value(alias = "unverified")]
    Unverifiable,
    /// Kept with "import --force"; it checks out now, but stays marked as not verified.
    Forced,
    /// Genuine, but expired, not yet valid, revoked or suspended: kept as history.
    #[value(alias = "expired", alias = "revoked")]
    Inactive,
}

impl Status {
    fn of(r: &CredentialSummary) -> Status {
        match r.verdict {
            _ if r.is_verified() => Status::Valid,
            Verdict::Invalid => Status::Invalid,
            Verdict::Valid => Status::Forced,
            Verdict::Unverifiable => Status::Unverifiable,
            Verdict::Inactive if r.forced => Status::Forced,
            Verdict::Inactive => Status::Inactive,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Status::Valid => "verified",
            Status::Invalid => "INVALID",
            Status::Unverifiable => "unverified",
            Status::Forced => "forced",
            Status::Inactive => "inactive",
        }
    }
}

pub fn list(
    dir: Option<&Path>,
    json: bool,
    issuer: Option<&str>,
    status: Option<Status>,
    sort: SortKey,
) -> Result<ExitCode> {
    let wallet = open_to_read(dir)?;
    let mut rows = wallet.list(sort)?;
    if let Some(i) = issuer {
        let i = i.to_lowercase();
        rows.retain(|r| {
            r.issuer
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains(&i))
                || r.issuer_id
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&i))
        });
    }
    let held = rows.len();
    if let Some(want) = status {
        rows.retain(|r| Status::of(r) == want);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if held == 0 {
        println!("No credentials. Import some with `mcx import FILE_OR_FOLDER`.");
    } else if rows.is_empty() {
        println!("None of the {held} credentials matches.");
    }
    let mut versions: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &rows {
        if let Some(c) = r.credential_id.as_deref() {
            *versions.entry(c).or_default() += 1;
        }
    }
    for r in &rows {
        let version = match r.credential_id.as_deref().and_then(|c| versions.get(c)) {
            Some(&n) if n > 1 => format!("  (one of {n} versions)"),
            _ => String::new(),
        };
        let verdict = match (Status::of(r), &r.lapse) {
            (Status::Inactive, Some(l)) => l.kind.word(),
            (s, _) => s.label(),
        };
        println!(
            "{}  {:<10} {:>5}  EQF {:<2} {:<10} {}  — {}{version}",
            &r.id[..12.min(r.id.len())],
            verdict,
            r.ects.map(|e| format!("{e}")).unwrap_or_else(|| "-".into()),
            r.eqf_level
                .map(|e| e.to_string())
                .unwrap_or_else(|| "-".into()),
            r.issued
                .as_deref()
                .map(|d| &d[..10.min(d.len())])
                .unwrap_or("-"),
            r.title.as_deref().unwrap_or("(untitled)"),
            r.issuer.as_deref().unwrap_or("(unknown issuer)")
        );
    }
    let ects = microcredx::stack::ects_total(
        rows.iter()
            .filter(|r| r.is_verified())
            .filter_map(|r| r.ects),
    );
    if !rows.is_empty() {
        println!("{} credentials, {ects} verified ECTS", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// `mcx show ID`.
pub fn show(dir: Option<&Path>, id: &str, json: bool) -> Result<ExitCode> {
    let wallet = open_to_read(dir)?;
    let rec = wallet.get(id)?;
    let original = wallet.original(&rec.id)?;
    if json {
        let mut v = serde_json::to_value(&rec)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("original".into(), String::from_utf8_lossy(&original).into());
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        crate::verify_cmd::print_text(Path::new(&rec.id), &rec.verification);
        println!(
            "  imported {} from {}{}",
            rec.imported_at,
            rec.source.as_deref().unwrap_or("?"),
            if rec.forced {
                " (forced: NOT VERIFIED)"
            } else {
                ""
            }
        );
        println!("  last checked {}", rec.verification.checked_at);
        println!("--- original ---\n{}", String::from_utf8_lossy(&original));
    }
    Ok(ExitCode::SUCCESS)
}

/// `mcx remove ID`.
pub fn remove(dir: Option<&Path>, id: &str) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let rec = wallet.remove(id)?;
    println!(
        "removed {} ({})",
        rec.id,
        rec.verification
            .credential
            .title
            .as_deref()
            .unwrap_or("untitled")
    );
    Ok(ExitCode::SUCCESS)
}

/// `mcx backup FILE`.
pub fn backup(dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    // A backup reads the wallet and writes elsewhere: it works from a read-only wallet too.
    let wallet = open_to_read(dir)?;
    let pass = match std::env::var("MCX_BACKUP_PASSPHRASE") {
        Ok(p) => p,
        Err(_) => passphrase("Backup passphrase: ")?,
    };
    let n = wallet.backup(file, &pass, KdfCost::default())?;
    println!(
        "backed up {n} credentials, keys, settings and caches to {}",
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `mcx restore FILE [--merge]`.
pub fn restore(dir: Option<&Path>, file: &Path, merge: bool) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let pass = match std::env::var("MCX_BACKUP_PASSPHRASE") {
        Ok(p) => p,
        Err(_) => passphrase("Backup passphrase: ")?,
    };
    let r = wallet.restore(file, &pass, merge, Utc::now())?;
    println!(
        "restored {} credentials ({} already present) and {} cached items",
        r.restored, r.already_present, r.caches
    );
    Ok(ExitCode::SUCCESS)
}

/// `mcx lock`: encrypt with a new passphrase.
pub fn lock(dir: Option<&Path>) -> Result<ExitCode> {
    let path = store::resolve_dir(dir)?;
    if store::is_encrypted(&path) {
        bail!("the wallet is already locked with a passphrase; use `mcx passwd` to change it");
    }
    let mut wallet = Wallet::open(&path).map_err(|e| refuse_unwritable(&path, e))?;
    let pass = new_passphrase("MCX_PASSPHRASE")?;
    wallet.set_passphrase(&pass, KdfCost::default())?;
    println!("the wallet is now encrypted; every command will ask for the passphrase (or read MCX_PASSPHRASE)");
    Ok(ExitCode::SUCCESS)
}

/// `mcx unlock`: remove the passphrase.
pub fn unlock(dir: Option<&Path>) -> Result<ExitCode> {
    let mut wallet = open(dir)?;
    wallet.remove_passphrase()?;
    println!("the wallet is no longer encrypted");
    Ok(ExitCode::SUCCESS)
}

/// `mcx passwd`: change the passphrase.
pub fn passwd(dir: Option<&Path>) -> Result<ExitCode> {
    let mut wallet = open(dir)?;
    if !wallet.is_encrypted() {
        bail!("the wallet has no passphrase; use `mcx lock` to set one");
    }
    let pass = new_passphrase("MCX_NEW_PASSPHRASE")?;
    wallet.set_passphrase(&pass, KdfCost::default())?;
    println!("passphrase changed");
    Ok(ExitCode::SUCCESS)
}

fn read(file: &Path) -> Result<Vec<u8>> {
    std::fs::read(file).with_context(|| format!("reading {}", file.display()))
}

/// `mcx registry import FILE`.
pub fn registry_import(dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let r = wallet.import_registry(&read(file)?)?;
    println!(
        "trust registry \"{}\" signed by {}: {} member institutions",
        r.name,
        r.issuer,
        r.members.len()
    );
    println!("run `mcx reverify` to re-check your credentials against it");
    Ok(ExitCode::SUCCESS)
}

/// `mcx catalogue import FILE`.
pub fn catalogue_import(dir: Option<&Path>, file: &Path) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let c = wallet.import_catalogue(&read(file)?)?;
    println!(
        "catalogue \"{}\": {} offered micro-credentials; `mcx stack Q` now suggests what would complete Q",
        c.title.as_deref().unwrap_or("untitled"),
        c.items.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `mcx registry show`.
pub fn registry_show(dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let wallet = open_to_read(dir)?;
    match wallet.registry()? {
        None => println!("no trust registry imported; use `mcx registry import FILE`"),
        Some(r) if json => println!("{}", serde_json::to_string_pretty(&r)?),
        Some(r) => {
            println!("{} (signed by {})", r.name, r.issuer);
            match &r.verifier_page {
                Some(page) => println!("verifier page: {page} (share links and QR codes open it by default)"),
                None => println!("verifier page: none named (share links use --base, the app's Settings, or the page installed beside mcx)"),
            }
            for m in r.members {
                println!(
                    "  {}  {}  {}",
                    m.country.as_deref().unwrap_or("--"),
                    m.name,
                    m.id
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `mcx status import FILE... [--url URL]` (files or folders).
pub fn status_import(dir: Option<&Path>, files: &[PathBuf], url: Option<&str>) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let mut paths = Vec::new();
    for f in files {
        if f.is_dir() {
            for e in std::fs::read_dir(f)? {
                paths.push(e?.path());
            }
        } else {
            paths.push(f.clone());
        }
    }
    paths.sort();
    let mut failed = false;
    for p in paths {
        match wallet.import_status_list(&read(&p)?, url) {
            Ok(key) => println!("cached status list {key} from {}", p.display()),
            Err(e) => {
                failed = true;
                println!("rejected {}: {e}", p.display());
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `mcx trust import FILE... [--url URL]`: exit 1 when any file was refused.
pub fn trust_import(dir: Option<&Path>, files: &[PathBuf], url: Option<&str>) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let url = url.filter(|u| !u.trim().is_empty());
    let mut failed = false;
    for f in files {
        match wallet.import_trust_document(&read(f)?, url) {
            Ok(what) => println!("{}: {what}", f.display()),
            Err(e) => {
                failed = true;
                println!("{}: not imported: {e}", f.display());
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `mcx did import FILE [--url URL]`.
pub fn did_import(dir: Option<&Path>, file: &Path, url: Option<&str>) -> Result<ExitCode> {
    let wallet = open(dir)?;
    match url {
        Some(u) => {
            let at = wallet.import_document_at(&read(file)?, u)?;
            println!("cached the document published at {at}");
        }
        None => {
            let bytes = read(file)?;
            let id = wallet.import_did_document(&bytes)?;
            println!("cached the DID document of {id}");
            if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                print_did_keys(&doc);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per verification method of a DID document: its id, key type and the
/// relationships it may be used for, so an institution sees what the wallet will accept.
fn print_did_keys(doc: &serde_json::Value) {
    let methods = microcredx::did::methods(doc);
    if methods.is_empty() {
        println!("  it lists no keys: nothing it signs can be checked with it");
    }
    for m in methods {
        let key = match m.key() {
            Ok(k) => k.describe().to_string(),
            Err(e) => format!("unusable ({e})"),
        };
        let uses = if m.relationships.is_empty() {
            "no verification relationship, so for nothing".to_string()
        } else {
            m.relationships.join(", ")
        };
        println!("  key {}: {key}, for {uses}", m.id);
    }
}

/// `mcx reverify`.
pub fn reverify(dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let wallet = open(dir)?;
    let recs = wallet.reverify(Utc::now())?;
    if json {
        let rows: Vec<_> = recs.iter().map(|r| r.summary()).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in &recs {
            println!(
                "{:<12}  {:?}  {}",
                &r.id[..12.min(r.id.len())],
                r.verification.verdict,
                r.verification
                    .credential
                    .title
                    .as_deref()
                    .unwrap_or("(untitled)")
            );
        }
        println!("re-checked {} credentials", recs.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// `mcx repair`: rebuild the index from the stored originals, without needing the old index
/// (which may be what is damaged).
pub fn repair(dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let dir = store::resolve_dir(dir)?;
    let pass = wallet_passphrase(&dir)?;
    let (_wallet, r) = Wallet::repair_dir(&dir, pass.as_deref(), Utc::now())
        .map_err(|e| refuse_unwritable(&dir, e))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "rebuilt the index from the stored originals: {} credential{} brought back",
            r.restored,
            if r.restored == 1 { "" } else { "s" }
        );
        match r.old_index {
            OldIndex::Missing => println!("there was no old index to keep anything from"),
            OldIndex::Unreadable => println!(
                "the old index could not be opened ({})",
                r.old_index_problem.as_deref().unwrap_or("damaged")
            ),
            OldIndex::Read => println!(
                "kept from the old index: {}{} cached item{} of trust data",
                if r.new_holder_key {
                    ""
                } else {
                    "the holder key and "
                },
                r.kept_cached_items,
                if r.kept_cached_items == 1 { "" } else { "s" }
            ),
        }
        for l in &r.lost {
            println!("lost: {l}");
        }
        if let Some(p) = &r.set_aside {
            println!("the old index is kept at {p}; delete it once you no longer need it");
        }
        if r.removed_temporaries > 0 {
            println!(
                "removed {} interrupted temporary files",
                r.removed_temporaries
            );
        }
        for u in &r.unreadable {
            println!("could not read {u} (the file is kept)");
        }
    }
    Ok(if r.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
