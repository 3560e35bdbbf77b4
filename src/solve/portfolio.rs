//! The solver as callers see it: the heuristic search first, then — on
//! problems small enough for it — the exact engine (pumpkin, lazy clause
//! generation) with the heuristic's best schedule as incumbent, to prove it
//! optimal, improve it, or raise the bound. Measured in docs/exact.md: the
//! exact engine proves every j30/j60 sample instance within milliseconds.
//!
//! With two or more threads, on such problems, the one-thread solve runs as
//! it is (reproducible, on the work clock) and the exact engine runs beside
//! it from the start on a thread of its own, reading the one-thread run's
//! best makespan and bound (see [`Board`]). The one-thread run reads
//! nothing back but a stop once the gap is closed, so the result is never
//! worse than with one thread: it is the better of the two.

use super::clock;
use super::components;
use super::exact::{self, ExactResult};
use super::{solve_heuristic, Outcome, Solution, SolveOptions};
use crate::model::verify::verify;
use crate::model::{Problem, Time};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Problems up to this many activities get the exact phase (j120 has 122).
pub const EXACT_MAX_ACTIVITIES: usize = 150;

/// Share of the time limit the heuristic gets when the exact phase follows.
const HEURISTIC_SHARE: f64 = 0.5;

/// Problems above [`EXACT_MAX_ACTIVITIES`] and up to this many, with
/// maximum time lags, get the exact engine as a rescue when the heuristic
/// found no schedule (see [`solve`]).
pub const RESCUE_MAX_ACTIVITIES: usize = 1000;

/// Share of the time limit the heuristic gets when a rescue may follow.
const RESCUE_HEURISTIC_SHARE: f64 = 0.7;

