//! Solving a problem with a deadline by first solving it with the deadline loosened.
//!
//! A deadline at or just above the best plan leaves schedule generation
//! almost no slack: the latest starts it implies make pass after pass fail
//! ("placed after its latest start"), and the search can end with nothing
//! where the same problem without the deadline is solved in a fraction of a
//! second to a schedule that ends well before it (the CAB suite's
//! `deadline-at` and `deadline-up` estates of 1 000 and 3 000 tasks).
//!
//! Loosening the deadline (to twice its minute) is a relaxation that keeps
//! every other rule, so:
//! a schedule of the relaxed problem that ends by the deadline is a
//! schedule of the problem; the relaxed problem's lower bound is a lower
//! bound of the problem; a relaxed optimum that ends by the deadline is an
//! optimum of the problem. [`solve`] gives the relaxed problem a third of
//! the time, then the problem itself the rest, and keeps the better.

use super::{Outcome, SolveOptions};
use crate::model::Problem;
use std::time::Instant;

/// Share of the time limit given to the problem with its deadline loosened.
const RELAXED_SHARE: u32 = 3;

/// [`super::solve`], first with the deadline loosened (see the module doc). A
/// problem without a deadline is solved as it is.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let Some(deadline) = problem.deadline else {
        return super::solve(problem, opts);
    };
    let started = Instant::now();
    // Twice the deadline rather than none: the relaxation still frees
    // generation from the tight latest starts, while the exact engine's
    // range (and its minute-by-minute encoding of downtime limits) stays
    // bounded.
    let relaxed = Problem {
        deadline: Some(deadline.saturating_mul(2).max(deadline)),
        ..problem.clone()
    };
    let first = SolveOptions {
        time_limit: opts.time_limit / RELAXED_SHARE,
        ..opts.clone()
    };
    let early = match super::solve(&relaxed, &first) {
        Outcome::Solved(sol) if sol.makespan <= deadline => {
            if sol.is_optimal() || opts.stop_requested() {
                return Outcome::Solved(sol);
            }
            Some(sol)
        }
        // Without the deadline nothing ends by it: the problem itself says
        // why in its own words (its proofs see the deadline).
        _ => None,
    };
    let rest = SolveOptions {
        time_limit: opts.time_limit.saturating_sub(started.elapsed()),
        ..opts.clone()
    };
    let second = super::solve(problem, &rest);
    match (second, early) {
        (Outcome::Solved(mut sol), Some(e)) => {
            let bound = sol.lower_bound.max(e.lower_bound);
            if e.makespan < sol.makespan {
                sol = e;
            }
            sol.lower_bound = bound;
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
            match solve(&p, &opts) {
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
        assert!(matches!(solve(&p, &opts), Outcome::Infeasible(_)));
    }
}
