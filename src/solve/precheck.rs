//! What the solver proves before any search (the failure analysis): the
//! structure, demands above capacity, activities that fit nowhere, deadlines
//! below a lower bound ([`CoreReason`]), the lower bound itself, and the
//! outcomes that need no search.

use super::bounds;
use super::clock;
use super::components;
use super::instance::{Conflict, Instance};
use super::temporal::{self, earliest_starts};
use super::{CoreReason, Outcome, Solution, SolveOptions};
use crate::model::{verify::verify, Problem, Time};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// The proof that no schedule ends by the deadline `d`: a lower bound
/// `lb` above it (one wording for the deadline stage and the heuristic).
pub(super) fn deadline_refuted(d: Time, lb: Time) -> Outcome {
    Outcome::Infeasible(format!(
        "no schedule ends by the deadline {d}: resource capacities and time lags need at least {lb}"
    ))
}

/// Why a problem has no schedule, when that shows before any search (see
/// [`CoreReason`]); None when it does not (or the problem is malformed).
pub fn diagnose(problem: &Problem) -> Option<CoreReason> {
    temporal::check_structure(problem).ok()?;
    analyse_why(problem).err()
}

/// The analysed problem: instance and lower bound, or a proof that no
/// schedule exists (`Err(reason)`).
pub(super) fn analyse(problem: &Problem) -> Result<(Instance, Time), String> {
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

/// The outcome when there is nothing to search: an invalid problem, or
/// one without activities. `None`: search.
pub(super) fn outcome_without_search(problem: &Problem) -> Option<Outcome> {
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
pub(super) fn refute_any_schedule(
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
