//! The bundled routines follow the content guide's hard limits (shared/content/ROUTINE-GUIDE.md):
//! pressure ceilings, no breath holds or sighs during pressure, hold lengths, cautions,
//! honest wording. Users press on their own necks because of what these files say.

use std::time::Duration;

use knotless::library::Library;
use knotless::model::routine::{Area, Length, Routine, Step};

fn lib() -> Library {
    let lib = Library::load(None);
    assert!(lib.problems.is_empty(), "{:#?}", lib.problems);
    lib
}

fn pressure_steps(r: &Routine) -> impl Iterator<Item = &Step> {
    r.steps.iter().filter(|s| s.pressure.is_some())
}

/// Head, face, jaw and the suboccipitals: 3-4 at most (guide §0 rule 3, §2.2).
fn is_head_or_face(r: &Routine, s: &Step) -> bool {
    let words = [
        "scalp",
        "temple",
        "jaw",
        "masseter",
        "skull",
        "suboccipital",
        "forehead",
        "occipital",
        "face",
    ];
    let text = format!("{} {}", s.title, s.instructions).to_lowercase();
    matches!(r.area, Area::Scalp | Area::Jaw)
        || words.iter().any(|w| s.title.to_lowercase().contains(w))
        || (words[..4].iter().any(|w| text.contains(w)) && !text.contains("shoulder"))
}

#[test]
fn the_bundled_set_is_complete() {
    let lib = lib();
    assert!(lib.routines.len() >= 10);
    for area in [
        Area::Scalp,
        Area::Neck,
        Area::Shoulders,
        Area::Jaw,
        Area::UpperBack,
        Area::HandsFeet,
        Area::Breathing,
        Area::Mixed,
    ] {
        assert!(
            lib.routines.iter().any(|r| r.area == area),
            "no {area} routine"
        );
    }
    for id in [
        "relaxed",
        "resonance",
        "extended-exhale",
        "cyclic-sigh",
        "box",
        "4-7-8",
    ] {
        assert!(lib.pattern(id).is_some(), "missing pattern {id}");
    }
    for id in [
        "suboccipital-balls",
        "shoulders-ball-wall",
        "upper-back-roller",
        "desk-reset",
        "migraine-day",
        "full-between-sessions",
    ] {
        assert!(lib.routine(id).is_some(), "missing routine {id}");
    }
    for art in [
        "suboccipitals",
        "upper-trapezius",
        "levator",
        "jaw-temple",
        "foam-roller",
    ] {
        assert!(lib.art.contains_key(art), "missing drawing {art}");
    }
}

#[test]
fn pressure_stays_under_the_ceilings() {
    for r in &lib().routines {
        for s in pressure_steps(r) {
            let p = s.pressure.unwrap();
            assert!(p.high <= 7, "{}: {} above 7", r.id, s.title);
            assert!(p.high <= 6, "{}: {} above the 6/10 ceiling", r.id, s.title);
            if is_head_or_face(r, s) {
                assert!(
                    p.high <= 4,
                    "{}: {} is head/face/jaw work above 4/10",
                    r.id,
                    s.title
                );
            }
        }
    }
}

#[test]
fn no_breath_holds_or_sighs_during_pressure() {
    for r in &lib().routines {
        for s in pressure_steps(r) {
            if let Some(p) = &s.breathing {
                assert!(
                    !p.has_holds(),
                    "{}: {} uses {} while pressing",
                    r.id,
                    s.title,
                    p.id
                );
                assert_ne!(
                    p.id, "cyclic-sigh",
                    "{}: {} sighs while pressing",
                    r.id, s.title
                );
            }
        }
    }
}

#[test]
fn holds_are_short() {
    for r in &lib().routines {
        for s in pressure_steps(r) {
            // Guide §0 rule 4: max ~2 min on one spot (the balls-in-a-sock rest may reach 3);
            // moving techniques (circles, strokes, rolling) may run up to 4 (§2.1, §2.7).
            let title = s.title.to_lowercase();
            let moving = ["circle", "walk", "roll", "stroke", "knead", "massage"]
                .iter()
                .any(|w| title.contains(w));
            let limit = if moving {
                240
            } else if r.id == "suboccipital-balls" {
                180
            } else {
                120
            };
            assert!(
                s.planned <= Duration::from_secs(limit),
                "{}: {} holds {:?}",
                r.id,
                s.title,
                s.planned
            );
        }
        for s in &r.steps {
            if s.breathing.as_ref().is_some_and(|p| p.id == "4-7-8") {
                assert!(
                    matches!(s.length, Length::Breaths(n) if n <= 4),
                    "{}: more than 4 rounds of 4-7-8",
                    r.id
                );
            }
        }
    }
}

