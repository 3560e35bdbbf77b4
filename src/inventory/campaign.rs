//! Format 1.2 campaigns: one inventory planned over several windows
//! (DESIGN.md, "Format 1.2"). A campaign file gives `campaign:` instead of
//! `window:`; its windows are listed (`{id, start, deadline}`) or recurring
//! (`{every, first, length, count}`, ids by date), and its tasks may give
//! `windows_allowed` or `in_window`.
//!
//! Everything here is a pure file-model transformation and its validation:
//! [`load_campaign_str`] reads and validates the campaign as a whole (the
//! ordinary 1.1 validation with a window spanning the campaign, plus the
//! campaign's own rules, codes E150–E156), and [`Campaign::window_inventory`]
//! gives the inventory of one window for the tasks assigned to it: `window:`
//! := that window, those tasks, their `after` entries naming tasks of other
//! windows left out (the campaign level verifies those), then the ordinary
//! validation. Each window is then compiled, solved and checked unchanged.
//!
//! Assignment is per file task: a task with steps or on a cluster runs whole
//! in one window, and tasks linked by an `after` with `max_lag` (a lag chain)
//! share one window.

use super::file::{InventoryFile, Text, WindowFile};
use super::load::{check_limits, may_be_campaign, parse_value, place_in, Format, Limits};
use super::schema_changes;
use super::shape::Partial;
use super::suggest::suggest;
use super::time::{self, TimeError};
use super::validate::validate;
use super::{Inventory, SchemaChange, SchemaStep};
use crate::base::Time;
use crate::error::{Diagnostic, InputError};
use jiff::ZonedDateTime;
use serde::Deserialize;
use std::collections::HashMap;

/// The most windows a campaign may have.
pub const MAX_WINDOWS: usize = 400;

/// The `campaign:` section as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSectionFile {
    /// IANA timezone of every window.
    pub timezone: String,
    /// The windows: listed or recurring entries.
    pub windows: Vec<CampaignWindowFile>,
    /// Lexicographic objective: `windows` or `last_window`, `downtime`, `length`.
    #[serde(default)]
    pub objective: Option<Vec<String>>,
    /// Optional title of the campaign, shown in every report.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional change reference of the campaign.
    #[serde(default)]
    pub change: Option<String>,
}

/// One entry of `campaign.windows`: a listed window (`id`, `start`,
/// `deadline`) or a recurring series (`every`, `first`, `length`, `count`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignWindowFile {
    /// Listed: the window's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Listed: local start time.
    #[serde(default)]
    pub start: Option<Text>,
    /// Listed: local time by which every task of the window ends.
    #[serde(default)]
    pub deadline: Option<Text>,
    /// Recurring: the step between two windows (`7d`; whole days step by
    /// calendar days, so a window stays at 22:00 local across a DST change).
    #[serde(default)]
    pub every: Option<Text>,
    /// Recurring: local start of the first window.
    #[serde(default)]
    pub first: Option<Text>,
    /// Recurring: length of each window (`8h`).
    #[serde(default)]
    pub length: Option<Text>,
    /// Recurring: how many windows.
    #[serde(default)]
    pub count: Option<i64>,
    /// Optional title of the window(s).
    #[serde(default)]
    pub title: Option<String>,
    /// Optional change reference of the window(s).
    #[serde(default)]
    pub change: Option<String>,
}

/// One key of the campaign's lexicographic objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignObjective {
    /// The number of windows used.
    Windows,
    /// The latest window used (its position in time).
    LastWindow,
    /// Weighted downtime, summed over the windows.
    Downtime,
    /// Window lengths, summed over the windows used.
    Length,
}

impl CampaignObjective {
    /// The key as written.
    pub fn name(self) -> &'static str {
        match self {
            CampaignObjective::Windows => "windows",
            CampaignObjective::LastWindow => "last_window",
            CampaignObjective::Downtime => "downtime",
            CampaignObjective::Length => "length",
        }
    }
}

/// One resolved window of a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignWindow {
    /// Its id (as listed, or the start date `YYYY-MM-DD` of a recurring one).
    pub id: String,
    /// Its start, a local time with offset (exact, also in a repeated hour).
    pub start: String,
    /// Its deadline, a local time with offset.
    pub deadline: String,
    /// Start, in minutes from the campaign origin (the first window's start).
    pub start_minute: Time,
    /// Deadline, in minutes from the campaign origin.
    pub end_minute: Time,
    /// Title (the window's, else the campaign's).
    pub title: Option<String>,
    /// Change reference (the window's, else the campaign's).
    pub change: Option<String>,
}

impl CampaignWindow {
    /// The window's length in minutes.
    pub fn length(&self) -> Time {
        self.end_minute - self.start_minute
    }
}

/// What the campaign says of one file task.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CampaignTask {
    /// The task id as written.
    pub id: String,
    /// Windows it may use (indices into [`Campaign::windows`]), from
    /// `windows_allowed` / `in_window`; every window when neither is given.
    pub domain: Vec<usize>,
    /// `in_window` was given.
    pub pinned: bool,
    /// File tasks it runs after (`after`, through expanded ids too): in an
    /// earlier window, or in the same one (and then checked there).
    pub after: Vec<usize>,
    /// File tasks linked to it by an `after` with `max_lag` (either way):
    /// they share its window.
    pub same_window: Vec<usize>,
    /// File tasks it must follow in a strictly later window
    /// ([`super::file::TaskFile::later_window_than`]).
    pub later_than: Vec<usize>,
}

/// A validated campaign.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The timezone of every window.
    pub timezone: String,
    /// The campaign's title and change reference.
    pub title: Option<String>,
    /// The campaign's change reference.
    pub change: Option<String>,
    /// The windows, sorted by start, disjoint.
    pub windows: Vec<CampaignWindow>,
    /// The lexicographic objective.
    pub objective: Vec<CampaignObjective>,
    /// The file model (its `window` spans the campaign; the tasks keep
    /// `windows_allowed`, `in_window` and `later_window_than` as read).
    /// Its `schema_changes` are already expanded into tasks (the generated
    /// steps follow the written tasks) and kept as written for reading
    /// only: nothing expands them again.
    pub file: InventoryFile,
    /// The whole campaign validated as one inventory whose window opens at
    /// the first window's start (no deadline): every time in minutes from
    /// that origin.
    pub whole: Inventory,
    /// Per file task, what the campaign says of it (file order).
    pub tasks: Vec<CampaignTask>,
    /// File ids and expanded ids to the file task they belong to.
    names: HashMap<String, usize>,
}

