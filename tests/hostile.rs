//! Hostile input (issue 6, "Nothing breaks it"): every command that reads an
//! inventory or a plan refuses garbage with exit code 2, a stable error code
//! and words a user can act on, and never hangs, crashes or leaves a partial
//! output file. Timings are not asserted here (CI machines vary); run
//! `scripts/timing-check.sh` for that. Each case below finishes in well under
//! a second on a debug build.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

const HEAD: &str = "window: { start: 2026-12-05T22:00, timezone: Europe/London }\n";

/// Writes `bytes` to `name` in a fresh temporary folder.
fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `windowplan validate FILE` fails with exit 2, the code and every word given.
fn refused(path: &Path, code: &str, words: &[&str]) {
    refused_by(&["validate"], path, &[], code, words)
}

fn refused_by(cmd: &[&str], path: &Path, extra: &[&str], code: &str, words: &[&str]) {
    let out = windowplan()
        .args(cmd)
        .arg(path)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "want {code}: {stderr}"
    );
    for w in words {
        assert!(stderr.contains(w), "want `{w}` in: {stderr}");
    }
    assert!(stderr.contains("hint:"), "every error has a hint: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn malformed_utf8_is_named_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "latin1.yaml",
        b"window: { start: 2026-12-05T22:00, timezone: UTC }\nsystems: [ { id: caf\xe9 } ]\n",
    );
    refused(
        &p,
        "E004",
        &["not UTF-8", "line 2", "column 21", "save the file as UTF-8"],
    );
    let p = write(&dir, "latin1.json", b"{\"window\": \xff}");
    refused(&p, "E004", &["line 1", "column 12"]);
}

#[test]
fn alias_bomb_is_refused() {
    // A list of 1000 tags replayed into 10 000 systems: ten million strings
    // from a 200 KB file. The replay budget stops it.
    let dir = tempfile::tempdir().unwrap();
    let tags: Vec<String> = (0..1000).map(|i| format!("x{i}")).collect();
    let mut s = format!(
        "{HEAD}systems:\n  - id: s0\n    tags: &t [{}]\n",
        tags.join(", ")
    );
    for k in 1..=10_000 {
        s.push_str(&format!("  - {{ id: s{k}, tags: *t }}\n"));
    }
    let p = write(&dir, "bomb.yaml", s);
    refused(&p, "E006", &["alias", "safety limits"]);

    // The classic nine levels of `&a [*a, ...]`, where an inventory field is
    // expected: refused as soon as the nesting is seen.
    let mut s =
        format!("{HEAD}systems:\n  - id: x\n    tags: &t0 [a, b, c, d, e, f, g, h, i, j]\n");
    for k in 1..9 {
        s.push_str(&format!(
            "  - {{ id: x{k}, tags: &t{k} [{}] }}\n",
            vec![format!("*t{}", k - 1); 10].join(", ")
        ));
    }
    let p = write(&dir, "laughs.yaml", s);
    let out = windowplan().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[E005]") || stderr.contains("error[E006]"),
        "{stderr}"
    );
}

