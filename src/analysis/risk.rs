//! Window risk: how long the window really takes when tasks overrun.
//!
//! Tasks may give a three-point duration `{ min, likely, max }`; the plan uses
//! `likely`. Here each Monte Carlo sample draws every such duration from the
//! triangular distribution (tasks without a spread keep their fixed
//! duration), keeps the plan's *order* (tasks in the plan's start order) and
//! re-times it the way a night runs from a runbook: a serial schedule
//! generation that puts each task, in that order, at its earliest time that
//! keeps every rule of the compiled core problem (precedences with the
//! sampled durations, teams, systems, clusters, zones, DR pairs, windows,
//! blackouts) and the plan's shape: the outages that reach a service with
//! a `max_downtime` stay apart where the plan kept them apart. A task that
//! started after such an outage ended in the plan starts after it ends
//! again (a minute after, where the plan left a gap, so an async consumer
//! still rides them out one by one). This is how the plan keeps the limit,
//! whichever compilation found it; without it a re-timing packs outages
//! together that the plan kept apart, breaking the limit in every sample
//! and ending before the plan itself (issue #21.3).
//!
//! Two rules are not enforced while re-timing, and that is the point: the
//! deadline (whether the window still closes by it is what is measured) and
//! `max_downtime` (an outage that runs long keeps the service down longer
//! on the night, whatever the plan says). Each service that goes over its
//! `max_downtime` in a sample is named, with how often: a re-timed sample
//! over the limit is an overrun of the outages themselves, never a re-timing
//! that packed outages the plan kept apart.
//!
//! Each conflict met moves a task's start straight past it; each resource
//! keeps its free capacity as a step function, so a start is checked
//! against the changes of load inside its own run rather than against
//! every run overlapping it; a DR side's runs are searched by start (in
//! buckets by duration); and a broken maximum lag undoes only the
//! placements after the task it moves. A sample's work grows about as the
//! tasks do (BENCHMARKS.md: 4.7 ms a sample at 1 000 tasks, 43 ms at
//! 10 000).
//!
//! The samples are units of the caller's budget ([`simulate_within`]):
//! when it runs out, the report is that of the first samples drawn.
//!
//! The percentiles are over all samples: a sample whose order cannot be
//! re-timed (a task no longer fits any of its windows) never finishes and
//! sorts last. Such a sample has no length, so when there are any the mean
//! over all samples is not defined; the mean of the others is given beside
//! it, and the unplaced samples are counted apart.
//!
//! Every sample is seeded from `(seed, sample index)` alone, so the report
//! depends only on the seed and the number of samples, not on the number of
//! threads.

use crate::analysis::budget::{Budget, Cut};
use crate::inventory::Inventory;
use crate::model::{Problem, Time};
use crate::rng::SplitMix64;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many samples, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskOptions {
    /// Number of sampled durations per task (Monte Carlo runs).
    pub samples: usize,
    /// Seed of the random generator: the same seed gives the same report.
    pub seed: u64,
}

impl Default for RiskOptions {
    fn default() -> Self {
        RiskOptions {
            samples: 2000,
            seed: 1,
        }
    }
}

/// How often a task was on the critical chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalShare {
    /// Task id.
    pub task: String,
    /// Fraction of samples (0..1).
    pub share: f64,
}

/// A service that went over its `max_downtime` in some samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitBreak {
    /// Service id.
    pub service: String,
    /// Its `max_downtime`, in minutes.
    pub max_downtime_minutes: Time,
    /// Samples in which it went over.
    pub samples: usize,
    /// Fraction of all samples (0..1).
    pub share: f64,
    /// Its longest downtime in any sample.
    pub worst_minutes: Time,
}

/// What the simulation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskReport {
    /// Number of samples drawn (fewer than asked when the budget ran out:
    /// the first ones, by index).
    pub samples: usize,
    /// Number of samples asked for (`--samples`).
    pub samples_asked: usize,
    /// Why fewer were drawn than asked for (the time limit, Ctrl-C, the
    /// work allowance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<Cut>,
    /// Seed they were drawn from.
    pub seed: u64,
    /// Tasks with a three-point duration.
    pub uncertain_tasks: usize,
    /// The plan's window length (likely durations).
    pub planned_minutes: Time,
    /// The plan's order re-timed with likely durations (normally equal to
    /// the plan's length; can be shorter when the plan left slack).
    pub retimed_likely_minutes: Option<Time>,
    /// Mean window length over all samples: `None` when some sample could
    /// not be re-timed (it never finishes) or there are none.
    pub mean_minutes: Option<f64>,
    /// Samples that were re-timed (all but `unplaceable`).
    pub placed_samples: usize,
    /// Mean over the placed samples only.
    pub mean_placed_minutes: Option<f64>,
    /// Percentiles over all samples; `None` = reached only by samples that
    /// never finish.
    pub p50_minutes: Option<Time>,
    /// 80th percentile of the window length, in minutes.
    pub p80_minutes: Option<Time>,
    /// 95th percentile of the window length, in minutes.
    pub p95_minutes: Option<Time>,
    /// The inventory's deadline, in minutes from the window start (`None` without one).
    pub deadline_minutes: Option<Time>,
    /// Probability of finishing by the deadline (`None` without one).
    pub p_deadline: Option<f64>,
    /// Samples in which some task could not be re-timed in the plan's order
    /// (e.g. it no longer fits any of its windows); they count as missing
    /// the deadline.
    pub unplaceable: usize,
    /// Which tasks could not be placed, and in what share of the samples.
    pub unplaceable_tasks: Vec<CriticalShare>,
    /// Samples in which some service went over its `max_downtime`.
    pub downtime_limit_breaks: usize,
    /// Each service that went over, most often first.
    pub services_over_limit: Vec<LimitBreak>,
    /// Tasks most often on the critical chain, most frequent first.
    pub critical: Vec<CriticalShare>,
}

