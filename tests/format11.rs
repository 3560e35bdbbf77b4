//! Format 1.1 (DESIGN.md "Format 1.1: how real changes are done"): for each
//! row of the table, a small inventory under tests/fixtures/v11/ whose
//! optimal plan is known by hand; it is planned, accepted by the checker,
//! and asserted. Then one error test per new error code.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use windowplan::inventory::{Format, Inventory};
use windowplan::load_inventory_str as load_str;
use windowplan::plan::Plan;
use windowplan::solve::SolveOptions;

fn plan(name: &str) -> (Inventory, Plan) {
    let path = format!("{}/tests/fixtures/v11/{name}", env!("CARGO_MANIFEST_DIR"));
    let inv = windowplan::load_inventory(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let opts = SolveOptions {
        time_limit: Duration::from_secs(20),
        threads: 1,
        ..Default::default()
    };
    let p = match windowplan::plan_inventory(&inv, &opts) {
        Ok(p) => p,
        other => panic!("{name}: {other:?}"),
    };
    let starts = p.starts(&inv).expect("the plan names every task");
    let v = windowplan::check::check(&inv, &starts);
    assert!(v.is_empty(), "{name}: {v:?}");
    // The JSON the CLI writes reads back to the same starts.
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        windowplan::plan::read_plan_starts(&json, &inv).unwrap(),
        starts
    );
    (inv, p)
}

fn starts(p: &Plan) -> HashMap<String, i64> {
    p.tasks
        .iter()
        .map(|t| (t.id.clone(), t.start_minute))
        .collect()
}

fn ends(p: &Plan) -> HashMap<String, i64> {
    p.tasks
        .iter()
        .map(|t| (t.id.clone(), t.end_minute))
        .collect()
}

fn service<'a>(p: &'a Plan, id: &str) -> &'a windowplan::plan::ServiceDowntime {
    p.services.iter().find(|s| s.id == id).unwrap()
}

fn md0(inv: &Inventory, p: &Plan) -> String {
    windowplan::report::markdown::render(inv, p, &[])
}

fn html0(inv: &Inventory, p: &Plan) -> String {
    windowplan::report::html::render(inv, p, &[])
}

fn optimal(p: &Plan, length: i64) {
    assert_eq!(p.length_minutes, length, "{p:#?}");
    assert_eq!(p.status, "optimal");
}

#[test]
fn metadata_is_carried_into_every_output() {
    let (inv, p) = plan("metadata.yaml");
    optimal(&p, 30);
    assert_eq!(p.meta.title.as_deref(), Some("Saturday patch night"));
    assert_eq!(p.meta.change.as_deref(), Some("CHG-2026-1114"));
    let d = &p.tasks[0].detail;
    assert_eq!(d.owner.as_deref(), Some("unix-oncall"));
    assert_eq!(d.rollback.as_deref(), Some("boot the previous kernel"));
    assert_eq!(inv.systems[0].notes.as_deref(), Some("front end in DC1"));
    assert_eq!(inv.services[0].notes.as_deref(), Some("customer facing"));
    for (what, out) in [("md", &md0(&inv, &p)), ("html", &html0(&inv, &p))] {
        for text in [
            "front end in DC1",
            "customer facing",
            "Saturday patch night",
        ] {
            assert!(out.contains(text), "{what} lacks {text}");
        }
    }
    let json = serde_json::to_string(&p).unwrap();
    let md = windowplan::report::markdown::render(&inv, &p, &[]);
    let csv = windowplan::report::csv::render(&inv, &p);
    let ics = windowplan::report::ics::render(&inv, &p, &[]);
    let html = windowplan::report::html::render(&inv, &p, &[]);
    for (what, out) in [("json", &json), ("md", &md), ("csv", &csv), ("html", &html)] {
        for text in ["CHG-2026-1114", "unix-oncall", "boot the previous kernel"] {
            assert!(out.contains(text), "{what} lacks {text}");
        }
    }
    assert!(
        ics.lines()
            .any(|l| l.starts_with("SUMMARY:") && l.contains("Apply OS patches")),
        "{ics}"
    );
    // Long lines are folded (RFC 5545): unfold before looking.
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("Owner: unix-oncall"), "{ics}");
}

