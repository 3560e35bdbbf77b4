//! The exact engine's constraint model: start and makespan variables,
//! precedences, resources, exclusions and intervals posted into a pumpkin
//! solver ([`Model::build`]); the constructor only, the search is beside it.

use super::MAX_TIME;
use crate::model::{Activity, Problem, Resource, Time};
use crate::solve::exact_limits;
use pumpkin_solver::core::predicate;
use pumpkin_solver::core::proof::ConstraintTag;
use pumpkin_solver::core::variables::{DomainId, Literal, TransformableVariable};
use pumpkin_solver::Solver;

pub(super) struct Model {
    pub(super) solver: Solver,
    pub(super) starts: Vec<DomainId>,
    pub(super) makespan: DomainId,
}

/// A model time as `i32` (model times are within `±MAX_TIME`; lags are
/// clamped, which keeps vacuous ones vacuous).
pub(super) fn model_time(t: Time) -> i32 {
    t.clamp(-4 * MAX_TIME, 4 * MAX_TIME) as i32
}

/// A [`Model`] under construction: the solver with its start and makespan
/// variables, and what the constraints are posted from. Each posting
/// method returns `None` once the model is inconsistent at the root.
struct ModelBuilder<'a> {
    solver: Solver,
    tag: ConstraintTag,
    problem: &'a Problem,
    es: &'a [Time],
    ls: &'a [Time],
    /// Upper end of the makespan range.
    ub: Time,
    starts: Vec<DomainId>,
    makespan: DomainId,
}

impl<'a> ModelBuilder<'a> {
    /// A solver with start variables in `[es, ls]` and the makespan in
    /// `[lb, ub]`.
    fn new(problem: &'a Problem, es: &'a [Time], ls: &'a [Time], lb: Time, ub: Time) -> Self {
        let mut solver = Solver::default();
        let tag = solver.new_constraint_tag();
        let starts: Vec<DomainId> = (0..problem.activities.len())
            .map(|i| solver.new_bounded_integer(model_time(es[i]), model_time(ls[i])))
            .collect();
        let makespan = solver.new_bounded_integer(model_time(lb), model_time(ub));
        ModelBuilder {
            solver,
            tag,
            problem,
            es,
            ls,
            ub,
            starts,
            makespan,
        }
    }

    /// `Some` while the model is consistent at the root.
    #[inline]
    fn consistent_at_root(&self) -> Option<()> {
        (!self.solver.is_inconsistent()).then_some(())
    }

    /// Precedences: `S[from] − S[to] ≤ −lag`.
    fn precedences(&mut self) -> Option<()> {
        for p in &self.problem.precedences {
            self.solver
                .add_constraint(pumpkin_solver::less_than_or_equals(
                    vec![self.starts[p.from].scaled(1), self.starts[p.to].scaled(-1)],
                    model_time(-p.lag),
                    self.tag,
                ))
                .post();
            self.consistent_at_root()?;
        }
        Some(())
    }

    /// `M ≥ S[i] + d[i]`.
    fn makespan_ends(&mut self) -> Option<()> {
        for (i, a) in self.problem.activities.iter().enumerate() {
            self.solver
                .add_constraint(pumpkin_solver::less_than_or_equals(
                    vec![self.starts[i].scaled(1), self.makespan.scaled(-1)],
                    model_time(-a.duration),
                    self.tag,
                ))
                .post();
            self.consistent_at_root()?;
        }
        Some(())
    }

    /// Allowed and forbidden intervals: the start ranges that would break
    /// them are cut out with clauses `S ≤ a−1 ∨ S ≥ b+1`.
    fn intervals(&mut self) -> Option<()> {
        for (i, a) in self.problem.activities.iter().enumerate() {
            let (es, ls) = (self.es[i], self.ls[i]);
            for (x, y) in bad_starts(a, es, ls) {
                if y < es || x > ls || x > y {
                    continue;
                }
                let s = self.starts[i];
                self.solver.add_clause(
                    [
                        predicate![s <= model_time(x - 1)],
                        predicate![s >= model_time(y + 1)],
                    ],
                    self.tag,
                );
                self.consistent_at_root()?;
            }
        }
        Some(())
    }

    /// One cumulative per resource that some activity uses.
    fn resources(&mut self) -> Option<()> {
        let t_min = self.es.iter().copied().min().unwrap_or(0);
        for (r, res) in self.problem.resources.iter().enumerate() {
            self.resource(r, res, t_min)?;
        }
        Some(())
    }

