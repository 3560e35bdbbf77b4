//! The independent check of a campaign plan (`windowplan-campaign/1`):
//! every task in exactly one window it may use, `after` across windows
//! (the predecessor in an earlier window, or in the same one and checked
//! there), `later_window_than` (a strictly later window), DR `order`
//! across windows, and each window's plan checked by [`super::check`] and
//! [`super::claims`] against that window's own inventory (built from the
//! campaign file and the assignment as written, never from the solver),
//! and format 1.2 schema changes split over windows in the campaign's order
//! of windows.
//! The figures the file states about the campaign are checked too.

use super::{check, claims::check_claims, Violation};
use crate::error::{Diagnostic, InputError};
use crate::inventory::campaign::Campaign;
use crate::plan::campaign::{CampaignPlan, CAMPAIGN_FORMAT};
use crate::plan::read_plan_starts;
use crate::plan::weighted_downtime;
use std::collections::HashMap;

/// Reads a campaign plan file (E156 when it is no `windowplan-campaign/1`).
pub fn read_campaign_plan(text: &str) -> Result<CampaignPlan, InputError> {
    let plan: CampaignPlan = serde_json::from_str(text).map_err(|e| {
        InputError::one(
            "plan",
            Diagnostic::new(
                "E156",
                "",
                format!("the campaign plan does not fit `{CAMPAIGN_FORMAT}`: {e}"),
                "give a file written by `windowplan plan CAMPAIGN --format json`",
            ),
        )
    })?;
    if plan.format != CAMPAIGN_FORMAT {
        return Err(InputError::one(
            "plan",
            Diagnostic::new(
                "E156",
                "format",
                format!(
                    "the plan's format is `{}`, not `{CAMPAIGN_FORMAT}`",
                    plan.format
                ),
                "check a campaign with the plan `windowplan plan` wrote for it",
            ),
        ));
    }
    Ok(plan)
}

