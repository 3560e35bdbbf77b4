//! Checking a saved re-plan (`check INVENTORY NEWPLAN`): the plan's own
//! states say which tasks are done, running, backed out or dropped. Done
//! and running tasks are checked at their actual times (their duration is
//! the time they took), within their own windows; a backout lasts the
//! task's `backout`; planned tasks start at `now` or later; no kept task
//! depends on a dropped or failed one. Every rule is then checked by the
//! independent checker over the whole night ([`crate::check`]): no
//! compiler, graph or solver is involved.

use crate::base::Time;
use crate::check::Violation;
use crate::error::{Diagnostic, InputError};
use crate::inventory::Inventory;
use crate::plan::night::{night_inventory, Entry, State};
use crate::plan::Plan;
use serde_json::Value;

/// Checks a night given as entries (inventory order of the kept tasks)
/// and the plan of those entries (one planned task per entry, in order).
pub fn check_entries(inv: &Inventory, entries: &[Entry], now: Time, plan: &Plan) -> Vec<Violation> {
    let starts: Vec<Time> = plan.tasks.iter().map(|t| t.start_minute).collect();
    let ends: Vec<Time> = plan.tasks.iter().map(|t| t.end_minute).collect();
    check_night(inv, entries, now, &starts, &ends)
}

/// The rules of a re-plan: entries with the plan's start and end minutes.
fn check_night(
    inv: &Inventory,
    entries: &[Entry],
    now: Time,
    starts: &[Time],
    ends: &[Time],
) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut kept = vec![None; inv.tasks.len()];
    for e in entries {
        kept[e.task] = Some(e.state);
    }
    for (k, e) in entries.iter().enumerate() {
        let t = &inv.tasks[e.task];
        match e.state {
            State::Planned if starts[k] < now => out.push(Violation::untimed(
                "now",
                vec![t.id.clone()],
                format!(
                    "planned task {} starts at {}, before now ({})",
                    t.id,
                    crate::plan::clock(&inv.window, starts[k]),
                    crate::plan::clock(&inv.window, now)
                ),
            )),
            State::Backout if Some(ends[k] - starts[k]) != t.backout => {
                out.push(Violation::untimed(
                    "backout",
                    vec![t.id.clone()],
                    format!(
                        "the backout of {} lasts {}, not its `backout` time",
                        t.id,
                        crate::base::fmt_minutes(ends[k] - starts[k])
                    ),
                ))
            }
            _ => {}
        }
        for a in &t.after {
            let pred = &inv.tasks[a.task];
            let bad = match (kept[a.task], e.state) {
                (None | Some(State::Backout), _) => true,
                (Some(State::Done), _) => false,
                (Some(_), State::Done | State::Running) => true,
                _ => false,
            };
            // `even_if: failed`: may follow a dropped or backed-out task.
            let excused = t.even_if_failed.contains(&a.task)
                && matches!(kept[a.task], None | Some(State::Backout));
            if bad && e.state != State::Backout && !excused {
                out.push(Violation::untimed(
                    "state",
                    vec![t.id.clone(), pred.id.clone()],
                    format!(
                        "{} is {} but it comes after {}, which is {}",
                        t.id,
                        e.state.as_str(),
                        pred.id,
                        kept[a.task].map_or("dropped", State::as_str)
                    ),
                ));
            }
        }
    }
    let fixed: Vec<Entry> = entries
        .iter()
        .zip(starts.iter().zip(ends))
        .map(|(e, (&s, &x))| Entry {
            start: s,
            end: x,
            ..*e
        })
        .collect();
    let night = night_inventory(inv, &fixed, None);
    out.extend(crate::check::check(&night, starts));
    out
}

