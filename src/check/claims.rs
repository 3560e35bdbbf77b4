//! The claims a plan file makes about itself, checked against its own start
//! times and the inventory: each task's end, systems and teams, the window
//! length, each service's downtime, and the status against the bound. A
//! file whose figures were edited (a status raised to `optimal`, a bound
//! lowered under a status that needs it, a downtime made smaller) is caught
//! here; the rules themselves are [`crate::check::check`]'s.
//!
//! What cannot be verified without solving is left as claimed: a lower bound
//! at or below the length may be the solver's proof or a weaker figure, and
//! no independent check can tell a true bound from a made-up one short of
//! re-proving it (`plan` does that). DESIGN.md "What `check` verifies".

use serde_json::Value;

use crate::base::Time;
use crate::check::Violation;
use crate::inventory::Inventory;
use crate::plan::Plan;

fn claim(tasks: Vec<String>, message: String) -> Violation {
    Violation {
        rule: "claim".into(),
        tasks,
        interval: None,
        message,
    }
}

/// Every claim of the plan file `text` that its start times (`starts`, one
/// per task of `inv`, in inventory order) contradict. A hand-made plan that
/// states nothing but ids and starts makes no claim. `text` that is not a
/// JSON object gives nothing (its shape is the reader's concern).
pub fn check_claims(inv: &Inventory, starts: &[Time], text: &str) -> Vec<Violation> {
    let Ok(Value::Object(file)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    if starts.len() != inv.tasks.len() {
        return Vec::new();
    }
    let truth = Plan::build(inv, starts, 0);
    let mut out = Vec::new();
    task_claims(inv, &truth, file.get("tasks"), &mut out);
    figure_claims(&truth, &file, &mut out);
    service_claims(&truth, file.get("services"), &mut out);
    out
}

/// Each task entry's `end`, `end_minute`, `system` and `team`, where given.
fn task_claims(inv: &Inventory, truth: &Plan, tasks: Option<&Value>, out: &mut Vec<Violation>) {
    let index: std::collections::HashMap<&str, usize> = truth
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    for entry in tasks.and_then(Value::as_array).into_iter().flatten() {
        let Some(&i) = entry
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| index.get(id))
        else {
            continue;
        };
        let t = &truth.tasks[i];
        let end_minute = entry.get("end_minute").and_then(Value::as_i64);
        let end_clock = entry
            .get("end")
            .and_then(Value::as_str)
            .map(|s| crate::plan::parse_wall_clock(&inv.window, s));
        let wrong_end = end_minute.is_some_and(|m| m != t.end_minute)
            || end_clock.is_some_and(|m| m != Ok(t.end_minute));
        if wrong_end {
            out.push(claim(
                vec![t.id.clone()],
                format!(
                    "task {} is said to end at {}, but it starts at {} and lasts {}: it ends at {}",
                    t.id,
                    said_end(entry, &inv.window),
                    crate::plan::clock(&inv.window, t.start_minute),
                    crate::base::fmt_minutes(t.end_minute - t.start_minute),
                    crate::plan::clock(&inv.window, t.end_minute),
                ),
            ));
        }
        if let Some(said) = entry.get("takes_down").filter(|v| !v.is_null()) {
            if *said != serde_json::json!(t.takes_down) {
                out.push(claim(
                    vec![t.id.clone()],
                    format!(
                        "task {} is said to take down {}, but it takes down {}",
                        t.id,
                        shown(said),
                        if t.takes_down.is_empty() {
                            "nothing".to_string()
                        } else {
                            t.takes_down.join(", ")
                        }
                    ),
                ));
            }
        }
        for (field, actual, what) in [("system", &t.system, "runs on"), ("team", &t.team, "needs")]
        {
            let Some(said) = entry.get(field).filter(|v| !v.is_null()) else {
                continue;
            };
            if said.as_str() != actual.as_deref() {
                out.push(claim(
                    vec![t.id.clone()],
                    format!(
                        "task {} is said to have {field} {}, but in the inventory it {what} {}",
                        t.id,
                        shown(said),
                        actual.as_deref().unwrap_or("nothing")
                    ),
                ));
            }
        }
    }
}

