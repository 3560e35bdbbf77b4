//! The solver on the core [`Problem`]: bounds, schedule generation, search.
//! It knows nothing of inventories.
//!
//! [`solve`] first proves what it can: structure, positive cycles of time
//! lags, activities that fit nowhere (intervals, capacity profiles),
//! deadlines below a lower bound (all `Outcome::Infeasible`, in words that
//! name activities and resources). It then computes a lower bound and
//! searches until the time limit, a schedule budget, or a schedule that
//! meets the bound. Every returned schedule is re-checked with
//! [`crate::model::verify::verify`].
//!
//! The front door, this file: [`solve`] as a composition of stages (engine
//! -> objective -> deadline -> search; see its doc) and the one-thread, reproducible
//! run.
//!
//! Modules, one job each:
//! - `precheck`: the proofs before search, the failure analysis
//!   ([`diagnose`], [`lower_bound`], the outcomes that need no search);
//! - `heuristic`: the heuristic run ([`solve_heuristic`]: precheck, bound,
//!   search beside the bound, verify);
//! - `options`: how to solve ([`SolveOptions`], [`Engine`],
//!   [`Objective`]), a leaf;
//! - `outcome`: what a solve concludes ([`Solution`], [`Outcome`],
//!   [`CoreReason`]), a leaf;
//! - [`temporal`]: longest paths on the time-lag graph, positive cycles,
//!   earliest / latest starts ([`time_windows`]);
//! - `bounds`: critical path, resource energy, exclusion groups, and
//!   destructive improvement (time-tabling, energetic reasoning, shaving);
//!   [`lower_bound`] is the public entry;
//! - [`components`]: strongly connected components of the time-lag graph
//!   (activities that move together), each a relaxation refuted cheaply or
//!   by the exact engine;
//! - [`clock`]: the solver's clock: wall time, or the work done in a
//!   one-thread solve, so that such runs repeat;
//! - `instance`: the solver's flat form of a problem and its time mirror;
//! - `profile`: resource usage timelines;
//! - `sgs`: serial schedule generation with unscheduling for max lags;
//! - `deadline`: the deadline stage: a problem with a deadline solved
//!   first with it loosened (a relaxation whose schedules ending by the
//!   deadline are plans), from one precheck and bound shared by both runs;
//! - `priority`: priority rules, sampling and list operators;
//! - [`probe`]: one schedule-generation pass on its own, for benchmarks;
//! - `search`: forward–backward improvement, the genetic search and the
//!   iterated local search, and the on-time-limit penalty;
//! - `portfolio`: the search stage: the heuristic run, then the exact
//!   engine with its best schedule as incumbent;
//! - [`exact`]: the exact engine (pumpkin): entry and options in
//!   `exact/mod.rs`, the constraint model in `exact/model.rs`, the search
//!   over the makespan range in `exact/search.rs`;
//! - `exact_limits`: the hard on-time limits' minute-by-minute encoding in
//!   the exact model (its tests in `exact_limits_tests`);
//! - [`milp`]: the time-indexed MILP (good_lp): the LP bound, `--export-lp`,
//!   and the MILP stage of [`Engine::Milp`];
//! - `objective`: downtime as an objective: refinement, the [`pareto`]
//!   sweep and the downtime stage;
//! - `tests`: the solver's unit tests.

mod bounds;
pub mod clock;
pub mod components;
mod deadline;
pub mod exact;
mod exact_limits;
#[cfg(test)]
mod exact_limits_tests;
mod heuristic;
mod instance;
pub mod milp;
pub use heuristic::solve_heuristic;
mod objective;
mod options;
mod outcome;
pub use options::{Engine, Objective, SolveOptions};
pub use outcome::{CoreReason, Outcome, Solution};
mod portfolio;
mod precheck;
pub use objective::{downtime_floor, downtime_proven, pareto, weighted_on_time, ParetoPoint};
pub use precheck::{diagnose, lower_bound};
mod priority;
pub mod probe;
mod profile;
mod search;
mod sgs;
pub mod temporal;

pub use temporal::{earliest_starts, latest_starts, time_windows, TimeWindows};

use crate::model::Problem;
use std::time::Instant;

