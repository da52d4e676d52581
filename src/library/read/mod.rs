//! Reading the text of one routine, pattern or drawing file into the model, with every
//! problem at its place (`path:line:column`) and a hint a person can act on.
//!
//! Files are parsed into toml's spanned document tree and read field by field, so every
//! problem can point at the exact key or value and say what would be accepted instead.
//! Nothing a file contains may panic or hang this code: sizes, nesting and numbers are
//! bounded before use.
//!
//! This part knows no folders, threads or other files: it is given texts. The library reads
//! the user's files with it, and the build script (`build.rs`) reads the bundled routines
//! with the same code, so that a bundled routine with a problem stops the build and the
//! program starts with its bundled library already read ([`Bundled`]).

pub mod diag;
mod routine;
mod spanned;

pub(crate) use routine::*;
pub use spanned::*;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use self::diag::{Diagnostic, Reporter, suggest};
use crate::model::routine::{
    Area, Art, AudioHint, Length, Pattern, Phase, PhaseKind, Pressure, Region, Routine, Sides,
    Source, Step, Technique,
};

/// At most this many breathing patterns are read from one file (the config or a routine).
pub const MAX_PATTERNS: usize = 200;
/// Drawings larger than this (in lines, and in columns) are refused at load time.
pub const MAX_ART_LINES: usize = 40;
pub const MAX_ART_COLUMNS: usize = 120;
/// Deeper bracket nesting than this is refused before parsing (protects the parser's stack).
pub(crate) const MAX_NESTING: usize = 32;
pub(crate) use crate::model::routine::MAX_STEP;
/// The most steps a routine may have: with every title at its longest and both sides,
/// its record stays far below the line length the history's readers accept.
pub const MAX_STEPS: usize = 200;
pub(crate) const MIN_STEP: Duration = Duration::from_secs(1);
pub(crate) const MAX_ROUTINE: Duration = Duration::from_secs(3 * 3600);
pub(crate) const MAX_PHASE: Duration = Duration::from_secs(60);
pub(crate) const MIN_PHASE: Duration = Duration::from_millis(100);
pub(crate) const DEFAULT_TRANSITION: Duration = Duration::from_secs(5);
/// The bundled patterns live beside the routines but are not a routine.
pub(crate) const PATTERNS_STEM: &str = "patterns";

/// The newest routine-file format this build reads (`format = 1`; the key is optional).
pub const FORMAT: i64 = 1;

