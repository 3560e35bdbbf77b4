//! Reading, validating and resolving an inventory.
//!
//! [`load`] / [`load_str`] parse YAML (with alias/nesting budgets and
//! duplicate keys refused) or JSON into the file model ([`super::file`]),
//! then [`validate`] checks every rule of DESIGN.md, collecting EVERY problem
//! as a [`Diagnostic`] (stable code, field path, message naming the value,
//! hint), and resolves the file into an [`Inventory`]: ids become indices,
//! `cluster:` tasks expand to one task per member (`<task>@<member>`), times
//! become minutes from the window start. Codes are listed in docs/errors.md.
//!
//! Decisions documented here (and in docs/errors.md):
//! - A task of duration `0m` is a milestone and must have `outage: false`.
//! - A cluster with neither `min_available` nor `max_unavailable` has no
//!   availability rule: `min_available` 0.
//! - A task needs no team when it has neither `team` nor `needs`.
//! - Intervals before the window start are kept as given (harmless).

use super::file::*;
use super::shape::Partial;
use super::time::{self, Clock, TimeError};
use crate::base::{Interval, Time};
use crate::error::{Diagnostic, InputError};
use crate::inventory::*;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

/// File formats an inventory (or a plan, a scenario, a progress file) can
/// be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML 1.2.
    Yaml,
    /// JSON.
    Json,
}

impl Format {
    /// The format for a file name's extension (`.yaml`/`.yml`, `.json`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Largest inventory file accepted by default (64 MiB; `--max-file-mb`).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most tasks accepted by default, counted after cluster expansion (a task
/// on a cluster of 4 counts 4; `--max-tasks`).
pub const MAX_TASKS: usize = 50_000;

/// Most blackouts accepted (E007); not configurable.
pub const MAX_BLACKOUTS: usize = 10_000;

/// Size limits applied when reading an inventory. The defaults suit any real
/// estate; the CLI's `--max-file-mb` and `--max-tasks` raise or lower them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes (E003).
    pub max_file_bytes: u64,
    /// Most tasks accepted after cluster expansion (E007).
    pub max_tasks: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            max_tasks: MAX_TASKS,
        }
    }
}

/// `n` bytes in words: `64 MiB`, `1.5 MiB`, `300 bytes`.
fn fmt_bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

/// Reads a whole file as UTF-8 text, refusing more than `max_bytes` without
/// reading it all (E001 unreadable or a directory, E003 too large, E004 not
/// UTF-8, with the line and column of the first bad byte). `what` names the
/// file in messages ("inventory", "plan").
pub fn read_text_limited(path: &Path, max_bytes: u64, what: &str) -> Result<String, Diagnostic> {
    let source = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(
            "E001",
            "",
            format!("cannot read `{source}`: {e}"),
            format!("check the path and that the {what} file is readable"),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    if let Ok(meta) = file.metadata() {
        if meta.is_dir() {
            return Err(Diagnostic::new(
                "E001",
                "",
                format!("`{source}` is a directory"),
                format!("give the path of an {what} file"),
            ));
        }
        if meta.len() > max_bytes {
            return Err(too_big(&source, Some(meta.len()), max_bytes, what));
        }
    }
    read_limited(file, max_bytes, what, &source)
}

/// E003: `source` (of `size` bytes, when known) is over `max_bytes`.
fn too_big(source: &str, size: Option<u64>, max_bytes: u64, what: &str) -> Diagnostic {
    let size = match size {
        Some(n) => format!(" ({})", fmt_bytes(n)),
        None => String::new(),
    };
    Diagnostic::new(
        "E003",
        "",
        format!(
            "`{source}`{size} is larger than the limit of {} for an {what} file",
            fmt_bytes(max_bytes)
        ),
        "check you passed the right file; if it really is this large, split it or raise the limit with `--max-file-mb N`",
    )
}

/// Reads text from `reader`, refusing more than `max_bytes` (E003) and
/// text that is not UTF-8 (E004, with the line and column of the first bad
/// byte), never holding more than `max_bytes + 1` bytes. `source` and
/// `what` name the input in messages.
pub fn read_limited(
    reader: impl Read,
    max_bytes: u64,
    what: &str,
    source: &str,
) -> Result<String, Diagnostic> {
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(
            "E001",
            "",
            format!("cannot read `{source}`: {e}"),
            format!("check that the {what} can be read"),
        )
    };
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(source, None, max_bytes, what));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Diagnostic::new(
            "E004",
            "",
            format!("`{source}` is not UTF-8 text (invalid byte at line {line}, column {col})"),
            "save the file as UTF-8",
        )
    })
}

/// Reads, validates and resolves an inventory file (format by extension),
/// with the default [`Limits`].
pub fn load(path: &Path) -> Result<Inventory, InputError> {
    load_with(path, &Limits::default())
}

/// Reads, validates and resolves an inventory file (format by extension)
/// within the given limits.
pub fn load_with(path: &Path, limits: &Limits) -> Result<Inventory, InputError> {
    let source = path.display().to_string();
    let Some(format) = Format::from_path(path) else {
        return Err(InputError::one(
            &source,
            Diagnostic::new(
                "E002",
                "",
                format!("cannot tell the format of `{source}` from its extension"),
                "name the file `*.yaml`, `*.yml` or `*.json`",
            ),
        ));
    };
    let text = read_text_limited(path, limits.max_file_bytes, "inventory")
        .map_err(|d| InputError::one(&source, d))?;
    load_str_with(&text, format, &source, limits)
}

/// Refuses a file model with more tasks than `limits.max_tasks`, counting a
/// task on a cluster once per member (E007). Done before validation, so a
/// huge inventory costs no more than its parse.
pub fn check_limits(f: &InventoryFile, limits: &Limits) -> Result<(), Diagnostic> {
    // Every task is checked against every blackout (which ones cover it):
    // the product must stay reasonable. Real estates have dozens.
    if f.blackouts.len() > MAX_BLACKOUTS {
        return Err(Diagnostic::new(
            "E007",
            "blackouts",
            format!(
                "the inventory has {} blackouts, more than the limit of {MAX_BLACKOUTS}",
                f.blackouts.len()
            ),
            "merge overlapping blackouts, or give the windows a task may use with `windows` instead",
        ));
    }
    let sizes: HashMap<&str, usize> = f
        .clusters
        .iter()
        .map(|c| (c.id.as_str(), c.members.len().max(1)))
        .collect();
    let mut n: usize = 0;
    for t in &f.tasks {
        let k = t
            .cluster
            .as_deref()
            .and_then(|c| sizes.get(c).copied())
            .unwrap_or(1);
        n = n.saturating_add(k);
    }
    if n > limits.max_tasks {
        let expanded = if n != f.tasks.len() {
            format!(
                " ({} as written, expanded over cluster members)",
                f.tasks.len()
            )
        } else {
            String::new()
        };
        return Err(Diagnostic::new(
            "E007",
            "tasks",
            format!(
                "the inventory has {n} tasks{expanded}, more than the limit of {}",
                limits.max_tasks
            ),
            "split the estate into several windows, or raise the limit with `--max-tasks N` (planning time grows with the task count)",
        ));
    }
    Ok(())
}

/// Validates and resolves an inventory given as text.
pub fn load_str(text: &str, format: Format, source: &str) -> Result<Inventory, InputError> {
    load_str_with(text, format, source, &Limits::default())
}

/// [`load_str`] within the given limits (the file size is not checked here:
/// the text is already in memory).
pub fn load_str_with(
    text: &str,
    format: Format,
    source: &str,
    limits: &Limits,
) -> Result<Inventory, InputError> {
    let fail = |diagnostics: Vec<Diagnostic>| InputError {
        source: source.to_string(),
        diagnostics,
    };
    // The fast way: the whole file fits the model. Only when something is
    // wrong is the document read again as a tree, to place each problem.
    let first = match parse_str(text, format) {
        Ok(file) => {
            check_limits(&file, limits).map_err(|d| InputError::one(source, d))?;
            return validate(&file).map_err(|diags| match tree(text, format) {
                Some(root) => fail(diags.into_iter().map(|d| place(&root, d)).collect()),
                None => fail(diags),
            });
        }
        Err(d) => d,
    };
    // Syntax errors and the parser's limits stop everything: there is no
    // tree to read further.
    let Some(root) = tree(text, format) else {
        return Err(InputError::one(source, first));
    };
    let lang = match format {
        Format::Yaml => "YAML",
        Format::Json => "JSON",
    };
    let (file, partial, mut diags) = super::shape::read(&root, lang);
    check_limits(&file, limits).map_err(|d| InputError::one(source, d))?;
    if diags.is_empty() {
        // The tree reads what the model refused (e.g. a number where JSON
        // wants a string): never accept it for that.
        diags.push(first);
    }
    if let Err(rules) = validate_with(&file, &partial) {
        for mut d in rules {
            if partial.window_broken && d.path.starts_with("window") {
                continue; // already reported as malformed
            }
            d.path = partial.remap(&d.path);
            d.message = partial.remap(&d.message);
            if !partial.covers(&d.path) {
                // A field read under its meant name is placed where written.
                let at = place(
                    &root,
                    Diagnostic::new("", partial.as_written(&d.path), "", ""),
                );
                diags.push(match (at.line, at.column) {
                    (Some(l), Some(c)) => d.at(l, c),
                    _ => d,
                });
            }
        }
    }
    Err(fail(diags.into_iter().map(|d| place(&root, d)).collect()))
}

/// The document as a tree with places, or None when it cannot be read.
fn tree(text: &str, format: Format) -> Option<super::node::Node> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return None;
    }
    match format {
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .map(|_| super::node::json_tree(text)),
        Format::Yaml => serde_saphyr::from_str_with_options(text, yaml_options(text.len())).ok(),
    }
}

/// A diagnostic placed at the line and column of its path.
fn place(root: &super::node::Node, d: Diagnostic) -> Diagnostic {
    if d.line.is_some() || d.path.is_empty() {
        return d;
    }
    let node = root.find(&d.path);
    let (line, column) = (node.line, node.column);
    d.at(line, column)
}

fn yaml_options(text_len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // The inventory is at most ~6 levels deep; anything much deeper is hostile.
    budget.max_depth = 32;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    // Events and nodes: fixed floors, raised with the size of the text (every
    // node or event takes at least one byte of it; aliases, the only way to
    // make more than the text holds, are limited separately). A plain
    // 200 000-task estate is ~22 MB and needs ~5 M events.
    budget.max_events = 4_000_000usize.max(text_len);
    budget.max_nodes = 2_000_000usize.max(text_len / 2);
    let mut opts = serde_saphyr::Options::default();
    opts.budget = Some(budget);
    opts.alias_limits.max_total_replayed_events = 100_000;
    opts.alias_limits.max_replay_stack_depth = 16;
    opts.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    opts.with_snippet = false;
    // Only `true`/`false` are booleans: an id such as `y`, `no` or `on` stays text.
    opts.strict_booleans = true;
    opts
}

