//! Clusters (E047 members, E044/E045 availability rule), DR pairs (E065,
//! E035 unknown component) and, once tasks are expanded, E046: a cluster
//! that must keep every member up while outage tasks take members down.

use super::{Ctx, Names};
use crate::inventory::file::{DrOrderFile, InventoryFile};
use crate::inventory::{Cluster, DrOrder, DrPair, System, Task};
use std::collections::HashSet;

/// The clusters, resolved.
pub(super) fn clusters(cx: &mut Ctx, f: &InventoryFile, names: &Names) -> Vec<Cluster> {
    let mut clusters = Vec::with_capacity(f.clusters.len());
    for (i, c) in f.clusters.iter().enumerate() {
        let mut members = Vec::with_capacity(c.members.len());
        if c.members.is_empty() {
            cx.err(
                "E047",
                format!("clusters[{i}].members"),
                format!("cluster `{}` has no members", c.id),
                "list the member systems, or remove the cluster",
            );
        }
        let mut seen = HashSet::new();
        for (k, m) in c.members.iter().enumerate() {
            let p = format!("clusters[{i}].members[{k}]");
            if !seen.insert(m.as_str()) {
                cx.err(
                    "E047",
                    p,
                    format!("system `{m}` is listed twice in cluster `{}`", c.id),
                    "list each member once",
                );
                continue;
            }
            if let Some(s) = names.system(
                cx,
                p,
                m,
                "clusters cannot contain clusters; list the member systems",
            ) {
                members.push(s);
            }
        }
        let n = c.members.len() as i64;
        let min_available = match (c.min_available, c.max_unavailable) {
            (Some(_), Some(_)) => {
                cx.err(
                    "E044",
                    format!("clusters[{i}]"),
                    format!(
                        "cluster `{}` gives both min_available and max_unavailable",
                        c.id
                    ),
                    "give only one: `max_unavailable: k` means `min_available: members - k`",
                );
                0
            }
            (Some(m), None) => {
                if m < 0 || m > n {
                    cx.err(
                        "E045",
                        format!("clusters[{i}].min_available"),
                        format!("min_available {m} of cluster `{}` is outside 0..={n} (it has {n} members)", c.id),
                        "min_available counts members that stay up; it must be between 0 and the member count",
                    );
                    0
                } else {
                    m as u32
                }
            }
            (None, Some(k)) => {
                if k < 0 || k > n {
                    cx.err(
                        "E045",
                        format!("clusters[{i}].max_unavailable"),
                        format!("max_unavailable {k} of cluster `{}` is outside 0..={n} (it has {n} members)", c.id),
                        "max_unavailable counts members that may be down at once; it must be between 0 and the member count",
                    );
                    0
                } else {
                    (n - k) as u32
                }
            }
            (None, None) => 0,
        };
        clusters.push(Cluster {
            id: c.id.clone(),
            members,
            min_available,
        });
    }
    clusters
}

/// The DR pairs, resolved (a pair with an unknown side is left out).
pub(super) fn dr(cx: &mut Ctx, f: &InventoryFile, names: &Names) -> Vec<DrPair> {
    let mut dr = Vec::with_capacity(f.dr.len());
    for (i, d) in f.dr.iter().enumerate() {
        let p = names.component(cx, format!("dr[{i}].primary"), &d.primary);
        let s = names.component(cx, format!("dr[{i}].standby"), &d.standby);
        if d.primary == d.standby {
            cx.err(
                "E065",
                format!("dr[{i}].standby"),
                format!("DR pair has `{}` as both primary and standby", d.primary),
                "the standby must be a different system or cluster",
            );
        }
        if let (Some(primary), Some(standby)) = (p, s) {
            dr.push(DrPair {
                primary,
                standby,
                order: d.order.map(|o| match o {
                    DrOrderFile::StandbyFirst => DrOrder::StandbyFirst,
                    DrOrderFile::PrimaryFirst => DrOrder::PrimaryFirst,
                }),
            });
        }
    }
    dr
}

/// E046: a cluster whose min_available leaves no member to patch.
pub(super) fn all_up(
    cx: &mut Ctx,
    f: &InventoryFile,
    clusters: &[Cluster],
    systems: &[System],
    tasks: &[Task],
) {
    let mut outage_on: Vec<Vec<usize>> = vec![Vec::new(); systems.len()];
    for (ti, t) in tasks.iter().enumerate() {
        if t.outage {
            for &s in &t.systems {
                outage_on[s].push(ti);
            }
        }
    }
    for (k, c) in clusters.iter().enumerate() {
        let n = c.members.len() as u32;
        if n == 0 || c.min_available < n || f.clusters[k].members.len() as u32 != n {
            continue;
        }
        let mut hit_idx: Vec<usize> = c
            .members
            .iter()
            .flat_map(|&m| outage_on[m].iter().copied())
            .collect();
        hit_idx.sort_unstable();
        hit_idx.dedup();
        let hit: Vec<&str> = hit_idx.iter().map(|&t| tasks[t].id.as_str()).collect();
        if !hit.is_empty() {
            let field = if f.clusters[k].max_unavailable.is_some() {
                "max_unavailable"
            } else {
                "min_available"
            };
            let shown: Vec<String> = hit.iter().take(5).map(|t| format!("`{t}`")).collect();
            cx.err(
                "E046",
                format!("clusters[{k}].{field}"),
                format!(
                    "cluster `{}` must keep all {n} members up, but outage task(s) {}{} take members down",
                    c.id,
                    shown.join(", "),
                    if hit.len() > 5 { ", …" } else { "" }
                ),
                "allow at least one member down (e.g. `max_unavailable: 1`), or make those tasks `outage: false`",
            );
        }
    }
}
