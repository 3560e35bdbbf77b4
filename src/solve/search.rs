//! Improvement search: every activity list is decoded by the serial SGS and
//! improved by forward–backward improvement (double justification through
//! the time-mirrored instance); a steady-state genetic algorithm on activity
//! lists (two-point crossover, neighbour-swap and shift mutation, an
//! "align" move for on-time limits) runs on each worker until the time
//! limit, the schedule budget, or a schedule meeting the lower bound.
//! Schedules that break an on-time limit are kept only as stepping stones
//! (ranked by total excess first) and never reported as feasible.

use super::instance::Instance;
use super::priority::{
    blockify, crossover, list_by_key, list_from_starts, list_sampled, mutate, rule_keys, shift,
};
use super::rng::Rng;
use super::sgs::Sgs;
use crate::model::{signal, Problem, Signal, Time};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Instant;

/// A decoded, justified schedule.
#[derive(Debug, Clone)]
pub struct Cand {
    pub list: Vec<usize>,
    pub starts: Vec<Time>,
    pub makespan: Time,
    /// Total minutes by which on-time limits are exceeded (0 = feasible).
    pub penalty: Time,
    hash: u64,
}

impl Cand {
    pub fn key(&self) -> (Time, Time) {
        (self.penalty, self.makespan)
    }
}

/// State shared by all workers.
pub struct Shared {
    pub best: AtomicI64,
    pub stop: AtomicBool,
}

/// What each worker needs to know.
pub struct Setup<'a> {
    pub problem: &'a Problem,
    pub inst: &'a Instance,
    pub lower_bound: Time,
    pub deadline: Instant,
    /// Schedules per worker (0 = no limit).
    pub max_schedules: u64,
    /// Activities feeding each hard on-time limit.
    pub feeders: Vec<Vec<usize>>,
}

/// Whether the signal is built without `All` (so running its feeders at the
/// same time can only shorten its on-time).
pub fn monotone_union(problem: &Problem, sig: usize) -> bool {
    match problem.signals.get(sig) {
        None => true,
        Some(Signal::Running(_)) => true,
        Some(Signal::All(_)) => false,
        Some(Signal::Any(v)) => v.iter().all(|&k| k >= sig || monotone_union(problem, k)),
        Some(Signal::Delayed { input, .. }) => *input >= sig || monotone_union(problem, *input),
    }
}

/// The activities whose running can switch a signal on.
pub fn feeders(problem: &Problem, sig: usize) -> Vec<usize> {
    let mut acts = Vec::new();
    let mut seen = vec![false; problem.signals.len()];
    let mut stack = vec![sig];
    while let Some(s) = stack.pop() {
        if s >= seen.len() || seen[s] {
            continue;
        }
        seen[s] = true;
        match &problem.signals[s] {
            Signal::Running(a) => {
                acts.extend(a.iter().copied().filter(|&a| a < problem.activities.len()))
            }
            Signal::Any(v) | Signal::All(v) => stack.extend(v.iter().copied().filter(|&k| k < s)),
            Signal::Delayed { input, .. } => {
                if *input < s {
                    stack.push(*input)
                }
            }
        }
    }
    acts.sort_unstable();
    acts.dedup();
    acts
}

/// One search worker: decoding, justification and its caches.
pub struct Worker<'a> {
    setup: &'a Setup<'a>,
    sgs: Sgs,
    mirrors: HashMap<Time, Option<(Instance, Sgs)>>,
    has_limits: bool,
    pub schedules: u64,
}

