//! Verification: the ordered steps (format, proof, issuer identity, dates, status, EU
//! elements) and the resulting [`Verdict`]. The clock is injected, so tests and
//! "verify as of" are deterministic; nothing here touches the network.
//!
//! How steps decide the verdict: any `fail` makes the credential **invalid**; otherwise a
//! `skip` in the proof or issuer-identity step makes it **unverifiable** (something that
//! decides validity could not be checked offline); otherwise it is **valid**. A status that
//! could not be checked (no cached list) is shown as its own `skip` step but does not make
//! a credential unverifiable, and an issuer missing from the trust registry is a `warn`.
//! A Blockcerts credential's anchor on a blockchain is always such a `skip` (it cannot be
//! checked offline), while a wrong document hash or Merkle path is a `fail`.
//!
//! A W3C credential or presentation that breaks a structural MUST of the VC Data Model (no
//! `VerifiableCredential` type, a wrong first `@context`, no claims, an untyped status entry,
//! a malformed `validFrom`, ...) fails the format step, one step per problem; the rules are
//! [`conformance`]'s, the same ones the issuer signs by.

mod blockcerts;
pub mod conformance;
mod jades;
pub mod jws;
mod ob2;
pub mod sdjwt;
mod standing;
pub mod status;
#[cfg(test)]
mod tests_sdjwt;
#[cfg(all(test, feature = "wallet"))]
mod tests_status;
pub mod trust;

use crate::did::KeySource;
use crate::formats::{self, Document, Envelope};
use crate::model::{
    Format, Lapse, LapseKind, MicroCredential, Step, StepKind, StepStatus, Verdict,
};
use crate::portfolio::link;
use crate::proof::di::{self, Failure, ProofEnv};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use ts_rs::TS;

pub use status::{StatusCache, StatusOutcome};

/// A member of the recognition network, as the trust registry lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KnownIssuer {
    /// The issuer's DID or URL.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
}

/// Everything verification consults besides the document: all of it local.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Contexts and cached keys.
    pub proof: ProofEnv,
    /// Cached status lists.
    pub status: StatusCache,
    /// The trust registry, by issuer id; `None` when no registry is loaded.
    pub registry: Option<HashMap<String, KnownIssuer>>,
    /// The name of the network whose registry is loaded.
    pub network: Option<String>,
    /// What the party checking a presentation expects its proof to be bound to.
    pub expect: Expect,
}

/// What the party checking a presentation expects of its proof (VC Data Integrity 1.0 §4.4,
/// Verify Proof): a given `challenge` must be the proof's, and a given `domain` must be the
/// proof's `domain` (a set of one string). Only presentations are checked against it; the
/// credentials inside carry their issuers' proofs.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// The challenge (nonce) the verifier gave the holder.
    pub challenge: Option<String>,
    /// The verifier's domain.
    pub domain: Option<String>,
}

/// The result of verifying one document.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The overall verdict.
    pub verdict: Verdict,
    /// The document's format.
    pub format: Format,
    /// The checks, in order.
    pub steps: Vec<Step>,
    /// The normalised view.
    pub credential: MicroCredential,
    /// When the check was made (RFC 3339), or the `--at` time.
    pub checked_at: String,
    /// The credentials inside a CLR or a presentation, each verified on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded: Vec<Verification>,
    /// Who the issuer is, as far as the checks confirm it (every credential that names an
    /// issuer; not a presentation itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issuer_standing: Option<IssuerStanding>,
    /// For a presentation and each credential in it: whether the key that signed the
    /// presentation is the credentials' subject (only when that signature verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub holder_binding: Option<HolderBinding>,
}

/// Whether anything confirms who an issuer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum StandingKind {
    /// The network's signed registry lists the issuer, and the credential's signature and
    /// issuer checks passed.
    Member,
    /// Nothing confirms who the issuer is (genuine signature or not): a name is only what
    /// the credential calls its issuer.
    Unconfirmed,
}

/// Who the issuer is, as far as the checks confirm it. Anyone can make a key and name it
/// after a real university: only the signed registry says who is a member.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuerStanding {
    /// Member of the network, or unconfirmed.
    pub kind: StandingKind,
    /// The issuer's id.
    pub id: String,
    /// The registry's name for a member; otherwise the name the credential gives its issuer.
    pub name: Option<String>,
    /// The registry's country for a member; otherwise the credential's.
    pub country: Option<String>,
    /// The network whose registry was consulted (`None`: no registry is loaded).
    pub network: Option<String>,
    /// One sentence in English (the CLI, the PDF, the verifier page).
    pub text: String,
}

