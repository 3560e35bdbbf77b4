//! The critical chain of a plan: from the task that ends last, walk back
//! through whatever kept each task from starting one minute earlier — a
//! predecessor, a team at capacity, a cluster at its availability limit, a
//! zone limit, a DR rule, a window, a blackout, a team's hours.
//!
//! Moving a task one minute earlier only adds the minute before its start,
//! so every rule is asked about that one minute: the answer is exact for
//! resources, DR pairs, blackouts and hours, and a precedence holds a task
//! back when its lag is met exactly.

use crate::graph::{self, EdgeKind};
use crate::inventory::{DrOrder, Inventory};
use crate::model::compile::ResourceOrigin;
use crate::model::{Compiled, Time};
use crate::plan::clock;
use serde::Serialize;

/// One reason a task on the critical chain starts when it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeldBy {
    /// It starts at the window start.
    WindowStart,
    /// `after`: a predecessor (with its lag) ends just in time.
    Predecessor {
        /// The predecessor's task id.
        task: String,
        /// The `after` lag, in minutes.
        lag: Time,
    },
    /// A DR `order`: every outage of the other side comes first.
    DrOrder {
        /// Name of the DR pair.
        pair: String,
        /// The pair's order: `primary_first` or `standby_first`.
        order: String,
        /// The other side's task that comes first.
        task: String,
    },
    /// The `max_lag` of a successor: this task may end at most `max_lag`
    /// before `task` starts, and `task` could not start earlier.
    MaxLag {
        /// The successor's task id.
        task: String,
        /// The successor's `max_lag`, in minutes.
        max_lag: Time,
    },
    /// A team at capacity: `busy` held it the minute before.
    Team {
        /// Team name.
        team: String,
        /// How many of its members work at once.
        capacity: i64,
        /// Tasks that held its members the minute before.
        busy: Vec<String>,
    },
    /// A team (a vendor engineer) not on duty the minute before.
    TeamHours {
        /// Team name.
        team: String,
        /// When it comes on duty, wall-clock.
        from: String,
    },
    /// A system that takes `capacity` changes at a time.
    System {
        /// System name.
        system: String,
        /// Its `parallel_changes`.
        capacity: i64,
        /// Tasks changing it the minute before.
        busy: Vec<String>,
    },
    /// A cluster at its availability limit: `down` were down.
    Cluster {
        /// Cluster name.
        cluster: String,
        /// How many of its members may be down at once.
        max_down: i64,
        /// Members' tasks that were down the minute before.
        down: Vec<String>,
    },
    /// A zone at its limit of concurrent changes.
    Zone {
        /// Zone name.
        zone: String,
        /// Its `max_concurrent`.
        max_concurrent: i64,
        /// Tasks running in it the minute before.
        busy: Vec<String>,
    },
    /// A DR pair: the other side (`task`) was down.
    DrPair {
        /// Name of the DR pair.
        pair: String,
        /// The other side's task that was down.
        task: String,
    },
    /// Its windows: the one it runs in opens at `opens`.
    Window {
        /// When the window opens, wall-clock.
        opens: String,
    },
    /// A blackout over it lasts until `until`.
    Blackout {
        /// Index into the inventory's `blackouts`.
        index: usize,
        /// The blackout's `reason`, if it gives one.
        reason: Option<String>,
        /// Wall-clock end of the blackout (`HH:MM`).
        until: String,
    },
    /// Nothing held it: the plan leaves slack before it.
    Slack,
}

/// One link of the critical chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainLink {
    /// Task id.
    pub task: String,
    /// Start, in minutes from the window start.
    pub start_minute: Time,
    /// End (exclusive), in minutes from the window start.
    pub end_minute: Time,
    /// Wall-clock start and end (`HH:MM` in the first day).
    pub start: String,
    /// Wall-clock end (`HH:MM`).
    pub end: String,
    /// Every rule that kept it from starting a minute earlier; the chain
    /// continues through the first one that names a task.
    pub held_by: Vec<HeldBy>,
}

