//! Golden-file and structural tests of the CSV, iCalendar, Markdown, SVG
//! Gantt and HTML reports, on a small hand-built inventory and plan whose
//! window crosses the end of daylight saving time in New York (01:00–02:00
//! happens twice), so wall-clock handling is exercised.
//!
//! Goldens live in tests/golden/; a missing golden is written, and
//! `UPDATE_GOLDEN=1` rewrites them all.

use std::path::PathBuf;
use windowplan::inventory::*;
use windowplan::model::Interval;
use windowplan::plan::{Plan, PlannedTask, ServiceDowntime, PLAN_FORMAT};
use windowplan::report::{csv, gantt, html, ics, markdown};

fn iv(a: i64, b: i64) -> Interval {
    Interval::new(a, b)
}

fn after(task: usize) -> After {
    After {
        task,
        lag: 0,
        max_lag: None,
    }
}

fn system(id: &str, zone: Option<usize>, tags: &[&str]) -> System {
    System {
        id: id.into(),
        zone,
        site: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        parallel_changes: 1,
        external: false,
        unavailable: vec![],
        notes: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn task(
    id: &str,
    systems: &[usize],
    duration: i64,
    outage: bool,
    needs: &[(usize, u32)],
    after_: &[usize],
    windows: Option<Vec<Interval>>,
) -> Task {
    Task {
        id: id.into(),
        source: 0,
        systems: systems.to_vec(),
        duration,
        outage,
        needs: needs.to_vec(),
        after: after_.iter().map(|&t| after(t)).collect(),
        windows,
        spread: None,
        backout: None,
        optional: false,
        meta: Meta::default(),
        parent: id.into(),
        step: None,
        member: None,
        read_only: false,
        down: vec![],
        canary: 0,
        even_if_failed: Vec::new(),
    }
}

/// Window opens Sat 2026-10-31 22:00 EDT; minute 240 is 01:00 EST (the
/// second 01:00), so `dr-sync` at minute 250 starts in the repeated hour.
fn inventory() -> Inventory {
    let start: jiff::ZonedDateTime = "2026-10-31T22:00[America/New_York]".parse().unwrap();
    let mut inv = Inventory {
        window: Window {
            start,
            timezone: "America/New_York".into(),
            deadline: Some(420),
            meta: Meta::default(),
        },
        teams: vec![
            Team {
                id: "dba".into(),
                capacity: 2,
                available: None,
            },
            Team {
                id: "web-ops".into(),
                capacity: 1,
                available: None,
            },
            Team {
                id: "network".into(),
                capacity: 1,
                available: Some(vec![iv(60, 300)]),
            },
        ],
        systems: vec![
            system("core-db-a", Some(0), &["oracle"]),
            system("core-db-b", Some(0), &["oracle"]),
            system("web-1", None, &[]),
            system("web-2", None, &[]),
            system("dwh", None, &["etl"]),
            system("fw-1", None, &[]),
        ],
        clusters: vec![Cluster {
            id: "web-tier".into(),
            members: vec![2, 3],
            min_available: 1,
        }],
        zones: vec![Zone {
            id: "pci".into(),
            max_concurrent: 1,
        }],
        dr: vec![DrPair {
            primary: Component::System(0),
            standby: Component::System(1),
            order: None,
        }],
        blackouts: vec![
            Blackout {
                id: None,
                teams: vec![],
                scoped: false,
                interval: iv(180, 240),
                systems: vec![4],
                zones: vec![],
                tags: vec![],
                reason: Some("nightly ETL, part 1; \"load\" & <merge>".into()),
            },
            Blackout {
                id: None,
                teams: vec![],
                scoped: false,
                interval: iv(300, 310),
                systems: vec![],
                zones: vec![],
                tags: vec![],
                reason: Some("network freeze".into()),
            },
        ],
        services: vec![
            Service {
                id: "online-banking".into(),
                weight: 10.0,
                requires: vec![Component::Cluster(0), Component::System(0)],
                max_downtime: Some(90),
                any: vec![],
                notes: None,
            },
            Service {
                id: "reporting".into(),
                weight: 1.5,
                requires: vec![Component::System(4)],
                max_downtime: None,
                any: vec![],
                notes: None,
            },
        ],
        integrations: vec![],
        tasks: vec![
            task("backup-db-a", &[0], 30, false, &[(0, 1)], &[], None),
            task(
                "db-schema-v42",
                &[0],
                45,
                true,
                &[(0, 1)],
                &[0],
                Some(vec![iv(30, 200)]),
            ),
            task("patch@web-1", &[2], 30, true, &[(1, 1)], &[], None),
            task("patch@web-2", &[3], 30, true, &[(1, 1)], &[2], None),
            task("dwh-upgrade", &[4], 60, true, &[(0, 1)], &[1], None),
            task("fw-rules", &[5], 20, false, &[(2, 1)], &[], None),
            task(
                "dr-sync",
                &[0, 1],
                15,
                true,
                &[(0, 2)],
                &[4],
                Some(vec![iv(240, 300)]),
            ),
        ],
        warnings: vec![],
        schema_changes: vec![],
    };
    // dr-sync waits 30 minutes after the warehouse upgrade.
    inv.tasks[6].after[0].lag = 30;
    // The schema change: backout and runbook text (point of no return: the
    // deadline, minute 420, − 1h = minute 360, 03:00 EST).
    let schema = inv.task_index("db-schema-v42").unwrap();
    inv.tasks[schema].backout = Some(60);
    inv.tasks[schema].meta = Meta {
        title: Some("Schema v42 <vendor> & \"migration\"".into()),
        notes: Some("Run | the scripts\nin order".into()),
        rollback: Some("Restore *the* backup".into()),
        ..Meta::default()
    };
    inv
}

fn plan(inv: &Inventory) -> Plan {
    let times = [
        ("backup-db-a", 0, 30),
        ("patch@web-1", 0, 30),
        ("db-schema-v42", 30, 75),
        ("patch@web-2", 30, 60),
        ("fw-rules", 60, 80),
        ("dwh-upgrade", 75, 135),
        ("dr-sync", 250, 265),
    ];
    let rfc = |m: i64| {
        inv.window
            .at(m)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let tasks = times
        .iter()
        .map(|&(id, s, e)| {
            let t = &inv.tasks[inv.task_index(id).unwrap()];
            let systems: Vec<&str> = t
                .systems
                .iter()
                .map(|&i| inv.systems[i].id.as_str())
                .collect();
            let teams: Vec<&str> = t
                .needs
                .iter()
                .map(|&(k, _)| inv.teams[k].id.as_str())
                .collect();
            PlannedTask {
                id: id.into(),
                system: Some(systems.join(",")),
                team: Some(teams.join(",")),
                takes_down: Vec::new(),
                start: rfc(s),
                end: rfc(e),
                start_minute: s,
                end_minute: e,
                detail: Default::default(),
            }
        })
        .collect();
    Plan {
        format: PLAN_FORMAT.into(),
        window_start: rfc(0),
        length_minutes: 265,
        lower_bound_minutes: 240,
        status: "feasible".into(),
        tasks,
        services: vec![
            ServiceDowntime {
                id: "online-banking".into(),
                downtime_minutes: 60,
                intervals: vec![[30, 75], [250, 265]],
                unavailable_minutes: 0,
                unavailable_intervals: vec![],
            },
            ServiceDowntime {
                id: "reporting".into(),
                downtime_minutes: 60,
                intervals: vec![[75, 135]],
                unavailable_minutes: 0,
                unavailable_intervals: vec![],
            },
        ],
        meta: Default::default(),
        deferred: vec![],
    }
}

fn critical() -> Vec<String> {
    ["backup-db-a", "db-schema-v42", "dwh-upgrade", "dr-sync"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Compares with tests/golden/NAME, writing it when absent or when
/// UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "golden", name]
        .iter()
        .collect();
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    if update || !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    if expected != actual {
        let (line, want, got) = expected
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(actual.lines().chain(std::iter::repeat("<end of file>")))
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| (i + 1, a, b))
            .unwrap_or((0, "(line ends differ)", ""));
        panic!(
            "{name} differs from the golden at line {line}\n  golden: {want}\n  actual: {got}\nrerun with UPDATE_GOLDEN=1 if the change is intended"
        );
    }
}

/// Renders the fixture plan and critical chain with `render` and compares
/// the text with the golden NAME: the inventory, the plan and the text.
fn rendered_golden(
    name: &str,
    render: impl Fn(&Inventory, &Plan, &[String]) -> String,
) -> (Inventory, Plan, String) {
    let inv = inventory();
    let plan = plan(&inv);
    let out = render(&inv, &plan, &critical());
    golden(name, &out);
    (inv, plan, out)
}

/// Gantt lanes per system rather than per team.
fn system_lanes() -> gantt::Options {
    gantt::Options {
        lanes: gantt::Lanes::System,
    }
}

/// The one calendar that `text` starts with.
fn first_calendar(text: &str) -> ical::parser::ical::component::IcalCalendar {
    ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .next()
        .unwrap()
        .unwrap()
}

#[test]
fn csv_golden() {
    let (_, _, out) = rendered_golden("plan.csv", |inv, plan, _| csv::render(inv, plan));
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,systems,teams,start,end,start_minute,end_minute,duration_minutes,outage,after"
    );
    assert_eq!(lines.len(), 1 + 7 + 1, "header, 7 tasks, trailing empty");
    assert!(out.contains(
        "dr-sync,core-db-a;core-db-b,dba:2,2026-11-01T01:10:00-05:00,2026-11-01T01:25:00-05:00,250,265,15,yes,dwh-upgrade\r\n"
    ));
}

#[test]
fn markdown_golden() {
    let (inv, plan, out) = rendered_golden("plan.md", markdown::render);
    for t in &inv.tasks {
        assert!(out.contains(&t.id), "{} missing", t.id);
    }
    // No chart file beside it: no link to one, and how to get one.
    assert!(
        !out.contains("](gantt.svg)"),
        "links a chart that is not there"
    );
    assert!(out.contains("writes the chart `pack.gantt.svg` beside the pack"));
    // The runbook text, escaped for a table cell.
    assert!(out.contains("notes: Run \\| the scripts in order"), "{out}");
    assert!(out.contains("rollback: Restore \\*the\\* backup"));
    // With the chart written beside it: shown and linked.
    let linked = markdown::render_with(&inv, &plan, &critical(), Some("gantt.svg"));
    assert!(linked.contains("![Gantt chart](gantt.svg)"));
}

/// DTSTAMP fixed, so that the calendar golden is deterministic.
fn ics_fixed(inv: &Inventory, plan: &Plan, critical: &[String]) -> String {
    ics::render_with(inv, plan, critical, &ics_stamp())
}

fn ics_stamp() -> ics::Options {
    ics::Options {
        dtstamp: "2026-11-20T09:30:15Z".parse().unwrap(),
    }
}

#[test]
fn ics_golden() {
    let (_, _, out) = rendered_golden("plan.ics", ics_fixed);
    assert!(out.ends_with("END:VCALENDAR\r\n"));
    for line in out.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line}");
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
}

/// Every event's (UID, DTSTAMP), read back with the `ical` parser.
fn uids_and_stamps(text: &str) -> Vec<(String, String)> {
    first_calendar(text)
        .events
        .iter()
        .map(|e| {
            let get = |n: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == n)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_else(|| panic!("event without {n}"))
            };
            (get("UID"), get("DTSTAMP"))
        })
        .collect()
}

