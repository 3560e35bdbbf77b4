//! The subcommands of the `windowplan` command, one module each. Each parses
//! its own arguments, calls the library, prints, and gives the process exit
//! code (0 done; 1 proven: no plan exists, or violations found; 2 bad input;
//! 3 no plan found within the time limit, none proven impossible).

mod availability;
mod bench;
mod campaign;
mod campaign_replan;
mod campaign_window;
mod changes;
mod check;
mod common;
mod executors;
mod explain;
mod export;
mod generate;
mod graph;
mod import;
mod night;
mod pack;
mod plan;
mod replan;
mod report;
mod risk;
mod schema;
mod search_args;
mod spinner;
mod validate;
pub mod watchdog;
mod whatif;

/// The subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check an inventory and report every problem in it.
    Validate(validate::Args),
    /// Compute the shortest plan that breaks no rule.
    Plan(plan::Args),
    /// Write a synthetic but realistic estate (feasible by construction, for
    /// scale tests), or a set of PSPLIB / RCPSP/max benchmark instances.
    Generate(generate::Args),
    /// Plan the inventory and what-if scenarios side by side.
    Whatif(whatif::Args),
    /// Window risk: Monte Carlo over three-point durations, in the plan's order.
    Risk(risk::Args),
    /// Print the JSON Schema (draft 2020-12) of the inventory format.
    Schema(schema::Args),
    /// Render a saved plan (after checking it) as a CAB pack, calendar, Gantt...
    Report(report::Args),
    /// Re-verify a plan file against the inventory.
    Check(check::Args),
    /// Explain a plan (the critical chain, the bottlenecks), or why none exists.
    Explain(explain::Args),
    /// Each service's least possible downtime, why, and what would bring it to zero.
    Availability(availability::Args),
    /// Print the task dependency graph.
    Graph(graph::Args),
    /// Solve every benchmark instance in a directory and compare with the references.
    Bench(bench::Args),
    /// Write the scheduling model as a MILP (CPLEX LP) for another solver.
    Export(export::Args),
    /// Re-plan a running window from a progress file (what is done, running, failed, dropped).
    Replan(replan::Args),
    /// Write an inventory from a ServiceNow CMDB export or a Backstage catalogue.
    Import(import::Args),
}

impl Command {
    /// Runs the subcommand; gives the process exit code.
    pub fn run(self) -> u8 {
        match self {
            Command::Validate(a) => a.run(),
            Command::Plan(a) => a.run(),
            Command::Generate(a) => a.run(),
            Command::Whatif(a) => a.run(),
            Command::Risk(a) => a.run(),
            Command::Schema(a) => a.run(),
            Command::Report(a) => a.run(),
            Command::Check(a) => a.run(),
            Command::Explain(a) => a.run(),
            Command::Availability(a) => a.run(),
            Command::Graph(a) => a.run(),
            Command::Bench(a) => a.run(),
            Command::Export(a) => a.run(),
            Command::Replan(a) => a.run(),
            Command::Import(a) => a.run(),
        }
    }
}
