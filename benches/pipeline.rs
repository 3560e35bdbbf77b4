//! Criterion benches of the pipeline's hot stages (release only:
//! `cargo bench`). Each input is made here, from fixed seeds, so the
//! benches need no data outside the repository:
//! - schedule generation on a j30 and a j120 instance (a fixed number of
//!   schedules on one thread: the same work on every run);
//! - compiling and planning a 10 000-task estate;
//! - checking a 100 000-task plan with the independent checker.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use windowplan::bench::instgen::{self, Kind, SetOptions};
use windowplan::inventory::Format;
use windowplan::model::Problem;
use windowplan::solve::{Outcome, SolveOptions};

/// The first instance of a generated PSPLIB set with `jobs` jobs.
fn instance(jobs: usize) -> Problem {
    let opts = SetOptions {
        count: 1,
        seed: 7,
        ..SetOptions::new(Kind::Psplib, jobs)
    };
    let spec = instgen::specs(&opts).expect("valid options").remove(0);
    let text = instgen::generate(&spec).expect("generated").text;
    windowplan::bench::psplib::parse_sm(&text, "generated.sm").expect("readable")
}

/// An estate of about `tasks` tasks, as the generator writes it.
fn estate(tasks: usize) -> windowplan::inventory::Inventory {
    use windowplan::bench::generate::{generate_with, render, Pressure};
    let text = render(
        &generate_with(tasks, 1, Pressure::Relaxed),
        Format::Yaml,
        tasks,
        1,
        Pressure::Relaxed,
    );
    windowplan::load_inventory_str(&text, Format::Yaml, "generated.yaml").expect("valid estate")
}

fn schedule_generation(c: &mut Criterion) {
    let opts = SolveOptions {
        threads: 1,
        max_schedules: 200,
        time_limit: Duration::from_secs(60),
        ..Default::default()
    };
    for jobs in [30, 120] {
        let p = instance(jobs);
        c.bench_function(&format!("200 schedules, j{jobs}"), |b| {
            b.iter(|| windowplan::solve::solve(&p, &opts))
        });
    }
}

fn plan_estate(c: &mut Criterion) {
    let inv = estate(10_000);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        ..Default::default()
    };
    let mut group = c.benchmark_group("estate 10 000 tasks");
    group.sample_size(10);
    group.bench_function("compile", |b| b.iter(|| windowplan::model::compile(&inv)));
    group.bench_function("compile and plan", |b| {
        b.iter(|| windowplan::plan_inventory(&inv, &opts).expect("a plan"))
    });
    group.finish();
}

fn check_plan(c: &mut Criterion) {
    let inv = estate(100_000);
    let compiled = windowplan::model::compile(&inv);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(60),
        ..Default::default()
    };
    let Outcome::Solved(sol) = windowplan::solve_checked(&compiled.problem, &opts) else {
        panic!("the generated estate has a plan by construction")
    };
    let mut group = c.benchmark_group("plan 100 000 tasks");
    group.sample_size(10);
    group.bench_function("check", |b| {
        b.iter(|| assert!(windowplan::check::check(&inv, &sol.starts).is_empty()))
    });
    group.finish();
}

criterion_group!(benches, schedule_generation, plan_estate, check_plan);
criterion_main!(benches);
