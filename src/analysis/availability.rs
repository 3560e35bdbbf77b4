//! Availability analysis (`windowplan availability`): for each service, the
//! least downtime any plan could have (its floor), why (its single points of
//! failure: non-redundant systems that carry outage tasks, reached directly,
//! through sync integrations, or through async integrations past their
//! tolerance), and what would bring it to zero — each suggestion verified by
//! re-planning the changed inventory.
//!
//! # The floor
//!
//! A system `P` reaches a service along a route of integrations; the route
//! with the least total async tolerance `T` counts (sync hops add 0). By
//! DESIGN.md an async consumer is down once a producer outage has lasted
//! continuously longer than the tolerance, so along the route the service is
//! down from `a + T` to `b` for every continuous outage `[a, b)` of `P`
//! longer than `T` (two async hops of 20m and 15m act as one of 35m). Hence:
//!
//! - an outage task of `P` of duration `d` keeps the service down at least
//!   `d − T` minutes, all inside the task's own run (the run containing it
//!   starts no later than it does);
//! - tasks that must follow each other directly on `P` (with `parallel_changes:
//!   1`, each starts no later than the other ends, as a `max_lag` of 0 can
//!   force) form one continuous outage: their durations add up before `T` is
//!   taken off;
//! - outages that can never run at the same minute (same system, a team or
//!   zone or cluster limit they cannot share, a DR pair, windows that do not
//!   meet, or precedences that order them) keep the service down at
//!   disjoint minutes, so their shares add up; any other outages may overlap
//!   in some plan, and only the larger one counts.
//!
//! - a task's `down:` (format 1.1) is an outage of the systems it lists,
//!   like an outage task on them, except that it does not count against
//!   their `parallel_changes` (so it may overlap their other outages); a
//!   `down:` naming every member of a cluster takes the cluster down;
//! - an `any` group (format 1.1) is served by its first member that is up:
//!   when every task taking the first member down runs while some other
//!   member is up in every plan (no integration feeds them, and every
//!   outage of that member can never overlap the task), each such outage
//!   switches over and back, `switchover` minutes each, the second
//!   starting as the outage ends: at least `s + min(s, d)` minutes;
//!   minutes after a task's run add up with another outage's only where
//!   the precedences keep the two apart by that much.
//!
//! The floor is the largest such sum, and a lower bound on the service's
//! downtime in every plan; a gap of a minute between two outages is enough
//! to ride each out, so a plan can be longer than the shortest one to reach
//! it.

use crate::analysis::budget::{Budget, Cut};
use crate::base::fmt_minutes;
use crate::base::Time;
use crate::inventory::{Component, IntegrationMode, Inventory};
use crate::pipeline::PlanResult;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

/// A non-redundant system whose outages take a service down (or a cluster
/// that a `down:` takes down whole).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SinglePoint {
    /// System id.
    pub system: String,
    /// How the service reaches it: `requires`, or the integrations on the way
    /// (the route with the least total async tolerance).
    pub via: Vec<String>,
    /// Total tolerance of the async integrations on the way (0: the service
    /// is down whenever the system is).
    pub tolerance_minutes: Time,
    /// Its outage tasks.
    pub outage_tasks: Vec<String>,
    /// Least minutes it keeps the service down in any plan: its outages
    /// cannot all overlap beyond its `parallel_changes`, and each continuous
    /// outage counts only past `tolerance_minutes`. 0 when every outage fits
    /// within the tolerance on its own.
    pub least_down: Time,
    /// A cluster that tasks take down whole (a `down:` naming it), rather
    /// than a single system.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub whole_cluster: bool,
}

/// An `any` group whose serving member has outages that another member
/// rides out: each switches the service over and back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForcedSwitchover {
    /// The group's members, in the order that picks the serving one.
    pub members: Vec<String>,
    /// The member that serves while up (the first).
    pub serving: String,
    /// The tasks that take it down.
    pub tasks: Vec<String>,
    /// Minutes of downtime each change of serving member starts.
    pub switchover_minutes: Time,
    /// Least minutes the switchovers keep the service down in any plan.
    pub minutes: Time,
}

/// Outages of systems feeding a service that can never run at the same
/// minute, and what each forces on the service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForcedOutage {
    /// What is down: a system or cluster id, or the switchover of an `any`
    /// group (several joined by ` + ` when one task takes down more).
    pub system: String,
    /// One task, or tasks that must follow each other directly.
    pub tasks: Vec<String>,
    /// Tolerance on the way from the system to the service.
    pub tolerance_minutes: Time,
    /// Minutes the service is down during them in any plan.
    pub minutes: Time,
}

/// A change to the inventory, and the service's downtime once re-planned:
/// only changes that gave a plan (checked by the independent checker) are
/// suggested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The change that was re-planned (`report::availability` says it in
    /// words).
    pub change: SuggestedChange,
    /// Downtime of the service in the re-planned inventory.
    pub downtime_minutes: Time,
    /// Window length of the re-planned inventory.
    pub window_minutes: Time,
}

/// A change to the inventory that could bring a service to zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SuggestedChange {
    /// The outage tasks on these single points made online changes
    /// (`outage: false`, no `down:`).
    Online {
        /// The single points (system or cluster ids).
        systems: Vec<String>,
    },
    /// A second node beside each of these systems, in a cluster keeping
    /// one of the two up, its tasks repeated on the new node.
    SecondNode {
        /// The systems given a partner.
        systems: Vec<String>,
    },
    /// These sync integrations made async.
    Async {
        /// Integration ids.
        integrations: Vec<String>,
        /// The tolerance given to them.
        tolerance_minutes: Time,
    },
    /// The service served from the other side of a DR pair while one side
    /// is patched (the switchover's own minutes not counted).
    Switchover {
        /// The service.
        service: String,
        /// `standby` or `primary`: the role of the side it moves to.
        role: String,
        /// The side being patched.
        side: String,
        /// The side serving meanwhile.
        other: String,
    },
}

/// One service's availability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAvailability {
    /// Service id.
    pub service: String,
    /// Downtime in the plan found here.
    pub planned_downtime_minutes: Option<Time>,
    /// No plan can keep it down for less.
    pub least_downtime_minutes: Time,
    /// Its `max_downtime`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_downtime_minutes: Option<Time>,
    /// Non-redundant systems whose outages take it down, worst first.
    pub single_points: Vec<SinglePoint>,
    /// When outages on several systems that can never overlap together
    /// force more than any single point: those outages (their minutes sum to
    /// `least_downtime_minutes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub never_overlapping: Vec<ForcedOutage>,
    /// `any` groups whose switchovers no plan avoids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forced_switchovers: Vec<ForcedSwitchover>,
    /// Changes that lower its downtime, each verified by re-planning.
    pub suggestions: Vec<Suggestion>,
    /// Changes not re-planned because the budget ran out (they may or may
    /// not lower its downtime).
    #[serde(skip_serializing_if = "is_zero")]
    pub untried_changes: usize,
    /// Why some were not re-planned (the time limit, Ctrl-C, the work allowance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<Cut>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A service's floor: its single points, the outages that add up, and the
