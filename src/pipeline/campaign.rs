//! Planning a format 1.2 campaign by decomposition (DESIGN.md, "Format 1.2",
//! "The campaign solver"): lower bounds on the windows a campaign needs,
//! then, trying the fewest windows first, an assignment of file tasks to
//! windows (domains, `after` from earlier-or-same windows,
//! `later_window_than`, lag chains in one window, an estimate of each
//! window's room), each used window planned with the ordinary pipeline
//! (side by side, rayon), and a window that fails or finds no plan in its
//! time given less room (a cut) before the next round, windows that have a
//! plan keeping their tasks (only the failed windows' tasks, and what must
//! follow them, move). A window whose teams' hours cannot hold its work is
//! refused before any search. The status says
//! what is proven; every window's plan has passed the independent checker
//! (the pipeline's own rule), and the campaign check re-verifies the whole.

use super::plan_inventory;
use crate::base::{Interval, Time};
use crate::error::NoPlan;
use crate::inventory::campaign::{Campaign, CampaignObjective};
use crate::inventory::Inventory;
use crate::plan::campaign::{CampaignPlan, CampaignWindowPlan, Proven, CAMPAIGN_FORMAT};
use crate::plan::{rfc3339, weighted_downtime, Plan};
use crate::solve::SolveOptions;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A planned campaign: the plan, and each used window's inventory (for the
/// reports), in the order of `plan.windows`.
#[derive(Debug, Clone)]
pub struct CampaignResult {
    /// The campaign plan.
    pub plan: CampaignPlan,
    /// Each used window's inventory, in the order of `plan.windows`.
    pub inventories: Vec<Inventory>,
}

/// What bounds and domains say before any window is planned.
#[derive(Debug, Clone)]
pub struct CampaignBounds {
    /// Windows each file task may use: its `windows_allowed`/`in_window`,
    /// less windows it cannot fit alone (too short, its teams' hours, its
    /// `windows:` intervals).
    pub domains: Vec<Vec<usize>>,
    /// No plan uses fewer windows.
    pub windows: usize,
    /// What gives that bound, in words.
    pub windows_why: String,
    /// No plan ends in an earlier window (index).
    pub last_window: usize,
}

/// Per file task: the resolved tasks of it (indices into `whole.tasks`).
fn members_of(c: &Campaign) -> Vec<Vec<usize>> {
    let mut m = vec![Vec::new(); c.tasks.len()];
    for (i, t) in c.whole.tasks.iter().enumerate() {
        if let Some(v) = m.get_mut(t.source) {
            v.push(i);
        }
    }
    m
}

/// A lower bound on how long a file task holds its window: the longest run
/// of one member (its steps back to back) and, for an outage task on a
/// cluster, its members rolled at most `members − min_available` at a time.
/// No window shorter than this can hold it.
fn span_of(c: &Campaign, members: &[usize]) -> Time {
    let mut by_member: HashMap<Option<&str>, Time> = HashMap::new();
    for &r in members {
        let t = &c.whole.tasks[r];
        *by_member.entry(t.member.as_deref()).or_default() += t.duration;
    }
    let longest = by_member.values().copied().max().unwrap_or(0);
    let Some(&first) = members.first() else {
        return longest;
    };
    let source = c.whole.tasks[first].source;
    let cluster = c.file.tasks[source]
        .cluster
        .as_deref()
        .and_then(|id| c.whole.clusters.iter().find(|k| k.id == id));
    let all_outage = members.iter().all(|&r| c.whole.tasks[r].outage);
    match cluster {
        Some(k) if all_outage && by_member.len() > 1 => {
            let shortest = by_member.values().copied().min().unwrap_or(0);
            let at_once = i64::from(k.max_unavailable().max(1));
            let rounds = (by_member.len() as i64 + at_once - 1) / at_once;
            longest.max(rounds * shortest)
        }
        _ => longest,
    }
}

fn overlap(a: Interval, lo: Time, hi: Time) -> Time {
    (a.end.min(hi) - a.start.max(lo)).max(0)
}

/// Minutes of `team` available within [lo, hi).
fn team_minutes(inv: &Inventory, team: usize, lo: Time, hi: Time) -> Time {
    match &inv.teams[team].available {
        None => hi - lo,
        Some(list) => list.iter().map(|&a| overlap(a, lo, hi)).sum(),
    }
}

/// Whether resolved task `r` could run alone in [lo, hi): long enough, its
/// teams' hours and its own `windows:` leave a stretch as long as it.
fn fits_alone(inv: &Inventory, r: usize, lo: Time, hi: Time) -> bool {
    let t = &inv.tasks[r];
    let room = |list: &[Interval]| list.iter().any(|&a| overlap(a, lo, hi) >= t.duration);
    if hi - lo < t.duration {
        return false;
    }
    if let Some(w) = &t.windows {
        if !room(w) {
            return false;
        }
    }
    t.needs.iter().all(|&(k, _)| match &inv.teams[k].available {
        None => true,
        Some(list) => room(list),
    })
}

