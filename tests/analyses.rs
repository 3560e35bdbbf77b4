//! Analyses that tell the truth (issue #21 items 1, 2, 4, 8 and #20.5),
//! through the command line: every downtime figure from the one accounting,
//! a `max_downtime` below its floor proven impossible, downtime first
//! stating what it achieved against its floor.

mod common;

use common::*;

/// A payments-like night: the schema change takes the app tier down
/// (`down:`) and switches the database pair over and back.
const LIMITED: &str = "
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: db-a }, { id: db-b }, { id: app-1 }, { id: app-2 }]
clusters: [{ id: app-tier, members: [app-1, app-2], max_unavailable: 1 }]
services:
  - id: pay
    max_downtime: 20m
    requires: [app-tier, { any: [db-a, db-b], switchover: 5m }]
tasks:
  - { id: schema, system: db-a, duration: 30m, down: [app-tier] }
  - { id: patch-b, system: db-b, duration: 25m, after: [schema] }
";

/// #21.4: a `max_downtime` below the floor is a proof: exit 1 with the
/// floor and the reason, from `plan` (also `--pareto`) and `availability`,
/// not exit 3 "try a longer --time-limit".
#[test]
fn max_downtime_below_the_floor_is_proven_impossible() {
    let (_dir, path) = temp_file("limited.yaml", LIMITED);
    for args in [
        vec!["plan", "--time-limit", "1s"],
        vec!["plan", "--pareto", "--time-limit", "1s"],
    ] {
        exits_with(
            windowplan().args(&args).arg(&path),
            1,
            &[
                "no feasible plan",
                "service pay",
                "20m",
                "35m",
                "max_downtime",
            ],
        );
    }
    let out = run(windowplan()
        .args(["availability", "--time-limit", "1s"])
        .arg(&path));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("no feasible plan"), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(
        text.contains("no plan can keep it down less than 35m"),
        "{text}"
    );
    assert!(
        text.contains("below that: no plan can keep it (proven)"),
        "{text}"
    );
    // At the floor, a plan exists and meets it.
    let (_dir2, ok) = temp_file("ok.yaml", LIMITED.replace("20m", "35m"));
    let plan = json_of(
        windowplan()
            .args(["plan", "--time-limit", "2s", "--format", "json"])
            .arg(&ok),
    );
    assert_eq!(
        entry(&plan["services"], "id", "pay")["downtime_minutes"],
        35
    );
}

/// #21.1: `availability` on the payments example no longer says zero
/// downtime is possible for payments: the schema change's `down:` forbids it.
#[test]
fn availability_counts_planned_outages_on_the_payments_example() {
    let out = run(windowplan()
        .args(["availability", "--time-limit", "1s", "--format", "json"])
        .arg(example("payments.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = out.json();
    let pay = entry(&v["services"], "service", "payments");
    let floor = pay["least_downtime_minutes"].as_i64().unwrap();
    assert!(floor >= 30, "{pay}");
    assert!(pay["planned_downtime_minutes"].as_i64().unwrap() >= floor);
}

/// #21.2: every weighted downtime `plan --pareto` lists is the plan's own
/// (Σ weight × the per-service minutes printed beside it, switchovers
/// included), and the list is non-dominated in those figures.
#[test]
fn pareto_weighted_downtime_is_the_plans_own_accounting() {
    let inv = windowplan::load_inventory(&example("payments.yaml")).unwrap();
    let points = json_of(
        windowplan()
            .args(["plan", "--pareto", "--threads", "1", "--time-limit", "2s"])
            .args(["--format", "json"])
            .arg(example("payments.yaml")),
    );
    let points = points.as_array().unwrap();
    assert!(!points.is_empty());
    let mut last: Option<(i64, f64)> = None;
    for p in points {
        let w = p["weighted_downtime"].as_f64().unwrap();
        let own: f64 = p["plan"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let svc = inv
                    .services
                    .iter()
                    .find(|x| x.id == s["id"].as_str().unwrap())
                    .unwrap();
                svc.weight * s["downtime_minutes"].as_f64().unwrap()
            })
            .sum();
        assert!(
            (w - own).abs() < 1e-6,
            "listed {w}, the plan's own {own}: {p}"
        );
        let len = p["plan"]["length_minutes"].as_i64().unwrap();
        if let Some((l0, w0)) = last {
            assert!(
                len > l0 && w < w0,
                "dominated: ({len}, {w}) after ({l0}, {w0})"
            );
        }
        last = Some((len, w));
    }
}

/// #21.8: downtime first states the downtime achieved, its floor and
/// whether it is proven.
#[test]
fn downtime_first_states_downtime_floor_and_proof() {
    let (_dir, path) = temp_file("ok.yaml", LIMITED.replace("20m", "35m"));
    let out = run(windowplan()
        .args(["plan", "--objective", "downtime", "--time-limit", "2s"])
        .args(["--format", "json", "--threads", "1"])
        .arg(&path));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("downtime: weighted 35 (pay 35m, floor 35m)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("proven least"), "{}", out.stderr);
    // The bank: said, proven or not, with the range when not.
    let out = run(windowplan()
        .args(["plan", "--objective", "downtime", "--time-limit", "1s"])
        .args(["--format", "json", "-q"])
        .arg(example("bank.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("downtime: weighted"), "{}", out.stderr);
    assert!(
        out.stderr.contains("proven least") || out.stderr.contains("lies between"),
        "{}",
        out.stderr
    );
}
