//! Loading and validating routines, patterns, drawings and the config file.
//!
//! Files are parsed into toml's spanned document tree and read field by field, so every
//! problem can point at the exact key or value (`path:line:column`) and say what would be
//! accepted instead. A bad file is reported and skipped; it never stops the others.
//! Nothing a file contains may panic or hang this code: sizes, nesting and numbers are
//! bounded before use.

pub mod diag;
pub mod edit;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::library::diag::{Diagnostic, Reporter, suggest};
use crate::model::config::{
    Config, DayWindow, HookConfig, HookEvent, Motion, NudgeConfig, SoundConfig, SoundMode,
    ThemeName, Voice,
};
use crate::model::routine::{
    Area, Art, AudioHint, Length, Pattern, Phase, PhaseKind, Pressure, Region, Routine, Sides,
    Source, Step, Technique,
};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Files larger than this are refused rather than parsed: no routine needs a megabyte.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// At most this many routine files (and as many drawings) are read from a folder, in name
/// order; the rest are reported and skipped, so a folder of thousands of files cannot hold
/// up the first frame.
pub const MAX_FOLDER_FILES: usize = 500;
/// At most this many breathing patterns are read from one file (the config or a routine).
pub const MAX_PATTERNS: usize = 200;
/// Drawings larger than this (in lines, and in columns) are refused at load time.
pub const MAX_ART_LINES: usize = 40;
pub const MAX_ART_COLUMNS: usize = 120;
/// Deeper bracket nesting than this is refused before parsing (protects the parser's stack).
const MAX_NESTING: usize = 32;
const MAX_STEP: Duration = Duration::from_secs(3600);
const MIN_STEP: Duration = Duration::from_secs(1);
const MAX_ROUTINE: Duration = Duration::from_secs(3 * 3600);
const MAX_PHASE: Duration = Duration::from_secs(60);
const MIN_PHASE: Duration = Duration::from_millis(100);
const DEFAULT_TRANSITION: Duration = Duration::from_secs(5);
/// The bundled patterns live beside the routines but are not a routine.
const PATTERNS_STEM: &str = "patterns";

/// The newest routine-file format this build reads (`format = 1`; the key is optional).
pub const FORMAT: i64 = 1;

const ROUTINE_KEYS: &[&str] = &[
    "format",
    "id",
    "name",
    "area",
    "summary",
    "equipment",
    "cautions",
    "breathing",
    "transition",
    "steps",
    "patterns",
    "audio",
];
const STEP_KEYS: &[&str] = &[
    "title",
    "duration",
    "breaths",
    "instructions",
    "cue",
    "pressure",
    "breathing",
    "caution",
    "sides",
    "art",
    "transition",
    "switch_cue",
    "region",
    "technique",
    "say",
];
const PATTERN_KEYS: &[&str] = &[
    "description",
    "inhale",
    "hold_in",
    "exhale",
    "hold_out",
    "phases",
];
const PHASE_KEYS: &[&str] = &["kind", "length", "label"];
const CONFIG_KEYS: &[&str] = &[
    "theme",
    "motion",
    "bell",
    "get_ready",
    "weekly_goal",
    "ask_ratings",
    "ask_headache_days",
    "patterns",
    "sound",
    "voice",
    "breath_cues",
    "countdown",
    "volume",
    "player",
    "speech",
    "nudge",
    "hooks",
];
const NUDGE_KEYS: &[&str] = &["hours"];
const HOOK_KEYS: &[&str] = &[
    "session_start",
    "step_start",
    "side_switch",
    "session_end",
    "breath_phase",
    "time_limit",
];
/// A step's `say` is a short spoken cue, not instructions read aloud.
const MAX_SAY_CHARS: usize = 120;
const DURATION_HINT: &str = "write a number with a unit, such as \"90s\", \"1m 30s\", \"2m\", \"5s 500ms\" or \"5.5s\" (units: ms, s, m, h)";

/// Everything knotless knows: bundled and user routines, patterns, drawings and settings.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Valid routines, sorted by area then name.
    pub routines: Vec<Routine>,
    /// Valid patterns, sorted by id.
    pub patterns: Vec<Pattern>,
    pub art: BTreeMap<String, Art>,
    pub config: Config,
    /// Every problem found, in the order the files were read.
    pub problems: Vec<Diagnostic>,
    /// Ids of user routines and patterns that replace a bundled one.
    pub overridden: BTreeSet<String>,
    pub overridden_patterns: BTreeSet<String>,
    /// Every file that was read, with its problems count (for `check`).
    pub files: Vec<(String, usize)>,
}

/// Why `Library::find` could not pick one routine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no routine matches \"{query}\"{}", list_hint(.candidates, "known routines"))]
    NotFound {
        query: String,
        candidates: Vec<String>,
    },
    #[error("\"{query}\" matches more than one routine{}", list_hint(.candidates, "be more specific"))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
}

/// The one lookup rule for what a user types for a routine or pattern: an exact id, else
/// the one id that starts with it, else the one whose id or name contains it (ignoring
/// case). `Err(None)` when nothing matches, `Err(Some(..))` with the candidates of the
/// first rule that matched several.
fn pick_one<'a, T>(
    items: &'a [T],
    query: &str,
    id: impl Fn(&T) -> &str,
    name_has: impl Fn(&T, &str) -> bool,
) -> Result<&'a T, Option<Vec<&'a T>>> {
    let q = query.trim().to_lowercase();
    if let Some(exact) = items.iter().find(|t| id(t) == query.trim()) {
        return Ok(exact);
    }
    if q.is_empty() {
        return Err(None);
    }
    let rules: [&dyn Fn(&T) -> bool; 3] = [
        &|t| id(t).to_lowercase() == q,
        &|t| id(t).to_lowercase().starts_with(&q),
        &|t| id(t).to_lowercase().contains(&q) || name_has(t, &q),
    ];
    for rule in rules {
        let hits: Vec<&T> = items.iter().filter(|t| rule(t)).collect();
        match hits.len() {
            0 => continue,
            1 => return Ok(hits[0]),
            _ => return Err(Some(hits)),
        }
    }
    Err(None)
}

fn list_hint(c: &[String], lead: &str) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!("; {lead}: {}", c.join(", "))
    }
}

/// A parsed but not yet resolved routine file: patterns from every file must be known
/// before any step can be resolved.
struct Pending {
    file: String,
    text: String,
    stem: String,
    source: Source,
}

impl Library {
    /// The files that did not load, each once (in reading order) with all its problems.
    pub fn problem_files(&self) -> Vec<(&str, Vec<&Diagnostic>)> {
        let mut out: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
        for p in &self.problems {
            match out.iter_mut().find(|(f, _)| *f == p.file) {
                Some((_, list)) => list.push(p),
                None => out.push((p.file.as_str(), vec![p])),
            }
        }
        out
    }

