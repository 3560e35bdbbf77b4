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

use super::clock;
use crate::model::verify::verify;
use crate::model::{Activity, Problem, Resource, Starts, Time};
use crate::solve::temporal;
use pumpkin_solver::conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_solver::core::branching::branchers::independent_variable_value_brancher::IndependentVariableValueBrancher;
use pumpkin_solver::core::branching::value_selection::InDomainMin;
use pumpkin_solver::core::branching::variable_selection::Smallest;
use pumpkin_solver::core::branching::Brancher;
use pumpkin_solver::core::predicate;
use pumpkin_solver::core::proof::ConstraintTag;
use pumpkin_solver::core::results::{
    ProblemSolution, SatisfactionResult, SatisfactionResultUnderAssumptions,
};
use pumpkin_solver::core::termination::TerminationCondition;
use pumpkin_solver::core::variables::{DomainId, Literal, TransformableVariable};
use pumpkin_solver::Solver;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// Pumpkin's stop test: out of time, or the link says stop.
struct Until<'a> {
    deadline: Instant,
    link: &'a dyn Link,
    /// Clock steps one check (a decision with its propagation) stands for.
    steps: u64,
}

impl TerminationCondition for Until<'_> {
    fn should_stop(&mut self) -> bool {
        clock::work(self.steps);
        clock::passed(self.deadline) || self.link.stop()
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

/// What the search concludes from an empty range, which depends on the
/// incumbent and on what the range was ([`Proof`]).
struct Ends<'a> {
    problem: &'a Problem,
    incumbent: Option<&'a (Starts, Time)>,
    kind: Proof,
    link: &'a dyn Link,
}

impl Ends<'_> {
    /// No schedule in the searched range: the incumbent is optimal, no
    /// schedule exists, or (a guessed range) `lb_if_bound` is a bound.
    fn empty(&self, lb_if_bound: Time) -> ExactResult {
        match (self.incumbent, self.kind) {
            (Some((s, m)), _) => ExactResult::Optimal {
                starts: s.clone(),
                makespan: *m,
            },
            (None, Proof::Infeasible) => {
                // no schedule of any makespan: tells a search beside it
                self.link.bound(Time::MAX);
                ExactResult::Infeasible(match self.problem.deadline {
                    Some(_) => "no schedule meets the deadline (exact search: resources, time lags, intervals and exclusions together)".into(),
                    None => "no schedule exists (exact search: the resources and the time lags cannot be met together)".into(),
                })
            }
            _ => bounds_only(lb_if_bound),
        }
    }
}

/// The search over the makespan range, alternating (with
/// [`Strategy::Hybrid`]) improvement runs and bound probes in doubling
/// time slices. Invariant: no schedule has a makespan below `lb`; the
/// range still searched is `[lb, ub]`.
struct RangeSearch<'a> {
    ends: Ends<'a>,
    es: &'a [Time],
    opts: &'a ExactOptions,
    deadline: Instant,
    lb: Time,
    ub: Time,
    /// `ub` is one below a schedule known only to the link: an empty range
    /// then proves that schedule optimal, not one of ours.
    external: bool,
    best: Option<Starts>,
    /// No more improvement runs (done, or their schedules fail `verify`).
    up_done: bool,
    /// No more bound probes.
    down_done: bool,
    slice: Duration,
}

