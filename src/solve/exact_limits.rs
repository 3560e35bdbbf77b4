//! Hard on-time limits in the exact model (see [`super::exact`]): each
//! minute of each signal a hard limit depends on becomes a literal, defined
//! exactly (both directions) from the start variables, and each limit a
//! linear constraint "Σ minutes on ≤ max_on". With them the model is exact,
//! so its "no schedule in the range" answers prove optimality and
//! infeasibility under the limits, and its schedules meet them.
//!
//! Encoding, for minutes `t` in `[0, end)` (`end`: the makespan's upper end
//! plus the longest switchover, the last minute a signal can be on):
//! - activity `a` runs at `t` ⇔ `S_a ≤ t ∧ S_a ≥ t − d_a + 1`;
//! - `Running`/`Any`: an OR; `All`: an AND (false when empty);
//! - `Delayed { input, tolerance }` at `t` ⇔ the input is on at every
//!   minute of `[t − tolerance, t]` (a run longer than the tolerance);
//! - `Switchover`: member `k` serves at `t` ⇔ it is up and every earlier
//!   member is down; before minute 0 the first member serves (nothing runs
//!   before 0: the model is only built when no activity may start before
//!   0); a change at `t` ⇔ some member served at `t − 1` and another at
//!   `t`; on at `t` ⇔ a change at some minute of `(t − minutes, t]`.
//!
//! This is exactly [`crate::model::signal::evaluate`] minute by minute
//! (a unit test compares them). Problems whose literal count would pass
//! [`MAX_LITERALS`] are not encoded: the model then stays a relaxation.

use crate::model::{Problem, Signal, Time};
use pumpkin_solver::core::predicate;
use pumpkin_solver::core::proof::ConstraintTag;
use pumpkin_solver::core::variables::{DomainId, Literal, TransformableVariable};
use pumpkin_solver::Solver;

/// Most minute literals the encoding may create.
pub const MAX_LITERALS: usize = 200_000;

/// The signals the hard limits depend on (each limit's signal and
/// everything it is built from), ascending.
fn cone(problem: &Problem) -> Vec<usize> {
    let mut seen = vec![false; problem.signals.len()];
    let mut stack: Vec<usize> = problem
        .limits
        .iter()
        .filter(|l| l.max_on.is_some())
        .map(|l| l.signal)
        .collect();
    while let Some(s) = stack.pop() {
        if s >= seen.len() || std::mem::replace(&mut seen[s], true) {
            continue;
        }
        match &problem.signals[s] {
            Signal::Running(_) => {}
            Signal::Any(v) | Signal::All(v) | Signal::Switchover { members: v, .. } => {
                stack.extend(v.iter().copied().filter(|&k| k < s))
            }
            Signal::Delayed { input, .. } => {
                if *input < s {
                    stack.push(*input)
                }
            }
        }
    }
    (0..seen.len()).filter(|&s| seen[s]).collect()
}

