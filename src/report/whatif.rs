//! The what-if comparison in every output format: a terminal table, a
//! Markdown page for the CAB pack and JSON. The comparison itself (planning
//! the base and each scenario) is `analysis::whatif`.

use crate::analysis::whatif::{Comparison, Delta, Row, RowOutcome, Summary};
use crate::base::fmt_minutes;
use crate::report::rows::{fmt_delta, fmt_number, md_cell};

/// `−30m` when exact, else `−30m (shortest: −42m to ±0)`.
pub fn delta_words(d: &Delta) -> String {
    if d.exact {
        fmt_delta(d.plans_minutes)
    } else {
        format!(
            "{} (shortest: {} to {})",
            fmt_delta(d.plans_minutes),
            fmt_delta(d.least_minutes),
            fmt_delta(d.most_minutes)
        )
    }
}

/// How a scenario's critical chain differs from the base's, in words.
pub fn chain_change(base: &[String], other: &[String]) -> String {
    if base == other {
        return "same".into();
    }
    let added: Vec<&str> = other
        .iter()
        .filter(|t| !base.contains(t))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = base
        .iter()
        .filter(|t| !other.contains(t))
        .map(String::as_str)
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("+{}", added.join(" +")));
    }
    if !removed.is_empty() {
        parts.push(format!("−{}", removed.join(" −")));
    }
    if parts.is_empty() {
        "reordered".into()
    } else {
        parts.join(" ")
    }
}

/// The cells of one row, in column order.
fn cells(row: &Row, base: Option<&Summary>) -> Vec<String> {
    match &row.outcome {
        RowOutcome::Planned(s) => {
            let delta = match (&row.delta, base) {
                (Some(d), _) => delta_words(d),
                (None, Some(b)) => fmt_delta(s.length_minutes - b.length_minutes),
                _ => "—".into(),
            };
            let chain = match base {
                Some(b) if !std::ptr::eq(b, s) => {
                    chain_change(&b.critical_chain, &s.critical_chain)
                }
                _ => s.critical_chain.join(" → "),
            };
            vec![
                row.scenario.clone(),
                fmt_minutes(s.length_minutes),
                delta,
                format!(
                    "{} ({}{})",
                    fmt_minutes(s.lower_bound_minutes),
                    s.status,
                    if row.from_base {
                        ", base plan kept"
                    } else {
                        ""
                    }
                ),
                fmt_number(s.weighted_downtime),
                if s.services_down.is_empty() {
                    "none".into()
                } else {
                    s.services_down.join(", ")
                },
                match s.deadline_met {
                    None => "no deadline".into(),
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                },
                chain,
            ]
        }
        RowOutcome::Infeasible { reason } => {
            let mut v = vec![row.scenario.clone(), "infeasible".into()];
            v.extend(std::iter::repeat_n(String::new(), 5));
            v.push(reason.clone());
            v
        }
        RowOutcome::NotFound { reason } => {
            let mut v = vec![row.scenario.clone(), "not found in time".into()];
            v.extend(std::iter::repeat_n(String::new(), 5));
            v.push(reason.clone());
            v
        }
    }
}

const HEADERS: [&str; 8] = [
    "scenario",
    "window",
    "Δ vs base",
    "bound",
    "weighted downtime",
    "services down",
    "deadline met",
    "critical chain",
];

fn all_cells(cmp: &Comparison) -> Vec<Vec<String>> {
    let base = match &cmp.base.outcome {
        RowOutcome::Planned(s) => Some(s),
        _ => None,
    };
    let mut rows = vec![cells(&cmp.base, base)];
    for r in &cmp.scenarios {
        rows.push(cells(r, base));
    }
    rows
}

