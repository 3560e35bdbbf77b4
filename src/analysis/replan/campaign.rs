//! `replan` on a campaign (DESIGN.md, "Campaigns: choices", "replan on a
//! campaign"): the window whose span holds `now` is re-planned as one night
//! ([`super::replan`], unchanged); every file task the night drops moves
//! whole (a cluster task with all its members, a lag chain with its
//! partners) to the first later window of its domain that its
//! predecessors allow, its `after` and `later_window_than` successors in
//! earlier windows dragged along; each window whose tasks changed is
//! planned again with the ordinary pipeline, and a window that cannot take
//! a moved task (no plan, or none in time) gives way to the next candidate.
//! A task no later window takes is left in no window and said so. The
//! run holds a [`Budget`]: the night's searches get the time it has left,
//! and every later window's search is one of its units; once it allows no
//! more, what is not placed is left in no window, not proven (DESIGN.md,
//! "replan on a campaign", *Time*). The caller runs the campaign check on
//! the result before writing it.

use super::{replan, Replan, ReplanOptions, ReplanResult, State};
use crate::analysis::budget::Budget;
use crate::error::{Diagnostic, InputError, NoPlan};
use crate::inventory::campaign::Campaign;
use crate::inventory::{Format, Inventory};
use crate::plan::campaign::{MovedTask, UnplacedTask, MOVED_TO_HOLD_DEADLINE, MOVES_WHOLE};
use crate::plan::night::NO_START;
use crate::plan::Plan;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod build;
mod moves;

/// The progress file as read: its text, format, name, and `--now`.
#[derive(Debug, Clone, Copy)]
pub struct ProgressInput<'a> {
    /// The file's text.
    pub text: &'a str,
    /// YAML or JSON.
    pub format: Format,
    /// Its name, for diagnostics.
    pub source: &'a str,
    /// `--now`, replacing the file's `now`.
    pub now: Option<&'a str>,
}

/// A re-planned campaign.
#[derive(Debug, Clone)]
pub struct CampaignReplan {
    /// The campaign plan: the night as that window's plan, moved tasks in
    /// their new windows.
    pub plan: crate::plan::campaign::CampaignPlan,
    /// Each window's inventory, in the order of `plan.windows` (the
    /// re-planned window's is its night inventory).
    pub inventories: Vec<Inventory>,
    /// The night re-plan of the window under way.
    pub night: Replan,
    /// The id of the window under way.
    pub window: String,
    /// File tasks moved to another window, and why.
    pub moved: Vec<MovedTask>,
    /// File tasks no window takes (or only partly run tonight).
    pub unplaced: Vec<UnplacedTask>,
}

/// What re-planning a campaign gave.
#[derive(Debug, Clone)]
pub enum CampaignReplanResult {
    /// The campaign re-planned (it may leave tasks unplaced: see `unplaced`).
    Planned(Box<CampaignReplan>),
    /// The night itself has no plan, as for one window.
    Night {
        /// The window under way.
        window: String,
        /// Its window (for the times in the messages).
        night_window: Box<crate::inventory::Window>,
        /// What the night re-plan gave (never `Planned`).
        result: ReplanResult,
    },
    /// A later window that only lost tasks found no plan in time.
    NotFound(String),
}

