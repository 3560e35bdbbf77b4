//! Lower bounds on the makespan: the critical path with time lags (on the
//! windows tightened by intervals and capacity profiles), and energy bounds
//! per resource: the work `duration × demand` of the activities that cannot
//! start before a given minute must fit in the capacity available from that
//! minute on (integrating the capacity profile, which may be 0 at times),
//! and, for constant capacity, before their tails; and a destructive
//! improvement bound: a makespan `T` is refuted when, with every activity
//! ending by `T`, time-window propagation (time lags, time-tabling on
//! compulsory parts) empties a window or energetic reasoning finds an
//! interval that needs more work than the capacity it offers (exclusion
//! groups take part in the time-tabling: no activity runs where another side
//! is certainly busy).

use super::clock;
use super::instance::Instance;
use super::profile::POS;
use super::temporal::longest_paths;
use crate::model::Time;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Smallest `T` with `∫_{t0}^{T} cap ≥ energy`, or `None` if never.
fn fill_until(points: &[(Time, i64)], t0: Time, energy: i64) -> Option<Time> {
    if energy <= 0 {
        return Some(t0);
    }
    let mut left = energy as i128;
    let k0 = points.partition_point(|p| p.0 <= t0) - 1;
    for k in k0..points.len() {
        let from = points[k].0.max(t0);
        let to = points.get(k + 1).map(|p| p.0).unwrap_or(POS);
        let c = points[k].1.max(0) as i128;
        if c == 0 {
            if to >= POS {
                return None;
            }
            continue;
        }
        let avail = c * (to - from) as i128;
        if avail >= left {
            return Some(from + ((left + c - 1) / c) as Time);
        }
        left -= avail;
    }
    None
}

/// The least time from each activity's end to the end of any schedule,
/// from time lags alone. (Not from the latest starts: those also carry
/// absolute deadlines, such as a team's closing hours, which say nothing
/// of what must follow an activity.)
pub fn tails(inst: &Instance) -> Vec<Time> {
    let h = inst.horizon;
    let init: Vec<Time> = (0..inst.n).map(|j| -(h - inst.dur[j])).collect();
    match longest_paths(&inst.inc, &init) {
        Ok((x, _)) => (0..inst.n)
            .map(|j| (h + x[j] - inst.dur[j]).max(0))
            .collect(),
        Err(_) => vec![0; inst.n],
    }
}

/// The makespan bound and, if some resource can never supply the work
/// asked of it, the index of that resource.
pub fn energy_bound(inst: &Instance) -> Result<Time, usize> {
    let tail = tails(inst);
    let mut best = 0;
    // users of each resource, gathered in one pass (one demand per resource)
    let mut by_resource: Vec<Vec<(Time, Time, i64)>> = vec![Vec::new(); inst.caps.len()];
    for (j, &q) in tail.iter().enumerate() {
        for &(r, a) in &inst.demands[j] {
            by_resource[r].push((inst.es[j], q, inst.dur[j] * a));
        }
    }
    for (r, (cap, mut users)) in inst.caps.iter().zip(by_resource).enumerate() {
        if users.is_empty() {
            continue;
        }
        users.sort_by_key(|u| std::cmp::Reverse(u.0));
        // heads: work of activities with es >= h, from h on
        let mut energy = 0;
        for (k, &(h, _, e)) in users.iter().enumerate() {
            energy += e;
            if k + 1 < users.len() && users[k + 1].0 == h {
                continue;
            }
            match fill_until(cap.points(), h, energy) {
                Some(t) => best = best.max(t),
                None => return Err(r),
            }
        }
        // heads and tails on a constant capacity
        let pts = cap.points();
        if pts.len() == 1 && pts[0].1 > 0 && users.len() <= 400 {
            let c = pts[0].1;
            let mut tails: Vec<Time> = users.iter().map(|u| u.1).collect();
            tails.sort_unstable();
            tails.dedup();
            for &q in &tails {
                let mut energy = 0;
                for (k, &(h, tq, e)) in users.iter().enumerate() {
                    if tq >= q {
                        energy += e;
                    }
                    if k + 1 < users.len() && users[k + 1].0 == h {
                        continue;
                    }
                    if energy > 0 {
                        best = best.max(h + (energy + c - 1) / c + q);
                    }
                }
            }
        }
    }
    Ok(best)
}

