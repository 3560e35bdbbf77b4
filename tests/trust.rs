//! Issue #12, "every figure true on every run": no panic text, exit codes
//! that say what is known, status words that are proofs, saved plans shown
//! as saved, no false notes, a closed stdout is no error.

mod common;

use common::*;
use std::path::PathBuf;

/// Every inventory and benchmark instance shipped with the repository
/// (tests/fixtures, tests/data, examples), malformed ones included: each
/// must end without panic text whatever its outcome.
fn every_input() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/fixtures", "tests/data", "examples"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = entry.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ["yaml", "yml", "json", "sm", "sch", "rcp"].contains(&ext) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[track_caller]
fn no_panic_text(what: &str, out: &Run) {
    let e = &out.stderr;
    assert!(
        !e.contains("panicked") && !e.contains("stack backtrace") && !e.contains("RUST_BACKTRACE"),
        "{what}: panic text on stderr:\n{e}"
    );
    assert_ne!(out.code, Some(101), "{what}: exit 101 (a panic)");
}

/// Item 1. The exact engine's model building met a root contradiction
/// (the vendor window of `vendor-window-after-chain.yaml`) and pumpkin
/// panicked before the right answer was printed.
#[test]
fn no_input_makes_plan_or_explain_print_panic_text() {
    let mut infeasible = 0;
    for f in every_input() {
        let inventory = matches!(
            f.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        );
        for threads in ["0", "1"] {
            let out = run(windowplan()
                .env("RUST_BACKTRACE", "1")
                .args(["plan", "--time-limit", "1s", "--threads", threads])
                .args(["-o", "/dev/null"])
                .arg(&f));
            no_panic_text(&format!("plan --threads {threads} {}", f.display()), &out);
            if threads == "1" && inventory && out.code == Some(1) {
                infeasible += 1;
            }
        }
        if inventory {
            let out = run(windowplan()
                .env("RUST_BACKTRACE", "1")
                .args(["explain", "--time-limit", "1s"])
                .arg(&f));
            no_panic_text(&format!("explain {}", f.display()), &out);
        }
    }
    assert!(infeasible >= 5, "the infeasible fixtures were not all seen");
    // The one that panicked: proven impossible, with both thread counts.
    for threads in ["0", "1"] {
        let out = run(windowplan()
            .args(["plan", "--time-limit", "2s", "--threads", threads])
            .arg(fixture("vendor-window-after-chain.yaml")));
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        assert!(out.stderr.contains("no feasible plan"), "{}", out.stderr);
    }
}

/// A 500-task estate (`windowplan generate`): no plan can be found in 1ms.
fn estate(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("estate.yaml");
    windowplan()
        .args(["generate", "--tasks", "500", "-o"])
        .arg(&p)
        .assert()
        .success();
    p
}

