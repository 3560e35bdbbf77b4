use super::*;
use crate::inventory::{load_str, Format};

fn inv(yaml: &str) -> Inventory {
    load_str(yaml, Format::Yaml, "test.yaml").unwrap()
}

/// The critical chain of a hand-made schedule, as (task, reasons) in words.
fn chain_words(i: &Inventory, starts: &[Time]) -> Vec<String> {
    let c = crate::model::compile(i);
    assert!(
        crate::check::check(i, starts).is_empty(),
        "test schedule breaks a rule: {:?}",
        crate::check::check(i, starts)
    );
    critical_chain(i, &c, starts)
        .iter()
        .map(crate::report::explain::chain_link)
        .collect()
}

fn opts(ms: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_millis(ms),
        threads: 1,
        ..Default::default()
    }
}

#[test]
fn chain_through_team_at_capacity_and_predecessor() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: dba, capacity: 1 }]
systems: [{ id: a }, { id: b }]
tasks:
  - { id: first, system: a, duration: 30m, team: dba }
  - { id: second, system: b, duration: 20m, team: dba }
  - { id: third, system: a, duration: 10m, after: [{ task: second, lag: 5m }] }
"#);
    assert_eq!(
        chain_words(&i, &[0, 30, 55]),
        vec![
            "22:00–22:30 first: starts when the window opens",
            "22:30–22:50 second: team dba (capacity 1) was busy with first",
            "22:55–23:05 third: waits for second (lag 5m)",
        ]
    );
}

#[test]
fn chain_through_cluster_limit() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: web-1 }, { id: web-2 }, { id: web-3 }]
clusters: [{ id: web-tier, members: [web-1, web-2, web-3], min_available: 2 }]
tasks:
  - { id: web-os-patch, cluster: web-tier, duration: 30m }
"#);
    let words = chain_words(&i, &[0, 30, 60]);
    assert_eq!(
        words.last().unwrap(),
        "23:00–23:30 web-os-patch@web-3: cluster web-tier allows 1 member down: web-os-patch@web-2 was down"
    );
    assert_eq!(words.len(), 3);
}

#[test]
fn chain_through_zone_limit() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
zones: [{ id: pci, max_concurrent: 2 }]
systems: [{ id: a, zone: pci }, { id: b, zone: pci }, { id: c, zone: pci }]
tasks:
  - { id: ta, system: a, duration: 30m }
  - { id: tb, system: b, duration: 40m }
  - { id: tc, system: c, duration: 20m }
"#);
    assert_eq!(
        chain_words(&i, &[0, 0, 30]),
        vec![
            "22:00–22:30 ta: starts when the window opens",
            "22:30–22:50 tc: zone pci allows 2 changes at once: ta and tb were running",
        ]
    );
}

#[test]
fn chain_through_dr_pair_and_dr_order() {
    let pair = r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: db-a }, { id: db-b }]
dr: [{ primary: db-a, standby: db-b }]
tasks:
  - { id: patch-a, system: db-a, duration: 30m }
  - { id: patch-b, system: db-b, duration: 30m }
"#;
    let i = inv(pair);
    assert_eq!(
        chain_words(&i, &[0, 30]).last().unwrap(),
        "22:30–23:00 patch-b: DR pair db-a / db-b is never down on both sides: patch-a was down"
    );
    let i = inv(&pair.replace(
        "{ primary: db-a, standby: db-b }",
        "{ primary: db-a, standby: db-b, order: standby_first }",
    ));
    let words = chain_words(&i, &[30, 0]);
    assert!(
        words.last().unwrap().starts_with(
            "22:30–23:00 patch-a: waits for patch-b (DR order standby_first on db-a / db-b)"
        ),
        "{words:?}"
    );
}

#[test]
fn chain_through_a_system_and_slack() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: core-db-a }]
tasks:
  - { id: backup-db-a, system: core-db-a, duration: 30m, outage: false }
  - { id: patch-db-a, system: core-db-a, duration: 50m }
