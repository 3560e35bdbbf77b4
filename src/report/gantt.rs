//! SVG Gantt chart of a plan: one lane per team (or per system), wall-clock
//! hour ticks, a bar per task (outage tasks hatched red, online changes
//! plain blue, critical-chain tasks outlined thick black), dependency arrows
//! for `after` edges, blackouts, team unavailability and task windows shaded,
//! and service downtime lanes at the bottom. Every bar has a `<title>` for
//! hover details.
//!
//! The SVG is self-contained (generic `sans-serif` font, no scripts, no
//! external references) and print-friendly (black text, light fills). Output
//! is deterministic.

use super::rows::{html_escape, task_rows, wall_hm, wall_long, wall_short, TaskRow};
use crate::base::fmt_minutes;
use crate::base::{Interval, Time};
use crate::inventory::{Blackout, Inventory};
use crate::plan::Plan;
use std::fmt::Write;

/// What a lane stands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lanes {
    /// One lane per team (a task needing two teams shows in both).
    #[default]
    Team,
    /// One lane per system (a task on two systems shows in both).
    System,
}

/// Chart options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// What one lane of the chart is: a team or a system.
    pub lanes: Lanes,
}

/// Renders the Gantt chart with one lane per team.
pub fn render(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    render_with(inv, plan, critical, &Options::default())
}

const LEFT: f64 = 190.0;
const RIGHT: f64 = 30.0;
const ROW_H: f64 = 24.0;
const BAR_H: f64 = 16.0;
const FONT: f64 = 11.0;
/// Rough width of one character at `FONT` in a sans-serif face.
const CHAR_W: f64 = 6.4;

struct Lane {
    label: String,
    /// (row index into `rows`, sub-row)
    items: Vec<(usize, usize)>,
    sub_rows: usize,
    /// Shaded intervals with their hover text.
    shade: Vec<(Interval, String)>,
    /// Pattern of the shading (`unavail` or `blackout`).
    shade_fill: &'static str,
    /// A system's own `unavailable` intervals (vendor maintenance), with
    /// their hover text, shaded as unavailable.
    unavailable: Vec<(Interval, String)>,
}

