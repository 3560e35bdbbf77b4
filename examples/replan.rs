//! Re-plans the bank's night from examples/progress/bank.yaml and prints the
//! table: `cargo run --example replan`.

use std::path::Path;
use windowplan::analysis::replan::{replan, ReplanResult};
use windowplan::plan::progress_file;
use windowplan::report::replan as report;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inv = windowplan::load_inventory(Path::new("examples/bank.yaml"))?;
    let progress = progress_file::load(
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
