//! The order a checked plan imposes, as an executor can hold it: a reduced
//! set of finish-to-start edges (every precedence of the plan, and, for two
//! activities the plan keeps apart on a resource or a DR pair, the earlier
//! before the later), the replay of those edges at the earliest start with
//! the plan's durations, and the "not before" gates (hold a task until its
//! planned start) that the replay needs to keep every rule.
//!
//! Why the edges are enough for capacity: an activity of the replay never
//! starts later than in the plan, and two activities that share a resource
//! and do not overlap in the plan are ordered by an edge, so the activities
//! that overlap in the replay overlap in the plan too; every set of
//! activities running at one minute of the replay then ran together in the
//! plan, within the capacity. What the edges cannot hold (time windows,
//! blackouts, team hours, maximum lags, service downtime) is found by the
//! independent checker on the replay and held by gates, until the replay
//! keeps every rule (at worst every task is gated and the replay is the
//! plan itself, which the checker accepted).

use crate::base::Time;
use crate::inventory::Inventory;

/// Why an edge orders two activities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A precedence of the plan (`after`, steps, canary, DR order).
    After,
    /// Both use this resource (system, team, cluster, zone) and the plan
    /// runs the earlier first.
    Capacity(String),
    /// The two sides of this DR pair are never down together.
    Apart(String),
}

/// `to` starts at least `lag` minutes after `from` ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Task index of the earlier activity.
    pub from: usize,
    /// Task index of the later activity.
    pub to: usize,
    /// Minutes at least between the end of `from` and the start of `to` (≥ 0).
    pub lag: Time,
    /// The rule behind the edge.
    pub why: Why,
}

/// The plan's order: reduced edges over the tasks of the inventory.
#[derive(Debug, Clone)]
pub struct NightOrder {
    /// The edges, transitively reduced (an edge of lag 0 implied by a path
    /// is left out; edges with a lag are kept).
    pub edges: Vec<Edge>,
    /// Tasks in an order every edge follows (plan start, end, index).
    pub topo: Vec<usize>,
}

/// Above this many tasks the edges are not reduced beyond what each
/// resource's own sweep leaves out (the reduction needs tasks² bits).
const MAX_REDUCE_TASKS: usize = 20_000;

impl NightOrder {
    /// The order the plan `starts` (checked) imposes on the inventory's tasks.
    pub fn of(inv: &Inventory, starts: &[Time]) -> NightOrder {
        let n = inv.tasks.len();
        let end = |t: usize| starts[t] + inv.tasks[t].duration;
        let mut topo: Vec<usize> = (0..n).collect();
        topo.sort_by_key(|&t| (starts[t], end(t), t));
        let mut rank = vec![0; n];
        for (r, &t) in topo.iter().enumerate() {
            rank[t] = r;
        }
        let problem = crate::model::compile(inv).problem;
        let mut edges = Vec::new();
        for p in &problem.precedences {
            let lag = p.lag - inv.tasks[p.from].duration;
            if lag >= 0 && p.from != p.to {
                edges.push(Edge {
                    from: p.from,
                    to: p.to,
                    lag,
                    why: Why::After,
                });
            }
        }
        for (r, res) in problem.resources.iter().enumerate() {
            let users: Vec<usize> = problem
                .activities
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    a.duration > 0 && a.demands.iter().any(|d| d.resource == r && d.amount > 0)
                })
                .map(|(t, _)| t)
                .collect();
            apart_edges(
                &users,
                starts,
                &end,
                &Why::Capacity(res.name.clone()),
                &mut edges,
            );
        }
        // Every pair on different sides of a DR pair that the plan keeps
        // apart (the pairs are few: the outages of two systems or clusters).
        for (i, j) in problem.exclusion_pairs() {
            let (a, b) = if end(i) <= starts[j] { (i, j) } else { (j, i) };
            if end(a) <= starts[b] {
                let name = problem
                    .exclusions
                    .iter()
                    .find(|ex| ex.sides.iter().flatten().any(|&x| x == i))
                    .map(|ex| ex.name.clone())
                    .unwrap_or_default();
                edges.push(Edge {
                    from: a,
                    to: b,
                    lag: 0,
                    why: Why::Apart(name),
                });
            }
        }
        // Only edges going forward in the plan's order (a backward one can
        // only join two zero-length activities at one minute) are kept.
        edges.retain(|e| rank[e.from] < rank[e.to]);
        let edges = reduce(n, &rank, edges);
        NightOrder { edges, topo }
    }

    /// Edge indices into each task, per task.
    pub fn preds(&self, n: usize) -> Vec<Vec<usize>> {
        let mut p = vec![Vec::new(); n];
        for (k, e) in self.edges.iter().enumerate() {
            p[e.to].push(k);
        }
        p
    }

    /// Earliest starts under the edges with the plan's durations, each task
    /// at minute 0 or later and a gated task at its planned start or later.
    pub fn replay(&self, inv: &Inventory, starts: &[Time], gated: &[bool]) -> Vec<Time> {
        let n = inv.tasks.len();
        let preds = self.preds(n);
        let mut at = vec![0; n];
        for &t in &self.topo {
            let mut s = if gated[t] { starts[t] } else { 0 };
            for &k in &preds[t] {
                let e = &self.edges[k];
                s = s.max(at[e.from] + inv.tasks[e.from].duration + e.lag);
            }
            at[t] = s;
        }
        at
    }
}

