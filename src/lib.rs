#![warn(missing_docs)]
//! windowplan: plans the shortest maintenance window that keeps a regulated
//! estate running, proves how short it can be, and explains itself.
//!
//! The pipeline (DESIGN.md, "Pipeline"): an inventory is read within size
//! limits and validated into an [`inventory::Inventory`], compiled into the
//! domain-free core [`model::Problem`], solved by [`solve`] into start
//! times, turned into a [`plan::Plan`], re-verified by the independent
//! [`check`]er, and rendered by [`report`]. [`pipeline`] does the whole of it
//! in one call; [`analysis`] explains a plan, finds each service's least
//! downtime, simulates overrun risk and compares what-if scenarios.
//!
//! The library returns values and typed errors ([`InputError`] with every
//! problem's code, path, message and hint; [`NoPlan`]; the umbrella
//! [`Error`] with the command's exit code) and never prints or exits;
//! progress reaches the caller through [`progress::Progress`].
//!
//! ```
//! use windowplan::inventory::Format;
//! use windowplan::solve::SolveOptions;
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), windowplan::Error> {
//! let yaml = r#"
//! window: { start: 2026-12-05T22:00, timezone: Europe/London, deadline: 2026-12-06T02:00 }
//! teams: [{ id: ops, capacity: 1 }]
//! systems: [{ id: web-1 }, { id: web-2 }]
//! clusters: [{ id: web, members: [web-1, web-2], min_available: 1 }]
//! tasks:
//!   - { id: patch-web, cluster: web, duration: 25m, team: ops }
//! "#;
//! let inventory = windowplan::load_inventory_str(yaml, Format::Yaml, "example.yaml")?;
//! let opts = SolveOptions { time_limit: Duration::from_secs(1), ..Default::default() };
//! let plan = windowplan::plan_inventory(&inventory, &opts)?;
//! // One member at a time, one engineer: 50 minutes, and proven the least.
//! assert_eq!(plan.length_minutes, 50);
//! assert!(windowplan::check::check(&inventory, &plan.starts(&inventory).unwrap()).is_empty());
//! let markdown = windowplan::report::render(&inventory, &plan, windowplan::report::Format::Md);
//! assert!(markdown.contains("patch-web@web-1"));
//! # Ok(())
//! # }
//! ```

pub mod base;
pub mod error;
pub mod interrupt;
pub mod progress;
pub(crate) mod rng;

pub mod analysis;
pub mod bench;
pub mod check;
pub mod graph;
pub mod import;
pub mod inventory;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod solve;

pub use error::{Error, InputError, NoPlan};
pub use pipeline::{
    load_inventory, load_inventory_reader, load_inventory_str, load_inventory_with, plan_inventory,
    plan_inventory_with, precheck, solve_checked, PlanResult, Timings,
};
