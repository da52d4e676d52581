//! No input file, however broken, makes the loader panic or hang: arbitrary bytes,
//! arbitrary TOML built from routine-like keys and absurd values.

use knotless::library::{Library, ROUTINE_KEYS, STEP_KEYS};
use proptest::prelude::*;

/// The bundled library, loaded once: the cases below vary the file checked against it.
fn lib() -> &'static Library {
    static LIB: std::sync::LazyLock<Library> = std::sync::LazyLock::new(|| Library::load(None));
    &LIB
}

/// TOML values of every type, including absurd numbers and odd strings.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() {
            format!("{f:?}")
        } else {
            "nan".into()
        }),
        any::<bool>().prop_map(|b| b.to_string()),
        "[a-z0-9 .:-]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("\"99999999999h\"".to_string()),
        Just("\"1m 30s\"".to_string()),
        Just("\"3-4\"".to_string()),
        Just("\"both\"".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("\"\\u0000\"".to_string()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z]{1,8}", inner), 0..4).prop_map(|kv| {
                let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", body.join(", "))
            }),
        ]
    })
}

/// A key a routine or a step may hold (every one the loader knows, but `steps`, which the
/// cases write as tables), or any other word.
fn key() -> impl Strategy<Value = String> {
    let known = ROUTINE_KEYS.iter().chain(STEP_KEYS).copied();
    let known: Vec<&str> = known.filter(|k| *k != "steps").collect();
    prop_oneof![
        prop::sample::select(known).prop_map(str::to_string),
        "[a-z_]{1,10}",
    ]
}

fn routine_like() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((key(), value()), 0..6),
        prop::collection::vec(prop::collection::vec((key(), value()), 0..6), 0..4),
    )
        .prop_map(|(top, steps)| {
            let mut s = String::new();
            let mut seen = std::collections::BTreeSet::new();
            for (k, v) in top {
                if seen.insert(k.clone()) {
                    s.push_str(&format!("{k} = {v}\n"));
                }
            }
            for step in steps {
                s.push_str("[[steps]]\n");
                let mut seen = std::collections::BTreeSet::new();
                for (k, v) in step {
                    if seen.insert(k.clone()) {
                        s.push_str(&format!("{k} = {v}\n"));
                    }
                }
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let lib = lib();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.toml");
        std::fs::write(&p, &bytes).unwrap();
        let _ = lib.check_paths(&[p]);
        let text = String::from_utf8_lossy(&bytes);
        let _ = lib.check_text("x.toml", &text);
    }

    #[test]
    fn arbitrary_toml_never_panics(text in routine_like()) {
        let lib = lib();
        let (routine, problems) = lib.check_text("x.toml", &text);
        // Either a valid routine or at least one problem with a real position.
        prop_assert!(routine.is_some() || !problems.is_empty());
        for p in &problems {
            prop_assert!(p.line >= 1 && p.column >= 1);
        }
        if let Some(r) = routine {
            prop_assert!(!r.steps.is_empty());
            prop_assert!(r.total().as_secs() <= 3 * 3600);
        }
    }

    #[test]
    fn arbitrary_config_never_panics(text in prop::collection::vec((prop::sample::select(vec![
        "theme", "motion", "bell", "get_ready", "weekly_goal", "ask_ratings", "colour"]), value()), 0..6)) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = String::new();
        let mut seen = std::collections::BTreeSet::new();
        for (k, v) in text {
            if seen.insert(k) {
                s.push_str(&format!("{k} = {v}\n"));
            }
        }
        std::fs::write(dir.path().join("config.toml"), s).unwrap();
        // The settings reader `Library::load` uses, without re-reading the bundled routines
        // for every case (the keys above are settings, none a pattern a routine refers to).
        let _ = Library::config_only(Some(dir.path()));
    }
}

#[test]
fn a_huge_file_is_refused_quickly() {
    let lib = lib();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.toml");
    let line = "name = \"x\"\n".repeat(5 * 1024 * 1024 / 11);
    std::fs::write(&p, line).unwrap();
    let problems = lib.check_paths(&[p]);
    assert!(problems[0].message.starts_with("file is too large"));
}

#[test]
fn absurd_numbers_are_reported_not_trusted() {
    let lib = lib();
    for (text, want) in [
        ("breaths = 99999999999999", "far longer than a step can be"),
        (
            "duration = \"99999999999h\"",
            "must last between 1 second and 1 hour",
        ),
        ("duration = \"1e308s\"", "is not a duration"),
        ("pressure = 99999999999999999999", "outside 0-10"),
    ] {
        let src = format!(
            "name = \"A\"\narea = \"neck\"\nbreathing = \"none\"\n[[steps]]\ntitle = \"T\"\n{text}\n"
        );
        let (_, problems) = lib.check_text("x.toml", &src);
        assert!(
            problems.iter().any(|p| p.message.contains(want)),
            "{text}: {problems:?}"
        );
    }
}
