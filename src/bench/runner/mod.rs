//! Benchmark runner: solves every instance of a standard benchmark set
//! (PSPLIB `.sm`, Patterson `.rcp`, RCPSP/max `.sch`) with the real solver,
//! re-verifies every returned schedule, and compares with reference values.
//!
//! - [`run`] reads the instance files of one format in a directory (sorted
//!   in natural order, `j301_2` before `j301_10`; files directly in the
//!   directory form one set named after the directory, files in its
//!   immediate subdirectories one set per subdirectory), optionally every
//!   k-th ([`BenchOptions::stride`], [`BenchOptions::offset`],
//!   [`BenchOptions::limit`]), solves each with [`crate::solve::solve`] and
//!   verifies each schedule. **Any violation, or any conflict with the
//!   reference (e.g. a makespan below a proven optimum), makes the run fail:
//!   [`BenchReport::passed`] is `false`.**
//! - Reference values ([`load_reference`]) are read from
//!   * `instance,best_makespan,status` CSV (status `optimal|best|infeasible`,
//!     optional `set` and `lower_bound` columns) — the project's own format;
//!   * the benchdata `reference.csv` (`set,instance,best_known_makespan[,best_lower_bound]`,
//!     or `set,instance,best,kind` with kind `opt|ub`);
//!   * PSPLIB's `j30opt.sm` (optima) and `j60hrs.sm`/`j90hrs.sm`/`j120hrs.sm`
//!     (best known upper bounds) tables.
//! - The report is a per-set summary ([`SetSummary`]) and per-instance rows
//!   ([`InstanceResult`]); render it with [`render_table`], [`render_json`]
//!   and [`write_instances_csv`] (also written while running when
//!   [`BenchOptions::instances_csv`] is set).
//!
//! The critical-path bound reported is [`crate::bench::formats::critical_path_bound`]
//! (longest path with lags, resources ignored), computed here rather than by
//! the solver.

use crate::bench::formats::{self, critical_path_bound, E_BENCH_DIR, E_REFERENCE};
use crate::bench::text_reader;
use crate::error::InputError;
use crate::model::{Problem, Time};
use crate::solve::{Outcome, Solution, SolveOptions};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::bench::formats::Format;

/// A solver as the runner sees it.
pub type Solver<'a> = &'a dyn Fn(&Problem, &SolveOptions) -> Outcome;
/// A schedule checker: the violations of `starts`, empty when valid.
pub type Verifier<'a> = &'a dyn Fn(&Problem, &[Time]) -> Vec<String>;

/// Which instances to take and where to write per-instance rows.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Take every `stride`-th instance of each set (1 = all; 0 is taken as 1).
    pub stride: usize,
    /// Index of the first instance taken in each set (0-based).
    pub offset: usize,
    /// At most this many instances per set.
    pub limit: Option<usize>,
    /// Write one CSV row per instance here as soon as it is done.
    pub instances_csv: Option<PathBuf>,
    /// Told a one-line summary after each instance (the command prints it
    /// on a terminal); the library prints nothing itself.
    pub progress: Option<fn(&str)>,
    /// Solve each instance a second time with the same options and compare
    /// the schedules (with one thread they must be identical, unless the
    /// wall clock ended a run: see [`crate::solve::clock`]).
    pub repeat: bool,
    /// Also solve each instance with one thread and compare: the run with
    /// the options' threads must never be worse.
    pub compare_one_thread: bool,
}

/// A bare stride (`run(dir, format, reference, opts, 5)`): every 5th instance.
impl From<usize> for BenchOptions {
    fn from(stride: usize) -> Self {
        BenchOptions {
            stride,
            ..BenchOptions::default()
        }
    }
}

impl From<&BenchOptions> for BenchOptions {
    fn from(b: &BenchOptions) -> Self {
        b.clone()
    }
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            stride: 1,
            offset: 0,
            limit: None,
            instances_csv: None,
            progress: None,
            repeat: false,
            compare_one_thread: false,
        }
    }
}

/// What a reference file says about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefStatus {
    /// `makespan` is a proven optimum.
    Optimal,
    /// `makespan` is the best known (an upper bound).
    Best,
    /// Proven that no schedule exists.
    Infeasible,
}

/// A reference value for one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// Reference makespan (optimum or best known), absent for an infeasible instance.
    pub makespan: Option<Time>,
    /// Best known lower bound on the makespan, when published.
    pub lower_bound: Option<Time>,
    /// What the reference makespan stands for.
    pub status: RefStatus,
}

/// Reference values by instance, optionally qualified by set.
#[derive(Debug, Clone, Default)]
pub struct ReferenceTable {
    /// `set/instance` → value (keys normalised, see [`instance_key`]).
    by_set: HashMap<String, Reference>,
    /// `instance` → value; `None` when several sets name an instance alike.
    by_name: HashMap<String, Option<Reference>>,
}

impl ReferenceTable {
    /// Number of instances with a reference.
    pub fn len(&self) -> usize {
        self.by_set.len().max(self.by_name.len())
    }
    /// Whether the table holds no reference.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the reference of `instance`, under `set` when given; an instance
    /// name found in several sets with different values becomes ambiguous
    /// without its set.
    pub fn insert(&mut self, set: Option<&str>, instance: &str, r: Reference) {
        let key = instance_key(instance);
        if let Some(set) = set {
            self.by_set
                .insert(format!("{}/{}", set.to_ascii_lowercase(), key), r);
        }
        self.by_name
            .entry(key)
            .and_modify(|v| {
                if *v != Some(r) {
                    *v = None
                }
            })
            .or_insert(Some(r));
    }

    /// The reference for `instance` of `set`: the set-qualified entry, else
    /// the unqualified one when unambiguous.
    pub fn get(&self, set: &str, instance: &str) -> Option<Reference> {
        let key = instance_key(instance);
        self.by_set
            .get(&format!("{}/{}", set.to_ascii_lowercase(), key))
            .copied()
            .or_else(|| self.by_name.get(&key).copied().flatten())
    }
}

/// Normalised instance key: file name without directory and without a
/// benchmark extension, lowercase (`J30/j301_1.sm` → `j301_1`).
pub fn instance_key(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.trim().to_ascii_lowercase();
    for ext in [".sm", ".sch", ".rcp"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    lower
}

/// Outcome of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceStatus {
    /// A verified schedule whose makespan equals the solver's lower bound.
    Optimal,
    /// A verified schedule.
    Feasible,
    /// The solver proved that no schedule exists.
    Infeasible,
    /// The solver found nothing within its limits.
    NotFound,
    /// The returned schedule violates a constraint.
    Invalid,
    /// The solver panicked (a failure).
    Panicked,
}

