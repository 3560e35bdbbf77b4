//! The window-risk report (`windowplan risk`) for the terminal and as
//! JSON. The simulation itself is `analysis::risk`.

use crate::analysis::budget::Cut;
use crate::analysis::risk::RiskReport;
use crate::base::fmt_minutes;
use crate::base::Time;
use crate::inventory::Inventory;
use crate::plan::clock;
use std::fmt::Write;

/// The report for the terminal; `inv` gives wall-clock times.
pub fn text(report: &RiskReport, inv: &Inventory) -> String {
    let w = &inv.window;
    let at = |m: Option<Time>| match m {
        Some(m) => format!("{} (ends {})", fmt_minutes(m), clock(w, m)),
        None => "not reached (some task cannot be placed)".into(),
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "window risk: {} samples, seed {}, {} of {} tasks with a three-point duration",
        report.samples,
        report.seed,
        report.uncertain_tasks,
        inv.tasks.len()
    );
    if let Some(cut) = report.cut {
        let why = match cut {
            Cut::TimeLimit => "before the time limit (--time-limit)",
            Cut::Interrupted => "before Ctrl-C stopped it",
            Cut::WorkLimit => "within the work allowed",
        };
        let _ = writeln!(
            s,
            "only {} of the {} samples asked for were drawn {why}: the figures are those of --samples {} (the first samples of the seed)",
            report.samples, report.samples_asked, report.samples
        );
    }
    let _ = writeln!(
        s,
        "planned (likely durations): {}",
        at(Some(report.planned_minutes))
    );
    if report.retimed_likely_minutes != Some(report.planned_minutes) {
        let _ = writeln!(
            s,
            "plan order re-timed, likely durations: {}",
            at(report.retimed_likely_minutes)
        );
    }
    match (report.mean_minutes, report.mean_placed_minutes) {
        (Some(m), _) => {
            let _ = writeln!(s, "mean: {m:.1}m");
        }
        (None, Some(m)) => {
            let _ = writeln!(
                s,
                "mean: not defined ({} of {} samples never finish); mean of the {} that do: {m:.1}m",
                report.unplaceable, report.samples, report.placed_samples
            );
        }
        (None, None) => {}
    }
    let _ = writeln!(s, "P50: {}", at(report.p50_minutes));
    let _ = writeln!(s, "P80: {}", at(report.p80_minutes));
    let _ = writeln!(s, "P95: {}", at(report.p95_minutes));
    match (report.deadline_minutes, report.p_deadline) {
        (Some(d), Some(p)) => {
            let _ = writeln!(
                s,
                "P(done by the deadline {}): {:.1}% ({} of {} samples)",
                clock(w, d),
                // Rounded down, so that 1999 of 2000 does not read 100%.
                (1000.0 * p).floor() / 10.0,
                (p * report.samples as f64).round() as usize,
                report.samples
            );
        }
        _ => {
            let _ = writeln!(s, "no deadline");
        }
    }
    if report.unplaceable > 0 {
        let who: Vec<String> = report
            .unplaceable_tasks
            .iter()
            .map(|c| format!("{} ({:.1}%)", c.task, 100.0 * c.share))
            .collect();
        let _ = writeln!(
            s,
            "{} sample(s) could not be re-timed in the plan's order (counted as missing the deadline); stuck at: {}",
            report.unplaceable,
            who.join(", ")
        );
    }
    if report.downtime_limit_breaks > 0 {
        let _ = writeln!(
            s,
            "{} sample(s) took a service over its max_downtime (outages that ran long; the re-timing keeps apart the outages the plan kept apart):",
            report.downtime_limit_breaks
        );
        for b in &report.services_over_limit {
            let _ = writeln!(
                s,
                "  {}: over its {} in {} of {} samples ({:.1}%), up to {}",
                b.service,
                fmt_minutes(b.max_downtime_minutes),
                b.samples,
                report.samples,
                100.0 * b.share,
                fmt_minutes(b.worst_minutes)
            );
        }
    }
    if !report.critical.is_empty() {
        let _ = writeln!(s, "most often on the critical chain:");
        for c in &report.critical {
            let _ = writeln!(s, "  {:>5.1}%  {}", 100.0 * c.share, c.task);
        }
    }
    s
}

/// The report as pretty-printed JSON, with a final newline.
pub fn json(report: &RiskReport) -> String {
    serde_json::to_string_pretty(report).expect("report serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::risk::{simulate, RiskOptions};

    #[test]
    fn services_over_their_limit_and_an_undefined_mean_are_said() {
        let yaml = "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
             systems: [{ id: s }, { id: t }, { id: u }]\n\
             services:\n\
               - { id: shop, requires: [s], max_downtime: 30m }\n\
             tasks:\n\
               - { id: a, system: s, duration: { min: 10m, likely: 20m, max: 40m } }\n\
               - { id: c, system: t, duration: { min: 10m, likely: 20m, max: 40m }, windows: [2026-12-05T22:00/2026-12-05T22:30] }\n\
               - { id: d, system: u, duration: 5m }\n";
        let inv =
            crate::pipeline::load_inventory_str(yaml, crate::inventory::Format::Yaml, "t").unwrap();
        let opts = RiskOptions {
            samples: 2000,
            seed: 5,
        };
        let r = simulate(&inv, &[0, 0, 0], &opts);
        assert!(!r.services_over_limit.is_empty() && r.unplaceable > 0);
        let out = text(&r, &inv);
        assert!(out.contains("shop: over its 30m in"), "{out}");
        assert!(out.contains("mean: not defined"), "{out}");
        assert!(
            out.starts_with("window risk: 2000 samples, seed 5, 2 of 3 tasks"),
            "{out}"
        );
        let v: serde_json::Value = serde_json::from_str(&json(&r)).unwrap();
        assert_eq!(v["samples"], 2000);
    }
}
