//! Grades as institutions across Europe write them, read against `minGrade` rules (issue 15:
//! grades issued by `mcx issuer issue` never passed a `minGrade` rule).
//!
//! This file owns only these checks; the audit-level cases are in
//! `tests/fixtures/stack/cases/` (19-grades-as-written.json).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::grade::check;
use super::rules::{GradeRule, GradeValue};
use crate::model::GradeScale;

fn letters(min: &str) -> GradeRule {
    scale(min, &["A", "B", "C", "D", "E"])
}

fn scale(min: &str, entries: &[&str]) -> GradeRule {
    GradeRule {
        at_least: GradeValue::Text(min.into()),
        lower_is_better: false,
        out_of: None,
        scale: entries.iter().map(|s| s.to_string()).collect(),
    }
}

fn numeric(min: f64, lower_is_better: bool, out_of: Option<f64>) -> GradeRule {
    GradeRule {
        at_least: GradeValue::Number(min),
        lower_is_better,
        out_of,
        scale: Vec::new(),
    }
}

fn assert_passes(rule: &GradeRule, grades: &[&str]) {
    for g in grades {
        assert_eq!(check(rule, g, None), Ok(()), "{g:?} against {rule:?}");
    }
}

fn assert_fails(rule: &GradeRule, cases: &[(&str, &str)]) {
    for (g, why) in cases {
        match check(rule, g, None) {
            Ok(()) => panic!("{g:?} passed {rule:?}"),
            Err(e) => assert!(e.contains(*why), "{g:?}: \"{e}\" lacks \"{why}\""),
        }
    }
}

#[test]
fn letter_grades_with_descriptions_labels_and_modifiers() {
    let r = letters("C");
    assert_passes(
        &r,
        &[
            "A",
            "b",
            " B ",
            "C",
            "A (excellent)",
            "B (sehr gut)",
            "(B)",
            "Final grade: B",
            "Final grade: A (excellent)",
            "B+",
            "C+",
            "B-",
        ],
    );
    assert_fails(
        &r,
        &[
            ("D", "grade D is below the required C"),
            ("C-", "grade C- is below the required C"),
            (
                "E (ausreichend)",
                "grade E (ausreichend) is below the required C",
            ),
            (
                "xyz",
                "the grade \"xyz\" cannot be read as a position on the scale A, B, C, D, E",
            ),
            (
                "1,7",
                "the grade \"1,7\" is a number, not a position on the scale",
            ),
            ("", "cannot be read as a position"),
            ("B; A", "cannot be read as a position"),
        ],
    );
    // Scale entries may carry their own descriptions.
    let described = scale("B", &["A (excellent)", "B (very good)", "C (good)"]);
    assert_passes(&described, &["A", "B (very good)", "b"]);
    assert_fails(&described, &[("C", "grade C is below the required B")]);
}

#[test]
fn numbers_with_a_decimal_comma_or_point_where_lower_is_better() {
    let r = numeric(2.3, true, None);
    assert_passes(
        &r,
        &[
            "2,3",
            "2.3",
            "2,30",
            "1.7",
            "1,0",
            "1,3 (sehr gut)",
            "sehr gut (1,3)",
            "Note: 2,0",
        ],
    );
    assert_fails(
        &r,
        &[
            ("2,7", "grade 2,7 is below the required 2.3"),
            ("3.0", "grade 3.0 is below the required 2.3"),
            (
                "B",
                "the grade \"B\" cannot be read as a number (at least 2.3 required)",
            ),
            ("2,3, 1,7", "cannot be read as a number"),
            ("1.7.3", "cannot be read as a number"),
            ("1e0", "cannot be read as a number"),
            ("NaN", "cannot be read as a number"),
            ("9999999", "cannot be read as a number"),
            ("-1", "below zero"),
        ],
    );
    // Higher is better (the Dutch 1–10 scale).
    let nl = numeric(5.5, false, None);
    assert_passes(&nl, &["5,5", "8", "7.5"]);
    assert_fails(&nl, &[("5,4", "grade 5,4 is below the required 5.5")]);
}

#[test]
fn fractions_and_percentages_are_compared_on_the_rules_scale() {
    // Italy: at least 18 out of 30.
    let it = numeric(18.0, false, Some(30.0));
    assert_passes(
        &it,
        &[
            "28/30",
            "28 / 30",
            "18/30",
            "28 su 30",
            "30 e lode",
            "30/30 e lode",
            "28",
        ],
    );
    assert_fails(
        &it,
        &[
            ("17/30", "grade 17/30 is below the required 18"),
            (
                "17/20",
                "grade 17/20 is on a scale to 20, not the rule's scale to 30",
            ),
            ("85 %", "on a scale to 100, not the rule's scale to 30"),
            ("31/30", "more than the top of its own scale"),
            ("0/0", "a scale that ends at 0"),
        ],
    );
    // A plain number is on the credential's own scale (OB 3.0 `valueMax`) when it states one.
    let on_20 = GradeScale {
        max: Some("20".into()),
        ..GradeScale::default()
    };
    let e = check(&it, "15", Some(&on_20)).unwrap_err();
    assert!(e.contains("on a scale to 20"), "{e}");
    let on_30 = GradeScale {
        max: Some("30".into()),
        ..GradeScale::default()
    };
    assert_eq!(check(&it, "28", Some(&on_30)), Ok(()));

    // France, no outOf: the numerator is the grade, on the scale the credentials use.
    let fr = numeric(10.0, false, None);
    assert_passes(&fr, &["17/20", "17 sur 20", "12", "10,5/20"]);
    assert_fails(&fr, &[("8/20", "grade 8/20 is below the required 10")]);
    // A minimum the grade's own scale cannot reach is a different scale, not a low grade.
    let percent = numeric(60.0, false, None);
    assert_passes(&percent, &["85 %", "85%", "60 %"]);
    assert_fails(
        &percent,
        &[
            (
                "17/20",
                "grade 17/20 is on a scale to 20, which does not reach the required 60",
            ),
            ("101 %", "a percentage above 100"),
        ],
    );
}

