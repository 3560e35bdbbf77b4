//! `windowplan check`: re-verifies a plan file against the inventory with
//! the independent checker.

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;

/// Re-verify a plan file against the inventory.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    plan: PathBuf,
    /// Also require every task with a `backout` to end by deadline − backout.
    #[arg(long)]
    reserve_backout: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        let limits = self.limits.limits();
        match super::campaign::load_campaign(&self.inventory, &limits) {
            Err(code) => return code,
            Ok(Some(c)) => return super::campaign::check(&c, &self.plan, &limits),
            Ok(None) => {}
        }
        // A saved re-plan is checked with its done and running tasks at
        // their recorded times.
        if super::replan::is_replan_file(&self.plan, &limits) {
            return super::replan::check(&self.inventory, &self.plan, &limits);
        }
        check_with(
            &self.inventory,
            &self.plan,
            self.reserve_backout,
            &self.limits.limits(),
        )
    }
}

/// `windowplan check [--reserve-backout]`: with the flag, a task that ends
/// after its point of no return (deadline − backout) is a violation too.
fn check_with(inv_path: &Path, plan_path: &Path, reserve_backout: bool, limits: &Limits) -> u8 {
    let (inv, starts, mut violations) = match load_and_check_plan(inv_path, plan_path, limits) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    if reserve_backout {
        violations.extend(windowplan::check::check_backout(&inv, &starts));
    }
    if violations.is_empty() {
        let line = format!(
            "{}: the plan keeps every rule ({} tasks)\n",
            plan_path.display(),
            inv.tasks.len()
        );
        write_or_fail(None, &line)
    } else {
        match write_or_fail(None, &windowplan::report::violations(&violations)) {
            EXIT_OK => EXIT_NO_PLAN,
            code => code,
        }
    }
}
