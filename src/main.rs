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
    let _ = install_handler();
    // The backstop that ends a command that outlives Ctrl-C or its budget.
    cli::watchdog::start();
    let code = args.command.run();
    cli::watchdog::disarm();
    ExitCode::from(code)
}

/// Installs the Ctrl-C handler: the first interrupt calls `interrupt::request`, a
/// second one exits with code 130. Installing twice is an error (the
/// `ctrlc` crate allows one handler per process); the error is returned,
/// not fatal.
fn install_handler() -> Result<(), String> {
    ctrlc::set_handler(|| {
        if windowplan::interrupt::requested() {
            // Second Ctrl-C: the user does not want to wait.
            std::process::exit(130);
        }
        windowplan::interrupt::request();
    })
    .map_err(|e| e.to_string())
}
