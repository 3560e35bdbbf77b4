//! Durations, wall-clock local times and intervals as written in an inventory,
//! converted to whole minutes from the window start.
//!
//! - Durations: `45m`, `1h30m`, `2h`, `1d`, `0m`: components `d`, `h`, `m` in
//!   that order, each at most once. A bare number (`90`) is refused: the unit
//!   must be written. At most one year ([`MAX_MINUTES`]).
//! - Lags ([`parse_lag`]) are durations that may be negative: `-10m`.
//! - Local times: `2026-12-05T22:00` or `2026-12-05T22:00:00` in the window's
//!   IANA timezone, optionally with an explicit UTC offset
//!   (`2026-11-01T01:30-05:00`, `...Z`) to pick one side of a repeated hour.
//!   A time skipped by a daylight-saving jump is an error; a repeated
//!   (ambiguous) one without an offset takes the earlier instant.
//! - Intervals: `A/B` with two local times, `B` after `A`.
//!
//! Minutes from the start are REAL elapsed minutes, so a 22:00→06:00 window
//! across a DST change is 7 or 9 hours long.

use crate::base::{Interval, Time};
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::ZonedDateTime;

/// The longest duration, lag or distance from the window start accepted: one
/// year (365 days) in minutes.
pub const MAX_MINUTES: Time = 365 * 24 * 60;

/// A problem with one written duration, time or interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    /// Stable diagnostic code (see docs/errors.md).
    pub code: &'static str,
    /// What is wrong, quoting the text as written.
    pub message: String,
    /// How to write it correctly.
    pub hint: String,
}

impl TimeError {
    fn new(code: &'static str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        TimeError {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Invalid duration or lag.
pub const E_DURATION: &str = "E010";
/// Invalid local time (syntax, calendar, whole minutes).
pub const E_TIME: &str = "E011";
/// Local time skipped by a daylight-saving change.
pub const E_TIME_GAP: &str = "E012";
/// Invalid interval (syntax, or end not after start).
pub const E_INTERVAL: &str = "E013";
/// Unknown timezone.
pub const E_TIMEZONE: &str = "E014";
/// Time too far from the window start.
pub const E_TIME_RANGE: &str = "E016";
/// Explicit UTC offset that the timezone never uses at that local time.
pub const E_OFFSET: &str = "E017";

const DURATION_HINT: &str =
    "write a duration with units, e.g. `45m`, `1h30m`, `2h` or `1d` (days, hours, minutes in that order)";

/// Parses a non-negative duration (`45m`, `1h30m`, `2h`, `1d`, `0m`).
pub fn parse_duration(text: &str) -> Result<Time, TimeError> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err(TimeError::new(
            E_DURATION,
            format!("duration `{text}` is negative"),
            "durations cannot be negative; only `after` lags may be (e.g. `lag: -10m`)",
        ));
    }
    parse_unsigned(text, t)
}

/// Parses a lag: a duration that may be negative (`-10m`) or explicitly
/// positive (`+10m`).
pub fn parse_lag(text: &str) -> Result<Time, TimeError> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('-') {
        parse_unsigned(text, rest).map(|m| -m)
    } else if let Some(rest) = t.strip_prefix('+') {
        parse_unsigned(text, rest)
    } else {
        parse_unsigned(text, t)
    }
}

