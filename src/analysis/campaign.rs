//! What-if on a campaign: "can we do this in one window fewer?" The
//! campaign is planned, then planned again with the last window it used
//! taken away from every task; the answer is yes with that plan (checked
//! as a whole by the campaign check), no with a proof (a bound, or a task
//! that may use no other window), or unknown when no plan was found in
//! time and none is proven impossible.

use crate::check::campaign::check_campaign;
use crate::error::NoPlan;
use crate::inventory::campaign::Campaign;
use crate::pipeline::campaign::{campaign_bounds, plan_campaign, CampaignResult};
use crate::solve::SolveOptions;

/// The answer to "one window fewer?".
#[derive(Debug, Clone)]
pub enum FewerWindows {
    /// Yes: a plan with fewer windows, without the window named.
    Yes {
        /// The window given up.
        without: String,
        /// The plan without it.
        plan: Box<CampaignResult>,
    },
    /// No, proven: no plan uses fewer windows (a bound: `every_set`), or
    /// none does without that window (the reason says which; another
    /// window given up instead is not tried).
    No {
        /// The window that was to be given up.
        without: String,
        /// The proof, in words.
        why: String,
        /// The proof covers every set of fewer windows (a bound on the
        /// number of windows), not only those without `without`.
        every_set: bool,
    },
    /// Not known: no plan with fewer windows was found in time.
    Unknown {
        /// The window that was to be given up.
        without: String,
        /// What the search said.
        why: String,
    },
}

/// Answers "one window fewer?" for a campaign whose plan is `base`,
/// within `opts.time_limit`.
pub fn one_window_fewer(c: &Campaign, base: &CampaignResult, opts: &SolveOptions) -> FewerWindows {
    let used = base.plan.windows_used;
    let Some(last) = base.plan.windows.last().and_then(|w| c.window_index(&w.id)) else {
        return FewerWindows::No {
            without: String::new(),
            why: "the plan uses no window".into(),
            every_set: true,
        };
    };
    let without = c.windows[last].id.clone();
    if let Ok(b) = campaign_bounds(c) {
        if b.windows >= used {
            return FewerWindows::No {
                without,
                why: format!(
                    "no plan uses fewer than {} windows ({})",
                    b.windows, b.windows_why
                ),
                every_set: true,
            };
        }
    }
    let mut fewer = c.clone();
    for t in &mut fewer.tasks {
        t.domain.retain(|&w| w != last);
        if t.domain.is_empty() {
            return FewerWindows::No {
                why: format!("task {} may use only window {without}", t.id),
                without,
                every_set: false,
            };
        }
    }
    match plan_campaign(&fewer, opts) {
        Ok(r) if r.plan.windows_used < used && check_campaign(c, &r.plan).is_empty() => {
            FewerWindows::Yes {
                without,
                plan: Box::new(r),
            }
        }
        Ok(r) => FewerWindows::Unknown {
            without,
            why: format!("the plan found still uses {} windows", r.plan.windows_used),
        },
        Err(NoPlan::Infeasible(why)) => FewerWindows::No {
            why: format!("no plan without window {without}: {why}"),
            without,
            every_set: false,
        },
        Err(NoPlan::NotFound(why)) => FewerWindows::Unknown { without, why },
    }
}
