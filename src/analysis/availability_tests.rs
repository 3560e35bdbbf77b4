//! The availability floor: hand-computed cases (each with a plan that meets
//! the floor, checked by the independent checker), the planner never below
//! it, and a brute-force check that no plan of small random estates is.

use super::*;
use crate::check::check;
use crate::inventory::testkit::Builder;
use crate::inventory::{load_str, Format};
use crate::plan::downtime::service_downtime;
use std::time::Duration;

fn inv(body: &str) -> Inventory {
    let text = format!("window: {{ start: 2026-12-05T22:00, timezone: UTC }}\n{body}");
    load_str(&text, Format::Yaml, "t.yaml").unwrap()
}

fn floor_of_service(inv: &Inventory, service: &str) -> Floor {
    let k = inv.services.iter().position(|s| s.id == service).unwrap();
    floors(inv).swap_remove(k)
}

/// The service's downtime in the plan with these starts (by task id), after
/// the checker has accepted the plan.
#[track_caller]
fn downtime_of(inv: &Inventory, service: &str, starts: &[(&str, Time)]) -> Time {
    let mut s = vec![0; inv.tasks.len()];
    for &(id, at) in starts {
        s[inv.task_index(id).unwrap()] = at;
    }
    let violations = check(inv, &s);
    assert!(violations.is_empty(), "{violations:?}");
    let k = inv.services.iter().position(|x| x.id == service).unwrap();
    service_downtime(inv, &s)[k].downtime_minutes
}

/// The planner's downtime for the service, which may not beat the floor.
#[track_caller]
fn planned_not_below_floor(inv: &Inventory) {
    let opts = SolveOptions {
        time_limit: Duration::from_millis(300),
        threads: 1,
        ..Default::default()
    };
    let Ok(p) = crate::pipeline::plan_inventory(inv, &opts) else {
        panic!("no plan");
    };
    for (f, s) in floors(inv).iter().zip(&p.services) {
        assert!(
            s.downtime_minutes >= f.least_downtime_minutes,
            "{}: planned {} < floor {}",
            s.id,
            s.downtime_minutes,
            f.least_downtime_minutes
        );
    }
}

const FEED: &str = "
systems: [{ id: db }, { id: dwh }]
services: [{ id: reports, requires: [dwh] }]
integrations: [{ id: feed, from: db, to: dwh, mode: async, tolerance: 60m }]
";

#[test]
fn async_outage_within_the_tolerance_is_ridden_out() {
    for d in ["40m", "60m"] {
        let i = inv(&format!(
            "{FEED}tasks: [{{ id: patch-db, system: db, duration: {d} }}]\n"
        ));
        let f = floor_of_service(&i, "reports");
        assert_eq!(f.least_downtime_minutes, 0, "{d}");
        let p = &f.single_points[0];
        assert_eq!((p.system.as_str(), p.tolerance_minutes), ("db", 60));
        assert!(p.via.iter().any(|v| v.contains("async integration feed")));
        assert_eq!(downtime_of(&i, "reports", &[("patch-db", 0)]), 0);
        planned_not_below_floor(&i);
    }
}

#[test]
fn async_outage_longer_than_the_tolerance_counts_past_it() {
    for (d, want) in [("61m", 1), ("90m", 30)] {
        let i = inv(&format!(
            "{FEED}tasks: [{{ id: patch-db, system: db, duration: {d} }}]\n"
        ));
        let f = floor_of_service(&i, "reports");
        assert_eq!(f.least_downtime_minutes, want, "{d}");
        assert_eq!(f.single_points[0].least_down, want);
        assert_eq!(downtime_of(&i, "reports", &[("patch-db", 7)]), want);
        planned_not_below_floor(&i);
    }
}