/// Whether the key that signed a presentation is the subject of the credentials in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BindingKind {
    /// The presenter is the credentials' subject (every credential names it).
    Subject,
    /// At least one credential names another subject than the presenter.
    SomeoneElse,
    /// The credentials name no subject id: nothing ties them to the presenter.
    NoSubject,
}

/// The holder binding of a presentation (or of one credential in it), in words.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HolderBinding {
    /// Subject, someone else, or no subject named.
    pub kind: BindingKind,
    /// The DID whose key signed the presentation.
    pub presenter: String,
    /// The credential's subject id (for the whole presentation: the one all credentials
    /// name, if they name the same).
    pub subject: Option<String>,
    /// The learner's name as the credentials state it.
    pub subject_name: Option<String>,
    /// One sentence in English.
    pub text: String,
}

/// Parse and verify untrusted bytes: a credential or presentation (JSON, JWT, baked image),
/// a PDF portfolio, or a share link. `Err` means the bytes are none of these.
pub fn verify_bytes(bytes: &[u8], env: &Env, now: DateTime<Utc>) -> crate::Result<Verification> {
    if crate::portfolio::is_pdf(bytes) {
        return crate::portfolio::verify_portfolio(bytes, env, now);
    }
    if let Some(text) = std::str::from_utf8(bytes).ok().filter(|t| link::is_link(t)) {
        let vp = link::decode_link(text)?;
        return verify_bytes_inner(&vp, env, now);
    }
    verify_bytes_inner(bytes, env, now)
}

fn verify_bytes_inner(bytes: &[u8], env: &Env, now: DateTime<Utc>) -> crate::Result<Verification> {
    let doc = formats::parse_unwrapped(bytes, &formats::unwrap_container(bytes)?)?;
    Ok(verify_document(&doc, env, now))
}

/// Verify a parsed document.
// The step functions it calls are kept out of line (`#[inline(never)]`): each is called
// once, so the compiler would inline them all, and one function of 30 KB is what the browser's
// optimising tier then compiled for 165 ms on the verifier page, beside the verification.
pub fn verify_document(doc: &Document, env: &Env, now: DateTime<Utc>) -> Verification {
    let ob2 = doc.profile() == Format::OpenBadges2;
    // An OB 2.0 assertion names its badge class and issuer by URL: the view reads the cached
    // copies.
    let credential = if ob2 {
        formats::view(&ob2::resolve(doc, &env.proof.keys))
    } else {
        formats::view(doc)
    };
    let mut steps = vec![Step {
        step: StepKind::Format,
        status: StepStatus::Pass,
        message: if blockcerts::is_blockcerts(&doc.credential) {
            format!(
                "Recognised as a Blockcerts v3 certificate ({}).",
                doc.format.label()
            )
        } else if doc.profile() != doc.format {
            format!(
                "Recognised as {} ({}).",
                doc.profile().label(),
                doc.format.label()
            )
        } else {
            format!("Recognised as {}.", doc.format.label())
        },
        lapse: None,
    }];
    let jades = matches!(doc.envelope, Envelope::Jades { .. });
    let merkle = doc.envelope == Envelope::Json && blockcerts::is_blockcerts(&doc.credential);
    let sd_jwt = matches!(doc.envelope, Envelope::SdJwt(_));
    if !ob2 && !sd_jwt {
        // `issuer_steps` (below) fails a credential that names no issuer.
        let no_issuer_reported = !jades && !merkle && credential.issuer.id.is_none();
        conformance_steps(doc, no_issuer_reported, &mut steps);
    }
    if let Envelope::SdJwt(sd) = &doc.envelope {
        sdjwt::steps(sd, &doc.credential, &credential, env, now, &mut steps);
        eu_step(&credential, &mut steps);
        return finish(steps, doc, credential, now, Vec::new(), None, env);
    }
    let mut signers = Vec::new();
    if jades {
        jades::seal_steps(doc, &credential, env, now, &mut steps);
    } else if ob2 {
        ob2::steps(doc, env, &mut steps);
    } else if merkle {
        blockcerts::steps(&doc.credential, &credential, env, &mut steps);
    } else {
        signers = proof_steps(doc, env, &mut steps);
        if doc.profile() == Format::Presentation {
            expect_steps(doc, &env.expect, &mut steps);
        }
        issuer_steps(doc, &credential, &signers, env, &mut steps);
    }
    date_steps(&doc.credential, now, &mut steps);
    proof_expiry_steps(doc, now, &mut steps);
    if ob2 {
        ob2::status_step(doc, env, &mut steps);
    } else {
        status_steps(&doc.credential, env, now, &mut steps);
    }
    if doc.profile() != Format::Presentation {
        eu_step(&credential, &mut steps);
    }
    let embedded = embedded_steps(doc, env, now, &mut steps);
    let presenter = (doc.profile() == Format::Presentation)
        .then(|| signers.iter().find(|(c, _)| !c.is_empty()))
        .flatten()
        .map(|(c, _)| c.as_str());
    finish(steps, doc, credential, now, embedded, presenter, env)
}

