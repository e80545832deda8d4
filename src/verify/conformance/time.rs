//! `validFrom` / `validUntil` (VC DM 2.0 §4.9): each, where present, an XML Schema 1.1
//! `dateTimeStamp` — a `dateTime` whose timezone is required (XSD 1.1 Part 2 §3.4.28) — and
//! `validFrom` not later than `validUntil`.

use super::{short, Checker, Rule};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Check the validity period of `doc`.
pub(super) fn validity(c: &mut Checker, doc: &Value) {
    let mut parsed: [Option<DateTime<Utc>>; 2] = [None, None];
    for (slot, member) in parsed.iter_mut().zip(["validFrom", "validUntil"]) {
        match doc.get(member) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if is_date_time_stamp(s) => {
                *slot = DateTime::parse_from_rfc3339(s)
                    .ok()
                    .map(|d| d.with_timezone(&Utc));
            }
            Some(other) => c.push(
                Rule::ValidityFormat,
                format!(
                    "its {member} {} is not an XML Schema dateTimeStamp such as 2025-01-31T09:00:00Z (a date, T, a time and a timezone) (VC DM 2.0 §4.9)",
                    short(other)
                ),
            ),
        }
    }
    if let [Some(from), Some(until)] = parsed {
        if from > until {
            c.push(
                Rule::ValidityOrder,
                "its validFrom is later than its validUntil (VC DM 2.0 §4.9)".into(),
            );
        }
    }
}

/// Whether `s` is in the lexical space of `xsd:dateTimeStamp`:
/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)`, with a four-digit (or longer, without a
/// leading zero) year, a day that exists in its month, `24:00:00` only as the end of a day,
/// and a timezone offset of at most 14:00.
pub(crate) fn is_date_time_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let year_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let year = &b[year_start..i];
    if year.len() < 4 || (year.len() > 4 && year[0] == b'0') {
        return false;
    }
    // Leap years repeat every 400 years, and 10^4 is a multiple of 400: the last four digits
    // decide, whatever the length of the year.
    let last4 = year[year.len() - 4..]
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let leap = last4 % 4 == 0 && (last4 % 100 != 0 || last4 % 400 == 0);
    let two = |at: usize| -> Option<u32> {
        let d = b.get(at..at + 2)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    let (Some(month), Some(day)) = (two(i + 1), two(i + 4)) else {
        return false;
    };
    if !sep(i, b'-') || !sep(i + 3, b'-') || !sep(i + 6, b'T') {
        return false;
    }
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    i += 7;
    let (Some(h), Some(m), Some(sec)) = (two(i), two(i + 3), two(i + 6)) else {
        return false;
    };
    if !sep(i + 2, b':') || !sep(i + 5, b':') {
        return false;
    }
    i += 8;
    let mut fraction_is_zero = true;
    if sep(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            fraction_is_zero &= b[i] == b'0';
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let end_of_day = h == 24 && m == 0 && sec == 0 && fraction_is_zero;
    if !(end_of_day || (h < 24 && m < 60 && sec < 60)) {
        return false;
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(th), Some(tm)) = (two(i + 1), two(i + 4)) else {
                return false;
            };
            sep(i + 3, b':') && i + 6 == b.len() && tm < 60 && (th < 14 || (th == 14 && tm == 0))
        }
        _ => false,
    }
}
