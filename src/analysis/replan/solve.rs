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
use crate::solve::SolveOptions;
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

/// Plans the night inventory (`entries[k]` is its task `k`) by the
/// pipeline's one planning policy (`pipeline::plan_inventory_prepared`,
/// as `plan` does: precheck, compile, solve, check, and its one re-solve of
/// the whole inventory), each compilation with its fixed part reserved
/// first.
pub fn plan_night(night: &Inventory, entries: &[Entry], opts: &SolveOptions) -> PlanResult {
    let reserve = |compiled: &mut crate::model::Compiled| {
        match reserve_fixed(
        &mut compiled.problem,
        entries,
    ) {
        Some((name, at)) => Err(crate::error::NoPlan::Infeasible(format!(
            "the done and running tasks alone overload {name} at {}: the night cannot keep every rule",
            crate::plan::clock(&night.window, at)
        ))),
        None => Ok(()),
    }
    };
    crate::pipeline::plan_inventory_prepared(
        night,
        opts,
        &crate::model::CompileOptions::default(),
        Some(&reserve),
        &crate::progress::Silent,
        &mut crate::pipeline::Timings::default(),
    )
}