#[test]
fn external_system_is_required_but_never_worked_on() {
    let (inv, p) = plan("external.yaml");
    optimal(&p, 30);
    assert!(inv.systems[0].external);
    assert_eq!(service(&p, "login").downtime_minutes, 30);
}

#[test]
fn unavailable_forbids_tasks_and_is_reported_apart() {
    let (_, p) = plan("unavailable.yaml");
    optimal(&p, 90);
    assert_eq!(starts(&p)["upgrade"], 60);
    let s = service(&p, "app");
    assert_eq!(
        (s.downtime_minutes, s.intervals.clone()),
        (30, vec![[60, 90]])
    );
    assert_eq!(
        (s.unavailable_minutes, s.unavailable_intervals.clone()),
        (60, vec![[0, 60]])
    );
}

#[test]
fn zone_without_limit_is_a_label_and_an_undeclared_zone_warns() {
    let (inv, p) = plan("zone-label.yaml");
    optimal(&p, 60);
    let s = starts(&p);
    // The label zone limits nothing (both at 30, after the zone blackout);
    // the undeclared zone is outside that blackout.
    assert_eq!((s["pa"], s["pb"], s["pc"]), (30, 30, 0));
    assert_eq!(inv.systems[2].zone, None);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_windowplan"))
        .args(["validate", "tests/fixtures/v11/zone-label.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning[W001]") && err.contains("`internal`"),
        "{err}"
    );
}

#[test]
fn blackout_scopes_by_cluster_service_and_team() {
    let (inv, p) = plan("blackout-scopes.yaml");
    optimal(&p, 70);
    let s = starts(&p);
    assert_eq!(s["patch-web@w1"], 60);
    assert_eq!(s["patch-web@w2"], 60);
    // `feed` feeds db-b (in the service's `any` group) through a sync
    // integration: in the service's scope.
    assert_eq!(s["patch-feed"], 40);
    assert_eq!(s["dba-check"], 20);
    assert_eq!(s["patch-other"], 0);
    assert_eq!(inv.blackouts[0].id.as_deref(), Some("web-freeze"));
}

#[test]
fn any_group_counts_failover_and_failback_switchovers() {
    let (_, p) = plan("any-switchover.yaml");
    optimal(&p, 60);
    // One member at a time is down: the group stays up, but the serving
    // member changes twice (failover at the first outage, failback after).
    let s = service(&p, "pay");
    assert_eq!(s.downtime_minutes, 10, "{s:?}");
    assert_eq!(s.intervals.len(), 2);
}

#[test]
fn steps_run_back_to_back_and_hold_the_system() {
    let (inv, p) = plan("steps.yaml");
    optimal(&p, 40);
    let (s, e) = (starts(&p), ends(&p));
    assert_eq!(s["os-patch.patch"], e["os-patch.drain"]);
    assert_eq!(s["os-patch.verify"], e["os-patch.patch"]);
    assert_eq!(s["smoke"], e["os-patch.verify"]);
    // One step is an outage: the whole sequence is.
    assert_eq!(service(&p, "shop").downtime_minutes, 30);
    let t = p.tasks.iter().find(|t| t.id == "os-patch.drain").unwrap();
    assert_eq!(t.detail.task.as_deref(), Some("os-patch"));
    assert_eq!(t.detail.step.as_deref(), Some("drain"));
    assert_eq!(t.detail.member, None);
    assert!(inv.tasks[2].read_only);
}