"#);
    assert_eq!(
        chain_words(&i, &[0, 30]),
        vec![
            "22:00–22:30 backup-db-a: starts when the window opens",
            "22:30–23:20 patch-db-a: system core-db-a takes one change at a time: backup-db-a was running",
        ]
    );
    // Started late for no reason: the chain says so.
    assert_eq!(
        chain_words(&i, &[0, 40]).last().unwrap(),
        "22:40–23:30 patch-db-a: could start earlier (the plan leaves slack here)"
    );
}

#[test]
fn several_reasons_read_main_first() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: dba, capacity: 1 }]
systems: [{ id: db }]
tasks:
  - { id: backup, system: db, duration: 30m, team: dba }
  - { id: patch, system: db, duration: 50m, team: dba, after: [backup] }
"#);
    assert_eq!(
        chain_words(&i, &[0, 30]).last().unwrap(),
        "22:30–23:20 patch: waits for backup (also: system db takes one change at a time: backup was running; team dba (capacity 1) was busy with backup)"
    );
}

#[test]
fn unproven_conflict_says_so() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T23:00 }
systems: [{ id: a }]
tasks:
  - { id: ta, system: a, duration: 30m }
"#);
    let e = Explanation {
        format: EXPLAIN_FORMAT.into(),
        outcome: "no_plan".into(),
        plan: None,
        critical_chain: Vec::new(),
        bottlenecks: None,
        conflict: Some(Conflict {
            reason: "no schedule found".into(),
            proven: false,
            groups: vec![RuleGroup::Deadline],
            set_proven: false,
            set_reason: "no schedule found".into(),
            tried: Vec::new(),
            time_limit_ms: 250,
            untried: Vec::new(),
            cut: None,
        }),
    };
    let text = crate::report::explain::text(&e, &i);
    assert!(
        text.contains("No plan found (not a proof that none exists)"),
        "{text}"
    );
    assert!(text.contains("appear to make a plan impossible"), "{text}");
    assert!(
        text.contains("  - window.deadline 2026-12-05T23:00"),
        "{text}"
    );
    assert!(
        text.contains("found none in 250ms, not on a proof"),
        "{text}"
    );
}

#[test]
fn chain_stops_at_a_window() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: a }]
tasks:
  - { id: late, system: a, duration: 30m, windows: [2026-12-05T23:00/2026-12-06T01:00] }
"#);
    assert_eq!(
        chain_words(&i, &[60]),
        vec!["23:00–23:30 late: its window opens at 23:00"]
    );
}

#[test]
fn chain_stops_at_a_blackout() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: dwh }]
blackouts:
  - { from: 2026-12-05T22:00, to: 2026-12-05T23:00, scope: { systems: [dwh] }, reason: nightly ETL }
tasks:
  - { id: dwh-patch, system: dwh, duration: 30m }
"#);
    assert_eq!(
        chain_words(&i, &[60]),
        vec!["23:00–23:30 dwh-patch: blackouts[0] (nightly ETL) lasts until 23:00"]
    );
}

#[test]
fn chain_stops_at_team_hours() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: oracle-support, capacity: 1, available: [2026-12-05T23:00/2026-12-06T03:00] }]
systems: [{ id: db }]
tasks:
  - { id: schema-v42, system: db, duration: 45m, team: oracle-support }
"#);
    assert_eq!(
        chain_words(&i, &[60]),
        vec!["23:00–23:45 schema-v42: team oracle-support is not on duty until 23:00"]
    );
}

#[test]
fn chain_names_max_lag_of_a_successor() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: db }, { id: app }]
tasks:
  - { id: patch, system: db, duration: 30m }
  - id: schema
    system: db
    duration: 30m
    after: [{ task: patch, max_lag: 10m }]
    windows: [2026-12-05T23:00/2026-12-06T01:00]
  - { id: verify, system: app, duration: 90m, after: [patch] }
"#);
    // schema at 23:00 (its window); patch may end at most 10m before, so
    // 22:20-22:50; verify waits for patch and ends last.
    assert_eq!(
        chain_words(&i, &[20, 60, 50]),
        vec![
            "23:00–23:30 schema: its window opens at 23:00",
            "22:20–22:50 patch: must end at most 10m before schema starts (max_lag), and schema cannot start earlier",
            "22:50–00:20 verify: waits for patch",
        ]
    );
}

