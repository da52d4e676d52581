//! Stats from figures worked out from made-up records and day answers by the same core
//! builders `store::figures::stats` uses: each view at the sizes people use (snapshots read
//! before they were accepted), the figures each view shows, the keys that change views,
//! months and routines, and the period handed on.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use knotless::core::calendar;
use knotless::core::days::{self, CHART_WINDOWS, STATS_WINDOWS, SessionDays};
use knotless::core::period::Period;
use knotless::core::stats::{StatsBuilder, StatsOptions};
use knotless::model::day::{DayAnswer, Meds};
use knotless::model::record::SessionRecord;
use knotless::screens::stats::{StatsView, View};
use knotless::screens::{Nav, Route};

use crate::common::ctx::{World, line_with};
use crate::common::{external, rec, with_pain, year};

fn records() -> Vec<SessionRecord> {
    vec![
        with_pain(
            rec(
                "a",
                "2026-11-23T21:30:00+00:00",
                "neck-release",
                "neck",
                400.0,
            ),
            Some(6),
            Some(3),
        ),
        with_pain(
            rec(
                "b",
                "2026-11-22T10:15:00+00:00",
                "shoulders-ball-wall",
                "shoulders",
                300.0,
            ),
            Some(4),
            Some(4),
        ),
        rec(
            "c",
            "2026-11-02T07:40:00+00:00",
            "jaw-and-temples",
            "jaw",
            240.0,
        ),
        external("m", "2026-11-10T17:00:00+00:00", "Massage therapist", 60.0),
    ]
}

/// The screen for `records` and `answers` over `period`, as the app builds it.
fn screen(
    w: &World,
    period: Period,
    records: &[SessionRecord],
    answers: Option<&BTreeMap<Date, DayAnswer>>,
) -> StatsView {
    let opts = StatsOptions::for_period(w.settings.weekly_goal, period, &w.now);
    let mut b = StatsBuilder::new(&w.now, opts);
    let mut sessions = SessionDays::new(w.now.time_zone().clone());
    for r in records {
        b.add(r);
        sessions.add(r);
    }
    let view = StatsView::new(b.finish(), &w.ctx()).with_period(period);
    let Some(answers) = answers else {
        return view;
    };
    let today = w.now.date();
    let summary = days::summarize(answers, &sessions, today, STATS_WINDOWS, None);
    view.with_days(Some(summary)).with_chart(
        days::chart(answers, &sessions, today, CHART_WINDOWS),
        calendar::entries(answers),
    )
}

fn stats(w: &World, period: Period) -> StatsView {
    screen(w, period, &records(), None)
}

fn year(w: &World, period: Period) -> StatsView {
    let today = w.now.date();
    let answers = year::answers(today);
    screen(w, period, &year::sessions(today), Some(&answers))
}

#[test]
fn the_page_at_two_sizes() {
    let w = World::new();
    let mut s = stats(&w, Period::NinetyDays);
    let text = w.text(&mut s, 100, 40, 0);
    insta::assert_snapshot!("stats_100x40", text);
    assert!(text.contains("Minutes by area · last 90 days"), "{text}");
    assert!(text.contains("1 of 3 sessions"), "{text}");
    insta::assert_snapshot!("stats_40x12", w.text(&mut s, 40, 12, 0));
}

#[test]
fn the_area_bars_are_drawn_from_the_minutes_shown_beside_them() {
    let w = World::new();
    let mut s = screen(
        &w,
        Period::NinetyDays,
        &[
            // 20 s reads "0": no bar, however small the other areas are.
            rec(
                "a",
                "2026-11-23T21:30:00+00:00",
                "neck-release",
                "neck",
                20.0,
            ),
            // 10.4 and 9.6 minutes both read "10": bars of the same length.
            rec(
                "b",
                "2026-11-22T10:15:00+00:00",
                "jaw-and-temples",
                "jaw",
                624.0,
            ),
            rec(
                "c",
                "2026-11-21T10:15:00+00:00",
                "shoulders-ball-wall",
                "shoulders",
                576.0,
            ),
        ],
        None,
    );
    let text = w.text(&mut s, 100, 40, 0);
    let row = |area: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(area) && l.trim_end().ends_with(char::is_numeric))
            .unwrap_or_else(|| panic!("no {area} row in\n{text}"))
            .to_string()
    };
    let bar = |l: &str| l.chars().filter(|c| matches!(c, '━' | '╸')).count();
    assert_eq!(bar(&row("neck")), 0, "{text}");
    assert!(row("neck").trim_end().ends_with(" 0"), "{text}");
    assert!(bar(&row("jaw")) > 10, "{text}");
    assert_eq!(bar(&row("jaw")), bar(&row("shoulders")), "{text}");
}

