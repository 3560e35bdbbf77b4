//! Table exports as rows of text: the CSV a list export writes (a header
//! row, RFC 4180 quoting) and the JSON list export (`{"records": [...]}`,
//! or the REST form `{"result": [...]}`, or a bare list). A JSON field may be
//! a reference object (`{"value": sys_id, "display_value": name}` or
//! `{"value": .., "link": ..}`): both halves are kept.

use crate::error::Diagnostic;
use std::collections::BTreeMap;
use std::path::Path;

/// One field of a row: the value as exported, and the display value when
/// the export gave both (JSON `sysparm_display_value=all`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Field {
    /// The value (a sys_id for a reference, when exported that way).
    pub value: String,
    /// The display value, when the export gave it besides the value.
    pub display: Option<String>,
}

/// One record of an export, by column name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// The fields by column name (lower case).
    pub fields: BTreeMap<String, Field>,
    /// Where the row is, for messages: `file.csv:12` or `file.json: records[3]`.
    pub place: String,
}

impl Row {
    /// The value of a column, trimmed; empty when absent.
    pub fn get(&self, column: &str) -> &str {
        self.fields
            .get(column)
            .map(|f| f.value.trim())
            .unwrap_or("")
    }

    /// The display value of a column when the export gave one, else its value.
    pub fn display(&self, column: &str) -> &str {
        match self.fields.get(column) {
            Some(Field {
                display: Some(d), ..
            }) => d.trim(),
            Some(f) => f.value.trim(),
            None => "",
        }
    }

    /// Whether the export has this column.
    pub fn has(&self, column: &str) -> bool {
        self.fields.contains_key(column)
    }
}

/// E121: a file of the import that cannot be read.
pub fn unreadable(path: &Path, why: impl std::fmt::Display, hint: &str) -> Diagnostic {
    Diagnostic::new(
        "E121",
        "",
        format!("{}: {why}", path.display()),
        hint.to_string(),
    )
}

/// Reads an export: JSON when the file says so (`.json`, or text starting
/// with `{` or `[`), CSV otherwise.
pub fn read(path: &Path) -> Result<Vec<Row>, Diagnostic> {
    let text =
        crate::inventory::read_text_limited(path, crate::inventory::MAX_FILE_BYTES, "export")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let trimmed = text.trim_start();
    if path.extension().is_some_and(|e| e == "json")
        || trimmed.starts_with('{')
        || trimmed.starts_with('[')
    {
        read_json(path, text)
    } else {
        read_csv(path, text)
    }
}

/// The JSON list export.
pub fn read_json(path: &Path, text: &str) -> Result<Vec<Row>, Diagnostic> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        unreadable(
            path,
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
            "export the table again as JSON (list context menu > Export > JSON)",
        )
    })?;
    let (key, list) = match &v {
        serde_json::Value::Array(a) => ("", a),
        serde_json::Value::Object(o) => match ["records", "result"]
            .iter()
            .find_map(|k| o.get(*k).and_then(|x| x.as_array()).map(|a| (*k, a)))
        {
            Some(found) => found,
            None => {
                return Err(unreadable(
                    path,
                    "no `records` list in the JSON",
                    "give the JSON list export (`{\"records\": [...]}`) or the REST table API answer (`{\"result\": [...]}`)",
                ))
            }
        },
        _ => {
            return Err(unreadable(
                path,
                "the JSON is neither a list nor an object with `records`",
                "give the JSON list export (`{\"records\": [...]}`)",
            ))
        }
    };
    let mut rows = Vec::new();
    for (i, rec) in list.iter().enumerate() {
        let place = format!("{}: {key}[{i}]", path.display());
        let Some(obj) = rec.as_object() else {
            return Err(unreadable(
                path,
                format!("{key}[{i}] is not an object"),
                "each record is an object of column: value",
            ));
        };
        let mut fields = BTreeMap::new();
        for (k, val) in obj {
            fields.insert(k.to_lowercase(), json_field(val));
        }
        rows.push(Row { fields, place });
    }
    Ok(rows)
}

fn json_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(a) => a.iter().map(json_scalar).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn json_field(v: &serde_json::Value) -> Field {
    if let Some(o) = v.as_object() {
        if let Some(value) = o.get("value") {
            return Field {
                value: json_scalar(value),
                display: o.get("display_value").map(json_scalar),
            };
        }
    }
    Field {
        value: json_scalar(v),
        display: None,
    }
}

/// The CSV export: a header row, fields quoted with `"` when they hold a
/// comma, a quote (doubled) or a line break.
pub fn read_csv(path: &Path, text: &str) -> Result<Vec<Row>, Diagnostic> {
    let records = csv_records(text).map_err(|line| {
        unreadable(
            path,
            format!("a quoted field opened on line {line} is never closed"),
            "export the table again as CSV; a hand edit may have broken the quoting",
        )
    })?;
    let mut it = records.into_iter();
    let Some((_, header)) = it.next() else {
        return Err(unreadable(
            path,
            "the file is empty",
            "give a CSV export with its header row",
        ));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut rows = Vec::new();
    for (line, rec) in it {
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        if rec.len() != header.len() {
            return Err(unreadable(
                path,
                format!(
                    "line {line} has {} fields, the header {}",
                    rec.len(),
                    header.len()
                ),
                "every row has one field per header column; quote fields that hold commas",
            ));
        }
        let fields = header
            .iter()
            .cloned()
            .zip(rec.into_iter().map(|value| Field {
                value,
                display: None,
            }))
            .collect();
        rows.push(Row {
            fields,
            place: format!("{}:{line}", path.display()),
        });
    }
    Ok(rows)
}

/// The records of a CSV text, each with the line it starts on; Err(line)
/// when a quote is left open.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let mut out = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => rec.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                rec.push(std::mem::take(&mut field));
                out.push((start_line, std::mem::take(&mut rec)));
                line += 1;
                start_line = line;
                any = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(start_line);
    }
    if any {
        rec.push(field);
        out.push((start_line, rec));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_line_breaks() {
        let rows = read_csv(
            Path::new("t.csv"),
            "name,notes\r\n\"a, b\",\"said \"\"hi\"\"\nthere\"\nc,\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("name"), "a, b");
        assert_eq!(rows[0].fields["notes"].value, "said \"hi\"\nthere");
        assert_eq!(rows[1].get("name"), "c");
        assert_eq!(rows[1].place, "t.csv:4");
    }

    #[test]
    fn csv_refuses_ragged_rows_and_open_quotes() {
        assert!(read_csv(Path::new("t.csv"), "a,b\n1\n").is_err());
        assert!(read_csv(Path::new("t.csv"), "a\n\"x\n").is_err());
    }

    #[test]
    fn json_references_keep_value_and_display() {
        let rows = read_json(
            Path::new("t.json"),
            r#"{"records":[{"parent":{"value":"abc","display_value":"web-1"},"Type":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(rows[0].get("parent"), "abc");
        assert_eq!(rows[0].display("parent"), "web-1");
        assert_eq!(rows[0].get("type"), "x");
    }
}
