//! The solver's clock: wall time, or — in a one-thread solve — the work
//! done, so that the same problem, seed and time limit give the same plan on
//! any machine and under any load.
//!
//! Every time the solver asks the time (`now`, `passed`) counts as one
//! step; a caller that did more work between two questions adds it with
//! `work`. A step is worth [`STEP`] of time, a little more than what the
//! work it stands for costs on a 2-core machine of our reference kind, so
//! the work clock normally runs ahead of the wall clock. The wall clock
//! still caps the run: `passed` is true once either clock has passed the
//! deadline, so a time limit is never overrun. When the wall clock decided,
//! the run may not repeat exactly, and `Reproducible::finish` says so.
//!
//! Only the thread that started a `Reproducible` run counts work; other
//! threads (and every thread outside such a run) see the wall clock.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The time one step of work is worth.
pub const STEP: Duration = Duration::from_nanos(STEP_NANOS);
const STEP_NANOS: u64 = 100;

#[derive(Clone, Copy)]
struct Work {
    base: Instant,
    /// The wall-clock end of the whole run (its time limit).
    end: Instant,
    steps: u64,
    /// The wall clock was ahead of the work clock at some question.
    wall_led: bool,
}

thread_local! {
    static WORK: Cell<Option<Work>> = const { Cell::new(None) };
}

/// The current time of the solver's clock: the wall clock, or in a
/// reproducible run the start plus the work done (one more step).
pub(crate) fn now() -> Instant {
    WORK.with(|cell| match cell.get() {
        None => Instant::now(),
        Some(mut w) => {
            w.steps += 1;
            cell.set(Some(w));
            w.base + Duration::from_nanos(w.steps.saturating_mul(STEP_NANOS))
        }
    })
}

/// Whether `deadline` has passed (a question that is also one step of
/// work). In a reproducible run: on the work clock, or on the wall clock
/// (the deadline itself, or the run's time limit), which caps the run; the
/// wall clock deciding is remembered.
pub(crate) fn passed(deadline: Instant) -> bool {
    if now() >= deadline {
        return true;
    }
    let wall = WORK.with(|cell| {
        let now = Instant::now();
        now >= deadline || cell.get().is_some_and(|w| now >= w.end)
    });
    if wall {
        WORK.with(|cell| {
            if let Some(mut w) = cell.get() {
                w.wall_led = true;
                cell.set(Some(w));
            }
        });
    }
    wall
}

/// The steps one pass over a problem of this shape stands for (a schedule
/// generated, a decision of the exact search): one per activity, time lag
/// and demand, with two thirds more as margin.
pub(crate) fn pass(activities: usize, lags: usize, demands: usize) -> u64 {
    ((activities + lags + demands) as u64 * 5 / 3).max(1)
}

/// Time since `since` on the solver's clock.
pub(crate) fn elapsed(since: Instant) -> Duration {
    now().saturating_duration_since(since)
}

/// Adds `steps` of work done since the last question (no effect outside a
/// reproducible run).
pub(crate) fn work(steps: u64) {
    WORK.with(|cell| {
        if let Some(mut w) = cell.get() {
            w.steps = w.steps.saturating_add(steps);
            cell.set(Some(w));
        }
    })
}

/// A reproducible run on this thread: from [`Reproducible::start`] until
/// `Reproducible::finish` (or drop), the clock counts work.
pub(crate) struct Reproducible {
    outer: Option<Work>,
}

impl Reproducible {
    /// Starts counting work on this thread, for a run that must end within
    /// `limit` of wall-clock time (a run inside a run goes on counting the
    /// outer run's work).
    pub fn start(limit: Duration) -> Reproducible {
        let outer = WORK.with(|cell| cell.get());
        if outer.is_none() {
            let base = Instant::now();
            WORK.with(|cell| {
                cell.set(Some(Work {
                    base,
                    end: base + limit,
                    steps: 0,
                    wall_led: false,
                }))
            });
        }
        Reproducible { outer }
    }

    /// Whether this is a run inside another (which goes on counting the
    /// outer run's work, and whose end the outer run reports).
    pub fn nested(&self) -> bool {
        self.outer.is_some()
    }

    /// Ends the run. `true` when the work clock led throughout, so the same
    /// run repeats exactly; `false` when the wall clock overtook it (a slow
    /// or busy machine).
    pub fn finish(self) -> bool {
        WORK.with(|cell| cell.get()).is_none_or(|w| !w.wall_led)
    }
}

impl Drop for Reproducible {
    fn drop(&mut self) {
        if self.outer.is_none() {
            WORK.with(|cell| cell.set(None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_clock_counts_steps_and_is_capped_by_the_wall() {
        let run = Reproducible::start(Duration::from_secs(60));
        let t0 = now();
        work(999);
        assert_eq!(now().duration_since(t0), STEP * 1000);
        let deadline = now() + Duration::from_millis(20);
        assert!(!passed(deadline));
        std::thread::sleep(Duration::from_millis(25));
        // no work was done, but the wall clock passed the deadline
        assert!(now() < deadline);
        assert!(passed(deadline));
        assert!(!run.finish(), "the wall clock decided");
        // outside a run: the wall clock
        let a = now();
        assert!(a.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn pure_work_is_reproducible() {
        let run = Reproducible::start(Duration::from_secs(60));
        let t0 = now();
        let deadline = t0 + Duration::from_secs(1);
        assert!(!passed(deadline));
        work(10_000_000); // a second of work, done at once
        assert!(passed(deadline));
        assert!(run.finish());
    }

    #[test]
    fn the_run_limit_caps_every_deadline() {
        let run = Reproducible::start(Duration::from_millis(10));
        let far = now() + Duration::from_secs(3600);
        std::thread::sleep(Duration::from_millis(15));
        assert!(passed(far), "the run's own limit has passed");
        assert!(!run.finish());
    }
}
