//! What a blocking schema change would save done expand/contract (format
//! 1.2, issue #24 item 3), for `availability`: each task that is an outage
//! of one system and takes other systems down with it (`down:`, the app it
//! stops) is rewritten, in a copy of the inventory, as an expand/contract
//! schema change, and both forms are planned and checked. DESIGN.md
//! ("Schema changes: choices made") lists how the alternative is built:
//!
//! - the task becomes `<task>.expand` (same duration, team and windows,
//!   online, no `down:`); `<task>.backfill` follows (same duration, team and
//!   windows, online) after every deploy activity;
//! - the deploy is the tasks on the app's systems that come directly after
//!   the blocking task (their `after` now names the expand); when there is
//!   none, a rolling deploy is assumed: one 10-minute outage per app system,
//!   one after another, no team;
//! - every other task that came after the blocking task comes after the
//!   backfill;
//! - no cutover; the contract goes to a later window (one window more), so
//!   it is not planned here.

use crate::analysis::explain::short_options;
use crate::base::Time;
use crate::inventory::{After, Inventory, Meta, SchemaChange, Task};
use crate::pipeline::PlanResult;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;

/// Minutes assumed for each app system's rolling deploy when the inventory
/// has no deploy task after the blocking change.
pub const ASSUMED_DEPLOY_MINUTES: Time = 10;

/// A service's downtime in one plan, in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceMinutes {
    /// The service id.
    pub service: String,
    /// Its downtime in the plan, in minutes.
    pub minutes: Time,
}

/// One plan's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormFigures {
    /// The window length, in minutes.
    pub length_minutes: Time,
    /// `optimal` or `feasible`.
    pub status: String,
    /// Each service's downtime, in inventory order.
    pub downtime: Vec<ServiceMinutes>,
}

/// What planning one form gave: a checked plan's figures, or why there is
/// none (JSON: `result` is `planned`, `infeasible` or `not_found`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum FormOutcome {
    /// A plan the independent checker accepted.
    Planned(FormFigures),
    /// Proven: no plan exists.
    Infeasible {
        /// Why, in words.
        reason: String,
    },
    /// No plan found in the time given (not a proof).
    NotFound {
        /// What the search said.
        reason: String,
    },
}

impl FormOutcome {
    /// The figures, when planned.
    pub fn planned(&self) -> Option<&FormFigures> {
        match self {
            FormOutcome::Planned(f) => Some(f),
            _ => None,
        }
    }

    /// Why there is no plan, in words (`None` when planned).
    pub fn why_not(&self) -> Option<String> {
        match self {
            FormOutcome::Planned(_) => None,
            FormOutcome::Infeasible { reason } => Some(format!("proven: no plan exists: {reason}")),
            FormOutcome::NotFound { reason } => Some(format!(
                "no plan found in the time given (not a proof): {reason}"
            )),
        }
    }
}

/// What one service saves done expand/contract, in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceSaving {
    /// The service id.
    pub service: String,
    /// Its downtime in the plan as written.
    pub as_written_minutes: Time,
    /// Its downtime in the expand/contract plan.
    pub expand_contract_minutes: Time,
    /// `as_written_minutes − expand_contract_minutes` (negative: it costs).
    pub saved_minutes: Time,
}

/// A blocking schema change and what the expand/contract form would save
/// and cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpandContractWorth {
    /// The blocking task's id.
    pub task: String,
    /// The system it changes.
    pub database: String,
    /// The systems it takes down (`down:`).
    pub app: Vec<String>,
    /// The inventory as written.
    pub as_written: FormOutcome,
    /// The expand/contract form.
    pub expand_contract: FormOutcome,
    /// Per service (inventory order), when both forms have a plan.
    pub saving: Vec<ServiceSaving>,
    /// The expand/contract window less the window as written, in minutes,
    /// when both forms have a plan.
    pub length_added_minutes: Option<Time>,
    /// Windows the expand/contract form adds (the contract's).
    pub windows_added: u32,
    /// `windows_added` is the stated assumption of one window more for
    /// the contract, not planned (always, for a single window).
    pub windows_added_assumed: bool,
    /// How the alternative was built, where it assumes.
    pub assumptions: Vec<String>,
}