#[test]
fn one_team_of_capacity_one_is_the_bottleneck() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: ops, capacity: 1 }, { id: spare, capacity: 4 }]
systems: [{ id: a }, { id: b }, { id: c }, { id: d }]
blackouts:
  - { from: 2026-12-06T05:00, to: 2026-12-06T06:00, reason: backups }
tasks:
  - { id: ta, system: a, duration: 30m, team: ops }
  - { id: tb, system: b, duration: 30m, team: ops }
  - { id: tc, system: c, duration: 30m, team: ops }
  - { id: td, system: d, duration: 30m, team: ops }
  - { id: te, system: d, duration: 10m, team: spare, windows: [2026-12-05T22:00/2026-12-06T02:00] }
"#);
    let e = explain_inventory(&i, &opts(1000));
    assert_eq!(e.plan.as_ref().unwrap().length_minutes, 120);
    let b = e.bottlenecks.as_ref().unwrap();
    assert!(!b.ranked.is_empty(), "{b:?}");
    let first = &b.ranked[0];
    assert_eq!(first.relaxation, Relaxation::TeamCapacity { team: 0 });
    assert_eq!(first.length_minutes, Some(60));
    assert_eq!(first.shrink_percent, Some(50.0));
    assert_eq!(
        crate::report::explain::trial(first, 120, &i),
        "one more in team ops (capacity 1 → 2): 2h → 1h, −1h (−50%)"
    );
    assert_eq!(b.ranked.len(), 1, "{:?}", b.ranked);
    // Tried: both teams, the blackout, the windows (widened, removed).
    assert_eq!(b.tried.len(), 5);
    let text = crate::report::explain::text(&e, &i);
    assert!(text.contains("1. one more in team ops"), "{text}");
    assert!(text.contains("no blackout for backups"), "{text}");
}

#[test]
fn deadline_and_blackout_conflict_without_the_irrelevant_blackout() {
    let i = inv(include_str!(
        "../../../tests/fixtures/deadline-and-blackout.yaml"
    ));
    let e = explain_inventory(&i, &opts(500));
    assert!(!e.has_plan());
    let c = e.conflict.as_ref().unwrap();
    assert!(c.proven);
    assert_eq!(
        crate::report::explain::conflict_rules(c, &i),
        vec![
            "window.deadline 2026-12-06T00:00",
            "blackouts[0] (nightly ETL) 22:00–23:30"
        ]
    );
    assert!(c.set_proven);
    // The claims hold: the set alone (every other group dropped) has no
    // plan, and dropping any one member of it allows one.
    let others: Vec<RuleGroup> = RuleGroup::all(&i)
        .into_iter()
        .filter(|g| !c.groups.contains(g))
        .collect();
    assert!(!conflict::verdict(&conflict::without(&i, &others), &opts(500)).is_feasible());
    for g in &c.groups {
        let mut drop = others.clone();
        drop.push(*g);
        assert!(conflict::verdict(&conflict::without(&i, &drop), &opts(500)).is_feasible());
    }
    let text = crate::report::explain::text(&e, &i);
    assert!(text.contains("  - blackouts[0] (nightly ETL)"), "{text}");
    assert!(
        text.contains("blackouts[1] (backups) 02:00–03:00: still impossible without it"),
        "{text}"
    );
}

#[test]
fn window_and_blackout_conflict() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T06:00 }
teams: [{ id: vendor, capacity: 1, available: [2026-12-05T22:00/2026-12-06T04:00] }]
systems: [{ id: db }]
blackouts:
  - { from: 2026-12-05T22:00, to: 2026-12-05T23:00, scope: { systems: [db] }, reason: settlement }
tasks:
  - { id: schema-v42, system: db, duration: 45m, team: vendor, windows: [2026-12-05T22:00/2026-12-05T23:30] }
