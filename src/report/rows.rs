//! The vocabulary the reports share: how a signed difference of minutes,
//! a weighted figure and a Markdown table cell are written, and the words
//! for downtime the plan does not cause.

use crate::base::fmt_minutes;

/// What every format says of downtime from systems' `unavailable` times:
/// the service is down then whatever the plan does.
pub const NOT_CAUSED_BY_THE_PLAN: &str = "not caused by the plan";

/// `+25m`, `−10m` or `±0`.
pub fn fmt_delta(d: i64) -> String {
    match d.cmp(&0) {
        std::cmp::Ordering::Equal => "±0".into(),
        std::cmp::Ordering::Greater => format!("+{}", fmt_minutes(d)),
        std::cmp::Ordering::Less => format!("−{}", fmt_minutes(-d)),
    }
}

/// A figure such as a weighted downtime: whole numbers without a point,
/// others to one decimal (`350`, `12.5`).
pub fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// Text for one cell of a Markdown table: `|` escaped, a line break made a
/// space (a cell is one line).
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_minutes_and_cells() {
        assert_eq!(fmt_delta(-10), "−10m");
        assert_eq!(fmt_delta(0), "±0");
        assert_eq!(fmt_delta(90), "+1h30m");
        assert_eq!(fmt_number(350.0), "350");
        assert_eq!(fmt_number(12.5), "12.5");
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
    }
}