#[test]
fn a_small_window_scrolls_section_by_section_to_the_end() {
    let w = World::new();
    let mut s = stats(&w, Period::NinetyDays);
    let top = w.text(&mut s, 40, 12, 0);
    assert!(top.lines().last().unwrap().contains("↓ more"), "{top}");
    let mut seen = vec![top.clone()];
    for _ in 0..30 {
        w.press(&mut s, "j", 0);
        seen.push(w.text(&mut s, 40, 12, 0));
    }
    let end = seen.last().unwrap().clone();
    assert!(end.lines().last().unwrap().contains("↑ more"), "{end}");
    assert!(end.contains("Minutes by area"), "{end}");
    // Each step moves at most a window less a line: nothing is skipped over.
    seen.dedup();
    assert!(seen.len() > 3, "{} pages", seen.len());
    w.press(&mut s, "g", 0);
    assert_eq!(w.text(&mut s, 40, 12, 0), top);
    w.press(&mut s, "G", 0);
    assert_eq!(w.text(&mut s, 40, 12, 0), end);
}

#[test]
fn p_and_h_hand_on_the_period() {
    let w = World::new();
    let mut s = stats(&w, Period::NinetyDays);
    let (nav, _) = w.press(&mut s, "p", 0);
    assert!(
        matches!(
            nav,
            Nav::Replace(Route::Stats {
                period: Period::Year,
                view: View::Overview,
                heat_days: false,
            })
        ),
        "{nav:?}"
    );
    let (nav, _) = w.press(&mut s, "h", 0);
    assert!(
        matches!(
            nav,
            Nav::Switch(Route::History {
                period: Period::NinetyDays
            })
        ),
        "{nav:?}"
    );
    assert!(matches!(w.press(&mut s, "q", 0).0, Nav::Back));
    // It keeps the calendar as `d` turned it.
    w.press(&mut s, "d", 0);
    let (nav, _) = w.press(&mut s, "p", 0);
    assert!(
        matches!(
            nav,
            Nav::Replace(Route::Stats {
                heat_days: true,
                ..
            })
        ),
        "{nav:?}"
    );
    // The last 7 days leave out the jaw session of 2 November.
    let mut s = stats(&w, Period::Week);
    w.press(&mut s, "3", 0);
    let text = w.text(&mut s, 100, 40, 0);
    assert!(text.contains("Routines · last 7 days"), "{text}");
    assert!(!text.contains("Title of jaw-and-temples"), "{text}");
}

/// The 28 days ending `end`, counted by hand from the fixture (not by the core): answered
/// days, headache days, days with medication, and self-care minutes.
fn by_hand(end: Date) -> (u32, u32, u32, f64) {
    let start = end - 27.days();
    let answers = year::answers(w_today());
    let days: Vec<&DayAnswer> = answers.range(start..=end).map(|(_, a)| a).collect();
    let count = |f: fn(&DayAnswer) -> bool| days.iter().filter(|a| f(a)).count() as u32;
    let minutes: f64 = year::sessions(w_today())
        .iter()
        .filter(|r| r.area != "external")
        .filter(|r| (start..=end).contains(&r.started().to_zoned(jiff::tz::TimeZone::UTC).date()))
        .map(|r| r.active_secs / 60.0)
        .sum();
    (
        days.len() as u32,
        count(|a| a.headache),
        count(|a| a.meds.is_some_and(|m| m != Meds::None)),
        minutes,
    )
}

fn w_today() -> Date {
    crate::common::fixed_now().date()
}

/// Each view at 80×24 and 200×50 (and as text at 40×12), read before it was accepted.
#[test]
fn the_views_at_the_sizes_people_use() {
    let w = World::new();
    let mut s = year(&w, Period::NinetyDays);
    for (key, name) in [
        ("1", "overview"),
        ("2", "days"),
        ("3", "routines"),
        ("4", "calendar"),
    ] {
        w.press(&mut s, key, 0);
        for (x, y) in [(80, 24), (200, 50), (40, 12)] {
            insta::assert_snapshot!(format!("stats_{name}_{x}x{y}"), w.text(&mut s, x, y, 0));
        }
    }
}

