//! Stats from figures worked out from made-up records: the page at two sizes, the keys
//! that scroll it section by section, and the period handed on.

use knotless::core::period::Period;
use knotless::core::stats::{StatsBuilder, StatsOptions};
use knotless::model::record::SessionRecord;
use knotless::screens::stats::StatsView;
use knotless::screens::{Nav, Route};

use crate::common::ctx::World;
use crate::common::{external, rec, with_pain};

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

fn stats(w: &World, period: Period) -> StatsView {
    let opts = StatsOptions::for_period(w.settings.weekly_goal, period, &w.now);
    let mut b = StatsBuilder::new(&w.now, opts);
    for r in records() {
        b.add(&r);
    }
    StatsView::new(b.finish(), &w.ctx()).with_period(period)
}

#[test]
fn the_page_at_two_sizes() {
    let w = World::new();
    let mut s = stats(&w, Period::NinetyDays);
    let text = w.text(&mut s, 100, 40, 0);
    insta::assert_snapshot!("stats_100x40", text);
    assert!(text.contains("Routines and areas: last 90 days"), "{text}");
    assert!(text.contains("1 of 3 sessions"), "{text}");
    insta::assert_snapshot!("stats_40x12", w.text(&mut s, 40, 12, 0));
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
                period: Period::Year
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
    // The last 7 days leave out the jaw session of 2 November.
    let mut s = stats(&w, Period::Week);
    let text = w.text(&mut s, 100, 40, 0);
    assert!(text.contains("Routines and areas: last 7 days"), "{text}");
    assert!(!text.contains("Title of jaw-and-temples"), "{text}");
}
