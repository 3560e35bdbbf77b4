//! Property test for format 1.1: random small inventories with steps,
//! canaries, `same_member`, expanded ids in `after`, coordination tasks,
//! `read_only`, `down:`, `any` groups with switchover, zone labels, system
//! `unavailable` intervals and team-scoped blackouts. Every plan the solver
//! returns must pass the independent checker; mutated plans (a step moved
//! off its predecessor's end, a later member started before the canary is
//! done, a start before the window) must be rejected.

use proptest::prelude::*;
use std::time::Duration;
use windowplan::inventory::Format;
use windowplan::load_inventory_str as load_str;
use windowplan::solve::SolveOptions;

#[derive(Debug, Clone)]
struct Gen {
    members: usize,
    max_unavailable: usize,
    /// Steps of the rolling task: (duration/5, outage, read_only).
    steps: Vec<(u32, bool, bool)>,
    canary: usize,
    deploy: bool,
    smoke_after_member: bool,
    db_down_app: bool,
    backup_read_only: bool,
    switchover: u32,
    unavailable: Option<(u32, u32)>,
    team_blackout: Option<(u32, u32)>,
    zone_cap: Option<u32>,
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        2usize..=3,
        1usize..=2,
        proptest::collection::vec((1u32..=3, any::<bool>(), any::<bool>()), 1..=3),
        0usize..=2,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u32..=2,
        proptest::option::of((0u32..=6, 1u32..=4)),
        proptest::option::of((0u32..=4, 1u32..=4)),
        proptest::option::of(1u32..=2),
    )
        .prop_map(
            |(members, mu, steps, canary, deploy, sm, down, ro, sw, un, tb, zc)| Gen {
                members,
                max_unavailable: mu.min(members),
                steps,
                canary: canary.min(members),
                deploy,
                smoke_after_member: sm,
                db_down_app: down,
                backup_read_only: ro,
                switchover: sw * 5,
                unavailable: un,
                team_blackout: tb,
                zone_cap: zc,
            },
        )
}

fn at(m: u32) -> String {
    format!("2026-12-05T{:02}:{:02}", 22 + m / 60, m % 60)
}

fn to_yaml(g: &Gen) -> String {
    let mut y = String::from(
        "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
         teams: [{ id: unix, capacity: 2 }, { id: qa, capacity: 1 }, { id: dba, capacity: 1 }]\n",
    );
    match g.zone_cap {
        Some(c) => y += &format!("zones: [{{ id: web, max_concurrent: {c} }}, {{ id: lab }}]\n"),
        None => y += "zones: [{ id: lab }]\n",
    }
    y += "systems:\n";
    for m in 0..g.members {
        y += &format!(
            "  - {{ id: w{m}, zone: {} }}\n",
            if g.zone_cap.is_some() { "web" } else { "lab" }
        );
    }
    y += "  - { id: db-a }\n  - { id: db-b, zone: lab }\n  - { id: app }\n";
    if let Some((a, l)) = g.unavailable {
        y += &format!(
            "  - {{ id: saas, external: true, unavailable: [{{ from: {}, to: {} }}] }}\n",
            at(a * 5),
            at(a * 5 + l * 5)
        );
    } else {
        y += "  - { id: saas, external: true }\n";
    }
    let members: Vec<String> = (0..g.members).map(|m| format!("w{m}")).collect();
    y += &format!(
        "clusters: [{{ id: web, members: [{}], max_unavailable: {} }}]\n",
        members.join(", "),
        g.max_unavailable
    );
    y += &format!(
        "services:\n  - {{ id: pay, requires: [web, app, {{ any: [db-a, db-b], switchover: {}m }}] }}\n  - {{ id: login, requires: [saas] }}\n",
        g.switchover
    );
    if let Some((a, l)) = g.team_blackout {
        y += &format!(
            "blackouts: [{{ id: b, from: {}, to: {}, scope: {{ teams: [dba] }} }}]\n",
            at(a * 5),
            at(a * 5 + l * 5)
        );
    }
    y += "tasks:\n  - id: roll\n    cluster: web\n    team: unix\n";
    if g.canary > 0 {
        y += &format!("    canary: {}\n", g.canary);
    }
    y += "    steps:\n";
    for (k, (d, outage, ro)) in g.steps.iter().enumerate() {
        y += &format!(
            "      - {{ id: s{k}, duration: {}m, outage: {outage}, read_only: {ro} }}\n",
            d * 5
        );
    }
    if g.deploy {
        y += "  - { id: deploy, cluster: web, duration: 5m, team: unix, after: [{ task: roll, same_member: true }] }\n";
    }
    y += &format!(
        "  - {{ id: backup, system: db-a, duration: 10m, team: dba, read_only: {} }}\n",
        g.backup_read_only
    );
    y += &format!(
        "  - {{ id: schema, system: db-a, duration: 15m, team: dba, after: [backup]{} }}\n",
        if g.db_down_app { ", down: [app]" } else { "" }
    );
    y += "  - { id: patch-b, system: db-b, duration: 10m, team: dba }\n";
    let smoke_after = if g.smoke_after_member {
        format!("roll.s{}@w0", g.steps.len() - 1)
    } else {
        "roll".to_string()
    };
    y += &format!("  - {{ id: smoke, team: qa, duration: 5m, after: [{smoke_after}, schema] }}\n");
    y
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn checker_accepts_solver_plans_and_rejects_mutations(g in gen()) {
        let yaml = to_yaml(&g);
        let inv = load_str(&yaml, Format::Yaml, "gen.yaml").unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let opts = SolveOptions { time_limit: Duration::from_secs(2), threads: 1, ..Default::default() };
        let plan = match windowplan::plan_inventory(&inv, &opts) {
            Ok(p) => p,
            other => panic!("{other:?}\n{yaml}"),
        };
        let starts = plan.starts(&inv).unwrap();
        let v = windowplan::check::check(&inv, &starts);
        prop_assert!(v.is_empty(), "{v:?}\n{yaml}");

        // A step moved one minute off its predecessor's end.
        if let Some(k) = (1..inv.tasks.len()).find(|&k| inv.tasks[k].step.is_some()
            && inv.tasks[k - 1].step.is_some()
            && inv.tasks[k].source == inv.tasks[k - 1].source
            && inv.tasks[k].member == inv.tasks[k - 1].member)
        {
            let mut bad = starts.clone();
            bad[k] += 1;
            prop_assert!(!windowplan::check::check(&inv, &bad).is_empty(), "{yaml}");
        }
        // A non-canary member started at 0, before the canary is done.
        if g.canary > 0 && g.canary < g.members {
            let first = inv.tasks.iter().position(|t| t.parent == "roll"
                && t.member.as_deref() == Some(&format!("w{}", g.canary)) ).unwrap();
            let mut bad = starts.clone();
            bad[first] = 0;
            prop_assert!(!windowplan::check::check(&inv, &bad).is_empty(), "{yaml}");
        }
        // A start before the window opens.
        let mut bad = starts.clone();
        bad[0] = -5;
        prop_assert!(!windowplan::check::check(&inv, &bad).is_empty());
        // The plan's own accounting agrees with the checker's view of it.
        let again = windowplan::plan::downtime::service_downtime(&inv, &starts);
        prop_assert_eq!(again, plan.services.clone());
    }
}
