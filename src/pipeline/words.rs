//! The solver's "no schedule" in the board's words. The core speaks of
//! activities, resources and minutes from the start; here each is turned
//! back into what it came from (activity `i` is task `i`; each resource has
//! its [`ResourceOrigin`]; intervals come from the blackouts over the task,
//! its `windows` and its teams' hours) with wall-clock times of the
//! window's zone.

use crate::base::fmt_minutes;
use crate::base::{intervals, Interval, Time};
use crate::inventory::{Inventory, Task};
use crate::model::compile::ResourceOrigin;
use crate::plan::clock;
use crate::solve::CoreReason;

/// The reason a compiled inventory has no plan, from the solver's own
/// words `core` (kept when nothing better can be said).
pub fn infeasible(inv: &Inventory, compiled: &crate::model::Compiled, core: &str) -> String {
    let problem = &compiled.problem;
    match crate::solve::diagnose(problem) {
        Some(CoreReason::NoRoom {
            activity,
            earliest,
            latest,
            intervals,
            short,
        }) if activity < inv.tasks.len() => no_room(
            inv,
            compiled,
            activity,
            (earliest, latest),
            intervals,
            &short,
        ),
        Some(CoreReason::TooLate {
            activity,
            earliest,
            deadline,
        }) if activity < inv.tasks.len() => {
            let t = &inv.tasks[activity];
            format!(
                "{} cannot start before {} (its dependencies and their lags), so it cannot end by the {} deadline",
                label(inv, t),
                clock(&inv.window, earliest),
                clock(&inv.window, deadline)
            )
        }
        _ => match inv.window.deadline {
            Some(d) if core.contains("deadline") => {
                let lb = crate::solve::lower_bound(problem);
                if lb > d {
                    format!(
                        "no plan ends by the {} deadline: the dependencies, teams, systems, clusters and zones need at least {} from the {} start, until {}",
                        clock(&inv.window, d),
                        fmt_minutes(lb),
                        clock(&inv.window, 0),
                        clock(&inv.window, lb)
                    )
                } else {
                    format!(
                        "no plan ends by the {} deadline: the dependencies, teams, systems, clusters, zones and DR pairs cannot all be met before it (`windowplan explain` names the rules that conflict)",
                        clock(&inv.window, d)
                    )
                }
            }
            _ => core.to_string(),
        },
    }
}

/// `ora-patch-prim (1h30m, dba)`: the task, its length and its teams.
fn label(inv: &Inventory, t: &Task) -> String {
    let mut parts = vec![fmt_minutes(t.duration)];
    parts.extend(t.needs.iter().map(|&(k, n)| match n {
        1 => inv.teams[k].id.clone(),
        n => format!("{n}× {}", inv.teams[k].id),
    }));
    format!("{} ({})", t.id, parts.join(", "))
}

/// `23:00–01:30`.
fn span(inv: &Inventory, iv: Interval) -> String {
    format!(
        "{}–{}",
        clock(&inv.window, iv.start),
        clock(&inv.window, iv.end)
    )
}

fn spans(inv: &Inventory, list: &[Interval]) -> String {
    let v: Vec<String> = list.iter().map(|&iv| span(inv, iv)).collect();
    v.join(", ")
}

