//! Re-planning a running window (DESIGN.md, "On the night"): from the
//! inventory, the original plan and a progress file, the best plan for the
//! rest of the night. Done and running tasks keep their actual times, every
//! other task starts at `now` or later, and every rule holds over the whole
//! night. When the deadline cannot be held, the smallest set of optional
//! tasks whose dropping holds it is searched for, each candidate verified
//! by planning it.

pub mod campaign;
pub mod solve;

use crate::inventory::Inventory;
use crate::model::Time;
pub use crate::plan::night::{Entry, State};
pub use crate::plan::progress_file::Progress;
use crate::plan::Plan;
use crate::solve::SolveOptions;
use crate::PlanResult;
use serde::Serialize;
use std::time::{Duration, Instant};

use crate::plan::night::NO_START;

/// How far the search for optional tasks to drop goes.
#[derive(Debug, Clone)]
pub struct ReplanOptions {
    /// Options of each re-plan's solve.
    pub solve: SolveOptions,
    /// Largest set of optional tasks tried.
    pub max_drop: usize,
    /// Most sets tried (each is a re-plan).
    pub max_tries: usize,
}

impl Default for ReplanOptions {
    fn default() -> Self {
        ReplanOptions {
            solve: SolveOptions::default(),
            max_drop: 3,
            max_tries: 64,
        }
    }
}

/// A task left out of the night, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Index of the task in the inventory.
    #[serde(skip)]
    pub task: usize,
    /// The task's id.
    pub id: String,
    /// Why it was left out, in words.
    pub reason: String,
}

/// A task whose start moved against the original plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The task's id.
    pub id: String,
    /// Its start in the original plan, minutes from the window start.
    pub from_minute: Time,
    /// Its start in the re-plan, minutes from the window start.
    pub to_minute: Time,
    /// Positive: later than planned.
    pub by_minutes: Time,
}

/// The re-planned night.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The inventory of the night (kept tasks; see [`crate::plan::night::night_inventory`]).
    pub night: Inventory,
    /// `entries[k]` is night task `k`: its original index and state.
    pub entries: Vec<Entry>,
    /// The plan of the night: every kept task, the fixed part included.
    pub plan: Plan,
    /// The time of the re-plan, minutes from the window start.
    pub now: Time,
    /// Every dropped task, in inventory order.
    pub dropped: Vec<Dropped>,
    /// The optional tasks left out to hold the deadline (a subset of `dropped`).
    pub left_out: Vec<String>,
    /// What the search for optional tasks did, in words (when it ran).
    pub search: Option<String>,
    /// From `now` to the end of the plan, and the proven bound on it.
    pub remainder_minutes: Time,
    /// The proven lower bound on `remainder_minutes`.
    pub remainder_bound_minutes: Time,
    /// Deadline − end of the plan.
    pub margin_minutes: Option<Time>,
    /// Running or planned tasks with a `backout` whose point of no return
    /// (deadline − backout) is before `now`.
    pub past_no_return: Vec<String>,
    /// Tasks whose start moved against the original plan.
    pub moved: Vec<Moved>,
    /// The critical chain of the rest of the night (links ending after `now`).
    pub critical_chain: Vec<String>,
    /// The same links, with what held each back (`report::explain::chain_link`
    /// puts them in words).
    pub chain_links: Vec<crate::analysis::explain::ChainLink>,
}

/// What re-planning gave.
#[derive(Debug, Clone)]
pub enum ReplanResult {
    /// A re-plan that holds the deadline (if any).
    Planned(Box<Replan>),
    /// The deadline cannot be held, not even by dropping optional tasks:
    /// the earliest end found, its proven bound, and what holds it.
    DeadlineMissed {
        /// The earliest end found, minutes from the window start.
        earliest_end: Time,
        /// The proven lower bound on the end.
        bound: Time,
        /// The chain of tasks that holds the end.
        chain: Vec<String>,
        /// What the search for optional tasks did, in words.
        search: String,
        /// Whether it is proven (the bound is past the deadline); if not,
        /// a plan holding the deadline may exist but none was found in time.
        proven: bool,
    },
    /// Proven impossible whatever the deadline, with the reason.
    Infeasible(String),
    /// None found in the time given.
    NotFound(String),
}

/// Plans the night with the given optional tasks left out; `deadline`
/// false plans it without the deadline.
fn plan_night(
    inv: &Inventory,
    p: &Progress,
    extra: &[usize],
    deadline: bool,
    opts: &SolveOptions,
) -> (PlanResult, Vec<Option<String>>, Vec<Entry>, Inventory) {
    let drops = crate::plan::night::drops(inv, p, extra);
    let entries = crate::plan::night::entries(inv, p, &drops);
    let mut night = crate::plan::night::night_inventory(inv, &entries, Some(p.now));
    if !deadline {
        night.window.deadline = None;
    }
    let result = solve::plan_night(&night, &entries, opts);
    (result, drops, entries, night)
}

