//! A screen that is kind to a sore head: the pacer never becomes
//! a big bright block, reduced motion never flashes, and every key does what the footer
//! says.

use crate::common;

use common::TestApp;
use knotless::model::config::{Motion, ThemeName};
use knotless::ui::pacer::solid_cells;

/// The most of the screen that may be solid block at any instant, counting everything
/// drawn (the pacer, the big digits, the progress bar): 2%. At 200×50 that is 200 cells —
/// about a 14×14 patch spread thinly over a rim and the digits, against the 1,400 cells
/// (53×27) the old filled disc lit. See docs/reliability.md ("A gentle screen").
const SOLID_SHARE: f64 = 0.02;

/// The default pattern (extended-exhale: 4 s in, 6 s out).
const DEFAULT: &str = "extended-exhale";

/// A breathing exercise of 6 breaths of `pattern`, chosen on the setup screen, its rating
/// skipped.
fn breathing(pattern: &str, motion: Motion) -> TestApp {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.change_config(|c| c.motion = motion);
    let patterns = &t.app.lib().patterns;
    let at = patterns.iter().position(|p| p.id == pattern).unwrap();
    let ups = vec!["Up"; patterns.len()];
    t.keys(0, &["b"]);
    t.keys(0, &ups);
    for _ in 0..at {
        t.keys(0, &["Down"]);
    }
    // Then "How is your head right now?": Enter skips it.
    t.keys(0, &["Tab", "Enter", "Enter"]);
    assert_eq!(t.app.screen().title(), "Breathing");
    t
}

fn footer(t: &mut TestApp, w: u16, h: u16, ms: u64) -> String {
    t.screen(w, h, ms).lines().last().unwrap_or("").to_string()
}

#[test]
fn no_pacer_frame_at_200x50_is_a_big_solid_block() {
    let patterns = TestApp::new(ThemeName::Calm, None)
        .app
        .lib()
        .patterns
        .clone();
    let limit = SOLID_SHARE * 200.0 * 50.0;
    let mut worst: f64 = 0.0;
    for motion in [Motion::Smooth, Motion::Reduced] {
        for (i, pattern) in patterns.iter().enumerate() {
            let mut t = breathing(&pattern.id, motion);
            let cycle = pattern.cycle().as_millis() as u64;
            // The 3 s count-in, then one whole breath, every 150 ms: every size and every
            // reduced-motion step is drawn.
            let mut ms = 0;
            while ms < 3_000 + cycle + 500 && t.app.screen().title() == "Breathing" {
                t.tick(ms);
                let buf = t.buffer(200, 50, ms);
                let solid = solid_cells(&buf);
                worst = worst.max(solid);
                assert!(
                    solid <= limit,
                    "{motion:?}, pattern {i}, {ms} ms: {solid} solid cells\n{}",
                    common::buffer_text(&buf)
                );
                ms += 150;
            }
        }
    }
    // The routine player's pacer, beside the big countdown.
    for motion in [Motion::Smooth, Motion::Reduced] {
        let mut t = TestApp::new(ThemeName::Calm, None);
        t.app.change_config(|c| c.motion = motion);
        t.app.change_config(|c| c.ask_ratings = false);
        t.keys(0, &["Enter", "Enter"]);
        assert_eq!(t.app.screen().title(), "Player");
        for ms in (0..25_000).step_by(150) {
            t.tick(ms);
            let buf = t.buffer(200, 50, ms);
            let solid = solid_cells(&buf);
            worst = worst.max(solid);
            assert!(
                solid <= limit,
                "player {motion:?} at {ms} ms: {solid}\n{}",
                common::buffer_text(&buf)
            );
        }
    }
    eprintln!("worst frame: {worst} solid cells of {limit} allowed");
}

