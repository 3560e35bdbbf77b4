//! The `windowplan` command: parses the command line and hands the
//! subcommand to its module under `cli/`, which prints and gives the exit
//! code. Everything else is the `windowplan` library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "windowplan",
    version,
    about = "Plans the shortest maintenance window that keeps the business running"
)]
struct Args {
    #[command(subcommand)]
    command: cli::Command,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Ctrl-C asks the search to stop and keep its best plan (a second one
    // exits at once). Failing to install it only loses that nicety.
    let _ = windowplan::interrupt::install_handler();
    ExitCode::from(args.command.run())
}
