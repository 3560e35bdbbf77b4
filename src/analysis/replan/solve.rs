//! Solving the night. Done, running and backout tasks are pinned to their
//! runs; left to the schedule generator, a task planned at `now` could take
//! the team or system a running task still holds, and the running task,
//! which cannot move, would find no room. So the fixed tasks' resource use
//! is taken out of the capacities over their runs (their demands dropped):
//! the same problem, with the fixed part placed first. Precedences,
//! exclusions (DR pairs) and service downtime still see the fixed tasks.
//! Every schedule is then re-checked against the night inventory by the
//! independent checker, with the fixed tasks' full demands.

use crate::inventory::Inventory;
use crate::model::{Problem, Resource, Time};
use crate::plan::night::Entry;
use crate::plan::Plan;
use crate::solve::{Outcome, SolveOptions};
use crate::PlanResult;

/// `steps` with `amount` less capacity over `[s, e)`.
fn reserve(r: &mut Resource, s: Time, e: Time, amount: i64) {
    for t in [s, e] {
        if !r.steps.iter().any(|x| x.0 == t) {
            let c = r.capacity_at(t);
            let at = r.steps.partition_point(|x| x.0 < t);
            r.steps.insert(at, (t, c));
        }
    }
    for step in r.steps.iter_mut().filter(|x| x.0 >= s && x.0 < e) {
        step.1 -= amount;
    }
}

/// Takes the fixed activities' demands out of the capacities; the first
/// resource the fixed part alone overloads, when there is one.
fn reserve_fixed(problem: &mut Problem, entries: &[Entry]) -> Option<(String, Time)> {
    for (k, e) in entries.iter().enumerate() {
        if !e.state.is_fixed() || e.end <= e.start {
            continue;
        }
        let demands = std::mem::take(&mut problem.activities[k].demands);
        for d in demands {
            reserve(&mut problem.resources[d.resource], e.start, e.end, d.amount);
        }
    }
    keep_clear_of_fixed(problem, entries);
    problem.resources.iter().find_map(|r| {
        r.steps
            .iter()
            .find(|x| x.1 < 0)
            .map(|x| (r.name.clone(), x.0))
    })
}

/// The other sides of an exclusion (a DR pair) may not overlap a fixed
/// activity's run: said up front as forbidden intervals, for the same
/// reason as the capacities (a planned outage at `now` must not take the
/// minutes a running one on the other side holds).
fn keep_clear_of_fixed(problem: &mut Problem, entries: &[Entry]) {
    let fixed = |i: usize| entries[i].state.is_fixed() && entries[i].end > entries[i].start;
    let mut add: Vec<(usize, crate::model::Interval)> = Vec::new();
    for ex in &problem.exclusions {
        for (k, side) in ex.sides.iter().enumerate() {
            for &i in side.iter().filter(|&&i| fixed(i)) {
                let run = crate::model::Interval::new(entries[i].start, entries[i].end);
                for (k2, other) in ex.sides.iter().enumerate() {
                    if k2 != k {
                        add.extend(other.iter().filter(|&&j| !fixed(j)).map(|&j| (j, run)));
                    }
                }
            }
        }
    }
    for (j, run) in add {
        let a = &mut problem.activities[j];
        let mut f = std::mem::take(&mut a.forbidden);
        f.push(run);
        a.forbidden = crate::base::intervals::merge(f);
    }
}

