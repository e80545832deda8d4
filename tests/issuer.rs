//! The institution's side, end to end through `mcx issuer ...`: keys, bulk issuing with bad
//! rows, did:web, status lists and revocation seen by a learner's wallet, signed rules,
//! registry and catalogue; and the same files checked by the independent JS reference
//! verifier when `MCX_INTEROP` names it (as `scripts/test` does).

use crate::util::{mcx, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

const ACHIEVEMENT: &str = r#"{
  "id": "https://th-nordstadt.example/mc/digital-twins", "name": "Digital Twins in Production",
  "description": "Model, simulate and monitor a production line with a digital twin.",
  "ects": 4, "eqfLevel": 6,
  "learningOutcomes": [
    {"name": "Build a digital twin of a production cell", "uri": "http://data.europa.eu/esco/skill/5d3e8f35-3d5a-4b2a-9b6e-2f1f8f0c1a11"},
    "Explain sensor fusion for condition monitoring"],
  "assessmentType": "Supervised project with oral defence", "participationForm": "Blended",
  "qualityAssurance": "Accredited study programme (ACQUIN)", "supervision": "Supervised, identity verified",
  "workloadHours": 100, "language": "en", "keywords": ["industry 4.0", "digital twins"]
}"#;

/// `mcx` with the issuer passphrase and a fast test-only key derivation.
fn issuer(dir: &Path, args: &[&str]) -> Output {
    let mut c = mcx();
    c.env("MCX_ISSUER_PASSPHRASE", "correct horse")
        .env("MCX_ISSUER_TEST_KDF", "1")
        .arg("issuer")
        .arg(args[0])
        .args(&args[1..]);
    c.arg("--dir").arg(dir);
    c.output().unwrap()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}\n{}", stdout(o), stderr(o));
}

fn wallet(w: &Path, args: &[&str]) -> Output {
    mcx().arg("--wallet").arg(w).args(args).output().unwrap()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `mcx stack Q --json` in the wallet `w`: the output and its JSON.
fn stack_json(w: &Path, qualification: &str) -> (Output, serde_json::Value) {
    let out = wallet(w, &["stack", qualification, "--json"]);
    let r = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&out), stderr(&out)));
    (out, r)
}

