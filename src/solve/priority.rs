//! Activity lists: from priority rules (latest start, latest finish, minimum
//! slack, most total successors, greatest rank positional weight, earliest
//! start) and by regret-biased random sampling; list operators for the
//! genetic search (two-point crossover, order-preserving mutation).

use super::instance::Instance;
use crate::rng::SplitMix64;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Above this many activities, sampling perturbs the keys and builds the
/// list with a heap (O(n log n)) instead of the regret-biased draw over the
/// whole eligible set (O(n · eligible)).
const LARGE: usize = 2000;

/// A key and an activity, ordered by key (total order) then index.
#[derive(Clone, Copy, PartialEq)]
struct Keyed(f64, usize);

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// Builds a list by repeatedly taking the eligible activity (all list
/// predecessors taken) with the smallest key (ties: smaller index). Once an
/// activity of a block (activities tied by maximum lags) is taken, the
/// block's other eligible activities come first when `blocks` is set.
/// Heaps keep it O(n log n): all eligible activities in one, and those of
/// each block in another (taken ones are skipped lazily).
pub fn list_by_key(inst: &Instance, key: &[f64], blocks: bool) -> Vec<usize> {
    let n = inst.n;
    let by_block = blocks && inst.blocks;
    let mut missing: Vec<usize> = inst.order_preds.iter().map(|p| p.len()).collect();
    let mut all: BinaryHeap<Reverse<Keyed>> = BinaryHeap::new();
    let mut pending: Vec<BinaryHeap<Reverse<Keyed>>> = Vec::new();
    if by_block {
        pending.resize_with(n, BinaryHeap::new);
    }
    let mut taken = vec![false; n];
    let push = |j: usize,
                all: &mut BinaryHeap<Reverse<Keyed>>,
                pending: &mut Vec<BinaryHeap<Reverse<Keyed>>>| {
        all.push(Reverse(Keyed(key[j], j)));
        if by_block {
            pending[inst.block[j]].push(Reverse(Keyed(key[j], j)));
        }
    };
    for j in (0..n).filter(|&j| missing[j] == 0) {
        push(j, &mut all, &mut pending);
    }
    let mut list = Vec::with_capacity(n);
    let mut open = usize::MAX;
    loop {
        let mut pick = None;
        if by_block && open != usize::MAX {
            let h = &mut pending[open];
            while let Some(Reverse(Keyed(_, j))) = h.pop() {
                if !taken[j] {
                    pick = Some(j);
                    break;
                }
            }
        }
        if pick.is_none() {
            while let Some(Reverse(Keyed(_, j))) = all.pop() {
                if !taken[j] {
                    pick = Some(j);
                    break;
                }
            }
        }
        let Some(j) = pick else { break };
        taken[j] = true;
        open = inst.block[j];
        list.push(j);
        for &s in &inst.order_succs[j] {
            missing[s] -= 1;
            if missing[s] == 0 {
                push(s, &mut all, &mut pending);
            }
        }
    }
    debug_assert_eq!(list.len(), n);
    list
}

/// The list reordered so that blocks stay together (no change without
/// maximum lags).
pub fn blockify(inst: &Instance, list: &[usize]) -> Vec<usize> {
    if !inst.blocks {
        return list.to_vec();
    }
    let mut key = vec![0.0; inst.n];
    for (p, &j) in list.iter().enumerate() {
        key[j] = p as f64;
    }
    list_by_key(inst, &key, true)
}

/// Regret-biased random sampling on `key` (smaller is better).
pub fn list_sampled(
    inst: &Instance,
    key: &[f64],
    rng: &mut SplitMix64,
    blocks: bool,
) -> Vec<usize> {
    let n = inst.n;
    if n > LARGE && !(blocks && inst.blocks) {
        // keys perturbed by up to a tenth of their range (and at least 1),
        // then the deterministic heap construction
        let (lo, hi) = key
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &k| {
                (a.min(k), b.max(k))
            });
        let spread = ((hi - lo) * 0.1).max(1.0);
        let noisy: Vec<f64> = key.iter().map(|&k| k + rng.unit() * spread).collect();
        return list_by_key(inst, &noisy, false);
    }
    let mut missing: Vec<usize> = inst.order_preds.iter().map(|p| p.len()).collect();
    let mut eligible: Vec<usize> = (0..n).filter(|&j| missing[j] == 0).collect();
    let mut list = Vec::with_capacity(n);
    let mut w = Vec::new();
    let mut open = usize::MAX;
    while !eligible.is_empty() {
        let restrict = blocks && inst.blocks && eligible.iter().any(|&j| inst.block[j] == open);
        let allowed = |j: usize| !restrict || inst.block[j] == open;
        let worst = eligible
            .iter()
            .filter(|&&j| allowed(j))
            .map(|&j| key[j])
            .fold(f64::NEG_INFINITY, f64::max);
        w.clear();
        let mut total = 0.0;
        for &j in &eligible {
            let r = if allowed(j) {
                (worst - key[j] + 1.0).powi(2)
            } else {
                0.0
            };
            total += r;
            w.push(r);
        }
        let mut x = rng.unit() * total;
        let mut pos = usize::MAX;
        for (k, &r) in w.iter().enumerate() {
            if r > 0.0 {
                pos = k;
                if x < r {
                    break;
                }
            }
            x -= r;
        }
        let j = eligible.swap_remove(pos);
        open = inst.block[j];
        list.push(j);
        for &s in &inst.order_succs[j] {
            missing[s] -= 1;
            if missing[s] == 0 {
                eligible.push(s);
            }
        }
    }
    list
}

