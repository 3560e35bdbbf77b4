//! The parts of pass 1 beyond a task's target and times: a task as resolved on its own
//! ([`Pre`]), expanded ids in `after` (`<task>[.<step>][@<member>]`),
//! steps (E095, E096), and E092 (external systems), E094 (`canary`) and
//! E098 (`down:`).

use std::collections::{HashMap, HashSet};

use crate::base::{Interval, Time};
use crate::error::Diagnostic;
use crate::inventory::file::{InventoryFile, StepFile};
use crate::inventory::model::*;
use crate::inventory::time;
use crate::inventory::validate::err;

/// Which expansions of a task an `after` entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sel {
    /// The whole task (every member, every step).
    All,
    /// `same_member: true`: the same member's expansion.
    SameMember,
    /// `<task>@<member>`.
    Member(String),
    /// `<task>.<step>` (on every member of a cluster task).
    Step(String),
    /// `<task>.<step>@<member>`.
    StepMember(String, String),
}

/// Splits an expanded id `<task>[.<step>][@<member>]` into a known task
/// (by `lookup`) and what it selects; None when no task id is a prefix.
pub fn split_expanded(id: &str, lookup: impl Fn(&str) -> Option<usize>) -> Option<(usize, Sel)> {
    let (head, member) = match id.split_once('@') {
        Some((h, m)) => (h, Some(m.to_string())),
        None => (id, None),
    };
    if let Some(k) = lookup(head) {
        return member.map(|m| (k, Sel::Member(m)));
    }
    let (task, step) = head.rsplit_once('.')?;
    let k = lookup(task)?;
    Some(match member {
        Some(m) => (k, Sel::StepMember(step.to_string(), m)),
        None => (k, Sel::Step(step.to_string())),
    })
}

/// One step of a task, resolved.
#[derive(Debug, Clone)]
pub struct PreStep {
    pub id: String,
    pub duration: Time,
    pub needs: Vec<(usize, u32)>,
    pub outage: bool,
    pub read_only: bool,
}

/// E095: the steps of task `i`; `task_needs` are the task's own needs,
/// which a step without `team` takes; `team` resolves a team id.
pub fn steps(
    i: usize,
    list: &[StepFile],
    task_needs: &[(usize, u32)],
    task_outage: Option<bool>,
    task_read_only: bool,
    team: impl Fn(&str) -> Option<usize>,
) -> (Vec<PreStep>, Vec<Diagnostic>) {
    let tp = format!("tasks[{i}].steps");
    let mut out = Vec::new();
    let mut steps = Vec::new();
    if list.is_empty() {
        out.push(err(
            "E095",
            tp.clone(),
            "the task has an empty `steps` list".into(),
            "list at least one step, or remove `steps` and give `duration`",
        ));
    }
    let mut seen = HashSet::new();
    for (k, s) in list.iter().enumerate() {
        let p = format!("{tp}[{k}]");
        if !seen.insert(s.id.as_str()) {
            out.push(err(
                "E095",
                format!("{p}.id"),
                format!("step id `{}` is repeated in the task", s.id),
                "give each step of a task its own id",
            ));
        }
        if s.id.is_empty() || s.id.contains(['@', '.']) || s.id.contains(char::is_whitespace) {
            out.push(err(
                "E095",
                format!("{p}.id"),
                format!(
                    "step id {:?} is empty or contains `@`, `.` or whitespace",
                    s.id
                ),
                "use letters, digits, `-` or `_`",
            ));
        }
        let duration = time::parse_duration(s.duration.as_str()).unwrap_or_else(|e| {
            out.push(err(e.code, format!("{p}.duration"), e.message, e.hint));
            0
        });
        let needs = match &s.team {
            None => task_needs.to_vec(),
            Some(t) => match team(t) {
                Some(x) => vec![(x, 1)],
                None => {
                    out.push(err(
                        "E030",
                        format!("{p}.team"),
                        format!("unknown team `{t}`"),
                        "define it under `teams:`",
                    ));
                    Vec::new()
                }
            },
        };
        let read_only = s.read_only || task_read_only;
        steps.push(PreStep {
            id: s.id.clone(),
            duration,
            needs,
            outage: s.outage.or(task_outage).unwrap_or(!read_only),
            read_only,
        });
    }
    (steps, out)
}

/// A resolved `after` entry of a file task.
#[derive(Debug, Clone)]
pub struct PreAfter {
    pub task: usize,
    pub lag: Time,
    pub max_lag: Option<Time>,
    pub sel: Sel,
    pub path: String,
    /// The id as written.
    pub written: String,
    /// `even_if: failed`.
    pub even_if_failed: bool,
}

