//! The change calendar: other approved changes, read from a ServiceNow
//! `change_request` export (CSV or JSON) or an iCalendar file, and the
//! conflicts between them and a window. A change conflicts when it falls
//! in the window and works on a system the window's tasks change, or on a
//! system that a service the window takes down requires. Conflicts can be
//! turned into blackouts, so the plan goes around them.

use super::estate::id_of;
use super::table;
use crate::base::Time;
use crate::error::Diagnostic;
use crate::inventory::Inventory;
use jiff::civil::DateTime;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A time of a change: local wall-clock (in the given timezone, else the
/// window's), or an instant.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    /// Local time; the timezone when the file names one.
    Local(DateTime, Option<String>),
    /// An instant (UTC in the file).
    Instant(Timestamp),
}

/// One other change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Its number (`CHG0031245`) or the event's UID.
    pub number: String,
    /// When it starts.
    pub start: When,
    /// When it ends.
    pub end: When,
    /// The CIs it works on, as the file names them (names or sys_ids).
    pub cis: Vec<String>,
    /// Where it is in the file.
    pub place: String,
}

/// E124: the change calendar cannot be read.
fn bad(path: &Path, message: String, hint: &str) -> Diagnostic {
    Diagnostic::new(
        "E124",
        "",
        format!("{}: {message}", path.display()),
        hint.to_string(),
    )
}

