//! Exact search on the core [`Problem`] with the pumpkin lazy-clause-generation
//! solver: proves optimality where it fits in the time budget and otherwise
//! raises the proven lower bound.
//!
//! Model (one integer start variable per activity, a makespan variable `M`):
//!
//! - domains `[earliest start, latest start]` from releases, time lags and
//!   the makespan upper bound (deadline, or incumbent − 1: only improvements
//!   are searched, so "no solution" proves the incumbent optimal);
//! - precedences `S[to] − S[from] ≥ lag` as linear inequalities;
//! - `M ≥ S[i] + d[i]`;
//! - one cumulative per resource; a capacity profile becomes a constant
//!   capacity (its maximum) plus fixed dummy tasks occupying the missing
//!   capacity over time;
//! - exclusion groups: for each pair of activities of different sides,
//!   `i before j ∨ j before i` with half-reified inequalities;
//! - allowed / forbidden intervals: the start values that would break them are
//!   cut out of the domain with clauses `S ≤ a−1 ∨ S ≥ b+1`.
//!
//! Hard on-time limits (signals: service downtime with `max_downtime`,
//! through outages, integrations, `any` groups and their switchover
//! minutes) are modelled minute by minute ([`super::exact_limits`]) when the
//! horizon × signals fits; the model is then exact. When it does not fit,
//! the model is a relaxation: its "no solution" answers remain proofs (of
//! bounds, of infeasibility) and its schedules are used only when they pass
//! [`verify`](crate::model::verify::verify).
//!
//! Search (default [`Strategy::Hybrid`]): alternating, with doubling time
//! slices, an improvement step (find a schedule with `M ≤ best − 1`, made
//! permanent) and a bound probe (is there a schedule with `M ≤ lb`? if not,
//! `M ≥ lb + 1` is added permanently). Learned clauses are shared by both.
//! Tuning ([`ExactOptions::for_problem`]): with maximum time lags,
//! schedules are searched for by placing the activity with the smallest
//! earliest start there (a schedule generation scheme, which finds good
//! schedules where VSIDS wanders: 125 against 165 on a generated
//! 100-activity RCPSP/max instance in 2 s, CP-SAT 124) and bounds probed
//! with VSIDS; likewise beside a heuristic search; alone on a problem
//! without maximum lags, VSIDS throughout.
//!
//! Without a deadline or a schedule to beat, on a problem where nothing
//! depends on time, the search range ends at
//! [`temporal::proof_horizon`], so "no schedule in the range" proves that
//! no schedule exists (RCPSP/max infeasibility).

//!
//! Files, one job each: this one holds the entry ([`solve_exact`],
//! [`solve_exact_with`]), the options and results, and the answers found
//! without search; `model` builds the constraint model (variables and
//! constraints: the constructor); `search` runs the solver on it over the
//! makespan range (improvement runs, bound probes, what a run concludes).
//! The hard on-time limits' encoding is `super::exact_limits`.

mod model;
mod search;

use super::clock;
use crate::model::verify::verify;
use crate::model::{Problem, Starts, Time};
use crate::solve::temporal;
use search::{Ends, RangeSearch};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the exact search shares with whatever runs beside it: a stop
/// request, the best makespan known elsewhere (a heuristic search on another
/// thread), and, back, every bound it proves and schedule it finds.
pub trait Link: Sync {
    /// Stop now (Ctrl-C, or another engine closed the gap).
    fn stop(&self) -> bool;
    /// The best makespan of a schedule known elsewhere (`Time::MAX`: none).
    fn upper(&self) -> Time {
        Time::MAX
    }
    /// The best lower bound proven elsewhere (no schedule below it).
    fn lower(&self) -> Time {
        Time::MIN
    }
    /// No schedule has a makespan below `t`.
    fn bound(&self, _t: Time) {}
    /// A verified schedule, better than any this search found before.
    fn found(&self, _starts: &[Time]) {}
}

/// The exact search on its own, obeying only a stop flag (or none).
pub struct Alone<'a>(pub Option<&'a AtomicBool>);

