//! Tasks. Pass 1 checks each file task on its own: its target (E050,
//! E051, E058, E031/E032), duration (E099, E095, E062, E053), backout,
//! team and needs (E052, E030, E041, E042), windows, `after` (E054, E055,
//! E034; expanded ids) and the steps, canary and
//! `down`. Then E056 (cycles in `after`), and pass 2:
//! `same_member`, and expansion into resolved tasks.

mod expansion;
mod pre;

use super::{cycle_in, keys, strongly_connected, Ctx, Names};
use crate::base::{fmt_minutes, Time};
use crate::inventory::file::{DurationSpec, InventoryFile, TaskFile};
use crate::inventory::time::WindowCalendar;
use crate::inventory::{Cluster, Component, System, Task};
pub(super) use pre::{Pre, PreAfter, Sel};
use std::collections::{HashMap, HashSet};

/// What a task runs on: how many of system/systems/cluster it gives, its
/// units (member name, systems) and its cluster.
type Target = (usize, Vec<(Option<String>, Vec<usize>)>, Option<usize>);

/// Pass 1: each file task on its own, in file order.
pub(super) fn pass1(
    cx: &mut Ctx,
    f: &InventoryFile,
    calendar: Option<&WindowCalendar>,
    names: &Names,
    clusters: &[Cluster],
    systems: &[System],
    comps: &HashMap<&str, Component>,
) -> Vec<Pre> {
    let mut pre: Vec<Pre> = Vec::with_capacity(f.tasks.len());
    for (i, t) in f.tasks.iter().enumerate() {
        let tp = format!("tasks[{i}]");
        let (given, units, cluster) = target(cx, f, names, clusters, t, &tp);
        let (duration, spread) = duration(cx, t, &tp);
        let backout = t
            .backout
            .as_ref()
            .and_then(|b| cx.duration(format!("{tp}.backout"), b));
        let read_only = t.read_only;
        let mut steps = Vec::new();
        let outage = t.outage.unwrap_or(!read_only) && given > 0;
        if duration == Some(0) && outage && t.steps.is_none() {
            cx.err(
                "E053",
                format!("{tp}.duration"),
                format!("task `{}` has duration 0m but causes an outage", t.id),
                "a 0m task is a milestone: set `outage: false`, or give it a real duration",
            );
        }
        let duration = duration.unwrap_or(0);
        let needs = needs(cx, f, names, t, &tp);
        // windows
        let windows = t
            .windows
            .as_ref()
            .and_then(|list| cx.intervals(calendar, &format!("{tp}.windows"), list));
        let after = after(cx, f, names, i, &tp);
        if let Some(list) = &t.steps {
            let (s, d) = pre::steps(i, list, &needs, t.outage, read_only, |x| {
                names.teams.get(x).map(|v| v.0)
            });
            cx.diags.extend(d);
            steps = s;
        }
        let (canary, down, d) = pre::task_extras(f, i, &units, cluster, clusters, systems, comps);
        cx.diags.extend(d);
        let outage = if steps.is_empty() {
            outage
        } else {
            given > 0 && steps.iter().any(|s| s.outage)
        };
        pre.push(Pre {
            duration: duration + steps.iter().map(|s| s.duration).sum::<Time>(),
            units,
            spread,
            backout,
            needs,
            windows,
            after,
            outage,
            read_only,
            steps,
            canary,
            cluster,
            down,
        });
    }
    pre
}