#[test]
fn deeply_nested_documents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    // YAML: the parser's depth budget.
    let p = write(
        &dir,
        "deep.yaml",
        format!(
            "{HEAD}systems: [ {{id: a}} ]\ntasks: [ {{id: t, system: a, duration: 1m, after: [{}]}} ]\n",
            deep(20_000)
        ),
    );
    refused(&p, "E006", &["recursion limit", "safety limits"]);
    let p = write(
        &dir,
        "deep-tags.yaml",
        format!("{HEAD}systems: [ {{id: a, tags: {}}} ]\n", deep(20_000)),
    );
    refused(&p, "E006", &["recursion limit"]);
    // JSON: serde_json stops at 128 levels where it keeps a value...
    let p = write(
        &dir,
        "deep.json",
        format!(
            "{{\"window\": {{\"start\": \"2026-12-05T22:00\", \"timezone\": \"UTC\"}}, \"zones\": [{{\"id\": \"z\", \"max_concurrent\": {}}}]}}",
            deep(20_000)
        ),
    );
    let out = windowplan().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    // ...and the typed reader refuses a list where a string is wanted.
    let p = write(
        &dir,
        "deep-after.json",
        format!(
            "{{\"window\": {{\"start\": \"2026-12-05T22:00\", \"timezone\": \"UTC\"}}, \"systems\": [{{\"id\": \"a\"}}], \"tasks\": [{{\"id\": \"t\", \"system\": \"a\", \"duration\": \"1m\", \"after\": [{}]}}]}}",
            deep(20_000)
        ),
    );
    refused(&p, "E005", &["malformed JSON", "line 1"]);
    // A plan file nested deeply.
    let plan = write(
        &dir,
        "plan.json",
        format!("{{\"tasks\": [{}]}}", deep(20_000)),
    );
    refused_by(
        &["check"],
        &example("quickstart.yaml"),
        &[plan.to_str().unwrap()],
        "E070",
        &["recursion limit", "nested"],
    );
}

#[test]
fn files_over_the_size_limit_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: no disk space is used, and the reader refuses it from its size.
    let p = dir.path().join("huge.yaml");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    refused(
        &p,
        "E003",
        &["larger than the limit of 64 MiB", "--max-file-mb"],
    );
    // The limit can be lowered (and raised) per run.
    let p = dir.path().join("two-mib.json");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(2 * 1024 * 1024)
        .unwrap();
    refused_by(
        &["validate"],
        &p,
        &["--max-file-mb", "1"],
        "E003",
        &["1 MiB"],
    );
    // A plan file too.
    refused_by(
        &["check"],
        &example("quickstart.yaml"),
        &[p.to_str().unwrap(), "--max-file-mb", "1"],
        "E003",
        &["plan file"],
    );
    // Raising the limit lets the (NUL-filled, hence not UTF-8... but valid
    // UTF-8: NUL is ASCII) file through to the parser.
    refused_by(
        &["validate"],
        &p,
        &["--max-file-mb", "3"],
        "E005",
        &["malformed JSON"],
    );
}

#[test]
fn numbers_that_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "dur.yaml",
        format!("{HEAD}systems: [ {{id: a}} ]\ntasks: [ {{ id: t, system: a, duration: 1000000000000000m }} ]\n"),
    );
    refused(
        &p,
        "E010",
        &["tasks[0].duration", "1000000000000000m", "one year"],
    );
    let p = write(
        &dir,
        "lag.yaml",
        format!("{HEAD}systems: [ {{id: a}} ]\ntasks: [ {{ id: t, system: a, duration: 1m }}, {{ id: u, system: a, duration: 1m, after: [ {{ task: t, lag: 99999999999999999999h }} ] }} ]\n"),
    );
    refused(&p, "E010", &["tasks[1].after[0].lag"]);
    // 2^63 does not fit.
    let p = write(
        &dir,
        "cap.yaml",
        format!("{HEAD}teams: [ {{ id: ops, capacity: 9223372036854775808 }} ]\nsystems: [ {{id: a}} ]\n"),
    );
    refused(&p, "E005", &["line 2", "64 bits"]);
    // 2^63 - 1 fits in the type but not in the planner.
    let p = write(
        &dir,
        "cap2.yaml",
        format!("{HEAD}teams: [ {{ id: ops, capacity: 9223372036854775807 }} ]\nsystems: [ {{id: a, parallel_changes: 4294967296}} ]\n"),
    );
    refused(
        &p,
        "E040",
        &[
            "teams[0].capacity",
            "9223372036854775807",
            "systems[0].parallel_changes",
        ],
    );
    let p = write(
        &dir,
        "needs.json",
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC"}, "teams": [{"id": "ops", "capacity": 2}], "systems": [{"id": "a"}],
            "tasks": [{"id": "t", "system": "a", "duration": "1m", "needs": {"ops": 18446744073709551616}}]}"#,
    );
    refused(&p, "E005", &["malformed JSON"]);
    // Weights: 1e400 is infinite in YAML's eyes, out of range in JSON's.
    let p = write(
        &dir,
        "w.yaml",
        format!("{HEAD}systems: [ {{id: a}} ]\nservices: [ {{ id: s, requires: [a], weight: 1e400 }} ]\n"),
    );
    refused(&p, "E005", &["line 3", "finite number"]);
    let p = write(
        &dir,
        "w.json",
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC"}, "systems": [{"id": "a"}], "services": [{"id": "s", "requires": ["a"], "weight": 1e400}]}"#,
    );
    refused(&p, "E005", &["out of range", "finite number"]);
    let p = write(
        &dir,
        "nan.yaml",
        format!("{HEAD}systems: [ {{id: a}} ]\nservices: [ {{ id: s, requires: [a], weight: .nan }}, {{ id: u, requires: [a], weight: -1 }} ]\n"),
    );
    refused(&p, "E043", &["services[0].weight", "services[1].weight"]);
}

