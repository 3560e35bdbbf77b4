//! Integration tests of the benchmark readers and the benchmark runner on
//! the fixtures in tests/data (see tests/data/README.md for their sources).

mod common;

use common::{data, root, tempdir};
use std::path::{Path, PathBuf};
use windowplan::bench::formats::{self, critical_path_bound, Format};
use windowplan::bench::runner::{
    self as bench, BenchOptions, BenchReport, InstanceStatus, RefStatus, Solver, Verifier,
};
use windowplan::error::InputError;
use windowplan::model::{Precedence, Problem, Time};
use windowplan::solve::{Outcome, Solution, SolveOptions};

#[test]
fn psplib_fixture() {
    let p = formats::read_instance(&data("j301_1.sm"), None).unwrap();
    assert_eq!(p.name, "j301_1");
    assert_eq!(p.activities.len(), 32);
    let d: Vec<Time> = p.activities.iter().take(6).map(|a| a.duration).collect();
    assert_eq!(d, vec![0, 8, 4, 6, 3, 8]);
    assert_eq!(p.activities[31].duration, 0);
    assert_eq!(p.activities[31].name, "32");
    // job 8 -> 19: lag = duration of job 8 = 9
    assert!(p.precedences.contains(&Precedence {
        from: 7,
        to: 18,
        lag: 9
    }));
    let caps: Vec<i64> = p.resources.iter().map(|r| r.capacity_at(0)).collect();
    assert_eq!(caps, vec![12, 13, 4, 12]);
    assert!(p.resources.iter().all(|r| r.is_constant()));
    assert_eq!(critical_path_bound(&p), Some(38));
}

#[test]
fn patterson_fixture() {
    let p = formats::read_instance(&data("rg30_set1_pat1.rcp"), None).unwrap();
    assert_eq!(p.activities.len(), 32);
    assert_eq!(p.resources.len(), 4);
    assert!(p.resources.iter().all(|r| r.capacity_at(0) == 10));
    assert_eq!(p.activities[2].duration, 5);
    assert_eq!(p.activities[2].demands.len(), 3);
    assert!(critical_path_bound(&p).unwrap() > 0);
}

#[test]
fn rcpspmax_fixtures() {
    let p = formats::read_instance(&data("ubo_10_psp2.sch"), None).unwrap();
    assert_eq!(p.name, "ubo_10_psp2");
    assert_eq!(p.activities.len(), 12);
    assert_eq!(p.activities[3].duration, 10);
    assert!(p.precedences.contains(&Precedence {
        from: 9,
        to: 4,
        lag: -25
    }));
    let caps: Vec<i64> = p.resources.iter().map(|r| r.capacity_at(0)).collect();
    assert_eq!(caps, vec![10; 5]);
    let cp = critical_path_bound(&p).unwrap();
    assert!(cp <= 45, "critical path {cp} above the optimum 45");

    let q = formats::read_instance(&data("UBO10_01.sch"), Some(Format::RcpspMax)).unwrap();
    assert_eq!(q.activities.len(), 12);
    assert_eq!(
        q.precedences.len(),
        4 + 1 + 3 + 1 + 2 + 2 + 3 + 2 + 2 + 1 + 2
    );
    // Temporally feasible: its infeasibility comes from the resources.
    assert!(critical_path_bound(&q).is_some());
}

#[test]
fn malformed_files_report_code_and_line() {
    let cases = [
        ("malformed/truncated.sm", "E087", None),
        (
            "malformed/wrong_successor_count.sm",
            "E084",
            Some("line 23"),
        ),
        ("malformed/negative_duration.sm", "E083", Some("line 56")),
        ("malformed/bad_successor.sch", "E085", Some("line 3")),
        ("malformed/garbage.sch", "E081", Some("line 1")),
        ("malformed/huge_number.rcp", "E082", Some("line 4")),
    ];
    for (file, code, line) in cases {
        let e = formats::read_instance(&data(file), None).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(d.code, code, "{file}: {e}");
        if let Some(line) = line {
            assert_eq!(d.path, line, "{file}: {e}");
        }
        assert!(e.to_string().contains(file.rsplit('/').next().unwrap()));
        assert!(!d.hint.is_empty(), "{file}: no hint");
    }
    let e = formats::read_instance(&data("nope.sm"), None).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E080");
    let e = formats::read_instance(&data("README.md"), None).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E080");
}