/// The end a task entry states, as written (for the message).
fn said_end(entry: &Value, window: &crate::inventory::Window) -> String {
    match (
        entry.get("end"),
        entry.get("end_minute").and_then(Value::as_i64),
    ) {
        (Some(Value::String(s)), _) => shown(&Value::String(s.clone())),
        (_, Some(m)) => format!("minute {m} ({})", crate::plan::clock(window, m)),
        _ => "an unreadable time".into(),
    }
}

/// A JSON value for a message: strings escaped and cut to 80 characters.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", s.chars().take(80).collect::<String>()),
        other => other.to_string().chars().take(80).collect(),
    }
}

/// The window length, the bound and the status.
fn figure_claims(truth: &Plan, file: &serde_json::Map<String, Value>, out: &mut Vec<Violation>) {
    let length = truth.length_minutes;
    if let Some(said) = file.get("length_minutes").filter(|v| !v.is_null()) {
        if said.as_i64() != Some(length) {
            out.push(claim(
                vec![],
                format!(
                    "the plan says the window is {} minutes long; its tasks' times give {length} minutes",
                    shown(said)
                ),
            ));
        }
    }
    let bound = file.get("lower_bound_minutes").and_then(Value::as_i64);
    if let Some(b) = bound.filter(|&b| b > length) {
        out.push(claim(
            vec![],
            format!(
                "the plan states a lower bound of {b} minutes, above its own length of {length} minutes: no plan can be shorter than a bound, so the bound is false"
            ),
        ));
    }
    match file.get("status").filter(|v| !v.is_null()) {
        None => {}
        Some(Value::String(s)) if s == "feasible" => {}
        Some(Value::String(s)) if s == "optimal" => match bound {
            Some(b) if b >= length => {}
            Some(b) => out.push(claim(
                vec![],
                format!(
                    "the plan says it is optimal, but its own lower bound ({b} minutes) is {} below its length ({length} minutes): optimal needs the bound to reach the length",
                    crate::base::fmt_minutes(length - b)
                ),
            )),
            None => out.push(claim(
                vec![],
                "the plan says it is optimal but states no lower bound that proves it".into(),
            )),
        },
        Some(other) => out.push(claim(
            vec![],
            format!(
                "the plan's status {} is not `optimal` or `feasible`",
                shown(other)
            ),
        )),
    }
}

/// Each service's stated downtime (minutes and, where given, intervals).
fn service_claims(truth: &Plan, services: Option<&Value>, out: &mut Vec<Violation>) {
    let Some(list) = services.and_then(Value::as_array) else {
        return;
    };
    for entry in list {
        let Some(id) = entry.get("id").and_then(Value::as_str) else {
            continue;
        };
        let Some(actual) = truth.services.iter().find(|s| s.id == id) else {
            out.push(claim(
                vec![],
                format!(
                    "the plan gives the downtime of service {}, which the inventory does not have",
                    shown(&Value::String(id.into()))
                ),
            ));
            continue;
        };
        if let Some(said) = entry.get("downtime_minutes").filter(|v| !v.is_null()) {
            if said.as_i64() != Some(actual.downtime_minutes) {
                out.push(claim(
                    vec![],
                    format!(
                        "the plan says service {id} is down {} minutes; its tasks' times keep it down {} minutes",
                        shown(said),
                        actual.downtime_minutes
                    ),
                ));
                continue;
            }
        }
        if let Some(said) = entry.get("intervals").filter(|v| !v.is_null()) {
            let ok = serde_json::from_value::<Vec<[i64; 2]>>(said.clone())
                .is_ok_and(|v| v == actual.intervals);
            if !ok {
                out.push(claim(
                    vec![],
                    format!(
                        "the plan's down intervals of service {id} are not those its tasks' times give ({})",
                        serde_json::to_string(&actual.intervals).unwrap_or_default()
                    ),
                ));
            }
        }
    }
}
