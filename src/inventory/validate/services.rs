//! Services (E043 weight, E035 unknown requirement, format 1.1 `any`
//! groups, max_downtime) and integrations (E035, E060 async without
//! tolerance, E061 sync with tolerance).

use super::{Ctx, Names};
use crate::base::fmt_minutes;
use crate::inventory::file::{IntegrationModeFile, InventoryFile, RequireFile};
use crate::inventory::{Component, Integration, IntegrationMode, Service};
use std::collections::HashMap;

/// The services, resolved.
pub(super) fn services(
    cx: &mut Ctx,
    f: &InventoryFile,
    names: &Names,
    comps: &HashMap<&str, Component>,
) -> Vec<Service> {
    let mut services = Vec::with_capacity(f.services.len());
    for (i, s) in f.services.iter().enumerate() {
        let weight = s.weight.unwrap_or(1.0);
        if !weight.is_finite() || weight < 0.0 {
            cx.err(
                "E043",
                format!("services[{i}].weight"),
                format!(
                    "weight {weight} of service `{}` is not a finite number >= 0",
                    s.id
                ),
                "weight is the cost of one minute of downtime; use a number such as 1 or 10",
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
                RequireFile::Any(g) => match super::format11::any_group(&path, g, comps) {
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
