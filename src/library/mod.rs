//! Loading the library: the bundled routines, patterns and drawings, then the user's config
//! file, drawings and routines. A bad file is reported and skipped; it never stops the
//! others. Reading one file's text is [`read`]'s; this part finds the files, reads them
//! (by two threads when there are many) and decides between them.

mod config;
mod read;

pub(crate) use config::*;
pub use read::*;
pub mod edit;
mod watch;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use toml::de::DeTable;

use crate::core::content::{Violation, check_routine};
use crate::library::diag::{Diagnostic, Reporter};
use crate::library::edit::FilesStamp;
use crate::model::config::{
    Config, DayWindow, HookConfig, HookEvent, Motion, NudgeConfig, SoundConfig, SoundMode,
    ThemeName, TimeLeft, Voice,
};
use crate::model::routine::{Art, Pattern, Routine, Source};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// Files larger than this are refused rather than parsed: no routine needs a megabyte.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// At most this many routine files (and as many drawings) are read from a folder, in name
/// order; the rest are reported and skipped, so a folder of thousands of files cannot hold
/// up the first frame.
pub const MAX_FOLDER_FILES: usize = 500;
/// From this many files, the routines are read by two threads (see
/// [`Library::files_routines`]).
const PARSE_APART: usize = 8;

/// Everything knotless knows: bundled and user routines, patterns, drawings and settings.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Valid routines, sorted by area then name.
    pub routines: Vec<Routine>,
    /// Valid patterns, sorted by id; shared with the steps that breathe with them.
    pub patterns: Vec<Arc<Pattern>>,
    pub art: BTreeMap<String, Art>,
    pub config: Config,
    /// Every problem found, in the order the files were read.
    pub problems: Vec<Diagnostic>,
    /// Ids of user routines that replace a bundled one.
    pub overridden: BTreeSet<String>,
    /// Every file that was read, with its problems count (for `check`).
    pub files: Vec<(String, usize)>,
    /// `config.toml` as problems name it, once it parsed: its valid keys apply even when
    /// others have problems (see [`Library::applies_in_part`]).
    config_file: Option<String>,
    /// The guide's safety limits each of the user's routines breaks, by id, worked out once
    /// when it loads (see [`Library::breaks`]).
    breaks: BTreeMap<String, Vec<Violation>>,
    /// Which bundled file defines each of the bundled routine files' own patterns, so that
    /// a user's step that names one is told where it is.
    elsewhere: BTreeMap<String, String>,
    /// How the user's files looked as they were read (none without a config folder).
    stamp: Option<FilesStamp>,
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
pub(crate) fn pick_one<'a, T>(
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

pub(crate) fn list_hint(c: &[String], lead: &str) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!("; {lead}: {}", c.join(", "))
    }
}

/// A routine file not yet resolved: every file's patterns must be known before any step
/// can be resolved (to say which file a pattern belongs to), so each file is gone through
/// twice.
pub(crate) struct Pending {
    file: String,
    text: Text,
    stem: String,
    source: Source,
}

/// A pending file's text: kept from the first reading while the texts kept stay under
/// [`KEPT_TEXTS`] in all, else read again when it is needed — so loading a folder of large
/// files holds one of them at a time, not all of them.
pub(crate) enum Text {
    Kept(Cow<'static, str>),
    Again(PathBuf),
}

/// How many bytes of file text loading keeps between its passes (a routine file is a few
/// KiB; this is hundreds of them).
const KEPT_TEXTS: usize = 4 << 20;

impl Pending {
    fn text(&self) -> Result<Cow<'_, str>, Diagnostic> {
        match &self.text {
            Text::Kept(t) => Ok(Cow::Borrowed(t)),
            Text::Again(path) => read_text(path, &self.file).map(Cow::Owned),
        }
    }

    /// This file with its text, as [`read`] takes it.
    fn with<'a>(&'a self, text: &'a str) -> RoutineText<'a> {
        RoutineText {
            file: &self.file,
            text,
            stem: &self.stem,
            source: &self.source,
        }
    }
}

