//! `windowplan export`: the time-indexed MILP model of an inventory (or a
//! PSPLIB / RCPSP/max instance) in CPLEX LP format, for the user's own MILP
//! solver (HiGHS, CBC, Gurobi, CPLEX); the compiled core problem itself as
//! JSON (`windowplan-problem/1`, docs/export-json.md), for any other solver;
//! or a saved plan for the tools that run the night (`--plan PLAN --format
//! ansible|cau|argo`, see executors.rs).

use super::campaign_window::{Target, WindowOfCampaign};
use super::common::*;
use super::search_args::{SearchArgs, TwoSeconds};
use std::path::{Path, PathBuf};
use windowplan::model::Problem;
use windowplan::solve::Outcome;

/// The model formats `export` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ModelFormat {
    /// CPLEX LP: a binary `x_<j>_<t>` per activity and start minute, and the makespan `M`.
    Lp,
    /// Ansible: a directory with a playbook of waves and its inventory (needs --plan).
    Ansible,
    /// Windows Cluster-Aware Updating: `Invoke-CauRun` per cluster, a .ps1 file (needs --plan).
    Cau,
    /// Argo Workflows: a `Workflow` YAML file whose DAG holds the plan's order (needs --plan).
    Argo,
    /// JSON: the compiled core problem with every rule and a legend of the
    /// activities (`windowplan-problem/1`, docs/export-json.md).
    Json,
}