/// Plans the night inventory (`entries[k]` is its task `k`). As `plan`
/// does, a night with service downtime limits that finds no plan is tried
/// again keeping one member up in every cluster those services need.
pub fn plan_night(night: &Inventory, entries: &[Entry], opts: &SolveOptions) -> PlanResult {
    if let Some(why) = crate::pipeline::precheck(night) {
        return Err(crate::error::NoPlan::Infeasible(why));
    }
    let plain = crate::model::compile(night);
    let result = solve_compiled(night, entries, plain.clone(), opts, None);
    if !matches!(result, Err(crate::error::NoPlan::NotFound(_)))
        || !night.services.iter().any(|s| s.max_downtime.is_some())
    {
        return result;
    }
    let strict = crate::model::CompileOptions {
        keep_limited_clusters_up: true,
        ..Default::default()
    };
    // The restricted problem's bound is no bound for the real one.
    let bound = crate::solve::lower_bound(&plain.problem);
    match solve_compiled(
        night,
        entries,
        crate::model::compile_with(night, &strict),
        opts,
        Some(bound),
    ) {
        planned @ Ok(_) => planned,
        _ => result,
    }
}

/// Solves one compilation of the night, its fixed part reserved, and
/// re-checks the schedule; `bound_cap` caps the bound (a restricted
/// compilation's is not the night's).
fn solve_compiled(
    night: &Inventory,
    entries: &[Entry],
    mut compiled: crate::model::Compiled,
    opts: &SolveOptions,
    bound_cap: Option<Time>,
) -> PlanResult {
    if let Some((name, at)) = reserve_fixed(&mut compiled.problem, entries) {
        return Err(crate::error::NoPlan::Infeasible(format!(
            "the done and running tasks alone overload {name} at {}: the night cannot keep every rule",
            crate::plan::clock(&night.window, at)
        )));
    }
    let mut sol = match crate::solve::solve(&compiled.problem, opts) {
        Outcome::Solved(sol) => sol,
        Outcome::Infeasible(why) => {
            return Err(crate::error::NoPlan::Infeasible(
                crate::pipeline::words::infeasible(night, &compiled, &why),
            ))
        }
        Outcome::NotFound(why) => {
            return Err(crate::error::NoPlan::NotFound(
                crate::pipeline::words::not_found(&why),
            ))
        }
    };
    if let Some(cap) = bound_cap {
        sol.lower_bound = sol.lower_bound.min(cap);
    }
    let mut broken = crate::model::verify::verify(&compiled.problem, &sol.starts);
    broken.extend(
        crate::check::check(night, &sol.starts)
            .iter()
            .map(|v| v.to_string()),
    );
    if !broken.is_empty() {
        return Err(crate::error::NoPlan::NotFound(format!(
            "internal error: the solver's schedule of the night broke {} rule(s); please report it: {}",
            broken.len(),
            broken.join("; ")
        )));
    }
    let plan = Plan::build(night, &sol.starts, sol.lower_bound);
    let downtime_first = opts.objective == crate::solve::Objective::Downtime
        && compiled.problem.limits.iter().any(|l| l.weight > 0.0);
    let proven = !downtime_first
        || (bound_cap.is_none() && crate::solve::downtime_proven(&compiled.problem, &sol.starts));
    Ok(if proven { plan } else { plan.not_proven() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_takes_capacity_over_the_run_only() {
        let mut r = Resource::constant("team", 2);
        reserve(&mut r, 10, 30, 1);
        assert_eq!(r.steps, vec![(0, 2), (10, 1), (30, 2)]);
        reserve(&mut r, 20, 40, 1);
        assert_eq!(r.steps, vec![(0, 2), (10, 1), (20, 0), (30, 1), (40, 2)]);
        assert_eq!(
            (r.capacity_at(5), r.capacity_at(25), r.capacity_at(45)),
            (2, 0, 2)
        );
    }

    #[test]
    fn reserve_keeps_availability_steps() {
        // Capacity 1 from 60 to 120 only; a run 90–150 takes it at 90–120.
        let mut r = Resource {
            name: "vendor".into(),
            steps: vec![(Time::MIN / 4, 0), (60, 1), (120, 0)],
        };
        reserve(&mut r, 90, 150, 1);
        assert_eq!(r.capacity_at(70), 1);
        assert_eq!(r.capacity_at(100), 0);
        assert_eq!(r.capacity_at(130), -1);
        assert_eq!(r.capacity_at(160), 0);
    }
}
