//! Analyses of an inventory and its plan for a change board: why the
//! window is as long as it is ([`explain`]), how little downtime each
//! service can have ([`availability`]; what a blocking schema change would
//! save done expand/contract, [`expand_contract`]), how likely the window is to overrun
//! ([`risk`]), and what changes would do ([`whatif`]).

pub mod availability;
pub mod budget;
pub mod campaign;
pub mod expand_contract;
pub mod explain;
pub mod replan;
pub mod risk;
pub mod whatif;

use crate::inventory::Inventory;
use crate::plan::Plan;

/// Sum over services of weight × downtime minutes of a plan, from the
/// plan's per-service downtime (the one accounting of `plan::downtime`,
/// which the checker's side uses: outages, `down:`, integrations and the
/// switchovers of `any` groups). Every figure of weighted downtime shown
/// (`plan --pareto`, `whatif`, `--objective downtime`) is this one.
pub fn weighted_downtime(inv: &Inventory, plan: &Plan) -> f64 {
    plan.services
        .iter()
        .map(|sd| {
            let w = inv
                .services
                .iter()
                .find(|s| s.id == sd.id)
                .map(|s| s.weight)
                .unwrap_or(1.0);
            w * sd.downtime_minutes as f64
        })
        .sum()
}
