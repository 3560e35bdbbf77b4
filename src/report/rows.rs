//! The vocabulary the reports share: how a signed difference of minutes,
//! a weighted figure and a table cell are written (escaping for CSV,
//! Markdown and HTML), the words for downtime the plan does not cause, and
//! the task rows every plan report lists (`task_rows`: a task's
//! wall-clock times, its systems and the systems it takes down).

use crate::base::fmt_minutes;
use crate::base::{Interval, Time};
use crate::inventory::Inventory;
use crate::plan::Plan;

/// What every format says of downtime from systems' `unavailable` times:
/// the service is down then whatever the plan does.
pub const NOT_CAUSED_BY_THE_PLAN: &str = "not caused by the plan";

/// `+25m`, `−10m` or `±0`.
pub fn fmt_delta(d: i64) -> String {
    match d.cmp(&0) {
        std::cmp::Ordering::Equal => "±0".into(),
        std::cmp::Ordering::Greater => format!("+{}", fmt_minutes(d)),
        std::cmp::Ordering::Less => format!("−{}", fmt_minutes(-d)),
    }
}

/// A figure such as a weighted downtime: whole numbers without a point,
/// others to one decimal (`350`, `12.5`).
pub fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// Text for one cell of a Markdown table of figures (`whatif`): `|`
/// escaped, a line break made a space (a cell is one line). Words from the
/// inventory in a plan's Markdown go through `md_text_cell`, which also
/// escapes what would start emphasis, links or HTML.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A CSV field as written (RFC 4180 and spreadsheet formulas): a cell a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or CR, and not a plain number) gets a
/// leading `'` so that it stays text (quoting alone does not stop Excel or
/// LibreOffice), then RFC 4180 quoting when it holds a comma, a quote, CR
/// or LF.
pub(super) fn csv_field(field: &str) -> String {
    let field = crate::base::text::spreadsheet_safe(field);
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.into_owned()
    }
}

// Escaping for Markdown and HTML.

/// An id as a code span, safe in a table cell.
pub(super) fn md_code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
}

/// Escapes inventory text for a Markdown table cell: [`md_inline`], then `|`.
pub(super) fn md_text_cell(s: &str) -> String {
    md_inline(s).replace('|', "\\|")
}

/// Escapes text for inline Markdown: line breaks and characters that would
/// start emphasis, links or HTML.
pub(super) fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '*' | '[' | ']' | '<' | '>' | '`' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes XML text and attribute values; drops characters XML 1.0 forbids.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

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
    /// Format 1.2: the schema change and its part (`expand`, `deploy`, …),
    /// as the plan says (`PlannedTask.detail`).
    pub schema_change: Option<String>,
    pub schema_step: Option<String>,
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
                    schema_change: pt.detail.schema_change.clone(),
                    schema_step: pt.detail.schema_step.clone(),
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
                    schema_change: pt.detail.schema_change.clone(),
                    schema_step: pt.detail.schema_step.clone(),
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
    fn signed_minutes_and_cells() {
        assert_eq!(fmt_delta(-10), "−10m");
        assert_eq!(fmt_delta(0), "±0");
        assert_eq!(fmt_delta(90), "+1h30m");
        assert_eq!(fmt_number(350.0), "350");
        assert_eq!(fmt_number(12.5), "12.5");
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
    }
}
