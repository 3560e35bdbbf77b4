//! The independent checker: re-verifies a plan (task start minutes) against
//! every rule of DESIGN.md's table, straight from the inventory, with code of
//! its own (it does not use the core Problem, the compiler or the solver).
//!
//! Every violation is reported, each with the rule it breaks, the tasks
//! involved, the minutes it covers (consecutive minutes merged into one
//! interval per conflict) and a message in plain words with wall-clock times.

pub mod campaign;
pub mod campaign_replan;
pub mod claims;
pub mod replan;
mod schema_changes;

use serde::Serialize;

use crate::base::{fmt_minutes, join_words};
use crate::base::{Interval, Time};
use crate::inventory::{Component, DrOrder, Inventory, Task};
use crate::plan::{clock, downtime};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule: `start`, `after`, `max_lag`, `system`, `team`, `cluster`,
    /// `zone`, `dr`, `dr_order`, `blackout`, `windows`, `deadline`,
    /// `max_downtime`, `schema_change` (format 1.2),
    /// `plan` (the plan does not fit the inventory), or
    /// `claim` (a figure the plan file states that its times contradict).
    pub rule: String,
    /// Ids of the tasks involved.
    pub tasks: Vec<String>,
    /// Minutes during which the rule is broken, when it has a time extent.
    pub interval: Option<Interval>,
    /// What is wrong, in words a change-advisory board reads.
    pub message: String,
}

impl Violation {
    /// A broken rule with no time extent (a rule across windows, a plan
    /// that does not fit, a re-plan's drop).
    pub fn untimed(rule: &str, tasks: Vec<String>, message: String) -> Violation {
        Violation {
            rule: rule.into(),
            tasks,
            interval: None,
            message,
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.rule, self.message)
    }
}

struct Ctx<'a> {
    inv: &'a Inventory,
    starts: &'a [Time],
    out: Vec<Violation>,
    /// Tasks per system and outage tasks per system (ascending), built once
    /// so that each rule looks only at its own tasks.
    by_system: Vec<Vec<usize>>,
    outage_by_system: Vec<Vec<usize>>,
}

