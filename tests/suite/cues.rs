//! The cue planner with made-up instants: the exact timeline of a fixture routine, and how
//! pause, skip, back, +15 s and mute change it.

use std::time::{Duration, Instant};

use knotless::core::cues::{
    self, Cue, CueOptions, Cues, SPEECH_GUARD, SpeechLengths, Timed, Tone, spoken_length,
};
use knotless::core::run::Run;
use knotless::core::session::{Options, Session};
use knotless::core::{effect::Effect, effect::SoundEffect, tone};
use knotless::model::config::TimeLeft;
use knotless::model::routine::{
    Area, AudioHint, Length, Pattern, Phase, PhaseKind, Routine, Sides, Source, Step,
};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn calm() -> Pattern {
    Pattern {
        id: "calm".into(),
        description: None,
        phases: vec![
            Phase {
                kind: PhaseKind::In,
                length: secs(4),
                label: None,
            },
            Phase {
                kind: PhaseKind::Out,
                length: secs(6),
                label: None,
            },
        ],
        source: Source::Bundled,
    }
}

fn step(title: &str, d: u64, breathing: Option<Pattern>, sides: Sides, transition: u64) -> Step {
    Step {
        title: title.into(),
        length: Length::Time(secs(d)),
        planned: secs(d),
        instructions: String::new(),
        cue: None,
        pressure: None,
        breathing: breathing.map(std::sync::Arc::new),
        caution: None,
        sides,
        art: None,
        transition: secs(transition),
        switch_cue: None,
        say: None,
        region: None,
        technique: None,
    }
}

/// Seconds from the start: get-ready 0-5, Settle 5-17 (in 4 / out 6), transition 17-22,
/// Trapezius left 22-28, switch 28-33, right 33-39, no transition, Last 39-47.
fn routine() -> Routine {
    let mut settle = step("Settle", 12, Some(calm()), Sides::None, 5);
    settle.say = Some("Let the shoulders drop".into());
    Routine {
        id: "fixture".into(),
        name: "Fixture".into(),
        area: Area::Neck,
        summary: String::new(),
        equipment: Vec::new(),
        cautions: Vec::new(),
        patterns: Vec::new(),
        steps: vec![
            settle,
            step("Trapezius", 6, None, Sides::Both, 0),
            step("Last", 8, None, Sides::None, 5),
        ],
        source: Source::Bundled,
        audio: AudioHint::Normal,
    }
}

const ALL: CueOptions = CueOptions {
    tones: true,
    breath: true,
    countdown: false,
    voice: true,
    full_voice: false,
    pause: false,
    time_left: TimeLeft::Off,
};

fn start() -> (Session, Instant) {
    let t0 = Instant::now();
    let s = Session::new(
        &routine(),
        Options { get_ready: secs(5) },
        "cue-test".into(),
        t0,
    );
    (s, t0)
}

/// A cue as "12.7 say: ..." or "5 step", seconds from `t0` (to the millisecond).
fn show(t0: Instant, t: &Timed) -> String {
    let at = t.at.duration_since(t0).as_millis() as f64 / 1000.0;
    match &t.cue {
        Cue::Tone(tone) => format!("{at} {}", tone.name()),
        Cue::Say(s) => format!("{at} say: {s}"),
    }
}

fn timeline(t0: Instant, plan: &[Timed]) -> Vec<String> {
    plan.iter().map(|t| show(t0, t)).collect()
}

#[test]
fn the_exact_timeline_of_the_fixture() {
    let (s, t0) = start();
    let plan = cues::plan(&s, t0, ALL, &SpeechLengths::default());
    assert_eq!(
        timeline(t0, &plan),
        [
            "0 say: Settle. Twelve seconds. Let the shoulders drop.",
            "5 step",
            "9 breathe-out",
            "15 breathe-in",
            "17 say: Trapezius. Left side. Six seconds.",
            "22 step",
            "28 switch-sides",
            "28.81 say: Switch to the right side.",
            "33 step",
            "39 step",
            "39.89 say: Last. Eight seconds.",
            "47 end",
            "49.23 say: That is the end of the routine.",
        ]
    );
}