    /// Loads the bundled set, then the user's config, drawings and routines from
    /// `config_dir` (when given). Never fails: problems are collected in `problems`.
    pub fn load(config_dir: Option<&Path>) -> Library {
        let mut lib = Library::default();
        lib.load_bundled_art();
        let mut pending = lib.bundled_pending();
        if let Some(dir) = config_dir {
            lib.load_config(&dir.join("config.toml"));
            lib.load_user_art(&dir.join("art"));
            pending.extend(lib.user_pending(&dir.join("routines")));
        }
        lib.resolve(pending);
        lib
    }

    /// Only the settings from `<config>/config.toml` (defaults where it is missing or has a
    /// problem), without reading any routine: for `nudge`, which a prompt runs all day and
    /// which needs the routines only on the one run a day that speaks.
    pub fn config_only(config_dir: Option<&Path>) -> Config {
        let mut lib = Library::default();
        if let Some(dir) = config_dir {
            lib.load_config(&dir.join("config.toml"));
        }
        lib.config
    }

    /// Validates the given files against the loaded library (its patterns and drawings),
    /// as `knotless check PATH...` does. Returns the problems, empty when all are valid.
    pub fn check_paths(&self, paths: &[PathBuf]) -> Vec<Diagnostic> {
        let mut scratch = self.scratch();
        let mut pending = Vec::new();
        for p in paths {
            let file = p.display().to_string();
            if p.file_name().and_then(|n| n.to_str()) == Some("config.toml") {
                scratch.load_config(p);
                continue;
            }
            match read_text(p, &file) {
                Ok(text) => pending.push(Pending {
                    file,
                    text,
                    stem: stem_of(p),
                    source: Source::File(p.clone()),
                }),
                Err(d) => scratch.problems.push(d),
            }
        }
        // Checked files may legitimately replace bundled ids; only clashes among
        // themselves are duplicates.
        scratch.resolve(pending);
        let mut problems = scratch.problems;
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        problems
    }

    /// Validates one routine file's text as if it were a user file named `file`; returns
    /// the routine when it is valid. For tests, fuzzing and editors.
    pub fn check_text(&self, file: &str, text: &str) -> (Option<Routine>, Vec<Diagnostic>) {
        let mut scratch = self.scratch();
        let path = PathBuf::from(file);
        scratch.resolve(vec![Pending {
            file: file.to_string(),
            text: text.to_string(),
            stem: stem_of(&path),
            source: Source::File(path),
        }]);
        (scratch.routines.pop(), scratch.problems)
    }

    /// An empty library that knows this one's patterns and drawings.
    fn scratch(&self) -> Library {
        Library {
            patterns: self.patterns.clone(),
            art: self.art.clone(),
            ..Library::default()
        }
    }

    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    pub fn routine(&self, id: &str) -> Option<&Routine> {
        self.routines.iter().find(|r| r.id == id)
    }

    /// Picks a routine by exact id, else by a unique case-insensitive part of its id or name.
    pub fn find(&self, query: &str) -> Result<&Routine, FindError> {
        let pick = pick_one(
            &self.routines,
            query,
            |r| &r.id,
            |r, q| r.name.to_lowercase().contains(q),
        );
        pick.map_err(|hits| match hits {
            None => FindError::NotFound {
                query: query.to_string(),
                candidates: self.routines.iter().map(|r| r.id.clone()).collect(),
            },
            Some(many) => FindError::Ambiguous {
                query: query.to_string(),
                candidates: many
                    .iter()
                    .map(|r| format!("{} ({})", r.id, r.name))
                    .collect(),
            },
        })
    }

    /// The routines `query` could mean when [`Library::find`] finds more than one, in the
    /// order a numbered pick lists them.
    pub fn candidates(&self, query: &str) -> Vec<&Routine> {
        match pick_one(
            &self.routines,
            query,
            |r| &r.id,
            |r, q| r.name.to_lowercase().contains(q),
        ) {
            Ok(one) => vec![one],
            Err(Some(many)) => many,
            Err(None) => Vec::new(),
        }
    }

    /// Picks a pattern the same way as [`Library::find`] picks a routine.
    pub fn find_pattern(&self, query: &str) -> Result<&Pattern, FindError> {
        let pick = pick_one(&self.patterns, query, |p| &p.id, |_, _| false);
        pick.map_err(|hits| match hits {
            None => FindError::NotFound {
                query: query.to_string(),
                candidates: self.patterns.iter().map(|p| p.id.clone()).collect(),
            },
            Some(many) => FindError::Ambiguous {
                query: query.to_string(),
                candidates: many.iter().map(|p| p.id.clone()).collect(),
            },
        })
    }

    fn load_bundled_art(&mut self) {
        for (name, text) in bundled::ART_FILES {
            self.art.insert(
                name.to_string(),
                Art::new(name.to_string(), text.trim_end().to_string()),
            );
        }
    }

    fn load_user_art(&mut self, dir: &Path) {
        for path in files_with_ext(dir, "txt", &mut self.problems) {
            let file = path.display().to_string();
            match read_text(&path, &file) {
                Ok(text) => {
                    let name = stem_of(&path);
                    let art = Art::new(name.clone(), text.trim_end().to_string());
                    if let Some(d) = art_too_large(&art, &file) {
                        self.files.push((file, 1));
                        self.problems.push(d);
                        continue;
                    }
                    self.art.insert(name, art);
                    self.files.push((file, 0));
                }
                Err(d) => {
                    self.files.push((file, 1));
                    self.problems.push(d);
                }
            }
        }
    }

    fn bundled_pending(&mut self) -> Vec<Pending> {
        let mut out = Vec::new();
        for (stem, text) in bundled::ROUTINE_FILES {
            let file = format!("routines/{stem}.toml");
            if *stem == PATTERNS_STEM {
                let mut rep = Reporter::new(&file, text);
                if let Some(doc) = parse_doc(&mut rep, text) {
                    check_keys(&mut rep, doc.get_ref(), &["patterns"], "the patterns file");
                    if let Some(v) = doc.get_ref().get("patterns") {
                        let pats = read_patterns(&mut rep, v, &Source::Bundled);
                        self.add_patterns(pats, false);
                    }
                }
                self.finish_file(rep);
                continue;
            }
            out.push(Pending {
                file,
                text: text.to_string(),
                stem: stem.to_string(),
                source: Source::Bundled,
            });
        }
        out
    }

    fn user_pending(&mut self, dir: &Path) -> Vec<Pending> {
        let mut out = Vec::new();
        for path in files_with_ext(dir, "toml", &mut self.problems) {
            let file = path.display().to_string();
            match read_text(&path, &file) {
                Ok(text) => out.push(Pending {
                    file,
                    text,
                    stem: stem_of(&path),
                    source: Source::File(path.clone()),
                }),
                Err(d) => {
                    self.files.push((file, 1));
                    self.problems.push(d);
                }
            }
        }
        out
    }

