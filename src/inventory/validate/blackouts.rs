//! Blackouts (scopes by system, zone and tag): E013 (ends before it starts), times
//! (from the time parser), E031/E033/E037 unknown systems, zones and tags.
//! The scopes by cluster, service and team, which need the services, are checked in
//! [`scopes`] once services are known.

use super::err;
use super::services::service_systems;
use super::{keys, Ctx, Names};
use crate::base::Interval;
use crate::error::Diagnostic;
use crate::inventory::file::InventoryFile;
use crate::inventory::model::*;
use crate::inventory::time::WindowCalendar;
use std::collections::HashSet;

/// The blackouts, resolved.
pub(super) fn blackouts(
    cx: &mut Ctx,
    f: &InventoryFile,
    calendar: Option<&WindowCalendar>,
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
        if let Some(c) = calendar {
            let from = c
                .minute(b.from.as_str(), &mut cx.warnings)
                .map_err(|e| cx.time_err(format!("blackouts[{i}].from"), e));
            super::name_warnings(&mut cx.warnings, &format!("blackouts[{i}].from"));
            let to = c
                .minute(b.to.as_str(), &mut cx.warnings)
                .map_err(|e| cx.time_err(format!("blackouts[{i}].to"), e));
            super::name_warnings(&mut cx.warnings, &format!("blackouts[{i}].to"));
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

/// Blackout `id` and the 1.1 scopes `clusters`, `services`, `teams`,
/// resolved into systems and teams.
pub fn scopes(
    f: &InventoryFile,
    blackouts: &mut [Blackout],
    clusters: &[Cluster],
    services: &[Service],
    integrations: &[Integration],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, (b, bo)) in f.blackouts.iter().zip(blackouts.iter_mut()).enumerate() {
        bo.id = b.id.clone();
        let sc = &b.scope;
        bo.scoped = !sc.clusters.is_empty() || !sc.services.is_empty();
        let mut unknown = |list: &str, k: usize, kind: &str, id: &str, known: Vec<&str>| {
            let hint = match crate::inventory::suggest::suggest(id, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("define it under `{list}:`"),
            };
            let code = match kind {
                "team" => "E030",
                "cluster" => "E032",
                _ => "E036",
            };
            out.push(err(
                code,
                format!("blackouts[{i}].scope.{list}[{k}]"),
                format!("unknown {kind} `{id}`"),
                hint,
            ));
        };
        for (k, c) in sc.clusters.iter().enumerate() {
            match f.clusters.iter().position(|x| &x.id == c) {
                Some(x) => bo.systems.extend(
                    clusters
                        .get(x)
                        .map(|c| c.members.clone())
                        .unwrap_or_default(),
                ),
                None => unknown(
                    "clusters",
                    k,
                    "cluster",
                    c,
                    f.clusters.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        for (k, s) in sc.services.iter().enumerate() {
            match f.services.iter().position(|x| &x.id == s) {
                Some(x) => {
                    if let Some(svc) = services.get(x) {
                        bo.systems
                            .extend(service_systems(svc, clusters, integrations));
                    }
                }
                None => unknown(
                    "services",
                    k,
                    "service",
                    s,
                    f.services.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        for (k, t) in sc.teams.iter().enumerate() {
            match f.teams.iter().position(|x| &x.id == t) {
                Some(x) => bo.teams.push(x),
                None => unknown(
                    "teams",
                    k,
                    "team",
                    t,
                    f.teams.iter().map(|x| x.id.as_str()).collect(),
                ),
            }
        }
        bo.systems.sort_unstable();
        bo.systems.dedup();
    }
    out
}

/// W003: a blackout or a system's `unavailable` interval that lies wholly
/// outside the window (it ends at or before the window start, or starts at
/// or after the deadline) can never apply: most often its date is a day
/// off. Warned, never an error (the rule is still kept as written).
pub(super) fn outside_window(inv: &Inventory) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let w = &inv.window;
    let outside = |i: Interval| i.end <= 0 || w.deadline.is_some_and(|d| i.start >= d);
    // Dated in full: the point is most often the date.
    let at = |m: crate::base::Time| w.at(m).strftime("%Y-%m-%d %H:%M").to_string();
    let span = |i: Interval| format!("{}–{}", at(i.start), at(i.end));
    let window = match w.deadline {
        Some(d) => format!("the window ({})", span(Interval::new(0, d))),
        None => format!("the window, which starts at {}", at(0)),
    };
    let hint = "check the date: a rule meant for this night must overlap the window; remove it if it belongs to another night";
    for (i, b) in inv.blackouts.iter().enumerate() {
        if b.interval.end > b.interval.start && outside(b.interval) {
            let what =
                b.id.as_deref()
                    .or(b.reason.as_deref())
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default();
            out.push(Diagnostic::new(
                "W003",
                format!("blackouts[{i}]"),
                format!(
                    "blackout{what} {} lies wholly outside {window}: it never applies",
                    span(b.interval)
                ),
                hint,
            ));
        }
    }
    for (i, sys) in inv.systems.iter().enumerate() {
        for u in sys.unavailable.iter().filter(|u| outside(u.interval)) {
            out.push(Diagnostic::new(
                "W003",
                format!("systems[{i}].unavailable"),
                format!(
                    "{} is unavailable {}, wholly outside {window}: the outage never applies",
                    sys.id,
                    span(u.interval)
                ),
                hint,
            ));
        }
    }
    out
}
