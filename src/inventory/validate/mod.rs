//! Validating and resolving an inventory.
//!
//! [`super::load`] parses the file into the file model ([`super::file`]),
//! then [`validate`] checks every rule of DESIGN.md, collecting EVERY problem
//! as a [`Diagnostic`] (stable code, field path, message naming the value,
//! hint), and resolves the file into an [`Inventory`]: ids become indices,
//! `cluster:` tasks expand to one task per member (`<task>@<member>`), times
//! become minutes from the window start. Codes are listed in docs/errors.md.
//!
//! Decisions documented here (and in docs/errors.md):
//! - A task of duration `0m` is a milestone and must have `outage: false`.
//! - A cluster with neither `min_available` nor `max_unavailable` has no
//!   availability rule: `min_available` 0.
//! - A task needs no team when it has neither `team` nor `needs`.
//! - Intervals before the window start are kept as given (harmless).
//!
//! [`validate_with`] runs one module per rule family, in this order (the
//! order of the diagnostics): `window` (timezone, start, deadline), `ids`
//! (every id registered), `resources` (teams, zones, systems), `clusters`
//! (clusters, DR pairs; E046 once tasks are known), `blackouts` (scopes
//! by system, zone, tag), `services` (services, integrations), the blackout
//! scopes by cluster, service and team (which need the services), `tasks` (pass 1, cycles in `after`, pass 2
//! expansion), E046; then the rules no schedule can satisfy (`impossible`).
//! This module holds the
//! shared context (`Ctx`: the diagnostics, the "did you mean" budget and
//! the checks every family uses) and the id maps (`Names`).

mod blackouts;
mod clusters;
mod ids;
mod resources;
mod services;
mod tasks;
mod window;

use super::file::*;
use super::shape::Partial;
use super::time::{self, TimeError, WindowCalendar};
use crate::base::{Interval, Time};
use crate::error::Diagnostic;
use crate::inventory::*;
use std::collections::{HashMap, HashSet};

use super::suggest::{suggest, SUGGESTION_BUDGET};

/// What every family of rules shares: the diagnostics found so far and the
/// checks that push them.
struct Ctx<'p> {
    diags: Vec<Diagnostic>,
    /// What the shape pass left out: references to it are not "unknown".
    partial: &'p Partial,
    /// Candidate comparisons left for "did you mean" (see [`SUGGESTION_BUDGET`]).
    suggestions_left: usize,
    /// The warnings found so far (W0xx: never an error), for
    /// [`Inventory::warnings`].
    warnings: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::new(code, path, msg, hint));
    }

    fn time_err(&mut self, path: impl Into<String>, e: TimeError) {
        self.diags
            .push(Diagnostic::new(e.code, path, e.message, e.hint));
    }

    fn duration(&mut self, path: String, t: &Text) -> Option<Time> {
        time::parse_duration(t.as_str())
            .map_err(|e| self.time_err(path, e))
            .ok()
    }

    fn lag(&mut self, path: String, t: &Text) -> Option<Time> {
        time::parse_lag(t.as_str())
            .map_err(|e| self.time_err(path, e))
            .ok()
    }

    /// The intervals of a list, merged; None when there is no calendar (the
    /// window is wrong) or one of them is wrong, so that no rule is checked
    /// against a partial list (that would be a second, false error).
    fn intervals(
        &mut self,
        calendar: Option<&WindowCalendar>,
        path: &str,
        list: &[Text],
    ) -> Option<Vec<Interval>> {
        let calendar = calendar?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, t) in list.iter().enumerate() {
            let read = calendar.interval(t.as_str(), &mut self.warnings);
            name_warnings(&mut self.warnings, &format!("{path}[{k}]"));
            match read {
                Ok(i) => out.push(i),
                Err(e) => {
                    ok = false;
                    self.time_err(format!("{path}[{k}]"), e)
                }
            }
        }
        ok.then(|| crate::base::intervals::merge(out))
    }

    /// E020/E021: an id must be non-empty, without `@`, whitespace,
    /// control characters or invisible and text-direction characters
    /// (U+202E, zero-width spaces and joiners, …: `base::text::is_hidden_char`).
    fn check_id(&mut self, path: String, kind: &str, id: &str) {
        if id.is_empty() {
            self.err(
                "E020",
                path,
                format!("{kind} id is empty"),
                format!("give the {kind} a non-empty id"),
            );
        } else if let Some(c) = id
            .chars()
            .find(|c| *c == '@' || c.is_whitespace() || crate::base::text::is_hidden_char(*c))
        {
            let what = if c == '@' {
                "`@` (reserved for cluster-expanded task ids `<task>@<member>`)".to_string()
            } else if c.is_whitespace() {
                "whitespace".to_string()
            } else if c.is_control() {
                format!("control character U+{:04X}", c as u32)
            } else {
                format!(
                    "invisible or text-direction character U+{:04X} (it makes the id look like another)",
                    c as u32
                )
            };
            self.err(
                "E021",
                path,
                format!("{kind} id {id:?} contains {what}"),
                "use letters, digits, `-`, `_`, `.` or `:`; e.g. replace spaces with `-`",
            );
        }
    }

    /// E022 on a repeated id; returns whether it was new.
    fn register<V: Copy>(
        &mut self,
        map: &mut HashMap<String, (V, String)>,
        id: &str,
        value: V,
        path: String,
        kind: &str,
    ) -> bool {
        if id.is_empty() {
            return false;
        }
        if let Some((_, first)) = map.get(id) {
            self.err(
                "E022",
                path,
                format!("duplicate id `{id}`: already used by {kind} {first}"),
                "ids must be unique (systems and clusters share one namespace); rename one of them",
            );
            false
        } else {
            map.insert(id.to_string(), (value, path));
            true
        }
    }

    /// An unknown-reference diagnostic with a "did you mean" when close.
    #[allow(clippy::too_many_arguments)]
    fn unknown<'a>(
        &mut self,
        code: &'static str,
        path: String,
        kind: &str,
        id: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        section: &str,
        extra: Option<String>,
    ) {
        if self.partial.excuses(kind, id) {
            return; // the item it names is malformed, and reported as such
        }
        // Once the budget is spent, not even the candidates are listed: that
        // too is a pass over all of them.
        let cands: Vec<&str> = if self.suggestions_left == 0 {
            Vec::new()
        } else {
            candidates.into_iter().collect()
        };
        if self.suggestions_left == 0 || cands.len() > self.suggestions_left {
            self.suggestions_left = 0;
            let hint = match extra {
                Some(x) => x,
                None => format!("define it under `{section}:`"),
            };
            self.err(code, path, format!("unknown {kind} `{id}`"), hint);
            return;
        }
        self.suggestions_left -= cands.len();
        let mut hint = match suggest(id, cands.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if cands.is_empty() => format!("define it under `{section}:`"),
            None => {
                let mut sorted = cands.clone();
                sorted.sort_unstable();
                let shown: Vec<String> = sorted.iter().take(8).map(|c| format!("`{c}`")).collect();
                let more = if sorted.len() > 8 { ", …" } else { "" };
                format!(
                    "define it under `{section}:`; known: {}{more}",
                    shown.join(", ")
                )
            }
        };
        if let Some(x) = extra {
            hint = match suggest(id, cands.iter().copied()) {
                Some(s) => format!("{x}; or did you mean `{s}`?"),
                None => x,
            };
        }
        self.err(code, path, format!("unknown {kind} `{id}`"), hint);
    }
}

