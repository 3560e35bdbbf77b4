//! `windowplan explain`: the critical chain and bottlenecks of a plan, and
//! the conflict set of an inventory without one.

mod common;

use assert_cmd::Command;
use common::*;
use predicates::prelude::*;
use std::path::PathBuf;

fn bank() -> PathBuf {
    example("bank.yaml")
}

/// `windowplan explain --time-limit 1s`; add the format, the inventory and
/// the plan.
fn explain() -> Command {
    let mut cmd = windowplan();
    cmd.args(["explain", "--time-limit", "1s"]);
    cmd
}

/// No plan: the only task's system is blacked out until 30 minutes before
/// a deadline it needs an hour for (shared with `src/explain/tests.rs`).
const INFEASIBLE: &str = include_str!("fixtures/deadline-and-blackout.yaml");

#[test]
fn explains_the_bank_in_words() {
    prints(
        explain().arg(bank()),
        &[
            "Critical chain",
            "pre-checks: starts when the window opens",
            "Bottlenecks",
        ],
    );
}

#[test]
fn json_parses() {
    let out = run(explain().args(["--format", "json"]).arg(bank()));
    assert_eq!(out.code, Some(0));
    let v = out.json();
    assert_eq!(v["format"], "windowplan-explain/1");
    assert_eq!(v["outcome"], "planned");
    assert!(!v["critical_chain"].as_array().unwrap().is_empty());
    assert!(!v["bottlenecks"]["tried"].as_array().unwrap().is_empty());
}

#[test]
fn infeasible_inventory_prints_the_conflict_set_and_exits_1() {
    let (_dir, path) = temp_file("tight.yaml", INFEASIBLE);
    let out = run(explain().arg(&path));
    assert_eq!(out.code, Some(1));
    let text = out.stdout_text();
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
    let out = run(explain().args(["--format", "json"]).arg(&path));
    assert_eq!(out.code, Some(1));
    let v = out.json();
    assert_eq!(v["outcome"], "no_plan");
    assert_eq!(v["conflict"]["rules"].as_array().unwrap().len(), 2);
    assert_eq!(v["conflict"]["set_proven"], true);
}

#[test]
fn explains_a_given_plan_and_refuses_a_broken_one() {
    let dir = tempdir();
    let plan = dir.path().join("plan.json");
    save_plan(&bank(), &plan);
    explain()
        .arg(bank())
        .arg(&plan)
        .assert()
        .success()
        .stdout(predicate::str::contains("the given plan"));
    // Every task at the window start breaks rules: exit 1, nothing explained.
    let mut v = read_json(&plan);
    for t in v["tasks"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("start");
        t["start_minute"] = 0.into();
    }
    std::fs::write(&plan, v.to_string()).unwrap();
    explain()
        .arg(bank())
        .arg(&plan)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("breaks the rules"));
}

#[test]
fn unreadable_inventory_exits_2() {
    let (_dir, path) = temp_file("bad.yaml", "window: [not, a, window]\n");
    windowplan()
        .arg("explain")
        .arg(&path)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
}

#[test]
fn availability_names_the_single_points_and_verifies_suggestions() {
    let v = json_of(
        windowplan()
            .args(["availability", "--format", "json", "--time-limit", "2s"])
            .arg(bank()),
    );
    let payments = entry(&v["services"], "service", "card-payments");
    // core-db-a carries patch-db-a (50m) and schema-v42 (45m), one at a time.
    assert_eq!(payments["least_downtime_minutes"], 95);
    assert_eq!(payments["single_points"][0]["system"], "core-db-a");
    assert_eq!(payments["suggestions"][0]["downtime_minutes"], 0);
}