/// Renders the Gantt chart with the given options.
pub fn render_with(inv: &Inventory, plan: &Plan, critical: &[String], opts: &Options) -> String {
    let rows = task_rows(inv, plan, critical);
    let w = &inv.window;
    // Wide enough for every bar and every point of no return.
    let span: Time = rows
        .iter()
        .map(|r| r.end.max(r.point_of_no_return(w.deadline).unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(plan.length_minutes)
        // The axis reaches the deadline, so the time left is seen.
        .max(w.deadline.unwrap_or(0))
        .max(1);
    let px_per_minute = (1000.0 / span as f64).clamp(0.25, 6.0);
    let chart_w = span as f64 * px_per_minute;
    let width = LEFT + chart_w + RIGHT;
    let x = |m: Time| LEFT + (m.clamp(0, span) as f64) * px_per_minute;
    let ids = id_prefix(opts.lanes);
    let outage_fill = format!("url(#{ids}outage)");

    let lanes = build_lanes(inv, &rows, opts.lanes, span, &x);

    // ---- vertical layout ----
    let title_y = 22.0;
    let sub_y = 40.0;
    let axis_y = 72.0;
    let mut y = axis_y + 8.0;
    let scoped: Vec<&Blackout> = match opts.lanes {
        // In system lanes scoped blackouts shade their systems; in team
        // lanes they get a row of their own above the tasks.
        Lanes::Team => inv
            .blackouts
            .iter()
            .filter(|b| !b.covers_everything())
            .collect(),
        Lanes::System => Vec::new(),
    };
    // In team lanes, each system with known outages (`unavailable`, a
    // vendor's maintenance) gets a row of its own too.
    let outages: Vec<&crate::inventory::System> = match opts.lanes {
        Lanes::Team => inv
            .systems
            .iter()
            .filter(|s| !s.unavailable.is_empty())
            .collect(),
        Lanes::System => Vec::new(),
    };
    let blackout_top = y;
    y += (scoped.len() + outages.len()) as f64 * ROW_H;
    let tasks_top = y;
    let mut lane_tops = Vec::new();
    for lane in &lanes {
        lane_tops.push(y);
        y += lane.sub_rows as f64 * ROW_H;
    }
    let tasks_bottom = y;
    let services_top = y + 8.0;
    let services_bottom = services_top + plan.services.len() as f64 * ROW_H;
    let chart_bottom = services_bottom;
    let legend_y = chart_bottom + 34.0;
    let height = legend_y + 24.0;

    let mut s = String::new();
    let f = Frame {
        inv,
        plan,
        w,
        critical,
        opts,
        rows,
        lanes,
        lane_tops,
        scoped,
        outages,
        span,
        px_per_minute,
        chart_w,
        width,
        height,
        ids,
        outage_fill,
        title_y,
        sub_y,
        axis_y,
        blackout_top,
        tasks_top,
        tasks_bottom,
        services_top,
        chart_bottom,
        legend_y,
    };
    header(&f, &mut s);
    lane_backgrounds(&f, &mut s);
    time_axis(&f, &mut s);
    full_blackouts(&f, &mut s);
    let pos = task_windows(&f, &mut s);
    task_bars(&f, &mut s, &pos);
    dependency_arrows(&f, &mut s, &pos);
    service_lanes(&f, &mut s);
    legend(&f, &mut s);
    s.push_str("</svg>\n");
    s
}

/// The lanes, each task in the lanes of its teams or systems, packed into
/// sub-rows so that no two bars or labels overlap.
fn build_lanes(
    inv: &Inventory,
    rows: &[TaskRow],
    kind: Lanes,
    span: Time,
    x: &dyn Fn(Time) -> f64,
) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = Vec::new();
    match kind {
        Lanes::Team => {
            for team in &inv.teams {
                let mine: Vec<usize> = (0..rows.len())
                    .filter(|&i| rows[i].teams.iter().any(|(t, _)| t == &team.id))
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let mut shade = Vec::new();
                if let Some(av) = &team.available {
                    for gap in complement(av, span) {
                        shade.push((gap, format!("team {} unavailable", team.id)));
                    }
                }
                lanes.push(new_lane(
                    format!("{} (cap {})", team.id, team.capacity),
                    mine,
                    shade,
                ));
            }
            let known: Vec<&str> = inv.teams.iter().map(|t| t.id.as_str()).collect();
            let other: Vec<usize> = (0..rows.len())
                .filter(|&i| {
                    !rows[i]
                        .teams
                        .iter()
                        .any(|(t, _)| known.contains(&t.as_str()))
                })
                .collect();
            if !other.is_empty() {
                lanes.push(new_lane("(no team)".into(), other, Vec::new()));
            }
        }
        Lanes::System => {
            for (si, sys) in inv.systems.iter().enumerate() {
                let mine: Vec<usize> = (0..rows.len())
                    .filter(|&i| rows[i].systems.contains(&sys.id))
                    .collect();
                // A system with no task is drawn only for its known
                // outages (a vendor's maintenance), which services feel.
                if mine.is_empty() && sys.unavailable.is_empty() {
                    continue;
                }
                let unavailable = sys
                    .unavailable
                    .iter()
                    .map(|u| {
                        (
                            u.interval,
                            format!(
                                "{} unavailable ({})",
                                sys.id,
                                u.reason.as_deref().unwrap_or("no reason given")
                            ),
                        )
                    })
                    .collect();
                let shade = inv
                    .blackouts
                    .iter()
                    .filter(|b| !b.covers_everything() && inv.blackout_covers_system(b, si))
                    .map(|b| (b.interval, blackout_title(inv, b)))
                    .collect();
                let label = if sys.external {
                    format!("{} (external)", sys.id)
                } else {
                    sys.id.clone()
                };
                let mut lane = new_lane(label, mine, shade);
                lane.shade_fill = "blackout";
                lane.unavailable = unavailable;
                lanes.push(lane);
            }
            let other: Vec<usize> = (0..rows.len())
                .filter(|&i| {
                    !rows[i]
                        .systems
                        .iter()
                        .any(|s| inv.systems.iter().any(|x| &x.id == s))
                })
                .collect();
            if !other.is_empty() {
                lanes.push(new_lane("(other)".into(), other, Vec::new()));
            }
        }
    }
    let width = x(span) + RIGHT;
    for lane in &mut lanes {
        pack(lane, rows, x, width);
    }
    lanes
}

/// Everything the parts of one chart share: what is drawn, its scale and
/// its vertical layout.
struct Frame<'a> {
    inv: &'a Inventory,
    plan: &'a Plan,
    w: &'a crate::inventory::Window,
    critical: &'a [String],
    opts: &'a Options,
    rows: Vec<TaskRow>,
    lanes: Vec<Lane>,
    lane_tops: Vec<f64>,
    scoped: Vec<&'a Blackout>,
    /// Team lanes: systems with `unavailable` intervals, a row each under
    /// the scoped blackouts.
    outages: Vec<&'a crate::inventory::System>,
    span: Time,
    px_per_minute: f64,
    chart_w: f64,
    width: f64,
    height: f64,
    ids: &'static str,
    outage_fill: String,
    title_y: f64,
    sub_y: f64,
    axis_y: f64,
    blackout_top: f64,
    tasks_top: f64,
    tasks_bottom: f64,
    services_top: f64,
    chart_bottom: f64,
    legend_y: f64,
}

impl Frame<'_> {
    /// The x coordinate of minute `m` (clamped to the chart).
    fn x(&self, m: Time) -> f64 {
        LEFT + (m.clamp(0, self.span) as f64) * self.px_per_minute
    }
}