impl Link for Alone<'_> {
    fn stop(&self) -> bool {
        self.0.is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// What the exact search established.
#[derive(Debug, Clone, PartialEq)]
pub enum ExactResult {
    /// Proven optimal: no schedule has a smaller makespan. `starts` is the
    /// incumbent when the search proved it optimal without finding better.
    Optimal {
        /// An optimal schedule.
        starts: Starts,
        /// Its makespan, in minutes.
        makespan: Time,
    },
    /// Not proven. `starts`/`makespan`: a schedule better than the incumbent
    /// when one was found; `lower_bound`: the proven bound (at least the one
    /// given, never above the best known makespan).
    Bounds {
        /// A schedule better than the incumbent, when one was found.
        starts: Option<Starts>,
        /// Its makespan, in minutes.
        makespan: Option<Time>,
        /// The proven lower bound on the makespan, in minutes.
        lower_bound: Time,
    },
    /// Proven: no schedule exists (with the reason in words).
    Infeasible(String),
}

impl ExactResult {
    /// Whether the makespan is proven optimal.
    pub fn is_optimal(&self) -> bool {
        matches!(self, ExactResult::Optimal { .. })
    }
    /// The proven lower bound (`None` when infeasible).
    pub fn lower_bound(&self) -> Option<Time> {
        match self {
            ExactResult::Optimal { makespan, .. } => Some(*makespan),
            ExactResult::Bounds { lower_bound, .. } => Some(*lower_bound),
            ExactResult::Infeasible(_) => None,
        }
    }
    /// The schedule found by the exact search, if any (for `Optimal` possibly
    /// the incumbent).
    pub fn starts(&self) -> Option<&[Time]> {
        match self {
            ExactResult::Optimal { starts, .. } => Some(starts),
            ExactResult::Bounds { starts, .. } => starts.as_deref(),
            ExactResult::Infeasible(_) => None,
        }
    }
}

/// How the makespan is optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Improve from above until "no better schedule" (LinearSatUnsat).
    SatUnsat,
    /// Probe from the lower bound upward until a schedule (LinearUnsatSat).
    UnsatSat,
    /// Both, alternating with doubling time slices, one shared solver.
    Hybrid,
}

/// Branching heuristic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branching {
    /// Pumpkin's default: VSIDS with solution-guided phases.
    Vsids,
    /// Activity with the smallest earliest start at that start (a schedule
    /// generation scheme), with restarts and learning.
    SmallestStart,
    /// `SmallestStart` to find schedules, `Vsids` for the bound probes.
    Mixed,
}

/// Tuning of [`solve_exact_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactOptions {
    /// How the makespan is optimised (see [`Strategy`]).
    pub strategy: Strategy,
    /// Which activity to branch on first (see [`Branching`]).
    pub branching: Branching,
}

impl ExactOptions {
    /// The options that did best on each kind of problem (measured on
    /// generated PSPLIB and RCPSP/max sets, see BENCHMARKS.md): with
    /// maximum time lags, or beside a heuristic search, [`Branching::Mixed`]
    /// (with maximum lags finding schedules is the hard part; on j30 beside
    /// the search it proved as many as VSIDS or more); alone on a problem
    /// without them, VSIDS, which improves incumbents best (docs/exact.md).
    pub fn for_problem(problem: &Problem, beside_a_search: bool) -> ExactOptions {
        let max_lags = problem.precedences.iter().any(|p| p.lag < 0);
        ExactOptions {
            strategy: Strategy::Hybrid,
            branching: if max_lags || beside_a_search {
                Branching::Mixed
            } else {
                Branching::Vsids
            },
        }
    }
}

impl Default for ExactOptions {
    fn default() -> Self {
        ExactOptions {
            strategy: Strategy::Hybrid,
            branching: Branching::Vsids,
        }
    }
}

/// Exact search with the default options. `incumbent`: a schedule to beat
/// (ignored unless it passes `verify`); `lower_bound`: a known valid bound
/// (e.g. [`crate::solve::lower_bound`]).
pub fn solve_exact(
    problem: &Problem,
    incumbent: Option<&[Time]>,
    lower_bound: Time,
    time_limit: Duration,
    link: &dyn Link,
) -> ExactResult {
    solve_exact_with(
        problem,
        incumbent,
        lower_bound,
        time_limit,
        &ExactOptions::default(),
        link,
    )
}

/// Largest absolute time the model accepts (pumpkin works in `i32`).
const MAX_TIME: Time = 1 << 28;

/// Exact search with explicit options. When the link knows a better
/// makespan than the incumbent, only schedules below it are searched; an
/// empty range then proves a bound (the link's schedule is optimal), which
/// is returned as `Bounds`, since that schedule is not this search's.
pub fn solve_exact_with(
    problem: &Problem,
    incumbent: Option<&[Time]>,
    lower_bound: Time,
    time_limit: Duration,
    opts: &ExactOptions,
    link: &dyn Link,
) -> ExactResult {
    let started = clock::now();
    let incumbent: Option<(Starts, Time)> = incumbent
        .filter(|s| verify(problem, s).is_empty())
        .map(|s| (s.to_vec(), problem.makespan(s)));
    let lb0 = lower_bound.max(0);
    if let Some(answer) = answer_without_search(problem, incumbent.as_ref(), lb0) {
        return answer;
    }
    let es = match temporal::earliest_starts(problem) {
        Ok(es) => es,
        Err(e) => return ExactResult::Infeasible(e),
    };
    let (ub, kind) = search_range(problem, incumbent.as_ref(), &es);
    let cp = problem.makespan(&es);
    let lb = lb0.max(cp);
    let ends = Ends {
        problem,
        incumbent: incumbent.as_ref(),
        kind,
        link,
    };
    if lb > ub {
        return ends.empty(ub + 1);
    }
    if ub.abs() > MAX_TIME
        || es.iter().any(|t| t.abs() > MAX_TIME)
        || problem.activities.iter().any(|a| a.duration > MAX_TIME)
    {
        return bounds_only(lb.min(incumbent.as_ref().map_or(Time::MAX, |i| i.1)));
    }
    // Hard on-time limits too large to model: schedules must be verified,
    // and one that fails cannot tighten the upper bound.
    let relaxed = !super::exact_limits::encodable(problem, &es, ub);
    RangeSearch {
        ends,
        es: &es,
        opts,
        deadline: started + time_limit,
        lb,
        ub,
        external: false,
        best: None,
        up_done: relaxed || opts.strategy == Strategy::UnsatSat,
        down_done: opts.strategy == Strategy::SatUnsat,
        slice: Duration::from_millis(100),
    }
    .run()
}

