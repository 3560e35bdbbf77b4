//! `explain`, `availability`, `risk` and `export` on one window of a
//! campaign (`--window ID`, issue #24): the window's tasks and plan from a
//! campaign plan given with `--plan` (checked first: a tampered one is
//! refused, exit 1) or from planning the campaign; the errors of
//! `--window` (E158, exit 2); every output names the window.
//!
//! The fixture, tests/fixtures/v12/three-windows.yaml, by hand: patch-web
//! (a 30m task on each member of the web tier, one unix engineer, one
//! member down at a time) is pinned to w1, patch-db (45m outage of db) and
//! backup-db (20m, online, same dba) to w2, and verify (10m, after
//! patch-db) may use w2 or w3. The fewest windows are two (two pinned
//! windows), so verify joins patch-db in w2 and w3 is left free. w1 lasts
//! 60m (the two members one after the other); w2 lasts 65m (patch-db then
//! backup-db on the one dba and the one system db), and shop, which
//! requires db, is down the 45m of patch-db.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn campaign() -> PathBuf {
    fixture("v12/three-windows.yaml")
}

/// The campaign plan of the fixture, written into `dir`.
fn campaign_plan(dir: &tempfile::TempDir) -> PathBuf {
    let out = dir.path().join("campaign.json");
    windowplan()
        .args([
            "plan",
            "--time-limit",
            "5s",
            "--threads",
            "1",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .arg(campaign())
        .assert()
        .success();
    let plan = read_json(&out);
    assert_eq!(plan["assignment"]["verify"], "w2", "{plan}");
    assert_eq!(plan["windows_free"], serde_json::json!(["w3"]), "{plan}");
    out
}

/// `windowplan CMD CAMPAIGN ARGS…` with a short limit and one thread.
fn on_campaign(cmd: &str, args: &[&str], plan: Option<&Path>) -> Run {
    let mut c = windowplan();
    c.arg(cmd).arg(campaign()).args(args);
    c.args(["--time-limit", "2s", "--threads", "1"]);
    if let Some(p) = plan {
        c.arg("--plan").arg(p);
    }
    run(&mut c)
}

const HEADING_W2: &str = "window w2 of campaign Small patch campaign (2026-12-12T22:00:00+00:00";

#[test]
fn explain_works_on_a_window_with_and_without_a_campaign_plan() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    for (given, source) in [(Some(plan.as_path()), "given"), (None, "planned")] {
        let out = on_campaign("explain", &["--window", "w2"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let text = out.stdout_text();
        assert!(text.starts_with(HEADING_W2), "{text}");
        assert!(text.contains("Window: 1h5m (22:00–23:05)"), "{text}");
        // The window's tasks only: patch-web runs in w1.
        assert!(text.contains("patch-db"), "{text}");
        assert!(!text.contains("patch-web"), "{text}");
        let out = on_campaign("explain", &["--window", "w2", "--format", "json"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let v = out.json();
        assert_eq!(v["campaign_window"]["window"], "w2");
        assert_eq!(v["campaign_window"]["plan"], source);
        assert_eq!(v["plan"]["length_minutes"], 65);
        assert_eq!(v["plan"]["source"], source);
    }
    // The positional PLAN is the campaign plan too.
    let out = run(windowplan()
        .arg("explain")
        .arg(campaign())
        .arg(&plan)
        .args(["--window", "w1", "--time-limit", "1s"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout_text().starts_with("window w1 of campaign"));
}

#[test]
fn availability_gives_the_windows_downtime_with_and_without_a_campaign_plan() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    for given in [Some(plan.as_path()), None] {
        let out = on_campaign(
            "availability",
            &["--window", "w2", "--format", "json"],
            given,
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let v = out.json();
        assert_eq!(v["campaign_window"]["window"], "w2");
        let shop = entry(&v["services"], "service", "shop");
        assert_eq!(shop["planned_downtime_minutes"], 45, "{v}");
        assert_eq!(shop["least_downtime_minutes"], 45, "{v}");
        // w1 keeps a member of the web tier up: shop is never down there.
        let out = on_campaign("availability", &["--window", "w1"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let text = out.stdout_text();
        assert!(
            text.starts_with("window w1 of campaign Small patch campaign"),
            "{text}"
        );
        assert!(text.contains("shop: down 0m in the plan"), "{text}");
    }
}

#[test]
fn risk_simulates_the_windows_plan_with_and_without_a_campaign_plan() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    for given in [Some(plan.as_path()), None] {
        let out = on_campaign("risk", &["--window", "w1", "--samples", "200"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let text = out.stdout_text();
        assert!(
            text.starts_with("window w1 of campaign Small patch campaign"),
            "{text}"
        );
        // w1's plan: the two members one after the other, 1h.
        assert!(
            text.contains("planned (likely durations): 1h (ends 23:00)"),
            "{text}"
        );
        assert!(
            text.contains("2 of 2 tasks with a three-point duration"),
            "{text}"
        );
        let out = on_campaign(
            "risk",
            &["--window", "w2", "--samples", "100", "--format", "json"],
            given,
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let v = out.json();
        assert_eq!(v["campaign_window"]["window"], "w2");
        assert_eq!(v["samples"], 100);
    }
}

#[test]
fn export_writes_the_windows_plan_and_model_with_and_without_a_campaign_plan() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    for given in [Some(plan.as_path()), None] {
        let argo = dir.path().join("w2.yaml");
        let out = run(windowplan()
            .arg("export")
            .arg(campaign())
            .args(["--window", "w2", "--format", "argo", "-o"])
            .arg(&argo)
            .args(
                given
                    .map(|p| vec!["--plan".as_ref(), p.as_os_str()])
                    .unwrap_or_default(),
            ));
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(out.stderr.starts_with(HEADING_W2), "{}", out.stderr);
        let wf = std::fs::read_to_string(&argo).unwrap();
        assert!(wf.contains("Small patch campaign, window w2"), "{wf}");
        assert!(wf.contains("patch-db") && wf.contains("verify"), "{wf}");
        assert!(!wf.contains("patch-web"), "{wf}");
        // The model of the window: its horizon the window plan's length.
        let out = on_campaign("export", &["--window", "w2", "--format", "lp"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let lp = out.stdout_text();
        assert!(lp.starts_with(&format!("\\ {HEADING_W2}")), "{lp}");
        assert!(lp.contains("horizon 65"), "{lp}");
        let out = on_campaign("export", &["--window", "w1", "--format", "json"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let v = out.json();
        assert_eq!(v["campaign_window"]["window"], "w1");
        assert_eq!(v["format"], "windowplan-problem/1");
    }
}

/// A command, its arguments, the campaign plan given, the words said.
type ErrorCase<'a> = (&'a str, &'a [&'a str], Option<&'a Path>, &'a [&'a str]);

/// E158, exit 2, nothing on stdout: no `--window` on a campaign (the ids
/// listed: the used ones from a campaign plan, else every window), an
/// unknown id (named, the ids listed), a free window (nothing to
/// analyse), `--window` on a one-window file.
#[test]
fn window_errors_name_the_ids_and_exit_2() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    let p = Some(plan.as_path());
    let cases: [ErrorCase; 8] = [
        ("explain", &[], None, &["give `--window ID`", "w1, w2, w3"]),
        (
            "risk",
            &[],
            p,
            &[
                "give `--window ID`",
                "the windows the plan uses: w1, w2 (left free: w3)",
            ],
        ),
        ("export", &["--format", "lp"], None, &["give `--window ID`"]),
        (
            "explain",
            &["--window", "w7"],
            p,
            &["the campaign has no window `w7`", "w1, w2"],
        ),
        (
            "risk",
            &["--window", "jan"],
            None,
            &["no window `jan`", "w1, w2, w3"],
        ),
        (
            "explain",
            &["--window", "w3"],
            p,
            &[
                "window w3 is free in the plan given",
                "nothing to analyse",
                "w1, w2",
            ],
        ),
        (
            "availability",
            &["--window", "w3"],
            None,
            &["window w3 is free in the plan found here"],
        ),
        (
            "export",
            &["--window", "w3", "--format", "json"],
            p,
            &["window w3 is free"],
        ),
    ];
    for (cmd, args, given, words) in cases {
        let out = on_campaign(cmd, args, given);
        assert_eq!(out.code, Some(2), "{cmd} {args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("error[E158]: --window"),
            "{cmd} {args:?}: {}",
            out.stderr
        );
        for w in words {
            assert!(
                out.stderr.contains(w),
                "{cmd} {args:?}: `{w}` in {}",
                out.stderr
            );
        }
        assert!(out.stdout.is_empty(), "{cmd} {args:?}");
    }
    for cmd in ["explain", "availability", "risk", "export"] {
        let out = run(windowplan()
            .arg(cmd)
            .arg(example("quickstart.yaml"))
            .args(["--window", "w1"]));
        assert_eq!(out.code, Some(2), "{cmd}: {}", out.stderr);
        assert!(out.stderr.contains("error[E158]"), "{cmd}: {}", out.stderr);
        assert!(
            out.stderr.contains("this file has one window"),
            "{cmd}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{cmd}");
    }
    // On a one-window file `availability` plans the window itself: a
    // campaign plan is refused, not left unread.
    let out = run(windowplan()
        .arg("availability")
        .arg(example("quickstart.yaml"))
        .args(["--plan"])
        .arg(&plan));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("drop --plan"), "{}", out.stderr);
}

/// A campaign plan that fails the campaign check is refused with its
/// violations (exit 1, as `check` gives), by every command; an export
/// writes nothing.
#[test]
fn a_tampered_campaign_plan_is_refused() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    let mut v = read_json(&plan);
    // w2's plan now claims a shorter window than its times give.
    let w2 = v["windows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|w| w["id"] == "w2")
        .unwrap();
    w2["plan"]["length_minutes"] = serde_json::json!(50);
    let bad = write(&dir, "bad.json", serde_json::to_string(&v).unwrap());
    windowplan()
        .arg("check")
        .arg(campaign())
        .arg(&bad)
        .assert()
        .code(1);
    let argo = dir.path().join("never.yaml");
    let argo_args = [
        "--window",
        "w1",
        "--format",
        "argo",
        "-o",
        argo.to_str().unwrap(),
    ];
    let cases: [(&str, &[&str]); 4] = [
        ("explain", &["--window", "w2"]),
        ("availability", &["--window", "w2"]),
        ("risk", &["--window", "w2"]),
        ("export", &argo_args),
    ];
    for (cmd, args) in cases {
        let out = on_campaign(cmd, args, Some(&bad));
        assert_eq!(out.code, Some(1), "{cmd}: {}", out.stderr);
        assert!(out.stderr.contains("window w2"), "{cmd}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("the campaign plan breaks the rules above"),
            "{cmd}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{cmd}");
    }
    assert!(!argo.exists());
    // A file that is no campaign plan: E156, exit 2.
    let one = write(&dir, "one.json", "{\"format\": \"windowplan-plan/1\"}");
    let out = on_campaign("explain", &["--window", "w2"], Some(&one));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("E156"), "{}", out.stderr);
}

/// `availability CAMPAIGN` without `--window`: each service's downtime in
/// each used window and in total, recomputed from each window's start
/// times; on the fixture shop is down 0m in w1 and 45m in w2 (weight 5:
/// 225), w3 left free.
#[test]
fn availability_without_window_gives_each_windows_downtime_and_the_total() {
    let dir = tempdir();
    let plan = campaign_plan(&dir);
    for (given, source) in [(Some(plan.as_path()), "given"), (None, "planned")] {
        let out = on_campaign("availability", &["--format", "json"], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let v = out.json();
        assert_eq!(v["format"], "windowplan-campaign-availability/1");
        assert_eq!(v["plan"], source);
        assert_eq!(v["windows"], serde_json::json!(["w1", "w2"]));
        assert_eq!(v["windows_free"], serde_json::json!(["w3"]));
        let shop = entry(&v["services"], "service", "shop");
        assert_eq!(shop["per_window_minutes"], serde_json::json!([0, 45]));
        assert_eq!(shop["total_minutes"], 45);
        assert_eq!(v["weighted_total"], 225.0);
        let out = on_campaign("availability", &[], given);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let text = out.stdout_text();
        assert!(
            text.starts_with(
                "campaign Small patch campaign: each service's downtime in each window used"
            ),
            "{text}"
        );
        assert!(text.contains("windows left free: w3"), "{text}");
        let row = text.lines().find(|l| l.starts_with("shop")).unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, ["shop", "5", "0m", "45m", "45m"], "{text}");
    }
}

/// On the example quarter the per-window figures add up to the weighted
/// downtime the campaign plan states (which the campaign check verified).
#[test]
fn the_campaign_total_is_the_campaign_plans_downtime() {
    let dir = tempdir();
    let plan = dir.path().join("quarter.json");
    save_campaign_plan(&example("campaign.yaml"), &plan);
    let stated = read_json(&plan);
    let out = run(windowplan()
        .arg("availability")
        .arg(example("campaign.yaml"))
        .args(["--format", "json", "--plan"])
        .arg(&plan));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["weighted_total"], stated["downtime_weighted"], "{v}");
    let used: Vec<&serde_json::Value> = stated["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["id"])
        .collect();
    assert_eq!(
        v["windows"].as_array().unwrap().iter().collect::<Vec<_>>(),
        used
    );
    // The CAB chair's question on one window of the quarter: the window
    // of the storage vendor's night, explained from the plan given.
    let out = run(windowplan()
        .arg("explain")
        .arg(example("campaign.yaml"))
        .args(["--window", "2027-02-06", "--time-limit", "1s", "--plan"])
        .arg(&plan));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(
        text.starts_with("window 2027-02-06 of campaign Q1 2027 patch campaign"),
        "{text}"
    );
    assert!(text.contains("Critical chain"), "{text}");
}