#[test]
fn negative_and_zero_durations_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "neg.yaml",
        format!("{HEAD}systems: [ {{id: a}} ]\ntasks: [ {{ id: t, system: a, duration: -5m }}, {{ id: u, system: a, duration: 0m }}, {{ id: v, system: a, duration: 0 }} ]\n"),
    );
    refused(
        &p,
        "E010",
        &[
            "tasks[0].duration",
            "`-5m` is negative",
            "tasks[2].duration",
        ],
    );
    refused(&p, "E053", &["tasks[1].duration", "milestone"]);
}

#[test]
fn dates_out_of_range_or_nonexistent_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("99999-12-05T22:00", "UTC", "E011", "99999-12-05T22:00"),
        (
            "2026-13-05T22:00",
            "UTC",
            "E011",
            "not a valid calendar date",
        ),
        ("2026-02-30T22:00", "UTC", "E011", "2026-02-30"),
        (
            "2026-03-08T02:30",
            "America/New_York",
            "E012",
            "does not exist",
        ),
        (
            "2026-12-05T22:00",
            "Mars/Olympus",
            "E014",
            "unknown timezone `Mars/Olympus`",
        ),
        ("2026-12-05T22:00", "", "E014", "timezone"),
    ];
    for (i, (start, tz, code, words)) in cases.iter().enumerate() {
        let p = write(
            &dir,
            &format!("d{i}.yaml"),
            format!(
                "window: {{ start: \"{start}\", timezone: \"{tz}\" }}\nsystems: [ {{id: a}} ]\n"
            ),
        );
        refused(&p, code, &["window.", words]);
    }
    // A deadline at the end of time, and one merely years away.
    let p = write(
        &dir,
        "far.yaml",
        "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 9999-12-31T23:59 }\nsystems: [ {id: a} ]\n",
    );
    refused(&p, "E011", &["window.deadline", "out of range"]);
    let p = write(
        &dir,
        "far2.yaml",
        "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2029-01-01T00:00 }\nsystems: [ {id: a} ]\n",
    );
    refused(&p, "E016", &["window.deadline"]);
}

#[test]
fn duplicate_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "dup.yaml",
        format!("{HEAD}systems: [ {{ id: a, id: b }} ]\n"),
    );
    refused(&p, "E005", &["duplicate", "line 2"]);
    let p = write(&dir, "dup2.yaml", format!("{HEAD}{HEAD}"));
    refused(&p, "E005", &["duplicate"]);
    let p = write(
        &dir,
        "dup.json",
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC", "timezone": "UTC"}}"#,
    );
    refused(&p, "E005", &["duplicate field `timezone`"]);
    // Duplicate ids are a validation error, each one named.
    let p = write(
        &dir,
        "dupid.yaml",
        format!("{HEAD}systems: [ {{ id: a }}, {{ id: a }} ]\n"),
    );
    refused(&p, "E022", &["systems[1]", "duplicate id `a`"]);
}

