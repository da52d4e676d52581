//! The session record: what one line of `<data>/history.jsonl` holds (PRODUCT.md section 6).
//!
//! Records are written by the player and breathing screens (through `history`), by
//! `knotless log`, and by recovery of a dead session's in-progress file. Readers must accept
//! records from newer versions, so nothing here refuses unknown fields.

use serde::{Deserialize, Serialize};

use crate::model::routine::Side;

/// The record format version this build writes.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Routine,
    Breathing,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Completed,
    Stopped,
    Interrupted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Stopped => "stopped",
            Outcome::Interrupted => "interrupted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Ran to its end.
    Done,
    /// Left before any real time was spent on it.
    Skipped,
    /// Left part-way: credited with the time actually spent.
    Partial,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Partial => "partial",
        }
    }
}

/// One step (one side of a step) as it was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    pub planned_secs: f64,
    pub active_secs: f64,
    pub status: StepStatus,
}

/// A moment as records store it: RFC 3339 to the second with the UTC offset the zone had at
/// that instant ("2026-11-24T17:05:00+01:00"), so a reader of the raw file sees the
/// wall-clock time the user saw. Parsed once, when a line is read: a record never holds a
/// time that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    ts: jiff::Timestamp,
    offset: jiff::tz::Offset,
}

impl Stamp {
    /// `ts` (to the second) with the offset `tz` has at that instant.
    pub fn new(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Stamp {
        Stamp {
            ts: ts.round(jiff::Unit::Second).unwrap_or(ts),
            offset: tz.to_offset(ts),
        }
    }

    pub fn timestamp(&self) -> jiff::Timestamp {
        self.ts
    }

    /// The UTC offset the moment was written with: the zone's, where it was written.
    pub fn offset(&self) -> jiff::tz::Offset {
        self.offset
    }

    /// Reads an RFC 3339 time with an offset (or `Z`).
    pub fn parse(text: &str) -> Option<Stamp> {
        Stamp::parse_written(text).or_else(|| {
            let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
            let offset = pieces.to_numeric_offset()?;
            let ts: jiff::Timestamp = text.parse().ok()?;
            Some(Stamp { ts, offset })
        })
    }

    /// The form every record is written in — `2026-11-24T17:05:00+01:00` or `…:00Z` —
    /// read in one go: a long history holds two of these a line. `None` for anything else
    /// (another form, or a field out of range), which [`Stamp::parse`] then reads the
    /// general way, so both ways always agree.
    fn parse_written(text: &str) -> Option<Stamp> {
        let b = text.as_bytes();
        let offset_secs = match b.len() {
            20 if b[19] == b'Z' => 0,
            25 if matches!(b[19], b'+' | b'-') && b[22] == b':' => {
                let (h, m) = (two_digits(b, 20)?, two_digits(b, 23)?);
                if h > 23 || m > 59 {
                    return None;
                }
                (h * 3600 + m * 60) * if b[19] == b'-' { -1 } else { 1 }
            }
            _ => return None,
        };
        let punct = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':';
        if !punct || b[16] != b':' {
            return None;
        }
        let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
        let (month, day) = (two_digits(b, 5)?, two_digits(b, 8)?);
        let (hour, minute, second) = (two_digits(b, 11)?, two_digits(b, 14)?, two_digits(b, 17)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day)?;
        let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
        let ts = jiff::Timestamp::from_second(local - i64::from(offset_secs)).ok()?;
        let offset = jiff::tz::Offset::from_seconds(offset_secs).ok()?;
        Some(Stamp { ts, offset })
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (as jiff counts
/// them), or `None` for a month or day that does not exist. The days before each month,
/// counted from March, are `(153 m + 2) / 5`; a 400-year era is 146,097 days.
fn days_from_civil(year: i32, month: i32, day: i32) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=length).contains(&day) {
        return None;
    }
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * i64::from((month + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// The number written by the two ASCII digits at `at`.
#[inline]
fn two_digits(b: &[u8], at: usize) -> Option<i32> {
    let (tens, ones) = (b[at].wrapping_sub(b'0'), b[at + 1].wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| i32::from(tens * 10 + ones))
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.ts.display_with_offset(self.offset))
    }
}

impl Stamp {
    /// Writes the stamp onto `s` as [`Display`](std::fmt::Display) does
    /// (`2026-11-24T17:05:00+01:00`), straight from its numbers when it is in whole
    /// seconds, a year 0-9999 and an offset of whole minutes (every stamp knotless
    /// writes): a CSV of a long history writes two a row.
    pub fn write_to(&self, s: &mut String) {
        use crate::model::format::{push_digits, write_date};
        let secs = self.offset.seconds();
        let local = self.offset.to_datetime(self.ts);
        if self.ts.subsec_nanosecond() != 0 || secs % 60 != 0 || !(0..=9999).contains(&local.year())
        {
            use std::fmt::Write as _;
            // Writing into a String cannot fail.
            let _ = write!(s, "{self}");
            return;
        }
        write_date(s, local.date());
        for (sep, n) in [
            ('T', local.hour() as i32),
            (':', local.minute() as i32),
            (':', local.second() as i32),
        ] {
            s.push(sep);
            push_digits(s, n as u64, 2);
        }
        s.push(if secs < 0 { '-' } else { '+' });
        let minutes = secs.unsigned_abs() / 60;
        push_digits(s, u64::from(minutes / 60), 2);
        s.push(':');
        push_digits(s, u64::from(minutes % 60), 2);
    }
}

/// A text [`Stamp::parse`] cannot read as a time with an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time")]
pub struct NotATime(pub String);

impl std::str::FromStr for Stamp {
    type Err = NotATime;

    fn from_str(text: &str) -> Result<Stamp, NotATime> {
        Stamp::parse(text).ok_or_else(|| NotATime(text.to_string()))
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A stamp read from the field `name`, refused with the field's name when it is not a time.
fn stamp_field<'de, D: serde::Deserializer<'de>>(d: D, name: &str) -> Result<Stamp, D::Error> {
    let text = String::deserialize(d)?;
    Stamp::parse(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("{name} {text:?} is not a time")))
}

pub fn started_at<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
    stamp_field(d, "started_at")
}

pub fn ended_at<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
    stamp_field(d, "ended_at")
}

/// For a day-log answer's `answered_at`.
pub fn answered_at<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
    stamp_field(d, "answered_at")
}

pub fn amended_at<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
    stamp_field(d, "at")
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub v: u32,
    pub id: String,
    pub kind: Kind,
    pub routine_id: String,
    pub title: String,
    pub area: String,
    #[serde(deserialize_with = "started_at")]
    pub started_at: Stamp,
    #[serde(deserialize_with = "ended_at")]
    pub ended_at: Stamp,
    pub planned_secs: f64,
    pub active_secs: f64,
    pub paused_secs: f64,
    pub outcome: Outcome,
    #[serde(default)]
    pub steps: Vec<StepRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_after: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The user said a migraine was on when the session began (`m` before a routine).
    /// Absent in older files, which read as `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migraine_before: bool,
}

