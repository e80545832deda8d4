//! Lexical forms and serialisation: canonical N-Quads lines (escaping exactly as the JS
//! `rdf-canonize` does), the JSON-LD → RDF number forms (`xsd:integer`, canonical
//! `xsd:double` like `2.5E0`), JS `parseFloat`, and RFC 8785 (JCS) text for `rdf:JSON`
//! literals. Must not build or reorder quads.

use super::{Literal, Quad, Term};
use serde_json::{Number, Value};
use std::fmt::Write as _;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const RDF_LANGSTRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// The number as JavaScript would hold it (an IEEE double).
pub fn to_js_number(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// `Number.prototype.toFixed(0)` for an integral double below 1e21.
pub fn integer_lexical(f: f64) -> String {
    let s = format!("{f:.0}");
    if s == "-0" {
        "0".to_owned()
    } else {
        s
    }
}

/// The canonical `xsd:double` form JSON-LD uses: `toExponential(15)` with trailing zeros
/// of the mantissa removed (keeping one digit after the point), e.g. `2.5E0`, `1.0E1`.
pub fn double_lexical(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let (neg, digits, exp) = js_to_exponential_15(f);
    // digits has 16 significant digits: d.ddddddddddddddd
    let first = &digits[..1];
    let rest = digits[1..].trim_end_matches('0');
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{}{first}.{rest}E{exp}", if neg { "-" } else { "" })
}

/// JS `toExponential(15)`: 16 significant digits, rounding half away from zero on the
/// exact binary value. Returns (negative, 16 digits, decimal exponent).
fn js_to_exponential_15(f: f64) -> (bool, String, i32) {
    let neg = f.is_sign_negative() && f != 0.0;
    let a = f.abs();
    if a == 0.0 {
        return (false, "0".repeat(16), 0);
    }
    // Exact decimal expansion (a double has at most 767 significant digits).
    let exact = format!("{a:.800e}");
    let (mant, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let all: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    let mut d: Vec<u8> = all.iter().take(16).copied().collect();
    let round_up = all.get(16).is_some_and(|&b| b >= b'5');
    if round_up {
        let mut i = d.len();
        loop {
            if i == 0 {
                d.insert(0, b'1');
                d.truncate(16);
                exp += 1;
                break;
            }
            i -= 1;
            if d[i] == b'9' {
                d[i] = b'0';
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    (neg, String::from_utf8(d).unwrap_or_default(), exp)
}

/// JS `parseFloat`: the longest numeric prefix after leading whitespace, or NaN.
pub fn parse_float(s: &str) -> f64 {
    let t = s.trim_start();
    for (lit, v) in [
        ("Infinity", f64::INFINITY),
        ("+Infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
    ] {
        if t.starts_with(lit) {
            return v;
        }
    }
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        let j = i + 1;
        let mut k = j;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        digits += k - j;
        if digits > 0 {
            i = k;
        }
    }
    if digits == 0 {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut k = i + 1;
        if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
            k += 1;
        }
        let es = k;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        if k > es {
            i = k;
        }
    }
    t[..i].parse().unwrap_or(f64::NAN)
}

/// ECMAScript `Number::toString` (as JCS requires).
pub fn js_number_string(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f == 0.0 {
        return "0".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    // Shortest round-trip digits via Rust's `{:e}`.
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().unwrap_or(0) + 1;
    let out = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let es = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{digits}e{es}")
        } else {
            format!("{}.{}e{es}", &digits[..1], &digits[1..])
        }
    };
    format!("{sign}{out}")
}

/// RFC 8785 canonical JSON text (keys sorted by UTF-16 code units).
pub fn json_canonical(v: &Value) -> String {
    let mut out = String::new();
    write_jcs(v, &mut out);
    out
}

fn write_jcs(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&js_number_string(to_js_number(n))),
        Value::String(s) => write_json_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_jcs(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_jcs(&m[k.as_str()], out);
            }
            out.push('}');
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an IRI in N-Quads form, escaping as `rdf-canonize` does.
pub fn write_iri(iri: &str, out: &mut String) {
    out.push('<');
    let clean = iri.bytes().all(|b| {
        b > 0x20
            && !matches!(
                b,
                b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
            )
    });
    if clean {
        out.push_str(iri);
        out.push('>');
        return;
    }
    for c in iri.chars() {
        if (c as u32) <= 0x20 || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('>');
}

/// Appends a literal in canonical N-Quads form.
pub fn write_literal(l: &Literal, out: &mut String) {
    out.push('"');
    let clean = l
        .value
        .bytes()
        .all(|b| b >= 0x20 && b != 0x7f && b != b'"' && b != b'\\');
    let chars = if clean {
        out.push_str(&l.value);
        "".chars()
    } else {
        l.value.chars()
    };
    for c in chars {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    if l.datatype == RDF_LANGSTRING {
        if let Some(lang) = &l.language {
            out.push('@');
            out.push_str(lang);
        }
    } else if l.datatype != XSD_STRING {
        out.push_str("^^");
        write_iri(&l.datatype, out);
    }
}

/// Appends a term; blank nodes are written as `_:` + the label `blank` returns for them.
pub fn write_term(t: &Term, out: &mut String, blank: &dyn Fn(&str) -> String) {
    match t {
        Term::Iri(i) => write_iri(i, out),
        Term::Blank(b) => {
            out.push_str("_:");
            out.push_str(&blank(b));
        }
        Term::Literal(l) => write_literal(l, out),
    }
}

/// One N-Quads line (ending in `" .\n"`), with blank node labels as given.
pub fn quad_line(q: &Quad) -> String {
    let mut out = String::new();
    let same = |b: &str| b.to_owned();
    write_term(&q.subject, &mut out, &same);
    out.push(' ');
    write_iri(&q.predicate, &mut out);
    out.push(' ');
    write_term(&q.object, &mut out, &same);
    if let Some(g) = &q.graph {
        out.push(' ');
        write_term(g, &mut out, &same);
    }
    out.push_str(" .\n");
    out
}

/// Orders strings by UTF-16 code units, as JavaScript's default sort does.
///
/// UTF-8 bytes sort as code points, and code points sort as UTF-16 except where a character
/// above U+FFFF (a surrogate pair, 0xD800…) meets one in U+E000–U+FFFF: so the order is
/// decided at the first differing byte, and only that one case is turned round. Sorting
/// canonical N-Quads calls this for every comparison; it must not scan whole lines.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    // The bytes before `i` agree, so a difference inside a character (not at its lead byte)
    // is between two characters of the same length, where all three orders agree.
    let (p, q) = (x[i], y[i]);
    let supplementary = |lead: u8| lead >= 0xF0;
    let upper_bmp = |lead: u8| lead == 0xEE || lead == 0xEF;
    if (supplementary(p) && upper_bmp(q)) || (upper_bmp(p) && supplementary(q)) {
        q.cmp(&p)
    } else {
        p.cmp(&q)
    }
}
