//! A terminal table of a plan: one row per task sorted by start, then
//! summary lines (window length, bounds, status, deadline, service downtime).

use std::fmt::Write as _;

use crate::base::fmt_minutes;
use crate::base::Time;
use crate::graph::TaskGraph;
use crate::inventory::Inventory;
use crate::plan::Plan;

/// Wall-clock formatting of window minutes: `HH:MM`, with the date when the
/// window crosses midnight, the year when it crosses a new year, and the
/// zone's abbreviation (`BST`, `GMT`) when it crosses a wall change, so
/// that a repeated hour reads in order.
struct WallTimes<'a> {
    window: &'a crate::inventory::Window,
    crosses: bool,
    years: bool,
    zones: bool,
}

impl<'a> WallTimes<'a> {
    /// The wall for a window of `length` minutes.
    fn new(window: &'a crate::inventory::Window, length: Time) -> WallTimes<'a> {
        let (a, b) = (window.at(0), window.at(length.max(0)));
        WallTimes {
            window,
            crosses: a.date() != b.date(),
            years: a.year() != b.year(),
            zones: a.offset() != b.offset(),
        }
    }

    /// Formats minute `m` from the window start.
    fn at(&self, m: Time) -> String {
        let z = self.window.at(m);
        let mut f = if self.years {
            "%Y-%m-%d %H:%M".to_string()
        } else if self.crosses {
            "%b %d %H:%M".to_string()
        } else {
            "%H:%M".to_string()
        };
        if self.zones {
            f.push_str(" %Z");
        }
        z.strftime(&f).to_string()
    }
}

/// Renders the plan as a table with summary lines. Times are wall-clock in
/// the window's timezone, `HH:MM`, with the date (`Dec 06 01:10`) when the
/// window crosses midnight, the year when it crosses a new year, and the
/// zone (`01:00 BST`, `01:00 GMT`) when it crosses a clock change.
pub fn render(inv: &Inventory, plan: &Plan) -> String {
    let w = &inv.window;
    let length = plan.length_minutes;
    let wall = WallTimes::new(w, length);
    let rows = task_rows(plan, &wall);
    let mut s = String::new();
    // Format 1.1: the window's title and change record at the top.
    for (k, v) in inv.window.meta.given() {
        let _ = writeln!(s, "{k:<16}{v}");
    }
    if !inv.window.meta.given().is_empty() {
        s.push('\n');
    }
    write_rows(&mut s, &rows);
    s.push('\n');
    write_summary(&mut s, inv, plan, &wall);
    write_services(&mut s, plan, &wall);
    s.push_str(&super::schema_changes::table_lines(inv, plan));
    s
}

/// The table's rows in display order, with a heading row before each group
/// of format 1.1 steps.
fn task_rows(plan: &Plan, wall: &WallTimes) -> Vec<[String; 5]> {
    let fmt_t = |m: Time| wall.at(m);
    let mut rows: Vec<[String; 5]> = Vec::with_capacity(plan.tasks.len());
    let (order, heads) = grouped_order(plan);
    for i in order {
        let t = &plan.tasks[i];
        if let Some(&(s, e, ref label)) = heads.get(&i) {
            rows.push([
                fmt_t(s),
                fmt_t(e),
                label.clone(),
                String::new(),
                String::new(),
            ]);
        }
        let id = match &t.detail.step {
            Some(step) => format!("  .{step}"),
            None => t.id.clone(),
        };
        rows.push([
            fmt_t(t.start_minute),
            fmt_t(t.end_minute),
            id,
            t.system.clone().unwrap_or_else(|| "-".into()),
            t.team.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    rows
}

/// Writes the header, the rule and the rows, columns padded to their widest
/// cell.
fn write_rows(s: &mut String, rows: &[[String; 5]]) {
    let header = ["START", "END", "TASK", "SYSTEM", "TEAM"];
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate() {
            width[k] = width[k].max(c.chars().count());
        }
    }
    let line = |s: &mut String, cells: &[&str]| {
        let mut l = String::new();
        for (k, c) in cells.iter().enumerate() {
            if k + 1 == cells.len() {
                l.push_str(c);
            } else {
                let pad = width[k] - c.chars().count();
                let _ = write!(l, "{c}{}  ", " ".repeat(pad));
            }
        }
        s.push_str(l.trim_end());
        s.push('\n');
    };
    line(s, &header);
    let rule: Vec<String> = width.iter().map(|&n| "-".repeat(n)).collect();
    line(s, &rule.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    for r in rows {
        line(s, &r.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    }
}

/// Writes one summary line: the label padded to 16 columns, then the value.
fn label(s: &mut String, k: &str, v: String) {
    let _ = writeln!(s, "{k:<16}{v}");
}

/// Writes the summary lines: window length, critical path, lower bound,
/// status and deadline.
fn write_summary(s: &mut String, inv: &Inventory, plan: &Plan, wall: &WallTimes) {
    let fmt_t = |m: Time| wall.at(m);
    let length = plan.length_minutes;
    label(
        s,
        "window length",
        format!("{} ({}–{})", fmt_minutes(length), fmt_t(0), fmt_t(length)),
    );
    let cp = match TaskGraph::new(inv).cpm() {
        Ok(c) => format!("{} (precedences alone)", fmt_minutes(c.length)),
        Err(_) => "none: the precedences form a cycle".to_string(),
    };
    label(s, "critical path", cp);
    label(s, "lower bound", fmt_minutes(plan.lower_bound_minutes));
    let status = if plan.status == "optimal" {
        "optimal (proven: no plan is shorter)".to_string()
    } else {
        let gap = length - plan.lower_bound_minutes;
        format!(
            "{} (at most {} longer than the best possible)",
            plan.status,
            fmt_minutes(gap.max(0))
        )
    };
    label(s, "status", status);
    let deadline = match inv.window.deadline {
        None => "none".to_string(),
        Some(d) if length <= d => {
            format!("met at {}, {} to spare", fmt_t(d), fmt_minutes(d - length))
        }
        Some(d) => format!(
            "MISSED: the plan ends {} after {}",
            fmt_minutes(length - d),
            fmt_t(d)
        ),
    };
    label(s, "deadline", deadline);
}

/// Writes the service downtime lines, or `downtime  no services listed`.
fn write_services(s: &mut String, plan: &Plan, wall: &WallTimes) {
    let fmt_t = |m: Time| wall.at(m);
    if plan.services.is_empty() {
        label(s, "downtime", "no services listed".into());
        return;
    }
    s.push_str("service downtime\n");
    let idw = plan
        .services
        .iter()
        .map(|x| x.id.chars().count())
        .max()
        .unwrap_or(0);
    for svc in &plan.services {
        let spans: Vec<String> = svc
            .intervals
            .iter()
            .map(|&[a, b]| format!("{}–{}", fmt_t(a), fmt_t(b)))
            .collect();
        let tail = if spans.is_empty() {
            String::new()
        } else {
            format!("  ({})", spans.join(", "))
        };
        let _ = writeln!(
            s,
            "  {:<idw$}  {}{}",
            svc.id,
            fmt_minutes(svc.downtime_minutes),
            tail
        );
        if svc.unavailable_minutes > 0 {
            let spans: Vec<String> = svc
                .unavailable_intervals
                .iter()
                .map(|&[a, b]| format!("{}–{}", fmt_t(a), fmt_t(b)))
                .collect();
            let _ = writeln!(
                s,
                "  {:<idw$}  + {} unavailable, {} ({})",
                "",
                fmt_minutes(svc.unavailable_minutes),
                super::rows::NOT_CAUSED_BY_THE_PLAN,
                spans.join(", ")
            );
        }
    }
}

/// Heading rows of step groups: (start, end, `task@member`) by the index
/// of the group's first step.
pub(crate) type Headings = std::collections::HashMap<usize, (Time, Time, String)>;

/// Plan task indices in display order: by start and end, except that the
/// steps of one task on one member (format 1.1) stay together, after a
/// heading row (span of the sequence, `task@member`) keyed by the first
/// step's index.
pub(crate) fn grouped_order(plan: &Plan) -> (Vec<usize>, Headings) {
    use std::collections::HashMap;
    let group = |i: usize| {
        let d = &plan.tasks[i].detail;
        d.step.as_ref().map(|_| {
            let task = d.task.clone().unwrap_or_default();
            match &d.member {
                Some(m) => format!("{task}@{m}"),
                None => task,
            }
        })
    };
    let mut span: HashMap<String, (Time, Time)> = HashMap::new();
    for i in 0..plan.tasks.len() {
        if let Some(g) = group(i) {
            let t = &plan.tasks[i];
            let e = span.entry(g).or_insert((t.start_minute, t.end_minute));
            *e = (e.0.min(t.start_minute), e.1.max(t.end_minute));
        }
    }
    let mut order: Vec<usize> = (0..plan.tasks.len()).collect();
    order.sort_by_cached_key(|&i| {
        let t = &plan.tasks[i];
        match group(i) {
            Some(g) => {
                let (s, e) = span[&g];
                (s, e, g, t.start_minute)
            }
            None => (t.start_minute, t.end_minute, String::new(), i as Time),
        }
    });
    let mut heads = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for &i in &order {
        if let Some(g) = group(i) {
            if seen.insert(g.clone()) {
                let (s, e) = span[&g];
                heads.insert(i, (s, e, g));
            }
        }
    }
    (order, heads)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;
    use crate::inventory::Component;

    #[test]
    fn table_rendering() {
        let mut b = Builder::new();
        let db = b.system("core-db-a");
        let web = b.system("web-1");
        let dba = b.team("dba", 1);
        let ops = b.team("ops", 1);
        let t0 = b.task("db-schema-v42", &[db], 45);
        let t1 = b.task("patch-web-1", &[web], 30);
        b.needs(t0, dba, 1);
        b.needs(t1, ops, 1);
        b.service("online-banking", 10.0, &[Component::System(db)]);
        b.inv.window.deadline = Some(120);
        let plan = Plan::build(&b.inv, &[60, 0], 90);
        let out = render(&b.inv, &plan);
        let expected = "\
START  END    TASK           SYSTEM     TEAM
-----  -----  -------------  ---------  ----
22:00  22:30  patch-web-1    web-1      ops
23:00  23:45  db-schema-v42  core-db-a  dba

window length   1h45m (22:00–23:45)
critical path   45m (precedences alone)
lower bound     1h30m
status          feasible (at most 15m longer than the best possible)
deadline        met at 00:00, 15m to spare
service downtime
  online-banking  45m  (23:00–23:45)
";
        assert_eq!(out, expected, "\n{out}");
    }

    #[test]
    fn table_across_midnight_shows_dates() {
        let mut b = Builder::new();
        let db = b.system("db");
        b.task("late", &[db], 30);
        b.inv.window.deadline = Some(60);
        let plan = Plan::build(&b.inv, &[150], 180);
        let out = render(&b.inv, &plan);
        assert!(out.contains("Dec 06 00:30  Dec 06 01:00  late"), "{out}");
        assert!(out.contains("status          optimal"), "{out}");
        assert!(
            out.contains("deadline        MISSED: the plan ends 2h after Dec 05 23:00"),
            "{out}"
        );
        assert!(out.contains("downtime        no services listed"), "{out}");
    }
}
