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
//!   `tolerance` minutes is ridden out, one minute more is not.

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
        };
        out.push(v);
    }
    out
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
}
