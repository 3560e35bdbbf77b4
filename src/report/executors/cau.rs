//! `export --format cau`: one `Invoke-CauRun` per `cluster:` task of the
//! inventory (the failover cluster whose members it runs on), in a
//! PowerShell script. CAU updates one node at a time: `-NodeOrder` is the order in
//! which the plan starts the members, `-MaxFailedNodes 0` stops the run at
//! the first failure, and a pre-update script holds each node until its
//! planned start. The members' tasks keep their planned offsets inside a
//! node's turn; a member whose turn the plan overlaps with the previous
//! member's waits for it, and the export is refused when that breaks a rule.

use super::{length_line, runbook_lines, Export, ExportFile, Refused};
use crate::base::{fmt_minutes, Time};
use crate::inventory::Inventory;
use std::fmt::Write as _;

/// One CAU run: a `cluster:` task of the inventory on a cluster, its
/// members in the plan's order, each with its activities (steps) and its
/// planned turn.
struct Run {
    cluster: usize,
    /// The task of the inventory (`cluster:` task) the run carries out.
    task: String,
    /// (member system index, tasks, planned start, planned end).
    nodes: Vec<(usize, Vec<usize>, Time, Time)>,
}

/// The CAU runs of the plan: one per task expanded on the members of a
/// cluster, in the order the plan starts them.
fn runs(inv: &Inventory, starts: &[Time]) -> Vec<Run> {
    let mut by_parent: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (t, task) in inv.tasks.iter().enumerate() {
        if task.member.is_some() && task.systems.len() == 1 {
            by_parent.entry(task.parent.as_str()).or_default().push(t);
        }
    }
    let mut out = Vec::new();
    for (parent, tasks) in by_parent {
        let mut members: Vec<usize> = tasks.iter().map(|&t| inv.tasks[t].systems[0]).collect();
        members.sort_unstable();
        members.dedup();
        let cluster = inv.clusters.iter().position(|c| {
            let mut m = c.members.clone();
            m.sort_unstable();
            m == members
        });
        let Some(c) = cluster else { continue };
        let mut nodes: Vec<(usize, Vec<usize>, Time, Time)> = Vec::new();
        for &m in &inv.clusters[c].members {
            let mut mine: Vec<usize> = tasks
                .iter()
                .copied()
                .filter(|&t| inv.tasks[t].systems[0] == m)
                .collect();
            if mine.is_empty() {
                continue;
            }
            mine.sort_by_key(|&t| (starts[t], t));
            let from = mine.iter().map(|&t| starts[t]).min().unwrap_or(0);
            let to = mine
                .iter()
                .map(|&t| starts[t] + inv.tasks[t].duration)
                .max()
                .unwrap_or(0);
            nodes.push((m, mine, from, to));
        }
        nodes.sort_by_key(|n| (n.2, n.3, n.0));
        out.push(Run {
            cluster: c,
            task: parent.to_string(),
            nodes,
        });
    }
    out.sort_by_key(|r| (r.nodes.first().map_or(0, |n| n.2), r.cluster));
    out
}

/// The replay of the runs: each node's turn starts at its planned start or
/// when the previous node's turn ends, whichever is later; its tasks keep
/// their offsets; every other task keeps its planned start.
fn replay(starts: &[Time], runs: &[Run]) -> Vec<Time> {
    let mut at = starts.to_vec();
    for run in runs {
        let mut prev_end: Option<Time> = None;
        for (_, tasks, from, to) in &run.nodes {
            let shift = prev_end.map_or(0, |p| (p - from).max(0));
            for &t in tasks {
                at[t] = starts[t] + shift;
            }
            prev_end = Some(to + shift);
        }
    }
    at
}

/// The PowerShell script for the checked plan `starts`.
pub fn export(inv: &Inventory, starts: &[Time]) -> Result<Export, Refused> {
    let runs = runs(inv, starts);
    if runs.is_empty() {
        return Err(Refused {
            reason: "no task of the plan runs on the members of a cluster: there is nothing for Cluster-Aware Updating to run (give tasks `cluster: ID`)".into(),
            violations: Vec::new(),
        });
    }
    let at = replay(starts, &runs);
    let violations = crate::check::check(inv, &at);
    if !violations.is_empty() {
        let mut overlapping: Vec<String> = Vec::new();
        for r in runs
            .iter()
            .filter(|r| r.nodes.windows(2).any(|w| w[1].2 < w[0].3))
        {
            let id = &inv.clusters[r.cluster].id;
            if !overlapping.contains(id) {
                overlapping.push(id.clone());
            }
        }
        return Err(Refused {
            reason: format!(
                "Cluster-Aware Updating updates one node at a time, but the plan updates several members at once on {}; one node at a time the night breaks these rules (plan the cluster with `max_unavailable: 1`, or use --format ansible or argo)",
                crate::base::join_words(&overlapping)
            ),
            violations,
        });
    }
    let mut s = header(inv, starts);
    for (k, run) in runs.iter().enumerate() {
        cluster_run(&mut s, inv, &at, run, k + 1);
    }
    let mut summary = length_line(inv, starts, &at, "the CAU runs");
    let elsewhere = inv.tasks.len()
        - runs
            .iter()
            .flat_map(|r| &r.nodes)
            .map(|n| n.1.len())
            .sum::<usize>();
    let _ = writeln!(
        summary,
        "{} CAU run(s); {elsewhere} tasks are not on a cluster and are not run by CAU (they are named in the script's comments)",
        runs.len()
    );
    let _ = writeln!(s, "# Not run by CAU (run them as the plan says):");
    let in_runs: std::collections::HashSet<usize> = runs
        .iter()
        .flat_map(|r| &r.nodes)
        .flat_map(|n| n.1.iter().copied())
        .collect();
    let clock = |m: Time| crate::plan::clock(&inv.window, m);
    for (t, task) in inv.tasks.iter().enumerate() {
        if !in_runs.contains(&t) {
            let _ = writeln!(
                s,
                "#   {} {}–{}",
                task.id,
                clock(starts[t]),
                clock(starts[t] + task.duration)
            );
        }
    }
    Ok(Export {
        files: vec![ExportFile {
            path: String::new(),
            text: s,
            keep_existing: false,
        }],
        summary,
        replay: at,
    })
}