#[test]
fn async_hops_add_their_tolerances_and_the_least_route_counts() {
    // db -(async 20m)-> etl -(async 15m)-> dwh: a 60m outage reaches dwh
    // after 35m.
    let two_hops = "
systems: [{ id: db }, { id: etl }, { id: dwh }]
services: [{ id: reports, requires: [dwh] }]
tasks: [{ id: patch-db, system: db, duration: 60m }]
integrations:
  - { id: extract, from: db, to: etl, mode: async, tolerance: 20m }
  - { id: load, from: etl, to: dwh, mode: async, tolerance: 15m }
";
    let i = inv(two_hops);
    let f = floor_of_service(&i, "reports");
    assert_eq!(f.least_downtime_minutes, 25);
    assert_eq!(f.single_points[0].tolerance_minutes, 35);
    assert_eq!(
        f.single_points[0].via.len(),
        3,
        "{:?}",
        f.single_points[0].via
    );
    assert_eq!(downtime_of(&i, "reports", &[("patch-db", 0)]), 25);
    planned_not_below_floor(&i);

    // A sync first hop adds nothing: 60 − 15.
    let i = inv(&two_hops.replace("mode: async, tolerance: 20m", "mode: sync"));
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 45);
    assert_eq!(downtime_of(&i, "reports", &[("patch-db", 0)]), 45);

    // A direct feed with a 50m tolerance beside the two hops: the two hops
    // (35m) still count, being the least tolerance.
    let i = inv(&format!(
        "{two_hops}  - {{ id: direct, from: db, to: dwh, mode: async, tolerance: 50m }}\n"
    ));
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 25);
    assert_eq!(downtime_of(&i, "reports", &[("patch-db", 0)]), 25);

    // Through a cluster: the feed into app-tier takes the service down
    // even though neither member has an outage.
    let i = inv("
systems: [{ id: db }, { id: app-1 }, { id: app-2 }]
clusters: [{ id: app-tier, members: [app-1, app-2], min_available: 1 }]
services: [{ id: shop, requires: [app-tier] }]
integrations: [{ id: orders, from: db, to: app-tier, mode: async, tolerance: 30m }]
tasks: [{ id: patch-db, system: db, duration: 50m }]
");
    assert_eq!(floor_of_service(&i, "shop").least_downtime_minutes, 20);
    assert_eq!(downtime_of(&i, "shop", &[("patch-db", 0)]), 20);
    planned_not_below_floor(&i);
}

#[test]
fn async_and_direct_outages_add_up_only_when_they_cannot_overlap() {
    // dwh-patch (30m) takes reports down directly; patch-db (90m) through
    // the 60m feed for its last 30m. They may overlap: the larger counts.
    let free = format!(
        "{FEED}tasks:\n  - {{ id: patch-db, system: db, duration: 90m }}\n  - {{ id: dwh-patch, system: dwh, duration: 30m }}\n"
    );
    let i = inv(&free);
    let f = floor_of_service(&i, "reports");
    assert_eq!(f.least_downtime_minutes, 30);
    assert!(f.never_overlapping.is_empty());
    let both = [("patch-db", 0), ("dwh-patch", 60)];
    assert_eq!(downtime_of(&i, "reports", &both), 30);
    planned_not_below_floor(&i);

    // One engineer does both: never at once, so 30 + 30.
    let serial = format!(
        "teams: [{{ id: ops, capacity: 1 }}]\n{}",
        free.replace("duration: 90m", "duration: 90m, team: ops")
            .replace("duration: 30m", "duration: 30m, team: ops")
    );
    let i = inv(&serial);
    let f = floor_of_service(&i, "reports");
    assert_eq!(f.least_downtime_minutes, 60);
    let mut parts: Vec<(&str, Time)> = f
        .never_overlapping
        .iter()
        .map(|o| (o.system.as_str(), o.minutes))
        .collect();
    parts.sort();
    assert_eq!(parts, [("db", 30), ("dwh", 30)]);
    assert_eq!(
        downtime_of(&i, "reports", &[("patch-db", 0), ("dwh-patch", 90)]),
        60
    );
    planned_not_below_floor(&i);

    // Ordered by `after`: never at once either.
    let i = inv(&free.replace("duration: 30m }", "duration: 30m, after: [patch-db] }"));
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 60);
    let text = crate::report::availability::text(&[ServiceAvailability {
        service: "reports".into(),
        planned_downtime_minutes: Some(60),
        least_downtime_minutes: 60,
        single_points: Vec::new(),
        never_overlapping: floor_of_service(&i, "reports").never_overlapping,
        forced_switchovers: Vec::new(),
        max_downtime_minutes: None,
        suggestions: Vec::new(),
        untried_changes: 0,
        cut: None,
    }]);
    assert!(
        text.contains("can never overlap") && text.contains("past the 1h tolerance"),
        "{text}"
    );
}

