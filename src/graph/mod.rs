//! The dependency graph of the tasks (petgraph): every precedence the
//! inventory implies, cycle detection, and the critical path method.
//!
//! [`edges`] is the one place precedences are derived from the inventory;
//! the compiler, the graph reports and the explanations all use it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::base::fmt_minutes;
use crate::base::Time;
use crate::inventory::{Component, DrOrder, Inventory};

/// Where a precedence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EdgeKind {
    /// `tasks[to].after[index]`: `to` starts at least `lag` after `from`
    /// finishes (the edge lag is `duration(from) + lag`).
    After {
        /// Which entry of the successor's `after` list.
        index: usize,
    },
    /// The `max_lag` of `tasks[from].after[index]`, as a reverse edge: the
    /// successor `from` starts at most `max_lag` after the predecessor `to`
    /// finishes (the edge lag is `-(duration(to) + max_lag)`).
    MaxLag {
        /// Which entry of the successor's `after` list.
        index: usize,
    },
    /// DR pair `dr[pair]` with an `order`: the outage task `from` of the side
    /// that goes first ends before the outage task `to` of the other side
    /// starts.
    DrOrder {
        /// Index of the pair in `Inventory::dr`.
        pair: usize,
    },
}

/// A generalised precedence between two tasks (indices into
/// `Inventory::tasks`), start-to-start: `S[to] >= S[from] + lag`. This is the
/// RCPSP/max form of the core Problem's `Precedence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Edge {
    /// The task that comes first (index into `Inventory::tasks`).
    pub from: usize,
    /// The task that waits for it.
    pub to: usize,
    /// Minutes from `from`'s start to `to`'s earliest start (negative for
    /// a maximum lag).
    pub lag: Time,
    /// Which rule the edge comes from.
    pub kind: EdgeKind,
}

impl Edge {
    /// Whether this is a minimum-lag (forward) edge; max-lag edges point
    /// backwards and are not precedences in the usual sense.
    pub fn is_min(&self) -> bool {
        !matches!(self.kind, EdgeKind::MaxLag { .. })
    }
}

/// Outage tasks that touch any system of a component (a DR side).
pub fn outage_tasks_of(inv: &Inventory, c: Component) -> Vec<usize> {
    let systems = inv.component_systems(c);
    inv.tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.outage && t.systems.iter().any(|s| systems.contains(s)))
        .map(|(i, _)| i)
        .collect()
}

/// Which tasks a grouping takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tasks {
    /// Every task.
    All,
    /// Only the tasks that take their systems down.
    Outages,
}

/// Tasks per system, each list in ascending task order with each task once:
/// all tasks, or only outage tasks. Built once, so per-system and
/// per-component lookups cost their own size rather than a scan of every
/// task (which made large estates quadratic).
pub fn tasks_by_system(inv: &Inventory, which: Tasks) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); inv.systems.len()];
    for (t, task) in inv.tasks.iter().enumerate() {
        if which == Tasks::Outages && !task.outage {
            continue;
        }
        for &s in &task.systems {
            if let Some(v) = by.get_mut(s) {
                if v.last() != Some(&t) {
                    v.push(t);
                }
            }
        }
    }
    by
}

/// Outage tasks per system, for [`OutageIndex::of`].
#[derive(Debug, Clone)]
pub struct OutageIndex(Vec<Vec<usize>>);

impl OutageIndex {
    /// Groups the inventory's outage tasks by system, once.
    pub fn new(inv: &Inventory) -> Self {
        OutageIndex(tasks_by_system(inv, Tasks::Outages))
    }

    /// The same as [`outage_tasks_of`], in time proportional to the answer.
    pub fn of(&self, inv: &Inventory, c: Component) -> Vec<usize> {
        union_of(&self.0, &inv.component_systems(c))
    }

    /// Outage tasks touching any of `systems`, ascending.
    pub fn on_systems(&self, systems: &[usize]) -> Vec<usize> {
        union_of(&self.0, systems)
    }
}