/// The used window of `plan` whose span (start to deadline, both included)
/// holds `now_text`, a local time in the campaign's timezone. E157 when
/// none does, naming `now` and every used window's span.
pub fn window_under_way(
    c: &Campaign,
    plan: &crate::plan::campaign::CampaignPlan,
    now_text: &str,
    now_path: &str,
    source: &str,
) -> Result<usize, InputError> {
    let cal = crate::inventory::time::WindowCalendar {
        tz: c.whole.window.start.time_zone().clone(),
        start: c.whole.window.start.clone(),
    };
    let now = cal.minute(now_text, &mut Vec::new()).map_err(|e| {
        InputError::one(source, Diagnostic::new("E102", now_path, e.message, e.hint))
    })?;
    let used: Vec<usize> = plan
        .windows
        .iter()
        .filter_map(|wp| c.window_index(&wp.id))
        .collect();
    if let Some(&w) = used
        .iter()
        .find(|&&w| c.windows[w].start_minute <= now && now <= c.windows[w].end_minute)
    {
        return Ok(w);
    }
    let spans: Vec<String> = used
        .iter()
        .map(|&w| {
            let win = &c.windows[w];
            format!("{} {} to {}", win.id, win.start, win.deadline)
        })
        .collect();
    Err(InputError::one(
        source,
        Diagnostic::new(
            "E157",
            now_path,
            format!(
                "`now` ({now_text}) is in no window the campaign plan uses ({})",
                if spans.is_empty() {
                    "it uses none".to_string()
                } else {
                    spans.join("; ")
                }
            ),
            "give the local time of the window under way (`now` in the progress file or --now); a campaign is re-planned only while one of its windows runs",
        ),
    ))
}

/// Each file task's window (index) in the plan's assignment.
fn assignment_of(c: &Campaign, plan: &crate::plan::campaign::CampaignPlan) -> Vec<Option<usize>> {
    let mut at = vec![None; c.tasks.len()];
    for (task, w) in &plan.assignment {
        if let (Some(t), Some(w)) = (c.task_index(task), c.window_index(w)) {
            at[t] = Some(w);
        }
    }
    at
}

/// The start minute of each task of `inv` in a window's plan (by id).
fn starts_by_id(inv: &Inventory, plan: &Plan) -> Vec<crate::base::Time> {
    let by_id: HashMap<&str, crate::base::Time> = plan
        .tasks
        .iter()
        .map(|t| (t.id.as_str(), t.start_minute))
        .collect();
    inv.tasks
        .iter()
        .map(|t| by_id.get(t.id.as_str()).copied().unwrap_or(NO_START))
        .collect()
}

/// The night, re-planned until every file task (and lag chain) it drops
/// drops whole: a planned activity whose file task or lag-chain partner
/// lost an activity is dropped too, unless something of the unit has run
/// (then the unit stays, partly run). Gives the re-plan and, for each
/// activity dropped that way, the dropped task it moves with.
fn plan_night_whole(
    inv: &Inventory,
    p: &mut crate::plan::progress_file::Progress,
    unit_of_task: &[usize],
    original: &[crate::base::Time],
    opts: &ReplanOptions,
) -> Result<(Replan, HashMap<usize, usize>), ReplanResult> {
    let mut with: HashMap<usize, usize> = HashMap::new();
    loop {
        let r = match replan(inv, p, Some(original), opts) {
            ReplanResult::Planned(r) => *r,
            other => return Err(other),
        };
        let mut started = vec![false; inv.tasks.len()];
        let mut dropped_in: HashMap<usize, usize> = HashMap::new();
        for d in &r.dropped {
            dropped_in.entry(unit_of_task[d.task]).or_insert(d.task);
        }
        let mut unit_started: BTreeSet<usize> = BTreeSet::new();
        for e in r.entries.iter().filter(|e| e.state.is_fixed()) {
            started[e.task] = true;
            unit_started.insert(unit_of_task[e.task]);
        }
        let widen: Vec<(usize, usize)> = r
            .entries
            .iter()
            .filter(|e| e.state == State::Planned)
            .filter(|e| !unit_started.contains(&unit_of_task[e.task]))
            .filter_map(|e| dropped_in.get(&unit_of_task[e.task]).map(|&d| (e.task, d)))
            .collect();
        if widen.is_empty() {
            let mut r = r;
            for d in &mut r.dropped {
                if let Some(&partner) = with.get(&d.task) {
                    d.reason = format!(
                        "{MOVES_WHOLE}`{}` (a task, with its members and its lag chain, runs in one window)",
                        inv.tasks[partner].id
                    );
                }
            }
            return Ok((r, with));
        }
        for (a, partner) in widen {
            p.dropped.push(a);
            with.insert(a, partner);
        }
    }
}