    fn load_config(&mut self, path: &Path) {
        let file = path.display().to_string();
        let text = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            _ => match read_text(path, &file) {
                Ok(t) => t,
                Err(d) => {
                    self.files.push((file, 1));
                    self.problems.push(d);
                    return;
                }
            },
        };
        let mut rep = Reporter::new(&file, &text);
        if let Some(doc) = parse_doc(&mut rep, &text) {
            let t = doc.get_ref();
            check_keys(&mut rep, t, CONFIG_KEYS, "config.toml");
            let c = &mut self.config;
            if let Some(th) = get_choice(
                &mut rep,
                t,
                "theme",
                "theme",
                &ThemeName::NAMES,
                ThemeName::parse,
            ) {
                c.theme = th;
            }
            if let Some(m) = get_choice(
                &mut rep,
                t,
                "motion",
                "motion",
                &Motion::NAMES,
                Motion::parse,
            ) {
                c.motion = m;
            }
            if let Some(b) = get_bool(&mut rep, t, "bell") {
                c.bell = b;
            }
            if let Some(b) = get_bool(&mut rep, t, "ask_ratings") {
                c.ask_ratings = b;
            }
            if let Some(b) = get_bool(&mut rep, t, "ask_headache_days") {
                c.ask_headache_days = b;
            }
            if let Some((d, span)) = get_duration(&mut rep, t, "get_ready") {
                if d > Duration::from_secs(60) {
                    rep.error(
                        span,
                        "get_ready is longer than a minute",
                        Some("use up to \"60s\", or \"0s\" to start straight away".into()),
                    );
                } else {
                    c.get_ready = d;
                }
            }
            if let Some((n, span)) = get_int(&mut rep, t, "weekly_goal") {
                if (0..=100).contains(&n) {
                    c.weekly_goal = n as u32;
                } else {
                    rep.error(
                        span,
                        format!("weekly_goal must be between 0 and 100, not {n}"),
                        Some("for example weekly_goal = 3".into()),
                    );
                }
            }
            read_sound_config(&mut rep, t, &mut c.sound);
            if let Some(v) = t.get("patterns") {
                let pats = read_patterns(&mut rep, v, &Source::File(path.to_path_buf()));
                self.add_patterns(pats, true);
            }
            if let Some(sub) = get_table(&mut rep, t, "nudge") {
                read_nudge(&mut rep, sub, &mut self.config.nudge);
            }
            if let Some(sub) = get_table(&mut rep, t, "hooks") {
                read_hooks(&mut rep, sub, &mut self.config.hooks);
            }
        }
        self.finish_file(rep);
    }

    fn add_patterns(&mut self, pats: Vec<Pattern>, user: bool) {
        for p in pats {
            if let Some(old) = self.patterns.iter_mut().find(|o| o.id == p.id) {
                if user && old.source.is_bundled() {
                    self.overridden_patterns.insert(p.id.clone());
                }
                *old = p;
            } else {
                self.patterns.push(p);
            }
        }
        self.patterns.sort_by(|a, b| a.id.cmp(&b.id));
    }

    fn finish_file(&mut self, mut rep: Reporter<'_>) {
        self.files.push((rep.file.clone(), rep.problems.len()));
        rep.problems.sort_by_key(|p| (p.line, p.column));
        self.problems.extend(rep.problems);
    }

    /// Two passes: first every file's `[patterns]`, then the routines, so a step may use a
    /// pattern defined in any file.
    fn resolve(&mut self, pending: Vec<Pending>) {
        let mut docs = Vec::new();
        for p in &pending {
            let mut rep = Reporter::new(&p.file, &p.text);
            let doc = parse_doc(&mut rep, &p.text);
            // A file for a newer knotless may use keys this one does not know: say that,
            // rather than a list of unknown keys.
            let doc = doc.filter(|d| readable_format(&mut rep, d.get_ref()));
            if let Some(doc) = &doc
                && let Some(v) = doc.get_ref().get("patterns")
            {
                let pats = read_patterns(&mut rep, v, &p.source);
                self.add_patterns(pats, !p.source.is_bundled());
            }
            docs.push((doc, rep.problems));
        }
        let mut read = Vec::new();
        for (p, (doc, early)) in pending.iter().zip(docs) {
            let mut rep = Reporter::new(&p.file, &p.text);
            rep.problems = early;
            let routine = doc.and_then(|doc| read_routine(&mut rep, &doc, p, self));
            let routine = routine.filter(|_| rep.is_clean());
            read.push((p, rep, routine));
        }
        // Which user file keeps an id that several claim: the file named for the id
        // (`neck.toml` for "neck") over one that claims it with `id = "neck"`, then the first
        // path in name order. Decided from all the files at once, so every command (and
        // `check` with the files in any order) resolves a clash the same way.
        let mut keeper: BTreeMap<&str, (bool, &str)> = BTreeMap::new();
        for (p, _, r) in &read {
            if let Some(r) = r
                && !r.source.is_bundled()
            {
                let rank = (p.stem != r.id, p.file.as_str());
                keeper
                    .entry(r.id.as_str())
                    .and_modify(|best| *best = (*best).min(rank))
                    .or_insert(rank);
            }
        }
        let keeper: BTreeMap<String, String> = keeper
            .into_iter()
            .map(|(id, (_, file))| (id.to_string(), file.to_string()))
            .collect();
        for (p, mut rep, routine) in read {
            if let Some(r) = routine {
                match keeper.get(&r.id) {
                    Some(kept) if !r.source.is_bundled() && *kept != p.file => {
                        let span = id_span(&p.text);
                        rep.error(
                            span,
                            format!("duplicate routine id \"{}\"", r.id),
                            Some(format!(
                                "{kept} already uses it (a file named for its id keeps it); give this file another name or set `id = \"...\"`"
                            )),
                        );
                    }
                    _ => {
                        if let Some(old) = self.routines.iter().position(|o| o.id == r.id) {
                            if !r.source.is_bundled() && self.routines[old].source.is_bundled() {
                                self.overridden.insert(r.id.clone());
                            }
                            self.routines.remove(old);
                        }
                        self.routines.push(r);
                    }
                }
            }
            self.finish_file(rep);
        }
        self.routines
            .sort_by(|a, b| (a.area, &a.name).cmp(&(b.area, &b.name)));
    }
}

