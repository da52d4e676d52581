//! The user's own routine files: a template for `new`, copies with a new id, checking a
//! candidate file against everything else that is loaded, the atomic replace, drafts,
//! `share` (a file that carries the user's own patterns with it) and `import` (summary,
//! clash detection and a step-level difference).
//!
//! The rule this module keeps: a real routine file never holds an invalid routine. Edits
//! happen on a temporary copy, are checked, and only then replace the real file in one
//! rename; what is not valid goes back to the editor, is dropped, or is kept as a draft
//! beside the real file under a name the loader never reads (`<file>.toml.draft`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::SystemTime;

use toml::de::{DeTable, DeValue};

use crate::core::content::Violation;
use crate::library::diag::{Diagnostic, Reporter};
use crate::library::{Library, Pending, bundled, read_text, stem_of, valid_id};
use crate::model::format::fmt_clock;
use crate::model::routine::{Length, PhaseKind, Pressure, Routine, Sides, Source};

/// The folder of the user's routines inside `<config>`.
pub fn routines_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("routines")
}

/// Where the draft of `real` is kept: beside it, with an extension the loader ignores.
pub fn draft_path(real: &Path) -> PathBuf {
    let mut name = real.file_name().unwrap_or_default().to_os_string();
    name.push(".draft");
    real.with_file_name(name)
}

/// The mode a routine file is written with: the one it has now (the user's choice), else
/// private.
fn mode_for(path: &Path) -> u32 {
    #[cfg(unix)]
    if let Ok(m) = std::fs::symlink_metadata(path)
        && m.is_file()
    {
        use std::os::unix::fs::PermissionsExt;
        return m.permissions().mode() & 0o7777;
    }
    crate::files::write::PRIVATE_FILE
}

/// Replaces (or creates) `path` with `bytes` so that a reader sees the old file or the
/// new one, never a part (see [`crate::files::write_atomically`]).
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mode = mode_for(path);
    crate::files::write_atomically(path, bytes, crate::files::Durability::Synced, mode)
}

/// Like `replace_atomically`, but refuses to replace a file that appeared meanwhile.
pub fn create_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::files::write_new_atomically(
        path,
        bytes,
        crate::files::Durability::Synced,
        crate::files::write::PRIVATE_FILE,
    )
}

/// "my-neck" → "My neck": a starting name for a new routine.
fn name_from_id(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A short, commented routine that passes `check` as it is and keeps to every rule of the
/// content guide (gentle, declared pressure, the cautions it needs, honest wording).
pub fn template(id: &str) -> String {
    format!(
        r#"# Your own routine. Change what you like; `knotless edit {id}` checks the file before
# it replaces this one, and `knotless check` explains any problem. Every key is
# described in the routine file format: knotless man routine | man -l -
format = 1
name = "{name}"
area = "neck"            # scalp | neck | shoulders | jaw | upper-back | hands-feet | breathing | mixed
summary = "A few gentle minutes for the neck and shoulders. It may ease muscle tension and help you relax."
equipment = ["a chair"]
cautions = [
  "Never press the front of the neck. If you feel a pulse under your fingers, let go and move back.",
  "For between attacks. During a migraine, use Migraine-day gentle instead (knotless run migraine-day).",
  "Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your headache gets worse.",
]
breathing = "extended-exhale"   # the pacer for every step; "none" turns it off (`knotless patterns`)
transition = "5s"               # the pause between steps, showing what comes next

[[steps]]
title = "Settle and breathe"
breaths = 4                     # or a time: duration = "1m"
instructions = "Sit back, feet flat, hands in your lap. Let your shoulders drop."
cue = "Long, slow out-breath."

[[steps]]
title = "Shoulder-top squeeze"
duration = "45s"                # per side
sides = "both"                  # none | left | right | both (left, switch sides, right)
switch_cue = "Let that arm drop. Reach across for the other shoulder."
pressure = "3-4"                # 0-10: at most 3-4 on the head, face and jaw, 4-6 on shoulders
region = "shoulder-top"         # where the hands go; technique says how (see the README)
technique = "squeeze"
instructions = "Reach across with the opposite hand and take the muscle on top of the shoulder between thumb and fingers. Squeeze gently, then hold a tender spot."
cue = "Squeeze as you breathe out; soften as you breathe in."
caution = "Pregnant? Keep it light, off the middle of the shoulder top."
# The player shows the stop rules (sharp pain, tingling, dizziness, a worse headache ...)
# with every step that presses or moves, so a caution need only add what is special here.
"#,
        name = name_from_id(id)
    )
}

/// The top-level `id = "..."` value's byte range, when the file has one.
fn id_value_span(text: &str) -> Option<std::ops::Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    doc.get_ref().get("id").map(|v| v.span())
}

