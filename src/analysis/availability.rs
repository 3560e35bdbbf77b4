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
//! The floor is the largest such sum, and a lower bound on the service's
//! downtime in every plan; a gap of a minute between two outages is enough
//! to ride each out, so a plan can be longer than the shortest one to reach
//! it.

use crate::base::fmt_minutes;
use crate::base::Time;
use crate::inventory::{Component, IntegrationMode, Inventory};
use crate::pipeline::PlanResult;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

/// A non-redundant system whose outages take a service down.
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
}

/// Outages of systems feeding a service that can never run at the same
/// minute, and what each forces on the service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForcedOutage {
    /// System id.
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
    /// The change in words, e.g. "make `db` redundant".
    pub change: String,
    /// Downtime of the service in the re-planned inventory.
    pub downtime_minutes: Time,
    /// Window length of the re-planned inventory.
    pub window_minutes: Time,
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
    /// Non-redundant systems whose outages take it down, worst first.
    pub single_points: Vec<SinglePoint>,
    /// When outages on several systems that can never overlap together
    /// force more than any single point: those outages (their minutes sum to
    /// `least_downtime_minutes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub never_overlapping: Vec<ForcedOutage>,
    /// Changes that lower its downtime, each verified by re-planning.
    pub suggestions: Vec<Suggestion>,
}

/// A service's floor: its single points, the outages that add up, and the
/// least downtime they force.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Floor {
    pub single_points: Vec<SinglePoint>,
    pub never_overlapping: Vec<ForcedOutage>,
    pub least_downtime_minutes: Time,
}

/// A system whose outages reach a service, by the route with the least total
/// async tolerance.
#[derive(Debug, Clone, PartialEq)]
struct Route {
    system: usize,
    tolerance: Time,
    via: Vec<String>,
}

/// Every system whose outages reach the service: required systems, and
/// producers of integrations into a required component (or into another
/// such producer), each by its route of least total async tolerance
/// (Dijkstra over the integrations, sync hops weighing 0), nearest first. A
/// cluster is down only while no member is up, which no plan is forced into,
/// so its members are not followed; integrations into a cluster are.
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
        if v < ns {
            out.push(Route {
                system: v,
                tolerance: d,
                via,
            });
        }
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

