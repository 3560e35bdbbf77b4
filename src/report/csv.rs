//! CSV export of a plan: one row per task, RFC 4180 (comma separated, CRLF
//! line ends, fields quoted when they hold a comma, a quote or a line break).
//! The task rows and the escaping it shares with the other renderers are
//! `report::rows`.

use super::rows::{csv_field, rfc3339, task_rows, uses_v11, TaskRow};
use crate::inventory::Inventory;
use crate::plan::Plan;

/// Column names, in order.
pub const HEADER: [&str; 10] = [
    "id",
    "systems",
    "teams",
    "start",
    "end",
    "start_minute",
    "end_minute",
    "duration_minutes",
    "outage",
    "after",
];

/// Renders the plan as CSV: a header row, then one row per task in start
/// order. Lists (systems, teams, after) are joined by `;`; a team needed more
/// than once is written `team:amount`. Times are wall-clock RFC 3339 with the
/// offset in force. `outage` is `yes`/`no` (empty for a planned task the
/// inventory does not know).
pub fn render(inv: &Inventory, plan: &Plan) -> String {
    let mut out = String::new();
    let extra = uses_v11(inv);
    let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    if extra {
        header.extend(EXTRA.iter().map(|s| s.to_string()));
    }
    // Format 1.2: which schema change each activity is part of.
    let schema = !inv.schema_changes.is_empty();
    if schema {
        header.extend(["schema_change".to_string(), "schema_step".to_string()]);
    }
    write_record(&mut out, header);
    for row in task_rows(inv, plan, &[]) {
        let outage = match row.outage {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        write_record(
            &mut out,
            [
                row.id.clone(),
                row.systems.join(";"),
                row.team_labels().join(";"),
                rfc3339(&inv.window.at(row.start)),
                rfc3339(&inv.window.at(row.end)),
                row.start.to_string(),
                row.end.to_string(),
                (row.end - row.start).to_string(),
                outage.to_string(),
                row.after.join(";"),
            ]
            .into_iter()
            .chain(extra.then(|| extra_fields(inv, &row)).into_iter().flatten())
            .chain(schema.then(|| schema_fields(&row)).into_iter().flatten()),
        );
    }
    out
}

/// Format 1.1 columns, after [`HEADER`], when the inventory uses steps or
/// metadata.
pub const EXTRA: [&str; 12] = [
    "down",
    "task",
    "step",
    "member",
    "title",
    "change",
    "owner",
    "contact",
    "notes",
    "rollback",
    "window_title",
    "window_change",
];

fn extra_fields(inv: &Inventory, row: &TaskRow) -> Vec<String> {
    let m = &row.meta;
    let o = |x: &Option<String>| x.clone().unwrap_or_default();
    vec![
        row.down.join(";"),
        row.parent.clone(),
        o(&row.step),
        o(&row.member),
        o(&m.title),
        o(&m.change),
        o(&m.owner),
        o(&m.contact),
        o(&m.notes),
        o(&m.rollback),
        o(&inv.window.meta.title),
        o(&inv.window.meta.change),
    ]
}

/// Format 1.2 columns: the schema change of the row's activity and its
/// part in it (`expand`, `deploy`, `backfill`, `cutover`, `contract`), as
/// the plan's tasks carry them.
fn schema_fields(row: &TaskRow) -> Vec<String> {
    vec![
        row.schema_change.clone().unwrap_or_default(),
        row.schema_step.clone().unwrap_or_default(),
    ]
}

/// Writes one RFC 4180 record ending in CRLF.
fn write_record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(&f));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(
            csv_field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("@cmd"), "'@cmd");
        assert_eq!(csv_field("-x"), "'-x");
        assert_eq!(csv_field("+x"), "'+x");
        assert_eq!(csv_field("-5"), "-5");
        let mut s = String::new();
        write_record(&mut s, ["x".to_string(), "y,z".to_string()]);
        assert_eq!(s, "x,\"y,z\"\r\n");
    }
}