/// least downtime they force.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Floor {
    pub single_points: Vec<SinglePoint>,
    pub never_overlapping: Vec<ForcedOutage>,
    pub forced_switchovers: Vec<ForcedSwitchover>,
    pub least_downtime_minutes: Time,
}

/// A system whose outages reach a service, by the route with the least total
/// async tolerance.
#[derive(Debug, Clone, PartialEq)]
struct Route {
    /// The system or cluster reached.
    node: Component,
    tolerance: Time,
    via: Vec<String>,
}

/// Every system whose outages reach the service: required systems, and
/// producers of integrations into a required component (or into another
/// such producer), each by its route of least total async tolerance
/// (Dijkstra over the integrations, sync hops weighing 0), nearest first;
/// clusters reached are listed too. A cluster is down only while no member
/// is up, which only a task taking every member down at once forces (a
/// `down:` naming the cluster), so its members are not followed one by one;
/// integrations into a cluster are.
fn routes(inv: &Inventory, service: usize) -> Vec<Route> {
    let ns = inv.systems.len();
    let n = ns + inv.clusters.len();
    let node = |c: Component| match c {
        Component::System(s) => s,
        Component::Cluster(k) => ns + k,
    };
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, i) in inv.integrations.iter().enumerate() {
        if node(i.to) < n && node(i.from) < n {
            into[node(i.to)].push(k);
        }
    }
    let mut best: Vec<Option<(Time, Vec<String>)>> = vec![None; n];
    let mut done = vec![false; n];
    let mut heap: BinaryHeap<Reverse<(Time, usize, usize)>> = BinaryHeap::new();
    let mut seq = 0;
    for &c in &inv.services[service].requires {
        let v = node(c);
        if v < n && best[v].is_none() {
            best[v] = Some((0, vec![format!("requires {}", inv.component_id(c))]));
            heap.push(Reverse((0, seq, v)));
            seq += 1;
        }
    }
    let mut out = Vec::new();
    while let Some(Reverse((d, _, v))) = heap.pop() {
        if done[v] {
            continue;
        }
        done[v] = true;
        let via = best[v].as_ref().map(|b| b.1.clone()).unwrap_or_default();
        for &k in &into[v] {
            let i = &inv.integrations[k];
            let u = node(i.from);
            let (w, label) = match i.mode {
                IntegrationMode::Sync => (
                    0,
                    format!(
                        "sync integration {} from {}",
                        i.id,
                        inv.component_id(i.from)
                    ),
                ),
                IntegrationMode::Async => (
                    i.tolerance.max(0),
                    format!(
                        "async integration {} from {} with tolerance {}",
                        i.id,
                        inv.component_id(i.from),
                        fmt_minutes(i.tolerance.max(0))
                    ),
                ),
            };
            let nd = d + w;
            if !done[u] && best[u].as_ref().is_none_or(|b| nd < b.0) {
                let mut p = via.clone();
                p.push(label);
                best[u] = Some((nd, p));
                heap.push(Reverse((nd, seq, u)));
                seq += 1;
            }
        }
        out.push(Route {
            node: if v < ns {
                Component::System(v)
            } else {
                Component::Cluster(v - ns)
            },
            tolerance: d,
            via,
        });
    }
    out
}

/// Work allowed to one label-correcting pass over the precedences; what it
/// has found when it stops is still implied by them.
const RELAX_BUDGET: usize = 50_000;
/// Outages weighed together when looking for ones that never overlap.
const MAX_CANDIDATES: usize = 60;
/// Search nodes for the heaviest set of never-overlapping outages.
const SEARCH_BUDGET: usize = 200_000;

/// What the inventory's rules say about two tasks running at the same
/// minute, read as the independent checker reads them (so the floor holds
/// for hand-made plans too, not only for the solver's stricter model).
struct Separation<'a> {
    inv: &'a Inventory,
    /// Precedence arcs out of each task, `S[to] >= S[from] + lag`: after,
    /// max lags and DR orders.
    out: Vec<Vec<(usize, Time)>>,
    /// Per DR pair: whether each task is an outage on the primary, the
    /// standby side.
    dr_sides: Vec<(HashSet<usize>, HashSet<usize>)>,
    /// Per source task: the least `S[j] − S[source]` the precedences imply,
    /// for each `j` they reach.
    gaps: HashMap<usize, HashMap<usize, Time>>,
    /// Per system, the tasks that take it down ([`downing_by_system`]).
    downing: Vec<Vec<usize>>,
}

impl<'a> Separation<'a> {
    fn new(inv: &'a Inventory) -> Self {
        let n = inv.tasks.len();
        let mut out = vec![Vec::new(); n];
        for e in crate::graph::edges(inv) {
            if e.from < n && e.to < n {
                out[e.from].push((e.to, e.lag));
            }
        }
        let dr_sides = inv
            .dr
            .iter()
            .map(|d| {
                let side = |c: Component| -> HashSet<usize> {
                    crate::graph::outage_tasks_of(inv, c).into_iter().collect()
                };
                (side(d.primary), side(d.standby))
            })
            .collect();
        Separation {
            inv,
            out,
            dr_sides,
            gaps: HashMap::new(),
            downing: downing_by_system(inv),
        }
    }

