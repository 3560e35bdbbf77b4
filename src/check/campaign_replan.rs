//! The check of a campaign window that was re-planned on the night (its
//! `replan` section, DESIGN.md "Campaigns: choices", "replan on a
//! campaign"): the window's inventory is rebuilt from the file tasks it
//! held before the re-plan, its plan and the states are read as a
//! one-window re-plan and checked by [`super::replan`] (done and running
//! tasks at their actual times, planned ones from `now`, drops explained,
//! every rule over the whole night), and the assignment must agree with
//! the states: what the night keeps stays in the window, what it drops
//! whole is in a later window or left unplaced. No compiler, graph or
//! solver is used.

use super::Violation;
use crate::inventory::campaign::Campaign;
use crate::inventory::Inventory;
use crate::plan::campaign::{
    CampaignWindowPlan, WindowReplan, MOVED_TO_HOLD_DEADLINE, MOVES_WHOLE,
};
use crate::plan::night::State;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The file tasks a re-planned window held before the re-plan (indices,
/// sorted); a violation for each id the campaign does not have.
pub fn tasks_before(c: &Campaign, r: &WindowReplan, out: &mut Vec<Violation>) -> Vec<usize> {
    let mut before = Vec::new();
    for id in &r.tasks_before {
        match c.task_index(id) {
            Some(t) => before.push(t),
            None => out.push(Violation::untimed(
                "campaign",
                vec![id.clone()],
                format!(
                    "the re-plan names a task `{id}` before it that the campaign does not have"
                ),
            )),
        }
    }
    before.sort_unstable();
    before.dedup();
    before
}

/// The window's plan and states as a one-window re-plan file.
fn as_replan_text(wp: &CampaignWindowPlan, r: &WindowReplan) -> String {
    let mut file = serde_json::to_value(&wp.plan).unwrap_or(Value::Null);
    let state: HashMap<&str, State> = r.states.iter().map(|s| (s.id.as_str(), s.state)).collect();
    let mut tasks: Vec<Value> = wp
        .plan
        .tasks
        .iter()
        .map(|t| {
            let mut x = serde_json::to_value(t).unwrap_or(Value::Null);
            if let Some(s) = state.get(t.id.as_str()) {
                x["state"] = json!(s.as_str());
            }
            x
        })
        .collect();
    for s in r.states.iter().filter(|s| s.state == State::Dropped) {
        tasks.push(json!({ "id": s.id, "state": "dropped", "reason": s.reason }));
    }
    file["tasks"] = Value::Array(tasks);
    file["replan"] = json!({ "now_minute": r.now_minute });
    file.to_string()
}

/// Checks re-planned window `w` (its inventory before the re-plan is
/// `inv`, of the file tasks `before`) against its states and the
/// campaign's assignment (`window_of`, per file task); gives the
/// violations, each message naming the window. `latest`: the last window
/// re-planned, whose `moved` list must agree with the assignment (an
/// earlier one's may have been overtaken by a later re-plan).
pub fn check_window(
    c: &Campaign,
    w: usize,
    inv: &Inventory,
    before: &[usize],
    wp: &CampaignWindowPlan,
    window_of: &[Option<usize>],
    latest: bool,
) -> Vec<Violation> {
    let Some(r) = &wp.replan else {
        return Vec::new();
    };
    let wid = &c.windows[w].id;
    let mut out = Vec::new();
    let deadline = inv.window.deadline.unwrap_or(0);
    if r.now_minute < 0 || r.now_minute > deadline {
        out.push(Violation::untimed(
            "now",
            vec![],
            format!(
                "the re-plan's `now` ({}) is outside the window (start to deadline)",
                r.now
            ),
        ));
    }
    assignment_agrees(c, w, inv, before, r, window_of, &mut out);
    let index = inv.task_ids();
    let file_of = |i: usize| before.get(inv.tasks[i].source).copied();
    // A task dropped only because its file task (or lag chain) moves whole:
    // the task named must be of the same unit and dropped for a reason of its own.
    let unit = c.lag_units().of;
    let extra_root = |i: usize, reason: &str, dropped: &[Option<String>]| -> bool {
        // Taken out to hold tonight's deadline: a task that may move (not
        // pinned); that it went to a later window is checked with the
        // assignment, like every drop.
        if reason == MOVED_TO_HOLD_DEADLINE {
            return file_of(i).is_some_and(|f| !c.tasks[f].pinned);
        }
        let Some(rest) = reason.strip_prefix(MOVES_WHOLE) else {
            return false;
        };
        let Some(partner) = rest.strip_prefix('`').and_then(|x| x.split('`').next()) else {
            return false;
        };
        let Some(&j) = index.get(partner) else {
            return false;
        };
        let own = dropped[j]
            .as_deref()
            .is_some_and(|x| !x.starts_with(MOVES_WHOLE));
        matches!((file_of(i), file_of(j)), (Some(a), Some(b)) if own && unit[a] == unit[b])
    };
    let text = as_replan_text(wp, r);
    match super::replan::check_text_with(inv, &text, &format!("window {wid}"), &extra_root) {
        Ok(vs) => out.extend(vs),
        Err(e) => out.extend(e.diagnostics.into_iter().map(|d| {
            Violation::untimed(
                "plan",
                vec![],
                format!("the re-plan cannot be read: {} ({})", d.message, d.path),
            )
        })),
    }
    for m in r.moved.iter().filter(|_| latest) {
        let to = c.task_index(&m.task).and_then(|t| window_of[t]);
        if to.map(|x| &c.windows[x].id) != Some(&m.to) {
            out.push(Violation::untimed(
                "claim",
                vec![m.task.clone()],
                format!(
                    "the re-plan says {} moved to window {}, but the assignment puts it in {}",
                    m.task,
                    m.to,
                    to.map_or("no window", |x| c.windows[x].id.as_str())
                ),
            ));
        }
    }
    for x in &mut out {
        x.message = format!("window {wid} (re-planned): {}", x.message);
    }
    out
}

/// What the night keeps of a file task stays in the window; a file task it
/// drops whole is in a later window or in no window; nothing else is
/// assigned to the window.
fn assignment_agrees(
    c: &Campaign,
    w: usize,
    inv: &Inventory,
    before: &[usize],
    r: &WindowReplan,
    window_of: &[Option<usize>],
    out: &mut Vec<Violation>,
) {
    let state: HashMap<&str, State> = r.states.iter().map(|s| (s.id.as_str(), s.state)).collect();
    let mut kept = vec![false; c.tasks.len()];
    for t in &inv.tasks {
        if let Some(&f) = before.get(t.source) {
            kept[f] |= state
                .get(t.id.as_str())
                .is_some_and(|&s| s != State::Dropped);
        }
    }
    let wid = &c.windows[w].id;
    for &f in before {
        let id = &c.tasks[f].id;
        match window_of[f] {
            Some(x) if kept[f] && x != w => out.push(Violation::untimed(
                "campaign",
                vec![id.clone()],
                format!("task {id} is kept by the re-plan of window {wid}, but the assignment puts it in {}", c.windows[x].id),
            )),
            None if kept[f] => out.push(Violation::untimed(
                "campaign",
                vec![id.clone()],
                format!("task {id} is kept by the re-plan of window {wid}, but the assignment leaves it out"),
            )),
            Some(x) if !kept[f] && x <= w => out.push(Violation::untimed(
                "campaign",
                vec![id.clone()],
                format!("task {id} is dropped from window {wid} by its re-plan, so it may only move to a later window, but the assignment puts it in {}", c.windows[x].id),
            )),
            _ => {}
        }
    }
    for (t, x) in window_of.iter().enumerate() {
        if *x == Some(w) && before.binary_search(&t).is_err() {
            out.push(Violation::untimed(
                "campaign",
                vec![c.tasks[t].id.clone()],
                format!(
                    "task {} is assigned to window {wid}, which was re-planned without it",
                    c.tasks[t].id
                ),
            ));
        }
    }
}
