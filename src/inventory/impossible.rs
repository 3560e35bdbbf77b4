//! Rules that no schedule can satisfy, whatever the start times: found at
//! validation, each with a code, the path of the field and a hint, instead
//! of failing later in `plan`. The checks run on the resolved inventory
//! (also a partly resolved one, next to other errors): each looks only at
//! what was fully resolved, so an error elsewhere raises no second one here.
//!
//! - E057: a task longer than every stretch its `windows`, its teams'
//!   `available` hours and the window's start→deadline leave it;
//! - E048: one task that takes more members of a cluster down at once than
//!   the cluster's `min_available` allows (E046: when it allows none);
//! - E049: one outage task on both sides of a DR pair;
//! - E063: a service whose `max_downtime` is shorter than the outage one
//!   task must cause on a system it requires (directly or through
//!   integrations).
//!
//! Not here (they depend on where tasks fall): blackouts, and tasks that only
//! together break a rule; `plan` and `explain` report those.

use super::file::InventoryFile;
use super::{Component, IntegrationMode, Inventory, Task};
use crate::base::intervals::intersect;
use crate::base::{Interval, Time};
use crate::error::Diagnostic;
use std::collections::{HashMap, HashSet};

/// Every impossible rule of a (possibly partly) resolved inventory.
/// `times_known` is false when the window's calendar could not be read (then
/// no interval was read either, and no time is checked).
pub fn check(inv: &Inventory, f: &InventoryFile, times_known: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if times_known {
        out.extend(too_long(inv, f));
    }
    let on = OutagesOn::new(inv);
    out.extend(cluster_allowance(inv, f, &on));
    out.extend(dr_both_sides(inv, f, &on));
    out.extend(downtime_limits(inv, &on));
    out
}

/// Outage tasks that take time (those that can break availability rules),
/// indexed by system, so that each rule looks only at the tasks on the
/// systems it names: linear in the estate, not tasks × clusters.
struct OutagesOn<'a> {
    inv: &'a Inventory,
    by_system: Vec<Vec<usize>>,
}

impl<'a> OutagesOn<'a> {
    fn new(inv: &'a Inventory) -> Self {
        let mut by_system = vec![Vec::new(); inv.systems.len()];
        for (k, t) in inv.tasks.iter().enumerate() {
            if t.outage && t.duration > 0 {
                for &s in &t.systems {
                    if let Some(list) = by_system.get_mut(s) {
                        list.push(k);
                    }
                }
            }
        }
        OutagesOn { inv, by_system }
    }

    /// The outage tasks on any of `systems`, each once, in task order.
    fn any_of(&self, systems: &[usize]) -> Vec<&'a Task> {
        let mut ks: Vec<usize> = systems
            .iter()
            .filter_map(|&s| self.by_system.get(s))
            .flatten()
            .copied()
            .collect();
        ks.sort_unstable();
        ks.dedup();
        ks.into_iter().map(|k| &self.inv.tasks[k]).collect()
    }
}

/// `1h30m`.
fn dur(m: Time) -> String {
    crate::base::fmt_minutes(m)
}

