//! What each subcommand does, as library functions returning the process
//! exit code (0 done; 1 proven: no plan exists, or violations found; 2 bad
//! input; 3 no plan found within the time limit, none proven impossible).
//! `main.rs` only parses arguments and calls these.

use crate::error::InputError;
use crate::inventory::Limits;
use crate::solve::{Outcome, SolveOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Exit codes (DESIGN.md).
pub const EXIT_OK: u8 = 0;
pub const EXIT_NO_PLAN: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
/// No plan found within the time limit, and none proven impossible.
pub const EXIT_NOT_FOUND: u8 = 3;

/// Says on stderr why there is no plan (`what`: "plan" or "schedule") and
/// gives the exit code: 1 only when impossibility is proven, else 3 (the
/// time limit `limit` was too short to find one).
fn no_plan(what: &str, proven: bool, why: &str, limit: Duration) -> u8 {
    if proven {
        eprintln!("no feasible {what}: {why}");
        EXIT_NO_PLAN
    } else {
        eprintln!(
            "no {what} found within the time limit of {} (none is proven impossible): {why}; try a longer --time-limit",
            crate::solve::clock::fmt_duration(limit)
        );
        EXIT_NOT_FOUND
    }
}

/// [`no_plan`] for what planning an inventory gave (`None` for a plan).
fn no_plan_for(result: &crate::PlanResult, limit: Duration) -> Option<u8> {
    match result {
        crate::PlanResult::Planned(_) => None,
        crate::PlanResult::Infeasible(why) => Some(no_plan("plan", true, why, limit)),
        crate::PlanResult::NotFound(why) => Some(no_plan("plan", false, why, limit)),
    }
}

/// [`no_plan`] for a solver outcome that is not a schedule.
fn no_schedule(what: &str, outcome: &Outcome, limit: Duration) -> u8 {
    match outcome {
        Outcome::Infeasible(why) => no_plan(what, true, why, limit),
        Outcome::NotFound(why) => no_plan(what, false, why, limit),
        Outcome::Solved(_) => EXIT_OK,
    }
}

/// How `plan` and `report` print a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanOutput {
    /// A table for the terminal.
    Table,
    /// The plan file (DESIGN.md "Plan format").
    Json,
    /// The CAB pack in Markdown.
    Md,
    /// One row per task, for spreadsheets.
    Csv,
    /// iCalendar, one event per task, for change calendars.
    Ics,
    /// One self-contained page with the Gantt chart.
    Html,
    /// The Gantt chart alone.
    Svg,
}

/// Renders a plan in the chosen format. The critical chain is worked out
/// here, for the formats that show it.
pub fn render_plan(
    inv: &crate::inventory::Inventory,
    plan: &crate::plan::Plan,
    format: PlanOutput,
) -> String {
    use crate::report;
    let critical = || critical_chain_ids(inv, plan);
    match format {
        PlanOutput::Table => report::table::render(inv, plan),
        PlanOutput::Json => report::json::to_json(plan),
        PlanOutput::Md => report::markdown::render(inv, plan, &critical()),
        PlanOutput::Csv => report::csv::render(inv, plan),
        PlanOutput::Ics => report::ics::render(inv, plan, &critical()),
        PlanOutput::Html => report::html::render(inv, plan, &critical()),
        PlanOutput::Svg => report::gantt::render(inv, plan, &critical()),
    }
}

/// The name of the Gantt chart written beside a Markdown pack.
pub const PACK_CHART: &str = "gantt.svg";

/// Renders and writes a plan. A Markdown pack written to a file gets its
/// Gantt chart written beside it first (atomically, as `gantt.svg`), so the
/// link in the pack never points at nothing; on stdout the pack says how to
/// get the chart instead.
fn write_plan(
    inv: &crate::inventory::Inventory,
    plan: &crate::plan::Plan,
    format: PlanOutput,
    output: Option<&Path>,
) -> u8 {
    // Only beside a regular file: not beside a device such as /dev/stdout.
    let chart = output
        .filter(|_| format == PlanOutput::Md)
        .filter(|p| std::fs::metadata(p).map_or(true, |m| m.is_file()))
        .map(|p| {
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(PACK_CHART)
        });
    let Some(path) = chart else {
        return write_or_fail(output, &render_plan(inv, plan, format));
    };
    // One critical chain for the chart and the pack.
    let critical = critical_chain_ids(inv, plan);
    let code = write_or_fail(
        Some(&path),
        &crate::report::gantt::render(inv, plan, &critical),
    );
    if code != EXIT_OK {
        return code;
    }
    write_or_fail(
        output,
        &crate::report::markdown::render_with(inv, plan, &critical, Some(PACK_CHART)),
    )
}

