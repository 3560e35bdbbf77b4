//! Re-plans the bank's night from examples/progress/bank.yaml and prints the
//! table: `cargo run --example replan`.

use std::path::Path;
use windowplan::replan::{progress, replan, report, ReplanResult};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inv = windowplan::load_inventory(Path::new("examples/bank.yaml"))?;
    let progress = progress::load(
        Path::new("examples/progress/bank.yaml"),
        &inv,
        None,
        &Default::default(),
    )?;
    match replan(&inv, &progress, None, &Default::default()) {
        ReplanResult::Planned(night) => print!("{}", report::table(&night)),
        other => eprintln!("{other:?}"),
    }
    Ok(())
}
