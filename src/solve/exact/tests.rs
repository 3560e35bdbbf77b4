//! Tests of the exact engine.

use super::*;
use crate::model::fixtures::act;
use crate::model::{Exclusion, Interval, Precedence, Resource};
use std::time::Instant;

fn check(p: &Problem, r: &ExactResult) {
    if let Some(s) = r.starts() {
        assert!(verify(p, s).is_empty(), "{:?}", verify(p, s));
    }
}

#[test]
fn proves_optimum_of_unary_problem() {
    let mut p = Problem::default();
    p.resources = vec![Resource::constant("r", 1)];
    p.activities = vec![
        act("a", 3, &[(0, 1)]),
        act("b", 2, &[(0, 1)]),
        act("c", 4, &[(0, 1)]),
        act("d", 1, &[(0, 1)]),
    ];
    p.precedences = vec![Precedence {
        from: 0,
        to: 2,
        lag: 3,
    }];
    for strategy in [Strategy::Hybrid, Strategy::SatUnsat, Strategy::UnsatSat] {
        for branching in [Branching::Vsids, Branching::SmallestStart] {
            let o = ExactOptions {
                strategy,
                branching,
            };
            let r = solve_exact_with(&p, None, 0, Duration::from_secs(10), &o, &Alone(None));
            check(&p, &r);
            assert!(r.is_optimal(), "{r:?} {o:?}");
            assert_eq!(r.lower_bound(), Some(10));
        }
    }
    // with an optimal incumbent: proven without a new schedule
    let inc = vec![0, 3, 5, 9];
    assert!(verify(&p, &inc).is_empty());
    let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(10), &Alone(None));
    assert_eq!(
        r,
        ExactResult::Optimal {
            starts: inc,
            makespan: 10
        }
    );
    // with a poor incumbent: improved and proven
    let inc = vec![0, 7, 3, 9];
    assert!(verify(&p, &inc).is_empty());
    let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert_eq!(r.lower_bound(), Some(10));
    assert!(r.is_optimal());
}

#[test]
fn proves_infeasible_max_lag_pair() {
    // a and b share a unary resource, b must start within 2 of a's start
    // and not before it: impossible with a lasting 5.
    let mut p = Problem::default();
    p.resources = vec![Resource::constant("r", 1)];
    p.activities = vec![act("a", 5, &[(0, 1)]), act("b", 5, &[(0, 1)])];
    p.precedences = vec![
        Precedence {
            from: 0,
            to: 1,
            lag: 0,
        },
        Precedence {
            from: 1,
            to: 0,
            lag: -2,
        },
    ];
    p.deadline = Some(100);
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
    // without a deadline: nothing depends on time, so no schedule by
    // the proof horizon is a proof too
    p.deadline = None;
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
    // once something depends on time (a forbidden interval), no horizon
    // is known: only a bound
    p.activities[0].forbidden = vec![Interval { start: 50, end: 60 }];
    let r = solve_exact(&p, None, 0, Duration::from_secs(1), &Alone(None));
    assert!(
        matches!(r, ExactResult::Bounds { starts: None, .. }),
        "{r:?}"
    );
}

#[test]
fn respects_capacity_profile() {
    // capacity 0 until 10, then 2: three activities of 4 needing 1 each
    let mut p = Problem::default();
    p.resources = vec![Resource {
        name: "r".into(),
        steps: vec![(0, 0), (10, 2)],
    }];
    p.activities = vec![
        act("a", 4, &[(0, 1)]),
        act("b", 4, &[(0, 1)]),
        act("c", 4, &[(0, 1)]),
    ];
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert!(r.is_optimal(), "{r:?}");
    assert_eq!(r.lower_bound(), Some(18));
    // and a dip: 2, 0 over [4, 6), 2 again
    p.resources[0].steps = vec![(0, 2), (4, 0), (6, 2)];
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert_eq!(r.lower_bound(), Some(10), "{r:?}");
    assert!(r.is_optimal());
}

#[test]
fn exclusion_group() {
    let mut p = Problem::default();
    p.activities = vec![act("p1", 3, &[]), act("p2", 3, &[]), act("s1", 4, &[])];
    p.exclusions = vec![Exclusion {
        name: "dr".into(),
        sides: vec![vec![0, 1], vec![2]],
    }];
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert!(r.is_optimal());
    assert_eq!(r.lower_bound(), Some(7));
}

#[test]
fn allowed_and_forbidden_intervals() {
    let mut p = Problem::default();
    let mut a = act("a", 5, &[]);
    a.allowed = Some(vec![Interval::new(0, 4), Interval::new(10, 30)]);
    let mut b = act("b", 3, &[]);
    b.forbidden = vec![Interval::new(0, 16)];
    p.activities = vec![a, b];
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert!(r.is_optimal(), "{r:?}");
    assert_eq!(r.lower_bound(), Some(19));
    let s = r.starts().unwrap();
    assert!(s[0] >= 10 && s[1] == 16);
    // a deadline before any allowed fit: infeasible
    p.deadline = Some(14);
    let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
    assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
}

