//! The whole pipeline in one call each: load an inventory (read with limits,
//! validate, and the checks that need the dependency graph), plan it
//! (precheck, compile, solve, verify against the core, re-check against the
//! inventory), and say why no plan exists in the inventory's own words.
//! The CLI and the analyses (explain, availability, what-if) build on these.

pub mod campaign;
pub mod campaign_bounds;
pub mod campaign_whole;
pub mod words;

use crate::error::{self, InputError, NoPlan};
use crate::inventory::{self, Inventory};
use crate::model::{self, Problem};
use crate::plan::{self, Plan};
use crate::solve::{self, Outcome, Solution, SolveOptions};
use crate::{base, graph, progress};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Reads and validates an inventory file, including the checks that need the
/// dependency graph (cycles through derived edges, a deadline shorter than
/// the critical path).
pub fn load_inventory(path: &Path) -> Result<Inventory, InputError> {
    load_inventory_with(path, &inventory::Limits::default(), &mut Timings::default())
}

/// [`load_inventory`] within the given size limits (file size, task count),
/// recording the time of each stage.
pub fn load_inventory_with(
    path: &Path,
    limits: &inventory::Limits,
    timings: &mut Timings,
) -> Result<Inventory, InputError> {
    let inv = timings.time("read + validate", || inventory::load_with(path, limits))?;
    timings.time("dependency cycles", || {
        check_dr_cycles(inv, &path.display().to_string())
    })
}

/// [`load_inventory`] for text already in memory; `source` names it in
/// diagnostics.
pub fn load_inventory_str(
    text: &str,
    format: inventory::Format,
    source: &str,
) -> Result<Inventory, InputError> {
    let inv = inventory::load_str(text, format, source)?;
    check_dr_cycles(inv, source)
}

/// [`load_inventory`] for text from a reader (a socket, stdin, an archive
/// member), within the same limits as a file: no more than
/// `limits.max_file_bytes` is read, then the text is validated as a file's.
pub fn load_inventory_reader(
    reader: impl std::io::Read,
    format: inventory::Format,
    source: &str,
    limits: &inventory::Limits,
) -> Result<Inventory, InputError> {
    let text = inventory::read_limited(reader, limits.max_file_bytes, "inventory", source)
        .map_err(|d| InputError::one(source, d))?;
    let inv = inventory::load_str_with(&text, format, source, limits)?;
    check_dr_cycles(inv, source)
}

fn check_dr_cycles(inv: Inventory, source: &str) -> Result<Inventory, InputError> {
    let cycles = graph::TaskGraph::new(&inv).cycles();
    if cycles.is_empty() {
        return Ok(inv);
    }
    // `after` cycles are caught by validation; what is left runs through
    // edges derived from DR `order`.
    let diagnostics = cycles
        .into_iter()
        .map(|c| {
            error::Diagnostic::new(
                "E059",
                "dr",
                format!("precedence cycle through a DR order: {}", c.join(" → ")),
                "a DR `order` puts every outage of one side first; remove the `after` that asks for the opposite order, or drop the `order`",
            )
        })
        .collect();
    Err(InputError {
        source: source.to_string(),
        diagnostics,
    })
}

/// Wall time of each stage of the pipeline, in order, for `--verbose` and
/// the scale measurements (docs/scale.md).
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Stage name and its wall time, in the order the stages ran.
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Runs `f`, recording its wall time under `stage`.
    pub fn time<R>(&mut self, stage: &'static str, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        self.stages.push((stage, t.elapsed()));
        r
    }

    /// `stage 1.23s` lines.
    pub fn to_text(&self) -> String {
        self.stages
            .iter()
            .map(|(s, d)| format!("  {s:<20} {:>8.3}s\n", d.as_secs_f64()))
            .collect()
    }
}