/// Checks the optional `format` key; false when the file is for a newer knotless.
fn readable_format(rep: &mut Reporter<'_>, t: &DeTable<'_>) -> bool {
    let Some(v) = t.get("format") else {
        return true;
    };
    let hint = format!("write format = {FORMAT}, or leave the key out");
    match v.get_ref() {
        DeValue::Integer(_) => match get_int(rep, t, "format") {
            Some((n, _)) if n > FORMAT => {
                rep.error(
                    v.span(),
                    format!(
                        "this routine needs a knotless newer than {}: it is written in format {n}, and this one reads format {FORMAT}",
                        env!("CARGO_PKG_VERSION")
                    ),
                    Some("update knotless, or ask whoever sent it for a copy in format 1".into()),
                );
                false
            }
            Some((n, span)) if n < 1 => {
                rep.error(span, format!("there is no format {n}"), Some(hint));
                true
            }
            _ => true,
        },
        _ => {
            wrong_type(rep, "format", v, "a whole number", &hint);
            true
        }
    }
}

/// A drawing beyond [`MAX_ART_LINES`] × [`MAX_ART_COLUMNS`] is refused, or one holding a
/// control character, with a message saying so.
fn art_too_large(art: &Art, file: &str) -> Option<Diagnostic> {
    let problem = |message: String, hint: &str| Diagnostic {
        file: file.to_string(),
        line: 1,
        column: 1,
        message,
        hint: Some(hint.to_string()),
    };
    if art.height() > MAX_ART_LINES || art.width() > MAX_ART_COLUMNS {
        return Some(problem(
            format!(
                "the drawing is {} lines by {} columns, larger than {MAX_ART_LINES} by {MAX_ART_COLUMNS}",
                art.height(),
                art.width()
            ),
            "make it smaller: it is drawn beside the step's text",
        ));
    }
    crate::model::format::unsafe_positions(&art.text)
        .next()
        .map(|(_, c)| {
            problem(
                format!(
                    "the drawing contains the control character U+{:04X}",
                    c as u32
                ),
                "remove it: control characters could rewrite the terminal",
            )
        })
}

fn id_span(text: &str) -> Range<usize> {
    text.find("\nid")
        .map(|i| i + 1..i + 3)
        .or_else(|| text.starts_with("id").then_some(0..2))
        .unwrap_or(0..0)
}

fn stem_of(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files in `dir` whose names end in `.ext`, in name order: at most
/// [`MAX_FOLDER_FILES`] (a problem says how many more were skipped). Entries that are not
/// regular files — a broken link, a link loop, a folder — are kept, so that reading them
/// reports why they could not be read instead of skipping them without a word.
fn files_with_ext(dir: &Path, ext: &str, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|x| x.to_str()) == Some(ext))
        .collect();
    v.sort();
    if v.len() > MAX_FOLDER_FILES {
        problems.push(Diagnostic {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: format!(
                "{} .{ext} files here; only the first {MAX_FOLDER_FILES} (by name) are read, {} skipped",
                v.len(),
                v.len() - MAX_FOLDER_FILES
            ),
            hint: Some(format!(
                "keep at most {MAX_FOLDER_FILES} files in the folder"
            )),
        });
        v.truncate(MAX_FOLDER_FILES);
    }
    v
}

/// Reads a user file, refusing huge files and reporting invalid UTF-8 at its position.
pub fn read_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    let problem = |line, column, message: String, hint: Option<&str>| Diagnostic {
        file: file.to_string(),
        line,
        column,
        message,
        hint: hint.map(str::to_string),
    };
    // Never blocks on a FIFO, never reads a device, never reads past the cap.
    let bytes = crate::files::read_capped(path, MAX_FILE_BYTES).map_err(|e| match e {
        crate::files::ReadError::TooLarge(n) => problem(
            1,
            1,
            format!("file is too large ({n} bytes)"),
            Some("a routine or config file must be under 1 MiB"),
        ),
        crate::files::ReadError::Io(e) => {
            let dangling =
                e.kind() == std::io::ErrorKind::NotFound && std::fs::symlink_metadata(path).is_ok();
            let why = if dangling {
                "it is a link to something that does not exist".to_string()
            } else {
                crate::files::describe(&e)
            };
            problem(1, 1, format!("cannot read: {why}"), None)
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let text = std::str::from_utf8(&e.as_bytes()[..good]).unwrap_or("");
        let (line, column) = crate::library::diag::LineIndex::new(text).position(good);
        problem(
            line,
            column,
            "invalid UTF-8".into(),
            Some("save the file as UTF-8 text"),
        )
    })
}

/// Parses a document, refusing pathological nesting before the parser sees it.
fn parse_doc<'i>(rep: &mut Reporter<'_>, text: &'i str) -> Option<Spanned<DeTable<'i>>> {
    if let Some(at) = too_deep(text) {
        rep.error(
            at..at,
            format!("nested more than {MAX_NESTING} levels deep"),
            Some("routine files only need a few levels of [tables] and [arrays]".into()),
        );
        return None;
    }
    match DeTable::parse(text) {
        Ok(doc) => Some(doc),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            rep.error(
                span,
                format!("not valid TOML: {msg}"),
                Some("see the routine format in the README".into()),
            );
            None
        }
    }
}

/// The offset where bracket nesting passes the limit, ignoring brackets inside strings
/// and comments. A rough scan, but it only has to be conservative.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str: Option<u8> = None;
    let mut comment = false;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if comment {
            if c == b'\n' {
                comment = false;
            }
        } else if let Some(q) = in_str {
            if c == b'\\' && q == b'"' {
                i += 1;
            } else if c == q || c == b'\n' {
                in_str = None;
            }
        } else {
            match c {
                b'"' | b'\'' => in_str = Some(c),
                b'#' => comment = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn check_keys(rep: &mut Reporter<'_>, t: &DeTable<'_>, known: &[&str], what: &str) {
    for (k, _) in t.iter() {
        let key: &str = k.get_ref();
        if known.contains(&key) {
            continue;
        }
        // A step key written at the top of a routine is a common slip: say where it goes.
        let hint = match crate::library::diag::closest(key, STEP_KEYS.iter().copied()) {
            Some(step_key) if known == ROUTINE_KEYS && !ROUTINE_KEYS.contains(&step_key) => {
                format!("`{step_key}` belongs inside a [[steps]] table")
            }
            _ => suggest(key, known),
        };
        rep.error(
            k.span(),
            format!("unknown key `{key}` in {what}"),
            Some(hint),
        );
    }
}

/// Reports a control character or bidi override in a text value (an escape sequence would
/// reach the terminal of everyone who runs the routine), at the character itself when it is
/// written as is, else at the value. True when the text is clean.
fn no_controls(rep: &mut Reporter<'_>, key: &str, s: &str, span: Range<usize>) -> bool {
    let Some((_, c)) = crate::model::format::unsafe_positions(s).next() else {
        return true;
    };
    let at = rep
        .source()
        .get(span.clone())
        .and_then(|raw| raw.find(c))
        .map_or(span.start, |i| span.start + i);
    rep.error(
        at..at + 1,
        format!("`{key}` contains the control character U+{:04X}", c as u32),
        Some(
            "remove it: control characters and text-direction overrides could rewrite the terminal"
                .into(),
        ),
    );
    false
}

fn wrong_type(rep: &mut Reporter<'_>, key: &str, v: &Spanned<DeValue<'_>>, want: &str, hint: &str) {
    rep.error(
        v.span(),
        format!("`{key}` must be {want}, not {}", type_name(v.get_ref())),
        Some(hint.to_string()),
    );
}

fn get_str<'t>(
    rep: &mut Reporter<'_>,
    t: &'t DeTable<'_>,
    key: &str,
) -> Option<(&'t str, Range<usize>)> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::String(s) => {
            if !no_controls(rep, key, s, v.span()) {
                return None;
            }
            Some((s.as_ref(), v.span()))
        }
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "a string",
                &format!("for example {key} = \"...\""),
            );
            None
        }
    }
}