/// Item 2: a 200-activity RCPSP/max instance at `--time-limit 5ms` (20ms
/// in the issue; less here, so that no machine finds one) has no schedule
/// in time, which proves nothing: exit 3, the limit as given, no
/// doubled prefix.
#[test]
fn no_schedule_in_time_exits_3_with_the_limit_as_given() {
    let dir = tempdir();
    windowplan()
        .args([
            "generate", "--kind", "rcpspmax", "--jobs", "200", "--count", "2",
        ])
        .args(["--nc", "1.8", "--rf", "1", "--rs", "0.2", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    // The first of these is proven infeasible at once (a component of its
    // lags overloads a resource); the second is neither solved nor refuted
    // in seconds.
    let sch = dir.path().join("PSP2.SCH");
    for threads in ["0", "1"] {
        let out = run(windowplan()
            .args(["plan", "--time-limit", "5ms", "--threads", threads])
            .arg(&sch));
        let e = &out.stderr;
        assert_eq!(out.code, Some(3), "{e}");
        assert!(e.contains("within the time limit of 5ms"), "{e}");
        assert!(!e.contains("0.0s"), "{e}");
        assert_eq!(e.matches("no schedule found").count(), 1, "{e}");
        assert!(!e.contains("no feasible"), "{e}");
    }
}

/// Item 2, everywhere the case arises: 1 only for a proof, 3 for nothing
/// found in time, with every command that plans an inventory.
#[test]
fn every_command_that_plans_exits_1_on_a_proof_and_3_on_a_timeout() {
    let dir = tempdir();
    let timed_out = estate(&dir);
    let infeasible = fixture("vendor-window-after-chain.yaml");
    let scenario = example("scenarios/one-more-dba.yaml");
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("plan", vec!["plan", "-o", "/dev/null"]),
        (
            "plan 1 thread",
            vec!["plan", "--threads", "1", "-o", "/dev/null"],
        ),
        ("pareto", vec!["plan", "--pareto"]),
        ("explain", vec!["explain"]),
        ("availability", vec!["availability"]),
        ("risk", vec!["risk"]),
        (
            "whatif",
            vec!["whatif", "--scenario", scenario.to_str().unwrap()],
        ),
    ];
    for (name, args) in &commands {
        for (inventory, limit, code) in [(&infeasible, "1s", 1), (&timed_out, "1ms", 3)] {
            let out = run(windowplan()
                .args(args)
                .args(["--time-limit", limit])
                .arg(inventory));
            assert_eq!(
                out.code,
                Some(code),
                "{name} {}: {}",
                inventory.display(),
                out.stderr
            );
            no_panic_text(name, &out);
            if code == 3 && !["explain", "whatif"].contains(name) {
                assert!(
                    out.stderr.contains("none is proven impossible"),
                    "{name}: {}",
                    out.stderr
                );
                assert!(
                    !out.stderr.contains("no feasible"),
                    "{name}: {}",
                    out.stderr
                );
            }
        }
    }
}

/// Item 2: `bench` counts solved, proven infeasible and not found in time
/// apart, in its table and its CSV.
#[test]
fn bench_reports_the_three_outcomes_apart() {
    let dir = tempdir();
    for f in ["UBO10_01.sch", "ubo_10_psp2.sch"] {
        std::fs::copy(data(f), dir.path().join(f)).unwrap();
    }
    let csv = dir.path().join("rows.csv");
    let out = run(windowplan()
        .args([
            "bench",
            "--format",
            "rcpspmax",
            "--time-limit",
            "2s",
            "--csv",
        ])
        .arg(&csv)
        .arg(dir.path()));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(text.contains("time limit 2s"), "{text}");
    assert!(
        text.contains("1 solved, 1 proven infeasible, 0 not found within the time limit"),
        "{text}"
    );
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.contains(",infeasible,"), "{rows}");
}

/// `plan --objective downtime --threads 1 --time-limit LIMIT --format json
/// INVENTORY`: the plan as JSON.
fn downtime_plan(inventory: &std::path::Path, limit: &str) -> serde_json::Value {
    json_of(
        windowplan()
            .args(["plan", "--objective", "downtime", "--threads", "1"])
            .args(["--time-limit", limit, "--format", "json"])
            .arg(inventory),
    )
}

/// The plan's weighted downtime as the solver counts it, and whether the
/// least one is proven (it meets the solver's floor).
fn weighted(inventory: &std::path::Path, plan: &serde_json::Value) -> (f64, bool) {
    let inv = windowplan::load_inventory(inventory).unwrap();
    let starts = windowplan::plan::read_plan_starts(&plan.to_string(), &inv).unwrap();
    let problem = windowplan::model::compile(&inv).problem;
    (
        windowplan::solve::weighted_on_time(&problem, &starts),
        windowplan::solve::downtime_proven(&problem, &starts),
    )
}

/// Item 3. Downtime first, the bank's plan met the window bound and said
/// `optimal` although its downtime was above what any bound proves; and
/// its downtime must not exceed the least `--pareto` lists.
#[test]
fn downtime_first_says_optimal_only_on_a_proof_and_matches_pareto() {
    for name in ["bank.yaml", "quickstart.yaml", "alignment.yaml"] {
        let inventory = example(name);
        let plan = downtime_plan(&inventory, "2s");
        let (w, proven) = weighted(&inventory, &plan);
        if plan["status"] == "optimal" {
            assert!(
                proven,
                "{name}: `optimal` with downtime {w} not proven least"
            );
        }
        let points = json_of(
            windowplan()
                .args(["plan", "--pareto", "--threads", "1", "--time-limit", "2s"])
                .args(["--format", "json"])
                .arg(&inventory),
        );
        let least = points
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["weighted_downtime"].as_f64().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(
            w <= least + 1e-6,
            "{name}: downtime first gave {w}, --pareto lists {least}"
        );
    }
    // The bank's least downtime is not proven by any bound we have: the
    // downtime-first plan is `feasible`, whatever its window.
    let plan = downtime_plan(&example("bank.yaml"), "2s");
    assert_eq!(plan["status"], "feasible", "{plan}");
    // The quickstart's is (the database's outage alone): `optimal`.
    let plan = downtime_plan(&example("quickstart.yaml"), "2s");
    assert_eq!(plan["status"], "optimal", "{plan}");
}