/// Two windows of the same inventory (the same night a week apart): every
/// UID is unique across both calendars, the same on a re-export (even one
/// made later, or after a re-plan moved tasks), and DTSTAMP is the time the
/// file was made, in UTC, not the window start.
#[test]
fn ics_uids_unique_across_windows_and_stable_across_exports() {
    let (inv1, plan1) = moved_to("2026-10-31T22:00[America/New_York]", "America/New_York");
    let (inv2, plan2) = moved_to("2026-11-07T22:00[America/New_York]", "America/New_York");
    let first = uids_and_stamps(&ics_fixed(&inv1, &plan1, &[]));
    let second = uids_and_stamps(&ics_fixed(&inv2, &plan2, &[]));
    let mut all: Vec<&String> = first.iter().chain(&second).map(|(u, _)| u).collect();
    let n = all.len();
    assert_eq!(n, 2 * plan1.tasks.len());
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "a UID repeats across the two windows");
    for (uid, stamp) in first.iter().chain(&second) {
        assert!(
            uid.contains('@') && !uid.ends_with('@'),
            "{uid}: no domain part"
        );
        assert_eq!(stamp, "20261120T093015Z");
    }

    // Re-exported later, and after a re-plan that moved a task: same UIDs,
    // a new DTSTAMP.
    let later = ics::Options {
        dtstamp: "2026-11-21T08:00:00Z".parse().unwrap(),
    };
    let mut moved = plan1.clone();
    moved.tasks[0].start_minute += 5;
    moved.tasks[0].end_minute += 5;
    let again = uids_and_stamps(&ics::render_with(&inv1, &moved, &[], &later));
    let uids = |v: &[(String, String)]| {
        let mut u: Vec<String> = v.iter().map(|x| x.0.clone()).collect();
        u.sort();
        u
    };
    assert_eq!(uids(&again), uids(&first));
    assert!(again.iter().all(|(_, s)| s == "20261121T080000Z"));

    // Another inventory's task of the same id on the same night does not
    // collide; the window's change id, when given, takes the hash's place.
    let mut other = inv1.clone();
    other.systems[0].id = "core-db-x".into();
    let theirs = uids(&uids_and_stamps(&ics_fixed(&other, &plan1, &[])));
    assert!(theirs.iter().all(|u| !uids(&first).contains(u)));
    let mut chg = inv1.clone();
    chg.window.meta.change = Some("CHG-2026/1114".into());
    let with_change = uids(&uids_and_stamps(&ics_fixed(&chg, &plan1, &[])));
    assert!(
        with_change
            .iter()
            .all(|u| u.ends_with(".20261101T0200Z.CHG-2026%2F1114@windowplan")),
        "{with_change:?}"
    );
}

