//! The availability analysis (`windowplan availability`) and the downtime
//! verdict of `plan --objective downtime`, in words. The floors, the
//! single points and the verified suggestions are `analysis::availability`.

use crate::analysis::availability::{DowntimeVerdict, ServiceAvailability, SuggestedChange};
use crate::analysis::budget::Cut;
use crate::base::fmt_minutes;
use crate::report::rows::fmt_number;
use std::fmt::Write as _;

/// One line for the board, e.g. "downtime: weighted 350 (payments
/// 35m, floor 35m); no plan can have less than 350: proven least".
pub fn verdict_text(verdict: &DowntimeVerdict) -> String {
    let parts: Vec<String> = verdict
        .services
        .iter()
        .map(|s| {
            format!(
                "{} {}, floor {}",
                s.service,
                fmt_minutes(s.downtime_minutes),
                fmt_minutes(s.floor_minutes)
            )
        })
        .collect();
    let per = if parts.is_empty() {
        "no service down".to_string()
    } else {
        parts.join("; ")
    };
    let words = if verdict.proven {
        format!(
            "no plan can have less than {}: proven least",
            fmt_number(verdict.weighted_floor)
        )
    } else {
        format!(
            "not proven least: the least possible lies between {} and {}",
            fmt_number(verdict.weighted_floor),
            fmt_number(verdict.weighted_downtime)
        )
    };
    format!(
        "downtime: weighted {} ({per}); {words}",
        fmt_number(verdict.weighted_downtime)
    )
}

/// A suggested change in words, e.g. "make integration feed async with a
/// tolerance of 30m".
pub fn change_words(change: &SuggestedChange) -> String {
    let join = |ids: &[String]| crate::base::join_words(ids);
    match change {
        SuggestedChange::Online { systems } => format!(
            "make the outage tasks on {} online changes (outage: false, no down:), e.g. by failing over first",
            join(systems)
        ),
        SuggestedChange::SecondNode { systems } => format!(
            "add a second node beside {} (a cluster keeping one of the two up; its tasks repeated on the new node)",
            join(systems)
        ),
        SuggestedChange::Async {
            integrations,
            tolerance_minutes,
        } => format!(
            "make integration {} async with a tolerance of {}",
            join(integrations),
            fmt_minutes(*tolerance_minutes)
        ),
        SuggestedChange::Switchover {
            service,
            role,
            side,
            other,
        } => format!(
            "serve {service} from the {role} {other} while {side} is patched: switch it over to {other} before {side}'s outages and back after (the DR pair never has both down; the time a switchover itself takes is not counted)"
        ),
    }
}

/// The JSON format tag of `availability --format json`.
pub const AVAILABILITY_FORMAT: &str = "windowplan-availability/1";

/// The availability report as JSON: `{format, services, expand_contract}`.
/// `services` holds the analysis's values per service, each suggested
/// change also in words (`words`, as the text says it); `expand_contract`
/// what each blocking schema change would save and cost done
/// expand/contract (both forms planned and checked).
pub fn json(
    report: &[ServiceAvailability],
    worth: &[crate::analysis::expand_contract::ExpandContractWorth],
) -> String {
    let mut v = serde_json::to_value(report).unwrap_or_default();
    if let Some(services) = v.as_array_mut() {
        for (svc, a) in services.iter_mut().zip(report) {
            let Some(list) = svc.get_mut("suggestions").and_then(|l| l.as_array_mut()) else {
                continue;
            };
            for (g, s) in list.iter_mut().zip(&a.suggestions) {
                g["words"] = serde_json::Value::String(change_words(&s.change));
            }
        }
    }
    let doc = serde_json::json!({
        "format": AVAILABILITY_FORMAT,
        "services": v,
        "expand_contract": worth,
    });
    let mut t = serde_json::to_string_pretty(&doc).unwrap_or_default();
    t.push('\n');
    t
}