#[test]
fn outages_of_one_system_count_each_past_the_tolerance_and_joined_ones_together() {
    // Two long outages, one at a time: each counts past the tolerance.
    let i = inv(&format!(
        "{FEED}tasks:\n  - {{ id: a, system: db, duration: 90m }}\n  - {{ id: b, system: db, duration: 80m }}\n"
    ));
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 50);
    assert_eq!(downtime_of(&i, "reports", &[("a", 0), ("b", 100)]), 50);
    planned_not_below_floor(&i);

    // Two at once allowed: run together they count once.
    let i = inv(&format!(
        "{}tasks:\n  - {{ id: a, system: db, duration: 90m }}\n  - {{ id: b, system: db, duration: 90m }}\n",
        FEED.replace("{ id: db }", "{ id: db, parallel_changes: 2 }")
    ));
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 30);
    assert_eq!(downtime_of(&i, "reports", &[("a", 0), ("b", 0)]), 30);

    // The bank's database: a patch, then the schema change at most
    // `max_lag` later. With a 30m max lag a minute's gap rides both out...
    let bank_like = |max_lag: &str| {
        inv(&format!(
            "{FEED}tasks:\n  - {{ id: patch, system: db, duration: 50m }}\n  - {{ id: schema, system: db, duration: 45m, after: [{{ task: patch, max_lag: {max_lag} }}] }}\n"
        ))
    };
    let i = bank_like("30m");
    let f = floor_of_service(&i, "reports");
    assert_eq!(f.least_downtime_minutes, 0);
    assert_eq!(
        downtime_of(&i, "reports", &[("patch", 0), ("schema", 51)]),
        0
    );
    assert_eq!(
        downtime_of(&i, "reports", &[("patch", 0), ("schema", 50)]),
        35
    );
    assert!(crate::report::availability::text(&[ServiceAvailability {
        service: "reports".into(),
        planned_downtime_minutes: Some(35),
        least_downtime_minutes: 0,
        single_points: f.single_points,
        never_overlapping: Vec::new(),
        forced_switchovers: Vec::new(),
        max_downtime_minutes: None,
        suggestions: Vec::new(),
        untried_changes: 0,
        cut: None,
    }])
    .contains("each fits within the 1h tolerance on its own"));
    planned_not_below_floor(&i);
    // ...with none, the two are one 95m outage: 35m past the tolerance.
    let i = bank_like("0m");
    assert_eq!(floor_of_service(&i, "reports").least_downtime_minutes, 35);
    assert_eq!(
        downtime_of(&i, "reports", &[("patch", 0), ("schema", 50)]),
        35
    );
    planned_not_below_floor(&i);
}

/// examples/bank.yaml: reporting is down 1h35m in the planned (shortest)
/// window — dwh-patch (1h) plus patch-db-a and schema-v42 back to back on
/// core-db-a (1h35m, 35m past dwh-feed's 1h tolerance). Neither database
/// outage is over 1h on its own and schema-v42 may start up to 30m after
/// patch-db-a ends, so the floor stays 1h: the same plan with everything
/// from patch-db-a's end on a minute later keeps the rules and reporting is
/// down 1h only.
#[test]
fn bank_reporting_floor_is_met_by_a_plan_a_minute_longer() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/bank.yaml");
    let bank = crate::pipeline::load_inventory(std::path::Path::new(path)).unwrap();
    let f = floors(&bank);
    let least: Vec<Time> = f.iter().map(|x| x.least_downtime_minutes).collect();
    assert_eq!(least, [95, 95, 60]);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(2),
        threads: 1,
        ..Default::default()
    };
    let Ok(p) = crate::pipeline::plan_inventory(&bank, &opts) else {
        panic!("bank has a plan");
    };
    let mut starts = p.starts(&bank).unwrap();
    for (x, s) in f.iter().zip(&p.services) {
        assert!(s.downtime_minutes >= x.least_downtime_minutes);
    }
    let patch = bank.task_index("patch-db-a").unwrap();
    let end = starts[patch] + bank.tasks[patch].duration;
    for s in starts.iter_mut() {
        if *s >= end {
            *s += 1;
        }
    }
    assert_eq!(check(&bank, &starts), []);
    let down = service_downtime(&bank, &starts);
    assert_eq!(down[2].id, "reporting");
    assert_eq!(down[2].downtime_minutes, 60);
}

