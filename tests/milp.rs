//! good_lp's job: the time-indexed MILP as an engine (`plan --engine milp`)
//! and as a model for the user's own solver (`export --format lp`).

mod common;

use common::*;
use windowplan::model::{Activity, Demand, Precedence, Problem, Resource};
use windowplan::solve::milp::{solve_milp, MilpResult};
use windowplan::solve::{Engine, Outcome, SolveOptions};

/// Three jobs on one unit resource, the third after the first: 12 minutes,
/// and only a proof that nothing shorter exists makes it optimal.
fn three_jobs() -> Problem {
    let mut p = Problem {
        resources: vec![Resource::constant("r", 1)],
        ..Problem::default()
    };
    for (name, d) in [("a", 3), ("b", 4), ("c", 5)] {
        let mut a = Activity::new(name, d);
        a.demands = vec![Demand {
            resource: 0,
            amount: 1,
        }];
        p.activities.push(a);
    }
    p.precedences.push(Precedence {
        from: 0,
        to: 2,
        lag: 3,
    });
    p
}

#[test]
fn the_milp_proves_and_refuses_what_it_should() {
    let p = three_jobs();
    match solve_milp(&p, 20, None, std::time::Duration::from_secs(5)) {
        MilpResult::Optimal { makespan, starts } => {
            assert_eq!(makespan, 12);
            assert!(windowplan::model::verify::verify(&p, &starts).is_empty());
        }
        other => panic!("{other:?}"),
    }
    // Below the optimum there is nothing: the model says so.
    assert_eq!(
        solve_milp(&p, 11, None, std::time::Duration::from_secs(5)),
        MilpResult::NoneWithin
    );
}

#[test]
fn the_milp_engine_gives_a_verified_optimum() {
    let p = three_jobs();
    let opts = SolveOptions {
        engine: Engine::Milp,
        threads: 1,
        time_limit: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let Outcome::Solved(sol) = windowplan::solve::solve(&p, &opts) else {
        panic!("no schedule")
    };
    assert_eq!((sol.makespan, sol.lower_bound), (12, 12));
    assert!(windowplan::model::verify::verify(&p, &sol.starts).is_empty());
}

#[test]
fn plan_with_the_milp_engine_is_checked_and_optimal() {
    let dir = tempdir();
    let out = dir.path().join("plan.json");
    windowplan()
        .args([
            "plan",
            "--engine",
            "milp",
            "--time-limit",
            "3s",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .arg(example("quickstart.yaml"))
        .assert()
        .success();
    let plan = read_json(&out);
    assert_eq!(plan["status"], "optimal");
    windowplan()
        .arg("check")
        .arg(example("quickstart.yaml"))
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn export_writes_a_whole_lp_model() {
    let dir = tempdir();
    let out = dir.path().join("model.lp");
    windowplan()
        .args(["export", "--format", "lp", "--horizon", "90", "-o"])
        .arg(&out)
        .arg(example("quickstart.yaml"))
        .assert()
        .success();
    let lp = std::fs::read_to_string(&out).unwrap();
    for section in ["Minimize", "Subject To", "Bounds", "Binaries", "End"] {
        assert!(lp.contains(section), "no {section} in\n{lp}");
    }
    assert!(lp.contains("activity 2: patch-web@web-1"), "{lp}");
    assert!(lp.contains("M <= 90"), "{lp}");
    // A horizon too large for the model is refused with a way out, and
    // nothing is written.
    let big = dir.path().join("big.lp");
    windowplan()
        .args(["export", "--horizon", "100000", "-o"])
        .arg(&big)
        .arg(data("j301_1.sm"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("smaller --horizon"));
    assert!(!big.exists());
}
