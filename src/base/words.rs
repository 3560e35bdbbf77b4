//! Durations (minutes of a plan, seconds of a run) and lists in words, for
//! every message and report.

use super::Time;
use std::time::Duration;

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

/// A duration as a person writes a time limit: `20ms`, `1.5s`, `2m`,
/// `1h30m` (what `--time-limit` accepts), never rounded to `0.0s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = d.as_secs_f64();
    if ms.is_multiple_of(60_000) {
        let m = ms / 60_000;
        return match (m / 60, m % 60) {
            (0, m) => format!("{m}m"),
            (h, 0) => format!("{h}h"),
            (h, m) => format!("{h}h{m}m"),
        };
    }
    let t = format!("{s:.3}");
    format!("{}s", t.trim_end_matches('0').trim_end_matches('.'))
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
    fn durations_read_as_time_limits_are_written() {
        let ms = Duration::from_millis;
        assert_eq!(fmt_duration(ms(20)), "20ms");
        assert_eq!(fmt_duration(ms(0)), "0ms");
        assert_eq!(fmt_duration(ms(1500)), "1.5s");
        assert_eq!(fmt_duration(ms(5000)), "5s");
        assert_eq!(fmt_duration(ms(120_000)), "2m");
        assert_eq!(fmt_duration(ms(5_400_000)), "1h30m");
        assert_eq!(fmt_duration(ms(7_200_000)), "2h");
    }

    #[test]
    fn words() {
        assert_eq!(join_words::<&str>(&[]), "");
        assert_eq!(join_words(&["a"]), "a");
        assert_eq!(join_words(&["a", "b"]), "a and b");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
    }
}
