//! Readers for the scheduling field's standard benchmark files, loading
//! straight into the domain-free core [`Problem`]:
//!
//! - PSPLIB single-mode RCPSP `.sm` files (j30, j60, j90, j120) — [`crate::bench::psplib::parse_sm`];
//! - Patterson `.rcp` files (RG30, RG300, Patterson set) — [`crate::bench::psplib::parse_rcp`];
//! - RCPSP/max `.sch` files in ProGen/max format (j10/j20/j30, ubo sets of
//!   Schwindt) — [`crate::bench::rcpspmax::parse_sch`].
//!
//! Every reader reports malformed input as an [`InputError`] whose
//! diagnostics carry a code `E080`–`E089` (see `docs/errors.md`) and
//! the line number as the path (`line 17`). No reader panics on garbage:
//! numbers are range-checked ([`MAX_VALUE`], [`MAX_ACTIVITIES`],
//! [`MAX_RESOURCES`]) before anything is allocated from them.
//!
//! [`critical_path_bound`] is a small longest-path helper (resources ignored)
//! used by the benchmark report as the classic critical-path lower bound.

use crate::error::{Diagnostic, InputError};
use crate::model::{Problem, Time};
use serde::{Deserialize, Serialize};
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
/// Benchmark reference file malformed.
pub(crate) const E_REFERENCE: &str = "E088";
/// Benchmark directory unreadable or holds no instance of the format.
pub(crate) const E_BENCH_DIR: &str = "E089";

/// A benchmark file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PSPLIB single-mode RCPSP (`.sm`).
    #[value(name = "psplib")]
    Psplib,
    /// Patterson format (`.rcp`).
    #[value(name = "patterson")]
    Patterson,
    /// RCPSP/max in ProGen/max format (`.sch`).
    #[value(name = "rcpspmax")]
    RcpspMax,
}

impl Format {
    /// File extensions (lowercase, without dot) of this format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Psplib => &["sm"],
            Format::Patterson => &["rcp"],
            Format::RcpspMax => &["sch"],
        }
    }

    /// The format a file name's extension implies, if any (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        [Format::Psplib, Format::Patterson, Format::RcpspMax]
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }

    /// Whether `path` has one of this format's extensions.
    pub fn matches(self, path: &Path) -> bool {
        Format::from_path(path) == Some(self)
    }

    /// Parses the text of one instance; `source` names it in errors and
    /// gives the problem its name (file stem).
    pub fn parse(self, text: &str, source: &str) -> Result<Problem, InputError> {
        match self {
            Format::Psplib => crate::bench::psplib::parse_sm(text, source),
            Format::Patterson => crate::bench::psplib::parse_rcp(text, source),
            Format::RcpspMax => crate::bench::rcpspmax::parse_sch(text, source),
        }
    }

    /// The format's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Psplib => "psplib",
            Format::Patterson => "patterson",
            Format::RcpspMax => "rcpspmax",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "psplib" | "sm" | "rcpsp" => Ok(Format::Psplib),
            "patterson" | "rcp" => Ok(Format::Patterson),
            "rcpspmax" | "rcpsp-max" | "rcpsp/max" | "sch" => Ok(Format::RcpspMax),
            other => Err(format!(
                "unknown benchmark format `{other}` (expected psplib, patterson or rcpspmax)"
            )),
        }
    }
}

