//! Format 1.2 schema changes (DESIGN.md, "Format 1.2" and its schema-change
//! choices): the fixture tests/fixtures/v12/schema-change.yaml solved by
//! hand, one test per rule (each fails without the rule), the checker
//! rejecting mutated plans on its own reading of the rules, and one test per
//! error code.

mod common;

use common::{example, fixture, run, windowplan};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use windowplan::inventory::{Format, Inventory};
use windowplan::load_inventory_str as load_str;
use windowplan::plan::Plan;
use windowplan::solve::SolveOptions;

fn fixture_text() -> String {
    let path = format!(
        "{}/tests/fixtures/v12/schema-change.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

/// The fixture with `from` replaced by `to` (which must be found).
fn variant(from: &str, to: &str) -> String {
    let text = fixture_text();
    assert!(text.contains(from), "the fixture has no {from:?}");
    text.replacen(from, to, 1)
}

fn load(text: &str) -> Inventory {
    load_str(text, Format::Yaml, "sc.yaml").unwrap_or_else(|e| panic!("{e}"))
}

/// Plans `inv`, checks the plan with the independent checker, and returns it.
fn plan(inv: &Inventory) -> Plan {
    let opts = SolveOptions {
        time_limit: Duration::from_secs(20),
        threads: 1,
        ..Default::default()
    };
    let p = windowplan::plan_inventory(inv, &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let starts = p.starts(inv).expect("the plan names every task");
    let v = windowplan::check::check(inv, &starts);
    assert!(v.is_empty(), "{v:?}");
    p
}

fn times(p: &Plan) -> HashMap<String, (i64, i64)> {
    p.tasks
        .iter()
        .map(|t| (t.id.clone(), (t.start_minute, t.end_minute)))
        .collect()
}

fn downtime(p: &Plan, service: &str) -> i64 {
    p.services
        .iter()
        .find(|s| s.id == service)
        .unwrap()
        .downtime_minutes
}

/// The optimum by hand. dba (capacity 1) runs expand 20m, backfill 30m,
/// cutover 2m and contract 15m, in that order by the precedences; the two
/// deploy members (release, capacity 1, 10m each) both wait for the expand,
/// and the backfill for both of them: so no plan is shorter than
/// 20 + 10 + 10 + 30 + 2 + 15 = 87 minutes. The batch deploy (release, 15m)
/// fits before the expand ends (0–15), so 87 is reached. Orders requires
/// the database: down only for the 2-minute cutover; the deploy rolls one
/// member at a time (max_unavailable 1), so the app tier stays up.
#[test]
fn fixture_optimum_by_hand() {
    let inv = load(&fixture_text());
    let p = plan(&inv);
    assert_eq!(p.length_minutes, 87, "{p:#?}");
    assert_eq!(p.status, "optimal");
    let t = times(&p);
    assert_eq!(t["orders-v43.expand"], (0, 20));
    assert_eq!(t["orders-v43.backfill"], (40, 70));
    assert_eq!(t["orders-v43.cutover"], (70, 72));
    assert_eq!(t["orders-v43.contract"], (72, 87));
    assert_eq!(downtime(&p, "orders"), 2);
    assert_eq!(inv.schema_changes.len(), 1);
    let sc = &inv.schema_changes[0];
    assert!(sc.same_window && sc.cutover && !sc.contract_deferred);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

/// The generated tasks: on the database, online except the cutover, the
/// cutover with the contract's team (it names none), runbook text saying
/// how each is backed out.
#[test]
fn generated_tasks_and_their_teams() {
    let inv = load(&fixture_text());
    let task = |id: &str| &inv.tasks[inv.task_index(id).unwrap()];
    let db = inv
        .systems
        .iter()
        .position(|s| s.id == "orders-db")
        .unwrap();
    let dba = inv.teams.iter().position(|t| t.id == "dba").unwrap();
    for step in ["expand", "backfill", "cutover", "contract"] {
        let t = task(&format!("orders-v43.{step}"));
        assert_eq!(t.systems, vec![db]);
        assert_eq!(t.outage, step == "cutover", "{step}");
        assert_eq!(t.needs, vec![(dba, 1)], "{step}");
    }
    assert!(task("orders-v43.contract")
        .meta
        .rollback
        .as_deref()
        .unwrap()
        .contains("point of no return"));
    assert!(task("orders-v43.expand")
        .meta
        .rollback
        .as_deref()
        .unwrap()
        .contains("redeploying the old code"));
}

/// Expand before the deploy: with a long expand, no deploy member starts
/// before it ends (the deploy task itself says nothing of it).
#[test]
fn deploy_waits_for_expand() {
    let inv = load(&variant(
        "expand:   { duration: 20m",
        "expand:   { duration: 50m",
    ));
    let t = times(&plan(&inv));
    let expand_end = t["orders-v43.expand"].1;
    assert_eq!(expand_end, 50);
    for m in ["app-deploy-v43@app-1", "app-deploy-v43@app-2"] {
        assert!(t[m].0 >= expand_end, "{m} {:?}", t[m]);
    }
}

/// The backfill waits for every task on a writer: a 2-hour batch deploy
/// holds it until 02:00 past the start, though the app is done by 00:40.
#[test]
fn backfill_waits_for_every_writer() {
    let inv = load(&variant(
        "{ id: batch-deploy-v43, system: batch, duration: 15m",
        "{ id: batch-deploy-v43, system: batch, duration: 2h",
    ));
    let t = times(&plan(&inv));
    assert!(t["orders-v43.backfill"].0 >= t["batch-deploy-v43"].1);
    assert!(t["batch-deploy-v43"].1 >= 120);
}

/// Cutover after the backfill, contract after the cutover; the cutover is
/// the only downtime of orders, and the plan's accounting counts it.
#[test]
fn cutover_is_downtime_and_contract_comes_last() {
    let inv = load(&variant(
        "cutover:  { duration: 2m }",
        "cutover:  { duration: 9m }",
    ));
    let p = plan(&inv);
    let t = times(&p);
    assert!(t["orders-v43.cutover"].0 >= t["orders-v43.backfill"].1);
    assert!(t["orders-v43.contract"].0 >= t["orders-v43.cutover"].1);
    assert_eq!(downtime(&p, "orders"), 9);
    // Without a cutover the change causes no downtime at all.
    let inv = load(&variant("    cutover:  { duration: 2m }\n", ""));
    let p = plan(&inv);
    assert_eq!(downtime(&p, "orders"), 0);
    assert_eq!(p.length_minutes, 85);
    assert!(inv.task_index("orders-v43.cutover").is_none());
}

/// A blackout over the database holds the cutover (and every other step on
/// the database), as for any task.
#[test]
fn blackouts_apply_to_the_cutover() {
    let inv = load(&variant(
        "services:",
        "blackouts:\n  - { from: 2026-12-05T23:00, to: 2026-12-06T00:00, scope: { systems: [orders-db] } }\n\nservices:",
    ));
    let t = times(&plan(&inv));
    let c = t["orders-v43.cutover"];
    assert!(c.1 <= 60 || c.0 >= 120, "{c:?}");
}

/// `same_window: false` (the default) on a single window: the contract is
/// not planned tonight, W040 says it is deferred, and the plan ends with the
/// cutover.
#[test]
fn contract_deferred_to_a_later_window() {
    let inv = load(&variant(", same_window: true }", " }"));
    assert!(inv.task_index("orders-v43.contract").is_none());
    let w: Vec<_> = inv.warnings.iter().filter(|d| d.code == "W040").collect();
    assert_eq!(w.len(), 1, "{:?}", inv.warnings);
    assert_eq!(w[0].path, "schema_changes[0].contract");
    assert!(w[0].message.contains("deferred"));
    assert!(inv.schema_changes[0].contract_deferred);
    let p = plan(&inv);
    assert_eq!(p.length_minutes, 72);
}

/// The checker reads the schema-change rules itself: with the `after`
/// entries the expansion wrote removed from the resolved inventory, a plan
/// that runs a step too early is still refused, by rule `schema_change`.
#[test]
fn checker_refuses_mutated_plans_on_its_own_reading() {
    let inv = load(&fixture_text());
    let p = plan(&inv);
    let good = p.starts(&inv).unwrap();
    let mut bare = inv.clone();
    for t in &mut bare.tasks {
        t.after.clear();
    }
    assert!(windowplan::check::check(&bare, &good).is_empty());
    let idx = |id: &str| inv.task_index(id).unwrap();
    let cases: [(&str, i64, &str); 5] = [
        ("app-deploy-v43@app-1", 5, "orders-v43.expand"),
        ("orders-v43.backfill", 38, "app-deploy-v43@app-2"),
        ("orders-v43.cutover", 60, "orders-v43.backfill"),
        ("orders-v43.contract", 71, "orders-v43.cutover"),
        ("orders-v43.backfill", 14, "batch-deploy-v43"),
    ];
    for (task, start, other) in cases {
        let mut starts = good.clone();
        starts[idx(task)] = start;
        let v = windowplan::check::check(&bare, &starts);
        assert!(
            v.iter().any(|v| v.rule == "schema_change"
                && v.tasks.contains(&task.to_string())
                && v.tasks.contains(&other.to_string())),
            "{task} at {start}: {v:?}"
        );
    }
    // A cutover that the inventory does not make an outage is refused: it
    // would hide its downtime.
    let mut quiet = inv.clone();
    quiet.tasks[idx("orders-v43.cutover")].outage = false;
    let v = windowplan::check::check(&quiet, &good);
    assert!(
        v.iter()
            .any(|v| v.rule == "schema_change" && v.message.contains("outage")),
        "{v:?}"
    );
    // A contract planned in the deploy's window although `same_window` is false.
    let mut same = inv.clone();
    same.schema_changes[0].same_window = false;
    let v = windowplan::check::check(&same, &good);
    assert!(
        v.iter()
            .any(|v| v.rule == "schema_change" && v.message.contains("same_window")),
        "{v:?}"
    );
}

/// `windowplan check` on a saved plan refuses one whose deploy starts
/// before the expand ends (exit 1), naming the rule.
#[test]
fn check_command_refuses_a_deploy_before_the_expand() {
    let inv = load(&fixture_text());
    let p = plan(&inv);
    let mut json: serde_json::Value = serde_json::to_value(&p).unwrap();
    for t in json["tasks"].as_array_mut().unwrap() {
        if t["id"] == "app-deploy-v43@app-1" {
            t["start_minute"] = 10.into();
            t.as_object_mut().unwrap().remove("start");
            t.as_object_mut().unwrap().remove("end");
            t.as_object_mut().unwrap().remove("end_minute");
        }
    }
    let starts = windowplan::plan::read_plan_starts(&json.to_string(), &inv).unwrap();
    let v = windowplan::check::check(&inv, &starts);
    assert!(v.iter().any(|v| v.rule == "schema_change"), "{v:?}");
    assert!(v.iter().any(|v| v.rule == "after"), "{v:?}");
}

fn error(text: &str, code: &str, path: &str) {
    let e = load_str(text, Format::Yaml, "sc.yaml").unwrap_err();
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.code == code && d.path == path)
        .unwrap_or_else(|| panic!("no {code} at {path}: {e}"));
    assert!(!d.hint.is_empty() && !d.message.is_empty());
    assert!(d.line.is_some(), "placed: {d:?}");
}

#[test]
fn error_codes_of_schema_changes() {
    let second = "\n  - id: orders-v43\n    database: orders-db\n    app: app-tier\n    expand: { duration: 1m, team: dba }\n    deploy: app-deploy-v43\n    backfill: { duration: 1m, team: dba }\n    contract: { duration: 1m, team: dba }\n";
    error(
        &format!("{}{second}", fixture_text()),
        "E140",
        "schema_changes[1].id",
    );
    error(
        &variant("  - { id: batch-deploy-v43,", "  - { id: orders-v43.backfill, system: batch, duration: 1m, team: release }\n  - { id: batch-deploy-v43,"),
        "E141",
        "schema_changes[0].id",
    );
    error(
        &variant("database: orders-db", "database: orders-dbb"),
        "E142",
        "schema_changes[0].database",
    );
    error(
        &variant("database: orders-db", "database: app-tier"),
        "E142",
        "schema_changes[0].database",
    );
    error(
        &variant("app: app-tier", "app: [app-tier]"),
        "E143",
        "schema_changes[0].app[0]",
    );
    error(
        &variant("app: app-tier", "app: apptier"),
        "E143",
        "schema_changes[0].app",
    );
    error(
        &variant("writers: [batch]", "writers: [orders-db]"),
        "E144",
        "schema_changes[0].writers[0]",
    );
    error(
        &variant("writers: [batch]", "writers: [bacth]"),
        "E144",
        "schema_changes[0].writers[0]",
    );
    error(
        &variant("writers: [batch]", "writers: [spare]")
            .replace("  - { id: batch }", "  - { id: batch }\n  - { id: spare }"),
        "E145",
        "schema_changes[0].writers[0]",
    );
    error(
        &variant("deploy:   app-deploy-v43", "deploy:   app-deplyo"),
        "E146",
        "schema_changes[0].deploy",
    );
    error(
        &variant("deploy:   app-deploy-v43", "deploy:   batch-deploy-v43"),
        "E147",
        "schema_changes[0].deploy",
    );
    error(
        &variant(
            "expand:   { duration: 20m, team: dba }",
            "expand:   { duration: 20m }",
        ),
        "E148",
        "schema_changes[0].expand",
    );
    error(
        &variant(", same_window: true }", " }").replace(
            "team: release }\n\nschema",
            "team: release, after: [orders-v43.contract] }\n\nschema",
        ),
        "E149",
        "tasks[1].after[0]",
    );
}

/// What the generated tasks share with any task is checked by the ordinary
/// rules, and reported at the schema change's field.
#[test]
fn ordinary_errors_land_on_the_schema_change() {
    error(
        &variant("backfill: { duration: 30m", "backfill: { duration: 30x"),
        "E010",
        "schema_changes[0].backfill.duration",
    );
    error(
        &variant(
            "expand:   { duration: 20m, team: dba }",
            "expand:   { duration: 20m, team: dab }",
        ),
        "E030",
        "schema_changes[0].expand.team",
    );
    // Longer than the window up to its deadline (6h).
    error(
        &variant("backfill: { duration: 30m", "backfill: { duration: 7h"),
        "E057",
        "schema_changes[0].backfill.duration",
    );
    // A task the backfill waits for that waits for the backfill: a cycle.
    let cyc = variant(
        "{ id: batch-deploy-v43, system: batch, duration: 15m, team: release }",
        "{ id: batch-deploy-v43, system: batch, duration: 15m, team: release, after: [orders-v43.backfill] }",
    );
    let e = load_str(&cyc, Format::Yaml, "sc.yaml").unwrap_err();
    assert!(e.diagnostics.iter().any(|d| d.code == "E056"), "{e}");
    assert!(!e.to_string().contains("tasks[4]"), "{e}");
}

#[test]
fn every_fixture_of_format_12_validates_against_the_json_schema() {
    let schema = windowplan::inventory::schema::inventory_schema();
    let doc: serde_json::Value = serde_saphyr_value(&fixture_text());
    let errs = windowplan::inventory::schema::validate(&schema, &doc);
    assert!(errs.is_empty(), "{errs:?}");
    let bad = serde_saphyr_value(&variant(
        "expand:   { duration: 20m",
        "expand:   { duration: 20m, lag: 5m",
    ));
    assert!(!windowplan::inventory::schema::validate(&schema, &bad).is_empty());
}

fn serde_saphyr_value(text: &str) -> serde_json::Value {
    windowplan::inventory::parse_value(text, Format::Yaml).unwrap()
}

/// The CAB pack shows each schema change with the contract as its point of
/// no return and the backout before it (redeploy, no restore); the
/// runbook, CSV and JSON carry the schema change id of each step.
#[test]
fn reports_show_the_point_of_no_return() {
    let inv = load(&fixture_text());
    let p = plan(&inv);
    let md = windowplan::report::markdown::render(&inv, &p, &[]);
    let section = &md[md.find("## Schema changes").expect("section")..];
    assert!(section.contains("the contract is the schema change's point of no return"));
    assert!(section.contains(
        "| contract | orders-v43.contract | Sat 23:12 UTC | Sat 23:27 UTC | **point of no return"
    ));
    assert!(section.contains("Backout: until the contract starts at Sat 23:12 UTC, back out by redeploying the old code (app-deploy-v43); no restore"));
    assert!(
        md.contains("back out by redeploying the old code"),
        "runbook rollback text"
    );
    let html = windowplan::report::html::render(&inv, &p, &[]);
    assert!(html.contains("<h2>Schema changes</h2>") && html.contains("point of no return"));
    let table = windowplan::report::table::render(&inv, &p);
    assert!(
        table.contains("orders-v43  point of no return: contract at Sat 23:12"),
        "{table}"
    );
    let csv = windowplan::report::csv::render(&inv, &p);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",schema_change,schema_step"), "{header}");
    assert!(csv
        .lines()
        .any(|l| l.starts_with("orders-v43.cutover,") && l.ends_with(",orders-v43,cutover")));
    assert!(csv
        .lines()
        .any(|l| l.starts_with("app-deploy-v43@app-1,") && l.ends_with(",orders-v43,deploy")));
    let json: serde_json::Value = serde_json::to_value(&p).unwrap();
    let backfill = json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "orders-v43.backfill")
        .unwrap();
    assert_eq!(backfill["schema_change"], "orders-v43");
    assert_eq!(backfill["schema_step"], "backfill");
    assert!(json.get("deferred").is_none());
}

