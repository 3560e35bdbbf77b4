//! PSPLIB single-mode RCPSP (`.sm`) and Patterson (`.rcp`) readers.
//!
//! Both produce a core [`Problem`] with one activity per job, named by the
//! job number (`"1"` .. `"N"`; job 1 and job N are the dummy source and sink
//! of duration 0), one finish-to-start precedence per successor written in
//! the core's start-to-start form (`S[succ] >= S[job] + duration(job)`), and
//! constant-capacity resources named `R1`, `R2`, ...
//!
//! `.sm` layout (header lines, then sections; `*`/`-` lines separate):
//!
//! ```text
//! jobs (incl. supersource/sink ):  32
//!   - renewable                 :  4   R
//!   - nonrenewable              :  0   N
//!   - doubly constrained        :  0   D
//! PRECEDENCE RELATIONS:
//! jobnr.    #modes  #successors   successors
//!    1        1          3           2   3   4
//! REQUESTS/DURATIONS:
//! jobnr. mode duration  R 1  R 2  R 3  R 4
//!   2      1     8       4    0    0    0
//! RESOURCEAVAILABILITIES:
//!   R 1  R 2  R 3  R 4
//!    12   13    4   12
//! ```
//!
//! `.rcp` layout (whitespace-separated numbers, line breaks not significant):
//! `n_jobs n_resources`, the capacities, then per job `duration demands...
//! n_successors successors...` (1-based job numbers).

use crate::bench::text_reader::{
    diag, error, name_of, parse_int, read_text, tokenize, Cursor, Tok, E_COUNT, E_HEADER,
    E_JOB_REF, E_RANGE, E_TRUNCATED, E_UNSUPPORTED, MAX_ACTIVITIES, MAX_RESOURCES, MAX_VALUE,
};
use crate::error::{Diagnostic, InputError};
use crate::model::{Activity, Demand, Precedence, Problem, Resource};

/// At most this many diagnostics are collected from one file.
const MAX_DIAGNOSTICS: usize = 20;

/// Plain data of a single-mode RCPSP instance (0-based job indices).
struct Rcpsp {
    durations: Vec<i64>,
    demands: Vec<Vec<i64>>,
    successors: Vec<Vec<usize>>,
    capacities: Vec<i64>,
}

impl Rcpsp {
    fn into_problem(self, name: String) -> Problem {
        let mut activities: Vec<Activity> = self
            .durations
            .iter()
            .enumerate()
            .map(|(j, &d)| Activity::new((j + 1).to_string(), d))
            .collect();
        for (j, dem) in self.demands.iter().enumerate() {
            activities[j].demands = dem
                .iter()
                .enumerate()
                .filter(|(_, &q)| q > 0)
                .map(|(r, &q)| Demand {
                    resource: r,
                    amount: q,
                })
                .collect();
        }
        let precedences = self
            .successors
            .iter()
            .enumerate()
            .flat_map(|(j, succ)| {
                let lag = self.durations[j];
                succ.iter().map(move |&s| Precedence {
                    from: j,
                    to: s,
                    lag,
                })
            })
            .collect();
        let resources = self
            .capacities
            .iter()
            .enumerate()
            .map(|(r, &c)| Resource::constant(format!("R{}", r + 1), c))
            .collect();
        Problem {
            name,
            activities,
            precedences,
            resources,
            ..Problem::default()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Header,
    Project,
    Precedence,
    Requests,
    Capacities,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Header => "header",
            Section::Project => "PROJECT INFORMATION",
            Section::Precedence => "PRECEDENCE RELATIONS",
            Section::Requests => "REQUESTS/DURATIONS",
            Section::Capacities => "RESOURCEAVAILABILITIES",
        }
    }
}

/// The number after the `:` of a header line, e.g. `jobs (...):  32`.
fn header_value(
    source: &str,
    line_no: usize,
    line: &str,
    what: &str,
    max: usize,
) -> Result<usize, InputError> {
    let after = line.split_once(':').map(|(_, v)| v).unwrap_or("");
    let Some(text) = after.split_whitespace().next() else {
        return Err(error(
            source,
            line_no,
            E_HEADER,
            format!("the {what} line has no value after `:`"),
            format!("write the {what} after the colon, e.g. `{what} :  32`"),
        ));
    };
    let v = parse_int(
        source,
        Tok {
            line: line_no,
            text,
        },
        what,
        0,
        max as i64,
    )?;
    Ok(v as usize)
}

