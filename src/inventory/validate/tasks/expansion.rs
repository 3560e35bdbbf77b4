//! Pass 2: `same_member` (E093), then every file task expanded
//! (one task per cluster member, one activity per step, canaries first)
//! and its `after` entries resolved between expansions.

use super::pre::{Pre, Sel};
use std::collections::HashMap;

use crate::error::Diagnostic;
use crate::inventory::file::InventoryFile;
use crate::inventory::model::*;
use crate::inventory::validate::err;

/// E093: `same_member` between tasks on one cluster only.
pub fn same_member(f: &InventoryFile, pre: &[Pre]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, p) in pre.iter().enumerate() {
        for a in p.after.iter().filter(|a| a.sel == Sel::SameMember) {
            let (ci, ck) = (p.cluster, pre[a.task].cluster);
            let unresolved = (ci.is_none() && f.tasks[i].cluster.is_some())
                || (ck.is_none() && f.tasks[a.task].cluster.is_some());
            if unresolved || (ci.is_some() && ci == ck) {
                continue;
            }
            out.push(err(
                "E093",
                a.path.clone(),
                format!(
                    "`same_member` between `{}` and `{}`, which do not run on the same cluster",
                    f.tasks[i].id, f.tasks[a.task].id
                ),
                "use `same_member: true` only between two `cluster:` tasks on the same cluster; otherwise drop it",
            ));
        }
    }
    out
}

fn meta(t: &crate::inventory::file::TaskFile) -> Meta {
    Meta {
        title: t.title.clone(),
        change: t.change.clone(),
        owner: t.owner.clone(),
        contact: t.contact.clone(),
        notes: t.notes.clone(),
        rollback: t.rollback.clone(),
    }
}

/// Pass 2: every file task expanded into its activities (per member, per
/// step), with every precedence: `after` entries (onto the first step, from
/// the last step of what they name), canaries, and back-to-back steps.
pub fn expand(f: &InventoryFile, pre: &[Pre]) -> (Vec<Task>, Vec<Diagnostic>) {
    let mut tasks: Vec<Task> = Vec::new();
    let mut acts: Vec<Vec<Vec<usize>>> = Vec::with_capacity(pre.len());
    for (i, p) in pre.iter().enumerate() {
        let units = if p.units.is_empty() {
            vec![(None, Vec::new())]
        } else {
            p.units.clone()
        };
        let n = p.steps.len().max(1);
        let mut per_unit = Vec::with_capacity(units.len());
        for (member, syss) in units {
            let mut ids = Vec::with_capacity(n);
            for k in 0..n {
                let step = p.steps.get(k);
                let mut id = f.tasks[i].id.clone();
                if let Some(s) = step {
                    id = format!("{id}.{}", s.id);
                }
                if let Some(m) = &member {
                    id = format!("{id}@{m}");
                }
                tasks.push(Task {
                    id,
                    source: i,
                    outage: p.outage && !syss.is_empty(),
                    systems: syss.clone(),
                    duration: step.map_or(p.duration, |s| s.duration),
                    needs: step.map_or_else(|| p.needs.clone(), |s| s.needs.clone()),
                    after: Vec::new(),
                    windows: p.windows.clone(),
                    spread: if step.is_some() { None } else { p.spread },
                    backout: if k + 1 == n { p.backout } else { None },
                    optional: f.tasks[i].optional,
                    meta: meta(&f.tasks[i]),
                    parent: f.tasks[i].id.clone(),
                    step: step.map(|s| s.id.clone()),
                    member: member.clone(),
                    read_only: step.map_or(p.read_only, |s| s.read_only),
                    down: p.down.clone(),
                    canary: p.canary,
                    even_if_failed: Vec::new(),
                });
                ids.push(tasks.len() - 1);
            }
            per_unit.push(ids);
        }
        acts.push(per_unit);
    }
    let mut out = Vec::new();
    for (i, p) in pre.iter().enumerate() {
        for (u, ids) in acts[i].iter().enumerate() {
            let member = tasks[ids[0]].member.clone();
            let mut add = Vec::new();
            let mut even_if = Vec::new();
            for a in &p.after {
                let targets = targets(&tasks, &acts[a.task], &a.sel, member.as_deref());
                if u == 0 && targets.is_empty() && !matches!(a.sel, Sel::All | Sel::SameMember) {
                    out.push(err(
                        "E096",
                        a.path.clone(),
                        format!(
                            "`after` names `{}`, which is no expanded id of task `{}`",
                            a.written, f.tasks[a.task].id
                        ),
                        format!(
                            "name an existing expansion: {}",
                            known(&tasks, &acts[a.task])
                        ),
                    ));
                }
                if a.task == i && !targets.is_empty() {
                    out.push(err(
                        "E055",
                        a.path.clone(),
                        format!("task `{}` is after part of itself", f.tasks[i].id),
                        "remove this entry from `after` (steps already run in order)",
                    ));
                    continue;
                }
                if a.even_if_failed {
                    even_if.extend(targets.iter().copied());
                }
                add.extend(targets.into_iter().map(|t| After {
                    task: t,
                    lag: a.lag,
                    max_lag: a.max_lag,
                }));
            }
            if u >= p.canary {
                for c in acts[i].iter().take(p.canary) {
                    add.push(After {
                        task: c[c.len() - 1],
                        lag: 0,
                        max_lag: None,
                    });
                }
            }
            tasks[ids[0]].after = add;
            tasks[ids[0]].even_if_failed = even_if;
            for w in ids.windows(2) {
                tasks[w[1]].after.push(After {
                    task: w[0],
                    lag: 0,
                    max_lag: Some(0),
                });
            }
        }
    }
    let mut seen = HashMap::new();
    for (k, t) in tasks.iter().enumerate() {
        if let Some(prev) = seen.insert(t.id.as_str(), k) {
            out.push(err(
                "E095",
                format!("tasks[{}]", t.source),
                format!(
                    "expanded id `{}` is given twice (also by tasks[{}])",
                    t.id, tasks[prev].source
                ),
                "rename a task or a step so that `<task>.<step>` ids differ",
            ));
        }
    }
    (tasks, out)
}

/// The activities of one task an `after` entry selects (the last step of
/// each selected member, or the named step).
fn targets(tasks: &[Task], acts: &[Vec<usize>], sel: &Sel, member: Option<&str>) -> Vec<usize> {
    let last = |v: &Vec<usize>| v[v.len() - 1];
    let on = |v: &Vec<usize>, m: &str| tasks[v[0]].member.as_deref() == Some(m);
    let step = |s: &str, v: &Vec<usize>| {
        v.iter()
            .copied()
            .find(|&t| tasks[t].step.as_deref() == Some(s))
    };
    match sel {
        Sel::All => acts.iter().map(last).collect(),
        Sel::SameMember => match member {
            Some(m) => acts.iter().filter(|v| on(v, m)).map(last).collect(),
            None => Vec::new(),
        },
        Sel::Member(m) => acts.iter().filter(|v| on(v, m)).map(last).collect(),
        Sel::Step(s) => acts.iter().filter_map(|v| step(s, v)).collect(),
        Sel::StepMember(s, m) => acts
            .iter()
            .filter(|v| on(v, m))
            .filter_map(|v| step(s, v))
            .collect(),
    }
}

fn known(tasks: &[Task], acts: &[Vec<usize>]) -> String {
    let ids: Vec<String> = acts
        .iter()
        .flatten()
        .take(6)
        .map(|&t| format!("`{}`", tasks[t].id))
        .collect();
    ids.join(", ")
}
