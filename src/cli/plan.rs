//! `windowplan plan`: the shortest plan that breaks no rule (or the
//! non-dominated plans with `--pareto`), or a schedule for a PSPLIB /
//! RCPSP/max instance.

use super::common::*;
use super::search_args::{FiveSeconds, SearchArgs};
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;
use windowplan::report::Format;
use windowplan::solve::{Outcome, SolveOptions};

/// Compute the shortest plan that breaks no rule.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Inventory (.yaml, .yml, .json), or a PSPLIB .sm / RCPSP/max .sch instance.
    inventory: PathBuf,
    #[command(flatten)]
    search: SearchArgs<FiveSeconds>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Every task with a `backout` ends early enough to be backed out
    /// by the deadline (end + backout <= deadline).
    #[arg(long)]
    reserve_backout: bool,
    /// No progress spinner.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the final figures and the time of each stage on stderr.
    #[arg(long, short)]
    verbose: bool,
    /// What the plan optimises: the window (then downtime), or downtime (then the window).
    #[arg(long, value_enum, default_value_t = windowplan::solve::Objective::Window)]
    objective: windowplan::solve::Objective,
    /// List the non-dominated (window length, weighted downtime) plans instead of one.
    #[arg(long)]
    pareto: bool,
    /// Which engine solves: the portfolio, or the portfolio then the
    /// time-indexed MILP (good_lp; small windows only).
    #[arg(long, value_enum, default_value_t = windowplan::solve::Engine::Portfolio)]
    engine: windowplan::solve::Engine,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    changes: super::changes::ChangeArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = SolveOptions {
            engine: self.engine,
            objective: self.objective,
            // Ctrl-C stops the search, which returns its best plan so far.
            stop: Some(windowplan::interrupt::flag()),
            ..self.search.solve_options()
        };
        let output = self.output.as_deref();
        if self.pareto && self.changes.given() {
            eprintln!("error: `--changes` is not taken with `--pareto`: plan one window with it");
            return EXIT_BAD_INPUT;
        }
        if self.pareto {
            let json = matches!(self.format, Format::Json);
            return pareto(&self.inventory, &opts, json, output, &self.limits.limits());
        }
        let compile_opts = windowplan::model::CompileOptions {
            reserve_backout: self.reserve_backout,
            ..Default::default()
        };
        let verbosity = match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        };
        let run = Run {
            opts: &opts,
            compile_opts: &compile_opts,
            format: self.format,
            output,
            verbosity,
            limits: &self.limits.limits(),
            changes: &self.changes,
        };
        plan_with(&self.inventory, &run)
    }
}

/// How much `plan` says on stderr besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Verbosity {
    /// No progress (warnings about the result are still given).
    Quiet,
    /// A spinner with the figures while a solve takes over a second, only
    /// when stderr is a terminal.
    #[default]
    Normal,
    /// Also the final figures and the time of each stage, always.
    Verbose,
}

/// What `plan` was asked for, past the inventory's path.
struct Run<'a> {
    opts: &'a SolveOptions,
    compile_opts: &'a windowplan::model::CompileOptions,
    format: Format,
    output: Option<&'a Path>,
    verbosity: Verbosity,
    limits: &'a Limits,
    changes: &'a super::changes::ChangeArgs,
}