/// The audit's candidate titled `title`.
fn candidate(audit: &serde_json::Value, title: &str) -> serde_json::Value {
    audit["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .cloned()
        .unwrap_or_else(|| panic!("no candidate {title}: {audit}"))
}

/// Run the JS reference verifier on `paths` when `MCX_INTEROP` is set.
fn reference_verifies(paths: &[PathBuf]) {
    let Ok(interop) = std::env::var("MCX_INTEROP") else {
        eprintln!(
            "note: MCX_INTEROP is not set; skipping the JS reference check (scripts/test runs it)"
        );
        return;
    };
    let fixtures = std::env::var("INTEROP_FIXTURES")
        .unwrap_or_else(|_| s(&crate::util::shared_fixture("")).to_string());
    let out = std::process::Command::new("node")
        .arg(Path::new(&interop).join("reference.mjs"))
        .arg("verify")
        .args(paths)
        .env("INTEROP_FIXTURES", fixtures)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JS reference: {}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn bulk_issue_reports_bad_rows_and_revocation_reaches_the_wallet() {
    let t = tempfile::tempdir().unwrap();
    let (k, w) = (t.path().join("key"), t.path().join("wallet"));
    let init = issuer(
        &k,
        &[
            "init",
            "--name",
            "Technische Hochschule Nordstadt",
            "--country",
            "DE",
        ],
    );
    ok(&init);
    let did = stdout(&init).trim().to_string();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    let key_text = std::fs::read_to_string(k.join("issuer-key.json")).unwrap();
    assert!(
        !key_text.contains("secretKeyMultibase"),
        "the key must be sealed"
    );

    let ach = t.path().join("ach.json");
    std::fs::write(&ach, ACHIEVEMENT).unwrap();
    let csv = t.path().join("learners.csv");
    std::fs::write(
        &csv,
        "id,name,email,grade,issued\n\
         did:example:maria,Maria Ionescu,maria@example.org,1.3,2025-03-01\n\
         ,,nobody@example.org,,\n\
         ,Jonas Berg,,2.0,2025-02-30\n\
         ,\"Silva, Ana\",ana@example.org,1.0\n\
         ,Piotr Nowak,,,2025-04-01\n",
    )
    .unwrap();
    let list = t.path().join("status/rev.json");
    ok(&issuer(
        &k,
        &[
            "status",
            "create",
            "--out",
            s(&list),
            "--size",
            "8192",
            "--url",
            "https://th-nordstadt.example/status/1",
        ],
    ));

    let out_dir = t.path().join("out");
    let o = issuer(
        &k,
        &[
            "issue",
            "--achievement",
            s(&ach),
            "--learners",
            s(&csv),
            "--out",
            s(&out_dir),
            "--status-list",
            s(&list),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("row 2 (line 3): the name is missing"), "{err}");
    assert!(
        err.contains("row 3 (line 4)") && err.contains("2025-02-30"),
        "{err}"
    );
    assert!(
        err.contains("row 4 (line 5): it has 4 columns, but the header has 5"),
        "{err}"
    );
    let issued = files(&out_dir);
    assert_eq!(issued.len(), 2, "{issued:?}");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("status/rev.state.json")).unwrap())
            .unwrap();
    assert_eq!(state["nextIndex"], 2);

    // A jcs batch without status, for the reference check below.
    let jcs_dir = t.path().join("jcs");
    let one = t.path().join("one.csv");
    std::fs::write(&one, "name\nMaria Ionescu\n").unwrap();
    ok(&issuer(
        &k,
        &[
            "issue",
            "--achievement",
            s(&ach),
            "--learners",
            s(&one),
            "--out",
            s(&jcs_dir),
            "--suite",
            "jcs",
        ],
    ));
    let rdfc_dir = t.path().join("rdfc");
    ok(&issuer(
        &k,
        &[
            "issue",
            "--achievement",
            s(&ach),
            "--learners",
            s(&one),
            "--out",
            s(&rdfc_dir),
        ],
    ));

    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&issued[0]).unwrap()).unwrap();
    assert_eq!(c["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(c["issuer"]["id"], did.as_str());
    assert!(c["id"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(c["credentialStatus"]["type"], "BitstringStatusListEntry");

    let mut all = issued.clone();
    all.extend(files(&jcs_dir));
    all.extend(files(&rdfc_dir));
    let args: Vec<&str> = std::iter::once("verify")
        .chain(all.iter().map(|p| s(p)))
        .collect();
    let v = wallet(&w, &args);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));

    // Maria's credential (row 1) has index 0: revoke it and let the wallet know.
    let maria = issued.iter().find(|p| s(p).contains("maria")).unwrap();
    ok(&issuer(&k, &["status", "revoke", s(&list), "0"]));
    ok(&wallet(&w, &["status", "import", s(&list)]));
    let v = wallet(&w, &["verify", "--json", s(maria)]);
    assert_eq!(v.status.code(), Some(4), "genuine, revoked: {}", stdout(&v));
    assert!(stdout(&v).contains("revoked"), "{}", stdout(&v));
    let piotr = issued.iter().find(|p| s(p).contains("piotr")).unwrap();
    assert_eq!(wallet(&w, &["verify", s(piotr)]).status.code(), Some(0));
    // Revocation is permanent: reinstating needs a suspension list.
    assert!(!issuer(&k, &["status", "reinstate", s(&list), "0"])
        .status
        .success());

    let mut for_js = files(&jcs_dir);
    for_js.extend(files(&rdfc_dir));
    for_js.push(list.clone());
    reference_verifies(&for_js);
}

#[test]
fn did_web_issuer_verifies_offline_after_did_import() {
    let t = tempfile::tempdir().unwrap();
    let (k, w) = (t.path().join("key"), t.path().join("wallet"));
    ok(&issuer(
        &k,
        &[
            "init",
            "--name",
            "Universidade do Litoral",
            "--country",
            "PT",
            "--web-domain",
            "ulitoral.example",
        ],
    ));
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(k.join("did.json")).unwrap()).unwrap();
    assert_eq!(doc["id"], "did:web:ulitoral.example");
    assert_eq!(doc["assertionMethod"][0], "did:web:ulitoral.example#key-1");
    assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");

    let ach = t.path().join("ach.json");
    std::fs::write(&ach, ACHIEVEMENT).unwrap();
    let csv = t.path().join("l.csv");
    std::fs::write(
        &csv,
        "name,issued,expires\nMaria Ionescu,2025-01-10,2030-01-10\n",
    )
    .unwrap();
    let list = t.path().join("susp.json");
    ok(&issuer(
        &k,
        &[
            "status",
            "create",
            "--out",
            s(&list),
            "--purpose",
            "suspension",
            "--size",
            "1024",
        ],
    ));
    let out_dir = t.path().join("out");
    ok(&issuer(
        &k,
        &[
            "issue",
            "--achievement",
            s(&ach),
            "--learners",
            s(&csv),
            "--out",
            s(&out_dir),
            "--status-list",
            s(&list),
        ],
    ));
    let cred = files(&out_dir).remove(0);
    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&cred).unwrap()).unwrap();
    assert_eq!(c["issuer"]["id"], "did:web:ulitoral.example");
    assert_eq!(
        c["proof"]["verificationMethod"],
        "did:web:ulitoral.example#key-1"
    );
    assert_eq!(
        c["credentialStatus"]["statusListCredential"],
        "https://ulitoral.example/status/susp"
    );
    assert_eq!(c["validUntil"], "2030-01-10T00:00:00Z");

    assert_eq!(wallet(&w, &["verify", s(&cred)]).status.code(), Some(2));
    ok(&wallet(&w, &["did", "import", s(&k.join("did.json"))]));
    ok(&wallet(&w, &["status", "import", s(&list)]));
    assert_eq!(wallet(&w, &["verify", s(&cred)]).status.code(), Some(0));
    ok(&issuer(&k, &["status", "suspend", s(&list), "0"]));
    ok(&wallet(&w, &["status", "import", s(&list)]));
    let suspended = wallet(&w, &["verify", s(&cred)]);
    assert_eq!(suspended.status.code(), Some(4), "genuine, suspended");
    assert!(
        stdout(&suspended).contains("GENUINE, SUSPENDED BY ITS ISSUER"),
        "{}",
        stdout(&suspended)
    );
    ok(&issuer(&k, &["status", "reinstate", s(&list), "0"]));
    ok(&wallet(&w, &["status", "import", s(&list)]));
    assert_eq!(wallet(&w, &["verify", s(&cred)]).status.code(), Some(0));
}

