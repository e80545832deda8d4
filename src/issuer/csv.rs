//! A small RFC 4180 reader for the learners table: comma-separated, optional double quotes
//! (a quoted field may hold commas, line breaks and `""`), LF or CRLF line ends, a header
//! line first. Blank lines are skipped. No new dependency for one table.

/// One record: its cells and the line it starts on (1-based, the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line the record starts on.
    pub line: usize,
    /// The cells, unquoted, as written (not trimmed).
    pub cells: Vec<String>,
}

/// Split `text` into records. Returns an error naming the line of an unterminated quote.
pub fn parse(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut line = 1usize;
    let mut start = 1usize;
    let mut any = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                other => cell.push(other),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
                any = true;
            }
            ',' => {
                cells.push(std::mem::take(&mut cell));
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                if any || cells.iter().any(|c| !c.trim().is_empty()) {
                    out.push(Record {
                        line: start,
                        cells: std::mem::take(&mut cells),
                    });
                }
                cells.clear();
                any = false;
                line += 1;
                start = line;
            }
            other => {
                cell.push(other);
                any = true;
            }
        }
    }
    if in_quotes {
        return Err(format!(
            "line {start}: a quoted field is not closed before the end of the file"
        ));
    }
    cells.push(cell);
    if any || cells.iter().any(|c| !c.trim().is_empty()) {
        out.push(Record { line: start, cells });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn quotes_commas_and_line_breaks() {
        let r =
            parse("name,grade\r\n\"Ionescu, Maria\",A\n\n\"Line\nbreak \"\"x\"\"\",B\n").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].cells, vec!["Ionescu, Maria", "A"]);
        assert_eq!(r[1].line, 2);
        assert_eq!(r[2].cells, vec!["Line\nbreak \"x\"", "B"]);
        assert_eq!(r[2].line, 4);
    }

    #[test]
    fn unterminated_quote_names_the_line() {
        let e = parse("name\n\"open\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }
}
