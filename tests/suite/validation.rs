//! Every validation rule of PRODUCT.md section 3, each with a bad file: the exact
//! position, message and hint a user sees.

use std::path::PathBuf;

use knotless::library::Library;

/// A library whose user config defines two test patterns, so these tests do not depend
/// on the bundled content.
fn lib() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[patterns.calm]\ninhale = \"4s\"\nexhale = \"6s\"\n\n\
         [patterns.holdy]\ninhale = \"4s\"\nhold_in = \"7s\"\nexhale = \"8s\"\n",
    )
    .unwrap();
    let lib = Library::load(Some(dir.path()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    (dir, lib)
}

/// The problems for one routine text, as `line:column: message` strings.
fn problems(text: &str) -> Vec<String> {
    let (_d, lib) = lib();
    let (_, probs) = lib.check_text("t.toml", text);
    probs
        .iter()
        .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
        .collect()
}

fn hints(text: &str) -> Vec<String> {
    let (_d, lib) = lib();
    let (_, probs) = lib.check_text("t.toml", text);
    probs.into_iter().filter_map(|p| p.hint).collect()
}

const STEP: &str = "\n[[steps]]\ntitle = \"Hold\"\nduration = \"30s\"\n";

fn with_head(head: &str) -> String {
    format!("{head}{STEP}")
}

#[test]
fn a_valid_file_has_no_problems() {
    let (_d, lib) = lib();
    let (r, probs) = lib.check_text(
        "good.toml",
        "name = \"Good\"\narea = \"neck\"\nbreathing = \"calm\"\n\
         [[steps]]\ntitle = \"Breathe\"\nbreaths = 6\n\
         [[steps]]\ntitle = \"Press\"\nduration = \"1m 30s\"\npressure = \"3-4\"\nsides = \"both\"\n",
    );
    assert!(probs.is_empty(), "{probs:?}");
    let r = r.unwrap();
    assert_eq!(r.id, "good");
    assert_eq!(r.steps[0].planned.as_secs(), 60, "6 breaths of 10 s");
    assert_eq!(r.active_total().as_secs(), 60 + 180);
}

#[test]
fn missing_name() {
    assert_eq!(
        problems(&with_head("area = \"neck\"\n")),
        ["1:1: the routine has no name"]
    );
}

#[test]
fn empty_name() {
    assert_eq!(
        problems(&with_head("name = \"  \"\narea = \"neck\"\n")),
        ["1:8: the routine's name is empty"]
    );
}

#[test]
fn no_steps() {
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n"),
        ["1:1: the routine has no steps"]
    );
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\nsteps = []\n"),
        ["3:9: the routine has no steps"]
    );
}

#[test]
fn step_without_title() {
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n\n[[steps]]\nduration = \"30s\"\n"),
        ["4:1: a step has no title"]
    );
}

#[test]
fn step_with_both_or_neither_length() {
    assert_eq!(
        problems(
            "name = \"A\"\narea = \"neck\"\nbreathing = \"calm\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\nbreaths = 3\n"
        ),
        ["7:11: a step has both `duration` and `breaths`"]
    );
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\n"),
        ["3:1: a step has neither `duration` nor `breaths`"]
    );
}

#[test]
fn breaths_below_one_and_without_a_pattern() {
    assert_eq!(
        problems(
            "name = \"A\"\narea = \"neck\"\nbreathing = \"calm\"\n[[steps]]\ntitle = \"T\"\nbreaths = 0\n"
        ),
        ["6:11: breaths must be at least 1, not 0"]
    );
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nbreaths = 3\n"),
        ["5:11: a step counted in breaths needs a breathing pattern"]
    );
}

/// A name, a title or a phase's label is one line on every screen: a line break or a tab
/// would break the lists, or make a line that passes for one of the app's own.
#[test]
fn names_titles_and_labels_are_one_line() {
    assert_eq!(
        problems(
            "name = \"Neck care\\nbundled · within the safety limits\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n"
        ),
        ["1:8: `name` must be one line of plain text"]
    );
    assert_eq!(
        problems(
            "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"Hold\\n\\tStop: no need\"\nduration = \"30s\"\n"
        ),
        ["4:9: `title` must be one line of plain text"]
    );
    assert_eq!(
        hints("name = \"A\\tB\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n"),
        ["remove the line breaks and tabs: it is shown as one line"]
    );
}

