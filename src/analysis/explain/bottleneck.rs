//! Bottlenecks: which single rule, relaxed a little, shortens the window
//! most. Each relaxation is a modified copy of the inventory, planned again
//! (in parallel) with a short time limit.
//!
//! Like with like (issue #20.5): a relaxation only removes or loosens a
//! rule, so the plan being explained still keeps every rule of the relaxed
//! inventory (re-checked here by the independent checker); the relaxed
//! search starts from it in the sense that the relaxed window is the
//! shorter of its own plan and this one, so a relaxation never shows a
//! longer window. The credit a relaxation earns is a difference of two
//! optima, each known only between its bound and its plan: it lies between
//! `max(0, base bound − relaxed plan)` and `base plan − relaxed bound`.
//! It is exact only when both sides are proven; a relaxation is ranked
//! only on the minutes it is sure to save (the low end), so no change is
//! credited with minutes the base inventory may already allow.

use crate::analysis::budget::{Budget, Cut};
use crate::base::{Interval, Time};
use crate::inventory::Inventory;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;

/// How far a window or a team's hours is widened each side.
pub const WIDEN: Time = 60;

/// One relaxation of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relaxation {
    /// `teams[team].capacity` + 1.
    TeamCapacity {
        /// Index into the inventory's `teams`.
        team: usize,
    },
    /// `clusters[cluster].min_available` − 1.
    ClusterDown {
        /// Index into the inventory's `clusters`.
        cluster: usize,
    },
    /// `zones[zone].max_concurrent` + 1.
    ZoneConcurrent {
        /// Index into the inventory's `zones`.
        zone: usize,
    },
    /// `blackouts[index]` removed.
    Blackout {
        /// Index into the inventory's `blackouts`.
        index: usize,
    },
    /// The windows of file task `tasks[source]` widened by [`WIDEN`] each side.
    WindowsWidened {
        /// Index of the task in the inventory file's `tasks`.
        source: usize,
    },
    /// The windows of file task `tasks[source]` removed.
    WindowsRemoved {
        /// Index of the task in the inventory file's `tasks`.
        source: usize,
    },
    /// `teams[team].available` widened by [`WIDEN`] each side.
    HoursWidened {
        /// Index into the inventory's `teams`.
        team: usize,
    },
    /// `teams[team].available` removed (on duty all the time).
    HoursRemoved {
        /// Index into the inventory's `teams`.
        team: usize,
    },
    /// `dr[pair].order` dropped.
    DrOrder {
        /// Index into the inventory's `dr` pairs.
        pair: usize,
    },
}

impl Relaxation {
    /// Every relaxation that applies to this inventory, in a stable order.
    pub fn all(inv: &Inventory) -> Vec<Relaxation> {
        let mut out = Vec::new();
        let used_team = |k: usize| inv.tasks.iter().any(|t| t.needs.iter().any(|n| n.0 == k));
        for k in 0..inv.teams.len() {
            if used_team(k) {
                out.push(Relaxation::TeamCapacity { team: k });
            }
        }
        // Only limits that can bind (the compiler drops the others).
        for (k, c) in inv.clusters.iter().enumerate() {
            let down: usize = inv
                .tasks
                .iter()
                .filter(|t| t.outage)
                .map(|t| t.systems.iter().filter(|s| c.members.contains(s)).count())
                .sum();
            if c.min_available >= 1 && down > c.max_unavailable() as usize {
                out.push(Relaxation::ClusterDown { cluster: k });
            }
        }
        for (k, z) in inv.zones.iter().enumerate() {
            let users = inv
                .tasks
                .iter()
                .filter(|t| t.systems.iter().any(|&s| inv.systems[s].zone == Some(k)))
                .count();
            if users > z.max_concurrent as usize {
                out.push(Relaxation::ZoneConcurrent { zone: k });
            }
        }
        for k in 0..inv.blackouts.len() {
            out.push(Relaxation::Blackout { index: k });
        }
        let sources = super::windowed_sources(inv);
        for s in sources {
            out.push(Relaxation::WindowsWidened { source: s });
            out.push(Relaxation::WindowsRemoved { source: s });
        }
        for (k, team) in inv.teams.iter().enumerate() {
            if team.available.is_some() && used_team(k) {
                out.push(Relaxation::HoursWidened { team: k });
                out.push(Relaxation::HoursRemoved { team: k });
            }
        }
        for (k, p) in inv.dr.iter().enumerate() {
            if p.order.is_some() {
                out.push(Relaxation::DrOrder { pair: k });
            }
        }
        out
    }

