//! Reports of a plan: a terminal table ([`table`]), pretty JSON ([`json`]),
//! CSV, iCalendar, a Markdown CAB pack, an SVG Gantt and an HTML page.

pub mod csv;
pub mod gantt;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod table;

/// Checker violations as lines for a terminal, followed by a one-line
/// verdict (`plan is valid` when there are none).
pub fn violations(v: &[crate::check::Violation]) -> String {
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
    use crate::check::check;
    use crate::inventory::testkit::Builder;

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