impl Verification {
    /// Whether the signature is genuine (valid, or genuine but expired or revoked) and yet
    /// nothing confirms who the issuer is (no registry names it): "issuer not confirmed"
    /// wherever a verdict is shown.
    pub fn unconfirmed_issuer(&self) -> bool {
        matches!(self.verdict, Verdict::Valid | Verdict::Inactive)
            && self
                .issuer_standing
                .as_ref()
                .is_some_and(|s| s.kind == StandingKind::Unconfirmed)
    }
}

/// The verification the steps add up to, with the issuer's standing and, for a presentation
/// whose signature verified (by `presenter`), the holder binding.
#[inline(never)] // see verify_document
fn finish(
    steps: Vec<Step>,
    doc: &Document,
    credential: MicroCredential,
    now: DateTime<Utc>,
    embedded: Vec<Verification>,
    presenter: Option<&str>,
    env: &Env,
) -> Verification {
    let mut v = Verification {
        verdict: verdict_of(&steps),
        format: doc.format,
        steps,
        credential,
        checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        embedded,
        issuer_standing: None,
        holder_binding: None,
    };
    if doc.profile() != Format::Presentation {
        v.issuer_standing = standing::issuer_standing(&v, env);
    }
    if let Some(p) = presenter {
        standing::bind_holder(&mut v, p);
    }
    v
}

/// The VC Data Model's structural MUSTs ([`conformance`]), each broken one a failed format
/// step. Open Badges 2.0 assertions are not W3C credentials and are not checked here. Two
/// problems are left to the steps that already report them: `validFrom` after `validUntil`
/// (the dates step) and, when `no_issuer_reported`, a missing issuer (the issuer step:
/// "names no issuer").
#[inline(never)] // see verify_document
fn conformance_steps(doc: &Document, no_issuer_reported: bool, steps: &mut Vec<Step>) {
    let (problems, what) = if doc.profile() == Format::Presentation {
        (
            conformance::check_presentation(&doc.credential),
            "presentation",
        )
    } else {
        (conformance::check_credential(&doc.credential), "credential")
    };
    for p in problems {
        let elsewhere = match p.rule {
            conformance::Rule::ValidityOrder => true,
            conformance::Rule::IssuerMissing => no_issuer_reported,
            _ => false,
        };
        if !elsewhere {
            step(
                steps,
                StepKind::Format,
                StepStatus::Fail,
                format!("Not a conforming verifiable {what}: {p}."),
            );
        }
    }
}

