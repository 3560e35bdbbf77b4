//! iCalendar (RFC 5545) export: one VEVENT per task, times in the window's
//! timezone with a VTIMEZONE built from the tz database transitions around
//! the window, so a change calendar shows the plan in local time.
//!
//! Everything is derived from the inventory and the plan, never from the
//! clock: DTSTAMP is the window start, and each UID is built from the task id
//! and the window start date only, so importing a re-plan of the same window
//! updates the events instead of duplicating them.

use super::csv::{task_rows, TaskRow};
use super::fmt_minutes;
use crate::inventory::Inventory;
use crate::plan::Plan;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// Product identifier written as PRODID.
pub const PRODID: &str = "-//windowplan//windowplan maintenance plan//EN";

/// Renders the plan as an iCalendar file (CRLF line ends, lines folded at 75
/// octets). Tasks in `critical` say so in their description.
pub fn render(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    let start = &inv.window.start;
    let tzid = inv.window.timezone.as_str();
    let date = start.strftime("%Y%m%d").to_string();
    let dtstamp = utc_stamp(start.timestamp());
    let rows = task_rows(inv, plan, critical);
    let last = rows
        .iter()
        .map(|r| r.end)
        .max()
        .unwrap_or(0)
        .max(plan.length_minutes);

    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        format!("PRODID:{PRODID}"),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!(
            "X-WR-CALNAME:{}",
            escape_text(&format!(
                "Maintenance window {}",
                start.strftime("%Y-%m-%d %H:%M")
            ))
        ),
        format!("X-WR-TIMEZONE:{}", escape_text(tzid)),
    ];
    lines.extend(vtimezone(
        tzid,
        start.time_zone(),
        start.timestamp(),
        inv.window.at(last).timestamp(),
    ));
    for row in &rows {
        lines.extend(vevent(inv, row, tzid, &date, &dtstamp));
    }
    lines.push("END:VCALENDAR".into());

    let mut out = String::new();
    for l in &lines {
        fold_into(&mut out, l);
    }
    out
}

fn vevent(inv: &Inventory, row: &TaskRow, tzid: &str, date: &str, dtstamp: &str) -> Vec<String> {
    let start = inv.window.at(row.start);
    let end = inv.window.at(row.end);
    let systems = if row.systems.is_empty() {
        "(no system)".to_string()
    } else {
        row.systems.join(", ")
    };
    let teams = row.team_labels();
    let mut desc = vec![
        format!(
            "Team: {}",
            if teams.is_empty() {
                "(none)".to_string()
            } else {
                teams.join(", ")
            }
        ),
        format!("Systems: {systems}"),
        format!(
            "Outage: {}",
            match row.outage {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            }
        ),
        format!(
            "After: {}",
            if row.after.is_empty() {
                "(none)".to_string()
            } else {
                row.after_labels().join(", ")
            }
        ),
        format!(
            "Minutes: {}-{} ({})",
            row.start,
            row.end,
            fmt_minutes(row.duration())
        ),
    ];
    if row.critical {
        desc.push("On the critical chain".into());
    }
    let mut v = vec![
        "BEGIN:VEVENT".into(),
        format!(
            "UID:{}",
            escape_text(&format!("{}@{}.windowplan", row.id, date))
        ),
        format!("DTSTAMP:{dtstamp}"),
        date_prop("DTSTART", &start, tzid),
        date_prop("DTEND", &end, tzid),
        format!(
            "SUMMARY:{}",
            escape_text(&format!("{} on {}", row.id, systems))
        ),
        format!("DESCRIPTION:{}", escape_text(&desc.join("\n"))),
    ];
    if !teams.is_empty() {
        let cats: Vec<String> = row.teams.iter().map(|(t, _)| escape_text(t)).collect();
        v.push(format!("CATEGORIES:{}", cats.join(",")));
    }
    v.push("TRANSP:OPAQUE".into());
    v.push("STATUS:CONFIRMED".into());
    v.push("END:VEVENT".into());
    v
}

