//! The serde model of the v1 inventory file, exactly as written by the user
//! (see DESIGN.md, "Inventory format (v1)"). Nothing here is resolved or
//! checked beyond the shape of the document: ids are strings, durations and
//! times are text, numbers are wide signed integers so that zero or negative
//! values reach validation (and get a proper diagnostic) instead of failing in
//! serde. Unknown fields are refused everywhere so typos are caught.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// A scalar written as text: a duration, a local time or an interval.
/// Numbers and booleans are accepted and kept as their text, so that `90`
/// reaches the duration parser and gets a helpful message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string such as `45m` or `2026-12-05T22:00`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole inventory file. Every list is optional except `window`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryFile {
    /// The maintenance window: start, timezone, optional deadline and metadata.
    pub window: WindowFile,
    /// Teams (`teams:`), referenced by tasks' `team` and `needs`.
    #[serde(default)]
    pub teams: Vec<TeamFile>,
    /// Systems (`systems:`), referenced by tasks, clusters, services and DR pairs.
    #[serde(default)]
    pub systems: Vec<SystemFile>,
    /// Clusters (`clusters:`): redundancy groups of systems.
    #[serde(default)]
    pub clusters: Vec<ClusterFile>,
    /// Zones (`zones:`), referenced by systems' `zone` and blackout scopes.
    #[serde(default)]
    pub zones: Vec<ZoneFile>,
    /// DR pairs (`dr:`): primary and standby never down at the same minute.
    #[serde(default)]
    pub dr: Vec<DrFile>,
    /// Blackouts (`blackouts:`): intervals no task in scope may overlap.
    #[serde(default)]
    pub blackouts: Vec<BlackoutFile>,
    /// Services (`services:`) whose weighted downtime the plan accounts.
    #[serde(default)]
    pub services: Vec<ServiceFile>,
    /// Integrations (`integrations:`) between a producer and a consumer system.
    #[serde(default)]
    pub integrations: Vec<IntegrationFile>,
    /// Tasks (`tasks:`): the changes to schedule.
    #[serde(default)]
    pub tasks: Vec<TaskFile>,
    /// Format 1.2 schema changes done expand/contract (`schema_changes:`),
    /// expanded into tasks before validation (`inventory::schema_changes`).
    #[serde(default)]
    pub schema_changes: Vec<SchemaChangeFile>,
}

/// The `window:` section: when the maintenance window opens and its timezone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowFile {
    /// Local wall-clock time, e.g. `2026-12-05T22:00`.
    pub start: Text,
    /// IANA timezone name.
    pub timezone: String,
    /// Optional local wall-clock time (`2026-12-06T06:00`) by which every task must end.
    #[serde(default)]
    pub deadline: Option<Text>,
    /// Optional free-text title, shown in every report.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional change reference (e.g. `CHG-2026-1114`), shown in every report.
    #[serde(default)]
    pub change: Option<String>,
}

/// One entry of `teams:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    /// Unique id of the team, referenced by tasks' `team` and `needs`.
    pub id: String,
    /// How many of the team's tasks may run at once.
    pub capacity: i64,
    /// Intervals `A/B`; capacity is 0 outside them.
    #[serde(default)]
    pub available: Option<Vec<Text>>,
}

