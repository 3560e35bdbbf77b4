//! `windowplan graph`: the task dependency graph as DOT or JSON.

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::inventory::Limits;

/// How `graph` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Nodes and edges as JSON.
    Json,
}

/// Print the task dependency graph.
#[derive(clap::Args, Debug)]
pub struct Args {
    inventory: PathBuf,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    #[command(flatten)]
    limits: LimitArgs,
}

impl Args {
    /// Runs the subcommand; gives the exit code.
    pub fn run(self) -> u8 {
        graph(
            &self.inventory,
            matches!(self.format, GraphFormat::Json),
            &self.limits.limits(),
        )
    }
}

/// `windowplan graph`.
fn graph(path: &Path, json: bool, limits: &Limits) -> u8 {
    let inv = match load(path, limits) {
        Ok(inv) => inv,
        Err(code) => return code,
    };
    let g = windowplan::graph::TaskGraph::new(&inv);
    let text = if json { g.to_json() } else { g.to_dot() };
    write_or_fail(None, &text)
}