#[test]
fn reduced_motion_changes_the_shape_in_small_steps() {
    let mut t = breathing(DEFAULT, Motion::Reduced);
    let mut last: Option<f64> = None;
    let mut changes = 0;
    for ms in (3_000..30_000).step_by(50) {
        t.tick(ms);
        let solid = solid_cells(&t.buffer(200, 50, ms));
        if let Some(prev) = last {
            // A step adds or takes away a thin rim, never a block.
            assert!((solid - prev).abs() <= 40.0, "{ms} ms: {prev} → {solid}");
            changes += usize::from(solid != prev);
        }
        last = Some(solid);
    }
    assert!(changes >= 6, "the shape moves: {changes} changes");
}

#[test]
fn breathing_keys_never_end_or_restart_without_asking() {
    let mut t = breathing(DEFAULT, Motion::Smooth);
    t.tick(3_000);
    t.tick(12_000);
    let before = t.screen(80, 24, 12_000);
    for k in ["Right", "Left", "r", "n", "p"] {
        t.keys(12_000, &[k]);
        assert_eq!(t.app.screen().title(), "Breathing", "{k} must not end it");
        assert_eq!(
            t.screen(80, 24, 12_000),
            before,
            "{k} must not restart or skip"
        );
    }
    let foot = footer(&mut t, 80, 24, 12_000);
    assert!(
        !foot.contains("skip") && !foot.contains("restart"),
        "{foot}"
    );
}

#[test]
fn plus_and_minus_move_one_breath_and_the_plan_follows() {
    // extended-exhale: 4 s in, 6 s out; 6 breaths = 60 s.
    let mut t = breathing(DEFAULT, Motion::Smooth);
    assert!(t.screen(80, 24, 0).contains("Breathing: extended-exhale"));
    t.tick(3_000);
    t.tick(5_000);
    let foot = footer(&mut t, 80, 24, 5_000);
    assert!(foot.contains("+/- 1 breath (10 s)"), "{foot}");
    assert!(!foot.contains("15 s"), "{foot}");
    assert!(t.screen(80, 24, 5_000).contains("breath 1 of 6"));
    t.keys(5_000, &["+"]);
    assert!(t.screen(80, 24, 5_000).contains("breath 1 of 7"));
    t.keys(5_000, &["+", "-"]);
    assert!(t.screen(80, 24, 5_000).contains("breath 1 of 7"));
    // 7 breaths of 10 s end at 3 + 70 s.
    t.tick(73_000);
    assert_eq!(t.app.screen().title(), "Finished");
    let screen = t.screen(80, 24, 73_000);
    assert!(screen.contains("1:10 of 1:10 active"), "{screen}");
    let history =
        std::fs::read_to_string(knotless::store::history::history_path(t.data.path())).unwrap();
    let rec: serde_json::Value = serde_json::from_str(history.lines().next().unwrap()).unwrap();
    assert_eq!(rec["planned_secs"], 70.0);
    assert_eq!(rec["outcome"], "completed");
}

#[test]
fn the_footer_says_resume_while_paused() {
    let mut t = breathing(DEFAULT, Motion::Smooth);
    t.tick(3_000);
    assert!(footer(&mut t, 80, 24, 4_000).contains("Space pause"));
    t.keys(4_000, &["Space"]);
    let foot = footer(&mut t, 80, 24, 4_000);
    assert!(foot.contains("Space resume"), "{foot}");
    t.keys(5_000, &["Space"]);
    assert!(footer(&mut t, 80, 24, 5_000).contains("Space pause"));
}

#[test]
fn help_over_a_running_step_pauses_it_while_open() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.change_config(|c| c.ask_ratings = false);
    t.keys(0, &["Enter", "Enter"]);
    t.tick(6_000);
    assert!(footer(&mut t, 80, 24, 6_000).contains("Space pause"));
    t.keys(6_000, &["?"]);
    assert!(t.app.help_open());
    assert!(
        t.app.deadline(t.at(7_000)).is_none(),
        "no wake-ups under help"
    );
    t.keys(60_000, &["?"]);
    // Closing help goes on where it was: the step runs again.
    let foot = footer(&mut t, 80, 24, 60_000);
    assert!(foot.contains("Space pause"), "{foot}");
    assert!(t.app.deadline(t.at(60_000)).is_some());
    // Paused by the user first, it stays paused after help.
    t.keys(61_000, &["Space", "?", "?"]);
    let foot = footer(&mut t, 80, 24, 62_000);
    assert!(foot.contains("Space resume"), "{foot}");
}

