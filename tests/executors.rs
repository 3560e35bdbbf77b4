//! `windowplan export --plan PLAN --format ansible|cau|argo`: each export
//! of a saved plan is parsed (Ansible with the real `ansible-playbook
//! --syntax-check` when installed, Argo and CAU structurally), and the order
//! it encodes is replayed here, from the exported text alone, with the
//! plan's durations: waves in sequence (Ansible), DAG edges and suspend
//! nodes (Argo), one node at a time (CAU). Every replay must be accepted by
//! `windowplan check`. A plan that breaks a rule is refused (exit 1, nothing
//! written) and bad arguments give exit 2.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The inventories exported in every test. `servicenow/inventory.yaml` is
/// the README's worked import (tests/import.rs imports and fills it in), so
/// the whole path CMDB -> inventory -> plan -> executor is covered.
const INVENTORIES: &[&str] = &[
    "quickstart.yaml",
    "payments.yaml",
    "night/patch-night.yaml",
    "bank.yaml",
    "servicenow/inventory.yaml",
];

/// A saved plan of `inventory` in `dir`.
fn saved_plan(dir: &tempfile::TempDir, inventory: &Path) -> (PathBuf, Value) {
    let plan = dir.path().join("plan.json");
    plan_one_thread("2s")
        .args(["-q", "--format", "json", "-o"])
        .arg(&plan)
        .arg(inventory)
        .assert()
        .success();
    let v = read_json(&plan);
    (plan, v)
}

/// `export INVENTORY --plan PLAN --format FORMAT -o OUT`.
fn export(inventory: &Path, plan: &Path, format: &str, out: &Path) -> Run {
    run(windowplan()
        .arg("export")
        .arg(inventory)
        .arg("--plan")
        .arg(plan)
        .args(["--format", format, "-o"])
        .arg(out))
}

/// Planned duration in minutes per task id.
fn durations(plan: &Value) -> HashMap<String, i64> {
    plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let d = t["end_minute"].as_i64().unwrap() - t["start_minute"].as_i64().unwrap();
            (t["id"].as_str().unwrap().to_string(), d)
        })
        .collect()
}

/// Writes the replay as a plan file and asserts `windowplan check` accepts it.
#[track_caller]
fn assert_checked(inventory: &Path, starts: &BTreeMap<String, i64>, what: &str) {
    let tasks: Vec<Value> = starts
        .iter()
        .map(|(id, s)| json!({ "id": id, "start_minute": s }))
        .collect();
    let (_dir, path) = temp_file(
        "replay.json",
        serde_json::to_string(&json!({ "format": "windowplan-plan/1", "tasks": tasks })).unwrap(),
    );
    let r = run(windowplan().arg("check").arg(inventory).arg(&path));
    assert_eq!(
        r.code,
        Some(0),
        "{what}: the replay of {} breaks a rule:\n{}{}",
        inventory.display(),
        r.stdout_text(),
        r.stderr
    );
}

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `"95m"` → 95.
fn minutes(text: &str) -> i64 {
    text.strip_suffix('m').unwrap().parse().unwrap()
}

