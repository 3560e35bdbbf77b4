//! Format 1.2 schema changes (`schema_changes:`), expanded into ordinary
//! tasks at the file-model level, before validation (DESIGN.md, "Format
//! 1.2", and its choices): each schema change becomes the tasks
//! `<id>.expand`, `<id>.backfill`, `<id>.cutover` (when given) and
//! `<id>.contract` on its database, its deploy task comes after the expand,
//! and the precedences of the rule table are written as `after` entries.
//! The contract carries `later_window_than: [<deploy>]` unless
//! `contract.same_window: true`; [`defer_later_window_tasks`] then leaves it
//! out of a window that holds the deploy (a single window: it waits for a
//! later one, warning W040).
//!
//! The expansion checks what only it knows (E140–E149: ids, database, app,
//! writers, deploy, teams); everything the generated tasks share with any
//! task (durations, team ids, blackouts, windows, cycles) is checked by the
//! ordinary validation, whose diagnostics on a generated task are put back
//! on the schema change's field by [`Origins::remap`].

use super::file::*;
use super::shape::Partial;
use super::suggest::suggest;
use super::{SchemaChange, SchemaStep};
use crate::error::Diagnostic;
use std::collections::{HashMap, HashSet};

/// Where each generated task, and each `after` entry added to a deploy
/// task, comes from: so that a diagnostic on it names the schema change's
/// field instead of a task the file does not have.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    /// Generated task id → (schema change index, step).
    generated: HashMap<String, (usize, SchemaStep)>,
    /// Deploy task index in the file → (its `after` length as written,
    /// schema change index).
    deploys: HashMap<usize, (usize, usize)>,
}

/// The file with its schema changes expanded into tasks.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// The file model with the generated tasks appended and the deploy
    /// tasks' `after` extended; `schema_changes` kept as written.
    pub file: InventoryFile,
    /// The problems only the expansion sees (E140–E149).
    pub diagnostics: Vec<Diagnostic>,
    /// Ids of generated tasks of schema changes that could not be
    /// expanded: a reference to one is not "unknown" (it is reported).
    pub broken_ids: Vec<String>,
    /// The schema changes that could not be expanded (indices into
    /// `schema_changes`): [`resolve`] leaves them out.
    pub broken: Vec<usize>,
    /// Where generated tasks come from.
    pub origins: Origins,
}

/// The ids of the file, for the checks of the expansion.
struct Lookup<'f> {
    systems: HashMap<&'f str, &'f SystemFile>,
    clusters: HashMap<&'f str, &'f ClusterFile>,
    tasks: HashMap<&'f str, usize>,
    /// Each system's activities: (file task index, activity id).
    on_system: HashMap<&'f str, Vec<(usize, String)>>,
    partial: &'f Partial,
}

impl<'f> Lookup<'f> {
    fn new(f: &'f InventoryFile, partial: &'f Partial) -> Self {
        let mut tasks = HashMap::new();
        for (i, t) in f.tasks.iter().enumerate() {
            tasks.entry(t.id.as_str()).or_insert(i);
        }
        let mut look = Lookup {
            systems: f.systems.iter().map(|s| (s.id.as_str(), s)).collect(),
            clusters: f.clusters.iter().map(|c| (c.id.as_str(), c)).collect(),
            tasks,
            on_system: HashMap::new(),
            partial,
        };
        let mut on_system: HashMap<&'f str, Vec<(usize, String)>> = HashMap::new();
        for (i, t) in f.tasks.iter().enumerate() {
            for (s, id) in look.task_systems(t) {
                on_system.entry(s).or_default().push((i, id));
            }
        }
        look.on_system = on_system;
        look
    }

    /// Whether `id` may name something left out by the shape pass.
    fn excused(&self, kind: &str, id: &str) -> bool {
        self.partial.excuses(kind, id)
    }

    /// " did you mean `x`?" when a system id is close.
    fn close_system(&self, id: &str) -> String {
        match suggest(id, self.systems.keys().copied()) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        }
    }

    /// The systems a task runs on, with the id naming the activity on each
    /// (`task@member` for a cluster task).
    fn task_systems(&self, t: &'f TaskFile) -> Vec<(&'f str, String)> {
        let mut out = Vec::new();
        if let Some(s) = &t.system {
            out.push((s.as_str(), t.id.clone()));
        }
        for s in t.systems.iter().flatten() {
            out.push((s.as_str(), t.id.clone()));
        }
        if let Some(c) = t.cluster.as_deref().and_then(|c| self.clusters.get(c)) {
            for m in &c.members {
                out.push((m.as_str(), format!("{}@{m}", t.id)));
            }
        }
        out
    }
}

