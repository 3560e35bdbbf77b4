//! The compiler: maps every rule of an [`Inventory`] onto the core
//! [`Problem`] (DESIGN.md, "Meaning of each rule"). Activity `i` is task `i`.
//! Each resource, exclusion and signal is named after the inventory rule it
//! came from, so explanations can speak the user's words.

use crate::inventory::{Component, IntegrationMode, Inventory};
use crate::model::{
    Activity, Demand, Exclusion, Interval, OnTimeLimit, Precedence, Problem, Resource, Signal, Time,
};
use std::collections::HashMap;

/// Where a core resource came from, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceOrigin {
    /// A system's `parallel_changes` limit (index into the systems).
    System(usize),
    /// A team's capacity (index into the teams).
    Team(usize),
    /// A cluster's members-down limit (index into the clusters).
    Cluster(usize),
    /// A zone's `max_concurrent` limit (index into the zones).
    Zone(usize),
}

/// A compiled problem: activity `i` is task `i` of the inventory.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The core scheduling problem.
    pub problem: Problem,
    /// `resource_origin[r]` is the inventory rule behind resource `r`.
    pub resource_origin: Vec<ResourceOrigin>,
    /// `exclusion_origin[e]` is the DR pair (index into `dr`) behind exclusion `e`.
    pub exclusion_origin: Vec<usize>,
    /// `limit_service[l]` is the service behind on-time limit `l`.
    pub limit_service: Vec<usize>,
}

/// Choices the compiler can make beyond the inventory's rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// Every task with a `backout` must end by `deadline − backout`, so that
    /// a failed change can still be backed out before the window closes.
    /// (No effect without a deadline.)
    pub reserve_backout: bool,
    /// Leave out the blackouts and unavailable intervals that start at or
    /// after this minute: a relaxation (fewer forbidden intervals), exact
    /// for every schedule that ends by then. The pipeline sets it to keep
    /// a far-away blackout list from being copied into every activity, and
    /// re-plans without it when the schedule found does not end by then.
    pub horizon: Option<Time>,
}

/// Compiles a validated inventory into the core problem.
pub fn compile(inv: &Inventory) -> Compiled {
    compile_with(inv, &CompileOptions::default())
}

/// Compiles a validated inventory into the core problem, with options.
pub fn compile_with(inv: &Inventory, opts: &CompileOptions) -> Compiled {
    let mut b = Builder {
        problem: Problem {
            name: "inventory".into(),
            deadline: inv.window.deadline,
            activities: activities(inv, opts),
            ..Problem::default()
        },
        resource_origin: Vec::new(),
    };

    // Indexes built once: scanning every task per system, team, cluster or
    // zone made compiling large estates quadratic.
    let by_system = crate::graph::tasks_by_system(inv, crate::graph::Tasks::All);
    let outages = crate::graph::OutageIndex::new(inv);
    let downs = crate::graph::DownIndex::new(inv);
    let (by_team, by_zone) = team_and_zone_users(inv);

    system_resources(&mut b, inv, &by_system);
    team_resources(&mut b, inv, by_team);
    cluster_resources(&mut b, inv, &outages);
    zone_resources(&mut b, inv, by_zone);
    let Builder {
        mut problem,
        resource_origin,
    } = b;
    let exclusion_origin = dr_exclusions(&mut problem, inv, &downs);

    // Precedences: every edge the dependency graph derives (after, max lags, DR order).
    for e in crate::graph::edges(inv) {
        problem.precedences.push(Precedence {
            from: e.from,
            to: e.to,
            lag: e.lag,
        });
    }

    // Service downtime as signals, with hard limits.
    let limit_service = compile_services(inv, &mut problem, &downs);

    Compiled {
        problem,
        resource_origin,
        exclusion_origin,
        limit_service,
    }
}

/// The problem being built and where each of its resources came from.
struct Builder {
    /// The problem so far.
    problem: Problem,
    /// The rule behind each resource, by resource index.
    resource_origin: Vec<ResourceOrigin>,
}

impl Builder {
    /// Adds a resource with its origin; returns its index.
    fn add(&mut self, r: Resource, origin: ResourceOrigin) -> usize {
        self.problem.resources.push(r);
        self.resource_origin.push(origin);
        self.problem.resources.len() - 1
    }
}