/// Exclusion groups: different sides never run at once, so the longest
/// activity of each side needs its own stretch of time after the earliest
/// start in the group.
pub fn exclusion_bound(inst: &Instance) -> Time {
    let mut best = 0;
    let mut longest: Vec<Vec<Time>> = inst.sides.iter().map(|&s| vec![0; s]).collect();
    let mut first = vec![Time::MAX; inst.sides.len()];
    for j in 0..inst.n {
        for &(g, side) in &inst.excl[j] {
            longest[g][side] = longest[g][side].max(inst.dur[j]);
            first[g] = first[g].min(inst.es[j]);
        }
    }
    for (longest, first) in longest.iter().zip(first) {
        let used = longest.iter().filter(|&&d| d > 0).count();
        if used > 1 {
            best = best.max(first + longest.iter().sum::<Time>());
        }
    }
    best
}

/// Critical-path bound of the instance's windows.
pub fn path_bound(inst: &Instance) -> Time {
    inst.makespan(&inst.es)
}

/// The largest `T >= lb` such that every makespan below `T` is refuted
/// (stops refuting at `until`; the result is always a valid bound).
pub fn destructive(inst: &Instance, lb: Time, until: Instant) -> Time {
    destructive_with(inst, lb, until, &AtomicBool::new(false), |_| true)
}

/// [`destructive`] that reports each raise to `raised` (which returns
/// whether to go on) and gives up as soon as `abort` is set.
pub fn destructive_with(
    inst: &Instance,
    lb: Time,
    until: Instant,
    abort: &AtomicBool,
    mut raised: impl FnMut(Time) -> bool,
) -> Time {
    let mut t = lb;
    while !expired(until, abort, pass_steps(inst)) && refuted_or_abort(inst, t, until, abort) {
        t += 1;
        if !raised(t) {
            break;
        }
    }
    t
}

/// Out of time or aborted; `steps`: the work done since the last check
/// (see [`clock`]), one step per ~100 ns of work on the reference machine.
fn expired(until: Instant, abort: &AtomicBool, steps: u64) -> bool {
    clock::work(steps);
    abort.load(Ordering::Relaxed) || clock::passed(until)
}

/// The work of a pass over the activities (copying windows, one round of
/// a loop over them).
fn pass_steps(inst: &Instance) -> u64 {
    inst.n as u64 / 5
}

/// Narrows an activity's start window `[es, ls]` (duration `d`) to the
/// starts whose run meets no minute where `bad` holds: `None` when none is
/// left, else whether the window moved.
fn narrow(es: &mut Time, ls: &mut Time, d: Time, bad: impl Fn(Time) -> bool) -> Option<bool> {
    let mut moved = false;
    let mut t = *es;
    while let Some(m) = (t..t + d).find(|&m| bad(m)) {
        t = m + 1;
        if t > *ls {
            return None;
        }
    }
    if t > *es {
        *es = t;
        moved = true;
    }
    let mut t = *ls;
    while let Some(m) = (t..t + d).rev().find(|&m| bad(m)) {
        t = m - d;
        if t < *es {
            return None;
        }
    }
    if t < *ls {
        *ls = t;
        moved = true;
    }
    Some(moved)
}

/// Largest array of minutes the time-tabling will build.
const MAX_SPAN: Time = 200_000;

/// What the refutation of one makespan works on.
struct Ctx<'a> {
    inst: &'a Instance,
    lo: Time,
    end: Time,
    /// Capacity per minute of `[lo, end)`, per resource.
    caps: Vec<Vec<i64>>,
    /// Prefix sums of `caps`.
    acc: Vec<Vec<i64>>,
    users: Vec<Vec<(usize, i64)>>,
    /// Per exclusion group, its members that are on one side only.
    members: Vec<Vec<(usize, usize)>>,
    until: Instant,
    abort: &'a AtomicBool,
    /// Clock steps of one resource's timetable in a propagation round.
    resource_steps: u64,
}