/// Reads the change calendar: iCalendar when the file is `.ics` or starts
/// `BEGIN:VCALENDAR`, a `change_request` export otherwise. Also gives
/// what was skipped (changes not approved or cancelled), for the user.
pub fn read(path: &Path) -> Result<(Vec<Change>, Vec<String>), Diagnostic> {
    let text = crate::inventory::read_text_limited(
        path,
        crate::inventory::MAX_FILE_BYTES,
        "change calendar",
    )?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ics"))
        || text.trim_start().starts_with("BEGIN:VCALENDAR")
    {
        return read_ics(path, &text);
    }
    let json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with(['{', '[']);
    let rows = if json {
        table::read_json(path, &text)?
    } else {
        table::read_csv(path, text.strip_prefix('\u{feff}').unwrap_or(&text))?
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for row in &rows {
        let number = row.display("number").to_string();
        if number.is_empty() {
            return Err(bad(
                path,
                format!("{}: a change without `number`", row.place),
                "export `change_request` with the columns number, start_date, end_date, cmdb_ci",
            ));
        }
        let approval = row.display("approval").to_ascii_lowercase();
        let state = row.display("state").to_ascii_lowercase();
        if (row.has("approval") && !approval.is_empty() && approval != "approved")
            || state.contains("cancel")
        {
            skipped.push(format!("{number}: not approved or cancelled (approval {approval:?}, state {state:?}): not a conflict"));
            continue;
        }
        let when = |col: &str| -> Result<When, Diagnostic> {
            // Display values are the user's local time; a JSON value
            // without its display value is ServiceNow's stored UTC.
            let utc = json && row.fields.get(col).is_some_and(|f| f.display.is_none());
            let text = row.display(col);
            let local = super::servicenow::local_time(text)
                .and_then(|t| DateTime::strptime("%Y-%m-%dT%H:%M", &t).ok())
                .ok_or_else(|| {
                    bad(
                        path,
                        format!(
                            "{}: {number}: `{col}` is {text:?}, not a date and time",
                            row.place
                        ),
                        "write `2026-12-06 01:00:00` (the list export's form)",
                    )
                })?;
            Ok(if utc {
                When::Instant(
                    local
                        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                        .map(|z| z.timestamp())
                        .map_err(|e| bad(path, e.to_string(), ""))?,
                )
            } else {
                When::Local(local, None)
            })
        };
        let mut cis: Vec<String> = Vec::new();
        for col in ["cmdb_ci", "affected_cis", "u_affected_cis", "task_ci"] {
            cis.extend(
                row.display(col)
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            );
            // A JSON reference also gives the sys_id: match either.
            if let Some(f) = row.fields.get(col).filter(|f| f.display.is_some()) {
                cis.extend(
                    f.value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            }
        }
        let (start, end) = (when("start_date")?, when("end_date")?);
        out.push(Change {
            number,
            start,
            end,
            cis,
            place: row.place.clone(),
        });
    }
    Ok((out, skipped))
}

/// Lines of an iCalendar text, unfolded (a line starting with a space or tab continues the previous).
fn unfold(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let (Some(rest), Some(last)) = (line.strip_prefix([' ', '\t']), out.last_mut()) {
            last.push_str(rest);
        } else {
            out.push(line.to_string());
        }
    }
    out
}

fn ics_text(v: &str) -> String {
    v.replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// An iCalendar date-time: `20261206T010000Z` (UTC), with `TZID=`, floating, or a `DATE`.
fn ics_when(params: &str, value: &str) -> Option<When> {
    let tzid = params
        .split(';')
        .find_map(|p| p.strip_prefix("TZID="))
        .map(|t| t.trim_matches('"').to_string());
    // An unknown TZID makes the time unreadable (E124), not silently skipped.
    if tzid
        .as_deref()
        .is_some_and(|t| jiff::tz::TimeZone::get(t).is_err())
    {
        return None;
    }
    if let Some(v) = value.strip_suffix('Z') {
        let dt = DateTime::strptime("%Y%m%dT%H%M%S", v).ok()?;
        return Some(When::Instant(
            dt.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .ok()?
                .timestamp(),
        ));
    }
    let dt = DateTime::strptime("%Y%m%dT%H%M%S", value)
        .ok()
        .or_else(|| {
            jiff::civil::Date::strptime("%Y%m%d", value)
                .ok()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })?;
    Some(When::Local(dt, tzid))
}

/// The VEVENTs of an iCalendar file. The change number is `X-CHANGE-NUMBER`,
/// else a `CHG…` word in SUMMARY, else the UID; its CIs are `X-CMDB-CI`
/// (repeatable, comma-separated) or else LOCATION. Cancelled events are skipped.
fn read_ics(path: &Path, text: &str) -> Result<(Vec<Change>, Vec<String>), Diagnostic> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let mut ev: Option<BTreeMap<String, Vec<(String, String)>>> = None;
    let mut n = 0;
    for line in unfold(text) {
        if line == "BEGIN:VEVENT" {
            ev = Some(BTreeMap::new());
            n += 1;
            continue;
        }
        if line == "END:VEVENT" {
            let Some(props) = ev.take() else { continue };
            let get = |k: &str| props.get(k).and_then(|v| v.first()).cloned();
            let summary = get("SUMMARY")
                .map(|(_, v)| ics_text(&v))
                .unwrap_or_default();
            let number = get("X-CHANGE-NUMBER")
                .map(|(_, v)| v)
                .or_else(|| {
                    summary
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .find(|w| w.starts_with("CHG") && w.len() > 3)
                        .map(String::from)
                })
                .or_else(|| get("UID").map(|(_, v)| v))
                .unwrap_or_else(|| format!("event {n}"));
            if get("STATUS").is_some_and(|(_, v)| v.eq_ignore_ascii_case("CANCELLED")) {
                skipped.push(format!("{number}: cancelled: not a conflict"));
                continue;
            }
            let place = format!("{}: event {n}", path.display());
            let when = |k: &str| {
                let (p, v) = get(k).ok_or_else(|| {
                    bad(
                        path,
                        format!("event {n} ({number}) has no {k}"),
                        "give every event a DTSTART and a DTEND",
                    )
                })?;
                ics_when(&p, &v).ok_or_else(|| bad(path, format!("event {n} ({number}): {k} {v:?} is not a date-time"), "write `20261206T010000Z`, `TZID=Europe/London:20261206T010000` or `20261206T010000`"))
            };
            let mut cis: Vec<String> = props
                .get("X-CMDB-CI")
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|(_, v)| ics_text(&v))
                .collect();
            if cis.is_empty() {
                cis.extend(get("LOCATION").map(|(_, v)| ics_text(&v)));
            }
            let cis = cis
                .iter()
                .flat_map(|c| c.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let (start, end) = (when("DTSTART")?, when("DTEND")?);
            out.push(Change {
                number,
                start,
                end,
                cis,
                place,
            });
            continue;
        }
        if let Some(props) = ev.as_mut() {
            if let Some((head, value)) = line.split_once(':') {
                let (name, params) = head.split_once(';').unwrap_or((head, ""));
                props
                    .entry(name.to_ascii_uppercase())
                    .or_default()
                    .push((params.to_string(), value.to_string()));
            }
        }
    }
    if n == 0 {
        return Err(bad(
            path,
            "no VEVENT in the calendar".into(),
            "give an iCalendar file with one VEVENT per change",
        ));
    }
    Ok((out, skipped))
}

/// Minutes from the window start (floor for a start, ceiling for an end).
fn minute(inv: &Inventory, w: &When, ceil: bool) -> Option<Time> {
    let ts = match w {
        When::Instant(t) => *t,
        When::Local(dt, tz) => {
            let tz = match tz {
                Some(name) => jiff::tz::TimeZone::get(name).ok()?,
                None => inv.window.start.time_zone().clone(),
            };
            dt.to_zoned_datetime(tz).ok()?.timestamp()
        }
    };
    let secs = ts.duration_since(inv.window.start.timestamp()).as_secs();
    Some(if ceil {
        secs.div_euclid(60) + i64::from(secs.rem_euclid(60) > 0)
    } else {
        secs.div_euclid(60)
    })
}

/// A conflict between the window and another change.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The other change's number.
    pub number: String,
    /// The window's own change number (`window.change`), when it has one.
    pub ours: Option<String>,
    /// When the other change runs, in minutes from the window start.
    pub from: Time,
    /// Its end (exclusive), in minutes from the window start.
    pub to: Time,
    /// Systems of the other change that the window's tasks change.
    pub systems: Vec<usize>,
    /// Services the window takes down that require a system of the other change.
    pub services: Vec<usize>,
    /// Why, in words.
    pub why: Vec<String>,
}