/// The calendar's day cursor starts on today and goes no later: Home is offered once it
/// has moved back, and any past day can be picked, answered or not.
#[test]
fn the_calendar_offers_only_the_moves_it_can_make() {
    let w = World::new();
    let mut s = screen(&w, Period::NinetyDays, &records(), Some(&BTreeMap::new()));
    w.press(&mut s, "4", 0);
    let foot = |s: &mut StatsView| w.text(s, 100, 30, 0).lines().last().unwrap().to_string();
    assert!(foot(&mut s).contains("←→↑↓ day"), "{}", foot(&mut s));
    // Today is picked already: Home would do nothing.
    assert!(!foot(&mut s).contains("Home"), "{}", foot(&mut s));
    // Tomorrow cannot be picked.
    w.keys(&mut s, &["Right", "Down"], 0);
    assert!(
        w.text(&mut s, 100, 30, 0)
            .contains("Tue 24 Nov: not answered")
    );
    w.press(&mut s, "Left", 0);
    assert!(foot(&mut s).contains("Home today"), "{}", foot(&mut s));
    assert!(
        w.text(&mut s, 100, 30, 0)
            .contains("Mon 23 Nov: not answered")
    );
    w.press(&mut s, "Home", 0);
    assert!(!foot(&mut s).contains("Home"));
}

#[test]
fn tab_and_the_digits_change_the_view_and_the_footer_follows() {
    let w = World::new();
    let mut s = year(&w, Period::NinetyDays);
    let footer = |s: &mut StatsView| w.text(s, 100, 30, 0).lines().last().unwrap().to_string();
    assert_eq!(s.view(), View::Overview);
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(s.view());
        w.press(&mut s, "Tab", 0);
    }
    assert_eq!(seen, View::ALL);
    assert_eq!(s.view(), View::Overview);
    w.press(&mut s, "BackTab", 0);
    assert_eq!(s.view(), View::Calendar);
    let foot = footer(&mut s);
    assert!(
        foot.contains("←→↑↓ day") && foot.contains("PgUp PgDn month") && !foot.contains("Home"),
        "{foot}"
    );
    assert!(!foot.contains("p period"), "{foot}");
    w.press(&mut s, "2", 0);
    assert_eq!(s.view(), View::Days);
    let foot = footer(&mut s);
    assert!(
        !foot.contains("month") && !foot.contains("p period"),
        "{foot}"
    );
    // ← → mean nothing outside the calendar.
    let before = w.text(&mut s, 100, 30, 0);
    w.keys(&mut s, &["Left", "Right", "Left"], 0);
    assert_eq!(w.text(&mut s, 100, 30, 0), before);
    w.press(&mut s, "3", 0);
    let foot = footer(&mut s);
    assert!(
        foot.contains("↑↓ routine") && foot.contains("p period"),
        "{foot}"
    );
    // The period key keeps the view.
    let (nav, _) = w.press(&mut s, "p", 0);
    assert!(
        matches!(
            nav,
            Nav::Replace(Route::Stats {
                period: Period::Year,
                view: View::Routines,
                heat_days: false,
            })
        ),
        "{nav:?}"
    );
}

#[test]
fn the_days_view_shows_each_window_with_its_answered_days() {
    let w = World::new();
    let today = w.now.date();
    let mut s = year(&w, Period::NinetyDays);
    w.press(&mut s, "2", 0);
    // The text for a narrow window: a line a window, every figure counted by hand.
    let text = w.text(&mut s, 40, 60, 0);
    for back in [0, 1, 3] {
        let end = today - (28 * back).days();
        let (answered, headache, meds, minutes) = by_hand(end);
        let line = line_with(&text, &end.strftime(" %-d %b ").to_string());
        let cells: Vec<&str> = line.split_whitespace().collect();
        let rate = if answered >= 21 {
            format!("{:.0}", f64::from(headache) * 28.0 / f64::from(answered))
        } else {
            "—".into()
        };
        let want = [
            format!("{answered}/28"),
            headache.to_string(),
            meds.to_string(),
            format!("{minutes:.0}"),
            rate,
        ];
        assert_eq!(cells[2..], want, "{line}");
    }
    // The fourth window back is thinly answered: no rate, in the chart too.
    let (answered, ..) = by_hand(today - 84.days());
    assert!(answered < 21, "{answered}");
    let chart = w.text(&mut s, 80, 24, 0);
    let rates: Vec<&str> = line_with(&chart, "/28 ")
        .split_whitespace()
        .skip(1)
        .collect();
    assert_eq!(rates.len(), 13, "{chart}");
    assert_eq!(rates[13 - 4], "—", "{chart}");
    assert!(rates.iter().filter(|r| **r == "—").count() == 1, "{chart}");
    let minutes: Vec<&str> = line_with(&chart, "min ")
        .split_whitespace()
        .skip(1)
        .collect();
    assert_eq!(minutes.last().unwrap(), &format!("{:.0}", by_hand(today).3));
    // Its answered-days bar is the one that stops short: 3 of 7 rows.
    let plot: Vec<Vec<char>> = chart
        .lines()
        .skip(4)
        .take(7)
        .map(|l| l.chars().collect())
        .collect();
    let first_bar = plot
        .iter()
        .find_map(|l| l.iter().position(|c| *c == '┊'))
        .unwrap();
    let heights: Vec<usize> = (0..13)
        .map(|i| {
            plot.iter()
                .filter(|l| l.get(first_bar + i * 5) == Some(&'┊'))
                .count()
        })
        .collect();
    assert!(heights[9] < 4 && heights[12] >= 6, "{heights:?}\n{chart}");
}

