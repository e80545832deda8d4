//! Who an issuer is and who presented: the two facts a verdict alone does not say. A
//! genuine signature proves only that the key's holder signed; anyone can make a key and
//! call it after a real university. So an issuer is called a member only when the network's
//! signed registry lists it, and a presentation is called the subject's own only when the
//! key that signed it is the subject the credentials name.

use super::{BindingKind, Env, HolderBinding, IssuerStanding, StandingKind, Verification};
use crate::model::Verdict;

/// The standing of `v`'s issuer (`None` for a credential naming no issuer).
pub(super) fn issuer_standing(v: &Verification, env: &Env) -> Option<IssuerStanding> {
    let issuer = &v.credential.issuer;
    let id = issuer.id.clone()?;
    let genuine = matches!(v.verdict, Verdict::Valid | Verdict::Inactive);
    let listed = env.registry.as_ref().and_then(|r| r.get(&id));
    if let (true, Some(member)) = (genuine, listed) {
        let network = env.network.clone().unwrap_or_else(|| "its network".into());
        let country = member
            .country
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        return Some(IssuerStanding {
            kind: StandingKind::Member,
            text: format!(
                "Issued by a member of the recognition network {network} (as its signed registry says): {}{country}.",
                member.name
            ),
            id,
            name: Some(member.name.clone()),
            country: member.country.clone(),
            network: Some(network),
        });
    }
    let claimed = issuer.name.as_deref().filter(|n| !n.trim().is_empty());
    let calls = match claimed {
        Some(name) => format!("it calls itself \u{201c}{name}\u{201d} ({id})"),
        None => format!("it names itself only by {id}"),
    };
    let text = if !genuine {
        format!("Nothing confirms who the issuer is: the checks did not pass, and {calls}.")
    } else {
        let why = match &env.network {
            Some(n) if env.registry.is_some() => {
                format!("which is not in the trust registry of {n}")
            }
            _ if env.registry.is_some() => "which is not in the trust registry".into(),
            _ => "and no trust registry is loaded to confirm it".into(),
        };
        format!("Genuine signature, but nothing confirms who the issuer is: {calls}, {why}.")
    };
    Some(IssuerStanding {
        kind: StandingKind::Unconfirmed,
        id,
        name: claimed.map(str::to_string),
        country: issuer.country.clone(),
        network: env.registry.as_ref().and(env.network.clone()),
        text,
    })
}

/// The holder binding of a verified presentation signed by `presenter`, set on the
/// presentation and on each credential in it.
pub(super) fn bind_holder(v: &mut Verification, presenter: &str) {
    let mut kinds = Vec::with_capacity(v.embedded.len());
    for c in &mut v.embedded {
        let subject = c.credential.learner.id.clone();
        let name = c.credential.learner.name.clone();
        let kind = match subject.as_deref() {
            Some(s) if s == presenter => BindingKind::Subject,
            // Only a DID names a key that could sign; an e-mail, urn:uuid or URL subject id binds
            // nobody to the presentation, which is not the same as someone else presenting it.
            Some(s) if s.starts_with("did:") => BindingKind::SomeoneElse,
            Some(_) | None => BindingKind::NoSubject,
        };
        kinds.push(kind);
        let text = binding_text(kind, presenter, name.as_deref(), 1, 1);
        c.holder_binding = Some(HolderBinding {
            kind,
            presenter: presenter.to_string(),
            subject,
            subject_name: name,
            text,
        });
    }
    let count = |k: BindingKind| kinds.iter().filter(|x| **x == k).count();
    let (bound, other) = (count(BindingKind::Subject), count(BindingKind::SomeoneElse));
    let kind = if other > 0 {
        BindingKind::SomeoneElse
    } else if bound > 0 && bound == kinds.len() {
        BindingKind::Subject
    } else {
        BindingKind::NoSubject
    };
    let wanted = |c: &&Verification| {
        c.holder_binding.as_ref().map(|b| b.kind) == Some(kind) || kind == BindingKind::NoSubject
    };
    let subject_name = v
        .embedded
        .iter()
        .filter(wanted)
        .find_map(|c| c.credential.learner.name.clone())
        .or_else(|| v.credential.learner.name.clone());
    let mut subjects = v
        .embedded
        .iter()
        .map(|c| c.credential.learner.id.as_deref());
    let first = subjects.next().flatten();
    let subject = first
        .filter(|f| subjects.all(|s| s == Some(*f)))
        .map(str::to_string);
    let text = binding_text(kind, presenter, subject_name.as_deref(), bound, kinds.len());
    v.holder_binding = Some(HolderBinding {
        kind,
        presenter: presenter.to_string(),
        subject,
        subject_name,
        text,
    });
}

/// The sentence for a binding; `bound` of `total` credentials name the presenter.
fn binding_text(
    kind: BindingKind,
    presenter: &str,
    name: Option<&str>,
    bound: usize,
    total: usize,
) -> String {
    let (these, their) = if total == 1 {
        ("this credential was", "its")
    } else {
        ("these credentials were", "their")
    };
    match kind {
        BindingKind::Subject => match name {
            Some(n) => format!("Presented by {n}, the person {these} issued to: the key that signed the presentation is {their} subject."),
            None => format!("Presented by the person {these} issued to: the key that signed the presentation is {their} subject."),
        },
        BindingKind::SomeoneElse => format!(
            "Presented by someone else: the key that signed the presentation ({presenter}) is not the subject {these} issued to{}.",
            name.map(|n| format!(" ({n})")).unwrap_or_default()
        ),
        BindingKind::NoSubject if bound > 0 => format!(
            "{} of the {total} credentials name the key that signed the presentation as their subject{}; the others name no key of their subject, so nothing confirms who presented those.",
            bound,
            name.map(|n| format!(" ({n})")).unwrap_or_default()
        ),
        BindingKind::NoSubject => match name {
            Some(n) => format!("Issued to {n}. {} no key of {their} subject, so nothing confirms that whoever presented {} is {n}.",
                if total == 1 { "The credential names" } else { "The credentials name" },
                if total == 1 { "it" } else { "them" }),
            None => format!("{} no subject, so nothing ties {} to whoever presented {}.",
                if total == 1 { "The credential names" } else { "The credentials name" },
                if total == 1 { "it" } else { "them" },
                if total == 1 { "it" } else { "them" }),
        },
    }
}
