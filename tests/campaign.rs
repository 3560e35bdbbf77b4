//! Format 1.2 campaigns end to end: the example quarter is planned, its
//! plan passes the independent campaign check, and it uses the number of
//! windows argued by hand below; `later_window_than` is honoured by the
//! solver and enforced by the checker; mutated plans are rejected.

use proptest::prelude::*;
use std::time::Duration;
use windowplan::check::campaign::check_campaign;
use windowplan::inventory::campaign::{
    campaign_from_parts, load_campaign_str, Campaign, CampaignSectionFile,
};
use windowplan::inventory::{Format, Limits};
use windowplan::pipeline::campaign::plan_campaign;
use windowplan::plan::campaign::CampaignPlan;
use windowplan::solve::SolveOptions;

fn example() -> Campaign {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/campaign.yaml"
    ))
    .unwrap();
    load_campaign_str(&text, Format::Yaml, "campaign.yaml", &Limits::default())
        .unwrap()
        .unwrap()
}

fn opts(secs: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(secs),
        threads: 2,
        ..SolveOptions::default()
    }
}

/// Lower bound on the example's windows, by hand: `dc-power-test` is pinned
/// to 2027-01-23 (1). `psu-db-b` and `psu-db-a` need oracle-support, on
/// hand on jan-09 only (2: not 2027-01-23). `san-1-firmware` and
/// `san-2-firmware` need the storage vendor, on site 2027-02-06 and
/// 2027-03-20 only, 23:00-04:00 (5 h), one engineer: the two 3 h jobs
/// cannot share a night (6 h > 5 h), so both nights are used (3, 4).
/// Hence at least 4 windows; every other task has room in those four, so a
/// plan with 4 is the fewest.
#[test]
fn the_example_quarter_is_planned_in_the_fewest_windows_and_checked() {
    let c = example();
    assert_eq!(c.windows.len(), 6);
    assert_eq!(c.tasks.len(), 40);
    let r = plan_campaign(&c, &opts(20)).expect("the example has a plan");
    let p = &r.plan;
    assert_eq!(
        p.windows_used, 4,
        "hand-argued lower bound 4: {:?}",
        p.assignment
    );
    assert!(p.windows_lower_bound <= 4);
    for (task, w) in [
        ("dc-power-test", "2027-01-23"),
        ("psu-db-a", "jan-09"),
        ("san-1-firmware", "2027-02-06"),
        ("san-2-firmware", "2027-03-20"),
    ] {
        assert_eq!(p.assignment[task], w, "{task}");
    }
    let v = check_campaign(&c, p);
    assert!(v.is_empty(), "{v:?}");
    // What is proven is said, never more: the solver's own bound is 3.
    assert_eq!(
        p.status == "optimal",
        p.proven.windows && p.proven.downtime && p.proven.length
    );
    // Through the file format too.
    let json = windowplan::report::campaign::to_json(p);
    let back = windowplan::check::campaign::read_campaign_plan(&json).unwrap();
    assert!(check_campaign(&c, &back).is_empty());
}

fn two_tasks_later() -> Campaign {
    let text = "campaign:\n  timezone: UTC\n  windows:\n    - { every: 7d, first: 2026-12-05T22:00, length: 4h, count: 3 }\nteams: [{ id: ops, capacity: 2 }]\nsystems: [{ id: s1 }, { id: s2 }]\ntasks:\n  - { id: expand, system: s1, duration: 30m, team: ops, outage: false }\n  - { id: contract, system: s2, duration: 15m, team: ops }\n";
    let Ok(serde_json::Value::Object(mut doc)) =
        windowplan::inventory::parse_value(text, Format::Yaml)
    else {
        panic!()
    };
    let section: CampaignSectionFile =
        serde_json::from_value(doc.remove("campaign").unwrap()).unwrap();
    doc.insert(
        "window".into(),
        serde_json::json!({"start": "2026-12-05T22:00", "timezone": "UTC"}),
    );
    let mut file: windowplan::inventory::file::InventoryFile =
        serde_json::from_value(serde_json::Value::Object(doc)).unwrap();
    file.tasks[1].later_window_than = vec!["expand".into()];
    campaign_from_parts(section, file).unwrap()
}

#[test]
fn later_window_than_is_planned_and_checked() {
    let c = two_tasks_later();
    let r = plan_campaign(&c, &opts(5)).unwrap();
    let p = &r.plan;
    // Both fit one window, but the contract must wait for a later one: 2 windows, proven.
    assert_eq!(p.windows_used, 2);
    assert!(p.proven.windows && p.windows_lower_bound == 2);
    assert_eq!(p.assignment["expand"], "2026-12-05");
    assert_eq!(p.assignment["contract"], "2026-12-12");
    assert!(check_campaign(&c, p).is_empty());
    // Both in one window: the checker refuses it.
    let mut bad = p.clone();
    bad.assignment
        .insert("contract".into(), "2026-12-05".into());
    let v = check_campaign(&c, &bad);
    assert!(v.iter().any(|x| x.rule == "later_window"), "{v:?}");
}

fn planned() -> &'static (Campaign, CampaignPlan) {
    static P: std::sync::OnceLock<(Campaign, CampaignPlan)> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let c = example();
        let p = plan_campaign(&c, &opts(20)).unwrap().plan;
        (c, p)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// A plan with one task moved to another window, or one activity
    /// moved in time, is rejected by the campaign check.
    #[test]
    fn mutated_campaign_plans_are_rejected(task in 0usize..40, to in 0usize..6, shift in 1i64..120, what in 0u8..2) {
        let (c, p) = planned();
        let mut bad = p.clone();
        if what == 0 {
            let id = c.tasks[task].id.clone();
            let now = bad.assignment[&id].clone();
            let other = c.windows[to].id.clone();
            prop_assume!(other != now);
            bad.assignment.insert(id, other);
        } else {
            let w = task % bad.windows.len();
            let plan = &mut bad.windows[w].plan;
            let k = task % plan.tasks.len();
            plan.tasks[k].start_minute += shift;
        }
        prop_assert!(!check_campaign(c, &bad).is_empty());
    }
}

/// "One window fewer?": the example's last window (2027-03-20) holds the
/// second SAN firmware; without it both 3 h firmware jobs need the storage
/// vendor's 5 h on 2027-02-06: proven impossible. The later-window pair
/// needs its two windows by its own bound.
#[test]
fn one_window_fewer_is_answered_with_its_proof() {
    use windowplan::analysis::campaign::{one_window_fewer, FewerWindows};
    let c = example();
    let (_, p) = planned();
    let base = plan_campaign(&c, &opts(20)).unwrap();
    assert_eq!(base.plan.windows_used, p.windows_used);
    match one_window_fewer(&c, &base, &opts(10)) {
        FewerWindows::No { without, why } => {
            assert_eq!(without, "2027-03-20");
            assert!(why.contains("storage-vendor"), "{why}");
        }
        other => panic!("expected a proven no, got {other:?}"),
    }
    let c = two_tasks_later();
    let base = plan_campaign(&c, &opts(5)).unwrap();
    assert!(matches!(
        one_window_fewer(&c, &base, &opts(5)),
        FewerWindows::No { .. }
    ));
}
