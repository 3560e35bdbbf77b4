//! `export --format argo`: an Argo Workflows `Workflow` whose DAG holds
//! every precedence of the plan and every order the plan imposes for
//! capacity (see [`super::order`]), so it cannot run two things the plan
//! keeps apart. Each change is a manual step (a `suspend` node the operator
//! resumes when the change is done, or a template the user replaces with
//! automation); a positive lag is a `suspend` node of that length between
//! two steps; a task that must not start before its planned time waits on a
//! gate, a `suspend` node from the workflow's start lasting its planned
//! start minute (the workflow is submitted at the window start).

use super::order::{settle_gates, NightOrder, Why};
use super::{length_line, runbook_lines, slug, yaml_str, Export, ExportFile, Refused};
use crate::base::{fmt_minutes, Time};
use crate::inventory::Inventory;
use std::collections::HashSet;
use std::fmt::Write as _;

/// The longest name Argo accepts for a DAG task that we generate.
const MAX_NAME: usize = 63;

/// The Workflow for the checked plan `starts`.
pub fn export(inv: &Inventory, starts: &[Time]) -> Result<Export, Refused> {
    let n = inv.tasks.len();
    let order = NightOrder::of(inv, starts);
    let (gated, replay) = settle_gates(inv, vec![false; n], &|g| order.replay(inv, starts, g))
        .map_err(|violations| Refused {
            reason: "the plan's order replayed with its durations breaks a rule".into(),
            violations,
        })?;
    let mut taken = HashSet::new();
    let names: Vec<String> = inv
        .tasks
        .iter()
        .map(|t| slug(&t.id, MAX_NAME, &mut taken))
        .collect();
    let clock = |m: Time| crate::plan::clock(&inv.window, m);
    let mut deps: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut why_lines: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut lag_nodes = String::new();
    for e in &order.edges {
        let from = &inv.tasks[e.from].id;
        let why = match &e.why {
            Why::After => format!("after {from}"),
            Why::Capacity(r) => format!("after {from}: the plan keeps them apart on {r}"),
            Why::Apart(d) => format!("after {from}: never down together ({d})"),
        };
        if e.lag > 0 {
            let lag = slug(
                &format!("lag-{}-{}", names[e.from], names[e.to]),
                MAX_NAME,
                &mut taken,
            );
            let _ = write!(
                lag_nodes,
                "          # {} waits {} after {} ends\n          - name: {lag}\n            template: wait\n            dependencies: [{}]\n            arguments:\n              parameters:\n                - name: minutes\n                  value: \"{}m\"\n",
                inv.tasks[e.to].id,
                fmt_minutes(e.lag),
                from,
                names[e.from],
                e.lag
            );
            deps[e.to].push(lag);
            why_lines[e.to].push(format!(
                "{why}, {} later (suspend node)",
                fmt_minutes(e.lag)
            ));
        } else {
            deps[e.to].push(names[e.from].clone());
            why_lines[e.to].push(why);
        }
    }
    let mut gate_nodes = String::new();
    let mut gates = 0;
    for t in 0..n {
        if gated[t] && starts[t] > 0 {
            gates += 1;
            let gate = slug(&format!("gate-{}", names[t]), MAX_NAME, &mut taken);
            let _ = write!(
                gate_nodes,
                "          # {} starts no earlier than its planned {}\n          - name: {gate}\n            template: wait\n            arguments:\n              parameters:\n                - name: minutes\n                  value: \"{}m\"\n",
                inv.tasks[t].id,
                clock(starts[t]),
                starts[t]
            );
            deps[t].push(gate);
            why_lines[t].push(format!("not before {} (gate)", clock(starts[t])));
        }
    }
    let mut out = header(inv, starts, order.edges.len(), gates);
    for &t in &order.topo {
        let task = &inv.tasks[t];
        let _ = writeln!(
            out,
            "          # {} — plan {}–{} ({})",
            task.id,
            clock(starts[t]),
            clock(starts[t] + task.duration),
            fmt_minutes(task.duration)
        );
        let runbook = runbook_lines(inv, task);
        for line in runbook.iter().chain(&why_lines[t]) {
            let _ = writeln!(out, "          #   {}", line.replace('\n', " "));
        }
        let _ = writeln!(
            out,
            "          - name: {}\n            template: change",
            names[t]
        );
        if !deps[t].is_empty() {
            let _ = writeln!(out, "            dependencies: [{}]", deps[t].join(", "));
        }
        let _ = write!(
            out,
            "            arguments:\n              parameters:\n                - name: task\n                  value: {}\n                - name: planned\n                  value: {}\n                - name: runbook\n                  value: {}\n",
            yaml_str(&task.id),
            yaml_str(&format!(
                "{}–{} ({})",
                crate::plan::rfc3339(&inv.window, starts[t]),
                crate::plan::rfc3339(&inv.window, starts[t] + task.duration),
                fmt_minutes(task.duration)
            )),
            yaml_str(&runbook.join("\n"))
        );
    }
    out.push_str(&lag_nodes);
    out.push_str(&gate_nodes);
    out.push_str(TEMPLATES);
    let summary = format!(
        "{}{} DAG edges, {} gates (tasks held to their planned start)\n",
        length_line(inv, starts, &replay, "the workflow's steps"),
        order.edges.len(),
        gates
    );
    Ok(Export {
        files: vec![ExportFile {
            path: String::new(),
            text: out,
            keep_existing: false,
        }],
        summary,
        replay,
    })
}

