//! The explanation of a plan or of an impossible inventory
//! (`windowplan explain`) as text for a change board or as JSON. The
//! analyses (critical chain, bottlenecks, conflict) are `analysis::explain`.

use crate::analysis::budget::Cut;
use crate::analysis::explain::bottleneck::WIDEN;
use crate::analysis::explain::conflict::GroupOutcome;
use crate::analysis::explain::{
    Bottlenecks, ChainLink, Conflict, Explanation, HeldBy, PlanSummary, Relaxation, RuleGroup,
    Trial, Verdict,
};
use crate::base::{fmt_minutes, join_words, Interval, Time};
use crate::inventory::Inventory;
use crate::plan::clock;
use serde::Serialize;
use std::fmt::Write as _;

/// A time limit given in milliseconds, in words (`500ms`, `2s`, `1.5s`,
/// `2m`: [`crate::base::fmt_duration`]).
fn secs(ms: u64) -> String {
    crate::base::fmt_duration(std::time::Duration::from_millis(ms))
}

/// The explanation as JSON (format `windowplan-explain/1`): the analysis's
/// values, with each relaxation, rule group and conflict set also named in
/// the inventory's words (`change`, `rule`, `rules`).
pub fn json(explanation: &Explanation, inv: &Inventory) -> String {
    let worded = ExplanationJson {
        format: &explanation.format,
        outcome: &explanation.outcome,
        plan: explanation.plan.as_ref(),
        critical_chain: &explanation.critical_chain,
        bottlenecks: explanation.bottlenecks.as_ref().map(|b| BottlenecksJson {
            base_minutes: b.base_minutes,
            ranked: b.ranked.iter().map(|t| TrialJson::of(t, inv)).collect(),
            tried: b.tried.iter().map(|t| TrialJson::of(t, inv)).collect(),
            time_limit_ms: b.time_limit_ms,
            candidates: b.candidates,
            untried: &b.untried,
            cut: b.cut,
        }),
        conflict: explanation.conflict.as_ref().map(|c| ConflictJson {
            reason: &c.reason,
            proven: c.proven,
            rules: conflict_rules(c, inv),
            groups: &c.groups,
            set_proven: c.set_proven,
            set_reason: &c.set_reason,
            tried: c
                .tried
                .iter()
                .map(|g| GroupJson {
                    group: g.group,
                    rule: rule_group(&g.group, inv),
                    in_conflict: g.in_conflict,
                    verdict: &g.verdict,
                })
                .collect(),
            time_limit_ms: c.time_limit_ms,
            untried: &c.untried,
            cut: c.cut,
        }),
    };
    let mut s = serde_json::to_string_pretty(&worded).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// [`Explanation`] with words, in the same field order.
#[derive(Serialize)]
struct ExplanationJson<'a> {
    format: &'a str,
    outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a PlanSummary>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    critical_chain: &'a [ChainLink],
    #[serde(skip_serializing_if = "Option::is_none")]
    bottlenecks: Option<BottlenecksJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<ConflictJson<'a>>,
}

/// [`Bottlenecks`] with each trial's change in words.
#[derive(Serialize)]
struct BottlenecksJson<'a> {
    base_minutes: Time,
    ranked: Vec<TrialJson<'a>>,
    tried: Vec<TrialJson<'a>>,
    time_limit_ms: u64,
    candidates: usize,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    untried: &'a [Relaxation],
    #[serde(skip_serializing_if = "Option::is_none")]
    cut: Option<Cut>,
}

/// A [`Trial`] with its change in words, after the relaxation (as before
/// the words moved out of the analysis).
#[derive(Serialize)]
struct TrialJson<'a> {
    relaxation: &'a Relaxation,
    change: String,
    #[serde(flatten)]
    trial: TrialFigures<'a>,
}

impl<'a> TrialJson<'a> {
    fn of(t: &'a Trial, inv: &Inventory) -> TrialJson<'a> {
        TrialJson {
            relaxation: &t.relaxation,
            change: relaxation(&t.relaxation, inv),
            trial: TrialFigures(t),
        }
    }
}

/// A [`Trial`]'s figures: every field but the relaxation.
struct TrialFigures<'a>(&'a Trial);