/// The last minute (exclusive) any signal may be on when every activity
/// ends by `ub`.
fn end_minute(problem: &Problem, ub: Time) -> Time {
    let longest = problem
        .signals
        .iter()
        .map(|s| match s {
            Signal::Switchover { minutes, .. } => (*minutes).max(0),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    ub.max(0) + longest
}

/// Whether the limits of `problem` fit the encoding for makespans up to
/// `ub` (activities start at 0 or later, and the literal count is small
/// enough). When false the exact model is a relaxation.
pub fn encodable(problem: &Problem, es: &[Time], ub: Time) -> bool {
    if !problem.limits.iter().any(|l| l.max_on.is_some()) {
        return true;
    }
    if es.iter().any(|&e| e < 0) {
        return false;
    }
    let cone = cone(problem);
    let acts: usize = cone
        .iter()
        .map(|&s| match &problem.signals[s] {
            Signal::Running(a) => a.len(),
            Signal::Switchover { members, .. } => 2 * members.len() * members.len(),
            Signal::Delayed { .. } => 1,
            _ => 0,
        })
        .sum();
    let per_minute = cone.len() + acts;
    let end = end_minute(problem, ub);
    end < 1 << 20 && per_minute.saturating_mul(end as usize) <= MAX_LITERALS
}

/// Posts literals and clauses on a solver.
struct Encoder<'a> {
    solver: &'a mut Solver,
    tag: ConstraintTag,
    f: Literal,
    t: Literal,
}

impl Encoder<'_> {
    fn is_false(&self, l: Literal) -> bool {
        l == self.f
    }

    fn is_true(&self, l: Literal) -> bool {
        l == self.t
    }

    /// A literal equal to the OR of `lits`.
    fn or(&mut self, lits: &[Literal]) -> Literal {
        if lits.iter().any(|&l| self.is_true(l)) {
            return self.t;
        }
        let v: Vec<Literal> = lits
            .iter()
            .copied()
            .filter(|&l| !self.is_false(l))
            .collect();
        match v.len() {
            0 => self.f,
            1 => v[0],
            _ => {
                let x = self.solver.new_literal();
                for &y in &v {
                    self.solver.add_clause(
                        [(!y).get_true_predicate(), x.get_true_predicate()],
                        self.tag,
                    );
                }
                let mut c: Vec<_> = v.iter().map(|y| y.get_true_predicate()).collect();
                c.push((!x).get_true_predicate());
                self.solver.add_clause(c, self.tag);
                x
            }
        }
    }

    /// A literal equal to the AND of `lits` (false for none).
    fn and(&mut self, lits: &[Literal]) -> Literal {
        if lits.is_empty() || lits.iter().any(|&l| self.is_false(l)) {
            return self.f;
        }
        let negs: Vec<Literal> = lits.iter().map(|&l| self.not(l)).collect();
        let x = self.or(&negs);
        self.not(x)
    }

    fn not(&self, l: Literal) -> Literal {
        if self.is_true(l) {
            self.f
        } else if self.is_false(l) {
            self.t
        } else {
            !l
        }
    }

    /// `a` runs at minute `m`: `S ≤ m ∧ S ≥ m − d + 1`.
    fn runs(&mut self, s: DomainId, d: Time, m: Time, (es, ls): (Time, Time)) -> Literal {
        if d <= 0 || m < es || m >= ls + d {
            return self.f;
        }
        let x = self.solver.new_literal();
        let (hi, lo) = (m as i32, (m - d + 1) as i32);
        self.solver
            .add_clause([(!x).get_true_predicate(), predicate![s <= hi]], self.tag);
        self.solver
            .add_clause([(!x).get_true_predicate(), predicate![s >= lo]], self.tag);
        self.solver.add_clause(
            [
                predicate![s >= hi + 1],
                predicate![s <= lo - 1],
                x.get_true_predicate(),
            ],
            self.tag,
        );
        x
    }
}