impl RangeSearch<'_> {
    /// Runs until the range is exhausted, time is up or the link says stop.
    fn run(mut self) -> ExactResult {
        let problem = self.ends.problem;
        let link = self.ends.link;
        loop {
            self.lb = self.lb.max(link.lower());
            let elsewhere = link.upper();
            if elsewhere < Time::MAX && elsewhere - 1 < self.ub {
                self.ub = elsewhere - 1;
                self.external = true;
            }
            let best_m = self
                .best
                .as_ref()
                .map(|s| problem.makespan(s))
                .or(self.ends.incumbent.map(|i| i.1));
            if best_m.is_some_and(|m| self.lb >= m) || self.lb > self.ub {
                // nothing below the best / in the range
                match self.range_exhausted(best_m) {
                    Some(answer) => return answer,
                    None => continue,
                }
            }
            if clock::passed(self.deadline) || (self.up_done && self.down_done) || link.stop() {
                return self.bounds(best_m);
            }
            let remaining = self.deadline.saturating_duration_since(clock::now());
            let budget = if self.opts.strategy == Strategy::Hybrid {
                self.slice.min(remaining)
            } else {
                remaining
            };
            let phase = if !self.up_done {
                Phase::Up
            } else {
                Phase::Down
            };
            if let Some(answer) = self.step(phase, budget) {
                return answer;
            }
            if self.opts.strategy == Strategy::Hybrid && phase == Phase::Down {
                self.slice = self.slice.saturating_mul(2);
            }
            if self.opts.strategy == Strategy::Hybrid && !self.down_done && phase == Phase::Up {
                // next: the bound probe, then back up
                if clock::passed(self.deadline) || self.lb > self.ub || link.stop() {
                    continue;
                }
                let budget = self
                    .slice
                    .min(self.deadline.saturating_duration_since(clock::now()));
                if let Some(answer) = self.step(Phase::Down, budget) {
                    return answer;
                }
                self.slice = self.slice.saturating_mul(2);
            }
        }
    }

    /// The answer once nothing is left below the best schedule or in the
    /// range; `None` when a guessed horizon was too short and the range
    /// was widened (that is a bound; look further).
    fn range_exhausted(&mut self, best_m: Option<Time>) -> Option<ExactResult> {
        let problem = self.ends.problem;
        let lb = self.lb;
        if let Some(s) = self.best.take_if(|s| lb >= problem.makespan(s)) {
            let m = problem.makespan(&s);
            return Some(ExactResult::Optimal {
                starts: s,
                makespan: m,
            });
        }
        if self.external || self.best.is_some() {
            return Some(self.bounds(best_m));
        }
        if self.ends.incumbent.is_some() || self.ends.kind == Proof::Infeasible {
            return Some(self.ends.empty(self.lb));
        }
        if self.ub >= MAX_TIME / 2 {
            return Some(bounds_only(self.lb));
        }
        self.lb = self.lb.max(self.ub + 1);
        self.ub = self.ub * 2 + 1;
        None
    }

    /// The unproven answer: the best schedule found, if any, and the bound.
    fn bounds(&mut self, best_m: Option<Time>) -> ExactResult {
        let best = self.best.take();
        ExactResult::Bounds {
            makespan: best.as_ref().map(|s| self.ends.problem.makespan(s)),
            starts: best,
            lower_bound: best_m.map_or(self.lb, |m| self.lb.min(m)),
        }
    }

    /// One solver run in `phase` on the current range; `Some` when it
    /// found an optimal schedule. A run whose schedule fails `verify` ends
    /// that phase.
    fn step(&mut self, phase: Phase, budget: Duration) -> Option<ExactResult> {
        let out = run_guarded(
            self.ends.problem,
            self.es,
            (self.lb, self.ub),
            phase,
            budget,
            self.opts.branching,
            self.ends.link,
        );
        match self.take(out) {
            Some(Run::Found(s)) => {
                let m = self.ends.problem.makespan(&s);
                return Some(ExactResult::Optimal {
                    starts: s,
                    makespan: m,
                });
            }
            Some(Run::Unverified) => match phase {
                Phase::Up => self.up_done = true,
                Phase::Down => self.down_done = true,
            },
            _ => {}
        }
        None
    }

    /// What one run says about the range: bounds raised and schedules
    /// found are recorded (and told to the link); a run that ends the
    /// search or a phase is handed back.
    fn take(&mut self, out: Run) -> Option<Run> {
        let link = self.ends.link;
        match out {
            Run::Empty => {
                self.lb = self.ub + 1;
                link.bound(self.lb);
                None
            }
            Run::Improved { starts, empty } => {
                link.found(&starts);
                self.ub = self.ends.problem.makespan(&starts) - 1;
                if empty {
                    self.lb = self.ub + 1;
                    link.bound(self.lb);
                }
                self.best = Some(starts);
                None
            }
            Run::Raised { lb: l } => {
                self.lb = l;
                link.bound(l);
                None
            }
            Run::Found(s) => {
                link.found(&s);
                Some(Run::Found(s))
            }
            other => Some(other),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Find schedules with makespan in the range, each better than the last.
    Up,
    /// Probe: a schedule with makespan at the range's lower end?
    Down,
}

/// What one solver run concluded.
enum Run {
    /// No schedule (of the model) in the range.
    Empty,
    /// Better schedules found (the last is given; verified); `empty`: and
    /// none better than it.
    Improved { starts: Starts, empty: bool },
    /// The range's lower end was raised (no schedule below `lb`).
    Raised { lb: Time },
    /// A verified schedule at the lower end: optimal.
    Found(Starts),
    /// The model's schedule failed verification (on-time limits).
    Unverified,
    /// Out of time without news.
    Timeout,
}

/// [`run`], with a panic inside the solver library (an internal assertion)
/// turned into "no news, stop": the engine stands aside and the planner
/// goes on. Such a panic is caught here, so it must not print either (the
/// user would see a backtrace before a correct answer).
fn run_guarded(
    problem: &Problem,
    es: &[Time],
    range: (Time, Time),
    phase: Phase,
    budget: Duration,
    branching: Branching,
    link: &dyn Link,
) -> Run {
    silence_caught_panics();
    let was = IN_ENGINE.with(|f| f.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run(problem, es, range, phase, budget, branching, link)
    }));
    IN_ENGINE.with(|f| f.set(was));
    out.unwrap_or(Run::Unverified)
}

