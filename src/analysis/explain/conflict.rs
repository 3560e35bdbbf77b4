//! Infeasibility: a small set of rules that together make a plan
//! impossible, found by a deletion filter over groups of rules.
//!
//! Every group is first dropped alone (in parallel): a group whose removal
//! lets a plan be found is in every conflict set. The others are then
//! dropped one at a time (the next few tried ahead in parallel), for good
//! when the rest is still infeasible. What
//! remains is irreducible: dropping any one member allows a plan (a plan was
//! found, so that part is exact). "Still infeasible" is a proof when the
//! checks or the solver prove it, and only "no plan found in the time
//! given" otherwise; the output says which.

use crate::analysis::budget::{Budget, Cut};
use crate::inventory::Inventory;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;

/// A group of rules that can be dropped together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleGroup {
    /// `window.deadline`.
    Deadline,
    /// `blackouts[index]`.
    Blackout {
        /// Index into the inventory's `blackouts`.
        index: usize,
    },
    /// `tasks[source].windows`.
    TaskWindows {
        /// Index of the task in the inventory file's `tasks`.
        source: usize,
    },
    /// `teams[team].available`.
    TeamHours {
        /// Index into the inventory's `teams`.
        team: usize,
    },
    /// The `max_lag` of file task `tasks[source]` after file task `tasks[after]`.
    MaxLag {
        /// Index of the constrained task in the inventory file's `tasks`.
        source: usize,
        /// Index of the task it must follow closely, in the file's `tasks`.
        after: usize,
    },
    /// `services[service].max_downtime`.
    MaxDowntime {
        /// Index into the inventory's `services`.
        service: usize,
    },
    /// `dr[pair].order`.
    DrOrder {
        /// Index into the inventory's `dr` pairs.
        pair: usize,
    },
    /// `clusters[cluster].min_available`.
    ClusterMin {
        /// Index into the inventory's `clusters`.
        cluster: usize,
    },
}

impl RuleGroup {
    /// Every group present in the inventory, in a stable order.
    pub fn all(inv: &Inventory) -> Vec<RuleGroup> {
        let mut out = Vec::new();
        if inv.window.deadline.is_some() {
            out.push(RuleGroup::Deadline);
        }
        // Only rules that bear on some task: the others cannot be to blame.
        for (k, b) in inv.blackouts.iter().enumerate() {
            if inv.tasks.iter().any(|t| inv.blackout_covers(b, t)) {
                out.push(RuleGroup::Blackout { index: k });
            }
        }
        let sources = super::windowed_sources(inv);
        out.extend(
            sources
                .into_iter()
                .map(|source| RuleGroup::TaskWindows { source }),
        );
        for (k, t) in inv.teams.iter().enumerate() {
            let used = inv.tasks.iter().any(|x| x.needs.iter().any(|n| n.0 == k));
            if t.available.is_some() && used {
                out.push(RuleGroup::TeamHours { team: k });
            }
        }
        let mut lags: Vec<(usize, usize)> = inv
            .tasks
            .iter()
            .flat_map(|t| {
                t.after
                    .iter()
                    .filter(|a| a.max_lag.is_some())
                    .map(|a| (t.source, inv.tasks[a.task].source))
            })
            .collect();
        lags.sort_unstable();
        lags.dedup();
        out.extend(
            lags.into_iter()
                .map(|(source, after)| RuleGroup::MaxLag { source, after }),
        );
        for (k, s) in inv.services.iter().enumerate() {
            if s.max_downtime.is_some() {
                out.push(RuleGroup::MaxDowntime { service: k });
            }
        }
        for (k, p) in inv.dr.iter().enumerate() {
            if p.order.is_some() {
                out.push(RuleGroup::DrOrder { pair: k });
            }
        }
        for (k, c) in inv.clusters.iter().enumerate() {
            let outages = inv
                .tasks
                .iter()
                .filter(|t| t.outage && t.systems.iter().any(|s| c.members.contains(s)))
                .count();
            if c.min_available > 0 && outages > 0 {
                out.push(RuleGroup::ClusterMin { cluster: k });
            }
        }
        out
    }
}

