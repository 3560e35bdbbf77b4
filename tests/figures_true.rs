//! Issue #21, "every figure true, round 2": `check` and `report` verify the
//! claims a plan file makes about itself, re-plans drop only what a failure
//! or a drop accounts for, and the night's mistakes are named.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn rp(name: &str) -> std::path::PathBuf {
    fixture("replan").join(name)
}

/// A plan of `backout.yaml`, saved, then edited by `edit`; what `check`
/// and `report` say of the edited file.
fn edited_plan(edit: impl FnOnce(&mut Value)) -> (Run, Run) {
    edited_plan_of(&fixture("backout.yaml"), edit)
}

/// [`edited_plan`] of another inventory.
fn edited_plan_of(inv: &Path, edit: impl FnOnce(&mut Value)) -> (Run, Run) {
    let dir = tempdir();
    let saved = dir.path().join("plan.json");
    save_plan(inv, &saved);
    let mut v = read_json(&saved);
    edit(&mut v);
    let bad = write(&dir, "edited.json", serde_json::to_string(&v).unwrap());
    let check = run(windowplan().arg("check").arg(inv).arg(&bad));
    let report = run(windowplan()
        .args(["report", "--format", "md"])
        .arg(inv)
        .arg(&bad));
    (check, report)
}

#[track_caller]
fn refused(what: &str, (check, report): (Run, Run), words: &str) {
    assert_eq!(check.code, Some(1), "{what}: {}", check.stderr);
    let said = check.stdout_text();
    assert!(
        said.contains("claim  ") && said.contains(words),
        "{what}: {said}"
    );
    assert!(!said.contains("keeps every rule"), "{what}: {said}");
    assert_eq!(report.code, Some(1), "{what}: report: {}", report.stderr);
    assert!(report.stdout.is_empty(), "{what}: report wrote a pack");
    assert!(report.stderr.contains(words), "{what}: {}", report.stderr);
}

/// #21 item 5: a status raised to `optimal` with a bound below the length,
/// a bound above the length, a length, an end, a system and a service's
/// downtime edited: each is found by `check`, and `report` refuses it.
#[test]
fn check_and_report_verify_the_files_own_figures() {
    refused(
        "optimal with a lowered bound",
        edited_plan(|v| {
            let length = v["length_minutes"].as_i64().unwrap();
            v["lower_bound_minutes"] = (length - 52).into();
            v["status"] = "optimal".into();
        }),
        "says it is optimal, but its own lower bound",
    );
    refused(
        "a bound above the length",
        edited_plan(|v| {
            let length = v["length_minutes"].as_i64().unwrap();
            v["lower_bound_minutes"] = (length + 10).into();
        }),
        "above its own length",
    );
    refused(
        "a shorter window",
        edited_plan(|v| {
            let length = v["length_minutes"].as_i64().unwrap();
            v["length_minutes"] = (length - 30).into();
        }),
        "its tasks' times give",
    );
    refused(
        "an end moved",
        edited_plan(|v| {
            let t = &mut v["tasks"][0];
            let end = t["end_minute"].as_i64().unwrap();
            t["end_minute"] = (end - 5).into();
            t.as_object_mut().unwrap().remove("end");
        }),
        "is said to end at minute",
    );
    refused(
        "takes down less",
        edited_plan(|v| {
            let t = v["tasks"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|t| t.get("takes_down").is_some())
                .expect("an outage task");
            t["takes_down"] = serde_json::json!([]);
        }),
        "is said to take down []",
    );
    refused(
        "another system",
        edited_plan(|v| v["tasks"][0]["system"] = "somewhere-else".into()),
        "is said to have system \"somewhere-else\"",
    );
    refused(
        "less downtime",
        edited_plan_of(&example("quickstart.yaml"), |v| {
            let s = &mut v["services"][0];
            let d = s["downtime_minutes"].as_i64().unwrap();
            s["downtime_minutes"] = (d + 7).into();
        }),
        "its tasks' times keep it down",
    );
    // The file as written passes: the figures are the times' own.
    let (check, report) = edited_plan(|_| {});
    assert_eq!(check.code, Some(0), "{}", check.stdout_text());
    assert_eq!(report.code, Some(0), "{}", report.stderr);
}