/// Expands every schema change of `f` (see the module documentation).
pub fn expand(f: &InventoryFile, partial: &Partial) -> Expanded {
    let mut out = Expanded {
        file: f.clone(),
        diagnostics: Vec::new(),
        broken_ids: Vec::new(),
        broken: Vec::new(),
        origins: Origins::default(),
    };
    if f.schema_changes.is_empty() {
        return out;
    }
    let look = Lookup::new(f, partial);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, sc) in f.schema_changes.iter().enumerate() {
        let before = out.diagnostics.len();
        check_id(&look, &mut seen, i, sc, &mut out.diagnostics);
        let database = check_database(&look, i, sc, &mut out.diagnostics);
        let app = check_app(&look, i, sc, &mut out.diagnostics);
        let deploy = check_deploy(&look, f, i, sc, &app, &mut out.diagnostics);
        check_teams(i, sc, &mut out.diagnostics);
        let writer_tasks = writers(&look, f, i, sc, database, &mut out.diagnostics);
        if out.diagnostics.len() > before || database.is_none() || deploy.is_none() {
            out.broken_ids.extend(
                SchemaStep::ALL
                    .iter()
                    .map(|s| format!("{}.{}", sc.id, s.name())),
            );
            out.broken.push(i);
            continue;
        }
        let d = deploy.expect("checked above");
        out.origins
            .deploys
            .entry(d)
            .or_insert((f.tasks[d].after.len(), i));
        out.file.tasks[d]
            .after
            .push(plain_after(&step_id(sc, SchemaStep::Expand)));
        for (step, task) in generated(sc, writer_tasks) {
            out.origins.generated.insert(task.id.clone(), (i, step));
            out.file.tasks.push(task);
        }
    }
    out
}

/// `<id>.<step>`.
fn step_id(sc: &SchemaChangeFile, step: SchemaStep) -> String {
    format!("{}.{}", sc.id, step.name())
}

fn plain_after(task: &str) -> AfterFile {
    AfterFile {
        task: task.to_string(),
        lag: None,
        max_lag: None,
        same_member: false,
        even_if: None,
    }
}

/// The runbook's backout text of each step (DESIGN.md: before the
/// contract, backing out is redeploying the old code; the contract is the
/// point of no return).
fn rollback_text(sc: &SchemaChangeFile, step: SchemaStep) -> String {
    match step {
        SchemaStep::Contract => format!(
            "point of no return of schema change {}: once the old shape is dropped the old code cannot run; backing out is a database restore",
            sc.id
        ),
        _ => format!(
            "before the contract of schema change {}, back out by redeploying the old code ({}); no restore is needed",
            sc.id, sc.deploy
        ),
    }
}