/// The inventory without the given groups.
pub fn without(inv: &Inventory, groups: &[RuleGroup]) -> Inventory {
    let mut r = inv.clone();
    let mut dropped_blackouts = Vec::new();
    for g in groups {
        match *g {
            RuleGroup::Deadline => r.window.deadline = None,
            RuleGroup::Blackout { index } => dropped_blackouts.push(index),
            RuleGroup::TaskWindows { source } => {
                for t in r.tasks.iter_mut().filter(|t| t.source == source) {
                    t.windows = None;
                }
            }
            RuleGroup::TeamHours { team } => r.teams[team].available = None,
            RuleGroup::MaxLag { source, after } => {
                let sources: Vec<usize> = inv.tasks.iter().map(|t| t.source).collect();
                for t in r.tasks.iter_mut().filter(|t| t.source == source) {
                    for a in t.after.iter_mut() {
                        if sources.get(a.task) == Some(&after) {
                            a.max_lag = None;
                        }
                    }
                }
            }
            RuleGroup::MaxDowntime { service } => r.services[service].max_downtime = None,
            RuleGroup::DrOrder { pair } => r.dr[pair].order = None,
            RuleGroup::ClusterMin { cluster } => r.clusters[cluster].min_available = 0,
        }
    }
    let mut k = 0;
    r.blackouts.retain(|_| {
        let keep = !dropped_blackouts.contains(&k);
        k += 1;
        keep
    });
    r
}

/// What one feasibility check said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// A plan was found.
    Feasible,
    /// Proven impossible, with the reason.
    Infeasible {
        /// Why no plan can exist, in words.
        reason: String,
    },
    /// No plan found in the time given: not a proof.
    NotFound {
        /// Why nothing was found (e.g. the time limit ran out), in words.
        reason: String,
    },
}

impl Verdict {
    /// Whether a plan was found.
    pub fn is_feasible(&self) -> bool {
        matches!(self, Verdict::Feasible)
    }
    /// Whether no plan exists, proven (a search that merely found nothing is no proof).
    pub fn is_proof(&self) -> bool {
        matches!(self, Verdict::Infeasible { .. })
    }
    /// Why there is no plan, in words; empty when a plan was found.
    pub fn reason(&self) -> &str {
        match self {
            Verdict::Feasible => "",
            Verdict::Infeasible { reason } | Verdict::NotFound { reason } => reason,
        }
    }
}

/// Plans the inventory (checks first, then the solver) and says whether a plan exists.
pub fn verdict(inv: &Inventory, opts: &SolveOptions) -> Verdict {
    match crate::pipeline::plan_inventory(inv, opts) {
        Ok(_) => Verdict::Feasible,
        Err(crate::error::NoPlan::Infeasible(reason)) => Verdict::Infeasible { reason },
        Err(crate::error::NoPlan::NotFound(reason)) => Verdict::NotFound { reason },
    }
}

/// What the filter concluded about one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupOutcome {
    /// The rule group this outcome is about.
    pub group: RuleGroup,
    /// In the conflict set.
    pub in_conflict: bool,
    /// In the conflict set: dropping it let a plan be found. Left out: the
    /// verdict without it (and the groups left out before it).
    pub verdict: Verdict,
}

/// A set of rules that together make a plan impossible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// Why the full inventory has no plan.
    pub reason: String,
    /// Whether that is proven (else: no plan found in the time given).
    pub proven: bool,
    /// The conflict set, in the order the groups are listed
    /// ([`RuleGroup::all`]).
    pub groups: Vec<RuleGroup>,
    /// Whether the conflict set alone is proven impossible (else its
    /// infeasibility rests on a search that found nothing).
    pub set_proven: bool,
    /// Why the conflict set alone has no plan.
    pub set_reason: String,
    /// Every group tried, in order.
    pub tried: Vec<GroupOutcome>,
    /// Time limit of each check, in milliseconds.
    pub time_limit_ms: u64,
    /// Groups the filter did not decide before the budget ran out: they
    /// stay in the set, which may then not be the smallest.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub untried: Vec<RuleGroup>,
    /// Why some were not decided (the time limit, Ctrl-C, the work allowance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<Cut>,
}

/// Finds a small conflict set for an inventory without a plan. `base` is
/// what planning the whole inventory said; each check uses `opts` (a short
/// limit, one thread).
pub fn conflict(inv: &Inventory, base: &Verdict, opts: &SolveOptions) -> Conflict {
    conflict_within(inv, base, opts, &Budget::unlimited())
}

