//! Serial schedule generation for generalised precedences (RCPSP/max):
//! activities are placed in list order at the earliest time that respects
//! time windows (propagated after every placement), capacity profiles,
//! exclusion groups, allowed and forbidden intervals. When an activity fits
//! only after its latest start (a maximum lag binds), the scheduled activity
//! that imposes the latest start is given a later release and generation
//! restarts (the unscheduling step of Franck, Neumann and Schwindt), a
//! bounded number of times.

use super::clock;
use super::instance::Instance;
use super::profile::{Profile, POS};
use super::temporal::NONE;
use crate::model::Time;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Why a generation stopped when it ran out of time or was told to stop.
pub const OUT_OF_TIME: &str =
    "the time limit ran out (or the search was stopped) while generating a schedule";

/// Above this many activities, conflicts with maximum lags are collected
/// over a whole pass before generation restarts.
const BATCH_ABOVE: usize = 5000;

/// Activities placed between two looks at the clock and the stop flags.
const CHECK_EVERY: usize = 256;
/// Units of [`Sgs::work`] per clock step (100 ns on the reference machine;
/// see [`super::clock::STEP`]).
const WORK_PER_STEP: u64 = 8;

/// Above this many activities schedule generation does not look at
/// on-time limits while placing (each look evaluates every signal).
const GUARD_MAX_ACTIVITIES: usize = 400;

/// Later starts looked at for one activity when its earliest start would
/// break an on-time limit.
const GUARD_CANDIDATES: usize = 16;

/// On-time limits seen by schedule generation: an activity feeding a hard
/// limit is not placed where it raises the limits' excess over what it
/// adds alone; the next starts where the placed outages it feeds end (and
/// one minute after: an async consumer rides out separate outages) are
/// tried first.
pub struct LimitGuard {
    problem: Arc<crate::model::Problem>,
    feeds: Vec<bool>,
    /// Unplaced activities are evaluated far away, each in its own slot.
    far: Time,
    slot: Time,
}

impl LimitGuard {
    /// A guard for the activities `feeders` of the hard limits, `None`
    /// when there are none or the instance is too large.
    pub fn new(
        problem: &crate::model::Problem,
        inst: &Instance,
        feeders: &[Vec<usize>],
    ) -> Option<LimitGuard> {
        if inst.n > GUARD_MAX_ACTIVITIES || feeders.is_empty() {
            return None;
        }
        let mut feeds = vec![false; inst.n];
        for &a in feeders.iter().flatten() {
            if a < inst.n {
                feeds[a] = true;
            }
        }
        let reach: Time = problem
            .signals
            .iter()
            .map(|s| match s {
                crate::model::Signal::Switchover { minutes, .. } => (*minutes).max(0),
                crate::model::Signal::Delayed { tolerance, .. } => (*tolerance).max(0),
                _ => 0,
            })
            .sum();
        let slot = inst.dur.iter().copied().max().unwrap_or(0) + reach + 2;
        Some(LimitGuard {
            problem: Arc::new(problem.clone()),
            feeds,
            far: inst.horizon + slot,
            slot,
        })
    }

    /// Total excess over the hard limits with the placed activities where
    /// they are, `j` at `at` (or away) and the rest away.
    fn excess(&self, start: &[Time], done: &[bool], j: usize, at: Option<Time>) -> Time {
        let starts: Vec<Time> = (0..start.len())
            .map(|k| match (k == j, at) {
                (true, Some(t)) => t,
                _ if done[k] && k != j => start[k],
                _ => self.far + k as Time * self.slot,
            })
            .collect();
        crate::model::signal::on_time(&self.problem, &starts)
            .iter()
            .zip(&self.problem.limits)
            .map(|(&o, l)| l.max_on.map_or(0, |m| (o - m).max(0)))
            .sum()
    }
}

/// Reusable work space for one instance.
pub struct Sgs {
    profiles: Vec<Profile>,
    /// Per exclusion group and side: 1 where no other side runs (a
    /// profile that goes to 0 or below where another side is busy).
    busy: Vec<Vec<Profile>>,
    free_side: Profile,
    es: Vec<Time>,
    ls: Vec<Time>,
    lsp: Vec<usize>,
    start: Vec<Time>,
    done: Vec<bool>,
    extra: Vec<Time>,
    queue: VecDeque<usize>,
    inq: Vec<bool>,
    /// Restarts allowed per generation.
    pub max_restarts: usize,
    /// Why the last generation failed (diagnostics).
    pub failure: &'static str,
    /// Generation gives up (fails) once this instant has passed.
    pub deadline: Option<Instant>,
    /// Work done since it was last told to the clock (see
    /// [`super::clock`]): activities placed, time lags followed, profile
    /// segments looked at and changed.
    work: u64,
    /// Generation also gives up once any of these is set.
    pub stop: Vec<Arc<AtomicBool>>,
    /// Activities placed in its last pass, and passes restarted for
    /// maximum lags, when the last generation gave up (diagnostics).
    pub placed: usize,
    pub restarts: usize,
    /// The activity that found no room before its latest start when the
    /// last generation failed that way (what the search learns from).
    pub late: Option<usize>,
    /// On-time limits looked at while placing, if any.
    pub guard: Option<LimitGuard>,
}