impl InstanceStatus {
    /// The status as written in reports (`optimal`, `not_found`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Optimal => "optimal",
            InstanceStatus::Feasible => "feasible",
            InstanceStatus::Infeasible => "infeasible",
            InstanceStatus::NotFound => "not_found",
            InstanceStatus::Invalid => "invalid",
            InstanceStatus::Panicked => "panicked",
        }
    }
}

/// One instance's result.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceResult {
    /// Set the instance belongs to: the name of the directory holding its file.
    pub set: String,
    /// Instance file name.
    pub instance: String,
    /// Number of real activities.
    pub activities: usize,
    /// What the solver concluded, after verification.
    pub status: InstanceStatus,
    /// Makespan of the verified schedule, in time units of the instance.
    pub makespan: Option<Time>,
    /// The solver's lower bound.
    pub lower_bound: Option<Time>,
    /// Critical-path bound (resources ignored); `None` on a positive cycle.
    pub cp_bound: Option<Time>,
    /// The reference value, when the table has one.
    pub reference: Option<Reference>,
    /// `100 (makespan - reference) / reference`.
    pub dev_ref_pct: Option<f64>,
    /// `100 (makespan - cp_bound) / cp_bound`.
    pub dev_cp_pct: Option<f64>,
    /// The makespan is at most the reference makespan.
    pub matched_reference: bool,
    /// The solver's lower bound equals its makespan.
    pub proven_optimal: bool,
    /// Solver wall time, in seconds.
    pub time_s: f64,
    /// The solver took more than 1.5 × its time limit + 1 s (not a failure).
    pub over_time_limit: bool,
    /// Constraint violations of the returned schedule (failures).
    pub violations: Vec<String>,
    /// Contradictions with the reference (failures), e.g. a makespan below
    /// a proven optimum or "infeasible" for an instance with a known schedule.
    pub conflicts: Vec<String>,
    /// The solver's words for Infeasible / NotFound.
    pub note: String,
    /// A fingerprint of the schedule (equal schedules, equal fingerprints).
    pub schedule_hash: Option<u64>,
    /// The wall clock ended a one-thread run before its work clock did (the
    /// run may not repeat exactly).
    pub wall_decided: bool,
    /// With [`BenchOptions::repeat`]: whether the second run gave the same
    /// answer and schedule.
    pub repeat_same: Option<bool>,
    /// With [`BenchOptions::compare_one_thread`]: the one-thread run's
    /// makespan (`None` inside: it found no schedule).
    pub one_thread_makespan: Option<Option<Time>>,
    /// With [`BenchOptions::compare_one_thread`]: the wall clock ended the
    /// one-thread run, so its result is not the reproducible one that the
    /// run with more threads contains, and a win excuses nothing.
    pub one_thread_wall_decided: bool,
}

impl InstanceResult {
    /// Whether the instance counts as a failure of the run: a violation, a
    /// conflict with the reference, a run that did not repeat, or one beaten
    /// by the one-thread run without excuse.
    pub fn failed(&self) -> bool {
        !self.violations.is_empty()
            || !self.conflicts.is_empty()
            || self.not_reproducible()
            || (self.worse_than_one_thread() && !self.one_thread_wall_decided)
    }

    /// A repeated run differed, and no wall clock excuses it.
    pub fn not_reproducible(&self) -> bool {
        self.repeat_same == Some(false) && !self.wall_decided
    }

    /// The one-thread run found a shorter schedule (or any, where this run
    /// found none).
    pub fn worse_than_one_thread(&self) -> bool {
        match self.one_thread_makespan {
            Some(Some(one)) => self.makespan.is_none_or(|m| m > one),
            _ => false,
        }
    }
}

/// Summary of one set (or of all sets).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SetSummary {
    /// Set name (`total` for all sets).
    pub set: String,
    /// Instances run.
    pub instances: usize,
    /// Verified schedules found.
    pub solved: usize,
    /// Instances with a reference makespan (infeasible ones not counted).
    pub with_reference: usize,
    /// Mean deviation from the reference makespan over instances with both.
    pub mean_dev_ref_pct: Option<f64>,
    /// Mean deviation from the critical-path bound over solved instances.
    pub mean_dev_cp_pct: Option<f64>,
    /// Makespan at most the reference makespan.
    pub matched_reference: usize,
    /// Instances whose optimum the solver proved.
    pub proven_optimal: usize,
    /// Instances the solver proved infeasible.
    pub infeasible_detected: usize,
    /// Instances the reference marks infeasible.
    pub infeasible_expected: usize,
    /// Instances where the solver found nothing within its limits.
    pub not_found: usize,
    /// Mean solver wall time per instance, in seconds.
    pub mean_time_s: f64,
    /// Longest solver wall time, in seconds.
    pub max_time_s: f64,
    /// Instances whose schedule violated a constraint.
    pub violations: usize,
    /// Instances contradicting the reference.
    pub conflicts: usize,
    /// Instances on which the solver panicked (also failures).
    pub panics: usize,
    /// Instances where the solver overran its time limit (1.5 × + 1 s).
    pub over_time_limit: usize,
    /// Instances solved twice ([`BenchOptions::repeat`]).
    pub repeated: usize,
    /// ... whose second run differed without a wall-clock excuse (failures).
    pub not_reproducible: usize,
    /// ... whose second run differed after the wall clock ended a run.
    pub differed_wall_decided: usize,
    /// Instances also solved with one thread.
    pub compared_one_thread: usize,
    /// ... where one thread did better (failures, unless excused below).
    pub worse_than_one_thread: usize,
    /// ... of those, where the wall clock ended the one-thread run.
    pub worse_wall_decided: usize,
    /// ... where this run did better than one thread.
    pub better_than_one_thread: usize,
}

