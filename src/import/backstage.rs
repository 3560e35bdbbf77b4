//! A Backstage software catalogue (`catalog-info.yaml`, several documents
//! per file) into an [`Estate`]: Components and Resources become systems,
//! Systems become services that require their components and resources
//! (libraries aside), Groups and owners become teams, `spec.dependsOn` and
//! `spec.dependencyOf` become sync integrations. Other kinds (API, Domain,
//! User, Location, Template, ...) give no rule and are reported.

use super::estate::{id_of, Estate, IntegrationOut, ServiceOut, SystemOut};
use crate::error::Diagnostic;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One entity as read.
#[derive(Debug, Clone)]
struct Entity {
    kind: String,
    namespace: String,
    name: String,
    spec: Value,
    place: String,
}

impl Entity {
    fn id(&self) -> String {
        if self.namespace == "default" {
            id_of(&self.name)
        } else {
            id_of(&format!("{}/{}", self.namespace, self.name))
        }
    }
    fn spec_str(&self, k: &str) -> Option<&str> {
        self.spec
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
    }
    fn spec_list(&self, k: &str) -> Vec<String> {
        self.spec
            .get(k)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    }
}

/// Reads the entities of one catalogue file.
fn read_file(path: &Path) -> Result<Vec<Entity>, Diagnostic> {
    let text =
        crate::inventory::read_text_limited(path, crate::inventory::MAX_FILE_BYTES, "catalogue")?;
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).map_err(|e| {
        super::table::unreadable(
            path,
            format!(
                "not a YAML catalogue: {}",
                e.to_string().lines().next().unwrap_or("")
            ),
            "give catalog-info.yaml files (documents separated by `---`)",
        )
    })?;
    let mut out = Vec::new();
    for (i, d) in docs.into_iter().enumerate() {
        if d.is_null() {
            continue;
        }
        let place = format!("{}: document {}", path.display(), i + 1);
        let text = |v: Option<&Value>| v.and_then(|x| x.as_str()).unwrap_or("").to_string();
        let kind = text(d.get("kind"));
        let name = text(d.get("metadata").and_then(|m| m.get("name")));
        if kind.is_empty() || name.is_empty() {
            return Err(super::table::unreadable(
                path,
                format!("document {} has no `kind` or no `metadata.name`", i + 1),
                "every catalogue entity has `kind` and `metadata.name`",
            ));
        }
        let namespace = d
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(|x| x.as_str())
            .unwrap_or("default")
            .to_string();
        out.push(Entity {
            kind,
            namespace,
            name,
            spec: d.get("spec").cloned().unwrap_or(Value::Null),
            place,
        });
    }
    Ok(out)
}

/// An entity reference `[kind:][namespace/]name` as (kind, namespace, name), kind lower case.
fn parse_ref(r: &str, default_kind: &str, default_ns: &str) -> (String, String, String) {
    let (kind, rest) = match r.split_once(':') {
        Some((k, rest)) => (k.to_ascii_lowercase(), rest),
        None => (default_kind.to_string(), r),
    };
    let (ns, name) = rest.split_once('/').unwrap_or((default_ns, rest));
    (kind, ns.to_string(), name.to_string())
}

/// The estate of the catalogue files, and the report of what gives no rule.
pub fn import(paths: &[std::path::PathBuf]) -> Result<(Estate, Vec<String>), Diagnostic> {
    let mut entities = Vec::new();
    for p in paths {
        entities.extend(read_file(p)?);
    }
    let mut report = Vec::new();
    let mut estate = Estate::default();
    // (kind, namespace, name) -> index
    let key = |e: &Entity| {
        (
            e.kind.to_ascii_lowercase(),
            e.namespace.clone(),
            e.name.clone(),
        )
    };
    let mut index: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (i, e) in entities.iter().enumerate() {
        if index.insert(key(e), i).is_some() {
            report.push(format!(
                "{}: {} {} is defined twice: the last is used",
                e.place, e.kind, e.name
            ));
        }
    }
    let mut other: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let owner_team = |e: &Entity| {
        e.spec_str("owner")
            .map(|o| id_of(&parse_ref(o, "group", &e.namespace).2))
    };
    for e in &entities {
        match e.kind.to_ascii_lowercase().as_str() {
            "component" | "resource" => {
                let mut tags = vec![e.kind.to_ascii_lowercase()];
                tags.extend(e.spec_str("type").map(id_of));
                let team = owner_team(e);
                estate.teams.extend(team.clone());
                estate.systems.push(SystemOut {
                    id: e.id(),
                    tags,
                    notes: format!("backstage {} {}", e.kind, e.name),
                    team,
                    ..Default::default()
                });
            }
            "group" => {
                estate.teams.insert(id_of(&e.name));
            }
            "system" => {}
            _ => other
                .entry(e.kind.clone())
                .or_default()
                .push(e.name.clone()),
        }
    }
    for (kind, names) in other {
        report.push(format!(
            "kind {kind}: {} entit(y/ies) give no rule (not something that runs): not imported: {}",
            names.len(),
            super::some(&names)
        ));
    }
    dependencies(&entities, &index, &mut estate, &mut report);
    systems(&entities, &index, &mut estate, &mut report);
    Ok((estate, report))
}