/// `windowplan plan` with compile options (`--reserve-backout`) and
/// `--quiet` / `--verbose`.
fn plan_with(path: &Path, run: &Run) -> u8 {
    let Run {
        opts,
        compile_opts,
        format,
        output,
        verbosity,
        limits,
        changes,
    } = *run;
    if let Some(format) = windowplan::bench::formats::Format::from_path(path) {
        return plan_instance(path, format, opts, output);
    }
    match super::campaign::load_campaign(path, limits) {
        Err(code) => return code,
        Ok(Some(c)) => {
            // The campaign planner honours neither: refused rather than
            // silently left out of a plan that would seem to keep them.
            for (given, flag) in [
                (compile_opts.reserve_backout, "--reserve-backout"),
                (changes.given(), "--changes"),
            ] {
                if given {
                    eprintln!("error: `{flag}` is not taken with a campaign (`campaign:`): the campaign planner does not apply it; plan one window with it");
                    return EXIT_BAD_INPUT;
                }
            }
            return super::campaign::plan(&c, opts, format, output);
        }
        Ok(None) => {}
    }
    let started = std::time::Instant::now();
    let mut timings = windowplan::pipeline::Timings::default();
    let (inv, calendar) = match changes.load(path, limits, &mut timings) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    say_warnings(path, &inv);
    // A `max_downtime` below the service's floor is a proof that no plan
    // exists: said as one, without searching.
    if let Some(why) = timings.time("downtime floors", || {
        windowplan::analysis::availability::limits_below_floor(&inv)
    }) {
        return no_plan("plan", true, &why, opts.time_limit);
    }
    // The whole run from here holds the planning policy's budget: the time
    // limit, a quarter more when a re-solve of the whole inventory may
    // follow (`pipeline::solve_budget`), twice that with downtime first,
    // whose verdict (the floors and the core's downtime floor, after the
    // plan) is not cut short by the limit (DESIGN.md, "Limits").
    let verdict = if opts.objective == windowplan::solve::Objective::Downtime {
        2
    } else {
        1
    };
    super::watchdog::budget(
        "plan",
        windowplan::pipeline::solve_budget(&inv, opts.time_limit) * verdict,
    );
    let spinner =
        super::spinner::Spinner::for_stderr(opts.time_limit, verbosity == Verbosity::Quiet);
    let solve_start = std::time::Instant::now();
    let result =
        windowplan::pipeline::plan_inventory_with(&inv, opts, compile_opts, &spinner, &mut timings);
    note_interrupt(result.is_ok());
    let summary = spinner.finish(solve_start.elapsed());
    let show =
        verbosity == Verbosity::Verbose || (verbosity == Verbosity::Normal && spinner.was_shown());
    if show && result.is_ok() {
        eprintln!("plan: {summary}");
    }
    // Notes say what the result means: `-q` hides progress, not them.
    for note in spinner.notes() {
        eprintln!("note: {note}");
    }
    let code = match result {
        Ok(plan) => {
            // Downtime first: the downtime achieved, its floor, and
            // whether it is proven least (the window's status says only
            // how the window compares with its bound).
            if opts.objective == windowplan::solve::Objective::Downtime {
                let verdict = windowplan::analysis::availability::downtime_verdict(&inv, &plan);
                eprintln!(
                    "{}",
                    windowplan::report::availability::verdict_text(&verdict)
                );
            }
            let times: Option<Vec<(i64, i64)>> = plan.starts(&inv).map(|s| {
                s.iter()
                    .zip(&inv.tasks)
                    .map(|(&a, t)| (a, a + t.duration))
                    .collect()
            });
            changes.say_conflicts(&inv, &calendar, times.as_deref());
            timings.time("render and write", || {
                super::pack::write_plan(&inv, &plan, format, output)
            })
        }
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

/// `windowplan plan --pareto`: the non-dominated (window length, weighted
/// downtime) plans found, each re-checked; a table, or the plans as JSON.
fn pareto(
    path: &Path,
    opts: &SolveOptions,
    json: bool,
    output: Option<&Path>,
    limits: &Limits,
) -> u8 {
    let inv = match load(path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    if let Some(why) = windowplan::pipeline::precheck(&inv)
        .or_else(|| windowplan::analysis::availability::limits_below_floor(&inv))
    {
        eprintln!("no feasible plan: {why}");
        return EXIT_NO_PLAN;
    }
    let compiled = windowplan::model::compile(&inv);
    let points = with_notes(opts, |opts| {
        windowplan::solve::pareto(&compiled.problem, opts)
    });
    let points = match points {
        Ok(p) => p,
        Err(Outcome::Infeasible(why)) => {
            let why = windowplan::pipeline::words::infeasible(&inv, &compiled, &why);
            return no_plan("plan", true, &why, opts.time_limit);
        }
        Err(outcome) => return no_schedule("plan", &outcome, opts.time_limit),
    };
    let mut plans = Vec::new();
    for p in &points {
        let violations = windowplan::check::check(&inv, &p.solution.starts);
        if !violations.is_empty() {
            eprint!("{}", windowplan::report::violations(&violations));
            eprintln!("internal error: a Pareto plan broke the rules above; please report it");
            return EXIT_NO_PLAN;
        }
        let plan = windowplan::plan::Plan::build(&inv, &p.solution.starts, p.solution.lower_bound);
        // One accounting: the plan's own per-service downtime (switchovers
        // included), not the core's on-time figure.
        let weighted = windowplan::plan::weighted_downtime(&inv, &plan);
        plans.push((plan, weighted));
    }
    let plans = non_dominated(plans);
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
                        windowplan::base::fmt_minutes(s.downtime_minutes)
                    )
                })
                .collect();
            t.push_str(&format!(
                "  {:>7}  weighted downtime {:>8.1}  {}\n",
                windowplan::base::fmt_minutes(plan.length_minutes),
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

/// The plans no other is at least as good as on both window length and
/// weighted downtime, shortest first (figures from the plan's own
/// accounting, so a point the core's figure kept may drop out here).
fn non_dominated(
    mut plans: Vec<(windowplan::plan::Plan, f64)>,
) -> Vec<(windowplan::plan::Plan, f64)> {
    plans.sort_by(|a, b| {
        a.0.length_minutes
            .cmp(&b.0.length_minutes)
            .then(a.1.total_cmp(&b.1))
    });
    let mut out: Vec<(windowplan::plan::Plan, f64)> = Vec::new();
    for p in plans {
        if out.last().is_none_or(|q| p.1 < q.1) {
            out.push(p);
        }
    }
    out
}

/// `windowplan plan FILE.sm|FILE.sch`: the schedule as JSON with task ids the job numbers.
fn plan_instance(
    path: &Path,
    format: windowplan::bench::formats::Format,
    opts: &SolveOptions,
    output: Option<&Path>,
) -> u8 {
    let problem = match windowplan::bench::formats::read_instance(path, Some(format)) {
        Ok(p) => p,
        Err(e) => return report_input_error(&e),
    };
    let result = with_notes(opts, |opts| {
        windowplan::pipeline::solve_checked(&problem, opts)
    });
    note_interrupt(matches!(result, Outcome::Solved(_)));
    match result {
        Outcome::Solved(sol) => write_or_fail(
            output,
            &windowplan::report::json::instance_to_json(&problem, &sol),
        ),
        outcome => no_schedule("schedule", &outcome, opts.time_limit),
    }
}
