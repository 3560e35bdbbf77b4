//! RCPSP/max reader for `.sch` files in ProGen/max format (the j10, j20,
//! j30 and ubo10..ubo1000 test sets of Schwindt, Kolisch et al.).
//!
//! Layout (whitespace-separated; `n` real activities, `r` renewable
//! resources; activities are numbered `0` (dummy source) to `n+1` (dummy
//! sink)):
//!
//! ```text
//! n r 0 0                                      first line: counts (non-renewable, doubly)
//! 0 1 4 3 2 1 8 [0] [0] [0] [0]                per activity: id modes #succ succ... [lag]...
//! ...
//! 11 1 0
//! 0 1 0 0 0 0 0 0                              per activity: id mode duration demand...
//! ...
//! 10 10 10 10 10                               capacities
//! ```
//!
//! Lags are start-to-start time lags `S[succ] >= S[id] + lag` and may be
//! negative (a maximal time lag the other way), so each becomes one core
//! [`Precedence`] as is. Activities are named by their id (`"0"` ..
//! `"n+1"`). Multi-mode files (MRCPSP/max, modes > 1) and non-renewable
//! resources are rejected with `E086`.

use crate::bench::text_reader::{
    error, name_of, read_text, tokenize, Cursor, E_COUNT, E_HEADER, E_JOB_REF, E_RANGE,
    E_UNSUPPORTED, MAX_ACTIVITIES, MAX_RESOURCES, MAX_VALUE,
};
use crate::error::InputError;
use crate::model::{Activity, Demand, Precedence, Problem, Resource};

/// Reads an RCPSP/max `.sch` file.
pub fn read(path: &std::path::Path) -> Result<Problem, InputError> {
    let source = path.display().to_string();
    parse_sch(&read_text(path, &source)?, &source)
}

/// Parses an RCPSP/max `.sch` file.
pub fn parse_sch(text: &str, source: &str) -> Result<Problem, InputError> {
    // Lag brackets are dropped: in single-mode files each `[lag]` holds one
    // number, one per successor, which the counts below check.
    let cleaned: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.replace(['[', ']'], " ")))
        .collect();
    let last_line = cleaned.len();
    let Some(first) = cleaned.iter().position(|(_, l)| !l.trim().is_empty()) else {
        return Err(error(
            source,
            0,
            E_HEADER,
            "the file is empty",
            "an RCPSP/max file starts with `n_activities n_resources 0 0`",
        ));
    };
    let lines: Vec<(usize, &str)> = cleaned.iter().map(|(n, l)| (*n, l.as_str())).collect();

    let head = read_header(source, lines[first])?;
    let (n, r) = (head.n_real + 2, head.r);
    let mut c = Cursor::new(source, tokenize(&lines[first + 1..]), last_line);
    let precedences = read_precedences(source, &mut c, n)?;
    let activities = read_activities(source, &mut c, n, r)?;
    let resources = read_capacities(source, &mut c, r)?;
    if n < 2 {
        return Err(error(
            source,
            head.line,
            E_RANGE,
            "fewer than 2 activities",
            "",
        ));
    }
    Ok(Problem {
        name: name_of(source),
        activities,
        precedences,
        resources,
        ..Problem::default()
    })
}

/// The counts of an `.sch` file's first line.
struct Header {
    /// Number of real activities (without the two dummies).
    n_real: usize,
    /// Number of renewable resources.
    r: usize,
    /// The line it was read from, for errors about the counts.
    line: usize,
}

/// Reads the first line, `n_real r [nonrenewable doubly]`, rejecting
/// non-renewable resources: only single-mode RCPSP/max is read.
fn read_header(source: &str, first: (usize, &str)) -> Result<Header, InputError> {
    let head_line = first.0;
    let head = tokenize(&[first]);
    if head.len() < 2 || head.len() > 4 {
        return Err(error(
            source,
            head_line,
            E_HEADER,
            format!(
                "the first line has {} fields, expected 2 to 4 numbers",
                head.len()
            ),
            "the first line is `n_real_activities n_resources 0 0`",
        ));
    }
    let mut hc = Cursor::new(source, head, head_line);
    let n_real = hc.count("the number of activities", MAX_ACTIVITIES - 2)?;
    let r = hc.count("the number of resources", MAX_RESOURCES)?;
    while !hc.at_end() {
        let k = hc.count("the number of non-renewable resources", MAX_RESOURCES)?;
        if k != 0 {
            return Err(error(
                source,
                head_line,
                E_UNSUPPORTED,
                format!("{k} non-renewable or doubly constrained resources"),
                "only renewable resources are supported (single-mode RCPSP/max)",
            ));
        }
    }
    Ok(Header {
        n_real,
        r,
        line: head_line,
    })
}