/// The Argo Workflow's structure (what the Workflow CRD requires of a DAG
/// workflow, and Argo's rules on DAG task names), then its replay: every
/// node at the earliest start its dependencies allow.
fn argo_replay(wf: &Value, plan: &Value) -> BTreeMap<String, i64> {
    assert_eq!(wf["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(wf["kind"], "Workflow");
    assert!(wf["metadata"]["generateName"]
        .as_str()
        .unwrap()
        .ends_with('-'));
    let templates = wf["spec"]["templates"].as_array().unwrap();
    let by_name: HashMap<&str, &Value> = templates
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t))
        .collect();
    let entry = wf["spec"]["entrypoint"].as_str().unwrap();
    let tasks = by_name[entry]["dag"]["tasks"].as_array().unwrap();
    let names: HashMap<&str, &Value> = tasks
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t))
        .collect();
    assert_eq!(names.len(), tasks.len(), "DAG task names are unique");
    let durations = durations(plan);
    // Each node: its dependencies and its length.
    let mut nodes: HashMap<&str, (Vec<&str>, i64, Option<String>)> = HashMap::new();
    for t in tasks {
        let name = t["name"].as_str().unwrap();
        assert!(name.len() <= 63 && name.starts_with(|c: char| c.is_ascii_lowercase()));
        assert!(name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        let template = by_name[t["template"].as_str().unwrap()];
        let deps: Vec<&str> = t["dependencies"]
            .as_array()
            .map(|d| d.iter().map(|x| x.as_str().unwrap()).collect())
            .unwrap_or_default();
        for d in &deps {
            assert!(names.contains_key(d), "{name} depends on unknown {d}");
        }
        let params: HashMap<&str, &str> = t["arguments"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["value"].as_str().unwrap()))
            .collect();
        for input in template["inputs"]["parameters"].as_array().unwrap() {
            assert!(params.contains_key(input["name"].as_str().unwrap()));
        }
        assert!(template.get("suspend").is_some());
        let node = if let Some(id) = params.get("task") {
            (deps, durations[*id], Some(id.to_string()))
        } else {
            (deps, minutes(params["minutes"]), None)
        };
        nodes.insert(name, node);
    }
    // Earliest starts; a cycle leaves a node unresolved.
    let mut start: HashMap<&str, i64> = HashMap::new();
    while start.len() < nodes.len() {
        let before = start.len();
        for (name, (deps, _, _)) in &nodes {
            if start.contains_key(name) || !deps.iter().all(|d| start.contains_key(d)) {
                continue;
            }
            let s = deps
                .iter()
                .map(|d| start[d] + nodes[d].1)
                .max()
                .unwrap_or(0);
            start.insert(name, s);
        }
        assert!(start.len() > before, "the DAG has a cycle");
    }
    let replay: BTreeMap<String, i64> = nodes
        .iter()
        .filter_map(|(name, (_, _, id))| id.clone().map(|id| (id, start[name])))
        .collect();
    assert_eq!(replay.len(), durations.len(), "every task is a DAG node");
    replay
}

/// Two tasks on one system that the plan does not overlap are ordered in
/// the DAG (one reaches the other).
fn assert_apart_pairs_ordered(wf: &Value, plan: &Value) {
    let tasks = wf["spec"]["templates"][0]["dag"]["tasks"]
        .as_array()
        .unwrap();
    let mut node_of: HashMap<String, String> = HashMap::new();
    let mut deps: HashMap<String, Vec<String>> = HashMap::new();
    for t in tasks {
        let name = t["name"].as_str().unwrap().to_string();
        if let Some(p) = t["arguments"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "task")
        {
            node_of.insert(p["value"].as_str().unwrap().to_string(), name.clone());
        }
        let d = t["dependencies"]
            .as_array()
            .map(|d| d.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        deps.insert(name, d);
    }
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![to.to_string()];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if n == from {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(deps[&n].iter().cloned());
            }
        }
        false
    };
    let list = plan["tasks"].as_array().unwrap();
    for a in list {
        for b in list {
            let (sa, ea) = (
                a["start_minute"].as_i64().unwrap(),
                a["end_minute"].as_i64().unwrap(),
            );
            let (sb, eb) = (
                b["start_minute"].as_i64().unwrap(),
                b["end_minute"].as_i64().unwrap(),
            );
            let shared = match (a["system"].as_str(), b["system"].as_str()) {
                (Some(x), Some(y)) => x.split(',').any(|s| y.split(',').any(|t| s == t)),
                _ => false,
            };
            if a["id"] != b["id"] && shared && ea <= sb && ea > sa && eb > sb {
                let (ia, ib) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
                assert!(
                    reaches(&node_of[ia], &node_of[ib]),
                    "{ia} and {ib} share a system: the DAG must order them"
                );
            }
        }
    }
}

#[test]
fn argo_workflow_holds_the_plans_order() {
    for name in INVENTORIES {
        let inv = example(name);
        let dir = tempdir();
        let (plan_path, plan) = saved_plan(&dir, &inv);
        let out = dir.path().join("night.yaml");
        let r = export(&inv, &plan_path, "argo", &out);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        assert!(r.stderr.contains("DAG edges"), "{}", r.stderr);
        let wf = yaml(&out);
        let replay = argo_replay(&wf, &plan);
        assert_checked(&inv, &replay, "argo");
        assert_apart_pairs_ordered(&wf, &plan);
    }
}

