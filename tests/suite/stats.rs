//! The Stats figures: what counts, weeks and days in local time across DST changes, pain
//! averages, professional sessions.

use crate::common;

use common::{external, rec, with_pain};
use jiff::Zoned;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use knotless::core::stats::{self, StatsOptions};
use knotless::model::record::{Outcome, SessionRecord, Stamp};

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|e| {
        panic!("time zone {name} is unavailable ({e}); install tzdata or enable jiff's tzdb-bundle-always")
    })
}

fn at(tz: &TimeZone, d: Date, h: i8, m: i8) -> Zoned {
    d.at(h, m, 0, 0).to_zoned(tz.clone()).unwrap()
}

/// A session starting at local `d h:m` in `tz`, stored with the offset it had then.
#[allow(clippy::too_many_arguments)] // reads like a table row at the call sites
fn local(
    id: &str,
    tz: &TimeZone,
    d: Date,
    h: i8,
    m: i8,
    routine: &str,
    area: &str,
    secs: f64,
) -> SessionRecord {
    let t = at(tz, d, h, m).timestamp();
    rec(id, &Stamp::new(t, tz).to_string(), routine, area, secs)
}

fn calendar_is_whole_weeks(s: &stats::Stats) {
    let days = &s.calendar.days;
    assert_eq!(days.len(), stats::CALENDAR_DAYS);
    assert_eq!(days[0].date, s.calendar.start);
    assert_eq!(days[0].date.weekday(), jiff::civil::Weekday::Monday);
    for pair in days.windows(2) {
        assert_eq!(pair[0].date.tomorrow().unwrap(), pair[1].date);
    }
    assert_eq!(
        days[stats::CALENDAR_DAYS - 1].date.weekday(),
        jiff::civil::Weekday::Sunday
    );
    let today = days.iter().position(|d| d.date == s.today).unwrap();
    assert!(days[..=today].iter().all(|d| !d.future));
    assert!(days[today + 1..].iter().all(|d| d.future));
}

#[test]
fn this_week_counts_self_care_and_keeps_professional_sessions_apart() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0); // Thursday
    let records = vec![
        local(
            "a",
            &berlin,
            date(2026, 11, 23),
            8,
            0,
            "neck",
            "neck",
            480.0,
        ),
        local(
            "b",
            &berlin,
            date(2026, 11, 23),
            20,
            0,
            "breath",
            "breathing",
            300.0,
        ),
        local(
            "c",
            &berlin,
            date(2026, 11, 25),
            7,
            30,
            "neck",
            "neck",
            420.0,
        ),
        local(
            "d",
            &berlin,
            date(2026, 11, 22),
            23,
            59,
            "neck",
            "neck",
            600.0,
        ), // last Sunday
        {
            let mut e = local("e", &berlin, date(2026, 11, 24), 9, 0, "neck", "neck", 30.0);
            e.outcome = Outcome::Stopped;
            e
        },
        {
            let mut i = local("i", &berlin, date(2026, 11, 26), 9, 0, "jaw", "jaw", 90.0);
            i.outcome = Outcome::Interrupted;
            i
        },
        external(
            "x",
            &Stamp::new(at(&berlin, date(2026, 11, 17), 17, 0).timestamp(), &berlin).to_string(),
            "Massage therapist",
            60.0,
        ),
    ];
    let s = stats::compute(&records, &now, 3);
    let w = &s.this_week;
    assert_eq!(w.start, date(2026, 11, 23));
    assert_eq!(
        w.sessions, 5,
        "completed, stopped and interrupted all count"
    );
    assert_eq!(w.minutes, 22.0); // (480 + 300 + 420 + 30 + 90) / 60
    assert_eq!(w.active_days, 4);
    assert_eq!(w.goal, 3);
    assert_eq!(s.weeks.len(), stats::DEFAULT_WEEKS);
    assert_eq!(s.weeks.last().unwrap(), w);
    assert_eq!(s.weeks[6].start, date(2026, 11, 16));
    assert_eq!(s.weeks[6].sessions, 1);
    assert_eq!(s.weeks[0].start, date(2026, 10, 5));

    assert_eq!(s.totals.sessions, 6);
    assert_eq!(
        (s.totals.completed, s.totals.stopped, s.totals.interrupted),
        (4, 1, 1)
    );
    assert_eq!(s.totals.active_days, 5);
    assert_eq!(s.external.sessions, 1);
    assert_eq!(s.external.minutes, 60.0);
    let last = s.external.last.as_ref().unwrap();
    assert_eq!(last.title, "Massage therapist");
    assert_eq!(last.days_ago, 9);
    assert_eq!(last.self_care_since, 6);
    assert!(s.by_area.iter().all(|a| a.area != "external"));
    assert_eq!(s.by_area[0].area, "neck");
    assert_eq!(s.by_area[0].minutes, 25.5); // 480 + 420 + 600 + 30 s
    assert!(
        s.routines
            .iter()
            .all(|r| r.routine_id != "massage-therapist")
    );
    calendar_is_whole_weeks(&s);
    let wednesday = s
        .calendar
        .days
        .iter()
        .find(|d| d.date == date(2026, 11, 25))
        .unwrap();
    assert_eq!((wednesday.sessions, wednesday.minutes), (1, 7.0));
    assert_eq!(s.time_zone, "Europe/Berlin");
}