/// The tasks of one schema change, valid by the checks above.
fn generated(sc: &SchemaChangeFile, writer_tasks: Vec<String>) -> Vec<(SchemaStep, TaskFile)> {
    let task = |step: SchemaStep,
                duration: &DurationSpec,
                team: &Option<String>,
                needs: &Option<NeedsFile>,
                title: &Option<String>,
                notes: &Option<String>| {
        TaskFile {
            id: step_id(sc, step),
            system: Some(sc.database.clone()),
            systems: None,
            cluster: None,
            duration: Some(duration.clone()),
            outage: Some(step == SchemaStep::Cutover),
            team: team.clone(),
            needs: needs.clone(),
            after: Vec::new(),
            windows: None,
            backout: None,
            optional: false,
            title: title.clone().or_else(|| {
                Some(format!(
                    "{}: {} ({})",
                    sc.title.as_deref().unwrap_or(&sc.id),
                    step.name(),
                    describe(step)
                ))
            }),
            change: sc.change.clone(),
            owner: sc.owner.clone(),
            contact: None,
            notes: notes.clone(),
            rollback: Some(rollback_text(sc, step)),
            steps: None,
            canary: None,
            read_only: false,
            down: Vec::new(),
            later_window_than: Vec::new(),
            // Any window of a campaign: the steps' `after` and the contract's
            // `later_window_than` order them among the windows.
            windows_allowed: None,
            in_window: None,
        }
    };
    let mut out = Vec::new();
    let e = &sc.expand;
    let mut expand = task(
        SchemaStep::Expand,
        &e.duration,
        &e.team,
        &e.needs,
        &e.title,
        &e.notes,
    );
    expand.after = sc.after.clone();
    out.push((SchemaStep::Expand, expand));
    let b = &sc.backfill;
    let mut backfill = task(
        SchemaStep::Backfill,
        &b.duration,
        &b.team,
        &b.needs,
        &b.title,
        &b.notes,
    );
    backfill.after.push(plain_after(&sc.deploy));
    backfill
        .after
        .extend(writer_tasks.iter().map(|w| plain_after(w)));
    out.push((SchemaStep::Backfill, backfill));
    let k = &sc.contract;
    let mut contract = task(
        SchemaStep::Contract,
        &k.duration,
        &k.team,
        &k.needs,
        &k.title,
        &k.notes,
    );
    contract
        .after
        .push(plain_after(&step_id(sc, SchemaStep::Backfill)));
    if let Some(c) = &sc.cutover {
        // The cutover's team: its own, else the contract's (the DBA who
        // finishes the change).
        let (team, needs) = if c.team.is_some() || c.needs.is_some() {
            (c.team.clone(), c.needs.clone())
        } else {
            (k.team.clone(), k.needs.clone())
        };
        let mut cut = task(
            SchemaStep::Cutover,
            &c.duration,
            &team,
            &needs,
            &c.title,
            &c.notes,
        );
        cut.after
            .push(plain_after(&step_id(sc, SchemaStep::Backfill)));
        contract.after.push(plain_after(&cut.id));
        out.push((SchemaStep::Cutover, cut));
    }
    if !k.same_window {
        contract.later_window_than.push(sc.deploy.clone());
    }
    out.push((SchemaStep::Contract, contract));
    out
}

/// What a step does, in a few words (the generated task's title).
fn describe(step: SchemaStep) -> &'static str {
    match step {
        SchemaStep::Expand => "additive DDL, online",
        SchemaStep::Backfill => "online copy of the old data",
        SchemaStep::Cutover => "blocking swap: the database is down",
        SchemaStep::Contract => "drop the old shape: point of no return",
    }
}

/// E140 (id empty, malformed or repeated), E141 (a generated id clashes
/// with a task).
fn check_id<'f>(
    look: &Lookup<'f>,
    seen: &mut HashMap<&'f str, usize>,
    i: usize,
    sc: &'f SchemaChangeFile,
    diags: &mut Vec<Diagnostic>,
) {
    let path = format!("schema_changes[{i}].id");
    if sc.id.is_empty()
        || sc.id.contains(['@'])
        || sc
            .id
            .chars()
            .any(|c| c.is_whitespace() || crate::base::text::is_hidden_char(c))
    {
        diags.push(Diagnostic::new(
            "E140",
            path,
            format!("schema change id {:?} is empty or contains `@`, whitespace or an invisible character", sc.id),
            "use letters, digits, `-`, `_`, `.` or `:`, e.g. `orders-v43`",
        ));
        return;
    }
    if let Some(first) = seen.insert(sc.id.as_str(), i) {
        diags.push(Diagnostic::new(
            "E140",
            path,
            format!(
                "duplicate schema change id `{}`: already used by schema_changes[{first}]",
                sc.id
            ),
            "give each schema change its own id",
        ));
        return;
    }
    let mut clash = |id: &str, why: &str| {
        if let Some(&t) = look.tasks.get(id) {
            diags.push(Diagnostic::new(
                "E141",
                format!("schema_changes[{i}].id"),
                format!("schema change `{}` would generate the task id `{id}`, but tasks[{t}] already has {why}", sc.id),
                "rename the schema change or the task: a schema change's steps are the tasks `<id>.expand`, `<id>.backfill`, `<id>.cutover` and `<id>.contract`",
            ));
        }
    };
    clash(
        &sc.id,
        "that id (its steps would be named like the schema change's)",
    );
    for s in SchemaStep::ALL {
        clash(&step_id(sc, s), "it");
    }
}