/// How the head was as a session began: the 0-10 rating, if given, and whether the user
/// said a migraine was on now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Before {
    pub pain: Option<u8>,
    pub migraine: bool,
}

impl Before {
    /// Only a rating (or none).
    pub fn rated(pain: Option<u8>) -> Before {
        Before {
            pain,
            migraine: false,
        }
    }
}

/// A later addition to a record: ratings or a note given after the session was saved.
/// Written as its own line; readers merge it into the record with the same id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amendment {
    pub v: u32,
    /// The id of the record this amends.
    pub amends: String,
    #[serde(deserialize_with = "amended_at")]
    pub at: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pain_after: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Amendment {
    /// The rating and note given after session `id`, at the wall-clock time `at`.
    pub fn after(id: &str, pain_after: Option<u8>, note: Option<String>, at: &jiff::Zoned) -> Self {
        Amendment {
            v: VERSION,
            amends: id.to_string(),
            at: Stamp::new(at.timestamp(), at.time_zone()),
            pain_before: None,
            pain_after,
            note,
        }
    }
}

/// Seconds as stored: rounded to the millisecond so files stay readable.
pub fn secs(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// No session (nor a professional one logged with `knotless log`) lasts longer than a day.
pub const MAX_SESSION_SECS: f64 = 24.0 * 3600.0;
/// A paused session left open for days is possible; a month is not.
pub const MAX_PAUSED_SECS: f64 = 30.0 * 24.0 * 3600.0;

/// Nothing knotless keeps is dated before this: a date before 2000 is a wrong clock or a
/// typing slip (`1926` for `2026`), and would sit at the far end of every chart.
pub const EARLIEST_DATE: jiff::civil::Date = jiff::civil::Date::constant(2000, 1, 1);
/// [`EARLIEST_DATE`] as a moment (its start in UTC).
pub const EARLIEST: jiff::Timestamp = jiff::Timestamp::constant(946_684_800, 0);

/// Why a record starting at `started` and ending at `ended` cannot be true, if it cannot:
/// it starts before 2000, or ends before it starts. Every reader of records asks this.
pub fn implausible_times(started: jiff::Timestamp, ended: jiff::Timestamp) -> Option<String> {
    if started < EARLIEST {
        return Some(format!(
            "it starts before 2000 ({})",
            started.strftime("%Y-%m-%d")
        ));
    }
    (ended < started).then(|| "it ends before it starts".to_string())
}

/// Why a time stored as `v` seconds in the field `name` cannot be true, if it cannot.
#[inline]
fn bad_time(name: &str, v: f64, max: f64) -> Option<String> {
    if v.is_finite() && (0.0..=max).contains(&v) {
        return None;
    }
    Some(not_a_time(name, v, max))
}

#[cold]
fn not_a_time(name: &str, v: f64, max: f64) -> String {
    let v = crate::model::format::fmt_as_read(v);
    format!("{name} {v} is not a time between 0 and {max} seconds")
}

/// Why a step's stored times cannot be true, if they cannot (see
/// [`SessionRecord::implausible`]): for the readers that check steps without keeping them.
pub fn implausible_step(planned_secs: f64, active_secs: f64) -> Option<String> {
    bad_time("a step's active_secs", active_secs, MAX_SESSION_SECS)
        .or_else(|| bad_time("a step's planned_secs", planned_secs, MAX_SESSION_SECS))
}

impl SessionRecord {
    /// When the session began.
    pub fn started(&self) -> jiff::Timestamp {
        self.started_at.timestamp()
    }

    /// When the session ended (see [`SessionRecord::started`]).
    pub fn ended(&self) -> jiff::Timestamp {
        self.ended_at.timestamp()
    }

    /// Why this record's numbers cannot be true, if they cannot: dates that cannot be (see
    /// [`implausible_times`]), a time that is negative, not a number, or longer than a day
    /// (active, planned, or any step), a pause longer than [`MAX_PAUSED_SECS`], or an end
    /// more than a day and the pauses after the start.
    /// Readers skip such a line with a warning rather than let `1e308` reach a figure.
    pub fn implausible(&self) -> Option<String> {
        implausible_times(self.started(), self.ended())
            .or_else(|| bad_time("active_secs", self.active_secs, MAX_SESSION_SECS))
            .or_else(|| bad_time("planned_secs", self.planned_secs, MAX_SESSION_SECS))
            .or_else(|| bad_time("paused_secs", self.paused_secs, MAX_PAUSED_SECS))
            .or_else(|| {
                self.steps
                    .iter()
                    .find_map(|s| implausible_step(s.planned_secs, s.active_secs))
            })
            .or_else(|| {
                let span = self.ended().duration_since(self.started()).as_secs_f64();
                (span > MAX_SESSION_SECS + self.paused_secs + 60.0)
                    .then(|| format!("it lasts {:.0} hours, longer than a day", span / 3600.0))
            })
    }

    /// True for the sessions the user did with knotless (routines and breathing), as opposed
    /// to professional sessions logged with `knotless log`.
    pub fn is_self_care(&self) -> bool {
        self.kind != Kind::External
    }

    /// Whether this record is a session for the figures — weekly goal, counts, "last done",
    /// minutes, head pain. See [`counts`].
    pub fn counts(&self) -> bool {
        counts(self.kind, self.active_secs)
    }
}

/// A self-care session with less active time than this never really started (it was
/// stopped in the get-ready count-in, or a second in): it stays in the history, an honest
/// log, but no figure counts it.
pub const MIN_ACTIVE_SECS: f64 = 3.0;

/// The one rule for which records count as sessions: every professional session logged by
/// hand, and self-care with at least [`MIN_ACTIVE_SECS`] of active time.
pub fn counts(kind: Kind, active_secs: f64) -> bool {
    kind == Kind::External || active_secs >= MIN_ACTIVE_SECS
}

#[cfg(test)]
mod tests {
    proptest! {
        /// A stamp is written as its `Display` writes it, the quick way or not: whole
        /// seconds or not, offsets in minutes or seconds, years in and out of 0-9999.
        #[test]
        fn a_stamp_is_written_as_it_displays(
            secs in -377_705_116_800i64..253_402_300_799,
            nanos in prop_oneof![Just(0i32), 0i32..1_000_000_000],
            offset in prop_oneof![
                (-18i32..=18).prop_map(|h| h * 3600),
                (-1080i32..=1080).prop_map(|m| m * 60),
                -64_799i32..=64_799,
            ],
        ) {
            let ts = jiff::Timestamp::new(secs, nanos).unwrap();
            let stamp = Stamp { ts, offset: jiff::tz::Offset::from_seconds(offset).unwrap() };
            let mut s = String::from("x");
            stamp.write_to(&mut s);
            prop_assert_eq!(s, format!("x{stamp}"));
        }
    }

    use super::*;
    use proptest::prelude::*;

    /// The general reading, as [`Stamp::parse`] does it when the quick one gives up.
    fn general(text: &str) -> Option<Stamp> {
        let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
        let offset = pieces.to_numeric_offset()?;
        let ts: jiff::Timestamp = text.parse().ok()?;
        Some(Stamp { ts, offset })
    }

    proptest! {
        /// The quick reading of a written time agrees with the general one, for times as
        /// they are written and for every field pushed out of its range.
        #[test]
        fn the_quick_reading_agrees_with_the_general_one(
            fields in (0u32..10_000, 0u32..14, 0u32..33, 0u32..26, 0u32..62, 0u32..62),
            offset in (any::<bool>(), 0u32..27, 0u32..62),
            form in 0u8..4,
        ) {
            let (y, mo, d, h, mi, s) = fields;
            let (minus, oh, om) = offset;
            let sign = if minus { '-' } else { '+' };
            let text = match form {
                0 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}"),
                1 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
                2 => format!("{y:04}-{mo:02}-{d:02}t{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.5{sign}{oh:02}:{om:02}"),
            };
            if let Some(quick) = Stamp::parse_written(&text) {
                prop_assert_eq!(Some(quick), general(&text), "{}", text);
            }
            prop_assert_eq!(Stamp::parse(&text), general(&text), "{}", text);
        }
    }

    /// Every day from the 27th to the 32nd of every month, in leap years and not (the
    /// centuries too), at both ends of the years written with four digits: the quick
    /// reading finds the same day as jiff, and refuses the days that do not exist.
    #[test]
    fn the_quick_reading_knows_every_month_length() {
        for year in [0, 1, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 2100, 9999] {
            for month in 0..=13 {
                for day in 27..=32 {
                    for (time, offset) in [("00:00:00", "+14:00"), ("23:59:59", "-12:30")] {
                        let text = format!("{year:04}-{month:02}-{day:02}T{time}{offset}");
                        assert_eq!(Stamp::parse_written(&text), general(&text), "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_written_time_is_read_the_quick_way() {
        for text in [
            "2026-11-24T17:05:00+01:00",
            "2024-02-29T23:59:59-09:30",
            "2026-01-01T00:00:00Z",
        ] {
            assert!(Stamp::parse_written(text).is_some(), "{text}");
            assert_eq!(Stamp::parse_written(text), general(text));
        }
    }
}
