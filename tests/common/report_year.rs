//! A year of data for the report's tests: about four self-care sessions a week with head
//! ratings and notes, a professional session a month, and a day log answered on most days —
//! the newest 4 weeks bad enough (14 simple-painkiller days and 9 triptan days) for the
//! medication note — with a hostile routine name and a hostile note among them.

use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};
use knotless::model::day::{DayAnswer, Intensity, Meds};
use knotless::model::record::{Kind, Outcome, SessionRecord, Stamp, VERSION};

/// A routine name that would run a script or break the page if it were not escaped.
pub const HOSTILE_NAME: &str = "<script>alert(\"knotless\")</script> Neck & \"jaw\" <b>";
/// A routine name and a note far longer than a page is wide, without a space to break at.
pub fn overlong(what: &str, n: usize) -> String {
    format!("{what} {}", "x".repeat(n))
}

/// A note that would close its paragraph and load an image from the network.
pub const HOSTILE_NOTE: &str =
    "</p><img src=\"http://example.com/x.png\" onerror=\"alert(1)\">Tight & sore <i>left</i>";

const ROUTINES: [(&str, &str, &str); 4] = [
    ("neck-release", "Neck release between sessions", "neck"),
    ("jaw-temple", "Jaw and temple release", "jaw"),
    ("desk-break", "Desk-break reset", "shoulders"),
    ("scalp", "Scalp and temples wind-down", "scalp"),
];

fn at(day: Date, hour: i8, tz: &TimeZone) -> Zoned {
    day.at(hour, 0, 0, 0).to_zoned(tz.clone()).unwrap()
}

fn record(id: String, start: &Zoned, routine: (&str, &str, &str), secs: f64) -> SessionRecord {
    let (routine_id, title, area) = routine;
    let end = start
        .checked_add(jiff::SignedDuration::from_secs_f64(secs + 20.0))
        .unwrap();
    SessionRecord {
        v: VERSION,
        id,
        kind: Kind::Routine,
        routine_id: routine_id.into(),
        title: title.into(),
        area: area.into(),
        started_at: Stamp::new(start.timestamp(), start.time_zone()),
        ended_at: Stamp::new(end.timestamp(), start.time_zone()),
        planned_secs: secs,
        active_secs: secs,
        paused_secs: 20.0,
        outcome: Outcome::Completed,
        steps: Vec::new(),
        pain_before: None,
        pain_after: None,
        note: None,
        migraine_before: false,
    }
}

/// The self-care and professional sessions of the year ending `today`, oldest first.
pub fn sessions(today: Date, tz: &TimeZone) -> Vec<SessionRecord> {
    sessions_over(today, tz, 365, ROUTINES.len())
}