/// Why no plan can exist, found without search: a task with no room left
/// once its windows, its teams' hours, the blackouts over it and the
/// deadline are taken into account; a deadline shorter than the critical
/// path (the path is named). What holds whatever the blackouts (a task
/// longer than its windows, on both sides of a DR pair, ...) is refused
/// by validation already (`inventory::impossible`).
pub fn precheck(inv: &Inventory) -> Option<String> {
    use base::intervals::{intersect, merge, subtract};
    let end = inv.window.deadline.unwrap_or(inventory::time::MAX_MINUTES);
    let mut reasons = Vec::new();
    // The blackouts that cover every task are taken out of the window once
    // (10 000 of them, once per task, took 17 s at 10 000 tasks); each task
    // then looks at the scoped ones only.
    let global: Vec<model::Interval> = inv
        .blackouts
        .iter()
        .filter(|b| b.covers_everything())
        .map(|b| b.interval)
        .collect();
    let open = subtract(&[model::Interval::new(0, end)], &merge(global));
    let longest_open = open.iter().map(|iv| iv.len()).max().unwrap_or(0);
    let scoped: Vec<&inventory::Blackout> = inv
        .blackouts
        .iter()
        .filter(|b| !b.covers_everything())
        .collect();
    for task in &inv.tasks {
        let plain = task.windows.is_none()
            && task
                .needs
                .iter()
                .all(|&(team, _)| inv.teams[team].available.is_none())
            && !scoped.iter().any(|b| inv.blackout_covers(b, task));
        if plain && longest_open >= task.duration {
            continue;
        }
        let mut room = open.clone();
        if let Some(w) = &task.windows {
            room = intersect(&room, w);
        }
        for &(team, _) in &task.needs {
            if let Some(av) = &inv.teams[team].available {
                room = intersect(&room, av);
            }
        }
        let blackouts: Vec<model::Interval> = scoped
            .iter()
            .filter(|b| inv.blackout_covers(b, task))
            .map(|b| b.interval)
            .collect();
        let room = subtract(&room, &merge(blackouts));
        if room.iter().all(|iv| iv.len() < task.duration) {
            let covering: Vec<&inventory::Blackout> = inv
                .blackouts
                .iter()
                .filter(|b| inv.blackout_covers(b, task))
                .collect();
            reasons.push(words::no_stretch(inv, task, &covering, &room));
        }
    }
    if !reasons.is_empty() {
        return Some(reasons.join("; "));
    }
    let deadline = inv.window.deadline?;
    let cpm = graph::TaskGraph::new(inv).cpm().ok()?;
    if cpm.length <= deadline {
        return None;
    }
    let path: Vec<&str> = cpm
        .critical_path
        .iter()
        .map(|&t| inv.tasks[t].id.as_str())
        .collect();
    Some(format!(
        "the {} deadline allows {} from the {} start, but the critical path {} takes {} (until {}); move the deadline, shorten a task or drop a dependency",
        plan::clock(&inv.window, deadline),
        base::fmt_minutes(deadline),
        plan::clock(&inv.window, 0),
        path.join(" → "),
        base::fmt_minutes(cpm.length),
        plan::clock(&inv.window, cpm.length)
    ))
}

/// What planning an inventory gave: a plan the independent checker
/// accepted, or why there is none ([`NoPlan::Infeasible`] when proven,
/// [`NoPlan::NotFound`] when the time ran out).
pub type PlanResult = Result<Plan, NoPlan>;

/// Compiles, solves and re-checks an inventory. A schedule the independent
/// checker rejects is never returned as a plan: that would be a solver bug,
/// and it is reported as one.
pub fn plan_inventory(inv: &Inventory, opts: &SolveOptions) -> PlanResult {
    plan_inventory_with(
        inv,
        opts,
        &model::CompileOptions::default(),
        &progress::Silent,
        &mut Timings::default(),
    )
}

/// [`plan_inventory`] with compile options (e.g. reserving backout time
/// before the deadline), reporting to `progress` while the solver runs and
/// recording the time of each stage.
pub fn plan_inventory_with(
    inv: &Inventory,
    opts: &SolveOptions,
    compile_opts: &model::CompileOptions,
    progress: &dyn progress::Progress,
    timings: &mut Timings,
) -> PlanResult {
    plan_inventory_prepared(inv, opts, compile_opts, None, progress, timings)
}

