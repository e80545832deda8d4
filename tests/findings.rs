//! Inputs found while reviewing the fuzz targets (issue 17), each now a clear error, fast and
//! in little memory: backups whose key derivation asks for 4 TiB, 2^32 passes or 16 Mi lanes
//! (read before the passphrase can be checked), and a 22 KB portfolio PDF whose name tree
//! lists one 16 MiB attachment 300 times (4.8 GiB if each entry were inflated), and PDFs that
//! cost lopdf's loader far more than their size. Files in `tests/fixtures/fuzz/`, made by
//! `fuzz/make_seeds.py`.

use crate::util::run;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `mcx verify` of the fixture `name` in a fresh wallet: its exit code, and what it printed.
fn verify_fixture(name: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(&dir.path().join("w"), &["verify", &fixture(name)]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn a_backup_asking_for_an_absurd_key_derivation_is_refused_before_it_runs() {
    for f in [
        "backup-kdf-4TiB-memory.mcxbackup",
        "backup-kdf-4G-passes.mcxbackup",
        "backup-kdf-16M-lanes.mcxbackup",
    ] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = crate::util::mcx()
            .arg("--wallet")
            .arg(dir.path().join("w"))
            .args(["restore", &fixture(f)])
            .env("MCX_BACKUP_PASSPHRASE", "fuzz")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{f}: {text}");
        assert!(
            text.contains("more than MicroCredX ever uses"),
            "{f}: {text}"
        );
    }
}

#[test]
fn a_portfolio_listing_one_huge_attachment_many_times_is_not_inflated_again_and_again() {
    let (code, text) = verify_fixture("portfolio-300-names-one-16MiB-stream.pdf");
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("presentation.json") || text.contains("attachment"),
        "{text}"
    );
}

/// `fuzz/findings/timeout-60eb19f4…` (`portfolio_read`, a second in the fuzz build): a 15 KB
/// PDF whose object stream inflates to 15 MiB of empty names, all parsed while the document
/// loads (0.9 s in release); and a 1.4 MB PDF whose cross-reference table lists one 1 MiB
/// stream as 20,000 objects, each read again and held until the load ended (46 s, 20 GB of
/// memory). Both are now refused within the load budget of `portfolio/read.rs`. Found while
/// reading lopdf for the cause, two that cost it before any object is read: a 160-byte PDF
/// whose cross-reference stream declares 4,000,000,000 entries zero bytes wide, each read and
/// kept (100 million took 11.5 s and 2.9 GB); and a `/Prev` chain of 100 cross-reference
/// streams inflating to 1 MiB each (1.6 s; 1,000 took 15 s). And `fuzz/findings/crash-41829265…`
/// (`portfolio_read`, the process aborted): a cross-reference stream whose `/W` makes a field
/// 4,444,444,444,444 bytes wide, for which lopdf allocates a buffer. Now refused by the raw
/// scan. Last, an object stream listing one 400 KB array as 1,000 objects at one offset (3 KB;
/// 60 s and 23 GB, as lopdf parses each object to the stream's end): refused, as no writer
/// puts two objects in one place.
#[test]
fn a_pdf_that_would_cost_its_loader_far_more_than_its_size_is_refused_in_passing() {
    for (f, why) in [
        (
            "portfolio-objstm-15MiB-of-names.pdf",
            "its object streams inflate to more than 1 MiB",
        ),
        (
            "portfolio-xref-one-stream-20000-times.pdf",
            "its objects overlap each other",
        ),
        (
            "portfolio-xref-stream-4G-empty-entries.pdf",
            "its cross-reference streams declare more than 500000 objects",
        ),
        (
            "portfolio-xref-prev-chain-of-100.pdf",
            "it chains more than 32 cross-reference sections",
        ),
        (
            "portfolio-xref-field-4TB-wide.pdf",
            "a cross-reference stream's fields would be 4444444444444 bytes wide",
        ),
        (
            "portfolio-objstm-one-array-1000-times.pdf",
            "its object stream puts two objects in one place",
        ),
    ] {
        let (code, text) = verify_fixture(f);
        assert_eq!(code, Some(3), "{f}: {text}");
        assert!(
            text.contains(&format!("the PDF cannot be read: {why}")),
            "{f}: {text}"
        );
    }
}

/// 99 arrays nested in an object stream, each listed as an object (1.5 KB; 5.4 s and 5.9 GB
/// when lopdf parsed each to the stream's end): each is now parsed only up to the next one's
/// offset, so the PDF is read through in passing and found to be no portfolio.
/// And 2,000 streams naming one 200 KB array as their length (`/Length 1 0 R`), which lopdf
/// parsed again for each stream (230 KB; 10.5 s): lengths are now made direct first.
#[test]
fn objects_nested_in_an_object_stream_are_each_parsed_once() {
    for f in [
        "portfolio-objstm-99-nested-arrays.pdf",
        "portfolio-2000-streams-one-length-object.pdf",
    ] {
        let (code, text) = verify_fixture(f);
        assert_eq!(code, Some(3), "{f}: {text}");
        assert!(
            text.contains("this PDF has no attachments: it is not a MicroCredX portfolio"),
            "{f}: {text}"
        );
    }
}

