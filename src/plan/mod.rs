//! The Plan: when every task starts and ends, in wall-clock time and in
//! minutes, with the window length, the proven bound and service downtime.
//! [`check`] re-verifies any plan (ours or hand-edited) against the
//! inventory with code of its own.

pub mod campaign;
pub mod downtime;
pub mod night;
pub mod progress_file;

use serde::{Deserialize, Serialize};

/// Format tag written into every plan file.
pub const PLAN_FORMAT: &str = "windowplan-plan/1";

/// A plan as written to and read from JSON (DESIGN.md "Plan format").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The plan format, `windowplan-plan/1`.
    pub format: String,
    /// The window start, RFC 3339 with its offset.
    pub window_start: String,
    /// The window length the plan needs, in minutes.
    pub length_minutes: i64,
    /// No plan can be shorter than this, in minutes.
    pub lower_bound_minutes: i64,
    /// `optimal` when proven for the objective asked: the bound equals the
    /// length (and, downtime first, the least weighted downtime is proven
    /// too, see [`Plan::not_proven`]); else `feasible`.
    pub status: String,
    /// Every expanded task with its times.
    pub tasks: Vec<PlannedTask>,
    /// Each service's downtime under the plan.
    pub services: Vec<ServiceDowntime>,
    /// Format 1.1: the window's `title` and `change`, when given.
    #[serde(default, flatten)]
    pub meta: PlanMeta,
    /// Format 1.2: steps that wait for a later window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<DeferredTask>,
}

/// Format 1.1: the window's metadata in a plan file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanMeta {
    /// Title of the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The change record (e.g. `CHG-2026-1114`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

/// Format 1.1: what an expanded activity is part of, and the task's
/// metadata, in a plan file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    /// The task as written in the inventory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The step id, when this activity is a step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The cluster member it runs on, when on a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Title of the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The change record (e.g. `CHG-2026-1114`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Who owns the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// How to reach the owner on the night.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Free-text notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// How the change is backed out, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<String>,
    /// Format 1.2: the schema change this activity is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_change: Option<String>,
    /// Format 1.2: its part in the schema change: `expand`, `deploy`,
    /// `backfill`, `cutover` or `contract`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_step: Option<String>,
}

/// Format 1.2: a step left for a later window (a schema change's contract
/// without `same_window: true`), listed in the plan so that the board sees
/// it is not forgotten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeferredTask {
    /// The step's task id (`orders-v43.contract`).
    pub id: String,
    /// The schema change it belongs to.
    pub schema_change: String,
    /// Why it is not in this window, in words.
    pub reason: String,
}

/// The steps of `inv`'s schema changes that wait for a later window.
pub fn deferred_tasks(inv: &Inventory) -> Vec<DeferredTask> {
    inv.schema_changes
        .iter()
        .filter(|sc| sc.contract_deferred)
        .map(|sc| DeferredTask {
            id: sc.step_id(crate::inventory::SchemaStep::Contract),
            schema_change: sc.id.clone(),
            reason: match &sc.contract_window {
                Some(w) => format!("contract in window {w} of the campaign"),
                None => format!(
                    "deferred: contract in a later window (after the deploy {} is signed off)",
                    sc.deploy
                ),
            },
        })
        .collect()
}

/// One expanded task of a plan, with its times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedTask {
    /// The expanded id (`<task>`, `<task>@<member>`, `<task>.<step>[@<member>]`).
    pub id: String,
    /// The task's system ids joined by `,` (one id for most tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The team(s) it needs, joined by `,`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The systems that count as down while it runs: its own when it is an
    /// outage, and those of its `down:` list (format 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub takes_down: Vec<String>,
    /// Start, RFC 3339 wall-clock time with offset.
    pub start: String,
    /// End, RFC 3339 wall-clock time with offset.
    pub end: String,
    /// Start, minutes from the window start.
    pub start_minute: i64,
    /// End, minutes from the window start.
    pub end_minute: i64,
    /// What it is part of, and the task's metadata (format 1.1).
    #[serde(default, flatten)]
    pub detail: TaskDetail,
}

/// A service's downtime under the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDowntime {
    /// The service id.
    pub id: String,
    /// Minutes of downtime the plan causes.
    pub downtime_minutes: i64,
    /// Down intervals as `[start_minute, end_minute)` pairs.
    #[serde(default)]
    pub intervals: Vec<[i64; 2]>,
    /// Format 1.1: downtime from the `unavailable` intervals of the systems
    /// it requires: not caused by the plan, reported apart.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unavailable_minutes: i64,
    /// Down intervals from its systems' `unavailable` times, not caused by the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable_intervals: Vec<[i64; 2]>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