/// The inverse CDF of the triangular distribution (`min`, `mode`, `max`) at `u`.
pub(crate) fn triangular(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    if max <= min {
        return min;
    }
    let fc = (mode - min) / (max - min);
    if u < fc {
        min + (u * (max - min) * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
    }
}

/// Re-times activities in `order` (each once) at their earliest start that
/// keeps every constraint of `problem` except the deadline and on-time
/// limits: release, precedences (both directions: a maximum lag is honoured
/// by delaying the earlier task and starting again), resources with capacity
/// profiles, exclusion groups, allowed and forbidden intervals. `None` when
/// some activity cannot be placed.
pub fn retime(problem: &Problem, order: &[usize]) -> Option<Vec<Time>> {
    retime_or_stuck(problem, order, &Shape::default()).ok()
}

/// What a re-timing keeps of the plan besides the compiled rules (see the
/// module documentation): the outages reaching a service with a
/// `max_downtime` stay apart where the plan kept them apart.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    /// Per group, its size (the groups' tasks are sorted by planned end).
    group_sizes: Vec<usize>,
    /// Per activity: `(group, a, b)`: it starts no earlier than the first
    /// `a` tasks of the group (by planned end) have ended and a minute
    /// passed, and the first `b` have ended (the plan left a gap after the
    /// first, and touched the others).
    waits: Vec<Vec<(usize, usize, usize)>>,
    /// Per activity: `(group, position)` in the groups it belongs to.
    slots: Vec<Vec<(usize, usize)>>,
}

impl Shape {
    /// The shape of the plan `starts` of `inv`.
    pub(crate) fn of_plan(inv: &Inventory, starts: &[Time]) -> Shape {
        let n = inv.tasks.len();
        let mut shape = Shape {
            group_sizes: Vec::new(),
            waits: vec![Vec::new(); n],
            slots: vec![Vec::new(); n],
        };
        for (k, svc) in inv.services.iter().enumerate() {
            if svc.max_downtime.is_none() {
                continue;
            }
            let mut tasks = crate::analysis::availability::reaching_tasks(inv, k);
            tasks.retain(|&t| t < starts.len());
            let end = |t: usize| starts[t] + inv.tasks[t].duration;
            tasks.sort_by_key(|&t| (end(t), t));
            let ends: Vec<Time> = tasks.iter().map(|&t| end(t)).collect();
            let g = shape.group_sizes.len();
            shape.group_sizes.push(tasks.len());
            for (pos, &t) in tasks.iter().enumerate() {
                let s = starts[t];
                let gap = ends.partition_point(|&e| e < s);
                let touch = ends.partition_point(|&e| e <= s);
                if touch > 0 {
                    shape.waits[t].push((g, gap, touch));
                }
                shape.slots[t].push((g, pos));
            }
        }
        shape
    }
}

/// Prefix maxima with point assignments (a segment tree), so a placement
/// can be undone.
struct PrefixMax {
    size: usize,
    tree: Vec<Time>,
}

impl PrefixMax {
    fn new(n: usize) -> Self {
        let size = n.max(1).next_power_of_two();
        PrefixMax {
            size,
            tree: vec![Time::MIN; 2 * size],
        }
    }
    fn set(&mut self, pos: usize, v: Time) {
        let mut i = pos + self.size;
        self.tree[i] = v;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].max(self.tree[2 * i + 1]);
        }
    }
    /// The maximum over the first `len` positions (`Time::MIN` if none).
    fn max_of_first(&self, len: usize) -> Time {
        let (mut l, mut r) = (self.size, self.size + len.min(self.size));
        let mut m = Time::MIN;
        while l < r {
            if l & 1 == 1 {
                m = m.max(self.tree[l]);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                m = m.max(self.tree[r]);
            }
            l /= 2;
            r /= 2;
        }
        m
    }
}

/// Placed activities of one resource, `(start, end, amount)`, in buckets
/// by duration (bucket `b` holds runs of at most `2^b` minutes), each by
/// start: a query looks at the runs that start at most `2^b` before it in
/// each bucket, so one long run (a task spanning the night) does not make
/// every query scan every run.
#[derive(Default)]
struct Placed {
    buckets: Vec<Vec<(Time, Time, i64)>>,
}

impl Placed {
    fn bucket(len: Time) -> usize {
        let len = len.max(1) as u64;
        (64 - (len - 1).leading_zeros()) as usize
    }
    fn add(&mut self, s: Time, e: Time, amount: i64) {
        let b = Self::bucket(e - s);
        if self.buckets.len() <= b {
            self.buckets.resize_with(b + 1, Vec::new);
        }
        let runs = &mut self.buckets[b];
        let at = runs.partition_point(|r| r.0 <= s);
        runs.insert(at, (s, e, amount));
    }
    fn remove(&mut self, s: Time, e: Time, amount: i64) {
        let Some(runs) = self.buckets.get_mut(Self::bucket(e - s)) else {
            return;
        };
        let from = runs.partition_point(|r| r.0 < s);
        if let Some(k) = runs[from..].iter().position(|&r| r == (s, e, amount)) {
            runs.remove(from + k);
        }
    }
    /// The runs sharing a minute with `[t, t + d)`.
    fn overlapping(&self, t: Time, d: Time) -> impl Iterator<Item = &(Time, Time, i64)> {
        self.buckets.iter().enumerate().flat_map(move |(b, runs)| {
            let reach: Time = 1 << b.min(62);
            let from = runs.partition_point(|r| r.0 < t.saturating_sub(reach));
            let to = runs.partition_point(|r| r.0 < t + d);
            runs[from..to.max(from)]
                .iter()
                .filter(move |r| r.1 > t && r.1 > r.0)
        })
    }
}

/// The free capacity of one resource over time, as a step function: the
/// capacity left from each key until the next (capacity steps less the
/// placed runs). A query walks only the steps inside the run it asks
/// about, and jumps past each that is too full, so its work is in the
/// changes of load it meets, not in the runs placed.
struct Free {
    steps: BTreeMap<Time, i64>,
}