#[test]
fn the_countdown_ticks_and_clears_breath_cues_before_the_end() {
    let (s, t0) = start();
    let opts = CueOptions {
        countdown: true,
        ..ALL
    };
    let plan = cues::plan(&s, t0, opts, &SpeechLengths::default());
    let got = timeline(t0, &plan);
    // Settle: the in-breath at 15 falls in the last 3.5 s and gives way to 14, 15, 16.
    assert!(got.contains(&"9 breathe-out".to_string()));
    assert!(!got.contains(&"15 breathe-in".to_string()));
    for t in [14, 15, 16, 25, 26, 27, 36, 37, 38, 44, 45, 46] {
        assert!(
            got.contains(&format!("{t} tick")),
            "no tick at {t}: {got:?}"
        );
    }
    // "Last. Eight seconds." must now end before the tick at 44: it still fits.
    assert!(got.contains(&"39.89 say: Last. Eight seconds.".to_string()));
}

#[test]
fn speech_is_shortened_to_fit_before_the_next_breath_cue() {
    let (s, t0) = start();
    let mut lens = SpeechLengths::default();
    // The full phrase would run past the out-breath at 9 s; the next version fits.
    lens.insert("Settle. Twelve seconds. Let the shoulders drop.", secs(9));
    lens.insert("Settle. Twelve seconds.", Duration::from_millis(2_000));
    let plan = cues::plan(&s, t0, ALL, &lens);
    assert_eq!(
        show(t0, &plan[0]),
        "0 say: Settle. Twelve seconds.",
        "shortened, the get-ready not lengthened"
    );
    // And where not even the title fits, nothing is said.
    lens.insert("Settle. Twelve seconds.", secs(9));
    lens.insert("Settle.", secs(9));
    let plan = cues::plan(&s, t0, ALL, &lens);
    assert_eq!(show(t0, &plan[0]), "5 step");
    // The session's timing never changed.
    assert!(timeline(t0, &plan).contains(&"47 end".to_string()));
}

/// Every spoken phrase ends (with the guard) before the next sound of any kind — a breath
/// cue, a tick, a step, switch or end chime — and starts after the chime before it has
/// ended, for every bundled routine with every option on.
#[test]
fn no_speech_overlaps_any_tone_in_any_bundled_routine() {
    let lib = knotless::library::Library::load(None);
    let opts = CueOptions {
        countdown: true,
        full_voice: true,
        time_left: TimeLeft::Half,
        ..ALL
    };
    let lens = SpeechLengths::default();
    for r in &lib.routines {
        let t0 = Instant::now();
        let s = Session::new(r, Options { get_ready: secs(5) }, "x".into(), t0);
        let plan = cues::plan(&s, t0, opts, &lens);
        let mut spoken = 0;
        for (i, t) in plan.iter().enumerate() {
            let Cue::Say(text) = &t.cue else { continue };
            spoken += 1;
            let done = t.at + lens.get(text) + SPEECH_GUARD;
            for later in &plan[i + 1..] {
                if let Cue::Tone(tone) = later.cue {
                    assert!(
                        later.at >= done,
                        "{}: \"{text}\" runs into {:?}",
                        r.id,
                        tone
                    );
                    break;
                }
            }
            for earlier in plan[..i].iter().rev() {
                if let Cue::Tone(tone) = earlier.cue {
                    assert!(
                        earlier.at + tone::length(tone) + SPEECH_GUARD <= t.at,
                        "{}: \"{text}\" starts over {tone:?}",
                        r.id
                    );
                    break;
                }
            }
        }
        assert!(
            spoken >= r.steps.len().min(2),
            "{}: only {spoken} phrases",
            r.id
        );
    }
}

#[test]
fn a_pause_shifts_every_later_cue_and_nothing_is_due_while_paused() {
    let (mut s, t0) = start();
    let before = cues::plan(&s, t0, ALL, &SpeechLengths::default());
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    for t in [0, 5, 9] {
        let ev = s.update(t0 + secs(t));
        assert_eq!(c.react(&s, &ev, t0 + secs(t), false).len(), 1);
    }
    let ev = s.toggle_pause(t0 + secs(10));
    assert!(c.react(&s, &ev, t0 + secs(10), false).is_empty());
    assert_eq!(c.next_at(false), None, "paused: no wake-up for cues");
    assert!(c.react(&s, &[], t0 + secs(20), false).is_empty());
    let ev = s.toggle_pause(t0 + secs(25));
    c.react(&s, &ev, t0 + secs(25), false);
    let after: Vec<Timed> = c.planned().cloned().collect();
    let expected: Vec<Timed> = before
        .into_iter()
        .filter(|t| t.at > t0 + secs(10))
        .map(|t| Timed {
            at: t.at + secs(15),
            cue: t.cue,
        })
        .collect();
    assert_eq!(after, expected);
}

