//! The core Problem: activities, generalised precedences (RCPSP/max time
//! lags), cumulative resources with capacity profiles, exclusion groups,
//! allowed/forbidden intervals, a deadline and down-signals with limits.
//!
//! Time is whole minutes from the window start (`0`).

use serde::{Deserialize, Serialize};

pub use crate::base::{Interval, Time};

/// One non-preemptive piece of work of fixed duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Name for reports and explanations (the task id).
    pub name: String,
    /// Duration in minutes (0 allowed: a milestone).
    pub duration: Time,
    /// Resource use while the activity runs.
    pub demands: Vec<Demand>,
    /// Earliest start (0 unless the activity may not start at the window start).
    pub release: Time,
    /// When given, the activity must lie wholly inside one of these intervals
    /// (sorted, disjoint).
    pub allowed: Option<Vec<Interval>>,
    /// The activity may not overlap any of these (sorted, disjoint).
    pub forbidden: Vec<Interval>,
}

impl Activity {
    /// An activity of `duration` minutes with no demands, release or windows.
    pub fn new(name: impl Into<String>, duration: Time) -> Self {
        Activity {
            name: name.into(),
            duration,
            demands: Vec::new(),
            release: 0,
            allowed: None,
            forbidden: Vec::new(),
        }
    }
}

/// `amount` units of resource `resource` held while the activity runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Index into [`Problem::resources`].
    pub resource: usize,
    /// Units held (at most the resource's capacity to be placeable).
    pub amount: i64,
}

/// `S[to] >= S[from] + lag` (start-to-start; a negative lag is allowed, and a
/// maximum time lag is a negative lag in the other direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precedence {
    /// Index of the earlier activity in [`Problem::activities`].
    pub from: usize,
    /// Index of the later activity in [`Problem::activities`].
    pub to: usize,
    /// Minimum minutes from the start of `from` to the start of `to`.
    pub lag: Time,
}

/// A cumulative resource whose capacity may change over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Name for explanations, e.g. `team dba`, `cluster web-tier`.
    pub name: String,
    /// Step function: `steps[k] = (t, c)` means capacity `c` from minute `t`
    /// until the next step. Sorted by `t`; the first step is at a time `<= 0`
    /// (capacity before the first step is that of the first step).
    pub steps: Vec<(Time, i64)>,
}

impl Resource {
    /// A resource of constant capacity.
    pub fn constant(name: impl Into<String>, capacity: i64) -> Self {
        Resource {
            name: name.into(),
            steps: vec![(0, capacity)],
        }
    }

    /// Capacity at minute `t`.
    pub fn capacity_at(&self, t: Time) -> i64 {
        let idx = self.steps.partition_point(|&(s, _)| s <= t);
        if idx == 0 {
            self.steps.first().map(|s| s.1).unwrap_or(0)
        } else {
            self.steps[idx - 1].1
        }
    }

    /// The largest capacity it ever has.
    pub fn max_capacity(&self) -> i64 {
        self.steps.iter().map(|s| s.1).max().unwrap_or(0)
    }

    /// Whether capacity never changes.
    pub fn is_constant(&self) -> bool {
        self.steps.windows(2).all(|w| w[0].1 == w[1].1)
    }
}

/// Activities of different sides never run at the same minute; activities of
/// the same side may. (A DR pair: primary-side outages vs standby-side.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Name for explanations (the DR pair).
    pub name: String,
    /// Each side's activities, as indices into [`Problem::activities`].
    pub sides: Vec<Vec<usize>>,
}

/// A signal that is "on" at some minutes, derived from running activities.
/// Signals may refer to earlier signals only (index order), so evaluation is
/// a single pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    /// On while any of these activities runs.
    Running(Vec<usize>),
    /// On while any of these signals is on.
    Any(Vec<usize>),
    /// On while all of these signals are on (false for an empty list).
    All(Vec<usize>),
    /// On once the input signal has been on continuously for more than
    /// `tolerance` minutes, until it goes off.
    Delayed {
        /// Index of the input signal in [`Problem::signals`].
        input: usize,
        /// Minutes the input may stay on before this signal turns on.
        tolerance: Time,
    },
    /// The switchover minutes of an `any` group: on for `minutes` minutes
    /// from each minute `t >= 0` at which the serving member (the first
    /// member, in list order, that is up) changes from one up member to
    /// another up member. `members` are the earlier "member down" signals in
    /// the group's list order. Before minute 0 the serving member is the
    /// first member up just before 0; a group coming back from wholly down
    /// is no switchover. (The group's "every member down" minutes are a
    /// separate `All` signal.)
    Switchover {
        /// Indices of the members' down signals in [`Problem::signals`].
        members: Vec<usize>,
        /// Minutes the service is down after each change of serving member.
        minutes: Time,
    },
}

/// A weighted measure of how long a signal is on, with an optional hard limit.
/// (A service's downtime.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnTimeLimit {
    /// Name for reports (the service id).
    pub name: String,
    /// Index of the measured signal in [`Problem::signals`].
    pub signal: usize,
    /// Weight of each minute on in the objective.
    pub weight: f64,
    /// Most minutes the signal may be on in total (a hard limit), if any.
    pub max_on: Option<Time>,
}

/// The domain-free scheduling problem.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Name of the instance, for reports (`inventory`, or the benchmark file).
    pub name: String,
    /// Everything to schedule; indices into it are activity ids.
    pub activities: Vec<Activity>,
    /// Minimum time lags between activity starts.
    pub precedences: Vec<Precedence>,
    /// Cumulative resources the activities draw on.
    pub resources: Vec<Resource>,
    /// Groups of activities whose sides may not run at the same time.
    pub exclusions: Vec<Exclusion>,
    /// Every activity must end by this minute.
    pub deadline: Option<Time>,
    /// Derived on/off signals (e.g. "service down"), in evaluation order.
    pub signals: Vec<Signal>,
    /// Limits and weights on how long signals are on (service downtime).
    pub limits: Vec<OnTimeLimit>,
}

/// Start times, one per activity, in minutes.
pub type Starts = Vec<Time>;

impl Problem {
    /// Pairs `(i, j)`, `i < j`, of activities of positive duration on
    /// different sides of an exclusion group: each pair may not overlap.
    pub fn exclusion_pairs(&self) -> Vec<(usize, usize)> {
        let acts = &self.activities;
        let mut pairs = Vec::new();
        for ex in &self.exclusions {
            for (k, a) in ex.sides.iter().enumerate() {
                for b in ex.sides.iter().skip(k + 1) {
                    for &i in a {
                        for &j in b {
                            if i != j && acts[i].duration > 0 && acts[j].duration > 0 {
                                pairs.push((i.min(j), i.max(j)));
                            }
                        }
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The makespan of a schedule: the latest end (0 when there are no activities).
    pub fn makespan(&self, starts: &[Time]) -> Time {
        self.activities
            .iter()
            .zip(starts)
            .map(|(a, &s)| s + a.duration)
            .max()
            .unwrap_or(0)
            .max(0)
    }
}
