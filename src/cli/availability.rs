//! `windowplan availability`: each service's least possible downtime, why,
//! and re-planned suggestions that bring it to zero.

use super::campaign_window::{Target, WholeCampaign, WindowOfCampaign};
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
    /// With a campaign (`campaign:`): the window to analyse (its id in the
    /// campaign plan).
    #[arg(long, value_name = "ID")]
    window: Option<String>,
    /// With a campaign: the campaign plan (`windowplan-campaign/1`, checked
    /// first) that gives the window's tasks and plan; else the campaign is
    /// planned here.
    #[arg(long, value_name = "CAMPAIGN_PLAN")]
    plan: Option<PathBuf>,
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
        let opts = interruptible(&self.search.solve_options());
        let limits = self.limits.limits();
        let json = matches!(self.format, AvailabilityFormat::Json);
        let target = super::campaign_window::resolve(
            &self.inventory,
            self.window.as_deref(),
            self.plan.as_deref(),
            &opts,
            &limits,
            "analysing it",
            true,
        );
        match target {
            Err(code) => code,
            Ok(Target::OneWindow) => {
                if self.plan.is_some() {
                    eprintln!("error: `--plan` gives a campaign plan with `--window` on a campaign; on a one-window file `availability` plans the window itself (drop --plan)");
                    return EXIT_BAD_INPUT;
                }
                availability(&self.inventory, json, &opts, &limits)
            }
            Ok(Target::Window(w)) => availability_of_window(&w, json, &opts),
            Ok(Target::Whole(c)) => availability_of_campaign(&c, json),
        }
    }
}

/// `windowplan availability CAMPAIGN --window ID`: the analysis of a
/// one-window file on the window's inventory, its plan being the window's
/// plan in the campaign plan (so the downtime shown is the campaign's).
fn availability_of_window(w: &WindowOfCampaign, json: bool, opts: &SolveOptions) -> u8 {
    let inv = &w.inventory;
    let budget = analysis_budget("availability", inv, opts);
    let base: windowplan::pipeline::PlanResult = Ok(w.plan.clone());
    let (report, worth) = analyse(inv, &base, opts, &budget);
    let text = if json {
        w.named_json(&windowplan::report::availability::json(&report, &worth))
    } else {
        let mut t = windowplan::report::availability::text(&report);
        t.push_str(&windowplan::report::availability::expand_contract_text(
            &worth,
        ));
        w.headed(&t)
    };
    write_or_fail(None, &text)
}

/// `windowplan availability CAMPAIGN` without `--window`: each service's
/// downtime in each used window of the campaign plan and in total.
fn availability_of_campaign(c: &WholeCampaign, json: bool) -> u8 {
    use windowplan::analysis::campaign_downtime::{campaign_downtime, WindowAt};
    let at: Vec<WindowAt> = c
        .windows
        .iter()
        .map(|w| WindowAt {
            id: &w.id,
            inventory: &w.inventory,
            starts: &w.starts,
        })
        .collect();
    let d = campaign_downtime(&at);
    let free = &c.plan.windows_free;
    let text = if json {
        let plan = if c.given { "given" } else { "planned" };
        windowplan::report::availability::campaign_json(&d, &c.campaign, plan, free)
    } else {
        let source = if c.given {
            "as given"
        } else {
            "as planned here"
        };
        windowplan::report::availability::campaign_text(&d, &c.campaign, source, free)
    };
    write_or_fail(None, &text)
}

/// The availability report and the expand/contract worth of `inv` given
/// what planning it gave (`base`).
fn analyse(
    inv: &windowplan::inventory::Inventory,
    base: &windowplan::pipeline::PlanResult,
    opts: &SolveOptions,
    budget: &windowplan::analysis::budget::Budget,
) -> (
    Vec<windowplan::analysis::availability::ServiceAvailability>,
    Vec<windowplan::analysis::expand_contract::ExpandContractWorth>,
) {
    let report = windowplan::analysis::availability::analyse_within(inv, base, opts, budget);
    // Format 1.2: what each blocking schema change would save done
    // expand/contract, each form planned and checked.
    let worth = windowplan::analysis::expand_contract::worth(inv, base, &budget.limit(opts));
    (report, worth)
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
    let (report, worth) = analyse(&inv, &base, opts, &budget);
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