#[test]
fn skip_replans_from_the_new_stage() {
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let ev = s.update(t0 + secs(5));
    assert_eq!(
        c.react(&s, &ev, t0 + secs(5), false),
        [
            Cue::Say("Settle. Twelve seconds. Let the shoulders drop.".into()),
            Cue::Tone(Tone::Step)
        ]
    );
    // Skip Settle at 7: the transition starts now and is spoken now.
    let ev = s.skip(t0 + secs(7));
    let now = c.react(&s, &ev, t0 + secs(7), false);
    assert_eq!(now, [Cue::Say("Trapezius. Left side. Six seconds.".into())]);
    let plan: Vec<String> = c.planned().map(|t| show(t0, t)).collect();
    assert_eq!(plan[0], "12 step");
    assert_eq!(
        plan.last().unwrap(),
        "39.23 say: That is the end of the routine."
    );
}

#[test]
fn back_replans_and_the_step_is_announced_again() {
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    for t in [5, 17, 22] {
        let ev = s.update(t0 + secs(t));
        c.react(&s, &ev, t0 + secs(t), false);
    }
    // At 23 (1 s into Trapezius left), back goes to the start of Settle.
    let ev = s.back(t0 + secs(23));
    assert_eq!(
        c.react(&s, &ev, t0 + secs(23), false),
        [Cue::Tone(Tone::Step)]
    );
    let plan: Vec<String> = c.planned().map(|t| show(t0, t)).collect();
    assert_eq!(
        plan[..3],
        [
            "27 breathe-out",
            "33 breathe-in",
            "35 say: Trapezius. Left side. Six seconds."
        ]
    );
}

#[test]
fn adding_fifteen_seconds_extends_the_breaths_and_moves_the_rest() {
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let ev = s.update(t0 + secs(6));
    c.react(&s, &ev, t0 + secs(6), false);
    let ev = s.add_time(t0 + secs(6));
    c.react(&s, &ev, t0 + secs(6), false);
    let plan: Vec<String> = c.planned().map(|t| show(t0, t)).collect();
    assert_eq!(
        plan[..6],
        [
            "9 breathe-out",
            "15 breathe-in",
            "19 breathe-out",
            "25 breathe-in",
            "29 breathe-out",
            "32 say: Trapezius. Left side. Six seconds.",
        ]
    );
    assert_eq!(
        plan.last().unwrap(),
        "64.23 say: That is the end of the routine."
    );
}

/// Runs the session with wake-ups only at the planned instants and collects what sounds.
fn run_to_end(mut c: Cues, mut s: Session) -> Vec<(Instant, Cue)> {
    let mut heard = Vec::new();
    while let Some(at) = c.next_at(false) {
        let ev = s.update(at);
        heard.extend(c.react(&s, &ev, at, false).into_iter().map(|cue| (at, cue)));
    }
    heard
}

#[test]
fn cues_arrive_at_their_instants_and_each_once() {
    let (s, t0) = start();
    let plan = cues::plan(&s, t0, ALL, &SpeechLengths::default());
    let c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let heard = run_to_end(c, s);
    let want: Vec<(Instant, Cue)> = plan.into_iter().map(|t| (t.at, t.cue)).collect();
    assert_eq!(heard, want);
}