    /// The least `S[j] − S[i]` the precedences imply (longest paths from
    /// `i`), if they relate the two at all.
    fn min_gap(&mut self, i: usize, j: usize) -> Option<Time> {
        let out = &self.out;
        self.gaps
            .entry(i)
            .or_insert_with(|| {
                let mut dist: HashMap<usize, Time> = HashMap::new();
                dist.insert(i, 0);
                let mut queue = VecDeque::from([i]);
                let mut queued: HashSet<usize> = HashSet::from([i]);
                let mut budget = RELAX_BUDGET;
                'relax: while let Some(u) = queue.pop_front() {
                    queued.remove(&u);
                    let du = dist[&u];
                    for &(v, lag) in &out[u] {
                        if budget == 0 {
                            break 'relax;
                        }
                        budget -= 1;
                        let cand = du + lag;
                        if dist.get(&v).is_none_or(|&x| cand > x) {
                            dist.insert(v, cand);
                            if queued.insert(v) {
                                queue.push_back(v);
                            }
                        }
                    }
                }
                dist
            })
            .get(&j)
            .copied()
    }

    /// Whether outage tasks `i` and `j` can never run at the same minute.
    fn apart(&mut self, i: usize, j: usize) -> bool {
        if i == j {
            return false;
        }
        let inv = self.inv;
        let (a, b) = (&inv.tasks[i], &inv.tasks[j]);
        if a.duration <= 0 || b.duration <= 0 {
            return true;
        }
        // A system taking fewer than two changes at a time.
        let shared_system = a
            .systems
            .iter()
            .any(|s| b.systems.contains(s) && inv.systems[*s].parallel_changes < 2);
        // A team without room for both.
        let need = |t: &crate::inventory::Task, k: usize| -> i64 {
            t.needs
                .iter()
                .filter(|n| n.0 == k)
                .map(|n| n.1 as i64)
                .sum()
        };
        let team_full = a.needs.iter().any(|&(k, _)| {
            need(b, k) > 0 && need(a, k) + need(b, k) > i64::from(inv.teams[k].capacity)
        });
        // A zone taking fewer than two at a time.
        let zone_of = |t: &crate::inventory::Task| -> Vec<usize> {
            t.systems
                .iter()
                .filter_map(|&s| inv.systems[s].zone)
                .collect()
        };
        let zb = zone_of(b);
        let zone_full = zone_of(a)
            .iter()
            .any(|z| zb.contains(z) && inv.zones[*z].max_concurrent < 2);
        // A cluster that would have too many members down.
        let cluster_full = a.outage
            && b.outage
            && inv.clusters.iter().any(|cl| {
                let down = cl
                    .members
                    .iter()
                    .filter(|m| a.systems.contains(m) || b.systems.contains(m))
                    .count();
                down as u32 > cl.max_unavailable()
            });
        // The two sides of a DR pair.
        let dr = self
            .dr_sides
            .iter()
            .any(|(p, s)| (p.contains(&i) && s.contains(&j)) || (s.contains(&i) && p.contains(&j)));
        // Windows that never meet.
        let windows = match (&a.windows, &b.windows) {
            (Some(x), Some(y)) => crate::base::intervals::intersect(
                &crate::base::intervals::merge(x.clone()),
                &crate::base::intervals::merge(y.clone()),
            )
            .is_empty(),
            _ => false,
        };
        let (di, dj) = (a.duration, b.duration);
        shared_system
            || team_full
            || zone_full
            || cluster_full
            || dr
            || windows
            || self.min_gap(i, j).is_some_and(|g| g >= di)
            || self.min_gap(j, i).is_some_and(|g| g >= dj)
    }

    /// Whether tasks `i` and `j` always touch or overlap: each starts no
    /// later than the other ends.
    fn joined(&mut self, i: usize, j: usize) -> bool {
        let (di, dj) = (self.inv.tasks[i].duration, self.inv.tasks[j].duration);
        self.min_gap(i, j).is_some_and(|g| g >= -dj) && self.min_gap(j, i).is_some_and(|g| g >= -di)
    }
}

/// Outage tasks forming one continuous outage of a system in every plan,
/// or one task and what it forces on the service.
#[derive(Debug, Clone)]
struct Block {
    /// What is down, in words (a system, a cluster, an `any` group).
    label: String,
    tasks: Vec<usize>,
    tolerance: Time,
    /// Minutes the service is down within the tasks' runs.
    minutes: Time,
    /// Minutes it is down right after the last of them ends (the switch
    /// back of an `any` group); such a block adds up with another only when
    /// the precedences keep the two apart by this much.
    tail: Time,
}

impl Block {
    fn weight(&self) -> Time {
        self.minutes + self.tail
    }
}

/// Whether task `t` takes system `s` down while it runs: an outage task on
/// it, or a task listing it in `down:`.
fn takes_down(t: &crate::inventory::Task, s: usize) -> bool {
    (t.outage && t.systems.contains(&s)) || t.down.contains(&s)
}

/// Tasks of positive duration that take component `c` down while they run:
/// for a system, those that take it down; for a cluster, those that take
/// every member down at once (a `down:` naming the cluster). `by_system`:
/// [`downing_by_system`], so a look-up costs the tasks found, not a scan.
fn downing_tasks(inv: &Inventory, by_system: &[Vec<usize>], c: Component) -> Vec<usize> {
    let members = inv.component_systems(c);
    let Some((&first, rest)) = members.split_first() else {
        return Vec::new();
    };
    by_system
        .get(first)
        .map_or(&[][..], |v| &v[..])
        .iter()
        .copied()
        .filter(|&k| rest.iter().all(|&m| takes_down(&inv.tasks[k], m)))
        .collect()
}

/// Per system, the tasks of positive duration that take it down, in task
/// order.
fn downing_by_system(inv: &Inventory) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); inv.systems.len()];
    for (k, t) in inv.tasks.iter().enumerate() {
        if t.duration <= 0 {
            continue;
        }
        let outage = if t.outage { &t.systems[..] } else { &[][..] };
        for &s in outage.iter().chain(&t.down) {
            if let Some(v) = by.get_mut(s) {
                if v.last() != Some(&k) {
                    v.push(k);
                }
            }
        }
    }
    by
}

