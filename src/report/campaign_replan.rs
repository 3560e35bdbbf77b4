//! Reports of a campaign re-plan: the night of the window under way (the
//! one-window re-plan's own renderers), what became of each change dropped
//! tonight ("moved to window …", or why no later window can take it), and
//! the campaign summary after the re-plan; JSON is the campaign plan, with
//! the re-planned window's `replan` section.

use crate::analysis::replan::campaign::CampaignReplan;

/// One line per file task moved or left unplaced, in words.
pub fn moves_lines(r: &CampaignReplan) -> Vec<String> {
    let mut out = Vec::new();
    for m in &r.moved {
        if m.from == r.window {
            out.push(format!(
                "{}: moved to window {} ({})",
                m.task, m.to, m.reason
            ));
        } else {
            out.push(format!(
                "{}: moved from window {} to window {} ({})",
                m.task, m.from, m.to, m.reason
            ));
        }
    }
    for u in &r.unplaced {
        let how = if u.proven {
            ""
        } else {
            " [not proven: no plan was found in time]"
        };
        out.push(format!("{}: not planned: {}{how}", u.task, u.reason));
    }
    out
}

fn heading(r: &CampaignReplan) -> String {
    let w = &r.night.night.window;
    format!(
        "re-plan of window {} at {}",
        r.window,
        crate::plan::clock(w, r.night.now)
    )
}

/// The night's table, the moves, and the campaign summary.
pub fn table(r: &CampaignReplan) -> String {
    let mut s = format!("{}\n\n", heading(r));
    s.push_str(&super::replan::table(&r.night));
    s.push_str("\nchanges dropped tonight:\n");
    let lines = moves_lines(r);
    if lines.is_empty() {
        s.push_str("  none: no change left the window\n");
    }
    for l in lines {
        s.push_str(&format!("  {l}\n"));
    }
    s.push('\n');
    s.push_str(&super::campaign::table(&r.plan, &r.inventories));
    crate::base::text::escape_hidden(&s).into_owned()
}

/// The same in Markdown: moves, the campaign summary, then the night.
pub fn markdown(r: &CampaignReplan) -> String {
    let mut s = format!(
        "# Campaign {}\n\n## Changes dropped tonight\n\n",
        heading(r)
    );
    let lines = moves_lines(r);
    if lines.is_empty() {
        s.push_str("None: no change left the window.\n");
    }
    for l in lines {
        s.push_str(&format!("- {}\n", super::rows::md_cell(&l)));
    }
    s.push('\n');
    s.push_str(&super::campaign::markdown(&r.plan, &r.inventories));
    s.push_str(&format!("\n---\n\n## Window {}: the night\n\n", r.window));
    s.push_str(&super::replan::markdown(&r.night));
    s
}

/// `table`, `json`, `md` or `ics`; `None` for a format a campaign re-plan
/// is not written in.
pub fn render(r: &CampaignReplan, format: super::Format) -> Option<String> {
    use super::Format as F;
    match format {
        F::Table => Some(table(r)),
        F::Json => Some(super::campaign::to_json(&r.plan)),
        F::Md => Some(markdown(r)),
        F::Ics => Some(super::campaign::ics(&r.plan, &r.inventories)),
        _ => None,
    }
}
