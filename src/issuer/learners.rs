//! The learners table (`LEARNERS.csv`) of a bulk issue: a header line naming the columns
//! `id` (a DID or URL, optional), `name`, `email` (optional), `grade` (optional), `issued`
//! (optional date) and `expires` (optional date, alias `validUntil`), in any order; then one
//! learner per line. A bad row is reported with its number and line and does not stop the
//! others.

use super::badge::parse_when;
use super::csv;
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// One learner to issue to.
#[derive(Debug, Clone, PartialEq)]
pub struct Learner {
    /// Row number: 1 is the first row after the header.
    pub row: usize,
    /// The line it starts on in the file.
    pub line: usize,
    /// The learner's DID or URL, if given.
    pub id: Option<String>,
    /// The learner's name.
    pub name: String,
    /// E-mail address (stored salted and hashed in the credential).
    pub email: Option<String>,
    /// Grade as written.
    pub grade: Option<String>,
    /// The issue date (default: now).
    pub issued: Option<DateTime<Utc>>,
    /// The end of validity, if any.
    pub expires: Option<DateTime<Utc>>,
}

/// A row that could not be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Row number (1 = first row after the header).
    pub row: usize,
    /// The line it starts on.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {} (line {}): {}", self.row, self.line, self.message)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Name,
    Email,
    Grade,
    Issued,
    Expires,
}

fn column(name: &str) -> Option<Col> {
    match name.trim().to_ascii_lowercase().as_str() {
        "id" | "did" => Some(Col::Id),
        "name" => Some(Col::Name),
        "email" | "e-mail" => Some(Col::Email),
        "grade" => Some(Col::Grade),
        "issued" | "date" => Some(Col::Issued),
        "expires" | "validuntil" => Some(Col::Expires),
        _ => None,
    }
}

/// Read the table. A problem with the file as a whole (no header, unknown column, no `name`
/// column, an unclosed quote) is an error; problems with single rows come back as
/// [`RowError`]s beside the good rows.
pub fn parse_learners(text: &str) -> Result<(Vec<Learner>, Vec<RowError>)> {
    let records =
        csv::parse(text).map_err(|e| Error::BadInput(format!("the learners table: {e}")))?;
    let mut it = records.into_iter();
    let header = it.next().ok_or_else(|| {
        Error::BadInput(
            "the learners table is empty (it needs a header line: id,name,email,grade,issued)"
                .into(),
        )
    })?;
    let mut cols = Vec::new();
    for (i, h) in header.cells.iter().enumerate() {
        let c = column(h).ok_or_else(|| {
            Error::BadInput(format!(
                "the learners table: column {} of the header, {:?}, is not one of id, name, email, grade, issued, expires",
                i + 1,
                h.trim()
            ))
        })?;
        if cols.contains(&c) {
            return Err(Error::BadInput(format!(
                "the learners table: the column {:?} appears twice in the header",
                h.trim()
            )));
        }
        cols.push(c);
    }
    if !cols.contains(&Col::Name) {
        return Err(Error::BadInput(
            "the learners table has no name column (header: id,name,email,grade,issued)".into(),
        ));
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (n, rec) in it.enumerate() {
        match row(n + 1, &rec, &cols) {
            Ok(l) => good.push(l),
            Err(e) => bad.push(e),
        }
    }
    Ok((good, bad))
}

fn row(n: usize, rec: &csv::Record, cols: &[Col]) -> std::result::Result<Learner, RowError> {
    let fail = |message: String| RowError {
        row: n,
        line: rec.line,
        message,
    };
    if rec.cells.len() != cols.len() {
        return Err(fail(format!(
            "it has {} columns, but the header has {}",
            rec.cells.len(),
            cols.len()
        )));
    }
    let get = |c: Col| -> Option<String> {
        cols.iter()
            .position(|x| *x == c)
            .and_then(|i| rec.cells.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let name = get(Col::Name).ok_or_else(|| fail("the name is missing".into()))?;
    let id = get(Col::Id);
    if let Some(id) = &id {
        let ok = !id.contains(char::is_whitespace)
            && ["did:", "https://", "http://", "urn:"]
                .iter()
                .any(|p| id.starts_with(p));
        if !ok {
            return Err(fail(format!(
                "the id {id:?} is not a DID or URL (did:…, https://…, urn:…)"
            )));
        }
    }
    let email = get(Col::Email);
    if let Some(e) = &email {
        let ok = e
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !e.contains(' '));
        if !ok {
            return Err(fail(format!("the e-mail address {e:?} is not valid")));
        }
    }
    let when = |c: Col, what: &str| -> std::result::Result<Option<DateTime<Utc>>, RowError> {
        match get(c) {
            None => Ok(None),
            Some(s) => parse_when(&s).map(Some).ok_or_else(|| {
                fail(format!(
                    "the {what} date {s:?} is not a date (YYYY-MM-DD or RFC 3339)"
                ))
            }),
        }
    };
    let issued = when(Col::Issued, "issued")?;
    let expires = when(Col::Expires, "expires")?;
    if let (Some(i), Some(e)) = (issued, expires) {
        if e <= i {
            return Err(fail(format!(
                "it expires ({}) before it is issued ({})",
                e.date_naive(),
                i.date_naive()
            )));
        }
    }
    Ok(Learner {
        row: n,
        line: rec.line,
        id,
        name,
        email,
        grade: get(Col::Grade),
        issued,
        expires,
    })
}