/// YAML into any type, with the safety options of [`parse_str`].
fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, yaml_options(text.len())).map_err(|e| {
        let msg = first_line(&e.to_string());
        let (code, hint) = parse_hint(&msg, "YAML");
        let (loc, line, column) = match e.location() {
            Some(l) if l.line() > 0 => (
                format!(" at line {}, column {}", l.line(), l.column()),
                u32::try_from(l.line()).unwrap_or(0),
                u32::try_from(l.column()).unwrap_or(0),
            ),
            _ => (String::new(), 0, 0),
        };
        Diagnostic::new(code, "", format!("malformed YAML{loc}: {msg}"), hint).at(line, column)
    })
}

/// Parses text into the file model, without validating it. A malformed
/// document is one diagnostic (`E005`) giving line and column.
pub fn parse_str(text: &str, format: Format) -> Result<InventoryFile, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::new(
            "E005",
            "",
            "the inventory is empty",
            "an inventory needs at least `window: { start: ..., timezone: ... }`",
        ));
    }
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = match msg.rfind(" at line ") {
                Some(p) => msg[..p].to_string(),
                None => msg,
            };
            Diagnostic::new(
                parse_hint(&msg, "JSON").0,
                "",
                format!(
                    "malformed JSON at line {}, column {}: {msg}",
                    e.line(),
                    e.column()
                ),
                parse_hint(&msg, "JSON").1,
            )
            .at(
                u32::try_from(e.line()).unwrap_or(0),
                u32::try_from(e.column()).unwrap_or(0),
            )
        }),
        Format::Yaml => from_yaml(text),
    }
}

/// Parses YAML or JSON text into a generic JSON value with the same reader
/// (and the same safety options) as the inventory itself. Used by what-if
/// scenarios, which patch the inventory document before validating it.
pub fn parse_value(text: &str, format: Format) -> Result<serde_json::Value, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(
                "E005",
                "",
                format!(
                    "malformed JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
                "check the brackets, commas and quotes around that position",
            )
        }),
        Format::Yaml => from_yaml(text),
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("").trim();
    // Advice meant for the programmer, not the user.
    let l = l.split(", set DuplicateKeyPolicy").next().unwrap_or(l);
    // serde-saphyr appends its own location; ours is given separately.
    match l.find(" at line ") {
        Some(p) => l[..p].to_string(),
        None => l.to_string(),
    }
}

/// The words between the first pair of backticks after `marker`.
pub(crate) fn quoted_after<'a>(msg: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &msg[msg.find(marker)? + marker.len()..];
    let rest = &rest[rest.find('`')? + 1..];
    Some(&rest[..rest.find('`')?])
}

/// The alternatives serde lists after "expected" (both serde_json's
/// `` `a`, `b` or `c` `` and serde-saphyr's `one of a, b, c`).
pub(crate) fn expected_list(msg: &str) -> Vec<String> {
    let Some(p) = msg.rfind("expected ") else {
        return Vec::new();
    };
    let list = msg[p + "expected ".len()..].trim_start_matches("one of ");
    list.split(", ")
        .flat_map(|x| x.split(" or "))
        .map(|x| x.trim().trim_matches('`').to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Classifies a serde/parser message into a code and a hint.
pub(crate) fn parse_hint(msg: &str, lang: &str) -> (&'static str, String) {
    let m = msg.to_ascii_lowercase();
    for (marker, what) in [("unknown field", "field"), ("unknown variant", "value")] {
        if m.starts_with(marker) {
            let bad = quoted_after(msg, marker).unwrap_or("");
            let alts = expected_list(msg);
            let list = alts.join(", ");
            let hint = match suggest(bad, alts.iter().map(|s| s.as_str())) {
                Some(s) => format!("did you mean `{s}`? (allowed {what}s here: {list})"),
                None if alts.is_empty() => format!("remove the {what} or check its spelling"),
                None => format!("allowed {what}s here: {list}"),
            };
            return ("E005", hint);
        }
    }
    if m.starts_with("missing field") {
        let f = quoted_after(msg, "missing field").unwrap_or("it");
        return ("E005", format!("add `{f}`: it is required here"));
    }
    if m.contains("duplicate") {
        return (
            "E005",
            "each key may appear only once in a mapping; remove or rename the repeated key".into(),
        );
    }
    if m.contains("limit exceeded") || m.contains("budget") {
        return (
            "E006",
            "the document exceeds the parser's safety limits (alias expansion, nesting depth or size); write the inventory out plainly".into(),
        );
    }
    if m.contains("invalid boolean") || m.contains("expected a boolean") {
        return ("E005", "write `true` or `false`".into());
    }
    if m.contains("floating point") || m.contains("number out of range") {
        return (
            "E005",
            "write a finite number of ordinary size, e.g. `1` or `2.5` (this one is not a number or is too large to represent)".into(),
        );
    }
    if m.contains("does not fit in 64 bits")
        || m.contains("expected a whole number")
        || m.contains("invalid i64")
        || m.contains("invalid u64")
        || m.contains("expected i64")
        || m.contains("invalid value: integer")
    {
        return (
            "E005",
            "write a whole number of ordinary size, e.g. `2` (this one is not a whole number or does not fit in 64 bits)".into(),
        );
    }
    if m.contains("end of input") || m.contains("eof while parsing") {
        return (
            "E005",
            "the document ends too early; check for a missing closing bracket or brace, or an empty file".into(),
        );
    }
    if m.starts_with("invalid type") || m.starts_with("invalid value") {
        if let Some(p) = msg.rfind(", expected ") {
            let want = &msg[p + ", expected ".len()..];
            let example = match want {
                "a map" => ", e.g. `{ id: web-1 }`",
                "a list" => ", e.g. `[web-1, web-2]`",
                _ => "",
            };
            return ("E005", format!("write {want} here{example}"));
        }
    }
    (
        "E005",
        format!("fix the {lang} syntax or value type at that position"),
    )
}

// ---------------------------------------------------------------------------
// Helpers

/// Damerau (optimal string alignment) distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, v) in d[0].iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Longest word (in characters) for which a "did you mean" is looked for.
const MAX_SUGGEST_LEN: usize = 64;

/// How many candidate comparisons the "did you mean" hints of one file may
/// cost in all (each unknown reference is compared with every candidate);
/// once spent, the remaining unknown references get a plain hint, so a file
/// with thousands of bad references among thousands of ids is still reported
/// in about linear time.
pub const SUGGESTION_BUDGET: usize = 300_000;

/// The closest candidate to `word`, when close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let wlen = w.chars().count();
    // A long word is not a typo of an id, and its distance costs len² to find.
    if wlen > MAX_SUGGEST_LEN {
        return None;
    }
    let limit = (wlen / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c.is_empty() || c.len() > 4 * MAX_SUGGEST_LEN {
            continue;
        }
        // The distance is at least the difference in length.
        if c.chars().count().abs_diff(wlen) > limit {
            continue;
        }
        let d = edit_distance(&w, &c.to_lowercase());
        // Ties go to the alphabetically first, so output is deterministic.
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

use crate::base::fmt_minutes;

struct Ctx<'p> {
    diags: Vec<Diagnostic>,
    /// What the shape pass left out: references to it are not "unknown".
    partial: &'p Partial,
    /// Candidate comparisons left for "did you mean" (see [`SUGGESTION_BUDGET`]).
    suggestions_left: usize,
}

impl Ctx<'_> {
    fn err(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::new(code, path, msg, hint));
    }

    fn time_err(&mut self, path: impl Into<String>, e: TimeError) {
        self.diags
            .push(Diagnostic::new(e.code, path, e.message, e.hint));
    }

    fn duration(&mut self, path: String, t: &Text) -> Option<Time> {
        time::parse_duration(t.as_str())
            .map_err(|e| self.time_err(path, e))
            .ok()
    }

    fn lag(&mut self, path: String, t: &Text) -> Option<Time> {
        time::parse_lag(t.as_str())
            .map_err(|e| self.time_err(path, e))
            .ok()
    }

    /// The intervals of a list, merged; None when there is no clock (the
    /// window is wrong) or one of them is wrong, so that no rule is checked
    /// against a partial list (that would be a second, false error).
    fn intervals(
        &mut self,
        clock: Option<&Clock>,
        path: &str,
        list: &[Text],
    ) -> Option<Vec<Interval>> {
        let clock = clock?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, t) in list.iter().enumerate() {
            match clock.interval(t.as_str()) {
                Ok(i) => out.push(i),
                Err(e) => {
                    ok = false;
                    self.time_err(format!("{path}[{k}]"), e)
                }
            }
        }
        ok.then(|| crate::base::intervals::merge(out))
    }

    /// E020/E021: an id must be non-empty, without `@`, whitespace or
    /// control characters.
    fn check_id(&mut self, path: String, kind: &str, id: &str) {
        if id.is_empty() {
            self.err(
                "E020",
                path,
                format!("{kind} id is empty"),
                format!("give the {kind} a non-empty id"),
            );
        } else if let Some(c) = id
            .chars()
            .find(|c| *c == '@' || c.is_whitespace() || c.is_control())
        {
            let what = if c == '@' {
                "`@` (reserved for cluster-expanded task ids `<task>@<member>`)".to_string()
            } else if c.is_whitespace() {
                "whitespace".to_string()
            } else {
                format!("control character U+{:04X}", c as u32)
            };
            self.err(
                "E021",
                path,
                format!("{kind} id {id:?} contains {what}"),
                "use letters, digits, `-`, `_`, `.` or `:`; e.g. replace spaces with `-`",
            );
        }
    }

    /// E022 on a repeated id; returns whether it was new.
    fn register<V: Copy>(
        &mut self,
        map: &mut HashMap<String, (V, String)>,
        id: &str,
        value: V,
        path: String,
        kind: &str,
    ) -> bool {
        if id.is_empty() {
            return false;
        }
        if let Some((_, first)) = map.get(id) {
            self.err(
                "E022",
                path,
                format!("duplicate id `{id}`: already used by {kind} {first}"),
                "ids must be unique (systems and clusters share one namespace); rename one of them",
            );
            false
        } else {
            map.insert(id.to_string(), (value, path));
            true
        }
    }

    /// An unknown-reference diagnostic with a "did you mean" when close.
    #[allow(clippy::too_many_arguments)]
    fn unknown<'a>(
        &mut self,
        code: &'static str,
        path: String,
        kind: &str,
        id: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        section: &str,
        extra: Option<String>,
    ) {
        if self.partial.excuses(kind, id) {
            return; // the item it names is malformed, and reported as such
        }
        // Once the budget is spent, not even the candidates are listed: that
        // too is a pass over all of them.
        let cands: Vec<&str> = if self.suggestions_left == 0 {
            Vec::new()
        } else {
            candidates.into_iter().collect()
        };
        if self.suggestions_left == 0 || cands.len() > self.suggestions_left {
            self.suggestions_left = 0;
            let hint = match extra {
                Some(x) => x,
                None => format!("define it under `{section}:`"),
            };
            self.err(code, path, format!("unknown {kind} `{id}`"), hint);
            return;
        }
        self.suggestions_left -= cands.len();
        let mut hint = match suggest(id, cands.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if cands.is_empty() => format!("define it under `{section}:`"),
            None => {
                let mut sorted = cands.clone();
                sorted.sort_unstable();
                let shown: Vec<String> = sorted.iter().take(8).map(|c| format!("`{c}`")).collect();
                let more = if sorted.len() > 8 { ", …" } else { "" };
                format!(
                    "define it under `{section}:`; known: {}{more}",
                    shown.join(", ")
                )
            }
        };
        if let Some(x) = extra {
            hint = match suggest(id, cands.iter().copied()) {
                Some(s) => format!("{x}; or did you mean `{s}`?"),
                None => x,
            };
        }
        self.err(code, path, format!("unknown {kind} `{id}`"), hint);
    }
}