/// One entry of `systems:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemFile {
    /// Unique id of the system, referenced by tasks, clusters, services, integrations and DR pairs.
    pub id: String,
    /// Optional id of the zone the system belongs to (see `zones:`).
    #[serde(default)]
    pub zone: Option<String>,
    /// Optional site label (e.g. `primary`).
    #[serde(default)]
    pub site: Option<String>,
    /// Optional tags, usable in blackout scopes.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default 1.
    #[serde(default)]
    pub parallel_changes: Option<i64>,
    /// Run by someone else (a vendor, a SaaS provider): no task of ours may
    /// change it, so no task may name it.
    #[serde(default)]
    pub external: bool,
    /// Known outages of the system, whatever the plan does.
    #[serde(default)]
    pub unavailable: Vec<UnavailableFile>,
    /// Optional free text, shown under the system in reports.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One known outage of a system (`{ from, to, reason }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnavailableFile {
    /// Local wall-clock start of the outage (`2026-12-06T02:00`).
    pub from: Text,
    /// Local wall-clock end of the outage (`2026-12-06T02:30`).
    pub to: Text,
    /// Optional free-text reason (e.g. `vendor maintenance`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// One entry of `clusters:`: a redundancy group of systems.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    /// Unique id of the cluster, referenced by tasks' `cluster`, services, DR pairs and `down`.
    pub id: String,
    /// Ids of the member systems, in order (the order used by `canary`).
    pub members: Vec<String>,
    /// At every minute at least this many members are up (alternative to `max_unavailable`).
    #[serde(default)]
    pub min_available: Option<i64>,
    /// At every minute at most this many members are down (alternative to `min_available`).
    #[serde(default)]
    pub max_unavailable: Option<i64>,
}

/// One entry of `zones:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneFile {
    /// Unique id of the zone, referenced by systems' `zone` and blackout scopes.
    pub id: String,
    /// Optional; a zone without it is a label.
    #[serde(default)]
    pub max_concurrent: Option<i64>,
}

/// Order of a DR pair's outages (`order:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrOrderFile {
    /// `standby_first`: every outage of the standby comes before any of the primary.
    StandbyFirst,
    /// `primary_first`: every outage of the primary comes before any of the standby.
    PrimaryFirst,
}

/// One entry of `dr:`: a primary and a standby that are never down at the same minute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrFile {
    /// Id of the primary system or cluster.
    pub primary: String,
    /// Id of the standby system or cluster.
    pub standby: String,
    /// Optional order of the two sides' outages; none when not written.
    #[serde(default)]
    pub order: Option<DrOrderFile>,
}

/// The `scope` of a blackout; all lists empty means everything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeFile {
    /// Ids of systems in scope.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Ids of zones whose systems are in scope.
    #[serde(default)]
    pub zones: Vec<String>,
    /// Tags whose systems are in scope.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Every member of these clusters.
    #[serde(default)]
    pub clusters: Vec<String>,
    /// Every system these services require.
    #[serde(default)]
    pub services: Vec<String>,
    /// Every task of these teams.
    #[serde(default)]
    pub teams: Vec<String>,
}

/// One entry of `blackouts:`: an interval no task in scope may overlap.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutFile {
    /// Optional id (lets a what-if patch it by key).
    #[serde(default)]
    pub id: Option<String>,
    /// Local wall-clock start of the blackout (`2026-12-06T01:00`).
    pub from: Text,
    /// Local wall-clock end of the blackout (`2026-12-06T03:00`).
    pub to: Text,
    /// Missing or empty scope = everything.
    #[serde(default)]
    pub scope: ScopeFile,
    /// Optional free-text reason (e.g. `nightly ETL`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// One entry of `services:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    /// Unique id of the service.
    pub id: String,
    /// Default 1.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Systems or clusters the service needs: down when a required one is down.
    #[serde(default)]
    pub requires: Vec<RequireFile>,
    /// Optional hard limit on the service's downtime, a duration (`0m`, `1h30m`).
    #[serde(default)]
    pub max_downtime: Option<Text>,
    /// Optional free text, shown under the services table.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One entry of a service's `requires`: an id, or a group
/// `{ any: [a, b], switchover: 5m }` that is up while one member is up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RequireFile {
    /// A system or cluster id.
    Id(String),
    /// An `any` group.
    Any(AnyFile),
}

impl RequireFile {
    /// The id of a plain entry.
    pub fn id(&self) -> Option<&str> {
        match self {
            RequireFile::Id(s) => Some(s),
            RequireFile::Any(_) => None,
        }
    }
}

/// An `any: [...]` group in `requires`, up while one member is up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyFile {
    /// Ids of the member systems or clusters, in order of preference (at least two).
    pub any: Vec<String>,
    /// Downtime counted each time the serving member changes, a duration (`5m`).
    #[serde(default)]
    pub switchover: Option<Text>,
}

