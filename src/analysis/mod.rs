//! Analyses of an inventory and its plan for a change board: why the
//! window is as long as it is ([`explain`]), how little downtime each
//! service can have ([`availability`]; what a blocking schema change would
//! save done expand/contract, [`expand_contract`], and across a campaign's
//! windows, [`expand_contract_campaign`]; each service's downtime per window
//! of a campaign plan, [`campaign_downtime`]), how likely the window is to overrun
//! ([`risk`]), and what changes would do ([`whatif`]).

pub mod availability;
pub mod budget;
pub mod campaign;
pub mod campaign_downtime;
pub mod expand_contract;
pub mod expand_contract_campaign;
pub mod explain;
pub mod replan;
pub mod risk;
pub mod whatif;
