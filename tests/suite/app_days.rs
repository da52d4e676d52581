//! "Headache today?" in the app: home's quiet line and its keys, the finish screen's offer,
//! and the Stats screen's 4-week view and period key — all through the app, with a fixed
//! clock (Tuesday 24 November 2026, 10:00 in London: a morning).

use crate::common;

use common::{TestApp, rec, with_pain};
use knotless::app::Route;
use knotless::core::period::Period;
use knotless::model::config::ThemeName;
use knotless::model::day::{DayAnswer, Intensity, Meds};

fn day_lines(t: &TestApp) -> Vec<DayAnswer> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(t.data.path()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("days") && p.is_file() {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                out.push(serde_json::from_str(l).unwrap());
            }
        }
    }
    out
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

#[test]
fn home_asks_and_writes_one_answer_once_it_settles() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // Not read before the first frame: no line, and y does nothing yet.
    assert!(!t.screen(80, 24, 0).contains("Headache"));
    t.keys(0, &["y"]);
    t.tick(60_000);
    assert!(day_lines(&t).is_empty());

    t.app.refresh_days();
    let screen = t.screen(80, 24, 0);
    // In the morning it asks about yesterday, which has no answer.
    assert!(
        screen.contains("Headache yesterday?  y yes · n no · d today"),
        "{screen}"
    );
    t.keys(0, &["?"]);
    let help = t.screen(80, 40, 0);
    assert!(help.contains("a headache that day: yes"), "{help}");
    t.keys(0, &["Esc", "y"]);
    let screen = t.screen(80, 24, 0);
    assert!(
        screen.contains("Headache yesterday.  w worst: — · p medicine: —"),
        "{screen}"
    );
    // Stepping through how bad and what was taken writes nothing per press...
    t.keys(1_000, &["w", "w", "p", "p"]);
    assert!(t.screen(80, 24, 0).contains("w worst: moderate"));
    t.tick(5_000);
    assert!(day_lines(&t).is_empty(), "it waits for the last key");
    assert_eq!(
        t.app.deadline(t.at(5_000)),
        Some(t.at(6_000)),
        "one wake-up, when it settles"
    );
    // ... and the settled answer is one line.
    t.tick(6_000);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].date, date("2026-11-23"));
    assert!(lines[0].headache);
    assert_eq!(lines[0].worst, Some(Intensity::Moderate));
    assert_eq!(lines[0].meds, Some(Meds::Simple));
    assert_eq!(
        t.app.deadline(t.at(6_000)),
        Some(t.at(6_000 + 2 * 3_600_000)),
        "then none until noon, when the morning's question about yesterday ends"
    );

    // The answer and its keys stay after home is left and shown again, and after a later
    // start reads the day log again.
    t.keys(7_000, &["h", "q"]);
    assert!(t.screen(80, 24, 0).contains("w worst: moderate"));
    t.app.refresh_days();
    let screen = t.screen(80, 24, 0);
    assert!(
        screen.contains("Headache yesterday.  w worst: moderate"),
        "{screen}"
    );

    // A mistaken yes is changed to no; leaving home writes it at once.
    t.keys(8_000, &["n"]);
    assert!(t.screen(80, 24, 0).contains("No headache yesterday."));
    t.keys(8_000, &["h"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(!lines[1].headache);
    assert_eq!(lines[1].worst, None, "a no says nothing of how bad");
}

#[test]
fn d_turns_to_today_and_other_keys_work_as_usual() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.refresh_days();
    // h and s stay history and stats.
    t.keys(0, &["s"]);
    assert_eq!(t.app.screen().title(), "Stats");
    t.keys(0, &["q", "h"]);
    assert_eq!(t.app.screen().title(), "History");
    t.keys(0, &["q", "d"]);
    let screen = t.screen(80, 24, 0);
    assert!(
        screen.contains("Headache today?  y yes · n no · d yesterday"),
        "{screen}"
    );
    t.keys(0, &["n"]);
    assert!(t.screen(40, 12, 0).contains("No headache today."));
    // w and p have nothing to set after a no.
    t.keys(0, &["w", "p"]);
    // d writes the answer before it turns to the other day.
    t.keys(0, &["d"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].date, date("2026-11-24"));
    assert!(!lines[0].headache);
    assert!(t.screen(80, 24, 0).contains("Headache yesterday?"));
}