/// One activity per task, with blackouts and unavailable systems as
/// forbidden intervals, windows as allowed ones and, when asked, the point
/// of no return before the deadline.
fn activities(inv: &Inventory, opts: &CompileOptions) -> Vec<Activity> {
    let mut out = Vec::with_capacity(inv.tasks.len());
    // Every task ends by the deadline, so an interval starting at or after
    // it can never be met: left out (exactly). So is one at or after the
    // horizon asked for (a relaxation; see `CompileOptions::horizon`).
    let in_reach = |iv: &Interval| {
        inv.window.deadline.is_none_or(|d| iv.start < d)
            && opts.horizon.is_none_or(|h| iv.start < h)
    };
    for task in &inv.tasks {
        let mut a = Activity::new(task.id.clone(), task.duration);
        a.allowed = task.windows.clone();
        let mut forbidden: Vec<Interval> = inv
            .blackouts
            .iter()
            .filter(|b| in_reach(&b.interval) && inv.blackout_covers(b, task))
            .map(|b| b.interval)
            .collect();
        // Format 1.1: a system's `unavailable` intervals forbid its tasks.
        for &sys in &task.systems {
            forbidden.extend(
                inv.systems[sys]
                    .unavailable
                    .iter()
                    .map(|u| u.interval)
                    .filter(in_reach),
            );
        }
        if let (true, Some(deadline), Some(backout)) =
            (opts.reserve_backout, inv.window.deadline, task.backout)
        {
            // Point of no return: the task must be over by deadline − backout.
            let pnr = deadline - backout;
            forbidden.push(Interval::new(
                pnr,
                pnr.max(deadline) + crate::base::MINUTE_LIMIT,
            ));
        }
        a.forbidden = crate::base::intervals::merge(forbidden);
        out.push(a);
    }

    out
}

/// Per team, `(task, amount)` of each task needing it.
type TeamUsers = Vec<Vec<(usize, u32)>>;

/// Per zone, the tasks it counts.
type ZoneUsers = Vec<Vec<usize>>;

/// Per team, the tasks needing it with the amount (first need counts); per
/// zone, the non-read-only tasks on its systems.
fn team_and_zone_users(inv: &Inventory) -> (TeamUsers, ZoneUsers) {
    let mut by_team: Vec<Vec<(usize, u32)>> = vec![Vec::new(); inv.teams.len()];
    for (i, t) in inv.tasks.iter().enumerate() {
        for &(k, amount) in &t.needs {
            // The first need of a team counts, as before.
            if by_team[k].last().map(|l| l.0) != Some(i) {
                by_team[k].push((i, amount));
            }
        }
    }
    let mut by_zone: Vec<Vec<usize>> = vec![Vec::new(); inv.zones.len()];
    for (i, t) in inv.tasks.iter().enumerate() {
        if t.read_only {
            continue; // format 1.1: not counted by max_concurrent
        }
        for &s in &t.systems {
            if let Some(z) = inv.systems[s].zone {
                if by_zone[z].last() != Some(&i) {
                    by_zone[z].push(i);
                }
            }
        }
    }

    (by_team, by_zone)
}

/// Systems: at most `parallel_changes` tasks at once.
fn system_resources(b: &mut Builder, inv: &Inventory, by_system: &[Vec<usize>]) {
    for (s, sys) in inv.systems.iter().enumerate() {
        let users: Vec<usize> = by_system[s].clone();
        if users.len() < 2 {
            continue;
        }
        let r = b.add(
            Resource::constant(format!("system {}", sys.id), sys.parallel_changes as i64),
            ResourceOrigin::System(s),
        );
        for t in users {
            b.problem.activities[t].demands.push(Demand {
                resource: r,
                amount: 1,
            });
        }
    }
}

/// Teams: capacity, zero outside `available`.
fn team_resources(b: &mut Builder, inv: &Inventory, mut by_team: Vec<Vec<(usize, u32)>>) {
    for (k, team) in inv.teams.iter().enumerate() {
        let users: Vec<(usize, u32)> = std::mem::take(&mut by_team[k]);
        if users.is_empty() {
            continue;
        }
        let cap = team.capacity as i64;
        let steps = match &team.available {
            None => vec![(0, cap)],
            Some(intervals) => availability_steps(intervals, cap),
        };
        let r = b.add(
            Resource {
                name: format!("team {}", team.id),
                steps,
            },
            ResourceOrigin::Team(k),
        );
        for (t, amount) in users {
            b.problem.activities[t].demands.push(Demand {
                resource: r,
                amount: amount as i64,
            });
        }
    }
}

/// Clusters: at most members − min_available members down at once; a
/// cluster that a zero-downtime service depends on must keep one up.
fn cluster_resources(b: &mut Builder, inv: &Inventory, outages: &crate::graph::OutageIndex) {
    let keep_one_up = clusters_to_keep_up(inv);
    for (k, cluster) in inv.clusters.iter().enumerate() {
        let users: Vec<(usize, i64)> = outages
            .on_systems(&cluster.members)
            .into_iter()
            .map(|i| {
                let n = inv.tasks[i]
                    .systems
                    .iter()
                    .filter(|s| cluster.members.contains(s))
                    .count() as i64;
                (i, n)
            })
            .collect();
        let mut cap = cluster.max_unavailable() as i64;
        if keep_one_up[k] {
            cap = cap.min(cluster.members.len() as i64 - 1);
        }
        let total: i64 = users.iter().map(|u| u.1).sum();
        if users.is_empty() || total <= cap {
            continue;
        }
        let r = b.add(
            Resource::constant(format!("cluster {}", cluster.id), cap),
            ResourceOrigin::Cluster(k),
        );
        for (t, amount) in users {
            b.problem.activities[t].demands.push(Demand {
                resource: r,
                amount,
            });
        }
    }
}

