//! Downtime as an objective. The search minimises the makespan; on
//! problems with weighted on-time limits (service downtime) this module then
//! lowers the weighted on-time by the ε-constraint method: it tightens one
//! limit at a time (heaviest first, by bisection) and re-solves, keeping the
//! makespan (objective `window`) or letting it grow (objective `downtime`),
//! and never giving back what an earlier step won. Every schedule it keeps
//! comes from the solver, so it satisfies every constraint.

use super::clock;
use super::{solve_heuristic, Objective, Outcome, Solution, SolveOptions};
use crate::model::{signal, Problem, Signal, Time};
use std::time::{Duration, Instant};

/// Σ weight × on-time over the problem's limits.
pub fn weighted_on_time(problem: &Problem, starts: &[Time]) -> f64 {
    signal::on_time(problem, starts)
        .iter()
        .zip(&problem.limits)
        .map(|(&m, l)| m as f64 * l.weight)
        .sum()
}

/// A lower bound on how long a signal is on in any schedule: a running
/// signal is on at least as long as its longest activity, and as long as the
/// sum of those of its activities that a capacity-1 resource serialises.
fn least_on_time(problem: &Problem, signal: usize) -> Time {
    match &problem.signals[signal] {
        Signal::Running(acts) => {
            let longest = acts
                .iter()
                .filter_map(|&a| problem.activities.get(a))
                .map(|a| a.duration)
                .max()
                .unwrap_or(0);
            let serialised = problem
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.max_capacity() == 1)
                .map(|(r, _)| {
                    acts.iter()
                        .filter_map(|&a| problem.activities.get(a))
                        .filter(|a| a.demands.iter().any(|d| d.resource == r && d.amount >= 1))
                        .map(|a| a.duration)
                        .sum::<Time>()
                })
                .max()
                .unwrap_or(0);
            longest.max(serialised)
        }
        Signal::Any(parts) => parts
            .iter()
            .map(|&p| least_on_time(problem, p))
            .max()
            .unwrap_or(0),
        Signal::All(_) | Signal::Delayed { .. } | Signal::Switchover { .. } => 0,
    }
}

/// A lower bound on the weighted on-time of any schedule: Σ weight × the
/// least on-time of each limit's signal.
pub fn downtime_floor(problem: &Problem) -> f64 {
    problem
        .limits
        .iter()
        .map(|l| least_on_time(problem, l.signal) as f64 * l.weight)
        .sum()
}

/// Whether `starts` is proven to have the least weighted on-time: it meets
/// [`downtime_floor`]. (Only then may a downtime-first plan say `optimal`.)
pub fn downtime_proven(problem: &Problem, starts: &[Time]) -> bool {
    weighted_on_time(problem, starts) <= downtime_floor(problem) + 1e-9
}

/// The downtime objective: the [`pareto`] sweep under `opts`, and its
/// point of least weighted on-time (then the shortest). Running the very
/// sweep `--pareto` runs means this never gives more downtime than the
/// least point `--pareto` lists for the same limits (exactly so with one
/// thread, where both are reproducible).
pub fn least_downtime(problem: &Problem, opts: &SolveOptions) -> Outcome {
    match pareto(problem, opts) {
        Ok(points) => points
            .into_iter()
            .min_by(|a, b| {
                a.weighted_on_time
                    .total_cmp(&b.weighted_on_time)
                    .then(a.solution.makespan.cmp(&b.solution.makespan))
            })
            .map_or_else(
                || Outcome::NotFound("no schedule found".into()),
                |p| Outcome::Solved(p.solution),
            ),
        Err(outcome) => outcome,
    }
}

/// Lowers the weighted on-time of `sol` within `budget`.
pub fn refine(problem: &Problem, sol: Solution, opts: &SolveOptions, budget: Duration) -> Solution {
    if problem.limits.iter().all(|l| l.weight <= 0.0) || budget.is_zero() {
        return sol;
    }
    let deadline = match opts.objective {
        Objective::Window => Some(sol.makespan),
        Objective::Downtime => problem.deadline,
    };
    let (best, _) = lower_on_time(problem, sol, deadline, opts, clock::now() + budget);
    best
}

