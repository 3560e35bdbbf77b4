//! Markdown CAB pack: a summary the board can approve (window, length,
//! bound, status, deadline margin, weighted service downtime), the change
//! list per system, and a runbook per team in start order with wall-clock
//! times with each task's runbook text. The Gantt chart is a file beside the
//! pack (`<pack>.gantt.svg`, which the caller writes), linked and shown as an image
//! only when the caller says it is there.

use super::rows::{md_code, md_inline, md_text_cell, task_rows, wall_long, wall_short, TaskRow};
use crate::base::fmt_minutes;
use crate::inventory::{Component, Inventory};
use crate::plan::Plan;
use std::fmt::Write;

/// Renders the CAB pack with no chart file beside it. Tasks in `critical`
/// are marked on the critical chain.
pub fn render(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    render_with(inv, plan, critical, None)
}

/// Renders the CAB pack; `chart` is the file name of the Gantt chart written
/// beside it (linked and shown), or `None` when there is none.
pub fn render_with(
    inv: &Inventory,
    plan: &Plan,
    critical: &[String],
    chart: Option<&str>,
) -> String {
    render_pack(inv, plan, critical, chart, PackOf::Window)
}

/// Whose pack it is: a one-window plan's or a campaign window's. What the
/// pack says about its chart differs: `plan CAMPAIGN --format md -o
/// plan.md` writes each window's chart, and a campaign has no HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackOf {
    /// The plan of one window.
    Window,
    /// One window of a campaign.
    CampaignWindow,
}

/// [`render_with`] for a pack of `of`.
pub fn render_pack(
    inv: &Inventory,
    plan: &Plan,
    critical: &[String],
    chart: Option<&str>,
    of: PackOf,
) -> String {
    let rows = task_rows(inv, plan, critical);
    let w = &inv.window;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Maintenance window {}\n",
        w.start.strftime("%Y-%m-%d %H:%M %Z")
    );

    // Format 1.1: the window's title and change record at the top.
    if let Some(t) = &w.meta.title {
        let _ = writeln!(s, "**{}**\n", md_inline(t));
    }
    if let Some(c) = &w.meta.change {
        let _ = writeln!(s, "Change: {}\n", md_inline(c));
    }

    summary_section(&mut s, inv, plan, rows.len(), critical);

    services_section(&mut s, inv, plan);

    backout_section(&mut s, inv, plan);

    // Format 1.2: each schema change, its contract as its point of no return.
    s.push_str(&super::schema_changes::markdown(inv, plan));

    changes_section(&mut s, inv, &rows);

    runbooks_section(&mut s, inv, &rows, critical);

    blackouts_section(&mut s, inv);

    gantt_section(&mut s, chart, of);
    s
}

