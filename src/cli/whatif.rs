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
    #[arg(long = "scenario", required = true)]
    scenarios: Vec<PathBuf>,
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
        whatif(
            &self.inventory,
            &self.scenarios,
            &opts,
            self.format,
            self.output.as_deref(),
            &self.limits.limits(),
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
) -> u8 {
    match windowplan::analysis::whatif::run(inv_path, scenarios, opts, limits) {
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