#[test]
fn canary_member_finishes_before_the_others_start() {
    let (_, p) = plan("canary.yaml");
    optimal(&p, 20);
    let s = starts(&p);
    assert_eq!((s["patch@w1"], s["patch@w2"], s["patch@w3"]), (0, 10, 10));
    let t = p.tasks.iter().find(|t| t.id == "patch@w2").unwrap();
    assert_eq!(t.detail.member.as_deref(), Some("w2"));
}

#[test]
fn same_member_waits_for_its_own_member_only() {
    let (_, p) = plan("same-member.yaml");
    optimal(&p, 70);
    let (s, e) = (starts(&p), ends(&p));
    for m in ["w1", "w2"] {
        assert!(s[&format!("deploy@{m}")] >= e[&format!("patch@{m}")]);
    }
    // A deploy starts before the other member's patch ends.
    assert!(s["deploy@w1"] < e["patch@w2"] || s["deploy@w2"] < e["patch@w1"]);
}

#[test]
fn after_may_name_expanded_ids() {
    let (_, p) = plan("expanded-after.yaml");
    optimal(&p, 60);
    let (s, e) = (starts(&p), ends(&p));
    assert!(s["check-w1"] >= e["patch@w1"]);
    assert_eq!(s["resync"], 10, "waits for upgrade.stop only");
}

#[test]
fn coordination_task_holds_its_team_only() {
    let (inv, p) = plan("coordination.yaml");
    optimal(&p, 20);
    let s = starts(&p);
    assert_eq!((s["go-no-go"], s["patch"], s["sign-off"]), (0, 0, 15));
    assert!(inv.tasks[0].systems.is_empty() && !inv.tasks[0].outage);
    assert_eq!(service(&p, "shop").downtime_minutes, 15);
}

#[test]
fn read_only_is_no_outage_and_no_zone_count() {
    let (inv, p) = plan("read-only.yaml");
    optimal(&p, 30);
    let s = starts(&p);
    assert_eq!((s["backup"], s["patch-gw"]), (0, 0));
    assert!(!inv.tasks[0].outage);
    assert_eq!(service(&p, "pay").downtime_minutes, 0);
}

#[test]
fn down_list_is_a_planned_outage_outside_the_cluster_allowance() {
    let (_, p) = plan("down.yaml");
    optimal(&p, 50);
    let s = starts(&p);
    // patch-app-2 runs beside the schema change (no allowance used); the
    // DR pair app-1 / dr-db keeps patch-dr out of the schema change.
    assert_eq!((s["schema"], s["patch-app-2"], s["patch-dr"]), (0, 0, 30));
    assert_eq!(service(&p, "pay").downtime_minutes, 30);
}

#[test]
fn ambiguous_local_time_is_the_earlier_instant_with_a_warning() {
    let (_, p) = plan("dst.yaml");
    // Blackout from 01:30 BST (minute 60, not 01:30 GMT at 120) to 02:30
    // GMT (minute 180): the 90m task fits only after it.
    optimal(&p, 270);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_windowplan"))
        .args(["validate", "tests/fixtures/v11/dst.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning[W002]") && err.contains("earlier"),
        "{err}"
    );
}

#[test]
fn payments_example_plans_and_checks() {
    let path = format!("{}/examples/payments.yaml", env!("CARGO_MANIFEST_DIR"));
    let inv = windowplan::load_inventory(Path::new(&path)).unwrap();
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..Default::default()
    };
    let Ok(p) = windowplan::plan_inventory(&inv, &opts) else {
        panic!("no plan")
    };
    let starts = p.starts(&inv).unwrap();
    assert!(windowplan::check::check(&inv, &starts).is_empty());
    assert_eq!(service(&p, "login").unavailable_minutes, 30);
}

// ---------------------------------------------------------------------------
// Errors (exit 2 from the CLI), each with its path and a hint.

const HEAD: &str = "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
teams: [{ id: unix, capacity: 2 }]\n\
systems: [{ id: w1 }, { id: w2 }, { id: db }, { id: saas, external: true }]\n\
clusters: [{ id: web, members: [w1, w2], max_unavailable: 1 }]\n";