/// Domains, and the lower bounds on the windows used and on the last one.
pub fn campaign_bounds(c: &Campaign) -> Result<CampaignBounds, NoPlan> {
    let members = members_of(c);
    let mut domains = Vec::with_capacity(c.tasks.len());
    for (i, t) in c.tasks.iter().enumerate() {
        let span = span_of(c, &members[i]);
        let d: Vec<usize> = t
            .domain
            .iter()
            .copied()
            .filter(|&w| {
                let win = &c.windows[w];
                win.length() >= span
                    && members[i]
                        .iter()
                        .all(|&r| fits_alone(&c.whole, r, win.start_minute, win.end_minute))
            })
            .collect();
        if d.is_empty() {
            let allowed: Vec<&str> = t.domain.iter().map(|&w| c.windows[w].id.as_str()).collect();
            return Err(NoPlan::Infeasible(format!(
                "task {} fits in none of the windows it may use ({}): each is shorter than the task, or its teams' hours or its `windows:` leave it no stretch of {} there",
                t.id,
                allowed.join(", "),
                crate::base::fmt_minutes(span)
            )));
        }
        domains.push(d);
    }
    let earliest = c.earliest_windows(&domains).map_err(|e| {
        NoPlan::Infeasible(format!(
            "task {} can be given no window it fits in: the tasks it follows{} put it after every window it can use",
            c.tasks[e.task].id,
            e.because_of.map(|p| format!(" (last: {})", c.tasks[p].id)).unwrap_or_default()
        ))
    })?;
    let last_window = earliest.iter().copied().max().unwrap_or(0);
    // Each team's work and its room per window, once for the proof and the bound.
    let team_rooms: Vec<(i64, Vec<i64>)> = (0..c.whole.teams.len())
        .map(|k| team_work(c, &domains, k))
        .collect();
    for (team, (work, room)) in c.whole.teams.iter().zip(&team_rooms) {
        let (work, all) = (*work, room.iter().sum::<i64>());
        if work > all {
            return Err(NoPlan::Infeasible(format!(
                "team {}'s {} of work is more than its hours in every window its tasks may use ({})",
                team.id,
                crate::base::fmt_minutes(work),
                crate::base::fmt_minutes(all)
            )));
        }
    }
    let (windows, windows_why) = windows_bound(c, &members, &domains, &team_rooms);
    Ok(CampaignBounds {
        domains,
        windows,
        windows_why,
        last_window,
    })
}

/// The largest of: domains no window shares (each needs its own window),
/// chains of `after` and `later_window_than` that no one window can hold,
/// and each team's work against the most the windows can give it.
fn windows_bound(
    c: &Campaign,
    members: &[Vec<usize>],
    domains: &[Vec<usize>],
    team_rooms: &[(i64, Vec<i64>)],
) -> (usize, String) {
    let mut best = (
        usize::from(!c.tasks.is_empty()),
        "a task to run".to_string(),
    );
    // Disjoint domains, smallest first.
    let mut order: Vec<usize> = (0..domains.len()).collect();
    order.sort_by_key(|&i| domains[i].len());
    let mut taken = vec![false; c.windows.len()];
    let mut disjoint = 0;
    for &i in &order {
        if domains[i].iter().all(|&w| !taken[w]) {
            disjoint += 1;
            for &w in &domains[i] {
                taken[w] = true;
            }
        }
    }
    if disjoint > best.0 {
        best = (
            disjoint,
            format!("{disjoint} tasks whose allowed windows share none"),
        );
    }
    let chain = chain_bound(c, members);
    if chain.0 > best.0 {
        best = chain;
    }
    let covering = super::campaign_bounds::covering_bound(c, domains, team_rooms);
    if covering.0 > best.0 {
        best = covering;
    }
    // Team work against the most generous hours of the windows its tasks may use.
    for (team, (work, room)) in c.whole.teams.iter().zip(team_rooms) {
        let work = *work;
        if work == 0 {
            continue;
        }
        let mut sum = 0;
        let mut need = room.len() + 1;
        for (m, r) in room.iter().enumerate() {
            sum += r;
            if sum >= work {
                need = m + 1;
                break;
            }
        }
        if need > best.0 {
            best = (
                need,
                format!(
                    "team {}'s {} of work, more than {} windows of its hours hold",
                    team.id,
                    crate::base::fmt_minutes(work),
                    need - 1
                ),
            );
        }
    }
    best
}

/// Team `k`'s work (minutes × amount) and what each window its tasks may
/// use can give it (capacity × available minutes), most first.
fn team_work(c: &Campaign, domains: &[Vec<usize>], k: usize) -> (i64, Vec<i64>) {
    let mut work = 0;
    let mut usable = vec![false; c.windows.len()];
    for t in &c.whole.tasks {
        for n in t.needs.iter().filter(|n| n.0 == k) {
            work += t.duration * i64::from(n.1);
            for &w in &domains[t.source] {
                usable[w] = true;
            }
        }
    }
    let cap = i64::from(c.whole.teams[k].capacity);
    let mut room: Vec<i64> = c
        .windows
        .iter()
        .enumerate()
        .filter(|(w, _)| usable[*w])
        .map(|(_, w)| team_minutes(&c.whole, k, w.start_minute, w.end_minute) * cap)
        .collect();
    room.sort_unstable_by(|a, b| b.cmp(a));
    (work, room)
}

/// Along every chain of `after` (and `later_window_than`, which starts a
/// new window), the fewest windows that hold it, each window at most the
/// longest window's length: tasks of one chain in one window run one after
/// the other, so the window is at least their durations and lags.
fn chain_bound(c: &Campaign, members: &[Vec<usize>]) -> (usize, String) {
    let n = c.tasks.len();
    let cap = c.windows.iter().map(|w| w.length()).max().unwrap_or(0);
    let spans: Vec<Time> = (0..n).map(|i| span_of(c, &members[i])).collect();
    let lag = lags_of(c);
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<(usize, bool)>> = vec![Vec::new(); n];
    for (i, t) in c.tasks.iter().enumerate() {
        for &p in &t.after {
            succ[p].push((i, false));
            indeg[i] += 1;
        }
        for &p in &t.later_than {
            succ[p].push((i, true));
            indeg[i] += 1;
        }
    }
    let mut state: Vec<(usize, Time)> = (0..n).map(|i| (1, spans[i])).collect();
    let mut stack: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut best = (0, String::new());
    while let Some(p) = stack.pop() {
        let (k, f) = state[p];
        if k > best.0 {
            best = (
                k,
                format!(
                    "a chain of tasks ending with {} that no {} windows can hold",
                    c.tasks[p].id,
                    k - 1
                ),
            );
        }
        for &(s, later) in &succ[p] {
            let d = spans[s];
            let next = if later {
                (k + 1, d)
            } else {
                let l = lag.get(&(p, s)).copied().unwrap_or(0);
                let f2 = (f + l + d).max(d);
                if f2 <= cap {
                    (k, f2)
                } else {
                    (k + 1, d)
                }
            };
            if next > state[s] {
                state[s] = next;
            }
            indeg[s] -= 1;
            if indeg[s] == 0 {
                stack.push(s);
            }
        }
    }
    best
}

