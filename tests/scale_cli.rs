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

/// Issue #21.22: `explain`, `availability` and `risk` keep their time
/// limit with an honest partial answer rather than being ended by the
/// watchdog. A limit of 0 s leaves no time for any re-plan or sample, so
/// what they say does not depend on the machine's speed.
#[test]
fn analyses_at_a_spent_limit_say_what_they_left_out() {
    let dir = tempdir();
    let inv = dir.path().join("estate.yaml");
    let plan = dir.path().join("plan.json");
    windowplan()
        .args(["generate", "--tasks", "200", "--seed", "3", "-o"])
        .arg(&inv)
        .assert()
        .success();
    windowplan()
        .arg("plan")
        .arg(&inv)
        .args(["--time-limit", "1s", "--format", "json", "-o"])
        .arg(&plan)
        .assert()
        .success();
    // explain: the given plan and its chain, no bottleneck tried: exit 0.
    let out = run(windowplan()
        .arg("explain")
        .arg(&inv)
        .arg(&plan)
        .args(["--time-limit", "0s"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(text.contains("Critical chain"), "{text}");
    assert!(
        text.contains("Not tried within the time limit (3 × --time-limit in all)"),
        "{text}"
    );
    assert!(
        text.contains("(bottleneck credits computed for 0 of"),
        "{text}"
    );
    // availability: the floors, and the changes not re-planned, said.
    let out = run(windowplan()
        .arg("availability")
        .arg(&inv)
        .args(["--time-limit", "0s"]));
    assert!(matches!(out.code, Some(0) | Some(3)), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(
        text.contains("no plan can keep it down less than"),
        "{text}"
    );
    assert!(
        text.contains("not re-planned within the time limit"),
        "{text}"
    );
    // risk: no sample drawn is nothing to say: exit 3, nothing written.
    let out = run(windowplan().arg("risk").arg(&inv).arg(&plan).args([
        "--time-limit",
        "0s",
        "--samples",
        "50",
    ]));
    assert_eq!(out.code, Some(3));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("no sample was drawn"), "{}", out.stderr);
}
