//! The JSON Schema (draft 2020-12) of the inventory format, for editors and
//! CI linting. It describes the shape of the document (what
//! `inventory::file` accepts); the rules that need more than the shape
//! (references between ids, intervals in order, cycles...) are left to
//! `windowplan validate`. Shipped as `schema/inventory.schema.json`
//! (`windowplan schema` prints it; a test keeps the two equal).
//!
//! [`validate`] is a small validator for exactly the subset of JSON Schema
//! used here (`type`, `properties`, `required`, `additionalProperties`,
//! `items`, `enum`, `oneOf`, `minItems`, `$ref` into `$defs`).

use serde_json::{json, Value};

/// The leaf shapes shared by the definitions.
struct Leaves {
    /// A non-empty string.
    text: Value,
    /// An id, unique within its list.
    id: Value,
    /// A list of strings (ids).
    ids: Value,
}

impl Leaves {
    /// Builds the leaf shapes.
    fn new() -> Self {
        Leaves {
            text: json!({"type": "string", "minLength": 1}),
            id: json!({"type": "string", "minLength": 1, "description": "an id, unique within its list"}),
            ids: json!({"type": "array", "items": {"type": "string"}}),
        }
    }
}

/// The schema as a JSON value.
pub fn inventory_schema() -> Value {
    let mut defs = serde_json::Map::new();
    window_defs(&mut defs);
    grouping_defs(&mut defs);
    service_defs(&mut defs);
    task_defs(&mut defs);
    schema_change_defs(&mut defs);
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:windowplan:inventory:v1",
        "title": "windowplan inventory (v1)",
        "description": "Systems, teams, rules and changes of one maintenance window. See DESIGN.md, \"Inventory format (v1)\".",
        "type": "object",
        "oneOf": [{"required": ["window"]}, {"required": ["campaign"]}],
        "additionalProperties": false,
        "properties": {
            "window": {"$ref": "#/$defs/window"},
            "campaign": {"$ref": "#/$defs/campaign"},
            "teams": {"type": "array", "items": {"$ref": "#/$defs/team"}},
            "systems": {"type": "array", "items": {"$ref": "#/$defs/system"}},
            "clusters": {"type": "array", "items": {"$ref": "#/$defs/cluster"}},
            "zones": {"type": "array", "items": {"$ref": "#/$defs/zone"}},
            "dr": {"type": "array", "items": {"$ref": "#/$defs/dr"}},
            "blackouts": {"type": "array", "items": {"$ref": "#/$defs/blackout"}},
            "services": {"type": "array", "items": {"$ref": "#/$defs/service"}},
            "integrations": {"type": "array", "items": {"$ref": "#/$defs/integration"}},
            "tasks": {"type": "array", "items": {"$ref": "#/$defs/task"}},
            "schema_changes": {"type": "array", "items": {"$ref": "#/$defs/schemaChange"}}
        }
    });
    schema["$defs"] = Value::Object(defs);
    schema
}