/// Every combination of starts in `0..=h` that leaves a service below its
/// floor breaks a rule. Returns whether some floor is above 0.
#[track_caller]
fn assert_no_plan_below_floor(inv: &Inventory, h: Time, case: usize) -> bool {
    let floor: Vec<Time> = floors(inv)
        .iter()
        .map(|f| f.least_downtime_minutes)
        .collect();
    let nt = inv.tasks.len();
    let mut starts = vec![0 as Time; nt];
    loop {
        let down = service_downtime(inv, &starts);
        if down
            .iter()
            .zip(&floor)
            .any(|(d, &f)| d.downtime_minutes < f)
        {
            assert!(
                !check(inv, &starts).is_empty(),
                "case {case}: starts {starts:?} below floor {floor:?}: {down:?}\n{inv:#?}"
            );
        }
        // Next combination of starts.
        let mut i = 0;
        while i < nt && starts[i] == h {
            starts[i] = 0;
            i += 1;
        }
        if i == nt {
            break;
        }
        starts[i] += 1;
    }
    floor.iter().any(|&f| f > 0)
}

/// Small random estates (systems one or two at a time, a cluster, sync and
/// async integrations with chains and cycles, a team of one, after with
/// lags and max lags, a DR pair): no plan with starts in 0..=H is below the
/// floor of any service.
#[test]
fn no_plan_is_below_the_floor_brute_force() {
    let mut rng = crate::rng::SplitMix64::new(0x9E37_79B9_7F4A_7C15);
    let mut rnd = |n: u64| rng.next_u64() % n.max(1);
    const H: Time = 20;
    let mut nonzero = 0;
    for case in 0..160 {
        let mut b = Builder::new();
        let sys: Vec<usize> = (0..3).map(|i| b.system(&format!("s{i}"))).collect();
        for &s in &sys {
            b.inv.systems[s].parallel_changes = 1 + (rnd(3) == 0) as u32;
        }
        let k = b.cluster("c", &[sys[0], sys[1]], rnd(2) as u32);
        let comps: Vec<Component> = sys
            .iter()
            .map(|&x| Component::System(x))
            .chain([Component::Cluster(k)])
            .collect();
        for n in 0..rnd(5) {
            let from = comps[rnd(4) as usize];
            let to = comps[rnd(4) as usize];
            let mode = if rnd(3) == 0 {
                IntegrationMode::Sync
            } else {
                IntegrationMode::Async
            };
            b.integration(&format!("i{n}"), from, to, mode, rnd(10) as Time);
        }
        let team = b.team("ops", 1);
        let nt = 3;
        for t in 0..nt {
            // Mostly on s0 and s1, so that tasks share systems.
            let mut on = vec![sys[rnd(2) as usize]];
            if rnd(5) == 0 {
                on.push(sys[rnd(3) as usize]);
                on.dedup();
            }
            let task = b.task(&format!("t{t}"), &on, 1 + rnd(14) as Time);
            b.inv.tasks[task].outage = rnd(6) != 0;
            if rnd(2) == 0 {
                b.needs(task, team, 1);
            }
            if t > 0 && rnd(2) == 0 {
                let max_lag = (rnd(3) != 0).then(|| rnd(4) as Time);
                b.after(task, rnd(t as u64) as usize, rnd(5) as Time - 2, max_lag);
            }
        }
        if rnd(3) == 0 {
            b.dr(Component::System(sys[0]), Component::System(sys[2]), None);
        }
        b.service("a", 1.0, &[comps[rnd(4) as usize]]);
        b.service("b", 1.0, &[comps[rnd(4) as usize], comps[rnd(4) as usize]]);
        let inv = &b.inv;
        let floor: Vec<Time> = floors(inv)
            .iter()
            .map(|f| f.least_downtime_minutes)
            .collect();
        if floor.iter().any(|&f| f > 0) {
            nonzero += 1;
        }
        if assert_no_plan_below_floor(&b.inv, H, case) {
            nonzero += 1;
        }
    }
    assert!(nonzero > 30, "too few cases with a floor: {nonzero}");
}

