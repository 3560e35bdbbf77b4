//! The deadline stage of [`super::solve`]: a problem with a deadline is
//! solved first with the deadline loosened, then as it is.
//!
//! A deadline at or just above the best plan leaves schedule generation
//! almost no slack: the latest starts it implies make pass after pass fail
//! ("placed after its latest start"), and the search can end with nothing
//! where the same problem without the deadline is solved in a fraction of a
//! second to a schedule that ends well before it (the CAB suite's
//! `deadline-at` and `deadline-up` estates of 1 000 and 3 000 tasks).
//!
//! Loosening the deadline (to twice its minute) is a relaxation that keeps
//! every other rule, so a schedule of the relaxed problem that ends by the
//! deadline is a schedule of the problem, and a relaxed optimum that ends
//! by the deadline is an optimum of the problem.
//!
//! The stage proves what it can on the problem itself before either run:
//! what needs no search, the precheck (an activity with no room before the
//! deadline, a deadline below the critical path and resource work), and the
//! destructive bound (for a twentieth of the time). That bound is a bound
//! of the relaxed problem too (a relaxed schedule shorter than it would end
//! by the deadline, so be a schedule of the problem shorter than its
//! bound), so both runs start from it (`SolveOptions::known_lower_bound`)
//! instead of proving it again, and the relaxed run can stop at a schedule
//! that meets it. Only the bound is shared: each run still repeats the
//! cheap precheck analysis on the problem it is given (the analysed
//! instance is not passed down). The relaxed run gets a third of the time, the problem
//! itself the rest, and the better schedule is kept.

use super::bounds;
use super::clock;
use super::precheck::{analyse, deadline_refuted, outcome_without_search};
use super::{Outcome, SolveOptions};
use crate::model::Problem;
use std::sync::atomic::AtomicBool;

/// Share of the time limit given to the problem with its deadline loosened.
const RELAXED_SHARE: f64 = 1.0 / 3.0;

/// Share of the time limit the shared destructive bound may take.
const BOUND_SHARE: f64 = 0.05;

/// A stage below this one: the search (see [`super::solve`]).
pub(super) type Next = fn(&Problem, &SolveOptions) -> Outcome;

