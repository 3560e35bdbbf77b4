//! iCalendar (RFC 5545) export: one VEVENT per task, times in the window's
//! timezone with a VTIMEZONE built from the tz database transitions around
//! the window, so a change calendar shows the plan in local time. A
//! campaign's calendar ([`render_calendar`]) holds every window's events
//! with one VTIMEZONE spanning all of them (every DST change between).
//!
//! DTSTAMP is when the file was made (UTC; [`Options`] lets a caller fix
//! it, e.g. for golden tests). Each UID is built from the task id, the window
//! start and the window's `change` id (or, without one, a hash of the
//! inventory's ids), with a domain part: unique across windows and
//! inventories, and the same on every re-export of the window, so that
//! importing a re-plan updates the events instead of duplicating them.

use super::rows::{task_rows, TaskRow};
use crate::base::fmt_minutes;
use crate::inventory::Inventory;
use crate::plan::Plan;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// Product identifier written as PRODID.
pub const PRODID: &str = "-//windowplan//windowplan maintenance plan//EN";

/// The domain part of every UID.
pub const UID_DOMAIN: &str = "windowplan";

/// How the calendar is stamped.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// DTSTAMP: when the file was made.
    pub dtstamp: Timestamp,
}

/// Renders the plan as an iCalendar file stamped now (see [`render_with`]).
pub fn render(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    render_with(
        inv,
        plan,
        critical,
        &Options {
            dtstamp: Timestamp::now(),
        },
    )
}

/// Renders the plan as an iCalendar file (CRLF line ends, lines folded at 75
/// octets). Tasks in `critical` say so in their description.
pub fn render_with(inv: &Inventory, plan: &Plan, critical: &[String], opts: &Options) -> String {
    let start = &inv.window.start;
    let name = match &inv.window.meta.title {
        Some(t) => format!("{t} {}", start.strftime("%Y-%m-%d %H:%M")),
        None => format!("Maintenance window {}", start.strftime("%Y-%m-%d %H:%M")),
    };
    render_calendar(
        &name,
        &[CalendarWindow {
            inv,
            plan,
            critical,
        }],
        opts,
    )
}

/// One window of a calendar: its inventory, its plan and its critical chain.
#[derive(Debug, Clone, Copy)]
pub struct CalendarWindow<'a> {
    /// The window's inventory (timezone, start, tasks).
    pub inv: &'a Inventory,
    /// The window's plan.
    pub plan: &'a Plan,
    /// The task ids of its critical chain.
    pub critical: &'a [String],
}

/// One iCalendar with the events of every window (a campaign's, or one
/// window's): the calendar header named `name`, one VTIMEZONE per timezone
/// covering every transition from the first window's start to the last
/// event's end, then each window's events. Empty `windows`: a calendar
/// with no timezone and no event.
pub fn render_calendar(name: &str, windows: &[CalendarWindow], opts: &Options) -> String {
    // Whole seconds: DTSTAMP has no fraction.
    let dtstamp =
        utc_stamp(Timestamp::from_second(opts.dtstamp.as_second()).unwrap_or(opts.dtstamp));
    let rows: Vec<Vec<TaskRow>> = windows
        .iter()
        .map(|w| task_rows(w.inv, w.plan, w.critical))
        .collect();
    let mut lines = header(
        name,
        windows.first().map(|w| w.inv.window.timezone.as_str()),
    );
    // Each timezone once, spanning every window written in it.
    let mut zones: Vec<(&str, &TimeZone, Timestamp, Timestamp)> = Vec::new();
    for (w, rows) in windows.iter().zip(&rows) {
        let (from, to) = window_span(w.inv, w.plan, rows);
        let tzid = w.inv.window.timezone.as_str();
        match zones.iter_mut().find(|z| z.0 == tzid) {
            Some(z) => {
                z.2 = z.2.min(from);
                z.3 = z.3.max(to);
            }
            None => zones.push((tzid, w.inv.window.start.time_zone(), from, to)),
        }
    }
    for (tzid, tz, from, to) in zones {
        lines.extend(vtimezone(tzid, tz, from, to));
    }
    for (w, rows) in windows.iter().zip(&rows) {
        let tzid = w.inv.window.timezone.as_str();
        let uid_tail = uid_tail(w.inv);
        for row in rows {
            lines.extend(vevent(w.inv, row, tzid, &uid_tail, &dtstamp));
        }
    }
    lines.push("END:VCALENDAR".into());

    let mut out = String::new();
    for l in &lines {
        fold_into(&mut out, l);
    }
    out
}

