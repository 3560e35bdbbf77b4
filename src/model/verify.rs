//! An independent, deliberately plain checker of every core constraint of a
//! [`Problem`] for given start times. It shares no code with the solver (only
//! the signal evaluation of [`crate::model::signal`]), so solver tests can
//! trust it.
//!
//! Checked: structure (indices, lengths), release, deadline, allowed and
//! forbidden intervals, precedences (time lags), resource capacity at every
//! minute where usage or capacity changes, exclusion groups, and hard on-time
//! limits.

use crate::model::signal;
use crate::model::{Problem, Time};

/// Every violated constraint, in words; empty when the schedule is feasible.
pub fn verify(problem: &Problem, starts: &[Time]) -> Vec<String> {
    let mut errs = Vec::new();
    let acts = &problem.activities;
    let n = acts.len();
    if starts.len() != n {
        errs.push(format!(
            "schedule has {} start times for {} activities",
            starts.len(),
            n
        ));
        return errs;
    }
    let name = |i: usize| acts.get(i).map(|a| a.name.as_str()).unwrap_or("?");
    let end = |i: usize| starts[i] + acts[i].duration;

    for (i, a) in acts.iter().enumerate() {
        let s = starts[i];
        if a.duration < 0 {
            errs.push(format!("activity {} has negative duration", a.name));
        }
        if s < a.release {
            errs.push(format!(
                "activity {} starts at {} before its release {}",
                a.name, s, a.release
            ));
        }
        if let Some(d) = problem.deadline {
            if end(i) > d {
                errs.push(format!(
                    "activity {} ends at {} after the deadline {}",
                    a.name,
                    end(i),
                    d
                ));
            }
        }
        if let Some(allowed) = &a.allowed {
            if !allowed.iter().any(|iv| iv.contains_run(s, a.duration)) {
                errs.push(format!(
                    "activity {} runs [{}, {}) outside every allowed interval",
                    a.name,
                    s,
                    end(i)
                ));
            }
        }
        for f in &a.forbidden {
            if f.overlaps_run(s, a.duration) {
                errs.push(format!(
                    "activity {} runs [{}, {}) into forbidden interval [{}, {})",
                    a.name,
                    s,
                    end(i),
                    f.start,
                    f.end
                ));
            }
        }
        for d in &a.demands {
            if d.resource >= problem.resources.len() {
                errs.push(format!(
                    "activity {} uses unknown resource #{}",
                    a.name, d.resource
                ));
            }
        }
    }

    for p in &problem.precedences {
        if p.from >= n || p.to >= n {
            errs.push(format!(
                "precedence {} -> {} refers to an unknown activity",
                p.from, p.to
            ));
            continue;
        }
        if starts[p.to] < starts[p.from] + p.lag {
            errs.push(format!(
                "{} starts at {} but must start at least {} after {} (which starts at {})",
                name(p.to),
                starts[p.to],
                p.lag,
                name(p.from),
                starts[p.from]
            ));
        }
    }

    // Resources: usage only rises where an activity starts, capacity only
    // falls at a step; check every such minute at which anything runs.
    for (r, res) in problem.resources.iter().enumerate() {
        let users: Vec<(usize, i64)> = acts
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                a.demands
                    .iter()
                    .filter(move |d| d.resource == r && a.duration > 0 && d.amount != 0)
                    .map(move |d| (i, d.amount))
            })
            .collect();
        if users.is_empty() {
            continue;
        }
        let mut points: Vec<Time> = users.iter().map(|&(i, _)| starts[i]).collect();
        points.extend(res.steps.iter().map(|s| s.0));
        points.sort_unstable();
        points.dedup();
        for t in points {
            let running: Vec<(usize, i64)> = users
                .iter()
                .copied()
                .filter(|&(i, _)| starts[i] <= t && t < end(i))
                .collect();
            if running.is_empty() {
                continue;
            }
            let usage: i64 = running.iter().map(|&(_, a)| a).sum();
            let cap = res.capacity_at(t);
            if usage > cap {
                let who: Vec<&str> = running.iter().map(|&(i, _)| name(i)).collect();
                errs.push(format!(
                    "resource {} over capacity at minute {}: {} used of {} ({})",
                    res.name,
                    t,
                    usage,
                    cap,
                    who.join(", ")
                ));
            }
        }
    }

    for ex in &problem.exclusions {
        for (k, side_a) in ex.sides.iter().enumerate() {
            for side_b in ex.sides.iter().skip(k + 1) {
                for &i in side_a {
                    for &j in side_b {
                        if i >= n || j >= n {
                            errs.push(format!(
                                "exclusion {} refers to an unknown activity",
                                ex.name
                            ));
                            continue;
                        }
                        if i == j || acts[i].duration <= 0 || acts[j].duration <= 0 {
                            continue;
                        }
                        if starts[i] < end(j) && starts[j] < end(i) {
                            errs.push(format!(
                                "exclusion {}: {} [{}, {}) and {} [{}, {}) overlap",
                                ex.name,
                                name(i),
                                starts[i],
                                end(i),
                                name(j),
                                starts[j],
                                end(j)
                            ));
                        }
                    }
                }
            }
        }
    }

    let on = signal::on_time(problem, starts);
    for (l, lim) in problem.limits.iter().enumerate() {
        if let Some(max) = lim.max_on {
            if on[l] > max {
                errs.push(format!(
                    "{} is on for {} minutes, more than its limit of {}",
                    lim.name, on[l], max
                ));
            }
        }
    }
    errs
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::{Activity, Demand, Exclusion, Interval, Precedence, Resource};

    #[test]
    fn finds_each_kind_of_violation() {
        let mut p = Problem::default();
        let mut a = Activity::new("a", 10);
        a.demands.push(Demand {
            resource: 0,
            amount: 1,
        });
        a.allowed = Some(vec![Interval::new(0, 20)]);
        let mut b = a.clone();
        b.name = "b".into();
        b.forbidden = vec![Interval::new(30, 40)];
        b.allowed = None;
        p.activities = vec![a, b];
        p.resources = vec![Resource {
            name: "r".into(),
            steps: vec![(0, 1), (100, 0)],
        }];
        p.precedences = vec![Precedence {
            from: 0,
            to: 1,
            lag: 10,
        }];
        assert!(verify(&p, &[0, 10]).is_empty());
        assert_eq!(verify(&p, &[0, 5]).len(), 2); // lag + capacity
        assert_eq!(verify(&p, &[15, 35]).len(), 2); // allowed + forbidden
        assert_eq!(verify(&p, &[0, 95]).len(), 1); // capacity 0 from 100
        p.exclusions.push(Exclusion {
            name: "x".into(),
            sides: vec![vec![0], vec![1]],
        });
        p.deadline = Some(50);
        assert_eq!(verify(&p, &[0, 45]).len(), 1);
        assert!(verify(&p, &[0, 40]).is_empty());
    }

    fn two_jobs() -> Problem {
        let mut a = Activity::new("a", 3);
        a.demands.push(Demand {
            resource: 0,
            amount: 1,
        });
        let mut b = Activity::new("b", 2);
        b.demands.push(Demand {
            resource: 0,
            amount: 1,
        });
        Problem {
            name: "two".into(),
            activities: vec![a, b],
            precedences: vec![],
            resources: vec![Resource::constant("R1", 1)],
            ..Problem::default()
        }
    }

    #[test]
    fn checker_finds_overload_and_precedence() {
        let mut p = two_jobs();
        assert!(verify(&p, &[0, 3]).is_empty());
        assert!(verify(&p, &[3, 0]).is_empty());
        let v = verify(&p, &[0, 2]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("over capacity"));
        p.precedences.push(Precedence {
            from: 1,
            to: 0,
            lag: 2,
        });
        let v = verify(&p, &[0, 3]);
        assert!(
            v.iter()
                .any(|m| m.contains("must start at least 2 after b")),
            "{v:?}"
        );
        assert!(!verify(&p, &[0]).is_empty());
        assert!(!verify(&p, &[-5, 10]).is_empty());
    }

    #[test]
    fn checker_follows_capacity_steps() {
        let mut p = two_jobs();
        p.resources[0].steps = vec![(0, 1), (4, 0), (6, 1)];
        // a in [0,3) fine; b in [3,5) hits capacity 0 at minute 4.
        let v = verify(&p, &[0, 3]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(verify(&p, &[0, 6]).is_empty());
    }
}