/// A producer feeding a consumer through one or two async hops, its three
/// outage tasks ordered by random lags and max lags (some forced back to
/// back, some free to leave a gap), maybe a direct outage of the consumer:
/// no plan with starts in 0..=H is below the floor.
#[test]
fn no_plan_is_below_the_floor_brute_force_async_runs() {
    let mut rng = crate::rng::SplitMix64::new(0xD1B5_4A32_D192_ED03);
    let mut rnd = |n: u64| rng.next_u64() % n.max(1);
    const H: Time = 16;
    let mut nonzero = 0;
    for case in 0..100 {
        let mut b = Builder::new();
        let p = b.system("p");
        let m = b.system("m");
        let c = b.system("c");
        b.inv.systems[p].parallel_changes = 1 + (rnd(4) == 0) as u32;
        let (cp, cm, cc) = (
            Component::System(p),
            Component::System(m),
            Component::System(c),
        );
        if rnd(2) == 0 {
            b.integration("feed", cp, cc, IntegrationMode::Async, 1 + rnd(12) as Time);
        } else {
            let mode = if rnd(3) == 0 {
                IntegrationMode::Sync
            } else {
                IntegrationMode::Async
            };
            b.integration("hop-1", cp, cm, mode, rnd(6) as Time);
            b.integration("hop-2", cm, cc, IntegrationMode::Async, 1 + rnd(6) as Time);
        }
        let team = b.team("ops", 1);
        let n = 2 + rnd(2) as usize;
        for t in 0..n {
            let task = b.task(&format!("t{t}"), &[p], 1 + rnd(12) as Time);
            if t > 0 && rnd(4) != 0 {
                let max_lag = (rnd(3) != 0).then(|| rnd(3) as Time);
                b.after(task, t - 1, rnd(3) as Time - 1, max_lag);
            }
            if rnd(3) == 0 {
                b.needs(task, team, 1);
            }
        }
        if rnd(2) == 0 {
            let d = b.task("direct", &[c], 1 + rnd(8) as Time);
            if rnd(2) == 0 {
                b.needs(d, team, 1);
            }
        }
        b.service("reports", 1.0, &[cc]);
        if assert_no_plan_below_floor(&b.inv, H, case) {
            nonzero += 1;
        }
    }
    assert!(nonzero > 40, "too few cases with a floor: {nonzero}");
}