/// Verify each credential inside a CLR 2.0 or a presentation on its own. One that is invalid
/// makes the container invalid; one that cannot be checked is a warning (the container's own
/// proof still covers it).
#[inline(never)] // see verify_document
fn embedded_steps(
    doc: &Document,
    env: &Env,
    now: DateTime<Utc>,
    steps: &mut Vec<Step>,
) -> Vec<Verification> {
    if !matches!(doc.profile(), Format::Clr2 | Format::Presentation) {
        return Vec::new();
    }
    let results: Vec<Verification> = formats::embedded_credentials(doc)
        .into_iter()
        .map(|v| match Document::from_value(v) {
            Ok(inner) if !matches!(inner.profile(), Format::Clr2 | Format::Presentation) => {
                verify_document(&inner, env, now)
            }
            Ok(inner) => Verification {
                verdict: Verdict::Invalid,
                format: inner.format,
                steps: vec![Step {
                    step: StepKind::Format,
                    status: StepStatus::Fail,
                    message: "A container nested inside another is not accepted.".into(),
                    lapse: None,
                }],
                credential: MicroCredential::default(),
                checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                embedded: Vec::new(),
                issuer_standing: None,
                holder_binding: None,
            },
            Err(e) => Verification {
                verdict: Verdict::Invalid,
                format: doc.format,
                steps: vec![Step {
                    step: StepKind::Format,
                    status: StepStatus::Fail,
                    message: format!("An embedded credential is malformed: {e}."),
                    lapse: None,
                }],
                credential: MicroCredential::default(),
                checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                embedded: Vec::new(),
                issuer_standing: None,
                holder_binding: None,
            },
        })
        .collect();
    if results.is_empty() {
        return results;
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    let (valid, invalid, unverifiable, inactive) = (
        count(Verdict::Valid),
        count(Verdict::Invalid),
        count(Verdict::Unverifiable),
        count(Verdict::Inactive),
    );
    // A genuine credential that is no longer (or not yet) in force is history, not a
    // forgery: it is pointed out, and the container stays genuine.
    let status = if invalid > 0 {
        StepStatus::Fail
    } else if unverifiable > 0 || inactive > 0 {
        StepStatus::Warn
    } else {
        StepStatus::Pass
    };
    let inactive_text = if inactive > 0 {
        format!(", {inactive} genuine but expired, not yet valid or revoked")
    } else {
        String::new()
    };
    step(
        steps,
        StepKind::Proof,
        status,
        format!("It holds {} credentials, each checked on its own: {valid} valid, {invalid} invalid{inactive_text}, {unverifiable} could not be checked offline.", results.len()),
    );
    results
}

/// The verdict the steps add up to (see the module docs).
pub fn verdict_of(steps: &[Step]) -> Verdict {
    let failed = |lapse: bool| {
        steps
            .iter()
            .any(|s| s.status == StepStatus::Fail && s.lapse.is_some() == lapse)
    };
    if failed(false) {
        Verdict::Invalid
    } else if steps.iter().any(|s| {
        s.status == StepStatus::Skip && matches!(s.step, StepKind::Proof | StepKind::IssuerIdentity)
    }) {
        Verdict::Unverifiable
    } else if failed(true) {
        Verdict::Inactive
    } else {
        Verdict::Valid
    }
}

/// The first lapse the steps record (what makes a verdict [`Verdict::Inactive`]).
pub fn lapse_of(steps: &[Step]) -> Option<&Lapse> {
    steps.iter().find_map(|s| s.lapse.as_ref())
}

fn step(steps: &mut Vec<Step>, step: StepKind, status: StepStatus, message: String) {
    steps.push(Step {
        step,
        status,
        message,
        lapse: None,
    });
}

/// A failed dates or status step that says the credential is not in force (expired, not
/// yet valid, revoked, suspended): the failure makes the verdict `inactive`, not `invalid`,
/// when everything else holds.
fn lapsed(steps: &mut Vec<Step>, step: StepKind, lapse: Lapse, message: String) {
    steps.push(Step {
        step,
        status: StepStatus::Fail,
        message,
        lapse: Some(lapse),
    });
}

/// Who signed, for the issuer check: (controller, how the key was found).
type Signer = (String, Option<KeySource>);

#[inline(never)] // see verify_document
fn proof_steps(doc: &Document, env: &Env, steps: &mut Vec<Step>) -> Vec<Signer> {
    let mut signers = Vec::new();
    match &doc.envelope {
        Envelope::Jwt {
            header,
            signing_input,
            signature,
            ..
        } => match jws::verify(header, signing_input.as_bytes(), signature, &env.proof.keys) {
            Ok(c) => {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Pass,
                    format!(
                        "The token's {} signature matches {}: nothing was changed since it was signed.",
                        c.alg, c.key_description
                    ),
                );
                if let Some(ctrl) = c.controller {
                    signers.push((ctrl, Some(KeySource::DidKey)));
                } else {
                    signers.push((String::new(), None));
                }
            }
            Err(f) => failure_step(steps, &f),
        },
        // Sealed documents are checked by `jades::seal_steps`, SD-JWTs by `sdjwt::steps`.
        Envelope::Jades { .. } | Envelope::SdJwt(_) => {}
        Envelope::Json => {
            let checks = di::verify_proofs(&doc.credential, &env.proof);
            if checks.is_empty() {
                step(
                    steps,
                    StepKind::Proof,
                    StepStatus::Skip,
                    "The credential carries no proof, so nobody can check who issued it or whether it was changed.".into(),
                );
            }
            let any_valid = checks.iter().any(|c| c.outcome.is_ok());
            for c in checks {
                match c.outcome {
                    Ok(()) => {
                        step(
                            steps,
                            StepKind::Proof,
                            StepStatus::Pass,
                            format!(
                                "The {} signature by {} matches: nothing was changed since it was signed.",
                                c.suite, c.verification_method
                            ),
                        );
                        if let Some(ctrl) = c.controller {
                            signers.push((ctrl, c.key_source));
                        }
                    }
                    // An extra proof we cannot check does not undo one we could.
                    Err(Failure::Unverifiable(m)) if any_valid => step(
                        steps,
                        StepKind::Proof,
                        StepStatus::Warn,
                        format!("Another proof could not be checked: {m}."),
                    ),
                    Err(f) => failure_step(steps, &f),
                }
            }
        }
    }
    signers
}