/// What the second pass found in one file.
struct FileRead {
    problems: Vec<Diagnostic>,
    routine: Option<ReadRoutine>,
}

/// A routine read from its file, with what [`Library::resolve`] needs to keep it.
struct ReadRoutine {
    routine: Routine,
    /// The line and column of its `id` (or the file's start), for a duplicate's report.
    id_at: (usize, usize),
    /// What it breaks of the content guide, worked out by the thread that read it.
    breaks: Vec<Violation>,
}

impl Library {
    /// Whether a file with problems is still used apart from the lines with problems
    /// (`config.toml`: every valid key applies), rather than left out whole as a routine or
    /// drawing with a problem is.
    pub fn applies_in_part(&self, file: &str) -> bool {
        self.config_file.as_deref() == Some(file)
    }

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
        let mut lib = Library::bundled();
        if let Some(dir) = config_dir {
            // Each file is looked at as its folder is listed, before it is read: a change
            // while the library loads shows as a change afterwards.
            let mut stamp = FilesStamp::of_config(dir);
            lib.load_config(&dir.join("config.toml"));
            let art = stamp.list(&dir.join("art"), "txt", &mut lib.problems);
            lib.load_user_art(art);
            let routines = stamp.list(&dir.join("routines"), "toml", &mut lib.problems);
            let pending = lib.user_pending(routines);
            lib.resolve(pending);
            lib.stamp = Some(stamp);
        }
        lib
    }

    /// Stops watching the user's folders for changes (see [`FilesStamp::stop_watching`]).
    pub fn stop_watching(&mut self) {
        if let Some(stamp) = &mut self.stamp {
            stamp.stop_watching();
        }
    }

    /// How the user's files looked when this library read them (see [`FilesStamp`]); none
    /// when it was loaded without a config folder.
    pub fn stamp(&self) -> Option<&FilesStamp> {
        self.stamp.as_ref()
    }

    /// The bundled routines, patterns and drawings alone. The routines and patterns were
    /// read from their files when knotless was built (`build.rs`, with the same code as a
    /// user's files: [`read_bundled`]), so starting up parses none of them; a pattern or a
    /// drawing is shared by every step that uses it, as when it is read from a file.
    pub fn bundled() -> Library {
        let read: Bundled = postcard::from_bytes(bundled::LIBRARY)
            .expect("the bundled library is written by this build's own build script");
        let art = bundled_art(bundled::ART_FILES);
        let patterns: Vec<Arc<Pattern>> = read.patterns.into_iter().map(Arc::new).collect();
        let routines = Bundled::restored(read.routines, &patterns, &art)
            .expect("the bundled routines name only bundled patterns and drawings");
        let mut lib = Library {
            routines,
            patterns,
            art,
            files: read.files.into_iter().map(|f| (f, 0)).collect(),
            elsewhere: read.elsewhere,
            ..Library::default()
        };
        lib.sort_routines();
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
        self.check_files(paths).problems
    }

    /// Reads the given files as `check` does, into a library of their own: its `problems`
    /// (sorted by file and position), the routines that load with what they break
    /// ([`Library::breaks`]), and the patterns a `config.toml` among them defines.
    pub fn check_files(&self, paths: &[PathBuf]) -> Library {
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
                    text: Text::Kept(text.into()),
                    stem: stem_of(p),
                    source: Source::File(p.clone()),
                }),
                Err(d) => scratch.problems.push(d),
            }
        }
        // Checked files may legitimately replace bundled ids; only clashes among
        // themselves are duplicates.
        scratch.resolve(pending);
        scratch
            .problems
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        scratch
    }

    /// Validates one routine file's text as if it were a user file named `file`; returns
    /// the routine when it is valid. For tests, fuzzing and editors.
    pub fn check_text(&self, file: &str, text: &str) -> (Option<Routine>, Vec<Diagnostic>) {
        let mut scratch = self.scratch();
        let path = PathBuf::from(file);
        scratch.resolve(vec![Pending {
            file: file.to_string(),
            text: Text::Kept(text.to_string().into()),
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

    pub fn pattern(&self, id: &str) -> Option<&Arc<Pattern>> {
        self.patterns.iter().find(|p| p.id == id)
    }

    pub fn routine(&self, id: &str) -> Option<&Routine> {
        self.routines.iter().find(|r| r.id == id)
    }

    /// What the loaded routine `id` breaks of the content guide's safety limits
    /// (`core::content`), worked out once when it was loaded: empty for a routine that
    /// keeps to them, and for every bundled routine (the test suite holds those to every
    /// rule). The home screen, `list`, the before screen, `import` and `check` all read it
    /// here, so they always agree.
    pub fn breaks(&self, id: &str) -> &[Violation] {
        self.breaks.get(id).map_or(&[], Vec::as_slice)
    }

    /// How many of the guide's rules `id` breaks (a rule broken on several steps counts
    /// once).
    pub fn rules_broken(&self, id: &str) -> usize {
        crate::core::content::rules_in(self.breaks(id))
    }

    /// Whose a routine is, in the words every screen and command uses: `None` for a bundled
    /// routine, "yours" for one of the user's files, and "yours, replaces bundled" for their
    /// file that takes a bundled routine's place (an edited copy, or an import with
    /// `--replace`).
    pub fn whose(&self, r: &Routine) -> Option<&'static str> {
        match &r.source {
            Source::Bundled => None,
            Source::File(_) if self.overridden.contains(&r.id) => Some("yours, replaces bundled"),
            Source::File(_) => Some("yours"),
        }
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
        pick.map(|p| &**p).map_err(|hits| match hits {
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

    fn load_user_art(&mut self, files: Vec<PathBuf>) {
        for path in files {
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

    fn user_pending(&mut self, files: Vec<PathBuf>) -> Vec<Pending> {
        let mut out = Vec::new();
        let mut room = KEPT_TEXTS;
        for path in files {
            let file = path.display().to_string();
            match read_text(&path, &file) {
                Ok(text) => out.push(Pending {
                    file,
                    text: match room.checked_sub(text.len()) {
                        Some(left) => {
                            room = left;
                            Text::Kept(text.into())
                        }
                        None => Text::Again(path.clone()),
                    },
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
        // Missing is the defaults; a link to nothing is a problem said like any other (its
        // settings would be dropped without a word).
        let text = match std::fs::metadata(path) {
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(path).is_err() =>
            {
                return;
            }
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
            self.config_file = Some(file.clone());
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
                let bundled = self.bundled_pattern_ids();
                let source = Source::File(path.to_path_buf());
                let pats = read_patterns(&mut rep, v, &source, &bundled);
                self.add_patterns(pats);
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

    /// Adds library-wide patterns (the bundled ones, then `config.toml`'s, which may not
    /// take a bundled name), replacing one of the same id from the same file read again.
    fn add_patterns(&mut self, pats: Vec<Pattern>) {
        for p in pats {
            if let Some(old) = self.patterns.iter_mut().find(|o| o.id == p.id) {
                *old = Arc::new(p);
            } else {
                self.patterns.push(Arc::new(p));
            }
        }
        self.patterns.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// The bundled patterns' names: no user file may define a pattern by one of them, so
    /// "resonance" means the same breathing in every routine.
    fn bundled_pattern_ids(&self) -> Vec<String> {
        self.patterns
            .iter()
            .filter(|p| p.source.is_bundled())
            .map(|p| p.id.clone())
            .collect()
    }

    fn finish_file(&mut self, rep: Reporter<'_>) {
        self.finish(rep.file, rep.problems);
    }

    fn finish(&mut self, file: String, mut problems: Vec<Diagnostic>) {
        self.files.push((file, problems.len()));
        problems.sort_by_key(|p| (p.line, p.column));
        self.problems.extend(problems);
    }

    /// [`Library::file_routine`] for every pending file, in order: the second half on
    /// another thread when there are enough files for it to pay.
    fn files_routines(
        &self,
        pending: &[Pending],
        patterns: Vec<FilePatterns>,
        elsewhere: &BTreeMap<String, String>,
    ) -> Vec<FileRead> {
        let read = |pending: &[Pending], patterns: Vec<FilePatterns>| -> Vec<FileRead> {
            pending
                .iter()
                .zip(patterns)
                .map(|(p, found)| self.file_routine(p, found, elsewhere))
                .collect()
        };
        // Two threads whatever the machine: on one core they take turns, at the cost of a
        // thread's start, and asking for the number of cores costs as much (std reads the
        // cgroup's quota files, 60-90 us at start-up, before the first frame).
        if pending.len() < PARSE_APART {
            return read(pending, patterns);
        }
        let half = pending.len() / 2;
        let mut patterns = patterns;
        // Taken by the other thread once it runs; left here if it cannot be started.
        let theirs = std::sync::Mutex::new(Some(patterns.split_off(half)));
        let take = || theirs.lock().unwrap_or_else(|e| e.into_inner()).take();
        std::thread::scope(|scope| {
            let other = std::thread::Builder::new()
                .name("library".into())
                .spawn_scoped(scope, || read(&pending[half..], take().unwrap_or_default()));
            let mut first = read(&pending[..half], patterns);
            let rest = match other {
                Ok(t) => t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                // No thread to be had: the rest is read here.
                Err(_) => read(&pending[half..], take().unwrap_or_default()),
            };
            first.extend(rest);
            first
        })
    }

    /// The second pass over one pending file: its routine, with every problem of the file
    /// and, for a user's routine, where its id is written in case another file claims it
    /// and what it breaks of the content guide.
    fn file_routine(
        &self,
        p: &Pending,
        found: FilePatterns,
        elsewhere: &BTreeMap<String, String>,
    ) -> FileRead {
        let text = match p.text() {
            Ok(t) => t,
            // Gone or changed into something unreadable between the passes.
            Err(d) => {
                return FileRead {
                    problems: vec![d],
                    routine: None,
                };
            }
        };
        let read = routine_text(&p.with(&text), found, &self.patterns, &self.art, elsewhere);
        let routine = read.routine.map(|routine| {
            let mut breaks = check_routine(&routine);
            // Kept while the library is: no room for more.
            breaks.shrink_to_fit();
            ReadRoutine {
                routine,
                id_at: read.id_at,
                breaks,
            }
        });
        FileRead {
            routine,
            problems: read.problems,
        }
    }

    /// Reads the pending routine files (the user's, or those `check` is given: the bundled
    /// ones were read by the build). A file's own `[patterns]` belong to it: its steps
    /// may use them, no other file sees them, and none may take a bundled pattern's name.
    /// Read in two passes only so that a step naming another file's pattern can be told
    /// where it is; each file's parsed tree is dropped as soon as it has been read, so
    /// loading holds one at a time.
    fn resolve(&mut self, pending: Vec<Pending>) {
        let bundled = self.bundled_pattern_ids();
        let mut elsewhere = self.elsewhere.clone();
        let mut patterns = Vec::with_capacity(pending.len());
        for p in &pending {
            let found = p.text().map_or_else(
                |_| Default::default(),
                |t| file_patterns(&p.with(&t), &bundled),
            );
            note_elsewhere(&mut elsewhere, &p.file, &found.0);
            patterns.push(found);
        }
        let read = self.files_routines(&pending, patterns, &elsewhere);
        // Which user file keeps an id that several claim: the file named for the id
        // (`neck.toml` for "neck") over one that claims it with `id = "neck"`, then the first
        // path in name order. Decided from all the files at once, so every command (and
        // `check` with the files in any order) resolves a clash the same way.
        let mut keeper: BTreeMap<&str, (bool, &str)> = BTreeMap::new();
        for (p, read) in pending.iter().zip(&read) {
            if let Some(ReadRoutine { routine: r, .. }) = &read.routine {
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
        self.routines.reserve_exact(read.len());
        for (p, mut read) in pending.into_iter().zip(read) {
            if let Some(ReadRoutine {
                routine: r,
                id_at: (line, column),
                breaks,
            }) = read.routine
            {
                match keeper.get(&r.id) {
                    Some(kept) if *kept != p.file => {
                        read.problems.push(Diagnostic {
                            file: p.file.clone(),
                            line,
                            column,
                            message: format!("duplicate routine id \"{}\"", r.id),
                            hint: Some(format!(
                                "{kept} already uses it (a file named for its id keeps it); give this file another name or set `id = \"...\"`"
                            )),
                        });
                    }
                    _ => {
                        if let Some(old) = self.routines.iter().position(|o| o.id == r.id) {
                            if self.routines[old].source.is_bundled() {
                                self.overridden.insert(r.id.clone());
                            }
                            self.routines.remove(old);
                        }
                        self.breaks.remove(&r.id);
                        if !breaks.is_empty() {
                            self.breaks.insert(r.id.clone(), breaks);
                        }
                        self.routines.push(r);
                    }
                }
            }
            self.finish(p.file, read.problems);
        }
        self.sort_routines();
    }

    fn sort_routines(&mut self) {
        self.routines
            .sort_by(|a, b| (a.area, &a.name).cmp(&(b.area, &b.name)));
    }
}

pub(crate) fn stem_of(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files in `dir` whose names end in `.ext`, in name order: at most
/// [`MAX_FOLDER_FILES`] (a problem says how many more were skipped). Entries that are not
/// regular files — a broken link, a link loop, a folder — are kept, so that reading them
/// reports why they could not be read instead of skipping them without a word. Every name
/// in the folder (whatever its extension) is shown to `each` as the folder is listed.
pub(crate) fn listing(
    dir: &Path,
    ext: &str,
    problems: &mut Vec<Diagnostic>,
    mut each: impl FnMut(&std::ffi::OsStr),
) -> Vec<PathBuf> {
    // The first names are kept as the folder is listed, never all of them: a folder of
    // 20,000 files costs the memory of MAX_FOLDER_FILES names.
    let mut first = std::collections::BinaryHeap::with_capacity(MAX_FOLDER_FILES + 1);
    let mut count = 0usize;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        each(&name);
        if Path::new(&name).extension().and_then(|x| x.to_str()) != Some(ext) {
            continue;
        }
        count += 1;
        first.push(name);
        if first.len() > MAX_FOLDER_FILES {
            first.pop();
        }
    }
    if count > MAX_FOLDER_FILES {
        problems.push(Diagnostic {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: format!(
                "{count} .{ext} files here; only the first {MAX_FOLDER_FILES} (by name) are read, {} skipped",
                count - MAX_FOLDER_FILES
            ),
            hint: Some(format!(
                "keep at most {MAX_FOLDER_FILES} files in the folder"
            )),
        });
    }
    first
        .into_sorted_vec()
        .into_iter()
        .map(|name| dir.join(name))
        .collect()
}

/// Reads a user file, refusing huge files and reporting invalid UTF-8 at its position.
pub fn read_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    read_text_with(path, file, crate::files::read_capped)
}

/// [`read_text`] of a file the user named on the command line, which may be a pipe
/// (`knotless import <(cmd)`): see [`crate::files::read_named`].
pub fn read_named_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    read_text_with(path, file, crate::files::read_named)
}

fn read_text_with(
    path: &Path,
    file: &str,
    read: fn(&Path, u64) -> Result<Vec<u8>, crate::files::ReadError>,
) -> Result<String, Diagnostic> {
    let problem = |line, column, message: String, hint: Option<&str>| Diagnostic {
        file: file.to_string(),
        line,
        column,
        message,
        hint: hint.map(str::to_string),
    };
    // Never reads a device, never reads past the cap (and never blocks on a FIFO it was
    // not asked for by name).
    let bytes = read(path, MAX_FILE_BYTES).map_err(|e| match e {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_that_may_define_patterns_is_read_for_them() {
        for holds in [
            "[patterns.mine]\ninhale = \"4s\"",
            "name = \"x\"\n\n  [ patterns . mine ]",
            "[[patterns]]",
            "patterns = { mine = { inhale = \"4s\" } }",
            "name = \"x\"\r\n\t\"patterns\".mine.inhale = \"4s\"",
            "'patterns'.mine.inhale = \"4s\"",
            "\u{feff}patterns = {}",
            "name = \"Slow \\u0070atterns\"",
        ] {
            assert!(may_hold_patterns(holds), "{holds:?}");
        }
        for not in [
            "summary = \"trying five patterns in turn\"",
            "name = \"x\" # patterns below\n[[steps]]\nbreathing = \"box\"",
            "cue = \"\"\"\nsome patterns\n\"\"\"",
            "",
        ] {
            assert!(!may_hold_patterns(not), "{not:?}");
        }
    }

    /// The library the build script wrote is what the reader makes of the bundled files
    /// now, and loading it shares each pattern and drawing as reading a file does.
    #[test]
    fn the_bundled_library_is_what_the_reader_makes_of_the_files() {
        let built: Bundled = postcard::from_bytes(bundled::LIBRARY).unwrap();
        let read = read_bundled(bundled::ROUTINE_FILES, bundled::ART_FILES).unwrap();
        assert!(!read.routines.is_empty() && !read.patterns.is_empty());
        let compact = postcard::to_allocvec(&read).unwrap().len();
        let read_compact = Bundled {
            routines: read.routines.clone(),
            patterns: read.patterns.clone(),
            ..Default::default()
        }
        .compact();
        assert_eq!(built.routines, read_compact.routines);
        assert_eq!(
            (&built.patterns, &built.files),
            (&read.patterns, &read.files)
        );
        assert_eq!(built.elsewhere, read.elsewhere);
        assert!(bundled::LIBRARY.len() < compact * 4 / 5, "{compact}");

        let lib = Library::bundled();
        assert!(lib.problems.is_empty());
        assert_eq!(lib.routines.len(), read.routines.len());
        for r in &read.routines {
            assert_eq!(lib.routine(&r.id), Some(r));
        }
        let mut sorted = lib.routines.clone();
        sorted.sort_by(|a, b| (a.area, &a.name).cmp(&(b.area, &b.name)));
        assert_eq!(lib.routines, sorted);
        let steps = || lib.routines.iter().flat_map(|r| &r.steps);
        let breathing = steps().filter_map(|s| s.breathing.as_ref());
        for p in breathing {
            let shared = lib.pattern(&p.id).unwrap();
            assert!(Arc::ptr_eq(p, shared), "{} is not shared", p.id);
        }
        assert!(lib.routines.iter().all(|r| r.patterns.is_empty()));
        let drawn = steps().filter_map(|s| s.art.as_ref());
        for a in drawn {
            assert!(Arc::ptr_eq(&a.text, &lib.art[&a.name].text), "{}", a.name);
        }
        assert!(steps().any(|s| s.art.is_some()) && steps().any(|s| s.breathing.is_some()));
    }

    /// A bundled file with a problem, or two with one id, stop the build with the problem
    /// where it is.
    #[test]
    fn a_bundled_routine_with_a_problem_is_refused() {
        let routine = |name: &str| {
            format!(
                "name = \"{name}\"\narea = \"neck\"\nsummary = \"s\"\n\n[[steps]]\ntitle = \"t\"\nduration = \"30s\"\ninstructions = \"i\"\n"
            )
        };
        let good = routine("Good");
        let patterns = bundled::ROUTINE_FILES
            .iter()
            .find(|(stem, _)| *stem == PATTERNS_STEM)
            .unwrap();
        assert!(read_bundled(&[*patterns, ("good", &good)], bundled::ART_FILES).is_ok());

        let bad = good.replace("30s", "30 parsecs");
        let err = read_bundled(&[*patterns, ("bad", &bad)], bundled::ART_FILES).unwrap_err();
        assert_eq!(
            (err[0].file.as_str(), err[0].line),
            ("routines/bad.toml", 7)
        );

        let again = format!("id = \"good\"\n{}", routine("Again"));
        let files = [
            *patterns,
            ("good", good.as_str()),
            ("other", again.as_str()),
        ];
        let err = read_bundled(&files, bundled::ART_FILES).unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(
            err[0].message.contains("duplicate routine id \"good\""),
            "{err:?}"
        );
    }
}