impl Serialize for TrialFigures<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("length_minutes", &t.length_minutes)?;
        m.serialize_entry("shrink_minutes", &t.shrink_minutes)?;
        m.serialize_entry("shrink_percent", &t.shrink_percent)?;
        m.serialize_entry("original_improvable", &t.original_improvable)?;
        if let Some(b) = t.lower_bound_minutes {
            m.serialize_entry("lower_bound_minutes", &b)?;
        }
        if t.from_base {
            m.serialize_entry("from_base", &true)?;
        }
        if let Some(c) = &t.credit {
            m.serialize_entry("credit", c)?;
        }
        m.end()
    }
}

/// [`Conflict`] with the set and each group tried in words.
#[derive(Serialize)]
struct ConflictJson<'a> {
    reason: &'a str,
    proven: bool,
    rules: Vec<String>,
    groups: &'a [RuleGroup],
    set_proven: bool,
    set_reason: &'a str,
    tried: Vec<GroupJson<'a>>,
    time_limit_ms: u64,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    untried: &'a [RuleGroup],
    #[serde(skip_serializing_if = "Option::is_none")]
    cut: Option<Cut>,
}

/// A [`GroupOutcome`] with its rule in words.
#[derive(Serialize)]
struct GroupJson<'a> {
    group: RuleGroup,
    rule: String,
    in_conflict: bool,
    verdict: &'a Verdict,
}

/// The conflict set, each group named as in the inventory.
pub fn conflict_rules(conflict: &Conflict, inv: &Inventory) -> Vec<String> {
    conflict.groups.iter().map(|g| rule_group(g, inv)).collect()
}

/// How many untried relaxations the text names (the JSON names all).
const UNTRIED_SHOWN: usize = 10;

/// Why an analysis stopped short, as the end of a sentence.
fn cut_words(cut: Option<Cut>) -> &'static str {
    match cut {
        Some(Cut::Interrupted) => "before Ctrl-C stopped it",
        Some(Cut::WorkLimit) => "within the work allowed",
        Some(Cut::TimeLimit) | None => "within the time limit (3 × --time-limit in all)",
    }
}

/// Text for a change board.
pub fn text(explanation: &Explanation, inv: &Inventory) -> String {
    let mut out = String::new();
    if let Some(p) = &explanation.plan {
        let how = if p.source == "given" {
            "the given plan"
        } else {
            "as planned here"
        };
        let bound = if p.lower_bound_minutes >= p.length_minutes {
            "no plan can be shorter".to_string()
        } else {
            format!(
                "no plan can be shorter than {}",
                fmt_minutes(p.lower_bound_minutes)
            )
        };
        let _ = writeln!(
            out,
            "Window: {} ({}–{}), {how}; {bound}.",
            fmt_minutes(p.length_minutes),
            clock(&inv.window, 0),
            p.ends
        );
    }
    if !explanation.critical_chain.is_empty() {
        let _ = writeln!(out, "\nCritical chain (what held each task back):");
        for link in &explanation.critical_chain {
            let _ = writeln!(out, "  {}", chain_link(link));
        }
    }
    if let Some(b) = &explanation.bottlenecks {
        bottlenecks_text(b, inv, &mut out);
    }
    if let Some(c) = &explanation.conflict {
        conflict_text(c, inv, &mut out);
    }
    out
}

/// The bottlenecks tried, in words.
fn bottlenecks_text(b: &Bottlenecks, inv: &Inventory, out: &mut String) {
    let _ = writeln!(
        out,
        "\nBottlenecks (each rule relaxed alone and re-planned, {} each):",
        secs(b.time_limit_ms)
    );
    if b.ranked.is_empty() {
        let _ = writeln!(out, "  no single relaxation shortened the window");
    }
    for (k, t) in b.ranked.iter().enumerate() {
        let _ = writeln!(out, "  {}. {}", k + 1, trial(t, b.base_minutes, inv));
    }
    // Not proven to save anything, though not proven useless either:
    // the base inventory may already allow the shorter window.
    let maybe: Vec<&Trial> = b.tried.iter().filter(|t| t.may_matter()).collect();
    if !maybe.is_empty() {
        let _ = writeln!(
            out,
            "  Also tried, may shorten the window but not proven to (the base plan is not proven shortest):"
        );
        for t in maybe {
            let _ = writeln!(out, "    - {}", trial(t, b.base_minutes, inv));
        }
    }
    // A relaxation with no plan is not a suggestion: said apart.
    for (with_plan, heading) in [
        (true, "Also tried, no shorter window:"),
        (false, "Also tried, no plan found in the time given:"),
    ] {
        let idle: Vec<String> = b
            .tried
            .iter()
            .filter(|t| !t.matters() && !t.may_matter() && t.length_minutes.is_some() == with_plan)
            .map(|t| relaxation(&t.relaxation, inv))
            .collect();
        if !idle.is_empty() {
            let _ = writeln!(out, "  {heading}");
            for change in idle {
                let _ = writeln!(out, "    - {change}");
            }
        }
    }
    if !b.untried.is_empty() {
        let _ = writeln!(
            out,
            "  Not tried {}: {} of {} relaxations (bottleneck credits computed for {} of {}); a larger bottleneck may be among them:",
            cut_words(b.cut),
            b.untried.len(),
            b.candidates,
            b.tried.len(),
            b.candidates
        );
        for r in b.untried.iter().take(UNTRIED_SHOWN) {
            let _ = writeln!(out, "    - {}", relaxation(r, inv));
        }
        if b.untried.len() > UNTRIED_SHOWN {
            let _ = writeln!(
                out,
                "    - … and {} more (every one in the JSON output, `untried`)",
                b.untried.len() - UNTRIED_SHOWN
            );
        }
    }
    for t in b.tried.iter().filter(|t| t.original_improvable) {
        let _ = writeln!(
            out,
            "  Note: while trying \"{}\" a {} plan was found that keeps every rule as written; re-plan with a longer --time-limit.",
            relaxation(&t.relaxation, inv),
            fmt_minutes(t.length_minutes.unwrap_or(0))
        );
    }
}

