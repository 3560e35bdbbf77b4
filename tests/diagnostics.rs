//! Errors a person can act on (issue #12, items 7–9): every problem of a
//! file at once, each at its line, column and path, without cascades; a
//! "did you mean" for every unknown name; and the rules no schedule can
//! satisfy refused by `validate` rather than found by `plan`.

mod common;

use common::windowplan;
use predicates::prelude::*;
use windowplan::error::Diagnostic;
use windowplan::inventory::Format;
use windowplan::load_inventory_str;

fn diagnostics(text: &str, format: Format) -> Vec<Diagnostic> {
    load_inventory_str(text, format, "t")
        .expect_err("the inventory is invalid")
        .diagnostics
}

/// (code, path, line, column) of each diagnostic, in order.
fn places(ds: &[Diagnostic]) -> Vec<(&str, &str, u32, u32)> {
    ds.iter()
        .map(|d| {
            (
                d.code,
                d.path.as_str(),
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
            )
        })
        .collect()
}

/// Shape errors in several items and fields, a misspelt field, rule errors
/// and typos of names, all in one file.
const MANY: &str = "\
window:
  start: 2026-12-05T22:00
  timezone: Europe/Pariss
teams:
  - id: dba
    capacity: two
  - id: unix
    capacty: 0
systems:
  - { id: db-a, zone: pcii }
  - { id: web-1, tags: [web] }
zones:
  - { id: pci, max_concurrent: 1 }
blackouts:
  - { from: 2026-12-06T01:00, to: 2026-12-06T02:00, scope: { tags: [wbe] } }
tasks:
  - id: patch-db
    system: db-a
    duration: 45m
    team: dba
    windows: [2026-12-05T23:00/2026-12-06T00:00]
  - id: patch-web
    system: web-l
    duration: [1h]
    team: unix
  - id: verify
    system: web-1
    duration: 10m
    outage: yes
    after: [patch-web, patch-dbb]
";

#[test]
fn every_problem_of_a_yaml_file_at_once_with_places_and_no_cascade() {
    let ds = diagnostics(MANY, Format::Yaml);
    assert_eq!(
        places(&ds),
        vec![
            ("E005", "teams[0].capacity", 6, 15),
            ("E005", "teams[1].capacty", 8, 5),
            ("E005", "tasks[1].duration", 24, 15),
            ("E005", "tasks[2].outage", 29, 13),
            ("E014", "window.timezone", 3, 13),
            // The misspelt `capacty` is read as `capacity`: its value is checked.
            ("E040", "teams[1].capacity", 8, 14),
            ("E037", "blackouts[0].scope.tags[0]", 15, 69),
            ("E031", "tasks[1].system", 23, 13),
            ("E034", "tasks[2].after[1]", 30, 24),
        ],
        "{ds:#?}"
    );
    let hint = |path: &str| &ds.iter().find(|d| d.path == path).unwrap().hint;
    assert!(hint("teams[1].capacty").contains("did you mean `capacity`?"));
    assert_eq!(hint("window.timezone"), "did you mean `Europe/Paris`?");
    // `zone: pcii` is a label in format 1.1 (warning W001), not an error.
    assert!(!ds.iter().any(|d| d.path == "systems[0].zone"), "{ds:#?}");
    assert_eq!(hint("blackouts[0].scope.tags[0]"), "did you mean `web`?");
    assert_eq!(hint("tasks[1].system"), "did you mean `web-1`?");
    assert_eq!(hint("tasks[2].after[1]"), "did you mean `patch-db`?");
    // No cascade: the broken team `dba` is not "unknown" where used, the
    // unknown time zone raises nothing about the times that depend on it,
    // and the stood-in duration of `patch-web` raises no rule of its own.
    assert!(!ds.iter().any(|d| d.code == "E030"), "{ds:#?}");
    assert!(
        !ds.iter().any(|d| d.message.contains("missing field")),
        "{ds:#?}"
    );
    assert_eq!(
        ds.iter().filter(|d| d.path == "tasks[1].duration").count(),
        1
    );
}

