//! A small campaign solved as one problem (DESIGN.md, "Campaigns: choices",
//! row "solver (one problem)"): for a chosen set of open windows, the whole
//! campaign becomes one 1.1 inventory on one timeline, from the campaign's
//! first minute to the last open window's deadline, each task restricted
//! (its `windows:`) to the open windows of its domain, so the ordinary
//! engine decides assignment and schedule together, with its proofs.
//!
//! Where one timeline differs from the campaign's rules:
//! - *one window per file task and per lag chain*: every resolved task of a
//!   unit starts within `L` (the longest open window) of the unit's first
//!   one (an `after` with lag `−(d + L)` and max lag `L − d` from it);
//!   tasks of one window always do, and when every gap between two open
//!   windows is at least `L` tasks of two windows never do;
//! - *`later_window_than`*: every member of the later task starts at least
//!   `L` after every member of the earlier one ends: never in the same
//!   window, and always met by a later window when every gap is ≥ `L`;
//! - *`after` across windows*: the timeline keeps its lag; a later window
//!   meets a lag no longer than the least gap;
//! - *`max_downtime` per window*: the timeline counts a service's downtime
//!   over every window together, which is stricter.
//!
//! So every plan of the timeline is a campaign plan when the gaps are ≥ `L`
//! (and no lag is below minus the least gap), and every campaign plan
//! within the open windows is a plan of the timeline when, moreover, no
//! service has a `max_downtime` and no lag between units exceeds the least
//! gap: only then is "no plan of the timeline" a proof ([`Timeline::exact`]).
//! Otherwise the one problem is used as a source of plans only. Whatever it
//! finds is re-planned window by window and checked as a whole by the
//! caller.

use crate::base::intervals::{intersect, merge};
use crate::base::{Interval, Time};
use crate::error::NoPlan;
use crate::inventory::campaign::{Campaign, CampaignObjective};
use crate::inventory::{After, Inventory};
use crate::solve::SolveOptions;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most resolved tasks × windows for the one problem to be tried.
pub const MAX_CELLS: usize = 20_000;
/// Most sets of open windows tried for one number of windows.
pub const MAX_SUBSETS: usize = 64;
/// Share of the time limit the one problem may take (the rest stays for
/// planning its windows and for the decomposition).
pub const TIME_SHARE: u32 = 2;

/// What the one problem proved and found.
#[derive(Debug, Clone, Default)]
pub struct WholeOutcome {
    /// Proven (exactly): no plan uses fewer windows; 0 when nothing is.
    pub windows: usize,
    /// Proven: no plan ends in an earlier window than this index.
    pub last_window: usize,
    /// What proves those bounds, in words.
    pub why: String,
    /// A window per file task from a plan of the timeline.
    pub assignment: Option<Vec<usize>>,
    /// How the search went.
    pub notes: Vec<String>,
}

/// The campaign as one 1.1 inventory over its open windows.
pub struct Timeline {
    /// The inventory: the whole campaign, its deadline the last open
    /// window's, tasks confined to their open windows.
    pub inv: Inventory,
    /// A plan of it exists exactly when a campaign plan within the open
    /// windows does (see the module doc).
    pub exact: bool,
}

/// File tasks that share one window: lag chains, as lists of file task
/// indices ([`Campaign::lag_units`]).
fn units(c: &Campaign) -> Vec<Vec<usize>> {
    c.lag_units().members
}

/// Rank of each resolved task in a topological order of `after`.
fn topo_rank(inv: &Inventory) -> Vec<usize> {
    let n = inv.tasks.len();
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in inv.tasks.iter().enumerate() {
        for a in &t.after {
            succ[a.task].push(i);
            indeg[i] += 1;
        }
    }
    let mut rank = vec![usize::MAX; n];
    let mut stack: Vec<usize> = (0..n).rev().filter(|&i| indeg[i] == 0).collect();
    let mut next = 0;
    while let Some(x) = stack.pop() {
        rank[x] = next;
        next += 1;
        for &s in &succ[x] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                stack.push(s);
            }
        }
    }
    rank
}