#[test]
fn without_ratings_the_before_footer_offers_no_rating() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app.change_config(|c| c.ask_ratings = false);
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    let foot = footer(&mut t, 80, 24, 0);
    assert!(!foot.contains("0-10"), "{foot}");
    assert!(foot.contains("Enter start"), "{foot}");
    // Typing a digit does nothing; Enter starts.
    t.keys(0, &["5"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    t.keys(0, &["Enter"]);
    assert_eq!(t.app.screen().title(), "Player");
}

#[test]
fn after_arrows_pick_a_rating_enter_says_it_saves() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["Enter"]);
    assert!(footer(&mut t, 80, 24, 0).contains("Enter skip"));
    t.keys(0, &["Right", "Right"]);
    let foot = footer(&mut t, 80, 24, 0);
    assert!(foot.contains("Enter save"), "{foot}");
    assert!(!foot.contains("skip"), "{foot}");

    // The same on the finish screen.
    let mut t = breathing(DEFAULT, Motion::Smooth);
    t.tick(3_000);
    t.tick(63_000);
    assert_eq!(t.app.screen().title(), "Finished");
    assert!(footer(&mut t, 80, 24, 63_000).contains("Enter skip"));
    // (A moment after it is drawn: a → carried over from the player marks nothing.)
    t.keys(63_000, &["Right"]);
    assert!(footer(&mut t, 80, 24, 63_000).contains("Enter skip"));
    t.keys(64_000, &["Right"]);
    let foot = footer(&mut t, 80, 24, 64_000);
    assert!(foot.contains("Enter save"), "{foot}");
}

#[test]
fn esc_on_your_head_is_at_8_goes_back_to_the_question() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    // The first routine on home presses; find one that does.
    t.keys(0, &["/", "n", "e", "c", "k", "Enter", "Enter", "8"]);
    let screen = t.screen(80, 24, 0);
    assert!(screen.contains("Your head is at 8"), "{screen}");
    assert!(footer(&mut t, 80, 24, 0).contains("Esc back to the question"));
    t.keys(0, &["Esc"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    let screen = t.screen(80, 24, 0);
    assert!(screen.contains("How is your head right now?"), "{screen}");
    t.keys(0, &["3"]);
    assert_eq!(t.app.screen().title(), "Player");
}

// ---- every screen at 80×24, 40×12 and 200×50 ----

const SIZES: [(u16, u16); 3] = [(80, 24), (40, 12), (200, 50)];

fn snap_all(t: &mut TestApp, ms: u64, name: &str) {
    for (w, h) in SIZES {
        let screen = t.screen(w, h, ms);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

/// A routine from home by filter, with ratings on: the before screen.
fn before(filter: &str) -> TestApp {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["/"]);
    for c in filter.chars() {
        t.keys(0, &[&c.to_string()]);
    }
    t.keys(0, &["Enter", "Enter"]);
    assert_eq!(t.app.screen().title(), "Before you start");
    t
}

#[test]
fn snapshots_home() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["j"]); // neck release: several long cautions
    snap_all(&mut t, 0, "gentle_home");
}

#[test]
fn snapshots_before() {
    let mut t = before("evening");
    snap_all(&mut t, 0, "gentle_before");
}

#[test]
fn snapshots_player_with_pacer() {
    let mut t = before("evening");
    t.keys(0, &["Enter"]);
    t.tick(5_000); // the get-ready ends
    // Past the transition to "Rest on the balls": a pacer, a drawing, a caution.
    t.keys(5_000, &["Right", "Right"]);
    t.tick(5_000);
    t.tick(7_500);
    snap_all(&mut t, 7_500, "gentle_player");
}