#[test]
fn every_problem_of_a_json_file_at_once_with_places() {
    let json = r#"{
  "window": {"start": "2026-12-05T22:00", "timezone": "UTC", "dedline": "x"},
  "teams": [{"id": "dba", "capacity": "two"}, {"id": "ops", "capacity": 1}],
  "systems": [{"id": "a"}],
  "tasks": [
    {"id": "t1", "system": "a", "duration": "5m", "team": "dbaa"},
    {"id": "t2", "system": "a", "duration": 30, "outage": "no"},
    {"id": "t3", "system": "b", "duration": "5m", "after": ["t1", "t4"]}
  ]
}"#;
    let ds = diagnostics(json, Format::Json);
    assert_eq!(
        places(&ds),
        vec![
            ("E005", "window.dedline", 2, 62),
            ("E005", "teams[0].capacity", 3, 39),
            ("E005", "tasks[1].outage", 7, 59),
            ("E011", "window.deadline", 2, 73),
            ("E030", "tasks[0].team", 6, 59),
            ("E010", "tasks[1].duration", 7, 45),
            ("E031", "tasks[2].system", 8, 28),
            ("E034", "tasks[2].after[1]", 8, 67),
        ],
        "{ds:#?}"
    );
}

#[test]
fn the_command_line_shows_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.yaml");
    std::fs::write(&p, MANY).unwrap();
    windowplan()
        .arg("validate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("many.yaml:6:15: error[E005]: teams[0].capacity:").and(
                predicate::str::contains(
                    "many.yaml:30:24: error[E034]: tasks[2].after[1]: unknown task `patch-dbb`",
                ),
            ),
        );
}

/// Rules no schedule can satisfy, whatever the times: each refused by
/// validation with its code and path.
#[test]
fn impossible_rules_are_refused_at_validation() {
    let yaml = "\
window: { start: 2026-12-05T22:00, timezone: Europe/London, deadline: 2026-12-06T01:00 }
teams:
  - { id: dba, capacity: 1, available: [2026-12-05T23:00/2026-12-06T00:00] }
systems: [{ id: db-a }, { id: db-b }, { id: web-1 }, { id: web-2 }, { id: web-3 }, { id: api }, { id: etl }]
clusters:
  - { id: web, members: [web-1, web-2, web-3], min_available: 2 }
dr:
  - { primary: db-a, standby: db-b }
services:
  - { id: shop, requires: [web, api], max_downtime: 10m }
  - { id: reports, requires: [etl], max_downtime: 5m }
integrations:
  - { id: feed, from: db-b, to: etl, mode: async, tolerance: 15m }
tasks:
  - { id: web-pair, systems: [web-1, web-2], duration: 20m }
  - { id: db-both, systems: [db-a, db-b], duration: 30m }
  - { id: db-long, system: db-a, duration: 90m, team: dba }
  - { id: huge, system: api, duration: 4h, outage: false }
  - { id: api-patch, system: api, duration: 15m }
";
    let ds = diagnostics(yaml, Format::Yaml);
    let got: Vec<(&str, &str)> = ds.iter().map(|d| (d.code, d.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("E057", "tasks[2].duration"),
            ("E057", "tasks[3].duration"),
            ("E048", "tasks[0].systems"),
            ("E049", "tasks[1].systems"),
            ("E063", "services[0].max_downtime"),
            ("E063", "services[1].max_downtime"),
        ],
        "{ds:#?}"
    );
    let msg = |i: usize| ds[i].message.as_str();
    assert!(
        msg(0).contains("1h (23:00–00:00)") && msg(0).contains("team `dba`"),
        "{}",
        msg(0)
    );
    assert!(
        msg(1).contains("4h") && msg(1).contains("01:00 deadline"),
        "{}",
        msg(1)
    );
    assert!(msg(2).contains("2 members of cluster `web`"), "{}", msg(2));
    assert!(
        msg(4).contains("`api-patch`") && msg(4).contains("15m"),
        "{}",
        msg(4)
    );
    // Through the async feed: 30m of `db-both` less 15m of tolerance.
    assert!(
        msg(5).contains("`db-both`") && msg(5).contains("15m"),
        "{}",
        msg(5)
    );
    for d in &ds {
        assert!(d.line.is_some() && !d.hint.is_empty(), "{d}");
    }
}

