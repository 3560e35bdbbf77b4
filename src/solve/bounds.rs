//! Lower bounds on the makespan: the critical path with time lags (on the
//! windows tightened by intervals and capacity profiles), and energy bounds
//! per resource: the work `duration × demand` of the activities that cannot
//! start before a given minute must fit in the capacity available from that
//! minute on (integrating the capacity profile, which may be 0 at times),
//! and, for constant capacity, before their tails.

use super::instance::Instance;
use super::profile::POS;
use crate::model::Time;

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

/// The makespan bound and, if some resource can never supply the work
/// asked of it, the index of that resource.
pub fn energy_bound(inst: &Instance) -> Result<Time, usize> {
    let end = inst
        .latest
        .iter()
        .zip(&inst.dur)
        .map(|(l, d)| l + d)
        .max()
        .unwrap_or(0);
    let mut best = 0;
    for (r, cap) in inst.caps.iter().enumerate() {
        let mut users: Vec<(Time, Time, i64)> = (0..inst.n)
            .filter_map(|j| {
                inst.demands[j]
                    .iter()
                    .find(|d| d.0 == r)
                    .map(|&(_, a)| (inst.es[j], end - inst.ls[j] - inst.dur[j], inst.dur[j] * a))
            })
            .collect();
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

/// Critical-path bound of the instance's windows.
pub fn path_bound(inst: &Instance) -> Time {
    inst.makespan(&inst.es)
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
