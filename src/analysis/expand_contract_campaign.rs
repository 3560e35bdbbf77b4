//! What a blocking schema change would save done expand/contract across a
//! campaign's windows (format 1.2, issue #24 item 3; `whatif CAMPAIGN
//! --expand-contract [TASK…]`). Unlike one window, where the contract's
//! window is the stated "+1 window" assumption, here the cost in windows is
//! computed: the campaign is planned as written and with the task rewritten,
//! in the campaign document, as an expand/contract `schema_changes` entry
//! whose contract goes to a later window (`same_window: false`); both go
//! through [`plan_campaign`] and the campaign check, and each side reports
//! the windows used, the total weighted downtime and the total length.
//!
//! The rewrite (DESIGN.md, "Schema changes: choices made", the row
//! "`whatif --expand-contract` on a campaign"): the task is removed and a
//! schema change with its id takes its place — `database` its system, `app`
//! the systems of its `down:`, no writers, no cutover; expand, backfill and
//! contract each with the task's duration and team (`team` or `needs`); the
//! schema change's `after` is the task's; the deploy is the first task
//! directly after it that runs on every app system (its `after` on the task
//! is dropped: the expansion makes it wait for the expand). Other tasks
//! after it on app systems wait for the expand; every other task after it
//! waits for the backfill. With no such deploy task and a `down:` naming one
//! cluster, a rolling deploy `<task>.deploy` of 10 minutes on the cluster
//! (no team, under the cluster's availability rule) is assumed; otherwise
//! the alternative is not built, and the report says why.

use crate::analysis::expand_contract::{
    blocking_changes, named_blocking_changes, ASSUMED_DEPLOY_MINUTES,
};
use crate::check::campaign::check_campaign;
use crate::error::NoPlan;
use crate::inventory::campaign::{load_campaign_str, Campaign};
use crate::inventory::{Format, Limits};
use crate::pipeline::campaign::plan_campaign;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

/// A checked campaign plan's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignFigures {
    /// Windows the plan uses.
    pub windows_used: usize,
    /// The number of windows is proven least (`proven.windows`).
    pub windows_proven: bool,
    /// The campaign plan's status (`optimal` or `feasible`).
    pub status: String,
    /// Σ weight × downtime over every window.
    pub downtime_weighted: f64,
    /// Σ of the windows' lengths, in minutes.
    pub length_minutes_total: i64,
    /// The windows used, in time order.
    pub windows: Vec<String>,
}

/// What planning one form of the campaign gave (JSON: `result` is
/// `planned`, `infeasible`, `not_found` or `not_built`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CampaignOutcome {
    /// A campaign plan the campaign check accepted.
    Planned(CampaignFigures),
    /// Proven: no campaign plan exists.
    Infeasible {
        /// Why, in words.
        reason: String,
    },
    /// No plan found in the time given (not a proof).
    NotFound {
        /// What the search said.
        reason: String,
    },
    /// The expand/contract form could not be written from the campaign
    /// file (see the module documentation).
    NotBuilt {
        /// Why, in words.
        reason: String,
    },
}

impl CampaignOutcome {
    /// The figures, when planned.
    pub fn planned(&self) -> Option<&CampaignFigures> {
        match self {
            CampaignOutcome::Planned(f) => Some(f),
            _ => None,
        }
    }

    /// Why there is no plan, in words (`None` when planned).
    pub fn why_not(&self) -> Option<String> {
        match self {
            CampaignOutcome::Planned(_) => None,
            CampaignOutcome::Infeasible { reason } => {
                Some(format!("proven: no campaign plan exists: {reason}"))
            }
            CampaignOutcome::NotFound { reason } => Some(format!(
                "no campaign plan found in the time given (not a proof): {reason}"
            )),
            CampaignOutcome::NotBuilt { reason } => {
                Some(format!("the expand/contract form was not built: {reason}"))
            }
        }
    }
}

