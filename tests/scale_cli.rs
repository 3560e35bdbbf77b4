//! `windowplan generate` end to end: the estate validates, plans, and the
//! plan passes the independent checker; `plan -v` / `-q` on stderr.

use assert_cmd::Command;
use predicates::prelude::*;

fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

#[test]
fn generated_estate_validates_plans_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("estate.yaml");
    let plan = dir.path().join("plan.json");
    windowplan()
        .args(["generate", "--tasks", "400", "--seed", "5", "-o"])
        .arg(&inv)
        .assert()
        .success();
    windowplan()
        .arg("validate")
        .arg(&inv)
        .assert()
        .success()
        .stdout(predicate::str::contains("valid (400 tasks"));
    windowplan()
        .arg("plan")
        .arg(&inv)
        .args(["--time-limit", "2s", "--format", "json", "-v", "-o"])
        .arg(&plan)
        .assert()
        .success()
        .stderr(predicate::str::contains("time per stage"))
        .stderr(predicate::str::contains("compile"))
        .stderr(predicate::str::contains("plan: best"));
    windowplan()
        .arg("check")
        .arg(&inv)
        .arg(&plan)
        .assert()
        .success();
    // Quiet: nothing on stderr.
    windowplan()
        .arg("plan")
        .arg(&inv)
        .args(["--time-limit", "1s", "--format", "json", "-q", "-o"])
        .arg(&plan)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn generate_is_deterministic_and_json_by_extension() {
    let out = |seed: &str| {
        windowplan()
            .args(["generate", "--tasks", "300", "--seed", seed])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(out("9"), out("9"));
    assert_ne!(out("9"), out("10"));
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("estate.json");
    windowplan()
        .args(["generate", "--tasks", "300", "-o"])
        .arg(&inv)
        .assert()
        .success();
    let text = std::fs::read_to_string(&inv).unwrap();
    assert!(text.trim_start().starts_with('{'));
    windowplan().arg("validate").arg(&inv).assert().success();
}
