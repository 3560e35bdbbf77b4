//! Property test: random small inventories with clusters, DR pairs, zones,
//! team hours, windows, blackouts, time lags, integrations and service
//! downtime limits. Every plan the scheduler
//! returns must pass the independent checker; every inventory it calls
//! infeasible is confirmed infeasible by brute force.
//!
//! All times in the generated inventories are multiples of 5 minutes, so a
//! feasible plan exists iff one exists with every start a multiple of 5 (the
//! rules are difference constraints with such constants); the brute force
//! enumerates those starts only. (Downtime limits are not difference
//! constraints, so with one the brute force may miss an off-grid plan; a
//! plan it finds is still a real plan, so the test never fails wrongly.)

use proptest::prelude::*;
use std::time::Duration;
use windowplan::inventory::{Format, Inventory};
use windowplan::load_inventory_str;
use windowplan::solve::SolveOptions;

#[derive(Debug, Clone)]
struct GenTask {
    target: usize, // 0..systems = system, systems.. = the cluster
    duration: u32,
    outage: bool,
    team: usize,
    after: Option<(usize, i32, Option<i32>)>,
    window: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
struct GenInventory {
    systems: usize,
    cluster: Option<(usize, u32)>, // first `n` systems, min_available
    dr: Option<bool>,              // pair system 0 / system 1; Some(standby_first?)
    dr_order: bool,
    zone_cap: Option<u32>,
    team_caps: Vec<u32>,
    team0_hours: Option<(u32, u32)>,
    blackout: Option<(u32, u32, bool)>, // from, to, everything (else system 0 only)
    deadline: u32,
    /// A service on system 0 (or the cluster) with this downtime limit.
    service_limit: Option<u32>,
    /// An integration from the last system into system 0: Some(async tolerance) or sync.
    integration: Option<Option<u32>>,
    tasks: Vec<GenTask>,
}

fn five(max: u32) -> impl Strategy<Value = u32> {
    (0..=max / 5).prop_map(|k| k * 5)
}

fn gen_inventory() -> impl Strategy<Value = GenInventory> {
    (
        2usize..=3,
        proptest::option::of((2usize..=2, 0u32..=1)),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        proptest::option::of(1u32..=2),
        proptest::collection::vec(1u32..=2, 1..=2),
        proptest::option::of((five(30), five(30))),
        proptest::option::of((five(40), five(20), any::<bool>())),
        (6u32..=12).prop_map(|k| k * 5),
        proptest::option::of(five(30)),
        proptest::option::of(proptest::option::of(five(20))),
        proptest::collection::vec(
            (
                0usize..4,
                (1u32..=4).prop_map(|k| k * 5),
                any::<bool>(),
                0usize..2,
                proptest::option::of((0usize..4, -2i32..=2, proptest::option::of(0i32..=4))),
                proptest::option::of((five(30), (2u32..=6).prop_map(|k| k * 5))),
            ),
            1..=3,
        ),
    )
        .prop_map(
            |(
                systems,
                cluster,
                dr,
                dr_order,
                zone_cap,
                team_caps,
                hours,
                blackout,
                deadline,
                service_limit,
                integration,
                raw,
            )| {
                let tasks = raw
                    .into_iter()
                    .enumerate()
                    .map(
                        |(i, (target, duration, outage, team, after, window))| GenTask {
                            target: target % (systems + usize::from(cluster.is_some())),
                            duration,
                            outage,
                            team: team % team_caps.len(),
                            after: after.and_then(|(p, lag, max)| {
                                (i > 0).then(|| (p % i, lag * 5, max.map(|m| (lag.max(0) + m) * 5)))
                            }),
                            window: window.map(|(s, len)| (s, s + len)),
                        },
                    )
                    .collect();
                GenInventory {
                    systems,
                    cluster,
                    dr,
                    dr_order,
                    zone_cap,
                    team_caps,
                    team0_hours: hours.map(|(a, b)| (a, a + b + 10)),
                    blackout: blackout.map(|(a, len, all)| (a, a + len + 5, all)),
                    deadline,
                    service_limit,
                    integration,
                    tasks,
                }
            },
        )
}

/// `minute` minutes after 2026-12-05T22:00, as a local wall-clock time.
fn at(minute: u32) -> String {
    let h = 22 + minute / 60;
    let (day, h) = if h >= 24 { (6, h - 24) } else { (5, h) };
    format!("2026-12-{day:02}T{h:02}:{:02}", minute % 60)
}

fn to_yaml(g: &GenInventory) -> String {
    let mut y = format!(
        "window: {{ start: {}, timezone: UTC, deadline: {} }}\n",
        at(0),
        at(g.deadline)
    );
    y += "teams:\n";
    for (k, cap) in g.team_caps.iter().enumerate() {
        y += &format!("  - {{ id: t{k}, capacity: {cap}");
        if let (0, Some((a, b))) = (k, g.team0_hours) {
            y += &format!(", available: [{}/{}]", at(a), at(b));
        }
        y += " }\n";
    }
    y += "systems:\n";
    for s in 0..g.systems {
        let zone = if g.zone_cap.is_some() && s > 0 {
            ", zone: z"
        } else {
            ""
        };
        y += &format!("  - {{ id: s{s}{zone} }}\n");
    }
    if let Some(cap) = g.zone_cap {
        y += &format!("zones:\n  - {{ id: z, max_concurrent: {cap} }}\n");
    }
    if let Some((n, min)) = g.cluster {
        let members: Vec<String> = (0..n).map(|s| format!("s{s}")).collect();
        y += &format!(
            "clusters:\n  - {{ id: c, members: [{}], min_available: {min} }}\n",
            members.join(", ")
        );
    }
    if let Some(standby_first) = g.dr {
        let order = if !g.dr_order {
            String::new()
        } else if standby_first {
            ", order: standby_first".into()
        } else {
            ", order: primary_first".into()
        };
        let primary = if g.cluster.is_some() { "c" } else { "s0" };
        y += &format!(
            "dr:\n  - {{ primary: {primary}, standby: s{}{order} }}\n",
            g.systems - 1
        );
    }
    if let Some((a, b, all)) = g.blackout {
        let scope = if all { "{}" } else { "{ systems: [s0] }" };
        y += &format!(
            "blackouts:\n  - {{ from: {}, to: {}, scope: {scope} }}\n",
            at(a),
            at(b)
        );
    }
    if let Some(limit) = g.service_limit {
        let target = if g.cluster.is_some() { "c" } else { "s0" };
        y += &format!(
            "services:\n  - {{ id: svc, requires: [{target}], max_downtime: {limit}m }}\n"
        );
    }
    if let Some(mode) = g.integration {
        let mode = match mode {
            None => "sync".to_string(),
            Some(t) => format!("async, tolerance: {t}m"),
        };
        y += &format!(
            "integrations:\n  - {{ id: feed, from: s{}, to: s0, mode: {mode} }}\n",
            g.systems - 1
        );
    }
    y += "tasks:\n";
    for (i, t) in g.tasks.iter().enumerate() {
        let target = if t.target < g.systems {
            format!("system: s{}", t.target)
        } else {
            "cluster: c".into()
        };
        y += &format!(
            "  - {{ id: k{i}, {target}, duration: {}m, outage: {}, team: t{}",
            t.duration, t.outage, t.team
        );
        if let Some((p, lag, max)) = t.after {
            y += &format!(", after: [{{ task: k{p}, lag: {lag}m");
            if let Some(m) = max {
                y += &format!(", max_lag: {m}m");
            }
            y += " }]";
        }
        if let Some((a, b)) = t.window {
            y += &format!(", windows: [{}/{}]", at(a), at(b));
        }
        y += " }\n";
    }
    y
}

/// Whether any assignment of starts (multiples of 5 within the deadline)
/// passes the independent checker.
fn brute_force_feasible(inv: &Inventory) -> bool {
    let deadline = inv.window.deadline.expect("generated with a deadline");
    let n = inv.tasks.len();
    let mut starts = vec![0i64; n];
    fn rec(inv: &Inventory, deadline: i64, i: usize, starts: &mut Vec<i64>) -> bool {
        if i == starts.len() {
            return windowplan::check::check(inv, starts).is_empty();
        }
        let mut s = 0;
        while s + inv.tasks[i].duration <= deadline {
            starts[i] = s;
            if rec(inv, deadline, i + 1, starts) {
                return true;
            }
            s += 5;
        }
        false
    }
    rec(inv, deadline, 0, &mut starts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn plans_pass_the_checker_and_infeasibility_is_real(g in gen_inventory()) {
        let yaml = to_yaml(&g);
        let inv = match load_inventory_str(&yaml, Format::Yaml, "generated.yaml") {
            Ok(inv) => inv,
            // Some random draws are invalid (e.g. a cluster that leaves no member
            // to patch); validation rejecting them is not what this test is about.
            Err(_) => return Ok(()),
        };
        prop_assume!(inv.tasks.len() <= 5);
        let opts = SolveOptions { time_limit: Duration::from_millis(300), seed: 7, threads: 1, ..Default::default() };
        match windowplan::plan_inventory(&inv, &opts) {
            Ok(plan) => {
                let starts: Vec<i64> = inv
                    .tasks
                    .iter()
                    .map(|t| plan.tasks.iter().find(|p| p.id == t.id).expect("every task planned").start_minute)
                    .collect();
                let violations = windowplan::check::check(&inv, &starts);
                prop_assert!(violations.is_empty(), "{yaml}\n{violations:?}");
            }
            Err(windowplan::error::NoPlan::Infeasible(why)) | Err(windowplan::error::NoPlan::NotFound(why)) => {
                prop_assert!(!brute_force_feasible(&inv), "called infeasible ({why}) but a plan exists:\n{yaml}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The solver's view of service downtime (the compiled signals) agrees
    /// with the checker's own accounting, for any start times.
    #[test]
    fn compiled_downtime_matches_the_checker(
        g in gen_inventory(),
        raw_starts in proptest::collection::vec(0i64..12, 8),
    ) {
        let mut g = g;
        g.service_limit = g.service_limit.or(Some(0));
        let yaml = to_yaml(&g);
        let Ok(inv) = load_inventory_str(&yaml, Format::Yaml, "generated.yaml") else {
            return Ok(());
        };
        let starts: Vec<i64> = (0..inv.tasks.len()).map(|i| raw_starts[i % raw_starts.len()] * 5).collect();
        let compiled = windowplan::model::compile(&inv);
        let core = windowplan::model::signal::on_time(&compiled.problem, &starts);
        let checker = windowplan::plan::downtime::service_downtime(&inv, &starts);
        for (l, &service) in compiled.limit_service.iter().enumerate() {
            prop_assert_eq!(core[l], checker[service].downtime_minutes, "{}\nstarts {:?}", yaml, starts);
        }
    }
}
