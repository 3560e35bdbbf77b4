//! CSV export of a plan: one row per task, RFC 4180 (comma separated, CRLF
//! line ends, fields quoted when they hold a comma, a quote or a line break).
//!
//! This module also holds the small task view ([`TaskRow`]) and formatting
//! helpers shared by the other renderers of this branch (iCalendar, Markdown,
//! SVG Gantt, HTML); they are `pub(super)` and meant to be unified with the
//! rest of `report` later.

use crate::base::{Interval, Time};
use crate::inventory::Inventory;
use crate::plan::Plan;

/// Column names, in order.
pub const HEADER: [&str; 10] = [
    "id",
    "systems",
    "teams",
    "start",
    "end",
    "start_minute",
    "end_minute",
    "duration_minutes",
    "outage",
    "after",
];

/// Renders the plan as CSV: a header row, then one row per task in start
/// order. Lists (systems, teams, after) are joined by `;`; a team needed more
/// than once is written `team:amount`. Times are wall-clock RFC 3339 with the
/// offset in force. `outage` is `yes`/`no` (empty for a planned task the
/// inventory does not know).
pub fn render(inv: &Inventory, plan: &Plan) -> String {
    let mut out = String::new();
    let extra = uses_v11(inv);
    let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    if extra {
        header.extend(EXTRA.iter().map(|s| s.to_string()));
    }
    // Format 1.2: which schema change each activity is part of.
    let schema = !inv.schema_changes.is_empty();
    if schema {
        header.extend(["schema_change".to_string(), "schema_step".to_string()]);
    }
    write_record(&mut out, header);
    let index: std::collections::HashMap<&str, usize> = if schema {
        inv.tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect()
    } else {
        Default::default()
    };
    for row in task_rows(inv, plan, &[]) {
        let outage = match row.outage {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        write_record(
            &mut out,
            [
                row.id.clone(),
                row.systems.join(";"),
                row.team_labels().join(";"),
                rfc3339(&inv.window.at(row.start)),
                rfc3339(&inv.window.at(row.end)),
                row.start.to_string(),
                row.end.to_string(),
                (row.end - row.start).to_string(),
                outage.to_string(),
                row.after.join(";"),
            ]
            .into_iter()
            .chain(extra.then(|| extra_fields(inv, &row)).into_iter().flatten())
            .chain(
                schema
                    .then(|| schema_fields(inv, &index, &row))
                    .into_iter()
                    .flatten(),
            ),
        );
    }
    out
}

/// Format 1.1 columns, after [`HEADER`], when the inventory uses steps or
/// metadata.
pub const EXTRA: [&str; 12] = [
    "down",
    "task",
    "step",
    "member",
    "title",
    "change",
    "owner",
    "contact",
    "notes",
    "rollback",
    "window_title",
    "window_change",
];

fn extra_fields(inv: &Inventory, row: &TaskRow) -> Vec<String> {
    let m = &row.meta;
    let o = |x: &Option<String>| x.clone().unwrap_or_default();
    vec![
        row.down.join(";"),
        row.parent.clone(),
        o(&row.step),
        o(&row.member),
        o(&m.title),
        o(&m.change),
        o(&m.owner),
        o(&m.contact),
        o(&m.notes),
        o(&m.rollback),
        o(&inv.window.meta.title),
        o(&inv.window.meta.change),
    ]
}

/// Format 1.2 columns: the schema change of the row's activity and its
/// part in it (`expand`, `deploy`, `backfill`, `cutover`, `contract`).
fn schema_fields(
    inv: &Inventory,
    index: &std::collections::HashMap<&str, usize>,
    row: &TaskRow,
) -> Vec<String> {
    let found = index
        .get(row.id.as_str())
        .and_then(|&i| inv.schema_change_of(&inv.tasks[i]));
    match found {
        Some((sc, step)) => vec![
            sc.id.clone(),
            step.map_or("deploy", |s| s.name()).to_string(),
        ],
        None => vec![String::new(), String::new()],
    }
}

/// Writes one RFC 4180 record ending in CRLF.
fn write_record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(&f));
    }
    out.push_str("\r\n");
}

/// A field as written: a cell a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or CR, and not a plain number) gets a
/// leading `'` so that it stays text (quoting alone does not stop Excel or
/// LibreOffice), then RFC 4180 quoting when it holds a comma, a quote, CR
/// or LF.
pub(super) fn quote(field: &str) -> String {
    let field = crate::base::text::spreadsheet_safe(field);
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.into_owned()
    }
}