/// Tasks that take each system down: its outage tasks and (format 1.1) the
/// tasks listing it in `down:`. Services, integrations, DR exclusions and
/// DR order count these; cluster allowances count outage tasks only.
#[derive(Debug, Clone)]
pub struct DownIndex(Vec<Vec<usize>>);

impl DownIndex {
    /// Groups the tasks taking each system down, once.
    pub fn new(inv: &Inventory) -> Self {
        let mut by = tasks_by_system(inv, Tasks::Outages);
        for (t, task) in inv.tasks.iter().enumerate() {
            for &s in &task.down {
                if let Some(v) = by.get_mut(s) {
                    v.push(t);
                }
            }
        }
        for v in &mut by {
            v.sort_unstable();
            v.dedup();
        }
        DownIndex(by)
    }

    /// Tasks taking any system of `c` down, ascending.
    pub fn of(&self, inv: &Inventory, c: Component) -> Vec<usize> {
        union_of(&self.0, &inv.component_systems(c))
    }
}

/// The sorted union of `lists[s]` over `systems`.
pub fn union_of(lists: &[Vec<usize>], systems: &[usize]) -> Vec<usize> {
    match systems {
        [] => Vec::new(),
        [s] => lists.get(*s).cloned().unwrap_or_default(),
        _ => {
            let mut v: Vec<usize> = systems
                .iter()
                .filter_map(|&s| lists.get(s))
                .flatten()
                .copied()
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        }
    }
}

/// Every precedence the inventory implies, in a stable order: for each task,
/// its `after` entries (minimum lag, then max lag when given); then for each
/// DR pair with an `order`, one edge from every task taking the first side
/// down (an outage on it or a `down:` of it) to every such task of the other
/// side (a task on both sides gets
/// no edge to itself; the checker reports it).
pub fn edges(inv: &Inventory) -> Vec<Edge> {
    let n = inv.tasks.len();
    let mut out = Vec::new();
    for (j, task) in inv.tasks.iter().enumerate() {
        for (index, a) in task.after.iter().enumerate() {
            let i = a.task;
            if i >= n {
                continue;
            }
            let d = inv.tasks[i].duration;
            out.push(Edge {
                from: i,
                to: j,
                lag: d + a.lag,
                kind: EdgeKind::After { index },
            });
            if let Some(max) = a.max_lag {
                out.push(Edge {
                    from: j,
                    to: i,
                    lag: -(d + max),
                    kind: EdgeKind::MaxLag { index },
                });
            }
        }
    }
    // A `down:` outage of one side is an outage of that side for the order
    // as for the exclusion (DESIGN.md, `dr`).
    let index = inv
        .dr
        .iter()
        .any(|d| d.order.is_some())
        .then(|| DownIndex::new(inv));
    for (pair, dr) in inv.dr.iter().enumerate() {
        let Some(index) = &index else { break };
        let (first, second) = match dr.order {
            None => continue,
            Some(DrOrder::StandbyFirst) => (dr.standby, dr.primary),
            Some(DrOrder::PrimaryFirst) => (dr.primary, dr.standby),
        };
        let second = index.of(inv, second);
        for i in index.of(inv, first) {
            for &j in &second {
                if i != j {
                    out.push(Edge {
                        from: i,
                        to: j,
                        lag: inv.tasks[i].duration,
                        kind: EdgeKind::DrOrder { pair },
                    });
                }
            }
        }
    }
    out
}

/// Tasks on a precedence cycle (every task of one strongly connected
/// component of the minimum-lag edges), by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycles(pub Vec<Vec<String>>);