/// The tasks that are a blocking schema change: an outage of exactly one
/// system that takes other systems down with it.
pub fn blocking_changes(inv: &Inventory) -> Vec<usize> {
    (0..inv.tasks.len())
        .filter(|&b| not_blocking(inv, b).is_none())
        .collect()
}

/// Why task `b` is not a blocking schema change (`None` when it is).
fn not_blocking(inv: &Inventory, b: usize) -> Option<&'static str> {
    let t = &inv.tasks[b];
    if t.step.is_some() || t.id != t.parent {
        Some("it has steps or runs on a cluster (a blocking schema change is one outage of one system)")
    } else if inv.schema_change_of(t).is_some() {
        Some("it is a step or the deploy of a schema change already written expand/contract")
    } else if !t.outage {
        Some("it is not an outage (`outage: false`)")
    } else if t.systems.len() != 1 {
        Some("it runs on more than one system (a blocking schema change is an outage of one database)")
    } else if t.down.is_empty() {
        Some("it takes nothing else down (no `down:` naming the app it stops)")
    } else {
        None
    }
}

/// The blocking schema changes named by `ids` (file task ids), in the
/// order given; an error names the first id that is no task or no
/// blocking schema change, and why.
pub fn named_blocking_changes(inv: &Inventory, ids: &[String]) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for id in ids {
        let Some(b) = inv.tasks.iter().position(|t| t.parent == *id) else {
            return Err(format!("`{id}` is no task of the inventory"));
        };
        if let Some(why) = not_blocking(inv, b) {
            return Err(format!(
                "task `{id}` is not a blocking schema change: {why}"
            ));
        }
        if !out.contains(&b) {
            out.push(b);
        }
    }
    Ok(out)
}

fn outcome(p: &PlanResult) -> FormOutcome {
    match p {
        Ok(plan) => FormOutcome::Planned(FormFigures {
            length_minutes: plan.length_minutes,
            status: plan.status.clone(),
            downtime: plan
                .services
                .iter()
                .map(|s| ServiceMinutes {
                    service: s.id.clone(),
                    minutes: s.downtime_minutes,
                })
                .collect(),
        }),
        Err(crate::error::NoPlan::Infeasible(why)) => FormOutcome::Infeasible {
            reason: why.clone(),
        },
        Err(crate::error::NoPlan::NotFound(why)) => FormOutcome::NotFound {
            reason: why.clone(),
        },
    }
}

/// Per service, the downtime of both plans and the saving.
fn savings(a: &FormFigures, b: &FormFigures) -> Vec<ServiceSaving> {
    a.downtime
        .iter()
        .filter_map(|x| {
            let y = b.downtime.iter().find(|y| y.service == x.service)?;
            Some(ServiceSaving {
                service: x.service.clone(),
                as_written_minutes: x.minutes,
                expand_contract_minutes: y.minutes,
                saved_minutes: x.minutes - y.minutes,
            })
        })
        .collect()
}

/// For each blocking change, both forms planned (`base` is the plan of the
/// inventory as written).
pub fn worth(inv: &Inventory, base: &PlanResult, opts: &SolveOptions) -> Vec<ExpandContractWorth> {
    worth_of(inv, &blocking_changes(inv), base, opts)
}

/// [`worth`] for the blocking changes `tasks` (from [`blocking_changes`]
/// or [`named_blocking_changes`]), planned side by side, each with a share
/// of `opts.time_limit`. Every plan is one the independent checker
/// accepted (the pipeline's rule), and the alternative carries its
/// `schema_changes` entry, so the checker holds it to the schema-change
/// rules.
pub fn worth_of(
    inv: &Inventory,
    tasks: &[usize],
    base: &PlanResult,
    opts: &SolveOptions,
) -> Vec<ExpandContractWorth> {
    let short = short_options(opts, tasks.len());
    let as_written = outcome(base);
    tasks
        .par_iter()
        .map(|&b| {
            let t = &inv.tasks[b];
            let (alt, assumptions) = alternative(inv, b);
            let planned = outcome(&crate::analysis::availability::plan_or_floor_proof(
                &alt, &short,
            ));
            let (saving, length_added_minutes) = match (as_written.planned(), planned.planned()) {
                (Some(a), Some(e)) => (savings(a, e), Some(e.length_minutes - a.length_minutes)),
                _ => (Vec::new(), None),
            };
            ExpandContractWorth {
                task: t.id.clone(),
                database: inv.systems[t.systems[0]].id.clone(),
                app: t.down.iter().map(|&s| inv.systems[s].id.clone()).collect(),
                as_written: as_written.clone(),
                expand_contract: planned,
                saving,
                length_added_minutes,
                windows_added: 1,
                windows_added_assumed: true,
                assumptions,
            }
        })
        .collect()
}