// ---------------------------------------------------------------------------
// Shared view and helpers for this branch's renderers.

/// One planned task joined with what the inventory says about it.
#[derive(Debug, Clone)]
pub(super) struct TaskRow {
    pub id: String,
    /// System ids.
    pub systems: Vec<String>,
    /// Team ids with the amount needed.
    pub teams: Vec<(String, u32)>,
    pub start: Time,
    pub end: Time,
    /// `None` when the inventory has no task with this id.
    pub outage: Option<bool>,
    /// The systems that count as down while it runs: its own when it is an
    /// outage, and those of its `down:` list (members of a listed cluster).
    pub down: Vec<String>,
    /// Predecessor task ids (`after`).
    pub after: Vec<String>,
    /// Minimum lag after each predecessor's end (parallel to `after`).
    pub lags: Vec<Time>,
    /// Maximum lag after each predecessor's end, when given (parallel to `after`).
    pub max_lags: Vec<Option<Time>>,
    /// Allowed intervals (`windows`), when given.
    pub windows: Vec<Interval>,
    /// On the critical chain given by the caller.
    pub critical: bool,
    /// Time to back the change out, when given.
    pub backout: Option<Time>,
    /// Runbook text from the inventory.
    pub meta: crate::inventory::Meta,
    /// Format 1.1: the task as written, its step and member when expanded.
    pub parent: String,
    pub step: Option<String>,
    pub member: Option<String>,
}

