//! The field's real benchmark sets (PSPLIB j30/j60/j120, the seven
//! RCPSP/max sets), read from `WINDOWPLAN_BENCHDATA` (default
//! `../shared/benchdata`). Every schedule is re-verified and compared with
//! the published optimum or bounds: a wrong answer fails.
//!
//! - `a_slice_of_every_set` (default suite): a few instances of each set;
//! - `every_instance_of_every_set` (ignored; the full run, minutes):
//!   `cargo test --release --test benchdata -- --ignored --nocapture`.
//!
//! Both skip with a printed note where the data is absent (a fresh clone
//! without `../shared`). Figures for BENCHMARKS.md come from
//! `scripts/bench.sh` and `scripts/bench-max.sh`, beside CP-SAT.

use std::path::{Path, PathBuf};
use std::time::Duration;
use windowplan::bench::formats;
use windowplan::bench::runner::{self as bench, BenchOptions};
use windowplan::solve::SolveOptions;

fn benchdata() -> Option<PathBuf> {
    let dir = std::env::var_os("WINDOWPLAN_BENCHDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchdata"));
    if dir.join("psplib").is_dir() || dir.join("rcpspmax").is_dir() {
        Some(dir)
    } else {
        println!(
            "note: no benchmark data at {} (set WINDOWPLAN_BENCHDATA); skipped",
            dir.display()
        );
        None
    }
}

/// Runs one set (`psplib/<set>` or `rcpspmax/<set>`) and asserts: no
/// violation, no wrong answer.
fn run_set(root: &Path, family: &str, set: &str, bench: BenchOptions, limit: Duration) {
    let dir = root.join(family).join(set);
    let (format, reference) = match family {
        "psplib" => (formats::Format::Psplib, root.join("psplib/reference.csv")),
        _ => (formats::Format::RcpspMax, dir.join("optimum/optimum.csv")),
    };
    if !dir.is_dir() {
        println!("note: no {}; skipped", dir.display());
        return;
    }
    let opts = SolveOptions {
        time_limit: limit,
        ..Default::default()
    };
    let report = bench::run(&dir, format, Some(&reference), &opts, bench)
        .unwrap_or_else(|e| panic!("{family}/{set}: {e}"));
    let t = &report.total;
    println!(
        "{family}/{set}: {} instances, {} solved, {} proven optimal, {}/{} infeasible proven, {} not found",
        t.instances, t.solved, t.proven_optimal, t.infeasible_detected, t.infeasible_expected, t.not_found
    );
    assert!(
        report.passed(),
        "{family}/{set}: a violation or a wrong answer"
    );
    assert_eq!(t.violations + t.conflicts + t.panics, 0, "{family}/{set}");
}

const SETS: [(&str, &str); 10] = [
    ("psplib", "j30"),
    ("psplib", "j60"),
    ("psplib", "j120"),
    ("rcpspmax", "j10"),
    ("rcpspmax", "j20"),
    ("rcpspmax", "j30"),
    ("rcpspmax", "ubo10"),
    ("rcpspmax", "ubo20"),
    ("rcpspmax", "ubo50"),
    ("rcpspmax", "ubo100"),
];

#[test]
fn a_slice_of_every_set() {
    let Some(root) = benchdata() else { return };
    for (family, set) in SETS {
        // two instances of each set, from different parameter groups
        let bench = BenchOptions {
            stride: 97,
            limit: Some(2),
            ..BenchOptions::default()
        };
        run_set(&root, family, set, bench, Duration::from_millis(500));
    }
}

#[test]
#[ignore = "the full sets take about an hour; run with --ignored"]
fn every_instance_of_every_set() {
    let Some(root) = benchdata() else { return };
    for (family, set) in SETS {
        run_set(
            &root,
            family,
            set,
            BenchOptions::default(),
            Duration::from_secs(1),
        );
    }
}