fn parse_unsigned(original: &str, t: &str) -> Result<Time, TimeError> {
    if t.is_empty() {
        return Err(TimeError::new(
            E_DURATION,
            format!("duration `{original}` is empty"),
            DURATION_HINT,
        ));
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimeError::new(
            E_DURATION,
            format!("duration `{original}` has no unit"),
            format!(
                "a bare number is not allowed because its unit would be a guess; write `{t}m` for minutes or `{t}h` for hours"
            ),
        ));
    }
    let bad = || {
        TimeError::new(
            E_DURATION,
            format!("`{original}` is not a duration"),
            DURATION_HINT,
        )
    };
    let too_long = || {
        TimeError::new(
            E_DURATION,
            format!("duration `{original}` is longer than one year"),
            "durations, lags and tolerances are limited to one year (525600m); check for a typo",
        )
    };
    let bytes = t.as_bytes();
    let mut i = 0;
    let mut total: Time = 0;
    // Rank of the last unit seen: d=0, h=1, m=2; units must strictly increase.
    let mut last_rank: Option<u8> = None;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i >= bytes.len() {
            return Err(bad());
        }
        let digits = &t[start..i];
        // More than 12 digits is certainly over a year; avoid overflow.
        if digits.len() > 12 {
            return Err(too_long());
        }
        let n: Time = digits.parse().map_err(|_| bad())?;
        let (rank, per) = match bytes[i] {
            b'd' => (0u8, 24 * 60),
            b'h' => (1u8, 60),
            b'm' => (2u8, 1),
            _ => return Err(bad()),
        };
        i += 1;
        if last_rank.is_some_and(|r| r >= rank) {
            return Err(bad());
        }
        last_rank = Some(rank);
        total = n
            .checked_mul(per)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(too_long)?;
        if total > MAX_MINUTES {
            return Err(too_long());
        }
    }
    Ok(total)
}

/// Looks up an IANA timezone by name.
pub fn timezone(name: &str) -> Result<TimeZone, TimeError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(TimeError::new(
            E_TIMEZONE,
            "timezone is empty",
            "write an IANA timezone name, e.g. `Europe/London` or `America/New_York`",
        ));
    }
    TimeZone::get(n).map_err(|_| {
        let hint = match closest_timezone(n) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                "write an IANA timezone name such as `Europe/London`, `America/New_York` or `UTC`"
                    .to_string()
            }
        };
        TimeError::new(E_TIMEZONE, format!("unknown timezone `{name}`"), hint)
    })
}

/// The IANA name closest to a mistyped one: by the whole name
/// (`Europe/Londn`), else by its city alone (`London`, `Europe/Lodnon`).
fn closest_timezone(name: &str) -> Option<String> {
    let names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    if let Some(s) = super::suggest::suggest(name, names.iter().map(|n| n.as_str())) {
        return Some(s.to_string());
    }
    let city = name.rsplit('/').next().unwrap_or(name);
    let cities = names
        .iter()
        .filter_map(|n| n.rsplit_once('/').map(|(_, c)| c));
    let c = super::suggest::suggest(city, cities)?;
    // The first name (alphabetically) with that city, e.g. `Europe/London`.
    let mut with_city: Vec<&String> = names
        .iter()
        .filter(|n| n.rsplit_once('/').is_some_and(|(_, x)| x == c))
        .collect();
    with_city.sort();
    with_city.first().map(|s| s.to_string())
}

/// A written local time, split into its civil part and optional offset.
struct LocalText {
    dt: DateTime,
    offset: Option<Offset>,
}

const TIME_HINT: &str = "write a local time as `YYYY-MM-DDTHH:MM` (seconds optional), e.g. `2026-12-05T22:00`; add an offset like `-05:00` only to pick one side of a repeated hour";