/// The task's target.
fn target(
    cx: &mut Ctx,
    f: &InventoryFile,
    names: &Names,
    clusters: &[Cluster],
    t: &TaskFile,
    tp: &str,
) -> Target {
    let given = [t.system.is_some(), t.systems.is_some(), t.cluster.is_some()]
        .iter()
        .filter(|&&b| b)
        .count();
    let mut units: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut cluster = None;
    let coordination = t.team.is_some() || t.needs.is_some();
    if given == 0 && coordination {
        // A coordination task: its team only.
    } else if given == 0 {
        cx.err(
            "E050",
            tp.to_string(),
            format!("task `{}` names no system", t.id),
            "add `system: ID`, `systems: [ID, ..]` or `cluster: ID`",
        );
    } else if given > 1 {
        cx.err(
            "E051",
            tp.to_string(),
            format!(
                "task `{}` gives more than one of system, systems and cluster",
                t.id
            ),
            "give exactly one of `system`, `systems` or `cluster`",
        );
    } else if let Some(s) = &t.system {
        if let Some(x) = names.system(
            cx,
            format!("{tp}.system"),
            s,
            &format!("write `cluster: {s}` to run the task once per member"),
        ) {
            units.push((None, vec![x]));
        }
    } else if let Some(list) = &t.systems {
        if list.is_empty() {
            cx.err(
                "E058",
                format!("{tp}.systems"),
                format!("task `{}` has an empty systems list", t.id),
                "list at least one system",
            );
        }
        let mut v = Vec::new();
        let mut seen = HashSet::new();
        for (k, s) in list.iter().enumerate() {
            let p = format!("{tp}.systems[{k}]");
            if !seen.insert(s.as_str()) {
                cx.err(
                    "E058",
                    p,
                    format!("system `{s}` is listed twice"),
                    "list each system once",
                );
                continue;
            }
            if let Some(x) = names.system(
                cx,
                p,
                s,
                "list the cluster's member systems, or use `cluster:` for one task per member",
            ) {
                v.push(x);
            }
        }
        units.push((None, v));
    } else if let Some(c) = &t.cluster {
        match names.comps.get(c) {
            Some((Component::Cluster(k), _)) => {
                cluster = Some(*k);
                for &m in &clusters[*k].members {
                    units.push((Some(f.systems[m].id.clone()), vec![m]));
                }
            }
            Some((Component::System(_), _)) => cx.err(
                "E032",
                format!("{tp}.cluster"),
                format!("`{c}` is a system, not a cluster"),
                format!("write `system: {c}`"),
            ),
            None => cx.unknown(
                "E032",
                format!("{tp}.cluster"),
                "cluster",
                c,
                names.cluster_names(),
                "clusters",
                None,
            ),
        }
    }
    (given, units, cluster)
}

/// The task's duration (None when wrong) and three-point spread.
fn duration(cx: &mut Ctx, t: &TaskFile, tp: &str) -> (Option<Time>, Option<(Time, Time)>) {
    let mut spread = None;
    let duration = match &t.duration {
        None if t.steps.is_some() => Some(0),
        None => {
            cx.err(
                "E099",
                format!("{tp}.duration"),
                format!("task `{}` gives neither `duration` nor `steps`", t.id),
                "add `duration: 30m`, or `steps: [{id: .., duration: ..}]`",
            );
            None
        }
        Some(_) if t.steps.is_some() => {
            cx.err(
                "E095",
                format!("{tp}.duration"),
                format!("task `{}` gives both `duration` and `steps`", t.id),
                "remove `duration`: a task with steps lasts as long as its steps together",
            );
            None
        }
        Some(DurationSpec::Fixed(d)) => cx.duration(format!("{tp}.duration"), d),
        Some(DurationSpec::ThreePoint { min, likely, max }) => {
            let lo = cx.duration(format!("{tp}.duration.min"), min);
            let mid = cx.duration(format!("{tp}.duration.likely"), likely);
            let hi = cx.duration(format!("{tp}.duration.max"), max);
            match (lo, mid, hi) {
                (Some(lo), Some(mid), Some(hi)) if lo <= mid && mid <= hi => {
                    spread = Some((lo, hi));
                    Some(mid)
                }
                (Some(lo), Some(mid), Some(hi)) => {
                    cx.err(
                        "E062",
                        format!("{tp}.duration"),
                        format!(
                            "task `{}` has a three-point duration out of order: min {}, likely {}, max {}",
                            t.id,
                            fmt_minutes(lo),
                            fmt_minutes(mid),
                            fmt_minutes(hi)
                        ),
                        "write them so that min <= likely <= max",
                    );
                    None
                }
                _ => None,
            }
        }
    };
    (duration, spread)
}

