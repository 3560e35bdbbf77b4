//! The plan of a format 1.2 campaign (`windowplan-campaign/1`, DESIGN.md
//! "Format 1.2"): which task runs in which window, each window's own plan
//! (`windowplan-plan/1`), the totals, and what is proven.

use super::Plan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Format tag written into every campaign plan file.
pub const CAMPAIGN_FORMAT: &str = "windowplan-campaign/1";

/// A campaign plan as written to and read from JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignPlan {
    /// `windowplan-campaign/1`.
    pub format: String,
    /// `optimal` when every key of the objective is proven; else `feasible`.
    pub status: String,
    /// The lexicographic objective, as keys.
    #[serde(default)]
    pub objective: Vec<String>,
    /// How many windows the plan uses.
    pub windows_used: usize,
    /// No plan can use fewer windows than this.
    #[serde(default)]
    pub windows_lower_bound: usize,
    /// No plan can end in an earlier window than this one (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_window_lower_bound: Option<String>,
    /// What is proven, key by key.
    #[serde(default)]
    pub proven: Proven,
    /// Weighted downtime summed over the windows.
    #[serde(default)]
    pub downtime_weighted: f64,
    /// Window lengths summed over the windows used, in minutes.
    #[serde(default)]
    pub length_minutes_total: i64,
    /// Each task as written to the id of its window.
    pub assignment: BTreeMap<String, String>,
    /// The windows used, in time order, each with its plan.
    pub windows: Vec<CampaignWindowPlan>,
    /// The ids of the windows no task uses.
    #[serde(default)]
    pub windows_free: Vec<String>,
    /// What the solver says about how the plan was found (not checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What a campaign plan proves, objective key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proven {
    /// The number of windows used is the least possible.
    pub windows: bool,
    /// The latest window used is the earliest possible.
    pub last_window: bool,
    /// Every window's plan is proven shortest for its tasks.
    pub each_window_optimal: bool,
    /// No assignment has less weighted downtime (proven only at zero).
    pub downtime: bool,
    /// No assignment has a smaller total length.
    pub length: bool,
}

/// One used window of a campaign plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignWindowPlan {
    /// The window's id.
    pub id: String,
    /// Its start, RFC 3339 with offset.
    pub start: String,
    /// Its deadline, RFC 3339 with offset.
    pub deadline: String,
    /// The plan of the window (`windowplan-plan/1`).
    pub plan: Plan,
}
