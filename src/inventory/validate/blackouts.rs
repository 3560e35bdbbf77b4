//! Blackouts (format 1.0 scopes): E013 (ends before it starts), times
//! (from the time parser), E031/E033/E037 unknown systems, zones and tags.
//! The format 1.1 scopes (clusters, services, teams) are checked in
//! [`super::format11::blackouts`] once services are known.

use super::{keys, Ctx, Names};
use crate::base::Interval;
use crate::inventory::file::InventoryFile;
use crate::inventory::time::Clock;
use crate::inventory::Blackout;
use std::collections::HashSet;

/// The blackouts, resolved.
pub(super) fn blackouts(
    cx: &mut Ctx,
    f: &InventoryFile,
    clock: Option<&Clock>,
    names: &Names,
) -> Vec<Blackout> {
    let all_tags: HashSet<&str> = f
        .systems
        .iter()
        .flat_map(|s| s.tags.iter().map(|t| t.as_str()))
        .collect();
    let mut blackouts = Vec::with_capacity(f.blackouts.len());
    for (i, b) in f.blackouts.iter().enumerate() {
        let mut interval = Interval::new(0, 0);
        if let Some(c) = clock {
            let from = c
                .minute(b.from.as_str())
                .map_err(|e| cx.time_err(format!("blackouts[{i}].from"), e));
            let to = c
                .minute(b.to.as_str())
                .map_err(|e| cx.time_err(format!("blackouts[{i}].to"), e));
            if let (Ok(from), Ok(to)) = (from, to) {
                if to <= from {
                    cx.err(
                        "E013",
                        format!("blackouts[{i}].to"),
                        format!(
                            "blackout ends (`{}`) before or when it starts (`{}`)",
                            b.to, b.from
                        ),
                        "`to` must be after `from`",
                    );
                }
                interval = Interval::new(from, to);
            }
        }
        let mut bs = Vec::new();
        for (k, s) in b.scope.systems.iter().enumerate() {
            if let Some(x) = names.system(
                cx,
                format!("blackouts[{i}].scope.systems[{k}]"),
                s,
                "list the cluster's member systems instead",
            ) {
                bs.push(x);
            }
        }
        let mut bz = Vec::new();
        for (k, z) in b.scope.zones.iter().enumerate() {
            match names.zones.get(z) {
                Some((x, _)) => bz.push(*x),
                None => cx.unknown(
                    "E033",
                    format!("blackouts[{i}].scope.zones[{k}]"),
                    "zone",
                    z,
                    keys(&names.zones),
                    "zones",
                    None,
                ),
            }
        }
        for (k, t) in b.scope.tags.iter().enumerate() {
            if !all_tags.contains(t.as_str()) {
                cx.unknown(
                    "E037",
                    format!("blackouts[{i}].scope.tags[{k}]"),
                    "tag",
                    t,
                    all_tags.iter().copied(),
                    "systems[].tags",
                    None,
                );
            }
        }
        blackouts.push(Blackout {
            id: None,
            teams: Vec::new(),
            scoped: false,
            interval,
            systems: bs,
            zones: bz,
            tags: b.scope.tags.clone(),
            reason: b.reason.clone(),
        });
    }
    blackouts
}
