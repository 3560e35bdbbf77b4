//! Format 1.1 rules (DESIGN.md "Format 1.1: how real changes are done"):
//! external systems, `unavailable`, zone labels, blackout scopes by
//! cluster/service/team, `any` groups, steps, canaries, `same_member`,
//! expanded ids in `after`, coordination tasks, `read_only` and `down:`.
//! Called from [`super::validate`]; every function returns its diagnostics.
//! Warnings (W0xx) are kept per thread until [`take_warnings`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::file::{AnyFile, InventoryFile, StepFile};
use super::model::*;
use super::time::{self, Clock};
use crate::base::{Interval, Time};
use crate::error::Diagnostic;

thread_local! {
    static WARNINGS: RefCell<Vec<Diagnostic>> = const { RefCell::new(Vec::new()) };
}

/// Records a warning (never changes the exit code; printed on stderr).
pub fn warn(d: Diagnostic) {
    WARNINGS.with(|w| w.borrow_mut().push(d));
}

/// The warnings recorded on this thread since the last call.
pub fn take_warnings() -> Vec<Diagnostic> {
    let mut all = WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    let mut seen = HashSet::new();
    all.retain(|d| seen.insert((d.path.clone(), d.message.clone())));
    all
}

fn err(code: &'static str, path: String, msg: String, hint: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, path, msg, hint)
}

/// A system naming an undeclared zone: true (a label, with warning W001
/// naming the closest declared zone) unless the name is a likely misspelling
/// of a declared zone, which stays error E033 for the caller to report.
pub fn zone_label(i: usize, zone: &str, f: &InventoryFile) -> bool {
    let names = || f.zones.iter().map(|z| z.id.as_str());
    if super::validate::suggest(zone, names()).is_some() {
        return false;
    }
    let closest = names().min_by_key(|z| (edit(zone, z), *z));
    let hint = match closest {
        Some(z) => format!("the closest declared zone is `{z}`; declare `{zone}` under `zones:` (a zone without `max_concurrent` is a label)"),
        None => format!("declare `{zone}` under `zones:` (a zone without `max_concurrent` is a label)"),
    };
    warn(err(
        "W001",
        format!("systems[{i}].zone"),
        format!("zone `{zone}` is not declared: taken as a label with no limit"),
        hint,
    ));
    true
}

fn edit(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// `external`, `notes` and `unavailable` of every system.
pub fn systems(
    f: &InventoryFile,
    clock: Option<&Clock>,
    systems: &mut [System],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, (s, sys)) in f.systems.iter().zip(systems.iter_mut()).enumerate() {
        sys.external = s.external;
        sys.notes = s.notes.clone();
        let Some(c) = clock else { continue };
        for (k, u) in s.unavailable.iter().enumerate() {
            let p = format!("systems[{i}].unavailable[{k}]");
            let from = c.minute(u.from.as_str());
            let to = c.minute(u.to.as_str());
            match (from, to) {
                (Ok(a), Ok(b)) if b > a => sys.unavailable.push(Unavailable {
                    interval: Interval::new(a, b),
                    reason: u.reason.clone(),
                }),
                (Ok(_), Ok(_)) => out.push(err(
                    "E013",
                    format!("{p}.to"),
                    format!(
                        "unavailable interval ends (`{}`) before or when it starts (`{}`)",
                        u.to, u.from
                    ),
                    "`to` must be after `from`",
                )),
                (Err(e), _) => out.push(err(e.code, format!("{p}.from"), e.message, e.hint)),
                (_, Err(e)) => out.push(err(e.code, format!("{p}.to"), e.message, e.hint)),
            }
        }
        sys.unavailable
            .sort_by_key(|u| (u.interval.start, u.interval.end));
    }
    out
}

/// Ids of systems and clusters of the file.
pub fn components(f: &InventoryFile) -> HashMap<&str, Component> {
    let mut m = HashMap::new();
    for (k, c) in f.clusters.iter().enumerate() {
        m.insert(c.id.as_str(), Component::Cluster(k));
    }
    for (k, s) in f.systems.iter().enumerate() {
        m.insert(s.id.as_str(), Component::System(k));
    }
    m
}

