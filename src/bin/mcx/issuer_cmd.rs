//! `mcx issuer ...`: the institution's side. Keys (`init`), bulk issuing of Open Badges 3.0
//! micro-credentials (`issue`), signed qualification rules, registry and catalogue, and
//! status lists for revocation and suspension. A thin layer over `microcredx::issuer`.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use microcredx::issuer::{self, keystore, status::StatusList, BatchOptions, Issuer};
use microcredx::proof::di::Suite;
use microcredx::store::crypto::KdfCost;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The issuer folder option shared by every command.
#[derive(Args, Clone)]
pub struct DirArg {
    /// The issuer folder (issuer.json, issuer-key.json, did.json); also MCX_ISSUER_DIR.
    #[arg(long, env = "MCX_ISSUER_DIR", default_value = ".", value_name = "DIR")]
    dir: PathBuf,
}

/// What `mcx issuer issue` writes.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    /// W3C Verifiable Credentials with a Data Integrity proof (Open Badges 3.0), `.json`.
    Ldp,
    /// SD-JWT VC (`dc+sd-jwt`, the EU wallets' format) of the DC4EU micro-credential type, `.sd-jwt`.
    SdJwt,
}

/// Suites for issuing.
#[derive(Clone, Copy, ValueEnum)]
pub enum SuiteArg {
    /// eddsa-rdfc-2022 (the Open Badges 3.0 conformance suite).
    Rdfc,
    /// eddsa-jcs-2022.
    Jcs,
}

/// Status purposes.
#[derive(Clone, Copy, ValueEnum)]
pub enum PurposeArg {
    /// Permanent: a revoked credential stays revoked.
    Revocation,
    /// Temporary: a suspended credential can be reinstated.
    Suspension,
}

