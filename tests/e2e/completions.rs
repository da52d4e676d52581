//! Shell completions carry ids, never text from a file: routines someone sent, named with
//! command and process substitutions, quotes and backticks, run nothing when bash, zsh or
//! fish load the generated script or complete `knotless run <TAB>` with it — and their ids
//! are still offered.

use std::path::Path;
use std::process::Command;

use portable_pty::CommandBuilder;

use crate::common::at_home;
use crate::pty::Pty;
use crate::{knotless, text};

/// Every way a shell might run text: `$( )`, backticks, `<( )`, `${ }`, quotes that end
/// the script's own quoting, and a newline-free `;`. Each touches a file of its own in
/// `ran`, so a test can tell which ran.
fn hostile(ran: &Path, n: usize) -> Vec<String> {
    let t = |what: &str| ran.join(format!("{what}-{n}")).display().to_string();
    vec![
        format!("$(touch {})", t("dollar")),
        format!("`touch {}`", t("backtick")),
        format!("<(touch {})", t("process")),
        format!("${{ touch {}; }}", t("brace")),
        format!("'; touch {}; '", t("single")),
        format!("\"; touch {}; \"", t("double")),
        format!("\\\"$(touch {})\\\"", t("escaped")),
    ]
}

/// A config folder with two routines and a pattern whose every text is hostile.
fn sent_routines(config: &Path, ran: &Path) {
    let dir = config.join("routines");
    std::fs::create_dir_all(&dir).unwrap();
    for (n, file) in ["evil-one", "evil-two"].iter().enumerate() {
        let words = hostile(ran, n);
        let list = |w: &[String]| {
            w.iter()
                .map(|s| toml::Value::String(s.clone()).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let q = |s: String| toml::Value::String(s).to_string();
        std::fs::write(
            dir.join(format!("{file}.toml")),
            format!(
                "name = {}\narea = \"neck\"\nsummary = {}\nequipment = [{}]\ncautions = [{}]\n\
                 breathing = \"sent-{n}\"\n[patterns.sent-{n}]\ndescription = {}\ninhale = \"4s\"\nexhale = \"6s\"\n\
                 [[steps]]\ntitle = {}\nduration = \"30s\"\ninstructions = {}\ncue = {}\n",
                // Each text within the length its key allows (a name is one line); every
                // hostile word is in the summary, the lists and the instructions.
                q(format!("Evil {}", words[0])),
                q(words.join(" ")),
                list(&words),
                list(&words),
                q(words.join(" ")),
                q(words[1].clone()),
                q(words.join(" ")),
                q(words[2..4].join(" ")),
            ),
        )
        .unwrap();
    }
    // A routine file's patterns are its own; config.toml's complete everywhere, so the
    // hostile description goes there too.
    let patterns: String = (0..2)
        .map(|n| {
            format!(
                "[patterns.sent-{n}]\ndescription = {}\ninhale = \"4s\"\nexhale = \"6s\"\n",
                toml::Value::String(hostile(ran, n).join(" "))
            )
        })
        .collect();
    std::fs::write(config.join("config.toml"), patterns).unwrap();
    // An id that is itself code is refused when the file loads: it must not reach a script.
    std::fs::write(
        dir.join("plain.toml"),
        format!(
            "id = {}\nname = \"Plain\"\narea = \"neck\"\n[[steps]]\ntitle = \"T\"\nduration = \"30s\"\n",
            toml::Value::String(format!("$(touch {})", ran.join("id").display()))
        ),
    )
    .unwrap();
}

/// A shell to complete with, or a printed reason why the test cannot run it.
fn shell(name: &str) -> bool {
    let found = at_home(Command::new(name))
        .arg("-c")
        .arg("exit 0")
        .status()
        .is_ok();
    if !found {
        println!("skipped {name}: it is not installed (.ci/run installs bash, zsh and fish)");
    }
    found
}

struct Setup {
    config: tempfile::TempDir,
    data: tempfile::TempDir,
    ran: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let s = Setup {
            config: tempfile::tempdir().unwrap(),
            data: tempfile::tempdir().unwrap(),
            ran: tempfile::tempdir().unwrap(),
        };
        sent_routines(s.config.path(), s.ran.path());
        s
    }

    /// The script for `shell`, written to a file; the routines loaded (with the refused id
    /// reported) and the ids in it.
    fn script(&self, shell: &str) -> std::path::PathBuf {
        let out = knotless(
            self.config.path(),
            self.data.path(),
            &["completions", shell],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let script = text(&out.stdout);
        for id in ["evil-one", "evil-two", "sent-0", "neck-release"] {
            assert!(script.contains(id), "{shell}: {id} missing from the script");
        }
        for text in ["Evil", "touch"] {
            assert!(!script.contains(text), "{shell}: {text:?} is in the script");
        }
        let path = self.ran.path().parent().unwrap().join(format!(
            "completion-{}-{shell}",
            self.ran.path().file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&path, script).unwrap();
        path
    }

    /// Nothing in `ran`: no text of the routines was run.
    fn nothing_ran(&self, shell: &str) {
        let ran: Vec<String> = std::fs::read_dir(self.ran.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(ran.is_empty(), "{shell} ran routine text: {ran:?}");
    }
}

#[test]
fn bash_completes_ids_and_runs_no_routine_text() {
    if !shell("bash") {
        return;
    }
    let s = Setup::new();
    let script = s.script("bash");
    let _g = crate::common::spawning();
    // The completion function as bash calls it for `knotless run <TAB>` and
    // `knotless breathe <TAB>`.
    let complete = |words: &str| {
        let out = at_home(Command::new("bash"))
            .args(["--norc", "--noprofile", "-c"])
            .arg(format!(
                "source '{}'; COMP_WORDS=({words} ''); COMP_CWORD=${{#COMP_WORDS[@]}}; \
                 COMP_CWORD=$((COMP_CWORD-1)); COMP_LINE='{words} '; COMP_POINT=${{#COMP_LINE}}; \
                 _knotless knotless '' \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script.display()
            ))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let run = complete("knotless run");
    assert!(
        run.lines().any(|l| l == "evil-one") && run.lines().any(|l| l == "neck-release"),
        "{run}"
    );
    let breathe = complete("knotless breathe");
    assert!(breathe.lines().any(|l| l == "sent-1"), "{breathe}");
    s.nothing_ran("bash");
    let _ = std::fs::remove_file(script);
}

#[test]
fn fish_completes_ids_and_runs_no_routine_text() {
    if !shell("fish") {
        return;
    }
    let s = Setup::new();
    let script = s.script("fish");
    let _g = crate::common::spawning();
    // `source` is what fish does when it loads the file; `complete -C` completes a line
    // through the same machinery as Tab.
    let out = at_home(Command::new("fish"))
        .args(["--no-config", "-c"])
        .arg(format!(
            "source '{}'; complete -C 'knotless run '; complete -C 'knotless breathe '; complete -C 'knotless history --routine '",
            script.display()
        ))
        .env("HOME", s.data.path())
        .env("XDG_CONFIG_HOME", s.data.path())
        .env("XDG_DATA_HOME", s.data.path())
        .output()
        .unwrap();
    let said = text(&out.stdout);
    s.nothing_ran("fish");
    assert!(out.status.success(), "{}", text(&out.stderr));
    for id in ["evil-one", "evil-two", "neck-release", "sent-0"] {
        assert!(
            said.lines().any(|l| l.split('\t').next() == Some(id)),
            "{id}: {said}"
        );
    }
    assert!(!said.contains("Evil"), "{said}");
    let _ = std::fs::remove_file(script);
}

/// zsh evaluates its completion specs only when Tab is pressed, so it is driven for real:
/// an interactive zsh in a pseudo-terminal, compinit, the script, `knotless run ev<Tab>`.
#[test]
fn zsh_completes_ids_and_runs_no_routine_text() {
    if !shell("zsh") {
        return;
    }
    let s = Setup::new();
    let script = s.script("zsh");
    let mut cmd = at_home(CommandBuilder::new("zsh"));
    cmd.args(["-f", "-i"]);
    cmd.env("HOME", s.data.path());
    cmd.env("TERM", "xterm");
    cmd.env("PS1", "zsh> ");
    let mut pty = {
        let _g = crate::common::spawning();
        Pty::spawn(cmd, 40, 120)
    };
    pty.send("PS1='zsh> '; autoload -Uz compinit && compinit -u -d \"$HOME/zcompdump\"\r");
    pty.send(&format!("source '{}' && echo sourced\r", script.display()));
    pty.wait_for("sourced");
    pty.send("knotless run ev\t");
    let screen = pty.wait_until("the routine ids", |s| {
        s.contains("evil-one") && s.contains("evil-two") && s.contains("evening-neck-jaw")
    });
    assert!(!screen.contains("Evil"), "{screen}");
    // Then a pattern, and the --routine flag of history.
    // `sent` completes to the common `sent-` first; the second Tab lists.
    pty.send("\x15knotless breathe sent\t");
    pty.wait_for("breathe sent-");
    pty.send("\t");
    pty.wait_until("the pattern ids", |s| {
        s.contains("sent-0") && s.contains("sent-1")
    });
    pty.send("\x15knotless history --routine evil-t\t");
    pty.wait_for("evil-two");
    pty.send("\x15exit\r");
    s.nothing_ran("zsh");
    let _ = std::fs::remove_file(script);
}