/// A field naming one of `names`; an unknown name is reported with the closest valid one.
fn get_choice<T>(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    what: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let (s, span) = get_str(rep, t, key)?;
    let v = parse(s);
    if v.is_none() {
        rep.error(
            span,
            format!("unknown {what} \"{s}\""),
            Some(suggest(s, names)),
        );
    }
    v
}

/// A text field that must not be blank, trimmed.
fn get_text(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    empty: &str,
    hint: &str,
) -> Option<String> {
    let (s, span) = get_str(rep, t, key)?;
    if s.trim().is_empty() {
        rep.error(span, empty, Some(hint.to_string()));
        return None;
    }
    Some(s.trim().to_string())
}

/// Reports a required field that is absent (a present but bad one was reported already).
fn require<T>(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
    value: Option<T>,
    at: Range<usize>,
    message: &str,
    hint: &str,
) -> Option<T> {
    if value.is_none() && !t.contains_key(key) {
        rep.error(at, message, Some(hint.to_string()));
    }
    value
}

fn get_bool(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Option<bool> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "true or false",
                &format!("for example {key} = true"),
            );
            None
        }
    }
}

fn get_int(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Option<(i64, Range<usize>)> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Some((n, v.span())),
            Err(_) => {
                rep.error(v.span(), format!("`{key}` is far too large"), None);
                None
            }
        },
        _ => {
            wrong_type(
                rep,
                key,
                v,
                "a whole number",
                &format!("for example {key} = 3"),
            );
            None
        }
    }
}

fn get_str_list(rep: &mut Reporter<'_>, t: &DeTable<'_>, key: &str) -> Vec<String> {
    let Some(v) = t.get(key) else {
        return Vec::new();
    };
    let hint = format!("for example {key} = [\"first\", \"second\"]");
    match v.get_ref() {
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::String(s) => {
                    no_controls(rep, &format!("each item of `{key}`"), s, item.span())
                        .then(|| s.to_string())
                }
                _ => {
                    wrong_type(
                        rep,
                        &format!("each item of `{key}`"),
                        item,
                        "a string",
                        &hint,
                    );
                    None
                }
            })
            .collect(),
        _ => {
            wrong_type(rep, key, v, "a list of strings", &hint);
            Vec::new()
        }
    }
}

fn get_duration(
    rep: &mut Reporter<'_>,
    t: &DeTable<'_>,
    key: &str,
) -> Option<(Duration, Range<usize>)> {
    let v = t.get(key)?;
    let DeValue::String(s) = v.get_ref() else {
        wrong_type(rep, key, v, "a duration in quotes", DURATION_HINT);
        return None;
    };
    match parse_duration(s) {
        Some(d) => Some((d, v.span())),
        None => {
            rep.error(
                v.span(),
                format!("\"{s}\" is not a duration"),
                Some(DURATION_HINT.to_string()),
            );
            None
        }
    }
}

/// A sub-table such as `[hooks]`; any other type is reported.
fn get_table<'t, 'i>(
    rep: &mut Reporter<'_>,
    t: &'t DeTable<'i>,
    key: &str,
) -> Option<&'t DeTable<'i>> {
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::Table(sub) => Some(sub),
        _ => {
            wrong_type(rep, key, v, "a table", &format!("write it as [{key}]"));
            None
        }
    }
}

fn read_nudge(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut NudgeConfig) {
    check_keys(rep, t, NUDGE_KEYS, "[nudge]");
    if let Some((s, span)) = get_str(rep, t, "hours") {
        match DayWindow::parse(s) {
            Some(w) => c.hours = w,
            None => rep.error(
                span,
                format!("\"{s}\" is not a range of hours"),
                Some("write it like hours = \"09:00-21:00\" (24-hour clock), or \"always\"".into()),
            ),
        }
    }
}

fn read_hooks(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut HookConfig) {
    check_keys(rep, t, HOOK_KEYS, "[hooks]");
    for event in HookEvent::ALL {
        if let Some((cmd, span)) = get_str(rep, t, event.as_str()) {
            if cmd.trim().is_empty() {
                rep.error(
                    span,
                    format!("the {} hook is empty", event.as_str()),
                    Some("give a shell command line, or leave the key out".into()),
                );
            } else {
                c.commands.push((event, cmd.to_string()));
            }
        }
    }
    if let Some((d, span)) = get_duration(rep, t, "time_limit") {
        if d < Duration::from_millis(100) || d > Duration::from_secs(3600) {
            rep.error(
                span,
                "time_limit must be between 100ms and 1 hour",
                Some("for example time_limit = \"10s\"".into()),
            );
        } else {
            c.time_limit = d;
        }
    }
}

/// humantime's forms ("90s", "1m 30s", "5s 500ms"), plus a single decimal number with a
/// unit ("5.5s", "1.5m"), which people naturally write for breathing patterns.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(d) = humantime::parse_duration(s) {
        return Some(d);
    }
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hour" | "hours" => 3600.0,
        _ => return None,
    };
    let secs = n * scale;
    (secs.is_finite() && secs < 1e9).then(|| Duration::from_secs_f64(secs))
}

