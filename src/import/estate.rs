//! What a CMDB or a catalogue says about the estate, source-neutral, and
//! the inventory written from it: everything known, and a `FILL-IN`
//! placeholder for each thing the source cannot say (task durations and
//! outages, teams' capacities and hours, clusters' `min_available`, DR
//! pairing, the window itself). `validate` names each placeholder (E120).

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The placeholder written where the source says nothing (E120 until filled in).
pub const FILL_IN: &str = crate::inventory::FILL_IN;

/// A system (a host, database, application, device).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemOut {
    /// The inventory id (the CI's name, whitespace and `@` replaced by `-`).
    pub id: String,
    /// Zone, when the source gives one.
    pub zone: Option<String>,
    /// Site, when the source gives one.
    pub site: Option<String>,
    /// Tags (the CI's kind).
    pub tags: Vec<String>,
    /// Where it came from (`servicenow cmdb_ci_server sys_id ...`).
    pub notes: String,
    /// The team (support group, owner) that changes it, when known.
    pub team: Option<String>,
}

/// A redundancy group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterOut {
    /// The inventory id.
    pub id: String,
    /// Member system ids.
    pub members: Vec<String>,
    /// Where it came from.
    pub notes: String,
    /// The team that changes it, when known.
    pub team: Option<String>,
}

/// A business service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceOut {
    /// The inventory id.
    pub id: String,
    /// Weight of one minute of downtime (from the criticality, when given).
    pub weight: Option<f64>,
    /// Required systems or clusters.
    pub requires: Vec<String>,
    /// Where it came from.
    pub notes: String,
}

/// A dependency between two systems (or clusters).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntegrationOut {
    /// The inventory id.
    pub id: String,
    /// Producer (what the consumer depends on or runs on).
    pub from: String,
    /// Consumer.
    pub to: String,
    /// `sync` or `async` (async gets a `tolerance` placeholder).
    pub asynchronous: bool,
}

/// A blackout from a schedule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlackoutOut {
    /// The inventory id.
    pub id: String,
    /// Local start, or None when it must be filled in (a repeating entry).
    pub from: Option<String>,
    /// Local end, likewise.
    pub to: Option<String>,
    /// Systems in scope (empty with `clusters` empty: everything).
    pub systems: Vec<String>,
    /// Clusters in scope.
    pub clusters: Vec<String>,
    /// Services in scope (every system they require).
    pub services: Vec<String>,
    /// Why.
    pub reason: String,
}

/// What the source says, source-neutral.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    /// Systems.
    pub systems: Vec<SystemOut>,
    /// Clusters.
    pub clusters: Vec<ClusterOut>,
    /// Services.
    pub services: Vec<ServiceOut>,
    /// Integrations.
    pub integrations: Vec<IntegrationOut>,
    /// Blackouts.
    pub blackouts: Vec<BlackoutOut>,
    /// Teams named by the source (support groups, owners, Backstage groups).
    pub teams: BTreeSet<String>,
}

/// Options of the written inventory.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The window's IANA timezone, when given (else a placeholder).
    pub timezone: Option<String>,
    /// The window's start, when given (else a placeholder).
    pub start: Option<String>,
}

/// An id the inventory accepts: the name with whitespace and `@` replaced by `-`.
pub fn id_of(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '@' || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect()
}

fn fill() -> Value {
    Value::String(FILL_IN.into())
}

fn with_notes(mut m: Map<String, Value>, notes: &str) -> Value {
    if !notes.is_empty() {
        m.insert("notes".into(), json!(notes));
    }
    Value::Object(m)
}

impl Estate {
    /// The inventory: every section the source fills, placeholders for the rest.
    pub fn to_inventory(&self, opts: &WriteOptions) -> Value {
        let mut inv = Map::new();
        inv.insert(
            "window".into(),
            json!({
                "start": opts.start.clone().unwrap_or_else(|| FILL_IN.into()),
                "timezone": opts.timezone.clone().unwrap_or_else(|| FILL_IN.into()),
            }),
        );
        let teams: Vec<Value> = self
            .teams
            .iter()
            .map(|t| json!({"id": t, "capacity": FILL_IN, "available": FILL_IN}))
            .collect();
        inv.insert("teams".into(), Value::Array(teams));
        let zones: BTreeSet<&String> = self
            .systems
            .iter()
            .filter_map(|s| s.zone.as_ref())
            .collect();
        inv.insert("systems".into(), self.systems_value());
        inv.insert(
            "clusters".into(),
            Value::Array(
                self.clusters
                    .iter()
                    .map(|c| {
                        let mut m = Map::new();
                        m.insert("id".into(), json!(c.id));
                        m.insert("members".into(), json!(c.members));
                        m.insert("min_available".into(), fill());
                        Value::Object(m)
                    })
                    .collect(),
            ),
        );
        inv.insert(
            "zones".into(),
            Value::Array(zones.into_iter().map(|z| json!({"id": z})).collect()),
        );
        inv.insert("dr".into(), fill());
        inv.insert("blackouts".into(), self.blackouts_value());
        inv.insert("services".into(), self.services_value());
        inv.insert("integrations".into(), self.integrations_value());
        inv.insert("tasks".into(), Value::Array(self.task_skeletons()));
        Value::Object(inv)
    }

