//! `windowplan import` (ServiceNow, Backstage), the gaps it leaves
//! (E120), re-import with `--merge`, and the change calendar (`--changes`,
//! `--changes-as-blackouts`): the worked example of README "From your
//! CMDB" step by step, and a generated bank CMDB of a few hundred CIs
//! (scripts/gen-servicenow-fixture.py).

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sn(name: &str) -> String {
    fixture("servicenow").join(name).display().to_string()
}

fn ex(name: &str) -> String {
    example("servicenow").join(name).display().to_string()
}

/// `windowplan import servicenow` of the worked example, with extra arguments.
fn import_example(out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut cmd = windowplan();
    cmd.args([
        "import",
        "servicenow",
        "--ci",
        &ex("cmdb_ci.csv"),
        "--rel",
        &ex("cmdb_rel_ci.csv"),
    ])
    .args(["--services", &ex("cmdb_ci_service.csv"), "--schedules"])
    .args([ex("cmn_schedule_blackout.csv"), ex("cmn_schedule_span.csv")])
    .args(["--timezone", "Europe/London", "-o"])
    .arg(out)
    .args(extra);
    run(&mut cmd)
}

fn import_bank(out: &Path) -> (i32, String, String) {
    let mut cmd = windowplan();
    cmd.args([
        "import",
        "servicenow",
        "--ci",
        &sn("cmdb_ci.csv"),
        "--rel",
        &sn("cmdb_rel_ci.json"),
    ])
    .args(["--services", &sn("cmdb_ci_service.csv"), "--schedules"])
    .args([
        sn("cmn_schedule_blackout.csv"),
        sn("cmn_schedule_span.csv"),
        "-o".into(),
    ])
    .arg(out);
    run(&mut cmd)
}

/// Every `FILL-IN` replaced by a plausible value (what a user would write);
/// optional gaps (team hours, a repeating blackout's times) deleted.
fn fill_in(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, x| !(x.as_str() == Some("FILL-IN") && k == "available"));
            for (k, x) in m.iter_mut() {
                if x.as_str() == Some("FILL-IN") {
                    *x = match k.as_str() {
                        "start" => "2026-12-05T22:00".into(),
                        "timezone" => "Europe/London".into(),
                        "capacity" => 4.into(),
                        "min_available" => 1.into(),
                        "dr" => Value::Array(vec![]),
                        "duration" => "20m".into(),
                        "outage" => true.into(),
                        "tolerance" => "30m".into(),
                        other => panic!("a gap the test does not know: {other}"),
                    };
                } else {
                    fill_in(x);
                }
            }
        }
        Value::Array(a) => {
            a.retain(|x| x.get("from").and_then(|f| f.as_str()) != Some("FILL-IN"));
            a.iter_mut().for_each(fill_in);
        }
        _ => {}
    }
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    windowplan::inventory::parse_value(&text, windowplan::inventory::Format::Yaml).unwrap()
}

