//! An independent, deliberately plain checker of every core constraint of a
//! [`Problem`] for given start times. It shares no code with the solver (only
//! the signal evaluation of [`crate::model::signal`]), so solver tests can
//! trust it.
//!
//! Checked: structure (indices, lengths), release, deadline, allowed and
//! forbidden intervals, precedences (time lags), resource capacity at every
//! minute where usage or capacity changes, exclusion groups, and hard on-time
//! limits.

use crate::model::signal;
use crate::model::{Problem, Resource, Time};

/// Every violated constraint, in words; empty when the schedule is feasible.
pub fn verify(problem: &Problem, starts: &[Time]) -> Vec<String> {
    let n = problem.activities.len();
    if starts.len() != n {
        return vec![format!(
            "schedule has {} start times for {} activities",
            starts.len(),
            n
        )];
    }
    let mut check = Checker {
        problem,
        starts,
        errs: Vec::new(),
    };
    check.activities();
    check.precedences();
    check.resources();
    check.exclusions();
    check.on_time_limits();
    check.errs
}

/// A schedule (one start per activity) under check, collecting the
/// violations in words, one constraint family after another.
struct Checker<'a> {
    problem: &'a Problem,
    starts: &'a [Time],
    errs: Vec<String>,
}

impl Checker<'_> {
    /// An activity's name for messages (`?` for an unknown index).
    #[inline]
    fn name(&self, i: usize) -> &str {
        self.problem
            .activities
            .get(i)
            .map(|a| a.name.as_str())
            .unwrap_or("?")
    }

    /// Where activity `i` ends.
    #[inline]
    fn end(&self, i: usize) -> Time {
        self.starts[i] + self.problem.activities[i].duration
    }

    /// Each activity on its own: duration, release, deadline, allowed and
    /// forbidden intervals, known resources.
    fn activities(&mut self) {
        let problem = self.problem;
        for (i, a) in problem.activities.iter().enumerate() {
            let s = self.starts[i];
            if a.duration < 0 {
                self.errs
                    .push(format!("activity {} has negative duration", a.name));
            }
            if s < a.release {
                self.errs.push(format!(
                    "activity {} starts at {} before its release {}",
                    a.name, s, a.release
                ));
            }
            if let Some(d) = problem.deadline {
                if self.end(i) > d {
                    self.errs.push(format!(
                        "activity {} ends at {} after the deadline {}",
                        a.name,
                        self.end(i),
                        d
                    ));
                }
            }
            if let Some(allowed) = &a.allowed {
                if !allowed.iter().any(|iv| iv.contains_run(s, a.duration)) {
                    self.errs.push(format!(
                        "activity {} runs [{}, {}) outside every allowed interval",
                        a.name,
                        s,
                        self.end(i)
                    ));
                }
            }
            for f in &a.forbidden {
                if f.overlaps_run(s, a.duration) {
                    self.errs.push(format!(
                        "activity {} runs [{}, {}) into forbidden interval [{}, {})",
                        a.name,
                        s,
                        self.end(i),
                        f.start,
                        f.end
                    ));
                }
            }
            for d in &a.demands {
                if d.resource >= problem.resources.len() {
                    self.errs.push(format!(
                        "activity {} uses unknown resource #{}",
                        a.name, d.resource
                    ));
                }
            }
        }
    }

    /// The time lags between activities.
    fn precedences(&mut self) {
        let (starts, n) = (self.starts, self.problem.activities.len());
        for p in &self.problem.precedences {
            if p.from >= n || p.to >= n {
                self.errs.push(format!(
                    "precedence {} -> {} refers to an unknown activity",
                    p.from, p.to
                ));
                continue;
            }
            if starts[p.to] < starts[p.from] + p.lag {
                let msg = format!(
                    "{} starts at {} but must start at least {} after {} (which starts at {})",
                    self.name(p.to),
                    starts[p.to],
                    p.lag,
                    self.name(p.from),
                    starts[p.from]
                );
                self.errs.push(msg);
            }
        }
    }

    /// Resource capacities. Usage only rises where an activity starts,
    /// capacity only falls at a step: every such minute at which anything
    /// runs is checked.
    fn resources(&mut self) {
        let users_of = self.users_of_resources();
        for (r, res) in self.problem.resources.iter().enumerate() {
            let users = &users_of[r];
            if users.is_empty() {
                continue;
            }
            self.resource(res, users);
        }
    }

    /// The users (activity, amount) of each resource, gathered once (a scan
    /// of every activity per resource was quadratic on large problems).
    fn users_of_resources(&self) -> Vec<Vec<(usize, i64)>> {
        let mut users_of: Vec<Vec<(usize, i64)>> = vec![Vec::new(); self.problem.resources.len()];
        for (i, a) in self.problem.activities.iter().enumerate() {
            if a.duration <= 0 {
                continue;
            }
            for d in a.demands.iter().filter(|d| d.amount != 0) {
                if let Some(v) = users_of.get_mut(d.resource) {
                    v.push((i, d.amount));
                }
            }
        }
        users_of
    }

    /// One resource's capacity against its `users`, by a sweep over the
    /// minutes where usage rises or capacity changes.
    fn resource(&mut self, res: &Resource, users: &[(usize, i64)]) {
        let starts = self.starts;
        let mut points: Vec<Time> = users.iter().map(|&(i, _)| starts[i]).collect();
        points.extend(res.steps.iter().map(|s| s.0));
        points.sort_unstable();
        points.dedup();
        // Sweep over the points keeping the running users (by position in
        // `users`, so they are listed in activity order).
        let mut by_start: Vec<usize> = (0..users.len()).collect();
        by_start.sort_by_key(|&k| starts[users[k].0]);
        let mut by_end: Vec<usize> = (0..users.len()).collect();
        by_end.sort_by_key(|&k| self.end(users[k].0));
        let (mut si, mut ei) = (0, 0);
        let mut live: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
        for t in points {
            while ei < by_end.len() && self.end(users[by_end[ei]].0) <= t {
                live.remove(&by_end[ei]);
                ei += 1;
            }
            while si < by_start.len() && starts[users[by_start[si]].0] <= t {
                let k = by_start[si];
                if self.end(users[k].0) > t {
                    live.insert(k);
                }
                si += 1;
            }
            let running: Vec<(usize, i64)> = live.iter().map(|&k| users[k]).collect();
            if running.is_empty() {
                continue;
            }
            let usage: i64 = running.iter().map(|&(_, a)| a).sum();
            let cap = res.capacity_at(t);
            if usage > cap {
                let who: Vec<&str> = running.iter().map(|&(i, _)| self.name(i)).collect();
                let msg = format!(
                    "resource {} over capacity at minute {}: {} used of {} ({})",
                    res.name,
                    t,
                    usage,
                    cap,
                    who.join(", ")
                );
                self.errs.push(msg);
            }
        }
    }

    /// Exclusion groups: no two activities of different sides overlap.
    fn exclusions(&mut self) {
        let problem = self.problem;
        for ex in &problem.exclusions {
            for (k, side_a) in ex.sides.iter().enumerate() {
                for side_b in ex.sides.iter().skip(k + 1) {
                    for &i in side_a {
                        for &j in side_b {
                            self.excluded_pair(&ex.name, i, j);
                        }
                    }
                }
            }
        }
    }

    /// Activities `i` and `j`, of different sides of exclusion `ex_name`,
    /// must not overlap (zero-duration ones never do).
    fn excluded_pair(&mut self, ex_name: &str, i: usize, j: usize) {
        let (acts, starts) = (&self.problem.activities, self.starts);
        let n = acts.len();
        if i >= n || j >= n {
            self.errs
                .push(format!("exclusion {ex_name} refers to an unknown activity"));
            return;
        }
        if i == j || acts[i].duration <= 0 || acts[j].duration <= 0 {
            return;
        }
        if starts[i] < self.end(j) && starts[j] < self.end(i) {
            let msg = format!(
                "exclusion {}: {} [{}, {}) and {} [{}, {}) overlap",
                ex_name,
                self.name(i),
                starts[i],
                self.end(i),
                self.name(j),
                starts[j],
                self.end(j)
            );
            self.errs.push(msg);
        }
    }

    /// Hard on-time limits of signals.
    fn on_time_limits(&mut self) {
        let on = signal::on_time(self.problem, self.starts);
        for (l, lim) in self.problem.limits.iter().enumerate() {
            if let Some(max) = lim.max_on {
                if on[l] > max {
                    self.errs.push(format!(
                        "{} is on for {} minutes, more than its limit of {}",
                        lim.name, on[l], max
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::model::fixtures::two_jobs;
    use crate::model::{Activity, Demand, Exclusion, Interval, Precedence, Resource};

    #[test]
    fn finds_each_kind_of_violation() {
        let mut p = Problem::default();
        let mut a = Activity::new("a", 10);
        a.demands.push(Demand {
            resource: 0,
            amount: 1,
        });
        a.allowed = Some(vec![Interval::new(0, 20)]);
        let mut b = a.clone();
        b.name = "b".into();
        b.forbidden = vec![Interval::new(30, 40)];
        b.allowed = None;
        p.activities = vec![a, b];
        p.resources = vec![Resource {
            name: "r".into(),
            steps: vec![(0, 1), (100, 0)],
        }];
        p.precedences = vec![Precedence {
            from: 0,
            to: 1,
            lag: 10,
        }];
        assert!(verify(&p, &[0, 10]).is_empty());
        assert_eq!(verify(&p, &[0, 5]).len(), 2); // lag + capacity
        assert_eq!(verify(&p, &[15, 35]).len(), 2); // allowed + forbidden
        assert_eq!(verify(&p, &[0, 95]).len(), 1); // capacity 0 from 100
        p.exclusions.push(Exclusion {
            name: "x".into(),
            sides: vec![vec![0], vec![1]],
        });
        p.deadline = Some(50);
        assert_eq!(verify(&p, &[0, 45]).len(), 1);
        assert!(verify(&p, &[0, 40]).is_empty());
    }

    #[test]
    fn checker_finds_overload_and_precedence() {
        let mut p = two_jobs();
        assert!(verify(&p, &[0, 3]).is_empty());
        assert!(verify(&p, &[3, 0]).is_empty());
        let v = verify(&p, &[0, 2]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("over capacity"));
        p.precedences.push(Precedence {
            from: 1,
            to: 0,
            lag: 2,
        });
        let v = verify(&p, &[0, 3]);
        assert!(
            v.iter()
                .any(|m| m.contains("must start at least 2 after b")),
            "{v:?}"
        );
        assert!(!verify(&p, &[0]).is_empty());
        assert!(!verify(&p, &[-5, 10]).is_empty());
    }

    #[test]
    fn checker_follows_capacity_steps() {
        let mut p = two_jobs();
        p.resources[0].steps = vec![(0, 1), (4, 0), (6, 1)];
        // a in [0,3) fine; b in [3,5) hits capacity 0 at minute 4.
        let v = verify(&p, &[0, 3]);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(verify(&p, &[0, 6]).is_empty());
    }

    /// The resource sweep agrees with a minute-by-minute count.
    #[test]
    fn resource_sweep_agrees_with_minute_by_minute_oracle() {
        let mut seed = 0x1234_5678_u64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _case in 0..300 {
            let mut p = Problem::default();
            let nr = 1 + rnd(3) as usize;
            for r in 0..nr {
                let cap = 1 + rnd(3) as i64;
                let steps = if rnd(2) == 0 {
                    vec![(0, cap)]
                } else {
                    vec![(0, cap), (10 + rnd(20) as Time, rnd(2) as i64)]
                };
                p.resources.push(Resource {
                    name: format!("r{r}"),
                    steps,
                });
            }
            let n = 1 + rnd(8) as usize;
            for i in 0..n {
                let mut a = Activity::new(format!("a{i}"), rnd(6) as Time);
                for r in 0..nr {
                    if rnd(2) == 0 {
                        a.demands.push(Demand {
                            resource: r,
                            amount: 1 + rnd(2) as i64,
                        });
                    }
                }
                p.activities.push(a);
            }
            let starts: Vec<Time> = (0..n).map(|_| rnd(30) as Time).collect();
            let mut over = 0;
            for (r, res) in p.resources.iter().enumerate() {
                let mut bad = std::collections::BTreeSet::new();
                for m in 0..40 {
                    let used: i64 = p
                        .activities
                        .iter()
                        .enumerate()
                        .filter(|(i, a)| starts[*i] <= m && m < starts[*i] + a.duration)
                        .flat_map(|(_, a)| a.demands.iter().filter(|d| d.resource == r))
                        .map(|d| d.amount)
                        .sum();
                    if used > res.capacity_at(m) {
                        bad.insert(m);
                    }
                }
                // The sweep reports once per point where usage can rise or
                // capacity fall; the oracle only needs to agree on "any".
                over += usize::from(!bad.is_empty());
            }
            let got = verify(&p, &starts)
                .iter()
                .filter(|e| e.contains("over capacity"))
                .map(|e| e.split(' ').nth(1).unwrap_or("").to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            assert_eq!(got, over, "{p:?} {starts:?}");
        }
    }
}
