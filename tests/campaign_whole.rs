//! A small campaign solved as one problem (DESIGN.md, "Campaigns: choices",
//! row "solver (one problem)"): its proofs raise the bound on the windows
//! where the decomposition's bounds cannot, only where one timeline is exact
//! (never with a `max_downtime`, which a timeline counts over every window
//! together); and every campaign plan returned passes the campaign check.

mod common;
use common::{load_campaign_text as load, solve_within};
use proptest::prelude::*;
use windowplan::check::campaign::check_campaign;
use windowplan::inventory::campaign::{load_campaign_str, Campaign};
use windowplan::inventory::{Format, Limits};
use windowplan::pipeline::campaign::{campaign_bounds, plan_campaign};

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(common::fixture(&format!("v12/{name}"))).unwrap()
}

/// By hand (the fixture's header): 270 minutes on san-1 need 2 of the 4 h
/// windows, and 2 hold them. The bounds say only 1; the one problem proves
/// each single window holds no plan, so 2 is proven and the status (the
/// objective is `[windows]`) is `optimal`.
#[test]
fn the_one_problem_proves_the_fewest_windows_the_bounds_cannot() {
    let c = load(&fixture_text("campaign-one-problem.yaml"));
    assert_eq!(campaign_bounds(&c).unwrap().windows, 1);
    let p = plan_campaign(&c, &solve_within(10, 2)).unwrap().plan;
    assert_eq!(p.windows_used, 2, "{:?}", p.assignment);
    assert_eq!(p.windows_lower_bound, 2);
    assert!(p.proven.windows);
    assert_eq!(p.status, "optimal");
    let v = check_campaign(&c, &p);
    assert!(v.is_empty(), "{v:?}");
}

/// The same with `objective: [last_window]`: the first window alone holds
/// no plan (proven as one problem), so the plan ends in the second, proven.
#[test]
fn the_one_problem_proves_the_earliest_last_window() {
    let text = fixture_text("campaign-one-problem.yaml")
        .replace("objective: [windows]", "objective: [last_window]");
    let c = load(&text);
    assert_eq!(campaign_bounds(&c).unwrap().last_window, 0);
    let p = plan_campaign(&c, &solve_within(10, 2)).unwrap().plan;
    assert_eq!(p.windows.last().unwrap().id, c.windows[1].id);
    assert_eq!(
        p.last_window_lower_bound.as_deref(),
        Some(c.windows[1].id.as_str())
    );
    assert!(p.proven.last_window);
    assert_eq!(p.status, "optimal");
    assert!(check_campaign(&c, &p).is_empty());
}

/// With a `max_downtime` the one timeline is stricter than the campaign
/// (downtime over every window together, not per window): its "no plan in
/// one window" is no proof, and none is claimed.
#[test]
fn a_timeline_that_is_not_exact_claims_no_proof() {
    let c = load(&fixture_text("campaign-one-problem-inexact.yaml"));
    let p = plan_campaign(&c, &solve_within(10, 2)).unwrap().plan;
    assert_eq!(p.windows_used, 2, "{:?}", p.assignment);
    assert_eq!(p.windows_lower_bound, 1);
    assert!(!p.proven.windows);
    assert_eq!(p.status, "feasible");
    assert!(check_campaign(&c, &p).is_empty());
}