/// The text with its id changed when it sets one; else unchanged (the file name will
/// give the id).
pub fn with_id_if_set(text: &str, id: &str) -> String {
    match id_value_span(text) {
        Some(_) => with_id(text, id),
        None => text.to_string(),
    }
}

/// The text with its top-level id set to `id`: the value replaced when the file has an
/// `id` key, else an `id` line added at the top (where keys are always top-level).
pub fn with_id(text: &str, id: &str) -> String {
    match id_value_span(text) {
        Some(span) => format!("{}\"{id}\"{}", &text[..span.start], &text[span.end..]),
        None => format!("id = \"{id}\"\n{text}"),
    }
}

/// The file text a routine was loaded from.
pub fn source_text(r: &Routine) -> Result<String, String> {
    match &r.source {
        Source::File(p) => read_text(p, &p.display().to_string()).map_err(|d| d.to_string()),
        Source::Bundled => bundled::ROUTINE_FILES
            .iter()
            .find(|(stem, _)| *stem == r.id)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("the bundled text of \"{}\" is missing", r.id)),
    }
}

impl Library {
    /// Checks `text` as the routine file `real` would be after a save, against everything
    /// else loaded: the patterns of other files (not the ones `real` itself defined, which
    /// the new text may have removed), the drawings, and other user routines' ids.
    /// Problems are reported against `label` (the file the user is editing).
    pub fn check_candidate(
        &self,
        label: &str,
        real: &Path,
        text: &str,
    ) -> Result<Candidate, Vec<Diagnostic>> {
        let mut scratch = self.scratch();
        let source = Source::File(real.to_path_buf());
        scratch.resolve(vec![Pending {
            file: label.to_string(),
            text: text.to_string(),
            stem: stem_of(real),
            source,
        }]);
        if !scratch.problems.is_empty() {
            return Err(scratch.problems);
        }
        let Some(r) = scratch.routines.pop() else {
            return Err(vec![Diagnostic {
                file: label.to_string(),
                line: 1,
                column: 1,
                message: "no routine was found in the file".into(),
                hint: None,
            }]);
        };
        if let Some(other) = self.routine(&r.id)
            && let Source::File(p) = &other.source
            && p != real
        {
            let mut rep = Reporter::new(label, text);
            rep.error(
                super::id_span(text),
                format!("duplicate routine id \"{}\"", r.id),
                Some(format!(
                    "{} already uses it; choose another id",
                    p.display()
                )),
            );
            return Err(rep.problems);
        }
        let breaks = scratch.breaks(&r.id).to_vec();
        Ok(Candidate { routine: r, breaks })
    }
}

/// A routine file that loads, checked as it would be once saved or installed.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub routine: Routine,
    /// What it breaks of the guide's safety limits, as [`Library::breaks`] will say once it
    /// is loaded.
    pub breaks: Vec<Violation>,
}

fn io_err(e: io::Error) -> String {
    e.to_string()
}

// ---------------------------------------------------------------------------------------
// Noticing changes made elsewhere

/// What the user's files look like on disk, cheaply: the name, size, modification time
/// (and on Unix the inode, which changes when an editor saves by renaming) of every entry
/// in `<config>/routines` and `<config>/art`, and of `config.toml`. Equal stamps mean
/// nothing worth re-reading has changed. Taken when the app gets a key or focus, so
/// noticing a change costs no wake-ups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilesStamp(Vec<(PathBuf, u64, Option<SystemTime>, u64)>);

