//! Availability analysis (`windowplan availability`): for each service, the
//! least downtime any plan could have, why (its single points of failure:
//! non-redundant systems that carry outage tasks, reached directly or through
//! sync integrations), and what would bring it to zero — each suggestion
//! verified by re-planning the changed inventory.

use crate::inventory::{Component, IntegrationMode, Inventory};
use crate::model::Time;
use crate::report::fmt_minutes;
use crate::solve::SolveOptions;
use crate::PlanResult;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;

/// A non-redundant system whose outages take a service down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SinglePoint {
    pub system: String,
    /// How the service reaches it: `requires`, or the sync integrations on the way.
    pub via: Vec<String>,
    /// Its outage tasks.
    pub outage_tasks: Vec<String>,
    /// Least minutes it is down in any plan (its outages cannot all overlap
    /// beyond its `parallel_changes`).
    pub least_down: Time,
}

/// A change to the inventory, and the service's downtime once re-planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub change: String,
    /// Downtime of the service in the re-planned inventory; `None` when no
    /// plan was found for it.
    pub downtime_minutes: Option<Time>,
    /// Window length of the re-planned inventory.
    pub window_minutes: Option<Time>,
}

/// One service's availability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAvailability {
    pub service: String,
    /// Downtime in the plan found here.
    pub planned_downtime_minutes: Option<Time>,
    /// No plan can keep it down for less.
    pub least_downtime_minutes: Time,
    pub single_points: Vec<SinglePoint>,
    pub suggestions: Vec<Suggestion>,
}

/// The systems a service depends on without redundancy: required systems,
/// and systems feeding a required component through sync integrations
/// (a cluster whose `min_available` is 0 also counts through its members).
fn single_points(inv: &Inventory, service: usize) -> Vec<(usize, Vec<String>)> {
    let mut out: Vec<(usize, Vec<String>)> = Vec::new();
    let mut stack: Vec<(Component, Vec<String>)> = inv.services[service]
        .requires
        .iter()
        .map(|&c| (c, vec![format!("requires {}", inv.component_id(c))]))
        .collect();
    let mut seen: Vec<Component> = Vec::new();
    while let Some((c, via)) = stack.pop() {
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        if let Component::System(s) = c {
            if !out.iter().any(|(x, _)| *x == s) {
                out.push((s, via.clone()));
            }
        }
        for i in &inv.integrations {
            if i.to == c && i.mode == IntegrationMode::Sync {
                let mut v = via.clone();
                v.push(format!(
                    "sync integration {} from {}",
                    i.id,
                    inv.component_id(i.from)
                ));
                stack.push((i.from, v));
            }
        }
    }
    out
}

/// The inventory with a partner node for each single point: a new system
/// `<id>-b` like it, a cluster of the two with `min_available: 1` that takes
/// the system's place in services and integrations, and every task on the
/// system repeated on the partner.
fn with_partners(inv: &Inventory, points: &[SinglePoint]) -> Inventory {
    let mut out = inv.clone();
    for p in points {
        let Some(s) = inv.systems.iter().position(|x| x.id == p.system) else {
            continue;
        };
        let partner = out.systems.len();
        let mut sys = inv.systems[s].clone();
        sys.id = format!("{}-b", sys.id);
        out.systems.push(sys);
        let cluster = out.clusters.len();
        out.clusters.push(crate::inventory::Cluster {
            id: format!("{}-pair", inv.systems[s].id),
            members: vec![s, partner],
            min_available: 1,
        });
        let to_pair = |c: &mut Component| {
            if *c == Component::System(s) {
                *c = Component::Cluster(cluster);
            }
        };
        for svc in out.services.iter_mut() {
            svc.requires.iter_mut().for_each(to_pair);
        }
        for i in out.integrations.iter_mut() {
            to_pair(&mut i.from);
            to_pair(&mut i.to);
        }
        // Tasks on the system alone are repeated on the partner; a copy waits
        // for the copies of its predecessors that were repeated too.
        let originals: Vec<usize> = (0..inv.tasks.len())
            .filter(|&t| inv.tasks[t].systems == [s])
            .collect();
        let base = out.tasks.len();
        let copy_of = |t: usize| originals.iter().position(|&o| o == t).map(|k| base + k);
        for &t in &originals {
            let mut c = inv.tasks[t].clone();
            c.id = format!("{}@{}", c.id, out.systems[partner].id);
            c.systems = vec![partner];
            for a in c.after.iter_mut() {
                if let Some(k) = copy_of(a.task) {
                    a.task = k;
                }
            }
            out.tasks.push(c);
        }
    }
    out
}

