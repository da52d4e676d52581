//! `knotless man`: every page renders with groff and man without a warning, names what it
//! should, and knotless-routine(5) describes every key and safety rule.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{dirs, knotless, text};

/// groff and man are needed to render the pages; `.ci/run` installs them.
fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What `groff -man -ww` says about a page (nothing, for a clean page), and the page as man
/// shows it (`man -l -`, its warnings turned on) with what man said on stderr.
fn render(page: &[u8]) -> (String, String, String) {
    let run = |cmd: &mut Command| {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(page).unwrap();
        child.wait_with_output().unwrap()
    };
    let groff = run(Command::new("groff").args(["-man", "-ww", "-z"]));
    assert!(groff.status.success());
    let man = run(Command::new("man")
        .args(["-l", "-"])
        .env("MANROFFOPT", "-ww")
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("LC_ALL", "C.UTF-8"));
    assert!(man.status.success(), "{}", text(&man.stderr));
    (text(&groff.stderr), text(&man.stdout), text(&man.stderr))
}

#[test]
fn every_page_renders_without_a_warning() {
    if !have("groff") || !have("man") {
        println!("skipped: groff or man is not installed (.ci/run installs them)");
        return;
    }
    let (c, d) = dirs();
    let out = knotless(c.path(), d.path(), &["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (groff, shown, man) = render(&out.stdout);
    assert_eq!((groff.as_str(), man.as_str()), ("", ""));
    let names = [
        "run",
        "breathe",
        "list",
        "check",
        "day",
        "report",
        "man",
        "completions",
    ];
    for cmd in names {
        assert!(
            shown.contains(&format!("knotless-{cmd}(1)")),
            "{cmd} missing:\n{shown}"
        );
    }
    for section in [
        "SYNOPSIS",
        "OPTIONS",
        "FILES",
        "ENVIRONMENT",
        "EXIT STATUS",
        "SEE ALSO",
    ] {
        assert!(shown.contains(section), "{section} missing");
    }
    // Every page, written as a packager takes them.
    let folder = tempfile::tempdir().unwrap();
    let out = knotless(
        c.path(),
        d.path(),
        &["man", "--dir", folder.path().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut pages = 0;
    for section in ["man1", "man5"] {
        for entry in std::fs::read_dir(folder.path().join(section)).unwrap() {
            let path = entry.unwrap().path();
            let page = std::fs::read(&path).unwrap();
            assert!(
                page.is_ascii(),
                "{} is not plain ASCII roff",
                path.display()
            );
            let (groff, shown, man) = render(&page);
            assert_eq!(
                (groff.as_str(), man.as_str()),
                ("", ""),
                "{}",
                path.display()
            );
            assert!(shown.contains("NAME") && shown.contains("SEE ALSO"));
            pages += 1;
        }
    }
    let top = text(&knotless(c.path(), d.path(), &["--help"]).stdout);
    let commands = crate::docs::commands(&top).len();
    // One page per command (`sound test` has its own), knotless(1) and knotless-routine(5).
    assert_eq!(
        pages,
        commands + 1 + 2,
        "{pages} pages for {commands} commands"
    );
    assert!(folder.path().join("man5/knotless-routine.5").exists());
    assert!(folder.path().join("man1/knotless-run.1").exists());
}

#[test]
fn a_command_page_has_its_options_and_examples() {
    if !have("groff") || !have("man") {
        println!("skipped: groff or man is not installed (.ci/run installs them)");
        return;
    }
    let (c, d) = dirs();
    for name in ["run", "knotless-run"] {
        let out = knotless(c.path(), d.path(), &["man", name]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let (_, shown, _) = render(&out.stdout);
        assert!(shown.starts_with("KNOTLESS-RUN(1)"), "{shown}");
        for want in [
            "--plain",
            "EXAMPLES",
            "knotless run neck-release",
            "knotless(1)",
        ] {
            assert!(shown.contains(want), "{want} missing:\n{shown}");
        }
    }
    let out = knotless(c.path(), d.path(), &["man", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("routine"),
        "{}",
        text(&out.stderr)
    );
}

/// The words inside `code` spans of a page.
fn code_words(page: &str) -> std::collections::BTreeSet<String> {
    page.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The routine file format (the page in docs/ and the manual page made from it) names
/// every key, area, region, technique and safety rule; the guide every setting.
#[test]
fn the_file_formats_are_described_in_full() {
    use knotless::core::content::Rule;
    use knotless::library as lib;
    use knotless::model::routine::{Area, Region, Technique};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let format = std::fs::read_to_string(root.join("docs/routine-format.md")).unwrap();
    let words = code_words(&format);
    let rules: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    let keys = [
        lib::ROUTINE_KEYS,
        lib::STEP_KEYS,
        lib::PATTERN_KEYS,
        lib::PHASE_KEYS,
    ];
    let names = keys
        .concat()
        .into_iter()
        .chain(Area::names())
        .chain(Region::names())
        .chain(Technique::names())
        .chain(rules.iter().copied());
    let missing: Vec<&str> = names.filter(|n| !words.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "docs/routine-format.md lacks {missing:?}"
    );

    let (c, d) = dirs();
    let page = text(&knotless(c.path(), d.path(), &["man", "routine"]).stdout);
    for rule in &rules {
        assert!(
            page.contains(&rule.replace('-', "\\-")) || page.contains(rule),
            "{rule}"
        );
    }

    let guide = std::fs::read_to_string(root.join("docs/guide.md")).unwrap();
    let settings = [lib::CONFIG_KEYS, lib::NUDGE_KEYS, lib::HOOK_KEYS].concat();
    let missing: Vec<&str> = settings
        .into_iter()
        .filter(|k| {
            !(guide.contains(&format!("`{k}`"))
                || guide.contains(&format!("{k} ="))
                || guide.contains(&format!("[{k}")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/guide.md lacks the settings {missing:?}"
    );
}
