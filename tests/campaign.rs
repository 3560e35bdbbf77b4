//! Format 1.2 campaigns end to end: the example quarter is planned, its
//! plan passes the independent campaign check, and it uses the number of
//! windows argued by hand below; `later_window_than` is honoured by the
//! solver and enforced by the checker; mutated plans are rejected.

mod common;
use common::solve_within;
use proptest::prelude::*;
use windowplan::check::campaign::check_campaign;
use windowplan::inventory::campaign::{
    campaign_from_parts, load_campaign_str, Campaign, CampaignSectionFile,
};
use windowplan::inventory::{Format, Limits};
use windowplan::pipeline::campaign::plan_campaign;
use windowplan::plan::campaign::CampaignPlan;

fn example() -> Campaign {
    common::load_campaign(&common::example("campaign.yaml"))
}

/// Lower bound on the example's windows, by hand: `dc-power-test` is pinned
/// to 2027-01-23 (1). `psu-db-b` and `psu-db-a` need oracle-support, on
/// hand on jan-09 only (2: not 2027-01-23). `san-1-firmware` and
/// `san-2-firmware` need the storage vendor, on site 2027-02-06 and
/// 2027-03-20 only, 23:00-04:00 (5 h), one engineer: the two 3 h jobs
/// cannot share a night (6 h > 5 h), so both nights are used (3, 4).
/// Hence at least 4 windows; every other task has room in those four, so a
/// plan with 4 is the fewest. The two schema changes add no window: each
/// contract needs a window strictly later than its deploy (`app-deploy-7-2`,
/// `web-deploy-7-2`), and those deploys can run in jan-09 or 2027-01-23
/// with the contracts in a later window of the four used anyway (2027-02-06
/// or 2027-03-20); their other steps only need the deploy's window or an
/// earlier-or-later one of the same four. So 4 stays the fewest.
#[test]
fn the_example_quarter_is_planned_in_the_fewest_windows_and_checked() {
    let c = example();
    assert_eq!(c.windows.len(), 6);
    // 41 written tasks and the steps of the two schema changes, expanded
    // once: orders-v72 (expand, backfill, contract) and sessions-v5
    // (expand, backfill, cutover, contract).
    assert_eq!(c.tasks.len(), 48);
    let r = plan_campaign(&c, &solve_within(20, 2)).expect("the example has a plan");
    let p = &r.plan;
    assert_eq!(
        p.windows_used, 4,
        "hand-argued lower bound 4: {:?}",
        p.assignment
    );
    // The covering bound proves the hand-argued 4 (see below).
    assert_eq!(p.windows_lower_bound, 4);
    assert!(p.proven.windows);
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
    // What is proven is said, never more: the fewest windows are proven,
    // the status is `optimal` only if downtime and length are too.
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
    let r = plan_campaign(&c, &solve_within(5, 2)).unwrap();
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
        let p = plan_campaign(&c, &solve_within(20, 2)).unwrap().plan;
        (c, p)
    })
}

/// The window each task of the plan runs in, by index.
fn window_index(c: &Campaign, p: &CampaignPlan, task: &str) -> usize {
    c.window_index(&p.assignment[task]).unwrap()
}