/// The library never shows `optimal` beside a bound that contradicts it,
/// whatever file it is given.
#[test]
fn a_saved_status_the_bound_contradicts_is_not_shown() {
    let saved = windowplan::plan::SavedFigures {
        status: Some("optimal".into()),
        lower_bound_minutes: Some(10),
        length_minutes: None,
    };
    let inv = windowplan::pipeline::load_inventory(&fixture("backout.yaml")).unwrap();
    let starts = windowplan::plan::Plan::build(&inv, &vec![0; inv.tasks.len()], 0);
    let length = starts.length_minutes;
    assert!(length > 10, "the fixture's tasks last more than 10 minutes");
    let (shown, notes) = starts.as_saved(&saved, || 0);
    assert_eq!(shown.status, "feasible");
    assert!(
        notes.iter().any(|n| n.contains("says `optimal`")),
        "{notes:?}"
    );
}

fn replan_json(progress: &str, dir: &tempfile::TempDir) -> Value {
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
    read_json(&out)
}

fn check_of(inv: &Path, v: &Value, dir: &tempfile::TempDir) -> Run {
    let bad = write(dir, "edited.json", serde_json::to_string(v).unwrap());
    run(windowplan().arg("check").arg(inv).arg(&bad))
}

/// #21 item 5: a re-plan marking every task `dropped` does not pass
/// `check`; nor does one dropping a task with a reason no failure or drop
/// accounts for. The re-plan as written passes.
#[test]
fn a_re_plan_that_drops_everything_does_not_pass_check() {
    let dir = tempdir();
    let v = replan_json("overrun.yaml", &dir);
    assert_eq!(check_of(&rp("night.yaml"), &v, &dir).code, Some(0));

    let mut all = v.clone();
    for t in all["tasks"].as_array_mut().unwrap() {
        let o = t.as_object_mut().unwrap();
        o.retain(|k, _| k == "id");
        o.insert("state".into(), "dropped".into());
    }
    let out = check_of(&rp("night.yaml"), &all, &dir);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let said = out.stdout_text();
    assert!(
        said.contains("drop  ") && said.contains("nothing before it failed"),
        "{said}"
    );

    // A root drop needs the reason of one; an optional drop needs an
    // optional task.
    let mut wrong = v.clone();
    let t = wrong["tasks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["id"] == "cleanup")
        .unwrap();
    *t = serde_json::json!({
        "id": "cleanup", "state": "dropped",
        "reason": "optional: left out to hold the deadline"
    });
    let out = check_of(&rp("night.yaml"), &wrong, &dir);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout_text().contains("cleanup is dropped"),
        "{}",
        out.stdout_text()
    );
}

/// #21 item 5: the figures of a re-plan (its status against its bound)
/// are checked as a plan's are.
#[test]
fn a_re_plans_status_is_checked_against_its_bound() {
    let dir = tempdir();
    let mut v = replan_json("overrun.yaml", &dir);
    let length = v["length_minutes"].as_i64().unwrap();
    v["lower_bound_minutes"] = (length - 20).into();
    v["status"] = "optimal".into();
    let out = check_of(&rp("night.yaml"), &v, &dir);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout_text().contains("says it is optimal"),
        "{}",
        out.stdout_text()
    );
}

/// Re-plans `steps.yaml` (planned first) with `progress`; the run.
fn replan_steps(progress: &str) -> (Run, Option<Value>) {
    let dir = tempdir();
    let inv = rp("steps.yaml");
    let plan = dir.path().join("plan.json");
    save_plan(&inv, &plan);
    let progress = write(&dir, "progress.yaml", progress);
    let out = dir.path().join("new.json");
    let r = run(windowplan()
        .args(["replan", "--format", "json", "--threads", "1", "-o"])
        .arg(&out)
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress));
    let v = out.exists().then(|| read_json(&out));
    if r.code == Some(0) {
        let c = run(windowplan().arg("check").arg(&inv).arg(&out));
        assert_eq!(c.code, Some(0), "{}", c.stdout_text());
    }
    (r, v)
}