/// The proofs of a JSON document (`proof`: one object or several).
fn proofs_of(doc: &Document) -> Vec<&Value> {
    match doc.credential.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p @ Value::Object(_)) => vec![p],
        _ => Vec::new(),
    }
}

/// A presentation's proof against what its verifier expects (`--challenge`, `--domain`):
/// the Data Integrity `challenge` and `domain`, or a VP-JWT's `nonce` and `aud`. A mismatch
/// fails (the proof was made for another exchange: a replay); what matches is said.
#[inline(never)] // see verify_document
fn expect_steps(doc: &Document, expect: &Expect, steps: &mut Vec<Step>) {
    let as_set = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    };
    // (what it is called, the proof's values) for each proof.
    let bound: Vec<(Option<String>, Vec<String>)> = match &doc.envelope {
        Envelope::Jwt { payload, .. } => vec![(
            payload
                .get("nonce")
                .and_then(Value::as_str)
                .map(str::to_owned),
            as_set(payload.get("aud")),
        )],
        _ => proofs_of(doc)
            .into_iter()
            .map(|p| {
                (
                    p.get("challenge")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    as_set(p.get("domain")),
                )
            })
            .collect(),
    };
    if bound.is_empty() {
        return; // no proof: the proof step already says so
    }
    let (nonce_name, domain_name) = if matches!(doc.envelope, Envelope::Jwt { .. }) {
        ("nonce", "audience (aud)")
    } else {
        ("challenge", "domain")
    };
    if let Some(want) = &expect.challenge {
        match bound.iter().find(|(c, _)| c.as_deref() != Some(want.as_str())) {
            None => step(
                steps,
                StepKind::Proof,
                StepStatus::Pass,
                format!("The presentation answers your {nonce_name} \"{want}\": it was made for this exchange."),
            ),
            Some((None, _)) => step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!("The presentation's proof carries no {nonce_name}, but you expected \"{want}\": nothing shows it was made for this exchange, so it may be a replay."),
            ),
            Some((Some(got), _)) => step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!("The presentation was made for the {nonce_name} \"{got}\", not for \"{want}\" that you expected: it may be replayed from another exchange."),
            ),
        }
    }
    if let Some(want) = &expect.domain {
        let wanted = vec![want.clone()];
        match bound.iter().find(|(_, d)| {
            let mut d = d.clone();
            d.sort();
            d.dedup();
            d != wanted
        }) {
            None => step(
                steps,
                StepKind::Proof,
                StepStatus::Pass,
                format!("The presentation is meant for your {domain_name} \"{want}\"."),
            ),
            Some((_, d)) if d.is_empty() => step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!("The presentation's proof names no {domain_name}, but you expected \"{want}\": nothing shows it was meant for you."),
            ),
            Some((_, d)) => step(
                steps,
                StepKind::Proof,
                StepStatus::Fail,
                format!("The presentation is meant for the {domain_name} {}, not for \"{want}\" that you expected.", d.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ")),
            ),
        }
    }
}

/// A Data Integrity proof's own end (`expires`, VC Data Integrity 1.0 §2.1): after it, the
/// proof is no longer to be used. A genuine signature past it is expired, never forged.
#[inline(never)] // see verify_document
fn proof_expiry_steps(doc: &Document, now: DateTime<Utc>, steps: &mut Vec<Step>) {
    if doc.envelope != Envelope::Json {
        return;
    }
    for p in proofs_of(doc) {
        let Some(e) = p.get("expires") else {
            continue;
        };
        let parsed = e
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|d| d.with_timezone(&Utc));
        match parsed {
            None => step(
                steps,
                StepKind::Dates,
                StepStatus::Fail,
                format!("The proof's expiry date is not a date-time: {e}."),
            ),
            Some(d) if d < now => lapsed(
                steps,
                StepKind::Dates,
                Lapse {
                    kind: LapseKind::Expired,
                    date: Some(rfc3339(d)),
                },
                format!(
                    "The signature was given for use until {} only, and that has passed.",
                    crate::model::day_text(d)
                ),
            ),
            Some(_) => {}
        }
    }
}