/// Zones: at most `max_concurrent` tasks on the zone's systems at once.
fn zone_resources(b: &mut Builder, inv: &Inventory, mut by_zone: Vec<Vec<usize>>) {
    for (z, zone) in inv.zones.iter().enumerate() {
        let users = std::mem::take(&mut by_zone[z]);
        if users.len() as i64 <= zone.max_concurrent as i64 {
            continue;
        }
        let r = b.add(
            Resource::constant(format!("zone {}", zone.id), zone.max_concurrent as i64),
            ResourceOrigin::Zone(z),
        );
        for t in users {
            b.problem.activities[t].demands.push(Demand {
                resource: r,
                amount: 1,
            });
        }
    }
}

/// DR pairs: the two sides are never down at the same minute. Returns the
/// pair index behind each exclusion.
fn dr_exclusions(
    problem: &mut Problem,
    inv: &Inventory,
    downs: &crate::graph::DownIndex,
) -> Vec<usize> {
    let mut exclusion_origin = Vec::new();
    for (p, pair) in inv.dr.iter().enumerate() {
        let side = |c: Component| downs.of(inv, c);
        let (a, b) = (side(pair.primary), side(pair.standby));
        if a.is_empty() || b.is_empty() {
            continue;
        }
        problem.exclusions.push(Exclusion {
            name: format!(
                "DR pair {} / {}",
                inv.component_id(pair.primary),
                inv.component_id(pair.standby)
            ),
            sides: vec![a, b],
        });
        exclusion_origin.push(p);
    }

    exclusion_origin
}

/// Clusters whose "no member up" would take down a service with
/// `max_downtime: 0m`: required directly, or feeding a required component
/// through a chain of sync integrations. Keeping one member up is not a
/// heuristic but exactly what the limit demands.
fn clusters_to_keep_up(inv: &Inventory) -> Vec<bool> {
    let mut keep = vec![false; inv.clusters.len()];
    let stack = inv
        .services
        .iter()
        .filter(|s| s.max_downtime == Some(0))
        .flat_map(|s| s.requires.iter().copied());
    for c in inv.sync_closure(stack) {
        if let Component::Cluster(k) = c {
            keep[k] = true;
        }
    }
    keep
}

/// Capacity `cap` inside the intervals, 0 elsewhere, as a step function.
fn availability_steps(intervals: &[Interval], cap: i64) -> Vec<(Time, i64)> {
    let mut steps = vec![(Time::MIN / 4, 0)];
    for iv in crate::base::intervals::merge(intervals.to_vec()) {
        steps.push((iv.start, cap));
        steps.push((iv.end, 0));
    }
    steps
}

/// Builds the down-signals of systems, clusters and services (with
/// integrations passing outages from producer to consumer) and one on-time
/// limit per service. Returns the service index of each limit.
fn compile_services(
    inv: &Inventory,
    problem: &mut Problem,
    outages: &crate::graph::DownIndex,
) -> Vec<usize> {
    if inv.services.is_empty() {
        return Vec::new();
    }
    let mut incoming: HashMap<Component, Vec<usize>> = HashMap::new();
    for (i, ig) in inv.integrations.iter().enumerate() {
        incoming.entry(ig.to).or_default().push(i);
    }
    let mut builder = SignalBuilder {
        inv,
        signals: Vec::new(),
        memo: HashMap::new(),
        outages,
        incoming,
    };
    let mut limit_service = Vec::new();
    for (k, service) in inv.services.iter().enumerate() {
        let mut parts: Vec<usize> = service
            .requires
            .iter()
            .map(|&c| builder.component(c, &mut Vec::new()).0)
            .collect();
        // Format 1.1: an `any` group is down while every member is down,
        // and for `switchover` minutes after each change of serving member.
        for g in &service.any {
            let members: Vec<usize> = g
                .members
                .iter()
                .map(|&c| builder.component(c, &mut Vec::new()).0)
                .collect();
            let all = builder.push(Signal::All(members.clone()));
            if g.switchover > 0 && members.len() > 1 {
                let sw = builder.push(Signal::Switchover {
                    members,
                    minutes: g.switchover,
                });
                parts.push(builder.push(Signal::Any(vec![all, sw])));
            } else {
                parts.push(all);
            }
        }
        let signal = builder.push(Signal::Any(parts));
        problem.limits.push(OnTimeLimit {
            name: format!("service {}", service.id),
            signal,
            weight: service.weight,
            max_on: service.max_downtime,
        });
        limit_service.push(k);
    }
    problem.signals = builder.signals;
    limit_service
}

