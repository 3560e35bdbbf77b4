//! Strongly connected components of the time-lag graph: activities tied
//! together by a cycle of minimum and maximum lags, which can only move
//! together. Each such component, taken alone (its activities, the lags
//! among them, the largest capacity of every resource, the exclusion pairs
//! among them, no intervals and no deadline), is a relaxation of the whole
//! problem: no arrangement of the component means no schedule at all. This
//! is where RCPSP/max infeasibility lives, and a component is far smaller
//! than the problem, so it is refuted far sooner.
//!
//! - `refute_cheaply`: the component's distance matrix (Floyd–Warshall)
//!   with the pairs that cannot overlap (together above a capacity, or on
//!   two sides of an exclusion) ordered where only one order fits the
//!   lags, to a fixpoint, and the parts each activity must run relative to
//!   another's start summed per resource. Polynomial; run by `analyse`.
//! - `refute_exactly`: the exact engine on each component alone, whose
//!   search range ends at the component's own proof horizon.
//! - `compose`: where nothing depends on time, one schedule per component
//!   laid one after another in the order of the lags between components
//!   is a schedule of the whole problem (only minimum lags run between
//!   components, and nothing else overlaps).

use super::exact::{self, ExactResult, Link};
use crate::model::{Exclusion, Precedence, Problem, Resource, Time};
use petgraph::graph::DiGraph;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Components larger than this are left to the search (the distance
/// matrix is cubic in their size).
const CHEAP_MAX: usize = 400;
/// No path in the distance matrix.
const NO_PATH: Time = Time::MIN / 4;

/// The components of two or more activities, each sorted, smallest first.
pub(crate) fn components(problem: &Problem) -> Vec<Vec<usize>> {
    let n = problem.activities.len();
    let mut g = DiGraph::<(), ()>::with_capacity(n, problem.precedences.len());
    let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
    for p in &problem.precedences {
        if p.from < n && p.to < n {
            g.add_edge(nodes[p.from], nodes[p.to], ());
        }
    }
    let mut out: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut v: Vec<usize> = c.into_iter().map(|x| x.index()).collect();
            v.sort_unstable();
            v
        })
        .collect();
    out.sort_by_key(|c| (c.len(), c[0]));
    out
}

/// The component alone, re-indexed in `members` order, with `extra` arcs
/// (implied orders, in the problem's indices) added: a relaxation of the
/// problem (see the module docs).
pub(crate) fn relaxation(problem: &Problem, members: &[usize], extra: &[Precedence]) -> Problem {
    let mut index = vec![usize::MAX; problem.activities.len()];
    for (k, &m) in members.iter().enumerate() {
        index[m] = k;
    }
    let inside = |p: &Precedence| index[p.from] != usize::MAX && index[p.to] != usize::MAX;
    let activities = members
        .iter()
        .map(|&m| {
            let a = &problem.activities[m];
            let mut b = crate::model::Activity::new(a.name.clone(), a.duration);
            b.demands = a.demands.clone();
            b
        })
        .collect();
    let precedences = problem
        .precedences
        .iter()
        .chain(extra)
        .filter(|p| inside(p))
        .map(|p| Precedence {
            from: index[p.from],
            to: index[p.to],
            lag: p.lag,
        })
        .collect();
    let resources = problem
        .resources
        .iter()
        .map(|r| Resource::constant(r.name.clone(), r.max_capacity()))
        .collect();
    let exclusions = problem
        .exclusions
        .iter()
        .map(|e| Exclusion {
            name: e.name.clone(),
            sides: e
                .sides
                .iter()
                .map(|s| {
                    s.iter()
                        .filter(|&&i| index[i] != usize::MAX)
                        .map(|&i| index[i])
                        .collect()
                })
                .collect(),
        })
        .collect();
    Problem {
        name: format!("{} (component)", problem.name),
        activities,
        precedences,
        resources,
        exclusions,
        ..Problem::default()
    }
}

/// Least start-to-start distances within a component: `d[a * k + b]` is the
/// least `S[b] − S[a]` that the lags among the members force (`NO_PATH`
/// where they force nothing). `None`: a positive cycle.
struct Distances {
    k: usize,
    d: Vec<Time>,
}

