//! Criterion benches of the pipeline's hot stages (release only:
//! `cargo bench`). Each input is made here, from fixed seeds, so the
//! benches need no data outside the repository:
//! - schedule generation on a j30 and a j120 instance (a fixed number of
//!   schedules on one thread: the same work on every run);
//! - compiling and planning a 10 000-task estate;
//! - one schedule-generation pass on the 3 000-task binding estate, with
//!   the vendor team's hours as generated (until 07:30) and cut to 04:30
//!   (issue #20: a pass must run near-linearly and never stall);
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
    // (100 000 tasks is above the default limits of `--max-tasks` and size)
    let limits = windowplan::inventory::Limits {
        max_tasks: tasks.max(1) * 4,
        max_file_bytes: u64::MAX,
    };
    windowplan::pipeline::load_inventory_reader(
        text.as_bytes(),
        Format::Yaml,
        "generated.yaml",
        &limits,
    )
    .expect("valid estate")
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

/// The binding estate of `tasks` tasks (`windowplan generate --tasks N
/// --seed 1 --pressure binding`), with the vendor team's hours ending at
/// `vendor_end` instead of 07:30, compiled.
fn binding_estate(tasks: usize, vendor_end: &str) -> Problem {
    use windowplan::bench::generate::{generate_with, render, Pressure};
    let text = render(
        &generate_with(tasks, 1, Pressure::Binding),
        Format::Yaml,
        tasks,
        1,
        Pressure::Binding,
    );
    let generated = "2026-12-05T22:30/2026-12-06T07:30";
    assert!(
        text.contains(generated),
        "the generator's vendor hours moved"
    );
    let text = text.replace(
        generated,
        &format!("2026-12-05T22:30/2026-12-06T{vendor_end}"),
    );
    let inv = windowplan::load_inventory_str(&text, Format::Yaml, "estate.yaml").expect("valid");
    windowplan::model::compile(&inv).problem
}

/// One generation pass per priority rule: on the 3 000-task binding estate
/// with the vendor's hours as generated and cut to 04:30, and with the
/// latest-start rule at 1 000 and 10 000 tasks (how a pass grows).
fn generation_pass(c: &mut Criterion) {
    use windowplan::solve::probe::GenerationPass;
    let mut group = c.benchmark_group("one generation pass, binding estate");
    group.sample_size(10);
    let cases = [
        (1000, "07:30", 1),
        (3000, "07:30", usize::MAX),
        (3000, "04:30", usize::MAX),
        (10_000, "07:30", 1),
    ];
    for (tasks, vendor_end, rules) in cases {
        let problem = binding_estate(tasks, vendor_end);
        let mut pass = GenerationPass::new(&problem).expect("the estate has a plan");
        for (k, rule) in pass.rules().into_iter().enumerate().take(rules) {
            // what the pass gives, once, beside its time
            let result = pass.run(k);
            eprintln!(
                "{tasks} tasks, vendor until {vendor_end}, {} activities, rule {rule}: {result:?}",
                pass.activities()
            );
            group.bench_function(
                format!("{tasks} tasks, vendor until {vendor_end}, {rule}"),
                |b| b.iter(|| pass.run(k)),
            );
        }
    }
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

criterion_group!(
    benches,
    schedule_generation,
    generation_pass,
    plan_estate,
    check_plan
);
criterion_main!(benches);
