//! `knotless man`: the manual pages. knotless(1) and one page per command are made with
//! clap_mangen from the same clap definitions as `--help`, so the two never disagree;
//! knotless-routine(5), the routine file format, is made from `docs/routine-format.md`
//! (compiled in), so the page and the document say the same thing.
//!
//! Every page is plain ASCII roff: characters outside ASCII are written as groff's
//! `\[uXXXX]` escapes, which groff and mandoc both read whatever the locale.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::Outcome;
use crate::cli::args::Cli;

/// The routine file format, written once: this page of `docs/` is also the manual page.
const ROUTINE_FORMAT: &str = include_str!("../../docs/routine-format.md");
const MANUAL: &str = "knotless manual";
/// The name `knotless man routine` knows the file format by.
const ROUTINE_PAGE: &str = "routine";

/// One manual page: its name (`knotless-run`), its section and its roff source.
struct Page {
    name: String,
    section: u8,
    roff: String,
}

impl Page {
    fn file_name(&self) -> String {
        format!("{}.{}", self.name, self.section)
    }
}

/// The command line as clap builds it, so subcommands know their full names.
fn cli() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The subcommands with a page of their own, nested ones included (`sound test`).
fn commands(cmd: &clap::Command) -> Vec<clap::Command> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.push(sub.clone());
        out.extend(commands(sub));
    }
    out
}

/// The page names `knotless man PAGE` takes: each command (`run`, `sound-test`) and
/// `routine`.
fn page_names() -> Vec<String> {
    let mut names: Vec<String> = commands(&cli())
        .iter()
        .map(|c| short_name(c).to_string())
        .collect();
    names.push(ROUTINE_PAGE.to_string());
    names
}

/// `knotless-sound-test` as `sound-test`.
fn short_name(cmd: &clap::Command) -> &str {
    let full = cmd.get_display_name().unwrap_or(cmd.get_name());
    full.strip_prefix("knotless-").unwrap_or(full)
}

/// A page name `man` does not have; says which it has.
#[derive(Debug, thiserror::Error)]
#[error("no such page; the pages are: {}", .0.join(", "))]
pub struct NoSuchPage(Vec<String>);

/// `man PAGE`: a page name as written (`run`, `knotless-run`, `routine`), checked as it is
/// parsed, so a wrong one is bad usage with the list of pages.
pub fn page_arg(s: &str) -> Result<String, NoSuchPage> {
    let short = s.strip_prefix("knotless-").unwrap_or(s).replace(' ', "-");
    let names = page_names();
    if names.contains(&short) {
        Ok(short)
    } else {
        Err(NoSuchPage(names))
    }
}