/// A deferred contract is listed as such in every output that speaks of the
/// schema change, and in the plan JSON.
#[test]
fn reports_list_a_deferred_contract() {
    let inv = load(&variant(", same_window: true }", " }"));
    let p = plan(&inv);
    let md = windowplan::report::markdown::render(&inv, &p, &[]);
    assert!(
        md.contains(
            "| contract | orders-v43.contract | — | — | **deferred: contract in a later window** |"
        ),
        "{md}"
    );
    assert!(md.contains(
        "Backout: deferred: contract in a later window. Tonight has no point of no return"
    ));
    let table = windowplan::report::table::render(&inv, &p);
    assert!(table.contains("orders-v43  deferred: contract in a later window"));
    assert_eq!(p.deferred.len(), 1);
    assert_eq!(p.deferred[0].id, "orders-v43.contract");
    assert!(p.deferred[0]
        .reason
        .starts_with("deferred: contract in a later window"));
    // The saved plan reads back and checks.
    let text = serde_json::to_string(&p).unwrap();
    let starts = windowplan::plan::read_plan_starts(&text, &inv).unwrap();
    assert!(windowplan::check::check(&inv, &starts).is_empty());
}

/// A what-if may patch a schema change by its id (the list extension):
/// "run the contract tonight" adds the contract's 15 minutes to the window.
#[test]
fn whatif_patches_a_schema_change_by_id() {
    use windowplan::analysis::whatif::{compare, parse_scenarios, RowOutcome};
    let text = variant(", same_window: true }", " }");
    let base = load(&text);
    let doc = windowplan::inventory::parse_value(&text, Format::Yaml).unwrap();
    let scenarios = parse_scenarios(
        "name: contract tonight\npatch:\n  schema_changes:\n    orders-v43: { contract: { same_window: true } }\n",
        Format::Yaml,
        "s.yaml",
    )
    .unwrap();
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..Default::default()
    };
    let c = compare(&doc, &base, &scenarios, "sc.yaml", &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let length = |o: &RowOutcome| match o {
        RowOutcome::Planned(s) => s.length_minutes,
        other => panic!("{other:?}"),
    };
    assert_eq!(length(&c.base.outcome), 72);
    assert_eq!(length(&c.scenarios[0].outcome), 87);
}