#[test]
fn poor_lower_bound_is_raised_and_bad_incumbent_ignored() {
    let mut p = Problem::default();
    p.resources = vec![Resource::constant("r", 2)];
    p.activities = (0..6)
        .map(|k| {
            act(
                &format!("a{k}"),
                2 + k as Time % 3,
                &[(0, 1 + (k % 2) as i64)],
            )
        })
        .collect();
    let bad = vec![0; 6];
    assert!(!verify(&p, &bad).is_empty());
    let r = solve_exact(&p, Some(&bad), 0, Duration::from_secs(10), &Alone(None));
    check(&p, &r);
    assert!(r.is_optimal(), "{r:?}");
}

#[test]
fn on_time_limits_only_prove() {
    use crate::model::{OnTimeLimit, Signal};
    // a then b (lag 5); c (2 minutes) must run inside b: on-time of
    // {c, b} at most 5. The model ignores the limit, so its schedules
    // are only used when they verify.
    let mut p = Problem::default();
    p.activities = vec![act("a", 5, &[]), act("b", 5, &[]), act("c", 2, &[])];
    p.precedences = vec![Precedence {
        from: 0,
        to: 1,
        lag: 5,
    }];
    p.signals = vec![Signal::Running(vec![1, 2])];
    p.limits = vec![OnTimeLimit {
        name: "svc".into(),
        signal: 0,
        weight: 1.0,
        max_on: Some(5),
    }];
    let r = solve_exact(&p, None, 0, Duration::from_secs(5), &Alone(None));
    check(&p, &r);
    assert!(!matches!(r, ExactResult::Infeasible(_)), "{r:?}");
    assert!(r.lower_bound().unwrap() <= 10);
    let inc = vec![0, 5, 6];
    assert!(verify(&p, &inc).is_empty());
    let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(5), &Alone(None));
    assert_eq!(
        r,
        ExactResult::Optimal {
            starts: inc,
            makespan: 10
        }
    );
}

/// From scratch (no incumbent): about 0.1 s even in a debug build.
#[test]
fn j301_1_proven_optimal() {
    let p = j301_1();
    let r = solve_exact(&p, None, 0, Duration::from_secs(120), &Alone(None));
    check(&p, &r);
    assert_eq!(r.lower_bound(), Some(43));
    assert!(r.is_optimal());
}

/// A link that knows a schedule of makespan `upper` and keeps the best
/// bound it is told.
struct Knows {
    upper: Time,
    bound: std::sync::atomic::AtomicI64,
    stop: AtomicBool,
}

impl Knows {
    fn new(upper: Time) -> Knows {
        Knows {
            upper,
            bound: std::sync::atomic::AtomicI64::new(0),
            stop: AtomicBool::new(false),
        }
    }
}

impl Link for Knows {
    fn stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
    fn upper(&self) -> Time {
        self.upper
    }
    fn bound(&self, t: Time) {
        self.bound.fetch_max(t, Ordering::Relaxed);
    }
}

fn j301_1() -> Problem {
    crate::bench::formats::read_instance(std::path::Path::new("tests/data/j301_1.sm"), None)
        .unwrap()
}

/// j301_1's optimum is 43. Told of a schedule of 43 found elsewhere, the
/// search proves it optimal as a bound (the schedule is not its own);
/// told of 44, it finds and proves 43 itself.
#[test]
fn schedule_known_elsewhere_bounds_the_search() {
    let p = j301_1();
    let link = Knows::new(43);
    let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
    assert_eq!(
        r,
        ExactResult::Bounds {
            starts: None,
            makespan: None,
            lower_bound: 43
        }
    );
    assert_eq!(link.bound.load(Ordering::Relaxed), 43);
    let link = Knows::new(44);
    let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
    check(&p, &r);
    assert!(r.is_optimal(), "{r:?}");
    assert_eq!(r.lower_bound(), Some(43));
}