impl SetSummary {
    fn of(set: &str, rows: &[&InstanceResult]) -> SetSummary {
        let mean = |v: Vec<f64>| {
            if v.is_empty() {
                None
            } else {
                Some(v.iter().sum::<f64>() / v.len() as f64)
            }
        };
        let solved = |r: &&&InstanceResult| {
            matches!(r.status, InstanceStatus::Optimal | InstanceStatus::Feasible)
        };
        SetSummary {
            set: set.to_string(),
            instances: rows.len(),
            solved: rows.iter().filter(solved).count(),
            with_reference: rows
                .iter()
                .filter(|r| r.reference.is_some_and(|x| x.makespan.is_some()))
                .count(),
            mean_dev_ref_pct: mean(rows.iter().filter_map(|r| r.dev_ref_pct).collect()),
            mean_dev_cp_pct: mean(rows.iter().filter_map(|r| r.dev_cp_pct).collect()),
            matched_reference: rows.iter().filter(|r| r.matched_reference).count(),
            proven_optimal: rows.iter().filter(|r| r.proven_optimal).count(),
            infeasible_detected: rows
                .iter()
                .filter(|r| r.status == InstanceStatus::Infeasible)
                .count(),
            infeasible_expected: rows
                .iter()
                .filter(|r| r.reference.map(|x| x.status) == Some(RefStatus::Infeasible))
                .count(),
            not_found: rows
                .iter()
                .filter(|r| r.status == InstanceStatus::NotFound)
                .count(),
            mean_time_s: mean(rows.iter().map(|r| r.time_s).collect()).unwrap_or(0.0),
            max_time_s: rows.iter().map(|r| r.time_s).fold(0.0, f64::max),
            violations: rows.iter().filter(|r| !r.violations.is_empty()).count(),
            conflicts: rows.iter().filter(|r| !r.conflicts.is_empty()).count(),
            panics: rows
                .iter()
                .filter(|r| r.status == InstanceStatus::Panicked)
                .count(),
            over_time_limit: rows.iter().filter(|r| r.over_time_limit).count(),
            repeated: rows.iter().filter(|r| r.repeat_same.is_some()).count(),
            not_reproducible: rows.iter().filter(|r| r.not_reproducible()).count(),
            differed_wall_decided: rows
                .iter()
                .filter(|r| r.repeat_same == Some(false) && r.wall_decided)
                .count(),
            compared_one_thread: rows
                .iter()
                .filter(|r| r.one_thread_makespan.is_some())
                .count(),
            worse_than_one_thread: rows.iter().filter(|r| r.worse_than_one_thread()).count(),
            worse_wall_decided: rows
                .iter()
                .filter(|r| r.worse_than_one_thread() && r.one_thread_wall_decided)
                .count(),
            better_than_one_thread: rows
                .iter()
                .filter(|r| match r.one_thread_makespan {
                    Some(one) => r.makespan.is_some_and(|m| one.is_none_or(|o| m < o)),
                    None => false,
                })
                .count(),
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// The instance format read.
    pub format: Format,
    /// Instances whose schedule broke a constraint or whose solver
    /// panicked (any > 0 means a solver bug; the run fails).
    pub violations: usize,
    /// Instances contradicting the reference (the run fails too; see
    /// [`BenchReport::passed`]).
    pub conflicts: usize,
    /// Time limit per instance, in seconds.
    pub time_limit_s: f64,
    /// Seed given to the solver.
    pub seed: u64,
    /// Worker threads per solve (0 = all cores).
    pub threads: usize,
    /// Summary per set, in the order run.
    pub sets: Vec<SetSummary>,
    /// Summary over all sets.
    pub total: SetSummary,
    /// Every instance's result, in the order run.
    pub instances: Vec<InstanceResult>,
}

impl BenchReport {
    /// No violation and no conflict with the reference anywhere.
    pub fn passed(&self) -> bool {
        self.instances.iter().all(|r| !r.failed())
    }

    /// The summary table; see [`render_table`].
    pub fn to_text(&self) -> String {
        render_table(self)
    }

    /// The report as JSON; see [`render_json`].
    pub fn to_json(&self) -> String {
        render_json(self)
    }

    /// The failing instances in words (empty when [`passed`](Self::passed)).
    pub fn failures(&self) -> Vec<String> {
        self.instances
            .iter()
            .filter(|r| r.failed())
            .map(|r| {
                let mut what: Vec<String> = r.violations.iter().take(3).cloned().collect();
                what.extend(r.conflicts.iter().cloned());
                if r.not_reproducible() {
                    what.push("a second run with the same seed gave a different schedule".into());
                }
                if r.worse_than_one_thread() {
                    what.push(format!(
                        "one thread found {} against {} with {}",
                        opt(r.one_thread_makespan.flatten()),
                        r.makespan.map_or("none".into(), |m| m.to_string()),
                        match self.threads {
                            0 => "all cores".to_string(),
                            t => format!("{t} threads"),
                        }
                    ));
                }
                format!("{}/{}: {}", r.set, r.instance, what.join("; "))
            })
            .collect()
    }
}

/// Runs the benchmark with the real solver and checker. See the module docs.
///
/// `bench` is a [`BenchOptions`] (or `&BenchOptions`), or a bare stride.
pub fn run(
    dir: &Path,
    format: Format,
    reference: Option<&Path>,
    opts: &SolveOptions,
    bench: impl Into<BenchOptions>,
) -> Result<BenchReport, InputError> {
    run_with(
        dir,
        format,
        reference,
        opts,
        &bench.into(),
        &crate::solve::solve,
        &crate::model::verify::verify,
    )
}

/// [`run`] with the solver and the checker given (tests use fakes).
pub fn run_with(
    dir: &Path,
    format: Format,
    reference: Option<&Path>,
    opts: &SolveOptions,
    bench: &BenchOptions,
    solver: Solver<'_>,
    verifier: Verifier<'_>,
) -> Result<BenchReport, InputError> {
    let refs = match reference {
        Some(p) => load_reference(p)?,
        None => ReferenceTable::default(),
    };
    let sets = collect_instances(dir, format)?;
    let mut csv = match &bench.instances_csv {
        Some(p) => {
            let mut f = std::fs::File::create(p).map_err(|e| {
                text_reader::error(
                    &p.display().to_string(),
                    0,
                    E_BENCH_DIR,
                    format!("cannot create the per-instance CSV: {e}"),
                    "check the output path",
                )
            })?;
            let _ = writeln!(f, "{}", CSV_HEADER);
            Some(f)
        }
        None => None,
    };
    let stride = bench.stride.max(1);
    let mut results = Vec::new();
    let mut summaries = Vec::new();
    for (set, files) in &sets {
        let chosen: Vec<&PathBuf> = files
            .iter()
            .skip(bench.offset)
            .step_by(stride)
            .take(bench.limit.unwrap_or(usize::MAX))
            .collect();
        let first = results.len();
        for path in chosen {
            let problem = formats::read_instance(path, Some(format))?;
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let solve = |opts: &SolveOptions| {
                solve_one(
                    set,
                    &file,
                    &problem,
                    refs.get(set, &file),
                    opts,
                    solver,
                    verifier,
                )
            };
            let mut r = solve(opts);
            if bench.repeat {
                let again = solve(opts);
                r.repeat_same =
                    Some(again.status == r.status && again.schedule_hash == r.schedule_hash);
                r.wall_decided |= again.wall_decided;
            }
            if bench.compare_one_thread {
                let one = solve(&SolveOptions {
                    threads: 1,
                    ..opts.clone()
                });
                r.one_thread_makespan = Some(one.makespan.filter(|_| !one.failed()));
                r.one_thread_wall_decided = one.wall_decided;
            }
            if let Some(tell) = bench.progress {
                tell(&progress_line(&r));
            }
            if let Some(f) = csv.as_mut() {
                let _ = writeln!(f, "{}", csv_row(&r));
                let _ = f.flush();
            }
            results.push(r);
        }
        let rows: Vec<&InstanceResult> = results[first..].iter().collect();
        summaries.push(SetSummary::of(set, &rows));
    }
    let all: Vec<&InstanceResult> = results.iter().collect();
    let total = SetSummary::of("total", &all);
    Ok(BenchReport {
        format,
        violations: total.violations,
        conflicts: total.conflicts,
        time_limit_s: opts.time_limit.as_secs_f64(),
        seed: opts.seed,
        threads: opts.threads,
        sets: summaries,
        total,
        instances: results,
    })
}

/// At most this many violation messages are kept per instance.
pub const MAX_VIOLATIONS_KEPT: usize = 20;

/// Solves and checks one instance.
pub fn solve_one(
    set: &str,
    instance: &str,
    problem: &Problem,
    reference: Option<Reference>,
    opts: &SolveOptions,
    solver: Solver<'_>,
    verifier: Verifier<'_>,
) -> InstanceResult {
    let cp_bound = critical_path_bound(problem);
    // the solver's notes (e.g. the wall clock ended a one-thread run)
    let notes = std::sync::Arc::new(crate::progress::Relay::new(opts.progress.clone()));
    let opts = &SolveOptions {
        progress: Some(notes.clone()),
        ..opts.clone()
    };
    let t0 = Instant::now();
    // A solver panic on one instance is recorded as a failure of that
    // instance instead of ending the whole run.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| solver(problem, opts)));
    let time_s = t0.elapsed().as_secs_f64();
    let mut r = InstanceResult {
        set: set.to_string(),
        instance: instance.to_string(),
        activities: problem.activities.len(),
        status: InstanceStatus::NotFound,
        makespan: None,
        lower_bound: None,
        cp_bound,
        reference,
        dev_ref_pct: None,
        dev_cp_pct: None,
        matched_reference: false,
        proven_optimal: false,
        time_s,
        over_time_limit: false,
        violations: Vec::new(),
        conflicts: Vec::new(),
        note: String::new(),
        schedule_hash: None,
        wall_decided: !notes.take_notes().is_empty(),
        repeat_same: None,
        one_thread_makespan: None,
        one_thread_wall_decided: false,
    };
    r.over_time_limit = time_s > opts.time_limit.as_secs_f64() * 1.5 + 1.0;
    let outcome = match outcome {
        Ok(o) => o,
        Err(payload) => {
            r.status = InstanceStatus::Panicked;
            r.violations
                .push(format!("the solver panicked: {}", panic_message(&*payload)));
            return r;
        }
    };
    match outcome {
        Outcome::Solved(sol) => record_solution(&mut r, problem, &sol, verifier),
        Outcome::Infeasible(why) => {
            r.status = InstanceStatus::Infeasible;
            r.note = why;
            if let Some(rm) = reference.and_then(|x| x.makespan) {
                r.conflicts.push(format!(
                    "reported infeasible, but the reference has a schedule of makespan {rm}"
                ));
            }
        }
        Outcome::NotFound(why) => {
            r.status = InstanceStatus::NotFound;
            r.note = why;
        }
    }
    r
}

/// The message of a caught panic (`(no message)` if it is not text).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// Records a schedule the solver returned: checked by the verifier,
/// compared with the bounds and the reference, and given its status.
fn record_solution(
    r: &mut InstanceResult,
    problem: &Problem,
    sol: &Solution,
    verifier: Verifier<'_>,
) {
    r.makespan = Some(sol.makespan);
    r.lower_bound = Some(sol.lower_bound);
    r.schedule_hash = Some({
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        sol.starts.hash(&mut h);
        h.finish()
    });
    check_schedule(r, problem, sol, verifier);
    compare_with_bounds(r, sol);
    r.proven_optimal = sol.lower_bound >= sol.makespan && r.violations.is_empty();
    r.status = if !r.violations.is_empty() {
        InstanceStatus::Invalid
    } else if r.proven_optimal {
        InstanceStatus::Optimal
    } else {
        InstanceStatus::Feasible
    };
}

/// The solver's own mistakes, as violations: a schedule breaking a
/// constraint (at most [`MAX_VIOLATIONS_KEPT`] messages), a wrong
/// makespan, a lower bound above it, a makespan below the critical path.
fn check_schedule(
    r: &mut InstanceResult,
    problem: &Problem,
    sol: &Solution,
    verifier: Verifier<'_>,
) {
    if sol.starts.len() != problem.activities.len() {
        r.violations.push(format!(
            "schedule has {} starts for {} activities",
            sol.starts.len(),
            problem.activities.len()
        ));
    } else {
        r.violations = verifier(problem, &sol.starts);
        if r.violations.len() > MAX_VIOLATIONS_KEPT {
            let more = r.violations.len() - MAX_VIOLATIONS_KEPT;
            r.violations.truncate(MAX_VIOLATIONS_KEPT);
            r.violations.push(format!("... and {more} more"));
        }
        let actual = problem.makespan(&sol.starts);
        if actual != sol.makespan {
            r.violations.push(format!(
                "reported makespan {} but the schedule ends at {actual}",
                sol.makespan
            ));
        }
    }
    if sol.lower_bound > sol.makespan {
        r.violations.push(format!(
            "lower bound {} above the makespan {}",
            sol.lower_bound, sol.makespan
        ));
    }
    if let Some(cp) = r.cp_bound {
        if sol.makespan < cp && r.violations.is_empty() {
            r.violations.push(format!(
                "makespan {} below the critical-path bound {cp}",
                sol.makespan
            ));
        }
    }
}

/// Deviations from the critical-path bound and the reference, and the
/// conflicts with the reference's optimum, bounds or infeasibility.
fn compare_with_bounds(r: &mut InstanceResult, sol: &Solution) {
    if let Some(cp) = r.cp_bound {
        if cp > 0 {
            r.dev_cp_pct = Some(pct(sol.makespan, cp));
        }
    }
    let reference = r.reference;
    let ref_status = reference.map(|x| x.status);
    if let Some(rm) = reference.and_then(|x| x.makespan) {
        if rm > 0 {
            r.dev_ref_pct = Some(pct(sol.makespan, rm));
        }
        r.matched_reference = sol.makespan <= rm;
        if ref_status == Some(RefStatus::Optimal) && sol.makespan < rm {
            r.conflicts.push(format!(
                "makespan {} below the proven optimum {rm}",
                sol.makespan
            ));
        }
        if sol.lower_bound > rm {
            r.conflicts.push(format!(
                "lower bound {} above the reference makespan {rm}",
                sol.lower_bound
            ));
        }
    }
    if let Some(lb) = reference.and_then(|x| x.lower_bound) {
        if sol.makespan < lb {
            r.conflicts.push(format!(
                "makespan {} below the published lower bound {lb}",
                sol.makespan
            ));
        }
    }
    if ref_status == Some(RefStatus::Infeasible) {
        r.conflicts
            .push("a schedule for an instance the reference marks infeasible".into());
    }
}

fn pct(value: Time, base: Time) -> f64 {
    100.0 * (value - base) as f64 / base as f64
}

/// Instance files of `format` by set, in natural order: files directly in
/// `dir` (set named after `dir`), then each immediate subdirectory holding
/// such files (set named after it).
pub fn collect_instances(
    dir: &Path,
    format: Format,
) -> Result<Vec<(String, Vec<PathBuf>)>, InputError> {
    let source = dir.display().to_string();
    let unreadable = |e: std::io::Error| {
        text_reader::error(
            &source,
            0,
            E_BENCH_DIR,
            format!("cannot read the benchmark directory: {e}"),
            "give a directory holding instance files (or subdirectories of them)",
        )
    };
    let set_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| p.display().to_string())
    };
    let mut top = Vec::new();
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if is_instance_file(format, &path) {
            top.push(path);
        }
    }
    let mut sets = Vec::new();
    if !top.is_empty() {
        top.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
        sets.push((set_name(dir), top));
    }
    subdirs.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
    for sub in subdirs {
        let Ok(rd) = std::fs::read_dir(&sub) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_instance_file(format, p))
            .collect();
        if !files.is_empty() {
            files.sort_by(|a, b| natural_cmp(&set_name(a), &set_name(b)));
            sets.push((set_name(&sub), files));
        }
    }
    if sets.is_empty() {
        return Err(text_reader::error(
            &source,
            0,
            E_BENCH_DIR,
            format!(
                "no .{} files in the directory or its subdirectories",
                format.extensions()[0]
            ),
            "check the directory and the --format given",
        ));
    }
    Ok(sets)
}