#[test]
fn pain_averages_come_from_the_paired_sessions_only() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0);
    let d = date(2026, 11, 20);
    let records = vec![
        with_pain(
            local("a", &berlin, d, 8, 0, "neck", "neck", 480.0),
            Some(6),
            Some(3),
        ),
        with_pain(
            local("b", &berlin, d, 9, 0, "neck", "neck", 480.0),
            Some(5),
            Some(4),
        ),
        with_pain(
            local("c", &berlin, d, 10, 0, "neck", "neck", 480.0),
            Some(7),
            None,
        ),
        with_pain(
            local("d", &berlin, d, 11, 0, "neck", "neck", 480.0),
            None,
            Some(2),
        ),
        local("e", &berlin, d, 12, 0, "neck", "neck", 480.0),
        local("f", &berlin, d, 13, 0, "jaw", "jaw", 300.0),
    ];
    let s = stats::compute(&records, &now, 3);
    let neck = s.routines.iter().find(|r| r.routine_id == "neck").unwrap();
    assert_eq!(neck.sessions, 5);
    // Only "a" (6 → 3) and "b" (5 → 4) have both ratings: "c" (7 → –) and "d" (– → 2)
    // would make the averages describe different sessions from the change.
    assert_eq!(neck.pain.before_avg, Some(5.5));
    assert_eq!(neck.pain.after_avg, Some(3.5));
    assert_eq!(neck.pain.change_avg, Some(-2.0));
    assert_eq!(neck.pain.n, 2);
    assert_eq!(neck.pain.before_after().as_deref(), Some("5.5 → 3.5"));
    assert_eq!(neck.pain.change_text().as_deref(), Some("−2.0 (n=2)"));
    assert_eq!(s.totals.pain, neck.pain);
    let jaw = s.routines.iter().find(|r| r.routine_id == "jaw").unwrap();
    assert_eq!(jaw.pain, stats::PainStats::default());
    assert_eq!(jaw.pain.before_after(), None);
    assert_eq!(s.routines[0].routine_id, "neck", "most sessions first");
}

#[test]
fn since_limits_the_period_figures_but_not_the_weeks() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0);
    let records = vec![
        local(
            "old",
            &berlin,
            date(2026, 11, 2),
            8,
            0,
            "neck",
            "neck",
            600.0,
        ),
        local(
            "new",
            &berlin,
            date(2026, 11, 25),
            8,
            0,
            "jaw",
            "jaw",
            300.0,
        ),
        external(
            "x",
            &Stamp::new(at(&berlin, date(2026, 11, 3), 17, 0).timestamp(), &berlin).to_string(),
            "Physio",
            45.0,
        ),
    ];
    let mut options = StatsOptions::new(2);
    options.since = Some(at(&berlin, date(2026, 11, 20), 0, 0).timestamp());
    let s = stats::compute_with(&records, &now, options);
    assert_eq!(s.totals.sessions, 1);
    assert_eq!(s.routines.len(), 1);
    assert_eq!(s.by_area.len(), 1);
    assert_eq!(s.external.sessions, 0);
    let last = s
        .external
        .last
        .as_ref()
        .expect("the last professional session is always shown");
    assert_eq!(last.days_ago, 23);
    assert_eq!(last.self_care_since, 1);
    assert_eq!(s.weeks.iter().map(|w| w.sessions).sum::<u32>(), 2);
}

