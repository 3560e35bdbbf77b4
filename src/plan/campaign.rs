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
    /// The plan of the window (`windowplan-plan/1`). For a window that was
    /// re-planned on the night, the tasks it kept, done and running ones at
    /// their actual times (see [`WindowReplan`]).
    pub plan: Plan,
    /// Present when the window was re-planned on the night (`replan` on a
    /// campaign): what the night re-plan started from and what became of
    /// each task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replan: Option<WindowReplan>,
}

/// A window re-planned on the night (DESIGN.md, "Campaigns: choices",
/// "replan on a campaign"): enough for the checker to re-derive the night
/// the way it checks a one-window re-plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowReplan {
    /// The time of the re-plan, RFC 3339 with offset.
    pub now: String,
    /// The same, minutes from the window start.
    pub now_minute: i64,
    /// The file tasks the window held when the night was re-planned (its
    /// inventory is rebuilt from them).
    pub tasks_before: Vec<String>,
    /// What became of every task (expanded id) of that inventory.
    pub states: Vec<TaskState>,
    /// File tasks dropped tonight, or dragged along, and where they went.
    #[serde(default)]
    pub moved: Vec<MovedTask>,
    /// File tasks no later window can take: in no window now.
    #[serde(default)]
    pub unplaced: Vec<UnplacedTask>,
}

/// The state of one task of a re-planned window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    /// The task (expanded id, as in the window's plan).
    pub id: String,
    /// `done`, `running`, `planned`, `backout` or `dropped`.
    pub state: super::night::State,
    /// Why a dropped task was dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A file task moved to another window by a re-plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedTask {
    /// The file task's id.
    pub task: String,
    /// The window it was in.
    pub from: String,
    /// The window it is in now.
    pub to: String,
    /// Why it moved, in words.
    pub reason: String,
}

/// A file task that a re-plan left in no window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplacedTask {
    /// The file task's id.
    pub task: String,
    /// Why no window takes it, in words.
    pub reason: String,
    /// Proven: no later window can take it (else none was found in time).
    pub proven: bool,
}

/// The reason a campaign re-plan writes for a task it drops only because
/// its file task (or lag chain) moves whole to a later window; the id of
/// the dropped task it moves with follows, in backticks.
pub const MOVES_WHOLE: &str = "moves whole to a later window with ";

/// The reason a campaign re-plan writes for a task not yet started that it
/// moves to a later window because the window under way cannot hold its
/// deadline with it (the night re-plan proved or found no plan that does).
pub const MOVED_TO_HOLD_DEADLINE: &str =
    "moved to a later window: tonight cannot hold its deadline with it";
