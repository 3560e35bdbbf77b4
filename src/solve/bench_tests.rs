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
        p.resources.push(Resource::constant(format!("R{}", k + 1), *c));
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
        .filter(|p| p.extension().is_some_and(|x| x == "sm"))
        .collect();
    files.sort();
    for f in files {
        let p = read_sm(&std::fs::read_to_string(&f).unwrap());
        let t = std::time::Instant::now();
        let o = SolveOptions {
            time_limit: Duration::from_secs_f64(secs),
            threads: 0,
            seed: 1,
            max_schedules: 0,
        };
        match solve(&p, &o) {
            Outcome::Solved(s) => println!(
                "{}: makespan {} lb {} ({:.2}s)",
                f.display(),
                s.makespan,
                s.lower_bound,
                t.elapsed().as_secs_f64()
            ),
            other => println!("{}: {other:?}", f.display()),
        }
    }
}
