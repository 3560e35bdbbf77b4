//! `--changes FILE` and `--changes-as-blackouts` of `plan` and `validate`:
//! the other approved changes (a ServiceNow change_request export or an
//! iCalendar file), their conflicts with the window (warning W020, with
//! both change numbers), and, on request, the plan around them.

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::base::Time;
use windowplan::import::changes::{self, Change};
use windowplan::inventory::{Inventory, Limits};

/// The change calendar options.
#[derive(clap::Args, Debug, Default)]
pub struct ChangeArgs {
    /// Other approved changes: a ServiceNow change_request export (CSV or JSON) or an iCalendar (.ics) file.
    #[arg(long)]
    changes: Option<PathBuf>,
    /// Plan around the conflicting changes: each becomes a blackout.
    #[arg(long, requires = "changes")]
    changes_as_blackouts: bool,
}

impl ChangeArgs {
    /// Whether `--changes` was given.
    pub fn given(&self) -> bool {
        self.changes.is_some()
    }

    /// Reads the change calendar (None without `--changes`); Err: the exit code.
    fn read(&self) -> Result<Option<Vec<Change>>, u8> {
        let Some(path) = &self.changes else {
            return Ok(None);
        };
        match changes::read(path) {
            Ok((list, skipped)) => {
                for s in skipped {
                    eprintln!("{}: note: {s}", path.display());
                }
                Ok(Some(list))
            }
            Err(d) => {
                eprintln!("{d}");
                Err(EXIT_BAD_INPUT)
            }
        }
    }

    /// The inventory with the calendar read; with `--changes-as-blackouts`,
    /// every change in conflict with the window becomes a blackout first.
    pub fn load(
        &self,
        path: &Path,
        limits: &Limits,
        timings: &mut windowplan::pipeline::Timings,
    ) -> Result<(Inventory, Vec<Change>), u8> {
        let list = self.read()?;
        let inv = windowplan::load_inventory_with(path, limits, timings)
            .map_err(|e| report_input_error(&e))?;
        let Some(list) = list else {
            return Ok((inv, Vec::new()));
        };
        if !self.changes_as_blackouts {
            return Ok((inv, list));
        }
        let found = changes::conflicts(&inv, &list, window_span(&inv), None);
        if found.is_empty() {
            return Ok((inv, list));
        }
        let text = std::fs::read_to_string(path).map_err(|_| EXIT_BAD_INPUT)?;
        let format = windowplan::inventory::Format::of_file(path).map_err(|_| EXIT_BAD_INPUT)?;
        let mut doc =
            windowplan::inventory::parse_value(&text, format).map_err(|_| EXIT_BAD_INPUT)?;
        let extra = changes::as_blackouts(&inv, &found);
        match doc.get_mut("blackouts").and_then(|b| b.as_array_mut()) {
            Some(b) => b.extend(extra),
            None => {
                doc["blackouts"] = serde_json::Value::Array(extra);
            }
        }
        let source = format!(
            "{} with the changes of {} as blackouts",
            path.display(),
            self.changes
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        let json = serde_json::to_string(&doc).map_err(|_| EXIT_BAD_INPUT)?;
        let inv =
            windowplan::load_inventory_str(&json, windowplan::inventory::Format::Json, &source)
                .map_err(|e| report_input_error(&e))?;
        eprintln!(
            "planning around {} other change(s) as blackouts: {}",
            found.len(),
            found
                .iter()
                .map(|c| c.number.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok((inv, list))
    }

    /// Says each conflict (W020). `times`: each task's (start, end) in a plan.
    pub fn say_conflicts(&self, inv: &Inventory, list: &[Change], times: Option<&[(Time, Time)]>) {
        let span = match times {
            Some(t) => (0, t.iter().map(|x| x.1).max().unwrap_or(0)),
            None => window_span(inv),
        };
        let found = changes::conflicts(inv, list, span, times);
        let source = self
            .changes
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for c in &found {
            say_warning(&source, &c.diagnostic(inv, self.changes_as_blackouts));
        }
        if self.changes.is_some() && found.is_empty() {
            eprintln!(
                "no conflict with the {} other change(s) of the calendar",
                list.len()
            );
        }
    }
}

/// The window from its start to its deadline (without one, a day).
fn window_span(inv: &Inventory) -> (Time, Time) {
    (0, inv.window.deadline.unwrap_or(24 * 60))
}