/// Edges that keep apart every two of `users` (tasks of positive duration)
/// that the plan does not overlap: for each task, from the users that end
/// by its start and after the latest start among those (the others are
/// implied through that one).
fn apart_edges(
    users: &[usize],
    starts: &[Time],
    end: &dyn Fn(usize) -> Time,
    why: &Why,
    out: &mut Vec<Edge>,
) {
    let mut by_end: Vec<usize> = users.to_vec();
    by_end.sort_by_key(|&t| (end(t), starts[t], t));
    // latest_start[k]: the latest start among by_end[..=k].
    let mut latest_start = Vec::with_capacity(by_end.len());
    let mut m = Time::MIN;
    for &t in &by_end {
        m = m.max(starts[t]);
        latest_start.push(m);
    }
    for &j in users {
        let count = by_end.partition_point(|&t| end(t) <= starts[j]);
        if count == 0 {
            continue;
        }
        let s_star = latest_start[count - 1];
        for &i in by_end[..count].iter().rev() {
            if end(i) < s_star && i != j {
                break;
            }
            if i != j {
                out.push(Edge {
                    from: i,
                    to: j,
                    lag: 0,
                    why: why.clone(),
                });
            }
        }
    }
}

/// Merges duplicate edges (the largest lag, the first reason) and leaves
/// out every edge of lag 0 that another path implies.
fn reduce(n: usize, rank: &[usize], mut edges: Vec<Edge>) -> Vec<Edge> {
    edges.sort_by(|a, b| {
        (a.from, a.to, std::cmp::Reverse(a.lag)).cmp(&(b.from, b.to, std::cmp::Reverse(b.lag)))
    });
    edges.dedup_by(|later, first| later.from == first.from && later.to == first.to);
    if n > MAX_REDUCE_TASKS {
        return edges;
    }
    let words = n.div_ceil(64);
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in edges.iter().enumerate() {
        out_edges[e.from].push(k);
    }
    let mut by_rank: Vec<usize> = (0..n).collect();
    by_rank.sort_by_key(|&t| rank[t]);
    let mut reach = vec![0u64; n * words];
    let mut keep = vec![true; edges.len()];
    for &t in by_rank.iter().rev() {
        let mut succ = std::mem::take(&mut out_edges[t]);
        succ.sort_by_key(|&k| rank[edges[k].to]);
        let mut mine = vec![0u64; words];
        for &k in &succ {
            let j = edges[k].to;
            let implied = mine[j / 64] >> (j % 64) & 1 == 1;
            if implied && edges[k].lag == 0 {
                keep[k] = false;
            }
            mine[j / 64] |= 1 << (j % 64);
            let row = &reach[j * words..(j + 1) * words];
            for (m, r) in mine.iter_mut().zip(row) {
                *m |= r;
            }
        }
        reach[t * words..(t + 1) * words].copy_from_slice(&mine);
    }
    edges
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// Gates the replay needs: starting from `gated`, each task named in a
/// violation of the replay is gated, round after round, until the replay
/// keeps every rule; when a round names no new task, every task is gated.
/// `replay` gives the starts for a set of gates; `starts` is the checked plan.
/// Returns the gates and the replay they give, or the violations when even
/// the fully gated replay breaks a rule.
pub fn settle_gates(
    inv: &Inventory,
    mut gated: Vec<bool>,
    replay: &dyn Fn(&[bool]) -> Vec<Time>,
) -> Result<(Vec<bool>, Vec<Time>), Vec<crate::check::Violation>> {
    loop {
        let at = replay(&gated);
        let violations = crate::check::check(inv, &at);
        if violations.is_empty() {
            return Ok((gated, at));
        }
        let mut new = false;
        for v in &violations {
            for id in &v.tasks {
                if let Some(t) = inv.task_index(id) {
                    new |= !gated[t];
                    gated[t] = true;
                }
            }
        }
        if !new {
            if gated.iter().all(|&g| g) {
                return Err(violations);
            }
            gated.iter_mut().for_each(|g| *g = true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;

    #[test]
    fn shared_system_is_ordered_and_reduced() {
        let mut b = Builder::new();
        let a = b.system("db");
        b.task("t1", &[a], 30);
        b.task("t2", &[a], 30);
        b.task("t3", &[a], 30);
        let starts = [0, 30, 60];
        let order = NightOrder::of(&b.inv, &starts);
        let pairs: Vec<(usize, usize)> = order.edges.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
        let gated = vec![false; 3];
        assert_eq!(order.replay(&b.inv, &starts, &gated), vec![0, 30, 60]);
    }

    #[test]
    fn replay_moves_early_and_gates_hold_the_clock() {
        let mut b = Builder::new();
        let a = b.system("a");
        let c = b.system("c");
        b.task("t1", &[a], 30);
        b.task("t2", &[c], 30);
        let starts = [0, 45];
        let order = NightOrder::of(&b.inv, &starts);
        assert!(order.edges.is_empty());
        assert_eq!(order.replay(&b.inv, &starts, &[false, false]), vec![0, 0]);
        assert_eq!(order.replay(&b.inv, &starts, &[false, true]), vec![0, 45]);
        let (gated, at) = settle_gates(&b.inv, vec![false, false], &|g| {
            order.replay(&b.inv, &starts, g)
        })
        .unwrap();
        assert_eq!(gated, vec![false, false]);
        assert_eq!(at, vec![0, 0]);
    }
}