use crate::base::Time;
use crate::error::{Diagnostic, InputError};
use crate::inventory::{Inventory, Window};

use crate::base::MINUTE_LIMIT;

/// A wall-clock time `minute` minutes after the window start, RFC 3339 with
/// offset, e.g. `2026-12-05T22:00:00-05:00`.
pub fn rfc3339(window: &Window, minute: Time) -> String {
    window
        .at(minute.clamp(-MINUTE_LIMIT, MINUTE_LIMIT))
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A short wall-clock time for messages: `HH:MM` within the first 24 hours
/// after the window start (unambiguous), `YYYY-MM-DD HH:MM` otherwise.
pub fn clock(window: &Window, minute: Time) -> String {
    let z = window.at(minute.clamp(-MINUTE_LIMIT, MINUTE_LIMIT));
    if (0..24 * 60).contains(&minute) {
        z.strftime("%H:%M").to_string()
    } else {
        z.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// The latest end over all tasks (0 when there are none).
pub fn length(inv: &Inventory, starts: &[Time]) -> Time {
    inv.tasks
        .iter()
        .zip(starts)
        .map(|(t, &s)| s + t.duration)
        .max()
        .unwrap_or(0)
        .max(0)
}

impl Plan {
    /// The plan with status `feasible`: for an objective whose optimum is
    /// not proven although the window bound is met (downtime first).
    pub fn not_proven(mut self) -> Plan {
        self.status = "feasible".into();
        self
    }

    /// Builds the plan for these task start minutes (one per task, in
    /// inventory order) and the proven lower bound on the window length.
    pub fn build(inv: &Inventory, starts: &[Time], lower_bound: Time) -> Plan {
        let length = length(inv, starts);
        let tasks = inv
            .tasks
            .iter()
            .zip(starts)
            .map(|(t, &s)| {
                let systems: Vec<&str> = t
                    .systems
                    .iter()
                    .filter_map(|&i| inv.systems.get(i).map(|x| x.id.as_str()))
                    .collect();
                let teams: Vec<&str> = t
                    .needs
                    .iter()
                    .filter_map(|&(i, _)| inv.teams.get(i).map(|x| x.id.as_str()))
                    .collect();
                let mut takes_down: Vec<String> = Vec::new();
                for &i in t.systems.iter().filter(|_| t.outage).chain(&t.down) {
                    if let Some(x) = inv.systems.get(i) {
                        if !takes_down.contains(&x.id) {
                            takes_down.push(x.id.clone());
                        }
                    }
                }
                let part = inv.schema_change_of(t);
                PlannedTask {
                    id: t.id.clone(),
                    takes_down,
                    system: (!systems.is_empty()).then(|| systems.join(",")),
                    team: (!teams.is_empty()).then(|| teams.join(",")),
                    start: rfc3339(&inv.window, s),
                    end: rfc3339(&inv.window, s + t.duration),
                    start_minute: s,
                    end_minute: s + t.duration,
                    detail: TaskDetail {
                        task: Some(t.parent.clone()),
                        step: t.step.clone(),
                        member: t.member.clone(),
                        title: t.meta.title.clone(),
                        change: t.meta.change.clone(),
                        owner: t.meta.owner.clone(),
                        contact: t.meta.contact.clone(),
                        notes: t.meta.notes.clone(),
                        rollback: t.meta.rollback.clone(),
                        schema_change: part.map(|(sc, _)| sc.id.clone()),
                        schema_step: part
                            .map(|(_, step)| step.map_or("deploy", |s| s.name()).to_string()),
                    },
                }
            })
            .collect();
        Plan {
            format: PLAN_FORMAT.to_string(),
            window_start: rfc3339(&inv.window, 0),
            length_minutes: length,
            lower_bound_minutes: lower_bound,
            status: if lower_bound >= length {
                "optimal"
            } else {
                "feasible"
            }
            .to_string(),
            tasks,
            services: downtime::service_downtime(inv, starts),
            meta: PlanMeta {
                title: inv.window.meta.title.clone(),
                change: inv.window.meta.change.clone(),
            },
            deferred: deferred_tasks(inv),
        }
    }

    /// Start minutes in inventory task order, if the plan names every task
    /// exactly once (see [`read_plan_starts`] for hand-edited files).
    pub fn starts(&self, inv: &Inventory) -> Option<Vec<Time>> {
        let mut out = vec![None; inv.tasks.len()];
        let index = task_ids(inv);
        for t in &self.tasks {
            let i = *index.get(t.id.as_str())?;
            if out[i].replace(t.start_minute).is_some() {
                return None;
            }
        }
        out.into_iter().collect()
    }
}

/// Source name used in plan-reading diagnostics.
const PLAN_SOURCE: &str = "plan";

/// Parses a wall-clock time written in a plan: RFC 3339 with an offset
/// (`2026-12-05T22:00:00-05:00`, `...Z`), optionally with a `[zone]`
/// annotation, or a local time without offset (`2026-12-05T22:00`) read in
/// the window's timezone. Returns minutes from the window start.
pub fn parse_wall_clock(window: &Window, text: &str) -> Result<Time, String> {
    let text = text.trim();
    let ts = if let Ok(z) = text.parse::<jiff::ZonedDateTime>() {
        z.timestamp()
    } else if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        ts
    } else {
        match text.parse::<jiff::civil::DateTime>() {
            Ok(dt) => match dt.to_zoned_datetime(window.start.time_zone().clone()) {
                Ok(z) => z.timestamp(),
                Err(e) => {
                    return Err(format!(
                        "`{text}` is not a time in {}: {e}",
                        window.timezone
                    ))
                }
            },
            Err(e) => return Err(format!("`{text}` is not a date-time: {e}")),
        }
    };
    let secs = (ts - window.start.timestamp()).as_secs();
    if secs % 60 != 0 {
        return Err(format!("`{text}` is not on a whole minute"));
    }
    Ok(secs / 60)
}

/// The figures a saved plan file states about itself (absent from a
/// hand-made plan): what the board approved, shown as saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedFigures {
    /// The status the file states (`optimal` or `feasible`).
    pub status: Option<String>,
    /// The lower bound the file states, in minutes.
    pub lower_bound_minutes: Option<Time>,
    /// The length the file states, in minutes.
    pub length_minutes: Option<Time>,
}

/// Reads [`SavedFigures`] from a plan file's text; a figure that is missing
/// or not of its kind (status other than `optimal` / `feasible`) is `None`.
pub fn read_saved_figures(text: &str) -> SavedFigures {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(text) else {
        return SavedFigures::default();
    };
    SavedFigures {
        status: o
            .get("status")
            .and_then(|v| v.as_str())
            .filter(|s| ["optimal", "feasible"].contains(s))
            .map(str::to_string),
        lower_bound_minutes: o.get("lower_bound_minutes").and_then(|v| v.as_i64()),
        length_minutes: o.get("length_minutes").and_then(|v| v.as_i64()),
    }
}

impl Plan {
    /// This plan (built from a saved plan's starts) with the saved status
    /// and bound where the file gives them. `computed_bound` is asked only
    /// when the file has no bound. The notes say what was worked out here
    /// rather than read from the file, and where the file's figures differ
    /// from its tasks' times, so that nothing shown silently departs from
    /// the file.
    pub fn as_saved(
        mut self,
        saved: &SavedFigures,
        computed_bound: impl FnOnce() -> Time,
    ) -> (Plan, Vec<String>) {
        let mut notes = Vec::new();
        match saved.lower_bound_minutes {
            Some(b) => self.lower_bound_minutes = b,
            None => {
                self.lower_bound_minutes = computed_bound();
                notes.push(format!(
                    "the plan file gives no lower bound; the bound shown ({} minutes) was computed now",
                    self.lower_bound_minutes
                ));
            }
        }
        match &saved.status {
            Some(s) => self.status = s.clone(),
            None => {
                self.status = if self.lower_bound_minutes >= self.length_minutes {
                    "optimal"
                } else {
                    "feasible"
                }
                .into();
                notes.push(format!(
                    "the plan file gives no status; `{}` was worked out now from the bound",
                    self.status
                ));
            }
        }
        if self.status == "optimal" && self.lower_bound_minutes < self.length_minutes {
            // Never shown beside a bound that contradicts it.
            self.status = "feasible".into();
            notes.push(format!(
                "the plan file says `optimal`, but its bound ({} minutes) is below its length ({} minutes); shown as `feasible`",
                self.lower_bound_minutes, self.length_minutes
            ));
        }
        if self.lower_bound_minutes > self.length_minutes {
            notes.push(format!(
                "the plan file's lower bound ({} minutes) is above its own window ({} minutes), which a bound cannot be",
                self.lower_bound_minutes, self.length_minutes
            ));
        }
        if let Some(l) = saved.length_minutes.filter(|&l| l != self.length_minutes) {
            notes.push(format!(
                "the plan file says the window is {l} minutes; its tasks' times give {} minutes (shown)",
                self.length_minutes
            ));
        }
        (self, notes)
    }
}

/// Reads the task start minutes of a plan file for checking. Accepts our own
/// plans and hand-edited ones: each task needs only its `id` and either
/// `start` (wall-clock, with or without offset, in the window's timezone) or
/// `start_minute`. The tasks may be the `tasks` array of an object or a
/// top-level array. Every problem is reported at once (codes E070–E079, see
/// docs/errors.md).
pub fn read_plan_starts(text: &str, inv: &Inventory) -> Result<Vec<Time>, InputError> {
    let value = plan_json(text)?;
    let entries = plan_entries(&value)?;
    let index = task_ids(inv);
    if let Some(d) = other_window(&value, entries, inv, &index) {
        return Err(InputError::one(PLAN_SOURCE, d));
    }
    let mut diags = Vec::new();
    let mut starts: Vec<Option<Time>> = vec![None; inv.tasks.len()];
    let mut first_seen: Vec<Option<usize>> = vec![None; inv.tasks.len()];
    // "Did you mean" for the first unknown ids only: each is a pass over
    // every task id.
    let mut suggestions_left = crate::inventory::suggest::SUGGESTION_BUDGET;
    let index = task_ids(inv);
    for (k, entry) in entries.iter().enumerate() {
        let path = format!("tasks[{k}]");
        let (ti, id, obj) = match plan_entry_task(entry, &path, inv, &index, &mut suggestions_left)
        {
            Ok(found) => found,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Some(prev) = first_seen[ti] {
            diags.push(Diagnostic::new(
                "E073",
                format!("{path}.id"),
                format!("task `{id}` appears twice (first at tasks[{prev}])"),
                "keep one entry per task",
            ));
            continue;
        }
        first_seen[ti] = Some(k);
        match plan_entry_start(obj, &path, id, inv) {
            Ok(start) => starts[ti] = Some(start),
            Err(d) => diags.push(d),
        }
    }
    for (ti, t) in inv.tasks.iter().enumerate() {
        if first_seen[ti].is_none() {
            diags.push(Diagnostic::new(
                "E074",
                "tasks",
                format!("task `{}` is missing from the plan", t.id),
                format!("add {{\"id\": \"{}\", \"start\": ...}}", t.id),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(InputError {
            source: PLAN_SOURCE.to_string(),
            diagnostics: diags,
        });
    }
    Ok(starts.into_iter().map(|s| s.unwrap_or(0)).collect())
}

/// E069 when the plan is of another window or inventory, instead of one
/// error per task: the file's `window_start` is not the inventory's window
/// start, or more than half of its task ids (at least two) are not in the
/// inventory.
fn other_window(
    value: &serde_json::Value,
    entries: &[serde_json::Value],
    inv: &Inventory,
    index: &std::collections::HashMap<&str, usize>,
) -> Option<Diagnostic> {
    let hint = "check the paths: give the inventory this plan was made from, or plan this inventory again (`windowplan plan INVENTORY --format json -o plan.json`)";
    if let Some(saved) = value.get("window_start").and_then(|v| v.as_str()) {
        if parse_wall_clock(&inv.window, saved) != Ok(0) {
            return Some(Diagnostic::new(
                "E069",
                "window_start",
                format!(
                    "the plan belongs to a different window: it was made for a window starting at {:?}, and this inventory's window starts at {}",
                    saved.chars().take(80).collect::<String>(),
                    rfc3339(&inv.window, 0)
                ),
                hint,
            ));
        }
    }
    let ids: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.get("id").and_then(|v| v.as_str()))
        .collect();
    let unknown: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !index.contains_key(id))
        .collect();
    if unknown.len() < 2 || unknown.len() * 2 <= ids.len() {
        return None;
    }
    let examples: Vec<String> = unknown
        .iter()
        .take(3)
        .map(|id| format!("{:?}", id.chars().take(80).collect::<String>()))
        .collect();
    Some(Diagnostic::new(
        "E069",
        "tasks",
        format!(
            "the plan belongs to a different inventory: {} of its {} task ids are not in this inventory (e.g. {})",
            unknown.len(),
            ids.len(),
            examples.join(", ")
        ),
        hint,
    ))
}

/// The plan text as JSON (E070 with the position when it is not).
fn plan_json(text: &str) -> Result<serde_json::Value, InputError> {
    use serde_json::Value;
    let err = |d: Diagnostic| InputError::one(PLAN_SOURCE, d);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        err(Diagnostic::new(
            "E070",
            "",
            format!(
                "the plan is not valid JSON: {} at line {}, column {}",
                strip_position(&e.to_string()),
                e.line(),
                e.column()
            ),
            if e.to_string().contains("recursion limit") {
                "a plan is nested at most three levels deep; this file nests far deeper (more than 128 levels): check it is a plan"
            } else {
                "fix the JSON syntax at that position (a missing comma, quote or bracket is the usual cause)"
            },
        ))
    })?;
    Ok(value)
}

/// The task entries of a plan: its `tasks` list (E071, E079 when the
/// shape or the format is wrong), or the plan itself when it is a list.
fn plan_entries(value: &serde_json::Value) -> Result<&Vec<serde_json::Value>, InputError> {
    use serde_json::Value;
    let err = |d: Diagnostic| InputError::one(PLAN_SOURCE, d);
    Ok(match value {
        Value::Array(a) => a,
        Value::Object(o) => {
            if let Some(f) = o.get("format") {
                if f.as_str() != Some(PLAN_FORMAT) {
                    return Err(err(Diagnostic::new(
                        "E079",
                        "format",
                        format!("unsupported plan format {f}"),
                        format!("write \"format\": \"{PLAN_FORMAT}\" or remove the field"),
                    )));
                }
            }
            match o.get("tasks") {
                Some(Value::Array(a)) => a,
                Some(_) => {
                    return Err(err(Diagnostic::new(
                        "E071",
                        "tasks",
                        "`tasks` is not a list",
                        "write `tasks` as a JSON array of {\"id\": ..., \"start\": ...} objects",
                    )))
                }
                None => {
                    return Err(err(Diagnostic::new(
                        "E071",
                        "",
                        "the plan has no `tasks` list",
                        "add \"tasks\": [{\"id\": ..., \"start\": ...}, ...]",
                    )))
                }
            }
        }
        _ => {
            return Err(err(Diagnostic::new(
                "E071",
                "",
                "the plan is neither an object with `tasks` nor a list of tasks",
                "write {\"tasks\": [{\"id\": ..., \"start\": ...}, ...]}",
            )))
        }
    })
}

/// The inventory task an entry names, with its id and fields (E071, E072
/// with a "did you mean" while the budget lasts).
fn plan_entry_task<'a>(
    entry: &'a serde_json::Value,
    path: &str,
    inv: &Inventory,
    index: &std::collections::HashMap<&str, usize>,
    suggestions_left: &mut usize,
) -> Result<
    (
        usize,
        &'a str,
        &'a serde_json::Map<String, serde_json::Value>,
    ),
    Diagnostic,