/// Reads the first block, one row per activity `0..n`
/// (`id modes #succ succ... lag...`), as start-to-start precedences.
fn read_precedences(
    source: &str,
    c: &mut Cursor<'_>,
    n: usize,
) -> Result<Vec<Precedence>, InputError> {
    let mut precedences = Vec::new();
    for i in 0..n {
        let line = c.line();
        let id = c.int("the activity number", 0, MAX_ACTIVITIES as i64)? as usize;
        if id != i {
            return Err(error(
                source,
                line,
                E_JOB_REF,
                format!("row for activity {id} where activity {i} was expected"),
                format!("list the activities in order 0..={}, one row each", n - 1),
            ));
        }
        let modes = c.int("the number of modes", 0, MAX_VALUE)?;
        if modes != 1 {
            return Err(error(
                source,
                line,
                E_UNSUPPORTED,
                format!("activity {id} has {modes} modes"),
                "only single-mode RCPSP/max instances are supported",
            ));
        }
        let succ = read_successors(source, c, id, n)?;
        for &s in &succ {
            let lag = c.int("a time lag", -MAX_VALUE, MAX_VALUE)?;
            precedences.push(Precedence {
                from: id,
                to: s,
                lag,
            });
        }
        if let Some(t) = c.peek() {
            if t.line == line && c.line() == line {
                return Err(error(
                    source,
                    line,
                    E_COUNT,
                    format!(
                        "activity {id}: more numbers than {ns} successors and {ns} lags",
                        ns = succ.len()
                    ),
                    "make #successors match the successors and lags listed",
                ));
            }
        }
    }
    Ok(precedences)
}

/// Reads `#succ succ...` of activity `id`, checking each successor is
/// another activity of `0..n`.
fn read_successors(
    source: &str,
    c: &mut Cursor<'_>,
    id: usize,
    n: usize,
) -> Result<Vec<usize>, InputError> {
    let ns = c.count("the number of successors", n)?;
    let mut succ = Vec::with_capacity(ns.min(1 << 12));
    for _ in 0..ns {
        let sline = c.line();
        let s = c.int("a successor", 0, MAX_ACTIVITIES as i64)? as usize;
        if s >= n || s == id {
            return Err(error(
                source,
                sline,
                E_JOB_REF,
                format!(
                    "activity {id} has successor {s}, not an activity of 0..={} other than itself",
                    n - 1
                ),
                "successors must be activity numbers of this file",
            ));
        }
        succ.push(s);
    }
    Ok(succ)
}

/// Reads the second block, one row per activity `0..n`
/// (`id mode duration demand...` with `r` demands), as activities.
fn read_activities(
    source: &str,
    c: &mut Cursor<'_>,
    n: usize,
    r: usize,
) -> Result<Vec<Activity>, InputError> {
    let mut activities = Vec::with_capacity(n.min(1 << 16));
    for i in 0..n {
        let line = c.line();
        let id = c.int("the activity number", 0, MAX_ACTIVITIES as i64)? as usize;
        if id != i {
            return Err(error(
                source,
                line,
                E_JOB_REF,
                format!("duration row for activity {id} where activity {i} was expected"),
                format!("list the activities in order 0..={}, one row each", n - 1),
            ));
        }
        let mode = c.int("the mode", 0, MAX_VALUE)?;
        if mode != 1 {
            return Err(error(
                source,
                line,
                E_UNSUPPORTED,
                format!("activity {id} has mode {mode}"),
                "only single-mode RCPSP/max instances are supported",
            ));
        }
        let duration = c.int("the duration", 0, MAX_VALUE)?;
        let mut a = Activity::new(id.to_string(), duration);
        for res in 0..r {
            let q = c.int("a resource demand", 0, MAX_VALUE)?;
            if q > 0 {
                a.demands.push(Demand {
                    resource: res,
                    amount: q,
                });
            }
        }
        if let Some(t) = c.peek() {
            if t.line == line {
                return Err(error(
                    source,
                    line,
                    E_COUNT,
                    format!("activity {id}: more than {r} resource demands"),
                    "give `id mode duration` and one demand per resource",
                ));
            }
        }
        activities.push(a);
    }
    Ok(activities)
}

