//! How to solve: the options of a solve ([`SolveOptions`]), the engine
//! ([`Engine`]) and what "best" means ([`Objective`]). A leaf: it imports
//! nothing else of the solver.

use crate::model::Time;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long and how to search.
#[derive(Clone)]
pub struct SolveOptions {
    /// Wall-clock budget of the whole solve; when it runs out the best
    /// schedule so far is returned.
    pub time_limit: Duration,
    /// Seed of the randomised search: same seed, same single-threaded result.
    pub seed: u64,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Schedules generated per worker before stopping (0 = no limit). With
    /// one thread and a limit that is reached before the time limit, the
    /// result depends only on the seed.
    pub max_schedules: u64,
    /// What "best" means when the problem has weighted on-time limits
    /// (service downtime): see [`Objective`].
    pub objective: Objective,
    /// Told of every better schedule and better bound (from any worker).
    pub progress: Option<Arc<dyn crate::progress::Progress + Send + Sync>>,
    /// When set to true, the search stops at its next check and returns
    /// the best schedule so far (or `NotFound`).
    pub stop: Option<Arc<AtomicBool>>,
    /// Which engine solves: the portfolio, or the portfolio then the
    /// time-indexed MILP (see [`Engine`]).
    pub engine: Engine,
    /// A lower bound on the makespan that the caller has already proven
    /// for this problem (0: none). The search starts its own bounds from
    /// it rather than proving it again: the deadline stage
    /// (`solve::deadline`) shares its precheck's bound with both of its
    /// runs this way. A value that is not a proven bound makes a
    /// `optimal` untrue: only a proof may be passed.
    pub known_lower_bound: Time,
}

/// The engines `solve` can use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Schedule generation, local search and the exact engine, racing.
    #[default]
    Portfolio,
    /// The portfolio for a quarter of the time, then the time-indexed MILP
    /// (good_lp: microlp, or HiGHS when built with `--features highs`)
    /// below its schedule, to prove it optimal or find a shorter one
    /// ([`solve`](super::solve)'s engine stage). For small windows: the model grows with
    /// activities × minutes, and is refused above `milp::MAX_START_VARS`.
    Milp,
}

/// What the solver optimises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Shortest makespan; among schedules of that length, least weighted
    /// on-time (downtime).
    #[default]
    Window,
    /// Least weighted on-time; then the shortest makespan that keeps it.
    Downtime,
}

impl std::fmt::Debug for SolveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SolveOptions")
            .field("time_limit", &self.time_limit)
            .field("seed", &self.seed)
            .field("threads", &self.threads)
            .field("max_schedules", &self.max_schedules)
            .field("objective", &self.objective)
            .field("progress", &self.progress.as_ref().map(|_| "…"))
            .field("stop", &self.stop)
            .field("engine", &self.engine)
            .field("known_lower_bound", &self.known_lower_bound)
            .finish()
    }
}

impl SolveOptions {
    /// The number of worker threads meant (`threads`, 0 = all cores).
    pub fn worker_threads(&self) -> usize {
        if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        }
    }

    /// Whether the caller asked the search to stop (the `stop` flag is set).
    pub fn stop_requested(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(5),
            seed: 1,
            threads: 0,
            max_schedules: 0,
            objective: Objective::Window,
            progress: None,
            stop: None,
            engine: Engine::Portfolio,
            known_lower_bound: 0,
        }
    }
}