#[test]
fn a_yes_taken_back_before_it_settles_writes_nothing_new() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.refresh_days();
    t.keys(0, &["n"]);
    t.tick(5_000);
    assert_eq!(day_lines(&t).len(), 1);
    t.keys(6_000, &["y", "n"]);
    t.tick(20_000);
    assert_eq!(day_lines(&t).len(), 1, "the log already says no");
    // Ctrl-C writes what is still being given.
    t.keys(21_000, &["y", "C-c"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].headache);
}

/// A saved "yes" with how bad it got and what was taken, answered `n` then `y` by a slip
/// before it settles, is the saved answer again, details and all: nothing new is written.
#[test]
fn a_no_taken_back_keeps_what_the_yes_said() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.refresh_days();
    t.keys(0, &["y", "w", "w", "p"]);
    t.tick(10_000);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].worst, Some(Intensity::Moderate));
    t.keys(11_000, &["n", "y"]);
    let screen = t.screen(80, 24, 0);
    assert!(screen.contains("w worst: moderate"), "{screen}");
    t.tick(30_000);
    assert_eq!(day_lines(&t).len(), 1, "the log already says this");
}

fn afternoon() -> jiff::Zoned {
    "2026-11-24T15:00:00[Europe/London]".parse().unwrap()
}

#[test]
fn in_the_afternoon_it_asks_about_today() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.set_wall_clock(afternoon);
    t.app.refresh_days();
    assert!(
        t.screen(80, 24, 0)
            .contains("Headache today?  y yes · n no")
    );
    t.keys(0, &["y", "q"]);
    assert_eq!(day_lines(&t)[0].date, date("2026-11-24"));
}

#[test]
fn the_config_turns_it_off() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    std::fs::write(
        t.config.path().join("config.toml"),
        "ask_headache_days = false\n",
    )
    .unwrap();
    t.app.reload_files();
    assert!(t.app.lib().problems.is_empty());
    t.app.refresh_days();
    assert!(!t.screen(80, 24, 0).contains("Headache"));
    t.keys(0, &["y"]);
    assert!(day_lines(&t).is_empty());
}

fn finish_with_before(pain: u8) -> TestApp {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.refresh_days();
    let r = with_pain(
        rec(
            "r1",
            "2026-11-24T09:40:00+00:00",
            "neck-release",
            "neck",
            300.0,
        ),
        Some(pain),
        None,
    );
    let now = t.at(0);
    t.app.open(Route::Finish(Box::new(r)), now);
    t
}

#[test]
fn the_finish_screen_offers_to_mark_today_after_a_sore_start() {
    let mut t = finish_with_before(4);
    t.keys(0, &["3"]);
    let screen = t.screen(80, 24, 0);
    assert!(
        screen.contains("Mark today as a headache day?  y yes · n not now"),
        "{screen}"
    );
    assert!(day_lines(&t).is_empty(), "offered, never assumed");
    let narrow = t.screen(40, 12, 0);
    assert!(narrow.contains("n not now"), "{narrow}");
    t.keys(0, &["y"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].date, date("2026-11-24"));
    assert!(lines[0].headache);
    // On to the note, as without the offer.
    assert!(t.screen(80, 24, 0).contains("A note for later"));

    // "Not now" writes nothing.
    let mut t = finish_with_before(4);
    t.keys(0, &["Enter", "n"]);
    assert!(day_lines(&t).is_empty());
    assert!(t.screen(80, 24, 0).contains("A note for later"));

    // A start at 0: no offer at all.
    let mut t = finish_with_before(0);
    t.keys(0, &["Enter"]);
    assert!(!t.screen(80, 24, 0).contains("Mark today"));
}