/// The runner, woken only at [`Run::next_deadline`], hands every cue over at its planned
/// instant: the phrases between the countdown's seconds (28.81 s, 39.89 s) too, not at the
/// next second. The end line, due after the session has ended, goes out with its own
/// instant for the sound performer to keep until then.
#[test]
fn the_run_wakes_at_every_cue_and_hands_it_over_on_time() {
    let (s, t0) = start();
    let plan = cues::plan(&s, t0, ALL, &SpeechLengths::default());
    let c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let mut run = Run::new(s, jiff::Zoned::now(), Default::default()).with_cues(c);
    let mut handed: Vec<Timed> = Vec::new();
    let mut now = t0;
    while let Some(at) = run.next_deadline(now, 8, false) {
        assert!(at > now || handed.is_empty(), "woke twice at {:?}", at - t0);
        now = at;
        let ev = run.session.update(now);
        for e in run.react(&ev, now, false) {
            if let Effect::Sound(SoundEffect::Cue(t)) = e {
                assert!(t.at >= now, "{} handed over late, at {now:?}", show(t0, &t));
                handed.push(t);
            }
        }
        assert!(now < t0 + secs(120), "the session never ended");
    }
    assert_eq!(timeline(t0, &handed), timeline(t0, &plan));
}

#[test]
fn muted_emits_nothing_and_needs_no_wake_up() {
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    assert_eq!(c.next_at(true), None);
    for t in 0..60 {
        let now = t0 + secs(t);
        let ev = s.update(now);
        assert!(
            c.react(&s, &ev, now, true).is_empty(),
            "sounded at {t} s while muted"
        );
    }
    // Unmuted, what fell due meanwhile is not saved up.
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    s.update(t0 + secs(12));
    c.skip_due(t0 + secs(12));
    assert_eq!(c.react(&s, &[], t0 + secs(12), false), []);
    assert_eq!(c.next_at(false), Some(t0 + secs(15)));
}

#[test]
fn off_options_and_the_quiet_hint() {
    let (s, t0) = start();
    assert!(cues::plan(&s, t0, CueOptions::NONE, &SpeechLengths::default()).is_empty());
    let with_ticks = CueOptions {
        countdown: true,
        ..ALL
    };
    let quiet = with_ticks.with_hint(AudioHint::Quiet);
    let got = timeline(t0, &cues::plan(&s, t0, quiet, &SpeechLengths::default()));
    assert!(!got.iter().any(|c| c.contains("tick")), "{got:?}");
    assert!(
        got.contains(&"15 breathe-in".to_string()),
        "breath tones stay: {got:?}"
    );
    assert!(got.contains(&"5 step".to_string()));
    assert_eq!(ALL.with_hint(AudioHint::Off), CueOptions::NONE);
    // Voice alone: phrases, no tones, and no chime to wait for.
    let voice = CueOptions {
        voice: true,
        ..CueOptions::NONE
    };
    let got = timeline(t0, &cues::plan(&s, t0, voice, &SpeechLengths::default()));
    assert!(got.iter().all(|c| c.contains("say:")), "{got:?}");
    assert!(got.contains(&"28 say: Switch to the right side.".to_string()));
}

#[test]
fn lengths_are_spoken_in_words() {
    let t = |s| spoken_length(Length::Time(secs(s)), secs(s));
    assert_eq!(t(90), "One and a half minutes");
    assert_eq!(t(45), "Forty-five seconds");
    assert_eq!(t(1), "One second");
    assert_eq!(t(60), "One minute");
    assert_eq!(t(150), "Two and a half minutes");
    assert_eq!(t(125), "Two minutes five seconds");
    assert_eq!(t(3600), "Sixty minutes");
    assert_eq!(spoken_length(Length::Breaths(9), secs(90)), "Nine breaths");
    assert_eq!(spoken_length(Length::Breaths(1), secs(10)), "One breath");
}

#[test]
fn every_phrase_a_session_may_say_is_listed_for_rendering() {
    let r = routine();
    let all = cues::phrases(&r, ALL);
    let (s, t0) = start();
    for t in cues::plan(&s, t0, ALL, &SpeechLengths::default()) {
        if let Cue::Say(p) = t.cue {
            assert!(all.contains(&p), "{p} is not rendered ahead");
        }
    }
}

