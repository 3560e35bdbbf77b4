//! What-if scenarios: the same inventory with a change applied ("one more
//! DBA", "the vendor on call all night"), each planned, side by side with the
//! base plan.
//!
//! A scenario file (YAML or JSON) holds one scenario `{name, note, patch}` or
//! a list of them. `patch` is an RFC 7386 JSON merge patch of the inventory
//! document: objects merge key by key, `null` deletes a key, anything else
//! (arrays included) replaces the value wholesale.
//!
//! **List extension.** Replacing a whole list to change one element is
//! impractical, so for the top-level lists of the inventory (`teams`,
//! `systems`, `clusters`, `zones`, `dr`, `services`, `integrations`, `tasks`)
//! the patch may instead be an *object keyed by id*:
//!
//! ```yaml
//! patch:
//!   teams:
//!     dba: { capacity: 3 }          # merge into the team with id `dba`
//!     night-shift: { capacity: 1 }  # no such team: appended as a new one
//!     network: null                 # removed
//! ```
//!
//! Each value is merge-patched (RFC 7386) into the element with that id; a
//! `null` removes the element; an unknown id appends a new element with that
//! id. DR pairs have no id and are keyed by their `primary`. `blackouts` are
//! keyed by their optional `id` (format 1.1); a new one needs `from` and
//! `to`, and blackouts without an id are patched with a plain array. A plain array keeps RFC 7386
//! semantics (it replaces the list).
//!
//! The patched document is validated exactly like an inventory file (errors
//! name the scenario), then the base is planned, then every scenario in
//! parallel.
//!
//! **Like with like** (issue #20.5). Each scenario starts from the base
//! plan wherever it is still valid: when the base plan keeps every rule of
//! the scenario (re-checked by the independent checker) and the scenario's
//! own search found nothing shorter, or nothing at all in the time given,
//! the scenario's plan is the base plan (`from_base`), so a change that
//! only removes or loosens a rule never shows a longer window. A
//! difference of windows is a difference of two optima, each known between
//! its proven bound and its best plan: it is given as exact only when both
//! sides are proven, and otherwise as the range the bounds support
//! (`scenario bound − base plan` to `scenario plan − base bound`).

use crate::error::{Diagnostic, InputError};
use crate::inventory::{Format, Inventory, Limits};
use crate::plan::Plan;
use crate::solve::SolveOptions;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;

/// One what-if scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Scenario name, as shown in the comparison and in error messages.
    pub name: String,
    /// Free-text note on what the scenario stands for.
    pub note: Option<String>,
    /// RFC 7386 merge patch of the inventory document (with the list extension).
    pub patch: Value,
}

/// The top-level lists that accept an id-keyed patch object, with the field
/// that identifies an element.
pub(crate) fn list_key(list: &str) -> Option<&'static str> {
    match list {
        "teams" | "systems" | "clusters" | "zones" | "services" | "integrations" | "tasks"
        | "schema_changes" => Some("id"),
        "dr" => Some("primary"),
        // Format 1.1: blackouts may have an `id`; a patch may edit or
        // remove those that have one (a new one needs `from` and `to`).
        "blackouts" => Some("id"),
        _ => None,
    }
}

