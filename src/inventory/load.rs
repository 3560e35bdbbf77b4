//! Reading and parsing an inventory file: size limits, YAML (with
//! alias/nesting budgets and duplicate keys refused) or JSON into the file
//! model ([`super::file`]), the parser's messages turned into diagnostics
//! with a code and a hint (see [`super::parser_hints`]). [`load`] /
//! [`load_str`] then hand the file to [`super::validate`].

use super::file::*;
use super::parser_hints::parse_hint;
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

pub use super::limits::{MAX_BLACKOUTS, MAX_FILE_BYTES, MAX_PRECEDENCES, MAX_TASKS};

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

/// Whether `text` may hold a `campaign` key: false only when it cannot,
/// because the word `campaign` is nowhere in it and no escape (`\`, which
/// a quoted YAML or JSON key could spell it with) is either. A one-window
/// file is so told apart without parsing it: the ordinary loader parses it
/// once.
pub fn may_be_campaign(text: &str) -> bool {
    text.contains("campaign") || text.contains('\\')
}

/// Whether the text is a document with a top-level `campaign` key (parsed
/// only when it may hold one: [`may_be_campaign`]).
fn is_campaign_text(text: &str, format: Format) -> bool {
    may_be_campaign(text)
        && matches!(parse_value(text, format), Ok(serde_json::Value::Object(doc)) if doc.contains_key("campaign"))
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
    if f.schema_changes.len() > super::limits::MAX_SCHEMA_CHANGES {
        return Err(Diagnostic::new(
            "E007",
            "schema_changes",
            format!(
                "the inventory has {} schema changes, more than the limit of {}",
                f.schema_changes.len(),
                super::limits::MAX_SCHEMA_CHANGES
            ),
            "split the release over several windows (inventories)",
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
    // Each schema change adds up to four tasks (expand, backfill, cutover,
    // contract).
    n = n.saturating_add(f.schema_changes.len().saturating_mul(4));
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
    let result = load_str_checked(text, format, source, limits);
    // A campaign given where one window is planned: said as such, not as
    // an unknown field `campaign` and a missing `window`.
    if result.is_err() && is_campaign_text(text, format) {
        let d = Diagnostic::new(
            "E150",
            "campaign",
            "the file is a campaign (`campaign:`, several windows), and this command plans one window",
            "`plan`, `validate`, `check` and `whatif --one-window-fewer` take a campaign, and `explain`, `availability`, `risk` and `export` one window of it with `--window ID`; for this command give the inventory of one window (`window: { start, timezone, deadline }` instead of `campaign:`)",
        );
        return Err(InputError {
            source: source.to_string(),
            diagnostics: place_in(text, format, vec![d]),
        });
    }
    // Gaps left by an import (E120) come first, and what they alone break
    // is not said again.
    if !text.contains(super::placeholder::FILL_IN) {
        return result;
    }
    let gaps = tree(text, format)
        .map(|root| super::placeholder::find(&root))
        .unwrap_or_default();
    if gaps.is_empty() {
        return result;
    }
    let others = match result {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics,
    };
    let rest: Vec<Diagnostic> = others
        .into_iter()
        .filter(|d| !super::placeholder::caused_by(d, &gaps))
        .collect();
    Err(InputError {
        source: source.to_string(),
        diagnostics: gaps.into_iter().chain(rest).collect(),
    })
}

fn load_str_checked(
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
            let mut inv = validate(&file).map_err(|diags| match tree(text, format) {
                Some(root) => fail(diags.into_iter().map(|d| place(&root, d)).collect()),
                None => fail(diags),
            })?;
            // Warnings are placed at their line and column too.
            if !inv.warnings.is_empty() {
                if let Some(root) = tree(text, format) {
                    let ws = std::mem::take(&mut inv.warnings);
                    inv.warnings = ws.into_iter().map(|d| place(&root, d)).collect();
                }
            }
            return Ok(inv);
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

/// Places each diagnostic without a line at the line and column of its
/// path in `text` (another file than the inventory, read as `format`: a
/// progress file, say); unchanged when the text cannot be read as a tree.
pub fn place_in(text: &str, format: Format, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match tree(text, format) {
        Some(root) => diags.into_iter().map(|d| place(&root, d)).collect(),
        None => diags,
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "window: { start: 2026-12-05T22:00, timezone: Europe/London }\n";

    fn with(body: &str) -> String {
        format!("{HEAD}{body}")
    }

    fn yaml(s: &str) -> Result<Inventory, InputError> {
        load_str(s, Format::Yaml, "test.yaml")
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

    const BOMB: &str = r#"
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
}
