//! `replan` on a campaign: the window under way is re-planned, each change
//! it drops moves to the first later window that can take it (dragging its
//! successors along), a change that cannot move is reported, the result
//! passes the campaign check, and mutated re-plans are rejected.
//!
//! The fixture `tests/fixtures/v12/replan-campaign.yaml`, by hand: four
//! 6 h windows w1..w4. Pinned: backup-db-a and patch-db-a in w1,
//! vendor-san-2 (5 h, vendor) in w2, vendor-san-3 in w3, so the campaign
//! needs 3 windows and the first-fit assignment puts every free task in
//! the earliest window its domain and predecessors allow: vendor-san-1,
//! cache-patch, app-deploy and the schema change's expand and backfill in
//! w1; cache-verify (w2..w4, after cache-patch) and the contract (strictly
//! after the deploy) in w2. The vendor has one engineer: w2 holds 5 h of
//! vendor work, so vendor-san-1 (2 h) does not fit there (7 h > 6 h).
//! lb-drain (w1 or w2) and lb-undrain (within an hour: a lag chain, one
//! window) are in w1.

mod common;
use common::*;
use std::time::Duration;
use windowplan::analysis::budget::Budget;
use windowplan::analysis::replan::campaign::{
    replan_campaign, CampaignReplan, CampaignReplanResult, ProgressInput,
};
use windowplan::analysis::replan::ReplanOptions;
use windowplan::check::campaign::check_campaign;
use windowplan::inventory::campaign::{load_campaign_str, Campaign};
use windowplan::inventory::{Format, Limits};
use windowplan::plan::campaign::CampaignPlan;
use windowplan::solve::SolveOptions;

fn campaign() -> Campaign {
    let text = std::fs::read_to_string(fixture("v12/replan-campaign.yaml")).unwrap();
    load_campaign_str(
        &text,
        Format::Yaml,
        "replan-campaign.yaml",
        &Limits::default(),
    )
    .unwrap()
    .unwrap()
}

fn solve() -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..SolveOptions::default()
    }
}

/// The campaign's plan, with the assignment argued in the module doc.
fn original(c: &Campaign) -> CampaignPlan {
    let p = windowplan::pipeline::campaign::plan_campaign(c, &solve())
        .unwrap()
        .plan;
    for (task, w) in [
        ("backup-db-a", "w1"),
        ("patch-db-a", "w1"),
        ("vendor-san-1", "w1"),
        ("cache-patch", "w1"),
        ("app-deploy", "w1"),
        ("orders-v43.expand", "w1"),
        ("orders-v43.backfill", "w1"),
        ("lb-drain", "w1"),
        ("lb-undrain", "w1"),
        ("vendor-san-2", "w2"),
        ("cache-verify", "w2"),
        ("orders-v43.contract", "w2"),
        ("vendor-san-3", "w3"),
    ] {
        assert_eq!(p.assignment[task], w, "{task}");
    }
    assert_eq!(p.windows_free, ["w4"]);
    p
}

fn replan(c: &Campaign, plan: &CampaignPlan, progress: &str) -> CampaignReplan {
    match replan_within(c, plan, progress, &Budget::unlimited()) {
        CampaignReplanResult::Planned(r) => *r,
        other => panic!("no re-plan: {other:?}"),
    }
}

fn replan_within(
    c: &Campaign,
    plan: &CampaignPlan,
    progress: &str,
    budget: &Budget,
) -> CampaignReplanResult {
    let input = ProgressInput {
        text: progress,
        format: Format::Yaml,
        source: "progress.yaml",
        now: None,
    };
    let opts = ReplanOptions {
        solve: solve(),
        ..ReplanOptions::default()
    };
    replan_campaign(c, plan, &input, &opts, budget).unwrap()
}

fn moved<'a>(r: &'a CampaignReplan, task: &str) -> Option<(&'a str, &'a str, &'a str)> {
    r.moved
        .iter()
        .find(|m| m.task == task)
        .map(|m| (m.from.as_str(), m.to.as_str(), m.reason.as_str()))
}

const DROPPED: &str = "now: 2026-12-05T23:00
done:
  - { task: backup-db-a, start: 2026-12-05T22:00, end: 2026-12-05T22:30 }
dropped: [cache-patch, vendor-san-1]
";