#[test]
fn odd_ids_are_refused_or_kept_intact() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "bad-ids.yaml",
        format!(
            "{HEAD}systems: [ {{ id: \"web 1\" }}, {{ id: \"a@b\" }}, {{ id: \"tab\\there\" }}, {{ id: \"\" }}, {{ id: \"nl\\nx\" }} ]\n"
        ),
    );
    refused(
        &p,
        "E021",
        &[
            "systems[0].id",
            "whitespace",
            "systems[1].id",
            "`@`",
            "systems[2].id",
        ],
    );
    refused(&p, "E020", &["systems[3].id"]);
    // Unicode, quotes, backslashes and markup characters are kept intact,
    // planned, and written back as valid JSON.
    let ids = [
        "日本-db",
        "q\"uote",
        "back\\slash",
        "<b>&amp;",
        "émoji-🦀",
        "o'neil",
    ];
    let systems: Vec<String> = ids
        .iter()
        .map(|id| format!("{{\"id\": {}}}", serde_json::to_string(id).unwrap()))
        .collect();
    let tasks: Vec<String> = ids
        .iter()
        .map(|id| {
            let j = serde_json::to_string(id).unwrap();
            format!("{{\"id\": {j}, \"system\": {j}, \"duration\": \"5m\"}}")
        })
        .collect();
    let p = write(
        &dir,
        "odd.json",
        format!(
            "{{\"window\": {{\"start\": \"2026-12-05T22:00\", \"timezone\": \"UTC\"}}, \"systems\": [{}], \"tasks\": [{}]}}",
            systems.join(", "),
            tasks.join(", ")
        ),
    );
    let out = windowplan()
        .args([
            "plan",
            "--time-limit",
            "1s",
            "--threads",
            "1",
            "--format",
            "json",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<&str> = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for id in ids {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }
    // Every other output format copes with them too.
    for format in ["table", "md", "csv", "ics", "html", "svg"] {
        windowplan()
            .args([
                "plan",
                "--time-limit",
                "1s",
                "--threads",
                "1",
                "--format",
                format,
            ])
            .arg(&p)
            .assert()
            .success();
    }
}

#[test]
fn empty_lists_everywhere_give_a_valid_empty_plan() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = write(
        &dir,
        "empty.yaml",
        format!("{HEAD}teams: []\nsystems: []\nclusters: []\nzones: []\ndr: []\nblackouts: []\nservices: []\nintegrations: []\ntasks: []\n"),
    );
    let json = write(
        &dir,
        "empty.json",
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC"}, "teams": [], "systems": [], "tasks": []}"#,
    );
    let minimal = write(&dir, "minimal.yaml", HEAD);
    for inv in [&yaml, &json, &minimal] {
        windowplan().arg("validate").arg(inv).assert().success();
        let out = dir.path().join("plan.json");
        windowplan()
            .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
            .arg(&out)
            .arg(inv)
            .assert()
            .success();
        let plan: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(plan["tasks"].as_array().map(|a| a.len()), Some(0), "{plan}");
        windowplan()
            .arg("check")
            .arg(inv)
            .arg(&out)
            .assert()
            .success();
        for format in ["table", "md", "csv", "ics", "html", "svg"] {
            windowplan()
                .args(["plan", "--time-limit", "1s", "--format", format])
                .arg(inv)
                .assert()
                .success();
        }
        windowplan().arg("graph").arg(inv).assert().success();
    }
    // An empty plan file is E070, an empty list a valid (empty) plan.
    let empty_plan = write(&dir, "empty-plan.json", "[]");
    windowplan()
        .arg("check")
        .arg(&yaml)
        .arg(&empty_plan)
        .assert()
        .success();
    let nothing = write(&dir, "nothing.json", "");
    refused_by(
        &["check"],
        &yaml,
        &[nothing.to_str().unwrap()],
        "E070",
        &["not valid JSON"],
    );
    // An empty inventory file is refused, with what to write.
    let blank = write(&dir, "blank.yaml", "\n\n");
    refused(&blank, "E005", &["empty", "window"]);
}

