//! Stacking through `mcx` on the bundled demo network: qualifications imported with their
//! signatures checked, an optimal audit with reasons, catalogue suggestions, what-if.

use crate::util::{run, stderr, stdout};
use serde_json::Value;

fn demo_wallet() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["demo", "load"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    tmp
}

#[test]
fn the_demo_qualifications_are_signed_by_their_institutions() {
    let w = demo_wallet();
    let qs: Value =
        serde_json::from_slice(&run(w.path(), &["qualifications", "--json"]).stdout).unwrap();
    let qs = qs.as_array().unwrap();
    assert!(qs.len() >= 4);
    for q in qs {
        assert!(q["signedBy"].is_string(), "{q}");
        assert!(q["warning"].is_null(), "{q}");
    }
}

#[test]
fn tampered_rules_are_flagged() {
    let w = demo_wallet();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/network/qualifications/certificate-industry-4-0.json");
    let mut rules: Value = serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    rules["totalEcts"] = 10.into();
    let path = w.path().join("tampered-rules.json");
    std::fs::write(&path, serde_json::to_vec(&rules).unwrap()).unwrap();
    let out = run(
        w.path(),
        &["qualification", "import", path.to_str().unwrap()],
    );
    assert!(stdout(&out).contains("WARNING"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("signature does not verify"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_audit_counts_optimally_and_explains_every_decision() {
    let w = demo_wallet();
    let catalogue =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/network/catalogue.json");
    let out = run(
        w.path(),
        &[
            "stack",
            "Industry 4.0",
            "--json",
            "--catalogue",
            catalogue.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "not complete yet: {}",
        stderr(&out)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &r["audit"];
    assert_eq!(a["provenOptimal"], true);
    assert_eq!(a["complete"], false);
    assert!(a["ectsCounted"].as_f64().unwrap() < a["ectsRequired"].as_f64().unwrap());
    let reasons = |title: &str| -> String {
        a["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"] == title)
            .map(|c| c["reasons"].to_string())
            .unwrap_or_default()
    };
    assert!(reasons("Secure Networks Fundamentals").contains("revoked"));
    assert!(reasons("Green Transition in Industry").contains("expired"));
    assert!(reasons("Agile Project Management").contains("not in the network"));
    assert!(a["candidates"]
        .to_string()
        .contains("cap on credits from outside"));
    let s = &r["suggestion"];
    assert_eq!(s["achievable"], true);
    assert!(!s["items"].as_array().unwrap().is_empty());
    assert_eq!(
        s["audit"]["complete"], true,
        "the suggested offers complete it"
    );
}

#[test]
fn planning_catalogue_offers_shows_what_they_would_complete() {
    let w = demo_wallet();
    let base: serde_json::Value =
        serde_json::from_slice(&run(w.path(), &["stack", "Industry 4.0", "--json"]).stdout)
            .unwrap();
    assert_eq!(base["audit"]["complete"], false);
    assert_eq!(base["planned"], serde_json::json!([]));
    let offers = base["offers"].as_array().unwrap();
    assert!(
        !offers.is_empty(),
        "the demo catalogue's offers are listed for planning"
    );
    let suggested: Vec<String> = base["suggestion"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(suggested
        .iter()
        .all(|s| offers.iter().any(|o| o["id"] == *s)));

    // One suggested offer is not enough; both complete it, as a what-if.
    let mut args = vec!["stack", "Industry 4.0", "--json", "--plan"];
    args.push(&suggested[0]);
    let one: serde_json::Value = serde_json::from_slice(&run(w.path(), &args).stdout).unwrap();
    assert_eq!(one["audit"]["whatIf"], true);
    assert_eq!(one["audit"]["complete"], false);
    assert!(one["audit"]["ectsCounted"].as_f64() > base["audit"]["ectsCounted"].as_f64());
    args.extend(suggested[1..].iter().map(String::as_str));
    let out = run(w.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all["audit"]["complete"], true);
    assert_eq!(all["audit"]["whatIf"], true);
    assert_eq!(all["planned"].as_array().unwrap().len(), suggested.len());

    let out = run(
        w.path(),
        &[
            "stack",
            "Industry 4.0",
            "--plan",
            "https://nowhere.example/offer",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("catalogue offer https://nowhere.example/offer not found"),
        "{}",
        stderr(&out)
    );
}