/// RFC 7386 JSON merge patch.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("made an object above");
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Applies a scenario patch to an inventory document: RFC 7386, except that
/// a top-level list patched with an object is patched element by element
/// (see the module documentation).
pub(crate) fn apply_patch(doc: &Value, patch: &Value) -> Result<Value, String> {
    let mut out = doc.clone();
    let Value::Object(p) = patch else {
        merge_patch(&mut out, patch);
        return Ok(out);
    };
    if !out.is_object() {
        out = Value::Object(Map::new());
    }
    let root = out.as_object_mut().expect("made an object above");
    for (k, v) in p {
        match (list_key(k), v) {
            (Some(key), Value::Object(edits)) => {
                let list = root
                    .entry(k.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if list.is_null() {
                    *list = Value::Array(Vec::new());
                }
                let Value::Array(items) = list else {
                    return Err(format!(
                        "`{k}` in the inventory is not a list, so it cannot be patched by {key}"
                    ));
                };
                for (id, edit) in edits {
                    // `<id>: null` and `<id>: { <key>: null }` both remove
                    // the element (README: "`id: null` removes the element").
                    let removes = edit.is_null() || edit.get(key).is_some_and(Value::is_null);
                    let edit = if removes { &Value::Null } else { edit };
                    let pos = items
                        .iter()
                        .position(|e| e.get(key).and_then(Value::as_str) == Some(id.as_str()));
                    match (pos, edit) {
                        (Some(i), Value::Null) => {
                            items.remove(i);
                        }
                        (Some(i), edit) => merge_patch(&mut items[i], edit),
                        (None, Value::Null) => {
                            return Err(format!(
                                "`{k}.{id}: null` removes an element, but `{k}` has none with {key} `{id}`"
                            ))
                        }
                        (None, edit)
                            if k == "blackouts"
                                && (edit.get("from").is_none() || edit.get("to").is_none()) =>
                        {
                            return Err(format!(
                                "`blackouts.{id}`: no blackout has id `{id}`; a new one needs `from` and `to`"
                            ))
                        }
                        (None, edit) => {
                            let mut e = Value::Object(Map::new());
                            e[key] = Value::String(id.clone());
                            merge_patch(&mut e, edit);
                            items.push(e);
                        }
                    }
                }
            }
            (None, Value::Object(_)) if k == "blackouts" => {
                return Err(
                    "blackouts have no id to key a patch by: give the whole `blackouts` list"
                        .into(),
                )
            }
            (_, v) if v.is_null() => {
                root.remove(k);
            }
            (_, v) => merge_patch(root.entry(k.clone()).or_insert(Value::Null), v),
        }
    }
    Ok(out)
}

fn scenario_error(source: &str, path: &str, msg: String, hint: &str) -> InputError {
    InputError::one(source, Diagnostic::new("E090", path, msg, hint))
}

/// Reads a scenario file: one `{name, note, patch}` or a list of them,
/// within the same file-size limit as an inventory.
pub fn read_scenarios(path: &Path, limits: &Limits) -> Result<Vec<Scenario>, InputError> {
    let source = path.display().to_string();
    let format = Format::of_file(path).map_err(|d| InputError::one(&source, d))?;
    let text = crate::inventory::read_text_limited(path, limits.max_file_bytes, "scenario")
        .map_err(|d| InputError::one(&source, d))?;
    parse_scenarios(&text, format, &source)
}

/// Parses scenario text (see [`read_scenarios`]).
pub fn parse_scenarios(
    text: &str,
    format: Format,
    source: &str,
) -> Result<Vec<Scenario>, InputError> {
    let value =
        crate::inventory::parse_value(text, format).map_err(|d| InputError::one(source, d))?;
    let (items, listed) = match value {
        Value::Array(v) => (v, true),
        v => (vec![v], false),
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let at = if listed {
            format!("[{i}]")
        } else {
            String::new()
        };
        let Value::Object(mut m) = item else {
            return Err(scenario_error(
                source,
                &at,
                "a scenario must be a map `{name, note, patch}`".into(),
                "write `name: ..., note: ..., patch: { ... }`",
            ));
        };
        for k in m.keys() {
            if !["name", "note", "patch"].contains(&k.as_str()) {
                return Err(scenario_error(
                    source,
                    format!("{at}.{k}").trim_start_matches('.'),
                    format!("unknown scenario field `{k}`"),
                    "a scenario has `name`, `note` and `patch`",
                ));
            }
        }
        let name = match m.remove("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            _ => {
                return Err(scenario_error(
                    source,
                    format!("{at}.name").trim_start_matches('.'),
                    "a scenario needs a `name` (text)".into(),
                    "e.g. `name: one more DBA`",
                ))
            }
        };
        let note = match m.remove("note") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(v) => Some(v.to_string()),
        };
        let patch = match m.remove("patch") {
            Some(p @ Value::Object(_)) => p,
            _ => {
                return Err(scenario_error(
                    source,
                    format!("{at}.patch").trim_start_matches('.'),
                    format!("scenario `{name}` needs a `patch` map"),
                    "e.g. `patch: { teams: { dba: { capacity: 3 } } }`",
                ))
            }
        };
        out.push(Scenario { name, note, patch });
    }
    Ok(out)
}

