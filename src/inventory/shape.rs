//! The file model read item by item from a document tree, so that every
//! malformed field is reported, not only the first: each list item is
//! deserialized on its own, a broken one is left out (its id remembered so
//! references to it raise no second error), and the rest is validated.

use super::file::*;
use super::node::{from_node, Node, ShapeError, Value};
use crate::error::Diagnostic;
use std::collections::HashSet;

/// What was left out of the file model, so that rule checks on the rest
/// neither shift paths nor cascade.
#[derive(Debug, Default, Clone)]
pub struct Partial {
    /// For each list section, the file index of every item kept, in order.
    pub(crate) kept: Vec<(&'static str, Vec<usize>)>,
    /// Ids of items left out: a reference to one is not "unknown".
    pub(crate) broken_ids: HashSet<String>,
    /// Tags of systems left out (blackout scopes may name them).
    pub(crate) broken_tags: HashSet<String>,
    /// Sections that are unreadable as a whole (not a list).
    pub(crate) broken_sections: HashSet<&'static str>,
    /// `window` is missing or malformed: times cannot be checked.
    pub(crate) window_broken: bool,
    /// Fields (full paths) of kept items that were malformed and stood in
    /// for, so that the rest of the item could be read: rules on them are
    /// not checked (the stand-in is no value of the user's).
    pub(crate) repaired: HashSet<String>,
    /// Misspelt fields read under their meant names: (meant, as written),
    /// full paths.
    pub(crate) renamed: Vec<(String, String)>,
}

impl Partial {
    /// Whether an unknown reference of this kind (as validation names it)
    /// may be a consequence of something already reported.
    pub(crate) fn excuses(&self, kind: &str, id: &str) -> bool {
        let sections: &[&str] = match kind {
            "team" => &["teams"],
            "system" => &["systems"],
            "cluster" => &["clusters"],
            "system or cluster" => &["systems", "clusters"],
            "zone" => &["zones"],
            "task" => &["tasks"],
            "tag" => {
                return self.broken_tags.contains(id) || self.broken_sections.contains("systems")
            }
            _ => &[],
        };
        // `<task>.<step>` of a task (or schema change) left out is excused too.
        let head = id.split('@').next().unwrap_or(id);
        let of_broken = kind == "task"
            && head
                .rsplit_once('.')
                .is_some_and(|(t, _)| self.broken_ids.contains(t));
        self.broken_ids.contains(id)
            || of_broken
            || sections.iter().any(|s| self.broken_sections.contains(s))
    }