/// A task with no room between its earliest and latest start: what blocks
/// it there, by name.
fn no_room(
    inv: &Inventory,
    compiled: &crate::model::Compiled,
    j: usize,
    (earliest, latest): (Time, Time),
    by_intervals: bool,
    short: &[(usize, i64)],
) -> String {
    let t = &inv.tasks[j];
    let w = &inv.window;
    // Where it could run if nothing blocked it.
    let reach = Interval::new(earliest, latest.saturating_add(t.duration));
    let when = match w.deadline {
        Some(d) if latest + t.duration >= d => format!(
            "must start between {} and {} to end by the {} deadline",
            clock(w, earliest),
            clock(w, latest),
            clock(w, d)
        ),
        Some(_) => format!(
            "must start between {} and {}",
            clock(w, earliest),
            clock(w, latest)
        ),
        None => format!("can start from {} on", clock(w, earliest)),
    };
    let mut blocks = Vec::new();
    if by_intervals {
        for (k, b) in inv.blackouts.iter().enumerate() {
            if inv.blackout_covers(b, t) && b.interval.overlaps_run(reach.start, reach.len()) {
                let name = match &b.reason {
                    Some(r) => format!("the {r} blackout"),
                    None => format!("a blackout (blackouts[{k}])"),
                };
                blocks.push(format!("{name} covers {}", span(inv, b.interval)));
            }
        }
        if let Some(win) = &t.windows {
            let inside = intervals::intersect(win, &[reach]);
            blocks.push(if inside.is_empty() {
                format!("its windows ({}) lie outside that", spans(inv, win))
            } else {
                format!("its windows allow only {}", spans(inv, &inside))
            });
        }
        for &(k, _) in &t.needs {
            if let Some(av) = &inv.teams[k].available {
                blocks.push(format!(
                    "team {} is available only {}",
                    inv.teams[k].id,
                    spans(inv, av)
                ));
            }
        }
    }
    for &(r, amount) in short {
        let what = match compiled.resource_origin.get(r) {
            Some(ResourceOrigin::Team(k)) => format!(
                "team {} (capacity {}) never has {amount} free for {} then",
                inv.teams[*k].id,
                inv.teams[*k].capacity,
                fmt_minutes(t.duration)
            ),
            Some(ResourceOrigin::System(s)) => format!(
                "system {} is never free for {} then",
                inv.systems[*s].id,
                fmt_minutes(t.duration)
            ),
            Some(ResourceOrigin::Cluster(c)) => format!(
                "cluster {} (min_available {}) never lets another member down for {} then",
                inv.clusters[*c].id,
                inv.clusters[*c].min_available,
                fmt_minutes(t.duration)
            ),
            Some(ResourceOrigin::Zone(z)) => format!(
                "zone {} (at most {} at once) is never free for {} then",
                inv.zones[*z].id,
                inv.zones[*z].max_concurrent,
                fmt_minutes(t.duration)
            ),
            None => format!(
                "{} is never free for {} then",
                compiled.problem.resources[r].name,
                fmt_minutes(t.duration)
            ),
        };
        blocks.push(what);
    }
    if blocks.is_empty() {
        blocks.push(
            "its windows, its teams' hours and the blackouts over it leave no stretch that long"
                .into(),
        );
    }
    format!("{} {when}, but {}", label(inv, t), blocks.join("; "))
}

/// A task no stretch is long enough for, whatever the other tasks do: its
/// windows, its teams' hours, the deadline and the blackouts over it
/// (`covering`) leave only `room`.
pub(crate) fn no_stretch(
    inv: &Inventory,
    t: &Task,
    covering: &[&crate::inventory::Blackout],
    room: &[Interval],
) -> String {
    let w = &inv.window;
    let mut limits = Vec::new();
    if let Some(win) = &t.windows {
        limits.push(format!("its windows allow {}", spans(inv, win)));
    }
    for &(k, _) in &t.needs {
        if let Some(av) = &inv.teams[k].available {
            limits.push(format!(
                "team {} is available only {}",
                inv.teams[k].id,
                spans(inv, av)
            ));
        }
    }
    if let Some(d) = w.deadline {
        limits.push(format!("the window ends at the {} deadline", clock(w, d)));
    }
    for b in covering {
        let name = match &b.reason {
            Some(r) => format!("the {r} blackout"),
            None => "a blackout".to_string(),
        };
        limits.push(format!("{name} covers {}", span(inv, b.interval)));
    }
    let left = match room.iter().max_by_key(|iv| iv.len()) {
        Some(iv) if !iv.is_empty() => format!(
            "the longest stretch left is {} ({})",
            fmt_minutes(iv.len()),
            span(inv, *iv)
        ),
        _ => "no time is left".to_string(),
    };
    format!(
        "{} fits nowhere: {}, so {left}",
        label(inv, t),
        limits.join("; ")
    )
}

/// The solver's "no schedule found" in the board's words: tasks for
/// activities, and the rules behind the core's resources and intervals.
pub fn not_found(core: &str) -> String {
    let mut s = core.to_string();
    for (from, to) in [
        (
            "an activity found no room (resources, intervals, exclusions)",
            "a task found no room (teams, systems, clusters, zones, windows, blackouts, DR pairs)",
        ),
        (
            "time lags left an activity no possible start",
            "the `after` lags and max_lags left a task no possible start",
        ),
        (
            "time lags, intervals and resources are too tight",
            "the `after` lags, windows, blackouts, teams, systems, clusters and zones are too tight",
        ),
        ("activities placed", "tasks placed"),
        (" activities;", " tasks;"),
        ("on-time limit of service", "max_downtime of service"),
    ] {
        s = s.replace(from, to);
    }
    s
}