/// The analysis in words.
pub fn text(report: &[ServiceAvailability]) -> String {
    let mut s = String::new();
    for a in report {
        let planned = match a.planned_downtime_minutes {
            Some(m) => format!("down {} in the plan", fmt_minutes(m)),
            None => "no plan to measure".into(),
        };
        let _ = writeln!(
            s,
            "{}: {planned}; no plan can keep it down less than {}",
            a.service,
            fmt_minutes(a.least_downtime_minutes)
        );
        if let Some(limit) = a.max_downtime_minutes {
            if limit < a.least_downtime_minutes {
                let _ = writeln!(
                    s,
                    "  its max_downtime of {} is below that: no plan can keep it (proven)",
                    fmt_minutes(limit)
                );
            }
        }
        if a.least_downtime_minutes == 0 {
            let _ = writeln!(
                s,
                "  no outage, planned outage or switchover is forced on it: zero downtime is possible"
            );
        }
        for p in &a.single_points {
            let outcome = if p.tolerance_minutes == 0 {
                format!("at least {} down", fmt_minutes(p.least_down))
            } else if p.least_down > 0 {
                format!(
                    "at least {} down past the {} tolerance",
                    fmt_minutes(p.least_down),
                    fmt_minutes(p.tolerance_minutes)
                )
            } else {
                format!(
                    "each fits within the {} tolerance on its own (back to back they may not)",
                    fmt_minutes(p.tolerance_minutes)
                )
            };
            let what = if p.whole_cluster {
                "planned outage of the whole cluster"
            } else if p.least_down > 0 {
                "single point of failure"
            } else {
                "outages reach it from"
            };
            let _ = writeln!(
                s,
                "  {} {} ({}): outages {} — {}",
                what,
                p.system,
                p.via.join(", "),
                p.outage_tasks.join(", "),
                outcome
            );
        }
        for f in &a.forced_switchovers {
            let _ = writeln!(
                s,
                "  switchover forced: any [{}] is served by {}; {} take{} it down while another member is up, so the service switches over and back ({} each) — at least {} down",
                f.members.join(", "),
                f.serving,
                f.tasks.join(", "),
                if f.tasks.len() == 1 { "s" } else { "" },
                fmt_minutes(f.switchover_minutes),
                fmt_minutes(f.minutes)
            );
        }
        if !a.never_overlapping.is_empty() {
            let parts: Vec<String> = a
                .never_overlapping
                .iter()
                .map(|o| {
                    let past = if o.tolerance_minutes > 0 {
                        format!(" past the {} tolerance", fmt_minutes(o.tolerance_minutes))
                    } else {
                        String::new()
                    };
                    format!(
                        "{} on {} ({}{})",
                        o.tasks.join(" + "),
                        o.system,
                        fmt_minutes(o.minutes),
                        past
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  outages that can never overlap: {} — together at least {}",
                crate::base::join_words(&parts),
                fmt_minutes(a.least_downtime_minutes)
            );
        }
        for g in &a.suggestions {
            let _ = writeln!(
                s,
                "  what if: {} → re-planned and checked: down {}, window {}",
                change_words(&g.change),
                fmt_minutes(g.downtime_minutes),
                fmt_minutes(g.window_minutes)
            );
        }
        if a.untried_changes > 0 {
            let why = match a.cut {
                Some(Cut::Interrupted) => "before Ctrl-C stopped the analysis",
                Some(Cut::WorkLimit) => "within the work allowed",
                _ => "within the time limit (3 × --time-limit in all)",
            };
            let _ = writeln!(
                s,
                "  what if: {} more change{} not re-planned {why} (they may lower its downtime; the floor above holds regardless)",
                a.untried_changes,
                if a.untried_changes == 1 { "" } else { "s" },
            );
        }
    }
    s
}

/// What each blocking schema change would save and cost done
/// expand/contract, in words (empty when there is none).
pub fn expand_contract_text(
    worth: &[crate::analysis::expand_contract::ExpandContractWorth],
) -> String {
    let mut s = String::new();
    for w in worth {
        let _ = writeln!(
            s,
            "blocking schema change {} on {} (takes down {}): written expand/contract (format 1.2)",
            w.task,
            w.database,
            w.app.join(", ")
        );
        match (w.as_written.planned(), w.expand_contract.planned()) {
            (Some(a), Some(b)) => {
                for g in w.saving.iter().filter(|g| g.saved_minutes != 0) {
                    let verb = if g.saved_minutes > 0 {
                        "saves"
                    } else {
                        "costs"
                    };
                    let _ = writeln!(
                        s,
                        "  {}: down {} instead of {} ({verb} {})",
                        g.service,
                        fmt_minutes(g.expand_contract_minutes),
                        fmt_minutes(g.as_written_minutes),
                        fmt_minutes(g.saved_minutes.abs())
                    );
                }
                if w.saving.iter().all(|g| g.saved_minutes == 0) {
                    let _ = writeln!(s, "  no service's downtime changes");
                }
                let _ = writeln!(
                    s,
                    "  costs: window {} instead of {} ({} plan), and {} more window for the contract{}",
                    fmt_minutes(b.length_minutes),
                    fmt_minutes(a.length_minutes),
                    b.status,
                    w.windows_added,
                    if w.windows_added_assumed {
                        " (assumed, not planned)"
                    } else {
                        ""
                    }
                );
            }
            (None, _) => {
                let _ = writeln!(
                    s,
                    "  not compared: the inventory as written has no plan ({})",
                    w.as_written.why_not().unwrap_or_default()
                );
            }
            (_, None) => {
                let _ = writeln!(
                    s,
                    "  the expand/contract form has no plan: {}",
                    w.expand_contract.why_not().unwrap_or_default()
                );
            }
        }
        for a in &w.assumptions {
            let _ = writeln!(s, "  assumed: {a}");
        }
    }
    s
}

/// A campaign's downtime per service in each used window and in total, for
/// `availability CAMPAIGN` without `--window`: `campaign` names it,
/// `source` says where its plan came from ("as given", "as planned
/// here"), `free` lists the windows left free.
pub fn campaign_text(
    d: &crate::analysis::campaign_downtime::CampaignDowntime,
    campaign: &str,
    source: &str,
    free: &[String],
) -> String {
    use crate::base::text::for_terminal;
    let mut rows: Vec<Vec<String>> = vec![std::iter::once("service".to_string())
        .chain(std::iter::once("weight".into()))
        .chain(d.windows.iter().map(|w| for_terminal(w).into_owned()))
        .chain(std::iter::once("total".into()))
        .collect()];
    for s in &d.services {
        rows.push(
            [for_terminal(&s.service).into_owned(), fmt_number(s.weight)]
                .into_iter()
                .chain(s.per_window_minutes.iter().map(|&m| fmt_minutes(m)))
                .chain(std::iter::once(fmt_minutes(s.total_minutes)))
                .collect(),
        );
    }
    rows.push(
        ["weighted".to_string(), String::new()]
            .into_iter()
            .chain(d.weighted_per_window.iter().map(|&w| fmt_number(w)))
            .chain(std::iter::once(fmt_number(d.weighted_total)))
            .collect(),
    );
    let cols = rows[0].len();
    let width: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = format!(
        "campaign {}: each service's downtime in each window used (the campaign plan {source})\n\n",
        for_terminal(campaign)
    );
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = width[c])
                } else {
                    format!("{cell:>w$}", w = width[c])
                }
            })
            .collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
    }
    if d.services.is_empty() {
        s.push_str("(the campaign lists no services)\n");
    }
    if !free.is_empty() {
        let _ = writeln!(s, "windows left free: {}", for_terminal(&free.join(", ")));
    }
    s.push_str("max_downtime holds per window. Each window's floors, single points of failure and what would bring its downtime to zero: `windowplan availability CAMPAIGN --window ID`\n");
    s
}

