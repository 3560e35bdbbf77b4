//! Resource usage timeline: the remaining capacity of one cumulative
//! resource as a step function over time, with "where does a demand first
//! not fit" queries and reservations.

use crate::model::Time;

/// Far past / far future (no overflow when adding durations).
pub const NEG: Time = -(1 << 50);
pub const POS: Time = 1 << 50;

/// Remaining capacity: `pts[k] = (t, c)` means `c` units free from `t` until
/// the next point; `pts[0].0 == NEG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pts: Vec<(Time, i64)>,
}

impl Profile {
    /// From capacity steps `(t, c)` sorted by `t` (capacity before the first
    /// step is that of the first step; no steps = capacity 0).
    pub fn from_steps(steps: &[(Time, i64)]) -> Self {
        let mut pts: Vec<(Time, i64)> = Vec::with_capacity(steps.len() + 1);
        pts.push((NEG, steps.first().map(|s| s.1).unwrap_or(0)));
        for &(t, c) in steps {
            let last = pts.last_mut().expect("non-empty");
            if t <= last.0 {
                last.1 = c;
            } else if c != last.1 {
                pts.push((t, c));
            }
        }
        Profile { pts }
    }

    /// Breakpoints (for mirroring and bounds).
    pub fn points(&self) -> &[(Time, i64)] {
        &self.pts
    }

    fn seg(&self, t: Time) -> usize {
        self.pts.partition_point(|p| p.0 <= t) - 1
    }

    /// Capacity left at minute `t`.
    pub fn at(&self, t: Time) -> i64 {
        self.pts[self.seg(t)].1
    }

    /// When `amount` does not fit somewhere in `[t, t+d)`, the end of the
    /// first segment where it does not fit (`POS` if never); `None` if it fits.
    pub fn conflict(&self, t: Time, d: Time, amount: i64) -> Option<Time> {
        self.conflict_counted(t, d, amount).0
    }

    /// [`Profile::conflict`], with the segments it looked at (its work).
    pub fn conflict_counted(&self, t: Time, d: Time, amount: i64) -> (Option<Time>, u64) {
        if d <= 0 {
            return (None, 0);
        }
        let first = self.seg(t);
        let mut k = first;
        let end = t + d;
        while k < self.pts.len() && self.pts[k].0 < end {
            if self.pts[k].1 < amount {
                // no start before the next segment with room can fit either
                k += 1;
                while k < self.pts.len() && self.pts[k].1 < amount {
                    k += 1;
                }
                let at = self.pts.get(k).map(|p| p.0).unwrap_or(POS);
                return (Some(at), (k - first) as u64 + 1);
            }
            k += 1;
        }
        (None, (k - first) as u64 + 1)
    }

    /// When `amount` does not fit somewhere in `[t, t+d)`, the start of the
    /// last run of segments there where it does not fit (`NEG` if that run
    /// reaches back for ever): no start after `result - d` overlapping it
    /// can fit. `None` if it fits.
    pub fn last_conflict(&self, t: Time, d: Time, amount: i64) -> Option<Time> {
        if d <= 0 {
            return None;
        }
        let first = self.seg(t);
        let mut k = self.seg(t + d - 1);
        loop {
            if self.pts[k].1 < amount {
                while k > 0 && self.pts[k - 1].1 < amount {
                    k -= 1;
                }
                return Some(self.pts[k].0);
            }
            if k == first {
                return None;
            }
            k -= 1;
        }
    }

    fn split(&mut self, x: Time) -> usize {
        let k = self.seg(x);
        if self.pts[k].0 == x {
            k
        } else {
            let c = self.pts[k].1;
            self.pts.insert(k + 1, (x, c));
            k + 1
        }
    }

    /// Takes `amount` units over `[t, t+d)`. Returns its work: the
    /// segments changed, and the breakpoints moved to make room (counted
    /// one per 16, as they move in bulk).
    pub fn reserve(&mut self, t: Time, d: Time, amount: i64) -> u64 {
        if d <= 0 || amount == 0 {
            return 0;
        }
        let a = self.split(t);
        let b = self.split(t + d);
        for p in &mut self.pts[a..b] {
            p.1 -= amount;
        }
        (b - a) as u64 + (self.pts.len() - a) as u64 / 16 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_and_conflict() {
        let mut p = Profile::from_steps(&[(0, 0), (10, 2)]);
        assert_eq!(p.conflict(0, 5, 1), Some(10));
        assert_eq!(p.conflict(10, 5, 2), None);
        p.reserve(12, 5, 2);
        assert_eq!(p.conflict(10, 5, 1), Some(17));
        assert_eq!(p.conflict(17, 5, 2), None);
        assert_eq!(p.at(-5), 0);
        assert_eq!(p.at(12), 0);
        assert_eq!(p.at(17), 2);
        let q = Profile::from_steps(&[(0, 1), (5, 0)]);
        assert_eq!(q.conflict(3, 5, 1), Some(POS));
        // the mirror question: the last blocked run within the interval
        assert_eq!(q.last_conflict(3, 5, 1), Some(5));
        assert_eq!(q.last_conflict(0, 5, 1), None);
        let r = Profile::from_steps(&[(0, 0), (10, 2), (20, 1), (30, 0), (40, 2)]);
        assert_eq!(r.last_conflict(15, 20, 2), Some(20));
        assert_eq!(r.last_conflict(5, 10, 1), Some(NEG));
        assert_eq!(r.last_conflict(40, 10, 2), None);
    }
}