/// Applies a scenario to the inventory document and validates the result
/// like an inventory file; diagnostics name the scenario.
pub(crate) fn patched_inventory(
    doc: &Value,
    scenario: &Scenario,
    inventory_source: &str,
) -> Result<Inventory, InputError> {
    let source = format!("{inventory_source} + scenario `{}`", scenario.name);
    let patched = apply_patch(doc, &scenario.patch)
        .map_err(|msg| scenario_error(&source, "patch", msg, "see `windowplan whatif --help`"))?;
    let text = serde_json::to_string(&patched).expect("a JSON value always serialises");
    // A line and column would point into the merged document, which the user
    // never sees: the path and the scenario's name say where instead.
    crate::pipeline::load_inventory_str(&text, Format::Json, &source).map_err(|mut e| {
        for d in &mut e.diagnostics {
            d.line = None;
            d.column = None;
        }
        e
    })
}

/// What planning one scenario (or the base) gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Window length, in minutes.
    pub length_minutes: i64,
    /// No plan can be shorter, in minutes (proven lower bound).
    pub lower_bound_minutes: i64,
    /// `optimal` when the length is proven least, else `feasible`.
    pub status: String,
    /// Sum over services of downtime minutes times the service's `weight`.
    pub weighted_downtime: f64,
    /// Services with any downtime.
    pub services_down: Vec<String>,
    /// `None` without a deadline.
    pub deadline_met: Option<bool>,
    /// The critical chain, task ids in start order.
    pub critical_chain: Vec<String>,
}

/// One row of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Scenario name (`base` for the unchanged inventory).
    pub scenario: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The scenario's note, if any.
    pub note: Option<String>,
    /// The plan, or why there is none.
    #[serde(flatten)]
    pub outcome: RowOutcome,
    /// The plan itself, for reports; not serialised.
    #[serde(skip)]
    pub plan: Option<Plan>,
    /// The plan is the base plan, which keeps every rule of the scenario
    /// and was no longer than what the scenario's own search found.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_base: bool,
    /// The scenario's window against the base's (scenarios with a plan,
    /// when the base has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
    /// With `--expand-contract`: what each blocking schema change of this
    /// row's inventory would save and cost done expand/contract (both
    /// forms planned and checked; `analysis::expand_contract`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expand_contract: Option<Vec<crate::analysis::expand_contract::ExpandContractWorth>>,
}

/// A scenario's window against the base's, in minutes (negative: shorter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Delta {
    /// The scenario's plan less the base plan.
    pub plans_minutes: i64,
    /// The shortest windows differ by at least this (scenario bound less
    /// base plan).
    pub least_minutes: i64,
    /// And by at most this (scenario plan less base bound).
    pub most_minutes: i64,
    /// Both sides are proven optimal: the difference is exactly
    /// `plans_minutes`.
    pub exact: bool,
}

impl Delta {
    /// The difference of a scenario optimum in `[bound, length]` and a base
    /// optimum in `[base_bound, base_length]`.
    pub fn of(base_bound: i64, base_length: i64, bound: i64, length: i64) -> Delta {
        let (bound, base_bound) = (bound.min(length), base_bound.min(base_length));
        Delta {
            plans_minutes: length - base_length,
            least_minutes: bound - base_length,
            most_minutes: length - base_bound,
            exact: bound == length && base_bound == base_length,
        }
    }
}

/// What planning one row gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RowOutcome {
    /// A plan was found; its summary.
    Planned(Summary),
    /// Proven impossible.
    Infeasible {
        /// Why no plan can exist, in words.
        reason: String,
    },
    /// No plan found in the time given: not a proof.
    NotFound {
        /// Why none was found (e.g. the time limit ran out), in words.
        reason: String,
    },
}