fn num(s: &str) -> Option<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn parse_offset(s: &str) -> Option<Offset> {
    if s == "Z" || s == "z" {
        return Some(Offset::UTC);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &s[1..];
    if !rest.is_ascii() {
        return None;
    }
    let (h, m) = match rest.len() {
        2 => (num(rest)?, 0),
        4 => (num(&rest[..2])?, num(&rest[2..])?),
        5 if rest.as_bytes()[2] == b':' => (num(&rest[..2])?, num(&rest[3..])?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Offset::from_seconds((sign * (h * 3600 + m * 60)) as i32).ok()
}

fn parse_local_text(text: &str) -> Result<LocalText, TimeError> {
    let t = text.trim();
    let bad = || TimeError::new(E_TIME, format!("`{text}` is not a local time"), TIME_HINT);
    // Date part: YYYY-MM-DD, then 'T' (or a single space).
    if t.len() < 16 || !t.is_char_boundary(10) || !t.is_char_boundary(16) {
        return Err(bad());
    }
    let (date, rest) = t.split_at(10);
    let sep = rest.as_bytes()[0];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return Err(bad());
    }
    let rest = &rest[1..];
    let db = date.as_bytes();
    if db[4] != b'-' || db[7] != b'-' {
        return Err(bad());
    }
    let year = num(&date[..4]).ok_or_else(bad)?;
    let month = num(&date[5..7]).ok_or_else(bad)?;
    let day = num(&date[8..10]).ok_or_else(bad)?;
    // Time part: HH:MM[:SS][offset]
    let rb = rest.as_bytes();
    if rb.len() < 5 || rb[2] != b':' || !rest.is_char_boundary(5) {
        return Err(bad());
    }
    let hour = num(&rest[..2]).ok_or_else(bad)?;
    let minute = num(&rest[3..5]).ok_or_else(bad)?;
    let mut tail = &rest[5..];
    let mut second = 0;
    if let Some(s) = tail.strip_prefix(':') {
        if s.len() < 2 || !s.is_char_boundary(2) {
            return Err(bad());
        }
        second = num(&s[..2]).ok_or_else(bad)?;
        tail = &s[2..];
        if tail.starts_with('.') || tail.starts_with(',') {
            return Err(TimeError::new(
                E_TIME,
                format!("local time `{text}` has fractional seconds"),
                "times are whole minutes; drop the fraction",
            ));
        }
    }
    let offset = if tail.is_empty() {
        None
    } else {
        Some(parse_offset(tail).ok_or_else(|| {
            TimeError::new(
                E_TIME,
                format!("`{tail}` in `{text}` is not a UTC offset"),
                "write an offset as `-05:00`, `+01:00` or `Z`, or leave it out to use the window's timezone",
            )
        })?)
    };
    let dt = DateTime::new(
        year as i16,
        month as i8,
        day as i8,
        hour as i8,
        minute as i8,
        second as i8,
        0,
    )
    .map_err(|_| {
        TimeError::new(
            E_TIME,
            format!("`{text}` is not a valid calendar date and time"),
            "check the month (01-12), day of month, hour (00-23) and minute (00-59)",
        )
    })?;
    if second != 0 {
        return Err(TimeError::new(
            E_TIME,
            format!("local time `{text}` is not on a whole minute"),
            "times are whole minutes; write the seconds as `:00` or leave them out",
        ));
    }
    Ok(LocalText { dt, offset })
}

/// Resolves a local time in `tz`. Ambiguous (repeated) times take the
/// earlier instant unless an explicit offset picks one, with warning W002
/// pushed on `warnings`.
pub fn parse_local(
    text: &str,
    tz: &TimeZone,
    warnings: &mut Vec<crate::error::Diagnostic>,
) -> Result<ZonedDateTime, TimeError> {
    let LocalText { dt, offset } = parse_local_text(text)?;
    let amb = tz.to_ambiguous_zoned_datetime(dt);
    let candidates: Vec<Offset> = match amb.offset() {
        AmbiguousOffset::Unambiguous { offset } => vec![offset],
        AmbiguousOffset::Gap { .. } => {
            return Err(TimeError::new(
                E_TIME_GAP,
                format!(
                    "local time `{text}` does not exist in {}: the clocks skip it at a daylight-saving change",
                    tz_name(tz)
                ),
                "use a time after the jump (e.g. one hour later) or before it",
            ));
        }
        AmbiguousOffset::Fold { before, after } => vec![before, after],
    };
    let chosen = match offset {
        None if candidates.len() > 1 => {
            warnings.push(crate::error::Diagnostic::new(
                "W002",
                "",
                format!(
                    "local time `{text}` happens twice in {} (the clocks go back): taken as the earlier instant ({})",
                    tz_name(tz),
                    candidates[0]
                ),
                format!("write the offset to choose, e.g. `{text}{}`", candidates[1]),
            ));
            candidates[0]
        }
        None => candidates[0],
        Some(o) => {
            if !candidates.contains(&o) {
                let valid: Vec<String> = candidates.iter().map(|c| c.to_string()).collect();
                return Err(TimeError::new(
                    E_OFFSET,
                    format!(
                        "offset {o} in `{text}` is not used by {} at that local time",
                        tz_name(tz)
                    ),
                    format!(
                        "write one of the offsets {} or leave the offset out",
                        valid.join(", ")
                    ),
                ));
            }
            o
        }
    };
    let ts = chosen.to_timestamp(dt).map_err(|_| {
        TimeError::new(
            E_TIME,
            format!("local time `{text}` is out of range"),
            TIME_HINT,
        )
    })?;
    Ok(ZonedDateTime::new(ts, tz.clone()))
}

fn tz_name(tz: &TimeZone) -> String {
    tz.iana_name()
        .unwrap_or("the window's timezone")
        .to_string()
}

/// The window's calendar: converts local times to minutes from the start.
#[derive(Debug, Clone)]
pub struct WindowCalendar {
    /// The window's timezone.
    pub tz: TimeZone,
    /// The window's start, local time in that timezone (minute 0).
    pub start: ZonedDateTime,
}

impl WindowCalendar {
    /// Builds the calendar from the window's timezone name and start time
    /// (validation builds it field by field, to report each part's error).
    #[cfg(test)]
    pub fn new(timezone_name: &str, start: &str) -> Result<WindowCalendar, TimeError> {
        let tz = timezone(timezone_name)?;
        let start = parse_local(start, &tz, &mut Vec::new())?;
        Ok(WindowCalendar { tz, start })
    }

    /// Real elapsed minutes from the window start to `zdt`.
    pub fn minutes_to(&self, zdt: &ZonedDateTime, text: &str) -> Result<Time, TimeError> {
        let secs = self.start.duration_until(zdt).as_secs();
        let mins = secs.div_euclid(60);
        if mins.abs() > MAX_MINUTES {
            return Err(TimeError::new(
                E_TIME_RANGE,
                format!("`{text}` is more than one year from the window start"),
                "times must lie within one year of `window.start`; check the year",
            ));
        }
        Ok(mins)
    }

    /// Parses a local time into minutes from the window start (warnings,
    /// see [`parse_local`], go to `warnings`).
    pub fn minute(
        &self,
        text: &str,
        warnings: &mut Vec<crate::error::Diagnostic>,
    ) -> Result<Time, TimeError> {
        let zdt = parse_local(text, &self.tz, warnings)?;
        self.minutes_to(&zdt, text)
    }

    /// Parses `A/B` into an interval of minutes; `B` must be after `A`.
    pub fn interval(
        &self,
        text: &str,
        warnings: &mut Vec<crate::error::Diagnostic>,
    ) -> Result<Interval, TimeError> {
        let mut parts = text.split('/');
        let (a, b) =
            match (parts.next(), parts.next(), parts.next()) {
                (Some(a), Some(b), None) => (a, b),
                _ => return Err(TimeError::new(
                    E_INTERVAL,
                    format!("`{text}` is not an interval"),
                    "write an interval as `START/END`, e.g. `2026-12-05T23:00/2026-12-06T03:00`",
                )),
            };
        let s = self.minute(a, warnings)?;
        let e = self.minute(b, warnings)?;
        if e <= s {
            return Err(TimeError::new(
                E_INTERVAL,
                format!("interval `{text}` ends before or when it starts"),
                "the second time must be after the first",
            ));
        }
        Ok(Interval::new(s, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_timezone_names_the_closest() {
        for (typo, meant) in [
            ("Europe/Londn", "Europe/London"),
            ("Europe/Pariss", "Europe/Paris"),
            ("America/New_Yrok", "America/New_York"),
            ("Asia/Tokio", "Asia/Tokyo"),
            ("Berlin", "Europe/Berlin"),
        ] {
            let e = timezone(typo).unwrap_err();
            assert_eq!(e.code, E_TIMEZONE);
            assert_eq!(e.hint, format!("did you mean `{meant}`?"), "{typo}");
        }
        // Nothing close: no guess, the general advice.
        let e = timezone("Mars/Olympus_Mons").unwrap_err();
        assert!(!e.hint.contains("did you mean"), "{}", e.hint);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("45m"), Ok(45));
        assert_eq!(parse_duration("1h30m"), Ok(90));
        assert_eq!(parse_duration("2h"), Ok(120));
        assert_eq!(parse_duration("0m"), Ok(0));
        assert_eq!(parse_duration("1d"), Ok(1440));
        assert_eq!(parse_duration("1d2h3m"), Ok(1563));
        assert_eq!(parse_duration(" 5m "), Ok(5));
    }

    #[test]
    fn bad_durations() {
        let e = parse_duration("90").unwrap_err();
        assert_eq!(e.code, E_DURATION);
        assert!(e.hint.contains("90m"), "{}", e.hint);
        for s in [
            "", "m", "5", "5x", "30m1h", "1h1h", "1.5h", "h5", "5 m", "-10m", "1h-5m",
        ] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
        assert!(parse_duration("-10m").unwrap_err().hint.contains("lag"));
    }

    #[test]
    fn overflow_safe() {
        assert!(parse_duration("1000000000000000m").is_err());
        assert!(parse_duration("99999999999999999999999999m").is_err());
        assert!(parse_duration("366d").is_err());
        assert_eq!(parse_duration("365d"), Ok(MAX_MINUTES));
        assert!(parse_duration("365d1m").is_err());
        assert!(parse_lag("-99999999999999999999d").is_err());
    }

    #[test]
    fn lags() {
        assert_eq!(parse_lag("-10m"), Ok(-10));
        assert_eq!(parse_lag("+1h"), Ok(60));
        assert_eq!(parse_lag("0m"), Ok(0));
        assert!(parse_lag("--10m").is_err());
        assert!(parse_lag("-").is_err());
    }

    fn ny() -> TimeZone {
        timezone("America/New_York").unwrap()
    }

    #[test]
    fn spring_forward_window_is_seven_hours() {
        let c = WindowCalendar::new("America/New_York", "2026-03-07T22:00").unwrap();
        assert_eq!(c.minute("2026-03-08T06:00", &mut Vec::new()), Ok(420));
        assert_eq!(c.minute("2026-03-08T03:00", &mut Vec::new()), Ok(240));
        assert_eq!(c.minute("2026-03-08T01:59", &mut Vec::new()), Ok(239));
        let e = c.minute("2026-03-08T02:30", &mut Vec::new()).unwrap_err();
        assert_eq!(e.code, E_TIME_GAP);
        assert!(e.message.contains("2026-03-08T02:30"));
    }

    #[test]
    fn fall_back_window_is_nine_hours() {
        let c = WindowCalendar::new("America/New_York", "2026-10-31T22:00").unwrap();
        assert_eq!(c.minute("2026-11-01T06:00", &mut Vec::new()), Ok(540));
        // Ambiguous: earlier instant (EDT, -04:00).
        assert_eq!(c.minute("2026-11-01T01:30", &mut Vec::new()), Ok(210));
        assert_eq!(c.minute("2026-11-01T01:30-04:00", &mut Vec::new()), Ok(210));
        // Explicit offset picks the later one (EST).
        assert_eq!(c.minute("2026-11-01T01:30-05:00", &mut Vec::new()), Ok(270));
        let e = c
            .minute("2026-11-01T01:30-06:00", &mut Vec::new())
            .unwrap_err();
        assert_eq!(e.code, E_OFFSET);
        // Offset on an unambiguous time must match.
        assert_eq!(c.minute("2026-11-01T06:00-05:00", &mut Vec::new()), Ok(540));
        assert!(c.minute("2026-11-01T06:00-04:00", &mut Vec::new()).is_err());
    }

    #[test]
    fn local_time_syntax() {
        let tz = ny();
        assert!(parse_local("2026-12-05T22:00", &tz, &mut Vec::new()).is_ok());
        assert!(parse_local("2026-12-05T22:00:00", &tz, &mut Vec::new()).is_ok());
        assert!(parse_local("2026-12-05 22:00", &tz, &mut Vec::new()).is_ok());
        assert!(parse_local("2026-12-05T22:00-05:00", &tz, &mut Vec::new()).is_ok());
        assert!(parse_local("2026-12-05T22:00-0500", &tz, &mut Vec::new()).is_ok());
        assert!(parse_local(
            "2026-12-05T22:00Z",
            &timezone("UTC").unwrap(),
            &mut Vec::new()
        )
        .is_ok());
        // An offset the zone does not use there is refused.
        assert_eq!(
            parse_local("2026-12-05T22:00Z", &tz, &mut Vec::new())
                .unwrap_err()
                .code,
            E_OFFSET
        );
        for s in [
            "2026-12-05",
            "2026-13-05T22:00",
            "2026-02-30T22:00",
            "2026-12-05T24:00",
            "2026-12-05T22:00:30",
            "2026-12-05T22:00:00.5",
            "2026-12-05T22:00+5",
            "26-12-05T22:00",
            "2026-12-05T22h00",
            "é026-12-05T22:00",
        ] {
            assert!(parse_local(s, &tz, &mut Vec::new()).is_err(), "{s}");
        }
    }

    #[test]
    fn unknown_timezone() {
        let e = timezone("Mars/Olympus").unwrap_err();
        assert_eq!(e.code, E_TIMEZONE);
        assert!(e.hint.contains("Europe/London"));
        assert!(timezone("").is_err());
    }

    #[test]
    fn intervals() {
        let c = WindowCalendar::new("Europe/London", "2026-12-05T22:00").unwrap();
        assert_eq!(
            c.interval("2026-12-05T23:00/2026-12-06T03:00", &mut Vec::new()),
            Ok(Interval::new(60, 300))
        );
        assert_eq!(
            c.interval("2026-12-05T21:00/2026-12-05T21:30", &mut Vec::new()),
            Ok(Interval::new(-60, -30))
        );
        assert_eq!(
            c.interval("2026-12-06T03:00/2026-12-05T23:00", &mut Vec::new())
                .unwrap_err()
                .code,
            E_INTERVAL
        );
        assert_eq!(
            c.interval("2026-12-06T03:00", &mut Vec::new())
                .unwrap_err()
                .code,
            E_INTERVAL
        );
        assert_eq!(
            c.minute("2028-12-06T03:00", &mut Vec::new())
                .unwrap_err()
                .code,
            E_TIME_RANGE
        );
    }

    #[test]
    fn merge_and_intersect() {
        let m = crate::base::intervals::merge(vec![
            Interval::new(50, 60),
            Interval::new(0, 10),
            Interval::new(5, 20),
            Interval::new(20, 30),
            Interval::new(40, 40),
        ]);
        assert_eq!(m, vec![Interval::new(0, 30), Interval::new(50, 60)]);
        let x = crate::base::intervals::intersect(&m, &[Interval::new(25, 55)]);
        assert_eq!(
            crate::base::intervals::subtract(&m, &[Interval::new(5, 8), Interval::new(25, 55)]),
            vec![
                Interval::new(0, 5),
                Interval::new(8, 25),
                Interval::new(55, 60)
            ]
        );
        assert_eq!(
            crate::base::intervals::subtract(&m, &[Interval::new(-5, 100)]),
            vec![]
        );
        assert_eq!(crate::base::intervals::subtract(&m, &[]), m);
        assert_eq!(x, vec![Interval::new(25, 30), Interval::new(50, 55)]);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parsers_never_panic(s in "\\PC{0,30}") {
                let tz = TimeZone::get("America/New_York").unwrap();
                let _ = parse_duration(&s);
                let _ = parse_lag(&s);
                let _ = parse_local(&s, &tz, &mut Vec::new());
                let c = WindowCalendar::new("America/New_York", "2026-12-05T22:00").unwrap();
                let _ = c.interval(&s, &mut Vec::new());
            }

            #[test]
            fn local_like_strings_never_panic(
                prefix in "[0-9T:+-]{0,18}",
                junk in "\\PC{0,3}",
                suffix in "[0-9:+-]{0,6}",
            ) {
                let tz = TimeZone::get("Europe/London").unwrap();
                let _ = parse_local(&format!("{prefix}{junk}{suffix}"), &tz, &mut Vec::new());
                let _ = parse_local(&format!("2026-12-05T22:0{junk}{suffix}"), &tz, &mut Vec::new());
                let _ = parse_local(&format!("2026-12-05T22:00{junk}{suffix}"), &tz, &mut Vec::new());
                let _ = parse_local(&format!("2026-12-05T22:00+{junk}{suffix}"), &tz, &mut Vec::new());
            }

            #[test]
            fn interval_algebra_matches_minute_sets(
                a in proptest::collection::vec((-20i64..20, 0i64..10), 0..5),
                b in proptest::collection::vec((-20i64..20, 0i64..10), 0..5),
            ) {
                let mk = |v: &Vec<(i64, i64)>| crate::base::intervals::merge(v.iter().map(|&(s, l)| Interval::new(s, s + l)).collect());
                let (a, b) = (mk(&a), mk(&b));
                let set = |v: &[Interval]| -> std::collections::BTreeSet<i64> { v.iter().flat_map(|i| i.start..i.end).collect() };
                for w in a.windows(2) { prop_assert!(w[0].end < w[1].start); }
                let (sa, sb) = (set(&a), set(&b));
                prop_assert_eq!(set(&crate::base::intervals::intersect(&a, &b)), sa.intersection(&sb).copied().collect());
                prop_assert_eq!(set(&crate::base::intervals::subtract(&a, &b)), sa.difference(&sb).copied().collect());
            }

            #[test]
            fn durations_round_trip(d in 0i64..365, h in 0i64..24, m in 0i64..60) {
                let mut text = String::new();
                if d > 0 { text += &format!("{d}d"); }
                if h > 0 { text += &format!("{h}h"); }
                if m > 0 || text.is_empty() { text += &format!("{m}m"); }
                prop_assert_eq!(parse_duration(&text), Ok(d * 1440 + h * 60 + m));
                let neg = format!("-{text}");
                prop_assert_eq!(parse_lag(&neg), Ok(-(d * 1440 + h * 60 + m)));
            }

            #[test]
            fn minutes_are_real_elapsed(offset in 0i64..(400 * 24 * 60)) {
                // Every instant, written with its own offset, maps back exactly.
                let c = WindowCalendar::new("America/New_York", "2026-01-01T00:00").unwrap();
                let zdt = c.start.checked_add(jiff::SignedDuration::from_mins(offset)).unwrap();
                let text = zdt.strftime("%Y-%m-%dT%H:%M%:z").to_string();
                match c.minute(&text, &mut Vec::new()) {
                    Ok(m) => prop_assert_eq!(m, offset),
                    Err(e) => prop_assert_eq!(e.code, E_TIME_RANGE),
                }
            }
        }
    }
}