/// Keys of the classical priority rules (smaller first), by name.
pub fn rule_keys(inst: &Instance) -> Vec<(&'static str, Vec<f64>)> {
    let n = inst.n;
    let lst: Vec<f64> = inst.ls.iter().map(|&x| x as f64).collect();
    let lft: Vec<f64> = (0..n).map(|j| (inst.ls[j] + inst.dur[j]) as f64).collect();
    let mslk: Vec<f64> = (0..n).map(|j| (inst.ls[j] - inst.es[j]) as f64).collect();
    let est: Vec<f64> = inst.es.iter().map(|&x| x as f64).collect();
    let mts = most_total_successors(inst);
    let grpw: Vec<f64> = (0..n)
        .map(|j| {
            -((inst.dur[j]
                + inst.order_succs[j]
                    .iter()
                    .map(|&s| inst.dur[s])
                    .sum::<i64>()) as f64)
        })
        .collect();
    vec![
        ("LST", lst),
        ("LFT", lft),
        ("MSLK", mslk),
        ("MTS", mts),
        ("GRPW", grpw),
        ("EST", est),
    ]
}

/// Minus the number of (transitive) list successors of each activity. Exact
/// by bitsets up to [`MTS_EXACT`] activities (n² bits); above, bounded
/// counts summed along successors (may count twice where paths join, and
/// uses n words of memory).
fn most_total_successors(inst: &Instance) -> Vec<f64> {
    let n = inst.n;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&j| std::cmp::Reverse(inst.topo[j]));
    if n > MTS_EXACT {
        let mut count = vec![0f64; n];
        for &j in &order {
            let c: f64 = inst.order_succs[j].iter().map(|&s| 1.0 + count[s]).sum();
            count[j] = c.min(n as f64);
        }
        return count.into_iter().map(|c| -c).collect();
    }
    let words = n.div_ceil(64);
    let mut bits = vec![0u64; n * words];
    for &j in &order {
        for &s in &inst.order_succs[j] {
            bits[j * words + s / 64] |= 1 << (s % 64);
            for w in 0..words {
                let v = bits[s * words + w];
                bits[j * words + w] |= v;
            }
        }
    }
    (0..n)
        .map(|j| {
            -(bits[j * words..(j + 1) * words]
                .iter()
                .map(|w| w.count_ones())
                .sum::<u32>() as f64)
        })
        .collect()
}

/// Largest instance whose total successors are counted exactly.
const MTS_EXACT: usize = 8192;

/// Whether `a` must come before `b` in a list (a direct order arc).
fn ordered(inst: &Instance, a: usize, b: usize) -> bool {
    inst.order_succs[a].contains(&b)
}

/// Two-point crossover (Hartmann): the child takes `mom[..p]`, then the
/// rest of `dad[..q]` in dad's order, then the rest in mom's order.
pub fn crossover(
    mom: &[usize],
    dad: &[usize],
    rng: &mut SplitMix64,
    seen: &mut [bool],
) -> Vec<usize> {
    let n = mom.len();
    let mut p = rng.below(n + 1);
    let mut q = rng.below(n + 1);
    if p > q {
        std::mem::swap(&mut p, &mut q);
    }
    seen.fill(false);
    let mut child = Vec::with_capacity(n);
    for &j in &mom[..p] {
        child.push(j);
        seen[j] = true;
    }
    for &j in dad {
        if child.len() >= q {
            break;
        }
        if !seen[j] {
            child.push(j);
            seen[j] = true;
        }
    }
    for &j in mom {
        if !seen[j] {
            child.push(j);
            seen[j] = true;
        }
    }
    child
}

/// Swaps neighbours with probability `p` each when the order allows.
pub fn mutate(inst: &Instance, list: &mut [usize], p: f64, rng: &mut SplitMix64) {
    for k in 0..list.len().saturating_sub(1) {
        if rng.chance(p) && !ordered(inst, list[k], list[k + 1]) {
            list.swap(k, k + 1);
        }
    }
}

/// Moves one random activity to a random valid place in the list.
pub fn shift(inst: &Instance, list: &mut Vec<usize>, rng: &mut SplitMix64) {
    let n = list.len();
    if n < 2 {
        return;
    }
    let k = rng.below(n);
    let j = list[k];
    list.remove(k);
    // valid range: after every list predecessor, before every successor
    let mut lo = 0;
    let mut hi = list.len();
    for (pos, &x) in list.iter().enumerate() {
        if inst.order_preds[j].contains(&x) {
            lo = lo.max(pos + 1);
        }
        if inst.order_succs[j].contains(&x) {
            hi = hi.min(pos);
        }
    }
    let at = if hi > lo {
        lo + rng.below(hi - lo + 1)
    } else {
        lo
    };
    list.insert(at.min(list.len()), j);
}

/// A valid list from start times (ties by topological rank).
pub fn list_from_starts(inst: &Instance, starts: &[i64]) -> Vec<usize> {
    let mut list: Vec<usize> = (0..inst.n).collect();
    list.sort_by_key(|&j| (starts[j], inst.topo[j]));
    list
}