"#);
    let e = explain_inventory(&i, &opts(500));
    let c = e.conflict.as_ref().unwrap();
    assert_eq!(
        c.groups,
        vec![
            RuleGroup::Blackout { index: 0 },
            RuleGroup::TaskWindows { source: 0 }
        ]
    );
    assert_eq!(
        crate::report::explain::conflict_rules(c, &i)[1],
        "tasks[0].windows of schema-v42 (22:00–23:30)"
    );
}

#[test]
fn json_has_the_parts() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: ops, capacity: 1 }]
systems: [{ id: a }, { id: b }]
tasks:
  - { id: ta, system: a, duration: 30m, team: ops }
  - { id: tb, system: b, duration: 30m, team: ops }
"#);
    let e = explain_inventory(&i, &opts(500));
    let v: serde_json::Value = serde_json::from_str(&crate::report::explain::json(&e, &i)).unwrap();
    assert_eq!(v["format"], EXPLAIN_FORMAT);
    assert_eq!(v["outcome"], "planned");
    assert_eq!(v["critical_chain"][1]["held_by"][0]["kind"], "team");
    assert_eq!(
        v["bottlenecks"]["ranked"][0]["relaxation"]["kind"],
        "team_capacity"
    );
}

#[test]
fn team_hours_and_blackout_conflict() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-06T06:00 }
teams:
  - { id: dba, capacity: 2 }
  - { id: oracle-support, capacity: 1, available: [2026-12-05T23:00/2026-12-06T01:00] }
systems: [{ id: db }, { id: app }]
blackouts:
  - { from: 2026-12-05T23:00, to: 2026-12-06T00:30, scope: { systems: [db] }, reason: settlement }
tasks:
  - { id: backup, system: app, duration: 30m, team: dba }
  - id: schema-v42
    system: db
    duration: 45m
    needs: { dba: 1, oracle-support: 1 }
    windows: [2026-12-05T22:00/2026-12-06T04:00]
"#);
    let e = explain_inventory(&i, &opts(500));
    let c = e.conflict.as_ref().unwrap();
    assert_eq!(
        crate::report::explain::conflict_rules(c, &i),
        vec![
            "blackouts[0] (settlement) 23:00–00:30",
            "teams[1].available of oracle-support (23:00–01:00)"
        ]
    );
    assert!(c.set_proven);
}

#[test]
fn cluster_limit_is_the_bottleneck() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
systems: [{ id: web-1 }, { id: web-2 }, { id: web-3 }, { id: web-4 }]
clusters: [{ id: web-tier, members: [web-1, web-2, web-3, web-4], min_available: 3 }]
tasks:
  - { id: web-os-patch, cluster: web-tier, duration: 30m }
"#);
    let e = explain_inventory(&i, &opts(1000));
    assert_eq!(e.plan.as_ref().unwrap().length_minutes, 120);
    let b = e.bottlenecks.as_ref().unwrap();
    assert_eq!(
        crate::report::explain::trial(&b.ranked[0], 120, &i),
        "cluster web-tier allows 2 members down (min_available 3 → 2): 2h → 1h, −1h (−50%)"
    );
    let chain: Vec<String> = e
        .critical_chain
        .iter()
        .map(crate::report::explain::chain_link)
        .collect();
    assert_eq!(chain.len(), 4, "{chain:?}");
    assert!(
        chain[3].contains("cluster web-tier allows 1 member down"),
        "{chain:?}"
    );
}

/// A relaxation that gave no plan is not listed as one that "gave no
/// shorter window": it is said apart.
#[test]
fn relaxations_without_a_plan_are_said_apart() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: ops, capacity: 1 }, { id: dba, capacity: 1 }]
systems: [{ id: a }]
tasks:
  - { id: ta, system: a, duration: 30m, team: ops }
