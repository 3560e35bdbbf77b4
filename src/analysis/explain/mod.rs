//! Plans that explain themselves, in a change board's words:
//!
//! - [`chain`]: the critical chain of a plan, and what held each task back;
//! - [`availability`](crate::analysis::availability): each service's least
//!   possible downtime, its single points of failure, and re-planned
//!   suggestions that bring it to zero;
//! - [`bottleneck`]: which rule, relaxed a little, shortens the window most;
//! - [`conflict`](mod@conflict): when no plan exists, a small set of rules that together
//!   make it impossible.
//!
//! [`explain_inventory`] and [`explain_plan`] put them together into an
//! [`Explanation`], which `report::explain` prints as text or JSON.

pub mod bottleneck;
pub mod chain;
pub mod conflict;

pub use bottleneck::{bottlenecks, bottlenecks_within, Bottlenecks, Credit, Relaxation, Trial};
pub use chain::{critical_chain, ChainLink, HeldBy};
pub use conflict::{conflict, conflict_within, Conflict, RuleGroup, Verdict};

use crate::analysis::budget::Budget;
use crate::base::Time;
use crate::inventory::Inventory;
use crate::plan::clock;
use crate::solve::SolveOptions;
use serde::Serialize;
use std::time::Duration;

/// The `tasks[i]` entries (by source index) that give `windows`, once each.
fn windowed_sources(inv: &Inventory) -> Vec<usize> {
    let mut sources: Vec<usize> = inv
        .tasks
        .iter()
        .filter(|t| t.windows.is_some())
        .map(|t| t.source)
        .collect();
    sources.sort_unstable();
    sources.dedup();
    sources
}

/// Format tag of the JSON output.
pub const EXPLAIN_FORMAT: &str = "windowplan-explain/1";

/// The plan being explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    /// `given` (a plan file, checked) or `planned` (planned here).
    pub source: String,
    /// Window length of the plan, in minutes.
    pub length_minutes: Time,
    /// No plan of this inventory can be shorter, in minutes (proven lower bound).
    pub lower_bound_minutes: Time,
    /// Wall-clock end of the window.
    pub ends: String,
}

/// Everything `windowplan explain` says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Format tag, [`EXPLAIN_FORMAT`]; changes when the JSON layout does.
    pub format: String,
    /// `planned` (a plan exists) or `no_plan`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The plan explained; absent when no plan exists.
    pub plan: Option<PlanSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// The critical chain of the plan, first task first; empty without a plan.
    pub critical_chain: Vec<ChainLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Rules that, relaxed, shorten the window; absent without a plan or when not asked for.
    pub bottlenecks: Option<Bottlenecks>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Rules that together make a plan impossible; only when no plan exists.
    pub conflict: Option<Conflict>,
}

/// Options for the re-plans of the bottleneck and conflict searches: one
/// thread each (they run side by side), and the time `total` split over
/// `checks` checks run `rayon::current_num_threads()` at a time, at least
/// 200 ms and at most `total` each.
pub(crate) fn short_options(opts: &SolveOptions, checks: usize) -> SolveOptions {
    let threads = rayon::current_num_threads().max(1) as u32;
    let rounds = (checks.max(1) as u32).div_ceil(threads);
    let each = (opts.time_limit / rounds)
        .max(Duration::from_millis(200))
        .min(opts.time_limit.max(Duration::from_millis(200)));
    SolveOptions {
        time_limit: each,
        threads: 1,
        ..opts.clone()
    }
}

/// Plans the inventory with `opts` and explains the result: the critical
/// chain and bottlenecks of the plan, or the conflict set when there is none.
pub fn explain_inventory(inv: &Inventory, opts: &SolveOptions) -> Explanation {
    explain_inventory_within(inv, opts, &Budget::unlimited())
}

/// [`explain_inventory`] within `budget`: the plan gets `opts`' time limit
/// (cut to the time left), then the re-plans of the bottleneck or conflict
/// search share what is left, each a unit of the budget; what the budget
/// did not allow is listed as not tried.
pub fn explain_inventory_within(
    inv: &Inventory,
    opts: &SolveOptions,
    budget: &Budget,
) -> Explanation {
    match crate::pipeline::plan_inventory(inv, &budget.limit(opts)) {
        Ok(plan) => match plan.starts(inv) {
            Some(starts) => {
                explain_plan_within(inv, &starts, plan.lower_bound_minutes, false, opts, budget)
            }
            None => explain_no_plan(
                inv,
                Verdict::NotFound {
                    reason: "internal error: the plan does not name every task once".into(),
                },
                opts,
                budget,
            ),
        },
        Err(crate::error::NoPlan::Infeasible(reason)) => {
            explain_no_plan(inv, Verdict::Infeasible { reason }, opts, budget)
        }
        Err(crate::error::NoPlan::NotFound(reason)) => {
            explain_no_plan(inv, Verdict::NotFound { reason }, opts, budget)
        }
    }
}

/// Explains a valid plan (one start per task; `given`: read from a file
/// rather than planned here): its critical chain and its bottlenecks.
pub fn explain_plan(
    inv: &Inventory,
    starts: &[Time],
    lower_bound: Time,
    given: bool,
    opts: &SolveOptions,
) -> Explanation {
    explain_plan_within(inv, starts, lower_bound, given, opts, &Budget::unlimited())
}

/// [`explain_plan`] within `budget`: the critical chain always (it costs
/// one pass over the plan), the bottlenecks as far as the budget allows.
pub fn explain_plan_within(
    inv: &Inventory,
    starts: &[Time],
    lower_bound: Time,
    given: bool,
    opts: &SolveOptions,
    budget: &Budget,
) -> Explanation {
    let compiled = crate::model::compile(inv);
    let length = crate::plan::length(inv, starts);
    let chain = critical_chain(inv, &compiled, starts);
    let short = short_options(opts, Relaxation::all(inv).len());
    let b = bottlenecks_within(inv, starts, lower_bound.min(length), &short, budget);
    Explanation {
        format: EXPLAIN_FORMAT.into(),
        outcome: "planned".into(),
        plan: Some(PlanSummary {
            source: if given { "given" } else { "planned" }.into(),
            length_minutes: length,
            lower_bound_minutes: lower_bound.min(length),
            ends: clock(&inv.window, length),
        }),
        critical_chain: chain,
        bottlenecks: Some(b),
        conflict: None,
    }
}

/// Explains why an inventory has no plan (`base`: what planning it said).
pub(crate) fn explain_no_plan(
    inv: &Inventory,
    base: Verdict,
    opts: &SolveOptions,
    budget: &Budget,
) -> Explanation {
    let short = short_options(opts, RuleGroup::all(inv).len());
    Explanation {
        format: EXPLAIN_FORMAT.into(),
        outcome: "no_plan".into(),
        plan: None,
        critical_chain: Vec::new(),
        bottlenecks: None,
        conflict: Some(conflict_within(inv, &base, &short, budget)),
    }
}

impl Explanation {
    /// Whether a plan exists (exit code 0).
    pub fn has_plan(&self) -> bool {
        self.plan.is_some()
    }

    /// Whether no plan exists is proven (exit code 1); without a plan and
    /// without a proof, none was found in the time given (exit code 3).
    pub fn proven_impossible(&self) -> bool {
        self.plan.is_none() && self.conflict.as_ref().is_some_and(|c| c.proven)
    }
}

#[cfg(test)]
mod tests;