impl FilesStamp {
    pub fn read(config_dir: &Path) -> FilesStamp {
        let mut entries = Vec::new();
        let mut add = |p: PathBuf| {
            if let Ok(m) = std::fs::metadata(&p) {
                #[cfg(unix)]
                let ino = std::os::unix::fs::MetadataExt::ino(&m);
                #[cfg(not(unix))]
                let ino = 0;
                entries.push((p, m.len(), m.modified().ok(), ino));
            }
        };
        add(config_dir.join("config.toml"));
        for sub in ["routines", "art"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(config_dir.join(sub))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .collect();
            paths.sort();
            paths.into_iter().for_each(&mut add);
        }
        FilesStamp(entries)
    }
}

// ---------------------------------------------------------------------------------------
// The editor

/// GUI editors that return at once unless told to wait, and the flag that makes them wait.
const WAIT_FLAGS: &[(&str, &str)] = &[
    ("code", "--wait"),
    ("code-insiders", "--wait"),
    ("codium", "--wait"),
    ("cursor", "--wait"),
    ("subl", "--wait"),
    ("sublime_text", "--wait"),
    ("zed", "--wait"),
    ("atom", "--wait"),
    ("gedit", "--wait"),
    ("mate", "--wait"),
    ("kate", "--block"),
    ("gvim", "--nofork"),
    ("mvim", "--nofork"),
];

/// The user's editor: a program and its arguments, read from `$VISUAL`, else `$EDITOR`
/// (split as a shell would), else `vi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub program: String,
    pub args: Vec<String>,
}

impl Editor {
    /// From the values of `$VISUAL` and `$EDITOR` (empty counts as unset).
    pub fn from_vars(visual: Option<&str>, editor: Option<&str>) -> Result<Editor, String> {
        let (var, value) = match (visual, editor) {
            (Some(v), _) if !v.trim().is_empty() => ("VISUAL", v),
            (_, Some(e)) if !e.trim().is_empty() => ("EDITOR", e),
            _ => ("", "vi"),
        };
        let mut words = shell_words::split(value)
            .map_err(|e| format!("cannot read ${var} ({value:?}): {e}"))?
            .into_iter();
        let program = words
            .next()
            .ok_or_else(|| format!("${var} names no program"))?;
        let mut args: Vec<String> = words.collect();
        let base = Path::new(&program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = base.strip_suffix(".exe").unwrap_or(&base);
        if let Some((_, flag)) = WAIT_FLAGS.iter().find(|(name, _)| *name == base) {
            let waits = ["--wait", "-w", "--block", "-b", "--nofork", "-f"];
            if !args.iter().any(|a| waits.contains(&a.as_str())) {
                args.push(flag.to_string());
            }
        }
        Ok(Editor { program, args })
    }

    /// From this process's environment.
    pub fn from_env() -> Result<Editor, String> {
        let get = |k| std::env::var(k).ok();
        Editor::from_vars(get("VISUAL").as_deref(), get("EDITOR").as_deref())
    }

    /// The command that opens `file`, inheriting the terminal.
    pub fn command(&self, file: &Path) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args).arg(file);
        c
    }

    /// Opens `file` and waits for the editor to exit.
    pub fn open(&self, file: &Path) -> Result<ExitStatus, String> {
        self.command(file).status().map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                format!(
                    "cannot run the editor `{}`: not found; set $VISUAL or $EDITOR",
                    self.program
                )
            } else {
                format!("cannot run the editor `{}`: {e}", self.program)
            }
        })
    }
}

// ---------------------------------------------------------------------------------------
// `edit`

/// What `edit` works on.
#[derive(Debug, Clone)]
pub struct EditTarget {
    pub id: String,
    /// The file that is replaced on a valid save (for a bundled routine, the user copy
    /// that will override it; it does not exist yet).
    pub real: PathBuf,
    /// The real file's bytes now (`None` when it does not exist yet).
    pub original: Option<String>,
    /// The text the editor starts from: the draft, the real file, or the bundled text.
    pub start: String,
    /// The routine is bundled and the saved copy will override it.
    pub bundled: bool,
    /// The draft the edit continues from.
    pub from_draft: Option<PathBuf>,
}

