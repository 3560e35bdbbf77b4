//! Manual quality checks on PSPLIB files (ignored by default): set
//! `WINDOWPLAN_SM` to a directory of `.sm` files and run
//! `cargo test --release --lib psplib_quality -- --ignored --nocapture`.

use super::*;
use crate::model::{Activity, Demand, Precedence, Problem, Resource};

/// A minimal single-mode `.sm` reader for these checks only.
fn read_sm(text: &str) -> Problem {
    let mut p = Problem::default();
    let mut section = "";
    let mut succs: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut durs: Vec<(Time, Vec<i64>)> = Vec::new();
    let mut caps: Vec<i64> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("PRECEDENCE RELATIONS") {
            section = "prec";
            continue;
        }
        if t.starts_with("REQUESTS/DURATIONS") {
            section = "req";
            continue;
        }
        if t.starts_with("RESOURCEAVAILABILITIES") {
            section = "avail";
            continue;
        }
        if t.starts_with('*') {
            section = "";
            continue;
        }
        let Ok(nums) = t
            .split_whitespace()
            .map(|x| x.parse::<i64>())
            .collect::<Result<Vec<i64>, _>>()
        else {
            continue;
        };
        match section {
            "prec" if nums.len() >= 3 => succs.push((
                nums[0] as usize - 1,
                nums[3..].iter().map(|&x| x as usize - 1).collect(),
            )),
            "req" if nums.len() >= 4 => durs.push((nums[2], nums[3..].to_vec())),
            "avail" if !nums.is_empty() => caps = nums,
            _ => {}
        }
    }
    for (k, c) in caps.iter().enumerate() {
        p.resources
            .push(Resource::constant(format!("R{}", k + 1), *c));
    }
    for (i, (d, req)) in durs.iter().enumerate() {
        let mut a = Activity::new(format!("{}", i + 1), *d);
        for (k, &r) in req.iter().enumerate() {
            if r > 0 {
                a.demands.push(Demand {
                    resource: k,
                    amount: r,
                });
            }
        }
        p.activities.push(a);
    }
    for (i, ss) in succs {
        for s in ss {
            p.precedences.push(Precedence {
                from: i,
                to: s,
                lag: durs[i].0,
            });
        }
    }
    p
}

/// A minimal RCPSP/max `.sch` reader for these checks only.
#[allow(clippy::needless_range_loop)]
fn read_sch(text: &str) -> Problem {
    let rows: Vec<Vec<i64>> = text
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|x| x.trim_matches(|c| c == '[' || c == ']').parse().ok())
                .collect::<Vec<i64>>()
        })
        .filter(|r: &Vec<i64>| !r.is_empty())
        .collect();
    let n = rows[0][0] as usize + 2;
    let nres = rows[0][1] as usize;
    let mut p = Problem::default();
    for k in 0..nres {
        p.resources.push(Resource::constant(
            format!("R{}", k + 1),
            rows[2 * n + 1][k],
        ));
    }
    for i in 0..n {
        let r = &rows[n + 1 + i];
        let mut a = Activity::new(format!("{}", r[0]), r[2]);
        for k in 0..nres {
            if r[3 + k] > 0 {
                a.demands.push(Demand {
                    resource: k,
                    amount: r[3 + k],
                });
            }
        }
        p.activities.push(a);
    }
    for i in 0..n {
        let r = &rows[1 + i];
        let ns = r[2] as usize;
        for k in 0..ns {
            p.precedences.push(Precedence {
                from: r[0] as usize,
                to: r[3 + k] as usize,
                lag: r[3 + ns + k],
            });
        }
    }
    p
}

#[test]
#[ignore]
fn psplib_quality() {
    let Ok(dir) = std::env::var("WINDOWPLAN_SM") else {
        return;
    };
    let secs: f64 = std::env::var("WINDOWPLAN_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sm" || x == "sch"))
        .collect();
    files.sort();
    let mut total = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let p = if f.extension().is_some_and(|x| x == "sch") {
            read_sch(&text)
        } else {
            read_sm(&text)
        };
        let t = std::time::Instant::now();
        let budget: u64 = std::env::var("WINDOWPLAN_BUDGET")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let o = SolveOptions {
            time_limit: Duration::from_secs_f64(secs),
            threads: if budget > 0 { 1 } else { 0 },
            seed: 1,
            max_schedules: budget,
        };
        let before = search::SCHEDULES.load(std::sync::atomic::Ordering::Relaxed);
        let out = solve(&p, &o);
        let count = search::SCHEDULES.load(std::sync::atomic::Ordering::Relaxed) - before;
        match out {
            Outcome::Solved(s) => {
                total += s.makespan;
                println!(
                    "{}: makespan {} lb {} ({:.2}s, {} schedules)",
                    f.display(),
                    s.makespan,
                    s.lower_bound,
                    t.elapsed().as_secs_f64(),
                    count
                )
            }
            other => println!("{}: {other:?}", f.display()),
        }
    }
    println!("total makespan {total}");
}
