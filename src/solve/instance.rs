//! The solver's internal form of a [`Problem`]: flat arrays, time windows,
//! the list order (which activity must come before which in an activity
//! list), and the time-mirrored instance used by backward passes.

use super::profile::{Profile, NEG, POS};
use super::temporal::{longest_paths, Cycle, NONE};
use crate::model::{Interval, Problem, Time};

/// Why an instance has no schedule (from time lags alone).
#[derive(Debug, Clone)]
pub enum Conflict {
    Cycle(Cycle),
    /// `es > ls` for this activity.
    Window(usize),
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub n: usize,
    pub dur: Vec<Time>,
    /// Own earliest start (release) and latest start (deadline / horizon).
    pub release: Vec<Time>,
    pub latest: Vec<Time>,
    /// No start is ever searched beyond this.
    pub horizon: Time,
    pub out: Vec<Vec<(usize, Time)>>,
    pub inc: Vec<Vec<(usize, Time)>>,
    /// `(resource, amount > 0)`, one entry per resource.
    pub demands: Vec<Vec<(usize, i64)>>,
    pub caps: Vec<Profile>,
    pub allowed: Vec<Option<Vec<Interval>>>,
    pub forbidden: Vec<Vec<Interval>>,
    /// `(group, side)` memberships of each activity (duration > 0 only).
    pub excl: Vec<Vec<(usize, usize)>>,
    pub sides: Vec<usize>,
    /// Time windows from lags, releases and latest starts.
    pub es: Vec<Time>,
    pub ls: Vec<Time>,
    /// All lags >= 0 and acyclic: no unscheduling ever needed.
    pub simple: bool,
    /// Activity-list order: these must come earlier in a list.
    pub order_preds: Vec<Vec<usize>>,
    pub order_succs: Vec<Vec<usize>>,
    /// Rank of each activity in a topological order of the list order.
    pub topo: Vec<usize>,
    /// Component of each activity in the full lag graph (activities tied by
    /// maximum lags share one); `blocks` is false when all are singletons.
    pub block: Vec<usize>,
    pub blocks: bool,
}

impl Instance {
    /// From a structurally valid problem (see `check_structure`).
    /// The latest end any activity may have (its latest start plus its
    /// duration), 0 for none.
    pub fn latest_end(&self) -> Time {
        self.latest
            .iter()
            .zip(&self.dur)
            .map(|(l, d)| l + d)
            .max()
            .unwrap_or(0)
    }

    /// The clock steps one schedule generation stands for (see
    /// [`clock::pass`](super::clock::pass)).
    pub fn pass_steps(&self) -> u64 {
        super::clock::pass(
            self.n,
            self.inc.iter().map(Vec::len).sum(),
            self.demands.iter().map(Vec::len).sum(),
        )
    }