impl Ctx<'_> {
    fn task(&self, t: usize) -> &Task {
        &self.inv.tasks[t]
    }
    fn end(&self, t: usize) -> Time {
        self.starts[t] + self.inv.tasks[t].duration
    }
    fn run(&self, t: usize) -> Interval {
        Interval::new(self.starts[t], self.end(t))
    }
    fn at(&self, m: Time) -> String {
        clock(&self.inv.window, m)
    }
    fn span(&self, i: Interval) -> String {
        format!("{}–{}", self.at(i.start), self.at(i.end))
    }
    fn ids(&self, ts: &[usize]) -> Vec<String> {
        ts.iter().map(|&t| self.task(t).id.clone()).collect()
    }
    fn push(&mut self, rule: &str, tasks: &[usize], interval: Option<Interval>, message: String) {
        let tasks = self.ids(tasks);
        self.out.push(Violation {
            rule: rule.to_string(),
            tasks,
            interval,
            message,
        });
    }
    /// Outage tasks (of positive duration or not) touching any of `systems`.
    fn outage_tasks_on(&self, systems: &[usize]) -> Vec<usize> {
        tasks_on_any(&self.outage_by_system, systems)
    }
    /// Outage tasks on `systems` and (format 1.1) tasks listing one of them
    /// in `down:`.
    fn down_tasks_on(&self, systems: &[usize]) -> Vec<usize> {
        let mut v = self.outage_tasks_on(systems);
        for (t, task) in self.inv.tasks.iter().enumerate() {
            if task.down.iter().any(|s| systems.contains(s)) {
                v.push(t);
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// One stretch of minutes during which a capacity is exceeded.
struct Overload {
    interval: Interval,
    tasks: Vec<usize>,
    used: i64,
    capacity: i64,
}

/// Sweeps the runs of `items` and returns every stretch where
/// `usage(active tasks) > capacity(minute)`. `capacity` must be constant
/// between consecutive points of `cap_points` (capacity change minutes).
/// Consecutive stretches with the same active tasks and capacity are merged.
fn overloads(
    ctx: &Ctx,
    items: &[usize],
    cap_points: &[Time],
    capacity: impl Fn(Time) -> i64,
    usage: impl Fn(&[usize]) -> i64,
) -> Vec<Overload> {
    let items: Vec<usize> = items
        .iter()
        .copied()
        .filter(|&t| ctx.task(t).duration > 0)
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let mut points: Vec<Time> = items
        .iter()
        .flat_map(|&t| [ctx.starts[t], ctx.end(t)])
        .collect();
    let lo = points.iter().copied().min().unwrap_or(0);
    let hi = points.iter().copied().max().unwrap_or(0);
    points.extend(cap_points.iter().copied().filter(|&p| p > lo && p < hi));
    points.sort_unstable();
    points.dedup();
    // Sweep: items by start and by end (positions in `items`), and the set
    // of running items kept in `items` order, so each segment costs the
    // tasks running in it rather than every item.
    let mut by_start: Vec<usize> = (0..items.len()).collect();
    by_start.sort_by_key(|&p| ctx.starts[items[p]]);
    let mut by_end: Vec<usize> = (0..items.len()).collect();
    by_end.sort_by_key(|&p| ctx.end(items[p]));
    let (mut si, mut ei) = (0, 0);
    let mut running: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut out: Vec<Overload> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        // Running over [a, b): started at or before a, ending at or after b
        // (every start and end is a point, so: ending after a).
        while ei < by_end.len() && ctx.end(items[by_end[ei]]) <= a {
            running.remove(&by_end[ei]);
            ei += 1;
        }
        while si < by_start.len() && ctx.starts[items[by_start[si]]] <= a {
            let p = by_start[si];
            if ctx.end(items[p]) > a {
                running.insert(p);
            }
            si += 1;
        }
        if running.is_empty() {
            continue;
        }
        let active: Vec<usize> = running.iter().map(|&p| items[p]).collect();
        debug_assert!(active
            .iter()
            .all(|&t| ctx.starts[t] <= a && ctx.end(t) >= b));
        let used = usage(&active);
        let cap = capacity(a);
        if used <= cap {
            continue;
        }
        if let Some(last) = out.last_mut() {
            if last.interval.end == a && last.tasks == active && last.capacity == cap {
                last.interval.end = b;
                continue;
            }
        }
        out.push(Overload {
            interval: Interval::new(a, b),
            tasks: active,
            used,
            capacity: cap,
        });
    }
    out
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Checks a plan given as one start minute per task (inventory order) against
/// every rule of the inventory. Returns every violation; empty means valid.
pub fn check(inv: &Inventory, starts: &[Time]) -> Vec<Violation> {
    if starts.len() != inv.tasks.len() {
        return vec![Violation {
            rule: "plan".into(),
            tasks: vec![],
            interval: None,
            message: format!(
                "the plan gives {} start times but the inventory has {} tasks",
                starts.len(),
                inv.tasks.len()
            ),
        }];
    }
    let mut ctx = Ctx {
        inv,
        starts,
        out: Vec::new(),
        by_system: tasks_on_each_system(inv, Taken::All),
        outage_by_system: tasks_on_each_system(inv, Taken::Outages),
    };
    check_start(&mut ctx);
    check_after(&mut ctx);
    check_systems(&mut ctx);
    check_teams(&mut ctx);
    check_clusters(&mut ctx);
    check_zones(&mut ctx);
    check_dr(&mut ctx);
    check_blackouts(&mut ctx);
    check_windows(&mut ctx);
    check_deadline(&mut ctx);
    check_max_downtime(&mut ctx);
    check_unavailable(&mut ctx);
    check_steps(&mut ctx);
    check_canary(&mut ctx);
    schema_changes::check_schema_changes(&mut ctx);
    ctx.out
}

/// The extra rule of `--reserve-backout`: every task with a `backout` ends
/// by its point of no return (deadline − backout). Nothing without a
/// deadline. Kept apart from [`check`]: a plan is valid without it.
pub fn check_backout(inv: &Inventory, starts: &[Time]) -> Vec<Violation> {
    let Some(deadline) = inv.window.deadline else {
        return Vec::new();
    };
    inv.tasks
        .iter()
        .zip(starts)
        .filter_map(|(t, &s)| {
            let b = t.backout?;
            let pnr = deadline - b;
            let end = s + t.duration;
            (end > pnr).then(|| Violation {
                rule: "backout".into(),
                tasks: vec![t.id.clone()],
                interval: Some(Interval::new(pnr, end)),
                message: format!(
                    "task {} ends at {}, {} after its point of no return {} (deadline less its backout of {}): a failure could not be backed out in time",
                    t.id,
                    crate::plan::clock(&inv.window, end),
                    crate::base::fmt_minutes(end - pnr),
                    crate::plan::clock(&inv.window, pnr),
                    crate::base::fmt_minutes(b)
                ),
            })
        })
        .collect()
}

fn check_start(ctx: &mut Ctx) {
    for t in 0..ctx.inv.tasks.len() {
        let s = ctx.starts[t];
        if s < 0 {
            let msg = format!(
                "{} starts at {}, {} before the window opens at {}",
                ctx.task(t).id,
                ctx.at(s),
                fmt_minutes(-s),
                ctx.at(0)
            );
            ctx.push("start", &[t], Some(Interval::new(s, 0)), msg);
        }
    }
}

fn check_after(ctx: &mut Ctx) {
    for j in 0..ctx.inv.tasks.len() {
        for a in ctx.task(j).after.clone() {
            let i = a.task;
            if i >= ctx.inv.tasks.len() {
                continue;
            }
            let (sj, ei) = (ctx.starts[j], ctx.end(i));
            let earliest = ei + a.lag;
            let lag_words = if a.lag == 0 {
                String::new()
            } else if a.lag > 0 {
                format!(" plus a lag of {}", fmt_minutes(a.lag))
            } else {
                format!(" minus {} (negative lag)", fmt_minutes(-a.lag))
            };
            if sj < earliest {
                let msg = format!(
                    "{} starts at {}, {} too early: it must wait until {} ({} ends at {}{})",
                    ctx.task(j).id,
                    ctx.at(sj),
                    fmt_minutes(earliest - sj),
                    ctx.at(earliest),
                    ctx.task(i).id,
                    ctx.at(ei),
                    lag_words
                );
                ctx.push("after", &[i, j], Some(Interval::new(sj, earliest)), msg);
            }
            if let Some(max) = a.max_lag {
                let latest = ei + max;
                if sj > latest {
                    let msg = format!(
                        "{} starts at {}, {} after {} ends at {}, but may start at most {} after it (by {})",
                        ctx.task(j).id,
                        ctx.at(sj),
                        fmt_minutes(sj - ei),
                        ctx.task(i).id,
                        ctx.at(ei),
                        fmt_minutes(max),
                        ctx.at(latest)
                    );
                    ctx.push("max_lag", &[i, j], Some(Interval::new(latest, sj)), msg);
                }
            }
        }
    }
}

fn check_systems(ctx: &mut Ctx) {
    for (s, sys) in ctx.inv.systems.iter().enumerate() {
        let items: Vec<usize> = ctx.by_system[s].clone();
        let cap = sys.parallel_changes as i64;
        for o in overloads(ctx, &items, &[], |_| cap, |a| a.len() as i64) {
            let ids = ctx.ids(&o.tasks);
            let msg = format!(
                "{} overlap {} on system {}, which allows {} at a time",
                join_words(&ids),
                ctx.span(o.interval),
                sys.id,
                plural(o.capacity, "change", "changes")
            );
            ctx.push("system", &o.tasks, Some(o.interval), msg);
        }
    }
}

fn check_teams(ctx: &mut Ctx) {
    let mut by_team: Vec<Vec<usize>> = vec![Vec::new(); ctx.inv.teams.len()];
    for (t, task) in ctx.inv.tasks.iter().enumerate() {
        for &(k, _) in &task.needs {
            if let Some(v) = by_team.get_mut(k) {
                if v.last() != Some(&t) {
                    v.push(t);
                }
            }
        }
    }
    for (k, team) in ctx.inv.teams.iter().enumerate() {
        let need = |t: usize| -> i64 {
            ctx.task(t)
                .needs
                .iter()
                .filter(|&&(tm, _)| tm == k)
                .map(|&(_, a)| a as i64)
                .sum()
        };
        let items: Vec<usize> = by_team[k]
            .iter()
            .copied()
            .filter(|&t| need(t) > 0)
            .collect();
        let avail = team.available.clone();
        let points: Vec<Time> = avail
            .iter()
            .flatten()
            .flat_map(|i| [i.start, i.end])
            .collect();
        let cap = team.capacity as i64;
        let capacity = |m: Time| match &avail {
            None => cap,
            Some(v) if v.iter().any(|i| i.start <= m && m < i.end) => cap,
            Some(_) => 0,
        };
        for o in overloads(ctx, &items, &points, capacity, |a| {
            a.iter().map(|&t| need(t)).sum()
        }) {
            let ids = ctx.ids(&o.tasks);
            let msg = if o.capacity == 0 && avail.is_some() {
                let hours: Vec<String> = avail.iter().flatten().map(|&i| ctx.span(i)).collect();
                format!(
                    "{} {} team {} during {}, outside the hours it is available ({})",
                    join_words(&ids),
                    if ids.len() == 1 { "needs" } else { "need" },
                    team.id,
                    ctx.span(o.interval),
                    hours.join(", ")
                )
            } else {
                format!(
                    "{} need {} of team {} at once during {}, but its capacity is {}",
                    join_words(&ids),
                    o.used,
                    team.id,
                    ctx.span(o.interval),
                    o.capacity
                )
            };
            ctx.push("team", &o.tasks, Some(o.interval), msg);
        }
    }
}

fn check_clusters(ctx: &mut Ctx) {
    for cl in &ctx.inv.clusters {
        let items = ctx.outage_tasks_on(&cl.members);
        let allowed = cl.max_unavailable() as i64;
        let down = |active: &[usize]| -> i64 {
            cl.members
                .iter()
                .filter(|m| active.iter().any(|&t| ctx.task(t).systems.contains(m)))
                .count() as i64
        };
        for o in overloads(ctx, &items, &[], |_| allowed, down) {
            let ids = ctx.ids(&o.tasks);
            let msg = if ids.len() > 1 {
                format!(
                    "{} overlap {} while cluster {} allows {} down ({} are down)",
                    join_words(&ids),
                    ctx.span(o.interval),
                    cl.id,
                    plural(allowed, "member", "members"),
                    o.used
                )
            } else {
                format!(
                    "{} takes {} members of cluster {} down during {}, but it allows {} down",
                    join_words(&ids),
                    o.used,
                    cl.id,
                    ctx.span(o.interval),
                    allowed
                )
            };
            ctx.push("cluster", &o.tasks, Some(o.interval), msg);
        }
    }
}

fn check_zones(ctx: &mut Ctx) {
    let mut by_zone: Vec<Vec<usize>> = vec![Vec::new(); ctx.inv.zones.len()];
    for (t, task) in ctx.inv.tasks.iter().enumerate() {
        if task.read_only {
            continue; // format 1.1: a check or backup changes nothing
        }
        for &s in &task.systems {
            if let Some(z) = ctx.inv.systems.get(s).and_then(|x| x.zone) {
                if let Some(v) = by_zone.get_mut(z) {
                    if v.last() != Some(&t) {
                        v.push(t);
                    }
                }
            }
        }
    }
    for (z, zone) in ctx.inv.zones.iter().enumerate() {
        let items: Vec<usize> = std::mem::take(&mut by_zone[z]);
        let cap = zone.max_concurrent as i64;
        for o in overloads(ctx, &items, &[], |_| cap, |a| a.len() as i64) {
            let ids = ctx.ids(&o.tasks);
            let msg = format!(
                "{} run at once {} in zone {}, which allows {} at a time",
                join_words(&ids),
                ctx.span(o.interval),
                zone.id,
                plural(cap, "change", "changes")
            );
            ctx.push("zone", &o.tasks, Some(o.interval), msg);
        }
    }
}

fn check_dr(ctx: &mut Ctx) {
    for pair in ctx.inv.dr.clone() {
        let (p_id, s_id) = (
            ctx.inv.component_id(pair.primary).to_string(),
            ctx.inv.component_id(pair.standby).to_string(),
        );
        let prim = ctx.down_tasks_on(&ctx.inv.component_systems(pair.primary));
        let stby = ctx.down_tasks_on(&ctx.inv.component_systems(pair.standby));
        let name = format!("DR pair {p_id} / {s_id}");
        // Never both sides down at one minute.
        for &i in &prim {
            for &j in &stby {
                let (a, b) = (ctx.run(i), ctx.run(j));
                let ov = Interval::new(a.start.max(b.start), a.end.min(b.end));
                if ov.is_empty() {
                    continue;
                }
                let msg = if i == j {
                    format!(
                        "{} takes both primary {p_id} and standby {s_id} down during {} ({name})",
                        ctx.task(i).id,
                        ctx.span(ov)
                    )
                } else {
                    format!(
                        "{} (primary {p_id}) and {} (standby {s_id}) overlap {}: both sides of the {name} are down at once",
                        ctx.task(i).id,
                        ctx.task(j).id,
                        ctx.span(ov)
                    )
                };
                let tasks = if i == j { vec![i] } else { vec![i, j] };
                ctx.push("dr", &tasks, Some(ov), msg);
            }
        }
        // Order: every outage of the first side ends before any of the other starts.
        let (first, second, first_name, second_name, word) = match pair.order {
            None => continue,
            Some(DrOrder::StandbyFirst) => (
                &stby,
                &prim,
                format!("standby {s_id}"),
                format!("primary {p_id}"),
                "standby_first",
            ),
            Some(DrOrder::PrimaryFirst) => (
                &prim,
                &stby,
                format!("primary {p_id}"),
                format!("standby {s_id}"),
                "primary_first",
            ),
        };
        for &i in first {
            for &j in second {
                if i == j {
                    continue;
                }
                let (ei, sj) = (ctx.end(i), ctx.starts[j]);
                if ei > sj {
                    let msg = format!(
                        "{} on {second_name} starts at {} before {} on {first_name} ends at {}; order {word} puts every {first_name} outage first",
                        ctx.task(j).id,
                        ctx.at(sj),
                        ctx.task(i).id,
                        ctx.at(ei)
                    );
                    ctx.push("dr_order", &[i, j], Some(Interval::new(sj, ei)), msg);
                }
            }
        }
    }
}

fn check_blackouts(ctx: &mut Ctx) {
    // A blackout outside the plan's span (first start to last end) cannot
    // hold any task: skipped whole (10 000 far-away blackouts × 10 000
    // tasks took 5 s).
    let n = ctx.inv.tasks.len();
    let first = (0..n).map(|t| ctx.run(t).start).min().unwrap_or(0);
    let last = (0..n).map(|t| ctx.run(t).end).max().unwrap_or(0);
    for b in &ctx.inv.blackouts {
        if b.interval.end <= first || b.interval.start >= last {
            continue;
        }
        for t in 0..n {
            let task = ctx.task(t);
            // Scope, evaluated here rather than through the inventory's
            // helper so the checker stays independent: empty scope covers
            // everything; else a listed system, a system in a listed zone,
            // or a system with a listed tag.
            // Format 1.1: clusters and services are resolved into
            // `systems`; a listed team covers every task needing it.
            let everything = b.systems.is_empty()
                && b.zones.is_empty()
                && b.tags.is_empty()
                && b.teams.is_empty()
                && !b.scoped;
            let in_scope = everything
                || task.needs.iter().any(|(k, _)| b.teams.contains(k))
                || task.systems.iter().any(|s| {
                    b.systems.contains(s)
                        || ctx.inv.systems.get(*s).is_some_and(|sys| {
                            sys.zone.is_some_and(|z| b.zones.contains(&z))
                                || sys.tags.iter().any(|t| b.tags.contains(t))
                        })
                });
            if !in_scope {
                continue;
            }
            let r = ctx.run(t);
            let ov = Interval::new(r.start.max(b.interval.start), r.end.min(b.interval.end));
            if ov.is_empty() {
                continue;
            }
            let reason = b
                .reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let msg = format!(
                "{} runs {}, inside the blackout {}{}",
                task.id,
                ctx.span(ov),
                ctx.span(b.interval),
                reason
            );
            ctx.push("blackout", &[t], Some(ov), msg);
        }
    }
}

fn check_windows(ctx: &mut Ctx) {
    for t in 0..ctx.inv.tasks.len() {
        let Some(ws) = ctx.task(t).windows.clone() else {
            continue;
        };
        let (s, d) = (ctx.starts[t], ctx.task(t).duration);
        if ws.iter().any(|w| w.contains_run(s, d)) {
            continue;
        }
        let list: Vec<String> = ws.iter().map(|&w| ctx.span(w)).collect();
        let msg = format!(
            "{} runs {}, not wholly inside any of its allowed windows ({})",
            ctx.task(t).id,
            ctx.span(ctx.run(t)),
            if list.is_empty() {
                "none given".to_string()
            } else {
                list.join(", ")
            }
        );
        let run = ctx.run(t);
        ctx.push("windows", &[t], Some(run), msg);
    }
}

fn check_deadline(ctx: &mut Ctx) {
    let Some(dl) = ctx.inv.window.deadline else {
        return;
    };
    for t in 0..ctx.inv.tasks.len() {
        let e = ctx.end(t);
        if e > dl {
            let msg = format!(
                "{} ends at {}, {} after the deadline {}",
                ctx.task(t).id,
                ctx.at(e),
                fmt_minutes(e - dl),
                ctx.at(dl)
            );
            ctx.push("deadline", &[t], Some(Interval::new(dl, e)), msg);
        }
    }
}

/// Format 1.1: no task naming a system runs in its `unavailable` intervals.
fn check_unavailable(ctx: &mut Ctx) {
    for t in 0..ctx.inv.tasks.len() {
        let r = ctx.run(t);
        for &s in &ctx.task(t).systems.clone() {
            let sys = &ctx.inv.systems[s];
            for u in sys.unavailable.clone() {
                let ov = Interval::new(r.start.max(u.interval.start), r.end.min(u.interval.end));
                if ov.is_empty() {
                    continue;
                }
                let why = u.reason.map(|r| format!(" ({r})")).unwrap_or_default();
                let msg = format!(
                    "{} runs {} on {}, which is unavailable {}{}",
                    ctx.task(t).id,
                    ctx.span(ov),
                    sys.id,
                    ctx.span(u.interval),
                    why
                );
                ctx.push("unavailable", &[t], Some(ov), msg);
            }
        }
    }
}

/// Format 1.1: the steps of a task on one member run back to back, in the
/// order written (the inventory lists them in that order).
fn check_steps(ctx: &mut Ctx) {
    let tasks = &ctx.inv.tasks;
    let mut bad = Vec::new();
    for k in 1..tasks.len() {
        let (a, b) = (&tasks[k - 1], &tasks[k]);
        if b.step.is_none() || a.step.is_none() || a.source != b.source || a.member != b.member {
            continue;
        }
        if ctx.starts[k] != ctx.end(k - 1) {
            bad.push((k - 1, k));
        }
    }
    for (a, b) in bad {
        let msg = format!(
            "step {} starts at {}, not when step {} ends at {}: the steps of a task run back to back",
            ctx.task(b).id,
            ctx.at(ctx.starts[b]),
            ctx.task(a).id,
            ctx.at(ctx.end(a))
        );
        let (x, y) = (ctx.starts[b].min(ctx.end(a)), ctx.starts[b].max(ctx.end(a)));
        ctx.push("steps", &[a, b], Some(Interval::new(x, y)), msg);
    }
}

/// Format 1.1: the first `canary` members of a cluster task (expansions
/// are listed in `members` order) finish every step before any other
/// member's expansion starts.
fn check_canary(ctx: &mut Ctx) {
    let tasks = &ctx.inv.tasks;
    let mut bad = Vec::new();
    let mut k = 0;
    while k < tasks.len() {
        let src = tasks[k].source;
        let mut j = k;
        while j < tasks.len() && tasks[j].source == src {
            j += 1;
        }
        let n = tasks[k].canary;
        if n > 0 {
            let mut members: Vec<&Option<String>> = Vec::new();
            for t in &tasks[k..j] {
                if !members.contains(&&t.member) {
                    members.push(&t.member);
                }
            }
            let is_canary = |t: usize| {
                members
                    .iter()
                    .position(|m| **m == tasks[t].member)
                    .is_some_and(|p| p < n)
            };
            let canaries: Vec<usize> = (k..j).filter(|&t| is_canary(t)).collect();
            for t in (k..j).filter(|&t| !is_canary(t)) {
                if let Some(&c) = canaries.iter().max_by_key(|&&c| ctx.end(c)) {
                    if ctx.starts[t] < ctx.end(c) {
                        bad.push((c, t));
                    }
                }
            }
        }
        k = j;
    }
    for (c, t) in bad {
        let msg = format!(
            "{} starts at {}, before the canary {} ends at {}: the canary members finish first",
            ctx.task(t).id,
            ctx.at(ctx.starts[t]),
            ctx.task(c).id,
            ctx.at(ctx.end(c))
        );
        let iv = Interval::new(ctx.starts[t], ctx.end(c));
        ctx.push("canary", &[c, t], Some(iv), msg);
    }
}

fn check_max_downtime(ctx: &mut Ctx) {
    if ctx.inv.services.iter().all(|s| s.max_downtime.is_none()) {
        return;
    }
    let d = downtime::downtime(ctx.inv, ctx.starts);
    for (k, svc) in ctx.inv.services.iter().enumerate() {
        let Some(max) = svc.max_downtime else {
            continue;
        };
        let got = &d.services[k];
        if got.downtime_minutes <= max {
            continue;
        }
        // Systems the service depends on, directly or through integrations.
        let mut comps: Vec<Component> = svc.requires.clone();
        let mut i = 0;
        while i < comps.len() {
            for ig in &ctx.inv.integrations {
                if ig.to == comps[i] && !comps.contains(&ig.from) {
                    comps.push(ig.from);
                }
            }
            i += 1;
        }
        let systems: Vec<usize> = comps
            .iter()
            .flat_map(|&c| ctx.inv.component_systems(c))
            .collect();
        let down: Vec<Interval> = got
            .intervals
            .iter()
            .map(|&[a, b]| Interval::new(a, b))
            .collect();
        let tasks: Vec<usize> = ctx
            .outage_tasks_on(&systems)
            .into_iter()
            .filter(|&t| {
                down.iter()
                    .any(|w| w.overlaps_run(ctx.starts[t], ctx.task(t).duration))
            })
            .collect();
        let spans: Vec<String> = down.iter().map(|&w| ctx.span(w)).collect();
        let msg = format!(
            "service {} is down {} ({}), over its max_downtime of {}",
            svc.id,
            fmt_minutes(got.downtime_minutes),
            spans.join(", "),
            fmt_minutes(max)
        );
        let interval = match (down.first(), down.last()) {
            (Some(a), Some(b)) => Some(Interval::new(a.start, b.end)),
            _ => None,
        };
        ctx.push("max_downtime", &tasks, interval, msg);
    }
}

/// Which tasks [`tasks_on_each_system`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    All,
    Outages,
}

/// Task indices per system, read straight from each task's `systems` (or
/// only the outage tasks): the checker's own grouping, shared with nothing
/// the compiler uses, so a slip there cannot hide here.
fn tasks_on_each_system(inv: &Inventory, taken: Taken) -> Vec<Vec<usize>> {
    let mut on = vec![Vec::new(); inv.systems.len()];
    for (t, task) in inv.tasks.iter().enumerate() {
        if taken == Taken::Outages && !task.outage {
            continue;
        }
        let mut systems = task.systems.clone();
        systems.sort_unstable();
        systems.dedup();
        for s in systems {
            if let Some(v) = on.get_mut(s) {
                v.push(t);
            }
        }
    }
    on
}

/// The tasks on any of `systems`, each once, in index order.
fn tasks_on_any(on: &[Vec<usize>], systems: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = systems
        .iter()
        .filter_map(|&s| on.get(s))
        .flatten()
        .copied()
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;
    use crate::inventory::{Component, DrOrder};

    fn rules(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|x| x.rule.as_str()).collect()
    }

    /// A builder with the systems named, in order, and their indices.
    fn with_systems<const N: usize>(names: [&str; N]) -> (Builder, [usize; N]) {
        let mut b = Builder::new();
        let systems = names.map(|name| b.system(name));
        (b, systems)
    }

    /// Asserts that the violation's message contains `words`.
    #[track_caller]
    fn assert_says(v: &Violation, words: &str) {
        assert!(v.message.contains(words), "{}", v.message);
    }

    /// One task `t` of `duration` minutes on the one system `a`: the
    /// builder and the task.
    fn one_task(duration: Time) -> (Builder, usize) {
        let (mut b, [a]) = with_systems(["a"]);
        let t = b.task("t", &[a], duration);
        (b, t)
    }

    /// Tasks `t1` and `t2`, 30 minutes each, on the one system named
    /// `system`: the builder and the system.
    fn two_changes_on(system: &str) -> (Builder, usize) {
        let (mut b, [a]) = with_systems([system]);
        b.task("t1", &[a], 30);
        b.task("t2", &[a], 30);
        (b, a)
    }

    /// Systems `db-a` and `db-b`, a DR pair whose standby goes first: the
    /// builder, the primary and the standby.
    fn standby_first_pair() -> (Builder, usize, usize) {
        let (mut b, [p, s]) = with_systems(["db-a", "db-b"]);
        b.dr(
            Component::System(p),
            Component::System(s),
            Some(DrOrder::StandbyFirst),
        );
        (b, p, s)
    }

    /// Systems `x` and `y`, one task on each (in that order), both needing
    /// one of `team`, whose capacity is 1: the builder and the team.
    fn sharing_one_team(team: &str, tasks: [(&str, Time); 2]) -> (Builder, usize) {
        let (mut b, systems) = with_systems(["x", "y"]);
        let k = b.team(team, 1);
        for ((id, duration), system) in tasks.into_iter().zip(systems) {
            let t = b.task(id, &[system], duration);
            b.needs(t, k, 1);
        }
        (b, k)
    }

    #[test]
    fn valid_plan_has_no_violations() {
        let (mut b, [a, c]) = with_systems(["a", "c"]);
        let dba = b.team("dba", 1);
        let t0 = b.task("backup", &[a], 30);
        let t1 = b.task("upgrade", &[a], 60);
        let t2 = b.task("patch-c", &[c], 20);
        b.needs(t0, dba, 1);
        b.needs(t1, dba, 1);
        b.after(t1, t0, 10, Some(30));
        b.inv.window.deadline = Some(120);
        assert!(check(&b.inv, &[0, 40, 0]).is_empty());
        let _ = t2;
    }

    #[test]
    fn check_a_hand_edited_file() {
        let (b, _) = two_changes_on("a");
        let ok = r#"{"tasks": [{"id": "t1", "start": "2026-12-05T22:00"}, {"id": "t2", "start": "2026-12-05T22:30"}]}"#;
        assert!(check(&b.inv, &crate::plan::read_plan_starts(ok, &b.inv).unwrap()).is_empty());
        let bad = r#"{"tasks": [{"id": "t1", "start": "2026-12-05T22:00"}, {"id": "t2", "start": "2026-12-05T22:20"}]}"#;
        assert_eq!(
            rules(&check(
                &b.inv,
                &crate::plan::read_plan_starts(bad, &b.inv).unwrap()
            )),
            vec!["system"]
        );
        assert!(crate::plan::read_plan_starts("{", &b.inv).is_err());
    }

    #[test]
    fn plan_of_wrong_length() {
        let (b, _) = one_task(10);
        assert_eq!(rules(&check(&b.inv, &[])), vec!["plan"]);
    }

    #[test]
    fn negative_start() {
        let (b, _) = one_task(10);
        let v = check(&b.inv, &[-15]);
        assert_eq!(rules(&v), vec!["start"]);
        assert_eq!(
            v[0].message,
            "t starts at 2026-12-05 21:45, 15m before the window opens at 22:00"
        );
    }

    #[test]
    fn after_min_lag() {
        let (mut b, [a, c]) = with_systems(["a", "c"]);
        let t0 = b.task("backup", &[a], 30);
        let t1 = b.task("upgrade", &[c], 60);
        b.after(t1, t0, 10, None);
        assert!(check(&b.inv, &[0, 40]).is_empty());
        let v = check(&b.inv, &[0, 35]);
        assert_eq!(rules(&v), vec!["after"]);
        assert_eq!(v[0].tasks, vec!["backup", "upgrade"]);
        assert_eq!(v[0].interval, Some(Interval::new(35, 40)));
        assert_says(&v[0], "5m too early");
    }

    #[test]
    fn after_max_lag() {
        let (mut b, [a]) = with_systems(["a"]);
        let t0 = b.task("drain", &[a], 30);
        let t1 = b.task("patch", &[a], 60);
        b.after(t1, t0, 0, Some(30));
        assert!(check(&b.inv, &[0, 60]).is_empty());
        let v = check(&b.inv, &[0, 70]);
        assert_eq!(rules(&v), vec!["max_lag"]);
        assert_eq!(v[0].interval, Some(Interval::new(60, 70)));
    }

    #[test]
    fn one_change_per_system_and_parallel_changes() {
        let (mut b, a) = two_changes_on("db");
        b.task("t3", &[a], 30);
        let v = check(&b.inv, &[0, 20, 40]);
        assert_eq!(rules(&v), vec!["system", "system"]);
        assert_eq!(
            v[0].message,
            "t1 and t2 overlap 22:20–22:30 on system db, which allows 1 change at a time"
        );
        assert_eq!(v[1].interval, Some(Interval::new(40, 50)));
        b.inv.systems[a].parallel_changes = 2;
        assert!(check(&b.inv, &[0, 20, 40]).is_empty());
        assert_eq!(rules(&check(&b.inv, &[0, 0, 0])), vec!["system"]);
    }

    #[test]
    fn team_capacity_and_availability() {
        let (mut b, dba) = sharing_one_team("dba", [("t0", 30), ("t1", 30)]);
        assert!(check(&b.inv, &[0, 30]).is_empty());
        let v = check(&b.inv, &[0, 10]);
        assert_eq!(rules(&v), vec!["team"]);
        assert_says(&v[0], "need 2 of team dba");
        assert_eq!(v[0].interval, Some(Interval::new(10, 30)));
        // Available only 60..120.
        b.inv.teams[dba].available = Some(vec![Interval::new(60, 120)]);
        assert!(check(&b.inv, &[60, 90]).is_empty());
        let v = check(&b.inv, &[45, 90]);
        assert_eq!(rules(&v), vec!["team"]);
        assert_eq!(v[0].interval, Some(Interval::new(45, 60)));
        assert_says(&v[0], "outside the hours it is available");
    }

    #[test]
    fn cluster_min_available() {
        let mut b = Builder::new();
        let ws: Vec<usize> = (1..=4).map(|i| b.system(&format!("web-{i}"))).collect();
        b.cluster("web-tier", &ws, 3);
        for (i, &w) in ws.iter().enumerate() {
            b.task(&format!("patch-web-{}", i + 1), &[w], 30);
        }
        assert!(check(&b.inv, &[0, 30, 60, 90]).is_empty());
        // patch-web-2 at 190 (01:10) until 01:40, patch-web-3 at 175 until 01:25... overlap 01:10–01:25.
        let v = check(&b.inv, &[0, 190, 175, 300]);
        assert_eq!(rules(&v), vec!["cluster"]);
        assert_eq!(
            v[0].message,
            "patch-web-2 and patch-web-3 overlap 01:10–01:25 while cluster web-tier allows 1 member down (2 are down)"
        );
        assert_eq!(v[0].interval, Some(Interval::new(190, 205)));
        // Online changes do not count.
        b.inv.tasks[1].outage = false;
        assert!(check(&b.inv, &[0, 190, 175, 300]).is_empty());
    }

    #[test]
    fn zone_max_concurrent_counts_a_task_once() {
        let (mut b, [a, c]) = with_systems(["pci-a", "pci-b"]);
        b.zone("pci", 1, &[a, c]);
        b.task("both", &[a, c], 30);
        b.task("other", &[c], 30);
        assert!(check(&b.inv, &[0, 30]).is_empty());
        let v = check(&b.inv, &[0, 20]);
        // Also overlaps on system pci-b.
        assert_eq!(rules(&v), vec!["system", "zone"]);
        assert_eq!(v[1].interval, Some(Interval::new(20, 30)));
        assert_says(&v[1], "in zone pci");
    }

    #[test]
    fn dr_never_both_down() {
        let (mut b, [p, s1, s2]) = with_systems(["db-a", "db-b1", "db-b2"]);
        let k = b.cluster("db-b", &[s1, s2], 1);
        b.dr(Component::System(p), Component::Cluster(k), None);
        b.task("pa", &[p], 30);
        b.task("pb1", &[s1], 30);
        b.task("pb2", &[s2], 30);
        assert!(check(&b.inv, &[0, 30, 60]).is_empty());
        // Standby cluster counts down while any member is down.
        let v = check(&b.inv, &[0, 60, 20]);
        assert_eq!(rules(&v), vec!["dr"]);
        assert_eq!(v[0].tasks, vec!["pa", "pb2"]);
        assert_eq!(v[0].interval, Some(Interval::new(20, 30)));
    }

    #[test]
    fn dr_order() {
        let (mut b, p, s) = standby_first_pair();
        b.task("pa", &[p], 30);
        b.task("pb", &[s], 30);
        assert!(check(&b.inv, &[30, 0]).is_empty());
        let v = check(&b.inv, &[0, 30]);
        assert_eq!(rules(&v), vec!["dr_order"]);
        assert_eq!(v[0].tasks, vec!["pb", "pa"]);
        b.inv.dr[0].order = Some(DrOrder::PrimaryFirst);
        assert!(check(&b.inv, &[0, 30]).is_empty());
        assert_eq!(rules(&check(&b.inv, &[30, 0])), vec!["dr_order"]);
    }

    #[test]
    fn blackout_scopes() {
        let (mut b, [dwh, web, pci]) = with_systems(["dwh", "web", "card"]);
        b.inv.systems[web].tags = vec!["linux".into()];
        let z = b.zone("pci", 5, &[pci]);
        b.task("t-dwh", &[dwh], 30);
        b.task("t-web", &[web], 30);
        b.task("t-pci", &[pci], 30);
        b.blackout(180, 300, &[dwh], &[], &[]);
        let starts = [170, 170, 170];
        let v = check(&b.inv, &starts);
        assert_eq!(rules(&v), vec!["blackout"]);
        assert_eq!(v[0].tasks, vec!["t-dwh"]);
        assert_eq!(v[0].interval, Some(Interval::new(180, 200)));
        assert_eq!(
            v[0].message,
            "t-dwh runs 01:00–01:20, inside the blackout 01:00–03:00 (nightly ETL)"
        );
        b.inv.blackouts[0].systems.clear();
        b.inv.blackouts[0].zones = vec![z];
        assert_eq!(check(&b.inv, &starts)[0].tasks, vec!["t-pci"]);
        b.inv.blackouts[0].zones.clear();
        b.inv.blackouts[0].tags = vec!["linux".into()];
        assert_eq!(check(&b.inv, &starts)[0].tasks, vec!["t-web"]);
        b.inv.blackouts[0].tags.clear();
        assert_eq!(check(&b.inv, &starts).len(), 3);
        assert!(check(&b.inv, &[0, 60, 300]).is_empty());
    }

    #[test]
    fn task_windows() {
        let (mut b, t) = one_task(30);
        b.inv.tasks[t].windows = Some(vec![Interval::new(0, 60), Interval::new(120, 240)]);
        assert!(check(&b.inv, &[30]).is_empty());
        assert!(check(&b.inv, &[200]).is_empty());
        let v = check(&b.inv, &[45]);
        assert_eq!(rules(&v), vec!["windows"]);
        assert_says(&v[0], "22:00–23:00, 00:00–02:00");
    }

    #[test]
    fn deadline() {
        let (mut b, _) = one_task(30);
        b.inv.window.deadline = Some(60);
        assert!(check(&b.inv, &[30]).is_empty());
        let v = check(&b.inv, &[45]);
        assert_eq!(rules(&v), vec!["deadline"]);
        assert_eq!(
            v[0].message,
            "t ends at 23:15, 15m after the deadline 23:00"
        );
    }

    #[test]
    fn max_downtime() {
        let (mut b, [db, app]) = with_systems(["db", "app"]);
        b.integration(
            "feed",
            Component::System(db),
            Component::System(app),
            crate::inventory::IntegrationMode::Sync,
            0,
        );
        b.task("t", &[db], 30);
        b.task("u", &[app], 30);
        let s = b.service("bank", 10.0, &[Component::System(app)]);
        b.inv.services[s].max_downtime = Some(45);
        assert!(check(&b.inv, &[0, 15]).is_empty()); // down 0..45
        let v = check(&b.inv, &[0, 30]); // down 0..60
        assert_eq!(rules(&v), vec!["max_downtime"]);
        assert_eq!(v[0].tasks, vec!["t", "u"]);
        assert_eq!(
            v[0].message,
            "service bank is down 1h (22:00–23:00), over its max_downtime of 45m"
        );
    }

    #[test]
    fn every_violation_is_reported() {
        let (mut b, _) = two_changes_on("a");
        b.inv.window.deadline = Some(10);
        let v = check(&b.inv, &[-5, 0]);
        assert_eq!(rules(&v), vec!["start", "system", "deadline", "deadline"]);
    }

    #[test]
    fn task_on_both_dr_sides_and_zero_duration() {
        let (mut b, p, s) = standby_first_pair();
        b.task("both", &[p, s], 30);
        b.task("milestone", &[p], 0);
        let v = check(&b.inv, &[0, 10]);
        assert_eq!(rules(&v), vec!["dr", "dr_order"]);
        assert_eq!(v[0].tasks, vec!["both"]);
        assert!(v[0]
            .message
            .contains("takes both primary db-a and standby db-b down"));
        // A zero-length task overlaps nothing.
        b.inv.dr.clear();
        assert!(check(&b.inv, &[0, 10]).is_empty());
    }

    #[test]
    fn conflicts_merge_consecutive_minutes() {
        let (mut b, team) = sharing_one_team("ops", [("a", 40), ("b", 40)]);
        b.inv.teams[team].available = Some(vec![Interval::new(0, 30), Interval::new(30, 60)]);
        // One conflict 10..40 even though an availability boundary lies at 30.
        let v = check(&b.inv, &[0, 10]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].interval, Some(Interval::new(10, 40)));
    }

    /// Minutes covered by the violations of one rule.
    fn minutes_of(v: &[Violation], rule: &str) -> std::collections::BTreeSet<Time> {
        v.iter()
            .filter(|x| x.rule == rule)
            .filter_map(|x| x.interval)
            .flat_map(|i| i.start..i.end)
            .collect()
    }

    /// Cross-checks the interval sweep against a naive minute-by-minute
    /// evaluation of the capacity and DR rules on random small inventories.
    #[test]
    fn sweep_agrees_with_minute_by_minute_oracle() {
        let mut rng = crate::rng::SplitMix64::new(0x9E37_79B9_7F4A_7C15);
        let mut rnd = |n: u64| rng.next_u64() % n.max(1);
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        for _case in 0..300 {
            let mut b = Builder::new();
            let ns = 5;
            let sys: Vec<usize> = (0..ns).map(|i| b.system(&format!("s{i}"))).collect();
            for &x in &sys {
                b.inv.systems[x].parallel_changes = 1 + rnd(2) as u32;
            }
            let k = b.cluster("c", &sys[0..3], 1 + rnd(3) as u32);
            b.zone("z", 1 + rnd(2) as u32, &[sys[2], sys[3], sys[4]]);
            let teams = [b.team("t0", 1 + rnd(2) as u32), b.team("t1", 1)];
            if rnd(2) == 0 {
                let a = rnd(60) as Time;
                b.inv.teams[teams[1]].available = Some(vec![Interval::new(a, a + 40)]);
            }
            b.dr(Component::System(sys[4]), Component::Cluster(k), None);
            let nt = 4 + rnd(5) as usize;
            for t in 0..nt {
                let mut on = vec![sys[rnd(ns as u64) as usize]];
                if rnd(4) == 0 {
                    let other = sys[rnd(ns as u64) as usize];
                    if !on.contains(&other) {
                        on.push(other);
                    }
                }
                let id = b.task(&format!("t{t}"), &on, rnd(40) as Time);
                b.inv.tasks[id].outage = rnd(4) != 0;
                if rnd(2) == 0 {
                    b.needs(id, teams[rnd(2) as usize], 1);
                }
            }
            let starts: Vec<Time> = (0..nt).map(|_| rnd(100) as Time).collect();
            let inv = &b.inv;
            let v = check(inv, &starts);
            let active =
                |t: usize, m: Time| starts[t] <= m && m < starts[t] + inv.tasks[t].duration;
            let mut want: std::collections::BTreeMap<&str, std::collections::BTreeSet<Time>> =
                Default::default();
            for m in 0..150 {
                let act: Vec<usize> = (0..nt).filter(|&t| active(t, m)).collect();
                let on = |t: usize, x: usize| inv.tasks[t].systems.contains(&x);
                for (x, s) in inv.systems.iter().enumerate() {
                    if act.iter().filter(|&&t| on(t, x)).count() as u32 > s.parallel_changes {
                        want.entry("system").or_default().insert(m);
                    }
                }
                for (ti, team) in inv.teams.iter().enumerate() {
                    let cap = match &team.available {
                        Some(w) if !w.iter().any(|i| i.start <= m && m < i.end) => 0,
                        _ => team.capacity,
                    };
                    let used: u32 = act
                        .iter()
                        .flat_map(|&t| inv.tasks[t].needs.iter())
                        .filter(|n| n.0 == ti)
                        .map(|n| n.1)
                        .sum();
                    if used > cap {
                        want.entry("team").or_default().insert(m);
                    }
                }
                let cl = &inv.clusters[0];
                let down = cl
                    .members
                    .iter()
                    .filter(|&&x| act.iter().any(|&t| inv.tasks[t].outage && on(t, x)))
                    .count() as u32;
                if down > cl.max_unavailable() {
                    want.entry("cluster").or_default().insert(m);
                }
                let zn = act
                    .iter()
                    .filter(|&&t| {
                        inv.tasks[t]
                            .systems
                            .iter()
                            .any(|&x| inv.systems[x].zone == Some(0))
                    })
                    .count() as u32;
                if zn > inv.zones[0].max_concurrent {
                    want.entry("zone").or_default().insert(m);
                }
                let p_down = act.iter().any(|&t| inv.tasks[t].outage && on(t, sys[4]));
                let s_down = act
                    .iter()
                    .any(|&t| inv.tasks[t].outage && cl.members.iter().any(|&x| on(t, x)));
                if p_down && s_down {
                    want.entry("dr").or_default().insert(m);
                }
            }
            for x in &v {
                *seen.entry(x.rule.clone()).or_default() += 1;
            }
            for rule in ["system", "team", "cluster", "zone", "dr"] {
                assert_eq!(
                    minutes_of(&v, rule),
                    want.get(rule).cloned().unwrap_or_default(),
                    "rule {rule}, starts {starts:?}, inventory {inv:#?}"
                );
            }
        }
        for rule in ["system", "team", "cluster", "zone", "dr"] {
            assert!(
                seen.get(rule).copied().unwrap_or(0) > 20,
                "{rule} rarely exercised: {seen:?}"
            );
        }
    }
}
