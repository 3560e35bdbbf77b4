//! `windowplan replan INVENTORY PLAN --progress PROGRESS [--now T]`, and
//! `check` of a saved re-plan. Exit codes as everywhere: 0 done; 1 the
//! deadline cannot be held (or no plan exists, or the check found
//! violations); 2 invalid input, with nothing written; 3 none found in time.

use crate::cli::{PlanOutput, EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_NO_PLAN, EXIT_OK};
use crate::error::InputError;
use crate::inventory::Limits;
use crate::replan::{report, Replan, ReplanOptions, ReplanResult};
use std::path::Path;

/// What `replan` is asked.
#[derive(Debug, Clone)]
pub struct ReplanRequest<'a> {
    pub inventory: &'a Path,
    pub plan: &'a Path,
    pub progress: &'a Path,
    pub now: Option<&'a str>,
    pub format: PlanOutput,
    pub output: Option<&'a Path>,
    pub limits: Limits,
}

fn bad(e: &InputError) -> u8 {
    eprintln!("{e}");
    EXIT_BAD_INPUT
}

/// Renders a re-plan in the chosen format.
pub fn render(r: &Replan, format: PlanOutput) -> String {
    match format {
        PlanOutput::Table => report::table(r),
        PlanOutput::Json => report::to_json(r),
        PlanOutput::Md => report::markdown(r),
        PlanOutput::Csv => report::csv(r),
        PlanOutput::Ics => report::ics(r),
        PlanOutput::Html => report::html(r),
        PlanOutput::Svg => report::svg(r),
    }
}

/// Reads the original plan's start minutes (ours, hand-made, or an earlier
/// re-plan, whose dropped tasks get [`crate::replan::NO_START`]).
fn original_starts(
    inv: &crate::inventory::Inventory,
    path: &Path,
    limits: &Limits,
) -> Result<Vec<crate::model::Time>, InputError> {
    let source = path.display().to_string();
    let text = crate::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .map_err(|d| InputError::one(&source, d))?;
    if crate::replan::check::is_replan(&text) {
        // An earlier re-plan of the night: the tasks it kept.
        return Ok(crate::replan::check::kept_starts(inv, &text));
    }
    crate::plan::read_plan_starts(&text, inv).map_err(|mut e| {
        e.source = source;
        e
    })
}

/// `windowplan replan`.
pub fn replan(req: &ReplanRequest, opts: &ReplanOptions) -> u8 {
    let inv = match crate::load_inventory_with(
        req.inventory,
        &req.limits,
        &mut crate::Timings::default(),
    ) {
        Ok(inv) => inv,
        Err(e) => return bad(&e),
    };
    let original = match original_starts(&inv, req.plan, &req.limits) {
        Ok(s) => s,
        Err(e) => return bad(&e),
    };
    let progress = match crate::replan::progress::load(req.progress, &inv, req.now, &req.limits) {
        Ok(p) => p,
        Err(e) => return bad(&e),
    };
    let w = &inv.window;
    match crate::replan::replan(&inv, &progress, Some(&original), opts) {
        ReplanResult::Planned(r) => {
            if !r.left_out.is_empty() {
                eprintln!(
                    "note: the deadline holds only without the optional task(s) {}",
                    crate::report::join_words(&r.left_out)
                );
            }
            match crate::cli::write_output(req.output, &render(&r, req.format)) {
                Ok(()) => EXIT_OK,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
                Err(e) => {
                    eprintln!("error[E008]: cannot write the re-plan: {e}\n  hint: check the folder exists and is writable; nothing was written");
                    EXIT_BAD_INPUT
                }
            }
        }
        ReplanResult::DeadlineMissed {
            earliest_end,
            bound,
            chain,
            search,
            proven,
        } => {
            eprintln!(
                "the deadline ({}) cannot be held: the rest of the night ends at {} at the earliest found (no plan can end before {}); {search}",
                w.deadline.map(|d| crate::plan::clock(w, d)).unwrap_or_default(),
                crate::plan::clock(w, earliest_end),
                crate::plan::clock(w, bound),
            );
            eprintln!("critical chain from now: {}", chain.join(" → "));
            if proven {
                EXIT_NO_PLAN
            } else {
                eprintln!("(not proven: no plan ending by the deadline was found within the time limit; try a longer --time-limit)");
                EXIT_NOT_FOUND
            }
        }
        ReplanResult::Infeasible(why) => {
            eprintln!("no feasible plan for the rest of the night: {why}");
            EXIT_NO_PLAN
        }
        ReplanResult::NotFound(why) => {
            eprintln!("no plan for the rest of the night found within the time limit (none is proven impossible): {why}; try a longer --time-limit");
            EXIT_NOT_FOUND
        }
    }
}

/// Whether the plan file at `path` is a re-plan (unreadable: no).
pub fn is_replan_file(path: &Path, limits: &Limits) -> bool {
    crate::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .is_ok_and(|t| crate::replan::check::is_replan(&t))
}

/// `windowplan check INVENTORY NEWPLAN` for a re-plan.
pub fn check(inv_path: &Path, plan_path: &Path, limits: &Limits) -> u8 {
    let inv = match crate::load_inventory_with(inv_path, limits, &mut crate::Timings::default()) {
        Ok(inv) => inv,
        Err(e) => return bad(&e),
    };
    let source = plan_path.display().to_string();
    let text = match crate::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan") {
        Ok(t) => t,
        Err(d) => return bad(&InputError::one(&source, d)),
    };
    match crate::replan::check::check_text(&inv, &text, &source) {
        Err(e) => bad(&e),
        Ok(v) if v.is_empty() => {
            println!(
                "{source}: the re-plan keeps every rule ({} tasks)",
                inv.tasks.len()
            );
            EXIT_OK
        }
        Ok(v) => {
            print!("{}", crate::report::violations(&v));
            EXIT_NO_PLAN
        }
    }
}
