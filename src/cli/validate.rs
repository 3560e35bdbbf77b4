//! `windowplan validate`: every problem in an inventory at once, and
//! whether a plan can exist at all (the checks that need no search).

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;

/// Check an inventory and report every problem in it.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    changes: super::changes::ChangeArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        validate(&self.inventory, &self.limits.limits(), &self.changes)
    }
}

/// `windowplan validate`.
fn validate(path: &Path, limits: &Limits, changes: &super::changes::ChangeArgs) -> u8 {
    match super::campaign::load_campaign(path, limits) {
        Err(code) => return code,
        Ok(Some(_)) if changes.given() => {
            eprintln!("error: `--changes` is not taken with a campaign (`campaign:`): its conflicts are not looked for; validate one window with it");
            return EXIT_BAD_INPUT;
        }
        Ok(Some(c)) => return super::campaign::validate(path, &c),
        Ok(None) => {}
    }
    match changes.load(path, limits, &mut windowplan::pipeline::Timings::default()) {
        Ok((inv, calendar)) => {
            say_warnings(path, &inv);
            changes.say_conflicts(&inv, &calendar, None);
            let line = format!(
                "{}: valid ({} tasks, {} systems, {} teams)\n",
                path.display(),
                inv.tasks.len(),
                inv.systems.len(),
                inv.teams.len()
            );
            let code = write_or_fail(None, &line);
            if code != EXIT_OK {
                return code;
            }
            match windowplan::pipeline::precheck(&inv) {
                None => EXIT_OK,
                Some(why) => {
                    eprintln!("no feasible plan: {why}");
                    EXIT_NO_PLAN
                }
            }
        }
        Err(code) => code,
    }
}