    /// Whether a rule diagnostic at `path` is about a stood-in field, or
    /// about a whole item one of whose fields was stood in for (`tasks[2]`
    /// "names no system" when its `systems` was malformed).
    pub(crate) fn covers(&self, path: &str) -> bool {
        self.repaired.iter().any(|r| {
            let under = path
                .strip_prefix(r.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
            let item = r.find(']').map(|p| &r[..=p]);
            under || item == Some(path)
        })
    }

    /// The path as written in the file, for a field read under another
    /// name (`window.deadline` written `window.dedline`).
    pub(crate) fn as_written(&self, path: &str) -> String {
        for (meant, written) in &self.renamed {
            if let Some(rest) = path.strip_prefix(meant.as_str()) {
                if rest.is_empty() || rest.starts_with(['.', '[']) {
                    return format!("{written}{rest}");
                }
            }
        }
        path.to_string()
    }

    /// A path of the partial file (`tasks[1].after[0]`) in the file's own
    /// indices (`tasks[3].after[0]`); also in a message that quotes one.
    pub(crate) fn remap(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (section, kept) in &self.kept {
            if kept.iter().enumerate().all(|(i, &k)| i == k) {
                continue;
            }
            out = remap_section(&out, section, kept);
        }
        out
    }
}

/// Rewrites every `section[i]` in `text` to `section[kept[i]]`.
fn remap_section(text: &str, section: &str, kept: &[usize]) -> String {
    let pat = format!("{section}[");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find(&pat) {
        // Only a whole word: `tasks[` but not `subtasks[`.
        let word_start = p == 0
            || !rest[..p]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..p + pat.len()]);
        rest = &rest[p + pat.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        match rest[..digits].parse::<usize>() {
            Ok(i) if word_start && rest[digits..].starts_with(']') => {
                out.push_str(&kept.get(i).copied().unwrap_or(i).to_string());
                rest = &rest[digits..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// The top-level keys of an inventory, in the order of the file model
/// (also the order `import` writes them in).
pub const SECTIONS: &[&str] = &[
    "window",
    "teams",
    "systems",
    "clusters",
    "zones",
    "dr",
    "blackouts",
    "services",
    "integrations",
    "tasks",
    "schema_changes",
];

/// A shape problem as a diagnostic (E005) at its path and place.
pub(crate) fn shape_diagnostic(base: &str, e: &ShapeError, lang: &str) -> Diagnostic {
    let path = format!("{base}{}", e.path);
    let path = path.trim_start_matches('.').to_string();
    let message = plain_words(&e.message);
    let (code, hint) = super::parser_hints::parse_hint(&message, lang);
    Diagnostic::new(code, path, message, hint).at(e.line, e.column)
}

/// serde's type names in the user's words.
fn plain_words(msg: &str) -> String {
    let mut m = msg.to_string();
    for (from, to) in [
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("integer `", "number `"),
        ("floating point `", "number `"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(p) = m.find("expected struct ") {
        m = format!("{}expected a map", &m[..p]);
    }
    m
}

/// Reads the file model from a tree, item by item; returns it with what
/// was left out, and a diagnostic for every shape problem.
pub(crate) fn read(root: &Node, lang: &str) -> (InventoryFile, Partial, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut partial = Partial::default();
    let mut f = InventoryFile {
        window: WindowFile {
            start: Text(String::new()),
            timezone: String::new(),
            deadline: None,
            title: None,
            change: None,
        },
        teams: Vec::new(),
        systems: Vec::new(),
        clusters: Vec::new(),
        zones: Vec::new(),
        dr: Vec::new(),
        blackouts: Vec::new(),
        services: Vec::new(),
        integrations: Vec::new(),
        tasks: Vec::new(),
        schema_changes: Vec::new(),
    };
    let Value::Map(entries) = &root.value else {
        let d = Diagnostic::new(
            "E005",
            "",
            "the inventory is not a map of sections",
            "an inventory starts with `window: { start: ..., timezone: ... }`, then lists such as `teams:`, `systems:`, `tasks:`",
        )
        .at(root.line, root.column);
        partial.window_broken = true;
        return (f, partial, vec![d]);
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (key, value) in entries {
        let name = key.text().unwrap_or_default();
        if !seen.insert(name.clone()) {
            diags.push(
                Diagnostic::new(
                    "E005",
                    name.as_str(),
                    format!("duplicate field `{name}`"),
                    "each key may appear only once in a mapping; remove or rename the repeated key",
                )
                .at(key.line, key.column),
            );
            continue;
        }
        let Some(&section) = SECTIONS.iter().find(|s| **s == name) else {
            let list: Vec<String> = SECTIONS.iter().map(|s| format!("`{s}`")).collect();
            let msg = format!(
                "unknown field `{name}`, expected one of {}",
                list.join(", ")
            );
            let (code, hint) = super::parser_hints::parse_hint(&msg, lang);
            diags.push(Diagnostic::new(code, name.as_str(), msg, hint).at(key.line, key.column));
            continue;
        };
        match section {
            "window" => {
                match read_item::<WindowFile>(value, "window", &mut partial, &mut diags, lang) {
                    Some(w) => f.window = w,
                    None => partial.window_broken = true,
                }
            }
            "teams" => f.teams = list(value, section, &mut partial, &mut diags, lang),
            "systems" => f.systems = list(value, section, &mut partial, &mut diags, lang),
            "clusters" => f.clusters = list(value, section, &mut partial, &mut diags, lang),
            "zones" => f.zones = list(value, section, &mut partial, &mut diags, lang),
            "dr" => f.dr = list(value, section, &mut partial, &mut diags, lang),
            "blackouts" => f.blackouts = list(value, section, &mut partial, &mut diags, lang),
            "services" => f.services = list(value, section, &mut partial, &mut diags, lang),
            "integrations" => f.integrations = list(value, section, &mut partial, &mut diags, lang),
            "tasks" => f.tasks = list(value, section, &mut partial, &mut diags, lang),
            _ => f.schema_changes = list(value, section, &mut partial, &mut diags, lang),
        }
    }
    if !seen.contains("window") {
        partial.window_broken = true;
        diags.push(
            Diagnostic::new(
                "E005",
                "",
                "missing field `window`",
                "add `window: { start: ..., timezone: ... }`: it is required",
            )
            .at(root.line, root.column),
        );
    }
    (f, partial, diags)
}

/// The items of one list section that fit the model; the others are
/// reported and left out.
fn list<T: serde::de::DeserializeOwned>(
    node: &Node,
    section: &'static str,
    partial: &mut Partial,
    diags: &mut Vec<Diagnostic>,
    lang: &str,
) -> Vec<T> {
    let items = match &node.value {
        Value::Seq(items) => items,
        Value::Null => return Vec::new(),
        _ => {
            partial.broken_sections.insert(section);
            diags.push(
                Diagnostic::new(
                    "E005",
                    section,
                    format!("`{section}` is not a list"),
                    format!("write `{section}:` followed by items each starting with `- `"),
                )
                .at(node.line, node.column),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match read_item::<T>(item, &format!("{section}[{i}]"), partial, diags, lang) {
            Some(t) => {
                out.push(t);
                kept.push(i);
            }
            None => {
                // `- db-a` for `- { id: db-a }`: the id is meant all the same.
                let id = match &item.value {
                    Value::Map(_) => item.get("id").and_then(|n| n.text()),
                    _ => item.text(),
                };
                partial.broken_ids.extend(id);
                if let Some(Value::Seq(tags)) = item.get("tags").map(|n| &n.value) {
                    partial
                        .broken_tags
                        .extend(tags.iter().filter_map(|t| t.text()));
                }
            }
        }
    }
    partial.kept.push((section, kept));
    out
}

/// Most fields of one item stood in for before the item is given up.
const MAX_REPAIRS: usize = 16;

/// One item of the model, its malformed fields each reported and stood in
/// for (see [`repair`]) so the rest of it is read and checked too; None when
/// it cannot be read at all (not a map, or too broken).
fn read_item<T: serde::de::DeserializeOwned>(
    item: &Node,
    base: &str,
    partial: &mut Partial,
    diags: &mut Vec<Diagnostic>,
    lang: &str,
) -> Option<T> {
    let mut work = item.clone();
    for _ in 0..=MAX_REPAIRS {
        let e = match from_node::<T>(&work) {
            Ok(t) => return Some(t),
            Err(e) => e,
        };
        diags.push(shape_diagnostic(base, &e, lang));
        match repair::<T>(&mut work, &e)? {
            Fix::StandIn(p) => {
                partial.repaired.insert(format!("{base}{p}"));
            }
            Fix::Renamed { meant, written } => partial
                .renamed
                .push((format!("{base}{meant}"), format!("{base}{written}"))),
        }
    }
    None
}

/// How a field was made readable.
enum Fix {
    /// Dropped or given a stand-in value (relative path).
    StandIn(String),
    /// Read under the name it was meant to have (relative paths).
    Renamed { meant: String, written: String },
}

/// Makes the field an error is about readable: an unknown field is
/// dropped; a malformed or missing one gets the first stand-in (an empty
/// text, the first allowed value, nothing, an empty list, a large number)
/// with which the item reads past it. Returns the field's relative path.
fn repair<T: serde::de::DeserializeOwned>(work: &mut Node, e: &ShapeError) -> Option<Fix> {
    use super::parser_hints::{expected_list, quoted_after};
    let msg = e.message.as_str();
    if msg.starts_with("unknown field") {
        // A misspelt field (`capacty`) is read under the name it was meant
        // to have, so its value is checked and no "missing field" follows.
        let bad = quoted_after(msg, "unknown field").unwrap_or("");
        let alts = expected_list(msg);
        let (parent, _) = e.path.rsplit_once('.').unwrap_or(("", ""));
        if let Some(meant) = super::suggest::suggest(bad, alts.iter().map(|s| s.as_str())) {
            let to = format!("{parent}.{meant}");
            let value = work.find(&e.path).value.clone();
            if !same_node(work, &to, meant) {
                work.set(&e.path, None);
                work.set(&to, Some(value));
                return Some(Fix::Renamed {
                    meant: to,
                    written: e.path.clone(),
                });
            }
        }
        return work
            .set(&e.path, None)
            .then(|| Fix::StandIn(e.path.clone()));
    }
    let missing = quoted_after(msg, "missing field");
    let target = match missing {
        Some(f) => format!("{}.{f}", e.path),
        None => e.path.clone(),
    };
    if target.is_empty() {
        return None; // the item itself is no map
    }
    let mut stand_ins = vec![Some(Value::Str(String::new()))];
    if msg.starts_with("unknown variant") {
        if let Some(first) = expected_list(msg).into_iter().next() {
            stand_ins.push(Some(Value::Str(first)));
        }
    }
    if missing.is_none() {
        stand_ins.push(None);
    }
    stand_ins.push(Some(Value::Seq(Vec::new())));
    stand_ins.push(Some(Value::Int(i64::from(u32::MAX))));
    for v in stand_ins {
        let mut trial = work.clone();
        if !trial.set(&target, v) {
            continue;
        }
        let again = match from_node::<T>(&trial) {
            Ok(_) => false,
            Err(e2) => about(&e2, &target),
        };
        if !again {
            *work = trial;
            return Some(Fix::StandIn(target));
        }
    }
    None
}

/// Whether the map at the parent of `path` has the key `key` already.
fn same_node(work: &Node, path: &str, key: &str) -> bool {
    let parent = path.rsplit_once('.').map_or("", |(p, _)| p);
    work.find(parent).get(key).is_some()
}

/// Whether an error is (still) about the field at `target`.
fn about(e: &ShapeError, target: &str) -> bool {
    let path = match super::parser_hints::quoted_after(&e.message, "missing field") {
        Some(f) => format!("{}.{f}", e.path),
        None => e.path.clone(),
    };
    path.strip_prefix(target)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_rewrites_whole_section_indices_only() {
        let p = Partial {
            kept: vec![("tasks", vec![0, 2, 5])],
            ..Partial::default()
        };
        assert_eq!(p.remap("tasks[2].after[1]"), "tasks[5].after[1]");
        assert_eq!(
            p.remap("already used by tasks[1], not subtasks[1]"),
            "already used by tasks[2], not subtasks[1]"
        );
    }
}