#[test]
fn step_too_short_or_too_long() {
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"500ms\"\n"),
        ["5:12: a step must last between 1 second and 1 hour, not \"500ms\""]
    );
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"61m\"\n"),
        ["5:12: a step must last between 1 second and 1 hour, not \"61m\""]
    );
    // The length was read: the hint says what to do about its size, not how to write one.
    assert_eq!(
        hints("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"2h\"\n"),
        ["split a longer stretch into several steps of an hour at most"]
    );
    assert_eq!(
        hints("name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"500ms\"\n"),
        ["a step needs at least a second; write \"1s\" or more"]
    );
}

#[test]
fn routine_longer_than_three_hours() {
    let mut text = String::from("name = \"A\"\narea = \"neck\"\n");
    for _ in 0..4 {
        text.push_str("[[steps]]\ntitle = \"T\"\nduration = \"50m\"\n");
    }
    assert_eq!(
        problems(&text),
        ["3:1: the routine lasts 3:20:15, longer than 3 hours"]
    );
}

#[test]
fn pressure_outside_the_scale() {
    let p = |v: &str| {
        problems(&format!(
            "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\npressure = {v}\n"
        ))
    };
    assert_eq!(p("11"), ["6:12: pressure 11 is outside 0-10"]);
    assert_eq!(p("\"3-12\""), ["6:12: pressure 3-12 is outside 0-10"]);
    assert_eq!(p("-1"), ["6:12: pressure -1 is outside 0-10"]);
    assert_eq!(p("\"6-3\""), ["6:12: pressure range 6-3 goes downwards"]);
    assert_eq!(p("\"hard\""), ["6:12: \"hard\" is not a pressure"]);
    assert_eq!(p("\"3-x\""), ["6:12: \"3-x\" is not a pressure"]);
    assert_eq!(p("\"1-2-3\""), ["6:12: \"1-2-3\" is not a pressure"]);
    assert!(p("\"3–4\"").is_empty(), "an en dash is accepted");
}

#[test]
fn unknown_area_with_suggestion() {
    let text = with_head("name = \"A\"\narea = \"nek\"\n");
    assert_eq!(problems(&text), ["2:8: unknown area \"nek\""]);
    assert!(hints(&text)[0].starts_with("did you mean `neck`?"));
}

#[test]
fn unknown_side_with_suggestion() {
    let text = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\nsides = \"bth\"\n";
    assert_eq!(problems(text), ["6:9: unknown side \"bth\""]);
    assert!(hints(text)[0].starts_with("did you mean `both`?"));
}

#[test]
fn unknown_pattern_with_suggestion() {
    let text = with_head("name = \"A\"\narea = \"neck\"\nbreathing = \"clam\"\n");
    assert_eq!(
        problems(&text),
        ["3:13: unknown breathing pattern \"clam\""]
    );
    assert!(hints(&text)[0].starts_with("did you mean `calm`?"));
}

#[test]
fn unknown_art() {
    let text = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\nart = \"no-such-drawing\"\n";
    assert_eq!(problems(text), ["6:7: unknown drawing \"no-such-drawing\""]);
}

#[test]
fn unknown_key_with_suggestion() {
    let text = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\ndurration = \"30s\"\n";
    let p = problems(text);
    assert_eq!(p[0], "5:1: unknown key `durration` in a step");
    assert!(hints(text)[0].starts_with("did you mean `duration`?"));
    // A step key at the top of the routine says where it belongs.
    let text = with_head("name = \"A\"\narea = \"neck\"\ncue = \"x\"\n");
    assert_eq!(problems(&text), ["3:1: unknown key `cue` in a routine"]);
    assert_eq!(hints(&text), ["`cue` belongs inside a [[steps]] table"]);
}

#[test]
fn bad_duration_says_what_is_accepted() {
    let text =
        "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"ten minutes\"\n";
    assert_eq!(problems(text), ["5:12: \"ten minutes\" is not a duration"]);
    let h = &hints(text)[0];
    assert!(h.contains("\"90s\"") && h.contains("\"1m 30s\""), "{h}");
    // A number without quotes is a type error with the same hint.
    let text = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = 90\n";
    assert_eq!(
        problems(text),
        ["5:12: `duration` must be a duration in quotes, not a whole number"]
    );
}

