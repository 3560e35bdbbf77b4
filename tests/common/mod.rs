//! Setup shared by the integration tests (each file says `mod common;`):
//! the `windowplan` command, paths into the repository, temporary input
//! files, capturing a run, and the assertions on a refused input.
// Every test file compiles its own copy and uses only part of it.
#![allow(dead_code)]

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The `windowplan` binary of this build.
pub fn windowplan() -> Command {
    Command::cargo_bin("windowplan").unwrap()
}

/// `windowplan plan --time-limit LIMIT --threads 1`; add the format, the
/// output and the inventory.
pub fn plan_one_thread(time_limit: &str) -> Command {
    let mut cmd = windowplan();
    cmd.args(["plan", "--time-limit", time_limit, "--threads", "1"]);
    cmd
}

/// The repository's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/NAME`.
pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// `tests/data/NAME` (the benchmark instances).
pub fn data(name: &str) -> PathBuf {
    root().join("tests/data").join(name)
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Writes `bytes` to `name` in the temporary folder `dir`: its path.
#[track_caller]
pub fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A fresh temporary folder holding `name` with `bytes`: the folder (keep
/// it alive while the file is used) and the file's path.
#[track_caller]
pub fn temp_file(name: &str, bytes: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let path = write(&dir, name, bytes);
    (dir, path)
}

/// `windowplan plan --time-limit 1s --format json -o OUT INVENTORY`
/// succeeds.
#[track_caller]
pub fn save_plan(inventory: &Path, out: &Path) {
    windowplan()
        .args(["plan", "--time-limit", "1s", "--format", "json", "-o"])
        .arg(out)
        .arg(inventory)
        .assert()
        .success();
}

/// A campaign in YAML text, loaded (panics on any diagnostic).
pub fn load_campaign_text(text: &str) -> windowplan::inventory::campaign::Campaign {
    windowplan::inventory::campaign::load_campaign_str(
        text,
        windowplan::inventory::Format::Yaml,
        "campaign.yaml",
        &windowplan::inventory::Limits::default(),
    )
    .unwrap()
    .unwrap()
}

/// A campaign file, loaded.
pub fn load_campaign(path: &Path) -> windowplan::inventory::campaign::Campaign {
    load_campaign_text(&std::fs::read_to_string(path).unwrap())
}

/// Solve options with a time limit of `secs` seconds on `threads` threads.
pub fn solve_within(secs: u64, threads: usize) -> windowplan::solve::SolveOptions {
    windowplan::solve::SolveOptions {
        time_limit: std::time::Duration::from_secs(secs),
        threads,
        ..windowplan::solve::SolveOptions::default()
    }
}

/// `windowplan plan --time-limit 20s --format json -o OUT CAMPAIGN`
/// succeeds (a campaign plan).
#[track_caller]
pub fn save_campaign_plan(campaign: &Path, out: &Path) {
    windowplan()
        .args(["plan", "--time-limit", "20s", "--format", "json", "-o"])
        .arg(out)
        .arg(campaign)
        .assert()
        .success();
}

/// What a finished run gave.
pub struct Run {
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    /// Decoded lossily: a message is read, not parsed.
    pub stderr: String,
}

impl Run {
    /// Stdout, which must be UTF-8.
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).unwrap()
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap()
    }
}

/// Runs `cmd` to its end, whatever its exit code, and captures it.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd`, asserts that it succeeds, and parses its stdout as JSON.
#[track_caller]
pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// The JSON file at `path`, parsed.
#[track_caller]
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The element of the JSON array `list` whose `key` is `value`.
#[track_caller]
pub fn entry<'a>(list: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e[key] == value)
        .unwrap()
}

/// Runs `cmd` and asserts that it succeeds and that stdout contains every
/// one of `words`; the assertion, for more checks.
#[track_caller]
pub fn prints(cmd: &mut Command, words: &[&str]) -> Assert {
    let mut out = cmd.assert().success();
    for w in words {
        out = out.stdout(predicate::str::contains(*w));
    }
    out
}

/// Runs `cmd` and asserts its exit code and that stderr contains every one
/// of `words`; the assertion, for more checks.
#[track_caller]
pub fn exits_with(cmd: &mut Command, code: i32, words: &[&str]) -> Assert {
    let mut out = cmd.assert().code(code);
    for w in words {
        out = out.stderr(predicate::str::contains(*w));
    }
    out
}

/// `windowplan validate FILE` fails with exit 2, the code and every word given.
#[track_caller]
pub fn refused(path: &Path, code: &str, words: &[&str]) {
    refused_by(&["validate"], path, &[], code, words)
}

/// `windowplan CMD.. PATH EXTRA..` fails with exit 2, `error[CODE]`, every
/// one of `words` and a hint, and does not panic.
#[track_caller]
pub fn refused_by(cmd: &[&str], path: &Path, extra: &[&str], code: &str, words: &[&str]) {
    let out = run(windowplan().args(cmd).arg(path).args(extra));
    let stderr = &out.stderr;
    assert_eq!(out.code, Some(2), "{}: {stderr}", path.display());
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

/// Writes each `(name, text, code, words)` into `dir` as `name` and asserts
/// [`refused`] on it, in the order given.
#[track_caller]
pub fn refused_files(dir: &tempfile::TempDir, cases: &[(&str, String, &str, &[&str])]) {
    for (name, text, code, words) in cases {
        refused(&write(dir, name, text), code, words);
    }
}