/// The night re-planned so that it holds its deadline: while the night
/// re-plan misses it, the last task of the chain that holds the end that
/// has not started and may run in a later window (not pinned, a later
/// window in its domain) is taken out of tonight, to move on with the
/// dropped changes. Tasks taken out say so ([`MOVED_TO_HOLD_DEADLINE`]).
/// A miss with no such task on its chain is the night's answer.
#[allow(clippy::too_many_arguments)]
fn plan_night_holding(
    c: &Campaign,
    w: usize,
    inv: &Inventory,
    p: &mut crate::plan::progress_file::Progress,
    file_of: &[usize],
    unit_of_task: &[usize],
    original: &[crate::base::Time],
    opts: &ReplanOptions,
    budget: &Budget,
) -> Result<Replan, ReplanResult> {
    let mut held: BTreeSet<usize> = BTreeSet::new();
    loop {
        // After a miss, each re-plan with changes taken out gets a quarter
        // of the limit (as the search for optional tasks does): a miss can
        // cost the whole limit, and there may be several.
        let mut solve = budget.limit(&opts.solve);
        if !held.is_empty() {
            solve.time_limit = (solve.time_limit / 4)
                .max(std::time::Duration::from_millis(200))
                .min(solve.time_limit);
        }
        let opts = ReplanOptions {
            solve,
            ..opts.clone()
        };
        let miss = match plan_night_whole(inv, p, unit_of_task, original, &opts) {
            Ok((mut r, _)) => {
                for d in r.dropped.iter_mut().filter(|d| held.contains(&d.task)) {
                    d.reason = MOVED_TO_HOLD_DEADLINE.to_string();
                }
                return Ok(r);
            }
            Err(miss) => miss,
        };
        let ReplanResult::DeadlineMissed {
            chain,
            earliest_end,
            ..
        } = &miss
        else {
            return Err(miss);
        };
        let earliest_end = *earliest_end;
        if !held.is_empty() && budget.stopped().is_some() {
            return Err(ReplanResult::NotFound(format!(
                "tonight still misses its deadline after {} change(s) were taken out for later windows, and the run's budget ran out ({}) before more were tried",
                held.len(),
                cut_words(budget)
            )));
        }
        // A unit with anything run, failed or dropped tonight stays as the
        // night re-plan leaves it.
        let touched: BTreeSet<usize> = p
            .done
            .iter()
            .chain(&p.running)
            .map(|x| x.task)
            .chain(p.failed.iter().map(|x| x.task))
            .chain(p.dropped.iter().copied())
            .map(|t| unit_of_task[t])
            .collect();
        let movable = |t: usize| {
            let f = &c.tasks[file_of[t]];
            !f.pinned && f.domain.iter().any(|&x| x > w) && !touched.contains(&unit_of_task[t])
        };
        // From the chain's end, movable tasks until their work covers the
        // overrun (each re-plan may cost the whole time limit).
        let over = inv.window.deadline.map_or(1, |d| (earliest_end - d).max(1));
        let mut covered = 0;
        let mut picked = Vec::new();
        for t in chain
            .iter()
            .rev()
            .filter_map(|id| inv.task_index(id))
            .filter(|&t| movable(t))
        {
            if covered >= over {
                break;
            }
            covered += inv.tasks[t].duration;
            picked.push(t);
        }
        if picked.is_empty() {
            return Err(miss);
        }
        for t in picked {
            held.insert(t);
            p.dropped.push(t);
        }
    }
}