/// `NAME;TZID=zone:YYYYMMDDTHHMMSS`, or UTC form when the local time is
/// the second occurrence of an ambiguous (repeated) wall-clock time, which a
/// TZID local time cannot express (RFC 5545 takes the first occurrence).
fn date_prop(name: &str, z: &ZonedDateTime, tzid: &str) -> String {
    let local = z.strftime("%Y%m%dT%H%M%S").to_string();
    let first = z
        .time_zone()
        .to_ambiguous_timestamp(z.datetime())
        .compatible()
        .ok();
    if first == Some(z.timestamp()) {
        format!("{name};TZID={}:{local}", param_value(tzid))
    } else {
        format!("{name}:{}", utc_stamp(z.timestamp()))
    }
}

/// A parameter value, quoted when it holds `:`, `;` or `,`.
fn param_value(v: &str) -> String {
    let v = v.replace('"', "");
    if v.contains([':', ';', ',']) {
        format!("\"{v}\"")
    } else {
        v
    }
}

fn utc_stamp(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// VTIMEZONE with one STANDARD/DAYLIGHT component per transition that
/// matters: the one in force at the window start, every one up to the end,
/// and the next one after the start (so both kinds usually appear).
fn vtimezone(tzid: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) -> Vec<String> {
    let mut v = vec![
        "BEGIN:VTIMEZONE".into(),
        format!("TZID:{}", escape_text(tzid)),
    ];
    let mut comps: Vec<(Timestamp, jiff::tz::Offset, jiff::tz::Offset, bool, String)> = Vec::new();
    // The transition in force at `from` (the first preceding one at or before it).
    let in_force = tz
        .preceding(
            from.checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap_or(from),
        )
        .next();
    match in_force {
        Some(t) => {
            let before = tz
                .preceding(t.timestamp())
                .next()
                .map(|p| p.offset())
                .unwrap_or(t.offset());
            comps.push((
                t.timestamp(),
                before,
                t.offset(),
                t.dst().is_dst(),
                t.abbreviation().to_string(),
            ));
        }
        None => {
            let info = tz.to_offset_info(from);
            comps.push((
                Timestamp::UNIX_EPOCH,
                info.offset(),
                info.offset(),
                info.dst().is_dst(),
                info.abbreviation().to_string(),
            ));
        }
    }
    let mut prev = comps[0].2;
    for (i, t) in tz.following(from).enumerate() {
        if i > 0 && t.timestamp() > to {
            break;
        }
        comps.push((
            t.timestamp(),
            prev,
            t.offset(),
            t.dst().is_dst(),
            t.abbreviation().to_string(),
        ));
        prev = t.offset();
        if i > 64 {
            break;
        }
    }
    for (at, off_from, off_to, dst, abbr) in comps {
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        // DTSTART is the onset in the local time before the transition.
        let onset = off_from.to_datetime(at);
        v.push(format!("BEGIN:{kind}"));
        v.push(format!("DTSTART:{}", onset.strftime("%Y%m%dT%H%M%S")));
        v.push(format!("TZOFFSETFROM:{}", ical_offset(off_from)));
        v.push(format!("TZOFFSETTO:{}", ical_offset(off_to)));
        if !abbr.is_empty() {
            v.push(format!("TZNAME:{}", escape_text(&abbr)));
        }
        v.push(format!("END:{kind}"));
    }
    v.push("END:VTIMEZONE".into());
    v
}

/// `-0500`, `+0530`, `+051036` (seconds only when not whole minutes).
fn ical_offset(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, (a / 60) % 60, a % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// RFC 5545 TEXT escaping: backslash, `;`, `,` and newlines.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (continuations start with a
/// space), never splitting a UTF-8 character, ending in CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn folding_at_75_octets() {
        let line = format!("DESCRIPTION:{}", "é".repeat(80));
        let mut out = String::new();
        fold_into(&mut out, &line);
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn offsets() {
        assert_eq!(ical_offset(jiff::tz::offset(-5)), "-0500");
        assert_eq!(
            ical_offset(jiff::tz::Offset::from_seconds(19800).unwrap()),
            "+0530"
        );
    }
}