/// The timeline of `c` with the windows `open` (sorted indices), tasks in
/// `domains`; `None` when a task has no open window of its domain (or no
/// room in one): then no plan within these windows exists.
pub fn timeline(c: &Campaign, domains: &[Vec<usize>], open: &[usize]) -> Option<Timeline> {
    let last = *open.last()?;
    let longest: Time = open.iter().map(|&w| c.windows[w].length()).max()?;
    let gap: Time = open
        .windows(2)
        .map(|p| c.windows[p[1]].start_minute - c.windows[p[0]].end_minute)
        .min()
        .unwrap_or(Time::MAX / 4);
    let mut inv = c.whole.clone();
    inv.window.deadline = Some(c.windows[last].end_minute);
    // The schema changes' order is in the expansion's `after` entries and
    // `later_window_than` (below); the campaign check re-derives it.
    inv.schema_changes.clear();
    for t in &mut inv.tasks {
        let mut allowed: Vec<Interval> = open
            .iter()
            .filter(|w| domains[t.source].contains(w))
            .map(|&w| Interval::new(c.windows[w].start_minute, c.windows[w].end_minute))
            .collect();
        allowed = merge(allowed);
        if let Some(own) = &t.windows {
            allowed = intersect(&allowed, own);
        }
        if !allowed.iter().any(|a| a.end - a.start >= t.duration) {
            return None;
        }
        t.windows = Some(allowed);
    }
    let mut exact = open.len() < 2 || gap >= longest;
    exact &= !inv.services.iter().any(|s| s.max_downtime.is_some());
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); c.tasks.len()];
    for (r, t) in inv.tasks.iter().enumerate() {
        members[t.source].push(r);
    }
    let unit_of = {
        let mut u = vec![0; c.tasks.len()];
        for (k, list) in units(c).iter().enumerate() {
            for &t in list {
                u[t] = k;
            }
        }
        u
    };
    // An `after` between two file tasks is kept when the campaign orders
    // their windows by it (else it binds only within one window, which the
    // timeline cannot say: left out, the timeline stays a relaxation).
    let sources: Vec<usize> = inv.tasks.iter().map(|t| t.source).collect();
    for t in &mut inv.tasks {
        let s = t.source;
        t.after.retain(|a| {
            let p = sources[a.task];
            p == s || c.tasks[s].after.contains(&p) || c.tasks[s].same_window.contains(&p)
        });
        for a in &t.after {
            if unit_of[sources[a.task]] != unit_of[s] && a.lag > gap {
                exact = false;
            }
        }
    }
    if open.len() >= 2 {
        same_window_stars(c, &mut inv, &members, longest);
        for (s, t) in c.tasks.iter().enumerate() {
            for &p in &t.later_than {
                for &rs in &members[s] {
                    for &rp in &members[p] {
                        inv.tasks[rs].after.push(After {
                            task: rp,
                            lag: longest,
                            max_lag: None,
                        });
                    }
                }
            }
        }
    }
    Some(Timeline { inv, exact })
}

/// Keeps every resolved task of a unit within `longest` of the unit's
/// first one in a topological order (so no cycle of `after` is made).
fn same_window_stars(c: &Campaign, inv: &mut Inventory, members: &[Vec<usize>], longest: Time) {
    let rank = topo_rank(inv);
    for unit in units(c) {
        let all: Vec<usize> = unit
            .iter()
            .flat_map(|&t| members[t].iter().copied())
            .collect();
        let Some(&anchor) = all.iter().min_by_key(|&&r| rank[r]) else {
            continue;
        };
        let d = inv.tasks[anchor].duration;
        for &r in &all {
            if r != anchor {
                inv.tasks[r].after.push(After {
                    task: anchor,
                    lag: -(d + longest),
                    max_lag: Some(longest - d),
                });
            }
        }
    }
}

/// What one timeline's solve said.
enum Answer {
    /// A window per file task.
    Plan(Vec<usize>),
    /// No plan of the timeline (a proof when the timeline is exact).
    None,
    /// Not known in the time given.
    Unknown,
}

/// Stops the solve at its first plan: only feasibility is asked.
struct StopAtFirst(Arc<AtomicBool>);

impl crate::progress::Progress for StopAtFirst {
    fn improved(&self, _makespan: Time, _lower_bound: Time) {
        self.0.store(true, Ordering::Relaxed);
    }
    fn tick(&self, _elapsed: Duration) {}
}