#[test]
fn snapshots_breathing_pacer_smooth_and_reduced() {
    for (motion, name) in [
        (Motion::Smooth, "gentle_breathing_smooth"),
        (Motion::Reduced, "gentle_breathing_reduced"),
    ] {
        let mut t = breathing(DEFAULT, motion);
        t.tick(3_000);
        t.tick(5_500); // 2.5 s into the first 4 s in-breath
        snap_all(&mut t, 5_500, name);
    }
}

#[test]
fn snapshots_finish_with_a_partial_step() {
    let mut t = before("full");
    t.keys(0, &["Enter"]);
    t.tick(5_000);
    for _ in 0..4 {
        t.keys(5_000, &["Right"]);
    }
    t.tick(5_000);
    t.tick(9_000);
    t.tick(30_000);
    t.keys(30_000, &["q", "y"]);
    assert_eq!(t.app.screen().title(), "Finished");
    snap_all(&mut t, 30_000, "gentle_finish");
    let small = t.screen(40, 12, 30_000);
    assert!(
        small.contains("◐"),
        "the partial step shows at 40×12:\n{small}"
    );
}

// ---- every caution visible and layouts that hold ----

use common::ctx::World;
use knotless::core::session::StageKind;
use knotless::screens::{Nav, Route};

/// Words separated by single spaces, with a hyphen broken at a line end joined again.
fn words(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("- ", "-")
}

/// Every bundled routine in `world`'s player, stage by stage (`→` skips to the next): `at`
/// is given the routine, its player and the time of each stage.
fn every_stage(
    world: &World,
    mut at: impl FnMut(&knotless::model::routine::Routine, &mut knotless::screens::player::Player, u64),
) {
    for routine in &world.lib.routines {
        let mut p = world.player(routine);
        let mut ms = 0;
        for _ in 0..400 {
            at(routine, &mut p, ms);
            ms += 10;
            if !matches!(world.press(&mut p, "Right", ms).0, Nav::Stay) {
                break;
            }
        }
    }
}

/// The text of columns `x0..x1` of every row of `buf`, as words.
fn column_text(buf: &ratatui::buffer::Buffer, x0: u16, x1: u16) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in x0..x1 {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push(' ');
    }
    words(&out)
}

/// Every stage of every routine — the get-ready and "Next:" screens, each step, running and
/// paused — at 40×12 and 80×24: the caution of the step shown or coming up is complete, and
/// a step that works the body shows the stop line (in full at 80×24).
#[test]
fn the_player_never_cuts_a_caution_or_the_stop_line() {
    use knotless::model::routine::{STOP_LINE, STOP_LINE_SHORT};
    let mut world = World::new();
    world.lib = knotless::library::Library::load(None);
    let (mut segments, mut interludes, mut stop_lines) = (0, 0, 0);
    for routine in &world.lib.routines {
        let mut p = world.player(routine);
        let mut ms = 0;
        for _ in 0..400 {
            let v = p.run().session.view(world.at(ms));
            let kind = v.kind;
            let (step, segment) = match v.kind {
                StageKind::Segment => (v.step.cloned(), true),
                StageKind::GetReady | StageKind::Transition => {
                    (v.next.as_ref().map(|u| u.step.clone()), false)
                }
                StageKind::SwitchSides | StageKind::Finished => (None, false),
            };
            if let Some(step) = step {
                for paused in [false, true] {
                    if paused {
                        world.press(&mut p, "Space", ms);
                    }
                    for (w, h) in [(40, 12), (80, 24)] {
                        let shown = world.text(&mut p, w, h, ms);
                        let screen = words(&shown);
                        let at = format!("{} {kind:?} (paused: {paused}) at {w}×{h}", routine.id);
                        if let Some(c) = &step.caution {
                            assert!(
                                screen.contains(&words(c)),
                                "{at}: the caution is cut\n{shown}"
                            );
                        }
                        if segment && step.works_the_body() {
                            let full = screen.contains(&words(STOP_LINE));
                            assert!(
                                full || (w < 80 && screen.contains(&words(STOP_LINE_SHORT))),
                                "{at}: no whole stop line\n{shown}"
                            );
                            stop_lines += 1;
                        }
                        if paused {
                            assert!(screen.contains("PAUSED"), "{at}\n{shown}");
                        }
                    }
                    if paused {
                        world.press(&mut p, "Space", ms);
                    }
                }
                if segment {
                    segments += 1;
                } else {
                    interludes += 1;
                }
            }
            ms += 10;
            if !matches!(world.press(&mut p, "Right", ms).0, Nav::Stay) {
                break;
            }
        }
    }
    assert!(segments > 100, "{segments} steps checked");
    assert!(
        interludes > 80,
        "{interludes} get-ready and Next screens checked"
    );
    assert!(stop_lines > 200, "{stop_lines} stop lines checked");
}