/// Least lag between file tasks (conservative: the smallest of their
/// resolved entries).
fn lags_of(c: &Campaign) -> HashMap<(usize, usize), Time> {
    let mut lag: HashMap<(usize, usize), Time> = HashMap::new();
    for t in &c.whole.tasks {
        for a in &t.after {
            let p = c.whole.tasks[a.task].source;
            if p != t.source {
                let e = lag.entry((p, t.source)).or_insert(a.lag);
                *e = (*e).min(a.lag);
            }
        }
    }
    lag
}

// A unit of assignment: file tasks that share one window (lag chains).
use crate::inventory::campaign::LagUnits as Units;

/// What one window can take, estimated: team-minutes per team, system
/// minutes per system, and its length for chains.
struct Room {
    team: Vec<Vec<f64>>,
    system: Vec<Vec<f64>>,
    /// Per window, zone-minutes per zone with a `max_concurrent`.
    zone: Vec<Vec<f64>>,
    /// Per file task, its longest run of one member.
    spans: Vec<Time>,
    /// Least lag between file tasks.
    lags: HashMap<(usize, usize), Time>,
    /// Per file task and window, the earliest minute from the window's
    /// start its `windows:` and its teams' hours let it start.
    release: Vec<Vec<Time>>,
}

/// The earliest minute after `lo` at which resolved task `r` may start in
/// [lo, hi): the first stretch of its `windows:` and of each team's hours
/// long enough for it (0 when none is given).
fn release_of(inv: &Inventory, r: usize, lo: Time, hi: Time) -> Time {
    let t = &inv.tasks[r];
    let first = |list: &[Interval]| -> Time {
        list.iter()
            .find(|&&a| overlap(a, lo, hi) >= t.duration)
            .map_or(0, |a| (a.start - lo).max(0))
    };
    let mut at = t.windows.as_deref().map_or(0, first);
    for &(k, _) in &t.needs {
        if let Some(list) = &inv.teams[k].available {
            at = at.max(first(list));
        }
    }
    at
}

