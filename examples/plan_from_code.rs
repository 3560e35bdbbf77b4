//! Plan an inventory from code: load the bank example (or the file given),
//! plan it for two seconds, check the plan independently, and print the
//! tasks with their wall-clock times.
//!
//!     cargo run --example plan_from_code [-- INVENTORY.yaml]

use std::path::PathBuf;
use std::time::Duration;
use windowplan::solve::SolveOptions;

fn main() -> Result<(), windowplan::Error> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bank.yaml"));
    let inventory = windowplan::load_inventory(&path)?;
    let opts = SolveOptions {
        time_limit: Duration::from_secs(2),
        ..Default::default()
    };
    let plan = windowplan::plan_inventory(&inventory, &opts)?;
    // The checker re-derives every rule from the inventory alone.
    let starts = plan
        .starts(&inventory)
        .expect("a plan names every task once");
    let violations = windowplan::check::check(&inventory, &starts);
    assert!(violations.is_empty(), "{violations:?}");
    println!(
        "{}: {} minutes ({}; bound {} minutes)",
        path.display(),
        plan.length_minutes,
        plan.status,
        plan.lower_bound_minutes
    );
    for task in &plan.tasks {
        println!("  {:<28} {} → {}", task.id, task.start, task.end);
    }
    Ok(())
}
