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
//!
//! Files: `reference` (the reference tables), `discovery` (which files are
//! instances, in which order), this module (running and checking each),
//! `render` (the table, JSON, CSV and progress lines).

mod discovery;
mod reference;
mod render;

pub use discovery::{collect_instances, is_instance_file, natural_cmp};
pub use reference::{
    instance_key, load_reference, parse_reference, RefStatus, Reference, ReferenceTable,
};
pub use render::{csv_row, render_json, render_table, write_instances_csv, CSV_HEADER};
use render::{or_blank, progress_line};

use crate::bench::formats::{self, critical_path_bound, E_BENCH_DIR};
use crate::bench::text_reader;
use crate::error::InputError;
use crate::model::{Problem, Time};
use crate::solve::{Outcome, Solution, SolveOptions};
use serde::Serialize;
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
                        or_blank(r.one_thread_makespan.flatten()),
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
    if let Some(cp_bound) = r.cp_bound {
        if cp_bound > 0 {
            r.dev_cp_pct = Some(percent_above(sol.makespan, cp_bound));
        }
    }
    let reference = r.reference;
    let ref_status = reference.map(|x| x.status);
    if let Some(ref_makespan) = reference.and_then(|x| x.makespan) {
        if ref_makespan > 0 {
            r.dev_ref_pct = Some(percent_above(sol.makespan, ref_makespan));
        }
        r.matched_reference = sol.makespan <= ref_makespan;
        if ref_status == Some(RefStatus::Optimal) && sol.makespan < ref_makespan {
            r.conflicts.push(format!(
                "makespan {} below the proven optimum {ref_makespan}",
                sol.makespan
            ));
        }
        if sol.lower_bound > ref_makespan {
            r.conflicts.push(format!(
                "lower bound {} above the reference makespan {ref_makespan}",
                sol.lower_bound
            ));
        }
    }
    if let Some(ref_lower_bound) = reference.and_then(|x| x.lower_bound) {
        if sol.makespan < ref_lower_bound {
            r.conflicts.push(format!(
                "makespan {} below the published lower bound {ref_lower_bound}",
                sol.makespan
            ));
        }
    }
    if ref_status == Some(RefStatus::Infeasible) {
        r.conflicts
            .push("a schedule for an instance the reference marks infeasible".into());
    }
}

/// How far `value` is above `base`, in percent of `base`.
fn percent_above(value: Time, base: Time) -> f64 {
    100.0 * (value - base) as f64 / base as f64
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