    /// The cumulative of resource `r`: its users, plus fixed dummy tasks
    /// where the capacity is below its maximum, over `[t_min, ub)`.
    fn resource(&mut self, r: usize, res: &Resource, t_min: Time) -> Option<()> {
        let ub = self.ub;
        let mut vars: Vec<DomainId> = Vec::new();
        let mut durs: Vec<i32> = Vec::new();
        let mut reqs: Vec<i32> = Vec::new();
        for (i, a) in self.problem.activities.iter().enumerate() {
            let amount: i64 = a
                .demands
                .iter()
                .filter(|d| d.resource == r)
                .map(|d| d.amount)
                .sum();
            if a.duration > 0 && amount > 0 {
                vars.push(self.starts[i]);
                durs.push(model_time(a.duration));
                reqs.push(model_time(amount));
            }
        }
        if vars.is_empty() {
            return Some(());
        }
        let cap = res.max_capacity().max(0);
        let mut seg_start = t_min;
        let mut k = res.steps.partition_point(|&(s, _)| s <= t_min);
        let mut level = res.capacity_at(t_min).max(0);
        loop {
            let next = res.steps.get(k).map_or(ub, |s| s.0.min(ub));
            let seg_end = next.max(seg_start);
            if level < cap && seg_end > seg_start {
                self.consistent_at_root()?;
                let v = self
                    .solver
                    .new_bounded_integer(model_time(seg_start), model_time(seg_start));
                vars.push(v);
                durs.push(model_time(seg_end - seg_start));
                reqs.push(model_time(cap - level));
            }
            if k >= res.steps.len() || next >= ub {
                break;
            }
            seg_start = seg_end;
            level = res.steps[k].1.max(0);
            k += 1;
        }
        self.solver
            .add_constraint(pumpkin_solver::cumulative(
                vars,
                durs,
                reqs,
                model_time(cap),
                self.tag,
            ))
            .post();
        self.consistent_at_root()
    }

    /// Exclusion groups: for each pair, `i before j ∨ j before i` with
    /// half-reified inequalities.
    fn exclusions(&mut self) -> Option<()> {
        let pairs = self.problem.exclusion_pairs();
        for (i, j) in pairs {
            self.consistent_at_root()?;
            let (l_ij, l_ji) = (self.before(i, j), self.before(j, i));
            self.solver.add_clause(
                [l_ij.get_true_predicate(), l_ji.get_true_predicate()],
                self.tag,
            );
        }
        Some(())
    }

    /// A literal implying that `a` ends before `b` starts:
    /// `S_a − S_b ≤ −d_a`.
    fn before(&mut self, a: usize, b: usize) -> Literal {
        let l = self.solver.new_literal();
        self.solver
            .add_constraint(pumpkin_solver::less_than_or_equals(
                vec![self.starts[a].scaled(1), self.starts[b].scaled(-1)],
                model_time(-self.problem.activities[a].duration),
                self.tag,
            ))
            .implied_by(l);
        l
    }
}

/// The start ranges `[a, b]` (inclusive) of activity `a` that would break
/// its allowed or forbidden intervals, within its start domain `[es, ls]`
/// for the gaps between allowed intervals.
fn bad_starts(a: &Activity, es: Time, ls: Time) -> Vec<(Time, Time)> {
    let d = a.duration;
    let mut bad: Vec<(Time, Time)> = Vec::new();
    if let Some(allowed) = &a.allowed {
        let mut ok: Vec<(Time, Time)> = allowed
            .iter()
            .filter(|iv| iv.end - d >= iv.start)
            .map(|iv| (iv.start, iv.end - d))
            .collect();
        ok.sort_unstable();
        let mut from = es;
        for (s, e) in ok {
            if s > from {
                bad.push((from, s - 1));
            }
            from = from.max(e + 1);
        }
        if from <= ls {
            bad.push((from, ls));
        }
    }
    if d > 0 {
        for f in &a.forbidden {
            if !f.is_empty() {
                bad.push((f.start - d + 1, f.end - 1));
            }
        }
    }
    bad
}

impl Model {
    /// The constraint model with makespan in `[lb, ub]`; `None` when it is
    /// inconsistent at the root. The model is exact (or, with on-time limits
    /// too large to encode, a relaxation), so a root contradiction proves that no schedule has its
    /// makespan in the range. Pumpkin refuses (panics) to create variables
    /// once inconsistent, so the state is checked after every posting.
    pub(super) fn build(
        problem: &Problem,
        es: &[Time],
        ls: &[Time],
        lb: Time,
        ub: Time,
    ) -> Option<Model> {
        let mut b = ModelBuilder::new(problem, es, ls, lb, ub);
        b.precedences()?;
        b.makespan_ends()?;
        b.intervals()?;
        b.resources()?;
        b.exclusions()?;
        if exact_limits::encodable(problem, es, ub) {
            exact_limits::post(&mut b.solver, b.tag, problem, &b.starts, (es, ls), ub)?;
        }
        if b.solver.is_inconsistent() {
            return None;
        }
        Some(Model {
            solver: b.solver,
            starts: b.starts,
            makespan: b.makespan,
        })
    }
}
