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

/// Size limits for reading an inventory (and a plan file).
#[derive(clap::Args, Clone, Copy)]
struct LimitArgs {
    /// Most tasks accepted, counted after cluster expansion (default 50000).
    #[arg(long, value_name = "N", default_value_t = windowplan::inventory::MAX_TASKS,
          value_parser = clap::value_parser!(usize))]
    max_tasks: usize,
    /// Largest inventory or plan file accepted, in MiB (default 64).
    #[arg(long, value_name = "N", default_value_t = windowplan::inventory::MAX_FILE_BYTES / (1024 * 1024),
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    max_file_mb: u64,
}

impl LimitArgs {
    fn limits(self) -> windowplan::inventory::Limits {
        windowplan::inventory::Limits {
            max_tasks: self.max_tasks,
            max_file_bytes: self.max_file_mb * 1024 * 1024,
        }
    }
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
    Validate {
        inventory: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
    },
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
        #[command(flatten)]
        limits: LimitArgs,
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
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Re-verify a plan file against the inventory.
    Check {
        inventory: PathBuf,
        plan: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Print the task dependency graph.
    Graph {
        inventory: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        #[command(flatten)]
        limits: LimitArgs,
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
    // Ctrl-C asks the search to stop and keep its best plan (a second one
    // exits at once). Failing to install it only loses that nicety.
    let _ = windowplan::interrupt::install_handler();
    let code = match args.command {
        Command::Validate { inventory, limits } => cli::validate(&inventory, &limits.limits()),
        Command::Plan {
            inventory,
            time_limit,
            seed,
            threads,
            format,
            output,
            limits,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads,
                ..Default::default()
            };
            cli::plan(
                &inventory,
                &opts,
                format,
                output.as_deref(),
                &limits.limits(),
            )
        }
        Command::Check {
            inventory,
            plan,
            limits,
        } => cli::check(&inventory, &plan, &limits.limits()),
        Command::Report {
            inventory,
            plan,
            format,
            output,
            limits,
        } => cli::report(
            &inventory,
            &plan,
            format,
            output.as_deref(),
            &limits.limits(),
        ),
        Command::Graph {
            inventory,
            format,
            limits,
        } => cli::graph(
            &inventory,
            matches!(format, GraphFormat::Json),
            &limits.limits(),
        ),
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
