//! One self-contained HTML page for the CAB: the window, length, bound and
//! status; the SVG Gantt inline, in lanes per system or per team (a switch
//! made of two radio buttons and CSS alone), each task's point of no return
//! marked; the task table with each task's runbook text (title, notes,
//! rollback…), backout and point of no return; service downtime; blackouts.
//! No scripts and no network resources at all (fonts, stylesheets or images
//! from elsewhere); print CSS lays it out landscape with page breaks kept
//! out of table rows.

use super::gantt::Lanes;
use super::markdown::{blackout_scope, num};
use super::rows::{html_escape, task_rows, wall_long, wall_short, TaskRow};
use crate::base::fmt_minutes;
use crate::inventory::Inventory;
use crate::plan::Plan;
use std::fmt::Write;

const CSS: &str = "
body { font-family: sans-serif; color: #000; background: #fff; margin: 1.5em; }
h1 { font-size: 1.5em; margin: 0 0 .3em 0; }
h2 { font-size: 1.15em; margin: 1.4em 0 .4em 0; border-bottom: 1px solid #999; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: .2em 1.2em; margin: 0; }
dl.summary dt { font-weight: bold; }
dl.summary dd { margin: 0; }
.gantt { overflow-x: auto; border: 1px solid #ccc; padding: 4px; }
.lanes-switch label { margin-right: 1em; }
#lanes-system:checked ~ #gantt-team, #lanes-team:checked ~ #gantt-system { display: none; }
td.runbook p { margin: 0 0 .2em 0; }
.gantt svg { max-width: none; }
table { border-collapse: collapse; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.critical td:first-child { font-weight: bold; }
tr.outage td.outage { background: #f8d0c8; }
.over { color: #a61c1c; font-weight: bold; }
code { font-family: monospace; }
@media print {
  @page { size: landscape; margin: 10mm; }
  body { margin: 0; font-size: 10pt; }
  .gantt { overflow: visible; border: none; padding: 0; }
  .lanes-switch input, .lanes-switch label { display: none; }
  .gantt svg { max-width: 100%; height: auto; }
  tr, .gantt { page-break-inside: avoid; break-inside: avoid; }
  h2 { page-break-after: avoid; break-after: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// Renders the HTML report, the Gantt shown in system lanes first. Tasks in
/// `critical` are marked (★, bold).
pub fn render(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    let lanes = super::gantt::Options {
        lanes: super::gantt::Lanes::System,
    };
    render_with(inv, plan, critical, &lanes)
}

/// Renders the HTML report; the Gantt's lanes are those of `gantt` first,
/// and the reader can switch to the other kind.
pub fn render_with(
    inv: &Inventory,
    plan: &Plan,
    critical: &[String],
    gantt: &super::gantt::Options,
) -> String {
    let w = &inv.window;
    let rows = task_rows(inv, plan, critical);
    let mut s = String::new();
    let title = format!(
        "Maintenance window {}",
        w.start.strftime("%Y-%m-%d %H:%M %Z")
    );
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{}</title>", html_escape(&title));
    let _ = writeln!(s, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(s, "<h1>{}</h1>", html_escape(&title));

    // Summary.
    s.push_str("<dl class=\"summary\">\n");
    let mut dt = |k: &str, v: String| {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", html_escape(k), v);
    };
    dt(
        "Window",
        html_escape(&format!(
            "{} – {}",
            wall_long(&w.at(0)),
            wall_long(&w.at(plan.length_minutes))
        )),
    );
    // Format 1.1: the window's title and change record at the top.
    for (k, v) in w.meta.given() {
        dt(
            if k == "title" { "Title" } else { "Change" },
            html_escape(v),
        );
    }
    dt("Timezone", html_escape(&w.timezone));
    dt("Length", html_escape(&fmt_minutes(plan.length_minutes)));
    let gap = plan.length_minutes - plan.lower_bound_minutes;
    dt(
        "Lower bound",
        html_escape(&format!(
            "{} (gap {})",
            fmt_minutes(plan.lower_bound_minutes),
            fmt_minutes(gap)
        )),
    );
    dt("Status", html_escape(&plan.status));
    match w.deadline {
        Some(d) => {
            let margin = d - plan.length_minutes;
            let v = if margin >= 0 {
                html_escape(&format!(
                    "{} (margin {})",
                    wall_long(&w.at(d)),
                    fmt_minutes(margin)
                ))
            } else {
                format!(
                    "{} <span class=\"over\">(over by {})</span>",
                    html_escape(&wall_long(&w.at(d))),
                    html_escape(&fmt_minutes(-margin))
                )
            };
            dt("Deadline", v);
        }
        None => dt("Deadline", "none".into()),
    }
    dt("Tasks", rows.len().to_string());
    if !critical.is_empty() {
        dt("Critical chain", html_escape(&critical.join(" → ")));
    }
    s.push_str("</dl>\n");

    gantt_section(&mut s, inv, plan, critical, gantt.lanes);

    tasks_section(&mut s, inv, &rows, critical);

    s.push_str(&super::schema_changes::html(inv, plan));

    services_section(&mut s, inv, plan);

    // Blackouts.
    if !inv.blackouts.is_empty() {
        s.push_str("<h2>Blackouts</h2>\n<table class=\"blackouts\">\n<thead><tr><th>From</th><th>To</th><th>Reason</th><th>Scope</th></tr></thead>\n<tbody>\n");
        for b in &inv.blackouts {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html_escape(&wall_short(&w.at(b.interval.start))),
                html_escape(&wall_short(&w.at(b.interval.end))),
                html_escape(b.reason.as_deref().unwrap_or("")),
                html_escape(&blackout_scope(inv, b))
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }

    s.push_str("</body>\n</html>\n");
    s
}

/// Both Gantt charts, lanes per system and per team, and the two radio
/// buttons that show one or the other (`first` is shown first).
fn gantt_section(s: &mut String, inv: &Inventory, plan: &Plan, critical: &[String], first: Lanes) {
    s.push_str("<h2>Gantt chart</h2>\n<div class=\"lanes-switch\">\n");
    for (lanes, name, words) in [
        (Lanes::System, "system", "Lanes per system"),
        (Lanes::Team, "team", "Lanes per team"),
    ] {
        let _ = writeln!(
            s,
            "<input type=\"radio\" name=\"lanes\" id=\"lanes-{name}\"{}><label for=\"lanes-{name}\">{words}</label>",
            if lanes == first { " checked" } else { "" }
        );
    }
    for (lanes, name) in [(Lanes::System, "system"), (Lanes::Team, "team")] {
        let _ = writeln!(s, "<div class=\"gantt\" id=\"gantt-{name}\">");
        s.push_str(&super::gantt::render_with(
            inv,
            plan,
            critical,
            &super::gantt::Options { lanes },
        ));
        s.push_str("</div>\n");
    }
    s.push_str("</div>\n");
}

/// The backout time and the point of no return (deadline − backout), or
/// `—` when the task gives no backout.
fn backout_cell(inv: &Inventory, r: &TaskRow) -> String {
    let Some(b) = r.backout else {
        return "—".into();
    };
    match r.point_of_no_return(inv.window.deadline) {
        Some(pnr) => {
            let late = r.end > pnr;
            format!(
                "{}<br><span class=\"pnr{}\">{}</span>",
                html_escape(&fmt_minutes(b)),
                if late { " over" } else { "" },
                html_escape(&super::gantt::pnr_words(inv, r, pnr))
            )
        }
        None => format!(
            "{}<br>no deadline, so no point of no return",
            html_escape(&fmt_minutes(b))
        ),
    }
}

/// The task's runbook text from the inventory: its title first, then each
/// other field given, labelled.
fn runbook_cell(r: &TaskRow) -> String {
    let given = r.meta.given();
    if given.is_empty() {
        return "—".into();
    }
    given
        .into_iter()
        .map(|(label, text)| match label {
            "title" => format!("<p><strong>{}</strong></p>", html_escape(text)),
            _ => format!(
                "<p><em>{}:</em> {}</p>",
                html_escape(label),
                html_escape(text)
            ),
        })
        .collect()
}

/// The task table: times, systems, teams, backout and runbook text.
fn tasks_section(s: &mut String, inv: &Inventory, rows: &[TaskRow], critical: &[String]) {
    let w = &inv.window;
    s.push_str("<h2>Tasks</h2>\n<table class=\"tasks\">\n<thead><tr><th>Task</th><th>Systems</th><th>Team</th><th>Start</th><th>End</th><th>Duration</th><th>Outage</th><th>After</th><th>Backout</th><th>Runbook</th></tr></thead>\n<tbody>\n");
    for r in rows {
        let mut class = Vec::new();
        if r.critical {
            class.push("critical");
        }
        if r.outage == Some(true) {
            class.push("outage");
        }
        let _ = writeln!(
            s,
            "<tr{}><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"outage\">{}</td><td>{}</td><td class=\"backout\">{}</td><td class=\"runbook\">{}</td></tr>",
            if class.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", class.join(" "))
            },
            html_escape(&r.id),
            if r.critical { " ★" } else { "" },
            html_escape(&r.systems.join(", ")),
            html_escape(&r.team_labels().join(", ")),
            html_escape(&wall_short(&w.at(r.start))),
            html_escape(&wall_short(&w.at(r.end))),
            html_escape(&fmt_minutes(r.duration())),
            html_escape(&r.outage_words()),
            html_escape(&r.after_labels().join(", ")),
            backout_cell(inv, r),
            runbook_cell(r)
        );
    }
    s.push_str("</tbody>\n</table>\n");
    if !critical.is_empty() {
        s.push_str("<p>★ on the critical chain: a delay there delays the window end.</p>\n");
    }
}

/// Service downtime, weighted, against each `max_downtime`.
fn services_section(s: &mut String, inv: &Inventory, plan: &Plan) {
    let w = &inv.window;
    s.push_str("<h2>Service downtime</h2>\n");
    if plan.services.is_empty() {
        s.push_str("<p>No services are declared.</p>\n");
    } else {
        s.push_str("<table class=\"services\">\n<thead><tr><th>Service</th><th>Downtime</th><th>Weight</th><th>Weighted</th><th>Limit</th><th>Down</th></tr></thead>\n<tbody>\n");
        let mut total = 0.0;
        for sd in &plan.services {
            let svc = inv.services.iter().find(|x| x.id == sd.id);
            let weight = svc.map(|x| x.weight).unwrap_or(1.0);
            let weighted = weight * sd.downtime_minutes as f64;
            total += weighted;
            let limit = match svc.and_then(|x| x.max_downtime) {
                Some(m) if sd.downtime_minutes > m => {
                    format!(
                        "<span class=\"over\">{} (exceeded)</span>",
                        html_escape(&fmt_minutes(m))
                    )
                }
                Some(m) => html_escape(&fmt_minutes(m)),
                None => "—".into(),
            };
            let down: Vec<String> = sd
                .intervals
                .iter()
                .map(|[a, b]| {
                    html_escape(&format!(
                        "{} – {}",
                        wall_short(&w.at(*a)),
                        wall_short(&w.at(*b))
                    ))
                })
                .collect();
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                html_escape(&sd.id),
                html_escape(&fmt_minutes(sd.downtime_minutes)),
                html_escape(&num(weight)),
                html_escape(&num(weighted)),
                limit,
                if down.is_empty() {
                    "—".to_string()
                } else {
                    down.join("<br>")
                }
            );
        }
        let _ = writeln!(
            s,
            "</tbody>\n<tfoot><tr><th colspan=\"3\">Total weighted downtime</th><td class=\"num\">{}</td><td colspan=\"2\"></td></tr></tfoot>\n</table>",
            html_escape(&num(total))
        );
        // Format 1.1: downtime from `unavailable` intervals, apart; notes.
        for sd in plan.services.iter().filter(|x| x.unavailable_minutes > 0) {
            let down: Vec<String> = sd
                .unavailable_intervals
                .iter()
                .map(|[a, b]| format!("{} – {}", wall_short(&w.at(*a)), wall_short(&w.at(*b))))
                .collect();
            let _ = writeln!(
                s,
                "<p class=\"unavailable\">{} is also down {}, {} (systems unavailable: {})</p>",
                html_escape(&sd.id),
                html_escape(&fmt_minutes(sd.unavailable_minutes)),
                super::rows::NOT_CAUSED_BY_THE_PLAN,
                html_escape(&down.join(", "))
            );
        }
        for svc in inv.services.iter() {
            if let Some(n) = &svc.notes {
                let _ = writeln!(
                    s,
                    "<p class=\"notes\">{}: {}</p>",
                    html_escape(&svc.id),
                    html_escape(n)
                );
            }
        }
        for sys in inv.systems.iter() {
            if let Some(n) = &sys.notes {
                let _ = writeln!(
                    s,
                    "<p class=\"notes\">system {}: {}</p>",
                    html_escape(&sys.id),
                    html_escape(n)
                );
            }
        }
    }
}