#[test]
fn every_step_guides_and_every_pressure_step_says_when_to_stop() {
    for r in &lib().routines {
        assert!(!r.summary.is_empty(), "{} has no summary", r.id);
        assert!(!r.cautions.is_empty(), "{} has no cautions", r.id);
        for s in &r.steps {
            assert!(
                !s.instructions.is_empty(),
                "{}: {} has no instructions",
                r.id,
                s.title
            );
            assert!(s.cue.is_some(), "{}: {} has no cue", r.id, s.title);
            if s.pressure.is_some() {
                assert!(
                    s.caution.is_some(),
                    "{}: {} presses without a caution",
                    r.id,
                    s.title
                );
            }
        }
    }
}

#[test]
fn sessions_are_a_sensible_length() {
    for r in &lib().routines {
        assert!(
            r.total() <= Duration::from_secs(20 * 60),
            "{} is longer than 20 minutes",
            r.id
        );
        assert!(
            r.total() >= Duration::from_secs(3 * 60),
            "{} is shorter than 3 minutes",
            r.id
        );
    }
}

#[test]
fn the_migraine_day_routine_has_no_pressure_work() {
    let lib = lib();
    let r = lib.routine("migraine-day").unwrap();
    assert!(r.steps.iter().all(|s| s.pressure.is_none()));
    assert!(
        r.steps
            .iter()
            .all(|s| s.breathing.as_ref().is_none_or(|p| !p.has_holds()))
    );
}

#[test]
fn specific_cautions_are_present() {
    let lib = lib();
    let all_text = |r: &Routine| {
        let mut t = r.cautions.join(" ");
        for s in &r.steps {
            t.push_str(&format!(
                " {} {}",
                s.instructions,
                s.caution.clone().unwrap_or_default()
            ));
        }
        t.to_lowercase()
    };
    for r in &lib.routines {
        let t = all_text(r);
        let temple = r
            .steps
            .iter()
            .any(|s| s.title.to_lowercase().contains("temple") && s.pressure.is_some());
        if temple {
            assert!(
                t.contains("50"),
                "{}: temple work without the over-50 warning",
                r.id
            );
        }
        if r.steps
            .iter()
            .any(|s| s.instructions.to_lowercase().contains("web between"))
        {
            assert!(
                t.contains("pregnan"),
                "{}: LI4 without the pregnancy exclusion",
                r.id
            );
        }
        if r.equipment
            .iter()
            .any(|e| e.to_lowercase().contains("roller"))
        {
            assert!(
                t.contains("osteoporosis"),
                "{}: roller without the osteoporosis caution",
                r.id
            );
            assert!(
                t.contains("lower back"),
                "{}: roller without 'never the lower back'",
                r.id
            );
        }
        if r.area == Area::Jaw {
            assert!(
                t.contains("lock") || t.contains("click"),
                "{}: jaw work without the locking caution",
                r.id
            );
        }
    }
}

#[test]
fn wording_is_honest() {
    let banned = [
        "cure",
        "treats",
        "treatment for",
        "prevents",
        "toxin",
        "realign",
        "cerebrospinal",
        "craniosacral",
        "break up",
        "breaks up",
        "guarantee",
        "heals",
    ];
    for r in &lib().routines {
        let mut text = format!("{} {} {}", r.name, r.summary, r.cautions.join(" "));
        for s in &r.steps {
            text.push_str(&format!(
                " {} {} {} {}",
                s.title,
                s.instructions,
                s.cue.clone().unwrap_or_default(),
                s.caution.clone().unwrap_or_default()
            ));
        }
        let text = text.to_lowercase();
        for b in banned {
            assert!(!text.contains(b), "{} says \"{b}\"", r.id);
        }
        assert!(
            r.cautions.last().unwrap().contains("not medical advice"),
            "{} lacks the self-care footer",
            r.id
        );
    }
}

#[test]
fn drawings_are_small_and_clean() {
    for (name, art) in &lib().art {
        assert!(
            art.width() <= 24 && art.height() <= 9,
            "{name} is {}x{}",
            art.width(),
            art.height()
        );
        assert!(!art.text.contains('\t'), "{name} has tabs");
        assert!(
            art.text.lines().all(|l| l == l.trim_end()),
            "{name} has trailing spaces"
        );
    }
}
