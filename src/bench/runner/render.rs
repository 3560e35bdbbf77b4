//! A benchmark report written out: the per-set text table, JSON, the
//! per-instance CSV and the progress line of each instance.

use super::{BenchReport, InstanceResult, SetSummary};
use std::io::Write;

/// Header of the per-instance CSV.
pub const CSV_HEADER: &str = "set,instance,activities,status,makespan,lower_bound,cp_bound,\
ref_makespan,ref_status,dev_ref_pct,dev_cp_pct,matched_ref,proven_optimal,time_s,violations,conflicts,detail";

/// An optional value as a table or CSV cell: blank when absent.
pub(super) fn or_blank<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"").replace('\n', " "))
    } else {
        s.to_string()
    }
}

/// One per-instance CSV row (no newline).
pub fn csv_row(r: &InstanceResult) -> String {
    let detail: Vec<&str> = r
        .violations
        .iter()
        .chain(&r.conflicts)
        .map(String::as_str)
        .chain((!r.note.is_empty()).then_some(r.note.as_str()))
        .take(5)
        .collect();
    [
        csv_field(&r.set),
        csv_field(&r.instance),
        r.activities.to_string(),
        r.status.as_str().to_string(),
        or_blank(r.makespan),
        or_blank(r.lower_bound),
        or_blank(r.cp_bound),
        or_blank(r.reference.and_then(|x| x.makespan)),
        r.reference
            .map(|x| format!("{:?}", x.status).to_ascii_lowercase())
            .unwrap_or_default(),
        or_blank(r.dev_ref_pct.map(|x| format!("{x:.4}"))),
        or_blank(r.dev_cp_pct.map(|x| format!("{x:.4}"))),
        (r.matched_reference as u8).to_string(),
        (r.proven_optimal as u8).to_string(),
        format!("{:.3}", r.time_s),
        r.violations.len().to_string(),
        r.conflicts.len().to_string(),
        csv_field(&detail.join(" | ")),
    ]
    .join(",")
}

/// Writes the per-instance CSV (header and one row per instance).
pub fn write_instances_csv(report: &BenchReport, mut w: impl Write) -> std::io::Result<()> {
    writeln!(w, "{CSV_HEADER}")?;
    for r in &report.instances {
        writeln!(w, "{}", csv_row(r))?;
    }
    Ok(())
}

pub(super) fn progress_line(r: &InstanceResult) -> String {
    format!(
        "{}/{}: {} makespan {} bound {} cp {} ref {} {:.2}s{}",
        r.set,
        r.instance,
        r.status.as_str(),
        or_blank(r.makespan),
        or_blank(r.lower_bound),
        or_blank(r.cp_bound),
        or_blank(r.reference.and_then(|x| x.makespan)),
        r.time_s,
        if r.failed() { "  FAILED" } else { "" }
    )
}

/// The report as JSON (pretty-printed).
pub fn render_json(report: &BenchReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The per-set summary as a text table, followed by the failures if any.
pub fn render_table(report: &BenchReport) -> String {
    let mut out = format!(
        "benchmark {} — time limit {}, seed {}, threads {}\n",
        report.format,
        crate::base::fmt_duration(std::time::Duration::from_secs_f64(report.time_limit_s)),
        report.seed,
        report.threads
    );
    out.push_str(&set_table(report));
    out.push_str(&outcome_lines(&report.total));
    let failures = report.failures();
    if failures.is_empty() {
        out.push_str("all schedules verified\n");
    } else {
        out.push_str(&format!("FAILED: {} instance(s)\n", failures.len()));
        for f in failures.iter().take(20) {
            out.push_str(&format!("  {f}\n"));
        }
    }
    out
}

/// One row per set (and the total when there are several), aligned.
fn set_table(report: &BenchReport) -> String {
    let mut out = String::new();
    let head = [
        "set",
        "inst",
        "solved",
        "dev_ref%",
        "dev_cp%",
        "matched",
        "optimal",
        "infeasible",
        "not_found",
        "mean_s",
        "max_s",
        "violations",
        "conflicts",
        "panics",
        "overtime",
    ];
    let two_decimals = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
    let row = |s: &SetSummary| -> Vec<String> {
        vec![
            s.set.clone(),
            s.instances.to_string(),
            s.solved.to_string(),
            two_decimals(s.mean_dev_ref_pct),
            two_decimals(s.mean_dev_cp_pct),
            format!("{}/{}", s.matched_reference, s.with_reference),
            s.proven_optimal.to_string(),
            if s.infeasible_expected > 0 {
                format!("{}/{}", s.infeasible_detected, s.infeasible_expected)
            } else {
                s.infeasible_detected.to_string()
            },
            s.not_found.to_string(),
            format!("{:.2}", s.mean_time_s),
            format!("{:.2}", s.max_time_s),
            s.violations.to_string(),
            s.conflicts.to_string(),
            s.panics.to_string(),
            s.over_time_limit.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    rows.extend(report.sets.iter().map(row));
    if report.sets.len() > 1 {
        rows.push(row(&report.total));
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    format!("{s:<w$}", w = widths[c])
                } else {
                    format!("{s:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
            out.push('\n');
        }
    }
    out
}

/// The three outcomes, and what the repeat and one-thread checks found.
fn outcome_lines(total: &SetSummary) -> String {
    let mut out = String::new();
    // The three outcomes mean different things: say which is which.
    out.push_str(&format!(
        "outcomes: {} solved, {} proven infeasible, {} not found within the time limit (not proven impossible)\n",
        total.solved, total.infeasible_detected, total.not_found
    ));
    if total.repeated > 0 {
        out.push_str(&format!(
            "repeat check: {} instances solved twice; {} differed{}\n",
            total.repeated,
            total.not_reproducible + total.differed_wall_decided,
            if total.differed_wall_decided > 0 {
                format!(
                    " ({} after the wall clock ended a run on a busy machine: not counted as failures)",
                    total.differed_wall_decided
                )
            } else {
                String::new()
            }
        ));
    }
    if total.compared_one_thread > 0 {
        out.push_str(&format!(
            "one-thread check: {} instances; one thread better on {}{}, worse on {}, equal on {}\n",
            total.compared_one_thread,
            total.worse_than_one_thread,
            if total.worse_wall_decided > 0 {
                format!(
                    " ({} after the wall clock ended the one-thread run on a busy machine: not counted as failures)",
                    total.worse_wall_decided
                )
            } else {
                String::new()
            },
            total.better_than_one_thread,
            total.compared_one_thread - total.worse_than_one_thread - total.better_than_one_thread
        ));
    }
    out
}