/// Changes made to each compilation before it is solved (the re-plan of a
/// night takes its fixed tasks' demands out of the capacities); an error
/// ends that attempt with it.
pub type Prepare<'a> = &'a dyn Fn(&mut model::Compiled) -> Result<(), NoPlan>;

/// Share of the time limit a re-solve of the whole inventory gets at least
/// (see [`plan_inventory_prepared`]).
const RESOLVE_SHARE: u32 = 4;

/// The most time the planning policy can spend solving with `time_limit`
/// (for the CLI's watchdog): the limit, and a quarter of it more when the
/// model leaves far-away blackouts out, since a schedule that breaks one is
/// solved again on the whole inventory (see [`plan_inventory_prepared`]);
/// twice that when a service has a `max_downtime`, whose minute-by-minute
/// encoding the exact engine builds whole, without looking at the clock
/// (measured: the bank with a limit, 3 s, two threads, took 4.1 s in a
/// debug build on a loaded machine; 0.5 s in release).
pub fn solve_budget(inv: &Inventory, time_limit: Duration) -> Duration {
    let budget = match relaxed_horizon(inv) {
        Some(_) => time_limit + time_limit / RESOLVE_SHARE,
        None => time_limit,
    };
    if inv.services.iter().any(|s| s.max_downtime.is_some()) {
        budget * 2
    } else {
        budget
    }
}

/// [`plan_inventory_with`], each compilation changed by `prepare` before it
/// is solved. The one planning policy, for `plan`, the analyses and the
/// re-plan of a night alike:
///
/// 1. the precheck ([`precheck`], and the backout reserve's): a proof that
///    no plan exists ends it (`Infeasible`);
/// 2. compile; without a deadline, the blackouts and unavailable intervals
///    far beyond any sensible window are left out ([`relaxed_horizon`], a
///    relaxation);
/// 3. solve ([`solve::solve`]: its own stages, among them the deadline
///    stage that first solves with the deadline loosened), verify against
///    the core, and check against the inventory;
/// 4. only when the schedule broke a rule the compilation left out (step 2's
///    relaxation): compile the whole inventory and solve once more, with the
///    time left of the limit but at least a quarter of it ([`solve_budget`]).
///
/// Nothing else is retried. Service `max_downtime` is searched with by the
/// solver (on-time limits in schedule generation, aligned variants, the
/// exact engine); a second solve with cluster members kept up, which this
/// policy once had, found no plan the first did not on any CAB suite
/// instance (DESIGN.md, "Rules in the search and in the proofs").
pub fn plan_inventory_prepared(
    inv: &Inventory,
    opts: &SolveOptions,
    compile_opts: &model::CompileOptions,
    prepare: Option<Prepare>,
    progress: &dyn progress::Progress,
    timings: &mut Timings,
) -> PlanResult {
    if let Some(why) = timings.time("precheck", || precheck(inv)) {
        return Err(NoPlan::Infeasible(why));
    }
    if let Some(why) = backout_precheck(inv, compile_opts) {
        return Err(NoPlan::Infeasible(why));
    }
    let started = Instant::now();
    let horizon = relaxed_horizon(inv);
    let relaxed = model::CompileOptions {
        horizon,
        ..*compile_opts
    };
    let compiled = timings.time("compile", || model::compile_with(inv, &relaxed));
    let result = plan_compiled(
        inv,
        &compiled,
        prepare,
        opts,
        compile_opts,
        progress,
        timings,
    );
    let broke_a_left_out_rule =
        matches!(&result, Err(NoPlan::NotFound(why)) if why.starts_with(BROKE_A_RULE));
    if horizon.is_none() || !broke_a_left_out_rule {
        return result;
    }
    let whole = timings.time("compile (whole)", || model::compile_with(inv, compile_opts));
    let rest = SolveOptions {
        time_limit: opts
            .time_limit
            .saturating_sub(started.elapsed())
            .max(opts.time_limit / RESOLVE_SHARE),
        ..opts.clone()
    };
    plan_compiled(inv, &whole, prepare, &rest, compile_opts, progress, timings)
}

