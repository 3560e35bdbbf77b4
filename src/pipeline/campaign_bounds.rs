//! The covering bound on the windows a campaign uses (DESIGN.md, "Campaigns:
//! choices", row "solver"): several *demands*, each a set of windows and a
//! number of them that every plan must use inside that set, packed so that
//! no two share a window; their numbers then add up.
//!
//! The demands, each a proof on its own:
//! - a file task whose domain is `D` uses one window of `D`;
//! - a team `k` whose tasks may use only the windows `U` (the union of their
//!   domains) and whose work `W` (minutes × amount) is more than the `m − 1`
//!   most generous of those windows can give it (capacity × its available
//!   minutes there) uses at least `m` windows of `U`: whatever windows hold
//!   its tasks lie in `U`, and `m − 1` of them give it less than `W`.
//!
//! Two demands whose sets are disjoint need disjoint windows, so a plan
//! uses at least the sum of the numbers of any disjoint family. Choosing the
//! best family is a weighted set packing; a greedy choice is used (several
//! orders, the best kept): any family it picks is disjoint, so the sum is a
//! proof whatever the choice.

use crate::inventory::campaign::Campaign;

/// One demand: every plan uses at least `count` windows among `windows`.
#[derive(Debug, Clone)]
pub(crate) struct Demand {
    /// The windows (indices), sorted.
    pub windows: Vec<usize>,
    /// At least this many of them are used.
    pub count: usize,
    /// What forces it, in words.
    pub why: String,
}

/// Demands of single tasks (their domains) and of teams (work against the
/// most generous windows its tasks may use). `team_rooms[k]` is team `k`'s
/// work and the rooms of the windows its tasks may use, most first.
pub(crate) fn demands(
    c: &Campaign,
    domains: &[Vec<usize>],
    team_rooms: &[(i64, Vec<i64>)],
) -> Vec<Demand> {
    let mut out: Vec<Demand> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (t, d) in domains.iter().enumerate() {
        let mut w = d.clone();
        w.sort_unstable();
        w.dedup();
        if seen.insert(w.clone()) {
            out.push(Demand {
                windows: w,
                count: 1,
                why: format!("task {}", c.tasks[t].id),
            });
        }
    }
    for (k, (work, room)) in team_rooms.iter().enumerate() {
        if *work <= 0 {
            continue;
        }
        let mut sum = 0;
        let mut need = room.len() + 1;
        for (m, r) in room.iter().enumerate() {
            sum += r;
            if sum >= *work {
                need = m + 1;
                break;
            }
        }
        if need < 2 {
            continue;
        }
        let mut usable = vec![false; c.windows.len()];
        for t in &c.whole.tasks {
            if t.needs.iter().any(|n| n.0 == k) {
                for &w in &domains[t.source] {
                    usable[w] = true;
                }
            }
        }
        out.push(Demand {
            windows: (0..c.windows.len()).filter(|&w| usable[w]).collect(),
            count: need,
            why: format!(
                "team {}'s {} of work ({} windows)",
                c.whole.teams[k].id,
                crate::base::fmt_minutes(*work),
                need
            ),
        });
    }
    out
}

/// The largest sum of counts over a family of pairwise disjoint demands that
/// a few greedy orders find, and the demands it took. Sound for any family
/// picked: disjoint sets need disjoint windows.
pub(crate) fn covering(demands: &[Demand], windows: usize) -> (usize, Vec<&Demand>) {
    let mut orders: Vec<Vec<usize>> = Vec::new();
    let mut by_ratio: Vec<usize> = (0..demands.len()).collect();
    // Most windows forced per window of the set first, then the larger count.
    by_ratio.sort_by(|&a, &b| {
        let (da, db) = (&demands[a], &demands[b]);
        (db.count * da.windows.len())
            .cmp(&(da.count * db.windows.len()))
            .then(db.count.cmp(&da.count))
            .then(da.windows.len().cmp(&db.windows.len()))
    });
    orders.push(by_ratio);
    let mut by_size: Vec<usize> = (0..demands.len()).collect();
    by_size.sort_by_key(|&a| {
        (
            demands[a].windows.len(),
            std::cmp::Reverse(demands[a].count),
        )
    });
    orders.push(by_size);
    let mut by_count: Vec<usize> = (0..demands.len()).collect();
    by_count.sort_by_key(|&a| {
        (
            std::cmp::Reverse(demands[a].count),
            demands[a].windows.len(),
        )
    });
    orders.push(by_count);
    let mut best: (usize, Vec<&Demand>) = (0, Vec::new());
    for order in orders {
        let mut taken = vec![false; windows];
        let mut sum = 0;
        let mut picked = Vec::new();
        for i in order {
            let d = &demands[i];
            if d.windows.iter().all(|&w| !taken[w]) {
                for &w in &d.windows {
                    taken[w] = true;
                }
                sum += d.count;
                picked.push(d);
            }
        }
        if sum > best.0 {
            best = (sum, picked);
        }
    }
    best
}

/// The covering bound in words: the sum and the demands that give it.
pub(crate) fn covering_bound(
    c: &Campaign,
    domains: &[Vec<usize>],
    team_rooms: &[(i64, Vec<i64>)],
) -> (usize, String) {
    let ds = demands(c, domains, team_rooms);
    let (sum, picked) = covering(&ds, c.windows.len());
    let parts: Vec<String> = picked
        .iter()
        .filter(|d| d.count > 1 || picked.len() <= 6)
        .map(|d| d.why.clone())
        .collect();
    let rest = picked.len() - parts.len();
    let mut why = format!(
        "{} demands whose windows share none: {}",
        picked.len(),
        parts.join("; ")
    );
    if rest > 0 {
        why.push_str(&format!("; and {rest} tasks, one window each"));
    }
    (sum, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(windows: &[usize], count: usize) -> Demand {
        Demand {
            windows: windows.to_vec(),
            count,
            why: String::new(),
        }
    }

    #[test]
    fn disjoint_demands_add_up_and_overlapping_ones_do_not() {
        // A team needing 2 of {3, 5}, tasks pinned to 0 and 1, one of {0, 3}.
        let ds = [d(&[3, 5], 2), d(&[0], 1), d(&[1], 1), d(&[0, 3], 1)];
        assert_eq!(covering(&ds, 6).0, 4);
        // Overlapping sets never add up: {0,1} needing 2 and {1,2} needing 2
        // hold together in windows 0, 1, 2 (3 windows, not 4).
        let ds = [d(&[0, 1], 2), d(&[1, 2], 2)];
        assert_eq!(covering(&ds, 3).0, 2);
    }
}