/// The task's `team` or `needs`, as (team, amount).
fn needs(
    cx: &mut Ctx,
    f: &InventoryFile,
    names: &Names,
    t: &TaskFile,
    tp: &str,
) -> Vec<(usize, u32)> {
    let mut needs: Vec<(usize, u32)> = Vec::new();
    let mut check_need = |cx: &mut Ctx, path: String, team: &str, amount: i64| {
        let Some((k, _)) = names.teams.get(team) else {
            cx.unknown(
                "E030",
                path,
                "team",
                team,
                keys(&names.teams),
                "teams",
                None,
            );
            return;
        };
        if needs.iter().any(|(x, _)| x == k) {
            cx.err(
                "E041",
                path,
                format!("team `{team}` is needed twice"),
                "list each team once in `needs`",
            );
            return;
        }
        if amount < 1 || amount > u32::MAX as i64 {
            cx.err(
                "E041",
                path,
                format!("task `{}` needs {amount} of team `{team}`", t.id),
                "an amount is a whole number of at least 1; remove the team if it is not needed",
            );
            return;
        }
        let cap = f.teams[*k].capacity;
        if cap >= 1 && amount > cap {
            cx.err(
                "E042",
                path,
                format!(
                    "task `{}` needs {amount} of team `{team}`, whose capacity is {cap}",
                    t.id
                ),
                format!("lower the amount to at most {cap}, or raise the team's capacity"),
            );
            return;
        }
        needs.push((*k, amount as u32));
    };
    match (&t.team, &t.needs) {
        (Some(_), Some(_)) => cx.err(
            "E052",
            tp.to_string(),
            format!("task `{}` gives both team and needs", t.id),
            "use `team: ID` for one unit of one team, or `needs: {ID: amount, ..}`, not both",
        ),
        (Some(team), None) => check_need(cx, format!("{tp}.team"), team, 1),
        (None, Some(n)) => {
            for (team, amount) in &n.0 {
                check_need(cx, format!("{tp}.needs.{team}"), team, *amount);
            }
        }
        (None, None) => {}
    }
    needs
}

/// The task's `after` entries that resolve.
/// `tasks[i].after`, resolved. An id given twice (E022) names its first
/// task: the second task of that id naming it is not "after itself".
fn after(cx: &mut Ctx, f: &InventoryFile, names: &Names, i: usize, tp: &str) -> Vec<PreAfter> {
    let t = &f.tasks[i];
    let mut after = Vec::new();
    for (j, a) in t.after.iter().enumerate() {
        let ap = format!("{tp}.after[{j}]");
        let lag = a.lag.as_ref().and_then(|l| cx.lag(format!("{ap}.lag"), l));
        let max_lag = a
            .max_lag
            .as_ref()
            .and_then(|l| cx.lag(format!("{ap}.max_lag"), l));
        if let Some(m) = max_lag {
            let l = lag.unwrap_or(0);
            if m < l {
                cx.err(
                    "E054",
                    format!("{ap}.max_lag"),
                    format!(
                        "max_lag {} is less than lag {}",
                        fmt_minutes(m),
                        fmt_minutes(l)
                    ),
                    "max_lag must be at least lag (lag defaults to 0m)",
                );
            }
        }
        if a.task == t.id && names.tasks.get(&a.task).is_none_or(|v| v.0 == i) {
            cx.err(
                "E055",
                ap,
                format!("task `{}` is after itself", t.id),
                "remove this entry from `after`",
            );
            continue;
        }
        let sel = if a.same_member {
            Sel::SameMember
        } else {
            Sel::All
        };
        let expanded = || {
            pre::split_expanded(&a.task, |x| names.tasks.get(x).map(|v| v.0)).filter(|(k, sel)| {
                pre::sel_fits(&f.tasks[*k], sel, |c| {
                    matches!(names.comps.get(c), Some((Component::Cluster(_), _)))
                })
            })
        };
        let found = names
            .tasks
            .get(&a.task)
            .map(|v| (v.0, sel))
            .or_else(expanded);
        match found {
            Some((k, sel)) => after.push(PreAfter {
                task: k,
                lag: lag.unwrap_or(0),
                max_lag,
                sel,
                path: ap,
                written: a.task.clone(),
                even_if_failed: a.even_if == Some(crate::inventory::file::EvenIf::Failed),
            }),
            None => {
                let extra = a.task.split_once('@').map(|(base, _)| {
                    format!("to wait for a cluster task, name the task itself (`{base}`): `after` then waits for every member")
                });
                cx.unknown(
                    "E034",
                    ap,
                    "task",
                    &a.task,
                    keys(&names.tasks),
                    "tasks",
                    extra,
                );
            }
        }
    }
    after
}