impl Conflict {
    /// The conflict as a warning (W020), with the hint that fits:
    /// `as_blackouts` when the window was already planned around the
    /// other changes, so an overlap left means their times or CIs disagree.
    pub fn diagnostic(&self, inv: &Inventory, as_blackouts: bool) -> Diagnostic {
        let hint = if as_blackouts {
            "the change still overlaps: check its times and CIs"
        } else {
            "agree an order with the other change's owner, or plan around it with `--changes-as-blackouts`"
        };
        Diagnostic::new("W020", "", self.words(inv), hint)
    }

    /// The conflict in one line, with both change numbers.
    pub fn words(&self, inv: &Inventory) -> String {
        let ours = self
            .ours
            .as_deref()
            .map(|c| format!("this window's change {c}"))
            .unwrap_or_else(|| "this window (no `window.change` number)".into());
        let fmt = |m: Time| inv.window.at(m).strftime("%Y-%m-%d %H:%M").to_string();
        format!(
            "change {} ({}–{}) conflicts with {ours}: {}",
            self.number,
            fmt(self.from),
            fmt(self.to),
            self.why.join("; ")
        )
    }
}

/// The systems a CI of a change stands for: a system or cluster by id, or
/// a system whose notes carry the CI's sys_id (an imported inventory).
fn systems_named(inv: &Inventory, ci: &str) -> Vec<usize> {
    let id = id_of(ci);
    if let Some(s) = inv.systems.iter().position(|s| s.id == id) {
        return vec![s];
    }
    if let Some(k) = inv.clusters.iter().position(|c| c.id == id) {
        return inv.clusters[k].members.clone();
    }
    if super::servicenow::is_sys_id(ci) {
        return inv
            .systems
            .iter()
            .enumerate()
            .filter(|(_, s)| s.notes.as_deref().is_some_and(|n| n.contains(ci)))
            .map(|(i, _)| i)
            .collect();
    }
    Vec::new()
}

