//! A time-indexed MILP for the core [`Problem`] (pulse formulation with
//! disaggregated precedences), solved with good_lp's default `microlp`
//! backend, for small horizons only; its LP relaxation gives a lower bound.
//!
//! Variables: `x[j,t] = 1` iff activity `j` starts at minute `t`, for the
//! starts allowed by releases, time lags (earliest / latest starts for the
//! horizon), allowed and forbidden intervals; a makespan `M`.
//!
//! Rows:
//! - each activity starts once: `Σ_t x[j,t] = 1`;
//! - time lag `S[j] ≥ S[i] + l`, for each start `t` of `j`:
//!   `Σ_{s≤t} x[j,s] − Σ_{s≤t−l} x[i,s] ≤ 0`;
//! - capacity at each minute `t`: `Σ_j a[j,r] Σ_{s∈(t−d_j,t]} x[j,s] ≤ c_r(t)`;
//! - exclusion pairs at each minute: `Σ_{s∈(t−d_i,t]} x[i,s] + Σ_{s∈(t−d_j,t]} x[j,s] ≤ 1`;
//! - makespan: `Σ_t (t + d_j) x[j,t] − M ≤ 0`; minimise `M`.
//!
//! Hard on-time limits are not modelled (a relaxation): bounds remain valid,
//! schedules are returned only when they pass
//! [`verify`].

use crate::model::verify::verify;
use crate::model::{Problem, Starts, Time};
use crate::solve::temporal;
#[cfg(feature = "highs")]
use good_lp::highs as backend;
#[cfg(not(feature = "highs"))]
use good_lp::microlp as backend;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable, WithTimeLimit,
};
use std::fmt::Write as _;
use std::time::Duration;

/// The largest number of `x[j,t]` variables built (above: refused).
pub const MAX_START_VARS: usize = 12_000;
/// The largest number of rows built (above: refused).
pub const MAX_ROWS: usize = 40_000;
/// [`lp_bound`] refuses models with more start variables than this.
pub const MAX_LP_START_VARS: usize = 2_000;
/// [`lp_bound`] refuses models with more rows than this.
pub const MAX_LP_ROWS: usize = 8_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Le,
    Eq,
}

#[derive(Debug, Clone)]
struct Row {
    name: String,
    /// (variable index, coefficient); the makespan is index `n_x`.
    terms: Vec<(usize, f64)>,
    op: Op,
    rhs: f64,
}

/// The time-indexed model for one horizon.
#[derive(Debug, Clone)]
struct Model {
    /// `x` variables: (activity, start).
    x: Vec<(usize, Time)>,
    /// Per activity, its `x` indices in increasing start order.
    of: Vec<Vec<usize>>,
    rows: Vec<Row>,
    /// Durations, per activity.
    dur: Vec<Time>,
    horizon: Time,
    lb: Time,
}

/// The `x[j,t]` variables, (activity, start), for the starts in
/// `[es, ls]` that keep allowed and forbidden intervals; and per
/// activity its variables' indices in increasing start order.
fn start_vars(
    problem: &Problem,
    es: &[Time],
    ls: &[Time],
) -> (Vec<(usize, Time)>, Vec<Vec<usize>>) {
    let acts = &problem.activities;
    let mut x = Vec::new();
    let mut of = vec![Vec::new(); acts.len()];
    for (j, a) in acts.iter().enumerate() {
        for t in es[j]..=ls[j] {
            let ok_allowed = a
                .allowed
                .as_ref()
                .is_none_or(|al| al.iter().any(|iv| iv.contains_run(t, a.duration)));
            let ok_forbidden = !a.forbidden.iter().any(|f| f.overlaps_run(t, a.duration));
            if ok_allowed && ok_forbidden {
                of[j].push(x.len());
                x.push((j, t));
            }
        }
    }
    (x, of)
}

impl Model {
    fn n_x(&self) -> usize {
        self.x.len()
    }