/// The ids of the plan's critical chain (none for a plan the inventory
/// cannot place).
fn critical_chain_ids(inv: &crate::inventory::Inventory, plan: &crate::plan::Plan) -> Vec<String> {
    let Some(starts) = plan.starts(inv) else {
        return Vec::new();
    };
    let compiled = crate::model::compile(inv);
    crate::explain::critical_chain(inv, &compiled, &starts)
        .into_iter()
        .map(|l| l.task)
        .collect()
}

/// Parses `10s`, `500ms`, `2m`, `1.5s` or a bare number of seconds.
pub fn parse_time_limit(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a time limit; write e.g. 10s, 500ms or 2m"))?;
    let secs = match unit {
        "ms" => v / 1000.0,
        "s" => v,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        _ => return Err(format!("unknown unit '{unit}' in '{s}'; use ms, s, m or h")),
    };
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(format!("time limit '{s}' must be between 0 and 24h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn report_input_error(e: &InputError) -> u8 {
    eprintln!("{e}");
    EXIT_BAD_INPUT
}

/// Writes `text` to `path` atomically (temporary file in the same folder,
/// then rename), or to stdout when `path` is None.
pub fn write_output(path: Option<&Path>, text: &str) -> std::io::Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        // A device or pipe (`-o /dev/null`, `-o /dev/stdout`) is written in
        // place: renaming a temporary file over it would replace the device
        // with a regular file.
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
            let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
            f.write_all(text.as_bytes())?;
            f.flush()
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let result = (|| {
                let mut f = std::fs::File::create(&tmp)?;
                f.write_all(text.as_bytes())?;
                f.sync_all()?;
                std::fs::rename(&tmp, path)
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result
        }
    }
}

/// [`write_output`], or say why not (exit code 2). A reader that closed
/// its end early (`| head`) is no error: the run stops quietly, as other
/// Unix tools do.
fn write_or_fail(path: Option<&Path>, text: &str) -> u8 {
    match write_output(path, text) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let target = path
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "stdout".into());
            let d = crate::error::Diagnostic::new(
                "E008",
                "",
                format!("cannot write {target}: {e}"),
                "check the folder exists and is writable; nothing was written (an existing file is left as it was)",
            );
            eprintln!("{d}");
            EXIT_BAD_INPUT
        }
    }
}

/// `windowplan validate`.
pub fn validate(path: &Path, limits: &Limits) -> u8 {
    match crate::load_inventory_with(path, limits, &mut crate::Timings::default()) {
        Ok(inv) => {
            let line = format!(
                "{}: valid ({} tasks, {} systems, {} teams)\n",
                path.display(),
                inv.tasks.len(),
                inv.systems.len(),
                inv.teams.len()
            );
            let code = write_or_fail(None, &line);
            if code != EXIT_OK {
                return code;
            }
            match crate::precheck(&inv) {
                None => EXIT_OK,
                Some(why) => {
                    eprintln!("no feasible plan: {why}");
                    EXIT_NO_PLAN
                }
            }
        }
        Err(e) => report_input_error(&e),
    }
}

/// How much `plan` says on stderr besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// No progress (warnings about the result are still given).
    Quiet,
    /// A spinner with the figures while a solve takes over a second, only
    /// when stderr is a terminal.
    #[default]
    Normal,
    /// Also the final figures and the time of each stage, always.
    Verbose,
}

