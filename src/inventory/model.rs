//! The validated, resolved inventory: ids resolved to indices, cluster tasks
//! expanded, durations and wall-clock times converted to minutes from the
//! window start. Everything downstream (graph, compiler, checker, reports)
//! works from this.

use crate::base::{Interval, Time};

/// The window: when it opens, in which timezone, and when it must close.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Window start as a zoned wall-clock time.
    pub start: jiff::ZonedDateTime,
    /// IANA timezone name as written, e.g. `America/New_York`.
    pub timezone: String,
    /// Deadline as minutes from the start, if any.
    pub deadline: Option<Time>,
    /// Free text about the window (`title`, `change`); changes no rule.
    pub meta: Meta,
}

/// Free text the file may give (metadata): carried into the
/// reports, never read by a rule. A window uses `title` and `change`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Short title of the change (shown at the top of reports).
    pub title: Option<String>,
    /// The change record (e.g. `CHG-2026-1114`).
    pub change: Option<String>,
    /// Who owns the change (a person or an on-call rota).
    pub owner: Option<String>,
    /// How to reach the owner on the night.
    pub contact: Option<String>,
    /// Free-text notes carried into the reports.
    pub notes: Option<String>,
    /// How the change is backed out, in words.
    pub rollback: Option<String>,
}

impl Meta {
    /// The fields that are given, as (label, text), in a fixed order.
    pub fn given(&self) -> Vec<(&'static str, &str)> {
        [
            ("title", &self.title),
            ("change", &self.change),
            ("owner", &self.owner),
            ("contact", &self.contact),
            ("notes", &self.notes),
            ("rollback", &self.rollback),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

impl Window {
    /// The wall-clock time `minute` minutes (real elapsed) after the start.
    pub fn at(&self, minute: Time) -> jiff::ZonedDateTime {
        self.start
            .checked_add(jiff::SignedDuration::from_mins(minute))
            .unwrap_or_else(|_| self.start.clone())
    }
}

/// A team of engineers: how many work at once, and when (vendor hours).
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Its id, as written in the file.
    pub id: String,
    /// How many of its members work at once.
    pub capacity: u32,
    /// When given, capacity is 0 outside these intervals (sorted, disjoint).
    pub available: Option<Vec<Interval>>,
}

/// A system (server, database, appliance) that tasks change.
#[derive(Debug, Clone, PartialEq)]
pub struct System {
    /// Its id, as written in the file.
    pub id: String,
    /// Its zone (index into `zones`), if it names a declared one.
    pub zone: Option<usize>,
    /// Its site, as written (free text).
    pub site: Option<String>,
    /// Its tags, for blackout scopes.
    pub tags: Vec<String>,
    /// Tasks that may run on this system at once (default 1).
    pub parallel_changes: u32,
    /// Run by someone else (a vendor, a SaaS provider): no task names it.
    pub external: bool,
    /// Known outages whatever the plan does (sorted, disjoint),
    /// each with its reason when given.
    pub unavailable: Vec<Unavailable>,
    /// Free-text notes carried into the reports.
    pub notes: Option<String>,
}

/// A known outage of a system.
#[derive(Debug, Clone, PartialEq)]
pub struct Unavailable {
    /// The interval, minutes from the window start.
    pub interval: Interval,
    /// Why, in words (shown in reports).
    pub reason: Option<String>,
}

/// A cluster of member systems that must keep `min_available` of them up.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Its id, as written in the file.
    pub id: String,
    /// Member systems (indices into `systems`).
    pub members: Vec<usize>,
    /// Members that must be up at every minute.
    pub min_available: u32,
}

impl Cluster {
    /// Members that may be down at once.
    pub fn max_unavailable(&self) -> u32 {
        (self.members.len() as u32).saturating_sub(self.min_available)
    }
}

/// A zone (e.g. a PCI security zone): a limit on concurrent changes, or a label.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Its id, as written in the file.
    pub id: String,
    /// `u32::MAX` for a zone without `max_concurrent` (a label).
    pub max_concurrent: u32,
}

/// A system or a cluster, where the format allows either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Component {
    /// A system (index into `systems`).
    System(usize),
    /// A cluster (index into `clusters`).
    Cluster(usize),
}

