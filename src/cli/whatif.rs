//! `windowplan whatif`: the inventory and what-if scenarios planned side
//! by side.

use super::common::*;
use super::search_args::{SearchArgs, ThreeSecondsOneThread};
use std::path::{Path, PathBuf};
use windowplan::solve::SolveOptions;

/// How `whatif` prints the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareOutput {
    Table,
    Json,
    Md,
}

/// Plan the inventory and what-if scenarios side by side.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    /// Scenario file (YAML/JSON): `{name, note, patch}` or a list of them. Repeatable.
    #[arg(long = "scenario", required_unless_present_any = ["one_window_fewer", "expand_contract"])]
    scenarios: Vec<PathBuf>,
    /// Format 1.2: what each blocking schema change (a task that is an
    /// outage of one system with `down:` naming the app it stops) would save
    /// and cost done expand/contract, both forms planned and checked; in the
    /// base and each scenario, or across a campaign's windows. Name tasks to
    /// compare only those; alone, every blocking schema change.
    #[arg(long, num_args = 0.., value_name = "TASK", conflicts_with = "one_window_fewer")]
    expand_contract: Option<Vec<String>>,
    /// Campaigns (format 1.2): can the campaign be done in one window fewer?
    /// (planned again without the last window its plan uses)
    #[arg(long, conflicts_with = "scenarios")]
    one_window_fewer: bool,
    #[arg(long, value_enum, default_value_t = CompareOutput::Table)]
    format: CompareOutput,
    #[command(flatten)]
    search: SearchArgs<ThreeSecondsOneThread>,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        // Scenarios are planned in parallel, one thread each.
        let opts = self.search.solve_options();
        if self.one_window_fewer {
            return fewer(
                &self.inventory,
                &opts,
                self.output.as_deref(),
                &self.limits.limits(),
            );
        }
        let limits = self.limits.limits();
        if let Some(tasks) = &self.expand_contract {
            match super::campaign::load_campaign(&self.inventory, &limits) {
                Err(code) => return code,
                Ok(Some(c)) if self.scenarios.is_empty() => {
                    return campaign_expand_contract(
                        &self.inventory,
                        &c,
                        tasks,
                        &opts,
                        self.format,
                        self.output.as_deref(),
                        &limits,
                    )
                }
                Ok(Some(_)) => {
                    eprintln!("error: --scenario is not available on a campaign (`campaign:`); give --expand-contract alone");
                    return EXIT_BAD_INPUT;
                }
                Ok(None) => {}
            }
        }
        whatif(
            &self.inventory,
            &self.scenarios,
            &opts,
            self.format,
            self.output.as_deref(),
            &limits,
            self.expand_contract.as_deref(),
        )
    }
}