impl Distances {
    fn new(problem: &Problem, members: &[usize], index: &[usize]) -> Option<Distances> {
        let k = members.len();
        let mut d = vec![NO_PATH; k * k];
        for a in 0..k {
            d[a * k + a] = 0;
        }
        for p in &problem.precedences {
            let (a, b) = (index[p.from], index[p.to]);
            if a != usize::MAX && b != usize::MAX {
                d[a * k + b] = d[a * k + b].max(p.lag);
            }
        }
        for m in 0..k {
            for a in 0..k {
                let am = d[a * k + m];
                if am == NO_PATH {
                    continue;
                }
                for b in 0..k {
                    let mb = d[m * k + b];
                    if mb != NO_PATH && am + mb > d[a * k + b] {
                        d[a * k + b] = am + mb;
                    }
                }
            }
        }
        let dist = Distances { k, d };
        (0..k).all(|a| dist.get(a, a) <= 0).then_some(dist)
    }

    fn get(&self, a: usize, b: usize) -> Time {
        self.d[a * self.k + b]
    }

    /// Adds `S[b] − S[a] ≥ lag` and closes the matrix again (quadratic).
    fn add(&mut self, a: usize, b: usize, lag: Time) {
        let k = self.k;
        for x in 0..k {
            let xa = self.d[x * k + a];
            if xa == NO_PATH {
                continue;
            }
            for y in 0..k {
                let by = self.d[b * k + y];
                if by != NO_PATH && xa + lag + by > self.d[x * k + y] {
                    self.d[x * k + y] = xa + lag + by;
                }
            }
        }
    }
}

/// Refutes a component in polynomial time, or returns the orders it
/// implied (in the problem's indices, for the exact engine's model): those
/// of pairs that may not overlap where the lags leave only one order.
/// `Err`: proven, no schedule exists, in words.
pub(crate) fn refute_cheaply(
    problem: &Problem,
    members: &[usize],
) -> Result<Vec<Precedence>, String> {
    let mut implied = Vec::new();
    if members.len() > CHEAP_MAX {
        return Ok(implied);
    }
    let mut index = vec![usize::MAX; problem.activities.len()];
    for (k, &m) in members.iter().enumerate() {
        index[m] = k;
    }
    let Some(mut dist) = Distances::new(problem, members, &index) else {
        // contradictory lags are reported, with the cycle, elsewhere
        return Ok(implied);
    };
    let pairs = disjoint_pairs(problem, members, &index);
    let dur = |a: usize| problem.activities[members[a]].duration;
    let mut open: Vec<(usize, usize, String)> = pairs;
    loop {
        let mut changed = false;
        let mut still = Vec::with_capacity(open.len());
        for (a, b, why) in open {
            // a before b: S[b] − S[a] ≥ d[a]; fits unless b must start
            // earlier relative to a than that
            let a_first = dur(a) + dist.get(b, a) <= 0;
            let b_first = dur(b) + dist.get(a, b) <= 0;
            match (a_first, b_first) {
                (false, false) => {
                    return Err(pair_reason(problem, members, &dist, (a, b), &why));
                }
                (true, false) => {
                    dist.add(a, b, dur(a));
                    implied.push(order(members, a, b, dur(a)));
                    changed = true;
                }
                (false, true) => {
                    dist.add(b, a, dur(b));
                    implied.push(order(members, b, a, dur(b)));
                    changed = true;
                }
                (true, true) => still.push((a, b, why)),
            }
        }
        open = still;
        if !changed {
            break;
        }
    }
    compulsory_parts(problem, members, &dist)?;
    Ok(implied)
}

fn order(members: &[usize], a: usize, b: usize, lag: Time) -> Precedence {
    Precedence {
        from: members[a],
        to: members[b],
        lag,
    }
}

/// Pairs of members (component indices) of positive duration that may
/// never overlap, with the reason in words.
fn disjoint_pairs(
    problem: &Problem,
    members: &[usize],
    index: &[usize],
) -> Vec<(usize, usize, String)> {
    let acts = &problem.activities;
    let k = members.len();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in 0..k {
        for b in a + 1..k {
            let (x, y) = (&acts[members[a]], &acts[members[b]]);
            if x.duration <= 0 || y.duration <= 0 {
                continue;
            }
            let over = x.demands.iter().find_map(|dx| {
                let need: i64 = dx.amount
                    + y.demands
                        .iter()
                        .filter(|dy| dy.resource == dx.resource)
                        .map(|dy| dy.amount)
                        .sum::<i64>();
                let r = &problem.resources[dx.resource];
                (need > r.max_capacity()).then(|| {
                    format!(
                        "together they need {need} of {}, whose capacity is {}",
                        r.name,
                        r.max_capacity()
                    )
                })
            });
            if let Some(why) = over {
                seen.insert((a, b));
                out.push((a, b, why));
            }
        }
    }
    for (i, j) in problem.exclusion_pairs() {
        let (a, b) = (index[i].min(index[j]), index[i].max(index[j]));
        if index[i] != usize::MAX && index[j] != usize::MAX && seen.insert((a, b)) {
            let name = exclusion_name(&problem.exclusions, i, j);
            out.push((a, b, format!("{name} keeps them apart")));
        }
    }
    out
}

