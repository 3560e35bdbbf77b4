//! The spinner `windowplan plan` draws on stderr while it solves: the
//! library's [`Progress`] drawn with indicatif, appearing only once the
//! solve has run for a second and only when stderr is a terminal. The
//! pipeline ticks it while the solver runs, so elapsed time and time left
//! show even before the solver calls in.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;
use windowplan::base::Time;
use windowplan::progress::{figures, Progress};

const NONE: i64 = i64::MIN;

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
}