#[test]
fn a_dropped_change_moves_to_the_next_window_that_can_take_it() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(&c, &plan, DROPPED);
    assert_eq!(r.window, "w1");
    // w2 is in its domain but its vendor hours are full: w3.
    let (from, to, why) = moved(&r, "vendor-san-1").expect("vendor-san-1 moves");
    assert_eq!((from, to), ("w1", "w3"));
    assert!(why.contains("window w2"), "{why}");
    // cache-patch may use w1 and w3 only.
    assert_eq!(moved(&r, "cache-patch").map(|m| m.1), Some("w3"));
    assert_eq!(r.plan.assignment["vendor-san-1"], "w3");
    assert!(r.unplaced.is_empty());
    assert_eq!(r.plan.status, "feasible");
    assert!(!r.plan.proven.windows);
    // The night keeps the done backup at its time and plans the rest from now.
    let w1 = &r.plan.windows[0];
    assert_eq!(w1.id, "w1");
    let backup = w1
        .plan
        .tasks
        .iter()
        .find(|t| t.id == "backup-db-a")
        .unwrap();
    assert_eq!((backup.start_minute, backup.end_minute), (0, 30));
    assert!(w1
        .plan
        .tasks
        .iter()
        .filter(|t| t.id != "backup-db-a")
        .all(|t| t.start_minute >= 60));
    assert!(w1.plan.tasks.iter().all(|t| t.id != "cache-patch"));
    let violations = check_campaign(&c, &r.plan);
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn a_moved_change_drags_its_successor_in_the_next_window_along() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(&c, &plan, DROPPED);
    // cache-verify comes after cache-patch; it was in w2, before w3.
    let (from, to, why) = moved(&r, "cache-verify").expect("cache-verify is dragged");
    assert_eq!((from, to), ("w2", "w3"));
    assert!(why.contains("cache-patch"), "{why}");
    // w2 lost it and was planned again; vendor-san-2 still there.
    assert_eq!(r.plan.assignment["vendor-san-2"], "w2");
    let w2 = r.plan.windows.iter().find(|w| w.id == "w2").unwrap();
    assert!(w2.plan.tasks.iter().all(|t| t.id != "cache-verify"));
}

#[test]
fn a_schema_change_whose_deploy_is_dropped_moves_its_contract_later_too() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(
        &c,
        &plan,
        "now: 2026-12-05T23:00
done:
  - { task: orders-v43.expand, start: 2026-12-05T22:00, end: 2026-12-05T22:20 }
failed:
  - { task: app-deploy, at: 2026-12-05T22:40, action: skip }
",
    );
    assert_eq!(moved(&r, "app-deploy").map(|m| m.1), Some("w2"));
    // The backfill waits for the deploy: dropped tonight, with it in w2.
    assert_eq!(moved(&r, "orders-v43.backfill").map(|m| m.1), Some("w2"));
    // The contract must be in a later window than the deploy: w2 → w3.
    assert_eq!(
        moved(&r, "orders-v43.contract").map(|m| (m.0, m.1)),
        Some(("w2", "w3"))
    );
    assert_eq!(r.plan.assignment["orders-v43.expand"], "w1");
    let violations = check_campaign(&c, &r.plan);
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn a_dropped_pinned_change_cannot_move_and_is_reported() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(
        &c,
        &plan,
        "now: 2026-12-05T23:00
done:
  - { task: backup-db-a, start: 2026-12-05T22:00, end: 2026-12-05T22:30 }
failed:
  - { task: patch-db-a, at: 2026-12-05T22:50, action: skip }
",
    );
    assert_eq!(r.unplaced.len(), 1, "{:?}", r.unplaced);
    let u = &r.unplaced[0];
    assert_eq!(u.task, "patch-db-a");
    assert!(u.proven);
    assert!(
        u.reason.contains("no later window can take it"),
        "{}",
        u.reason
    );
    assert!(!r.plan.assignment.contains_key("patch-db-a"));
    assert_eq!(r.plan.status, "incomplete");
    assert!(check_campaign(&c, &r.plan).is_empty());
    // Claiming the campaign complete is caught.
    let mut bad = r.plan.clone();
    bad.status = "feasible".into();
    assert!(check_campaign(&c, &bad).iter().any(|v| v.rule == "claim"));
    // So is dropping the unplaced list.
    let mut bad = r.plan.clone();
    bad.windows[0].replan.as_mut().unwrap().unplaced.clear();
    bad.status = "feasible".into();
    assert!(check_campaign(&c, &bad)
        .iter()
        .any(|v| v.message.contains("patch-db-a is in no window")));
}