/// The example's two schema changes: expanded once for the campaign, each
/// contract in a later window than its deploy (and every step in the order
/// of the rule table), the plan checked, and the CAB pack of the window that
/// runs the deploy names the window of the contract, the point of no return;
/// the window that runs the contract marks it so.
#[test]
fn the_example_schema_changes_put_each_contract_after_its_deploy() {
    let r = plan_campaign(&example(), &solve_within(20, 2)).unwrap();
    let c = example();
    let p = &r.plan;
    assert!(check_campaign(&c, p).is_empty());
    for (sc, deploy, cutover) in [
        ("orders-v72", "app-deploy-7-2", false),
        ("sessions-v5", "web-deploy-7-2", true),
    ] {
        let at = |step: &str| window_index(&c, p, &format!("{sc}.{step}"));
        let d = window_index(&c, p, deploy);
        assert!(at("expand") <= d && d <= at("backfill"), "{sc}");
        assert!(
            d < at("contract"),
            "{sc}: the contract waits for a later window"
        );
        if cutover {
            assert!(at("backfill") <= at("cutover") && at("cutover") <= at("contract"));
        }
        // Each step is a task of exactly one window's inventory (not
        // expanded a second time by the window's own validation).
        for step in ["expand", "backfill", "contract"] {
            let id = format!("{sc}.{step}");
            let n = r
                .inventories
                .iter()
                .filter(|inv| inv.tasks.iter().any(|t| t.id == id))
                .count();
            assert_eq!(n, 1, "{id}");
        }
        // The deploy's window: the schema change is described there, its
        // contract elsewhere, and the pack says where.
        let k = p
            .windows
            .iter()
            .position(|w| w.id == c.windows[d].id)
            .unwrap();
        let inv = &r.inventories[k];
        let here = inv.schema_changes.iter().find(|x| x.id == sc).unwrap();
        let contract_window = &c.windows[at("contract")].id;
        assert!(here.contract_deferred);
        assert_eq!(
            here.contract_window.as_deref(),
            Some(contract_window.as_str())
        );
        let pack =
            windowplan::report::render(inv, &p.windows[k].plan, windowplan::report::Format::Md);
        assert!(
            pack.contains(&format!(
                "point of no return: contract in window {contract_window}"
            )),
            "{pack}"
        );
        assert!(
            !pack.contains("deferred: contract in a later window"),
            "{pack}"
        );
        // The contract's window: the contract is its point of no return.
        let k = p
            .windows
            .iter()
            .position(|w| &w.id == contract_window)
            .unwrap();
        let inv = &r.inventories[k];
        assert!(inv
            .schema_changes
            .iter()
            .any(|x| x.id == sc && !x.contract_deferred));
        let pack =
            windowplan::report::render(inv, &p.windows[k].plan, windowplan::report::Format::Md);
        assert!(
            pack.contains(&format!("| contract | {sc}.contract |"))
                && pack.contains("**point of no return: drops the old shape**"),
            "{pack}"
        );
    }
}

/// A window's inventory carries the schema changes whose steps it holds, so
/// the window checker's rule `schema_change` applies in a campaign: the
/// backfill moved before the deploy's end is refused as such. (The small
/// schema campaign with every step but the contract pinned to its middle
/// window, so that the deploy and the backfill share one.)
#[test]
fn the_window_checker_holds_each_window_to_the_schema_change_rules() {
    let mut c = schema_campaign();
    for t in &mut c.tasks {
        t.domain = vec![if t.id == "v2.contract" { 2 } else { 1 }];
    }
    let p = plan_campaign(&c, &solve_within(5, 2)).unwrap().plan;
    assert!(check_campaign(&c, &p).is_empty());
    let w = p.assignment["v2.backfill"].clone();
    assert_eq!(p.assignment["app-deploy"], w);
    let members: Vec<usize> = (0..c.tasks.len())
        .filter(|&t| p.assignment[&c.tasks[t].id] == w)
        .collect();
    let inv = c
        .window_inventory(c.window_index(&w).unwrap(), &members)
        .unwrap();
    assert!(inv.schema_changes.iter().any(|x| x.id == "v2"));
    let mut bad = p.clone();
    let plan = &mut bad.windows.iter_mut().find(|x| x.id == w).unwrap().plan;
    let at = plan
        .tasks
        .iter()
        .find(|t| t.id == "app-deploy@app-1")
        .unwrap()
        .start_minute;
    let t = plan
        .tasks
        .iter_mut()
        .find(|t| t.id == "v2.backfill")
        .unwrap();
    let len = t.end_minute - t.start_minute;
    (t.start_minute, t.end_minute) = (at, at + len);
    t.start = windowplan::plan::rfc3339(&inv.window, at);
    t.end = windowplan::plan::rfc3339(&inv.window, at + len);
    let v = check_campaign(&c, &bad);
    assert!(v.iter().any(|x| x.rule == "schema_change"), "{v:?}");
}