impl Free {
    /// The resource with nothing placed.
    fn of(res: &crate::model::Resource) -> Free {
        let mut steps = BTreeMap::new();
        // Before the first step its capacity holds (`Resource::capacity_at`).
        steps.insert(Time::MIN, res.steps.first().map_or(0, |s| s.1));
        for &(at, c) in res.steps.iter().skip(1) {
            steps.insert(at, c);
        }
        Free { steps }
    }

    /// Makes `at` a key (same value as the step it falls in).
    fn split(&mut self, at: Time) {
        if !self.steps.contains_key(&at) {
            let v = self.steps.range(..at).next_back().map_or(0, |(_, &v)| v);
            self.steps.insert(at, v);
        }
    }

    /// Adds `delta` to the free capacity over `[s, e)`.
    fn add(&mut self, s: Time, e: Time, delta: i64) {
        if e <= s {
            return;
        }
        self.split(s);
        self.split(e);
        for (_, v) in self.steps.range_mut(s..e) {
            *v += delta;
        }
    }

    /// The earliest start from `t` at which `amount` is free over a run of
    /// `d` minutes (`d > 0`); `None` when none is, ever.
    fn first_fit(&self, t: Time, d: Time, amount: i64) -> Option<Time> {
        let mut start = t;
        'search: loop {
            let from = self
                .steps
                .range(..=start)
                .next_back()
                .map_or(Time::MIN, |(&k, _)| k);
            let end = start.saturating_add(d);
            for (&k, &v) in self.steps.range(from..end) {
                if v < amount {
                    // Every start before the next step still holds a
                    // minute of this one.
                    let next = self
                        .steps
                        .range((std::ops::Bound::Excluded(k), std::ops::Bound::Unbounded))
                        .next()?;
                    start = *next.0;
                    continue 'search;
                }
            }
            return Some(start);
        }
    }
}

/// [`retime`] keeping the plan's `shape`, saying which activity could not
/// be placed (`Err(j)`).
pub(crate) fn retime_or_stuck(
    problem: &Problem,
    order: &[usize],
    shape: &Shape,
) -> Result<Vec<Time>, usize> {
    let n = problem.activities.len();
    // For each activity: the sides of DR exclusions it is on, `(exclusion,
    // side)`; the placed runs of each side are kept by start, so a check
    // costs the runs it meets, not the size of the other side.
    let mut sides_of: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (x, e) in problem.exclusions.iter().enumerate() {
        for (si, side) in e.sides.iter().enumerate() {
            for &j in side {
                if let Some(v) = sides_of.get_mut(j) {
                    v.push((x, si));
                }
            }
        }
    }
    let mut preds: Vec<Vec<(usize, Time)>> = vec![Vec::new(); n]; // S_j >= S_i + lag
    let mut succs: Vec<Vec<(usize, Time)>> = vec![Vec::new(); n]; // S_i >= S_j + lag
    for p in &problem.precedences {
        preds[p.to].push((p.from, p.lag));
        succs[p.from].push((p.to, p.lag));
    }
    let mut extra: Vec<Time> = vec![Time::MIN; n];
    let mut position = vec![usize::MAX; n];
    for (p, &j) in order.iter().enumerate() {
        position[j] = p;
    }
    let mut starts: Vec<Option<Time>> = vec![None; n];
    let mut free: Vec<Free> = problem.resources.iter().map(Free::of).collect();
    let mut side_runs: Vec<Vec<Placed>> = problem
        .exclusions
        .iter()
        .map(|e| e.sides.iter().map(|_| Placed::default()).collect())
        .collect();
    let mut groups: Vec<PrefixMax> = shape
        .group_sizes
        .iter()
        .map(|&k| PrefixMax::new(k))
        .collect();
    let slots = |j: usize| shape.slots.get(j).map_or(&[][..], |s| &s[..]);
    // A maximum lag that a placement breaks moves the earlier activity and
    // undoes the placements from it on; those before it stand as a restart
    // from scratch would place them again, so this is the same schedule
    // for the work of the undone part only.
    let mut rounds = 4 * n + 8;
    let mut p = 0;
    while p < order.len() {
        let j = order[p];
        let a = &problem.activities[j];
        let mut lb = a.release.max(extra[j]);
        for &(g, gap, touch) in shape.waits.get(j).map_or(&[][..], |w| &w[..]) {
            let gapped = groups[g].max_of_first(gap);
            if gapped > Time::MIN {
                lb = lb.max(gapped + 1);
            }
            lb = lb.max(groups[g].max_of_first(touch));
        }
        for &(i, lag) in &preds[j] {
            if let Some(si) = starts[i] {
                lb = lb.max(si + lag);
            }
        }
        let t = earliest_fit(problem, &free, &side_runs, &sides_of[j], j, lb).ok_or(j)?;
        // Upper bounds from already placed activities: S_i >= S_j + lag.
        let mut back: Option<usize> = None;
        for &(i, lag) in &succs[j] {
            if let Some(si) = starts[i] {
                if si < t + lag {
                    if extra[i] >= t + lag {
                        return Err(j);
                    }
                    extra[i] = t + lag;
                    back = Some(back.map_or(position[i], |b| b.min(position[i])));
                }
            }
        }
        if let Some(b) = back {
            if rounds == 0 {
                return Err(j);
            }
            rounds -= 1;
            for &k in order[b..p].iter().rev() {
                let Some(sk) = starts[k].take() else { continue };
                let ak = &problem.activities[k];
                for dm in &ak.demands {
                    if dm.amount > 0 && ak.duration > 0 {
                        free[dm.resource].add(sk, sk + ak.duration, dm.amount);
                    }
                }
                for &(g, pos) in slots(k) {
                    groups[g].set(pos, Time::MIN);
                }
                if ak.duration > 0 {
                    for &(x, si) in &sides_of[k] {
                        side_runs[x][si].remove(sk, sk + ak.duration, 1);
                    }
                }
            }
            p = b;
            continue;
        }
        starts[j] = Some(t);
        for dm in &a.demands {
            if dm.amount > 0 && a.duration > 0 {
                free[dm.resource].add(t, t + a.duration, -dm.amount);
            }
        }
        for &(g, pos) in slots(j) {
            groups[g].set(pos, t + a.duration);
        }
        if a.duration > 0 {
            for &(x, si) in &sides_of[j] {
                side_runs[x][si].add(t, t + a.duration, 1);
            }
        }
        p += 1;
    }
    Ok(starts.into_iter().map(|s| s.unwrap_or(0)).collect())
}

