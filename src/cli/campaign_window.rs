//! `--window ID` on a campaign: one window of a format 1.2 campaign as the
//! one-window commands (`explain`, `availability`, `risk`, `export`) see a
//! one-window file. The window's tasks and its plan come from a campaign
//! plan given with `--plan` (read, then verified by the campaign check:
//! a plan that breaks a rule is refused, exit 1), or from planning the
//! campaign here (no plan in time: exit 3; proven none: exit 1). The
//! window's inventory is the campaign's own ([`Campaign::window_inventory`],
//! as the campaign check builds it), and the window's plan is the plan the
//! one-window command would be given. Errors of `--window` are E158
//! (DESIGN.md, "Campaigns: choices").

use super::common::*;
use std::path::Path;
use windowplan::error::{Diagnostic, InputError, NoPlan};
use windowplan::inventory::campaign::Campaign;
use windowplan::inventory::{Inventory, Limits};
use windowplan::model::Time;
use windowplan::plan::campaign::CampaignPlan;
use windowplan::plan::Plan;
use windowplan::solve::SolveOptions;

/// One used window of a campaign, with its inventory and its plan.
pub struct WindowOfCampaign {
    /// The window's id, as in the campaign plan.
    pub id: String,
    /// The campaign's name as the heading says it: its title, else its file.
    pub campaign: String,
    /// The window's own inventory (its tasks, `window:` that window).
    pub inventory: Inventory,
    /// The window's plan in the campaign plan.
    pub plan: Plan,
    /// Each task's start minute in `plan`, in the inventory's task order.
    pub starts: Vec<Time>,
    /// The plan was read from `--plan` (else planned here).
    pub given: bool,
}

/// What a one-window command is given: a one-window file (loaded by the
/// command as before), one window of a campaign, or (where the command
/// allows it) the whole campaign.
pub enum Target {
    /// The file has one `window:`; the command loads it itself.
    OneWindow,
    /// `--window ID` of a campaign.
    Window(Box<WindowOfCampaign>),
    /// A campaign without `--window`: each used window, in time order.
    Whole(Box<WholeCampaign>),
}

/// A campaign plan (given and checked, or planned here) with each used
/// window's inventory and plan.
pub struct WholeCampaign {
    /// The campaign's name: its title, else its file.
    pub campaign: String,
    /// The campaign plan.
    pub plan: CampaignPlan,
    /// Each used window, in the order of `plan.windows`.
    pub windows: Vec<WindowOfCampaign>,
    /// The plan was read from `--plan` (else planned here).
    pub given: bool,
}

impl WindowOfCampaign {
    /// The heading every output of the window starts with.
    pub fn heading(&self) -> String {
        let w = &self.inventory.window;
        let source = if self.given {
            "its plan as given"
        } else {
            "its plan as planned here"
        };
        windowplan::base::text::for_terminal(&format!(
            "window {} of campaign {} ({} – {}, {} task{}; {source})",
            self.id,
            self.campaign,
            windowplan::plan::rfc3339(w, 0),
            windowplan::plan::rfc3339(w, w.deadline.unwrap_or(0)),
            self.plan.tasks.len(),
            if self.plan.tasks.len() == 1 { "" } else { "s" },
        ))
        .into_owned()
    }

    /// `text` with the heading above it.
    pub fn headed(&self, text: &str) -> String {
        format!("{}\n\n{text}", self.heading())
    }

    /// A JSON document `text` (an object) with a first key
    /// `campaign_window` naming the window and the campaign; the rest of the
    /// document is kept as written.
    pub fn named_json(&self, text: &str) -> String {
        let named = serde_json::json!({
            "campaign": self.campaign,
            "window": self.id,
            "plan": if self.given { "given" } else { "planned" },
        });
        let trimmed = text.trim_start();
        match trimmed.strip_prefix('{') {
            Some(rest) if !rest.trim_start().starts_with('}') => {
                format!("{{\n  \"campaign_window\": {named},{rest}")
            }
            _ => text.to_string(),
        }
    }
}

