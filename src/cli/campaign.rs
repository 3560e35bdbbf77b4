//! Format 1.2 campaigns on the command line: `plan`, `validate` and
//! `check` on a file with `campaign:` instead of `window:`.

use super::common::*;
use std::path::{Path, PathBuf};
use windowplan::error::{InputError, NoPlan};
use windowplan::inventory::campaign::{load_campaign_str, Campaign};
use windowplan::inventory::{Format as FileFormat, Limits};
use windowplan::report::Format;
use windowplan::solve::SolveOptions;

/// The campaign in the file at `path`, `Ok(None)` when the file is no
/// campaign (or cannot be read: the ordinary loader then says why); on bad
/// input, prints every problem and gives exit code 2.
pub fn load_campaign(path: &Path, limits: &Limits) -> Result<Option<Campaign>, u8> {
    let Some(format) = FileFormat::from_path(path) else {
        return Ok(None);
    };
    let Ok(text) =
        windowplan::inventory::read_text_limited(path, limits.max_file_bytes, "inventory")
    else {
        return Ok(None);
    };
    let c = load_campaign_str(&text, format, &path.display().to_string(), limits)
        .map_err(|e| report_input_error(&e))?;
    if let Some(c) = &c {
        for w in &c.whole.warnings {
            say_warning(&path.display().to_string(), w);
        }
    }
    Ok(c)
}

/// `windowplan validate` on a campaign.
pub fn validate(path: &Path, c: &Campaign) -> u8 {
    let line = format!(
        "{}: valid campaign ({} windows, {} tasks, {} systems, {} teams)\n",
        path.display(),
        c.windows.len(),
        c.whole.tasks.len(),
        c.whole.systems.len(),
        c.whole.teams.len()
    );
    let code = write_or_fail(None, &line);
    if code != EXIT_OK {
        return code;
    }
    match windowplan::pipeline::campaign::campaign_bounds(c) {
        Ok(b) if b.windows > c.windows.len() => {
            eprintln!(
                "no feasible plan: the campaign needs at least {} windows ({}), but it has {}",
                b.windows,
                b.windows_why,
                c.windows.len()
            );
            EXIT_NO_PLAN
        }
        Ok(_) => EXIT_OK,
        Err(NoPlan::Infeasible(why)) => {
            eprintln!("no feasible plan: {why}");
            EXIT_NO_PLAN
        }
        Err(NoPlan::NotFound(_)) => EXIT_OK,
    }
}

/// `windowplan plan` on a campaign: the summary (table, Markdown with a
/// CAB pack per window), the campaign plan (JSON) or one iCalendar.
pub fn plan(c: &Campaign, opts: &SolveOptions, format: Format, output: Option<&Path>) -> u8 {
    if !matches!(
        format,
        Format::Table | Format::Json | Format::Md | Format::Ics
    ) {
        eprintln!("error: a campaign is written as `--format table`, `json`, `md` or `ics`; plan one window for the other formats");
        return EXIT_BAD_INPUT;
    }
    let result = match windowplan::pipeline::campaign::plan_campaign(c, opts) {
        Ok(r) => r,
        Err(NoPlan::Infeasible(why)) => {
            eprintln!("no feasible campaign plan: {why}");
            return EXIT_NO_PLAN;
        }
        Err(NoPlan::NotFound(why)) => {
            eprintln!("{why}; try a longer --time-limit");
            return EXIT_NOT_FOUND;
        }
    };
    // The whole campaign is re-checked before anything is written.
    let violations = windowplan::check::campaign::check_campaign(c, &result.plan);
    if !violations.is_empty() {
        eprintln!(
            "internal error: the campaign plan breaks rules (a solver bug):\n{}",
            windowplan::report::violations(&violations)
        );
        return EXIT_NOT_FOUND;
    }
    for n in &result.plan.notes {
        eprintln!("note: {n}");
    }
    let r = &result;
    let text = match format {
        Format::Json => windowplan::report::campaign::to_json(&r.plan),
        Format::Ics => windowplan::report::campaign::ics(&r.plan, &r.inventories),
        Format::Md => {
            let mut s = windowplan::report::campaign::markdown(&r.plan, &r.inventories);
            use windowplan::report::markdown::{render_pack, PackOf};
            for (w, inv) in r.plan.windows.iter().zip(&r.inventories) {
                match output {
                    Some(o) => {
                        // The pack and its chart beside it.
                        let p = window_path(o, &w.id);
                        let code =
                            super::pack::write_pack(inv, &w.plan, Some(&p), PackOf::CampaignWindow);
                        if code != EXIT_OK {
                            return code;
                        }
                        // Beside the summary: named by its file name, as
                        // the summary's reader finds it.
                        let name = p
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        s.push_str(&format!(
                            "- window {}: CAB pack in `{name}` beside this summary, its chart in `{}`\n",
                            w.id,
                            super::pack::pack_chart_name(&p)
                        ));
                    }
                    None => {
                        let critical = windowplan::report::critical_chain_ids(inv, &w.plan);
                        let text =
                            render_pack(inv, &w.plan, &critical, None, PackOf::CampaignWindow);
                        s.push_str(&format!("\n---\n\n## Window {}\n\n{text}", w.id));
                    }
                }
            }
            s
        }
        _ => windowplan::report::campaign::table(&r.plan, &r.inventories),
    };
    write_or_fail(output, &text)
}

/// `plan.md` → `plan.<window>.md`: the CAB pack of one window.
fn window_path(output: &Path, id: &str) -> PathBuf {
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = output
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "md".into());
    output.with_file_name(format!("{stem}.{id}.{ext}"))
}

/// `windowplan check` of a campaign plan.
pub fn check(c: &Campaign, plan_path: &Path, limits: &Limits) -> u8 {
    let text =
        match windowplan::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan") {
            Ok(t) => t,
            Err(d) => {
                return report_input_error(&InputError::one(plan_path.display().to_string(), d))
            }
        };
    let plan = match windowplan::check::campaign::read_campaign_plan(&text) {
        Ok(p) => p,
        Err(mut e) => {
            e.source = plan_path.display().to_string();
            return report_input_error(&e);
        }
    };
    let violations = windowplan::check::campaign::check_campaign(c, &plan);
    if violations.is_empty() {
        let unplaced: Vec<&str> = plan
            .windows
            .iter()
            .filter_map(|w| w.replan.as_ref())
            .flat_map(|r| r.unplaced.iter().map(|u| u.task.as_str()))
            .collect();
        let incomplete = if unplaced.is_empty() {
            String::new()
        } else {
            format!(
                "; incomplete: a re-plan left {} without a window",
                unplaced.join(", ")
            )
        };
        write_or_fail(
            None,
            &format!(
                "{}: the campaign plan keeps every rule ({} tasks in {} windows{incomplete})\n",
                plan_path.display(),
                plan.assignment.len(),
                plan.windows.len()
            ),
        )
    } else {
        match write_or_fail(None, &windowplan::report::violations(&violations)) {
            EXIT_OK => EXIT_NO_PLAN,
            code => code,
        }
    }
}