/// The pause after a step that pressed a spot (the "Next:" screen and the switch of sides)
/// is that spot's rest, as the safety check counts it: it says to let go and rest, at
/// every size, and only after a step that pressed — and not before a step that goes straight
/// on pressing the same spot after a pause too short to be a break for it.
#[test]
fn the_pause_after_a_pressed_step_says_to_let_go_and_rest() {
    const LET_GO: &str = "Let go of the pressure and rest.";
    let mut world = World::new();
    world.lib = knotless::library::Library::load(None);
    let (mut said, mut unsaid, mut kept_on) = (0, 0, 0);
    let mut before: Option<knotless::model::routine::Step> = None;
    every_stage(&world, |_, p, ms| {
        let v = p.run().session.view(world.at(ms));
        match v.kind {
            StageKind::Segment => before = v.step.cloned(),
            StageKind::Transition | StageKind::SwitchSides => {
                let presses =
                    |s: &knotless::model::routine::Step| s.pressure.is_some_and(|p| p.high > 0);
                // Going straight on pressing the same spot after a pause too short to be a
                // break ("Stay on the balls"): no "let go".
                let next = v.next.as_ref().map(|u| u.step);
                let goes_on = v.kind == StageKind::Transition
                    && v.planned < knotless::core::content::REST_BREAK
                    && before.as_ref().zip(next).is_some_and(|(b, n)| {
                        presses(n) && b.region.is_some() && b.region == n.region
                    });
                let pressed = before.as_ref().is_some_and(presses) && !goes_on;
                let kind = v.kind;
                for (w, h) in [(40, 12), (80, 24), (200, 50)] {
                    let shown = world.text(p, w, h, ms);
                    assert_eq!(
                        words(&shown).contains(LET_GO),
                        pressed,
                        "{kind:?} after {:?} at {w}×{h}\n{shown}",
                        before.as_ref().map(|s| &s.title)
                    );
                }
                if pressed {
                    said += 1;
                } else {
                    unsaid += 1;
                }
                kept_on += usize::from(goes_on);
            }
            _ => before = None,
        }
    });
    assert!(said > 20, "{said} pauses after a pressed step");
    assert!(kept_on > 0, "{kept_on} pauses that go straight on");
    assert!(
        unsaid > 5,
        "{unsaid} pauses after a step that did not press"
    );
}