fn read_patterns(
    rep: &mut Reporter<'_>,
    v: &Spanned<DeValue<'_>>,
    source: &Source,
) -> Vec<Pattern> {
    let DeValue::Table(t) = v.get_ref() else {
        wrong_type(
            rep,
            "patterns",
            v,
            "a table",
            "write [patterns.my-pattern] with inhale and exhale",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    if t.len() > MAX_PATTERNS {
        rep.error(
            v.span(),
            format!(
                "{} breathing patterns in one file; only the first {MAX_PATTERNS} are read, {} skipped",
                t.len(),
                t.len() - MAX_PATTERNS
            ),
            Some(format!("keep at most {MAX_PATTERNS} patterns in a file")),
        );
    }
    for (name, body) in t.iter().take(MAX_PATTERNS) {
        let id: &str = name.get_ref();
        if !valid_id(id) {
            rep.error(
                name.span(),
                format!("pattern name \"{id}\" is not usable"),
                Some("use letters, digits and dashes, e.g. [patterns.my-calm]".into()),
            );
            continue;
        }
        if let Some(p) = read_pattern(rep, id, body, source) {
            out.push(p);
        }
    }
    out
}

pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn read_pattern(
    rep: &mut Reporter<'_>,
    id: &str,
    body: &Spanned<DeValue<'_>>,
    source: &Source,
) -> Option<Pattern> {
    let DeValue::Table(t) = body.get_ref() else {
        wrong_type(
            rep,
            id,
            body,
            "a table",
            "write [patterns.NAME] with inhale = \"4s\" and exhale = \"6s\"",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, PATTERN_KEYS, &format!("pattern `{id}`"));
    let description = get_str(rep, t, "description").map(|(s, _)| s.to_string());
    let mut phases = Vec::new();
    let simple = ["inhale", "hold_in", "exhale", "hold_out"];
    let has_simple = simple.iter().any(|k| t.contains_key(*k));
    if let Some(v) = t.get("phases") {
        if has_simple {
            rep.error(
                v.span(),
                format!("pattern `{id}` has both `phases` and inhale/exhale"),
                Some("use either the phases list or inhale/hold_in/exhale/hold_out".into()),
            );
        }
        match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let Some(ph) = read_phase(rep, item) {
                        phases.push(ph);
                    }
                }
            }
            _ => wrong_type(
                rep,
                "phases",
                v,
                "a list",
                "phases = [{ kind = \"in\", length = \"4s\" }, ...]",
            ),
        }
    } else {
        for (key, kind) in [
            ("inhale", PhaseKind::In),
            ("hold_in", PhaseKind::Hold),
            ("exhale", PhaseKind::Out),
            ("hold_out", PhaseKind::Hold),
        ] {
            if let Some((d, span)) = get_duration(rep, t, key) {
                if d.is_zero() {
                    continue;
                }
                if !check_phase_len(rep, d, span) {
                    continue;
                }
                phases.push(Phase {
                    kind,
                    length: d,
                    label: None,
                });
            }
        }
        for key in ["inhale", "exhale"] {
            if !t.contains_key(key) && rep.problems.len() == before {
                rep.error(
                    body.span(),
                    format!("pattern `{id}` has no `{key}`"),
                    Some("a pattern needs at least inhale and exhale, e.g. inhale = \"4s\", exhale = \"6s\"".into()),
                );
            }
        }
    }
    if rep.problems.len() > before {
        return None;
    }
    if phases.is_empty() {
        rep.error(body.span(), format!("pattern `{id}` has no phases"), None);
        return None;
    }
    if !phases.iter().any(|p| p.kind == PhaseKind::In)
        || !phases.iter().any(|p| p.kind == PhaseKind::Out)
    {
        rep.error(
            body.span(),
            format!("pattern `{id}` needs at least one in and one out phase"),
            None,
        );
        return None;
    }
    let total: Duration = phases.iter().map(|p| p.length).sum();
    if total > MAX_PHASE * 2 {
        rep.error(
            body.span(),
            format!("one breath of `{id}` lasts {}s", total.as_secs()),
            Some("a whole breath must take at most 2 minutes".into()),
        );
        return None;
    }
    Some(Pattern {
        id: id.to_string(),
        description,
        phases,
        source: source.clone(),
    })
}

fn check_phase_len(rep: &mut Reporter<'_>, d: Duration, span: Range<usize>) -> bool {
    if d < MIN_PHASE || d > MAX_PHASE {
        rep.error(
            span,
            "a breathing phase must last between 100ms and 60s".to_string(),
            Some("for example \"4s\" or \"5s 500ms\"".into()),
        );
        false
    } else {
        true
    }
}

fn read_phase(rep: &mut Reporter<'_>, item: &Spanned<DeValue<'_>>) -> Option<Phase> {
    let DeValue::Table(t) = item.get_ref() else {
        wrong_type(
            rep,
            "each phase",
            item,
            "a table",
            "{ kind = \"in\", length = \"4s\" }",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, PHASE_KEYS, "a phase");
    let kind = get_choice(
        rep,
        t,
        "kind",
        "phase kind",
        &["in", "hold", "out"],
        PhaseKind::parse,
    );
    let kind = require(
        rep,
        t,
        "kind",
        kind,
        item.span(),
        "a phase needs a `kind`",
        "kind = \"in\", \"hold\" or \"out\"",
    );
    let length = match get_duration(rep, t, "length") {
        Some((d, span)) => check_phase_len(rep, d, span).then_some(d),
        None => {
            if !t.contains_key("length") {
                rep.error(
                    item.span(),
                    "a phase needs a `length`",
                    Some("length = \"4s\"".into()),
                );
            }
            None
        }
    };
    let label = get_str(rep, t, "label").map(|(s, _)| s.to_string());
    if rep.problems.len() > before {
        return None;
    }
    Some(Phase {
        kind: kind?,
        length: length?,
        label,
    })
}

/// The breathing setting of a routine or step: a pattern, or "none".
enum Breathing {
    Off,
    On(Pattern),
}

fn read_breathing(rep: &mut Reporter<'_>, t: &DeTable<'_>, lib: &Library) -> Option<Breathing> {
    let (name, span) = get_str(rep, t, "breathing")?;
    if name == "none" {
        return Some(Breathing::Off);
    }
    match lib.pattern(name) {
        Some(p) => Some(Breathing::On(p.clone())),
        None => {
            let mut names: Vec<&str> = lib.patterns.iter().map(|p| p.id.as_str()).collect();
            names.push("none");
            rep.error(
                span,
                format!("unknown breathing pattern \"{name}\""),
                Some(suggest(name, &names)),
            );
            None
        }
    }
}

fn read_routine(
    rep: &mut Reporter<'_>,
    doc: &Spanned<DeTable<'_>>,
    p: &Pending,
    lib: &Library,
) -> Option<Routine> {
    let t = doc.get_ref();
    check_keys(rep, t, ROUTINE_KEYS, "a routine");
    let id = match get_str(rep, t, "id") {
        Some((s, span)) => {
            if !valid_id(s) {
                rep.error(
                    span,
                    format!("id \"{s}\" is not usable"),
                    Some("use letters, digits and dashes".into()),
                );
            }
            s.to_string()
        }
        None => p.stem.clone(),
    };
    if !valid_id(&id) && !t.contains_key("id") {
        rep.error(
            0..0,
            format!("the file name \"{}\" cannot be used as an id", p.stem),
            Some("rename the file using letters, digits and dashes, or set id = \"...\"".into()),
        );
    }
    let name = get_text(
        rep,
        t,
        "name",
        "the routine's name is empty",
        "name = \"Neck release\"",
    );
    let name = require(
        rep,
        t,
        "name",
        name,
        0..0,
        "the routine has no name",
        "add name = \"...\" at the top of the file",
    );
    let area = get_choice(rep, t, "area", "area", &Area::names(), Area::parse);
    let area = require(
        rep,
        t,
        "area",
        area,
        0..0,
        "the routine has no area",
        &format!("add area = \"...\", one of: {}", Area::names().join(", ")),
    );
    let summary = get_str(rep, t, "summary")
        .map(|(s, _)| s.trim().to_string())
        .unwrap_or_default();
    let equipment = get_str_list(rep, t, "equipment");
    let cautions = get_str_list(rep, t, "cautions");
    let default_breathing = read_breathing(rep, t, lib);
    let default_transition = get_duration(rep, t, "transition")
        .map(|(d, span)| check_transition(rep, d, span))
        .unwrap_or(DEFAULT_TRANSITION);
    let audio = get_choice(
        rep,
        t,
        "audio",
        "audio hint",
        &AudioHint::NAMES,
        AudioHint::parse,
    )
    .unwrap_or_default();

    let mut steps = Vec::new();
    match t.get("steps") {
        None => rep.error(
            0..0,
            "the routine has no steps",
            Some("add at least one [[steps]] table with a title and a duration".into()),
        ),
        Some(v) => match v.get_ref() {
            DeValue::Array(items) if items.is_empty() => rep.error(
                v.span(),
                "the routine has no steps",
                Some("add at least one [[steps]] table".into()),
            ),
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let Some(s) =
                        read_step(rep, item, lib, &default_breathing, default_transition)
                    {
                        steps.push(s);
                    }
                }
            }
            _ => wrong_type(
                rep,
                "steps",
                v,
                "a list of [[steps]] tables",
                "write each step as [[steps]] with a title and a duration",
            ),
        },
    }
    if !rep.is_clean() {
        return None;
    }
    let routine = Routine {
        id,
        name: name?,
        area: area?,
        summary,
        equipment,
        cautions,
        steps,
        source: p.source.clone(),
        audio,
    };
    if routine.total() > MAX_ROUTINE {
        rep.error(
            t.get("steps").map(|v| v.span()).unwrap_or(0..0),
            format!(
                "the routine lasts {}, longer than 3 hours",
                crate::model::format::fmt_clock(routine.total())
            ),
            Some("split it into shorter routines".into()),
        );
        return None;
    }
    Some(routine)
}

