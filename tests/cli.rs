//! The command line: every subcommand, every exit code, and bad input with
//! the message a user sees.

mod common;

use common::*;
use predicates::prelude::*;
use std::path::PathBuf;

#[test]
fn validate_accepts_the_examples() {
    for name in ["bank.yaml", "quickstart.yaml"] {
        prints(
            windowplan().args(["validate"]).arg(example(name)),
            &["valid"],
        );
    }
}

#[test]
fn malformed_yaml_reports_line_and_exits_2() {
    exits_with(
        windowplan().arg("validate").arg(fixture("malformed.yaml")),
        2,
        &["line"],
    );
}

#[test]
fn cycle_names_every_task_and_exits_2() {
    exits_with(
        windowplan().arg("plan").arg(fixture("cycle.yaml")),
        2,
        &["cycle", "a", "b", "c"],
    );
}

#[test]
fn unknown_id_is_named_with_a_suggestion() {
    exits_with(
        windowplan().arg("validate").arg(fixture("unknown.yaml")),
        2,
        &["tasks[0].system", "core-bd", "core-db"],
    );
}

#[test]
fn impossible_capacity_exits_2() {
    exits_with(
        windowplan().arg("validate").arg(fixture("capacity.yaml")),
        2,
        &["dba"],
    );
}

#[test]
fn missing_file_exits_2() {
    exits_with(
        windowplan().args(["plan", "no-such-inventory.yaml"]),
        2,
        &[],
    );
}

#[test]
fn deadline_shorter_than_critical_path_prints_the_path_and_exits_1() {
    exits_with(
        windowplan().arg("plan").arg(fixture("tight-deadline.yaml")),
        1,
        &["backup", "patch-app"],
    );
}

#[test]
fn blackout_over_the_only_window_exits_1() {
    exits_with(
        windowplan()
            .args(["plan", "--time-limit", "1s"])
            .arg(fixture("blackout-swallows-window.yaml")),
        1,
        &["patch-dwh"],
    );
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
    prints(
        plan_one_thread("2s").arg(example("bank.yaml")),
        &["schema-v42"],
    );

    let dir = tempdir();
    let out = dir.path().join("plan.json");
    plan_one_thread("2s")
        .args(["--format", "json", "-o"])
        .arg(&out)
        .arg(example("bank.yaml"))
        .assert()
        .success();
    let plan = read_json(&out);
    assert_eq!(plan["format"], "windowplan-plan/1");
    assert!(plan["length_minutes"].as_i64().unwrap() <= 480);

    prints(
        windowplan()
            .arg("check")
            .arg(example("bank.yaml"))
            .arg(&out),
        &["keeps every rule"],
    );
}

#[test]
fn check_finds_a_hand_made_violation_and_exits_1() {
    // Both web servers patched at once, while the cluster needs one up.
    let (_dir, plan) = temp_file(
        "hand.json",
        r#"{ "tasks": [
            { "id": "backup-db", "start_minute": 0 },
            { "id": "patch-db", "start_minute": 20 },
            { "id": "patch-web@web-1", "start": "2026-12-05T22:00" },
            { "id": "patch-web@web-2", "start": "2026-12-05T22:00" },
            { "id": "smoke-test", "start_minute": 60 } ] }"#,
    );
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
    let (_dir, plan) = temp_file(
        "bad.json",
        r#"{ "tasks": [ { "id": "nope", "start_minute": 0 } ] }"#,
    );
    exits_with(
        windowplan()
            .arg("check")
            .arg(example("quickstart.yaml"))
            .arg(&plan),
        2,
        &["nope"],
    );
}

#[test]
fn graph_prints_dot_and_json() {
    prints(
        windowplan().arg("graph").arg(example("quickstart.yaml")),
        &["digraph"],
    );
    let v = json_of(
        windowplan()
            .args(["graph", "--format", "json"])
            .arg(example("quickstart.yaml")),
    );
    assert!(v.is_object());
}

#[test]
fn unwritable_output_exits_2_and_leaves_no_file() {
    let dir = tempdir();
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
    let dir = tempdir();
    for (format, marker) in [
        ("md", "# Maintenance window"),
        ("csv", "start_minute"),
        ("ics", "BEGIN:VCALENDAR"),
        ("html", "<svg"),
        ("svg", "<svg"),
    ] {
        let out = dir.path().join(format!("plan.{format}"));
        plan_one_thread("1s")
            .args(["--format", format, "-o"])
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
    let dir = tempdir();
    let plan = dir.path().join("plan.json");
    save_plan(&example("quickstart.yaml"), &plan);
    windowplan()
        .args(["report", "--format", "md"])
        .arg(example("quickstart.yaml"))
        .arg(&plan)
        .assert()
        .success()
        .stdout(predicate::str::contains("Runbook").or(predicate::str::contains("runbook")));

    let broken = write(
        &dir,
        "broken.json",
        r#"[ { "id": "backup-db", "start_minute": 0 }, { "id": "patch-db", "start_minute": 0 },
            { "id": "patch-web@web-1", "start_minute": 0 }, { "id": "patch-web@web-2", "start_minute": 30 },
            { "id": "smoke-test", "start_minute": 60 } ]"#,
    );
    exits_with(
        windowplan()
            .args(["report", "--format", "md"])
            .arg(example("quickstart.yaml"))
            .arg(&broken),
        1,
        &["patch-db"],
    );
}

