//! Evaluation of down-signals (see [`Signal`]) for a schedule, and the on-time
//! of each [`OnTimeLimit`](crate::model::OnTimeLimit).
//!
//! Deliberately simple: every signal becomes a sorted list of disjoint,
//! non-adjacent half-open intervals of minutes (adjacent pieces are merged, so
//! "on continuously" is simply "inside one interval").
//!
//! Conventions:
//! - an activity of duration 0 is never running;
//! - a reference to an activity or signal that does not exist, or to a signal
//!   that is not earlier in the list, reads as "never on";
//! - `Delayed { input, tolerance }` is on from `a + tolerance` to `b` for each
//!   maximal on-interval `[a, b)` of the input that is longer than
//!   `tolerance` (a negative tolerance counts as 0): an outage of exactly
//!   `tolerance` minutes is ridden out, one minute more is not;
//! - `Switchover { members, minutes }` is on `[t, t + minutes)` from every
//!   minute `t >= 0` at which the serving member of an `any` group changes
//!   between two up members (DESIGN.md, the `any` row).

use crate::model::{Interval, Problem, Signal, Time};

use crate::base::intervals::{intersect, merge};

/// The on-intervals of every signal (same order as `problem.signals`), each
/// sorted, disjoint and non-adjacent.
pub(crate) fn evaluate(problem: &Problem, starts: &[Time]) -> Vec<Vec<Interval>> {
    let mut out: Vec<Vec<Interval>> = Vec::with_capacity(problem.signals.len());
    for sig in &problem.signals {
        let earlier = out.len();
        let v = match sig {
            Signal::Running(acts) => merge(
                acts.iter()
                    .filter_map(|&a| {
                        let act = problem.activities.get(a)?;
                        let s = *starts.get(a)?;
                        Some(Interval::new(s, s + act.duration))
                    })
                    .collect(),
            ),
            Signal::Any(sigs) => merge(
                sigs.iter()
                    .filter(|&&k| k < earlier)
                    .flat_map(|&k| out[k].iter().copied())
                    .collect(),
            ),
            Signal::All(sigs) => {
                if sigs.is_empty() {
                    Vec::new()
                } else {
                    let mut acc: Option<Vec<Interval>> = None;
                    for &k in sigs {
                        let part: &[Interval] = if k < earlier { &out[k] } else { &[] };
                        acc = Some(match acc {
                            None => part.to_vec(),
                            Some(prev) => intersect(&prev, part),
                        });
                    }
                    acc.unwrap_or_default()
                }
            }
            Signal::Delayed { input, tolerance } => {
                let tol = (*tolerance).max(0);
                if *input < earlier {
                    out[*input]
                        .iter()
                        .filter(|iv| iv.len() > tol)
                        .map(|iv| Interval::new(iv.start + tol, iv.end))
                        .collect()
                } else {
                    Vec::new()
                }
            }
            Signal::Switchover { members, minutes } => {
                let downs: Vec<&[Interval]> = members
                    .iter()
                    .map(|&k| if k < earlier { out[k].as_slice() } else { &[] })
                    .collect();
                switchovers(&downs, *minutes)
            }
        };
        out.push(v);
    }
    out
}

/// Whether minute `t` lies in one of the sorted, disjoint intervals.
fn covers(on: &[Interval], t: Time) -> bool {
    let k = on.partition_point(|iv| iv.end <= t);
    on.get(k).is_some_and(|iv| iv.start <= t)
}

/// The serving member at minute `t`: the first (list order) that is up.
fn serving(downs: &[&[Interval]], t: Time) -> Option<usize> {
    downs.iter().position(|d| !covers(d, t))
}

/// The switchover minutes of an `any` group whose members are down at
/// `downs` (see [`Signal::Switchover`]): `[t, t + minutes)` for every minute
/// `t >= 0` at which the serving member changes from one up member to
/// another. The serving member can only change where some member's down
/// interval starts or ends, so only those minutes are looked at.
pub(crate) fn switchovers(downs: &[&[Interval]], minutes: Time) -> Vec<Interval> {
    if minutes <= 0 || downs.len() < 2 {
        return Vec::new();
    }
    let mut points: Vec<Time> = downs
        .iter()
        .flat_map(|d| d.iter())
        .flat_map(|iv| [iv.start, iv.end])
        .filter(|&p| p >= 0)
        .collect();
    points.sort_unstable();
    points.dedup();
    let changes = points
        .into_iter()
        .filter(|&p| match (serving(downs, p - 1), serving(downs, p)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        })
        .map(|p| Interval::new(p, p + minutes))
        .collect();
    merge(changes)
}

