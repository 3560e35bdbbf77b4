//! The campaign plan after a re-plan: windows before the one under way as
//! they were, the night as that window's plan (with its `replan` section),
//! later windows as planned again where their tasks changed, the totals
//! recomputed and the status saying what is still proven.

use super::moves::Outcome;
use super::{sets_of, CampaignReplan, CampaignReplanResult, Replan, State};
use crate::inventory::campaign::Campaign;
use crate::inventory::Inventory;
use crate::plan::campaign::{
    CampaignPlan, CampaignWindowPlan, MovedTask, Proven, TaskState, UnplacedTask, WindowReplan,
};
use crate::plan::night::{night_inventory, Entry};
use crate::plan::{rfc3339, weighted_downtime};
use std::collections::BTreeMap;

/// The night inventory of a window re-planned earlier (for the reports):
/// its tasks before, their states and the plan's times.
fn earlier_night(c: &Campaign, v: usize, wp: &CampaignWindowPlan) -> Option<Inventory> {
    let r = wp.replan.as_ref()?;
    let mut before: Vec<usize> = r
        .tasks_before
        .iter()
        .filter_map(|id| c.task_index(id))
        .collect();
    before.sort_unstable();
    let inv = c.window_inventory(v, &before).ok()?;
    let state: BTreeMap<&str, crate::plan::night::State> =
        r.states.iter().map(|s| (s.id.as_str(), s.state)).collect();
    let times: BTreeMap<&str, (i64, i64)> = wp
        .plan
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), (t.start_minute, t.end_minute)))
        .collect();
    let entries: Vec<Entry> = inv
        .tasks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let s = *state.get(t.id.as_str())?;
            let (start, end) = *times.get(t.id.as_str())?;
            (s != crate::plan::night::State::Dropped).then_some(Entry {
                task: i,
                state: s,
                start,
                end,
            })
        })
        .collect();
    Some(night_inventory(&inv, &entries, None))
}

/// The `replan` section of the window under way.
fn window_replan(
    c: &Campaign,
    before: &[usize],
    inv: &Inventory,
    night: &Replan,
    moved: &[MovedTask],
    unplaced: &[UnplacedTask],
) -> WindowReplan {
    let mut states: Vec<Option<TaskState>> = vec![None; inv.tasks.len()];
    for e in &night.entries {
        states[e.task] = Some(TaskState {
            id: inv.tasks[e.task].id.clone(),
            state: e.state,
            reason: None,
        });
    }
    for d in &night.dropped {
        states[d.task] = Some(TaskState {
            id: d.id.clone(),
            state: State::Dropped,
            reason: Some(d.reason.clone()),
        });
    }
    let w = &inv.window;
    WindowReplan {
        now: rfc3339(w, night.now),
        now_minute: night.now,
        tasks_before: before.iter().map(|&t| c.tasks[t].id.clone()).collect(),
        states: states.into_iter().flatten().collect(),
        moved: moved.to_vec(),
        unplaced: unplaced.to_vec(),
    }
}