impl std::fmt::Display for Cycles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (k, c) in self.0.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "precedence cycle: {}", c.join(" → "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Cycles {}

/// Critical path method results, per task in inventory order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cpm {
    /// Each task's earliest start, minutes from the window start.
    pub earliest_start: Vec<Time>,
    /// Each task's latest start that still meets the horizon.
    pub latest_start: Vec<Time>,
    /// `latest_start - earliest_start`; negative when the deadline cannot
    /// be met even ignoring resources.
    pub slack: Vec<Time>,
    /// One longest chain of tasks, in order.
    pub critical_path: Vec<usize>,
    /// Length of the critical path: the latest earliest finish (a lower
    /// bound on the window length).
    pub length: Time,
    /// The horizon latest starts are computed against: the deadline when
    /// given, else `length`.
    pub horizon: Time,
}

impl Cpm {
    /// Whether a task has the least slack (it is critical).
    pub fn is_critical(&self, t: usize) -> bool {
        let min = self.slack.iter().copied().min().unwrap_or(0);
        self.slack.get(t) == Some(&min)
    }
}

/// The task dependency graph.
#[derive(Debug, Clone)]
pub struct TaskGraph {
    /// Nodes are task indices; edges every precedence (see [`edges`]).
    pub graph: DiGraph<usize, Edge>,
    /// Only the minimum-lag edges (cycles and CPM are computed on these).
    min_graph: DiGraph<usize, Edge>,
    /// Every precedence, as [`edges`] lists them.
    pub edges: Vec<Edge>,
    ids: Vec<String>,
    durations: Vec<Time>,
    sources: Vec<usize>,
    deadline: Option<Time>,
}

impl TaskGraph {
    /// The graph of the inventory's tasks and every precedence between them.
    pub fn new(inv: &Inventory) -> Self {
        let edges = edges(inv);
        let n = inv.tasks.len();
        let mut graph = DiGraph::with_capacity(n, edges.len());
        let mut min_graph = DiGraph::with_capacity(n, edges.len());
        for t in 0..n {
            graph.add_node(t);
            min_graph.add_node(t);
        }
        for e in &edges {
            let (a, b) = (NodeIndex::new(e.from), NodeIndex::new(e.to));
            graph.add_edge(a, b, *e);
            if e.is_min() {
                min_graph.add_edge(a, b, *e);
            }
        }
        TaskGraph {
            graph,
            min_graph,
            edges,
            ids: inv.tasks.iter().map(|t| t.id.clone()).collect(),
            durations: inv.tasks.iter().map(|t| t.duration).collect(),
            sources: inv.tasks.iter().map(|t| t.source).collect(),
            deadline: inv.window.deadline,
        }
    }

