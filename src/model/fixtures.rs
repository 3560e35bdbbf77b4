//! Small core problems and builders shared by the unit tests of the
//! checker, the solver engines and the benchmark runner.

use super::{Activity, Demand, Problem, Resource, Time};

/// An activity of duration `d` with `(resource, amount)` demands.
pub fn act(name: &str, d: Time, demands: &[(usize, i64)]) -> Activity {
    let mut a = Activity::new(name, d);
    a.demands = demands
        .iter()
        .map(|&(resource, amount)| Demand { resource, amount })
        .collect();
    a
}

/// Two activities (3 and 2 long) sharing a resource of capacity 1.
pub fn two_jobs() -> Problem {
    Problem {
        name: "two".into(),
        activities: vec![act("a", 3, &[(0, 1)]), act("b", 2, &[(0, 1)])],
        precedences: vec![],
        resources: vec![Resource::constant("R1", 1)],
        ..Problem::default()
    }
}
