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

use super::text_reader::{error, read_text, E_UNREADABLE};
use crate::error::InputError;
use crate::model::{Problem, Time};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use super::text_reader::{MAX_ACTIVITIES, MAX_INSTANCE_BYTES, MAX_RESOURCES, MAX_VALUE};

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
    let text = read_text(path, &source)?;
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
}
