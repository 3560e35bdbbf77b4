//! Explanations in a change board's words: the critical chain of a plan
//! (what held each task back), from window start to the last task.

use crate::graph;
use crate::inventory::Inventory;
use crate::model::{Compiled, Time};
use crate::report::fmt_minutes;
use serde::Serialize;

/// Why a task on the critical chain starts when it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeldBy {
    /// It starts at the window start.
    WindowStart,
    /// A predecessor (with its lag) ends just in time.
    Predecessor { task: String, lag: Time },
    /// A resource at its limit: the named rule (team, system, cluster,
    /// zone) was fully used by `task` until this one started.
    Resource { rule: String, task: String },
    /// A DR pair: the other side was down until this one started.
    DrPair { rule: String, task: String },
    /// Its windows, a blackout or its team's hours kept it from starting earlier.
    Calendar { what: String },
}

/// One link of the critical chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainLink {
    pub task: String,
    pub start_minute: Time,
    pub end_minute: Time,
    pub held_by: HeldBy,
}

impl ChainLink {
    /// The link in words, e.g. "schema-v42 waits for patch-db-a".
    pub fn describe(&self) -> String {
        let why = match &self.held_by {
            HeldBy::WindowStart => "starts when the window opens".to_string(),
            HeldBy::Predecessor { task, lag } if *lag == 0 => format!("waits for {task}"),
            HeldBy::Predecessor { task, lag } => {
                format!("waits for {task} (lag {})", fmt_minutes(*lag))
            }
            HeldBy::Resource { rule, task } => format!("waits until {task} frees {rule}"),
            HeldBy::DrPair { rule, task } => {
                format!("waits until {task} is done ({rule}: never both sides down)")
            }
            HeldBy::Calendar { what } => format!("held back by {what}"),
        };
        format!("{} {}", self.task, why)
    }
}

/// The critical chain of a schedule: from the task that ends last, walk back
/// through the task that held each one back (a predecessor whose lag is
/// exactly met first, else a task that used up a shared resource until this
/// one started), until a task that starts at the window start or is held by
/// its calendar. Returned in start order.
pub fn critical_chain(inv: &Inventory, compiled: &Compiled, starts: &[Time]) -> Vec<ChainLink> {
    let n = inv.tasks.len();
    if n == 0 || starts.len() != n {
        return Vec::new();
    }
    let p = &compiled.problem;
    let end = |t: usize| starts[t] + inv.tasks[t].duration;
    let edges = graph::edges(inv);
    let mut cur = (0..n)
        .max_by_key(|&t| (end(t), std::cmp::Reverse(t)))
        .unwrap_or(0);
    let mut chain = Vec::new();
    let mut seen = vec![false; n];
    loop {
        seen[cur] = true;
        let s = starts[cur];
        let held_by = if s == 0 {
            HeldBy::WindowStart
        } else if let Some(e) = edges
            .iter()
            .find(|e| e.to == cur && e.is_min() && !seen[e.from] && starts[e.from] + e.lag == s)
        {
            HeldBy::Predecessor {
                task: inv.tasks[e.from].id.clone(),
                lag: e.lag - inv.tasks[e.from].duration,
            }
        } else if let Some((rule, other)) =
            shared_resource_release(compiled, starts, cur, &seen, &end)
        {
            if rule.starts_with("DR pair") {
                HeldBy::DrPair {
                    rule,
                    task: inv.tasks[other].id.clone(),
                }
            } else {
                HeldBy::Resource {
                    rule,
                    task: inv.tasks[other].id.clone(),
                }
            }
        } else {
            let a = &p.activities[cur];
            let mut what = Vec::new();
            if a.allowed.is_some() {
                what.push("its windows".to_string());
            }
            if a.forbidden.iter().any(|f| f.end == s) {
                what.push("a blackout".to_string());
            }
            if a.demands
                .iter()
                .any(|d| p.resources[d.resource].capacity_at(s - 1) < d.amount)
            {
                what.push("its team's hours".to_string());
            }
            if what.is_empty() {
                what.push("its calendar".to_string());
            }
            HeldBy::Calendar {
                what: crate::report::join_words(&what),
            }
        };
        let next = match &held_by {
            HeldBy::Predecessor { task, .. }
            | HeldBy::Resource { task, .. }
            | HeldBy::DrPair { task, .. } => inv.task_index(task),
            _ => None,
        };
        chain.push(ChainLink {
            task: inv.tasks[cur].id.clone(),
            start_minute: s,
            end_minute: end(cur),
            held_by,
        });
        match next {
            Some(t) => cur = t,
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// A task that ends exactly when `cur` starts and shares with it a resource
/// or a DR exclusion, with the rule's name.
fn shared_resource_release(
    compiled: &Compiled,
    starts: &[Time],
    cur: usize,
    seen: &[bool],
    end: &dyn Fn(usize) -> Time,
) -> Option<(String, usize)> {
    let p = &compiled.problem;
    let s = starts[cur];
    let ends_now = |o: usize| o != cur && !seen[o] && end(o) == s;
    for d in &p.activities[cur].demands {
        if let Some(o) = (0..p.activities.len()).find(|&o| {
            ends_now(o)
                && p.activities[o]
                    .demands
                    .iter()
                    .any(|e| e.resource == d.resource)
        }) {
            return Some((p.resources[d.resource].name.clone(), o));
        }
    }
    for x in &p.exclusions {
        let Some(mine) = x.sides.iter().position(|side| side.contains(&cur)) else {
            continue;
        };
        for (k, side) in x.sides.iter().enumerate() {
            if k == mine {
                continue;
            }
            if let Some(&o) = side.iter().find(|&&o| ends_now(o)) {
                return Some((x.name.clone(), o));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{load_str, Format};

    fn inv(yaml: &str) -> Inventory {
        load_str(yaml, Format::Yaml, "test.yaml").unwrap()
    }

    #[test]
    fn chain_through_predecessor_and_team() {
        let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: dba, capacity: 1 }]
systems: [{ id: a }, { id: b }]
tasks:
  - { id: first, system: a, duration: 30m, team: dba }
  - { id: second, system: b, duration: 20m, team: dba }
  - { id: third, system: a, duration: 10m, after: [second] }
"#);
        let c = crate::model::compile(&i);
        // first 0-30, second 30-50 (team dba), third 50-60 (after second).
        let chain = critical_chain(&i, &c, &[0, 30, 50]);
        let words: Vec<String> = chain.iter().map(|l| l.describe()).collect();
        assert_eq!(
            words,
            vec![
                "first starts when the window opens",
                "second waits until first frees team dba",
                "third waits for second",
            ]
        );
    }

    #[test]
    fn chain_stops_at_a_window() {
        let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: a }]
tasks:
  - { id: late, system: a, duration: 30m, windows: [2026-12-05T23:00/2026-12-06T01:00] }
"#);
        let c = crate::model::compile(&i);
        let chain = critical_chain(&i, &c, &[60]);
        assert_eq!(chain.len(), 1);
        assert_eq!(chain[0].describe(), "late held back by its windows");
    }
}