/// A small campaign with one schema change (a writer, a cutover) over three
/// weekly windows.
fn schema_campaign() -> Campaign {
    let text = "campaign:\n  timezone: UTC\n  windows:\n    - { every: 7d, first: 2026-12-05T22:00, length: 4h, count: 3 }\nteams: [{ id: dba, capacity: 1 }, { id: release, capacity: 1 }]\nsystems: [{ id: db }, { id: app-1 }, { id: app-2 }, { id: batch }]\nclusters: [{ id: app, members: [app-1, app-2], min_available: 1 }]\nservices: [{ id: shop, requires: [app, db] }]\ntasks:\n  - { id: app-deploy, cluster: app, duration: 10m, team: release }\n  - { id: batch-deploy, system: batch, duration: 10m, team: release, outage: false }\nschema_changes:\n  - id: v2\n    database: db\n    app: app\n    writers: [batch]\n    deploy: app-deploy\n    expand: { duration: 10m, team: dba }\n    backfill: { duration: 20m, team: dba }\n    cutover: { duration: 2m }\n    contract: { duration: 5m, team: dba }\n";
    load_campaign_str(text, Format::Yaml, "t.yaml", &Limits::default())
        .unwrap()
        .unwrap()
}

/// `schema_campaign` with the relations the expansion wrote (`after`,
/// `later_window_than`, lag chains) taken out, every task pinned to the
/// middle window but the contract (the last), and `task` pinned to window
/// `to` instead; with the plan the solver finds for it.
fn loose_plan(task: &str, to: usize) -> (Campaign, CampaignPlan) {
    let mut loose = schema_campaign();
    for t in &mut loose.tasks {
        t.after.clear();
        t.later_than.clear();
        t.same_window.clear();
        t.domain = vec![if t.id == "v2.contract" { 2 } else { 1 }];
    }
    let k = loose.task_index(task).unwrap();
    loose.tasks[k].domain = vec![to];
    let plan = plan_campaign(&loose, &solve_within(5, 2)).unwrap().plan;
    (loose, plan)
}