/// A minute of the window in its wall-clock time (`23:30`, or with the
/// date when over a day from the start).
fn wall(inv: &Inventory, minute: Time) -> String {
    let z = inv
        .window
        .at(minute.clamp(-super::time::MAX_MINUTES, super::time::MAX_MINUTES));
    if (0..24 * 60).contains(&minute) {
        z.strftime("%H:%M").to_string()
    } else {
        z.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// The path of the field naming a task's systems.
fn systems_path(f: &InventoryFile, t: &Task) -> String {
    let ft = &f.tasks[t.source];
    let field = if ft.systems.is_some() {
        "systems"
    } else if ft.cluster.is_some() {
        "cluster"
    } else {
        "system"
    };
    format!("tasks[{}].{field}", t.source)
}

/// E057, once per written task (the first member that cannot fit).
fn too_long(inv: &Inventory, f: &InventoryFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut done: HashSet<usize> = HashSet::new();
    for t in &inv.tasks {
        if t.duration == 0 || done.contains(&t.source) {
            continue;
        }
        let mut room = vec![Interval::new(
            0,
            inv.window.deadline.unwrap_or(super::time::MAX_MINUTES),
        )];
        let mut limits = Vec::new();
        if let Some(d) = inv.window.deadline {
            limits.push(format!(
                "the window ({} to the {} deadline)",
                wall(inv, 0),
                wall(inv, d)
            ));
        }
        if let Some(w) = &t.windows {
            room = intersect(&room, w);
            limits.push("its `windows`".to_string());
        }
        for &(k, _) in &t.needs {
            if let Some(av) = &inv.teams[k].available {
                room = intersect(&room, av);
                limits.push(format!("the hours of team `{}`", inv.teams[k].id));
            }
        }
        let longest = room.iter().max_by_key(|iv| iv.len());
        if longest.is_some_and(|iv| iv.len() >= t.duration) {
            continue;
        }
        done.insert(t.source);
        let what = match longest {
            None => "no time at all is left".to_string(),
            Some(iv) => format!(
                "the longest stretch left is {} ({}–{})",
                dur(iv.len()),
                wall(inv, iv.start),
                wall(inv, iv.end)
            ),
        };
        out.push(Diagnostic::new(
            "E057",
            format!("tasks[{}].duration", t.source),
            format!(
                "task `{}` takes {} but {what} within {}",
                f.tasks[t.source].id,
                dur(t.duration),
                crate::base::join_words(&limits)
            ),
            "widen the windows, the team's hours or the deadline, or shorten or split the task",
        ));
    }
    out
}

/// E048: one task takes more members of a cluster down than it allows.
fn cluster_allowance(inv: &Inventory, f: &InventoryFile, on: &OutagesOn) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut done: HashSet<(usize, usize)> = HashSet::new();
    for (k, c) in inv.clusters.iter().enumerate() {
        let n = c.members.len() as u32;
        // Unresolved members (reported already) would make the count wrong;
        // a cluster that allows none down is E046's.
        if n == 0 || f.clusters[k].members.len() as u32 != n || c.min_available >= n {
            continue;
        }
        let allowed = (n - c.min_available) as usize;
        for t in on.any_of(&c.members) {
            let hit: Vec<&str> = c
                .members
                .iter()
                .filter(|m| t.systems.contains(m))
                .map(|&m| inv.systems[m].id.as_str())
                .collect();
            if hit.len() <= allowed || !done.insert((t.source, k)) {
                continue;
            }
            let rule = match f.clusters[k].max_unavailable {
                Some(x) => format!("max_unavailable {x}"),
                None => format!("min_available {} of {n}", c.min_available),
            };
            out.push(Diagnostic::new(
                "E048",
                systems_path(f, t),
                format!(
                    "task `{}` takes {} members of cluster `{}` down at once ({}), but the cluster lets at most {allowed} be down ({rule})",
                    t.id,
                    hit.len(),
                    c.id,
                    hit.join(", ")
                ),
                format!(
                    "split the task so each part takes at most {allowed} member(s) down (`cluster: {}` runs it once per member), or relax the cluster's rule",
                    c.id
                ),
            ));
        }
    }
    out
}

/// E049: one outage task on both the primary and the standby of a DR pair.
fn dr_both_sides(inv: &Inventory, f: &InventoryFile, outages: &OutagesOn) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut done: HashSet<(usize, usize)> = HashSet::new();
    for (i, pair) in inv.dr.iter().enumerate() {
        let prim = inv.component_systems(pair.primary);
        let stby = inv.component_systems(pair.standby);
        for t in outages.any_of(&prim) {
            let on = |side: &[usize]| t.systems.iter().any(|s| side.contains(s));
            if on(&prim) && on(&stby) && done.insert((t.source, i)) {
                out.push(Diagnostic::new(
                    "E049",
                    systems_path(f, t),
                    format!(
                        "task `{}` is an outage on both the primary `{}` and the standby `{}` of a DR pair (dr[{i}]), which must never be down at the same time",
                        t.id,
                        inv.component_id(pair.primary),
                        inv.component_id(pair.standby)
                    ),
                    "split the task into one per side, or set `outage: false` if it takes nothing down",
                ));
            }
        }
    }
    out
}

/// E063: a service limit shorter than the outage one task must cause on
/// something it requires. An outage reaches the service directly, through
/// a sync integration at once, or through an async one after its tolerance
/// (tolerances add up along a chain); a cluster is down only while every
/// member is, so only a task on all its members counts there.
fn downtime_limits(inv: &Inventory, on: &OutagesOn) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, s) in inv.services.iter().enumerate() {
        let Some(max) = s.max_downtime else {
            continue;
        };
        let reach = reaching(inv, &s.requires);
        // The worst single task: (downtime it forces, task, component).
        let mut worst: Option<(Time, &Task, Component)> = None;
        for (&c, &delay) in &reach {
            let members = inv.component_systems(c);
            for t in on.any_of(&members) {
                let down = match c {
                    Component::System(x) => t.systems.contains(&x),
                    Component::Cluster(_) => {
                        !members.is_empty() && members.iter().all(|m| t.systems.contains(m))
                    }
                };
                let forced = t.duration - delay;
                if down && forced > max && worst.is_none_or(|(w, _, _)| forced > w) {
                    worst = Some((forced, t, c));
                }
            }
        }
        let Some((forced, t, c)) = worst else {
            continue;
        };
        let via = if s.requires.contains(&c) {
            String::new()
        } else {
            " (through integrations)".to_string()
        };
        out.push(Diagnostic::new(
            "E063",
            format!("services[{i}].max_downtime"),
            format!(
                "service `{}` may be down at most {}, but task `{}` alone takes `{}`{via}, which it requires, down for {}",
                s.id,
                dur(max),
                t.id,
                inv.component_id(c),
                dur(forced)
            ),
            format!(
                "raise `max_downtime` to at least {}, shorten or split the task, or set `outage: false` if it takes nothing down",
                dur(forced)
            ),
        ));
    }
    out
}

/// Every component whose outage reaches one of `required`, with the least
/// delay (sum of async tolerances) it takes to get there.
fn reaching(inv: &Inventory, required: &[Component]) -> HashMap<Component, Time> {
    let mut best: HashMap<Component, Time> = HashMap::new();
    let mut stack: Vec<(Component, Time)> = required.iter().map(|&c| (c, 0)).collect();
    while let Some((c, delay)) = stack.pop() {
        if best.get(&c).is_some_and(|&d| d <= delay) {
            continue;
        }
        best.insert(c, delay);
        for g in &inv.integrations {
            if g.to != c {
                continue;
            }
            let extra = match g.mode {
                IntegrationMode::Sync => 0,
                IntegrationMode::Async => g.tolerance,
            };
            stack.push((g.from, delay + extra));
        }
    }
    best
}