/// `windowplan plan` with compile options (`--reserve-backout`) and
/// `--quiet` / `--verbose`.
pub fn plan_with(
    path: &Path,
    opts: &SolveOptions,
    compile_opts: &crate::model::CompileOptions,
    format: PlanOutput,
    output: Option<&Path>,
    verbosity: Verbosity,
    limits: &Limits,
) -> u8 {
    if let Some(format) = crate::formats::Format::from_path(path) {
        return plan_instance(path, format, opts, output);
    }
    let started = std::time::Instant::now();
    let mut timings = crate::Timings::default();
    let inv = match crate::load_inventory_with(path, limits, &mut timings) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let spinner =
        crate::progress::Spinner::for_stderr(opts.time_limit, verbosity == Verbosity::Quiet);
    let solve_start = std::time::Instant::now();
    let result = crate::plan_inventory_with(&inv, opts, compile_opts, &spinner, &mut timings);
    note_interrupt();
    let summary = spinner.finish(solve_start.elapsed());
    let show =
        verbosity == Verbosity::Verbose || (verbosity == Verbosity::Normal && spinner.was_shown());
    if show && matches!(result, crate::PlanResult::Planned(_)) {
        eprintln!("plan: {summary}");
    }
    // Notes say what the result means: `-q` hides progress, not them.
    for note in spinner.notes() {
        eprintln!("note: {note}");
    }
    let code = match result {
        crate::PlanResult::Planned(plan) => timings.time("render and write", || {
            write_plan(&inv, &plan, format, output)
        }),
        other => no_plan_for(&other, opts.time_limit).unwrap_or(EXIT_NO_PLAN),
    };
    if verbosity == Verbosity::Verbose {
        eprint!(
            "{} tasks; time per stage:\n{}  {:<20} {:>8.3}s\n",
            inv.tasks.len(),
            timings.to_text(),
            "total",
            started.elapsed().as_secs_f64()
        );
    }
    code
}

/// Runs a solve with `opts` and prints the notes the solver gave on what its
/// result means (a one-thread run the wall clock ended).
fn with_notes<R>(opts: &SolveOptions, solve: impl FnOnce(&SolveOptions) -> R) -> R {
    let relay = std::sync::Arc::new(crate::progress::Relay::new(opts.progress.clone()));
    let r = solve(&SolveOptions {
        progress: Some(relay.clone()),
        ..opts.clone()
    });
    for note in relay.take_notes() {
        eprintln!("note: {note}");
    }
    r
}

/// Tells the user, when Ctrl-C stopped the search, that what follows is the
/// best plan found so far (not the result of the full time limit).
fn note_interrupt() {
    if crate::interrupt::requested() {
        eprintln!("interrupted: writing the best plan found so far");
    }
}

/// `windowplan plan --pareto`: the non-dominated (window length, weighted
/// downtime) plans found, each re-checked; a table, or the plans as JSON.
pub fn pareto(
    path: &Path,
    opts: &SolveOptions,
    json: bool,
    output: Option<&Path>,
    limits: &Limits,
) -> u8 {
    let inv = match crate::load_inventory_with(path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    if let Some(why) = crate::precheck(&inv) {
        eprintln!("no feasible plan: {why}");
        return EXIT_NO_PLAN;
    }
    let compiled = crate::model::compile(&inv);
    let points = with_notes(opts, |opts| crate::solve::pareto(&compiled.problem, opts));
    let points = match points {
        Ok(p) => p,
        Err(Outcome::Infeasible(why)) => {
            let why = crate::explain::words::infeasible(&inv, &compiled, &why);
            return no_plan("plan", true, &why, opts.time_limit);
        }
        Err(outcome) => return no_schedule("plan", &outcome, opts.time_limit),
    };
    let mut plans = Vec::new();
    for p in &points {
        let violations = crate::plan::check::check(&inv, &p.solution.starts);
        if !violations.is_empty() {
            eprint!("{}", crate::report::violations(&violations));
            eprintln!("internal error: a Pareto plan broke the rules above; please report it");
            return EXIT_NO_PLAN;
        }
        plans.push((
            crate::plan::Plan::build(&inv, &p.solution.starts, p.solution.lower_bound),
            p.weighted_on_time,
        ));
    }
    let text = if json {
        let v: Vec<serde_json::Value> = plans
            .iter()
            .map(|(plan, w)| serde_json::json!({ "weighted_downtime": w, "plan": plan }))
            .collect();
        let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
        t.push('\n');
        t
    } else {
        let mut t =
            String::from("non-dominated plans (window length against weighted downtime):\n");
        for (plan, w) in &plans {
            let down: Vec<String> = plan
                .services
                .iter()
                .filter(|s| s.downtime_minutes > 0)
                .map(|s| {
                    format!(
                        "{} {}",
                        s.id,
                        crate::report::fmt_minutes(s.downtime_minutes)
                    )
                })
                .collect();
            t.push_str(&format!(
                "  {:>7}  weighted downtime {:>8.1}  {}\n",
                crate::report::fmt_minutes(plan.length_minutes),
                w,
                if down.is_empty() {
                    "no service down".to_string()
                } else {
                    down.join(", ")
                }
            ));
        }
        t
    };
    write_or_fail(output, &text)
}

/// `windowplan generate`: a synthetic estate of about `tasks` tasks.
pub fn generate(
    tasks: usize,
    seed: u64,
    (pressure, format11): (crate::generate::Pressure, bool),
    format: crate::generate::GenFormat,
    output: Option<&Path>,
) -> u8 {
    let mut estate = crate::generate::generate_with(tasks, seed, pressure);
    if format11 {
        crate::generate::to_format11(&mut estate);
    }
    write_or_fail(
        output,
        &crate::generate::render(&estate, format, tasks, seed, pressure),
    )
}

/// What `windowplan generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenKind {
    /// A synthetic estate inventory (YAML or JSON).
    Estate,
    /// PSPLIB single-mode RCPSP instances (`.sm`).
    Psplib,
    /// RCPSP/max instances in ProGen/max format (`.sch`).
    Rcpspmax,
}