/// Lane backgrounds, labels and shading, and the rows of scoped blackouts.
fn lane_backgrounds(f: &Frame, s: &mut String) {
    let inv = f.inv;
    let w = f.w;
    let lanes = &f.lanes;
    let lane_tops = &f.lane_tops;
    let scoped = &f.scoped;
    let span = f.span;
    let width = f.width;
    let ids = f.ids;
    let blackout_top = f.blackout_top;
    let x = |m: Time| f.x(m);
    // ---- lane backgrounds and labels ----
    s.push_str("<g class=\"lanes\">\n");
    for (i, (lane, &top)) in lanes.iter().zip(lane_tops).enumerate() {
        let h = lane.sub_rows as f64 * ROW_H;
        let fill = if i % 2 == 0 { "#f7f7f7" } else { "#ffffff" };
        let _ = writeln!(
            s,
            r##"<rect x="0" y="{}" width="{}" height="{}" fill="{fill}"/>"##,
            coord(top),
            coord(width),
            coord(h)
        );
        let _ = writeln!(
            s,
            r##"<text x="8" y="{}" fill="#000" font-weight="bold">{}</text>"##,
            coord(top + ROW_H / 2.0 + FONT / 2.0 - 1.0),
            html_escape(&truncate(&lane.label, ((LEFT - 12.0) / 7.0) as usize))
        );
        for (iv, why) in &lane.shade {
            if iv.end <= 0 || iv.start >= span {
                continue;
            }
            let _ = writeln!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{ids}{})" stroke="#999" stroke-width="0.5"><title>{}</title></rect>"##,
                coord(x(iv.start)),
                coord(top),
                coord(x(iv.end) - x(iv.start)),
                coord(h),
                lane.shade_fill,
                html_escape(&format!(
                    "{}: {}–{}",
                    why,
                    wall_short(&w.at(iv.start)),
                    wall_short(&w.at(iv.end))
                ))
            );
        }
    }
    for (lane, &top) in lanes.iter().zip(lane_tops) {
        let h = lane.sub_rows as f64 * ROW_H;
        for (iv, why) in &lane.unavailable {
            if iv.end <= 0 || iv.start >= span {
                continue;
            }
            let _ = writeln!(
                s,
                r##"<rect class="unavailable" x="{}" y="{}" width="{}" height="{}" fill="url(#{ids}unavail)" stroke="#666" stroke-width="0.8" stroke-dasharray="3 2"><title>{}</title></rect>"##,
                coord(x(iv.start)),
                coord(top),
                coord(x(iv.end) - x(iv.start)),
                coord(h),
                html_escape(&format!(
                    "{}: {}–{}",
                    why,
                    wall_short(&w.at(iv.start)),
                    wall_short(&w.at(iv.end))
                ))
            );
        }
    }
    for (k, sys) in f.outages.iter().enumerate() {
        let top = blackout_top + (scoped.len() + k) as f64 * ROW_H;
        let label = format!("unavailable: {}", sys.id);
        let _ = writeln!(
            s,
            r##"<text x="8" y="{}" fill="#000" font-style="italic">{}</text>"##,
            coord(top + ROW_H / 2.0 + FONT / 2.0 - 1.0),
            html_escape(&truncate(&label, ((LEFT - 12.0) / CHAR_W) as usize))
        );
        for u in sys
            .unavailable
            .iter()
            .filter(|u| u.interval.end > 0 && u.interval.start < span)
        {
            let _ = writeln!(
                s,
                r##"<rect class="unavailable" x="{}" y="{}" width="{}" height="{}" fill="url(#{ids}unavail)" stroke="#666" stroke-width="0.8" stroke-dasharray="3 2"><title>{}</title></rect>"##,
                coord(x(u.interval.start)),
                coord(top + 3.0),
                coord(x(u.interval.end) - x(u.interval.start)),
                coord(ROW_H - 6.0),
                html_escape(&format!(
                    "{} unavailable ({}): {}–{}",
                    sys.id,
                    u.reason.as_deref().unwrap_or("no reason given"),
                    wall_short(&w.at(u.interval.start)),
                    wall_short(&w.at(u.interval.end))
                ))
            );
        }
    }
    for (k, b) in scoped.iter().enumerate() {
        let top = blackout_top + k as f64 * ROW_H;
        let label = format!("blackout: {}", b.reason.as_deref().unwrap_or("(no reason)"));
        let _ = writeln!(
            s,
            r##"<text x="8" y="{}" fill="#000" font-style="italic">{}</text>"##,
            coord(top + ROW_H / 2.0 + FONT / 2.0 - 1.0),
            html_escape(&truncate(&label, ((LEFT - 12.0) / CHAR_W) as usize))
        );
        if b.interval.end > 0 && b.interval.start < span {
            let _ = writeln!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{ids}blackout)" stroke="#555" stroke-width="0.8"><title>{}</title></rect>"##,
                coord(x(b.interval.start)),
                coord(top + 3.0),
                coord(x(b.interval.end) - x(b.interval.start)),
                coord(ROW_H - 6.0),
                html_escape(&blackout_title(inv, b))
            );
        }
    }
    s.push_str("</g>\n");
}

