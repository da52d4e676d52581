//! The documentation is true: every example in the README, the pages in `docs/` and
//! `--help` runs, every routine and settings example passes `check`, links lead somewhere,
//! and nothing points at a file a user does not have.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::{dirs, knotless, text};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The user-facing pages: README.md, CONTRIBUTING.md and every page in `docs/`, as
/// (path from the repository root, text).
fn markdown_pages() -> Vec<(String, String)> {
    let mut names = vec!["README.md".to_string(), "CONTRIBUTING.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    assert!(docs.len() >= 4, "docs/ has {docs:?}");
    names.extend(docs);
    names
        .into_iter()
        .map(|n| {
            let body = std::fs::read_to_string(Path::new(ROOT).join(&n)).unwrap();
            (n, body)
        })
        .collect()
}

/// The commands `--help` lists (not `help` itself), in its order.
pub fn commands(top_help: &str) -> Vec<String> {
    let list = top_help.split("Commands:").nth(1).unwrap().lines().skip(1);
    let commands: Vec<String> = list
        .take_while(|l| !l.trim().is_empty())
        // A long summary goes on under its command, indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 10, "{commands:?}");
    commands
}

/// `--help` and every command's `--help`, as (where, text).
fn help_texts(c: &Path, d: &Path) -> Vec<(String, String)> {
    let top = text(&knotless(c, d, &["--help"]).stdout);
    let mut texts = Vec::new();
    for sc in commands(&top) {
        let out = knotless(c, d, &[&sc, "--help"]);
        assert!(out.status.success(), "{sc} --help");
        texts.push((format!("{sc} --help"), text(&out.stdout)));
    }
    texts.push(("--help".into(), top));
    texts
}

/// The fenced code blocks of a page: (the word after the fence, e.g. "toml", the block).
fn code_blocks(page: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in page.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(_), Some(block)) => blocks.push(block),
            (Some(lang), None) => open = Some((lang.trim().to_string(), String::new())),
            (None, Some((lang, mut body))) => {
                body.push_str(line);
                body.push('\n');
                open = Some((lang, body));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Splits an example line as a shell would for these simple cases: words, "double" and
/// 'single' quotes; stops at a redirection, a comment or a parenthesised remark.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut in_word = false;
    for ch in line.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => cur.push(ch),
            None if ch == '"' || ch == '\'' => {
                quote = Some(ch);
                in_word = true;
            }
            None if ch.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None if !in_word && (ch == '(' || ch == '#' || ch == '>' || ch == '|') => break,
            None => {
                cur.push(ch);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// A documented example: where it is written, its words, and the file it reads as
/// standard input (`knotless import - < shared.toml`).
type Example = (String, Vec<String>, Option<String>);

/// Every concrete example line (`knotless …` with no placeholders) in a code block of the
/// README and the pages in `docs/`, and in every command's `--help`.
fn documented_examples(c: &Path, d: &Path) -> Vec<Example> {
    let mut texts = markdown_pages();
    texts.extend(help_texts(c, d));
    let mut found = Vec::new();
    for (source, body) in texts {
        let readme = source.ends_with(".md");
        let mut fenced = false;
        for line in body.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            // Pages: only code blocks; help: only indented example lines.
            if (readme && !fenced) || (!readme && !line.starts_with(' ')) {
                continue;
            }
            let line = line.trim().trim_start_matches("$ ");
            let Some(rest) = line.strip_prefix("knotless ") else {
                continue;
            };
            // Two spaces start a remark: "knotless        open the app (home)".
            let cmd = rest.split("  ").next().unwrap_or("");
            let (cmd, stdin) = match cmd.split_once(" < ") {
                Some((cmd, file)) => (cmd, Some(file.trim().to_string())),
                None => (cmd, None),
            };
            // A shell snippet's own plumbing (`2>/dev/null`, `&& …`) is not knotless's.
            let words: Vec<String> = shell_words(cmd)
                .into_iter()
                .take_while(|w| !matches!(w.as_str(), ";" | "&&" | "||"))
                .filter(|w| !(w.starts_with('>') || w.starts_with("2>") || w.starts_with("&>")))
                .collect();
            // The synopsis lines: placeholders in capitals, [optional] parts, a|b choices.
            let placeholder = words.iter().any(|w| {
                w.contains('[')
                    || w.contains('|')
                    || w.contains("...")
                    || (w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            });
            if words.is_empty() || placeholder {
                continue;
            }
            found.push((source.clone(), words, stdin));
        }
    }
    found
}

/// The examples of the README, `docs/` and `--help` work on a fresh install. `run` and
/// `breathe` go to plain mode (stdout is a pipe): the example works once it prints its
/// first cue line, then it is stopped.
#[test]
fn every_documented_example_works() {
    let (c, d) = dirs();
    let examples = documented_examples(c.path(), d.path());
    let words: Vec<String> = examples.iter().map(|(_, w, _)| w.join(" ")).collect();
    // The files the examples name (`import neck-from-physio.toml`), as someone would have
    // them: a small routine each, in the directory the examples run in.
    let work = tempfile::tempdir().unwrap();
    for (_, args, stdin) in &examples {
        for file in args.iter().chain(stdin).filter(|a| a.ends_with(".toml")) {
            let path = work.path().join(file);
            let stem = file.trim_end_matches(".toml");
            if !path.exists() {
                std::fs::write(
                    &path,
                    format!(
                        "id = \"{stem}\"\nname = \"Sent {stem}\"\narea = \"neck\"\nsummary = \"A short one.\"\ncautions = [\"Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.\"]\nbreathing = \"none\"\n[[steps]]\ntitle = \"Shoulder rolls\"\nduration = \"1m\"\ninstructions = \"Roll your shoulders slowly backwards.\"\ncue = \"Slow and easy.\"\n"
                    ),
                )
                .unwrap();
            }
        }
    }
    for must in [
        "run neck-release",
        "run desk",
        "run jaw --plain",
        "breathe resonance --for 10m",
    ] {
        assert!(
            words.iter().any(|w| w == must),
            "{must:?} not found in {words:?}"
        );
    }
    // `remind --install --enable` talks to systemd, `nudge --notify` to the desktop and
    // `sound test` to a sound card (a test machine may have none): stand-ins on PATH answer
    // for them, and the units go to a folder of the test's own.
    let bin = work.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["systemctl", "notify-send", "pw-play"] {
        let p = bin.join(tool);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (source, args, stdin) in &examples {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if matches!(args.first(), Some(&"run") | Some(&"breathe")) || args.is_empty() {
            if args.is_empty() {
                continue; // `knotless` alone opens the app; the e2e tests cover it
            }
            let mut child = crate::common::knotless()
                .args(&args)
                .env("KNOTLESS_CONFIG_DIR", c.path())
                .env("KNOTLESS_DATA_DIR", d.path())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = [0u8; 1];
            let got = child.stdout.as_mut().unwrap().read(&mut first).unwrap();
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            assert!(
                got == 1,
                "{source}: knotless {args:?} printed nothing: {}",
                text(&out.stderr)
            );
            assert!(
                !text(&out.stderr).contains("error"),
                "{source}: {args:?}: {}",
                text(&out.stderr)
            );
            continue;
        }
        let input = match stdin {
            Some(file) => Stdio::from(std::fs::File::open(work.path().join(file)).unwrap()),
            None => Stdio::null(),
        };
        let out = crate::common::knotless()
            .args(&args)
            .current_dir(work.path())
            .env("KNOTLESS_CONFIG_DIR", c.path())
            .env("KNOTLESS_DATA_DIR", d.path())
            .env("XDG_CONFIG_HOME", work.path().join("xdg"))
            .env("PATH", &path)
            .env_remove("NO_COLOR")
            .stdin(input)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{source}: knotless {}: {}",
            args.join(" "),
            text(&out.stderr)
        );
    }
}
/// Every routine and settings example (a `toml` block) passes `knotless check`: routine
/// files as routines, the rest as `config.toml`. Content warnings are allowed (an example
/// may be short), problems are not. A block whose first line names another program's file
/// (`# ~/.config/starship.toml`) is not ours to check.
#[test]
fn documented_routines_and_settings_pass_check() {
    let (c, d) = dirs();
    let work = tempfile::tempdir().unwrap();
    let mut checked = (0, 0);
    for (page, body) in markdown_pages() {
        for (n, (lang, block)) in code_blocks(&body).into_iter().enumerate() {
            if lang != "toml" {
                continue;
            }
            let first = block.lines().next().unwrap_or("");
            if first.starts_with("# ~/") && !first.contains("knotless") {
                continue;
            }
            let folder = work.path().join(format!("{}-{n}", page.replace('/', "-")));
            std::fs::create_dir_all(&folder).unwrap();
            let routine = block.contains("[[steps]]");
            let file = folder.join(if routine {
                "example.toml"
            } else {
                "config.toml"
            });
            std::fs::write(&file, &block).unwrap();
            let out = knotless(c.path(), d.path(), &["check", file.to_str().unwrap()]);
            let said = text(&out.stdout) + &text(&out.stderr);
            assert!(
                out.status.success() && said.contains("All good"),
                "{page}, block {n} ({}):\n{block}\n{said}",
                if routine { "a routine" } else { "config.toml" }
            );
            if routine {
                checked.0 += 1;
            } else {
                checked.1 += 1;
            }
        }
    }
    assert!(
        checked.0 >= 1 && checked.1 >= 5,
        "routines and settings blocks checked: {checked:?}"
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(page: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.push(slug(line.trim_start_matches('#')));
        }
    }
    out
}

/// Every link between the pages leads to a file that exists, and to a heading in it.
#[test]
fn links_between_the_pages_lead_somewhere() {
    let pages = markdown_pages();
    let mut seen = 0;
    for (page, body) in &pages {
        let dir = Path::new(page).parent().unwrap_or(Path::new(""));
        let prose = prose(body);
        for (i, _) in prose.match_indices("](") {
            let rest = &prose[i + 2..];
            let target = &rest[..rest.find(')').unwrap()];
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            seen += 1;
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let (path, text) = if file.is_empty() {
                (PathBuf::from(page), body.clone())
            } else {
                let path = normalise(&dir.join(file));
                let full = Path::new(ROOT).join(&path);
                assert!(full.exists(), "{page}: {target} leads nowhere");
                let text = std::fs::read_to_string(&full).unwrap_or_default();
                (path, text)
            };
            if !anchor.is_empty() {
                assert!(
                    anchors(&text).iter().any(|a| a == anchor),
                    "{page}: no heading for #{anchor} in {}",
                    path.display()
                );
            }
        }
    }
    assert!(seen > 20, "only {seen} links");
}

/// A page without its code blocks.
fn prose(page: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `docs/../README.md` as `README.md`.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What the user reads names nothing they lack: no notes outside the repository, no
/// tracker numbers. Checked in every page and every command's `--help`.
#[test]
fn pages_and_help_point_only_at_what_a_user_has() {
    let (c, d) = dirs();
    let mut texts = markdown_pages();
    texts.extend(help_texts(c.path(), d.path()));
    for (source, body) in &texts {
        let lower = body.to_lowercase();
        for banned in [
            "../shared",
            "shared/",
            "product.md",
            "style.md",
            "mockups.md",
            "routine-guide",
            "content guide",
            "the brief",
        ] {
            assert!(!lower.contains(banned), "{source} mentions {banned:?}");
        }
        for word in ["issue", "item"] {
            for (i, _) in lower.match_indices(word) {
                let after = lower[i + word.len()..].trim_start_matches([' ', '#']);
                assert!(
                    !after.starts_with(|c: char| c.is_ascii_digit()),
                    "{source} names a tracker number: {:?}",
                    &body[i..(i + 20).min(body.len())]
                );
            }
        }
    }
}

/// The README is a front door: short, the two commands first, the install with its PATH,
/// and a way into every page of `docs/`.
#[test]
fn the_readme_is_a_front_door() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    assert!(lines.len() <= 200, "README has {} lines", lines.len());
    let top = lines[..10].join("\n");
    assert!(top.contains("cargo run --release") && top.contains("cargo test"));
    assert!(readme.contains("PATH") && readme.contains("~/.cargo/bin"));
    assert!(readme.contains("not medical advice"));
    for (page, _) in markdown_pages().iter().filter(|(p, _)| p != "README.md") {
        assert!(readme.contains(&format!("]({page})")), "no link to {page}");
    }
}
