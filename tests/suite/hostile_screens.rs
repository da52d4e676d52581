//! Hostile text on screen: a long title never pushes the side or the time left off the
//! player's lines, the home header is never cut from its start, and no control character,
//! bidi override or invisible character from data reaches a drawn frame.

use crate::common;

use common::TestApp;
use knotless::model::config::ThemeName;
use knotless::model::format::is_unsafe_char;

const LONG: &str = r#"
name = "Long titles"
area = "neck"
breathing = "none"

[[steps]]
title = "Upper trapezius squeeze with a very long title that keeps going and going"
duration = "30s"
sides = "both"
pressure = "4-6"
instructions = "Grasp the top of the shoulder between thumb and fingers."
cue = "Squeeze as you breathe out."
caution = "Stop if pain spreads or tingles."
"#;

#[test]
fn a_long_two_sided_title_never_hides_the_side_or_the_time_left() {
    let mut t = TestApp::with_routines(ThemeName::Calm, &[("long-titles.toml", LONG)]);
    t.keys(
        0,
        &["/", "l", "o", "n", "g", " ", "t", "Enter", "Enter", "5"],
    );
    assert_eq!(t.app.screen().title(), "Player");
    t.tick(5_000);
    for (w, h) in [(80, 24), (40, 12), (200, 50)] {
        let screen = t.screen(w, h, 6_000);
        let lines: Vec<&str> = screen.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Upper") && l.contains("LEFT")),
            "{w}x{h}: the side is shown beside the title\n{screen}"
        );
        assert!(
            lines[0].contains("left") || lines[0].contains(":"),
            "{w}x{h}: the time left is on the top line\n{screen}"
        );
    }
}

#[test]
fn the_home_header_is_cut_at_its_end_not_its_start() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.apply_summary(knotless::app::summary::Figures {
        header: Some("Last session 2 days ago · 2 of 3 this week".into()),
        done: None,
    });
    let screen = t.screen(40, 12, 0);
    let top = screen.lines().next().unwrap();
    assert!(top.contains("Last session"), "{top}");
    let wide = t.screen(80, 24, 0);
    assert!(wide.lines().next().unwrap().contains("2 of 3 this week"));
}

#[test]
fn no_control_character_or_bidi_override_reaches_a_frame() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.apply_summary(knotless::app::summary::Figures {
        header: Some(
            "\u{1b}[2J\u{1b}]0;pwned\u{7}Last \u{202e}session\u{85} pay\u{200b}pal\u{feff}".into(),
        ),
        done: None,
    });
    t.app
        .set_status("note \u{1b}c \u{2066}x\u{9b}31m wo\u{2060}rd");
    // Named here too, so a rule that forgot the invisible ones fails this test.
    let invisible = ['\u{200b}', '\u{2060}', '\u{feff}'];
    for (w, h) in [(80, 24), (40, 12)] {
        let buf = t.buffer(w, h, 0);
        for cell in buf.content.iter() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| is_unsafe_char(c) || invisible.contains(&c)),
                "{w}x{h}: {:?} reached the frame",
                cell.symbol()
            );
        }
    }
}