/// `windowplan generate --kind psplib|rcpspmax` as given on the command
/// line (`None` / empty: not given, the defaults of
/// [`crate::instgen::SetOptions::new`] apply).
#[derive(Debug, Clone)]
pub struct InstanceRequest {
    pub kind: GenKind,
    pub seed: u64,
    pub output: Option<std::path::PathBuf>,
    pub jobs: Option<usize>,
    pub count: Option<usize>,
    pub nc: Vec<f64>,
    pub rf: Vec<f64>,
    pub rs: Vec<f64>,
    pub max_lags: Vec<f64>,
    pub tightness: Vec<f64>,
    /// Estate-only options that were given (an error for instances).
    pub estate_options: Vec<&'static str>,
}

fn generator_error(d: crate::error::Diagnostic) -> u8 {
    eprintln!("{d}");
    EXIT_BAD_INPUT
}

/// An option given with a `--kind` it does not apply to (`E091`).
pub fn option_needs_kind(option: &str, kinds: &str) -> u8 {
    generator_error(crate::error::Diagnostic::new(
        crate::instgen::E_GEN,
        option,
        format!("{option} applies to --kind {kinds} only"),
        format!("drop {option}, or add --kind {kinds}"),
    ))
}

/// `windowplan generate --kind psplib|rcpspmax -o DIR`: writes every
/// instance of the set (atomically, one file each) and `parameters.csv`
/// into `DIR`.
pub fn generate_instances(req: &InstanceRequest) -> u8 {
    use crate::instgen::{self, Kind, SetOptions};
    let kind = match req.kind {
        GenKind::Estate => return option_needs_kind("--kind", "psplib or rcpspmax"),
        GenKind::Psplib => Kind::Psplib,
        GenKind::Rcpspmax => Kind::RcpspMax,
    };
    if let Some(option) = req.estate_options.first() {
        return option_needs_kind(option, "estate");
    }
    if kind == Kind::Psplib {
        if !req.max_lags.is_empty() {
            return option_needs_kind("--max-lags", "rcpspmax");
        }
        if !req.tightness.is_empty() {
            return option_needs_kind("--tightness", "rcpspmax");
        }
    }
    let Some(dir) = req.output.as_deref() else {
        return generator_error(crate::error::Diagnostic::new(
            instgen::E_GEN,
            "-o",
            format!("--kind {} needs an output directory", kind.name()),
            "add -o DIR: one file per instance and parameters.csv are written there",
        ));
    };
    let mut opts = SetOptions {
        nc: req.nc.clone(),
        rf: req.rf.clone(),
        rs: req.rs.clone(),
        max_lag_share: req.max_lags.clone(),
        tightness: req.tightness.clone(),
        seed: req.seed,
        ..SetOptions::new(kind, req.jobs.unwrap_or(30))
    };
    opts.count = req.count.unwrap_or(opts.count);
    let specs = match instgen::specs(&opts) {
        Ok(s) => s,
        Err(d) => return generator_error(d),
    };
    // Every instance is built once before anything is written (an NC that
    // cannot be met fails here), and again, identically, to write it.
    for spec in &specs {
        if let Err(d) = instgen::generate(spec) {
            return generator_error(d);
        }
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return generator_error(crate::error::Diagnostic::new(
            "E008",
            "",
            format!("cannot create the directory {}: {e}", dir.display()),
            "check the path and permissions; nothing was written",
        ));
    }
    let mut manifest = String::from(instgen::manifest_header());
    for spec in &specs {
        let generated = match instgen::generate(spec) {
            Ok(g) => g,
            Err(d) => return generator_error(d),
        };
        let code = write_or_fail(Some(&dir.join(&spec.file_name)), &generated.text);
        if code != EXIT_OK {
            return code;
        }
        manifest.push_str(&instgen::manifest_row(spec, &generated.figures));
    }
    let code = write_or_fail(Some(&dir.join("parameters.csv")), &manifest);
    if code != EXIT_OK {
        return code;
    }
    {
        let combinations = specs.last().map_or(0, |s| s.combination);
        eprintln!(
            "wrote {} {} instances ({combinations} parameter combination(s) × {}) and parameters.csv to {}",
            specs.len(),
            kind.name(),
            opts.count,
            dir.display()
        );
    }
    EXIT_OK
}