fn hash_starts(s: &[Time]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in s {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl<'a> Worker<'a> {
    pub fn new(setup: &'a Setup<'a>) -> Self {
        Worker {
            setup,
            sgs: Sgs::new(setup.inst),
            mirrors: HashMap::new(),
            has_limits: setup.problem.limits.iter().any(|l| l.max_on.is_some()),
            schedules: 0,
        }
    }

    fn penalty(&self, starts: &[Time]) -> Time {
        if !self.has_limits {
            return 0;
        }
        let on = signal::on_time(self.setup.problem, starts);
        self.setup
            .problem
            .limits
            .iter()
            .zip(on)
            .map(|(l, o)| l.max_on.map_or(0, |m| (o - m).max(0)))
            .sum()
    }

    fn cand(&self, list: Vec<usize>, starts: Vec<Time>) -> Cand {
        Cand {
            makespan: self.setup.inst.makespan(&starts),
            penalty: self.penalty(&starts),
            hash: hash_starts(&starts),
            list,
            starts,
        }
    }

    /// Decodes a list and improves the schedule by forward–backward passes.
    /// With `rescue`, a list that fails is retried with blocks kept
    /// together (better odds of feasibility, usually a longer schedule).
    pub fn generate(&mut self, list: Vec<usize>, rescue: bool) -> Option<Cand> {
        self.schedules += 1;
        let inst = self.setup.inst;
        let (list, starts) = match self.sgs.run(inst, &list) {
            Some(s) => (list, s),
            None if rescue && inst.blocks => {
                // keep activities tied by maximum lags together and retry
                let list = blockify(inst, &list);
                let s = self.sgs.run(inst, &list)?;
                (list, s)
            }
            None => return None,
        };
        let mut best = self.cand(list, starts);
        for _ in 0..3 {
            let Some(next) = self.justify(&best.starts) else {
                break;
            };
            let next = self.cand(list_from_starts(inst, &next), next);
            let better = next.key() < best.key();
            if next.key() <= best.key() {
                best = next;
            }
            if !better {
                break;
            }
        }
        Some(best)
    }

    /// One backward pass (right-justify in the mirror) and one forward pass.
    fn justify(&mut self, starts: &[Time]) -> Option<Vec<Time>> {
        let inst = self.setup.inst;
        let end = inst.makespan(starts);
        if self.mirrors.len() > 64 {
            self.mirrors.clear();
        }
        let entry = self.mirrors.entry(end).or_insert_with(|| {
            inst.mirror(end).map(|m| {
                let s = Sgs::new(&m);
                (m, s)
            })
        });
        let (m, msgs) = entry.as_mut()?;
        let mirrored: Vec<Time> = (0..inst.n).map(|j| end - starts[j] - inst.dur[j]).collect();
        let blist = list_from_starts(m, &mirrored);
        let back = msgs.run(m, &blist)?;
        let back: Vec<Time> = (0..inst.n).map(|j| end - back[j] - inst.dur[j]).collect();
        let flist = list_from_starts(inst, &back);
        self.sgs.run(inst, &flist)
    }
}

fn insert(pop: &mut Vec<Cand>, c: Cand, cap: usize) -> bool {
    if pop.iter().any(|p| p.hash == c.hash && p.key() == c.key()) {
        return false;
    }
    if pop.len() < cap {
        pop.push(c);
        return true;
    }
    let (w, worst) = pop
        .iter()
        .enumerate()
        .max_by_key(|(_, p)| p.key())
        .expect("non-empty");
    if c.key() <= worst.key() {
        pop[w] = c;
        true
    } else {
        false
    }
}

/// Moves the activities feeding a limit next to each other in the list.
fn align(inst: &Instance, list: &[usize], group: &[usize]) -> Vec<usize> {
    let mut key = vec![0.0; inst.n];
    for (p, &j) in list.iter().enumerate() {
        key[j] = p as f64;
    }
    let target = group.iter().map(|&j| key[j]).fold(0.0, f64::max);
    for &j in group {
        key[j] = target + key[j] / (inst.n as f64 + 1.0);
    }
    list_by_key(inst, &key, false)
}

/// Runs one worker of the genetic search; returns its best schedule.
pub fn run_worker(setup: &Setup, shared: &Shared, seed: u64, worker: usize) -> Option<Cand> {
    let inst = setup.inst;
    let n = inst.n;
    let mut w = Worker::new(setup);
    let mut rng = Rng::new(seed.wrapping_add((worker as u64).wrapping_mul(0x2545_F491_4F6C_DD1D)));
    let cap = 40usize;
    let mut pop: Vec<Cand> = Vec::new();
    let mut best: Option<Cand> = None;
    let stop = |w: &Worker| {
        shared.stop.load(Ordering::Relaxed)
            || Instant::now() >= setup.deadline
            || (setup.max_schedules > 0 && w.schedules >= setup.max_schedules)
    };
    let offer = |c: Cand, best: &mut Option<Cand>| {
        if best.as_ref().is_none_or(|b| c.key() < b.key()) {
            if c.penalty == 0 {
                shared.best.fetch_min(c.makespan, Ordering::Relaxed);
                if c.makespan <= setup.lower_bound {
                    shared.stop.store(true, Ordering::Relaxed);
                }
            }
            *best = Some(c);
        }
    };
    let rules = rule_keys(inst);
    let first = worker % rules.len();
    for k in 0..rules.len() {
        if stop(&w) {
            break;
        }
        let list = if worker == 0 || k > 0 {
            list_by_key(inst, &rules[(first + k) % rules.len()].1, false)
        } else {
            list_sampled(inst, &rules[first].1, &mut rng, false)
        };
        if let Some(c) = w.generate(list, best.is_none()) {
            offer(c.clone(), &mut best);
            insert(&mut pop, c, cap);
        }
    }
    let lst = &rules[0].1;
    let mut tries = 0;
    while pop.len() < cap && !stop(&w) && tries < 4 * cap {
        tries += 1;
        let key = &rules[rng.below(rules.len())].1;
        let list = list_sampled(
            inst,
            if rng.chance(0.5) { lst } else { key },
            &mut rng,
            false,
        );
        if let Some(c) = w.generate(list, best.is_none()) {
            offer(c.clone(), &mut best);
            insert(&mut pop, c, cap);
        }
    }
    let mut seen = vec![false; n];
    let mut since = 0u64;
    let stale = 1500 + 10 * n as u64;
    while !stop(&w) {
        if pop.len() < 2 {
            let list = list_sampled(inst, lst, &mut rng, false);
            if let Some(c) = w.generate(list, best.is_none()) {
                offer(c.clone(), &mut best);
                insert(&mut pop, c, cap);
            }
            continue;
        }
        let pick = |rng: &mut Rng, pop: &[Cand]| {
            let a = rng.below(pop.len());
            let b = rng.below(pop.len());
            if pop[a].key() <= pop[b].key() {
                a
            } else {
                b
            }
        };
        let m = pick(&mut rng, &pop);
        let d = pick(&mut rng, &pop);
        let mut child = crossover(&pop[m].list, &pop[d].list, &mut rng, &mut seen);
        mutate(inst, &mut child, 0.05, &mut rng);
        if rng.chance(0.2) {
            shift(inst, &mut child, &mut rng);
        }
        if !setup.feeders.is_empty()
            && best.as_ref().is_none_or(|b| b.penalty > 0)
            && rng.chance(0.3)
        {
            let g = &setup.feeders[rng.below(setup.feeders.len())];
            child = align(inst, &child, g);
        }
        let before = best.as_ref().map(|b| b.key());
        if let Some(c) = w.generate(child, best.is_none()) {
            offer(c.clone(), &mut best);
            insert(&mut pop, c, cap);
        }
        if best.as_ref().map(|b| b.key()) != before {
            since = 0;
        } else {
            since += 1;
        }
        if since > stale {
            // diversify: keep the better half, refill by sampling
            pop.sort_by_key(|c| c.key());
            pop.truncate(cap / 2);
            since = 0;
        }
        if !pop.is_empty() && pop.len() < cap && rng.chance(0.1) {
            let list = list_sampled(inst, lst, &mut rng, false);
            if let Some(c) = w.generate(list, best.is_none()) {
                offer(c.clone(), &mut best);
                insert(&mut pop, c, cap);
            }
        }
    }
    best
}