#[test]
fn one_member_dropped_moves_the_whole_cluster_task() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(
        &c,
        &plan,
        "now: 2026-12-05T23:00
done:
  - { task: orders-v43.expand, start: 2026-12-05T22:00, end: 2026-12-05T22:20 }
dropped: [app-deploy@app-1]
",
    );
    assert_eq!(moved(&r, "app-deploy").map(|m| m.1), Some("w2"));
    let states = &r.plan.windows[0].replan.as_ref().unwrap().states;
    let two = states.iter().find(|s| s.id == "app-deploy@app-2").unwrap();
    assert!(two
        .reason
        .as_deref()
        .is_some_and(|x| x.contains("`app-deploy@app-1`")));
    assert!(check_campaign(&c, &r.plan).is_empty());
    // A task dropped "with" a task of another unit is not explained.
    let mut bad = r.plan.clone();
    let s = bad.windows[0].replan.as_mut().unwrap();
    for st in &mut s.states {
        if st.id == "app-deploy@app-2" {
            st.reason = Some(
                st.reason
                    .clone()
                    .unwrap()
                    .replace("app-deploy@app-1", "backup-db-a"),
            );
        }
    }
    assert!(check_campaign(&c, &bad).iter().any(|v| v.rule == "drop"));
}

#[test]
fn a_lag_chain_moves_whole_when_one_of_it_is_dropped() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(&c, &plan, "now: 2026-12-05T23:00\ndropped: [lb-undrain]\n");
    // lb-drain was not dropped tonight, but its lag-chain partner was: both
    // go to w2, the only later window lb-drain may use.
    assert_eq!(moved(&r, "lb-drain").map(|m| m.1), Some("w2"));
    assert_eq!(moved(&r, "lb-undrain").map(|m| m.1), Some("w2"));
    let states = &r.plan.windows[0].replan.as_ref().unwrap().states;
    let drain = states.iter().find(|s| s.id == "lb-drain").unwrap();
    assert!(drain
        .reason
        .as_deref()
        .is_some_and(|x| x.contains("`lb-undrain`")));
    assert!(check_campaign(&c, &r.plan).is_empty());
}

#[test]
fn mutated_replanned_campaign_plans_are_rejected() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(&c, &plan, DROPPED);
    assert!(check_campaign(&c, &r.plan).is_empty());
    // A moved task put in a window it may not use (cache-patch: w1, w3).
    let mut bad = r.plan.clone();
    bad.assignment.insert("cache-patch".into(), "w2".into());
    assert!(check_campaign(&c, &bad)
        .iter()
        .any(|v| v.rule == "window_allowed"));
    // A dropped task kept in the re-planned window's assignment.
    let mut bad = r.plan.clone();
    bad.assignment.insert("vendor-san-1".into(), "w1".into());
    assert!(check_campaign(&c, &bad)
        .iter()
        .any(|v| v.message.contains("may only move to a later window")));
    // A planned task of the night started before `now`.
    let mut bad = r.plan.clone();
    let t = bad.windows[0]
        .plan
        .tasks
        .iter_mut()
        .find(|t| t.id == "patch-db-a")
        .unwrap();
    t.start_minute -= 40;
    t.end_minute -= 40;
    let v = check_campaign(&c, &bad);
    assert!(v.iter().any(|v| v.rule == "now"), "{v:?}");
    // The done backup moved from its recorded time onto patch-db-a.
    let mut bad = r.plan.clone();
    let tasks = &mut bad.windows[0].plan.tasks;
    let patch = tasks
        .iter()
        .find(|t| t.id == "patch-db-a")
        .unwrap()
        .start_minute;
    let b = tasks.iter_mut().find(|t| t.id == "backup-db-a").unwrap();
    b.start_minute = patch;
    b.end_minute = patch + 30;
    assert!(!check_campaign(&c, &bad).is_empty());
    // A re-planned campaign claimed optimal.
    let mut bad = r.plan.clone();
    bad.status = "optimal".into();
    assert!(check_campaign(&c, &bad).iter().any(|v| v.rule == "claim"));
}