/// The file at `path` with `--window` (`window`) and a campaign plan
/// (`plan_path`): a one-window file (`--window` refused on it), the window
/// of a campaign, or, when `whole` allows a campaign without `--window`,
/// every used window. On failure prints why and gives the exit code.
/// `purpose` ends "fix it (or re-plan) before …".
pub fn resolve(
    path: &Path,
    window: Option<&str>,
    plan_path: Option<&Path>,
    opts: &SolveOptions,
    limits: &Limits,
    purpose: &str,
    whole: bool,
) -> Result<Target, u8> {
    let Some(c) = super::campaign::load_campaign(path, limits)? else {
        if let Some(id) = window {
            return Err(refuse(
                path,
                format!("`--window {id}` picks a window of a campaign, and this file has one window (`window:`)"),
                "drop `--window`; it is given only with a campaign file (`campaign:`)",
            ));
        }
        return Ok(Target::OneWindow);
    };
    let campaign = c
        .title
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    let all: Vec<&str> = c.windows.iter().map(|w| w.id.as_str()).collect();
    // A given plan first (its used windows are listed in the errors);
    // without one, `--window` is looked at before planning.
    let given = match plan_path {
        Some(p) => Some(read_checked_campaign_plan(&c, p, limits, purpose)?),
        None => None,
    };
    let id = match window {
        None if whole => None,
        _ => Some(pick(path, window, &all, given.as_ref())?),
    };
    let (plan, mut inventories, is_given) = match given {
        Some(plan) => (plan, None, true),
        None => {
            let r = plan_here(&c, opts, id)?;
            let invs: Vec<Option<Inventory>> = r.inventories.into_iter().map(Some).collect();
            (r.plan, Some(invs), false)
        }
    };
    let used: Vec<&str> = plan.windows.iter().map(|w| w.id.as_str()).collect();
    let which = if is_given {
        "in the plan given"
    } else {
        "in the plan found here"
    };
    let chosen: Vec<usize> = match id {
        Some(id) => match used.iter().position(|u| *u == id) {
            Some(k) => vec![k],
            None => return Err(free(path, id, &used, which)),
        },
        None => (0..plan.windows.len()).collect(),
    };
    let mut windows = Vec::new();
    for k in chosen {
        let planned = inventories
            .as_mut()
            .and_then(|invs| invs.get_mut(k)?.take());
        let inventory = match planned {
            Some(inv) => inv,
            // The campaign check built the same inventory: its failure is
            // not reached.
            None => window_inventory_of(&c, &plan, &plan.windows[k].id)
                .map_err(|e| report_input_error(&e))?,
        };
        let wp = &plan.windows[k];
        let text = serde_json::to_string(&wp.plan).unwrap_or_default();
        let starts = windowplan::plan::read_plan_starts(&text, &inventory).map_err(|mut e| {
            e.source = format!("the plan of window {}", wp.id);
            report_input_error(&e)
        })?;
        windows.push(WindowOfCampaign {
            id: wp.id.clone(),
            campaign: campaign.clone(),
            inventory,
            plan: wp.plan.clone(),
            starts,
            given: is_given,
        });
    }
    if id.is_some() {
        if let Some(w) = windows.pop() {
            return Ok(Target::Window(Box::new(w)));
        }
    }
    Ok(Target::Whole(Box::new(WholeCampaign {
        campaign,
        plan,
        windows,
        given: is_given,
    })))
}

/// The campaign planned here and re-checked as `plan` does; on failure
/// prints why (1 proven none, 3 none in time) naming the window `id`.
fn plan_here(
    c: &Campaign,
    opts: &SolveOptions,
    id: Option<&str>,
) -> Result<windowplan::pipeline::campaign::CampaignResult, u8> {
    let what = id.map_or("nothing".to_string(), |id| format!("no window {id}"));
    let result = match windowplan::pipeline::campaign::plan_campaign(c, opts) {
        Ok(r) => r,
        Err(NoPlan::Infeasible(why)) => {
            eprintln!("no feasible campaign plan, so {what} to analyse: {why}");
            return Err(EXIT_NO_PLAN);
        }
        Err(NoPlan::NotFound(why)) => {
            eprintln!("{why}; try a longer --time-limit (or give the campaign plan with --plan)");
            return Err(EXIT_NOT_FOUND);
        }
    };
    let violations = windowplan::check::campaign::check_campaign(c, &result.plan);
    if !violations.is_empty() {
        eprintln!(
            "internal error: the campaign plan breaks rules (a solver bug):\n{}",
            windowplan::report::violations(&violations)
        );
        return Err(EXIT_NOT_FOUND);
    }
    Ok(result)
}

/// The window `--window` names among the campaign's windows `all`; its
/// absence and an unknown id are E158 (listing the used windows when the
/// plan is known, else every window).
fn pick<'a>(
    path: &Path,
    window: Option<&'a str>,
    all: &[&str],
    plan: Option<&CampaignPlan>,
) -> Result<&'a str, u8> {
    let listing = match plan {
        Some(p) => {
            let used: Vec<&str> = p.windows.iter().map(|w| w.id.as_str()).collect();
            let mut s = format!("the windows the plan uses: {}", used.join(", "));
            if !p.windows_free.is_empty() {
                s.push_str(&format!(" (left free: {})", p.windows_free.join(", ")));
            }
            s
        }
        None => format!(
            "the campaign's windows: {} (the plan decides which are used: `windowplan plan CAMPAIGN` lists them, or give the campaign plan with --plan)",
            all.join(", ")
        ),
    };
    let Some(id) = window else {
        return Err(refuse(
            path,
            "the file is a campaign (`campaign:`, several windows), and this command works on one window".into(),
            &format!("give `--window ID`; {listing}"),
        ));
    };
    if !all.contains(&id) {
        let near = windowplan::inventory::suggest::suggest(id, all.iter().copied())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(refuse(
            path,
            format!("`--window {id}`: the campaign has no window `{id}`"),
            &format!("{near}{listing}"),
        ));
    }
    Ok(id)
}

