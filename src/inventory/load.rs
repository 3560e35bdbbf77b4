//! Reading and parsing an inventory file: size limits, YAML (with
//! alias/nesting budgets and duplicate keys refused) or JSON into the file
//! model ([`super::file`]), the parser's messages turned into diagnostics
//! with a code and a hint, and the "did you mean" suggestions shared by
//! every rule. [`load`] / [`load_str`] then hand the file to
//! [`super::validate`].

use super::file::*;
use super::validate::{validate, validate_with};
use crate::error::{Diagnostic, InputError};
use crate::inventory::*;
use std::collections::HashMap;
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

    /// [`Format::from_path`], or E002 naming the file and the extensions
    /// that are read.
    pub fn of_file(path: &Path) -> Result<Format, Diagnostic> {
        Format::from_path(path).ok_or_else(|| {
            Diagnostic::new(
                "E002",
                "",
                format!(
                    "cannot tell the format of `{}` from its extension",
                    path.display()
                ),
                "name the file `*.yaml`, `*.yml` or `*.json`",
            )
        })
    }
}

/// Largest inventory file accepted by default (64 MiB; `--max-file-mb`).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most tasks accepted by default, counted after cluster expansion (a task
/// on a cluster of 4 counts 4; `--max-tasks`).
pub const MAX_TASKS: usize = 50_000;

/// Most blackouts accepted (E007); not configurable.
pub const MAX_BLACKOUTS: usize = 10_000;

/// Most precedences (`after` links between expanded tasks) accepted (E007);
/// not configurable. A cluster task after another cluster task waits for
/// every member of it: two clusters of 2 000 members make 4 000 000 links,
/// which is refused, with the fix (a small task between them: 4 000 links).
pub const MAX_PRECEDENCES: usize = 2_000_000;

/// Most systems (and, each, teams, clusters, zones, services and
/// integrations) accepted: twice `--max-tasks` (100 000 by default), so a
/// file of four million one-line systems is refused before it is built.
pub fn max_elements(limits: &Limits) -> usize {
    limits.max_tasks.saturating_mul(2)
}

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
    let format = Format::of_file(path).map_err(|d| InputError::one(&source, d))?;
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
    let most = max_elements(limits);
    for (what, n) in [
        ("systems", f.systems.len()),
        ("teams", f.teams.len()),
        ("clusters", f.clusters.len()),
        ("zones", f.zones.len()),
        ("services", f.services.len()),
        ("integrations", f.integrations.len()),
    ] {
        if n > most {
            return Err(Diagnostic::new(
                "E007",
                what,
                format!("the inventory has {n} {what}, more than the limit of {most} (twice the task limit)"),
                "split the estate into several windows, or raise the limit with `--max-tasks N` (the limit on each list is twice it)",
            ));
        }
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
pub(super) fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
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
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
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