/// The summary table: window, length, bound and gap, status, deadline
/// margin, task count and the critical chain.
fn summary_section(
    s: &mut String,
    inv: &Inventory,
    plan: &Plan,
    tasks: usize,
    critical: &[String],
) {
    let w = &inv.window;
    // Summary.
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(
        s,
        "| Window start | {} |",
        md_text_cell(&wall_long(&w.at(0)))
    );
    let _ = writeln!(
        s,
        "| Window end | {} |",
        md_text_cell(&wall_long(&w.at(plan.length_minutes)))
    );
    let _ = writeln!(s, "| Timezone | {} |", md_text_cell(&w.timezone));
    let _ = writeln!(s, "| Length | {} |", fmt_minutes(plan.length_minutes));
    let gap = plan.length_minutes - plan.lower_bound_minutes;
    let gap_pct = if plan.lower_bound_minutes > 0 {
        format!(
            ", {:.1}% above the bound",
            100.0 * gap as f64 / plan.lower_bound_minutes as f64
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "| Lower bound | {} (gap {}{}) |",
        fmt_minutes(plan.lower_bound_minutes),
        fmt_minutes(gap),
        gap_pct
    );
    let status_words = match plan.status.as_str() {
        "optimal" => "optimal: no plan can be shorter".to_string(),
        "feasible" => "feasible: valid, not proven shortest".to_string(),
        other => other.to_string(),
    };
    let _ = writeln!(s, "| Status | {} |", md_text_cell(&status_words));
    match w.deadline {
        Some(d) => {
            let margin = d - plan.length_minutes;
            let verdict = if margin >= 0 { "margin" } else { "OVER by" };
            let _ = writeln!(
                s,
                "| Deadline | {} ({} {}) |",
                md_text_cell(&wall_long(&w.at(d))),
                verdict,
                fmt_minutes(margin.abs())
            );
        }
        None => {
            let _ = writeln!(s, "| Deadline | none |");
        }
    }
    let _ = writeln!(s, "| Tasks | {} |", tasks);
    if !critical.is_empty() {
        let _ = writeln!(
            s,
            "| Critical chain | {} |",
            md_text_cell(&critical.join(" → "))
        );
    }
    s.push('\n');
}

/// The service downtime table with weights and limits, the total weighted
/// downtime, and format 1.1's unavailable time and service notes.
fn services_section(s: &mut String, inv: &Inventory, plan: &Plan) {
    let w = &inv.window;
    // Service downtime.
    let _ = writeln!(s, "## Service downtime\n");
    if plan.services.is_empty() {
        let _ = writeln!(s, "No services are declared.\n");
    } else {
        let _ = writeln!(
            s,
            "| Service | Requires | Downtime | Weight | Weighted | Limit | Down (wall-clock) |\n|---|---|---:|---:|---:|---|---|"
        );
        let mut total = 0.0;
        for sd in &plan.services {
            let svc = inv.services.iter().find(|x| x.id == sd.id);
            let weight = svc.map(|x| x.weight).unwrap_or(1.0);
            let weighted = weight * sd.downtime_minutes as f64;
            total += weighted;
            let requires = svc
                .map(|x| {
                    x.requires
                        .iter()
                        .map(|&c| component_label(inv, c))
                        .chain(x.any.iter().map(|g| {
                            let m: Vec<String> =
                                g.members.iter().map(|&c| component_label(inv, c)).collect();
                            format!(
                                "any of {} (switchover {})",
                                m.join(" / "),
                                fmt_minutes(g.switchover)
                            )
                        }))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let limit = match svc.and_then(|x| x.max_downtime) {
                Some(m) if sd.downtime_minutes > m => format!("{} (EXCEEDED)", fmt_minutes(m)),
                Some(m) => fmt_minutes(m),
                None => "—".into(),
            };
            let down: Vec<String> = sd
                .intervals
                .iter()
                .map(|[a, b]| format!("{}–{}", wall_short(&w.at(*a)), wall_short(&w.at(*b))))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md_text_cell(&sd.id),
                md_text_cell(&requires),
                fmt_minutes(sd.downtime_minutes),
                num(weight),
                num(weighted),
                limit,
                md_text_cell(&if down.is_empty() {
                    "—".to_string()
                } else {
                    down.join("; ")
                })
            );
        }
        let _ = writeln!(s, "\nTotal weighted downtime: **{}**\n", num(total));
        // Format 1.1: downtime from `unavailable` intervals, apart; notes.
        for sd in plan.services.iter().filter(|x| x.unavailable_minutes > 0) {
            let down: Vec<String> = sd
                .unavailable_intervals
                .iter()
                .map(|[a, b]| format!("{}–{}", wall_short(&w.at(*a)), wall_short(&w.at(*b))))
                .collect();
            let _ = writeln!(
                s,
                "- {} is also down {} {} (systems unavailable: {})",
                md_inline(&sd.id),
                fmt_minutes(sd.unavailable_minutes),
                super::rows::NOT_CAUSED_BY_THE_PLAN,
                down.join("; ")
            );
        }
        for svc in inv.services.iter().filter(|x| x.notes.is_some()) {
            let _ = writeln!(
                s,
                "- {}: {}",
                md_inline(&svc.id),
                md_inline(svc.notes.as_deref().unwrap_or_default())
            );
        }
        if plan.services.iter().any(|x| x.unavailable_minutes > 0)
            || inv.services.iter().any(|x| x.notes.is_some())
        {
            s.push('\n');
        }
    }
}

/// The blackouts in wall-clock time with reason and scope, when there are any.
fn blackouts_section(s: &mut String, inv: &Inventory) {
    let w = &inv.window;
    // Blackouts.
    if !inv.blackouts.is_empty() {
        let _ = writeln!(s, "## Blackouts\n");
        for b in &inv.blackouts {
            let _ = writeln!(
                s,
                "- {}–{}: {} ({})",
                wall_short(&w.at(b.interval.start)),
                wall_short(&w.at(b.interval.end)),
                md_inline(b.reason.as_deref().unwrap_or("blackout")),
                md_inline(&blackout_scope(inv, b))
            );
        }
        s.push('\n');
    }
}

/// Where the Gantt chart is: the file beside the pack, or how to get one.
fn gantt_section(s: &mut String, chart: Option<&str>, of: PackOf) {
    let _ = writeln!(s, "## Gantt chart\n");
    match chart {
        Some(file) => {
            let link = file
                .replace(' ', "%20")
                .replace('(', "%28")
                .replace(')', "%29");
            let _ = writeln!(s, "![Gantt chart]({link})\n");
            let html = match of {
                PackOf::Window => "; the HTML report (`--format html`) has it too",
                PackOf::CampaignWindow => "",
            };
            let _ = writeln!(
                s,
                "The chart is the file [{}]({link}) beside this pack{html}.",
                md_inline(file)
            );
        }
        None => {
            let how = match of {
                PackOf::Window => "`windowplan plan INVENTORY --format md -o pack.md` writes the chart `pack.gantt.svg` beside the pack, and `--format html` gives a page with the chart",
                PackOf::CampaignWindow => "`windowplan plan CAMPAIGN --format md -o plan.md` writes each window's pack to `plan.<window>.md` with its chart `plan.<window>.gantt.svg` beside it",
            };
            let _ = writeln!(s, "No chart file accompanies this pack: {how}.");
        }
    }
}

pub(super) fn blackout_scope(inv: &Inventory, b: &crate::inventory::Blackout) -> String {
    if b.covers_everything() {
        return "all systems".into();
    }
    let mut parts = Vec::new();
    if !b.systems.is_empty() {
        let ids: Vec<&str> = b
            .systems
            .iter()
            .map(|&i| inv.systems[i].id.as_str())
            .collect();
        parts.push(format!("systems {}", ids.join(", ")));
    }
    if !b.zones.is_empty() {
        let ids: Vec<&str> = b.zones.iter().map(|&i| inv.zones[i].id.as_str()).collect();
        parts.push(format!("zones {}", ids.join(", ")));
    }
    if !b.tags.is_empty() {
        parts.push(format!("tags {}", b.tags.join(", ")));
    }
    if !b.teams.is_empty() {
        let ids: Vec<&str> = b.teams.iter().map(|&i| inv.teams[i].id.as_str()).collect();
        parts.push(format!("tasks of teams {}", ids.join(", ")));
    }
    if parts.is_empty() {
        // A scope by clusters or services that names no system.
        return "no system".into();
    }
    parts.join("; ")
}

/// A task's runbook text for a table cell: the title, then each other field
/// given, labelled; `—` when there is none.
fn runbook_text(r: &TaskRow) -> String {
    let given = r.meta.given();
    if given.is_empty() {
        return "—".into();
    }
    let parts: Vec<String> = given
        .into_iter()
        .map(|(label, text)| match label {
            "title" => format!("**{}**", md_text_cell(text)),
            _ => format!("{label}: {}", md_text_cell(text)),
        })
        .collect();
    parts.join("<br>")
}

fn component_label(inv: &Inventory, c: Component) -> String {
    match c {
        Component::System(_) => inv.component_id(c).to_string(),
        Component::Cluster(_) => format!("{} (cluster)", inv.component_id(c)),
    }
}

fn outage_words(r: &TaskRow) -> String {
    md_text_cell(&r.outage_words())
}

/// A number without a needless `.0`.
pub(super) fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The "Backout" section: each task with a `backout`, its end and its point
/// of no return (deadline − backout: the latest minute a failed task can
/// start its backout and still be done by the deadline), flagged when the
/// task ends after it. Nothing when no task gives a backout.
fn backout_section(s: &mut String, inv: &Inventory, plan: &Plan) {
    let mut tasks: Vec<(&crate::plan::PlannedTask, crate::model::Time)> = plan
        .tasks
        .iter()
        .filter_map(|pt| {
            let b = inv.tasks.iter().find(|t| t.id == pt.id)?.backout?;
            Some((pt, b))
        })
        .collect();
    if tasks.is_empty() {
        return;
    }
    // In the order the board will live through them.
    tasks.sort_by_key(|(pt, _)| pt.end_minute);
    let w = &inv.window;
    let _ = writeln!(s, "## Backout\n");
    match w.deadline {
        Some(_) => {
            let _ = writeln!(
                s,
                "Point of no return = deadline − backout: a task that fails after it cannot be backed out by the deadline.\n"
            );
        }
        None => {
            let _ = writeln!(
                s,
                "No deadline is set, so no task has a point of no return.\n"
            );
        }
    }
    let _ = writeln!(
        s,
        "| Task | Ends | Backout | Point of no return | |\n|---|---|---:|---|---|"
    );
    let mut late = 0;
    for (pt, b) in &tasks {
        let (pnr, flag) = match w.deadline {
            Some(d) => {
                let pnr = d - b;
                let flag = if pt.end_minute > pnr {
                    late += 1;
                    format!("**ends {} after it**", fmt_minutes(pt.end_minute - pnr))
                } else {
                    format!("{} to spare", fmt_minutes(pnr - pt.end_minute))
                };
                (wall_short(&w.at(pnr)), flag)
            }
            None => ("—".to_string(), String::new()),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md_text_cell(&pt.id),
            wall_short(&w.at(pt.end_minute)),
            fmt_minutes(*b),
            pnr,
            flag
        );
    }
    if late > 0 {
        let _ = writeln!(
            s,
            "\n{late} task(s) end after their point of no return; `windowplan plan --reserve-backout` plans so that none does."
        );
    }
    s.push('\n');
}

/// The changes per system, and those on systems the inventory does not know.
fn changes_section(s: &mut String, inv: &Inventory, rows: &[TaskRow]) {
    let w = &inv.window;
    let _ = writeln!(s, "## Changes per system\n");
    let mut any = false;
    for sys in &inv.systems {
        let mine: Vec<&TaskRow> = rows
            .iter()
            .filter(|r| r.systems.contains(&sys.id))
            .collect();
        if mine.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(s, "### {}\n", md_inline(&sys.id));
        if let Some(n) = &sys.notes {
            let _ = writeln!(s, "_{}_\n", md_inline(n));
        }
        for r in mine {
            let _ = writeln!(
                s,
                "- {}–{} {} ({}, {}){}",
                wall_short(&w.at(r.start)),
                wall_short(&w.at(r.end)),
                md_code(&r.id),
                fmt_minutes(r.duration()),
                outage_words(r),
                if r.critical {
                    " — critical chain"
                } else {
                    ""
                }
            );
        }
        s.push('\n');
    }
    // Tasks on systems the inventory does not know (hand-edited plans).
    let orphans: Vec<&TaskRow> = rows
        .iter()
        .filter(|r| {
            !r.systems
                .iter()
                .any(|x| inv.systems.iter().any(|s| &s.id == x))
        })
        .collect();
    if !orphans.is_empty() {
        any = true;
        let _ = writeln!(s, "### (other)\n");
        for r in orphans {
            let _ = writeln!(
                s,
                "- {}–{} {} ({})",
                wall_short(&w.at(r.start)),
                wall_short(&w.at(r.end)),
                md_code(&r.id),
                fmt_minutes(r.duration())
            );
        }
        s.push('\n');
    }
    if !any {
        let _ = writeln!(s, "No changes.\n");
    }
}

/// A runbook per team in start order, with each task's runbook text.
fn runbooks_section(s: &mut String, inv: &Inventory, rows: &[TaskRow], critical: &[String]) {
    let w = &inv.window;
    let _ = writeln!(s, "## Runbooks\n");
    let mut teams: Vec<String> = inv.teams.iter().map(|t| t.id.clone()).collect();
    for r in rows {
        for (t, _) in &r.teams {
            if !teams.contains(t) {
                teams.push(t.clone());
            }
        }
    }
    for team in &teams {
        let mine: Vec<&TaskRow> = rows
            .iter()
            .filter(|r| r.teams.iter().any(|(t, _)| t == team))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### Team {}\n", md_inline(team));
        let _ = writeln!(
            s,
            "| # | Start | End | Task | Systems | Duration | Outage | Waits for | Runbook | Done |\n|---:|---|---|---|---|---:|---|---|---|---|"
        );
        for (i, r) in mine.iter().enumerate() {
            let amount = r
                .teams
                .iter()
                .find(|(t, _)| t == team)
                .map(|&(_, n)| n)
                .unwrap_or(1);
            let id = if amount > 1 {
                format!("{} (×{amount} people)", md_code(&r.id))
            } else {
                md_code(&r.id)
            };
            let id = if r.critical { format!("{id} ★") } else { id };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | ☐ |",
                i + 1,
                wall_short(&w.at(r.start)),
                wall_short(&w.at(r.end)),
                id,
                md_text_cell(&r.systems.join(", ")),
                fmt_minutes(r.duration()),
                outage_words(r),
                md_text_cell(&if r.after.is_empty() {
                    "—".to_string()
                } else {
                    r.after_labels().join(", ")
                }),
                runbook_text(r)
            );
        }
        s.push('\n');
    }
    let unteamed: Vec<&TaskRow> = rows.iter().filter(|r| r.teams.is_empty()).collect();
    if !unteamed.is_empty() {
        let _ = writeln!(s, "### No team assigned\n");
        for r in unteamed {
            let _ = writeln!(
                s,
                "- {}–{} {}",
                wall_short(&w.at(r.start)),
                wall_short(&w.at(r.end)),
                md_code(&r.id)
            );
        }
        s.push('\n');
    }
    if !critical.is_empty() {
        let _ = writeln!(
            s,
            "★ on the critical chain: a delay there delays the window end.\n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(md_text_cell("a|b\nc"), "a\\|b c");
        assert_eq!(md_inline("*x* [y]"), "\\*x\\* \\[y\\]");
        assert_eq!(md_code("a|b"), "`a\\|b`");
    }

    #[test]
    fn numbers() {
        assert_eq!(num(600.0), "600");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(2.25), "2.25");
    }
}

#[cfg(test)]
mod backout_tests {
    use crate::inventory::Format;

    #[test]
    fn backout_section_flags_tasks_past_their_point_of_no_return() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backout.yaml"),
        )
        .unwrap();
        let inv = crate::pipeline::load_inventory_str(&text, Format::Yaml, "backout.yaml").unwrap();
        // The upgrade second: it ends at 00:00, 45m after its point of no return (23:15).
        let plan = crate::plan::Plan::build(&inv, &[0, 60], 120);
        let md = super::render(&inv, &plan, &[]);
        let section = &md[md.find("## Backout").expect("backout section")..];
        let row = section
            .lines()
            .find(|l| l.starts_with("| upgrade"))
            .unwrap();
        assert!(row.contains("23:15"), "{row}");
        assert!(row.contains("ends 45m after it"), "{row}");
        assert!(section.contains("--reserve-backout"));
        assert!(!section.contains("| patch |"), "only tasks with a backout");
        // The upgrade first: 15m to spare.
        let plan = crate::plan::Plan::build(&inv, &[60, 0], 120);
        let md = super::render(&inv, &plan, &[]);
        assert!(md.contains("15m to spare"), "{md}");
    }
}