/// E097: an `any` group of a service's `requires`.
pub fn any_group(
    path: &str,
    g: &AnyFile,
    comps: &HashMap<&str, Component>,
) -> Result<AnyGroup, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut members = Vec::new();
    for (k, m) in g.any.iter().enumerate() {
        match comps.get(m.as_str()) {
            Some(c) if members.contains(c) => out.push(err(
                "E097",
                format!("{path}.any[{k}]"),
                format!("`{m}` is listed twice in the `any` group"),
                "list each member once",
            )),
            Some(c) => members.push(*c),
            None => out.push(err(
                "E097",
                format!("{path}.any[{k}]"),
                format!("unknown system or cluster `{m}` in the `any` group"),
                match super::validate::suggest(m, comps.keys().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "list systems or clusters defined under `systems:` or `clusters:`".into()
                    }
                },
            )),
        }
    }
    if g.any.len() < 2 {
        out.push(err(
            "E097",
            format!("{path}.any"),
            format!(
                "an `any` group needs at least two members; it has {}",
                g.any.len()
            ),
            "list two or more systems or clusters, or require the one member directly",
        ));
    }
    let switchover = match &g.switchover {
        None => 0,
        Some(t) => time::parse_duration(t.as_str()).unwrap_or_else(|e| {
            out.push(err(e.code, format!("{path}.switchover"), e.message, e.hint));
            0
        }),
    };
    if out.is_empty() {
        Ok(AnyGroup {
            members,
            switchover,
        })
    } else {
        Err(out)
    }
}

/// Every system a service requires: directly, through `any`, and through
/// sync integrations feeding them (transitively).
pub fn service_systems(
    svc: &Service,
    clusters: &[Cluster],
    integrations: &[Integration],
) -> Vec<usize> {
    let mut comps: Vec<Component> = svc.requires.clone();
    for g in &svc.any {
        comps.extend(g.members.iter().copied());
    }
    let mut i = 0;
    while i < comps.len() {
        let c = comps[i];
        for ig in integrations {
            let feeds = ig.to == c
                || matches!((ig.to, c), (Component::System(s), Component::Cluster(k)) if clusters[k].members.contains(&s));
            if feeds && ig.mode == IntegrationMode::Sync && !comps.contains(&ig.from) {
                comps.push(ig.from);
            }
        }
        i += 1;
    }
    let mut out: Vec<usize> = comps
        .iter()
        .flat_map(|&c| match c {
            Component::System(s) => vec![s],
            Component::Cluster(k) => clusters[k].members.clone(),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Blackout `id` and the 1.1 scopes `clusters`, `services`, `teams`,
/// resolved into systems and teams.
pub fn blackouts(
    f: &InventoryFile,
    blackouts: &mut [Blackout],
    clusters: &[Cluster],
    services: &[Service],
    integrations: &[Integration],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, (b, bo)) in f.blackouts.iter().zip(blackouts.iter_mut()).enumerate() {
        bo.id = b.id.clone();
        let sc = &b.scope;
        bo.scoped = !sc.clusters.is_empty() || !sc.services.is_empty();
        let mut unknown = |list: &str, k: usize, kind: &str, id: &str, known: Vec<&str>| {
            let hint = match super::validate::suggest(id, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("define it under `{list}:`"),
            };
            let code = match kind {
                "team" => "E030",
                "cluster" => "E032",
                _ => "E036",
            };
            out.push(err(
                code,
                format!("blackouts[{i}].scope.{list}[{k}]"),
                format!("unknown {kind} `{id}`"),
                hint,
            ));
        };
        for (k, c) in sc.clusters.iter().enumerate() {
            match f.clusters.iter().position(|x| &x.id == c) {
                Some(x) => bo.systems.extend(
                    clusters
                        .get(x)
                        .map(|c| c.members.clone())
                        .unwrap_or_default(),
                ),
                None => unknown(
                    "clusters",
                    k,
                    "cluster",
                    c,
                    f.clusters.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        for (k, s) in sc.services.iter().enumerate() {
            match f.services.iter().position(|x| &x.id == s) {
                Some(x) => {
                    if let Some(svc) = services.get(x) {
                        bo.systems
                            .extend(service_systems(svc, clusters, integrations));
                    }
                }
                None => unknown(
                    "services",
                    k,
                    "service",
                    s,
                    f.services.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        for (k, t) in sc.teams.iter().enumerate() {
            match f.teams.iter().position(|x| &x.id == t) {
                Some(x) => bo.teams.push(x),
                None => unknown(
                    "teams",
                    k,
                    "team",
                    t,
                    f.teams.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        bo.systems.sort_unstable();
        bo.systems.dedup();
    }
    out
}

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
    task: &super::file::TaskFile,
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
                    match super::validate::suggest(d, comps.keys().copied()) {
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

fn meta(t: &super::file::TaskFile) -> Meta {
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
