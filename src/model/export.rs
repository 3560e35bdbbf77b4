//! The compiled core [`Problem`] as a versioned JSON document
//! (`windowplan-problem/1`, docs/export-json.md), for other solvers: every
//! rule the compiler derived (activities, resources with capacity steps,
//! lags, exclusions, deadline, signals, on-time limits), plus a legend that
//! maps each activity index back to the inventory's task, step and member.

use crate::inventory::Inventory;
use crate::model::Problem;
use serde::{Deserialize, Serialize};

/// The value of the document's `format` field.
pub const PROBLEM_FORMAT: &str = "windowplan-problem/1";

/// Where activity `index` came from in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// Index into `problem.activities`.
    pub index: usize,
    /// The expanded id a plan file uses (`task`, `task@member`, `task.step@member`).
    pub id: String,
    /// The task id as written in the inventory file.
    pub task: String,
    /// The step id, for one step of a task with `steps`.
    pub step: Option<String>,
    /// The member system, for a task expanded from a cluster.
    pub member: Option<String>,
}

/// The exported document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemDocument {
    /// Always [`PROBLEM_FORMAT`].
    pub format: String,
    /// The window start (RFC 3339 with offset), for an inventory; minute 0.
    pub window_start: Option<String>,
    /// The window's time zone (IANA name), for an inventory.
    pub timezone: Option<String>,
    /// The core problem, time in minutes from the window start.
    pub problem: Problem,
    /// One entry per activity, in activity order (empty for a benchmark instance).
    pub legend: Vec<LegendEntry>,
}

/// The document of a problem compiled from `inv` (activity `i` is task `i`).
pub fn inventory_document(inv: &Inventory, problem: Problem) -> ProblemDocument {
    let legend = inv
        .tasks
        .iter()
        .enumerate()
        .map(|(index, t)| LegendEntry {
            index,
            id: t.id.clone(),
            task: if t.parent.is_empty() {
                t.id.split(['@', '.']).next().unwrap_or(&t.id).to_string()
            } else {
                t.parent.clone()
            },
            step: t.step.clone(),
            member: t.member.clone(),
        })
        .collect();
    ProblemDocument {
        format: PROBLEM_FORMAT.into(),
        window_start: Some(
            inv.window
                .start
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        ),
        timezone: Some(inv.window.timezone.clone()),
        problem,
        legend,
    }
}

/// The document of a benchmark instance (no inventory, no legend).
pub fn instance_document(problem: Problem) -> ProblemDocument {
    ProblemDocument {
        format: PROBLEM_FORMAT.into(),
        window_start: None,
        timezone: None,
        problem,
        legend: Vec::new(),
    }
}

/// The document as pretty JSON, ending in a newline.
pub fn to_json(doc: &ProblemDocument) -> String {
    // Serialising plain data (no maps with non-string keys) cannot fail.
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_legend_of_expanded_tasks() {
        let inv = crate::inventory::load::load_str(
            include_str!("../../examples/payments.yaml"),
            crate::inventory::load::Format::Yaml,
            "payments.yaml",
        )
        .expect("fixture loads");
        let compiled = crate::model::compile(&inv);
        let doc = inventory_document(&inv, compiled.problem.clone());
        let back: ProblemDocument = serde_json::from_str(&to_json(&doc)).expect("parses");
        assert_eq!(back.problem, compiled.problem);
        assert_eq!(back.format, PROBLEM_FORMAT);
        assert_eq!(back.legend.len(), back.problem.activities.len());
        assert!(back.legend.iter().any(|e| e.step.is_some()));
        assert!(back.legend.iter().any(|e| e.member.is_some()));
        for e in &back.legend {
            assert_eq!(e.id, back.problem.activities[e.index].name);
        }
    }
}