    fn systems_value(&self) -> Value {
        Value::Array(
            self.systems
                .iter()
                .map(|s| {
                    let mut m = Map::new();
                    m.insert("id".into(), json!(s.id));
                    if let Some(z) = &s.zone {
                        m.insert("zone".into(), json!(z));
                    }
                    if let Some(site) = &s.site {
                        m.insert("site".into(), json!(site));
                    }
                    if !s.tags.is_empty() {
                        m.insert("tags".into(), json!(s.tags));
                    }
                    with_notes(m, &s.notes)
                })
                .collect(),
        )
    }

    fn blackouts_value(&self) -> Value {
        Value::Array(
            self.blackouts
                .iter()
                .map(|b| {
                    let mut scope = Map::new();
                    if !b.systems.is_empty() {
                        scope.insert("systems".into(), json!(b.systems));
                    }
                    if !b.clusters.is_empty() {
                        scope.insert("clusters".into(), json!(b.clusters));
                    }
                    if !b.services.is_empty() {
                        scope.insert("services".into(), json!(b.services));
                    }
                    json!({
                        "id": b.id,
                        "from": b.from.clone().unwrap_or_else(|| FILL_IN.into()),
                        "to": b.to.clone().unwrap_or_else(|| FILL_IN.into()),
                        "scope": scope,
                        "reason": b.reason,
                    })
                })
                .collect(),
        )
    }

    fn services_value(&self) -> Value {
        Value::Array(
            self.services
                .iter()
                .map(|s| {
                    let mut m = Map::new();
                    m.insert("id".into(), json!(s.id));
                    if let Some(w) = s.weight {
                        let whole = w.fract() == 0.0 && w.abs() < 1e9;
                        m.insert(
                            "weight".into(),
                            if whole { json!(w as i64) } else { json!(w) },
                        );
                    }
                    m.insert("requires".into(), json!(s.requires));
                    with_notes(m, &s.notes)
                })
                .collect(),
        )
    }

    fn integrations_value(&self) -> Value {
        Value::Array(
            self.integrations
                .iter()
                .map(|i| {
                    let mut m = Map::new();
                    m.insert("id".into(), json!(i.id));
                    m.insert("from".into(), json!(i.from));
                    m.insert("to".into(), json!(i.to));
                    if i.asynchronous {
                        m.insert("mode".into(), json!("async"));
                        m.insert("tolerance".into(), fill());
                    } else {
                        m.insert("mode".into(), json!("sync"));
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    }

    /// One task per cluster and per system outside every cluster, with
    /// placeholders for what the CMDB cannot say (the user deletes the
    /// tasks that are not in tonight's change).
    fn task_skeletons(&self) -> Vec<Value> {
        let clustered: BTreeSet<&String> = self.clusters.iter().flat_map(|c| &c.members).collect();
        let mut out = Vec::new();
        for c in &self.clusters {
            out.push(json!({
                "id": format!("change-{}", c.id),
                "cluster": c.id,
                "duration": FILL_IN,
                "outage": FILL_IN,
                "team": c.team.clone().unwrap_or_else(|| FILL_IN.into()),
            }));
        }
        for s in self.systems.iter().filter(|s| !clustered.contains(&s.id)) {
            out.push(json!({
                "id": format!("change-{}", s.id),
                "system": s.id,
                "duration": FILL_IN,
                "outage": FILL_IN,
                "team": s.team.clone().unwrap_or_else(|| FILL_IN.into()),
            }));
        }
        out
    }
}

/// The gaps left in an inventory value: (path, what to write), in file order.
pub fn gaps(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

fn walk(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s == FILL_IN => out.push(path),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(x, p, out);
            }
        }
        _ => {}
    }
}

/// The header of the written file: where it came from and the gaps to fill, by kind.
pub fn header(source: &str, inventory: &Value) -> Vec<String> {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for g in gaps(inventory) {
        let field = g.rsplit('.').next().unwrap_or(&g);
        let field = field.split('[').next().unwrap_or(field).to_string();
        *kinds.entry(field).or_default() += 1;
    }
    let mut h = vec![
        format!("Imported by `windowplan import {source}`."),
        "Everything the source says is written below. What it cannot say is".into(),
        format!("written `{FILL_IN}`: `windowplan validate` names each one (E120) with"),
        "its path and what to write. Re-import with `--merge THIS-FILE` keeps what".into(),
        "you fill in. Tasks: one per cluster and per other system; delete those".into(),
        "not in tonight's change, split or add the rest.".into(),
        String::new(),
        "Gaps to fill in:".into(),
    ];
    if kinds.is_empty() {
        h.pop();
        h.push("No gaps left: every value is filled in.".into());
    }
    for (k, n) in kinds {
        h.push(format!("  {k}: {n}"));
    }
    h
}