/// `mode:` of an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationModeFile {
    /// `sync`: the consumer counts as down while the producer is.
    Sync,
    /// `async`: the consumer counts as down once a producer outage lasts longer than `tolerance`.
    Async,
}

/// One entry of `integrations:`: a producer system feeding a consumer system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationFile {
    /// Unique id of the integration.
    pub id: String,
    /// Id of the producer system.
    pub from: String,
    /// Id of the consumer system.
    pub to: String,
    /// `sync` or `async`.
    pub mode: IntegrationModeFile,
    /// For `async`: how long the consumer rides out a producer outage, a duration (`60m`).
    #[serde(default)]
    pub tolerance: Option<Text>,
}

/// A task's duration: fixed (`45m`) or a three-point estimate
/// (`{ min: 20m, likely: 30m, max: 1h }`, read as a triangular
/// distribution by `windowplan risk`; the plan uses `likely`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationSpec {
    /// `45m`.
    Fixed(Text),
    /// `{ min, likely, max }`.
    ThreePoint {
        /// Shortest duration (`20m`).
        min: Text,
        /// Most likely duration (`30m`), the one the plan uses.
        likely: Text,
        /// Longest duration (`1h`).
        max: Text,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreePointFile {
    min: Text,
    likely: Text,
    max: Text,
}

impl<'de> Deserialize<'de> for DurationSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DurationSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as `45m`, or `{ min: 20m, likely: 30m, max: 1h }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationSpec, E> {
                Ok(DurationSpec::Fixed(Text(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<DurationSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DurationSpec, A::Error> {
                let t = ThreePointFile::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DurationSpec::ThreePoint {
                    min: t.min,
                    likely: t.likely,
                    max: t.max,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// One entry of `after`: a task id, or `{task, lag, max_lag}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterFile {
    /// Id of the task to wait for (may be an expanded id `<task>@<member>` or `<task>.<step>`).
    pub task: String,
    /// Minimum time from that task's end to this task's start, a duration (`10m`, may be negative); 0 when not written.
    pub lag: Option<Text>,
    /// Optional maximum time from that task's end to this task's start, a duration (`30m`).
    pub max_lag: Option<Text>,
    /// `<t>@m` waits only for `<task>@m`.
    pub same_member: bool,
    /// `even_if: failed`: this task runs even when that one fails (or does
    /// not run); on the night it is not dropped on that task's account.
    pub even_if: Option<EvenIf>,
}

/// When an `after` entry still lets the task run (`even_if`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvenIf {
    /// The task it waits for failed, or did not run.
    Failed,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterDetailed {
    task: String,
    #[serde(default)]
    lag: Option<Text>,
    #[serde(default)]
    max_lag: Option<Text>,
    #[serde(default)]
    same_member: bool,
    #[serde(default)]
    even_if: Option<EvenIf>,
}

impl<'de> Deserialize<'de> for AfterFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AfterFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a task id or a map `{ task: ID, lag: 10m, max_lag: 30m }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AfterFile, E> {
                Ok(AfterFile {
                    task: v.to_string(),
                    lag: None,
                    max_lag: None,
                    same_member: false,
                    even_if: None,
                })
            }
            // A plain id that YAML reads as a number or boolean (`after: [42]`).
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AfterFile, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AfterFile, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AfterFile, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<AfterFile, A::Error> {
                let a = AfterDetailed::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(AfterFile {
                    task: a.task,
                    lag: a.lag,
                    max_lag: a.max_lag,
                    same_member: a.same_member,
                    even_if: a.even_if,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `needs: { team: amount }`, keeping the order written (and any repeated
/// key, so validation can report it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedsFile(pub Vec<(String, i64)>);

impl<'de> Deserialize<'de> for NeedsFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NeedsFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of team id to amount, e.g. `{ dba: 1 }`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NeedsFile, A::Error> {
                let mut v = Vec::new();
                while let Some((k, n)) = map.next_entry::<String, i64>()? {
                    v.push((k, n));
                }
                Ok(NeedsFile(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// One entry of `tasks:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFile {
    /// Unique id of the task, referenced by other tasks' `after`.
    pub id: String,
    /// Id of the system the task runs on.
    #[serde(default)]
    pub system: Option<String>,
    /// Ids of the systems the task runs on (instead of `system`).
    #[serde(default)]
    pub systems: Option<Vec<String>>,
    /// Id of a cluster: one task per member, ids `<task>@<member>`.
    #[serde(default)]
    pub cluster: Option<String>,
    /// Required unless the task gives `steps`.
    #[serde(default)]
    pub duration: Option<DurationSpec>,
    /// `None` when not written: true, except for `read_only` and
    /// coordination tasks.
    #[serde(default)]
    pub outage: Option<bool>,
    /// Id of the one team the task needs (instead of `needs`).
    #[serde(default)]
    pub team: Option<String>,
    /// Teams and amounts the task needs (instead of `team`), e.g. `{ dba: 1 }`.
    #[serde(default)]
    pub needs: Option<NeedsFile>,
    /// Tasks this one starts after (finish-to-start, with optional lags).
    #[serde(default)]
    pub after: Vec<AfterFile>,
    /// Optional allowed intervals `A/B` of local wall-clock times; the task lies wholly inside one.
    #[serde(default)]
    pub windows: Option<Vec<Text>>,
    /// How long it takes to back the change out if it fails (`20m`).
    #[serde(default)]
    pub backout: Option<Text>,
    /// The task may be left out on the night to hold the deadline (`replan`).
    #[serde(default)]
    pub optional: bool,
    /// Runbook text, carried into the reports.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional change reference, free text.
    #[serde(default)]
    pub change: Option<String>,
    /// Optional owner, free text.
    #[serde(default)]
    pub owner: Option<String>,
    /// Optional contact, free text.
    #[serde(default)]
    pub contact: Option<String>,
    /// Optional notes, free text.
    #[serde(default)]
    pub notes: Option<String>,
    /// Optional rollback instructions, free text.
    #[serde(default)]
    pub rollback: Option<String>,
    /// Steps run back to back on the task's system(s).
    #[serde(default)]
    pub steps: Option<Vec<StepFile>>,
    /// The first k members finish before any other starts.
    #[serde(default)]
    pub canary: Option<i64>,
    /// A check that changes nothing (no zone count, no outage).
    #[serde(default)]
    pub read_only: bool,
    /// Systems or clusters that count as down while it runs.
    #[serde(default)]
    pub down: Vec<String>,
    /// Format 1.2, campaigns only: the windows (ids of `campaign.windows`)
    /// the task may run in.
    #[serde(default)]
    pub windows_allowed: Option<Vec<String>>,
    /// Format 1.2, campaigns only: the one window the task runs in.
    #[serde(default)]
    pub in_window: Option<String>,
    /// Not written by users: tasks this one must follow in a strictly later
    /// window of a campaign (a schema change's contract after its deploy,
    /// unless `same_window: true`). Set when `schema_changes` are expanded
    /// into tasks; a single-window inventory cannot satisfy a non-empty list.
    #[serde(skip)]
    pub later_window_than: Vec<String>,
}

/// One step of a task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    /// Unique id of the step within the task (no `@` or `.`); expanded id `<task>.<step>`.
    pub id: String,
    /// Duration of the step (`5m`, `1h30m`).
    pub duration: Text,
    /// Id of the team the step needs; the task's `team`/`needs` when not written.
    #[serde(default)]
    pub team: Option<String>,
    /// Whether the system is down during the step; the task's `outage`, else true unless `read_only`.
    #[serde(default)]
    pub outage: Option<bool>,
    /// The step is a check that changes nothing (implies `outage: false` unless given).
    #[serde(default)]
    pub read_only: bool,
}

