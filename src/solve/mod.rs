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
//! -> objective -> search; see its doc), the proofs before search
//! ([`diagnose`], [`lower_bound`]: the failure analysis) and the heuristic
//! run (`solve_heuristic`: precheck, bound, search, verify).
//!
//! Modules, one job each:
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
//! - `priority`: priority rules, sampling and list operators;
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
pub mod exact;
mod exact_limits;
#[cfg(test)]
mod exact_limits_tests;
mod instance;
pub mod milp;
mod objective;
mod options;
mod outcome;
pub use options::{Engine, Objective, SolveOptions};
pub use outcome::{CoreReason, Outcome, Solution};
mod portfolio;
pub use objective::{downtime_floor, downtime_proven, pareto, weighted_on_time, ParetoPoint};
mod priority;
mod profile;
mod search;
mod sgs;
pub mod temporal;

pub use temporal::{earliest_starts, latest_starts, time_windows, TimeWindows};

use crate::model::{verify::verify, Problem, Time};
use instance::{Conflict, Instance};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Above this many activities the bound thread stops early.
const LARGE_INSTANCE: usize = 5000;

/// Why a problem has no schedule, when that shows before any search (see
/// [`CoreReason`]); None when it does not (or the problem is malformed).
pub fn diagnose(problem: &Problem) -> Option<CoreReason> {
    temporal::check_structure(problem).ok()?;
    analyse_why(problem).err()
}

/// The analysed problem: instance and lower bound, or a proof that no
/// schedule exists (`Err(reason)`).
fn analyse(problem: &Problem) -> Result<(Instance, Time), String> {
    analyse_why(problem).map_err(|w| w.describe(problem))
}

/// [`analyse`] with the reason kept as data.
fn analyse_why(problem: &Problem) -> Result<(Instance, Time), CoreReason> {
    for a in &problem.activities {
        for d in &a.demands {
            let res = &problem.resources[d.resource];
            if a.duration > 0 && d.amount > res.max_capacity() {
                return Err(CoreReason::Other(format!(
                    "activity {} needs {} of {}, whose capacity is never more than {}",
                    a.name,
                    d.amount,
                    res.name,
                    res.max_capacity().max(0)
                )));
            }
        }
    }
    let window_reason = |inst: Option<&Instance>, j: usize| -> CoreReason {
        let a = &problem.activities[j];
        match (inst, problem.deadline) {
            (Some(inst), _) => {
                let mut intervals = false;
                if a.allowed.is_some() || !a.forbidden.is_empty() {
                    let mut t = inst.es[j];
                    let mut ok = false;
                    while let Some(nt) = inst.fit_intervals(j, t) {
                        if nt == t {
                            ok = nt <= inst.ls[j];
                            break;
                        }
                        t = nt;
                    }
                    intervals = !ok;
                }
                let mut short = Vec::new();
                for &(r, amount) in &inst.demands[j] {
                    let mut t = inst.es[j];
                    // Stop once past the latest start: a capacity that stays
                    // too low for ever would otherwise never let go.
                    while t <= inst.ls[j] {
                        match inst.caps[r].conflict(t, a.duration, amount) {
                            Some(e) => t = e.max(t + 1),
                            None => break,
                        }
                    }
                    if t > inst.ls[j] {
                        short.push((r, amount));
                    }
                }
                CoreReason::NoRoom {
                    activity: j,
                    earliest: inst.es[j],
                    latest: inst.ls[j],
                    intervals,
                    short,
                }
            }
            (None, Some(d)) => match earliest_starts(problem) {
                Ok(es) => CoreReason::TooLate {
                    activity: j,
                    earliest: es[j],
                    deadline: d,
                },
                Err(e) => CoreReason::Other(e),
            },
            (None, None) => {
                CoreReason::Other(format!("activity {} has no feasible start time", a.name))
            }
        }
    };
    let mut inst = Instance::from_problem(problem).map_err(|c| match c {
        Conflict::Cycle(c) => CoreReason::Other(temporal::describe_cycle(problem, &c)),
        Conflict::Window(j) => window_reason(None, j),
    })?;
    inst.tighten_alone().map_err(|c| match c {
        Conflict::Cycle(c) => CoreReason::Other(temporal::describe_cycle(problem, &c)),
        Conflict::Window(j) => window_reason(Some(&inst), j),
    })?;
    for members in components::components(problem) {
        components::refute_cheaply(problem, &members).map_err(CoreReason::Other)?;
    }
    let mut lb = bounds::path_bound(&inst).max(bounds::exclusion_bound(&inst));
    match bounds::energy_bound(&inst) {
        Ok(b) => lb = lb.max(b),
        Err(r) => {
            return Err(CoreReason::Other(format!(
                "resource {} cannot supply the work its activities need: its capacity runs out for good",
                problem.resources[r].name
            )))
        }
    }
    if let Some(d) = problem.deadline {
        if lb > d {
            return Err(CoreReason::Other(format!(
                "the deadline {d} is before the earliest possible end {lb} (critical path and resource work)"
            )));
        }
    }
    Ok((inst, lb))
}