struct SignalBuilder<'a> {
    inv: &'a Inventory,
    signals: Vec<Signal>,
    memo: HashMap<Component, usize>,
    outages: &'a crate::graph::DownIndex,
    /// Integrations into each component, in inventory order.
    incoming: HashMap<Component, Vec<usize>>,
}

impl SignalBuilder<'_> {
    fn push(&mut self, s: Signal) -> usize {
        self.signals.push(s);
        self.signals.len() - 1
    }

    /// The signal "component is down", counting outages passed on by
    /// integrations. `path` holds the components being built, to cut
    /// integration cycles; a result that was cut is not memoised, since it
    /// depends on where the walk started. Returns (signal, was_cut).
    fn component(&mut self, c: Component, path: &mut Vec<Component>) -> (usize, bool) {
        if let Some(&s) = self.memo.get(&c) {
            return (s, false);
        }
        path.push(c);
        let mut cut = false;
        let own = match c {
            Component::System(_) => {
                let acts = self.outages.of(self.inv, c);
                self.push(Signal::Running(acts))
            }
            Component::Cluster(k) => {
                let members = self.inv.clusters[k].members.clone();
                let mut parts = Vec::new();
                for m in members {
                    let (sig, was_cut) = self.component(Component::System(m), path);
                    cut |= was_cut;
                    parts.push(sig);
                }
                self.push(Signal::All(parts))
            }
        };
        let mut parts = vec![own];
        let incoming: Vec<_> = self
            .incoming
            .get(&c)
            .into_iter()
            .flatten()
            .map(|&k| &self.inv.integrations[k])
            .map(|i| (i.from, i.mode, i.tolerance))
            .collect();
        for (from, mode, tolerance) in incoming {
            if path.contains(&from) {
                cut = true;
                continue;
            }
            let (producer, was_cut) = self.component(from, path);
            cut |= was_cut;
            parts.push(match mode {
                IntegrationMode::Sync => producer,
                IntegrationMode::Async => self.push(Signal::Delayed {
                    input: producer,
                    tolerance,
                }),
            });
        }
        path.pop();
        let signal = if parts.len() == 1 {
            own
        } else {
            self.push(Signal::Any(parts))
        };
        if !cut {
            self.memo.insert(c, signal);
        }
        (signal, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Format;

    fn inventory(backout: &str) -> Inventory {
        let text = format!(
            "window: {{ start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T00:00 }}\n\
             systems: [{{ id: s }}]\n\
             tasks:\n\
             \x20 - {{ id: patch, system: s, duration: 1h }}\n\
             \x20 - {{ id: upgrade, system: s, duration: 1h, backout: {backout} }}\n"
        );
        crate::pipeline::load_inventory_str(&text, Format::Yaml, "test").unwrap()
    }

    #[test]
    fn reserve_backout_forbids_ending_after_the_point_of_no_return() {
        let inv = inventory("45m");
        assert_eq!(inv.tasks[1].backout, Some(45));
        assert!(compile(&inv).problem.activities[1].forbidden.is_empty());
        let c = compile_with(
            &inv,
            &CompileOptions {
                reserve_backout: true,
                ..Default::default()
            },
        );
        let f = &c.problem.activities[1].forbidden;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].start, 120 - 45);
        assert!(c.problem.activities[0].forbidden.is_empty());
        // Planned with the reserve: the upgrade goes first and ends by 75.
        let opts = crate::solve::SolveOptions {
            time_limit: std::time::Duration::from_secs(10),
            threads: 1,
            ..Default::default()
        };
        match crate::pipeline::plan_inventory_with(
            &inv,
            &opts,
            &CompileOptions {
                reserve_backout: true,
                ..Default::default()
            },
            &crate::progress::Silent,
            &mut crate::pipeline::Timings::default(),
        ) {
            Ok(p) => {
                assert!(p.tasks[1].end_minute <= 75, "{p:?}");
                assert_eq!(p.length_minutes, 120);
            }
            other => panic!("{other:?}"),
        }
        // A backout longer than the room left: no plan.
        let tight = inventory("70m");
        let r = crate::pipeline::plan_inventory_with(
            &tight,
            &opts,
            &CompileOptions {
                reserve_backout: true,
                ..Default::default()
            },
            &crate::progress::Silent,
            &mut crate::pipeline::Timings::default(),
        );
        match r {
            Err(crate::error::NoPlan::Infeasible(why)) => {
                assert!(why.contains("upgrade") && why.contains("22:50"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }
}