/// A diagnostic (the free form of `Ctx::err`, for rules that collect their own).
fn err(code: &'static str, path: String, msg: String, hint: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, path, msg, hint)
}

/// Ids of one kind: the index each names and the path of its definition.
type Ids<V> = HashMap<String, (V, String)>;

/// The ids of a map, for "did you mean".
fn keys<V>(m: &Ids<V>) -> impl Iterator<Item = &str> {
    m.keys().map(|s| s.as_str())
}

/// The ids of the file, each with the index it names and the path of the
/// item that defined it.
struct Names<'f> {
    f: &'f InventoryFile,
    teams: Ids<usize>,
    /// Systems and clusters: one namespace.
    comps: Ids<Component>,
    zones: Ids<usize>,
    tasks: Ids<usize>,
}

// ---------------------------------------------------------------------------
// Validation and resolution

/// Format 1.2: `windows_allowed` and `in_window` name windows of a
/// campaign; a single-window file has none (E150).
fn campaign_fields(cx: &mut Ctx, f: &InventoryFile) {
    for (i, t) in f.tasks.iter().enumerate() {
        for (field, given) in [
            ("windows_allowed", t.windows_allowed.is_some()),
            ("in_window", t.in_window.is_some()),
        ] {
            if given {
                cx.err(
                    "E150",
                    format!("tasks[{i}].{field}"),
                    format!("task `{}` gives `{field}`, but the file has one `window:`, not a `campaign:`", t.id),
                    "remove it, or plan several windows with `campaign: { timezone, windows: [...] }` instead of `window:`",
                );
            }
        }
    }
}

/// Checks every rule on a parsed file and resolves it; returns all problems
/// found when there is any.
pub fn validate(f: &InventoryFile) -> Result<Inventory, Vec<Diagnostic>> {
    validate_with(f, &Partial::default())
}

/// [`validate`] on a file model some items were left out of (see
/// [`Partial`]). Format 1.2 `schema_changes` are first expanded into tasks
/// (`inventory::schema_changes`), and a step that must wait for a later
/// window (a contract without `same_window: true`) is left out with a
/// warning (W040).
pub fn validate_with(f: &InventoryFile, partial: &Partial) -> Result<Inventory, Vec<Diagnostic>> {
    if f.schema_changes.is_empty() {
        return validate_tasks_file(f, partial);
    }
    use super::schema_changes as sc;
    let ex = sc::expand(f, partial);
    let mut file = ex.file;
    let deferred = sc::defer_later_window_tasks(&mut file);
    let mut partial = partial.clone();
    partial.broken_ids.extend(ex.broken_ids.iter().cloned());
    partial
        .broken_ids
        .extend(deferred.iter().map(|(t, _)| t.clone()));
    let result = validate_tasks_file(&file, &partial);
    let (changes, later) = sc::resolve(&file, &deferred, &ex.broken, |id| {
        file.systems.iter().position(|s| s.id == id)
    });
    let mut diags = ex.diagnostics;
    diags.extend(later);
    match result {
        Ok(mut inv) if diags.is_empty() => {
            for c in changes.iter().filter(|c| c.contract_deferred) {
                let Some(i) = file.schema_changes.iter().position(|f| f.id == c.id) else {
                    continue;
                };
                let (task, deploy) = (c.step_id(super::SchemaStep::Contract), &c.deploy);
                inv.warnings.push(Diagnostic::new(
                    "W040",
                    format!("schema_changes[{i}].contract"),
                    format!(
                        "deferred: the contract of schema change `{}` (`{task}`) is not planned in this window: it runs in a later window than its deploy `{deploy}` (`same_window` is false)",
                        c.id
                    ),
                    "plan it in the next window once the release is signed off, or set `contract: { same_window: true, ... }` to drop the old shape tonight",
                ));
            }
            inv.schema_changes = changes;
            Ok(inv)
        }
        Ok(_) => Err(diags),
        Err(rest) => {
            diags.extend(rest.into_iter().map(|d| ex.origins.remap(&file, d)));
            Err(diags)
        }
    }
}

