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
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use toml::de::{DeTable, DeValue};

use crate::core::content::Violation;
use crate::library::diag::{Diagnostic, Reporter};
use crate::library::watch::Watch;
use crate::library::{FindError, Library, Pending, Text, bundled, read_text, stem_of};
use crate::model::routine::{Routine, Source};

mod conversation;
mod editor;
mod import;
mod share;

pub use conversation::{EditOutcome, EditTarget, PROMPT, edit_session, edit_target, run_edit};
pub use editor::Editor;
pub use import::{
    Clash, DiffLine, ImportError, Incoming, install, prepare_import, step_diff, step_line, summary,
};
pub use share::share_text;

/// Why an edit, a copy or a share could not be done. Each says what failed and on which
/// file; the commands and the app print it as it is.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// A routine file (or a draft) could not be read.
    #[error("{0}")]
    Read(Diagnostic),
    /// No routine matches, or more than one does.
    #[error(transparent)]
    Find(#[from] FindError),
    /// The bundled text of a routine the library lists is not in the binary.
    #[error("the bundled text of \"{0}\" is missing")]
    BundledMissing(String),
    /// `$VISUAL` or `$EDITOR` cannot be split into words as a shell would.
    #[error("cannot read ${var} ({value:?}): {reason}")]
    EditorVariable {
        var: &'static str,
        value: String,
        reason: shell_words::ParseError,
    },
    /// `$VISUAL` or `$EDITOR` is only spaces and quotes.
    #[error("${0} names no program")]
    NoEditorProgram(&'static str),
    /// The editor program is not there.
    #[error("cannot run the editor `{0}`: not found; set $VISUAL or $EDITOR")]
    EditorNotFound(String),
    /// The editor program could not be started.
    #[error("cannot run the editor `{program}`: {source}")]
    EditorStart { program: String, source: io::Error },
    /// The private copy the editor works on could not be made.
    #[error("cannot make a temporary copy: {0}")]
    TemporaryCopy(io::Error),
    /// A file could not be written or kept (`what` says which: "save", "keep the draft").
    #[error("cannot {what} {}: {source}", path.display())]
    File {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// The copy the editor saved could not be read back.
    #[error("cannot read {}: {source}", path.display())]
    ReadBack {
        path: PathBuf,
        source: crate::files::ReadError,
    },
    /// There is no config folder to keep the user's routines in.
    #[error("no config directory: set KNOTLESS_CONFIG_DIR or pass --config-dir")]
    NoConfigFolder,
    /// The conversation with the user (the prompt, the answers) failed.
    #[error(transparent)]
    Terminal(#[from] io::Error),
    /// A shared copy would not load on its own.
    #[error("cannot make a self-contained copy of \"{id}\"{}", why.as_ref().map(|w| format!(": {w}")).unwrap_or_default())]
    NotSelfContained { id: String, why: Option<String> },
}

impl EditError {
    fn file(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> EditError {
        let path = path.to_path_buf();
        move |source| EditError::File { what, path, source }
    }
}

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
region = "shoulder-top"         # where the hands go; technique says how (`knotless man routine` lists both)
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

/// The pattern names a routine file refers to (its default and every step's), in order.
pub(crate) fn pattern_names(text: &str) -> Vec<String> {
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
pub(crate) fn defined_patterns(text: &str) -> BTreeSet<String> {
    let Ok(doc) = DeTable::parse(text) else {
        return BTreeSet::new();
    };
    match doc.get_ref().get("patterns").map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => t.iter().map(|(k, _)| k.get_ref().to_string()).collect(),
        _ => BTreeSet::new(),
    }
}

/// The file text a routine was loaded from.
pub fn source_text(r: &Routine) -> Result<String, EditError> {
    match &r.source {
        Source::File(p) => read_text(p, &p.display().to_string()).map_err(EditError::Read),
        Source::Bundled => bundled::ROUTINE_FILES
            .iter()
            .find(|(stem, _)| *stem == r.id)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| EditError::BundledMissing(r.id.clone())),
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
            text: Text::Kept(text.to_string().into()),
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

/// Lists what a routine breaks of the safety limits, as `import` and `edit` show it
/// before asking whether to go on: "⚠ It breaks 2 of the safety limits:", then each one.
pub fn write_breaks(breaks: &[Violation], out: &mut dyn Write) -> io::Result<()> {
    use crate::core::content::{WARNING, breaks_words, rules_in};
    writeln!(out)?;
    writeln!(out, "{WARNING} It {}:", breaks_words(rules_in(breaks)))?;
    for v in breaks {
        writeln!(out, "  {v}")?;
    }
    out.flush()
}

/// The line after installing or saving a routine that breaks the safety limits.
pub fn marked_words(path: &Path) -> String {
    format!(
        "It is marked {} wherever it is listed; `knotless check {}` shows what it breaks.",
        crate::core::content::WARNING,
        path.display()
    )
}

/// Whether an answer to a `[y/N]` question is yes ("y" or "yes", in any case).
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// Whether `now` breaks a safety limit that `before` kept: a rule broken in a way it was
/// not (the same rule and words), or more often than before. Where the steps sit does not
/// matter, so moving a step that already broke a limit adds nothing.
pub fn breaks_more(before: &[Violation], now: &[Violation]) -> bool {
    let mut kept: Vec<&Violation> = before.iter().collect();
    now.iter().any(|v| {
        match kept
            .iter()
            .position(|o| o.rule == v.rule && o.message == v.message)
        {
            Some(i) => {
                kept.swap_remove(i);
                false
            }
            None => true,
        }
    })
}

/// A routine file that loads, checked as it would be once saved or installed.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub routine: Routine,
    /// What it breaks of the guide's safety limits, as [`Library::breaks`] will say once it
    /// is loaded.
    pub breaks: Vec<Violation>,
}

// ---------------------------------------------------------------------------------------
// Noticing changes made elsewhere

/// What the user's files look like on disk, cheaply: `config.toml`, the `routines` and
/// `art` folders themselves, and the files the library reads from them (the same first
/// [`MAX_FOLDER_FILES`](crate::library::MAX_FOLDER_FILES) by name), each by size,
/// modification time and, on Unix, inode (which changes when an editor saves by renaming).
///
/// Taken when the library is read; [`FilesStamp::unchanged`] is asked on a key or when the
/// window gets focus, so noticing a change costs no wake-ups, and it never lists a folder:
/// a file added, removed or renamed changes its folder's own time, and an edit in place
/// changes the file's. Where the kernel keeps a queue of changes to the folders (see
/// [`Watch`]) and it holds none, only `config.toml`, the folders and the files that are
/// links to elsewhere are looked at: a key costs the same with 500 files as with one.
#[derive(Debug, Clone, Default)]
pub struct FilesStamp {
    config: Option<Meta>,
    folders: Vec<FolderStamp>,
    /// Set up on the first look at a folder of many files (see [`QUEUE_FROM`]); not part
    /// of what is compared.
    watch: std::sync::OnceLock<Watch>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
    /// Whether the name is a link (what it points at is what the rest describe): a change
    /// to the file it points at is not a change to the folder the queue watches.
    link: bool,
}

impl Meta {
    fn of(path: &Path) -> Option<Meta> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let ino = 0;
        Some(Meta {
            len: m.len(),
            modified: m.modified().ok(),
            ino,
            link: false,
        })
    }
}

/// A folder held open while the files in it are looked at by name: a look then walks no
/// path. (On a key on home with 500 routine files, looking at them was over a third of the
/// key's time, and walking each file's whole path half of that.)
struct Folder {
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
    #[cfg(not(unix))]
    path: PathBuf,
}

impl Folder {
    fn open(path: &Path) -> Folder {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Folder {
                fd: rustix::fs::open(path, flags, Mode::empty()).ok(),
            }
        }
        #[cfg(not(unix))]
        Folder {
            path: path.to_path_buf(),
        }
    }

    /// How the file `name` in this folder looks (a link followed, as [`Meta::of`] does).
    // The fields' integer types differ from one platform to another.
    #[allow(clippy::unnecessary_cast)]
    fn meta(&self, name: &std::ffi::OsStr) -> Option<Meta> {
        #[cfg(unix)]
        {
            use rustix::fs::{AtFlags, FileType, statat};
            let fd = self.fd.as_ref()?;
            let mut st = statat(fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let link = FileType::from_raw_mode(st.st_mode as _) == FileType::Symlink;
            if link {
                st = statat(fd, name, AtFlags::empty()).ok()?;
            }
            let (secs, nanos) = (st.st_mtime as i64, st.st_mtime_nsec as u32);
            let epoch = std::time::UNIX_EPOCH;
            let modified = if secs >= 0 {
                epoch.checked_add(std::time::Duration::new(secs as u64, nanos))
            } else {
                epoch
                    .checked_sub(std::time::Duration::from_secs(secs.unsigned_abs()))
                    .and_then(|t| t.checked_add(std::time::Duration::from_nanos(nanos.into())))
            };
            Some(Meta {
                len: st.st_size as u64,
                modified,
                ino: st.st_ino as u64,
                link,
            })
        }
        #[cfg(not(unix))]
        Meta::of(&self.path.join(name))
    }
}

#[derive(Debug, Clone)]
struct FolderStamp {
    path: PathBuf,
    meta: Option<Meta>,
    /// A digest of every name in the folder, looked at only when the folder changed so
    /// shortly before the stamp that a change in the same tick of its clock could hide.
    names: u64,
    /// When the stamp was taken, or when the folder was last listed and found the same
    /// (a change since then moves its time past this).
    taken: Taken,
    /// The names of the files the library reads from it, and how each looked.
    files: Vec<(std::ffi::OsString, Option<Meta>)>,
}

/// A time that a look through a shared stamp can move on (the library is shared between
/// threads): nanoseconds since 1970, or 0 for a time before.
#[derive(Debug)]
struct Taken(std::sync::atomic::AtomicU64);

impl Taken {
    fn new(t: SystemTime) -> Taken {
        let nanos = t
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Taken(nanos.into())
    }

    fn get(&self) -> SystemTime {
        let nanos = self.0.load(std::sync::atomic::Ordering::Relaxed);
        std::time::UNIX_EPOCH + std::time::Duration::from_nanos(nanos)
    }

    fn set(&self, t: SystemTime) {
        let nanos = Taken::new(t).0.into_inner();
        self.0.store(nanos, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for Taken {
    fn clone(&self) -> Taken {
        Taken::new(self.get())
    }
}

/// From this many files read, a look at the user's files sets up the kernel's queue of
/// changes (see [`Watch`]) for the looks after it. Fewer cost less to look at each time
/// than the queue costs to close: the kernel waits for its watches to go when the app
/// quits, up to tens of milliseconds. Only the app looks, so a command never sets one up.
pub const QUEUE_FROM: usize = 64;

/// A folder changed less than this before its stamp is listed again to be sure: file
/// systems keep times to a few milliseconds (some to two seconds).
const RACY: std::time::Duration = std::time::Duration::from_secs(3);

impl FolderStamp {
    /// Whether the folder and its files read look as they did; `quiet` when the queue of
    /// changes said none came, so only the files that are links need a look.
    fn unchanged(&self, quiet: bool) -> bool {
        let meta = Meta::of(&self.path);
        if meta != self.meta {
            return false;
        }
        let racy = meta
            .and_then(|m| m.modified)
            .is_none_or(|t| t + RACY > self.taken.get());
        if !quiet && racy {
            let now = SystemTime::now();
            if names_digest(&self.path) != self.names {
                return false;
            }
            // Listed and the same: from now on, a change moves the folder's time past this,
            // so the folder is listed again only while its time is that recent.
            self.taken.set(now);
        }
        let mut look = self
            .files
            .iter()
            .filter(|(_, m)| !quiet || m.is_none_or(|m| m.link))
            .peekable();
        if look.peek().is_none() {
            return true;
        }
        let folder = Folder::open(&self.path);
        look.all(|(name, m)| folder.meta(name) == *m)
    }
}

impl PartialEq for FolderStamp {
    fn eq(&self, other: &FolderStamp) -> bool {
        (&self.path, self.meta, self.names, &self.files)
            == (&other.path, other.meta, other.names, &other.files)
    }
}

impl Eq for FolderStamp {}

impl PartialEq for FilesStamp {
    fn eq(&self, other: &FilesStamp) -> bool {
        self.config == other.config && self.folders == other.folders
    }
}

impl Eq for FilesStamp {}

/// A digest of every name in `dir`, whatever the order they are listed in (0 when it
/// cannot be listed), without holding them.
fn names_digest(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .fold(0u64, |sum, e| sum.wrapping_add(name_hash(&e.file_name())))
}

fn name_hash(name: &std::ffi::OsStr) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(name)
}

impl FilesStamp {
    /// A stamp of `config_dir`'s `config.toml` alone, its folders to be added by
    /// [`FilesStamp::list`] as they are listed.
    pub(crate) fn of_config(config_dir: &Path) -> FilesStamp {
        FilesStamp {
            watch: std::sync::OnceLock::new(),
            config: Meta::of(&config_dir.join("config.toml")),
            folders: Vec::new(),
        }
    }

    /// Lists `dir` for the library (see [`crate::library::listing`]) and adds it to the
    /// stamp: the folder itself, looked at before it is listed, a digest of every name in
    /// it, and each file listed, looked at before the library reads it.
    pub(crate) fn list(
        &mut self,
        dir: &Path,
        ext: &str,
        problems: &mut Vec<crate::library::diag::Diagnostic>,
    ) -> Vec<PathBuf> {
        let meta = Meta::of(dir);
        let mut names = 0u64;
        let files = crate::library::listing(dir, ext, problems, |name| {
            names = names.wrapping_add(name_hash(name));
        });
        let folder = Folder::open(dir);
        let looked = files
            .iter()
            .filter_map(|f| f.file_name())
            .map(|name| (name.to_os_string(), folder.meta(name)))
            .collect();
        self.folders.push(FolderStamp {
            path: dir.to_path_buf(),
            meta,
            names,
            taken: Taken::new(SystemTime::now()),
            files: looked,
        });
        files
    }

    /// Stops the queue of changes (see [`Watch`]): from now on every look is a full one.
    /// Done before the process exits, where the queue would otherwise be closed with its
    /// watches still on, which waits for the kernel.
    pub fn stop_watching(&mut self) {
        self.watch = std::sync::OnceLock::from(Watch::default());
    }

    /// Whether the files look as they did when this stamp was read (`config_dir` is the
    /// one it was read from).
    pub fn unchanged(&self, config_dir: &Path) -> bool {
        // `config.toml` is looked at every time: it is often a link to a file kept elsewhere.
        if Meta::of(&config_dir.join("config.toml")) != self.config {
            return false;
        }
        let quiet = match self.watch.get() {
            Some(watch) => watch.quiet(),
            // The queue is set up before this look, so a change after it is in the queue
            // and one before it is seen by the look.
            None => {
                let files: usize = self.folders.iter().map(|f| f.files.len()).sum();
                if files >= QUEUE_FROM {
                    let mut dirs = vec![config_dir];
                    dirs.extend(self.folders.iter().map(|f| f.path.as_path()));
                    let _ = self.watch.set(Watch::of(&dirs));
                }
                false
            }
        };
        self.folders.iter().all(|f| f.unchanged(quiet))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder changed just before the library read it is listed again on a look, but
    /// once it has been found the same well after its time, not on every look after.
    #[test]
    fn a_folder_changed_just_before_the_stamp_is_listed_again_only_until_it_settles() {
        let dir = tempfile::tempdir().unwrap();
        let routines = dir.path().join("routines");
        std::fs::create_dir(&routines).unwrap();
        std::fs::write(routines.join("a.toml"), "x").unwrap();
        let changed = SystemTime::now() - std::time::Duration::from_secs(10);
        std::fs::File::open(&routines)
            .unwrap()
            .set_modified(changed)
            .unwrap();
        let mut stamp = FilesStamp::default();
        stamp.list(&routines, "toml", &mut Vec::new());
        let folder = &stamp.folders[0];
        // As if taken a moment after the folder changed.
        let just_after = changed + std::time::Duration::from_secs(1);
        folder.taken.set(just_after);
        assert!(folder.unchanged(false));
        assert!(
            folder.taken.get() > changed + RACY,
            "settled once listed the same"
        );
        folder.taken.set(just_after);
        std::fs::write(routines.join(".hidden-b.toml"), "y").unwrap();
        std::fs::File::open(&routines)
            .unwrap()
            .set_modified(changed)
            .unwrap();
        assert!(
            !folder.unchanged(false),
            "a name more, the folder's time as it was"
        );
        assert_eq!(
            folder.taken.get(),
            just_after,
            "not settled when it differs"
        );
    }
}
