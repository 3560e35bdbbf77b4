//! `windowplan bench`: every benchmark instance in a directory solved,
//! verified, and compared with the published references.

use super::common::*;
use super::search_args::{OneSecond, SearchArgs};
use std::path::{Path, PathBuf};
use windowplan::bench::formats::Format;
use windowplan::solve::SolveOptions;

/// Solve every benchmark instance in a directory and compare with the references.
#[derive(clap::Args, Debug)]
pub struct Args {
    dir: PathBuf,
    #[arg(long, value_enum)]
    format: Format,
    /// CSV of reference (best known) makespans.
    #[arg(long)]
    reference: Option<PathBuf>,
    #[command(flatten)]
    search: SearchArgs<OneSecond>,
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
    /// Which engine solves: the portfolio, or the portfolio then the
    /// time-indexed MILP (good_lp; small windows only).
    #[arg(long, value_enum, default_value_t = windowplan::solve::Engine::Portfolio)]
    engine: windowplan::solve::Engine,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let opts = SolveOptions {
            engine: self.engine,
            ..self.search.solve_options()
        };
        let bench_opts = windowplan::bench::runner::BenchOptions {
            stride: self.stride,
            repeat: self.repeat,
            compare_one_thread: self.compare_one_thread,
            instances_csv: self.csv,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr())
                .then_some(|line: &str| eprintln!("{line}")),
            ..Default::default()
        };
        bench(
            &self.dir,
            self.format,
            self.reference.as_deref(),
            &opts,
            &bench_opts,
        )
    }
}

/// `windowplan bench`.
fn bench(
    dir: &Path,
    format: Format,
    reference: Option<&Path>,
    opts: &SolveOptions,
    bench: &windowplan::bench::runner::BenchOptions,
) -> u8 {
    match windowplan::bench::runner::run(dir, format, reference, opts, bench) {
        Ok(report) => {
            let code = write_or_fail(None, &report.to_text());
            if code != EXIT_OK {
                return code;
            }
            if !report.passed() {
                eprintln!(
                    "the run failed on {} instance(s): a schedule broke a constraint, contradicted a reference, did not repeat, or lost to one thread (listed above)",
                    report.failures().len()
                );
                EXIT_NO_PLAN
            } else {
                EXIT_OK
            }
        }
        Err(e) => report_input_error(&e),
    }
}