/// The calendar's opening lines: product, version, and its name and
/// timezone for the clients that show them.
fn header(name: &str, tzid: Option<&str>) -> Vec<String> {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        format!("PRODID:{PRODID}"),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(name)),
    ];
    if let Some(tzid) = tzid {
        lines.push(format!("X-WR-TIMEZONE:{}", escape_text(tzid)));
    }
    lines
}

/// From the window's start to the end of its last task (or of the plan's
/// length, when later).
fn window_span(inv: &Inventory, plan: &Plan, rows: &[TaskRow]) -> (Timestamp, Timestamp) {
    let last = rows
        .iter()
        .map(|r| r.end)
        .max()
        .unwrap_or(0)
        .max(plan.length_minutes);
    (
        inv.window.start.timestamp(),
        inv.window.at(last).timestamp(),
    )
}

/// What follows the task id in a UID: `.<window start, UTC>.<change id or
/// inventory hash>@<domain>`.
fn uid_tail(inv: &Inventory) -> String {
    let start = inv.window.start.timestamp().strftime("%Y%m%dT%H%MZ");
    let which = match &inv.window.meta.change {
        Some(c) => uid_part(c),
        None => format!("h{:016x}", identity_hash(inv)),
    };
    format!(".{start}.{which}@{UID_DOMAIN}")
}

/// FNV-1a (64 bit) of the inventory's ids: the timezone, systems and tasks.
/// Durations and rules are left out, so an edited and re-planned window
/// keeps its UIDs and a calendar updates its events.
fn identity_hash(inv: &Inventory) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let ids = std::iter::once(inv.window.timezone.as_str())
        .chain(inv.systems.iter().map(|s| s.id.as_str()))
        .chain(inv.tasks.iter().map(|t| t.id.as_str()));
    for id in ids {
        // A separator byte that no id can hold, so ["ab"] ≠ ["a", "b"].
        for b in id.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Text safe in a UID's local part, one to one: ASCII letters, digits, `-`
/// and `_` are kept, every other byte becomes `%XX` (so `.` and `@` only
/// ever separate parts).
fn uid_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn vevent(
    inv: &Inventory,
    row: &TaskRow,
    tzid: &str,
    uid_tail: &str,
    dtstamp: &str,
) -> Vec<String> {
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
        format!("Outage: {}", row.outage_words()),
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
    if let Some(b) = row.backout {
        desc.push(format!("Backout: {}", fmt_minutes(b)));
    }
    if let Some(step) = &row.step {
        desc.push(format!("Step {step} of task {}", row.parent));
    }
    for (label, text) in row.meta.given() {
        desc.push(format!(
            "{}{}: {text}",
            label[..1].to_uppercase(),
            &label[1..]
        ));
    }
    let mut v = vec![
        "BEGIN:VEVENT".into(),
        format!(
            "UID:{}",
            escape_text(&format!("{}{uid_tail}", uid_part(&row.id)))
        ),
        format!("DTSTAMP:{dtstamp}"),
        date_prop("DTSTART", &start, tzid),
        date_prop("DTEND", &end, tzid),
        format!(
            "SUMMARY:{}",
            escape_text(&match &row.meta.title {
                Some(t) => format!("{} on {systems}: {t}", row.id),
                None => format!("{} on {systems}", row.id),
            })
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