/// A blocking schema change of a campaign, planned both ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignExpandContractWorth {
    /// The blocking task's id.
    pub task: String,
    /// The system it changes.
    pub database: String,
    /// The systems it takes down (`down:`).
    pub app: Vec<String>,
    /// The campaign as written.
    pub as_written: CampaignOutcome,
    /// The campaign with the task written expand/contract.
    pub expand_contract: CampaignOutcome,
    /// The window the contract was given, when planned.
    pub contract_window: Option<String>,
    /// Windows used expand/contract less as written (computed), when both
    /// have a plan.
    pub windows_added: Option<i64>,
    /// Weighted downtime as written less expand/contract, when both have a
    /// plan.
    pub downtime_saved: Option<f64>,
    /// Total length expand/contract less as written, in minutes, when both
    /// have a plan.
    pub length_added_minutes: Option<i64>,
    /// How the alternative was built, where it assumes.
    pub assumptions: Vec<String>,
}

/// Plans a campaign and runs the campaign check on the plan: only a plan
/// the check accepts gives figures.
fn planned(
    c: &Campaign,
    opts: &SolveOptions,
) -> (CampaignOutcome, Option<crate::plan::campaign::CampaignPlan>) {
    match plan_campaign(c, opts) {
        Ok(r) => {
            let v = check_campaign(c, &r.plan);
            if !v.is_empty() {
                let words: Vec<String> = v.iter().take(3).map(|v| v.to_string()).collect();
                return (
                    CampaignOutcome::NotFound {
                        reason: format!(
                            "the campaign check refused the plan found ({}); no figure is given",
                            words.join("; ")
                        ),
                    },
                    None,
                );
            }
            let p = &r.plan;
            let figures = CampaignFigures {
                windows_used: p.windows_used,
                windows_proven: p.proven.windows,
                status: p.status.clone(),
                downtime_weighted: p.downtime_weighted,
                length_minutes_total: p.length_minutes_total,
                windows: p.windows.iter().map(|w| w.id.clone()).collect(),
            };
            (CampaignOutcome::Planned(figures), Some(r.plan))
        }
        Err(NoPlan::Infeasible(reason)) => (CampaignOutcome::Infeasible { reason }, None),
        Err(NoPlan::NotFound(reason)) => (CampaignOutcome::NotFound { reason }, None),
    }
}

/// For each blocking schema change of the campaign (those named by `ids`,
/// or every one when `ids` is empty), the campaign planned as written and
/// written expand/contract, each with `opts` (the alternatives side by
/// side). `doc` is the campaign document as read; `source` names it.
/// Err: a named task that is no blocking schema change, in words.
pub fn campaign_worth(
    doc: &Value,
    c: &Campaign,
    ids: &[String],
    source: &str,
    limits: &Limits,
    opts: &SolveOptions,
) -> Result<Vec<CampaignExpandContractWorth>, String> {
    let whole = &c.whole;
    let tasks = if ids.is_empty() {
        blocking_changes(whole)
    } else {
        named_blocking_changes(whole, ids)?
    };
    if tasks.is_empty() {
        return Ok(Vec::new());
    }
    let (as_written, _) = planned(c, opts);
    Ok(tasks
        .par_iter()
        .map(|&b| {
            let t = &whole.tasks[b];
            let app: Vec<String> = t
                .down
                .iter()
                .map(|&s| whole.systems[s].id.clone())
                .collect();
            let (expand_contract, contract_window, assumptions) =
                match rewrite(doc, c, b).and_then(|(alt, notes)| {
                    let text = serde_json::to_string(&alt).map_err(|e| e.to_string())?;
                    let alt_source = format!("{source} (task {} written expand/contract)", t.id);
                    match load_campaign_str(&text, Format::Json, &alt_source, limits) {
                        Ok(Some(ac)) => Ok((ac, notes)),
                        Ok(None) => Err("the rewritten file is no campaign".to_string()),
                        Err(e) => Err(format!("the rewritten campaign does not validate: {e}")),
                    }
                }) {
                    Ok((ac, notes)) => {
                        let (outcome, plan) = planned(&ac, opts);
                        let contract = plan
                            .and_then(|p| p.assignment.get(&format!("{}.contract", t.id)).cloned());
                        (outcome, contract, notes)
                    }
                    Err(reason) => (CampaignOutcome::NotBuilt { reason }, None, Vec::new()),
                };
            let both = as_written.planned().zip(expand_contract.planned());
            CampaignExpandContractWorth {
                task: t.id.clone(),
                database: whole.systems[t.systems[0]].id.clone(),
                app,
                windows_added: both.map(|(a, e)| e.windows_used as i64 - a.windows_used as i64),
                downtime_saved: both.map(|(a, e)| a.downtime_weighted - e.downtime_weighted),
                length_added_minutes: both
                    .map(|(a, e)| e.length_minutes_total - a.length_minutes_total),
                as_written: as_written.clone(),
                expand_contract,
                contract_window,
                assumptions,
            }
        })
        .collect())
}