/// With `--reserve-backout` and a deadline: the tasks too long to end by
/// the deadline less their backout, in words; None when there are none.
fn backout_precheck(inv: &Inventory, compile_opts: &model::CompileOptions) -> Option<String> {
    let deadline = inv
        .window
        .deadline
        .filter(|_| compile_opts.reserve_backout)?;
    let late: Vec<String> = inv
        .tasks
        .iter()
        .filter_map(|t| {
            let b = t.backout?;
            (t.duration > deadline - b).then(|| {
                format!(
                    "task {} takes {} but must end by {} (the deadline less its backout of {})",
                    t.id,
                    base::fmt_minutes(t.duration),
                    plan::clock(&inv.window, deadline - b),
                    base::fmt_minutes(b)
                )
            })
        })
        .collect();
    (!late.is_empty()).then(|| format!("with --reserve-backout, {}", late.join("; ")))
}

/// Without a deadline, the minute from which blackouts and unavailable
/// intervals are left out of the model (see
/// [`model::CompileOptions::horizon`]), when some would be: the latest end
/// of a task window or team shift, plus four times a quick lower bound on
/// the window's length (the longest task, the busiest system's or team's
/// work), plus a day. Leaving them out is a relaxation: infeasibility and
/// bounds still hold for the inventory, and a schedule that passes the
/// independent checker (which sees every blackout) is a plan of it. (With a
/// deadline, the compiler itself leaves out what starts after it, exactly.)
pub fn relaxed_horizon(inv: &Inventory) -> Option<model::Time> {
    if inv.window.deadline.is_some() {
        return None;
    }
    let finite_end = |ivs: &[base::Interval]| {
        ivs.iter()
            .map(|i| {
                if i.end < base::MINUTE_LIMIT {
                    i.end
                } else {
                    i.start
                }
            })
            .max()
            .unwrap_or(0)
    };
    let mut latest = 0;
    for t in &inv.tasks {
        latest = latest.max(t.windows.as_deref().map_or(0, finite_end));
    }
    for team in &inv.teams {
        latest = latest.max(team.available.as_deref().map_or(0, finite_end));
    }
    let mut per_system = vec![0i64; inv.systems.len()];
    let mut per_team = vec![0i64; inv.teams.len()];
    let mut longest = 0;
    for t in &inv.tasks {
        longest = longest.max(t.duration);
        for &s in &t.systems {
            per_system[s] = per_system[s].saturating_add(t.duration);
        }
        for &(k, amount) in &t.needs {
            per_team[k] = per_team[k].saturating_add(t.duration.saturating_mul(amount as i64));
        }
    }
    let busiest_system = inv
        .systems
        .iter()
        .zip(&per_system)
        .map(|(s, w)| w / i64::from(s.parallel_changes.max(1)))
        .max()
        .unwrap_or(0);
    let busiest_team = inv
        .teams
        .iter()
        .zip(&per_team)
        .map(|(t, w)| w / i64::from(t.capacity.max(1)))
        .max()
        .unwrap_or(0);
    let bound = longest.max(busiest_system).max(busiest_team);
    let horizon = latest
        .saturating_add(bound.saturating_mul(4))
        .saturating_add(24 * 60);
    let beyond = inv.blackouts.iter().any(|b| b.interval.start >= horizon)
        || inv
            .systems
            .iter()
            .any(|s| s.unavailable.iter().any(|u| u.interval.start >= horizon));
    beyond.then_some(horizon)
}

/// How the message begins when the independent checker refused the
/// solver's schedule.
const BROKE_A_RULE: &str = "internal error: the solver's schedule broke";