fn exclusion_name(exclusions: &[Exclusion], i: usize, j: usize) -> String {
    exclusions
        .iter()
        .find(|e| {
            let side = |x: usize| e.sides.iter().position(|s| s.contains(&x));
            matches!((side(i), side(j)), (Some(a), Some(b)) if a != b)
        })
        .map_or_else(|| "an exclusion".to_string(), |e| e.name.clone())
}

fn pair_reason(
    problem: &Problem,
    members: &[usize],
    dist: &Distances,
    (a, b): (usize, usize),
    why: &str,
) -> String {
    let name = |x: usize| &problem.activities[members[x]].name;
    let range = |lo: Time, hi: Time| match hi {
        NO_PATH => format!("at least {lo}"),
        h => format!("between {lo} and {}", -h),
    };
    format!(
        "activities {} and {} may not overlap ({why}), but the time lags that tie them together \
         (a cycle of minimum and maximum lags) make {} start {} minutes after {} starts, \
         which leaves no room for either to finish before the other starts",
        name(a),
        name(b),
        name(b),
        range(dist.get(a, b), dist.get(b, a)),
        name(a),
    )
}

/// Relative to each member's start, the minutes every other member must be
/// running (its latest relative start to its earliest relative end), summed
/// per resource: above the capacity, no schedule exists.
fn compulsory_parts(problem: &Problem, members: &[usize], dist: &Distances) -> Result<(), String> {
    let acts = &problem.activities;
    let k = members.len();
    for anchor in 0..k {
        // (time, resource, change, member)
        let mut events: Vec<(Time, usize, i64, usize)> = Vec::new();
        for b in 0..k {
            let (lo, back) = (dist.get(anchor, b), dist.get(b, anchor));
            if back == NO_PATH || lo == NO_PATH {
                continue;
            }
            let (from, to) = (-back, lo + acts[members[b]].duration);
            if from >= to {
                continue;
            }
            for d in &acts[members[b]].demands {
                events.push((from, d.resource, d.amount, b));
                events.push((to, d.resource, -d.amount, b));
            }
        }
        // ends before starts at the same minute
        events.sort_by_key(|&(t, r, c, _)| (r, t, c));
        let mut level = 0i64;
        let mut current = usize::MAX;
        for (i, &(t, r, c, _)) in events.iter().enumerate() {
            if r != current {
                current = r;
                level = 0;
            }
            level += c;
            let cap = problem.resources[r].max_capacity();
            if c > 0 && level > cap {
                let running: Vec<&str> = events[..=i]
                    .iter()
                    .filter(|e| e.1 == r && e.0 <= t)
                    .filter(|e| {
                        e.2 > 0
                            && !events[..=i]
                                .iter()
                                .any(|f| f.1 == r && f.3 == e.3 && f.2 < 0 && f.0 <= t)
                    })
                    .map(|e| acts[members[e.3]].name.as_str())
                    .collect();
                return Err(format!(
                    "the time lags that tie activities {} together (a cycle of minimum and maximum lags) \
                     make them all run {} minutes after {} starts, needing {level} of {}, whose capacity is {cap}",
                    running.join(", "),
                    t,
                    acts[members[anchor]].name,
                    problem.resources[r].name,
                ));
            }
        }
    }
    Ok(())
}

/// The engine's view of a component search: the caller's stop, and a stop
/// once a schedule of the component is found (that refutes nothing) or a
/// schedule of the whole problem is known elsewhere.
struct Probe<'a> {
    outer: &'a dyn Link,
    found: AtomicBool,
}

impl Link for Probe<'_> {
    fn stop(&self) -> bool {
        self.found.load(Ordering::Relaxed) || self.outer.stop() || self.outer.upper() < Time::MAX
    }
    fn found(&self, _starts: &[Time]) {
        self.found.store(true, Ordering::Relaxed);
    }
}

/// What the exact search on the components established.
pub(crate) enum Refutation {
    /// Proven: no schedule exists, in words.
    Infeasible(String),
    /// A schedule of every component (component start times, in
    /// `components` order), or `None` where the time ran out first.
    Arranged(Vec<Option<Vec<Time>>>),
}

