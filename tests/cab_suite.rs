//! The CAB suite end to end on a few tiny instances: `scripts/cab_suite.py
//! generate` writes a 50-task estate and its variants with a known plan that
//! `check` accepts, and `scripts/cab_suite.py run` plans them, checks every
//! plan and reports per family. CP-SAT runs only when `PEER_PY` is set (the
//! peer part is skipped with a note otherwise); the test is skipped with a
//! note when no `python3` is on the PATH.

use std::path::Path;
use std::process::Command;

/// The Python that runs the suite script, if any.
fn python() -> Option<String> {
    let py = std::env::var("CAB_SUITE_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some(py)
}

fn suite(py: &str, args: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/cab_suite.py");
    Command::new(py)
        .arg(script)
        .args(args)
        .env("WINDOWPLAN", env!("CARGO_BIN_EXE_windowplan"))
        .output()
        .expect("the suite script runs")
}

#[test]
fn tiny_suite_generates_runs_and_checks() {
    let Some(py) = python() else {
        println!("note: no python3 on the PATH: the CAB suite test is skipped");
        return;
    };
    if std::env::var_os("PEER_PY").is_none() {
        println!("note: PEER_PY is not set: the CP-SAT part of the CAB suite is skipped");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let gen = suite(
        &py,
        &[
            "generate",
            d,
            "--sizes",
            "50",
            "--pressures",
            "relaxed",
            "--no-examples",
            "--plan-seconds",
            "2",
        ],
    );
    assert!(
        gen.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("suite.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = manifest["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    for want in [
        "n50/relaxed-base",
        "n50/relaxed-deadline-at",
        "n50/relaxed-cpath",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    // the known plan is written beside a feasible-by-construction instance
    assert!(dir
        .path()
        .join("n50/relaxed-deadline-at.known-plan.json")
        .exists());

    let csv = dir.path().join("out.csv");
    let run = suite(
        &py,
        &[
            "run",
            d,
            "--only",
            "n50/relaxed-base,n50/relaxed-deadline-at,n50/relaxed-cpath",
            "--time-limit",
            "2",
            "--peer-time-limit",
            "5",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "run failed: {out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("| deadline-at n50 | 1 | 1 |"), "{out}");
    assert!(out.contains("| cpath n50 | 1 | 0 | 0 | 1 |"), "{out}");
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 4, "{rows}");
    for line in rows.lines().skip(1) {
        // every plan found was checked and accepted
        if !line.contains("cpath") {
            assert!(line.contains(",True,"), "{line}");
        }
    }
}

/// `export --format json` of an inventory: the versioned document, a legend
/// entry per activity, every rule kind the example has; of a benchmark
/// instance: the same document without a legend.
#[test]
fn export_json_is_versioned_and_complete() {
    let bin = env!("CARGO_BIN_EXE_windowplan");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(bin)
        .arg("export")
        .arg(root.join("examples/payments.yaml"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "windowplan-problem/1");
    assert!(doc["window_start"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-05T22:00"));
    let p = &doc["problem"];
    let acts = p["activities"].as_array().unwrap();
    let legend = doc["legend"].as_array().unwrap();
    assert_eq!(acts.len(), legend.len());
    for (i, (a, l)) in acts.iter().zip(legend).enumerate() {
        assert_eq!(l["index"], i);
        assert_eq!(a["name"], l["id"]);
    }
    // steps and members are named, the deadline (04:00 = minute 360) is there
    assert!(legend
        .iter()
        .any(|l| l["step"] == "drain" && l["member"] == "web-1"));
    assert_eq!(p["deadline"], 360);
    // team hours, signals and service limits came through
    assert!(!p["resources"].as_array().unwrap().is_empty());
    assert!(!p["signals"].as_array().unwrap().is_empty());
    assert_eq!(p["limits"].as_array().unwrap().len(), 2);
    assert!(p["precedences"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["lag"].as_i64().unwrap() < 0));

    let sch = Command::new(bin)
        .arg("export")
        .arg(root.join("tests/data/UBO10_01.sch"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        sch.status.success(),
        "{}",
        String::from_utf8_lossy(&sch.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&sch.stdout).unwrap();
    assert_eq!(doc["format"], "windowplan-problem/1");
    assert!(doc["legend"].as_array().unwrap().is_empty());
    assert!(doc["window_start"].is_null());
    assert_eq!(doc["problem"]["activities"].as_array().unwrap().len(), 12);
}