/// The systems a service requires (directly, through clusters and `any` groups).
fn required_systems(inv: &Inventory, s: usize) -> BTreeSet<usize> {
    let svc = &inv.services[s];
    svc.requires
        .iter()
        .chain(svc.any.iter().flat_map(|g| g.members.iter()))
        .flat_map(|&c| inv.component_systems(c))
        .collect()
}

/// The conflicts of the changes with the window over `[span.0, span.1)`
/// (minutes from the start): a change that overlaps it and works on a
/// system a task changes (or takes down with `down:`), or on a system
/// required by a service that a task's outage takes down.
///
/// With `times` (each task's start and end in a plan, by task index) only
/// the tasks running while the other change runs count.
pub fn conflicts(
    inv: &Inventory,
    changes: &[Change],
    span: (Time, Time),
    times: Option<&[(Time, Time)]>,
) -> Vec<Conflict> {
    let mut out = Vec::new();
    for ch in changes {
        let (Some(from), Some(to)) = (minute(inv, &ch.start, false), minute(inv, &ch.end, true))
        else {
            continue;
        };
        if to <= span.0 || from >= span.1 || to <= from {
            continue;
        }
        let mut touched: BTreeMap<usize, String> = BTreeMap::new();
        let mut down: BTreeSet<usize> = BTreeSet::new();
        for (i, t) in inv.tasks.iter().enumerate() {
            if times.is_some_and(|ts| ts.get(i).is_none_or(|&(a, b)| b <= from || a >= to)) {
                continue;
            }
            for &s in t.systems.iter().chain(&t.down) {
                touched.entry(s).or_insert_with(|| t.id.clone());
                if t.outage || t.down.contains(&s) {
                    down.insert(s);
                }
            }
        }
        let systems: BTreeSet<usize> = ch.cis.iter().flat_map(|c| systems_named(inv, c)).collect();
        let mut c = Conflict {
            number: ch.number.clone(),
            ours: inv.window.meta.change.clone(),
            from,
            to,
            systems: Vec::new(),
            services: Vec::new(),
            why: Vec::new(),
        };
        for &s in &systems {
            if let Some(task) = touched.get(&s) {
                c.systems.push(s);
                c.why
                    .push(format!("both change {} (task {task})", inv.systems[s].id));
            }
        }
        for (k, svc) in inv.services.iter().enumerate() {
            let req = required_systems(inv, k);
            let theirs: Vec<&str> = systems
                .iter()
                .filter(|s| req.contains(s))
                .map(|&s| inv.systems[s].id.as_str())
                .collect();
            let ours: Vec<&str> = req
                .iter()
                .filter(|s| down.contains(s))
                .map(|&s| inv.systems[s].id.as_str())
                .collect();
            if !theirs.is_empty() && !ours.is_empty() {
                c.services.push(k);
                c.why.push(format!(
                    "service {} requires {} (the other change) and {} (this window)",
                    svc.id,
                    theirs.join(", "),
                    ours.join(", ")
                ));
            }
        }
        if !c.why.is_empty() {
            out.push(c);
        }
    }
    out
}