/// E056: cycles in `after`.
pub(super) fn cycles(cx: &mut Ctx, f: &InventoryFile, pre: &[Pre]) {
    let succ: Vec<Vec<usize>> = pre
        .iter()
        .map(|p| p.after.iter().map(|a| a.task).collect())
        .collect();
    for scc in strongly_connected(&succ) {
        if scc.len() < 2 {
            continue;
        }
        let cycle = cycle_in(&succ, &scc);
        let names: Vec<String> = cycle
            .iter()
            .map(|&k| format!("`{}`", f.tasks[k].id))
            .collect();
        let first = cycle[0];
        let second = cycle.get(1).copied().unwrap_or(first);
        let j = f.tasks[first]
            .after
            .iter()
            .position(|a| a.task == f.tasks[second].id)
            .unwrap_or(0);
        cx.err(
            "E056",
            format!("tasks[{first}].after[{j}]"),
            format!(
                "dependency cycle: {} after {}",
                names.join(" after "),
                names[0]
            ),
            "tasks cannot each wait for the other; remove one `after` entry on this cycle",
        );
    }
}

/// Pass 2: `same_member`, then expansion and resolution. An
/// inventory whose expansion would hold more than
/// [`MAX_PRECEDENCES`](crate::inventory::limits::MAX_PRECEDENCES) links is
/// refused (E007) before anything is built.
pub(super) fn expand(cx: &mut Ctx, f: &InventoryFile, pre: &[Pre]) -> Vec<Task> {
    if let Some(d) = too_many_precedences(f, pre) {
        cx.diags.push(d);
        return Vec::new();
    }
    cx.diags.extend(expansion::same_member(f, pre));
    let (tasks, d) = expansion::expand(f, pre);
    cx.diags.extend(d);
    tasks
}

/// E007 when the expanded tasks would hold more precedences than
/// [`MAX_PRECEDENCES`](crate::inventory::limits::MAX_PRECEDENCES), naming the
/// `after` entry that contributes most. Counted from the file tasks alone:
/// a whole-task or per-step `after` links every unit of the task to every
/// unit of the one it names; a member or `same_member` link one to one.
fn too_many_precedences(f: &InventoryFile, pre: &[Pre]) -> Option<crate::error::Diagnostic> {
    use crate::inventory::limits::MAX_PRECEDENCES;
    let units = |p: &Pre| p.units.len().max(1);
    let mut total: usize = 0;
    let mut worst: Option<(usize, &PreAfter, usize)> = None;
    for (i, p) in pre.iter().enumerate() {
        let steps = p.steps.len().max(1);
        // Steps run back to back; canaries come before the other members.
        total = total.saturating_add(units(p).saturating_mul(steps + p.canary));
        for a in &p.after {
            let per_unit = match a.sel {
                Sel::All | Sel::Step(_) => units(&pre[a.task]),
                Sel::SameMember | Sel::Member(_) | Sel::StepMember(..) => 1,
            };
            let n = units(p).saturating_mul(per_unit);
            total = total.saturating_add(n);
            if worst.is_none_or(|(w, _, _)| n > w) {
                worst = Some((n, a, i));
            }
        }
    }
    if total <= MAX_PRECEDENCES {
        return None;
    }
    let (n, a, i) = worst?;
    let (task, other) = (&f.tasks[i].id, &f.tasks[a.task].id);
    Some(crate::error::Diagnostic::new(
        "E007",
        a.path.clone(),
        format!(
            "the tasks would be linked by {total} precedences, more than the limit of {MAX_PRECEDENCES}: this entry alone links each of the {} expansions of `{task}` to each of the {} of `{other}` ({n} links)",
            units(&pre[i]),
            units(&pre[a.task]),
        ),
        format!(
            "put a one-minute task between them (e.g. `{other}-done`, `after: [{other}]`, on a system neither takes down, `outage: false`) and make `{task}` come after it: the same order, a minute later, with {} links; or use `same_member: true` when each member only waits for its own",
            units(&pre[i]) + units(&pre[a.task])
        ),
    ))
}