/// Item 5. With the default thread count the work clock is not what ends
/// the search, so "the machine was slower …" is not true of it; `-q` hides
/// progress, never such a note where it is true (a one-thread run the wall
/// clock ended: 1ms for 500 tasks).
#[test]
fn the_slow_machine_note_only_where_true_and_never_hidden_by_quiet() {
    const NOTE: &str = "slower than the work clock";
    for _ in 0..3 {
        let out = run(windowplan()
            .args(["plan", "--time-limit", "1s", "-o", "/dev/null"])
            .arg(example("bank.yaml")));
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert!(!out.stderr.contains(NOTE), "{}", out.stderr);
    }
    let dir = tempdir();
    let out = run(windowplan()
        .args(["plan", "--threads", "1", "--time-limit", "1ms", "-q"])
        .arg(estate(&dir)));
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(out.stderr.contains(NOTE), "{}", out.stderr);
}

/// Runs `windowplan ARGS` with stdout on a pipe whose reader takes
/// `lines` lines (0: none, the reader closes before the child writes) and
/// then closes it: the exit code and stderr.
fn closed_early(args: &[&std::ffi::OsStr], lines: usize) -> (Option<i32>, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("windowplan"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reader = std::io::BufReader::new(stdout);
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "the output ended early");
    }
    drop(reader);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Item 6: `graph big.json | head -1`, `plan --format csv | head` and
/// the other commands that print stop quietly when their reader is gone.
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let dir = tempdir();
    let big = estate(&dir); // its graph is far larger than a pipe's buffer
    let bank = example("bank.yaml");
    let plan = dir.path().join("plan.json");
    save_plan(&bank, &plan);
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let cases: Vec<(Vec<&std::ffi::OsStr>, usize)> = vec![
        (
            vec![os("graph"), os("--format"), os("json"), big.as_os_str()],
            1,
        ),
        (vec![os("graph"), big.as_os_str()], 1),
        (
            vec![
                os("plan"),
                os("--time-limit"),
                os("1s"),
                os("--format"),
                os("csv"),
                bank.as_os_str(),
            ],
            0,
        ),
        (vec![os("validate"), bank.as_os_str()], 0),
        (vec![os("check"), bank.as_os_str(), plan.as_os_str()], 0),
        (vec![os("schema")], 1),
    ];
    for (args, lines) in cases {
        let (code, stderr) = closed_early(&args, lines);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("error")
                && !stderr.contains("Broken pipe")
                && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

/// Item 4. A plan saved as `feasible` (with the bound its run proved) was
/// shown as `optimal` by `report`, which re-computed the bound.
#[test]
fn report_shows_a_saved_plan_as_saved() {
    let dir = tempdir();
    let bank = example("bank.yaml");
    let plan = dir.path().join("plan.json");
    save_plan(&bank, &plan);
    // As a shorter run would have saved it: a weaker bound, `feasible`.
    let mut v = read_json(&plan);
    let length = v["length_minutes"].as_i64().unwrap();
    v["lower_bound_minutes"] = (length - 30).into();
    v["status"] = "feasible".into();
    std::fs::write(&plan, v.to_string()).unwrap();
    let shown = json_of(
        windowplan()
            .args(["report", "--format", "json"])
            .arg(&bank)
            .arg(&plan),
    );
    assert_eq!(shown["status"], "feasible", "{shown}");
    assert_eq!(shown["lower_bound_minutes"], length - 30, "{shown}");
    assert_eq!(shown["length_minutes"], length, "{shown}");
    let md = run(windowplan()
        .args(["report", "--format", "md"])
        .arg(&bank)
        .arg(&plan));
    assert_eq!(md.code, Some(0), "{}", md.stderr);
    assert!(
        !md.stdout_text().contains("optimal"),
        "{}",
        md.stdout_text()
    );
    assert!(
        md.stderr.is_empty(),
        "nothing new was computed: {}",
        md.stderr
    );
    // A hand-made plan states no status or bound: what report works out is
    // said to be new.
    let obj = v.as_object_mut().unwrap();
    obj.remove("status");
    obj.remove("lower_bound_minutes");
    std::fs::write(&plan, v.to_string()).unwrap();
    let out = run(windowplan()
        .args(["report", "--format", "json"])
        .arg(&bank)
        .arg(&plan));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("gives no status"), "{}", out.stderr);
    assert!(
        out.stderr.contains("gives no lower bound"),
        "{}",
        out.stderr
    );
}