/// File tasks that must share one window: each task with the tasks linked
/// to it by lag chains (`same_window`, transitively). Units are numbered in
/// the order of their least member; members are ascending.
#[derive(Debug, Clone)]
pub struct LagUnits {
    /// The unit of each file task.
    pub of: Vec<usize>,
    /// The file tasks of each unit.
    pub members: Vec<Vec<usize>>,
}

impl Campaign {
    /// The lag-chain units of the file tasks (a union-find over `same_window`).
    pub fn lag_units(&self) -> LagUnits {
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let n = self.tasks.len();
        let mut parent: Vec<usize> = (0..n).collect();
        for (i, t) in self.tasks.iter().enumerate() {
            for &j in &t.same_window {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
        let mut id: HashMap<usize, usize> = HashMap::new();
        let mut of = Vec::with_capacity(n);
        let mut members: Vec<Vec<usize>> = Vec::new();
        for i in 0..n {
            let r = find(&mut parent, i);
            let u = *id.entry(r).or_insert_with(|| {
                members.push(Vec::new());
                members.len() - 1
            });
            of.push(u);
            members[u].push(i);
        }
        LagUnits { of, members }
    }

    /// Index of a window by id.
    pub fn window_index(&self, id: &str) -> Option<usize> {
        self.windows.iter().position(|w| w.id == id)
    }

    /// Index of a file task by id.
    pub fn task_index(&self, id: &str) -> Option<usize> {
        self.file
            .tasks
            .get(*self.names.get(id)?)
            .filter(|t| t.id == id)?;
        self.names.get(id).copied()
    }

    /// The file model of window `w` holding the file tasks `members`
    /// (indices, any order): `window:` is that window, the tasks are those
    /// (in file order), `after` entries naming tasks of other windows are
    /// left out, and the campaign-only fields are cleared.
    pub fn window_file(&self, w: usize, members: &[usize]) -> InventoryFile {
        let win = &self.windows[w];
        let mut keep = vec![false; self.tasks.len()];
        for &t in members {
            if let Some(k) = keep.get_mut(t) {
                *k = true;
            }
        }
        let mut f = self.file.clone();
        // Expanded once for the campaign: the window's file holds the steps
        // assigned to it as plain tasks.
        f.schema_changes.clear();
        f.window = WindowFile {
            start: Text(win.start.clone()),
            timezone: self.timezone.clone(),
            deadline: Some(Text(win.deadline.clone())),
            title: win.title.clone(),
            change: win.change.clone(),
        };
        let tasks = std::mem::take(&mut f.tasks);
        f.tasks = tasks
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(_, mut t)| {
                // `after` entries naming tasks of other windows are left out.
                t.after
                    .retain(|a| self.parent_of(&a.task).is_none_or(|p| keep[p]));
                t.windows_allowed = None;
                t.in_window = None;
                t.later_window_than.clear();
                t
            })
            .collect();
        f
    }

    /// The validated inventory of window `w` with the file tasks `members`.
    /// Its `schema_changes` are those of the campaign with a step (or
    /// the deploy) among these tasks, each with `contract_deferred` when
    /// its contract is in another window (see [`Campaign::place_contracts`]
    /// for the window's id).
    pub fn window_inventory(&self, w: usize, members: &[usize]) -> Result<Inventory, InputError> {
        let mut inv =
            validate(&self.window_file(w, members)).map_err(|diagnostics| InputError {
                source: format!("window {}", self.windows[w].id),
                diagnostics,
            })?;
        inv.schema_changes = self.schema_changes_of_window(&inv);
        Ok(inv)
    }

    /// The campaign's schema changes that have a step or a deploy activity
    /// among the tasks of `inv` (a window's inventory), with system indices
    /// of `inv` and `contract_deferred` when the contract is not there.
    fn schema_changes_of_window(&self, inv: &Inventory) -> Vec<SchemaChange> {
        let here = |id: &str| inv.tasks.iter().any(|t| t.id == id || t.parent == id);
        let system = |s: usize| {
            let id = &self.whole.systems[s].id;
            inv.systems.iter().position(|x| &x.id == id)
        };
        let mut out = Vec::new();
        for sc in &self.whole.schema_changes {
            let mut steps = vec![sc.deploy.clone()];
            steps.extend(SchemaStep::ALL.map(|s| sc.step_id(s)));
            if !steps.iter().any(|s| here(s)) {
                continue;
            }
            let (Some(database), Some(app), Some(writers)) = (
                system(sc.database),
                sc.app
                    .iter()
                    .map(|&s| system(s))
                    .collect::<Option<Vec<_>>>(),
                sc.writers
                    .iter()
                    .map(|&s| system(s))
                    .collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            out.push(SchemaChange {
                database,
                app,
                writers,
                contract_deferred: !here(&sc.step_id(SchemaStep::Contract)),
                ..sc.clone()
            });
        }
        out
    }

    /// Names, in each window's inventory, the window that runs a contract
    /// held elsewhere (`SchemaChange::contract_window`), from the whole
    /// assignment: `window_of[t]` is file task `t`'s window.
    pub fn place_contracts(&self, inv: &mut Inventory, window_of: &[Option<usize>]) {
        for sc in &mut inv.schema_changes {
            if !sc.contract_deferred {
                continue;
            }
            let w = self
                .task_index(&sc.step_id(SchemaStep::Contract))
                .and_then(|t| window_of.get(t).copied().flatten());
            sc.contract_window = w.map(|w| self.windows[w].id.clone());
        }
    }

    /// The file task an `after` entry (or a `later_window_than` name)
    /// belongs to: a file task id, an expanded id (`t@m`, `t.s`, `t.s@m`).
    pub fn parent_of(&self, name: &str) -> Option<usize> {
        parent_of(&self.names, name)
    }
}

fn parent_of(names: &HashMap<String, usize>, name: &str) -> Option<usize> {
    if let Some(&i) = names.get(name) {
        return Some(i);
    }
    let base = name.rsplit_once('@').map_or(name, |(b, _)| b);
    if let Some(&i) = names.get(base) {
        return Some(i);
    }
    let base = base.rsplit_once('.').map_or(base, |(b, _)| b);
    names.get(base).copied()
}

/// File ids and expanded ids to the file task they belong to.
fn names_of(whole: &Inventory, file: &InventoryFile) -> HashMap<String, usize> {
    let mut m: HashMap<String, usize> = HashMap::new();
    for t in &whole.tasks {
        m.insert(t.id.clone(), t.source);
    }
    for (i, t) in file.tasks.iter().enumerate() {
        m.insert(t.id.clone(), i);
    }
    m
}

fn diag(
    code: &'static str,
    path: impl Into<String>,
    msg: impl Into<String>,
    hint: &str,
) -> Diagnostic {
    Diagnostic::new(code, path, msg, hint)
}

/// Reads and validates a campaign file given as text; `Ok(None)` when the
/// text is no campaign (no `campaign:` key, or not readable: the ordinary
/// loader then reads it). A text that cannot hold the key
/// ([`may_be_campaign`]) is not parsed here.
pub fn load_campaign_str(
    text: &str,
    format: Format,
    source: &str,
    limits: &Limits,
) -> Result<Option<Campaign>, InputError> {
    if !may_be_campaign(text) {
        return Ok(None);
    }
    let Ok(serde_json::Value::Object(mut doc)) = parse_value(text, format) else {
        return Ok(None);
    };
    let Some(section) = doc.remove("campaign") else {
        return Ok(None);
    };
    let fail = |diags: Vec<Diagnostic>| InputError {
        source: source.to_string(),
        diagnostics: place_in(text, format, diags),
    };
    if doc.contains_key("window") {
        return Err(fail(vec![diag(
            "E150",
            "window",
            "the file gives both `window:` and `campaign:`",
            "give `window:` for one window, or `campaign:` with its `windows` for several; not both",
        )]));
    }
    let section: CampaignSectionFile = serde_json::from_value(section).map_err(|e| {
        fail(vec![diag(
            "E151",
            "campaign",
            format!("`campaign` does not fit its format: {e}"),
            "write `campaign: { timezone, windows: [{id, start, deadline} or {every, first, length, count}], objective }`",
        )])
    })?;
    let (windows, diags) = resolve_windows(&section);
    if !diags.is_empty() || windows.is_empty() {
        return Err(fail(diags));
    }
    doc.insert(
        "window".into(),
        serde_json::json!({"start": windows[0].start, "timezone": section.timezone}),
    );
    let doc = serde_json::Value::Object(doc);
    let file: InventoryFile = match serde_json::from_value(doc.clone()) {
        Ok(f) => f,
        Err(_) => {
            // The ordinary loader names every malformed field by its path;
            // the paths are those of the campaign file (the window aside).
            let json = serde_json::to_string(&doc).unwrap_or_default();
            let e = super::load_str_with(&json, Format::Json, source, limits)
                .err()
                .map(|e| e.diagnostics)
                .unwrap_or_default();
            let e = e
                .into_iter()
                .map(|mut d| {
                    d.line = None;
                    d.column = None;
                    d
                })
                .collect();
            return Err(fail(e));
        }
    };
    check_limits(&file, limits).map_err(|d| fail(vec![d]))?;
    let campaign = campaign_from_windows(section, windows, Vec::new(), file).map_err(fail)?;
    Ok(Some(campaign))
}

/// A campaign from its `campaign:` section and the rest of the file model
/// (the file's `window` is replaced): windows, objective, the campaign's
/// rules on the tasks and the whole validation. The schema-change
/// expansion (format 1.2) sets `later_window_than` on the file model
/// before this.
pub fn campaign_from_parts(
    section: CampaignSectionFile,
    file: InventoryFile,
) -> Result<Campaign, Vec<Diagnostic>> {
    let (windows, diags) = resolve_windows(&section);
    campaign_from_windows(section, windows, diags, file)
}

/// [`campaign_from_parts`] with the section's windows already resolved and
/// what was wrong with them (`diags`), so that loading resolves them once.
fn campaign_from_windows(
    section: CampaignSectionFile,
    windows: Vec<CampaignWindow>,
    mut diags: Vec<Diagnostic>,
    mut file: InventoryFile,
) -> Result<Campaign, Vec<Diagnostic>> {
    let objective = resolve_objective(&section, &mut diags);
    if !diags.is_empty() || windows.is_empty() {
        return Err(diags);
    }
    file.window = WindowFile {
        start: Text(windows[0].start.clone()),
        timezone: section.timezone.clone(),
        deadline: None,
        title: None,
        change: None,
    };
    resolve(section, windows, objective, file)
}

/// The objective as written (default `[windows, downtime, length]`).
fn resolve_objective(
    s: &CampaignSectionFile,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CampaignObjective> {
    use CampaignObjective::*;
    let Some(keys) = &s.objective else {
        return vec![Windows, Downtime, Length];
    };
    let hint = "write a list of `windows` (or `last_window`), `downtime`, `length`, each once, e.g. `[windows, downtime, length]`";
    if keys.is_empty() {
        diags.push(diag(
            "E153",
            "campaign.objective",
            "the objective is empty",
            hint,
        ));
    }
    let mut out: Vec<CampaignObjective> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let path = format!("campaign.objective[{i}]");
        let o = match k.as_str() {
            "windows" => Windows,
            "last_window" => LastWindow,
            "downtime" => Downtime,
            "length" => Length,
            other => {
                let near = suggest(other, ["windows", "last_window", "downtime", "length"])
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                diags.push(diag(
                    "E153",
                    path,
                    format!("unknown objective `{other}`{near}"),
                    hint,
                ));
                continue;
            }
        };
        if out.contains(&o) {
            diags.push(diag(
                "E153",
                path,
                format!("objective `{k}` is given twice"),
                hint,
            ));
            continue;
        }
        if (o == Windows && out.contains(&LastWindow))
            || (o == LastWindow && out.contains(&Windows))
        {
            diags.push(diag(
                "E153",
                path,
                "`windows` and `last_window` are both given",
                "give one: `windows` counts the windows used, `last_window` ranks by the latest one used",
            ));
            continue;
        }
        out.push(o);
    }
    out
}

/// Local time with offset, exact even in a repeated hour.
fn local_text(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M%:z").to_string()
}

fn time_diag(path: String, e: TimeError) -> Diagnostic {
    Diagnostic::new(e.code, path, e.message, e.hint)
}

/// The windows of the campaign, sorted by start, with every problem.
fn resolve_windows(s: &CampaignSectionFile) -> (Vec<CampaignWindow>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let tz = match time::timezone(&s.timezone) {
        Ok(tz) => tz,
        Err(e) => return (Vec::new(), vec![time_diag("campaign.timezone".into(), e)]),
    };
    if s.windows.is_empty() {
        diags.push(diag(
            "E151",
            "campaign.windows",
            "the campaign lists no window",
            "list at least one window: `{ id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }` or `{ every: 7d, first: 2026-12-05T22:00, length: 8h, count: 6 }`",
        ));
    }
    let mut zoned: Vec<ZonedWindow<'_>> = Vec::new();
    for (i, e) in s.windows.iter().enumerate() {
        read_window_entry(i, e, &tz, &mut zoned, &mut diags);
    }
    // Recurring ids by date; by date and time when two share a date.
    let dates: Vec<String> = zoned.iter().filter(|z| z.4).map(|z| z.0.clone()).collect();
    for z in zoned.iter_mut().filter(|z| z.4) {
        if dates.iter().filter(|d| **d == z.0).count() > 1 {
            z.0 = z.1.strftime("%Y-%m-%dT%H:%M").to_string();
        }
    }
    zoned.sort_by(|a, b| a.1.cmp(&b.1));
    if zoned.len() > MAX_WINDOWS {
        diags.push(diag(
            "E151",
            "campaign.windows",
            format!(
                "the campaign has {} windows, more than {MAX_WINDOWS}",
                zoned.len()
            ),
            "plan fewer windows at a time",
        ));
        return (Vec::new(), diags);
    }
    let Some(origin) = zoned.first().map(|z| z.1.clone()) else {
        return (Vec::new(), diags);
    };
    let out = checked_windows(s, &zoned, &origin, &mut diags);
    (out, diags)
}

/// A window entry as read: its id, start, deadline, the entry, and whether
/// it came from a recurring series.
type ZonedWindow<'a> = (
    String,
    ZonedDateTime,
    ZonedDateTime,
    &'a CampaignWindowFile,
    bool,
);

/// Reads entry `i` of `campaign.windows` (one listed window or a whole
/// recurring series) into `zoned`, or says what is wrong with it.
fn read_window_entry<'a>(
    i: usize,
    e: &'a CampaignWindowFile,
    tz: &jiff::tz::TimeZone,
    zoned: &mut Vec<ZonedWindow<'a>>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut w = Vec::new();
    let path = format!("campaign.windows[{i}]");
    let listed = e.id.is_some() || e.start.is_some() || e.deadline.is_some();
    let recurring =
        e.every.is_some() || e.first.is_some() || e.length.is_some() || e.count.is_some();
    let parse = |f: &str, t: &Text, warnings: &mut Vec<Diagnostic>| {
        time::parse_local(t.as_str(), tz, warnings).map_err(|e| time_diag(format!("{path}.{f}"), e))
    };
    match (listed, recurring) {
        (true, true) | (false, false) => diags.push(diag(
            "E151",
            path.clone(),
            if listed { "the window mixes a listed window (`id`, `start`, `deadline`) and a recurring one (`every`, `first`, `length`, `count`)" } else { "the window gives neither `id`, `start`, `deadline` nor `every`, `first`, `length`, `count`" },
            "write `{ id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }` or `{ every: 7d, first: 2026-12-12T22:00, length: 8h, count: 5 }`",
        )),
        (true, false) => {
            let missing: Vec<&str> = [("id", e.id.is_none()), ("start", e.start.is_none()), ("deadline", e.deadline.is_none())]
                .into_iter().filter(|x| x.1).map(|x| x.0).collect();
            if !missing.is_empty() {
                diags.push(diag("E151", path.clone(), format!("the window has no `{}`", missing.join("`, `")),
                    "a listed window gives `id`, `start` and `deadline` (local times in `campaign.timezone`)"));
                return;
            }
            let (Some(id), Some(st), Some(dl)) = (&e.id, &e.start, &e.deadline) else { return };
            let (a, b) = (parse("start", st, &mut w), parse("deadline", dl, &mut w));
            match (a, b) {
                (Ok(a), Ok(b)) => zoned.push((id.clone(), a, b, e, false)),
                (a, b) => diags.extend(a.err().into_iter().chain(b.err())),
            }
        }
        (false, true) => {
            let missing: Vec<&str> = [("every", e.every.is_none()), ("first", e.first.is_none()), ("length", e.length.is_none()), ("count", e.count.is_none())]
                .into_iter().filter(|x| x.1).map(|x| x.0).collect();
            if !missing.is_empty() {
                diags.push(diag("E151", path.clone(), format!("the recurring window has no `{}`", missing.join("`, `")),
                    "a recurring window gives `every`, `first`, `length` and `count`; its ids are the start dates"));
                return;
            }
            let (Some(every), Some(first), Some(length), Some(count)) = (&e.every, &e.first, &e.length, e.count) else { return };
            let every_m = time::parse_duration(every.as_str()).map_err(|e| time_diag(format!("{path}.every"), e));
            let length_m = time::parse_duration(length.as_str()).map_err(|e| time_diag(format!("{path}.length"), e));
            let first_z = parse("first", first, &mut w);
            let (every_m, length_m, first_z) = match (every_m, length_m, first_z) {
                (Ok(a), Ok(b), Ok(c)) => (a, b, c),
                (a, b, c) => {
                    diags.extend(a.err().into_iter().chain(b.err()).chain(c.err()));
                    return;
                }
            };
            if count < 1 || count as usize > MAX_WINDOWS {
                diags.push(diag("E151", format!("{path}.count"), format!("count {count} is not between 1 and {MAX_WINDOWS}"), "give how many windows the series has"));
                return;
            }
            if every_m < 1 || length_m < 1 || length_m > every_m {
                diags.push(diag("E151", path.clone(), format!("`every: {every}` and `length: {length}`: the length must be positive and no longer than the step (windows would overlap)"), "e.g. `every: 7d, length: 8h`"));
                return;
            }
            for k in 0..count {
                let step = if every_m % (24 * 60) == 0 {
                    jiff::Span::new().days(every_m / (24 * 60) * k)
                } else {
                    jiff::Span::new().minutes(every_m * k)
                };
                let Ok(a) = first_z.checked_add(step) else { return };
                let Ok(b) = a.checked_add(jiff::SignedDuration::from_mins(length_m)) else { return };
                zoned.push((a.strftime("%Y-%m-%d").to_string(), a, b, e, true));
            }
        }
    }
}