#[test]
fn a_huge_task_count_hits_the_documented_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from(
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC"}, "systems": [{"id": "a"}], "tasks": ["#,
    );
    for i in 0..200_000 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id": "t{i}", "system": "a", "duration": "1m"}}"#
        ));
    }
    s.push_str("]}");
    let p = write(&dir, "huge.json", s);
    refused(
        &p,
        "E007",
        &["200000 tasks", "limit of 50000", "--max-tasks"],
    );
    // The limit counts cluster members, and can be lowered per run.
    let p = write(
        &dir,
        "cluster.yaml",
        format!("{HEAD}systems: [ {{id: a}}, {{id: b}}, {{id: c}} ]\nclusters: [ {{ id: k, members: [a, b, c] }} ]\ntasks: [ {{ id: p, cluster: k, duration: 5m }} ]\n"),
    );
    refused_by(
        &["validate"],
        &p,
        &["--max-tasks", "2"],
        "E007",
        &["3 tasks (1 as written", "limit of 2"],
    );
    windowplan()
        .args(["validate", "--max-tasks", "3"])
        .arg(&p)
        .assert()
        .success();
    for cmd in ["plan", "graph"] {
        refused_by(&[cmd], &p, &["--max-tasks", "2"], "E007", &["limit of 2"]);
    }
}

#[test]
fn too_many_blackouts_hit_the_documented_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = format!("{HEAD}systems: [ {{id: a}} ]\nblackouts:\n");
    for _ in 0..10_001 {
        s.push_str("  - { from: 2026-12-06T01:00, to: 2026-12-06T02:00 }\n");
    }
    let p = write(&dir, "blackouts.yaml", s);
    refused(&p, "E007", &["10001 blackouts", "limit of 10000"]);
}

#[test]
fn thousands_of_bad_references_are_reported_quickly() {
    // Each unknown reference used to be compared with every id for a "did
    // you mean": quadratic. A budget keeps it linear.
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from(
        r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC"}, "systems": ["#,
    );
    let n = 20_000;
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(r#"{{"id": "s{i}"}}"#));
    }
    s.push_str(r#"], "tasks": ["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id": "t{i}", "system": "s{i}x", "duration": "1m", "after": ["x{i}"]}}"#
        ));
    }
    s.push_str("]}");
    let p = write(&dir, "refs.json", s);
    refused(
        &p,
        "E031",
        &["tasks[19999].system", "unknown system `s19999x`"],
    );
    refused(&p, "E034", &["tasks[19999].after[0]", "did you mean"]);
}