/// `windowplan plan FILE.sm|FILE.sch`: the schedule as JSON with task ids the job numbers.
fn plan_instance(
    path: &Path,
    format: crate::formats::Format,
    opts: &SolveOptions,
    output: Option<&Path>,
) -> u8 {
    let problem = match crate::formats::read_instance(path, Some(format)) {
        Ok(p) => p,
        Err(e) => return report_input_error(&e),
    };
    let result = with_notes(opts, |opts| crate::solve_checked(&problem, opts));
    note_interrupt();
    match result {
        Ok(sol) => write_or_fail(
            output,
            &crate::report::json::instance_to_json(&problem, &sol),
        ),
        Err(outcome) => no_schedule("schedule", &outcome, opts.time_limit),
    }
}

/// `windowplan check [--reserve-backout]`: with the flag, a task that ends
/// after its point of no return (deadline − backout) is a violation too.
pub fn check_with(inv_path: &Path, plan_path: &Path, reserve_backout: bool, limits: &Limits) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let (starts, _) = match read_plan_file(&inv, plan_path, limits) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut violations = crate::plan::check::check(&inv, &starts);
    if reserve_backout {
        violations.extend(crate::plan::check::check_backout(&inv, &starts));
    }
    if violations.is_empty() {
        let line = format!(
            "{}: the plan keeps every rule ({} tasks)\n",
            plan_path.display(),
            inv.tasks.len()
        );
        write_or_fail(None, &line)
    } else {
        match write_or_fail(None, &crate::report::violations(&violations)) {
            EXIT_OK => EXIT_NO_PLAN,
            code => code,
        }
    }
}

/// `windowplan report`: a saved plan (checked first) in another format.
pub fn report(
    inv_path: &Path,
    plan_path: &Path,
    format: PlanOutput,
    output: Option<&Path>,
    limits: &Limits,
) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let (starts, saved) = match read_checked_plan(&inv, plan_path, limits, "reporting it") {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Shown as saved: the board approved the file's status and bound. Only
    // a hand-made plan without them gets the cheap bound, said to be new.
    let (plan, notes) = crate::plan::Plan::build(&inv, &starts, 0).as_saved(&saved, || {
        crate::solve::lower_bound(&crate::model::compile(&inv).problem)
    });
    for note in notes {
        eprintln!("note: {note}");
    }
    write_plan(&inv, &plan, format, output)
}

/// How `whatif` prints the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareOutput {
    Table,
    Json,
    Md,
}

