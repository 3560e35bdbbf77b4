//! The night as an inventory: the tasks kept for the rest of the window,
//! with the done and running ones (and backouts) fixed at their actual
//! times, every other one starting at `now` or later, and the dropped ones
//! left out with the reason why. Planning this inventory plans the rest of
//! the night under every rule of the original, the fixed part included.

use super::progress_file::{Action, Progress};
use crate::base::{Interval, Time};
use crate::inventory::{After, Inventory, Task};
use serde::{Deserialize, Serialize};

/// In an original plan's start minutes: the task has no start there (an
/// earlier re-plan dropped it), so its move is not reported.
pub const NO_START: Time = Time::MIN;

/// Where a task stands on the night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Finished.
    Done,
    /// Started and not finished.
    Running,
    /// Not started yet; the re-plan places it.
    Planned,
    /// Being backed out.
    Backout,
    /// Left out of the night.
    Dropped,
}

impl State {
    /// The state as written in the progress file (lowercase).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Done => "done",
            State::Running => "running",
            State::Planned => "planned",
            State::Backout => "backout",
            State::Dropped => "dropped",
        }
    }

    /// Done, running and backout tasks have times the plan may not move.
    pub fn is_fixed(self) -> bool {
        matches!(self, State::Done | State::Running | State::Backout)
    }
}

/// One task kept for the night: its original index, its state, and for a
/// fixed one its run `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Index of the task in the inventory.
    pub task: usize,
    /// Its state tonight.
    pub state: State,
    /// Start of a fixed task's run, minutes from the window start.
    pub start: Time,
    /// End of a fixed task's run, minutes from the window start.
    pub end: Time,
}

/// Why each task of the inventory is dropped (`None`: kept). Failed and
/// dropped tasks, the `extra` ones (optional tasks left out to hold the
/// deadline), and every task that depends on one of them, directly or not.
pub fn drops(inv: &Inventory, p: &Progress, extra: &[usize]) -> Vec<Option<String>> {
    let w = &inv.window;
    let n = inv.tasks.len();
    let mut reason: Vec<Option<String>> = vec![None; n];
    // Roots: (task, reason for the task itself or None when it stays as a backout, reason phrase for dependants)
    let mut roots: Vec<(usize, Option<String>, String)> = Vec::new();
    for f in &p.failed {
        let at = crate::plan::clock(w, f.at);
        match f.action {
            Action::Skip => roots.push((
                f.task,
                Some(format!("failed at {at} and was skipped")),
                format!("which failed at {at} and was skipped"),
            )),
            Action::Backout => roots.push((
                f.task,
                None,
                format!("which failed at {at} and is backed out"),
            )),
        }
    }
    for &t in &p.dropped {
        roots.push((
            t,
            Some("dropped in the progress file".into()),
            "which was dropped".into(),
        ));
    }
    for &t in extra {
        roots.push((
            t,
            Some("optional: left out to hold the deadline".into()),
            "which is left out to hold the deadline".into(),
        ));
    }
    let succ = successors(inv);
    for (root, own, phrase) in roots {
        if own.is_some() && reason[root].is_none() {
            reason[root] = own;
        }
        let root_id = &inv.tasks[root].id;
        let mut stack = vec![root];
        while let Some(t) = stack.pop() {
            for &s in &succ[t] {
                // `even_if: failed`: not dropped on this task's account.
                if inv.tasks[s].even_if_failed.contains(&t) {
                    continue;
                }
                if reason[s].is_none() && s != root {
                    reason[s] = Some(if t == root {
                        format!("depends on `{root_id}`, {phrase}")
                    } else {
                        format!(
                            "depends on `{}`, which depends on `{root_id}`, {phrase}",
                            inv.tasks[t].id
                        )
                    });
                    stack.push(s);
                }
            }
        }
    }
    reason
}