/// Write the scheduling model as a MILP for another solver.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Inventory (.yaml, .yml, .json), or a PSPLIB .sm / RCPSP/max .sch instance.
    inventory: PathBuf,
    #[arg(long, value_enum, default_value_t = ModelFormat::Lp)]
    format: ModelFormat,
    /// The saved plan to export (ansible, cau, argo): checked first. With a
    /// campaign and --window, the campaign plan (`windowplan-campaign/1`)
    /// that gives the window's tasks and plan, for every format.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// With a campaign (`campaign:`): the window to export (its id in the
    /// campaign plan), from --plan or by planning the campaign.
    #[arg(long, value_name = "ID")]
    window: Option<String>,
    /// ansible: minutes the waves may add to the night (a wave waits for its
    /// slowest host); 0 keeps the plan's length, holding more order by the clock.
    #[arg(long, value_name = "MINUTES", default_value_t = 0,
          value_parser = clap::value_parser!(i64).range(0..=10_080))]
    wave_slack: i64,
    /// (LP only) The longest makespan the model holds, in minutes. Default: the
    /// length of the plan found within --time-limit (the model then holds
    /// every plan at least as short), or the deadline when none is found.
    #[arg(long)]
    horizon: Option<i64>,
    #[command(flatten)]
    search: SearchArgs<TwoSeconds>,
    /// Write the model to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let executor = match self.format {
            ModelFormat::Lp | ModelFormat::Json => None,
            ModelFormat::Ansible => Some(super::executors::Executor::Ansible),
            ModelFormat::Cau => Some(super::executors::Executor::Cau),
            ModelFormat::Argo => Some(super::executors::Executor::Argo),
        };
        let opts = interruptible(&self.search.solve_options());
        let target = super::campaign_window::resolve(
            &self.inventory,
            self.window.as_deref(),
            self.plan.as_deref(),
            &opts,
            &self.limits.limits(),
            "exporting it",
            false,
        );
        match target {
            Err(code) => return code,
            Ok(Target::Window(w)) => return self.export_window(&w, executor),
            // `resolve` gives the whole campaign only when asked to.
            Ok(Target::Whole(_)) => return EXIT_BAD_INPUT,
            Ok(Target::OneWindow) => {}
        }
        if executor.is_none() && self.plan.is_some() {
            eprintln!("error: --plan is read by --format ansible, cau or argo; --format lp and json write the model of the inventory (drop --plan, or choose an executor format)");
            return EXIT_BAD_INPUT;
        }
        if let Some(executor) = executor {
            let (plan, out) = (self.plan.as_deref(), self.output.as_deref());
            return super::executors::run(
                executor,
                self.wave_slack,
                &self.inventory,
                plan,
                out,
                &self.limits.limits(),
            );
        }
        if let ModelFormat::Json = self.format {
            return match self.document() {
                Ok(doc) => write_or_fail(
                    self.output.as_deref(),
                    &windowplan::model::export::to_json(&doc),
                ),
                Err(code) => code,
            };
        }
        let problem = match self.problem() {
            Ok(p) => p,
            Err(code) => return code,
        };
        let Some(horizon) = self.horizon.or_else(|| self.default_horizon(&problem)) else {
            eprintln!(
                "no horizon: no plan was found within the time limit of {} and the window has no deadline; give --horizon MINUTES or a longer --time-limit",
                windowplan::base::fmt_duration(self.search.time_limit)
            );
            return EXIT_NOT_FOUND;
        };
        match windowplan::solve::milp::export_lp(&problem, horizon) {
            Some(text) => write_or_fail(self.output.as_deref(), &text),
            None => self.too_large(horizon),
        }
    }

    /// `export CAMPAIGN --window ID`: the window's model (its horizon by
    /// default the length of the window's plan, a plan of that model) or
    /// the window's plan for an executor, the window named on stderr and
    /// in the LP and JSON files.
    fn export_window(
        &self,
        w: &WindowOfCampaign,
        executor: Option<super::executors::Executor>,
    ) -> u8 {
        let inv = &w.inventory;
        eprintln!("{}", w.heading());
        if let Some(executor) = executor {
            let Some(out) = self.output.as_deref() else {
                return super::executors::needs_output(executor);
            };
            // The files the night runs from name the window too.
            let mut named = inv.clone();
            let title = inv.window.meta.title.as_deref().unwrap_or(&w.campaign);
            named.window.meta.title = Some(format!("{title}, window {}", w.id));
            return super::executors::export_checked(
                executor,
                self.wave_slack,
                &named,
                &w.starts,
                out,
            );
        }
        let problem = windowplan::model::compile(inv).problem;
        if let ModelFormat::Json = self.format {
            let doc = windowplan::model::export::inventory_document(inv, problem);
            let text = w.named_json(&windowplan::model::export::to_json(&doc));
            return write_or_fail(self.output.as_deref(), &text);
        }
        let horizon = self.horizon.unwrap_or(w.plan.length_minutes);
        match windowplan::solve::milp::export_lp(&problem, horizon) {
            Some(text) => {
                let named = format!("\\ {}\n{text}", w.heading().replace(['\n', '\r'], " "));
                write_or_fail(self.output.as_deref(), &named)
            }
            None => self.too_large(horizon),
        }
    }

    /// Says the LP model for `horizon` is too large to write; exit code 2.
    fn too_large(&self, horizon: i64) -> u8 {
        eprintln!(
            "the model for a horizon of {horizon} minutes is too large to write (over {} start variables or {} rows); give a smaller --horizon",
            windowplan::solve::milp::MAX_START_VARS,
            windowplan::solve::milp::MAX_ROWS
        );
        EXIT_BAD_INPUT
    }

    /// The core problem of the inventory or instance.
    fn problem(&self) -> Result<Problem, u8> {
        let path: &Path = &self.inventory;
        if let Some(format) = windowplan::bench::formats::Format::from_path(path) {
            return windowplan::bench::formats::read_instance(path, Some(format))
                .map_err(|e| report_input_error(&e));
        }
        let inv = load(path, &self.limits.limits())?;
        Ok(windowplan::model::compile(&inv).problem)
    }

    /// The JSON document of the inventory's or instance's core problem.
    fn document(&self) -> Result<windowplan::model::export::ProblemDocument, u8> {
        use windowplan::model::export;
        let path: &Path = &self.inventory;
        if let Some(format) = windowplan::bench::formats::Format::from_path(path) {
            return windowplan::bench::formats::read_instance(path, Some(format))
                .map(export::instance_document)
                .map_err(|e| report_input_error(&e));
        }
        let inv = load(path, &self.limits.limits())?;
        let problem = windowplan::model::compile(&inv).problem;
        Ok(export::inventory_document(&inv, problem))
    }

    /// The length of a plan found within the time limit, else the deadline.
    fn default_horizon(&self, problem: &Problem) -> Option<i64> {
        let opts = self.search.solve_options();
        match windowplan::solve_checked(problem, &opts) {
            Outcome::Solved(sol) => Some(sol.makespan),
            _ => problem.deadline,
        }
    }
}