/// Reads a PSPLIB single-mode `.sm` file.
pub fn read(path: &std::path::Path) -> Result<Problem, InputError> {
    let source = path.display().to_string();
    parse_sm(&read_text(path, &source)?, &source)
}

/// Reads a Patterson `.rcp` file.
pub fn read_rcp(path: &std::path::Path) -> Result<Problem, InputError> {
    let source = path.display().to_string();
    parse_rcp(&read_text(path, &source)?, &source)
}

/// Parses a PSPLIB single-mode `.sm` file.
pub fn parse_sm(text: &str, source: &str) -> Result<Problem, InputError> {
    let scan = SmScan::scan(text, source)?;
    let (n, r) = scan.counts(source)?;
    check_row_count(
        source,
        &scan.prec_rows,
        n,
        Section::Precedence,
        scan.last_line,
    )?;
    check_row_count(source, &scan.req_rows, n, Section::Requests, scan.last_line)?;

    let mut rows = SectionParser {
        source,
        diags: Vec::new(),
    };
    let successors = rows.precedences(&scan.prec_rows, n);
    let (durations, demands) = rows.requests(&scan.req_rows, n, r);
    let capacities = rows.capacities(&scan.cap_rows, r, scan.last_line)?;

    if !rows.diags.is_empty() {
        return Err(InputError {
            source: source.to_string(),
            diagnostics: rows.diags,
        });
    }
    Ok(Rcpsp {
        durations,
        demands,
        successors,
        capacities,
    }
    .into_problem(name_of(source)))
}

/// One data row of a `.sm` section: its line number and its tokens.
type Row<'a> = (usize, Vec<&'a str>);

/// What one pass over a `.sm` text collects: the header's counts and the
/// still unparsed data rows of each section, so that the rows can be checked
/// against the counts afterwards whatever order the file gives them in.
struct SmScan<'a> {
    /// Number of jobs and the line giving it.
    n_jobs: Option<(usize, usize)>,
    /// Number of renewable resources and the line giving it.
    n_ren: Option<(usize, usize)>,
    /// The section the scan is in.
    section: Section,
    /// Which sections had a heading, indexed by `Section as usize`.
    seen: [bool; 5],
    prec_rows: Vec<Row<'a>>,
    req_rows: Vec<Row<'a>>,
    cap_rows: Vec<Row<'a>>,
    /// Number of the file's last line, for errors about missing data.
    last_line: usize,
}

