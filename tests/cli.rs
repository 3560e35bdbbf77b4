//! The command line: every subcommand, every exit code, and bad input with
//! the message a user sees.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn validate_accepts_the_examples() {
    for name in ["bank.yaml", "quickstart.yaml"] {
        windowplan()
            .args(["validate"])
            .arg(example(name))
            .assert()
            .success()
            .stdout(predicate::str::contains("valid"));
    }
}

#[test]
fn malformed_yaml_reports_line_and_exits_2() {
    windowplan()
        .arg("validate")
        .arg(fixture("malformed.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line"));
}

#[test]
fn cycle_names_every_task_and_exits_2() {
    windowplan()
        .arg("plan")
        .arg(fixture("cycle.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cycle"))
        .stderr(
            predicate::str::contains("a")
                .and(predicate::str::contains("b"))
                .and(predicate::str::contains("c")),
        );
}

#[test]
fn unknown_id_is_named_with_a_suggestion() {
    windowplan()
        .arg("validate")
        .arg(fixture("unknown.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tasks[0].system"))
        .stderr(predicate::str::contains("core-bd"))
        .stderr(predicate::str::contains("core-db"));
}

#[test]
fn impossible_capacity_exits_2() {
    windowplan()
        .arg("validate")
        .arg(fixture("capacity.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dba"));
}

#[test]
fn missing_file_exits_2() {
    windowplan()
        .args(["plan", "no-such-inventory.yaml"])
        .assert()
        .code(2);
}

#[test]
fn deadline_shorter_than_critical_path_prints_the_path_and_exits_1() {
    windowplan()
        .arg("plan")
        .arg(fixture("tight-deadline.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("backup").and(predicate::str::contains("patch-app")));
}

#[test]
fn blackout_over_the_only_window_exits_1() {
    windowplan()
        .args(["plan", "--time-limit", "1s"])
        .arg(fixture("blackout-swallows-window.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("patch-dwh"));
}

#[test]
fn contradicting_max_lags_exit_1() {
    windowplan()
        .args(["plan", "--time-limit", "1s"])
        .arg(fixture("max-lag-contradiction.yaml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("start-app").or(predicate::str::contains("stop-app")));
}

#[test]
fn plan_table_then_json_then_check() {
    windowplan()
        .args(["plan", "--time-limit", "2s", "--threads", "1"])
        .arg(example("bank.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("schema-v42"));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    windowplan()
        .args([
            "plan",
            "--time-limit",
            "2s",
            "--threads",
            "1",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .arg(example("bank.yaml"))
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(plan["format"], "windowplan-plan/1");
    assert!(plan["length_minutes"].as_i64().unwrap() <= 480);

    windowplan()
        .arg("check")
        .arg(example("bank.yaml"))
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("keeps every rule"));
}

#[test]
fn check_finds_a_hand_made_violation_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("hand.json");
    // Both web servers patched at once, while the cluster needs one up.
    std::fs::write(
        &plan,
        r#"{ "tasks": [
            { "id": "backup-db", "start_minute": 0 },
            { "id": "patch-db", "start_minute": 20 },
            { "id": "patch-web@web-1", "start": "2026-12-05T22:00" },
            { "id": "patch-web@web-2", "start": "2026-12-05T22:00" },
            { "id": "smoke-test", "start_minute": 60 } ] }"#,
    )
    .unwrap();
    windowplan()
        .arg("check")
        .arg(example("quickstart.yaml"))
        .arg(&plan)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("web"));
}

#[test]
fn check_rejects_a_plan_naming_an_unknown_task() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bad.json");
    std::fs::write(
        &plan,
        r#"{ "tasks": [ { "id": "nope", "start_minute": 0 } ] }"#,
    )
    .unwrap();
    windowplan()
        .arg("check")
        .arg(example("quickstart.yaml"))
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope"));
}

#[test]
fn graph_prints_dot_and_json() {
    windowplan()
        .arg("graph")
        .arg(example("quickstart.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("digraph"));
    let out = windowplan()
        .args(["graph", "--format", "json"])
        .arg(example("quickstart.yaml"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v.is_object());
}

#[test]
fn unwritable_output_exits_2_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing-folder").join("plan.json");
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(&out)
        .arg(example("quickstart.yaml"))
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn plan_writes_every_report_format() {
    let dir = tempfile::tempdir().unwrap();
    for (format, marker) in [
        ("md", "# Maintenance window"),
        ("csv", "start_minute"),
        ("ics", "BEGIN:VCALENDAR"),
        ("html", "<svg"),
        ("svg", "<svg"),
    ] {
        let out = dir.path().join(format!("plan.{format}"));
        windowplan()
            .args([
                "plan",
                "--time-limit",
                "1s",
                "--threads",
                "1",
                "--format",
                format,
                "-o",
            ])
            .arg(&out)
            .arg(example("quickstart.yaml"))
            .assert()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(marker), "{format} output lacks {marker:?}");
        assert!(text.contains("patch-db"), "{format} output lacks a task");
    }
}

#[test]
fn report_renders_a_saved_plan_and_refuses_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(&plan)
        .arg(example("quickstart.yaml"))
        .assert()
        .success();
    windowplan()
        .args(["report", "--format", "md"])
        .arg(example("quickstart.yaml"))
        .arg(&plan)
        .assert()
        .success()
        .stdout(predicate::str::contains("Runbook").or(predicate::str::contains("runbook")));

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"[ { "id": "backup-db", "start_minute": 0 }, { "id": "patch-db", "start_minute": 0 },
            { "id": "patch-web@web-1", "start_minute": 0 }, { "id": "patch-web@web-2", "start_minute": 30 },
            { "id": "smoke-test", "start_minute": 60 } ]"#,
    )
    .unwrap();
    windowplan()
        .args(["report", "--format", "md"])
        .arg(example("quickstart.yaml"))
        .arg(&broken)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("patch-db"));
}

#[test]
fn plan_reads_a_psplib_instance() {
    let out = windowplan()
        .args([
            "plan",
            "--time-limit",
            "1s",
            "--threads",
            "1",
            "--format",
            "json",
        ])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/j301_1.sm"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["tasks"].as_array().unwrap().len(), 32);
    assert!(v["tasks"][0]["start_minute"].is_i64());
    let length = v["length_minutes"].as_i64().unwrap();
    assert!(
        (43..=50).contains(&length),
        "j301_1 has optimum 43, got {length}"
    );
}

#[test]
fn bench_runs_the_fixture_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    std::fs::copy(data.join("j301_1.sm"), dir.path().join("j301_1.sm")).unwrap();
    let reference = dir.path().join("ref.csv");
    std::fs::write(
        &reference,
        "instance,best_makespan,status\nj301_1,43,optimal\n",
    )
    .unwrap();
    windowplan()
        .args([
            "bench",
            "--format",
            "psplib",
            "--time-limit",
            "500ms",
            "--threads",
            "1",
            "--reference",
        ])
        .arg(&reference)
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("1"));

    // A schedule shorter than a claimed optimum is a contradiction the run reports.
    std::fs::write(
        &reference,
        "instance,best_makespan,status\nj301_1,50,optimal\n",
    )
    .unwrap();
    windowplan()
        .args([
            "bench",
            "--format",
            "psplib",
            "--time-limit",
            "500ms",
            "--threads",
            "1",
            "--reference",
        ])
        .arg(&reference)
        .arg(dir.path())
        .assert()
        .code(1);
}