/// A window no task of the plan uses: nothing to analyse (exit 2).
fn free(path: &Path, id: &str, used: &[&str], which: &str) -> u8 {
    refuse(
        path,
        format!("window {id} is free {which}: no task runs in it, so there is nothing to analyse"),
        &format!("give one of the windows the plan uses: {}", used.join(", ")),
    )
}

/// Prints an E158 error on `--window` and gives exit code 2.
fn refuse(path: &Path, message: String, hint: &str) -> u8 {
    report_input_error(&InputError::one(
        path.display().to_string(),
        Diagnostic::new("E158", "--window", message, hint),
    ))
}

/// Reads a campaign plan and verifies it with the campaign check; on
/// failure prints why (2 unreadable, 1 breaks a rule, as `check` says).
fn read_checked_campaign_plan(
    c: &Campaign,
    plan_path: &Path,
    limits: &Limits,
    purpose: &str,
) -> Result<CampaignPlan, u8> {
    let text = windowplan::inventory::read_text_limited(plan_path, limits.max_file_bytes, "plan")
        .map_err(|mut d| {
        if d.code == "E001" {
            d.hint =
                "give the path of a campaign plan written by `windowplan plan CAMPAIGN --format json`"
                    .into();
        }
        report_input_error(&InputError::one(plan_path.display().to_string(), d))
    })?;
    let plan = windowplan::check::campaign::read_campaign_plan(&text).map_err(|mut e| {
        e.source = plan_path.display().to_string();
        report_input_error(&e)
    })?;
    let violations = windowplan::check::campaign::check_campaign(c, &plan);
    if !violations.is_empty() {
        eprint!("{}", windowplan::report::violations(&violations));
        eprintln!(
            "{}: the campaign plan breaks the rules above, or states what its times contradict; fix it (or re-plan the campaign) before {purpose}",
            plan_path.display()
        );
        return Err(EXIT_NO_PLAN);
    }
    Ok(plan)
}

/// The inventory of window `id` with the tasks the plan assigns to it, its
/// deferred contracts placed from the whole assignment (as the campaign
/// planner gives it to the reports).
fn window_inventory_of(
    c: &Campaign,
    plan: &CampaignPlan,
    id: &str,
) -> Result<Inventory, InputError> {
    let mut window_of: Vec<Option<usize>> = vec![None; c.tasks.len()];
    for (task, wid) in &plan.assignment {
        if let (Some(t), Some(w)) = (c.task_index(task), c.window_index(wid)) {
            window_of[t] = Some(w);
        }
    }
    let w = c.window_index(id).unwrap_or_default();
    let members: Vec<usize> = (0..c.tasks.len())
        .filter(|&t| window_of[t] == Some(w))
        .collect();
    let mut inv = c.window_inventory(w, &members)?;
    c.place_contracts(&mut inv, &window_of);
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> WindowOfCampaign {
        let inventory = windowplan::load_inventory_str(
            "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T02:00 }\nsystems: [{ id: db }]\ntasks: [{ id: patch, system: db, duration: 30m }]\n",
            windowplan::inventory::Format::Yaml,
            "w.yaml",
        )
        .unwrap();
        let plan =
            windowplan::pipeline::plan_inventory(&inventory, &SolveOptions::default()).unwrap();
        WindowOfCampaign {
            id: "w1".into(),
            campaign: "Q1".into(),
            starts: vec![0],
            inventory,
            plan,
            given: true,
        }
    }

    /// The window is named first; the document is otherwise kept as it
    /// was, key order and all, and still parses.
    #[test]
    fn json_is_named_and_kept() {
        let w = window();
        let named = w.named_json("{\n  \"format\": \"x/1\",\n  \"b\": 1,\n  \"a\": 2\n}\n");
        let v: serde_json::Value = serde_json::from_str(&named).unwrap();
        assert_eq!(v["campaign_window"]["window"], "w1");
        assert_eq!(v["campaign_window"]["plan"], "given");
        assert_eq!(v["format"], "x/1");
        let (b, a) = (named.find("\"b\"").unwrap(), named.find("\"a\"").unwrap());
        assert!(
            named.find("campaign_window").unwrap() < b && b < a,
            "{named}"
        );
        // Not an object with keys: left alone.
        assert_eq!(w.named_json("{}"), "{}");
        assert!(w
            .heading()
            .starts_with("window w1 of campaign Q1 (2026-12-05T22:00:00+00:00 – 2026-12-06T02:00:00+00:00, 1 task; its plan as given)"));
    }
}