/// The base and every scenario, planned.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The unchanged inventory.
    pub base: Row,
    /// Each scenario, in the order given.
    pub scenarios: Vec<Row>,
    /// What validation warned about (W0xx), each with the source it was
    /// found in: the inventory's, then each scenario's new ones (a warning
    /// the inventory already gives is not repeated per scenario).
    #[serde(skip)]
    pub warnings: Vec<(String, crate::error::Diagnostic)>,
}

/// Summarises a plan of an inventory.
pub(crate) fn summarise(inv: &Inventory, plan: &Plan) -> Summary {
    let weighted_downtime = crate::plan::weighted_downtime(inv, plan);
    let services_down = plan
        .services
        .iter()
        .filter(|s| s.downtime_minutes > 0)
        .map(|s| s.id.clone())
        .collect();
    let critical_chain = match plan.starts(inv) {
        Some(starts) => {
            let compiled = crate::model::compile(inv);
            crate::analysis::explain::critical_chain(inv, &compiled, &starts)
                .into_iter()
                .map(|l| l.task)
                .collect()
        }
        None => Vec::new(),
    };
    Summary {
        length_minutes: plan.length_minutes,
        lower_bound_minutes: plan.lower_bound_minutes,
        status: plan.status.clone(),
        weighted_downtime,
        services_down,
        deadline_met: inv.window.deadline.map(|d| plan.length_minutes <= d),
        critical_chain,
    }
}

/// Plans one row; `base`: the base plan to start from where it is still
/// valid (see the module documentation).
fn plan_row(
    name: &str,
    note: Option<String>,
    inv: &Inventory,
    base: Option<&Plan>,
    opts: &SolveOptions,
) -> Row {
    let solved = crate::analysis::availability::plan_or_floor_proof(inv, opts);
    // The base plan, where it keeps every rule of this inventory.
    let base_starts = base
        .and_then(|b| b.starts(inv))
        .filter(|s| crate::check::check(inv, s).is_empty());
    let (solved, from_base) = match (solved, base_starts) {
        (Ok(p), Some(s)) if p.length_minutes > crate::plan::length(inv, &s) => {
            let bound = p.lower_bound_minutes;
            (Ok(Plan::build(inv, &s, bound)), true)
        }
        (Err(crate::error::NoPlan::NotFound(_)), Some(s)) => {
            let bound = crate::solve::lower_bound(&crate::model::compile(inv).problem);
            (Ok(Plan::build(inv, &s, bound)), true)
        }
        (other, _) => (other, false),
    };
    let (outcome, plan) = match solved {
        Ok(plan) => (RowOutcome::Planned(summarise(inv, &plan)), Some(plan)),
        Err(crate::error::NoPlan::Infeasible(reason)) => (RowOutcome::Infeasible { reason }, None),
        Err(crate::error::NoPlan::NotFound(reason)) => (RowOutcome::NotFound { reason }, None),
    };
    let delta = match (base, &plan) {
        (Some(b), Some(p)) => Some(Delta::of(
            b.lower_bound_minutes,
            b.length_minutes,
            p.lower_bound_minutes,
            p.length_minutes,
        )),
        _ => None,
    };
    Row {
        scenario: name.to_string(),
        note,
        outcome,
        plan,
        from_base,
        delta,
        expand_contract: None,
    }
}

/// Plans the base inventory and every scenario (in parallel). `doc` is the
/// inventory document as read, `base` the validated inventory. Fails when
/// any scenario does not validate (every failing scenario is reported).
pub fn compare(
    doc: &Value,
    base: &Inventory,
    scenarios: &[Scenario],
    source: &str,
    opts: &SolveOptions,
) -> Result<Comparison, Vec<InputError>> {
    compare_with(doc, base, scenarios, source, opts, None)
}