/// Every step of every bundled routine at 40×12 and 80×24: what to do with your hands is
/// on screen (the instructions' first words), with a "↓ more" mark when not all of them are,
/// ↓ scrolls through every word of them, and the caution and the stop line stay whole
/// meanwhile.
#[test]
fn the_player_shows_every_steps_instructions_or_says_there_is_more() {
    use knotless::model::routine::{STOP_LINE, STOP_LINE_SHORT};
    let mut world = World::new();
    world.lib = knotless::library::Library::load(None);
    let (mut steps, mut scrolled) = (0, 0);
    every_stage(&world, |routine, p, ms| {
        let v = p.run().session.view(world.at(ms));
        let step = (v.kind == StageKind::Segment)
            .then(|| v.step.cloned())
            .flatten();
        if let Some(step) = step {
            steps += 1;
            let all = words(&step.instructions);
            let first: String = all.split(' ').take(3).collect::<Vec<_>>().join(" ");
            for (w, h) in [(40, 12), (40, 13), (60, 15), (80, 24)] {
                let at = format!("{} {:?} at {w}×{h}", routine.id, step.title);
                let shown = world.text(p, w, h, ms);
                let screen = words(&shown);
                assert!(
                    screen.contains(&first),
                    "{at}: the instructions' first words are not shown\n{shown}"
                );
                if !screen.contains(&all) {
                    assert!(shown.contains("↓ more"), "{at}: no more mark\n{shown}");
                }
                // ↓ shows the rest, word by word, and the mark goes.
                let mut seen: std::collections::BTreeSet<String> =
                    screen.split(' ').map(str::to_string).collect();
                for _ in 0..20 {
                    if !world.text(p, w, h, ms).contains("↓ more") {
                        break;
                    }
                    world.press(p, "Down", ms);
                    scrolled += 1;
                    let shown = world.text(p, w, h, ms);
                    let screen = words(&shown);
                    seen.extend(screen.split(' ').map(str::to_string));
                    if let Some(c) = &step.caution {
                        assert!(screen.contains(&words(c)), "{at}: caution cut\n{shown}");
                    }
                    if step.works_the_body() {
                        assert!(
                            screen.contains(&words(STOP_LINE))
                                || screen.contains(&words(STOP_LINE_SHORT)),
                            "{at}: stop line cut\n{shown}"
                        );
                    }
                }
                let end = world.text(p, w, h, ms);
                assert!(!end.contains("↓ more"), "{at}: ↓ never ends\n{end}");
                let unseen: Vec<&str> = all.split(' ').filter(|w| !seen.contains(*w)).collect();
                assert!(unseen.is_empty(), "{at}: never shown: {unseen:?}\n{end}");
                // ↑ goes back to the first words.
                for _ in 0..20 {
                    world.press(p, "Up", ms);
                }
                let top = words(&world.text(p, w, h, ms));
                assert!(top.contains(&first), "{at}: ↑ does not go back\n{top}");
            }
        }
    });
    assert!(steps > 100, "{steps} steps checked");
    assert!(scrolled > 0, "nothing needed scrolling");
}

/// The pause before a step shows the coming step's instructions, and when they do not all
/// fit it says so with a "…" row, under the whole caution (at 40×12 they were cut with
/// nothing to say so).
#[test]
fn the_pause_before_a_step_marks_instructions_it_cuts() {
    let mut world = World::new();
    world.lib = knotless::library::Library::load(None);
    let (mut pauses, mut cut) = (0, 0);
    every_stage(&world, |routine, p, ms| {
        let v = p.run().session.view(world.at(ms));
        let coming = matches!(v.kind, StageKind::GetReady | StageKind::Transition)
            .then(|| v.next.as_ref().map(|u| u.step.clone()))
            .flatten();
        if let Some(step) = coming {
            pauses += 1;
            for (w, h) in [(40, 12), (80, 24)] {
                let at = format!("{} before {:?} at {w}×{h}", routine.id, step.title);
                let shown = world.text(p, w, h, ms);
                let screen = words(&shown);
                if let Some(c) = &step.caution {
                    assert!(screen.contains(&words(c)), "{at}: caution cut\n{shown}");
                }
                if !screen.contains(&words(&step.instructions)) {
                    cut += 1;
                    assert!(
                        shown.lines().any(|l| l.trim() == "…"),
                        "{at}: instructions cut without a mark\n{shown}"
                    );
                }
            }
        }
    });
    assert!(pauses > 50, "{pauses} pauses checked");
    assert!(cut > 0, "nothing was cut");
}