    /// `None`: refused (too large) or a structural error. An activity with
    /// no start gives an (infeasible) empty assignment row.
    fn build(problem: &Problem, horizon: Time) -> Option<Model> {
        temporal::check_structure(problem).ok()?;
        let acts = &problem.activities;
        if acts.iter().any(|a| a.duration < 0) {
            return None;
        }
        let es = temporal::earliest_starts(problem).ok()?;
        let ls = temporal::latest_starts(problem, horizon).ok()?;
        let horizon = problem.deadline.map_or(horizon, |d| d.min(horizon));
        let total: i64 = es.iter().zip(&ls).map(|(e, l)| (l - e + 1).max(0)).sum();
        if total as usize > MAX_START_VARS {
            return None;
        }
        let (x, of) = start_vars(problem, &es, &ls);
        let mut model = Model {
            x,
            of,
            rows: Vec::new(),
            dur: acts.iter().map(|a| a.duration).collect(),
            horizon,
            lb: problem.makespan(&es),
        };
        model.add_once_and_end_rows();
        model.add_lag_rows(problem)?;
        let t0 = es.iter().copied().min().unwrap_or(0);
        model.add_capacity_rows(problem, t0)?;
        model.add_exclusion_rows(problem, t0)?;
        Some(model)
    }

    /// Each activity starts once, and ends by the makespan.
    fn add_once_and_end_rows(&mut self) {
        let mk = self.n_x();
        for (j, v) in self.of.iter().enumerate() {
            self.rows.push(Row {
                name: format!("once_{j}"),
                terms: v.iter().map(|&k| (k, 1.0)).collect(),
                op: Op::Eq,
                rhs: 1.0,
            });
            let mut terms: Vec<(usize, f64)> = v
                .iter()
                .map(|&k| (k, (self.x[k].1 + self.dur[j]) as f64))
                .collect();
            terms.push((mk, -1.0));
            self.rows.push(Row {
                name: format!("end_{j}"),
                terms,
                op: Op::Le,
                rhs: 0.0,
            });
        }
    }

    /// Time lags, one row per start of the later activity; `None` above
    /// [`MAX_ROWS`].
    fn add_lag_rows(&mut self, problem: &Problem) -> Option<()> {
        let (x, of) = (&self.x, &self.of);
        for (k, p) in problem.precedences.iter().enumerate() {
            let (i, j, l) = (p.from, p.to, p.lag);
            if i == j {
                continue;
            }
            for (q, &kj) in of[j].iter().enumerate() {
                let t = x[kj].1;
                let mut terms: Vec<(usize, f64)> = of[j][..=q].iter().map(|&v| (v, 1.0)).collect();
                terms.extend(
                    of[i]
                        .iter()
                        .take_while(|&&v| x[v].1 <= t - l)
                        .map(|&v| (v, -1.0)),
                );
                self.rows.push(Row {
                    name: format!("lag_{k}_{t}"),
                    terms,
                    op: Op::Le,
                    rhs: 0.0,
                });
                if self.rows.len() > MAX_ROWS {
                    return None;
                }
            }
        }
        Some(())
    }

    /// The starts of activity `j` that cover minute `t`: those in `(t − d, t]`.
    fn covering(&self, j: usize, t: Time) -> Vec<usize> {
        let d = self.dur[j];
        self.of[j]
            .iter()
            .copied()
            .filter(|&v| self.x[v].1 <= t && self.x[v].1 > t - d)
            .collect()
    }

    /// Capacities at each minute of `[t0, horizon)` where the users could
    /// exceed them; `None` above [`MAX_ROWS`].
    fn add_capacity_rows(&mut self, problem: &Problem, t0: Time) -> Option<()> {
        let acts = &problem.activities;
        for (r, res) in problem.resources.iter().enumerate() {
            let users: Vec<(usize, i64)> = acts
                .iter()
                .enumerate()
                .filter_map(|(j, a)| {
                    let amt: i64 = a
                        .demands
                        .iter()
                        .filter(|d| d.resource == r)
                        .map(|d| d.amount)
                        .sum();
                    (a.duration > 0 && amt > 0).then_some((j, amt))
                })
                .collect();
            if users.is_empty() {
                continue;
            }
            for t in t0..self.horizon {
                let cap = res.capacity_at(t);
                let mut terms = Vec::new();
                let mut most = 0;
                for &(j, amt) in &users {
                    let c = self.covering(j, t);
                    if !c.is_empty() {
                        most += amt;
                        terms.extend(c.into_iter().map(|v| (v, amt as f64)));
                    }
                }
                if most > cap {
                    self.rows.push(Row {
                        name: format!("cap_{r}_{t}"),
                        terms,
                        op: Op::Le,
                        rhs: cap.max(0) as f64,
                    });
                    if self.rows.len() > MAX_ROWS {
                        return None;
                    }
                }
            }
        }
        Some(())
    }