#[test]
fn pass_and_fail_words_in_european_languages() {
    let r = scale("Pass", &["Distinction", "Merit", "Pass", "Fail"]);
    assert_passes(
        &r,
        &[
            "Pass",
            "Merit",
            "passed",
            "bestanden",
            "Bestanden",
            "réussi",
            "RÉUSSI",
            "admis",
            "superato",
            "idoneo",
            "aprobado",
            "apto",
            "geslaagd",
            "voldoende",
            "godkänd",
            "hyväksytty",
            "zaliczone",
            "aprovado",
        ],
    );
    assert_fails(
        &r,
        &[
            ("Fail", "grade Fail is below the required Pass"),
            ("nicht bestanden", "the grade \"nicht bestanden\" is a fail"),
            ("onvoldoende", "is a fail"),
            ("échoué", "is a fail"),
        ],
    );
    assert_fails(
        &letters("C"),
        &[(
            "bestanden",
            "the grade \"bestanden\" is a pass/fail grade, and the scale A, B, C, D, E has no pass grade",
        )],
    );
    assert_fails(
        &numeric(2.3, true, None),
        &[(
            "pass",
            "the grade \"pass\" is a pass/fail grade, which cannot be compared with a minimum of 2.3",
        )],
    );
}

#[test]
fn reasons_repeat_little_of_a_long_or_odd_grade() {
    let long = "A".repeat(5000);
    for rule in [letters("C"), numeric(2.3, true, None)] {
        let e = check(&rule, &long, None).unwrap_err();
        assert!(e.contains('…') && e.chars().count() < 200, "{e}");
        let e = check(&rule, "B\nC\u{0}", None).unwrap_err();
        assert!(!e.contains('\n') && !e.contains('\u{0}'), "{e:?}");
    }
    let many: Vec<String> = (0..40).map(|i| format!("G{i}")).collect();
    let rule = GradeRule {
        at_least: GradeValue::Text("G3".into()),
        lower_is_better: false,
        out_of: None,
        scale: many,
    };
    let e = check(&rule, "zz", None).unwrap_err();
    assert!(e.ends_with("G7, …"), "{e}");
}

/// The OB 3.0 mapping keeps the value, the label and the scale apart, as `mcx issuer issue`
/// writes them, so the filter reads "B" and not "Final grade: B".
#[test]
fn ob3_results_map_to_value_label_and_scale() {
    let doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:uni.example", "type": ["Profile"], "name": "Uni"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"],
            "result": [
                {"type": ["Result"], "resultDescription": "urn:rd:status", "status": "Completed"},
                {"type": ["Result"], "resultDescription": "urn:rd:voto", "value": "28"}
            ],
            "achievement": {"id": "urn:a", "type": ["Achievement"], "name": "Statistica",
                "criteria": {"narrative": "Exam."},
                "resultDescription": [
                    {"id": "urn:rd:status", "type": ["ResultDescription"], "name": "Status", "resultType": "Status"},
                    {"id": "urn:rd:voto", "type": ["ResultDescription"], "name": "Voto finale",
                     "resultType": "RawScore", "valueMin": "18", "valueMax": "30"}
                ]}}
    });
    let d = crate::formats::parse_document(doc.to_string().as_bytes()).unwrap();
    let v = crate::formats::view(&d);
    assert_eq!(v.grade.as_deref(), Some("28"), "a value wins over a status");
    assert_eq!(v.grade_label.as_deref(), Some("Voto finale"));
    let s = v.grade_scale.clone().unwrap();
    assert_eq!(
        (s.min.as_deref(), s.max.as_deref()),
        (Some("18"), Some("30"))
    );
    assert_eq!(v.grade_text().as_deref(), Some("28 (Voto finale)"));
    let r = numeric(18.0, false, Some(30.0));
    assert_eq!(check(&r, "28", v.grade_scale.as_ref()), Ok(()));
    let r20 = numeric(10.0, false, Some(20.0));
    let e = check(&r20, "28", v.grade_scale.as_ref()).unwrap_err();
    assert!(
        e.contains("on a scale to 30, not the rule's scale to 20"),
        "{e}"
    );
}
