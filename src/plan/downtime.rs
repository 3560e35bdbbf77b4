//! Service downtime accounting, straight from the inventory semantics of
//! DESIGN.md:
//!
//! - a system is down while an outage task runs on it;
//! - a cluster is down (for services and integrations) while no member is up;
//! - an integration makes its consumer count as down while the producer is
//!   (`sync`), or only once a producer outage has lasted continuously longer
//!   than `tolerance` (`async`); this propagates through chains and stops on
//!   cycles (a fixpoint: down sets only grow and are bounded);
//! - a service is down while any required system or cluster is down.
//!
//! All interval sets here are sorted, disjoint, non-empty half-open
//! `[start, end)` minute intervals.

use crate::base::{Interval, Time};
use crate::inventory::{Component, IntegrationMode, Inventory};

use super::ServiceDowntime;

use crate::base::intervals::{intersect, merge, total, union};

/// The minutes at which a signal (given as its on-intervals) has been on
/// continuously for more than `tolerance` minutes: `[a + tolerance, b)` for
/// every run `[a, b)` longer than `tolerance`.
pub fn delayed(a: &[Interval], tolerance: Time) -> Vec<Interval> {
    let tol = tolerance.max(0);
    merge(
        a.iter()
            .filter(|i| i.len() > tol)
            .map(|i| Interval::new(i.start + tol, i.end))
            .collect(),
    )
}

/// Down intervals of every system, cluster and service for one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Downtime {
    /// Per system: minutes it is down, counting outage tasks and integrations.
    pub systems: Vec<Vec<Interval>>,
    /// Per system: minutes an outage task runs on it (no integrations).
    pub systems_own: Vec<Vec<Interval>>,
    /// Per cluster: minutes it has no member up (or is made down by an
    /// integration).
    pub clusters: Vec<Vec<Interval>>,
    /// Per service, in inventory order.
    pub services: Vec<ServiceDowntime>,
    /// Sum over services of weight × downtime minutes.
    pub weighted_total: f64,
}

/// Down intervals of a component given current system and cluster sets.
fn component_down<'a>(
    c: Component,
    systems: &'a [Vec<Interval>],
    clusters: &'a [Vec<Interval>],
) -> &'a [Interval] {
    match c {
        Component::System(s) => systems.get(s).map(|v| v.as_slice()).unwrap_or(&[]),
        Component::Cluster(k) => clusters.get(k).map(|v| v.as_slice()).unwrap_or(&[]),
    }
}

/// Computes every down interval for the plan with these task start minutes
/// (one per task, in inventory order; missing starts count as not run).
pub fn downtime(inv: &Inventory, starts: &[Time]) -> Downtime {
    let ns = inv.systems.len();
    let mut own: Vec<Vec<Interval>> = vec![Vec::new(); ns];
    for (t, task) in inv.tasks.iter().enumerate() {
        let Some(&s) = starts.get(t) else { continue };
        if task.duration <= 0 {
            continue;
        }
        let run = Interval::new(s, s + task.duration);
        if task.outage {
            for &sys in &task.systems {
                if let Some(v) = own.get_mut(sys) {
                    v.push(run);
                }
            }
        }
        // Format 1.1: a planned outage of the systems listed in `down:`.
        for &sys in &task.down {
            if let Some(v) = own.get_mut(sys) {
                v.push(run);
            }
        }
    }
    let own: Vec<Vec<Interval>> = own.into_iter().map(merge).collect();
    let mut d = downtime_from(inv, own);
    // Format 1.1: what the systems' `unavailable` intervals alone cause.
    if inv.systems.iter().any(|s| !s.unavailable.is_empty()) {
        let own = inv
            .systems
            .iter()
            .map(|s| merge(s.unavailable.iter().map(|u| u.interval).collect()))
            .collect();
        let apart = downtime_from(inv, own);
        for (svc, u) in d.services.iter_mut().zip(apart.services) {
            svc.unavailable_minutes = u.downtime_minutes;
            svc.unavailable_intervals = u.intervals;
        }
    }
    d
}

/// The serving member of an `any` group at minute `t`: the first member
/// (list order) that is up.
fn serving(members: &[Vec<Interval>], t: Time) -> Option<usize> {
    members
        .iter()
        .position(|d| !d.iter().any(|i| i.start <= t && t < i.end))
}