/// `knotless man [PAGE] [--dir DIR]`.
pub fn run(page: Option<&str>, dir: Option<&Path>, out: &mut dyn Write) -> Outcome {
    if let Some(dir) = dir {
        let written = write_all(dir).map_err(|e| {
            format!(
                "could not write the manual pages into {}: {}",
                dir.display(),
                crate::files::describe(&e)
            )
        })?;
        writeln!(out, "Wrote {written} manual pages into {}.", dir.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    let page = match page {
        None => main_page(),
        Some(ROUTINE_PAGE) => routine_page(),
        Some(name) => {
            let cmd = commands(&cli()).into_iter().find(|c| short_name(c) == name);
            command_page(&cmd.ok_or_else(|| format!("no manual page for \"{name}\""))?)
        }
    };
    out.write_all(page.roff.as_bytes())?;
    if std::io::IsTerminal::is_terminal(&io::stdout()) {
        let _ = writeln!(
            crate::cli::stderr(),
            "note: this is the page's source; to read it: knotless man{} | man -l -",
            if page.name == "knotless" {
                String::new()
            } else {
                format!(" {}", page.name.trim_start_matches("knotless-"))
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every page, as a packager wants them.
fn pages() -> Vec<Page> {
    let mut pages = vec![main_page()];
    pages.extend(commands(&cli()).iter().map(command_page));
    pages.push(routine_page());
    pages
}

/// Writes every page into `dir/man1` and `dir/man5`; returns how many.
fn write_all(dir: &Path) -> io::Result<usize> {
    let pages = pages();
    for page in &pages {
        let folder = dir.join(format!("man{}", page.section));
        std::fs::create_dir_all(&folder)?;
        crate::library::edit::replace_atomically(
            &folder.join(page.file_name()),
            page.roff.as_bytes(),
        )?;
    }
    Ok(pages.len())
}

/// One piece of a page: clap_mangen's sections or a Roff of our own, written out.
type Part<'a> = &'a dyn Fn(&mut dyn Write) -> io::Result<()>;

/// Renders the pieces of a page into its text.
fn render(parts: &[Part<'_>]) -> String {
    let mut buf = Vec::new();
    for part in parts {
        part(&mut buf).expect("writing to memory");
    }
    ascii(&String::from_utf8_lossy(&buf))
}

/// knotless(1): the synopsis, options and commands from clap, then what clap does not
/// know: files, environment, exit status, examples.
fn main_page() -> Page {
    let cmd = cli();
    let man = Man::new(cmd.clone()).title("KNOTLESS").manual(MANUAL);
    let mut extra = Roff::new();
    tagged(&mut extra, "FILES", FILES);
    tagged(&mut extra, "ENVIRONMENT", ENVIRONMENT);
    tagged(&mut extra, "EXIT STATUS", EXIT_STATUS);
    preformatted(&mut extra, "EXAMPLES", EXAMPLES);
    extra.control("SH", ["SAFETY"]);
    extra.text([roman(SAFETY)]);
    see_also(&mut extra, &["knotless-routine(5)", "man(1)"]);
    let roff = render(&[
        &|w| man.render_title(w),
        &|w| man.render_name_section(w),
        &|w| man.render_synopsis_section(w),
        &|w| man.render_description_section(w),
        &|w| man.render_options_section(w),
        &|w| man.render_subcommands_section(w),
        &|w| extra.to_writer(w),
        &|w| man.render_version_section(w),
    ]);
    Page {
        name: "knotless".into(),
        section: 1,
        roff,
    }
}

/// knotless-COMMAND(1): clap's synopsis and options, the command's examples and notes
/// (its `after_help`) as written.
fn command_page(cmd: &clap::Command) -> Page {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
    let man = Man::new(cmd.clone())
        .title(name.to_uppercase())
        .manual(MANUAL);
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_subcommands = cmd.get_subcommands().next().is_some();
    let mut extra = Roff::new();
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let after = after.to_string();
        match after.strip_prefix("Examples:\n") {
            Some(rest) => preformatted(&mut extra, "EXAMPLES", rest),
            None => preformatted(&mut extra, "NOTES", &after),
        }
    }
    see_also(&mut extra, &["knotless(1)", "knotless-routine(5)"]);
    let roff = render(&[
        &|w| man.render_title(w),
        &|w| man.render_name_section(w),
        &|w| man.render_synopsis_section(w),
        &|w| man.render_description_section(w),
        &|w| {
            if has_args {
                man.render_options_section(w)
            } else {
                Ok(())
            }
        },
        &|w| {
            if has_subcommands {
                man.render_subcommands_section(w)
            } else {
                Ok(())
            }
        },
        &|w| extra.to_writer(w),
    ]);
    Page {
        name,
        section: 1,
        roff,
    }
}

/// knotless-routine(5), from `docs/routine-format.md`: its sections from the first `##`
/// on (the page's own NAME, SYNOPSIS and DESCRIPTION stand for the document's opening).
fn routine_page() -> Page {
    let mut roff = Roff::new();
    roff.control(
        "TH",
        [
            "KNOTLESS-ROUTINE",
            "5",
            "",
            concat!("knotless ", env!("CARGO_PKG_VERSION")),
            MANUAL,
        ],
    );
    roff.control("SH", ["NAME"]);
    roff.text([roman(
        "knotless-routine - the routine file format of knotless",
    )]);
    roff.control("SH", ["SYNOPSIS"]);
    roff.text([
        bold("~/.config/knotless/routines/"),
        roman("ID"),
        bold(".toml"),
    ]);
    roff.control("SH", ["DESCRIPTION"]);
    roff.text([roman(ROUTINE_DESCRIPTION)]);
    let body = &ROUTINE_FORMAT[ROUTINE_FORMAT.find("\n## ").map_or(0, |i| i + 1)..];
    markdown(&mut roff, body);
    see_also(
        &mut roff,
        &[
            "knotless(1)",
            "knotless-check(1)",
            "knotless-new(1)",
            "knotless-edit(1)",
        ],
    );
    Page {
        name: "knotless-routine".into(),
        section: 5,
        roff: render(&[&|w| roff.to_writer(w)]),
    }
}

const ROUTINE_DESCRIPTION: &str = "A routine is a plain TOML file: one routine per file, in the \
routines folder of the configuration folder (KNOTLESS_CONFIG_DIR, else ~/.config/knotless). \
knotless new ID writes a commented one that already passes the checks; knotless check FILE \
explains any problem with path:line:column and a hint.";

const FILES: &[(&str, &str)] = &[
    (
        "<config>/routines/*.toml",
        "Your routines; one with the id of a bundled routine replaces it. See knotless-routine(5).",
    ),
    ("<config>/art/*.txt", "Your drawings."),
    (
        "<config>/config.toml",
        "Settings: theme, sound, voice, get-ready, weekly goal, breathing patterns, nudge hours, hooks.",
    ),
    (
        "<data>/history-<machine>.jsonl",
        "One JSON record per session, append-only, one file per machine.",
    ),
    (
        "<data>/days-<machine>.jsonl",
        "One JSON line per headache-day answer, append-only, one file per machine.",
    ),
    (
        "<data>/notice-<machine>.jsonl",
        "The safety notice acknowledged; any machine's line counts.",
    ),
    (
        "<state>/",
        "This machine's own state, never synced: a running session's snapshot, sessions kept aside, the nudge's memory, the theme and mute remembered.",
    ),
    (
        "<cache>/",
        "Tone files and rendered speech; safe to delete.",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "KNOTLESS_CONFIG_DIR",
        "The configuration folder, <config> (else $XDG_CONFIG_HOME/knotless, usually ~/.config/knotless); --config-dir wins.",
    ),
    (
        "KNOTLESS_DATA_DIR",
        "The data folder, <data> (else $XDG_DATA_HOME/knotless, usually ~/.local/share/knotless); --data-dir wins. It may be synced between machines.",
    ),
    (
        "KNOTLESS_STATE_DIR",
        "This machine's state folder, <state> (else $XDG_STATE_HOME/knotless, usually ~/.local/state/knotless); --state-dir wins. Never synced, never inside the data folder.",
    ),
    (
        "KNOTLESS_CACHE_DIR",
        "The cache folder, <cache> (else $XDG_CACHE_HOME/knotless, usually ~/.cache/knotless).",
    ),
    (
        "KNOTLESS_MACHINE",
        "This machine's name in the data folder's file names (else one derived from /etc/machine-id).",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour at all (the mono theme), as with --no-color.",
    ),
    (
        "VISUAL, EDITOR",
        "The editor knotless edit opens (else vi).",
    ),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success. Output cut short by its reader (knotless history | head) also ends with 0.",
    ),
    (
        "1",
        "A problem you can fix: a bad file, an unknown routine, a folder that cannot be written.",
    ),
    (
        "2",
        "Bad usage: an unknown flag, or a flag value it cannot read.",
    ),
];

const EXAMPLES: &str = "\
knotless                                  open the app
knotless run neck                         straight into Neck release between sessions
knotless breathe resonance --for 5m       five minutes of resonance breathing
knotless day yes --worst moderate         today was a headache day
knotless report --since 90d > report.md   a summary for a therapist or doctor
knotless man routine | man -l -           the routine file format";

const SAFETY: &str = "Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your \
headache gets worse. If a headache is sudden and severe, different from your usual ones, or \
comes with weakness, confusion, trouble speaking, vision loss, fever with a stiff neck, or \
follows a head injury, call your local emergency number now.";

/// A section of tagged paragraphs: the tag in bold, its text indented below.
fn tagged(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (tag, text) in items {
        roff.control("TP", []);
        roff.text([bold(*tag)]);
        roff.text([roman(*text)]);
    }
}

/// A section of lines kept as they are (examples), indented.
fn preformatted(roff: &mut Roff, title: &str, text: &str) {
    roff.control("SH", [title]);
    code(roff, text.lines());
}

fn code<'a>(roff: &mut Roff, lines: impl Iterator<Item = &'a str>) {
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in lines {
        if line.trim().is_empty() {
            roff.control("sp", []);
        } else {
            roff.text([roman(line)]);
        }
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

fn see_also(roff: &mut Roff, pages: &[&str]) {
    roff.control("SH", ["SEE ALSO"]);
    let list: Vec<_> = pages.iter().map(|p| bold(*p)).collect();
    let mut inlines = Vec::new();
    for (i, p) in list.into_iter().enumerate() {
        if i > 0 {
            inlines.push(roman(", "));
        }
        inlines.push(p);
    }
    roff.text(inlines);
}

/// Characters outside ASCII as groff escapes (`—` as `\[u2014]`).
fn ascii(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for c in roff.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out
}

/// The Markdown of `docs/` that the routine format uses, as man macros: `##` headings,
/// paragraphs, two-column tables as tagged paragraphs, lists, code blocks.
fn markdown(roff: &mut Roff, text: &str) {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            roff.control("SH", [h.replace('`', "").to_uppercase().as_str()]);
        } else if let Some(h) = line.strip_prefix("### ") {
            roff.control("SS", [h.replace('`', "").as_str()]);
        } else if line.starts_with("```") {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            roff.control("PP", []);
            code(roff, block.into_iter());
        } else if line.starts_with('|') {
            let mut rows = vec![line];
            while let Some(next) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(next);
            }
            // The header row and the line under it name the columns: the tags say enough.
            for row in rows.into_iter().skip(2) {
                let cells = cells(row);
                roff.control("TP", []);
                roff.text(inline(cells.first().map_or("", |c| c.as_str())));
                roff.text(inline(&cells[1..].join(" ")));
            }
        } else if let Some(item) = line.strip_prefix("- ") {
            let mut text = item.to_string();
            while let Some(next) = lines.next_if(|l| l.starts_with("  ")) {
                text.push(' ');
                text.push_str(next.trim());
            }
            roff.control("IP", ["\\(bu", "2"]);
            roff.text(inline(&text));
        } else if !line.trim().is_empty() {
            let mut text = line.to_string();
            while let Some(next) = lines.next_if(|l| paragraph_goes_on(l)) {
                text.push(' ');
                text.push_str(next.trim());
            }
            roff.control("PP", []);
            roff.text(inline(&text));
        }
    }
}

fn paragraph_goes_on(line: &str) -> bool {
    !(line.trim().is_empty()
        || line.starts_with('#')
        || line.starts_with('|')
        || line.starts_with("```")
        || line.starts_with("- "))
}

/// A table row's cells; a `|` inside backticks belongs to its cell.
fn cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut in_code = false;
    for c in row.trim().trim_start_matches('|').chars() {
        match c {
            '`' => {
                in_code = !in_code;
                cell.push(c);
            }
            '|' if !in_code => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells
}

/// Inline Markdown: `code` and **strong** in bold, a link as its text.
fn inline(text: &str) -> Vec<clap_mangen::roff::Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (marker, end) = match c {
            '`' => ("`", "`"),
            '*' if rest.starts_with("**") => ("**", "**"),
            '[' => ("[", "]("),
            _ => ("", ""),
        };
        let closed = (!marker.is_empty())
            .then(|| rest[marker.len()..].find(end))
            .flatten();
        match closed {
            Some(len) => {
                let inner = &rest[marker.len()..marker.len() + len];
                rest = &rest[marker.len() + len + end.len()..];
                if marker == "[" {
                    // The link's text stays; its target (up to the closing parenthesis) goes.
                    rest = rest.find(')').map_or("", |i| &rest[i + 1..]);
                    plain.push_str(&inner.replace('`', ""));
                } else {
                    out.push(roman(std::mem::take(&mut plain)));
                    out.push(bold(inner.replace('`', "")));
                }
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out.push(roman(plain));
    out
}