impl Sgs {
    pub fn new(inst: &Instance) -> Self {
        let n = inst.n;
        let free_side = Profile::from_steps(&[(0, 1)]);
        Sgs {
            work: 0,
            profiles: inst.caps.clone(),
            busy: inst
                .sides
                .iter()
                .map(|&s| vec![free_side.clone(); s])
                .collect(),
            free_side,
            es: vec![0; n],
            ls: vec![0; n],
            lsp: vec![NONE; n],
            start: vec![0; n],
            done: vec![false; n],
            extra: vec![Time::MIN; n],
            queue: VecDeque::new(),
            inq: vec![false; n],
            max_restarts: n + 10,
            failure: "",
            deadline: None,
            stop: Vec::new(),
            placed: 0,
            restarts: 0,
            late: None,
            guard: None,
        }
    }

    /// Whether the deadline has passed or a stop flag is set (telling the
    /// clock the work done so far).
    pub fn expired(&mut self) -> bool {
        self.tell_work();
        self.stop.iter().any(|f| f.load(Ordering::Relaxed))
            || self.deadline.is_some_and(clock::passed)
    }

    /// Tells the clock the work done since last told.
    fn tell_work(&mut self) {
        clock::work(self.work / WORK_PER_STEP);
        self.work %= WORK_PER_STEP;
    }

    fn reset(&mut self, inst: &Instance) {
        for (p, c) in self.profiles.iter_mut().zip(&inst.caps) {
            p.clone_from(c);
        }
        for g in &mut self.busy {
            for s in g {
                s.clone_from(&self.free_side);
            }
        }
        self.es.copy_from_slice(&inst.es);
        self.ls.copy_from_slice(&inst.ls);
        self.lsp.fill(NONE);
        self.done.fill(false);
    }

    /// Earliest `t >= t0` (up to the horizon) at which `j` fits given what
    /// is placed so far; a time past `inst.ls[j]` (not a fit) once the
    /// search passes it.
    fn fit(&mut self, inst: &Instance, j: usize, t0: Time) -> Option<Time> {
        let d = inst.dur[j];
        let mut t = t0;
        loop {
            if t > inst.horizon {
                return None;
            }
            if t > inst.ls[j] {
                // No schedule starts `j` this late (its latest start takes
                // closing availability into account): searching on, step by
                // step through the profiles up to the horizon, only stalls.
                return Some(t);
            }
            let nt = inst.fit_intervals(j, t)?;
            if nt != t {
                t = nt;
                continue;
            }
            let mut nt = t;
            for &(r, a) in &inst.demands[j] {
                let (clash, work) = self.profiles[r].conflict_counted(t, d, a);
                self.work += work;
                if let Some(e) = clash {
                    // every conflict bounds the earliest fit: take the latest
                    nt = nt.max(e);
                }
            }
            if nt >= POS {
                return None;
            }
            if nt != t {
                t = nt;
                continue;
            }
            for &(g, side) in &inst.excl[j] {
                let (clash, work) = self.busy[g][side].conflict_counted(t, d, 1);
                self.work += work;
                if let Some(e) = clash {
                    nt = nt.max(e);
                }
            }
            if nt >= POS {
                return None;
            }
            if nt == t {
                // Rigid chains (start of the next = end of this one, as the
                // steps of a format 1.1 task): start only where the rest of
                // the chain fits too, instead of restarting generation when
                // a later link finds no room at its one possible start.
                match self.chain_delay(inst, j, t) {
                    Some(later) if later > t => {
                        t = later;
                        continue;
                    }
                    _ => return Some(t),
                }
            }
            t = nt;
        }
    }

    /// The activity that must start exactly when `j` ends (a minimum lag
    /// of `dur[j]` and a maximum lag back of the same), if any.
    fn rigid_next(inst: &Instance, j: usize) -> Option<usize> {
        let d = inst.dur[j];
        inst.out[j]
            .iter()
            .find(|&&(k, lag)| lag == d && inst.out[k].iter().any(|&(b, l)| b == j && l == -d))
            .map(|&(k, _)| k)
    }

