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
    let cols = CsvColumns::of_header(header, source)?;
    let mut table = ReferenceTable::default();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let (set, instance, reference) = cols.row(&fields, i + 1, source)?;
        table.insert(set, instance, reference);
    }
    Ok(table)
}

/// Where a reference CSV's columns are (indices into a row).
struct CsvColumns {
    instance: usize,
    set: Option<usize>,
    makespan: usize,
    /// The makespan column is `optimum` (a bare number there is proven).
    makespan_is_optimum: bool,
    lower_bound: Option<usize>,
    status: Option<usize>,
}

impl CsvColumns {
    /// The columns a header names; an instance and a makespan column are
    /// required.
    fn of_header(header: &str, source: &str) -> Result<CsvColumns, InputError> {
        let cols: Vec<String> = header
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .collect();
        let find = |names: &[&str]| names.iter().find_map(|n| cols.iter().position(|c| c == n));
        let instance = find(&["instance", "name", "problem"]);
        let makespan = find(&[
            "best_makespan",
            "best_known_makespan",
            "best",
            "makespan",
            "optimum",
            "ub",
            "upper_bound",
        ]);
        let (Some(instance), Some(makespan)) = (instance, makespan) else {
            return Err(text_reader::error(
                source,
                1,
                E_REFERENCE,
                format!("the header `{header}` lacks an instance or a makespan column"),
                "use the header `instance,best_makespan,status` (status optimal|best|infeasible)",
            ));
        };
        Ok(CsvColumns {
            instance,
            set: find(&["set"]),
            makespan,
            makespan_is_optimum: cols[makespan] == "optimum",
            lower_bound: find(&["lower_bound", "best_lower_bound", "lb"]),
            status: find(&["status", "kind"]),
        })
    }

    /// One row: its set (when given), its instance and what it says.
    fn row<'r>(
        &self,
        fields: &[&'r str],
        line_no: usize,
        source: &str,
    ) -> Result<(Option<&'r str>, &'r str, Reference), InputError> {
        let get = |k: Option<usize>| k.and_then(|k| fields.get(k)).copied().unwrap_or("");
        let fail = |message: String, hint: &str| {
            text_reader::error(source, line_no, E_REFERENCE, message, hint)
        };
        let instance = get(Some(self.instance));
        if instance.is_empty() {
            return Err(fail(
                "a row without an instance name".into(),
                "every row names its instance",
            ));
        }
        let num = |what: &str, v: &str| -> Result<Option<Time>, InputError> {
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<Time>().map(Some).map_err(|_| {
                fail(
                    format!("{what} `{v}` is not a whole number"),
                    "write makespans and bounds as whole numbers, or leave them empty",
                )
            })
        };
        // The RCPSP/max collections' `optimum.csv` writes one field per
        // instance: the optimum, `lb..ub` for an open one, `unsat` for one
        // proven infeasible.
        let ms_field = get(Some(self.makespan));
        let (ms_text, lb_text, implied) = match ms_field.split_once("..") {
            Some((lb, ub)) => (ub, lb, "best"),
            None if ms_field.eq_ignore_ascii_case("unsat") => {
                ("", get(self.lower_bound), "infeasible")
            }
            None if self.makespan_is_optimum && !ms_field.is_empty() => (ms_field, "", "optimal"),
            None => (ms_field, get(self.lower_bound), ""),
        };
        let makespan = num("the makespan", ms_text)?;
        let lower_bound = num("the lower bound", lb_text)?;
        let status_text = match get(self.status) {
            "" => implied.to_string(),
            s => s.to_ascii_lowercase(),
        };
        let status = row_status(&status_text, instance, makespan, lower_bound)
            .map_err(|(message, hint)| fail(message, hint))?;
        if status != RefStatus::Infeasible && makespan.is_none() {
            return Err(fail(
                format!("`{instance}` is {status:?} but has no makespan"),
                "give the makespan, or the status infeasible",
            ));
        }
        let set = self.set.map(|k| get(Some(k))).filter(|s| !s.is_empty());
        let reference = Reference {
            makespan,
            lower_bound,
            status,
        };
        Ok((set, instance, reference))
    }
}

/// A row's status: as written, or (when not written) optimal when the
/// makespan meets the lower bound, else best; the message and hint of what
/// is wrong otherwise.
fn row_status(
    written: &str,
    instance: &str,
    makespan: Option<Time>,
    lower_bound: Option<Time>,
) -> Result<RefStatus, (String, &'static str)> {
    match written {
        "optimal" | "opt" => Ok(RefStatus::Optimal),
        "best" | "feasible" | "ub" | "bku" => Ok(RefStatus::Best),
        "infeasible" => Ok(RefStatus::Infeasible),
        "" if makespan.is_some() && makespan == lower_bound => Ok(RefStatus::Optimal),
        "" if makespan.is_none() => Err((
            format!("no makespan and no status for `{instance}`"),
            "give a makespan, or the status infeasible",
        )),
        "" => Ok(RefStatus::Best),
        other => Err((
            format!("unknown status `{other}`"),
            "status is optimal, best or infeasible",
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_say_which_line_and_why() {
        let message = |csv: &str| {
            let e = parse_reference(csv, "r.csv", "r.csv").unwrap_err();
            let d = &e.diagnostics[0];
            assert_eq!(d.code, "E088");
            (d.path.clone(), d.message.clone())
        };
        let head = "instance,best_makespan,status\n";
        assert_eq!(
            message(&format!("{head}a,10,optimal\nb,11,maybe\n")),
            ("line 3".into(), "unknown status `maybe`".into())
        );
        assert_eq!(
            message(&format!("{head}a,,\n")),
            ("line 2".into(), "no makespan and no status for `a`".into())
        );
        assert_eq!(
            message(&format!("{head}a,,best\n")),
            ("line 2".into(), "`a` is Best but has no makespan".into())
        );
        assert_eq!(
            message(&format!("{head},10,best\n")),
            ("line 2".into(), "a row without an instance name".into())
        );
        assert_eq!(
            message("instance,lb\nj301_1,10\n"),
            (
                "line 1".into(),
                "the header `instance,lb` lacks an instance or a makespan column".into()
            )
        );
    }
}