/// Every dropped task must be explained: something before it (`after`) is
/// dropped or backed out, or it is a root of the drops, with the reason
/// `replan` writes for one (dropped in the progress file, failed and
/// skipped, or an optional task left out to hold the deadline; the last
/// only for a task that is `optional`). A re-plan that drops tasks no
/// failure or drop accounts for (every task `dropped`, say) is caught here.
/// What the progress file said is not re-read: a root drop is taken at its
/// word (DESIGN.md "What `check` verifies").
fn check_drops(
    inv: &Inventory,
    rows: &[(Entry, Time, Time)],
    dropped: &[Option<String>],
    extra_root: &ExtraRoot<'_>,
) -> Vec<Violation> {
    let mut backed_out = vec![false; inv.tasks.len()];
    for (e, _, _) in rows {
        backed_out[e.task] |= e.state == State::Backout;
    }
    let mut out = Vec::new();
    for (i, reason) in dropped.iter().enumerate() {
        let Some(reason) = reason else { continue };
        let t = &inv.tasks[i];
        let after_a_drop = t
            .after
            .iter()
            .any(|a| dropped[a.task].is_some() || backed_out[a.task]);
        let root = reason == "dropped in the progress file"
            || (reason.starts_with("failed at ") && reason.ends_with("and was skipped"))
            || (t.optional && reason == "optional: left out to hold the deadline")
            || extra_root(i, reason, dropped);
        if !after_a_drop && !root {
            out.push(Violation::untimed(
                "drop",
                vec![t.id.clone()],
                format!(
                    "{} is dropped, but nothing before it failed or was dropped, and the plan gives no reason a re-plan drops a task for ({}): a dropped task is one the progress file drops or skips after a failure, an optional task left out to hold the deadline, or one that comes after such a task",
                    t.id,
                    if reason.is_empty() {
                        "no reason given".to_string()
                    } else {
                        format!("the reason given is {:?}", reason.chars().take(80).collect::<String>())
                    }
                ),
            ));
        }
    }
    out
}

/// The start minute of every task a saved re-plan keeps, in inventory
/// order; [`crate::plan::night::NO_START`] for a task it drops or does not name.
pub fn kept_starts(inv: &Inventory, text: &str) -> Vec<Time> {
    let mut starts = vec![crate::plan::night::NO_START; inv.tasks.len()];
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return starts;
    };
    let index = inv.task_ids();
    for t in v["tasks"].as_array().into_iter().flatten() {
        let id = t["id"].as_str().unwrap_or_default();
        if let (Some(&i), Some(s)) = (index.get(id), t["start_minute"].as_i64()) {
            starts[i] = s;
        }
    }
    starts
}

/// Whether a plan file's text is a re-plan (it has a `replan` section).
pub fn is_replan(text: &str) -> bool {
    matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(o)) if o.contains_key("replan"))
}

/// A further reason a re-plan may drop a task at the root of its drops,
/// given the task, the reason written and every task's drop reason: a
/// campaign re-plan drops a task whole with its file task or lag chain
/// (see [`crate::check::campaign`]). The one-window re-plan has none.
pub type ExtraRoot<'a> = dyn Fn(usize, &str, &[Option<String>]) -> bool + 'a;

/// Checks a saved re-plan against the inventory: every violation, or why
/// the file cannot be read as a re-plan.
pub fn check_text(inv: &Inventory, text: &str, source: &str) -> Result<Vec<Violation>, InputError> {
    check_text_with(inv, text, source, &|_, _, _| false)
}