/// "Nothing new": no schedule, only the proven lower bound `lb`.
fn bounds_only(lb: Time) -> ExactResult {
    ExactResult::Bounds {
        starts: None,
        makespan: None,
        lower_bound: lb,
    }
}

/// The answer when no search is needed or possible: an invalid problem
/// (bad indices, negative durations: nothing new), a problem without
/// activities, or a demand above its resource's largest capacity (no
/// schedule at all). `None`: search.
fn answer_without_search(
    problem: &Problem,
    incumbent: Option<&(Starts, Time)>,
    lb0: Time,
) -> Option<ExactResult> {
    if temporal::check_structure(problem).is_err()
        || problem.activities.iter().any(|a| a.duration < 0)
    {
        return Some(bounds_only(lb0.min(incumbent.map_or(Time::MAX, |i| i.1))));
    }
    if problem.activities.is_empty() {
        return Some(match incumbent {
            Some((s, m)) => ExactResult::Optimal {
                starts: s.clone(),
                makespan: *m,
            },
            None if verify(problem, &[]).is_empty() => ExactResult::Optimal {
                starts: vec![],
                makespan: 0,
            },
            None => ExactResult::Infeasible("an on-time limit cannot be met".into()),
        });
    }
    for a in &problem.activities {
        for d in &a.demands {
            if a.duration > 0 && d.amount > problem.resources[d.resource].max_capacity() {
                return Some(ExactResult::Infeasible(format!(
                    "activity {} needs {} of {}, whose capacity is never more than {}",
                    a.name,
                    d.amount,
                    problem.resources[d.resource].name,
                    problem.resources[d.resource].max_capacity().max(0)
                )));
            }
        }
    }
    None
}

/// The upper end of the makespan range searched, `[lb, ub]`, and what
/// "no schedule in the range" then means.
fn search_range(
    problem: &Problem,
    incumbent: Option<&(Starts, Time)>,
    es: &[Time],
) -> (Time, Proof) {
    let horizon_guess = horizon_guess(problem, es);
    match (incumbent, problem.deadline) {
        (Some((_, m)), Some(d)) => ((m - 1).min(d), Proof::IncumbentOptimal),
        (Some((_, m)), None) => (m - 1, Proof::IncumbentOptimal),
        (None, Some(d)) => (d, Proof::Infeasible),
        // nothing depends on time: no schedule by the proof horizon means
        // no schedule at all. Not with hard on-time limits: the model may
        // encode them, and a schedule meeting them may need gaps (an async
        // consumer's tolerance) that the horizon does not allow for.
        (None, None) => match temporal::proof_horizon(problem)
            .filter(|_| !problem.limits.iter().any(|l| l.max_on.is_some()))
        {
            Some(h) => (h, Proof::Infeasible),
            None => (horizon_guess, Proof::BoundAbove),
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// The range was "better than the incumbent".
    IncumbentOptimal,
    /// The range was "by the deadline".
    Infeasible,
    /// The range was a guessed horizon: empty means a bound only.
    BoundAbove,
}

/// A horizon within which a schedule probably exists when there is no
/// deadline and no incumbent (all activities one after another after every
/// release, lag, capacity step and interval).
fn horizon_guess(problem: &Problem, es: &[Time]) -> Time {
    let mut base: Time = es.iter().copied().max().unwrap_or(0).max(0);
    for a in &problem.activities {
        if let Some(al) = &a.allowed {
            base = base.max(al.iter().map(|i| i.start).max().unwrap_or(0));
        }
        base = base.max(a.forbidden.iter().map(|i| i.end).max().unwrap_or(0));
    }
    for r in &problem.resources {
        base = base.max(r.steps.last().map_or(0, |s| s.0));
    }
    base + problem.activities.iter().map(|a| a.duration).sum::<Time>()
        + problem
            .precedences
            .iter()
            .map(|p| p.lag.max(0))
            .sum::<Time>()
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests;
