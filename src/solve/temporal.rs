//! Temporal analysis of the time-lag graph (RCPSP/max precedences): longest
//! paths by label correcting (Bellman–Ford with a FIFO queue), detection of
//! positive cycles (contradictory minimum and maximum lags, reported with the
//! cycle), and earliest / latest start times.

use crate::model::{Problem, Time};
use std::collections::VecDeque;

/// No predecessor.
pub(crate) const NONE: usize = usize::MAX;

/// Arcs `(from, to, lag)` of a cycle whose lags sum to more than zero.
pub(crate) type Cycle = Vec<(usize, usize, Time)>;

/// Longest paths: the least `dist >= init` with `dist[v] >= dist[u] + lag`
/// for every arc `u -> (v, lag)` of `out`, and for each node the node whose
/// arc last raised it (`NONE` if `init` holds). A positive cycle is an error.
pub(crate) fn longest_paths(
    out: &[Vec<(usize, Time)>],
    init: &[Time],
) -> Result<(Vec<Time>, Vec<usize>), Cycle> {
    let n = out.len();
    let mut dist = init.to_vec();
    let mut pred = vec![NONE; n];
    let mut count = vec![0usize; n];
    let mut inq = vec![true; n];
    let mut queue: VecDeque<usize> = (0..n).collect();
    while let Some(u) = queue.pop_front() {
        inq[u] = false;
        for &(v, lag) in &out[u] {
            let cand = dist[u] + lag;
            if cand > dist[v] {
                dist[v] = cand;
                pred[v] = u;
                if !inq[v] {
                    count[v] += 1;
                    if count[v] > n {
                        return Err(find_cycle(out, &pred, v));
                    }
                    inq[v] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    Ok((dist, pred))
}

/// A cycle in the predecessor graph reached from `start` (or anywhere).
fn find_cycle(out: &[Vec<(usize, Time)>], pred: &[usize], start: usize) -> Cycle {
    let n = pred.len();
    let try_from = |s: usize| -> Option<Vec<usize>> {
        let mut seen = vec![usize::MAX; n];
        let mut v = s;
        let mut step = 0;
        while v != NONE {
            if seen[v] != usize::MAX {
                // v is on a cycle: collect it
                let mut cyc = vec![v];
                let mut w = pred[v];
                while w != v {
                    cyc.push(w);
                    w = pred[w];
                }
                cyc.reverse();
                return Some(cyc);
            }
            seen[v] = step;
            step += 1;
            v = pred[v];
        }
        None
    };
    let nodes = try_from(start).or_else(|| (0..n).find_map(try_from));
    let Some(nodes) = nodes else {
        return Vec::new();
    };
    let k = nodes.len();
    (0..k)
        .map(|i| {
            let (a, b) = (nodes[i], nodes[(i + 1) % k]);
            let lag = out[a]
                .iter()
                .filter(|&&(t, _)| t == b)
                .map(|&(_, l)| l)
                .max()
                .unwrap_or(0);
            (a, b, lag)
        })
        .collect()
}

/// Describes a positive cycle with activity names.
pub(crate) fn describe_cycle(problem: &Problem, cycle: &Cycle) -> String {
    if cycle.is_empty() {
        return "the time lags contain a positive cycle (minimum and maximum lags contradict each other)".into();
    }
    let name = |i: usize| problem.activities[i].name.clone();
    let total: Time = cycle.iter().map(|c| c.2).sum();
    let mut path = name(cycle[0].0);
    for &(_, b, lag) in cycle {
        path.push_str(&format!(" →({lag:+}) {}", name(b)));
    }
    let maxlag = cycle
        .iter()
        .filter(|c| c.2 < 0)
        .map(|&(a, b, lag)| format!("max lag of {} from {} to {}", -lag, name(b), name(a)))
        .collect::<Vec<_>>();
    if maxlag.is_empty() {
        format!("time lags form a cycle with positive total lag {total:+}: {path}")
    } else {
        format!(
            "{} contradicts the minimum lags along the cycle (total lag {total:+}): cycle {path}",
            maxlag.join(" and ")
        )
    }
}

/// Checks indices and signs so later code may index freely.
pub(crate) fn check_structure(problem: &Problem) -> Result<(), String> {
    let n = problem.activities.len();
    for a in &problem.activities {
        if a.duration < 0 {
            return Err(format!("activity {} has a negative duration", a.name));
        }
        for d in &a.demands {
            if d.resource >= problem.resources.len() {
                return Err(format!(
                    "activity {} uses unknown resource #{}",
                    a.name, d.resource
                ));
            }
            if d.amount < 0 {
                return Err(format!("activity {} has a negative demand", a.name));
            }
        }
    }
    for p in &problem.precedences {
        if p.from >= n || p.to >= n {
            return Err(format!(
                "precedence {} -> {} names an unknown activity",
                p.from, p.to
            ));
        }
    }
    for ex in &problem.exclusions {
        if ex.sides.iter().flatten().any(|&a| a >= n) {
            return Err(format!("exclusion {} names an unknown activity", ex.name));
        }
    }
    Ok(())
}

/// Adjacency lists `node -> [(other, lag)]`.
pub(crate) type Adjacency = Vec<Vec<(usize, Time)>>;

fn arcs(problem: &Problem) -> (Adjacency, Adjacency) {
    let n = problem.activities.len();
    let mut out = vec![Vec::new(); n];
    let mut rev = vec![Vec::new(); n];
    for p in &problem.precedences {
        out[p.from].push((p.to, p.lag));
        rev[p.to].push((p.from, p.lag));
    }
    (out, rev)
}

/// Earliest start of every activity from releases and time lags (ignoring
/// resources and intervals). `Err` names a positive cycle.
/// For a problem in which nothing depends on time (constant capacities, no
/// allowed or forbidden intervals, one release for all): a makespan within
/// which some schedule ends if any schedule exists at all, so that "no
/// schedule by then" proves "no schedule". A feasible RCPSP/max instance
/// has a schedule within the sum over activities of the larger of duration
/// and outgoing lags (Bartusch, Möhring and Radermacher 1988); the sum of
/// durations and positive lags is at least that. `None` for a problem that
/// depends on time, or is empty.
pub fn proof_horizon(problem: &Problem) -> Option<Time> {
    let first = problem.activities.first()?;
    let time_invariant = problem.resources.iter().all(|r| r.is_constant())
        && problem
            .activities
            .iter()
            .all(|a| a.allowed.is_none() && a.forbidden.is_empty() && a.release == first.release);
    time_invariant.then(|| {
        first.release.max(0)
            + problem
                .activities
                .iter()
                .map(|a| a.duration.max(0))
                .sum::<Time>()
            + problem
                .precedences
                .iter()
                .map(|p| p.lag.max(0))
                .sum::<Time>()
    })
}

/// Earliest start of every activity from releases and time lags only
/// (resources ignored); `Err` describes a positive cycle of lags.
pub fn earliest_starts(problem: &Problem) -> Result<Vec<Time>, String> {
    check_structure(problem)?;
    let (out, _) = arcs(problem);
    let init: Vec<Time> = problem.activities.iter().map(|a| a.release).collect();
    longest_paths(&out, &init)
        .map(|r| r.0)
        .map_err(|c| describe_cycle(problem, &c))
}

/// Latest start of every activity such that all activities end by `end`
/// (and by the deadline, if earlier), from time lags only.
pub fn latest_starts(problem: &Problem, end: Time) -> Result<Vec<Time>, String> {
    check_structure(problem)?;
    let end = problem.deadline.map_or(end, |d| d.min(end));
    let (_, rev) = arcs(problem);
    // x = -latest: x[from] >= x[to] + lag
    let init: Vec<Time> = problem
        .activities
        .iter()
        .map(|a| -(end - a.duration))
        .collect();
    longest_paths(&rev, &init)
        .map(|r| r.0.into_iter().map(|x| -x).collect())
        .map_err(|c| {
            let c: Cycle = c.into_iter().rev().map(|(a, b, l)| (b, a, l)).collect();
            describe_cycle(problem, &c)
        })
}

/// Earliest and latest starts; the latest are for the deadline, or without
/// one for the critical-path length (the classical CPM windows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeWindows {
    /// Earliest start of each activity, in minutes.
    pub earliest: Vec<Time>,
    /// Latest start of each activity, in minutes.
    pub latest: Vec<Time>,
    /// Earliest possible makespan from time lags alone.
    pub critical_path: Time,
}

/// Time windows from time lags, releases and the deadline. `Err` explains a
/// positive cycle or an activity that cannot meet the deadline.
pub fn time_windows(problem: &Problem) -> Result<TimeWindows, String> {
    let earliest = earliest_starts(problem)?;
    let critical_path = problem
        .activities
        .iter()
        .zip(&earliest)
        .map(|(a, &s)| s + a.duration)
        .max()
        .unwrap_or(0)
        .max(0);
    let end = problem.deadline.unwrap_or(critical_path);
    let latest = latest_starts(problem, end)?;
    for (i, a) in problem.activities.iter().enumerate() {
        if earliest[i] > latest[i] {
            return Err(format!(
                "activity {} cannot start before minute {} but must start by minute {} to meet the deadline {}",
                a.name, earliest[i], latest[i], end
            ));
        }
    }
    Ok(TimeWindows {
        earliest,
        latest,
        critical_path,
    })
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::{Activity, Precedence};

    #[test]
    fn windows_and_cycles() {
        let mut p = Problem::default();
        p.activities = vec![Activity::new("a", 5), Activity::new("b", 3)];
        p.precedences = vec![Precedence {
            from: 0,
            to: 1,
            lag: 5,
        }];
        let w = time_windows(&p).unwrap();
        assert_eq!(w.earliest, vec![0, 5]);
        assert_eq!(w.latest, vec![0, 5]);
        assert_eq!(w.critical_path, 8);
        p.precedences.push(Precedence {
            from: 1,
            to: 0,
            lag: -4,
        });
        let e = time_windows(&p).unwrap_err();
        assert!(e.contains("cycle"), "{e}");
        assert!(e.contains("max lag of 4"), "{e}");
    }
}