/// Every rule of the campaign and of each window, from the campaign file
/// and the plan's assignment and start times alone.
pub fn check_campaign(c: &Campaign, plan: &CampaignPlan) -> Vec<Violation> {
    let mut out = Vec::new();
    let unplaced: Vec<&str> = plan
        .windows
        .iter()
        .filter_map(|wp| wp.replan.as_ref())
        .flat_map(|r| r.unplaced.iter().map(|u| u.task.as_str()))
        .collect();
    let latest = plan.windows.iter().rposition(|wp| wp.replan.is_some());
    let window_of = assignment(c, plan, &unplaced, &mut out);
    order_rules(c, &window_of, &mut out);
    schema_change_order(c, &window_of, &mut out);
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (t, w) in window_of.iter().enumerate() {
        if let Some(w) = w {
            members.entry(*w).or_default().push(t);
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut downtime = 0.0;
    let mut length = 0;
    for (k, wp) in plan.windows.iter().enumerate() {
        *seen.entry(wp.id.as_str()).or_default() += 1;
        let Some(w) = c.window_index(&wp.id) else {
            out.push(Violation::untimed(
                "campaign",
                vec![],
                format!(
                    "the plan has a window `{}` the campaign does not list",
                    wp.id
                ),
            ));
            continue;
        };
        let mut tasks = members.get(&w).cloned().unwrap_or_default();
        if let Some(r) = &wp.replan {
            // A re-planned window is rebuilt from the tasks it held before.
            tasks = super::campaign_replan::tasks_before(c, r, &mut out);
        }
        let inv = match c.window_inventory(w, &tasks) {
            Ok(inv) => inv,
            Err(e) => {
                for d in e.diagnostics {
                    out.push(Violation::untimed(
                        "campaign",
                        vec![],
                        format!(
                            "window {}: its tasks do not make a valid window: {} ({})",
                            wp.id, d.message, d.path
                        ),
                    ));
                }
                continue;
            }
        };
        let win = &c.windows[w];
        for (field, stated, real) in [
            ("start", &wp.start, crate::plan::rfc3339(&inv.window, 0)),
            (
                "deadline",
                &wp.deadline,
                crate::plan::rfc3339(&inv.window, inv.window.deadline.unwrap_or(0)),
            ),
        ] {
            if *stated != real {
                out.push(Violation::untimed("claim", vec![], format!("window {}: the plan says its {field} is {stated}; the campaign says {real}", win.id)));
            }
        }
        if wp.replan.is_some() {
            out.extend(super::campaign_replan::check_window(
                c,
                w,
                &inv,
                &tasks,
                wp,
                &window_of,
                latest == Some(k),
            ));
            downtime += weighted_downtime(&inv, &wp.plan);
            length += wp.plan.length_minutes;
            continue;
        }
        let text = serde_json::to_string(&wp.plan).unwrap_or_default();
        match read_plan_starts(&text, &inv) {
            Err(e) => {
                for d in e.diagnostics {
                    out.push(Violation::untimed(
                        "plan",
                        vec![],
                        format!("window {}: {} ({})", wp.id, d.message, d.path),
                    ));
                }
            }
            Ok(starts) => {
                for mut x in check(&inv, &starts)
                    .into_iter()
                    .chain(check_claims(&inv, &starts, &text))
                {
                    x.message = format!("window {}: {}", wp.id, x.message);
                    out.push(x);
                }
                downtime += weighted_downtime(&inv, &wp.plan);
                length += wp.plan.length_minutes;
            }
        }
    }
    for (id, n) in seen {
        if n > 1 {
            out.push(Violation::untimed(
                "campaign",
                vec![],
                format!("the plan lists window `{id}` {n} times"),
            ));
        }
    }
    for w in members.keys() {
        if !plan.windows.iter().any(|p| p.id == c.windows[*w].id) {
            out.push(Violation::untimed(
                "campaign",
                vec![],
                format!(
                    "tasks are assigned to window {} but the plan gives no plan for it",
                    c.windows[*w].id
                ),
            ));
        }
    }
    claims(c, plan, &members, downtime, length, &mut out);
    replan_claims(plan, &unplaced, &mut out);
    out
}

/// The status of a re-planned campaign: `incomplete` exactly when a
/// re-plan left a task unplaced (or only partly run), and never `optimal`
/// (a re-plan proves nothing about the windows or the length).
fn replan_claims(plan: &CampaignPlan, unplaced: &[&str], out: &mut Vec<Violation>) {
    let replanned = plan.windows.iter().any(|wp| wp.replan.is_some());
    let incomplete = plan.status == "incomplete";
    if !unplaced.is_empty() && !incomplete {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan's status is `{}`, but a re-plan left {} unplaced: the status is `incomplete`",
                plan.status,
                unplaced.join(", ")
            ),
        ));
    }
    if unplaced.is_empty() && incomplete {
        out.push(Violation::untimed(
            "claim",
            vec![],
            "the plan says `incomplete`, but every task is in a window".into(),
        ));
    }
    if replanned && plan.status == "optimal" {
        out.push(Violation::untimed(
            "claim",
            vec![],
            "the plan says `optimal`, but a window of it was re-planned (nothing about the windows or the length is proven after a re-plan)".into(),
        ));
    }
}

/// Each file task's window (index), from the assignment as written.
/// A task in no window is refused unless a re-plan lists it as unplaced.
fn assignment(
    c: &Campaign,
    plan: &CampaignPlan,
    unplaced: &[&str],
    out: &mut Vec<Violation>,
) -> Vec<Option<usize>> {
    let mut window_of: Vec<Option<usize>> = vec![None; c.tasks.len()];
    for (task, wid) in &plan.assignment {
        let Some(t) = c.task_index(task) else {
            out.push(Violation::untimed(
                "campaign",
                vec![task.clone()],
                format!("the assignment names a task `{task}` the campaign does not have"),
            ));
            continue;
        };
        let Some(w) = c.window_index(wid) else {
            out.push(Violation::untimed(
                "campaign",
                vec![task.clone()],
                format!("task {task} is assigned to a window `{wid}` the campaign does not list"),
            ));
            continue;
        };
        if !c.tasks[t].domain.contains(&w) {
            let allowed: Vec<&str> = c.tasks[t]
                .domain
                .iter()
                .map(|&d| c.windows[d].id.as_str())
                .collect();
            out.push(Violation::untimed(
                "window_allowed",
                vec![task.clone()],
                format!(
                    "task {task} runs in window {wid}, but it may use only {}",
                    allowed.join(", ")
                ),
            ));
        }
        window_of[t] = Some(w);
    }
    for (t, w) in window_of.iter().enumerate() {
        if w.is_none()
            && !plan.assignment.contains_key(&c.tasks[t].id)
            && !unplaced.contains(&c.tasks[t].id.as_str())
        {
            out.push(Violation::untimed(
                "campaign",
                vec![c.tasks[t].id.clone()],
                format!("task {} is in no window", c.tasks[t].id),
            ));
        }
    }
    window_of
}