fn error(body: &str, code: &str, path: &str) {
    let e = load_str(&format!("{HEAD}{body}"), Format::Yaml, "t.yaml").unwrap_err();
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.path == path)
        .unwrap_or_else(|| panic!("no {code} at {path}: {e}"));
    assert!(!d.hint.is_empty() && !d.message.is_empty());
}

#[test]
fn same_member_between_tasks_not_on_one_cluster() {
    error(
        "tasks:\n  - { id: a, cluster: web, duration: 5m, team: unix }\n  - { id: b, system: db, duration: 5m, team: unix, after: [{ task: a, same_member: true }] }\n",
        "E093",
        "tasks[1].after[0]",
    );
}

#[test]
fn canary_larger_than_the_cluster() {
    error(
        "tasks:\n  - { id: a, cluster: web, duration: 5m, team: unix, canary: 3 }\n",
        "E094",
        "tasks[0].canary",
    );
}

#[test]
fn repeated_step_id() {
    error(
        "tasks:\n  - { id: a, system: db, team: unix, steps: [{ id: s, duration: 5m }, { id: s, duration: 5m }] }\n",
        "E095",
        "tasks[0].steps[1].id",
    );
}

#[test]
fn after_naming_an_expanded_id_that_does_not_exist() {
    error(
        "tasks:\n  - { id: a, cluster: web, duration: 5m, team: unix }\n  - { id: b, system: db, duration: 5m, team: unix, after: [a@w9] }\n",
        "E096",
        "tasks[1].after[0]",
    );
    error(
        "tasks:\n  - { id: a, system: w1, team: unix, steps: [{ id: s, duration: 5m }] }\n  - { id: b, system: db, duration: 5m, team: unix, after: [a.t] }\n",
        "E096",
        "tasks[1].after[0]",
    );
}

#[test]
fn task_naming_an_external_system() {
    error(
        "tasks:\n  - { id: a, system: saas, duration: 5m, team: unix }\n",
        "E092",
        "tasks[0].system",
    );
}

#[test]
fn any_group_with_one_member_or_an_unknown_member() {
    error(
        "services: [{ id: s, requires: [{ any: [db] }] }]\n",
        "E097",
        "services[0].requires[0].any",
    );
    error(
        "services: [{ id: s, requires: [{ any: [db, dbb] }] }]\n",
        "E097",
        "services[0].requires[0].any[1]",
    );
}

#[test]
fn down_list_naming_a_system_the_task_holds() {
    error(
        "tasks:\n  - { id: a, system: db, duration: 5m, team: unix, down: [db] }\n",
        "E098",
        "tasks[0].down[0]",
    );
}

#[test]
fn cli_exit_code_2_for_an_invalid_11_inventory() {
    let dir = std::env::temp_dir().join(format!("wp-v11-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.yaml");
    std::fs::write(
        &f,
        format!("{HEAD}tasks:\n  - {{ id: a, system: saas, duration: 5m, team: unix }}\n"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_windowplan"))
        .arg("validate")
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("E092") && err.contains("tasks[0].system"),
        "{err}"
    );
}

#[test]
fn generated_format11_estate_validates_and_plans() {
    let mut estate = windowplan::bench::generate::generate(300, 1);
    windowplan::bench::generate::to_format11(&mut estate);
    let text = serde_json::to_string(&estate).unwrap();
    assert!(text.contains("\"steps\"") && text.contains("\"same_member\":true"));
    let inv = load_str(&text, Format::Json, "gen.json").unwrap_or_else(|e| panic!("{e}"));
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..Default::default()
    };
    let Ok(p) = windowplan::plan_inventory(&inv, &opts) else {
        panic!("no plan")
    };
    let starts = p.starts(&inv).unwrap();
    assert!(windowplan::check::check(&inv, &starts).is_empty());
}
