//! The parser's messages (serde_json's, serde-saphyr's) read for what they
//! say: the code and hint for a message, the name it quotes and the
//! alternatives it lists. Used by [`super::load`] and [`super::shape`].

use super::suggest::suggest;

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
