//! Tests of the minute-by-minute encoding of hard on-time limits
//! (`exact_limits`) through the exact engine; apart from it, so that the
//! encoding does not import the engine it serves.

#![allow(clippy::field_reassign_with_default)]
use crate::model::fixtures::act;
use crate::model::{signal, Interval, OnTimeLimit, Problem, Resource, Signal, Time};
use crate::solve::exact::{solve_exact, Alone, ExactResult};
use std::time::Duration;

fn limit(signal: usize, max_on: Time) -> OnTimeLimit {
    OnTimeLimit {
        name: "svc".into(),
        signal,
        weight: 1.0,
        max_on: Some(max_on),
    }
}

fn solve(p: &Problem) -> ExactResult {
    solve_exact(p, None, 0, Duration::from_secs(20), &Alone(None))
}

/// Two 60-minute outages of one system feeding an async consumer that
/// rides out 90 minutes, with no downtime allowed: one minute apart.
#[test]
fn async_tolerance_forces_a_gap() {
    let mut p = Problem::default();
    p.resources = vec![Resource::constant("sys", 1)];
    p.activities = vec![act("a", 60, &[(0, 1)]), act("b", 60, &[(0, 1)])];
    p.signals = vec![
        Signal::Running(vec![0, 1]),
        Signal::Delayed {
            input: 0,
            tolerance: 90,
        },
    ];
    p.limits = vec![limit(1, 0)];
    match solve(&p) {
        ExactResult::Optimal { makespan, starts } => {
            assert_eq!(makespan, 121, "{starts:?}");
            assert_eq!(signal::on_time(&p, &starts), vec![0]);
        }
        other => panic!("{other:?}"),
    }
}

/// Switchover minutes alone break the limit unless the primary's two
/// outages run back to back; one minute less than a failover and a
/// failback is infeasible (with a deadline, a proof).
#[test]
fn switchover_minutes_are_counted() {
    let mut p = Problem::default();
    p.resources = vec![Resource::constant("dba", 1)];
    p.activities = vec![
        act("a1", 30, &[(0, 1)]),
        act("a2", 30, &[(0, 1)]),
        act("c", 30, &[(0, 1)]),
        act("b", 30, &[(0, 1)]),
    ];
    p.signals = vec![
        Signal::Running(vec![0, 1]),
        Signal::Running(vec![3]),
        Signal::All(vec![0, 1]),
        Signal::Switchover {
            members: vec![0, 1],
            minutes: 10,
        },
        Signal::Any(vec![2, 3]),
    ];
    p.limits = vec![limit(4, 20)];
    match solve(&p) {
        ExactResult::Optimal { makespan, starts } => {
            assert_eq!(makespan, 120);
            assert!(signal::on_time(&p, &starts)[0] <= 20, "{starts:?}");
        }
        other => panic!("{other:?}"),
    }
    // (A short range: the minute encoding propagates weakly, and proving
    // a wide range empty takes long.)
    p.limits = vec![limit(4, 19)];
    p.deadline = Some(120);
    let r = solve(&p);
    assert!(
        matches!(r, ExactResult::Infeasible(_)),
        "a 19-minute limit cannot be met: {r:?}"
    );
}

/// With every start pinned by an allowed interval, the limit at the
/// evaluated on-time is met and one minute less is infeasible: the
/// encoding agrees with `signal::evaluate` minute by minute.
#[test]
fn agrees_with_the_evaluation() {
    let mut rng = crate::rng::SplitMix64::new(11);
    let mut rnd = |n: u64| rng.next_u64() % n.max(1);
    for case in 0..40 {
        let mut p = Problem::default();
        let n = 2 + rnd(4) as usize;
        let mut starts = Vec::new();
        for i in 0..n {
            let d = 1 + rnd(20) as Time;
            let s = rnd(40) as Time;
            let mut a = act(&format!("a{i}"), d, &[]);
            a.allowed = Some(vec![Interval::new(s, s + d)]);
            p.activities.push(a);
            starts.push(s);
        }
        let half = n / 2;
        p.signals = vec![
            Signal::Running((0..half).collect()),
            Signal::Running((half..n).collect()),
            Signal::All(vec![0, 1]),
            Signal::Switchover {
                members: vec![0, 1],
                minutes: 1 + rnd(8) as Time,
            },
            Signal::Delayed {
                input: 0,
                tolerance: rnd(10) as Time,
            },
            Signal::Any(vec![2, 3, 4]),
        ];
        p.deadline = Some(100);
        let on = signal::on_time(
            &Problem {
                limits: vec![limit(5, 0)],
                ..p.clone()
            },
            &starts,
        )[0];
        p.limits = vec![limit(5, on)];
        let r = solve(&p);
        assert!(
            matches!(r, ExactResult::Optimal { .. }),
            "case {case}: on-time {on} at {starts:?}: {r:?}"
        );
        if on > 0 {
            p.limits = vec![limit(5, on - 1)];
            let r = solve(&p);
            assert!(
                matches!(r, ExactResult::Infeasible(_)),
                "case {case}: {} < {on} at {starts:?}: {r:?}",
                on - 1
            );
        }
    }
}