    /// Exclusion pairs at each minute of `[t0, horizon)` both could run;
    /// `None` above [`MAX_ROWS`].
    fn add_exclusion_rows(&mut self, problem: &Problem, t0: Time) -> Option<()> {
        let pairs = problem.exclusion_pairs();
        for (i, j) in pairs {
            for t in t0..self.horizon {
                let ci = self.covering(i, t);
                let cj = self.covering(j, t);
                if ci.is_empty() || cj.is_empty() {
                    continue;
                }
                let terms = ci
                    .into_iter()
                    .chain(cj)
                    .map(|v| (v, 1.0))
                    .collect::<Vec<_>>();
                self.rows.push(Row {
                    name: format!("excl_{i}_{j}_{t}"),
                    terms,
                    op: Op::Le,
                    rhs: 1.0,
                });
                if self.rows.len() > MAX_ROWS {
                    return None;
                }
            }
        }
        Some(())
    }

    /// Builds the good_lp problem; `relax`: continuous `x` in [0, 1].
    fn solve(
        &self,
        relax: bool,
        time_limit: Option<Duration>,
        warm: Option<&[Time]>,
    ) -> Result<(SolutionStatus, Vec<f64>, f64), ResolutionError> {
        let mut pv = ProblemVariables::new();
        let xs: Vec<Variable> = self
            .x
            .iter()
            .map(|&(j, t)| {
                let def = if relax {
                    variable().min(0.0).max(1.0)
                } else {
                    variable().binary()
                };
                let def = match warm {
                    Some(w) => def.initial(if w[j] == t { 1.0 } else { 0.0 }),
                    None => def,
                };
                pv.add(def)
            })
            .collect();
        let mut mdef = variable().min(self.lb as f64).max(self.horizon as f64);
        if let Some(w) = warm {
            let m = self
                .x
                .iter()
                .filter(|&&(j, t)| w[j] == t)
                .map(|&(j, t)| t + self.dur[j])
                .max()
                .unwrap_or(0);
            mdef = mdef.initial(m as f64);
        }
        let mk = pv.add(mdef);
        let var = |k: usize| if k == self.n_x() { mk } else { xs[k] };
        let mut model = pv.minimise(mk).using(backend);
        if let Some(tl) = time_limit {
            model = model.with_time_limit(tl.as_secs_f64());
        }
        for row in &self.rows {
            let mut e = Expression::with_capacity(row.terms.len());
            for &(k, c) in &row.terms {
                e.add_mul(c, var(k));
            }
            let c = match row.op {
                Op::Le => constraint::leq(e, row.rhs),
                Op::Eq => constraint::eq(e, row.rhs),
            };
            model.add_constraint(c);
        }
        let sol = model.solve()?;
        let values: Vec<f64> = xs.iter().map(|&v| sol.value(v)).collect();
        Ok((sol.status(), values, sol.value(mk)))
    }

    fn lp_text(&self, problem: &Problem) -> String {
        let name = |k: usize| -> String {
            if k == self.n_x() {
                "M".to_string()
            } else {
                let (j, t) = self.x[k];
                format!("x_{j}_{t}")
            }
        };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\\ windowplan time-indexed RCPSP model for {}, horizon {}",
            problem.name, self.horizon
        );
        let _ = writeln!(
            s,
            "\\ x_<j>_<t> = 1: activity j starts at minute t (from the window start); M: the makespan"
        );
        for (j, a) in problem.activities.iter().enumerate() {
            let _ = writeln!(s, "\\ activity {j}: {} ({} min)", a.name, a.duration);
        }
        let _ = writeln!(s, "Minimize\n obj: M\nSubject To");
        for row in &self.rows {
            let _ = write!(s, " {}:", row.name);
            if row.terms.is_empty() {
                let _ = write!(s, " 0 M");
            }
            for (n, &(k, c)) in row.terms.iter().enumerate() {
                let sign = if c < 0.0 {
                    "-"
                } else if n == 0 {
                    ""
                } else {
                    "+"
                };
                let a = c.abs();
                if a == 1.0 {
                    let _ = write!(s, " {sign} {}", name(k));
                } else {
                    let _ = write!(s, " {sign} {a} {}", name(k));
                }
            }
            let op = match row.op {
                Op::Le => "<=",
                Op::Eq => "=",
            };
            let _ = writeln!(s, " {op} {}", row.rhs);
        }
        let _ = writeln!(s, "Bounds\n {} <= M <= {}", self.lb, self.horizon);
        let _ = writeln!(s, "Binaries");
        for k in 0..self.n_x() {
            let _ = writeln!(s, " {}", name(k));
        }
        let _ = writeln!(s, "End");
        s
    }

    fn starts_from(&self, n: usize, values: &[f64]) -> Option<Starts> {
        let mut starts = vec![Time::MIN; n];
        for (j, v) in self.of.iter().enumerate() {
            let k = v.iter().copied().max_by(|&a, &b| {
                values[a]
                    .partial_cmp(&values[b])
                    .unwrap_or(std::cmp::Ordering::Equal)
            })?;
            if values[k] < 0.5 {
                return None;
            }
            starts[j] = self.x[k].1;
        }
        Some(starts)
    }
}