/// A random small campaign: `n` tasks on a few systems and teams, some
/// `after`, some `windows_allowed`, three weekly windows.
fn random_campaign(seed: &[(u8, u8, u8, u8, u8)], hours: u8) -> String {
    let mut text = format!(
        "campaign:\n  timezone: UTC\n  windows:\n    - {{ every: 7d, first: 2027-01-09T22:00, length: {hours}h, count: 3 }}\nteams: [{{ id: a, capacity: 1 }}, {{ id: b, capacity: 2 }}]\nsystems: [{{ id: s0 }}, {{ id: s1 }}, {{ id: s2 }}]\ntasks:\n"
    );
    for (i, &(dur, sys, team, after, allowed)) in seed.iter().enumerate() {
        let mut line = format!(
            "  - {{ id: t{i}, system: s{}, duration: {}m, team: {}",
            sys % 3,
            30 + 15 * u32::from(dur % 8),
            if team % 2 == 0 { "a" } else { "b" }
        );
        if i > 0 && after % 3 == 0 {
            line.push_str(&format!(", after: [t{}]", usize::from(after) % i));
        } else if i > 0 && after == 4 {
            // A lag chain: one window for both.
            line.push_str(&format!(
                ", after: [{{ task: t{}, max_lag: 2h }}]",
                usize::from(after) % i
            ));
        }
        match allowed % 5 {
            0 => line.push_str(", windows_allowed: [2027-01-16, 2027-01-23]"),
            1 => line.push_str(", in_window: 2027-01-09"),
            _ => {}
        }
        line.push_str(" }\n");
        text.push_str(&line);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Every campaign plan returned passes the independent campaign check,
    /// and a proof of no plan is never contradicted by a plan found with
    /// more time.
    #[test]
    fn every_campaign_plan_returned_passes_the_check(
        seed in prop::collection::vec((0u8..8, 0u8..3, 0u8..2, 0u8..9, 0u8..5), 2..9),
        hours in 2u8..5,
    ) {
        let text = random_campaign(&seed, hours);
        let c = match load_campaign_str(&text, Format::Yaml, "t.yaml", &Limits::default()) {
            Ok(Some(c)) => c,
            // Refused at load (the order rules): not a campaign to plan.
            _ => return Ok(()),
        };
        match plan_campaign(&c, &solve_within(3, 2)) {
            Ok(r) => {
                let v = check_campaign(&c, &r.plan);
                prop_assert!(v.is_empty(), "{:?}", v);
                prop_assert!(r.plan.windows_used >= r.plan.windows_lower_bound);
            }
            Err(windowplan::error::NoPlan::Infeasible(_)) => {}
            Err(windowplan::error::NoPlan::NotFound(why)) => {
                prop_assume!(false, "{}", why);
            }
        }
    }
}

/// The fewest windows of a tiny campaign by brute force: every assignment
/// (within the written domains) that keeps the order of windows, each of
/// its windows planned by the ordinary pipeline (a plan found is a plan);
/// `None` when no assignment with fewer than `below` windows has a plan.
fn fewest_by_brute_force(c: &Campaign, below: usize) -> Option<usize> {
    let n = c.tasks.len();
    let mut solved: std::collections::HashMap<(usize, Vec<usize>), bool> = Default::default();
    let mut at = vec![0usize; n];
    let mut best: Option<usize> = None;
    let total: usize = c.tasks.iter().map(|t| t.domain.len()).product();
    for code in 0..total {
        let mut x = code;
        for (t, task) in c.tasks.iter().enumerate() {
            at[t] = task.domain[x % task.domain.len()];
            x /= task.domain.len();
        }
        let ordered = c.tasks.iter().enumerate().all(|(s, t)| {
            t.after.iter().all(|&p| at[p] <= at[s])
                && t.later_than.iter().all(|&p| at[p] < at[s])
                && t.same_window.iter().all(|&p| at[p] == at[s])
        });
        let mut used: Vec<usize> = at.clone();
        used.sort_unstable();
        used.dedup();
        if !ordered || used.len() >= below || best.is_some_and(|b| b <= used.len()) {
            continue;
        }
        let all = used.iter().all(|&w| {
            let members: Vec<usize> = (0..n).filter(|&t| at[t] == w).collect();
            *solved.entry((w, members.clone())).or_insert_with(|| {
                c.window_inventory(w, &members).is_ok_and(|inv| {
                    windowplan::pipeline::plan_inventory(&inv, &solve_within(2, 2)).is_ok()
                })
            })
        });
        if all {
            best = Some(used.len());
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Every bound a campaign plan states is a proof: no assignment with
    /// fewer windows has a plan in every window (brute force on tiny
    /// campaigns, where the bounds and the one problem both apply).
    #[test]
    fn the_stated_bound_is_never_beaten_by_brute_force(
        seed in prop::collection::vec((0u8..8, 0u8..3, 0u8..2, 0u8..9, 0u8..5), 2..6),
        hours in 2u8..4,
    ) {
        let text = random_campaign(&seed, hours);
        let c = match load_campaign_str(&text, Format::Yaml, "t.yaml", &Limits::default()) {
            Ok(Some(c)) => c,
            _ => return Ok(()),
        };
        let bound = match plan_campaign(&c, &solve_within(3, 2)) {
            Ok(r) => r.plan.windows_lower_bound,
            Err(windowplan::error::NoPlan::Infeasible(_)) => c.windows.len() + 1,
            Err(windowplan::error::NoPlan::NotFound(_)) => return Ok(()),
        };
        let beaten = fewest_by_brute_force(&c, bound);
        prop_assert!(beaten.is_none(), "bound {} but {:?} windows hold a plan:\n{}", bound, beaten, text);
    }
}
