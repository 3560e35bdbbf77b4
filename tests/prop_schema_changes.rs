//! Property test for format 1.2 schema changes: random small inventories
//! (app size and availability rule, durations of every step, a writer or
//! none, a cutover or none, the contract tonight or deferred, a blackout on
//! the database). Every plan the solver returns passes the independent
//! checker, the cutover is counted as downtime; plans with one step moved
//! before what it must follow are refused by rule `schema_change`, even with
//! the `after` entries the expansion wrote taken out of the inventory.

use proptest::prelude::*;
use std::time::Duration;
use windowplan::inventory::Format;
use windowplan::load_inventory_str as load_str;
use windowplan::solve::SolveOptions;

#[derive(Debug, Clone)]
struct Gen {
    members: usize,
    max_unavailable: usize,
    /// Durations / 5 of deploy, expand, backfill, contract.
    durations: (u32, u32, u32, u32),
    writer: Option<u32>,
    cutover: Option<u32>,
    same_window: bool,
    blackout: Option<(u32, u32)>,
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        2usize..=3,
        1usize..=2,
        (1u32..=3, 1u32..=4, 1u32..=6, 1u32..=3),
        proptest::option::of(1u32..=6),
        proptest::option::of(1u32..=2),
        any::<bool>(),
        proptest::option::of((0u32..=8, 1u32..=4)),
    )
        .prop_map(
            |(members, max_unavailable, durations, writer, cutover, same_window, blackout)| Gen {
                members,
                max_unavailable: max_unavailable.min(members - 1).max(1),
                durations,
                writer,
                cutover,
                same_window,
                blackout,
            },
        )
}

fn inventory(g: &Gen) -> String {
    let members: Vec<String> = (1..=g.members).map(|k| format!("app-{k}")).collect();
    let mut s = String::from(
        "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T10:00 }\n",
    );
    s += "teams:\n  - { id: dba, capacity: 1 }\n  - { id: release, capacity: 2 }\n";
    s += "systems:\n  - { id: db }\n  - { id: batch }\n";
    for m in &members {
        s += &format!("  - {{ id: {m} }}\n");
    }
    s += &format!(
        "clusters:\n  - {{ id: app, members: [{}], max_unavailable: {} }}\n",
        members.join(", "),
        g.max_unavailable
    );
    s += "services:\n  - { id: shop, requires: [app, db] }\n";
    if let Some((from, len)) = g.blackout {
        let at = |q: u32| {
            let m = 22 * 60 + q * 15;
            format!(
                "2026-12-0{}T{:02}:{:02}",
                5 + m / 1440,
                (m % 1440) / 60,
                m % 60
            )
        };
        s += &format!(
            "blackouts:\n  - {{ from: {}, to: {}, scope: {{ systems: [db] }} }}\n",
            at(from),
            at(from + len)
        );
    }
    let (deploy, expand, backfill, contract) = g.durations;
    s += &format!(
        "tasks:\n  - {{ id: deploy, cluster: app, duration: {}m, team: release }}\n",
        deploy * 5
    );
    if let Some(w) = g.writer {
        s += &format!(
            "  - {{ id: batch-deploy, system: batch, duration: {}m, team: release }}\n",
            w * 5
        );
    }
    s += "schema_changes:\n  - id: sc\n    database: db\n    app: app\n";
    if g.writer.is_some() {
        s += "    writers: [batch]\n";
    }
    s += &format!("    expand: {{ duration: {}m, team: dba }}\n", expand * 5);
    s += "    deploy: deploy\n";
    s += &format!(
        "    backfill: {{ duration: {}m, team: dba }}\n",
        backfill * 5
    );
    if let Some(c) = g.cutover {
        s += &format!("    cutover: {{ duration: {c}m }}\n");
    }
    s += &format!(
        "    contract: {{ duration: {}m, team: dba, same_window: {} }}\n",
        contract * 5,
        g.same_window
    );
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn solver_plans_pass_the_checker_and_mutations_do_not(g in gen()) {
        let text = inventory(&g);
        let inv = load_str(&text, Format::Yaml, "gen.yaml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let opts = SolveOptions {
            time_limit: Duration::from_secs(5),
            threads: 1,
            ..Default::default()
        };
        let plan = windowplan::plan_inventory(&inv, &opts).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        let starts = plan.starts(&inv).unwrap();
        prop_assert!(windowplan::check::check(&inv, &starts).is_empty());
        prop_assert_eq!(inv.task_index("sc.contract").is_some(), g.same_window);
        let shop = plan.services[0].downtime_minutes;
        prop_assert!(shop >= g.cutover.map_or(0, i64::from), "{} {:?}", shop, g.cutover);
        // The checker's own reading, without the `after` entries.
        let mut bare = inv.clone();
        for t in &mut bare.tasks {
            t.after.clear();
        }
        let idx = |id: &str| inv.task_index(id).unwrap();
        let end = |id: &str| starts[idx(id)] + inv.tasks[idx(id)].duration;
        let mut moves = vec![("deploy@app-1", end("sc.expand") - 1), ("sc.backfill", end("deploy@app-1") - 1)];
        if g.writer.is_some() {
            moves.push(("sc.backfill", end("batch-deploy") - 1));
        }
        if g.cutover.is_some() {
            moves.push(("sc.cutover", end("sc.backfill") - 1));
        }
        if g.same_window {
            moves.push(("sc.contract", end("sc.backfill") - 1));
        }
        for (task, at) in moves {
            let mut bad = starts.clone();
            bad[idx(task)] = at.min(starts[idx(task)] - 1);
            let v = windowplan::check::check(&bare, &bad);
            prop_assert!(v.iter().any(|v| v.rule == "schema_change"), "{} at {}: {:?}", task, at, v);
        }
    }
}