/// Re-plans the campaign from the window under way (see the module doc),
/// within `budget`. Errors are bad input (exit 2): `now` in no used
/// window, a progress file that does not fit that window's tasks.
pub fn replan_campaign(
    c: &Campaign,
    plan: &crate::plan::campaign::CampaignPlan,
    progress: &ProgressInput,
    opts: &ReplanOptions,
    budget: &Budget,
) -> Result<CampaignReplanResult, InputError> {
    let (now_text, now_path) = crate::plan::progress_file::now_text(
        progress.text,
        progress.format,
        progress.source,
        progress.now,
    )?;
    let w = window_under_way(c, plan, &now_text, now_path, progress.source)?;
    let window_id = c.windows[w].id.clone();
    let at = assignment_of(c, plan);
    // `window_under_way` gives a window the plan lists.
    let Some(wp) = plan.windows.iter().find(|x| x.id == window_id) else {
        return Err(InputError::one(
            progress.source,
            Diagnostic::new(
                "E157",
                now_path,
                format!("window {window_id} has no plan in the campaign plan"),
                "re-plan from the campaign plan `windowplan plan` wrote",
            ),
        ));
    };
    // A window re-planned before starts again from the tasks it held then.
    let mut before: Vec<usize> = match &wp.replan {
        Some(r) => r
            .tasks_before
            .iter()
            .filter_map(|id| c.task_index(id))
            .collect(),
        None => (0..c.tasks.len()).filter(|&t| at[t] == Some(w)).collect(),
    };
    before.sort_unstable();
    before.dedup();
    let inv = c.window_inventory(w, &before)?;
    let mut p = crate::plan::progress_file::load_str(
        progress.text,
        progress.format,
        progress.source,
        &inv,
        progress.now,
    )?;
    let file_of: Vec<usize> = inv.tasks.iter().map(|t| before[t.source]).collect();
    let unit = c.lag_units().of;
    let unit_of_task: Vec<usize> = file_of.iter().map(|&f| unit[f]).collect();
    let original = starts_by_id(&inv, &wp.plan);
    // The night is one unit of the budget; its searches get the time left.
    let night = match budget.start() {
        None => Err(ReplanResult::NotFound(format!(
            "nothing was searched: the run's budget ran out ({}) before the night was planned",
            cut_words(budget)
        ))),
        Some(_unit) => {
            let night_opts = ReplanOptions {
                solve: budget.limit(&opts.solve),
                ..opts.clone()
            };
            plan_night_holding(
                c,
                w,
                &inv,
                &mut p,
                &file_of,
                &unit_of_task,
                &original,
                &night_opts,
                budget,
            )
        }
    };
    let night = match night {
        Ok(x) => x,
        Err(result) => {
            return Ok(CampaignReplanResult::Night {
                window: window_id,
                night_window: Box::new(inv.window.clone()),
                result,
            })
        }
    };
    let ctx = moves::Ctx::new(c, plan, w, &before, &unit, opts);
    let outcome = ctx.place(&file_of, &night, at, budget);
    Ok(build::assemble(c, plan, w, &before, inv, night, outcome))
}

/// Why the budget stopped, in words.
fn cut_words(budget: &Budget) -> &'static str {
    match budget.why_short() {
        crate::analysis::budget::Cut::TimeLimit => "time limit",
        crate::analysis::budget::Cut::Interrupted => "interrupted",
        crate::analysis::budget::Cut::WorkLimit => "work limit",
    }
}

/// A window's set of file tasks, from an assignment.
fn set_of(at: &[Option<usize>], w: usize) -> Vec<usize> {
    (0..at.len()).filter(|&t| at[t] == Some(w)).collect()
}

/// The windows (index → its file tasks) of an assignment.
fn sets_of(at: &[Option<usize>]) -> BTreeMap<usize, Vec<usize>> {
    let mut m: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (t, w) in at.iter().enumerate() {
        if let Some(w) = w {
            m.entry(*w).or_default().push(t);
        }
    }
    m
}

/// A window planned for a set of file tasks: the plan and its inventory,
/// or why not (an invalid window is a proof that the set does not fit).
type Planned = Result<(Plan, Inventory), NoPlan>;
