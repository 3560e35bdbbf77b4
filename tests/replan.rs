//! `windowplan replan`: hand-made progress files on a small night whose
//! re-plans are known by hand (tests/fixtures/replan/night.yaml: one team
//! of capacity 1, so every task runs one after the other), each re-plan
//! checked by `windowplan check`; every bad progress file refused with exit
//! 2 and nothing written; and a property: for random progress states on
//! the bank example and a generated estate, every re-plan passes the
//! checker and keeps the done tasks as given.

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn rp(name: &str) -> PathBuf {
    fixture("replan").join(name)
}

/// Runs `replan --format json -o` on the night with this progress file;
/// checks the re-plan with `check` and returns it.
#[track_caller]
fn replan(progress: &str) -> Value {
    let dir = tempdir();
    let out = dir.path().join("new.json");
    windowplan()
        .args(["replan", "--format", "json", "--threads", "1", "-o"])
        .arg(&out)
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(rp(progress))
        .assert()
        .success();
    check_ok(&rp("night.yaml"), &out);
    read_json(&out)
}

#[track_caller]
fn check_ok(inv: &Path, plan: &Path) {
    prints(
        windowplan().arg("check").arg(inv).arg(plan),
        &["keeps every rule"],
    );
}

/// (state, start_minute, end_minute) of a task.
fn task(v: &Value, id: &str) -> (String, Option<i64>, Option<i64>) {
    let t = entry(&v["tasks"], "id", id);
    (
        t["state"].as_str().unwrap().to_string(),
        t["start_minute"].as_i64(),
        t["end_minute"].as_i64(),
    )
}

fn st(state: &str, s: i64, e: i64) -> (String, Option<i64>, Option<i64>) {
    (state.to_string(), Some(s), Some(e))
}

#[test]
fn an_overrun_pushes_the_chain() {
    let v = replan("overrun.yaml");
    assert_eq!(task(&v, "backup"), st("done", 0, 30));
    assert_eq!(task(&v, "patch"), st("running", 30, 120));
    assert_eq!(task(&v, "verify"), st("planned", 120, 150));
    assert_eq!(v["length_minutes"], 210);
    assert_eq!(v["status"], "optimal");
    let r = &v["replan"];
    assert_eq!(r["now_minute"], 105);
    assert_eq!(r["remainder_minutes"], 105);
    assert_eq!(r["margin_minutes"], 30);
    assert_eq!(entry(&r["moved"], "id", "verify")["by_minutes"], 30);
    assert_eq!(r["critical_chain"][0], "patch");
    assert_eq!(r["dropped"].as_array().unwrap().len(), 0);
}

#[test]
fn a_backout_drops_its_dependants() {
    let v = replan("backout.yaml");
    assert_eq!(task(&v, "backup"), st("done", 0, 30));
    assert_eq!(task(&v, "patch"), st("backout", 60, 90));
    for id in ["verify", "report", "cleanup"] {
        assert_eq!(task(&v, id).0, "dropped");
        let reason = entry(&v["tasks"], "id", id)["reason"].as_str().unwrap();
        assert!(
            reason.contains("`patch`") && reason.contains("backed out"),
            "{reason}"
        );
    }
    assert_eq!(v["length_minutes"], 90);
}

#[test]
fn optional_tasks_are_dropped_to_hold_the_deadline() {
    let v = replan("optional.yaml");
    assert_eq!(task(&v, "patch"), st("running", 30, 180));
    assert_eq!(task(&v, "verify"), st("planned", 180, 210));
    assert_eq!(task(&v, "report").0, "dropped");
    assert_eq!(task(&v, "cleanup"), st("planned", 210, 240));
    assert_eq!(v["replan"]["left_out"], serde_json::json!(["report"]));
    assert_eq!(v["replan"]["margin_minutes"], 0);
}

