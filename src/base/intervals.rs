//! Arithmetic on sets of half-open minute intervals (sorted, disjoint
//! lists): the one implementation shared by validation, the compiler, the
//! solver's signals and the checker's downtime accounting.

use super::{Interval, Time};

/// Sorts intervals and merges overlapping or touching ones.
pub fn merge(mut v: Vec<Interval>) -> Vec<Interval> {
    v.retain(|i| !i.is_empty());
    v.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(v.len());
    for i in v {
        match out.last_mut() {
            Some(last) if i.start <= last.end => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    out
}

/// Intersection of two sorted, disjoint interval lists.
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let s = a[i].start.max(b[j].start);
        let e = a[i].end.min(b[j].end);
        if s < e {
            out.push(Interval::new(s, e));
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The parts of sorted, disjoint `a` outside sorted, disjoint `b`.
pub fn subtract(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut j = 0;
    for &x in a {
        let mut start = x.start;
        while j < b.len() && b[j].end <= start {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start < x.end {
            if b[k].start > start {
                out.push(Interval::new(start, b[k].start));
            }
            start = start.max(b[k].end);
            k += 1;
        }
        if start < x.end {
            out.push(Interval::new(start, x.end));
        }
    }
    out
}

/// Union of two interval sets.
pub fn union(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    merge(v)
}

/// Total minutes covered by an interval set.
pub fn total(a: &[Interval]) -> Time {
    a.iter().map(|i| i.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(a: Time, b: Time) -> Interval {
        Interval::new(a, b)
    }

    #[test]
    fn set_operations() {
        let a = merge(vec![iv(5, 10), iv(0, 3), iv(3, 4), iv(8, 12), iv(20, 20)]);
        assert_eq!(a, vec![iv(0, 4), iv(5, 12)]);
        let b = vec![iv(2, 6), iv(11, 30)];
        assert_eq!(intersect(&a, &b), vec![iv(2, 4), iv(5, 6), iv(11, 12)]);
        assert_eq!(union(&a, &b), vec![iv(0, 30)]);
        assert_eq!(subtract(&a, &b), vec![iv(0, 2), iv(6, 11)]);
        assert_eq!(total(&a), 11);
    }
}