    /// Task ids in inventory order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Every precedence cycle among minimum-lag edges, naming every task on
    /// it (task indices, each cycle in inventory order).
    pub fn cycle_tasks(&self) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&self.min_graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.min_graph.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut v: Vec<usize> = scc.into_iter().map(|n| n.index()).collect();
                v.sort_unstable();
                v
            })
            .collect();
        out.sort();
        out
    }

    /// Every precedence cycle, by task id.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        self.cycle_tasks()
            .into_iter()
            .map(|c| c.into_iter().map(|t| self.ids[t].clone()).collect())
            .collect()
    }

    /// Critical path method on the minimum-lag edges: earliest starts
    /// (never before the window start), latest starts against the deadline
    /// (or the critical path length when there is none), slack, one critical
    /// path and its length. Fails naming the tasks of every cycle.
    pub fn cpm(&self) -> Result<Cpm, Cycles> {
        let order = match petgraph::algo::toposort(&self.min_graph, None) {
            Ok(o) => o,
            Err(_) => return Err(Cycles(self.cycles())),
        };
        let n = self.ids.len();
        let mut es = vec![0; n];
        for &v in &order {
            let j = v.index();
            for e in self
                .min_graph
                .edges_directed(v, petgraph::Direction::Incoming)
            {
                let i = e.source().index();
                es[j] = es[j].max(es[i] + e.weight().lag);
            }
        }
        let length = (0..n)
            .map(|t| es[t] + self.durations[t])
            .max()
            .unwrap_or(0)
            .max(0);
        let horizon = self.deadline.unwrap_or(length);
        let mut ls: Vec<Time> = (0..n).map(|t| horizon - self.durations[t]).collect();
        for &v in order.iter().rev() {
            let i = v.index();
            for e in self
                .min_graph
                .edges_directed(v, petgraph::Direction::Outgoing)
            {
                let j = e.target().index();
                ls[i] = ls[i].min(ls[j] - e.weight().lag);
            }
        }
        let slack: Vec<Time> = (0..n).map(|t| ls[t] - es[t]).collect();

        // One critical path: from a task finishing last, walk back through
        // tight edges.
        let mut path = Vec::new();
        if let Some(mut cur) = (0..n)
            .filter(|&t| es[t] + self.durations[t] == length)
            .min_by_key(|&t| (slack[t], t))
        {
            path.push(cur);
            let mut guard = 0;
            while guard <= n {
                guard += 1;
                let prev = self
                    .min_graph
                    .edges_directed(NodeIndex::new(cur), petgraph::Direction::Incoming)
                    .map(|e| (e.source().index(), e.weight().lag))
                    .filter(|&(i, lag)| es[i] + lag == es[cur])
                    .map(|(i, _)| i)
                    .min_by_key(|&i| (slack[i], i));
                match prev {
                    Some(p) if !path.contains(&p) => {
                        path.push(p);
                        cur = p;
                    }
                    _ => break,
                }
            }
            path.reverse();
        }
        Ok(Cpm {
            earliest_start: es,
            latest_start: ls,
            slack,
            critical_path: path,
            length,
            horizon,
        })
    }

    /// Earliest starts under every edge, max-lag edges included (the full
    /// RCPSP/max temporal network, longest paths by Bellman–Ford, never
    /// before minute 0). Fails with the tasks of a positive cycle when the
    /// lags contradict each other (e.g. a max_lag shorter than a chain of
    /// minimum lags), in cycle order.
    pub fn temporal_earliest(&self) -> Result<Vec<Time>, Vec<usize>> {
        let n = self.ids.len();
        let mut dist = vec![0 as Time; n];
        let mut parent: Vec<Option<usize>> = vec![None; n];
        let mut last = None;
        for _ in 0..=n {
            last = None;
            for e in &self.edges {
                let cand = dist[e.from].saturating_add(e.lag);
                if cand > dist[e.to] {
                    dist[e.to] = cand;
                    parent[e.to] = Some(e.from);
                    last = Some(e.to);
                }
            }
            if last.is_none() {
                return Ok(dist);
            }
        }
        // Still relaxing after n rounds: walk back n steps to land on the cycle.
        let mut v = last.unwrap_or(0);
        for _ in 0..n {
            v = parent[v].unwrap_or(v);
        }
        let mut cycle = vec![v];
        let mut u = parent[v].unwrap_or(v);
        while u != v && cycle.len() <= n {
            cycle.push(u);
            u = parent[u].unwrap_or(v);
        }
        cycle.reverse();
        Err(cycle)
    }

    /// The critical path by task id (`None` when there is a cycle).
    pub fn critical_path_ids(&self) -> Option<Vec<String>> {
        let c = self.cpm().ok()?;
        Some(
            c.critical_path
                .iter()
                .map(|&t| self.ids[t].clone())
                .collect(),
        )
    }

    /// Graphviz DOT: one box per task with its ES/LS/slack, the critical
    /// path in red, max-lag edges dashed, DR order edges blue, tasks
    /// expanded from one cluster task grouped in a subgraph.
    pub fn to_dot(&self) -> String {
        let cpm = self.cpm().ok();
        let cycles: Vec<usize> = self.cycle_tasks().into_iter().flatten().collect();
        let on_path = |t: usize| cpm.as_ref().is_some_and(|c| c.critical_path.contains(&t));
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut s = String::new();
        s.push_str("digraph tasks {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");

        // Group tasks by the file entry they came from.
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (t, &src) in self.sources.iter().enumerate() {
            groups.entry(src).or_default().push(t);
        }
        let node = |t: usize| {
            let mut label = format!(
                "{}\\n{}",
                self.ids[t].replace('"', "\\\""),
                fmt_minutes(self.durations[t])
            );
            if let Some(c) = &cpm {
                let _ = write!(
                    label,
                    "\\nES {}  LS {}  slack {}",
                    c.earliest_start[t], c.latest_start[t], c.slack[t]
                );
            }
            let style = if cycles.contains(&t) {
                ", color=orange, penwidth=2"
            } else if on_path(t) {
                ", color=red, penwidth=2, fontcolor=red"
            } else {
                ""
            };
            format!("{} [label=\"{}\"{}];", q(&self.ids[t]), label, style)
        };
        for (src, members) in &groups {
            if members.len() > 1 {
                let base = self.ids[members[0]].split('@').next().unwrap_or("");
                let _ = writeln!(
                    s,
                    "  subgraph cluster_{src} {{\n    label={};\n    style=rounded;",
                    q(base)
                );
                for &t in members {
                    let _ = writeln!(s, "    {}", node(t));
                }
                s.push_str("  }\n");
            } else {
                for &t in members {
                    let _ = writeln!(s, "  {}", node(t));
                }
            }
        }
        let path_edge = |a: usize, b: usize| {
            cpm.as_ref()
                .is_some_and(|c| c.critical_path.windows(2).any(|w| w[0] == a && w[1] == b))
        };
        for e in &self.edges {
            let mut attrs = Vec::new();
            let extra = match e.kind {
                EdgeKind::After { .. } => e.lag - self.durations[e.from],
                EdgeKind::MaxLag { .. } => -e.lag - self.durations[e.to],
                EdgeKind::DrOrder { .. } => 0,
            };
            match e.kind {
                EdgeKind::After { .. } if extra != 0 => {
                    attrs.push(format!("label=\"lag {}\"", fmt_minutes(extra)))
                }
                EdgeKind::After { .. } => {}
                EdgeKind::MaxLag { .. } => {
                    attrs.push(format!("label=\"max lag {}\"", fmt_minutes(extra)));
                    attrs.push("style=dashed".into());
                    attrs.push("constraint=false".into());
                }
                EdgeKind::DrOrder { pair } => {
                    attrs.push(format!("label=\"DR order #{pair}\""));
                    attrs.push("color=blue".into());
                }
            }
            if e.is_min() && path_edge(e.from, e.to) {
                attrs.push("color=red".into());
                attrs.push("penwidth=2".into());
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(
                s,
                "  {} -> {}{};",
                q(&self.ids[e.from]),
                q(&self.ids[e.to]),
                attrs
            );
        }
        s.push_str("}\n");
        s
    }

    /// JSON: nodes with duration, ES/LS/slack (null when there is a cycle),
    /// edges with kinds, the critical path and its length, and any cycles.
    pub fn to_json_value(&self) -> serde_json::Value {
        let cpm = self.cpm().ok();
        let nodes: Vec<serde_json::Value> = (0..self.ids.len())
            .map(|t| {
                serde_json::json!({
                    "id": self.ids[t],
                    "duration": self.durations[t],
                    "earliest_start": cpm.as_ref().map(|c| c.earliest_start[t]),
                    "latest_start": cpm.as_ref().map(|c| c.latest_start[t]),
                    "slack": cpm.as_ref().map(|c| c.slack[t]),
                    "critical": cpm.as_ref().is_some_and(|c| c.critical_path.contains(&t)),
                })
            })
            .collect();
        let edges: Vec<serde_json::Value> = self
            .edges
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(e.kind).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("from".into(), self.ids[e.from].clone().into());
                    o.insert("to".into(), self.ids[e.to].clone().into());
                    o.insert("lag".into(), e.lag.into());
                }
                v
            })
            .collect();
        serde_json::json!({
            "nodes": nodes,
            "edges": edges,
            "critical_path": cpm.as_ref().map(|c| c.critical_path.iter().map(|&t| self.ids[t].clone()).collect::<Vec<_>>()),
            "length": cpm.as_ref().map(|c| c.length),
            "cycles": self.cycles(),
        })
    }

    /// [`Self::to_json_value`] pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;

    /// A(3) → B(2), A → C(4), B → D(1), C →(lag 1) D.
    fn example() -> Builder {
        let mut b = Builder::new();
        let s: Vec<usize> = ["sa", "sb", "sc", "sd"]
            .iter()
            .map(|x| b.system(x))
            .collect();
        let a = b.task("A", &[s[0]], 3);
        let bb = b.task("B", &[s[1]], 2);
        let c = b.task("C", &[s[2]], 4);
        let d = b.task("D", &[s[3]], 1);
        b.after(bb, a, 0, None);
        b.after(c, a, 0, None);
        b.after(d, bb, 0, None);
        b.after(d, c, 1, None);
        b
    }

    #[test]
    fn cpm_hand_example() {
        let b = example();
        let g = TaskGraph::new(&b.inv);
        let c = g.cpm().unwrap();
        assert_eq!(c.earliest_start, vec![0, 3, 3, 8]);
        assert_eq!(c.latest_start, vec![0, 6, 3, 8]);
        assert_eq!(c.slack, vec![0, 3, 0, 0]);
        assert_eq!(c.length, 9);
        assert_eq!(c.critical_path, vec![0, 2, 3]);
        assert_eq!(g.critical_path_ids().unwrap(), vec!["A", "C", "D"]);
        assert!(c.is_critical(2) && !c.is_critical(1));
    }

    #[test]
    fn cpm_against_deadline() {
        let mut b = example();
        b.inv.window.deadline = Some(12);
        let c = TaskGraph::new(&b.inv).cpm().unwrap();
        assert_eq!(c.horizon, 12);
        assert_eq!(c.slack, vec![3, 6, 3, 3]);
        assert_eq!(c.critical_path, vec![0, 2, 3]);
        b.inv.window.deadline = Some(7);
        let c = TaskGraph::new(&b.inv).cpm().unwrap();
        assert_eq!(c.slack[0], -2);
    }

    #[test]
    fn negative_lag_never_before_window_start() {
        let mut b = Builder::new();
        let x = b.system("x");
        let t0 = b.task("a", &[x], 10);
        let t1 = b.task("b", &[x], 10);
        b.after(t1, t0, -30, None);
        let c = TaskGraph::new(&b.inv).cpm().unwrap();
        assert_eq!(c.earliest_start, vec![0, 0]);
        assert_eq!(c.length, 10);
    }

    #[test]
    fn edges_after_max_lag_and_dr_order() {
        let mut b = Builder::new();
        let p = b.system("db-a");
        let s1 = b.system("db-b1");
        let s2 = b.system("db-b2");
        let k = b.cluster("db-b", &[s1, s2], 1);
        let pa = b.task("pa", &[p], 30);
        let pb1 = b.task("pb1", &[s1], 20);
        let pb2 = b.task("pb2", &[s2], 25);
        let online = b.task("pb-online", &[s2], 5);
        b.inv.tasks[online].outage = false;
        b.after(pb2, pb1, 5, Some(15));
        b.dr(
            Component::System(p),
            Component::Cluster(k),
            Some(DrOrder::StandbyFirst),
        );
        let e = edges(&b.inv);
        assert_eq!(
            e,
            vec![
                Edge {
                    from: pb1,
                    to: pb2,
                    lag: 25,
                    kind: EdgeKind::After { index: 0 }
                },
                Edge {
                    from: pb2,
                    to: pb1,
                    lag: -35,
                    kind: EdgeKind::MaxLag { index: 0 }
                },
                Edge {
                    from: pb1,
                    to: pa,
                    lag: 20,
                    kind: EdgeKind::DrOrder { pair: 0 }
                },
                Edge {
                    from: pb2,
                    to: pa,
                    lag: 25,
                    kind: EdgeKind::DrOrder { pair: 0 }
                },
            ]
        );
        // Max-lag edges form a cycle in the full graph but not a precedence cycle.
        let g = TaskGraph::new(&b.inv);
        assert!(g.cycles().is_empty());
        let c = g.cpm().unwrap();
        assert_eq!(c.earliest_start[pa], 50);
        assert_eq!(c.length, 80);
        assert_eq!(c.critical_path, vec![pb1, pb2, pa]);
    }

    #[test]
    fn cycle_detection_names_every_task() {
        let mut b = Builder::new();
        let x = b.system("x");
        let t: Vec<usize> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|id| b.task(id, &[x], 10))
            .collect();
        b.after(t[1], t[0], 0, None);
        b.after(t[2], t[1], 0, None);
        b.after(t[0], t[2], 0, None); // a → b → c → a
        b.after(t[3], t[2], 0, None); // d after the cycle, not on it
        b.after(t[4], t[4], 0, None); // self-loop
        let g = TaskGraph::new(&b.inv);
        assert_eq!(g.cycles(), vec![vec!["a", "b", "c"], vec!["e"]]);
        let err = g.cpm().unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(err.to_string().contains("a → b → c"));
        // Reports still render with a cycle.
        assert!(g.to_dot().contains("color=orange"));
        assert_eq!(g.to_json_value()["length"], serde_json::Value::Null);
    }

    #[test]
    fn temporal_network_with_max_lags() {
        let mut b = Builder::new();
        let x = b.system("x");
        let t0 = b.task("a", &[x], 10);
        let t1 = b.task("b", &[x], 10);
        let t2 = b.task("c", &[x], 10);
        b.after(t1, t0, 0, None);
        b.after(t2, t1, 20, None);
        // c must start within 15m of a ending: impossible (needs 10 + 10 + 20).
        b.after(t2, t0, 0, Some(15));
        let g = TaskGraph::new(&b.inv);
        assert!(g.cycles().is_empty());
        let cyc = g.temporal_earliest().unwrap_err();
        let mut sorted = cyc.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2]);
        b.inv.tasks[t2].after[1].max_lag = Some(60);
        assert_eq!(
            TaskGraph::new(&b.inv).temporal_earliest().unwrap(),
            vec![0, 10, 40]
        );
    }

    #[test]
    fn dot_and_json() {
        let mut b = example();
        // A cluster-expanded pair from one file entry.
        let w1 = b.system("w1");
        let w2 = b.system("w2");
        let p1 = b.task("patch@w1", &[w1], 5);
        let p2 = b.task("patch@w2", &[w2], 5);
        b.inv.tasks[p2].source = b.inv.tasks[p1].source;
        let g = TaskGraph::new(&b.inv);
        let dot = g.to_dot();
        assert!(dot.starts_with("digraph tasks {"));
        assert!(dot.contains("\"A\" [label=\"A\\n3m\\nES 0  LS 0  slack 0\", color=red"));
        assert!(dot.contains("\"C\" -> \"D\" [label=\"lag 1m\", color=red, penwidth=2];"));
        assert!(dot.contains("\"A\" -> \"B\";"));
        assert!(dot.contains("subgraph cluster_4 {\n    label=\"patch\";"));
        let j: serde_json::Value = serde_json::from_str(&g.to_json()).unwrap();
        assert_eq!(j["length"], 9);
        assert_eq!(j["critical_path"], serde_json::json!(["A", "C", "D"]));
        assert_eq!(j["nodes"][1]["slack"], 3);
        assert_eq!(
            j["edges"][3],
            serde_json::json!({"kind": "after", "index": 1, "from": "C", "to": "D", "lag": 5})
        );
    }
}