/// Finds the file to edit: `<routines>/QUERY.toml` when it exists (even when it is broken
/// and so not loaded: `edit` is how it gets fixed), else the routine `query` picks.
pub fn edit_target(lib: &Library, config_dir: &Path, query: &str) -> Result<EditTarget, String> {
    let dir = routines_dir(config_dir);
    let direct = dir.join(format!("{query}.toml"));
    let (id, real, bundled_text) = if valid_id(query) && direct.is_file() {
        (query.to_string(), direct, None)
    } else {
        let r = lib.find(query).map_err(|e| e.to_string())?;
        match &r.source {
            Source::File(p) => (r.id.clone(), p.clone(), None),
            Source::Bundled => {
                let real = dir.join(format!("{}.toml", r.id));
                if real.is_file() {
                    // A user file with this id exists but did not load: edit it, not a
                    // fresh copy over it.
                    (r.id.clone(), real, None)
                } else {
                    (r.id.clone(), real, Some(source_text(r)?))
                }
            }
        }
    };
    let original = match bundled_text {
        Some(_) => None,
        None => Some(read_text(&real, &real.display().to_string()).map_err(|d| d.to_string())?),
    };
    let draft = draft_path(&real);
    let (start, from_draft) = if draft.is_file() {
        let t = read_text(&draft, &draft.display().to_string()).map_err(|d| d.to_string())?;
        (t, Some(draft))
    } else {
        let t = original
            .clone()
            .or(bundled_text.clone())
            .unwrap_or_default();
        (t, None)
    };
    Ok(EditTarget {
        id,
        real,
        original,
        start,
        bundled: bundled_text.is_some(),
        from_draft,
    })
}

/// How an edit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// The real file was replaced with the valid new text.
    Saved {
        path: PathBuf,
        overrides_bundled: bool,
    },
    /// The editor left the text as it was; nothing was written.
    Unchanged,
    /// The user chose to drop the changes: the real file is as it was.
    Reverted,
    /// No answer came (end of input): the changes were dropped, the real file is as it was.
    NoAnswer,
    /// The invalid text was kept as a draft, not loaded; the real file is as it was.
    Draft(PathBuf),
    /// The editor failed or exited with an error; nothing was written.
    EditorFailed(String),
}

impl EditOutcome {
    /// Whether the command succeeded (the file is saved, or nothing needed saving).
    pub fn is_success(&self) -> bool {
        matches!(self, EditOutcome::Saved { .. } | EditOutcome::Unchanged)
    }
}

/// The prompt after a candidate with problems, visudo-style.
pub const PROMPT: &str = "What now? [e]dit again · [r]evert · [k]eep as a draft (not loaded): ";