/// The exact engine on each component alone, smallest first, each with an
/// equal share of what is left of `budget`. Stops at once when a schedule
/// of the whole problem is known through `link`.
pub(crate) fn refute_exactly(
    problem: &Problem,
    components: &[Vec<usize>],
    budget: Duration,
    link: &dyn Link,
) -> Refutation {
    let started = super::clock::now();
    let mut arranged = Vec::with_capacity(components.len());
    for (i, members) in components.iter().enumerate() {
        let left = budget.saturating_sub(super::clock::elapsed(started));
        if left.is_zero() || link.stop() || link.upper() < Time::MAX {
            arranged.push(None);
            continue;
        }
        let implied = match refute_cheaply(problem, members) {
            Ok(implied) => implied,
            Err(why) => return Refutation::Infeasible(why),
        };
        let sub = relaxation(problem, members, &implied);
        let share = left / (components.len() - i) as u32;
        let probe = Probe {
            outer: link,
            found: AtomicBool::new(false),
        };
        let tuning = exact::ExactOptions::for_problem(&sub, true);
        match exact::solve_exact_with(&sub, None, 0, share, &tuning, &probe) {
            ExactResult::Infeasible(_) => {
                return Refutation::Infeasible(component_reason(problem, members))
            }
            r => arranged.push(r.starts().map(<[Time]>::to_vec)),
        }
    }
    Refutation::Arranged(arranged)
}

fn component_reason(problem: &Problem, members: &[usize]) -> String {
    let names: Vec<&str> = members
        .iter()
        .take(8)
        .map(|&m| problem.activities[m].name.as_str())
        .collect();
    let more = match members.len() {
        n if n > 8 => format!(" and {} more", n - 8),
        _ => String::new(),
    };
    format!(
        "activities {}{more} are tied together by minimum and maximum time lags, and no arrangement \
         of them fits the resource capacities (exact search on these {} activities alone)",
        names.join(", "),
        members.len()
    )
}

