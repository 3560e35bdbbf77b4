//! Reference tables of the benchmark sets: best known makespans, lower
//! bounds and infeasibility marks, read from the project's CSV, the
//! benchdata `reference.csv` or PSPLIB's `j30opt.sm` / `jXXhrs.sm` tables.

use crate::bench::formats::E_REFERENCE;
use crate::bench::text_reader;
use crate::error::InputError;
use crate::model::Time;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What a reference file says about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RefStatus {
    /// `makespan` is a proven optimum.
    Optimal,
    /// `makespan` is the best known (an upper bound).
    Best,
    /// Proven that no schedule exists.
    Infeasible,
}

/// A reference value for one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// Reference makespan (optimum or best known), absent for an infeasible instance.
    pub makespan: Option<Time>,
    /// Best known lower bound on the makespan, when published.
    pub lower_bound: Option<Time>,
    /// What the reference makespan stands for.
    pub status: RefStatus,
}

/// Reference values by instance, optionally qualified by set.
#[derive(Debug, Clone, Default)]
pub struct ReferenceTable {
    /// `set/instance` → value (keys normalised, see [`instance_key`]).
    by_set: HashMap<String, Reference>,
    /// `instance` → value; `None` when several sets name an instance alike.
    by_name: HashMap<String, Option<Reference>>,
}

impl ReferenceTable {
    /// Number of instances with a reference.
    pub fn len(&self) -> usize {
        self.by_set.len().max(self.by_name.len())
    }
    /// Whether the table holds no reference.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the reference of `instance`, under `set` when given; an instance
    /// name found in several sets with different values becomes ambiguous
    /// without its set.
    pub fn insert(&mut self, set: Option<&str>, instance: &str, r: Reference) {
        let key = instance_key(instance);
        if let Some(set) = set {
            self.by_set
                .insert(format!("{}/{}", set.to_ascii_lowercase(), key), r);
        }
        self.by_name
            .entry(key)
            .and_modify(|v| {
                if *v != Some(r) {
                    *v = None
                }
            })
            .or_insert(Some(r));
    }

    /// The reference for `instance` of `set`: the set-qualified entry, else
    /// the unqualified one when unambiguous.
    pub fn get(&self, set: &str, instance: &str) -> Option<Reference> {
        let key = instance_key(instance);
        self.by_set
            .get(&format!("{}/{}", set.to_ascii_lowercase(), key))
            .copied()
            .or_else(|| self.by_name.get(&key).copied().flatten())
    }
}

/// Normalised instance key: file name without directory and without a
/// benchmark extension, lowercase (`J30/j301_1.sm` → `j301_1`).
pub fn instance_key(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = base.trim().to_ascii_lowercase();
    for ext in [".sm", ".sch", ".rcp"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    lower
}

/// Reads a reference file (see the module docs for the formats accepted).
pub fn load_reference(path: &Path) -> Result<ReferenceTable, InputError> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        text_reader::error(
            &source,
            0,
            E_REFERENCE,
            format!("cannot read the reference file: {e}"),
            "check the path given with --reference",
        )
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    parse_reference(&text, &source, &file)
}

/// Parses reference text; `file_name` tells PSPLIB tables apart
/// (`j30opt.sm` → optima of set `j30`, `j60hrs.sm` → best known of `j60`).
pub fn parse_reference(
    text: &str,
    source: &str,
    file_name: &str,
) -> Result<ReferenceTable, InputError> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let header = first.to_ascii_lowercase();
    if first.contains(',') && (header.contains("instance") || header.starts_with("problem,")) {
        parse_reference_csv(text, source)
    } else {
        parse_psplib_table(text, source, file_name)
    }
}

