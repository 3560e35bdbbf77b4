//! windowplan: plans the shortest maintenance window that keeps a regulated
//! estate running.
//!
//! The pipeline (see DESIGN.md): an inventory file is parsed and validated
//! into an [`inventory::Inventory`], compiled into a domain-free
//! [`model::Problem`], solved by [`solve`] into start times, and turned into a
//! [`plan::Plan`] that [`plan::check`] re-verifies independently.

pub mod bench;
pub mod cli;
pub mod error;
pub mod explain;
pub mod formats;
pub mod graph;
pub mod interrupt;
pub mod inventory;
pub mod model;
pub mod plan;
pub mod report;
pub mod solve;

use error::InputError;
use inventory::Inventory;
use model::Problem;
use plan::Plan;
use solve::{Outcome, Solution, SolveOptions};
use std::path::Path;

/// Reads and validates an inventory file, including the checks that need the
/// dependency graph (cycles through derived edges, a deadline shorter than
/// the critical path).
pub fn load_inventory(path: &Path) -> Result<Inventory, InputError> {
    load_inventory_with(path, &inventory::Limits::default())
}

/// [`load_inventory`] within the given size limits (file size, task count).
pub fn load_inventory_with(
    path: &Path,
    limits: &inventory::Limits,
) -> Result<Inventory, InputError> {
    let inv = inventory::load_with(path, limits)?;
    let cycles = graph::TaskGraph::new(&inv).cycles();
    if cycles.is_empty() {
        return Ok(inv);
    }
    // `after` cycles are caught by validation; what is left runs through
    // edges derived from DR `order`.
    let diagnostics = cycles
        .into_iter()
        .map(|c| {
            error::Diagnostic::new(
                "E059",
                "dr",
                format!("precedence cycle through a DR order: {}", c.join(" → ")),
                "a DR `order` puts every outage of one side first; remove the `after` that asks for the opposite order, or drop the `order`",
            )
        })
        .collect();
    Err(InputError {
        source: path.display().to_string(),
        diagnostics,
    })
}

/// Why no plan can exist, found without search: a task with no room left
/// once its windows, its teams' hours, the blackouts over it and the
/// deadline are taken into account; a deadline shorter than the critical
/// path (the path is named).
pub fn precheck(inv: &Inventory) -> Option<String> {
    use inventory::time::{intersect_intervals, subtract_intervals};
    let end = inv.window.deadline.unwrap_or(inventory::time::MAX_MINUTES);
    let mut reasons = Vec::new();
    for task in &inv.tasks {
        let mut room = vec![model::Interval::new(0, end)];
        if let Some(w) = &task.windows {
            room = intersect_intervals(&room, w);
        }
        for &(team, _) in &task.needs {
            if let Some(av) = &inv.teams[team].available {
                room = intersect_intervals(&room, av);
            }
        }
        let covering: Vec<&inventory::Blackout> = inv
            .blackouts
            .iter()
            .filter(|b| inv.blackout_covers(b, task))
            .collect();
        let blackouts: Vec<model::Interval> = covering.iter().map(|b| b.interval).collect();
        let room = subtract_intervals(&room, &model::compile::merge(blackouts));
        if room.iter().all(|iv| iv.len() < task.duration) {
            let names: Vec<String> = covering
                .iter()
                .map(|b| match &b.reason {
                    Some(r) => format!("the blackout for {r}"),
                    None => "a blackout".to_string(),
                })
                .collect();
            let mut limits = Vec::new();
            if task.windows.is_some() {
                limits.push("its windows".to_string());
            }
            if task
                .needs
                .iter()
                .any(|&(t, _)| inv.teams[t].available.is_some())
            {
                limits.push("its teams' hours".to_string());
            }
            if inv.window.deadline.is_some() {
                limits.push("the deadline".to_string());
            }
            limits.extend(names);
            reasons.push(format!(
                "task {} takes {} but no stretch that long is left between {}",
                task.id,
                report::fmt_minutes(task.duration),
                report::join_words(&limits)
            ));
        }
    }
    // An outage task on both sides of a DR pair takes them down together,
    // which the pair forbids at every minute (found by the structure fuzzer:
    // `systems: [primary, standby]`).
    for pair in &inv.dr {
        let prim = inv.component_systems(pair.primary);
        let stby = inv.component_systems(pair.standby);
        for task in inv.tasks.iter().filter(|t| t.outage && t.duration > 0) {
            let on = |side: &[usize]| task.systems.iter().any(|s| side.contains(s));
            if on(&prim) && on(&stby) {
                reasons.push(format!(
                    "task {} is an outage on both the primary {} and the standby {} of a DR pair, which must never be down at the same time; split the task, or set `outage: false`",
                    task.id,
                    inv.component_id(pair.primary),
                    inv.component_id(pair.standby)
                ));
            }
        }
    }
    if !reasons.is_empty() {
        return Some(reasons.join("; "));
    }
    let deadline = inv.window.deadline?;
    let cpm = graph::TaskGraph::new(inv).cpm().ok()?;
    if cpm.length <= deadline {
        return None;
    }
    let path: Vec<&str> = cpm
        .critical_path
        .iter()
        .map(|&t| inv.tasks[t].id.as_str())
        .collect();
    Some(format!(
        "the deadline allows {} but the critical path {} takes {}; move the deadline, shorten a task or drop a dependency",
        report::fmt_minutes(deadline),
        path.join(" → "),
        report::fmt_minutes(cpm.length)
    ))
}

/// What planning an inventory gave.
#[derive(Debug, Clone)]
pub enum PlanResult {
    /// A plan that the independent checker accepted.
    Planned(Plan),
    /// Proven impossible, with the reason.
    Infeasible(String),
    /// None found in the time given (not proven impossible).
    NotFound(String),
}

/// Compiles, solves and re-checks an inventory. A schedule the independent
/// checker rejects is never returned as a plan: that would be a solver bug,
/// and it is reported as one.
pub fn plan_inventory(inv: &Inventory, opts: &SolveOptions) -> PlanResult {
    if let Some(why) = precheck(inv) {
        return PlanResult::Infeasible(why);
    }
    let compiled = model::compile(inv);
    match solve_checked(&compiled.problem, opts) {
        Ok(sol) => {
            let violations = plan::check::check(inv, &sol.starts);
            if violations.is_empty() {
                PlanResult::Planned(Plan::build(inv, &sol.starts, sol.lower_bound))
            } else {
                let words: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
                PlanResult::NotFound(format!(
                    "internal error: the solver's schedule broke {} rule(s) of the inventory; please report it: {}",
                    words.len(),
                    words.join("; ")
                ))
            }
        }
        Err(Outcome::Infeasible(why)) => PlanResult::Infeasible(why),
        Err(Outcome::NotFound(why)) => PlanResult::NotFound(why),
        Err(Outcome::Solved(_)) => unreachable!("solve_checked returns Solved as Ok"),
    }
}

/// Solves a core problem and verifies the schedule against the core
/// constraints; a schedule that fails is turned into `NotFound` with the
/// violations, never returned.
pub fn solve_checked(problem: &Problem, opts: &SolveOptions) -> Result<Solution, Outcome> {
    match solve::solve(problem, opts) {
        Outcome::Solved(sol) => {
            let violations = model::verify::verify(problem, &sol.starts);
            if violations.is_empty() {
                Ok(sol)
            } else {
                Err(Outcome::NotFound(format!(
                    "internal error: the solver's schedule broke {} core constraint(s); please report it: {}",
                    violations.len(),
                    violations.join("; ")
                )))
            }
        }
        other => Err(other),
    }
}