fn is_system_kind(e: &Entity) -> bool {
    matches!(
        e.kind.to_ascii_lowercase().as_str(),
        "component" | "resource"
    )
}

fn dependencies(
    entities: &[Entity],
    index: &BTreeMap<(String, String, String), usize>,
    estate: &mut Estate,
    report: &mut Vec<String>,
) {
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new(); // (consumer, producer)
    for (i, e) in entities
        .iter()
        .enumerate()
        .filter(|(_, e)| is_system_kind(e))
    {
        for (field, reversed) in [("dependsOn", false), ("dependencyOf", true)] {
            for r in e.spec_list(field) {
                let (kind, ns, name) = parse_ref(&r, "component", &e.namespace);
                let found = index
                    .get(&(kind.clone(), ns.clone(), name.clone()))
                    .copied()
                    .or_else(|| {
                        (!r.contains(':'))
                            .then(|| {
                                index
                                    .get(&("resource".into(), ns.clone(), name.clone()))
                                    .copied()
                            })
                            .flatten()
                    });
                match found {
                    Some(j) if is_system_kind(&entities[j]) && j != i => {
                        edges.insert(if reversed { (j, i) } else { (i, j) });
                    }
                    Some(j) if j == i => report.push(format!(
                        "{}: {} {} {field} itself: skipped",
                        e.place, e.kind, e.name
                    )),
                    Some(j) => report.push(format!(
                        "{}: {} {} {field} {} {}, which is not a component or resource: skipped",
                        e.place, e.kind, e.name, entities[j].kind, entities[j].name
                    )),
                    None => report.push(format!(
                        "{}: {} {} {field} {r:?}, which is not in the catalogue: skipped",
                        e.place, e.kind, e.name
                    )),
                }
            }
        }
    }
    let edge_list: Vec<(usize, usize)> = edges.iter().map(|&(c, p)| (c, p)).collect();
    for (c, p) in &edge_list {
        estate.integrations.push(IntegrationOut {
            id: format!("{}:depends-on:{}", entities[*c].id(), entities[*p].id()),
            from: entities[*p].id(),
            to: entities[*c].id(),
            asynchronous: false,
        });
    }
    for cycle in super::cycles(entities.len(), &edge_list) {
        let names: Vec<String> = cycle.iter().map(|&i| entities[i].id()).collect();
        report.push(format!(
            "dependency cycle {} -> {}: kept (each counts as down while the one it depends on is)",
            names.join(" -> "),
            names[0]
        ));
    }
}

fn systems(
    entities: &[Entity],
    index: &BTreeMap<(String, String, String), usize>,
    estate: &mut Estate,
    report: &mut Vec<String>,
) {
    let mut members: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in entities.iter().filter(|e| is_system_kind(e)) {
        let Some(s) = e.spec_str("system") else {
            continue;
        };
        let (_, ns, name) = parse_ref(s, "system", &e.namespace);
        match index.get(&("system".into(), ns, name)) {
            Some(&k) if e.spec_str("type") != Some("library") => members.entry(k).or_default().push(e.id()),
            Some(_) => {}
            None => report.push(format!("{}: {} {} is part of system {s:?}, which is not in the catalogue: no service requires it", e.place, e.kind, e.name)),
        }
    }
    for (k, e) in entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.eq_ignore_ascii_case("system"))
    {
        let requires = members.remove(&k).unwrap_or_default();
        if requires.is_empty() {
            report.push(format!("{}: system {} has no component or resource (libraries aside): written with `requires: []`", e.place, e.name));
        }
        estate.services.push(ServiceOut {
            id: e.id(),
            weight: None,
            requires,
            notes: format!("backstage System {}", e.name),
        });
    }
}
