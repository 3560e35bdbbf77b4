//! `windowplan risk`: how likely the window is to overrun, by Monte Carlo
//! over three-point durations in the plan's order.

use super::campaign_window::{Target, WindowOfCampaign};
use super::common::*;
use super::search_args::{FiveSeconds, SearchArgs};
use std::path::{Path, PathBuf};
use std::time::Duration;
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
    /// A saved plan (JSON); planned afresh when not given. With a
    /// campaign, the campaign plan (`windowplan-campaign/1`).
    plan: Option<PathBuf>,
    /// The saved plan, as the positional PLAN (with a campaign: the campaign plan).
    #[arg(long = "plan", value_name = "PLAN", conflicts_with = "plan")]
    plan_option: Option<PathBuf>,
    /// With a campaign (`campaign:`): the window to simulate (its id in the
    /// campaign plan), planned from --plan or by planning the campaign.
    #[arg(long, value_name = "ID")]
    window: Option<String>,
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
        let opts = interruptible(&opts);
        let limits = self.limits.limits();
        let json = matches!(self.format, RiskFormat::Json);
        let plan = self.plan.as_deref().or(self.plan_option.as_deref());
        let target = super::campaign_window::resolve(
            &self.inventory,
            self.window.as_deref(),
            plan,
            &opts,
            &limits,
            "simulating it",
            false,
        );
        match target {
            Err(code) => code,
            // `resolve` gives the whole campaign only when asked to.
            Ok(Target::Whole(_)) => EXIT_BAD_INPUT,
            Ok(Target::OneWindow) => risk(&self.inventory, plan, &opts, &risk_opts, json, &limits),
            Ok(Target::Window(w)) => {
                let inv = &w.inventory;
                // The window's plan is at hand: the samples, then the backstop.
                super::watchdog::budget("risk", watchdog_budget(inv, opts.time_limit, false));
                simulate(inv, &w.starts, &opts, &risk_opts, json, Some(&w))
            }
        }
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
    super::watchdog::budget(
        "risk",
        watchdog_budget(&inv, opts.time_limit, plan_path.is_none()),
    );
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
    simulate(&inv, &starts, opts, risk, json, None)
}

/// The samples drawn in the order of the plan `starts` and the report
/// written (headed by the campaign's window `window`, when one).
fn simulate(
    inv: &windowplan::inventory::Inventory,
    starts: &[windowplan::model::Time],
    opts: &SolveOptions,
    risk: &windowplan::analysis::risk::RiskOptions,
    json: bool,
    window: Option<&WindowOfCampaign>,
) -> u8 {
    let budget = windowplan::analysis::budget::Budget::within(opts.time_limit)
        .with_stop(Some(windowplan::interrupt::flag()));
    let report = windowplan::analysis::risk::simulate_within(inv, starts, risk, &budget);
    if report.samples == 0 && risk.samples > 0 {
        // Nothing to say: no sample was drawn in time.
        if windowplan::interrupt::requested() {
            eprintln!("interrupted: no sample was drawn; nothing was written");
        } else {
            eprintln!(
                "no result within the time limit: no sample was drawn in {} (try a longer --time-limit or fewer --samples); nothing was written",
                windowplan::base::fmt_duration(opts.time_limit)
            );
        }
        return EXIT_NOT_FOUND;
    }
    let text = match (json, window) {
        (true, None) => windowplan::report::risk::json(&report),
        (false, None) => windowplan::report::risk::text(&report, inv),
        (true, Some(w)) => w.named_json(&windowplan::report::risk::json(&report)),
        (false, Some(w)) => w.headed(&windowplan::report::risk::text(&report, inv)),
    };
    write_or_fail(None, &text)
}

/// The watchdog's budget for `risk`, from the end of loading: a fresh plan
/// (when none is given) within the planning policy's budget
/// (`pipeline::solve_budget`, as `plan` has), the samples within
/// --time-limit, then the backstop of the other analyses
/// ([`analysis_budget`]: `solve_budget` more) (DESIGN.md, "Limits").
fn watchdog_budget(
    inv: &windowplan::inventory::Inventory,
    limit: Duration,
    fresh_plan: bool,
) -> Duration {
    let planning = if fresh_plan {
        windowplan::pipeline::solve_budget(inv, limit)
    } else {
        Duration::ZERO
    };
    let backstop = windowplan::pipeline::solve_budget(inv, limit);
    planning.saturating_add(limit).saturating_add(backstop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(services: &str) -> windowplan::inventory::Inventory {
        let text = format!(
            "window: {{ start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T04:00 }}\nsystems: [{{ id: db }}]\ntasks: [{{ id: patch, system: db, duration: 30m }}]\n{services}"
        );
        windowplan::load_inventory_str(&text, windowplan::inventory::Format::Yaml, "t.yaml")
            .unwrap()
    }

    /// A fresh plan may take the planning policy's whole budget (twice the
    /// limit with a `max_downtime`, as `plan` allows it), then the samples
    /// a limit: the watchdog ends neither early.
    #[test]
    fn the_watchdog_leaves_room_for_the_planning_policy_and_the_samples() {
        let limit = Duration::from_secs(10);
        let capped = inventory("services: [{ id: shop, requires: [db], max_downtime: 1h }]\n");
        let planning = windowplan::pipeline::solve_budget(&capped, limit);
        assert_eq!(planning, limit * 2);
        let budget = watchdog_budget(&capped, limit, true);
        assert!(budget >= planning + limit + limit, "{budget:?}");
        // A saved plan is not planned again: only the samples and the backstop.
        assert_eq!(watchdog_budget(&capped, limit, false), limit + planning);
        // Without a cap, as before: plan, samples, backstop.
        let plain = inventory("");
        assert_eq!(watchdog_budget(&plain, limit, true), limit * 3);
    }
}