/// Whether `path` is an instance of `format`: the extension matches, and
/// for PSPLIB it is not one of the result tables that share the `.sm`
/// extension (`j30opt.sm`, `j60hrs.sm`, `j120lb.sm`).
pub fn is_instance_file(format: Format, path: &Path) -> bool {
    if !format.matches(path) {
        return false;
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    !(format == Format::Psplib
        && (stem.ends_with("opt") || stem.ends_with("hrs") || stem.ends_with("lb")))
}

/// Compares names with digit runs as numbers (`j301_2` < `j301_10`),
/// case-insensitively.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.to_ascii_lowercase().chars() {
            let d = c.is_ascii_digit();
            match out.last_mut() {
                Some((ld, buf)) if *ld == d => buf.push(c),
                _ => out.push((d, c.to_string())),
            }
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            _ => x.1.cmp(&y.1),
        };
        if o.is_ne() {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

/// Reads a reference file (see the module docs for the formats accepted).
pub fn load_reference(path: &Path) -> Result<ReferenceTable, InputError> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        text_reader::error(
            &source,
            0,
            E_REFERENCE,
            format!("cannot read the reference file: {e}"),
            "check the path given with --reference",
        )
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    parse_reference(&text, &source, &file)
}

/// Parses reference text; `file_name` tells PSPLIB tables apart
/// (`j30opt.sm` → optima of set `j30`, `j60hrs.sm` → best known of `j60`).
pub fn parse_reference(
    text: &str,
    source: &str,
    file_name: &str,
) -> Result<ReferenceTable, InputError> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let header = first.to_ascii_lowercase();
    if first.contains(',') && (header.contains("instance") || header.starts_with("problem,")) {
        parse_reference_csv(text, source)
    } else {
        parse_psplib_table(text, source, file_name)
    }
}