/// One check as a unit of `budget`: `None` when it could not start.
fn verdict_within(
    inv: &Inventory,
    groups: &[RuleGroup],
    opts: &SolveOptions,
    budget: &Budget,
) -> Option<Verdict> {
    let _unit = budget.start()?;
    match verdict(&without(inv, groups), &budget.limit(opts)) {
        // Cut short by the budget: not decided.
        Verdict::NotFound { .. } if budget.stopped().is_some() => None,
        v => Some(v),
    }
}

/// [`conflict`] within `budget`: each check is a unit of work. When the
/// budget runs out the filter stops; the groups it did not decide stay in
/// the set (which still has no plan: only groups shown droppable were
/// dropped) and are listed as untried, so the set may not be the smallest.
pub fn conflict_within(
    inv: &Inventory,
    base: &Verdict,
    opts: &SolveOptions,
    budget: &Budget,
) -> Conflict {
    let groups = RuleGroup::all(inv);
    // Each group dropped alone, in parallel.
    let alone: Vec<Option<Verdict>> = groups
        .par_iter()
        .map(|g| verdict_within(inv, &[*g], opts, budget))
        .collect();
    let feasible_alone = |j: usize| alone[j].as_ref().is_some_and(Verdict::is_feasible);
    // The deletion filter, a few steps at a time: with `dropped` gone, try
    // dropping the next 1, 2, .. `width` candidates at once (in parallel).
    // The first of those sets that allows a plan shows its last group is
    // needed; every earlier one is dropped (a smaller drop is no easier).
    let n = groups.len();
    let width = rayon::current_num_threads().max(1);
    let mut decided: Vec<Option<Verdict>> = vec![None; n];
    let mut dropped: Vec<RuleGroup> = Vec::new();
    let mut current = base.clone();
    let mut k = 0;
    while k < n {
        if feasible_alone(k) {
            decided[k] = alone[k].clone();
            k += 1;
            continue;
        }
        let batch: Vec<usize> = (k..n).filter(|&j| !feasible_alone(j)).take(width).collect();
        let results: Vec<Option<Verdict>> = (0..batch.len())
            .into_par_iter()
            .map(|i| {
                if i == 0 && dropped.is_empty() {
                    return alone[batch[0]].clone();
                }
                let mut trial = dropped.clone();
                trial.extend(batch[..=i].iter().map(|&j| groups[j]));
                verdict_within(inv, &trial, opts, budget)
            })
            .collect();
        // Only the checks before the first one the budget left out count.
        let done: Vec<Verdict> = results.into_iter().map_while(|v| v).collect();
        if done.is_empty() {
            break;
        }
        let upto = done
            .iter()
            .position(|v| v.is_feasible())
            .map_or(done.len(), |p| p + 1);
        let last = batch[upto - 1];
        for j in k..=last {
            if feasible_alone(j) {
                decided[j] = alone[j].clone();
            }
        }
        for (i, v) in done.into_iter().take(upto).enumerate() {
            if !v.is_feasible() {
                dropped.push(groups[batch[i]]);
                current = v.clone();
            }
            decided[batch[i]] = Some(v);
        }
        k = last + 1;
    }
    let untried: Vec<RuleGroup> = groups
        .iter()
        .zip(&decided)
        .filter(|(_, v)| v.is_none())
        .map(|(g, _)| *g)
        .collect();
    let outcomes: Vec<GroupOutcome> = groups
        .iter()
        .zip(decided)
        .filter_map(|(g, v)| {
            let v = v?;
            Some(GroupOutcome {
                group: *g,
                in_conflict: v.is_feasible(),
                verdict: v,
            })
        })
        .collect();
    let set: Vec<RuleGroup> = groups
        .iter()
        .copied()
        .filter(|g| !dropped.contains(g))
        .collect();
    Conflict {
        reason: base.reason().to_string(),
        proven: base.is_proof(),
        groups: set,
        set_proven: current.is_proof(),
        set_reason: current.reason().to_string(),
        tried: outcomes,
        time_limit_ms: opts.time_limit.as_millis() as u64,
        cut: (!untried.is_empty()).then(|| budget.why_short()),
        untried,
    }
}