/// Analyses every service, re-planning each suggestion in parallel.
pub fn analyse(inv: &Inventory, opts: &SolveOptions) -> Vec<ServiceAvailability> {
    let base = crate::plan_inventory(inv, opts);
    let planned = match &base {
        PlanResult::Planned(p) => Some(p),
        _ => None,
    };
    let short = super::short_options(opts, inv.services.len() * 2 + 1);
    (0..inv.services.len())
        .map(|k| {
            let points: Vec<SinglePoint> = single_points(inv, k)
                .into_iter()
                .filter_map(|(s, via)| {
                    let tasks: Vec<usize> = crate::graph::outage_tasks_of(inv, Component::System(s));
                    if tasks.is_empty() {
                        return None;
                    }
                    let durations: Vec<Time> = tasks.iter().map(|&t| inv.tasks[t].duration).collect();
                    let sum: Time = durations.iter().sum();
                    let longest = durations.iter().copied().max().unwrap_or(0);
                    let pc = Time::from(inv.systems[s].parallel_changes.max(1));
                    Some(SinglePoint {
                        system: inv.systems[s].id.clone(),
                        via,
                        outage_tasks: tasks.iter().map(|&t| inv.tasks[t].id.clone()).collect(),
                        least_down: longest.max((sum + pc - 1) / pc),
                    })
                })
                .collect();
            let least = points.iter().map(|p| p.least_down).max().unwrap_or(0);
            let mut changes: Vec<(String, Inventory)> = Vec::new();
            if !points.is_empty() {
                // Every outage on the single points made an online change.
                let mut online = inv.clone();
                for p in &points {
                    for t in online.tasks.iter_mut() {
                        if p.outage_tasks.contains(&t.id) {
                            t.outage = false;
                        }
                    }
                }
                changes.push((
                    format!(
                        "make the outage tasks on {} online changes (outage: false), e.g. by failing over first",
                        crate::report::join_words(&points.iter().map(|p| p.system.as_str()).collect::<Vec<_>>())
                    ),
                    online,
                ));
            }
            // A redundant partner for each single point: a second node, patched
            // the same way, in a cluster that keeps one of the two up.
            if !points.is_empty() {
                changes.push((
                    format!(
                        "add a second node beside {} (a cluster keeping one of the two up; its tasks repeated on the new node)",
                        crate::report::join_words(&points.iter().map(|p| p.system.as_str()).collect::<Vec<_>>())
                    ),
                    with_partners(inv, &points),
                ));
            }
            // Sync integrations on the way made async with enough tolerance.
            let longest = points.iter().map(|p| p.least_down).max().unwrap_or(0);
            let sync_ids: Vec<String> = points
                .iter()
                .flat_map(|p| p.via.iter())
                .filter_map(|v| v.strip_prefix("sync integration ").and_then(|r| r.split(' ').next()))
                .map(str::to_string)
                .collect();
            if !sync_ids.is_empty() {
                let mut changed = inv.clone();
                for i in changed.integrations.iter_mut() {
                    if sync_ids.contains(&i.id) {
                        i.mode = IntegrationMode::Async;
                        i.tolerance = i.tolerance.max(longest);
                    }
                }
                changes.push((
                    format!(
                        "make integration {} async with a tolerance of {}",
                        crate::report::join_words(&sync_ids),
                        fmt_minutes(longest)
                    ),
                    changed,
                ));
            }
            let suggestions = changes
                .into_par_iter()
                .map(|(change, changed)| {
                    let (downtime_minutes, window_minutes) = match crate::plan_inventory(&changed, &short) {
                        PlanResult::Planned(p) => (
                            p.services.get(k).map(|s| s.downtime_minutes),
                            Some(p.length_minutes),
                        ),
                        _ => (None, None),
                    };
                    Suggestion {
                        change,
                        downtime_minutes,
                        window_minutes,
                    }
                })
                .collect();
            ServiceAvailability {
                service: inv.services[k].id.clone(),
                planned_downtime_minutes: planned.and_then(|p| p.services.get(k)).map(|s| s.downtime_minutes),
                least_downtime_minutes: least,
                single_points: points,
                suggestions,
            }
        })
        .collect()
}