/// A PowerShell single-quoted string.
fn ps_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The script's opening: what it does, its parameter and the wait helper.
fn header(inv: &Inventory, starts: &[Time]) -> String {
    let title = inv.window.meta.title.as_deref();
    let mut s = super::header_comments(inv, starts, "Windows Cluster-Aware Updating runs", title);
    s.push_str(
        "# Each cluster is updated one node at a time in the plan's order (-NodeOrder),
# stopping at the first failed node (-MaxFailedNodes 0). Each run starts at its
# planned time, and a pre-update script (written to -ScriptShare, which every
# node must read) holds each node until its planned start. Allow the
# pre-update script time to wait (CAU's script timeout). Node names are the
# inventory's system ids.
param(
    [Parameter(Mandatory = $true)]
    [string] $ScriptShare
)
$ErrorActionPreference = 'Stop'

function Wait-Until([DateTimeOffset] $At) {
    $wait = $At - [DateTimeOffset]::Now
    if ($wait -gt [TimeSpan]::Zero) {
        Start-Sleep -Seconds ([int][Math]::Ceiling($wait.TotalSeconds))
    }
}

",
    );
    s
}

/// One cluster's block: its plan in comments, the pre-update script, the wait
/// for its first node and the `Invoke-CauRun` command.
fn cluster_run(s: &mut String, inv: &Inventory, at: &[Time], run: &Run, number: usize) {
    let cluster = &inv.clusters[run.cluster];
    let clock = |m: Time| crate::plan::clock(&inv.window, m);
    let rfc = |m: Time| crate::plan::rfc3339(&inv.window, m);
    let node_ids: Vec<&str> = run
        .nodes
        .iter()
        .map(|n| inv.systems[n.0].id.as_str())
        .collect();
    let _ = writeln!(
        s,
        "# ---- run {number}: {} on cluster {} ({} nodes, one at a time) ----",
        run.task,
        cluster.id,
        node_ids.len()
    );
    for (m, tasks, from, to) in &run.nodes {
        let _ = writeln!(
            s,
            "# {}: planned {}–{}",
            inv.systems[*m].id,
            clock(*from),
            clock(*to)
        );
        for &t in tasks {
            let task = &inv.tasks[t];
            let _ = writeln!(
                s,
                "#   {} {}–{} ({})",
                task.id,
                clock(at[t]),
                clock(at[t] + task.duration),
                fmt_minutes(task.duration)
            );
            for line in runbook_lines(inv, task) {
                let _ = writeln!(s, "#     {}", line.replace('\n', " "));
            }
        }
    }
    let var = format!("$preUpdate{number}");
    let _ = writeln!(
        s,
        "{var} = Join-Path $ScriptShare {}",
        ps_str(&format!("windowplan-preupdate-{number}-{}.ps1", cluster.id))
    );
    s.push_str("@'\n# windowplan: hold this node until its planned start.\n$planned = @{\n");
    for (m, _, from, _) in &run.nodes {
        let _ = writeln!(
            s,
            "    {} = {}",
            ps_str(&inv.systems[*m].id.to_uppercase()),
            ps_str(&rfc(*from))
        );
    }
    s.push_str(
        "}
$at = $planned[$env:COMPUTERNAME.ToUpper()]
if ($at) {
    $wait = [DateTimeOffset]::Parse($at) - [DateTimeOffset]::Now
    if ($wait -gt [TimeSpan]::Zero) { Start-Sleep -Seconds ([int][Math]::Ceiling($wait.TotalSeconds)) }
}
",
    );
    let _ = writeln!(s, "'@ | Set-Content -Path {var} -Encoding UTF8");
    let first = run.nodes.first().map(|n| n.2).unwrap_or(0);
    let _ = writeln!(
        s,
        "Wait-Until ([DateTimeOffset]::Parse({}))",
        ps_str(&rfc(first))
    );
    let order: Vec<String> = node_ids.iter().map(|n| ps_str(n)).collect();
    let _ = writeln!(
        s,
        "Invoke-CauRun -ClusterName {} -NodeOrder {} -MaxFailedNodes 0 -MaxRetriesPerNode 1 -RequireAllNodesOnline -PreUpdateScript {var} -Force\n",
        ps_str(&cluster.id),
        order.join(",")
    );
}