#[test]
fn the_routines_view_draws_the_chosen_routines_months_with_their_n() {
    let w = World::new();
    let today = w.now.date();
    let mut s = year(&w, Period::NinetyDays);
    w.press(&mut s, "3", 0);
    let text = w.text(&mut s, 100, 30, 0);
    assert!(text.contains("Title of neck-release · head pain"), "{text}");
    // Counted by hand: the neck sessions of each month, all rated 6 → 3 or 6 → 5.
    let lines: Vec<&str> = text.lines().collect();
    let months = lines
        .iter()
        .position(|l| ["Dec", "Jun", "Nov"].iter().all(|m| l.contains(m)))
        .unwrap();
    let changes: Vec<&str> = lines[months + 1].split_whitespace().collect();
    let ns: Vec<&str> = lines[months + 2].split_whitespace().collect();
    let mut want_changes = Vec::new();
    let mut want_ns = Vec::new();
    for back in (0..12).rev() {
        let first = today.first_of_month() - jiff::Span::new().months(back);
        let next = first + jiff::Span::new().months(1);
        let rated: Vec<i32> = year::sessions(today)
            .iter()
            .filter(|r| r.routine_id == "neck-release")
            .filter(|r| {
                let d = r.started().to_zoned(jiff::tz::TimeZone::UTC).date();
                d >= first && d < next
            })
            .map(|r| i32::from(r.pain_after.unwrap()) - i32::from(r.pain_before.unwrap()))
            .collect();
        if !rated.is_empty() {
            let mean = f64::from(rated.iter().sum::<i32>()) / rated.len() as f64;
            want_changes.push(knotless::model::format::fmt_change(mean));
            want_ns.push(format!("n={}", rated.len()));
        }
    }
    assert_eq!(changes, want_changes, "{text}");
    assert_eq!(ns, want_ns, "{text}");
    // The first months helped more than the last ones: their marks sit lower.
    let dots: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .flat_map(|(row, l)| {
            l.chars()
                .enumerate()
                .filter(|c| c.1 == '•')
                .map(move |c| (c.0, row))
        })
        .collect();
    let first = dots.iter().min().unwrap();
    let last = dots.iter().max().unwrap();
    assert!(first.1 > last.1, "{dots:?}\n{text}");
    // ↓ chooses the next routine: its months are drawn instead.
    w.press(&mut s, "Down", 0);
    let text = w.text(&mut s, 100, 30, 0);
    assert!(
        text.contains("Title of shoulders-ball-wall · head pain"),
        "{text}"
    );
    assert!(line_with(&text, "› ").contains("shoulders"), "{text}");
}

