//! `windowplan schema`: the JSON Schema of the inventory format.

use super::common::*;

/// Print the JSON Schema (draft 2020-12) of the inventory format.
#[derive(clap::Args, Debug)]
pub struct Args {}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        write_or_fail(
            None,
            &windowplan::inventory::schema::inventory_schema_text(),
        )
    }
}