/// The `ansible-playbook` to check with: `ANSIBLE_PLAYBOOK`, else on PATH.
fn ansible_playbook() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ANSIBLE_PLAYBOOK") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("ansible-playbook"))
            .find(|p| p.is_file())
    })
}

/// The host a task entry's `when` names.
fn when_host(task: &Value) -> String {
    let w = task["when"].as_str().unwrap();
    w.split('\'').nth(1).unwrap().to_string()
}

/// The hosts of `group` in inventory.yml, in the file's order.
fn group_hosts(text: &str, group: &str) -> Vec<String> {
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim_end() != format!("    {group}:"));
    lines.next().expect("the group is in the inventory");
    assert_eq!(lines.next().map(str::trim), Some("hosts:"));
    lines
        .take_while(|l| l.starts_with("        "))
        .map(|l| {
            l.trim()
                .trim_end_matches(": {}")
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

/// Plays in sequence (a play with `serial` in batches of its group's hosts,
/// in inventory order), each host's entries in order from the wave's start,
/// a `wait_for` gate holding the host until its epoch.
fn ansible_replay(dir: &Path, plan: &Value) -> BTreeMap<String, i64> {
    let book = yaml(&dir.join("playbook.yml"));
    let inventory = std::fs::read_to_string(dir.join("inventory.yml")).unwrap();
    // The parsed YAML must be well formed; the hosts' order is read from
    // the text (a JSON object would sort the keys).
    yaml(&dir.join("inventory.yml"));
    let window_start: jiff::Timestamp = plan["window_start"].as_str().unwrap().parse().unwrap();
    let durations = durations(plan);
    let mut replay = BTreeMap::new();
    let mut wave_start = 0;
    for play in book.as_array().unwrap() {
        assert_eq!(play["strategy"], "free");
        assert_eq!(play["max_fail_percentage"], 0);
        let group = play["hosts"].as_str().unwrap();
        let hosts = group_hosts(&inventory, group);
        let batches: Vec<Vec<String>> = match play.get("serial") {
            Some(Value::Array(sizes)) => {
                let mut out = Vec::new();
                let mut rest = hosts.as_slice();
                for k in sizes {
                    let k = (k.as_u64().unwrap() as usize).min(rest.len());
                    out.push(rest[..k].to_vec());
                    rest = &rest[k..];
                }
                assert!(rest.is_empty(), "serial covers every host");
                out
            }
            _ => vec![hosts.clone()],
        };
        for batch in batches {
            let mut end = wave_start;
            for host in &batch {
                let mut at = wave_start;
                for task in play["tasks"].as_array().unwrap() {
                    if task.get("when").is_none() {
                        assert!(task.get("ansible.builtin.set_fact").is_some());
                        continue;
                    }
                    if when_host(task) != *host {
                        continue;
                    }
                    if let Some(gate) = task["vars"].get("windowplan_not_before") {
                        let epoch = gate.as_i64().unwrap();
                        assert!(task.get("ansible.builtin.wait_for").is_some());
                        let after = task["vars"]["windowplan_after_wave_start"]
                            .as_i64()
                            .unwrap();
                        at = at
                            .max((epoch - window_start.as_second()) / 60)
                            .max(wave_start + after / 60);
                    } else {
                        let id = task["vars"]["windowplan_task"].as_str().unwrap();
                        assert!(task["ansible.builtin.include_tasks"]
                            .as_str()
                            .unwrap()
                            .starts_with("changes/"));
                        assert!(
                            replay.insert(id.to_string(), at).is_none(),
                            "{id} runs once"
                        );
                        at += durations[id];
                    }
                }
                end = end.max(at);
            }
            wave_start = end;
        }
    }
    assert_eq!(replay.len(), durations.len(), "every task is in a play");
    replay
}

#[test]
fn ansible_waves_keep_every_rule() {
    let checker = ansible_playbook();
    if checker.is_none() {
        eprintln!("note: ansible-playbook not found (PATH or ANSIBLE_PLAYBOOK): the syntax check is skipped; pip install ansible-core to run it");
    }
    for name in INVENTORIES {
        let inv = example(name);
        let dir = tempdir();
        let (plan_path, plan) = saved_plan(&dir, &inv);
        let length = plan["length_minutes"].as_i64().unwrap();
        for slack in ["0", "120"] {
            let out = dir.path().join(format!("night-{slack}"));
            let r = run(windowplan()
                .arg("export")
                .arg(&inv)
                .arg("--plan")
                .arg(&plan_path)
                .args(["--format", "ansible", "--wave-slack", slack, "-o"])
                .arg(&out));
            assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
            assert!(r.stderr.contains("wave 1:"), "{}", r.stderr);
            assert!(std::fs::read_to_string(out.join("waves.txt"))
                .unwrap()
                .contains("wave 1:"));
            let replay = ansible_replay(&out, &plan);
            assert_checked(&inv, &replay, "ansible");
            let durations = durations(&plan);
            let end = replay
                .iter()
                .map(|(id, s)| s + durations[id])
                .max()
                .unwrap();
            let slack: i64 = slack.parse().unwrap();
            assert!(
                end <= length + slack,
                "{name}: the waves end at minute {end}, the plan at {length}, slack {slack}"
            );
            if let Some(bin) = &checker {
                let r = run(assert_cmd::Command::new(bin).current_dir(&out).args([
                    "-i",
                    "inventory.yml",
                    "playbook.yml",
                    "--syntax-check",
                ]));
                assert_eq!(
                    r.code,
                    Some(0),
                    "{name}: ansible-playbook --syntax-check:\n{}{}",
                    r.stdout_text(),
                    r.stderr
                );
            }
        }
    }
}

#[test]
fn ansible_keeps_the_users_automation_on_re_export() {
    let inv = example("quickstart.yaml");
    let dir = tempdir();
    let (plan_path, _) = saved_plan(&dir, &inv);
    let out = dir.path().join("night");
    assert_eq!(export(&inv, &plan_path, "ansible", &out).code, Some(0));
    let mine = out.join("changes/patch-db.yml");
    assert!(std::fs::read_to_string(&mine)
        .unwrap()
        .contains("ansible.builtin.fail"));
    std::fs::write(&mine, "- ansible.builtin.command: /opt/patch-db.sh\n").unwrap();
    let r = export(&inv, &plan_path, "ansible", &out);
    assert_eq!(r.code, Some(0));
    assert!(r.stderr.contains("changes/patch-db.yml"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&mine).unwrap(),
        "- ansible.builtin.command: /opt/patch-db.sh\n"
    );
}

/// A CAU run of the script: (task, cluster, node order, planned start of
/// each node from the pre-update script's table).
type CauRun = (String, String, Vec<String>, HashMap<String, String>);

/// The CAU runs of the script.
fn cau_runs(text: &str) -> Vec<CauRun> {
    let mut runs = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut table: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ---- run ") {
            // "# ---- run 1: sql-cu on cluster sql-fci (2 nodes, ...) ----"
            let words: Vec<&str> = rest.split_whitespace().collect();
            current = Some((words[1].to_string(), words[4].to_string()));
            table.clear();
        } else if line.starts_with("    '") && line.contains("' = '") {
            let parts: Vec<&str> = line.trim().split('\'').collect();
            table.insert(parts[1].to_lowercase(), parts[3].to_string());
        } else if let Some(rest) = line.strip_prefix("Invoke-CauRun ") {
            assert!(rest.contains("-MaxFailedNodes 0"));
            let (task, cluster) = current.take().unwrap();
            assert!(rest.contains(&format!("-ClusterName '{cluster}'")));
            let order = rest
                .split("-NodeOrder ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            let nodes: Vec<String> = order
                .split(',')
                .map(|n| n.trim_matches('\'').to_string())
                .collect();
            runs.push((task, cluster, nodes, table.clone()));
        }
    }
    runs
}

#[test]
fn cau_runs_one_node_at_a_time_in_the_plans_order() {
    for name in [
        "night/patch-night.yaml",
        "payments.yaml",
        "quickstart.yaml",
        "servicenow/inventory.yaml",
    ] {
        let inv = example(name);
        let dir = tempdir();
        let (plan_path, plan) = saved_plan(&dir, &inv);
        let out = dir.path().join("night.ps1");
        let r = export(&inv, &plan_path, "cau", &out);
        assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        let text = std::fs::read_to_string(&out).unwrap();
        let runs = cau_runs(&text);
        assert!(!runs.is_empty());
        let window_start: jiff::Timestamp = plan["window_start"].as_str().unwrap().parse().unwrap();
        let list = plan["tasks"].as_array().unwrap();
        let mut replay: BTreeMap<String, i64> = list
            .iter()
            .map(|t| {
                (
                    t["id"].as_str().unwrap().to_string(),
                    t["start_minute"].as_i64().unwrap(),
                )
            })
            .collect();
        for (task, _, nodes, table) in &runs {
            // The node order is the order the plan starts the members.
            let first_start = |node: &str| {
                list.iter()
                    .filter(|t| t["task"] == task.as_str() && t["member"] == node)
                    .map(|t| t["start_minute"].as_i64().unwrap())
                    .min()
                    .unwrap()
            };
            let mut sorted = nodes.clone();
            sorted.sort_by_key(|n| first_start(n));
            assert_eq!(&sorted, nodes, "{name}: -NodeOrder of {task}");
            let mut prev_end: Option<i64> = None;
            for node in nodes {
                let planned: jiff::Timestamp = table[node].parse().unwrap();
                let gate = (planned.as_second() - window_start.as_second()) / 60;
                let turn_start = prev_end.map_or(gate, |p| p.max(gate));
                let mine: Vec<&Value> = list
                    .iter()
                    .filter(|t| t["task"] == task.as_str() && t["member"] == node.as_str())
                    .collect();
                let from = mine
                    .iter()
                    .map(|t| t["start_minute"].as_i64().unwrap())
                    .min()
                    .unwrap();
                let mut end = turn_start;
                for t in mine {
                    let s = turn_start + t["start_minute"].as_i64().unwrap() - from;
                    replay.insert(t["id"].as_str().unwrap().to_string(), s);
                    end = end.max(
                        s + t["end_minute"].as_i64().unwrap() - t["start_minute"].as_i64().unwrap(),
                    );
                }
                prev_end = Some(end);
            }
        }
        assert_checked(&inv, &replay, "cau");
    }
}

#[test]
fn cau_refuses_a_plan_that_updates_members_at_once() {
    let inv = example("bank.yaml");
    let dir = tempdir();
    let (plan_path, _) = saved_plan(&dir, &inv);
    let out = dir.path().join("night.ps1");
    let r = export(&inv, &plan_path, "cau", &out);
    if r.code == Some(0) {
        // The plan found rolls each cluster one member at a time: nothing to refuse.
        return;
    }
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("one node at a time"), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_plan_that_breaks_a_rule_is_not_exported() {
    let inv = example("quickstart.yaml");
    let dir = tempdir();
    let (_, mut plan) = saved_plan(&dir, &inv);
    // patch-db before its backup ends.
    for t in plan["tasks"].as_array_mut().unwrap() {
        if t["id"] == "patch-db" {
            t["start_minute"] = json!(0);
            t.as_object_mut().unwrap().remove("start");
        }
    }
    let bad = write(&dir, "bad.json", serde_json::to_string(&plan).unwrap());
    for format in ["ansible", "cau", "argo"] {
        let out = dir.path().join(format!("out-{format}"));
        let r = export(&inv, &bad, format, &out);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        assert!(r.stderr.contains("nothing exported"), "{}", r.stderr);
        assert!(!out.exists());
    }
}

#[test]
fn bad_arguments_exit_2() {
    let inv = example("quickstart.yaml");
    let dir = tempdir();
    let (plan_path, _) = saved_plan(&dir, &inv);
    let out = dir.path().join("x.yaml");
    let r = run(windowplan()
        .arg("export")
        .arg(&inv)
        .args(["--format", "argo", "-o"])
        .arg(&out));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--plan"), "{}", r.stderr);
    let r = run(windowplan()
        .arg("export")
        .arg(&inv)
        .arg("--plan")
        .arg(&plan_path)
        .args(["--format", "argo"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("-o OUT"), "{}", r.stderr);
    let r = export(&inv, &dir.path().join("missing.json"), "argo", &out);
    assert_eq!(r.code, Some(2));
    let file = write(&dir, "file", "x");
    assert_eq!(export(&inv, &plan_path, "ansible", &file).code, Some(2));
    assert!(!out.exists());
}
