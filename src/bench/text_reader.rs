//! The shared lexer of the benchmark readers ([`super::psplib`],
//! [`super::rcpspmax`]): whitespace tokens that remember their line, a
//! cursor reading range-checked whole numbers, the readers' limits and
//! error codes (`E080`–`E087`, see `docs/errors.md`), and reading an
//! instance file's text within [`MAX_INSTANCE_BYTES`]. A leaf: the format
//! dispatcher ([`super::formats`]) and the readers use it, it uses neither.

use crate::error::{Diagnostic, InputError};
use std::path::Path;

/// Largest absolute value accepted for any number in an instance file
/// (durations, demands, capacities, lags). Keeps sums far from overflow.
pub const MAX_VALUE: i64 = 1_000_000_000;
/// Largest number of activities accepted from a header.
pub const MAX_ACTIVITIES: usize = 1_000_000;
/// Largest number of resources accepted from a header.
pub const MAX_RESOURCES: usize = 10_000;
/// Largest instance file read (bytes).
pub const MAX_INSTANCE_BYTES: u64 = 64 * 1024 * 1024;

/// File could not be read.
pub(crate) const E_UNREADABLE: &str = "E080";
/// Header line missing or malformed.
pub(crate) const E_HEADER: &str = "E081";
/// A token that should be a whole number is not one (or does not fit in 64 bits).
pub(crate) const E_NOT_A_NUMBER: &str = "E082";
/// A number outside its allowed range (negative duration, huge value, ...).
pub(crate) const E_RANGE: &str = "E083";
/// Wrong count: row length, number of successors/demands/rows, trailing data.
pub(crate) const E_COUNT: &str = "E084";
/// Reference to an unknown or out-of-order job/activity number.
pub(crate) const E_JOB_REF: &str = "E085";
/// A feature the reader does not support (several modes, non-renewable resources).
pub(crate) const E_UNSUPPORTED: &str = "E086";
/// File ends early: a section or rows are missing.
pub(crate) const E_TRUNCATED: &str = "E087";

/// The text of an instance file (`source` names it in errors), read as
/// bytes within [`MAX_INSTANCE_BYTES`]; invalid UTF-8 is replaced, so
/// garbage yields a parse error rather than a failure to read.
pub(crate) fn read_text(path: &Path, source: &str) -> Result<String, InputError> {
    let cant_read = |e: std::io::Error| {
        error(
            source,
            0,
            E_UNREADABLE,
            format!("cannot read the file: {e}"),
            "check the path and permissions",
        )
    };
    let mut bytes = Vec::new();
    {
        use std::io::Read;
        let file = std::fs::File::open(path).map_err(cant_read)?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(error(
                source,
                0,
                E_UNREADABLE,
                "the path is a directory",
                "give the path of an instance file",
            ));
        }
        file.take(MAX_INSTANCE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cant_read)?;
    }
    if bytes.len() as u64 > MAX_INSTANCE_BYTES {
        return Err(error(
            source,
            0,
            E_UNREADABLE,
            format!(
                "the file is larger than {} MiB, far more than any benchmark instance",
                MAX_INSTANCE_BYTES / (1024 * 1024)
            ),
            "check you passed the right file",
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One diagnostic at a line (1-based; 0 = the whole file) of `source`.
pub(crate) fn error(
    source: &str,
    line: usize,
    code: &'static str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> InputError {
    InputError::one(source, diag(line, code, message, hint))
}

pub(crate) fn diag(
    line: usize,
    code: &'static str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Diagnostic {
    let path = if line == 0 {
        String::new()
    } else {
        format!("line {line}")
    };
    Diagnostic::new(code, path, message, hint)
}

/// The problem name for a source: the file stem.
pub(crate) fn name_of(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(source)
        .to_string()
}

/// A whitespace-separated token with its 1-based line number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub line: usize,
    pub text: &'a str,
}

/// A cursor over the tokens of a file, reading range-checked numbers.
pub(crate) struct Cursor<'a> {
    source: &'a str,
    toks: Vec<Tok<'a>>,
    pos: usize,
    last_line: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(source: &'a str, toks: Vec<Tok<'a>>, last_line: usize) -> Self {
        Cursor {
            source,
            toks,
            pos: 0,
            last_line,
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }

    /// The line of the next token (or the last line at the end).
    pub fn line(&self) -> usize {
        self.peek().map(|t| t.line).unwrap_or(self.last_line)
    }

    /// Reads a whole number in `[min, max]`; `what` names it in errors.
    pub fn int(&mut self, what: &str, min: i64, max: i64) -> Result<i64, InputError> {
        let Some(tok) = self.peek() else {
            return Err(error(
                self.source,
                self.last_line,
                E_TRUNCATED,
                format!("the file ends where {what} was expected"),
                "the file looks truncated; fetch it again",
            ));
        };
        self.pos += 1;
        parse_int(self.source, tok, what, min, max)
    }

    /// Reads a count in `[0, max]`.
    pub fn count(&mut self, what: &str, max: usize) -> Result<usize, InputError> {
        Ok(self.int(what, 0, max as i64)? as usize)
    }
}

/// Parses a token as a whole number within `[min, max]`.
pub(crate) fn parse_int(
    source: &str,
    tok: Tok<'_>,
    what: &str,
    min: i64,
    max: i64,
) -> Result<i64, InputError> {
    let v: i64 = tok.text.parse().map_err(|_| {
        let shown: String = tok.text.chars().take(24).collect();
        error(
            source,
            tok.line,
            E_NOT_A_NUMBER,
            format!("{what}: `{shown}` is not a whole number"),
            format!("write {what} as a whole number between {min} and {max}"),
        )
    })?;
    if v < min || v > max {
        return Err(error(
            source,
            tok.line,
            E_RANGE,
            format!("{what} is {v}, outside {min}..={max}"),
            format!("{what} must lie between {min} and {max}"),
        ));
    }
    Ok(v)
}

/// Splits numbered lines into tokens that remember their line.
pub(crate) fn tokenize<'a>(lines: &[(usize, &'a str)]) -> Vec<Tok<'a>> {
    lines
        .iter()
        .flat_map(|&(line, l)| l.split_whitespace().map(move |text| Tok { line, text }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_and_garbage_numbers_are_errors() {
        let tok = Tok {
            line: 3,
            text: "99999999999999999999999",
        };
        let e = parse_int("f", tok, "a duration", 0, MAX_VALUE).unwrap_err();
        assert_eq!(e.diagnostics[0].code, E_NOT_A_NUMBER);
        assert_eq!(e.diagnostics[0].path, "line 3");
        let tok = Tok {
            line: 4,
            text: "-3",
        };
        let e = parse_int("f", tok, "a duration", 0, MAX_VALUE).unwrap_err();
        assert_eq!(e.diagnostics[0].code, E_RANGE);
    }
}