/// Whether no schedule ends by `end` (false when not proven, out of time
/// or aborted).
pub fn refuted_or_abort(inst: &Instance, end: Time, until: Instant, abort: &AtomicBool) -> bool {
    let n = inst.n;
    if n == 0 {
        return end < 0;
    }
    let mut es = inst.es.clone();
    let latest: Vec<Time> = (0..n)
        .map(|j| -(inst.latest[j].min(end - inst.dur[j])))
        .collect();
    let Ok((x, _)) = longest_paths(&inst.inc, &latest) else {
        return false;
    };
    let mut ls: Vec<Time> = x.into_iter().map(|v| -v).collect();
    if (0..n).any(|j| es[j] > ls[j]) {
        return true;
    }
    let lo = es.iter().copied().min().unwrap_or(0);
    if end - lo > MAX_SPAN || end <= lo || (end - lo) * inst.caps.len() as Time > 8 * MAX_SPAN {
        return false;
    }
    let span = (end - lo) as usize;
    // the timetables built below
    clock::work((span * inst.caps.len()) as u64 / 16);
    let caps: Vec<Vec<i64>> = inst
        .caps
        .iter()
        .map(|c| (0..span).map(|k| c.at(lo + k as Time)).collect())
        .collect();
    let acc = caps
        .iter()
        .map(|c| {
            let mut a = vec![0i64; c.len() + 1];
            for (k, &v) in c.iter().enumerate() {
                a[k + 1] = a[k] + v.max(0);
            }
            a
        })
        .collect();
    let mut users: Vec<Vec<(usize, i64)>> = vec![Vec::new(); inst.caps.len()];
    for j in 0..n {
        for &(r, a) in &inst.demands[j] {
            users[r].push((j, a));
        }
    }
    let mut members: Vec<Vec<(usize, usize)>> = vec![Vec::new(); inst.sides.len()];
    for j in 0..n {
        for (k, &(g, side)) in inst.excl[j].iter().enumerate() {
            if !inst.excl[j]
                .iter()
                .enumerate()
                .any(|(k2, e)| k2 != k && e.0 == g)
            {
                members[g].push((j, side));
            }
        }
    }
    let demand_minutes: Time = (0..n)
        .map(|j| inst.dur[j] * inst.demands[j].len() as Time)
        .sum();
    let ctx = Ctx {
        resource_steps: (span as u64
            + demand_minutes.max(0) as u64 / inst.caps.len().max(1) as u64)
            / 16,
        inst,
        lo,
        end,
        caps,
        acc,
        users,
        members,
        until,
        abort,
    };
    if ctx.contradicts(&mut es, &mut ls) {
        return true;
    }
    // shaving: an activity that cannot start at its earliest (or latest)
    // start, as propagation shows, starts later (or earlier)
    for _round in 0..4 {
        let mut changed = false;
        for j in 0..n {
            for side in [false, true] {
                loop {
                    if expired(until, abort, pass_steps(inst)) || es[j] == ls[j] {
                        break;
                    }
                    let (mut e2, mut l2) = (es.clone(), ls.clone());
                    if side {
                        e2[j] = ls[j];
                    } else {
                        l2[j] = es[j];
                    }
                    if !ctx.contradicts(&mut e2, &mut l2) {
                        break;
                    }
                    if expired(until, abort, pass_steps(inst)) {
                        return false;
                    }
                    if side {
                        ls[j] -= 1;
                    } else {
                        es[j] += 1;
                    }
                    changed = true;
                    if ctx.contradicts(&mut es, &mut ls) {
                        return !expired(until, abort, pass_steps(inst));
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    false
}

impl Ctx<'_> {
    /// Propagates the windows; true when they become empty or an interval
    /// is overloaded (false also when time runs out).
    fn contradicts(&self, es: &mut Vec<Time>, ls: &mut Vec<Time>) -> bool {
        let inst = self.inst;
        let n = inst.n;
        let (lo, end) = (self.lo, self.end);
        let span = (end - lo) as usize;
        let mut comp = vec![0i64; span];
        let mut part: Vec<(Time, Time)> = vec![(0, 0); n];
        for _round in 0..50 {
            if expired(self.until, self.abort, pass_steps(inst)) {
                return false;
            }
            let mut changed = false;
            for (r, us) in self.users.iter().enumerate() {
                // the last resource's timetable: the minutes of the span
                // and its users' compulsory parts
                if expired(self.until, self.abort, self.resource_steps) {
                    return false;
                }
                let cap = &self.caps[r];
                comp.fill(0);
                for &(j, a) in us {
                    let (cs, ce) = (ls[j], es[j] + inst.dur[j]);
                    part[j] = (cs, ce);
                    for t in cs.max(lo)..ce.min(end) {
                        comp[(t - lo) as usize] += a;
                    }
                }
                if comp.iter().zip(cap).any(|(u, c)| u > c) {
                    return true;
                }
                for &(j, a) in us {
                    let d = inst.dur[j];
                    let (cs, ce) = part[j];
                    // a minute where j cannot run next to the others' compulsory parts
                    let bad = |m: Time| -> bool {
                        if m < lo || m >= end {
                            return true;
                        }
                        let k = (m - lo) as usize;
                        let own = if m >= cs && m < ce { a } else { 0 };
                        comp[k] - own + a > cap[k]
                    };
                    match narrow(&mut es[j], &mut ls[j], d, bad) {
                        None => return true,
                        Some(moved) => changed |= moved,
                    }
                }
            }
            // exclusion groups: no activity runs where another side is
            // certainly busy (its compulsory parts)
            for (g, &nsides) in inst.sides.iter().enumerate() {
                if g % 64 == 63 && expired(self.until, self.abort, pass_steps(inst)) {
                    return false;
                }
                let members = &self.members[g];
                if members.len() < 2 {
                    continue;
                }
                let mut busy = vec![vec![0u32; span]; nsides];
                for &(j, side) in members {
                    for t in ls[j].max(lo)..(es[j] + inst.dur[j]).min(end) {
                        busy[side][(t - lo) as usize] += 1;
                    }
                }
                for &(j, side) in members {
                    let d = inst.dur[j];
                    let bad = |m: Time| -> bool {
                        m < lo
                            || m >= end
                            || (0..nsides).any(|s| s != side && busy[s][(m - lo) as usize] > 0)
                    };
                    match narrow(&mut es[j], &mut ls[j], d, bad) {
                        None => return true,
                        Some(moved) => changed |= moved,
                    }
                }
            }
            // time lags
            let Ok((e2, _)) = longest_paths(&inst.out, es) else {
                return true;
            };
            let init: Vec<Time> = ls.iter().map(|&l| -l).collect();
            let Ok((x, _)) = longest_paths(&inst.inc, &init) else {
                return true;
            };
            let l2: Vec<Time> = x.into_iter().map(|v| -v).collect();
            if e2 != *es || l2 != *ls {
                changed = true;
            }
            *es = e2;
            *ls = l2;
            if (0..n).any(|j| es[j] > ls[j]) {
                return true;
            }
            if !changed {
                break;
            }
        }
        self.energetic(es, ls)
    }

    /// Energetic reasoning: some interval needs more work than it offers.
    fn energetic(&self, es: &[Time], ls: &[Time]) -> bool {
        let inst = self.inst;
        let (lo, end) = (self.lo, self.end);
        for (r, us) in self.users.iter().enumerate() {
            if us.len() < 2 {
                continue;
            }
            let acc = &self.acc[r];
            let mut p1: Vec<Time> = us.iter().flat_map(|&(j, _)| [es[j], ls[j]]).collect();
            let mut p2: Vec<Time> = us
                .iter()
                .flat_map(|&(j, _)| [es[j] + inst.dur[j], ls[j] + inst.dur[j]])
                .collect();
            p1.sort_unstable();
            p1.dedup();
            p2.sort_unstable();
            p2.dedup();
            let mut work = 0usize;
            for &t1 in &p1 {
                // the last start's intervals: ~1.5 ns per demand term
                if expired(self.until, self.abort, (p2.len() * us.len()) as u64 / 64) {
                    return false;
                }
                for &t2 in p2.iter().filter(|&&t2| t2 > t1) {
                    // a look at the clock every ~64k demand terms
                    work += us.len();
                    if work >= 1 << 16 {
                        work = 0;
                        // counted at the next start (above)
                        if expired(self.until, self.abort, 0) {
                            return false;
                        }
                    }
                    let (a1, a2) = (t1.clamp(lo, end), t2.clamp(lo, end));
                    let avail = acc[(a2 - lo) as usize] - acc[(a1 - lo) as usize];
                    let mut need = 0;
                    for &(j, a) in us {
                        let d = inst.dur[j];
                        let mi = d.min(t2 - t1).min(es[j] + d - t1).min(t2 - ls[j]);
                        if mi > 0 {
                            need += mi * a;
                        }
                    }
                    if need > avail {
                        return true;
                    }
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill() {
        let pts = [(super::super::profile::NEG, 0), (10, 2), (20, 0), (30, 1)];
        assert_eq!(fill_until(&pts, 0, 4), Some(12));
        assert_eq!(fill_until(&pts, 0, 20), Some(20));
        assert_eq!(fill_until(&pts, 0, 21), Some(31));
        assert_eq!(fill_until(&[(super::super::profile::NEG, 0)], 0, 1), None);
    }
}