/// Solves one compilation of an inventory (changed by `prepare` first) and
/// re-checks the schedule.
fn plan_compiled(
    inv: &Inventory,
    compiled: &model::Compiled,
    prepare: Option<Prepare>,
    opts: &SolveOptions,
    compile_opts: &model::CompileOptions,
    progress: &dyn progress::Progress,
    timings: &mut Timings,
) -> PlanResult {
    let prepared;
    let compiled = match prepare {
        Some(prepare) => {
            let mut changed = compiled.clone();
            prepare(&mut changed)?;
            prepared = changed;
            &prepared
        }
        None => compiled,
    };
    // The solver reports to a relay it owns a share of; the ticking thread
    // passes the figures on to `progress` (borrowed, so not the solver's).
    let relay = Arc::new(progress::Relay::new(opts.progress.clone()));
    let opts = &SolveOptions {
        progress: Some(relay.clone()),
        ..opts.clone()
    };
    let outcome = timings.time("solve", || {
        solve_with_ticks(progress, &relay, || solve::solve(&compiled.problem, opts))
    });
    let solved = match outcome {
        Outcome::Solved(sol) => {
            timings.time("verify (core)", || verify_solution(&compiled.problem, sol))
        }
        other => other,
    };
    match solved {
        Outcome::Solved(sol) => {
            let mut violations = timings.time("check", || crate::check::check(inv, &sol.starts));
            if compile_opts.reserve_backout {
                violations.extend(crate::check::check_backout(inv, &sol.starts));
            }
            if violations.is_empty() {
                // (only a schedule the checker accepted is shown as the best)
                progress.improved(sol.makespan, sol.lower_bound);
                let plan = timings.time("build plan", || {
                    Plan::build(inv, &sol.starts, sol.lower_bound)
                });
                // Downtime first, `optimal` needs the least downtime proven
                // too.
                let downtime_first = opts.objective == solve::Objective::Downtime
                    && compiled.problem.limits.iter().any(|l| l.weight > 0.0);
                let proven =
                    !downtime_first || solve::downtime_proven(&compiled.problem, &sol.starts);
                Ok(if proven { plan } else { plan.not_proven() })
            } else {
                let words: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
                Err(NoPlan::NotFound(format!(
                    "{BROKE_A_RULE} {} rule(s) of the inventory; please report it: {}",
                    words.len(),
                    words.join("; ")
                )))
            }
        }
        // The core speaks of activities and minutes: say it in the
        // inventory's words and the window's wall-clock time.
        Outcome::Infeasible(why) => Err(NoPlan::Infeasible(words::infeasible(inv, compiled, &why))),
        Outcome::NotFound(why) => Err(NoPlan::NotFound(words::not_found(&why))),
    }
}

/// Runs `f` while a side thread ticks `progress` every 100 ms, so elapsed
/// time and time left show even before the solver reports anything itself.
fn solve_with_ticks<R: Send>(
    progress: &dyn progress::Progress,
    relay: &progress::Relay,
    f: impl FnOnce() -> R + Send,
) -> R {
    let start = Instant::now();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let ticker = s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some((m, b)) = relay.take() {
                    progress.improved(m, b);
                }
                progress.tick(start.elapsed());
                std::thread::park_timeout(Duration::from_millis(100));
            }
        });
        let r = f();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        ticker.thread().unpark();
        for note in relay.take_notes() {
            progress.note(&note);
        }
        r
    })
}

/// Solves a core problem and verifies the schedule against the core
/// constraints: `Solved` only with a schedule the verifier accepts; one
/// that fails is turned into `NotFound` with the violations, never
/// returned.
pub fn solve_checked(problem: &Problem, opts: &SolveOptions) -> Outcome {
    match solve::solve(problem, opts) {
        Outcome::Solved(sol) => verify_solution(problem, sol),
        other => other,
    }
}

/// The solution, if the core verifier accepts it, or `NotFound` with the
/// violations.
fn verify_solution(problem: &Problem, sol: Solution) -> Outcome {
    let violations = model::verify::verify(problem, &sol.starts);
    if violations.is_empty() {
        Outcome::Solved(sol)
    } else {
        Outcome::NotFound(format!(
            "internal error: the solver's schedule broke {} core constraint(s); please report it: {}",
            violations.len(),
            violations.join("; ")
        ))
    }
}