/// The keys each table of a routine or config file may hold (public: the docs test checks
/// that the routine file format and the user guide describe every one).
pub const ROUTINE_KEYS: &[&str] = &[
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
pub const STEP_KEYS: &[&str] = &[
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
pub const PATTERN_KEYS: &[&str] = &[
    "description",
    "inhale",
    "hold_in",
    "exhale",
    "hold_out",
    "phases",
];
pub const PHASE_KEYS: &[&str] = &["kind", "length", "label"];
pub const CONFIG_KEYS: &[&str] = &[
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
    "voice_volume",
    "pause_cues",
    "time_left",
    "player",
    "speech",
    "nudge",
    "hooks",
];
pub const NUDGE_KEYS: &[&str] = &["hours"];
pub const HOOK_KEYS: &[&str] = &[
    "session_start",
    "step_start",
    "side_switch",
    "session_end",
    "breath_phase",
    "time_limit",
];
/// A step's `say` is a short spoken cue, not instructions read aloud.
pub(crate) const MAX_SAY_CHARS: usize = 120;
pub(crate) const DURATION_HINT: &str = "write a number with a unit, such as \"90s\", \"1m 30s\", \"2m\", \"5s 500ms\" or \"5.5s\" (units: ms, s, m, h)";
/// Checks the optional `format` key; false when the file is for a newer knotless.
pub(crate) fn readable_format(rep: &mut Reporter<'_>, t: &DeTable<'_>) -> bool {
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
pub(crate) fn art_too_large(art: &Art, file: &str) -> Option<Diagnostic> {
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

/// Whether `text` may have a top-level `patterns` key: it names `patterns` at the start of
/// a line (TOML puts every key and table header on a line of its own), after nothing but
/// spaces, brackets, a quote or a byte-order mark; or it has an escape, with which a quoted
/// key can spell the name in other letters. A summary that speaks of "five patterns" is not
/// parsed twice.
pub(crate) fn may_hold_patterns(text: &str) -> bool {
    text.contains('\\')
        || text.match_indices("patterns").any(|(at, _)| {
            text[..at]
                .bytes()
                .rev()
                .take_while(|&b| b != b'\n')
                .all(|b| {
                    matches!(
                        b,
                        b' ' | b'\t' | b'\r' | b'[' | b'"' | b'\'' | 0xEF | 0xBB | 0xBF
                    )
                })
        })
}

pub(crate) fn id_span(text: &str) -> Range<usize> {
    text.find("\nid")
        .map(|i| i + 1..i + 3)
        .or_else(|| text.starts_with("id").then_some(0..2))
        .unwrap_or(0..0)
}

/// What the first pass found in one file: its own patterns, and their problems.
pub(crate) type FilePatterns = (Vec<Pattern>, Vec<Diagnostic>);

/// One routine file to read: what it is called in problems, its text, the name its id
/// defaults to, and where it comes from.
pub(crate) struct RoutineText<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub stem: &'a str,
    pub source: &'a Source,
}

/// The first pass over one routine file: its own patterns and their problems (the second
/// pass finds the rest again, parsing afresh). Only a file that may hold them
/// ([`may_hold_patterns`]) is parsed here; the parsed tree is dropped at once.
pub(crate) fn file_patterns(f: &RoutineText<'_>, bundled: &[String]) -> FilePatterns {
    if !may_hold_patterns(f.text) {
        return (Vec::new(), Vec::new());
    }
    let mut rep = Reporter::new(f.file, f.text);
    // A file for a newer knotless may use keys this one does not know: nothing of it
    // is read (the second pass says why).
    let doc = parse_doc(&mut rep, f.text).filter(|d| readable_format(&mut rep, d.get_ref()));
    let Some(v) = doc.as_ref().and_then(|d| d.get_ref().get("patterns")) else {
        return (Vec::new(), Vec::new());
    };
    let before = rep.problems.len();
    let local = read_patterns(&mut rep, v, f.source, bundled);
    (local, rep.problems.split_off(before))
}

/// Notes `file` as the one that defines each of `local`, its own patterns, unless a file
/// before it does: where a step of another file that names one is pointed.
pub(crate) fn note_elsewhere(
    elsewhere: &mut BTreeMap<String, String>,
    file: &str,
    local: &[Pattern],
) {
    for p in local {
        elsewhere
            .entry(p.id.clone())
            .or_insert_with(|| file.to_string());
    }
}

/// What the second pass made of one routine file.
pub(crate) struct TextRead {
    /// The routine, when the file has no problem.
    pub routine: Option<Routine>,
    /// Every problem of the file, the first pass's among them.
    pub problems: Vec<Diagnostic>,
    /// The line and column of its `id` (or the file's start), for a duplicate's report; 1:1
    /// for a bundled routine, which no such report names.
    pub id_at: (usize, usize),
}

/// The second pass over one routine file: its routine, read against the library's
/// patterns and drawings and the file's own patterns (`found`, from the first pass).
pub(crate) fn routine_text(
    f: &RoutineText<'_>,
    (local, early): FilePatterns,
    patterns: &[Arc<Pattern>],
    art: &BTreeMap<String, Art>,
    elsewhere: &BTreeMap<String, String>,
) -> TextRead {
    let mut rep = Reporter::new(f.file, f.text);
    // A file for a newer knotless may use keys this one does not know: say that,
    // rather than a list of unknown keys.
    let doc = parse_doc(&mut rep, f.text).filter(|d| readable_format(&mut rep, d.get_ref()));
    rep.problems.extend(early);
    let scope = Scope {
        patterns,
        art,
        local: local.into_iter().map(Arc::new).collect(),
        elsewhere,
    };
    let routine = doc.and_then(|doc| read_routine(&mut rep, &doc, f.stem, f.source, &scope));
    let routine = routine.filter(|_| rep.is_clean());
    // Only a user's routine can be refused for another's id: a bundled one's place is
    // never shown, and finding it would cost a scan of its file.
    let id_at = match (&routine, f.source) {
        (Some(_), Source::File(_)) => rep.position(id_span(f.text).start),
        _ => (1, 1),
    };
    TextRead {
        routine,
        problems: rep.problems,
        id_at,
    }
}

/// The bundled patterns file (`routines/patterns.toml`): a `[patterns]` table and nothing
/// else.
pub(crate) fn patterns_text(file: &str, text: &str) -> (Vec<Pattern>, Vec<Diagnostic>) {
    let mut rep = Reporter::new(file, text);
    let mut pats = Vec::new();
    if let Some(doc) = parse_doc(&mut rep, text) {
        check_keys(&mut rep, doc.get_ref(), &["patterns"], "the patterns file");
        if let Some(v) = doc.get_ref().get("patterns") {
            pats = read_patterns(&mut rep, v, &Source::Bundled, &[]);
        }
    }
    (pats, rep.problems)
}

/// The bundled drawings, by name.
pub(crate) fn bundled_art(files: &[(&str, &str)]) -> BTreeMap<String, Art> {
    let art = files.iter().map(|(name, text)| {
        let art = Art::new(name.to_string(), text.trim_end().to_string());
        (name.to_string(), art)
    });
    art.collect()
}

/// The bundled routines and patterns as read by [`read_bundled`]: the build script reads
/// them and writes this into the binary ([`Bundled::compact`]), from which the library
/// takes them without parsing anything ([`Bundled::restored`]).
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bundled {
    /// The library-wide patterns, sorted by id.
    pub patterns: Vec<Pattern>,
    /// The routines, in the order of their files.
    pub routines: Vec<Routine>,
    /// Every file read, the patterns file first.
    pub files: Vec<String>,
    /// Which file defines each routine file's own pattern, to point at it when another
    /// file names it.
    pub elsewhere: BTreeMap<String, String>,
}

impl Bundled {
    /// The form the build writes: a step names its pattern and its drawing instead of
    /// carrying a copy of each (a quarter of the bytes). [`Bundled::restored`] gives them
    /// back.
    pub fn compact(mut self) -> Bundled {
        for step in self.routines.iter_mut().flat_map(|r| r.steps.iter_mut()) {
            if let Some(p) = &mut step.breathing {
                *p = Arc::new(Pattern {
                    id: p.id.clone(),
                    description: None,
                    phases: Vec::new(),
                    source: p.source.clone(),
                });
            }
            if let Some(a) = &mut step.art {
                *a = Art::new(a.name.clone(), String::new());
            }
        }
        self
    }

    /// The routines of a [`Bundled::compact`] form, each step given its pattern (the
    /// routine's own, else the library's, as the reader looks them up) and its drawing
    /// from `art`: one copy of each, shared by every step that uses it. `None` when a step
    /// names one that is not there, which a build's own library never does.
    pub fn restored(
        mut routines: Vec<Routine>,
        patterns: &[Arc<Pattern>],
        art: &BTreeMap<String, Art>,
    ) -> Option<Vec<Routine>> {
        for r in &mut routines {
            let local: Vec<Arc<Pattern>> = r.patterns.iter().cloned().map(Arc::new).collect();
            for step in &mut r.steps {
                if let Some(p) = &mut step.breathing {
                    *p = local.iter().chain(patterns).find(|f| f.id == p.id)?.clone();
                }
                if let Some(a) = &mut step.art {
                    *a = art.get(&a.name)?.clone();
                }
            }
        }
        Some(routines)
    }
}

/// Reads the bundled routine files (`routines/<stem>.toml`, the patterns file among them)
/// against the bundled drawings, as the library reads a user's: the same checks, the same
/// problems. Any problem at all, or two files with one id, is an error.
pub fn read_bundled(
    routine_files: &[(&str, &str)],
    art_files: &[(&str, &str)],
) -> Result<Bundled, Vec<Diagnostic>> {
    let art = bundled_art(art_files);
    let mut out = Bundled::default();
    let mut problems = Vec::new();
    let named = |stem: &str| format!("routines/{stem}.toml");
    for (stem, text) in routine_files.iter().filter(|(s, _)| *s == PATTERNS_STEM) {
        let (pats, found) = patterns_text(&named(stem), text);
        out.files.push(named(stem));
        out.patterns.extend(pats);
        problems.extend(found);
    }
    out.patterns.sort_by(|a, b| a.id.cmp(&b.id));
    let shared: Vec<Arc<Pattern>> = out.patterns.iter().cloned().map(Arc::new).collect();
    let ids: Vec<String> = out.patterns.iter().map(|p| p.id.clone()).collect();
    let files: Vec<(String, &str, &str)> = routine_files
        .iter()
        .filter(|(s, _)| *s != PATTERNS_STEM)
        .map(|(stem, text)| (named(stem), *stem, *text))
        .collect();
    fn text<'a>((file, stem, text): &'a (String, &str, &str)) -> RoutineText<'a> {
        RoutineText {
            file,
            text,
            stem,
            source: &Source::Bundled,
        }
    }
    let found: Vec<FilePatterns> = files
        .iter()
        .map(|f| file_patterns(&text(f), &ids))
        .collect();
    for ((file, _, _), (local, _)) in files.iter().zip(&found) {
        note_elsewhere(&mut out.elsewhere, file, local);
    }
    for (f, found) in files.iter().zip(found) {
        let read = routine_text(&text(f), found, &shared, &art, &out.elsewhere);
        problems.extend(read.problems);
        out.files.push(f.0.clone());
        let Some(r) = read.routine else { continue };
        if out.routines.iter().any(|o| o.id == r.id) {
            problems.push(Diagnostic {
                file: f.0.clone(),
                line: 1,
                column: 1,
                message: format!("duplicate routine id \"{}\"", r.id),
                hint: Some("every bundled routine needs an id of its own".into()),
            });
            continue;
        }
        out.routines.push(r);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