/// The time axis with wall-clock hour ticks, the window end and the deadline.
fn time_axis(f: &Frame, s: &mut String) {
    let plan = f.plan;
    let w = f.w;
    let span = f.span;
    let px_per_minute = f.px_per_minute;
    let chart_w = f.chart_w;
    let axis_y = f.axis_y;
    let chart_bottom = f.chart_bottom;
    let x = |m: Time| f.x(m);
    // ---- time axis: wall-clock hour ticks ----
    s.push_str("<g class=\"axis\">\n");
    let step = [1i64, 2, 3, 4, 6, 12, 24]
        .into_iter()
        .find(|h| (*h * 60) as f64 * px_per_minute >= 48.0)
        .unwrap_or(24);
    let mut prev_offset = w.at(0).offset();
    let mut first = true;
    for m in 0..=span {
        let z = w.at(m);
        if z.minute() != 0 || z.second() != 0 || i64::from(z.hour()) % step != 0 {
            continue;
        }
        let xm = x(m);
        let mut label = wall_hm(&z);
        if z.offset() != prev_offset {
            label = format!("{label} {}", z.strftime("%Z"));
        }
        prev_offset = z.offset();
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#c8c8c8" stroke-width="0.7"/>"##,
            coord(axis_y),
            coord(chart_bottom),
            x = coord(xm)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#000">{}</text>"##,
            coord(xm),
            coord(axis_y - 4.0),
            html_escape(&label)
        );
        if first || z.hour() == 0 {
            let _ = writeln!(
                s,
                r##"<text x="{}" y="{}" text-anchor="middle" fill="#000" font-size="9">{}</text>"##,
                coord(xm),
                coord(axis_y - 17.0),
                html_escape(&z.strftime("%a %d %b").to_string())
            );
            first = false;
        }
    }
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#000" stroke-width="1"/>"##,
        coord(LEFT),
        coord(axis_y),
        coord(LEFT + chart_w),
        coord(axis_y)
    );
    // Window end and deadline markers.
    let _ = writeln!(
        s,
        r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#000" stroke-width="1.2" stroke-dasharray="6,3"><title>{}</title></line>"##,
        coord(axis_y),
        coord(chart_bottom),
        html_escape(&format!(
            "window end {}",
            wall_short(&w.at(plan.length_minutes))
        )),
        x = coord(x(plan.length_minutes))
    );
    if let Some(d) = w.deadline.filter(|&d| d >= 0 && d <= span) {
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#a61c1c" stroke-width="1.5"><title>{}</title></line>"##,
            coord(axis_y),
            coord(chart_bottom),
            html_escape(&format!("deadline {}", wall_short(&w.at(d)))),
            x = coord(x(d))
        );
    }
    s.push_str("</g>\n");
}

/// Blackouts that cover everything, across every lane.
fn full_blackouts(f: &Frame, s: &mut String) {
    let inv = f.inv;
    let span = f.span;
    let ids = f.ids;
    let tasks_top = f.tasks_top;
    let tasks_bottom = f.tasks_bottom;
    let x = |m: Time| f.x(m);
    // ---- blackouts that cover everything ----
    for b in inv.blackouts.iter().filter(|b| b.covers_everything()) {
        if b.interval.end <= 0 || b.interval.start >= span {
            continue;
        }
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{ids}blackout)" stroke="#555" stroke-width="0.8"><title>{}</title></rect>"##,
            coord(x(b.interval.start)),
            coord(tasks_top),
            coord(x(b.interval.end) - x(b.interval.start)),
            coord(tasks_bottom - tasks_top),
            html_escape(&blackout_title(inv, b))
        );
    }
}

/// Each task's allowed windows, behind its bars; returns where each task's
/// first bar is (x1, x2, centre y), for the arrows.
fn task_windows(f: &Frame, s: &mut String) -> Vec<Option<(f64, f64, f64)>> {
    let w = f.w;
    let rows = &f.rows;
    let lanes = &f.lanes;
    let lane_tops = &f.lane_tops;
    let span = f.span;
    let x = |m: Time| f.x(m);
    // ---- task windows (behind bars) ----
    let mut pos: Vec<Option<(f64, f64, f64)>> = vec![None; rows.len()];
    for (lane, &top) in lanes.iter().zip(lane_tops) {
        for &(ri, sub) in &lane.items {
            let r = &rows[ri];
            let row_top = top + sub as f64 * ROW_H;
            for iv in &r.windows {
                if iv.end <= 0 || iv.start >= span {
                    continue;
                }
                let _ = writeln!(
                    s,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#fff4c2" stroke="#b89600" stroke-width="0.7" stroke-dasharray="2,2"><title>{}</title></rect>"##,
                    coord(x(iv.start)),
                    coord(row_top + 2.0),
                    coord(x(iv.end) - x(iv.start)),
                    coord(ROW_H - 4.0),
                    html_escape(&format!(
                        "allowed window for {}: {}–{}",
                        r.id,
                        wall_short(&w.at(iv.start)),
                        wall_short(&w.at(iv.end))
                    ))
                );
            }
            let cy = row_top + ROW_H / 2.0;
            if pos[ri].is_none() {
                pos[ri] = Some((x(r.start), x(r.end).max(x(r.start) + 2.0), cy));
            }
        }
    }
    pos
}

