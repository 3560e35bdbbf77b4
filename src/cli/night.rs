//! What `replan` says about the night, for one window and for the window
//! under way of a campaign: the note on optional tasks left out, and why a
//! night has no plan (with its exit code).

use super::common::*;
use windowplan::analysis::replan::ReplanResult;

/// The note when the deadline holds only without some optional tasks.
pub(super) fn say_left_out(left_out: &[String]) {
    if !left_out.is_empty() {
        eprintln!(
            "note: the deadline holds only without the optional task(s) {}",
            windowplan::base::join_words(left_out)
        );
    }
}

/// Says why the night has no plan; gives the exit code (1 proven, 3 not
/// found in time).
pub(super) fn night_failure(r: ReplanResult, w: &windowplan::inventory::Window) -> u8 {
    match r {
        ReplanResult::Planned(_) => EXIT_OK,
        ReplanResult::DeadlineMissed {
            earliest_end,
            bound,
            chain,
            search,
            proven,
        } => {
            eprintln!(
                "the deadline ({}) cannot be held: the rest of the night ends at {} at the earliest found (no plan can end before {}); {search}",
                w.deadline.map(|d| windowplan::plan::clock(w, d)).unwrap_or_default(),
                windowplan::plan::clock(w, earliest_end),
                windowplan::plan::clock(w, bound),
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