fn parse_reference_csv(text: &str, source: &str) -> Result<ReferenceTable, InputError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().unwrap_or((0, ""));
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| names.iter().find_map(|n| cols.iter().position(|c| c == n));
    let i_inst = find(&["instance", "name", "problem"]);
    let i_set = find(&["set"]);
    let i_ms = find(&[
        "best_makespan",
        "best_known_makespan",
        "best",
        "makespan",
        "optimum",
        "ub",
        "upper_bound",
    ]);
    let i_lb = find(&["lower_bound", "best_lower_bound", "lb"]);
    let i_status = find(&["status", "kind"]);
    let (Some(i_inst), Some(i_ms)) = (i_inst, i_ms) else {
        return Err(text_reader::error(
            source,
            1,
            E_REFERENCE,
            format!("the header `{header}` lacks an instance or a makespan column"),
            "use the header `instance,best_makespan,status` (status optimal|best|infeasible)",
        ));
    };
    let mut table = ReferenceTable::default();
    for (i, line) in lines {
        let line_no = i + 1;
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |k: Option<usize>| k.and_then(|k| f.get(k)).copied().unwrap_or("");
        let bad = |what: &str, v: &str| {
            text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                format!("{what} `{v}` is not a whole number"),
                "write makespans and bounds as whole numbers, or leave them empty",
            )
        };
        let instance = get(Some(i_inst));
        if instance.is_empty() {
            return Err(text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                "a row without an instance name",
                "every row names its instance",
            ));
        }
        let num = |what: &str, v: &str| -> Result<Option<Time>, InputError> {
            if v.is_empty() {
                Ok(None)
            } else {
                v.parse::<Time>().map(Some).map_err(|_| bad(what, v))
            }
        };
        // The RCPSP/max collections' `optimum.csv` writes one field per
        // instance: the optimum, `lb..ub` for an open one, `unsat` for one
        // proven infeasible.
        let ms_field = get(Some(i_ms));
        let (ms_text, lb_text, implied) = match ms_field.split_once("..") {
            Some((lb, ub)) => (ub, lb, "best"),
            None if ms_field.eq_ignore_ascii_case("unsat") => ("", get(i_lb), "infeasible"),
            None if cols[i_ms] == "optimum" && !ms_field.is_empty() => (ms_field, "", "optimal"),
            None => (ms_field, get(i_lb), ""),
        };
        let makespan = num("the makespan", ms_text)?;
        let lower_bound = num("the lower bound", lb_text)?;
        let status_text = match get(i_status) {
            "" => implied.to_string(),
            s => s.to_ascii_lowercase(),
        };
        let status = match status_text.as_str() {
            "optimal" | "opt" => RefStatus::Optimal,
            "best" | "feasible" | "ub" | "bku" => RefStatus::Best,
            "infeasible" => RefStatus::Infeasible,
            "" => {
                if makespan.is_some() && makespan == lower_bound {
                    RefStatus::Optimal
                } else if makespan.is_none() {
                    return Err(text_reader::error(
                        source,
                        line_no,
                        E_REFERENCE,
                        format!("no makespan and no status for `{instance}`"),
                        "give a makespan, or the status infeasible",
                    ));
                } else {
                    RefStatus::Best
                }
            }
            other => {
                return Err(text_reader::error(
                    source,
                    line_no,
                    E_REFERENCE,
                    format!("unknown status `{other}`"),
                    "status is optimal, best or infeasible",
                ))
            }
        };
        if status != RefStatus::Infeasible && makespan.is_none() {
            return Err(text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                format!("`{instance}` is {status:?} but has no makespan"),
                "give the makespan, or the status infeasible",
            ));
        }
        let set = i_set.map(|k| get(Some(k))).filter(|s| !s.is_empty());
        table.insert(
            set,
            instance,
            Reference {
                makespan,
                lower_bound,
                status,
            },
        );
    }
    Ok(table)
}