/// Runs the edit: the editor on a temporary copy, then check; a valid text replaces the
/// real file atomically, an invalid one is offered back to the editor, dropped, or kept as
/// a draft. Answers are read as lines from `input`; with no answer (end of input) nothing
/// changes. `editor` opens a file and waits (the app hands the terminal over around it).
pub fn run_edit(
    lib: &Library,
    target: &EditTarget,
    editor: &mut dyn FnMut(&Path) -> Result<ExitStatus, String>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<EditOutcome, String> {
    // The copy is the user's routine, maybe with private notes: a folder only they can open.
    let mut b = tempfile::Builder::new();
    b.prefix("knotless-edit-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(
            crate::files::write::PRIVATE_DIR,
        ));
    }
    let dir = b
        .tempdir()
        .map_err(|e| format!("cannot make a temporary copy: {e}"))?;
    let copy = dir.path().join(
        target
            .real
            .file_name()
            .unwrap_or_else(|| std::ffi::OsStr::new("routine.toml")),
    );
    crate::files::write_new_atomically(
        &copy,
        target.start.as_bytes(),
        crate::files::Durability::Relaxed,
        crate::files::write::PRIVATE_FILE,
    )
    .map_err(|e| format!("cannot make a temporary copy: {e}"))?;
    let label = copy.display().to_string();
    loop {
        let status = editor(&copy)?;
        if !status.success() {
            return Ok(EditOutcome::EditorFailed(format!(
                "the editor exited with {status}; nothing was changed"
            )));
        }
        // Read by path: editors that save by renaming leave a new file behind the name.
        let checked = read_text(&copy, &label)
            .map_err(|d| vec![d])
            .and_then(|text| {
                if target.from_draft.is_none() && Some(&text) == target.original.as_ref() {
                    return Ok(None);
                }
                if target.original.is_none() && target.from_draft.is_none() && text == target.start
                {
                    return Ok(None);
                }
                lib.check_candidate(&label, &target.real, &text)
                    .map(|r| Some((r, text)))
            });
        match checked {
            Ok(None) => return Ok(EditOutcome::Unchanged),
            Ok(Some((_, text))) => {
                // Changed in another window while the editor was open: neither version
                // is lost, and the other one stays in place.
                let now =
                    crate::files::read_capped(&target.real, crate::library::MAX_FILE_BYTES).ok();
                if now.as_deref() != target.original.as_deref().map(str::as_bytes) {
                    let draft = draft_path(&target.real);
                    replace_atomically(&draft, text.as_bytes())
                        .map_err(|e| format!("cannot keep the draft {}: {e}", draft.display()))?;
                    writeln!(
                        out,
                        "{} changed on disk while you were editing; it was left as it is.",
                        target.real.display()
                    )
                    .map_err(io_err)?;
                    return Ok(EditOutcome::Draft(draft));
                }
                replace_atomically(&target.real, text.as_bytes())
                    .map_err(|e| format!("cannot save {}: {e}", target.real.display()))?;
                if let Some(d) = &target.from_draft {
                    let _ = std::fs::remove_file(d);
                }
                return Ok(EditOutcome::Saved {
                    path: target.real.clone(),
                    overrides_bundled: target.bundled,
                });
            }
            Err(problems) => {
                for p in &problems {
                    writeln!(out, "{p}").map_err(io_err)?;
                }
                writeln!(
                    out,
                    "{} was not changed: the edited copy has {} problem{}.",
                    target.real.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                )
                .map_err(io_err)?;
            }
        }
        loop {
            write!(out, "{PROMPT}").map_err(io_err)?;
            out.flush().map_err(io_err)?;
            let mut line = String::new();
            if input.read_line(&mut line).map_err(io_err)? == 0 {
                writeln!(out).map_err(io_err)?;
                return Ok(EditOutcome::NoAnswer);
            }
            match line.trim().to_lowercase().as_str() {
                "e" | "edit" | "edit again" => break,
                "r" | "revert" => return Ok(EditOutcome::Reverted),
                "k" | "keep" | "keep as a draft" => {
                    let text = crate::files::read_capped(&copy, crate::library::MAX_FILE_BYTES)
                        .map_err(|e| format!("cannot read {}: {e}", copy.display()))?;
                    let draft = draft_path(&target.real);
                    replace_atomically(&draft, &text)
                        .map_err(|e| format!("cannot keep the draft {}: {e}", draft.display()))?;
                    return Ok(EditOutcome::Draft(draft));
                }
                _ => writeln!(out, "Please answer e, r or k.").map_err(io_err)?,
            }
        }
    }
}