/// The deadline stage (see the module doc): `next` on the problem with its
/// deadline loosened, then on the problem, both from the bound proven
/// here. A problem without a deadline goes to `next` as it is.
pub(super) fn relaxed_first(problem: &Problem, opts: &SolveOptions, next: Next) -> Outcome {
    let Some(deadline) = problem.deadline else {
        return next(problem, opts);
    };
    let started = clock::now();
    if let Some(outcome) = outcome_without_search(problem) {
        return outcome;
    }
    let (inst, lb) = match analyse(problem) {
        Ok(x) => x,
        Err(why) => return Outcome::Infeasible(why),
    };
    let never = AtomicBool::new(false);
    let bound = bounds::destructive_with(
        &inst,
        lb.max(opts.known_lower_bound),
        started + opts.time_limit.mul_f64(BOUND_SHARE),
        opts.stop.as_deref().unwrap_or(&never),
        |_| true,
    );
    if bound > deadline {
        return deadline_refuted(deadline, bound);
    }
    let loosened = deadline.saturating_mul(2).max(deadline);
    if loosened == deadline || opts.stop_requested() {
        return next(
            problem,
            &SolveOptions {
                known_lower_bound: bound,
                ..opts.clone()
            },
        );
    }
    // Twice the deadline rather than none: the relaxation still frees
    // generation from the tight latest starts, while the exact engine's
    // range (and its minute-by-minute encoding of downtime limits) stays
    // bounded.
    let relaxed = Problem {
        deadline: Some(loosened),
        ..problem.clone()
    };
    let first = SolveOptions {
        time_limit: opts
            .time_limit
            .mul_f64(RELAXED_SHARE)
            .saturating_sub(clock::elapsed(started)),
        known_lower_bound: bound,
        ..opts.clone()
    };
    let early = match next(&relaxed, &first) {
        Outcome::Solved(sol) if sol.makespan <= deadline => {
            if sol.is_optimal() || opts.stop_requested() {
                return Outcome::Solved(sol);
            }
            Some(sol)
        }
        // Nothing that ends by the deadline (or a proof for the relaxed
        // problem): the problem itself says why in its own words (its
        // proofs see the deadline).
        _ => None,
    };
    let rest = SolveOptions {
        time_limit: opts.time_limit.saturating_sub(clock::elapsed(started)),
        known_lower_bound: early.as_ref().map_or(bound, |e| e.lower_bound.max(bound)),
        ..opts.clone()
    };
    let second = next(problem, &rest);
    match (second, early) {
        (Outcome::Solved(mut sol), Some(e)) => {
            let bound = sol.lower_bound.max(e.lower_bound);
            if e.makespan < sol.makespan {
                sol = e;
            }
            sol.lower_bound = bound.min(sol.makespan);
            Outcome::Solved(sol)
        }
        // A schedule ending by the deadline exists: the second run's "not
        // found" (or a time-limited claim) yields to it.
        (_, Some(e)) => Outcome::Solved(e),
        (other, None) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::act;
    use crate::model::verify::verify;
    use crate::model::{Precedence, Resource};
    use std::time::Duration;

    /// Four activities on one unit resource, a chain of two beside them:
    /// the optimum is 40; with the deadline at 40 the relaxed run finds and
    /// proves it, and the answer keeps the deadline.
    #[test]
    fn a_relaxed_optimum_within_the_deadline_is_the_answer() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("r", 1));
        for k in 0..4 {
            p.activities.push(act(&format!("a{k}"), 10, &[(0, 1)]));
        }
        p.precedences.push(Precedence {
            from: 0,
            to: 1,
            lag: 10,
        });
        for deadline in [40, 45] {
            p.deadline = Some(deadline);
            let opts = SolveOptions {
                time_limit: Duration::from_secs(2),
                threads: 1,
                ..Default::default()
            };
            match super::super::solve(&p, &opts) {
                Outcome::Solved(sol) => {
                    assert_eq!(sol.makespan, 40);
                    assert!(sol.is_optimal());
                    assert!(verify(&p, &sol.starts).is_empty());
                }
                other => panic!("deadline {deadline}: {other:?}"),
            }
        }
        // Below the optimum: proven impossible by the problem itself.
        p.deadline = Some(39);
        let opts = SolveOptions {
            time_limit: Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        assert!(matches!(
            super::super::solve(&p, &opts),
            Outcome::Infeasible(_)
        ));
    }

    /// The stage proves once, before either run: a deadline below the
    /// resource work is refused by its own precheck (the search below is
    /// never called), and a feasible one reaches the search twice (the
    /// relaxed problem, then the problem), each time with the bound the
    /// stage proved.
    #[test]
    fn the_precheck_and_bound_are_proven_once_for_both_runs() {
        use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        static KNOWN: AtomicI64 = AtomicI64::new(-1);
        static DEADLINES: AtomicI64 = AtomicI64::new(0);
        fn never(_: &Problem, _: &SolveOptions) -> Outcome {
            panic!("the search ran on a problem the precheck refutes")
        }
        fn record(p: &Problem, o: &SolveOptions) -> Outcome {
            CALLS.fetch_add(1, Ordering::SeqCst);
            KNOWN.store(o.known_lower_bound, Ordering::SeqCst);
            DEADLINES.fetch_add(p.deadline.unwrap_or(0), Ordering::SeqCst);
            Outcome::NotFound("recorded".into())
        }
        let mut p = Problem::default();
        p.resources.push(Resource::constant("r", 1));
        for k in 0..4 {
            p.activities.push(act(&format!("a{k}"), 10, &[(0, 1)]));
        }
        let opts = SolveOptions {
            time_limit: Duration::from_secs(1),
            threads: 1,
            ..Default::default()
        };
        p.deadline = Some(39);
        assert!(matches!(
            relaxed_first(&p, &opts, never),
            Outcome::Infeasible(_)
        ));
        p.deadline = Some(50);
        assert!(matches!(
            relaxed_first(&p, &opts, record),
            Outcome::NotFound(_)
        ));
        assert_eq!(CALLS.load(Ordering::SeqCst), 2);
        // the work of the resource: 40
        assert_eq!(KNOWN.load(Ordering::SeqCst), 40);
        // twice the deadline, then the deadline
        assert_eq!(DEADLINES.load(Ordering::SeqCst), 100 + 50);
    }
}