    /// The inventory with this one rule relaxed.
    pub fn apply(&self, inv: &Inventory) -> Inventory {
        let mut r = inv.clone();
        match *self {
            Relaxation::TeamCapacity { team } => r.teams[team].capacity += 1,
            Relaxation::ClusterDown { cluster } => {
                let c = &mut r.clusters[cluster];
                c.min_available = c.min_available.saturating_sub(1);
            }
            Relaxation::ZoneConcurrent { zone } => r.zones[zone].max_concurrent += 1,
            Relaxation::Blackout { index } => {
                r.blackouts.remove(index);
            }
            Relaxation::WindowsWidened { source } => {
                for t in r.tasks.iter_mut().filter(|t| t.source == source) {
                    t.windows = t.windows.as_deref().map(widen);
                }
            }
            Relaxation::WindowsRemoved { source } => {
                for t in r.tasks.iter_mut().filter(|t| t.source == source) {
                    t.windows = None;
                }
            }
            Relaxation::HoursWidened { team } => {
                let t = &mut r.teams[team];
                t.available = t.available.as_deref().map(widen);
            }
            Relaxation::HoursRemoved { team } => r.teams[team].available = None,
            Relaxation::DrOrder { pair } => r.dr[pair].order = None,
        }
        r
    }
}

fn widen(w: &[Interval]) -> Vec<Interval> {
    crate::base::intervals::merge(
        w.iter()
            .map(|i| Interval::new((i.start - WIDEN).max(0), i.end + WIDEN))
            .collect(),
    )
}

/// What one relaxation gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    /// The rule relaxed, as data.
    pub relaxation: Relaxation,
    /// Window length with it (None: no plan found in the time given).
    pub length_minutes: Option<Time>,
    /// How much shorter than the plan being explained (negative: longer,
    /// which only means the short search did worse).
    pub shrink_minutes: Option<Time>,
    /// The same shrink, in percent of the plan being explained.
    pub shrink_percent: Option<f64>,
    /// The better plan found also keeps every original rule: the relaxation
    /// did not matter, the plan being explained was simply not the best.
    pub original_improvable: bool,
    /// No plan of the relaxed inventory can be shorter (its proven bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound_minutes: Option<Time>,
    /// The relaxed window is the plan being explained, which keeps every
    /// relaxed rule and was no longer than the relaxed search's own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_base: bool,
    /// How many minutes the relaxation saves on the shortest window, as far
    /// as the two bounds and the two plans tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<Credit>,
}

/// The minutes a change saves on the shortest possible window: the base's
/// optimum less the changed inventory's, each known between its proven
/// bound and its best plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// It saves at least this much (the base's bound less the changed
    /// plan, or 0).
    pub least_minutes: Time,
    /// It saves at most this much (the base plan less the changed bound).
    pub most_minutes: Time,
    /// Both sides are proven optimal: least = most.
    pub exact: bool,
}

impl Credit {
    /// The credit of going from a base optimum in `[base_bound,
    /// base_length]` to a changed one in `[bound, length]`, for a change
    /// that can only shorten the window (a relaxation).
    pub fn of(base_bound: Time, base_length: Time, bound: Time, length: Time) -> Credit {
        let bound = bound.min(length);
        let base_bound = base_bound.min(base_length);
        Credit {
            least_minutes: (base_bound - length).max(0),
            most_minutes: (base_length - bound).max(0),
            exact: base_bound == base_length && bound == length,
        }
    }
}

impl Trial {
    /// Whether the relaxation is sure to shorten the shortest window: the
    /// low end of its credit is above zero (without a credit, e.g. in a
    /// hand-made trial, its plan is shorter).
    pub fn matters(&self) -> bool {
        !self.original_improvable
            && match self.credit {
                Some(c) => c.least_minutes > 0,
                None => self.shrink_minutes.is_some_and(|s| s > 0),
            }
    }

    /// Whether it may shorten the shortest window without that being sure:
    /// the base inventory may already allow what its plan shows.
    pub fn may_matter(&self) -> bool {
        !self.matters() && self.credit.is_some_and(|c| c.most_minutes > 0)
    }
}

/// The bottleneck analysis of a plan of length `base`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottlenecks {
    /// Window length of the plan being explained, in minutes.
    pub base_minutes: Time,
    /// Relaxations that shorten the window, most first.
    pub ranked: Vec<Trial>,
    /// Every relaxation tried, in the order tried.
    pub tried: Vec<Trial>,
    /// Time limit of each re-plan, in milliseconds.
    pub time_limit_ms: u64,
    /// How many relaxations apply to the inventory (tried or not).
    pub candidates: usize,
    /// Relaxations not tried because the budget ran out, in the order
    /// they would have been tried.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub untried: Vec<Relaxation>,
    /// Why some were not tried (the time limit, Ctrl-C, the work allowance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<Cut>,
}