/// `windowplan whatif`.
pub fn whatif(
    inv_path: &Path,
    scenarios: &[std::path::PathBuf],
    opts: &SolveOptions,
    format: CompareOutput,
    output: Option<&Path>,
) -> u8 {
    match crate::whatif::run(inv_path, scenarios, opts) {
        Ok(cmp) => {
            let text = match format {
                CompareOutput::Table => cmp.to_table(),
                CompareOutput::Json => cmp.to_json(),
                CompareOutput::Md => cmp.to_markdown(),
            };
            // The exit code speaks of the inventory given (the first row);
            // each scenario's outcome is in its row.
            match write_or_fail(output, &text) {
                EXIT_OK => match &cmp.base.outcome {
                    crate::whatif::RowOutcome::Infeasible { .. } => EXIT_NO_PLAN,
                    crate::whatif::RowOutcome::NotFound { .. } => EXIT_NOT_FOUND,
                    crate::whatif::RowOutcome::Planned(_) => EXIT_OK,
                },
                code => code,
            }
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            EXIT_BAD_INPUT
        }
    }
}

/// `windowplan risk`: Monte Carlo over three-point durations, keeping the
/// order of a saved plan (checked first) or of a fresh plan.
pub fn risk(
    inv_path: &Path,
    plan_path: Option<&Path>,
    opts: &SolveOptions,
    risk: &crate::risk::RiskOptions,
    json: bool,
    limits: &Limits,
) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let starts = match plan_path {
        Some(plan_path) => match read_checked_plan(&inv, plan_path, limits, "simulating it") {
            Ok((s, _)) => s,
            Err(code) => return code,
        },
        None => match crate::plan_inventory(&inv, opts) {
            crate::PlanResult::Planned(plan) => match plan.starts(&inv) {
                Some(s) => s,
                None => {
                    eprintln!("internal error: the plan does not name every task once");
                    return EXIT_NO_PLAN;
                }
            },
            other => return no_plan_for(&other, opts.time_limit).unwrap_or(EXIT_NO_PLAN),
        },
    };
    let report = crate::risk::simulate(&inv, &starts, risk);
    let text = if json {
        report.to_json()
    } else {
        report.to_text(&inv)
    };
    write_or_fail(None, &text)
}

/// `windowplan schema`.
pub fn schema() -> u8 {
    write_or_fail(None, &crate::schema::inventory_schema_text())
}

/// Reads a saved plan for `inv` and checks it; on failure prints why and
/// gives the exit code (2 unreadable, 1 breaks a rule). `purpose` finishes
/// the sentence "fix it (or re-plan) before …".
fn read_checked_plan(
    inv: &crate::inventory::Inventory,
    plan_path: &Path,
    limits: &Limits,
    purpose: &str,
) -> Result<(Vec<crate::model::Time>, crate::plan::SavedFigures), u8> {
    let (starts, saved) = read_plan_file(inv, plan_path, limits)?;
    let violations = crate::plan::check::check(inv, &starts);
    if !violations.is_empty() {
        eprint!("{}", crate::report::violations(&violations));
        eprintln!("the plan breaks the rules above; fix it (or re-plan) before {purpose}");
        return Err(EXIT_NO_PLAN);
    }
    Ok((starts, saved))
}

/// Reads a saved plan's start times for `inv` (ours or hand-edited), and
/// the figures it states, within the file-size limit; on failure prints
/// why and gives exit code 2.
fn read_plan_file(
    inv: &crate::inventory::Inventory,
    plan_path: &Path,
    limits: &Limits,
) -> Result<(Vec<crate::model::Time>, crate::plan::SavedFigures), u8> {
    let text = crate::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan")
        .map_err(|mut d| {
            if d.code == "E001" {
                d.hint =
                    "give the path of a plan written by `windowplan plan --format json`".into();
            }
            report_input_error(&InputError::one(plan_path.display().to_string(), d))
        })?;
    let starts = crate::plan::read_plan_starts(&text, inv).map_err(|mut e| {
        e.source = plan_path.display().to_string();
        report_input_error(&e)
    })?;
    Ok((starts, crate::plan::read_saved_figures(&text)))
}

/// How `explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainOutput {
    /// Words for a change board.
    Text,
    /// The same as JSON (format `windowplan-explain/1`).
    Json,
}