/// `app:` of a schema change: a cluster or system id, or a list of systems.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AppFile {
    /// A cluster (every member) or one system.
    One(String),
    /// Systems.
    Systems(Vec<String>),
}

/// One step of a schema change (`expand`, `backfill`): an online activity
/// on the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaStepFile {
    /// How long it takes (`20m`, or three-point).
    pub duration: DurationSpec,
    /// The one team it needs (instead of `needs`).
    #[serde(default)]
    pub team: Option<String>,
    /// Teams and amounts it needs (instead of `team`).
    #[serde(default)]
    pub needs: Option<NeedsFile>,
    /// Optional runbook title.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional runbook notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// The `contract:` step of a schema change: drops the old shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractFile {
    /// How long it takes.
    pub duration: DurationSpec,
    /// The one team it needs (instead of `needs`).
    #[serde(default)]
    pub team: Option<String>,
    /// Teams and amounts it needs (instead of `team`).
    #[serde(default)]
    pub needs: Option<NeedsFile>,
    /// Run in the same window as the deploy (default false: a later window).
    #[serde(default)]
    pub same_window: bool,
    /// Optional runbook title.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional runbook notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// The optional `cutover:` of a schema change: a brief blocking swap.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutoverFile {
    /// How long the database blocks (`2m`).
    pub duration: DurationSpec,
    /// The one team it needs; the contract's team/needs when not written.
    #[serde(default)]
    pub team: Option<String>,
    /// Teams and amounts it needs (instead of `team`).
    #[serde(default)]
    pub needs: Option<NeedsFile>,
    /// Optional runbook title.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional runbook notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One entry of `schema_changes:` (format 1.2): a schema change done