/// Serial schedule generation for problems whose lags are all non-negative
/// (plain RCPSP): a valid, not necessarily optimal, schedule. Test-only.
fn serial_sgs(p: &Problem) -> Option<Vec<Time>> {
    let n = p.activities.len();
    if p.precedences.iter().any(|q| q.lag < 0) {
        return None;
    }
    let mut indeg = vec![0usize; n];
    for q in &p.precedences {
        indeg[q.to] += 1;
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let horizon: Time = p.activities.iter().map(|a| a.duration).sum::<Time>()
        + p.precedences.iter().map(|q| q.lag).sum::<Time>()
        + 1;
    let mut usage = vec![vec![0i64; horizon as usize + 1]; p.resources.len()];
    let mut start = vec![0 as Time; n];
    let mut done = 0;
    while let Some(j) = ready.pop() {
        let a = &p.activities[j];
        let mut t = p
            .precedences
            .iter()
            .filter(|q| q.to == j)
            .map(|q| start[q.from] + q.lag)
            .max()
            .unwrap_or(0);
        let fits = |t: Time, usage: &Vec<Vec<i64>>| {
            (t..t + a.duration).all(|tt| {
                a.demands.iter().all(|d| {
                    usage[d.resource][tt as usize] + d.amount
                        <= p.resources[d.resource].capacity_at(tt)
                })
            })
        };
        while !fits(t, &usage) {
            t += 1;
        }
        start[j] = t;
        for tt in t..t + a.duration {
            for d in &a.demands {
                usage[d.resource][tt as usize] += d.amount;
            }
        }
        done += 1;
        for q in p.precedences.iter().filter(|q| q.from == j) {
            indeg[q.to] -= 1;
            if indeg[q.to] == 0 {
                ready.push(q.to);
            }
        }
    }
    (done == n).then_some(start)
}

/// A stand-in for the solver (which is being written in parallel): the
/// serial schedule for plain RCPSP, "infeasible" for UBO10_01, else nothing.
fn fake_solver(p: &Problem, _: &SolveOptions) -> Outcome {
    if p.name == "UBO10_01" {
        return Outcome::Infeasible("fake: known infeasible".into());
    }
    match serial_sgs(p) {
        Some(starts) => Outcome::Solved(Solution {
            makespan: p.makespan(&starts),
            lower_bound: critical_path_bound(p).unwrap_or(0),
            starts,
        }),
        None => Outcome::NotFound("fake: no RCPSP/max search".into()),
    }
}

/// One `bench::run_with` under the default solve options: by default
/// without a reference table, with the default bench options, the fake
/// solver and the real verifier.
struct Bench<'a> {
    format: Format,
    reference: Option<PathBuf>,
    options: BenchOptions,
    solver: Solver<'a>,
    verifier: Verifier<'a>,
}

impl<'a> Bench<'a> {
    fn new(format: Format) -> Self {
        Bench {
            format,
            reference: None,
            options: BenchOptions::default(),
            solver: &fake_solver,
            verifier: &windowplan::model::verify::verify,
        }
    }

    /// With tests/data/reference.csv.
    fn reference(mut self) -> Self {
        self.reference = Some(data("reference.csv"));
        self
    }

    fn options(mut self, options: BenchOptions) -> Self {
        self.options = options;
        self
    }

    fn solver(mut self, solver: Solver<'a>) -> Self {
        self.solver = solver;
        self
    }

    fn verifier(mut self, verifier: Verifier<'a>) -> Self {
        self.verifier = verifier;
        self
    }

    fn run(&self, dir: &Path) -> Result<BenchReport, InputError> {
        bench::run_with(
            dir,
            self.format,
            self.reference.as_deref(),
            &SolveOptions::default(),
            &self.options,
            self.solver,
            self.verifier,
        )
    }
}