/// Re-plans the rest of the night. `original` gives the original plan's
/// start minute per inventory task, for the changes.
pub fn replan(
    inv: &Inventory,
    p: &Progress,
    original: Option<&[Time]>,
    opts: &ReplanOptions,
) -> ReplanResult {
    let (first, drops, entries, night) = plan_night(inv, p, &[], true, &opts.solve);
    let ctx = Ctx { inv, p, original };
    let fail = match first {
        Ok(plan) => {
            return ctx.build(night, entries, plan, &drops, &[], None);
        }
        other => other,
    };
    let Some(deadline) = inv.window.deadline else {
        return from_plan_result(fail);
    };
    let (free, ..) = plan_night(inv, p, &[], false, &opts.solve);
    let free = match free {
        Ok(plan) if plan.length_minutes > deadline => plan,
        // Not the deadline: what stops the plan holds without it too.
        _ => return from_plan_result(fail),
    };
    let (found, search) = search_optional(inv, p, &drops, opts);
    if let Some((extra, plan, drops, entries, night)) = found {
        return ctx.build(night, entries, plan, &drops, &extra, Some(search));
    }
    // The earliest end: without every optional task that may be left out,
    // when that plans (else with every task).
    let all = droppable(inv, p, &drops);
    let (best, night) = match plan_night(inv, p, &all, false, &opts.solve) {
        (Ok(plan), _, _, night) if !all.is_empty() => (plan, night),
        _ => {
            let entries = crate::plan::night::entries(inv, p, &drops);
            (
                free,
                crate::plan::night::night_inventory(inv, &entries, Some(p.now)),
            )
        }
    };
    let (chain, _) = chain_from(&night, &best, p.now);
    // Proven when no plan of the night can end by the deadline even
    // without every optional task that may go; else none was found in time.
    let proven = best.lower_bound_minutes > deadline
        || (all.is_empty() && matches!(fail, Err(crate::error::NoPlan::Infeasible(_))));
    ReplanResult::DeadlineMissed {
        earliest_end: best.length_minutes,
        bound: best.lower_bound_minutes,
        chain,
        search,
        proven,
    }
}

fn from_plan_result(r: PlanResult) -> ReplanResult {
    match r {
        Ok(_) => ReplanResult::NotFound("internal error: a plan was taken for a failure".into()),
        Err(crate::error::NoPlan::Infeasible(why)) => ReplanResult::Infeasible(why),
        Err(crate::error::NoPlan::NotFound(why)) => ReplanResult::NotFound(why),
    }
}

type Found = (Vec<usize>, Plan, Vec<Option<String>>, Vec<Entry>, Inventory);

/// The smallest set of optional tasks whose dropping holds the deadline,
/// sets tried by increasing size, each verified by planning; with what the
/// search did, in words.
fn search_optional(
    inv: &Inventory,
    p: &Progress,
    drops: &[Option<String>],
    opts: &ReplanOptions,
) -> (Option<Found>, String) {
    let candidates = droppable(inv, p, drops);
    if candidates.is_empty() {
        return (None, "no optional task is left to drop".into());
    }
    let try_opts = SolveOptions {
        time_limit: (opts.solve.time_limit / 4).max(Duration::from_millis(200)),
        ..opts.solve.clone()
    };
    let budget = opts
        .solve
        .time_limit
        .saturating_mul(4)
        .max(Duration::from_secs(2));
    let started = Instant::now();
    let mut tries = 0;
    let max = opts.max_drop.min(candidates.len());
    for size in 1..=max {
        let mut subset: Vec<usize> = (0..size).collect();
        loop {
            if tries >= opts.max_tries || started.elapsed() > budget {
                return (
                    None,
                    format!(
                        "the search stopped after {tries} set(s) of optional tasks (limit {} sets of at most {} tasks, {}); a larger set may hold the deadline",
                        opts.max_tries,
                        opts.max_drop,
                        crate::base::fmt_duration(budget)
                    ),
                );
            }
            tries += 1;
            let extra: Vec<usize> = subset.iter().map(|&k| candidates[k]).collect();
            let (r, d, e, n) = plan_night(inv, p, &extra, true, &try_opts);
            if let Ok(plan) = r {
                let words = format!(
                    "the smallest set holding the deadline has {size} optional task(s) (found at re-plan {tries}, sets tried by increasing size)"
                );
                return (Some((extra, plan, d, e, n)), words);
            }
            if !next_subset(&mut subset, candidates.len()) {
                break;
            }
        }
    }
    let words = if max < candidates.len() {
        format!("no set of at most {max} of the {} optional tasks holds the deadline ({tries} re-plans); larger sets were not tried", candidates.len())
    } else {
        format!("dropping every optional task still misses the deadline ({tries} re-plans)")
    };
    (None, words)
}

