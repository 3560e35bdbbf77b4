//! `windowplan explain`: the critical chain and bottlenecks of a plan, or
//! why no plan exists.

use super::campaign_window::{Target, WindowOfCampaign};
use super::common::*;
use super::search_args::{FiveSeconds, SearchArgs};
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;
use windowplan::solve::SolveOptions;

/// How `explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainOutput {
    /// Words for a change board.
    Text,
    /// The same as JSON (format `windowplan-explain/1`).
    Json,
}

/// Explain a plan (the critical chain, the bottlenecks), or why none exists.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    /// A plan file to explain (checked first); without it, plan here. With
    /// a campaign, the campaign plan (`windowplan-campaign/1`).
    plan: Option<PathBuf>,
    /// The plan file, as the positional PLAN (with a campaign: the campaign plan).
    #[arg(long = "plan", value_name = "PLAN", conflicts_with = "plan")]
    plan_option: Option<PathBuf>,
    /// With a campaign (`campaign:`): the window to explain (its id in the
    /// campaign plan), planned from --plan or by planning the campaign.
    #[arg(long, value_name = "ID")]
    window: Option<String>,
    #[arg(long, value_enum, default_value_t = ExplainOutput::Text)]
    format: ExplainOutput,
    #[command(flatten)]
    search: SearchArgs<FiveSeconds>,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = interruptible(&self.search.solve_options());
        let limits = self.limits.limits();
        let plan = self.plan.as_deref().or(self.plan_option.as_deref());
        let target = super::campaign_window::resolve(
            &self.inventory,
            self.window.as_deref(),
            plan,
            &opts,
            &limits,
            "explaining it",
            false,
        );
        match target {
            Err(code) => code,
            // `resolve` gives the whole campaign only when asked to.
            Ok(Target::Whole(_)) => EXIT_BAD_INPUT,
            Ok(Target::OneWindow) => explain(&self.inventory, plan, self.format, &opts, &limits),
            Ok(Target::Window(w)) => explain_window(&w, self.format, &opts),
        }
    }
}

/// `windowplan explain CAMPAIGN --window ID`: the window's plan in the
/// campaign plan explained as a given plan of a one-window file is.
fn explain_window(w: &WindowOfCampaign, format: ExplainOutput, opts: &SolveOptions) -> u8 {
    let inv = &w.inventory;
    let budget = analysis_budget("explain", inv, opts);
    let explanation = windowplan::analysis::explain::explain_plan_within(
        inv,
        &w.starts,
        w.plan.lower_bound_minutes,
        w.given,
        opts,
        &budget,
    );
    let text = match format {
        ExplainOutput::Text => w.headed(&windowplan::report::explain::text(&explanation, inv)),
        ExplainOutput::Json => w.named_json(&windowplan::report::explain::json(&explanation, inv)),
    };
    write_or_fail(None, &text)
}

/// `windowplan explain`: the critical chain and bottlenecks of a plan (the
/// given one, checked first, or one planned here), or, when no plan exists,
/// a small set of rules that together make it impossible (exit 1).
fn explain(
    inv_path: &Path,
    plan_path: Option<&Path>,
    format: ExplainOutput,
    opts: &SolveOptions,
    limits: &Limits,
) -> u8 {
    let opts = &interruptible(opts);
    let inv = match load(inv_path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    // Planning, then re-plans sharing the limit: the analysis stops
    // starting re-plans at three times --time-limit and says what it left
    // out (DESIGN.md, "Limits"); the watchdog is only the backstop.
    let budget = analysis_budget("explain", &inv, opts);
    let explanation = match plan_path {
        Some(plan_path) => {
            let (starts, saved) = match read_checked_plan(&inv, plan_path, limits, "explaining it")
            {
                Ok(s) => s,
                Err(code) => return code,
            };
            // The saved bound, as approved; computed only when the file has none.
            let bound = saved.lower_bound_minutes.unwrap_or_else(|| {
                windowplan::solve::lower_bound(&windowplan::model::compile(&inv).problem)
            });
            windowplan::analysis::explain::explain_plan_within(
                &inv, &starts, bound, true, opts, &budget,
            )
        }
        None => windowplan::analysis::explain::explain_inventory_within(&inv, opts, &budget),
    };
    let text = match format {
        ExplainOutput::Text => windowplan::report::explain::text(&explanation, &inv),
        ExplainOutput::Json => windowplan::report::explain::json(&explanation, &inv),
    };
    match write_or_fail(None, &text) {
        EXIT_OK if explanation.has_plan() => EXIT_OK,
        EXIT_OK if explanation.proven_impossible() => EXIT_NO_PLAN,
        EXIT_OK => EXIT_NOT_FOUND,
        code => code,
    }
}