/// `stats --since` counts whole local days, as its label names them and as `report`
/// does: `--since 7d` at 18:00 keeps that day's morning, `--since today` today's sessions.
#[test]
fn since_counts_from_the_start_of_the_day_it_falls_on() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0);
    let records = vec![
        local(
            "a",
            &berlin,
            date(2026, 11, 19),
            8,
            0,
            "neck",
            "neck",
            600.0,
        ),
        local("b", &berlin, date(2026, 11, 26), 0, 30, "jaw", "jaw", 300.0),
        local("c", &berlin, date(2026, 11, 26), 9, 0, "jaw", "jaw", 300.0),
    ];
    let week_ago = now.timestamp() - jiff::SignedDuration::from_hours(7 * 24);
    let s = stats::compute_with(&records, &now, StatsOptions::since_day(2, week_ago, &now));
    assert_eq!(s.totals.sessions, 3);
    assert_eq!(s.period, "since 2026-11-19");
    let s = stats::compute_with(
        &records,
        &now,
        StatsOptions::since_day(2, now.timestamp(), &now),
    );
    assert_eq!(s.totals.sessions, 2);
    assert_eq!(s.period, "since 2026-11-26");
}

#[test]
fn an_empty_history_gives_empty_figures() {
    let now = at(&tz("America/New_York"), date(2026, 11, 24), 9, 0);
    let s = stats::compute(Vec::<SessionRecord>::new(), &now, 3);
    assert_eq!(s.this_week.sessions, 0);
    assert!(s.routines.is_empty() && s.by_area.is_empty());
    assert!(s.external.last.is_none());
    assert_eq!(s.totals.first_at, None);
    calendar_is_whole_weeks(&s);
    // It serialises (the `stats --json` output).
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["this_week"]["start"], "2026-11-23");
    assert_eq!(json["calendar"]["days"].as_array().unwrap().len(), 112);
}

// ---------------------------------------------------------------------------------------
// DST. 2026: New York springs forward Sun 8 March and falls back Sun 1 November;
// Berlin springs forward Sun 29 March and falls back Sun 25 October.

#[test]
fn new_york_spring_forward_keeps_days_and_weeks_local() {
    let ny = tz("America/New_York");
    let sunday = date(2026, 3, 8);
    let records = vec![
        local(
            "sat-late",
            &ny,
            date(2026, 3, 7),
            23,
            30,
            "neck",
            "neck",
            600.0,
        ),
        local("sun-early", &ny, sunday, 1, 30, "neck", "neck", 60.0), // before the gap (EST)
        local("sun-after", &ny, sunday, 3, 30, "neck", "neck", 120.0), // after it (EDT)
        local("sun-late", &ny, sunday, 23, 45, "neck", "neck", 180.0),
        local(
            "mon-early",
            &ny,
            date(2026, 3, 9),
            0,
            15,
            "neck",
            "neck",
            240.0,
        ),
    ];
    let now = at(&ny, date(2026, 3, 9), 12, 0);
    let s = stats::compute(&records, &now, 3);
    assert_eq!(s.this_week.start, date(2026, 3, 9));
    assert_eq!(s.this_week.sessions, 1);
    let last_week = &s.weeks[s.weeks.len() - 2];
    assert_eq!(last_week.start, date(2026, 3, 2));
    assert_eq!(last_week.sessions, 4);
    assert_eq!(last_week.active_days, 2);
    let day = |d: Date| {
        s.calendar
            .days
            .iter()
            .find(|c| c.date == d)
            .unwrap()
            .clone()
    };
    assert_eq!(day(sunday).sessions, 3);
    assert_eq!(day(sunday).minutes, 6.0);
    assert_eq!(day(date(2026, 3, 7)).minutes, 10.0);
    assert_eq!(day(date(2026, 3, 9)).minutes, 4.0);
    calendar_is_whole_weeks(&s);

    // The week starts at local midnight, whatever the offset.
    assert_eq!(
        stats::week_start(&now).to_string(),
        "2026-03-09T00:00:00-04:00[America/New_York]"
    );
    let sunday_noon = at(&ny, sunday, 12, 0);
    assert_eq!(
        stats::week_start(&sunday_noon).to_string(),
        "2026-03-02T00:00:00-05:00[America/New_York]"
    );

    // "Days ago" counts calendar days, not 24-hour periods: Saturday 18:00 to Monday 09:00 is
    // 38 hours but two days.
    let pro = external(
        "pro",
        &Stamp::new(at(&ny, date(2026, 3, 7), 18, 0).timestamp(), &ny).to_string(),
        "Massage",
        60.0,
    );
    let s = stats::compute([&pro], &at(&ny, date(2026, 3, 9), 9, 0), 3);
    assert_eq!(s.external.last.unwrap().days_ago, 2);
}

