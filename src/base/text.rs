//! Text from the user, made safe to echo: control characters (ESC, NUL, …),
//! bidirectional overrides and invisible characters are written as escapes,
//! and a very long word is cut, so that a message naming a hostile id can
//! neither drive the terminal, reorder what is shown, nor flood it.

use std::borrow::Cow;

/// Longest run of non-blank characters echoed whole; a longer one (a 500 KB
/// id) is cut to its first [`KEPT_OF_LONG_WORD`] characters and the count of
/// the rest.
pub const MAX_ECHOED_WORD: usize = 200;

/// Characters kept of a word longer than [`MAX_ECHOED_WORD`].
pub const KEPT_OF_LONG_WORD: usize = 80;

/// Whether `c` is invisible or changes how the text around it is shown:
/// a control character (C0, DEL, C1) or a format character (bidirectional
/// marks, embeddings, overrides and isolates, zero-width spaces and joiners,
/// the word joiner, invisible operators, the byte order mark, soft hyphen,
/// interlinear annotation marks).
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` as it may be written to a terminal: every hidden character but
/// the line feed is written as an escape (`\e`, `\0`, `\t`, `\u{202e}`),
/// and each run of more than [`MAX_ECHOED_WORD`] non-blank characters is cut
/// (`…[123456 more characters]`). Plain text is returned as it is.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    let needs_work = text.chars().any(|c| c != '\n' && is_hidden_char(c))
        || longest_word(text) > MAX_ECHOED_WORD;
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut word_len = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_blank(c) || c == '\n' {
            word_len = 0;
            out.push(c);
            continue;
        }
        word_len += 1;
        if word_len == KEPT_OF_LONG_WORD + 1 {
            // Is the rest of this word long enough to cut?
            let rest: usize = 1 + chars.clone().take_while(|c| !is_blank(*c)).count();
            if KEPT_OF_LONG_WORD + rest > MAX_ECHOED_WORD {
                for _ in 1..rest {
                    chars.next();
                }
                out.push_str(&format!("…[{rest} more characters]"));
                continue;
            }
        }
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// A visible blank (a space, not a tab or line break): where a word ends.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && !is_hidden_char(c)
}

/// `text` with every hidden character but the line feed escaped, nothing
/// cut: for a whole document written to a terminal (the plan's table),
/// whose long lines are the user's own.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hidden_char(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Appends `c`, or its escape when it is hidden.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\0' => out.push_str("\\0"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if is_hidden_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// The longest run of non-blank characters in `text`.
fn longest_word(text: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in text.chars() {
        if c.is_whitespace() {
            cur = 0;
        } else {
            cur += 1;
            best = best.max(cur);
        }
    }
    best
}

/// A CSV cell a spreadsheet will not run as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (the
/// OWASP advice), except a plain number such as `-5` or `+1.5`.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        let s =
            "error[E031]: tasks[3].system: unknown system `web-1`\n  hint: did you mean `web-2`?";
        assert!(matches!(for_terminal(s), Cow::Borrowed(_)));
        assert_eq!(for_terminal("日本-db émoji-🦀"), "日本-db émoji-🦀");
    }

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(
            for_terminal("unknown `a\u{1b}[2Jb\0`"),
            "unknown `a\\e[2Jb\\0`"
        );
        assert_eq!(for_terminal("x\u{202e}y\u{200b}z"), "x\\u{202e}y\\u{200b}z");
        assert_eq!(for_terminal("a\tb\r"), "a\\tb\\r");
        // The line feed separates lines of a message and is kept.
        assert_eq!(for_terminal("a\nb"), "a\nb");
    }

    #[test]
    fn documents_are_escaped_but_not_cut() {
        let long = "x".repeat(1000);
        assert_eq!(escape_hidden(&long), long);
        assert_eq!(escape_hidden("a\u{1b}b\nc"), "a\\eb\nc");
    }

    #[test]
    fn long_words_are_cut_with_their_length() {
        let id = "x".repeat(500_000);
        let message = format!("unknown task `{id}` here");
        let shown = for_terminal(&message);
        assert!(shown.len() < 200, "{shown}");
        assert!(shown.starts_with(&format!("unknown task `{}…", "x".repeat(79))));
        assert!(shown.ends_with("…[499922 more characters] here"), "{shown}");
        // A word at the limit is kept whole.
        let edge = "y".repeat(MAX_ECHOED_WORD);
        assert_eq!(for_terminal(&edge), edge);
    }

    #[test]
    fn formulas_are_defused_but_numbers_kept() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+cmd"), "'+cmd");
        assert_eq!(spreadsheet_safe("-x"), "'-x");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-5"), "-5");
        assert_eq!(spreadsheet_safe("+1.5"), "+1.5");
        assert_eq!(spreadsheet_safe("web-1"), "web-1");
    }
}