/// The conflict set, in words.
fn conflict_text(c: &Conflict, inv: &Inventory, out: &mut String) {
    if c.proven {
        let _ = writeln!(out, "No plan is possible: {}", c.reason);
    } else {
        let _ = writeln!(
            out,
            "No plan found (not a proof that none exists): {}",
            c.reason
        );
    }
    if c.groups.is_empty() {
        let _ = writeln!(
            out,
            "\nNo rule group could be blamed: it stays impossible with every deadline, blackout, window, team's hours, max_lag, max_downtime, DR order and cluster limit dropped."
        );
    } else {
        let each = if c.untried.is_empty() {
            "drop any one of them and a plan exists".to_string()
        } else {
            format!(
                "the set may not be the smallest: {} of its groups were not tried {} and are kept in it",
                c.untried.len(),
                cut_words(c.cut)
            )
        };
        let _ = writeln!(
            out,
            "\nThese rules together {} a plan impossible (with the teams, systems, zones and `after` rules that cannot be dropped); {each}:",
            if c.set_proven { "make" } else { "appear to make" }
        );
        for (g, r) in c.groups.iter().zip(conflict_rules(c, inv)) {
            let untried = if c.untried.contains(g) {
                " (not tried)"
            } else {
                ""
            };
            let _ = writeln!(out, "  - {r}{untried}");
        }
        if c.set_proven {
            let _ = writeln!(
                out,
                "With only these (every other rule group dropped) it is proven impossible: {}",
                c.set_reason
            );
        } else {
            let _ = writeln!(
                out,
                "Note: that these alone allow no plan rests on a search that found none in {}, not on a proof: {}",
                secs(c.time_limit_ms),
                c.set_reason
            );
        }
    }
    let others: Vec<&GroupOutcome> = c.tried.iter().filter(|g| !g.in_conflict).collect();
    if !others.is_empty() {
        let _ = writeln!(out, "\nAlso tried, and not needed for the conflict:");
        for g in others {
            let why = match &g.verdict {
                Verdict::NotFound { .. } => format!(
                    "still no plan found without it in {} (not a proof)",
                    secs(c.time_limit_ms)
                ),
                _ => "still impossible without it".to_string(),
            };
            let _ = writeln!(out, "  - {}: {why}", rule_group(&g.group, inv));
        }
    }
}

