//! The bundled routines follow the content guide's hard limits (shared/content/ROUTINE-GUIDE.md).
//! Users press on their own necks because of what these files say.
//!
//! The rules themselves live in `knotless::core::content` (so `knotless check` reports the same
//! ones); here every bundled routine and pattern must pass them all, and every file of the
//! mutation set in `tests/content_mutations/` must be rejected with the rule it breaks.

use std::collections::BTreeSet;
use std::path::Path;

use knotless::core::content::{Rule, check_pattern, check_routine};
use knotless::library::Library;
use knotless::model::routine::Area;

fn lib() -> Library {
    let lib = Library::load(None);
    assert!(lib.problems.is_empty(), "{:#?}", lib.problems);
    lib
}

#[test]
fn the_bundled_set_is_complete() {
    let lib = lib();
    assert!(lib.routines.len() >= 19, "{} routines", lib.routines.len());
    for area in Area::ALL {
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
        "micro-break",
        "tension-headache-now",
        "daily-slow-breathing",
        "in-bed-wind-down",
        "upper-back-two-balls",
        "day-after-migraine",
        "posture-screen-work",
    ] {
        assert!(lib.routine(id).is_some(), "missing routine {id}");
    }
}

#[test]
fn every_bundled_routine_follows_the_guide() {
    let lib = lib();
    let mut report = Vec::new();
    for r in &lib.routines {
        for v in check_routine(r) {
            let step = v.step.map(|i| r.steps[i].title.as_str()).unwrap_or("-");
            report.push(format!("{} ({step}): {v}", r.id));
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn every_pattern_follows_the_guide() {
    let report: Vec<String> = lib()
        .patterns
        .iter()
        .flat_map(|p| check_pattern(p))
        .map(|v| v.to_string())
        .collect();
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn drawings_are_small_and_plain() {
    for (name, art) in &lib().art {
        assert!(
            art.width() <= 24 && art.height() <= 9,
            "{name} is {}x{}",
            art.width(),
            art.height()
        );
        assert!(art.text.is_ascii(), "{name} is not plain ASCII");
        assert!(!art.text.contains('\t'), "{name} has tabs");
        assert!(
            art.text.lines().all(|l| l == l.trim_end()),
            "{name} has trailing spaces"
        );
    }
}

/// The rules a mutation file must be rejected with: a `# expect: rule, rule` header, or
/// else the file name (`pressure-ceiling.toml`).
fn expected_rules(stem: &str, text: &str) -> Vec<Rule> {
    let header = text
        .lines()
        .find_map(|l| l.strip_prefix("# expect:"))
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect())
        .unwrap_or_else(|| vec![stem.to_string()]);
    header
        .iter()
        .map(|n| Rule::parse(n).unwrap_or_else(|| panic!("{stem}: unknown rule name {n}")))
        .collect()
}

fn mutations_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/content_mutations")
}

/// The bundled library plus the mutation set's own drawings (`tests/content_mutations/art/`).
fn mutations_lib() -> Library {
    let lib = Library::load(Some(&mutations_dir()));
    assert!(lib.problems.is_empty(), "{:#?}", lib.problems);
    lib
}

#[test]
fn the_mutation_base_passes_every_rule() {
    // Every mutation is this file with one thing broken.
    let text = std::fs::read_to_string(mutations_dir().join("base.toml.txt")).unwrap();
    let (routine, problems) = mutations_lib().check_text("base.toml", &text);
    let routine = routine.unwrap_or_else(|| panic!("{problems:#?}"));
    let found: Vec<String> = check_routine(&routine)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_mutation_set_is_rejected_rule_by_rule() {
    let lib = mutations_lib();
    let dir = mutations_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut covered = BTreeSet::new();
    for path in &files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expect = expected_rules(&stem, &text);
        let (routine, problems) = lib.check_text(&format!("{stem}.toml"), &text);
        let routine = routine.unwrap_or_else(|| {
            panic!("{stem}: must load so the content rules can judge it: {problems:#?}")
        });
        let found: BTreeSet<Rule> = check_routine(&routine).iter().map(|v| v.rule).collect();
        for rule in expect {
            assert!(
                found.contains(&rule),
                "{stem}: expected [{rule}], found {:?}",
                found.iter().map(|r| r.as_str()).collect::<Vec<_>>()
            );
            covered.insert(rule);
        }
    }
    let missing: Vec<&str> = Rule::ALL
        .into_iter()
        .filter(|r| !covered.contains(r))
        .map(Rule::as_str)
        .collect();
    assert!(missing.is_empty(), "rules with no mutation: {missing:?}");
}

#[test]
fn a_routine_breaking_five_rules_is_rejected_for_every_one() {
    // Front of the neck at 6/10, "Enjoy.", a 1 s / 1 s pattern, "detox your neck and prevent
    // migraines": the old keyword test passed it.
    let lib = mutations_lib();
    let path = mutations_dir().join("many-rules-at-once.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let (routine, problems) = lib.check_text("many-rules-at-once.toml", &text);
    let routine = routine.unwrap_or_else(|| panic!("{problems:#?}"));
    let found: BTreeSet<Rule> = check_routine(&routine).iter().map(|v| v.rule).collect();
    for rule in [
        Rule::PressureCeiling,
        Rule::FrontOfNeck,
        Rule::NeckPulse,
        Rule::FastBreathing,
        Rule::BannedClaim,
    ] {
        assert!(found.contains(&rule), "missing {rule}: {found:?}");
    }
}

/// The rules the mutation base breaks once `steps` (TOML `[[steps]]` tables) are added to it
/// and `cautions` put before its own.
fn rules_with(cautions: &[&str], steps: &str) -> BTreeSet<Rule> {
    let base = std::fs::read_to_string(mutations_dir().join("base.toml.txt")).unwrap();
    let mut extra = String::new();
    for c in cautions {
        extra.push_str(&format!("  {c:?},\n"));
    }
    let text = base.replacen("cautions = [\n", &format!("cautions = [\n{extra}"), 1) + steps;
    let (routine, problems) = mutations_lib().check_text("with.toml", &text);
    let routine = routine.unwrap_or_else(|| panic!("{problems:#?}"));
    check_routine(&routine).iter().map(|v| v.rule).collect()
}

#[test]
fn side_of_neck_work_with_its_real_cautions_passes() {
    // The guide's SCM step, done right: one side at a time, its cautions saying what to do.
    let found = rules_with(
        &[
            "Skip the side-of-neck step if you have carotid artery disease, have had a stroke or fainting spells.",
        ],
        r#"
[[steps]]
title = "Side-of-neck pinch"
breaths = 6
sides = "both"
instructions = "Pinch the middle of the muscle at the side of the neck, lifting it away from the throat."
cue = "Sink in as you breathe out."
pressure = "3"
region = "side-of-neck"
technique = "squeeze"
caution = "Away from the throat; feel a pulse? Let go and move back."
"#,
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_undeclared_step_that_pushes_into_the_neck_is_caught() {
    let found = rules_with(
        &[],
        r#"
[[steps]]
title = "Neck point"
breaths = 6
instructions = "Find the groove beside the windpipe. Push two fingers firmly into it."
cue = "Hold it there."
"#,
    );
    assert!(found.contains(&Rule::UndeclaredTouch), "{found:?}");
    assert!(found.contains(&Rule::FrontOfNeck), "{found:?}");
}

#[test]
fn hands_on_work_in_a_migraine_under_way_is_caught_however_it_is_put() {
    for when in [
        "Best done when a migraine hits.",
        "Use it while the migraine is pounding.",
        "Keep at it while the attack rages.",
        "It helps most during an attack.",
    ] {
        let found = rules_with(
            &[],
            &format!(
                r#"
[[steps]]
title = "Shoulder squeeze"
breaths = 6
instructions = "Grasp the top of the shoulder and squeeze gently. {when}"
cue = "Squeeze as you breathe out."
pressure = "3-4"
region = "shoulder-top"
technique = "squeeze"
caution = "Stop if it tingles or goes numb, you feel dizzy, or your headache gets worse."
"#
            ),
        );
        assert!(found.contains(&Rule::BetweenAttacks), "{when}: {found:?}");
    }
}

/// Two presses of `press` on the upper back with a rest step of `rest` between.
fn two_presses_with_a_rest(press: &str, rest: &str) -> BTreeSet<Rule> {
    presses_on_one_spot(2, press, "", &rest_step(rest))
}

/// A step that rests for `length`.
fn rest_step(length: &str) -> String {
    format!(
        r#"
[[steps]]
title = "Rest"
duration = "{length}"
instructions = "Hands down."
cue = "Breathe."
"#
    )
}

#[test]
fn a_short_rest_does_not_start_a_spots_count_again_and_a_real_break_does() {
    // The base routine pauses 5 s after each step: a 19 s rest step is a 29 s break, 20 s
    // a 30 s one.
    assert!(two_presses_with_a_rest("70s", "1s").contains(&Rule::HoldTooLong));
    assert!(two_presses_with_a_rest("70s", "19s").contains(&Rule::HoldTooLong));
    assert!(!two_presses_with_a_rest("70s", "20s").contains(&Rule::HoldTooLong));
    assert!(!two_presses_with_a_rest("60s", "1s").contains(&Rule::HoldTooLong));
}

/// `presses` presses of `length` on the upper back, each followed by `after` (TOML lines
/// for the step, such as a `transition`), with `between` (more steps) between them.
fn presses_on_one_spot(presses: usize, length: &str, after: &str, between: &str) -> BTreeSet<Rule> {
    let press = format!(
        r#"
[[steps]]
title = "Upper back press"
duration = "{length}"
instructions = "Fingertips beside the spine between the shoulder blades; press gently."
cue = "Sink in as you breathe out."
pressure = "3-4"
region = "upper-back"
technique = "press"
caution = "Beside the spine, not on it."
{after}
"#
    );
    let steps = vec![press; presses].join(between);
    rules_with(&[], &steps)
}

#[test]
fn the_pause_between_steps_is_a_rest() {
    let two = |after: &str, between: &str| {
        presses_on_one_spot(2, "100s", after, between).contains(&Rule::HoldTooLong)
    };
    // Two 100 s holds on one spot with 30 s between them, in the pause after the first
    // (its transition) rather than in a rest step, are two rounds (guide: ~30 s of rest
    // between sets), not 200 s on one spot; 29 s is not yet a break.
    assert!(!two("transition = \"30s\"", ""));
    assert!(two("transition = \"29s\"", ""));
    // A pause and a rest step add up: 20 s of pause, a 5 s rest, and the base's 5 s pause.
    assert!(!two("transition = \"20s\"", &rest_step("5s")));
    assert!(two("transition = \"19s\"", &rest_step("5s")));
}

#[test]
fn one_spot_takes_three_rounds_at_most() {
    // Each 100 s hold is within the 2 minutes, each break a real one: three rounds pass,
    // a fourth is too many (guide: 1-3 rounds on one spot).
    let rounds = |n: usize, after: &str, between: &str| {
        presses_on_one_spot(n, "100s", after, between).contains(&Rule::HoldTooLong)
    };
    assert!(!rounds(3, "", &rest_step("30s")));
    assert!(rounds(4, "", &rest_step("30s")));
    assert!(rounds(4, "transition = \"30s\"", ""));
}