/// The calendar written without options is stamped with the current time.
#[test]
fn ics_dtstamp_is_now_by_default() {
    let inv = inventory();
    let plan = plan(&inv);
    let before = jiff::Timestamp::now().as_second();
    let out = ics::render(&inv, &plan, &[]);
    let after = jiff::Timestamp::now().as_second();
    for (_, stamp) in uids_and_stamps(&out) {
        let at = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", &stamp)
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second();
        assert!((before..=after).contains(&at), "DTSTAMP {stamp}");
    }
}

/// Parses the calendar with the `ical` crate and checks every task's event.
#[test]
fn ics_round_trip() {
    let inv = inventory();
    let plan = plan(&inv);
    let out = ics_fixed(&inv, &plan, &critical());
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(out.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let prop =
        |props: &[ical::property::Property], name: &str| -> Option<ical::property::Property> {
            props.iter().find(|p| p.name == name).cloned()
        };
    assert_eq!(
        prop(&cal.properties, "VERSION").unwrap().value.as_deref(),
        Some("2.0")
    );
    assert!(prop(&cal.properties, "PRODID").is_some());

    // One VTIMEZONE, with the EDT→EST transition of 2026-11-01.
    assert_eq!(cal.timezones.len(), 1);
    let tz = &cal.timezones[0];
    assert_eq!(
        prop(&tz.properties, "TZID").unwrap().value.as_deref(),
        Some("America/New_York")
    );
    let onsets: Vec<(String, String, String)> = tz
        .transitions
        .iter()
        .map(|t| {
            let v = |n: &str| prop(&t.properties, n).unwrap().value.unwrap();
            (v("DTSTART"), v("TZOFFSETFROM"), v("TZOFFSETTO"))
        })
        .collect();
    assert!(
        onsets.contains(&("20261101T020000".into(), "-0400".into(), "-0500".into())),
        "{onsets:?}"
    );
    assert!(
        onsets.contains(&("20260308T020000".into(), "-0500".into(), "-0400".into())),
        "{onsets:?}"
    );

    assert_eq!(cal.events.len(), plan.tasks.len());
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    for pt in &plan.tasks {
        // Task id, window start (UTC) and the inventory hash, with a domain.
        let head = format!("{}.20261101T0200Z.h", pt.id.replace('@', "%40"));
        let ev = cal
            .events
            .iter()
            .find(|e| {
                let uid = prop(&e.properties, "UID").unwrap().value.unwrap();
                uid.starts_with(&head) && uid.ends_with("@windowplan")
            })
            .unwrap_or_else(|| panic!("no event for {}", pt.id));
        let summary = prop(&ev.properties, "SUMMARY").unwrap().value.unwrap();
        assert!(summary.starts_with(&format!("{} on ", pt.id)), "{summary}");
        assert_eq!(
            prop(&ev.properties, "DTSTAMP").unwrap().value.as_deref(),
            Some("20261120T093015Z"),
            "DTSTAMP is when the file was made, not the window start"
        );
        for (name, minute) in [("DTSTART", pt.start_minute), ("DTEND", pt.end_minute)] {
            let p = prop(&ev.properties, name).unwrap();
            let value = p.value.unwrap();
            let tzid = p
                .params
                .unwrap_or_default()
                .into_iter()
                .find(|(k, _)| k == "TZID")
                .map(|(_, v)| v[0].clone());
            let at = match tzid {
                Some(z) => {
                    assert_eq!(z, "America/New_York");
                    let dt = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", &value).unwrap();
                    // RFC 5545: an ambiguous local time is its first occurrence.
                    tz.to_ambiguous_timestamp(dt).compatible().unwrap()
                }
                None => {
                    assert!(value.ends_with('Z'), "{name} {value}");
                    jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", &value)
                        .unwrap()
                        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                        .unwrap()
                        .timestamp()
                }
            };
            assert_eq!(
                at,
                inv.window.at(minute).timestamp(),
                "{} {name} {value}",
                pt.id
            );
        }
        let cats = prop(&ev.properties, "CATEGORIES").unwrap().value.unwrap();
        assert_eq!(cats, pt.team.clone().unwrap());
    }
    // The repeated hour: dr-sync starts at the second 01:10, written in UTC.
    assert!(out.contains("DTSTART:20261101T061000Z"));
    // Escaped text survives: the description has escaped newlines.
    assert!(out.contains("Team: dba\\nSystems: core-db-a"));
}

#[test]
fn svg_golden_and_well_formed() {
    let (_, plan, out) = rendered_golden("gantt.svg", gantt::render);
    let doc = roxmltree::Document::parse(&out).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    for t in &plan.tasks {
        assert!(out.contains(&t.id), "{} missing", t.id);
    }
    // Every bar carries a hover title naming its task.
    let titles: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text().map(String::from))
        .collect();
    for t in &plan.tasks {
        assert!(
            titles.iter().any(|x| x.starts_with(&t.id)),
            "no title for {}",
            t.id
        );
    }
    // The escaped blackout reason comes back intact.
    assert!(titles
        .iter()
        .any(|x| x.contains("nightly ETL, part 1; \"load\" & <merge>")));
}

