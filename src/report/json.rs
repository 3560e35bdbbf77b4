//! A plan as pretty JSON (DESIGN.md "Plan format").

use crate::plan::Plan;

/// The plan as pretty-printed JSON, ending with a newline.
pub fn to_json(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(plan).unwrap_or_default();
    s.push('\n');
    s
}

/// A schedule of a benchmark instance (PSPLIB, RCPSP/max) as JSON: the plan
/// format without wall-clock times; task ids are the activity names (job
/// numbers).
pub fn instance_to_json(problem: &crate::model::Problem, sol: &crate::solve::Solution) -> String {
    let tasks: Vec<serde_json::Value> = problem
        .activities
        .iter()
        .zip(&sol.starts)
        .map(|(a, &s)| {
            serde_json::json!({
                "id": a.name,
                "start_minute": s,
                "end_minute": s + a.duration,
            })
        })
        .collect();
    let value = serde_json::json!({
        "format": crate::plan::PLAN_FORMAT,
        "instance": problem.name,
        "length_minutes": sol.makespan,
        "lower_bound_minutes": sol.lower_bound,
        "status": if sol.is_optimal() { "optimal" } else { "feasible" },
        "tasks": tasks,
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;
    use crate::inventory::Component;

    #[test]
    fn pretty_json_round_trips() {
        let mut b = Builder::new();
        let a = b.system("db");
        let dba = b.team("dba", 1);
        let t = b.task("upgrade", &[a], 45);
        b.needs(t, dba, 1);
        b.service("bank", 1.0, &[Component::System(a)]);
        let plan = Plan::build(&b.inv, &[15], 60);
        let text = to_json(&plan);
        assert!(text.contains("\n  \"format\": \"windowplan-plan/1\""));
        assert!(text.contains("\"start\": \"2026-12-05T22:15:00-05:00\""));
        let back: Plan = serde_json::from_str(&text).unwrap();
        assert_eq!(back, plan);
    }
}