/// Reads one instance file. With `format` `None` the extension decides.
/// The file is read as bytes; invalid UTF-8 is replaced, so garbage yields
/// a parse error rather than a failure to read.
pub fn read_instance(path: &Path, format: Option<Format>) -> Result<Problem, InputError> {
    let source = path.display().to_string();
    let format = match format.or_else(|| Format::from_path(path)) {
        Some(f) => f,
        None => return Err(error(
            &source,
            0,
            E_UNREADABLE,
            "the file extension does not name a benchmark format",
            "use .sm (PSPLIB), .rcp (Patterson) or .sch (RCPSP/max), or give the format explicitly",
        )),
    };
    let cant_read = |e: std::io::Error| {
        error(
            &source,
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
                &source,
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
            &source,
            0,
            E_UNREADABLE,
            format!(
                "the file is larger than {} MiB, far more than any benchmark instance",
                MAX_INSTANCE_BYTES / (1024 * 1024)
            ),
            "check you passed the right file",
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    format.parse(&text, &source)
}

/// Critical-path lower bound on the makespan, resources ignored: the
/// longest path with lags from time 0 (every activity starts at or after its
/// release and at or after 0), plus the activity's duration. Computed with
/// Bellman–Ford style relaxation, so it handles the cycles of RCPSP/max
/// (maximal time lags). Returns `None` when the precedences contain a cycle
/// of positive length: no schedule exists (temporal infeasibility).
///
/// This is a small helper of the formats/bench side, not the solver's bound.
pub fn critical_path_bound(problem: &Problem) -> Option<Time> {
    let est = earliest_starts(problem)?;
    Some(
        problem
            .activities
            .iter()
            .zip(&est)
            .map(|(a, &s)| s.saturating_add(a.duration))
            .max()
            .unwrap_or(0)
            .max(0),
    )
}

/// Earliest starts under the precedences alone (resources ignored); `None`
/// on a positive cycle. See [`critical_path_bound`].
pub(crate) fn earliest_starts(problem: &Problem) -> Option<Vec<Time>> {
    let n = problem.activities.len();
    let mut est: Vec<Time> = problem
        .activities
        .iter()
        .map(|a| a.release.max(0))
        .collect();
    let valid = |p: &crate::model::Precedence| p.from < n && p.to < n;
    // At most n passes change something on a graph without positive cycles.
    for _ in 0..=n {
        let mut changed = false;
        for p in problem.precedences.iter().filter(|p| valid(p)) {
            let cand = est[p.from].saturating_add(p.lag);
            if cand > est[p.to] {
                est[p.to] = cand;
                changed = true;
            }
        }
        if !changed {
            return Some(est);
        }
    }
    None
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
    use crate::model::{Activity, Precedence};

    fn chain(lags: &[(usize, usize, i64)], durs: &[i64]) -> Problem {
        Problem {
            name: "t".into(),
            activities: durs
                .iter()
                .enumerate()
                .map(|(i, &d)| Activity::new(i.to_string(), d))
                .collect(),
            precedences: lags
                .iter()
                .map(|&(from, to, lag)| Precedence { from, to, lag })
                .collect(),
            ..Problem::default()
        }
    }

    #[test]
    fn critical_path_of_a_chain() {
        let p = chain(&[(0, 1, 3), (1, 2, 4)], &[3, 4, 5]);
        assert_eq!(critical_path_bound(&p), Some(12));
    }

    #[test]
    fn critical_path_with_a_max_lag_cycle() {
        // 1 starts >= 0 + 2, and at most 5 after 0: fine.
        let p = chain(&[(0, 1, 2), (1, 0, -5)], &[1, 1]);
        assert_eq!(critical_path_bound(&p), Some(3));
        // 1 >= 0 + 6 but at most 5 after: positive cycle, infeasible.
        let p = chain(&[(0, 1, 6), (1, 0, -5)], &[1, 1]);
        assert_eq!(critical_path_bound(&p), None);
    }

    #[test]
    fn format_from_extension_and_name() {
        assert_eq!(
            Format::from_path(Path::new("a/j301_1.sm")),
            Some(Format::Psplib)
        );
        assert_eq!(
            Format::from_path(Path::new("PSP1.SCH")),
            Some(Format::RcpspMax)
        );
        assert_eq!(
            Format::from_path(Path::new("x.rcp")),
            Some(Format::Patterson)
        );
        assert_eq!(Format::from_path(Path::new("x.txt")), None);
        assert_eq!("rcpspmax".parse::<Format>(), Ok(Format::RcpspMax));
        assert!("nope".parse::<Format>().is_err());
    }

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