#[test]
fn svg_per_system_lanes_well_formed() {
    let (inv, _, out) = rendered_golden("gantt-systems.svg", |inv, plan, critical| {
        gantt::render_with(inv, plan, critical, &system_lanes())
    });
    roxmltree::Document::parse(&out).expect("well-formed SVG");
    for s in &inv.systems {
        assert!(out.contains(&s.id));
    }
}

#[test]
fn html_self_contained() {
    let (_, plan, out) = rendered_golden("plan.html", html::render);
    assert!(out.starts_with("<!DOCTYPE html>"));
    let without_ns = out.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://"), "network reference in HTML");
    assert!(
        !without_ns.contains("https://"),
        "network reference in HTML"
    );
    for bad in ["<script src", "<link", "@import", "url(http"] {
        assert!(!out.contains(bad), "{bad}");
    }
    assert!(out.contains("<svg"));
    assert!(out.contains("@media print"));
    for t in &plan.tasks {
        assert!(out.contains(&t.id));
    }
    assert!(out.contains("online-banking"));
}

#[test]
fn renderers_are_deterministic() {
    let inv = inventory();
    let plan = plan(&inv);
    let c = critical();
    assert_eq!(csv::render(&inv, &plan), csv::render(&inv, &plan));
    assert_eq!(ics_fixed(&inv, &plan, &c), ics_fixed(&inv, &plan, &c));
    assert_eq!(
        gantt::render(&inv, &plan, &c),
        gantt::render(&inv, &plan, &c)
    );
    assert_eq!(html::render(&inv, &plan, &c), html::render(&inv, &plan, &c));
    assert_eq!(
        markdown::render(&inv, &plan, &c),
        markdown::render(&inv, &plan, &c)
    );
}

