//! Where the file tasks a night drops go: each moving unit (a file task
//! with its lag chain), predecessors first, to the first later window of
//! its domain that its predecessors allow, the successors it must precede
//! dragged along; first fit with cuts (a window with no plan keeps what its
//! team hours hold and passes the rest on), every search a unit of the
//! run's budget. A unit no window takes, or none in time, is left in no
//! window with everything that comes after it.

use super::{set_of, Planned, Replan};
use crate::analysis::budget::Budget;
use crate::error::NoPlan;
use crate::inventory::campaign::Campaign;
use crate::inventory::Inventory;
use crate::plan::campaign::CampaignPlan;
use crate::plan::Plan;
use crate::solve::SolveOptions;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A file task moved: from, to, why.
pub(super) type Move = (usize, usize, String);

/// Where every file task went.
pub(super) struct Outcome {
    /// The new assignment (file task → window; `None`: in no window).
    pub at: Vec<Option<usize>>,
    /// File tasks moved, by file task: from, to, why.
    pub moved: BTreeMap<usize, Move>,
    /// File tasks left unplaced (or only partly run): why, and whether proven.
    pub unplaced: Vec<(usize, String, bool)>,
    /// The plan of every later window whose tasks changed (final sets).
    pub plans: HashMap<usize, (Plan, Inventory)>,
    /// A later window that only lost tasks and found no plan: why.
    pub failure: Option<String>,
}