> {
    use serde_json::Value;
    let Some(obj) = entry.as_object() else {
        return Err(Diagnostic::new(
            "E071",
            path,
            "this entry is not an object",
            "write each task as {\"id\": ..., \"start\": ...}",
        ));
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(Diagnostic::new(
                "E071",
                format!("{path}.id"),
                format!("task id {other} is not a string"),
                "write the task id in quotes, as in the inventory",
            ));
        }
        None => {
            return Err(Diagnostic::new(
                "E071",
                format!("{path}.id"),
                "this task has no `id`",
                "add the task id as written in the inventory (cluster tasks as <task>@<member>)",
            ));
        }
    };
    let Some(ti) = index.get(id).copied() else {
        // The shared "did you mean" (inventory::validate::suggest) skips
        // words longer than 64 characters, so each comparison is bounded
        // whatever the id's length, and the budget bounds their number.
        let suggestion = if *suggestions_left >= inv.tasks.len() {
            *suggestions_left -= inv.tasks.len();
            crate::inventory::suggest::suggest(id, inv.tasks.iter().map(|t| t.id.as_str()))
        } else {
            None
        };
        let hint = match suggestion {
            Some(s) => format!("did you mean `{s}`? Use the task ids of the inventory (cluster tasks as <task>@<member>)"),
            None => "use the task ids of the inventory (cluster tasks as <task>@<member>)".to_string(),
        };
        return Err(Diagnostic::new(
            "E072",
            format!("{path}.id"),
            format!("unknown task `{id}`"),
            hint,
        ));
    };
    Ok((ti, id, obj))
}