fn copy_into(dir: &Path, files: &[(&str, &str)]) {
    for (from, to) in files {
        std::fs::copy(data(from), dir.join(to)).unwrap();
    }
}

#[test]
fn bench_psplib_with_a_valid_schedule_passes() {
    let tmp = tempdir();
    let dir = tmp.path().join("j30");
    std::fs::create_dir(&dir).unwrap();
    copy_into(&dir, &[("j301_1.sm", "j301_1.sm")]);
    let csv = tmp.path().join("rows.csv");
    let report = Bench::new(formats::Format::Psplib)
        .reference()
        .options(BenchOptions {
            instances_csv: Some(csv.clone()),
            ..BenchOptions::default()
        })
        .run(&dir)
        .unwrap();
    assert!(report.passed(), "{:?}", report.failures());
    assert_eq!(report.sets.len(), 1);
    let s = &report.sets[0];
    assert_eq!(s.set, "j30");
    assert_eq!(
        (s.instances, s.solved, s.violations, s.with_reference),
        (1, 1, 0, 1)
    );
    let r = &report.instances[0];
    assert_eq!(r.cp_bound, Some(38));
    assert_eq!(r.reference.unwrap().makespan, Some(43));
    let mk = r.makespan.unwrap();
    assert!(mk >= 43);
    assert_eq!(r.matched_reference, mk == 43);
    assert!((r.dev_ref_pct.unwrap() - 100.0 * (mk - 43) as f64 / 43.0).abs() < 1e-9);
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 2);
    assert!(rows
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("j30,j301_1.sm,32,"));

    let table = bench::render_table(&report);
    assert!(
        table.contains("j30") && table.contains("all schedules verified"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&bench::render_json(&report)).unwrap();
    assert_eq!(json["sets"][0]["instances"], 1);
    assert_eq!(json["format"], "psplib");
}

#[test]
fn bench_counts_violations_as_failures() {
    let tmp = tempdir();
    copy_into(tmp.path(), &[("j301_1.sm", "j301_1.sm")]);
    // Everything at time 0: violates precedences and capacities.
    let broken = |p: &Problem, _: &SolveOptions| {
        let starts = vec![0; p.activities.len()];
        Outcome::Solved(Solution {
            makespan: p.makespan(&starts),
            lower_bound: 0,
            starts,
        })
    };
    let report = Bench::new(formats::Format::Psplib)
        .solver(&broken)
        .run(tmp.path())
        .unwrap();
    assert!(!report.passed());
    assert_eq!(report.total.violations, 1);
    assert_eq!(report.instances[0].status, InstanceStatus::Invalid);
    assert!(bench::render_table(&report).contains("FAILED"));

    // A verifier that rejects everything also fails the run.
    let report = Bench::new(formats::Format::Psplib)
        .verifier(&|_: &Problem, _: &[Time]| vec!["rejected".to_string()])
        .run(tmp.path())
        .unwrap();
    assert!(!report.passed());
}

#[test]
fn bench_rcpspmax_counts_infeasible_and_not_found() {
    let tmp = tempdir();
    copy_into(
        tmp.path(),
        &[
            ("UBO10_01.sch", "UBO10_01.sch"),
            ("ubo_10_psp2.sch", "ubo_10_psp2.sch"),
        ],
    );
    let report = Bench::new(formats::Format::RcpspMax)
        .reference()
        .run(tmp.path())
        .unwrap();
    assert!(report.passed(), "{:?}", report.failures());
    let t = &report.total;
    assert_eq!(
        (
            t.instances,
            t.infeasible_detected,
            t.infeasible_expected,
            t.not_found
        ),
        (2, 1, 1, 1)
    );
    let ubo = report
        .instances
        .iter()
        .find(|r| r.instance == "UBO10_01.sch")
        .unwrap();
    assert_eq!(ubo.reference.unwrap().status, RefStatus::Infeasible);

    // NotFound everywhere: not a failure, but nothing solved.
    let none = |_: &Problem, _: &SolveOptions| Outcome::NotFound("nothing".into());
    let report = Bench::new(formats::Format::RcpspMax)
        .solver(&none)
        .run(tmp.path())
        .unwrap();
    assert!(report.passed());
    assert_eq!((report.total.not_found, report.total.solved), (2, 0));
    assert_eq!(report.total.mean_dev_ref_pct, None);
}