/// The systems that count as down while task `t` runs: its own when it is
/// an outage, then those of its `down:` list, each once.
pub(super) fn takes_down(inv: &Inventory, t: &crate::inventory::Task) -> Vec<String> {
    let own = t.systems.iter().filter(|_| t.outage);
    let mut ids: Vec<String> = Vec::new();
    for &s in own.chain(&t.down) {
        let id = &inv.systems[s].id;
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

impl TaskRow {
    /// Whether it is an outage, in words, with why a step counts as one
    /// and which systems it takes down: `outage: takes down web-1`,
    /// `outage (a step of os-patch, which keeps web-1 down from its first
    /// step to its last): takes down web-1`, `online`.
    pub fn outage_words(&self) -> String {
        let base = match self.outage {
            Some(true) => match &self.step {
                Some(_) => format!(
                    "outage (a step of {}, which keeps its system down from its first step to its last)",
                    self.parent
                ),
                None => "outage".to_string(),
            },
            Some(false) => "online".to_string(),
            None => "unknown".to_string(),
        };
        if self.down.is_empty() {
            base
        } else {
            format!("{base}: takes down {}", self.down.join(", "))
        }
    }

    /// Team ids, with `:amount` when more than one is needed.
    pub fn team_labels(&self) -> Vec<String> {
        self.teams
            .iter()
            .map(|(t, n)| {
                if *n > 1 {
                    format!("{t}:{n}")
                } else {
                    t.clone()
                }
            })
            .collect()
    }

    /// Predecessors with their lag when not zero: `drain-app +10m`.
    pub fn after_labels(&self) -> Vec<String> {
        self.after
            .iter()
            .zip(self.lags.iter().chain(std::iter::repeat(&0)))
            .zip(self.max_lags.iter().chain(std::iter::repeat(&None)))
            .map(|((a, &lag), &max)| {
                let signed = |l: Time| {
                    if l >= 0 {
                        format!("+{}", crate::base::fmt_minutes(l))
                    } else {
                        crate::base::fmt_minutes(l)
                    }
                };
                let min = match lag {
                    0 => a.clone(),
                    l => format!("{a} {}", signed(l)),
                };
                match max {
                    Some(m) => format!("{min} (at most {})", signed(m)),
                    None => min,
                }
            })
            .collect()
    }

    pub fn duration(&self) -> Time {
        self.end - self.start
    }

    /// Deadline − backout: the latest minute a failed change can start its
    /// backout and still be done by the deadline (DESIGN.md, `backout`).
    pub fn point_of_no_return(&self, deadline: Option<Time>) -> Option<Time> {
        Some(deadline? - self.backout?)
    }
}

/// The plan's tasks joined with the inventory, sorted by start, end, id.
/// A task the inventory does not know keeps the plan's system and team.
pub(super) fn task_rows(inv: &Inventory, plan: &Plan, critical: &[String]) -> Vec<TaskRow> {
    let mut rows: Vec<TaskRow> = plan
        .tasks
        .iter()
        .map(|pt| {
            let critical = critical.iter().any(|c| c == &pt.id);
            match inv.task_index(&pt.id).map(|i| &inv.tasks[i]) {
                Some(t) => TaskRow {
                    id: pt.id.clone(),
                    systems: t
                        .systems
                        .iter()
                        .map(|&s| inv.systems[s].id.clone())
                        .collect(),
                    teams: t
                        .needs
                        .iter()
                        .map(|&(k, n)| (inv.teams[k].id.clone(), n))
                        .collect(),
                    start: pt.start_minute,
                    end: pt.end_minute,
                    outage: Some(t.outage),
                    down: takes_down(inv, t),
                    after: t
                        .after
                        .iter()
                        .map(|a| inv.tasks[a.task].id.clone())
                        .collect(),
                    lags: t.after.iter().map(|a| a.lag).collect(),
                    max_lags: t.after.iter().map(|a| a.max_lag).collect(),
                    windows: t.windows.clone().unwrap_or_default(),
                    critical,
                    backout: t.backout,
                    meta: t.meta.clone(),
                    parent: t.parent.clone(),
                    step: t.step.clone(),
                    member: t.member.clone(),
                },
                None => TaskRow {
                    id: pt.id.clone(),
                    systems: split_list(pt.system.as_deref()),
                    teams: split_list(pt.team.as_deref())
                        .into_iter()
                        .map(|t| (t, 1))
                        .collect(),
                    start: pt.start_minute,
                    end: pt.end_minute,
                    outage: None,
                    down: Vec::new(),
                    after: Vec::new(),
                    lags: Vec::new(),
                    max_lags: Vec::new(),
                    windows: Vec::new(),
                    critical,
                    backout: None,
                    meta: Default::default(),
                    parent: pt.id.clone(),
                    step: None,
                    member: None,
                },
            }
        })
        .collect();
    // Steps of one task on one member stay together, under the span of the
    // whole sequence (format 1.1); other rows by start, end, id.
    let mut span: std::collections::HashMap<(String, Option<String>), (Time, Time)> =
        std::collections::HashMap::new();
    for r in rows.iter().filter(|r| r.step.is_some()) {
        let e = span
            .entry((r.parent.clone(), r.member.clone()))
            .or_insert((r.start, r.end));
        *e = (e.0.min(r.start), e.1.max(r.end));
    }
    let key = |r: &TaskRow| match span.get(&(r.parent.clone(), r.member.clone())) {
        Some(&(s, e)) if r.step.is_some() => (
            s,
            e,
            format!("{}@{}", r.parent, r.member.as_deref().unwrap_or("")),
            r.start,
        ),
        _ => (r.start, r.end, r.id.clone(), r.start),
    };
    rows.sort_by_cached_key(key);
    rows
}

/// Format 1.1: whether the window gives a title or change record, or a
/// task has steps (then CSV gives the extra columns, with every task's
/// metadata; a v1 file keeps the v1 columns).
pub(super) fn uses_v11(inv: &Inventory) -> bool {
    inv.window.meta.title.is_some()
        || inv.window.meta.change.is_some()
        || inv
            .tasks
            .iter()
            .any(|t| t.step.is_some() || !t.down.is_empty())
}

fn split_list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    })
    .unwrap_or_default()
}

/// Minutes as `4h10m`, `45m`, `2h`, `0m` (negative with a leading `-`).
/// RFC 3339 with the offset in force, e.g. `2026-12-05T22:00:00-05:00`.
pub(super) fn rfc3339(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Full wall-clock for headings, e.g. `Sat 2026-12-05 22:00 EST`.
pub(super) fn wall_long(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%a %Y-%m-%d %H:%M %Z").to_string()
}

/// Short wall-clock for runbooks and tables, e.g. `Sat 22:00 EST`.
pub(super) fn wall_short(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%a %H:%M %Z").to_string()
}

/// Hour and minute only, e.g. `22:00`.
pub(super) fn wall_hm(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(
            quote("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(quote("@cmd"), "'@cmd");
        assert_eq!(quote("-x"), "'-x");
        assert_eq!(quote("+x"), "'+x");
        assert_eq!(quote("-5"), "-5");
        let mut s = String::new();
        write_record(&mut s, ["x".to_string(), "y,z".to_string()]);
        assert_eq!(s, "x,\"y,z\"\r\n");
    }
}
