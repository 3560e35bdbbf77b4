//! `windowplan risk`: how likely the window is to overrun, by Monte Carlo
//! over three-point durations in the plan's order.

use super::common::*;
use super::search_args::{FiveSeconds, SearchArgs};
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;
use windowplan::solve::SolveOptions;

/// How `risk` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum RiskFormat {
    /// A table for the terminal.
    Table,
    /// The report as JSON.
    Json,
}

/// Window risk: Monte Carlo over three-point durations, in the plan's order.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    /// A saved plan (JSON); planned afresh when not given.
    plan: Option<PathBuf>,
    #[arg(long, default_value_t = 2000)]
    samples: usize,
    #[command(flatten)]
    search: SearchArgs<FiveSeconds>,
    #[arg(long, value_enum, default_value_t = RiskFormat::Table)]
    format: RiskFormat,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = self.search.solve_options();
        let risk_opts = windowplan::analysis::risk::RiskOptions {
            samples: self.samples,
            seed: self.search.seed,
        };
        risk(
            &self.inventory,
            self.plan.as_deref(),
            &opts,
            &risk_opts,
            matches!(self.format, RiskFormat::Json),
            &self.limits.limits(),
        )
    }
}

/// `windowplan risk`: Monte Carlo over three-point durations, keeping the
/// order of a saved plan (checked first) or of a fresh plan.
fn risk(
    inv_path: &Path,
    plan_path: Option<&Path>,
    opts: &SolveOptions,
    risk: &windowplan::analysis::risk::RiskOptions,
    json: bool,
    limits: &Limits,
) -> u8 {
    let opts = &interruptible(opts);
    let inv = match load(inv_path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    // A plan (when none is given) within --time-limit, then the samples
    // within another --time-limit; the watchdog is the backstop a limit
    // later (DESIGN.md, "Limits").
    super::watchdog::budget("risk", opts.time_limit.saturating_mul(3));
    let starts = match plan_path {
        Some(plan_path) => match read_checked_plan(&inv, plan_path, limits, "simulating it") {
            Ok((s, _)) => s,
            Err(code) => return code,
        },
        None => match windowplan::pipeline::plan_inventory(&inv, opts) {
            Ok(plan) => match plan.starts(&inv) {
                Some(s) => s,
                None => {
                    eprintln!("internal error: the plan does not name every task once");
                    return EXIT_NO_PLAN;
                }
            },
            other => return no_plan_for(&other, opts.time_limit).unwrap_or(EXIT_NO_PLAN),
        },
    };
    let budget = windowplan::analysis::budget::Budget::within(opts.time_limit)
        .with_stop(Some(windowplan::interrupt::flag()));
    let report = windowplan::analysis::risk::simulate_within(&inv, &starts, risk, &budget);
    if report.samples == 0 && risk.samples > 0 {
        // Nothing to say: no sample was drawn in time.
        if windowplan::interrupt::requested() {
            eprintln!("interrupted: no sample was drawn; nothing was written");
        } else {
            eprintln!(
                "no result within the time limit: no sample was drawn in {:?} (try a longer --time-limit or fewer --samples); nothing was written",
                opts.time_limit
            );
        }
        return EXIT_NOT_FOUND;
    }
    let text = if json {
        windowplan::report::risk::json(&report)
    } else {
        windowplan::report::risk::text(&report, &inv)
    };
    write_or_fail(None, &text)
}
