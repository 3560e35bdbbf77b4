//! Where the file tasks a night drops go: each moving unit (a file task
//! with its lag chain), predecessors first, to the first later window of
//! its domain that its predecessors allow and whose plan, with the unit
//! and the successors it drags along, is found; a unit no window takes is
//! left in no window with everything that comes after it.

use super::{set_of, Planned, Replan};
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

    /// Window `v` planned with the file tasks `set` (cached).
    fn plan(&mut self, v: usize, set: Vec<usize>) -> &Planned {
        let key = (v, set);
        if !self.cache.contains_key(&key) {
            let r = match self.c.window_inventory(v, &key.1) {
                Err(e) => Err(crate::error::NoPlan::Infeasible(format!(
                    "its tasks do not make a valid window: {}",
                    e.diagnostics
                        .first()
                        .map_or(String::new(), |d| d.message.clone())
                ))),
                Ok(inv) => crate::pipeline::plan_inventory(&inv, &self.solve).map(|p| (p, inv)),
            };
            self.cache.insert(key.clone(), r);
        }
        &self.cache[&key]
    }

    /// Moves the successors of `start` (just moved) that now sit in an
    /// earlier window than they may, whole with their lag chains, each to
    /// the first window of its domain its predecessors allow; transitively.
    fn drag(
        &self,
        trial: &mut [Option<usize>],
        start: &[usize],
        pending: &BTreeSet<usize>,
    ) -> Result<Vec<(usize, Move)>, String> {
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
                    return Err(format!(
                        "`{}` stays in window {} and comes after it",
                        self.id(s),
                        self.win(ws)
                    ));
                }
                let members = self.members(self.unit[s]);
                let lo = self.earliest(&members, trial);
                let Some(to) = self.domain_of(&members).into_iter().find(|&d| d >= lo) else {
                    return Err(format!(
                        "`{}` must follow it, and no window it may use is as late as that",
                        self.id(s)
                    ));
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

    /// Places the file tasks the night dropped (see the module doc).
    /// First every unit to its first candidate at once, the changed
    /// windows planned once; when one of them fails, unit by unit, each
    /// candidate verified by planning (the cache keeps what was planned).
    pub(super) fn place(
        mut self,
        file_of: &[usize],
        night: &Replan,
        at: Vec<Option<usize>>,
    ) -> Outcome {
        let start = State::new(&self, file_of, night, at);
        let mut all_at_once = start.clone();
        self.run(&mut all_at_once, false);
        let changed: Vec<usize> = (self.w + 1..self.c.windows.len())
            .filter(|&v| {
                let set = set_of(&all_at_once.at, v);
                !set.is_empty() && set != set_of(&self.original, v)
            })
            .collect();
        if changed
            .into_iter()
            .all(|v| self.plan(v, set_of(&all_at_once.at, v)).is_ok())
        {
            return self.finish(all_at_once);
        }
        let mut s = start;
        self.run(&mut s, true);
        self.finish(s)
    }

    /// Places the pending units, predecessors first; `verify`: each
    /// candidate window is planned before it takes a unit.
    fn run(&mut self, s: &mut State, verify: bool) {
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
                None => self.try_place(s, &members, verify),
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

    /// Tries the unit's candidate windows in order; the first whose
    /// changed windows all plan takes it, else it is left in no window.
    fn try_place(&mut self, s: &mut State, members: &[usize], verify: bool) {
        let lo = self.earliest(members, &s.at);
        let domain = self.domain_of(members);
        let candidates: Vec<usize> = domain.iter().copied().filter(|&d| d >= lo).collect();
        if candidates.is_empty() {
            let allowed: Vec<&str> = domain.iter().map(|&d| self.win(d)).collect();
            let reason = if domain.iter().all(|&d| d <= self.w) {
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
            return self.unplace(s, members, reason, true);
        }
        let mut fails = Vec::new();
        let mut proven = true;
        for cand in candidates {
            let mut trial = s.at.clone();
            for &m in members {
                trial[m] = Some(cand);
            }
            let dragged = match self.drag(&mut trial, members, &s.pending) {
                Ok(d) => d,
                Err(why) => {
                    // Later candidates only push the successors later.
                    fails.push(format!("window {}: {why}", self.win(cand)));
                    break;
                }
            };
            let changed: Vec<usize> = (self.w + 1..self.c.windows.len())
                .filter(|&v| set_of(&trial, v) != set_of(&s.at, v) && !set_of(&trial, v).is_empty())
                .collect();
            let mut ok = true;
            for v in changed.into_iter().filter(|_| verify) {
                if let Err(e) = self
                    .plan(v, set_of(&trial, v))
                    .as_ref()
                    .map(|_| ())
                    .map_err(Clone::clone)
                {
                    proven &= matches!(e, crate::error::NoPlan::Infeasible(_));
                    let (crate::error::NoPlan::Infeasible(why)
                    | crate::error::NoPlan::NotFound(why)) = e;
                    fails.push(format!("window {}: {why}", self.win(v)));
                    ok = false;
                    break;
                }
            }
            if ok {
                s.at = trial;
                let passed = if fails.is_empty() {
                    String::new()
                } else {
                    format!("; not an earlier window: {}", fails.join("; "))
                };
                for &m in members {
                    let why = format!(
                        "dropped tonight: {}{passed}",
                        s.drop_reason.get(&m).cloned().unwrap_or_default()
                    );
                    s.moved.entry(m).or_insert((self.w, cand, why)).1 = cand;
                }
                for (m, (from, to, why)) in dragged {
                    s.moved.entry(m).or_insert((from, to, why)).1 = to;
                }
                return;
            }
        }
        let reason = format!("no later window can take it ({})", fails.join("; "));
        self.unplace(s, members, reason, proven);
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
    fn finish(mut self, s: State) -> Outcome {
        let mut plans = HashMap::new();
        let mut failure = None;
        for v in self.w + 1..self.c.windows.len() {
            let set = set_of(&s.at, v);
            if set.is_empty() || set == set_of(&self.original, v) {
                continue;
            }
            match self.plan(v, set).clone() {
                Ok(x) => {
                    plans.insert(v, x);
                }
                Err(e) => {
                    let (crate::error::NoPlan::Infeasible(why)
                    | crate::error::NoPlan::NotFound(why)) = e;
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