/// Posts every hard on-time limit of `problem` on the solver, for
/// makespans up to `ub` (see the module doc). `None` when the solver
/// became inconsistent (no schedule in the range meets the limits).
pub fn post(
    solver: &mut Solver,
    tag: ConstraintTag,
    problem: &Problem,
    starts: &[DomainId],
    (es, ls): (&[Time], &[Time]),
    ub: Time,
) -> Option<()> {
    if !problem.limits.iter().any(|l| l.max_on.is_some()) {
        return Some(());
    }
    let end = end_minute(problem, ub);
    let (f, t) = (solver.get_false_literal(), solver.get_true_literal());
    let mut enc = Encoder { solver, tag, f, t };
    let minutes = end.max(0) as usize;
    let mut lits: Vec<Option<Vec<Literal>>> = vec![None; problem.signals.len()];
    let mut run_lits: Vec<Option<Vec<Literal>>> = vec![None; problem.activities.len()];
    for s in cone(problem) {
        let v: Vec<Literal> = match &problem.signals[s] {
            Signal::Running(acts) => {
                for &a in acts {
                    if a < starts.len() && run_lits[a].is_none() {
                        let d = problem.activities[a].duration;
                        run_lits[a] = Some(
                            (0..end)
                                .map(|m| enc.runs(starts[a], d, m, (es[a], ls[a])))
                                .collect(),
                        );
                    }
                }
                (0..minutes)
                    .map(|m| {
                        let v: Vec<Literal> = acts
                            .iter()
                            .filter_map(|&a| run_lits.get(a)?.as_ref().map(|r| r[m]))
                            .collect();
                        enc.or(&v)
                    })
                    .collect()
            }
            Signal::Any(parts) | Signal::All(parts) => {
                let all = matches!(problem.signals[s], Signal::All(_));
                (0..minutes)
                    .map(|m| {
                        let v: Vec<Literal> =
                            parts.iter().map(|&k| earlier(&lits, k, s, m, f)).collect();
                        if all {
                            enc.and(&v)
                        } else {
                            enc.or(&v)
                        }
                    })
                    .collect()
            }
            Signal::Delayed { input, tolerance } => {
                let tol = (*tolerance).max(0) as usize;
                (0..minutes)
                    .map(|m| {
                        if m < tol {
                            return f;
                        }
                        let v: Vec<Literal> = (m - tol..=m)
                            .map(|q| earlier(&lits, *input, s, q, f))
                            .collect();
                        enc.and(&v)
                    })
                    .collect()
            }
            Signal::Switchover {
                members,
                minutes: sw,
            } => switchover(&mut enc, &lits, s, members, *sw, minutes),
        };
        lits[s] = Some(v);
    }
    for l in problem.limits.iter() {
        let Some(max_on) = l.max_on else { continue };
        let Some(v) = lits.get(l.signal).and_then(|v| v.as_ref()) else {
            continue;
        };
        let fixed_on = v.iter().filter(|&&x| enc.is_true(x)).count() as i64;
        let terms: Vec<_> = v
            .iter()
            .filter(|&&x| !enc.is_true(x) && !enc.is_false(x))
            .map(|x| x.scaled(1))
            .collect();
        let room = max_on - fixed_on;
        if room < 0 {
            enc.solver.add_clause([f.get_true_predicate()], tag);
            return None;
        }
        if !terms.is_empty() && (terms.len() as i64) > room {
            enc.solver
                .add_constraint(pumpkin_solver::less_than_or_equals(
                    terms,
                    room.min(i32::MAX as i64) as i32,
                    tag,
                ))
                .post();
        }
        if enc.solver.is_inconsistent() {
            return None;
        }
    }
    (!enc.solver.is_inconsistent()).then_some(())
}

/// The literal of earlier signal `k` at minute `m` (false for a signal
/// that is not earlier than `s`, as the evaluation reads it).
fn earlier(lits: &[Option<Vec<Literal>>], k: usize, s: usize, m: usize, f: Literal) -> Literal {
    if k >= s {
        return f;
    }
    lits.get(k)
        .and_then(|v| v.as_ref())
        .and_then(|v| v.get(m).copied())
        .unwrap_or(f)
}

/// The minute literals of a switchover signal.
fn switchover(
    enc: &mut Encoder,
    lits: &[Option<Vec<Literal>>],
    s: usize,
    members: &[usize],
    sw: Time,
    minutes: usize,
) -> Vec<Literal> {
    let f = enc.f;
    if sw <= 0 || members.len() < 2 {
        return vec![f; minutes];
    }
    // serving[m][k]; before minute 0 the first member serves.
    let mut prev: Vec<Literal> = (0..members.len())
        .map(|k| if k == 0 { enc.t } else { f })
        .collect();
    let mut change = Vec::with_capacity(minutes);
    for m in 0..minutes {
        let downs: Vec<Literal> = members.iter().map(|&k| earlier(lits, k, s, m, f)).collect();
        let cur: Vec<Literal> = (0..members.len())
            .map(|k| {
                let mut v: Vec<Literal> = downs[..k].to_vec();
                v.push(enc.not(downs[k]));
                enc.and(&v)
            })
            .collect();
        let mut pairs = Vec::new();
        for (a, &pa) in prev.iter().enumerate() {
            for (b, &cb) in cur.iter().enumerate() {
                if a != b {
                    pairs.push(enc.and(&[pa, cb]));
                }
            }
        }
        change.push(enc.or(&pairs));
        prev = cur;
    }
    let w = sw as usize;
    (0..minutes)
        .map(|m| {
            let from = (m + 1).saturating_sub(w);
            let v: Vec<Literal> = change[from..=m].to_vec();
            enc.or(&v)
        })
        .collect()
}