/// `succ[i]`: the tasks that name task `i` in `after`.
pub fn successors(inv: &Inventory) -> Vec<Vec<usize>> {
    let mut succ = vec![Vec::new(); inv.tasks.len()];
    for (j, t) in inv.tasks.iter().enumerate() {
        for a in &t.after {
            if !succ[a.task].contains(&j) {
                succ[a.task].push(j);
            }
        }
    }
    succ
}

/// The tasks kept for the night, in inventory order, given the drops.
pub fn entries(inv: &Inventory, p: &Progress, dropped: &[Option<String>]) -> Vec<Entry> {
    let mut state: Vec<Option<(State, Time, Time)>> =
        vec![Some((State::Planned, 0, 0)); inv.tasks.len()];
    for d in &p.done {
        state[d.task] = Some((State::Done, d.start, d.end));
    }
    for d in &p.running {
        // Still running at `now`: held until its expected end, or `now`
        // when that has passed.
        state[d.task] = Some((State::Running, d.start, d.end.max(p.now)));
    }
    for f in &p.failed {
        state[f.task] = match f.action {
            Action::Backout => {
                let b = inv.tasks[f.task].backout.unwrap_or(0);
                Some((State::Backout, f.at, f.at + b))
            }
            Action::Skip => None,
        };
    }
    state
        .into_iter()
        .enumerate()
        .filter(|(t, _)| dropped[*t].is_none())
        .filter_map(|(task, s)| {
            s.map(|(state, start, end)| Entry {
                task,
                state,
                start,
                end,
            })
        })
        .collect()
}

/// The inventory of the night: one task per entry, in entry order. Done
/// and running tasks last their actual time; a backout lasts the task's
/// `backout`, on the same systems with the same teams, as an outage, after
/// nothing. With `fix = Some(now)` the windows pin each fixed task to its
/// run (inside its own windows: a run outside them leaves no room) and keep
/// every other task at `now` or later; with `None` the task's own windows
/// are kept as they are (the checker's view).
pub fn night_inventory(inv: &Inventory, entries: &[Entry], fix: Option<Time>) -> Inventory {
    let mut index = vec![usize::MAX; inv.tasks.len()];
    for (k, e) in entries.iter().enumerate() {
        index[e.task] = k;
    }
    let tasks = entries
        .iter()
        .map(|e| {
            let t = &inv.tasks[e.task];
            let mut task = Task {
                after: t
                    .after
                    .iter()
                    .filter(|a| index[a.task] != usize::MAX)
                    .map(|a| After {
                        task: index[a.task],
                        ..*a
                    })
                    .collect(),
                even_if_failed: t
                    .even_if_failed
                    .iter()
                    .filter(|&&p| index[p] != usize::MAX)
                    .map(|&p| index[p])
                    .collect(),
                ..t.clone()
            };
            if e.state.is_fixed() {
                task.duration = e.end - e.start;
                task.spread = None;
            }
            if e.state == State::Backout {
                task.outage = true;
                task.after.clear();
                task.windows = None;
                task.backout = None;
            }
            if let Some(now) = fix {
                task.windows = Some(if e.state.is_fixed() {
                    pin(task.windows.as_deref(), e.start, e.end)
                } else {
                    let later = [Interval::new(
                        now,
                        crate::inventory::time::MAX_MINUTES.max(now + 1),
                    )];
                    match &task.windows {
                        Some(w) => crate::base::intervals::intersect(w, &later),
                        None => later.to_vec(),
                    }
                });
            }
            task
        })
        .collect();
    Inventory {
        tasks,
        ..inv.clone()
    }
}

/// The window that pins a run `[s, e)`: the run itself when it lies in one
/// of `windows` (or there are none), else nothing. A run of no length gets
/// `[s, s + 1)`, as an empty interval would leave no room at all (the
/// solver still starts it at `s`, its earliest start).
fn pin(windows: Option<&[Interval]>, s: Time, e: Time) -> Vec<Interval> {
    match windows {
        Some(w) if !w.iter().any(|iv| iv.contains_run(s, e - s)) => Vec::new(),
        _ => vec![Interval::new(s, e.max(s + 1))],
    }
}