fn after(task: usize) -> After {
    After {
        task,
        lag: 0,
        max_lag: None,
    }
}

/// The inventory with task `b` written expand/contract (see the module
/// documentation), and the assumptions made.
pub fn alternative(inv: &Inventory, b: usize) -> (Inventory, Vec<String>) {
    let t = inv.tasks[b].clone();
    let db = t.systems[0];
    let app = t.down.clone();
    let mut alt = inv.clone();
    let mut notes = vec![
        format!(
            "expand and backfill each last {} (the blocking change's duration), online, with its team",
            crate::base::fmt_minutes(t.duration)
        ),
        "no cutover; the contract runs in a later window (one window more)".to_string(),
    ];
    let step = |suffix: &str, title: &str| Task {
        id: format!("{}.{suffix}", t.id),
        parent: format!("{}.{suffix}", t.id),
        outage: false,
        down: Vec::new(),
        after: Vec::new(),
        backout: None,
        meta: Meta {
            title: Some(format!("{} ({title})", t.id)),
            ..Meta::default()
        },
        even_if_failed: Vec::new(),
        ..t.clone()
    };
    alt.tasks[b] = Task {
        after: t.after.clone(),
        even_if_failed: t.even_if_failed.clone(),
        ..step("expand", "additive DDL, online")
    };
    let backfill = alt.tasks.len();
    alt.tasks
        .push(step("backfill", "online copy of the old data"));
    let direct: Vec<usize> = (0..inv.tasks.len())
        .filter(|&j| inv.tasks[j].after.iter().any(|a| a.task == b))
        .collect();
    let deploys: Vec<usize> = direct
        .iter()
        .copied()
        .filter(|&j| inv.tasks[j].systems.iter().any(|s| app.contains(s)))
        .collect();
    let parent = match deploys.first() {
        Some(&d) => inv.tasks[d].parent.clone(),
        None => {
            notes.push(format!(
                "no deploy task follows it: a rolling deploy of {} minutes per app system is assumed, one system at a time",
                ASSUMED_DEPLOY_MINUTES
            ));
            format!("{}.deploy", t.id)
        }
    };
    let mut deploy_acts: Vec<usize> = (0..alt.tasks.len())
        .filter(|&j| alt.tasks[j].parent == parent)
        .collect();
    if deploys.is_empty() {
        let mut prev = b;
        for &m in &app {
            let id = format!("{parent}@{}", inv.systems[m].id);
            alt.tasks.push(Task {
                id,
                parent: parent.clone(),
                systems: vec![m],
                duration: ASSUMED_DEPLOY_MINUTES,
                outage: true,
                needs: Vec::new(),
                windows: None,
                spread: None,
                member: Some(inv.systems[m].id.clone()),
                after: vec![after(prev)],
                ..step("deploy", "rolling deploy of code reading both shapes")
            });
            prev = alt.tasks.len() - 1;
            deploy_acts.push(prev);
        }
    }
    for &d in &deploy_acts {
        if !alt.tasks[d].after.iter().any(|a| a.task == b) {
            alt.tasks[d].after.push(after(b));
        }
    }
    alt.tasks[backfill].after = deploy_acts.iter().map(|&d| after(d)).collect();
    for &j in direct.iter().filter(|j| !deploys.contains(j)) {
        for a in alt.tasks[j].after.iter_mut().filter(|a| a.task == b) {
            a.task = backfill;
        }
    }
    alt.schema_changes.push(SchemaChange {
        id: t.id.clone(),
        database: db,
        app,
        writers: Vec::new(),
        deploy: parent,
        cutover: false,
        same_window: false,
        contract_deferred: true,
        contract_window: None,
    });
    (alt, notes)
}
