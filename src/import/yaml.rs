//! Writes an inventory (a JSON value) as YAML by hand: sections in the
//! format's order, each list item on one line in flow style when it is
//! short, every string that YAML could read as something else quoted
//! (JSON's double-quoted strings are valid YAML). The result reads back
//! through the inventory loader to the same value (tested).

use serde_json::Value;

/// The order of keys inside an entry, after the inventory's sections
/// (`SECTIONS`, the format's own order); other keys follow in alphabetical
/// order.
const FIELD_ORDER: &[&str] = &[
    "id",
    "start",
    "timezone",
    "deadline",
    "title",
    "change",
    "capacity",
    "available",
    "primary",
    "standby",
    "from",
    "to",
    "zone",
    "site",
    "tags",
    "external",
    "members",
    "min_available",
    "max_concurrent",
    "scope",
    "reason",
    "weight",
    "requires",
    "mode",
    "tolerance",
    "system",
    "systems_",
    "cluster",
    "duration",
    "outage",
    "team",
    "after",
    "notes",
];

/// Where a key goes: the sections first, then the fields of an entry.
fn key_rank(k: &str) -> usize {
    let sections = crate::inventory::shape::SECTIONS;
    sections
        .iter()
        .position(|s| *s == k)
        .or_else(|| {
            FIELD_ORDER
                .iter()
                .position(|f| *f == k)
                .map(|p| sections.len() + p)
        })
        .unwrap_or(sections.len() + FIELD_ORDER.len())
}

fn ordered(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by_key(|(k, _)| (key_rank(k), (*k).clone()));
    v
}

/// A string as a YAML scalar: plain when it cannot be read as anything but
/// that string, double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "nan" | "inf"
        );
    if plain {
        s.to_string()
    } else {
        Value::String(s.to_string()).to_string()
    }
}

/// A value on one line (flow style).
fn flow(v: &Value) -> String {
    match v {
        Value::String(s) => scalar(s),
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{ {} }}",
            ordered(m)
                .into_iter()
                .map(|(k, v)| format!("{}: {}", scalar(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

const LINE: usize = 110;

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, v) in ordered(m) {
                let head = format!("{pad}{}:", scalar(k));
                let f = flow(v);
                let nested = matches!(v, Value::Object(_) | Value::Array(_));
                if !nested || head.len() + f.len() < LINE || is_empty(v) {
                    out.push_str(&format!("{head} {f}\n"));
                } else {
                    out.push_str(&head);
                    out.push('\n');
                    block(v, indent + 2, out);
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                let f = flow(item);
                if pad.len() + 2 + f.len() < LINE || !matches!(item, Value::Object(_)) {
                    out.push_str(&format!("{pad}- {f}\n"));
                } else {
                    let mut inner = String::new();
                    block(item, indent + 2, &mut inner);
                    out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", flow(other))),
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty()) || matches!(v, Value::Object(m) if m.is_empty())
}

/// The document: the comment lines of `header` (each prefixed `# `), then
/// the value in block style.
pub fn write(header: &[String], v: &Value) -> String {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str(&format!("# {line}\n"));
        }
    }
    if !header.is_empty() {
        out.push('\n');
    }
    if let Value::Object(m) = v {
        let mut first = true;
        for (k, item) in ordered(m) {
            if !first {
                out.push('\n');
            }
            first = false;
            let mut one = serde_json::Map::new();
            one.insert(k.clone(), item.clone());
            block(&Value::Object(one), 0, &mut out);
        }
    } else {
        block(v, 0, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("web-1"), "web-1");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("10"), "\"10\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("#x"), "\"#x\"");
        assert_eq!(scalar("2026-12-05T22:00"), "\"2026-12-05T22:00\"");
        assert_eq!(scalar(""), "\"\"");
    }

    #[test]
    fn round_trips_through_the_yaml_reader() {
        let v = json!({
            "window": {"start": "2026-12-05T22:00", "timezone": "Europe/London"},
            "systems": [
                {"id": "web 1", "tags": ["a", "yes", "it's"], "notes": "line\nbreak \"q\" # not a comment"},
                {"id": "x", "zone": "pci", "notes": "a very long note that makes the line go past the limit of one hundred and ten characters for sure"}
            ],
            "clusters": [{"id": "c", "members": ["web 1", "x"], "min_available": 1}],
            "dr": []
        });
        let text = write(&["header".into(), String::new()], &v);
        let back = crate::inventory::parse_value(&text, crate::inventory::Format::Yaml).unwrap();
        assert_eq!(back, v, "{text}");
    }
}