/// Why a task of the critical chain starts when it does, in a change
/// board's words.
pub fn held_by(held: &HeldBy) -> String {
    match held {
        HeldBy::WindowStart => "starts when the window opens".into(),
        HeldBy::Predecessor { task, lag } if *lag == 0 => format!("waits for {task}"),
        HeldBy::Predecessor { task, lag } => {
            format!("waits for {task} (lag {})", fmt_minutes(*lag))
        }
        HeldBy::DrOrder { pair, order, task } => {
            format!("waits for {task} (DR order {order} on {pair})")
        }
        HeldBy::MaxLag { task, max_lag } => format!(
            "must end at most {} before {task} starts (max_lag), and {task} cannot start earlier",
            fmt_minutes(*max_lag)
        ),
        HeldBy::Team {
            team,
            capacity,
            busy,
        } => format!(
            "team {team} (capacity {capacity}) was busy with {}",
            join_words(busy)
        ),
        HeldBy::TeamHours { team, from } => {
            format!("team {team} is not on duty until {from}")
        }
        HeldBy::System {
            system,
            capacity,
            busy,
        } => {
            let allows = if *capacity == 1 {
                "takes one change at a time".to_string()
            } else {
                format!("takes {capacity} changes at a time")
            };
            format!(
                "system {system} {allows}: {} {} running",
                join_words(busy),
                was(busy)
            )
        }
        HeldBy::Cluster {
            cluster,
            max_down,
            down,
        } => format!(
            "cluster {cluster} allows {max_down} member{} down: {} {} down",
            if *max_down == 1 { "" } else { "s" },
            join_words(down),
            was(down)
        ),
        HeldBy::Zone {
            zone,
            max_concurrent,
            busy,
        } => format!(
            "zone {zone} allows {max_concurrent} change{} at once: {} {} running",
            if *max_concurrent == 1 { "" } else { "s" },
            join_words(busy),
            was(busy)
        ),
        HeldBy::DrPair { pair, task } => {
            format!("DR pair {pair} is never down on both sides: {task} was down")
        }
        HeldBy::Window { opens } => format!("its window opens at {opens}"),
        HeldBy::Blackout {
            index,
            reason,
            until,
        } => match reason {
            Some(r) => format!("blackouts[{index}] ({r}) lasts until {until}"),
            None => format!("blackouts[{index}] lasts until {until}"),
        },
        HeldBy::Slack => "could start earlier (the plan leaves slack here)".into(),
    }
}
fn was(v: &[String]) -> &'static str {
    if v.len() == 1 {
        "was"
    } else {
        "were"
    }
}

/// A link of the critical chain in words, e.g. "22:15–22:45 patch-db-b: waits for
/// backup-db-b (also: team dba (capacity 2) was busy with backup-db-a)".
pub fn chain_link(link: &ChainLink) -> String {
    let why: Vec<String> = link.held_by.iter().map(held_by).collect();
    let first = why
        .first()
        .map(String::as_str)
        .unwrap_or("no reason recorded");
    let main = format!("{}–{} {}: {first}", link.start, link.end, link.task);
    if why.len() <= 1 {
        main
    } else {
        format!("{main} (also: {})", why[1..].join("; "))
    }
}

/// The id of the file task `tasks[source]` (without a member's `@`), or
/// `?` when no task came from that entry.
fn file_task_id(inv: &Inventory, source: usize) -> String {
    let id = inv
        .tasks
        .iter()
        .find(|t| t.source == source)
        .map_or("?", |t| t.id.as_str());
    id.split('@').next().unwrap_or(id).to_string()
}

/// What a relaxation changes, in the inventory's words.
pub fn relaxation(relaxation: &Relaxation, inv: &Inventory) -> String {
    let task_name = |source: usize| file_task_id(inv, source);
    match *relaxation {
        Relaxation::TeamCapacity { team } => {
            let t = &inv.teams[team];
            format!(
                "one more in team {} (capacity {} → {})",
                t.id,
                t.capacity,
                t.capacity + 1
            )
        }
        Relaxation::ClusterDown { cluster } => {
            let c = &inv.clusters[cluster];
            let down = c.max_unavailable() + 1;
            format!(
                "cluster {} allows {} member{} down (min_available {} → {})",
                c.id,
                down,
                if down == 1 { "" } else { "s" },
                c.min_available,
                c.min_available - 1
            )
        }
        Relaxation::ZoneConcurrent { zone } => {
            let z = &inv.zones[zone];
            format!(
                "zone {} allows one more change at once (max_concurrent {} → {})",
                z.id,
                z.max_concurrent,
                z.max_concurrent + 1
            )
        }
        Relaxation::Blackout { index } => match &inv.blackouts[index].reason {
            Some(r) => format!("no blackout for {r} (blackouts[{index}])"),
            None => format!("no blackouts[{index}]"),
        },
        Relaxation::WindowsWidened { source } => format!(
            "windows of {} widened by {} each side (tasks[{source}].windows)",
            task_name(source),
            fmt_minutes(WIDEN)
        ),
        Relaxation::WindowsRemoved { source } => format!(
            "no windows for {} (tasks[{source}].windows)",
            task_name(source)
        ),
        Relaxation::HoursWidened { team } => format!(
            "team {} on duty {} longer each side (teams[{team}].available)",
            inv.teams[team].id,
            fmt_minutes(WIDEN)
        ),
        Relaxation::HoursRemoved { team } => format!(
            "team {} on duty all the time (teams[{team}].available)",
            inv.teams[team].id
        ),
        Relaxation::DrOrder { pair } => {
            let p = &inv.dr[pair];
            format!(
                "DR pair {} / {} without its order (dr[{pair}].order)",
                inv.component_id(p.primary),
                inv.component_id(p.standby)
            )
        }
    }
}