/// The earliest start from `lb` at which activity `j` fits: each conflict
/// moves the start to the first minute at which that conflict can be gone
/// (no start in between can fit), so the work is in the conflicts met,
/// not in the number of activities placed.
fn earliest_fit(
    problem: &Problem,
    free: &[Free],
    side_runs: &[Vec<Placed>],
    sides: &[(usize, usize)],
    j: usize,
    lb: Time,
) -> Option<Time> {
    let acts = &problem.activities;
    let a = &acts[j];
    let d = a.duration;
    let mut t = lb;
    'search: loop {
        if let Some(al) = &a.allowed {
            let x = al.iter().find(|x| t.max(x.start) + d <= x.end)?;
            t = t.max(x.start);
        }
        if let Some(f) = a.forbidden.iter().find(|f| f.overlaps_run(t, d)) {
            t = f.end;
            continue;
        }
        if d > 0 {
            // A run of another side of a DR exclusion holds every start
            // before its end.
            for &(x, si) in sides {
                for (sk, runs) in side_runs[x].iter().enumerate() {
                    if sk == si {
                        continue;
                    }
                    if let Some(r) = runs.overlapping(t, d).next() {
                        t = r.1;
                        continue 'search;
                    }
                }
            }
            for dm in &a.demands {
                if dm.amount <= 0 {
                    continue;
                }
                let fit = free[dm.resource].first_fit(t, d, dm.amount)?;
                if fit > t {
                    t = fit;
                    continue 'search;
                }
            }
        }
        return Some(t);
    }
}

/// The inventory with every three-point duration drawn for one sample.
pub(crate) fn sample_inventory(inv: &Inventory, rng: &mut SplitMix64) -> Inventory {
    let mut out = inv.clone();
    for t in &mut out.tasks {
        if let Some((lo, hi)) = t.spread {
            let u = rng.unit();
            let x = triangular(lo as f64, t.duration as f64, hi as f64, u);
            t.duration = (x.round() as Time).clamp(lo, hi);
        }
    }
    out
}

struct Sample {
    length: Option<Time>,
    /// The task that could not be placed, when `length` is `None`.
    stuck: Option<usize>,
    chain: Vec<usize>,
    /// Services over their `max_downtime`: (service, downtime).
    over: Vec<(usize, Time)>,
}

fn run_sample(inv: &Inventory, order: &[usize], shape: &Shape) -> Sample {
    let mut compiled = crate::model::compile(inv);
    compiled.problem.deadline = None;
    let starts = match retime_or_stuck(&compiled.problem, order, shape) {
        Ok(s) => s,
        Err(j) => {
            return Sample {
                length: None,
                stuck: Some(j),
                chain: Vec::new(),
                over: Vec::new(),
            }
        }
    };
    let length = compiled.problem.makespan(&starts);
    let chain = crate::analysis::explain::critical_chain(inv, &compiled, &starts)
        .into_iter()
        .filter_map(|l| inv.task_index(&l.task))
        .collect();
    let over = if inv.services.iter().any(|s| s.max_downtime.is_some()) {
        crate::plan::downtime::service_downtime(inv, &starts)
            .iter()
            .zip(&inv.services)
            .enumerate()
            .filter(|(_, (sd, s))| s.max_downtime.is_some_and(|m| sd.downtime_minutes > m))
            .map(|(k, (sd, _))| (k, sd.downtime_minutes))
            .collect()
    } else {
        Vec::new()
    };
    Sample {
        length: Some(length),
        stuck: None,
        chain,
        over,
    }
}

/// How often each task occurs in `hits`, as shares of `n`, most frequent first.
fn shares(inv: &Inventory, hits: impl Iterator<Item = usize>, n: usize) -> Vec<CriticalShare> {
    let mut counts = vec![0usize; inv.tasks.len()];
    for t in hits {
        counts[t] += 1;
    }
    let mut v: Vec<(usize, usize)> = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, c)| c > 0)
        .collect();
    v.sort_by_key(|&(t, c)| (std::cmp::Reverse(c), t));
    v.into_iter()
        .map(|(t, c)| CriticalShare {
            task: inv.tasks[t].id.clone(),
            share: c as f64 / n.max(1) as f64,
        })
        .collect()
}

/// Nearest-rank percentile of sorted values (`None` = never finishes).
fn percentile(sorted: &[Option<Time>], p: f64) -> Option<Time> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The plan's order: task indices by start minute (ties by inventory order).
pub(crate) fn start_order(starts: &[Time]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..starts.len()).collect();
    order.sort_by_key(|&i| (starts[i], i));
    order
}

/// Simulates the window: `starts` is the plan (one start per task, in
/// inventory order).
pub fn simulate(inv: &Inventory, starts: &[Time], opts: &RiskOptions) -> RiskReport {
    simulate_within(inv, starts, opts, &Budget::unlimited())
}