#[test]
/// The small campaign on its own: planned in the order, and checked.
fn the_small_schema_campaign_is_planned_in_order_and_checked() {
    let c = schema_campaign();
    let p = plan_campaign(&c, &solve_within(5, 2)).unwrap().plan;
    assert!(check_campaign(&c, &p).is_empty());
    assert!(p.assignment["v2.contract"] > p.assignment["app-deploy"]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// The campaign check re-derives the schema-change order across windows
    /// from the schema changes themselves, not from the `after` and
    /// `later_window_than` entries the expansion wrote: with those relations
    /// taken out of the campaign (so that neither the solver nor the order
    /// rules see them), a plan with one task in another window is refused,
    /// by `schema_change` alone, exactly when it breaks the order (expand ≤
    /// deploy ≤ backfill ≤ cutover ≤ contract, the writer's task ≤ backfill,
    /// deploy < contract); the campaign as read gives the same verdict. (The
    /// contract in its deploy's window is the window checker's to refuse,
    /// and the solver's window plan would not pass it: not drawn.)
    #[test]
    fn the_schema_change_order_across_windows_is_rederived(task in 0usize..6, to in 0usize..3) {
        let ids = ["app-deploy", "batch-deploy", "v2.expand", "v2.backfill", "v2.cutover", "v2.contract"];
        let id = ids[task];
        prop_assume!((id, to) != ("app-deploy", 2) && (id, to) != ("v2.contract", 1));
        // The others sit in window 1, the contract in 2.
        let broken = match id {
            "app-deploy" | "v2.backfill" => to != 1,
            "batch-deploy" | "v2.expand" => to > 1,
            "v2.cutover" | "v2.contract" => to < 1,
            _ => unreachable!(),
        };
        let (loose, plan) = loose_plan(id, to);
        let v = check_campaign(&loose, &plan);
        prop_assert_eq!(v.is_empty(), !broken, "{} in window {}: {:?}", id, to, v);
        prop_assert!(v.iter().all(|x| x.rule == "schema_change"), "{:?}", v);
        prop_assert_eq!(check_campaign(&schema_campaign(), &plan).is_empty(), !broken);
    }

    /// A plan with one task moved to another window, or one activity
    /// moved in time, is rejected by the campaign check.
    #[test]
    fn mutated_campaign_plans_are_rejected(task in 0usize..48, to in 0usize..6, shift in 1i64..120, what in 0u8..2) {
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
/// vendor's 5 h on 2027-02-06: proven impossible, and by the covering
/// bound for every set of three windows. The later-window pair
/// needs its two windows by its own bound.
#[test]
fn one_window_fewer_is_answered_with_its_proof() {
    use windowplan::analysis::campaign::{one_window_fewer, FewerWindows};
    let c = example();
    let (_, p) = planned();
    let base = plan_campaign(&c, &solve_within(20, 2)).unwrap();
    assert_eq!(base.plan.windows_used, p.windows_used);
    match one_window_fewer(&c, &base, &solve_within(10, 2)) {
        FewerWindows::No {
            without,
            why,
            every_set,
        } => {
            assert_eq!(without, "2027-03-20");
            assert!(why.contains("storage-vendor"), "{why}");
            // The covering bound needs 4 windows whatever set is used: the
            // no holds for every set of 3, not only without 2027-03-20.
            assert!(every_set, "{why}");
        }
        other => panic!("expected a proven no, got {other:?}"),
    }
    let c = two_tasks_later();
    let base = plan_campaign(&c, &solve_within(5, 2)).unwrap();
    assert!(matches!(
        one_window_fewer(&c, &base, &solve_within(5, 2)),
        FewerWindows::No { .. }
    ));
}

/// A campaign in Europe/London from January to November: the clocks go
/// forward on 2027-03-28 and back on 2027-10-31, so the three windows are in
/// GMT, BST and GMT.
fn across_dst() -> Campaign {
    let text = "campaign:\n  timezone: Europe/London\n  windows:\n    - { id: jan, start: 2027-01-09T22:00, deadline: 2027-01-10T02:00 }\n    - { id: apr, start: 2027-04-10T22:00, deadline: 2027-04-11T02:00 }\n    - { id: nov, start: 2027-11-06T22:00, deadline: 2027-11-07T02:00 }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }, { id: s2 }, { id: s3 }]\ntasks:\n  - { id: a, system: s1, duration: 30m, team: ops, in_window: jan }\n  - { id: b, system: s2, duration: 30m, team: ops, in_window: apr }\n  - { id: c, system: s3, duration: 30m, team: ops, in_window: nov }\n";
    load_campaign_str(text, Format::Yaml, "dst.yaml", &Limits::default())
        .unwrap()
        .unwrap()
}

/// The campaign calendar describes every period its events fall in: one
/// VTIMEZONE spanning the whole campaign, with the STANDARD in force in
/// January, the DAYLIGHT of March and the STANDARD of October, each with
/// its onset and offsets; every event's local time, read through that
/// VTIMEZONE, is the instant the plan says.
#[test]
fn the_campaign_calendar_describes_every_dst_period_it_spans() {
    let c = across_dst();
    let r = plan_campaign(&c, &solve_within(5, 2)).expect("three pinned tasks have a plan");
    assert_eq!(r.plan.windows_used, 3);
    let stamp = windowplan::report::ics::Options {
        dtstamp: "2027-01-01T00:00:00Z".parse().unwrap(),
    };
    let out = windowplan::report::campaign::ics_with(&r.plan, &r.inventories, &stamp);
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(out.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| -> String {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(cal.timezones.len(), 1, "{out}");
    let tz = &cal.timezones[0];
    assert_eq!(prop(&tz.properties, "TZID"), "Europe/London");
    // (kind, DTSTART in the local time before the change, from, to)
    let periods: Vec<(String, String, String, String)> = tz
        .transitions
        .iter()
        .map(|t| {
            let kind = format!("{:?}", t.transition);
            let v = |n: &str| prop(&t.properties, n);
            (kind, v("DTSTART"), v("TZOFFSETFROM"), v("TZOFFSETTO"))
        })
        .collect();
    for want in [
        ("STANDARD", "20261025T020000", "+0100", "+0000"),
        ("DAYLIGHT", "20270328T010000", "+0000", "+0100"),
        ("STANDARD", "20271031T020000", "+0100", "+0000"),
    ] {
        assert!(
            periods
                .iter()
                .any(|p| (p.0.as_str(), p.1.as_str(), p.2.as_str(), p.3.as_str()) == want),
            "{want:?} missing from {periods:?}"
        );
    }
    // Each event: its TZID local time, with the offset of the latest
    // VTIMEZONE period whose onset is at or before it, is the plan's instant.
    let onsets: Vec<(jiff::civil::DateTime, i32)> = periods
        .iter()
        .map(|p| {
            let at = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", &p.1).unwrap();
            let to = &p.3;
            let sign = if to.starts_with('-') { -1 } else { 1 };
            let h: i32 = to[1..3].parse().unwrap();
            let m: i32 = to[3..5].parse().unwrap();
            (at, sign * (h * 3600 + m * 60))
        })
        .collect();
    assert_eq!(cal.events.len(), 3);
    for (w, inv) in r.plan.windows.iter().zip(&r.inventories) {
        for pt in &w.plan.tasks {
            let ev = cal
                .events
                .iter()
                .find(|e| prop(&e.properties, "SUMMARY").starts_with(&format!("{} on", pt.id)))
                .unwrap_or_else(|| panic!("no event for {}", pt.id));
            let local = prop(&ev.properties, "DTSTART");
            let local = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", &local).unwrap();
            let offset = onsets
                .iter()
                .filter(|o| o.0 <= local)
                .max_by_key(|o| o.0)
                .map(|o| o.1)
                .unwrap_or_else(|| panic!("{local} is before every period"));
            let at = local
                .to_zoned_datetime(jiff::tz::TimeZone::fixed(
                    jiff::tz::Offset::from_seconds(offset).unwrap(),
                ))
                .unwrap()
                .timestamp();
            assert_eq!(at, inv.window.at(pt.start_minute).timestamp(), "{}", pt.id);
        }
    }
    // Named after the campaign, not after its first window.
    assert!(out.contains("X-WR-CALNAME:Maintenance campaign 2027-01-09 22:00 – 2027-11-06 22:00"));
}

/// The summary says what is proven for every key of the objective, in its
/// order: `last_window` with the window used last and the bound, then
/// downtime; each window's length after them; in the table and in Markdown.
#[test]
fn the_campaign_summary_says_what_is_proven_for_last_window() {
    let text = "campaign:\n  timezone: UTC\n  objective: [last_window, downtime]\n  windows:\n    - { every: 7d, first: 2026-12-05T22:00, length: 2h, count: 3 }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }, { id: s2 }, { id: s3 }]\ntasks:\n  - { id: a, system: s1, duration: 90m, team: ops }\n  - { id: b, system: s2, duration: 90m, team: ops }\n  - { id: c, system: s3, duration: 30m, team: ops, outage: false }\n";
    let c = load_campaign_str(text, Format::Yaml, "last.yaml", &Limits::default())
        .unwrap()
        .unwrap();
    let r = plan_campaign(&c, &solve_within(5, 2)).unwrap();
    let p = &r.plan;
    // Two 90 min jobs for one engineer cannot share a 2 h window: the plan
    // ends in the second window; whether that is proven is the solver's
    // bound's business, and the summary says which.
    assert_eq!(p.windows.last().unwrap().id, "2026-12-12");
    let bound = p.last_window_lower_bound.clone().unwrap();
    let proven = if p.proven.last_window {
        "proven"
    } else {
        "not proven"
    };
    let want = format!(
        "last window: 2026-12-12, no plan ends in a window before {bound} ({proven}); downtime: 0 (proven least); each window's length: "
    );
    let table = windowplan::report::campaign::table(p, &r.inventories);
    let md = windowplan::report::campaign::markdown(p, &r.inventories);
    assert!(table.contains(&want), "{table}");
    assert!(md.contains(&want), "{md}");
    // Keys outside the objective are not claimed.
    assert!(!table.contains("windows: "), "{table}");
    assert!(!table.contains("total length"), "{table}");
}

/// The covering bound proves the example's 4 by hand's argument: the
/// storage vendor's two 3 h jobs need both of its nights (2027-02-06,
/// 2027-03-20: 5 h each, one engineer), and the windows forced elsewhere
/// (`dc-power-test` pinned to 2027-01-23, Oracle support on jan-09 only)
/// are neither of those. Each of the other bounds alone gives 3.
#[test]
fn the_covering_bound_proves_the_examples_four_windows() {
    let c = example();
    let b = windowplan::pipeline::campaign::campaign_bounds(&c).unwrap();
    assert_eq!(b.windows, 4, "{}", b.windows_why);
    assert!(
        b.windows_why.contains("storage-vendor"),
        "{}",
        b.windows_why
    );
}
