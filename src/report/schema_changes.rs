//! Format 1.2 schema changes in the reports: each schema change's steps in
//! the plan's order (expand, the deploy's members, backfill, cutover,
//! contract), the contract as the schema change's point of no return
//! (before it, backing out is redeploying the old code, no restore), and a
//! contract left for a later window as "deferred: contract in a later
//! window" (in a campaign whose plan puts it in another window: "contract
//! in window <id>"). One reading of the plan ([`views`]) for the Markdown pack, the
//! HTML page and the terminal table.

use super::rows::{html_escape, md_inline, md_text_cell, wall_short};
use crate::base::{fmt_minutes, Time};
use crate::inventory::{Inventory, SchemaChange, SchemaStep};
use crate::plan::Plan;
use std::collections::HashMap;
use std::fmt::Write;

/// One planned activity of a schema change.
pub struct StepRow {
    /// `expand`, `deploy`, `backfill`, `cutover` or `contract`.
    pub part: &'static str,
    /// The activity's id.
    pub id: String,
    /// Start minute.
    pub start: Time,
    /// End minute.
    pub end: Time,
    /// What it means for the service, in words.
    pub note: String,
}

/// A schema change as the plan runs it.
pub struct ChangeView<'a> {
    /// The schema change.
    pub sc: &'a SchemaChange,
    /// Its planned activities, by start.
    pub rows: Vec<StepRow>,
    /// The contract's start: the schema change's point of no return, when
    /// the contract is in this window.
    pub point_of_no_return: Option<Time>,
}

/// Every schema change of the inventory with its planned activities.
pub fn views<'a>(inv: &'a Inventory, plan: &Plan) -> Vec<ChangeView<'a>> {
    if inv.schema_changes.is_empty() {
        return Vec::new();
    }
    let index = inv.task_ids();
    let mut rows: HashMap<&str, Vec<StepRow>> = HashMap::new();
    for pt in &plan.tasks {
        let Some(&i) = index.get(pt.id.as_str()) else {
            continue;
        };
        let Some((sc, step)) = inv.schema_change_of(&inv.tasks[i]) else {
            continue;
        };
        rows.entry(sc.id.as_str()).or_default().push(StepRow {
            part: step.map_or("deploy", |s| s.name()),
            id: pt.id.clone(),
            start: pt.start_minute,
            end: pt.end_minute,
            note: note(inv, sc, step),
        });
    }
    inv.schema_changes
        .iter()
        .map(|sc| {
            let mut rows = rows.remove(sc.id.as_str()).unwrap_or_default();
            rows.sort_by_key(|r| (r.start, r.end));
            let point_of_no_return = rows
                .iter()
                .find(|r| r.part == SchemaStep::Contract.name())
                .map(|r| r.start);
            ChangeView {
                sc,
                rows,
                point_of_no_return,
            }
        })
        .collect()
}

fn note(inv: &Inventory, sc: &SchemaChange, step: Option<SchemaStep>) -> String {
    let db = &inv.systems[sc.database].id;
    match step {
        None => "rolling deploy: old and new code run side by side on the expanded schema".into(),
        Some(SchemaStep::Expand) => "online: additive DDL".into(),
        Some(SchemaStep::Backfill) => {
            let writers: Vec<&str> = sc
                .writers
                .iter()
                .map(|&w| inv.systems[w].id.as_str())
                .collect();
            if writers.is_empty() {
                "online: after every app member runs the new code".into()
            } else {
                format!(
                    "online: after every app member and the writers {} run the new code",
                    writers.join(", ")
                )
            }
        }
        Some(SchemaStep::Cutover) => format!("blocking swap: {db} is down"),
        Some(SchemaStep::Contract) => "point of no return: drops the old shape".into(),
    }
}

/// Where a contract that is not in this window runs: "point of no return:
/// contract in window <id>" in a campaign, else "deferred: contract in a
/// later window".
pub fn elsewhere(sc: &SchemaChange) -> String {
    match &sc.contract_window {
        Some(w) => format!("point of no return: contract in window {w}"),
        None => "deferred: contract in a later window".into(),
    }
}

/// The backout of a schema change in words, with wall-clock times.
pub fn backout_words(inv: &Inventory, v: &ChangeView) -> String {
    let redeploy = format!(
        "back out by redeploying the old code ({}); no restore",
        v.sc.deploy
    );
    match v.point_of_no_return {
        Some(p) => format!(
            "until the contract starts at {}, {redeploy}. After it the old shape is gone: backing out is a restore of {}",
            wall_short(&inv.window.at(p)),
            inv.systems[v.sc.database].id
        ),
        None if v.sc.contract_window.is_some() => format!(
            "the contract is in window {}. Tonight has no point of no return for this change: {redeploy}",
            v.sc.contract_window.as_deref().unwrap_or_default()
        ),
        None if v.sc.contract_deferred => format!(
            "deferred: contract in a later window. Tonight has no point of no return for this change: {redeploy}"
        ),
        None => format!("the contract is not in this plan: {redeploy}"),
    }
}

