//! `windowplan report`: a saved plan, checked first, in another format
//! (a CAB pack, a calendar, a Gantt chart...).

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;
use windowplan::report::Format;

/// Render a saved plan (after checking it) as a CAB pack, calendar, Gantt...
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    plan: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        report(
            &self.inventory,
            &self.plan,
            self.format,
            self.output.as_deref(),
            &self.limits.limits(),
        )
    }
}

/// `windowplan report`: a saved plan (checked first) in another format.
fn report(
    inv_path: &Path,
    plan_path: &Path,
    format: Format,
    output: Option<&Path>,
    limits: &Limits,
) -> u8 {
    let inv = match load(inv_path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    let (starts, saved) = match read_checked_plan(&inv, plan_path, limits, "reporting it") {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Shown as saved: the board approved the file's status and bound. Only
    // a hand-made plan without them gets the cheap bound, said to be new.
    let (plan, notes) = windowplan::plan::Plan::build(&inv, &starts, 0).as_saved(&saved, || {
        windowplan::solve::lower_bound(&windowplan::model::compile(&inv).problem)
    });
    for note in notes {
        eprintln!("note: {note}");
    }
    super::pack::write_plan(&inv, &plan, format, output)
}
