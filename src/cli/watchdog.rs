//! The backstop that makes every time limit and every Ctrl-C hold, whatever
//! stage the command is in.
//!
//! The stages stop cooperatively where they can: the solver polls the
//! process-wide stop flag (`windowplan::interrupt`, set by Ctrl-C) and its
//! own time limit, and returns its best plan. Some stages cannot be cut
//! short (bounds on a huge instance, an analysis with no partial answer).
//! The watchdog is a thread started by `main` for every command: once
//! Ctrl-C was pressed, or once the budget a command set with [`budget`] is
//! spent, it waits [`grace`]; if the command has still not finished, it
//! says which limit ran out and ends the process: exit 3 for a time limit
//! (nothing found in time, nothing proven), 130 for Ctrl-C. It never ends
//! the process while an output is being written ([`Writing`]), so no half
//! file is ever left.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use windowplan::base::fmt_duration;

/// How many outputs are being written right now.
static WRITING: AtomicUsize = AtomicUsize::new(0);

/// Whether the command has finished (its exit code is decided).
static DONE: AtomicBool = AtomicBool::new(false);

/// The command's name, when its budget ends, and the budget.
static BUDGET: Mutex<Option<(&'static str, Instant, Duration)>> = Mutex::new(None);

/// Held while an output is written: the watchdog waits for it.
pub struct Writing;

impl Writing {
    /// Marks the start of a write; the end is when the value drops.
    pub fn start() -> Writing {
        WRITING.fetch_add(1, Ordering::SeqCst);
        Writing
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long a command may run on after Ctrl-C (`budget` None) or after its
/// budget is spent before the watchdog ends it: one second, or a tenth of a
/// long budget (checking and writing a large plan takes time), at most 30 s.
pub fn grace(budget: Option<Duration>) -> Duration {
    budget.map_or(Duration::from_secs(1), |b| {
        (b / 10).clamp(Duration::from_secs(1), Duration::from_secs(30))
    })
}

/// Starts the watchdog (from `main`, once): from now on Ctrl-C ends any
/// command within [`grace`]`(None)`.
pub fn start() {
    // Without the thread the command still runs, only without the backstop.
    let _ = std::thread::Builder::new()
        .name("watchdog".into())
        .spawn(watch);
}

/// The command `command` may run for `limit` more (counted from now, after
/// its input is loaded), then [`grace`]; after that it is ended (exit 3).
pub fn budget(command: &'static str, limit: Duration) {
    if let Ok(mut b) = BUDGET.lock() {
        *b = Some((command, Instant::now() + limit, limit));
    }
}

/// Marks the command finished: the watchdog no longer ends it.
pub fn disarm() {
    DONE.store(true, Ordering::SeqCst);
}

fn watch() {
    let tick = Duration::from_millis(20);
    // Until Ctrl-C or the end of the budget.
    let (grace, message, code) = loop {
        if DONE.load(Ordering::SeqCst) {
            return;
        }
        if windowplan::interrupt::requested() {
            let g = grace(None);
            let m = format!(
                "interrupted: the command did not stop within {} of Ctrl-C and was ended; nothing more was written",
                fmt_duration(g)
            );
            break (g, m, 130);
        }
        let spent = BUDGET
            .lock()
            .ok()
            .and_then(|b| *b)
            .filter(|(_, end, _)| Instant::now() >= *end);
        if let Some((command, _, limit)) = spent {
            let g = grace(Some(limit));
            let m = format!(
                "no result within the time limit (none is proven impossible): `{command}` was still working {} after its budget of {} and was ended; nothing was written (try a longer --time-limit)",
                fmt_duration(g),
                fmt_duration(limit)
            );
            break (g, m, 3);
        }
        std::thread::sleep(tick);
    };
    // The grace period, then end the run (never mid-write).
    let cut = Instant::now();
    while !DONE.load(Ordering::SeqCst) {
        if cut.elapsed() >= grace && WRITING.load(Ordering::SeqCst) == 0 {
            eprintln!("{message}");
            std::process::exit(code);
        }
        std::thread::sleep(tick);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_is_a_second_or_a_tenth_of_a_long_budget() {
        assert_eq!(grace(None), Duration::from_secs(1));
        assert_eq!(grace(Some(Duration::from_secs(1))), Duration::from_secs(1));
        assert_eq!(grace(Some(Duration::from_secs(60))), Duration::from_secs(6));
        assert_eq!(
            grace(Some(Duration::from_secs(3600))),
            Duration::from_secs(30)
        );
        assert_eq!(fmt_duration(Duration::from_millis(2500)), "2.5s");
        assert_eq!(fmt_duration(Duration::from_secs(3)), "3s");
        assert_eq!(fmt_duration(Duration::from_millis(3)), "3ms");
    }
}