impl<'a> SmScan<'a> {
    /// Sorts the lines of `text` into header counts and section rows;
    /// fails only on a malformed or unsupported header line.
    fn scan(text: &'a str, source: &str) -> Result<Self, InputError> {
        let mut scan = SmScan {
            n_jobs: None,
            n_ren: None,
            section: Section::Header,
            seen: [false; 5],
            prec_rows: Vec::new(),
            req_rows: Vec::new(),
            cap_rows: Vec::new(),
            last_line: 0,
        };
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            scan.last_line = line_no;
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let low = line.to_ascii_lowercase();
            if scan.header_line(source, line_no, line, &low)? {
                continue;
            }
            if let Some(s) = section_heading(&low) {
                scan.section = s;
                scan.seen[s as usize] = true;
                continue;
            }
            if line.chars().all(|c| c == '*' || c == '-') {
                continue;
            }
            let toks: Vec<&str> = line.split_whitespace().collect();
            if !is_data_row(&toks) {
                continue;
            }
            match scan.section {
                Section::Header | Section::Project => {}
                Section::Precedence => scan.prec_rows.push((line_no, toks)),
                Section::Requests => scan.req_rows.push((line_no, toks)),
                Section::Capacities => scan.cap_rows.push((line_no, toks)),
            }
        }
        Ok(scan)
    }

    /// Takes the count of a header line (jobs, renewable, non-renewable or
    /// doubly constrained resources); `Ok(false)` if `line` is no such line.
    /// Non-renewable resources are rejected: only single-mode RCPSP is read.
    fn header_line(
        &mut self,
        source: &str,
        line_no: usize,
        line: &str,
        low: &str,
    ) -> Result<bool, InputError> {
        if low.starts_with("jobs (incl. supersource/sink") || low.starts_with("jobs (incl.") {
            self.n_jobs = Some((
                header_value(source, line_no, line, "number of jobs", MAX_ACTIVITIES)?,
                line_no,
            ));
            return Ok(true);
        }
        if low.starts_with("- renewable") {
            self.n_ren = Some((
                header_value(
                    source,
                    line_no,
                    line,
                    "number of renewable resources",
                    MAX_RESOURCES,
                )?,
                line_no,
            ));
            return Ok(true);
        }
        if low.starts_with("- nonrenewable") || low.starts_with("- doubly") {
            let k = header_value(source, line_no, line, "number of resources", MAX_RESOURCES)?;
            if k != 0 {
                return Err(error(
                    source,
                    line_no,
                    E_UNSUPPORTED,
                    format!("{k} non-renewable or doubly constrained resources"),
                    "only renewable resources are supported (single-mode RCPSP); this looks like a multi-mode instance",
                ));
            }
            return Ok(true);
        }
        Ok(false)
    }

    /// The number of jobs and of renewable resources, after checking that
    /// the header gave both, that there are at least the two dummy jobs and
    /// that every section with data has its heading.
    fn counts(&self, source: &str) -> Result<(usize, usize), InputError> {
        let Some((n, n_line)) = self.n_jobs else {
            return Err(error(
                source,
                0,
                E_HEADER,
                "no `jobs (incl. supersource/sink ):` line",
                "is this a PSPLIB .sm file? The header must give the number of jobs",
            ));
        };
        let Some((r, _)) = self.n_ren else {
            return Err(error(
                source,
                0,
                E_HEADER,
                "no `- renewable :` line",
                "the header must give the number of renewable resources",
            ));
        };
        if n < 2 {
            return Err(error(
                source,
                n_line,
                E_RANGE,
                format!("{n} jobs; at least the dummy source and sink are expected"),
                "a PSPLIB instance has at least 2 jobs (the dummies 1 and N)",
            ));
        }
        for s in [Section::Precedence, Section::Requests, Section::Capacities] {
            if !self.seen[s as usize] {
                return Err(error(
                    source,
                    self.last_line,
                    E_TRUNCATED,
                    format!("section {} is missing", s.title()),
                    "the file looks truncated; fetch it again",
                ));
            }
        }
        Ok((n, r))
    }
}

/// The section a heading line (lowercased) opens, if it is one.
fn section_heading(low: &str) -> Option<Section> {
    if low.starts_with("project information") {
        Some(Section::Project)
    } else if low.starts_with("precedence relations") {
        Some(Section::Precedence)
    } else if low.starts_with("requests/durations") {
        Some(Section::Requests)
    } else if low.starts_with("resourceavailabilities") {
        Some(Section::Capacities)
    } else {
        None
    }
}

/// Whether a (non-empty) line's tokens are a data row: a data row starts
/// with a number, column headers like `jobnr.` or `R 1  R 2` do not.
fn is_data_row(toks: &[&str]) -> bool {
    toks[0].parse::<i64>().is_ok()
        || toks[0].starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
}

/// Parses the rows of the `.sm` sections, collecting up to
/// [`MAX_DIAGNOSTICS`] diagnostics instead of stopping at the first, so
/// one run reports many of a file's errors.
struct SectionParser<'s> {
    source: &'s str,
    diags: Vec<Diagnostic>,
}

