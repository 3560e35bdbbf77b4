//! Every id, registered: E020/E021 (empty or malformed ids) and E022
//! (duplicates; systems and clusters share one namespace), in file order
//! teams, systems, clusters, zones, services, integrations, tasks.

use super::{Ctx, Ids, Names};
use crate::inventory::file::InventoryFile;
use crate::inventory::Component;
use std::collections::HashMap;

/// Checks and registers every id of the file; the maps resolve references.
pub(super) fn register<'f>(cx: &mut Ctx, f: &'f InventoryFile) -> Names<'f> {
    let mut team_ids: Ids<usize> = HashMap::new();
    let mut comp_ids: Ids<Component> = HashMap::new();
    let mut zone_ids: Ids<usize> = HashMap::new();
    let mut service_ids: Ids<usize> = HashMap::new();
    let mut integ_ids: Ids<usize> = HashMap::new();
    let mut task_ids: Ids<usize> = HashMap::new();
    for (i, t) in f.teams.iter().enumerate() {
        cx.check_id(format!("teams[{i}].id"), "team", &t.id);
        cx.register(&mut team_ids, &t.id, i, format!("teams[{i}]"), "team");
    }
    for (i, s) in f.systems.iter().enumerate() {
        cx.check_id(format!("systems[{i}].id"), "system", &s.id);
        cx.register(
            &mut comp_ids,
            &s.id,
            Component::System(i),
            format!("systems[{i}]"),
            "system",
        );
    }
    for (i, c) in f.clusters.iter().enumerate() {
        cx.check_id(format!("clusters[{i}].id"), "cluster", &c.id);
        let first = comp_ids.get(&c.id).map(|(_, p)| p.clone());
        if let Some(first) = first {
            cx.err(
                "E022",
                format!("clusters[{i}].id"),
                format!("duplicate id `{}`: already used by {first}", c.id),
                "ids must be unique (systems and clusters share one namespace); rename one of them",
            );
        } else if !c.id.is_empty() {
            comp_ids.insert(
                c.id.clone(),
                (Component::Cluster(i), format!("clusters[{i}]")),
            );
        }
    }
    for (i, z) in f.zones.iter().enumerate() {
        cx.check_id(format!("zones[{i}].id"), "zone", &z.id);
        cx.register(&mut zone_ids, &z.id, i, format!("zones[{i}]"), "zone");
    }
    for (i, s) in f.services.iter().enumerate() {
        cx.check_id(format!("services[{i}].id"), "service", &s.id);
        cx.register(
            &mut service_ids,
            &s.id,
            i,
            format!("services[{i}]"),
            "service",
        );
    }
    for (i, g) in f.integrations.iter().enumerate() {
        cx.check_id(format!("integrations[{i}].id"), "integration", &g.id);
        cx.register(
            &mut integ_ids,
            &g.id,
            i,
            format!("integrations[{i}]"),
            "integration",
        );
    }
    for (i, t) in f.tasks.iter().enumerate() {
        cx.check_id(format!("tasks[{i}].id"), "task", &t.id);
        cx.register(&mut task_ids, &t.id, i, format!("tasks[{i}]"), "task");
    }
    Names {
        f,
        teams: team_ids,
        comps: comp_ids,
        zones: zone_ids,
        tasks: task_ids,
    }
}

/// Ids of systems and clusters of the file.
pub(super) fn components(f: &InventoryFile) -> HashMap<&str, Component> {
    let mut m = HashMap::new();
    for (k, c) in f.clusters.iter().enumerate() {
        m.insert(c.id.as_str(), Component::Cluster(k));
    }
    for (k, s) in f.systems.iter().enumerate() {
        m.insert(s.id.as_str(), Component::System(k));
    }
    m
}