/// A fixed-width table for the terminal. Scenario names, notes and the
/// other cells are shown escaped (`base::text::for_terminal`): a name
/// holding ESC or NUL cannot drive the terminal.
pub fn table(cmp: &Comparison) -> String {
    use crate::base::text::for_terminal;
    let rows: Vec<Vec<String>> = all_cells(cmp)
        .into_iter()
        .map(|r| r.iter().map(|c| for_terminal(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(HEADERS.len() - 1) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(HEADERS.to_vec());
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    let notes: Vec<String> = cmp
        .scenarios
        .iter()
        .filter_map(|r| {
            r.note.as_ref().map(|n| {
                format!(
                    "  {}: {}",
                    for_terminal(&r.scenario),
                    for_terminal(n.trim())
                )
            })
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\nscenarios:\n");
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out.push_str(&expand_contract_text(cmp));
    out
}

/// A Markdown table (for the CAB pack).
pub fn markdown(cmp: &Comparison) -> String {
    let mut out = String::from("# What-if comparison\n\n");
    out.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
    out.push_str("|---|---:|---:|---|---:|---|---|---|\n");
    for r in all_cells(cmp) {
        let r: Vec<String> = r.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    let notes: Vec<String> = cmp
        .scenarios
        .iter()
        .filter_map(|r| {
            r.note
                .as_ref()
                .map(|n| format!("- **{}**: {}", md_cell(&r.scenario), md_cell(n.trim())))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\n## Scenarios\n\n");
        out.push_str(&notes.join("\n"));
        out.push('\n');
    }
    out.push_str(&expand_contract_markdown(cmp));
    out
}

/// Each row's expand/contract worth (`whatif --expand-contract`), in
/// words, one block per row; empty when it was not asked for.
fn expand_contract_blocks(cmp: &Comparison) -> Vec<(String, Vec<String>)> {
    std::iter::once(&cmp.base)
        .chain(&cmp.scenarios)
        .filter_map(|r| {
            let worth = r.expand_contract.as_ref()?;
            let text = crate::report::availability::expand_contract_text(worth);
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if lines.is_empty() {
                lines.push("no blocking schema change".into());
            }
            let name = if std::ptr::eq(r, &cmp.base) {
                "base".to_string()
            } else {
                format!("scenario {}", r.scenario)
            };
            Some((name, lines))
        })
        .collect()
}

/// The expand/contract section of the terminal table (see
/// [`expand_contract_blocks`]).
fn expand_contract_text(cmp: &Comparison) -> String {
    use crate::base::text::for_terminal;
    let blocks = expand_contract_blocks(cmp);
    if blocks.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nblocking schema changes done expand/contract (format 1.2; both forms planned and checked):\n",
    );
    for (name, lines) in blocks {
        out.push_str(&format!("{}:\n", for_terminal(&name)));
        for l in lines {
            out.push_str(&format!("  {}\n", for_terminal(&l)));
        }
    }
    out
}

/// The expand/contract section of the Markdown page.
fn expand_contract_markdown(cmp: &Comparison) -> String {
    let blocks = expand_contract_blocks(cmp);
    if blocks.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n## Blocking schema changes done expand/contract\n\nBoth forms planned and checked (format 1.2).\n");
    for (name, lines) in blocks {
        out.push_str(&format!("\n### {}\n\n", md_cell(&name)));
        for l in lines {
            let indent = if l.starts_with("  ") { "  " } else { "" };
            out.push_str(&format!("{indent}- {}\n", md_cell(l.trim())));
        }
    }
    out
}

/// `whatif CAMPAIGN --expand-contract` in words: per blocking schema
/// change, the campaign as written and done expand/contract (windows used,
/// weighted downtime, total length; each plan passed the campaign check).
pub fn campaign_expand_contract_text(
    worth: &[crate::analysis::expand_contract_campaign::CampaignExpandContractWorth],
) -> String {
    use crate::analysis::expand_contract_campaign::CampaignFigures;
    let form = |f: &CampaignFigures| {
        format!(
            "{} window{} ({}; {}), weighted downtime {}, {} in all, {} plan",
            f.windows_used,
            if f.windows_used == 1 { "" } else { "s" },
            f.windows.join(", "),
            if f.windows_proven {
                "proven fewest"
            } else {
                "not proven fewest"
            },
            fmt_number(f.downtime_weighted),
            fmt_minutes(f.length_minutes_total),
            f.status
        )
    };
    let mut out = String::new();
    if worth.is_empty() {
        out.push_str("no blocking schema change in the campaign\n");
    }
    for w in worth {
        out.push_str(&format!(
            "blocking schema change {} on {} (takes down {}): written expand/contract across the campaign's windows (format 1.2)\n",
            w.task,
            w.database,
            w.app.join(", ")
        ));
        match (w.as_written.planned(), w.expand_contract.planned()) {
            (Some(a), Some(e)) => {
                out.push_str(&format!("  as written:       {}\n", form(a)));
                out.push_str(&format!("  expand/contract:  {}\n", form(e)));
                if let Some(cw) = &w.contract_window {
                    out.push_str(&format!("  the contract runs in window {cw}\n"));
                }
                let windows = w.windows_added.unwrap_or(0);
                let windows = match windows {
                    0 => "no window more".to_string(),
                    1 => "1 window more".to_string(),
                    n if n > 0 => format!("{n} windows more"),
                    n => format!("{} window{} fewer", -n, if n == -1 { "" } else { "s" }),
                };
                out.push_str(&format!(
                    "  saves weighted downtime {}; costs {windows} and {} of window time (computed from both plans)\n",
                    fmt_number(w.downtime_saved.unwrap_or(0.0)),
                    fmt_delta(w.length_added_minutes.unwrap_or(0))
                ));
            }
            (None, _) => out.push_str(&format!(
                "  not compared: {}\n",
                w.as_written.why_not().unwrap_or_default()
            )),
            (_, None) => out.push_str(&format!(
                "  not compared: {}\n",
                w.expand_contract.why_not().unwrap_or_default()
            )),
        }
        for a in &w.assumptions {
            out.push_str(&format!("  assumed: {a}\n"));
        }
    }
    crate::base::text::for_terminal(&out).into_owned()
}

/// `whatif CAMPAIGN --expand-contract --format json`:
/// `{format, expand_contract: [...]}`.
pub fn campaign_expand_contract_json(
    worth: &[crate::analysis::expand_contract_campaign::CampaignExpandContractWorth],
) -> String {
    let doc = serde_json::json!({
        "format": "windowplan-campaign-expand-contract/1",
        "expand_contract": worth,
    });
    serde_json::to_string_pretty(&doc).expect("serialises") + "\n"
}

/// JSON, with full critical chains.
pub fn json(cmp: &Comparison) -> String {
    serde_json::to_string_pretty(cmp).expect("comparison serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_change_words() {
        let a: Vec<String> = ["x", "y"].iter().map(|s| s.to_string()).collect();
        let b: Vec<String> = ["x", "z"].iter().map(|s| s.to_string()).collect();
        assert_eq!(chain_change(&a, &a), "same");
        assert_eq!(chain_change(&a, &b), "+z −y");
    }

    #[test]
    fn delta_in_words() {
        // Not proven on the base side: a range, not a figure.
        assert_eq!(
            delta_words(&Delta::of(40, 60, 60, 60)),
            "±0 (shortest: ±0 to +20m)"
        );
        assert_eq!(delta_words(&Delta::of(60, 60, 45, 45)), "−15m");
    }
}