#[test]
fn garbage_benchmark_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("a.sm", &b"\xff\xfe\x00garbage\n"[..]),
        ("b.sch", &b"99999999999999999999 1 0\n"[..]),
        ("c.sch", &b""[..]),
        ("d.rcp", &b"4 1\n10\n0 1 2\n"[..]),
    ] {
        let p = write(&dir, name, bytes);
        let out = windowplan()
            .args(["plan", "--time-limit", "1s"])
            .arg(&p)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("error[E08"), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn same_seed_and_one_thread_give_byte_identical_plans() {
    let run = || {
        let out = windowplan()
            .args([
                "plan",
                "--threads",
                "1",
                "--seed",
                "3",
                "--time-limit",
                "1s",
                "--format",
                "json",
            ])
            .arg(example("bank.yaml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let (a, b) = (run(), run());
    assert!(!a.is_empty());
    assert!(a == b, "two runs with the same seed differ");
}

#[test]
fn a_failing_run_never_leaves_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    // Bad input: no file at all is written.
    let bad = write(&dir, "bad.yaml", format!("{HEAD}tasks: [ {{ id: t }} ]\n"));
    windowplan()
        .args(["plan", "--format", "json", "-o"])
        .arg(&out)
        .arg(&bad)
        .assert()
        .code(2);
    assert!(!out.exists());
    // No feasible plan: nothing written either.
    let infeasible = write(
        &dir,
        "infeasible.yaml",
        "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T23:00 }\nsystems: [ {id: a} ]\ntasks: [ { id: t, system: a, duration: 2h } ]\n",
    );
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(&out)
        .arg(&infeasible)
        .assert()
        .code(1);
    assert!(!out.exists());
    // An earlier good plan is kept whole when a later run fails.
    std::fs::write(&out, "previous plan").unwrap();
    windowplan()
        .args(["plan", "--format", "json", "-o"])
        .arg(&out)
        .arg(&bad)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous plan");
    // A folder that does not exist: exit 2, nothing left behind.
    let missing = dir.path().join("no/such/dir/plan.json");
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(&missing)
        .arg(example("quickstart.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[E008]: cannot write"));
    // Only the files this test wrote are in the folder: no temporaries.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.yaml", "infeasible.yaml", "plan.json"]);
}

/// An inventory the solver cannot prove optimal quickly: 80 tasks sharing
/// two teams, with random durations, amounts and precedences.
fn hard_inventory() -> String {
    let mut x: u64 = 4;
    let mut rnd = |n: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    let mut s = String::from(
        "window: { start: 2026-12-05T22:00, timezone: UTC }\nteams: [ { id: a, capacity: 3 }, { id: b, capacity: 2 } ]\nsystems:\n",
    );
    for k in 0..12 {
        s.push_str(&format!("  - {{ id: s{k} }}\n"));
    }
    s.push_str("tasks:\n");
    for t in 0..80u64 {
        let after = if t > 0 && rnd(2) == 0 {
            format!(", after: [t{}]", rnd(t))
        } else {
            String::new()
        };
        s.push_str(&format!(
            "  - {{ id: t{t}, system: s{}, duration: {}m, needs: {{ a: {}, b: {} }}{after} }}\n",
            rnd(12),
            5 + rnd(56),
            1 + rnd(3),
            1 + rnd(2)
        ));
    }
    s
}

#[cfg(unix)]
#[test]
fn ctrl_c_still_writes_the_plan_and_says_so() {
    // SIGINT sets the stop flag; the plan found is still checked and
    // written (atomically), and the user is told it was cut short.
    let dir = tempfile::tempdir().unwrap();
    let inv = write(&dir, "hard.yaml", hard_inventory());
    let out = dir.path().join("plan.json");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("windowplan"))
        .args([
            "plan",
            "--time-limit",
            "120s",
            "--threads",
            "1",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .arg(&inv)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let result = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        killed.success(),
        "the plan ended before the interrupt: {stderr}"
    );
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    // The search stopped instead of running its two minutes.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "the search did not stop on Ctrl-C"
    );
    assert!(
        stderr.contains("interrupted: writing the best plan found so far"),
        "{stderr}"
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(plan["tasks"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn one_task_on_both_sides_of_a_dr_pair_is_infeasible_not_a_solver_error() {
    // Found by the structure fuzzer: the solver returned a plan the checker
    // rejected ("internal error"). No plan can exist: say so, exit 1.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "dr.yaml",
        format!("{HEAD}systems: [ {{id: a}}, {{id: b}} ]\ndr: [ {{ primary: a, standby: b }} ]\ntasks: [ {{ id: both, systems: [b, a], duration: 16m }} ]\n"),
    );
    windowplan()
        .args(["plan", "--time-limit", "1s"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no feasible plan")
                .and(predicate::str::contains(
                    "both the primary a and the standby b",
                ))
                .and(predicate::str::contains("internal error").not()),
        );
    windowplan().arg("validate").arg(&p).assert().code(1);
}