#[test]
fn wrong_types() {
    assert_eq!(
        problems(&with_head("name = 3\narea = \"neck\"\n")),
        ["1:8: `name` must be a string, not a whole number"]
    );
    assert_eq!(
        problems(&with_head(
            "name = \"A\"\narea = \"neck\"\nequipment = \"ball\"\n"
        )),
        ["3:13: `equipment` must be a list of strings, not a string"]
    );
    assert_eq!(
        problems("name = \"A\"\narea = \"neck\"\nsteps = \"lots\"\n"),
        ["3:9: `steps` must be a list of [[steps]] tables, not a string"]
    );
}

#[test]
fn breath_holds_are_refused_during_pressure() {
    let text = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\npressure = 4\nbreathing = \"holdy\"\n";
    assert_eq!(
        problems(text),
        ["7:13: breath holds (\"holdy\") are not allowed during a pressure step"]
    );
}

#[test]
fn a_breath_hold_written_as_breathing_is_refused_during_pressure() {
    // A held breath is known by what the phase asks, not only by its kind: a label that says
    // not to breathe, or an out-breath (or in-breath) longer than any slow breath.
    let step = "name = \"A\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\npressure = 4\nbreathing = \"p\"\n";
    for (phase, why) in [
        (
            "{ kind = \"out\", length = \"30s\", label = \"stay empty, lips sealed\" }",
            "",
        ),
        (
            "{ kind = \"out\", length = \"5s\", label = \"don't breathe\" }",
            "",
        ),
        (
            "{ kind = \"out\", length = \"5s\", label = \"h\u{43e}ld\" }",
            "",
        ),
        (
            "{ kind = \"out\", length = \"30s\", label = \"lips sealed\" }",
            " (breathing out for 36s in one go is holding the breath)",
        ),
        (
            "{ kind = \"in\", length = \"8s\" }, { kind = \"in\", length = \"8s\" }",
            " (breathing in for 20s in one go is holding the breath)",
        ),
    ] {
        let text = format!(
            "{step}[patterns.p]\nphases = [{{ kind = \"in\", length = \"4s\" }}, {{ kind = \"out\", length = \"6s\" }}, {phase}]\n"
        );
        assert_eq!(
            problems(&text),
            [format!(
                "7:13: breath holds (\"p\") are not allowed during a pressure step{why}"
            )],
            "{phase}"
        );
    }
    // Slow breathing as the guide writes it is not a hold: the sigh's 8 s out-breath, 4 in
    // and 10 out, a label that names the lips.
    for phases in [
        "{ kind = \"in\", length = \"4s\" }, { kind = \"out\", length = \"8s\" }",
        "{ kind = \"in\", length = \"5s\" }, { kind = \"out\", length = \"10s\" }",
        "{ kind = \"in\", length = \"4s\", label = \"in, lips sealed\" }, { kind = \"out\", length = \"6s\" }",
    ] {
        let text = format!("{step}[patterns.p]\nphases = [{phases}]\n");
        assert!(
            problems(&text).is_empty(),
            "{phases}: {:?}",
            problems(&text)
        );
    }
}

#[test]
fn invalid_toml_points_at_the_error() {
    let p = problems("name = \"A\narea = \"neck\"\n");
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("1:") && p[0].contains("not valid TOML"),
        "{p:?}"
    );
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let text = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(problems(&text), ["1:37: nested more than 32 levels deep"]);
}

#[test]
fn bad_patterns_in_a_routine_file() {
    let text = with_head(
        "name = \"A\"\narea = \"neck\"\n[patterns.odd]\ninhale = \"4s\"\nexhale = \"forever\"\n",
    );
    assert_eq!(problems(&text), ["5:10: \"forever\" is not a duration"]);
    let text = with_head(
        "name = \"A\"\narea = \"neck\"\n[patterns.odd]\nphases = [{ kind = \"inn\", length = \"4s\" }]\n",
    );
    assert_eq!(problems(&text), ["4:20: unknown phase kind \"inn\""]);
}

