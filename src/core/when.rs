//! Reading the times people write on the command line (`--since 30d`, `--until 2026-11-01`,
//! `log --at "yesterday 17:00"`), relative to a `now` that is given: pure, testable with a
//! fixed clock.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};

/// Why a time could not be read; each says which forms are accepted where that helps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error(
        "an empty time; use a length of time before now (30d, 2w, 12h, 3mo, 1y), \
a date (2026-11-01), a date and time (2026-11-01 17:00), \
or words such as \"yesterday\", \"yesterday 17:00\" or \"3 days ago\""
    )]
    Empty,
    #[error(
        "cannot read {0:?} as a time; use a length of time before now (30d, 2w, 12h, 3mo, 1y), \
a date (2026-11-01), a date and time (2026-11-01 17:00), \
or words such as \"yesterday\", \"yesterday 17:00\" or \"3 days ago\""
    )]
    Unreadable(String),
    #[error("{0:?} reaches too far back or ahead to be a session time")]
    TooFar(String),
    #[error("{0:?}: the number is too large")]
    TooLarge(String),
    #[error(
        "cannot read {0:?} as a time; use \"now\", a date and time (2026-11-20 09:30), \
\"yesterday 17:00\" or \"3 days ago\""
    )]
    NotAnAt(String),
    #[error("{text:?} is in the future ({local}); log a session once it has happened")]
    Future { text: String, local: String },
    #[error(
        "it would end {local}, which is still to come; log a session once it is over \
(give --at the time it started, or a shorter --duration)"
    )]
    EndsInFuture { local: String },
    #[error("{text:?} is before 2000 ({local}); a session is logged with the date it happened")]
    Before2000 { text: String, local: String },
}

/// Reads a `--since`/`--until` value as an instant, in the time zone of `now`:
/// - a length of time before now: `30d`, `2w`, `12h`, `90 d`, `3mo`, `1y`, `45min`
///   (days, weeks, months and years are calendar ones: `1d` is "this time yesterday",
///   even across a DST change);
/// - a date, `2026-11-01`: the start of that day;
/// - anything `parse_datetime` reads: `yesterday`, `3 days ago`, `2026-11-01 17:00`,
///   `last monday`, `@1700000000`.
///
/// The error says which forms are accepted.
pub fn parse_when(s: &str, now: &Zoned) -> Result<Timestamp, WhenError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(WhenError::Empty);
    }
    if let Some(result) = length_before(text, now) {
        return result;
    }
    if let Some(day) = bare_date(text) {
        return day
            .to_zoned(now.time_zone().clone())
            .map(|z| z.timestamp())
            .map_err(|_| WhenError::TooFar(text.into()));
    }
    match parse_datetime::parse_datetime_at_date(now.clone(), text) {
        Ok(parsed) => parsed
            .into_zoned()
            .map(|z| z.timestamp())
            .ok_or_else(|| WhenError::TooFar(text.into())),
        Err(_) => Err(WhenError::Unreadable(text.into())),
    }
}

/// Like [`parse_when`], but a bare date means the *end* of that day, so
/// `--until 2026-11-01` includes the sessions of November 1st.
pub fn parse_until(s: &str, now: &Zoned) -> Result<Timestamp, WhenError> {
    let text = s.trim();
    if let Some(day) = bare_date(text) {
        let too_far = |_| WhenError::TooFar(text.into());
        let next = day.checked_add(1.day()).map_err(too_far)?;
        return next
            .to_zoned(now.time_zone().clone())
            .map(|z| z.timestamp())
            .map_err(too_far);
    }
    parse_when(s, now)
}

/// `2026-11-01` and nothing else (jiff's own parser would also take a date *and time* and
/// drop the time).
fn bare_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shape { text.parse().ok() } else { None }
}

/// `30d`, `2w`, `12 h`, `3mo`, `1y`, `45min`. `None` when the text is not of that shape;
/// `Some(Err)` when it is but the number is unusable.
fn length_before(text: &str, now: &Zoned) -> Option<Result<Timestamp, WhenError>> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if digits_end == 0 {
        return None;
    }
    let unit = text[digits_end..].trim_start().to_ascii_lowercase();
    let n: i64 = match text[..digits_end].parse() {
        Ok(n) => n,
        Err(_) => return Some(Err(WhenError::TooLarge(text.into()))),
    };
    let empty = jiff::Span::new();
    let span = match unit.as_str() {
        "min" | "mins" => empty.try_minutes(n),
        "h" | "hour" | "hours" => empty.try_hours(n),
        "d" | "day" | "days" => empty.try_days(n),
        "w" | "week" | "weeks" => empty.try_weeks(n),
        "mo" | "month" | "months" => empty.try_months(n),
        "y" | "year" | "years" => empty.try_years(n),
        _ => return None,
    };
    let result = span
        .ok()
        .and_then(|span| now.checked_sub(span).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| WhenError::TooFar(text.into()));
    Some(result)
}

/// Reads `knotless log --at`: `now`, `yesterday 17:00`, `3 days ago`, `2026-11-20 09:30`,
/// or any form [`parse_when`] takes. A time in the future is refused (a session is logged
/// once it has happened), and so is one before 2000 (a slip: `1926` for `2026`).
pub fn parse_at(s: &str, now: &Zoned) -> Result<Timestamp, WhenError> {
    let text = s.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now.timestamp());
    }
    let ts = parse_when(text, now).map_err(|_| WhenError::NotAnAt(text.into()))?;
    if ts < crate::model::record::EARLIEST {
        let local = ts.to_zoned(now.time_zone().clone());
        return Err(WhenError::Before2000 {
            text: text.into(),
            local: crate::model::format::fmt_day(local.date(), now.date()),
        });
    }
    // A minute of grace for "now"-ish times typed a moment ago.
    if ts > now.timestamp() + SignedDuration::from_secs(60) {
        let local = ts.to_zoned(now.time_zone().clone());
        return Err(WhenError::Future {
            text: text.into(),
            local: crate::model::format::fmt_day_time(&local, now),
        });
    }
    Ok(ts)
}

/// Refuses a logged session starting at `start` and lasting `length` that would end after
/// `now` (with [`parse_at`]'s minute of grace): every reader leaves a record that ends in the
/// future out until then, so it would be logged and not be there.
pub fn check_logged_end(
    start: Timestamp,
    length: std::time::Duration,
    now: &Zoned,
) -> Result<(), WhenError> {
    let end = SignedDuration::try_from(length)
        .ok()
        .and_then(|d| start.checked_add(d).ok());
    match end {
        Some(end) if end <= now.timestamp() + SignedDuration::from_secs(60) => Ok(()),
        _ => {
            let end = end.unwrap_or(Timestamp::MAX);
            let local = end.to_zoned(now.time_zone().clone());
            Err(WhenError::EndsInFuture {
                local: crate::model::format::fmt_day_time(&local, now),
            })
        }
    }
}