#[test]
fn marking_today_after_a_session_keeps_the_morning_question_about_yesterday() {
    let mut t = finish_with_before(4);
    t.keys(0, &["3", "y", "Esc"]);
    assert_eq!(t.app.screen().title(), "Home");
    let screen = t.screen(80, 24, 0);
    assert!(screen.contains("Headache yesterday?  y yes"), "{screen}");
    // Read again from the day log (a later start): still asked.
    t.app.refresh_days();
    assert!(t.screen(80, 24, 0).contains("Headache yesterday?"));
}

#[test]
fn the_stats_screen_shows_the_4_week_view_and_changes_its_period() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // 20 answered days in the newest window, 5 of them headache days, 2 with a triptan.
    let mut text = String::new();
    for k in 0..20i64 {
        let d = date("2026-11-24")
            .checked_sub(jiff::Span::new().days(k))
            .unwrap();
        let meds = if k < 2 { ",\"meds\":\"triptan\"" } else { "" };
        text.push_str(&format!(
            "{{\"v\":1,\"date\":\"{d}\",\"headache\":{}{meds},\"answered_at\":\"{d}T21:00:00+00:00\",\"machine\":\"t\"}}\n",
            k < 5
        ));
    }
    std::fs::write(t.data.path().join("days-t.jsonl"), text).unwrap();
    // One session 60 days ago: in 90 days and a year, not in 4 weeks.
    let old = rec(
        "old",
        "2026-09-25T09:00:00+00:00",
        "neck-release",
        "neck",
        300.0,
    );
    std::fs::write(
        t.data.path().join("history.jsonl"),
        format!("{}\n", common::line(&old)),
    )
    .unwrap();
    t.keys(0, &["s"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Minutes by area · last 90 days"), "{page}");
    t.keys(0, &["2"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Headache days · 4-week windows"), "{page}");
    // 20 of 28 answered: counts, and "—" for the rate.
    let row = page
        .lines()
        .find(|l| l.contains("20/28"))
        .unwrap_or_else(|| panic!("{page}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        &cells[3..],
        ["20/28", "5", "0", "2", "0", "0.0", "—"],
        "{row}"
    );
    insta::assert_snapshot!("stats_days_80x24", t.screen(80, 24, 0));
    // At 40×12 the 4-week table is at the bottom of the page: a rate line under each row.
    t.screen(40, 12, 0);
    t.keys(0, &["G"]);
    insta::assert_snapshot!("stats_days_40x12", t.screen(40, 12, 0));

    // The period changes the routines (and keeps the view).
    t.keys(0, &["3"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Title of neck-release"), "{page}");
    t.keys(0, &["p"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Routines · last year"), "{page}");
    t.keys(0, &["p"]);
    assert!(t.screen(120, 80, 0).contains("Routines · all time"));
    t.keys(0, &["p"]);
    assert!(t.screen(120, 80, 0).contains("Routines · last 7 days"));
    t.keys(0, &["p"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Routines · last 4 weeks"), "{page}");
    // The 60-day-old session is outside the last 4 weeks.
    assert!(
        page.contains("Shown here after your first session"),
        "{page}"
    );
    assert_eq!(Period::FourWeeks.next(), Period::NinetyDays);
    // Back goes home, not through each period.
    t.keys(0, &["q"]);
    assert_eq!(t.app.screen().title(), "Home");

    // On the overview, the period key keeps the 16-week calendar as `d` turned it.
    t.keys(0, &["s", "d"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Headache days · from"), "{page}");
    assert!(page.contains("d minutes"), "{page}");
    t.keys(0, &["p"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Minutes by area · last year"), "{page}");
    assert!(page.contains("Headache days · from"), "{page}");
    assert!(page.contains("d minutes"), "{page}");
    t.keys(0, &["d", "p"]);
    let page = t.screen(120, 80, 0);
    assert!(page.contains("Minutes by area · all time"), "{page}");
    assert!(page.contains("d headache days"), "{page}");
}

#[test]
fn a_migraine_said_before_a_routine_reaches_the_record_and_the_day_mark() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.refresh_days();
    // Home → the neck routine → m (a migraine now) → g (the gentle routine instead).
    let mut keys = vec!["/"];
    let name: Vec<String> = "neck release".chars().map(String::from).collect();
    keys.extend(name.iter().map(String::as_str));
    keys.extend(["Enter", "Enter", "m"]);
    t.keys(0, &keys);
    assert!(t.screen(80, 24, 0).contains("A migraine is on now."));
    t.keys(0, &["g"]);
    assert_eq!(t.app.screen().title(), "Player");
    let mut skips = 0;
    while t.app.screen().title() == "Player" && skips < 40 {
        t.keys(1_000, &["Right"]);
        skips += 1;
    }
    assert_eq!(t.app.screen().title(), "Finished");
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["routine_id"], "migraine-day");
    assert_eq!(rec["migraine_before"], true, "{rec}");
    // The finish screen offers the day, as a migraine day; offered, never assumed.
    t.keys(1_000, &["Enter"]);
    let screen = t.screen(80, 24, 1_000);
    assert!(
        screen.contains("Mark today as a migraine day?  y yes · n not now"),
        "{screen}"
    );
    assert!(day_lines(&t).is_empty());
    t.keys(1_000, &["y"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].date, date("2026-11-24"));
    assert!(lines[0].headache && lines[0].migraine, "{:?}", lines[0]);
}

fn before_midnight() -> jiff::Zoned {
    "2026-11-23T23:59:50[Europe/London]".parse().unwrap()
}

fn after_midnight() -> jiff::Zoned {
    "2026-11-24T00:00:10[Europe/London]".parse().unwrap()
}

/// A session begun with a headache at 23:59:50 and finished after midnight: the finish
/// screen offers to mark the day it ended — today, as the user sees it — though the day log
/// was read the day before (it was not offered: the log known was the old day's).
#[test]
fn a_session_that_runs_past_midnight_offers_to_mark_the_new_day() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("short-one.toml", common::SHORT_ONE)]);
    t.app.set_wall_clock(before_midnight);
    // What the loop does after the first frame, on Monday evening.
    t.app.read_known();
    t.app.settle_reads();
    let keys = "/ s h o r t Space o n e Enter Enter";
    t.keys(0, &keys.split(' ').collect::<Vec<_>>());
    t.keys(0, &["4"]);
    let title = t.app.screen().title().to_string();
    assert_eq!(title, "Player", "{}", t.screen(80, 24, 0));
    t.tick(5_000);
    t.app.set_wall_clock(after_midnight);
    t.tick(15_000);
    assert_eq!(t.app.screen().title(), "Finished");
    // What the loop does after the frame that ends a session.
    assert!(t.app.take_history_change());
    t.app.read_known();
    t.app.settle_reads();
    t.keys(20_000, &["3"]);
    let screen = t.screen(80, 24, 20_000);
    assert!(
        screen.contains("Mark today as a headache day?  y yes · n not now"),
        "{screen}"
    );
    t.keys(20_000, &["y"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].date, date("2026-11-24"));
    assert!(lines[0].headache);
}

/// The Stats screen's calendar picks any past day with the arrows and gives or corrects
/// its answer with home's keys: written once it settles, as an answer appended to the day
/// log (a correction is a new line, the earlier one stays); a day still to come cannot be
/// picked, and an answer being given is written when the screen is left.
#[test]
fn the_calendar_answers_and_corrects_an_older_day() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // Today is Tuesday 24 November; the 10th said no headache.
    std::fs::write(
        t.data.path().join("days-t.jsonl"),
        "{\"v\":1,\"date\":\"2026-11-10\",\"headache\":false,\"answered_at\":\"2026-11-10T21:00:00+00:00\",\"machine\":\"t\"}\n",
    )
    .unwrap();
    t.keys(0, &["s", "4"]);
    let page = t.screen(80, 24, 0);
    assert!(page.contains("Tue 24 Nov: not answered"), "{page}");
    assert!(page.contains("[24]"), "{page}");
    // Two weeks back to the 10th, and a headache after all: moderate, a painkiller.
    t.keys(0, &["Up", "Up"]);
    let page = t.screen(80, 24, 0);
    assert!(page.contains("Tue 10 Nov: no headache"), "{page}");
    assert!(page.contains("[10]") && !page.contains("[24]"), "{page}");
    t.keys(1_000, &["y", "w", "w", "p", "p"]);
    let page = t.screen(80, 24, 1_000);
    assert!(
        page.contains("Tue 10 Nov: headache · worst moderate · medicine simple painkiller"),
        "{page}"
    );
    t.tick(5_000);
    assert_eq!(day_lines(&t).len(), 1, "it waits for the last key");
    t.tick(6_000);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 2, "appended, never rewritten: {lines:?}");
    assert_eq!(lines[0].date, date("2026-11-10"));
    assert!(!lines[0].headache);
    let fixed = &lines[1];
    assert_eq!(fixed.date, date("2026-11-10"));
    assert!(fixed.headache);
    assert_eq!(fixed.worst, Some(Intensity::Moderate));
    assert_eq!(fixed.meds, Some(Meds::Simple));
    // The calendar shows what was written.
    let page = t.screen(80, 24, 6_000);
    assert!(
        page.contains("1 of 24 days answered · 1 headache day"),
        "{page}"
    );

    // No later than today: → from today stays on today, and y answers today.
    t.keys(7_000, &["Home", "Right", "Down", "n"]);
    let page = t.screen(80, 24, 7_000);
    assert!(page.contains("Tue 24 Nov: no headache"), "{page}");
    // Leaving writes it at once.
    t.keys(7_500, &["q"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[2].date, date("2026-11-24"));
    assert!(!lines[2].headache);
}

/// The page's line that starts with `start` (after the indent), if any.
fn line_starting<'a>(page: &'a str, start: &str) -> Option<&'a str> {
    page.lines().find(|l| l.trim_start().starts_with(start))
}

#[test]
fn a_calendar_answer_shows_in_every_view_once_it_is_written() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["s", "2"]);
    assert!(t.screen(80, 40, 0).contains("No days answered yet"));
    // Yesterday, a headache with a painkiller, given on the calendar and left to settle.
    t.keys(0, &["4", "Left", "y", "p", "p"]);
    t.tick(5_000);
    assert_eq!(day_lines(&t).len(), 1);
    // The Headache-days view counts it: one answered day, a headache, a medication day.
    t.keys(5_000, &["2"]);
    let page = t.screen(80, 40, 5_000);
    assert!(page.contains("Tue 24 Nov   1/28     1    0    1"), "{page}");
    // The Overview's 16-week calendar marks it (Monday's row, its last week).
    t.keys(5_000, &["1", "d"]);
    let page = t.screen(80, 40, 5_000);
    let monday = line_starting(&page, "Mon").unwrap_or_default();
    assert!(monday.contains("· ◐+ "), "{page}");

    // Turning to another view writes an answer still being given, so no view shows
    // anything the day log does not have: the day before, no headache.
    t.keys(6_000, &["4", "Left", "n", "2"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1].date, date("2026-11-22"));
    let page = t.screen(80, 40, 6_000);
    assert!(page.contains("Tue 24 Nov   2/28     1    0    1"), "{page}");
}

#[test]
fn a_calendar_answer_that_cannot_be_written_shows_nowhere_and_says_so() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // Another machine said the 10th had no headache.
    std::fs::write(
        t.data.path().join("days-other.jsonl"),
        "{\"v\":1,\"date\":\"2026-11-10\",\"headache\":false,\"answered_at\":\"2026-11-10T21:00:00+00:00\",\"machine\":\"other\"}\n",
    )
    .unwrap();
    t.keys(0, &["s", "4", "Up", "Up"]);
    assert!(t.screen(80, 24, 0).contains("Tue 10 Nov: no headache"));
    // This machine's day log cannot be written: a folder is where it would be.
    std::fs::create_dir(knotless::store::days::days_path(t.data.path())).unwrap();
    t.keys(1_000, &["y", "w"]);
    let page = t.screen(80, 24, 1_000);
    assert!(page.contains("Tue 10 Nov: headache · worst mild"), "{page}");
    t.tick(6_000);
    assert_eq!(day_lines(&t).len(), 1, "nothing written");
    let status = t.app.status().unwrap_or_default().to_string();
    assert!(
        status.starts_with(
            "Not saved, Tue 10 Nov: give the answer again once the day log can be written ("
        ),
        "{status}"
    );
    // Every view shows what the day log says.
    let page = t.screen(80, 24, 6_000);
    assert!(page.contains("Tue 10 Nov: no headache"), "{page}");
    assert!(
        page.contains("1 of 24 days answered · no headache days"),
        "{page}"
    );
    assert!(
        page.contains("Not saved, Tue 10 Nov: give the answer again"),
        "{page}"
    );
    // What matters comes first, so a narrow window shows it beside the keys.
    let narrow = t.screen(40, 12, 6_000);
    assert!(narrow.contains("Not saved, Tue 10 Nov"), "{narrow}");
    t.keys(6_000, &["2"]);
    let page = t.screen(80, 40, 6_000);
    assert!(page.contains("Tue 24 Nov   1/28     0    0    0"), "{page}");
    t.keys(6_000, &["1", "d"]);
    let page = t.screen(80, 40, 6_000);
    assert_eq!(page.matches('◐').count(), 1, "the legend's only: {page}");
}

/// A day log that cannot be read at all (a folder where this machine's file would be):
/// home cannot ask, and says so instead of showing nothing; Stats says why, above every
/// view, instead of a calendar that looks unanswered. Once it can be read, both go back.
#[test]
fn a_day_log_that_cannot_be_read_is_said_on_home_and_in_stats() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    let path = knotless::store::days::days_path(t.data.path());
    std::fs::create_dir(&path).unwrap();
    t.app.refresh_days();
    let home = t.screen(80, 24, 0);
    assert!(
        home.contains("The headache diary could not be read — s shows why"),
        "{home}"
    );
    assert!(!home.contains("Headache yesterday?"), "{home}");
    assert!(
        t.screen(40, 12, 0)
            .contains("Diary unreadable · s shows why")
    );
    t.keys(0, &["s"]);
    for view in ["1", "2", "3", "4"] {
        t.keys(0, &[view]);
        let page = t.screen(80, 24, 0);
        let words = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("Could not read the headache diary, so no day shows its answer:"),
            "view {view}: {page}"
        );
        assert!(
            words.contains("it is a folder, not a regular file"),
            "{page}"
        );
    }
    // The calendar says no answer is known, not that none was given.
    let page = t.screen(80, 24, 0);
    assert!(
        page.contains("The day log could not be read: no answer is known"),
        "{page}"
    );
    assert!(page.contains("Tue 24 Nov: not known"), "{page}");
    assert!(!page.contains("not answered"), "{page}");
    // At 40 columns the reason is wrapped, not cut.
    t.keys(0, &["1"]);
    let narrow = t.screen(40, 12, 0);
    let words = narrow.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("not a regular file"), "{narrow}");
    t.keys(0, &["Esc"]);
    std::fs::remove_dir(&path).unwrap();
    t.app.refresh_days();
    let home = t.screen(80, 24, 0);
    assert!(!home.contains("could not be read"), "{home}");
    assert!(home.contains("Headache yesterday?"), "{home}");
}

