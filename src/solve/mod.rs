//! The solver on the core [`Problem`]: bounds, schedule generation, search.
//! It knows nothing of inventories.
//!
//! - [`temporal`]: longest paths on the time-lag graph, positive cycles,
//!   earliest / latest starts ([`time_windows`]);
//! - [`bounds`]: critical-path and energy lower bounds ([`lower_bound`]);
//! - `instance`: the solver's flat form of a problem and its time mirror;
//! - `profile`: resource usage timelines;
//! - `sgs`: serial schedule generation with unscheduling for max lags;
//! - `priority`: priority rules, sampling and list operators;
//! - `search`: forward–backward improvement and the genetic search.

pub mod bounds;
pub mod exact;
mod instance;
pub mod milp;
mod priority;
mod profile;
mod rng;
mod search;
mod sgs;
pub mod temporal;

pub use temporal::{earliest_starts, latest_starts, time_windows, TimeWindows};

use crate::model::{verify::verify, Problem, Starts, Time};
use instance::{Conflict, Instance};
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::time::{Duration, Instant};

/// How long and how to search.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    pub time_limit: Duration,
    pub seed: u64,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Schedules generated per worker before stopping (0 = no limit). With
    /// one thread and a limit that is reached before the time limit, the
    /// result depends only on the seed.
    pub max_schedules: u64,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(5),
            seed: 1,
            threads: 0,
            max_schedules: 0,
        }
    }
}

/// A schedule found by the solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub starts: Starts,
    pub makespan: Time,
    /// No schedule can have a smaller makespan.
    pub lower_bound: Time,
}

impl Solution {
    pub fn is_optimal(&self) -> bool {
        self.lower_bound >= self.makespan
    }
}

/// What the solver concluded.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A schedule that satisfies every constraint.
    Solved(Solution),
    /// Proven: no schedule exists, with the reason in words.
    Infeasible(String),
    /// None found within the limits, but not proven impossible.
    NotFound(String),
}

/// The analysed problem: instance and lower bound, or a proof that no
/// schedule exists (`Err(reason)`).
fn analyse(problem: &Problem) -> Result<(Instance, Time), String> {
    for a in &problem.activities {
        for d in &a.demands {
            let res = &problem.resources[d.resource];
            if a.duration > 0 && d.amount > res.max_capacity() {
                return Err(format!(
                    "activity {} needs {} of {}, whose capacity is never more than {}",
                    a.name,
                    d.amount,
                    res.name,
                    res.max_capacity().max(0)
                ));
            }
        }
    }
    let window_reason = |inst: Option<&Instance>, j: usize| -> String {
        let a = &problem.activities[j];
        match (inst, problem.deadline) {
            (Some(inst), _) => {
                let mut why = Vec::new();
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
                    if !ok {
                        why.push("fits in none of its allowed intervals (given its forbidden intervals)".to_string());
                    }
                }
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
                        why.push(format!(
                            "never has {} of {} free for {} minutes",
                            amount, problem.resources[r].name, a.duration
                        ));
                    }
                }
                if why.is_empty() {
                    why.push("fits no time allowed by its intervals and resource capacities".into());
                }
                format!(
                    "activity {} {} between minute {} and its latest start {}",
                    a.name,
                    why.join(" and "),
                    inst.es[j],
                    inst.ls[j]
                )
            }
            (None, Some(d)) => match earliest_starts(problem) {
                Ok(es) => format!(
                    "activity {} cannot start before minute {} (releases and time lags), so it cannot end by the deadline {}",
                    a.name, es[j], d
                ),
                Err(e) => e,
            },
            (None, None) => format!("activity {} has no feasible start time", a.name),
        }
    };
    let mut inst = Instance::from_problem(problem).map_err(|c| match c {
        Conflict::Cycle(c) => temporal::describe_cycle(problem, &c),
        Conflict::Window(j) => window_reason(None, j),
    })?;
    inst.tighten_alone().map_err(|c| match c {
        Conflict::Cycle(c) => temporal::describe_cycle(problem, &c),
        Conflict::Window(j) => window_reason(Some(&inst), j),
    })?;
    let mut lb = bounds::path_bound(&inst);
    match bounds::energy_bound(&inst) {
        Ok(b) => lb = lb.max(b),
        Err(r) => {
            return Err(format!(
                "resource {} cannot supply the work its activities need: its capacity runs out for good",
                problem.resources[r].name
            ))
        }
    }
    if let Some(d) = problem.deadline {
        if lb > d {
            return Err(format!(
                "the deadline {d} is before the earliest possible end {lb} (critical path and resource work)"
            ));
        }
    }
    Ok((inst, lb))
}

/// A lower bound on the makespan of any schedule (critical path with lags,
/// intervals, and resource energy). For a problem without schedules it is
/// whatever could be derived before the contradiction (at least 0).
pub fn lower_bound(problem: &Problem) -> Time {
    if temporal::check_structure(problem).is_err() {
        return 0;
    }
    match analyse(problem) {
        Ok((_, lb)) => lb,
        Err(_) => earliest_starts(problem)
            .map(|es| problem.makespan(&es))
            .unwrap_or(0),
    }
}