fn failure_step(steps: &mut Vec<Step>, f: &Failure) {
    let (status, text) = match f {
        Failure::Invalid(m) => (StepStatus::Fail, format!("The proof is not valid: {m}.")),
        Failure::Unverifiable(m) => (
            StepStatus::Skip,
            format!("The proof could not be checked offline: {m}."),
        ),
    };
    step(steps, StepKind::Proof, status, text);
}

#[inline(never)] // see verify_document
fn issuer_steps(
    doc: &Document,
    cred: &MicroCredential,
    signers: &[Signer],
    env: &Env,
    steps: &mut Vec<Step>,
) {
    // A presentation has no issuer: its signer must be its holder, for authentication.
    if doc.profile() == Format::Presentation {
        for p in di::proofs_of(&doc.credential) {
            let purpose = p.get("proofPurpose").and_then(Value::as_str).unwrap_or("");
            if purpose != "authentication" {
                step(
                    steps,
                    StepKind::IssuerIdentity,
                    StepStatus::Fail,
                    format!("The presentation's proof is for \"{purpose}\", not \"authentication\": it was not made by the holder to present it."),
                );
            }
        }
        let Some(holder) = cred.learner.id.as_deref() else {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Warn,
                "The presentation names no holder, so nothing ties its signer to the learner."
                    .into(),
            );
            return;
        };
        for (controller, _) in signers {
            if controller == holder {
                step(
                    steps,
                    StepKind::IssuerIdentity,
                    StepStatus::Pass,
                    format!("Signed by the holder itself ({holder})."),
                );
            } else if controller.is_empty() || !holder.starts_with("did:") {
                step(
                    steps,
                    StepKind::IssuerIdentity,
                    StepStatus::Skip,
                    format!("Whether the key that signed the presentation belongs to the holder {holder} cannot be confirmed offline."),
                );
            } else {
                step(
                    steps,
                    StepKind::IssuerIdentity,
                    StepStatus::Fail,
                    format!("Signed with a key of {controller}, not of the holder {holder}: someone else presented it."),
                );
            }
        }
        return;
    }
    let Some(issuer) = cred.issuer.id.as_deref() else {
        step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Fail,
            "The credential names no issuer.".into(),
        );
        return;
    };
    // A proof set or chain may hold proofs by others beside the issuer's (a witness, a
    // notary): those are pointed out, and fail only when no proof is the issuer's.
    let by_issuer = signers.iter().any(|(c, _)| c == issuer);
    for (controller, source) in signers {
        if by_issuer && !controller.is_empty() && controller != issuer {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Warn,
                format!("Also signed by {controller}, beside the issuer's own proof; that signature does not make {controller} the issuer."),
            );
        } else if controller.is_empty() {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Skip,
                format!("The key that signed this token is not linked to {issuer} by anything that can be checked offline."),
            );
        } else if controller == issuer {
            let (status, text) = if *source == Some(KeySource::UrlFragment) {
                (StepStatus::Warn, format!("Signed with a key that {issuer} names in the proof itself; the issuer's own key list is not cached, so that link was not confirmed independently."))
            } else {
                (
                    StepStatus::Pass,
                    format!("Signed by the issuer itself ({issuer})."),
                )
            };
            step(steps, StepKind::IssuerIdentity, status, text);
        } else if issuer.starts_with("did:") {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Fail,
                format!("Signed with a key of {controller}, not of the issuer {issuer}: someone else signed it."),
            );
        } else {
            step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Skip,
                format!("Signed with a key of {controller}; whether the issuer {issuer} uses that key cannot be confirmed offline (its profile is not cached)."),
            );
        }
    }
    registry_step(issuer, env, steps);
}

/// Whether the issuer is a member of the loaded trust registry (a `warn` when it is not, or
/// when no registry is loaded).
fn registry_step(issuer: &str, env: &Env, steps: &mut Vec<Step>) {
    match &env.registry {
        None => step(
            steps,
            StepKind::IssuerIdentity,
            StepStatus::Warn,
            "No trust registry is loaded, so the issuer is not confirmed as a member of a recognition network.".into(),
        ),
        Some(reg) => match reg.get(issuer) {
            Some(k) => step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Pass,
                format!(
                    "{} is a known member of the recognition network{}.",
                    k.name,
                    k.country.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
                ),
            ),
            None => step(
                steps,
                StepKind::IssuerIdentity,
                StepStatus::Warn,
                format!("{issuer} is not in your trust registry: the signature is valid, but the issuer is unknown to your recognition network."),
            ),
        },
    }
}