/// A bar per task and lane, with its hover text and point of no return.
fn task_bars(f: &Frame, s: &mut String, pos: &[Option<(f64, f64, f64)>]) {
    let inv = f.inv;
    let w = f.w;
    let rows = &f.rows;
    let lanes = &f.lanes;
    let lane_tops = &f.lane_tops;
    let outage_fill = &f.outage_fill;
    let x = |m: Time| f.x(m);
    // ---- bars ----
    s.push_str("<g class=\"tasks\">\n");
    for (lane, &top) in lanes.iter().zip(lane_tops) {
        for &(ri, sub) in &lane.items {
            let r = &rows[ri];
            let row_top = top + sub as f64 * ROW_H;
            let x1 = x(r.start);
            let x2 = x(r.end).max(x1 + 2.0);
            let by = row_top + (ROW_H - BAR_H) / 2.0;
            let (fill, stroke) = match r.outage {
                Some(false) => ("#d6e6f5", "#2b5d8a"),
                Some(true) => (outage_fill.as_str(), "#8a2b1f"),
                None => ("#e6e6e6", "#555555"),
            };
            let (stroke, sw) = if r.critical {
                ("#000000", "2.5")
            } else {
                (stroke, "1")
            };
            let _ = writeln!(
                s,
                r##"<g class="task{}" tabindex="0"><title>{}</title><rect x="{}" y="{}" width="{}" height="{BAR_H}" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>"##,
                if r.critical { " critical" } else { "" },
                html_escape(&bar_title(inv, r)),
                coord(x1),
                coord(by),
                coord(x2 - x1)
            );
            // Format 1.1: the steps of a member are segments of one bar,
            // each labelled with its step id when that fits inside.
            let room = x2 - x1 - 6.0;
            let label = bar_label(r, room);
            let place = label_place(r, &label, x1, x2, f.width);
            let anchor_inside = place == LabelPlace::Inside;
            let shown = r.step.is_none() || anchor_inside;
            let lx = match place {
                LabelPlace::Inside => x1 + 3.0,
                LabelPlace::After => x2 + 3.0,
                LabelPlace::Before => x1 - 3.0,
            };
            if shown {
                let _ = write!(
                    s,
                    r##"<text x="{}" y="{}" fill="#000"{}{}>{}</text>"##,
                    coord(lx),
                    coord(by + BAR_H / 2.0 + FONT / 2.0 - 1.5),
                    if place == LabelPlace::Before {
                        " text-anchor=\"end\""
                    } else {
                        ""
                    },
                    if r.critical {
                        " font-weight=\"bold\""
                    } else if anchor_inside {
                        ""
                    } else {
                        " font-style=\"italic\""
                    },
                    html_escape(&label)
                );
            }
            if let Some(unit) = unit_label(rows, ri) {
                // After the unit's last step, or before its last step when
                // that runs past the chart's right edge.
                let uw = label_width(&unit);
                let (ux, anchor) = if x2 + 3.0 + uw <= f.width - 2.0 {
                    (x2 + 3.0, "")
                } else {
                    (x1 - 3.0, " text-anchor=\"end\"")
                };
                let _ = write!(
                    s,
                    r##"<text class="unit" x="{}" y="{}" fill="#000" font-style="italic"{anchor}>{}</text>"##,
                    coord(ux),
                    coord(by + BAR_H / 2.0 + FONT / 2.0 - 1.5),
                    html_escape(&unit)
                );
            }
            own_arrows(f, s, pos, ri);
            s.push_str("</g>\n");
            if let Some(pnr) = r.point_of_no_return(w.deadline) {
                s.push_str(&pnr_mark(inv, r, pnr, x(pnr), row_top));
            }
        }
    }
    s.push_str("</g>\n");
}

/// One dependency arrow between the first bars of two rows.
fn arrow(
    f: &Frame,
    s: &mut String,
    pos: &[Option<(f64, f64, f64)>],
    pi: usize,
    si: usize,
    class: &str,
) {
    let (Some((_, px2, py)), Some((sx1, _, sy))) = (pos[pi], pos[si]) else {
        return;
    };
    let crit = class.is_empty();
    let bend = 14.0;
    let _ = writeln!(
        s,
        r##"<path{class} d="M{} {} C{} {} {} {} {} {}" stroke="{}" stroke-width="{}" marker-end="url(#{})"><title>{}</title></path>"##,
        coord(px2),
        coord(py),
        coord(px2 + bend),
        coord(py),
        coord(sx1 - bend),
        coord(sy),
        coord(sx1 - 1.0),
        coord(sy),
        if crit { "#000000" } else { "#666666" },
        if crit { "1.6" } else { "0.9" },
        if crit {
            format!("{}arrow-crit", f.ids)
        } else {
            format!("{}arrow", f.ids)
        },
        html_escape(&format!("{} after {}", f.rows[si].id, f.rows[pi].id))
    );
}