/// The conflicts as blackouts (inventory entries): each covers the other
/// change's time, scoped to the systems both change and the services both
/// take down (a service scope keeps every task off the systems it requires).
pub fn as_blackouts(inv: &Inventory, conflicts: &[Conflict]) -> Vec<serde_json::Value> {
    let fmt = |m: Time| inv.window.at(m).strftime("%Y-%m-%dT%H:%M").to_string();
    conflicts
        .iter()
        .map(|c| {
            let mut scope = serde_json::Map::new();
            if !c.systems.is_empty() {
                scope.insert(
                    "systems".into(),
                    c.systems
                        .iter()
                        .map(|&s| inv.systems[s].id.clone())
                        .collect(),
                );
            }
            if !c.services.is_empty() {
                scope.insert(
                    "services".into(),
                    c.services
                        .iter()
                        .map(|&s| inv.services[s].id.clone())
                        .collect(),
                );
            }
            serde_json::json!({
                "id": format!("change:{}", c.number),
                "from": fmt(c.from),
                "to": fmt(c.to),
                "scope": scope,
                "reason": format!("other change {}", c.number),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory() -> Inventory {
        let yaml = r#"
window: { start: 2026-12-05T22:00, timezone: Europe/London, deadline: 2026-12-06T04:00, change: CHG-OURS }
teams: [{ id: ops, capacity: 2 }]
systems: [{ id: db-a }, { id: db-b }, { id: app }, { id: web, notes: "servicenow cmdb_ci_linux_server 0123456789abcdef0123456789abcdef" }]
services: [{ id: pay, requires: [app, db-b] }]
tasks:
  - { id: patch-a, system: db-a, duration: 30m, team: ops }
  - { id: patch-app, system: app, duration: 30m, team: ops }
"#;
        crate::inventory::load_str(yaml, crate::inventory::Format::Yaml, "t.yaml").unwrap()
    }

    fn change(number: &str, from: &str, to: &str, cis: &[&str]) -> Change {
        let t = |s: &str| When::Local(DateTime::strptime("%Y-%m-%dT%H:%M", s).unwrap(), None);
        Change {
            number: number.into(),
            start: t(from),
            end: t(to),
            cis: cis.iter().map(|s| s.to_string()).collect(),
            place: String::new(),
        }
    }

    #[test]
    fn a_change_on_a_changed_system_or_a_service_we_take_down_conflicts() {
        let inv = inventory();
        let list = [
            change("CHG1", "2026-12-05T23:00", "2026-12-05T23:30", &["db-a"]),
            change("CHG2", "2026-12-05T23:00", "2026-12-05T23:30", &["db-b"]),
            change("CHG3", "2026-12-06T05:00", "2026-12-06T06:00", &["db-a"]),
            change(
                "CHG4",
                "2026-12-05T23:00",
                "2026-12-05T23:30",
                &["0123456789abcdef0123456789abcdef"],
            ),
        ];
        let found = conflicts(&inv, &list, (0, 360), None);
        let numbers: Vec<&str> = found.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(
            numbers,
            ["CHG1", "CHG2"],
            "CHG3 is after the deadline; CHG4's web has no task and no service"
        );
        assert!(found[0]
            .words(&inv)
            .contains("this window's change CHG-OURS: both change db-a (task patch-a)"));
        assert!(found[1]
            .words(&inv)
            .contains("service pay requires db-b (the other change) and app (this window)"));
        assert_eq!(found[1].services, vec![0]);
        // With the plan's times, only tasks running at the same time count.
        let times = [(0, 30), (120, 150)];
        assert!(conflicts(&inv, &list, (0, 150), Some(&times)).is_empty());
        let times = [(60, 90), (0, 30)];
        let found = conflicts(&inv, &list, (0, 90), Some(&times));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].number, "CHG1");
        let b = as_blackouts(&inv, &found);
        assert_eq!(b[0]["from"], "2026-12-05T23:00");
        assert_eq!(b[0]["to"], "2026-12-05T23:30");
        assert_eq!(b[0]["scope"]["systems"], serde_json::json!(["db-a"]));
    }

    #[test]
    fn icalendar_events_are_read_with_their_zones_and_numbers() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x@y\r\nSUMMARY:CHG0012345 firmw\r\n are\r\nDTSTART;TZID=Europe/Paris:20261205T230000\r\nDTEND:20261205T223000Z\r\nX-CMDB-CI:db-a,db-b\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:gone\r\nSTATUS:CANCELLED\r\nDTSTART:20261205T220000\r\nDTEND:20261205T230000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (list, skipped) = read_ics(Path::new("c.ics"), text).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(skipped.len(), 1);
        let c = &list[0];
        assert_eq!(c.number, "CHG0012345");
        assert_eq!(c.cis, ["db-a", "db-b"]);
        let inv = inventory();
        // 23:00 in Paris is 22:00 in London; 22:30Z is 22:30 in London.
        assert_eq!(minute(&inv, &c.start, false), Some(0));
        assert_eq!(minute(&inv, &c.end, true), Some(30));
        assert!(read_ics(Path::new("c.ics"), "BEGIN:VCALENDAR\nEND:VCALENDAR\n").is_err());
    }
}