#[test]
fn a_bank_cmdb_imports_every_finding_reported_then_fills_in_and_plans() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bank.yaml");
    let (code, _, err) = import_bank(&out);
    assert_eq!(code, 0, "{err}");
    for said in [
        "class cmdb_ci_printer is not one the import knows: its 2 CI(s)",
        "class cmdb_ci_ups is not one the import knows: its 3 CI(s)",
        "class u_cmdb_ci_mainframe_lpar",
        "names a CI not in the CI exports (child \"legacy-fax-01\")",
        "(child \"swift-gateway\")",
        "(parent \"reporting-cluster\")",
        "dependency cycle crd-tomcat-01 -> frd-tomcat-01 -> crd-tomcat-01",
        "dependency cycle gl-tomcat-01 -> trs-tomcat-01 -> gl-tomcat-01",
        "relation type \"Connects to::Connected by\" (15 relation(s))",
        "two CIs are named \"reporting\"",
        "service \"Mobile-Banking\" depends on service(s) Online-Banking",
        "maintenance schedule \"Quarterly maintenance\"",
        "241 systems, 30 clusters, 10 services",
    ] {
        assert!(err.contains(said), "not said: {said}\n{err}");
    }
    let mut inv = read_yaml(&out);
    // Nothing dropped silently: every CI of the exports is a system, a
    // cluster or a service.
    let count = |k: &str| inv[k].as_array().unwrap().len();
    assert_eq!(
        count("systems") + count("clusters") + count("services"),
        281
    );
    let ups = inv["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ups-01")
        .unwrap();
    assert_eq!(ups["tags"][0], "unknown-class");
    // Relations with sys_ids and display values: Mobile Banking requires
    // what Online Banking requires.
    let svc = |id: &str| {
        inv["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let mbk = svc("Mobile-Banking");
    assert!(mbk["requires"]
        .as_array()
        .unwrap()
        .contains(&"obk-web-cluster".into()));
    assert_eq!(mbk["weight"], 10);
    // validate names every gap, and nothing else.
    let (code, _, err) = run(windowplan().arg("validate").arg(&out));
    assert_eq!(code, 2);
    let gaps = windowplan::import::estate::gaps(&inv);
    // At most 100 problems are printed, then how many more (DESIGN.md,
    // "Limits and hostile input").
    let shown = gaps.len().min(100);
    assert_eq!(err.matches("error[E120]").count(), shown, "{err}");
    assert_eq!(err.matches("error[").count(), shown, "only gaps: {err}");
    if gaps.len() > 100 {
        let more = format!("… and {} more problems", gaps.len() - 100);
        assert!(err.contains(&more), "{err}");
    }
    assert!(
        err.contains("clusters[0].min_available: `FILL-IN`"),
        "{err}"
    );
    assert!(
        err.contains("hint: list the primary/standby pairs"),
        "{err}"
    );
    // Filled in, the estate validates and plans, and the plan passes the checker.
    fill_in(&mut inv);
    let text = serde_json::to_string(&inv).unwrap();
    let loaded =
        windowplan::load_inventory_str(&text, windowplan::inventory::Format::Json, "bank.json")
            .unwrap();
    let opts = windowplan::solve::SolveOptions {
        time_limit: Duration::from_secs(2),
        threads: 1,
        ..Default::default()
    };
    let plan = windowplan::plan_inventory(&loaded, &opts).unwrap();
    let starts = plan.starts(&loaded).unwrap();
    assert!(windowplan::check::check(&loaded, &starts).is_empty());
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn display_values_that_cannot_be_joined_name_the_export_option() {
    let dir = tempfile::tempdir().unwrap();
    let ci = write(
        dir.path(),
        "ci.csv",
        "name,sys_class_name\nweb,cmdb_ci_linux_server\nweb,cmdb_ci_appl\napp,cmdb_ci_appl\n",
    );
    let rel = write(
        dir.path(),
        "rel.csv",
        "parent,child,type\napp,web,Depends on::Used by\n",
    );
    let out = dir.path().join("o.yaml");
    let (code, _, err) = run(windowplan()
        .args(["import", "servicenow", "--ci", &ci, "--rel", &rel, "-o"])
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[E122]"), "{err}");
    assert!(err.contains("2 CIs have that name"), "{err}");
    assert!(err.contains("sysparm_display_value=false"), "{err}");
    assert!(!out.exists(), "nothing written");
    // A relation type given as a sys_id says how to export it.
    let rel = write(
        dir.path(),
        "rel2.csv",
        "parent,child,type\napp,web,1a9cb166f1571100a92eb60da2bce5c5\n",
    );
    let (code, _, err) = run(windowplan()
        .args(["import", "servicenow", "--ci", &ci, "--rel", &rel, "-o"])
        .arg(&out));
    assert_eq!(code, 2);
    assert!(err.contains("sysparm_display_value=all"), "{err}");
    // sys_ids in the relations without a sys_id column in the CI export.
    let rel = write(
        dir.path(),
        "rel3.csv",
        "parent,child,type\n0123456789abcdef0123456789abcdef,web,Depends on::Used by\n",
    );
    let (code, _, err) = run(windowplan()
        .args(["import", "servicenow", "--ci", &ci, "--rel", &rel, "-o"])
        .arg(&out));
    assert_eq!(code, 2);
    assert!(err.contains("no `sys_id` column"), "{err}");
    // A broken CSV is E121, naming the line.
    let bad = write(dir.path(), "bad.csv", "name,sys_class_name\nweb\n");
    let (code, _, err) = run(windowplan()
        .args(["import", "servicenow", "--ci", &bad, "--rel", &rel, "-o"])
        .arg(&out));
    assert_eq!(code, 2);
    assert!(
        err.contains("error[E121]") && err.contains("line 2 has 1 fields"),
        "{err}"
    );
}

#[test]
fn worked_example_import_fill_in_validate_plan() {
    let dir = tempfile::tempdir().unwrap();
    // 1. import: the gaps are written FILL-IN, and validate names each.
    let fresh = dir.path().join("fresh.yaml");
    let (code, _, err) = import_example(&fresh, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("cmdb_ci_printer is not one the import knows"),
        "{err}"
    );
    assert!(err.contains("(child \"mainframe-feed\")"), "{err}");
    let (code, _, err) = run(windowplan().arg("validate").arg(&fresh));
    assert_eq!(code, 2);
    for path in [
        "window.start",
        "teams[0].capacity",
        "clusters[1].min_available",
        "dr:",
        "tasks[0].duration",
        "tasks[0].outage",
    ] {
        assert!(
            err.contains(&format!("error[E120]: {path}")),
            "{path}: {err}"
        );
    }
    // 2. fill in: examples/servicenow/inventory.yaml is the same import, filled
    // in; re-importing with --merge keeps every value written there.
    let merged = dir.path().join("merged.yaml");
    let (code, _, err) = import_example(&merged, &["--merge", &ex("inventory.yaml")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 gaps to fill in"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&merged).unwrap(),
        std::fs::read_to_string(example("servicenow").join("inventory.yaml")).unwrap(),
        "the re-import changes nothing the user wrote"
    );
    // 3. validate, 4. plan, and the plan passes the checker.
    let (code, out, err) = run(windowplan().arg("validate").arg(&merged));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid (9 tasks"), "{out}");
    let plan = dir.path().join("plan.json");
    let (code, _, err) = run(plan_one_thread("2s")
        .args(["-q", "--format", "json", "-o"])
        .arg(&plan)
        .arg(&merged));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(windowplan().arg("check").arg(&merged).arg(&plan));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn merge_reports_what_the_cmdb_changed_and_keeps_what_was_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    let ci = std::fs::read_to_string(example("servicenow").join("cmdb_ci.csv")).unwrap();
    let ci = ci
        .replace(
            "web-03,cmdb_ci_linux_server,dmz",
            "web-03,cmdb_ci_linux_server,pci",
        )
        .replace(
            "dwh-01,cmdb_ci_linux_server,internal,DC2 Slough,Unix Ops\n",
            "",
        )
        .replace(
            "etl-engine,",
            "dwh-02,cmdb_ci_linux_server,internal,DC2 Slough,Unix Ops\netl-engine,",
        );
    let ci = write(dir.path(), "cmdb_ci.csv", &ci);
    let out = dir.path().join("o.yaml");
    let (code, _, err) = run(windowplan()
        .args([
            "import",
            "servicenow",
            "--ci",
            &ci,
            "--rel",
            &ex("cmdb_rel_ci.csv"),
            "--services",
            &ex("cmdb_ci_service.csv"),
        ])
        .args(["--merge", &ex("inventory.yaml"), "-o"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    for said in [
        "merge: changed systems web-03: zone \"dmz\" -> \"pci\"",
        "merge: added systems dwh-02",
        "merge: removed systems dwh-01 (no longer in the source)",
        "merge: task change-dwh-01 names dwh-01, which is no longer in the source",
        "merge: added tasks change-dwh-02",
        "merge: removed blackouts Nightly-ETL#1",
    ] {
        assert!(err.contains(said), "not said: {said}\n{err}");
    }
    let v = read_yaml(&out);
    assert_eq!(v["window"]["change"], "CHG0039999");
    assert_eq!(v["clusters"][0]["min_available"], 2);
    assert_eq!(v["dr"][0]["primary"], "ora-prod-a");
    let (code, _, err) = run(windowplan().arg("validate").arg(&out));
    assert_eq!(
        code, 2,
        "the task on the removed system and the new task's gaps are named"
    );
    assert!(
        err.contains("unknown system `dwh-01`") || err.contains("dwh-01"),
        "{err}"
    );
    assert!(err.contains("E120"), "{err}");
}

#[test]
fn backstage_catalogue_imports_with_every_finding_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bs.yaml");
    let (code, _, err) = run(windowplan()
        .args(["import", "backstage"])
        .arg(fixture("backstage/catalog-info.yaml"))
        .arg(fixture("backstage/ledger.yaml"))
        .args(["--timezone", "Europe/London", "-o"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    for said in [
        "kind API: 1 entit",
        "kind User: 1",
        "kind Location: 1",
        "dependsOn \"component:feature-flags\", which is not in the catalogue",
        "dependency cycle ledger-api -> ledger-batch -> ledger-api",
        "part of system \"reporting\", which is not in the catalogue",
    ] {
        assert!(err.contains(said), "not said: {said}\n{err}");
    }
    let v = read_yaml(&out);
    let services = v["services"].as_array().unwrap();
    assert_eq!(services[0]["id"], "payments");
    assert_eq!(
        services[0]["requires"],
        serde_json::json!(["payments-api", "payments-web", "payments-db"]),
        "libraries aside"
    );
    let teams: Vec<&str> = v["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["dba", "ledger-team", "payments-team"]);
    let integ: Vec<&str> = v["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(
        integ.contains(&"ledger-api:depends-on:ledger-db"),
        "dependencyOf, reversed: {integ:?}"
    );
    let mut filled = v.clone();
    fill_in(&mut filled);
    let text = serde_json::to_string(&filled).unwrap();
    windowplan::load_inventory_str(&text, windowplan::inventory::Format::Json, "bs.json").unwrap();
}

fn plan_example(extra: &[&str], out: &PathBuf) -> (i32, String, String) {
    run(plan_one_thread("2s")
        .args(["-q", "--format", "json", "-o"])
        .arg(out)
        .arg(ex("inventory.yaml"))
        .args(extra))
}

#[test]
fn other_changes_are_conflicts_with_both_numbers_and_planned_around_on_request() {
    let dir = tempfile::tempdir().unwrap();
    for calendar in ["changes.csv", "changes.ics"] {
        let cal = ex(calendar);
        let (code, _, err) = run(windowplan()
            .arg("validate")
            .arg(ex("inventory.yaml"))
            .args(["--changes", &cal]));
        assert_eq!(code, 0, "a conflict is a warning: {err}");
        assert!(
            err.contains("warning[W020]: change CHG0040001"),
            "{calendar}: {err}"
        );
        assert!(err.contains("this window's change CHG0039999"), "{err}");
        assert!(err.contains("both change ora-prod-b"), "{err}");
        assert!(
            !err.contains("CHG0040002 ("),
            "a change on a CI outside the inventory is no conflict: {err}"
        );
        // The plan as it stands runs on ora-prod-b during the other change.
        let plan = dir.path().join("plan.json");
        let (code, _, err) = plan_example(&["--changes", &cal], &plan);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("warning[W020]: change CHG0040001"), "{err}");
        // Planned around it: no conflict left, and the plan keeps every rule
        // of the inventory as written.
        let (code, _, err) = plan_example(&["--changes", &cal, "--changes-as-blackouts"], &plan);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("planning around 1 other change(s) as blackouts: CHG0040001"),
            "{err}"
        );
        assert!(!err.contains("W020"), "{err}");
        let p: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        let b = p["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "change-ora-prod-b")
            .unwrap();
        assert!(
            b["start_minute"].as_i64().unwrap() >= 45,
            "after 22:45: {b}"
        );
        let (code, _, err) = run(windowplan()
            .arg("check")
            .arg(ex("inventory.yaml"))
            .arg(&plan));
        assert_eq!(code, 0, "{err}");
    }
    // A cancelled change is said and skipped; a bad calendar is E124.
    let (_, _, err) = run(windowplan()
        .arg("validate")
        .arg(ex("inventory.yaml"))
        .args(["--changes", &ex("changes.csv")]));
    assert!(
        err.contains("CHG0040003: not approved or cancelled"),
        "{err}"
    );
    let bad = write(
        dir.path(),
        "bad.csv",
        "number,start_date,end_date,cmdb_ci\nCHG1,soon,later,web-01\n",
    );
    let (code, _, err) = run(windowplan()
        .arg("validate")
        .arg(ex("inventory.yaml"))
        .args(["--changes", &bad]));
    assert_eq!(code, 2);
    assert!(
        err.contains("error[E124]") && err.contains("`start_date` is \"soon\""),
        "{err}"
    );
}

#[test]
fn a_class_table_export_without_its_class_column_takes_the_class_from_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let ci = write(
        dir.path(),
        "cmdb_ci_db_ora_instance.csv",
        "name,u_zone\nora-1,pci\nora-2,pci\n",
    );
    let rel = write(dir.path(), "rel.csv", "parent,child,type\n");
    let out = dir.path().join("o.yaml");
    let (code, _, err) = run(windowplan()
        .args(["import", "servicenow", "--ci", &ci, "--rel", &rel, "-o"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not one the import knows"), "{err}");
    let v = read_yaml(&out);
    assert_eq!(v["systems"][0]["tags"][0], "database");
    assert_eq!(v["systems"][1]["zone"], "pci");
    assert_eq!(
        v["systems"][0]["notes"],
        "servicenow cmdb_ci_db_ora_instance"
    );
}