/// The validation of a file model whose schema changes are already
/// expanded into tasks.
fn validate_tasks_file(f: &InventoryFile, partial: &Partial) -> Result<Inventory, Vec<Diagnostic>> {
    let mut cx = Ctx {
        partial,
        diags: Vec::new(),
        suggestions_left: SUGGESTION_BUDGET,
        warnings: Vec::new(),
    };
    let cx = &mut cx;
    campaign_fields(cx, f);
    let (calendar, deadline) = window::check(cx, f);
    let calendar = calendar.as_ref();
    let names = ids::register(cx, f);
    let teams = resources::teams(cx, f, calendar);
    let zones = resources::zones(cx, f);
    let systems = resources::systems(cx, f, calendar, &names);
    let clusters = clusters::clusters(cx, f, &names);
    let dr = clusters::dr(cx, f, &names);
    let mut blackouts = blackouts::blackouts(cx, f, calendar, &names);
    let comps = ids::components(f);
    let services = services::services(cx, f, &names, &comps);
    let integrations = services::integrations(cx, f, &names);
    cx.diags.extend(blackouts::scopes(
        f,
        &mut blackouts,
        &clusters,
        &services,
        &integrations,
    ));
    let pre = tasks::pass1(cx, f, calendar, &names, &clusters, &systems, &comps);
    tasks::cycles(cx, f, &pre);
    let tasks = tasks::expand(cx, f, &pre);
    clusters::all_up(cx, f, &clusters, &systems, &tasks);

    // Resolved as far as it goes, for the rules no schedule can satisfy;
    // with an unreadable window no time is checked, so any start will do.
    let start = match calendar {
        Some(c) => c.start.clone(),
        None => jiff::Timestamp::UNIX_EPOCH.to_zoned_datetime(jiff::tz::TimeZone::UTC),
    };
    let mut inv = Inventory {
        window: Window {
            start,
            timezone: f.window.timezone.clone(),
            deadline,
            meta: Meta {
                title: f.window.title.clone(),
                change: f.window.change.clone(),
                ..Meta::default()
            },
        },
        teams,
        systems,
        clusters,
        zones,
        dr,
        blackouts,
        services,
        integrations,
        tasks,
        warnings: distinct(std::mem::take(&mut cx.warnings)),
        schema_changes: Vec::new(),
    };
    if calendar.is_some() {
        let outside = blackouts::outside_window(&inv);
        inv.warnings.extend(outside);
    }
    cx.diags
        .extend(super::impossible::check(&inv, f, calendar.is_some()));
    if cx.diags.is_empty() {
        Ok(inv)
    } else {
        Err(std::mem::take(&mut cx.diags))
    }
}

/// Gives the warnings found so far without a field (an ambiguous local
/// time, W002, is found by the time parser, which does not know the field)
/// the field `path` that was just read.
pub(crate) fn name_warnings(warnings: &mut [Diagnostic], path: &str) {
    for d in warnings.iter_mut().filter(|d| d.path.is_empty()) {
        d.path = path.to_string();
    }
}

/// The warnings with repeats left out (a time written twice is warned
/// about once), in the order found.
fn distinct(mut warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    warnings.retain(|d| seen.insert((d.path.clone(), d.message.clone())));
    warnings
}

impl<'f> Names<'f> {
    fn system_names(&self) -> impl Iterator<Item = &'f str> {
        self.f.systems.iter().map(|s| s.id.as_str())
    }

    fn cluster_names(&self) -> impl Iterator<Item = &'f str> {
        self.f.clusters.iter().map(|c| c.id.as_str())
    }

    /// Resolves a system reference; a cluster id gets a pointed hint.
    fn system(&self, cx: &mut Ctx, path: String, id: &str, cluster_hint: &str) -> Option<usize> {
        match self.comps.get(id) {
            Some((Component::System(s), _)) => Some(*s),
            Some((Component::Cluster(_), _)) => {
                cx.err(
                    "E031",
                    path,
                    format!("`{id}` is a cluster, not a system"),
                    cluster_hint.to_string(),
                );
                None
            }
            None => {
                cx.unknown(
                    "E031",
                    path,
                    "system",
                    id,
                    self.system_names(),
                    "systems",
                    None,
                );
                None
            }
        }
    }

    /// Resolves a system or cluster reference.
    fn component(&self, cx: &mut Ctx, path: String, id: &str) -> Option<Component> {
        match self.comps.get(id) {
            Some((c, _)) => Some(*c),
            None => {
                cx.unknown(
                    "E035",
                    path,
                    "system or cluster",
                    id,
                    self.system_names().chain(self.cluster_names()),
                    "systems:` or `clusters",
                    None,
                );
                None
            }
        }
    }
}

/// E040: a capacity-like number must be between 1 and u32::MAX.
fn positive_u32(cx: &mut Ctx, path: String, kind: &str, id: &str, field: &str, v: i64) -> u32 {
    if v < 1 {
        cx.err(
            "E040",
            path,
            format!("{field} of {kind} `{id}` is {v}"),
            format!("{field} must be at least 1"),
        );
        1
    } else if v > u32::MAX as i64 {
        cx.err(
            "E040",
            path,
            format!("{field} of {kind} `{id}` is {v}, which is too large"),
            format!("{field} must be at most {}", u32::MAX),
        );
        1
    } else {
        v as u32
    }
}

/// The strongly connected components of the `after` graph (petgraph's
/// Tarjan), each sorted, in sorted order so that errors come out the same
/// way on every run.
fn strongly_connected(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut g = petgraph::graph::DiGraph::<(), ()>::with_capacity(succ.len(), 0);
    let nodes: Vec<_> = (0..succ.len()).map(|_| g.add_node(())).collect();
    for (v, next) in succ.iter().enumerate() {
        for &w in next {
            g.add_edge(nodes[v], nodes[w], ());
        }
    }
    let mut out: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&g)
        .into_iter()
        .map(|c| {
            let mut c: Vec<usize> = c.into_iter().map(|n| n.index()).collect();
            c.sort_unstable();
            c
        })
        .collect();
    out.sort();
    out
}