/// The scalar kinds (duration, local time, interval), the window, teams and systems.
fn window_defs(defs: &mut serde_json::Map<String, Value>) {
    let Leaves { text, id, ids, .. } = Leaves::new();
    let scalar = json!({
        "type": ["string", "integer", "number"],
        "description": "a duration such as `45m`, `1h30m` or `2h`"
    });
    defs.insert("duration".into(), json!(scalar));
    defs.insert("localTime".into(), json!({"type": "string", "description": "local wall-clock time in the window's timezone, e.g. `2026-12-05T22:00`"}));
    defs.insert("interval".into(), json!({"type": "string", "description": "`START/END` local times, e.g. `2026-12-05T23:00/2026-12-06T03:00`"}));
    defs.insert("window".into(), json!({
                "type": "object",
                "required": ["start", "timezone"],
                "additionalProperties": false,
                "properties": {
                    "start": {"$ref": "#/$defs/localTime"},
                    "timezone": {"type": "string", "description": "IANA timezone name, e.g. `America/New_York`"},
                    "deadline": {"$ref": "#/$defs/localTime"},
                    "title": {"type": "string", "description": "free text, shown in every report"},
                    "change": {"type": "string", "description": "the change record id; also makes calendar UIDs unique"}
                }
            }));
    defs.insert("team".into(), json!({
                "type": "object",
                "required": ["id", "capacity"],
                "additionalProperties": false,
                "properties": {
                    "id": id,
                    "capacity": {"type": "integer", "minimum": 1, "description": "tasks this team can run at once"},
                    "available": {"type": "array", "items": {"$ref": "#/$defs/interval"}, "description": "capacity is 0 outside these intervals"}
                }
            }));
    defs.insert("system".into(), json!({
                "type": "object",
                "required": ["id"],
                "additionalProperties": false,
                "properties": {
                    "id": id,
                    "zone": text,
                    "site": text,
                    "tags": ids,
                    "parallel_changes": {"type": "integer", "minimum": 1, "description": "tasks that may run on the system at once (default 1)"},
                    "external": {"type": "boolean", "description": "1.1: not ours; no task may run on it"},
                    "unavailable": {"type": "array", "description": "1.1: known outages whatever the plan does", "items": {
                        "type": "object",
                        "required": ["from", "to"],
                        "additionalProperties": false,
                        "properties": {
                            "from": {"$ref": "#/$defs/localTime"},
                            "to": {"$ref": "#/$defs/localTime"},
                            "reason": {"type": "string"}
                        }
                    }},
                    "notes": {"type": "string"}
                }
            }));
}

/// Clusters, zones, DR pairs and blackouts.
fn grouping_defs(defs: &mut serde_json::Map<String, Value>) {
    let Leaves { text, id, ids, .. } = Leaves::new();
    defs.insert(
        "cluster".into(),
        json!({
            "type": "object",
            "required": ["id", "members"],
            "additionalProperties": false,
            "properties": {
                "id": id,
                "members": ids,
                "min_available": {"type": "integer", "minimum": 0},
                "max_unavailable": {"type": "integer", "minimum": 0}
            }
        }),
    );
    defs.insert(
        "zone".into(),
        json!({
            "type": "object",
            "required": ["id"],
            "additionalProperties": false,
            "properties": {
                "id": id,
                "max_concurrent": {"type": "integer", "minimum": 1, "description": "1.1: optional; without it the zone is a label"}
            }
        }),
    );
    defs.insert(
        "dr".into(),
        json!({
            "type": "object",
            "required": ["primary", "standby"],
            "additionalProperties": false,
            "properties": {
                "primary": text,
                "standby": text,
                "order": {"enum": ["standby_first", "primary_first"]}
            }
        }),
    );
    defs.insert(
        "blackout".into(),
        json!({
            "type": "object",
            "required": ["from", "to"],
            "additionalProperties": false,
            "properties": {
                "id": {"type": "string", "description": "1.1: optional id"},
                "from": {"$ref": "#/$defs/localTime"},
                "to": {"$ref": "#/$defs/localTime"},
                "scope": {
                    "type": "object",
                    "additionalProperties": false,
                    "description": "missing or empty = everything",
                    "properties": {"systems": ids, "zones": ids, "tags": ids, "clusters": ids, "services": ids, "teams": ids}
                },
                "reason": {"type": "string"}
            }
        }),
    );
}

