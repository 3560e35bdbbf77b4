//! `windowplan availability`: each service's least possible downtime, why,
//! and re-planned suggestions that bring it to zero.

use super::common::*;
use super::search_args::{FiveSeconds, SearchArgs};
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;
use windowplan::solve::SolveOptions;

/// How `availability` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum AvailabilityFormat {
    /// Words for a change board.
    Text,
    /// The report as JSON.
    Json,
}

/// Each service's least possible downtime, why, and what would bring it to zero.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    #[arg(long, value_enum, default_value_t = AvailabilityFormat::Text)]
    format: AvailabilityFormat,
    #[command(flatten)]
    search: SearchArgs<FiveSeconds>,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = self.search.solve_options();
        availability(
            &self.inventory,
            matches!(self.format, AvailabilityFormat::Json),
            &opts,
            &self.limits.limits(),
        )
    }
}

/// `windowplan availability`: each service's least possible downtime, its
/// single points of failure, and re-planned suggestions that bring it to zero.
fn availability(inv_path: &Path, json: bool, opts: &SolveOptions, limits: &Limits) -> u8 {
    let opts = &interruptible(opts);
    let inv = match load(inv_path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    // Planning, then re-plans sharing the limit: the analysis stops
    // starting re-plans at three times --time-limit and says what it left
    // out (DESIGN.md, "Limits"); the watchdog is only the backstop.
    let budget = analysis_budget("availability", &inv, opts);
    let base = windowplan::analysis::availability::plan_or_floor_proof(&inv, &budget.limit(opts));
    let report = windowplan::analysis::availability::analyse_within(&inv, &base, opts, &budget);
    // Format 1.2: what each blocking schema change would save done
    // expand/contract, each form planned and checked.
    let worth = windowplan::analysis::expand_contract::worth(&inv, &base, &budget.limit(opts));
    let text = if json {
        windowplan::report::availability::json(&report, &worth)
    } else {
        let mut t = windowplan::report::availability::text(&report);
        t.push_str(&windowplan::report::availability::expand_contract_text(
            &worth,
        ));
        t
    };
    // The floors hold whatever the solver finds; the exit code still says
    // whether the inventory itself has a plan.
    match write_or_fail(None, &text) {
        EXIT_OK => no_plan_for(&base, opts.time_limit).unwrap_or(EXIT_OK),
        code => code,
    }
}