/// Solves a problem within the options' limits. A returned schedule always
/// satisfies every constraint (it is re-checked with
/// [`verify`](crate::model::verify::verify)).
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Outcome {
    let started = Instant::now();
    if let Err(e) = temporal::check_structure(problem) {
        return Outcome::NotFound(format!("invalid problem: {e}"));
    }
    if problem.activities.is_empty() {
        let starts = Vec::new();
        if verify(problem, &starts).is_empty() {
            return Outcome::Solved(Solution {
                starts,
                makespan: 0,
                lower_bound: 0,
            });
        }
        return Outcome::Infeasible("an on-time limit cannot be met".into());
    }
    let (inst, lb) = match analyse(problem) {
        Ok(x) => x,
        Err(e) => return Outcome::Infeasible(e),
    };
    let budget = opts.time_limit.mul_f64(0.93);
    let deadline = started + budget;
    let feeders: Vec<Vec<usize>> = problem
        .limits
        .iter()
        .filter(|l| l.max_on.is_some())
        .map(|l| search::feeders(problem, l.signal))
        .filter(|f| f.len() > 1)
        .collect();
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let shared = search::Shared {
        best: AtomicI64::new(Time::MAX),
        stop: AtomicBool::new(false),
    };
    let mut candidates: Vec<search::Cand> = Vec::new();
    // On-time limits: first search variants in which the activities feeding
    // a limit run nested inside the longest of them (aligned outages).
    let variants = aligned_variants(problem, &inst);
    if !variants.is_empty() {
        let share = budget.mul_f64(0.5 / variants.len() as f64);
        for (k, v) in variants.iter().enumerate() {
            let setup = search::Setup {
                problem,
                inst: v,
                lower_bound: lb,
                deadline: (Instant::now() + share).min(deadline),
                max_schedules: opts.max_schedules,
                feeders: feeders.clone(),
            };
            candidates.extend(run_search(
                &setup,
                &shared,
                opts.seed.wrapping_add(k as u64 + 1),
                threads,
            ));
            if shared.stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
        }
    }
    if !shared.stop.load(std::sync::atomic::Ordering::Relaxed) {
        let setup = search::Setup {
            problem,
            inst: &inst,
            lower_bound: lb,
            deadline,
            max_schedules: opts.max_schedules,
            feeders,
        };
        candidates.extend(run_search(&setup, &shared, opts.seed, threads));
    }
    let best = candidates.into_iter().min_by_key(|c| c.key());
    match best {
        Some(c) if c.penalty == 0 => {
            let errs = verify(problem, &c.starts);
            debug_assert!(errs.is_empty(), "solver produced an invalid schedule: {errs:?}");
            if !errs.is_empty() {
                return Outcome::NotFound(format!(
                    "internal error: the best schedule failed verification: {}",
                    errs.join("; ")
                ));
            }
            Outcome::Solved(Solution {
                makespan: problem.makespan(&c.starts),
                starts: c.starts,
                lower_bound: lb,
            })
        }
        Some(c) => {
            let on = crate::model::signal::on_time(problem, &c.starts);
            let over: Vec<String> = problem
                .limits
                .iter()
                .zip(on)
                .filter_map(|(l, o)| {
                    l.max_on.filter(|&m| o > m).map(|m| {
                        format!("{} (limit {} minutes, best found {} minutes)", l.name, m, o)
                    })
                })
                .collect();
            Outcome::NotFound(format!(
                "no schedule found that keeps within the on-time limit of {}",
                over.join(", ")
            ))
        }
        None => Outcome::NotFound(
            "no schedule found within the limits: generation failed (time lags, intervals and resources are too tight for the heuristics)".into(),
        ),
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

/// Instances with extra lags that nest the outages feeding each hard
/// on-time limit inside the longest of them: all limits together, then
/// each limit alone (at most a few).
fn aligned_variants(problem: &Problem, inst: &Instance) -> Vec<Instance> {
    let groups: Vec<Vec<usize>> = problem
        .limits
        .iter()
        .filter(|l| l.max_on.is_some() && search::monotone_union(problem, l.signal))
        .map(|l| {
            search::feeders(problem, l.signal)
                .into_iter()
                .filter(|&a| inst.dur[a] > 0)
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() > 1)
        .collect();
    let arcs_for = |g: &[usize]| -> Vec<(usize, usize, Time)> {
        let long = *g
            .iter()
            .max_by_key(|&&a| (inst.dur[a], std::cmp::Reverse(a)))
            .expect("non-empty");
        g.iter()
            .filter(|&&b| b != long)
            .flat_map(|&b| [(long, b, 0), (b, long, inst.dur[b] - inst.dur[long])])
            .collect()
    };
    let mut out = Vec::new();
    if groups.len() > 1 {
        let all: Vec<_> = groups.iter().flat_map(|g| arcs_for(g)).collect();
        if let Ok(v) = inst.with_arcs(&all) {
            out.push(v);
        }
    }
    for g in groups.iter().take(3) {
        if let Ok(v) = inst.with_arcs(&arcs_for(g)) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod bench_tests;
#[cfg(test)]
mod tests;