/// A shortest cycle through the smallest node of a strongly connected
/// component, in edge order (each node is `after` the next).
fn cycle_in(succ: &[Vec<usize>], scc: &[usize]) -> Vec<usize> {
    let inside: HashSet<usize> = scc.iter().copied().collect();
    let start = scc[0];
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &succ[v] {
            if !inside.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut x = v;
                while x != start {
                    x = parent[&x];
                    path.push(x);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                if w != start {
                    e.insert(v);
                    queue.push_back(w);
                }
            }
        }
    }
    scc.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::fmt_minutes;
    use crate::error::InputError;

    const FULL: &str = r#"
window:
  start: 2026-12-05T22:00
  timezone: America/New_York
  deadline: 2026-12-06T06:00        # optional

teams:
  - id: dba
    capacity: 2
  - id: oracle-support
    capacity: 1
    available: [2026-12-05T23:00/2026-12-06T03:00]
  - id: web-ops
    capacity: 3

systems:
  - id: core-db-a
    zone: pci
    site: primary
    tags: [oracle]
  - id: core-db-b
    zone: pci
    site: dr
    tags: [oracle]
  - { id: web-1, parallel_changes: 2 }
  - { id: web-2 }
  - { id: web-3 }
  - { id: web-4 }
  - { id: dwh, tags: [etl] }

clusters:
  - id: web-tier
    members: [web-1, web-2, web-3, web-4]
    min_available: 3
  - id: web-pair
    members: [web-1, web-2]
    max_unavailable: 1
  - id: loose
    members: [web-3]

zones:
  - id: pci
    max_concurrent: 1

dr:
  - primary: core-db-a
    standby: core-db-b
    order: standby_first
  - primary: web-pair
    standby: loose

blackouts:
  - from: 2026-12-06T01:00
    to: 2026-12-06T03:00
    scope: { systems: [dwh], zones: [pci], tags: [oracle] }
    reason: nightly ETL
  - from: 2026-12-06T05:00
    to: 2026-12-06T05:30

services:
  - id: online-banking
    weight: 10
    requires: [web-tier, core-db-a]
    max_downtime: 2h
  - id: reporting
    requires: [dwh]

integrations:
  - id: dwh-feed
    from: core-db-a
    to: dwh
    mode: async
    tolerance: 60m
  - id: web-db
    from: core-db-a
    to: web-tier
    mode: sync

tasks:
  - id: backup-db-a
    system: core-db-a
    duration: 30m
    outage: false
    team: dba
  - id: drain-app
    systems: [web-1, web-2]
    duration: 5m
    outage: false
  - id: db-schema-v42
    system: core-db-a
    duration: 1h30m
    outage: true
    needs: { dba: 1, oracle-support: 1 }
    after: [backup-db-a, { task: drain-app, lag: 10m, max_lag: 30m }]
    windows: [2026-12-05T23:00/2026-12-06T03:00, 2026-12-06T04:00/2026-12-06T05:00]
  - id: patch-web
    cluster: web-tier
    duration: 20m
    team: web-ops
    after: [{ task: db-schema-v42, lag: -10m }]
  - id: smoke-test
    system: web-1
    duration: 0m
    outage: false
    after: [patch-web]
