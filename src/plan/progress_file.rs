//! The progress file of a running window (DESIGN.md, "On the night"): what
//! is done, running, failed and dropped, read through the inventory's own
//! limited loader (size, depth and alias limits) and checked against the
//! inventory. Every problem is reported at once, each naming its entry.

use crate::base::Time;
use crate::error::{Diagnostic, InputError};
use crate::inventory::time::WindowCalendar;
use crate::inventory::{Format, Inventory, Limits};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The progress file as written.
#[derive(Debug, Clone, Default)]
struct ProgressFile {
    now: Option<crate::inventory::file::Text>,
    done: Vec<DoneFile>,
    running: Vec<RunningFile>,
    failed: Vec<FailedFile>,
    dropped: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DoneFile {
    task: String,
    start: crate::inventory::file::Text,
    end: crate::inventory::file::Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunningFile {
    task: String,
    start: crate::inventory::file::Text,
    #[serde(default)]
    expected_end: Option<crate::inventory::file::Text>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailedFile {
    task: String,
    at: crate::inventory::file::Text,
    action: Action,
}

/// What was done about a failed task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Its backout runs from the failure, for the task's `backout` time.
    Backout,
    /// Left undone.
    Skip,
}

/// A task with actual (or expected) times, in minutes from the window start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timed {
    /// Index of the task in the inventory.
    pub task: usize,
    /// When it started.
    pub start: Time,
    /// When it ended (or is expected to end).
    pub end: Time,
}

/// A failed task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    /// Index of the task in the inventory.
    pub task: usize,
    /// When it failed, minutes from the window start.
    pub at: Time,
    /// What was done about it.
    pub action: Action,
}

/// A checked progress file: task indices into the inventory, minutes from
/// the window start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The time of the progress report.
    pub now: Time,
    /// Finished tasks with their times.
    pub done: Vec<Timed>,
    /// Started, unfinished tasks with their start and expected end.
    pub running: Vec<Timed>,
    /// Failed tasks.
    pub failed: Vec<Failed>,
    /// Tasks dropped from the night.
    pub dropped: Vec<usize>,
}

/// Reads and checks a progress file (YAML or JSON by extension, JSON
/// otherwise). `now` (from `--now`, local wall-clock) replaces the file's.
pub fn load(
    path: &Path,
    inv: &Inventory,
    now: Option<&str>,
    limits: &Limits,
) -> Result<Progress, InputError> {
    let source = path.display().to_string();
    let text = crate::inventory::read_text_limited(path, limits.max_file_bytes, "progress")
        .map_err(|d| InputError::one(&source, d))?;
    let format = Format::from_path(path).unwrap_or(Format::Json);
    load_str(&text, format, &source, inv, now)
}

/// [`load`] for text in memory; `source` names it in diagnostics.
pub fn load_str(
    text: &str,
    format: Format,
    source: &str,
    inv: &Inventory,
    now: Option<&str>,
) -> Result<Progress, InputError> {
    let fail = |d: Diagnostic| InputError::one(source, d);
    let value = if text.trim().is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        crate::inventory::parse_value(text, format).map_err(fail)?
    };
    // Every diagnostic names its entry by path, and by line and column.
    let placed = |diagnostics| InputError {
        source: source.to_string(),
        diagnostics: crate::inventory::place_in(text, format, diagnostics),
    };
    let file = shape(value).map_err(placed)?;
    resolve(&file, inv, now).map_err(placed)
}

/// The `now` a progress file gives, as written (before any inventory is
/// known: a campaign finds the window under way from it); `now_arg`
/// (`--now`) replaces it. E100 when the file cannot be read as a map, E103
/// when neither gives `now`.
pub fn now_text(
    text: &str,
    format: Format,
    source: &str,
    now_arg: Option<&str>,
) -> Result<(String, &'static str), InputError> {
    if let Some(t) = now_arg {
        return Ok((t.to_string(), "--now"));
    }
    let fail = |d: Diagnostic| InputError::one(source, d);
    let value = if text.trim().is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        crate::inventory::parse_value(text, format).map_err(fail)?
    };
    let file = shape(value).map_err(|diagnostics| InputError {
        source: source.to_string(),
        diagnostics: crate::inventory::place_in(text, format, diagnostics),
    })?;
    match file.now {
        Some(t) => Ok((t.as_str().to_string(), "now")),
        None => Err(fail(Diagnostic::new(
            "E103",
            "now",
            "the progress file gives no `now` and no --now was given",
            "write `now: 2026-12-06T01:40` (local time in the campaign's timezone) or pass --now",
        ))),
    }
}