type Ids<V> = HashMap<String, (V, String)>;

fn keys<V>(m: &Ids<V>) -> impl Iterator<Item = &str> {
    m.keys().map(|s| s.as_str())
}

// ---------------------------------------------------------------------------
// Validation and resolution

/// Checks every rule on a parsed file and resolves it; returns all problems
/// found when there is any.
pub fn validate(f: &InventoryFile) -> Result<Inventory, Vec<Diagnostic>> {
    validate_with(f, &Partial::default())
}

/// [`validate`] on a file model some items were left out of (see
/// [`Partial`]).
pub fn validate_with(f: &InventoryFile, partial: &Partial) -> Result<Inventory, Vec<Diagnostic>> {
    let mut cx = Ctx {
        partial,
        diags: Vec::new(),
        suggestions_left: SUGGESTION_BUDGET,
    };

    // --- window
    let clock = match time::timezone(&f.window.timezone) {
        Err(e) => {
            cx.time_err("window.timezone", e);
            None
        }
        Ok(tz) => match time::parse_local(f.window.start.as_str(), &tz) {
            Err(e) => {
                cx.time_err("window.start", e);
                None
            }
            Ok(start) => Some(Clock { tz, start }),
        },
    };
    let mut deadline = None;
    if let (Some(c), Some(d)) = (&clock, &f.window.deadline) {
        match c.minute(d.as_str()) {
            Err(e) => cx.time_err("window.deadline", e),
            Ok(m) if m <= 0 => cx.err(
                "E015",
                "window.deadline",
                format!(
                    "deadline `{d}` is not after the window start `{}`",
                    f.window.start
                ),
                "set the deadline after `window.start` (check the date and the DST offset)",
            ),
            Ok(m) => deadline = Some(m),
        }
    }
    let clock = clock.as_ref();

    // --- ids
    let mut team_ids: Ids<usize> = HashMap::new();
    let mut comp_ids: Ids<Component> = HashMap::new();
    let mut zone_ids: Ids<usize> = HashMap::new();
    let mut service_ids: Ids<usize> = HashMap::new();
    let mut integ_ids: Ids<usize> = HashMap::new();
    let mut task_ids: Ids<usize> = HashMap::new();
    for (i, t) in f.teams.iter().enumerate() {
        cx.check_id(format!("teams[{i}].id"), "team", &t.id);
        cx.register(&mut team_ids, &t.id, i, format!("teams[{i}]"), "team");
    }
    for (i, s) in f.systems.iter().enumerate() {
        cx.check_id(format!("systems[{i}].id"), "system", &s.id);
        cx.register(
            &mut comp_ids,
            &s.id,
            Component::System(i),
            format!("systems[{i}]"),
            "system",
        );
    }
    for (i, c) in f.clusters.iter().enumerate() {
        cx.check_id(format!("clusters[{i}].id"), "cluster", &c.id);
        let first = comp_ids.get(&c.id).map(|(_, p)| p.clone());
        if let Some(first) = first {
            cx.err(
                "E022",
                format!("clusters[{i}].id"),
                format!("duplicate id `{}`: already used by {first}", c.id),
                "ids must be unique (systems and clusters share one namespace); rename one of them",
            );
        } else if !c.id.is_empty() {
            comp_ids.insert(
                c.id.clone(),
                (Component::Cluster(i), format!("clusters[{i}]")),
            );
        }
    }
    for (i, z) in f.zones.iter().enumerate() {
        cx.check_id(format!("zones[{i}].id"), "zone", &z.id);
        cx.register(&mut zone_ids, &z.id, i, format!("zones[{i}]"), "zone");
    }
    for (i, s) in f.services.iter().enumerate() {
        cx.check_id(format!("services[{i}].id"), "service", &s.id);
        cx.register(
            &mut service_ids,
            &s.id,
            i,
            format!("services[{i}]"),
            "service",
        );
    }
    for (i, g) in f.integrations.iter().enumerate() {
        cx.check_id(format!("integrations[{i}].id"), "integration", &g.id);
        cx.register(
            &mut integ_ids,
            &g.id,
            i,
            format!("integrations[{i}]"),
            "integration",
        );
    }
    for (i, t) in f.tasks.iter().enumerate() {
        cx.check_id(format!("tasks[{i}].id"), "task", &t.id);
        cx.register(&mut task_ids, &t.id, i, format!("tasks[{i}]"), "task");
    }
    let system_names = || f.systems.iter().map(|s| s.id.as_str());
    let cluster_names = || f.clusters.iter().map(|c| c.id.as_str());

    // --- teams
    let mut teams = Vec::with_capacity(f.teams.len());
    for (i, t) in f.teams.iter().enumerate() {
        let capacity = positive_u32(
            &mut cx,
            format!("teams[{i}].capacity"),
            "team",
            &t.id,
            "capacity",
            t.capacity,
        );
        let available = t
            .available
            .as_ref()
            .and_then(|list| cx.intervals(clock, &format!("teams[{i}].available"), list));
        teams.push(Team {
            id: t.id.clone(),
            capacity,
            available,
        });
    }

    // --- zones
    let mut zones = Vec::with_capacity(f.zones.len());
    for (i, z) in f.zones.iter().enumerate() {
        let max_concurrent = match z.max_concurrent {
            None => u32::MAX, // a label (format 1.1)
            Some(m) => positive_u32(
                &mut cx,
                format!("zones[{i}].max_concurrent"),
                "zone",
                &z.id,
                "max_concurrent",
                m,
            ),
        };
        zones.push(Zone {
            id: z.id.clone(),
            max_concurrent,
        });
    }

    // --- systems
    let mut systems = Vec::with_capacity(f.systems.len());
    for (i, s) in f.systems.iter().enumerate() {
        let zone = s.zone.as_ref().and_then(|z| match zone_ids.get(z) {
            Some((k, _)) => Some(*k),
            None if super::validate_v11::zone_label(i, z, f) => None,
            None => {
                cx.unknown(
                    "E033",
                    format!("systems[{i}].zone"),
                    "zone",
                    z,
                    keys(&zone_ids),
                    "zones",
                    None,
                );
                None
            }
        });
        let parallel_changes = match s.parallel_changes {
            None => 1,
            Some(n) => positive_u32(
                &mut cx,
                format!("systems[{i}].parallel_changes"),
                "system",
                &s.id,
                "parallel_changes",
                n,
            ),
        };
        systems.push(System {
            id: s.id.clone(),
            zone,
            site: s.site.clone(),
            tags: s.tags.clone(),
            parallel_changes,
            external: false,
            unavailable: Vec::new(),
            notes: None,
        });
    }
    cx.diags
        .extend(super::validate_v11::systems(f, clock, &mut systems));

    // Resolves a system reference; a cluster id gets a pointed hint.
    let resolve_system =
        |cx: &mut Ctx, path: String, id: &str, cluster_hint: &str| -> Option<usize> {
            match comp_ids.get(id) {
                Some((Component::System(s), _)) => Some(*s),
                Some((Component::Cluster(_), _)) => {
                    cx.err(
                        "E031",
                        path,
                        format!("`{id}` is a cluster, not a system"),
                        cluster_hint.to_string(),
                    );
                    None
                }
                None => {
                    cx.unknown("E031", path, "system", id, system_names(), "systems", None);
                    None
                }
            }
        };
    let resolve_component = |cx: &mut Ctx, path: String, id: &str| -> Option<Component> {
        match comp_ids.get(id) {
            Some((c, _)) => Some(*c),
            None => {
                cx.unknown(
                    "E035",
                    path,
                    "system or cluster",
                    id,
                    system_names().chain(cluster_names()),
                    "systems:` or `clusters",
                    None,
                );
                None
            }
        }
    };

    // --- clusters
    let mut clusters = Vec::with_capacity(f.clusters.len());
    for (i, c) in f.clusters.iter().enumerate() {
        let mut members = Vec::with_capacity(c.members.len());
        if c.members.is_empty() {
            cx.err(
                "E047",
                format!("clusters[{i}].members"),
                format!("cluster `{}` has no members", c.id),
                "list the member systems, or remove the cluster",
            );
        }
        let mut seen = HashSet::new();
        for (k, m) in c.members.iter().enumerate() {
            let p = format!("clusters[{i}].members[{k}]");
            if !seen.insert(m.as_str()) {
                cx.err(
                    "E047",
                    p,
                    format!("system `{m}` is listed twice in cluster `{}`", c.id),
                    "list each member once",
                );
                continue;
            }
            if let Some(s) = resolve_system(
                &mut cx,
                p,
                m,
                "clusters cannot contain clusters; list the member systems",
            ) {
                members.push(s);
            }
        }
        let n = c.members.len() as i64;
        let min_available = match (c.min_available, c.max_unavailable) {
            (Some(_), Some(_)) => {
                cx.err(
                    "E044",
                    format!("clusters[{i}]"),
                    format!(
                        "cluster `{}` gives both min_available and max_unavailable",
                        c.id
                    ),
                    "give only one: `max_unavailable: k` means `min_available: members - k`",
                );
                0
            }
            (Some(m), None) => {
                if m < 0 || m > n {
                    cx.err(
                        "E045",
                        format!("clusters[{i}].min_available"),
                        format!("min_available {m} of cluster `{}` is outside 0..={n} (it has {n} members)", c.id),
                        "min_available counts members that stay up; it must be between 0 and the member count",
                    );
                    0
                } else {
                    m as u32
                }
            }
            (None, Some(k)) => {
                if k < 0 || k > n {
                    cx.err(
                        "E045",
                        format!("clusters[{i}].max_unavailable"),
                        format!("max_unavailable {k} of cluster `{}` is outside 0..={n} (it has {n} members)", c.id),
                        "max_unavailable counts members that may be down at once; it must be between 0 and the member count",
                    );
                    0
                } else {
                    (n - k) as u32
                }
            }
            (None, None) => 0,
        };
        clusters.push(Cluster {
            id: c.id.clone(),
            members,
            min_available,
        });
    }

    // --- DR
    let mut dr = Vec::with_capacity(f.dr.len());
    for (i, d) in f.dr.iter().enumerate() {
        let p = resolve_component(&mut cx, format!("dr[{i}].primary"), &d.primary);
        let s = resolve_component(&mut cx, format!("dr[{i}].standby"), &d.standby);
        if d.primary == d.standby {
            cx.err(
                "E065",
                format!("dr[{i}].standby"),
                format!("DR pair has `{}` as both primary and standby", d.primary),
                "the standby must be a different system or cluster",
            );
        }
        if let (Some(primary), Some(standby)) = (p, s) {
            dr.push(DrPair {
                primary,
                standby,
                order: d.order.map(|o| match o {
                    DrOrderFile::StandbyFirst => DrOrder::StandbyFirst,
                    DrOrderFile::PrimaryFirst => DrOrder::PrimaryFirst,
                }),
            });
        }
    }

    // --- blackouts
    let all_tags: HashSet<&str> = f
        .systems
        .iter()
        .flat_map(|s| s.tags.iter().map(|t| t.as_str()))
        .collect();
    let mut blackouts = Vec::with_capacity(f.blackouts.len());
    for (i, b) in f.blackouts.iter().enumerate() {
        let mut interval = Interval::new(0, 0);
        if let Some(c) = clock {
            let from = c
                .minute(b.from.as_str())
                .map_err(|e| cx.time_err(format!("blackouts[{i}].from"), e));
            let to = c
                .minute(b.to.as_str())
                .map_err(|e| cx.time_err(format!("blackouts[{i}].to"), e));
            if let (Ok(from), Ok(to)) = (from, to) {
                if to <= from {
                    cx.err(
                        "E013",
                        format!("blackouts[{i}].to"),
                        format!(
                            "blackout ends (`{}`) before or when it starts (`{}`)",
                            b.to, b.from
                        ),
                        "`to` must be after `from`",
                    );
                }
                interval = Interval::new(from, to);
            }
        }
        let mut bs = Vec::new();
        for (k, s) in b.scope.systems.iter().enumerate() {
            if let Some(x) = resolve_system(
                &mut cx,
                format!("blackouts[{i}].scope.systems[{k}]"),
                s,
                "list the cluster's member systems instead",
            ) {
                bs.push(x);
            }
        }
        let mut bz = Vec::new();
        for (k, z) in b.scope.zones.iter().enumerate() {
            match zone_ids.get(z) {
                Some((x, _)) => bz.push(*x),
                None => cx.unknown(
                    "E033",
                    format!("blackouts[{i}].scope.zones[{k}]"),
                    "zone",
                    z,
                    keys(&zone_ids),
                    "zones",
                    None,
                ),
            }
        }
        for (k, t) in b.scope.tags.iter().enumerate() {
            if !all_tags.contains(t.as_str()) {
                cx.unknown(
                    "E037",
                    format!("blackouts[{i}].scope.tags[{k}]"),
                    "tag",
                    t,
                    all_tags.iter().copied(),
                    "systems[].tags",
                    None,
                );
            }
        }
        blackouts.push(Blackout {
            id: None,
            teams: Vec::new(),
            scoped: false,
            interval,
            systems: bs,
            zones: bz,
            tags: b.scope.tags.clone(),
            reason: b.reason.clone(),
        });
    }

    // --- services
    let comps = super::validate_v11::components(f);
    let mut services = Vec::with_capacity(f.services.len());
    for (i, s) in f.services.iter().enumerate() {
        let weight = s.weight.unwrap_or(1.0);
        if !weight.is_finite() || weight < 0.0 {
            cx.err(
                "E043",
                format!("services[{i}].weight"),
                format!(
                    "weight {weight} of service `{}` is not a finite number >= 0",
                    s.id
                ),
                "weight is the cost of one minute of downtime; use a number such as 1 or 10",
            );
        }
        let mut requires = Vec::new();
        let mut any = Vec::new();
        for (k, r) in s.requires.iter().enumerate() {
            let path = format!("services[{i}].requires[{k}]");
            match r {
                RequireFile::Id(r) => {
                    if let Some(c) = resolve_component(&mut cx, path, r) {
                        requires.push(c);
                    }
                }
                RequireFile::Any(g) => match super::validate_v11::any_group(&path, g, &comps) {
                    Ok(g) => any.push(g),
                    Err(d) => cx.diags.extend(d),
                },
            }
        }
        let max_downtime = s
            .max_downtime
            .as_ref()
            .and_then(|t| cx.duration(format!("services[{i}].max_downtime"), t));
        services.push(Service {
            id: s.id.clone(),
            weight,
            requires,
            max_downtime,
            any,
            notes: s.notes.clone(),
        });
    }

    // --- integrations
    let mut integrations = Vec::with_capacity(f.integrations.len());
    for (i, g) in f.integrations.iter().enumerate() {
        let from = resolve_component(&mut cx, format!("integrations[{i}].from"), &g.from);
        let to = resolve_component(&mut cx, format!("integrations[{i}].to"), &g.to);
        let tolerance = g
            .tolerance
            .as_ref()
            .and_then(|t| cx.duration(format!("integrations[{i}].tolerance"), t));
        let (mode, tolerance) = match g.mode {
            IntegrationModeFile::Sync => {
                if let Some(t) = tolerance.filter(|&t| t != 0) {
                    cx.err(
                        "E061",
                        format!("integrations[{i}].tolerance"),
                        format!("sync integration `{}` has tolerance {}", g.id, fmt_minutes(t)),
                        "a sync consumer is down as soon as the producer is; remove `tolerance` or use `mode: async`",
                    );
                }
                (IntegrationMode::Sync, 0)
            }
            IntegrationModeFile::Async => {
                if g.tolerance.is_none() {
                    cx.err(
                        "E060",
                        format!("integrations[{i}]"),
                        format!("async integration `{}` has no tolerance", g.id),
                        "add `tolerance: 60m` (how long the consumer rides out a producer outage)",
                    );
                }
                (IntegrationMode::Async, tolerance.unwrap_or(0))
            }
        };
        if let (Some(from), Some(to)) = (from, to) {
            integrations.push(Integration {
                id: g.id.clone(),
                from,
                to,
                mode,
                tolerance,
            });
        }
    }

    cx.diags.extend(super::validate_v11::blackouts(
        f,
        &mut blackouts,
        &clusters,
        &services,
        &integrations,
    ));

    // --- tasks, pass 1: each file task on its own
    use super::validate_v11::{Pre, PreAfter, Sel};
    let mut pre: Vec<Pre> = Vec::with_capacity(f.tasks.len());
    for (i, t) in f.tasks.iter().enumerate() {
        let tp = format!("tasks[{i}]");
        // target
        let given = [t.system.is_some(), t.systems.is_some(), t.cluster.is_some()]
            .iter()
            .filter(|&&b| b)
            .count();
        let mut units: Vec<(Option<String>, Vec<usize>)> = Vec::new();
        let mut cluster = None;
        let coordination = t.team.is_some() || t.needs.is_some();
        if given == 0 && coordination {
            // A coordination task (format 1.1): its team only.
        } else if given == 0 {
            cx.err(
                "E050",
                tp.clone(),
                format!("task `{}` names no system", t.id),
                "add `system: ID`, `systems: [ID, ..]` or `cluster: ID`",
            );
        } else if given > 1 {
            cx.err(
                "E051",
                tp.clone(),
                format!(
                    "task `{}` gives more than one of system, systems and cluster",
                    t.id
                ),
                "give exactly one of `system`, `systems` or `cluster`",
            );
        } else if let Some(s) = &t.system {
            if let Some(x) = resolve_system(
                &mut cx,
                format!("{tp}.system"),
                s,
                &format!("write `cluster: {s}` to run the task once per member"),
            ) {
                units.push((None, vec![x]));
            }
        } else if let Some(list) = &t.systems {
            if list.is_empty() {
                cx.err(
                    "E058",
                    format!("{tp}.systems"),
                    format!("task `{}` has an empty systems list", t.id),
                    "list at least one system",
                );
            }
            let mut v = Vec::new();
            let mut seen = HashSet::new();
            for (k, s) in list.iter().enumerate() {
                let p = format!("{tp}.systems[{k}]");
                if !seen.insert(s.as_str()) {
                    cx.err(
                        "E058",
                        p,
                        format!("system `{s}` is listed twice"),
                        "list each system once",
                    );
                    continue;
                }
                if let Some(x) = resolve_system(
                    &mut cx,
                    p,
                    s,
                    "list the cluster's member systems, or use `cluster:` for one task per member",
                ) {
                    v.push(x);
                }
            }
            units.push((None, v));
        } else if let Some(c) = &t.cluster {
            match comp_ids.get(c) {
                Some((Component::Cluster(k), _)) => {
                    cluster = Some(*k);
                    for &m in &clusters[*k].members {
                        units.push((Some(f.systems[m].id.clone()), vec![m]));
                    }
                }
                Some((Component::System(_), _)) => cx.err(
                    "E032",
                    format!("{tp}.cluster"),
                    format!("`{c}` is a system, not a cluster"),
                    format!("write `system: {c}`"),
                ),
                None => cx.unknown(
                    "E032",
                    format!("{tp}.cluster"),
                    "cluster",
                    c,
                    cluster_names(),
                    "clusters",
                    None,
                ),
            }
        }
        // duration
        let mut spread = None;
        let duration = match &t.duration {
            None if t.steps.is_some() => Some(0),
            None => {
                cx.err(
                    "E099",
                    format!("{tp}.duration"),
                    format!("task `{}` gives neither `duration` nor `steps`", t.id),
                    "add `duration: 30m`, or `steps: [{id: .., duration: ..}]`",
                );
                None
            }
            Some(_) if t.steps.is_some() => {
                cx.err(
                    "E095",
                    format!("{tp}.duration"),
                    format!("task `{}` gives both `duration` and `steps`", t.id),
                    "remove `duration`: a task with steps lasts as long as its steps together",
                );
                None
            }
            Some(DurationSpec::Fixed(d)) => cx.duration(format!("{tp}.duration"), d),
            Some(DurationSpec::ThreePoint { min, likely, max }) => {
                let lo = cx.duration(format!("{tp}.duration.min"), min);
                let mid = cx.duration(format!("{tp}.duration.likely"), likely);
                let hi = cx.duration(format!("{tp}.duration.max"), max);
                match (lo, mid, hi) {
                    (Some(lo), Some(mid), Some(hi)) if lo <= mid && mid <= hi => {
                        spread = Some((lo, hi));
                        Some(mid)
                    }
                    (Some(lo), Some(mid), Some(hi)) => {
                        cx.err(
                            "E062",
                            format!("{tp}.duration"),
                            format!(
                                "task `{}` has a three-point duration out of order: min {}, likely {}, max {}",
                                t.id,
                                fmt_minutes(lo),
                                fmt_minutes(mid),
                                fmt_minutes(hi)
                            ),
                            "write them so that min <= likely <= max",
                        );
                        None
                    }
                    _ => None,
                }
            }
        };
        let backout = t
            .backout
            .as_ref()
            .and_then(|b| cx.duration(format!("{tp}.backout"), b));
        let read_only = t.read_only;
        let mut steps = Vec::new();
        let outage = t.outage.unwrap_or(!read_only) && given > 0;
        if duration == Some(0) && outage && t.steps.is_none() {
            cx.err(
                "E053",
                format!("{tp}.duration"),
                format!("task `{}` has duration 0m but causes an outage", t.id),
                "a 0m task is a milestone: set `outage: false`, or give it a real duration",
            );
        }
        let duration = duration.unwrap_or(0);
        // team / needs
        let mut needs: Vec<(usize, u32)> = Vec::new();
        let mut check_need = |cx: &mut Ctx, path: String, team: &str, amount: i64| {
            let Some((k, _)) = team_ids.get(team) else {
                cx.unknown("E030", path, "team", team, keys(&team_ids), "teams", None);
                return;
            };
            if needs.iter().any(|(x, _)| x == k) {
                cx.err(
                    "E041",
                    path,
                    format!("team `{team}` is needed twice"),
                    "list each team once in `needs`",
                );
                return;
            }
            if amount < 1 || amount > u32::MAX as i64 {
                cx.err(
                    "E041",
                    path,
                    format!("task `{}` needs {amount} of team `{team}`", t.id),
                    "an amount is a whole number of at least 1; remove the team if it is not needed",
                );
                return;
            }
            let cap = f.teams[*k].capacity;
            if cap >= 1 && amount > cap {
                cx.err(
                    "E042",
                    path,
                    format!(
                        "task `{}` needs {amount} of team `{team}`, whose capacity is {cap}",
                        t.id
                    ),
                    format!("lower the amount to at most {cap}, or raise the team's capacity"),
                );
                return;
            }
            needs.push((*k, amount as u32));
        };
        match (&t.team, &t.needs) {
            (Some(_), Some(_)) => cx.err(
                "E052",
                tp.clone(),
                format!("task `{}` gives both team and needs", t.id),
                "use `team: ID` for one unit of one team, or `needs: {ID: amount, ..}`, not both",
            ),
            (Some(team), None) => check_need(&mut cx, format!("{tp}.team"), team, 1),
            (None, Some(n)) => {
                for (team, amount) in &n.0 {
                    check_need(&mut cx, format!("{tp}.needs.{team}"), team, *amount);
                }
            }
            (None, None) => {}
        }
        // windows
        let windows = t
            .windows
            .as_ref()
            .and_then(|list| cx.intervals(clock, &format!("{tp}.windows"), list));
        // after
        let mut after = Vec::new();
        for (j, a) in t.after.iter().enumerate() {
            let ap = format!("{tp}.after[{j}]");
            let lag = a.lag.as_ref().and_then(|l| cx.lag(format!("{ap}.lag"), l));
            let max_lag = a
                .max_lag
                .as_ref()
                .and_then(|l| cx.lag(format!("{ap}.max_lag"), l));
            if let Some(m) = max_lag {
                let l = lag.unwrap_or(0);
                if m < l {
                    cx.err(
                        "E054",
                        format!("{ap}.max_lag"),
                        format!(
                            "max_lag {} is less than lag {}",
                            fmt_minutes(m),
                            fmt_minutes(l)
                        ),
                        "max_lag must be at least lag (lag defaults to 0m)",
                    );
                }
            }
            if a.task == t.id {
                cx.err(
                    "E055",
                    ap,
                    format!("task `{}` is after itself", t.id),
                    "remove this entry from `after`",
                );
                continue;
            }
            let sel = if a.same_member {
                Sel::SameMember
            } else {
                Sel::All
            };
            let expanded = || {
                super::validate_v11::split_expanded(&a.task, |x| task_ids.get(x).map(|v| v.0))
                    .filter(|(k, sel)| {
                        super::validate_v11::sel_fits(&f.tasks[*k], sel, |c| {
                            matches!(comp_ids.get(c), Some((Component::Cluster(_), _)))
                        })
                    })
            };
            let found = task_ids.get(&a.task).map(|v| (v.0, sel)).or_else(expanded);
            match found {
                Some((k, sel)) => after.push(PreAfter {
                    task: k,
                    lag: lag.unwrap_or(0),
                    max_lag,
                    sel,
                    path: ap,
                    written: a.task.clone(),
                }),
                None => {
                    let extra = a.task.split_once('@').map(|(base, _)| {
                        format!("to wait for a cluster task, name the task itself (`{base}`): `after` then waits for every member")
                    });
                    cx.unknown("E034", ap, "task", &a.task, keys(&task_ids), "tasks", extra);
                }
            }
        }
        if let Some(list) = &t.steps {
            let (s, d) = super::validate_v11::steps(i, list, &needs, t.outage, read_only, |x| {
                team_ids.get(x).map(|v| v.0)
            });
            cx.diags.extend(d);
            steps = s;
        }
        let (canary, down, d) =
            super::validate_v11::task_extras(f, i, &units, cluster, &clusters, &systems, &comps);
        cx.diags.extend(d);
        let outage = if steps.is_empty() {
            outage
        } else {
            given > 0 && steps.iter().any(|s| s.outage)
        };
        pre.push(Pre {
            duration: duration + steps.iter().map(|s| s.duration).sum::<Time>(),
            units,
            spread,
            backout,
            needs,
            windows,
            after,
            outage,
            read_only,
            steps,
            canary,
            cluster,
            down,
        });
    }

    // --- cycles in `after`
    let succ: Vec<Vec<usize>> = pre
        .iter()
        .map(|p| p.after.iter().map(|a| a.task).collect())
        .collect();
    for scc in strongly_connected(&succ) {
        if scc.len() < 2 {
            continue;
        }
        let cycle = cycle_in(&succ, &scc);
        let names: Vec<String> = cycle
            .iter()
            .map(|&k| format!("`{}`", f.tasks[k].id))
            .collect();
        let first = cycle[0];
        let second = cycle.get(1).copied().unwrap_or(first);
        let j = f.tasks[first]
            .after
            .iter()
            .position(|a| a.task == f.tasks[second].id)
            .unwrap_or(0);
        cx.err(
            "E056",
            format!("tasks[{first}].after[{j}]"),
            format!(
                "dependency cycle: {} after {}",
                names.join(" after "),
                names[0]
            ),
            "tasks cannot each wait for the other; remove one `after` entry on this cycle",
        );
    }

    // --- tasks, pass 2: expansion and resolution (format 1.1: steps, canaries)
    cx.diags.extend(super::validate_v11::same_member(f, &pre));
    let (tasks, d) = super::validate_v11::expand(f, &pre);
    cx.diags.extend(d);

    // --- E046: a cluster whose min_available leaves no member to patch
    let mut outage_on: Vec<Vec<usize>> = vec![Vec::new(); systems.len()];
    for (ti, t) in tasks.iter().enumerate() {
        if t.outage {
            for &s in &t.systems {
                outage_on[s].push(ti);
            }
        }
    }
    for (k, c) in clusters.iter().enumerate() {
        let n = c.members.len() as u32;
        if n == 0 || c.min_available < n || f.clusters[k].members.len() as u32 != n {
            continue;
        }
        let mut hit_idx: Vec<usize> = c
            .members
            .iter()
            .flat_map(|&m| outage_on[m].iter().copied())
            .collect();
        hit_idx.sort_unstable();
        hit_idx.dedup();
        let hit: Vec<&str> = hit_idx.iter().map(|&t| tasks[t].id.as_str()).collect();
        if !hit.is_empty() {
            let field = if f.clusters[k].max_unavailable.is_some() {
                "max_unavailable"
            } else {
                "min_available"
            };
            let shown: Vec<String> = hit.iter().take(5).map(|t| format!("`{t}`")).collect();
            cx.err(
                "E046",
                format!("clusters[{k}].{field}"),
                format!(
                    "cluster `{}` must keep all {n} members up, but outage task(s) {}{} take members down",
                    c.id,
                    shown.join(", "),
                    if hit.len() > 5 { ", …" } else { "" }
                ),
                "allow at least one member down (e.g. `max_unavailable: 1`), or make those tasks `outage: false`",
            );
        }
    }

    // Resolved as far as it goes, for the rules no schedule can satisfy;
    // with an unreadable window no time is checked, so any start will do.
    let start = match clock {
        Some(c) => c.start.clone(),
        None => jiff::Timestamp::UNIX_EPOCH.to_zoned_datetime(jiff::tz::TimeZone::UTC),
    };
    let inv = Inventory {
        window: Window {
            start,
            timezone: f.window.timezone.clone(),
            deadline,
            meta: Meta {
                title: f.window.title.clone(),
                change: f.window.change.clone(),
                ..Meta::default()
            },
        },
        teams,
        systems,
        clusters,
        zones,
        dr,
        blackouts,
        services,
        integrations,
        tasks,
        warnings: Vec::new(),
    };
    cx.diags
        .extend(super::impossible::check(&inv, f, clock.is_some()));
    if cx.diags.is_empty() {
        Ok(inv)
    } else {
        Err(cx.diags)
    }
}

