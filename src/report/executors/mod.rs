//! Executor exports: a checked plan handed to the tools that run the night
//! — an Ansible playbook ([`ansible`]), Windows Cluster-Aware Updating runs
//! ([`cau`]) and an Argo Workflows `Workflow` ([`argo`]). Each export encodes
//! an order ([`order`]) whose replay with the plan's durations the
//! independent checker accepts; the export carries that replay so callers
//! and tests can check it again.

pub mod ansible;
pub mod argo;
pub mod cau;
pub mod order;

use crate::base::Time;
use crate::inventory::{Inventory, Task};

/// What an exporter writes.
#[derive(Debug, Clone)]
pub struct Export {
    /// Files to write: a path relative to the output (empty for the output
    /// file itself) and its text.
    pub files: Vec<ExportFile>,
    /// What the export costs or holds against the plan, in lines for a person.
    pub summary: String,
    /// Start minutes of the replay of the exported order (task order of the
    /// inventory): the schedule the tool runs with the plan's durations.
    pub replay: Vec<Time>,
}

/// One file of an export.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// Path relative to the output directory ("" = the output file itself).
    pub path: String,
    /// The file's text.
    pub text: String,
    /// Written only when no file is there yet (a file the user fills in).
    pub keep_existing: bool,
}

/// Why an export was refused: the tool cannot run the plan as checked.
#[derive(Debug, Clone)]
pub struct Refused {
    /// What the tool cannot do, in words.
    pub reason: String,
    /// The rules the tool's replay would break.
    pub violations: Vec<crate::check::Violation>,
}

/// A string as a YAML double-quoted scalar (JSON string syntax is valid
/// YAML double-quoted syntax).
pub(crate) fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The runbook text of a task: its id, title and the other metadata, one
/// `key: value` per line.
pub(crate) fn runbook_lines(inv: &Inventory, task: &Task) -> Vec<String> {
    let mut lines = Vec::new();
    for (k, v) in task.meta.given() {
        for (n, line) in v.lines().enumerate() {
            if n == 0 {
                lines.push(format!("{k}: {line}"));
            } else {
                lines.push(format!("  {line}"));
            }
        }
    }
    let systems: Vec<&str> = task
        .systems
        .iter()
        .map(|&s| inv.systems[s].id.as_str())
        .collect();
    if !systems.is_empty() {
        lines.push(format!(
            "systems: {}{}",
            systems.join(", "),
            if task.outage {
                " (down while it runs)"
            } else {
                " (online change)"
            }
        ));
    }
    let teams: Vec<String> = task
        .needs
        .iter()
        .map(|&(t, k)| {
            if k == 1 {
                inv.teams[t].id.clone()
            } else {
                format!("{} ×{k}", inv.teams[t].id)
            }
        })
        .collect();
    if !teams.is_empty() {
        lines.push(format!("team: {}", teams.join(", ")));
    }
    if let Some(b) = task.backout {
        lines.push(format!("backout: {}", crate::base::fmt_minutes(b)));
    }
    lines
}

/// A name safe for Kubernetes and Ansible (`[a-z0-9-]`, at most `max`
/// characters), unique among `taken`.
pub(crate) fn slug(id: &str, max: usize, taken: &mut std::collections::HashSet<String>) -> String {
    let mut s: String = id
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-').to_string();
    let mut base: String = if s.is_empty() { "t".into() } else { s };
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base = format!("t-{base}");
    }
    base.truncate(max.saturating_sub(6));
    let base = base.trim_end_matches('-').to_string();
    let mut name = base.clone();
    let mut k = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{k}");
        k += 1;
    }
    name
}

/// The first line of the summary: the plan's end against the replay's.
pub(crate) fn length_line(inv: &Inventory, starts: &[Time], replay: &[Time], what: &str) -> String {
    let plan_end = crate::plan::length(inv, starts);
    let end = crate::plan::length(inv, replay);
    let clock = |m| crate::plan::clock(&inv.window, m);
    let diff = end - plan_end;
    let words = match diff.cmp(&0) {
        std::cmp::Ordering::Greater => format!("{what} cost {diff} minutes against the plan"),
        std::cmp::Ordering::Less => format!("{what} end {} minutes before the plan", -diff),
        std::cmp::Ordering::Equal => format!("{what} end with the plan"),
    };
    format!(
        "with the planned durations the night ends at {} (plan: {}): {words}\n",
        clock(end),
        clock(plan_end)
    )
}
