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

/// One plan's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormFigures {
    /// The window length, in minutes.
    pub length_minutes: Time,
    /// `optimal` or `feasible`.
    pub status: String,
    /// Each service's downtime, in minutes, in inventory order.
    pub downtime: Vec<(String, Time)>,
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
    /// How the alternative was built, where it assumes.
    pub assumptions: Vec<String>,
    /// The inventory as written; `Err` says why it has no plan.
    pub blocking: Result<FormFigures, String>,
    /// The expand/contract form; `Err` says why it has no plan.
    pub expand_contract: Result<FormFigures, String>,
    /// Windows the expand/contract form adds (the contract's).
    pub windows_added: u32,
}

/// The tasks that are a blocking schema change: an outage of exactly one
/// system that takes other systems down with it.
pub fn blocking_changes(inv: &Inventory) -> Vec<usize> {
    (0..inv.tasks.len())
        .filter(|&b| {
            let t = &inv.tasks[b];
            t.outage && t.systems.len() == 1 && !t.down.is_empty() && t.step.is_none()
        })
        .collect()
}

fn figures(p: &PlanResult) -> Result<FormFigures, String> {
    match p {
        Ok(plan) => Ok(FormFigures {
            length_minutes: plan.length_minutes,
            status: plan.status.clone(),
            downtime: plan
                .services
                .iter()
                .map(|s| (s.id.clone(), s.downtime_minutes))
                .collect(),
        }),
        Err(crate::error::NoPlan::Infeasible(why)) => Err(format!("proven: no plan exists: {why}")),
        Err(crate::error::NoPlan::NotFound(why)) => Err(format!(
            "no plan found in the time given (not a proof): {why}"
        )),
    }
}

/// For each blocking change, both forms planned (`base` is the plan of the
/// inventory as written).
pub fn worth(inv: &Inventory, base: &PlanResult, opts: &SolveOptions) -> Vec<ExpandContractWorth> {
    let blocking = blocking_changes(inv);
    let short = short_options(opts, blocking.len());
    blocking
        .into_par_iter()
        .map(|b| {
            let t = &inv.tasks[b];
            let (alt, assumptions) = alternative(inv, b);
            let planned = crate::pipeline::plan_inventory(&alt, &short);
            ExpandContractWorth {
                task: t.id.clone(),
                database: inv.systems[t.systems[0]].id.clone(),
                app: t.down.iter().map(|&s| inv.systems[s].id.clone()).collect(),
                assumptions,
                blocking: figures(base),
                expand_contract: figures(&planned),
                windows_added: 1,
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