/// The whole `edit` conversation with a given editor, input and output; the app runs the
/// same one after handing the terminal over. Returns how it ended; success lines are
/// already written, failures are for the caller to word (`failure_message`).
pub fn edit_session(
    lib: &Library,
    config: &Path,
    query: &str,
    editor: &Editor,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<EditOutcome, String> {
    let target = edit_target(lib, config, query)?;
    if target.bundled {
        writeln!(
            out,
            "\"{}\" is bundled: you are editing your own copy, {}, which replaces the bundled one once saved.",
            target.id,
            target.real.display()
        )
        .map_err(io_err)?;
    }
    if let Some(d) = &target.from_draft {
        writeln!(
            out,
            "Continuing from your draft {} (the routine itself is unchanged).",
            d.display()
        )
        .map_err(io_err)?;
    }
    let mut open = |p: &Path| editor.open(p);
    let outcome = run_edit(lib, &target, &mut open, input, out)?;
    match &outcome {
        EditOutcome::Saved {
            path,
            overrides_bundled,
        } => {
            writeln!(out, "Saved {}.", path.display()).map_err(io_err)?;
            if *overrides_bundled {
                writeln!(
                    out,
                    "It is your own copy now and replaces the bundled \"{}\"; delete the file to go back to the bundled one.",
                    target.id
                )
                .map_err(io_err)?;
            }
        }
        EditOutcome::Unchanged => {
            writeln!(out, "No changes; nothing was written.").map_err(io_err)?;
        }
        _ => {}
    }
    out.flush().map_err(io_err)?;
    Ok(outcome)
}

impl EditOutcome {
    /// The one line that says why an edit did not save.
    pub fn failure_message(&self) -> String {
        match self {
            EditOutcome::Reverted => {
                "the changes were dropped; the routine is as it was".to_string()
            }
            EditOutcome::NoAnswer => {
                "no answer on standard input, so the changes were dropped; the routine is as it was"
                    .to_string()
            }
            EditOutcome::Draft(p) => format!(
                "kept as a draft in {} (not loaded); the routine is as it was — `knotless edit` continues from the draft",
                p.display()
            ),
            EditOutcome::EditorFailed(m) => m.clone(),
            EditOutcome::Saved { .. } | EditOutcome::Unchanged => String::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// `share`

/// The pattern names a routine file refers to (its default and every step's), in order.
fn pattern_names(text: &str) -> Vec<String> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut add = |t: &DeTable<'_>| {
        if let Some(v) = t.get("breathing")
            && let DeValue::String(s) = v.get_ref()
            && s.as_ref() != "none"
            && !names.iter().any(|n: &String| n == s.as_ref())
        {
            names.push(s.to_string());
        }
    };
    add(doc.get_ref());
    if let Some(v) = doc.get_ref().get("steps")
        && let DeValue::Array(items) = v.get_ref()
    {
        for item in items.iter() {
            if let DeValue::Table(t) = item.get_ref() {
                add(t);
            }
        }
    }
    names
}

/// The patterns a file defines itself.
fn defined_patterns(text: &str) -> BTreeSet<String> {
    let Ok(doc) = DeTable::parse(text) else {
        return BTreeSet::new();
    };
    match doc.get_ref().get("patterns").map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => t.iter().map(|(k, _)| k.get_ref().to_string()).collect(),
        _ => BTreeSet::new(),
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One pattern as a `[patterns.NAME]` table, with every phase written out exactly.
fn pattern_toml(p: &crate::model::routine::Pattern) -> String {
    let mut s = format!("[patterns.{}]\n", p.id);
    if let Some(d) = &p.description {
        let _ = writeln!(s, "description = {}", toml_string(d));
    }
    s.push_str("phases = [\n");
    for ph in &p.phases {
        let kind = match ph.kind {
            PhaseKind::In => "in",
            PhaseKind::Hold => "hold",
            PhaseKind::Out => "out",
        };
        let _ = write!(
            s,
            "  {{ kind = \"{kind}\", length = \"{}\"",
            humantime::format_duration(ph.length)
        );
        if let Some(l) = &ph.label {
            let _ = write!(s, ", label = {}", toml_string(l));
        }
        s.push_str(" },\n");
    }
    s.push_str("]\n");
    s
}

/// One self-contained file for a routine: its own text with its id set, plus the user's
/// own patterns it uses (from config.toml or other routine files), so it loads the same
/// on a machine that has only the bundled set. Warnings (a user drawing, which cannot
/// travel in the file) come back beside the text.
pub fn share_text(lib: &Library, r: &Routine) -> Result<(String, Vec<String>), String> {
    let text = source_text(r)?;
    let mut out = with_id(&text, &r.id);
    let own = defined_patterns(&text);
    let mut inlined = Vec::new();
    for name in pattern_names(&text) {
        if own.contains(&name) {
            continue;
        }
        if let Some(p) = lib.pattern(&name)
            && !p.source.is_bundled()
        {
            inlined.push(p);
        }
    }
    if !inlined.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(
            "\n# Breathing patterns of the sender's, included so this file works on its own.\n",
        );
        for p in inlined {
            out.push('\n');
            out.push_str(&pattern_toml(p));
        }
    }
    let mut warnings = Vec::new();
    let mut base = Library::load(None);
    for s in &r.steps {
        if let Some(a) = &s.art
            && !base.art.contains_key(&a.name)
        {
            warnings.push(format!(
                "step \"{}\" uses your drawing \"{}\", which is not in the file: send {}.txt from your art folder with it",
                s.title, a.name, a.name
            ));
        }
    }
    // Proof that it stands alone: it must load with only the bundled patterns (and the
    // drawings, which travel separately).
    base.art = lib.art.clone();
    let (loaded, problems) = base.check_text(&format!("{}.toml", r.id), &out);
    if let Some(p) = problems.first() {
        return Err(format!(
            "cannot make a self-contained copy of \"{}\": {}",
            r.id, p.message
        ));
    }
    if loaded.is_none() {
        return Err(format!("cannot make a self-contained copy of \"{}\"", r.id));
    }
    Ok((out, warnings))
}

// ---------------------------------------------------------------------------------------
// `import`

/// A routine someone sent, checked and ready to install.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub routine: Routine,
    /// What it breaks of the guide's safety limits: `import` shows these and asks first.
    pub breaks: Vec<Violation>,
    /// The text to write (its id set when `--as` gave a new one).
    pub text: String,
    /// Where it goes: `<routines>/<id>.toml`, or the file of the routine it replaces.
    pub target: PathBuf,
    pub clash: Option<Clash>,
}

/// What an incoming routine's id collides with.
#[derive(Debug, Clone)]
pub enum Clash {
    /// A loaded routine (bundled or the user's) has the id.
    Routine(Box<Routine>),
    /// A file with that name exists in the routines folder but does not load.
    File(PathBuf),
}

/// Why an incoming file cannot be installed.
#[derive(Debug, Clone)]
pub enum ImportError {
    /// Patterns it uses that neither the file nor this machine has.
    MissingPatterns(Vec<String>, Vec<Diagnostic>),
    Invalid(Vec<Diagnostic>),
    Other(String),
}

/// Checks the text of a routine someone sent. `label` names it in messages; `stem` is its
/// file name without `.toml` (none for standard input); `new_id` is `--as`.
pub fn prepare_import(
    lib: &Library,
    config_dir: &Path,
    label: &str,
    stem: Option<&str>,
    text: &str,
    new_id: Option<&str>,
) -> Result<Incoming, ImportError> {
    let text = match new_id {
        Some(id) if !valid_id(id) => {
            return Err(ImportError::Other(format!(
                "\"{id}\" cannot be an id: use {}",
                crate::library::ID_RULE
            )));
        }
        Some(id) => with_id(text, id),
        None => text.to_string(),
    };
    let declared = DeTable::parse(&text).ok().and_then(|doc| {
        match doc.get_ref().get("id").map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => Some(s.to_string()),
            _ => None,
        }
    });
    let id = match declared {
        Some(id) => id,
        None => match stem {
            Some(s) => s.to_string(),
            None => {
                return Err(ImportError::Other(
                    "the routine has no id: give it one with --as ID".into(),
                ));
            }
        },
    };
    let dir = routines_dir(config_dir);
    let fallback = dir.join(format!(
        "{}.toml",
        if valid_id(&id) { &id } else { "routine" }
    ));
    let existing = lib.routine(&id);
    let target = match existing.map(|r| &r.source) {
        Some(Source::File(p)) => p.clone(),
        _ => fallback.clone(),
    };
    let own = defined_patterns(&text);
    let missing: Vec<String> = pattern_names(&text)
        .into_iter()
        .filter(|n| !own.contains(n) && lib.pattern(n).is_none())
        .collect();
    // Checked as the file it would replace, so a clash with a user routine is reported
    // as a clash (below), not as a duplicate id.
    let checked = match lib.check_candidate(label, &target, &text) {
        Ok(c) => c,
        Err(problems) if !missing.is_empty() => {
            return Err(ImportError::MissingPatterns(missing, problems));
        }
        Err(problems) => return Err(ImportError::Invalid(problems)),
    };
    let clash = match existing {
        Some(r) => Some(Clash::Routine(Box::new(r.clone()))),
        None if target.exists() => Some(Clash::File(target.clone())),
        None => None,
    };
    Ok(Incoming {
        routine: checked.routine,
        breaks: checked.breaks,
        text,
        target,
        clash,
    })
}

