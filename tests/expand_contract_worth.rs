//! What a blocking schema change is worth done expand/contract (format 1.2,
//! issue #24 item 3): `availability --format json`, `whatif
//! --expand-contract` on one window (base and scenarios) and across a
//! campaign's windows, on fixtures solved by hand
//! (tests/fixtures/v12/blocking-ddl.yaml, blocking-ddl-campaign.yaml).

mod common;

use common::{fixture, run, windowplan};
use std::time::Duration;
use windowplan::solve::SolveOptions;

/// The first (only) comparison in a JSON document's `expand_contract`.
fn only(list: &serde_json::Value) -> &serde_json::Value {
    let list = list.as_array().expect("expand_contract is a list");
    assert_eq!(list.len(), 1, "{list:?}");
    &list[0]
}

/// `availability --format json` on blocking-ddl.yaml, by hand. As written
/// the 20m DDL takes orders-db and the whole app tier down: orders is down
/// 20m, then the deploy rolls one member at a time (release has one
/// engineer, max_unavailable 1): 20 + 10 + 10 = 40m. Written
/// expand/contract: expand 0–20 (online), deploy 20–40, backfill (20m, the
/// DDL's duration) 40–60: orders is never down, the window is 60m (20m
/// longer), and the contract is the stated one window more.
#[test]
fn availability_json_gives_the_comparison() {
    let out = run(windowplan()
        .args([
            "availability",
            "--format",
            "json",
            "--time-limit",
            "2s",
            "--threads",
            "1",
        ])
        .arg(fixture("v12/blocking-ddl.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["format"], "windowplan-availability/1");
    assert_eq!(v["services"][0]["service"], "orders");
    let w = only(&v["expand_contract"]);
    assert_eq!(w["task"], "orders-ddl");
    assert_eq!(w["database"], "orders-db");
    assert_eq!(w["app"], serde_json::json!(["app-1", "app-2"]));
    assert_eq!(w["as_written"]["result"], "planned");
    assert_eq!(w["as_written"]["length_minutes"], 40);
    assert_eq!(w["as_written"]["status"], "optimal");
    assert_eq!(w["as_written"]["downtime"][0]["minutes"], 20);
    assert_eq!(w["expand_contract"]["length_minutes"], 60);
    assert_eq!(w["expand_contract"]["status"], "optimal");
    assert_eq!(w["expand_contract"]["downtime"][0]["minutes"], 0);
    assert_eq!(
        w["saving"],
        serde_json::json!([{"service": "orders", "as_written_minutes": 20, "expand_contract_minutes": 0, "saved_minutes": 20}])
    );
    assert_eq!(w["length_added_minutes"], 20);
    assert_eq!(w["windows_added"], 1);
    assert_eq!(w["windows_added_assumed"], true);
    assert!(!w["assumptions"].as_array().unwrap().is_empty());
}

/// An inventory whose only outage is already a schema change done
/// expand/contract (its cutover takes nothing else down) offers nothing:
/// `expand_contract` is empty.
#[test]
fn availability_json_offers_nothing_without_a_blocking_change() {
    let out = run(windowplan()
        .args(["availability", "--format", "json", "--time-limit", "2s"])
        .arg(fixture("v12/schema-change.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.json()["expand_contract"], serde_json::json!([]));
}

/// A task that is not a blocking schema change is not offered: the deploy
/// (a cluster task, no `down:`) is not among the blocking changes, and
/// naming it to `whatif --expand-contract` is refused (E090, exit 2), on
/// one window and on a campaign.
#[test]
fn a_task_that_is_not_a_blocking_change_is_not_offered() {
    use windowplan::analysis::expand_contract::{blocking_changes, named_blocking_changes};
    let inv = windowplan::load_inventory(&fixture("v12/blocking-ddl.yaml")).unwrap();
    let ids: Vec<&str> = blocking_changes(&inv)
        .into_iter()
        .map(|b| inv.tasks[b].id.as_str())
        .collect();
    assert_eq!(ids, ["orders-ddl"]);
    let err = named_blocking_changes(&inv, &["app-deploy-v43".to_string()]).unwrap_err();
    assert!(err.contains("not a blocking schema change"), "{err}");
    // Not an outage: refused, with the reason.
    let text = std::fs::read_to_string(fixture("v12/blocking-ddl.yaml")).unwrap();
    let online = text.replace("team: dba, down:", "team: dba, outage: false, down:");
    let inv2 =
        windowplan::load_inventory_str(&online, windowplan::inventory::Format::Yaml, "x").unwrap();
    assert!(blocking_changes(&inv2).is_empty());
    for file in ["v12/blocking-ddl.yaml", "v12/blocking-ddl-campaign.yaml"] {
        let out = run(windowplan()
            .args(["whatif", "--time-limit", "1s"])
            .arg(fixture(file))
            .args(["--expand-contract", "app-deploy-v43"]));
        assert_eq!(out.code, Some(2), "{file}: {}", out.stderr);
        assert!(
            out.stderr.contains("E090")
                && out
                    .stderr
                    .contains("`app-deploy-v43` is not a blocking schema change"),
            "{file}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
}

/// `whatif --expand-contract` with a scenario, by hand. The base is as in
/// [`availability_json_gives_the_comparison`] (saves 20m, 40m → 60m). The
/// scenario makes the DDL 30m: as written 30 + 10 + 10 = 50m with orders
/// down 30m; expand/contract 30 (expand) + 20 (deploy) + 30 (backfill) =
/// 80m with orders up: saves 30m. Text and JSON both show each row's.
#[test]
fn whatif_shows_the_comparison_for_the_base_and_each_scenario() {
    let dir = common::tempdir();
    let scenario = common::write(
        &dir,
        "slow.yaml",
        "name: slower DDL\npatch:\n  tasks:\n    orders-ddl: { duration: 30m }\n",
    );
    let cmd = |format: &str| {
        run(windowplan()
            .args(["whatif", "--time-limit", "2s", "--format", format])
            .arg(fixture("v12/blocking-ddl.yaml"))
            .arg("--scenario")
            .arg(&scenario)
            .arg("--expand-contract"))
    };
    let out = cmd("json");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = out.json();
    let base = only(&v["base"]["expand_contract"]);
    assert_eq!(base["saving"][0]["saved_minutes"], 20);
    assert_eq!(base["as_written"]["length_minutes"], 40);
    assert_eq!(base["expand_contract"]["length_minutes"], 60);
    let slow = only(&v["scenarios"][0]["expand_contract"]);
    assert_eq!(slow["saving"][0]["as_written_minutes"], 30);
    assert_eq!(slow["saving"][0]["saved_minutes"], 30);
    assert_eq!(slow["as_written"]["length_minutes"], 50);
    assert_eq!(slow["expand_contract"]["length_minutes"], 80);
    let out = cmd("table");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout_text();
    let scen = text.find("scenario slower DDL:").expect(&text);
    let (base_part, scen_part) = text.split_at(scen);
    assert!(
        base_part.contains("orders: down 0m instead of 20m (saves 20m)")
            && base_part.contains("window 1h instead of 40m"),
        "{text}"
    );
    assert!(
        scen_part.contains("orders: down 0m instead of 30m (saves 30m)")
            && scen_part.contains("window 1h20m instead of 50m"),
        "{text}"
    );
    let md = cmd("md").stdout_text();
    assert!(
        md.contains("## Blocking schema changes done expand/contract")
            && md.contains("### scenario slower DDL"),
        "{md}"
    );
    // Without --expand-contract, no row carries the comparison.
    let plain = run(windowplan()
        .args(["whatif", "--time-limit", "1s", "--format", "json"])
        .arg(fixture("v12/blocking-ddl.yaml"))
        .arg("--scenario")
        .arg(&scenario));
    assert!(plain.json()["base"].get("expand_contract").is_none());
}

fn campaign_opts() -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..Default::default()
    }
}

fn campaign_worth(
    text: &str,
) -> Vec<windowplan::analysis::expand_contract_campaign::CampaignExpandContractWorth> {
    use windowplan::inventory::{campaign::load_campaign_str, Format, Limits};
    let limits = Limits::default();
    let c = load_campaign_str(text, Format::Yaml, "c.yaml", &limits)
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("a campaign");
    let doc = windowplan::inventory::parse_value(text, Format::Yaml).unwrap();
    windowplan::analysis::expand_contract_campaign::campaign_worth(
        &doc,
        &c,
        &[],
        "c.yaml",
        &limits,
        &campaign_opts(),
    )
    .unwrap()
}

/// The campaign comparison, windows computed, by hand
/// (blocking-ddl-campaign.yaml, two 2h windows). As written everything fits
/// w1 (one window: nothing needs two): the 30m DDL takes orders down 30m
/// (weight 10: 300), the deploy rolls 30–50: one window, weighted downtime
/// 300, 50m in all. Written expand/contract, the contract must be in a
/// strictly later window than the deploy, so two windows are needed (and
/// enough): expand 30m, deploy 20m and backfill 30m in w1 (or the backfill
/// beside the contract in w2), the contract's 30m in w2 — 110m in all
/// either way, and orders never down: saves 300, costs one window (computed,
/// not assumed) and 60m.
#[test]
fn campaign_comparison_computes_the_windows() {
    let text = std::fs::read_to_string(fixture("v12/blocking-ddl-campaign.yaml")).unwrap();
    let w = campaign_worth(&text);
    assert_eq!(w.len(), 1);
    let w = &w[0];
    assert_eq!(w.task, "orders-ddl");
    let a = w.as_written.planned().expect("as written has a plan");
    let e = w
        .expand_contract
        .planned()
        .expect("expand/contract has a plan");
    assert_eq!((a.windows_used, a.windows_proven), (1, true));
    assert_eq!(a.downtime_weighted, 300.0);
    assert_eq!(a.length_minutes_total, 50);
    assert_eq!((e.windows_used, e.windows_proven), (2, true));
    assert_eq!(e.windows, ["w1", "w2"]);
    assert_eq!(e.downtime_weighted, 0.0);
    assert_eq!(e.length_minutes_total, 110);
    assert_eq!(w.contract_window.as_deref(), Some("w2"));
    assert_eq!(w.windows_added, Some(1));
    assert_eq!(w.downtime_saved, Some(300.0));
    assert_eq!(w.length_added_minutes, Some(60));
}

/// With no deploy task after the DDL and `down:` naming one cluster, a
/// rolling deploy of 10m per member on the cluster is assumed (and said).
/// As written: the DDL alone, 30m, orders down 30m (300), one window.
/// Expand/contract: expand 30, the assumed deploy 10 + 10 (max_unavailable
/// 1), backfill 30, contract 30 in w2: two windows, 110m, no downtime.
#[test]
fn campaign_comparison_assumes_a_rolling_deploy_when_none_is_written() {
    let text = std::fs::read_to_string(fixture("v12/blocking-ddl-campaign.yaml")).unwrap();
    let text = text.replace(
        "  - { id: app-deploy-v43, cluster: app-tier, duration: 10m, team: release, after: [orders-ddl] }\n",
        "",
    );
    let w = campaign_worth(&text);
    let w = &w[0];
    let a = w.as_written.planned().unwrap();
    let e = w.expand_contract.planned().unwrap();
    assert_eq!((a.windows_used, a.length_minutes_total), (1, 30));
    assert_eq!(a.downtime_weighted, 300.0);
    assert_eq!((e.windows_used, e.length_minutes_total), (2, 110));
    assert_eq!(e.downtime_weighted, 0.0);
    assert!(
        w.assumptions
            .iter()
            .any(|a| a.contains("rolling deploy `orders-ddl.deploy`")),
        "{:?}",
        w.assumptions
    );
}

/// The campaign comparison on the command line: text and JSON.
#[test]
fn whatif_on_a_campaign_shows_windows_downtime_and_length() {
    let cmd = |format: &str| {
        run(windowplan()
            .args(["whatif", "--time-limit", "5s", "--format", format])
            .arg(fixture("v12/blocking-ddl-campaign.yaml"))
            .arg("--expand-contract"))
    };
    let out = cmd("json");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["format"], "windowplan-campaign-expand-contract/1");
    let w = only(&v["expand_contract"]);
    assert_eq!(w["as_written"]["windows_used"], 1);
    assert_eq!(w["expand_contract"]["windows_used"], 2);
    assert_eq!(w["windows_added"], 1);
    assert_eq!(w["length_added_minutes"], 60);
    let text = cmd("table").stdout_text();
    assert!(
        text.contains(
            "as written:       1 window (w1; proven fewest), weighted downtime 300, 50m in all"
        ),
        "{text}"
    );
    assert!(text.contains("expand/contract:  2 windows (w1, w2; proven fewest), weighted downtime 0, 1h50m in all"), "{text}");
    assert!(text.contains("the contract runs in window w2"), "{text}");
    assert!(
        text.contains("costs 1 window more and +1h of window time"),
        "{text}"
    );
}