/// What placing the moved tasks needs of the campaign.
pub(super) struct Ctx<'a> {
    c: &'a Campaign,
    /// The window under way.
    w: usize,
    before: &'a [usize],
    unit: &'a [usize],
    /// The file tasks of each unit, by unit.
    unit_members: HashMap<usize, Vec<usize>>,
    domains: Vec<Vec<usize>>,
    /// Per file task: (successor, strictly later window?).
    succ: Vec<Vec<(usize, bool)>>,
    /// Per file task: (predecessor, strictly later window?).
    preds: Vec<Vec<(usize, bool)>>,
    /// The windows' sets of the plan given.
    original: Vec<Option<usize>>,
    solve: SolveOptions,
    cache: HashMap<(usize, Vec<usize>), Planned>,
    /// Per unit, the earliest window it may take (a window before it had
    /// no plan with it).
    floor: HashMap<usize, usize>,
    /// Per unit, the windows that refused it: why, and whether proven.
    refused: HashMap<usize, Vec<(String, bool)>>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        c: &'a Campaign,
        plan: &CampaignPlan,
        w: usize,
        before: &'a [usize],
        unit: &'a [usize],
        opts: &super::ReplanOptions,
    ) -> Ctx<'a> {
        let n = c.tasks.len();
        let domains = match crate::pipeline::campaign::campaign_bounds(c) {
            Ok(b) => b.domains,
            Err(_) => c.tasks.iter().map(|t| t.domain.clone()).collect(),
        };
        let mut succ = vec![Vec::new(); n];
        let mut preds = vec![Vec::new(); n];
        for (i, t) in c.tasks.iter().enumerate() {
            for (list, later) in [(&t.after, false), (&t.later_than, true)] {
                for &p in list {
                    succ[p].push((i, later));
                    preds[i].push((p, later));
                }
            }
        }
        let mut unit_members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (t, &u) in unit.iter().enumerate() {
            unit_members.entry(u).or_default().push(t);
        }
        Ctx {
            c,
            w,
            before,
            unit,
            unit_members,
            domains,
            succ,
            preds,
            original: super::assignment_of(c, plan),
            solve: SolveOptions {
                progress: None,
                ..opts.solve.clone()
            },
            cache: HashMap::new(),
            floor: HashMap::new(),
            refused: HashMap::new(),
        }
    }

    fn id(&self, t: usize) -> &str {
        &self.c.tasks[t].id
    }

    fn win(&self, w: usize) -> &str {
        &self.c.windows[w].id
    }

    fn members(&self, u: usize) -> Vec<usize> {
        self.unit_members.get(&u).cloned().unwrap_or_default()
    }

    /// The windows every member of a unit may use.
    fn domain_of(&self, members: &[usize]) -> Vec<usize> {
        let mut d = self.domains[members[0]].clone();
        for &m in &members[1..] {
            d.retain(|w| self.domains[m].contains(w));
        }
        d
    }

    /// The earliest window a unit may use: after the window under way, at
    /// or after every predecessor's window (strictly after for
    /// `later_window_than`).
    fn earliest(&self, members: &[usize], at: &[Option<usize>]) -> usize {
        let mut lo = self.w + 1;
        for &m in members {
            for &(p, later) in &self.preds[m] {
                if self.unit[p] == self.unit[m] {
                    continue;
                }
                if let Some(wp) = at[p] {
                    lo = lo.max(wp + usize::from(later));
                }
            }
        }
        lo
    }

    /// Window `v` planned with the file tasks `set` (cached). A set whose
    /// team work exceeds the window's hours is refused before any search
    /// (`pipeline::campaign::overfull`, a proof). With a `budget`, the
    /// search is one of its units and gets at most the time left; `None`
    /// when the budget allows no more searches.
    fn plan_in(&mut self, v: usize, set: Vec<usize>, budget: Option<&Budget>) -> Option<&Planned> {
        let key = (v, set);
        if !self.cache.contains_key(&key) {
            let r = match self.c.window_inventory(v, &key.1) {
                Err(e) => Err(NoPlan::Infeasible(format!(
                    "its tasks do not make a valid window: {}",
                    e.diagnostics
                        .first()
                        .map_or(String::new(), |d| d.message.clone())
                ))),
                Ok(inv) => match crate::pipeline::campaign::overfull(&inv) {
                    Some(why) => Err(NoPlan::Infeasible(why)),
                    None => {
                        let (_unit, solve) = match budget {
                            Some(b) => (Some(b.start()?), b.limit(&self.solve)),
                            None => (None, self.solve.clone()),
                        };
                        crate::pipeline::plan_inventory(&inv, &solve).map(|p| (p, inv))
                    }
                },
            };
            self.cache.insert(key.clone(), r);
        }
        Some(&self.cache[&key])
    }

    /// Window `v` planned with the file tasks `set` (cached), its search
    /// within `limit` (at most `--time-limit`).
    fn plan(&mut self, v: usize, set: Vec<usize>, limit: std::time::Duration) -> Planned {
        let full = self.solve.time_limit;
        self.solve.time_limit = limit.min(full);
        let r = self
            .plan_in(v, set, None)
            .cloned()
            .unwrap_or_else(|| Err(NoPlan::NotFound("not planned".into())));
        self.solve.time_limit = full;
        r
    }

    /// Moves the successors of `start` (just moved) that now sit in an
    /// earlier window than they may, whole with their lag chains, each to
    /// the first window of its domain its predecessors and its floor
    /// allow; transitively. Fails with why and whether that is proven.
    fn drag(
        &self,
        trial: &mut [Option<usize>],
        start: &[usize],
        pending: &BTreeSet<usize>,
    ) -> Result<Vec<(usize, Move)>, (String, bool)> {
        let mut out = Vec::new();
        let mut queue = start.to_vec();
        while let Some(p) = queue.pop() {
            let Some(wp) = trial[p] else { continue };
            for &(s, later) in &self.succ[p] {
                if self.unit[s] == self.unit[p] || pending.contains(&self.unit[s]) {
                    continue;
                }
                let Some(ws) = trial[s] else { continue };
                if ws >= wp + usize::from(later) {
                    continue;
                }
                if ws == self.w {
                    return Err((
                        format!(
                            "`{}` stays in window {} and comes after it",
                            self.id(s),
                            self.win(ws)
                        ),
                        true,
                    ));
                }
                let members = self.members(self.unit[s]);
                let lo = self.earliest(&members, trial);
                let floor = self.floor.get(&self.unit[s]).copied().unwrap_or(0);
                let Some(to) = self
                    .domain_of(&members)
                    .into_iter()
                    .find(|&d| d >= lo.max(floor))
                else {
                    return Err(if floor > lo {
                        (
                            format!(
                                "`{}` must follow it, and no window it may use from window {} on took it",
                                self.id(s),
                                self.c.windows.get(lo).map_or("(none)", |x| x.id.as_str())
                            ),
                            false,
                        )
                    } else {
                        (
                            format!(
                                "`{}` must follow it, and no window it may use is as late as that",
                                self.id(s)
                            ),
                            true,
                        )
                    });
                };
                for m in members {
                    let from = trial[m].unwrap_or(to);
                    trial[m] = Some(to);
                    let why = format!(
                        "follows `{}`, which moved to window {}",
                        self.id(p),
                        self.win(wp)
                    );
                    out.push((m, (from, to, why)));
                    queue.push(m);
                }
            }
        }
        Ok(out)
    }

    /// Places the file tasks the night dropped (see the module doc): first
    /// fit with cuts. Every moving unit goes to its first candidate at
    /// once (successors dragged) and the changed windows are planned in
    /// order; the first that has no plan keeps the first half of the units
    /// moved into it that its team hours hold (in placement order, so
    /// predecessors stay; half of them when the hours hold them all) and
    /// the rest get it as a floor and move on, the whole placement done again
    /// (windows before it keep their sets, their plans cached). Each
    /// window is so planned a few times (the halvings), not once per unit
    /// and candidate. Every search is a unit of `budget`; when it allows
    /// no more, the units moved into windows not yet planned are left in
    /// no window, not proven.
    pub(super) fn place(
        mut self,
        file_of: &[usize],
        night: &Replan,
        at: Vec<Option<usize>>,
        budget: &Budget,
    ) -> Outcome {
        let start = State::new(&self, file_of, night, at);
        loop {
            let mut s = start.clone();
            self.run(&mut s);
            let changed: Vec<usize> = (self.w + 1..self.c.windows.len())
                .filter(|&v| {
                    let set = set_of(&s.at, v);
                    !set.is_empty() && set != set_of(&self.original, v)
                })
                .collect();
            // Each changed window's search gets a share of the time left
            // (half of it over the windows to plan), so that a round leaves
            // room for the cuts after it; at most `--time-limit`.
            let full = self.solve.time_limit;
            if let Some(left) = budget.remaining() {
                let n = u32::try_from(changed.len().max(1)).unwrap_or(u32::MAX);
                self.solve.time_limit = full.min(left / 2 / n);
            }
            let mut failed = None;
            let mut no_time = None;
            for v in changed {
                match self.plan_in(v, set_of(&s.at, v), Some(budget)) {
                    None => {
                        no_time = Some(v);
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        failed = Some((v, e.clone()));
                        break;
                    }
                }
            }
            self.solve.time_limit = full;
            if let Some(v) = no_time {
                self.out_of_time(&mut s, v);
                return self.finish(s);
            }
            let Some((v, e)) = failed else {
                return self.finish(s);
            };
            if !self.cut(&s, v, &e) {
                return self.finish(s);
            }
        }
    }

    /// The units moved (placed or dragged) into window `v`, in the order
    /// they were placed.
    fn moved_into(&self, s: &State, v: usize) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        s.order
            .iter()
            .copied()
            .filter(|&u| seen.insert(u))
            .filter(|&u| self.members(u).first().is_some_and(|&m| s.at[m] == Some(v)))
            .collect()
    }

    /// Whether window `v` with `set` less the units `out` has the team
    /// hours for its work (`pipeline::campaign::overfull` finds none
    /// short), so that a search may find its plan.
    fn room_for(&self, v: usize, set: &[usize], out: &[usize]) -> bool {
        let gone: BTreeSet<usize> = out.iter().flat_map(|&u| self.members(u)).collect();
        let rest: Vec<usize> = set.iter().copied().filter(|t| !gone.contains(t)).collect();
        self.c
            .window_inventory(v, &rest)
            .is_ok_and(|inv| crate::pipeline::campaign::overfull(&inv).is_none())
    }

    /// How many of `movers` (the units moved into window `v`, which has no
    /// plan with them all) it keeps: the most, in order, its team hours
    /// hold (by binary search); when they hold them all, half.
    fn keep_of(&self, s: &State, v: usize, movers: &[usize]) -> usize {
        let set = set_of(&s.at, v);
        if self.room_for(v, &set, &[]) {
            return movers.len() / 2;
        }
        // Invariant: `lo` movers fit the hours (or lo = 0); `hi` do not.
        let (mut lo, mut hi) = (0, movers.len());
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if self.room_for(v, &set, &movers[mid..]) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Window `v` has no plan with what moved into it: the units past the
    /// ones it keeps ([`Self::keep_of`]) get `v + 1` as their floor, with
    /// why. False when nothing moved into it (it only lost tasks).
    fn cut(&mut self, s: &State, v: usize, e: &NoPlan) -> bool {
        let movers = self.moved_into(s, v);
        if movers.is_empty() {
            return false;
        }
        let keep = self.keep_of(s, v, &movers);
        let (NoPlan::Infeasible(why) | NoPlan::NotFound(why)) = e;
        // A refusal proves something of a unit only when it moved in alone.
        let (text, proven) = if movers.len() == 1 {
            (
                format!("window {}: {why}", self.win(v)),
                matches!(e, NoPlan::Infeasible(_)),
            )
        } else {
            (
                format!(
                    "window {}: no plan with {} changes moved into it ({why}); it kept the first {keep}",
                    self.win(v),
                    movers.len(),
                ),
                false,
            )
        };
        for &u in &movers[keep..] {
            self.floor.insert(u, v + 1);
            self.refused
                .entry(u)
                .or_default()
                .push((text.clone(), proven));
        }
        true
    }

    /// The budget allows no more searches at window `v`: every unit moved
    /// into `v` or a later window is left in no window, not proven.
    fn out_of_time(&self, s: &mut State, v: usize) {
        let mut seen = BTreeSet::new();
        let late: Vec<(usize, usize)> = s
            .order
            .iter()
            .copied()
            .filter(|&u| seen.insert(u))
            .filter_map(|u| {
                let m = *self.members(u).first()?;
                s.at[m].filter(|&x| x >= v).map(|x| (u, x))
            })
            .collect();
        for (u, x) in late {
            let members = self.members(u);
            if members.iter().any(|&m| s.at[m].is_none()) {
                continue;
            }
            let reason = format!(
                "not placed in time: the time limit ran out before window {} was planned with it (no window is proven unable to take it; try a longer --time-limit)",
                self.win(x)
            );
            self.unplace(s, &members, reason, false);
        }
    }

    /// Places the pending units, predecessors first, each in its first
    /// candidate window (at or after its floor).
    fn run(&mut self, s: &mut State) {
        loop {
            let next = s.pending.iter().copied().find(|&u| {
                self.members(u).iter().all(|&m| {
                    self.preds[m]
                        .iter()
                        .all(|&(p, _)| self.unit[p] == u || !s.pending.contains(&self.unit[p]))
                })
            });
            let Some(u) = next else { break };
            s.pending.remove(&u);
            let members = self.members(u);
            let blocker = members.iter().find_map(|&m| {
                self.preds[m]
                    .iter()
                    .find_map(|&(p, _)| s.incomplete.get(&p).map(|why| (p, why.clone())))
            });
            match blocker {
                Some((p, why)) => {
                    let reason = format!("comes after `{}`, which {why}", self.id(p));
                    self.unplace(s, &members, reason, true);
                }
                None => self.try_place(s, u, &members),
            }
        }
        // A cycle cannot remain (the campaign's order has none); be safe.
        for u in std::mem::take(&mut s.pending) {
            let members = self.members(u);
            self.unplace(
                s,
                &members,
                "its predecessors could not be ordered".into(),
                false,
            );
        }
    }

    /// Puts unit `u` in its first candidate window (its domain, after the
    /// window under way, its predecessors' windows and its floor),
    /// dragging its successors; none: it is left in no window.
    fn try_place(&mut self, s: &mut State, u: usize, members: &[usize]) {
        let floor = self.floor.get(&u).copied().unwrap_or(0);
        let lo = self.earliest(members, &s.at);
        let domain = self.domain_of(members);
        let refused = self.refused.get(&u).cloned().unwrap_or_default();
        let refusals: Vec<&str> = refused.iter().map(|r| r.0.as_str()).collect();
        let all_proven = refused.iter().all(|r| r.1);
        let Some(cand) = domain.iter().copied().find(|&d| d >= lo.max(floor)) else {
            let allowed: Vec<&str> = domain.iter().map(|&d| self.win(d)).collect();
            let reason = if !refused.is_empty() {
                format!("no later window can take it ({})", refusals.join("; "))
            } else if domain.iter().all(|&d| d <= self.w) {
                format!(
                    "no later window can take it: it may use only {}",
                    allowed.join(", ")
                )
            } else {
                format!(
                    "no later window can take it: what it follows puts it in window {} or later, past every window it may use ({})",
                    self.c.windows.get(lo).map_or("(none)", |x| x.id.as_str()),
                    allowed.join(", ")
                )
            };
            return self.unplace(s, members, reason, all_proven);
        };
        let mut trial = s.at.clone();
        for &m in members {
            trial[m] = Some(cand);
        }
        match self.drag(&mut trial, members, &s.pending) {
            Err((why, proven)) => {
                let mut fails = refusals.clone();
                let this = format!("window {}: {why}", self.win(cand));
                fails.push(&this);
                let reason = format!("no later window can take it ({})", fails.join("; "));
                self.unplace(s, members, reason, proven && all_proven);
            }
            Ok(dragged) => {
                s.at = trial;
                s.order.push(u);
                let passed = if refused.is_empty() {
                    String::new()
                } else {
                    format!("; not an earlier window: {}", refusals.join("; "))
                };
                for &m in members {
                    let why = format!(
                        "dropped tonight: {}{passed}",
                        s.drop_reason.get(&m).cloned().unwrap_or_default()
                    );
                    s.moved.entry(m).or_insert((self.w, cand, why)).1 = cand;
                }
                for (m, (from, to, why)) in dragged {
                    s.order.push(self.unit[m]);
                    s.moved.entry(m).or_insert((from, to, why)).1 = to;
                }
            }
        }
    }

    /// Leaves `members` in no window, and everything after them in a later
    /// window with them.
    fn unplace(&self, s: &mut State, members: &[usize], reason: String, proven: bool) {
        for &m in members {
            s.at[m] = None;
            s.moved.remove(&m);
            s.incomplete.insert(m, "no window takes".to_string());
            s.unplaced.push((m, reason.clone(), proven));
        }
        let mut stack = members.to_vec();
        while let Some(p) = stack.pop() {
            for &(x, _) in &self.succ[p] {
                if s.at[x].is_some_and(|wx| wx > self.w) {
                    for m in self.members(self.unit[x]) {
                        s.at[m] = None;
                        s.moved.remove(&m);
                        s.incomplete.insert(m, "no window takes".to_string());
                        s.unplaced.push((
                            m,
                            format!("comes after `{}`, which no window takes", self.id(p)),
                            proven,
                        ));
                        stack.push(m);
                    }
                }
            }
        }
    }

    /// The plans of every later window whose tasks changed.
    /// Those not planned yet (windows that only lost tasks) share one
    /// `--time-limit`, past the budget: the stated margin.
    fn finish(mut self, s: State) -> Outcome {
        let mut plans = HashMap::new();
        let mut failure = None;
        let changed: Vec<(usize, Vec<usize>)> = (self.w + 1..self.c.windows.len())
            .map(|v| (v, set_of(&s.at, v)))
            .filter(|(v, set)| !set.is_empty() && *set != set_of(&self.original, *v))
            .collect();
        let unplanned = changed
            .iter()
            .filter(|(v, set)| !self.cache.contains_key(&(*v, set.clone())))
            .count();
        let share = self.solve.time_limit / u32::try_from(unplanned.max(1)).unwrap_or(u32::MAX);
        for (v, set) in changed {
            match self.plan(v, set, share) {
                Ok(x) => {
                    plans.insert(v, x);
                }
                Err(e) => {
                    let (NoPlan::Infeasible(why) | NoPlan::NotFound(why)) = e;
                    failure.get_or_insert(format!(
                        "window {} lost tasks to the re-plan and no plan of what it keeps was found: {why}",
                        self.win(v)
                    ));
                }
            }
        }
        Outcome {
            at: s.at,
            moved: s.moved,
            unplaced: s.unplaced,
            plans,
            failure,
        }
    }
}