/// A stop request (Ctrl-C) ends the search before it proves anything,
/// whatever time is left.
#[test]
fn stop_request_ends_the_search() {
    let p = j301_1();
    let link = Knows::new(Time::MAX);
    link.stop.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
    assert!(!r.is_optimal(), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// Measurement on the j30 sample: `cargo test --release --lib
/// exact::tests::bench_j30 -- --ignored --nocapture` (budget in seconds
/// from `EXACT_BUDGET`, default 5; instances from `WINDOWPLAN_BENCHDATA`,
/// default `../shared/benchdata`).
#[test]
#[ignore = "measurement"]
fn bench_j30() {
    use crate::solve::milp;
    let budget = std::env::var("EXACT_BUDGET")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(5.0);
    let budget = Duration::from_secs_f64(budget);
    let root =
        std::env::var("WINDOWPLAN_BENCHDATA").unwrap_or_else(|_| "../shared/benchdata".into());
    let refs = std::fs::read_to_string(format!("{root}/psplib/reference.csv")).unwrap_or_default();
    let set = std::env::var("EXACT_SET").unwrap_or_else(|_| "j30".into());
    let mut files: Vec<String> = match set.as_str() {
        "j60" => (1..=10)
            .map(|k| format!("{root}/psplib/j60/j601_{k}.sm"))
            .collect(),
        "j120" => (1..=10)
            .map(|k| format!("{root}/psplib/j120/j1201_{k}.sm"))
            .collect(),
        "ubo" => vec![format!("{root}/rcpspmax/ubo10/psp2.sch")],
        _ => (1..=10)
            .map(|k| format!("{root}/psplib/j30/j301_{k}.sm"))
            .collect(),
    };
    if set == "j30" {
        files.push("tests/data/j301_1.sm".into());
    }
    let with_milp = std::env::var("EXACT_MILP").map_or(true, |v| v != "0");
    let configs = [
        ("hybrid/vsids", Strategy::Hybrid, Branching::Vsids, true),
        ("satunsat/vsids", Strategy::SatUnsat, Branching::Vsids, true),
        ("unsatsat/vsids", Strategy::UnsatSat, Branching::Vsids, true),
        (
            "hybrid/smallest",
            Strategy::Hybrid,
            Branching::SmallestStart,
            true,
        ),
        ("hybrid/mixed", Strategy::Hybrid, Branching::Mixed, true),
        (
            "hybrid/vsids no inc",
            Strategy::Hybrid,
            Branching::Vsids,
            false,
        ),
    ];
    println!("| instance | opt | heur 1s | lb | engine | proven | bound | best | time s |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for f in &files {
        let path = std::path::Path::new(f);
        let Ok(p) = crate::bench::formats::read_instance(path, None) else {
            println!("| {f} | unreadable |");
            continue;
        };
        let base = path.file_name().unwrap().to_string_lossy().to_string();
        let opt = refs
            .lines()
            .find(|l| l.split(',').nth(1) == Some(base.as_str()))
            .and_then(|l| l.split(',').nth(2))
            .unwrap_or("?")
            .to_string();
        let lb = crate::solve::lower_bound(&p);
        let opts = crate::solve::SolveOptions {
            time_limit: Duration::from_secs(1),
            threads: 1,
            ..Default::default()
        };
        let inc = match crate::solve::solve(&p, &opts) {
            crate::solve::Outcome::Solved(s) => Some(s.starts),
            _ => None,
        };
        let inc_m = inc.as_ref().map(|s| p.makespan(s));
        let name = if f.starts_with("tests") {
            format!("tests/{base}")
        } else {
            base.clone()
        };
        let hm = inc_m.map_or("-".into(), |m| m.to_string());
        for (label, strategy, branching, use_inc) in configs {
            let t = Instant::now();
            let r = solve_exact_with(
                &p,
                if use_inc { inc.as_deref() } else { None },
                lb,
                budget,
                &ExactOptions {
                    strategy,
                    branching,
                },
                &Alone(None),
            );
            let el = t.elapsed().as_secs_f64();
            if let Some(s) = r.starts() {
                assert!(verify(&p, s).is_empty());
            }
            let best = r.starts().map(|s| p.makespan(s)).or(inc_m);
            println!(
                "| {name} | {opt} | {hm} | {lb} | pumpkin {label} | {} | {} | {} | {el:.2} |",
                if r.is_optimal() { "yes" } else { "no" },
                r.lower_bound().map_or("-".into(), |b| b.to_string()),
                best.map_or("-".into(), |b| b.to_string()),
            );
        }
        if let Some(h) = inc_m.filter(|_| with_milp) {
            let t = Instant::now();
            let b = milp::lp_bound(&p, h);
            let el_lp = t.elapsed().as_secs_f64();
            let (nx, nr) = milp::model_size(&p, h).unwrap_or((0, 0));
            println!(
                    "| {name} | {opt} | {hm} | {lb} | LP relaxation ({nx} x, {nr} rows) | no | {} | - | {el_lp:.2} |",
                    b.map_or("refused".into(), |b| b.to_string())
                );
            let t = Instant::now();
            let r = milp::solve_milp(&p, h, inc.as_deref(), budget);
            let el = t.elapsed().as_secs_f64();
            let (proven, best) = match &r {
                milp::MilpResult::Optimal { makespan, .. } => {
                    ("yes".to_string(), makespan.to_string())
                }
                milp::MilpResult::Feasible { makespan, .. } => ("no".into(), makespan.to_string()),
                milp::MilpResult::NoneWithin => ("none within".into(), "-".into()),
                milp::MilpResult::Unknown(e) => (format!("unknown ({e})"), "-".into()),
            };
            println!(
                "| {name} | {opt} | {hm} | {lb} | MILP microlp | {proven} | - | {best} | {el:.2} |"
            );
        }
    }
}
