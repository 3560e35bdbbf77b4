//! The solver as callers see it: the heuristic search first, then — on
//! problems small enough for it — the exact engine (pumpkin, lazy clause
//! generation) with the heuristic's best schedule as incumbent, to prove it
//! optimal, improve it, or raise the bound. Measured in docs/exact.md: the
//! exact engine proves every j30/j60 sample instance within milliseconds.

use super::clock;
use super::exact::{self, ExactResult};
use super::{solve_heuristic, solve_heuristic_with, Outcome, Solution, SolveOptions};
use crate::model::{Problem, Time};
use std::sync::Mutex;
use std::time::Duration;

/// Problems up to this many activities get the exact phase (j120 has 122).
pub const EXACT_MAX_ACTIVITIES: usize = 150;

/// Share of the time limit the heuristic gets when the exact phase follows.
const HEURISTIC_SHARE: f64 = 0.5;

/// Solves a problem within the options' limits. A returned schedule always
/// satisfies every constraint.
///
/// With two or more threads the exact engine runs beside the heuristic
/// search from the start (one thread of its own), taking each better
/// makespan the search finds as its upper bound and stopping the search when
/// it proves the gap closed; with one thread (reproducible runs) it follows
/// the search.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let started = clock::now();
    let exact_fits = problem.activities.len() <= EXACT_MAX_ACTIVITIES
        && opts.time_limit >= Duration::from_millis(20)
        && opts.max_schedules == 0;
    let downtime_matters = problem.limits.iter().any(|l| l.weight > 0.0);
    let beside = exact_fits && opts.worker_threads() >= 2;
    // Where each phase ends, as a share of the limit: the heuristic search
    // (with the exact engine beside it), then the exact phase (small
    // problems, one thread), then the downtime refinement (problems with
    // weighted downtime); a little is left for checking and writing the
    // plan. Ctrl-C (the stop flag) skips the later phases.
    let (heuristic_end, exact_end) = match (exact_fits, downtime_matters) {
        (false, false) => return solve_heuristic(problem, opts),
        (false, true) => (0.7, 0.7),
        (true, false) if beside => (0.95, 0.95),
        (true, false) => (HEURISTIC_SHARE, 0.95),
        (true, true) if beside => (0.6, 0.6),
        (true, true) => (HEURISTIC_SHARE * 0.6, 0.6),
    };
    let until = |share: f64| {
        opts.time_limit
            .mul_f64(share)
            .saturating_sub(clock::elapsed(started))
    };
    let heuristic = SolveOptions {
        time_limit: opts.time_limit.mul_f64(heuristic_end),
        ..opts.clone()
    };
    let mut outcome = if beside {
        let beside_result: Mutex<Option<ExactResult>> = Mutex::new(None);
        let sidecar = |link: &dyn exact::Link| {
            // Wait (briefly) for the search's first schedule: its makespan
            // bounds the model.
            let wait_until = started + opts.time_limit.mul_f64(0.1);
            while link.upper() == Time::MAX && !link.stop() && !clock::passed(wait_until) {
                std::thread::sleep(Duration::from_millis(1));
            }
            let budget = heuristic.time_limit.saturating_sub(clock::elapsed(started));
            let tuning = exact::ExactOptions::for_problem(problem, true);
            let result = exact::solve_exact_with(problem, None, 0, budget, &tuning, link);
            *beside_result.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        };
        let outcome = solve_heuristic_with(problem, &heuristic, Some(&sidecar));
        match beside_result
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
        {
            Some(result) => merge(outcome, result),
            None => outcome,
        }
    } else {
        solve_heuristic(problem, &heuristic)
    };
    if opts.stop_requested() {
        return outcome;
    }
    let remaining = until(exact_end);
    if exact_fits && !beside && !remaining.is_zero() {
        let alone = exact::Alone(opts.stop.as_deref());
        let tuning = exact::ExactOptions::for_problem(problem, false);
        outcome = match outcome {
            Outcome::Solved(sol) if sol.is_optimal() => Outcome::Solved(sol),
            Outcome::Solved(sol) => merge(
                Outcome::Solved(sol.clone()),
                exact::solve_exact_with(
                    problem,
                    Some(&sol.starts),
                    sol.lower_bound,
                    remaining,
                    &tuning,
                    &alone,
                ),
            ),
            Outcome::NotFound(why) => merge(
                Outcome::NotFound(why),
                exact::solve_exact_with(problem, None, 0, remaining, &tuning, &alone),
            ),
            other => other,
        };
    }
    match outcome {
        Outcome::Solved(sol) if downtime_matters && !opts.stop_requested() => {
            Outcome::Solved(super::objective::refine(problem, sol, opts, until(0.95)))
        }
        other => other,
    }
}

