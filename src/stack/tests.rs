//! The stacking case table: every `tests/fixtures/stack/cases/*.json` file holds rules,
//! compact candidates and the expected audit (and optionally a what-if and a suggestion).
//!
//! This file owns only the loader and the comparisons; it must not hold cases itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::model::{GradeScale, Party, Skill};

/// A skill as a case file writes it: a label or a URI (a URI is also its name), or both.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum CompactSkill {
    /// A label, or a URI (starting with "http").
    Text(String),
    /// A label linked to a URI.
    Linked { name: String, uri: String },
}

/// A credential as a case file writes it.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub(super) struct Compact {
    pub id: String,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub ects: Option<f64>,
    pub eqf: Option<u8>,
    pub keywords: Vec<String>,
    pub skills: Vec<CompactSkill>,
    pub learning_outcomes: Vec<String>,
    pub achievement_id: Option<String>,
    pub achievement_type: Option<String>,
    pub issued: Option<String>,
    pub valid_until: Option<String>,
    pub grade: Option<String>,
    /// The grade's label (the result description's name).
    pub grade_label: Option<String>,
    /// The top of the credential's own grade scale (`valueMax`).
    pub grade_max: Option<String>,
    pub assessment_type: Option<String>,
    pub supervision: Option<String>,
    pub verdict: Option<Verdict>,
    pub revoked: bool,
    pub expired: bool,
    pub forced: bool,
    pub hypothetical: bool,
}