#[test]
fn taking_time_off_moves_the_rest_earlier() {
    let (mut s, t0) = start();
    let mut c = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let ev = s.update(t0 + secs(6));
    c.react(&s, &ev, t0 + secs(6), false);
    // Settle was 5-17; at 6 s, 15 s less leaves the 1 s minimum: it ends at 7.
    let ev = s.remove_time(t0 + secs(6));
    c.react(&s, &ev, t0 + secs(6), false);
    let plan: Vec<String> = c.planned().map(|t| show(t0, t)).collect();
    assert_eq!(plan[0], "7 say: Trapezius. Left side. Six seconds.");
    assert!(!plan.iter().any(|p| p.contains("breathe")), "{plan:?}");
    assert_eq!(
        plan.last().unwrap(),
        "39.23 say: That is the end of the routine."
    );
}

#[test]
fn a_long_step_gets_a_time_left_cue_where_no_breath_tone_is() {
    let mut long = step("Long", 120, Some(calm()), Sides::None, 0);
    long.say = None;
    let r = Routine {
        steps: vec![long],
        ..routine()
    };
    let t0 = Instant::now();
    let s = Session::new(&r, Options { get_ready: secs(0) }, "x".into(), t0);
    // Spoken: "Halfway." just after the breath tone nearest the middle (in 4 / out 6: a
    // breath tone at 60 s itself).
    let opts = CueOptions {
        time_left: TimeLeft::Half,
        ..ALL
    };
    let got = timeline(t0, &cues::plan(&s, t0, opts, &SpeechLengths::default()));
    assert!(got.contains(&"60.83 say: Halfway.".to_string()), "{got:?}");
    // Without the voice, a soft tone in the same kind of gap; 30 s before the end.
    let opts = CueOptions {
        voice: false,
        time_left: TimeLeft::Thirty,
        ..ALL
    };
    let got = timeline(t0, &cues::plan(&s, t0, opts, &SpeechLengths::default()));
    assert!(got.contains(&"90.83 time-left".to_string()), "{got:?}");
    // Short steps get none.
    let (s, t0) = start();
    let got = timeline(t0, &cues::plan(&s, t0, opts, &SpeechLengths::default()));
    assert!(!got.iter().any(|c| c.contains("time-left")), "{got:?}");
}

#[test]
fn pause_and_resume_sound_when_asked_for() {
    let (mut s, t0) = start();
    let opts = CueOptions { pause: true, ..ALL };
    let mut c = Cues::new(&s, t0, opts, SpeechLengths::default());
    let ev = s.update(t0 + secs(6));
    c.react(&s, &ev, t0 + secs(6), false);
    let ev = s.toggle_pause(t0 + secs(7));
    assert_eq!(
        c.react(&s, &ev, t0 + secs(7), false),
        [Cue::Tone(Tone::Pause)]
    );
    let ev = s.toggle_pause(t0 + secs(8));
    assert_eq!(
        c.react(&s, &ev, t0 + secs(8), false),
        [Cue::Tone(Tone::Resume)]
    );
    // Muted, or not asked for: nothing.
    let ev = s.toggle_pause(t0 + secs(9));
    assert!(c.react(&s, &ev, t0 + secs(9), true).is_empty());
    let mut quiet = Cues::new(&s, t0 + secs(9), ALL, SpeechLengths::default());
    let ev = s.toggle_pause(t0 + secs(10));
    assert!(quiet.react(&s, &ev, t0 + secs(10), false).is_empty());
}

/// A pause, a skip and a stop silence what plays before anything new sounds; a step that
/// ends by itself does not (its chime and the end line follow on).
#[test]
fn controls_silence_the_sound_and_timers_do_not() {
    let (s, t0) = start();
    let cues = Cues::new(&s, t0, ALL, SpeechLengths::default());
    let mut run =
        Run::new(s, knotless::app::system_wall_clock(), Default::default()).with_cues(cues);
    let silences = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Sound(SoundEffect::Silence)))
            .count()
    };
    let ev = run.session.update(t0 + secs(5));
    assert_eq!(silences(&run.react(&ev, t0 + secs(5), false)), 0, "timer");
    for (at, control) in [
        (6, "skip"),
        (7, "pause"),
        (8, "resume"),
        (9, "back"),
        (10, "stop"),
    ] {
        let now = t0 + secs(at);
        let ev = match control {
            "skip" => run.session.skip(now),
            "pause" | "resume" => run.session.toggle_pause(now),
            "back" => run.session.back(now),
            _ => run.session.stop(now),
        };
        let effects = run.react(&ev, now, false);
        let want = usize::from(control != "resume");
        assert_eq!(silences(&effects), want, "{control}: {effects:?}");
        if want == 1 {
            assert!(
                matches!(effects[0], Effect::Sound(SoundEffect::Silence)),
                "{control}: silence comes first: {effects:?}"
            );
        }
    }
}

