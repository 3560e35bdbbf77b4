//! Reports of a plan: a terminal table ([`table`]), pretty JSON ([`json`]),
//! CSV, iCalendar, a Markdown CAB pack, an SVG Gantt and an HTML page; and
//! the analyses' results (availability, explain, re-plan, risk, what-if), which the analyses return as
//! values. [`rows`] holds the vocabulary the reports share.

pub mod availability;
pub mod campaign;
pub mod campaign_replan;
pub mod csv;
pub mod executors;
pub mod explain;
pub mod gantt;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod replan;
pub mod risk;
pub mod rows;
pub mod schema_changes;
pub mod table;
pub mod whatif;

/// The formats a plan is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// The plan file (DESIGN.md "Plan format").
    Json,
    /// The CAB pack in Markdown.
    Md,
    /// One row per task, for spreadsheets.
    Csv,
    /// iCalendar, one event per task, for change calendars.
    Ics,
    /// One self-contained page with the Gantt chart.
    Html,
    /// The Gantt chart alone.
    Svg,
}

/// Renders a plan in the chosen format. The critical chain is worked out
/// here, for the formats that show it.
pub fn render(
    inv: &crate::inventory::Inventory,
    plan: &crate::plan::Plan,
    format: Format,
) -> String {
    let critical = || critical_chain_ids(inv, plan);
    match format {
        // The terminal format: text from the inventory (titles, notes) is
        // shown escaped, as in error messages.
        Format::Table => crate::base::text::escape_hidden(&table::render(inv, plan)).into_owned(),
        Format::Json => json::to_json(plan),
        Format::Md => markdown::render(inv, plan, &critical()),
        Format::Csv => csv::render(inv, plan),
        Format::Ics => ics::render(inv, plan, &critical()),
        Format::Html => html::render(inv, plan, &critical()),
        Format::Svg => gantt::render(inv, plan, &critical()),
    }
}

/// The task ids of the plan's critical chain (none for a plan the inventory
/// cannot place).
pub fn critical_chain_ids(
    inv: &crate::inventory::Inventory,
    plan: &crate::plan::Plan,
) -> Vec<String> {
    let Some(starts) = plan.starts(inv) else {
        return Vec::new();
    };
    let compiled = crate::model::compile(inv);
    crate::analysis::explain::critical_chain(inv, &compiled, &starts)
        .into_iter()
        .map(|l| l.task)
        .collect()
}

/// Checker violations as lines for a terminal, followed by a one-line
/// verdict (`plan is valid` when there are none).
pub fn violations(v: &[crate::check::Violation]) -> String {
    let mut s = String::new();
    for x in v {
        let message = crate::base::text::for_terminal(&x.message);
        s.push_str(&format!("{:<12} {message}\n", x.rule));
    }
    if v.is_empty() {
        s.push_str("plan is valid: every rule holds\n");
    } else {
        let n = v.len();
        s.push_str(&format!("{n} violation{}\n", if n == 1 { "" } else { "s" }));
    }
    s
}

#[cfg(test)]
mod violation_tests {
    use crate::check::check;
    use crate::inventory::testkit::Builder;

    #[test]
    fn violation_lines() {
        let mut b = Builder::new();
        let a = b.system("db");
        b.task("t1", &[a], 30);
        b.task("t2", &[a], 30);
        assert_eq!(
            super::violations(&check(&b.inv, &[0, 30])),
            "plan is valid: every rule holds\n"
        );
        assert_eq!(
            super::violations(&check(&b.inv, &[0, 10])),
            "system       t1 and t2 overlap 22:10–22:30 on system db, which allows 1 change at a time\n1 violation\n"
        );
    }
}