/// `windowplan explain`: the critical chain and bottlenecks of a plan (the
/// given one, checked first, or one planned here), or, when no plan exists,
/// a small set of rules that together make it impossible (exit 1).
pub fn explain(
    inv_path: &Path,
    plan_path: Option<&Path>,
    format: ExplainOutput,
    opts: &SolveOptions,
    limits: &Limits,
) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let explanation = match plan_path {
        Some(plan_path) => {
            let (starts, saved) = match read_checked_plan(&inv, plan_path, limits, "explaining it")
            {
                Ok(s) => s,
                Err(code) => return code,
            };
            // The saved bound, as approved; computed only when the file has none.
            let bound = saved
                .lower_bound_minutes
                .unwrap_or_else(|| crate::solve::lower_bound(&crate::model::compile(&inv).problem));
            crate::explain::explain_plan(&inv, &starts, bound, true, opts)
        }
        None => crate::explain::explain_inventory(&inv, opts),
    };
    let text = match format {
        ExplainOutput::Text => explanation.to_text(&inv),
        ExplainOutput::Json => explanation.to_json(),
    };
    match write_or_fail(None, &text) {
        EXIT_OK if explanation.has_plan() => EXIT_OK,
        EXIT_OK if explanation.proven_impossible() => EXIT_NO_PLAN,
        EXIT_OK => EXIT_NOT_FOUND,
        code => code,
    }
}

/// `windowplan availability`: each service's least possible downtime, its
/// single points of failure, and re-planned suggestions that bring it to zero.
pub fn availability(inv_path: &Path, json: bool, opts: &SolveOptions, limits: &Limits) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let base = crate::plan_inventory(&inv, opts);
    let report = crate::explain::availability::analyse_from(&inv, &base, opts);
    let text = if json {
        let mut t = serde_json::to_string_pretty(&report).unwrap_or_default();
        t.push('\n');
        t
    } else {
        crate::explain::availability::to_text(&report)
    };
    // The floors hold whatever the solver finds; the exit code still says
    // whether the inventory itself has a plan.
    match write_or_fail(None, &text) {
        EXIT_OK => no_plan_for(&base, opts.time_limit).unwrap_or(EXIT_OK),
        code => code,
    }
}

/// `windowplan graph`.
pub fn graph(path: &Path, json: bool, limits: &Limits) -> u8 {
    let inv = match crate::load_inventory_with(path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return report_input_error(&e),
    };
    let g = crate::graph::TaskGraph::new(&inv);
    let text = if json { g.to_json() } else { g.to_dot() };
    write_or_fail(None, &text)
}

/// `windowplan bench`.
pub fn bench(
    dir: &Path,
    rcpspmax: bool,
    reference: Option<&Path>,
    opts: &SolveOptions,
    bench: &crate::bench::BenchOptions,
) -> u8 {
    let format = if rcpspmax {
        crate::bench::BenchFormat::RcpspMax
    } else {
        crate::bench::BenchFormat::Psplib
    };
    match crate::bench::run(dir, format, reference, opts, bench) {
        Ok(report) => {
            let code = write_or_fail(None, &report.to_text());
            if code != EXIT_OK {
                return code;
            }
            if !report.passed() {
                eprintln!(
                    "the run failed on {} instance(s): a schedule broke a constraint, contradicted a reference, did not repeat, or lost to one thread (listed above)",
                    report.failures().len()
                );
                EXIT_NO_PLAN
            } else {
                EXIT_OK
            }
        }
        Err(e) => report_input_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_parse() {
        assert_eq!(parse_time_limit("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(
            parse_time_limit("500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(parse_time_limit("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_time_limit("3").unwrap(), Duration::from_secs(3));
        assert!(parse_time_limit("soon").is_err());
        assert!(parse_time_limit("5y").is_err());
        assert!(parse_time_limit("-1s").is_err());
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.json");
        write_output(Some(&p), "first").unwrap();
        write_output(Some(&p), "second").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        write_output(Some(Path::new("/dev/null")), "x").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null must stay a device");
    }

    #[test]
    fn unwritable_output_is_bad_input() {
        assert_eq!(
            write_or_fail(Some(Path::new("/nonexistent-dir/x/plan.json")), "x"),
            EXIT_BAD_INPUT
        );
    }
}