#[test]
fn the_calendar_moves_by_day_week_and_month_up_to_today() {
    let w = World::new();
    let mut s = year(&w, Period::NinetyDays);
    w.press(&mut s, "4", 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("November 2026"), "{text}");
    // 8 November: a migraine with a triptan; 15th unanswered; 25th still to come.
    let answers = year::answers(w.now.date());
    let (mut answered, mut headache, mut migraine, mut meds) = (0, 0, 0, 0);
    for a in answers
        .values()
        .filter(|a| a.date.month() == 11 && a.date.year() == 2026)
    {
        answered += 1;
        headache += u32::from(a.headache);
        migraine += u32::from(a.migraine);
        meds += u32::from(a.meds.is_some());
    }
    let counts = format!(
        "{answered} of 24 days answered · {headache} headache days, {migraine} migraine · medication on {meds}"
    );
    assert!(text.contains(&counts), "{counts}\n{text}");
    let week = text.lines().position(|l| l.contains("  8")).unwrap();
    let marks: Vec<&str> = text
        .lines()
        .nth(week + 1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(marks, ["○", "○", "◐+", "○", "○", "○", "●+"], "{text}");
    // The picked day is today, in brackets; a week back is the 17th, a month back October.
    assert!(text.contains("[24]"), "{text}");
    w.keys(&mut s, &["Up", "Left"], 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(text.contains("[16]") && !text.contains("[24]"), "{text}");
    w.press(&mut s, "PageUp", 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(
        text.contains("October 2026") && text.contains("[16]"),
        "{text}"
    );
    // No later than today.
    w.keys(&mut s, &["PageDown", "PageDown", "PageDown"], 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(
        text.contains("November 2026") && text.contains("[24]"),
        "{text}"
    );
    // Back past the first answered month (364 days ago): a day with no answer can be
    // answered too.
    for _ in 0..13 {
        w.press(&mut s, "PageUp", 0);
    }
    let month = (w.now.date() - 13.months()).strftime("%B %Y").to_string();
    assert!(w.text(&mut s, 80, 24, 0).contains(&month), "{month}");
    w.press(&mut s, "Home", 0);
    assert!(w.text(&mut s, 80, 24, 0).contains("November 2026"));
}

/// Without colour every mark still differs by shape: the three bars, the calendar's marks,
/// the chosen view and routine.
#[test]
fn without_colour_every_mark_differs_by_shape() {
    let w = World::new().themed(knotless::model::config::ThemeName::Mono);
    let mut s = year(&w, Period::NinetyDays);
    let buf = w.draw(&mut s, 80, 24, 0);
    // The chosen view: reversed, as a selection is.
    let tab = (0..80).find(|x| buf[(*x, 0)].symbol() == "O").unwrap();
    assert!(
        buf[(tab, 0)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    w.press(&mut s, "2", 0);
    let text = w.text(&mut s, 80, 24, 0);
    for mark in ["┊", "┃", "│"] {
        assert!(line_with(&text, "answered days").contains(mark), "{mark}");
        assert!(
            text.lines().skip(4).any(|l| l.contains(mark)),
            "{mark} drawn\n{text}"
        );
    }
    w.press(&mut s, "4", 0);
    let text = w.text(&mut s, 80, 24, 0);
    let legend = line_with(&text, "no headache");
    for mark in [
        "○ no headache",
        "◐ headache",
        "● migraine",
        "+ medication",
        "· not answered",
    ] {
        assert!(legend.contains(mark), "{mark}: {legend}");
    }
    // The picked day: in brackets, and reversed as a selection is.
    let buf = w.draw(&mut s, 80, 24, 0);
    let (x, y) = (0..24u16)
        .flat_map(|y| (0..79u16).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "[" && buf[(x + 1, y)].symbol() == "2")
        .expect("the picked day in brackets");
    assert!(
        buf[(x + 1, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
}

/// `d` on the overview turns the 16-week calendar from minutes to the day answers: each
/// date's mark as the month calendar draws it (the medication sign after it), every one of
/// the 112 dates checked against the fixture; `d` again turns it back.
#[test]
fn d_marks_each_answered_day_in_the_sixteen_weeks() {
    let w = World::new();
    let mut s = year(&w, Period::NinetyDays);
    let minutes = w.text(&mut s, 80, 24, 0);
    assert!(minutes.contains("Last 16 weeks"), "{minutes}");
    assert!(line_with(&minutes, "Tab view").contains("d headache days"));
    w.press(&mut s, "d", 0);
    let text = w.text(&mut s, 80, 24, 0);
    assert!(line_with(&text, "Tab view").contains("d minutes"), "{text}");
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let head = text
        .lines()
        .position(|l| l.contains("Headache days · from"))
        .unwrap_or_else(|| panic!("{text}"));
    let today = w.now.date();
    let monday = today - i64::from(today.weekday().to_monday_zero_offset()).days();
    let start = monday - 15.weeks();
    let answers = year::answers(today);
    for week in 0..16i64 {
        for day in 0..7i64 {
            let date = start + (week * 7 + day).days();
            let expected = match answers.get(&date) {
                _ if date > today => "  ".to_string(),
                None => "· ".to_string(),
                Some(a) => {
                    let mark = match (a.headache, a.migraine) {
                        (false, _) => '○',
                        (true, false) => '◐',
                        (true, true) => '●',
                    };
                    let meds = if a.took_meds() { '+' } else { ' ' };
                    format!("{mark}{meds}")
                }
            };
            let row = &lines[head + 1 + day as usize];
            let x = 5 + 2 * week as usize;
            let got: String = row[x..x + 2].iter().collect();
            assert_eq!(got, expected, "{date}\n{text}");
        }
    }
    for mark in ["○ no headache", "◐ headache", "● migraine", "+ medication"] {
        assert!(text.contains(mark), "{mark}\n{text}");
    }
    w.press(&mut s, "d", 0);
    assert_eq!(w.text(&mut s, 80, 24, 0), minutes);
}
