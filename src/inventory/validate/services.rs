//! Services (E043 weight, E035 unknown requirement, `any`
//! groups, max_downtime) and integrations (E035, E060 async without
//! tolerance, E061 sync with tolerance).

use super::err;
use super::{Ctx, Names};
use crate::base::fmt_minutes;
use crate::error::Diagnostic;
use crate::inventory::file::{AnyFile, IntegrationModeFile, InventoryFile, RequireFile};
use crate::inventory::model::*;
use crate::inventory::time;
use std::collections::HashMap;

/// The services, resolved.
pub(super) fn services(
    cx: &mut Ctx,
    f: &InventoryFile,
    names: &Names,
    comps: &HashMap<&str, Component>,
) -> Vec<Service> {
    // Weighted downtime (weight × minutes, summed) must stay a finite number
    // that prints as one: 10⁶ × a century of minutes × 10⁵ services < 10¹⁹.
    const MAX_WEIGHT: f64 = 1_000_000.0;
    let mut services = Vec::with_capacity(f.services.len());
    for (i, s) in f.services.iter().enumerate() {
        let weight = s.weight.unwrap_or(1.0);
        if !weight.is_finite() || !(0.0..=MAX_WEIGHT).contains(&weight) {
            cx.err(
                "E043",
                format!("services[{i}].weight"),
                format!(
                    "weight {weight} of service `{}` is not a number from 0 to {MAX_WEIGHT}",
                    s.id
                ),
                "weight is the cost of one minute of downtime; use a number such as 1 or 10 (weights only compare services with each other)",
            );
        }
        let mut requires = Vec::new();
        let mut any = Vec::new();
        for (k, r) in s.requires.iter().enumerate() {
            let path = format!("services[{i}].requires[{k}]");
            match r {
                RequireFile::Id(r) => {
                    if let Some(c) = names.component(cx, path, r) {
                        requires.push(c);
                    }
                }
                RequireFile::Any(g) => match any_group(&path, g, comps) {
                    Ok(g) => any.push(g),
                    Err(d) => cx.diags.extend(d),
                },
            }
        }
        let max_downtime = s
            .max_downtime
            .as_ref()
            .and_then(|t| cx.duration(format!("services[{i}].max_downtime"), t));
        services.push(Service {
            id: s.id.clone(),
            weight,
            requires,
            max_downtime,
            any,
            notes: s.notes.clone(),
        });
    }
    services
}

/// The integrations, resolved (one with an unknown end is left out).
pub(super) fn integrations(cx: &mut Ctx, f: &InventoryFile, names: &Names) -> Vec<Integration> {
    let mut integrations = Vec::with_capacity(f.integrations.len());
    for (i, g) in f.integrations.iter().enumerate() {
        let from = names.component(cx, format!("integrations[{i}].from"), &g.from);
        let to = names.component(cx, format!("integrations[{i}].to"), &g.to);
        let tolerance = g
            .tolerance
            .as_ref()
            .and_then(|t| cx.duration(format!("integrations[{i}].tolerance"), t));
        let (mode, tolerance) = match g.mode {
            IntegrationModeFile::Sync => {
                if let Some(t) = tolerance.filter(|&t| t != 0) {
                    cx.err(
                        "E061",
                        format!("integrations[{i}].tolerance"),
                        format!("sync integration `{}` has tolerance {}", g.id, fmt_minutes(t)),
                        "a sync consumer is down as soon as the producer is; remove `tolerance` or use `mode: async`",
                    );
                }
                (IntegrationMode::Sync, 0)
            }
            IntegrationModeFile::Async => {
                if g.tolerance.is_none() {
                    cx.err(
                        "E060",
                        format!("integrations[{i}]"),
                        format!("async integration `{}` has no tolerance", g.id),
                        "add `tolerance: 60m` (how long the consumer rides out a producer outage)",
                    );
                }
                (IntegrationMode::Async, tolerance.unwrap_or(0))
            }
        };
        if let (Some(from), Some(to)) = (from, to) {
            integrations.push(Integration {
                id: g.id.clone(),
                from,
                to,
                mode,
                tolerance,
            });
        }
    }
    integrations
}

/// E097: an `any` group of a service's `requires`.
pub fn any_group(
    path: &str,
    g: &AnyFile,
    comps: &HashMap<&str, Component>,
) -> Result<AnyGroup, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut members = Vec::new();
    for (k, m) in g.any.iter().enumerate() {
        match comps.get(m.as_str()) {
            Some(c) if members.contains(c) => out.push(err(
                "E097",
                format!("{path}.any[{k}]"),
                format!("`{m}` is listed twice in the `any` group"),
                "list each member once",
            )),
            Some(c) => members.push(*c),
            None => out.push(err(
                "E097",
                format!("{path}.any[{k}]"),
                format!("unknown system or cluster `{m}` in the `any` group"),
                match crate::inventory::suggest::suggest(m, comps.keys().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "list systems or clusters defined under `systems:` or `clusters:`".into()
                    }
                },
            )),
        }
    }
    if g.any.len() < 2 {
        out.push(err(
            "E097",
            format!("{path}.any"),
            format!(
                "an `any` group needs at least two members; it has {}",
                g.any.len()
            ),
            "list two or more systems or clusters, or require the one member directly",
        ));
    }
    let switchover = match &g.switchover {
        None => 0,
        Some(t) => time::parse_duration(t.as_str()).unwrap_or_else(|e| {
            out.push(err(e.code, format!("{path}.switchover"), e.message, e.hint));
            0
        }),
    };
    if out.is_empty() {
        Ok(AnyGroup {
            members,
            switchover,
        })
    } else {
        Err(out)
    }
}

/// Every system a service requires: directly, through `any`, and through
/// sync integrations feeding them (transitively).
pub fn service_systems(
    svc: &Service,
    clusters: &[Cluster],
    integrations: &[Integration],
) -> Vec<usize> {
    let direct = svc.requires.iter().copied();
    let comps = sync_closure(
        direct.chain(svc.any.iter().flat_map(|g| g.members.iter().copied())),
        clusters,
        integrations,
    );
    let mut out: Vec<usize> = comps
        .iter()
        .flat_map(|&c| match c {
            Component::System(s) => vec![s],
            Component::Cluster(k) => clusters[k].members.clone(),
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