/// The schema change's own `after` holds its expand (a backup first), and
/// an unknown task there is reported at the schema change's field.
#[test]
fn expand_waits_for_the_schema_changes_after() {
    let text = variant(
        "    deploy:   app-deploy-v43\n",
        "    deploy:   app-deploy-v43\n    after: [{ task: batch-deploy-v43, lag: 5m }]\n",
    );
    let t = times(&plan(&load(&text)));
    assert!(t["orders-v43.expand"].0 >= t["batch-deploy-v43"].1 + 5);
    error(
        &text.replace("task: batch-deploy-v43, lag", "task: batch-deplyo, lag"),
        "E034",
        "schema_changes[0].after[0]",
    );
}

/// examples/schema-change.yaml by hand: the chain go-no-go 10m → backup
/// 20m → expand 20m → three deploy members → backfill 45m → cutover 2m →
/// smoke test 15m, where the app tier keeps 2 of its 3 members up, so the
/// members deploy one at a time (3 × 15m): 10 + 20 + 20 + 45 + 45 + 2 + 15
/// = 157 minutes, and nothing else is longer or in the way (the standby
/// patch runs beside it, the settlement blackout starts after the cutover).
/// Orders is down only for the cutover; the contract is deferred.
#[test]
fn example_by_hand() {
    let path = format!("{}/examples/schema-change.yaml", env!("CARGO_MANIFEST_DIR"));
    let inv = windowplan::load_inventory(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    let p = plan(&inv);
    assert_eq!(p.length_minutes, 157);
    assert_eq!(p.status, "optimal");
    assert_eq!(downtime(&p, "orders"), 2);
    assert_eq!(downtime(&p, "reports"), 0);
    assert_eq!(p.deferred.len(), 1);
    assert!(inv.warnings.iter().any(|w| w.code == "W040"));
}

/// `availability`'s comparison for a blocking schema change, by hand. As
/// written, the 20m DDL takes the database and the app tier down: orders
/// is down 20m; the deploy follows (two 10m members, one at a time): 40m.
/// Written expand/contract: expand 0–20 (online), deploy 20–40, backfill
/// (20m, as assumed) 40–60: orders is never down, the window is 60m, and
/// the contract needs one more window.
#[test]
fn availability_compares_a_blocking_change_with_expand_contract() {
    use windowplan::analysis::expand_contract::{alternative, worth};
    let text = fixture_text();
    let text = &text[..text.find("schema_changes:").unwrap()];
    let text = text.replace(
        "  - { id: app-deploy-v43, cluster: app-tier, duration: 10m, team: release }",
        "  - { id: orders-ddl, system: orders-db, duration: 20m, team: dba, down: [app-tier] }\n  - { id: app-deploy-v43, cluster: app-tier, duration: 10m, team: release, after: [orders-ddl] }",
    );
    let inv = load(&text);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        threads: 1,
        ..Default::default()
    };
    let base = windowplan::plan_inventory(&inv, &opts);
    let w = worth(&inv, &base, &opts);
    assert_eq!(w.len(), 1);
    let (a, b) = (
        w[0].as_written.planned().unwrap(),
        w[0].expand_contract.planned().unwrap(),
    );
    assert_eq!(a.length_minutes, 40);
    assert_eq!(a.downtime.len(), 1);
    assert_eq!(
        (a.downtime[0].service.as_str(), a.downtime[0].minutes),
        ("orders", 20)
    );
    assert_eq!(b.length_minutes, 60);
    assert_eq!(b.status, "optimal");
    assert_eq!(
        (b.downtime[0].service.as_str(), b.downtime[0].minutes),
        ("orders", 0)
    );
    assert_eq!(w[0].saving.len(), 1);
    assert_eq!(w[0].saving[0].saved_minutes, 20);
    assert_eq!(w[0].length_added_minutes, Some(20));
    assert_eq!(w[0].windows_added, 1);
    assert!(w[0].windows_added_assumed);
    // The alternative is a schema change the checker reads: a plan with the
    // deploy before the expand is refused by rule `schema_change`.
    let (alt, _) = alternative(&inv, inv.task_index("orders-ddl").unwrap());
    assert_eq!(alt.schema_changes.len(), 1);
    let p = plan(&alt);
    let mut starts = p.starts(&alt).unwrap();
    starts[alt.task_index("app-deploy-v43@app-1").unwrap()] = 0;
    let v = windowplan::check::check(&alt, &starts);
    assert!(v.iter().any(|v| v.rule == "schema_change"), "{v:?}");
    let words = windowplan::report::availability::expand_contract_text(&w);
    assert!(
        words.contains("orders: down 0m instead of 20m (saves 20m)"),
        "{words}"
    );
    assert!(words.contains("1 more window for the contract"), "{words}");
}

