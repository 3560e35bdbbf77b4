//! The window: its timezone and start (E010-E012 from the time parser) and
//! its deadline (E015, after the start).

use super::Ctx;
use crate::base::Time;
use crate::inventory::file::InventoryFile;
use crate::inventory::time::{self, WindowCalendar};

/// The window's calendar (None when the timezone or start is wrong, reported)
/// and its deadline in minutes from the start.
pub(super) fn check(cx: &mut Ctx, f: &InventoryFile) -> (Option<WindowCalendar>, Option<Time>) {
    let calendar = match time::timezone(&f.window.timezone) {
        Err(e) => {
            cx.time_err("window.timezone", e);
            None
        }
        Ok(tz) => match time::parse_local(f.window.start.as_str(), &tz, &mut cx.warnings) {
            Err(e) => {
                cx.time_err("window.start", e);
                None
            }
            Ok(start) => Some(WindowCalendar { tz, start }),
        },
    };
    super::name_warnings(&mut cx.warnings, "window.start");
    let mut deadline = None;
    if let (Some(c), Some(d)) = (&calendar, &f.window.deadline) {
        let deadline_minute = c.minute(d.as_str(), &mut cx.warnings);
        super::name_warnings(&mut cx.warnings, "window.deadline");
        match deadline_minute {
            Err(e) => cx.time_err("window.deadline", e),
            Ok(m) if m <= 0 => cx.err(
                "E015",
                "window.deadline",
                format!(
                    "deadline `{d}` is not after the window start `{}`",
                    f.window.start
                ),
                "set the deadline after `window.start` (check the date and the DST offset)",
            ),
            Ok(m) => deadline = Some(m),
        }
    }
    (calendar, deadline)
}