#[test]
fn voice_full_adds_the_pressure_and_the_caution_and_drops_them_first() {
    let mut st = step("Suboccipital hold (GB20)", 90, None, Sides::Left, 5);
    st.pressure = Some(knotless::model::routine::Pressure { low: 3, high: 4 });
    st.caution = Some("Beside the spine, not on it".into());
    st.say = Some("Let it sink".into());
    assert_eq!(
        cues::step_phrases(&st, Some(knotless::model::routine::Side::Left), true),
        [
            "Suboccipital hold. Left side. One and a half minutes. Pressure 3 to 4 out of 10. Let it sink. Beside the spine, not on it.",
            "Suboccipital hold. Left side. One and a half minutes. Pressure 3 to 4 out of 10. Let it sink.",
            "Suboccipital hold. Left side. One and a half minutes. Pressure 3 to 4 out of 10.",
            "Suboccipital hold. Left side. One and a half minutes.",
            "Suboccipital hold. Left side.",
            "Suboccipital hold.",
        ]
    );
    assert_eq!(
        cues::step_phrases(&st, None, false),
        [
            "Suboccipital hold. One and a half minutes. Let it sink.",
            "Suboccipital hold. One and a half minutes.",
            "Suboccipital hold.",
        ]
    );
}

/// A routine of two pressing steps on `regions`, with a pause of `pause` seconds between.
fn pressing(regions: [knotless::model::routine::Region; 2], pause: u64) -> Routine {
    let mut steps = ["Press", "Again"].map(|t| step(t, 12, None, Sides::None, pause));
    for (s, r) in steps.iter_mut().zip(regions) {
        s.pressure = Some(knotless::model::routine::Pressure { low: 3, high: 4 });
        s.region = Some(r);
    }
    Routine {
        steps: steps.into(),
        ..routine()
    }
}

/// After a step that pressed a spot, the pause before the next step says to let go, as its
/// screen does, before it names the step (whatever of the name then fits); not when the
/// next step goes straight on pressing the same spot after a pause shorter than a break;
/// and the phrases rendered before a session include it.
#[test]
fn the_pause_after_a_pressed_step_says_to_let_go() {
    use knotless::core::session::LET_GO;
    use knotless::model::routine::Region;
    let said = |r: &Routine| {
        let t0 = Instant::now();
        let s = Session::new(r, Options { get_ready: secs(5) }, "let-go".into(), t0);
        let plan = cues::plan(&s, t0, ALL, &SpeechLengths::default());
        timeline(t0, &plan)
            .into_iter()
            .filter(|l| l.starts_with("17 say:"))
            .collect::<Vec<_>>()
    };
    let other_spot = pressing([Region::Suboccipital, Region::ShoulderTop], 5);
    assert_eq!(
        said(&other_spot),
        [format!("17 say: {LET_GO} Again.")],
        "the words first, then the name: the length no longer fits in 5 s"
    );
    let rendered = cues::phrases(&other_spot, ALL);
    assert!(rendered.contains(&format!("{LET_GO} Again. Twelve seconds.")));
    assert!(rendered.contains(&"Again. Twelve seconds.".to_string()));
    // The same spot after 5 s goes straight on: the screen does not say it either.
    assert_eq!(
        said(&pressing([Region::Suboccipital, Region::Suboccipital], 5)),
        ["17 say: Again. Twelve seconds."]
    );
    // A pause too short for the words: the step's name alone, as before.
    let mut lens = SpeechLengths::default();
    lens.insert(&format!("{LET_GO} Again. Twelve seconds."), secs(9));
    lens.insert(&format!("{LET_GO} Again."), secs(9));
    let t0 = Instant::now();
    let s = Session::new(&other_spot, Options { get_ready: secs(5) }, "x".into(), t0);
    let plan = cues::plan(&s, t0, ALL, &lens);
    assert!(timeline(t0, &plan).contains(&"17 say: Again. Twelve seconds.".to_string()));
}
