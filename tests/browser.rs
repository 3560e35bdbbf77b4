//! The HTML Gantt page in a real headless browser (Debian's chromium, which
//! `.ci/run` installs): it loads with no network, shows a bar for every
//! task, and a screenshot is saved. Skips with a note where no chromium is
//! installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Runs the headless browser with `args` (the page last) and asserts that
/// it succeeds: its stdout.
fn run_headless(browser: &Path, profile: &Path, args: &[String], what: &str) -> Vec<u8> {
    let out = headless(browser, profile).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "chromium {what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn gantt_page_renders_every_task_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("note: no chromium installed; skipping the browser test (.ci/run installs it)");
        return;
    };
    let dir = common::tempdir();
    let html = dir.path().join("gantt.html");
    common::plan_one_thread("2s")
        .args(["--format", "html", "-o"])
        .arg(&html)
        .arg(common::example("bank.yaml"))
        .assert()
        .success();
    let inv = windowplan::inventory::load(&common::example("bank.yaml")).unwrap();
    let page = format!("file://{}", html.display());

    // The DOM as the browser built it: one task bar per task, with its id.
    let profile = dir.path().join("profile");
    let out = run_headless(
        &browser,
        &profile,
        &["--dump-dom".into(), page.clone()],
        "dump-dom",
    );
    let dom = String::from_utf8_lossy(&out);
    let bars = dom.matches("<g class=\"task\"").count() + dom.matches("<g class=\"task ").count();
    // Lanes are per team: a task that needs two teams has a bar in each.
    let expected: usize = inv.tasks.iter().map(|t| t.needs.len().max(1)).sum();
    assert_eq!(bars, expected, "task bars in the rendered page");
    for t in &inv.tasks {
        assert!(
            dom.contains(&t.id),
            "task {} missing from the rendered page",
            t.id
        );
    }

    // A screenshot, kept under target/ for a person to look at.
    let shot = common::root().join("target/browser-test-gantt.png");
    run_headless(
        &browser,
        &profile,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1600,1200".into(),
            page,
        ],
        "screenshot",
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 20_000,
        "the screenshot is suspiciously small ({size} bytes)"
    );
}