/// The critical chain of a schedule (one start per task), in causal order:
/// the first link starts at the window start (or is held by its calendar),
/// the last one is the task that ends last.
pub fn critical_chain(inv: &Inventory, compiled: &Compiled, starts: &[Time]) -> Vec<ChainLink> {
    let n = inv.tasks.len();
    if n == 0 || starts.len() != n {
        return Vec::new();
    }
    // Indexed once, so each link costs its own task's edges and resources'
    // users, not a scan of every task (the chain of a 10 000-task plan has
    // hundreds of links, and `risk` finds one per sample).
    let edges = graph::edges(inv);
    let mut edges_into: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in edges.iter().enumerate() {
        if e.to < n && e.from != e.to {
            edges_into[e.to].push(k);
        }
    }
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); compiled.problem.resources.len()];
    for (o, a) in compiled.problem.activities.iter().enumerate().take(n) {
        for d in &a.demands {
            if let Some(u) = users.get_mut(d.resource) {
                if u.last() != Some(&o) {
                    u.push(o);
                }
            }
        }
    }
    let index = Index {
        edges: &edges,
        edges_into: &edges_into,
        users: &users,
    };
    let end = |t: usize| starts[t] + inv.tasks[t].duration;
    let mut cur = (0..n)
        .max_by_key(|&t| (end(t), std::cmp::Reverse(t)))
        .unwrap_or(0);
    let mut chain = Vec::new();
    let mut seen = vec![false; n];
    loop {
        seen[cur] = true;
        let (held_by, next) = reasons(inv, compiled, &index, starts, cur, &seen);
        chain.push(ChainLink {
            task: inv.tasks[cur].id.clone(),
            start_minute: starts[cur],
            end_minute: end(cur),
            start: clock(&inv.window, starts[cur]),
            end: clock(&inv.window, end(cur)),
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

/// The edges into each task and the users of each resource.
struct Index<'a> {
    edges: &'a [graph::Edge],
    edges_into: &'a [Vec<usize>],
    users: &'a [Vec<usize>],
}

/// Why `cur` does not start a minute earlier, and the task to follow.
fn reasons(
    inv: &Inventory,
    compiled: &Compiled,
    index: &Index,
    starts: &[Time],
    cur: usize,
    seen: &[bool],
) -> (Vec<HeldBy>, Option<usize>) {
    let s = starts[cur];
    if s <= 0 {
        return (vec![HeldBy::WindowStart], None);
    }
    let held = MinuteBefore {
        inv,
        compiled,
        starts,
        cur,
        seen,
        s,
        t: s - 1,
        users: index.users,
    };
    let mut out: Vec<(HeldBy, Option<usize>)> = held.precedences(index);
    held.resources(&mut out);
    held.dr_pairs(&mut out);
    held.calendar(&mut out);
    if out.is_empty() {
        return (vec![HeldBy::Slack], None);
    }
    let next = out.iter().find_map(|(_, f)| *f);
    (out.into_iter().map(|(h, _)| h).collect(), next)
}

/// The minute `t` before task `cur` starts at `s`: what held it there.
/// Each reason comes with the task the chain follows from it, if any
/// (`seen` ones are not followed again).
struct MinuteBefore<'a> {
    inv: &'a Inventory,
    compiled: &'a Compiled,
    starts: &'a [Time],
    cur: usize,
    seen: &'a [bool],
    s: Time,
    t: Time,
    /// Per resource, the tasks that use it.
    users: &'a [Vec<usize>],
}

impl MinuteBefore<'_> {
    fn dur(&self, i: usize) -> Time {
        self.inv.tasks[i].duration
    }

    fn end(&self, i: usize) -> Time {
        self.starts[i] + self.dur(i)
    }

    /// Whether task `i` (not `cur`) runs in minute `t`.
    fn running_at(&self, i: usize) -> bool {
        i != self.cur && self.starts[i] <= self.t && self.t < self.end(i) && self.dur(i) > 0
    }

    fn id(&self, i: usize) -> String {
        self.inv.tasks[i].id.clone()
    }

    /// Of `candidates`, the one to follow: not seen, ending right at `s`
    /// first, then the earliest end.
    fn follow_among(&self, candidates: &[usize]) -> Option<usize> {
        candidates
            .iter()
            .copied()
            .filter(|&o| !self.seen[o])
            .min_by_key(|&o| ((self.end(o) != self.s), self.end(o), o))
    }

    /// Precedences met exactly (after, DR order), then max lags of
    /// successors (they point forwards in time).
    fn precedences(&self, index: &Index) -> Vec<(HeldBy, Option<usize>)> {
        let (inv, cur) = (self.inv, self.cur);
        let mut out = Vec::new();
        for e in index.edges_into[cur].iter().map(|&k| &index.edges[k]) {
            if self.starts[e.from] + e.lag != self.s {
                continue;
            }
            let follow = (!self.seen[e.from]).then_some(e.from);
            let why = match e.kind {
                EdgeKind::After { .. } => HeldBy::Predecessor {
                    task: self.id(e.from),
                    lag: e.lag - self.dur(e.from),
                },
                EdgeKind::DrOrder { pair } => {
                    let p = &inv.dr[pair];
                    HeldBy::DrOrder {
                        pair: pair_name(inv, pair),
                        order: match p.order {
                            Some(DrOrder::PrimaryFirst) => "primary_first",
                            _ => "standby_first",
                        }
                        .into(),
                        task: self.id(e.from),
                    }
                }
                EdgeKind::MaxLag { .. } => HeldBy::MaxLag {
                    task: self.id(e.from),
                    max_lag: -e.lag - self.dur(cur),
                },
            };
            out.push((why, follow));
        }
        // Precedence reasons first, then max lags.
        out.sort_by_key(|(h, _)| matches!(h, HeldBy::MaxLag { .. }));
        out
    }

    /// Resources of `cur` at their limit the minute before.
    fn resources(&self, out: &mut Vec<(HeldBy, Option<usize>)>) {
        let p = &self.compiled.problem;
        for d in &p.activities[self.cur].demands {
            let users: Vec<usize> = self
                .users
                .get(d.resource)
                .map_or(&[][..], |u| &u[..])
                .iter()
                .copied()
                .filter(|&o| self.running_at(o))
                .collect();
            let used: i64 = users
                .iter()
                .flat_map(|&o| p.activities[o].demands.iter())
                .filter(|e| e.resource == d.resource)
                .map(|e| e.amount)
                .sum();
            let cap = p.resources[d.resource].capacity_at(self.t);
            if used + d.amount <= cap {
                continue;
            }
            out.push(self.resource_full(d.resource, cap, d.amount, &users));
        }
    }

    /// Why resource `r` (capacity `cap` in minute `t`), used by `users`,
    /// had no room for `amount` more: a team off duty, or the team,
    /// system, cluster or zone busy.
    fn resource_full(
        &self,
        r: usize,
        cap: i64,
        amount: i64,
        users: &[usize],
    ) -> (HeldBy, Option<usize>) {
        let inv = self.inv;
        let res = &self.compiled.problem.resources[r];
        let origin = self.compiled.resource_origin.get(r).copied();
        if cap < amount {
            if let Some(ResourceOrigin::Team(k)) = origin {
                let from = res
                    .steps
                    .iter()
                    .find(|&&(at, c)| at > self.t && c >= amount)
                    .map(|&(at, _)| at)
                    .unwrap_or(self.s);
                return (
                    HeldBy::TeamHours {
                        team: inv.teams[k].id.clone(),
                        from: clock(&inv.window, from),
                    },
                    None,
                );
            }
        }
        let names: Vec<String> = users.iter().map(|&o| self.id(o)).collect();
        let follow = self.follow_among(users);
        let why = match origin {
            Some(ResourceOrigin::Team(k)) => HeldBy::Team {
                team: inv.teams[k].id.clone(),
                capacity: cap,
                busy: names,
            },
            Some(ResourceOrigin::System(k)) => HeldBy::System {
                system: inv.systems[k].id.clone(),
                capacity: cap,
                busy: names,
            },
            Some(ResourceOrigin::Cluster(k)) => HeldBy::Cluster {
                cluster: inv.clusters[k].id.clone(),
                max_down: cap,
                down: names,
            },
            Some(ResourceOrigin::Zone(k)) => HeldBy::Zone {
                zone: inv.zones[k].id.clone(),
                max_concurrent: cap,
                busy: names,
            },
            None => HeldBy::System {
                system: res.name.clone(),
                capacity: cap,
                busy: names,
            },
        };
        (why, follow)
    }

    /// DR pairs: the other side was down.
    fn dr_pairs(&self, out: &mut Vec<(HeldBy, Option<usize>)>) {
        let p = &self.compiled.problem;
        for (x, excl) in p.exclusions.iter().enumerate() {
            let Some(mine) = excl.sides.iter().position(|side| side.contains(&self.cur)) else {
                continue;
            };
            let others: Vec<usize> = excl
                .sides
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != mine)
                .flat_map(|(_, side)| side.iter().copied())
                .filter(|&o| self.running_at(o))
                .collect();
            if let Some(o) = self.follow_among(&others).or(others.first().copied()) {
                let pair = self
                    .compiled
                    .exclusion_origin
                    .get(x)
                    .map(|&k| pair_name(self.inv, k))
                    .unwrap_or_else(|| excl.name.clone());
                out.push((
                    HeldBy::DrPair {
                        pair,
                        task: self.id(o),
                    },
                    (!self.seen[o]).then_some(o),
                ));
            }
        }
    }

    /// Calendar: a change window not yet open, blackouts covering the task.
    fn calendar(&self, out: &mut Vec<(HeldBy, Option<usize>)>) {
        let inv = self.inv;
        let (s, t) = (self.s, self.t);
        let task = &inv.tasks[self.cur];
        let d = task.duration;
        if let Some(ws) = &task.windows {
            if !ws.iter().any(|w| w.contains_run(t, d)) {
                let opens = ws
                    .iter()
                    .find(|w| w.contains_run(s, d))
                    .map(|w| w.start)
                    .unwrap_or(s);
                out.push((
                    HeldBy::Window {
                        opens: clock(&inv.window, opens),
                    },
                    None,
                ));
            }
        }
        for (k, b) in inv.blackouts.iter().enumerate() {
            if b.interval.overlaps_run(t, d.max(1)) && inv.blackout_covers(b, task) {
                out.push((
                    HeldBy::Blackout {
                        index: k,
                        reason: b.reason.clone(),
                        until: clock(&inv.window, b.interval.end),
                    },
                    None,
                ));
            }
        }
    }
}

/// "core-db-a / core-db-b" for DR pair `k`.
fn pair_name(inv: &Inventory, k: usize) -> String {
    let p = &inv.dr[k];
    format!(
        "{} / {}",
        inv.component_id(p.primary),
        inv.component_id(p.standby)
    )
}