    pub fn from_problem(p: &Problem) -> Result<Instance, Conflict> {
        let n = p.activities.len();
        let dur: Vec<Time> = p.activities.iter().map(|a| a.duration).collect();
        let mut events: Vec<Time> = vec![0];
        for a in &p.activities {
            events.push(a.release);
            events.extend(a.forbidden.iter().flat_map(|iv| [iv.start, iv.end]));
            if let Some(al) = &a.allowed {
                events.extend(al.iter().flat_map(|iv| [iv.start, iv.end]));
            }
        }
        events.extend(p.resources.iter().flat_map(|r| r.steps.iter().map(|s| s.0)));
        events.extend(p.deadline);
        let base = events
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .clamp(NEG / 4, POS / 4);
        // Beyond `base` nothing depends on time, and a longest path is at
        // most the sum of positive lags: with this horizon an activity that
        // fits nowhere before it fits nowhere at all, so "no fit" is a proof.
        let span: Time =
            dur.iter().sum::<Time>() + 2 * p.precedences.iter().map(|q| q.lag.max(0)).sum::<Time>();
        let horizon = (base + span + 1).min(POS / 4);
        let release: Vec<Time> = p
            .activities
            .iter()
            .map(|a| a.release.max(NEG / 4))
            .collect();
        let latest: Vec<Time> = (0..n)
            .map(|i| p.deadline.unwrap_or(horizon).min(horizon) - dur[i])
            .collect();
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for q in &p.precedences {
            out[q.from].push((q.to, q.lag));
            inc[q.to].push((q.from, q.lag));
        }
        let demands = p
            .activities
            .iter()
            .map(|a| {
                let mut v: Vec<(usize, i64)> = Vec::new();
                for d in a.demands.iter().filter(|d| d.amount > 0) {
                    match v.iter_mut().find(|e| e.0 == d.resource) {
                        Some(e) => e.1 += d.amount,
                        None => v.push((d.resource, d.amount)),
                    }
                }
                if a.duration == 0 {
                    v.clear();
                }
                v
            })
            .collect();
        let caps = p
            .resources
            .iter()
            .map(|r| {
                let mut steps = r.steps.clone();
                steps.sort_by_key(|s| s.0);
                Profile::from_steps(&steps)
            })
            .collect();
        let allowed = p
            .activities
            .iter()
            .map(|a| {
                a.allowed.as_ref().map(|v| {
                    let mut v = v.clone();
                    v.sort();
                    v
                })
            })
            .collect();
        let forbidden = p
            .activities
            .iter()
            .map(|a| {
                let mut v: Vec<Interval> = a
                    .forbidden
                    .iter()
                    .copied()
                    .filter(|f| !f.is_empty())
                    .collect();
                v.sort();
                v
            })
            .collect();
        let mut excl = vec![Vec::new(); n];
        let mut sides = Vec::new();
        for (g, ex) in p.exclusions.iter().enumerate() {
            sides.push(ex.sides.len());
            for (s, side) in ex.sides.iter().enumerate() {
                for &a in side {
                    if dur[a] > 0 && !excl[a].contains(&(g, s)) {
                        excl[a].push((g, s));
                    }
                }
            }
        }
        Instance {
            n,
            dur,
            release,
            latest,
            horizon,
            out,
            inc,
            demands,
            caps,
            allowed,
            forbidden,
            excl,
            sides,
            es: Vec::new(),
            ls: Vec::new(),
            simple: false,
            order_preds: Vec::new(),
            order_succs: Vec::new(),
            topo: Vec::new(),
            block: Vec::new(),
            blocks: false,
        }
        .finish()
    }

    /// Computes time windows and the list order.
    pub fn finish(mut self) -> Result<Instance, Conflict> {
        self.windows()?;
        self.order();
        Ok(self)
    }

    /// Time windows from `release`, `latest` and the lags.
    pub fn windows(&mut self) -> Result<(), Conflict> {
        let (es, _) = longest_paths(&self.out, &self.release).map_err(Conflict::Cycle)?;
        let init: Vec<Time> = self.latest.iter().map(|&l| -l).collect();
        let (x, _) = longest_paths(&self.inc, &init).map_err(Conflict::Cycle)?;
        let ls: Vec<Time> = x.into_iter().map(|v| -v).collect();
        if let Some(j) = (0..self.n).find(|&j| es[j] > ls[j]) {
            return Err(Conflict::Window(j));
        }
        self.es = es;
        self.ls = ls;
        Ok(())
    }

    /// Raises releases to the earliest start each activity could have if it
    /// were alone (intervals, capacity profile) and lowers latest starts to
    /// the latest it could have alone — a team whose hours end at T makes
    /// each of its tasks end by T, and the windows pass that on to
    /// everything before them, less durations and lags — then recomputes
    /// windows. `Err(j)` when activity `j` fits nowhere in its window.
    pub fn tighten_alone(&mut self) -> Result<(), Conflict> {
        for _round in 0..4 {
            let mut changed = false;
            for j in 0..self.n {
                match self.fit_alone(j, self.es[j]) {
                    Some(t) if t <= self.ls[j] => {
                        if t > self.es[j] {
                            self.release[j] = self.release[j].max(t);
                            changed = true;
                        }
                    }
                    _ => return Err(Conflict::Window(j)),
                }
                match self.fit_alone_backward(j, self.ls[j], self.es[j]) {
                    Some(t) => {
                        if t < self.ls[j] {
                            self.latest[j] = self.latest[j].min(t);
                            changed = true;
                        }
                    }
                    None => return Err(Conflict::Window(j)),
                }
            }
            if !changed {
                break;
            }
            self.windows()?;
        }
        Ok(())
    }