const SHAPE_HINT: &str = "write `now`, and lists `done: [{task, start, end}]`, `running: [{task, start, expected_end}]`, `failed: [{task, at, action: backout|skip}]`, `dropped: [task ids]`";

/// The file model, entry by entry, so that a malformed entry is named.
fn shape(value: serde_json::Value) -> Result<ProgressFile, Vec<Diagnostic>> {
    use serde_json::Value;
    let bad = |path: String, what: String| Diagnostic::new("E100", path, what, SHAPE_HINT);
    let Value::Object(map) = value else {
        return Err(vec![bad(
            String::new(),
            "the progress file is not a map".into(),
        )]);
    };
    let mut diags = Vec::new();
    let mut f = ProgressFile::default();
    fn list<T: serde::de::DeserializeOwned>(
        key: &str,
        v: &Value,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<T> {
        if v.is_null() {
            return Vec::new();
        }
        let Some(items) = v.as_array() else {
            diags.push(Diagnostic::new(
                "E100",
                key,
                format!("`{key}` is not a list"),
                SHAPE_HINT,
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            match serde_json::from_value::<T>(item.clone()) {
                Ok(x) => out.push(x),
                Err(e) => diags.push(Diagnostic::new(
                    "E100",
                    format!("{key}[{k}]"),
                    e.to_string(),
                    SHAPE_HINT,
                )),
            }
        }
        out
    }
    for (key, v) in &map {
        match key.as_str() {
            "now" if v.is_null() => {}
            "now" => match serde_json::from_value(v.clone()) {
                Ok(t) => f.now = Some(t),
                Err(e) => diags.push(bad("now".into(), e.to_string())),
            },
            "done" => f.done = list(key, v, &mut diags),
            "running" => f.running = list(key, v, &mut diags),
            "failed" => f.failed = list(key, v, &mut diags),
            "dropped" => f.dropped = list(key, v, &mut diags),
            _ => diags.push(bad(
                key.clone(),
                format!("unknown field `{key}`, expected one of `now`, `done`, `running`, `failed`, `dropped`"),
            )),
        }
    }
    if diags.is_empty() {
        Ok(f)
    } else {
        Err(diags)
    }
}

/// The ids a progress entry may name: every task id; the id of a task on a
/// cluster, which stands for all its members; and for a task with steps,
/// the whole unit (`<task>`, `<task>@<member>`: every step of it) or one
/// step (`<task>.<step>@<member>`, or `<task>.<step>` on every member).
fn task_names(inv: &Inventory) -> HashMap<String, Vec<usize>> {
    let ids: std::collections::HashSet<&str> = inv.tasks.iter().map(|t| t.id.as_str()).collect();
    let mut names: HashMap<String, Vec<usize>> = HashMap::new();
    let mut add = |name: String, i: usize| {
        let ts = names.entry(name).or_default();
        if !ts.contains(&i) {
            ts.push(i);
        }
    };
    for (i, t) in inv.tasks.iter().enumerate() {
        add(t.id.clone(), i);
        if let Some((base, _)) = t.id.split_once('@') {
            if !ids.contains(base) {
                add(base.to_string(), i);
            }
        }
        if t.step.is_some() {
            if let Some(m) = &t.member {
                let unit = format!("{}@{m}", t.parent);
                if !ids.contains(unit.as_str()) {
                    add(unit, i);
                }
            }
            if !ids.contains(t.parent.as_str()) {
                add(t.parent.clone(), i);
            }
        }
    }
    names
}

/// The tasks of an entry grouped into runs: the steps of one unit (a task
/// with steps, on one member) form one run, in step order; any other task
/// is a run of its own.
fn runs(inv: &Inventory, ts: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &t in ts {
        let task = &inv.tasks[t];
        let same_unit = |r: &Vec<usize>| {
            let first = &inv.tasks[r[0]];
            task.step.is_some()
                && first.step.is_some()
                && first.parent == task.parent
                && first.member == task.member
        };
        match out.iter_mut().find(|r| same_unit(r)) {
            Some(r) => r.push(t),
            None => out.push(vec![t]),
        }
    }
    for r in &mut out {
        r.sort_unstable();
    }
    out
}

/// The times of each task of an entry that ran from `start` to `end`: a
/// unit with steps named as a whole ran its steps back to back, so the
/// time is shared among them in proportion to their durations (whole
/// minutes, the last step ending at `end`); every other task ran the whole
/// time.
fn timed_runs(inv: &Inventory, ts: &[usize], start: Time, end: Time) -> Vec<Timed> {
    let mut out = Vec::new();
    for run in runs(inv, ts) {
        let total: Time = run.iter().map(|&t| inv.tasks[t].duration).sum();
        let mut at = start;
        let mut planned = 0;
        for (k, &t) in run.iter().enumerate() {
            planned += inv.tasks[t].duration;
            let step_end = if k + 1 == run.len() {
                end
            } else if total == 0 {
                start
            } else {
                start + (end - start) * planned / total
            };
            out.push(Timed {
                task: t,
                start: at,
                end: step_end,
            });
            at = step_end;
        }
    }
    out
}

struct Resolver<'a> {
    inv: &'a Inventory,
    calendar: WindowCalendar,
    names: HashMap<String, Vec<usize>>,
    diags: Vec<Diagnostic>,
    /// The first entry that named each task.
    seen: Vec<Option<String>>,
    /// Where `now` was given: `--now` or the file's `now`.
    now_path: &'static str,
}

impl Resolver<'_> {
    fn time(&mut self, path: String, text: &str) -> Option<Time> {
        // An ambiguous local time is taken as the earlier instant, as in the
        // inventory; its warning is not reported for a progress file.
        match self.calendar.minute(text, &mut Vec::new()) {
            Ok(m) => Some(m),
            Err(e) => {
                self.diags
                    .push(Diagnostic::new("E102", path, e.message, e.hint));
                None
            }
        }
    }

    /// The tasks an entry names, each claimed for this entry; `None` (with
    /// a diagnostic) for an unknown id or a task already in another entry.
    fn tasks(&mut self, path: String, id: &str) -> Option<Vec<usize>> {
        let Some(ts) = self.names.get(id).cloned() else {
            self.diags.push(Diagnostic::new(
                "E101",
                path,
                format!("unknown task `{id}`"),
                "use the task ids of the inventory: a cluster task as <task>@<member>, or <task> for all its members; a task with steps as a whole (<task>, <task>@<member>) or one step (<task>.<step>@<member>)",
            ));
            return None;
        };
        for &t in &ts {
            if let Some(prev) = &self.seen[t] {
                self.diags.push(Diagnostic::new(
                    "E104",
                    path,
                    format!(
                        "task `{}` is already given at {prev}: a task is in one state only",
                        self.inv.tasks[t].id
                    ),
                    "keep one entry per task: done, running, failed or dropped",
                ));
                return None;
            }
        }
        for &t in &ts {
            self.seen[t] = Some(path.clone());
        }
        Some(ts)
    }
}

fn resolve(
    f: &ProgressFile,
    inv: &Inventory,
    now_arg: Option<&str>,
) -> Result<Progress, Vec<Diagnostic>> {
    let mut r = Resolver {
        inv,
        calendar: WindowCalendar {
            tz: inv.window.start.time_zone().clone(),
            start: inv.window.start.clone(),
        },
        names: task_names(inv),
        diags: Vec::new(),
        seen: vec![None; inv.tasks.len()],
        now_path: if now_arg.is_some() { "--now" } else { "now" },
    };
    let mut p = Progress::default();
    let now = match (now_arg, &f.now) {
        (Some(t), _) => r.time("--now".into(), t),
        (None, Some(t)) => r.time("now".into(), t.as_str()),
        (None, None) => {
            r.diags.push(Diagnostic::new(
                "E103",
                "now",
                "the progress file gives no `now` and no --now was given",
                "write `now: 2026-12-06T01:40` (local time in the window's timezone) or pass --now",
            ));
            None
        }
    };
    for (k, d) in f.done.iter().enumerate() {
        let path = format!("done[{k}]");
        let ts = r.tasks(format!("{path}.task"), &d.task);
        let s = r.time(format!("{path}.start"), d.start.as_str());
        let e = r.time(format!("{path}.end"), d.end.as_str());
        if let (Some(ts), Some(s), Some(e)) = (ts, s, e) {
            if e < s {
                r.diags.push(Diagnostic::new(
                    "E102",
                    format!("{path}.end"),
                    format!(
                        "task `{}` ends ({}) before it starts ({})",
                        d.task, d.end, d.start
                    ),
                    "the end of a done task is after its start",
                ));
            }
            p.done.extend(timed_runs(inv, &ts, s, e));
        }
    }
    for (k, d) in f.running.iter().enumerate() {
        let path = format!("running[{k}]");
        let ts = r.tasks(format!("{path}.task"), &d.task);
        let s = r.time(format!("{path}.start"), d.start.as_str());
        let e = match &d.expected_end {
            Some(e) => r.time(format!("{path}.expected_end"), e.as_str()),
            None => {
                r.diags.push(Diagnostic::new(
                    "E102",
                    format!("{path}.expected_end"),
                    format!("running task `{}` has no `expected_end`", d.task),
                    "say when it is expected to end: `expected_end: 2026-12-06T02:05`",
                ));
                None
            }
        };
        if let (Some(ts), Some(s), Some(e)) = (ts, s, e) {
            if e < s {
                r.diags.push(Diagnostic::new(
                    "E102",
                    format!("{path}.expected_end"),
                    format!("task `{}` is expected to end before it started", d.task),
                    "the expected end of a running task is after its start",
                ));
            }
            p.running.extend(timed_runs(inv, &ts, s, e));
        }
    }
    for (k, d) in f.failed.iter().enumerate() {
        let path = format!("failed[{k}]");
        let ts = r.tasks(format!("{path}.task"), &d.task);
        let at = r.time(format!("{path}.at"), d.at.as_str());
        if let (Some(ts), Some(at)) = (ts, at) {
            if d.action == Action::Backout && runs(inv, &ts).iter().any(|r| r.len() > 1) {
                r.diags.push(Diagnostic::new(
                    "E105",
                    format!("{path}.task"),
                    format!(
                        "`{}` names a task with steps as a whole; a backout starts from the step that failed",
                        d.task
                    ),
                    "name the step that failed (`<task>.<step>@<member>`) and list the steps before it under `done`, or write `action: skip` to leave the whole task undone",
                ));
                continue;
            }
            for task in ts {
                if d.action == Action::Backout && inv.tasks[task].backout.is_none() {
                    r.diags.push(Diagnostic::new(
                        "E105",
                        format!("{path}.action"),
                        format!(
                            "task `{}` failed with `action: backout` but the inventory gives it no `backout` time",
                            inv.tasks[task].id
                        ),
                        "give the task `backout: <duration>` in the inventory, or write `action: skip`",
                    ));
                }
                p.failed.push(Failed {
                    task,
                    at,
                    action: d.action,
                });
            }
        }
    }
    for (k, id) in f.dropped.iter().enumerate() {
        if let Some(ts) = r.tasks(format!("dropped[{k}]"), id) {
            p.dropped.extend(ts);
        }
    }
    if let Some(now) = now {
        p.now = now;
        check_times(&mut r, &p, f);
    }
    // An unknown id may be a predecessor misspelt: then "comes after a task
    // that is not done" would only repeat it (no cascade).
    if !r.diags.iter().any(|d| d.code == "E101") {
        check_predecessors(&mut r, &p);
        check_next_steps(&mut r, &p);
    }
    if r.diags.is_empty() {
        Ok(p)
    } else {
        Err(r.diags)
    }
}

/// `now` lies at or after the window start and every recorded time.
fn check_times(r: &mut Resolver, p: &Progress, f: &ProgressFile) {
    let now = p.now;
    let w = &r.inv.window;
    if now < 0 {
        let written = f.now.as_ref().map(|t| t.as_str().to_string());
        r.diags.push(Diagnostic::new(
            "E103",
            "now",
            format!(
                "now ({}) is before the window start ({})",
                written.unwrap_or_else(|| crate::plan::clock(w, now)),
                crate::plan::clock(w, 0)
            ),
            "give the current time, after the window opened",
        ));
    }
    before_window(r, p);
    after_deadline(r, p);
    let mut items: Vec<(usize, &str, Time)> = Vec::new();
    for d in &p.done {
        items.push((d.task, "ends", d.end));
    }
    for d in &p.running {
        items.push((d.task, "starts", d.start));
    }
    for d in &p.failed {
        items.push((d.task, "fails", d.at));
    }
    // One diagnostic per entry (a cluster task names several tasks).
    let mut said: Vec<String> = Vec::new();
    for (task, what, at) in items {
        let entry = r.seen[task].clone().unwrap_or_default();
        if at <= now || said.contains(&entry) {
            continue;
        }
        said.push(entry.clone());
        let field = match what {
            "ends" => "end",
            "starts" => "start",
            _ => "at",
        };
        let path = entry.replace(".task", &format!(".{field}"));
        r.diags.push(Diagnostic::new(
            "E103",
            path,
            format!(
                "task `{}` {what} at {}, after now ({}): now must be after every recorded time",
                r.inv.tasks[task].id,
                crate::plan::clock(w, at),
                crate::plan::clock(w, now)
            ),
            "check the recorded times, or give a later `now` (--now)",
        ));
    }
}

/// Steps run back to back: a done step that ended before `now` was
/// followed at once by its unit's next step, which must then be recorded
/// too (done, running, failed or dropped). Without this the night would
/// have no plan, for a reason only the progress file holds.
fn check_next_steps(r: &mut Resolver, p: &Progress) {
    let w = &r.inv.window;
    let mut said: Vec<String> = Vec::new();
    for d in p.done.iter().filter(|d| d.end < p.now) {
        let t = &r.inv.tasks[d.task];
        if t.step.is_none() {
            continue;
        }
        let next = r.inv.tasks.iter().enumerate().find(|(_, n)| {
            n.step.is_some()
                && n.parent == t.parent
                && n.member == t.member
                && n.after
                    .iter()
                    .any(|a| a.task == d.task && a.lag == 0 && a.max_lag == Some(0))
        });
        let Some((k, n)) = next else { continue };
        let entry = r.seen[d.task].clone().unwrap_or_default();
        if r.seen[k].is_some() || said.contains(&entry) {
            continue;
        }
        said.push(entry.clone());
        r.diags.push(Diagnostic::new(
            "E105",
            entry,
            format!(
                "step `{}` is done (ended {}), but the next step `{}`, which starts when it ends, is not recorded",
                t.id,
                crate::plan::clock(w, d.end),
                n.id
            ),
            "list the next step as done or running (or name the whole task, `<task>@<member>`, with the times of all its steps)",
        ));
    }
}

/// No recorded time lies before the window opens: a done or running task's
/// start, a failure's `at` (a date a day off, say). Said here, naming the
/// entry, rather than as a night that fits nowhere.
fn before_window(r: &mut Resolver, p: &Progress) {
    let w = &r.inv.window;
    let mut items: Vec<(usize, &str, Time)> = Vec::new();
    items.extend(p.done.iter().map(|d| (d.task, "start", d.start)));
    items.extend(p.running.iter().map(|d| (d.task, "start", d.start)));
    items.extend(p.failed.iter().map(|d| (d.task, "at", d.at)));
    let mut said: Vec<String> = Vec::new();
    for (task, field, at) in items {
        let entry = r.seen[task].clone().unwrap_or_default();
        if at >= 0 || said.contains(&entry) {
            continue;
        }
        said.push(entry.clone());
        r.diags.push(Diagnostic::new(
            "E102",
            entry.replace(".task", &format!(".{field}")),
            format!(
                "task `{}` is recorded at {} ({field}), before the window opens ({})",
                r.inv.tasks[task].id,
                crate::plan::clock(w, at),
                crate::plan::clock(w, 0)
            ),
            "check the date and time of this entry: every recorded time is within the window",
        ));
    }
}

/// `now` after the deadline while tasks are still to run: most often a
/// date a day off. Refused (E103) rather than planned as a night that
/// cannot end in time.
fn after_deadline(r: &mut Resolver, p: &Progress) {
    let w = &r.inv.window;
    let Some(deadline) = w.deadline else { return };
    let left = r.seen.iter().filter(|s| s.is_none()).count();
    if p.now <= deadline || left == 0 {
        return;
    }
    r.diags.push(Diagnostic::new(
        "E103",
        r.now_path,
        format!(
            "now ({}) is after the window's deadline ({}), with {left} task(s) not yet done, running, failed or dropped",
            crate::plan::clock(w, p.now),
            crate::plan::clock(w, deadline)
        ),
        "check the date of `now` (or --now); a night past its deadline is re-planned from a time before it",
    ));
}

/// A done, running or failed task's predecessors are all done (a failed
/// task was started, so what it waits for had ended), and a failure is not
/// recorded before a predecessor's end: otherwise its backout would be
/// placed before the tasks it comes after.
fn check_predecessors(r: &mut Resolver, p: &Progress) {
    let mut done: Vec<Option<Time>> = vec![None; r.inv.tasks.len()];
    for d in &p.done {
        done[d.task] = Some(d.end);
    }
    // Tasks that did not run (failed or dropped): a task after one with
    // `even_if: failed` may have run all the same.
    let mut not_run = vec![false; r.inv.tasks.len()];
    for f in &p.failed {
        not_run[f.task] = true;
    }
    for &t in &p.dropped {
        not_run[t] = true;
    }
    let listed = |list: &'static str, ts: Vec<usize>| (list, ts);
    let lists = [
        listed("done", p.done.iter().map(|d| d.task).collect()),
        listed("running", p.running.iter().map(|d| d.task).collect()),
        listed("failed", p.failed.iter().map(|d| d.task).collect()),
    ];
    // One diagnostic per entry (a cluster task names several tasks).
    let mut said: Vec<String> = Vec::new();
    for (list, tasks) in lists {
        for t in tasks {
            let task = &r.inv.tasks[t];
            let entry = r.seen[t].clone().unwrap_or_default();
            let missing: Vec<&str> = task
                .after
                .iter()
                .filter(|a| done[a.task].is_none())
                .filter(|a| !(not_run[a.task] && task.even_if_failed.contains(&a.task)))
                .map(|a| r.inv.tasks[a.task].id.as_str())
                .collect();
            if !missing.is_empty() && !said.contains(&entry) {
                said.push(entry.clone());
                r.diags.push(Diagnostic::new(
                    "E105",
                    entry,
                    format!(
                        "task `{}` is {list} but it comes after {}, which {} not done{}",
                        task.id,
                        crate::base::join_words(&missing),
                        if missing.len() == 1 { "is" } else { "are" },
                        if list == "failed" {
                            ": a task that failed was started, so what it waits for had ended"
                        } else {
                            ""
                        }
                    ),
                    "list the predecessors under `done` with their times, or correct this entry",
                ));
                continue;
            }
            let Some(f) = p.failed.iter().find(|f| f.task == t && list == "failed") else {
                continue;
            };
            let late = task
                .after
                .iter()
                .filter_map(|a| done[a.task].map(|end| (a.task, end)))
                .find(|&(_, end)| f.at < end);
            if let (Some((pred, end)), false) = (late, said.contains(&entry)) {
                said.push(entry.clone());
                let w = &r.inv.window;
                r.diags.push(Diagnostic::new(
                    "E105",
                    entry.replace(".task", ".at"),
                    format!(
                        "task `{}` failed at {}, before `{}` ended ({}), which it comes after",
                        task.id,
                        crate::plan::clock(w, f.at),
                        r.inv.tasks[pred].id,
                        crate::plan::clock(w, end)
                    ),
                    "check the failure's `at` and the predecessor's recorded end",
                ));
            }
        }
    }
}