/// Groups the outage tasks (of positive duration) of a system that runs one
/// task at a time into continuous outages: tasks that always touch are
/// joined (transitively: the union of touching runs is one run).
fn blocks_of(tasks: &[usize], sep: &mut Separation) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..tasks.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for a in 0..tasks.len() {
        for b in a + 1..tasks.len() {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb && sep.joined(tasks[a], tasks[b]) {
                parent[rb] = ra;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<usize, usize> = HashMap::new();
    for (a, &task) in tasks.iter().enumerate() {
        let r = root(&mut parent, a);
        let g = *index.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(task);
    }
    groups
}

/// The heaviest set of pairwise compatible items (weights sorted from
/// heaviest, `adj[i]` bit `j` set when `i` and `j` are compatible), by
/// branch and bound within a node budget; what it returns is always
/// compatible, and optimal when the budget suffices.
fn heaviest_compatible(w: &[Time], adj: &[u64]) -> (Time, u64) {
    let n = w.len();
    let all: u64 = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    // Greedy start: heaviest first.
    let (mut best, mut best_set) = (0, 0u64);
    for s in 0..n {
        let (mut set, mut cand, mut sum) = (1u64 << s, adj[s] & all, w[s]);
        for t in 0..n {
            if cand & (1 << t) != 0 {
                set |= 1 << t;
                cand &= adj[t];
                sum += w[t];
            }
        }
        if sum > best {
            best = sum;
            best_set = set;
        }
    }
    struct Search<'a> {
        w: &'a [Time],
        adj: &'a [u64],
        best: Time,
        best_set: u64,
        nodes: usize,
    }
    fn grow(s: &mut Search, set: u64, sum: Time, mut cand: u64) {
        s.nodes += 1;
        if sum > s.best {
            s.best = sum;
            s.best_set = set;
        }
        while cand != 0 && s.nodes < SEARCH_BUDGET {
            let bound: Time = (0..s.w.len())
                .filter(|&t| cand & (1 << t) != 0)
                .map(|t| s.w[t])
                .sum();
            if sum + bound <= s.best {
                return;
            }
            let t = cand.trailing_zeros() as usize;
            cand &= !(1 << t);
            grow(s, set | 1 << t, sum + s.w[t], cand & s.adj[t]);
        }
    }
    let mut s = Search {
        w,
        adj,
        best,
        best_set,
        nodes: 0,
    };
    grow(&mut s, 0, 0, all);
    (s.best, s.best_set)
}

/// Whether an integration feeds component `c` (or, for a cluster, one of
/// its members): then it can be down beyond its own tasks.
fn fed(inv: &Inventory, c: Component) -> bool {
    let members = inv.component_systems(c);
    inv.integrations
        .iter()
        .any(|i| i.to == c || matches!(i.to, Component::System(x) if members.contains(&x)))
}

/// Whether component `m` is up throughout every run of task `k` in every
/// plan: no integration feeds it, and every task that takes it (for a
/// cluster: some member of it) down can never overlap `k`.
fn up_throughout(inv: &Inventory, m: Component, k: usize, sep: &mut Separation) -> bool {
    if fed(inv, m) {
        return false;
    }
    inv.component_systems(m).into_iter().any(|x| {
        downing_tasks(inv, &sep.downing, Component::System(x))
            .into_iter()
            .all(|j| sep.apart(k, j))
    })
}

/// The single point a route reaches (a system, or a cluster a `down:`
/// takes down whole), with the least downtime its outages force; adds its
/// outages to `candidates` for the never-overlapping sum.
fn point_of(
    inv: &Inventory,
    r: Route,
    sep: &mut Separation,
    candidates: &mut Vec<Block>,
) -> Option<SinglePoint> {
    let t = r.tolerance;
    let past = |d: Time| (d - t).max(0);
    let label = inv.component_id(r.node).to_string();
    let single = |k: usize, minutes: Time| Block {
        label: label.clone(),
        tasks: vec![k],
        tolerance: t,
        minutes,
        tail: 0,
    };
    let downing = downing_tasks(inv, &sep.downing, r.node);
    let (shown, least_down) = match r.node {
        Component::Cluster(_) => {
            for &k in &downing {
                let m = past(inv.tasks[k].duration);
                if m > 0 {
                    candidates.push(single(k, m));
                }
            }
            let least = downing
                .iter()
                .map(|&k| past(inv.tasks[k].duration))
                .max()
                .unwrap_or(0);
            (downing, least)
        }
        Component::System(s) => {
            // Tasks running on it count against its `parallel_changes`;
            // tasks listing it in `down:` do not, and may overlap them.
            let running: Vec<usize> = downing
                .iter()
                .copied()
                .filter(|&k| inv.tasks[k].outage && inv.tasks[k].systems.contains(&s))
                .collect();
            let listed: Vec<usize> = downing
                .iter()
                .copied()
                .filter(|k| !running.contains(k))
                .collect();
            let mut least = running_floor(inv, s, &running, &label, t, sep, candidates);
            for &k in &listed {
                let m = past(inv.tasks[k].duration);
                if m > 0 {
                    candidates.push(single(k, m));
                }
                least = least.max(m);
            }
            (downing, least)
        }
    };
    if shown.is_empty() {
        return None;
    }
    Some(SinglePoint {
        system: label,
        via: r.via,
        tolerance_minutes: t,
        outage_tasks: shown.iter().map(|&k| inv.tasks[k].id.clone()).collect(),
        least_down,
        whole_cluster: matches!(r.node, Component::Cluster(_)),
    })
}

/// The least downtime the outage tasks running on system `s` force past
/// tolerance `t` (their `parallel_changes` limit how many overlap), adding
/// each continuous outage to `candidates`.
fn running_floor(
    inv: &Inventory,
    s: usize,
    running: &[usize],
    label: &str,
    t: Time,
    sep: &mut Separation,
    candidates: &mut Vec<Block>,
) -> Time {
    let pc = Time::from(inv.systems[s].parallel_changes.max(1));
    let past = |d: Time| (d - t).max(0);
    let block = |tasks: Vec<usize>, minutes: Time| Block {
        label: label.to_string(),
        tasks,
        tolerance: t,
        minutes,
        tail: 0,
    };
    if pc == 1 {
        // One task at a time: continuous outages are the blocks, and
        // they never overlap.
        let mut sum = 0;
        for b in blocks_of(running, sep) {
            let minutes = past(b.iter().map(|&k| inv.tasks[k].duration).sum());
            sum += minutes;
            if b.len() > 1 {
                // Alone, a member may be apart from outages the whole
                // block is not.
                for &k in &b {
                    if past(inv.tasks[k].duration) > 0 {
                        candidates.push(block(vec![k], past(inv.tasks[k].duration)));
                    }
                }
            }
            if minutes > 0 {
                candidates.push(block(b, minutes));
            }
        }
        sum
    } else {
        // Up to `pc` at once: a continuous outage holding tasks R lasts
        // at least max(longest, Σ d / pc); past the tolerance that is at
        // least Σ (d − T) / pc over R, summed over the outages.
        let shares: Vec<Time> = running
            .iter()
            .map(|&k| past(inv.tasks[k].duration))
            .collect();
        for (&k, &minutes) in running.iter().zip(&shares) {
            if minutes > 0 {
                candidates.push(block(vec![k], minutes));
            }
        }
        let longest = shares.iter().copied().max().unwrap_or(0);
        longest.max((shares.iter().sum::<Time>() + pc - 1) / pc)
    }
}

/// The switchovers an `any` group cannot avoid: when every task that takes
/// its first (serving) member down runs while another member is up, each
/// such outage switches the service over and back, `switchover` minutes
/// each (the second starting when the outage ends). At least one outage
/// does, so the group alone keeps the service down `s + min(s, d)` minutes
/// (`d` the shortest outage). With one such task, it is also a candidate
/// of the never-overlapping sum: `min(s, d)` minutes inside its run and
/// `s` right after.
fn forced_switchover(
    inv: &Inventory,
    g: &crate::inventory::AnyGroup,
    sep: &mut Separation,
    candidates: &mut Vec<Block>,
) -> Option<ForcedSwitchover> {
    let s = g.switchover;
    let first = *g.members.first()?;
    if s <= 0 || g.members.len() < 2 || fed(inv, first) {
        return None;
    }
    let tasks = downing_tasks(inv, &sep.downing, first);
    if tasks.is_empty() {
        return None;
    }
    for &k in &tasks {
        let mut covered = false;
        for &m in &g.members[1..] {
            if up_throughout(inv, m, k, sep) {
                covered = true;
                break;
            }
        }
        if !covered {
            return None;
        }
    }
    let shortest = tasks.iter().map(|&k| inv.tasks[k].duration).min()?;
    let members: Vec<String> = g
        .members
        .iter()
        .map(|&m| inv.component_id(m).to_string())
        .collect();
    if let [k] = tasks[..] {
        candidates.push(Block {
            label: format!("switchover of any [{}]", members.join(", ")),
            tasks: vec![k],
            tolerance: 0,
            minutes: s.min(inv.tasks[k].duration),
            tail: s,
        });
    }
    Some(ForcedSwitchover {
        serving: inv.component_id(first).to_string(),
        members,
        tasks: tasks.iter().map(|&k| inv.tasks[k].id.clone()).collect(),
        switchover_minutes: s,
        minutes: s + s.min(shortest),
    })
}

/// Whether two candidates' minutes are disjoint in every plan: their tasks
/// never overlap, and where one has a tail, the precedences keep the other
/// clear of it.
fn compatible(sep: &mut Separation, a: &Block, b: &Block) -> bool {
    for &i in &a.tasks {
        for &j in &b.tasks {
            let ok = if a.tail == 0 && b.tail == 0 {
                sep.apart(i, j)
            } else {
                let (di, dj) = (sep.inv.tasks[i].duration, sep.inv.tasks[j].duration);
                i != j
                    && (sep.min_gap(i, j).is_some_and(|g| g >= di + a.tail)
                        || sep.min_gap(j, i).is_some_and(|g| g >= dj + b.tail))
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// The floor of one service (see the module documentation).
fn floor_of(inv: &Inventory, service: usize, sep: &mut Separation) -> Floor {
    let mut points = Vec::new();
    let mut candidates: Vec<Block> = Vec::new();
    for r in routes(inv, service) {
        if let Some(p) = point_of(inv, r, sep, &mut candidates) {
            points.push(p);
        }
    }
    let mut switchovers = Vec::new();
    for g in &inv.services[service].any {
        if let Some(f) = forced_switchover(inv, g, sep, &mut candidates) {
            switchovers.push(f);
        }
    }
    let single = points
        .iter()
        .map(|p| p.least_down)
        .chain(switchovers.iter().map(|f| f.minutes))
        .max()
        .unwrap_or(0);

    // Outages that never overlap add up. A task on several systems appears
    // once per system: its copies are merged (the most minutes inside its
    // run, the longest tail after it).
    candidates.sort_by(|a, b| a.tasks.cmp(&b.tasks));
    let mut merged: Vec<Block> = Vec::new();
    for c in candidates {
        match merged.last_mut() {
            Some(m) if m.tasks == c.tasks => {
                if !m.label.split(" + ").any(|l| l == c.label) {
                    m.label = format!("{} + {}", m.label, c.label);
                }
                m.minutes = m.minutes.max(c.minutes);
                m.tail = m.tail.max(c.tail);
                m.tolerance = m.tolerance.min(c.tolerance);
            }
            _ => merged.push(c),
        }
    }
    let mut candidates = merged;
    candidates.sort_by(|a, b| b.weight().cmp(&a.weight()).then(a.tasks.cmp(&b.tasks)));
    candidates.truncate(MAX_CANDIDATES);
    let n = candidates.len();
    let mut adj = vec![0u64; n];
    for a in 0..n {
        for b in a + 1..n {
            if compatible(sep, &candidates[a], &candidates[b]) {
                adj[a] |= 1 << b;
                adj[b] |= 1 << a;
            }
        }
    }
    let weights: Vec<Time> = candidates.iter().map(Block::weight).collect();
    let (together, set) = heaviest_compatible(&weights, &adj);
    let never_overlapping = if together > single {
        (0..n)
            .filter(|&k| set & (1 << k) != 0)
            .map(|k| {
                let c = &candidates[k];
                ForcedOutage {
                    system: c.label.clone(),
                    tasks: c.tasks.iter().map(|&i| inv.tasks[i].id.clone()).collect(),
                    tolerance_minutes: c.tolerance,
                    minutes: c.weight(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Floor {
        single_points: points,
        never_overlapping,
        forced_switchovers: switchovers,
        least_downtime_minutes: single.max(together),
    }
}

/// The tasks (of positive duration) whose outages can reach service `k`:
/// those taking down a system on one of its routes, a member of a cluster
/// on one, or a member of one of its `any` groups.
pub(crate) fn reaching_tasks(inv: &Inventory, k: usize) -> Vec<usize> {
    let mut systems: HashSet<usize> = HashSet::new();
    for r in routes(inv, k) {
        systems.extend(inv.component_systems(r.node));
    }
    for g in &inv.services[k].any {
        for &m in &g.members {
            systems.extend(inv.component_systems(m));
        }
    }
    (0..inv.tasks.len())
        .filter(|&t| {
            let task = &inv.tasks[t];
            task.duration > 0 && systems.iter().any(|&s| takes_down(task, s))
        })
        .collect()
}

/// The floor of every service, in inventory order: a lower bound on its
/// downtime in every plan that keeps the inventory's rules.
pub(crate) fn floors(inv: &Inventory) -> Vec<Floor> {
    let mut sep = Separation::new(inv);
    (0..inv.services.len())
        .map(|k| floor_of(inv, k, &mut sep))
        .collect()
}

/// The services whose `max_downtime` is below their floor, in words: no
/// plan can keep them (a proof, exit code 1), with the floor, what forces
/// it and the fix. `None` when every limit is at or above its floor (or
/// there is none).
pub fn limits_below_floor(inv: &Inventory) -> Option<String> {
    if inv.services.iter().all(|s| s.max_downtime.is_none()) {
        return None;
    }
    let floors = floors(inv);
    let reasons: Vec<String> = inv
        .services
        .iter()
        .zip(&floors)
        .filter_map(|(svc, f)| {
            let limit = svc.max_downtime?;
            (f.least_downtime_minutes > limit).then(|| {
                format!(
                    "service {} may be down at most {} (max_downtime), but no plan can keep it down less than {}: {}; raise its max_downtime to at least {} or change those outages (`windowplan availability` shows what would)",
                    svc.id,
                    fmt_minutes(limit),
                    fmt_minutes(f.least_downtime_minutes),
                    floor_reason(f),
                    fmt_minutes(f.least_downtime_minutes)
                )
            })
        })
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// What forces a floor, in a few words.
fn floor_reason(f: &Floor) -> String {
    if !f.never_overlapping.is_empty() {
        let parts: Vec<String> = f
            .never_overlapping
            .iter()
            .map(|o| {
                format!(
                    "{} on {} ({})",
                    o.tasks.join(" + "),
                    o.system,
                    fmt_minutes(o.minutes)
                )
            })
            .collect();
        return format!(
            "outages that can never overlap: {}",
            crate::base::join_words(&parts)
        );
    }
    let worst_point = f.single_points.iter().max_by_key(|p| p.least_down);
    let worst_switch = f.forced_switchovers.iter().max_by_key(|s| s.minutes);
    match (worst_point, worst_switch) {
        (Some(p), s) if s.is_none_or(|s| s.minutes <= p.least_down) => format!(
            "{} {} is down for {} ({})",
            if p.whole_cluster { "cluster" } else { "system" },
            p.system,
            p.outage_tasks.join(", "),
            p.via.join(", ")
        ),
        (_, Some(s)) => format!(
            "{} take{} {} down, so any [{}] switches over and back ({} each)",
            s.tasks.join(", "),
            if s.tasks.len() == 1 { "s" } else { "" },
            s.serving,
            s.members.join(", "),
            fmt_minutes(s.switchover_minutes)
        ),
        _ => "its outages".into(),
    }
}

/// Plans the inventory, unless a `max_downtime` below its floor already
/// proves that no plan exists ([`limits_below_floor`]); a search that ran
/// out of time is then reported as that proof too.
pub fn plan_or_floor_proof(inv: &Inventory, opts: &SolveOptions) -> PlanResult {
    match limits_below_floor(inv) {
        Some(why) => Err(crate::error::NoPlan::Infeasible(why)),
        None => crate::pipeline::plan_inventory(inv, opts),
    }
}

/// One service's downtime in a plan beside its floor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceFloor {
    /// Service id.
    pub service: String,
    /// Its downtime in the plan, in minutes.
    pub downtime_minutes: Time,
    /// No plan can keep it down less, in minutes.
    pub floor_minutes: Time,
}

/// What a plan achieved on downtime against what no plan can beat: the
/// statement `--objective downtime` owes (issue #21.8).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DowntimeVerdict {
    /// Σ weight × downtime of the plan ([`crate::plan::weighted_downtime`]).
    pub weighted_downtime: f64,
    /// No plan can have less: the larger of Σ weight × each service's
    /// floor and the solver's own floor of the compiled problem.
    pub weighted_floor: f64,
    /// The plan meets the floor: its downtime is proven least.
    pub proven: bool,
    /// Each service with downtime or a floor.
    pub services: Vec<ServiceFloor>,
}

/// The plan's downtime against the floors (see [`DowntimeVerdict`]).
pub fn downtime_verdict(inv: &Inventory, plan: &crate::plan::Plan) -> DowntimeVerdict {
    let floors = floors(inv);
    let services: Vec<ServiceFloor> = inv
        .services
        .iter()
        .zip(&floors)
        .map(|(svc, f)| ServiceFloor {
            service: svc.id.clone(),
            downtime_minutes: plan
                .services
                .iter()
                .find(|d| d.id == svc.id)
                .map_or(0, |d| d.downtime_minutes),
            floor_minutes: f.least_downtime_minutes,
        })
        .collect();
    let by_floors: f64 = inv
        .services
        .iter()
        .zip(&floors)
        .map(|(svc, f)| svc.weight * f.least_downtime_minutes as f64)
        .sum();
    // The core's floor bounds its own on-time figure, which never counts
    // more than the plan's accounting: a bound on that too.
    let core = crate::solve::downtime_floor(&crate::model::compile(inv).problem);
    let weighted_floor = by_floors.max(core);
    let weighted_downtime = crate::plan::weighted_downtime(inv, plan);
    DowntimeVerdict {
        weighted_downtime,
        weighted_floor,
        proven: weighted_downtime <= weighted_floor + 1e-9,
        services: services
            .into_iter()
            .filter(|s| s.downtime_minutes > 0 || s.floor_minutes > 0)
            .collect(),
    }
}

/// The inventory with a partner node for each single point: a new system
/// `<id>-b` like it, a cluster of the two with `min_available: 1` that takes
/// the system's place in services and integrations, and every task on the
/// system repeated on the partner.
fn with_partners(inv: &Inventory, points: &[SinglePoint]) -> Inventory {
    let mut out = inv.clone();
    for p in points {
        let Some(s) = inv.systems.iter().position(|x| x.id == p.system) else {
            continue;
        };
        let partner = out.systems.len();
        let mut sys = inv.systems[s].clone();
        sys.id = format!("{}-b", sys.id);
        out.systems.push(sys);
        let cluster = out.clusters.len();
        out.clusters.push(crate::inventory::Cluster {
            id: format!("{}-pair", inv.systems[s].id),
            members: vec![s, partner],
            min_available: 1,
        });
        let to_pair = |c: &mut Component| {
            if *c == Component::System(s) {
                *c = Component::Cluster(cluster);
            }
        };
        for svc in out.services.iter_mut() {
            svc.requires.iter_mut().for_each(to_pair);
        }
        for i in out.integrations.iter_mut() {
            to_pair(&mut i.from);
            to_pair(&mut i.to);
        }
        // Tasks on the system alone are repeated on the partner; a copy waits
        // for the copies of its predecessors that were repeated too.
        let originals: Vec<usize> = (0..inv.tasks.len())
            .filter(|&t| inv.tasks[t].systems == [s])
            .collect();
        let base = out.tasks.len();
        let copy_of = |t: usize| originals.iter().position(|&o| o == t).map(|k| base + k);
        for &t in &originals {
            let mut c = inv.tasks[t].clone();
            c.id = format!("{}@{}", c.id, out.systems[partner].id);
            c.systems = vec![partner];
            for a in c.after.iter_mut() {
                if let Some(k) = copy_of(a.task) {
                    a.task = k;
                }
            }
            out.tasks.push(c);
        }
    }
    out
}

/// Analyses every service. Each suggestion is a changed inventory,
/// re-planned (in parallel) and re-checked by the independent checker; one
/// that gives no plan is not shown.
pub fn analyse(inv: &Inventory, opts: &SolveOptions) -> Vec<ServiceAvailability> {
    analyse_from(inv, &plan_or_floor_proof(inv, opts), opts)
}

/// [`analyse`] given what planning the inventory with `opts` gave.
pub fn analyse_from(
    inv: &Inventory,
    base: &PlanResult,
    opts: &SolveOptions,
) -> Vec<ServiceAvailability> {
    analyse_within(inv, base, opts, &Budget::unlimited())
}

/// [`analyse_from`] within `budget`: the floors always (they are proofs,
/// computed without search), then each suggestion's re-plan as a unit of
/// the budget, services in order; the changes the budget left out are
/// counted per service (`untried_changes`), not shown as suggestions.
pub fn analyse_within(
    inv: &Inventory,
    base: &PlanResult,
    opts: &SolveOptions,
    budget: &Budget,
) -> Vec<ServiceAvailability> {
    let planned = base.as_ref().ok();
    let short = crate::analysis::explain::short_options(opts, inv.services.len() * 3 + 1);
    floors(inv)
        .into_iter()
        .enumerate()
        .map(|(k, floor)| {
            let changes = candidate_changes(inv, k, &floor.single_points);
            let candidates = changes.len();
            let suggestions = verified(inv, changes, k, &short, budget);
            let untried = suggestions.iter().filter(|s| s.is_none()).count();
            debug_assert!(untried <= candidates);
            ServiceAvailability {
                service: inv.services[k].id.clone(),
                planned_downtime_minutes: planned
                    .and_then(|p| p.services.get(k))
                    .map(|s| s.downtime_minutes),
                least_downtime_minutes: floor.least_downtime_minutes,
                max_downtime_minutes: inv.services[k].max_downtime,
                single_points: floor.single_points,
                never_overlapping: floor.never_overlapping,
                forced_switchovers: floor.forced_switchovers,
                suggestions: suggestions.into_iter().flatten().flatten().collect(),
                untried_changes: untried,
                cut: (untried > 0).then(|| budget.why_short()),
            }
        })
        .collect()
}

/// Re-plans each change (built only when its unit of `budget` starts): per
/// change, `None` when the budget left it out, `Some(None)` when it gave
/// no plan, else the suggestion, with the service's downtime in it (which
/// `plan_inventory` has re-checked).
fn verified(
    inv: &Inventory,
    changes: Vec<Change>,
    service: usize,
    opts: &SolveOptions,
    budget: &Budget,
) -> Vec<Option<Option<Suggestion>>> {
    changes
        .into_par_iter()
        .map(|change| {
            let _unit = budget.start()?;
            let changed = change.apply(inv);
            if budget.stopped().is_some() {
                return None;
            }
            match crate::pipeline::plan_inventory(&changed, &budget.limit(opts)) {
                Ok(p) => Some(p.services.get(service).map(|sd| Suggestion {
                    change: change.what,
                    downtime_minutes: sd.downtime_minutes,
                    window_minutes: p.length_minutes,
                })),
                // Cut short by the budget: not a change that gives no plan.
                Err(crate::error::NoPlan::NotFound(_)) if budget.stopped().is_some() => None,
                Err(_) => Some(None),
            }
        })
        .collect()
}

/// A change that could bring a service to zero, and how to make it (the
/// changed inventory is built only when it is re-planned).
struct Change {
    what: SuggestedChange,
    kind: ChangeKind,
}

enum ChangeKind {
    /// These outage tasks made online changes (no `down:` either).
    Online(Vec<String>),
    /// A redundant partner beside each of these single points.
    Partners(Vec<SinglePoint>),
    /// These sync integrations made async with this tolerance.
    Async(Vec<String>, Time),
    /// Service `k` served from `other` (a group of both sides) while
    /// `side` is down.
    Switchover {
        service: usize,
        side: Component,
        other: Component,
    },
}

impl Change {
    /// The inventory with this change made.
    fn apply(&self, inv: &Inventory) -> Inventory {
        match &self.kind {
            ChangeKind::Online(tasks) => {
                let tasks: HashSet<&str> = tasks.iter().map(String::as_str).collect();
                let mut online = inv.clone();
                for t in online.tasks.iter_mut() {
                    if tasks.contains(t.id.as_str()) {
                        t.outage = false;
                        t.down.clear();
                    }
                }
                online
            }
            ChangeKind::Partners(points) => with_partners(inv, points),
            ChangeKind::Async(ids, tolerance) => {
                let mut changed = inv.clone();
                for i in changed.integrations.iter_mut() {
                    if ids.contains(&i.id) {
                        i.mode = IntegrationMode::Async;
                        i.tolerance = i.tolerance.max(*tolerance);
                    }
                }
                changed
            }
            ChangeKind::Switchover {
                service,
                side,
                other,
            } => {
                let (side, other) = (*side, *other);
                let mut changed = inv.clone();
                let group = changed.clusters.len();
                let mut members = inv.component_systems(side);
                members.extend(inv.component_systems(other));
                changed.clusters.push(crate::inventory::Cluster {
                    id: format!("{}-or-{}", inv.component_id(side), inv.component_id(other)),
                    members,
                    min_available: 1,
                });
                for c in changed.services[*service].requires.iter_mut() {
                    if *c == side {
                        *c = Component::Cluster(group);
                    }
                }
                changed
            }
        }
    }
}

/// The changes that could bring service `k` to zero: outages made online,
/// a second node, sync integrations made async, and serving from the other
/// side of a DR pair.
fn candidate_changes(inv: &Inventory, k: usize, points: &[SinglePoint]) -> Vec<Change> {
    let mut changes: Vec<Change> = Vec::new();
    if !points.is_empty() {
        // Every outage on the single points made an online change.
        let tasks: Vec<String> = points
            .iter()
            .flat_map(|p| p.outage_tasks.iter().cloned())
            .collect();
        changes.push(Change {
            what: SuggestedChange::Online {
                systems: points.iter().map(|p| p.system.clone()).collect(),
            },
            kind: ChangeKind::Online(tasks),
        });
        // A redundant partner for each single system: a second node,
        // patched the same way, in a cluster that keeps one of the two up (a
        // cluster a `down:` takes down whole has its members already).
        let systems: Vec<SinglePoint> = points
            .iter()
            .filter(|p| !p.whole_cluster)
            .cloned()
            .collect();
        if !systems.is_empty() {
            changes.push(Change {
                what: SuggestedChange::SecondNode {
                    systems: systems.iter().map(|p| p.system.clone()).collect(),
                },
                kind: ChangeKind::Partners(systems),
            });
        }
    }
    // Sync integrations on the way made async with enough tolerance.
    let longest = points
        .iter()
        .filter(|p| p.tolerance_minutes == 0)
        .map(|p| p.least_down)
        .max()
        .unwrap_or(0);
    let sync_ids: Vec<String> = points
        .iter()
        .flat_map(|p| p.via.iter())
        .filter_map(|v| {
            v.strip_prefix("sync integration ")
                .and_then(|r| r.split(' ').next())
        })
        .map(str::to_string)
        .collect();
    if !sync_ids.is_empty() {
        changes.push(Change {
            what: SuggestedChange::Async {
                integrations: sync_ids.clone(),
                tolerance_minutes: longest,
            },
            kind: ChangeKind::Async(sync_ids, longest),
        });
    }
    changes.extend(switchovers(inv, k));
    changes
}

/// For each DR pair one side of which service `k` requires (and not the
/// other) while that side has outage tasks: the service served from the
/// other side while it is down. Re-planned as the service requiring a group
/// of both sides' systems that is up while any of them is (a cluster with
/// `min_available: 1`, taking the required side's place in the service's
/// `requires`); the DR pair already keeps the two sides from being down at
/// once, so the group adds no rule, only the board's switchover.
fn switchovers(inv: &Inventory, k: usize) -> Vec<Change> {
    let svc = &inv.services[k];
    let mut out = Vec::new();
    for pair in &inv.dr {
        for (side, other, role) in [
            (pair.primary, pair.standby, "standby"),
            (pair.standby, pair.primary, "primary"),
        ] {
            if !svc.requires.contains(&side)
                || svc.requires.contains(&other)
                || crate::graph::outage_tasks_of(inv, side).is_empty()
            {
                continue;
            }
            let (a, b) = (inv.component_id(side), inv.component_id(other));
            out.push(Change {
                what: SuggestedChange::Switchover {
                    service: svc.id.clone(),
                    role: role.to_string(),
                    side: a.to_string(),
                    other: b.to_string(),
                },
                kind: ChangeKind::Switchover {
                    service: k,
                    side,
                    other,
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{load_str, Format};
    use std::time::Duration;

    #[test]
    fn single_database_is_the_floor_and_online_change_clears_it() {
        let inv = load_str(
            r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: web-1 }, { id: web-2 }, { id: db }, { id: idp }]
clusters: [{ id: web, members: [web-1, web-2], min_available: 1 }]
services: [{ id: shop, requires: [web, db] }]
integrations: [{ id: sso, from: idp, to: web, mode: sync }]
tasks:
  - { id: patch-web, cluster: web, duration: 30m }
  - { id: patch-db, system: db, duration: 40m }
  - { id: upgrade-idp, system: idp, duration: 20m }
"#,
            Format::Yaml,
            "t.yaml",
        )
        .unwrap();
        let opts = SolveOptions {
            time_limit: Duration::from_millis(500),
            threads: 1,
            ..Default::default()
        };
        let r = analyse(&inv, &opts);
        assert_eq!(r.len(), 1);
        let shop = &r[0];
        // db (40m) is required directly; idp (20m) reaches the web tier by sync.
        let names: Vec<&str> = shop
            .single_points
            .iter()
            .map(|p| p.system.as_str())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"db") && names.contains(&"idp"));
        assert_eq!(shop.least_downtime_minutes, 40);
        assert!(shop.planned_downtime_minutes.unwrap() >= 40);
        let online = &shop.suggestions[0];
        assert_eq!(online.downtime_minutes, 0, "{online:?}");
        assert!(shop
            .suggestions
            .iter()
            .any(|g| crate::report::availability::change_words(&g.change).contains("async")));
        let partner = shop
            .suggestions
            .iter()
            .find(|g| crate::report::availability::change_words(&g.change).contains("second node"))
            .unwrap();
        assert_eq!(partner.downtime_minutes, 0, "{partner:?}");

        // Issue #21.22: within a budget of one re-plan, the floors are all
        // there (proofs, no search) and the changes left out are counted
        // and said, not dropped silently.
        use crate::analysis::budget::{Budget, Cut};
        let base = plan_or_floor_proof(&inv, &opts);
        let budget = Budget::unlimited().with_units(1);
        let cut = analyse_within(&inv, &base, &opts, &budget);
        let shop = &cut[0];
        assert_eq!(shop.least_downtime_minutes, 40);
        assert_eq!(shop.single_points.len(), 2);
        let candidates = r[0].suggestions.len();
        assert!(candidates >= 3, "{:?}", r[0].suggestions);
        assert!(shop.suggestions.len() <= 1);
        assert_eq!(shop.untried_changes, candidates - 1);
        assert_eq!(shop.cut, Some(Cut::WorkLimit));
        let text = crate::report::availability::text(&cut);
        assert!(
            text.contains(&format!(
                "what if: {} more changes not re-planned within the work allowed",
                candidates - 1
            )),
            "{text}"
        );
        let json = serde_json::to_value(&cut).unwrap();
        assert_eq!(json[0]["untried_changes"], candidates - 1);
        // Without a budget nothing is said about it.
        assert!(!crate::report::availability::text(&r).contains("not re-planned"));
    }
}

#[cfg(test)]
mod suggestion_tests {
    use super::*;
    use crate::inventory::{load_str, Format};
    use std::time::Duration;

    fn opts() -> SolveOptions {
        SolveOptions {
            time_limit: Duration::from_millis(600),
            threads: 1,
            ..Default::default()
        }
    }

    /// A second node would double the one engineer's work past the
    /// deadline: that suggestion has no plan and is not shown; the online
    /// change has one and is shown with the downtime it gives.
    #[test]
    fn a_suggestion_without_a_plan_is_not_shown() {
        let inv = load_str(
            r#"
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T22:50 }
teams: [{ id: ops, capacity: 1 }]
systems: [{ id: db }]
services: [{ id: shop, requires: [db] }]
tasks: [{ id: patch-db, system: db, duration: 40m, team: ops }]
"#,
            Format::Yaml,
            "t.yaml",
        )
        .unwrap();
        let shop = &analyse(&inv, &opts())[0];
        assert_eq!(shop.least_downtime_minutes, 40);
        assert!(
            shop.suggestions
                .iter()
                .all(|g| !crate::report::availability::change_words(&g.change)
                    .contains("second node")),
            "{:?}",
            shop.suggestions
        );
        assert_eq!(shop.suggestions.len(), 1, "{:?}", shop.suggestions);
        assert_eq!(shop.suggestions[0].downtime_minutes, 0);
        let text = crate::report::availability::text(std::slice::from_ref(shop));
        assert!(!text.contains("no plan found"), "{text}");
    }

    /// A service on the primary of a DR pair is offered the switchover to
    /// the standby, verified by re-planning: zero downtime.
    #[test]
    fn a_service_on_a_dr_primary_is_offered_the_standby() {
        let inv = load_str(
            r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: dba, capacity: 2 }]
systems: [{ id: db-a }, { id: db-b }]
dr: [{ primary: db-a, standby: db-b }]
services: [{ id: shop, requires: [db-a] }]
tasks:
  - { id: patch-a, system: db-a, duration: 30m, team: dba }
  - { id: patch-b, system: db-b, duration: 30m, team: dba }
"#,
            Format::Yaml,
            "t.yaml",
        )
        .unwrap();
        let shop = &analyse(&inv, &opts())[0];
        assert_eq!(shop.least_downtime_minutes, 30);
        let dr = shop
            .suggestions
            .iter()
            .find(|g| {
                crate::report::availability::change_words(&g.change)
                    .contains("from the standby db-b while db-a is patched")
            })
            .unwrap_or_else(|| panic!("{:?}", shop.suggestions));
        assert_eq!(dr.downtime_minutes, 0);
        assert_eq!(dr.window_minutes, 60);
        assert!(
            crate::report::availability::change_words(&dr.change)
                .contains("switch it over to db-b"),
            "{:?}",
            dr.change
        );
    }
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod floor_tests;