/// E040: a capacity-like number must be between 1 and u32::MAX.
fn positive_u32(cx: &mut Ctx, path: String, kind: &str, id: &str, field: &str, v: i64) -> u32 {
    if v < 1 {
        cx.err(
            "E040",
            path,
            format!("{field} of {kind} `{id}` is {v}"),
            format!("{field} must be at least 1"),
        );
        1
    } else if v > u32::MAX as i64 {
        cx.err(
            "E040",
            path,
            format!("{field} of {kind} `{id}` is {v}, which is too large"),
            format!("{field} must be at most {}", u32::MAX),
        );
        1
    } else {
        v as u32
    }
}

/// The strongly connected components of the `after` graph (petgraph's
/// Tarjan), each sorted, in sorted order so that errors come out the same
/// way on every run.
fn strongly_connected(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut g = petgraph::graph::DiGraph::<(), ()>::with_capacity(succ.len(), 0);
    let nodes: Vec<_> = (0..succ.len()).map(|_| g.add_node(())).collect();
    for (v, next) in succ.iter().enumerate() {
        for &w in next {
            g.add_edge(nodes[v], nodes[w], ());
        }
    }
    let mut out: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(&g)
        .into_iter()
        .map(|c| {
            let mut c: Vec<usize> = c.into_iter().map(|n| n.index()).collect();
            c.sort_unstable();
            c
        })
        .collect();
    out.sort();
    out
}

