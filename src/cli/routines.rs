//! The read-only commands over the routine library: `list`, `show`, `check`, `patterns`.
//! Each writes to the given writer so tests can read exactly what a user would see.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{CliError, WIDTH, wrapped};
use crate::core::content::{Violation, check_pattern, check_routine};
pub use crate::core::content::{WARNING, breaks_words};
use crate::library::Library;
use crate::library::diag::Diagnostic;
use crate::model::format::{fmt_clock, fmt_length, pad, width};
use crate::model::routine::{Area, Length, Routine, Sides, Source};
use crate::store::paths::Paths;

/// Prints problems found while loading, so a bad file is never silently missing.
pub fn print_problems(out: &mut dyn Write, problems: &[Diagnostic]) -> io::Result<()> {
    for p in problems {
        writeln!(out, "{p}")?;
    }
    Ok(())
}

fn source_label(lib: &Library, r: &Routine) -> &'static str {
    lib.whose(r).unwrap_or("bundled")
}

pub fn list(lib: &Library, area: Option<Area>, out: &mut dyn Write) -> io::Result<()> {
    let id_w = lib.routines.iter().map(|r| width(&r.id)).max().unwrap_or(0);
    let name_w = lib
        .routines
        .iter()
        .map(|r| width(&r.name))
        .max()
        .unwrap_or(0);
    let mut first = true;
    let mut marked = false;
    for a in Area::ALL {
        if area.is_some_and(|x| x != a) {
            continue;
        }
        let rs: Vec<&Routine> = lib.routines.iter().filter(|r| r.area == a).collect();
        if rs.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        writeln!(out, "{}", a.heading())?;
        for r in rs {
            let steps = format!(
                "{} step{}",
                r.steps.len(),
                if r.steps.len() == 1 { "" } else { "s" }
            );
            // Padded by display columns: `{:w$}` counts characters, and a Japanese name
            // would push the columns after it out of line.
            let broken = lib.rules_broken(&r.id);
            let mut line = format!(
                "{} {}  {}  {:>6}  {:>8}",
                if broken > 0 { WARNING } else { " " },
                pad(&r.id, id_w),
                pad(&r.name, name_w),
                fmt_length(r.total()),
                steps
            );
            if !r.source.is_bundled() {
                line.push_str(&format!("  ({})", source_label(lib, r)));
            }
            if broken > 0 {
                line.push_str(&format!("  {}", breaks_words(broken)));
            }
            writeln!(out, "{}", line.trim_end())?;
            marked |= broken > 0;
        }
    }
    if first {
        match area {
            Some(a) => writeln!(out, "No routines in the {a} area.")?,
            None => writeln!(out, "No routines loaded.")?,
        }
    }
    if marked {
        writeln!(
            out,
            "\n{WARNING} marks a routine that breaks the safety limits; `knotless check` lists what."
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ListItem<'a> {
    id: &'a str,
    name: &'a str,
    area: Area,
    summary: &'a str,
    steps: usize,
    duration_secs: u64,
    active_secs: u64,
    source: String,
    overrides_bundled: bool,
    /// The names of the guide's rules it breaks (`knotless check` explains them); empty
    /// when it keeps to all of them.
    breaks: Vec<&'static str>,
}

pub fn list_json(lib: &Library, area: Option<Area>, out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<ListItem> = lib
        .routines
        .iter()
        .filter(|r| area.is_none_or(|a| a == r.area))
        .map(|r| ListItem {
            id: &r.id,
            name: &r.name,
            area: r.area,
            summary: &r.summary,
            steps: r.steps.len(),
            duration_secs: r.total().as_secs(),
            active_secs: r.active_total().as_secs(),
            source: r.source.to_string(),
            overrides_bundled: lib.overridden.contains(&r.id),
            breaks: {
                let rules: std::collections::BTreeSet<_> =
                    lib.breaks(&r.id).iter().map(|v| v.rule.as_str()).collect();
                rules.into_iter().collect()
            },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// What a routine breaks of the safety limits, as `show` lists it first.
fn write_breaks(lib: &Library, r: &Routine, out: &mut dyn Write) -> io::Result<()> {
    let breaks = lib.breaks(&r.id);
    if breaks.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{WARNING} This routine {}:",
        breaks_words(lib.rules_broken(&r.id))
    )?;
    for v in breaks {
        let opts = textwrap::Options::new(WIDTH)
            .initial_indent("  • ")
            .subsequent_indent("    ");
        for line in textwrap::wrap(&v.sentence(), opts) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The whole routine as readable text, to print or send.
pub fn show(lib: &Library, r: &Routine, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}  ({})", r.name, r.id)?;
    writeln!(
        out,
        "{} · {} step{} · {} active · about {} with pauses between steps · {}",
        r.area,
        r.steps.len(),
        if r.steps.len() == 1 { "" } else { "s" },
        fmt_clock(r.active_total()),
        fmt_clock(r.total()),
        source_label(lib, r)
    )?;
    write_breaks(lib, r, out)?;
    if !r.summary.is_empty() {
        writeln!(out)?;
        wrapped(out, "", &r.summary)?;
    }
    if !r.equipment.is_empty() {
        writeln!(out)?;
        wrapped(out, "", &format!("You need: {}", r.equipment.join(", ")))?;
    }
    if !r.cautions.is_empty() {
        writeln!(out, "\nBefore you start:")?;
        for c in &r.cautions {
            let opts = textwrap::Options::new(WIDTH)
                .initial_indent("  • ")
                .subsequent_indent("    ");
            for line in textwrap::wrap(c, opts) {
                writeln!(out, "{line}")?;
            }
        }
    }
    for (i, s) in r.steps.iter().enumerate() {
        show_step(i, s, out)?;
    }
    writeln!(out)?;
    wrapped(
        out,
        "",
        "Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.",
    )
}

/// One step: its number, title and time, then what to do, the cues and cautions, the stop
/// line and its drawing.
fn show_step(i: usize, s: &crate::model::routine::Step, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    let time = match s.sides {
        Sides::Both => format!("left + right, {} each", fmt_clock(s.planned)),
        Sides::Left => format!("left, {}", fmt_clock(s.planned)),
        Sides::Right => format!("right, {}", fmt_clock(s.planned)),
        Sides::None => fmt_clock(s.planned),
    };
    let head = format!("{:>2}. {}", i + 1, s.title);
    let gap = WIDTH.saturating_sub(width(&head) + width(&time)).max(2);
    writeln!(out, "{head}{}{time}", " ".repeat(gap))?;
    let mut facts = Vec::new();
    if let Some(p) = s.pressure {
        facts.push(format!("pressure {p} / 10"));
    }
    match &s.breathing {
        Some(p) => facts.push(format!("breathing {} ({})", p.id, p.timing())),
        None => facts.push("no pacer".into()),
    }
    if let Length::Breaths(n) = s.length {
        facts.push(crate::model::format::fmt_breaths(n));
    }
    wrapped(out, "    ", &facts.join(" · "))?;
    if !s.instructions.is_empty() {
        wrapped(out, "    ", &s.instructions)?;
    }
    if let Some(c) = &s.cue {
        wrapped(out, "    ", &format!("Cue: {c}"))?;
    }
    if let Some(c) = &s.switch_cue {
        wrapped(out, "    ", &format!("Switching sides: {c}"))?;
    }
    if let Some(c) = &s.caution {
        wrapped(out, "    ", &format!("Caution: {c}"))?;
    }
    if s.works_the_body() {
        wrapped(out, "    ", crate::model::routine::STOP_LINE)?;
    }
    if let Some(a) = &s.art {
        writeln!(out)?;
        for line in a.text.lines() {
            writeln!(out, "        {line}")?;
        }
    }
    Ok(())
}

pub fn patterns(lib: &Library, out: &mut dyn Write) -> io::Result<()> {
    let id_w = lib.patterns.iter().map(|p| p.id.len()).max().unwrap_or(0);
    let timing_w = lib
        .patterns
        .iter()
        .map(|p| p.timing().chars().count())
        .max()
        .unwrap_or(0);
    for p in &lib.patterns {
        let mut line = format!(
            "{:id_w$}  {:timing_w$}  {:>4.1}/min",
            p.id,
            p.timing(),
            p.per_minute()
        );
        if p.has_holds() {
            line.push_str("  holds: standalone only");
        }
        if !p.source.is_bundled() {
            line.push_str("  (yours)");
        }
        let broken = check_pattern(p).len();
        if broken > 0 {
            line = format!("{line}  {WARNING} {}", breaks_words(broken));
        }
        writeln!(out, "{line}")?;
        if let Some(d) = &p.description {
            let indent = " ".repeat(id_w + 2);
            wrapped(out, &indent, d)?;
        }
    }
    let own: Vec<(&Routine, &crate::model::routine::Pattern)> = lib
        .routines
        .iter()
        .flat_map(|r| r.patterns.iter().map(move |p| (r, p)))
        .collect();
    if !own.is_empty() {
        writeln!(
            out,
            "\nDefined in a routine file, for that routine's steps only:"
        )?;
        for (r, p) in own {
            let mark = if check_pattern(p).is_empty() {
                String::new()
            } else {
                format!("  {WARNING}")
            };
            writeln!(
                out,
                "  {}  {}  {:.1}/min  (in {}){mark}",
                p.id,
                p.timing(),
                p.per_minute(),
                r.id
            )?;
        }
    }
    Ok(())
}

/// The files `check PATH...` reads: each file, and the `.toml` files of each directory.
/// The files `check` looks at: each file given, and the `.toml` files of each folder given
/// (a folder with none is a problem, not "all good").
fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                problems.push(Diagnostic {
                    file: p.display().to_string(),
                    line: 1,
                    column: 1,
                    message: "a folder with no routine files (*.toml) in it: nothing was checked"
                        .into(),
                    hint: Some("give the routine files, or the folder that holds them".into()),
                });
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    (files, problems)
}

/// `check`: prints each problem and each break of the safety limits, or a
/// one-line all-clear. Exit 0 when everything loads and keeps to the guide; 1 when a file
/// does not load (or a bundled routine breaks the guide); 3 when everything loads but some
/// file breaks the safety limits.
pub fn check(lib: &Library, paths: &[PathBuf], out: &mut dyn Write) -> io::Result<ExitCode> {
    let (files, mut problems) = if paths.is_empty() {
        (Vec::new(), lib.problems.clone())
    } else {
        expand(paths)
    };
    let checked = (!files.is_empty()).then(|| lib.check_files(&files));
    if let Some(c) = &checked {
        problems.extend(c.problems.iter().cloned());
    }
    print_problems(out, &problems)?;
    if paths.is_empty() {
        missing_commands(&lib.config.sound, out)?;
    }
    let findings = match &checked {
        Some(c) => file_findings(c, &files),
        None => library_findings(lib),
    };
    for f in &findings {
        for line in &f.lines {
            writeln!(out, "{}: {} {line}", f.file, f.kind())?;
        }
        if !f.bundled {
            writeln!(
                out,
                "{}: {WARNING} loads, but {}.",
                f.file,
                breaks_words(f.rules)
            )?;
        }
    }
    let bundled_errors: usize = findings
        .iter()
        .filter(|f| f.bundled)
        .map(|f| f.lines.len())
        .sum();
    let broken = findings.iter().filter(|f| !f.bundled).count();
    if !problems.is_empty() {
        let files: std::collections::BTreeSet<&str> =
            problems.iter().map(|p| p.file.as_str()).collect();
        writeln!(
            out,
            "{} problem{} in {} file{}.",
            problems.len(),
            plural(problems.len()),
            files.len(),
            plural(files.len())
        )?;
        return Ok(ExitCode::from(1));
    }
    if bundled_errors > 0 {
        writeln!(
            out,
            "{bundled_errors} bundled routine problem{} against the safety limits.",
            plural(bundled_errors)
        )?;
        return Ok(ExitCode::from(1));
    }
    if broken > 0 {
        writeln!(
            out,
            "{broken} file{} load{}, but break{} the safety limits (above).",
            plural(broken),
            if broken == 1 { "s" } else { "" },
            if broken == 1 { "s" } else { "" },
        )?;
        return Ok(ExitCode::from(CONTENT_EXIT));
    }
    all_good(lib, paths, files.len(), out)?;
    Ok(ExitCode::SUCCESS)
}

/// A note for each sound command `config.toml` names that this machine does not have (the
/// file itself is fine, so the exit code does not change): without it, the first sign
/// would be a session with no sound.
fn missing_commands(
    sound: &crate::model::config::SoundConfig,
    out: &mut dyn Write,
) -> io::Result<()> {
    let path = std::env::var_os("PATH");
    for (key, line, silent) in [
        ("player", &sound.player, "plays no tones"),
        ("speech", &sound.speech, "says nothing aloud"),
    ] {
        let Some(line) = line else { continue };
        if let Some(program) = crate::audio::find::not_found(line, path.as_deref()) {
            writeln!(
                out,
                "config.toml: note: the {key} command {program:?} is not installed here (not \
                 found on PATH), so knotless {silent} with it; `knotless sound test` tries it."
            )?;
        }
    }
    Ok(())
}

/// `check`'s all-clear: only when everything loads and keeps to the guide.
fn all_good(lib: &Library, paths: &[PathBuf], files: usize, out: &mut dyn Write) -> io::Result<()> {
    if paths.is_empty() {
        writeln!(
            out,
            "All good: {} routines and {} breathing patterns load cleanly and keep to the safety limits.",
            lib.routines.len(),
            lib.patterns.len()
        )
    } else {
        writeln!(
            out,
            "All good: {files} file{} valid and within the safety limits.",
            if files == 1 { " is" } else { "s are" }
        )
    }
}

/// `check`'s exit code for files that load but break the safety limits.
pub const CONTENT_EXIT: u8 = 3;

fn plural(n: usize) -> &'static str {
    crate::model::format::plural(u32::try_from(n).unwrap_or(u32::MAX))
}

/// One file's breaks of the guide's rules, as `check` prints them.
struct Findings {
    file: String,
    /// A bundled file: its breaks are errors (the build must not ship them).
    bundled: bool,
    lines: Vec<String>,
    /// How many distinct rules it breaks.
    rules: usize,
}

impl Findings {
    fn new(file: String, bundled: bool, found: &[Violation]) -> Option<Findings> {
        if found.is_empty() {
            return None;
        }
        let lines = found.iter().map(Violation::to_string).collect();
        Some(Findings {
            file,
            bundled,
            lines,
            rules: crate::core::content::rules_in(found),
        })
    }

    fn kind(&self) -> &'static str {
        if self.bundled { "error" } else { "warning" }
    }
}

/// The guide's rules over the loaded library: what each of the user's routines breaks (as
/// the library worked out at load), the bundled routines and patterns (errors), and the
/// patterns of `config.toml`.
fn library_findings(lib: &Library) -> Vec<Findings> {
    let mut out = Vec::new();
    for r in &lib.routines {
        let f = match &r.source {
            Source::Bundled => {
                Findings::new(format!("routines/{}.toml", r.id), true, &check_routine(r))
            }
            Source::File(p) => Findings::new(p.display().to_string(), false, lib.breaks(&r.id)),
        };
        out.extend(f);
    }
    out.extend(pattern_findings(lib.patterns.iter().map(|p| &**p)));
    out
}

/// The guide's rules over the files `check PATH...` read.
fn file_findings(checked: &Library, files: &[PathBuf]) -> Vec<Findings> {
    let mut out = Vec::new();
    for r in &checked.routines {
        if let Source::File(p) = &r.source {
            out.extend(Findings::new(
                p.display().to_string(),
                false,
                checked.breaks(&r.id),
            ));
        }
    }
    let configs = checked
        .patterns
        .iter()
        .filter(|p| matches!(&p.source, Source::File(f) if files.contains(f)))
        .map(|p| &**p);
    out.extend(pattern_findings(configs));
    out
}

/// Library-wide patterns that break the guide, grouped by the file that defines them.
fn pattern_findings<'a>(
    patterns: impl Iterator<Item = &'a crate::model::routine::Pattern>,
) -> Vec<Findings> {
    let mut by_file: std::collections::BTreeMap<(String, bool), Vec<Violation>> =
        Default::default();
    for p in patterns {
        let found = check_pattern(p);
        if found.is_empty() {
            continue;
        }
        let key = match &p.source {
            Source::Bundled => ("routines/patterns.toml".to_string(), true),
            Source::File(f) => (f.display().to_string(), false),
        };
        by_file.entry(key).or_default().extend(found);
    }
    by_file
        .into_iter()
        .filter_map(|((file, bundled), found)| Findings::new(file, bundled, &found))
        .collect()
}

/// The routine `query` names (see `Library::find`). When it could mean several and both
/// standard input and standard error are terminals, asks which with a numbered pick;
/// otherwise the ambiguity is an error listing the candidates.
pub fn find_routine(lib: &Library, query: &str) -> Result<Routine, CliError> {
    use std::io::IsTerminal;
    match lib.find(query) {
        Ok(r) => Ok(r.clone()),
        Err(crate::library::FindError::Ambiguous { .. })
            if io::stdin().is_terminal() && io::stderr().is_terminal() =>
        {
            let choices = lib.candidates(query);
            pick_numbered(
                query,
                &choices,
                &mut io::stdin().lock(),
                // Routine names from files: through the neutraliser.
                &mut crate::cli::stderr(),
            )
            .cloned()
        }
        Err(e) => Err(e.into()),
    }
}

/// Lists `choices` numbered from 1 on `out` and reads the number of one from `input`.
/// An empty answer, end of input or a number out of range picks nothing (an error).
pub fn pick_numbered<'a>(
    query: &str,
    choices: &[&'a Routine],
    input: &mut dyn io::BufRead,
    out: &mut dyn Write,
) -> Result<&'a Routine, CliError> {
    writeln!(out, "\"{query}\" could mean:")?;
    let id_w = choices.iter().map(|r| width(&r.id)).max().unwrap_or(0);
    for (i, r) in choices.iter().enumerate() {
        writeln!(out, "  {:>2}  {}  {}", i + 1, pad(&r.id, id_w), r.name)?;
    }
    write!(out, "Which one? (1-{}, Enter to cancel) ", choices.len())?;
    out.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    let answer = line.trim();
    match answer.parse::<usize>() {
        Ok(n) if (1..=choices.len()).contains(&n) => Ok(choices[n - 1]),
        _ if answer.is_empty() => Err(CliError::User("nothing picked".into())),
        _ => Err(CliError::User(format!(
            "\"{answer}\" is not one of the numbers 1 to {}",
            choices.len()
        ))),
    }
}

/// `knotless list [--area AREA] [--json]`.
pub fn list_cmd(
    paths: &Paths,
    area: Option<Area>,
    json: bool,
    out: &mut dyn Write,
) -> crate::cli::Outcome {
    let lib = crate::cli::load_library(paths);
    if json {
        list_json(&lib, area, out)?;
    } else {
        list(&lib, area, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `knotless show ROUTINE`.
pub fn show_cmd(paths: &Paths, query: &str, out: &mut dyn Write) -> crate::cli::Outcome {
    let lib = crate::cli::load_library(paths);
    let r = find_routine(&lib, query)?;
    show(&lib, &r, out)?;
    Ok(ExitCode::SUCCESS)
}

/// `knotless check [PATH...]`: exit 1 when a file has a problem.
pub fn check_cmd(paths: &Paths, files: &[PathBuf], out: &mut dyn Write) -> crate::cli::Outcome {
    let lib = Library::load(paths.config_dir());
    Ok(check(&lib, files, out)?)
}

/// `knotless patterns`.
pub fn patterns_cmd(paths: &Paths, out: &mut dyn Write) -> crate::cli::Outcome {
    let lib = crate::cli::load_library(paths);
    patterns(&lib, out)?;
    Ok(ExitCode::SUCCESS)
}
