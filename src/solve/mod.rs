//! The solver on the core [`Problem`]: bounds, schedule generation, search.
//! It knows nothing of inventories.

use crate::model::{Starts, Time};
use std::time::Duration;

/// How long and how to search.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    pub time_limit: Duration,
    pub seed: u64,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(5),
            seed: 1,
            threads: 0,
        }
    }
}

/// A schedule found by the solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub starts: Starts,
    pub makespan: Time,
    /// No schedule can have a smaller makespan.
    pub lower_bound: Time,
}

impl Solution {
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

/// Solves a problem within the options' limits. (to be written)
pub fn solve(_problem: &crate::model::Problem, _opts: &SolveOptions) -> Outcome {
    todo!()
}