impl SectionParser<'_> {
    /// Records a diagnostic unless the limit is reached.
    fn push(&mut self, d: Diagnostic) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(d)
        }
    }

    /// One range-checked number of a row, its error as a single diagnostic.
    fn num(
        &self,
        line: usize,
        tok: &str,
        what: &str,
        min: i64,
        max: i64,
    ) -> Result<i64, Diagnostic> {
        parse_int(self.source, Tok { line, text: tok }, what, min, max)
            .map_err(|e| e.diagnostics.into_iter().next().expect("one diagnostic"))
    }

    /// The successors (0-based) of each of the `n` jobs, from the rows of
    /// PRECEDENCE RELATIONS (`job  #modes  #successors  successors...`).
    fn precedences(&mut self, rows: &[Row<'_>], n: usize) -> Vec<Vec<usize>> {
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, (line, toks)) in rows.iter().enumerate() {
            let line = *line;
            if toks.len() < 3 {
                self.push(diag(
                    line,
                    E_COUNT,
                    format!(
                        "precedence row has {} numbers, expected at least 3",
                        toks.len()
                    ),
                    "write `job  #modes  #successors  successors...`",
                ));
                continue;
            }
            let row: Result<Vec<i64>, Diagnostic> = toks
                .iter()
                .map(|t| self.num(line, t, "a precedence entry", 0, MAX_ACTIVITIES as i64))
                .collect();
            let row = match row {
                Ok(r) => r,
                Err(d) => {
                    self.push(d);
                    continue;
                }
            };
            let (job, modes, ns) = (row[0] as usize, row[1], row[2] as usize);
            if job != k + 1 {
                self.push(diag(
                    line,
                    E_JOB_REF,
                    format!(
                        "precedence row for job {job} where job {} was expected",
                        k + 1
                    ),
                    "list the jobs in order 1..N, one row each",
                ));
                continue;
            }
            if modes != 1 {
                self.push(diag(
                    line,
                    E_UNSUPPORTED,
                    format!("job {job} has {modes} modes"),
                    "only single-mode instances (.sm) are supported",
                ));
                continue;
            }
            if row.len() - 3 != ns {
                self.push(diag(
                    line,
                    E_COUNT,
                    format!(
                        "job {job} lists {} successors but says it has {ns}",
                        row.len() - 3
                    ),
                    "make the #successors column match the successors listed",
                ));
                continue;
            }
            for &s in &row[3..] {
                let s = s as usize;
                if s < 1 || s > n || s == job {
                    self.push(diag(
                        line,
                        E_JOB_REF,
                        format!(
                            "job {job} has successor {s}, not a job of 1..={n} other than itself"
                        ),
                        "successors must be job numbers of this file",
                    ));
                } else {
                    successors[k].push(s - 1);
                }
            }
        }
        successors
    }

    /// The durations and demands of each of the `n` jobs on the `r`
    /// resources, from the rows of REQUESTS/DURATIONS
    /// (`job  mode  duration  demand-R1 ... demand-Rn`).
    fn requests(&mut self, rows: &[Row<'_>], n: usize, r: usize) -> (Vec<i64>, Vec<Vec<i64>>) {
        let mut durations = vec![0i64; n];
        // Filled row by row once a row's length is checked, so memory follows
        // the file's size, not the header's claims.
        let mut demands: Vec<Vec<i64>> = vec![Vec::new(); n];
        for (k, (line, toks)) in rows.iter().enumerate() {
            let line = *line;
            if toks.len() != 3 + r {
                self.push(diag(
                    line,
                    E_COUNT,
                    format!(
                        "request row has {} numbers, expected {} (job, mode, duration and {r} demands)",
                        toks.len(),
                        3 + r
                    ),
                    "write `job  mode  duration  demand-R1 ... demand-Rn`",
                ));
                continue;
            }
            let job = match self.num(line, toks[0], "the job number", 1, n as i64) {
                Ok(j) => j as usize,
                Err(d) => {
                    self.push(d);
                    continue;
                }
            };
            if job != k + 1 {
                self.push(diag(
                    line,
                    E_JOB_REF,
                    format!("request row for job {job} where job {} was expected", k + 1),
                    "list the jobs in order 1..N, one row each",
                ));
                continue;
            }
            match self.num(line, toks[1], "the mode", 0, MAX_VALUE) {
                Ok(1) => {}
                Ok(m) => {
                    self.push(diag(
                        line,
                        E_UNSUPPORTED,
                        format!("job {job} has mode {m}"),
                        "only single-mode instances (.sm) are supported",
                    ));
                    continue;
                }
                Err(d) => {
                    self.push(d);
                    continue;
                }
            }
            match self.num(line, toks[2], "the duration", 0, MAX_VALUE) {
                Ok(d) => durations[k] = d,
                Err(d) => self.push(d),
            }
            for t in &toks[3..] {
                match self.num(line, t, "a resource demand", 0, MAX_VALUE) {
                    Ok(q) => demands[k].push(q),
                    Err(d) => self.push(d),
                }
            }
        }
        (durations, demands)
    }

    /// The capacities of the `r` resources, from the single row of
    /// RESOURCEAVAILABILITIES; fails outright if that row is missing.
    fn capacities(
        &mut self,
        rows: &[Row<'_>],
        r: usize,
        last_line: usize,
    ) -> Result<Vec<i64>, InputError> {
        let mut capacities = vec![0i64; r];
        match rows {
            [] if r == 0 => {}
            [] => {
                return Err(error(
                    self.source,
                    last_line,
                    E_TRUNCATED,
                    "section RESOURCEAVAILABILITIES has no row of capacities",
                    "the file looks truncated; fetch it again",
                ))
            }
            [(line, toks)] => {
                if toks.len() != r {
                    self.push(diag(
                        *line,
                        E_COUNT,
                        format!("{} capacities for {r} resources", toks.len()),
                        "give one capacity per renewable resource",
                    ));
                } else {
                    for (ri, t) in toks.iter().enumerate() {
                        match self.num(*line, t, "a capacity", 0, MAX_VALUE) {
                            Ok(c) => capacities[ri] = c,
                            Err(d) => self.push(d),
                        }
                    }
                }
            }
            [_, (line, _), ..] => self.push(diag(
                *line,
                E_COUNT,
                "more than one row of capacities",
                "RESOURCEAVAILABILITIES holds exactly one row of numbers",
            )),
        }
        Ok(capacities)
    }
}

/// Fails unless a section has exactly the `n` job rows the header announces.
fn check_row_count(
    source: &str,
    rows: &[(usize, Vec<&str>)],
    n: usize,
    section: Section,
    last_line: usize,
) -> Result<(), InputError> {
    if rows.len() < n {
        let line = rows.last().map(|r| r.0).unwrap_or(last_line);
        return Err(error(
            source,
            line,
            E_TRUNCATED,
            format!(
                "section {} has {} job rows, the header says {n} jobs",
                section.title(),
                rows.len()
            ),
            "the file looks truncated, or the jobs line of the header is wrong",
        ));
    }
    if rows.len() > n {
        return Err(error(
            source,
            rows[n].0,
            E_COUNT,
            format!(
                "section {} has more than the {n} job rows the header announces",
                section.title()
            ),
            "remove the extra rows or correct the jobs line of the header",
        ));
    }
    Ok(())
}

/// Parses a Patterson-format `.rcp` file.
pub fn parse_rcp(text: &str, source: &str) -> Result<Problem, InputError> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    let last_line = lines.len();
    let mut c = Cursor::new(source, tokenize(&lines), last_line);
    if c.at_end() {
        return Err(error(
            source,
            0,
            E_HEADER,
            "the file is empty",
            "a Patterson file starts with `n_jobs n_resources`",
        ));
    }
    let n = c.count("the number of jobs", MAX_ACTIVITIES)?;
    let r = c.count("the number of resources", MAX_RESOURCES)?;
    if n < 2 {
        return Err(error(
            source,
            1,
            E_RANGE,
            format!("{n} jobs; at least the dummy source and sink are expected"),
            "a Patterson instance has at least 2 jobs",
        ));
    }
    let mut capacities = Vec::with_capacity(r);
    for _ in 0..r {
        capacities.push(c.int("a capacity", 0, MAX_VALUE)?);
    }
    let mut durations = Vec::with_capacity(n.min(1 << 16));
    let mut demands = Vec::with_capacity(n.min(1 << 16));
    let mut successors = Vec::with_capacity(n.min(1 << 16));
    for j in 0..n {
        durations.push(c.int("a duration", 0, MAX_VALUE)?);
        let mut dem = Vec::with_capacity(r);
        for _ in 0..r {
            dem.push(c.int("a resource demand", 0, MAX_VALUE)?);
        }
        demands.push(dem);
        let ns = c.count("the number of successors", n)?;
        let mut succ = Vec::with_capacity(ns.min(1 << 12));
        for _ in 0..ns {
            let sline = c.line();
            let s = c.int("a successor", 1, n as i64)? as usize;
            if s == j + 1 {
                return Err(error(
                    source,
                    sline,
                    E_JOB_REF,
                    format!("job {} lists itself as a successor", j + 1),
                    "successors must be other jobs",
                ));
            }
            succ.push(s - 1);
        }
        successors.push(succ);
    }
    if let Some(t) = c.peek() {
        return Err(error(
            source,
            t.line,
            E_COUNT,
            format!("unexpected data `{}` after the {n} jobs", t.text),
            "the header's job count may be wrong, or the file has trailing garbage",
        ));
    }
    Ok(Rcpsp {
        durations,
        demands,
        successors,
        capacities,
    }
    .into_problem(name_of(source)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::formats::critical_path_bound;

    const J301: &str = include_str!("../../tests/data/j301_1.sm");
    const RG30: &str = include_str!("../../tests/data/rg30_set1_pat1.rcp");
    /// Sum of the #successors column of j301_1.sm.
    const SUCC_TOTAL: usize = 48;

    #[test]
    fn j301_1_loads() {
        let p = parse_sm(J301, "tests/data/j301_1.sm").unwrap();
        assert_eq!(p.name, "j301_1");
        assert_eq!(p.activities.len(), 32);
        assert_eq!(p.activities[0].name, "1");
        assert_eq!(p.activities[0].duration, 0);
        assert_eq!(p.activities[1].duration, 8);
        assert_eq!(p.activities[31].duration, 0);
        assert_eq!(p.resources.len(), 4);
        let caps: Vec<i64> = p.resources.iter().map(|r| r.max_capacity()).collect();
        assert_eq!(caps, vec![12, 13, 4, 12]);
        assert_eq!(p.resources[0].name, "R1");
        // job 2 -> 6 with lag = duration of job 2 (8)
        assert!(p.precedences.contains(&Precedence {
            from: 1,
            to: 5,
            lag: 8
        }));
        // job 3 demands 10 of R1
        assert_eq!(
            p.activities[2].demands,
            vec![Demand {
                resource: 0,
                amount: 10
            }]
        );
        assert_eq!(p.precedences.len(), SUCC_TOTAL);
        // MPM-Time in the header is 38.
        assert_eq!(critical_path_bound(&p), Some(38));
    }

    #[test]
    fn crlf_and_tabs_are_accepted() {
        let dos = J301.replace('\n', "\r\n").replace("    ", "\t");
        let p = parse_sm(&dos, "dos.sm").unwrap();
        assert_eq!(p, parse_sm(J301, "dos.sm").unwrap());
    }

    #[test]
    fn rcp_loads() {
        let p = parse_rcp(RG30, "rg30_set1_pat1.rcp").unwrap();
        assert_eq!(p.activities.len(), 32);
        assert_eq!(p.resources.len(), 4);
        assert_eq!(p.activities[1].duration, 10);
        assert_eq!(p.activities[0].duration, 0);
        // job 1 has 18 successors
        assert_eq!(p.precedences.iter().filter(|q| q.from == 0).count(), 18);
        assert!(p.precedences.contains(&Precedence {
            from: 1,
            to: 22,
            lag: 10
        }));
    }

    fn code_and_line(e: &InputError) -> (&'static str, String) {
        (e.diagnostics[0].code, e.diagnostics[0].path.clone())
    }

    #[test]
    fn truncated_sm_is_e087() {
        let cut: String = J301.lines().take(40).collect::<Vec<_>>().join("\n");
        let e = parse_sm(&cut, "cut.sm").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E087");
    }

    #[test]
    fn bad_successor_count_reports_line() {
        let bad = J301.replace(
            "   5        1          1          20",
            "   5        1          2          20",
        );
        let e = parse_sm(&bad, "bad.sm").unwrap_err();
        assert_eq!(code_and_line(&e), ("E084", "line 23".to_string()));
    }

    #[test]
    fn negative_duration_is_e083() {
        let bad = J301.replace(
            "  2      1     8       4    0    0    0",
            "  2      1    -8       4    0    0    0",
        );
        let e = parse_sm(&bad, "bad.sm").unwrap_err();
        assert_eq!(code_and_line(&e), ("E083", "line 56".to_string()));
    }

    #[test]
    fn huge_jobs_header_is_an_error_not_an_allocation() {
        let bad = J301.replace(
            "jobs (incl. supersource/sink ):  32",
            "jobs (incl. supersource/sink ):  99999999999999",
        );
        let e = parse_sm(&bad, "bad.sm").unwrap_err();
        assert_eq!(code_and_line(&e), ("E083", "line 6".to_string()));
    }

    #[test]
    fn garbage_is_an_error() {
        for text in [
            "",
            "hello world",
            "\u{0}\u{1}\u{2}",
            "jobs (incl. supersource/sink ): x",
        ] {
            assert!(parse_sm(text, "g.sm").is_err(), "{text:?}");
            assert!(parse_rcp(text, "g.rcp").is_err(), "{text:?}");
        }
    }

    #[test]
    fn truncated_rcp_is_e087() {
        let cut: String = RG30.lines().take(10).collect::<Vec<_>>().join("\n");
        let e = parse_rcp(&cut, "cut.rcp").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E087");
    }

    #[test]
    fn multimode_sm_is_e086() {
        let bad = J301.replace(
            "  - nonrenewable              :  0   N",
            "  - nonrenewable              :  2   N",
        );
        let e = parse_sm(&bad, "mm.sm").unwrap_err();
        assert_eq!(code_and_line(&e), ("E086", "line 10".to_string()));
    }
}
