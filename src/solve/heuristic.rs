//! The heuristic run: precheck, the destructive bound, the search (with
//! aligned variants for hard on-time limits) beside the bound, and the
//! verified outcome.

use super::bounds;
use super::clock;
use super::instance::Instance;
use super::precheck::{analyse, deadline_refuted, outcome_without_search, refute_any_schedule};
use super::search;
use super::sgs;
use super::{Outcome, Solution, SolveOptions};
use crate::model::{verify::verify, Problem, Time};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Above this many activities the bound thread stops early.
const LARGE_INSTANCE: usize = 5000;

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
    // A bound the caller proved already (the deadline stage's) is not
    // proven again: the destructive bound starts from it.
    let lb = lb.max(opts.known_lower_bound);
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
            return deadline_refuted(d, lb);
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
            return deadline_refuted(d, lb);
        }
    }
    match best {
        Some(c) if c.penalty == 0 => solved(problem, c, lb),
        Some(c) => over_on_time_limits(problem, &c),
        None => run.nothing_found(&shared),
    }
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
                crate::base::fmt_duration(clock::elapsed(started))
            ));
        }
        if why == sgs::OUT_OF_TIME {
            // The limit itself is the caller's to state: this search
            // may have had only a share of it.
            return Outcome::NotFound(format!(
                "the time limit is too short for {} activities: schedule generation had run for {} without finishing one ({} passes restarted for maximum time lags, {} activities placed in the last) when time ran out (before it, {} of analysis and bounds)",
                self.inst.n,
                crate::base::fmt_duration(clock::elapsed(self.search_started)),
                shared.restarts.load(Ordering::Relaxed),
                shared.placed.load(Ordering::Relaxed),
                crate::base::fmt_duration(self.search_started - started)
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
