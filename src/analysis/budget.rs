//! The time an analysis may spend, shared by its stages (`explain`,
//! `availability`, `risk`).
//!
//! An analysis is a sequence of stages (a plan, then re-plans of changed
//! inventories, or samples), most of them many small units of work that can
//! be left out: a bottleneck not tried, a suggestion not verified, a sample
//! not drawn. Each unit asks the budget before it starts ([`Budget::start`]);
//! once the deadline has passed, the stop flag is set (Ctrl-C), or the
//! allowance of units is used up, no new unit starts, and the analysis says
//! what it completed and what it did not. A unit that started may finish:
//! each re-plan's own search gets at most the time left
//! ([`Budget::limit`]), and a unit is not started when the time left is
//! shorter than the longest unit so far took, so the run ends near its
//! deadline rather than one unit's fixed cost after it.
//!
//! A budget of units (rather than time) makes a partial answer repeatable:
//! tests use it, and a budget of zero units says what an analysis says when
//! nothing was done in time.

use crate::solve::SolveOptions;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The time, the stop flag and the units of work an analysis may spend.
#[derive(Debug, Default)]
pub struct Budget {
    /// No unit starts after this instant.
    deadline: Option<Instant>,
    /// No unit starts once this is set (Ctrl-C).
    stop: Option<Arc<AtomicBool>>,
    /// At most this many units start, in all.
    units: Option<u64>,
    /// Units started so far.
    started: AtomicU64,
    /// The longest a unit took so far, in microseconds.
    longest_us: AtomicU64,
}

/// Why a budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    /// The time limit was reached.
    TimeLimit,
    /// Ctrl-C (or the caller's stop flag).
    Interrupted,
    /// The allowance of work units was used up.
    WorkLimit,
}

/// A unit of work that started; it records how long it took when dropped.
pub struct Unit<'a> {
    budget: &'a Budget,
    began: Instant,
}

impl Drop for Unit<'_> {
    fn drop(&mut self) {
        let us = self.began.elapsed().as_micros().min(u64::MAX as u128) as u64;
        self.budget.longest_us.fetch_max(us, Ordering::Relaxed);
    }
}

impl Budget {
    /// No limit: every unit runs (the library's default).
    pub fn unlimited() -> Budget {
        Budget::default()
    }

    /// Units may start until `limit` from now.
    pub fn within(limit: Duration) -> Budget {
        Budget {
            // A limit too long to count from now is no limit.
            deadline: Instant::now().checked_add(limit),
            ..Budget::default()
        }
    }

    /// The same budget, also stopped by `flag` (e.g. `interrupt::flag()`).
    pub fn with_stop(mut self, flag: Option<Arc<AtomicBool>>) -> Budget {
        self.stop = flag;
        self
    }

    /// The same budget, allowing at most `units` units of work in all.
    pub fn with_units(mut self, units: u64) -> Budget {
        self.units = Some(units);
        self
    }

    /// The time left before the deadline (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// Whether work already started should wind down: the deadline has
    /// passed or the stop flag is set (a used-up allowance of units stops
    /// only new units). A unit's search cut short by it is not a result.
    pub fn stopped(&self) -> Option<Cut> {
        if self
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            return Some(Cut::Interrupted);
        }
        if self.remaining().is_some_and(|r| r.is_zero()) {
            return Some(Cut::TimeLimit);
        }
        None
    }

    /// Why no unit may start now, if none may (ignoring how long one takes).
    pub fn cut(&self) -> Option<Cut> {
        if let Some(c) = self.stopped() {
            return Some(c);
        }
        if self
            .units
            .is_some_and(|u| self.started.load(Ordering::Relaxed) >= u)
        {
            return Some(Cut::WorkLimit);
        }
        None
    }

    /// Starts a unit of work, unless the budget is spent or the time left is
    /// shorter than the longest unit so far took. Hold the unit while the
    /// work runs.
    pub fn start(&self) -> Option<Unit<'_>> {
        if self.cut().is_some() {
            return None;
        }
        let longest = Duration::from_micros(self.longest_us.load(Ordering::Relaxed));
        if self.remaining().is_some_and(|r| r < longest) {
            return None;
        }
        if let Some(u) = self.units {
            // Taken atomically: parallel units never overdraw the allowance.
            let taken = self
                .started
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
                    (s < u).then_some(s + 1)
                });
            if taken.is_err() {
                return None;
            }
        } else {
            self.started.fetch_add(1, Ordering::Relaxed);
        }
        Some(Unit {
            budget: self,
            began: Instant::now(),
        })
    }

    /// Why the analysis stopped short, once some unit could not start:
    /// the cut now, or the time limit (a unit was held back because it would
    /// not have fitted in the time left).
    pub fn why_short(&self) -> Cut {
        self.cut().unwrap_or(Cut::TimeLimit)
    }

    /// `opts` with its time limit cut to the time left and this budget's
    /// stop flag, for a solve that runs as one unit.
    pub fn limit(&self, opts: &SolveOptions) -> SolveOptions {
        let mut o = opts.clone();
        if let Some(r) = self.remaining() {
            o.time_limit = o.time_limit.min(r);
        }
        if o.stop.is_none() {
            o.stop.clone_from(&self.stop);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_run_out_and_say_why() {
        let b = Budget::unlimited().with_units(2);
        let u1 = b.start();
        let u2 = b.start();
        assert!(u1.is_some() && u2.is_some());
        assert!(b.start().is_none());
        assert_eq!(b.cut(), Some(Cut::WorkLimit));
        // The units that started may finish.
        assert_eq!(b.stopped(), None);
        assert_eq!(b.why_short(), Cut::WorkLimit);
    }

    #[test]
    fn a_zero_limit_starts_nothing() {
        let b = Budget::within(Duration::ZERO);
        assert!(b.start().is_none());
        assert_eq!(b.cut(), Some(Cut::TimeLimit));
        let o = b.limit(&SolveOptions::default());
        assert_eq!(o.time_limit, Duration::ZERO);
    }

    #[test]
    fn the_stop_flag_cuts() {
        let flag = Arc::new(AtomicBool::new(false));
        let b = Budget::unlimited().with_stop(Some(flag.clone()));
        assert!(b.start().is_some());
        flag.store(true, Ordering::SeqCst);
        assert!(b.start().is_none());
        assert_eq!(b.why_short(), Cut::Interrupted);
        assert!(b.limit(&SolveOptions::default()).stop_requested());
    }

    #[test]
    fn unlimited_always_starts() {
        let b = Budget::unlimited();
        for _ in 0..100 {
            assert!(b.start().is_some());
        }
        assert_eq!(b.cut(), None);
        assert_eq!(b.remaining(), None);
    }
}