/// `after` (and DR `order`) across windows, lag chains, `later_window_than`.
fn order_rules(c: &Campaign, window_of: &[Option<usize>], out: &mut Vec<Violation>) {
    let id = |w: usize| c.windows[w].id.as_str();
    for (t, task) in c.tasks.iter().enumerate() {
        let Some(wt) = window_of[t] else { continue };
        for &p in &task.after {
            if let Some(wp) = window_of[p] {
                if wp > wt {
                    out.push(Violation::untimed("after", vec![task.id.clone(), c.tasks[p].id.clone()], format!(
                        "task {} runs in window {} but comes after {}, which runs in the later window {}",
                        task.id, id(wt), c.tasks[p].id, id(wp)
                    )));
                }
            }
        }
        for &p in &task.same_window {
            if let Some(wp) = window_of[p] {
                if wp != wt && p < t {
                    out.push(Violation::untimed("max_lag", vec![task.id.clone(), c.tasks[p].id.clone()], format!(
                        "tasks {} and {} are linked by a `max_lag` and must share a window, but run in {} and {}",
                        c.tasks[p].id, task.id, id(wp), id(wt)
                    )));
                }
            }
        }
        for &p in &task.later_than {
            if let Some(wp) = window_of[p] {
                if wp >= wt {
                    out.push(Violation::untimed(
                        "later_window",
                        vec![task.id.clone(), c.tasks[p].id.clone()],
                        format!(
                        "task {} must run in a later window than {}, but runs in {} and {} in {}",
                        task.id, c.tasks[p].id, id(wt), c.tasks[p].id, id(wp)
                    ),
                    ));
                }
            }
        }
    }
}

/// A task id and its window (index), when assigned.
type Placed = (String, Option<usize>);

/// Format 1.2 schema changes across windows, re-derived from the
/// campaign's resolved schema changes (not from the `after` and
/// `later_window_than` entries the expansion wrote): the expand's window is
/// no later than the deploy's, the deploy's and every writer task's no
/// later than the backfill's, the backfill's no later than the cutover's
/// and the contract's, the cutover's no later than the contract's, and the
/// contract's strictly later than the deploy's unless `same_window`. Within
/// one window the order in time is the window checker's (rule
/// `schema_change`).
fn schema_change_order(c: &Campaign, window_of: &[Option<usize>], out: &mut Vec<Violation>) {
    use crate::inventory::SchemaStep as S;
    let at = |id: &str| {
        c.task_index(id)
            .and_then(|t| window_of.get(t).copied().flatten())
    };
    for sc in &c.whole.schema_changes {
        let step = |s: S| (sc.step_id(s), at(&sc.step_id(s)));
        let deploy = (sc.deploy.clone(), at(&sc.deploy));
        let (expand, backfill, cutover, contract) = (
            step(S::Expand),
            step(S::Backfill),
            step(S::Cutover),
            step(S::Contract),
        );
        let own = format!("{}.", sc.id);
        let writers: Vec<Placed> = c
            .whole
            .tasks
            .iter()
            .filter(|t| {
                t.parent != sc.deploy
                    && !t.id.starts_with(&own)
                    && t.systems.iter().any(|s| sc.writers.contains(s))
            })
            .map(|t| (c.tasks[t.source].id.clone(), window_of[t.source]))
            .collect();
        let mut pairs: Vec<(&Placed, &Placed, bool, &str)> = vec![
            (&expand, &deploy, false, "the new code needs the expanded schema"),
            (&deploy, &backfill, false, "the backfill waits for every app member to run the new code"),
            (&backfill, &contract, false, "the old data must be copied first"),
            (&deploy, &contract, !sc.same_window, "the release's rollback needs the old shape until a later window (`same_window` is false)"),
        ];
        if sc.cutover {
            pairs.push((
                &backfill,
                &cutover,
                false,
                "the old data must be copied first",
            ));
            pairs.push((
                &cutover,
                &contract,
                false,
                "the old shape is dropped only after the swap",
            ));
        }
        for w in &writers {
            pairs.push((
                w,
                &backfill,
                false,
                "the backfill waits for every writer to run the new code",
            ));
        }
        for ((a, wa), (b, wb), strict, why) in pairs {
            let (Some(wa), Some(wb)) = (*wa, *wb) else {
                continue;
            };
            if wb < wa || (strict && wb == wa) {
                let when = if wb == wa {
                    "the same window as"
                } else {
                    "a window before"
                };
                out.push(Violation::untimed(
                    "schema_change",
                    vec![a.clone(), b.clone()],
                    format!(
                        "schema change {}: {b} runs in window {}, {when} {a} (window {}) ({why})",
                        sc.id, c.windows[wb].id, c.windows[wa].id
                    ),
                ));
            }
        }
    }
}

