//! Reading a credential's grade against a `minGrade` rule, and saying why it falls short.
//!
//! Institutions across Europe write grades very differently: `B`, `A (excellent)`, `2,3`,
//! `1.7`, `28/30`, `17 sur 20`, `85 %`, `30 e lode`, `bestanden`, `réussi`, `godkänd`. This
//! file owns reading such a value (never its label: the view keeps that apart) and comparing
//! it on the rule's own scale; `docs/stacking.md` ("Grades") is the registrar's version. A
//! grade that cannot be read is a reason, never a guess. It must not read other filter
//! conditions (that is `filter.rs`).

use super::rules::{GradeRule, GradeValue};
use crate::model::GradeScale;

/// Longer grades are not read at all (a grade is a few characters; this is a description).
const MAX_LEN: usize = 100;
/// At most this many characters of a grade are repeated in a reason.
const SHOWN_LEN: usize = 40;
/// Numbers are compared with this tolerance (2.3 written as "2,3" is 2.3).
const EPS: f64 = 1e-9;

/// Pass words (lowercase) in the languages of the EU and EEA, as institutions write them.
const PASS: &[&str] = &[
    "pass",
    "passed",
    "bestanden",
    "erfolgreich",
    "erfolgreich teilgenommen",
    "mit erfolg teilgenommen",
    "réussi",
    "réussie",
    "reussi",
    "admis",
    "admise",
    "acquis",
    "superato",
    "superata",
    "idoneo",
    "idonea",
    "approvato",
    "aprobado",
    "aprobada",
    "apto",
    "apta",
    "aprovado",
    "aprovada",
    "geslaagd",
    "voldoende",
    "behaald",
    "godkänd",
    "godkand",
    "godkendt",
    "bestået",
    "bestått",
    "hyväksytty",
    "zaliczone",
    "zaliczony",
    "zaliczona",
    "zaliczono",
    "splněno",
    "prospěl",
    "megfelelt",
    "promovat",
    "admitido",
    "sooritatud",
    "ieskaitīts",
    "įskaityta",
    "opravil",
];

/// Fail words (lowercase).
const FAIL: &[&str] = &[
    "fail",
    "failed",
    "not passed",
    "nicht bestanden",
    "durchgefallen",
    "échoué",
    "echoue",
    "ajourné",
    "ajourne",
    "non admis",
    "non acquis",
    "non superato",
    "non idoneo",
    "respinto",
    "suspenso",
    "no apto",
    "no aprobado",
    "reprovado",
    "reprovada",
    "não aprovado",
    "nao aprovado",
    "gezakt",
    "onvoldoende",
    "niet geslaagd",
    "underkänd",
    "underkand",
    "ikke bestået",
    "ikke bestått",
    "hylätty",
    "niezaliczone",
    "niezaliczony",
    "nesplněno",
    "nem felelt meg",
    "nepromovat",
    "mittesooritatud",
    "neieskaitīts",
    "neįskaityta",
];

/// Words that join a score to the top of its scale ("28 out of 30", "17 sur 20").
const OUT_OF: &[&str] = &[
    "/", " out of ", " of ", " von ", " sur ", " su ", " de ", " van ", " av ", " z ",
];

/// Honours after a top mark ("30 e lode"): the number is the grade.
const HONOURS: &[&str] = &[" e lode", " con lode", " cum laude"];

/// One way of reading (part of) a grade.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reading {
    /// A number, with the top of its scale when the grade names one ("28/30", "85 %").
    Number { value: f64, top: Option<f64> },
    /// A pass word.
    Pass,
    /// A fail word.
    Fail,
    /// A number no grading scale has, with what is wrong with it.
    Absurd(&'static str),
    /// Anything else: a letter or a word, compared with the entries of a scale.
    Word,
}

/// Check a grade (its value as written) against `rule`. `scale` is the credential's own: its
/// `max` is the top of a plain number's scale, which matters only to a rule with `outOf`.
pub(crate) fn check(
    rule: &GradeRule,
    grade: &str,
    scale: Option<&GradeScale>,
) -> Result<(), String> {
    let shown = shown(grade);
    let parts = if grade.chars().count() > MAX_LEN {
        Vec::new()
    } else {
        candidates(grade)
    };
    match &rule.at_least {
        GradeValue::Number(min) => {
            let credential_top = scale.and_then(|s| s.max.as_deref()).and_then(number);
            numeric(rule, *min, &parts, &shown, credential_top)
        }
        GradeValue::Text(min) => on_scale(&rule.scale, min, &parts, &shown),
    }
}