/// Outage tasks forming one continuous outage of a system in every plan.
#[derive(Debug, Clone)]
struct Block {
    system: usize,
    tasks: Vec<usize>,
    tolerance: Time,
    /// Minutes the service is down during them.
    minutes: Time,
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

/// The floor of one service (see the module documentation).
fn floor_of(inv: &Inventory, service: usize, sep: &mut Separation) -> Floor {
    let mut points = Vec::new();
    let mut candidates: Vec<Block> = Vec::new();
    for r in routes(inv, service) {
        let tasks = crate::graph::outage_tasks_of(inv, Component::System(r.system));
        if tasks.is_empty() {
            continue;
        }
        let t = r.tolerance;
        let running: Vec<usize> = tasks
            .iter()
            .copied()
            .filter(|&k| inv.tasks[k].duration > 0)
            .collect();
        let pc = Time::from(inv.systems[r.system].parallel_changes.max(1));
        let past = |d: Time| (d - t).max(0);
        let least_down = if pc == 1 {
            // One task at a time: continuous outages are the blocks, and
            // they never overlap.
            let mut sum = 0;
            for b in blocks_of(&running, sep) {
                let minutes = past(b.iter().map(|&k| inv.tasks[k].duration).sum());
                sum += minutes;
                if b.len() > 1 {
                    // Alone, a member may be apart from outages the whole
                    // block is not.
                    for &k in &b {
                        if past(inv.tasks[k].duration) > 0 {
                            candidates.push(Block {
                                system: r.system,
                                tasks: vec![k],
                                tolerance: t,
                                minutes: past(inv.tasks[k].duration),
                            });
                        }
                    }
                }
                if minutes > 0 {
                    candidates.push(Block {
                        system: r.system,
                        tasks: b,
                        tolerance: t,
                        minutes,
                    });
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
                    candidates.push(Block {
                        system: r.system,
                        tasks: vec![k],
                        tolerance: t,
                        minutes,
                    });
                }
            }
            let longest = shares.iter().copied().max().unwrap_or(0);
            longest.max((shares.iter().sum::<Time>() + pc - 1) / pc)
        };
        points.push(SinglePoint {
            system: inv.systems[r.system].id.clone(),
            via: r.via,
            tolerance_minutes: t,
            outage_tasks: tasks.iter().map(|&k| inv.tasks[k].id.clone()).collect(),
            least_down,
        });
    }
    let single = points.iter().map(|p| p.least_down).max().unwrap_or(0);

    // Outages that never overlap add up. A task on several systems appears
    // once per system; the heaviest copy is kept.
    candidates.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.tasks.cmp(&b.tasks)));
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    candidates.retain(|c| seen.insert(c.tasks.clone()));
    candidates.truncate(MAX_CANDIDATES);
    let n = candidates.len();
    let mut adj = vec![0u64; n];
    for a in 0..n {
        for b in a + 1..n {
            let mut ok = true;
            'pairs: for &i in &candidates[a].tasks {
                for &j in &candidates[b].tasks {
                    if !sep.apart(i, j) {
                        ok = false;
                        break 'pairs;
                    }
                }
            }
            if ok {
                adj[a] |= 1 << b;
                adj[b] |= 1 << a;
            }
        }
    }
    let weights: Vec<Time> = candidates.iter().map(|c| c.minutes).collect();
    let (together, set) = heaviest_compatible(&weights, &adj);
    let never_overlapping = if together > single && set.count_ones() > 1 {
        (0..n)
            .filter(|&k| set & (1 << k) != 0)
            .map(|k| {
                let c = &candidates[k];
                ForcedOutage {
                    system: inv.systems[c.system].id.clone(),
                    tasks: c.tasks.iter().map(|&i| inv.tasks[i].id.clone()).collect(),
                    tolerance_minutes: c.tolerance,
                    minutes: c.minutes,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Floor {
        single_points: points,
        never_overlapping,
        least_downtime_minutes: single.max(together),
    }
}

/// The floor of every service, in inventory order: a lower bound on its
/// downtime in every plan that keeps the inventory's rules.
pub(crate) fn floors(inv: &Inventory) -> Vec<Floor> {
    let mut sep = Separation::new(inv);
    (0..inv.services.len())
        .map(|k| floor_of(inv, k, &mut sep))
        .collect()
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
    analyse_from(inv, &crate::pipeline::plan_inventory(inv, opts), opts)
}

/// [`analyse`] given what planning the inventory with `opts` gave.
pub fn analyse_from(
    inv: &Inventory,
    base: &PlanResult,
    opts: &SolveOptions,
) -> Vec<ServiceAvailability> {
    let planned = base.as_ref().ok();
    let short = crate::analysis::explain::short_options(opts, inv.services.len() * 3 + 1);
    floors(inv)
        .into_iter()
        .enumerate()
        .map(|(k, floor)| {
            let changes = candidate_changes(inv, k, &floor.single_points);
            ServiceAvailability {
                service: inv.services[k].id.clone(),
                planned_downtime_minutes: planned
                    .and_then(|p| p.services.get(k))
                    .map(|s| s.downtime_minutes),
                least_downtime_minutes: floor.least_downtime_minutes,
                single_points: floor.single_points,
                never_overlapping: floor.never_overlapping,
                suggestions: verified(changes, k, &short),
            }
        })
        .collect()
}

/// Re-plans each changed inventory: the suggestions that gave a plan (which
/// `plan_inventory` has re-checked), with the service's downtime in it.
fn verified(
    changes: Vec<(String, Inventory)>,
    service: usize,
    opts: &SolveOptions,
) -> Vec<Suggestion> {
    changes
        .into_par_iter()
        .filter_map(
            |(change, changed)| match crate::pipeline::plan_inventory(&changed, opts) {
                Ok(p) => Some(Suggestion {
                    change,
                    downtime_minutes: p.services.get(service)?.downtime_minutes,
                    window_minutes: p.length_minutes,
                }),
                _ => None,
            },
        )
        .collect()
}

/// The changes that could bring service `k` to zero, each with the changed
/// inventory: outages made online, a second node, sync integrations made
/// async, and serving from the other side of a DR pair.
fn candidate_changes(
    inv: &Inventory,
    k: usize,
    points: &[SinglePoint],
) -> Vec<(String, Inventory)> {
    let mut changes: Vec<(String, Inventory)> = Vec::new();
    let names =
        crate::base::join_words(&points.iter().map(|p| p.system.as_str()).collect::<Vec<_>>());
    if !points.is_empty() {
        // Every outage on the single points made an online change.
        let mut online = inv.clone();
        for p in points {
            for t in online.tasks.iter_mut() {
                if p.outage_tasks.contains(&t.id) {
                    t.outage = false;
                }
            }
        }
        changes.push((
            format!("make the outage tasks on {names} online changes (outage: false), e.g. by failing over first"),
            online,
        ));
        // A redundant partner for each single point: a second node, patched
        // the same way, in a cluster that keeps one of the two up.
        changes.push((
            format!("add a second node beside {names} (a cluster keeping one of the two up; its tasks repeated on the new node)"),
            with_partners(inv, points),
        ));
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
        let mut changed = inv.clone();
        for i in changed.integrations.iter_mut() {
            if sync_ids.contains(&i.id) {
                i.mode = IntegrationMode::Async;
                i.tolerance = i.tolerance.max(longest);
            }
        }
        changes.push((
            format!(
                "make integration {} async with a tolerance of {}",
                crate::base::join_words(&sync_ids),
                fmt_minutes(longest)
            ),
            changed,
        ));
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
fn switchovers(inv: &Inventory, k: usize) -> Vec<(String, Inventory)> {
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
            let mut changed = inv.clone();
            let group = changed.clusters.len();
            let mut members = inv.component_systems(side);
            members.extend(inv.component_systems(other));
            changed.clusters.push(crate::inventory::Cluster {
                id: format!("{}-or-{}", inv.component_id(side), inv.component_id(other)),
                members,
                min_available: 1,
            });
            for c in changed.services[k].requires.iter_mut() {
                if *c == side {
                    *c = Component::Cluster(group);
                }
            }
            let (a, b) = (inv.component_id(side), inv.component_id(other));
            out.push((
                format!(
                    "serve {} from the {role} {b} while {a} is patched: switch it over to {b} before {a}'s outages and back after (the DR pair never has both down; the time a switchover itself takes is not counted)",
                    svc.id
                ),
                changed,
            ));
        }
    }
    out
}

/// The analysis in words.
pub fn to_text(report: &[ServiceAvailability]) -> String {
    let mut s = String::new();
    for a in report {
        let planned = a
            .planned_downtime_minutes
            .map(fmt_minutes)
            .unwrap_or_else(|| "no plan".into());
        let _ = writeln!(
            s,
            "{}: down {} in the plan; no plan can keep it down less than {}",
            a.service,
            planned,
            fmt_minutes(a.least_downtime_minutes)
        );
        if a.single_points.is_empty() {
            let _ = writeln!(
                s,
                "  no single point of failure carries an outage: zero downtime is possible"
            );
        }
        for p in &a.single_points {
            let outcome = if p.tolerance_minutes == 0 {
                format!("at least {} down", fmt_minutes(p.least_down))
            } else if p.least_down > 0 {
                format!(
                    "at least {} down past the {} tolerance",
                    fmt_minutes(p.least_down),
                    fmt_minutes(p.tolerance_minutes)
                )
            } else {
                format!(
                    "each fits within the {} tolerance on its own (back to back they may not)",
                    fmt_minutes(p.tolerance_minutes)
                )
            };
            let what = if p.least_down > 0 {
                "single point of failure"
            } else {
                "outages reach it from"
            };
            let _ = writeln!(
                s,
                "  {} {} ({}): outages {} — {}",
                what,
                p.system,
                p.via.join(", "),
                p.outage_tasks.join(", "),
                outcome
            );
        }
        if !a.never_overlapping.is_empty() {
            let parts: Vec<String> = a
                .never_overlapping
                .iter()
                .map(|o| {
                    let past = if o.tolerance_minutes > 0 {
                        format!(" past the {} tolerance", fmt_minutes(o.tolerance_minutes))
                    } else {
                        String::new()
                    };
                    format!(
                        "{} on {} ({}{})",
                        o.tasks.join(" + "),
                        o.system,
                        fmt_minutes(o.minutes),
                        past
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  outages that can never overlap: {} — together at least {}",
                crate::base::join_words(&parts),
                fmt_minutes(a.least_downtime_minutes)
            );
        }
        for g in &a.suggestions {
            let _ = writeln!(
                s,
                "  what if: {} → re-planned and checked: down {}, window {}",
                g.change,
                fmt_minutes(g.downtime_minutes),
                fmt_minutes(g.window_minutes)
            );
        }
    }
    s
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
        assert!(shop.suggestions.iter().any(|g| g.change.contains("async")));
        let partner = shop
            .suggestions
            .iter()
            .find(|g| g.change.contains("second node"))
            .unwrap();
        assert_eq!(partner.downtime_minutes, 0, "{partner:?}");
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
                .all(|g| !g.change.contains("second node")),
            "{:?}",
            shop.suggestions
        );
        assert_eq!(shop.suggestions.len(), 1, "{:?}", shop.suggestions);
        assert_eq!(shop.suggestions[0].downtime_minutes, 0);
        let text = to_text(std::slice::from_ref(shop));
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
                g.change
                    .contains("from the standby db-b while db-a is patched")
            })
            .unwrap_or_else(|| panic!("{:?}", shop.suggestions));
        assert_eq!(dr.downtime_minutes, 0);
        assert_eq!(dr.window_minutes, 60);
        assert!(
            dr.change.contains("switch it over to db-b"),
            "{}",
            dr.change
        );
    }
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod floor_tests;
