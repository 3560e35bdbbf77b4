//! A process-wide "stop" flag, set by Ctrl-C (SIGINT) or by the library's
//! caller. The solver polls it (passed as [`flag`]) and, when it is set, stops
//! searching and returns the best plan found so far, which is then checked
//! and written as usual (atomically with `-o`).
//!
//! The `windowplan` binary installs the Ctrl-C handler (`src/main.rs`):
//! the first Ctrl-C sets the flag; a second one, while the flag is still
//! set, ends the process at once (exit code 130) for a user who does not
//! want to wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

static REQUESTED: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// The flag itself, to hand to the solver as
/// [`crate::solve::SolveOptions::stop`].
pub fn flag() -> Arc<AtomicBool> {
    REQUESTED
        .get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone()
}

/// Asks every running search to stop and return its best plan so far.
pub fn request() {
    flag().store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for (Ctrl-C or [`request`]).
pub fn requested() -> bool {
    flag().load(Ordering::SeqCst)
}

/// Clears the flag (for a long-lived process that plans again).
pub fn reset() {
    flag().store(false, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reset() {
        reset();
        assert!(!requested());
        request();
        assert!(requested());
        reset();
        assert!(!requested());
    }
}
