//! `windowplan replan INVENTORY PLAN --progress PROGRESS [--now T]`, and
//! `check` of a saved re-plan. Exit codes as everywhere: 0 done; 1 the
//! deadline cannot be held (or no plan exists, or the check found
//! violations); 2 invalid input, with nothing written; 3 none found in time.

use crate::cli::{PlanOutput, EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_NO_PLAN, EXIT_OK};
use crate::error::InputError;
use crate::inventory::Limits;
use crate::replan::{report, Replan, ReplanOptions, ReplanResult};
use std::path::Path;

/// `windowplan replan` as parsed from the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct ReplanArgs {
    pub inventory: std::path::PathBuf,
    /// The original plan (JSON), or an earlier re-plan, for the changes against it.
    pub plan: std::path::PathBuf,
    /// What has happened so far (YAML or JSON).
    #[arg(long)]
    pub progress: std::path::PathBuf,
    /// The current local time (replaces the progress file's `now`).
    #[arg(long)]
    pub now: Option<String>,
    #[arg(long, value_enum, default_value_t = PlanOutput::Table)]
    pub format: PlanOutput,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(short, long)]
    pub output: Option<std::path::PathBuf>,
    /// How long to search for each plan of the night.
    #[arg(long, default_value = "2s", value_parser = crate::cli::parse_time_limit)]
    pub time_limit: std::time::Duration,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Largest set of optional tasks tried when the deadline cannot be held.
    #[arg(long, default_value_t = 3)]
    pub max_drop: usize,
    /// Most tasks accepted, counted after cluster expansion (default 50000).
    #[arg(long, value_name = "N", default_value_t = crate::inventory::MAX_TASKS)]
    pub max_tasks: usize,
    /// Largest inventory, plan or progress file accepted, in MiB (default 64).
    #[arg(long, value_name = "N", default_value_t = crate::inventory::MAX_FILE_BYTES / (1024 * 1024),
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub max_file_mb: u64,
}

/// `windowplan replan` from its parsed arguments.
pub fn run(a: &ReplanArgs) -> u8 {
    let opts = ReplanOptions {
        solve: crate::solve::SolveOptions {
            time_limit: a.time_limit,
            seed: a.seed,
            threads: a.threads,
            ..Default::default()
        },
        max_drop: a.max_drop,
        ..Default::default()
    };
    let req = ReplanRequest {
        inventory: &a.inventory,
        plan: &a.plan,
        progress: &a.progress,
        now: a.now.as_deref(),
        format: a.format,
        output: a.output.as_deref(),
        limits: Limits {
            max_tasks: a.max_tasks,
            max_file_bytes: a.max_file_mb * 1024 * 1024,
        },
    };
    replan(&req, &opts)
}

/// What `replan` is asked.
#[derive(Debug, Clone)]
pub struct ReplanRequest<'a> {
    pub inventory: &'a Path,
    pub plan: &'a Path,
    pub progress: &'a Path,
    pub now: Option<&'a str>,
    pub format: PlanOutput,
    pub output: Option<&'a Path>,
    pub limits: Limits,
}

fn bad(e: &InputError) -> u8 {
    eprintln!("{e}");
    EXIT_BAD_INPUT
}

/// Renders a re-plan in the chosen format.
pub fn render(r: &Replan, format: PlanOutput) -> String {
    match format {
        PlanOutput::Table => report::table(r),
        PlanOutput::Json => report::to_json(r),
        PlanOutput::Md => report::markdown(r),
        PlanOutput::Csv => report::csv(r),
        PlanOutput::Ics => report::ics(r),
        PlanOutput::Html => report::html(r),
        PlanOutput::Svg => report::svg(r),
    }
}