/// A lower bound on the makespan of any schedule (critical path with lags,
/// intervals, resource energy, and destructive improvement for up to a
/// quarter of a second). For a problem without schedules it is
/// whatever could be derived before the contradiction (at least 0).
pub fn lower_bound(problem: &Problem) -> Time {
    if temporal::check_structure(problem).is_err() {
        return 0;
    }
    let started = clock::now();
    match analyse(problem) {
        Ok((inst, lb)) => bounds::destructive(&inst, lb, started + Duration::from_millis(250)),
        Err(_) => earliest_starts(problem)
            .map(|es| problem.makespan(&es))
            .unwrap_or(0),
    }
}

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
/// search (`search_stage`: the portfolio, which proves what it can before
/// searching (precheck), bounds, searches and verifies every schedule). The
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

/// The search stage: the portfolio (`portfolio::solve`: precheck and
/// proofs, bound, heuristic search beside the exact engine, verify), on
/// several threads, or on one thread counting work.
fn search_stage(problem: &Problem, opts: &SolveOptions) -> Outcome {
    if opts.worker_threads() != 1 {
        return portfolio::solve(problem, opts);
    }
    solve_one_thread(problem, opts, true)
}

/// The one-thread solve, counting work (see [`solve`]); `opts` asks for
/// one thread. `asked`: the caller asked for one thread (a reproducible
/// run), so a run the wall clock ended is worth a note.
fn solve_one_thread(problem: &Problem, opts: &SolveOptions, asked: bool) -> Outcome {
    reproducibly(
        opts,
        asked,
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

/// The heuristic search alone (see `portfolio::solve`, which adds the
/// exact engine). A returned schedule always satisfies every constraint (it
/// is re-checked with [`crate::model::verify::verify`]).
pub fn solve_heuristic(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let started = clock::now();
    if let Some(outcome) = outcome_without_search(problem) {
        return outcome;
    }
    let (inst, lb) = match analyse(problem) {
        Ok(x) => x,
        Err(e) => return Outcome::Infeasible(e),
    };
    if let Some(outcome) = refute_any_schedule(problem, &inst, opts, started) {
        return outcome;
    }
    let threads = opts.worker_threads();
    // With one thread the bound is computed first (reproducible runs); with
    // more it goes on beside the search after a short first round.
    let first_round = if threads >= 2 { 0.03 } else { 0.1 };
    let never = AtomicBool::new(false);
    let interrupt: &AtomicBool = opts.stop.as_deref().unwrap_or(&never);
    let lb = bounds::destructive_with(
        &inst,
        lb,
        started + opts.time_limit.mul_f64(first_round),
        interrupt,
        |_| true,
    );
    if let Some(d) = problem.deadline {
        if lb > d {
            return Outcome::Infeasible(format!(
                "no schedule ends by the deadline {d}: resource capacities and time lags need at least {lb}"
            ));
        }
    }
    let budget = opts.time_limit.mul_f64(0.93);
    let feeders: Vec<Vec<usize>> = problem
        .limits
        .iter()
        .filter(|l| l.max_on.is_some())
        .map(|l| search::feeders(problem, l.signal))
        .filter(|f| f.len() > 1)
        .collect();
    let shared = search::Shared {
        best: AtomicI64::new(Time::MAX),
        lower: AtomicI64::new(lb),
        stop: Arc::new(AtomicBool::new(false)),
        interrupt: opts.stop.clone(),
        failure: std::sync::Mutex::new(""),
        placed: AtomicUsize::new(0),
        restarts: AtomicUsize::new(0),
        progress: opts.progress.clone(),
    };
    let run = HeuristicRun {
        problem,
        inst: &inst,
        lb,
        opts,
        feeders,
        threads,
        started,
        budget,
        deadline: started + budget,
        search_started: clock::now(),
    };
    let candidates = run.search_beside_bound(&shared);
    let lb = lb.max(shared.lower.load(Ordering::Relaxed));
    let best = candidates.into_iter().min_by_key(|c| c.key());
    if let Some(d) = problem.deadline {
        if lb > d && best.as_ref().is_none_or(|c| c.penalty > 0) {
            return Outcome::Infeasible(format!(
                "no schedule ends by the deadline {d}: resource capacities and time lags need at least {lb}"
            ));
        }
    }
    match best {
        Some(c) if c.penalty == 0 => solved(problem, c, lb),
        Some(c) => over_on_time_limits(problem, &c),
        None => run.nothing_found(&shared),
    }
}

/// The outcome when there is nothing to search: an invalid problem, or
/// one without activities. `None`: search.
fn outcome_without_search(problem: &Problem) -> Option<Outcome> {
    if let Err(e) = temporal::check_structure(problem) {
        return Some(Outcome::NotFound(format!("invalid problem: {e}")));
    }
    if problem.activities.is_empty() {
        let starts = Vec::new();
        if verify(problem, &starts).is_empty() {
            return Some(Outcome::Solved(Solution {
                starts,
                makespan: 0,
                lower_bound: 0,
            }));
        }
        return Some(Outcome::Infeasible("an on-time limit cannot be met".into()));
    }
    None
}

/// `Infeasible` when a quick bound refutes every schedule, so that the
/// search is not run in vain. With a deadline that is the question whether
/// the deadline is refuted; without one it is asked at the horizon, beyond
/// which nothing changes when nothing depends on time (a feasible
/// RCPSP/max instance has a schedule within the sum over activities of
/// the larger of duration and outgoing lags, which the horizon exceeds).
fn refute_any_schedule(
    problem: &Problem,
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
) -> Option<Outcome> {
    let time_invariant = temporal::proof_horizon(problem).is_some();
    if problem.deadline.is_some() || time_invariant {
        let end = inst.latest_end();
        if bounds::refuted_or_abort(
            inst,
            end,
            started + opts.time_limit.mul_f64(0.05),
            opts.stop.as_deref().unwrap_or(&AtomicBool::new(false)),
        ) {
            return Some(Outcome::Infeasible(match problem.deadline {
                Some(d) => format!(
                    "no schedule ends by the deadline {d}: the resource capacities and time lags cannot all be met before it"
                ),
                None => "no schedule exists: the maximum time lags cannot be met together with the resource capacities".into(),
            }));
        }
    }
    None
}

/// The best schedule within every limit, re-checked with `verify`, as the
/// outcome (a schedule failing it is an internal error).
fn solved(problem: &Problem, c: search::Cand, lb: Time) -> Outcome {
    let errs = verify(problem, &c.starts);
    debug_assert!(
        errs.is_empty(),
        "solver produced an invalid schedule: {errs:?}"
    );
    if !errs.is_empty() {
        return Outcome::NotFound(format!(
            "internal error: the best schedule failed verification: {}",
            errs.join("; ")
        ));
    }
    let makespan = problem.makespan(&c.starts);
    debug_assert!(lb <= makespan, "bound {lb} above a schedule of {makespan}");
    Outcome::Solved(Solution {
        makespan,
        starts: c.starts,
        lower_bound: lb.min(makespan),
    })
}

/// The outcome when the best schedule breaks on-time limits: which ones,
/// and by how much.
fn over_on_time_limits(problem: &Problem, c: &search::Cand) -> Outcome {
    let on = crate::model::signal::on_time(problem, &c.starts);
    let over: Vec<String> = problem
        .limits
        .iter()
        .zip(on)
        .filter_map(|(l, o)| {
            l.max_on
                .filter(|&m| o > m)
                .map(|m| format!("{} (limit {} minutes, best found {} minutes)", l.name, m, o))
        })
        .collect();
    Outcome::NotFound(format!(
        "every schedule found breaks the on-time limit of {}",
        over.join(", ")
    ))
}

/// One heuristic search: what its phases share and their time budget.
struct HeuristicRun<'a> {
    problem: &'a Problem,
    inst: &'a Instance,
    /// Lower bound after the first round of the destructive bound.
    lb: Time,
    opts: &'a SolveOptions,
    /// Activities feeding each hard on-time limit.
    feeders: Vec<Vec<usize>>,
    threads: usize,
    started: Instant,
    /// The share of the time limit given to the search.
    budget: Duration,
    deadline: Instant,
    search_started: Instant,
}

impl HeuristicRun<'_> {
    /// The search's candidates; with two threads or more the destructive
    /// bound goes on beside it on another thread, raising `shared.lower`.
    fn search_beside_bound(&self, shared: &search::Shared) -> Vec<search::Cand> {
        let search_done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            if self.threads >= 2 {
                let (inst, lb, search_done) = (self.inst, self.lb, &search_done);
                // On large instances the bound thread takes a core from the
                // search for little gain: give it a quarter of the time.
                let bound_until = if inst.n > LARGE_INSTANCE {
                    self.started + self.budget / 4
                } else {
                    self.deadline
                };
                scope.spawn(move || {
                    bounds::destructive_with(inst, lb, bound_until, search_done, |t| {
                        shared.bound(t)
                    });
                });
            }
            let candidates = self.search_phases(shared);
            search_done.store(true, Ordering::Relaxed);
            candidates
        })
    }

    /// The search on the problem as it is; with on-time limits, when that
    /// finds nothing within them, on variants in which the outages feeding
    /// a limit are aligned, then on the problem again.
    fn search_phases(&self, shared: &search::Shared) -> Vec<search::Cand> {
        let (problem, opts, deadline) = (self.problem, self.opts, self.deadline);
        let mut candidates: Vec<search::Cand> = Vec::new();
        let hard_limits = problem.limits.iter().any(|l| l.max_on.is_some());
        if !hard_limits {
            candidates.extend(self.search_until(deadline, opts.seed, shared));
            return candidates;
        }
        candidates.extend(self.search_until(
            self.started + self.budget.mul_f64(0.35),
            opts.seed,
            shared,
        ));
        let feasible = candidates.iter().any(|c| c.penalty == 0);
        if !feasible && !shared.stopped() {
            let variants = aligned_variants(problem, self.inst);
            let share = self.budget.mul_f64(0.45 / variants.len().max(1) as f64);
            for (k, v) in variants.iter().enumerate() {
                let setup = search::Setup {
                    problem,
                    inst: v,
                    lower_bound: self.lb,
                    deadline: (clock::now() + share).min(deadline),
                    max_schedules: opts.max_schedules,
                    feeders: self.feeders.clone(),
                };
                candidates.extend(run_search(
                    &setup,
                    shared,
                    opts.seed.wrapping_add(k as u64 + 1),
                    self.threads,
                ));
                if shared.stopped() {
                    break;
                }
            }
        }
        if !shared.stopped() {
            candidates.extend(self.search_until(deadline, opts.seed.wrapping_add(100), shared));
        }
        candidates
    }

    /// The search on the problem as it is, until `until`.
    fn search_until(
        &self,
        until: Instant,
        seed: u64,
        shared: &search::Shared,
    ) -> Option<search::Cand> {
        let setup = search::Setup {
            problem: self.problem,
            inst: self.inst,
            lower_bound: self.lb,
            deadline: until,
            max_schedules: self.opts.max_schedules,
            feeders: self.feeders.clone(),
        };
        run_search(&setup, shared, seed, self.threads)
    }

    /// The outcome when the search found no schedule at all: stopped, out
    /// of time in the middle of schedule generation, or why it failed.
    fn nothing_found(&self, shared: &search::Shared) -> Outcome {
        let started = self.started;
        let why = shared.failure.lock().map(|f| *f).unwrap_or("");
        if self
            .opts
            .stop
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
        {
            return Outcome::NotFound(format!(
                "stopped before any schedule was found (after {})",
                clock::fmt_duration(clock::elapsed(started))
            ));
        }
        if why == sgs::OUT_OF_TIME {
            // The limit itself is the caller's to state: this search
            // may have had only a share of it.
            return Outcome::NotFound(format!(
                "the time limit is too short for {} activities: schedule generation had run for {} without finishing one ({} passes restarted for maximum time lags, {} activities placed in the last) when time ran out (before it, {} of analysis and bounds)",
                self.inst.n,
                clock::fmt_duration(clock::elapsed(self.search_started)),
                shared.restarts.load(Ordering::Relaxed),
                shared.placed.load(Ordering::Relaxed),
                clock::fmt_duration(self.search_started - started)
            ));
        }
        let why = if why.is_empty() {
            "time lags, intervals and resources are too tight for the heuristics"
        } else {
            why
        };
        Outcome::NotFound(why.to_string())
    }
}