#[test]
fn files_on_disk_duplicate_ids_invalid_utf8_and_size() {
    let (_d, lib) = lib();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    let bin = dir.path().join("bin.toml");
    let big = dir.path().join("big.toml");
    std::fs::write(
        &a,
        with_head("id = \"same\"\nname = \"A\"\narea = \"neck\"\n"),
    )
    .unwrap();
    std::fs::write(
        &b,
        with_head("name = \"B\"\nid = \"same\"\narea = \"neck\"\n"),
    )
    .unwrap();
    std::fs::write(&bin, b"name = \"x\"\narea = \"\xff\xfe\"\n").unwrap();
    std::fs::write(&big, vec![b'#'; 2 * 1024 * 1024]).unwrap();
    let probs = lib.check_paths(&[a.clone(), b.clone(), bin.clone(), big.clone()]);
    let got: Vec<String> = probs.iter().map(|p| p.headline()).collect();
    let name = |p: &PathBuf| p.display().to_string();
    assert_eq!(
        got,
        [
            format!("{}:2:1: duplicate routine id \"same\"", name(&b)),
            format!("{}:1:1: file is too large (2097152 bytes)", name(&big)),
            format!("{}:2:9: invalid UTF-8", name(&bin)),
        ]
    );
}

#[test]
fn config_errors_have_positions_and_keep_good_settings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "theme = \"dimm\"\nbell = false\nweekly_goal = -2\nget_ready = \"soon\"\nmotoin = \"reduced\"\n",
    )
    .unwrap();
    let lib = Library::load(Some(dir.path()));
    let got: Vec<String> = lib
        .problems
        .iter()
        .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
        .collect();
    assert_eq!(
        got,
        [
            "1:9: unknown theme \"dimm\"",
            "3:15: weekly_goal must be between 0 and 100, not -2",
            "4:13: \"soon\" is not a duration",
            "5:1: unknown key `motoin` in config.toml",
        ]
    );
    assert!(!lib.config.bell, "valid settings still apply");
    assert_eq!(lib.config.weekly_goal, 3);
}

#[test]
fn one_bad_file_never_hides_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let routines = dir.path().join("routines");
    std::fs::create_dir(&routines).unwrap();
    std::fs::write(routines.join("bad.toml"), "name = 3\n").unwrap();
    std::fs::write(
        routines.join("good.toml"),
        with_head("name = \"Mine\"\narea = \"jaw\"\n"),
    )
    .unwrap();
    let lib = Library::load(Some(dir.path()));
    assert!(lib.routine("good").is_some());
    assert!(lib.routine("bad").is_none());
    assert!(lib.problems.iter().any(|p| p.file.ends_with("bad.toml")));
}

#[test]
fn a_user_routine_overrides_a_bundled_one_with_the_same_id() {
    let bundled = Library::load(None);
    let Some(first) = bundled.routines.first() else {
        return; // no bundled content in this build
    };
    let dir = tempfile::tempdir().unwrap();
    let routines = dir.path().join("routines");
    std::fs::create_dir(&routines).unwrap();
    std::fs::write(
        routines.join(format!("{}.toml", first.id)),
        with_head("name = \"My own version\"\narea = \"neck\"\n"),
    )
    .unwrap();
    let lib = Library::load(Some(dir.path()));
    assert_eq!(lib.routine(&first.id).unwrap().name, "My own version");
    assert!(lib.overridden.contains(&first.id));
    assert_eq!(lib.routines.len(), bundled.routines.len());
}

#[test]
fn find_by_id_or_unique_part_of_name() {
    let dir = tempfile::tempdir().unwrap();
    let routines = dir.path().join("routines");
    std::fs::create_dir(&routines).unwrap();
    std::fs::write(
        routines.join("zz-one.toml"),
        with_head("name = \"Zebra stretch\"\narea = \"neck\"\n"),
    )
    .unwrap();
    std::fs::write(
        routines.join("zz-two.toml"),
        with_head("name = \"Zebra squeeze\"\narea = \"neck\"\n"),
    )
    .unwrap();
    let lib = Library::load(Some(dir.path()));
    assert_eq!(lib.find("zz-one").unwrap().id, "zz-one");
    assert_eq!(lib.find("zebra STRETCH").unwrap().id, "zz-one");
    let amb = lib.find("zebra").unwrap_err().to_string();
    assert!(amb.contains("matches more than one routine"), "{amb}");
    assert!(amb.contains("zz-one (Zebra stretch)") && amb.contains("zz-two (Zebra squeeze)"));
    let none = lib.find("qqqq").unwrap_err().to_string();
    assert!(
        none.starts_with("no routine matches \"qqqq\"; known routines: "),
        "{none}"
    );
}