#[test]
fn rules_registry_and_catalogue_are_signed_and_accepted() {
    let t = tempfile::tempdir().unwrap();
    let (k, w) = (t.path().join("key"), t.path().join("wallet"));
    let init = issuer(
        &k,
        &[
            "init",
            "--name",
            "MicroCredX Network Office",
            "--country",
            "BE",
        ],
    );
    ok(&init);
    let did = stdout(&init).trim().to_string();
    let net = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/network/src");

    let rules_dir = net.join("qualifications");
    let mut signed = Vec::new();
    for r in files(&rules_dir) {
        let out = t.path().join(r.file_name().unwrap());
        ok(&issuer(&k, &["sign-rules", s(&r), "--out", s(&out)]));
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(
            microcredx::store::check_signed_by_issuer(&doc, "rules").unwrap(),
            did
        );
        signed.push(out);
    }
    assert!(signed.len() >= 4);
    let bad = t.path().join("bad.json");
    std::fs::write(&bad, r#"{"version": 1, "id": "x", "title": "x", "awardingBody": {"id": "did:web:x", "name": "X"}, "totalEcts": 5, "requirements": [], "allowshared": true}"#).unwrap();
    let o = issuer(
        &k,
        &["sign-rules", s(&bad), "--out", s(&t.path().join("bad.out"))],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("allowshared"), "{}", stderr(&o));

    let reg = t.path().join("registry.json");
    ok(&issuer(
        &k,
        &["registry", s(&net.join("members.json")), "--out", s(&reg)],
    ));
    let o = wallet(&w, &["registry", "import", s(&reg)]);
    ok(&o);
    // The page the members file names is what links open.
    let shown = wallet(&w, &["registry", "show"]);
    ok(&shown);
    assert!(
        stdout(&shown).contains("verifier page: https://verify.microcredx.example/ "),
        "{}",
        stdout(&shown)
    );
    let cat = t.path().join("catalogue.json");
    ok(&issuer(
        &k,
        &[
            "catalogue",
            s(&net.join("catalogue.json")),
            "--out",
            s(&cat),
        ],
    ));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&cat).unwrap()).unwrap();
    microcredx::store::check_signed_by_issuer(&doc, "catalogue").unwrap();
    assert!(
        microcredx::stack::parse_catalogue(&doc.to_string())
            .unwrap()
            .items
            .len()
            >= 25
    );

    signed.push(reg);
    signed.push(cat);
    reference_verifies(&signed);
}