/// Solves the timeline within `limit`; maps a plan's starts to windows.
fn solve_timeline(
    c: &Campaign,
    tl: &Timeline,
    open: &[usize],
    limit: Duration,
    opts: &SolveOptions,
) -> Answer {
    let stop = Arc::new(AtomicBool::new(false));
    let o = SolveOptions {
        time_limit: limit,
        progress: None,
        stop: Some(stop.clone()),
        ..opts.clone()
    };
    let plan = match super::plan_inventory_with(
        &tl.inv,
        &o,
        &crate::model::CompileOptions::default(),
        &StopAtFirst(stop),
        &mut super::Timings::default(),
    ) {
        Ok(p) => p,
        Err(NoPlan::Infeasible(_)) => return Answer::None,
        Err(NoPlan::NotFound(_)) => return Answer::Unknown,
    };
    let index = tl.inv.task_ids();
    let mut at: Vec<Option<usize>> = vec![None; c.tasks.len()];
    for p in &plan.tasks {
        let Some(&r) = index.get(p.id.as_str()) else {
            continue;
        };
        let Some(&w) = open.iter().find(|&&w| {
            c.windows[w].start_minute <= p.start_minute && p.start_minute < c.windows[w].end_minute
        }) else {
            return Answer::Unknown;
        };
        let s = tl.inv.tasks[r].source;
        match at[s] {
            Some(x) if x != w => return Answer::Unknown,
            _ => at[s] = Some(w),
        }
    }
    match at.into_iter().collect::<Option<Vec<_>>>() {
        Some(at) if keeps_the_order(c, &at) => Answer::Plan(at),
        _ => Answer::Unknown,
    }
}

/// Whether an assignment keeps the campaign's order of windows: `after`
/// (earlier or same), `later_window_than` (strictly later), lag chains
/// (same). A timeline that is not exact may break it (a lag below minus the
/// gap): such a plan is not used.
fn keeps_the_order(c: &Campaign, at: &[usize]) -> bool {
    c.tasks.iter().enumerate().all(|(s, t)| {
        t.after.iter().all(|&p| at[p] <= at[s])
            && t.later_than.iter().all(|&p| at[p] < at[s])
            && t.same_window.iter().all(|&p| at[p] == at[s])
    })
}

/// The sets of `k` windows among `n`, in lexicographic order, at most
/// `limit + 1` of them (more: not tractable).
fn subsets(n: usize, k: usize, limit: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if k == 0 || k > n {
        return out;
    }
    let mut s: Vec<usize> = (0..k).collect();
    loop {
        out.push(s.clone());
        if out.len() > limit {
            return out;
        }
        let Some(i) = (0..k).rev().find(|&i| s[i] < n - k + i) else {
            return out;
        };
        s[i] += 1;
        for j in i + 1..k {
            s[j] = s[j - 1] + 1;
        }
    }
}

/// The campaign with only the windows `open` in its tasks' domains.
fn restricted(c: &Campaign, open: &[usize]) -> Campaign {
    let mut only = c.clone();
    for t in &mut only.tasks {
        t.domain.retain(|w| open.contains(w));
    }
    only
}

/// What the caller knows before the one problem: each file task's domain,
/// the bounds, and how to bound a campaign (`refuted(c, k)`: the bounds
/// alone prove no plan of `c` uses at most `k` windows).
pub struct Known<'a> {
    /// Windows each file task may use (fitting alone).
    pub domains: &'a [Vec<usize>],
    /// No plan uses fewer windows.
    pub windows: usize,
    /// No plan ends in an earlier window (index).
    pub last_window: usize,
    /// The bounds of a campaign refute `k` windows.
    pub refuted: &'a dyn Fn(&Campaign, usize) -> bool,
}

/// The candidate sets of open windows for one try: `k` windows (fewest
/// windows), or the first `k` (`last_window`); `None` when too many.
fn candidates(c: &Campaign, k: usize, by_last: bool) -> Option<Vec<Vec<usize>>> {
    if by_last {
        return Some(vec![(0..k).collect()]);
    }
    let all = subsets(c.windows.len(), k, MAX_SUBSETS);
    (all.len() <= MAX_SUBSETS).then_some(all)
}