/// A plan with an unknown task and no services still renders everywhere.
#[test]
fn hand_edited_plan_renders() {
    let inv = inventory();
    let mut plan = plan(&inv);
    plan.tasks.push(PlannedTask {
        id: "manual, \"odd\" <task>".into(),
        system: Some("ghost".into()),
        team: None,
        takes_down: Vec::new(),
        start: String::new(),
        end: String::new(),
        start_minute: 5,
        end_minute: 10,
        detail: Default::default(),
    });
    plan.services.clear();
    let csv_out = csv::render(&inv, &plan);
    assert!(csv_out.contains("\"manual, \"\"odd\"\" <task>\",ghost,"));
    let svg = gantt::render(&inv, &plan, &[]);
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(ics::render(&inv, &plan, &[]).contains("manual\\, \"odd\" <task>"));
    let _ = markdown::render(&inv, &plan, &[]);
    let _ = html::render(&inv, &plan, &[]);
}

/// The fixture inventory with its window opening at `start` in `timezone`,
/// and its plan.
fn moved_to(start: &str, timezone: &str) -> (Inventory, Plan) {
    let mut inv = inventory();
    inv.window.start = start.parse().unwrap();
    inv.window.timezone = timezone.into();
    let plan = plan(&inv);
    (inv, plan)
}

