//! `windowplan explain`: the critical chain and bottlenecks of a plan, and
//! the conflict set of an inventory without one.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

fn bank() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bank.yaml")
}

const INFEASIBLE: &str = r#"
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T00:00 }
systems: [{ id: dwh }, { id: other }]
blackouts:
  - { from: 2026-12-05T22:00, to: 2026-12-05T23:30, reason: nightly ETL }
  - { from: 2026-12-06T02:00, to: 2026-12-06T03:00, scope: { systems: [other] }, reason: backups }
tasks:
  - { id: dwh-patch, system: dwh, duration: 60m }
  - { id: other-patch, system: other, duration: 10m }
"#;

#[test]
fn explains_the_bank_in_words() {
    windowplan()
        .args(["explain", "--time-limit", "1s"])
        .arg(bank())
        .assert()
        .success()
        .stdout(predicate::str::contains("Critical chain"))
        .stdout(predicate::str::contains(
            "pre-checks: starts when the window opens",
        ))
        .stdout(predicate::str::contains("Bottlenecks"));
}

#[test]
fn json_parses() {
    let out = windowplan()
        .args(["explain", "--time-limit", "1s", "--format", "json"])
        .arg(bank())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "windowplan-explain/1");
    assert_eq!(v["outcome"], "planned");
    assert!(!v["critical_chain"].as_array().unwrap().is_empty());
    assert!(!v["bottlenecks"]["tried"].as_array().unwrap().is_empty());
}

#[test]
fn infeasible_inventory_prints_the_conflict_set_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tight.yaml");
    std::fs::write(&path, INFEASIBLE).unwrap();
    let out = windowplan()
        .args(["explain", "--time-limit", "1s"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let set: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("These rules together make"))
        .skip(1)
        .take_while(|l| l.starts_with("  - "))
        .collect();
    assert_eq!(
        set,
        vec![
            "  - window.deadline 2026-12-06T00:00",
            "  - blackouts[0] (nightly ETL) 22:00–23:30"
        ],
        "{text}"
    );
    // json: same set
    let out = windowplan()
        .args(["explain", "--time-limit", "1s", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "no_plan");
    assert_eq!(v["conflict"]["rules"].as_array().unwrap().len(), 2);
    assert_eq!(v["conflict"]["set_proven"], true);
}

#[test]
fn explains_a_given_plan_and_refuses_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(&plan)
        .arg(bank())
        .assert()
        .success();
    windowplan()
        .args(["explain", "--time-limit", "1s"])
        .arg(bank())
        .arg(&plan)
        .assert()
        .success()
        .stdout(predicate::str::contains("the given plan"));
    // Every task at the window start breaks rules: exit 1, nothing explained.
    let text = std::fs::read_to_string(&plan).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for t in v["tasks"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("start");
        t["start_minute"] = 0.into();
    }
    std::fs::write(&plan, v.to_string()).unwrap();
    windowplan()
        .args(["explain", "--time-limit", "1s"])
        .arg(bank())
        .arg(&plan)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("breaks the rules"));
}

#[test]
fn unreadable_inventory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "window: [not, a, window]\n").unwrap();
    windowplan()
        .arg("explain")
        .arg(&path)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
}

#[test]
fn availability_names_the_single_points_and_verifies_suggestions() {
    let out = Command::cargo_bin("windowplan")
        .unwrap()
        .args(["availability", "--format", "json", "--time-limit", "2s"])
        .arg(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bank.yaml"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let payments = v
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "card-payments")
        .unwrap();
    // core-db-a carries patch-db-a (50m) and schema-v42 (45m), one at a time.
    assert_eq!(payments["least_downtime_minutes"], 95);
    assert_eq!(payments["single_points"][0]["system"], "core-db-a");
    assert_eq!(payments["suggestions"][0]["downtime_minutes"], 0);
}