fn parse_date(v: &Value, field: &str) -> Result<Option<DateTime<Utc>>, String> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| format!("its {field} \"{s}\" is not a valid date-time")),
        Some(_) => Err(format!("its {field} is not a date-time string")),
    }
}

#[inline(never)] // see verify_document
fn date_steps(cred: &Value, now: DateTime<Utc>, steps: &mut Vec<Step>) {
    // VC 2.0, VC 1.1, then Open Badges 2.0 names.
    let read = |names: [&str; 3]| -> Result<Option<DateTime<Utc>>, String> {
        let mut found = None;
        for n in names {
            found = found.or(parse_date(cred, n)?);
        }
        Ok(found)
    };
    let (from, until) = match (
        read(["validFrom", "issuanceDate", "issuedOn"]),
        read(["validUntil", "expirationDate", "expires"]),
    ) {
        (Ok(f), Ok(u)) => (f, u),
        (Err(e), _) | (_, Err(e)) => {
            step(
                steps,
                StepKind::Dates,
                StepStatus::Fail,
                format!("The credential's dates are malformed: {e}."),
            );
            return;
        }
    };
    let day = crate::model::day_text::<DateTime<Utc>>;
    if let Some((f, u)) = from.zip(until).filter(|(f, u)| u < f) {
        step(
            steps,
            StepKind::Dates,
            StepStatus::Fail,
            format!(
                "The dates contradict each other: it expires on {} but becomes valid only on {}.",
                day(u),
                day(f)
            ),
        );
    } else if let Some(f) = from.filter(|f| *f > now) {
        lapsed(
            steps,
            StepKind::Dates,
            Lapse {
                kind: LapseKind::NotYetValid,
                date: Some(rfc3339(f)),
            },
            format!("Not yet valid: it becomes valid on {}.", day(f)),
        );
    } else if let Some(u) = until.filter(|u| *u < now) {
        lapsed(
            steps,
            StepKind::Dates,
            Lapse {
                kind: LapseKind::Expired,
                date: Some(rfc3339(u)),
            },
            format!("Expired on {}.", day(u)),
        );
    } else {
        let since = from
            .map(|f| format!("Valid since {}", day(f)))
            .unwrap_or_else(|| "Valid".into());
        let to = until
            .map(|u| format!(" until {}.", day(u)))
            .unwrap_or_else(|| ", with no expiry date.".into());
        step(
            steps,
            StepKind::Dates,
            StepStatus::Pass,
            format!("{since}{to}"),
        );
    }
}

