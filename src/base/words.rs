//! Durations and lists in words, for every message and report.

use super::Time;

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
