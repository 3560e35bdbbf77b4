//! Reports of a plan: a terminal table ([`table`]), pretty JSON ([`json`]),
//! CSV, iCalendar, a Markdown CAB pack, an SVG Gantt and an HTML page.

pub mod csv;
pub mod gantt;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod table;

use crate::model::Time;

/// A duration for people: `250` → `4h10m`, `45` → `45m`, `120` → `2h`,
/// `0` → `0m`; negative durations get a leading `-`.
pub fn fmt_minutes(minutes: Time) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    let (h, r) = (m / 60, m % 60);
    match (h, r) {
        (0, r) => format!("{sign}{r}m"),
        (h, 0) => format!("{sign}{h}h"),
        (h, r) => format!("{sign}{h}h{r}m"),
    }
}

/// Joins names for a sentence: `a`, `a and b`, `a, b and c`.
pub fn join_words<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [a] => a.as_ref().to_string(),
        [rest @ .., last] => {
            let head: Vec<&str> = rest.iter().map(|s| s.as_ref()).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(fmt_minutes(250), "4h10m");
        assert_eq!(fmt_minutes(45), "45m");
        assert_eq!(fmt_minutes(120), "2h");
        assert_eq!(fmt_minutes(0), "0m");
        assert_eq!(fmt_minutes(-75), "-1h15m");
        assert_eq!(fmt_minutes(1500), "25h");
    }

    #[test]
    fn words() {
        assert_eq!(join_words::<&str>(&[]), "");
        assert_eq!(join_words(&["a"]), "a");
        assert_eq!(join_words(&["a", "b"]), "a and b");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
    }
}

/// Checker violations as lines for a terminal, followed by a one-line
/// verdict (`plan is valid` when there are none).
pub fn violations(v: &[crate::plan::check::Violation]) -> String {
    let mut s = String::new();
    for x in v {
        s.push_str(&format!("{:<13}{}\n", x.rule, x.message));
    }
    if v.is_empty() {
        s.push_str("plan is valid: every rule holds\n");
    } else {
        let n = v.len();
        s.push_str(&format!("{n} violation{}\n", if n == 1 { "" } else { "s" }));
    }
    s
}

#[cfg(test)]
mod violation_tests {
    use crate::plan::check::check;
    use crate::plan::testkit::Builder;

    #[test]
    fn violation_lines() {
        let mut b = Builder::new();
        let a = b.system("db");
        b.task("t1", &[a], 30);
        b.task("t2", &[a], 30);
        assert_eq!(
            super::violations(&check(&b.inv, &[0, 30])),
            "plan is valid: every rule holds\n"
        );
        assert_eq!(
            super::violations(&check(&b.inv, &[0, 10])),
            "system       t1 and t2 overlap 22:10–22:30 on system db, which allows 1 change at a time\n1 violation\n"
        );
    }
}