"#);
    let trial = |team: usize, length: Option<Time>| Trial {
        relaxation: Relaxation::TeamCapacity { team },
        length_minutes: length,
        shrink_minutes: length.map(|l| 30 - l),
        shrink_percent: None,
        original_improvable: false,
        lower_bound_minutes: length,
        from_base: false,
        credit: length.map(|l| Credit::of(30, 30, l, l)),
    };
    let e = Explanation {
        format: EXPLAIN_FORMAT.into(),
        outcome: "planned".into(),
        plan: None,
        critical_chain: Vec::new(),
        bottlenecks: Some(Bottlenecks {
            base_minutes: 30,
            ranked: Vec::new(),
            tried: vec![trial(0, Some(30)), trial(1, None)],
            time_limit_ms: 200,
            candidates: 2,
            untried: Vec::new(),
            cut: None,
        }),
        conflict: None,
    };
    let text = crate::report::explain::text(&e, &i);
    let same = text.find("no shorter window:").expect("heading");
    let none = text
        .find("no plan found in the time given:")
        .expect("heading");
    let ops = text.find("team ops").unwrap();
    let dba = text.find("team dba").unwrap();
    assert!(same < ops && ops < none && none < dba, "{text}");
}

/// Issue #20.5: a given plan of 2h whose inventory allows 1h (its proven
/// bound). One more in team qa lets the relaxed search run both qa tasks
/// at once for 1h, but the base inventory already allows 1h: the relaxation
/// is not credited with the hour (today: ranked first, "−1h").
#[test]
fn a_relaxation_is_not_credited_with_minutes_the_base_already_allows() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: qa, capacity: 1 }, { id: ops, capacity: 1 }]
systems: [{ id: a }, { id: b }, { id: c }]
tasks:
  - { id: ta, system: a, duration: 30m, team: qa }
  - { id: tb, system: b, duration: 30m, team: qa }
  - { id: tc, system: c, duration: 1h, team: ops }
"#);
    let starts = [0, 30, 60];
    assert!(crate::check::check(&i, &starts).is_empty());
    let e = explain_plan(&i, &starts, 60, true, &opts(500));
    let b = e.bottlenecks.as_ref().unwrap();
    assert!(b.ranked.is_empty(), "{:?}", b.ranked);
    let qa = b
        .tried
        .iter()
        .find(|t| t.relaxation == Relaxation::TeamCapacity { team: 0 })
        .unwrap();
    let credit = qa.credit.unwrap();
    assert_eq!(credit.least_minutes, 0, "{qa:?}");
    assert!(!credit.exact);
    let text = crate::report::explain::text(&e, &i);
    assert!(!text.contains("1. one more in team qa"), "{text}");
}

/// A relaxation always keeps the plan being explained valid, so its window
/// is never longer than that plan, and a credit is exact only when both
/// sides are proven.
#[test]
fn relaxations_start_from_the_plan_being_explained() {
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: ops, capacity: 1 }]
systems: [{ id: a }, { id: b }]
blackouts:
  - { from: 2026-12-06T05:00, to: 2026-12-06T06:00, reason: backups }
tasks:
  - { id: ta, system: a, duration: 30m, team: ops }
  - { id: tb, system: b, duration: 30m, team: ops }
"#);
    let starts = [0, 30];
    let e = explain_plan(&i, &starts, 60, true, &opts(300));
    let b = e.bottlenecks.as_ref().unwrap();
    for t in &b.tried {
        if let Some(len) = t.length_minutes {
            assert!(len <= 60, "{t:?}");
        }
    }
    let blackout = b
        .tried
        .iter()
        .find(|t| matches!(t.relaxation, Relaxation::Blackout { .. }))
        .unwrap();
    assert_eq!(blackout.length_minutes, Some(60));
    assert_eq!(
        blackout.credit,
        Some(Credit {
            least_minutes: 0,
            most_minutes: 0,
            exact: true
        })
    );
    let team = b
        .tried
        .iter()
        .find(|t| t.relaxation == Relaxation::TeamCapacity { team: 0 })
        .unwrap();
    assert_eq!(team.length_minutes, Some(30));
    assert_eq!(team.credit.unwrap().least_minutes, 30);
    assert!(team.credit.unwrap().exact);
}