/// Solves the campaign as one problem per set of open windows, fewest
/// first, within a share of `opts.time_limit` counted from `began`: raises
/// the bounds where every set of `k` windows is proven to hold no plan, and
/// returns the first plan's assignment. `None` when the campaign is too
/// large for it.
pub fn solve_whole(
    c: &Campaign,
    b: &Known,
    opts: &SolveOptions,
    began: Instant,
) -> Option<WholeOutcome> {
    let cells = c.whole.tasks.len().saturating_mul(c.windows.len());
    if cells > MAX_CELLS {
        return None;
    }
    let by_last = c.objective.first() == Some(&CampaignObjective::LastWindow);
    let share = opts.time_limit / TIME_SHARE;
    let mut out = WholeOutcome::default();
    let first = if by_last {
        b.last_window + 1
    } else {
        b.windows
    };
    for k in first..=c.windows.len() {
        let sets = candidates(c, k, by_last)?;
        let mut proven = true;
        let mut tried = 0;
        for (i, open) in sets.iter().enumerate() {
            let left = share.saturating_sub(began.elapsed());
            if left < Duration::from_millis(20) || opts.stop_requested() {
                out.notes.push(format!(
                    "one problem: stopped at its share of the time limit with {k} windows"
                ));
                return Some(out);
            }
            if (b.refuted)(&restricted(c, open), k) {
                continue;
            }
            let Some(tl) = timeline(c, b.domains, open) else {
                continue;
            };
            tried += 1;
            let per = left / u32::try_from(sets.len() - i).unwrap_or(u32::MAX);
            match solve_timeline(c, &tl, open, per, opts) {
                Answer::Plan(at) => {
                    out.notes.push(format!(
                        "one problem: a plan found with the windows {} open",
                        names(c, open)
                    ));
                    out.assignment = Some(at);
                    return Some(out);
                }
                Answer::None => proven &= tl.exact,
                Answer::Unknown => proven = false,
            }
        }
        if proven {
            let words = if by_last {
                out.last_window = k;
                format!("no plan ends by window {}", c.windows[k - 1].id)
            } else {
                out.windows = k + 1;
                format!("no plan uses {k} windows")
            };
            out.why = format!(
                "{words}: each of the {} sets of windows refused by the bounds or proven to hold no plan as one problem ({tried} solved)",
                sets.len()
            );
        }
    }
    Some(out)
}

fn names(c: &Campaign, open: &[usize]) -> String {
    open.iter()
        .map(|&w| c.windows[w].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::inventory::campaign::load_campaign_str;
    use crate::inventory::{Format, Limits};

    /// Two 4 h windows `gap` apart (listed), a cluster task of two members
    /// and a plain one; `extra` appended to the services.
    fn two_windows(second_start: &str, second_end: &str, services: &str) -> Campaign {
        let text = format!(
            "campaign:\n  timezone: UTC\n  windows:\n    - {{ id: a, start: 2027-01-09T20:00, deadline: 2027-01-10T00:00 }}\n    - {{ id: b, start: {second_start}, deadline: {second_end} }}\nteams: [{{ id: ops, capacity: 1 }}]\nsystems: [{{ id: s1 }}, {{ id: s2 }}, {{ id: s3 }}]\nclusters: [{{ id: k, members: [s1, s2], min_available: 1 }}]\n{services}tasks:\n  - {{ id: roll, cluster: k, duration: 30m, team: ops }}\n  - {{ id: other, system: s3, duration: 30m, team: ops }}\n"
        );
        load_campaign_str(&text, Format::Yaml, "t.yaml", &Limits::default())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_timeline_is_exact_only_with_gaps_of_a_window_and_no_max_downtime() {
        let domains = vec![vec![0, 1], vec![0, 1]];
        let weekly = two_windows("2027-01-16T20:00", "2027-01-17T00:00", "");
        let tl = timeline(&weekly, &domains, &[0, 1]).unwrap();
        assert!(tl.exact);
        // The cluster task's second member is kept within 4 h of its first.
        let second = tl.inv.tasks.iter().find(|t| t.id == "roll@s2").unwrap();
        assert!(second
            .after
            .iter()
            .any(|a| a.max_lag == Some(240 - 30) && a.lag == -(30 + 240)));
        // Every task confined to the two windows.
        assert_eq!(
            second.windows.as_deref().map(<[_]>::len),
            Some(2),
            "{:?}",
            second.windows
        );
        // One hour apart: a unit's members could straddle them, not exact.
        let close = two_windows("2027-01-10T01:00", "2027-01-10T05:00", "");
        assert!(!timeline(&close, &domains, &[0, 1]).unwrap().exact);
        // One window open: nothing to straddle.
        assert!(timeline(&close, &domains, &[1]).unwrap().exact);
        // A max_downtime counts over both windows on one timeline.
        let capped = two_windows(
            "2027-01-16T20:00",
            "2027-01-17T00:00",
            "services: [{ id: svc, requires: [s3], max_downtime: 1h }]\n",
        );
        assert!(!timeline(&capped, &domains, &[0, 1]).unwrap().exact);
        // A task with no open window of its domain: no timeline.
        assert!(timeline(&weekly, &[vec![0], vec![1]], &[1]).is_none());
    }

    #[test]
    fn subsets_are_every_k_set_in_order_and_stop_past_the_limit() {
        assert_eq!(
            subsets(4, 2, 100),
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
        assert_eq!(subsets(10, 5, 64).len(), 65);
        assert!(subsets(3, 4, 10).is_empty());
    }
}
