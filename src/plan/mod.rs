//! The Plan: when every task starts and ends, in wall-clock time and in
//! minutes, with the window length, the proven bound and service downtime.
//! [`check`] re-verifies any plan (ours or hand-edited) against the
//! inventory with code of its own.

pub mod check;
pub mod downtime;

use serde::{Deserialize, Serialize};

/// Format tag written into every plan file.
pub const PLAN_FORMAT: &str = "windowplan-plan/1";

/// A plan as written to and read from JSON (DESIGN.md "Plan format").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    pub window_start: String,
    pub length_minutes: i64,
    pub lower_bound_minutes: i64,
    /// `optimal` when the bound equals the length, else `feasible`.
    pub status: String,
    pub tasks: Vec<PlannedTask>,
    pub services: Vec<ServiceDowntime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedTask {
    pub id: String,
    /// The task's system ids joined by `,` (one id for most tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    pub start: String,
    pub end: String,
    pub start_minute: i64,
    pub end_minute: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDowntime {
    pub id: String,
    pub downtime_minutes: i64,
    /// Down intervals as `[start_minute, end_minute)` pairs.
    #[serde(default)]
    pub intervals: Vec<[i64; 2]>,
}
