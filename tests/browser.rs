//! The HTML Gantt page in a real headless browser (Debian's chromium, which
//! `.ci/run` installs): it loads with no network, shows a bar for every
//! task, and a screenshot is saved. Skips with a note where no chromium is
//! installed.

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

#[test]
fn gantt_page_renders_every_task_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("note: no chromium installed; skipping the browser test (.ci/run installs it)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("gantt.html");
    let status = Command::new(env!("CARGO_BIN_EXE_windowplan"))
        .args([
            "plan",
            "--time-limit",
            "2s",
            "--threads",
            "1",
            "--format",
            "html",
            "-o",
        ])
        .arg(&html)
        .arg(root.join("examples/bank.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    let inv = windowplan::inventory::load(&root.join("examples/bank.yaml")).unwrap();

    // The DOM as the browser built it: one task bar per task, with its id.
    let profile = dir.path().join("profile");
    let out = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
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
    let shot = root.join("target/browser-test-gantt.png");
    let out = headless(&browser, &profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1600,1200")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium screenshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 20_000,
        "the screenshot is suspiciously small ({size} bytes)"
    );
}