/// The arrows of row `ri` that are not on the critical chain, inside its
/// bar's group: shown only while the bar is hovered or selected (focused).
fn own_arrows(f: &Frame, s: &mut String, pos: &[Option<(f64, f64, f64)>], ri: usize) {
    let rows = &f.rows;
    let r = &rows[ri];
    for p in &r.after {
        if let Some(pi) = rows.iter().position(|x| &x.id == p) {
            if !(rows[pi].critical && r.critical) {
                arrow(f, s, pos, pi, ri, r#" class="dep-own""#);
            }
        }
    }
    for (si, x) in rows.iter().enumerate() {
        if x.after.contains(&r.id) && !(x.critical && r.critical) {
            arrow(f, s, pos, ri, si, r#" class="dep-own""#);
        }
    }
}

/// The arrows of the critical chain (both ends critical); every other
/// arrow belongs to its tasks' bars (see [`own_arrows`]).
fn dependency_arrows(f: &Frame, s: &mut String, pos: &[Option<(f64, f64, f64)>]) {
    let rows = &f.rows;
    s.push_str("<g class=\"deps\" fill=\"none\">\n");
    for (si, r) in rows.iter().enumerate() {
        for p in &r.after {
            let Some(pi) = rows.iter().position(|x| &x.id == p) else {
                continue;
            };
            if rows[pi].critical && r.critical {
                arrow(f, s, pos, pi, si, "");
            }
        }
    }
    s.push_str("</g>\n");
}

/// A lane per service with its down intervals.
fn service_lanes(f: &Frame, s: &mut String) {
    let plan = f.plan;
    let w = f.w;
    let span = f.span;
    let width = f.width;
    let services_top = f.services_top;
    let x = |m: Time| f.x(m);
    // ---- service downtime lanes ----
    s.push_str("<g class=\"services\">\n");
    if !plan.services.is_empty() {
        let _ = writeln!(
            s,
            r##"<line x1="0" y1="{y}" x2="{}" y2="{y}" stroke="#000" stroke-width="0.8"/>"##,
            coord(width),
            y = coord(services_top - 4.0)
        );
    }
    for (k, sd) in plan.services.iter().enumerate() {
        let top = services_top + k as f64 * ROW_H;
        let label = format!("{} (down {})", sd.id, fmt_minutes(sd.downtime_minutes));
        let _ = writeln!(
            s,
            r##"<text x="8" y="{}" fill="#000">{}</text>"##,
            coord(top + ROW_H / 2.0 + FONT / 2.0 - 1.0),
            html_escape(&truncate(&label, ((LEFT - 12.0) / CHAR_W) as usize))
        );
        for [a, b] in &sd.intervals {
            let (a, b) = (*a, *b);
            if b <= 0 || a >= span {
                continue;
            }
            let _ = writeln!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#f4b6b6" stroke="#a61c1c" stroke-width="1"><title>{}</title></rect>"##,
                coord(x(a)),
                coord(top + 5.0),
                coord((x(b) - x(a)).max(1.0)),
                coord(ROW_H - 10.0),
                html_escape(&format!(
                    "{} down {}–{} ({})",
                    sd.id,
                    wall_short(&w.at(a)),
                    wall_short(&w.at(b)),
                    fmt_minutes(b - a)
                ))
            );
        }
    }
    s.push_str("</g>\n");
}

/// The legend: only what the chart shows.
fn legend(f: &Frame, s: &mut String) {
    let inv = f.inv;
    let plan = f.plan;
    let w = f.w;
    let critical = f.critical;
    let opts = f.opts;
    let rows = &f.rows;
    let ids = f.ids;
    let outage_fill = &f.outage_fill;
    let legend_y = f.legend_y;
    // ---- legend ----
    s.push_str("<g class=\"legend\">\n");
    let (blackout_fill, unavail_fill) = (
        format!("url(#{ids}blackout)"),
        format!("url(#{ids}unavail)"),
    );
    let items: [(&str, &str, &str, &str); 8] = [
        (outage_fill, "#8a2b1f", "1", "outage task"),
        ("#d6e6f5", "#2b5d8a", "1", "online change"),
        ("#ffffff", "#000000", "2.5", "critical chain"),
        (&blackout_fill, "#555", "0.8", "blackout"),
        (&unavail_fill, "#999", "0.5", "team unavailable"),
        ("#fff4c2", "#b89600", "0.7", "allowed window"),
        ("#f4b6b6", "#a61c1c", "1", "service down"),
        ("#a61c1c", "#a61c1c", "1", "point of no return"),
    ];
    let mut lx = 10.0;
    let has_windows = rows.iter().any(|r| !r.windows.is_empty());
    for (fill, stroke, sw, label) in items {
        let shown = match label {
            "team unavailable" => {
                opts.lanes == Lanes::Team && inv.teams.iter().any(|t| t.available.is_some())
            }
            "blackout" => !inv.blackouts.is_empty(),
            "allowed window" => has_windows,
            "service down" => !plan.services.is_empty(),
            "critical chain" => !critical.is_empty(),
            "point of no return" => rows
                .iter()
                .any(|r| r.point_of_no_return(w.deadline).is_some()),
            _ => true,
        };
        if !shown {
            continue;
        }
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="18" height="12" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/><text x="{}" y="{}" fill="#000">{}</text>"##,
            coord(lx),
            coord(legend_y - 10.0),
            coord(lx + 23.0),
            coord(legend_y),
            html_escape(label)
        );
        lx += 23.0 + label_width(label) + 18.0;
    }
    s.push_str("</g>\n");
}