impl Bottlenecks {
    /// Whether every relaxation was tried.
    pub fn complete(&self) -> bool {
        self.untried.is_empty()
    }
}

/// Tries every relaxation in parallel, each planned with `opts` (give it a
/// short limit and one thread), against the plan being explained (`starts`,
/// one per task) and its proven bound `base_bound`.
pub fn bottlenecks(
    inv: &Inventory,
    starts: &[Time],
    base_bound: Time,
    opts: &SolveOptions,
) -> Bottlenecks {
    bottlenecks_within(inv, starts, base_bound, opts, &Budget::unlimited())
}

/// [`bottlenecks`] within `budget`: each relaxation is one unit of work,
/// started only while the budget lasts; those not started are listed as
/// untried (a partial answer that says so).
pub fn bottlenecks_within(
    inv: &Inventory,
    starts: &[Time],
    base_bound: Time,
    opts: &SolveOptions,
    budget: &Budget,
) -> Bottlenecks {
    let base = crate::plan::length(inv, starts);
    let candidates = Relaxation::all(inv);
    let count = candidates.len();
    let outcomes: Vec<Result<Trial, Relaxation>> = candidates
        .into_par_iter()
        .map(|relaxation| match budget.start() {
            Some(_unit) => try_relaxation(inv, relaxation, starts, base_bound, opts, budget),
            None => Err(relaxation),
        })
        .collect();
    let mut tried = Vec::new();
    let mut untried = Vec::new();
    for o in outcomes {
        match o {
            Ok(t) => tried.push(t),
            Err(r) => untried.push(r),
        }
    }
    let mut ranked: Vec<Trial> = tried.iter().filter(|t| t.matters()).cloned().collect();
    ranked.sort_by_key(|t| {
        (
            std::cmp::Reverse(t.credit.map_or(0, |c| c.least_minutes)),
            std::cmp::Reverse(t.shrink_minutes.unwrap_or(0)),
        )
    });
    Bottlenecks {
        base_minutes: base,
        ranked,
        tried,
        time_limit_ms: opts.time_limit.as_millis() as u64,
        candidates: count,
        cut: (!untried.is_empty()).then(|| budget.why_short()),
        untried,
    }
}

/// Plans one relaxation, starting from the plan being explained where it
/// still keeps every rule (see the module documentation).
/// Gives the relaxation back untried when the budget runs out before its
/// search starts.
fn try_relaxation(
    inv: &Inventory,
    relaxation: Relaxation,
    starts: &[Time],
    base_bound: Time,
    opts: &SolveOptions,
    budget: &Budget,
) -> Result<Trial, Relaxation> {
    let base = crate::plan::length(inv, starts);
    let relaxed = relaxation.apply(inv);
    let base_valid = crate::check::check(&relaxed, starts).is_empty();
    if budget.stopped().is_some() {
        return Err(relaxation);
    }
    let solved = crate::pipeline::plan_inventory(&relaxed, &budget.limit(opts));
    // Cut short by the budget: said as not tried, not as "no plan found".
    if matches!(solved, Err(crate::error::NoPlan::NotFound(_))) && budget.stopped().is_some() {
        return Err(relaxation);
    }
    let improvable = match &solved {
        Ok(plan) => {
            plan.length_minutes < base
                && plan
                    .starts(&relaxed)
                    .is_some_and(|s| crate::check::check(inv, &s).is_empty())
        }
        Err(_) => false,
    };
    // (length, bound, from the base plan)
    let found = match solved {
        Ok(plan) if !base_valid || plan.length_minutes <= base => {
            Some((plan.length_minutes, plan.lower_bound_minutes, false))
        }
        Ok(plan) => Some((base, plan.lower_bound_minutes, true)),
        Err(crate::error::NoPlan::NotFound(_)) if base_valid => Some((
            base,
            crate::solve::lower_bound(&crate::model::compile(&relaxed).problem),
            true,
        )),
        Err(_) => None,
    };
    let length = found.map(|f| f.0);
    let shrink = length.map(|l| base - l);
    Ok(Trial {
        relaxation,
        length_minutes: length,
        shrink_minutes: shrink,
        shrink_percent: shrink
            .filter(|_| base > 0)
            .map(|s| (s as f64 * 1000.0 / base as f64).round() / 10.0),
        original_improvable: improvable,
        lower_bound_minutes: found.map(|f| f.1.min(f.0)),
        from_base: found.is_some_and(|f| f.2),
        credit: found.map(|(len, bound, _)| Credit::of(base_bound, base, bound, len)),
    })
}