#[test]
fn new_york_fall_back_keeps_days_and_weeks_local() {
    let ny = tz("America/New_York");
    let sunday = date(2026, 11, 1);
    // 01:30 happens twice on this Sunday: once in EDT, once in EST. Both are Sunday.
    let first = "2026-11-01T01:30:00-04:00";
    let second = "2026-11-01T01:30:00-05:00";
    let records = vec![
        rec("edt", first, "neck", "neck", 300.0),
        rec("est", second, "neck", "neck", 300.0),
        local("sun-late", &ny, sunday, 23, 59, "neck", "neck", 300.0),
        local("mon", &ny, date(2026, 11, 2), 0, 0, "neck", "neck", 300.0),
        local(
            "sat",
            &ny,
            date(2026, 10, 31),
            23,
            59,
            "neck",
            "neck",
            300.0,
        ),
    ];
    let now = at(&ny, date(2026, 11, 3), 8, 0);
    let s = stats::compute(&records, &now, 3);
    assert_eq!(s.this_week.start, date(2026, 11, 2));
    assert_eq!(s.this_week.sessions, 1);
    let day = |d: Date| {
        s.calendar
            .days
            .iter()
            .find(|c| c.date == d)
            .unwrap()
            .clone()
    };
    assert_eq!(day(sunday).sessions, 3);
    assert_eq!(day(date(2026, 10, 31)).sessions, 1);
    assert_eq!(s.weeks[s.weeks.len() - 2].sessions, 4);
    assert_eq!(s.weeks[s.weeks.len() - 2].active_days, 2);
    calendar_is_whole_weeks(&s);
    // Sunday itself, after the change: the week began on Monday in EDT.
    let sunday_evening = at(&ny, sunday, 20, 0);
    assert_eq!(
        stats::week_start(&sunday_evening).to_string(),
        "2026-10-26T00:00:00-04:00[America/New_York]"
    );
}

#[test]
fn berlin_changes_in_spring_and_autumn() {
    let berlin = tz("Europe/Berlin");
    // Spring: 29 March, 02:00 -> 03:00. A session at 02:30 does not exist; jiff moves it
    // forward, and it stays on Sunday.
    let records = vec![
        local(
            "gap",
            &berlin,
            date(2026, 3, 29),
            2,
            30,
            "neck",
            "neck",
            60.0,
        ),
        local(
            "sun-late",
            &berlin,
            date(2026, 3, 29),
            23,
            30,
            "neck",
            "neck",
            60.0,
        ),
        local(
            "mon",
            &berlin,
            date(2026, 3, 30),
            0,
            30,
            "neck",
            "neck",
            60.0,
        ),
    ];
    let now = at(&berlin, date(2026, 3, 30), 9, 0);
    let s = stats::compute(&records, &now, 3);
    assert_eq!(s.this_week.sessions, 1);
    assert_eq!(s.weeks[s.weeks.len() - 2].sessions, 2);
    assert_eq!(s.weeks[s.weeks.len() - 2].active_days, 1);
    calendar_is_whole_weeks(&s);

    // Autumn: 25 October, 03:00 -> 02:00. The 25-hour Sunday is still one day, and a
    // 16-week calendar ending in November still lines up with Mondays.
    let records = vec![
        rec(
            "first-0230",
            "2026-10-25T02:30:00+02:00",
            "neck",
            "neck",
            60.0,
        ),
        rec(
            "second-0230",
            "2026-10-25T02:30:00+01:00",
            "neck",
            "neck",
            60.0,
        ),
        local(
            "mon",
            &berlin,
            date(2026, 10, 26),
            0,
            5,
            "neck",
            "neck",
            60.0,
        ),
    ];
    let now = at(&berlin, date(2026, 11, 24), 12, 0);
    let s = stats::compute(&records, &now, 3);
    let day = |d: Date| {
        s.calendar
            .days
            .iter()
            .find(|c| c.date == d)
            .unwrap()
            .clone()
    };
    assert_eq!(day(date(2026, 10, 25)).sessions, 2);
    assert_eq!(day(date(2026, 10, 26)).sessions, 1);
    let week_of = |d: Date| s.weeks.iter().find(|w| w.start == d).unwrap().clone();
    assert_eq!(week_of(date(2026, 10, 19)).sessions, 2);
    assert_eq!(week_of(date(2026, 10, 26)).sessions, 1);
    calendar_is_whole_weeks(&s);
    assert_eq!(s.calendar.start, date(2026, 8, 10));
}