/// Whether a cached status list credential may be believed for an entry of `entry_type`
/// with `purpose` on a credential by `issuer` (VC Bitstring Status List 1.0 §3.2): it is
/// a status list credential of the matching type and purpose, from the same issuer, in its
/// validity period, and signed by that issuer for `assertionMethod` with a proof that
/// matches. Every problem is named.
fn believe_status_list(
    url: &str,
    list: &Value,
    entry_type: &str,
    purpose: &str,
    issuer: Option<&str>,
    env: &Env,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let (list_type, subject_type) = if entry_type == "StatusList2021Entry" {
        ("StatusList2021Credential", "StatusList2021")
    } else {
        ("BitstringStatusListCredential", "BitstringStatusList")
    };
    let has = |v: Option<&Value>, want: &str| match v {
        Some(Value::String(s)) => s == want,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(want)),
        _ => false,
    };
    if !has(list.get("type"), list_type) {
        problems.push(format!("it is not of type {list_type}"));
    }
    let subject = list.get("credentialSubject");
    if !has(subject.and_then(|s| s.get("type")), subject_type) {
        problems.push(format!("its subject is not of type {subject_type}"));
    }
    if !has(subject.and_then(|s| s.get("statusPurpose")), purpose) {
        problems.push(format!("it is not a list for {purpose}"));
    }
    let list_issuer = conformance::issuer_id(list);
    match (list_issuer, issuer) {
        (None, _) => problems.push("it names no issuer".into()),
        (Some(l), Some(c)) if l != c => problems.push(format!(
            "it was issued by {l}, not by the credential's issuer {c}"
        )),
        _ => {}
    }
    let date = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| parse_date(list, n).transpose())
            .transpose()
    };
    match (
        date(["validFrom", "issuanceDate"]),
        date(["validUntil", "expirationDate"]),
    ) {
        (Ok(from), Ok(until)) => {
            let day = crate::model::day_text::<DateTime<Utc>>;
            if let Some(f) = from.filter(|f| *f > now) {
                problems.push(format!("it is not valid before {}", day(f)));
            }
            if let Some(u) = until.filter(|u| *u < now) {
                problems.push(format!("it expired on {}", day(u)));
            }
        }
        (Err(e), _) | (_, Err(e)) => problems.push(e),
    }
    let checks = env.status.proofs(url, list, &env.proof);
    if checks.is_empty() {
        problems.push("it carries no proof".into());
    }
    let signed_by_issuer = checks.iter().any(|c| {
        c.outcome.is_ok()
            && c.purpose == "assertionMethod"
            && c.controller.as_deref() == list_issuer
    });
    for c in checks.iter() {
        match &c.outcome {
            Err(Failure::Invalid(m)) => problems.push(format!("its proof is not valid ({m})")),
            Err(Failure::Unverifiable(m)) if !signed_by_issuer => {
                problems.push(format!("its proof could not be checked ({m})"))
            }
            Ok(()) if c.purpose != "assertionMethod" => problems.push(format!(
                "its proof is for \"{}\", not \"assertionMethod\"",
                c.purpose
            )),
            _ => {}
        }
    }
    if !signed_by_issuer && !checks.is_empty() && problems.is_empty() {
        problems.push("it is not signed by its own issuer".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[inline(never)] // see verify_document
fn status_steps(cred: &Value, env: &Env, now: DateTime<Utc>, steps: &mut Vec<Step>) {
    let entries: Vec<&Value> = match cred.get("credentialStatus") {
        None | Some(Value::Null) => {
            step(
                steps,
                StepKind::Status,
                StepStatus::Pass,
                "The issuer did not attach a revocation list; it cannot be revoked.".into(),
            );
            return;
        }
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    };
    let issuer = conformance::issuer_id(cred);
    for e in entries {
        let entry_type = e.get("type").and_then(Value::as_str).unwrap_or("");
        let believe = |url: &str, list: &Value, purpose: &str| {
            believe_status_list(url, list, entry_type, purpose, issuer, env, now)
        };
        let outcome = env.status.check_with(e, &believe);
        if let StatusOutcome::Set { purpose } = &outcome {
            let kind = match purpose.as_str() {
                "revocation" => Some(LapseKind::Revoked),
                "suspension" => Some(LapseKind::Suspended),
                _ => None,
            };
            if let Some(kind) = kind {
                lapsed(
                    steps,
                    StepKind::Status,
                    Lapse { kind, date: None },
                    format!("The issuer has {} this credential.", past(purpose)),
                );
                continue;
            }
        }
        let (status, text) = match outcome {
            StatusOutcome::Clear { purpose } => (
                StepStatus::Pass,
                format!(
                    "Not {} according to the cached status list.",
                    past(&purpose)
                ),
            ),
            StatusOutcome::Set { purpose } => (
                StepStatus::Fail,
                format!("The issuer has {} this credential.", past(&purpose)),
            ),
            StatusOutcome::NotChecked(m) => {
                (StepStatus::Skip, format!("Revocation not checked: {m}."))
            }
            StatusOutcome::Malformed(m) => (
                StepStatus::Fail,
                format!("The status entry is malformed: {m}."),
            ),
        };
        step(steps, StepKind::Status, status, text);
    }
}

fn rfc3339(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn past(purpose: &str) -> String {
    match purpose {
        "revocation" => "revoked".into(),
        "suspension" => "suspended".into(),
        other => format!("flagged for {other}"),
    }
}

#[inline(never)] // see verify_document
fn eu_step(cred: &MicroCredential, steps: &mut Vec<Step>) {
    if cred.annex_missing.is_empty() {
        step(
            steps,
            StepKind::EuElements,
            StepStatus::Pass,
            "Carries every mandatory EU standard element of a micro-credential.".into(),
        );
    } else {
        let missing: Vec<&str> = cred.annex_missing.iter().map(|e| e.label()).collect();
        step(
            steps,
            StepKind::EuElements,
            StepStatus::Warn,
            format!(
                "Missing {} of the 11 EU standard elements: {}.",
                missing.len(),
                missing.join(", ")
            ),
        );
    }
}
