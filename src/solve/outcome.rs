//! What a solve concludes: a schedule ([`Solution`]), the [`Outcome`], and
//! why a problem has no schedule as data ([`CoreReason`]). A leaf: it
//! imports nothing else of the solver.

use crate::model::{Problem, Starts, Time};

/// A schedule found by the solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Start of each activity, in minutes from the window start, indexed like
    /// the problem's activities.
    pub starts: Starts,
    /// Time the last activity ends, in minutes from the window start.
    pub makespan: Time,
    /// No schedule can have a smaller makespan.
    pub lower_bound: Time,
}

impl Solution {
    /// Whether the makespan is proven least (it meets the lower bound).
    pub fn is_optimal(&self) -> bool {
        self.lower_bound >= self.makespan
    }
}

/// What the solver concluded.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A schedule that satisfies every constraint.
    Solved(Solution),
    /// Proven: no schedule exists, with the reason in words.
    Infeasible(String),
    /// None found within the limits, but not proven impossible.
    NotFound(String),
}

/// Why a core problem has no schedule, as found before search. Domain-free
/// (activity and resource indices, minutes): the caller that knows what
/// they stand for words it for its users; [`Display`](std::fmt::Display) gives the core's
/// own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreReason {
    /// Activity `activity` fits nowhere between its earliest and latest
    /// start: its allowed/forbidden intervals (`intervals`) or the
    /// resources `short` (resource, amount) leave it no room.
    NoRoom {
        /// Index of the activity in the problem.
        activity: usize,
        /// Its earliest start, in minutes, from releases and time lags.
        earliest: Time,
        /// Its latest start, in minutes, from the deadline and time lags.
        latest: Time,
        /// Whether its allowed/forbidden intervals leave no room.
        intervals: bool,
        /// Resources whose capacity never leaves room for it: (resource index,
        /// units it needs).
        short: Vec<(usize, i64)>,
    },
    /// Activity `activity` cannot start before `earliest` (releases, time
    /// lags), too late to end by `deadline`.
    TooLate {
        /// Index of the activity in the problem.
        activity: usize,
        /// Its earliest start, in minutes.
        earliest: Time,
        /// The problem's deadline, in minutes.
        deadline: Time,
    },
    /// Anything else, in words.
    Other(String),
}

impl CoreReason {
    pub(super) fn describe(&self, problem: &Problem) -> String {
        let name = |j: usize| problem.activities[j].name.as_str();
        match self {
            CoreReason::NoRoom {
                activity,
                earliest,
                latest,
                intervals,
                short,
            } => {
                let a = &problem.activities[*activity];
                let mut why = Vec::new();
                if *intervals {
                    why.push("fits in none of its allowed intervals (given its forbidden intervals)".to_string());
                }
                for &(r, amount) in short {
                    why.push(format!(
                        "never has {} of {} free for {} minutes",
                        amount, problem.resources[r].name, a.duration
                    ));
                }
                if why.is_empty() {
                    why.push("fits no time allowed by its intervals and resource capacities".into());
                }
                format!(
                    "activity {} {} between minute {} and its latest start {}",
                    a.name,
                    why.join(" and "),
                    earliest,
                    latest
                )
            }
            CoreReason::TooLate {
                activity,
                earliest,
                deadline,
            } => format!(
                "activity {} cannot start before minute {} (releases and time lags), so it cannot end by the deadline {}",
                name(*activity), earliest, deadline
            ),
            CoreReason::Other(s) => s.clone(),
        }
    }
}