/// The windows read, each checked (a deadline after its start, within a
/// year, an id of its own, no overlap with the one before), in minutes from
/// `origin`, the first window's start.
fn checked_windows(
    s: &CampaignSectionFile,
    zoned: &[ZonedWindow<'_>],
    origin: &ZonedDateTime,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CampaignWindow> {
    let mins = |z: &ZonedDateTime| origin.duration_until(z).as_secs().div_euclid(60);
    let mut out: Vec<CampaignWindow> = Vec::new();
    for (id, a, b, e, _) in zoned {
        let (sm, em) = (mins(a), mins(b));
        if em <= sm {
            diags.push(diag(
                "E151",
                "campaign.windows",
                format!(
                    "window `{id}`: its deadline `{}` is not after its start `{}`",
                    local_text(b),
                    local_text(a)
                ),
                "set each window's deadline after its start",
            ));
            continue;
        }
        if em > time::MAX_MINUTES {
            diags.push(diag(
                "E151",
                "campaign.windows",
                format!("window `{id}` ends more than one year after the first window starts"),
                "plan at most a year of windows in one campaign",
            ));
            continue;
        }
        if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
            diags.push(diag(
                "E152",
                "campaign.windows",
                format!("window id `{id}` is empty or holds whitespace"),
                "give each window a short id such as `w1`",
            ));
            continue;
        }
        if out.iter().any(|o| &o.id == id) {
            diags.push(diag(
                "E152",
                "campaign.windows",
                format!("window id `{id}` is given twice"),
                "give each window its own id (a recurring series uses the start dates)",
            ));
            continue;
        }
        if let Some(prev) = out.last() {
            if sm < prev.end_minute {
                diags.push(diag(
                    "E151",
                    "campaign.windows",
                    format!("windows `{}` and `{id}` overlap", prev.id),
                    "windows of a campaign must not overlap: move a start or a deadline",
                ));
                continue;
            }
        }
        out.push(CampaignWindow {
            id: id.clone(),
            start: local_text(a),
            deadline: local_text(b),
            start_minute: sm,
            end_minute: em,
            title: e.title.clone().or_else(|| s.title.clone()),
            change: e.change.clone().or_else(|| s.change.clone()),
        });
    }
    out
}

/// The campaign's own rules on the tasks (E154–E156), the whole campaign
/// validated as one inventory, and the relations between file tasks.
fn resolve(
    section: CampaignSectionFile,
    windows: Vec<CampaignWindow>,
    objective: Vec<CampaignObjective>,
    file: InventoryFile,
) -> Result<Campaign, Vec<Diagnostic>> {
    // Format 1.2 schema changes are expanded here, once: the generated
    // steps are file tasks of the campaign, assigned like any task.
    let ex = schema_changes::expand(&file, &Partial::default());
    if !ex.diagnostics.is_empty() {
        return Err(ex.diagnostics);
    }
    let (file, origins) = (ex.file, ex.origins);
    let mut diags = Vec::new();
    let ids: Vec<&str> = windows.iter().map(|w| w.id.as_str()).collect();
    let lookup = |name: &str, path: String, diags: &mut Vec<Diagnostic>| -> Option<usize> {
        let found = ids.iter().position(|w| *w == name);
        if found.is_none() {
            let near = suggest(name, ids.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            diags.push(diag(
                "E154",
                path,
                format!("unknown window `{name}`{near}"),
                &format!("name a window of `campaign.windows`: {}", ids.join(", ")),
            ));
        }
        found
    };
    let mut tasks: Vec<CampaignTask> = Vec::with_capacity(file.tasks.len());
    for (i, t) in file.tasks.iter().enumerate() {
        let path = format!("tasks[{i}]");
        let mut domain: Vec<usize> = (0..windows.len()).collect();
        match (&t.in_window, &t.windows_allowed) {
            (Some(_), Some(_)) => diags.push(diag(
                "E154",
                path.clone(),
                format!("task `{}` gives both `in_window` and `windows_allowed`", t.id),
                "give `in_window` to pin the task to one window, or `windows_allowed` for a choice; not both",
            )),
            (Some(w), None) => {
                domain = lookup(w, format!("{path}.in_window"), &mut diags).into_iter().collect();
            }
            (None, Some(list)) if list.is_empty() => diags.push(diag(
                "E154",
                format!("{path}.windows_allowed"),
                format!("task `{}` allows no window (`windows_allowed: []`)", t.id),
                "list the windows the task may use, or leave `windows_allowed` out (any window)",
            )),
            (None, Some(list)) => {
                domain = list
                    .iter()
                    .enumerate()
                    .filter_map(|(k, w)| lookup(w, format!("{path}.windows_allowed[{k}]"), &mut diags))
                    .collect();
                domain.sort_unstable();
                domain.dedup();
            }
            (None, None) => {}
        }
        tasks.push(CampaignTask {
            id: t.id.clone(),
            domain,
            pinned: t.in_window.is_some(),
            ..CampaignTask::default()
        });
    }
    let mut plain = file.clone();
    plain.schema_changes.clear();
    for t in &mut plain.tasks {
        t.windows_allowed = None;
        t.in_window = None;
        t.later_window_than.clear();
    }
    let mut whole = match validate(&plain) {
        Ok(inv) => inv,
        Err(more) => {
            diags.extend(more.into_iter().map(|d| origins.remap(&file, d)));
            return Err(diags);
        }
    };
    // The schema changes as resolved once for the whole campaign (nothing
    // is deferred: the contract is assigned to a window like any task).
    whole.schema_changes = schema_changes::resolve(&file, &[], &[], |id| {
        file.systems.iter().position(|s| s.id == id)
    })
    .0;
    let names = names_of(&whole, &file);
    relations(&file, &whole, &names, &mut tasks, &mut diags);
    let mut c = Campaign {
        timezone: section.timezone,
        title: section.title,
        change: section.change,
        windows,
        objective,
        file,
        whole,
        tasks,
        names,
    };
    if diags.is_empty() {
        let domains: Vec<Vec<usize>> = c.tasks.iter().map(|t| t.domain.clone()).collect();
        if let Err(e) = c.earliest_windows(&domains) {
            diags.push(order_diag(&c, &e));
        }
    }
    if diags.is_empty() {
        c.whole.warnings.retain(|w| !w.path.starts_with("window"));
        Ok(c)
    } else {
        Err(diags)
    }
}

/// `after`, lag chains, `later_window_than` and DR `order` between file
/// tasks.
fn relations(
    file: &InventoryFile,
    whole: &Inventory,
    names: &HashMap<String, usize>,
    tasks: &mut [CampaignTask],
    diags: &mut Vec<Diagnostic>,
) {
    for (i, t) in file.tasks.iter().enumerate() {
        for a in &t.after {
            let Some(p) = parent_of(names, &a.task) else {
                continue;
            };
            if p == i {
                continue;
            }
            tasks[i].after.push(p);
            if a.max_lag.is_some() {
                tasks[i].same_window.push(p);
                tasks[p].same_window.push(i);
            }
        }
        for (k, name) in t.later_window_than.iter().enumerate() {
            match parent_of(names, name) {
                Some(p) if p != i => tasks[i].later_than.push(p),
                _ => diags.push(diag(
                    "E155",
                    format!("tasks[{i}].later_window_than[{k}]"),
                    format!("task `{}` must follow `{name}` in a later window, but no such task exists (or it is the task itself)", t.id),
                    "name another task of the campaign",
                )),
            }
        }
    }
    // A DR pair's `order` puts every outage of one side before any of the
    // other: across windows, the first side's tasks in earlier-or-same windows.
    for pair in &whole.dr {
        let Some(order) = pair.order else { continue };
        let (first, second) = match order {
            super::DrOrder::StandbyFirst => (pair.standby, pair.primary),
            super::DrOrder::PrimaryFirst => (pair.primary, pair.standby),
        };
        let side = |c| -> Vec<usize> {
            let systems = whole.component_systems(c);
            let mut out: Vec<usize> = whole
                .tasks
                .iter()
                .filter(|t| {
                    (t.outage && t.systems.iter().any(|s| systems.contains(s)))
                        || t.down.iter().any(|s| systems.contains(s))
                })
                .map(|t| t.source)
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let (a, b) = (side(first), side(second));
        for &t in &b {
            for &p in &a {
                if p != t && !tasks[t].after.contains(&p) {
                    tasks[t].after.push(p);
                }
            }
        }
    }
    for t in tasks.iter_mut() {
        for v in [&mut t.after, &mut t.same_window, &mut t.later_than] {
            v.sort_unstable();
            v.dedup();
        }
    }
}

/// Why no window can take a task: the task, and the first window the tasks
/// before it leave it (`None`: they leave it none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderConflict {
    /// The file task.
    pub task: usize,
    /// The task that pushed it last.
    pub because_of: Option<usize>,
    /// The earliest window it could use, when there is one.
    pub earliest: Option<usize>,
}

fn order_diag(c: &Campaign, e: &OrderConflict) -> Diagnostic {
    let t = &c.tasks[e.task];
    let allowed: Vec<&str> = t.domain.iter().map(|&w| c.windows[w].id.as_str()).collect();
    let after = e
        .because_of
        .map(|p| format!(" (it follows `{}`)", c.tasks[p].id))
        .unwrap_or_default();
    let from = match e.earliest {
        Some(w) => format!("window `{}` or later", c.windows[w].id),
        None => "a window after the last one".to_string(),
    };
    diag(
        "E155",
        format!("tasks[{}]", e.task),
        format!(
            "task `{}` cannot be given a window: the tasks it follows put it in {from}{after}, but it may use only {}",
            t.id,
            allowed.join(", ")
        ),
        "allow the task a later window, allow its predecessors earlier ones, or drop a dependency (a cycle of `later_window_than` can never be met)",
    )
}

impl Campaign {
    /// The earliest window of every file task within `domains` (sorted
    /// window indices per task) keeping `after` (same or later window),
    /// `later_window_than` (later window) and lag chains (same window):
    /// the least fixpoint, itself an assignment keeping those rules (the
    /// windows' capacities aside), or the task no window can take.
    pub fn earliest_windows(&self, domains: &[Vec<usize>]) -> Result<Vec<usize>, OrderConflict> {
        let n = self.tasks.len();
        let mut succ: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (i, t) in self.tasks.iter().enumerate() {
            for &p in &t.after {
                succ[p].push((i, 0));
            }
            for &p in &t.same_window {
                succ[p].push((i, 0));
            }
            for &p in &t.later_than {
                succ[p].push((i, 1));
            }
        }
        let mut e = Vec::with_capacity(n);
        for (i, d) in domains.iter().enumerate() {
            match d.first() {
                Some(&w) => e.push(w),
                None => {
                    return Err(OrderConflict {
                        task: i,
                        because_of: None,
                        earliest: None,
                    })
                }
            }
        }
        let mut queue: std::collections::VecDeque<usize> = (0..n).collect();
        let mut queued = vec![true; n];
        while let Some(p) = queue.pop_front() {
            queued[p] = false;
            for &(s, w) in &succ[p] {
                let need = e[p] + w;
                if e[s] >= need {
                    continue;
                }
                match domains[s].iter().find(|&&d| d >= need) {
                    Some(&d) => {
                        e[s] = d;
                        if !queued[s] {
                            queued[s] = true;
                            queue.push_back(s);
                        }
                    }
                    None => {
                        return Err(OrderConflict {
                            task: s,
                            because_of: Some(p),
                            earliest: (need < self.windows.len()).then_some(need),
                        })
                    }
                }
            }
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "campaign:\n  timezone: Europe/London\n  windows:\n    - { id: w1, start: 2026-12-05T22:00, deadline: 2026-12-06T02:00 }\n    - { every: 7d, first: 2026-12-12T22:00, length: 4h, count: 2 }\n";
    const REST: &str = "teams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }, { id: s2 }]\n";

    fn load(text: &str) -> Result<Option<Campaign>, InputError> {
        load_campaign_str(text, Format::Yaml, "t.yaml", &Limits::default())
    }

    /// A one-window file is told apart without a parse; a `campaign` key
    /// spelled with escapes is still found.
    #[test]
    fn a_campaign_is_told_apart_without_parsing_a_one_window_file() {
        let one = "window: { start: 2026-12-05T22:00, timezone: UTC }\nsystems: [{ id: s1 }]\n";
        assert!(!may_be_campaign(one));
        assert!(load(one).unwrap().is_none());
        // Not parsed: even a malformed one-window text is simply no campaign.
        assert!(!may_be_campaign("window: [unclosed"));
        let escaped = format!(
            "{}{REST}",
            HEAD.replacen("campaign:", "\"\\x63ampaign\":", 1)
        );
        assert!(may_be_campaign(&escaped));
        assert!(load(&escaped).unwrap().is_some(), "{escaped}");
        let json = r#"{"\u0063ampaign": {"timezone": "UTC", "windows": [{"id": "w1", "start": "2026-12-05T22:00", "deadline": "2026-12-06T02:00"}]}, "systems": [{"id": "s1"}]}"#;
        let c = load_campaign_str(json, Format::Json, "t.json", &Limits::default()).unwrap();
        assert!(c.is_some());
        // A one-window file that names the word elsewhere is read and is no campaign.
        let titled = "window: { start: 2026-12-05T22:00, timezone: UTC, title: Q1 campaign }\n";
        assert!(may_be_campaign(titled));
        assert!(load(titled).unwrap().is_none());
    }

    /// A campaign given to the one-window loader is E150, said once, not an
    /// unknown field and a missing `window`.
    #[test]
    fn a_campaign_given_where_one_window_is_planned_is_e150() {
        let text = format!("{HEAD}{REST}");
        let e = crate::inventory::load_str(&text, Format::Yaml, "t.yaml").unwrap_err();
        assert_eq!(e.diagnostics.len(), 1, "{e}");
        let d = &e.diagnostics[0];
        assert_eq!((d.code, d.path.as_str()), ("E150", "campaign"));
        assert!(d.line.is_some());
    }

    fn codes(text: &str) -> Vec<&'static str> {
        load(text)
            .unwrap_err()
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    fn campaign(tasks: &str) -> Campaign {
        load(&format!("{HEAD}{REST}tasks:\n{tasks}"))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn windows_listed_and_recurring_with_ids_by_date() {
        let c = campaign("  - { id: a, system: s1, duration: 1h, team: ops }\n");
        let ids: Vec<&str> = c.windows.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["w1", "2026-12-12", "2026-12-19"]);
        assert_eq!(c.windows[1].start_minute, 7 * 24 * 60);
        assert_eq!(c.windows[1].length(), 240);
        assert_eq!(
            c.objective,
            vec![
                CampaignObjective::Windows,
                CampaignObjective::Downtime,
                CampaignObjective::Length
            ]
        );
        assert_eq!(c.tasks[0].domain, vec![0, 1, 2]);
    }

    #[test]
    fn a_single_window_file_is_no_campaign_and_refuses_campaign_fields() {
        let single = "window: { start: 2026-12-05T22:00, timezone: UTC }\nteams: [{ id: ops, capacity: 1 }]\nsystems: [{ id: s1 }]\ntasks: [{ id: a, system: s1, duration: 1h, team: ops, in_window: w1 }]\n";
        assert!(load(single).unwrap().is_none());
        let e = crate::inventory::load_str(single, Format::Yaml, "t").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E150");
        assert_eq!(e.diagnostics[0].path, "tasks[0].in_window");
    }

    #[test]
    fn campaign_errors_are_coded() {
        let both = format!("window: {{ start: 2026-12-05T22:00, timezone: UTC }}\n{HEAD}");
        assert_eq!(codes(&both), ["E150"]);
        let mixed = "campaign:\n  timezone: UTC\n  windows: [{ id: w1, every: 7d }]\n";
        assert_eq!(codes(mixed), ["E151"]);
        let overlap = "campaign:\n  timezone: UTC\n  windows:\n    - { id: a, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }\n    - { id: b, start: 2026-12-06T05:00, deadline: 2026-12-06T07:00 }\n";
        assert_eq!(codes(overlap), ["E151"]);
        let twice = "campaign:\n  timezone: UTC\n  windows:\n    - { id: a, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }\n    - { id: a, start: 2026-12-12T22:00, deadline: 2026-12-13T06:00 }\n";
        assert_eq!(codes(twice), ["E152"]);
        let objective = format!("{HEAD}  objective: [windows, last_window, downtme]\n");
        assert_eq!(codes(&objective), ["E153", "E153"]);
        let bad_tz = "campaign:\n  timezone: Mars/Olympus\n  windows: [{ id: a, start: 2026-12-05T22:00, deadline: 2026-12-06T06:00 }]\n";
        assert_eq!(codes(bad_tz), ["E014"]);
    }

    #[test]
    fn task_window_fields_are_checked() {
        let t = |tasks: &str| codes(&format!("{HEAD}{REST}tasks:\n{tasks}"));
        let unknown = t("  - { id: a, system: s1, duration: 1h, team: ops, in_window: w2 }\n");
        assert_eq!(unknown, ["E154"]);
        let e = load(&format!("{HEAD}{REST}tasks:\n  - {{ id: a, system: s1, duration: 1h, team: ops, in_window: w11 }}\n")).unwrap_err();
        assert!(
            e.diagnostics[0].message.contains("did you mean `w1`"),
            "{}",
            e.diagnostics[0].message
        );
        assert_eq!(t("  - { id: a, system: s1, duration: 1h, team: ops, in_window: w1, windows_allowed: [w1] }\n"), ["E154"]);
        assert_eq!(
            t("  - { id: a, system: s1, duration: 1h, team: ops, windows_allowed: [] }\n"),
            ["E154"]
        );
        // b after a, but a may only use a later window than b.
        let late = "  - { id: a, system: s1, duration: 1h, team: ops, in_window: 2026-12-19 }\n  - { id: b, system: s2, duration: 1h, team: ops, after: [a], windows_allowed: [w1, 2026-12-12] }\n";
        assert_eq!(t(late), ["E155"]);
        // Lag chains share a window: a max_lag between tasks pinned apart.
        let chain = "  - { id: a, system: s1, duration: 1h, team: ops, in_window: w1 }\n  - { id: b, system: s2, duration: 1h, team: ops, after: [{ task: a, max_lag: 1h }], in_window: 2026-12-12 }\n";
        assert_eq!(t(chain), ["E155"]);
    }

    #[test]
    fn later_window_than_orders_windows_and_a_cycle_is_refused() {
        let text = format!("{HEAD}{REST}tasks:\n  - {{ id: a, system: s1, duration: 1h, team: ops }}\n  - {{ id: b, system: s2, duration: 1h, team: ops }}\n");
        let Ok(serde_json::Value::Object(mut doc)) = parse_value(&text, Format::Yaml) else {
            panic!()
        };
        let section: CampaignSectionFile =
            serde_json::from_value(doc.remove("campaign").unwrap()).unwrap();
        doc.insert(
            "window".into(),
            serde_json::json!({"start": "2026-12-05T22:00", "timezone": "UTC"}),
        );
        let mut file: InventoryFile =
            serde_json::from_value(serde_json::Value::Object(doc)).unwrap();
        file.tasks[1].later_window_than = vec!["a".into()];
        let c = campaign_from_parts(section.clone(), file.clone()).unwrap();
        assert_eq!(c.tasks[1].later_than, vec![0]);
        let all: Vec<Vec<usize>> = c.tasks.iter().map(|t| t.domain.clone()).collect();
        assert_eq!(c.earliest_windows(&all).unwrap(), vec![0, 1]);
        // The per-window inventory never carries it.
        assert!(c.window_file(1, &[1]).tasks[0].later_window_than.is_empty());
        file.tasks[0].later_window_than = vec!["b".into()];
        let e = campaign_from_parts(section, file).unwrap_err();
        assert_eq!(e[0].code, "E155");
    }

    #[test]
    fn a_window_inventory_keeps_its_tasks_and_drops_after_to_other_windows() {
        let c = campaign("  - { id: a, system: s1, duration: 1h, team: ops }\n  - { id: b, system: s2, duration: 1h, team: ops, after: [a] }\n");
        let f = c.window_file(1, &[1]);
        assert_eq!(f.window.start.as_str(), "2026-12-12T22:00+00:00");
        assert_eq!(f.tasks.len(), 1);
        assert!(f.tasks[0].after.is_empty());
        let both = c.window_inventory(0, &[0, 1]).unwrap();
        assert_eq!(both.tasks[1].after.len(), 1);
        assert_eq!(both.window.deadline, Some(240));
    }

    const SCHEMA: &str = "schema_changes:\n  - { id: v2, database: s1, app: [s2], deploy: deploy, expand: { duration: 10m, team: ops }, backfill: { duration: 20m, team: ops }, contract: { duration: 5m, team: ops } }\n";

    #[test]
    fn schema_changes_are_expanded_once_for_the_campaign() {
        let c = load(&format!(
            "{HEAD}{REST}tasks:\n  - {{ id: deploy, system: s2, duration: 10m, team: ops }}\n{SCHEMA}"
        ))
        .unwrap()
        .unwrap();
        let ids: Vec<&str> = c.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["deploy", "v2.expand", "v2.backfill", "v2.contract"]);
        let contract = c.task_index("v2.contract").unwrap();
        assert_eq!(c.tasks[contract].later_than, vec![0]);
        assert_eq!(c.whole.schema_changes.len(), 1);
        assert!(!c.whole.schema_changes[0].contract_deferred);
        // A window's file holds its steps as plain tasks, not expanded again.
        let f = c.window_file(0, &[0, 1, 2]);
        assert!(f.schema_changes.is_empty());
        let inv = c.window_inventory(0, &[0, 1, 2]).unwrap();
        assert_eq!(inv.tasks.len(), 3);
        assert!(inv.schema_changes[0].contract_deferred);
        let mut inv = inv;
        c.place_contracts(&mut inv, &[Some(0), Some(0), Some(0), Some(2)]);
        assert_eq!(
            inv.schema_changes[0].contract_window.as_deref(),
            Some("2026-12-19")
        );
        // A window with only the contract describes the change too; one
        // with none of its steps does not.
        let later = c.window_inventory(2, &[3]).unwrap();
        assert!(!later.schema_changes[0].contract_deferred);
        assert!(c
            .window_inventory(1, &[])
            .unwrap()
            .schema_changes
            .is_empty());
    }

    #[test]
    fn a_schema_change_error_in_a_campaign_names_its_field() {
        // Unknown deploy task: the expansion's own check.
        let e = load(&format!(
            "{HEAD}{REST}tasks:\n  - {{ id: other, system: s2, duration: 10m, team: ops }}\n{SCHEMA}"
        ))
        .unwrap_err();
        assert!(
            e.diagnostics
                .iter()
                .any(|d| d.path.starts_with("schema_changes[0].deploy")),
            "{e:?}"
        );
        // A generated step's unknown team: found by the whole validation,
        // put back on the schema change's field.
        let e = load(&format!(
            "{HEAD}{REST}tasks:\n  - {{ id: deploy, system: s2, duration: 10m, team: ops }}\n{}",
            SCHEMA.replace(
                "backfill: { duration: 20m, team: ops }",
                "backfill: { duration: 20m, team: dbas }"
            )
        ))
        .unwrap_err();
        assert!(
            e.diagnostics
                .iter()
                .any(|d| d.path.starts_with("schema_changes[0].backfill")),
            "{e:?}"
        );
    }
}