/// Installs a checked routine: a new file, or (only when `replace`) over the one it
/// clashes with. Never writes over anything without `replace`.
pub fn install(incoming: &Incoming, replace: bool) -> io::Result<()> {
    if incoming.clash.is_some() && !replace {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the id is taken",
        ));
    }
    if replace && incoming.target.exists() {
        replace_atomically(&incoming.target, incoming.text.as_bytes())
    } else {
        create_atomically(&incoming.target, incoming.text.as_bytes())
    }
}

/// The summary `import` prints before installing: what the routine asks of the body.
pub fn summary(r: &Routine) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("routine", format!("{} ({}) · {}", r.name, r.id, r.area)),
        (
            "steps",
            format!(
                "{} · {} active · about {} with pauses",
                r.steps.len(),
                fmt_clock(r.active_total()),
                fmt_clock(r.total())
            ),
        ),
    ];
    let highest = r
        .steps
        .iter()
        .filter_map(|s| s.pressure)
        .max_by_key(|p| (p.high, p.low));
    rows.push((
        "pressure",
        match highest {
            Some(p) => format!("up to {p} / 10"),
            None => "none".into(),
        },
    ));
    let step_cautions = r.steps.iter().filter(|s| s.caution.is_some()).count();
    rows.push((
        "cautions",
        if r.cautions.is_empty() && step_cautions == 0 {
            "none".into()
        } else {
            format!(
                "{} before starting, {} on steps",
                r.cautions.len(),
                step_cautions
            )
        },
    ));
    let holds: Vec<String> = r
        .steps
        .iter()
        .filter(|s| s.breathing.as_ref().is_some_and(|p| p.has_holds()))
        .map(|s| s.title.clone())
        .collect();
    rows.push((
        "breath holds",
        if holds.is_empty() {
            "none".into()
        } else {
            holds.join(", ")
        },
    ));
    let mut pats: Vec<String> = Vec::new();
    for s in &r.steps {
        if let Some(p) = &s.breathing {
            let label = match &p.source {
                Source::Bundled => p.id.clone(),
                Source::File(f) if Source::File(f.clone()) == r.source => {
                    format!("{} (in the file)", p.id)
                }
                Source::File(_) => format!("{} (yours)", p.id),
            };
            if !pats.contains(&label) {
                pats.push(label);
            }
        }
    }
    rows.push((
        "patterns",
        if pats.is_empty() {
            "none".into()
        } else {
            pats.join(", ")
        },
    ));
    rows
}