/// The Markdown pack's "Schema changes" section; empty without any.
pub fn markdown(inv: &Inventory, plan: &Plan) -> String {
    let mut s = String::new();
    let views = views(inv, plan);
    if views.is_empty() {
        return s;
    }
    let _ = writeln!(s, "## Schema changes\n");
    let _ = writeln!(
        s,
        "Done expand/contract: the app stays up while old and new code run side by side on the expanded schema. Before the contract, backing out is redeploying the old code (no restore); **the contract is the schema change's point of no return**.\n"
    );
    for v in &views {
        let _ = writeln!(
            s,
            "### {} (database {})\n",
            md_text_cell(&v.sc.id),
            md_text_cell(&inv.systems[v.sc.database].id)
        );
        let _ = writeln!(s, "| Step | Task | Start | End | |\n|---|---|---|---|---|");
        for r in &v.rows {
            // The note names systems (the database, the writers): inventory
            // words, escaped as every other cell.
            let note = md_text_cell(&r.note);
            let note = if r.part == SchemaStep::Contract.name() {
                format!("**{note}**")
            } else {
                note
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                r.part,
                md_text_cell(&r.id),
                wall_short(&inv.window.at(r.start)),
                wall_short(&inv.window.at(r.end)),
                note
            );
        }
        if v.sc.contract_deferred {
            let _ = writeln!(
                s,
                "| contract | {} | — | — | **{}** |",
                md_text_cell(&v.sc.step_id(SchemaStep::Contract)),
                md_text_cell(&elsewhere(v.sc))
            );
        }
        let _ = writeln!(s, "\nBackout: {}.\n", md_inline(&backout_words(inv, v)));
    }
    s
}

/// The HTML page's "Schema changes" section; empty without any.
pub fn html(inv: &Inventory, plan: &Plan) -> String {
    let esc = html_escape;
    let mut s = String::new();
    let views = views(inv, plan);
    if views.is_empty() {
        return s;
    }
    s.push_str("<h2>Schema changes</h2>\n<p>Done expand/contract: before the contract, backing out is redeploying the old code (no restore); <strong>the contract is the schema change's point of no return</strong>.</p>\n");
    for v in &views {
        let _ = writeln!(
            s,
            "<h3>{} (database {})</h3>\n<table class=\"schema-change\">\n<thead><tr><th>Step</th><th>Task</th><th>Start</th><th>End</th><th></th></tr></thead>\n<tbody>",
            esc(&v.sc.id),
            esc(&inv.systems[v.sc.database].id)
        );
        for r in &v.rows {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                r.part,
                esc(&r.id),
                esc(&wall_short(&inv.window.at(r.start))),
                esc(&wall_short(&inv.window.at(r.end))),
                esc(&r.note)
            );
        }
        if v.sc.contract_deferred {
            let _ = writeln!(
                s,
                "<tr><td>contract</td><td>{}</td><td>—</td><td>—</td><td><strong>{}</strong></td></tr>",
                esc(&v.sc.step_id(SchemaStep::Contract)),
                esc(&elsewhere(v.sc))
            );
        }
        let _ = writeln!(
            s,
            "</tbody>\n</table>\n<p>Backout: {}.</p>",
            esc(&backout_words(inv, v))
        );
    }
    s
}

/// The terminal table's lines: per schema change, its point of no return
/// or its deferred contract.
pub fn table_lines(inv: &Inventory, plan: &Plan) -> String {
    let mut s = String::new();
    let views = views(inv, plan);
    if views.is_empty() {
        return s;
    }
    s.push_str("schema changes\n");
    for v in &views {
        let what = match v.point_of_no_return {
            Some(p) => format!(
                "point of no return: contract at {} (before it, back out by redeploying the old code)",
                wall_short(&inv.window.at(p))
            ),
            None if v.sc.contract_deferred => format!(
                "{} (tonight, back out by redeploying the old code)",
                elsewhere(v.sc)
            ),
            None => "contract not in this plan".to_string(),
        };
        let downtime = v
            .rows
            .iter()
            .filter(|r| r.part == SchemaStep::Cutover.name())
            .map(|r| r.end - r.start)
            .sum::<Time>();
        let cut = if v.sc.cutover {
            format!("; cutover {}", fmt_minutes(downtime))
        } else {
            String::new()
        };
        let _ = writeln!(s, "  {}  {what}{cut}", v.sc.id);
    }
    s
}
