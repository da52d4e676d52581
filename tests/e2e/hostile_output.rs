//! Fuzz-style: random control characters (C0, DEL, C1, escape sequences,
//! bidi overrides) in every text field of a routine, a drawing, a file name and a history
//! record; no output of any command — stdout or stderr, text or JSON — carries a byte in
//! C0 (other than newline, tab, and a carriage return ending a CSV line), a C1 control or a
//! bidi override.

#![cfg(unix)]

use std::path::PathBuf;
use std::process::Stdio;

use knotless::model::format::is_unsafe_char;
use proptest::prelude::*;

fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z ]{0,6}",
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        prop::sample::select(vec![
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200b}', '\u{2060}',
            '\u{feff}',
        ])
        .prop_map(|c| c.to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("\u{1b}]52;c;aGVsbG8=\u{7}".to_string()),
        Just("\u{1b}]0;pwned\u{1b}\\".to_string()),
        Just("\u{1b}c".to_string()),
        Just("\u{9b}31m".to_string()),
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| format!("x{}", v.concat()))
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Characters that take no room on screen, named here as well as by the library's own
/// rule, so a rule that forgets them fails this test.
const INVISIBLE: [char; 3] = ['\u{200b}', '\u{2060}', '\u{feff}'];

/// The characters that must never reach a terminal, and where.
fn offences(bytes: &[u8]) -> Vec<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return vec![format!("not UTF-8 at byte {}", e.valid_up_to())],
    };
    text.char_indices()
        .filter(|&(i, c)| {
            (is_unsafe_char(c) || INVISIBLE.contains(&c))
                && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
        })
        .map(|(i, c)| format!("U+{:04X} at byte {i}", c as u32))
        .collect()
}

struct Case {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    routine_file: PathBuf,
}

fn setup(f: &[String]) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(config.join("routines")).unwrap();
    std::fs::create_dir_all(config.join("art")).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    let routine = format!(
        "name = {}\narea = \"neck\"\nsummary = {}\nequipment = [{}]\ncautions = [{}]\nbreathing = \"none\"\n\n[[steps]]\ntitle = {}\nduration = \"30s\"\nsides = \"both\"\ninstructions = {}\ncue = {}\ncaution = {}\nswitch_cue = {}\n",
        toml_str(&f[0]),
        toml_str(&f[1]),
        toml_str(&f[2]),
        toml_str(&f[3]),
        toml_str(&f[4]),
        toml_str(&f[5]),
        toml_str(&f[6]),
        toml_str(&f[7]),
        toml_str(&f[8]),
    );
    // A file name with a control character in it, too.
    let name: String = f[9].chars().filter(|c| *c != '/' && *c != '\0').collect();
    let routine_file = config.join("routines").join(format!("{name}.toml"));
    std::fs::write(&routine_file, routine).unwrap();
    std::fs::write(config.join("art").join(format!("{name}.txt")), &f[10]).unwrap();
    let record = serde_json::json!({
        "v": 1, "id": f[11], "kind": "routine", "routine_id": f[12],
        "title": f[13], "area": f[14],
        "started_at": "2026-11-20T10:00:00+00:00", "ended_at": "2026-11-20T10:05:00+00:00",
        "planned_secs": 300.0, "active_secs": 290.0, "paused_secs": 0.0,
        "outcome": "completed", "pain_before": 5, "pain_after": 3, "note": f[15],
        "steps": [{"title": f[16], "side": "left", "planned_secs": 300.0,
                   "active_secs": 290.0, "status": "done"}]
    });
    let amend = serde_json::json!({"amends": f[11], "note": f[17]});
    let unknown = serde_json::json!({"amends": f[18], "note": "x"});
    std::fs::write(
        data.join("history-fuzz.jsonl"),
        format!("{record}\n{amend}\n{unknown}\nnot json {}\n", f[19]),
    )
    .unwrap();
    Case {
        _tmp: tmp,
        config,
        data,
        routine_file,
    }
}

fn run(case: &Case, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = crate::common::knotless()
        .args(args)
        .env("KNOTLESS_CONFIG_DIR", &case.config)
        .env("KNOTLESS_DATA_DIR", &case.data)
        .env("KNOTLESS_MACHINE", "fuzz")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run knotless");
    (out.stdout, out.stderr)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_output_carries_a_control_character(fields in prop::collection::vec(nasty(), 20)) {
        let case = setup(&fields);
        let file = case.routine_file.to_string_lossy().into_owned();
        // A command-line argument cannot hold a NUL byte.
        let query = fields[0].replace('\0', "");
        let commands: Vec<Vec<&str>> = vec![
            vec!["list"],
            vec!["list", "--json"],
            vec!["show", "desk-reset"],
            vec!["show", &query],
            vec!["check"],
            vec!["check", &file],
            vec!["patterns"],
            vec!["history"],
            vec!["history", "--format", "csv"],
            vec!["history", "--format", "jsonl"],
            vec!["stats"],
            vec!["stats", "--json"],
            vec!["report"],
            vec!["report", "--format", "html"],
            vec!["report", "--format", "json"],
            vec!["days"],
            vec!["run", &query, "--plain"],
        ];
        for args in &commands {
            let (out, err) = run(&case, args);
            let bad = offences(&out);
            prop_assert!(bad.is_empty(), "{args:?} stdout: {bad:?}\n{}", String::from_utf8_lossy(&out));
            let bad = offences(&err);
            prop_assert!(bad.is_empty(), "{args:?} stderr: {bad:?}\n{}", String::from_utf8_lossy(&err));
        }
        // JSON keeps the values, escaped.
        let (out, _) = run(&case, &["history", "--format", "jsonl"]);
        let line = String::from_utf8(out).unwrap();
        let rec: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        prop_assert_eq!(rec["title"].as_str(), Some(fields[13].as_str()));
    }
}

/// `import` quotes what it refuses: an unknown key, the file's name. Both come from the
/// sender, and both went to standard error raw — a title change and a clipboard write
/// reached the terminal. Now they are neutralised like every other line.
#[test]
fn import_diagnostics_carry_no_escape() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    let title = "\u{1b}]0;pwned\u{7}";
    let clipboard = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
    let file = tmp.path().join(format!("gift{title}\u{200b}.toml"));
    std::fs::write(
        &file,
        format!(
            "id = \"gift\"\nname = \"Gift\"\narea = \"neck\"\nbreathing = \"none\"\n{} = 1\n\n[[steps]]\ntitle = \"T\"\nduration = \"5s\"\n",
            toml::Value::String(format!("sneaky{clipboard}\u{2060}")),
        ),
    )
    .unwrap();
    let out = crate::common::knotless()
        .arg("import")
        .arg(&file)
        .env("KNOTLESS_CONFIG_DIR", &config)
        .env("KNOTLESS_DATA_DIR", &data)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "an unknown key is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sneaky"), "the key is still named: {err}");
    assert!(err.contains("gift"), "the file is named: {err}");
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let bad = offences(bytes);
        assert!(
            bad.is_empty(),
            "{name}: {bad:?}\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}