/// [`simulate`] within `budget`: each sample is a unit of work. When the
/// budget runs out before every sample is drawn, the report is that of the
/// first samples drawn (by index, so it is the report `--samples N` would
/// give for that N and seed), and says how many were asked for.
pub fn simulate_within(
    inv: &Inventory,
    starts: &[Time],
    opts: &RiskOptions,
    budget: &Budget,
) -> RiskReport {
    let order = start_order(starts);
    let shape = Shape::of_plan(inv, starts);
    let planned = crate::plan::length(inv, starts);
    let retimed_likely = run_sample(inv, &order, &shape).length;
    // In rounds of a few samples per thread, in index order, so that the
    // samples drawn when the budget runs out are (nearly all) the first
    // ones: only those up to the first one left out are kept.
    let round = rayon::current_num_threads().max(1) * 4;
    let mut samples: Vec<Sample> = Vec::with_capacity(opts.samples);
    let mut next = 0;
    while next < opts.samples {
        let end = (next + round).min(opts.samples);
        // Units asked for in index order (a work allowance goes to the
        // first samples, whatever the threads do).
        let units: Vec<_> = (next..end).map(|_| budget.start()).collect();
        let drawn: Vec<Option<Sample>> = units
            .into_par_iter()
            .enumerate()
            .map(|(i, unit)| {
                let _unit = unit?;
                let mut rng = SplitMix64::for_sample(opts.seed, (next + i) as u64);
                let s = sample_inventory(inv, &mut rng);
                Some(run_sample(&s, &order, &shape))
            })
            .collect();
        let whole = drawn.iter().all(Option::is_some);
        samples.extend(drawn.into_iter().map_while(|s| s));
        if !whole {
            break;
        }
        next = end;
    }
    let cut = (samples.len() < opts.samples).then(|| budget.why_short());
    let mut lengths: Vec<Option<Time>> = samples.iter().map(|s| s.length).collect();
    // `None` (never finishes) sorts last.
    lengths.sort_by_key(|l| (l.is_none(), *l));
    let finite: Vec<Time> = lengths.iter().flatten().copied().collect();
    let n = samples.len();
    let mean_placed =
        (!finite.is_empty()).then(|| finite.iter().sum::<Time>() as f64 / finite.len() as f64);
    // Over all samples only when every one has a length.
    let mean = mean_placed.filter(|_| finite.len() == n);
    let deadline = inv.window.deadline;
    let p_deadline = deadline.map(|d| {
        if n == 0 {
            0.0
        } else {
            finite.iter().filter(|&&l| l <= d).count() as f64 / n as f64
        }
    });
    // Each task counted once per sample.
    let on_chain = samples.iter().flat_map(|s| {
        let mut c = s.chain.clone();
        c.sort_unstable();
        c.dedup();
        c
    });
    let mut critical = shares(inv, on_chain, n);
    critical.truncate(10);
    RiskReport {
        samples: n,
        samples_asked: opts.samples,
        cut,
        seed: opts.seed,
        uncertain_tasks: inv.tasks.iter().filter(|t| t.spread.is_some()).count(),
        planned_minutes: planned,
        retimed_likely_minutes: retimed_likely,
        mean_minutes: mean,
        placed_samples: finite.len(),
        mean_placed_minutes: mean_placed,
        p50_minutes: percentile(&lengths, 0.50),
        p80_minutes: percentile(&lengths, 0.80),
        p95_minutes: percentile(&lengths, 0.95),
        deadline_minutes: deadline,
        p_deadline,
        unplaceable: samples.iter().filter(|s| s.length.is_none()).count(),
        unplaceable_tasks: shares(inv, samples.iter().filter_map(|s| s.stuck), n),
        downtime_limit_breaks: samples.iter().filter(|s| !s.over.is_empty()).count(),
        services_over_limit: limit_breaks(inv, &samples),
        critical,
    }
}

