//! The leaf every layer builds on: minutes from the window start, half-open
//! intervals of them, arithmetic on interval sets, and the words for
//! durations and lists. It imports nothing from the crate.

pub(crate) mod intervals;
pub mod text;
pub(crate) mod words;

use serde::{Deserialize, Serialize};

pub use words::{fmt_duration, fmt_minutes, join_words};

/// Plans may not place a task more than a century from the window start
/// (keeps all minute arithmetic far from overflow).
pub const MINUTE_LIMIT: Time = 100 * 366 * 24 * 60;

/// Whole minutes from the window start.
pub type Time = i64;

/// A half-open interval `[start, end)` of minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// First minute inside the interval.
    pub start: Time,
    /// First minute after it (exclusive end).
    pub end: Time,
}

impl Interval {
    /// The interval `[start, end)`; nothing is checked (an empty one is allowed).
    pub fn new(start: Time, end: Time) -> Self {
        Interval { start, end }
    }
    /// Its length in minutes (0 when empty or reversed).
    pub fn len(&self) -> Time {
        (self.end - self.start).max(0)
    }
    /// Whether it holds no minute.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// Whether `[s, s+d)` lies wholly inside this interval.
    pub fn contains_run(&self, s: Time, d: Time) -> bool {
        s >= self.start && s + d <= self.end
    }
    /// Whether `[s, s+d)` shares at least one minute with this interval.
    pub fn overlaps_run(&self, s: Time, d: Time) -> bool {
        s < self.end && s + d > self.start && d > 0
    }
}