    /// Earliest `t >= t0` at which `j` could run if it were alone.
    pub fn fit_alone(&self, j: usize, t0: Time) -> Option<Time> {
        let d = self.dur[j];
        let mut t = t0;
        loop {
            if t > self.horizon {
                return None;
            }
            let mut nt = self.fit_intervals(j, t)?;
            for &(r, a) in &self.demands[j] {
                if let Some(e) = self.caps[r].conflict(nt, d, a) {
                    nt = nt.max(e);
                }
            }
            if nt >= POS {
                return None;
            }
            if nt == t {
                return Some(t);
            }
            t = nt;
        }
    }

    /// Latest `t <= t0`, not below `floor`, at which `j` could run if it
    /// were alone (the mirror of [`Instance::fit_alone`]).
    pub fn fit_alone_backward(&self, j: usize, t0: Time, floor: Time) -> Option<Time> {
        let d = self.dur[j];
        let mut t = t0;
        loop {
            if t < floor {
                return None;
            }
            let mut nt = t;
            if let Some(al) = &self.allowed[j] {
                nt = al
                    .iter()
                    .rev()
                    .map(|iv| nt.min(iv.end - d))
                    .zip(al.iter().rev())
                    .find(|(s, iv)| *s >= iv.start)
                    .map(|(s, _)| s)?;
            }
            for f in self.forbidden[j].iter().rev() {
                if f.overlaps_run(nt, d) {
                    nt = f.start - d;
                }
            }
            for &(r, a) in &self.demands[j] {
                if let Some(s) = self.caps[r].last_conflict(nt, d, a) {
                    if s <= NEG {
                        return None;
                    }
                    nt = nt.min(s - d);
                }
            }
            if nt == t {
                return Some(t);
            }
            t = nt;
        }
    }

    /// Earliest `t' >= t` that respects allowed and forbidden intervals
    /// (one pass; callers iterate to a fixpoint).
    #[inline]
    pub fn fit_intervals(&self, j: usize, t: Time) -> Option<Time> {
        let d = self.dur[j];
        let mut nt = t;
        if let Some(al) = &self.allowed[j] {
            let mut found = None;
            for iv in al {
                let s = nt.max(iv.start);
                if s + d <= iv.end {
                    found = Some(s);
                    break;
                }
            }
            nt = found?;
        }
        for f in &self.forbidden[j] {
            if f.overlaps_run(nt, d) {
                nt = f.end;
            }
        }
        Some(nt)
    }

    /// Strongly connected components of the non-negative-lag arcs give the
    /// list order: an arc `i -> j` with lag >= 0 between different
    /// components means `i` comes before `j` in any activity list.
    fn order(&mut self) {
        let n = self.n;
        let comp = scc(n, |u| {
            self.out[u]
                .iter()
                .filter(|a| a.1 >= 0)
                .map(|a| a.0)
                .collect::<Vec<_>>()
        });
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        let mut simple = true;
        for u in 0..n {
            for &(v, lag) in &self.out[u] {
                if lag < 0 {
                    simple = false;
                    continue;
                }
                if comp[u] == comp[v] {
                    if u != v {
                        simple = false;
                    }
                    continue;
                }
                if !preds[v].contains(&u) {
                    preds[v].push(u);
                    succs[u].push(v);
                }
            }
        }
        // topological order (Kahn, smallest earliest start first)
        let mut indeg: Vec<usize> = preds.iter().map(|p| p.len()).collect();
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<(Time, usize)>> = (0..n)
            .filter(|&v| indeg[v] == 0)
            .map(|v| std::cmp::Reverse((self.es[v], v)))
            .collect();
        let mut topo = vec![0; n];
        let mut k = 0;
        while let Some(std::cmp::Reverse((_, v))) = ready.pop() {
            topo[v] = k;
            k += 1;
            for &w in &succs[v] {
                indeg[w] -= 1;
                if indeg[w] == 0 {
                    ready.push(std::cmp::Reverse((self.es[w], w)));
                }
            }
        }
        debug_assert_eq!(k, n);
        let block = scc(n, |u| self.out[u].iter().map(|a| a.0).collect::<Vec<_>>());
        let mut size = vec![0usize; n];
        for &b in &block {
            size[b] += 1;
        }
        self.blocks = size.iter().any(|&s| s > 1);
        self.block = block;
        self.order_preds = preds;
        self.order_succs = succs;
        self.topo = topo;
        self.simple = simple;
    }