/// The heuristic's outcome, with what the exact engine established.
fn merge(outcome: Outcome, result: ExactResult) -> Outcome {
    match outcome {
        Outcome::Solved(sol) => Outcome::Solved(improve(sol, result)),
        Outcome::NotFound(why) => match result {
            ExactResult::Optimal { starts, makespan } => Outcome::Solved(Solution {
                starts,
                makespan,
                lower_bound: makespan,
            }),
            ExactResult::Bounds {
                starts: Some(starts),
                makespan: Some(makespan),
                lower_bound,
            } => Outcome::Solved(Solution {
                starts,
                makespan,
                lower_bound: lower_bound.min(makespan),
            }),
            ExactResult::Infeasible(reason) => Outcome::Infeasible(reason),
            ExactResult::Bounds { .. } => Outcome::NotFound(why),
        },
        other => other,
    }
}

/// The heuristic's solution, improved by what the exact phase found.
fn improve(mut sol: Solution, result: ExactResult) -> Solution {
    match result {
        ExactResult::Optimal { starts, makespan } => {
            if makespan < sol.makespan {
                sol.starts = starts;
                sol.makespan = makespan;
            }
            sol.lower_bound = sol.makespan;
        }
        ExactResult::Bounds {
            starts,
            makespan,
            lower_bound,
        } => {
            if let (Some(starts), Some(makespan)) = (starts, makespan) {
                if makespan < sol.makespan {
                    sol.starts = starts;
                    sol.makespan = makespan;
                }
            }
            sol.lower_bound = sol.lower_bound.max(lower_bound).min(sol.makespan);
        }
        // The heuristic holds a verified schedule, so "infeasible" can only
        // mean the exact model disagrees; keep what is proven by a witness.
        ExactResult::Infeasible(_) => {}
    }
    sol
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Demand, Resource};

    /// Activities that pairwise cannot share a capacity-3 resource (each
    /// needs 2) but whose energy fits: the heuristic's bounds stop below the
    /// optimum, and the exact phase proves it.
    #[test]
    fn exact_phase_proves_what_the_bounds_cannot() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 3));
        p.resources.push(Resource::constant("S", 1));
        for i in 0..5 {
            let mut a = Activity::new(format!("a{i}"), 2 + i % 2);
            a.demands.push(Demand {
                resource: 0,
                amount: 2,
            });
            p.activities.push(a);
        }
        for i in 0..3 {
            let mut a = Activity::new(format!("b{i}"), 1);
            a.demands.push(Demand {
                resource: 0,
                amount: 1,
            });
            a.demands.push(Demand {
                resource: 1,
                amount: 1,
            });
            p.activities.push(a);
        }
        let opts = SolveOptions {
            time_limit: Duration::from_millis(400),
            threads: 1,
            ..Default::default()
        };
        let Outcome::Solved(h) = solve_heuristic(&p, &opts) else {
            panic!("no heuristic schedule")
        };
        let Outcome::Solved(sol) = solve(&p, &opts) else {
            panic!("no schedule")
        };
        assert!(crate::model::verify::verify(&p, &sol.starts).is_empty());
        assert!(sol.is_optimal(), "{sol:?}");
        eprintln!(
            "heuristic {}..{}, portfolio {}..{}",
            h.lower_bound, h.makespan, sol.lower_bound, sol.makespan
        );
        assert!(
            h.lower_bound < sol.lower_bound,
            "the heuristic alone proved it: {h:?}"
        );
    }
}
