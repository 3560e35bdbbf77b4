//! A report of one's own from a plan: the load per team, hour by hour, as
//! a plain-text histogram, for the duty manager who staffs the night.
//!
//!     cargo run --example custom_report [-- INVENTORY.yaml]

use std::collections::BTreeMap;
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
    // Busy minutes per team and hour of the window.
    let mut load: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let hours = (plan.length_minutes + 59) / 60;
    for task in &plan.tasks {
        // A task that needs several teams names them joined by `,`.
        for team in task.team.as_deref().into_iter().flat_map(|t| t.split(',')) {
            let row = load.entry(team).or_insert_with(|| vec![0; hours as usize]);
            for minute in task.start_minute..task.end_minute {
                row[(minute / 60) as usize] += 1;
            }
        }
    }
    println!(
        "busy minutes per team and hour ({} in all):",
        windowplan::base::fmt_minutes(plan.length_minutes)
    );
    for (team, row) in &load {
        let bars: Vec<String> = row.iter().map(|m| format!("{:>4}", m)).collect();
        println!("  {team:<10}{}", bars.join(""));
    }
    // The same plan in one of the built-in formats, for comparison.
    let csv = windowplan::report::render(&inventory, &plan, windowplan::report::Format::Csv);
    println!(
        "\n{} CSV rows in the built-in report",
        csv.lines().count() - 1
    );
    Ok(())
}