/// A grade as repeated in a reason: trimmed, control characters as spaces, at most
/// `SHOWN_LEN` characters.
fn shown(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s
        .chars()
        .take(SHOWN_LEN)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > SHOWN_LEN {
        out.push('…');
    }
    out
}

/// A scale as listed in a reason: its first eight entries.
fn scale_list(scale: &[String]) -> String {
    let mut out: Vec<String> = scale.iter().take(8).map(|s| shown(s.as_str())).collect();
    if scale.len() > 8 {
        out.push("…".into());
    }
    out.join(", ")
}

/// Lowercase, with runs of white space as one space.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A grade and the description after it in brackets: "A (excellent)" → ("A", "excellent");
/// "(B)" → ("B", none).
fn split_note(s: &str) -> (&str, Option<&str>) {
    let s = s.trim();
    if let Some(body) = s.strip_suffix(')') {
        if let Some(i) = body.rfind('(') {
            let (main, inner) = (body[..i].trim(), body[i + 1..].trim());
            let inner = (!inner.is_empty()).then_some(inner);
            return if main.is_empty() {
                (inner.unwrap_or(""), None)
            } else {
                (main, inner)
            };
        }
    }
    (s, None)
}

/// The readings of a grade to try, in order: the whole text; the grade without a description
/// in brackets, then that description ("sehr gut (1,3)"); and the same after a label ending
/// in a colon ("Final grade: B", as views made before labels were kept apart say it). The
/// first one that can be read on the rule's terms decides.
fn candidates(grade: &str) -> Vec<&str> {
    fn add<'a>(out: &mut Vec<&'a str>, s: &'a str) {
        let s = s.trim();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    fn add_noted<'a>(out: &mut Vec<&'a str>, s: &'a str) {
        let (main, inner) = split_note(s);
        add(out, main);
        if let Some(i) = inner {
            add(out, i);
        }
    }
    let mut out = Vec::with_capacity(5);
    add(&mut out, grade);
    add_noted(&mut out, grade);
    if let Some(i) = grade.rfind(": ") {
        if grade[..i].chars().any(char::is_alphabetic) {
            add_noted(&mut out, &grade[i + 2..]);
        }
    }
    out
}

/// A plain number: up to six digits, then optionally a decimal point or comma and up to four
/// digits ("2,3", "1.7", "28"). No sign, no exponent, no thousands separators.
fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    let (int, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(int, 6) || frac.is_some_and(|f| !digits(f, 4)) {
        return None;
    }
    match frac {
        Some(f) => format!("{int}.{f}").parse().ok(),
        None => int.parse().ok(),
    }
}

/// Read one part of a grade.
fn read(s: &str) -> Reading {
    let t = norm(s);
    if PASS.contains(&t.as_str()) {
        return Reading::Pass;
    }
    if FAIL.contains(&t.as_str()) {
        return Reading::Fail;
    }
    let mut t = t.as_str();
    for h in HONOURS {
        if let Some(rest) = t.strip_suffix(*h) {
            t = rest;
        }
    }
    if let Some(p) = t.strip_suffix('%') {
        return match number(p) {
            Some(v) if v <= 100.0 => Reading::Number {
                value: v,
                top: Some(100.0),
            },
            Some(_) => Reading::Absurd("a percentage above 100"),
            None => Reading::Word,
        };
    }
    for sep in OUT_OF {
        if let Some((a, b)) = t.split_once(*sep) {
            if let (Some(a), Some(b)) = (number(a), number(b)) {
                return if b <= 0.0 {
                    Reading::Absurd("a scale that ends at 0")
                } else if a > b + EPS {
                    Reading::Absurd("more than the top of its own scale")
                } else {
                    Reading::Number {
                        value: a,
                        top: Some(b),
                    }
                };
            }
        }
    }
    if let Some(v) = number(t) {
        return Reading::Number {
            value: v,
            top: None,
        };
    }
    let negative = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('\u{2212}'))
        .is_some_and(|r| number(r).is_some());
    if negative {
        return Reading::Absurd("a number below zero, which no grading scale uses");
    }
    Reading::Word
}