/// Solves a problem within the options' limits. A returned schedule always
/// satisfies every constraint. See the module docs for threads.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let started = clock::now();
    let exact_fits = problem.activities.len() <= EXACT_MAX_ACTIVITIES
        && opts.time_limit >= Duration::from_millis(20)
        && opts.max_schedules == 0;
    if exact_fits && opts.worker_threads() >= 2 {
        return alongside(problem, opts);
    }
    let downtime_matters = problem.limits.iter().any(|l| l.weight > 0.0);
    // Larger problems with maximum time lags, where schedule generation can
    // fail pass after pass (restarts for maximum lags that never end in a
    // schedule: RCPSP/max instances of 200 activities): when the heuristic
    // finds nothing, the exact engine from nothing, whose first step lays
    // out the strongly connected components of the time lags one after
    // another (`exact_from_nothing`).
    let rescue = !exact_fits
        && !downtime_matters
        && problem.activities.len() <= RESCUE_MAX_ACTIVITIES
        && opts.time_limit >= Duration::from_millis(20)
        && opts.max_schedules == 0
        && problem.precedences.iter().any(|p| p.lag < 0);
    // Where each phase ends, as a share of the limit: the heuristic search,
    // then the exact phase (small problems, or the rescue), then the
    // downtime refinement (problems with weighted downtime); a little is
    // left for checking and writing the plan. Ctrl-C (the stop flag) skips
    // the later phases.
    let (heuristic_end, exact_end) = match (exact_fits, downtime_matters) {
        (false, false) if rescue => (RESCUE_HEURISTIC_SHARE, 0.95),
        (false, false) => return solve_heuristic(problem, opts),
        (false, true) => (0.7, 0.7),
        (true, false) => (HEURISTIC_SHARE, 0.95),
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
    let mut outcome = solve_heuristic(problem, &heuristic);
    if opts.stop_requested() {
        return outcome;
    }
    let remaining = until(exact_end);
    if rescue && !remaining.is_zero() {
        if let Outcome::NotFound(why) = outcome {
            let alone = exact::Alone(opts.stop.as_deref());
            let tuning = exact::ExactOptions::for_problem(problem, false);
            let rescued =
                exact_from_nothing(problem, opts.known_lower_bound, remaining, &tuning, &alone);
            return merge(Outcome::NotFound(why), rescued);
        }
        return outcome;
    }
    if exact_fits && !remaining.is_zero() {
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
                exact_from_nothing(problem, opts.known_lower_bound, remaining, &tuning, &alone),
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

/// What the one-thread run and the exact engine beside it share: the run's
/// best makespan and bound (written by its progress reports, read by the
/// engine), and the engine's bound. The engine stops the run once the gap
/// is closed; the caller's stop flag reaches both.
struct Board {
    best: AtomicI64,
    lower: AtomicI64,
    /// The one-thread run's stop flag (set on the caller's, or once the
    /// gap is closed).
    stop_run: Arc<AtomicBool>,
    /// The one-thread run has returned.
    run_done: AtomicBool,
    caller_stop: Option<Arc<AtomicBool>>,
    progress: Option<Arc<dyn crate::progress::Progress + Send + Sync>>,
}

impl Board {
    fn caller_stopped(&self) -> bool {
        self.caller_stop
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Stops the run when the bound has reached its best makespan.
    fn close_if_met(&self) {
        if self.lower.load(Ordering::Relaxed) >= self.best.load(Ordering::Relaxed) {
            self.stop_run.store(true, Ordering::Relaxed);
        }
    }
}

/// The one-thread run's progress: noted on the board, passed on.
impl crate::progress::Progress for Board {
    fn improved(&self, makespan: Time, lower_bound: Time) {
        self.best.fetch_min(makespan, Ordering::Relaxed);
        self.lower.fetch_max(lower_bound, Ordering::Relaxed);
        self.close_if_met();
        if let Some(p) = &self.progress {
            p.improved(
                makespan,
                lower_bound.max(self.lower.load(Ordering::Relaxed)),
            );
        }
    }
    fn tick(&self, elapsed: Duration) {
        if let Some(p) = &self.progress {
            p.tick(elapsed);
        }
    }
    fn note(&self, message: &str) {
        if let Some(p) = &self.progress {
            p.note(message);
        }
    }
}

/// The exact engine's view of the board.
impl exact::Link for Board {
    fn stop(&self) -> bool {
        // the run's end does not stop the engine: it goes on below the
        // run's best until its own time is up (a one-thread run usually
        // ends early, see `clock`)
        self.caller_stopped()
            || (self.run_done.load(Ordering::Relaxed)
                && self.lower.load(Ordering::Relaxed) >= self.best.load(Ordering::Relaxed))
    }
    fn upper(&self) -> Time {
        self.best.load(Ordering::Relaxed)
    }
    fn lower(&self) -> Time {
        self.lower.load(Ordering::Relaxed)
    }
    fn bound(&self, t: Time) {
        self.lower.fetch_max(t, Ordering::Relaxed);
        self.close_if_met();
    }
}

/// Two or more threads: the one-thread solve, with the exact engine beside
/// it (see the module docs).
fn alongside(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let started = std::time::Instant::now();
    let board = Arc::new(Board {
        best: AtomicI64::new(Time::MAX),
        // (0 is "no bound known")
        lower: AtomicI64::new(if opts.known_lower_bound > 0 {
            opts.known_lower_bound
        } else {
            Time::MIN
        }),
        stop_run: Arc::new(AtomicBool::new(false)),
        run_done: AtomicBool::new(false),
        caller_stop: opts.stop.clone(),
        progress: opts.progress.clone(),
    });
    let run_opts = SolveOptions {
        threads: 1,
        stop: Some(board.stop_run.clone()),
        progress: Some(board.clone()),
        ..opts.clone()
    };
    let budget = opts.time_limit.mul_f64(0.95);
    let (outcome, engine) = std::thread::scope(|scope| {
        let board = &board;
        let engine = scope.spawn(move || {
            let tuning = exact::ExactOptions::for_problem(problem, true);
            exact_from_nothing(problem, opts.known_lower_bound, budget, &tuning, &**board)
        });
        // the run obeys its own flag: pass the caller's stop on to it
        scope.spawn(move || {
            while !board.run_done.load(Ordering::Relaxed) {
                if board.caller_stopped() {
                    board.stop_run.store(true, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        // Threads beyond two: further one-thread searches with other
        // seeds, sharing the run's stop (not where downtime is weighed,
        // where their shorter schedules would undo the run's refinement).
        let weighted = problem.limits.iter().any(|l| l.weight > 0.0);
        let extra: Vec<_> = (2..opts.worker_threads())
            .filter(|_| !weighted)
            .map(|k| {
                let more = SolveOptions {
                    time_limit: budget,
                    seed: opts.seed.wrapping_add(1000 * k as u64),
                    ..run_opts.clone()
                };
                scope.spawn(move || solve_heuristic(problem, &more))
            })
            .collect();
        // (this run is one thread of several, not a reproducible run the
        // caller asked for: no note when the wall clock ends it)
        let mut outcome = super::solve_one_thread(problem, &run_opts);
        // A one-thread run usually ends before its time is up (it counts
        // work, see `clock`): the rest of its thread's time goes to a
        // further search, with another seed, while the gap is open.
        let rest = budget.saturating_sub(started.elapsed());
        // (not where downtime is weighed: a shorter schedule from it would
        // undo the run's refinement)
        let open = !matches!(&outcome, Outcome::Solved(s) if s.is_optimal())
            && !matches!(outcome, Outcome::Infeasible(_))
            && !problem.limits.iter().any(|l| l.weight > 0.0);
        if open && rest > Duration::from_millis(20) && !board.stop_run.load(Ordering::Relaxed) {
            let more = SolveOptions {
                time_limit: rest,
                seed: opts.seed.wrapping_add(1),
                ..run_opts.clone()
            };
            outcome = better(outcome, solve_heuristic(problem, &more));
        }
        if matches!(&outcome, Outcome::Solved(s) if s.is_optimal())
            || matches!(outcome, Outcome::Infeasible(_))
        {
            board.stop_run.store(true, Ordering::Relaxed);
        }
        for search in extra {
            if let Ok(other) = search.join() {
                outcome = better(outcome, other);
            }
        }
        if matches!(outcome, Outcome::Infeasible(_)) {
            // proven: the engine has nothing left to find
            board.lower.store(Time::MAX, Ordering::Relaxed);
        }
        board.run_done.store(true, Ordering::Relaxed);
        (outcome, engine.join())
    });
    let result = match engine {
        Ok(result) => result,
        // a panic inside the engine: the run's outcome stands
        _ => return outcome,
    };
    // The engine optimises the window only: where downtime is weighed, its
    // schedules would undo the run's refinement, so only its bounds count.
    let downtime_matters = problem.limits.iter().any(|l| l.weight > 0.0);
    let result = match result {
        ExactResult::Optimal { makespan, .. } if downtime_matters => ExactResult::Bounds {
            starts: None,
            makespan: None,
            lower_bound: makespan,
        },
        ExactResult::Bounds { lower_bound, .. } if downtime_matters => ExactResult::Bounds {
            starts: None,
            makespan: None,
            lower_bound,
        },
        other => other,
    };
    let mut outcome = merge(outcome, result);
    if let Outcome::Solved(sol) = &mut outcome {
        let lower = board.lower.load(Ordering::Relaxed);
        sol.lower_bound = sol.lower_bound.max(lower).min(sol.makespan);
    }
    outcome
}

/// The exact engine without a schedule to start from: first on each
/// strongly connected component of the time lags alone (for up to half the
/// budget), which refutes an infeasible problem far sooner than the whole
/// does, and whose schedules, laid one after another, give a first
/// schedule of the whole where nothing depends on time; then on the whole.
fn exact_from_nothing(
    problem: &Problem,
    known_lower_bound: Time,
    budget: Duration,
    tuning: &exact::ExactOptions,
    link: &dyn exact::Link,
) -> ExactResult {
    let started = clock::now();
    let parts = components::components(problem);
    let whole = parts.len() == 1 && parts[0].len() == problem.activities.len();
    let mut incumbent = None;
    if !parts.is_empty() && !whole {
        match components::refute_exactly(problem, &parts, budget / 2, link) {
            components::Refutation::Infeasible(why) => {
                // no schedule of any makespan: tells a search beside it
                link.bound(Time::MAX);
                return ExactResult::Infeasible(why);
            }
            components::Refutation::Arranged(arranged) => {
                incumbent = components::compose(problem, &parts, &arranged)
                    .filter(|s| verify(problem, s).is_empty());
            }
        }
    }
    if let Some(s) = &incumbent {
        link.found(s);
    }
    let rest = budget.saturating_sub(clock::elapsed(started));
    let result = exact::solve_exact_with(
        problem,
        incumbent.as_deref(),
        known_lower_bound,
        rest,
        tuning,
        link,
    );
    match (result, incumbent) {
        // the engine found nothing better than the composed schedule
        (
            ExactResult::Bounds {
                starts: None,
                lower_bound,
                ..
            },
            Some(s),
        ) => {
            let makespan = problem.makespan(&s);
            ExactResult::Bounds {
                starts: Some(s),
                makespan: Some(makespan),
                lower_bound: lower_bound.min(makespan),
            }
        }
        (result, _) => result,
    }
}

/// The better of two outcomes of the same problem: the shorter schedule,
/// with the better of the two bounds.
fn better(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Solved(x), Outcome::Solved(y)) => {
            let lower_bound = x.lower_bound.max(y.lower_bound);
            let mut best = if y.makespan < x.makespan { y } else { x };
            best.lower_bound = lower_bound.min(best.makespan);
            Outcome::Solved(best)
        }
        (Outcome::Solved(x), _) | (_, Outcome::Solved(x)) => Outcome::Solved(x),
        // a proof beats "not found"
        (Outcome::NotFound(_), b @ Outcome::Infeasible(_)) => b,
        (a, _) => a,
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

    /// More threads than two: the further searches are joined and the
    /// result is the proven optimum, as with two.
    #[test]
    fn more_threads_join_and_prove() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 2));
        for i in 0..12 {
            let mut a = Activity::new(format!("a{i}"), 1 + i % 4);
            a.demands.push(Demand {
                resource: 0,
                amount: 1 + (i % 2),
            });
            p.activities.push(a);
        }
        for threads in [2, 4] {
            let opts = SolveOptions {
                time_limit: Duration::from_secs(2),
                threads,
                ..Default::default()
            };
            let Outcome::Solved(sol) = solve(&p, &opts) else {
                panic!("no schedule with {threads} threads")
            };
            assert!(crate::model::verify::verify(&p, &sol.starts).is_empty());
            assert!(sol.is_optimal(), "{threads} threads: {sol:?}");
        }
    }

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
        // The portfolio stops at its proof; the longer limit only keeps a
        // loaded machine from cutting the exact phase short.
        let patient = SolveOptions {
            time_limit: Duration::from_secs(5),
            ..opts.clone()
        };
        let Outcome::Solved(sol) = solve(&p, &patient) else {
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