/// A malformed schema change is reported once: a task naming one of its
/// steps is not also "unknown".
#[test]
fn a_malformed_schema_change_causes_no_cascade() {
    let text = variant("    database: orders-db\n", "    database: [orders-db]\n").replace(
        "{ id: batch-deploy-v43, system: batch, duration: 15m, team: release }",
        "{ id: batch-deploy-v43, system: batch, duration: 15m, team: release, after: [orders-v43.backfill] }",
    );
    let e = load_str(&text, Format::Yaml, "sc.yaml").unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    assert_eq!(e.diagnostics[0].code, "E005");
    assert_eq!(e.diagnostics[0].path, "schema_changes[0].database");
}

/// At most 1 000 schema changes (E007), refused before anything is built.
#[test]
fn too_many_schema_changes_are_refused() {
    let mut text = fixture_text();
    for k in 0..1_000 {
        text.push_str(&format!(
            "  - {{ id: sc{k}, database: orders-db, app: app-tier, deploy: app-deploy-v43, expand: {{ duration: 1m, team: dba }}, backfill: {{ duration: 1m, team: dba }}, contract: {{ duration: 1m, team: dba }} }}\n"
        ));
    }
    let e = load_str(&text, Format::Yaml, "sc.yaml").unwrap_err();
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == "E007" && d.path == "schema_changes"),
        "{e}"
    );
}

