//! Sharing: signed presentations and PDF portfolios exported from the demo wallet, checked by
//! `mcx verify`, the JS reference verifier (when `MCX_INTEROP` is set), pdftotext and zbarimg.

use crate::util::{run, stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn demo_wallet() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&tmp.path().join("w"), &["demo", "load"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    tmp
}

fn verify_json(wallet: &Path, file: &Path) -> (i32, Value) {
    let out = run(wallet, &["verify", "--json", file.to_str().unwrap()]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn a_presentation_of_the_valid_credentials_verifies() {
    let t = demo_wallet();
    let w = t.path().join("w");
    let vp = t.path().join("vp.json");
    let out = run(
        &w,
        &[
            "export",
            "vp",
            vp.to_str().unwrap(),
            "--all",
            "--challenge",
            "c-1",
            "--domain",
            "employer.example",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&vp).unwrap()).unwrap();
    assert_eq!(doc["type"][0], "VerifiablePresentation");
    assert_eq!(doc["proof"]["proofPurpose"], "authentication");
    assert_eq!(doc["proof"]["challenge"], "c-1");
    let (code, v) = verify_json(&w, &vp);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "valid");
    let steps = v["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["step"] == "issuer-identity"
        && s["status"] == "pass"
        && s["message"].as_str().unwrap().contains("holder")));
    let embedded = v["embedded"].as_array().unwrap();
    assert_eq!(embedded.len(), 8);
    assert!(embedded.iter().all(|e| e["verdict"] == "valid"));
}

#[test]
fn a_presentation_is_checked_against_the_challenge_and_domain_its_verifier_expects() {
    let t = demo_wallet();
    let w = t.path().join("w");
    let vp = t.path().join("vp.json");
    let out = run(
        &w,
        &[
            "export",
            "vp",
            vp.to_str().unwrap(),
            "--all",
            "--challenge",
            "c-1",
            "--domain",
            "employer.example",
            "--expires",
            "2099-01-01",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let p = vp.to_str().unwrap();
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--json"];
        args.extend_from_slice(extra);
        args.push(p);
        let out = run(&w, &args);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), v)
    };
    let said = |v: &Value, status: &str, text: &str| {
        v["steps"].as_array().unwrap().iter().any(|s| {
            s["status"] == status && s["message"].as_str().unwrap_or_default().contains(text)
        })
    };
    // What the verifier gave: answered.
    let (code, v) = verify(&["--challenge", "c-1", "--domain", "employer.example"]);
    assert_eq!(code, 0, "{v}");
    assert!(said(&v, "pass", "answers your challenge \"c-1\""), "{v}");
    assert!(
        said(&v, "pass", "meant for your domain \"employer.example\""),
        "{v}"
    );
    // Another exchange's challenge, another verifier's domain: a replay, invalid.
    let (code, v) = verify(&["--challenge", "c-2"]);
    assert_ne!(code, 0);
    assert_eq!(v["verdict"], "invalid");
    assert!(
        said(
            &v,
            "fail",
            "made for the challenge \"c-1\", not for \"c-2\""
        ),
        "{v}"
    );
    let (_, v) = verify(&["--domain", "other.example"]);
    assert_eq!(v["verdict"], "invalid");
    assert!(
        said(&v, "fail", "meant for the domain \"employer.example\""),
        "{v}"
    );
    // Nothing expected: nothing checked, and the embedded credentials' own proofs are never
    // held to the presentation's challenge.
    let (code, v) = verify(&[]);
    assert_eq!(code, 0, "{v}");
    assert!(!said(&v, "pass", "challenge"), "{v}");
    let (_, v) = verify(&["--challenge", "c-1"]);
    assert!(v["embedded"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["verdict"] == "valid"));
    // After the proof's own end: expired, not forged.
    let old = t.path().join("old.json");
    let out = run(
        &w,
        &[
            "export",
            "vp",
            old.to_str().unwrap(),
            "--all",
            "--expires",
            "2020-01-01",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = run(&w, &["verify", "--json", old.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "inactive", "{v}");
    assert!(said(&v, "fail", "for use until 1 January 2020 only"), "{v}");
}

#[test]
fn invalid_credentials_are_refused_by_name() {
    let t = demo_wallet();
    let w = t.path().join("w");
    // A changed copy of a demo credential, kept with --force.
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/network/credentials/industry-4-0-fundamentals-maria-ionescu-1.json"),
    )
    .unwrap();
    let mut forged: Value = serde_json::from_str(&src).unwrap();
    forged["id"] = "urn:uuid:0f0f0f0f-0000-4000-8000-000000000001".into();
    forged["credentialSubject"]["achievement"]["name"] = "Forged Fundamentals".into();
    let file = t.path().join("forged.json");
    std::fs::write(&file, forged.to_string()).unwrap();
    assert!(run(&w, &["import", "--force", file.to_str().unwrap()])
        .status
        .success());
    let list: Value = serde_json::from_slice(&run(&w, &["list", "--json"]).stdout).unwrap();
    let bad = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["verdict"] == "invalid")
        .unwrap();
    let out = run(
        &w,
        &[
            "export",
            "vp",
            t.path().join("x.json").to_str().unwrap(),
            "--ids",
            bad["id"].as_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(bad["title"].as_str().unwrap()),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("only verified credentials"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_import_says_when_nothing_confirms_who_the_issuer_is() {
    let t = demo_wallet();
    let w = t.path().join("w");
    let dir = t.path().join("self-made");
    rdfc_credentials(&dir, 1);
    // A fresh key that calls itself a university: genuine, but no registry names it.
    let out = run(&w, &["import", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("[issuer not confirmed: no registry names it"),
        "{}",
        stdout(&out)
    );
    let again = t.path().join("again");
    rdfc_credentials(&again, 2);
    let out = run(&w, &["import", "--json", again.to_str().unwrap()]);
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    let imported: Vec<&Value> = reports
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"]["outcome"] == "imported")
        .collect();
    // r0 has the id of the first one but another key: refused; r1 is new.
    assert_eq!(imported.len(), 1, "{reports}");
    assert!(imported
        .iter()
        .all(|r| r["outcome"]["unconfirmedIssuer"] == true));
    // The demo network's registry members are never flagged; the self-made ones always are.
    let list: Value = serde_json::from_slice(&run(&w, &["list", "--json"]).stdout).unwrap();
    let rows = list.as_array().unwrap();
    let members: Vec<&Value> = rows
        .iter()
        .filter(|r| r["issuerId"].as_str().unwrap().starts_with("did:web:"))
        .collect();
    assert!(members.len() >= 8, "{list}");
    assert!(
        members.iter().all(|r| r["unconfirmedIssuer"] == false),
        "{list}"
    );
    let made: Vec<&Value> = rows
        .iter()
        .filter(|r| r["issuer"] == "Universität Beispielstadt")
        .collect();
    assert_eq!(made.len(), 2, "{list}");
    assert!(
        made.iter().all(|r| r["unconfirmedIssuer"] == true),
        "{list}"
    );
}

fn rdfc_credentials(dir: &Path, n: usize) {
    use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let key = KeyPair::generate();
    for i in 0..n {
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:7a1d7c36-0000-4000-8000-{i:012}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": key.did(), "type": ["Profile"], "name": "Universität Beispielstadt"},
            "validFrom": "2025-03-01T00:00:00Z",
            "name": format!("Robotics {i}"),
            "credentialSubject": {"type": ["AchievementSubject"], "name": "Zoë Ångström",
              "achievement": {"id": format!("https://uni.example/a/{i}"), "type": ["Achievement"],
                "name": format!("Robotics {i}"), "description": "Robots.", "criteria": {"narrative": "Exam."}}}
        });
        let opts = di::SignOptions {
            suite: di::Suite::EddsaRdfc2022,
            purpose: "assertionMethod".into(),
            created: chrono::Utc::now(),
            challenge: None,
            domain: None,
            expires: None,
        };
        let signed = di::sign(&doc, &key, &opts, &ContextLoader::bundled()).unwrap();
        std::fs::write(
            dir.join(format!("r{i}.json")),
            serde_json::to_vec(&signed).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn the_presentation_verifies_in_the_js_reference() {
    let Some(interop) = std::env::var_os("MCX_INTEROP") else {
        eprintln!(
            "note: MCX_INTEROP is not set; the JS reference check of presentations was skipped"
        );
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let w = t.path().join("w");
    // The reference checks embedded credentials with the presentation's own suite, so each
    // presentation holds credentials of that suite.
    let cases = [
        ("rdfc", t.path().join("rdfc")),
        ("jcs", t.path().join("jcs")),
    ];
    rdfc_credentials(&cases[0].1, 2);
    crate::util::signed_credentials(&cases[1].1, 2, "Zoë Ångström");
    for (suite, dir) in &cases {
        let wallet = w.join(suite);
        let out = run(&wallet, &["import", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let vp = t.path().join(format!("vp-{suite}.json"));
        let out = run(
            &wallet,
            &[
                "export",
                "vp",
                vp.to_str().unwrap(),
                "--all",
                "--suite",
                suite,
                "--challenge",
                "abc",
            ],
        );
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
        let out = Command::new("node")
            .arg(Path::new(&interop).join("reference.mjs"))
            .args(["verify", vp.to_str().unwrap()])
            .env("INTEROP_FIXTURES", fixtures)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{suite}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("-v").output().is_ok()
}

#[test]
fn the_pdf_portfolio_shows_verifies_and_detects_edits() {
    let t = demo_wallet();
    let w = t.path().join("w");
    let pdf = t.path().join("portfolio.pdf");
    let out = run(
        &w,
        &[
            "export",
            "pdf",
            pdf.to_str().unwrap(),
            "--all",
            "--qualification",
            "Industry 4.0",
            "--base",
            "https://verify.network.example/",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // The fonts are subset: 8 credentials come to well under the 1.4 MB of the whole fonts.
    assert!(bytes.len() < 300_000, "{} bytes", bytes.len());

    let (code, v) = verify_json(&w, &pdf);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["embedded"].as_array().unwrap().len(), 8);
    // In words: the headline counts the issuers nothing confirms, each credential says its own
    // standing, and who presented them is named.
    let said = stdout(&run(&w, &["verify", pdf.to_str().unwrap()]));
    assert!(
        said.contains("VALID SIGNATURES, 1 OF 8 ISSUERS NOT CONFIRMED"),
        "{said}"
    );
    assert!(said.contains("presented by"), "{said}");
    assert!(said.contains("Academia Abierta de Competencias"), "{said}");

    if have("pdftotext") {
        let text = stdout(
            &Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap(),
        );
        let list: Value = serde_json::from_slice(&run(&w, &["list", "--json"]).stdout).unwrap();
        for r in list
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["verdict"] == "valid")
        {
            let title = r["title"].as_str().unwrap();
            assert!(text.replace('\n', " ").contains(title), "{title} missing");
        }
        // The demo's provider outside the network is never presented as identified.
        let flat = text.replace('\n', " ");
        assert!(
            flat.contains("Genuine signature · issuer not confirmed"),
            "the PDF says which issuer nothing confirms"
        );
        for label in [
            "Awarding body",
            "Type of assessment",
            "Form of participation",
            "Quality assurance",
            "Learning outcomes",
            "Maria Ionescu",
            "Page 2 of",
            "Progress toward",
        ] {
            assert!(text.contains(label), "{label} missing");
        }
    } else {
        eprintln!("note: pdftotext not installed; page text not checked");
    }

    if have("pdftoppm") && Command::new("zbarimg").arg("--version").output().is_ok() {
        let prefix = t.path().join("page");
        let out = Command::new("pdftoppm")
            // 300 dpi, as a phone camera sees a printed page; the modules are 0.4 mm.
            .args(["-r", "300", "-png", "-f", "1", "-l", "2"])
            .arg(&pdf)
            .arg(&prefix)
            .output()
            .unwrap();
        assert!(out.status.success());
        // pdftoppm numbers the pages with as many digits as the document's page count needs.
        let mut pages: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("page-")
            })
            .collect();
        pages.sort();
        assert_eq!(pages.len(), 2, "{pages:?}");
        let decoded = stdout(
            &Command::new("zbarimg")
                // QR codes only: its other symbologies see bars in a code's modules now and then.
                .args(["-q", "-Sdisable", "-Sqrcode.enable"])
                .args(&pages)
                .output()
                .unwrap(),
        );
        // The cover's code opens the page with the instruction to open the PDF (eight
        // credentials are too many for one code); the first credential's opens the page on
        // that credential alone, which verifies.
        assert!(
            decoded.contains("QR-Code:https://verify.network.example/#pdf"),
            "{decoded}"
        );
        let link = decoded
            .lines()
            .find_map(|l| l.strip_prefix("QR-Code:").filter(|l| l.contains("#vp=")))
            .unwrap_or_else(|| panic!("no credential link in {decoded}"));
        let v = microcredx::verify::verify_bytes(
            link.as_bytes(),
            &microcredx::verify::Env::default(),
            chrono::Utc::now(),
        )
        .unwrap();
        assert!(!v.format.label().is_empty());
        assert!(
            v.embedded.is_empty(),
            "a credential alone, not a presentation"
        );
        assert!(v.credential.title.is_some());
    } else {
        eprintln!("note: pdftoppm/zbarimg not installed; QR codes not decoded");
    }

    // An edited attachment, then an altered manifest: both invalid.
    for (target, from, to) in [
        (
            "presentation.json",
            "Industrial Robotics and Automation",
            "Industrial Robotics and Automatiom",
        ),
        (
            "manifest.json",
            "Industrial Robotics and Automation",
            "Quantum Robotics and Automation",
        ),
    ] {
        let edited = t.path().join(format!("edited-{target}.pdf"));
        std::fs::write(&edited, edit_attachment(&bytes, target, from, to)).unwrap();
        let (code, v) = verify_json(&w, &edited);
        assert_eq!(code, 1, "{target}: {v}");
        assert_eq!(v["verdict"], "invalid");
    }
}

/// Replace text inside one attachment of the PDF and save it again.
fn edit_attachment(pdf: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut edited = false;
    let ids: Vec<_> = doc.objects.keys().copied().collect();
    for id in ids {
        let Ok(spec) = doc.get_dictionary(id) else {
            continue;
        };
        if spec.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Filespec".as_slice()) {
            continue;
        }
        if spec.get(b"F").and_then(|f| f.as_str()).ok() != Some(name.as_bytes()) {
            continue;
        }
        let file = spec
            .get(b"EF")
            .unwrap()
            .as_dict()
            .unwrap()
            .get(b"F")
            .unwrap()
            .as_reference()
            .unwrap();
        let stream = doc.get_object_mut(file).unwrap().as_stream_mut().unwrap();
        let text = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
        assert!(text.contains(from));
        stream.set_plain_content(text.replacen(from, to, 1).into_bytes());
        edited = true;
    }
    assert!(edited);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_presentation_must_be_signed_by_its_holder_for_authentication() {
    use microcredx::proof::{contexts::ContextLoader, di, keys::KeyPair};
    let t = demo_wallet();
    let w = t.path().join("w");
    let vp = t.path().join("vp.json");
    let out = run(&w, &["export", "vp", vp.to_str().unwrap(), "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&vp).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("proof");
    let key = KeyPair::generate();
    let sign = |doc: &Value, purpose: &str| {
        let opts = di::SignOptions {
            suite: di::Suite::EddsaJcs2022,
            purpose: purpose.into(),
            created: chrono::Utc::now(),
            challenge: None,
            domain: None,
            expires: None,
        };
        di::sign(doc, &key, &opts, &ContextLoader::bundled()).unwrap()
    };
    // Someone else's key over the learner's holder id.
    let other = sign(&doc, "authentication");
    // The holder's own key, but for the wrong purpose.
    doc["holder"] = key.did().into();
    let wrong_purpose = sign(&doc, "assertionMethod");
    for (case, signed, phrase) in [
        ("other signer", other, "not of the holder"),
        ("wrong purpose", wrong_purpose, "not \"authentication\""),
    ] {
        let file = t.path().join(format!("{case}.json"));
        std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
        let (code, v) = verify_json(&w, &file);
        assert_eq!(code, 1, "{case}: {v}");
        assert!(
            v["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["step"] == "issuer-identity"
                    && s["status"] == "fail"
                    && s["message"].as_str().unwrap().contains(phrase)),
            "{case}: {v}"
        );
    }
}

#[test]
fn a_jwt_credential_goes_in_enveloped_and_unverified_ones_need_consent() {
    let t = tempfile::tempdir().unwrap();
    let w = t.path().join("w");
    let jwt = crate::util::shared_fixture("1edtech-ob30/simple.jwt");
    let out = run(&w, &["import", "--force", jwt.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let vp = t.path().join("vp.json");
    let refused = run(&w, &["export", "vp", vp.to_str().unwrap(), "--all"]);
    assert!(!refused.status.success());
    let out = run(
        &w,
        &[
            "export",
            "vp",
            vp.to_str().unwrap(),
            "--all",
            "--allow-unverified",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&std::fs::read(&vp).unwrap()).unwrap();
    let env = &doc["verifiableCredential"][0];
    assert_eq!(env["type"][0], "EnvelopedVerifiableCredential");
    let original = std::fs::read_to_string(&jwt).unwrap();
    assert_eq!(
        env["id"].as_str().unwrap(),
        format!("data:application/vc+jwt,{}", original.trim())
    );
    let (_, v) = verify_json(&w, &vp);
    assert_eq!(v["embedded"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["embedded"][0]["format"], "vc-jwt", "{v}");
}

#[test]
fn a_learner_record_clr_associates_what_counts_toward_a_qualification() {
    let t = demo_wallet();
    let w = t.path().join("w");
    let clr = t.path().join("clr.json");
    let out = run(
        &w,
        &[
            "export",
            "clr",
            clr.to_str().unwrap(),
            "--all",
            "--qualification",
            "Industry 4.0",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("associated with the qualification"));
    let doc: Value = serde_json::from_slice(&std::fs::read(&clr).unwrap()).unwrap();
    assert_eq!(doc["type"][1], "ClrCredential");
    let subject = &doc["credentialSubject"];
    assert_eq!(subject["verifiableCredential"].as_array().unwrap().len(), 8);
    let qualification = &subject["achievement"][0];
    assert_eq!(qualification["name"], "Certificate in Industry 4.0");
    // Every association points from the qualification to the achievement of a credential
    // inside the record, and the stacking engine's count agrees.
    let inside: Vec<&str> = subject["verifiableCredential"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["credentialSubject"]["achievement"]["id"].as_str())
        .collect();
    let assoc = subject["association"].as_array().unwrap();
    assert!(!assoc.is_empty());
    for a in assoc {
        assert_eq!(a["sourceId"], qualification["id"]);
        assert_eq!(a["associationType"], "isParentOf");
        assert!(inside.contains(&a["targetId"].as_str().unwrap()), "{a}");
    }
    let stack = run(&w, &["stack", "Industry 4.0", "--json"]);
    let audit: Value = serde_json::from_slice(&stack.stdout).unwrap();
    let counted = audit["audit"]["candidates"]
        .as_array()
        .or_else(|| audit["candidates"].as_array())
        .unwrap()
        .iter()
        .filter(|c| c["counted"] == true)
        .count();
    assert_eq!(assoc.len(), counted);

    let (code, v) = verify_json(&w, &clr);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["format"], "clr2");
    assert_eq!(v["embedded"].as_array().unwrap().len(), 8);
    let mut edited = doc.clone();
    edited["credentialSubject"]["association"][0]["targetId"] =
        "https://elsewhere.example/x".into();
    std::fs::write(&clr, serde_json::to_vec(&edited).unwrap()).unwrap();
    let (_, v) = verify_json(&w, &clr);
    assert_eq!(
        v["verdict"], "invalid",
        "an edited association breaks the learner's signature"
    );

    if let Some(interop) = std::env::var_os("MCX_INTEROP") {
        std::fs::write(&clr, serde_json::to_vec(&doc).unwrap()).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
        let out = Command::new("node")
            .arg(Path::new(&interop).join("reference.mjs"))
            .args(["verify", clr.to_str().unwrap()])
            .env("INTEROP_FIXTURES", fixtures)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    }
}