impl Compact {
    pub(super) fn candidate(&self) -> Candidate {
        let credential = MicroCredential {
            title: self.title.clone(),
            issuer: Party {
                id: self.issuer.clone(),
                name: self.issuer_name.clone(),
                country: None,
            },
            ects: self.ects,
            eqf_level: self.eqf,
            keywords: self.keywords.clone(),
            skills: self
                .skills
                .iter()
                .map(|s| match s {
                    CompactSkill::Text(s) => Skill {
                        name: s.clone(),
                        uri: s.starts_with("http").then(|| s.clone()),
                        framework: None,
                    },
                    CompactSkill::Linked { name, uri } => Skill {
                        name: name.clone(),
                        uri: Some(uri.clone()),
                        framework: uri.contains("/esco/").then(|| "ESCO".to_string()),
                    },
                })
                .collect(),
            learning_outcomes: self.learning_outcomes.clone(),
            achievement_id: self.achievement_id.clone(),
            achievement_type: self.achievement_type.clone(),
            issued: self.issued.clone().or_else(|| Some("2025-06-01".into())),
            valid_until: self.valid_until.clone(),
            grade: self.grade.clone(),
            grade_label: self.grade_label.clone(),
            grade_scale: self.grade_max.clone().map(|max| GradeScale {
                max: Some(max),
                ..GradeScale::default()
            }),
            assessment_type: self.assessment_type.clone(),
            supervision: self.supervision.clone(),
            ..MicroCredential::default()
        };
        Candidate {
            id: self.id.clone(),
            credential,
            verdict: self.verdict.unwrap_or(Verdict::Valid),
            revoked: self.revoked,
            expired: self.expired,
            forced: self.forced,
            hypothetical: self.hypothetical,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct Expected {
    complete: Option<bool>,
    ects_counted: Option<f64>,
    proven_optimal: Option<bool>,
    /// candidate id → requirement ids it counts toward (empty: not counted).
    counts: BTreeMap<String, Vec<String>>,
    /// candidate id → substrings its reasons must contain.
    reasons: BTreeMap<String, Vec<String>>,
    /// requirement id → "met" / "partlyMet" / "unmet".
    status: BTreeMap<String, String>,
    /// substrings of `missing`.
    missing: Vec<String>,
    /// counting-rule substrings, by candidate id.
    rules: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedSuggestion {
    items: Vec<String>,
    extra_ects: f64,
    achievable: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    #[allow(dead_code)]
    description: String,
    now: String,
    #[serde(default)]
    network: Vec<String>,
    rules: serde_json::Value,
    candidates: Vec<Compact>,
    expected: Expected,
    #[serde(default)]
    what_if: Option<Expected>,
    #[serde(default)]
    catalogue: Option<serde_json::Value>,
    #[serde(default)]
    suggestion: Option<ExpectedSuggestion>,
}

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stack/cases")
}

fn find_req<'a>(rs: &'a [RequirementAudit], id: &str) -> Option<&'a RequirementAudit> {
    rs.iter().find_map(|r| {
        (r.id == id)
            .then_some(r)
            .or_else(|| find_req(&r.children, id))
    })
}

fn check(name: &str, what: &str, a: &Audit, e: &Expected) -> Vec<String> {
    let mut errs = Vec::new();
    let mut err = |m: String| errs.push(format!("{name} ({what}): {m}"));
    if let Some(c) = e.complete {
        if a.complete != c {
            err(format!("complete is {}, expected {c}", a.complete));
        }
    }
    if let Some(x) = e.ects_counted {
        if (a.ects_counted - x).abs() > 1e-9 {
            err(format!("ectsCounted is {}, expected {x}", a.ects_counted));
        }
    }
    if a.proven_optimal != e.proven_optimal.unwrap_or(true) {
        err(format!("provenOptimal is {}", a.proven_optimal));
    }
    for (cid, want) in &e.counts {
        let Some(c) = a.candidates.iter().find(|c| &c.id == cid) else {
            err(format!("no candidate {cid}"));
            continue;
        };
        let mut got = c.counts_toward.clone();
        got.sort();
        let mut want = want.clone();
        want.sort();
        if got != want {
            err(format!("{cid} counts toward {got:?}, expected {want:?}"));
        }
    }
    for (cid, subs) in &e.reasons {
        let reasons = a
            .candidates
            .iter()
            .find(|c| &c.id == cid)
            .map(|c| c.reasons.join(" | "))
            .unwrap_or_default();
        for s in subs.iter().filter(|s| !reasons.contains(s.as_str())) {
            err(format!("{cid}: reasons \"{reasons}\" lack \"{s}\""));
        }
    }
    for (rid, want) in &e.status {
        match find_req(&a.requirements, rid) {
            Some(r) => {
                let got = serde_json::to_value(r.status).unwrap();
                if got != serde_json::Value::String(want.clone()) {
                    err(format!("{rid} is {got}, expected {want}"));
                }
            }
            None => err(format!("no requirement {rid}")),
        }
    }
    let missing = a.missing.join(" | ");
    for s in e.missing.iter().filter(|s| !missing.contains(s.as_str())) {
        err(format!("missing \"{missing}\" lacks \"{s}\""));
    }
    let mut all_rules = BTreeMap::<String, String>::new();
    fn walk(rs: &[RequirementAudit], out: &mut BTreeMap<String, String>) {
        for r in rs {
            for c in &r.counted {
                out.entry(c.candidate_id.clone())
                    .or_default()
                    .push_str(&format!("{} | ", c.rule));
            }
            walk(&r.children, out);
        }
    }
    walk(&a.requirements, &mut all_rules);
    for (cid, subs) in &e.rules {
        let got = all_rules.get(cid).cloned().unwrap_or_default();
        for s in subs.iter().filter(|s| !got.contains(s.as_str())) {
            err(format!("{cid}: rules \"{got}\" lack \"{s}\""));
        }
    }
    errs
}

#[test]
fn case_table() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("the case folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 12,
        "at least 12 cases, found {}",
        files.len()
    );
    let mut errs = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let case: Case =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: bad case: {e}"));
        let rules = parse_rules(&case.rules.to_string())
            .unwrap_or_else(|e| panic!("{name}: bad rules: {e}"));
        let now = chrono::DateTime::parse_from_rfc3339(&case.now)
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut ctx = AuditContext::new(now, case.network.clone());
        let cands: Vec<Candidate> = case.candidates.iter().map(Compact::candidate).collect();
        let a = audit(&rules, &cands, &ctx);
        // The output is what the UI gets: it must serialise.
        serde_json::to_string(&a).unwrap();
        errs.extend(check(&name, "audit", &a, &case.expected));
        if let Some(w) = &case.what_if {
            ctx.what_if = true;
            let a = audit(&rules, &cands, &ctx);
            errs.extend(check(&name, "what-if", &a, w));
            ctx.what_if = false;
        }
        if let (Some(cat), Some(want)) = (&case.catalogue, &case.suggestion) {
            let cat = parse_catalogue(&cat.to_string()).unwrap();
            let s = suggest(&rules, &cands, &ctx, &cat);
            // Given the audit it would make itself, it suggests the same.
            let after = suggest_after(&rules, &cands, &ctx, &cat, a.clone());
            if serde_json::to_value(&after).unwrap() != serde_json::to_value(&s).unwrap() {
                errs.push(format!("{name}: suggest_after differs from suggest"));
            }
            let mut got: Vec<String> = s.items.iter().map(|i| i.id.clone()).collect();
            got.sort();
            let mut items = want.items.clone();
            items.sort();
            if got != items
                || (s.extra_ects - want.extra_ects).abs() > 1e-9
                || s.achievable != want.achievable
                || !s.proven_optimal
            {
                errs.push(format!(
                    "{name} (suggestion): got {got:?} {} ECTS achievable={} proven={} ({})",
                    s.extra_ects, s.achievable, s.proven_optimal, s.summary
                ));
            }
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn rules_reject_bad_documents() {
    let ok = r#"{"version":1,"id":"q","title":"Q","awardingBody":{"id":"a","name":"A"},
        "totalEcts":5,"requirements":[{"id":"R1","kind":"ectsFrom","ects":5}],
        "proof":{"type":"DataIntegrityProof"},"issuer":"did:web:a"}"#;
    assert!(parse_rules(ok).is_ok());
    for (bad, why) in [
        (ok.replace("\"version\":1", "\"version\":2"), "version"),
        (
            ok.replace("\"ects\":5}", "\"ects\":5,\"colour\":1}"),
            "colour",
        ),
        (
            ok.replace("\"kind\":\"ectsFrom\",\"ects\":5", "\"kind\":\"nOf\""),
            "nOf",
        ),
        (ok.replace(",\"ects\":5}", "}"), "needs ects"),
    ] {
        let e = parse_rules(&bad).unwrap_err().to_string();
        assert!(e.contains(why), "{e} should mention {why}");
    }
}

#[test]
fn doc_examples_parse_and_audit() {
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/stacking.md"))
            .unwrap();
    let blocks: Vec<&str> = doc
        .split("```json\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks.len(), 2, "two rules examples in docs/stacking.md");
    let rules: Vec<QualificationRules> = blocks.iter().map(|b| parse_rules(b).unwrap()).collect();
    let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let ctx = AuditContext::new(now, ["did:web:uni-x.es".to_string()]);
    let hs = "did:web:hs-rheinau.de";
    let cands: Vec<Candidate> = [
        ("m1", hs, "https://hs-rheinau.de/modules/M1", 5.0, vec![]),
        (
            "ux",
            "did:web:uni-x.es",
            "https://uni-x.es/cursos/etica-datos",
            6.0,
            vec![],
        ),
        (
            "ml",
            hs,
            "https://hs-rheinau.de/c/ml",
            12.0,
            vec!["machine learning"],
        ),
        ("e1", hs, "https://hs-rheinau.de/modules/E1", 5.0, vec![]),
        (
            "ds",
            hs,
            "https://hs-rheinau.de/c/ds",
            8.0,
            vec!["data science"],
        ),
    ]
    .into_iter()
    .map(|(id, iss, aid, ects, kw)| Compact {
        id: id.into(),
        issuer: Some(iss.into()),
        achievement_id: Some(aid.into()),
        ects: Some(ects),
        eqf: Some(6),
        keywords: kw.into_iter().map(String::from).collect(),
        ..Compact::default()
    })
    .map(|c| c.candidate())
    .collect();
    let a = audit(&rules[0], &cands, &ctx);
    assert!(a.complete, "{:?}", a.missing);
    // 5 + 6 + 10 (of 12: at most 10 per credential) + 5 + 8
    assert_eq!(a.ects_counted, 34.0);
    let ux = a.candidates.iter().find(|c| c.id == "ux").unwrap();
    assert_eq!(ux.counts_toward, vec!["M3".to_string()]);
}

#[test]
fn audit_types_export_to_typescript() {
    use ts_rs::TS;
    let cfg = ts_rs::Config::default();
    let audit = Audit::export_to_string(&cfg).unwrap();
    assert!(audit.contains("provenOptimal: boolean"), "{audit}");
    assert!(audit.contains("nodesExplored: number"), "{audit}");
    let req = RequirementAudit::export_to_string(&cfg).unwrap();
    assert!(req.contains("children: Array<RequirementAudit>"), "{req}");
    assert!(Suggestion::export_to_string(&cfg)
        .unwrap()
        .contains("extraEcts"));
}

#[test]
fn ects_totals_are_exact_and_an_empty_total_is_zero() {
    let none = ects_total(std::iter::empty());
    assert!(
        none == 0.0 && none.is_sign_positive(),
        "an empty total printed as -0"
    );
    assert_eq!(format!("{}", ects_total([0.1, 0.2])), "0.3");
    assert_eq!(
        ects_total([2.5, 5.0, f64::NAN, -3.0]),
        7.5,
        "nonsense values count as 0"
    );
}
