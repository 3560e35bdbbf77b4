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
    windowplan()
        .args(["plan", "--time-limit", "20s", "--format", "json", "-o"])
        .arg(&plan)
        .arg(example("campaign.yaml"))
        .assert()
        .success();
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