/// The root element, title, patterns, background and the header lines.
fn header(f: &Frame, s: &mut String) {
    let plan = f.plan;
    let w = f.w;
    let opts = f.opts;
    let width = f.width;
    let height = f.height;
    let ids = f.ids;
    let title_y = f.title_y;
    let sub_y = f.sub_y;
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="sans-serif" font-size="{FONT}" role="img">"##,
        coord(width),
        coord(height),
        coord(width),
        coord(height)
    );
    let _ = writeln!(
        s,
        "<title>{}</title>",
        html_escape(&format!(
            "Maintenance window {} – {}",
            wall_long(&w.at(0)),
            wall_long(&w.at(plan.length_minutes))
        ))
    );
    // Ids differ per lane kind, so that both charts can share one page.
    s.push_str(&DEFS.replace("id=\"wp-", &format!("id=\"{ids}")));
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        coord(width),
        coord(height)
    );

    // ---- header ----
    let _ = writeln!(
        s,
        r##"<text x="10" y="{title_y}" font-size="15" font-weight="bold" fill="#000">{}</text>"##,
        html_escape(&format!(
            "Maintenance window {} – {}",
            wall_long(&w.at(0)),
            wall_short(&w.at(plan.length_minutes))
        ))
    );
    let mut sub = format!(
        "length {} · lower bound {} · {} · lanes per {}",
        fmt_minutes(plan.length_minutes),
        fmt_minutes(plan.lower_bound_minutes),
        plan.status,
        match opts.lanes {
            Lanes::Team => "team",
            Lanes::System => "system",
        }
    );
    if let Some(d) = w.deadline {
        let _ = write!(
            sub,
            " · deadline {} ({} {})",
            wall_short(&w.at(d)),
            if d >= plan.length_minutes {
                "margin"
            } else {
                "OVER by"
            },
            fmt_minutes((d - plan.length_minutes).abs())
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="10" y="{sub_y}" fill="#000">{}</text>"##,
        html_escape(&sub)
    );
}

/// The prefix of the chart's pattern and marker ids.
fn id_prefix(lanes: Lanes) -> &'static str {
    match lanes {
        Lanes::Team => "wp-",
        Lanes::System => "wps-",
    }
}

const DEFS: &str = r##"<defs>
<style>.dep-own{visibility:hidden;fill:none}.task:hover .dep-own,.task:focus .dep-own{visibility:visible}.task:focus{outline:none}</style>
<pattern id="wp-outage" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f8d0c8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c0504d" stroke-width="1.5"/></pattern>
<pattern id="wp-blackout" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="#e4e4e4" fill-opacity="0.6"/><line x1="0" y1="0" x2="0" y2="8" stroke="#777" stroke-width="1.2"/></pattern>
<pattern id="wp-unavail" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="#eeeeee" fill-opacity="0.7"/><line x1="0" y1="0" x2="0" y2="8" stroke="#bbb" stroke-width="1"/></pattern>
<marker id="wp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#666666"/></marker>
<marker id="wp-arrow-crit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#000000"/></marker>
</defs>
"##;

fn new_lane(label: String, rows: Vec<usize>, shade: Vec<(Interval, String)>) -> Lane {
    Lane {
        label,
        items: rows.into_iter().map(|r| (r, 0)).collect(),
        sub_rows: 1,
        shade,
        shade_fill: "unavail",
        unavailable: Vec::new(),
    }
}

/// Puts each task of a lane on the first sub-row where neither its bar nor
/// its label (drawn after the bar when it does not fit inside) overlaps.
fn pack(lane: &mut Lane, rows: &[TaskRow], x: &dyn Fn(Time) -> f64, width: f64) {
    let mut ends: Vec<f64> = Vec::new();
    for item in &mut lane.items {
        let r = &rows[item.0];
        let x1 = x(r.start);
        let x2 = x(r.end).max(x1 + 2.0);
        let label = bar_label(r, x2 - x1 - 6.0);
        let lw = label_width(&label);
        // A step's label is drawn only inside its segment; another label
        // that does not fit goes after the bar, or before it at the end of
        // the chart.
        let (from, mut extent) = match label_place(r, &label, x1, x2, width) {
            LabelPlace::Inside => (x1, x2),
            LabelPlace::After => (x1, x2 + 3.0 + lw),
            LabelPlace::Before => (x1 - 3.0 - lw, x2),
        };
        if let Some(unit) = unit_label(rows, item.0) {
            extent = extent.max((x2 + 3.0 + label_width(&unit)).min(width));
        }
        let slot = ends.iter().position(|&e| e <= from + 0.01);
        let sub = match slot {
            Some(k) => k,
            None => {
                ends.push(f64::MIN);
                ends.len() - 1
            }
        };
        ends[sub] = extent + 2.0;
        item.1 = sub;
    }
    lane.sub_rows = ends.len().max(1);
}

/// The label of the whole unit a step row ends (`<task>` or
/// `<task>@<member>`), when it is the last step of its unit: drawn after
/// the unit's last bar, so that every unit is named even when its step
/// segments are too narrow for more than `.<step>`.
fn unit_label(rows: &[TaskRow], ri: usize) -> Option<String> {
    let r = &rows[ri];
    r.step.as_ref()?;
    let next = rows.iter().any(|o| {
        o.step.is_some()
            && o.parent == r.parent
            && o.member == r.member
            && o.start == r.end
            && o.id != r.id
    });
    if next {
        return None;
    }
    Some(match &r.member {
        Some(m) => format!("{}@{m}", r.parent),
        None => r.parent.clone(),
    })
}

/// Where a bar's label is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelPlace {
    Inside,
    After,
    Before,
}