/// The figures the campaign plan states about itself.
fn claims(
    c: &Campaign,
    plan: &CampaignPlan,
    members: &HashMap<usize, Vec<usize>>,
    downtime: f64,
    length: i64,
    out: &mut Vec<Violation>,
) {
    let used = members.len();
    if plan.windows_used != used {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says it uses {} windows; its assignment uses {used}",
                plan.windows_used
            ),
        ));
    }
    if plan.windows_lower_bound > used {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says no plan uses fewer than {} windows, but it uses {used}",
                plan.windows_lower_bound
            ),
        ));
    }
    let free: Vec<&str> = (0..c.windows.len())
        .filter(|w| !members.contains_key(w))
        .map(|w| c.windows[w].id.as_str())
        .collect();
    if plan
        .windows_free
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        != free
    {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says the free windows are [{}]; its assignment leaves [{}]",
                plan.windows_free.join(", "),
                free.join(", ")
            ),
        ));
    }
    if (plan.downtime_weighted - downtime).abs() > 1e-6 * downtime.abs().max(1.0) {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says the weighted downtime is {}; its windows give {downtime}",
                plan.downtime_weighted
            ),
        ));
    }
    if plan.length_minutes_total != length {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says its windows last {} minutes in all; their plans give {length}",
                plan.length_minutes_total
            ),
        ));
    }
    if plan.proven.downtime && downtime > 1e-9 {
        out.push(Violation::untimed("claim", vec![], format!("the plan says its downtime is proven least, but it is {downtime} (proven only at zero)")));
    }
    if plan.proven.windows && plan.windows_lower_bound < used {
        out.push(Violation::untimed(
            "claim",
            vec![],
            format!(
                "the plan says {used} windows is proven fewest, but states a bound of {}",
                plan.windows_lower_bound
            ),
        ));
    }
    match plan.status.as_str() {
        "feasible" | "incomplete" => {}
        "optimal" => {
            let proven_windows = plan.proven.windows || plan.proven.last_window;
            if !proven_windows || (plan.proven.windows && plan.windows_lower_bound < used) {
                out.push(Violation::untimed("claim", vec![], "the plan says `optimal` but does not state the number (or the last) of its windows proven".into()));
            }
            if plan.objective.iter().any(|o| o == "downtime") && !plan.proven.downtime {
                out.push(Violation::untimed(
                    "claim",
                    vec![],
                    "the plan says `optimal` but does not state its downtime proven least".into(),
                ));
            }
            if plan.objective.iter().any(|o| o == "length") && !plan.proven.length {
                out.push(Violation::untimed(
                    "claim",
                    vec![],
                    "the plan says `optimal` but does not state its total length proven least"
                        .into(),
                ));
            }
        }
        other => out.push(Violation::untimed(
            "claim",
            vec![],
            format!("the plan's status `{other}` is not `optimal`, `feasible` or `incomplete`"),
        )),
    }
}