/// Whether an `after` entry (a string or `{task, …}`) names `id`.
fn names(entry: &Value, id: &str) -> bool {
    match entry {
        Value::String(s) => s == id,
        Value::Object(m) => m.get("task").and_then(Value::as_str) == Some(id),
        _ => false,
    }
}

/// `entry` with its task renamed to `to`.
fn renamed(entry: &Value, to: &str) -> Value {
    match entry {
        Value::Object(m) => {
            let mut m = m.clone();
            m.insert("task".into(), Value::String(to.to_string()));
            Value::Object(m)
        }
        _ => Value::String(to.to_string()),
    }
}

/// The systems file task `id` runs on, resolved (every activity of it).
fn systems_of(c: &Campaign, id: &str) -> Vec<usize> {
    let mut out: Vec<usize> = c
        .whole
        .tasks
        .iter()
        .filter(|t| t.parent == id)
        .flat_map(|t| t.systems.iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The campaign document with blocking task `b` (of `c.whole`) written as
/// an expand/contract schema change (see the module documentation), and
/// the assumptions made; Err says why it cannot be written.
fn rewrite(doc: &Value, c: &Campaign, b: usize) -> Result<(Value, Vec<String>), String> {
    let t = &c.whole.tasks[b];
    let id = t.id.as_str();
    let mut doc = doc.clone();
    let tasks = doc
        .get_mut("tasks")
        .and_then(Value::as_array_mut)
        .ok_or("the campaign file has no `tasks` list")?;
    let at = tasks
        .iter()
        .position(|x| x.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| format!("task `{id}` is not in the file's `tasks`"))?;
    let task = tasks.remove(at);
    let team = |extra: Value| -> Result<Value, String> {
        let mut step = json!({ "duration": task["duration"].clone() });
        match (task.get("team"), task.get("needs")) {
            (Some(team), _) => step["team"] = team.clone(),
            (None, Some(needs)) => step["needs"] = needs.clone(),
            (None, None) => {
                return Err(format!(
                    "task `{id}` names no team; expand, backfill and contract each need one (E148)"
                ))
            }
        }
        crate::analysis::whatif::merge_patch(&mut step, &extra);
        Ok(step)
    };
    let mut notes = vec![format!(
        "expand, backfill and contract each last {} (the blocking change's duration), online, with its team; the contract in a later window (same_window: false), planned",
        crate::base::fmt_minutes(t.duration)
    ), "no cutover, no writers".to_string()];
    let carried = ["windows_allowed", "in_window", "windows"]
        .into_iter()
        .filter(|k| task.get(*k).is_some())
        .collect::<Vec<_>>();
    if !carried.is_empty() {
        notes.push(format!(
            "the task's {} {} not carried: a schema change's steps take the windows the rules allow",
            carried.join(", "),
            if carried.len() == 1 { "is" } else { "are" }
        ));
    }
    let deploy = deploy_task(tasks, c, t, id, &mut notes)?;
    repoint_successors(tasks, c, t, id, &deploy);
    let mut sc = json!({
        "id": id,
        "database": c.whole.systems[t.systems[0]].id,
        "app": t.down.iter().map(|&s| c.whole.systems[s].id.clone()).collect::<Vec<_>>(),
        "expand": team(json!({}))?,
        "deploy": deploy,
        "backfill": team(json!({}))?,
        "contract": team(json!({ "same_window": false }))?,
    });
    for key in ["after", "title", "change", "owner"] {
        if let Some(v) = task.get(key) {
            sc[key] = v.clone();
        }
    }
    match doc.get_mut("schema_changes").and_then(Value::as_array_mut) {
        Some(list) => list.push(sc),
        None => doc["schema_changes"] = Value::Array(vec![sc]),
    }
    Ok((doc, notes))
}

/// The deploy task's id: the first task directly after `id` that runs on
/// every app system (its `after` on `id` dropped), or an assumed rolling
/// deploy on the one cluster `down:` names (appended to `tasks`).
fn deploy_task(
    tasks: &mut Vec<Value>,
    c: &Campaign,
    t: &crate::inventory::Task,
    id: &str,
    notes: &mut Vec<String>,
) -> Result<String, String> {
    let found = tasks.iter().position(|x| {
        let after = x.get("after").and_then(Value::as_array);
        let follows = after.is_some_and(|a| a.iter().any(|e| names(e, id)));
        let on = x
            .get("id")
            .and_then(Value::as_str)
            .map(|d| systems_of(c, d))
            .unwrap_or_default();
        follows && t.down.iter().all(|s| on.contains(s))
    });
    if let Some(i) = found {
        if let Some(after) = tasks[i].get_mut("after").and_then(Value::as_array_mut) {
            after.retain(|e| !names(e, id));
        }
        return Ok(tasks[i]["id"].as_str().unwrap_or_default().to_string());
    }
    let down = c.whole.clusters.iter().find(|k| {
        let mut m = k.members.clone();
        m.sort_unstable();
        let mut d = t.down.clone();
        d.sort_unstable();
        m == d
    });
    let Some(cluster) = down else {
        return Err(format!(
            "no task after `{id}` runs on every system it takes down, and they are not one cluster: write the deploy (a task on every app system, after `{id}`) to compare across windows"
        ));
    };
    let deploy = format!("{id}.deploy");
    notes.push(format!(
        "no deploy task follows it: a rolling deploy `{deploy}` of {} on cluster {} (no team, under the cluster's availability rule) is assumed",
        crate::base::fmt_minutes(ASSUMED_DEPLOY_MINUTES),
        cluster.id
    ));
    tasks.push(json!({
        "id": deploy,
        "cluster": cluster.id,
        "duration": format!("{ASSUMED_DEPLOY_MINUTES}m"),
        "title": format!("{id} (rolling deploy of code reading both shapes)"),
    }));
    Ok(deploy)
}

/// Every other task directly after `id`: on an app system it waits for
/// the expand, else for the backfill.
fn repoint_successors(
    tasks: &mut [Value],
    c: &Campaign,
    t: &crate::inventory::Task,
    id: &str,
    deploy: &str,
) {
    for x in tasks.iter_mut() {
        let xid = x
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if xid == deploy {
            continue;
        }
        let on_app = systems_of(c, &xid).iter().any(|s| t.down.contains(s));
        let to = format!("{id}.{}", if on_app { "expand" } else { "backfill" });
        if let Some(after) = x.get_mut("after").and_then(Value::as_array_mut) {
            for e in after.iter_mut().filter(|e| names(e, id)) {
                *e = renamed(e, &to);
            }
        }
    }
}