/// A window in a zone without transitions still gets a valid VTIMEZONE,
/// and every event time is local to it.
#[test]
fn ics_utc_window() {
    let (inv, plan) = moved_to("2026-12-05T22:00[UTC]", "UTC");
    let out = ics::render(&inv, &plan, &[]);
    let cal = first_calendar(&out);
    assert_eq!(cal.timezones.len(), 1);
    assert!(out.contains("TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\n"));
    assert!(out.contains("DTSTART;TZID=UTC:20261205T220000\r\n"));
    assert_eq!(cal.events.len(), plan.tasks.len());
    assert!(out.contains("UID:dr-sync.20261205T2200Z.h"));
}

/// A window crossing the start of daylight saving (the skipped hour) in
/// Europe: times after the gap are written with the new offset.
#[test]
fn csv_and_ics_across_spring_forward() {
    let (inv, plan) = moved_to("2026-03-29T00:00[Europe/Berlin]", "Europe/Berlin");
    let out = csv::render(&inv, &plan);
    // Minute 135 is 03:15 CEST (02:00–03:00 does not exist).
    assert!(
        out.contains("dwh-upgrade,dwh,dba,2026-03-29T01:15:00+01:00,2026-03-29T03:15:00+02:00,")
    );
    let ics_out = ics::render(&inv, &plan, &[]);
    assert!(ics_out.contains("DTEND;TZID=Europe/Berlin:20260329T031500\r\n"));
    assert!(ics_out.contains(
        "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    ));
}

/// An empty plan (no tasks, no services) renders everywhere.
#[test]
fn empty_plan_renders() {
    let inv = inventory();
    let mut plan = plan(&inv);
    plan.tasks.clear();
    plan.services.clear();
    plan.length_minutes = 0;
    plan.lower_bound_minutes = 0;
    let svg = gantt::render(&inv, &plan, &[]);
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(csv::render(&inv, &plan).lines().count(), 1);
    let ics_out = ics::render(&inv, &plan, &[]);
    let cal = first_calendar(&ics_out);
    assert!(cal.events.is_empty());
    assert!(markdown::render(&inv, &plan, &[]).contains("No changes."));
    assert!(html::render(&inv, &plan, &[]).contains("No services are declared."));
}

/// Undoes RFC 5545 TEXT escaping (the `ical` crate leaves values escaped).
fn unescape_text(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(x) => out.push(x),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Awkward ids (commas, semicolons, backslashes, non-ASCII, very long)
/// survive escaping and folding at 75 octets.
#[test]
fn ics_escaping_and_folding_round_trip() {
    let mut inv = inventory();
    let mut plan = plan(&inv);
    let odd = "réseau;coeur,\\migration-ünicode-".repeat(4);
    inv.tasks[0].id = odd.clone();
    inv.systems[0].id = "core,db;a".into();
    plan.tasks
        .iter_mut()
        .find(|t| t.id == "backup-db-a")
        .unwrap()
        .id = odd.clone();
    let out = ics::render(&inv, &plan, &[]);
    for line in out.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let cal = first_calendar(&out);
    // Each event's NAME property, unescaped.
    let values = |name: &str| -> Vec<String> {
        cal.events
            .iter()
            .filter_map(|e| e.properties.iter().find(|p| p.name == name))
            .map(|p| unescape_text(p.value.as_deref().unwrap()))
            .collect()
    };
    let summaries = values("SUMMARY");
    assert!(
        summaries.contains(&format!("{odd} on core,db;a")),
        "{summaries:?}"
    );
    // UIDs keep the id one to one, in plain ASCII.
    let uids = values("UID");
    let encoded = "r%C3%A9seau%3Bcoeur%2C%5Cmigration-%C3%BCnicode-".repeat(4);
    assert!(
        uids.iter()
            .any(|u| u.starts_with(&format!("{encoded}.20261101T0200Z."))),
        "{uids:?}"
    );
    assert!(uids.iter().all(|u| u.is_ascii()));
}

#[test]
fn html_with_system_lanes() {
    let inv = inventory();
    let plan = plan(&inv);
    let out = html::render_with(&inv, &plan, &critical(), &system_lanes());
    assert!(out.contains("lanes per system"));
}
