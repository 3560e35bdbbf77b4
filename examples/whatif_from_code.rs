//! A what-if from code: what would a second DBA on the bank's night do to
//! the window? The scenario is a JSON merge patch on the inventory (a list
//! of objects is patched as a map keyed by id), exactly as
//! `windowplan whatif` reads it.
//!
//!     cargo run --example whatif_from_code

use std::path::Path;
use std::time::Duration;
use windowplan::analysis::whatif::{self, RowOutcome};
use windowplan::inventory::Limits;
use windowplan::solve::SolveOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/bank.yaml");
    let inventory = windowplan::load_inventory(&path)?;
    let text = windowplan::inventory::read_text_limited(
        &path,
        Limits::default().max_file_bytes,
        "inventory",
    )?;
    let doc = windowplan::inventory::parse_value(&text, windowplan::inventory::Format::Yaml)?;
    let scenarios = whatif::parse_scenarios(
        r#"{ "name": "second DBA", "note": "borrow one from the day shift",
             "patch": { "teams": { "dba": { "capacity": 2 } } } }"#,
        windowplan::inventory::Format::Json,
        "code",
    )?;
    let opts = SolveOptions {
        time_limit: Duration::from_secs(2),
        threads: 1,
        ..Default::default()
    };
    let comparison = whatif::compare(&doc, &inventory, &scenarios, "bank.yaml", &opts)
        .map_err(|errors| errors[0].clone())?;
    for row in std::iter::once(&comparison.base).chain(&comparison.scenarios) {
        match &row.outcome {
            RowOutcome::Planned(s) => println!(
                "{:<12} {:>4} minutes ({}), services down: {}",
                row.scenario,
                s.length_minutes,
                s.status,
                s.services_down.join(", ")
            ),
            RowOutcome::Infeasible { reason } => {
                println!("{:<12} impossible: {reason}", row.scenario)
            }
            RowOutcome::NotFound { reason } => {
                println!("{:<12} none found: {reason}", row.scenario)
            }
        }
    }
    Ok(())
}