"#;

    fn yaml(s: &str) -> Result<Inventory, InputError> {
        load_str(s, Format::Yaml, "test.yaml")
    }

    fn codes(e: &InputError) -> Vec<(&'static str, String)> {
        e.diagnostics
            .iter()
            .map(|d| (d.code, d.path.clone()))
            .collect()
    }

    /// Asserts that the inventory fails with (at least) this code at this path.
    #[track_caller]
    fn has(s: &str, code: &str, path: &str) -> Diagnostic {
        let e = yaml(s).expect_err("expected diagnostics");
        e.diagnostics
            .iter()
            .find(|d| d.code == code && d.path == path)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} at {path}; got {:#?}", e.diagnostics))
    }

    const HEAD: &str = "window: { start: 2026-12-05T22:00, timezone: Europe/London }\n";

    fn with(body: &str) -> String {
        format!("{HEAD}{body}")
    }

    #[test]
    fn three_point_durations_and_backout() {
        let inv = yaml(&with(
            "systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 20m, likely: 30m, max: 1h }, backout: 15m }\n  - { id: b, system: s, duration: 10m }\n",
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks[0].duration, 30);
        assert_eq!(inv.tasks[0].spread, Some((20, 60)));
        assert_eq!(inv.tasks[0].backout, Some(15));
        assert_eq!(inv.tasks[1].spread, None);
        assert_eq!(inv.tasks[1].backout, None);
        let d = has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 40m, likely: 30m, max: 1h } }\n"),
            "E062",
            "tasks[0].duration",
        );
        assert!(d.message.contains("min 40m"), "{d}");
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 10m, likely: 30m, max: 20m } }\n"),
            "E062",
            "tasks[0].duration",
        );
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 10m, likely: soon, max: 20m } }\n"),
            "E010",
            "tasks[0].duration.likely",
        );
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: 10m, backout: -5m }\n"),
            "E010",
            "tasks[0].backout",
        );
    }

    #[test]
    fn full_yaml_resolves() {
        let inv = yaml(FULL).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.window.timezone, "America/New_York");
        assert_eq!(inv.window.deadline, Some(480));
        assert_eq!(inv.teams.len(), 3);
        assert_eq!(inv.teams[1].available, Some(vec![Interval::new(60, 300)]));
        assert_eq!(inv.systems[0].zone, Some(0));
        assert_eq!(inv.systems[0].site.as_deref(), Some("primary"));
        assert_eq!(inv.systems[2].parallel_changes, 2);
        assert_eq!(inv.systems[3].parallel_changes, 1);
        assert_eq!(inv.clusters[0].members, vec![2, 3, 4, 5]);
        assert_eq!(inv.clusters[0].min_available, 3);
        assert_eq!(inv.clusters[1].min_available, 1);
        assert_eq!(inv.clusters[2].min_available, 0);
        assert_eq!(inv.zones[0].max_concurrent, 1);
        assert_eq!(
            inv.dr[0],
            DrPair {
                primary: Component::System(0),
                standby: Component::System(1),
                order: Some(DrOrder::StandbyFirst)
            }
        );
        assert_eq!(inv.dr[1].primary, Component::Cluster(1));
        assert_eq!(inv.dr[1].order, None);
        assert_eq!(inv.blackouts[0].interval, Interval::new(180, 300));
        assert_eq!(inv.blackouts[0].systems, vec![6]);
        assert_eq!(inv.blackouts[0].zones, vec![0]);
        assert_eq!(inv.blackouts[0].tags, vec!["oracle".to_string()]);
        assert_eq!(inv.blackouts[0].reason.as_deref(), Some("nightly ETL"));
        assert!(inv.blackouts[1].covers_everything());
        assert_eq!(inv.services[0].weight, 10.0);
        assert_eq!(inv.services[1].weight, 1.0);
        assert_eq!(
            inv.services[0].requires,
            vec![Component::Cluster(0), Component::System(0)]
        );
        assert_eq!(inv.services[0].max_downtime, Some(120));
        assert_eq!(inv.services[1].max_downtime, None);
        assert_eq!(inv.integrations[0].mode, IntegrationMode::Async);
        assert_eq!(inv.integrations[0].tolerance, 60);
        assert_eq!(inv.integrations[1].mode, IntegrationMode::Sync);
        assert_eq!(inv.integrations[1].tolerance, 0);
        assert_eq!(inv.integrations[1].to, Component::Cluster(0));

        let ids: Vec<&str> = inv.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "backup-db-a",
                "drain-app",
                "db-schema-v42",
                "patch-web@web-1",
                "patch-web@web-2",
                "patch-web@web-3",
                "patch-web@web-4",
                "smoke-test"
            ]
        );
        let t = &inv.tasks[0];
        assert!(!t.outage);
        assert_eq!(t.needs, vec![(0, 1)]);
        assert_eq!(t.duration, 30);
        assert_eq!(inv.tasks[1].systems, vec![2, 3]);
        let s = &inv.tasks[2];
        assert!(s.outage);
        assert_eq!(s.duration, 90);
        assert_eq!(s.needs, vec![(0, 1), (1, 1)]);
        assert_eq!(
            s.after,
            vec![
                After {
                    task: 0,
                    lag: 0,
                    max_lag: None
                },
                After {
                    task: 1,
                    lag: 10,
                    max_lag: Some(30)
                }
            ]
        );
        assert_eq!(
            s.windows,
            Some(vec![Interval::new(60, 300), Interval::new(360, 420)])
        );
        for (k, t) in inv.tasks[3..7].iter().enumerate() {
            assert_eq!(t.source, 3);
            assert_eq!(t.systems, vec![2 + k]);
            assert_eq!(
                t.after,
                vec![After {
                    task: 2,
                    lag: -10,
                    max_lag: None
                }]
            );
            assert_eq!(t.needs, vec![(2, 1)]);
            assert!(t.outage);
        }
        let m = &inv.tasks[7];
        assert_eq!(m.duration, 0);
        assert_eq!(m.source, 4);
        let waits: Vec<usize> = m.after.iter().map(|a| a.task).collect();
        assert_eq!(waits, vec![3, 4, 5, 6]);
        assert_eq!(inv.task_index("patch-web@web-3"), Some(5));
        assert_eq!(inv.window.at(0).hour(), 22);
    }

    #[test]
    fn json_resolves() {
        let j = r#"{
          "window": {"start": "2026-12-05T22:00", "timezone": "Europe/London"},
          "teams": [{"id": "dba", "capacity": 1}],
          "systems": [{"id": "a"}, {"id": "b"}],
          "clusters": [{"id": "pair", "members": ["a", "b"], "max_unavailable": 1}],
          "tasks": [
            {"id": "t1", "cluster": "pair", "duration": "15m", "team": "dba"},
            {"id": "t2", "system": "a", "duration": "1h", "needs": {"dba": 1},
             "after": ["t1", {"task": "t1", "lag": "5m"}], "outage": false}
          ]
        }"#;
        let inv = load_str(j, Format::Json, "x.json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks.len(), 3);
        assert_eq!(inv.tasks[0].id, "t1@a");
        assert_eq!(inv.tasks[2].after.len(), 4);
        assert_eq!(inv.clusters[0].min_available, 1);
        assert_eq!(inv.teams[0].capacity, 1);
    }

    #[test]
    fn window_only_is_enough() {
        let inv = yaml(HEAD).unwrap();
        assert!(inv.tasks.is_empty());
        assert_eq!(inv.window.deadline, None);
    }

    #[test]
    fn bare_number_duration_gets_hint() {
        let d = has(
            &with("systems: [{id: a}]\ntasks:\n  - {id: t, system: a, duration: 90}\n"),
            "E010",
            "tasks[0].duration",
        );
        assert!(d.hint.contains("90m"), "{d}");
    }

    #[test]
    fn window_errors() {
        let d = has(
            "window: { start: 2026-12-05T22:00, timezone: Europe/Londn }\n",
            "E014",
            "window.timezone",
        );
        assert!(d.hint.contains("Europe/London"));
        has(
            "window: { start: 2026-12-05, timezone: UTC }\n",
            "E011",
            "window.start",
        );
        has(
            "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T21:00 }\n",
            "E015",
            "window.deadline",
        );
        has(
            "window: { start: 2026-03-08T02:30, timezone: America/New_York }\n",
            "E012",
            "window.start",
        );
    }

    #[test]
    fn dst_spring_forward_deadline() {
        let inv = yaml(
            "window: { start: 2026-03-07T22:00, timezone: America/New_York, deadline: 2026-03-08T06:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(420));
        let inv = yaml(
            "window: { start: 2026-10-31T22:00, timezone: America/New_York, deadline: 2026-11-01T06:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(540));
        let inv = yaml(
            "window: { start: 2026-10-31T22:00, timezone: America/New_York, deadline: 2026-11-01T01:30-05:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(270));
    }

    #[test]
    fn unknown_references_suggest() {
        let s = with(
            r#"teams: [{id: dba, capacity: 1}]
systems: [{id: web-1, zone: pcii}, {id: web-2}]
zones: [{id: pci, max_concurrent: 1}]
clusters: [{id: web-tier, members: [web-1, web-3]}]
dr: [{primary: web-teir, standby: web-2}]
blackouts: [{from: 2026-12-05T23:00, to: 2026-12-06T00:00, scope: {systems: [web-9], zones: [pcx], tags: [oracel]}}]
services: [{id: s, requires: [web-tier, nope]}]
integrations: [{id: i, from: web-1, to: web-3x, mode: sync}]
tasks:
  - {id: a, system: web-1, duration: 5m, team: dbaa}
  - {id: b, cluster: web-tire, duration: 5m, after: [aa]}
  - {id: c, system: web-tier, duration: 5m, needs: {dbx: 1}}
  - {id: d, cluster: web-1, duration: 5m, after: ["b@web-1"]}
"#,
        );
        // An undeclared system zone is a label, with a warning
        // naming the closest declared zone: not among the errors.
        let e = yaml(&s).expect_err("expected diagnostics");
        assert!(!e.diagnostics.iter().any(|d| d.path == "systems[0].zone"));
        let ok = with("teams: [{id: ops, capacity: 1}]\nsystems: [{id: web-1, zone: pcii}]\nzones: [{id: pci, max_concurrent: 1}]\ntasks: [{id: t, system: web-1, duration: 10m, team: ops}]\n");
        let w = yaml(&ok).expect("an undeclared zone is a label").warnings;
        assert!(
            w.iter()
                .any(|d| d.code == "W001" && d.hint.contains("`pci`")),
            "{w:?}"
        );
        assert!(has(&s, "E031", "clusters[0].members[1]")
            .hint
            .contains("web-1"));
        assert!(has(&s, "E035", "dr[0].primary").hint.contains("`web-tier`"));
        has(&s, "E031", "blackouts[0].scope.systems[0]");
        has(&s, "E033", "blackouts[0].scope.zones[0]");
        has(&s, "E037", "blackouts[0].scope.tags[0]");
        has(&s, "E035", "services[0].requires[1]");
        has(&s, "E035", "integrations[0].to");
        assert!(has(&s, "E030", "tasks[0].team").hint.contains("`dba`"));
        assert!(has(&s, "E032", "tasks[1].cluster")
            .hint
            .contains("`web-tier`"));
        assert!(has(&s, "E034", "tasks[1].after[0]").hint.contains("`a`"));
        assert!(has(&s, "E031", "tasks[2].system")
            .hint
            .contains("cluster: web-tier"));
        has(&s, "E030", "tasks[2].needs.dbx");
        assert!(has(&s, "E032", "tasks[3].cluster")
            .hint
            .contains("system: web-1"));
        assert!(has(&s, "E034", "tasks[3].after[0]").hint.contains("`b`"));
    }

    #[test]
    fn ids() {
        let s = with(
            r#"teams: [{id: "", capacity: 1}, {id: "db a", capacity: 1}]
systems: [{id: x}, {id: "a@b"}, {id: "tab\there"}]
clusters: [{id: x, members: [x]}]
tasks:
  - {id: t, system: x, duration: 5m}
  - {id: t, system: x, duration: 5m}
"#,
        );
        has(&s, "E020", "teams[0].id");
        has(&s, "E021", "teams[1].id");
        assert!(has(&s, "E021", "systems[1].id").message.contains('@'));
        has(&s, "E021", "systems[2].id");
        assert!(has(&s, "E022", "clusters[0].id")
            .message
            .contains("systems[0]"));
        has(&s, "E022", "tasks[1]");
    }

    #[test]
    fn numbers() {
        let s = with(
            r#"teams: [{id: dba, capacity: 0}, {id: ops, capacity: 1}]
zones: [{id: z, max_concurrent: -1}]
systems: [{id: a, parallel_changes: 0}, {id: b}, {id: c}]
services: [{id: s, weight: -1}, {id: n, weight: .nan}]
clusters:
  - {id: both, members: [a, b], min_available: 1, max_unavailable: 1}
  - {id: big, members: [a, b], min_available: 3}
  - {id: neg, members: [a, b], max_unavailable: -1}
  - {id: empty, members: []}
  - {id: twice, members: [a, a]}
tasks:
  - {id: t, system: c, duration: 5m, needs: {ops: 2}}
  - {id: u, system: c, duration: 5m, needs: {ops: 0}}
"#,
        );
        has(&s, "E040", "teams[0].capacity");
        has(&s, "E040", "zones[0].max_concurrent");
        has(&s, "E040", "systems[0].parallel_changes");
        has(&s, "E043", "services[0].weight");
        has(&s, "E043", "services[1].weight");
        has(&s, "E044", "clusters[0]");
        has(&s, "E045", "clusters[1].min_available");
        has(&s, "E045", "clusters[2].max_unavailable");
        has(&s, "E047", "clusters[3].members");
        has(&s, "E047", "clusters[4].members[1]");
        assert!(has(&s, "E042", "tasks[0].needs.ops")
            .message
            .contains("capacity is 1"));
        has(&s, "E041", "tasks[1].needs.ops");
    }

    #[test]
    fn cluster_leaving_no_member_to_patch() {
        let s = with(
            r#"systems: [{id: a}, {id: b}, {id: c}]
clusters:
  - {id: full, members: [a, b], min_available: 2}
  - {id: ok, members: [b, c], max_unavailable: 0}
tasks:
  - {id: p, cluster: full, duration: 5m}
  - {id: q, system: c, duration: 5m, outage: false}
"#,
        );
        let d = has(&s, "E046", "clusters[0].min_available");
        assert!(d.message.contains("p@a"), "{d}");
        // `ok` keeps all up, but c's task is online and b's is in `full`...
        let e = yaml(&s).unwrap_err();
        assert!(codes(&e).contains(&("E046", "clusters[1].max_unavailable".into())));
        // A cluster of two with one allowed down is fine.
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b], min_available: 1}]\ntasks: [{id: p, cluster: k, duration: 5m}]\n",
        ))
        .unwrap();
        // Keeping all up is fine when no member has an outage task.
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b], min_available: 2}]\ntasks: [{id: p, cluster: k, duration: 5m, outage: false}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn system_in_two_clusters_is_allowed() {
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b]}, {id: l, members: [a]}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn task_shape() {
        let s = with(
            r#"teams: [{id: dba, capacity: 1}]
systems: [{id: a}, {id: b}]
clusters: [{id: k, members: [a, b], max_unavailable: 1}]
tasks:
  - {id: none, duration: 5m}
  - {id: two, system: a, cluster: k, duration: 5m}
  - {id: both, system: a, duration: 5m, team: dba, needs: {dba: 1}}
  - {id: empty, systems: [], duration: 5m}
  - {id: dup, systems: [a, a], duration: 5m}
  - {id: zero, system: a, duration: 0m}
  - {id: neg, system: a, duration: -5m}
  - {id: lags, system: a, duration: 5m, after: [{task: none, lag: 30m, max_lag: 10m}]}
  - {id: self, system: a, duration: 5m, after: [self]}
  - {id: badlag, system: a, duration: 5m, after: [{task: none, lag: 10}]}
"#,
        );
        has(&s, "E050", "tasks[0]");
        has(&s, "E051", "tasks[1]");
        has(&s, "E052", "tasks[2]");
        has(&s, "E058", "tasks[3].systems");
        has(&s, "E058", "tasks[4].systems[1]");
        has(&s, "E053", "tasks[5].duration");
        has(&s, "E010", "tasks[6].duration");
        has(&s, "E054", "tasks[7].after[0].max_lag");
        has(&s, "E055", "tasks[8].after[0]");
        has(&s, "E010", "tasks[9].after[0].lag");
        // A 0m milestone without outage is fine.
        yaml(&with(
            "systems: [{id: a}]\ntasks: [{id: m, system: a, duration: 0m, outage: false}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn cycles_are_named_in_order() {
        let s = with(
            r#"systems: [{id: a}]
tasks:
  - {id: t0, system: a, duration: 5m, after: [t2]}
  - {id: t1, system: a, duration: 5m, after: [t0]}
  - {id: t2, system: a, duration: 5m, after: [t1]}
  - {id: free, system: a, duration: 5m, after: [t0]}
  - {id: x, system: a, duration: 5m, after: [y]}
  - {id: y, system: a, duration: 5m, after: [x]}
"#,
        );
        let d = has(&s, "E056", "tasks[0].after[0]");
        assert!(
            d.message.contains("`t0` after `t2` after `t1` after `t0`"),
            "{d}"
        );
        let d = has(&s, "E056", "tasks[4].after[0]");
        assert!(d.message.contains("`x` after `y` after `x`"), "{d}");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 2, "{e}");
    }

    #[test]
    fn task_longer_than_its_windows() {
        let s = with(
            r#"teams:
  - {id: vendor, capacity: 1, available: [2026-12-05T23:00/2026-12-06T00:00]}
systems: [{id: a}]
tasks:
  - {id: w, system: a, duration: 2h, windows: [2026-12-05T22:00/2026-12-05T23:00, 2026-12-06T01:00/2026-12-06T02:30]}
  - {id: v, system: a, duration: 61m, team: vendor}
  - {id: both, system: a, duration: 30m, team: vendor, windows: [2026-12-06T00:00/2026-12-06T03:00]}
  - {id: fits, system: a, duration: 1h, team: vendor, windows: [2026-12-05T22:00/2026-12-06T03:00]}
"#,
        );
        let d = has(&s, "E057", "tasks[0].duration");
        assert!(d.message.contains("1h30m"), "{d}");
        has(&s, "E057", "tasks[1].duration");
        has(&s, "E057", "tasks[2].duration");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 3, "{e}");
    }

    #[test]
    fn intervals_and_blackouts() {
        let s = with(
            r#"teams: [{id: t, capacity: 1, available: [2026-12-06T03:00/2026-12-06T01:00, nonsense]}]
blackouts: [{from: 2026-12-06T03:00, to: 2026-12-06T01:00}]
"#,
        );
        has(&s, "E013", "teams[0].available[0]");
        has(&s, "E013", "teams[0].available[1]");
        has(&s, "E013", "blackouts[0].to");
    }

    #[test]
    fn integrations_and_dr() {
        let s = with(
            r#"systems: [{id: a}, {id: b}]
dr: [{primary: a, standby: a}]
integrations:
  - {id: i, from: a, to: b, mode: async}
  - {id: j, from: a, to: b, mode: sync, tolerance: 5m}
  - {id: k, from: a, to: b, mode: sync, tolerance: 0m}
"#,
        );
        has(&s, "E065", "dr[0].standby");
        has(&s, "E060", "integrations[0]");
        has(&s, "E061", "integrations[1].tolerance");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 3, "{e}");
    }

    #[test]
    fn collects_everything_at_once() {
        let s = "window: { start: 2026-12-05T22:00, timezone: Nowhere/City }\n\
                 teams: [{id: a, capacity: 0}]\n\
                 tasks: [{id: t, duration: 5}]\n";
        let e = yaml(s).unwrap_err();
        let c: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            c.contains(&"E014")
                && c.contains(&"E040")
                && c.contains(&"E050")
                && c.contains(&"E010"),
            "{c:?}"
        );
    }

    #[test]
    fn minutes_read_as_written() {
        assert_eq!(fmt_minutes(90), "1h30m");
        assert_eq!(fmt_minutes(-10), "-10m");
    }

    #[test]
    fn many_problems_reported_together() {
        let s = r#"
window: { start: 2026-03-07T22:00, timezone: America/New_York, deadline: 2026-03-08T02:30 }
teams:
  - {id: dba, capacity: 1, available: [2026-03-07T23:00/2026-03-08T00:00]}
  - {id: "web ops", capacity: 0}
systems: [{id: web-1, zone: pcii, tags: [x]}, {id: web-2}, {id: db}]
clusters: [{id: web-tier, members: [web-1, web-2], min_available: 2}]
zones: [{id: pci, max_concurrent: 1}]
blackouts: [{from: 2026-03-08T01:00, to: 2026-03-08T00:00, scope: {tags: [y]}}]
services: [{id: s, requires: [web-teir], weight: -2}]
integrations: [{id: i, from: db, to: web-tier, mode: async}]
tasks:
  - {id: patch, cluster: web-tier, duration: 90, team: dbaa}
  - {id: schema, system: db, duration: 2h, needs: {dba: 2}, after: [patch, {task: smoke, lag: 10m, max_lag: 5m}]}
  - {id: smoke, system: db, duration: 0m, after: [schema, "pach@web-1"]}
  - {id: long, system: db, duration: 2h, team: dba}
"#;
        let e = load_str(s, Format::Yaml, "bad.yaml").unwrap_err();
        let got: Vec<(&str, &str)> = e
            .diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        let want = [
            ("E012", "window.deadline"),
            ("E021", "teams[1].id"),
            ("E040", "teams[1].capacity"),
            ("E013", "blackouts[0].to"),
            ("E037", "blackouts[0].scope.tags[0]"),
            ("E043", "services[0].weight"),
            ("E035", "services[0].requires[0]"),
            ("E060", "integrations[0]"),
            ("E010", "tasks[0].duration"),
            ("E030", "tasks[0].team"),
            ("E042", "tasks[1].needs.dba"),
            ("E054", "tasks[1].after[1].max_lag"),
            ("E053", "tasks[2].duration"),
            ("E034", "tasks[2].after[1]"),
            ("E056", "tasks[1].after[1]"),
            ("E046", "clusters[0].min_available"),
            ("E057", "tasks[3].duration"),
        ];
        assert_eq!(got, want, "{e}");
        for d in &e.diagnostics {
            assert!(!d.message.is_empty() && !d.hint.is_empty(), "{d}");
        }
    }

    #[test]
    fn yaml_11_booleans_are_not_ids_or_booleans() {
        let s = with(
            "systems: [{id: a}]\ntasks:\n  - {id: no, system: a, duration: 5m}\n  - {id: t, system: a, duration: 5m, after: [no]}\n",
        );
        let inv = yaml(&s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks[0].id, "no");
        assert_eq!(inv.tasks[1].after[0].task, 0);
        let e = yaml(&with(
            "systems: [{id: a}]\ntasks: [{id: t, system: a, duration: 5m, outage: no}]\n",
        ))
        .unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E005");
        assert!(e.diagnostics[0].hint.contains("`false`"), "{e}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            /// Mangling a valid inventory never panics: it either still loads
            /// or reports diagnostics, each with a code, message and hint.
            #[test]
            fn mangled_inventory_never_panics(
                edits in proptest::collection::vec((0usize..4000, "\\PC{0,3}"), 1..4)
            ) {
                let mut text = FULL.to_string();
                for (at, with) in &edits {
                    let mut at = at % text.len();
                    while !text.is_char_boundary(at) { at -= 1; }
                    let mut end = (at + with.len().max(1)).min(text.len());
                    while !text.is_char_boundary(end) { end -= 1; }
                    text.replace_range(at..end, with);
                }
                if let Err(e) = load_str(&text, Format::Yaml, "m.yaml") {
                    prop_assert!(!e.diagnostics.is_empty());
                    for d in &e.diagnostics {
                        prop_assert!(d.code.starts_with('E') && !d.message.is_empty() && !d.hint.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn blackouts_are_left_to_the_feasibility_check() {
        // A blackout that leaves no room makes the plan impossible (exit 1),
        // which the planner reports; the file itself is valid.
        let s = with(
            r#"systems: [{id: a, tags: [db]}, {id: b}]
clusters: [{id: k, members: [a, b], max_unavailable: 1}]
blackouts:
  - {from: 2026-12-05T23:00, to: 2026-12-06T01:00, scope: {tags: [db]}, reason: backups}
tasks:
  - {id: p, cluster: k, duration: 90m, windows: [2026-12-05T22:00/2026-12-06T02:00]}
"#,
        );
        assert!(yaml(&s).is_ok());
    }
}
