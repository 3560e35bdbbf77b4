//! The re-plan in every output format: the plan file with a `state` per
//! task and a `replan` section (JSON), a table, a Markdown page, CSV,
//! iCalendar (the night plan's events, each with its state) and an HTML
//! page whose Gantt draws a "now" line and marks each state apart.

use crate::analysis::replan::Replan;
use crate::base::fmt_minutes;
use crate::base::Time;
use crate::plan::night::State;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// One task of the inventory on the night, in inventory order.
struct Row {
    id: String,
    state: State,
    /// `[start, end)` in minutes, for every task but a dropped one.
    run: Option<(Time, Time)>,
    system: Option<String>,
    moved: Option<Time>,
    reason: Option<String>,
}

fn rows(r: &Replan) -> Vec<Row> {
    let moved: std::collections::HashMap<&str, Time> = r
        .moved
        .iter()
        .map(|m| (m.id.as_str(), m.by_minutes))
        .collect();
    let mut out: Vec<(usize, Row)> = r
        .entries
        .iter()
        .zip(&r.plan.tasks)
        .map(|(e, t)| {
            let moved = moved.get(t.id.as_str()).copied();
            (
                e.task,
                Row {
                    id: t.id.clone(),
                    state: e.state,
                    run: Some((t.start_minute, t.end_minute)),
                    system: t.system.clone(),
                    moved,
                    reason: None,
                },
            )
        })
        .collect();
    for d in &r.dropped {
        out.push((
            d.task,
            Row {
                id: d.id.clone(),
                state: State::Dropped,
                run: None,
                system: None,
                moved: None,
                reason: Some(d.reason.clone()),
            },
        ));
    }
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Moves named in the summary; the task rows show every one.
const MOVES_SHOWN: usize = 20;

/// Summary lines: (label, value in words).
fn summary(r: &Replan) -> Vec<(&'static str, String)> {
    let w = &r.night.window;
    let at = |m: Time| crate::plan::clock(w, m);
    let mut s = Vec::new();
    if let Some(t) = &w.meta.title {
        s.push(("window", t.clone()));
    }
    if let Some(c) = &w.meta.change {
        s.push(("change", c.clone()));
    }
    s.extend([
        ("now", at(r.now)),
        ("status", r.plan.status.clone()),
        (
            "night ends",
            format!(
                "{} ({} from the window start)",
                at(r.plan.length_minutes),
                fmt_minutes(r.plan.length_minutes)
            ),
        ),
        (
            "remainder",
            format!(
                "{} from now (lower bound {})",
                fmt_minutes(r.remainder_minutes),
                fmt_minutes(r.remainder_bound_minutes)
            ),
        ),
    ]);
    if let (Some(d), Some(m)) = (w.deadline, r.margin_minutes) {
        s.push(("deadline", format!("{} (margin {})", at(d), fmt_minutes(m))));
    }
    if !r.left_out.is_empty() {
        s.push((
            "left out",
            format!(
                "{} (optional, dropped to hold the deadline)",
                crate::base::join_words(&r.left_out)
            ),
        ));
    }
    if let Some(search) = &r.search {
        s.push(("search", search.clone()));
    }
    s.push((
        "no return",
        if r.past_no_return.is_empty() {
            "no running or planned task is past its point of no return".into()
        } else {
            format!(
                "past the point of no return (deadline − backout): {}",
                crate::base::join_words(&r.past_no_return)
            )
        },
    ));
    s.push((
        "moved",
        if r.moved.is_empty() {
            "no task moved against the original plan".into()
        } else {
            // The first ones in words; every move is in the task rows.
            let mut words: Vec<String> = r
                .moved
                .iter()
                .take(MOVES_SHOWN)
                .map(|m| {
                    let sign = if m.by_minutes > 0 { "+" } else { "" };
                    format!("{} {sign}{}", m.id, fmt_minutes(m.by_minutes))
                })
                .collect();
            if r.moved.len() > MOVES_SHOWN {
                words.push(format!("and {} more", r.moved.len() - MOVES_SHOWN));
            }
            words.join(", ")
        },
    ));
    s.push(("critical chain", r.critical_chain.join(" → ")));
    s
}

/// The plan file of the night (DESIGN.md "Plan format"), each task with its
/// `state` (dropped ones with their `reason` and no times), and a `replan`
/// section with the figures of the rest of the night.
pub fn to_json(r: &Replan) -> String {
    let mut v = serde_json::to_value(&r.plan).unwrap_or(Value::Null);
    let w = &r.night.window;
    let by_id: std::collections::HashMap<&str, &crate::plan::PlannedTask> =
        r.plan.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let tasks: Vec<Value> = rows(r)
        .into_iter()
        .map(|row| {
            let planned = by_id.get(row.id.as_str());
            let mut t = match planned {
                Some(p) => serde_json::to_value(p).unwrap_or(Value::Null),
                None => json!({ "id": row.id }),
            };
            t["state"] = json!(row.state.as_str());
            if let Some(reason) = row.reason {
                t["reason"] = json!(reason);
            }
            t
        })
        .collect();
    v["tasks"] = Value::Array(tasks);
    v["replan"] = json!({
        "now": crate::plan::rfc3339(w, r.now),
        "now_minute": r.now,
        "remainder_minutes": r.remainder_minutes,
        "remainder_lower_bound_minutes": r.remainder_bound_minutes,
        "deadline": w.deadline.map(|d| crate::plan::rfc3339(w, d)),
        "margin_minutes": r.margin_minutes,
        "dropped": r.dropped,
        "left_out": r.left_out,
        "search": r.search,
        "past_point_of_no_return": r.past_no_return,
        "moved": r.moved,
        "critical_chain": r.critical_chain,
        "critical_chain_words": chain_words(r),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn cells(r: &Replan, row: &Row) -> [String; 7] {
    let at = |m: Time| crate::plan::clock(&r.night.window, m);
    let (start, end) = match row.run {
        Some((s, e)) => (at(s), at(e)),
        None => ("-".into(), "-".into()),
    };
    [
        row.state.as_str().to_string(),
        start,
        end,
        row.id.clone(),
        row.system.clone().unwrap_or_else(|| "-".into()),
        match row.moved {
            Some(m) => format!("{}{}", if m > 0 { "+" } else { "" }, fmt_minutes(m)),
            None => "-".into(),
        },
        row.reason.clone().unwrap_or_default(),
    ]
}

const HEADER: [&str; 7] = ["STATE", "START", "END", "TASK", "SYSTEM", "MOVED", "WHY"];

/// A table for the terminal: one row per task, then the summary.
pub fn table(r: &Replan) -> String {
    let body: Vec<[String; 7]> = rows(r).iter().map(|row| cells(r, row)).collect();
    let mut width: Vec<usize> = HEADER.iter().map(|h| h.len()).collect();
    for c in &body {
        for (k, x) in c.iter().enumerate() {
            width[k] = width[k].max(x.chars().count());
        }
    }
    let mut s = String::new();
    let mut line = |c: Vec<&str>| {
        let mut l = String::new();
        for (k, x) in c.iter().enumerate() {
            let _ = write!(l, "{x}{}  ", " ".repeat(width[k] - x.chars().count()));
        }
        s.push_str(l.trim_end());
        s.push('\n');
    };
    line(HEADER.to_vec());
    let rule: Vec<String> = width.iter().map(|&n| "-".repeat(n)).collect();
    line(rule.iter().map(String::as_str).collect());
    for c in &body {
        line(c.iter().map(String::as_str).collect());
    }
    s.push('\n');
    for (k, v) in summary(r) {
        let _ = writeln!(s, "{k:<16}{v}");
    }
    s
}

/// The heading of a re-plan: the window's title and change when given,
/// and the time of the re-plan.
fn heading(r: &Replan) -> String {
    let w = &r.night.window;
    let at = crate::plan::clock(w, r.now);
    match (&w.meta.title, &w.meta.change) {
        (Some(t), Some(c)) => format!("Re-plan of {t} ({c}) at {at}"),
        (Some(t), None) => format!("Re-plan of {t} at {at}"),
        (None, Some(c)) => format!("Re-plan of {c} at {at}"),
        (None, None) => format!("Re-plan of the window at {at}"),
    }
}

/// A Markdown page: the summary, then the tasks.
pub fn markdown(r: &Replan) -> String {
    let md = |x: &str| x.replace('|', "\\|");
    let mut s = format!("# {}\n\n", md(&heading(r)));
    for (k, v) in summary(r) {
        let _ = writeln!(s, "- **{k}**: {}", md(&v));
    }
    s.push_str(
        "\n| state | start | end | task | system | moved | why |\n|---|---|---|---|---|---|---|\n",
    );
    for row in rows(r) {
        let c = cells(r, &row);
        let _ = writeln!(
            s,
            "| {} |",
            c.iter().map(|x| md(x)).collect::<Vec<_>>().join(" | ")
        );
    }
    if !r.chain_links.is_empty() {
        s.push_str("\n## Critical chain from now\n\n");
        for l in &chain_words(r) {
            let _ = writeln!(s, "1. {}", md(l));
        }
    }
    s
}

/// A CSV field: formulas defused, RFC 4180 quoting (as the plan's CSV).
fn csv_field(x: &str) -> String {
    super::rows::csv_field(x)
}

/// One row per task: id, state, times, minutes, move, reason.
pub fn csv(r: &Replan) -> String {
    let w = &r.night.window;
    // The window's title and change, as the plan's CSV gives them, when
    // the window has either.
    let meta = [w.meta.title.clone(), w.meta.change.clone()];
    let with_meta = meta.iter().any(Option::is_some);
    let mut s = String::from("id,state,start,end,start_minute,end_minute,moved_minutes,reason");
    s.push_str(if with_meta {
        ",window_title,window_change\n"
    } else {
        "\n"
    });
    for row in rows(r) {
        let (a, b, c, d) = match row.run {
            Some((x, y)) => (
                crate::plan::rfc3339(w, x),
                crate::plan::rfc3339(w, y),
                x.to_string(),
                y.to_string(),
            ),
            None => Default::default(),
        };
        let mut fields = vec![
            row.id.clone(),
            row.state.as_str().into(),
            a,
            b,
            c,
            d,
            row.moved.map(|m| m.to_string()).unwrap_or_default(),
            row.reason.clone().unwrap_or_default(),
        ];
        if with_meta {
            fields.extend(meta.iter().map(|m| m.clone().unwrap_or_default()));
        }
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

/// The night plan as iCalendar: the events of every kept task, each with
/// an `X-WINDOWPLAN-STATE` property (done, running, planned, backout).
pub fn ics(r: &Replan) -> String {
    let text = crate::report::ics::render(&r.night, &r.plan, &r.critical_chain);
    let states: std::collections::HashMap<&str, State> = r
        .plan
        .tasks
        .iter()
        .zip(&r.entries)
        .map(|(t, e)| (t.id.as_str(), e.state))
        .collect();
    let mut out = String::with_capacity(text.len() + 64 * states.len());
    let mut current: Option<State> = None;
    for line in text.split_inclusive("\r\n") {
        if let Some(rest) = line.strip_prefix("SUMMARY:") {
            let id = rest.split(" on ").next().unwrap_or("");
            current = states.get(id).copied();
        }
        if line.starts_with("END:VEVENT") {
            if let Some(st) = current.take() {
                let _ = write!(out, "X-WINDOWPLAN-STATE:{}\r\n", st.as_str().to_uppercase());
            }
        }
        out.push_str(line);
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Gantt of the night: one row per kept task, a bar per task filled
/// and patterned by state, the dropped tasks listed under it, and a dashed
/// red "now" line.
pub fn svg(r: &Replan) -> String {
    let rows: Vec<Row> = rows(r);
    let deadline = r.night.window.deadline;
    // The axis reaches the deadline, so its line is drawn.
    let end = r
        .plan
        .length_minutes
        .max(r.now)
        .max(deadline.unwrap_or(0))
        .max(1);
    let (left, width, row_h) = (220.0, 900.0, 20.0);
    let x = |m: Time| left + width * (m.clamp(0, end) as f64) / end as f64;
    let height = 60.0 + row_h * rows.len() as f64 + 30.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n",
        left + width + 20.0
    );
    s.push_str("<defs><pattern id=\"rp-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f6c28b\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c0392b\" stroke-width=\"2\"/></pattern></defs>\n");
    let style = |st: State| match st {
        State::Done => "fill=\"#9e9e9e\" stroke=\"#555\"",
        State::Running => "fill=\"#f1c40f\" stroke=\"#8a6d00\" stroke-width=\"2\"",
        State::Planned => "fill=\"#5b9bd5\" stroke=\"#2e5c8a\"",
        State::Backout => "fill=\"url(#rp-hatch)\" stroke=\"#c0392b\" stroke-width=\"2\"",
        State::Dropped => "fill=\"none\" stroke=\"#999\" stroke-dasharray=\"3 3\"",
    };
    // Hour ticks, in wall-clock time.
    let w = &r.night.window;
    let first_hour = (60 - w.at(0).minute() as Time) % 60;
    for m in (first_hour..=end).step_by(60) {
        let _ = writeln!(
            s,
            "<line x1=\"{0:.1}\" y1=\"44\" x2=\"{0:.1}\" y2=\"{1}\" stroke=\"#e4e4e4\"/><text x=\"{0:.1}\" y=\"40\" fill=\"#666\" text-anchor=\"middle\">{2}</text>",
            x(m),
            height - 30.0,
            w.at(m).strftime("%H:%M")
        );
    }
    for (k, row) in rows.iter().enumerate() {
        let y = 50.0 + row_h * k as f64;
        let Some((a, b)) = row.run else {
            // Dropped: no bar; the name struck through and why.
            let _ = writeln!(
                s,
                "<text x=\"4\" y=\"{0}\" fill=\"#888\" text-decoration=\"line-through\">{1}</text><text class=\"state-dropped\" x=\"{left}\" y=\"{0}\" fill=\"#888\">✕ dropped: {2}</text>",
                y + 11.0,
                esc(&row.id),
                esc(row.reason.as_deref().unwrap_or_default())
            );
            continue;
        };
        let critical = r.critical_chain.contains(&row.id);
        let _ = writeln!(
            s,
            "<text x=\"4\" y=\"{}\">{}{}</text><rect class=\"state-{}\" x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"14\" {}><title>{} ({}) {}–{}</title></rect>",
            y + 11.0,
            if critical { "★ " } else { "" },
            esc(&row.id),
            row.state.as_str(),
            x(a),
            (x(b) - x(a)).max(1.0),
            style(row.state),
            esc(&row.id),
            row.state.as_str(),
            crate::plan::clock(&r.night.window, a),
            crate::plan::clock(&r.night.window, b)
        );
    }
    let _ = writeln!(
        s,
        "<text class=\"title\" x=\"4\" y=\"14\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        esc(&heading(r))
    );
    if let Some(d) = deadline {
        let dx = x(d);
        let _ = writeln!(
            s,
            "<line class=\"deadline\" x1=\"{dx:.1}\" y1=\"30\" x2=\"{dx:.1}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"2\"/><text x=\"{dx:.1}\" y=\"{}\" text-anchor=\"end\">deadline {}</text>",
            height - 30.0,
            height - 32.0,
            crate::plan::clock(&r.night.window, d)
        );
    }
    let nx = x(r.now);
    let _ = writeln!(
        s,
        "<line class=\"now\" x1=\"{nx:.1}\" y1=\"30\" x2=\"{nx:.1}\" y2=\"{}\" stroke=\"#d00\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text x=\"{nx:.1}\" y=\"24\" fill=\"#d00\" text-anchor=\"middle\">now {}</text>",
        height - 30.0,
        crate::plan::clock(&r.night.window, r.now)
    );
    let legend = [State::Done, State::Running, State::Planned, State::Backout];
    for (k, st) in legend.iter().enumerate() {
        let lx = left + 110.0 * k as f64;
        let ly = height - 20.0;
        let _ = writeln!(
            s,
            "<rect x=\"{lx}\" y=\"{ly}\" width=\"14\" height=\"10\" {}/><text x=\"{}\" y=\"{}\">{}</text>",
            style(*st),
            lx + 18.0,
            ly + 9.0,
            st.as_str()
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" fill=\"#888\">✕ dropped</text>",
        left + 440.0,
        height - 11.0
    );
    s.push_str("</svg>\n");
    s
}

/// One self-contained page: the summary, the Gantt with the "now" line,
/// and the tasks with their states (dropped ones with the reason).
pub fn html(r: &Replan) -> String {
    let mut s =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let title = heading(r);
    let _ = writeln!(s, "<title>{}</title>\n<style>body{{font-family:sans-serif}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 6px}} tr.dropped td{{color:#888;text-decoration:line-through}} tr.running td{{background:#fff6cc}} tr.backout td{{background:#fde2e2}} tr.done td{{color:#555}}</style>\n</head>\n<body>\n<h1>{}</h1>\n<dl>", esc(&title), esc(&title));
    for (k, v) in summary(r) {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
    }
    s.push_str("</dl>\n<div class=\"gantt\">\n");
    s.push_str(&svg(r));
    s.push_str("</div>\n<table>\n<tr>");
    for h in HEADER {
        let _ = write!(s, "<th>{}</th>", esc(&h.to_lowercase()));
    }
    s.push_str("</tr>\n");
    for row in rows(r) {
        let c = cells(r, &row);
        let _ = write!(s, "<tr class=\"{}\">", row.state.as_str());
        for x in &c {
            let _ = write!(s, "<td>{}</td>", esc(x));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

/// Renders a re-plan in one of the plan formats.
pub fn render(r: &Replan, format: super::Format) -> String {
    use super::Format;
    match format {
        Format::Table => crate::base::text::escape_hidden(&table(r)).into_owned(),
        Format::Json => to_json(r),
        Format::Md => markdown(r),
        Format::Csv => csv(r),
        Format::Ics => ics(r),
        Format::Html => html(r),
        Format::Svg => svg(r),
    }
}

/// The critical chain of the rest of the night, each link in words.
fn chain_words(r: &Replan) -> Vec<String> {
    r.chain_links
        .iter()
        .map(crate::report::explain::chain_link)
        .collect()
}
