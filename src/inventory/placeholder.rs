//! Gaps left by an import: the value `FILL-IN` where the source (a CMDB,
//! a catalogue) could not say what to write. Each is error E120 at its
//! path, with what belongs there; what the placeholder itself breaks (a
//! duration that does not parse, an unknown team `FILL-IN`) is not
//! reported again.

use super::node::{Node, Value};
use crate::error::Diagnostic;

/// The placeholder an import writes for a value the source cannot give.
pub const FILL_IN: &str = "FILL-IN";

/// What to write in place of the placeholder at `path`.
fn hint_for(path: &str) -> &'static str {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    match (path.split(['.', '[']).next().unwrap_or(""), field) {
        ("window", "start") => "write the window's local start time, e.g. `2026-12-05T22:00`",
        ("window", "timezone") => "write the IANA timezone of the window, e.g. `Europe/London`",
        ("teams", "capacity") => "write how many of this team's tasks may run at once, e.g. `2`",
        ("teams", "available") => "write the team's hours (vendor hours) as intervals, e.g. `[2026-12-05T23:00/2026-12-06T03:00]`, or delete the line when the team works the whole window",
        ("clusters", "min_available") => "write how many members must stay up at every minute, e.g. `1` (or write `max_unavailable: 1` instead)",
        (_, "dr") => "list the primary/standby pairs, e.g. `[{ primary: db-a, standby: db-b }]`, or write `dr: []` when there are none",
        ("tasks", "duration") => "write how long the change takes, e.g. `45m` (or `{ min: 30m, likely: 45m, max: 1h30m }`)",
        ("tasks", "outage") => "write `true` when the system is down while the task runs, `false` for an online change",
        ("tasks", "team") => "write the id of the team (under `teams:`) that runs the task",
        ("integrations", "tolerance") => "write how long the consumer rides out an outage of the producer, e.g. `30m`",
        ("blackouts", "from") | ("blackouts", "to") => "write this window's occurrence of the repeating schedule entry, e.g. `2026-12-06T01:00` (or delete the blackout when it does not fall in the window)",
        _ => "write the value the source could not give (see DESIGN.md for the field)",
    }
}

/// Every placeholder in the document, as E120 at its path, line and column.
pub fn find(root: &Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(root, String::new(), &mut out);
    out
}

fn walk(node: &Node, path: String, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Str(s) if s == FILL_IN => out.push(
            Diagnostic::new(
                "E120",
                path.clone(),
                format!("`{FILL_IN}`: a gap left by the import, to fill in"),
                hint_for(&path),
            )
            .at(node.line, node.column),
        ),
        Value::Seq(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Map(m) => {
            for (k, v) in m {
                let key = k.text().unwrap_or_default();
                let p = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                walk(v, p, out);
            }
        }
        _ => {}
    }
}

/// Whether a diagnostic is only a consequence of a placeholder: at or
/// under a placeholder's path, or naming the placeholder.
pub fn caused_by(d: &Diagnostic, gaps: &[Diagnostic]) -> bool {
    // The item reader says a malformed required field is missing.
    let missing = super::parser_hints::quoted_after(&d.message, "missing field")
        .map(|f| format!("{}.{f}", d.path));
    d.message.contains(FILL_IN)
        || gaps.iter().any(|g| {
            Some(&g.path) == missing.as_ref()
                || d.path == g.path
                || d.path.starts_with(&format!("{}.", g.path))
                || d.path.starts_with(&format!("{}[", g.path))
        })
}

#[cfg(test)]
mod tests {
    use crate::inventory::{load_str, Format};

    #[test]
    fn each_gap_is_named_once_and_other_problems_still_are() {
        let yaml = r#"
window: { start: 2026-12-05T22:00, timezone: Europe/London }
teams: [{ id: ops, capacity: FILL-IN }]
systems: [{ id: a }]
clusters: [{ id: c, members: [a], min_available: FILL-IN }]
dr: FILL-IN
tasks:
  - { id: t, system: a, duration: FILL-IN, outage: FILL-IN, team: FILL-IN }
  - { id: u, system: b, duration: 5m, team: ops }
"#;
        let e = load_str(yaml, Format::Yaml, "t.yaml").unwrap_err();
        let got: Vec<(&str, &str)> = e
            .diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("E120", "teams[0].capacity"),
                ("E120", "clusters[0].min_available"),
                ("E120", "dr"),
                ("E120", "tasks[0].duration"),
                ("E120", "tasks[0].outage"),
                ("E120", "tasks[0].team"),
                ("E031", "tasks[1].system"),
            ],
            "{e}"
        );
        assert!(e.diagnostics[0].line.is_some());
        assert!(e.diagnostics[3].hint.contains("45m"));
    }
}