fn parse_reference_csv(text: &str, source: &str) -> Result<ReferenceTable, InputError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().unwrap_or((0, ""));
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let find = |names: &[&str]| names.iter().find_map(|n| cols.iter().position(|c| c == n));
    let i_inst = find(&["instance", "name", "problem"]);
    let i_set = find(&["set"]);
    let i_ms = find(&[
        "best_makespan",
        "best_known_makespan",
        "best",
        "makespan",
        "optimum",
        "ub",
        "upper_bound",
    ]);
    let i_lb = find(&["lower_bound", "best_lower_bound", "lb"]);
    let i_status = find(&["status", "kind"]);
    let (Some(i_inst), Some(i_ms)) = (i_inst, i_ms) else {
        return Err(text_reader::error(
            source,
            1,
            E_REFERENCE,
            format!("the header `{header}` lacks an instance or a makespan column"),
            "use the header `instance,best_makespan,status` (status optimal|best|infeasible)",
        ));
    };
    let mut table = ReferenceTable::default();
    for (i, line) in lines {
        let line_no = i + 1;
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |k: Option<usize>| k.and_then(|k| f.get(k)).copied().unwrap_or("");
        let bad = |what: &str, v: &str| {
            text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                format!("{what} `{v}` is not a whole number"),
                "write makespans and bounds as whole numbers, or leave them empty",
            )
        };
        let instance = get(Some(i_inst));
        if instance.is_empty() {
            return Err(text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                "a row without an instance name",
                "every row names its instance",
            ));
        }
        let num = |what: &str, v: &str| -> Result<Option<Time>, InputError> {
            if v.is_empty() {
                Ok(None)
            } else {
                v.parse::<Time>().map(Some).map_err(|_| bad(what, v))
            }
        };
        // The RCPSP/max collections' `optimum.csv` writes one field per
        // instance: the optimum, `lb..ub` for an open one, `unsat` for one
        // proven infeasible.
        let ms_field = get(Some(i_ms));
        let (ms_text, lb_text, implied) = match ms_field.split_once("..") {
            Some((lb, ub)) => (ub, lb, "best"),
            None if ms_field.eq_ignore_ascii_case("unsat") => ("", get(i_lb), "infeasible"),
            None if cols[i_ms] == "optimum" && !ms_field.is_empty() => (ms_field, "", "optimal"),
            None => (ms_field, get(i_lb), ""),
        };
        let makespan = num("the makespan", ms_text)?;
        let lower_bound = num("the lower bound", lb_text)?;
        let status_text = match get(i_status) {
            "" => implied.to_string(),
            s => s.to_ascii_lowercase(),
        };
        let status = match status_text.as_str() {
            "optimal" | "opt" => RefStatus::Optimal,
            "best" | "feasible" | "ub" | "bku" => RefStatus::Best,
            "infeasible" => RefStatus::Infeasible,
            "" => {
                if makespan.is_some() && makespan == lower_bound {
                    RefStatus::Optimal
                } else if makespan.is_none() {
                    return Err(text_reader::error(
                        source,
                        line_no,
                        E_REFERENCE,
                        format!("no makespan and no status for `{instance}`"),
                        "give a makespan, or the status infeasible",
                    ));
                } else {
                    RefStatus::Best
                }
            }
            other => {
                return Err(text_reader::error(
                    source,
                    line_no,
                    E_REFERENCE,
                    format!("unknown status `{other}`"),
                    "status is optimal, best or infeasible",
                ))
            }
        };
        if status != RefStatus::Infeasible && makespan.is_none() {
            return Err(text_reader::error(
                source,
                line_no,
                E_REFERENCE,
                format!("`{instance}` is {status:?} but has no makespan"),
                "give the makespan, or the status infeasible",
            ));
        }
        let set = i_set.map(|k| get(Some(k))).filter(|s| !s.is_empty());
        table.insert(
            set,
            instance,
            Reference {
                makespan,
                lower_bound,
                status,
            },
        );
    }
    Ok(table)
}

/// PSPLIB result tables: rows `parameter instance makespan ...` under a
/// text header; instance names are `<set><parameter>_<instance>`.
fn parse_psplib_table(
    text: &str,
    source: &str,
    file_name: &str,
) -> Result<ReferenceTable, InputError> {
    let lower = file_name.to_ascii_lowercase();
    let set: String = lower
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>();
    let (set, status) = if let Some(s) = set.strip_suffix("opt") {
        (s.to_string(), RefStatus::Optimal)
    } else if let Some(s) = set.strip_suffix("hrs") {
        (s.to_string(), RefStatus::Best)
    } else if let Some(s) = set.strip_suffix("lb") {
        (s.to_string(), RefStatus::Best)
    } else {
        return Err(text_reader::error(
            source,
            0,
            E_REFERENCE,
            "neither a CSV with an `instance` column nor a PSPLIB table (j30opt.sm, j60hrs.sm, ...)",
            "use the header `instance,best_makespan,status`, or PSPLIB's jXXopt.sm / jXXhrs.sm",
        ));
    };
    let mut table = ReferenceTable::default();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 3 {
            continue;
        }
        let (Ok(par), Ok(inst), Ok(ms)) = (
            t[0].parse::<u32>(),
            t[1].parse::<u32>(),
            t[2].parse::<Time>(),
        ) else {
            continue;
        };
        table.insert(
            Some(&set),
            &format!("{set}{par}_{inst}"),
            Reference {
                makespan: Some(ms),
                lower_bound: None,
                status,
            },
        );
    }
    if table.is_empty() {
        return Err(text_reader::error(
            source,
            0,
            E_REFERENCE,
            "no `parameter instance makespan` rows found",
            "is this a PSPLIB jXXopt.sm / jXXhrs.sm table?",
        ));
    }
    Ok(table)
}
