//! The explanation of a plan or of an impossible inventory
//! (`windowplan explain`) as text for a change board or as JSON. The
//! analyses (critical chain, bottlenecks, conflict) are `analysis::explain`.

use crate::analysis::explain::conflict::GroupOutcome;
use crate::analysis::explain::{Explanation, Trial, Verdict};
use crate::base::fmt_minutes;
use crate::inventory::Inventory;
use crate::plan::clock;
use std::fmt::Write as _;

/// A time limit in words: `500ms`, `2s`, `1.5s`.
fn secs(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", ms as f64 / 1000.0)
    }
}

/// Pretty JSON.
pub fn json(explanation: &Explanation) -> String {
    let mut s = serde_json::to_string_pretty(explanation).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Text for a change board.
pub fn text(explanation: &Explanation, inv: &Inventory) -> String {
    let mut out = String::new();
    if let Some(p) = &explanation.plan {
        let how = if p.source == "given" {
            "the given plan"
        } else {
            "as planned here"
        };
        let bound = if p.lower_bound_minutes >= p.length_minutes {
            "no plan can be shorter".to_string()
        } else {
            format!(
                "no plan can be shorter than {}",
                fmt_minutes(p.lower_bound_minutes)
            )
        };
        let _ = writeln!(
            out,
            "Window: {} ({}–{}), {how}; {bound}.",
            fmt_minutes(p.length_minutes),
            clock(&inv.window, 0),
            p.ends
        );
    }
    if !explanation.critical_chain.is_empty() {
        let _ = writeln!(out, "\nCritical chain (what held each task back):");
        for link in &explanation.critical_chain {
            let _ = writeln!(out, "  {}", link.describe());
        }
    }
    if let Some(b) = &explanation.bottlenecks {
        let _ = writeln!(
            out,
            "\nBottlenecks (each rule relaxed alone and re-planned, {} each):",
            secs(b.time_limit_ms)
        );
        if b.ranked.is_empty() {
            let _ = writeln!(out, "  no single relaxation shortened the window");
        }
        for (k, t) in b.ranked.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", k + 1, t.describe(b.base_minutes));
        }
        // Not proven to save anything, though not proven useless either:
        // the base inventory may already allow the shorter window.
        let maybe: Vec<&Trial> = b.tried.iter().filter(|t| t.may_matter()).collect();
        if !maybe.is_empty() {
            let _ = writeln!(
                out,
                "  Also tried, may shorten the window but not proven to (the base plan is not proven shortest):"
            );
            for t in maybe {
                let _ = writeln!(out, "    - {}", t.describe(b.base_minutes));
            }
        }
        // A relaxation with no plan is not a suggestion: said apart.
        for (with_plan, heading) in [
            (true, "Also tried, no shorter window:"),
            (false, "Also tried, no plan found in the time given:"),
        ] {
            let idle: Vec<&str> = b
                .tried
                .iter()
                .filter(|t| {
                    !t.matters() && !t.may_matter() && t.length_minutes.is_some() == with_plan
                })
                .map(|t| t.change.as_str())
                .collect();
            if !idle.is_empty() {
                let _ = writeln!(out, "  {heading}");
                for change in idle {
                    let _ = writeln!(out, "    - {change}");
                }
            }
        }
        for t in b.tried.iter().filter(|t| t.original_improvable) {
            let _ = writeln!(
                out,
                "  Note: while trying \"{}\" a {} plan was found that keeps every rule as written; re-plan with a longer --time-limit.",
                t.change,
                fmt_minutes(t.length_minutes.unwrap_or(0))
            );
        }
    }
    if let Some(c) = &explanation.conflict {
        if c.proven {
            let _ = writeln!(out, "No plan is possible: {}", c.reason);
        } else {
            let _ = writeln!(
                out,
                "No plan found (not a proof that none exists): {}",
                c.reason
            );
        }
        if c.rules.is_empty() {
            let _ = writeln!(
                out,
                "\nNo rule group could be blamed: it stays impossible with every deadline, blackout, window, team's hours, max_lag, max_downtime, DR order and cluster limit dropped."
            );
        } else {
            let _ = writeln!(
                out,
                "\nThese rules together {} a plan impossible (with the teams, systems, zones and `after` rules that cannot be dropped); drop any one of them and a plan exists:",
                if c.set_proven { "make" } else { "appear to make" }
            );
            for r in &c.rules {
                let _ = writeln!(out, "  - {r}");
            }
            if c.set_proven {
                let _ = writeln!(
                    out,
                    "With only these (every other rule group dropped) it is proven impossible: {}",
                    c.set_reason
                );
            } else {
                let _ = writeln!(
                    out,
                    "Note: that these alone allow no plan rests on a search that found none in {}, not on a proof: {}",
                    secs(c.time_limit_ms),
                    c.set_reason
                );
            }
        }
        let others: Vec<&GroupOutcome> = c.tried.iter().filter(|g| !g.in_conflict).collect();
        if !others.is_empty() {
            let _ = writeln!(out, "\nAlso tried, and not needed for the conflict:");
            for g in others {
                let why = match &g.verdict {
                    Verdict::NotFound { .. } => format!(
                        "still no plan found without it in {} (not a proof)",
                        secs(c.time_limit_ms)
                    ),
                    _ => "still impossible without it".to_string(),
                };
                let _ = writeln!(out, "  - {}: {why}", g.rule);
            }
        }
    }
    out
}
