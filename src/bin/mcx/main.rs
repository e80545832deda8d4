//! `mcx`: the MicroCredX Wallet command line. A thin layer over the `microcredx` library:
//! it parses arguments, calls library functions and prints their results.

mod export_cmd;
mod issuer_cmd;
mod present_cmd;
mod receive_cmd;
mod stack_cmd;
mod verify_cmd;
mod wallet_cmd;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
use microcredx::store::SortKey;
use microcredx::verify::conformance;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mcx",
    version,
    about = "MicroCredX Wallet: keep, verify, stack and share micro-credentials, offline",
    long_about = None
)]
struct Cli {
    /// The wallet directory (default: the OS data directory; also MCX_WALLET).
    #[arg(long, global = true, env = "MCX_WALLET", value_name = "DIR")]
    wallet: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show where the wallet lives and what it holds.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Verify credentials offline and explain every step.
    ///
    /// Exit status: 0 all valid, 1 any invalid, 2 any unverifiable (and none invalid),
    /// 3 a file unreadable or not a credential, 4 any genuine but expired, not yet valid,
    /// revoked or suspended (and none of 1-3).
    Verify(verify_cmd::VerifyArgs),
    /// Import credentials: files, folders (recursively), baked badge images, or `-` for pasted text.
    Import {
        /// Keep credentials that do not verify (they stay marked "not verified").
        #[arg(long)]
        force: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Receive credentials from an issuer by OpenID4VCI 1.0: an offer link
    /// (openid-credential-offer://…), its JSON, or a PNG picture of its QR code. Contacts the issuer (only when you run
    /// this); every credential is verified before it is kept, and what it needs to verify
    /// offline later (issuer keys, status lists) is cached.
    Receive {
        /// The offer: a link, its JSON, a file (a PNG of its QR code, or text), or `-` for
        /// standard input.
        offer: String,
        /// The transaction code the issuer sent you separately, if the offer asks for one
        /// (asked on the terminal otherwise).
        #[arg(long)]
        tx_code: Option<String>,
        /// Print each HTTP request.
        #[arg(long, short)]
        verbose: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Answer a verifier's request by OpenID4VP 1.0 (an openid4vp:// link with a DCQL
    /// query): shows who asks (checked when the request is signed with the verifier's DID key)
    /// and exactly which credentials and claims would go, and sends them only with your
    /// consent. SD-JWT VC disclose only the claims asked for.
    Present {
        /// The request: a link, a file (a PNG of its QR code, or text), or `-` for standard
        /// input.
        request: String,
        /// Which credential answers a query: QUERY=ID[,ID…] (wallet id prefixes); the
        /// first match otherwise. May be repeated.
        #[arg(long, value_name = "QUERY=ID")]
        select: Vec<String>,
        /// Withhold an optional detail: its path (`grade`, `learner.given_name`) or the
        /// verifier's id for it. Only what the verifier's query lets you leave out can be
        /// withheld. May be repeated.
        #[arg(long, value_name = "CLAIM")]
        withhold: Vec<String>,
        /// Send without asking.
        #[arg(long, conflicts_with = "decline")]
        yes: bool,
        /// Tell the verifier no (access_denied), sending nothing.
        #[arg(long)]
        decline: bool,
        /// Print each HTTP request.
        #[arg(long, short)]
        verbose: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the credentials in the wallet.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Only credentials whose issuer name or id contains this text.
        #[arg(long)]
        issuer: Option<String>,
        /// Only credentials in this state, as the list prints it.
        #[arg(long, value_enum)]
        status: Option<wallet_cmd::Status>,
        /// Sort order.
        #[arg(long, value_enum, default_value_t = SortArg::Date)]
        sort: SortArg,
    },
    /// Show one credential: its view, verification steps and the signed original.
    Show {
        /// The wallet id (or a unique prefix of it, 4 characters or more, or the credential's own id).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a credential from the wallet.
    Remove {
        /// The wallet id (or a unique prefix of it, 4 characters or more, or the credential's own id).
        id: String,
    },
    /// Write an encrypted backup of everything (passphrase: MCX_BACKUP_PASSPHRASE or a prompt).
    Backup {
        /// The backup file.
        file: PathBuf,
    },
    /// Restore a backup into an empty wallet, or merge it into this one.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Add the backup's credentials to a wallet that is not empty.
        #[arg(long)]
        merge: bool,
    },
    /// Encrypt the wallet with a passphrase (MCX_PASSPHRASE or a prompt).
    Lock,
    /// Remove the wallet's passphrase (store it unencrypted).
    Unlock,
    /// Change the wallet's passphrase (new one: MCX_NEW_PASSPHRASE or a prompt).
    Passwd,
    /// The trust registry of the recognition network.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// The network's signed catalogue of offered micro-credentials (for `mcx stack` suggestions).
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Cached status lists (revocation).
    #[command(subcommand)]
    Status(StatusCommand),
    /// Cached DID documents (did:web issuers), for offline checks.
    #[command(subcommand)]
    Did(DidCommand),
    /// Any trust document the wallet understands, recognised by its content.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// The bundled demo network: load it into the wallet to try everything.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// List the qualifications in the wallet.
    Qualifications {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Qualification rules published by awarding institutions.
    #[command(subcommand)]
    Qualification(QualificationCommand),
    /// Count the wallet's credentials toward a qualification, optimally, and explain it.
    ///
    /// Exit status 0 when the qualification is complete, 1 when not yet.
    Stack {
        /// The qualification's id (or a part of its title).
        qualification: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// A catalogue of offered micro-credentials: suggest the smallest set that completes it
        /// (default: the catalogue imported into the wallet, e.g. the demo network's).
        #[arg(long, value_name = "FILE")]
        catalogue: Option<PathBuf>,
        /// Hypothetical credentials (files) counted as if held and verified.
        #[arg(long = "what-if", value_name = "FILE", num_args = 1..)]
        what_if: Vec<PathBuf>,
        /// Offers of the catalogue (by id) counted as if held and verified: "what if I take these?".
        #[arg(long, value_name = "OFFER_ID", num_args = 1..)]
        plan: Vec<String>,
    },
    /// Re-check every credential (after a registry or status update).
    Reverify {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the wallet index from the stored originals.
    Repair {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The institution's side: keys, bulk issuing, signed rules, registry, catalogue, revocation.
    #[command(subcommand)]
    Issuer(issuer_cmd::IssuerCommand),
    /// Share verified credentials: a signed presentation, a PDF portfolio.
    #[command(subcommand)]
    Export(export_cmd::ExportCommand),
    /// Manage signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign a credential with a key file (for institutions and tests).
    Issue {
        /// The key file (from `mcx key new`).
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
        /// The cryptosuite.
        #[arg(long, value_enum, default_value_t = SuiteArg::Rdfc)]
        suite: SuiteArg,
        /// Write the signed credential here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Where the credential names no issuer (or an issuer object without an id), make the
        /// key's DID its issuer. Without this flag such a credential is refused.
        #[arg(long)]
        issuer_from_key: bool,
        /// The unsigned credential (JSON).
        unsigned: PathBuf,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// Import a signed catalogue file (as `mcx issuer catalogue` makes).
    Import {
        /// The catalogue file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum RegistryCommand {
    /// Import a signed registry file.
    Import {
        /// The registry file.
        file: PathBuf,
    },
    /// Show the imported registry.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Load the demo network's DID documents, registry, status lists, qualifications and the
    /// demo learner's credentials into the wallet.
    Load,
}

#[derive(Subcommand)]
enum QualificationCommand {
    /// Import a qualification's rules (signed by the awarding institution).
    Import {
        /// The rules file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum StatusCommand {
    /// Cache status list credentials (files or folders).
    Import {
        /// The URL credentials use for this list, if not its `id`.
        #[arg(long)]
        url: Option<String>,
        /// Files or folders.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Import trust documents: DID documents, JWT VC Issuer Metadata, key sets (JWKS), SD-JWT
    /// VC type metadata, status list tokens and credentials, the registry, the catalogue and
    /// qualification rules. Says what it recognised in each file.
    Import {
        /// The address the document is published at, where it does not say so itself (a key
        /// set's jwks_uri, a status list's URL).
        #[arg(long)]
        url: Option<String>,
        /// Files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DidCommand {
    /// Cache a DID document, or any key or issuer document under the address it is
    /// published at (`--url`, e.g. an Open Badges 2.0 key, badge class or hosted assertion).
    Import {
        /// The DID document (JSON).
        file: PathBuf,
        /// Cache it under this address instead of its own `id`.
        #[arg(long)]
        url: Option<String>,
    },
}

/// Sort orders for `mcx list`.
#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    /// Newest first.
    Date,
    /// By issuer.
    Issuer,
    /// Most ECTS first.
    Ects,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Make a new Ed25519 key and print its did:key.
    New {
        /// Where to write the key file (it holds the private key: keep it safe).
        #[arg(long, short, value_name = "FILE", default_value = "mcx-key.json")]
        out: PathBuf,
    },
}

/// Signature suites `mcx issue` offers.
#[derive(Clone, Copy, ValueEnum)]
enum SuiteArg {
    /// eddsa-rdfc-2022 (RDF Dataset Canonicalization; the Open Badges 3.0 conformance suite).
    Rdfc,
    /// eddsa-jcs-2022 (JSON Canonicalization Scheme).
    Jcs,
}

fn main() -> ExitCode {
    // `mcx list | head` ends quietly when the reader goes away, like other command-line tools,
    // instead of panicking on the next write to the closed pipe.
    sigpipe::reset();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mcx: {}", message(&e));
            ExitCode::from(3)
        }
    }
}

/// The error and its causes on one line, like anyhow's `{:#}`, but a cause whose words the
/// message already holds is not repeated: the library's I/O error names the operating
/// system's error in its own message and also gives it as its source, which `{:#}` printed
/// twice ("No space left on device (os error 28): No space left on device (os error 28)").
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Info { json } => {
            let wallet = wallet_cmd::open_to_read(cli.wallet.as_deref())?;
            let summary = wallet.summary()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!("wallet:      {}", summary.path);
                println!("credentials: {}", summary.credentials);
                // The keys a learner gives an issuer, so credentials are bound to this wallet.
                if let Ok(k) = wallet.holder_keys() {
                    if let Some(d) = k.ed25519_did {
                        println!("holder key (W3C presentations): {d}");
                    }
                    if let Some(d) = k.p256_did {
                        println!("holder key (SD-JWT VC, P-256):  {d}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(args) => verify_cmd::run(&args, cli.wallet.as_deref()),
        Command::Receive {
            offer,
            tx_code,
            verbose,
            json,
        } => {
            let offer = link_argument(&offer, "credential_offer")?;
            receive_cmd::receive(
                cli.wallet.as_deref(),
                &offer,
                tx_code.as_deref(),
                json,
                verbose,
            )
        }
        Command::Present {
            request,
            select,
            withhold,
            yes,
            decline,
            verbose,
            json,
        } => present_cmd::present(
            cli.wallet.as_deref(),
            &link_argument(&request, "client_id")?,
            &present_cmd::Options {
                select,
                withhold,
                yes,
                decline,
                json,
                verbose,
            },
        ),
        Command::Import { force, json, paths } => {
            wallet_cmd::import(cli.wallet.as_deref(), &paths, force, json)
        }
        Command::List {
            json,
            issuer,
            status,
            sort,
        } => wallet_cmd::list(
            cli.wallet.as_deref(),
            json,
            issuer.as_deref(),
            status,
            match sort {
                SortArg::Date => SortKey::Date,
                SortArg::Issuer => SortKey::Issuer,
                SortArg::Ects => SortKey::Ects,
            },
        ),
        Command::Show { id, json } => wallet_cmd::show(cli.wallet.as_deref(), &id, json),
        Command::Remove { id } => wallet_cmd::remove(cli.wallet.as_deref(), &id),
        Command::Backup { file } => wallet_cmd::backup(cli.wallet.as_deref(), &file),
        Command::Restore { file, merge } => {
            wallet_cmd::restore(cli.wallet.as_deref(), &file, merge)
        }
        Command::Lock => wallet_cmd::lock(cli.wallet.as_deref()),
        Command::Unlock => wallet_cmd::unlock(cli.wallet.as_deref()),
        Command::Passwd => wallet_cmd::passwd(cli.wallet.as_deref()),
        Command::Catalogue(CatalogueCommand::Import { file }) => {
            wallet_cmd::catalogue_import(cli.wallet.as_deref(), &file)
        }
        Command::Registry(RegistryCommand::Import { file }) => {
            wallet_cmd::registry_import(cli.wallet.as_deref(), &file)
        }
        Command::Registry(RegistryCommand::Show { json }) => {
            wallet_cmd::registry_show(cli.wallet.as_deref(), json)
        }
        Command::Status(StatusCommand::Import { url, files }) => {
            wallet_cmd::status_import(cli.wallet.as_deref(), &files, url.as_deref())
        }
        Command::Trust(TrustCommand::Import { url, files }) => {
            wallet_cmd::trust_import(cli.wallet.as_deref(), &files, url.as_deref())
        }
        Command::Did(DidCommand::Import { file, url }) => {
            wallet_cmd::did_import(cli.wallet.as_deref(), &file, url.as_deref())
        }
        Command::Demo(DemoCommand::Load) => {
            let wallet = wallet_cmd::open(cli.wallet.as_deref())?;
            let r = wallet.load_demo(chrono::Utc::now())?;
            println!(
                "loaded the demo network: {} credentials, {} qualifications, {} status lists, {} DID documents{}",
                r.credentials,
                r.qualifications,
                r.status_lists,
                r.dids,
                if r.registry { ", the trust registry" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Qualifications { json } => stack_cmd::list(cli.wallet.as_deref(), json),
        Command::Qualification(QualificationCommand::Import { file }) => {
            stack_cmd::import(cli.wallet.as_deref(), &file)
        }
        Command::Stack {
            qualification,
            json,
            catalogue,
            what_if,
            plan,
        } => stack_cmd::run(
            cli.wallet.as_deref(),
            &qualification,
            json,
            catalogue.as_deref(),
            &what_if,
            &plan,
        ),
        Command::Reverify { json } => wallet_cmd::reverify(cli.wallet.as_deref(), json),
        Command::Repair { json } => wallet_cmd::repair(cli.wallet.as_deref(), json),
        Command::Issuer(cmd) => issuer_cmd::run(cmd, cli.wallet.as_deref()),
        Command::Export(cmd) => export_cmd::run(cmd, cli.wallet.as_deref()),
        Command::Key(KeyCommand::New { out }) => {
            let pair = KeyPair::generate();
            let text = serde_json::to_string_pretty(&pair.to_file())?;
            write_private(&out, text.as_bytes())?;
            println!("{}", pair.did());
            eprintln!("wrote the key to {} (keep it private)", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Issue {
            key,
            suite,
            out,
            issuer_from_key,
            unsigned,
        } => {
            let pair = KeyPair::from_json(
                &std::fs::read(&key).with_context(|| format!("reading {}", key.display()))?,
            )?;
            let bytes = std::fs::read(&unsigned)
                .with_context(|| format!("reading {}", unsigned.display()))?;
            let mut doc: serde_json::Value = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not JSON", unsigned.display()))?;
            if issuer_from_key {
                fill_issuer(&mut doc, &pair.did());
            }
            check_issuer(&doc, &pair.did())?;
            conformance::add_data_integrity_context(&mut doc);
            let opts = di::SignOptions {
                suite: match suite {
                    SuiteArg::Rdfc => di::Suite::EddsaRdfc2022,
                    SuiteArg::Jcs => di::Suite::EddsaJcs2022,
                },
                purpose: "assertionMethod".into(),
                created: chrono::Utc::now(),
                challenge: None,
                domain: None,
                expires: None,
            };
            let signed = di::sign(&doc, &pair, &opts, &ContextLoader::bundled())?;
            let text = serde_json::to_string_pretty(&signed)?;
            match out {
                Some(path) => std::fs::write(&path, text + "\n")
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Refuse a document that is not a conforming verifiable credential (the rules the verifier
/// applies too: `verify::conformance`), and one whose issuer is not the key's DID: a
/// credential must be signed by its issuer, and a missing issuer is never filled in.
fn check_issuer(doc: &serde_json::Value, did: &str) -> Result<()> {
    if !doc.is_object() {
        bail!("the unsigned credential must be a JSON object");
    }
    if let Err(e) = conformance::refuse_nonconforming_credential(doc) {
        if conformance::issuer_id(doc).is_none() {
            bail!("{e}; to sign it as this key's DID, set \"issuer\": \"{did}\" or pass --issuer-from-key");
        }
        return Err(e.into());
    }
    match conformance::issuer_id(doc) {
        Some(id) if id == did => Ok(()),
        Some(id) => bail!("the credential's issuer is {id}, but the key belongs to {did}; a credential must be signed by its issuer"),
        None => bail!("the credential names no issuer; set \"issuer\": \"{did}\" or pass --issuer-from-key"),
    }
}

/// `--issuer-from-key`: the key's DID becomes the issuer where the credential names none (no
/// `issuer`, or an issuer object without an `id`); an issuer that is named is never changed.
fn fill_issuer(doc: &mut serde_json::Value, did: &str) {
    let Some(obj) = doc.as_object_mut() else {
        return;
    };
    match obj.get_mut("issuer") {
        None | Some(serde_json::Value::Null) => {
            obj.insert("issuer".into(), did.into());
        }
        Some(serde_json::Value::Object(issuer))
            if matches!(issuer.get("id"), None | Some(serde_json::Value::Null)) =>
        {
            issuer.insert("id".into(), did.into());
        }
        Some(_) => {}
    }
}

/// Write a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// The link an exchange command was given: the text itself, `-` for standard input, or a
/// file: a PNG picture of a QR code (the first code whose text has `marker`), or text.
fn link_argument(arg: &str, marker: &str) -> anyhow::Result<String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        return Ok(text.trim().to_owned());
    }
    let path = std::path::Path::new(arg);
    if arg.contains("://") || arg.starts_with('{') || !path.is_file() {
        return Ok(arg.to_owned());
    }
    let bytes = std::fs::read(path)?;
    if bytes.len() > 64 * 1024 * 1024 {
        anyhow::bail!("{arg} is larger than a picture of a QR code or a link can be");
    }
    if bytes.starts_with(b"\x89PNG") {
        let texts = microcredx::portfolio::qr_decode_png(&bytes)?;
        return texts
            .iter()
            .find(|t| t.contains(marker))
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the QR code in {arg} holds {}, not a link for this",
                    texts
                        .first()
                        .map(|t| t.chars().take(80).collect::<String>())
                        .unwrap_or_default()
                )
            });
    }
    Ok(String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{arg} is neither a PNG picture of a QR code nor text"))?
        .trim()
        .to_owned())
}