/// A file task resolved on its own (pass 1 of validation).
#[derive(Debug, Clone)]
pub struct Pre {
    /// (member system id for cluster expansions, systems)
    pub units: Vec<(Option<String>, Vec<usize>)>,
    pub duration: Time,
    pub spread: Option<(Time, Time)>,
    pub backout: Option<Time>,
    pub needs: Vec<(usize, u32)>,
    pub windows: Option<Vec<Interval>>,
    pub after: Vec<PreAfter>,
    pub outage: bool,
    pub read_only: bool,
    pub steps: Vec<PreStep>,
    pub canary: usize,
    pub cluster: Option<usize>,
    pub down: Vec<usize>,
}

/// Whether an expanded id can name an expansion of `task`: a member needs a
/// cluster task (`is_cluster` tells whether an id is a cluster), a step a
/// task with steps. Otherwise the id is an unknown task (E034).
pub fn sel_fits(
    task: &crate::inventory::file::TaskFile,
    sel: &Sel,
    is_cluster: impl Fn(&str) -> bool,
) -> bool {
    let cl = task.cluster.as_deref().is_some_and(is_cluster);
    let st = task.steps.as_ref().is_some_and(|s| !s.is_empty());
    match sel {
        Sel::All | Sel::SameMember => true,
        Sel::Member(_) => cl,
        Sel::Step(_) => st,
        Sel::StepMember(_, _) => cl && st,
    }
}

/// E092 (a task naming an external system), E094 (`canary`) and E098
/// (`down:`) for file task `i` with its resolved units; returns the canary
/// count and the `down` systems.
pub fn task_extras(
    f: &InventoryFile,
    i: usize,
    units: &[(Option<String>, Vec<usize>)],
    cluster: Option<usize>,
    clusters: &[Cluster],
    systems: &[System],
    comps: &HashMap<&str, Component>,
) -> (usize, Vec<usize>, Vec<Diagnostic>) {
    let t = &f.tasks[i];
    let tp = format!("tasks[{i}]");
    let mut out = Vec::new();
    let held: HashSet<usize> = units.iter().flat_map(|u| u.1.iter().copied()).collect();
    let mut ext: Vec<usize> = held
        .iter()
        .copied()
        .filter(|&s| systems[s].external)
        .collect();
    ext.sort_unstable();
    for s in ext {
        let field = if t.cluster.is_some() {
            "cluster"
        } else if t.system.is_some() {
            "system"
        } else {
            "systems"
        };
        out.push(err(
            "E092",
            format!("{tp}.{field}"),
            format!("task `{}` runs on `{}`, an external system", t.id, systems[s].id),
            "no task may run on an external system: remove it from the task, or list it in `down:` if the task takes it down",
        ));
    }
    let mut canary = 0;
    if let Some(k) = t.canary {
        let n = cluster.map(|c| clusters[c].members.len());
        match n {
            None if t.cluster.is_some() => {}
            None => out.push(err(
                "E094",
                format!("{tp}.canary"),
                format!("task `{}` gives `canary` but runs on no cluster", t.id),
                "`canary` applies to `cluster:` tasks; remove it",
            )),
            Some(n) if k < 0 || k as usize > n => out.push(err(
                "E094",
                format!("{tp}.canary"),
                format!(
                    "canary {k} of task `{}` is larger than its cluster ({n} members)",
                    t.id
                ),
                format!("give a canary between 1 and {n}"),
            )),
            Some(_) => canary = k as usize,
        }
    }
    let mut down = Vec::new();
    for (k, d) in t.down.iter().enumerate() {
        let p = format!("{tp}.down[{k}]");
        let list = match comps.get(d.as_str()) {
            Some(Component::System(s)) => vec![*s],
            Some(Component::Cluster(c)) => clusters
                .get(*c)
                .map(|c| c.members.clone())
                .unwrap_or_default(),
            None => {
                out.push(err(
                    "E098",
                    p,
                    format!("unknown system or cluster `{d}` in `down`"),
                    match crate::inventory::suggest::suggest(d, comps.keys().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "list systems or clusters defined under `systems:` or `clusters:`"
                            .into(),
                    },
                ));
                continue;
            }
        };
        if let Some(&s) = list.iter().find(|s| held.contains(s)) {
            out.push(err(
                "E098",
                p,
                format!("task `{}` lists `{}` in `down` but runs on it", t.id, systems[s].id),
                "a task's own systems are down already when it is an outage: remove it from `down` (or set `outage`)",
            ));
            continue;
        }
        down.extend(list);
    }
    down.sort_unstable();
    down.dedup();
    (canary, down, out)
}
