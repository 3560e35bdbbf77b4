//! `windowplan replan CAMPAIGN CAMPAIGN_PLAN --progress PROGRESS` on a
//! campaign: the window under way re-planned, the changes it drops moved
//! to later windows, the campaign checked as a whole before anything is
//! written. Exit codes: 0 every change has a window; 1 the night has no
//! plan, or a change dropped tonight is proven to fit no later window
//! (the plan is written, status `incomplete`); 2 bad input, nothing
//! written; 3 nothing found in time (for the night: nothing written; for
//! a moved change: the plan is written, status `incomplete`).

use super::common::*;
use std::path::Path;
use windowplan::analysis::replan::campaign::{CampaignReplanResult, ProgressInput};
use windowplan::analysis::replan::ReplanOptions;
use windowplan::error::InputError;
use windowplan::inventory::campaign::Campaign;
use windowplan::inventory::{Format as FileFormat, Limits};
use windowplan::report::Format;

/// The files a campaign re-plan reads and writes.
pub struct Files<'a> {
    /// The campaign plan (`windowplan-campaign/1`).
    pub plan: &'a Path,
    /// The progress file of the window under way.
    pub progress: &'a Path,
    /// `--now`.
    pub now: Option<&'a str>,
    /// `-o`.
    pub output: Option<&'a Path>,
}

/// Reads the campaign plan and refuses one that breaks the campaign's
/// rules (exit 2: the re-plan would start from a wrong plan).
fn read_plan(
    c: &Campaign,
    path: &Path,
    limits: &Limits,
) -> Result<windowplan::plan::campaign::CampaignPlan, u8> {
    let source = path.display().to_string();
    let text = windowplan::inventory::read_text_limited(path, limits.max_file_bytes, "plan")
        .map_err(|d| report_input_error(&InputError::one(&source, d)))?;
    let plan = windowplan::check::campaign::read_campaign_plan(&text).map_err(|mut e| {
        e.source = source.clone();
        report_input_error(&e)
    })?;
    let violations = windowplan::check::campaign::check_campaign(c, &plan);
    if !violations.is_empty() {
        eprintln!(
            "error: {source}: the campaign plan breaks the campaign's rules, so it cannot be re-planned from (check it with `windowplan check`):\n{}",
            windowplan::report::violations(&violations)
        );
        return Err(EXIT_BAD_INPUT);
    }
    Ok(plan)
}

/// `windowplan replan` on a campaign.
pub fn replan(
    c: &Campaign,
    files: &Files,
    format: Format,
    opts: &ReplanOptions,
    limits: &Limits,
) -> u8 {
    if !matches!(
        format,
        Format::Table | Format::Json | Format::Md | Format::Ics
    ) {
        eprintln!(
            "error: a campaign re-plan is written as `--format table`, `json`, `md` or `ics`"
        );
        return EXIT_BAD_INPUT;
    }
    let plan = match read_plan(c, files.plan, limits) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let source = files.progress.display().to_string();
    let text = match windowplan::inventory::read_text_limited(
        files.progress,
        limits.max_file_bytes,
        "progress",
    ) {
        Ok(t) => t,
        Err(d) => return report_input_error(&InputError::one(&source, d)),
    };
    let progress = ProgressInput {
        text: &text,
        format: FileFormat::from_path(files.progress).unwrap_or(FileFormat::Json),
        source: &source,
        now: files.now,
    };
    // The whole run from here: ANALYSIS_LIMITS times --time-limit, the
    // watchdog a window's search later (DESIGN.md, "replan on a campaign").
    let budget = analysis_budget("replan", &c.whole, &opts.solve);
    let r = match windowplan::analysis::replan::campaign::replan_campaign(
        c, &plan, &progress, opts, &budget,
    ) {
        Err(e) => return report_input_error(&e),
        Ok(CampaignReplanResult::Night {
            window,
            night_window,
            result,
        }) => {
            eprintln!("window {window} (under way):");
            return super::night::night_failure(result, &night_window);
        }
        Ok(CampaignReplanResult::NotFound(why)) => {
            eprintln!(
                "no campaign re-plan found within the time limit: {why}; try a longer --time-limit"
            );
            return EXIT_NOT_FOUND;
        }
        Ok(CampaignReplanResult::Planned(r)) => r,
    };
    // The whole campaign is re-checked before anything is written.
    let violations = windowplan::check::campaign::check_campaign(c, &r.plan);
    if !violations.is_empty() {
        eprintln!(
            "internal error: the re-planned campaign breaks rules (a bug; please report it):\n{}",
            windowplan::report::violations(&violations)
        );
        return EXIT_NOT_FOUND;
    }
    super::night::say_left_out(&r.night.left_out);
    if format != Format::Table && format != Format::Md {
        for line in windowplan::report::campaign_replan::moves_lines(&r) {
            eprintln!("{line}");
        }
    }
    let Some(out) = windowplan::report::campaign_replan::render(&r, format) else {
        return EXIT_BAD_INPUT;
    };
    match write_or_fail(files.output, &out) {
        EXIT_OK if r.unplaced.is_empty() => EXIT_OK,
        EXIT_OK => {
            eprintln!(
                "the campaign is no longer complete: {} change(s) have no window (status `incomplete`)",
                r.unplaced.len()
            );
            if r.unplaced.iter().all(|u| u.proven) {
                EXIT_NO_PLAN
            } else {
                EXIT_NOT_FOUND
            }
        }
        code => code,
    }
}