/// The same pattern over `days` days, with `routines` routines: past the four named ones,
/// "Routine 5", "Routine 6" … in six areas.
pub fn sessions_over(today: Date, tz: &TimeZone, days: i64, routines: usize) -> Vec<SessionRecord> {
    const AREAS: [&str; 6] = ["neck", "jaw", "shoulders", "scalp", "back", "face"];
    let extra: Vec<(String, String, &str)> = (ROUTINES.len()..routines)
        .map(|n| {
            (
                format!("routine-{}", n + 1),
                format!("Routine {}", n + 1),
                AREAS[n % AREAS.len()],
            )
        })
        .collect();
    let mut out = Vec::new();
    for back in (1..days).rev() {
        let day = today.checked_sub(back.days()).unwrap();
        let i = back as usize;
        if matches!(i % 7, 0 | 2 | 4 | 5) {
            let long = overlong("Long", 400);
            let routine = match i % 10 {
                3 => ("hostile", HOSTILE_NAME, "neck"),
                7 => ("long", long.as_str(), "scalp"),
                _ => match (i / 10) % routines {
                    _ if routines <= ROUTINES.len() => ROUTINES[i % ROUTINES.len()],
                    n if n < ROUTINES.len() => ROUTINES[n],
                    n => {
                        let (id, title, area) = &extra[n - ROUTINES.len()];
                        (id.as_str(), title.as_str(), *area)
                    }
                },
            };
            let mut r = record(
                format!("self-{back:03}"),
                &at(day, 18, tz),
                routine,
                420.0 + (i % 9) as f64 * 60.5,
            );
            if !i.is_multiple_of(3) {
                r.pain_before = Some(3 + (i % 5) as u8);
                r.pain_after = Some(1 + (i % 4) as u8);
            }
            if i % 9 == 1 {
                r.note = Some(format!("Tight on the left, day {back}"));
            }
            if back == 12 {
                r.note = Some(HOSTILE_NOTE.into());
            }
            if back == 5 {
                r.note = Some(overlong("A long note", 3000));
            }
            out.push(r);
        }
        if i % 30 == 3 {
            let mut r = record(
                format!("pro-{back:03}"),
                &at(day, 10, tz),
                ("massage-therapist", "Massage therapist", "external"),
                3600.0,
            );
            r.kind = Kind::External;
            if i % 90 == 3 {
                r.title = overlong("Physiotherapist", 300);
            }
            if i % 60 == 3 {
                r.note = Some("Upper trapezius very tight".into());
            }
            out.push(r);
        }
    }
    out
}

/// Whether the fixture has an answer for the day `back` days before today.
fn answered(back: i64) -> bool {
    back % 11 != 5
}

/// Whether that answer is a headache: the newest 4 weeks on all but two answered days,
/// before that about one day in four.
fn headache(back: i64) -> bool {
    if back < 28 {
        back != 9 && back != 20
    } else {
        (back * 7) % 29 < 8
    }
}

/// The day log of the year ending `today`: one answer a day except every 11th day. In the
/// newest 4 weeks the first 14 headache days (newest first) had a simple painkiller and the
/// next 9 a triptan.
pub fn answers(today: Date, tz: &TimeZone) -> Vec<DayAnswer> {
    answers_over(today, tz, 365)
}

/// The same pattern over `days` days.
pub fn answers_over(today: Date, tz: &TimeZone, days: i64) -> Vec<DayAnswer> {
    let mut out = Vec::new();
    for back in (0..days).rev().filter(|b| answered(*b)) {
        let date = today.checked_sub(back.days()).unwrap();
        let has = headache(back);
        let rank = (0..back).filter(|b| answered(*b) && headache(*b)).count();
        let meds = match back {
            0..28 if has && rank < 14 => Some(Meds::Simple),
            0..28 if has && rank < 23 => Some(Meds::Triptan),
            _ if has && back % 4 == 0 => Some(Meds::Simple),
            _ if has && back % 5 == 0 => Some(Meds::Triptan),
            _ if has => Some(Meds::None),
            _ => None,
        };
        let answered_at = at(date, 21, tz).timestamp().min(jiff::Timestamp::now());
        let i = back as usize;
        out.push(DayAnswer {
            v: 1,
            date,
            headache: has,
            migraine: has && i.is_multiple_of(3),
            worst: has.then(|| [Intensity::Mild, Intensity::Moderate, Intensity::Severe][i % 3]),
            meds,
            answered_at: Stamp::new(answered_at, tz),
            machine: "fixture".into(),
        });
    }
    out
}

/// Writes the year ending `today` into `data` (as this machine's files).
pub fn write(data: &Path, today: Date, tz: &TimeZone) {
    write_over(data, today, tz, 365, ROUTINES.len());
}

/// Writes `days` days ending `today`, with `routines` routines, into `data`.
pub fn write_over(data: &Path, today: Date, tz: &TimeZone, days: i64, routines: usize) {
    for r in sessions_over(today, tz, days, routines) {
        knotless::store::history::append(data, &r).unwrap();
    }
    for a in answers_over(today, tz, days) {
        knotless::store::days::append(data, &a).unwrap();
    }
}
