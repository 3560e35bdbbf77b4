//! Teams (E040 capacity, availability intervals), zones (E040
//! max_concurrent; a zone without it is a label) and systems
//! (E033 unknown zone, E040 parallel_changes, then the system
//! rules: external, unavailable).

use super::err;
use super::{keys, positive_u32, Ctx, Names};
use crate::base::Interval;
use crate::error::Diagnostic;
use crate::inventory::file::InventoryFile;
use crate::inventory::model::*;
use crate::inventory::time::WindowCalendar;

/// The teams, resolved.
pub(super) fn teams(
    cx: &mut Ctx,
    f: &InventoryFile,
    calendar: Option<&WindowCalendar>,
) -> Vec<Team> {
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
            .and_then(|list| cx.intervals(calendar, &format!("teams[{i}].available"), list));
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
            None => u32::MAX, // a label
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

/// The systems, resolved, with the system rules.
pub(super) fn systems(
    cx: &mut Ctx,
    f: &InventoryFile,
    calendar: Option<&WindowCalendar>,
    names: &Names,
) -> Vec<System> {
    let mut systems = Vec::with_capacity(f.systems.len());
    for (i, s) in f.systems.iter().enumerate() {
        let zone = s.zone.as_ref().and_then(|z| match names.zones.get(z) {
            Some((k, _)) => Some(*k),
            None if zone_label(i, z, f, &mut cx.warnings) => None,
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
    let diags = external_and_unavailable(f, calendar, &mut systems, &mut cx.warnings);
    cx.diags.extend(diags);
    systems
}

/// A system naming an undeclared zone: accepted as a label
/// with no limit, with warning W001 naming the closest declared zone (by
/// edit distance, pushed on `warnings`), as DESIGN.md's table says. Always
/// true: the caller reports no error.
pub fn zone_label(i: usize, zone: &str, f: &InventoryFile, warnings: &mut Vec<Diagnostic>) -> bool {
    let closest = f
        .zones
        .iter()
        .map(|z| z.id.as_str())
        .min_by_key(|z| (crate::inventory::suggest::edit_distance(zone, z), *z));
    let hint = match closest {
        Some(z) => format!("the closest declared zone is `{z}`: correct the name if that was meant, or declare `{zone}` under `zones:` (a zone without `max_concurrent` is a label)"),
        None => format!("declare `{zone}` under `zones:` (a zone without `max_concurrent` is a label)"),
    };
    warnings.push(err(
        "W001",
        format!("systems[{i}].zone"),
        format!("zone `{zone}` is not declared: taken as a label with no limit"),
        hint,
    ));
    true
}

/// `external`, `notes` and `unavailable` of every system (the errors
/// returned, the warnings of the times pushed on `warnings`).
pub fn external_and_unavailable(
    f: &InventoryFile,
    calendar: Option<&WindowCalendar>,
    systems: &mut [System],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, (s, sys)) in f.systems.iter().zip(systems.iter_mut()).enumerate() {
        sys.external = s.external;
        sys.notes = s.notes.clone();
        let Some(c) = calendar else { continue };
        for (k, u) in s.unavailable.iter().enumerate() {
            let p = format!("systems[{i}].unavailable[{k}]");
            let from = c.minute(u.from.as_str(), warnings);
            super::name_warnings(warnings, &format!("{p}.from"));
            let to = c.minute(u.to.as_str(), warnings);
            super::name_warnings(warnings, &format!("{p}.to"));
            match (from, to) {
                (Ok(a), Ok(b)) if b > a => sys.unavailable.push(Unavailable {
                    interval: Interval::new(a, b),
                    reason: u.reason.clone(),
                }),
                (Ok(_), Ok(_)) => out.push(err(
                    "E013",
                    format!("{p}.to"),
                    format!(
                        "unavailable interval ends (`{}`) before or when it starts (`{}`)",
                        u.to, u.from
                    ),
                    "`to` must be after `from`",
                )),
                (Err(e), _) => out.push(err(e.code, format!("{p}.from"), e.message, e.hint)),
                (_, Err(e)) => out.push(err(e.code, format!("{p}.to"), e.message, e.hint)),
            }
        }
        sys.unavailable
            .sort_by_key(|u| (u.interval.start, u.interval.end));
    }
    out
}