/// A day log's lines that cannot be read are counted on the Stats screen as `stats`
/// counts them, under every view, beside the answers that could be read.
#[test]
fn the_day_logs_unreadable_lines_are_counted_on_the_stats_screen() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    std::fs::write(
        t.data.path().join("days-other.jsonl"),
        "{\"v\":1,\"date\":\"2026-11-10\",\"headache\":false,\"answered_at\":\"2026-11-10T21:00:00+00:00\",\"machine\":\"other\"}\nnot json\n",
    )
    .unwrap();
    t.keys(0, &["s"]);
    for view in ["1", "2", "3", "4"] {
        t.keys(0, &[view]);
        let page = t.screen(80, 60, 0);
        assert!(
            page.contains("Day log: 1 unreadable line skipped (line 2)"),
            "view {view}: {page}"
        );
    }
    let page = t.screen(80, 24, 0);
    assert!(
        page.contains("1 of 24 days answered · no headache days"),
        "{page}"
    );
    // Wrapped, not cut, at 40 columns.
    let words = t
        .screen(40, 60, 0)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("skipped (line 2)"), "{words}");
}

fn late_evening() -> jiff::Zoned {
    "2026-11-24T23:50:00[Europe/London]".parse().unwrap()
}

fn past_midnight() -> jiff::Zoned {
    "2026-11-25T00:10:00[Europe/London]".parse().unwrap()
}