/// Issue #21.22: the bottleneck search keeps its budget. With a work
/// allowance of one re-plan, one relaxation is tried and the others are
/// listed as not tried (and said so), whatever the machine's speed.
#[test]
fn bottlenecks_stop_at_their_budget_and_say_what_they_left_out() {
    use crate::analysis::budget::{Budget, Cut};
    let i = inv(r#"
window: { start: 2026-12-05T22:00, timezone: UTC }
teams: [{ id: ops, capacity: 1 }, { id: dba, capacity: 1 }]
systems: [{ id: a }, { id: b }, { id: c }]
blackouts:
  - { from: 2026-12-06T05:00, to: 2026-12-06T06:00, reason: backups }
tasks:
  - { id: ta, system: a, duration: 30m, team: ops }
  - { id: tb, system: b, duration: 30m, team: ops }
  - { id: tc, system: c, duration: 30m, team: dba }
"#);
    let starts = [0, 30, 0];
    let all = Relaxation::all(&i).len();
    assert!(all >= 3, "{all}");
    let budget = Budget::unlimited().with_units(1);
    let e = explain_plan_within(&i, &starts, 60, true, &opts(300), &budget);
    let b = e.bottlenecks.as_ref().unwrap();
    assert_eq!(b.candidates, all);
    assert_eq!(b.tried.len(), 1, "{b:?}");
    assert_eq!(b.untried.len(), all - 1);
    assert_eq!(b.cut, Some(Cut::WorkLimit));
    assert!(!b.complete());
    // The plan and its chain are still there: a partial but true answer.
    assert!(e.has_plan());
    assert!(!e.critical_chain.is_empty());
    let text = crate::report::explain::text(&e, &i);
    assert!(
        text.contains(&format!(
            "Not tried within the work allowed: {} of {all} relaxations (bottleneck credits computed for 1 of {all})",
            all - 1
        )),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&crate::report::explain::json(&e, &i)).unwrap();
    assert_eq!(v["bottlenecks"]["candidates"], all);
    assert_eq!(v["bottlenecks"]["cut"], "work_limit");
    assert_eq!(
        v["bottlenecks"]["untried"].as_array().unwrap().len(),
        all - 1
    );
    // A time limit already spent: nothing is tried, said so.
    let spent = Budget::within(Duration::ZERO);
    let e = explain_plan_within(&i, &starts, 60, true, &opts(300), &spent);
    let b = e.bottlenecks.as_ref().unwrap();
    assert!(b.tried.is_empty() && b.untried.len() == all, "{b:?}");
    assert_eq!(b.cut, Some(Cut::TimeLimit));
    let text = crate::report::explain::text(&e, &i);
    assert!(text.contains("Not tried within the time limit"), "{text}");
}

/// The conflict search keeps its budget: with no re-plan allowed, every
/// group stays in the set, marked as not tried, and the set is not claimed
/// to be the smallest.
#[test]
fn a_conflict_cut_short_keeps_its_untried_groups_and_says_so() {
    use crate::analysis::budget::{Budget, Cut};
    let i = inv(include_str!(
        "../../../tests/fixtures/deadline-and-blackout.yaml"
    ));
    let groups = RuleGroup::all(&i);
    let base = conflict::verdict(&i, &opts(500));
    assert!(!base.is_feasible());
    let c = conflict_within(&i, &base, &opts(500), &Budget::unlimited().with_units(0));
    assert_eq!(c.groups, groups);
    assert_eq!(c.untried, groups);
    assert_eq!(c.cut, Some(Cut::WorkLimit));
    assert!(c.tried.is_empty());
    let e = Explanation {
        format: EXPLAIN_FORMAT.into(),
        outcome: "no_plan".into(),
        plan: None,
        critical_chain: Vec::new(),
        bottlenecks: None,
        conflict: Some(c),
    };
    let text = crate::report::explain::text(&e, &i);
    assert!(text.contains("the set may not be the smallest"), "{text}");
    assert!(!text.contains("drop any one of them"), "{text}");
    assert!(text.contains("(not tried)"), "{text}");
    // With room for every check it is the full answer again.
    let c = conflict_within(&i, &base, &opts(500), &Budget::unlimited().with_units(1000));
    assert!(c.untried.is_empty() && c.cut.is_none());
    assert_eq!(c.groups.len(), 2);
}