/// PSPLIB result tables: rows `parameter instance makespan ...` under a
/// text header; instance names are `<set><parameter>_<instance>`.
fn parse_psplib_table(
    text: &str,
    source: &str,
    file_name: &str,
) -> Result<ReferenceTable, InputError> {
    let lower = file_name.to_ascii_lowercase();
    let set: String = lower
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>();
    let (set, status) = if let Some(s) = set.strip_suffix("opt") {
        (s.to_string(), RefStatus::Optimal)
    } else if let Some(s) = set.strip_suffix("hrs") {
        (s.to_string(), RefStatus::Best)
    } else if let Some(s) = set.strip_suffix("lb") {
        (s.to_string(), RefStatus::Best)
    } else {
        return Err(text_reader::error(
            source,
            0,
            E_REFERENCE,
            "neither a CSV with an `instance` column nor a PSPLIB table (j30opt.sm, j60hrs.sm, ...)",
            "use the header `instance,best_makespan,status`, or PSPLIB's jXXopt.sm / jXXhrs.sm",
        ));
    };
    let mut table = ReferenceTable::default();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 3 {
            continue;
        }
        let (Ok(par), Ok(inst), Ok(ms)) = (
            t[0].parse::<u32>(),
            t[1].parse::<u32>(),
            t[2].parse::<Time>(),
        ) else {
            continue;
        };
        table.insert(
            Some(&set),
            &format!("{set}{par}_{inst}"),
            Reference {
                makespan: Some(ms),
                lower_bound: None,
                status,
            },
        );
    }
    if table.is_empty() {
        return Err(text_reader::error(
            source,
            0,
            E_REFERENCE,
            "no `parameter instance makespan` rows found",
            "is this a PSPLIB jXXopt.sm / jXXhrs.sm table?",
        ));
    }
    Ok(table)
}

/// Header of the per-instance CSV.
pub const CSV_HEADER: &str = "set,instance,activities,status,makespan,lower_bound,cp_bound,\
ref_makespan,ref_status,dev_ref_pct,dev_cp_pct,matched_ref,proven_optimal,time_s,violations,conflicts,detail";

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"").replace('\n', " "))
    } else {
        s.to_string()
    }
}

/// One per-instance CSV row (no newline).
pub fn csv_row(r: &InstanceResult) -> String {
    let detail: Vec<&str> = r
        .violations
        .iter()
        .chain(&r.conflicts)
        .map(String::as_str)
        .chain((!r.note.is_empty()).then_some(r.note.as_str()))
        .take(5)
        .collect();
    [
        csv_field(&r.set),
        csv_field(&r.instance),
        r.activities.to_string(),
        r.status.as_str().to_string(),
        opt(r.makespan),
        opt(r.lower_bound),
        opt(r.cp_bound),
        opt(r.reference.and_then(|x| x.makespan)),
        r.reference
            .map(|x| format!("{:?}", x.status).to_ascii_lowercase())
            .unwrap_or_default(),
        opt(r.dev_ref_pct.map(|x| format!("{x:.4}"))),
        opt(r.dev_cp_pct.map(|x| format!("{x:.4}"))),
        (r.matched_reference as u8).to_string(),
        (r.proven_optimal as u8).to_string(),
        format!("{:.3}", r.time_s),
        r.violations.len().to_string(),
        r.conflicts.len().to_string(),
        csv_field(&detail.join(" | ")),
    ]
    .join(",")
}