/// A numeric minimum (`atLeast: 2.3`, `lowerIsBetter`, `outOf`).
fn numeric(
    rule: &GradeRule,
    min: f64,
    parts: &[&str],
    shown: &str,
    credential_top: Option<f64>,
) -> Result<(), String> {
    for p in parts {
        match read(p) {
            Reading::Number { value, top } => {
                // A plain number is on the credential's own scale, if it states one.
                let top = top.or(credential_top.filter(|_| rule.out_of.is_some()));
                return compare(rule, min, value, top, shown);
            }
            Reading::Pass => {
                return Err(format!(
                    "the grade \"{shown}\" is a pass/fail grade, which cannot be compared with a minimum of {min}"
                ))
            }
            Reading::Fail => return Err(format!("the grade \"{shown}\" is a fail")),
            Reading::Absurd(why) => {
                return Err(format!("the grade \"{shown}\" cannot be read: {why}"))
            }
            Reading::Word => {}
        }
    }
    Err(format!(
        "the grade \"{shown}\" cannot be read as a number (at least {min} required)"
    ))
}

/// A number against a numeric minimum, on the same scale.
fn compare(
    rule: &GradeRule,
    min: f64,
    value: f64,
    top: Option<f64>,
    shown: &str,
) -> Result<(), String> {
    match (rule.out_of, top) {
        (Some(r), Some(g)) if (r - g).abs() > EPS => {
            return Err(format!(
                "grade {shown} is on a scale to {g}, not the rule's scale to {r}"
            ))
        }
        (None, Some(g)) if !rule.lower_is_better && min > g + EPS => {
            return Err(format!(
                "grade {shown} is on a scale to {g}, which does not reach the required {min}"
            ))
        }
        _ => {}
    }
    let ok = if rule.lower_is_better {
        value <= min + EPS
    } else {
        value >= min - EPS
    };
    if ok {
        Ok(())
    } else {
        Err(format!("grade {shown} is below the required {min}"))
    }
}

/// A letter with a modifier ("B+", "C-"): the letter and whether it is a plus.
fn modifier(s: &str) -> Option<(&str, bool)> {
    let s = s.trim();
    let (base, plus) = if let Some(b) = s.strip_suffix('+') {
        (b, true)
    } else if let Some(b) = s.strip_suffix('-').or_else(|| s.strip_suffix('\u{2212}')) {
        (b, false)
    } else {
        return None;
    };
    let base = base.trim_end();
    (!base.is_empty() && base.chars().count() <= 3).then_some((base, plus))
}

/// A minimum on an ordered scale (`atLeast: "C"`, `scale` best first).
fn on_scale(scale: &[String], min: &str, parts: &[&str], shown: &str) -> Result<(), String> {
    let pos = |s: &str| {
        let s = norm(s);
        scale
            .iter()
            .position(|e| norm(e) == s || norm(split_note(e).0) == s)
    };
    let Some(want) = pos(min) else {
        return Err(format!(
            "the required grade {} is not on the rule's scale",
            self::shown(min)
        ));
    };
    let verdict = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!(
                "grade {shown} is below the required {}",
                self::shown(min)
            ))
        }
    };
    let mut a_number = false;
    for p in parts {
        if let Some(at) = pos(p) {
            return verdict(at <= want);
        }
        if let Some((base, plus)) = modifier(p) {
            if let Some(at) = pos(base) {
                // "B+" meets B; "B-" is below B but above the next grade.
                return verdict(if plus { at <= want } else { at < want });
            }
        }
        match read(p) {
            Reading::Number { value, .. } => {
                let at = scale
                    .iter()
                    .position(|e| number(e).is_some_and(|n| (n - value).abs() <= EPS));
                if let Some(at) = at {
                    return verdict(at <= want);
                }
                a_number = true;
            }
            Reading::Pass => {
                // A pass in any language is the scale's own pass grade, if it has one.
                return match scale.iter().position(|e| read(e) == Reading::Pass) {
                    Some(at) => verdict(at <= want),
                    None => Err(format!(
                        "the grade \"{shown}\" is a pass/fail grade, and the scale {} has no pass grade",
                        scale_list(scale)
                    )),
                };
            }
            Reading::Fail => return Err(format!("the grade \"{shown}\" is a fail")),
            Reading::Absurd(why) => {
                return Err(format!("the grade \"{shown}\" cannot be read: {why}"))
            }
            Reading::Word => {}
        }
    }
    if a_number {
        Err(format!(
            "the grade \"{shown}\" is a number, not a position on the scale {}",
            scale_list(scale)
        ))
    } else {
        Err(format!(
            "the grade \"{shown}\" cannot be read as a position on the scale {}",
            scale_list(scale)
        ))
    }
}