/// Reads the last block, the `r` capacities, as constant-capacity
/// resources `R1..Rr`; anything after them is an error.
fn read_capacities(
    source: &str,
    c: &mut Cursor<'_>,
    r: usize,
) -> Result<Vec<Resource>, InputError> {
    let mut resources = Vec::with_capacity(r.min(1 << 10));
    for res in 0..r {
        let cap = c.int("a capacity", 0, MAX_VALUE)?;
        resources.push(Resource::constant(format!("R{}", res + 1), cap));
    }
    if let Some(t) = c.peek() {
        return Err(error(
            source,
            t.line,
            E_COUNT,
            format!("unexpected data `{}` after the {r} capacities", t.text),
            "the header's counts may be wrong, or the file has trailing garbage",
        ));
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::formats::critical_path_bound;

    const UBO10_01: &str = include_str!("../../tests/data/UBO10_01.sch");
    const PSP2: &str = include_str!("../../tests/data/ubo_10_psp2.sch");

    #[test]
    fn ubo10_01_loads() {
        let p = parse_sch(UBO10_01, "UBO10_01.sch").unwrap();
        assert_eq!(p.name, "UBO10_01");
        assert_eq!(p.activities.len(), 12);
        assert_eq!(p.resources.len(), 5);
        assert!(p.resources.iter().all(|r| r.max_capacity() == 10));
        // activity 2: successors 4, 11, 7 with lags 5, 9, 0; duration 9;
        // demands 10 8 0 8 10
        let from2: Vec<(usize, i64)> = p
            .precedences
            .iter()
            .filter(|q| q.from == 2)
            .map(|q| (q.to, q.lag))
            .collect();
        assert_eq!(from2, vec![(4, 5), (11, 9), (7, 0)]);
        assert_eq!(p.activities[2].duration, 9);
        let d: Vec<(usize, i64)> = p.activities[2]
            .demands
            .iter()
            .map(|d| (d.resource, d.amount))
            .collect();
        assert_eq!(d, vec![(0, 10), (1, 8), (3, 8), (4, 10)]);
        // negative lag kept as is
        assert!(p.precedences.contains(&Precedence {
            from: 5,
            to: 6,
            lag: -5
        }));
        assert!(critical_path_bound(&p).is_some());
    }

    #[test]
    fn crlf_is_accepted() {
        let dos = PSP2.replace('\n', "\r\n");
        assert_eq!(
            parse_sch(&dos, "p.sch").unwrap(),
            parse_sch(PSP2, "p.sch").unwrap()
        );
    }

    #[test]
    fn psp2_loads() {
        let p = parse_sch(PSP2, "ubo_10_psp2.sch").unwrap();
        assert_eq!(p.activities.len(), 12);
        assert!(p.precedences.contains(&Precedence {
            from: 7,
            to: 3,
            lag: -26
        }));
    }

    #[test]
    fn errors_carry_codes_and_lines() {
        let cases: Vec<(String, &str, &str)> = vec![
            (
                UBO10_01.replacen("2\t1\t3\t4\t11\t7", "2\t1\t3\t4\t12\t7", 1),
                "E085",
                "line 4",
            ),
            (
                UBO10_01.replacen("10\t5\t0\t0", "10\t5\t2\t0", 1),
                "E086",
                "line 1",
            ),
            (
                UBO10_01.replacen("3\t1\t1\t9\t[3]", "3\t2\t1\t9\t[3]", 1),
                "E086",
                "line 5",
            ),
            (
                UBO10_01.replacen("3\t1\t6\t9", "3\t1\t-6\t9", 1),
                "E083",
                "line 17",
            ),
            (
                UBO10_01.replacen("3\t1\t1\t9\t[3]", "3\t1\t1\t9\t[x]", 1),
                "E082",
                "line 5",
            ),
            (format!("{UBO10_01}7\n"), "E084", "line 27"),
            (
                UBO10_01.lines().take(20).collect::<Vec<_>>().join("\n"),
                "E087",
                "line 20",
            ),
        ];
        for (text, code, line) in cases {
            let e = parse_sch(&text, "x.sch").unwrap_err();
            assert_eq!(e.diagnostics[0].code, code, "{e}");
            assert_eq!(e.diagnostics[0].path, line, "{e}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "\n\n",
            "x",
            "1",
            "99999999999 5 0 0",
            "2 99999999 0 0\n",
            "0 0 0 0\n0 1 0\n1 1 0\n0 1 0\n1 1 0\n",
            "-1 -1",
            "[[[]]]",
        ] {
            let _ = parse_sch(text, "g.sch");
        }
        // an empty project (0 real activities, no resources) is valid
        let p = parse_sch("0 0 0 0\n0 1 1 1 [0]\n1 1 0\n0 1 0\n1 1 0\n", "e.sch").unwrap();
        assert_eq!(p.activities.len(), 2);
    }
}
