//! Re-import: a fresh import merged with the inventory the user filled in,
//! item by item by `id`. What the source says wins (and each difference is
//! reported); what the user wrote where the source says nothing is kept:
//! every field the fresh import leaves out or leaves `FILL-IN`, the window,
//! `dr`, the teams and the tasks. Items the source no longer has are
//! dropped and reported, unless the user wrote them (no import mark).

use super::estate::FILL_IN;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Sections whose items are matched by `id`.
const BY_ID: &[&str] = &[
    "teams",
    "systems",
    "clusters",
    "zones",
    "blackouts",
    "services",
    "integrations",
];

fn is_fill(v: &Value) -> bool {
    v.as_str() == Some(FILL_IN)
}

fn id(v: &Value) -> Option<&str> {
    v.get("id").and_then(|x| x.as_str())
}

/// Whether an item was written by an import (else by the user): its
/// `notes` name the source, or its id has an import's form, or (a
/// cluster) every member was imported.
fn imported(section: &str, item: &Value, old: &Value) -> bool {
    let notes = item.get("notes").and_then(|n| n.as_str()).unwrap_or("");
    let ident = id(item).unwrap_or("");
    let system_imported = |name: &str| {
        old.get("systems")
            .and_then(|s| s.as_array())
            .into_iter()
            .flatten()
            .find(|s| id(s) == Some(name))
            .is_some_and(|s| imported("systems", s, old))
    };
    match section {
        "clusters" => item
            .get("members")
            .and_then(|m| m.as_array())
            .is_some_and(|m| {
                !m.is_empty() && m.iter().all(|x| x.as_str().is_some_and(system_imported))
            }),
        "integrations" => ident.contains(":depends-on:") || ident.contains(":runs-on:"),
        "blackouts" => ident.contains('#'),
        "teams" | "zones" => false,
        _ => notes.starts_with("servicenow ") || notes.starts_with("backstage "),
    }
}

/// One item: the fresh one, with the user's values where the fresh one
/// has none or a placeholder; the differences the source made, in words.
fn merge_item(section: &str, old: &Value, new: &Value, changes: &mut Vec<String>) -> Value {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        return new.clone();
    };
    let mut out: Map<String, Value> = n.clone();
    // A gap the user deleted (an optional field left out) stays deleted.
    out.retain(|k, v| !is_fill(v) || o.contains_key(k));
    for (k, ov) in o {
        match n.get(k) {
            None => {
                out.insert(k.clone(), ov.clone());
            }
            Some(nv) if is_fill(nv) => {
                out.insert(k.clone(), ov.clone());
            }
            Some(nv) if nv != ov && !is_fill(ov) => changes.push(format!(
                "changed {section} {}: {k} {} -> {}",
                id(new).unwrap_or("?"),
                ov,
                nv
            )),
            Some(_) => {}
        }
    }
    Value::Object(out)
}