/// #21 item 13: a progress entry may name a task with steps as a whole
/// (`rolling@app-1`: every step of that member, back to back) or one step.
#[test]
fn a_progress_entry_may_name_a_task_with_steps_or_one_step() {
    let (r, v) = replan_steps(
        "now: 2026-12-05T23:20\n\
         done:\n\
         \x20 - { task: silence, start: 2026-12-05T22:00, end: 2026-12-05T22:10 }\n\
         \x20 - { task: rolling@app-1, start: 2026-12-05T22:10, end: 2026-12-05T23:10 }\n\
         \x20 - { task: rolling.drain@app-2, start: 2026-12-05T23:10, end: 2026-12-05T23:20 }\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v = v.unwrap();
    let state = |id: &str| {
        let t = entry(&v["tasks"], "id", id);
        (
            t["state"].as_str().unwrap().to_string(),
            t["start_minute"].as_i64(),
            t["end_minute"].as_i64(),
        )
    };
    let done = |s, e| ("done".to_string(), Some(s), Some(e));
    assert_eq!(state("rolling.drain@app-1"), done(10, 20));
    assert_eq!(state("rolling.patch@app-1"), done(20, 50));
    assert_eq!(state("rolling.verify@app-1"), done(50, 70));
    assert_eq!(state("rolling.drain@app-2"), done(70, 80));
    assert_eq!(state("rolling.patch@app-2").0, "planned");

    // The whole task, every member: dropped takes its dependants.
    let (r, v) = replan_steps(
        "now: 2026-12-05T22:20\n\
         done: [{ task: silence, start: 2026-12-05T22:00, end: 2026-12-05T22:10 }]\n\
         dropped: [rolling]\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v = v.unwrap();
    for id in ["rolling.patch@app-2", "rolling.verify@app-1", "unsilence"] {
        assert_eq!(entry(&v["tasks"], "id", id)["state"], "dropped", "{id}");
    }

    // A done step whose next step is not recorded, with time gone by: the
    // steps run back to back, so the file is incomplete (E105).
    let (r, _) = replan_steps(&std::fs::read_to_string(rp("bad-step-gap.yaml")).unwrap());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("error[E105]: done[2].task"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`rolling.patch@app-2`"), "{}", r.stderr);

    // A backout starts from the step that failed: a whole unit is refused,
    // naming the entry.
    let (r, _) = replan_steps(
        "now: 2026-12-05T22:40\n\
         done: [{ task: silence, start: 2026-12-05T22:00, end: 2026-12-05T22:10 }]\n\
         failed: [{ task: rolling@app-1, at: 2026-12-05T22:30, action: backout }]\n",
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("error[E105]: failed[0].task"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("name the step that failed"),
        "{}",
        r.stderr
    );
}

/// #21 item 12: what `--threads 1` promises is stated exactly (README,
/// DESIGN.md) and holds: a run the wall clock ended says so on stderr, even
/// with `-q`; two runs that give no such note are byte-identical.
#[test]
fn a_one_thread_run_repeats_or_says_it_may_not() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        !readme.contains("under any load"),
        "README promises more than the work clock holds"
    );
    assert!(readme.contains("when the work clock ends the search"));
    let design = std::fs::read_to_string(root().join("DESIGN.md")).unwrap();
    assert!(design.contains("**Repeatable one-thread plans**"));

    // The wall clock ends a search of a large estate at 200 ms (the
    // analysis alone outlasts it): the note is given, with -q too.
    let dir = tempdir();
    let estate = dir.path().join("estate.yaml");
    windowplan()
        .args(["generate", "--tasks", "3000", "--pressure", "binding", "-o"])
        .arg(&estate)
        .assert()
        .success();
    let out = run(windowplan()
        .args(["plan", "-q", "--threads", "1", "--time-limit", "200ms"])
        .args(["--format", "json", "-o", "/dev/null"])
        .arg(&estate));
    assert!(
        out.stderr.contains("another run may give a different plan"),
        "exit {:?}: {}",
        out.code,
        out.stderr
    );

    // Without the note, the run repeats byte for byte.
    let plan = |name: &str| {
        let path = dir.path().join(name);
        let out = run(windowplan()
            .args([
                "plan",
                "--threads",
                "1",
                "--time-limit",
                "5s",
                "--seed",
                "3",
            ])
            .args(["--format", "json", "-o"])
            .arg(&path)
            .arg(example("bank.yaml")));
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        (
            out.stderr.contains("another run may"),
            std::fs::read(&path).unwrap(),
        )
    };
    let (noted_a, a) = plan("a.json");
    let (noted_b, b) = plan("b.json");
    if !noted_a && !noted_b {
        assert_eq!(a, b, "two one-thread runs without the note differ");
    }
}

/// #21 item 16: every re-plan output names the window's title and change;
/// the chart has a title and a deadline line.
#[test]
fn re_plan_outputs_keep_the_windows_title_and_change() {
    let dir = tempdir();
    let night = std::fs::read_to_string(rp("night.yaml")).unwrap().replace(
        "deadline: 2026-12-06T02:00 }",
        "deadline: 2026-12-06T02:00, title: Saturday patch night, change: CHG-2026-1114 }",
    );
    let inv = write(&dir, "night.yaml", night);
    for format in ["table", "md", "csv", "html", "svg", "json"] {
        let out = run(windowplan()
            .args(["replan", "--threads", "1", "--format", format])
            .arg(&inv)
            .arg(rp("plan.json"))
            .arg("--progress")
            .arg(rp("overrun.yaml")));
        assert_eq!(out.code, Some(0), "{format}: {}", out.stderr);
        let text = out.stdout_text();
        assert!(text.contains("Saturday patch night"), "{format}: {text}");
        assert!(text.contains("CHG-2026-1114"), "{format}: {text}");
        if format == "svg" {
            assert!(text.contains("class=\"title\""), "{text}");
            assert!(text.contains("class=\"deadline\""), "{text}");
            assert!(text.contains("deadline 02:00"), "{text}");
        }
    }
}

/// #21 item 15: a progress file's mistakes exit 2 naming the entry with its
/// line and column, never "fits nowhere"; one unknown id does not cascade.
#[test]
fn progress_mistakes_are_named_with_line_and_column() {
    let cases = [
        (
            "bad-done-before-window.yaml",
            "bad-done-before-window.yaml:4:",
            "before the window opens",
        ),
        (
            "bad-now-a-day-late.yaml",
            "bad-now-a-day-late.yaml:2:",
            "after the window's deadline",
        ),
        (
            "bad-unknown-predecessor.yaml",
            "bad-unknown-predecessor.yaml:5:",
            "unknown task `bakup`",
        ),
    ];
    for (file, place, words) in cases {
        let out = run(windowplan()
            .args(["replan", "--threads", "1"])
            .arg(rp("night.yaml"))
            .arg(rp("plan.json"))
            .arg("--progress")
            .arg(rp(file)));
        assert_eq!(out.code, Some(2), "{file}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{file}: {}", out.stderr);
        assert!(out.stderr.contains(words), "{file}: {}", out.stderr);
        assert!(
            !out.stderr.contains("fits nowhere"),
            "{file}: {}",
            out.stderr
        );
        assert_eq!(
            out.stderr.matches("error[").count(),
            1,
            "{file}: one mistake, one error: {}",
            out.stderr
        );
    }
}

/// An insurer's night on which the clocks go back (Europe/London, 25
/// October 2026), with a blackout and a vendor outage dated a day off.
const CLOCKS_GO_BACK: &str = "\
window: { start: 2026-10-24T23:00, timezone: Europe/London, deadline: 2026-10-25T04:00 }
teams: [{ id: ops, capacity: 2 }]
systems:
  - id: policy-db
  - id: broker-api
    unavailable:
      - { from: 2026-10-26T01:00, to: 2026-10-26T02:00, reason: vendor maintenance }
blackouts:
  - { id: batch, from: 2026-10-24T01:00, to: 2026-10-24T02:00, reason: nightly batch }
  - { id: handover, from: 2026-10-25T01:30, to: 2026-10-25T01:45, reason: shift handover, scope: { systems: [broker-api] } }
tasks:
  - { id: patch-db, system: policy-db, duration: 1h, team: ops }
  - { id: patch-api, system: broker-api, duration: 1h, team: ops, after: [patch-db] }
  - { id: reindex, system: policy-db, duration: 1h, team: ops, after: [patch-api] }
";

/// #21 item 7: on the night the clocks go back, the terminal table shows
/// the zone of every time, so a one-hour task reads 01:00 BST – 01:00 GMT
/// and the rows read in order.
#[test]
fn the_table_shows_the_zone_on_a_night_the_clocks_change() {
    let dir = tempdir();
    let inv = write(&dir, "insurer.yaml", CLOCKS_GO_BACK);
    let out = run(windowplan()
        .args(["plan", "--threads", "1", "--time-limit", "1s"])
        .arg(&inv));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let table = out.stdout_text();
    let row = table
        .lines()
        .find(|l| l.contains("reindex"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("Oct 25 01:00 BST") && row.contains("Oct 25 01:00 GMT"),
        "{table}"
    );
}

/// #21 item 7: a window longer than a year shows the year.
#[test]
fn the_table_shows_the_year_when_the_window_spans_years() {
    let dir = tempdir();
    let inv = write(
        &dir,
        "long.yaml",
        "window: { start: 2026-12-31T22:00, timezone: UTC }\n\
         teams: [{ id: ops, capacity: 1 }]\n\
         systems: [{ id: a }]\n\
         tasks:\n\
         \x20 - { id: first, system: a, duration: 1h, team: ops }\n\
         \x20 - { id: second, system: a, duration: 2h, team: ops, after: [first] }\n",
    );
    let out = run(windowplan()
        .args(["plan", "--threads", "1", "--time-limit", "1s"])
        .arg(&inv));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let table = out.stdout_text();
    assert!(table.contains("2026-12-31 22:00"), "{table}");
    assert!(table.contains("2027-01-01 01:00"), "{table}");
}

/// #21 item 18: a blackout or vendor outage wholly outside the window is
/// warned about (W003); W002 names the field, its line and column; and
/// `whatif` says the warnings too.
#[test]
fn rules_outside_the_window_and_ambiguous_times_are_warned_with_their_place() {
    let dir = tempdir();
    let inv = write(&dir, "insurer.yaml", CLOCKS_GO_BACK);
    let out = run(windowplan().arg("validate").arg(&inv));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let e = &out.stderr;
    assert!(
        e.contains("insurer.yaml:9:") && e.contains("warning[W003]: blackouts[0]:"),
        "{e}"
    );
    assert!(e.contains("2026-10-24 01:00–2026-10-24 02:00"), "{e}");
    assert!(e.contains("warning[W003]: systems[1].unavailable:"), "{e}");
    assert!(
        e.contains("warning[W002]: blackouts[1].from:") && e.contains("insurer.yaml:10:"),
        "{e}"
    );
    // The handover is inside the window: no W003 for it.
    assert_eq!(e.matches("warning[W003]").count(), 2, "{e}");

    let scenario = write(
        &dir,
        "more.yaml",
        "name: more ops\npatch:\n  teams:\n    ops: { capacity: 3 }\n",
    );
    let out = run(windowplan()
        .args(["whatif", "--time-limit", "1s", "--scenario"])
        .arg(&scenario)
        .arg(&inv));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("warning[W003]"), "{}", out.stderr);
    assert!(out.stderr.contains("warning[W002]"), "{}", out.stderr);
}

/// A night with a planned outage (`down:`) and a drain step that counts as
/// an outage because its task keeps the system down throughout.
const DOWN_AND_STEPS: &str = "\
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: dba, capacity: 1 }, { id: unix, capacity: 2 }]
systems: [{ id: db }, { id: app-1 }, { id: app-2 }]
clusters: [{ id: app, members: [app-1, app-2], max_unavailable: 1 }]
tasks:
  - { id: schema, system: db, duration: 30m, team: dba, down: [app] }
  - id: patch
    cluster: app
    team: unix
    after: [schema]
    steps:
      - { id: drain, duration: 5m, outage: false }
      - { id: os, duration: 20m }
";

/// #21 item 9: every output names the systems each task takes down, and a
/// step written `outage: false` that counts as an outage says why.
#[test]
fn every_output_names_what_each_task_takes_down() {
    let dir = tempdir();
    let inv = write(&dir, "down.yaml", DOWN_AND_STEPS);
    let out = |format: &str| {
        let r = run(windowplan()
            .args([
                "plan",
                "--threads",
                "1",
                "--time-limit",
                "1s",
                "--format",
                format,
            ])
            .arg(&inv));
        assert_eq!(r.code, Some(0), "{format}: {}", r.stderr);
        r.stdout_text()
    };
    let json: Value = serde_json::from_str(&out("json")).unwrap();
    assert_eq!(
        entry(&json["tasks"], "id", "schema")["takes_down"],
        serde_json::json!(["db", "app-1", "app-2"])
    );
    assert_eq!(
        entry(&json["tasks"], "id", "patch.drain@app-1")["takes_down"],
        serde_json::json!(["app-1"])
    );
    let csv = out("csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "down")
        .expect("a down column");
    let schema: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("schema,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(schema[col], "db;app-1;app-2", "{csv}");
    for format in ["md", "html"] {
        let text = out(format);
        assert!(
            text.contains("takes down db, app-1, app-2"),
            "{format}: {text}"
        );
        assert!(
            text.contains("outage (a step of patch, which keeps its system down"),
            "{format}: {text}"
        );
    }
    let ics = out("ics").replace("\r\n ", "");
    assert!(ics.contains("takes down db\\, app-1\\, app-2"), "{ics}");
}

/// Re-plans `closing.yaml` with `progress` (JSON of the night, checked by
/// `check`).
fn replan_closing(progress: &str) -> Value {
    let dir = tempdir();
    let inv = rp("closing.yaml");
    let plan = dir.path().join("plan.json");
    save_plan(&inv, &plan);
    let progress = write(&dir, "progress.yaml", progress);
    let out = dir.path().join("new.json");
    let r = run(windowplan()
        .args(["replan", "--format", "json", "--threads", "1", "-o"])
        .arg(&out)
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let c = run(windowplan().arg("check").arg(&inv).arg(&out));
    assert_eq!(c.code, Some(0), "{}", c.stdout_text());
    read_json(&out)
}

/// #21 item 14: `after: [{ task: x, even_if: failed }]` keeps a closing
/// task when what it follows failed (skipped or backed out) or was dropped
/// for it; without it, the dependants go.
#[test]
fn a_closing_task_runs_even_if_what_it_follows_failed() {
    let skipped = replan_closing(
        "now: 2026-12-05T22:40\n\
         done: [{ task: silence, start: 2026-12-05T22:00, end: 2026-12-05T22:10 }]\n\
         failed: [{ task: patch, at: 2026-12-05T22:30, action: skip }]\n",
    );
    let state = |v: &Value, id: &str| entry(&v["tasks"], "id", id)["state"].clone();
    assert_eq!(state(&skipped, "verify"), "dropped");
    assert_eq!(state(&skipped, "unsilence"), "planned");
    assert_eq!(
        entry(&skipped["tasks"], "id", "unsilence")["start_minute"],
        40
    );

    let backed_out = replan_closing(
        "now: 2026-12-05T22:40\n\
         done: [{ task: silence, start: 2026-12-05T22:00, end: 2026-12-05T22:10 }]\n\
         failed: [{ task: patch, at: 2026-12-05T22:30, action: backout }]\n",
    );
    assert_eq!(state(&backed_out, "patch"), "backout");
    assert_eq!(state(&backed_out, "verify"), "dropped");
    assert_eq!(state(&backed_out, "unsilence"), "planned");

    // Only `failed` is a value of `even_if`; the field is named.
    let dir = tempdir();
    let bad = write(
        &dir,
        "bad.yaml",
        std::fs::read_to_string(rp("closing.yaml"))
            .unwrap()
            .replace("even_if: failed", "even_if: succeeded"),
    );
    let out = run(windowplan().arg("validate").arg(&bad));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("tasks[3].after[0]"), "{}", out.stderr);
    assert!(out.stderr.contains("failed"), "{}", out.stderr);
}

/// A hospital night: a team-scoped blackout, a `max_lag`, a task with
/// steps, a vendor outage of an external system, and a deadline well after
/// the plan's end.
const HOSPITAL: &str = "\
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T06:00 }
teams: [{ id: switchboard, capacity: 1 }, { id: unix, capacity: 1 }]
systems:
  - { id: ehr-app-1 }
  - { id: pbx }
  - id: idp-saas
    external: true
    unavailable:
      - { from: 2026-12-06T00:00, to: 2026-12-06T00:30, reason: vendor maintenance }
blackouts:
  - { from: 2026-12-05T23:00, to: 2026-12-05T23:15, reason: switchboard shift handover, scope: { teams: [switchboard] } }
services:
  - { id: login, requires: [idp-saas, ehr-app-1] }
tasks:
  - { id: pbx-patch, system: pbx, duration: 20m, team: switchboard }
  - id: ehr-rolling-patch
    system: ehr-app-1
    team: unix
    after: [{ task: pbx-patch, lag: 5m, max_lag: 2h }]
    steps:
      - { id: drain, duration: 30m, outage: false }
      - { id: patch, duration: 1h }
";

/// #21 item 17: the CAB pack and chart say what they leave out today.
#[test]
fn the_pack_and_chart_show_scopes_lags_steps_outages_and_the_deadline() {
    let dir = tempdir();
    let inv = write(&dir, "hospital.yaml", HOSPITAL);
    let pack = dir.path().join("pack.md");
    let out = run(windowplan()
        .args([
            "plan",
            "--threads",
            "1",
            "--time-limit",
            "1s",
            "--format",
            "md",
            "-o",
        ])
        .arg(&pack)
        .arg(&inv));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let md = std::fs::read_to_string(&pack).unwrap();
    assert!(!md.contains("handover ()"), "{md}");
    assert!(md.contains("tasks of teams switchboard"), "{md}");
    assert!(md.contains("pbx-patch +5m (at most +2h)"), "{md}");
    let svg = std::fs::read_to_string(dir.path().join("pack.gantt.svg")).unwrap();
    // Step bars name their task; the vendor outage is drawn on its lane.
    assert!(svg.contains("class=\"unit\""), "{svg}");
    assert!(svg.contains(">ehr-rolling-patch<"), "{svg}");
    assert!(
        svg.contains("class=\"unavailable\"")
            && svg.contains("idp-saas unavailable (vendor maintenance)"),
        "{svg}"
    );
    // The axis reaches the deadline (06:00), past the plan's end.
    assert!(svg.contains(">06:00<"), "{svg}");
    // No label runs past the chart's right edge.
    let width: f64 = svg
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse().ok())
        .unwrap();
    for text in svg.split("<text x=\"").skip(1) {
        let x: f64 = text.split('"').next().unwrap().parse().unwrap();
        let anchored_end =
            text.contains("text-anchor=\"end\"") || text.contains("text-anchor=\"middle\"");
        let body = text
            .split('>')
            .nth(1)
            .unwrap_or("")
            .split('<')
            .next()
            .unwrap_or("");
        if !anchored_end {
            assert!(
                x + body.chars().count() as f64 * 6.4 <= width + 1.0,
                "label `{body}` at {x} runs past {width}"
            );
        }
    }
}
