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

/// The bank example's plan as an HTML page, in a fresh temporary folder.
fn bank_page() -> (tempfile::TempDir, PathBuf) {
    let dir = common::tempdir();
    let html = dir.path().join("gantt.html");
    common::plan_one_thread("2s")
        .args(["--format", "html", "-o"])
        .arg(&html)
        .arg(common::example("bank.yaml"))
        .assert()
        .success();
    (dir, html)
}

#[test]
fn gantt_page_renders_every_task_in_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("note: no chromium installed; skipping the browser test (.ci/run installs it)");
        return;
    };
    let (dir, html) = bank_page();
    let inv = windowplan::load_inventory(&common::example("bank.yaml")).unwrap();
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
    // Two charts: lanes per system (a task on two systems has a bar in
    // each), then per team (a task that needs two teams has a bar in each).
    let (system, team) = dom
        .split_once("id=\"gantt-team\"")
        .expect("the team-lane chart");
    let count = |part: &str| {
        part.matches("<g class=\"task\"").count() + part.matches("<g class=\"task ").count()
    };
    let per_system: usize = inv.tasks.iter().map(|t| t.systems.len().max(1)).sum();
    let per_team: usize = inv.tasks.iter().map(|t| t.needs.len().max(1)).sum();
    assert_eq!(count(system), per_system, "task bars in the system lanes");
    assert_eq!(count(team), per_team, "task bars in the team lanes");
    for t in &inv.tasks {
        assert!(
            dom.contains(&t.id),
            "task {} missing from the rendered page",
            t.id
        );
    }

    // A screenshot, kept under target/ for a person to look at.
    let shot = common::root().join("target/browser-test-gantt.png");
    // target/ is absent when CARGO_TARGET_DIR points elsewhere.
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
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

/// The page as a reader sees it, probed in the browser by a script the test
/// adds to a copy of the page (the page itself has none): system lanes
/// first; a click on "Lanes per team" shows the team lanes instead; every
/// id on the page is unique (each chart's patterns are its own, so the
/// chart shown never depends on the hidden one); each task with a backout
/// has its point of no return marked in the chart shown, at deadline −
/// backout; a task's runbook text is in its bar's hover text and in the
/// task table.
#[test]
fn gantt_page_switches_lanes_and_shows_points_of_no_return_and_runbooks() {
    let Some(browser) = chromium() else {
        eprintln!("note: no chromium installed; skipping the browser test (.ci/run installs it)");
        return;
    };
    let (dir, html) = bank_page();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<script"), "the page itself has no script");
    let probed = dir.path().join("probed.html");
    std::fs::write(&probed, page.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let out = run_headless(
        &browser,
        &dir.path().join("profile"),
        &["--dump-dom".into(), format!("file://{}", probed.display())],
        "dump-dom",
    );
    let dom = String::from_utf8_lossy(&out);
    let probe = dom
        .split_once("<pre id=\"probe\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(p, _)| p.to_string())
        .expect("the probe ran");
    let line = |key: &str| -> String {
        probe
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key} in the probe: {probe}"))
            .to_string()
    };
    assert_eq!(line("first"), "system:true team:false");
    assert_eq!(line("switched"), "system:false team:true");
    assert_eq!(line("duplicate-ids"), "0");

    // bank.yaml: deadline 06:00; schema-v42 backs out in 1h, so its point
    // of no return is 05:00.
    let inv = windowplan::load_inventory(&common::example("bank.yaml")).unwrap();
    // A mark in each lane the task's bar is in.
    let marks = |lanes: fn(&windowplan::inventory::Task) -> usize| -> String {
        let n: usize = inv
            .tasks
            .iter()
            .filter(|t| t.backout.is_some())
            .map(|t| lanes(t).max(1))
            .sum();
        n.to_string()
    };
    assert_eq!(line("pnr-team"), marks(|t| t.needs.len()));
    assert_eq!(line("pnr-system"), marks(|t| t.systems.len()));
    let pnr = line("pnr-schema");
    assert!(pnr.contains("schema-v42: Sun 05:00"), "{pnr}");
    // The mark stands where the 05:00 tick of the axis is.
    assert_eq!(line("pnr-at-tick"), "true", "{probe}");

    let hover = line("hover-schema");
    for text in [
        "Apply schema v42 to the core database",
        "notes: Run the vendor",
        "rollback: Restore from the backup",
    ] {
        assert!(
            hover.contains(text),
            "{text} not in the hover text: {hover}"
        );
    }
    let row = line("row-schema");
    assert!(
        row.contains("Apply schema v42") && row.contains("rollback"),
        "{row}"
    );
    assert!(row.contains("point of no return"), "{row}");
}

/// Probes the page after it has loaded; writes `key=value` lines into a
/// `<pre id="probe">`.
const PROBE: &str = r#"<script>
(() => {
  const shown = id => getComputedStyle(document.getElementById(id)).display !== 'none';
  const lanes = () => 'system:' + shown('gantt-system') + ' team:' + shown('gantt-team');
  const r = [];
  r.push('first=' + lanes());
  document.querySelector('label[for=lanes-team]').click();
  r.push('switched=' + lanes());
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  r.push('duplicate-ids=' + (ids.length - new Set(ids).size));
  r.push('pnr-team=' + document.querySelectorAll('#gantt-team g.pnr').length);
  r.push('pnr-system=' + document.querySelectorAll('#gantt-system g.pnr').length);
  const mark = document.querySelector('#gantt-team g.pnr[data-task=schema-v42]');
  r.push('pnr-schema=' + mark.querySelector('title').textContent.replace(/\n/g, ' '));
  const x = parseFloat(mark.querySelector('line').getAttribute('x1'));
  const tick = [...document.querySelectorAll('#gantt-team g.axis text')].find(t => t.textContent.trim() === '05:00');
  r.push('pnr-at-tick=' + (tick !== undefined && Math.abs(parseFloat(tick.getAttribute('x')) - x) < 1));
  const bar = [...document.querySelectorAll('#gantt-team g.task > title')].find(t => t.textContent.startsWith('schema-v42\n'));
  r.push('hover-schema=' + bar.textContent.replace(/\n/g, ' '));
  const row = [...document.querySelectorAll('table.tasks tr')].find(tr => tr.querySelector('code') && tr.querySelector('code').textContent === 'schema-v42');
  r.push('row-schema=' + row.textContent.replace(/\n/g, ' '));
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = r.join('\n');
  document.body.appendChild(pre);
})();
</script>
"#;