    /// When `j` starts at `t`, the earliest later start of `j` at which the
    /// next unplaced links of its rigid chain are not blocked by placed
    /// activities or their own intervals; None when they fit at `t`.
    fn chain_delay(&mut self, inst: &Instance, j: usize, t: Time) -> Option<Time> {
        let (mut cur, mut at) = (j, t);
        for _ in 0..64 {
            let k = Self::rigid_next(inst, cur)?;
            if self.done[k] || k == j {
                return None;
            }
            at += inst.dur[cur];
            let d = inst.dur[k];
            let mut e = inst.fit_intervals(k, at).unwrap_or(POS);
            for &(r, a) in &inst.demands[k] {
                let (clash, work) = self.profiles[r].conflict_counted(at, d, a);
                self.work += work;
                if let Some(c) = clash {
                    e = e.max(c);
                }
            }
            if e >= POS {
                return None;
            }
            if e > at {
                return Some(t + (e - at));
            }
            cur = k;
        }
        None
    }

    /// With a [`LimitGuard`]: `t`, or a later fit not after `latest` at
    /// which `j` adds no more excess over the on-time limits than it adds
    /// alone (the first of a few looked at), or `t` when there is none.
    fn guarded(&mut self, inst: &Instance, j: usize, t: Time, latest: Time) -> Time {
        let Some(g) = self.guard.take() else {
            return t;
        };
        let mut out = t;
        if g.feeds[j] {
            let alone = g.excess(&self.start, &self.done, j, None);
            self.work += inst.n as u64;
            if g.excess(&self.start, &self.done, j, Some(t)) > alone {
                let mut cands: Vec<Time> = (0..inst.n)
                    .filter(|&k| self.done[k] && g.feeds[k])
                    .flat_map(|k| {
                        let e = self.start[k] + inst.dur[k];
                        [e, e + 1]
                    })
                    .filter(|&c| c > t && c <= latest)
                    .collect();
                cands.sort_unstable();
                cands.dedup();
                cands.truncate(GUARD_CANDIDATES);
                for c in cands {
                    match self.fit(inst, j, c) {
                        Some(tc) if tc <= latest => {
                            self.work += inst.n as u64;
                            if g.excess(&self.start, &self.done, j, Some(tc)) <= alone {
                                out = tc;
                                break;
                            }
                        }
                        _ => break,
                    }
                }
            }
        }
        self.guard = Some(g);
        out
    }

    fn place(&mut self, inst: &Instance, j: usize, t: Time) {
        let d = inst.dur[j];
        self.start[j] = t;
        self.done[j] = true;
        self.work += 2 + inst.inc[j].len() as u64;
        for &(r, a) in &inst.demands[j] {
            self.work += self.profiles[r].reserve(t, d, a);
        }
        for &(g, side) in &inst.excl[j] {
            for (s, p) in self.busy[g].iter_mut().enumerate() {
                if s != side {
                    self.work += p.reserve(t, d, 1);
                }
            }
        }
    }

    /// Raises `es` from `j` along out-arcs; false on an empty window.
    fn push_forward(&mut self, inst: &Instance, j: usize) -> bool {
        self.queue.clear();
        self.queue.push_back(j);
        self.inq[j] = true;
        let mut ok = true;
        while let Some(u) = self.queue.pop_front() {
            self.inq[u] = false;
            if !ok {
                continue;
            }
            for &(v, lag) in &inst.out[u] {
                let c = self.es[u] + lag;
                if c > self.es[v] {
                    self.es[v] = c;
                    if c > self.ls[v] {
                        ok = false;
                        break;
                    }
                    if !self.inq[v] {
                        self.inq[v] = true;
                        self.queue.push_back(v);
                    }
                }
            }
        }
        ok
    }

    /// Lowers `ls` from `j` along in-arcs, remembering who lowered it.
    fn push_backward(&mut self, inst: &Instance, j: usize) -> bool {
        self.queue.clear();
        self.queue.push_back(j);
        self.inq[j] = true;
        let mut ok = true;
        while let Some(u) = self.queue.pop_front() {
            self.inq[u] = false;
            if !ok {
                continue;
            }
            for &(v, lag) in &inst.inc[u] {
                let c = self.ls[u] - lag;
                if c < self.ls[v] {
                    self.ls[v] = c;
                    self.lsp[v] = u;
                    if c < self.es[v] {
                        ok = false;
                        break;
                    }
                    if !self.inq[v] {
                        self.inq[v] = true;
                        self.queue.push_back(v);
                    }
                }
            }
        }
        ok
    }

    /// Generates a schedule from an activity list (every activity exactly
    /// once, respecting `inst.order_preds`). `None` when generation failed.
    pub fn run(&mut self, inst: &Instance, list: &[usize]) -> Option<Vec<Time>> {
        debug_assert_eq!(list.len(), inst.n);
        self.late = None;
        let out = if inst.simple {
            self.run_simple(inst, list)
        } else {
            self.run_general(inst, list)
        };
        self.tell_work();
        out
    }

