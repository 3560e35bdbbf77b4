//! Progress of a solve, for the person waiting on it.
//!
//! The solver reports through [`Progress`]: `improved` each time it finds a
//! shorter plan (or proves a higher bound), `tick` now and then (at least a
//! few times a second is plenty; it must be cheap, and is called from any
//! worker thread). [`Silent`] ignores both; [`Spinner`] draws an indicatif
//! spinner on stderr with the best length, the bound, the gap and the time
//! left, appearing only once the solve has run for a second and only when
//! stderr is a terminal (see [`Spinner::for_stderr`]).
//!
//! The CLI ticks the spinner itself while the solver runs, so elapsed time
//! and time left show even before the solver calls in.

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

/// An indicatif spinner on stderr: hidden for the first second, then
/// `⠋ solving 3s / 10s (7s left) · best 412m · bound 380m · gap 7.8%`.
pub struct Spinner {
    bar: indicatif::ProgressBar,
    limit: Duration,
    best: AtomicI64,
    bound: AtomicI64,
    shown: AtomicBool,
    /// Draw at all (stderr is a terminal and not `--quiet`).
    enabled: bool,
    notes: std::sync::Mutex<Vec<String>>,
}

const NONE: i64 = i64::MIN;

impl Spinner {
    /// A spinner that draws only if `enabled` (it is still safe to call).
    pub fn new(limit: Duration, enabled: bool) -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .expect("the template is valid"),
        );
        Spinner {
            bar,
            limit,
            best: AtomicI64::new(NONE),
            bound: AtomicI64::new(NONE),
            shown: AtomicBool::new(false),
            enabled,
            notes: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Draws only when stderr is a terminal and `quiet` is false.
    pub fn for_stderr(limit: Duration, quiet: bool) -> Self {
        use std::io::IsTerminal;
        Spinner::new(limit, !quiet && std::io::stderr().is_terminal())
    }

    /// Whether the spinner has appeared (the solve took over a second).
    pub fn was_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }

    fn load(a: &AtomicI64) -> Option<Time> {
        Some(a.load(Ordering::Relaxed)).filter(|&v| v != NONE)
    }

    /// What the solver noted, for the user (see [`Progress::note`]).
    pub fn notes(&self) -> Vec<String> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The current figures (best, bound, gap) in words.
    pub fn figures(&self) -> String {
        figures(Self::load(&self.best), Self::load(&self.bound))
    }

    fn message(&self, elapsed: Duration) -> String {
        let left = self.limit.saturating_sub(elapsed);
        format!(
            "solving {:.0}s / {:.0}s ({:.0}s left) · {}",
            elapsed.as_secs_f64(),
            self.limit.as_secs_f64(),
            left.as_secs_f64(),
            self.figures()
        )
    }

    /// Clears the spinner (if it was drawn) and returns the final line,
    /// `plan 412m · bound 380m · gap 7.8% · 10.0s`.
    pub fn finish(&self, elapsed: Duration) -> String {
        self.bar.finish_and_clear();
        format!("{} · {:.1}s", self.figures(), elapsed.as_secs_f64())
    }
}

impl Progress for Spinner {
    fn improved(&self, makespan: Time, lower_bound: Time) {
        // Keep the best of concurrent reports.
        let _ = self
            .best
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                (b == NONE || makespan < b).then_some(makespan)
            });
        let _ = self.bound.fetch_max(lower_bound, Ordering::Relaxed);
    }

    fn note(&self, message: &str) {
        self.notes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message.to_string());
    }

    fn tick(&self, elapsed: Duration) {
        if !self.enabled {
            return;
        }
        if elapsed >= Duration::from_secs(1) && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(10));
            self.bar.enable_steady_tick(Duration::from_millis(100));
        }
        if self.was_shown() {
            self.bar.set_message(self.message(elapsed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinner_keeps_best_and_bound() {
        let s = Spinner::new(Duration::from_secs(10), false);
        assert_eq!(s.figures(), "no plan yet");
        s.improved(500, 300);
        s.improved(520, 350);
        s.improved(450, 320);
        assert_eq!(s.figures(), figures(Some(450), Some(350)));
        s.tick(Duration::from_secs(3));
        assert!(!s.was_shown(), "a disabled spinner never draws");
        assert!(s.message(Duration::from_secs(3)).contains("(7s left)"));
        assert!(s.finish(Duration::from_secs(3)).ends_with("3.0s"));
    }

    #[test]
    fn gap_in_percent() {
        assert_eq!(gap_percent(400, 300), 25.0);
        assert_eq!(gap_percent(0, 0), 0.0);
        assert_eq!(gap_percent(300, 400), 0.0);
        Silent.improved(1, 1);
        Silent.tick(Duration::ZERO);
    }
}