#[test]
fn the_builder_streams_and_ignores_order() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0);
    let mut records: Vec<SessionRecord> = (0..200)
        .map(|i| {
            let d = date(2026, 11, 26)
                .checked_sub(jiff::Span::new().days(i % 120))
                .unwrap();
            with_pain(
                local(
                    &format!("r{i}"),
                    &berlin,
                    d,
                    8,
                    0,
                    if i % 3 == 0 { "jaw" } else { "neck" },
                    "neck",
                    60.0 * f64::from(i % 9),
                ),
                Some((i % 11) as u8),
                Some((i % 7) as u8),
            )
        })
        .collect();
    let forward = stats::compute(&records, &now, 3);
    records.reverse();
    let mut builder = stats::StatsBuilder::new(&now, StatsOptions::new(3));
    for r in &records {
        builder.add(r);
    }
    assert_eq!(builder.finish(), forward);
}

/// Unpaired ratings made "3.7 → 3.0  +2.0 (n=1)" read as better while
/// saying worse. Now before, after and change are over the same session.
#[test]
fn before_after_and_change_never_contradict() {
    let berlin = tz("Europe/Berlin");
    let now = at(&berlin, date(2026, 11, 26), 18, 0);
    let d = date(2026, 11, 20);
    let records = vec![
        with_pain(
            local("a", &berlin, d, 8, 0, "neck", "neck", 60.0),
            Some(3),
            Some(5),
        ),
        with_pain(
            local("b", &berlin, d, 9, 0, "neck", "neck", 60.0),
            Some(4),
            None,
        ),
        with_pain(
            local("c", &berlin, d, 10, 0, "neck", "neck", 60.0),
            Some(4),
            None,
        ),
        with_pain(
            local("d", &berlin, d, 11, 0, "neck", "neck", 60.0),
            None,
            Some(1),
        ),
    ];
    let s = stats::compute(&records, &now, 3);
    let p = &s.routines[0].pain;
    assert_eq!(p.before_after().as_deref(), Some("3.0 → 5.0"));
    assert_eq!(p.change_text().as_deref(), Some("+2.0 (n=1)"));
    // Rounded averages: the change shown is the difference of the averages shown.
    let thirds = vec![
        with_pain(
            local("a", &berlin, d, 8, 0, "jaw", "jaw", 60.0),
            Some(4),
            Some(3),
        ),
        with_pain(
            local("b", &berlin, d, 9, 0, "jaw", "jaw", 60.0),
            Some(4),
            Some(3),
        ),
        with_pain(
            local("c", &berlin, d, 10, 0, "jaw", "jaw", 60.0),
            Some(3),
            Some(3),
        ),
    ];
    let s = stats::compute(&thirds, &now, 3);
    let p = &s.routines[0].pain;
    assert_eq!(p.before_after().as_deref(), Some("3.7 → 3.0"));
    assert_eq!(p.change_text().as_deref(), Some("−0.7 (n=3)"));
}