/// The next `k`-subset of `0..n` in lexicographic order.
fn next_subset(s: &mut [usize], n: usize) -> bool {
    let k = s.len();
    for i in (0..k).rev() {
        if s[i] < n - k + i {
            s[i] += 1;
            for j in i + 1..k {
                s[j] = s[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

/// Optional tasks still to do whose dependants (still kept) are all
/// optional too: leaving one out takes only optional work with it.
fn droppable(inv: &Inventory, p: &Progress, drops: &[Option<String>]) -> Vec<usize> {
    let mut started = vec![false; inv.tasks.len()];
    for t in p.done.iter().chain(&p.running) {
        started[t.task] = true;
    }
    for f in &p.failed {
        started[f.task] = true;
    }
    let succ = crate::plan::night::successors(inv);
    (0..inv.tasks.len())
        .filter(|&t| inv.tasks[t].optional && !started[t] && drops[t].is_none())
        .filter(|&t| {
            let mut stack = vec![t];
            let mut seen = vec![t];
            while let Some(x) = stack.pop() {
                for &s in &succ[x] {
                    if drops[s].is_none() && !seen.contains(&s) {
                        if !inv.tasks[s].optional || started[s] {
                            return false;
                        }
                        seen.push(s);
                        stack.push(s);
                    }
                }
            }
            true
        })
        .collect()
}

/// The critical chain of a night plan, from `now`: ids and links.
fn chain_from(
    night: &Inventory,
    plan: &Plan,
    now: Time,
) -> (Vec<String>, Vec<crate::analysis::explain::ChainLink>) {
    let Some(starts) = plan.starts(night) else {
        return (Vec::new(), Vec::new());
    };
    let compiled = crate::model::compile(night);
    crate::analysis::explain::critical_chain(night, &compiled, &starts)
        .into_iter()
        .filter(|l| l.end_minute > now)
        .map(|l| (l.task.clone(), l))
        .unzip()
}

struct Ctx<'a> {
    inv: &'a Inventory,
    p: &'a Progress,
    original: Option<&'a [Time]>,
}

impl Ctx<'_> {
    fn build(
        &self,
        night: Inventory,
        entries: Vec<Entry>,
        plan: Plan,
        drops: &[Option<String>],
        extra: &[usize],
        search: Option<String>,
    ) -> ReplanResult {
        let (inv, now) = (self.inv, self.p.now);
        let dropped = drops
            .iter()
            .enumerate()
            .filter_map(|(t, r)| {
                r.as_ref().map(|r| Dropped {
                    task: t,
                    id: inv.tasks[t].id.clone(),
                    reason: r.clone(),
                })
            })
            .collect();
        let deadline = inv.window.deadline;
        let past_no_return = entries
            .iter()
            .filter(|e| matches!(e.state, State::Running | State::Planned))
            .filter(|e| {
                let b = inv.tasks[e.task].backout;
                matches!((deadline, b), (Some(d), Some(b)) if d - b < now)
            })
            .map(|e| inv.tasks[e.task].id.clone())
            .collect();
        let moved = match self.original {
            Some(orig) => entries
                .iter()
                .zip(&plan.tasks)
                .filter(|(e, _)| e.state != State::Backout)
                .filter(|(e, t)| {
                    orig.get(e.task)
                        .is_some_and(|&o| o != NO_START && o != t.start_minute)
                })
                .map(|(e, t)| Moved {
                    id: t.id.clone(),
                    from_minute: orig[e.task],
                    to_minute: t.start_minute,
                    by_minutes: t.start_minute - orig[e.task],
                })
                .collect(),
            None => Vec::new(),
        };
        let (critical_chain, chain_links) = chain_from(&night, &plan, now);
        // The plan is re-verified as the checker sees a saved re-plan:
        // fixed tasks at their times within their own windows.
        let violations = crate::check::replan::check_entries(inv, &entries, now, &plan);
        if !violations.is_empty() {
            let words: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
            return ReplanResult::NotFound(format!(
                "internal error: the re-plan broke {} rule(s) of the inventory; please report it: {}",
                words.len(),
                words.join("; ")
            ));
        }
        ReplanResult::Planned(Box::new(Replan {
            remainder_minutes: (plan.length_minutes - now).max(0),
            remainder_bound_minutes: (plan.lower_bound_minutes - now).max(0),
            margin_minutes: deadline.map(|d| d - plan.length_minutes),
            night,
            entries,
            plan,
            now,
            dropped,
            left_out: extra.iter().map(|&t| inv.tasks[t].id.clone()).collect(),
            search,
            past_no_return,
            moved,
            critical_chain,
            chain_links,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::next_subset;

    #[test]
    fn subsets_come_in_order_of_their_members() {
        let mut s = vec![0, 1];
        let mut all = vec![s.clone()];
        while next_subset(&mut s, 4) {
            all.push(s.clone());
        }
        assert_eq!(
            all,
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]].map(|x| x.to_vec())
        );
    }
}