#[test]
fn bench_stride_limit_and_sets() {
    let tmp = tempdir();
    let a = tmp.path().join("j30");
    let b = tmp.path().join("pat");
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    copy_into(
        &a,
        &[
            ("j301_1.sm", "j301_1.sm"),
            ("j301_1.sm", "j301_2.sm"),
            ("j301_1.sm", "j301_10.sm"),
        ],
    );
    copy_into(&b, &[("rg30_set1_pat1.rcp", "x.rcp")]);
    let run = |bopts: BenchOptions| {
        Bench::new(formats::Format::Psplib)
            .options(bopts)
            .run(tmp.path())
            .unwrap()
    };
    let names = |report: &BenchReport| -> Vec<String> {
        report
            .instances
            .iter()
            .map(|r| r.instance.clone())
            .collect()
    };
    let report = run(BenchOptions {
        stride: 2,
        ..BenchOptions::default()
    });
    assert_eq!(names(&report), vec!["j301_1.sm", "j301_10.sm"]);
    let report = run(BenchOptions {
        offset: 1,
        limit: Some(1),
        ..BenchOptions::default()
    });
    assert_eq!(names(&report), vec!["j301_2.sm"]);

    // Patterson files live in their own set; the psplib run ignored them.
    let report = Bench::new(formats::Format::Patterson)
        .reference()
        .run(tmp.path())
        .unwrap();
    assert_eq!(report.sets.len(), 1);
    assert_eq!(report.sets[0].set, "pat");
    assert!(report.passed(), "{:?}", report.failures());
}

#[test]
fn bench_errors() {
    let tmp = tempdir();
    let psplib = Bench::new(formats::Format::Psplib);
    let e = psplib.run(tmp.path()).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E089");
    let e = psplib.run(&tmp.path().join("missing")).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E089");
    // A malformed instance fails the run with its own diagnostic.
    copy_into(tmp.path(), &[("malformed/truncated.sm", "j301_1.sm")]);
    let e = psplib.run(tmp.path()).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E087");
    // A malformed reference file.
    std::fs::write(
        tmp.path().join("ref.csv"),
        "instance,best_makespan\nx,1.5\n",
    )
    .unwrap();
    let e = bench::load_reference(&tmp.path().join("ref.csv")).unwrap_err();
    assert_eq!(e.diagnostics[0].code, "E088");
}

/// The full benchmark sets live outside the repository, in
/// ../shared/benchdata; this test parses every instance there (no solving)
/// and skips with a note when the folder is absent.
#[test]
fn full_sets_parse_when_present() {
    let root = root().join("../shared/benchdata");
    if !root.is_dir() {
        eprintln!(
            "note: {} absent; skipping the full-set parse test",
            root.display()
        );
        return;
    }
    let mut stack = vec![root.clone()];
    let mut parsed = 0usize;
    let mut failures = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(f) = Format::from_path(&path) {
                // PSPLIB result tables (j30opt.sm, j60hrs.sm, ...) share the
                // .sm extension but are not instances.
                let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
                if name.contains("opt") || name.contains("hrs") || name.contains("lb") {
                    continue;
                }
                match formats::read_instance(&path, Some(f)) {
                    Ok(p) => {
                        parsed += 1;
                        assert!(p.activities.len() >= 2);
                    }
                    Err(e) => failures.push(e.to_string()),
                }
            } else if path.extension().is_some_and(|e| e == "csv")
                && path.file_name().is_some_and(|n| n == "reference.csv")
            {
                if let Err(e) = bench::load_reference(&path) {
                    failures.push(e.to_string());
                }
            }
        }
    }
    eprintln!("note: parsed {parsed} instances under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn fixtures() -> Vec<(Format, String)> {
        [
            (Format::Psplib, "j301_1.sm"),
            (Format::Patterson, "rg30_set1_pat1.rcp"),
            (Format::RcpspMax, "UBO10_01.sch"),
            (Format::RcpspMax, "ubo_10_psp2.sch"),
        ]
        .into_iter()
        .map(|(f, n)| (f, std::fs::read_to_string(data(n)).unwrap()))
        .collect()
    }

    const NASTY: &[&str] = &[
        "-1",
        "0",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "1000000000",
        "x",
        "[",
        "]",
        "\n",
        "*",
        ":",
        "",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Truncating a real file anywhere, or replacing any token by a
        /// nasty one, gives a problem or an error — never a panic.
        #[test]
        fn mutated_fixtures_never_panic(
            which in 0usize..4,
            cut in 0.0f64..1.0,
            edits in proptest::collection::vec((0.0f64..1.0, 0usize..13), 0..4),
        ) {
            let (format, text) = fixtures().swap_remove(which);
            let mut toks: Vec<String> = text.split(' ').map(str::to_string).collect();
            for (at, nasty) in edits {
                let i = ((toks.len() - 1) as f64 * at) as usize;
                toks[i] = NASTY[nasty].to_string();
            }
            let mutated = toks.join(" ");
            let end = (mutated.len() as f64 * cut) as usize;
            let end = (0..=end).rev().find(|&e| mutated.is_char_boundary(e)).unwrap_or(0);
            for t in [&mutated[..], &mutated[..end]] {
                if let Ok(p) = format.parse(t, "m") {
                    let _ = critical_path_bound(&p);
                }
            }
        }

        /// Arbitrary bytes never panic any reader.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            for f in [Format::Psplib, Format::Patterson, Format::RcpspMax] {
                let _ = f.parse(&text, "r");
            }
        }
    }
}