/// `windowplan whatif`.
fn whatif(
    inv_path: &Path,
    scenarios: &[std::path::PathBuf],
    opts: &SolveOptions,
    format: CompareOutput,
    output: Option<&Path>,
    limits: &windowplan::inventory::Limits,
    expand_contract: Option<&[String]>,
) -> u8 {
    match windowplan::analysis::whatif::run(inv_path, scenarios, opts, limits, expand_contract) {
        Ok(cmp) => {
            for (source, w) in &cmp.warnings {
                say_warning(source, w);
            }
            let text = match format {
                CompareOutput::Table => windowplan::report::whatif::table(&cmp),
                CompareOutput::Json => windowplan::report::whatif::json(&cmp),
                CompareOutput::Md => windowplan::report::whatif::markdown(&cmp),
            };
            // The exit code speaks of the inventory given (the first row);
            // each scenario's outcome is in its row.
            match write_or_fail(output, &text) {
                EXIT_OK => match &cmp.base.outcome {
                    windowplan::analysis::whatif::RowOutcome::Infeasible { .. } => EXIT_NO_PLAN,
                    windowplan::analysis::whatif::RowOutcome::NotFound { .. } => EXIT_NOT_FOUND,
                    windowplan::analysis::whatif::RowOutcome::Planned(_) => EXIT_OK,
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

/// `windowplan whatif CAMPAIGN --one-window-fewer`: the campaign planned
/// with half the time, then without its last window with the other half.
fn fewer(
    path: &Path,
    opts: &SolveOptions,
    output: Option<&Path>,
    limits: &windowplan::inventory::Limits,
) -> u8 {
    use windowplan::analysis::campaign::{one_window_fewer, FewerWindows};
    let c = match super::campaign::load_campaign(path, limits) {
        Err(code) => return code,
        Ok(Some(c)) => c,
        Ok(None) => {
            eprintln!("error: --one-window-fewer asks about a campaign (`campaign:` instead of `window:`); {} has one window", path.display());
            return EXIT_BAD_INPUT;
        }
    };
    let half = SolveOptions {
        time_limit: opts.time_limit / 2,
        threads: 0,
        ..opts.clone()
    };
    let base = match windowplan::pipeline::campaign::plan_campaign(&c, &half) {
        Ok(b) => b,
        Err(windowplan::error::NoPlan::Infeasible(why)) => {
            eprintln!("no feasible campaign plan: {why}");
            return EXIT_NO_PLAN;
        }
        Err(windowplan::error::NoPlan::NotFound(why)) => {
            eprintln!("{why}; try a longer --time-limit");
            return EXIT_NOT_FOUND;
        }
    };
    let used = base.plan.windows_used;
    let text = match one_window_fewer(&c, &base, &half) {
        FewerWindows::Yes { without, plan } => format!(
            "one window fewer: yes — without {without}, {} windows instead of {used} (status {}, weighted downtime {}, {} minutes in all; was {}, {} minutes); windows used: {}\n",
            plan.plan.windows_used,
            plan.plan.status,
            plan.plan.downtime_weighted,
            plan.plan.length_minutes_total,
            base.plan.downtime_weighted,
            base.plan.length_minutes_total,
            plan.plan.windows.iter().map(|w| w.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
        FewerWindows::No {
            why,
            every_set: true,
            ..
        } => format!("one window fewer: no (proven) — the plan uses {used} windows: {why}\n"),
        // Only giving up the last window is proven impossible: giving up
        // another one instead was not tried (DESIGN.md, "Campaigns").
        FewerWindows::No { without, why, .. } => format!(
            "one window fewer: not without {without} (proven) — the plan uses {used} windows, the last {without}: {why}; giving up another window instead was not tried\n"
        ),
        FewerWindows::Unknown { without, why } => format!(
            "one window fewer: not known — no plan without {without} was found in the time given ({why}); try a longer --time-limit\n"
        ),
    };
    write_or_fail(output, &text)
}

/// `windowplan whatif CAMPAIGN --expand-contract [TASK…]`: each blocking
/// schema change of the campaign, the campaign planned as written and with
/// it written expand/contract (each plan passes the campaign check).
fn campaign_expand_contract(
    path: &Path,
    c: &windowplan::inventory::campaign::Campaign,
    tasks: &[String],
    opts: &SolveOptions,
    format: CompareOutput,
    output: Option<&Path>,
    limits: &windowplan::inventory::Limits,
) -> u8 {
    let source = path.display().to_string();
    let doc = windowplan::inventory::Format::from_path(path)
        .ok_or_else(|| "unknown file format".to_string())
        .and_then(|format| {
            let text =
                windowplan::inventory::read_text_limited(path, limits.max_file_bytes, "inventory")
                    .map_err(|d| d.to_string())?;
            windowplan::inventory::parse_value(&text, format).map_err(|d| d.to_string())
        });
    let doc = match doc {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {source}: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let worth = match windowplan::analysis::expand_contract_campaign::campaign_worth(
        &doc, c, tasks, &source, limits, opts,
    ) {
        Ok(w) => w,
        Err(msg) => {
            return report_input_error(&windowplan::error::InputError::one(
                source,
                windowplan::error::Diagnostic::new(
                    "E090",
                    "--expand-contract",
                    msg,
                    "name tasks that are an outage of one system with `down:` naming the app it stops, or give `--expand-contract` alone for every such task",
                ),
            ));
        }
    };
    let text = match format {
        CompareOutput::Json => windowplan::report::whatif::campaign_expand_contract_json(&worth),
        CompareOutput::Table | CompareOutput::Md => {
            windowplan::report::whatif::campaign_expand_contract_text(&worth)
        }
    };
    match write_or_fail(output, &text) {
        EXIT_OK => campaign_exit(&worth),
        code => code,
    }
}

/// The exit code speaks of the campaign as written, as `whatif` speaks of
/// the inventory given.
fn campaign_exit(
    worth: &[windowplan::analysis::expand_contract_campaign::CampaignExpandContractWorth],
) -> u8 {
    use windowplan::analysis::expand_contract_campaign::CampaignOutcome;
    match worth.first().map(|w| &w.as_written) {
        Some(CampaignOutcome::Infeasible { .. }) => EXIT_NO_PLAN,
        Some(CampaignOutcome::NotFound { .. }) => EXIT_NOT_FOUND,
        _ => EXIT_OK,
    }
}
