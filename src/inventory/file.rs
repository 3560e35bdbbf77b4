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
    pub window: WindowFile,
    #[serde(default)]
    pub teams: Vec<TeamFile>,
    #[serde(default)]
    pub systems: Vec<SystemFile>,
    #[serde(default)]
    pub clusters: Vec<ClusterFile>,
    #[serde(default)]
    pub zones: Vec<ZoneFile>,
    #[serde(default)]
    pub dr: Vec<DrFile>,
    #[serde(default)]
    pub blackouts: Vec<BlackoutFile>,
    #[serde(default)]
    pub services: Vec<ServiceFile>,
    #[serde(default)]
    pub integrations: Vec<IntegrationFile>,
    #[serde(default)]
    pub tasks: Vec<TaskFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowFile {
    /// Local wall-clock time, e.g. `2026-12-05T22:00`.
    pub start: Text,
    /// IANA timezone name.
    pub timezone: String,
    #[serde(default)]
    pub deadline: Option<Text>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub change: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    pub id: String,
    pub capacity: i64,
    /// Intervals `A/B`; capacity is 0 outside them.
    #[serde(default)]
    pub available: Option<Vec<Text>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemFile {
    pub id: String,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default 1.
    #[serde(default)]
    pub parallel_changes: Option<i64>,
    /// Format 1.1: not ours; no task may name it.
    #[serde(default)]
    pub external: bool,
    /// Format 1.1: known outages of the system, whatever the plan does.
    #[serde(default)]
    pub unavailable: Vec<UnavailableFile>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Format 1.1: one known outage of a system (`{ from, to, reason }`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnavailableFile {
    pub from: Text,
    pub to: Text,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    pub id: String,
    pub members: Vec<String>,
    #[serde(default)]
    pub min_available: Option<i64>,
    #[serde(default)]
    pub max_unavailable: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneFile {
    pub id: String,
    /// Format 1.1: optional; a zone without it is a label.
    #[serde(default)]
    pub max_concurrent: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrOrderFile {
    StandbyFirst,
    PrimaryFirst,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrFile {
    pub primary: String,
    pub standby: String,
    #[serde(default)]
    pub order: Option<DrOrderFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeFile {
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Format 1.1: every member of these clusters.
    #[serde(default)]
    pub clusters: Vec<String>,
    /// Format 1.1: every system these services require.
    #[serde(default)]
    pub services: Vec<String>,
    /// Format 1.1: every task of these teams.
    #[serde(default)]
    pub teams: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutFile {
    /// Format 1.1: optional id (lets a what-if patch it by key).
    #[serde(default)]
    pub id: Option<String>,
    pub from: Text,
    pub to: Text,
    /// Missing or empty scope = everything.
    #[serde(default)]
    pub scope: ScopeFile,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    pub id: String,
    /// Default 1.
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub requires: Vec<RequireFile>,
    #[serde(default)]
    pub max_downtime: Option<Text>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// One entry of a service's `requires`: an id, or (format 1.1) a group
/// `{ any: [a, b], switchover: 5m }` that is up while one member is up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RequireFile {
    Id(String),
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

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyFile {
    pub any: Vec<String>,
    #[serde(default)]
    pub switchover: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationModeFile {
    Sync,
    Async,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationFile {
    pub id: String,
    pub from: String,
    pub to: String,
    pub mode: IntegrationModeFile,
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
    ThreePoint { min: Text, likely: Text, max: Text },
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
    pub task: String,
    pub lag: Option<Text>,
    pub max_lag: Option<Text>,
    /// Format 1.1: `<t>@m` waits only for `<task>@m`.
    pub same_member: bool,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFile {
    pub id: String,
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default)]
    pub systems: Option<Vec<String>>,
    #[serde(default)]
    pub cluster: Option<String>,
    /// Required unless the task gives `steps` (format 1.1).
    #[serde(default)]
    pub duration: Option<DurationSpec>,
    /// `None` when not written: true, except for `read_only` and
    /// coordination tasks (format 1.1).
    #[serde(default)]
    pub outage: Option<bool>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub needs: Option<NeedsFile>,
    #[serde(default)]
    pub after: Vec<AfterFile>,
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
    #[serde(default)]
    pub change: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub rollback: Option<String>,
    /// Format 1.1: steps run back to back on the task's system(s).
    #[serde(default)]
    pub steps: Option<Vec<StepFile>>,
    /// Format 1.1: the first k members finish before any other starts.
    #[serde(default)]
    pub canary: Option<i64>,
    /// Format 1.1: a check that changes nothing (no zone count, no outage).
    #[serde(default)]
    pub read_only: bool,
    /// Format 1.1: systems or clusters that count as down while it runs.
    #[serde(default)]
    pub down: Vec<String>,
}

/// Format 1.1: one step of a task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    pub id: String,
    pub duration: Text,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub outage: Option<bool>,
    #[serde(default)]
    pub read_only: bool,
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
        // Not written: validation takes it as true (format 1.1: unless read_only).
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
                    same_member: false
                },
                AfterFile {
                    task: "y".into(),
                    lag: Some(Text("-10m".into())),
                    max_lag: Some(Text("30m".into())),
                    same_member: false
                },
                AfterFile {
                    task: "7".into(),
                    lag: None,
                    max_lag: None,
                    same_member: false
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