#[test]
fn the_window_under_way_can_be_replanned_again() {
    let c = campaign();
    let plan = original(&c);
    let first = replan(&c, &plan, DROPPED);
    // Later that night, patch-db-a ran too and nothing else was dropped.
    let second = replan(
        &c,
        &first.plan,
        "now: 2026-12-06T00:30
done:
  - { task: backup-db-a, start: 2026-12-05T22:00, end: 2026-12-05T22:30 }
  - { task: patch-db-a, start: 2026-12-05T23:00, end: 2026-12-06T00:10 }
dropped: [cache-patch, vendor-san-1]
",
    );
    assert_eq!(second.plan.assignment["vendor-san-1"], "w3");
    let w1 = &second.plan.windows[0];
    let patch = w1.plan.tasks.iter().find(|t| t.id == "patch-db-a").unwrap();
    assert_eq!((patch.start_minute, patch.end_minute), (60, 130));
    let v = check_campaign(&c, &second.plan);
    assert!(v.is_empty(), "{v:?}");
}

/// Writes the fixture's campaign plan with the CLI: (folder, plan path).
fn cli_plan() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let plan = dir.path().join("plan.json");
    plan_one_thread("10s")
        .args(["--format", "json", "-o"])
        .arg(&plan)
        .arg(fixture("v12/replan-campaign.yaml"))
        .assert()
        .success();
    (dir, plan)
}

#[test]
fn replan_on_a_campaign_from_the_command_line() {
    let (dir, plan) = cli_plan();
    let inv = fixture("v12/replan-campaign.yaml");
    let progress = write(&dir, "progress.yaml", DROPPED);
    let out = dir.path().join("replanned.json");
    let run = windowplan()
        .args(["replan", "--time-limit", "5s"])
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("vendor-san-1: moved to window w3"), "{err}");
    windowplan()
        .arg("check")
        .arg(&inv)
        .arg(&out)
        .assert()
        .success();
    // The table says where each dropped change went.
    let table = windowplan()
        .args(["replan", "--time-limit", "5s"])
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(text.contains("cache-patch: moved to window w3"), "{text}");
    assert!(
        text.contains("cache-verify: moved from window w2 to window w3"),
        "{text}"
    );
    // A re-planned plan edited to start a planned task of the night before
    // `now` (23:00, minute 60): check exits 1.
    let text = std::fs::read_to_string(&out).unwrap();
    let edited = text.replacen("\"start_minute\": 60,", "\"start_minute\": 50,", 1);
    assert_ne!(edited, text);
    let bad = write(&dir, "bad.json", edited);
    windowplan()
        .arg("check")
        .arg(&inv)
        .arg(&bad)
        .assert()
        .code(1);
}

#[test]
fn replan_exit_codes_on_a_campaign() {
    let (dir, plan) = cli_plan();
    let inv = fixture("v12/replan-campaign.yaml");
    // A pinned change that fails: written, status incomplete, exit 1.
    let progress = write(
        &dir,
        "pinned.yaml",
        "now: 2026-12-05T23:00\nfailed:\n  - { task: backup-db-a, at: 2026-12-05T22:20, action: skip }\n",
    );
    let out = dir.path().join("incomplete.json");
    let run = windowplan()
        .args(["replan", "--time-limit", "5s"])
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        err.contains("backup-db-a: not planned: no later window can take it"),
        "{err}"
    );
    // patch-db-a comes after it and is pinned too.
    assert!(err.contains("patch-db-a: not planned"), "{err}");
    let check = windowplan()
        .arg("check")
        .arg(&inv)
        .arg(&out)
        .assert()
        .success();
    let said = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(
        said.contains("incomplete: a re-plan left backup-db-a, patch-db-a without a window"),
        "{said}"
    );
    // `now` in no window of the plan: exit 2, nothing written.
    let late = dir.path().join("late.json");
    let run = windowplan()
        .args(["replan", "--now", "2026-12-08T12:00"])
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress)
        .arg("-o")
        .arg(&late)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        err.contains("E157") && err.contains("2026-12-08T12:00"),
        "{err}"
    );
    assert!(err.contains("w1 2026-12-05T22:00"), "{err}");
    assert!(!late.exists());
    // A campaign plan that breaks the campaign's rules: exit 2.
    let text = std::fs::read_to_string(&plan).unwrap().replacen(
        "\"cache-patch\": \"w1\"",
        "\"cache-patch\": \"w2\"",
        1,
    );
    let bad = write(&dir, "bad-plan.json", text);
    windowplan()
        .arg("replan")
        .arg(&inv)
        .arg(&bad)
        .arg("--progress")
        .arg(&progress)
        .arg("-o")
        .arg(&late)
        .assert()
        .code(2);
    assert!(!late.exists());
    // csv is not a campaign format: exit 2.
    windowplan()
        .arg("replan")
        .arg(&inv)
        .arg(&plan)
        .arg("--progress")
        .arg(&progress)
        .args(["--format", "csv"])
        .assert()
        .code(2);
}

