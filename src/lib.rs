#![warn(missing_docs)]
//! windowplan: plans the shortest maintenance window that keeps a regulated
//! estate running.
//!
//! The pipeline (see DESIGN.md): an inventory file is parsed and validated
//! into an [`inventory::Inventory`], compiled into a domain-free
//! [`model::Problem`], solved by [`solve`] into start times, and turned into a
//! [`plan::Plan`] that [`check::check`] re-verifies independently.

pub mod base;
pub mod error;
pub mod interrupt;
pub mod progress;
pub(crate) mod rng;

pub mod analysis;
pub mod bench;
pub mod check;
pub mod graph;
pub mod inventory;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod solve;

pub use pipeline::{
    load_inventory, load_inventory_str, load_inventory_with, plan_inventory, plan_inventory_with,
    precheck, solve_checked, PlanResult, Timings,
};