/// The merged inventory, and what changed since the old one (added,
/// removed and changed items; tasks that name what is gone).
pub fn merge(old: &Value, new: &Value) -> (Value, Vec<String>) {
    let mut changes = Vec::new();
    let mut out = new.as_object().cloned().unwrap_or_default();
    let empty = Vec::new();
    let list = |v: &Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_array())
            .cloned()
            .unwrap_or_default()
    };
    // The window and the DR pairs are the user's.
    if let Some(w) = old.get("window") {
        out.insert(
            "window".into(),
            merge_item(
                "window",
                new.get("window").unwrap_or(&Value::Null),
                w,
                &mut Vec::new(),
            ),
        );
    }
    if let Some(dr) = old.get("dr").filter(|d| !is_fill(d)) {
        out.insert("dr".into(), dr.clone());
    }
    let mut added: BTreeSet<String> = BTreeSet::new();
    let mut gone: BTreeSet<String> = BTreeSet::new();
    for &section in BY_ID {
        let olds = list(old, section);
        let news = list(new, section);
        let mut merged = Vec::new();
        for n in &news {
            match olds.iter().find(|o| id(o) == id(n) && id(n).is_some()) {
                Some(o) => merged.push(merge_item(section, o, n, &mut changes)),
                None => {
                    if !olds.is_empty() || old.get(section).is_some() {
                        changes.push(format!("added {section} {}", id(n).unwrap_or("?")));
                    }
                    added.insert(id(n).unwrap_or("").to_string());
                    merged.push(n.clone());
                }
            }
        }
        for o in &olds {
            if news.iter().any(|n| id(n) == id(o)) {
                continue;
            }
            if imported(section, o, old) {
                changes.push(format!(
                    "removed {section} {} (no longer in the source)",
                    id(o).unwrap_or("?")
                ));
                gone.insert(id(o).unwrap_or("").to_string());
            } else {
                merged.push(o.clone()); // written by the user: kept
            }
        }
        out.insert(section.into(), Value::Array(merged));
    }
    // Tasks are the user's: kept as written; a skeleton is added only for
    // what is new in the source.
    let mut tasks = old
        .get("tasks")
        .and_then(|t| t.as_array())
        .unwrap_or(&empty)
        .clone();
    let target = |t: &Value| -> Vec<String> {
        ["system", "cluster"]
            .iter()
            .filter_map(|k| t.get(*k).and_then(|x| x.as_str()).map(String::from))
            .chain(
                t.get("systems")
                    .and_then(|x| x.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(String::from)),
            )
            .collect()
    };
    for t in &tasks {
        for name in target(t).into_iter().filter(|n| gone.contains(n)) {
            changes.push(format!(
                "task {} names {name}, which is no longer in the source: change or delete it",
                id(t).unwrap_or("?")
            ));
        }
    }
    let have: BTreeSet<String> = tasks
        .iter()
        .filter_map(|t| id(t).map(String::from))
        .collect();
    for t in list(new, "tasks") {
        if target(&t).iter().any(|n| added.contains(n)) && !have.contains(id(&t).unwrap_or("")) {
            changes.push(format!(
                "added tasks {} (for a new CI: fill it in or delete it)",
                id(&t).unwrap_or("?")
            ));
            tasks.push(t);
        }
    }
    out.insert("tasks".into(), Value::Array(tasks));
    (Value::Object(out), changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filled_in_values_are_kept_and_source_changes_reported() {
        let old = json!({
            "window": {"start": "2026-12-05T22:00", "timezone": "Europe/London"},
            "teams": [{"id": "unix", "capacity": 2}],
            "systems": [
                {"id": "web-1", "zone": "dmz", "notes": "servicenow cmdb_ci_server"},
                {"id": "old-1", "notes": "servicenow cmdb_ci_server"},
                {"id": "saas", "external": true}
            ],
            "clusters": [{"id": "web", "members": ["web-1"], "min_available": 1}, {"id": "gone", "members": ["old-1"]}],
            "dr": [{"primary": "a", "standby": "b"}],
            "tasks": [{"id": "patch-web", "cluster": "web", "duration": "20m", "outage": true, "team": "unix"},
                      {"id": "t-old", "system": "old-1", "duration": "5m", "team": "unix"}]
        });
        let new = json!({
            "window": {"start": FILL_IN, "timezone": FILL_IN},
            "teams": [{"id": "unix", "capacity": FILL_IN, "available": FILL_IN}, {"id": "dba", "capacity": FILL_IN, "available": FILL_IN}],
            "systems": [
                {"id": "web-1", "zone": "pci", "notes": "servicenow cmdb_ci_server"},
                {"id": "web-2", "notes": "servicenow cmdb_ci_server"}
            ],
            "clusters": [{"id": "web", "members": ["web-1", "web-2"], "min_available": FILL_IN}],
            "dr": FILL_IN,
            "tasks": [{"id": "change-web", "cluster": "web", "duration": FILL_IN}, {"id": "change-web-2", "system": "web-2"}]
        });
        let (m, changes) = merge(&old, &new);
        assert_eq!(m["window"]["start"], "2026-12-05T22:00");
        assert_eq!(m["teams"][0]["capacity"], 2);
        assert!(
            m["teams"][0].get("available").is_none(),
            "a deleted gap stays deleted"
        );
        assert_eq!(m["teams"][1]["available"], FILL_IN, "a new gap stays a gap");
        assert_eq!(m["clusters"][0]["min_available"], 1);
        assert_eq!(m["clusters"][0]["members"], json!(["web-1", "web-2"]));
        assert_eq!(m["systems"][0]["zone"], "pci");
        assert_eq!(m["dr"], old["dr"]);
        let ids: Vec<&str> = m["systems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["web-1", "web-2", "saas"],
            "removed old-1, kept the user's saas"
        );
        let tasks: Vec<&str> = m["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(tasks, ["patch-web", "t-old", "change-web-2"]);
        let text = changes.join("\n");
        assert!(
            text.contains("changed systems web-1: zone \"dmz\" -> \"pci\""),
            "{text}"
        );
        assert!(text.contains("added systems web-2"), "{text}");
        assert!(text.contains("removed systems old-1"), "{text}");
        assert!(text.contains("task t-old names old-1"), "{text}");
        assert!(text.contains("changed clusters web: members"), "{text}");
        assert!(text.contains("removed clusters gone"), "{text}");
    }
}
