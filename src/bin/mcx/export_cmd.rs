//! `mcx export`: share verified credentials as a signed presentation or a PDF portfolio.

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use microcredx::portfolio::{self, PdfOptions, PresentationOptions};
use microcredx::proof::di::Suite;
use microcredx::store::{SortKey, Wallet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Which credentials to export.
#[derive(clap::Args)]
pub struct Selection {
    /// Wallet ids (or unique prefixes of 4 characters or more, or the credentials' own ids), comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID,...",
        conflicts_with = "all"
    )]
    ids: Vec<String>,
    /// Every verified credential in the wallet.
    #[arg(long)]
    all: bool,
    /// Include credentials that are not verified valid (refused otherwise).
    #[arg(long)]
    allow_unverified: bool,
    /// When the presentation's proof expires (RFC 3339 or a date).
    #[arg(long, value_name = "DATE", value_parser = crate::verify_cmd::parse_time)]
    expires: Option<DateTime<Utc>>,
}

/// Signature suites for presentations.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SuiteArg {
    /// eddsa-rdfc-2022.
    Rdfc,
    /// eddsa-jcs-2022.
    Jcs,
}

/// `mcx export ...`.
#[derive(clap::Subcommand)]
pub enum ExportCommand {
    /// Write a W3C Verifiable Presentation signed with the wallet's holder key.
    Vp {
        /// The output file (.json).
        out: PathBuf,
        #[command(flatten)]
        sel: Selection,
        /// A challenge given by the verifier.
        #[arg(long)]
        challenge: Option<String>,
        /// The verifier's domain.
        #[arg(long)]
        domain: Option<String>,
        /// The cryptosuite.
        #[arg(long, value_enum, default_value_t = SuiteArg::Rdfc)]
        suite: SuiteArg,
    },
    /// Present one SD-JWT VC to a verifier, disclosing only the claims chosen, with a
    /// key-binding JWT by the wallet's P-256 key (prints it, or writes it to --out). A
    /// credential with an ecdsa-sd-2023 base proof is derived to show only the claims chosen,
    /// in a presentation signed by the holder key (--aud is its domain, --nonce its challenge).
    #[command(visible_alias = "selective")]
    SdJwt {
        /// The credential (wallet id, a unique prefix of it, or its own id).
        id: String,
        /// The claims to show, as paths (`credentialSubject.name`, `learning_outcomes.1`);
        /// comma-separated or repeated. Claims signed in the clear are always shown.
        #[arg(long, value_delimiter = ',')]
        disclose: Vec<String>,
        /// The verifier's identifier (the KB-JWT's aud); required unless --list or --link (a
        /// link's audience is its verifier page).
        #[arg(long, required_unless_present_any = ["list", "link"], conflicts_with = "link")]
        aud: Option<String>,
        /// The verifier's nonce (default: a fresh random one).
        #[arg(long)]
        nonce: Option<String>,
        /// Write the presentation here instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// List the credential's claims and which of them may be withheld, and stop.
        #[arg(long)]
        list: bool,
        /// Print a share link instead: the verifier page's address with the presentation in
        /// its fragment (the KB-JWT's aud is the page's address).
        #[arg(long, conflicts_with = "list")]
        link: bool,
        /// With --link, the verifier page's address (default: the one the network's registry
        /// names, else the page installed beside mcx).
        #[arg(long, value_name = "URL", env = "MCX_VERIFIER_URL", requires = "link")]
        base: Option<String>,
    },
    /// Write a PDF portfolio with the signed presentation attached.
    Pdf {
        /// The output file (.pdf).
        out: PathBuf,
        #[command(flatten)]
        sel: Selection,
        /// Show progress toward this qualification (id or part of its title) on the cover.
        #[arg(long, value_name = "Q")]
        qualification: Option<String>,
        /// The verifier page the QR codes open (default: the one the network's registry
        /// names; a page that is only a file here gets no QR codes).
        #[arg(long, value_name = "URL", env = "MCX_VERIFIER_URL")]
        base: Option<String>,
        /// For an SD-JWT VC in the portfolio, the claims to show (`--disclose ID=PATH,PATH`;
        /// repeated for several credentials; an empty list shows only what is signed in the
        /// clear). An SD-JWT VC not named shows every claim.
        #[arg(long, value_name = "ID=PATH,...")]
        disclose: Vec<String>,
    },
    /// Write a CLR 2.0 learner record of the credentials, signed with the holder key; with a
    /// qualification, the credentials that count toward it are associated with it.
    Clr {
        /// The output file (.json).
        out: PathBuf,
        #[command(flatten)]
        sel: Selection,
        /// Associate the credentials counted toward this qualification (id or part of its title).
        #[arg(long, value_name = "Q")]
        qualification: Option<String>,
        /// The cryptosuite.
        #[arg(long, value_enum, default_value_t = SuiteArg::Rdfc)]
        suite: SuiteArg,
    },
    /// Print a share link: the verifier page's address with the signed presentation in its
    /// fragment (which never reaches a server).
    Link {
        #[command(flatten)]
        sel: Selection,
        /// The verifier page's address (default: the one the network's registry names, else
        /// the page installed beside mcx, which opens only on this computer).
        #[arg(long, value_name = "URL", env = "MCX_VERIFIER_URL")]
        base: Option<String>,
        /// Also write the link as a QR code (PNG).
        #[arg(long, value_name = "FILE.png")]
        qr: Option<PathBuf>,
        /// The cryptosuite.
        #[arg(long, value_enum, default_value_t = SuiteArg::Jcs)]
        suite: SuiteArg,
    },
    /// Print each credential's own verification link (the credential alone, no holder
    /// proof) and its LinkedIn add-to-profile address.
    Links {
        #[command(flatten)]
        sel: Selection,
        /// The verifier page's address (default: the one the network's registry names, else
        /// the page installed beside mcx, which opens only on this computer).
        #[arg(long, value_name = "URL", env = "MCX_VERIFIER_URL")]
        base: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn suite_of(suite: SuiteArg) -> Suite {
    match suite {
        SuiteArg::Rdfc => Suite::EddsaRdfc2022,
        SuiteArg::Jcs => Suite::EddsaJcs2022,
    }
}

/// The wallet ids selected: `--ids` as given, or with `--all` every verified one.
fn selected(wallet: &Wallet, sel: &Selection) -> Result<Vec<String>> {
    if sel.all {
        let ids: Vec<String> = wallet
            .list(SortKey::Date)?
            .into_iter()
            .filter(|r| sel.allow_unverified || r.is_verified())
            .map(|r| r.id)
            .collect();
        if ids.is_empty() {
            bail!("the wallet holds no verified credential to export");
        }
        return Ok(ids);
    }
    if sel.ids.is_empty() {
        bail!("choose credentials with --ids ID,... or --all");
    }
    Ok(sel.ids.clone())
}

fn write(out: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))
}