/// [`campaign_text`] as JSON (`windowplan-campaign-availability/1`), with
/// the campaign's name, where its plan came from (`given`, `planned`) and
/// the windows left free.
pub fn campaign_json(
    d: &crate::analysis::campaign_downtime::CampaignDowntime,
    campaign: &str,
    plan: &str,
    free: &[String],
) -> String {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    v["campaign"] = serde_json::Value::String(campaign.to_string());
    v["plan"] = serde_json::Value::String(plan.to_string());
    v["windows_free"] = serde_json::json!(free);
    let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
    t.push('\n');
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::availability::ServiceFloor;

    #[test]
    fn the_verdict_in_one_line() {
        let mut v = DowntimeVerdict {
            weighted_downtime: 350.0,
            weighted_floor: 350.0,
            proven: true,
            services: vec![ServiceFloor {
                service: "payments".into(),
                downtime_minutes: 35,
                floor_minutes: 35,
            }],
        };
        assert_eq!(
            verdict_text(&v),
            "downtime: weighted 350 (payments 35m, floor 35m); no plan can have less than 350: proven least"
        );
        v.proven = false;
        v.weighted_floor = 12.5;
        v.services.clear();
        assert_eq!(
            verdict_text(&v),
            "downtime: weighted 350 (no service down); not proven least: the least possible lies between 12.5 and 350"
        );
    }
}
