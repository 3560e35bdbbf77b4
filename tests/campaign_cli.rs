//! `windowplan` on a campaign file: validate, plan (JSON), check (the plan
//! and a tampered one), and the exit codes of bad input.

mod common;
use common::*;

#[test]
fn validate_plan_and_check_a_campaign_from_the_command_line() {
    windowplan()
        .arg("validate")
        .arg(example("campaign.yaml"))
        .assert()
        .success();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("campaign.json");
    save_campaign_plan(&example("campaign.yaml"), &plan);
    windowplan()
        .arg("check")
        .arg(example("campaign.yaml"))
        .arg(&plan)
        .assert()
        .success();
    // Moving the power test out of its pinned window is caught (exit 1).
    let text = std::fs::read_to_string(&plan).unwrap();
    let bad = text.replacen(
        "\"dc-power-test\": \"2027-01-23\"",
        "\"dc-power-test\": \"jan-09\"",
        1,
    );
    assert_ne!(bad, text);
    let (_d, bad_path) = temp_file("bad.json", bad);
    windowplan()
        .arg("check")
        .arg(example("campaign.yaml"))
        .arg(&bad_path)
        .assert()
        .code(1);
}

#[test]
fn a_file_with_window_and_campaign_is_bad_input() {
    let text = "window: { start: 2026-12-05T22:00, timezone: UTC }\ncampaign:\n  timezone: UTC\n  windows: [{ id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }]\n";
    let (_d, path) = temp_file("both.yaml", text);
    let out = windowplan().arg("validate").arg(&path).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("E150"), "{err}");
}

/// `plan CAMPAIGN --format md -o plan.md`: the summary, then each window's
/// pack beside it with its Gantt chart, which the pack links; no pack
/// offers what a campaign does not have (`--format html`), and on stdout
/// each pack says how a campaign's charts are written.
#[test]
fn campaign_packs_come_with_their_charts_and_say_only_what_is_true() {
    let text = "campaign:\n  timezone: UTC\n  windows:\n    - { id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T02:00 }\n    - { id: w2, start: 2026-12-12T22:00, deadline: 2026-12-13T02:00 }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }, { id: s2 }]\ntasks:\n  - { id: a, system: s1, duration: 30m, team: ops, in_window: w1 }\n  - { id: b, system: s2, duration: 30m, team: ops, in_window: w2 }\n";
    let dir = tempdir();
    let inv = write(&dir, "c.yaml", text);
    let summary = dir.path().join("plan.md");
    windowplan()
        .args(["plan", "--time-limit", "5s", "--format", "md", "-o"])
        .arg(&summary)
        .arg(&inv)
        .assert()
        .success();
    let top = std::fs::read_to_string(&summary).unwrap();
    for w in ["w1", "w2"] {
        let pack = std::fs::read_to_string(dir.path().join(format!("plan.{w}.md"))).unwrap();
        let chart = dir.path().join(format!("plan.{w}.gantt.svg"));
        let svg = std::fs::read_to_string(&chart).expect("the chart beside the pack");
        assert!(svg.contains("<svg"), "{svg}");
        assert!(
            pack.contains(&format!("![Gantt chart](plan.{w}.gantt.svg)")),
            "{pack}"
        );
        assert!(!pack.contains("--format html"), "{pack}");
        assert!(
            top.contains(&format!(
                "- window {w}: CAB pack in `plan.{w}.md` beside this summary, its chart in `plan.{w}.gantt.svg`"
            )),
            "{top}"
        );
    }
    let out = windowplan()
        .args(["plan", "--time-limit", "5s", "--format", "md"])
        .arg(&inv)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!stdout.contains("--format html"), "{stdout}");
    assert!(
        !stdout.contains("INVENTORY --format md -o pack.md"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "`windowplan plan CAMPAIGN --format md -o plan.md` writes each window's pack"
        ),
        "{stdout}"
    );
}

/// What a campaign does not take is refused (exit 2), never silently left
/// out: `plan --reserve-backout`, and `plan --pareto`, which plans one
/// window (E150, said once, not as an unknown field `campaign` and a
/// missing `window`).
#[test]
fn what_a_campaign_does_not_take_is_refused() {
    let text = "campaign:\n  timezone: UTC\n  windows:\n    - { id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T02:00 }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }]\ntasks:\n  - { id: a, system: s1, duration: 30m, team: ops, backout: 10m }\n";
    let dir = tempdir();
    let inv = write(&dir, "c.yaml", text);
    let out = windowplan()
        .args(["plan", "--reserve-backout"])
        .arg(&inv)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("`--reserve-backout` is not taken with a campaign"),
        "{err}"
    );
    assert!(out.get_output().stdout.is_empty());
    // `explain`, `risk`, `availability` and `export` take a campaign with
    // `--window ID` (tests/campaign_window.rs); `plan --pareto` does not.
    let cmd = ["plan", "--pareto"];
    let out = windowplan().args(cmd).arg(&inv).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("error[E150]: campaign: the file is a campaign"),
        "{cmd:?}: {err}"
    );
    assert!(!err.contains("unknown field"), "{cmd:?}: {err}");
    assert_eq!(err.matches("error[").count(), 1, "{cmd:?}: {err}");
}