thread_local! {
    /// This thread is inside [`run_guarded`], which catches its panics.
    static IN_ENGINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the panic hook (once) so that a panic on a thread inside
/// [`run_guarded`] prints nothing; every other panic is reported as before.
fn silence_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_ENGINE.with(|f| f.get()) {
                previous(info);
            }
        }));
    });
}

/// One solver run on makespan range `(lb, ub)`, inclusive (a fresh solver:
/// pumpkin cannot resume after a timeout at the root).
fn run(
    problem: &Problem,
    es: &[Time],
    (lb, ub): (Time, Time),
    phase: Phase,
    budget: Duration,
    branching: Branching,
    link: &dyn Link,
) -> Run {
    let ls = match temporal::latest_starts(problem, ub) {
        Ok(ls) => ls,
        Err(_) => return Run::Empty,
    };
    if es.iter().zip(&ls).any(|(e, l)| e > l) {
        return Run::Empty;
    }
    let model = match Model::build(problem, es, &ls, lb, ub) {
        Some(m) => m,
        None => return Run::Empty,
    };
    let deadline = clock::now() + budget;
    // a decision with its propagation: about two passes over the model
    let steps = 2 * clock::pass(
        problem.activities.len(),
        problem.precedences.len(),
        problem.activities.iter().map(|a| a.demands.len()).sum(),
    );
    let branching = match (branching, phase) {
        (Branching::Mixed, Phase::Up) => Branching::SmallestStart,
        (Branching::Mixed, Phase::Down) => Branching::Vsids,
        (b, _) => b,
    };
    let until = Until {
        deadline,
        link,
        steps,
    };
    match branching {
        Branching::Vsids | Branching::Mixed => {
            let b = model.solver.default_brancher();
            model.run(problem, b, phase, until, lb)
        }
        Branching::SmallestStart => {
            let mut vars = model.starts.clone();
            vars.push(model.makespan);
            let b = IndependentVariableValueBrancher::new(Smallest::new(&vars), InDomainMin);
            model.run(problem, b, phase, until, lb)
        }
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

struct Model {
    solver: Solver,
    starts: Vec<DomainId>,
    makespan: DomainId,
}

/// A model time as `i32` (model times are within `±MAX_TIME`; lags are
/// clamped, which keeps vacuous ones vacuous).
fn t32(t: Time) -> i32 {
    t.clamp(-4 * MAX_TIME, 4 * MAX_TIME) as i32
}

/// A [`Model`] under construction: the solver with its start and makespan
/// variables, and what the constraints are posted from. Each posting
/// method returns `None` once the model is inconsistent at the root.
struct ModelBuilder<'a> {
    solver: Solver,
    tag: ConstraintTag,
    problem: &'a Problem,
    es: &'a [Time],
    ls: &'a [Time],
    /// Upper end of the makespan range.
    ub: Time,
    starts: Vec<DomainId>,
    makespan: DomainId,
}

impl<'a> ModelBuilder<'a> {
    /// A solver with start variables in `[es, ls]` and the makespan in
    /// `[lb, ub]`.
    fn new(problem: &'a Problem, es: &'a [Time], ls: &'a [Time], lb: Time, ub: Time) -> Self {
        let mut solver = Solver::default();
        let tag = solver.new_constraint_tag();
        let starts: Vec<DomainId> = (0..problem.activities.len())
            .map(|i| solver.new_bounded_integer(t32(es[i]), t32(ls[i])))
            .collect();
        let makespan = solver.new_bounded_integer(t32(lb), t32(ub));
        ModelBuilder {
            solver,
            tag,
            problem,
            es,
            ls,
            ub,
            starts,
            makespan,
        }
    }

    /// `Some` while the model is consistent at the root.
    #[inline]
    fn alive(&self) -> Option<()> {
        (!self.solver.is_inconsistent()).then_some(())
    }

    /// Precedences: `S[from] − S[to] ≤ −lag`.
    fn precedences(&mut self) -> Option<()> {
        for p in &self.problem.precedences {
            self.solver
                .add_constraint(pumpkin_solver::less_than_or_equals(
                    vec![self.starts[p.from].scaled(1), self.starts[p.to].scaled(-1)],
                    t32(-p.lag),
                    self.tag,
                ))
                .post();
            self.alive()?;
        }
        Some(())
    }

    /// `M ≥ S[i] + d[i]`.
    fn makespan_ends(&mut self) -> Option<()> {
        for (i, a) in self.problem.activities.iter().enumerate() {
            self.solver
                .add_constraint(pumpkin_solver::less_than_or_equals(
                    vec![self.starts[i].scaled(1), self.makespan.scaled(-1)],
                    t32(-a.duration),
                    self.tag,
                ))
                .post();
            self.alive()?;
        }
        Some(())
    }

    /// Allowed and forbidden intervals: the start ranges that would break
    /// them are cut out with clauses `S ≤ a−1 ∨ S ≥ b+1`.
    fn intervals(&mut self) -> Option<()> {
        for (i, a) in self.problem.activities.iter().enumerate() {
            let (es, ls) = (self.es[i], self.ls[i]);
            for (x, y) in bad_starts(a, es, ls) {
                if y < es || x > ls || x > y {
                    continue;
                }
                let s = self.starts[i];
                self.solver.add_clause(
                    [predicate![s <= t32(x - 1)], predicate![s >= t32(y + 1)]],
                    self.tag,
                );
                self.alive()?;
            }
        }
        Some(())
    }

    /// One cumulative per resource that some activity uses.
    fn resources(&mut self) -> Option<()> {
        let t_min = self.es.iter().copied().min().unwrap_or(0);
        for (r, res) in self.problem.resources.iter().enumerate() {
            self.resource(r, res, t_min)?;
        }
        Some(())
    }

    /// The cumulative of resource `r`: its users, plus fixed dummy tasks
    /// where the capacity is below its maximum, over `[t_min, ub)`.
    fn resource(&mut self, r: usize, res: &Resource, t_min: Time) -> Option<()> {
        let ub = self.ub;
        let mut vars: Vec<DomainId> = Vec::new();
        let mut durs: Vec<i32> = Vec::new();
        let mut reqs: Vec<i32> = Vec::new();
        for (i, a) in self.problem.activities.iter().enumerate() {
            let amount: i64 = a
                .demands
                .iter()
                .filter(|d| d.resource == r)
                .map(|d| d.amount)
                .sum();
            if a.duration > 0 && amount > 0 {
                vars.push(self.starts[i]);
                durs.push(t32(a.duration));
                reqs.push(t32(amount));
            }
        }
        if vars.is_empty() {
            return Some(());
        }
        let cap = res.max_capacity().max(0);
        let mut seg_start = t_min;
        let mut k = res.steps.partition_point(|&(s, _)| s <= t_min);
        let mut level = res.capacity_at(t_min).max(0);
        loop {
            let next = res.steps.get(k).map_or(ub, |s| s.0.min(ub));
            let seg_end = next.max(seg_start);
            if level < cap && seg_end > seg_start {
                self.alive()?;
                let v = self
                    .solver
                    .new_bounded_integer(t32(seg_start), t32(seg_start));
                vars.push(v);
                durs.push(t32(seg_end - seg_start));
                reqs.push(t32(cap - level));
            }
            if k >= res.steps.len() || next >= ub {
                break;
            }
            seg_start = seg_end;
            level = res.steps[k].1.max(0);
            k += 1;
        }
        self.solver
            .add_constraint(pumpkin_solver::cumulative(
                vars,
                durs,
                reqs,
                t32(cap),
                self.tag,
            ))
            .post();
        self.alive()
    }

    /// Exclusion groups: for each pair, `i before j ∨ j before i` with
    /// half-reified inequalities.
    fn exclusions(&mut self) -> Option<()> {
        let pairs = self.problem.exclusion_pairs();
        for (i, j) in pairs {
            self.alive()?;
            let (l_ij, l_ji) = (self.before(i, j), self.before(j, i));
            self.solver.add_clause(
                [l_ij.get_true_predicate(), l_ji.get_true_predicate()],
                self.tag,
            );
        }
        Some(())
    }

    /// A literal implying that `a` ends before `b` starts:
    /// `S_a − S_b ≤ −d_a`.
    fn before(&mut self, a: usize, b: usize) -> Literal {
        let l = self.solver.new_literal();
        self.solver
            .add_constraint(pumpkin_solver::less_than_or_equals(
                vec![self.starts[a].scaled(1), self.starts[b].scaled(-1)],
                t32(-self.problem.activities[a].duration),
                self.tag,
            ))
            .implied_by(l);
        l
    }
}

/// The start ranges `[a, b]` (inclusive) of activity `a` that would break
/// its allowed or forbidden intervals, within its start domain `[es, ls]`
/// for the gaps between allowed intervals.
fn bad_starts(a: &Activity, es: Time, ls: Time) -> Vec<(Time, Time)> {
    let d = a.duration;
    let mut bad: Vec<(Time, Time)> = Vec::new();
    if let Some(allowed) = &a.allowed {
        let mut ok: Vec<(Time, Time)> = allowed
            .iter()
            .filter(|iv| iv.end - d >= iv.start)
            .map(|iv| (iv.start, iv.end - d))
            .collect();
        ok.sort_unstable();
        let mut from = es;
        for (s, e) in ok {
            if s > from {
                bad.push((from, s - 1));
            }
            from = from.max(e + 1);
        }
        if from <= ls {
            bad.push((from, ls));
        }
    }
    if d > 0 {
        for f in &a.forbidden {
            if !f.is_empty() {
                bad.push((f.start - d + 1, f.end - 1));
            }
        }
    }
    bad
}

impl Model {
    /// The constraint model with makespan in `[lb, ub]`; `None` when it is
    /// inconsistent at the root. The model is exact (or, with on-time limits
    /// too large to encode, a relaxation), so a root contradiction proves that no schedule has its
    /// makespan in the range. Pumpkin refuses (panics) to create variables
    /// once inconsistent, so the state is checked after every posting.
    fn build(problem: &Problem, es: &[Time], ls: &[Time], lb: Time, ub: Time) -> Option<Model> {
        let mut b = ModelBuilder::new(problem, es, ls, lb, ub);
        b.precedences()?;
        b.makespan_ends()?;
        b.intervals()?;
        b.resources()?;
        b.exclusions()?;
        if super::exact_limits::encodable(problem, es, ub) {
            super::exact_limits::post(&mut b.solver, b.tag, problem, &b.starts, (es, ls), ub)?;
        }
        if b.solver.is_inconsistent() {
            return None;
        }
        Some(Model {
            solver: b.solver,
            starts: b.starts,
            makespan: b.makespan,
        })
    }

    fn read(vars: &[DomainId], sol: &impl ProblemSolution) -> Starts {
        vars.iter()
            .map(|&v| sol.get_integer_value(v) as Time)
            .collect()
    }

    fn run<B: Brancher>(
        mut self,
        problem: &Problem,
        mut brancher: B,
        phase: Phase,
        mut until: Until,
        mut lb: Time,
    ) -> Run {
        let mut resolver = ResolutionResolver::default();
        let m_var = self.makespan;
        let vars = self.starts.clone();
        let tag = self.solver.new_constraint_tag();
        let lb_start = lb;
        let mut best: Option<Starts> = None;
        let improved = |best: Option<Starts>, empty: bool| match best {
            Some(starts) => Run::Improved { starts, empty },
            None if empty => Run::Empty,
            None => Run::Timeout,
        };
        loop {
            if until.should_stop() {
                break;
            }
            match phase {
                Phase::Up => {
                    let found = match self
                        .solver
                        .satisfy(&mut brancher, &mut until, &mut resolver)
                    {
                        SatisfactionResult::Satisfiable(sat) => {
                            Some(Self::read(&vars, &sat.solution()))
                        }
                        SatisfactionResult::Unsatisfiable(..) => return improved(best, true),
                        SatisfactionResult::Unknown(..) => None,
                    };
                    let Some(s) = found else { break };
                    if !verify(problem, &s).is_empty() {
                        return match best {
                            Some(b) => Run::Improved {
                                starts: b,
                                empty: false,
                            },
                            None => Run::Unverified,
                        };
                    }
                    let m = problem.makespan(&s);
                    best = Some(s);
                    if m <= lb {
                        return improved(best, true);
                    }
                    self.solver
                        .add_clause([predicate![m_var <= t32(m - 1)]], tag);
                    if self.solver.is_inconsistent() {
                        return improved(best, true);
                    }
                }
                Phase::Down => {
                    let probe = match self.solver.satisfy_under_assumptions(
                        &mut brancher,
                        &mut until,
                        &mut resolver,
                        &[predicate![m_var <= t32(lb)]],
                    ) {
                        SatisfactionResultUnderAssumptions::Satisfiable(sat) => {
                            Probe::Found(Self::read(&vars, &sat.solution()))
                        }
                        SatisfactionResultUnderAssumptions::UnsatisfiableUnderAssumptions(_) => {
                            Probe::Raise
                        }
                        SatisfactionResultUnderAssumptions::Unsatisfiable(_) => Probe::Empty,
                        SatisfactionResultUnderAssumptions::Unknown(_) => Probe::Timeout,
                    };
                    match probe {
                        Probe::Found(s) => {
                            return if verify(problem, &s).is_empty() {
                                Run::Found(s)
                            } else if lb > lb_start {
                                Run::Raised { lb }
                            } else {
                                Run::Unverified
                            };
                        }
                        Probe::Empty => return Run::Empty,
                        Probe::Raise => {
                            lb += 1;
                            self.solver.add_clause([predicate![m_var >= t32(lb)]], tag);
                            if self.solver.is_inconsistent() {
                                return Run::Empty;
                            }
                        }
                        Probe::Timeout => break,
                    }
                }
            }
        }
        match phase {
            Phase::Up => improved(best, false),
            Phase::Down if lb > lb_start => Run::Raised { lb },
            Phase::Down => Run::Timeout,
        }
    }
}

enum Probe {
    Found(Starts),
    Raise,
    Empty,
    Timeout,
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::fixtures::act;
    use crate::model::{Exclusion, Interval, Precedence, Resource};

    fn check(p: &Problem, r: &ExactResult) {
        if let Some(s) = r.starts() {
            assert!(verify(p, s).is_empty(), "{:?}", verify(p, s));
        }
    }

    #[test]
    fn proves_optimum_of_unary_problem() {
        let mut p = Problem::default();
        p.resources = vec![Resource::constant("r", 1)];
        p.activities = vec![
            act("a", 3, &[(0, 1)]),
            act("b", 2, &[(0, 1)]),
            act("c", 4, &[(0, 1)]),
            act("d", 1, &[(0, 1)]),
        ];
        p.precedences = vec![Precedence {
            from: 0,
            to: 2,
            lag: 3,
        }];
        for strategy in [Strategy::Hybrid, Strategy::SatUnsat, Strategy::UnsatSat] {
            for branching in [Branching::Vsids, Branching::SmallestStart] {
                let o = ExactOptions {
                    strategy,
                    branching,
                };
                let r = solve_exact_with(&p, None, 0, Duration::from_secs(10), &o, &Alone(None));
                check(&p, &r);
                assert!(r.is_optimal(), "{r:?} {o:?}");
                assert_eq!(r.lower_bound(), Some(10));
            }
        }
        // with an optimal incumbent: proven without a new schedule
        let inc = vec![0, 3, 5, 9];
        assert!(verify(&p, &inc).is_empty());
        let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(10), &Alone(None));
        assert_eq!(
            r,
            ExactResult::Optimal {
                starts: inc,
                makespan: 10
            }
        );
        // with a poor incumbent: improved and proven
        let inc = vec![0, 7, 3, 9];
        assert!(verify(&p, &inc).is_empty());
        let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert_eq!(r.lower_bound(), Some(10));
        assert!(r.is_optimal());
    }

    #[test]
    fn proves_infeasible_max_lag_pair() {
        // a and b share a unary resource, b must start within 2 of a's start
        // and not before it: impossible with a lasting 5.
        let mut p = Problem::default();
        p.resources = vec![Resource::constant("r", 1)];
        p.activities = vec![act("a", 5, &[(0, 1)]), act("b", 5, &[(0, 1)])];
        p.precedences = vec![
            Precedence {
                from: 0,
                to: 1,
                lag: 0,
            },
            Precedence {
                from: 1,
                to: 0,
                lag: -2,
            },
        ];
        p.deadline = Some(100);
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
        // without a deadline: nothing depends on time, so no schedule by
        // the proof horizon is a proof too
        p.deadline = None;
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
        // once something depends on time (a forbidden interval), no horizon
        // is known: only a bound
        p.activities[0].forbidden = vec![Interval { start: 50, end: 60 }];
        let r = solve_exact(&p, None, 0, Duration::from_secs(1), &Alone(None));
        assert!(
            matches!(r, ExactResult::Bounds { starts: None, .. }),
            "{r:?}"
        );
    }

    #[test]
    fn respects_capacity_profile() {
        // capacity 0 until 10, then 2: three activities of 4 needing 1 each
        let mut p = Problem::default();
        p.resources = vec![Resource {
            name: "r".into(),
            steps: vec![(0, 0), (10, 2)],
        }];
        p.activities = vec![
            act("a", 4, &[(0, 1)]),
            act("b", 4, &[(0, 1)]),
            act("c", 4, &[(0, 1)]),
        ];
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert!(r.is_optimal(), "{r:?}");
        assert_eq!(r.lower_bound(), Some(18));
        // and a dip: 2, 0 over [4, 6), 2 again
        p.resources[0].steps = vec![(0, 2), (4, 0), (6, 2)];
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert_eq!(r.lower_bound(), Some(10), "{r:?}");
        assert!(r.is_optimal());
    }

    #[test]
    fn exclusion_group() {
        let mut p = Problem::default();
        p.activities = vec![act("p1", 3, &[]), act("p2", 3, &[]), act("s1", 4, &[])];
        p.exclusions = vec![Exclusion {
            name: "dr".into(),
            sides: vec![vec![0, 1], vec![2]],
        }];
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert!(r.is_optimal());
        assert_eq!(r.lower_bound(), Some(7));
    }

    #[test]
    fn allowed_and_forbidden_intervals() {
        let mut p = Problem::default();
        let mut a = act("a", 5, &[]);
        a.allowed = Some(vec![Interval::new(0, 4), Interval::new(10, 30)]);
        let mut b = act("b", 3, &[]);
        b.forbidden = vec![Interval::new(0, 16)];
        p.activities = vec![a, b];
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert!(r.is_optimal(), "{r:?}");
        assert_eq!(r.lower_bound(), Some(19));
        let s = r.starts().unwrap();
        assert!(s[0] >= 10 && s[1] == 16);
        // a deadline before any allowed fit: infeasible
        p.deadline = Some(14);
        let r = solve_exact(&p, None, 0, Duration::from_secs(10), &Alone(None));
        assert!(matches!(r, ExactResult::Infeasible(_)), "{r:?}");
    }

    #[test]
    fn poor_lower_bound_is_raised_and_bad_incumbent_ignored() {
        let mut p = Problem::default();
        p.resources = vec![Resource::constant("r", 2)];
        p.activities = (0..6)
            .map(|k| {
                act(
                    &format!("a{k}"),
                    2 + k as Time % 3,
                    &[(0, 1 + (k % 2) as i64)],
                )
            })
            .collect();
        let bad = vec![0; 6];
        assert!(!verify(&p, &bad).is_empty());
        let r = solve_exact(&p, Some(&bad), 0, Duration::from_secs(10), &Alone(None));
        check(&p, &r);
        assert!(r.is_optimal(), "{r:?}");
    }

    #[test]
    fn on_time_limits_only_prove() {
        use crate::model::{OnTimeLimit, Signal};
        // a then b (lag 5); c (2 minutes) must run inside b: on-time of
        // {c, b} at most 5. The model ignores the limit, so its schedules
        // are only used when they verify.
        let mut p = Problem::default();
        p.activities = vec![act("a", 5, &[]), act("b", 5, &[]), act("c", 2, &[])];
        p.precedences = vec![Precedence {
            from: 0,
            to: 1,
            lag: 5,
        }];
        p.signals = vec![Signal::Running(vec![1, 2])];
        p.limits = vec![OnTimeLimit {
            name: "svc".into(),
            signal: 0,
            weight: 1.0,
            max_on: Some(5),
        }];
        let r = solve_exact(&p, None, 0, Duration::from_secs(5), &Alone(None));
        check(&p, &r);
        assert!(!matches!(r, ExactResult::Infeasible(_)), "{r:?}");
        assert!(r.lower_bound().unwrap() <= 10);
        let inc = vec![0, 5, 6];
        assert!(verify(&p, &inc).is_empty());
        let r = solve_exact(&p, Some(&inc), 0, Duration::from_secs(5), &Alone(None));
        assert_eq!(
            r,
            ExactResult::Optimal {
                starts: inc,
                makespan: 10
            }
        );
    }

    /// From scratch (no incumbent): about 0.1 s even in a debug build.
    #[test]
    fn j301_1_proven_optimal() {
        let p = j301_1();
        let r = solve_exact(&p, None, 0, Duration::from_secs(120), &Alone(None));
        check(&p, &r);
        assert_eq!(r.lower_bound(), Some(43));
        assert!(r.is_optimal());
    }

    /// A link that knows a schedule of makespan `upper` and keeps the best
    /// bound it is told.
    struct Knows {
        upper: Time,
        bound: std::sync::atomic::AtomicI64,
        stop: AtomicBool,
    }

    impl Knows {
        fn new(upper: Time) -> Knows {
            Knows {
                upper,
                bound: std::sync::atomic::AtomicI64::new(0),
                stop: AtomicBool::new(false),
            }
        }
    }

    impl Link for Knows {
        fn stop(&self) -> bool {
            self.stop.load(Ordering::Relaxed)
        }
        fn upper(&self) -> Time {
            self.upper
        }
        fn bound(&self, t: Time) {
            self.bound.fetch_max(t, Ordering::Relaxed);
        }
    }

    fn j301_1() -> Problem {
        crate::bench::formats::read_instance(std::path::Path::new("tests/data/j301_1.sm"), None)
            .unwrap()
    }

    /// j301_1's optimum is 43. Told of a schedule of 43 found elsewhere, the
    /// search proves it optimal as a bound (the schedule is not its own);
    /// told of 44, it finds and proves 43 itself.
    #[test]
    fn schedule_known_elsewhere_bounds_the_search() {
        let p = j301_1();
        let link = Knows::new(43);
        let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
        assert_eq!(
            r,
            ExactResult::Bounds {
                starts: None,
                makespan: None,
                lower_bound: 43
            }
        );
        assert_eq!(link.bound.load(Ordering::Relaxed), 43);
        let link = Knows::new(44);
        let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
        check(&p, &r);
        assert!(r.is_optimal(), "{r:?}");
        assert_eq!(r.lower_bound(), Some(43));
    }

    /// A stop request (Ctrl-C) ends the search before it proves anything,
    /// whatever time is left.
    #[test]
    fn stop_request_ends_the_search() {
        let p = j301_1();
        let link = Knows::new(Time::MAX);
        link.stop.store(true, Ordering::Relaxed);
        let started = Instant::now();
        let r = solve_exact(&p, None, 0, Duration::from_secs(120), &link);
        assert!(!r.is_optimal(), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    /// Measurement on the j30 sample: `cargo test --release --lib
    /// exact::tests::bench_j30 -- --ignored --nocapture` (budget in seconds
    /// from `EXACT_BUDGET`, default 5; instances from `WINDOWPLAN_BENCHDATA`,
    /// default `../shared/benchdata`).
    #[test]
    #[ignore = "measurement"]
    fn bench_j30() {
        use crate::solve::milp;
        let budget = std::env::var("EXACT_BUDGET")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(5.0);
        let budget = Duration::from_secs_f64(budget);
        let root =
            std::env::var("WINDOWPLAN_BENCHDATA").unwrap_or_else(|_| "../shared/benchdata".into());
        let refs =
            std::fs::read_to_string(format!("{root}/psplib/reference.csv")).unwrap_or_default();
        let set = std::env::var("EXACT_SET").unwrap_or_else(|_| "j30".into());
        let mut files: Vec<String> = match set.as_str() {
            "j60" => (1..=10)
                .map(|k| format!("{root}/psplib/j60/j601_{k}.sm"))
                .collect(),
            "j120" => (1..=10)
                .map(|k| format!("{root}/psplib/j120/j1201_{k}.sm"))
                .collect(),
            "ubo" => vec![format!("{root}/rcpspmax/ubo10/psp2.sch")],
            _ => (1..=10)
                .map(|k| format!("{root}/psplib/j30/j301_{k}.sm"))
                .collect(),
        };
        if set == "j30" {
            files.push("tests/data/j301_1.sm".into());
        }
        let with_milp = std::env::var("EXACT_MILP").map_or(true, |v| v != "0");
        let configs = [
            ("hybrid/vsids", Strategy::Hybrid, Branching::Vsids, true),
            ("satunsat/vsids", Strategy::SatUnsat, Branching::Vsids, true),
            ("unsatsat/vsids", Strategy::UnsatSat, Branching::Vsids, true),
            (
                "hybrid/smallest",
                Strategy::Hybrid,
                Branching::SmallestStart,
                true,
            ),
            ("hybrid/mixed", Strategy::Hybrid, Branching::Mixed, true),
            (
                "hybrid/vsids no inc",
                Strategy::Hybrid,
                Branching::Vsids,
                false,
            ),
        ];
        println!("| instance | opt | heur 1s | lb | engine | proven | bound | best | time s |");
        println!("|---|---|---|---|---|---|---|---|---|");
        for f in &files {
            let path = std::path::Path::new(f);
            let Ok(p) = crate::bench::formats::read_instance(path, None) else {
                println!("| {f} | unreadable |");
                continue;
            };
            let base = path.file_name().unwrap().to_string_lossy().to_string();
            let opt = refs
                .lines()
                .find(|l| l.split(',').nth(1) == Some(base.as_str()))
                .and_then(|l| l.split(',').nth(2))
                .unwrap_or("?")
                .to_string();
            let lb = crate::solve::lower_bound(&p);
            let opts = crate::solve::SolveOptions {
                time_limit: Duration::from_secs(1),
                threads: 1,
                ..Default::default()
            };
            let inc = match crate::solve::solve(&p, &opts) {
                crate::solve::Outcome::Solved(s) => Some(s.starts),
                _ => None,
            };
            let inc_m = inc.as_ref().map(|s| p.makespan(s));
            let name = if f.starts_with("tests") {
                format!("tests/{base}")
            } else {
                base.clone()
            };
            let hm = inc_m.map_or("-".into(), |m| m.to_string());
            for (label, strategy, branching, use_inc) in configs {
                let t = Instant::now();
                let r = solve_exact_with(
                    &p,
                    if use_inc { inc.as_deref() } else { None },
                    lb,
                    budget,
                    &ExactOptions {
                        strategy,
                        branching,
                    },
                    &Alone(None),
                );
                let el = t.elapsed().as_secs_f64();
                if let Some(s) = r.starts() {
                    assert!(verify(&p, s).is_empty());
                }
                let best = r.starts().map(|s| p.makespan(s)).or(inc_m);
                println!(
                    "| {name} | {opt} | {hm} | {lb} | pumpkin {label} | {} | {} | {} | {el:.2} |",
                    if r.is_optimal() { "yes" } else { "no" },
                    r.lower_bound().map_or("-".into(), |b| b.to_string()),
                    best.map_or("-".into(), |b| b.to_string()),
                );
            }
            if let Some(h) = inc_m.filter(|_| with_milp) {
                let t = Instant::now();
                let b = milp::lp_bound(&p, h);
                let el_lp = t.elapsed().as_secs_f64();
                let (nx, nr) = milp::model_size(&p, h).unwrap_or((0, 0));
                println!(
                    "| {name} | {opt} | {hm} | {lb} | LP relaxation ({nx} x, {nr} rows) | no | {} | - | {el_lp:.2} |",
                    b.map_or("refused".into(), |b| b.to_string())
                );
                let t = Instant::now();
                let r = milp::solve_milp(&p, h, inc.as_deref(), budget);
                let el = t.elapsed().as_secs_f64();
                let (proven, best) = match &r {
                    milp::MilpResult::Optimal { makespan, .. } => {
                        ("yes".to_string(), makespan.to_string())
                    }
                    milp::MilpResult::Feasible { makespan, .. } => {
                        ("no".into(), makespan.to_string())
                    }
                    milp::MilpResult::NoneWithin => ("none within".into(), "-".into()),
                    milp::MilpResult::Unknown(e) => (format!("unknown ({e})"), "-".into()),
                };
                println!("| {name} | {opt} | {hm} | {lb} | MILP microlp | {proven} | - | {best} | {el:.2} |");
            }
        }
    }
}