    fn run_simple(&mut self, inst: &Instance, list: &[usize]) -> Option<Vec<Time>> {
        self.reset(inst);
        for (k, &j) in list.iter().enumerate() {
            if k % CHECK_EVERY == CHECK_EVERY - 1 && self.expired() {
                self.failure = OUT_OF_TIME;
                self.placed = k;
                self.restarts = 0;
                return None;
            }
            let mut t = inst.es[j];
            for &(i, lag) in &inst.inc[j] {
                debug_assert!(self.done[i]);
                t = t.max(self.start[i] + lag);
            }
            let Some(t) = self.fit(inst, j, t) else {
                self.failure =
                    "an activity found no room (resources, intervals, exclusions) before the planning horizon";
                return None;
            };
            if t > inst.ls[j] {
                self.failure = "activities could not be placed before the deadline";
                self.late = Some(j);
                return None;
            }
            let t = self.guarded(inst, j, t, inst.ls[j]);
            self.place(inst, j, t);
        }
        Some(self.start.clone())
    }

    fn run_general(&mut self, inst: &Instance, list: &[usize]) -> Option<Vec<Time>> {
        self.extra.fill(Time::MIN);
        let mut restarts = 0;
        // Large instances: a pass goes on past a conflict (skipping the
        // activity) to collect the delays of all conflicts, then restarts
        // once, instead of restarting from scratch at each conflict.
        let batch = inst.n > BATCH_ABOVE;
        'outer: loop {
            let mut pending = false;
            self.reset(inst);
            for j in 0..inst.n {
                if self.extra[j] > self.es[j] {
                    self.es[j] = self.extra[j];
                    if self.es[j] > self.ls[j] || !self.push_forward(inst, j) {
                        self.failure = "the start delays needed to satisfy maximum time lags contradict other time lags";
                        return None;
                    }
                }
            }
            for (k, &j) in list.iter().enumerate() {
                if k % CHECK_EVERY == CHECK_EVERY - 1 && self.expired() {
                    self.failure = OUT_OF_TIME;
                    self.placed = k;
                    self.restarts = restarts;
                    return None;
                }
                if self.done[j] {
                    continue; // placed with its rigid chain
                }
                let Some(t) = self.fit(inst, j, self.es[j]) else {
                    if pending {
                        continue 'outer;
                    }
                    self.failure = "an activity found no room (resources, intervals, exclusions) before the planning horizon";
                    return None;
                };
                if t > self.ls[j] {
                    if !pending {
                        restarts += 1;
                    }
                    if self.expired() {
                        self.failure = OUT_OF_TIME;
                        self.placed = k;
                        self.restarts = restarts;
                        return None;
                    }
                    if restarts > self.max_restarts {
                        self.failure = "maximum time lags kept conflicting with resources, intervals or exclusions";
                        return None;
                    }
                    let mut u = self.lsp[j];
                    let mut steps = 0;
                    while u != NONE && !self.done[u] && steps <= inst.n {
                        u = self.lsp[u];
                        steps += 1;
                    }
                    if u == NONE || !self.done[u] {
                        if pending {
                            continue 'outer;
                        }
                        self.failure = "activities could not be placed before the deadline";
                        self.late = Some(j);
                        return None;
                    }
                    let delta = t - self.ls[j];
                    self.extra[u] = self.extra[u].max(self.start[u] + delta);
                    if batch {
                        pending = true;
                        continue;
                    }
                    continue 'outer;
                }
                let t = self.guarded(inst, j, t, self.ls[j]);
                self.place(inst, j, t);
                self.es[j] = t;
                if t < self.ls[j] {
                    self.ls[j] = t;
                    self.lsp[j] = NONE;
                }
                if !self.push_forward(inst, j) || !self.push_backward(inst, j) {
                    if pending {
                        continue 'outer;
                    }
                    self.failure = "time lags left an activity no possible start";
                    return None;
                }
                // The rest of a rigid chain goes in at once, where the
                // look-ahead of `fit` found room for it.
                let mut cur = j;
                while let Some(next) = Self::rigid_next(inst, cur) {
                    let tn = self.start[cur] + inst.dur[cur];
                    if self.done[next] || tn < self.es[next] || tn > self.ls[next] {
                        break;
                    }
                    if self.fit(inst, next, tn) != Some(tn) {
                        break;
                    }
                    self.place(inst, next, tn);
                    self.es[next] = tn;
                    if tn < self.ls[next] {
                        self.ls[next] = tn;
                        self.lsp[next] = NONE;
                    }
                    if !self.push_forward(inst, next) || !self.push_backward(inst, next) {
                        if pending {
                            continue 'outer;
                        }
                        self.failure = "time lags left an activity no possible start";
                        return None;
                    }
                    cur = next;
                }
            }
            if pending {
                continue 'outer;
            }
            return Some(self.start.clone());
        }
    }
}