#[test]
fn the_example_quarters_first_night_is_replanned_and_checked() {
    let text = std::fs::read_to_string(example("campaign.yaml")).unwrap();
    let c = load_campaign_str(&text, Format::Yaml, "campaign.yaml", &Limits::default())
        .unwrap()
        .unwrap();
    let plan = windowplan::pipeline::campaign::plan_campaign(&c, &solve())
        .unwrap()
        .plan;
    assert_eq!(plan.assignment["os-patch-app"], "jan-09");
    // One member of the rolling OS patch is dropped as the night starts:
    // the whole cluster task, and what waits for it, moves on. (At the
    // window's start, so that the night holds its deadline whatever plan
    // the campaign search found in its time: a night re-planned from
    // 23:00 with nothing reported done misses it when that plan is tight.)
    let r = replan(
        &c,
        &plan,
        "now: 2027-01-09T22:00
dropped: [os-patch-app@app-1]
",
    );
    assert_eq!(r.window, "jan-09");
    let (from, to, _) = moved(&r, "os-patch-app").expect("os-patch-app moves");
    assert_eq!(from, "jan-09");
    assert!(to != "jan-09");
    assert_eq!(r.plan.assignment["os-patch-app"], to);
    let v = check_campaign(&c, &r.plan);
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn every_single_drop_and_skip_of_the_first_night_is_replanned_and_checked() {
    let c = campaign();
    let plan = original(&c);
    let night: Vec<&String> = plan
        .assignment
        .iter()
        .filter(|(_, w)| *w == "w1")
        .map(|(t, _)| t)
        .collect();
    assert_eq!(night.len(), 9);
    let mut planned = 0;
    for task in night {
        for progress in [
            format!("now: 2026-12-05T22:05\ndropped: [{task}]\n"),
            format!(
                "now: 2026-12-05T22:05\nfailed:\n  - {{ task: {task}, at: 2026-12-05T22:00, action: skip }}\n"
            ),
        ] {
            let input = ProgressInput {
                text: &progress,
                format: Format::Yaml,
                source: "progress.yaml",
                now: None,
            };
            let opts = ReplanOptions {
                solve: solve(),
                ..ReplanOptions::default()
            };
            match replan_campaign(&c, &plan, &input, &opts, &Budget::unlimited()) {
                // A task whose predecessors have not run cannot have failed.
                Err(e) => assert!(
                    e.diagnostics.iter().all(|d| d.code == "E105"),
                    "{progress}: {e:?}"
                ),
                Ok(CampaignReplanResult::Planned(r)) => {
                    planned += 1;
                    let v = check_campaign(&c, &r.plan);
                    assert!(v.is_empty(), "{progress}: {v:?}");
                    // Every file task is in a window or said to be in none.
                    for t in &c.tasks {
                        assert!(
                            r.plan.assignment.contains_key(&t.id)
                                || r.unplaced.iter().any(|u| u.task == t.id),
                            "{progress}: {} is lost",
                            t.id
                        );
                    }
                    // What the night dropped left its window.
                    let now_in = r.plan.assignment.get(task.as_str()).map(String::as_str);
                    assert_ne!(now_in, Some("w1"), "{progress}");
                }
                Ok(other) => panic!("{progress}: {other:?}"),
            }
        }
    }
    // 9 drops, and a failure of each of the 5 tasks with nothing before them.
    assert_eq!(planned, 14);
}

/// The backup ran 5 h instead of 30 min: at 03:00 one hour of w1 is left,
/// which patch-db-a (1 h, pinned to w1, after the backup) needs. The night
/// cannot hold its deadline with the rest of its changes, none of which is
/// optional; each that may run later is moved on (the night re-plan alone
/// would answer "deadline missed"). vendor-san-1 (2 h) cannot fit in the
/// hour left, so it is among them: w2's vendor hours are full, so w3.
#[test]
fn a_night_that_overruns_moves_its_movable_changes_to_later_windows() {
    let c = campaign();
    let plan = original(&c);
    let r = replan(
        &c,
        &plan,
        "now: 2026-12-06T03:00
done:
  - { task: backup-db-a, start: 2026-12-05T22:00, end: 2026-12-06T03:00 }
",
    );
    assert_eq!(r.window, "w1");
    assert_eq!(r.plan.assignment["patch-db-a"], "w1");
    assert_eq!(r.plan.assignment["vendor-san-1"], "w3");
    let w1 = &r.plan.windows[0];
    let patch = w1.plan.tasks.iter().find(|t| t.id == "patch-db-a").unwrap();
    assert_eq!(patch.start_minute, 300, "patch-db-a runs 03:00-04:00");
    // Every task w1 still runs ends by its deadline (360 min).
    for t in &w1.plan.tasks {
        assert!(t.end_minute <= 360, "{t:?}");
    }
    let moved_on: Vec<&str> = r
        .moved
        .iter()
        .filter(|m| m.from == "w1")
        .map(|m| m.task.as_str())
        .collect();
    assert!(moved_on.contains(&"vendor-san-1"), "{moved_on:?}");
    assert!(r.unplaced.is_empty(), "{:?}", r.unplaced);
    let v = check_campaign(&c, &r.plan);
    assert!(v.is_empty(), "{v:?}");
}

/// The fixture `tests/fixtures/v12/replan-spill.yaml`, by hand: three 4 h
/// windows, one crew. pin-1 (30 min) is pinned to w1, pin-2 (1 h 45 min)
/// to w2, pin-3 (1 h) to w3; the six 30 min jobs fit beside pin-1 in w1
/// (3 h 30 min), where the first-fit assignment puts them.
fn spill_campaign() -> (Campaign, CampaignPlan) {
    let text = std::fs::read_to_string(fixture("v12/replan-spill.yaml")).unwrap();
    let c = load_campaign_str(&text, Format::Yaml, "replan-spill.yaml", &Limits::default())
        .unwrap()
        .unwrap();
    let p = windowplan::pipeline::campaign::plan_campaign(&c, &solve())
        .unwrap()
        .plan;
    for j in 1..=6 {
        assert_eq!(p.assignment[&format!("job-{j}")], "w1", "job-{j}");
    }
    (c, p)
}

/// pin-1 ran; every job is dropped at 22:30.
const SPILL: &str = "now: 2026-12-05T22:30
done:
  - { task: pin-1, start: 2026-12-05T22:00, end: 2026-12-05T22:30 }
dropped: [job-1, job-2, job-3, job-4, job-5, job-6]
";

#[test]
fn dropped_changes_that_overflow_the_next_window_spill_to_the_one_after() {
    // w2 has 4 h - 1 h 45 min = 2 h 15 min of crew time left: four jobs
    // (2 h), not five (2 h 30 min). w3 has 3 h left: the other two.
    let (c, plan) = spill_campaign();
    let r = replan(&c, &plan, SPILL);
    for j in 1..=4 {
        assert_eq!(r.plan.assignment[&format!("job-{j}")], "w2", "job-{j}");
    }
    for j in 5..=6 {
        let task = format!("job-{j}");
        assert_eq!(r.plan.assignment[&task], "w3", "{task}");
        let (from, to, why) = moved(&r, &task).expect("moved");
        assert_eq!((from, to), ("w1", "w3"));
        // The reason says the next window was tried.
        assert!(why.contains("window w2"), "{why}");
    }
    assert!(r.unplaced.is_empty(), "{:?}", r.unplaced);
    assert_eq!(r.plan.status, "feasible");
    let violations = check_campaign(&c, &r.plan);
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn a_spent_budget_gives_not_found_in_time_and_claims_no_proof() {
    let (c, plan) = spill_campaign();
    // Nothing may start: the night itself is not searched.
    match replan_within(&c, &plan, SPILL, &Budget::within(Duration::ZERO)) {
        CampaignReplanResult::Night {
            result: windowplan::analysis::replan::ReplanResult::NotFound(why),
            ..
        } => assert!(why.contains("budget"), "{why}"),
        other => panic!("expected the night not found in time: {other:?}"),
    }
    // The night only: no later window is searched, so the jobs are in no
    // window, none of them proven to fit nowhere.
    match replan_within(&c, &plan, SPILL, &Budget::unlimited().with_units(1)) {
        CampaignReplanResult::Planned(r) => {
            assert_eq!(r.unplaced.len(), 6, "{:?}", r.unplaced);
            for u in &r.unplaced {
                assert!(!u.proven, "{u:?}");
                assert!(u.reason.contains("not placed in time"), "{u:?}");
            }
            assert_eq!(r.plan.status, "incomplete");
            let violations = check_campaign(&c, &r.plan);
            assert!(violations.is_empty(), "{violations:?}");
        }
        other => panic!("expected a plan with the jobs unplaced: {other:?}"),
    }
}