/// [`compare`], and with `expand_contract` (`--expand-contract [TASK…]`)
/// what each blocking schema change would save done expand/contract, in
/// the base and in every scenario: the tasks named (each must be a
/// blocking schema change of the base, else E090 on `--expand-contract`;
/// a scenario lists those that still are one in it), or every blocking
/// schema change of each row's inventory when none is named.
pub fn compare_with(
    doc: &Value,
    base: &Inventory,
    scenarios: &[Scenario],
    source: &str,
    opts: &SolveOptions,
    expand_contract: Option<&[String]>,
) -> Result<Comparison, Vec<InputError>> {
    if let Some(ids) = expand_contract {
        crate::analysis::expand_contract::named_blocking_changes(base, ids).map_err(|msg| {
            vec![InputError::one(
                source,
                Diagnostic::new(
                    "E090",
                    "--expand-contract",
                    msg,
                    "name tasks that are an outage of one system with `down:` naming the app it stops, or give `--expand-contract` alone for every such task",
                ),
            )]
        })?;
    }
    let mut invs = Vec::new();
    let mut errors = Vec::new();
    for sc in scenarios {
        match patched_inventory(doc, sc, source) {
            Ok(inv) => invs.push(inv),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut base_row = plan_row("base", None, base, None, opts);
    base_row.delta = None;
    let jobs: Vec<(&str, Option<String>, &Inventory)> = scenarios
        .iter()
        .zip(&invs)
        .map(|(sc, inv)| (sc.name.as_str(), sc.note.clone(), inv))
        .collect();
    let start = base_row.plan.as_ref();
    let rows: Vec<Row> = jobs
        .into_par_iter()
        .map(|(name, note, inv)| plan_row(name, note, inv, start, opts))
        .collect();
    let mut warnings: Vec<(String, crate::error::Diagnostic)> = base
        .warnings
        .iter()
        .map(|w| (source.to_string(), w.clone()))
        .collect();
    for (sc, inv) in scenarios.iter().zip(&invs) {
        for w in &inv.warnings {
            let known = base
                .warnings
                .iter()
                .any(|b| b.path == w.path && b.message == w.message);
            if !known {
                // Its line and column are in the patched document, not in a
                // file the user has: named by field only.
                let mut w = w.clone();
                w.line = None;
                w.column = None;
                warnings.push((format!("{source} + scenario `{}`", sc.name), w));
            }
        }
    }
    let mut cmp = Comparison {
        base: base_row,
        scenarios: rows,
        warnings,
    };
    if let Some(ids) = expand_contract {
        add_expand_contract(&mut cmp, base, &invs, ids, opts);
    }
    Ok(cmp)
}

/// Fills each row's `expand_contract` (see [`compare_with`]); the rows are
/// worked side by side, each row's alternatives sharing `opts.time_limit`.
fn add_expand_contract(
    cmp: &mut Comparison,
    base: &Inventory,
    invs: &[Inventory],
    ids: &[String],
    opts: &SolveOptions,
) {
    use crate::analysis::expand_contract::{blocking_changes, named_blocking_changes, worth_of};
    let mut rows: Vec<(&mut Row, &Inventory)> = vec![(&mut cmp.base, base)];
    rows.extend(cmp.scenarios.iter_mut().zip(invs));
    rows.into_par_iter().for_each(|(row, inv)| {
        let tasks = if ids.is_empty() {
            blocking_changes(inv)
        } else {
            ids.iter()
                .filter_map(|id| named_blocking_changes(inv, std::slice::from_ref(id)).ok())
                .flatten()
                .collect()
        };
        let as_written = match (&row.plan, &row.outcome) {
            (Some(p), _) => Ok(p.clone()),
            (None, RowOutcome::Infeasible { reason }) => {
                Err(crate::error::NoPlan::Infeasible(reason.clone()))
            }
            (None, RowOutcome::NotFound { reason }) => {
                Err(crate::error::NoPlan::NotFound(reason.clone()))
            }
            (None, RowOutcome::Planned(_)) => Err(crate::error::NoPlan::NotFound(
                "the row's plan was not kept".into(),
            )),
        };
        row.expand_contract = Some(worth_of(inv, &tasks, &as_written, opts));
    });
}

/// Most scenarios compared in one run: each is planned with the whole
/// `--time-limit` (two at a time on two cores), so 50 scenarios at the
/// default 3 s take at most about 75 s; 2 000 would take well over an hour.
pub const MAX_SCENARIOS: usize = 50;

/// Reads the inventory as a document and validated, then [`compare`]s
/// (at most [`MAX_SCENARIOS`] scenarios, E090).
pub fn run(
    inventory: &Path,
    scenario_files: &[std::path::PathBuf],
    opts: &SolveOptions,
    limits: &Limits,
    expand_contract: Option<&[String]>,
) -> Result<Comparison, Vec<InputError>> {
    let base = crate::pipeline::load_inventory_with(
        inventory,
        limits,
        &mut crate::pipeline::Timings::default(),
    )
    .map_err(|e| vec![e])?;
    let source = inventory.display().to_string();
    let format = Format::from_path(inventory).unwrap_or(Format::Yaml);
    let text = crate::inventory::read_text_limited(inventory, limits.max_file_bytes, "inventory")
        .map_err(|d| vec![InputError::one(&source, d)])?;
    let doc = crate::inventory::parse_value(&text, format)
        .map_err(|d| vec![InputError::one(&source, d)])?;
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for f in scenario_files {
        match read_scenarios(f, limits) {
            Ok(v) => scenarios.extend(v),
            Err(e) => errors.push(e),
        }
    }
    if scenarios.len() > MAX_SCENARIOS {
        errors.push(scenario_error(
            &scenario_files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "",
            format!(
                "{} scenarios, more than the limit of {MAX_SCENARIOS} in one run (each is planned with the whole --time-limit)",
                scenarios.len()
            ),
            "compare fewer scenarios at a time: split the file and run whatif once per part",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    compare_with(&doc, &base, &scenarios, &source, opts, expand_contract)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7386_examples() {
        // From RFC 7386, section 3.
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
        let mut t = json!({"a": ["b"]});
        merge_patch(&mut t, &json!({"a": "c"}));
        assert_eq!(t, json!({"a": "c"}));
        let mut t = json!({"a": [{"b": "c"}]});
        merge_patch(&mut t, &json!({"a": [1]}));
        assert_eq!(t, json!({"a": [1]}));
        let mut t = json!(["a", "b"]);
        merge_patch(&mut t, &json!(["c", "d"]));
        assert_eq!(t, json!(["c", "d"]));
        let mut t = json!({"e": null});
        merge_patch(&mut t, &json!({"a": 1}));
        assert_eq!(t, json!({"e": null, "a": 1}));
        let mut t = json!({});
        merge_patch(&mut t, &json!({"a": {"bb": {"ccc": null}}}));
        assert_eq!(t, json!({"a": {"bb": {}}}));
    }

    #[test]
    fn id_null_removes_the_element() {
        let doc = serde_json::json!({"tasks": [{"id": "a"}, {"id": "b"}]});
        for patch in [
            serde_json::json!({"tasks": {"a": null}}),
            serde_json::json!({"tasks": {"a": {"id": null}}}),
        ] {
            let out = apply_patch(&doc, &patch).unwrap();
            assert_eq!(out, serde_json::json!({"tasks": [{"id": "b"}]}), "{patch}");
        }
        assert!(apply_patch(&doc, &serde_json::json!({"tasks": {"z": {"id": null}}})).is_err());
    }

    #[test]
    fn id_keyed_list_patches() {
        let doc = json!({
            "teams": [{"id": "dba", "capacity": 2}, {"id": "ops", "capacity": 1}],
            "dr": [{"primary": "a", "standby": "b", "order": "standby_first"}],
            "blackouts": [{"from": "x", "to": "y"}]
        });
        let out = apply_patch(
            &doc,
            &json!({
                "teams": {"dba": {"capacity": 3}, "ops": null, "night": {"capacity": 1}},
                "dr": {"a": {"order": "primary_first"}}
            }),
        )
        .unwrap();
        assert_eq!(
            out["teams"],
            json!([{"id": "dba", "capacity": 3}, {"id": "night", "capacity": 1}])
        );
        assert_eq!(out["dr"][0]["order"], json!("primary_first"));
        // A plain array replaces the list (RFC 7386).
        let out = apply_patch(&doc, &json!({"teams": [{"id": "x", "capacity": 9}]})).unwrap();
        assert_eq!(out["teams"], json!([{"id": "x", "capacity": 9}]));
        assert!(apply_patch(&doc, &json!({"blackouts": {"x": {}}})).is_err());
        assert!(apply_patch(&doc, &json!({"teams": {"nobody": null}})).is_err());
    }

    #[test]
    fn scenario_files_parse() {
        let one = parse_scenarios(
            "name: more dba\nnote: hire\npatch: { teams: { dba: { capacity: 3 } } }\n",
            Format::Yaml,
            "s.yaml",
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "more dba");
        assert_eq!(one[0].patch, json!({"teams": {"dba": {"capacity": 3}}}));
        let two = parse_scenarios(
            r#"[{"name": "a", "patch": {}}, {"name": "b", "patch": {"window": {"deadline": null}}}]"#,
            Format::Json,
            "s.json",
        )
        .unwrap();
        assert_eq!(two.len(), 2);
        assert!(parse_scenarios("name: x\n", Format::Yaml, "s").is_err());
        assert!(parse_scenarios("name: x\npatch: {}\nextra: 1\n", Format::Yaml, "s").is_err());
    }

    fn deterministic() -> SolveOptions {
        SolveOptions {
            time_limit: std::time::Duration::from_secs(120),
            threads: 1,
            max_schedules: 300,
            seed: 1,
            ..Default::default()
        }
    }

    #[test]
    fn bank_scenarios_equal_solving_the_patched_inventories() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let names = [
            "one-more-dba.yaml",
            "vendor-all-night.yaml",
            "web-two-down.yaml",
            "dr-primary-first.yaml",
        ];
        let files: Vec<std::path::PathBuf> = names
            .iter()
            .map(|n| root.join("examples/scenarios").join(n))
            .collect();
        let bank = root.join("examples/bank.yaml");
        let opts = deterministic();
        let cmp = run(&bank, &files, &opts, &Limits::default(), None).unwrap();
        assert_eq!(cmp.scenarios.len(), 4);

        // The same changes made by hand to the resolved inventory.
        let base = crate::pipeline::load_inventory(&bank).unwrap();
        let team = |inv: &Inventory, id: &str| inv.teams.iter().position(|t| t.id == id).unwrap();
        let mut expected = Vec::new();
        let mut inv = base.clone();
        let k = team(&inv, "dba");
        inv.teams[k].capacity = 3;
        expected.push(inv);
        let mut inv = base.clone();
        let k = team(&inv, "oracle-support");
        inv.teams[k].available = None;
        expected.push(inv);
        let mut inv = base.clone();
        let k = inv
            .clusters
            .iter()
            .position(|c| c.id == "web-tier")
            .unwrap();
        inv.clusters[k].min_available = 2;
        expected.push(inv);
        let mut inv = base.clone();
        inv.dr[0].order = Some(crate::inventory::DrOrder::PrimaryFirst);
        let a = inv.task_index("patch-db-a").unwrap();
        let sync = inv.task_index("dr-sync-check").unwrap();
        inv.tasks[a].after.retain(|x| x.task != sync);
        expected.push(inv);

        let base_plan = match crate::pipeline::plan_inventory(&base, &opts) {
            Ok(p) => p,
            other => panic!("base: {other:?}"),
        };
        // The same figures as planning directly: a one-thread run stops by
        // its schedule count, but its exact phase may end by the clock on a
        // loaded machine, so the plans themselves are compared by length
        // and status (both proven here), and each row by its own plan.
        let same =
            |a: &Plan, b: &Plan| (a.length_minutes, &a.status) == (b.length_minutes, &b.status);
        assert!(same(cmp.base.plan.as_ref().unwrap(), &base_plan));
        for (row, inv) in cmp.scenarios.iter().zip(&expected) {
            let direct = match crate::pipeline::plan_inventory(inv, &opts) {
                Ok(p) => p,
                other => panic!("{}: {other:?}", row.scenario),
            };
            let planned = row.plan.as_ref().expect("a plan");
            assert!(
                same(planned, &direct),
                "{}: {planned:?} vs {direct:?}",
                row.scenario
            );
            assert_eq!(direct.status, "optimal", "{}", row.scenario);
            assert_eq!(
                row.outcome,
                RowOutcome::Planned(summarise(inv, planned)),
                "{}",
                row.scenario
            );
        }
        // And the patched documents resolve to exactly those inventories.
        let text = std::fs::read_to_string(&bank).unwrap();
        let doc = crate::inventory::parse_value(&text, Format::Yaml).unwrap();
        for (f, inv) in files.iter().zip(&expected) {
            let sc = read_scenarios(f, &Limits::default()).unwrap().remove(0);
            assert_eq!(
                &patched_inventory(&doc, &sc, "bank").unwrap(),
                inv,
                "{}",
                sc.name
            );
        }
    }

    #[test]
    fn invalid_scenario_is_named() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("examples/bank.yaml")).unwrap();
        let doc = crate::inventory::parse_value(&text, Format::Yaml).unwrap();
        let sc = Scenario {
            name: "no dba".into(),
            note: None,
            patch: json!({"teams": {"dba": {"capacity": 0}}}),
        };
        let e = patched_inventory(&doc, &sc, "bank.yaml").unwrap_err();
        assert!(e.source.contains("scenario `no dba`"), "{}", e.source);
        assert!(e.to_string().contains("E040"), "{e}");
    }

    /// Issue #20.5: a scenario starts from the base plan where it is still
    /// valid: a search stopped before it found anything still gives the
    /// base plan, never a longer window or "not found", and a difference is
    /// exact only when both sides are proven.
    #[test]
    fn a_scenario_starts_from_the_base_plan_and_deltas_are_ranges() {
        let yaml = "window: { start: 2026-12-05T22:00, timezone: UTC }\n\
             teams: [{ id: ops, capacity: 1 }]\n\
             systems: [{ id: a }, { id: b }]\n\
             blackouts:\n  - { id: backups, from: 2026-12-05T23:00, to: 2026-12-05T23:30 }\n\
             tasks:\n\
               - { id: ta, system: a, duration: 30m, team: ops }\n\
               - { id: tb, system: b, duration: 30m, team: ops }\n";
        let base = crate::pipeline::load_inventory_str(yaml, Format::Yaml, "t").unwrap();
        let base_plan = Plan::build(&base, &[0, 30], 60);
        let doc = crate::inventory::parse_value(yaml, Format::Yaml).unwrap();
        let sc = Scenario {
            name: "no backups".into(),
            note: None,
            patch: json!({"blackouts": {"backups": null}}),
        };
        let relaxed = patched_inventory(&doc, &sc, "t").unwrap();
        let stopped = SolveOptions {
            stop: Some(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
                true,
            ))),
            threads: 1,
            ..deterministic()
        };
        let row = plan_row("no backups", None, &relaxed, Some(&base_plan), &stopped);
        let RowOutcome::Planned(s) = &row.outcome else {
            panic!("{:?}", row.outcome)
        };
        assert!(s.length_minutes <= 60, "{s:?}");
        let d = row.delta.unwrap();
        assert!(d.plans_minutes <= 0);
        assert_eq!(d.exact, s.lower_bound_minutes == s.length_minutes);
        // Not proven on the base side: a range, not a figure.
        let loose = Plan::build(&base, &[0, 30], 40);
        let row = plan_row("no backups", None, &relaxed, Some(&loose), &deterministic());
        let d = row.delta.unwrap();
        assert!(!d.exact);
        assert_eq!(
            (d.plans_minutes, d.least_minutes, d.most_minutes),
            (0, 0, 20)
        );
        assert_eq!(
            Delta::of(60, 60, 45, 45),
            Delta {
                plans_minutes: -15,
                least_minutes: -15,
                most_minutes: -15,
                exact: true
            }
        );
    }
}
