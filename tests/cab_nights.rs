//! The CAB nights of issue #20 (tests/fixtures/cab/): small inventories
//! that each probe one board rule (async integration under `max_downtime:
//! 0m`, switchover minutes, `down:` of a cluster at the downtime floor,
//! `down:` of a DR standby under `standby_first`) and a 46-activity
//! hospital night. Each comes with a hand-made plan and, in its comment, the
//! optimum and the argument that no plan is shorter. Here: the checker
//! accepts the hand plan and it has that length; `plan` finds a plan of that
//! length and proves it optimal; with the deadline set just above the
//! optimum it still finds a plan (never "no plan found" where one exists).

use std::path::{Path, PathBuf};
use std::time::Duration;
use windowplan::inventory::Inventory;
use windowplan::solve::SolveOptions;

const NIGHTS: &[&str] = &[
    "bank-async",
    "insurer-switchover",
    "telco-down-cluster",
    "lab-dr-order",
    "hospital-night",
];

fn path(name: &str, ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/cab/{name}.{ext}"))
}

/// The inventory and the optimum its comment states ("Optimum: N minutes").
fn night(name: &str) -> (Inventory, i64) {
    let file = path(name, "yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let optimum = text
        .lines()
        .find_map(|l| l.strip_prefix("# Optimum: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name}: no '# Optimum: N minutes' line"));
    let inv = windowplan::load_inventory(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
    (inv, optimum)
}

fn opts(seconds: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(seconds),
        threads: 1,
        ..Default::default()
    }
}

#[test]
fn hand_plans_keep_every_rule_and_reach_the_stated_optimum() {
    for name in NIGHTS {
        let (inv, optimum) = night(name);
        let json = std::fs::read_to_string(path(name, "plan.json")).unwrap();
        let starts = windowplan::plan::read_plan_starts(&json, &inv)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let v = windowplan::check::check(&inv, &starts);
        assert!(v.is_empty(), "{name}: {v:?}");
        let end = inv
            .tasks
            .iter()
            .zip(&starts)
            .map(|(t, s)| s + t.duration)
            .max()
            .unwrap();
        assert_eq!(end, optimum, "{name}: the hand plan's length");
    }
}

#[test]
fn plan_finds_and_proves_each_optimum() {
    for name in NIGHTS {
        let (inv, optimum) = night(name);
        let p = windowplan::plan_inventory(&inv, &opts(10))
            .unwrap_or_else(|e| panic!("{name}: no plan: {e:?}"));
        let starts = p.starts(&inv).unwrap();
        assert!(windowplan::check::check(&inv, &starts).is_empty(), "{name}");
        assert_eq!(p.length_minutes, optimum, "{name}: {p:?}");
        assert_eq!(
            p.status, "optimal",
            "{name}: bound {}",
            p.lower_bound_minutes
        );
    }
}

#[test]
fn a_deadline_just_above_the_optimum_still_gets_a_plan() {
    for name in NIGHTS {
        let (mut inv, optimum) = night(name);
        inv.window.deadline = Some(optimum + 5);
        match windowplan::plan_inventory(&inv, &opts(10)) {
            Ok(p) => {
                assert!(p.length_minutes <= optimum + 5, "{name}");
                let starts = p.starts(&inv).unwrap();
                assert!(windowplan::check::check(&inv, &starts).is_empty(), "{name}");
            }
            Err(e) => panic!("{name}: a plan of {optimum} exists, yet: {e:?}"),
        }
    }
}
