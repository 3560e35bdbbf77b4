//! `windowplan generate --kind psplib|rcpspmax` end to end: the files and
//! `parameters.csv` are written, `bench` reads and solves them; bad
//! arguments exit 2 with `E091` and write nothing.

use assert_cmd::Command;
use predicates::prelude::*;

fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

#[test]
fn generated_sets_are_benchmarked() {
    let dir = tempfile::tempdir().unwrap();
    let sm = dir.path().join("j30");
    windowplan()
        .args([
            "generate", "--kind", "psplib", "--jobs", "30", "--count", "2",
        ])
        .args(["--nc", "1.5", "--rf", "0.5", "--rs", "0.5,1.0", "-o"])
        .arg(&sm)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 4 psplib instances"));
    let mut names: Vec<String> = std::fs::read_dir(&sm)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "j301_1.sm",
            "j301_2.sm",
            "j302_1.sm",
            "j302_2.sm",
            "parameters.csv"
        ]
    );
    let manifest = std::fs::read_to_string(sm.join("parameters.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 5);
    assert!(manifest.contains("j302_2.sm,psplib,30,2,2,1.5,0.5,1,"));
    windowplan()
        .arg("bench")
        .arg(&sm)
        .args(["--format", "psplib", "--time-limit", "200ms"])
        .assert()
        .success()
        .stdout(predicate::str::contains("all schedules verified"));

    let sch = dir.path().join("j10max");
    windowplan()
        .args([
            "generate", "--kind", "rcpspmax", "--jobs", "10", "--count", "3",
        ])
        .args([
            "--rs", "0.5", "--rf", "1", "--nc", "1.5", "--seed", "4", "-o",
        ])
        .arg(&sch)
        .assert()
        .success();
    assert!(sch.join("PSP3.SCH").is_file());
    windowplan()
        .arg("bench")
        .arg(&sch)
        .args(["--format", "rcpspmax", "--time-limit", "1s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("j10max"));
}

#[test]
fn bad_generator_arguments_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set");
    let cases: &[&[&str]] = &[
        &["--kind", "psplib", "--tightness", "0.5"],
        &["--kind", "rcpspmax", "--rs", "1.5"],
        &["--kind", "rcpspmax", "--jobs", "10", "--nc", "2.6"],
        &["--kind", "psplib", "--tasks", "100"],
        &["--nc", "1.5"],
    ];
    for args in cases {
        windowplan()
            .arg("generate")
            .args(*args)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error[E091]"));
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
    windowplan()
        .args(["generate", "--kind", "rcpspmax"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o DIR"));
}