    /// The time-mirrored instance for a backward pass ending at `end`:
    /// mirrored start `S' = end - S - d`. A schedule of the mirror with
    /// `S' >= 0` maps back to one that ends by `end`.
    pub fn mirror(&self, end: Time) -> Option<Instance> {
        let n = self.n;
        let dur = self.dur.clone();
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for u in 0..n {
            for &(v, lag) in &self.out[u] {
                let l = lag + dur[v] - dur[u];
                out[v].push((u, l));
                inc[u].push((v, l));
            }
        }
        let release: Vec<Time> = (0..n)
            .map(|j| (end - self.latest[j] - dur[j]).max(0))
            .collect();
        let latest: Vec<Time> = (0..n).map(|j| end - self.release[j] - dur[j]).collect();
        let caps = self
            .caps
            .iter()
            .map(|c| {
                let pts = c.points();
                let mut steps = Vec::with_capacity(pts.len());
                for k in (0..pts.len()).rev() {
                    let from = match pts.get(k + 1) {
                        Some(p) => end - p.0,
                        None => NEG,
                    };
                    steps.push((from, pts[k].1));
                }
                Profile::from_steps(&steps)
            })
            .collect();
        let flip = |v: &Vec<Interval>| -> Vec<Interval> {
            v.iter()
                .rev()
                .map(|iv| Interval::new(end - iv.end, end - iv.start))
                .collect()
        };
        let allowed = self.allowed.iter().map(|a| a.as_ref().map(flip)).collect();
        let forbidden = self.forbidden.iter().map(flip).collect();
        Instance {
            n,
            dur,
            release,
            latest,
            horizon: self.horizon.max(end + 1),
            out,
            inc,
            demands: self.demands.clone(),
            caps,
            allowed,
            forbidden,
            excl: self.excl.clone(),
            sides: self.sides.clone(),
            es: Vec::new(),
            ls: Vec::new(),
            simple: false,
            order_preds: Vec::new(),
            order_succs: Vec::new(),
            topo: Vec::new(),
            block: Vec::new(),
            blocks: false,
        }
        .finish()
        .ok()
    }

    /// The same instance with extra time lags `(from, to, lag)`.
    pub fn with_arcs(&self, arcs: &[(usize, usize, Time)]) -> Result<Instance, Conflict> {
        let mut v = self.clone();
        for &(a, b, lag) in arcs {
            v.out[a].push((b, lag));
            v.inc[b].push((a, lag));
        }
        let mut v = v.finish()?;
        v.tighten_alone()?;
        Ok(v)
    }

    pub fn makespan(&self, starts: &[Time]) -> Time {
        starts
            .iter()
            .zip(&self.dur)
            .map(|(s, d)| s + d)
            .max()
            .unwrap_or(0)
            .max(0)
    }
}

/// Tarjan's strongly connected components (iterative); component ids.
fn scc(n: usize, succ: impl Fn(usize) -> Vec<usize>) -> Vec<usize> {
    let adj: Vec<Vec<usize>> = (0..n).map(succ).collect();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![NONE; n];
    let mut next = 0;
    let mut ncomp = 0;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on[root] = true;
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if *i < adj[v].len() {
                let w = adj[v][*i];
                *i += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on[w] = true;
                    call.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let w = stack.pop().expect("on stack");
                        on[w] = false;
                        comp[w] = ncomp;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    comp
}