fn two_days_on() -> jiff::Zoned {
    "2026-11-26T00:10:00[Europe/London]".parse().unwrap()
}

/// Ten minutes: from [`late_evening`] to midnight, and from midnight to [`past_midnight`].
const TEN_MINUTES: u64 = 600_000;

/// The finish screen at [`late_evening`] after a session that began with head pain 4.
fn finish_late() -> TestApp {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.set_wall_clock(late_evening);
    t.app.refresh_days();
    let r = with_pain(
        rec(
            "r1",
            "2026-11-24T23:30:00+00:00",
            "neck-release",
            "neck",
            300.0,
        ),
        Some(4),
        None,
    );
    t.app.open(Route::Finish(Box::new(r)), t.at(0));
    t
}

#[test]
fn a_finish_screen_left_open_across_midnight_offers_the_day_that_ended() {
    let mut t = finish_late();
    // It wakes at midnight, when the day log is read again.
    assert_eq!(t.app.deadline(t.at(0)), Some(t.at(TEN_MINUTES)));
    t.app.set_wall_clock(past_midnight);
    t.tick(TEN_MINUTES);
    t.keys(2 * TEN_MINUTES, &["3"]);
    let screen = t.screen(80, 24, 2 * TEN_MINUTES);
    assert!(
        screen.contains("Mark yesterday as a headache day?  y yes · n not now"),
        "{screen}"
    );
    assert!(screen.contains("y mark yesterday"), "{screen}");
    t.keys(2 * TEN_MINUTES, &["y"]);
    let lines = day_lines(&t);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].date, date("2026-11-24"));
    assert!(lines[0].headache);

    // Offered before midnight, it names the day as it is after.
    let mut t = finish_late();
    t.keys(1_000, &["3"]);
    assert!(
        t.screen(80, 24, 1_000)
            .contains("Mark today as a headache day?")
    );
    t.app.set_wall_clock(past_midnight);
    t.tick(TEN_MINUTES);
    let screen = t.screen(80, 24, TEN_MINUTES);
    assert!(
        screen.contains("Mark yesterday as a headache day?"),
        "{screen}"
    );
    // Two days on there is nothing to offer: the note.
    t.app.set_wall_clock(two_days_on);
    t.tick(TEN_MINUTES + 86_400_000);
    t.tick(TEN_MINUTES + 86_400_000);
    let screen = t.screen(80, 24, TEN_MINUTES + 86_400_000);
    assert!(!screen.contains("Mark"), "{screen}");
    assert!(screen.contains("A note for later"), "{screen}");
    t.keys(TEN_MINUTES + 86_400_000, &["y"]);
    assert!(day_lines(&t).is_empty());
}

#[test]
fn home_asks_about_the_new_day_after_midnight() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.set_wall_clock(late_evening);
    t.app.refresh_days();
    assert!(
        t.screen(80, 24, 0)
            .contains("Headache today?  y yes · n no")
    );
    t.keys(0, &["n"]);
    t.tick(5_000);
    assert_eq!(day_lines(&t).len(), 1);
    // Home wakes at midnight, and asks about the new day.
    // (The test's clock stands still: midnight is ten minutes from any instant.)
    assert_eq!(t.app.deadline(t.at(5_000)), Some(t.at(5_000 + TEN_MINUTES)));
    t.app.set_wall_clock(past_midnight);
    t.tick(TEN_MINUTES);
    let screen = t.screen(80, 24, TEN_MINUTES);
    assert!(
        screen.contains("Headache today?  y yes · n no · d yesterday"),
        "{screen}"
    );
}