/// A shortest cycle through the smallest node of a strongly connected
/// component, in edge order (each node is `after` the next).
fn cycle_in(succ: &[Vec<usize>], scc: &[usize]) -> Vec<usize> {
    let inside: HashSet<usize> = scc.iter().copied().collect();
    let start = scc[0];
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &succ[v] {
            if !inside.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut x = v;
                while x != start {
                    x = parent[&x];
                    path.push(x);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                if w != start {
                    e.insert(v);
                    queue.push_back(w);
                }
            }
        }
    }
    scc.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
window:
  start: 2026-12-05T22:00
  timezone: America/New_York
  deadline: 2026-12-06T06:00        # optional

teams:
  - id: dba
    capacity: 2
  - id: oracle-support
    capacity: 1
    available: [2026-12-05T23:00/2026-12-06T03:00]
  - id: web-ops
    capacity: 3

systems:
  - id: core-db-a
    zone: pci
    site: primary
    tags: [oracle]
  - id: core-db-b
    zone: pci
    site: dr
    tags: [oracle]
  - { id: web-1, parallel_changes: 2 }
  - { id: web-2 }
  - { id: web-3 }
  - { id: web-4 }
  - { id: dwh, tags: [etl] }

clusters:
  - id: web-tier
    members: [web-1, web-2, web-3, web-4]
    min_available: 3
  - id: web-pair
    members: [web-1, web-2]
    max_unavailable: 1
  - id: loose
    members: [web-3]