/// Which side of a DR pair is changed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrOrder {
    /// Every outage of the standby before any of the primary.
    StandbyFirst,
    /// Every outage of the primary before any of the standby.
    PrimaryFirst,
}

/// A primary/DR pair: never both sides down at once.
#[derive(Debug, Clone, PartialEq)]
pub struct DrPair {
    /// The primary side.
    pub primary: Component,
    /// The DR standby side.
    pub standby: Component,
    /// Which side goes first, when the file says.
    pub order: Option<DrOrder>,
}

/// A time when no task in its scope may run.
#[derive(Debug, Clone, PartialEq)]
pub struct Blackout {
    /// Optional id.
    pub id: Option<String>,
    /// The interval, minutes from the window start.
    pub interval: Interval,
    /// Systems in scope, with the members of scoped clusters and the systems
    /// scoped services require resolved in.
    pub systems: Vec<usize>,
    /// Zones in scope (indices into `zones`).
    pub zones: Vec<usize>,
    /// Its tags, for blackout scopes.
    pub tags: Vec<String>,
    /// Why, in words (shown in reports).
    pub reason: Option<String>,
    /// Every task needing one of these teams is in scope.
    pub teams: Vec<usize>,
    /// Whether the scope named clusters or services (then an
    /// empty resolved system list still does not cover everything).
    pub scoped: bool,
}

impl Blackout {
    /// An empty scope covers everything.
    pub fn covers_everything(&self) -> bool {
        self.systems.is_empty()
            && self.zones.is_empty()
            && self.tags.is_empty()
            && self.teams.is_empty()
            && !self.scoped
    }
}

/// A business service and what it needs up.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Its id, as written in the file.
    pub id: String,
    /// Cost of one minute of downtime.
    pub weight: f64,
    /// Systems and clusters it needs up.
    pub requires: Vec<Component>,
    /// The most downtime the plan may cause it, in minutes.
    pub max_downtime: Option<Time>,
    /// `any` groups of `requires`.
    pub any: Vec<AnyGroup>,
    /// Free-text notes carried into the reports.
    pub notes: Option<String>,
}

/// A group that is up while one member is up; the serving
/// member is the first member (list order) that is up, and each change of
/// serving member starts `switchover` minutes of downtime.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyGroup {
    /// The members, in the order that picks the serving one.
    pub members: Vec<Component>,
    /// Minutes of downtime each change of serving member starts.
    pub switchover: Time,
}

/// How an integration couples its producer and consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationMode {
    /// The consumer is down while the producer is down.
    Sync,
    /// The consumer rides out a producer outage up to its tolerance.
    Async,
}

/// A data feed or call from one component to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// Its id, as written in the file.
    pub id: String,
    /// Producer.
    pub from: Component,
    /// Consumer.
    pub to: Component,
    /// Sync or async.
    pub mode: IntegrationMode,
    /// Async: how long the consumer rides out a producer outage (0 for sync).
    pub tolerance: Time,
}

/// `after` resolved: this task starts at least `lag` after task `task`
/// finishes, and at most `max_lag` after when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    /// The task waited for (index into `tasks`).
    pub task: usize,
    /// Minutes at least between its end and this task's start.
    pub lag: Time,
    /// Minutes at most between its end and this task's start.
    pub max_lag: Option<Time>,
}

