//! The `windowplan` command: a thin front end over the library.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use windowplan::cli;

#[derive(Parser)]
#[command(
    name = "windowplan",
    version,
    about = "Plans the shortest maintenance window that keeps the business running"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchFormat {
    Psplib,
    Rcpspmax,
}

#[derive(Subcommand)]
enum Command {
    /// Check an inventory and report every problem in it.
    Validate { inventory: PathBuf },
    /// Compute the shortest plan that breaks no rule.
    Plan {
        /// Inventory (.yaml, .yml, .json), or a PSPLIB .sm / RCPSP/max .sch instance.
        inventory: PathBuf,
        /// How long to search, e.g. 10s, 500ms, 2m.
        #[arg(long, default_value = "5s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (0 = all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long, value_enum, default_value_t = cli::PlanOutput::Table)]
        format: cli::PlanOutput,
        /// Write the result to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Render a saved plan (after checking it) as a CAB pack, calendar, Gantt...
    Report {
        inventory: PathBuf,
        plan: PathBuf,
        #[arg(long, value_enum, default_value_t = cli::PlanOutput::Md)]
        format: cli::PlanOutput,
        /// Write the result to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Re-verify a plan file against the inventory.
    Check { inventory: PathBuf, plan: PathBuf },
    /// Explain a plan (the critical chain, the bottlenecks), or why none exists.
    Explain {
        inventory: PathBuf,
        /// A plan file to explain (checked first); without it, plan here.
        plan: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = cli::ExplainOutput::Text)]
        format: cli::ExplainOutput,
        /// How long to plan, and the time shared by the re-plans, e.g. 5s.
        #[arg(long, default_value = "5s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
    },
    /// Print the task dependency graph.
    Graph {
        inventory: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Solve every benchmark instance in a directory and compare with the references.
    Bench {
        dir: PathBuf,
        #[arg(long, value_enum)]
        format: BenchFormat,
        /// CSV of reference (best known) makespans.
        #[arg(long)]
        reference: Option<PathBuf>,
        #[arg(long, default_value = "1s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Take every k-th instance.
        #[arg(long, default_value_t = 1)]
        stride: usize,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let code = match args.command {
        Command::Validate { inventory } => cli::validate(&inventory),
        Command::Plan {
            inventory,
            time_limit,
            seed,
            threads,
            format,
            output,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads,
                ..Default::default()
            };
            cli::plan(&inventory, &opts, format, output.as_deref())
        }
        Command::Check { inventory, plan } => cli::check(&inventory, &plan),
        Command::Report {
            inventory,
            plan,
            format,
            output,
        } => cli::report(&inventory, &plan, format, output.as_deref()),
        Command::Explain {
            inventory,
            plan,
            format,
            time_limit,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                ..Default::default()
            };
            cli::explain(&inventory, plan.as_deref(), format, &opts)
        }
        Command::Graph { inventory, format } => {
            cli::graph(&inventory, matches!(format, GraphFormat::Json))
        }
        Command::Bench {
            dir,
            format,
            reference,
            time_limit,
            threads,
            seed,
            stride,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads,
                ..Default::default()
            };
            cli::bench(
                &dir,
                matches!(format, BenchFormat::Rcpspmax),
                reference.as_deref(),
                &opts,
                stride,
            )
        }
    };
    ExitCode::from(code)
}