/// Services, integrations, `after` edges and task durations.
fn service_defs(defs: &mut serde_json::Map<String, Value>) {
    let Leaves { text, id, .. } = Leaves::new();
    defs.insert("service".into(), json!({
                "type": "object",
                "required": ["id"],
                "additionalProperties": false,
                "properties": {
                    "id": id,
                    "weight": {"type": "number", "description": "cost of one minute of downtime (default 1)"},
                    "requires": {"type": "array", "items": {"oneOf": [
                        {"type": "string"},
                        {
                            "type": "object",
                            "required": ["any"],
                            "additionalProperties": false,
                            "description": "1.1: up while one member is up",
                            "properties": {
                                "any": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                                "switchover": {"$ref": "#/$defs/duration"}
                            }
                        }
                    ]}},
                    "max_downtime": {"$ref": "#/$defs/duration"},
                    "notes": {"type": "string"}
                }
            }));
    defs.insert(
        "integration".into(),
        json!({
            "type": "object",
            "required": ["id", "from", "to", "mode"],
            "additionalProperties": false,
            "properties": {
                "id": id,
                "from": text,
                "to": text,
                "mode": {"enum": ["sync", "async"]},
                "tolerance": {"$ref": "#/$defs/duration"}
            }
        }),
    );
    defs.insert(
        "after".into(),
        json!({
            "oneOf": [
                {"type": ["string", "integer", "boolean"], "description": "a task id"},
                {
                    "type": "object",
                    "required": ["task"],
                    "additionalProperties": false,
                    "properties": {
                        "task": {"type": "string"},
                        "lag": {"$ref": "#/$defs/duration"},
                        "max_lag": {"$ref": "#/$defs/duration"},
                        "same_member": {"type": "boolean", "description": "1.1: `<t>@m` waits only for `<task>@m`"},
                        "even_if": {"enum": ["failed"], "description": "`failed`: this task runs even when that one fails or does not run (replan does not drop it on that task's account)"}
                    }
                }
            ]
        }),
    );
    defs.insert(
        "taskDuration".into(),
        json!({
            "oneOf": [
                {"$ref": "#/$defs/duration"},
                {
                    "type": "object",
                    "required": ["min", "likely", "max"],
                    "additionalProperties": false,
                    "description": "three-point estimate (triangular); the plan uses `likely`",
                    "properties": {
                        "min": {"$ref": "#/$defs/duration"},
                        "likely": {"$ref": "#/$defs/duration"},
                        "max": {"$ref": "#/$defs/duration"}
                    }
                }
            ]
        }),
    );
}

/// Tasks, with steps.
fn task_defs(defs: &mut serde_json::Map<String, Value>) {
    let Leaves { text, id, ids, .. } = Leaves::new();
    defs.insert("task".into(), json!({
                "type": "object",
                "required": ["id"],
                "additionalProperties": false,
                "properties": {
                    "id": id,
                    "system": text,
                    "systems": ids,
                    "cluster": text,
                    "duration": {"$ref": "#/$defs/taskDuration"},
                    "outage": {"type": "boolean", "description": "default true: the system is down while the task runs"},
                    "team": text,
                    "needs": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "after": {"type": "array", "items": {"$ref": "#/$defs/after"}},
                    "windows": {"type": "array", "items": {"$ref": "#/$defs/interval"}},
                    "backout": {"$ref": "#/$defs/duration"},
                    "optional": {"type": "boolean", "description": "default false: replan may leave the task out to hold the deadline"},
                    "title": {"type": "string", "description": "runbook text: what the task does"},
                    "change": {"type": "string"},
                    "owner": {"type": "string"},
                    "contact": {"type": "string"},
                    "notes": {"type": "string", "description": "runbook text: how it is done"},
                    "rollback": {"type": "string", "description": "runbook text: how it is backed out"},
                    "steps": {"type": "array", "minItems": 1, "description": "1.1: steps run back to back", "items": {
                        "type": "object",
                        "required": ["id", "duration"],
                        "additionalProperties": false,
                        "properties": {
                            "id": id,
                            "duration": {"$ref": "#/$defs/duration"},
                            "team": text,
                            "outage": {"type": "boolean"},
                            "read_only": {"type": "boolean"}
                        }
                    }},
                    "canary": {"type": "integer", "minimum": 0, "description": "1.1: the first k members finish before any other starts"},
                    "read_only": {"type": "boolean", "description": "1.1: changes nothing: no zone count, no outage unless `outage: true`"},
                    "down": {"type": "array", "items": {"type": "string"}, "description": "1.1: systems or clusters down while the task runs"},
                    "windows_allowed": {"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "1.2, campaigns: the windows the task may run in"},
                    "in_window": {"type": "string", "description": "1.2, campaigns: the one window the task runs in"}
                }
            }));
    defs.insert("campaign".into(), json!({
                "type": "object",
                "required": ["timezone", "windows"],
                "additionalProperties": false,
                "description": "1.2: several windows instead of `window`",
                "properties": {
                    "timezone": {"type": "string"},
                    "title": {"type": "string"},
                    "change": {"type": "string"},
                    "objective": {"type": "array", "items": {"enum": ["windows", "last_window", "downtime", "length"]}},
                    "windows": {"type": "array", "minItems": 1, "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "description": "listed `{id, start, deadline}` or recurring `{every, first, length, count}` (ids by start date)",
                        "properties": {
                            "id": {"type": "string"},
                            "start": {"$ref": "#/$defs/localTime"},
                            "deadline": {"$ref": "#/$defs/localTime"},
                            "every": {"$ref": "#/$defs/duration"},
                            "first": {"$ref": "#/$defs/localTime"},
                            "length": {"$ref": "#/$defs/duration"},
                            "count": {"type": "integer", "minimum": 1},
                            "title": {"type": "string"},
                            "change": {"type": "string"}
                        }
                    }}
                }
            }));
}