/// Runs the search workers on one instance; the best schedule found.
fn run_search(
    setup: &search::Setup,
    shared: &search::Shared,
    seed: u64,
    threads: usize,
) -> Option<search::Cand> {
    let results: Vec<Option<search::Cand>> = if threads <= 1 {
        vec![search::run_worker(setup, shared, seed, 0)]
    } else {
        use rayon::prelude::*;
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(|| {
                (0..threads)
                    .into_par_iter()
                    .map(|k| search::run_worker(setup, shared, seed, k))
                    .collect()
            }),
            Err(_) => vec![search::run_worker(setup, shared, seed, 0)],
        }
    };
    // ties go to the lowest worker index: deterministic given the results
    results.into_iter().flatten().min_by_key(|c| c.key())
}

/// Instances with extra lags that align the outages feeding each hard
/// on-time limit: either nested inside the longest of them, or all within a
/// window of the limit's length around it (all limits together, then each
/// limit alone, at most a few).
fn aligned_variants(problem: &Problem, inst: &Instance) -> Vec<Instance> {
    let groups: Vec<(Vec<usize>, Time)> = problem
        .limits
        .iter()
        .filter(|l| l.max_on.is_some())
        .map(|l| {
            let g = search::direct_feeders(problem, l.signal)
                .into_iter()
                .filter(|&a| inst.dur[a] > 0)
                .collect::<Vec<_>>();
            (g, l.max_on.unwrap_or(0))
        })
        .filter(|(g, _)| g.len() > 1)
        .collect();
    // The anchor of a group: its largest set of activities that cannot
    // overlap one another (they share a capacity-1 resource or are linked by
    // a precedence), in earliest-start order. Nesting the others inside the
    // anchor's span keeps the union as short as the anchor itself.
    let anchor_of = |g: &[usize]| -> Vec<usize> {
        let mut comp: Vec<usize> = (0..g.len()).collect();
        fn root(c: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while c[r] != r {
                r = c[r];
            }
            c[i] = r;
            r
        }
        let serial = |a: usize, b: usize| {
            problem
                .precedences
                .iter()
                .any(|p| (p.from == a && p.to == b) || (p.from == b && p.to == a))
                || problem.activities[a].demands.iter().any(|d| {
                    problem.resources[d.resource].max_capacity() == 1
                        && problem.activities[b]
                            .demands
                            .iter()
                            .any(|e| e.resource == d.resource)
                })
        };
        for i in 0..g.len() {
            for j in i + 1..g.len() {
                if serial(g[i], g[j]) {
                    let (ri, rj) = (root(&mut comp, i), root(&mut comp, j));
                    comp[ri] = rj;
                }
            }
        }
        let mut best: Vec<usize> = Vec::new();
        let weight = |v: &[usize]| v.iter().map(|&a| inst.dur[a]).sum::<Time>();
        for r in 0..g.len() {
            let members: Vec<usize> = (0..g.len())
                .filter(|&i| root(&mut comp, i) == r)
                .map(|i| g[i])
                .collect();
            if weight(&members) > weight(&best) {
                best = members;
            }
        }
        best.sort_by_key(|&a| (inst.es[a], a));
        best
    };
    // window = false: nest in the anchor's span; true: within `max_on` around it
    let arcs_for = |g: &[usize], max_on: Time, window: bool| -> Vec<(usize, usize, Time)> {
        let anchor = anchor_of(g);
        let (first, last) = (anchor[0], anchor[anchor.len() - 1]);
        let span: Time = anchor.iter().map(|&a| inst.dur[a]).sum();
        let slack = if window { (max_on - span).max(0) } else { 0 };
        let before = slack / 2;
        let after = slack - before;
        // The anchor back to back, in its order.
        let chain = anchor.windows(2).map(|w| (w[0], w[1], inst.dur[w[0]]));
        let nested = g.iter().filter(|b| !anchor.contains(b)).flat_map(|&b| {
            [
                (first, b, -before),
                (b, last, inst.dur[b] - inst.dur[last] - after),
            ]
        });
        chain.chain(nested).collect()
    };
    let mut out = Vec::new();
    for window in [false, true] {
        if window
            && groups
                .iter()
                .all(|(g, m)| *m <= g.iter().map(|&a| inst.dur[a]).max().unwrap_or(0))
        {
            continue;
        }
        if groups.len() > 1 {
            let all: Vec<_> = groups
                .iter()
                .flat_map(|(g, m)| arcs_for(g, *m, window))
                .collect();
            if let Ok(v) = inst.with_arcs(&all) {
                out.push(v);
            }
        }
        for (g, m) in groups.iter().take(3) {
            if let Ok(v) = inst.with_arcs(&arcs_for(g, *m, window)) {
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