/// `fuzz/findings/timeout-28503edf…` (`rules_catalogue`, more than 10 s): the network's own
/// short-cycle qualification (that file is the seed, signed earlier), suggested from the
/// network catalogue on top of the first three bundled credentials, as the harness runs it.
/// The least extra workload is 50 ECTS and needs 12 offers; the bound on offers was "one
/// more" and a complete assignment's cost was bounded by the cost so far, so every set of up
/// to 11 offers within 50 ECTS stayed open (about 30 million) and the search ran to its
/// 2,000,000-node budget, unproven.
#[test]
fn a_suggestion_from_the_network_catalogue_is_proven_well_inside_the_budget() {
    let rules = network_rules(
        "qualifications/short-cycle-digital-transformation.json",
        |_| {},
    );
    let s = suggest_on_network(&rules);
    assert!(s.achievable, "{}", s.summary);
    assert!(
        s.proven_optimal && s.audit.nodes_explored <= WELL_INSIDE,
        "{} nodes: {}",
        s.audit.nodes_explored,
        s.summary
    );
    assert!((s.extra_ects - 50.0).abs() < 1e-9, "{}", s.summary);
    assert_eq!(s.items.len(), 12, "{}", s.summary);
}

/// `fuzz/findings/timeout-2b48edd8…` (`rules_catalogue`, 77 s in the fuzz build, 2.1 s in a
/// release build): the same qualification mutated so that no offer set completes it (the
/// sustainability requirement asks 9 ECTS, on a misspelt keyword). The least-cost search then
/// ranked incomplete sets by cost to the end of its 2,000,000-node budget, unproven; whether
/// the offers can complete it at all is now settled first, without costs.
#[test]
fn a_catalogue_that_cannot_complete_a_qualification_is_said_so_at_once() {
    let rules = network_rules(
        "qualifications/short-cycle-digital-transformation.json",
        |r| {
            let reqs = r["requirements"].as_array_mut().unwrap();
            let sustain = reqs.iter_mut().find(|q| q["id"] == "SUSTAIN").unwrap();
            sustain["ects"] = 9.into();
            sustain["filter"]["keywords"] =
                serde_json::json!(["green tran&sition", "sustainability"]);
            let tech = reqs.iter_mut().find(|q| q["id"] == "TECH").unwrap();
            tech["n"] = 1.into();
        },
    );
    let s = suggest_on_network(&rules);
    assert!(!s.achievable, "{}", s.summary);
    assert!(s.items.is_empty());
    assert!(
        s.proven_optimal && s.audit.nodes_explored <= WELL_INSIDE,
        "{} nodes: {}",
        s.audit.nodes_explored,
        s.summary
    );
    assert!(
        s.summary.contains("cannot complete") && s.summary.contains("Sustainability: 9 more ECTS"),
        "{}",
        s.summary
    );
}

/// The network's qualification `path`, changed by `edit` (its signature is not checked here).
fn network_rules(
    path: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> microcredx::stack::QualificationRules {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/network");
    let mut rules: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap();
    edit(&mut rules);
    microcredx::stack::parse_rules(&rules.to_string()).unwrap()
}

/// Suggestions from the network catalogue on top of the first three bundled credentials, as
/// the `rules_catalogue` harness runs them.
fn suggest_on_network(
    rules: &microcredx::stack::QualificationRules,
) -> microcredx::stack::Suggestion {
    use microcredx::stack::{self, AuditContext, Candidate};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/network");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let held: Vec<Candidate> = [
        "agile-project-management-maria-ionescu-1.json",
        "applied-machine-learning-maria-ionescu-1.json",
        "cybersecurity-for-industrial-control-systems-maria-ionescu-1.json",
    ]
    .iter()
    .enumerate()
    .map(|(i, f)| {
        let text = read(&format!("credentials/{f}"));
        let doc = microcredx::formats::parse_document(text.as_bytes()).unwrap();
        Candidate::verified(format!("c{i}"), microcredx::formats::view(&doc))
    })
    .collect();
    let registry: serde_json::Value = serde_json::from_str(&read("registry.json")).unwrap();
    let network = registry["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string());
    let catalogue = stack::parse_catalogue(&read("catalogue.json")).unwrap();
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    stack::suggest(rules, &held, &AuditContext::new(now, network), &catalogue)
}

/// A fifth of the audit budget (`DEFAULT_NODE_BUDGET`, 1,000,000 nodes; the budget itself was
/// 200,000 when these findings were fixed).
const WELL_INSIDE: u64 = 200_000;