/// A schedule of the whole problem from one schedule per component (see
/// the module docs): `None` unless nothing depends on time (constant
/// capacities, no intervals, one release, no deadline) and every component
/// is arranged. Verified by the caller.
pub(crate) fn compose(
    problem: &Problem,
    components: &[Vec<usize>],
    arranged: &[Option<Vec<Time>>],
) -> Option<Vec<Time>> {
    if problem.deadline.is_some() || super::temporal::proof_horizon(problem).is_none() {
        return None;
    }
    let n = problem.activities.len();
    // each activity's component, and its start relative to the component
    let mut comp = vec![usize::MAX; n];
    let mut offset = vec![0; n];
    for (c, (members, starts)) in components.iter().zip(arranged).enumerate() {
        let starts = starts.as_ref()?;
        for (&m, &s) in members.iter().zip(starts) {
            comp[m] = c;
            offset[m] = s;
        }
    }
    // the condensation in topological order: Tarjan lists components in
    // reverse topological order
    let mut g = DiGraph::<(), ()>::with_capacity(n, problem.precedences.len());
    let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
    for p in &problem.precedences {
        g.add_edge(nodes[p.from], nodes[p.to], ());
    }
    let order = petgraph::algo::tarjan_scc(&g);
    let release = problem.activities.first().map_or(0, |a| a.release).max(0);
    let mut starts = vec![Time::MIN; n];
    let mut end = release;
    let mut incoming: Vec<Vec<&Precedence>> = vec![Vec::new(); n];
    for p in &problem.precedences {
        incoming[p.to].push(p);
    }
    for group in order.into_iter().rev() {
        let members: Vec<usize> = group.into_iter().map(|x| x.index()).collect();
        let rel = |m: usize| if comp[m] == usize::MAX { 0 } else { offset[m] };
        let first = members.iter().map(|&m| rel(m)).min().unwrap_or(0);
        // the component starts after everything placed so far ends, and
        // late enough for every lag from earlier components
        let mut base = end - first;
        for &m in &members {
            for p in &incoming[m] {
                if starts[p.from] != Time::MIN && !members.contains(&p.from) {
                    base = base.max(starts[p.from] + p.lag - rel(m));
                }
            }
        }
        for &m in &members {
            starts[m] = base + rel(m);
            end = end.max(starts[m] + problem.activities[m].duration);
        }
    }
    Some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Demand};
    use crate::solve::exact::Alone;

    fn act(p: &mut Problem, name: &str, d: Time, need: &[(usize, i64)]) -> usize {
        let mut a = Activity::new(name, d);
        a.demands = need
            .iter()
            .map(|&(resource, amount)| Demand { resource, amount })
            .collect();
        p.activities.push(a);
        p.activities.len() - 1
    }

    fn lag(p: &mut Problem, from: usize, to: usize, lag: Time) {
        p.precedences.push(Precedence { from, to, lag });
    }

    /// `a` and `b` (duration 5, each needing the whole resource) must start
    /// within 3 minutes of each other: neither can finish first.
    #[test]
    fn a_pair_held_too_close_is_refuted_with_its_reason() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 1));
        let a = act(&mut p, "a", 5, &[(0, 1)]);
        let b = act(&mut p, "b", 5, &[(0, 1)]);
        lag(&mut p, a, b, 0);
        lag(&mut p, b, a, -3);
        let parts = components(&p);
        assert_eq!(parts, vec![vec![0, 1]]);
        let why = refute_cheaply(&p, &parts[0]).expect_err("refuted");
        assert!(why.contains("a and b may not overlap"), "{why}");
        assert!(why.contains("between 0 and 3"), "{why}");
        assert!(matches!(
            crate::solve::solve(&p, &Default::default()),
            crate::solve::Outcome::Infeasible(_)
        ));
    }

    /// Loose enough for one order: the order is implied, nothing refuted.
    #[test]
    fn one_order_that_fits_is_implied() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 1));
        let a = act(&mut p, "a", 5, &[(0, 1)]);
        let b = act(&mut p, "b", 5, &[(0, 1)]);
        lag(&mut p, a, b, 0);
        lag(&mut p, b, a, -8);
        let implied = refute_cheaply(&p, &[0, 1]).expect("not refuted");
        assert_eq!(
            implied,
            vec![Precedence {
                from: a,
                to: b,
                lag: 5
            }]
        );
    }

    /// Three activities of capacity-2 use on a capacity-2 resource, each
    /// needing 1: pairs fit, but all three are held at the same minute.
    #[test]
    fn three_held_together_overload_a_resource() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 2));
        let ids: Vec<usize> = (0..3)
            .map(|i| act(&mut p, &format!("x{i}"), 4, &[(0, 1)]))
            .collect();
        for w in ids.windows(2) {
            lag(&mut p, w[0], w[1], 1);
            lag(&mut p, w[1], w[0], -1);
        }
        let why = refute_cheaply(&p, &ids).expect_err("refuted");
        assert!(why.contains("needing 3 of R, whose capacity is 2"), "{why}");
    }

    /// Four unit jobs pairwise in conflict on a capacity-1 resource, held
    /// within 2 minutes of each other by a cycle: no pair alone refutes it,
    /// the exact search on the component does.
    #[test]
    fn the_exact_search_refutes_what_the_cheap_reasoning_cannot() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 1));
        let src = act(&mut p, "source", 0, &[]);
        let ids: Vec<usize> = (0..4)
            .map(|i| act(&mut p, &format!("j{i}"), 1, &[(0, 1)]))
            .collect();
        for &j in &ids {
            lag(&mut p, src, j, 0);
            lag(&mut p, j, src, -2);
        }
        let parts = components(&p);
        assert_eq!(parts.len(), 1);
        assert!(refute_cheaply(&p, &parts[0]).is_ok());
        // the component is the whole problem here: make it a part of a larger one
        let tail = act(&mut p, "tail", 3, &[]);
        lag(&mut p, ids[0], tail, 1);
        let parts = components(&p);
        let r = refute_exactly(&p, &parts, Duration::from_secs(5), &Alone(None));
        assert!(matches!(r, Refutation::Infeasible(ref w) if w.contains("no arrangement")));
    }

    /// Two components joined by a minimum lag: their schedules, laid one
    /// after the other, form a verified schedule of the whole.
    #[test]
    fn component_schedules_compose_into_a_schedule() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("R", 1));
        let a = act(&mut p, "a", 3, &[(0, 1)]);
        let b = act(&mut p, "b", 2, &[(0, 1)]);
        let c = act(&mut p, "c", 4, &[(0, 1)]);
        let d = act(&mut p, "d", 1, &[(0, 1)]);
        lag(&mut p, a, b, 0);
        lag(&mut p, b, a, -6);
        lag(&mut p, c, d, -2);
        lag(&mut p, d, c, -5);
        lag(&mut p, b, c, 1);
        let parts = components(&p);
        let Refutation::Arranged(arranged) =
            refute_exactly(&p, &parts, Duration::from_secs(5), &Alone(None))
        else {
            panic!("refuted a feasible problem")
        };
        let starts = compose(&p, &parts, &arranged).expect("composed");
        assert!(
            crate::model::verify::verify(&p, &starts).is_empty(),
            "{starts:?}"
        );
    }
}