/// E142: the database is a known system we may change.
fn check_database<'f>(
    look: &Lookup<'f>,
    i: usize,
    sc: &'f SchemaChangeFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'f str> {
    let path = format!("schema_changes[{i}].database");
    let id = sc.database.as_str();
    match look.systems.get(id) {
        Some(s) if s.external => {
            diags.push(Diagnostic::new(
                "E142",
                path,
                format!("database `{id}` is an external system: no task of ours may change it"),
                "name the database the DDL runs on, one of ours (a system without `external: true`)",
            ));
            None
        }
        Some(_) => Some(id),
        None if look.clusters.contains_key(id) => {
            diags.push(Diagnostic::new(
                "E142",
                path,
                format!("database `{id}` is a cluster, not a system"),
                "name the one system the DDL runs on (a DR standby follows by replication)",
            ));
            None
        }
        None => {
            if !look.excused("system", id) {
                diags.push(Diagnostic::new(
                    "E142",
                    path,
                    format!("unknown database system `{id}`"),
                    format!("define it under `systems:`{}", look.close_system(id)),
                ));
            }
            None
        }
    }
}

/// E143: the app is a cluster (its members), a system, or a non-empty
/// list of systems; returns the member ids.
fn check_app<'f>(
    look: &Lookup<'f>,
    i: usize,
    sc: &'f SchemaChangeFile,
    diags: &mut Vec<Diagnostic>,
) -> Vec<&'f str> {
    let path = format!("schema_changes[{i}].app");
    let named: Vec<(String, &'f str)> = match &sc.app {
        AppFile::One(id) => {
            if let Some(c) = look.clusters.get(id.as_str()) {
                return c.members.iter().map(|m| m.as_str()).collect();
            }
            vec![(path.clone(), id.as_str())]
        }
        AppFile::Systems(list) => {
            if list.is_empty() {
                diags.push(Diagnostic::new(
                    "E143",
                    path,
                    "the app of the schema change is an empty list",
                    "name the cluster, or the systems, whose code reads and writes the schema",
                ));
                return Vec::new();
            }
            list.iter()
                .enumerate()
                .map(|(k, s)| (format!("{path}[{k}]"), s.as_str()))
                .collect()
        }
    };
    let mut out = Vec::new();
    for (p, id) in named {
        if look.systems.contains_key(id) {
            out.push(id);
        } else if look.clusters.contains_key(id) {
            diags.push(Diagnostic::new(
                "E143",
                p,
                format!("app `{id}` is a cluster inside a list"),
                format!("write `app: {id}` for the whole cluster, or list its members one by one"),
            ));
        } else if !look.excused("system or cluster", id) {
            diags.push(Diagnostic::new(
                "E143",
                p,
                format!("unknown app system or cluster `{id}`"),
                format!(
                    "name the cluster or systems whose code reads and writes the schema{}",
                    look.close_system(id)
                ),
            ));
        }
    }
    out
}