/// An entry's start in minutes, from `start` (wall clock) or
/// `start_minute`, which must agree when both are given (E075-E078).
fn plan_entry_start(
    obj: &serde_json::Map<String, serde_json::Value>,
    path: &str,
    id: &str,
    inv: &Inventory,
) -> Result<Time, Diagnostic> {
    use serde_json::Value;
    let from_minute = match obj.get("start_minute") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }) {
            Some(m) => Some(m),
            None => {
                return Err(Diagnostic::new(
                    "E076",
                    format!("{path}.start_minute"),
                    format!("start_minute {v} is not a whole number of minutes"),
                    "write minutes from the window start as an integer, e.g. 90",
                ));
            }
        },
    };
    let from_clock = match obj.get("start") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match parse_wall_clock(&inv.window, s) {
            Ok(m) => Some(m),
            Err(msg) => {
                return Err(Diagnostic::new(
                    "E075",
                    format!("{path}.start"),
                    msg,
                    format!(
                        "write a wall-clock time like {} or {} (local time in {})",
                        rfc3339(&inv.window, 0),
                        inv.window.at(0).strftime("%Y-%m-%dT%H:%M"),
                        inv.window.timezone
                    ),
                ));
            }
        },
        Some(v) => {
            return Err(Diagnostic::new(
                "E075",
                format!("{path}.start"),
                format!("start {v} is not a time string"),
                format!(
                    "write a quoted wall-clock time like \"{}\"",
                    rfc3339(&inv.window, 0)
                ),
            ));
        }
    };
    let start = match (from_clock, from_minute) {
        (Some(c), Some(m)) if c != m => {
            return Err(Diagnostic::new(
                "E077",
                path,
                format!(
                    "task `{id}`: start {} is minute {c} but start_minute says {m}",
                    obj.get("start").and_then(|v| v.as_str()).unwrap_or("")
                ),
                "after editing one of `start` / `start_minute`, delete the other",
            ));
        }
        (Some(c), _) => c,
        (None, Some(m)) => m,
        (None, None) => {
            return Err(Diagnostic::new(
                "E076",
                path,
                format!("task `{id}` has neither `start` nor `start_minute`"),
                format!(
                    "add \"start\": \"{}\" (or \"start_minute\": 0)",
                    rfc3339(&inv.window, 0)
                ),
            ));
        }
    };
    if !(-MINUTE_LIMIT..=MINUTE_LIMIT).contains(&start) {
        return Err(Diagnostic::new(
            "E078",
            path,
            format!(
                "task `{id}` starts {start} minutes from the window start, which is out of range"
            ),
            "start tasks within a century of the window start",
        ));
    }
    Ok(start)
}

