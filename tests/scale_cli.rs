//! `windowplan generate` end to end: the estate validates, plans, and the
//! plan passes the independent checker; `plan -v` / `-q` on stderr.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn generated_estate_validates_plans_and_checks() {
    let dir = tempdir();
    let inv = dir.path().join("estate.yaml");
    let plan = dir.path().join("plan.json");
    windowplan()
        .args(["generate", "--tasks", "400", "--seed", "5", "-o"])
        .arg(&inv)
        .assert()
        .success();
    prints(
        windowplan().arg("validate").arg(&inv),
        &["valid (400 tasks"],
    );
    // `plan INVENTORY --time-limit LIMIT --format json VERBOSITY -o PLAN`.
    let plan_json = |time_limit: &str, verbosity: &str| {
        windowplan()
            .arg("plan")
            .arg(&inv)
            .args([
                "--time-limit",
                time_limit,
                "--format",
                "json",
                verbosity,
                "-o",
            ])
            .arg(&plan)
            .assert()
            .success()
    };
    plan_json("2s", "-v")
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
    plan_json("1s", "-q").stderr(predicate::str::is_empty());
}

#[test]
fn generate_is_deterministic_and_json_by_extension() {
    let out =
        |seed: &str| run(windowplan().args(["generate", "--tasks", "300", "--seed", seed])).stdout;
    assert_eq!(out("9"), out("9"));
    assert_ne!(out("9"), out("10"));
    let dir = tempdir();
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