/// The sound and voice keys of `config.toml`.
fn read_sound_config(rep: &mut Reporter<'_>, t: &DeTable<'_>, c: &mut SoundConfig) {
    if let Some(m) = get_choice(
        rep,
        t,
        "sound",
        "sound",
        &SoundMode::NAMES,
        SoundMode::parse,
    ) {
        c.sound = m;
    }
    if let Some(v) = get_choice(rep, t, "voice", "voice", &Voice::NAMES, Voice::parse) {
        c.voice = v;
    }
    if let Some(b) = get_bool(rep, t, "breath_cues") {
        c.breath_cues = b;
    }
    if let Some(b) = get_bool(rep, t, "countdown") {
        c.countdown = b;
    }
    if let Some((n, span)) = get_int(rep, t, "volume") {
        if (0..=100).contains(&n) {
            c.volume = n as u8;
        } else {
            rep.error(
                span,
                format!("volume must be between 0 and 100, not {n}"),
                Some(format!(
                    "a share of full loudness; the default is {}",
                    crate::model::config::DEFAULT_VOLUME
                )),
            );
        }
    }
    for (key, slot, needs) in [
        ("player", &mut c.player, &["{file}"][..]),
        ("speech", &mut c.speech, &["{text}"][..]),
    ] {
        if let Some((cmd, span)) = get_str(rep, t, key) {
            match shell_words::split(cmd).ok() {
                Some(words) if !words.is_empty() => {
                    if let Some(missing) = needs.iter().find(|n| !cmd.contains(*n)) {
                        rep.error(
                            span,
                            format!("the {key} command has no {missing} in it"),
                            Some(format!(
                                "write where it goes, for example {key} = \"{}\"",
                                if key == "player" {
                                    "mpv --really-quiet {file}"
                                } else {
                                    "espeak-ng -s 150 {text}"
                                }
                            )),
                        );
                    } else {
                        *slot = Some(cmd.to_string());
                    }
                }
                _ => rep.error(
                    span,
                    format!("the {key} command is empty or its quotes do not close"),
                    Some("write it as you would in a shell, e.g. \"aplay -q {file}\"".into()),
                ),
            }
        }
    }
}

fn check_transition(rep: &mut Reporter<'_>, d: Duration, span: Range<usize>) -> Duration {
    if d > Duration::from_secs(120) {
        rep.error(
            span,
            "a transition must be at most 2 minutes",
            Some("for example transition = \"5s\"; \"0s\" for none".into()),
        );
        DEFAULT_TRANSITION
    } else {
        d
    }
}

