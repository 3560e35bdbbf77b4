//! Reports of a campaign plan: the summary (per window its changes, length
//! and downtime; the totals; the windows left free) as a table or Markdown,
//! the plan file (JSON), one iCalendar with every window (each window's
//! events, from the ordinary iCalendar renderer), and a CAB pack per window
//! (the ordinary renderers on each window's inventory and plan).

use super::rows::{md_inline, md_text_cell};
use crate::inventory::Inventory;
use crate::plan::campaign::CampaignPlan;
use crate::plan::weighted_downtime;

/// The campaign plan file, pretty JSON with a final newline.
pub fn to_json(plan: &CampaignPlan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default() + "\n"
}

/// One row of the summary.
struct Row {
    id: String,
    start: String,
    changes: Vec<String>,
    length: i64,
    downtime: f64,
    status: String,
}

fn rows(plan: &CampaignPlan, inventories: &[Inventory]) -> Vec<Row> {
    plan.windows
        .iter()
        .zip(inventories)
        .map(|(w, inv)| Row {
            id: w.id.clone(),
            start: w.start.clone(),
            changes: plan
                .assignment
                .iter()
                .filter(|(_, wid)| **wid == w.id)
                .map(|(t, _)| t.clone())
                .collect(),
            length: w.plan.length_minutes,
            downtime: weighted_downtime(inv, &w.plan),
            status: w.plan.status.clone(),
        })
        .collect()
}

/// What is proven for every key of the plan's objective, in its order
/// (every key when the file names none), then whether each window's length
/// is proven: e.g. `windows: 4 used, at least 3 needed (not proven);
/// downtime: 2325 (not proven least); …; each window's length: proven`.
fn proven_words(plan: &CampaignPlan) -> String {
    let p = &plan.proven;
    let yes = |b: bool| if b { "proven" } else { "not proven" };
    let least = |b: bool| {
        if b {
            "proven least"
        } else {
            "not proven least"
        }
    };
    let all = ["windows", "last_window", "downtime", "length"].map(String::from);
    let keys = if plan.objective.is_empty() {
        &all[..]
    } else {
        &plan.objective[..]
    };
    let mut parts: Vec<String> = keys
        .iter()
        .map(|key| match key.as_str() {
            "windows" => format!(
                "windows: {} used, at least {} needed ({})",
                plan.windows_used,
                plan.windows_lower_bound,
                yes(p.windows)
            ),
            "last_window" => format!(
                "last window: {}, no plan ends in a window before {} ({})",
                plan.windows.last().map_or("(none)", |w| w.id.as_str()),
                plan.last_window_lower_bound
                    .as_deref()
                    .unwrap_or("(unknown)"),
                yes(p.last_window)
            ),
            "downtime" => format!(
                "downtime: {} ({})",
                super::rows::fmt_number(plan.downtime_weighted),
                least(p.downtime)
            ),
            "length" => format!(
                "total length: {} ({})",
                crate::base::fmt_minutes(plan.length_minutes_total),
                least(p.length)
            ),
            other => format!("{other}: (not a key this version knows)"),
        })
        .collect();
    parts.push(format!(
        "each window's length: {}",
        yes(p.each_window_optimal)
    ));
    parts.join("; ")
}

/// The summary as a terminal table.
pub fn table(plan: &CampaignPlan, inventories: &[Inventory]) -> String {
    let mut out = format!("campaign: {} ({})\n", plan.status, proven_words(plan));
    out.push_str(&format!(
        "{:<14} {:<26} {:>7} {:>8} {:>17}  {}\n",
        "window", "start", "changes", "length", "weighted downtime", "status"
    ));
    let rows = rows(plan, inventories);
    for r in &rows {
        out.push_str(&format!(
            "{:<14} {:<26} {:>7} {:>8} {:>17}  {}\n",
            r.id,
            r.start,
            r.changes.len(),
            crate::base::fmt_minutes(r.length),
            super::rows::fmt_number(r.downtime),
            r.status
        ));
    }
    out.push_str(&format!(
        "{:<14} {:<26} {:>7} {:>8} {:>17}\n",
        "total",
        "",
        plan.assignment.len(),
        crate::base::fmt_minutes(plan.length_minutes_total),
        super::rows::fmt_number(plan.downtime_weighted)
    ));
    if !plan.windows_free.is_empty() {
        out.push_str(&format!(
            "windows left free: {}\n",
            plan.windows_free.join(", ")
        ));
    }
    for r in &rows {
        out.push_str(&format!("{}: {}\n", r.id, r.changes.join(", ")));
    }
    crate::base::text::escape_hidden(&out).into_owned()
}