/// Format 1.2 schema changes (`schema_changes:`).
fn schema_change_defs(defs: &mut serde_json::Map<String, Value>) {
    let Leaves { text, id, ids, .. } = Leaves::new();
    let step = |extra: Value, required: Value| {
        let mut props = json!({
            "duration": {"$ref": "#/$defs/taskDuration"},
            "team": text,
            "needs": {"type": "object", "additionalProperties": {"type": "integer"}},
            "title": {"type": "string"},
            "notes": {"type": "string"}
        });
        if let (Some(p), Some(x)) = (props.as_object_mut(), extra.as_object()) {
            p.extend(x.clone());
        }
        json!({"type": "object", "required": required, "additionalProperties": false, "properties": props})
    };
    defs.insert("schemaStep".into(), step(json!({}), json!(["duration"])));
    defs.insert(
        "schemaContract".into(),
        step(
            json!({"same_window": {"type": "boolean", "description": "default false: the contract runs in a later window than the deploy"}}),
            json!(["duration"]),
        ),
    );
    defs.insert("schemaChange".into(), json!({
        "type": "object",
        "description": "1.2: a schema change done expand/contract; its steps are the tasks <id>.expand, <id>.backfill, <id>.cutover, <id>.contract",
        "required": ["id", "database", "app", "expand", "deploy", "backfill", "contract"],
        "additionalProperties": false,
        "properties": {
            "id": id,
            "database": {"type": "string", "minLength": 1, "description": "the system the DDL runs on"},
            "app": {"oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "minItems": 1, "items": {"type": "string"}}],
                    "description": "the cluster (or systems) whose code reads and writes the schema"},
            "writers": ids,
            "expand": {"$ref": "#/$defs/schemaStep"},
            "deploy": {"type": "string", "minLength": 1, "description": "the task that moves each app member to the code that reads both shapes"},
            "backfill": {"$ref": "#/$defs/schemaStep"},
            "contract": {"$ref": "#/$defs/schemaContract"},
            "cutover": {"$ref": "#/$defs/schemaStep"},
            "after": {"type": "array", "items": {"$ref": "#/$defs/after"}, "description": "tasks the expand waits for"},
            "title": {"type": "string"},
            "change": {"type": "string"},
            "owner": {"type": "string"}
        }
    }));
}

/// The schema as shipped: pretty JSON with a final newline.
pub fn inventory_schema_text() -> String {
    serde_json::to_string_pretty(&inventory_schema()).expect("schema serialises") + "\n"
}