fn read_step(
    rep: &mut Reporter<'_>,
    item: &Spanned<DeValue<'_>>,
    lib: &Library,
    default_breathing: &Option<Breathing>,
    default_transition: Duration,
) -> Option<Step> {
    let DeValue::Table(t) = item.get_ref() else {
        wrong_type(
            rep,
            "each step",
            item,
            "a table",
            "write each step as [[steps]]",
        );
        return None;
    };
    let before = rep.problems.len();
    check_keys(rep, t, STEP_KEYS, "a step");
    let title = get_text(
        rep,
        t,
        "title",
        "the step's title is empty",
        "title = \"Suboccipital hold\"",
    );
    let title = require(
        rep,
        t,
        "title",
        title,
        item.span(),
        "a step has no title",
        "add title = \"...\" to this [[steps]] table",
    );
    let step_breathing = read_breathing(rep, t, lib);
    let pattern = match step_breathing.as_ref().or(default_breathing.as_ref()) {
        Some(Breathing::On(p)) => Some(p.clone()),
        _ => None,
    };
    let length = match (t.get("duration"), t.get("breaths")) {
        (Some(_), Some(b)) => {
            rep.error(
                b.span(),
                "a step has both `duration` and `breaths`",
                Some("keep one: duration = \"90s\" or breaths = 9".into()),
            );
            None
        }
        (None, None) if has_typo_of(t, &["duration", "breaths"]) => None,
        (None, None) => {
            rep.error(
                item.span(),
                "a step has neither `duration` nor `breaths`",
                Some("add duration = \"90s\" or breaths = 9".into()),
            );
            None
        }
        (Some(_), None) => {
            get_duration(rep, t, "duration").map(|(d, span)| (Length::Time(d), span))
        }
        (None, Some(_)) => match get_int(rep, t, "breaths") {
            Some((n, span)) if n < 1 => {
                rep.error(
                    span,
                    format!("breaths must be at least 1, not {n}"),
                    Some("for example breaths = 6 (about a minute at 6 breaths a minute)".into()),
                );
                None
            }
            Some((n, span)) if n > 10_000 => {
                rep.error(
                    span.clone(),
                    format!("{n} breaths is far longer than a step can be"),
                    Some("a step lasts at most 1 hour".into()),
                );
                None
            }
            Some((n, span)) => {
                if pattern.is_none() {
                    rep.error(span.clone(), "a step counted in breaths needs a breathing pattern", Some("set breathing = \"relaxed\" (or another pattern) on the step or the routine, or use duration".into()));
                    None
                } else {
                    Some((Length::Breaths(n as u32), span))
                }
            }
            None => None,
        },
    };
    let planned = length.as_ref().and_then(|(l, span)| {
        let d = match l {
            Length::Time(d) => *d,
            Length::Breaths(n) => pattern.as_ref().map(|p| p.cycle() * *n)?,
        };
        if d < MIN_STEP || d > MAX_STEP {
            rep.error(
                span.clone(),
                format!(
                    "a step must last between 1 second and 1 hour, not {}",
                    match l {
                        // What the file says, quotes and all: "500ms", not "0s".
                        Length::Time(_) => rep.written(span).trim().to_string(),
                        Length::Breaths(n) =>
                            format!("{n} breaths ({})", crate::model::format::fmt_length(d)),
                    }
                ),
                Some(DURATION_HINT.to_string()),
            );
            None
        } else {
            Some(d)
        }
    });
    let pressure = read_pressure(rep, t);
    if let (Some(_), Some(p)) = (pressure, &pattern)
        && p.has_holds()
    {
        let span = t.get("breathing").map(|v| v.span()).unwrap_or(item.span());
        rep.error(
            span,
            format!("breath holds (\"{}\") are not allowed during a pressure step", p.id),
            Some("use relaxed, resonance or extended-exhale while pressing; keep hold patterns for a seated breathing step".into()),
        );
    }
    let sides =
        get_choice(rep, t, "sides", "side", &Sides::NAMES, Sides::parse).unwrap_or_default();
    let switch_cue = get_str(rep, t, "switch_cue").map(|(s, _)| s.trim().to_string());
    let region = get_choice(rep, t, "region", "region", &Region::names(), Region::parse);
    let technique = get_choice(
        rep,
        t,
        "technique",
        "technique",
        &Technique::names(),
        Technique::parse,
    );
    let art = match get_str(rep, t, "art") {
        Some((name, span)) => match lib.art.get(name) {
            Some(a) => Some(a.clone()),
            None => {
                let names: Vec<&str> = lib.art.keys().map(String::as_str).collect();
                rep.error(
                    span,
                    format!("unknown drawing \"{name}\""),
                    Some(suggest(name, &names)),
                );
                None
            }
        },
        None => None,
    };
    let transition = get_duration(rep, t, "transition")
        .map(|(d, span)| check_transition(rep, d, span))
        .unwrap_or(default_transition);
    let instructions = get_str(rep, t, "instructions")
        .map(|(s, _)| s.trim().to_string())
        .unwrap_or_default();
    let cue = get_str(rep, t, "cue").map(|(s, _)| s.trim().to_string());
    let caution = get_str(rep, t, "caution").map(|(s, _)| s.trim().to_string());
    let say = get_text(
        rep,
        t,
        "say",
        "the step's `say` is empty",
        "say = \"Let the head grow heavy.\" (or leave it out)",
    );
    if let (Some(text), Some(v)) = (&say, t.get("say")) {
        let n = text.chars().count();
        if n > MAX_SAY_CHARS {
            rep.error(
                v.span(),
                format!("`say` is {n} characters; a spoken cue must be at most {MAX_SAY_CHARS}"),
                Some("keep it to one short sentence; the instructions stay on screen".into()),
            );
        } else if text.chars().any(char::is_control) {
            rep.error(
                v.span(),
                "`say` must be one line of plain text",
                Some("remove line breaks and tabs".into()),
            );
        }
    }
    if rep.problems.len() > before {
        return None;
    }
    Some(Step {
        title: title?,
        length: length?.0,
        planned: planned?,
        instructions,
        cue,
        pressure,
        breathing: pattern,
        caution,
        sides,
        art,
        transition,
        switch_cue,
        region,
        technique,
        say,
    })
}

/// Whether an unknown key looks like a misspelling of one of `keys` (already reported,
/// so a second "missing" error would only confuse).
fn has_typo_of(t: &DeTable<'_>, keys: &[&str]) -> bool {
    t.iter().any(|(k, _)| {
        let k: &str = k.get_ref();
        !STEP_KEYS.contains(&k) && crate::library::diag::closest(k, keys.iter().copied()).is_some()
    })
}

fn read_pressure(rep: &mut Reporter<'_>, t: &DeTable<'_>) -> Option<Pressure> {
    let v = t.get("pressure")?;
    let hint = "pressure is on the 0-10 scale: a number such as 3, or a range such as \"3-4\"";
    let bad = |rep: &mut Reporter<'_>, what: Cow<'_, str>| {
        rep.error(
            v.span(),
            format!("pressure {what} is outside 0-10"),
            Some(hint.to_string()),
        );
    };
    let parse_one = |s: &str| s.trim().parse::<i64>().ok();
    let (lo, hi) = match v.get_ref() {
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix()).unwrap_or(i64::MAX);
            (n, n)
        }
        DeValue::String(s) => {
            let parts: Vec<&str> = s.split(['-', '–']).collect();
            match parts.as_slice() {
                [one] => match parse_one(one) {
                    Some(n) => (n, n),
                    None => {
                        rep.error(
                            v.span(),
                            format!("\"{s}\" is not a pressure"),
                            Some(hint.to_string()),
                        );
                        return None;
                    }
                },
                [a, b] => match (parse_one(a), parse_one(b)) {
                    (Some(a), Some(b)) => (a, b),
                    _ => {
                        rep.error(
                            v.span(),
                            format!("\"{s}\" is not a pressure"),
                            Some(hint.to_string()),
                        );
                        return None;
                    }
                },
                _ => {
                    rep.error(
                        v.span(),
                        format!("\"{s}\" is not a pressure"),
                        Some(hint.to_string()),
                    );
                    return None;
                }
            }
        }
        _ => {
            wrong_type(rep, "pressure", v, "a number or a range in quotes", hint);
            return None;
        }
    };
    if !(0..=10).contains(&lo) || !(0..=10).contains(&hi) {
        let what = if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo}-{hi}")
        };
        bad(rep, what.into());
        return None;
    }
    if lo > hi {
        rep.error(
            v.span(),
            format!("pressure range {lo}-{hi} goes downwards"),
            Some("write the lower number first, e.g. \"3-4\"".into()),
        );
        return None;
    }
    Some(Pressure {
        low: lo as u8,
        high: hi as u8,
    })
}