/// Writes the per-instance CSV (header and one row per instance).
pub fn write_instances_csv(report: &BenchReport, mut w: impl Write) -> std::io::Result<()> {
    writeln!(w, "{CSV_HEADER}")?;
    for r in &report.instances {
        writeln!(w, "{}", csv_row(r))?;
    }
    Ok(())
}

fn progress_line(r: &InstanceResult) -> String {
    format!(
        "{}/{}: {} makespan {} bound {} cp {} ref {} {:.2}s{}",
        r.set,
        r.instance,
        r.status.as_str(),
        opt(r.makespan),
        opt(r.lower_bound),
        opt(r.cp_bound),
        opt(r.reference.and_then(|x| x.makespan)),
        r.time_s,
        if r.failed() { "  FAILED" } else { "" }
    )
}

/// The report as JSON (pretty-printed).
pub fn render_json(report: &BenchReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The per-set summary as a text table, followed by the failures if any.
pub fn render_table(report: &BenchReport) -> String {
    let mut out = format!(
        "benchmark {} — time limit {}, seed {}, threads {}\n",
        report.format,
        crate::solve::clock::fmt_duration(std::time::Duration::from_secs_f64(report.time_limit_s)),
        report.seed,
        report.threads
    );
    let head = [
        "set",
        "inst",
        "solved",
        "dev_ref%",
        "dev_cp%",
        "matched",
        "optimal",
        "infeasible",
        "not_found",
        "mean_s",
        "max_s",
        "violations",
        "conflicts",
        "panics",
        "overtime",
    ];
    let f2 = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
    let row = |s: &SetSummary| -> Vec<String> {
        vec![
            s.set.clone(),
            s.instances.to_string(),
            s.solved.to_string(),
            f2(s.mean_dev_ref_pct),
            f2(s.mean_dev_cp_pct),
            format!("{}/{}", s.matched_reference, s.with_reference),
            s.proven_optimal.to_string(),
            if s.infeasible_expected > 0 {
                format!("{}/{}", s.infeasible_detected, s.infeasible_expected)
            } else {
                s.infeasible_detected.to_string()
            },
            s.not_found.to_string(),
            format!("{:.2}", s.mean_time_s),
            format!("{:.2}", s.max_time_s),
            s.violations.to_string(),
            s.conflicts.to_string(),
            s.panics.to_string(),
            s.over_time_limit.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    rows.extend(report.sets.iter().map(row));
    if report.sets.len() > 1 {
        rows.push(row(&report.total));
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
    }
    let t = &report.total;
    // The three outcomes mean different things: say which is which.
    out.push_str(&format!(
        "outcomes: {} solved, {} proven infeasible, {} not found within the time limit (not proven impossible)\n",
        t.solved, t.infeasible_detected, t.not_found
    ));
    if t.repeated > 0 {
        out.push_str(&format!(
            "repeat check: {} instances solved twice; {} differed{}\n",
            t.repeated,
            t.not_reproducible + t.differed_wall_decided,
            if t.differed_wall_decided > 0 {
                format!(
                    " ({} after the wall clock ended a run on a busy machine: not counted as failures)",
                    t.differed_wall_decided
                )
            } else {
                String::new()
            }
        ));
    }
    if t.compared_one_thread > 0 {
        out.push_str(&format!(
            "one-thread check: {} instances; one thread better on {}{}, worse on {}, equal on {}\n",
            t.compared_one_thread,
            t.worse_than_one_thread,
            if t.worse_wall_decided > 0 {
                format!(
                    " ({} after the wall clock ended the one-thread run on a busy machine: not counted as failures)",
                    t.worse_wall_decided
                )
            } else {
                String::new()
            },
            t.better_than_one_thread,
            t.compared_one_thread - t.worse_than_one_thread - t.better_than_one_thread
        ));
    }
    let failures = report.failures();
    if failures.is_empty() {
        out.push_str("all schedules verified\n");
    } else {
        out.push_str(&format!("FAILED: {} instance(s)\n", failures.len()));
        for f in failures.iter().take(20) {
            out.push_str(&format!("  {f}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::two_jobs;

    use crate::solve::Solution;

    #[test]
    fn solve_one_counts_violations_and_conflicts() {
        let p = two_jobs();
        let opts = SolveOptions::default();
        let broken = |_: &Problem, _: &SolveOptions| {
            Outcome::Solved(Solution {
                starts: vec![0, 0],
                makespan: 3,
                lower_bound: 3,
            })
        };
        let r = solve_one(
            "s",
            "two",
            &p,
            None,
            &opts,
            &broken,
            &crate::model::verify::verify,
        );
        assert_eq!(r.status, InstanceStatus::Invalid);
        assert!(r.failed());
        assert!(!r.proven_optimal);

        let good = |_: &Problem, _: &SolveOptions| {
            Outcome::Solved(Solution {
                starts: vec![0, 3],
                makespan: 5,
                lower_bound: 5,
            })
        };
        let reference = Reference {
            makespan: Some(5),
            lower_bound: None,
            status: RefStatus::Optimal,
        };
        let r = solve_one(
            "s",
            "two",
            &p,
            Some(reference),
            &opts,
            &good,
            &crate::model::verify::verify,
        );
        assert_eq!(r.status, InstanceStatus::Optimal);
        assert!(!r.failed());
        assert!(r.matched_reference);
        assert_eq!(r.dev_ref_pct, Some(0.0));
        assert_eq!(r.cp_bound, Some(3));

        let infeasible = |_: &Problem, _: &SolveOptions| Outcome::Infeasible("no".into());
        let r = solve_one(
            "s",
            "two",
            &p,
            Some(reference),
            &opts,
            &infeasible,
            &crate::model::verify::verify,
        );
        assert!(
            r.failed(),
            "infeasible against a known schedule is a conflict"
        );

        let lying = |_: &Problem, _: &SolveOptions| {
            Outcome::Solved(Solution {
                starts: vec![0, 3],
                makespan: 4,
                lower_bound: 4,
            })
        };
        let r = solve_one(
            "s",
            "two",
            &p,
            None,
            &opts,
            &lying,
            &crate::model::verify::verify,
        );
        assert!(r.failed(), "misreported makespan is a violation");
    }

    /// The repeat and one-thread checks, on j301_1 with fake solvers built
    /// from a real schedule: one that never gives the same schedule twice,
    /// one that is worse with more threads, and the real one-thread solver.
    #[test]
    fn repeat_and_one_thread_checks_catch_what_they_should() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy("tests/data/j301_1.sm", dir.path().join("j301_1.sm")).unwrap();
        let p = formats::read_instance(&dir.path().join("j301_1.sm"), None).unwrap();
        let one = SolveOptions {
            threads: 1,
            ..SolveOptions::default()
        };
        let Outcome::Solved(base) = crate::solve::solve(&p, &one) else {
            panic!("no schedule")
        };
        // every start later by `by`: still valid (no deadline), longer
        let shifted = |by: Time| {
            Outcome::Solved(Solution {
                starts: base.starts.iter().map(|s| s + by).collect(),
                makespan: base.makespan + by,
                lower_bound: 0,
            })
        };
        let calls = std::sync::atomic::AtomicI64::new(0);
        let flaky = |_: &Problem, _: &SolveOptions| {
            shifted(calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 2)
        };
        let worse_with_two =
            |_: &Problem, o: &SolveOptions| shifted(if o.threads == 1 { 0 } else { 5 });
        let real = |p: &Problem, o: &SolveOptions| crate::solve::solve(p, o);
        let run = |solver: Solver<'_>, opts: &SolveOptions| {
            let bench = BenchOptions {
                repeat: true,
                compare_one_thread: true,
                ..BenchOptions::default()
            };
            run_with(
                dir.path(),
                Format::Psplib,
                None,
                opts,
                &bench,
                solver,
                &crate::model::verify::verify,
            )
            .unwrap()
        };
        let two = SolveOptions {
            threads: 2,
            ..SolveOptions::default()
        };
        let r = run(&flaky, &one);
        assert_eq!(r.total.not_reproducible, 1);
        assert!(!r.passed());
        let r = run(&worse_with_two, &two);
        assert_eq!(r.total.not_reproducible, 0);
        assert_eq!(r.total.worse_than_one_thread, 1);
        assert!(!r.passed());
        assert!(
            r.to_text().contains("one thread better on 1"),
            "{}",
            r.to_text()
        );
        let r = run(&real, &one);
        assert_eq!(r.total.repeated, 1);
        assert_eq!(r.total.not_reproducible + r.total.worse_than_one_thread, 0);
        assert!(r.passed(), "{}", r.to_text());
    }

    #[test]
    fn a_solver_panic_is_a_failure_not_an_abort() {
        let p = two_jobs();
        let boom = |_: &Problem, _: &SolveOptions| -> Outcome { panic!("not yet") };
        let r = solve_one(
            "s",
            "two",
            &p,
            None,
            &SolveOptions::default(),
            &boom,
            &crate::model::verify::verify,
        );
        assert_eq!(r.status, InstanceStatus::Panicked);
        assert!(r.failed());
        assert!(r.violations[0].contains("not yet"), "{:?}", r.violations);
    }

    #[test]
    fn result_tables_are_not_instances() {
        assert!(!is_instance_file(Format::Psplib, Path::new("j30opt.sm")));
        assert!(!is_instance_file(Format::Psplib, Path::new("j60hrs.sm")));
        assert!(is_instance_file(Format::Psplib, Path::new("j301_1.sm")));
        assert!(is_instance_file(Format::RcpspMax, Path::new("PSP1.SCH")));
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["j301_10", "j301_2", "j3010_1", "J301_1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["J301_1", "j301_2", "j301_10", "j3010_1"]);
    }

    #[test]
    fn reference_formats() {
        let own =
            "instance,best_makespan,status\nj301_1,43,optimal\nUBO10_01,,infeasible\nx,50,best\n";
        let t = parse_reference(own, "r.csv", "r.csv").unwrap();
        assert_eq!(t.get("j30", "j301_1.sm").unwrap().makespan, Some(43));
        assert_eq!(
            t.get("any", "ubo10_01.sch").unwrap().status,
            RefStatus::Infeasible
        );
        assert_eq!(t.get("any", "x").unwrap().status, RefStatus::Best);

        let bench = "set,instance,best_known_makespan,best_lower_bound\nj60,j601_1.sm,77,77\nj60,j601_2.sm,70,68\n";
        let t = parse_reference(bench, "reference.csv", "reference.csv").unwrap();
        assert_eq!(
            t.get("j60", "j601_1.sm").unwrap().status,
            RefStatus::Optimal
        );
        assert_eq!(t.get("j60", "j601_2.sm").unwrap().status, RefStatus::Best);
        assert_eq!(t.get("j60", "j601_2.sm").unwrap().lower_bound, Some(68));

        let opt = "Paramter  Instance  Makespan  CPU-Time[sec]\n------\n   1         1         43        0.00\n   1        10         47        0.10\n";
        let t = parse_reference(opt, "j30opt.sm", "j30opt.sm").unwrap();
        assert_eq!(t.get("j30", "j301_10.sm").unwrap().makespan, Some(47));
        assert_eq!(
            t.get("j30", "j301_1.sm").unwrap().status,
            RefStatus::Optimal
        );

        let max = "problem,optimum\npsp1.sch,unsat\npsp3.sch,184..194\npsp5.sch,201\n";
        let t = parse_reference(max, "optimum.csv", "optimum.csv").unwrap();
        assert_eq!(
            t.get("ubo50", "psp1.sch").unwrap().status,
            RefStatus::Infeasible
        );
        let open = t.get("ubo50", "psp3.sch").unwrap();
        assert_eq!(
            (open.status, open.makespan, open.lower_bound),
            (RefStatus::Best, Some(194), Some(184))
        );
        assert_eq!(
            t.get("ubo50", "psp5.sch").unwrap().status,
            RefStatus::Optimal
        );

        let e = parse_reference("instance,best_makespan\nx,abc\n", "r.csv", "r.csv").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E088");
        assert_eq!(e.diagnostics[0].path, "line 2");
        assert!(parse_reference("garbage", "g.txt", "g.txt").is_err());
    }

    #[test]
    fn ambiguous_names_need_the_set() {
        let csv = "set,instance,best_makespan,status\nj10,psp1,20,optimal\nj20,psp1,30,optimal\n";
        let t = parse_reference(csv, "r.csv", "r.csv").unwrap();
        assert_eq!(t.get("j10", "PSP1.SCH").unwrap().makespan, Some(20));
        assert_eq!(t.get("j20", "psp1.sch").unwrap().makespan, Some(30));
        assert_eq!(t.get("j30", "psp1.sch"), None);
    }
}