/// The public `run` with the real solver and checker, called as the CLI
/// calls it (a bare stride). While `solve` is still `todo!()` every instance
/// is recorded as a solver panic (a failure, not an abort); once it is
/// written the fixtures must be solved and verified.
#[test]
fn run_with_the_real_solver() {
    let tmp = tempdir();
    copy_into(
        tmp.path(),
        &[
            ("j301_1.sm", "j301_1.sm"),
            ("UBO10_01.sch", "UBO10_01.sch"),
            ("ubo_10_psp2.sch", "ubo_10_psp2.sch"),
        ],
    );
    let opts = SolveOptions {
        time_limit: std::time::Duration::from_secs(2),
        threads: 1,
        ..SolveOptions::default()
    };
    let reference = data("reference.csv");
    for format in [Format::Psplib, Format::RcpspMax] {
        let report = bench::run(tmp.path(), format, Some(&reference), &opts, 1).unwrap();
        if report
            .instances
            .iter()
            .all(|r| r.status == InstanceStatus::Panicked)
        {
            eprintln!(
                "note: the solver is not written yet ({}); skipping the solved-fixture checks",
                report.instances[0].violations[0]
            );
            assert!(!report.passed());
            assert_eq!(report.violations, report.instances.len());
            continue;
        }
        print!("{}", report.to_text());
        assert!(report.passed(), "{:?}", report.failures());
        for r in &report.instances {
            match r.instance.as_str() {
                "j301_1.sm" => assert!(r.makespan.is_some_and(|m| m >= 43), "{r:?}"),
                "ubo_10_psp2.sch" => {
                    assert!(r.makespan.is_none_or(|m| m >= 45), "{r:?}")
                }
                "UBO10_01.sch" => assert!(
                    matches!(
                        r.status,
                        InstanceStatus::Infeasible | InstanceStatus::NotFound
                    ),
                    "{r:?}"
                ),
                other => panic!("unexpected instance {other}"),
            }
        }
    }
}

/// Patterson `.rcp` sets are reachable from the command line: `bench
/// --format patterson` reads, solves and verifies them.
#[test]
fn bench_reads_patterson_sets() {
    let dir = tempdir();
    std::fs::copy(
        data("rg30_set1_pat1.rcp"),
        dir.path().join("rg30_set1_pat1.rcp"),
    )
    .unwrap();
    let out = common::windowplan()
        .args([
            "bench",
            "--format",
            "patterson",
            "--time-limit",
            "1s",
            "--threads",
            "1",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 solved"), "{text}");
    assert!(text.contains("all schedules verified"), "{text}");
}