/// [`check_text`], with a further root reason for a dropped task.
pub fn check_text_with(
    inv: &Inventory,
    text: &str,
    source: &str,
    extra_root: &ExtraRoot<'_>,
) -> Result<Vec<Violation>, InputError> {
    let err = |path: String, msg: String| {
        InputError::one(
            source,
            Diagnostic::new(
                "E071",
                path,
                msg,
                "check the re-plan as written by `windowplan replan --format json`",
            ),
        )
    };
    let v: Value = serde_json::from_str(text)
        .map_err(|e| err(String::new(), format!("the plan is not valid JSON: {e}")))?;
    let w = &inv.window;
    let minute = |o: &Value, key: &str, path: &str| -> Result<Time, InputError> {
        if let Some(m) = o.get(format!("{key}_minute")).and_then(Value::as_i64) {
            return Ok(m);
        }
        match o.get(key).and_then(Value::as_str) {
            Some(s) => {
                crate::plan::parse_wall_clock(w, s).map_err(|m| err(format!("{path}.{key}"), m))
            }
            None => Err(err(format!("{path}.{key}"), format!("no `{key}`"))),
        }
    };
    let now = minute(&v["replan"], "now", "replan")?;
    let Some(tasks) = v.get("tasks").and_then(Value::as_array) else {
        return Err(err("tasks".into(), "the plan has no `tasks` list".into()));
    };
    let mut rows: Vec<(Entry, Time, Time)> = Vec::new();
    let mut seen = vec![false; inv.tasks.len()];
    // The reason each dropped task is given (`Some("")` when none).
    let mut dropped: Vec<Option<String>> = vec![None; inv.tasks.len()];
    let index = inv.task_ids();
    for (k, t) in tasks.iter().enumerate() {
        let path = format!("tasks[{k}]");
        let id = t.get("id").and_then(Value::as_str).unwrap_or_default();
        let Some(&i) = index.get(id) else {
            return Err(err(format!("{path}.id"), format!("unknown task `{id}`")));
        };
        if std::mem::replace(&mut seen[i], true) {
            return Err(err(
                format!("{path}.id"),
                format!("task `{id}` appears twice"),
            ));
        }
        let state: State = serde_json::from_value(t.get("state").cloned().unwrap_or(Value::Null))
            .map_err(|_| {
            err(
                format!("{path}.state"),
                "`state` is not one of done, running, planned, backout, dropped".into(),
            )
        })?;
        if state == State::Dropped {
            let reason = t.get("reason").and_then(Value::as_str).unwrap_or_default();
            dropped[i] = Some(reason.to_string());
            continue;
        }
        let s = minute(t, "start", &path)?;
        let e = minute(t, "end", &path)?;
        rows.push((
            Entry {
                task: i,
                state,
                start: s,
                end: e,
            },
            s,
            e,
        ));
    }
    let mut out = Vec::new();
    let missing: Vec<String> = (0..inv.tasks.len())
        .filter(|&i| !seen[i])
        .map(|i| inv.tasks[i].id.clone())
        .collect();
    if !missing.is_empty() {
        out.push(Violation::untimed(
            "plan",
            missing.clone(),
            format!(
                "the re-plan does not say what becomes of {}",
                crate::base::join_words(&missing)
            ),
        ));
    }
    rows.sort_by_key(|r| r.0.task);
    out.extend(check_drops(inv, &rows, &dropped, extra_root));
    for (e, s, x) in &rows {
        let d = inv.tasks[e.task].duration;
        if e.state == State::Planned && x - s != d {
            out.push(Violation::untimed(
                "plan",
                vec![inv.tasks[e.task].id.clone()],
                format!(
                    "planned task {} lasts {} in the plan, not its duration",
                    inv.tasks[e.task].id,
                    crate::base::fmt_minutes(x - s)
                ),
            ));
        }
    }
    let entries: Vec<Entry> = rows.iter().map(|r| r.0).collect();
    let starts: Vec<Time> = rows.iter().map(|r| r.1).collect();
    let ends: Vec<Time> = rows.iter().map(|r| r.2).collect();
    out.extend(check_night(inv, &entries, now, &starts, &ends));
    // The figures the re-plan states (length, status against bound, each
    // service's downtime, systems and teams) are those of the night.
    let fixed: Vec<Entry> = rows
        .iter()
        .map(|(e, s, x)| Entry {
            start: *s,
            end: *x,
            ..*e
        })
        .collect();
    let night = night_inventory(inv, &fixed, None);
    out.extend(crate::check::claims::check_claims(&night, &starts, text));
    Ok(out)
}
