//! Teams (E040 capacity, availability intervals), zones (E040
//! max_concurrent; a zone without it is a format 1.1 label) and systems
//! (E033 unknown zone, E040 parallel_changes, then the format 1.1 system
//! rules: external, unavailable).

use super::{keys, positive_u32, Ctx, Names};
use crate::inventory::file::InventoryFile;
use crate::inventory::time::Clock;
use crate::inventory::{System, Team, Zone};

/// The teams, resolved.
pub(super) fn teams(cx: &mut Ctx, f: &InventoryFile, clock: Option<&Clock>) -> Vec<Team> {
    let mut teams = Vec::with_capacity(f.teams.len());
    for (i, t) in f.teams.iter().enumerate() {
        let capacity = positive_u32(
            cx,
            format!("teams[{i}].capacity"),
            "team",
            &t.id,
            "capacity",
            t.capacity,
        );
        let available = t
            .available
            .as_ref()
            .and_then(|list| cx.intervals(clock, &format!("teams[{i}].available"), list));
        teams.push(Team {
            id: t.id.clone(),
            capacity,
            available,
        });
    }
    teams
}

/// The zones, resolved.
pub(super) fn zones(cx: &mut Ctx, f: &InventoryFile) -> Vec<Zone> {
    let mut zones = Vec::with_capacity(f.zones.len());
    for (i, z) in f.zones.iter().enumerate() {
        let max_concurrent = match z.max_concurrent {
            None => u32::MAX, // a label (format 1.1)
            Some(m) => positive_u32(
                cx,
                format!("zones[{i}].max_concurrent"),
                "zone",
                &z.id,
                "max_concurrent",
                m,
            ),
        };
        zones.push(Zone {
            id: z.id.clone(),
            max_concurrent,
        });
    }
    zones
}

/// The systems, resolved, with the format 1.1 system rules.
pub(super) fn systems(
    cx: &mut Ctx,
    f: &InventoryFile,
    clock: Option<&Clock>,
    names: &Names,
) -> Vec<System> {
    let mut systems = Vec::with_capacity(f.systems.len());
    for (i, s) in f.systems.iter().enumerate() {
        let zone = s.zone.as_ref().and_then(|z| match names.zones.get(z) {
            Some((k, _)) => Some(*k),
            None if super::format11::zone_label(i, z, f) => None,
            None => {
                cx.unknown(
                    "E033",
                    format!("systems[{i}].zone"),
                    "zone",
                    z,
                    keys(&names.zones),
                    "zones",
                    None,
                );
                None
            }
        });
        let parallel_changes = match s.parallel_changes {
            None => 1,
            Some(n) => positive_u32(
                cx,
                format!("systems[{i}].parallel_changes"),
                "system",
                &s.id,
                "parallel_changes",
                n,
            ),
        };
        systems.push(System {
            id: s.id.clone(),
            zone,
            site: s.site.clone(),
            tags: s.tags.clone(),
            parallel_changes,
            external: false,
            unavailable: Vec::new(),
            notes: None,
        });
    }
    cx.diags
        .extend(super::format11::systems(f, clock, &mut systems));
    systems
}