/// Run `mcx export`.
pub fn run(cmd: ExportCommand, wallet: Option<&Path>) -> Result<ExitCode> {
    // Exporting reads the wallet and writes elsewhere: a read-only wallet can be shared.
    let wallet = crate::wallet_cmd::open_to_read(wallet)?;
    match cmd {
        ExportCommand::SdJwt {
            id,
            disclose,
            aud,
            nonce,
            out,
            list,
            link,
            base,
        } => {
            let rec = wallet.get(&id)?;
            if list {
                let fixed = if rec.verification.format == microcredx::model::Format::SdJwtVc {
                    "always shown (signed in the clear)"
                } else {
                    "always shown (the issuer requires it, or it names a part shown)"
                };
                for c in wallet.selective_claims(&rec.id)? {
                    let how = if c.can_withhold {
                        "may be withheld"
                    } else {
                        fixed
                    };
                    println!("{:<48} {how:<36} {}", c.path, c.value);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let nonce = nonce.unwrap_or_else(|| {
                use rand_core::RngCore;
                let mut b = [0u8; 16];
                rand_core::OsRng.fill_bytes(&mut b);
                b.iter().map(|x| format!("{x:02x}")).collect()
            });
            if link {
                let page = wallet.verifier_base(base.as_deref())?;
                let text =
                    wallet.selective_link(&rec.id, &disclose, &page, &nonce, chrono::Utc::now())?;
                if let Some(warning) = page.local_only() {
                    eprintln!("warning: {warning}");
                }
                match out {
                    Some(path) => {
                        std::fs::write(&path, format!("{text}\n"))
                            .with_context(|| format!("writing {}", path.display()))?;
                        eprintln!("wrote the share link to {}", path.display());
                    }
                    None => println!("{text}"),
                }
                return Ok(ExitCode::SUCCESS);
            }
            let aud = aud.unwrap_or_default();
            let vp =
                wallet.present_selective(&rec.id, &disclose, &aud, &nonce, chrono::Utc::now())?;
            match out {
                Some(path) => {
                    std::fs::write(&path, format!("{vp}\n"))
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!(
                        "wrote the presentation for {aud} (nonce {nonce}) to {}",
                        path.display()
                    );
                }
                None => println!("{vp}"),
            }
        }
        ExportCommand::Vp {
            out,
            sel,
            challenge,
            domain,
            suite,
        } => {
            let ids = selected(&wallet, &sel)?;
            let opts = PresentationOptions {
                suite: suite_of(suite),
                challenge,
                domain,
                expires: sel.expires,
                allow_unverified: sel.allow_unverified,
                created: None,
            };
            let vp = portfolio::presentation(&wallet, &ids, &opts)?;
            write(&out, (serde_json::to_string_pretty(&vp)? + "\n").as_bytes())?;
            println!(
                "wrote a presentation of {} credential(s) signed by {} to {}",
                ids.len(),
                wallet.holder_key()?.did(),
                out.display()
            );
        }
        ExportCommand::Pdf {
            out,
            sel,
            qualification,
            base,
            disclose,
        } => {
            let ids = selected(&wallet, &sel)?;
            let mut chosen = std::collections::BTreeMap::new();
            for d in &disclose {
                let Some((id, paths)) = d.split_once('=') else {
                    bail!("--disclose takes ID=PATH,PATH (for example 0b01e3a1=ects_credits,title), not {d}");
                };
                let paths: Vec<String> = paths
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
                chosen.insert(wallet.get(id.trim())?.id, paths);
            }
            let opts = PdfOptions {
                disclose: chosen,
                base,
                presentation: PresentationOptions {
                    expires: sel.expires,
                    allow_unverified: sel.allow_unverified,
                    ..PresentationOptions::default()
                },
                qualification,
                now: None,
            };
            let pdf = portfolio::portfolio_pdf(&wallet, &ids, &opts)?;
            write(&out, &pdf)?;
            println!(
                "wrote a portfolio of {} credential(s) ({} KB) to {}",
                ids.len(),
                pdf.len() / 1024,
                out.display()
            );
        }
        ExportCommand::Clr {
            out,
            sel,
            qualification,
            suite,
        } => {
            let ids = selected(&wallet, &sel)?;
            let opts = portfolio::ClrOptions {
                suite: suite_of(suite),
                qualification,
                allow_unverified: sel.allow_unverified,
                created: None,
            };
            let clr = portfolio::clr(&wallet, &ids, &opts)?;
            write(
                &out,
                (serde_json::to_string_pretty(&clr)? + "\n").as_bytes(),
            )?;
            let links = clr["credentialSubject"]["association"]
                .as_array()
                .map_or(0, Vec::len);
            println!(
                "wrote a learner record (CLR 2.0) of {} credential(s){} to {}",
                ids.len(),
                if links > 0 {
                    format!(", {links} associated with the qualification")
                } else {
                    String::new()
                },
                out.display()
            );
        }
        ExportCommand::Link {
            sel,
            base,
            qr,
            suite,
        } => {
            let ids = selected(&wallet, &sel)?;
            let page = wallet.verifier_base(base.as_deref())?;
            let opts = PresentationOptions {
                suite: suite_of(suite),
                expires: sel.expires,
                allow_unverified: sel.allow_unverified,
                ..PresentationOptions::default()
            };
            let vp = portfolio::presentation(&wallet, &ids, &opts)?;
            let link = portfolio::link::encode_link(&page.url, &serde_json::to_vec(&vp)?)?;
            println!("{link}");
            match (&page.source, page.local_only()) {
                (_, Some(warning)) => eprintln!("warning: {warning}"),
                (portfolio::BaseSource::Registry, None) => eprintln!(
                    "the link opens the verifier page of {} at {}",
                    page.network.as_deref().unwrap_or("the network"),
                    page.url
                ),
                _ => {}
            }
            if let Some(file) = qr {
                portfolio::link::check_qr_size(&link)?;
                write(&file, &portfolio::qr_png(&link)?)?;
                eprintln!("wrote the link's QR code to {}", file.display());
            }
        }
        ExportCommand::Links { sel, base, json } => {
            let ids = selected(&wallet, &sel)?;
            let page = wallet.verifier_base(base.as_deref())?;
            if let Some(warning) = page.local_only() {
                eprintln!("warning: {warning}");
            }
            let mut rows = Vec::new();
            let mut failed = false;
            for (id, result) in ids
                .iter()
                .zip(portfolio::credential_links(&wallet, &ids, &page))
            {
                let (link, linkedin, problem) = match result {
                    Ok((link, Ok(linkedin))) => (Some(link), Some(linkedin), None),
                    Ok((link, Err(e))) => (Some(link), None, Some(e.to_string())),
                    Err(e) => {
                        failed = true;
                        (None, None, Some(e.to_string()))
                    }
                };
                if !json {
                    println!("{}", &id[..12.min(id.len())]);
                    if let Some(l) = &link {
                        println!("  verify:   {l}");
                    }
                    if let Some(l) = &linkedin {
                        println!("  LinkedIn: {l}");
                    }
                    if let Some(p) = &problem {
                        println!("  note:     {p}");
                    }
                }
                rows.push(serde_json::json!({"id": id, "link": link, "linkedin": linkedin, "problem": problem}));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            }
            if failed {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