/// Total on-time in minutes of the signal of each limit (same order as
/// `problem.limits`).
pub fn on_time(problem: &Problem, starts: &[Time]) -> Vec<Time> {
    let sigs = evaluate(problem, starts);
    problem
        .limits
        .iter()
        .map(|l| {
            sigs.get(l.signal)
                .map(|v| v.iter().map(|iv| iv.len()).sum())
                .unwrap_or(0)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::{Activity, OnTimeLimit};

    fn iv(s: Time, e: Time) -> Interval {
        Interval::new(s, e)
    }

    fn problem() -> Problem {
        let mut p = Problem::default();
        for (n, d) in [("a", 10), ("b", 5), ("c", 0)] {
            p.activities.push(Activity::new(n, d));
        }
        p.signals = vec![
            Signal::Running(vec![0]),
            Signal::Running(vec![1, 2]),
            Signal::Any(vec![0, 1]),
            Signal::All(vec![0, 1]),
            Signal::Delayed {
                input: 2,
                tolerance: 10,
            },
            Signal::All(vec![]),
        ];
        p.limits = vec![OnTimeLimit {
            name: "svc".into(),
            signal: 4,
            weight: 1.0,
            max_on: Some(0),
        }];
        p
    }

    #[test]
    fn running_any_all_delayed() {
        let p = problem();
        let s = evaluate(&p, &[0, 10, 3]);
        assert_eq!(s[0], vec![iv(0, 10)]);
        assert_eq!(s[1], vec![iv(10, 15)]);
        // adjacent pieces merge: on continuously for 15 minutes
        assert_eq!(s[2], vec![iv(0, 15)]);
        assert!(s[3].is_empty());
        assert_eq!(s[4], vec![iv(10, 15)]);
        assert!(s[5].is_empty());
        assert_eq!(on_time(&p, &[0, 10, 3]), vec![5]);
        // overlapping runs
        let s = evaluate(&p, &[0, 2, 3]);
        assert_eq!(s[3], vec![iv(2, 7)]);
        assert!(s[4].is_empty());
        assert_eq!(on_time(&p, &[0, 2, 3]), vec![0]);
        // gap: neither piece is longer than 10
        let s = evaluate(&p, &[0, 11, 0]);
        assert_eq!(s[2], vec![iv(0, 10), iv(11, 16)]);
        assert!(s[4].is_empty());
    }

    /// Two members (primary, standby) and a 10-minute switchover.
    fn pair() -> Problem {
        let mut p = Problem::default();
        for (n, d) in [("p1", 30), ("p2", 20), ("s1", 40)] {
            p.activities.push(Activity::new(n, d));
        }
        p.signals = vec![
            Signal::Running(vec![0, 1]),
            Signal::Running(vec![2]),
            Signal::All(vec![0, 1]),
            Signal::Switchover {
                members: vec![0, 1],
                minutes: 10,
            },
            Signal::Any(vec![2, 3]),
        ];
        p
    }

    #[test]
    fn switchover_counts_each_change_of_serving_member() {
        let p = pair();
        // Primary down 100..130 (standby serves: two changes), standby down
        // 200..240 (primary serves throughout: no change), p2 far away.
        let s = evaluate(&p, &[100, 300, 200]);
        assert_eq!(
            s[3],
            vec![iv(100, 110), iv(130, 140), iv(300, 310), iv(320, 330)]
        );
        assert_eq!(s[4], s[3]);
        // Primary down 100..130, standby down 110..150: the standby takes
        // over at 100, every member is down 110..130, the primary serves
        // again from 130 (back from wholly down: no switchover).
        let s = evaluate(&p, &[100, 400, 110]);
        assert_eq!(s[2], vec![iv(110, 130)]);
        assert_eq!(s[3], vec![iv(100, 110), iv(400, 410), iv(420, 430)]);
        assert_eq!(s[4], vec![iv(100, 130), iv(400, 410), iv(420, 430)]);
        // A primary outage from minute 0: the serving member before 0 is the
        // primary, so the change at 0 counts.
        let s = evaluate(&p, &[0, 500, 600]);
        assert_eq!(s[3][0], iv(0, 10));
        // Back-to-back changes merge.
        let s = evaluate(&p, &[100, 105, 600]);
        // primary down 100..130 and 105..125 -> one run 100..130
        assert_eq!(s[3], vec![iv(100, 110), iv(130, 140)]);
    }

    /// Against the plan's own accounting (`plan::downtime::any_down`) on
    /// random member outages.
    #[test]
    fn switchover_agrees_with_the_plan_accounting() {
        let mut rng = crate::rng::SplitMix64::new(7);
        let mut rnd = |n: u64| rng.next_u64() % n.max(1);
        for _ in 0..500 {
            let members = 1 + rnd(3) as usize;
            let mut p = Problem::default();
            let mut sigs = Vec::new();
            for m in 0..members {
                let mut acts = Vec::new();
                for _ in 0..rnd(3) {
                    acts.push(p.activities.len());
                    p.activities
                        .push(Activity::new(format!("a{m}"), rnd(30) as Time));
                }
                sigs.push(p.signals.len());
                p.signals.push(Signal::Running(acts));
            }
            let minutes = rnd(15) as Time;
            p.signals.push(Signal::All(sigs.clone()));
            p.signals.push(Signal::Switchover {
                members: sigs.clone(),
                minutes,
            });
            let n = p.signals.len();
            p.signals.push(Signal::Any(vec![n - 2, n - 1]));
            let starts: Vec<Time> = (0..p.activities.len()).map(|_| rnd(80) as Time).collect();
            let s = evaluate(&p, &starts);
            let downs: Vec<Vec<Interval>> = sigs.iter().map(|&k| s[k].clone()).collect();
            let want = crate::plan::downtime::any_down(&downs, minutes);
            assert_eq!(s[n], want, "starts {starts:?} minutes {minutes} {p:?}");
        }
    }
}
