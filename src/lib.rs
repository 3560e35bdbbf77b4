//! windowplan: plans the shortest maintenance window that keeps a regulated
//! estate running.
//!
//! The pipeline (see DESIGN.md): an inventory file is parsed and validated
//! into an [`inventory::Inventory`], compiled into a domain-free
//! [`model::Problem`], solved by [`solve`] into start times, and turned into a
//! [`plan::Plan`] that [`plan::check`] re-verifies independently.

pub mod bench;
pub mod error;
pub mod formats;
pub mod graph;
pub mod inventory;
pub mod model;
pub mod plan;
pub mod report;
pub mod solve;
