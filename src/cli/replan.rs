//! `windowplan replan INVENTORY PLAN --progress PROGRESS [--now T]`, and
//! `check` of a saved re-plan. Exit codes as everywhere: 0 done; 1 the
//! deadline cannot be held (or no plan exists, or the check found
//! violations); 2 invalid input, with nothing written; 3 none found in time.

use super::common::*;
use super::search_args::{SearchArgs, TwoSeconds};
use std::path::{Path, PathBuf};
use windowplan::analysis::replan::{ReplanOptions, ReplanResult};
use windowplan::error::InputError;
use windowplan::inventory::Limits;
use windowplan::report::Format;

/// Re-plan a running window from what has happened so far.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    /// The original plan (JSON), or an earlier re-plan, for the changes against it.
    plan: PathBuf,
    /// What has happened so far (YAML or JSON).
    #[arg(long)]
    progress: PathBuf,
    /// The current local time (replaces the progress file's `now`).
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    search: SearchArgs<TwoSeconds>,
    /// Largest set of optional tasks tried when the deadline cannot be held.
    #[arg(long, default_value_t = 3)]
    max_drop: usize,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = ReplanOptions {
            solve: self.search.solve_options(),
            max_drop: self.max_drop,
            ..Default::default()
        };
        replan(&self, &opts)
    }
}

/// Reads the original plan's start minutes (ours, hand-made, or an earlier
/// re-plan, whose dropped tasks get `NO_START`).
fn original_starts(
    inv: &windowplan::inventory::Inventory,
    path: &Path,
    limits: &Limits,
) -> Result<Vec<windowplan::base::Time>, InputError> {
    let source = path.display().to_string();
    let text = windowplan::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .map_err(|d| InputError::one(&source, d))?;
    if windowplan::check::replan::is_replan(&text) {
        // An earlier re-plan of the night: the tasks it kept.
        return Ok(windowplan::check::replan::kept_starts(inv, &text));
    }
    windowplan::plan::read_plan_starts(&text, inv).map_err(|mut e| {
        e.source = source;
        e
    })
}

/// `windowplan replan`.
fn replan(req: &Args, opts: &ReplanOptions) -> u8 {
    let limits = req.limits.limits();
    match super::campaign::load_campaign(&req.inventory, &limits) {
        Err(code) => return code,
        Ok(Some(c)) => {
            let files = super::campaign_replan::Files {
                plan: &req.plan,
                progress: &req.progress,
                now: req.now.as_deref(),
                output: req.output.as_deref(),
            };
            return super::campaign_replan::replan(&c, &files, req.format, opts, &limits);
        }
        Ok(None) => {}
    }
    let inv = match load(&req.inventory, &limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    let original = match original_starts(&inv, &req.plan, &limits) {
        Ok(s) => s,
        Err(e) => return report_input_error(&e),
    };
    let progress = match windowplan::plan::progress_file::load(
        &req.progress,
        &inv,
        req.now.as_deref(),
        &limits,
    ) {
        Ok(p) => p,
        Err(e) => return report_input_error(&e),
    };
    match windowplan::analysis::replan::replan(&inv, &progress, Some(&original), opts) {
        ReplanResult::Planned(r) => {
            super::night::say_left_out(&r.left_out);
            let text = windowplan::report::replan::render(&r, req.format);
            write_or_fail(req.output.as_deref(), &text)
        }
        other => super::night::night_failure(other, &inv.window),
    }
}

/// Whether the plan file at `path` is a re-plan (unreadable: no).
pub(super) fn is_replan_file(path: &Path, limits: &Limits) -> bool {
    windowplan::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .is_ok_and(|t| windowplan::check::replan::is_replan(&t))
}

/// `windowplan check INVENTORY NEWPLAN` for a re-plan.
pub(super) fn check(inv_path: &Path, plan_path: &Path, limits: &Limits) -> u8 {
    let inv = match load(inv_path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    let source = plan_path.display().to_string();
    let text =
        match windowplan::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan") {
            Ok(t) => t,
            Err(d) => return report_input_error(&InputError::one(&source, d)),
        };
    match windowplan::check::replan::check_text(&inv, &text, &source) {
        Err(e) => report_input_error(&e),
        Ok(v) if v.is_empty() => write_or_fail(
            None,
            &format!(
                "{source}: the re-plan keeps every rule ({} tasks)\n",
                inv.tasks.len()
            ),
        ),
        Ok(v) => match write_or_fail(None, &windowplan::report::violations(&v)) {
            EXIT_OK => EXIT_NO_PLAN,
            code => code,
        },
    }
}