#[test]
fn a_failed_skip_and_a_drop_take_their_dependants() {
    let v = replan("skip-dropped.yaml");
    assert_eq!(task(&v, "patch"), st("done", 30, 90));
    for id in ["verify", "report", "cleanup"] {
        assert_eq!(task(&v, id).0, "dropped");
    }
    let why = |id: &str| {
        entry(&v["tasks"], "id", id)["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(why("verify").contains("skipped"));
    assert!(why("report").contains("`verify`"));
}

#[test]
fn a_deadline_that_cannot_be_held_exits_1_with_the_earliest_end_and_chain() {
    let dir = tempdir();
    let out = dir.path().join("new.json");
    exits_with(
        windowplan()
            .args(["replan", "-o"])
            .arg(&out)
            .arg(rp("night.yaml"))
            .arg(rp("plan.json"))
            .arg("--progress")
            .arg(rp("missed.json")),
        1,
        // Without the optional report: verify 01:30–02:00, cleanup 02:00–02:30.
        &["cannot be held", "02:30", "patch → verify → cleanup"],
    );
    assert!(!out.exists());
}

#[test]
fn now_on_the_command_line_replaces_the_files() {
    let dir = tempdir();
    let out = dir.path().join("new.json");
    windowplan()
        .args([
            "replan",
            "--format",
            "json",
            "--now",
            "2026-12-06T00:10",
            "-o",
        ])
        .arg(&out)
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(rp("overrun.yaml"))
        .assert()
        .success();
    assert_eq!(read_json(&out)["replan"]["now_minute"], 130);
}

#[test]
fn bad_progress_files_exit_2_naming_the_entry_and_write_nothing() {
    let cases = [
        ("bad-unknown.yaml", "E101", "done[0].task"),
        ("bad-end-before-start.yaml", "E102", "done[0].end"),
        ("bad-predecessor.yaml", "E105", "done[0].task"),
        // #21 item 6: a failure before the predecessors ran, or before
        // one ended, is refused like a running task's.
        (
            "bad-failed-before-predecessor.yaml",
            "E105",
            "failed[0].task",
        ),
        ("bad-failed-before-end.yaml", "E105", "failed[0].at"),
        // #21 item 15: mistakes of a date are named, not planned.
        ("bad-done-before-window.yaml", "E102", "done[0].start"),
        ("bad-now-a-day-late.yaml", "E103", "now"),
        ("bad-now-before-start.yaml", "E103", "now"),
        ("bad-now-before-end.yaml", "E103", "done[0].end"),
        ("bad-two-states.yaml", "E104", "dropped[0]"),
        (
            "bad-no-expected-end.yaml",
            "E102",
            "running[0].expected_end",
        ),
    ];
    for (file, code, path) in cases {
        let dir = tempdir();
        let out = dir.path().join("new.json");
        let run = run(windowplan()
            .args(["replan", "-o"])
            .arg(&out)
            .arg(rp("night.yaml"))
            .arg(rp("plan.json"))
            .arg("--progress")
            .arg(rp(file)));
        assert_eq!(run.code, Some(2), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("error[{code}]: {path}")),
            "{file}: {}",
            run.stderr
        );
        assert!(!out.exists(), "{file}: nothing is written");
    }
}

#[test]
fn check_refuses_a_re_plan_that_starts_a_task_before_now() {
    let dir = tempdir();
    let mut v = replan("overrun.yaml");
    let tasks = v["tasks"].as_array_mut().unwrap();
    let t = tasks.iter_mut().find(|t| t["id"] == "cleanup").unwrap();
    t["start_minute"] = 60.into();
    t["end_minute"] = 90.into();
    t.as_object_mut().unwrap().remove("start");
    t.as_object_mut().unwrap().remove("end");
    let bad = write(&dir, "bad.json", serde_json::to_string(&v).unwrap());
    let out = run(windowplan().arg("check").arg(rp("night.yaml")).arg(&bad));
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout_text().contains("before now"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn every_format_shows_the_states() {
    for (format, words) in [
        ("table", vec!["running", "planned", "margin"]),
        ("md", vec!["| running |", "Critical chain"]),
        ("csv", vec!["id,state,", "verify,planned,"]),
        ("ics", vec!["X-WINDOWPLAN-STATE:RUNNING"]),
        ("html", vec!["class=\"now\"", "state-running", "state-done"]),
    ] {
        prints(
            windowplan()
                .args(["replan", "--format", format])
                .arg(rp("night.yaml"))
                .arg(rp("plan.json"))
                .arg("--progress")
                .arg(rp("overrun.yaml")),
            &words,
        );
    }
}

// ---- property: random progress states on the bank example and a generated estate ----

use std::sync::OnceLock;
use windowplan::analysis::replan::{ReplanOptions, ReplanResult};
use windowplan::inventory::Inventory;

/// A night to re-plan and its plan: 0 the bank example, 1 a generated
/// estate of 150 tasks whose rules bind (teams, vendor hours, DR orders).
fn night(k: usize) -> &'static (Inventory, Vec<i64>) {
    static NIGHTS: [OnceLock<(Inventory, Vec<i64>)>; 2] = [OnceLock::new(), OnceLock::new()];
    NIGHTS[k].get_or_init(|| {
        let inv = match k {
            0 => windowplan::load_inventory(&example("bank.yaml")).unwrap(),
            _ => {
                let estate = windowplan::bench::generate::generate_with(
                    150,
                    7,
                    windowplan::bench::generate::Pressure::Binding,
                );
                windowplan::load_inventory_str(
                    &estate.to_string(),
                    windowplan::inventory::Format::Json,
                    "estate",
                )
                .unwrap()
            }
        };
        let opts = windowplan::solve::SolveOptions {
            time_limit: std::time::Duration::from_secs(2),
            threads: 1,
            ..Default::default()
        };
        let Ok(plan) = windowplan::plan_inventory(&inv, &opts) else {
            panic!("night {k} plans")
        };
        let starts = plan.starts(&inv).unwrap();
        (inv, starts)
    })
}

/// A progress file for a night's plan at `now`: tasks ended by then are
/// done at their planned times, those under way are running (expected to
/// overrun by `over` minutes) or failed, and a few later ones are dropped.
fn progress_for(
    (inv, starts): &(Inventory, Vec<i64>),
    now: i64,
    over: i64,
    fail: u8,
    drop_every: usize,
) -> String {
    let local = |m: i64| inv.window.at(m).strftime("%Y-%m-%dT%H:%M").to_string();
    let mut s = format!("now: {}\ndone:\n", local(now));
    let mut running = String::from("running:\n");
    let mut failed = String::from("failed:\n");
    let mut dropped = String::from("dropped: [");
    for (i, t) in inv.tasks.iter().enumerate() {
        let (a, b) = (starts[i], starts[i] + t.duration);
        if b <= now {
            s += &format!(
                "  - {{ task: {}, start: {}, end: {} }}\n",
                t.id,
                local(a),
                local(b)
            );
        } else if a <= now {
            match (fail % 3, t.backout) {
                (1, Some(_)) => {
                    failed += &format!(
                        "  - {{ task: {}, at: {}, action: backout }}\n",
                        t.id,
                        local(now)
                    )
                }
                (2, _) => {
                    failed += &format!(
                        "  - {{ task: {}, at: {}, action: skip }}\n",
                        t.id,
                        local(now)
                    )
                }
                _ => {
                    running += &format!(
                        "  - {{ task: {}, start: {}, expected_end: {} }}\n",
                        t.id,
                        local(a),
                        local(b + over)
                    )
                }
            }
        } else if drop_every > 0 && i % drop_every == 0 {
            dropped += &format!("{}, ", t.id);
        }
    }
    let dropped = dropped.trim_end_matches(", ").to_string() + "]\n";
    let fix = |x: String, head: &str| {
        if x == head {
            format!("{}: []\n", head.trim_end_matches(":\n"))
        } else {
            x
        }
    };
    let s = if s.ends_with("done:\n") {
        s.replace("done:\n", "done: []\n")
    } else {
        s
    };
    s + &fix(running, "running:\n") + &fix(failed, "failed:\n") + &dropped
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_re_plan_passes_the_checker_and_keeps_done_tasks(
        which in 0usize..2,
        now in 0i64..400,
        over in 0i64..40,
        fail in 0u8..6,
        drop_every in 0usize..12,
    ) {
        let (inv, starts) = night(which);
        let text = progress_for(night(which), now, over, fail, drop_every);
        let p = windowplan::plan::progress_file::load_str(
            &text, windowplan::inventory::Format::Yaml, "progress", inv, None,
        );
        let p = match p {
            Ok(p) => p,
            Err(e) => panic!("{e}\n{text}"),
        };
        let opts = ReplanOptions {
            solve: windowplan::solve::SolveOptions {
                time_limit: std::time::Duration::from_millis(500),
                threads: 1,
                ..Default::default()
            },
            max_tries: 4,
            ..Default::default()
        };
        let r = windowplan::analysis::replan::replan(inv, &p, Some(starts), &opts);
        if let ReplanResult::Planned(r) = r {
            let json = windowplan::report::replan::to_json(&r);
            let violations = windowplan::check::replan::check_text(inv, &json, "re-plan").unwrap();
            prop_assert!(violations.is_empty(), "{:?}\n{}", violations, text);
            let v: Value = serde_json::from_str(&json).unwrap();
            for d in &p.done {
                let t = entry(&v["tasks"], "id", &inv.tasks[d.task].id);
                prop_assert_eq!(t["state"].as_str(), Some("done"));
                prop_assert_eq!(t["start_minute"].as_i64(), Some(d.start));
                prop_assert_eq!(t["end_minute"].as_i64(), Some(d.end));
            }
            for t in v["tasks"].as_array().unwrap() {
                if t["state"] == "planned" {
                    prop_assert!(t["start_minute"].as_i64().unwrap() >= p.now);
                }
            }
        }
    }
}

#[test]
fn a_malformed_entry_is_named() {
    let (_dir, bad) = temp_file(
        "progress.yaml",
        "now: 2026-12-05T23:00\nfailed:\n  - { task: patch, at: 2026-12-05T22:50, action: retry }\n",
    );
    let out = run(windowplan()
        .arg("replan")
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(&bad));
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("error[E100]: failed[0]"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_property_generator_gives_nights_that_plan() {
    // So the property above is not vacuous: halfway through the bank's
    // night, with overruns, failures and drops, a re-plan is found.
    for (k, now, over, fail, drop_every) in [
        (0, 60, 0, 0, 0),
        (0, 150, 10, 0, 7),
        (0, 200, 5, 2, 0),
        (1, 200, 10, 0, 5),
    ] {
        let (inv, starts) = night(k);
        let text = progress_for(night(k), now, over, fail, drop_every);
        let p = windowplan::plan::progress_file::load_str(
            &text,
            windowplan::inventory::Format::Yaml,
            "progress",
            inv,
            None,
        )
        .unwrap();
        let r =
            windowplan::analysis::replan::replan(inv, &p, Some(starts), &ReplanOptions::default());
        assert!(matches!(r, ReplanResult::Planned(_)), "{r:?}\n{text}");
    }
}

#[test]
fn tasks_past_their_point_of_no_return_are_named() {
    let inv = windowplan::load_inventory_str(
        "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T02:00 }\n\
         systems: [{ id: s }]\n\
         tasks:\n  - { id: a, system: s, duration: 30m, backout: 1h }\n  - { id: b, system: s, duration: 10m }\n",
        windowplan::inventory::Format::Yaml,
        "inline",
    )
    .unwrap();
    for (now, past) in [("00:45", vec![]), ("01:05", vec!["a"])] {
        let text = format!("now: 2026-12-06T{now}\n");
        let p = windowplan::plan::progress_file::load_str(
            &text,
            windowplan::inventory::Format::Yaml,
            "progress",
            &inv,
            None,
        )
        .unwrap();
        let ReplanResult::Planned(r) =
            windowplan::analysis::replan::replan(&inv, &p, None, &ReplanOptions::default())
        else {
            panic!("plans at {now}")
        };
        assert_eq!(r.past_no_return, past, "at {now}");
    }
}

#[test]
fn a_later_replan_starts_from_the_earlier_one() {
    // 23:45: patch expected to end at 00:00 (overrun.yaml). At 00:10 it is
    // still running, now expected at 00:30: verify moves 30m more against
    // the earlier re-plan, given as the plan.
    let dir = tempdir();
    let first = dir.path().join("first.json");
    windowplan()
        .args(["replan", "--format", "json", "-o"])
        .arg(&first)
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(rp("overrun.yaml"))
        .assert()
        .success();
    let later = write(
        &dir,
        "later.yaml",
        "now: 2026-12-06T00:10\ndone:\n  - { task: backup, start: 2026-12-05T22:00, end: 2026-12-05T22:30 }\nrunning:\n  - { task: patch, start: 2026-12-05T22:30, expected_end: 2026-12-06T00:30 }\n",
    );
    let second = dir.path().join("second.json");
    windowplan()
        .args(["replan", "--format", "json", "-o"])
        .arg(&second)
        .arg(rp("night.yaml"))
        .arg(&first)
        .arg("--progress")
        .arg(&later)
        .assert()
        .success();
    check_ok(&rp("night.yaml"), &second);
    let v = read_json(&second);
    assert_eq!(task(&v, "verify"), st("planned", 150, 180));
    assert_eq!(
        entry(&v["replan"]["moved"], "id", "verify")["by_minutes"],
        30
    );
}

#[test]
fn optional_is_a_task_field_that_defaults_to_false() {
    let inv = windowplan::load_inventory(&rp("night.yaml")).unwrap();
    let optional: Vec<bool> = inv.tasks.iter().map(|t| t.optional).collect();
    assert_eq!(optional, [false, false, false, true, false]);
    let (_dir, bad) = temp_file(
        "inv.yaml",
        "window: { start: 2026-12-05T22:00, timezone: UTC }\nsystems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: 10m, optional: maybe }\n",
    );
    let out = run(windowplan().arg("validate").arg(&bad));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("optional"), "{}", out.stderr);
}

#[test]
fn the_gantt_is_well_formed_and_marks_dropped_tasks() {
    let out = run(windowplan()
        .args(["replan", "--format", "svg"])
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(rp("backout.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let svg = out.stdout_text();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let class = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .count()
    };
    assert_eq!(class("now"), 1);
    assert_eq!(class("state-backout"), 1);
    assert_eq!(class("state-done"), 1);
    assert_eq!(class("state-dropped"), 3);
}

/// Re-plans an inline inventory from `now` with no progress: the optional
/// tasks left out, or None when the deadline cannot be held.
fn left_out(inventory: &str, now: &str) -> Option<Vec<String>> {
    let inv =
        windowplan::load_inventory_str(inventory, windowplan::inventory::Format::Yaml, "inline")
            .unwrap();
    let p = windowplan::plan::progress_file::load_str(
        &format!("now: {now}\n"),
        windowplan::inventory::Format::Yaml,
        "progress",
        &inv,
        None,
    )
    .unwrap();
    match windowplan::analysis::replan::replan(&inv, &p, None, &ReplanOptions::default()) {
        ReplanResult::Planned(r) => Some(r.left_out),
        _ => None,
    }
}

#[test]
fn the_smallest_set_of_optional_tasks_is_left_out() {
    // One team, one task at a time: 30m + 20m (optional) + 1h (optional)
    // + 40m (optional) = 2h30m; the deadline leaves 1h40m from 22:00.
    let inv = "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T23:40 }\n\
               teams: [{ id: t, capacity: 1 }]\n\
               systems: [{ id: a }, { id: b }, { id: c }, { id: d }]\n\
               tasks:\n\
               \x20 - { id: must, system: a, team: t, duration: 30m }\n\
               \x20 - { id: small, system: b, team: t, duration: 20m, optional: true }\n\
               \x20 - { id: big, system: c, team: t, duration: 1h, optional: true }\n\
               \x20 - { id: mid, system: d, team: t, duration: 40m, optional: true }\n";
    // 2h30m − 1h = 1h30m fits: one task, the big one.
    assert_eq!(
        left_out(inv, "2026-12-05T22:00"),
        Some(vec!["big".to_string()])
    );
    // From 22:20 only 1h20m is left: no single task out is enough; two
    // are, and each set of two that holds it has the big one.
    let two = left_out(inv, "2026-12-05T22:20").unwrap();
    assert_eq!(two.len(), 2, "{two:?}");
    assert!(two.contains(&"big".to_string()), "{two:?}");
    // From 23:15 not even `must` (30m) fits by 23:40.
    assert_eq!(left_out(inv, "2026-12-05T23:15"), None);
}

#[test]
fn a_running_outage_keeps_its_dr_partner_down_until_it_ends() {
    // db-a is being patched (an outage) until 23:30; its DR partner db-b
    // may not go down before then.
    let inv = windowplan::load_inventory_str(
        "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
         systems: [{ id: db-a }, { id: db-b }]\n\
         dr: [{ primary: db-a, standby: db-b }]\n\
         tasks:\n\
         \x20 - { id: patch-a, system: db-a, duration: 1h }\n\
         \x20 - { id: patch-b, system: db-b, duration: 1h }\n",
        windowplan::inventory::Format::Yaml,
        "inline",
    )
    .unwrap();
    let p = windowplan::plan::progress_file::load_str(
        "now: 2026-12-05T23:00\nrunning:\n  - { task: patch-a, start: 2026-12-05T22:30, expected_end: 2026-12-05T23:30 }\n",
        windowplan::inventory::Format::Yaml,
        "progress",
        &inv,
        None,
    )
    .unwrap();
    let ReplanResult::Planned(r) =
        windowplan::analysis::replan::replan(&inv, &p, None, &ReplanOptions::default())
    else {
        panic!("plans")
    };
    let b = r.plan.tasks.iter().find(|t| t.id == "patch-b").unwrap();
    assert_eq!(b.start_minute, 90);
}

#[test]
fn check_refuses_a_task_kept_after_a_backed_out_one() {
    let dir = tempdir();
    let mut v = replan("backout.yaml");
    let tasks = v["tasks"].as_array_mut().unwrap();
    let t = tasks.iter_mut().find(|t| t["id"] == "verify").unwrap();
    *t = serde_json::json!({"id": "verify", "state": "planned", "start_minute": 90, "end_minute": 120});
    let bad = write(&dir, "bad.json", serde_json::to_string(&v).unwrap());
    let out = run(windowplan().arg("check").arg(rp("night.yaml")).arg(&bad));
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout_text().contains("comes after patch"),
        "{}",
        out.stdout_text()
    );
}

#[test]
fn the_progress_file_is_read_within_the_size_limit() {
    let dir = tempdir();
    let mut text = String::from("now: 2026-12-05T23:00\n");
    while text.len() < 1_100_000 {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    let big = write(&dir, "big.yaml", text);
    let out = run(windowplan()
        .args(["replan", "--max-file-mb", "1"])
        .arg(rp("night.yaml"))
        .arg(rp("plan.json"))
        .arg("--progress")
        .arg(&big));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("error[E003]"), "{}", out.stderr);
}
