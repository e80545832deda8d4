//! Untrusted qualification rules and catalogues (`mcx trust import`, `mcx qualify import`):
//! parsing and validation, then the stacking engine run on them against the network's
//! bundled credentials, qualifications and catalogue (audit, what-if, suggestions), as the
//! app runs it on imported documents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use microcredx::stack::{self, AuditContext, Candidate, Catalogue, QualificationRules};
use std::sync::OnceLock;

const CREDENTIALS: [&str; 10] = [
    include_str!("../../assets/network/credentials/agile-project-management-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/applied-machine-learning-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/cybersecurity-for-industrial-control-systems-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/data-analytics-for-manufacturing-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/digital-twins-in-production-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/entrepreneurship-and-innovation-management-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/green-transition-in-industry-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/industrial-robotics-and-automation-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/industry-4-0-fundamentals-maria-ionescu-1.json"),
    include_str!("../../assets/network/credentials/secure-networks-fundamentals-maria-ionescu-1.json"),
];
const RULES: &str =
    include_str!("../../assets/network/qualifications/certificate-industry-4-0.json");
const CATALOGUE: &str = include_str!("../../assets/network/catalogue.json");
const REGISTRY: &str = include_str!("../../assets/network/registry.json");

struct Fixed {
    candidates: Vec<Candidate>,
    rules: Option<QualificationRules>,
    catalogue: Option<Catalogue>,
    network: Vec<String>,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let candidates: Vec<Candidate> = CREDENTIALS
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let doc = microcredx::formats::parse_document(c.as_bytes()).ok()?;
                Some(Candidate::verified(
                    format!("c{i}"),
                    microcredx::formats::view(&doc),
                ))
            })
            .collect();
        let network: Vec<String> = serde_json::from_str::<serde_json::Value>(REGISTRY)
            .ok()
            .and_then(|r| {
                r.get("members")?.as_array().map(|m| {
                    m.iter()
                        .filter_map(|x| x.get("id")?.as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default();
        Fixed {
            candidates,
            rules: stack::parse_rules(RULES).ok(),
            catalogue: stack::parse_catalogue(CATALOGUE).ok(),
            network,
        }
    })
}

/// The search nodes each audit and suggestion may take here. Running out of nodes is a
/// designed outcome ("not proven optimal"), not a finding, and the product's budgets (1,000,000
/// and 2,000,000 nodes, about 2.5 and 5 s in a release build) take 40 times as long under
/// the fuzzing build's instrumentation: the harness looks for work that the node budget does
/// not bound (per node, or before the search), so it gives the search a small one.
const NODES: u64 = 20_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = fixed();
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let ctx = AuditContext::new(now, f.network.iter().cloned());
    // Suggestions search over offers on top of a few held credentials.
    let few = &f.candidates[..f.candidates.len().min(3)];
    if let Ok(rules) = stack::parse_rules(text) {
        let _ = stack::audit_with_budget(&rules, &f.candidates, &ctx, NODES);
        if let Some(cat) = &f.catalogue {
            let _ = stack::suggest_with_budget(&rules, few, &ctx, cat, NODES);
        }
    }
    if let Ok(cat) = stack::parse_catalogue(text) {
        let _ = stack::available(&cat, &f.candidates, now);
        let ids: Vec<String> = cat.items.iter().take(3).map(|i| i.id.clone()).collect();
        if let Some(rules) = &f.rules {
            if let Ok(planned) = cat.planned(&ids) {
                let what_if = AuditContext {
                    what_if: true,
                    ..ctx.clone()
                };
                let _ = stack::what_if(rules, few, &what_if, &planned);
            }
            let _ = stack::suggest_with_budget(rules, few, &ctx, &cat, NODES);
        }
    }
});