/// expand/contract, expanded into tasks `<id>.expand`, `<id>.backfill`,
/// `<id>.cutover` and `<id>.contract` around the deploy task it names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaChangeFile {
    /// Unique id; the generated tasks are `<id>.<step>`.
    pub id: String,
    /// The system the DDL runs on.
    pub database: String,
    /// The cluster (or systems) whose code reads and writes the schema.
    pub app: AppFile,
    /// Other systems that write the schema and must run the new code before the backfill.
    #[serde(default)]
    pub writers: Vec<String>,
    /// Additive DDL, online.
    pub expand: SchemaStepFile,
    /// Id of the task that moves each app member to code that reads both shapes.
    pub deploy: String,
    /// Online copy of the old data into the new shape.
    pub backfill: SchemaStepFile,
    /// Drop the old shape.
    pub contract: ContractFile,
    /// Optional brief blocking swap (an outage of the database).
    #[serde(default)]
    pub cutover: Option<CutoverFile>,
    /// Tasks the expand (the schema change's first step) waits for, as a
    /// task's `after` (a backup of the database, say).
    #[serde(default)]
    pub after: Vec<AfterFile>,
    /// Optional title, carried into the generated tasks' runbook text.
    #[serde(default)]
    pub title: Option<String>,
    /// Optional change reference, carried into the generated tasks.
    #[serde(default)]
    pub change: Option<String>,
    /// Optional owner, carried into the generated tasks.
    #[serde(default)]
    pub owner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Result<InventoryFile, serde_json::Error> {
        serde_json::from_str(s)
    }

    const WINDOW: &str = r#""window": {"start": "2026-12-05T22:00", "timezone": "UTC"}"#;

    #[test]
    fn minimal_has_empty_lists() {
        let f = json(&format!("{{{WINDOW}}}")).unwrap();
        assert_eq!(f.window.start.as_str(), "2026-12-05T22:00");
        assert!(f.window.deadline.is_none());
        assert!(f.teams.is_empty() && f.systems.is_empty() && f.clusters.is_empty());
        assert!(f.zones.is_empty() && f.dr.is_empty() && f.blackouts.is_empty());
        assert!(f.services.is_empty() && f.integrations.is_empty() && f.tasks.is_empty());
        assert!(json("{}").unwrap_err().to_string().contains("window"));
    }

    #[test]
    fn task_forms() {
        let f = json(&format!(
            r#"{{{WINDOW}, "tasks": [
              {{"id": "a", "system": "s", "duration": "45m",
                "needs": {{"dba": 1, "ops": 2}},
                "after": ["x", {{"task": "y", "lag": "-10m", "max_lag": "30m"}}, 7],
                "windows": ["2026-12-05T23:00/2026-12-06T03:00"]}},
              {{"id": "b", "cluster": "k", "duration": 90, "outage": false, "team": "dba"}}
            ]}}"#
        ))
        .unwrap();
        let a = &f.tasks[0];
        // Not written: validation takes it as true (unless read_only).
        assert_eq!(a.outage, None, "outage defaults to true");
        assert_eq!(a.duration, Some(DurationSpec::Fixed(Text("45m".into()))));
        assert_eq!(
            a.needs,
            Some(NeedsFile(vec![("dba".into(), 1), ("ops".into(), 2)]))
        );
        assert_eq!(
            a.after,
            vec![
                AfterFile {
                    task: "x".into(),
                    lag: None,
                    max_lag: None,
                    same_member: false,
                    even_if: None
                },
                AfterFile {
                    task: "y".into(),
                    lag: Some(Text("-10m".into())),
                    max_lag: Some(Text("30m".into())),
                    same_member: false,
                    even_if: None
                },
                AfterFile {
                    task: "7".into(),
                    lag: None,
                    max_lag: None,
                    same_member: false,
                    even_if: None
                },
            ]
        );
        let b = &f.tasks[1];
        assert_eq!(b.outage, Some(false));
        // A bare number is kept as text so the duration parser can explain it.
        assert_eq!(b.duration, Some(DurationSpec::Fixed(Text("90".into()))));
        assert_eq!(b.cluster.as_deref(), Some("k"));
    }

    #[test]
    fn three_point_duration_and_backout() {
        let f = json(&format!(
            r#"{{{WINDOW}, "tasks": [
              {{"id": "a", "system": "s", "duration": {{"min": "20m", "likely": "30m", "max": "1h"}},
                "backout": "20m"}}
            ]}}"#
        ))
        .unwrap();
        assert_eq!(
            f.tasks[0].duration,
            Some(DurationSpec::ThreePoint {
                min: Text("20m".into()),
                likely: Text("30m".into()),
                max: Text("1h".into())
            })
        );
        assert_eq!(f.tasks[0].backout, Some(Text("20m".into())));
        assert!(json(&format!(
            r#"{{{WINDOW}, "tasks": [{{"id": "a", "system": "s", "duration": {{"min": "1m", "likely": "2m"}}}}]}}"#
        ))
        .is_err());
    }

    #[test]
    fn unknown_fields_refused_at_every_level() {
        for bad in [
            r#""extra": 1"#,
            r#""teams": [{"id": "t", "capacity": 1, "avail": []}]"#,
            r#""tasks": [{"id": "t", "system": "s", "duration": "5m", "after": [{"task": "x", "lagg": "5m"}]}]"#,
            r#""blackouts": [{"from": "a", "to": "b", "scope": {"system": []}}]"#,
            r#""dr": [{"primary": "a", "standby": "b", "order": "first"}]"#,
            r#""integrations": [{"id": "i", "from": "a", "to": "b", "mode": "fast"}]"#,
        ] {
            assert!(json(&format!("{{{WINDOW}, {bad}}}")).is_err(), "{bad}");
        }
    }

    #[test]
    fn enums_and_defaults() {
        let f = json(&format!(
            r#"{{{WINDOW},
              "dr": [{{"primary": "a", "standby": "b", "order": "primary_first"}}],
              "integrations": [{{"id": "i", "from": "a", "to": "b", "mode": "async", "tolerance": "1h"}}],
              "blackouts": [{{"from": "x", "to": "y"}}],
              "services": [{{"id": "s"}}],
              "clusters": [{{"id": "k", "members": ["a"], "max_unavailable": 1}}],
              "systems": [{{"id": "a"}}]}}"#
        ))
        .unwrap();
        assert_eq!(f.dr[0].order, Some(DrOrderFile::PrimaryFirst));
        assert_eq!(f.integrations[0].mode, IntegrationModeFile::Async);
        assert!(f.blackouts[0].scope.systems.is_empty() && f.blackouts[0].reason.is_none());
        assert!(f.services[0].weight.is_none() && f.services[0].requires.is_empty());
        assert_eq!(f.clusters[0].max_unavailable, Some(1));
        assert!(f.systems[0].parallel_changes.is_none() && f.systems[0].tags.is_empty());
    }
}
