//! The exact search on a built model: runs of the solver over the makespan
//! range ([`RangeSearch`]), improvement runs and bound probes, and what
//! each run concludes ([`Run`]); see the parent module.

use super::model::{model_time, Model};
use super::{bounds_only, Branching, ExactOptions, ExactResult, Link, Proof, Strategy, MAX_TIME};
use crate::model::verify::verify;
use crate::model::{Problem, Starts, Time};
use crate::solve::{clock, temporal};
use pumpkin_solver::conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_solver::core::branching::branchers::independent_variable_value_brancher::IndependentVariableValueBrancher;
use pumpkin_solver::core::branching::value_selection::InDomainMin;
use pumpkin_solver::core::branching::variable_selection::Smallest;
use pumpkin_solver::core::branching::Brancher;
use pumpkin_solver::core::predicate;
use pumpkin_solver::core::results::{
    ProblemSolution, SatisfactionResult, SatisfactionResultUnderAssumptions,
};
use pumpkin_solver::core::termination::TerminationCondition;
use pumpkin_solver::core::variables::DomainId;
use std::time::{Duration, Instant};

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

/// What the search concludes from an empty range, which depends on the
/// incumbent and on what the range was ([`Proof`]).
pub(super) struct Ends<'a> {
    pub(super) problem: &'a Problem,
    pub(super) incumbent: Option<&'a (Starts, Time)>,
    pub(super) kind: Proof,
    pub(super) link: &'a dyn Link,
}

impl Ends<'_> {
    /// No schedule in the searched range: the incumbent is optimal, no
    /// schedule exists, or (a guessed range) `lb_if_bound` is a bound.
    pub(super) fn empty(&self, lb_if_bound: Time) -> ExactResult {
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
pub(super) struct RangeSearch<'a> {
    pub(super) ends: Ends<'a>,
    pub(super) es: &'a [Time],
    pub(super) opts: &'a ExactOptions,
    pub(super) deadline: Instant,
    pub(super) lb: Time,
    pub(super) ub: Time,
    /// `ub` is one below a schedule known only to the link: an empty range
    /// then proves that schedule optimal, not one of ours.
    pub(super) external: bool,
    pub(super) best: Option<Starts>,
    /// No more improvement runs (done, or their schedules fail `verify`).
    pub(super) up_done: bool,
    /// No more bound probes.
    pub(super) down_done: bool,
    pub(super) slice: Duration,
}

impl RangeSearch<'_> {
    /// Runs until the range is exhausted, time is up or the link says stop.
    pub(super) fn run(mut self) -> ExactResult {
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
        match self.record_run(out) {
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
    fn record_run(&mut self, out: Run) -> Option<Run> {
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

impl Model {
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
                        .add_clause([predicate![m_var <= model_time(m - 1)]], tag);
                    if self.solver.is_inconsistent() {
                        return improved(best, true);
                    }
                }
                Phase::Down => {
                    let probe = match self.solver.satisfy_under_assumptions(
                        &mut brancher,
                        &mut until,
                        &mut resolver,
                        &[predicate![m_var <= model_time(lb)]],
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
                            self.solver
                                .add_clause([predicate![m_var >= model_time(lb)]], tag);
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