/// A task after resolution: one per cluster member and per step.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Task id; `<task>@<member>` for cluster-expanded tasks.
    pub id: String,
    /// Index of the task entry in the file (`tasks[i]`) it came from.
    pub source: usize,
    /// Systems the task works on (indices into `systems`).
    pub systems: Vec<usize>,
    /// How long it takes, in minutes (the likely value of a three-point duration).
    pub duration: Time,
    /// Whether its systems are down while it runs.
    pub outage: bool,
    /// Team needs: (team index, amount).
    pub needs: Vec<(usize, u32)>,
    /// The tasks it waits for.
    pub after: Vec<After>,
    /// When given, the task lies wholly inside one of these (sorted, disjoint).
    pub windows: Option<Vec<Interval>>,
    /// Three-point estimate `(min, max)` around `duration` (the likely
    /// value), when the file gives one; `None` = the duration is fixed.
    pub spread: Option<(Time, Time)>,
    /// Time needed to back the change out if it fails.
    pub backout: Option<Time>,
    /// `optional: true`: `replan` may leave it out to hold the deadline.
    pub optional: bool,
    /// Runbook text: title, change, owner, contact, notes, rollback.
    pub meta: Meta,
    /// The task id as written in the file (`tasks[source].id`).
    pub parent: String,
    /// The step id when this is one step of a task.
    pub step: Option<String>,
    /// The member system id when expanded from a cluster task.
    pub member: Option<String>,
    /// Changes nothing: not counted by zone `max_concurrent`.
    pub read_only: bool,
    /// Systems that count as down while it runs (`down:`).
    pub down: Vec<usize>,
    /// The `canary` count of the file task (0 = none): its
    /// first that many members (in `members` order) finish first.
    pub canary: usize,
    /// Tasks (indices into `tasks`, among those of `after`) named with
    /// `even_if: failed`: whatever becomes of them on the night (failed,
    /// skipped, backed out, dropped), this task is not dropped on their
    /// account.
    pub even_if_failed: Vec<usize>,
}

/// A validated inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// The maintenance window.
    pub window: Window,
    /// The teams.
    pub teams: Vec<Team>,
    /// The systems.
    pub systems: Vec<System>,
    /// The clusters.
    pub clusters: Vec<Cluster>,
    /// The zones.
    pub zones: Vec<Zone>,
    /// The DR pairs.
    pub dr: Vec<DrPair>,
    /// The blackouts.
    pub blackouts: Vec<Blackout>,
    /// The services.
    pub services: Vec<Service>,
    /// The integrations.
    pub integrations: Vec<Integration>,
    /// The tasks, expanded (cluster members, steps).
    pub tasks: Vec<Task>,
    /// What validation warned about (W0xx): said on stderr by the command,
    /// never a reason to refuse the file.
    pub warnings: Vec<crate::error::Diagnostic>,
    /// Format 1.2 schema changes, as the file gives them; their steps are
    /// ordinary tasks of `tasks` (ids [`SchemaChange::step_id`]).
    pub schema_changes: Vec<SchemaChange>,
}

/// The activities of a schema change (format 1.2), in their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaStep {
    /// Additive DDL, online, before the first deploy.
    Expand,
    /// Online copy of the old data, after the deploy and every writer.
    Backfill,
    /// The optional brief blocking swap: an outage of the database.
    Cutover,
    /// Drops the old shape: the point of no return.
    Contract,
}

impl SchemaStep {
    /// Every step, in the order a schema change runs them.
    pub const ALL: [SchemaStep; 4] = [
        SchemaStep::Expand,
        SchemaStep::Backfill,
        SchemaStep::Cutover,
        SchemaStep::Contract,
    ];

    /// The step's name, the suffix of its task id (`expand`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SchemaStep::Expand => "expand",
            SchemaStep::Backfill => "backfill",
            SchemaStep::Cutover => "cutover",
            SchemaStep::Contract => "contract",
        }
    }
}

/// A schema change done expand/contract (format 1.2), resolved. Its
/// steps are ordinary tasks (`<id>.expand`, ...); what this keeps is what
/// the checker and the reports need to re-derive and show its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    /// Its id, as written.
    pub id: String,
    /// The database the DDL runs on (index into `systems`).
    pub database: usize,
    /// The app members (indices into `systems`).
    pub app: Vec<usize>,
    /// The other writers (indices into `systems`).
    pub writers: Vec<usize>,
    /// The deploy task's id as written in the file (its activities are the
    /// tasks whose `parent` it is).
    pub deploy: String,
    /// Whether the file gives a `cutover`.
    pub cutover: bool,
    /// `contract.same_window`.
    pub same_window: bool,
    /// The contract is not in this window's tasks: it waits for a later
    /// window (`same_window: false` on a single window).
    pub contract_deferred: bool,
    /// In a campaign, the id of the other window that runs the contract
    /// (set on a window's inventory when the contract is not among its
    /// tasks); `None` outside a campaign.
    pub contract_window: Option<String>,
}