zones:
  - id: pci
    max_concurrent: 1

dr:
  - primary: core-db-a
    standby: core-db-b
    order: standby_first
  - primary: web-pair
    standby: loose

blackouts:
  - from: 2026-12-06T01:00
    to: 2026-12-06T03:00
    scope: { systems: [dwh], zones: [pci], tags: [oracle] }
    reason: nightly ETL
  - from: 2026-12-06T05:00
    to: 2026-12-06T05:30

services:
  - id: online-banking
    weight: 10
    requires: [web-tier, core-db-a]
    max_downtime: 2h
  - id: reporting
    requires: [dwh]

integrations:
  - id: dwh-feed
    from: core-db-a
    to: dwh
    mode: async
    tolerance: 60m
  - id: web-db
    from: core-db-a
    to: web-tier
    mode: sync

tasks:
  - id: backup-db-a
    system: core-db-a
    duration: 30m
    outage: false
    team: dba
  - id: drain-app
    systems: [web-1, web-2]
    duration: 5m
    outage: false
  - id: db-schema-v42
    system: core-db-a
    duration: 1h30m
    outage: true
    needs: { dba: 1, oracle-support: 1 }
    after: [backup-db-a, { task: drain-app, lag: 10m, max_lag: 30m }]
    windows: [2026-12-05T23:00/2026-12-06T03:00, 2026-12-06T04:00/2026-12-06T05:00]
  - id: patch-web
    cluster: web-tier
    duration: 20m
    team: web-ops
    after: [{ task: db-schema-v42, lag: -10m }]
  - id: smoke-test
    system: web-1
    duration: 0m
    outage: false
    after: [patch-web]