/// The campaign plan of the re-plan (see the module doc).
pub(super) fn assemble(
    c: &Campaign,
    plan: &CampaignPlan,
    w: usize,
    before: &[usize],
    inv: Inventory,
    night: Replan,
    o: Outcome,
) -> CampaignReplanResult {
    if let Some(why) = o.failure {
        return CampaignReplanResult::NotFound(why);
    }
    let id = |v: usize| c.windows[v].id.clone();
    let moved: Vec<MovedTask> = o
        .moved
        .iter()
        .map(|(&t, (from, to, why))| MovedTask {
            task: c.tasks[t].id.clone(),
            from: id(*from),
            to: id(*to),
            reason: why.clone(),
        })
        .collect();
    let mut unplaced: Vec<UnplacedTask> = o
        .unplaced
        .iter()
        .map(|(t, why, proven)| UnplacedTask {
            task: c.tasks[*t].id.clone(),
            reason: why.clone(),
            proven: *proven,
        })
        .collect();
    // Tasks an earlier re-plan of this window left in no window stay there.
    let this = plan.windows.iter().find(|x| x.id == id(w));
    for u in this
        .and_then(|x| x.replan.as_ref())
        .map_or(&[][..], |r| &r.unplaced[..])
    {
        let t = c.task_index(&u.task);
        if t.is_some_and(|t| o.at[t].is_none() && !unplaced.iter().any(|x| x.task == u.task)) {
            unplaced.push(u.clone());
        }
    }
    let sets = sets_of(&o.at);
    let mut windows = Vec::new();
    let mut inventories = Vec::new();
    let original = sets_of(&super::assignment_of(c, plan));
    let mut night_inv = Some(night.night.clone());
    for v in 0..c.windows.len() {
        let old = plan.windows.iter().find(|x| x.id == id(v));
        let entry = if v == w {
            let replan = window_replan(c, before, &inv, &night, &moved, &unplaced);
            let window = &night.night.window;
            Some((
                CampaignWindowPlan {
                    id: id(v),
                    start: rfc3339(window, 0),
                    deadline: rfc3339(window, window.deadline.unwrap_or(0)),
                    plan: night.plan.clone(),
                    replan: Some(replan),
                },
                night_inv.take(),
            ))
        } else if v < w || sets.get(&v) == original.get(&v) {
            old.map(|wp| {
                let inv = match &wp.replan {
                    Some(_) => earlier_night(c, v, wp),
                    None => c
                        .window_inventory(v, sets.get(&v).map_or(&[][..], |s| &s[..]))
                        .ok(),
                };
                (wp.clone(), inv)
            })
        } else {
            o.plans.get(&v).map(|(p, inv)| {
                let window = &inv.window;
                (
                    CampaignWindowPlan {
                        id: id(v),
                        start: rfc3339(window, 0),
                        deadline: rfc3339(window, window.deadline.unwrap_or(0)),
                        plan: p.clone(),
                        replan: None,
                    },
                    Some(inv.clone()),
                )
            })
        };
        if let Some((wp, inv)) = entry {
            windows.push(wp);
            // Only the reports read it; a checked plan always gives one.
            inventories.push(inv.unwrap_or_else(|| c.whole.clone()));
        }
    }
    let window_of: Vec<Option<usize>> = o.at.clone();
    for inv in &mut inventories {
        c.place_contracts(inv, &window_of);
    }
    let result = CampaignReplan {
        plan: campaign_plan(c, plan, &o.at, windows, &inventories, &unplaced),
        inventories,
        night,
        window: id(w),
        moved,
        unplaced,
    };
    CampaignReplanResult::Planned(Box::new(result))
}

/// The campaign plan's figures after a re-plan. Nothing about the number
/// of windows or the total length stays proven (the bounds assumed the
/// file's durations, and a re-plan does not search the assignment); the
/// downtime stays proven only at zero; `incomplete` when a task is left
/// unplaced, else `feasible`.
fn campaign_plan(
    c: &Campaign,
    plan: &CampaignPlan,
    at: &[Option<usize>],
    windows: Vec<CampaignWindowPlan>,
    inventories: &[Inventory],
    unplaced: &[UnplacedTask],
) -> CampaignPlan {
    let assignment: BTreeMap<String, String> = at
        .iter()
        .enumerate()
        .filter_map(|(t, w)| w.map(|w| (c.tasks[t].id.clone(), c.windows[w].id.clone())))
        .collect();
    let used: Vec<usize> = sets_of(at).keys().copied().collect();
    let downtime: f64 = windows
        .iter()
        .zip(inventories)
        .map(|(wp, inv)| weighted_downtime(inv, &wp.plan))
        .sum::<f64>()
        + 0.0;
    let length = windows.iter().map(|wp| wp.plan.length_minutes).sum();
    let incomplete = !unplaced.is_empty();
    CampaignPlan {
        format: plan.format.clone(),
        status: if incomplete { "incomplete" } else { "feasible" }.into(),
        objective: plan.objective.clone(),
        windows_used: used.len(),
        windows_lower_bound: plan.windows_lower_bound.min(used.len()),
        last_window_lower_bound: None,
        proven: Proven {
            windows: false,
            last_window: false,
            each_window_optimal: windows.iter().all(|wp| wp.plan.status == "optimal"),
            downtime: downtime <= 0.0 && !incomplete,
            length: false,
        },
        downtime_weighted: downtime,
        length_minutes_total: length,
        assignment,
        windows,
        windows_free: (0..c.windows.len())
            .filter(|v| !used.contains(v))
            .map(|v| c.windows[v].id.clone())
            .collect(),
        notes: plan.notes.clone(),
    }
}