/// One step as a line for the difference: everything that shapes the session.
pub fn step_line(s: &crate::model::routine::Step) -> String {
    let sides = match s.sides {
        Sides::None => String::new(),
        Sides::Left => " · left".into(),
        Sides::Right => " · right".into(),
        Sides::Both => " · both sides".into(),
    };
    let length = match s.length {
        Length::Time(_) => fmt_clock(s.planned),
        Length::Breaths(n) => format!(
            "{} ({})",
            crate::model::format::fmt_breaths(n),
            fmt_clock(s.planned)
        ),
    };
    let pressure = s
        .pressure
        .map(|p: Pressure| format!(" · pressure {p}"))
        .unwrap_or_default();
    let breathing = match &s.breathing {
        Some(p) => format!(" · {} ({})", p.id, p.timing()),
        None => " · no pacer".into(),
    };
    format!("{}{sides} · {length}{pressure}{breathing}", s.title)
}

/// How a step list changed, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// The step-level difference from `old` to `new`.
pub fn step_diff(old: &Routine, new: &Routine) -> Vec<DiffLine> {
    let a: Vec<String> = old.steps.iter().map(step_line).collect();
    let b: Vec<String> = new.steps.iter().map(step_line).collect();
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    let mut out = Vec::new();
    for op in ops {
        for change in op.iter_changes(&a, &b) {
            let line = change.value().clone();
            out.push(match change.tag() {
                similar::ChangeTag::Equal => DiffLine::Same(line),
                similar::ChangeTag::Delete => DiffLine::Removed(line),
                similar::ChangeTag::Insert => DiffLine::Added(line),
            });
        }
    }
    out
}