/// E146 (unknown deploy task), E147 (it does not run on every app
/// member); returns the deploy task's index.
fn check_deploy(
    look: &Lookup,
    f: &InventoryFile,
    i: usize,
    sc: &SchemaChangeFile,
    app: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let path = format!("schema_changes[{i}].deploy");
    let Some(&d) = look.tasks.get(sc.deploy.as_str()) else {
        if !look.excused("task", &sc.deploy) {
            let hint = match suggest(&sc.deploy, look.tasks.keys().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name the task (under `tasks:`) that moves the app to the code that reads both shapes".to_string(),
            };
            diags.push(Diagnostic::new(
                "E146",
                path,
                format!("unknown deploy task `{}`", sc.deploy),
                hint,
            ));
        }
        return None;
    };
    let on: HashSet<&str> = look
        .task_systems(&f.tasks[d])
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let missing: Vec<&str> = app.iter().copied().filter(|m| !on.contains(m)).collect();
    if !missing.is_empty() {
        diags.push(Diagnostic::new(
            "E147",
            path,
            format!(
                "deploy task `{}` does not run on app member(s) {}",
                sc.deploy,
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
            "the deploy must move every app member to the new code: give it `cluster:` (or `systems:`) covering the app, or name the right task",
        ));
        return None;
    }
    Some(d)
}

/// E148: expand, backfill and contract each need a team (`team` or
/// `needs`); the cutover takes the contract's when it names none.
fn check_teams(i: usize, sc: &SchemaChangeFile, diags: &mut Vec<Diagnostic>) {
    let steps = [
        (
            "expand",
            sc.expand.team.is_some() || sc.expand.needs.is_some(),
        ),
        (
            "backfill",
            sc.backfill.team.is_some() || sc.backfill.needs.is_some(),
        ),
        (
            "contract",
            sc.contract.team.is_some() || sc.contract.needs.is_some(),
        ),
    ];
    for (name, has) in steps {
        if !has {
            diags.push(Diagnostic::new(
                "E148",
                format!("schema_changes[{i}].{name}"),
                format!("the {name} of schema change `{}` names no team", sc.id),
                format!(
                    "give it the team that runs it, e.g. `{name}: {{ duration: 20m, team: dba }}`"
                ),
            ));
        }
    }
}

/// E144 (a writer that is unknown, a cluster or the database), E145 (a
/// writer with no task: nothing moves it to the new code); returns the ids
/// of every activity on a writer, which the backfill waits for.
fn writers(
    look: &Lookup,
    f: &InventoryFile,
    i: usize,
    sc: &SchemaChangeFile,
    database: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (k, w) in sc.writers.iter().enumerate() {
        let path = format!("schema_changes[{i}].writers[{k}]");
        if !look.systems.contains_key(w.as_str()) {
            let msg = if look.clusters.contains_key(w.as_str()) {
                format!("writer `{w}` is a cluster, not a system")
            } else if look.excused("system", w) {
                continue;
            } else {
                format!("unknown writer system `{w}`")
            };
            diags.push(Diagnostic::new(
                "E144",
                path,
                msg,
                format!(
                    "list the systems (not clusters) besides the app that write the schema{}",
                    look.close_system(w)
                ),
            ));
            continue;
        }
        if Some(w.as_str()) == database {
            diags.push(Diagnostic::new(
                "E144",
                path,
                format!("writer `{w}` is the schema change's database"),
                "list the other systems whose code writes the schema (batch hosts, ETL), not the database",
            ));
            continue;
        }
        let mut found = false;
        for (t, id) in look.on_system.get(w.as_str()).into_iter().flatten() {
            found = true;
            if f.tasks[*t].id != sc.deploy && seen.insert(id.as_str()) {
                out.push(id.clone());
            }
        }
        if !found {
            diags.push(Diagnostic::new(
                "E145",
                path,
                format!("writer `{w}` has no task: nothing in this window moves it to the new code"),
                format!("add the task that deploys the new code to `{w}` (the backfill waits for every task on a writer), or drop `{w}` from `writers` if it already runs the new code"),
            ));
        }
    }
    out
}

/// Leaves out of `file` every task that must run in a later window than a
/// task the file holds (`later_window_than`), and returns their ids with the
/// task each waits for. A task that waits (`after`) for one left out is
/// refused by E149 in [`resolve`]. Only generated tasks carry
/// `later_window_than`, and they come last, so no written task moves.
pub fn defer_later_window_tasks(file: &mut InventoryFile) -> Vec<(String, String)> {
    let ids: HashSet<String> = file.tasks.iter().map(|t| t.id.clone()).collect();
    let mut deferred = Vec::new();
    file.tasks.retain(
        |t| match t.later_window_than.iter().find(|x| ids.contains(*x)) {
            Some(x) => {
                deferred.push((t.id.clone(), x.clone()));
                false
            }
            None => true,
        },
    );
    deferred
}

impl Origins {
    /// A diagnostic's path and message with every generated task's path
    /// (`tasks[k]…`, `k` an index of `tasks` in the expanded file) put on
    /// the schema change's field, and every added `after` entry of a deploy
    /// task on the schema change's `deploy`.
    pub fn remap(&self, file: &InventoryFile, mut d: Diagnostic) -> Diagnostic {
        if self.generated.is_empty() {
            return d;
        }
        d.path = self.remap_text(file, &d.path);
        d.message = self.remap_text(file, &d.message);
        d
    }

    fn remap_text(&self, file: &InventoryFile, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(p) = rest.find("tasks[") {
            let word = p == 0 || !rest[..p].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            out.push_str(&rest[..p]);
            let after = &rest[p + 6..];
            let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
            let index = after[..digits]
                .parse::<usize>()
                .ok()
                .filter(|_| word && after[digits..].starts_with(']'));
            let Some(k) = index else {
                out.push_str("tasks[");
                rest = after;
                continue;
            };
            let tail = &after[digits + 1..];
            let (text, used) = self.one(file, k, tail);
            out.push_str(&text);
            rest = &tail[used..];
        }
        out.push_str(rest);
        out
    }

    /// `tasks[k]` followed by `tail`: the replacement and how much of
    /// `tail` it took.
    fn one(&self, file: &InventoryFile, k: usize, tail: &str) -> (String, usize) {
        let plain = (format!("tasks[{k}]"), 0);
        let Some(t) = file.tasks.get(k) else {
            return plain;
        };
        if let Some(&(i, step)) = self.generated.get(&t.id) {
            let base = format!("schema_changes[{i}].{}", step.name());
            if tail.starts_with(".system") {
                return (format!("schema_changes[{i}].database"), ".system".len());
            }
            if let Some(r) = tail.strip_prefix(".after[") {
                let close = r.find(']').map_or(0, |c| c + 1);
                // The expand's `after` is the schema change's own, as
                // written; any other is generated: the step itself.
                if step == SchemaStep::Expand && !file.schema_changes[i].after.is_empty() {
                    return (format!("schema_changes[{i}]"), 0);
                }
                return (base, ".after[".len() + close);
            }
            return (base, 0);
        }
        if let Some(&(written, i)) = self.deploys.get(&k) {
            if let Some(r) = tail.strip_prefix(".after[") {
                let digits = r.chars().take_while(|c| c.is_ascii_digit()).count();
                if r[..digits].parse::<usize>().is_ok_and(|j| j >= written)
                    && r[digits..].starts_with(']')
                {
                    return (format!("schema_changes[{i}].deploy"), 7 + digits + 1);
                }
            }
        }
        plain
    }
}

/// The resolved schema changes of a validated file (those at the indices
/// in `broken`, which could not be expanded, left out), and E149 for a
/// task that waits for a step left for a later window. `systems` resolves
/// a system id to its index.
pub fn resolve(
    file: &InventoryFile,
    deferred: &[(String, String)],
    broken: &[usize],
    systems: impl Fn(&str) -> Option<usize>,
) -> (Vec<SchemaChange>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let deferred_ids: HashSet<&str> = deferred.iter().map(|(t, _)| t.as_str()).collect();
    for (i, t) in file.tasks.iter().enumerate() {
        for (j, a) in t.after.iter().enumerate() {
            let head = a.task.split('@').next().unwrap_or_default();
            if deferred_ids.contains(head) {
                diags.push(Diagnostic::new(
                    "E149",
                    format!("tasks[{i}].after[{j}]"),
                    format!("task `{}` waits for `{}`, which runs in a later window than this one (`contract.same_window` is false)", t.id, a.task),
                    "set `contract: { same_window: true, ... }` to run the contract tonight, or move this task to the window that runs the contract",
                ));
            }
        }
    }
    let clusters: HashMap<&str, &ClusterFile> =
        file.clusters.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out = Vec::new();
    for (i, sc) in file.schema_changes.iter().enumerate() {
        if broken.contains(&i) {
            continue;
        }
        let app_ids: Vec<&str> = match &sc.app {
            AppFile::One(id) => match clusters.get(id.as_str()) {
                Some(c) => c.members.iter().map(|m| m.as_str()).collect(),
                None => vec![id.as_str()],
            },
            AppFile::Systems(list) => list.iter().map(|s| s.as_str()).collect(),
        };
        let (Some(database), Some(app), Some(writers)) = (
            systems(&sc.database),
            app_ids
                .iter()
                .map(|s| systems(s))
                .collect::<Option<Vec<_>>>(),
            sc.writers
                .iter()
                .map(|s| systems(s))
                .collect::<Option<Vec<_>>>(),
        ) else {
            continue;
        };
        let contract = step_id(sc, SchemaStep::Contract);
        out.push(SchemaChange {
            id: sc.id.clone(),
            database,
            app,
            writers,
            deploy: sc.deploy.clone(),
            cutover: sc.cutover.is_some(),
            same_window: sc.contract.same_window,
            contract_deferred: deferred_ids.contains(contract.as_str()),
            contract_window: None,
        });
    }
    (out, diags)
}