/// The first-run notice at 40×12 and 80×24: a "more" mark while there is more below, PgDn
/// pages through every line of it, End shows the last line and Home the first.
#[test]
fn the_notice_scrolls_to_its_last_line_with_a_more_mark() {
    use knotless::core::notice::{EMERGENCY, NOTICE, RED_FLAGS, URGENT};
    let notice = Route::Notice {
        review: false,
        then: None,
    };
    let last_words = |s: &str| {
        let w: Vec<&str> = s.split_whitespace().collect();
        w[w.len() - 4..].join(" ")
    };
    for (w, h) in [(40, 12), (80, 24)] {
        let mut t = TestApp::new(ThemeName::Calm, Some(notice.clone()));
        let first = t.screen(w, h, 0);
        assert!(first.contains("↓ more below"), "{w}×{h}:\n{first}");
        // Line by line, every line is seen: the top row of each position, then the rest
        // of the last one.
        let mut rows: Vec<String> = Vec::new();
        for _ in 0..200 {
            let screen = t.screen(w, h, 0);
            let lines: Vec<&str> = screen.lines().collect();
            if !screen.contains("↓ more below") {
                rows.extend(lines[..lines.len() - 1].iter().map(|l| l.to_string()));
                break;
            }
            rows.push(lines[0].to_string());
            t.keys(0, &["Down"]);
        }
        let seen = words(&rows.join("\n"));
        for text in [NOTICE, EMERGENCY, URGENT].iter().chain(RED_FLAGS.iter()) {
            assert!(
                seen.contains(&words(text)),
                "{w}×{h}: not all shown: {text}\n{seen}"
            );
        }
        // PgDn moves a page; End shows the last line.
        t.keys(0, &["Home", "PageDown"]);
        let paged = t.screen(w, h, 0);
        assert_ne!(paged, first, "{w}×{h}: PgDn moves");
        let end = {
            t.keys(0, &["Home", "End"]);
            t.screen(w, h, 0)
        };
        assert!(words(&end).contains(&last_words(URGENT)), "{w}×{h}:\n{end}");
        assert!(!end.contains("↓ more below"), "{w}×{h}:\n{end}");
        // At the end, PgDn "more" is no longer offered; at the top it is.
        assert!(!end.contains("PgDn more"), "{w}×{h}:\n{end}");
        t.keys(0, &["Home"]);
        assert!(t.screen(w, h, 0).contains("PgDn more"), "{w}×{h}");
        assert!(t.screen(w, h, 0).contains("Important"), "{w}×{h}");
    }
}

#[test]
fn home_shows_the_summary_and_every_caution_and_scrolls_to_the_end() {
    let n = TestApp::new(ThemeName::Calm, None).app.lib().routines.len();
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["g"]);
    for i in 0..n {
        if i > 0 {
            t.keys(0, &["j"]);
        }
        // The pane at 80×24 is columns 38..80; its text is 40..78. Taller windows show it
        // all; at 80×24 the summary and cautions come first.
        let tall = t.buffer(80, 120, 0);
        let all = column_text(&tall, 40, 78);
        // The selected routine, by the pane's title.
        let title: String = (38..80).map(|x| tall[(x, 1)].symbol()).collect();
        let r = t.app.lib().routines.iter().find(|r| {
            let name = knotless::model::format::fit(&r.name, 38);
            title.contains(&format!(" {} ", name.trim_end()))
        });
        let r = r
            .cloned()
            .unwrap_or_else(|| panic!("no routine titled {title}"));
        let short = column_text(&t.buffer(80, 24, 0), 40, 78);
        if !r.summary.is_empty() {
            let first: String = words(&r.summary)
                .split(' ')
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                short.contains(&first),
                "{}: summary dropped:\n{short}",
                r.id
            );
        }
        for c in &r.cautions {
            assert!(
                all.contains(&words(c)),
                "{}: caution missing: {c}\n{all}",
                r.id
            );
        }
        if let (Some(c), Some(step)) = (r.cautions.last(), r.steps.first()) {
            let caution_at = all.find(&words(c)).unwrap();
            let step_at = all.find(&format!("1 {}", words(&step.title)));
            assert!(
                step_at.is_none_or(|s| s > caution_at),
                "{}: cautions come before the steps",
                r.id
            );
        }
        // Scrolling reaches the end of the pane at 80×24.
        t.buffer(80, 24, 0);
        t.keys(0, &["]"; 30]);
        let bottom = column_text(&t.buffer(80, 24, 0), 40, 78);
        assert!(
            bottom.contains("Not done yet") || bottom.contains("Last done"),
            "{}: scrolled to the end:\n{bottom}",
            r.id
        );
        t.keys(0, &["["; 30]);
    }
}