#[test]
fn plan_reads_a_psplib_instance() {
    let v = json_of(
        plan_one_thread("1s")
            .args(["--format", "json"])
            .arg(data("j301_1.sm")),
    );
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
    let dir = tempdir();
    std::fs::copy(data("j301_1.sm"), dir.path().join("j301_1.sm")).unwrap();
    let bench = |best: &str| {
        let reference = write(
            &dir,
            "ref.csv",
            format!("instance,best_makespan,status\nj301_1,{best},optimal\n"),
        );
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
    };
    bench("43").success().stdout(predicate::str::contains("1"));
    // A schedule shorter than a claimed optimum is a contradiction the run reports.
    bench("50").code(1);
}

fn scenario(name: &str) -> PathBuf {
    example("scenarios").join(name)
}

#[test]
fn schema_prints_the_shipped_schema() {
    let out = windowplan().arg("schema").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let shipped = std::fs::read_to_string(root().join("schema/inventory.schema.json")).unwrap();
    assert_eq!(text, shipped);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn whatif_compares_the_four_bank_scenarios() {
    let mut cmd = windowplan();
    cmd.args(["whatif", "--time-limit", "1s", "--format", "json"])
        .arg(example("bank.yaml"));
    for name in [
        "one-more-dba.yaml",
        "vendor-all-night.yaml",
        "web-two-down.yaml",
        "dr-primary-first.yaml",
    ] {
        cmd.arg("--scenario").arg(scenario(name));
    }
    let v = json_of(&mut cmd);
    assert_eq!(v["base"]["scenario"], "base");
    let rows = v["scenarios"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    for r in rows {
        assert_eq!(r["result"], "planned", "{r}");
        assert!(r["length_minutes"].as_i64().unwrap() > 0);
        assert_eq!(r["deadline_met"], true);
    }
    prints(
        windowplan()
            .args(["whatif", "--time-limit", "1s"])
            .arg(example("bank.yaml"))
            .arg("--scenario")
            .arg(scenario("one-more-dba.yaml")),
        &["one more DBA", "Δ vs base"],
    );
}

#[test]
fn whatif_names_a_scenario_that_breaks_the_inventory() {
    let (_dir, bad) = temp_file(
        "bad.yaml",
        "name: ghost team\npatch:\n  tasks:\n    pre-checks: { team: ghosts }\n",
    );
    exits_with(
        windowplan()
            .args(["whatif", "--time-limit", "1s"])
            .arg(example("bank.yaml"))
            .arg("--scenario")
            .arg(&bad),
        2,
        &["scenario `ghost team`", "E030"],
    );
}

#[test]
fn risk_reports_percentiles_and_is_deterministic() {
    let run = || {
        json_of(
            windowplan()
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
                .arg(fixture("backout.yaml")),
        )
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
    prints(
        windowplan()
            .args(["risk", "--samples", "200", "--time-limit", "1s"])
            .arg(example("bank.yaml")),
        &["P95", "critical chain"],
    );
}

#[test]
fn plan_reserve_backout_ends_before_the_point_of_no_return() {
    let v = json_of(
        plan_one_thread("2s")
            .args(["--reserve-backout", "--format", "json"])
            .arg(fixture("backout.yaml")),
    );
    let upgrade = entry(&v["tasks"], "id", "upgrade");
    assert!(upgrade["end_minute"].as_i64().unwrap() <= 75, "{v}");
    prints(
        windowplan()
            .args(["plan", "--time-limit", "1s", "--format", "md"])
            .arg(fixture("backout.yaml")),
        &["## Backout", "Point of no return"],
    );
}

/// A saved plan `{ "tasks": [ { "id": ID, "start_minute": START }, .. ] }`,
/// the tasks in the order given.
fn saved_plan(dir: &tempfile::TempDir, starts: &[(&str, i64)]) -> PathBuf {
    let tasks: Vec<String> = starts
        .iter()
        .map(|(id, start)| format!(r#"{{ "id": "{id}", "start_minute": {start} }}"#))
        .collect();
    write(
        dir,
        "plan.json",
        format!(r#"{{ "tasks": [ {} ] }}"#, tasks.join(", ")),
    )
}

#[test]
fn risk_keeps_the_order_of_a_saved_plan() {
    let dir = tempdir();
    // The upgrade first (0–60), the patch after it (60–120).
    let plan = saved_plan(&dir, &[("upgrade", 0), ("patch", 60)]);
    let v = json_of(
        windowplan()
            .args(["risk", "--samples", "400", "--format", "json"])
            .arg(fixture("backout.yaml"))
            .arg(&plan),
    );
    assert_eq!(v["planned_minutes"], 120);
    // The upgrade (45m–1h30m) then the 1h patch: 1h45m to 2h30m; the 2h
    // deadline holds only when the upgrade takes at most an hour.
    let p = v["p_deadline"].as_f64().unwrap();
    assert!(p > 0.2 && p < 0.6, "{v}");
    // Both tasks on one system at once: the plan is refused.
    let plan = saved_plan(&dir, &[("upgrade", 0), ("patch", 30)]);
    windowplan()
        .args(["risk", "--samples", "10"])
        .arg(fixture("backout.yaml"))
        .arg(&plan)
        .assert()
        .code(1);
}

#[test]
fn check_reserve_backout_flags_a_task_past_its_point_of_no_return() {
    let dir = tempdir();
    // The patch first, the upgrade last: it ends at 00:00, 45m after 23:15.
    let plan = saved_plan(&dir, &[("patch", 0), ("upgrade", 60)]);
    let check = |args: &[&str]| {
        windowplan()
            .args(args)
            .arg(fixture("backout.yaml"))
            .arg(&plan)
            .assert()
    };
    check(&["check"]).success();
    check(&["check", "--reserve-backout"])
        .code(1)
        .stdout(predicate::str::contains("point of no return 23:15"));
    // What `plan --reserve-backout` writes passes the stricter check.
    plan_one_thread("2s")
        .args(["--reserve-backout", "--format", "json", "-o"])
        .arg(&plan)
        .arg(fixture("backout.yaml"))
        .assert()
        .success();
    check(&["check", "--reserve-backout"]).success();
}

#[test]
fn outage_alignment_halves_the_shop_downtime() {
    // Patched one after the other the shop would be down 60 minutes; the
    // default objective keeps the window at 1h and aligns the two outages.
    for seed in ["1", "2", "3"] {
        let v = json_of(
            plan_one_thread("1s")
                .args(["--format", "json", "--seed", seed])
                .arg(example("alignment.yaml")),
        );
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
    let (_dir, inv) = temp_file("bank95.yaml", text);
    let v = json_of(
        windowplan()
            .args(["plan", "--time-limit", "3s", "--format", "json"])
            .arg(&inv),
    );
    let banking = entry(&v["services"], "id", "online-banking");
    assert_eq!(banking["downtime_minutes"], 95);
}

/// The CAB pack written with `-o` has its Gantt chart written beside it
/// (a whole SVG, no temporary file left), and links it; printed to stdout
/// it links nothing.
#[test]
fn markdown_pack_writes_the_chart_it_links() {
    let dir = tempdir();
    let pack = dir.path().join("pack.md");
    plan_one_thread("1s")
        .args(["--format", "md", "-o"])
        .arg(&pack)
        .arg(fixture("backout.yaml"))
        .assert()
        .success();
    let md = std::fs::read_to_string(&pack).unwrap();
    assert!(md.contains("![Gantt chart](pack.gantt.svg)"), "{md}");
    let svg = std::fs::read_to_string(dir.path().join("pack.gantt.svg"))
        .expect("pack.gantt.svg beside the pack");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("upgrade") && svg.contains("class=\"pnr\""));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["pack.gantt.svg", "pack.md"]);

    let out = plan_one_thread("1s")
        .args(["--format", "md"])
        .arg(fixture("backout.yaml"))
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(!md.contains("](gantt.svg)"), "{md}");
    assert!(!md.contains(".gantt.svg)"), "{md}");
}

/// Two packs written into one folder keep a chart each: the chart is
/// named after its pack (#21 item 10).
#[test]
fn two_packs_in_one_folder_keep_their_own_charts() {
    let dir = tempdir();
    for (name, fixture_name) in [("night a.md", "backout.yaml"), ("b.md", "backout.yaml")] {
        plan_one_thread("1s")
            .args(["--format", "md", "-o"])
            .arg(dir.path().join(name))
            .arg(fixture(fixture_name))
            .assert()
            .success();
    }
    let a = std::fs::read_to_string(dir.path().join("night a.md")).unwrap();
    assert!(a.contains("![Gantt chart](night%20a.gantt.svg)"), "{a}");
    let b = std::fs::read_to_string(dir.path().join("b.md")).unwrap();
    assert!(b.contains("![Gantt chart](b.gantt.svg)"), "{b}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["b.gantt.svg", "b.md", "night a.gantt.svg", "night a.md"]
    );
}