/// Validates `doc` against `schema` (the subset described in the module
/// documentation). Returns every error as `path: message`.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    check(schema, schema, doc, "$", &mut errs);
    errs
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn check(root: &Value, s: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#/")
            .and_then(|p| p.split('/').try_fold(root, |acc, k| acc.get(k)));
        match target {
            Some(t) => check(root, t, v, path, errs),
            None => errs.push(format!("{path}: unresolved $ref {r}")),
        }
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
            _ => true,
        };
        if !ok {
            errs.push(format!("{path}: expected type {t}, found {v}"));
            return;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(v) {
            errs.push(format!(
                "{path}: {v} is not one of {}",
                Value::Array(options.clone())
            ));
        }
    }
    if let Some(Value::Array(options)) = s.get("oneOf") {
        let matching = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                check(root, o, v, path, &mut e);
                e.is_empty()
            })
            .count();
        if matching != 1 {
            errs.push(format!(
                "{path}: matches {matching} of the oneOf alternatives, not exactly 1"
            ));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            errs.push(format!("{path}: {n} is below the minimum {min}"));
        }
    }
    if let (Some(min), Some(t)) = (s.get("minLength").and_then(Value::as_u64), v.as_str()) {
        if (t.chars().count() as u64) < min {
            errs.push(format!("{path}: shorter than {min} character(s)"));
        }
    }
    if let Value::Object(m) = v {
        if let Some(Value::Array(req)) = s.get("required") {
            for r in req.iter().filter_map(Value::as_str) {
                if !m.contains_key(r) {
                    errs.push(format!("{path}: missing required `{r}`"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in m {
            let p = format!("{path}.{k}");
            match props.and_then(|pr| pr.get(k)) {
                Some(ps) => check(root, ps, x, &p, errs),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{path}: unknown field `{k}`")),
                    Some(extra @ Value::Object(_)) => check(root, extra, x, &p, errs),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(is)) = (v, s.get("items")) {
        for (i, x) in items.iter().enumerate() {
            check(root, is, x, &format!("{path}[{i}]"), errs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Format;

    fn root() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
    }

    #[test]
    fn shipped_schema_is_the_generated_one() {
        let shipped = std::fs::read_to_string(root().join("schema/inventory.schema.json"))
            .expect("schema/inventory.schema.json is shipped");
        assert_eq!(
            shipped,
            inventory_schema_text(),
            "regenerate with `windowplan schema > schema/inventory.schema.json`"
        );
    }

    #[test]
    fn every_example_validates() {
        let schema = inventory_schema();
        let mut seen = 0;
        for entry in std::fs::read_dir(root().join("examples")).unwrap() {
            let path = entry.unwrap().path();
            let Some(format) = Format::from_path(&path) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = crate::inventory::parse_value(&text, format).unwrap();
            let errs = validate(&schema, &doc);
            assert!(errs.is_empty(), "{}: {errs:?}", path.display());
            seen += 1;
        }
        assert!(seen >= 2);
    }

    #[test]
    fn schema_catches_shape_errors() {
        let schema = inventory_schema();
        let bad = serde_json::json!({
            "window": {"start": "2026-12-05T22:00"},
            "teams": [{"id": "a", "capacity": 0, "avail": []}],
            "dr": [{"primary": "a", "standby": "b", "order": "first"}],
            "tasks": [{"id": "t", "duration": {"min": "1m", "likely": "2m"}}]
        });
        let errs = validate(&schema, &bad);
        for want in ["timezone", "minimum", "avail", "first", "oneOf"] {
            assert!(errs.iter().any(|e| e.contains(want)), "{want}: {errs:?}");
        }
        let good = serde_json::json!({
            "window": {"start": "2026-12-05T22:00", "timezone": "UTC"},
            "tasks": [{"id": "t", "system": "s", "duration": {"min": "1m", "likely": "2m", "max": 5},
                       "backout": "10m", "after": ["x", {"task": "y", "lag": "-5m"}]}]
        });
        assert_eq!(validate(&schema, &good), Vec::<String>::new());
    }
}