/// The LP relaxation bound for makespans up to `horizon`: no schedule has a
/// smaller makespan. `None` when the model is refused (too large) or the LP
/// solver fails. (A schedule longer than the horizon is not in the model:
/// the bound is capped at `horizon + 1`, and is `horizon + 1` when the LP is
/// infeasible.)
pub fn lp_bound(problem: &Problem, horizon: Time) -> Option<Time> {
    let model = Model::build(problem, horizon)?;
    // microlp's simplex has no time limit for a pure LP: keep to models it
    // solves in about a second (measured: j60 ≤ 4 s, j120 > 70 s)
    if model.n_x() > MAX_LP_START_VARS || model.rows.len() > MAX_LP_ROWS {
        return None;
    }
    match model.solve(true, None, None) {
        Ok((_, _, obj)) => Some(((obj - 1e-6).ceil() as Time).min(model.horizon + 1)),
        Err(ResolutionError::Infeasible) => Some(model.horizon + 1),
        Err(_) => None,
    }
}

/// The size of the time-indexed model: (start variables, rows); `None`
/// when refused.
pub fn model_size(problem: &Problem, horizon: Time) -> Option<(usize, usize)> {
    Model::build(problem, horizon).map(|m| (m.n_x(), m.rows.len()))
}

/// What the MILP established.
#[derive(Debug, Clone, PartialEq)]
pub enum MilpResult {
    /// Proven optimal among makespans up to the horizon.
    Optimal {
        /// Start of each activity, in minutes.
        starts: Starts,
        /// The schedule's makespan, in minutes.
        makespan: Time,
    },
    /// A schedule, not proven optimal (time limit).
    Feasible {
        /// Start of each activity, in minutes.
        starts: Starts,
        /// The schedule's makespan, in minutes.
        makespan: Time,
    },
    /// No schedule with makespan up to the horizon.
    NoneWithin,
    /// Refused (too large), out of time without a schedule, or a solver error.
    Unknown(String),
}

/// Solves the time-indexed MILP with makespans up to `horizon` (e.g. an
/// incumbent's makespan), warm-started from `warm` when given.
pub fn solve_milp(
    problem: &Problem,
    horizon: Time,
    warm: Option<&[Time]>,
    time_limit: Duration,
) -> MilpResult {
    let Some(model) = Model::build(problem, horizon) else {
        return MilpResult::Unknown(format!(
            "model refused (more than {MAX_START_VARS} start variables or {MAX_ROWS} rows) or invalid problem"
        ));
    };
    // warm start only from a schedule the model contains
    let warm = warm.filter(|w| {
        w.len() == problem.activities.len()
            && w.iter()
                .enumerate()
                .all(|(j, &t)| model.of[j].iter().any(|&k| model.x[k].1 == t))
            && problem.makespan(w) <= model.horizon
    });
    let res = model.solve(false, Some(time_limit), warm);
    match res {
        Ok((status, values, _)) => {
            let Some(starts) = model.starts_from(problem.activities.len(), &values) else {
                return MilpResult::Unknown("solution not integral".into());
            };
            if !verify(problem, &starts).is_empty() {
                return MilpResult::Unknown(
                    "the MILP schedule fails verification (on-time limits are not modelled)".into(),
                );
            }
            let makespan = problem.makespan(&starts);
            if matches!(status, SolutionStatus::Optimal) {
                MilpResult::Optimal { starts, makespan }
            } else {
                MilpResult::Feasible { starts, makespan }
            }
        }
        Err(ResolutionError::Infeasible) => MilpResult::NoneWithin,
        Err(e) => MilpResult::Unknown(e.to_string()),
    }
}