#[test]
fn the_before_screen_at_40x12_shows_a_caution() {
    let mut t = before("evening");
    let screen = words(&t.screen(40, 12, 0));
    assert!(
        screen.contains("The balls go either side of the spine"),
        "{screen}"
    );
}

#[test]
fn enlarging_the_window_drops_a_scroll_it_no_longer_needs() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.keys(0, &["G"]);
    let small = t.screen(40, 12, 0);
    assert!(
        !small.contains("NECK"),
        "scrolled to the end at 40×12:\n{small}"
    );
    let big = t.screen(40, 60, 0);
    assert!(big.contains("NECK"), "the whole list from the top:\n{big}");
}

#[test]
fn a_cut_next_line_ends_with_an_ellipsis() {
    let routines = TestApp::new(ThemeName::Calm, None)
        .app
        .lib()
        .routines
        .clone();
    let mut cut = 0;
    for routine in routines {
        let mut t = TestApp::new(
            ThemeName::Calm,
            Some(Route::Player {
                routine,
                before: Default::default(),
            }),
        );
        let mut ms = 0;
        t.keys(ms, &["Right"]);
        while t.app.screen().title() == "Player" && ms < 2_000 {
            let next = |t: &mut TestApp, w, h| {
                t.screen(w, h, ms)
                    .lines()
                    .find(|l| l.trim_start().starts_with("Next:"))
                    .map(|l| l.trim().to_string())
            };
            // Narrow and tall: at 40×12 a step's "Next:" row mostly gives way to what to do.
            if let (Some(full), Some(small)) = (next(&mut t, 200, 50), next(&mut t, 40, 24))
                && full != small
            {
                assert!(small.ends_with('…'), "{small:?} cut from {full:?}");
                assert!(
                    full.starts_with(small.trim_end_matches('…')),
                    "{small:?} / {full:?}"
                );
                cut += 1;
            }
            ms += 10;
            t.keys(ms, &["Right"]);
        }
    }
    assert!(
        cut > 0,
        "some Next lines are long enough to be cut at 40 columns"
    );
}

#[test]
fn no_stats_view_at_200x50_is_a_big_solid_block() {
    let limit = SOLID_SHARE * 200.0 * 50.0;
    let mut worst: f64 = 0.0;
    for theme in [ThemeName::Calm, ThemeName::Dim] {
        let mut t = TestApp::new(theme, None);
        common::year::write(t.data.path(), common::fixed_now().date());
        t.keys(0, &["s"]);
        assert_eq!(t.app.screen().title(), "Stats");
        // Every view, the calendar over a few months, and every page of each.
        for keys in [
            &["1"][..],
            &["d"],
            &["2"],
            &["3"],
            &["Down"],
            &["4"],
            &["Left", "Left"],
        ] {
            t.keys(0, keys);
            for _ in 0..4 {
                for (w, h) in [(200, 50), (80, 24)] {
                    let buf = t.buffer(w, h, 0);
                    let solid = solid_cells(&buf);
                    worst = worst.max(solid);
                    assert!(
                        solid <= SOLID_SHARE * f64::from(w) * f64::from(h),
                        "{theme:?} {keys:?} at {w}×{h}: {solid} solid cells\n{}",
                        common::buffer_text(&buf)
                    );
                }
                t.keys(0, &["PageDown"]);
            }
        }
    }
    eprintln!("worst stats frame: {worst} solid cells of {limit} allowed at 200×50");
}