/// The comment block, the Workflow's metadata and the DAG's opening.
fn header(inv: &Inventory, starts: &[Time], edges: usize, gates: usize) -> String {
    let w = &inv.window;
    let title = w
        .meta
        .title
        .clone()
        .unwrap_or_else(|| "maintenance window".into());
    let mut taken = HashSet::new();
    let name = slug(
        &format!("windowplan-{}", w.meta.change.as_deref().unwrap_or("night")),
        40,
        &mut taken,
    );
    let mut s = super::header_comments(inv, starts, "Argo Workflows Workflow", Some(&title));
    let _ = writeln!(
        s,
        "# Submit it at the window start: gates count their minutes from the submission."
    );
    let _ = writeln!(
        s,
        "# Order: {edges} dependencies hold every precedence of the plan and, for two"
    );
    let _ = writeln!(
        s,
        "# changes the plan keeps apart on a system, team, cluster, zone or DR pair, the"
    );
    let _ = writeln!(
        s,
        "# earlier before the later (reduced: none is implied by the others)."
    );
    let _ = writeln!(
        s,
        "# Timing: a lag is a suspend node of that length between the two changes; {gates}"
    );
    let _ = writeln!(
        s,
        "# changes wait on a gate (a suspend node lasting their planned start minute)"
    );
    let _ = writeln!(
        s,
        "# because their window, a blackout, team hours, a maximum lag or a service's"
    );
    let _ = writeln!(
        s,
        "# downtime needs them no earlier than planned. A maximum lag is not enforced:"
    );
    let _ = writeln!(s, "# it holds with the planned durations only.");
    let _ = writeln!(
        s,
        "# Each change is the `change` template: a manual step resumed when done"
    );
    let _ = writeln!(
        s,
        "# (`argo resume`); replace that template with your automation."
    );
    let _ = write!(
        s,
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: {name}-\n  annotations:\n    windowplan/window-start: {}\n    windowplan/title: {}\nspec:\n  entrypoint: night\n  templates:\n    - name: night\n      dag:\n        tasks:\n",
        yaml_str(&crate::plan::rfc3339(w, 0)),
        yaml_str(&title)
    );
    s
}

/// The step templates: a change (manual, resumed when done) and a wait.
const TEMPLATES: &str = "    - name: change
      inputs:
        parameters:
          - name: task
          - name: planned
          - name: runbook
      suspend: {}
    - name: wait
      inputs:
        parameters:
          - name: minutes
      suspend:
        duration: \"{{inputs.parameters.minutes}}\"
";