/// Issue #21.1: a `down:` naming a cluster takes it down whole, and the
/// `any` group's switchover over and back is forced: 30m + the 5m switch
/// back (the switch over lies inside the outage). Today's floor said 0.
#[test]
fn planned_outage_and_forced_switchover_enter_the_floor() {
    let i = inv("
systems: [{ id: db-a }, { id: db-b }, { id: app-1 }, { id: app-2 }]
clusters: [{ id: app-tier, members: [app-1, app-2], max_unavailable: 1 }]
services:
  - { id: pay, requires: [app-tier, { any: [db-a, db-b], switchover: 5m }] }
tasks:
  - { id: schema, system: db-a, duration: 30m, down: [app-tier] }
  - { id: patch-b, system: db-b, duration: 25m, after: [schema] }
");
    let f = floor_of_service(&i, "pay");
    assert_eq!(f.least_downtime_minutes, 35, "{f:?}");
    assert!(f
        .single_points
        .iter()
        .any(|p| p.whole_cluster && p.system == "app-tier"));
    assert_eq!(f.forced_switchovers.len(), 1, "{f:?}");
    assert_eq!(f.forced_switchovers[0].minutes, 10);
    // A plan that meets it.
    assert_eq!(
        downtime_of(&i, "pay", &[("schema", 0), ("patch-b", 30)]),
        35
    );
    planned_not_below_floor(&i);
}

/// A `down:` of one system is an outage of it even though no task runs on
/// it; the standby's patch alone forces no switchover (the primary serves).
#[test]
fn a_down_system_counts_and_a_standby_outage_forces_nothing() {
    let i = inv("
systems: [{ id: db }, { id: app }, { id: s-a }, { id: s-b }]
services:
  - { id: shop, requires: [app] }
  - { id: pay, requires: [{ any: [s-a, s-b], switchover: 5m }] }
tasks:
  - { id: migrate, system: db, duration: 20m, down: [app] }
  - { id: patch-standby, system: s-b, duration: 30m }
");
    assert_eq!(floor_of_service(&i, "shop").least_downtime_minutes, 20);
    assert_eq!(floor_of_service(&i, "pay").least_downtime_minutes, 0);
    planned_not_below_floor(&i);
}

/// The payments example: the schema change's `down: [app-tier]` makes zero
/// downtime impossible, and the text no longer says it is possible.
#[test]
fn payments_example_has_a_floor() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/payments.yaml");
    let i = crate::pipeline::load_inventory(&path).unwrap();
    let f = floor_of_service(&i, "payments");
    assert!(f.least_downtime_minutes >= 30, "{f:?}");
    planned_not_below_floor(&i);
}

/// Small random estates with `down:` lists (systems and a cluster) and an
/// `any` group with a switchover: no plan with starts in 0..=H is below the
/// floor of any service.
#[test]
fn no_plan_is_below_the_floor_brute_force_down_and_any() {
    let mut rng = crate::rng::SplitMix64::new(0x1234_5678_9ABC_DEF1);
    let mut rnd = |n: u64| rng.next_u64() % n.max(1);
    const H: Time = 14;
    let mut nonzero = 0;
    for case in 0..120 {
        let mut b = Builder::new();
        let sys: Vec<usize> = (0..4).map(|i| b.system(&format!("s{i}"))).collect();
        let k = b.cluster("c", &[sys[2], sys[3]], rnd(2) as u32);
        let comps: Vec<Component> = sys
            .iter()
            .map(|&x| Component::System(x))
            .chain([Component::Cluster(k)])
            .collect();
        if rnd(3) == 0 {
            let mode = if rnd(2) == 0 {
                IntegrationMode::Sync
            } else {
                IntegrationMode::Async
            };
            b.integration(
                "i",
                comps[rnd(5) as usize],
                comps[rnd(5) as usize],
                mode,
                rnd(5) as Time,
            );
        }
        let team = b.team("ops", 1);
        for t in 0..3 {
            let on = sys[rnd(4) as usize];
            let task = b.task(&format!("t{t}"), &[on], 1 + rnd(10) as Time);
            b.inv.tasks[task].outage = rnd(4) != 0;
            match rnd(3) {
                0 => b.inv.tasks[task].down = vec![sys[2], sys[3]],
                1 => {
                    let d = sys[rnd(4) as usize];
                    if d != on {
                        b.inv.tasks[task].down = vec![d];
                    }
                }
                _ => {}
            }
            if rnd(2) == 0 {
                b.needs(task, team, 1);
            }
            if t > 0 && rnd(2) == 0 {
                let max_lag = (rnd(3) != 0).then(|| rnd(4) as Time);
                b.after(task, rnd(t as u64) as usize, rnd(5) as Time - 2, max_lag);
            }
        }
        let svc = b.service("a", 1.0, &[comps[rnd(5) as usize]]);
        let _ = svc;
        let pay = b.service("pay", 1.0, &[]);
        b.inv.services[pay].any.push(crate::inventory::AnyGroup {
            members: vec![comps[rnd(2) as usize], comps[4 - rnd(2) as usize * 2]],
            switchover: rnd(6) as Time,
        });
        if assert_no_plan_below_floor(&b.inv, H, case) {
            nonzero += 1;
        }
    }
    assert!(nonzero > 30, "too few cases with a floor: {nonzero}");
}