/// The commands end to end: `plan` on the example says the contract is
/// deferred (W040 on stderr, exit 0) and shows it in the CAB pack; a saved
/// plan passes `check`; `validate` refuses a bad schema change with its code
/// (exit 2); `availability` shows what payments' blocking schema change
/// would save done expand/contract.
#[test]
fn commands_end_to_end() {
    let out = run(windowplan()
        .args([
            "plan",
            "--time-limit",
            "5s",
            "--threads",
            "1",
            "-q",
            "--format",
            "md",
        ])
        .arg(example("schema-change.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("warning[W040]"), "{}", out.stderr);
    let md = out.stdout_text();
    assert!(
        md.contains("## Schema changes") && md.contains("deferred: contract in a later window")
    );
    let dir = common::tempdir();
    let saved = dir.path().join("plan.json");
    let out = run(windowplan()
        .args([
            "plan",
            "--time-limit",
            "5s",
            "--threads",
            "1",
            "-q",
            "--format",
            "json",
            "-o",
        ])
        .arg(&saved)
        .arg(fixture("v12/schema-change.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = run(windowplan()
        .arg("check")
        .arg(fixture("v12/schema-change.yaml"))
        .arg(&saved));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let bad = common::write(
        &dir,
        "bad.yaml",
        variant("writers: [batch]", "writers: [bacth]"),
    );
    let out = run(windowplan().arg("validate").arg(&bad));
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .contains("error[E144]: schema_changes[0].writers[0]"),
        "{}",
        out.stderr
    );
    let out = run(windowplan()
        .args(["availability", "--time-limit", "2s"])
        .arg(example("payments.yaml")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(
        text.contains("blocking schema change schema-change on core-db-a"),
        "{text}"
    );
    assert!(text.contains("payments: down 0m instead of"), "{text}");
    assert!(text.contains("1 more window for the contract"), "{text}");
}

/// Inventory words in the CAB pack's schema-change section are escaped as
/// every other cell: a database and a writer whose ids hold `|` and `*`
/// neither split the table row nor start emphasis, in the step notes and
/// in the backout line.
#[test]
fn schema_change_notes_and_backout_are_escaped_in_markdown() {
    let text = fixture_text()
        .replace("{ id: orders-db }", "{ id: \"orders*db|1\" }")
        .replace(
            "requires: [app-tier, orders-db]",
            "requires: [app-tier, \"orders*db|1\"]",
        )
        .replace("database: orders-db", "database: \"orders*db|1\"")
        .replace("{ id: batch }", "{ id: \"batch|*x\" }")
        .replace("system: batch,", "system: \"batch|*x\",")
        .replace("writers: [batch]", "writers: [\"batch|*x\"]");
    let inv = load(&text);
    let p = plan(&inv);
    let md = windowplan::report::markdown::render(&inv, &p, &[]);
    let section = &md[md.find("## Schema changes").expect("section")..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    assert!(
        section.contains(
            "| online: after every app member and the writers batch\\|\\*x run the new code |"
        ),
        "{section}"
    );
    assert!(
        section.contains("| blocking swap: orders\\*db\\|1 is down |"),
        "{section}"
    );
    assert!(
        section.contains("backing out is a restore of orders\\*db|1."),
        "{section}"
    );
    // Every row of the steps' table still has its six pipes.
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let pipes = line.replace("\\|", "").matches('|').count();
        assert_eq!(pipes, 6, "{line}");
    }
}