/// Solves a problem within the options' limits (see `portfolio::solve`).
/// A returned schedule always satisfies every constraint. With one thread
/// the time limit is counted in work (see [`clock`]): the same problem,
/// seed and limit give the same schedule on any machine, unless the wall
/// clock overtook the work clock, which the progress watcher is told.
///
/// With [`Objective::Downtime`] on a problem with weighted on-time, the
/// answer is the least weighted on-time point of [`pareto`] under the same
/// options (then the shortest), so it is never worse than what `--pareto`
/// lists for the same limits.
///
/// The stages, each calling the next: the engine (`with_engine`: the
/// portfolio, or the portfolio then the MILP), the objective
/// (`by_objective`: the downtime sweep, or the shortest makespan), the
/// search (`search_stage`: the deadline stage, then the portfolio, which
/// proves what it can before searching (precheck), bounds, searches and
/// verifies every schedule). The
/// downtime sweep asks for its first point at the engine stage with the
/// search next (`shortest_makespan`), not through `solve` again.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Outcome {
    with_engine(problem, opts, by_objective)
}

/// The engine stage: [`Engine::Portfolio`] runs `next` (the objective stage,
/// or the search alone for a caller that fixed the objective);
/// [`Engine::Milp`] runs `next` for a quarter of the time, then the MILP
/// below its schedule ([`milp::improve`]). The stages below see the engine
/// as chosen (`Engine::Portfolio`).
fn with_engine(
    problem: &Problem,
    opts: &SolveOptions,
    next: fn(&Problem, &SolveOptions) -> Outcome,
) -> Outcome {
    match opts.engine {
        Engine::Portfolio => next(problem, opts),
        Engine::Milp => {
            let started = Instant::now();
            let first = next(
                problem,
                &SolveOptions {
                    engine: Engine::Portfolio,
                    time_limit: opts.time_limit / 4,
                    ..opts.clone()
                },
            );
            match first {
                Outcome::Solved(s) if !s.is_optimal() => milp::improve(problem, s, opts, started),
                other => other,
            }
        }
    }
}

/// The objective stage: with [`Objective::Downtime`] on a problem with
/// weighted on-time, the downtime sweep ([`objective::least_downtime`],
/// which runs [`shortest_makespan`] for its first point); otherwise the
/// search for the shortest makespan.
fn by_objective(problem: &Problem, opts: &SolveOptions) -> Outcome {
    if opts.objective == Objective::Downtime && problem.limits.iter().any(|l| l.weight > 0.0) {
        return objective::least_downtime(problem, opts);
    }
    search_stage(problem, opts)
}

/// The shortest makespan under the chosen engine, without the objective
/// stage: for the downtime sweep, which asks it with [`Objective::Window`].
fn shortest_makespan(problem: &Problem, opts: &SolveOptions) -> Outcome {
    with_engine(problem, opts, search_stage)
}

/// The search stage: the deadline stage (`deadline::relaxed_first`: a
/// problem with a deadline solved first with it loosened, both runs from
/// the destructive bound it proves once) over the portfolio
/// (`portfolio::solve`: precheck and proofs, bound, heuristic search beside
/// the exact engine, verify), on several threads, or on one thread counting
/// work (both runs of the deadline stage on the one work clock, so that the
/// time it gives the second repeats).
fn search_stage(problem: &Problem, opts: &SolveOptions) -> Outcome {
    if opts.worker_threads() != 1 {
        return deadline::relaxed_first(problem, opts, portfolio::solve);
    }
    reproducibly(
        opts,
        true,
        || deadline::relaxed_first(problem, opts, portfolio::solve),
        |o| !matches!(o, Outcome::Infeasible(_)),
    )
}

/// The one-thread portfolio, counting work (see [`solve`]), for the
/// portfolio's own one-thread run beside the exact engine (below the
/// deadline stage; not a run the caller asked for, so a run the wall clock
/// ended is left without a note).
fn solve_one_thread(problem: &Problem, opts: &SolveOptions) -> Outcome {
    reproducibly(
        opts,
        false,
        || portfolio::solve(problem, opts),
        |o| !matches!(o, Outcome::Infeasible(_)),
    )
}

/// Runs `f` counting work (see [`clock`]). When the wall clock ended it
/// first, the result may differ on rerun; the progress watcher is told so
/// only when that is true and matters: the caller asked for a reproducible
/// run (`asked`), this is not a run inside one (the outer run tells), and
/// `varies` says the result could change (a proof of infeasibility cannot).
fn reproducibly<R>(
    opts: &SolveOptions,
    asked: bool,
    f: impl FnOnce() -> R,
    varies: impl FnOnce(&R) -> bool,
) -> R {
    // the wall clock caps the run a little before the limit, leaving time
    // to check and write the plan
    let run = clock::Reproducible::start(opts.time_limit.mul_f64(0.96));
    let nested = run.nested();
    let out = f();
    if !run.finish() && asked && !nested && varies(&out) {
        if let Some(p) = &opts.progress {
            p.note("the machine was slower than the work clock assumes, so the wall clock ended the search: another run may give a different plan");
        }
    }
    out
}

#[cfg(test)]
mod tests;
