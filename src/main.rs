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
enum RiskFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum AvailabilityFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum GenFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum BenchFormat {
    Psplib,
    Rcpspmax,
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
        /// Every task with a `backout` ends early enough to be backed out
        /// by the deadline (end + backout <= deadline).
        #[arg(long)]
        reserve_backout: bool,
        /// No progress spinner.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print the final figures and the time of each stage on stderr.
        #[arg(long, short)]
        verbose: bool,
        /// What the plan optimises: the window (then downtime), or downtime (then the window).
        #[arg(long, value_enum, default_value_t = windowplan::solve::Objective::Window)]
        objective: windowplan::solve::Objective,
        /// List the non-dominated (window length, weighted downtime) plans instead of one.
        #[arg(long)]
        pareto: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Write a synthetic but realistic estate (feasible by construction, for
    /// scale tests), or a set of PSPLIB / RCPSP/max benchmark instances.
    Generate {
        /// What to write: an estate inventory, PSPLIB .sm or RCPSP/max .sch instances.
        #[arg(long, value_enum, default_value_t = cli::GenKind::Estate)]
        kind: cli::GenKind,
        /// Estate: about how many tasks (each member of a cluster task counts; default 1000).
        #[arg(long)]
        tasks: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Estate: the file format.
        #[arg(long, value_enum)]
        format: Option<GenFormat>,
        /// Estate: how hard its rules press (binding: teams, vendor hours and
        /// DR orders bind, so the plan's bound is not met at once).
        #[arg(long, value_enum, default_value_t = windowplan::generate::Pressure::Relaxed)]
        pressure: windowplan::generate::Pressure,
        /// Estate: write format 1.1 (rolling OS patches as drain/patch/verify
        /// steps with a canary member, per-member `same_member` follow-ups,
        /// window metadata).
        #[arg(long)]
        format11: bool,
        /// Estate: write to this file (atomically) instead of stdout; its
        /// extension (.json, .yaml) sets the format unless --format is given.
        /// Instances: the directory to write them into (created if missing).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Instances: real jobs per instance, the dummies not counted (default 30).
        #[arg(long)]
        jobs: Option<usize>,
        /// Instances per parameter combination (default 10).
        #[arg(long)]
        count: Option<usize>,
        /// Network complexity values, e.g. 1.5,1.8,2.1 (repeatable; default per kind).
        #[arg(long, value_delimiter = ',', num_args = 1)]
        nc: Vec<f64>,
        /// Resource factor values (repeatable; default per kind).
        #[arg(long, value_delimiter = ',', num_args = 1)]
        rf: Vec<f64>,
        /// Resource strength values (repeatable; default per kind and size).
        #[arg(long, value_delimiter = ',', num_args = 1)]
        rs: Vec<f64>,
        /// RCPSP/max: share of the activities that get a maximal time lag (default 0.2).
        #[arg(long = "max-lags", value_delimiter = ',', num_args = 1)]
        max_lags: Vec<f64>,
        /// RCPSP/max: tightness of the maximal time lags, 0 loose to 1 rigid (default 0.5).
        #[arg(long, value_delimiter = ',', num_args = 1)]
        tightness: Vec<f64>,
    },
    /// Plan the inventory and what-if scenarios side by side.
    Whatif {
        inventory: PathBuf,
        /// Scenario file (YAML/JSON): `{name, note, patch}` or a list of them. Repeatable.
        #[arg(long = "scenario", required = true)]
        scenarios: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = cli::CompareOutput::Table)]
        format: cli::CompareOutput,
        /// How long to search, per scenario.
        #[arg(long, default_value = "3s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the result to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Window risk: Monte Carlo over three-point durations, in the plan's order.
    Risk {
        inventory: PathBuf,
        /// A saved plan (JSON); planned afresh when not given.
        plan: Option<PathBuf>,
        #[arg(long, default_value_t = 2000)]
        samples: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How long to search when planning afresh.
        #[arg(long, default_value = "5s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
        #[arg(long, value_enum, default_value_t = RiskFormat::Table)]
        format: RiskFormat,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Print the JSON Schema (draft 2020-12) of the inventory format.
    Schema,
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
        /// Also require every task with a `backout` to end by deadline − backout.
        #[arg(long)]
        reserve_backout: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
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
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Each service's least possible downtime, why, and what would bring it to zero.
    Availability {
        inventory: PathBuf,
        #[arg(long, value_enum, default_value_t = AvailabilityFormat::Text)]
        format: AvailabilityFormat,
        /// How long to plan, and the time shared by the re-plans, e.g. 5s.
        #[arg(long, default_value = "5s", value_parser = cli::parse_time_limit)]
        time_limit: std::time::Duration,
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
        /// Solve each instance twice and check the schedules are the same
        /// (use with --threads 1: one-thread runs are reproducible).
        #[arg(long)]
        repeat: bool,
        /// Also solve each instance with one thread and check that this
        /// run (--threads) is never worse.
        #[arg(long)]
        compare_one_thread: bool,
        /// Also write one CSV row per instance to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
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
            reserve_backout,
            quiet,
            verbose,
            objective,
            pareto,
            limits,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads,
                objective,
                // Ctrl-C stops the search, which returns its best plan so far.
                stop: Some(windowplan::interrupt::flag()),
                ..Default::default()
            };
            if pareto {
                return ExitCode::from(cli::pareto(
                    &inventory,
                    &opts,
                    matches!(format, cli::PlanOutput::Json),
                    output.as_deref(),
                    &limits.limits(),
                ));
            }
            let compile_opts = windowplan::model::CompileOptions {
                reserve_backout,
                ..Default::default()
            };
            let verbosity = match (quiet, verbose) {
                (true, _) => cli::Verbosity::Quiet,
                (_, true) => cli::Verbosity::Verbose,
                _ => cli::Verbosity::Normal,
            };
            cli::plan_with(
                &inventory,
                &opts,
                &compile_opts,
                format,
                output.as_deref(),
                verbosity,
                &limits.limits(),
            )
        }
        Command::Generate {
            kind,
            tasks,
            seed,
            format,
            output,
            jobs,
            count,
            nc,
            rf,
            rs,
            max_lags,
            tightness,
            pressure,
            format11,
        } => {
            if kind != cli::GenKind::Estate {
                let request = cli::InstanceRequest {
                    kind,
                    seed,
                    output,
                    jobs,
                    count,
                    nc,
                    rf,
                    rs,
                    max_lags,
                    tightness,
                    estate_options: [tasks.map(|_| "--tasks"), format.map(|_| "--format")]
                        .into_iter()
                        .flatten()
                        .collect(),
                };
                return ExitCode::from(cli::generate_instances(&request));
            }
            let instance_option = [
                jobs.map(|_| "--jobs"),
                count.map(|_| "--count"),
                (!nc.is_empty()).then_some("--nc"),
                (!rf.is_empty()).then_some("--rf"),
                (!rs.is_empty()).then_some("--rs"),
                (!max_lags.is_empty()).then_some("--max-lags"),
                (!tightness.is_empty()).then_some("--tightness"),
            ]
            .into_iter()
            .flatten()
            .next();
            if let Some(option) = instance_option {
                return ExitCode::from(cli::option_needs_kind(option, "psplib or rcpspmax"));
            }
            let json = match format {
                Some(f) => matches!(f, GenFormat::Json),
                None => output
                    .as_ref()
                    .and_then(|p| p.extension())
                    .is_some_and(|e| e.eq_ignore_ascii_case("json")),
            };
            let format = if json {
                windowplan::generate::GenFormat::Json
            } else {
                windowplan::generate::GenFormat::Yaml
            };
            cli::generate(
                tasks.unwrap_or(1000),
                seed,
                (pressure, format11),
                format,
                output.as_deref(),
            )
        }
        Command::Whatif {
            inventory,
            scenarios,
            format,
            time_limit,
            seed,
            output,
        } => {
            // Scenarios are planned in parallel, one thread each.
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads: 1,
                ..Default::default()
            };
            cli::whatif(&inventory, &scenarios, &opts, format, output.as_deref())
        }
        Command::Risk {
            inventory,
            plan,
            samples,
            seed,
            time_limit,
            format,
            limits,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                ..Default::default()
            };
            let risk = windowplan::risk::RiskOptions { samples, seed };
            cli::risk(
                &inventory,
                plan.as_deref(),
                &opts,
                &risk,
                matches!(format, RiskFormat::Json),
                &limits.limits(),
            )
        }
        Command::Schema => cli::schema(),
        Command::Check {
            inventory,
            plan,
            reserve_backout,
            limits,
        } => cli::check_with(&inventory, &plan, reserve_backout, &limits.limits()),
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
        Command::Explain {
            inventory,
            plan,
            format,
            time_limit,
            limits,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                ..Default::default()
            };
            cli::explain(&inventory, plan.as_deref(), format, &opts, &limits.limits())
        }
        Command::Availability {
            inventory,
            format,
            time_limit,
            limits,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                ..Default::default()
            };
            cli::availability(
                &inventory,
                matches!(format, AvailabilityFormat::Json),
                &opts,
                &limits.limits(),
            )
        }
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
            repeat,
            compare_one_thread,
            csv,
        } => {
            let opts = windowplan::solve::SolveOptions {
                time_limit,
                seed,
                threads,
                ..Default::default()
            };
            let bench = windowplan::bench::BenchOptions {
                stride,
                repeat,
                compare_one_thread,
                instances_csv: csv,
                ..Default::default()
            };
            cli::bench(
                &dir,
                matches!(format, BenchFormat::Rcpspmax),
                reference.as_deref(),
                &opts,
                &bench,
            )
        }
    };
    ExitCode::from(code)
}