fn room(c: &Campaign) -> Room {
    let inv = &c.whole;
    let team = c
        .windows
        .iter()
        .map(|w| {
            (0..inv.teams.len())
                .map(|k| {
                    (team_minutes(inv, k, w.start_minute, w.end_minute)
                        * i64::from(inv.teams[k].capacity)) as f64
                })
                .collect()
        })
        .collect();
    let system = c
        .windows
        .iter()
        .map(|w| {
            inv.systems
                .iter()
                .map(|s| (w.length() * i64::from(s.parallel_changes)) as f64)
                .collect()
        })
        .collect();
    let zone = c
        .windows
        .iter()
        .map(|w| {
            inv.zones
                .iter()
                .map(|z| (w.length() as f64) * f64::from(z.max_concurrent.min(1_000_000)))
                .collect()
        })
        .collect();
    let members = members_of(c);
    let spans = (0..c.tasks.len())
        .map(|i| span_of(c, &members[i]))
        .collect();
    let release = members
        .iter()
        .map(|rs| {
            c.windows
                .iter()
                .map(|w| {
                    rs.iter()
                        .map(|&r| release_of(inv, r, w.start_minute, w.end_minute))
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    Room {
        team,
        system,
        zone,
        spans,
        lags: lags_of(c),
        release,
    }
}

/// What one unit takes from its window, estimated: team-minutes per team,
/// minutes per system, zone-minutes per zone.
struct Need {
    team: Vec<f64>,
    system: Vec<f64>,
    zone: Vec<f64>,
}

fn need_of(c: &Campaign, members: &[Vec<usize>], tasks: &[usize]) -> Need {
    let inv = &c.whole;
    let mut n = Need {
        team: vec![0.0; inv.teams.len()],
        system: vec![0.0; inv.systems.len()],
        zone: vec![0.0; inv.zones.len()],
    };
    for &t in tasks {
        for &r in &members[t] {
            let task = &inv.tasks[r];
            if !task.read_only {
                let mut zones: Vec<usize> = task
                    .systems
                    .iter()
                    .filter_map(|&s| inv.systems[s].zone)
                    .collect();
                zones.sort_unstable();
                zones.dedup();
                for z in zones {
                    n.zone[z] += task.duration as f64;
                }
            }
            for &(k, a) in &task.needs {
                n.team[k] += (task.duration * i64::from(a)) as f64;
            }
            for &s in &task.systems {
                n.system[s] += task.duration as f64;
            }
        }
    }
    n
}

/// Estimated load of each window: team-, system-, zone-minutes.
struct Load {
    team: Vec<Vec<f64>>,
    system: Vec<Vec<f64>>,
    zone: Vec<Vec<f64>>,
}

impl Load {
    fn add(&mut self, w: usize, n: &Need, sign: f64) {
        for (x, v) in self.team[w].iter_mut().zip(&n.team) {
            *x += sign * v;
        }
        for (x, v) in self.system[w].iter_mut().zip(&n.system) {
            *x += sign * v;
        }
        for (x, v) in self.zone[w].iter_mut().zip(&n.zone) {
            *x += sign * v;
        }
    }
}

/// The window every task of `unit` is pinned to, when they all are to one.
fn pin_of(u: &Units, unit: usize, pinned: &[Option<usize>]) -> Option<usize> {
    let first = pinned[*u.members[unit].first()?]?;
    u.members[unit]
        .iter()
        .all(|&t| pinned[t] == Some(first))
        .then_some(first)
}

/// Assigns every file task to a window among `open`, in dependency order.
/// A unit pinned to a window (`pinned`: the windows that had a plan last
/// round) stays there unless the order rules push it later; any other unit
/// goes to the first open window that has room (scaled by `slack[w]`),
/// windows without pinned tasks first (so a window that has a plan keeps
/// it), else the one least over; `None` when the order rules leave a unit
/// no open window.
#[allow(clippy::too_many_arguments)]
fn assign(
    c: &Campaign,
    b: &CampaignBounds,
    u: &Units,
    order: &[usize],
    open: &[bool],
    slack: &[f64],
    room: &Room,
    pinned: &[Option<usize>],
) -> Option<Vec<usize>> {
    let inv = &c.whole;
    let members = members_of(c);
    let mut at: Vec<Option<usize>> = vec![None; c.tasks.len()];
    let mut load = Load {
        team: vec![vec![0.0f64; inv.teams.len()]; c.windows.len()],
        system: vec![vec![0.0f64; inv.systems.len()]; c.windows.len()],
        zone: vec![vec![0.0f64; inv.zones.len()]; c.windows.len()],
    };
    let needs: Vec<Need> = (0..u.members.len())
        .map(|unit| need_of(c, &members, &u.members[unit]))
        .collect();
    let pins: Vec<Option<usize>> = (0..u.members.len())
        .map(|unit| pin_of(u, unit, pinned).filter(|&w| open[w]))
        .collect();
    let mut frozen = vec![false; c.windows.len()];
    // Pinned units hold their room from the start.
    for (unit, p) in pins.iter().enumerate() {
        if let Some(w) = *p {
            load.add(w, &needs[unit], 1.0);
            frozen[w] = true;
        }
    }
    // Units that only one open window can take hold their room there from
    // the start too, so that units with a choice go elsewhere first.
    let only = only_windows(b, u, open, &pins);
    for (unit, o) in only.iter().enumerate() {
        if let Some(w) = *o {
            load.add(w, &needs[unit], 1.0);
        }
    }
    // Estimated end of each task in its window, along its chains.
    let mut end_est: Vec<Time> = vec![0; c.tasks.len()];
    for &unit in order {
        let tasks = &u.members[unit];
        let mut lo = 0;
        let mut dom: Vec<usize> = (0..c.windows.len()).filter(|&w| open[w]).collect();
        for &t in tasks {
            dom.retain(|w| b.domains[t].contains(w));
            for &p in &c.tasks[t].after {
                if u.of[p] != unit {
                    lo = lo.max(at[p]?);
                }
            }
            for &p in &c.tasks[t].later_than {
                lo = lo.max(at[p]? + 1);
            }
        }
        dom.retain(|&w| w >= lo);
        if dom.is_empty() {
            return None;
        }
        let need = &needs[unit];
        if let Some(w) = only[unit] {
            // Its room is already held; the order rules may leave it none.
            if !dom.contains(&w) {
                return None;
            }
            let end = chain_end_in(c, u, room, &at, &end_est, unit, w);
            for &t in tasks {
                at[t] = Some(w);
                end_est[t] = end;
            }
            continue;
        }
        if let Some(p) = pins[unit] {
            if dom.contains(&p) {
                let end = chain_end_in(c, u, room, &at, &end_est, unit, p);
                for &t in tasks {
                    at[t] = Some(p);
                    end_est[t] = end;
                }
                continue;
            }
            // Pushed out of its window by a task that moved: it moves too.
            load.add(p, need, -1.0);
        }
        let chain_end = |w: usize| chain_end_in(c, u, room, &at, &end_est, unit, w);
        let over = |w: usize| -> f64 {
            let mut worst =
                chain_end(w) as f64 / (c.windows[w].length() as f64 * slack[w]).max(1.0);
            for (k, &n) in need.team.iter().enumerate().filter(|x| *x.1 > 0.0) {
                worst = worst.max((load.team[w][k] + n) / (room.team[w][k] * slack[w]).max(1.0));
            }
            for (s, &n) in need.system.iter().enumerate().filter(|x| *x.1 > 0.0) {
                worst =
                    worst.max((load.system[w][s] + n) / (room.system[w][s] * slack[w]).max(1.0));
            }
            for (z, &n) in need.zone.iter().enumerate().filter(|x| *x.1 > 0.0) {
                worst = worst.max((load.zone[w][z] + n) / (room.zone[w][z] * slack[w]).max(1.0));
            }
            worst
        };
        let fits = |w: &usize| over(*w) <= 1.0;
        // Past the estimate, never past a team's hours × capacity (which
        // the window's precheck would refuse at once): no such window
        // means this many windows take no more under this assignment.
        let team_holds = |w: &usize| {
            need.team
                .iter()
                .enumerate()
                .all(|(k, &n)| n <= 0.0 || load.team[*w][k] + n <= room.team[*w][k])
        };
        let least_over = |thawed: bool| {
            dom.iter()
                .copied()
                .filter(|&w| frozen[w] != thawed && team_holds(&w))
                .min_by(|&a, &b| over(a).total_cmp(&over(b)))
        };
        let w = dom
            .iter()
            .copied()
            .filter(|&w| !frozen[w])
            .find(|w| fits(w))
            .or_else(|| dom.iter().copied().filter(|&w| frozen[w]).find(|w| fits(w)))
            .or_else(|| least_over(true))
            .or_else(|| least_over(false));
        // No window holds it within its teams' hours: move units placed
        // there to earlier windows to make room, else give up.
        let fixed = |v: usize| only[v].is_some();
        let w = match w {
            Some(w) => w,
            None => make_room(
                c, b, u, open, &needs, &mut load, &mut at, room, &fixed, unit, &dom,
            )?,
        };
        load.add(w, need, 1.0);
        let end = chain_end_in(c, u, room, &at, &end_est, unit, w);
        for &t in tasks {
            at[t] = Some(w);
            end_est[t] = end;
        }
    }
    at.into_iter().collect()
}

/// Per unit not pinned, the one open window its domain allows, when it
/// allows only one.
fn only_windows(
    b: &CampaignBounds,
    u: &Units,
    open: &[bool],
    pins: &[Option<usize>],
) -> Vec<Option<usize>> {
    (0..u.members.len())
        .map(|unit| {
            let mut d: Vec<usize> = (0..open.len()).filter(|&w| open[w]).collect();
            for &t in &u.members[unit] {
                d.retain(|w| b.domains[t].contains(w));
            }
            (pins[unit].is_none() && d.len() == 1).then(|| d[0])
        })
        .collect()
}

/// Makes room for `unit` in a window of `dom` within its teams' hours by
/// moving units already placed there (not `fixed`) to an earlier open
/// window their domains, the windows of the tasks they follow and the
/// teams' hours allow. Moving a unit earlier keeps every rule of the order
/// (what follows it stays at or after it). The window, or `None`.
#[allow(clippy::too_many_arguments)]
fn make_room(
    c: &Campaign,
    b: &CampaignBounds,
    u: &Units,
    open: &[bool],
    needs: &[Need],
    load: &mut Load,
    at: &mut [Option<usize>],
    room: &Room,
    fixed: &dyn Fn(usize) -> bool,
    unit: usize,
    dom: &[usize],
) -> Option<usize> {
    let teams = c.whole.teams.len();
    let need = &needs[unit];
    let holds = |load: &Load, w: usize, n: &Need| {
        (0..teams).all(|k| n.team[k] <= 0.0 || load.team[w][k] + n.team[k] <= room.team[w][k])
    };
    for &w in dom {
        if (0..teams).any(|k| need.team[k] > room.team[w][k]) {
            continue;
        }
        let placed: Vec<usize> = (0..u.members.len())
            .filter(|&v| v != unit && !fixed(v) && at[u.members[v][0]] == Some(w))
            .collect();
        for v in placed {
            if holds(load, w, need) {
                break;
            }
            let short = (0..teams).any(|k| {
                needs[v].team[k] > 0.0
                    && need.team[k] > 0.0
                    && load.team[w][k] + need.team[k] > room.team[w][k]
            });
            if !short {
                continue;
            }
            let mut lo = 0;
            for &t in &u.members[v] {
                for &p in &c.tasks[t].after {
                    if u.of[p] != v {
                        lo = lo.max(at[p].unwrap_or(w));
                    }
                }
                for &p in &c.tasks[t].later_than {
                    lo = lo.max(at[p].map_or(w, |x| x + 1));
                }
            }
            let target = (lo..w).find(|&x| {
                open[x]
                    && u.members[v].iter().all(|&t| b.domains[t].contains(&x))
                    && holds(load, x, &needs[v])
            });
            if let Some(x) = target {
                load.add(w, &needs[v], -1.0);
                load.add(x, &needs[v], 1.0);
                for &t in &u.members[v] {
                    at[t] = Some(x);
                }
            }
        }
        if holds(load, w, need) {
            return Some(w);
        }
    }
    None
}

/// Estimated end of `unit`'s chain in window `w`: its latest release, after
/// the estimated ends of its predecessors placed in `w` (and their lags),
/// plus its spans back to back.
fn chain_end_in(
    c: &Campaign,
    u: &Units,
    room: &Room,
    at: &[Option<usize>],
    end_est: &[Time],
    unit: usize,
    w: usize,
) -> Time {
    let tasks = &u.members[unit];
    let mut start = tasks.iter().map(|&t| room.release[t][w]).max().unwrap_or(0);
    for &t in tasks {
        for &p in &c.tasks[t].after {
            if u.of[p] != unit && at[p] == Some(w) {
                let l = room.lags.get(&(p, t)).copied().unwrap_or(0).max(0);
                start = start.max(end_est[p] + l);
            }
        }
    }
    start + tasks.iter().map(|&t| room.spans[t]).sum::<Time>()
}

/// Units in dependency order (`after`, `later_window_than` between units).
fn unit_order(c: &Campaign, u: &Units) -> Vec<usize> {
    let n = u.members.len();
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in c.tasks.iter().enumerate() {
        for &p in t.after.iter().chain(&t.later_than) {
            let (a, b) = (u.of[p], u.of[i]);
            if a != b {
                succ[a].push(b);
                indeg[b] += 1;
            }
        }
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(x) = ready.pop_first() {
        out.push(x);
        for &s in &succ[x] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                ready.insert(s);
            }
        }
    }
    out
}

/// The windows to open for a try with `k` windows: those some unit can use
/// only there, then for each unit none of whose windows is open the window
/// most such units can use, then the earliest others; `None` when that
/// takes more than `k`.
fn open_windows(c: &Campaign, b: &CampaignBounds, u: &Units, k: usize) -> Option<Vec<bool>> {
    let nw = c.windows.len();
    let mut open = vec![false; nw];
    let dom_of = |unit: usize| -> Vec<usize> {
        let mut d: Vec<usize> = (0..nw).collect();
        for &t in &u.members[unit] {
            d.retain(|w| b.domains[t].contains(w));
        }
        d
    };
    let doms: Vec<Vec<usize>> = (0..u.members.len()).map(dom_of).collect();
    loop {
        let unhit: Vec<&Vec<usize>> = doms
            .iter()
            .filter(|d| d.iter().all(|&w| !open[w]))
            .collect();
        if unhit.is_empty() {
            break;
        }
        let mut count = vec![0usize; nw];
        for d in &unhit {
            for &w in d.iter() {
                count[w] += 1;
            }
        }
        let w = (0..nw).max_by_key(|&w| (count[w], std::cmp::Reverse(w)))?;
        if count[w] == 0 {
            return None;
        }
        open[w] = true;
    }
    let mut used = open.iter().filter(|&&o| o).count();
    for o in open.iter_mut() {
        if used >= k {
            break;
        }
        if !*o {
            *o = true;
            used += 1;
        }
    }
    (used <= k).then_some(open)
}

/// Rounds of cuts tried with one number of windows.
const ROUNDS: usize = 16;

/// Each window's search time in a round: the time left spread over the
/// windows to solve (`todo`, `threads` at a time) so that the round takes
/// at most half of it, the other half kept for the re-tries after a cut.
fn window_budget(left: Duration, threads: usize, todo: usize) -> Duration {
    let batches = todo.div_ceil(threads.max(1)).max(1);
    (left / 2) / u32::try_from(batches).unwrap_or(u32::MAX)
}

/// A window's inventory whose work cannot fit, found in microseconds before
/// any search: a team whose work (minutes × amount) is more than its
/// capacity × its hours before the deadline. `None`: no such proof (the
/// search decides).
pub fn overfull(inv: &Inventory) -> Option<String> {
    let end = inv.window.deadline?;
    let mut work = vec![0i64; inv.teams.len()];
    for t in &inv.tasks {
        for &(k, a) in &t.needs {
            work[k] += t.duration * i64::from(a);
        }
    }
    inv.teams.iter().enumerate().find_map(|(k, team)| {
        let room = team_minutes(inv, k, 0, end) * i64::from(team.capacity);
        (work[k] > room).then(|| {
            format!(
                "team {}'s {} of work is more than its hours before the deadline hold ({})",
                team.id,
                crate::base::fmt_minutes(work[k]),
                crate::base::fmt_minutes(room)
            )
        })
    })
}

/// Plans a campaign within `opts.time_limit` overall: the bounds, then,
/// when the campaign is small, the one-problem solve
/// ([`super::campaign_whole`]: its proofs raise the bounds, its plan's
/// assignment is planned window by window), then the decomposition for
/// what is left (each window's own search gets a share; windows are
/// planned side by side). The better of the two plans is returned.
pub fn plan_campaign(c: &Campaign, opts: &SolveOptions) -> Result<CampaignResult, NoPlan> {
    let began = Instant::now();
    let mut b = campaign_bounds(c)?;
    refuse_past_windows(c, &b)?;
    let threads = opts.worker_threads().max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok();
    let mut cache: WindowCache = HashMap::new();
    let mut whole_plan = None;
    let mut decompose_opts = opts.clone();
    let refuted = |only: &Campaign, k: usize| campaign_bounds(only).map_or(true, |x| x.windows > k);
    let known = super::campaign_whole::Known {
        domains: &b.domains,
        windows: b.windows,
        last_window: b.last_window,
        refuted: &refuted,
    };
    if let Some(w) = super::campaign_whole::solve_whole(c, &known, opts, began) {
        if w.windows > b.windows {
            (b.windows, b.windows_why) = (w.windows, w.why.clone());
        }
        if w.last_window > b.last_window {
            b.last_window = w.last_window;
        }
        if b.last_window >= c.windows.len() {
            return Err(NoPlan::Infeasible(w.why));
        }
        refuse_past_windows(c, &b)?;
        if let Some(at) = &w.assignment {
            let groups = groups_of(at);
            let left = opts.time_limit.saturating_sub(began.elapsed());
            let per = window_budget(left, threads, groups.len());
            solve_groups(c, &groups, &mut cache, per, opts, pool.as_ref());
            if groups.iter().all(|g| cache[g].is_ok()) {
                let r = build(c, &b, &groups, &cache, w.notes.clone());
                // Checked as a whole here too: a plan the check refuses is
                // not used (the decomposition runs instead).
                if !crate::check::campaign::check_campaign(c, &r.plan).is_empty() {
                    return decompose(c, &b, opts, began, &mut cache, pool.as_ref());
                }
                // Even with its first key proven, the decomposition may
                // find less downtime or length (the one problem takes its
                // first plan): both are planned and the better is kept, the
                // decomposition then given at most as long again (≥ 1 s).
                let first_proven = match c.objective.first() {
                    Some(CampaignObjective::LastWindow) => r.plan.proven.last_window,
                    _ => r.plan.proven.windows,
                };
                if first_proven {
                    let spent = began.elapsed();
                    let cap = spent + spent.max(std::time::Duration::from_secs(1));
                    decompose_opts.time_limit = decompose_opts.time_limit.min(cap);
                }
                whole_plan = Some(r);
            }
        }
    }
    let better = |r: CampaignResult, w: CampaignResult| {
        if objective_key(c, &w) <= objective_key(c, &r) {
            w
        } else {
            r
        }
    };
    match (
        decompose(c, &b, &decompose_opts, began, &mut cache, pool.as_ref()),
        whole_plan,
    ) {
        (Ok(r), Some(w)) => Ok(better(r, w)),
        (Ok(r), None) => Ok(r),
        (Err(_), Some(w)) => Ok(w),
        (Err(e), None) => Err(e),
    }
}

/// A campaign plan's objective values in the order of the campaign's
/// objective (lexicographic: smaller is better); downtime in thousandths.
fn objective_key(c: &Campaign, r: &CampaignResult) -> Vec<i64> {
    let p = &r.plan;
    c.objective
        .iter()
        .map(|k| match k {
            CampaignObjective::Windows => p.windows_used as i64,
            CampaignObjective::LastWindow => p
                .windows
                .last()
                .and_then(|v| c.window_index(&v.id))
                .map_or(i64::MAX, |x| x as i64),
            CampaignObjective::Downtime => (p.downtime_weighted * 1000.0).round() as i64,
            CampaignObjective::Length => p.length_minutes_total,
        })
        .collect()
}

/// A proof of no plan when the bound needs more windows than the campaign has.
fn refuse_past_windows(c: &Campaign, b: &CampaignBounds) -> Result<(), NoPlan> {
    if b.windows > c.windows.len() {
        return Err(NoPlan::Infeasible(format!(
            "the campaign needs at least {} windows ({}), but it has {}",
            b.windows,
            b.windows_why,
            c.windows.len()
        )));
    }
    Ok(())
}

/// An assignment (window per file task) as (window, its file tasks), by window.
fn groups_of(at: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (t, &w) in at.iter().enumerate() {
        groups.entry(w).or_default().push(t);
    }
    groups.into_iter().collect()
}

/// Plans every (window, tasks) of `groups` not yet in `cache`, side by
/// side, each within `per`, and caches the plan (with the window's
/// inventory) or why it failed.
fn solve_groups(
    c: &Campaign,
    groups: &[(usize, Vec<usize>)],
    cache: &mut WindowCache,
    per: Duration,
    opts: &SolveOptions,
    pool: Option<&rayon::ThreadPool>,
) {
    let todo: Vec<&(usize, Vec<usize>)> =
        groups.iter().filter(|g| !cache.contains_key(*g)).collect();
    let solve_one = |(w, members): &&(usize, Vec<usize>)| {
        let r = match c.window_inventory(*w, members) {
            Err(e) => Err(format!(
                "window {}: {}",
                c.windows[*w].id,
                e.diagnostics
                    .first()
                    .map_or(String::new(), |d| d.message.clone())
            )),
            Ok(inv) => match overfull(&inv) {
                Some(why) => Err(format!("window {}: {why}", c.windows[*w].id)),
                None => {
                    let o = SolveOptions {
                        time_limit: per,
                        threads: 1,
                        progress: None,
                        ..opts.clone()
                    };
                    plan_inventory(&inv, &o)
                        .map(|plan| (plan, inv))
                        .map_err(|e| {
                            let (NoPlan::Infeasible(why) | NoPlan::NotFound(why)) = e;
                            format!("window {}: {why}", c.windows[*w].id)
                        })
                }
            },
        };
        ((*w, members.clone()), r)
    };
    let solved: Vec<_> = match pool {
        Some(p) => p.install(|| todo.par_iter().map(solve_one).collect()),
        None => todo.iter().map(solve_one).collect(),
    };
    cache.extend(solved);
}

/// The decomposition: for k = bound, bound + 1, …, open k windows, assign,
/// plan each used window, cut the failed ones and repeat (DESIGN.md, row
/// "solver (decomposition)").
fn decompose(
    c: &Campaign,
    b: &CampaignBounds,
    opts: &SolveOptions,
    began: Instant,
    cache: &mut WindowCache,
    pool: Option<&rayon::ThreadPool>,
) -> Result<CampaignResult, NoPlan> {
    let u = c.lag_units();
    let order = unit_order(c, &u);
    let room = room(c);
    let threads = opts.worker_threads().max(1);
    let by_last = c.objective.first() == Some(&CampaignObjective::LastWindow);
    let mut notes = Vec::new();
    let tries: Vec<usize> = if by_last {
        (b.last_window + 1..=c.windows.len()).collect()
    } else {
        (b.windows..=c.windows.len()).collect()
    };
    let mut last_reason = String::from("no assignment was tried");
    // Windows whose plan was found keep their tasks across cuts (and when
    // one more window is opened).
    let mut pinned: Vec<Option<usize>> = vec![None; c.tasks.len()];
    for k in tries {
        let open = if by_last {
            let mut o = vec![false; c.windows.len()];
            o[..k].iter_mut().for_each(|x| *x = true);
            Some(o)
        } else {
            open_windows(c, b, &u, k)
        };
        let Some(open) = open else { continue };
        let mut slack = vec![0.8f64; c.windows.len()];
        for round in 0..ROUNDS {
            let left = opts.time_limit.saturating_sub(began.elapsed());
            if left < Duration::from_millis(50) || opts.stop_requested() {
                return Err(NoPlan::NotFound(format!(
                    "no campaign plan found within the time limit ({last_reason})"
                )));
            }
            let Some(at) = assign(c, b, &u, &order, &open, &slack, &room, &pinned) else {
                last_reason =
                    format!("the order of the tasks leaves some task no window among {k}");
                break;
            };
            let groups = groups_of(&at);
            let todo = groups.iter().filter(|g| !cache.contains_key(*g)).count();
            let per = window_budget(left, threads, todo);
            solve_groups(c, &groups, cache, per, opts, pool);
            let failed: Vec<usize> = groups
                .iter()
                .filter(|g| cache[*g].is_err())
                .map(|g| g.0)
                .collect();
            if failed.is_empty() {
                if round > 0 {
                    notes.push(format!(
                        "found in round {} with {k} windows open, after {} cut(s)",
                        round + 1,
                        round
                    ));
                }
                return Ok(build(c, b, &groups, cache, notes));
            }
            last_reason = failed
                .iter()
                .filter_map(|w| {
                    groups
                        .iter()
                        .find(|g| g.0 == *w)
                        .and_then(|g| cache[g].as_ref().err().cloned())
                })
                .next()
                .unwrap_or_default();
            for &w in &failed {
                slack[w] *= 0.85;
            }
            pinned = at
                .iter()
                .map(|&w| (!failed.contains(&w)).then_some(w))
                .collect();
        }
    }
    Err(NoPlan::NotFound(format!(
        "no campaign plan found ({last_reason})"
    )))
}

/// Each (window, its tasks) planned: the plan and the window's inventory,
/// or why it failed.
type WindowCache = HashMap<(usize, Vec<usize>), Result<(Plan, Inventory), String>>;

/// The campaign plan of an assignment whose every window was planned.
fn build(
    c: &Campaign,
    b: &CampaignBounds,
    groups: &[(usize, Vec<usize>)],
    cache: &WindowCache,
    notes: Vec<String>,
) -> CampaignResult {
    let mut assignment = BTreeMap::new();
    let mut windows = Vec::new();
    let mut inventories = Vec::new();
    let mut downtime = 0.0;
    let mut length = 0;
    let mut each_optimal = true;
    for g in groups {
        let (w, members) = g;
        let Ok((plan, inv)) = &cache[g] else {
            continue;
        };
        for &t in members {
            assignment.insert(c.tasks[t].id.clone(), c.windows[*w].id.clone());
        }
        downtime += weighted_downtime(inv, plan);
        length += plan.length_minutes;
        each_optimal &= plan.status == "optimal";
        let deadline = inv.window.deadline.unwrap_or(0);
        windows.push(CampaignWindowPlan {
            id: c.windows[*w].id.clone(),
            start: rfc3339(&inv.window, 0),
            deadline: rfc3339(&inv.window, deadline),
            plan: plan.clone(),
            replan: None,
        });
        inventories.push(inv.clone());
    }
    let mut window_of = vec![None; c.tasks.len()];
    for (w, members) in groups {
        for &t in members {
            window_of[t] = Some(*w);
        }
    }
    for inv in &mut inventories {
        c.place_contracts(inv, &window_of);
    }
    let used: Vec<usize> = groups.iter().map(|g| g.0).collect();
    let last = used.iter().copied().max().unwrap_or(0);
    let forced = b.domains.iter().all(|d| d.len() == 1);
    let proven = Proven {
        windows: used.len() <= b.windows,
        last_window: last <= b.last_window,
        each_window_optimal: each_optimal,
        downtime: downtime <= 0.0,
        length: forced && each_optimal,
    };
    let all = c.objective.iter().all(|o| match o {
        CampaignObjective::Windows => proven.windows,
        CampaignObjective::LastWindow => proven.last_window,
        CampaignObjective::Downtime => proven.downtime,
        CampaignObjective::Length => proven.length,
    });
    CampaignResult {
        plan: CampaignPlan {
            format: CAMPAIGN_FORMAT.into(),
            status: if all { "optimal" } else { "feasible" }.into(),
            objective: c.objective.iter().map(|o| o.name().to_string()).collect(),
            windows_used: used.len(),
            windows_lower_bound: b.windows,
            last_window_lower_bound: c.windows.get(b.last_window).map(|w| w.id.clone()),
            proven,
            downtime_weighted: downtime,
            length_minutes_total: length,
            assignment,
            windows,
            windows_free: (0..c.windows.len())
                .filter(|w| !used.contains(w))
                .map(|w| c.windows[w].id.clone())
                .collect(),
            notes,
        },
        inventories,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::campaign::load_campaign_str;
    use crate::inventory::{Format, Limits};

    /// `n` one-hour tasks for one engineer, three 4 h windows.
    fn hours(n: usize) -> Campaign {
        let mut text = String::from(
            "campaign:\n  timezone: UTC\n  windows:\n    - { every: 7d, first: 2026-12-05T22:00, length: 4h, count: 3 }\nteams: [{ id: ops, capacity: 1 }]\nsystems:\n",
        );
        for i in 0..n {
            text.push_str(&format!("  - {{ id: s{i} }}\n"));
        }
        text.push_str("tasks:\n");
        for i in 0..n {
            text.push_str(&format!(
                "  - {{ id: t{i}, system: s{i}, duration: 1h, team: ops, outage: false }}\n"
            ));
        }
        load_campaign_str(&text, Format::Yaml, "hours.yaml", &Limits::default())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn pinned_tasks_keep_their_window_and_moved_ones_go_to_unpinned_windows() {
        let c = hours(4);
        let b = campaign_bounds(&c).unwrap();
        let u = c.lag_units();
        let order = unit_order(&c, &u);
        let r = room(&c);
        let open = vec![true; 3];
        let slack = vec![0.8; 3];
        // Unpinned: first fit, three in the first window (3 h of 3.2 h).
        let free = assign(&c, &b, &u, &order, &open, &slack, &r, &[None; 4]).unwrap();
        assert_eq!(free, vec![0, 0, 0, 1]);
        // t0 and t1 pinned to the second window stay there although the
        // first has room; t2 and t3 go to the first window, which has no
        // pinned task, not to the pinned second one.
        let pinned = [Some(1), Some(1), None, None];
        let at = assign(&c, &b, &u, &order, &open, &slack, &r, &pinned).unwrap();
        assert_eq!(at, vec![1, 1, 0, 0]);
    }

    #[test]
    fn the_fallback_never_passes_a_teams_hours() {
        // 9 h of work, two windows of 4 h for one engineer: no assignment.
        let c = hours(9);
        let b = campaign_bounds(&c).unwrap();
        let u = c.lag_units();
        let order = unit_order(&c, &u);
        let r = room(&c);
        let two = vec![true, true, false];
        assert!(assign(&c, &b, &u, &order, &two, &[0.8; 3], &r, &[None; 9]).is_none());
        // Three windows take it, none past 4 h.
        let at = assign(&c, &b, &u, &order, &[true; 3], &[0.8; 3], &r, &[None; 9]).unwrap();
        for w in 0..3 {
            assert!(at.iter().filter(|&&x| x == w).count() <= 4, "{at:?}");
        }
    }

    /// Two open 4 h windows for one engineer, 8 h of work: first fit puts
    /// the 3 h job in the first window and the three 1 h jobs in the second,
    /// so the 2 h job that follows the last of them finds the second window
    /// full (5 h). Moving a 1 h job back to the first window makes room.
    #[test]
    fn a_unit_that_fits_nowhere_makes_room_by_moving_earlier_units_back() {
        let text = "campaign:\n  timezone: UTC\n  windows:\n    - { every: 7d, first: 2026-12-05T22:00, length: 4h, count: 3 }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s0 }, { id: s1 }, { id: s2 }, { id: s3 }, { id: s4 }]\ntasks:\n  - { id: big, system: s0, duration: 3h, team: ops, outage: false }\n  - { id: t1, system: s1, duration: 1h, team: ops, outage: false }\n  - { id: t2, system: s2, duration: 1h, team: ops, outage: false }\n  - { id: t3, system: s3, duration: 1h, team: ops, outage: false }\n  - { id: tail, system: s4, duration: 2h, team: ops, outage: false, after: [t3] }\n";
        let c = load_campaign_str(text, Format::Yaml, "t.yaml", &Limits::default())
            .unwrap()
            .unwrap();
        let b = campaign_bounds(&c).unwrap();
        let u = c.lag_units();
        let order = unit_order(&c, &u);
        let r = room(&c);
        let two = [true, true, false];
        let at = assign(&c, &b, &u, &order, &two, &[0.8; 3], &r, &[None; 5])
            .expect("room made in the second window");
        let hours = |w: usize| -> i64 {
            (0..5)
                .filter(|&t| at[t] == w)
                .map(|t| c.whole.tasks[t].duration)
                .sum()
        };
        assert_eq!((hours(0), hours(1)), (240, 240), "{at:?}");
        assert!(at[3] <= at[4], "the tail follows t3: {at:?}");
    }

    #[test]
    fn an_overfull_window_is_refused_before_search_and_a_full_one_is_not() {
        let c = hours(5);
        let five = c.window_inventory(0, &[0, 1, 2, 3, 4]).unwrap();
        let why = overfull(&five).expect("5 h of work in 4 h");
        assert!(why.contains("team ops") && why.contains("5h"), "{why}");
        let four = c.window_inventory(0, &[0, 1, 2, 3]).unwrap();
        assert_eq!(overfull(&four), None);
    }

    #[test]
    fn a_round_takes_at_most_half_the_time_left() {
        let left = Duration::from_secs(40);
        assert_eq!(window_budget(left, 2, 10), Duration::from_secs(4));
        assert_eq!(window_budget(left, 2, 1), Duration::from_secs(20));
        assert_eq!(window_budget(left, 1, 0), Duration::from_secs(20));
    }

    #[test]
    fn eight_hours_of_work_take_two_full_windows_checked() {
        let c = hours(8);
        let opts = SolveOptions {
            time_limit: Duration::from_secs(10),
            threads: 2,
            ..SolveOptions::default()
        };
        let r = plan_campaign(&c, &opts).unwrap();
        assert_eq!(r.plan.windows_used, 2);
        assert!(r.plan.proven.windows);
        assert!(crate::check::campaign::check_campaign(&c, &r.plan).is_empty());
    }
}