/// The placement under way.
#[derive(Clone)]
struct State {
    at: Vec<Option<usize>>,
    /// Moving units not placed yet.
    pending: BTreeSet<usize>,
    /// File tasks that did not (or will not) run whole, and why, in words
    /// after "which": what comes after them cannot run.
    incomplete: HashMap<usize, String>,
    /// Why each file task was dropped tonight (its first dropped activity's reason).
    drop_reason: HashMap<usize, String>,
    moved: BTreeMap<usize, Move>,
    unplaced: Vec<(usize, String, bool)>,
    /// Units placed or dragged, in that order (a unit may repeat).
    order: Vec<usize>,
}

impl State {
    /// The night's outcome per file task: moving units pending, partly run
    /// ones and backed-out ones incomplete (what follows them in later
    /// windows left in no window).
    fn new(ctx: &Ctx, file_of: &[usize], night: &Replan, mut at: Vec<Option<usize>>) -> State {
        let n = ctx.c.tasks.len();
        let (mut kept, mut dropped, mut backed_out) =
            (vec![false; n], vec![false; n], vec![false; n]);
        for e in &night.entries {
            kept[file_of[e.task]] = true;
            backed_out[file_of[e.task]] |= e.state == super::State::Backout;
        }
        let mut drop_reason = HashMap::new();
        for d in &night.dropped {
            let f = file_of[d.task];
            dropped[f] = true;
            drop_reason.entry(f).or_insert_with(|| d.reason.clone());
        }
        // Tasks an earlier re-plan left in no window: what follows them waits.
        let mut incomplete: HashMap<usize, String> = HashMap::new();
        for (t, w) in at.iter().enumerate() {
            if w.is_none() && !ctx.before.contains(&t) {
                incomplete.insert(t, "is in no window (an earlier re-plan left it out)".into());
            }
        }
        for &t in ctx.before {
            at[t] = Some(ctx.w);
        }
        let mut s = State {
            at,
            pending: BTreeSet::new(),
            incomplete,
            drop_reason,
            moved: BTreeMap::new(),
            unplaced: Vec::new(),
            order: Vec::new(),
        };
        let units: BTreeSet<usize> = ctx.before.iter().map(|&t| ctx.unit[t]).collect();
        for u in units {
            let members = ctx.members(u);
            if !members.iter().any(|&m| dropped[m]) {
                continue;
            }
            if members.iter().all(|&m| dropped[m] && !kept[m]) {
                for &m in &members {
                    s.at[m] = None;
                }
                s.pending.insert(u);
                continue;
            }
            // Something of the unit ran: what was dropped cannot move.
            for &m in members.iter().filter(|&&m| dropped[m]) {
                let why = if kept[m] {
                    format!("only partly run tonight (the rest is dropped: {}); a task runs whole in one window, so the rest cannot move", s.drop_reason[&m])
                } else {
                    s.at[m] = None;
                    "its lag chain ran partly tonight; a lag chain runs in one window, so it cannot move".to_string()
                };
                s.unplaced.push((m, why, true));
                s.incomplete.insert(m, "is not run whole tonight".into());
            }
        }
        for (t, &b) in backed_out.iter().enumerate() {
            if b {
                s.incomplete
                    .insert(t, "was backed out tonight (it is not planned again)".into());
            }
        }
        // What comes after an incomplete task in a later window cannot run.
        let roots: Vec<usize> = s.incomplete.keys().copied().collect();
        for r in roots {
            let why = s.incomplete[&r].clone();
            let mut stack = vec![r];
            while let Some(p) = stack.pop() {
                for &(x, _) in &ctx.succ[p] {
                    if s.at[x].is_some_and(|wx| wx > ctx.w) {
                        for m in ctx.members(ctx.unit[x]) {
                            s.at[m] = None;
                            s.incomplete.insert(m, "no window takes".into());
                            s.unplaced.push((
                                m,
                                format!("comes after `{}`, which {why}", ctx.id(r)),
                                true,
                            ));
                            stack.push(m);
                        }
                    }
                }
            }
        }
        s
    }
}