/// serde_json appends " at line L column C"; we print our own position.
/// Task id → index (the first task with that id, as `Inventory::task_index`).
fn task_ids(inv: &Inventory) -> std::collections::HashMap<&str, usize> {
    let mut m = std::collections::HashMap::with_capacity(inv.tasks.len());
    for (i, t) in inv.tasks.iter().enumerate() {
        m.entry(t.id.as_str()).or_insert(i);
    }
    m
}

fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// Sum over services of weight × downtime minutes of a plan, from the
/// plan's per-service downtime (the one accounting of `plan::downtime`,
/// which the checker's side uses: outages, `down:`, integrations and the
/// switchovers of `any` groups). Every figure of weighted downtime shown
/// (`plan --pareto`, `whatif`, `--objective downtime`) is this one.
pub fn weighted_downtime(inv: &Inventory, plan: &Plan) -> f64 {
    plan.services
        .iter()
        .map(|sd| {
            let w = inv
                .services
                .iter()
                .find(|s| s.id == sd.id)
                .map_or(1.0, |s| s.weight);
            w * sd.downtime_minutes as f64
        })
        .sum::<f64>()
        + 0.0 // an empty sum is -0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;
    use crate::inventory::Component;

    fn inv() -> Inventory {
        let mut b = Builder::new();
        let db = b.system("core-db-a");
        let w1 = b.system("web-1");
        let w2 = b.system("web-2");
        let dba = b.team("dba", 2);
        let ops = b.team("ops", 1);
        let t = b.task("db-schema-v42", &[db], 45);
        b.needs(t, dba, 1);
        b.needs(t, ops, 1);
        b.task("patch-web@web-1", &[w1], 30);
        b.task("patch-web@web-2", &[w1, w2], 30);
        b.service("online-banking", 10.0, &[Component::System(db)]);
        b.inv
    }

    fn codes(e: &InputError) -> Vec<&str> {
        e.diagnostics.iter().map(|d| d.code).collect()
    }

    /// A plan of another window or inventory is said to be so, once,
    /// instead of an error per task (#21 item 19).
    #[test]
    fn a_plan_of_another_inventory_is_named_as_such() {
        let inv = inv();
        let other = r#"{"tasks": [
            {"id": "ehr-patch", "start_minute": 0},
            {"id": "lab-patch", "start_minute": 5},
            {"id": "db-schema-v42", "start_minute": 0}
        ]}"#;
        let e = read_plan_starts(other, &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E069"]);
        assert!(
            e.diagnostics[0]
                .message
                .contains("a different inventory: 2 of its 3 task ids"),
            "{e}"
        );
        let moved = r#"{"window_start": "2026-12-12T22:00:00-05:00", "tasks": [
            {"id": "db-schema-v42", "start": "2026-12-12T22:00:00-05:00", "start_minute": 0}
        ]}"#;
        let e = read_plan_starts(moved, &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E069"]);
        assert!(
            e.diagnostics[0].message.contains("a different window"),
            "{e}"
        );
        // The same window written in another offset is the same window; one
        // unknown id among known ones is a typo (E072), not another inventory.
        let same = r#"{"window_start": "2026-12-06T03:00:00Z", "tasks": [
            {"id": "db-schema-v4", "start_minute": 0},
            {"id": "patch-web@web-1", "start_minute": 45},
            {"id": "patch-web@web-2", "start_minute": 75}
        ]}"#;
        let e = read_plan_starts(same, &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E072", "E074"]);
    }

    #[test]
    fn build_plan() {
        let inv = inv();
        let p = Plan::build(&inv, &[0, 45, 240], 270);
        assert_eq!(p.format, PLAN_FORMAT);
        assert_eq!(p.window_start, "2026-12-05T22:00:00-05:00");
        assert_eq!(p.length_minutes, 270);
        assert_eq!(p.status, "optimal");
        assert_eq!(p.tasks[0].team.as_deref(), Some("dba,ops"));
        assert_eq!(p.tasks[2].system.as_deref(), Some("web-1,web-2"));
        assert_eq!(p.tasks[2].start, "2026-12-06T02:00:00-05:00");
        assert_eq!(p.tasks[2].end, "2026-12-06T02:30:00-05:00");
        assert_eq!(p.tasks[2].end_minute, 270);
        assert_eq!(p.services[0].downtime_minutes, 45);
        assert_eq!(Plan::build(&inv, &[0, 45, 240], 200).status, "feasible");
        assert_eq!(p.starts(&inv), Some(vec![0, 45, 240]));
    }

    #[test]
    fn plan_json_round_trip() {
        let inv = inv();
        let p = Plan::build(&inv, &[10, 0, 30], 55);
        let text = serde_json::to_string_pretty(&p).unwrap();
        let back: Plan = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
        assert_eq!(read_plan_starts(&text, &inv).unwrap(), vec![10, 0, 30]);
    }

    #[test]
    fn hand_edited_plan_with_only_id_and_start() {
        let inv = inv();
        let text = r#"{"tasks": [
            {"id": "patch-web@web-2", "start": "2026-12-06T01:30"},
            {"id": "db-schema-v42", "start": "2026-12-05T22:00:00-05:00"},
            {"id": "patch-web@web-1", "start_minute": 60}
        ]}"#;
        assert_eq!(read_plan_starts(text, &inv).unwrap(), vec![0, 60, 210]);
        let text = r#"[{"id": "patch-web@web-2", "start_minute": 210.0},
            {"id": "db-schema-v42", "start_minute": 0}, {"id": "patch-web@web-1", "start_minute": 60}]"#;
        assert_eq!(read_plan_starts(text, &inv).unwrap(), vec![0, 60, 210]);
        // A bare list, UTC and zone-annotated times.
        let text = r#"[
            {"id": "patch-web@web-2", "start": "2026-12-06T06:30:00Z"},
            {"id": "db-schema-v42", "start": "2026-12-05T22:00:00-05:00[America/New_York]"},
            {"id": "patch-web@web-1", "start": "2026-12-05 23:00"}
        ]"#;
        assert_eq!(read_plan_starts(text, &inv).unwrap(), vec![0, 60, 210]);
    }

    #[test]
    fn plan_reading_errors() {
        let inv = inv();
        let e = read_plan_starts("{\"tasks\": [\n  {\"id\": \"x\",}\n]}", &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E070"]);
        assert!(e.diagnostics[0].message.contains("line 2, column"), "{e}");

        let e = read_plan_starts(r#"{"format": "other/2", "tasks": []}"#, &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E079"]);
        let e = read_plan_starts(r#"{"tasks": 3}"#, &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E071"]);
        let e = read_plan_starts("42", &inv).unwrap_err();
        assert_eq!(codes(&e), vec!["E071"]);

        let text = r#"{"tasks": [
            {"id": "db-schema-v4", "start_minute": 0},
            {"id": "db-schema-v42", "start": "tomorrow"},
            {"id": "db-schema-v42", "start_minute": 5},
            {"id": "patch-web@web-1"},
            {"id": "patch-web@web-2", "start": "2026-12-05T22:00", "start_minute": 5},
            {"start": "2026-12-05T22:00"},
            7
        ]}"#;
        let e = read_plan_starts(text, &inv).unwrap_err();
        assert_eq!(
            codes(&e),
            vec!["E072", "E075", "E073", "E076", "E077", "E071", "E071"]
        );
        assert!(e.diagnostics[0]
            .hint
            .contains("did you mean `db-schema-v42`"));
        assert_eq!(e.diagnostics[1].path, "tasks[1].start");

        let e = read_plan_starts(
            r#"{"tasks": [{"id": "db-schema-v42", "start": "2026-12-05T22:00:30"}]}"#,
            &inv,
        )
        .unwrap_err();
        assert_eq!(codes(&e), vec!["E075", "E074", "E074"]);
        assert!(e.diagnostics[0].message.contains("whole minute"));
        assert!(e.diagnostics[1].message.contains("patch-web@web-1"));
        let e = read_plan_starts(r#"[{"id": "db-schema-v42", "start_minute": 1e30}]"#, &inv)
            .unwrap_err();
        assert_eq!(codes(&e)[0], "E076");
        let e = read_plan_starts(
            r#"[{"id": "db-schema-v42", "start_minute": 9223372036854775807}]"#,
            &inv,
        )
        .unwrap_err();
        assert_eq!(codes(&e)[0], "E078");
    }

    #[test]
    fn wall_clock_strings() {
        let inv = inv();
        assert_eq!(rfc3339(&inv.window, 250), "2026-12-06T02:10:00-05:00");
        assert_eq!(clock(&inv.window, 190), "01:10");
        assert_eq!(clock(&inv.window, 24 * 60), "2026-12-06 22:00");
        assert!(parse_wall_clock(&inv.window, "not a time").is_err());
    }

    #[test]
    fn daylight_saving_change_uses_real_minutes() {
        // New York falls back at 02:00 EDT on 2026-11-01: 01:00–02:00 happens twice.
        let mut b = Builder::new();
        b.inv.window.start = jiff::civil::datetime(2026, 10, 31, 22, 0, 0, 0)
            .in_tz("America/New_York")
            .unwrap();
        let x = b.system("x");
        b.task("first", &[x], 60);
        b.task("second", &[x], 60);
        let p = Plan::build(&b.inv, &[180, 240], 300);
        assert_eq!(p.tasks[0].start, "2026-11-01T01:00:00-04:00");
        assert_eq!(p.tasks[1].start, "2026-11-01T01:00:00-05:00");
        assert_eq!(p.tasks[1].end, "2026-11-01T02:00:00-05:00");
        let back = serde_json::to_string(&p).unwrap();
        assert_eq!(read_plan_starts(&back, &b.inv).unwrap(), vec![180, 240]);
        // Without an offset the earlier 01:00 is meant.
        let text = r#"[{"id": "first", "start": "2026-11-01T01:00"}, {"id": "second", "start": "2026-11-01T02:00"}]"#;
        assert_eq!(read_plan_starts(text, &b.inv).unwrap(), vec![180, 300]);
    }
}