/// The label of a bar with `room` pixels inside it: the task id; for a
/// step, the longest of `<task>.<step>@<member>`, `<task>.<step>` and
/// `.<step>` that fits inside (a step's label is drawn only inside).
fn bar_label(r: &TaskRow, room: f64) -> String {
    let Some(step) = &r.step else {
        return r.id.clone();
    };
    let named = format!("{}.{step}", r.parent);
    [r.id.clone(), named, format!(".{step}")]
        .into_iter()
        .find(|l| label_width(l) <= room)
        .unwrap_or_else(|| format!(".{step}"))
}

/// Inside the bar when it fits; else after it, unless that runs past the
/// chart's right edge (`width`), then before it.
fn label_place(r: &TaskRow, label: &str, x1: f64, x2: f64, width: f64) -> LabelPlace {
    let lw = label_width(label);
    if r.step.is_some() || x2 - x1 >= lw + 6.0 {
        LabelPlace::Inside
    } else if x2 + 3.0 + lw <= width - 2.0 || x1 - 3.0 - lw < LEFT {
        LabelPlace::After
    } else {
        LabelPlace::Before
    }
}

fn label_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_W
}

/// `[0, span)` minus the given sorted intervals.
fn complement(av: &[Interval], span: Time) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut t = 0;
    for iv in av {
        if iv.start > t {
            out.push(Interval::new(t, iv.start.min(span)));
        }
        t = t.max(iv.end);
    }
    if t < span {
        out.push(Interval::new(t, span));
    }
    out.retain(|i| !i.is_empty());
    out
}

fn blackout_title(inv: &Inventory, b: &Blackout) -> String {
    format!(
        "blackout {}–{}: {} ({})",
        wall_short(&inv.window.at(b.interval.start)),
        wall_short(&inv.window.at(b.interval.end)),
        b.reason.as_deref().unwrap_or("no reason given"),
        super::markdown::blackout_scope(inv, b)
    )
}

fn bar_title(inv: &Inventory, r: &TaskRow) -> String {
    let w = &inv.window;
    let mut t = format!(
        "{}\nsystems: {}\nteam: {}\n{} – {} ({})\n{}",
        r.id,
        if r.systems.is_empty() {
            "(none)".to_string()
        } else {
            r.systems.join(", ")
        },
        if r.teams.is_empty() {
            "(none)".to_string()
        } else {
            r.team_labels().join(", ")
        },
        wall_short(&w.at(r.start)),
        wall_short(&w.at(r.end)),
        fmt_minutes(r.duration()),
        match r.outage {
            Some(true) => "outage: systems down",
            Some(false) => "online change",
            None => "not in the inventory",
        }
    );
    if !r.after.is_empty() {
        let _ = write!(t, "\nafter: {}", r.after_labels().join(", "));
    }
    if r.critical {
        t.push_str("\non the critical chain");
    }
    if let Some(b) = r.backout {
        let _ = write!(t, "\nbackout {}", fmt_minutes(b));
        if let Some(pnr) = r.point_of_no_return(w.deadline) {
            let _ = write!(t, "; {}", pnr_words(inv, r, pnr));
        }
    }
    for (label, text) in r.meta.given() {
        let _ = write!(t, "\n{label}: {text}");
    }
    t
}

/// A task's point of no return on its row: a red tick across the row with
/// a flag on top, and the times in its hover text.
fn pnr_mark(inv: &Inventory, r: &TaskRow, pnr: Time, xp: f64, row_top: f64) -> String {
    format!(
        r##"<g class="pnr" data-task="{}"><title>{}</title><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#a61c1c" stroke-width="1.5" stroke-dasharray="3,2"/><path d="M{} {} L{} {} L{x} {} z" fill="#a61c1c"/></g>
"##,
        html_escape(&r.id),
        html_escape(&pnr_words(inv, r, pnr)),
        coord(row_top + 1.0),
        coord(row_top + ROW_H - 1.0),
        coord(xp - 4.0),
        coord(row_top + 1.0),
        coord(xp + 4.0),
        coord(row_top + 1.0),
        coord(row_top + 6.0),
        x = coord(xp)
    )
}

/// E.g. "point of no return for upgrade: 23:15 (deadline 00:00 − backout
/// 45m); it ends 23:00, 15m to spare".
pub(super) fn pnr_words(inv: &Inventory, r: &TaskRow, pnr: Time) -> String {
    let w = &inv.window;
    let verdict = if r.end <= pnr {
        format!("{} to spare", fmt_minutes(pnr - r.end))
    } else {
        format!("{} after it", fmt_minutes(r.end - pnr))
    };
    format!(
        "point of no return for {}: {} (deadline {} − backout {}); it ends {}, {verdict}",
        r.id,
        wall_short(&w.at(pnr)),
        wall_short(&w.at(w.deadline.unwrap_or(pnr))),
        fmt_minutes(r.backout.unwrap_or(0)),
        wall_short(&w.at(r.end))
    )
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A coordinate with at most one decimal.
fn coord(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complement_of_availability() {
        let av = [Interval::new(60, 120), Interval::new(200, 300)];
        assert_eq!(
            complement(&av, 250),
            vec![Interval::new(0, 60), Interval::new(120, 200)]
        );
        assert_eq!(complement(&[], 10), vec![Interval::new(0, 10)]);
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(
            html_escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }

    #[test]
    fn coordinates() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.345), "12.3");
    }
}