/// Each service over its `max_downtime` in some sample: how often, and its
/// worst downtime; most often first.
fn limit_breaks(inv: &Inventory, samples: &[Sample]) -> Vec<LimitBreak> {
    let mut count = vec![(0usize, 0 as Time); inv.services.len()];
    for &(k, d) in samples.iter().flat_map(|s| &s.over) {
        count[k].0 += 1;
        count[k].1 = count[k].1.max(d);
    }
    let mut out: Vec<LimitBreak> = count
        .into_iter()
        .enumerate()
        .filter(|&(_, (c, _))| c > 0)
        .map(|(k, (c, worst))| LimitBreak {
            service: inv.services[k].id.clone(),
            max_downtime_minutes: inv.services[k].max_downtime.unwrap_or(0),
            samples: c,
            share: c as f64 / samples.len().max(1) as f64,
            worst_minutes: worst,
        })
        .collect();
    out.sort_by_key(|b| std::cmp::Reverse(b.samples));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Format;
    use std::time::Duration;

    fn inv(tasks: &[&str]) -> Inventory {
        let tasks: String = tasks.iter().map(|t| format!("  - {t}\n")).collect();
        let text = format!(
            "window: {{ start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T04:00 }}\n\
             teams: [{{ id: ops, capacity: 1 }}]\n\
             systems: [{{ id: s }}, {{ id: t }}]\n\
             tasks:\n{tasks}"
        );
        crate::pipeline::load_inventory_str(&text, Format::Yaml, "test").unwrap()
    }

    fn tri_mean(a: f64, c: f64, b: f64) -> f64 {
        (a + b + c) / 3.0
    }

    /// Issue #21.22: `risk` keeps its budget. With room for 5 of 20
    /// samples it reports the first 5 — the report `--samples 5` gives —
    /// and says how many were asked for; with none, none.
    #[test]
    fn a_budget_draws_the_first_samples_and_says_how_many() {
        let inv = inv(&[
            "{ id: a, system: s, duration: { min: 20m, likely: 30m, max: 90m }, team: ops }",
            "{ id: b, system: t, duration: { min: 10m, likely: 30m, max: 60m }, team: ops }",
        ]);
        let asked = RiskOptions {
            samples: 20,
            seed: 3,
        };
        let budget = Budget::unlimited().with_units(5);
        let cut = simulate_within(&inv, &[0, 30], &asked, &budget);
        assert_eq!((cut.samples, cut.samples_asked), (5, 20));
        assert_eq!(cut.cut, Some(Cut::WorkLimit));
        let five = simulate(
            &inv,
            &[0, 30],
            &RiskOptions {
                samples: 5,
                ..asked
            },
        );
        assert_eq!(five.cut, None);
        assert_eq!(
            RiskReport {
                samples_asked: 5,
                cut: None,
                ..cut.clone()
            },
            five
        );
        let text = crate::report::risk::text(&cut, &inv);
        assert!(
            text.contains("only 5 of the 20 samples asked for were drawn within the work allowed"),
            "{text}"
        );
        let none = simulate_within(&inv, &[0, 30], &asked, &Budget::within(Duration::ZERO));
        assert_eq!(none.samples, 0);
        assert_eq!(none.cut, Some(Cut::TimeLimit));
    }

    /// The free-capacity step function agrees with counting minute by
    /// minute: random runs placed and removed on a resource with capacity
    /// steps, then every query's earliest fit checked against a scan.
    #[test]
    fn free_capacity_fits_as_a_minute_by_minute_count_does() {
        let res = crate::model::Resource {
            name: "r".into(),
            steps: vec![(0, 3), (40, 1), (70, 4), (150, 2)],
        };
        let mut rng = SplitMix64::for_sample(11, 0);
        let mut pick = |n: u64| (rng.unit() * n as f64) as Time;
        for _ in 0..40 {
            let mut free = Free::of(&res);
            let mut runs: Vec<(Time, Time, i64)> = Vec::new();
            for _ in 0..12 {
                let (s, d, a) = (pick(200), 1 + pick(50), 1 + pick(2));
                free.add(s, s + d, -a);
                runs.push((s, s + d, a));
            }
            // Undo a few, as a broken max lag does.
            for _ in 0..3 {
                let (s, e, a) = runs.remove(pick(runs.len() as u64) as usize);
                free.add(s, e, a);
            }
            let fits = |t: Time, d: Time, amount: i64| {
                (t..t + d).all(|m| {
                    let load: i64 = runs
                        .iter()
                        .filter(|r| r.0 <= m && m < r.1)
                        .map(|r| r.2)
                        .sum();
                    load + amount <= res.capacity_at(m)
                })
            };
            for _ in 0..20 {
                let (t, d, amount) = (pick(220), 1 + pick(60), 1 + pick(3));
                let expect = (t..t + 400).find(|&x| fits(x, d, amount));
                let got = free.first_fit(t, d, amount);
                match expect {
                    Some(x) => assert_eq!(got, Some(x), "{t} {d} {amount} {runs:?}"),
                    // Never within the scan: only when nothing ever fits.
                    None => assert!(got.is_none_or(|g| g >= t + 400), "{got:?}"),
                }
            }
        }
    }

    #[test]
    fn triangular_inverse_cdf() {
        assert_eq!(triangular(10.0, 20.0, 40.0, 0.0), 10.0);
        assert!((triangular(10.0, 20.0, 40.0, 1.0) - 40.0).abs() < 1e-9);
        // F(mode) = (mode - min) / (max - min) = 1/3.
        assert!((triangular(10.0, 20.0, 40.0, 1.0 / 3.0) - 20.0).abs() < 1e-9);
        assert_eq!(triangular(5.0, 5.0, 5.0, 0.7), 5.0);
    }

    #[test]
    fn single_task_percentiles_match_the_distribution() {
        let inv = inv(&["{ id: a, system: s, duration: { min: 60m, likely: 90m, max: 180m } }"]);
        assert_eq!(inv.tasks[0].duration, 90);
        assert_eq!(inv.tasks[0].spread, Some((60, 180)));
        let r = simulate(
            &inv,
            &[0],
            &RiskOptions {
                samples: 20_000,
                seed: 7,
            },
        );
        for (p, got) in [
            (0.5, r.p50_minutes),
            (0.8, r.p80_minutes),
            (0.95, r.p95_minutes),
        ] {
            let want = triangular(60.0, 90.0, 180.0, p);
            let got = got.unwrap() as f64;
            assert!((got - want).abs() <= 2.0, "P{p}: {got} vs {want}");
        }
        let mean = r.mean_minutes.unwrap();
        assert!((mean - tri_mean(60.0, 90.0, 180.0)).abs() < 1.0, "{mean}");
        // Deadline 6h: always met.
        assert_eq!(r.p_deadline, Some(1.0));
    }

    #[test]
    fn chain_mean_and_spread_match_the_sum() {
        let inv = inv(&[
            "{ id: a, system: s, duration: { min: 20m, likely: 30m, max: 1h } }",
            "{ id: b, system: t, duration: { min: 10m, likely: 40m, max: 50m }, after: [a] }",
            "{ id: c, system: s, duration: 15m, after: [b] }",
            "{ id: d, system: t, duration: { min: 30m, likely: 30m, max: 90m }, after: [c] }",
        ]);
        let plan_starts = [0, 30, 70, 85];
        let r = simulate(
            &inv,
            &plan_starts,
            &RiskOptions {
                samples: 20_000,
                seed: 3,
            },
        );
        assert_eq!(r.planned_minutes, 115);
        assert_eq!(r.retimed_likely_minutes, Some(115));
        let want = tri_mean(20.0, 30.0, 60.0)
            + tri_mean(10.0, 40.0, 50.0)
            + 15.0
            + tri_mean(30.0, 30.0, 90.0);
        let mean = r.mean_minutes.unwrap();
        assert!((mean - want).abs() < 1.5, "mean {mean} vs {want}");
        // Bounds: never below the sum of minima nor above the sum of maxima.
        assert!(r.p50_minutes.unwrap() > 75 && r.p95_minutes.unwrap() <= 215);
        // Every task of a single chain is always critical.
        assert_eq!(r.critical.len(), 4);
        assert!(r.critical.iter().all(|c| c.share == 1.0));
    }

    /// CDF of the triangular distribution.
    fn tri_cdf(a: f64, c: f64, b: f64, x: f64) -> f64 {
        if x <= a {
            0.0
        } else if x >= b {
            1.0
        } else if x <= c {
            (x - a).powi(2) / ((b - a) * (c - a))
        } else {
            1.0 - (b - x).powi(2) / ((b - a) * (b - c))
        }
    }

    /// The exact distribution of a sum of rounded triangular durations (and
    /// fixed ones), by convolution: `pmf[k]` = P(sum = k minutes).
    fn exact_sum(parts: &[(i64, i64, i64)]) -> Vec<f64> {
        let mut pmf = vec![1.0];
        for &(a, c, b) in parts {
            let one: Vec<f64> = (0..=b)
                .map(|k| {
                    if a == b {
                        return if k == a { 1.0 } else { 0.0 };
                    }
                    let (af, cf, bf, kf) = (a as f64, c as f64, b as f64, k as f64);
                    tri_cdf(af, cf, bf, kf + 0.5) - tri_cdf(af, cf, bf, kf - 0.5)
                })
                .collect();
            let mut next = vec![0.0; pmf.len() + one.len() - 1];
            for (i, p) in pmf.iter().enumerate() {
                for (j, q) in one.iter().enumerate() {
                    next[i + j] += p * q;
                }
            }
            pmf = next;
        }
        pmf
    }

    #[test]
    fn chain_percentiles_match_the_exact_distribution() {
        let inv = inv(&[
            "{ id: a, system: s, duration: { min: 20m, likely: 30m, max: 1h } }",
            "{ id: b, system: t, duration: { min: 10m, likely: 40m, max: 50m }, after: [a] }",
            "{ id: c, system: s, duration: 15m, after: [b] }",
            "{ id: d, system: t, duration: { min: 30m, likely: 30m, max: 90m }, after: [c] }",
        ]);
        let r = simulate(
            &inv,
            &[0, 30, 70, 85],
            &RiskOptions {
                samples: 20_000,
                seed: 9,
            },
        );
        let pmf = exact_sum(&[(20, 30, 60), (10, 40, 50), (15, 15, 15), (30, 30, 90)]);
        let mean: f64 = pmf.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
        assert!(
            (r.mean_minutes.unwrap() - mean).abs() < 1.0,
            "{} vs {mean}",
            r.mean_minutes.unwrap()
        );
        let quantile = |p: f64| {
            let mut acc = 0.0;
            for (k, q) in pmf.iter().enumerate() {
                acc += q;
                if acc >= p {
                    return k as i64;
                }
            }
            pmf.len() as i64 - 1
        };
        for (p, got) in [
            (0.5, r.p50_minutes),
            (0.8, r.p80_minutes),
            (0.95, r.p95_minutes),
        ] {
            let want = quantile(p);
            let got = got.unwrap();
            assert!((got - want).abs() <= 2, "P{p}: {got} vs exact {want}");
        }
        // With the deadline at 6h the chain always makes it; at 2h it does
        // with the exact probability P(sum <= 120).
        assert_eq!(r.p_deadline, Some(1.0));
        let mut tight = inv.clone();
        tight.window.deadline = Some(120);
        let r = simulate(
            &tight,
            &[0, 30, 70, 85],
            &RiskOptions {
                samples: 20_000,
                seed: 9,
            },
        );
        let want: f64 = pmf.iter().take(121).sum();
        let got = r.p_deadline.unwrap();
        assert!(
            (got - want).abs() < 0.02,
            "P(deadline) {got} vs exact {want}"
        );
    }

    /// `a` (10–40m, likely 20m) takes `shop` over its 30m limit when it
    /// runs 31m or more (drawn over 30.5): P = 9.5² / (30 · 20) ≈ 0.150.
    /// `c` (same spread) must fit in 22:00–22:30, so it cannot be placed in
    /// the same share of samples: those never finish (no downtime is
    /// measured in them), count in the percentiles as the longest, and
    /// leave the mean over all samples undefined. So shop goes over in
    /// 0.150 · 0.850 ≈ 0.128 of all samples.
    #[test]
    fn services_over_their_limit_are_named_and_unplaced_samples_counted_apart() {
        let text = "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
             systems: [{ id: s }, { id: t }, { id: u }]\n\
             services:\n\
               - { id: shop, requires: [s], max_downtime: 30m }\n\
               - { id: intranet, requires: [u], max_downtime: 1h }\n\
             tasks:\n\
               - { id: a, system: s, duration: { min: 10m, likely: 20m, max: 40m } }\n\
               - { id: c, system: t, duration: { min: 10m, likely: 20m, max: 40m }, windows: [2026-12-05T22:00/2026-12-05T22:30] }\n\
               - { id: d, system: u, duration: 5m }\n";
        let inv = crate::pipeline::load_inventory_str(text, Format::Yaml, "t").unwrap();
        let opts = RiskOptions {
            samples: 6000,
            seed: 5,
        };
        let r = simulate(&inv, &[0, 0, 0], &opts);
        // Named, with how often; intranet never goes over.
        assert_eq!(
            r.services_over_limit.len(),
            1,
            "{:?}",
            r.services_over_limit
        );
        let shop = &r.services_over_limit[0];
        assert_eq!(shop.service, "shop");
        assert_eq!(shop.max_downtime_minutes, 30);
        assert!((shop.share - 0.1275).abs() < 0.02, "{}", shop.share);
        assert!(shop.worst_minutes > 30 && shop.worst_minutes <= 40);
        // The unplaced samples are counted apart and the mean is not over
        // the placed ones only.
        assert!(r.unplaceable > 0 && r.unplaceable < opts.samples / 3);
        assert_eq!(r.placed_samples + r.unplaceable, opts.samples);
        assert_eq!(r.mean_minutes, None);
        assert!(r.mean_placed_minutes.is_some());
        // P95 falls among the samples that never finish (share ≈ 1/6).
        assert_eq!(r.p95_minutes, None);
        assert!(r.p50_minutes.is_some());
        // Without the window on `c` every sample has a length: the mean is
        // over all of them.
        let mut free = inv.clone();
        free.tasks[1].windows = None;
        let r = simulate(&free, &[0, 0, 0], &opts);
        assert_eq!(r.unplaceable, 0);
        assert_eq!(r.mean_minutes, r.mean_placed_minutes);
        assert!(r.mean_minutes.is_some());
    }

    #[test]
    fn fixed_durations_retime_to_the_plan() {
        let inv = inv(&[
            "{ id: a, system: s, duration: 30m, team: ops }",
            "{ id: b, system: t, duration: 40m, team: ops, after: [{ task: a, lag: 5m }] }",
        ]);
        let r = simulate(
            &inv,
            &[0, 35],
            &RiskOptions {
                samples: 50,
                seed: 1,
            },
        );
        assert_eq!(r.planned_minutes, 75);
        assert_eq!(r.p50_minutes, Some(75));
        assert_eq!(r.p95_minutes, Some(75));
        assert_eq!(r.uncertain_tasks, 0);
    }

    #[test]
    fn deterministic_per_seed_regardless_of_threads() {
        let inv = inv(&[
            "{ id: a, system: s, duration: { min: 20m, likely: 30m, max: 1h }, team: ops }",
            "{ id: b, system: t, duration: { min: 10m, likely: 40m, max: 50m }, team: ops }",
        ]);
        let opts = RiskOptions {
            samples: 500,
            seed: 11,
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| simulate(&inv, &[0, 30], &opts));
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| simulate(&inv, &[0, 30], &opts));
        assert_eq!(one, two);
        let other = simulate(
            &inv,
            &[0, 30],
            &RiskOptions {
                samples: 500,
                seed: 12,
            },
        );
        assert_ne!(one, other);
    }

    #[test]
    fn retimed_samples_keep_every_rule_of_the_bank() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bank.yaml");
        let mut inv = crate::pipeline::load_inventory(&path).unwrap();
        // Spread every task ±50% around its likely duration.
        for t in &mut inv.tasks {
            t.spread = Some((t.duration / 2, t.duration * 3 / 2));
        }
        let compiled = crate::model::compile(&inv);
        let base = crate::solve::solve(
            &compiled.problem,
            &crate::solve::SolveOptions {
                time_limit: std::time::Duration::from_secs(2),
                threads: 1,
                ..Default::default()
            },
        );
        let crate::solve::Outcome::Solved(sol) = base else {
            panic!("bank solves")
        };
        let order = start_order(&sol.starts);
        let mut placed = 0;
        for k in 0..40 {
            let mut rng = SplitMix64::for_sample(5, k);
            let s = sample_inventory(&inv, &mut rng);
            let mut c = crate::model::compile(&s);
            c.problem.deadline = None;
            c.problem.limits.clear();
            if let Some(starts) = retime(&c.problem, &order) {
                let v = crate::model::verify::verify(&c.problem, &starts);
                assert!(v.is_empty(), "sample {k}: {v:?}");
                placed += 1;
            }
        }
        assert!(placed >= 30, "only {placed} of 40 samples re-timed");
    }

    /// Issue #21.3: a plan that keeps a `max_downtime` by keeping outages
    /// apart (a gap an async consumer rides out; cluster members one at a
    /// time) is re-timed with them apart: no sample breaks the limit with
    /// likely durations, and none ends before the plan when nothing is
    /// shorter than likely. Today's re-timing packed them together: over the
    /// limit in every sample, and shorter than the plan.
    #[test]
    fn retiming_keeps_the_outages_the_plan_kept_apart() {
        let text = "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
             systems: [{ id: p }, { id: c }, { id: a1 }, { id: a2 }]\n\
             clusters: [{ id: app, members: [a1, a2], max_unavailable: 2 }]\n\
             integrations: [{ id: feed, from: p, to: c, mode: async, tolerance: 45m }]\n\
             services:\n\
               - { id: reports, requires: [c], max_downtime: 0m }\n\
               - { id: shop, requires: [app], max_downtime: 0m }\n\
             tasks:\n\
               - { id: t1, system: p, duration: { min: 40m, likely: 40m, max: 44m } }\n\
               - { id: t2, system: p, duration: 40m }\n\
               - { id: patch, cluster: app, duration: { min: 30m, likely: 30m, max: 35m } }\n";
        let inv = crate::pipeline::load_inventory_str(text, Format::Yaml, "t").unwrap();
        let at = |id: &str| inv.task_index(id).unwrap();
        let mut starts = vec![0; inv.tasks.len()];
        starts[at("t2")] = 41;
        starts[at("patch@a2")] = 30;
        assert!(crate::check::check(&inv, &starts).is_empty());
        let r = simulate(
            &inv,
            &starts,
            &RiskOptions {
                samples: 300,
                seed: 2,
            },
        );
        assert_eq!(r.planned_minutes, 81);
        assert_eq!(r.retimed_likely_minutes, Some(81));
        assert_eq!(r.downtime_limit_breaks, 0, "{:?}", r.services_over_limit);
        assert!(r.p50_minutes.unwrap() >= 81, "{r:?}");
        // An outage that itself overruns is a risk the report names.
        let mut long = inv.clone();
        long.tasks[at("t1")].spread = Some((40, 60));
        let r = simulate(
            &long,
            &starts,
            &RiskOptions {
                samples: 300,
                seed: 2,
            },
        );
        assert!(r.services_over_limit.iter().any(|b| b.service == "reports"));
        assert!(r.services_over_limit.iter().all(|b| b.service != "shop"));
    }
}