/// The MILP stage of the MILP engine ([`Engine::Milp`](super::Engine::Milp)),
/// after the portfolio found `incumbent` (not proven optimal) in a quarter
/// of the time, from `started`: the time-indexed MILP, warm-started from it,
/// searches below it for the rest. A MILP optimum is a proof (the model
/// relaxes only the hard on-time limits, and its schedule must pass them in
/// [`verify`](crate::model::verify::verify)); a shorter MILP schedule
/// replaces the portfolio's; otherwise the portfolio's result stands.
pub fn improve(
    problem: &Problem,
    incumbent: super::Solution,
    opts: &super::SolveOptions,
    started: std::time::Instant,
) -> super::Outcome {
    use super::{Outcome, Solution};
    let left = opts.time_limit.saturating_sub(started.elapsed());
    if opts.stop_requested() {
        return Outcome::Solved(incumbent);
    }
    // microlp checks its time limit only between branch-and-bound nodes:
    // the MILP runs on its own thread, and is left behind (its result
    // unused) if it overruns, so that the time limit holds.
    let (tx, rx) = std::sync::mpsc::channel();
    let (p, warm, horizon) = (
        problem.clone(),
        incumbent.starts.clone(),
        incumbent.makespan,
    );
    std::thread::spawn(move || {
        let _ = tx.send(solve_milp(&p, horizon, Some(&warm), left));
    });
    let milp = rx
        .recv_timeout(left)
        .unwrap_or_else(|_| MilpResult::Unknown("out of time".into()));
    let better = match milp {
        // Kept on a tie: the portfolio's schedule also weighs downtime.
        MilpResult::Optimal { starts, makespan } if makespan < incumbent.makespan => Solution {
            starts,
            makespan,
            lower_bound: makespan,
        },
        MilpResult::Optimal { makespan, .. } => Solution {
            lower_bound: makespan,
            ..incumbent
        },
        MilpResult::Feasible { starts, makespan } if makespan < incumbent.makespan => Solution {
            starts,
            makespan,
            lower_bound: incumbent.lower_bound,
        },
        _ => incumbent,
    };
    if let Some(p) = &opts.progress {
        p.improved(better.makespan, better.lower_bound);
    }
    Outcome::Solved(better)
}

/// The time-indexed model for makespans up to `horizon` in CPLEX LP format
/// (`None` when refused as too large).
pub fn export_lp(problem: &Problem, horizon: Time) -> Option<String> {
    Model::build(problem, horizon).map(|m| m.lp_text(problem))
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::fixtures::act;
    use crate::model::{Exclusion, Interval, Resource};

    #[test]
    fn milp_small_problems() {
        let mut p = Problem::default();
        p.resources = vec![Resource {
            name: "r".into(),
            steps: vec![(0, 1), (2, 0), (4, 1)],
        }];
        let mut c = act("c", 2, &[]);
        c.forbidden = vec![Interval::new(0, 3)];
        p.activities = vec![act("a", 2, &[(0, 1)]), act("b", 3, &[(0, 1)]), c];
        p.exclusions = vec![Exclusion {
            name: "x".into(),
            sides: vec![vec![2], vec![1]],
        }];
        let r = solve_milp(&p, 20, None, Duration::from_secs(20));
        match r {
            MilpResult::Optimal { starts, makespan } => {
                assert!(verify(&p, &starts).is_empty());
                // a [0,2), c [3,5), b [5,8) (c not before 3, not during b)
                assert_eq!(makespan, 8, "{starts:?}");
            }
            other => panic!("{other:?}"),
        }
        let lb = lp_bound(&p, 20).unwrap();
        assert!((3..=8).contains(&lb), "{lb}");
        assert_eq!(
            solve_milp(&p, 7, None, Duration::from_secs(20)),
            MilpResult::NoneWithin
        );
        let text = export_lp(&p, 20).unwrap();
        assert!(text.starts_with("\\ windowplan"));
        assert!(
            text.contains("Subject To") && text.contains("Binaries") && text.ends_with("End\n")
        );
    }
}