/// Reads the original plan's start minutes (ours, hand-made, or an earlier
/// re-plan, whose dropped tasks get [`crate::replan::NO_START`]).
fn original_starts(
    inv: &crate::inventory::Inventory,
    path: &Path,
    limits: &Limits,
) -> Result<Vec<crate::model::Time>, InputError> {
    let source = path.display().to_string();
    let text = crate::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .map_err(|d| InputError::one(&source, d))?;
    if crate::replan::check::is_replan(&text) {
        // An earlier re-plan of the night: the tasks it kept.
        return Ok(crate::replan::check::kept_starts(inv, &text));
    }
    crate::plan::read_plan_starts(&text, inv).map_err(|mut e| {
        e.source = source;
        e
    })
}

/// `windowplan replan`.
pub fn replan(req: &ReplanRequest, opts: &ReplanOptions) -> u8 {
    let inv = match crate::load_inventory_with(
        req.inventory,
        &req.limits,
        &mut crate::Timings::default(),
    ) {
        Ok(inv) => inv,
        Err(e) => return bad(&e),
    };
    let original = match original_starts(&inv, req.plan, &req.limits) {
        Ok(s) => s,
        Err(e) => return bad(&e),
    };
    let progress = match crate::replan::progress::load(req.progress, &inv, req.now, &req.limits) {
        Ok(p) => p,
        Err(e) => return bad(&e),
    };
    let w = &inv.window;
    match crate::replan::replan(&inv, &progress, Some(&original), opts) {
        ReplanResult::Planned(r) => {
            if !r.left_out.is_empty() {
                eprintln!(
                    "note: the deadline holds only without the optional task(s) {}",
                    crate::report::join_words(&r.left_out)
                );
            }
            match crate::cli::write_output(req.output, &render(&r, req.format)) {
                Ok(()) => EXIT_OK,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
                Err(e) => {
                    eprintln!("error[E008]: cannot write the re-plan: {e}\n  hint: check the folder exists and is writable; nothing was written");
                    EXIT_BAD_INPUT
                }
            }
        }
        ReplanResult::DeadlineMissed {
            earliest_end,
            bound,
            chain,
            search,
            proven,
        } => {
            eprintln!(
                "the deadline ({}) cannot be held: the rest of the night ends at {} at the earliest found (no plan can end before {}); {search}",
                w.deadline.map(|d| crate::plan::clock(w, d)).unwrap_or_default(),
                crate::plan::clock(w, earliest_end),
                crate::plan::clock(w, bound),
            );
            eprintln!("critical chain from now: {}", chain.join(" → "));
            if proven {
                EXIT_NO_PLAN
            } else {
                eprintln!("(not proven: no plan ending by the deadline was found within the time limit; try a longer --time-limit)");
                EXIT_NOT_FOUND
            }
        }
        ReplanResult::Infeasible(why) => {
            eprintln!("no feasible plan for the rest of the night: {why}");
            EXIT_NO_PLAN
        }
        ReplanResult::NotFound(why) => {
            eprintln!("no plan for the rest of the night found within the time limit (none is proven impossible): {why}; try a longer --time-limit");
            EXIT_NOT_FOUND
        }
    }
}

/// Whether the plan file at `path` is a re-plan (unreadable: no).
pub fn is_replan_file(path: &Path, limits: &Limits) -> bool {
    crate::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .is_ok_and(|t| crate::replan::check::is_replan(&t))
}

/// `windowplan check INVENTORY NEWPLAN` for a re-plan.
pub fn check(inv_path: &Path, plan_path: &Path, limits: &Limits) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return bad(&e),
    };
    let source = plan_path.display().to_string();
    let text = match crate::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan") {
        Ok(t) => t,
        Err(d) => return bad(&InputError::one(&source, d)),
    };
    match crate::replan::check::check_text(&inv, &text, &source) {
        Err(e) => bad(&e),
        Ok(v) if v.is_empty() => {
            println!(
                "{source}: the re-plan keeps every rule ({} tasks)",
                inv.tasks.len()
            );
            EXIT_OK
        }
        Ok(v) => {
            print!("{}", crate::report::violations(&v));
            EXIT_NO_PLAN
        }
    }
}
