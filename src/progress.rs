//! Progress of a solve, for the person waiting on it.
//!
//! The solver reports through [`Progress`]: `improved` each time it finds a
//! shorter plan (or proves a higher bound), `tick` now and then (at least a
//! few times a second is plenty; it must be cheap, and is called from any
//! worker thread). [`Silent`] ignores both. The library never draws
//! anything itself: the command's spinner (indicatif, on stderr) is one
//! implementation of [`Progress`], in the binary.

use crate::base::Time;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// What a solver tells whoever is watching. Implementations must be cheap
/// and thread-safe: workers call them concurrently.
pub trait Progress: Sync {
    /// A better plan (`makespan` minutes long) or a better bound was found;
    /// `lower_bound` is the best proven bound so far.
    fn improved(&self, makespan: Time, lower_bound: Time);
    /// Time has passed; `elapsed` since the solve started.
    fn tick(&self, elapsed: Duration);
    /// Something the user should know about how the search went.
    fn note(&self, _message: &str) {}
}

/// Ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn improved(&self, _makespan: Time, _lower_bound: Time) {}
    fn tick(&self, _elapsed: Duration) {}
}

/// Keeps the latest figures the solver reported (from any thread) until
/// someone [takes](Relay::take) them, and passes them on at once to an
/// optional inner watcher. Lets a borrowed [`Progress`] be fed from a
/// solver that needs an owned one.
pub struct Relay {
    best: AtomicI64,
    bound: AtomicI64,
    fresh: AtomicBool,
    notes: std::sync::Mutex<Vec<String>>,
    inner: Option<std::sync::Arc<dyn Progress + Send + Sync>>,
}

impl Relay {
    /// A relay with nothing recorded yet; `inner`, if any, hears every event as it comes.
    pub fn new(inner: Option<std::sync::Arc<dyn Progress + Send + Sync>>) -> Self {
        Relay {
            best: AtomicI64::new(NONE),
            bound: AtomicI64::new(NONE),
            fresh: AtomicBool::new(false),
            notes: std::sync::Mutex::new(Vec::new()),
            inner,
        }
    }

    /// The latest `(makespan, lower_bound)` if new since the last take.
    pub fn take(&self) -> Option<(Time, Time)> {
        if !self.fresh.swap(false, Ordering::AcqRel) {
            return None;
        }
        let (m, b) = (
            self.best.load(Ordering::Acquire),
            self.bound.load(Ordering::Acquire),
        );
        (m != NONE).then_some((m, b))
    }

    /// The notes told since the last take.
    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Progress for Relay {
    fn improved(&self, makespan: Time, lower_bound: Time) {
        self.best.store(makespan, Ordering::Release);
        self.bound.store(lower_bound, Ordering::Release);
        self.fresh.store(true, Ordering::Release);
        if let Some(p) = &self.inner {
            p.improved(makespan, lower_bound);
        }
    }
    fn tick(&self, elapsed: Duration) {
        if let Some(p) = &self.inner {
            p.tick(elapsed);
        }
    }
    fn note(&self, message: &str) {
        self.notes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message.to_string());
        if let Some(p) = &self.inner {
            p.note(message);
        }
    }
}

/// No figure yet (the atomics hold `Option<Time>` this way).
pub(crate) const NONE: i64 = i64::MIN;

/// The gap between a plan and its bound, as a percentage of the plan.
pub(crate) fn gap_percent(makespan: Time, lower_bound: Time) -> f64 {
    if makespan <= 0 {
        0.0
    } else {
        (makespan - lower_bound).max(0) as f64 * 100.0 / makespan as f64
    }
}

/// One line: best length, bound and gap, e.g. `best 412m · bound 380m · gap 7.8%`.
pub fn figures(makespan: Option<Time>, lower_bound: Option<Time>) -> String {
    match (makespan, lower_bound) {
        (Some(m), Some(b)) => format!(
            "best {} · bound {} · gap {:.1}%",
            crate::base::fmt_minutes(m),
            crate::base::fmt_minutes(b),
            gap_percent(m, b)
        ),
        (Some(m), None) => format!("best {}", crate::base::fmt_minutes(m)),
        (None, Some(b)) => format!("no plan yet · bound {}", crate::base::fmt_minutes(b)),
        (None, None) => "no plan yet".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_in_percent() {
        assert_eq!(gap_percent(400, 300), 25.0);
        assert_eq!(gap_percent(0, 0), 0.0);
        assert_eq!(gap_percent(300, 400), 0.0);
        Silent.improved(1, 1);
        Silent.tick(Duration::ZERO);
    }
}