/// A relaxation tried against a plan of `base` minutes, e.g. "one more in team dba (capacity 2 → 3): 4h40m → 4h10m, −30m (−11%)".
pub fn trial(trial: &Trial, base: Time, inv: &Inventory) -> String {
    let change = relaxation(&trial.relaxation, inv);
    match (trial.length_minutes, trial.shrink_minutes, trial.credit) {
        (Some(len), Some(shrink), c) if c.is_none_or(|c| c.exact) => format!(
            "{}: {} → {}, −{} (−{:.0}%)",
            change,
            fmt_minutes(base),
            fmt_minutes(len),
            fmt_minutes(shrink),
            trial.shrink_percent.unwrap_or(0.0)
        ),
        (Some(len), Some(_), Some(c)) => format!(
            "{}: {} → {}, saves between {} and {} on the shortest window (not both sides proven{})",
            change,
            fmt_minutes(base),
            fmt_minutes(len),
            fmt_minutes(c.least_minutes),
            fmt_minutes(c.most_minutes),
            if c.least_minutes == 0 {
                "; the base inventory may already allow it"
            } else {
                ""
            }
        ),
        _ => format!("{change}: no plan found"),
    }
}

/// A rule group named as in the inventory, e.g. `blackouts[0] (nightly ETL) 01:00–03:00`.
pub fn rule_group(group: &RuleGroup, inv: &Inventory) -> String {
    let w = &inv.window;
    let spans = |v: &[Interval]| -> String {
        v.iter()
            .map(|i| format!("{}–{}", clock(w, i.start), clock(w, i.end)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file_task = |source: usize| file_task_id(inv, source);
    match *group {
        RuleGroup::Deadline => {
            let d = w.deadline.unwrap_or(0);
            format!("window.deadline {}", w.at(d).strftime("%Y-%m-%dT%H:%M"))
        }
        RuleGroup::Blackout { index } => {
            let b = &inv.blackouts[index];
            let span = spans(&[b.interval]);
            match &b.reason {
                Some(r) => format!("blackouts[{index}] ({r}) {span}"),
                None => format!("blackouts[{index}] {span}"),
            }
        }
        RuleGroup::TaskWindows { source } => {
            let ws = inv
                .tasks
                .iter()
                .find(|t| t.source == source)
                .and_then(|t| t.windows.clone())
                .unwrap_or_default();
            format!(
                "tasks[{source}].windows of {} ({})",
                file_task(source),
                spans(&ws)
            )
        }
        RuleGroup::TeamHours { team } => {
            let t = &inv.teams[team];
            format!(
                "teams[{team}].available of {} ({})",
                t.id,
                spans(t.available.as_deref().unwrap_or_default())
            )
        }
        RuleGroup::MaxLag { source, after } => {
            let max = inv
                .tasks
                .iter()
                .filter(|t| t.source == source)
                .flat_map(|t| t.after.iter())
                .filter(|a| inv.tasks[a.task].source == after)
                .find_map(|a| a.max_lag)
                .unwrap_or(0);
            format!(
                "tasks[{source}].after max_lag of {} (at most {} after {})",
                file_task(source),
                fmt_minutes(max),
                file_task(after)
            )
        }
        RuleGroup::MaxDowntime { service } => {
            let s = &inv.services[service];
            format!(
                "services[{service}].max_downtime of {} ({})",
                s.id,
                fmt_minutes(s.max_downtime.unwrap_or(0))
            )
        }
        RuleGroup::DrOrder { pair } => {
            let p = &inv.dr[pair];
            let order = match p.order {
                Some(crate::inventory::DrOrder::PrimaryFirst) => "primary_first",
                _ => "standby_first",
            };
            format!(
                "dr[{pair}].order {order} ({} / {})",
                inv.component_id(p.primary),
                inv.component_id(p.standby)
            )
        }
        RuleGroup::ClusterMin { cluster } => {
            let c = &inv.clusters[cluster];
            format!(
                "clusters[{cluster}].min_available of {} ({})",
                c.id, c.min_available
            )
        }
    }
}