"#;

    fn yaml(s: &str) -> Result<Inventory, InputError> {
        load_str(s, Format::Yaml, "test.yaml")
    }

    fn codes(e: &InputError) -> Vec<(&'static str, String)> {
        e.diagnostics
            .iter()
            .map(|d| (d.code, d.path.clone()))
            .collect()
    }

    /// Asserts that the inventory fails with (at least) this code at this path.
    #[track_caller]
    fn has(s: &str, code: &str, path: &str) -> Diagnostic {
        let e = yaml(s).expect_err("expected diagnostics");
        e.diagnostics
            .iter()
            .find(|d| d.code == code && d.path == path)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} at {path}; got {:#?}", e.diagnostics))
    }

    const HEAD: &str = "window: { start: 2026-12-05T22:00, timezone: Europe/London }\n";

    fn with(body: &str) -> String {
        format!("{HEAD}{body}")
    }

    #[test]
    fn three_point_durations_and_backout() {
        let inv = yaml(&with(
            "systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 20m, likely: 30m, max: 1h }, backout: 15m }\n  - { id: b, system: s, duration: 10m }\n",
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks[0].duration, 30);
        assert_eq!(inv.tasks[0].spread, Some((20, 60)));
        assert_eq!(inv.tasks[0].backout, Some(15));
        assert_eq!(inv.tasks[1].spread, None);
        assert_eq!(inv.tasks[1].backout, None);
        let d = has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 40m, likely: 30m, max: 1h } }\n"),
            "E062",
            "tasks[0].duration",
        );
        assert!(d.message.contains("min 40m"), "{d}");
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 10m, likely: 30m, max: 20m } }\n"),
            "E062",
            "tasks[0].duration",
        );
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: { min: 10m, likely: soon, max: 20m } }\n"),
            "E010",
            "tasks[0].duration.likely",
        );
        has(
            &with("systems: [{ id: s }]\ntasks:\n  - { id: a, system: s, duration: 10m, backout: -5m }\n"),
            "E010",
            "tasks[0].backout",
        );
    }

    #[test]
    fn full_yaml_resolves() {
        let inv = yaml(FULL).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.window.timezone, "America/New_York");
        assert_eq!(inv.window.deadline, Some(480));
        assert_eq!(inv.teams.len(), 3);
        assert_eq!(inv.teams[1].available, Some(vec![Interval::new(60, 300)]));
        assert_eq!(inv.systems[0].zone, Some(0));
        assert_eq!(inv.systems[0].site.as_deref(), Some("primary"));
        assert_eq!(inv.systems[2].parallel_changes, 2);
        assert_eq!(inv.systems[3].parallel_changes, 1);
        assert_eq!(inv.clusters[0].members, vec![2, 3, 4, 5]);
        assert_eq!(inv.clusters[0].min_available, 3);
        assert_eq!(inv.clusters[1].min_available, 1);
        assert_eq!(inv.clusters[2].min_available, 0);
        assert_eq!(inv.zones[0].max_concurrent, 1);
        assert_eq!(
            inv.dr[0],
            DrPair {
                primary: Component::System(0),
                standby: Component::System(1),
                order: Some(DrOrder::StandbyFirst)
            }
        );
        assert_eq!(inv.dr[1].primary, Component::Cluster(1));
        assert_eq!(inv.dr[1].order, None);
        assert_eq!(inv.blackouts[0].interval, Interval::new(180, 300));
        assert_eq!(inv.blackouts[0].systems, vec![6]);
        assert_eq!(inv.blackouts[0].zones, vec![0]);
        assert_eq!(inv.blackouts[0].tags, vec!["oracle".to_string()]);
        assert_eq!(inv.blackouts[0].reason.as_deref(), Some("nightly ETL"));
        assert!(inv.blackouts[1].covers_everything());
        assert_eq!(inv.services[0].weight, 10.0);
        assert_eq!(inv.services[1].weight, 1.0);
        assert_eq!(
            inv.services[0].requires,
            vec![Component::Cluster(0), Component::System(0)]
        );
        assert_eq!(inv.services[0].max_downtime, Some(120));
        assert_eq!(inv.services[1].max_downtime, None);
        assert_eq!(inv.integrations[0].mode, IntegrationMode::Async);
        assert_eq!(inv.integrations[0].tolerance, 60);
        assert_eq!(inv.integrations[1].mode, IntegrationMode::Sync);
        assert_eq!(inv.integrations[1].tolerance, 0);
        assert_eq!(inv.integrations[1].to, Component::Cluster(0));

        let ids: Vec<&str> = inv.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "backup-db-a",
                "drain-app",
                "db-schema-v42",
                "patch-web@web-1",
                "patch-web@web-2",
                "patch-web@web-3",
                "patch-web@web-4",
                "smoke-test"
            ]
        );
        let t = &inv.tasks[0];
        assert!(!t.outage);
        assert_eq!(t.needs, vec![(0, 1)]);
        assert_eq!(t.duration, 30);
        assert_eq!(inv.tasks[1].systems, vec![2, 3]);
        let s = &inv.tasks[2];
        assert!(s.outage);
        assert_eq!(s.duration, 90);
        assert_eq!(s.needs, vec![(0, 1), (1, 1)]);
        assert_eq!(
            s.after,
            vec![
                After {
                    task: 0,
                    lag: 0,
                    max_lag: None
                },
                After {
                    task: 1,
                    lag: 10,
                    max_lag: Some(30)
                }
            ]
        );
        assert_eq!(
            s.windows,
            Some(vec![Interval::new(60, 300), Interval::new(360, 420)])
        );
        for (k, t) in inv.tasks[3..7].iter().enumerate() {
            assert_eq!(t.source, 3);
            assert_eq!(t.systems, vec![2 + k]);
            assert_eq!(
                t.after,
                vec![After {
                    task: 2,
                    lag: -10,
                    max_lag: None
                }]
            );
            assert_eq!(t.needs, vec![(2, 1)]);
            assert!(t.outage);
        }
        let m = &inv.tasks[7];
        assert_eq!(m.duration, 0);
        assert_eq!(m.source, 4);
        let waits: Vec<usize> = m.after.iter().map(|a| a.task).collect();
        assert_eq!(waits, vec![3, 4, 5, 6]);
        assert_eq!(inv.task_index("patch-web@web-3"), Some(5));
        assert_eq!(inv.window.at(0).hour(), 22);
    }

    #[test]
    fn json_resolves() {
        let j = r#"{
          "window": {"start": "2026-12-05T22:00", "timezone": "Europe/London"},
          "teams": [{"id": "dba", "capacity": 1}],
          "systems": [{"id": "a"}, {"id": "b"}],
          "clusters": [{"id": "pair", "members": ["a", "b"], "max_unavailable": 1}],
          "tasks": [
            {"id": "t1", "cluster": "pair", "duration": "15m", "team": "dba"},
            {"id": "t2", "system": "a", "duration": "1h", "needs": {"dba": 1},
             "after": ["t1", {"task": "t1", "lag": "5m"}], "outage": false}
          ]
        }"#;
        let inv = load_str(j, Format::Json, "x.json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks.len(), 3);
        assert_eq!(inv.tasks[0].id, "t1@a");
        assert_eq!(inv.tasks[2].after.len(), 4);
        assert_eq!(inv.clusters[0].min_available, 1);
        assert_eq!(inv.teams[0].capacity, 1);
    }

    #[test]
    fn window_only_is_enough() {
        let inv = yaml(HEAD).unwrap();
        assert!(inv.tasks.is_empty());
        assert_eq!(inv.window.deadline, None);
    }

    #[test]
    fn json_malformed_reports_position() {
        let e = load_str("{\n  \"window\": [1,\n}", Format::Json, "x.json").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E005");
        assert!(e.diagnostics[0].message.contains("line 3"), "{e}");
    }

    #[test]
    fn yaml_malformed_reports_line_and_column() {
        let s = "window:\n  start: 2026-12-05T22:00\n  timezone: [unclosed\n";
        let e = yaml(s).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(d.code, "E005");
        assert!(d.message.contains("line "), "{d}");
        assert!(d.message.contains("column "), "{d}");
    }

    #[test]
    fn yaml_unknown_field_is_refused() {
        let e = yaml(&with("teams:\n  - id: dba\n    capacty: 2\n")).unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(d.code, "E005");
        assert!(d.message.contains("capacty"), "{d}");
        assert_eq!(d.path, "teams[0].capacty", "{d}");
        assert_eq!((d.line, d.column), (Some(4), Some(5)), "{d}");
    }

    #[test]
    fn yaml_duplicate_key_is_refused() {
        let e = yaml(&with("teams:\n  - id: dba\n    id: dbb\n    capacity: 2\n")).unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E005", "{e}");
        assert!(e.diagnostics[0].message.contains("line 4"), "{e}");
    }

    pub(super) const BOMB: &str = r#"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"#;

    #[test]
    fn alias_bomb_rejected_quickly() {
        // Into a target that walks everything: only the budget stops it.
        let t = std::time::Instant::now();
        let d = from_yaml::<serde::de::IgnoredAny>(BOMB).unwrap_err();
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30), // a hang guard only: a loaded CI machine is slow
            "{:?}",
            t.elapsed()
        );
        assert_eq!(d.code, "E006", "{d}");
        // Inside an inventory: the bomb hidden in a list of strings.
        let inv = format!(
            "window: {{ start: 2026-12-05T22:00, timezone: UTC }}\nsystems:\n  - id: x\n    tags: &t0 [a, b, c, d, e, f, g, h, i, j]\n{}",
            (1..9)
                .map(|k| format!("  - {{ id: x{k}, tags: &t{k} [{}] }}\n", vec![format!("*t{}", k - 1); 10].join(", ")))
                .collect::<String>()
        );
        let t = std::time::Instant::now();
        let e = yaml(&inv).unwrap_err();
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30), // a hang guard only: a loaded CI machine is slow
            "{:?}",
            t.elapsed()
        );
        assert!(matches!(e.diagnostics[0].code, "E005" | "E006"), "{e}");
    }

    #[test]
    fn deep_nesting_rejected() {
        let deep = format!("a: {}{}", "[".repeat(5000), "]".repeat(5000));
        let d = from_yaml::<serde::de::IgnoredAny>(&deep).unwrap_err();
        assert_eq!(d.code, "E006", "{d}");
        let deep = format!(
            "a:\n{}",
            (1..200)
                .map(|k| format!("{}- \n", "  ".repeat(k)))
                .collect::<String>()
        );
        let d = from_yaml::<serde::de::IgnoredAny>(&deep).unwrap_err();
        assert_eq!(d.code, "E006", "{d}");
        let deepj = format!("{{\"window\": {}{}}}", "[".repeat(5000), "]".repeat(5000));
        let e = load_str(&deepj, Format::Json, "x.json").unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E005", "{e}");
    }

    #[test]
    fn bare_number_duration_gets_hint() {
        let d = has(
            &with("systems: [{id: a}]\ntasks:\n  - {id: t, system: a, duration: 90}\n"),
            "E010",
            "tasks[0].duration",
        );
        assert!(d.hint.contains("90m"), "{d}");
    }

    #[test]
    fn window_errors() {
        let d = has(
            "window: { start: 2026-12-05T22:00, timezone: Europe/Londn }\n",
            "E014",
            "window.timezone",
        );
        assert!(d.hint.contains("Europe/London"));
        has(
            "window: { start: 2026-12-05, timezone: UTC }\n",
            "E011",
            "window.start",
        );
        has(
            "window: { start: 2026-12-05T22:00, timezone: UTC, deadline: 2026-12-05T21:00 }\n",
            "E015",
            "window.deadline",
        );
        has(
            "window: { start: 2026-03-08T02:30, timezone: America/New_York }\n",
            "E012",
            "window.start",
        );
    }

    #[test]
    fn dst_spring_forward_deadline() {
        let inv = yaml(
            "window: { start: 2026-03-07T22:00, timezone: America/New_York, deadline: 2026-03-08T06:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(420));
        let inv = yaml(
            "window: { start: 2026-10-31T22:00, timezone: America/New_York, deadline: 2026-11-01T06:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(540));
        let inv = yaml(
            "window: { start: 2026-10-31T22:00, timezone: America/New_York, deadline: 2026-11-01T01:30-05:00 }\n",
        )
        .unwrap();
        assert_eq!(inv.window.deadline, Some(270));
    }

    #[test]
    fn unknown_references_suggest() {
        let s = with(
            r#"teams: [{id: dba, capacity: 1}]
systems: [{id: web-1, zone: pcii}, {id: web-2}]
zones: [{id: pci, max_concurrent: 1}]
clusters: [{id: web-tier, members: [web-1, web-3]}]
dr: [{primary: web-teir, standby: web-2}]
blackouts: [{from: 2026-12-05T23:00, to: 2026-12-06T00:00, scope: {systems: [web-9], zones: [pcx], tags: [oracel]}}]
services: [{id: s, requires: [web-tier, nope]}]
integrations: [{id: i, from: web-1, to: web-3x, mode: sync}]
tasks:
  - {id: a, system: web-1, duration: 5m, team: dbaa}
  - {id: b, cluster: web-tire, duration: 5m, after: [aa]}
  - {id: c, system: web-tier, duration: 5m, needs: {dbx: 1}}
  - {id: d, cluster: web-1, duration: 5m, after: ["b@web-1"]}
"#,
        );
        assert!(has(&s, "E033", "systems[0].zone").hint.contains("`pci`"));
        assert!(has(&s, "E031", "clusters[0].members[1]")
            .hint
            .contains("web-1"));
        assert!(has(&s, "E035", "dr[0].primary").hint.contains("`web-tier`"));
        has(&s, "E031", "blackouts[0].scope.systems[0]");
        has(&s, "E033", "blackouts[0].scope.zones[0]");
        has(&s, "E037", "blackouts[0].scope.tags[0]");
        has(&s, "E035", "services[0].requires[1]");
        has(&s, "E035", "integrations[0].to");
        assert!(has(&s, "E030", "tasks[0].team").hint.contains("`dba`"));
        assert!(has(&s, "E032", "tasks[1].cluster")
            .hint
            .contains("`web-tier`"));
        assert!(has(&s, "E034", "tasks[1].after[0]").hint.contains("`a`"));
        assert!(has(&s, "E031", "tasks[2].system")
            .hint
            .contains("cluster: web-tier"));
        has(&s, "E030", "tasks[2].needs.dbx");
        assert!(has(&s, "E032", "tasks[3].cluster")
            .hint
            .contains("system: web-1"));
        assert!(has(&s, "E034", "tasks[3].after[0]").hint.contains("`b`"));
    }

    #[test]
    fn ids() {
        let s = with(
            r#"teams: [{id: "", capacity: 1}, {id: "db a", capacity: 1}]
systems: [{id: x}, {id: "a@b"}, {id: "tab\there"}]
clusters: [{id: x, members: [x]}]
tasks:
  - {id: t, system: x, duration: 5m}
  - {id: t, system: x, duration: 5m}
"#,
        );
        has(&s, "E020", "teams[0].id");
        has(&s, "E021", "teams[1].id");
        assert!(has(&s, "E021", "systems[1].id").message.contains('@'));
        has(&s, "E021", "systems[2].id");
        assert!(has(&s, "E022", "clusters[0].id")
            .message
            .contains("systems[0]"));
        has(&s, "E022", "tasks[1]");
    }

    #[test]
    fn numbers() {
        let s = with(
            r#"teams: [{id: dba, capacity: 0}, {id: ops, capacity: 1}]
zones: [{id: z, max_concurrent: -1}]
systems: [{id: a, parallel_changes: 0}, {id: b}, {id: c}]
services: [{id: s, weight: -1}, {id: n, weight: .nan}]
clusters:
  - {id: both, members: [a, b], min_available: 1, max_unavailable: 1}
  - {id: big, members: [a, b], min_available: 3}
  - {id: neg, members: [a, b], max_unavailable: -1}
  - {id: empty, members: []}
  - {id: twice, members: [a, a]}
tasks:
  - {id: t, system: c, duration: 5m, needs: {ops: 2}}
  - {id: u, system: c, duration: 5m, needs: {ops: 0}}
"#,
        );
        has(&s, "E040", "teams[0].capacity");
        has(&s, "E040", "zones[0].max_concurrent");
        has(&s, "E040", "systems[0].parallel_changes");
        has(&s, "E043", "services[0].weight");
        has(&s, "E043", "services[1].weight");
        has(&s, "E044", "clusters[0]");
        has(&s, "E045", "clusters[1].min_available");
        has(&s, "E045", "clusters[2].max_unavailable");
        has(&s, "E047", "clusters[3].members");
        has(&s, "E047", "clusters[4].members[1]");
        assert!(has(&s, "E042", "tasks[0].needs.ops")
            .message
            .contains("capacity is 1"));
        has(&s, "E041", "tasks[1].needs.ops");
    }

    #[test]
    fn cluster_leaving_no_member_to_patch() {
        let s = with(
            r#"systems: [{id: a}, {id: b}, {id: c}]
clusters:
  - {id: full, members: [a, b], min_available: 2}
  - {id: ok, members: [b, c], max_unavailable: 0}
tasks:
  - {id: p, cluster: full, duration: 5m}
  - {id: q, system: c, duration: 5m, outage: false}
"#,
        );
        let d = has(&s, "E046", "clusters[0].min_available");
        assert!(d.message.contains("p@a"), "{d}");
        // `ok` keeps all up, but c's task is online and b's is in `full`...
        let e = yaml(&s).unwrap_err();
        assert!(codes(&e).contains(&("E046", "clusters[1].max_unavailable".into())));
        // A cluster of two with one allowed down is fine.
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b], min_available: 1}]\ntasks: [{id: p, cluster: k, duration: 5m}]\n",
        ))
        .unwrap();
        // Keeping all up is fine when no member has an outage task.
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b], min_available: 2}]\ntasks: [{id: p, cluster: k, duration: 5m, outage: false}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn system_in_two_clusters_is_allowed() {
        yaml(&with(
            "systems: [{id: a}, {id: b}]\nclusters: [{id: k, members: [a, b]}, {id: l, members: [a]}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn task_shape() {
        let s = with(
            r#"teams: [{id: dba, capacity: 1}]
systems: [{id: a}, {id: b}]
clusters: [{id: k, members: [a, b], max_unavailable: 1}]
tasks:
  - {id: none, duration: 5m}
  - {id: two, system: a, cluster: k, duration: 5m}
  - {id: both, system: a, duration: 5m, team: dba, needs: {dba: 1}}
  - {id: empty, systems: [], duration: 5m}
  - {id: dup, systems: [a, a], duration: 5m}
  - {id: zero, system: a, duration: 0m}
  - {id: neg, system: a, duration: -5m}
  - {id: lags, system: a, duration: 5m, after: [{task: none, lag: 30m, max_lag: 10m}]}
  - {id: self, system: a, duration: 5m, after: [self]}
  - {id: badlag, system: a, duration: 5m, after: [{task: none, lag: 10}]}
"#,
        );
        has(&s, "E050", "tasks[0]");
        has(&s, "E051", "tasks[1]");
        has(&s, "E052", "tasks[2]");
        has(&s, "E058", "tasks[3].systems");
        has(&s, "E058", "tasks[4].systems[1]");
        has(&s, "E053", "tasks[5].duration");
        has(&s, "E010", "tasks[6].duration");
        has(&s, "E054", "tasks[7].after[0].max_lag");
        has(&s, "E055", "tasks[8].after[0]");
        has(&s, "E010", "tasks[9].after[0].lag");
        // A 0m milestone without outage is fine.
        yaml(&with(
            "systems: [{id: a}]\ntasks: [{id: m, system: a, duration: 0m, outage: false}]\n",
        ))
        .unwrap();
    }

    #[test]
    fn cycles_are_named_in_order() {
        let s = with(
            r#"systems: [{id: a}]
tasks:
  - {id: t0, system: a, duration: 5m, after: [t2]}
  - {id: t1, system: a, duration: 5m, after: [t0]}
  - {id: t2, system: a, duration: 5m, after: [t1]}
  - {id: free, system: a, duration: 5m, after: [t0]}
  - {id: x, system: a, duration: 5m, after: [y]}
  - {id: y, system: a, duration: 5m, after: [x]}
"#,
        );
        let d = has(&s, "E056", "tasks[0].after[0]");
        assert!(
            d.message.contains("`t0` after `t2` after `t1` after `t0`"),
            "{d}"
        );
        let d = has(&s, "E056", "tasks[4].after[0]");
        assert!(d.message.contains("`x` after `y` after `x`"), "{d}");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 2, "{e}");
    }

    #[test]
    fn task_longer_than_its_windows() {
        let s = with(
            r#"teams:
  - {id: vendor, capacity: 1, available: [2026-12-05T23:00/2026-12-06T00:00]}
systems: [{id: a}]
tasks:
  - {id: w, system: a, duration: 2h, windows: [2026-12-05T22:00/2026-12-05T23:00, 2026-12-06T01:00/2026-12-06T02:30]}
  - {id: v, system: a, duration: 61m, team: vendor}
  - {id: both, system: a, duration: 30m, team: vendor, windows: [2026-12-06T00:00/2026-12-06T03:00]}
  - {id: fits, system: a, duration: 1h, team: vendor, windows: [2026-12-05T22:00/2026-12-06T03:00]}
"#,
        );
        let d = has(&s, "E057", "tasks[0].duration");
        assert!(d.message.contains("1h30m"), "{d}");
        has(&s, "E057", "tasks[1].duration");
        has(&s, "E057", "tasks[2].duration");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 3, "{e}");
    }

    #[test]
    fn intervals_and_blackouts() {
        let s = with(
            r#"teams: [{id: t, capacity: 1, available: [2026-12-06T03:00/2026-12-06T01:00, nonsense]}]
blackouts: [{from: 2026-12-06T03:00, to: 2026-12-06T01:00}]
"#,
        );
        has(&s, "E013", "teams[0].available[0]");
        has(&s, "E013", "teams[0].available[1]");
        has(&s, "E013", "blackouts[0].to");
    }

    #[test]
    fn integrations_and_dr() {
        let s = with(
            r#"systems: [{id: a}, {id: b}]
dr: [{primary: a, standby: a}]
integrations:
  - {id: i, from: a, to: b, mode: async}
  - {id: j, from: a, to: b, mode: sync, tolerance: 5m}
  - {id: k, from: a, to: b, mode: sync, tolerance: 0m}
"#,
        );
        has(&s, "E065", "dr[0].standby");
        has(&s, "E060", "integrations[0]");
        has(&s, "E061", "integrations[1].tolerance");
        let e = yaml(&s).unwrap_err();
        assert_eq!(e.diagnostics.len(), 3, "{e}");
    }

    #[test]
    fn collects_everything_at_once() {
        let s = "window: { start: 2026-12-05T22:00, timezone: Nowhere/City }\n\
                 teams: [{id: a, capacity: 0}]\n\
                 tasks: [{id: t, duration: 5}]\n";
        let e = yaml(s).unwrap_err();
        let c: Vec<&str> = e.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            c.contains(&"E014")
                && c.contains(&"E040")
                && c.contains(&"E050")
                && c.contains(&"E010"),
            "{c:?}"
        );
    }

    #[test]
    fn load_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("inv.yml");
        std::fs::write(&p, HEAD).unwrap();
        assert!(load(&p).is_ok());
        let p = dir.path().join("inv.txt");
        std::fs::write(&p, HEAD).unwrap();
        assert_eq!(load(&p).unwrap_err().diagnostics[0].code, "E002");
        let p = dir.path().join("missing.yaml");
        assert_eq!(load(&p).unwrap_err().diagnostics[0].code, "E001");
        let p = dir.path().join("bin.yaml");
        std::fs::write(&p, b"window:\n  start: \xff\xfe\n").unwrap();
        let e = load(&p).unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E004");
        assert!(e.diagnostics[0].message.contains("line 2"), "{e}");
        let p = dir.path().join("big.json");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert_eq!(load(&p).unwrap_err().diagnostics[0].code, "E003");
        assert_eq!(load(dir.path()).unwrap_err().diagnostics[0].code, "E002");
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("dbaa", ["dba", "ops"]), Some("dba"));
        assert_eq!(suggest("web-teir", ["web-tier"]), Some("web-tier"));
        assert_eq!(suggest("zzz", ["dba"]), None);
        assert_eq!(fmt_minutes(90), "1h30m");
        assert_eq!(fmt_minutes(-10), "-10m");
    }

    #[test]
    fn many_problems_reported_together() {
        let s = r#"
window: { start: 2026-03-07T22:00, timezone: America/New_York, deadline: 2026-03-08T02:30 }
teams:
  - {id: dba, capacity: 1, available: [2026-03-07T23:00/2026-03-08T00:00]}
  - {id: "web ops", capacity: 0}
systems: [{id: web-1, zone: pcii, tags: [x]}, {id: web-2}, {id: db}]
clusters: [{id: web-tier, members: [web-1, web-2], min_available: 2}]
zones: [{id: pci, max_concurrent: 1}]
blackouts: [{from: 2026-03-08T01:00, to: 2026-03-08T00:00, scope: {tags: [y]}}]
services: [{id: s, requires: [web-teir], weight: -2}]
integrations: [{id: i, from: db, to: web-tier, mode: async}]
tasks:
  - {id: patch, cluster: web-tier, duration: 90, team: dbaa}
  - {id: schema, system: db, duration: 2h, needs: {dba: 2}, after: [patch, {task: smoke, lag: 10m, max_lag: 5m}]}
  - {id: smoke, system: db, duration: 0m, after: [schema, "pach@web-1"]}
  - {id: long, system: db, duration: 2h, team: dba}
"#;
        let e = load_str(s, Format::Yaml, "bad.yaml").unwrap_err();
        let got: Vec<(&str, &str)> = e
            .diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        let want = [
            ("E012", "window.deadline"),
            ("E021", "teams[1].id"),
            ("E040", "teams[1].capacity"),
            ("E033", "systems[0].zone"),
            ("E013", "blackouts[0].to"),
            ("E037", "blackouts[0].scope.tags[0]"),
            ("E043", "services[0].weight"),
            ("E035", "services[0].requires[0]"),
            ("E060", "integrations[0]"),
            ("E010", "tasks[0].duration"),
            ("E030", "tasks[0].team"),
            ("E042", "tasks[1].needs.dba"),
            ("E054", "tasks[1].after[1].max_lag"),
            ("E053", "tasks[2].duration"),
            ("E034", "tasks[2].after[1]"),
            ("E056", "tasks[1].after[1]"),
            ("E046", "clusters[0].min_available"),
            ("E057", "tasks[3].duration"),
        ];
        assert_eq!(got, want, "{e}");
        for d in &e.diagnostics {
            assert!(!d.message.is_empty() && !d.hint.is_empty(), "{d}");
        }
    }

    #[test]
    fn yaml_11_booleans_are_not_ids_or_booleans() {
        let s = with(
            "systems: [{id: a}]\ntasks:\n  - {id: no, system: a, duration: 5m}\n  - {id: t, system: a, duration: 5m, after: [no]}\n",
        );
        let inv = yaml(&s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.tasks[0].id, "no");
        assert_eq!(inv.tasks[1].after[0].task, 0);
        let e = yaml(&with(
            "systems: [{id: a}]\ntasks: [{id: t, system: a, duration: 5m, outage: no}]\n",
        ))
        .unwrap_err();
        assert_eq!(e.diagnostics[0].code, "E005");
        assert!(e.diagnostics[0].hint.contains("`false`"), "{e}");
    }

    #[test]
    fn unknown_field_and_variant_suggest() {
        let e = yaml(&with(
            "dr: [{primary: a, standby: b, order: standby-first}]\n",
        ))
        .unwrap_err();
        assert!(e.diagnostics[0].hint.contains("`standby_first`"), "{e}");
        let e = load_str(
            r#"{"window": {"start": "2026-12-05T22:00", "timezone": "UTC", "dedline": "x"}}"#,
            Format::Json,
            "x.json",
        )
        .unwrap_err();
        assert!(e.diagnostics[0].hint.contains("`deadline`"), "{e}");
        assert_eq!(e.diagnostics[0].line, Some(1), "{e}");
        // The misspelt field is read under its meant name, value checked.
        assert_eq!(e.diagnostics[1].code, "E011", "{e}");
        assert_eq!(e.diagnostics[1].column, Some(72), "{e}");
        assert_eq!(yaml("  \n").unwrap_err().diagnostics[0].code, "E005");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            /// Mangling a valid inventory never panics: it either still loads
            /// or reports diagnostics, each with a code, message and hint.
            #[test]
            fn mangled_inventory_never_panics(
                edits in proptest::collection::vec((0usize..4000, "\\PC{0,3}"), 1..4)
            ) {
                let mut text = FULL.to_string();
                for (at, with) in &edits {
                    let mut at = at % text.len();
                    while !text.is_char_boundary(at) { at -= 1; }
                    let mut end = (at + with.len().max(1)).min(text.len());
                    while !text.is_char_boundary(end) { end -= 1; }
                    text.replace_range(at..end, with);
                }
                if let Err(e) = load_str(&text, Format::Yaml, "m.yaml") {
                    prop_assert!(!e.diagnostics.is_empty());
                    for d in &e.diagnostics {
                        prop_assert!(d.code.starts_with('E') && !d.message.is_empty() && !d.hint.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn blackouts_are_left_to_the_feasibility_check() {
        // A blackout that leaves no room makes the plan impossible (exit 1),
        // which the planner reports; the file itself is valid.
        let s = with(
            r#"systems: [{id: a, tags: [db]}, {id: b}]
clusters: [{id: k, members: [a, b], max_unavailable: 1}]
blackouts:
  - {from: 2026-12-05T23:00, to: 2026-12-06T01:00, scope: {tags: [db]}, reason: backups}
tasks:
  - {id: p, cluster: k, duration: 90m, windows: [2026-12-05T22:00/2026-12-06T02:00]}
"#,
        );
        assert!(yaml(&s).is_ok());
    }
}