/// The summary in Markdown.
pub fn markdown(plan: &CampaignPlan, inventories: &[Inventory]) -> String {
    let mut out = String::from("# Campaign summary\n\n");
    out.push_str(&format!(
        "**Status:** {} — {}\n\n",
        plan.status,
        md_inline(&proven_words(plan))
    ));
    out.push_str("| window | start | changes | length | weighted downtime | window status |\n|---|---|---|---|---|---|\n");
    for r in rows(plan, inventories) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            md_text_cell(&r.id),
            md_text_cell(&r.start),
            md_text_cell(&r.changes.join(", ")),
            crate::base::fmt_minutes(r.length),
            super::rows::fmt_number(r.downtime),
            r.status
        ));
    }
    out.push_str(&format!(
        "| **total** | | {} changes | {} | {} | |\n\n",
        plan.assignment.len(),
        crate::base::fmt_minutes(plan.length_minutes_total),
        super::rows::fmt_number(plan.downtime_weighted)
    ));
    let free = if plan.windows_free.is_empty() {
        "none".to_string()
    } else {
        plan.windows_free.join(", ")
    };
    out.push_str(&format!("Windows left free: {}\n", md_inline(&free)));
    out
}

/// One iCalendar with every window's events, stamped now (see [`ics_with`]).
pub fn ics(plan: &CampaignPlan, inventories: &[Inventory]) -> String {
    ics_with(
        plan,
        inventories,
        &super::ics::Options {
            dtstamp: jiff::Timestamp::now(),
        },
    )
}

/// One iCalendar with every window's events: the ordinary renderer's events
/// of each window (critical chains and all), with one VTIMEZONE covering
/// the whole campaign (every DST change between its first window and its
/// last), named after the campaign's span.
pub fn ics_with(
    plan: &CampaignPlan,
    inventories: &[Inventory],
    opts: &super::ics::Options,
) -> String {
    let critical: Vec<Vec<String>> = plan
        .windows
        .iter()
        .zip(inventories)
        .map(|(w, inv)| super::critical_chain_ids(inv, &w.plan))
        .collect();
    let windows: Vec<super::ics::CalendarWindow> = plan
        .windows
        .iter()
        .zip(inventories)
        .zip(&critical)
        .map(|((w, inv), critical)| super::ics::CalendarWindow {
            inv,
            plan: &w.plan,
            critical,
        })
        .collect();
    super::ics::render_calendar(&calendar_name(inventories), &windows, opts)
}

/// `<title>: campaign <first start> – <last start>` when every window has
/// the same title, else `Maintenance campaign <first start> – <last start>`.
fn calendar_name(inventories: &[Inventory]) -> String {
    let (Some(first), Some(last)) = (inventories.first(), inventories.last()) else {
        return "Maintenance campaign (no window used)".into();
    };
    let at = |inv: &Inventory| inv.window.start.strftime("%Y-%m-%d %H:%M").to_string();
    let span = if inventories.len() == 1 {
        at(first)
    } else {
        format!("{} – {}", at(first), at(last))
    };
    let title = first.window.meta.title.as_ref().filter(|t| {
        inventories
            .iter()
            .all(|inv| inv.window.meta.title.as_ref() == Some(*t))
    });
    match title {
        Some(t) => format!("{t}: campaign {span}"),
        None => format!("Maintenance campaign {span}"),
    }
}
