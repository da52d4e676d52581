//! The user's own routines through the real binary: `new`, `edit` driven by fake editor
//! scripts, `share` → `import`, clashes, and routine files for a newer knotless.
//! The rule under test throughout: a real routine file never holds an invalid routine.

#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use knotless::library::Library;
use knotless::library::edit::Editor;
use knotless::model::routine::Routine;

use crate::text;

const MINE: &str = r#"# A routine of mine.
name = "Mine"
area = "neck"
breathing = "slow-out"
transition = "3s"

[[steps]]
title = "Press"
duration = "40s"
pressure = "3-4"
sides = "both"
instructions = "Press gently."
caution = "Stop if your headache gets worse."

[[steps]]
title = "Breathe"
breaths = 5
instructions = "Just breathe."
"#;

struct Env {
    tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        Env { tmp, config, data }
    }

    /// With a pattern of the user's own in config.toml and a routine that uses it.
    fn with_mine() -> Env {
        let e = Env::new();
        std::fs::write(
            e.config.join("config.toml"),
            "[patterns.slow-out]\ndescription = \"In for 4, out for 7.\"\ninhale = \"4s\"\nexhale = \"7s 500ms\"\n",
        )
        .unwrap();
        std::fs::write(e.routine("mine"), MINE).unwrap();
        e
    }

    fn routine(&self, id: &str) -> PathBuf {
        self.config.join("routines").join(format!("{id}.toml"))
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = crate::common::knotless();
        c.args(args)
            .env("KNOTLESS_CONFIG_DIR", &self.config)
            .env("KNOTLESS_DATA_DIR", &self.data)
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("NO_COLOR");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).stdin(Stdio::null()).output().unwrap()
    }

    /// Runs with `input` on standard input and the given environment.
    fn run_with(&self, args: &[&str], input: &str, vars: &[(&str, &str)]) -> Output {
        let mut c = self.cmd(args);
        for (k, v) in vars {
            c.env(k, v);
        }
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// A shell script in the temp dir, made executable; returns its path.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn lib(&self) -> Library {
        Library::load(Some(&self.config))
    }

    /// How the files looked as the library read them (what a key on home compares with).
    fn stamp(&self) -> knotless::library::edit::FilesStamp {
        self.lib()
            .stamp()
            .cloned()
            .expect("loaded with a config folder")
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------
// new

/// Nothing to import (an empty file, or nothing piped in) is said as such, not as a routine
/// without an id or a name.
#[test]
fn importing_nothing_says_so() {
    let e = Env::new();
    let empty = e.config.join("empty.toml");
    std::fs::write(&empty, " \n").unwrap();
    for (args, input, said) in [
        (vec!["import", "-", "--yes"], "", "<stdin> is empty"),
        (
            vec!["import", "--as", "e", "-", "--yes"],
            "\n",
            "<stdin> is empty",
        ),
        (
            vec!["import", s(&empty), "--yes"],
            "",
            "empty.toml is empty",
        ),
    ] {
        let out = e.run_with(&args, input, &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(said) && err.contains("no routine in it"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn the_template_from_new_passes_check() {
    let e = Env::new();
    let out = e.run(&["new", "my-neck"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = e.routine("my-neck");
    assert_eq!(text(&out.stdout).trim(), path.display().to_string());
    let out = e.run(&["check", s(&path)]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = e.run(&["check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let lib = e.lib();
    let r = lib.routine("my-neck").expect("the new routine loads");
    assert_eq!(r.name, "My neck");
    assert!(r.steps.len() >= 2);
    // The template keeps to every rule of the content guide.
    assert_eq!(lib.breaks("my-neck"), &[]);
    assert!(knotless::core::content::check_routine(r).is_empty());
    assert!(r.cautions.last().unwrap().contains("not medical advice"));
}

#[test]
fn new_never_writes_over_anything() {
    let e = Env::with_mine();
    let before = std::fs::read(e.routine("mine")).unwrap();
    for id in ["mine", "neck-release"] {
        let out = e.run(&["new", id]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.starts_with("error: a routine with the id"), "{err}");
        assert_eq!(err.lines().count(), 1);
    }
    assert_eq!(std::fs::read(e.routine("mine")).unwrap(), before);
    assert!(!e.routine("neck-release").exists());
    // An id no file can have is bad usage, as any value that cannot be read (exit 2).
    for args in [
        &["new", "no spaces"][..],
        &["import", "x.toml", "--as", "no spaces"],
    ] {
        let out = e.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("\"no spaces\" cannot be an id"),
            "{args:?}"
        );
    }
}

#[test]
fn new_from_copies_a_routine_with_its_id_changed() {
    let e = Env::with_mine();
    // A file that names its own id: the copy must not keep it (a duplicate id).
    std::fs::write(
        e.routine("named"),
        MINE.replace("name = \"Mine\"", "id = \"named-id\"\nname = \"Named\""),
    )
    .unwrap();
    let out = e.run(&["new", "copy-of-named", "--from", "named-id"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = e.run(&["new", "my-desk", "--from", "desk-reset"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lib = e.lib();
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    let copy = lib.routine("copy-of-named").unwrap();
    assert_eq!(copy.steps, lib.routine("named-id").unwrap().steps);
    let desk = lib.routine("my-desk").unwrap();
    assert_eq!(desk.steps, lib.routine("desk-reset").unwrap().steps);
}

// ---------------------------------------------------------------------------------------
// edit

/// The routine file as the user wrote it, for byte-for-byte comparisons.
fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn a_valid_edit_replaces_the_file_and_the_editor_never_sees_the_real_one() {
    let e = Env::with_mine();
    let log = e.tmp.path().join("opened");
    let ed = e.script(
        "ed",
        &format!(
            "echo \"$1\" >> {log}\nsed -i 's/^name = .*/name = \"Mine, edited\"/' \"$1\"\n",
            log = log.display()
        ),
    );
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("Saved"), "{}", text(&out.stdout));
    let opened = std::fs::read_to_string(&log).unwrap();
    assert_ne!(
        opened.trim(),
        s(&e.routine("mine")),
        "a copy, not the real file"
    );
    assert_eq!(e.lib().routine("mine").unwrap().name, "Mine, edited");
    // The rest of the file (comments and all) is as the user wrote it.
    let now = std::fs::read_to_string(e.routine("mine")).unwrap();
    assert_eq!(
        now,
        MINE.replace("name = \"Mine\"", "name = \"Mine, edited\"")
    );
    // Nothing is left beside it: no draft, no temporary file.
    let names: Vec<_> = std::fs::read_dir(e.config.join("routines"))
        .unwrap()
        .map(|d| d.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["mine.toml"]);
}

/// An editor that breaks the file on its first call and fixes it on the second, saving a
/// copy of the real file each time it is called.
fn break_then_fix(e: &Env) -> PathBuf {
    let dir = e.tmp.path().display().to_string();
    let real = e.routine("mine").display().to_string();
    e.script(
        "ed",
        &format!(
            r#"n=$(cat {dir}/calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > {dir}/calls
cp "{real}" "{dir}/real-at-call-$n"
if [ $n = 1 ]; then
  sed -i 's/^area = .*/area = "nek"/; s/^name = .*/name = "Fixed"/' "$1"
else
  sed -i 's/^area = .*/area = "neck"/' "$1"
fi
"#
        ),
    )
}

#[test]
fn an_error_goes_back_to_the_editor_and_the_real_file_never_holds_it() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let ed = break_then_fix(&e);
    let out = e.run_with(&["edit", "mine"], "e\n", &[("EDITOR", s(&ed))]);
    let so = text(&out.stdout);
    assert!(out.status.success(), "{so}{}", text(&out.stderr));
    assert!(so.contains(":3:8: unknown area \"nek\""), "{so}");
    assert!(
        so.contains("[e]dit again · [r]evert · [k]eep as a draft (not loaded)"),
        "{so}"
    );
    // While the editor had the broken copy, the real file was the original, byte for byte.
    for n in [1, 2] {
        assert_eq!(
            bytes(&e.tmp.path().join(format!("real-at-call-{n}"))),
            before
        );
    }
    let lib = e.lib();
    assert!(lib.problems.is_empty());
    assert_eq!(lib.routine("mine").unwrap().name, "Fixed");
}

#[test]
fn revert_restores_the_file_byte_for_byte() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let ed = break_then_fix(&e);
    let out = e.run_with(&["edit", "mine"], "r\n", &[("EDITOR", s(&ed))]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: the changes were dropped"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(bytes(&e.routine("mine")), before);
    assert!(!e.config.join("routines/mine.toml.draft").exists());
}

#[test]
fn no_answer_changes_nothing_and_fails() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let ed = break_then_fix(&e);
    // An unknown answer is asked again; then standard input ends.
    let out = e.run_with(&["edit", "mine"], "what?\n", &[("EDITOR", s(&ed))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("Please answer e, r or k."));
    assert!(
        text(&out.stderr).contains("no answer"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(bytes(&e.routine("mine")), before);
    // Standard input closed from the start (as in CI) ends the same way.
    let bad = e.script("bad", "sed -i 's/^area = .*/area = \"nek\"/' \"$1\"\n");
    let out = e
        .cmd(&["edit", "mine"])
        .env("EDITOR", &bad)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(bytes(&e.routine("mine")), before);
}

#[test]
fn a_kept_draft_is_not_loaded_and_edit_fails() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let ed = break_then_fix(&e);
    let out = e.run_with(&["edit", "mine"], "k\n", &[("EDITOR", s(&ed))]);
    assert_eq!(out.status.code(), Some(1));
    let draft = e.config.join("routines/mine.toml.draft");
    assert!(
        text(&out.stderr).contains(s(&draft)),
        "{}",
        text(&out.stderr)
    );
    assert!(std::fs::read_to_string(&draft).unwrap().contains("\"nek\""));
    assert_eq!(bytes(&e.routine("mine")), before);
    let lib = e.lib();
    assert!(lib.problems.is_empty(), "the draft is never loaded");
    assert_eq!(lib.routine("mine").unwrap().name, "Mine");
    // Every file loads ("Mine" only breaks the guide's content limits: exit 3, not 1).
    assert_eq!(e.run(&["check"]).status.code(), Some(3));
    // The next edit continues from the draft; the fix saves it and the draft goes.
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Continuing from your draft"));
    assert!(!draft.exists());
    assert_eq!(e.lib().routine("mine").unwrap().name, "Fixed");
}

/// An editor that makes the template's shoulder step a hard ball on the side of the neck.
fn unsafe_editor(e: &Env) -> PathBuf {
    e.script(
        "unsafe",
        "sed -i 's/^pressure = .*/pressure = \"7\"/; s/^region = .*/region = \"side-of-neck\"/; s/^technique = .*/technique = \"ball\"/' \"$1\"\n",
    )
}

#[test]
fn an_edit_that_breaks_new_safety_limits_lists_them_and_saves_only_on_yes() {
    let e = Env::new();
    assert!(e.run(&["new", "my-neck"]).status.success());
    let real = e.routine("my-neck");
    let draft = e.config.join("routines/my-neck.toml.draft");
    let before = bytes(&real);
    let ed = unsafe_editor(&e);
    // What `check` says of the edited copy is what `edit` lists, in import's words.
    let out = e.run_with(&["edit", "my-neck"], "n\n", &[("EDITOR", s(&ed))]);
    let so = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{so}");
    assert!(so.contains("⚠ It breaks 6 of the safety limits:"), "{so}");
    assert!(so.contains("  [front-of-neck] step 2: "), "{so}");
    assert!(so.contains("Save it anyway? [y/N] "), "{so}");
    assert!(
        so.contains("was not changed: the edited copy breaks 6 of the safety limits."),
        "{so}"
    );
    // Refused: the routine is as it was, and the edited text waits in the draft the
    // message names.
    let err = text(&out.stderr);
    assert!(err.contains(s(&draft)), "{err}");
    assert_eq!(bytes(&real), before);
    assert!(e.lib().breaks("my-neck").is_empty());
    assert!(
        std::fs::read_to_string(&draft)
            .unwrap()
            .contains("technique = \"ball\"")
    );
    // No answer at all (standard input closed) refuses the same way.
    let out = e
        .cmd(&["edit", "my-neck"])
        .env("EDITOR", "true")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_eq!(bytes(&real), before);
    assert!(draft.exists());

    // A yes saves it, says it is marked, and it is marked where it is listed.
    let out = e.run_with(&["edit", "my-neck"], "y\n", &[("EDITOR", "true")]);
    let so = text(&out.stdout);
    assert!(out.status.success(), "{so}{}", text(&out.stderr));
    assert!(so.contains("Saved "), "{so}");
    assert!(
        so.contains("It is marked ⚠ wherever it is listed; `knotless check "),
        "{so}"
    );
    assert!(!draft.exists());
    assert_eq!(e.lib().rules_broken("my-neck"), 6);
    assert!(text(&e.run(&["list"]).stdout).contains("⚠ my-neck"));

    // Once saved, an edit that breaks nothing new is not asked about again.
    let rename = e.script(
        "rename",
        "sed -i 's/^name = .*/name = \"Still mine\"/' \"$1\"\n",
    );
    let out = e
        .cmd(&["edit", "my-neck"])
        .env("EDITOR", &rename)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let so = text(&out.stdout);
    assert!(out.status.success(), "{so}{}", text(&out.stderr));
    assert!(!so.contains("Save it anyway"), "{so}");
    assert_eq!(e.lib().routine("my-neck").unwrap().name, "Still mine");
}

#[test]
fn a_bundled_routine_edited_past_the_limits_is_not_saved_without_a_yes() {
    let e = Env::new();
    let ed = e.script(
        "ed",
        "sed -i '0,/^pressure = .*/s//pressure = \"9\"/' \"$1\"\n",
    );
    let out = e.run_with(&["edit", "neck-release"], "", &[("EDITOR", s(&ed))]);
    let so = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{so}{}", text(&out.stderr));
    assert!(so.contains("⚠ It breaks 1 of the safety limits:"), "{so}");
    assert!(
        !e.routine("neck-release").exists(),
        "no copy replaces the bundled one"
    );
    assert!(e.config.join("routines/neck-release.toml.draft").exists());
}

#[test]
fn a_bundled_routine_is_saved_as_your_own_copy() {
    let e = Env::new();
    let ed = e.script(
        "ed",
        "sed -i 's/^name = .*/name = \"My desk reset\"/' \"$1\"\n",
    );
    let out = e.run_with(&["edit", "desk-reset"], "", &[("EDITOR", s(&ed))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("replaces the bundled \"desk-reset\""));
    let lib = e.lib();
    let r = lib.routine("desk-reset").unwrap();
    assert_eq!(r.name, "My desk reset");
    assert!(lib.overridden.contains("desk-reset"));

    // Reverting an edit of a bundled routine leaves no copy behind.
    let e = Env::new();
    let bad = e.script("bad", "sed -i 's/^area = .*/area = \"nek\"/' \"$1\"\n");
    let out = e.run_with(&["edit", "desk-reset"], "r\n", &[("EDITOR", s(&bad))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!e.routine("desk-reset").exists());
}

#[test]
fn an_editor_that_saves_by_renaming_is_read_by_path() {
    let e = Env::with_mine();
    let ed = e.script(
        "ed",
        "sed 's/^name = .*/name = \"Renamed in\"/' \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n",
    );
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(e.lib().routine("mine").unwrap().name, "Renamed in");
}

#[test]
fn an_editor_that_fails_changes_nothing() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let ed = e.script("ed", "echo broken > \"$1\"\nexit 3\n");
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the editor exited"));
    assert_eq!(bytes(&e.routine("mine")), before);
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", "/no/such/editor")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot run the editor"));
}

#[test]
fn editor_code_runs_with_wait_and_visual_comes_first() {
    let e = Env::with_mine();
    let bin = e.tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let args_log = e.tmp.path().join("code-args");
    let code = bin.join("code");
    std::fs::write(
        &code,
        format!(
            "#!/bin/sh\necho \"$@\" > {}\nfor f; do :; done\nsed -i 's/^name = .*/name = \"From code\"/' \"$f\"\n",
            args_log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&code, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = e.run_with(
        &["edit", "mine"],
        "",
        &[("PATH", &path), ("EDITOR", "code"), ("VISUAL", "")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let args = std::fs::read_to_string(&args_log).unwrap();
    assert!(args.starts_with("--wait "), "{args}");
    assert_eq!(e.lib().routine("mine").unwrap().name, "From code");

    // $VISUAL wins over $EDITOR.
    let other = e.script("other", "exit 7\n");
    let out = e.run_with(
        &["edit", "mine"],
        "",
        &[("PATH", &path), ("EDITOR", s(&other)), ("VISUAL", "code")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn editor_strings_are_split_like_a_shell_would() {
    let ed = Editor::from_vars(None, Some("'/opt/my editor/ed' -n \"a b\"")).unwrap();
    assert_eq!(ed.program, "/opt/my editor/ed");
    assert_eq!(ed.args, ["-n", "a b"]);
    let ed = Editor::from_vars(Some("vim -f"), Some("nano")).unwrap();
    assert_eq!(
        (ed.program.as_str(), ed.args.as_slice()),
        ("vim", &["-f".to_string()][..])
    );
    let ed = Editor::from_vars(Some("  "), Some("/usr/bin/code -w")).unwrap();
    assert_eq!(
        ed.args,
        ["-w"],
        "a wait flag already given is not added again"
    );
    let ed = Editor::from_vars(None, Some("subl")).unwrap();
    assert_eq!(ed.args, ["--wait"]);
    let ed = Editor::from_vars(None, None).unwrap();
    assert_eq!(ed.program, "vi");
    assert!(Editor::from_vars(None, Some("'unclosed")).is_err());
}

// ---------------------------------------------------------------------------------------
// share and import

/// Everything about a routine that shapes a session.
fn plan(r: &Routine) -> Vec<String> {
    r.steps
        .iter()
        .map(|s| {
            format!(
                "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                s.title,
                s.sides,
                s.length,
                s.planned,
                s.transition,
                s.pressure,
                s.breathing
                    .as_ref()
                    .map(|p| (&p.id, &p.phases, &p.description)),
                s.instructions,
                s.cue,
                s.caution
            )
        })
        .collect()
}

#[test]
fn share_then_import_into_an_empty_config_gives_the_same_plan() {
    let sender = Env::with_mine();
    let out = sender.run(&["share", "mine"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shared = text(&out.stdout);
    assert!(shared.contains("[patterns.slow-out]"), "{shared}");

    let receiver = Env::new();
    std::fs::remove_dir(receiver.config.join("routines")).unwrap();
    // "Mine" breaks the guide's limits (no summary, no footer ...): --yes installs it anyway.
    let out = receiver.run_with(&["import", "-", "--yes"], &shared, &[]);
    let so = text(&out.stdout);
    assert!(out.status.success(), "{so}{}", text(&out.stderr));
    for want in [
        "routine  Mine (mine) · neck",
        "pressure  up to 3–4 / 10",
        "breath holds  none",
        "patterns  slow-out (in the file)",
        "Installed ",
    ] {
        assert!(so.contains(want), "missing {want:?} in\n{so}");
    }
    let a = sender.lib();
    let b = receiver.lib();
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let (ra, rb) = (a.routine("mine").unwrap(), b.routine("mine").unwrap());
    assert_eq!(plan(ra), plan(rb));
    assert_eq!(
        (ra.name.as_str(), ra.area, ra.total()),
        (rb.name.as_str(), rb.area, rb.total())
    );
}

#[test]
fn an_id_clash_without_replace_changes_nothing_and_shows_the_steps() {
    let e = Env::with_mine();
    let before = bytes(&e.routine("mine"));
    let incoming = e.tmp.path().join("mine.toml");
    let changed = MINE
        .replace("title = \"Breathe\"", "title = \"Breathe slowly\"")
        .replace("slow-out", "extended-exhale");
    std::fs::write(&incoming, &changed).unwrap();
    let out = e.run(&["import", s(&incoming)]);
    let so = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{so}");
    assert!(
        text(&out.stderr).contains("--replace"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(bytes(&e.routine("mine")), before);
    assert!(so.contains("\n  - Breathe · 5 breaths"), "{so}");
    assert!(so.contains("\n  + Breathe slowly · 5 breaths"), "{so}");

    // --as installs it beside the old one; --replace replaces it.
    let out = e.run(&["import", s(&incoming), "--as", "mine-2", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(bytes(&e.routine("mine")), before);
    assert_eq!(
        e.lib().routine("mine-2").unwrap().steps[1].title,
        "Breathe slowly"
    );
    let out = e.run(&["import", s(&incoming), "--replace", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(e.routine("mine")).unwrap(), changed);
    // --as and --replace together are bad usage.
    let out = e.run(&["import", s(&incoming), "--as", "x", "--replace"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bundled_id_is_a_clash_too() {
    let e = Env::new();
    let out = e.run(&["share", "desk-reset"]);
    let shared = text(&out.stdout);
    let out = e.run_with(&["import", "-"], &shared, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("the steps are the same"));
    assert!(!e.routine("desk-reset").exists());
}

#[test]
fn unknown_patterns_are_refused_with_a_hint() {
    let e = Env::new();
    let incoming = e.tmp.path().join("mine.toml");
    std::fs::write(&incoming, MINE).unwrap();
    let out = e.run(&["import", s(&incoming)]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("unknown breathing pattern \"slow-out\""),
        "{err}"
    );
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("error: "), "{err}");
    assert!(
        last.contains("slow-out") && last.contains("knotless share"),
        "{last}"
    );
    assert!(!e.routine("mine").exists());
    // Standard input without an id needs --as.
    let out = e.run_with(&["import", "-"], &MINE.replace("slow-out", "relaxed"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--as"));
    let out = e.run_with(
        &["import", "-", "--as", "from-stdin", "--yes"],
        &MINE.replace("slow-out", "relaxed"),
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(e.lib().routine("from-stdin").is_some());
}

// ---------------------------------------------------------------------------------------
// format

#[test]
fn format_1_is_read_and_a_newer_format_says_so() {
    let e = Env::new();
    std::fs::write(
        e.routine("now"),
        format!("format = 1\n{}", MINE.replace("slow-out", "relaxed")),
    )
    .unwrap();
    std::fs::write(
        e.routine("later"),
        "format = 2\nname = \"Later\"\narea = \"neck\"\nmood = \"calm\"\n[[segments]]\nfoo = 1\n",
    )
    .unwrap();
    let out = e.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let so = text(&out.stdout);
    assert!(
        so.contains("later.toml:1:10: this routine needs a knotless newer than"),
        "{so}"
    );
    assert!(!so.contains("unknown key"), "{so}");
    assert!(so.contains("1 problem in 1 file."), "{so}");
    assert!(e.lib().routine("now").is_some());
    std::fs::write(e.routine("zero"), "format = 0\nname = \"Zero\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"1m\"\n").unwrap();
    let so = text(&e.run(&["check"]).stdout);
    assert!(so.contains("zero.toml:1:10: there is no format 0"), "{so}");
}

// ---------------------------------------------------------------------------------------
// Noticing changes

#[test]
fn the_files_stamp_changes_with_the_routines_folder_and_only_then() {
    let e = Env::with_mine();
    let a = e.stamp();
    assert_eq!(a, e.stamp(), "nothing changed");
    assert!(a.unchanged(&e.config));
    // A longer file.
    std::fs::write(e.routine("mine"), format!("{MINE}\n")).unwrap();
    assert!(!a.unchanged(&e.config));
    let b = e.stamp();
    assert_ne!(a, b);
    assert!(b.unchanged(&e.config));
    // Same size, saved by renaming a new file over it (as many editors do).
    let tmp = e.config.join("routines/.swap");
    std::fs::write(&tmp, format!("{MINE}#")).unwrap();
    std::fs::rename(&tmp, e.routine("mine")).unwrap();
    assert!(!b.unchanged(&e.config));
    let c = e.stamp();
    assert_ne!(b, c);
    // A new file, and a change to config.toml.
    std::fs::write(e.routine("other"), MINE).unwrap();
    assert!(!c.unchanged(&e.config));
    let d = e.stamp();
    assert_ne!(c, d);
    std::fs::write(e.config.join("config.toml"), "theme = \"dim\"\n").unwrap();
    assert!(!d.unchanged(&e.config));
    assert_ne!(d, e.stamp());
}

/// The library looks at the files as it reads them (the app asks its stamp on a key): a
/// stamp that sees a change made after the library was read, in a routine, a drawing or
/// the settings; none without a config folder.
#[test]
fn the_library_stamps_the_files_it_reads() {
    let e = Env::with_mine();
    std::fs::create_dir_all(e.config.join("art")).unwrap();
    std::fs::write(e.config.join("art/mine.txt"), " o\n/|\\\n").unwrap();
    assert!(knotless::library::Library::load(None).stamp().is_none());
    for (file, text) in [
        ("routines/mine.toml", format!("{MINE}\n")),
        ("art/mine.txt", " o\n/|\\\n/ \\\n".to_string()),
        ("config.toml", "theme = \"dim\"\n".to_string()),
    ] {
        let lib = e.lib();
        let stamp = lib.stamp().unwrap();
        assert!(stamp.unchanged(&e.config), "{file}");
        std::fs::write(e.config.join(file), text).unwrap();
        assert!(!stamp.unchanged(&e.config), "{file}");
    }
}

/// A file added in the same tick of the file system's clock as the stamp leaves the
/// folder's time as it was: the stamp lists the folder again when its time is that recent.
#[test]
fn the_files_stamp_sees_a_file_added_within_the_same_tick() {
    let e = Env::with_mine();
    let dir = e.config.join("routines");
    let stamp = e.stamp();
    let before = std::fs::metadata(&dir).unwrap().modified().unwrap();
    std::fs::write(e.routine("other"), MINE).unwrap();
    std::fs::File::open(&dir)
        .unwrap()
        .set_modified(before)
        .unwrap();
    assert_eq!(std::fs::metadata(&dir).unwrap().modified().unwrap(), before);
    assert!(!stamp.unchanged(&e.config));
}

/// With thousands of files in the routines folder, the stamp holds and looks at the files
/// the library reads (the first 500 by name), not every entry.
#[test]
fn the_files_stamp_looks_only_at_the_files_read() {
    let e = Env::with_mine();
    for i in 0..600 {
        std::fs::write(e.config.join(format!("routines/z{i:03}.toml")), MINE).unwrap();
    }
    let stamp = e.stamp();
    assert!(stamp.unchanged(&e.config));
    // Past the first 500: never read, so never looked at.
    std::fs::write(e.config.join("routines/z599.toml"), format!("{MINE}\n")).unwrap();
    assert!(stamp.unchanged(&e.config));
    // One that is read.
    std::fs::write(e.config.join("routines/z000.toml"), format!("{MINE}\n")).unwrap();
    assert!(!stamp.unchanged(&e.config));
}

/// A routine file that is a link to a file kept elsewhere (a dotfiles folder): a change
/// there is no change to the routines folder (on Linux, the kernel's queue of changes to
/// the folder holds none), and the stamp still sees it.
#[test]
fn the_files_stamp_sees_a_change_to_the_file_a_link_points_at() {
    let e = Env::with_mine();
    // Enough files for the queue of changes to be set up at the first look.
    for i in 0..knotless::library::edit::QUEUE_FROM {
        std::fs::write(e.config.join(format!("routines/z{i:03}.toml")), MINE).unwrap();
    }
    let elsewhere = e.config.parent().unwrap().join("dotfiles");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("linked.toml"),
        MINE.replace("mine", "linked"),
    )
    .unwrap();
    std::os::unix::fs::symlink(elsewhere.join("linked.toml"), e.routine("linked")).unwrap();
    let stamp = e.stamp();
    assert!(
        stamp.unchanged(&e.config),
        "the first look sets the queue up"
    );
    assert!(
        stamp.unchanged(&e.config),
        "asked again: the queue is quiet"
    );
    std::fs::write(
        elsewhere.join("linked.toml"),
        format!("{}\n", MINE.replace("mine", "linked")),
    )
    .unwrap();
    assert!(!stamp.unchanged(&e.config), "the file a link points at");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// No text sent to `import` makes it panic, with or without --as.
    #[test]
    fn import_never_panics(text in "(id|name|area|format|\\[\\[steps\\]\\]|title|duration|breathing|=|\"|'|[a-z0-9 ]|\n){0,80}", as_new in proptest::bool::ANY) {
        let lib = Library::load(None);
        let dir = std::env::temp_dir().join("knotless-never-written");
        let _ = knotless::library::edit::prepare_import(
            &lib, &dir, "<stdin>", None, &text, as_new.then_some("new-id"));
        let _ = knotless::library::edit::with_id(&text, "x");
    }
}

#[test]
fn a_file_changed_elsewhere_during_the_edit_is_not_overwritten() {
    let e = Env::with_mine();
    let real = e.routine("mine");
    let other = MINE.replace("name = \"Mine\"", "name = \"From the other window\"");
    let ed = e.script(
        "ed",
        &format!(
            "printf '%s' '{other}' > {real}\nsed -i 's/^name = .*/name = \"From the editor\"/' \"$1\"\n",
            real = real.display()
        ),
    );
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("changed on disk while you were editing"));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), other);
    let draft = std::fs::read_to_string(e.config.join("routines/mine.toml.draft")).unwrap();
    assert!(draft.contains("From the editor"));
}

#[test]
fn a_saved_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let e = Env::with_mine();
    let real = e.routine("mine");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let ed = e.script("ed", "sed -i 's/^name = .*/name = \"Kept mode\"/' \"$1\"\n");
    let out = e.run_with(&["edit", "mine"], "", &[("EDITOR", s(&ed))]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // A new file is its owner's only, like every file knotless creates.
    let out = e.run(&["new", "fresh"]);
    assert!(out.status.success());
    let mode = std::fs::metadata(e.routine("fresh"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn the_import_summary_names_breath_holds_and_patterns() {
    let e = Env::new();
    let incoming = e.tmp.path().join("seated-box.toml");
    std::fs::write(
        &incoming,
        "name = \"Seated box\"\narea = \"breathing\"\ncautions = [\"Sit down.\"]\n\
         [[steps]]\ntitle = \"Box, seated\"\nbreaths = 4\nbreathing = \"box\"\n\
         [[steps]]\ntitle = \"Rest\"\nduration = \"30s\"\nbreathing = \"relaxed\"\n",
    )
    .unwrap();
    let out = e.run(&["import", s(&incoming), "--yes"]);
    let so = text(&out.stdout);
    assert!(out.status.success(), "{so}{}", text(&out.stderr));
    for want in [
        "routine  Seated box (seated-box) · breathing",
        "steps  2 · 1:34 active",
        "pressure  none",
        "cautions  1 before starting, 0 on steps",
        "breath holds  Box, seated",
        "patterns  box, relaxed",
    ] {
        assert!(so.contains(want), "missing {want:?} in\n{so}");
    }
}

// ---------------------------------------------------------------------------------------
// routines that break the guide, and patterns that stay in their file

fn mutation(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/content_mutations")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn a_routine_that_breaks_the_guide_is_installed_only_when_asked_and_then_marked() {
    let e = Env::new();
    let incoming = e.tmp.path().join("neck-front.toml");
    std::fs::write(&incoming, mutation("front-of-neck-light-press.toml")).unwrap();
    // No terminal to ask at: refused, with what it breaks and how to install it anyway.
    let out = e.run(&["import", s(&incoming)]);
    assert_eq!(out.status.code(), Some(1));
    let so = text(&out.stdout);
    assert!(so.contains("⚠ It breaks 1 of the safety limits:"), "{so}");
    assert!(so.contains("[front-of-neck] step 2"), "{so}");
    assert!(
        text(&out.stderr).contains("add --yes"),
        "{}",
        text(&out.stderr)
    );
    assert!(!e.routine("neck-front").exists());
    // --yes installs it, and every listing marks it.
    let out = e.run(&["import", s(&incoming), "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&e.run(&["list"]).stdout);
    let line = list.lines().find(|l| l.contains("neck-front")).unwrap();
    assert!(line.starts_with("⚠ neck-front"), "{list}");
    assert!(line.ends_with("breaks 1 of the safety limits"), "{list}");
    let json: serde_json::Value =
        serde_json::from_slice(&e.run(&["list", "--json"]).stdout).unwrap();
    let item = json
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "neck-front")
        .unwrap();
    assert_eq!(item["breaks"], serde_json::json!(["front-of-neck"]));
    assert_eq!(
        json.as_array().unwrap()[0]["breaks"],
        serde_json::json!([]),
        "a bundled routine breaks nothing"
    );
    // check: exit 3, never "All good", for the folder and for the file.
    for args in [vec!["check"], vec!["check", s(&e.routine("neck-front"))]] {
        let out = e.run(&args);
        let so = text(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {so}");
        assert!(!so.contains("All good"), "{so}");
        assert!(
            so.contains("neck-front.toml: ⚠ loads, but breaks 1 of the safety limits."),
            "{so}"
        );
    }
}

#[test]
fn a_routine_file_cannot_change_a_bundled_pattern() {
    let e = Env::new();
    // A file that defines its own "resonance" with a 60 s hold, as the issue found one.
    let long_hold = "name = \"Long hold\"\narea = \"breathing\"\nsummary = \"Hold on.\"\n\
         cautions = [\"Self-care only, not medical advice.\"]\n\
         [[steps]]\ntitle = \"Hold\"\nbreaths = 3\nbreathing = \"resonance\"\n\
         instructions = \"Breathe.\"\ncue = \"Hold.\"\n\n\
         [patterns.resonance]\ninhale = \"4s\"\nhold_in = \"60s\"\nexhale = \"6s\"\n";
    let incoming = e.tmp.path().join("long-hold.toml");
    std::fs::write(&incoming, long_hold).unwrap();
    let out = e.run(&["import", s(&incoming), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("\"resonance\" is a bundled breathing pattern's name"),
        "{err}"
    );
    assert!(!e.routine("long-hold").exists());
    // Put there by hand, or in config.toml: reported, and the bundled routines are untouched.
    std::fs::write(e.routine("long-hold"), long_hold).unwrap();
    std::fs::write(
        e.config.join("config.toml"),
        "[patterns.box]\ninhale = \"4s\"\nhold_in = \"60s\"\nexhale = \"6s\"\n",
    )
    .unwrap();
    let lib = e.lib();
    let bundled = Library::load(None);
    assert_eq!(
        lib.problems.len(),
        2,
        "one problem in each file: {:#?}",
        lib.problems
    );
    for b in &bundled.routines {
        let r = lib
            .routine(&b.id)
            .unwrap_or_else(|| panic!("{} did not load", b.id));
        assert_eq!(r, b, "{} changed", b.id);
        for step in &r.steps {
            let held = step.breathing.iter().flat_map(|p| p.holds()).max();
            assert!(
                held.is_none_or(|h| h < std::time::Duration::from_secs(60)),
                "{}: {held:?}",
                r.id
            );
        }
    }
    assert_eq!(lib.pattern("box"), bundled.pattern("box"));
}

#[test]
fn a_routine_files_patterns_are_its_own() {
    let e = Env::new();
    let with_pattern = "name = \"A\"\narea = \"breathing\"\n\
         [[steps]]\ntitle = \"Breathe\"\nbreaths = 3\nbreathing = \"slowish\"\n\n\
         [patterns.slowish]\ninhale = \"4s\"\nexhale = \"7s\"\n";
    std::fs::write(e.routine("a"), with_pattern).unwrap();
    std::fs::write(
        e.routine("b"),
        "name = \"B\"\narea = \"breathing\"\n[[steps]]\ntitle = \"Breathe\"\nbreaths = 3\nbreathing = \"slowish\"\n",
    )
    .unwrap();
    let lib = e.lib();
    assert!(lib.routine("a").is_some());
    assert!(lib.routine("b").is_none());
    assert!(lib.pattern("slowish").is_none(), "not library-wide");
    let p = lib
        .problems
        .iter()
        .find(|p| p.message.contains("unknown breathing pattern"))
        .unwrap();
    assert!(p.file.ends_with("b.toml"), "{p}");
    assert!(
        p.hint.as_deref().unwrap_or("").contains("a.toml"),
        "the hint points at the file that has it: {p}"
    );
}