fn scenario(name: &str) -> PathBuf {
    example("scenarios").join(name)
}

#[test]
fn schema_prints_the_shipped_schema() {
    let out = windowplan().arg("schema").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let shipped = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/inventory.schema.json"),
    )
    .unwrap();
    assert_eq!(text, shipped);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn whatif_compares_the_four_bank_scenarios() {
    let out = windowplan()
        .args(["whatif", "--time-limit", "1s", "--format", "json"])
        .arg(example("bank.yaml"))
        .arg("--scenario")
        .arg(scenario("one-more-dba.yaml"))
        .arg("--scenario")
        .arg(scenario("vendor-all-night.yaml"))
        .arg("--scenario")
        .arg(scenario("web-two-down.yaml"))
        .arg("--scenario")
        .arg(scenario("dr-primary-first.yaml"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["base"]["scenario"], "base");
    let rows = v["scenarios"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    for r in rows {
        assert_eq!(r["result"], "planned", "{r}");
        assert!(r["length_minutes"].as_i64().unwrap() > 0);
        assert_eq!(r["deadline_met"], true);
    }
    windowplan()
        .args(["whatif", "--time-limit", "1s"])
        .arg(example("bank.yaml"))
        .arg("--scenario")
        .arg(scenario("one-more-dba.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("one more DBA"))
        .stdout(predicate::str::contains("Δ vs base"));
}

#[test]
fn whatif_names_a_scenario_that_breaks_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: ghost team\npatch:\n  tasks:\n    pre-checks: { team: ghosts }\n",
    )
    .unwrap();
    windowplan()
        .args(["whatif", "--time-limit", "1s"])
        .arg(example("bank.yaml"))
        .arg("--scenario")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scenario `ghost team`"))
        .stderr(predicate::str::contains("E030"));
}

#[test]
fn risk_reports_percentiles_and_is_deterministic() {
    let run = || {
        let out = windowplan()
            .args([
                "risk",
                "--samples",
                "300",
                "--seed",
                "4",
                "--time-limit",
                "1s",
                "--format",
                "json",
            ])
            .arg(fixture("backout.yaml"))
            .assert()
            .success();
        serde_json::from_slice::<serde_json::Value>(&out.get_output().stdout).unwrap()
    };
    let a = run();
    assert_eq!(a["samples"], 300);
    assert_eq!(a["uncertain_tasks"], 1);
    let p50 = a["p50_minutes"].as_i64().unwrap();
    let p95 = a["p95_minutes"].as_i64().unwrap();
    assert!(
        (105..=150).contains(&p50) && p50 <= p95 && p95 <= 150,
        "{a}"
    );
    assert_eq!(a, run());
    windowplan()
        .args(["risk", "--samples", "200", "--time-limit", "1s"])
        .arg(example("bank.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("P95"))
        .stdout(predicate::str::contains("critical chain"));
}

#[test]
fn plan_reserve_backout_ends_before_the_point_of_no_return() {
    let out = windowplan()
        .args([
            "plan",
            "--time-limit",
            "2s",
            "--threads",
            "1",
            "--reserve-backout",
            "--format",
            "json",
        ])
        .arg(fixture("backout.yaml"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let upgrade = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "upgrade")
        .unwrap();
    assert!(upgrade["end_minute"].as_i64().unwrap() <= 75, "{v}");
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "md"])
        .arg(fixture("backout.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("## Backout"))
        .stdout(predicate::str::contains("Point of no return"));
}

#[test]
fn risk_keeps_the_order_of_a_saved_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    // The upgrade first (0–60), the patch after it (60–120).
    std::fs::write(
        &plan,
        r#"{ "tasks": [ { "id": "upgrade", "start_minute": 0 }, { "id": "patch", "start_minute": 60 } ] }"#,
    )
    .unwrap();
    let out = windowplan()
        .args(["risk", "--samples", "400", "--format", "json"])
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["planned_minutes"], 120);
    // The upgrade (45m–1h30m) then the 1h patch: 1h45m to 2h30m; the 2h
    // deadline holds only when the upgrade takes at most an hour.
    let p = v["p_deadline"].as_f64().unwrap();
    assert!(p > 0.2 && p < 0.6, "{v}");
    // Both tasks on one system at once: the plan is refused.
    std::fs::write(
        &plan,
        r#"{ "tasks": [ { "id": "upgrade", "start_minute": 0 }, { "id": "patch", "start_minute": 30 } ] }"#,
    )
    .unwrap();
    windowplan()
        .args(["risk", "--samples", "10"])
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .code(1);
}

#[test]
fn check_reserve_backout_flags_a_task_past_its_point_of_no_return() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    // The patch first, the upgrade last: it ends at 00:00, 45m after 23:15.
    std::fs::write(
        &plan,
        r#"{ "tasks": [ { "id": "patch", "start_minute": 0 }, { "id": "upgrade", "start_minute": 60 } ] }"#,
    )
    .unwrap();
    windowplan()
        .arg("check")
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .success();
    windowplan()
        .args(["check", "--reserve-backout"])
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("point of no return 23:15"));
    // What `plan --reserve-backout` writes passes the stricter check.
    windowplan()
        .args([
            "plan",
            "--time-limit",
            "2s",
            "--threads",
            "1",
            "--reserve-backout",
            "--format",
            "json",
            "-o",
        ])
        .arg(&plan)
        .arg(fixture("backout.yaml"))
        .assert()
        .success();
    windowplan()
        .args(["check", "--reserve-backout"])
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .success();
}

#[test]
fn outage_alignment_halves_the_shop_downtime() {
    // Patched one after the other the shop would be down 60 minutes; the
    // default objective keeps the window at 1h and aligns the two outages.
    for seed in ["1", "2", "3"] {
        let out = windowplan()
            .args([
                "plan",
                "--time-limit",
                "1s",
                "--threads",
                "1",
                "--format",
                "json",
                "--seed",
                seed,
            ])
            .arg(example("alignment.yaml"))
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["length_minutes"], 60);
        assert_eq!(v["services"][0]["downtime_minutes"], 30, "seed {seed}");
    }
}

#[test]
fn bank_online_banking_aligned_within_a_hard_95_minute_limit() {
    // The SaaS connector's outage (sync into the app tier) must sit inside
    // core-db-a's two back-to-back outages (95 minutes together).
    let text = std::fs::read_to_string(example("bank.yaml"))
        .unwrap()
        .replace(
            "    requires: [lb-pair, web-tier, app-tier, mq, core-db-a]\n",
            "    requires: [lb-pair, web-tier, app-tier, mq, core-db-a]\n    max_downtime: 95m\n",
        );
    assert!(text.contains("max_downtime: 95m"));
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("bank95.yaml");
    std::fs::write(&inv, text).unwrap();
    let out = windowplan()
        .args(["plan", "--time-limit", "3s", "--format", "json"])
        .arg(&inv)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let banking = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "online-banking")
        .unwrap();
    assert_eq!(banking["downtime_minutes"], 95);
}