/// The ε-constraint loop. Returns the best schedule and whether it ran out
/// of time.
fn lower_on_time(
    problem: &Problem,
    mut best: Solution,
    deadline: Option<Time>,
    opts: &SolveOptions,
    until: Instant,
) -> (Solution, bool) {
    let mut order: Vec<usize> = (0..problem.limits.len())
        .filter(|&l| problem.limits[l].weight > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        problem.limits[b]
            .weight
            .total_cmp(&problem.limits[a].weight)
    });
    let mut held = signal::on_time(problem, &best.starts);
    let bound = best.lower_bound;
    for l in order {
        // Bisection on this limit, the others held at what is achieved: first
        // its lower bound (done if met), then one minute less (skip the limit
        // if even that fails: searches that fail run their whole time).
        let floor = least_on_time(problem, problem.limits[l].signal);
        let mut probes = 0;
        let (mut lo, mut hi) = (floor, held[l]);
        while lo < hi {
            let left = until.saturating_duration_since(clock::now());
            if left < Duration::from_millis(20) || clock::passed(until) || opts.stop_requested() {
                return (best, true);
            }
            let target = match probes {
                0 => lo,
                1 => hi - 1,
                _ => lo + (hi - lo) / 2,
            };
            probes += 1;
            let mut p = problem.clone();
            p.deadline = match (deadline, p.deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            for (k, lim) in p.limits.iter_mut().enumerate() {
                let cap = if k == l { target } else { held[k] };
                lim.max_on = Some(lim.max_on.map_or(cap, |m| m.min(cap)));
            }
            let step = SolveOptions {
                time_limit: left
                    .min(opts.time_limit / 10)
                    .max(Duration::from_millis(20)),
                objective: Objective::Window,
                ..opts.clone()
            };
            match solve_heuristic(&p, &step) {
                Outcome::Solved(s)
                    if crate::model::verify::verify(problem, &s.starts).is_empty() =>
                {
                    held = signal::on_time(problem, &s.starts);
                    hi = held[l].min(target);
                    best = Solution {
                        lower_bound: bound.min(s.makespan),
                        ..s
                    };
                }
                _ if probes == 2 => break,
                _ => lo = target + 1,
            }
        }
    }
    (best, false)
}

/// One non-dominated (makespan, weighted on-time) schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoPoint {
    /// The schedule, with its makespan and bound.
    pub solution: Solution,
    /// Its weighted on-time (weighted service downtime), in weighted minutes.
    pub weighted_on_time: f64,
}

/// Non-dominated schedules trading makespan against weighted on-time: from
/// the shortest makespan, the deadline is relaxed step by step and the
/// on-time lowered under each, until it reaches zero, the problem's deadline
/// or the time limit. With one thread the whole sweep counts work (see
/// [`clock`]), so it repeats exactly.
pub fn pareto(problem: &Problem, opts: &SolveOptions) -> Result<Vec<ParetoPoint>, Outcome> {
    if opts.worker_threads() != 1 {
        return sweep(problem, opts);
    }
    super::reproducibly(
        opts,
        true,
        || sweep(problem, opts),
        |r| !matches!(r, Err(Outcome::Infeasible(_))),
    )
}