/// A cluster that must keep a member up, and a task that takes every
/// member down: `validate` says so (exit 2), `plan` never starts.
#[test]
fn a_task_on_every_member_of_a_cluster_fails_validate() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.yaml");
    std::fs::write(
        &p,
        "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
         systems: [{ id: a }, { id: b }]\n\
         clusters: [{ id: k, members: [a, b], min_available: 1 }]\n\
         tasks: [{ id: all, systems: [a, b], duration: 10m }]\n",
    )
    .unwrap();
    windowplan()
        .arg("validate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "c.yaml:4:29: error[E048]: tasks[0].systems: task `all` takes 2 members of cluster `k` down at once",
        ));
}

/// Item 10: "no feasible plan" in wall-clock times of the window's zone,
/// task ids and rule names, never core minutes or activities.
#[test]
fn infeasibility_speaks_in_wall_clock_times_and_rule_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("inf.yaml");
    // Valid, and every task fits somewhere on its own: only the dependency
    // (app-stop first) leaves ora-patch-prim no room before the deadline.
    std::fs::write(
        &p,
        "window: { start: 2026-12-05T22:00, timezone: Europe/London, deadline: 2026-12-06T02:20 }\n\
         teams: [{ id: dba, capacity: 1 }]\n\
         systems: [{ id: app }, { id: ora-prim }]\n\
         blackouts:\n\
         \x20 - { from: 2026-12-06T00:00, to: 2026-12-06T01:30, scope: { systems: [ora-prim] }, reason: ETL }\n\
         tasks:\n\
         \x20 - { id: app-stop, system: app, duration: 2h }\n\
         \x20 - { id: ora-patch-prim, system: ora-prim, duration: 90m, team: dba, after: [app-stop] }\n",
    )
    .unwrap();
    let want = "ora-patch-prim (1h30m, dba) must start between 00:00 and 00:50 to end by the 02:20 deadline, but the ETL blackout covers 00:00–01:30";
    for cmd in ["plan", "explain"] {
        let out = windowplan().arg(cmd).arg(&p).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(text.contains(want), "{cmd}: {text}");
        for core_word in ["minute", "activity", "allowed intervals"] {
            assert!(!text.contains(core_word), "{cmd}: {text}");
        }
    }
    // Found before the search: a blackout over the task's only window.
    windowplan()
        .arg("plan")
        .arg(common::fixture("blackout-swallows-window.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "patch-dwh (1h) fits nowhere: its windows allow 01:00–03:00; the ETL blackout covers 01:00–03:00",
        ));
    windowplan()
        .arg("plan")
        .arg(common::fixture("tight-deadline.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the 23:00 deadline allows 1h from the 22:00 start, but the critical path backup → patch-db → patch-app takes 1h20m (until 23:20)",
        ));
}

/// Whole sections and items that cannot be read: each reported once, and
/// nothing that refers to them is reported again.
#[test]
fn unreadable_sections_and_items_raise_no_second_error() {
    let yaml = "\
task:
  - id: x
teams: { dba: 2 }
systems:
  - db-a
  - { id: web-1 }
clusters:
  - { id: web, members: [web-1], min_availabe: 0 }
dr:
  - { primary: web, standby: db-a, order: standby-first }
tasks:
  - { id: t1, system: web-1, duration: 1h, team: dba }
  - { id: t2, cluster: webb, duration: 20m, after: [t1, { task: t3, lag: 5 }] }
  - { id: t3, systems: 5, duration: 10m }
";
    let ds = diagnostics(yaml, Format::Yaml);
    let got: Vec<(&str, &str)> = ds.iter().map(|d| (d.code, d.path.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("E005", "task"),
            ("E005", "teams"),
            ("E005", "systems[0]"),
            ("E005", "clusters[0].min_availabe"),
            ("E005", "dr[0].order"),
            ("E005", "tasks[2].systems"),
            ("E005", ""),
            ("E032", "tasks[1].cluster"),
            ("E010", "tasks[1].after[1].lag"),
        ],
        "{ds:#?}"
    );
    assert!(
        ds[0].hint.contains("did you mean `tasks`?"),
        "{}",
        ds[0].hint
    );
    assert!(ds[2].hint.contains("`{ id: web-1 }`"), "{}", ds[2].hint);
    assert!(ds[4].hint.contains("`standby_first`"), "{}", ds[4].hint);
    assert_eq!(ds[6].message, "missing field `window`");
}