/// Issue 15: grades written by `mcx issuer issue` (a letter with "Final grade", a German
/// number with a decimal comma, an Italian "28/30") pass the `minGrade` rules of a
/// qualification once imported into a fresh wallet, and a grade below the minimum still fails.
#[test]
fn issued_grades_meet_min_grade_rules_after_import() {
    let t = tempfile::tempdir().unwrap();
    let (k, w) = (t.path().join("key"), t.path().join("wallet"));
    let init = issuer(
        &k,
        &["init", "--name", "Hochschule Rheinau", "--country", "DE"],
    );
    ok(&init);
    let did = stdout(&init).trim().to_string();
    let out_dir = t.path().join("out");
    // (slug, title, keyword, grade name, learners table)
    let batches = [
        (
            "stats",
            "Statistics",
            "statistics",
            None,
            "name,grade\nMaria Ionescu,B\n",
        ),
        (
            "ethics",
            "Data ethics",
            "ethics",
            Some("Note (1,0 best – 4,0 pass)"),
            "name,grade\nMaria Ionescu,\"2,3\"\n",
        ),
        (
            "ml",
            "Machine learning",
            "statistics",
            None,
            "name,grade\nMaria Ionescu,E\n",
        ),
        (
            "viz",
            "Visualisation",
            "visualisation",
            Some("Voto"),
            "name,grade\nMaria Ionescu,28/30\n",
        ),
    ];
    for (slug, title, keyword, grade_name, learners) in batches {
        let mut spec = serde_json::json!({
            "id": format!("https://hs-rheinau.example/mc/{slug}"), "name": title,
            "description": format!("{title}, assessed by a written exam."), "ects": 5, "eqfLevel": 6,
            "assessmentType": "Written exam", "keywords": [keyword],
        });
        if let Some(g) = grade_name {
            spec["gradeName"] = g.into();
        }
        let ach = t.path().join(format!("{slug}.json"));
        std::fs::write(&ach, spec.to_string()).unwrap();
        let csv = t.path().join(format!("{slug}.csv"));
        std::fs::write(&csv, learners).unwrap();
        ok(&issuer(
            &k,
            &[
                "issue",
                "--achievement",
                s(&ach),
                "--learners",
                s(&csv),
                "--out",
                s(&out_dir),
            ],
        ));
    }

    // The view keeps the value apart from its label.
    let ethics = files(&out_dir)
        .into_iter()
        .find(|p| s(p).contains("data-ethics"))
        .unwrap();
    let v = wallet(&w, &["verify", "--json", s(&ethics)]);
    let view: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(view["credential"]["grade"], "2,3", "{view}");
    assert_eq!(
        view["credential"]["gradeLabel"],
        "Note (1,0 best – 4,0 pass)"
    );
    let text = stdout(&wallet(&w, &["verify", s(&ethics)]));
    assert!(text.contains("2,3 (Note (1,0 best"), "{text}");

    let rules = t.path().join("rules.json");
    let doc = serde_json::json!({
        "version": 1, "id": "https://hs-rheinau.example/q/data", "title": "Certificate in Data Analysis",
        "awardingBody": {"id": did, "name": "Hochschule Rheinau", "country": "DE"},
        "totalEcts": 15,
        "requirements": [
            {"id": "STATS", "kind": "ectsFrom", "ects": 5, "filter": {"keywords": ["statistics"],
                "minGrade": {"atLeast": "C", "scale": ["A", "B", "C", "D", "E"]}}},
            {"id": "ETHICS", "kind": "ectsFrom", "ects": 5, "filter": {"keywords": ["ethics"],
                "minGrade": {"atLeast": 2.3, "lowerIsBetter": true}}},
            {"id": "VIZ", "kind": "ectsFrom", "ects": 5, "filter": {"keywords": ["visualisation"],
                "minGrade": {"atLeast": 18, "outOf": 30}}}
        ]
    });
    std::fs::write(&rules, doc.to_string()).unwrap();
    let signed = t.path().join("rules.signed.json");
    ok(&issuer(&k, &["sign-rules", s(&rules), "--out", s(&signed)]));
    ok(&wallet(&w, &["import", s(&out_dir)]));
    ok(&wallet(&w, &["qualification", "import", s(&signed)]));

    let (out, r) = stack_json(&w, "https://hs-rheinau.example/q/data");
    let a = &r["audit"];
    let by_title = |title: &str| candidate(a, title);
    for (title, req) in [
        ("Statistics", "STATS"),
        ("Data ethics", "ETHICS"),
        ("Visualisation", "VIZ"),
    ] {
        assert_eq!(
            by_title(title)["countsToward"],
            serde_json::json!([req]),
            "{title}: {a}"
        );
    }
    let ml = by_title("Machine learning");
    assert_eq!(ml["counted"], false, "{ml}");
    assert!(
        ml["reasons"]
            .to_string()
            .contains("grade E is below the required C"),
        "{ml}"
    );
    assert_eq!(a["complete"], true, "{a}");
    assert_eq!(a["provenOptimal"], true, "{a}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// An SD-JWT VC "Digital Twins" (4 ECTS, grade 18/20), issued by `mcx issuer issue --format
/// sd-jwt` (with `type_metadata`, if given) to the P-256 key of the wallet `w`, imported there,
/// with the signed rules of the "Certificate in Industry 4.0" (4 ECTS of digital twins, grade at
/// least 12 of 20) and, if given, the type metadata.
fn sd_jwt_toward_industry(t: &Path, w: &Path, type_metadata: Option<&Path>) {
    let k = t.join("key");
    let init = issuer(
        &k,
        &[
            "init",
            "--name",
            "Universidade do Litoral",
            "--country",
            "PT",
        ],
    );
    ok(&init);
    let did = stdout(&init).trim().to_string();
    let info = stdout(&wallet(w, &["info"]));
    let holder = info
        .split_whitespace()
        .find(|w| w.starts_with("did:jwk:"))
        .unwrap_or_else(|| panic!("no did:jwk in {info}"))
        .to_string();
    let ach = t.join("ach.json");
    std::fs::write(
        &ach,
        serde_json::json!({"id": "https://ulitoral.example/mc/dt", "name": "Digital Twins",
            "description": "Modelling plants.", "ects": 4, "eqfLevel": 6,
            "keywords": ["digital twins"], "gradeName": "Final grade"})
        .to_string(),
    )
    .unwrap();
    let learners = t.join("learners.csv");
    std::fs::write(
        &learners,
        format!("id,name,grade\n{holder},Ana Sousa,18/20\n"),
    )
    .unwrap();
    let out_dir = t.join("out");
    let mut args = vec![
        "issue",
        "--achievement",
        s(&ach),
        "--learners",
        s(&learners),
        "--out",
        s(&out_dir),
        "--format",
        "sd-jwt",
    ];
    if let Some(m) = type_metadata {
        args.extend(["--type-metadata", s(m)]);
        ok(&wallet(w, &["trust", "import", s(m)]));
    }
    ok(&issuer(&k, &args));
    let credential = files(&out_dir)
        .into_iter()
        .find(|p| s(p).ends_with(".sd-jwt"))
        .unwrap();
    ok(&wallet(w, &["import", s(&credential)]));
    let rules = t.join("rules.json");
    let doc = serde_json::json!({
        "version": 1, "id": "https://ulitoral.example/q/industry", "title": "Certificate in Industry 4.0",
        "awardingBody": {"id": did, "name": "Universidade do Litoral", "country": "PT"},
        "totalEcts": 4,
        "requirements": [
            {"id": "TWINS", "kind": "ectsFrom", "ects": 4, "filter": {"keywords": ["digital twins"],
                "minGrade": {"atLeast": 12, "outOf": 20}}}
        ]
    });
    std::fs::write(&rules, doc.to_string()).unwrap();
    let signed = t.join("rules.signed.json");
    ok(&issuer(&k, &["sign-rules", s(&rules), "--out", s(&signed)]));
    ok(&wallet(w, &["qualification", "import", s(&signed)]));
}

/// Issue 18: an SD-JWT VC micro-credential, issued by `mcx issuer issue --format sd-jwt` to
/// the wallet's P-256 key, counts toward a qualification like any other credential: its ECTS
/// and its grade (18/20 against a rule of at least 12 out of 20) read from its disclosures.
#[test]
fn an_sd_jwt_micro_credential_stacks_toward_a_qualification() {
    let t = tempfile::tempdir().unwrap();
    let w = t.path().join("wallet");
    sd_jwt_toward_industry(t.path(), &w, None);
    let (_, r) = stack_json(&w, "https://ulitoral.example/q/industry");
    let a = &r["audit"];
    let twins = candidate(a, "Digital Twins");
    assert_eq!(twins["countsToward"], serde_json::json!(["TWINS"]), "{a}");
    assert_eq!(a["complete"], true, "{a}");
    assert_eq!(a["provenOptimal"], true, "{a}");
}

/// Issue 18: a PDF's progress toward a qualification counts what the PDF shows. With the ECTS
/// of an SD-JWT VC withheld (its type metadata lets the learner withhold them), the cover says
/// the qualification is not complete, though the wallet's own audit is; shown, it is complete.
#[test]
fn a_pdf_counts_toward_a_qualification_only_what_it_shows() {
    let t = tempfile::tempdir().unwrap();
    let w = t.path().join("wallet");
    let mut metadata: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/sd-jwt-vc/vctm_microcredential.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let claims = metadata["claims"].as_array_mut().unwrap();
    for c in claims.iter_mut() {
        if c["path"] == serde_json::json!(["credentialSubject", "achievement", "ECTS"]) {
            c["sd"] = "allowed".into();
        }
    }
    claims.push(serde_json::json!({
        "path": ["credentialSubject", "achievement", "creditsAvailable"], "sd": "allowed",
        "display": [{"lang": "en-US", "label": "ECTS credits"}]}));
    let meta = t.path().join("type-metadata.json");
    std::fs::write(&meta, metadata.to_string()).unwrap();
    sd_jwt_toward_industry(t.path(), &w, Some(&meta));
    let (_, r) = stack_json(&w, "https://ulitoral.example/q/industry");
    assert_eq!(r["audit"]["complete"], true, "{r}");

    let list: serde_json::Value =
        serde_json::from_slice(&wallet(&w, &["list", "--json"]).stdout).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let cover = |name: &str, disclose: Option<&str>| {
        let pdf = t.path().join(name);
        let mut args = vec![
            "export",
            "pdf",
            s(&pdf),
            "--all",
            "--qualification",
            "Industry 4.0",
        ];
        let chosen = disclose.map(|d| format!("{id}={d}"));
        if let Some(c) = &chosen {
            args.extend(["--disclose", c.as_str()]);
        }
        ok(&wallet(&w, &args));
        let out = std::process::Command::new("pdftotext")
            .args(["-l", "1"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) runs");
        String::from_utf8_lossy(&out.stdout).replace('\n', " ")
    };
    let shown = cover("shown.pdf", None);
    assert!(
        shown.contains("Progress toward Certificate in Industry 4.0"),
        "{shown}"
    );
    assert!(
        shown.contains("Complete: every requirement is met."),
        "{shown}"
    );
    assert!(
        shown.contains("over the credential in this portfolio"),
        "{shown}"
    );
    let withheld = cover("withheld.pdf", Some("credentialSubject.achievement.name"));
    assert!(withheld.contains("Not complete yet."), "{withheld}");
    assert!(
        !withheld.contains("Complete: every requirement"),
        "{withheld}"
    );
}