/// [`pareto`]'s sweep.
fn sweep(problem: &Problem, opts: &SolveOptions) -> Result<Vec<ParetoPoint>, Outcome> {
    let started = clock::now();
    let first = SolveOptions {
        time_limit: opts.time_limit / 4,
        objective: Objective::Window,
        ..opts.clone()
    };
    let base = match super::shortest_makespan(problem, &first) {
        Outcome::Solved(s) => s,
        other => return Err(other),
    };
    let shortest = base.makespan;
    let end = started + opts.time_limit;
    let mut points = vec![ParetoPoint {
        weighted_on_time: weighted_on_time(problem, &base.starts),
        solution: base.clone(),
    }];
    let step = (shortest / 8).max(5);
    let mut deadline = shortest;
    let mut current = base;
    loop {
        let (s, out_of_time) = lower_on_time(problem, current.clone(), Some(deadline), opts, end);
        let w = weighted_on_time(problem, &s.starts);
        if w < points.last().map_or(f64::INFINITY, |p| p.weighted_on_time) {
            points.retain(|p| !(p.solution.makespan >= s.makespan && p.weighted_on_time >= w));
            points.push(ParetoPoint {
                solution: s.clone(),
                weighted_on_time: w,
            });
        }
        current = s;
        deadline += step;
        if out_of_time
            || w <= 0.0
            || problem.deadline.is_some_and(|d| deadline > d)
            || clock::passed(end)
        {
            break;
        }
    }
    points.sort_by_key(|p| p.solution.makespan);
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Demand, OnTimeLimit, Resource, Signal};

    /// An app server and its database, each patched for 30 minutes by a team
    /// of one, with something else to do: unaligned the service is down
    /// 60 minutes; aligned (run together) it is down 30.
    fn service_problem() -> Problem {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("team", 2));
        for (name, d) in [("app", 30), ("db", 30), ("other", 30)] {
            let mut a = Activity::new(name, d);
            a.demands.push(Demand {
                resource: 0,
                amount: 1,
            });
            p.activities.push(a);
        }
        p.signals = vec![
            Signal::Running(vec![0]),
            Signal::Running(vec![1]),
            Signal::Any(vec![0, 1]),
        ];
        p.limits.push(OnTimeLimit {
            name: "service shop".into(),
            signal: 2,
            weight: 1.0,
            max_on: None,
        });
        p
    }

    #[test]
    fn window_objective_aligns_outages_at_the_same_length() {
        let p = service_problem();
        let opts = SolveOptions {
            time_limit: Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        let Outcome::Solved(s) = super::super::solve(&p, &opts) else {
            panic!()
        };
        assert_eq!(s.makespan, 60);
        assert_eq!(signal::on_time(&p, &s.starts)[0], 30, "{s:?}");
    }

    #[test]
    fn refine_halves_the_downtime_of_an_unaligned_schedule() {
        let p = service_problem();
        // app 0–30, other 0–30, db 30–60: the service is down 60 minutes.
        let unaligned = Solution {
            starts: vec![0, 30, 0],
            makespan: 60,
            lower_bound: 45,
        };
        assert!(crate::model::verify::verify(&p, &unaligned.starts).is_empty());
        assert_eq!(signal::on_time(&p, &unaligned.starts)[0], 60);
        let opts = SolveOptions {
            time_limit: Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        let s = refine(&p, unaligned, &opts, Duration::from_secs(2));
        assert!(crate::model::verify::verify(&p, &s.starts).is_empty());
        assert_eq!(s.makespan, 60);
        assert_eq!(signal::on_time(&p, &s.starts)[0], 30, "{s:?}");
    }

    /// The floor is the longest outage feeding the service (30): met by
    /// the aligned schedule only.
    #[test]
    fn downtime_is_proven_only_at_the_floor() {
        let p = service_problem();
        assert_eq!(downtime_floor(&p), 30.0);
        assert!(downtime_proven(&p, &[0, 0, 30]));
        assert!(!downtime_proven(&p, &[0, 30, 0]));
    }

    #[test]
    fn pareto_lists_non_dominated_points() {
        let mut p = service_problem();
        // A team of one: aligning is impossible, so less downtime costs nothing
        // here — a single point.
        p.resources[0] = Resource::constant("team", 1);
        let opts = SolveOptions {
            time_limit: Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        let points = pareto(&p, &opts).unwrap();
        assert!(!points.is_empty());
        for w in points.windows(2) {
            assert!(w[0].solution.makespan < w[1].solution.makespan);
            assert!(w[0].weighted_on_time > w[1].weighted_on_time);
        }
    }
}