/// Down intervals of an `any` group (format 1.1): every member down, and
/// `switchover` minutes from each minute after the window start at which
/// the serving member changes from one member to another.
pub fn any_down(members: &[Vec<Interval>], switchover: Time) -> Vec<Interval> {
    let mut all: Option<Vec<Interval>> = None;
    for d in members {
        all = Some(match all {
            None => d.clone(),
            Some(acc) => intersect(&acc, d),
        });
    }
    let mut down = all.unwrap_or_default();
    if switchover <= 0 {
        return down;
    }
    let mut points: Vec<Time> = members
        .iter()
        .flatten()
        .flat_map(|i| [i.start, i.end])
        .filter(|&p| p >= 0)
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut changes = Vec::new();
    for p in points {
        if let (Some(a), Some(b)) = (serving(members, p - 1), serving(members, p)) {
            if a != b {
                changes.push(Interval::new(p, p + switchover));
            }
        }
    }
    down = union(&down, &merge(changes));
    down
}

/// [`downtime`] from given down intervals of every system.
fn downtime_from(inv: &Inventory, own: Vec<Vec<Interval>>) -> Downtime {
    let ns = inv.systems.len();

    // Fixpoint over integrations. Induced sets only grow, and every interval
    // lies within the span of the plan's outages, so this terminates; the
    // iteration cap is a guard only.
    let mut induced_sys: Vec<Vec<Interval>> = vec![Vec::new(); ns];
    let mut induced_cl: Vec<Vec<Interval>> = vec![Vec::new(); inv.clusters.len()];
    let mut systems = own.clone();
    let mut clusters: Vec<Vec<Interval>> = Vec::new();
    let cap = 4 * (inv.integrations.len() + inv.clusters.len() + ns) + 16;
    for _ in 0..cap {
        systems = own
            .iter()
            .zip(&induced_sys)
            .map(|(a, b)| union(a, b))
            .collect();
        clusters = inv
            .clusters
            .iter()
            .zip(&induced_cl)
            .map(|(cl, ind)| {
                let mut all: Option<Vec<Interval>> = None;
                for &m in &cl.members {
                    let d = systems.get(m).cloned().unwrap_or_default();
                    all = Some(match all {
                        None => d,
                        Some(acc) => intersect(&acc, &d),
                    });
                }
                union(&all.unwrap_or_default(), ind)
            })
            .collect();
        let mut changed = false;
        for ig in &inv.integrations {
            let prod = component_down(ig.from, &systems, &clusters);
            let effect = match ig.mode {
                IntegrationMode::Sync => prod.to_vec(),
                IntegrationMode::Async => delayed(prod, ig.tolerance),
            };
            let target = match ig.to {
                Component::System(s) => induced_sys.get_mut(s),
                Component::Cluster(k) => induced_cl.get_mut(k),
            };
            if let Some(target) = target {
                let new = union(target, &effect);
                if new != *target {
                    *target = new;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }

    let mut weighted_total = 0.0;
    let services = inv
        .services
        .iter()
        .map(|svc| {
            let mut down = Vec::new();
            for &c in &svc.requires {
                down = union(&down, component_down(c, &systems, &clusters));
            }
            for g in &svc.any {
                let members: Vec<Vec<Interval>> = g
                    .members
                    .iter()
                    .map(|&c| component_down(c, &systems, &clusters).to_vec())
                    .collect();
                down = union(&down, &any_down(&members, g.switchover));
            }
            let minutes = total(&down);
            weighted_total += svc.weight * minutes as f64;
            ServiceDowntime {
                id: svc.id.clone(),
                downtime_minutes: minutes,
                intervals: down.iter().map(|i| [i.start, i.end]).collect(),
                unavailable_minutes: 0,
                unavailable_intervals: Vec::new(),
            }
        })
        .collect();
    Downtime {
        systems,
        systems_own: own,
        clusters,
        services,
        weighted_total,
    }
}

/// Per-service downtime for a plan (see [`downtime`]).
pub fn service_downtime(inv: &Inventory, starts: &[Time]) -> Vec<ServiceDowntime> {
    downtime(inv, starts).services
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::testkit::Builder;

    fn iv(s: Time, e: Time) -> Interval {
        Interval::new(s, e)
    }

    #[test]
    fn interval_arithmetic() {
        let a = merge(vec![iv(5, 10), iv(0, 3), iv(3, 4), iv(8, 12), iv(20, 20)]);
        assert_eq!(a, vec![iv(0, 4), iv(5, 12)]);
        let b = vec![iv(2, 6), iv(11, 30)];
        assert_eq!(intersect(&a, &b), vec![iv(2, 4), iv(5, 6), iv(11, 12)]);
        assert_eq!(union(&a, &b), vec![iv(0, 30)]);
        assert_eq!(total(&a), 11);
        assert_eq!(delayed(&[iv(0, 60), iv(100, 161)], 60), vec![iv(160, 161)]);
    }

    #[test]
    fn system_outage_and_online_change() {
        let mut b = Builder::new();
        let db = b.system("db");
        b.task("t1", &[db], 30);
        let t2 = b.task("t2", &[db], 20);
        b.inv.tasks[t2].outage = false;
        b.service("bank", 2.0, &[Component::System(db)]);
        let d = downtime(&b.inv, &[10, 50]);
        assert_eq!(d.systems[db], vec![iv(10, 40)]);
        assert_eq!(d.services[0].downtime_minutes, 30);
        assert_eq!(d.services[0].intervals, vec![[10, 40]]);
        assert_eq!(d.weighted_total, 60.0);
    }

    #[test]
    fn cluster_down_only_when_no_member_up() {
        let mut b = Builder::new();
        let w1 = b.system("web-1");
        let w2 = b.system("web-2");
        let k = b.cluster("web", &[w1, w2], 1);
        b.task("p1", &[w1], 30);
        b.task("p2", &[w2], 30);
        b.service("site", 1.0, &[Component::Cluster(k)]);
        // Overlap 20..30 only.
        let d = downtime(&b.inv, &[0, 20]);
        assert_eq!(d.clusters[k], vec![iv(20, 30)]);
        assert_eq!(d.services[0].downtime_minutes, 10);
        // No overlap: never down.
        let d = downtime(&b.inv, &[0, 30]);
        assert_eq!(d.services[0].downtime_minutes, 0);
    }

    #[test]
    fn sync_integration() {
        let mut b = Builder::new();
        let db = b.system("db");
        let app = b.system("app");
        b.integration(
            "feed",
            Component::System(db),
            Component::System(app),
            IntegrationMode::Sync,
            0,
        );
        b.task("t", &[db], 45);
        b.service("svc", 1.0, &[Component::System(app)]);
        let d = downtime(&b.inv, &[15]);
        assert_eq!(d.services[0].intervals, vec![[15, 60]]);
    }

    #[test]
    fn async_integration_tolerance() {
        let mut b = Builder::new();
        let db = b.system("db");
        let dwh = b.system("dwh");
        b.integration(
            "feed",
            Component::System(db),
            Component::System(dwh),
            IntegrationMode::Async,
            60,
        );
        b.task("short", &[db], 60);
        b.task("long", &[db], 90);
        b.service("reports", 1.0, &[Component::System(dwh)]);
        // 60-minute outage: ridden out. 90-minute outage from 100: down 160..190.
        let d = downtime(&b.inv, &[0, 100]);
        assert_eq!(d.services[0].intervals, vec![[160, 190]]);
        assert_eq!(d.services[0].downtime_minutes, 30);
        // Back to back outages are one continuous outage of 150 minutes.
        let d = downtime(&b.inv, &[0, 60]);
        assert_eq!(d.services[0].intervals, vec![[60, 150]]);
    }

    #[test]
    fn chain_and_cycle() {
        let mut b = Builder::new();
        let a = b.system("a");
        let m = b.system("m");
        let z = b.system("z");
        let (ca, cm, cz) = (
            Component::System(a),
            Component::System(m),
            Component::System(z),
        );
        b.integration("a-m", ca, cm, IntegrationMode::Sync, 0);
        b.integration("m-z", cm, cz, IntegrationMode::Async, 10);
        b.integration("z-a", cz, ca, IntegrationMode::Sync, 0); // cycle
        b.task("t", &[a], 30);
        b.service("end", 1.0, &[cz]);
        b.service("mid", 1.0, &[cm]);
        let d = downtime(&b.inv, &[0]);
        assert_eq!(d.services[0].intervals, vec![[10, 30]]);
        assert_eq!(d.services[1].intervals, vec![[0, 30]]);
        assert_eq!(d.systems[a], vec![iv(0, 30)]);
    }

    #[test]
    fn cluster_producer_and_consumer() {
        let mut b = Builder::new();
        let w1 = b.system("w1");
        let w2 = b.system("w2");
        let k = b.cluster("web", &[w1, w2], 1);
        let api = b.system("api");
        b.integration(
            "i",
            Component::Cluster(k),
            Component::System(api),
            IntegrationMode::Sync,
            0,
        );
        b.task("p1", &[w1], 30);
        b.task("p2", &[w2], 30);
        b.service("api", 1.0, &[Component::System(api)]);
        let d = downtime(&b.inv, &[0, 10]);
        assert_eq!(d.services[0].intervals, vec![[10, 30]]);
    }

    /// Random estates with chains and cycles of integrations, against a
    /// minute-by-minute fixpoint.
    #[test]
    fn agrees_with_minute_by_minute_oracle() {
        let mut rng = crate::rng::SplitMix64::new(0x2545_F491_4F6C_DD1D);
        let mut rnd = |n: u64| rng.next_u64() % n.max(1);
        const H: usize = 200;
        for _case in 0..200 {
            let mut b = Builder::new();
            let ns = 5;
            let sys: Vec<usize> = (0..ns).map(|i| b.system(&format!("s{i}"))).collect();
            let k = b.cluster("c", &[sys[0], sys[1]], 1);
            let comps: Vec<Component> = sys
                .iter()
                .map(|&x| Component::System(x))
                .chain([Component::Cluster(k)])
                .collect();
            for i in 0..rnd(5) {
                let from = comps[rnd(comps.len() as u64) as usize];
                let to = comps[rnd(comps.len() as u64) as usize];
                let mode = if rnd(2) == 0 {
                    IntegrationMode::Sync
                } else {
                    IntegrationMode::Async
                };
                b.integration(&format!("i{i}"), from, to, mode, rnd(30) as Time);
            }
            let nt = 2 + rnd(5) as usize;
            for t in 0..nt {
                b.task(
                    &format!("t{t}"),
                    &[sys[rnd(ns as u64) as usize]],
                    rnd(60) as Time,
                );
            }
            b.service("a", 1.0, &[comps[rnd(6) as usize]]);
            b.service("b", 2.0, &[comps[rnd(6) as usize], comps[rnd(6) as usize]]);
            let starts: Vec<Time> = (0..nt).map(|_| rnd(100) as Time).collect();
            let inv = &b.inv;

            // Oracle.
            let mut own = vec![[false; H]; ns];
            for (t, task) in inv.tasks.iter().enumerate() {
                for m in starts[t]..starts[t] + task.duration {
                    own[task.systems[0]][m as usize] = true;
                }
            }
            let mut ind_s = vec![[false; H]; ns];
            let mut ind_c = [false; H];
            let (mut sd, mut cd);
            loop {
                sd = own.clone();
                for x in 0..ns {
                    for m in 0..H {
                        sd[x][m] |= ind_s[x][m];
                    }
                }
                cd = [false; H];
                for m in 0..H {
                    cd[m] = (sd[0][m] && sd[1][m]) || ind_c[m];
                }
                let get = |c: Component, sd: &Vec<[bool; H]>, cd: &[bool; H]| match c {
                    Component::System(x) => sd[x],
                    Component::Cluster(_) => *cd,
                };
                let mut changed = false;
                for ig in &inv.integrations {
                    let p = get(ig.from, &sd, &cd);
                    for m in 0..H {
                        let on = match ig.mode {
                            IntegrationMode::Sync => p[m],
                            IntegrationMode::Async => {
                                let tol = ig.tolerance as usize;
                                m >= tol && (m - tol..=m).all(|q| p[q])
                            }
                        };
                        if on {
                            let slot = match ig.to {
                                Component::System(x) => &mut ind_s[x][m],
                                Component::Cluster(_) => &mut ind_c[m],
                            };
                            if !*slot {
                                *slot = true;
                                changed = true;
                            }
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            let d = downtime(inv, &starts);
            for (si, svc) in inv.services.iter().enumerate() {
                let mut want = 0;
                for m in 0..H {
                    if svc.requires.iter().any(|&c| match c {
                        Component::System(x) => sd[x][m],
                        Component::Cluster(_) => cd[m],
                    }) {
                        want += 1;
                    }
                }
                assert_eq!(
                    d.services[si].downtime_minutes, want,
                    "starts {starts:?} inv {inv:#?}"
                );
            }
        }
    }
}