/// What the writers show for an exact sum of whole milliseconds: the whole seconds passed,
/// and the nearest minute, half away from zero.
fn shown_of_millis(ms: u64) -> (u64, f64) {
    (ms / 1000, ((ms + 30_000) / 60_000) as f64)
}

proptest::proptest! {
    /// Times kept in thousandths of a second (as the history keeps them) add up exactly:
    /// every sum — the week, the day, the area, the routine, the period, the professional
    /// sessions and the four-week chart — shows the whole seconds and the nearest minute of
    /// the exact total (3.2 + 22.9 + 3.9 s is 30 s, 1 min; added as floating point it was
    /// 29.999…, "29 s" and "0 min").
    #[test]
    fn fractional_seconds_add_up_exactly(
        mut self_care in proptest::collection::vec(3_000u64..=5_400_000, 1..30),
        mut professional in proptest::collection::vec(1u64..=5_400_000, 1..6),
        align in 0u64..3,
    ) {
        // Most sums are made to land exactly on a whole second or on a half minute, where
        // a sum a hair short shows one second or one minute less.
        let unit = [1, 1000, 60_000][align as usize];
        let on = if align == 2 { 30_000 } else { 0 };
        for list in [&mut self_care, &mut professional] {
            let total: u64 = list.iter().sum();
            *list.last_mut().unwrap() += (unit + on - total % unit) % unit;
        }
        use knotless::model::format::{fmt_length_secs, round_half_away, whole_secs};
        let london = tz("Europe/London");
        let monday = date(2026, 11, 23);
        let now = at(&london, date(2026, 11, 24), 22, 0);
        let mut records = Vec::new();
        for (i, ms) in self_care.iter().enumerate() {
            let minute = i8::try_from(i).unwrap();
            let secs = *ms as f64 / 1000.0;
            records.push(local(&format!("s{i}"), &london, monday, 1, minute, "sum", "neck", secs));
        }
        for (i, ms) in professional.iter().enumerate() {
            let t = at(&london, monday, 3, i8::try_from(i).unwrap()).timestamp();
            let mut r = external(&format!("e{i}"), &Stamp::new(t, &london).to_string(), "physio", 0.0);
            r.active_secs = *ms as f64 / 1000.0;
            records.push(r);
        }
        let s = stats::compute(&records, &now, 3);
        let shown = |secs: f64, minutes: f64| (whole_secs(secs), round_half_away(minutes, 0));
        let total: u64 = self_care.iter().sum();
        let want = shown_of_millis(total);
        proptest::prop_assert_eq!(shown(s.this_week.secs, s.this_week.minutes), want);
        proptest::prop_assert_eq!(shown(s.totals.secs, s.totals.minutes), want);
        proptest::prop_assert_eq!(shown(s.by_area[0].secs, s.by_area[0].minutes), want);
        proptest::prop_assert_eq!(shown(s.routines[0].secs, s.routines[0].minutes), want);
        let day = s.calendar.days.iter().find(|d| d.date == monday).unwrap();
        proptest::prop_assert_eq!(round_half_away(day.minutes, 0), want.1);
        // The words: whole seconds under a minute, else the nearest minute.
        let words = fmt_length_secs(s.totals.secs);
        if total < 60_000 {
            proptest::prop_assert_eq!(words, format!("{} s", want.0));
        } else {
            let m = want.1 as u64;
            let expected = match (m / 60, m % 60) {
                (0, m) => format!("{m} min"),
                (h, 0) => format!("{h} h"),
                (h, m) => format!("{h} h {m} min"),
            };
            proptest::prop_assert_eq!(words, expected);
        }
        let pro: u64 = professional.iter().sum();
        proptest::prop_assert_eq!(shown(s.external.secs, s.external.minutes), shown_of_millis(pro));

        // The Stats screen's chart of four-week windows sums the same days.
        let mut days = knotless::core::days::SessionDays::new(london.clone());
        for r in &records {
            days.add(r);
        }
        let chart = knotless::core::days::chart::<knotless::model::day::DayAnswer>(&std::collections::BTreeMap::new(), &days, now.date(), 1);
        proptest::prop_assert_eq!(round_half_away(chart[0].minutes, 0), want.1);
    }
}