impl SchemaChange {
    /// The task id of one of its steps: `<id>.<step>`.
    pub fn step_id(&self, step: SchemaStep) -> String {
        format!("{}.{}", self.id, step.name())
    }

    /// Its steps that are tasks of this inventory, in order.
    pub fn steps_here(&self) -> Vec<SchemaStep> {
        let mut v = vec![SchemaStep::Expand, SchemaStep::Backfill];
        if self.cutover {
            v.push(SchemaStep::Cutover);
        }
        if !self.contract_deferred {
            v.push(SchemaStep::Contract);
        }
        v
    }
}

/// The components `start` stands on, with every component feeding one of
/// them through a chain of sync integrations (a sync consumer is down while
/// its producer is; an integration into a cluster's member feeds the
/// cluster). `start` first, then the feeders in the order found; each once.
/// The one definition of the rule for validation and compilation (the
/// checker keeps its own); [`Inventory::sync_closure`] on a resolved
/// inventory.
pub fn sync_closure(
    start: impl IntoIterator<Item = Component>,
    clusters: &[Cluster],
    integrations: &[Integration],
) -> Vec<Component> {
    let mut comps: Vec<Component> = Vec::new();
    for c in start {
        if !comps.contains(&c) {
            comps.push(c);
        }
    }
    let mut i = 0;
    while i < comps.len() {
        let c = comps[i];
        for ig in integrations {
            let feeds = ig.to == c
                || matches!((ig.to, c), (Component::System(s), Component::Cluster(k)) if clusters[k].members.contains(&s));
            if feeds && ig.mode == IntegrationMode::Sync && !comps.contains(&ig.from) {
                comps.push(ig.from);
            }
        }
        i += 1;
    }
    comps
}

impl Inventory {
    /// [`sync_closure`] of `start` in this inventory.
    pub fn sync_closure(&self, start: impl IntoIterator<Item = Component>) -> Vec<Component> {
        sync_closure(start, &self.clusters, &self.integrations)
    }

    /// The systems a component stands for.
    pub fn component_systems(&self, c: Component) -> Vec<usize> {
        match c {
            Component::System(s) => vec![s],
            Component::Cluster(k) => self.clusters[k].members.clone(),
        }
    }

    /// The id of a component as written in the file.
    pub fn component_id(&self, c: Component) -> &str {
        match c {
            Component::System(s) => &self.systems[s].id,
            Component::Cluster(k) => &self.clusters[k].id,
        }
    }

    /// The schema change a task belongs to, and its part in it: one of its
    /// steps, or `None` for a member of its deploy task.
    pub fn schema_change_of(&self, task: &Task) -> Option<(&SchemaChange, Option<SchemaStep>)> {
        self.schema_changes.iter().find_map(|sc| {
            if task.parent == sc.deploy {
                return Some((sc, None));
            }
            let step = task.id.strip_prefix(sc.id.as_str())?.strip_prefix('.')?;
            SchemaStep::ALL
                .into_iter()
                .find(|s| s.name() == step)
                .map(|s| (sc, Some(s)))
        })
    }

    /// Every task's index by id (for many look-ups; one: [`Self::task_index`]).
    pub fn task_ids(&self) -> std::collections::HashMap<&str, usize> {
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect()
    }

    /// Index of a task by id.
    pub fn task_index(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    /// Whether a blackout's scope includes a task: it covers everything,
    /// names one of the task's teams, or covers one of its systems.
    pub fn blackout_covers(&self, b: &Blackout, task: &Task) -> bool {
        b.covers_everything()
            || task.needs.iter().any(|(k, _)| b.teams.contains(k))
            || task
                .systems
                .iter()
                .any(|&s| self.blackout_covers_system(b, s))
    }

    /// Whether a blackout's scope names system `s` itself, its zone or one
    /// of its tags (a blackout over everything or over teams is not
    /// counted here; see [`Inventory::blackout_covers`]).
    pub fn blackout_covers_system(&self, b: &Blackout, s: usize) -> bool {
        let sys = &self.systems[s];
        b.systems.contains(&s)
            || sys.zone.is_some_and(|z| b.zones.contains(&z))
            || sys.tags.iter().any(|t| b.tags.contains(t))
    }
}