/// `mcx issuer ...`.
#[derive(Subcommand)]
pub enum IssuerCommand {
    /// Make the institution's Ed25519 key (sealed with a passphrase: MCX_ISSUER_PASSPHRASE or a
    /// prompt), issuer.json, and with --web-domain a did.json to host at
    /// https://DOMAIN/.well-known/did.json.
    Init {
        #[command(flatten)]
        dir: DirArg,
        /// The institution's name.
        #[arg(long)]
        name: String,
        /// Its country (ISO 3166-1 alpha-2, e.g. DE).
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// Issue as did:web:DOMAIN (key did:web:DOMAIN#key-1) instead of the did:key.
        #[arg(long, value_name = "DOMAIN")]
        web_domain: Option<String>,
    },
    /// Show the issuer's profile (no passphrase needed).
    Show {
        #[command(flatten)]
        dir: DirArg,
    },
    /// Issue one Open Badges 3.0 credential per row of LEARNERS.csv
    /// (columns id, name, email, grade, issued, expires; name required).
    ///
    /// Bad rows are reported with their row number and the others are still issued; exit
    /// status 1 if any row failed.
    Issue {
        #[command(flatten)]
        dir: DirArg,
        /// The achievement (see docs/issuer.md), or a ready OB 3.0 Achievement.
        #[arg(long, value_name = "ACHIEVEMENT.json")]
        achievement: PathBuf,
        /// The learners table.
        #[arg(long, value_name = "LEARNERS.csv")]
        learners: PathBuf,
        /// Where to write the credentials.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The cryptosuite.
        #[arg(long, value_enum, default_value_t = SuiteArg::Rdfc)]
        suite: SuiteArg,
        /// Give each credential an entry in this status list (repeatable).
        #[arg(long = "status-list", value_name = "LIST.json")]
        status_list: Vec<PathBuf>,
        /// Also write a CSV of what was issued: row, file, id, status index.
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
        /// The credential format. With sd-jwt, a learner id that is a key DID (did:jwk, or a
        /// P-256 or Ed25519 did:key) binds the credential to that key, status lists must be
        /// token lists (`status create --token`), and the issuer metadata to publish is written
        /// beside the credentials.
        #[arg(long, value_enum, default_value_t = FormatArg::Ldp)]
        format: FormatArg,
        /// SD-JWT VC type metadata that says which claims the learner may withhold (`sd`);
        /// default: the DC4EU micro-credential type, bundled.
        #[arg(long, value_name = "FILE")]
        type_metadata: Option<PathBuf>,
    },
    /// Validate and sign a qualification rules document.
    SignRules {
        #[command(flatten)]
        dir: DirArg,
        /// The rules (docs/stacking.md).
        rules: PathBuf,
        /// The signed file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Build and sign the network's trust registry from {name, members: [{id, name, country}]}.
    Registry {
        #[command(flatten)]
        dir: DirArg,
        /// The members file.
        members: PathBuf,
        /// The signed registry.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Validate and sign the network's catalogue of micro-credentials.
    Catalogue {
        #[command(flatten)]
        dir: DirArg,
        /// The catalogue (schemas/catalogue.schema.json).
        catalogue: PathBuf,
        /// The signed file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Status lists: create, revoke, suspend, reinstate.
    #[command(subcommand)]
    Status(StatusCommand),
}

/// `mcx issuer status ...`.
#[derive(Subcommand)]
pub enum StatusCommand {
    /// Create a signed, all-clear BitstringStatusListCredential (and LIST.state.json beside it).
    Create {
        #[command(flatten)]
        dir: DirArg,
        /// The list file to write.
        #[arg(long, value_name = "LIST.json")]
        out: PathBuf,
        /// Length in bits.
        #[arg(long, default_value_t = issuer::status::DEFAULT_SIZE)]
        size: u64,
        /// The URL the list will be published at (default: https://DOMAIN/status/NAME for a
        /// did:web issuer, else a fresh urn:uuid).
        #[arg(long)]
        url: Option<String>,
        /// What a set bit means.
        #[arg(long, value_enum, default_value_t = PurposeArg::Revocation)]
        purpose: PurposeArg,
        /// A Token Status List (a signed JWT, for SD-JWT VC credentials; write it as LIST.jwt)
        /// instead of a Bitstring Status List credential.
        #[arg(long)]
        token: bool,
    },
    /// Revoke credentials: set their bits in a revocation list and re-sign it.
    Revoke {
        #[command(flatten)]
        dir: DirArg,
        /// The list.
        list: PathBuf,
        /// Status list indices.
        #[arg(required = true)]
        indices: Vec<u64>,
    },
    /// Suspend credentials: set their bits in a suspension list and re-sign it.
    Suspend {
        #[command(flatten)]
        dir: DirArg,
        /// The list.
        list: PathBuf,
        /// Status list indices.
        #[arg(required = true)]
        indices: Vec<u64>,
    },
    /// Lift suspensions: clear bits in a suspension list and re-sign it.
    Reinstate {
        #[command(flatten)]
        dir: DirArg,
        /// The list.
        list: PathBuf,
        /// Status list indices.
        #[arg(required = true)]
        indices: Vec<u64>,
    },
}

fn passphrase(dir: &Path) -> Result<String> {
    if let Ok(p) = std::env::var("MCX_ISSUER_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "the issuer key needs its passphrase: set MCX_ISSUER_PASSPHRASE or run in a terminal"
        );
    }
    Ok(rpassword::prompt_password(format!(
        "Passphrase of the issuer key in {}: ",
        dir.display()
    ))?)
}

fn new_passphrase() -> Result<String> {
    if let Ok(p) = std::env::var("MCX_ISSUER_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        bail!("a passphrase for the new key is needed: set MCX_ISSUER_PASSPHRASE or run in a terminal");
    }
    let a = rpassword::prompt_password("Passphrase for the new issuer key: ")?;
    let b = rpassword::prompt_password("Repeat it: ")?;
    if a != b {
        bail!("the two passphrases differ; nothing was written");
    }
    Ok(a)
}

/// Argon2id cost for a new key: the wallet's default (64 MiB, 3 passes), or a weak one when
/// `MCX_ISSUER_TEST_KDF=1` (for tests only: it makes the passphrase easy to guess).
fn kdf_cost() -> KdfCost {
    if std::env::var("MCX_ISSUER_TEST_KDF").is_ok_and(|v| v == "1") {
        eprintln!("warning: MCX_ISSUER_TEST_KDF=1: the key is sealed with a weak test-only key derivation");
        KdfCost {
            m_cost: 1024,
            t_cost: 1,
        }
    } else {
        KdfCost::default()
    }
}

fn open(dir: &DirArg) -> Result<Issuer> {
    Ok(issuer::load(&dir.dir, &passphrase(&dir.dir)?)?)
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn write_json(path: &Path, v: &serde_json::Value) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let text = serde_json::to_string_pretty(v)? + "\n";
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Run an issuer command. The wallet option is not used: the issuer folder is `--dir`.
pub fn run(cmd: IssuerCommand, _wallet: Option<&Path>) -> Result<ExitCode> {
    match cmd {
        IssuerCommand::Init {
            dir,
            name,
            country,
            web_domain,
        } => {
            let p = new_passphrase()?;
            let i = issuer::init(
                &dir.dir,
                &name,
                country.as_deref(),
                web_domain.as_deref(),
                &p,
                kdf_cost(),
            )?;
            println!("{}", i.profile.did_key);
            eprintln!("issuer id:  {}", i.id());
            eprintln!(
                "wrote {} (public) and {} (the key, sealed with the passphrase)",
                dir.dir.join(keystore::PROFILE_FILE).display(),
                dir.dir.join(keystore::KEY_FILE).display()
            );
            if let Some(d) = &i.profile.web_domain {
                eprintln!(
                    "wrote {}: host it at https://{d}/.well-known/did.json; wallets verify offline after `mcx did import did.json`",
                    dir.dir.join(keystore::DID_FILE).display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        IssuerCommand::Show { dir } => {
            let p = issuer::load_profile(&dir.dir)?;
            println!("{}", serde_json::to_string_pretty(&p)?);
            Ok(ExitCode::SUCCESS)
        }
        IssuerCommand::Issue {
            dir,
            achievement,
            learners,
            out,
            suite,
            status_list,
            manifest,
            format,
            type_metadata,
        } => match format {
            FormatArg::Ldp => issue(
                &dir,
                &achievement,
                &learners,
                &out,
                suite,
                &status_list,
                manifest.as_deref(),
            ),
            FormatArg::SdJwt => issue_sd_jwt(
                &dir,
                &achievement,
                &learners,
                &out,
                &status_list,
                type_metadata.as_deref(),
            ),
        },
        IssuerCommand::SignRules { dir, rules, out } => {
            let i = open(&dir)?;
            let (doc, warnings) = issuer::documents::sign_rules(&i, &read_text(&rules)?)?;
            for w in warnings {
                eprintln!("warning: {w}");
            }
            write_json(&out, &doc)?;
            eprintln!(
                "signed the rules as {} → {}",
                i.profile.did_key,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        IssuerCommand::Registry { dir, members, out } => {
            let i = open(&dir)?;
            let doc = issuer::documents::sign_registry(&i, &read_text(&members)?)?;
            write_json(&out, &doc)?;
            let n = doc["members"].as_array().map_or(0, Vec::len);
            eprintln!("signed the registry ({n} members) → {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        IssuerCommand::Catalogue {
            dir,
            catalogue,
            out,
        } => {
            let i = open(&dir)?;
            let doc = issuer::documents::sign_catalogue(&i, &read_text(&catalogue)?)?;
            write_json(&out, &doc)?;
            let n = doc["items"].as_array().map_or(0, Vec::len);
            eprintln!("signed the catalogue ({n} offers) → {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        IssuerCommand::Status(cmd) => status(cmd),
    }
}

#[allow(clippy::too_many_arguments)]
fn issue(
    dir: &DirArg,
    achievement: &Path,
    learners: &Path,
    out: &Path,
    suite: SuiteArg,
    lists: &[PathBuf],
    manifest: Option<&Path>,
) -> Result<ExitCode> {
    let template = issuer::parse_achievement(&read_text(achievement)?)
        .with_context(|| format!("in {}", achievement.display()))?;
    let (rows, mut bad) = issuer::parse_learners(&read_text(learners)?)
        .with_context(|| format!("in {}", learners.display()))?;
    let i = open(dir)?;
    let mut status = open_lists(&i, lists)?;
    let opts = BatchOptions {
        suite: match suite {
            SuiteArg::Rdfc => Suite::EddsaRdfc2022,
            SuiteArg::Jcs => Suite::EddsaJcs2022,
        },
        created: issuer::now(),
    };
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(rows.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} credentials ({per_sec}, {eta} left)")
        {
            b.set_style(style);
        }
        b
    } else {
        ProgressBar::hidden()
    };
    let results = issuer::issue_batch(&i, &template, &rows, &opts, &mut status, &mut |n| {
        bar.set_position(n as u64)
    });
    bar.finish_and_clear();
    let mut good = Vec::new();
    for r in results {
        match r {
            Ok(x) => good.push(x),
            Err(e) => bad.push(e),
        }
    }
    for (l, path) in status.iter().zip(lists) {
        l.save_state(path)?;
    }
    issuer::write_issued(out, &good)?;
    if let Some(m) = manifest {
        let mut text = String::from("row,file,id,statusList,statusListIndex\n");
        for g in &good {
            let (url, index) = g
                .status
                .first()
                .map(|(u, i)| (u.clone(), i.to_string()))
                .unwrap_or_default();
            text.push_str(&format!(
                "{},{},{},{url},{index}\n",
                g.row, g.file_name, g.id
            ));
        }
        std::fs::write(m, text).with_context(|| format!("writing {}", m.display()))?;
    }
    bad.sort_by_key(|e| e.row);
    for e in &bad {
        eprintln!("error: {}: {e}", learners.display());
    }
    println!(
        "issued {} credential{} for \"{}\" to {} as {} ({}); {} row{} failed",
        good.len(),
        if good.len() == 1 { "" } else { "s" },
        template.name,
        out.display(),
        i.id(),
        opts.suite.name(),
        bad.len(),
        if bad.len() == 1 { "" } else { "s" },
    );
    status_rows(
        good.iter()
            .map(|g| (g.row, g.file_name.as_str(), g.status.as_slice())),
    );
    Ok(batch_exit(&bad))
}

/// `mcx issuer issue --format sd-jwt`.
fn issue_sd_jwt(
    dir: &DirArg,
    achievement: &Path,
    learners: &Path,
    out: &Path,
    lists: &[PathBuf],
    type_metadata: Option<&Path>,
) -> Result<ExitCode> {
    let template = issuer::parse_achievement(&read_text(achievement)?)
        .with_context(|| format!("in {}", achievement.display()))?;
    let (rows, mut bad) = issuer::parse_learners(&read_text(learners)?)
        .with_context(|| format!("in {}", learners.display()))?;
    let i = open(dir)?;
    let metadata = match type_metadata {
        Some(p) => read_text(p)?,
        None => issuer::sdjwt::bundled_type_metadata().to_string(),
    };
    let mut status = open_lists(&i, lists)?;
    let results = issuer::sdjwt::issue_batch(
        &i,
        &template,
        &rows,
        issuer::now(),
        &metadata,
        &mut status,
        &mut |_| {},
    );
    let mut good = Vec::new();
    for r in results {
        match r {
            Ok(x) => good.push(x),
            Err(e) => bad.push(e),
        }
    }
    for (l, path) in status.iter().zip(lists) {
        l.save_state(path)?;
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for g in &good {
        let path = out.join(&g.file_name);
        std::fs::write(&path, format!("{}\n", g.sd_jwt))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let (iss, _) = issuer::sdjwt::iss_and_kid(&i);
    if let Some(meta) = issuer::sdjwt::jwt_vc_issuer_metadata(&i) {
        let path = out.join("jwt-vc-issuer.json");
        write_json(&path, &meta)?;
        eprintln!(
            "publish {} at {}",
            path.display(),
            microcredx::verify::sdjwt::jwt_vc_issuer_url(&iss).unwrap_or_default()
        );
    }
    bad.sort_by_key(|e| e.row);
    for e in &bad {
        eprintln!("error: {}: {e}", learners.display());
    }
    println!(
        "issued {} SD-JWT VC credential{} for \"{}\" to {} as {iss}; {} row{} failed",
        good.len(),
        if good.len() == 1 { "" } else { "s" },
        template.name,
        out.display(),
        bad.len(),
        if bad.len() == 1 { "" } else { "s" },
    );
    status_rows(
        good.iter()
            .map(|g| (g.row, g.file_name.as_str(), g.status.as_slice())),
    );
    Ok(batch_exit(&bad))
}

/// One line per status entry given: row, file, list and index. The lines go to a pipe that
/// may be closed early (`| head`): write errors are ignored.
fn status_rows<'a>(rows: impl Iterator<Item = (usize, &'a str, &'a [(String, u64)])>) {
    let mut stdout = std::io::stdout().lock();
    for (row, file, status) in rows {
        for (url, index) in status {
            let _ = writeln!(stdout, "  row {row}: {file} → status {url} index {index}");
        }
    }
}

/// Exit status of a batch: 1 when any row failed.
fn batch_exit<T>(bad: &[T]) -> ExitCode {
    if bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Open the status lists named on the command line; each must be this issuer's.
fn open_lists(i: &issuer::Issuer, lists: &[PathBuf]) -> Result<Vec<StatusList>> {
    let mut out = Vec::new();
    for l in lists {
        let list = StatusList::open(l)?;
        if list.state.issuer != i.id() {
            bail!(
                "the status list {} belongs to {}, not to this issuer ({})",
                l.display(),
                list.state.issuer,
                i.id()
            );
        }
        out.push(list);
    }
    Ok(out)
}

fn status(cmd: StatusCommand) -> Result<ExitCode> {
    let (dir, list, indices, value, want) = match cmd {
        StatusCommand::Create {
            dir,
            out,
            size,
            url,
            purpose,
            token,
        } => {
            let i = open(&dir)?;
            let url = match url {
                Some(u) => u,
                None => match &i.profile.web_domain {
                    Some(d) => format!(
                        "https://{d}/status/{}",
                        out.file_stem()
                            .map(|s| s.to_string_lossy())
                            .unwrap_or_default()
                    ),
                    None => issuer::new_urn_uuid(),
                },
            };
            let purpose = match purpose {
                PurposeArg::Revocation => "revocation",
                PurposeArg::Suspension => "suspension",
            };
            let mut list = StatusList::new(&url, purpose, size, i.id())?;
            list.state.token = token;
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            list.save(&out, &i)?;
            println!("{url}");
            eprintln!(
                "wrote the {purpose} list ({size} entries) to {} and its state to {}",
                out.display(),
                issuer::status::state_path(&out).display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        StatusCommand::Revoke { dir, list, indices } => (dir, list, indices, true, "revocation"),
        StatusCommand::Suspend { dir, list, indices } => (dir, list, indices, true, "suspension"),
        StatusCommand::Reinstate { dir, list, indices } => {
            (dir, list, indices, false, "suspension")
        }
    };
    let i = open(&dir)?;
    let mut l = StatusList::open(&list)?;
    if l.state.purpose != want {
        bail!(
            "{} is a {} list; this command needs a {want} list",
            list.display(),
            l.state.purpose
        );
    }
    for &ix in &indices {
        if ix >= l.state.next_index {
            eprintln!(
                "warning: index {ix} has not been given to any credential yet (next free: {})",
                l.state.next_index
            );
        }
        l.set(ix, value)?;
    }
    l.save(&list, &i)?;
    let verb = match (value, want) {
        (true, "revocation") => "revoked",
        (true, _) => "suspended",
        _ => "reinstated",
    };
    println!(
        "{verb} {} in {} (re-signed; publish it and have wallets `mcx status import` it)",
        indices
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        list.display()
    );
    Ok(ExitCode::SUCCESS)
}