/// The analysis in words.
pub fn to_text(report: &[ServiceAvailability]) -> String {
    let mut s = String::new();
    for a in report {
        let planned = a
            .planned_downtime_minutes
            .map(fmt_minutes)
            .unwrap_or_else(|| "no plan".into());
        let _ = writeln!(
            s,
            "{}: down {} in the plan; no plan can keep it down less than {}",
            a.service,
            planned,
            fmt_minutes(a.least_downtime_minutes)
        );
        if a.single_points.is_empty() {
            let _ = writeln!(
                s,
                "  no single point of failure carries an outage: zero downtime is possible"
            );
        }
        for p in &a.single_points {
            let _ = writeln!(
                s,
                "  single point of failure {} ({}): outages {} — at least {} down",
                p.system,
                p.via.join(", "),
                p.outage_tasks.join(", "),
                fmt_minutes(p.least_down)
            );
        }
        for g in &a.suggestions {
            let outcome = match (g.downtime_minutes, g.window_minutes) {
                (Some(d), Some(w)) => format!(
                    "re-planned: down {}, window {}",
                    fmt_minutes(d),
                    fmt_minutes(w)
                ),
                _ => "re-planned: no plan found".to_string(),
            };
            let _ = writeln!(s, "  what if: {} → {}", g.change, outcome);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{load_str, Format};
    use std::time::Duration;

    #[test]
    fn single_database_is_the_floor_and_online_change_clears_it() {
        let inv = load_str(
            r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: web-1 }, { id: web-2 }, { id: db }, { id: idp }]
clusters: [{ id: web, members: [web-1, web-2], min_available: 1 }]
services: [{ id: shop, requires: [web, db] }]
integrations: [{ id: sso, from: idp, to: web, mode: sync }]
tasks:
  - { id: patch-web, cluster: web, duration: 30m }
  - { id: patch-db, system: db, duration: 40m }
  - { id: upgrade-idp, system: idp, duration: 20m }
"#,
            Format::Yaml,
            "t.yaml",
        )
        .unwrap();
        let opts = SolveOptions {
            time_limit: Duration::from_millis(500),
            threads: 1,
            ..Default::default()
        };
        let r = analyse(&inv, &opts);
        assert_eq!(r.len(), 1);
        let shop = &r[0];
        // db (40m) is required directly; idp (20m) reaches the web tier by sync.
        let names: Vec<&str> = shop
            .single_points
            .iter()
            .map(|p| p.system.as_str())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"db") && names.contains(&"idp"));
        assert_eq!(shop.least_downtime_minutes, 40);
        assert!(shop.planned_downtime_minutes.unwrap() >= 40);
        let online = &shop.suggestions[0];
        assert_eq!(online.downtime_minutes, Some(0), "{online:?}");
        assert!(shop.suggestions.iter().any(|g| g.change.contains("async")));
        let partner = shop
            .suggestions
            .iter()
            .find(|g| g.change.contains("second node"))
            .unwrap();
        assert_eq!(partner.downtime_minutes, Some(0), "{partner:?}");
    }
}
