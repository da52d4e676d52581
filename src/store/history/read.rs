//! Reading every history file, merging amendments and duplicates, skipping what cannot be read with a warning naming it.

use super::ahead::{Feed, Half, Plan, Shared, SourceLines, Spares, line_start_after};
use super::*;
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// How a whole history is read: on the calling thread, or also on the machine's other
/// cores, which parse the lines ahead of the caller (a file of 1 MiB or more, on a machine
/// with more than one core). Ahead is quicker by a third to a half at 100,000 sessions and
/// costs a few MiB while it reads: for a command someone waits for. The app reads on a
/// thread of its own behind the screen, and keeps its memory small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reading {
    #[default]
    Here,
    Ahead,
}

/// How much of each record to load. Summaries and tables don't need the steps, and leaving
/// them out makes reading a long history several times cheaper in time and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything, steps included.
    Full,
    /// Every field except `steps`, which is left empty.
    NoSteps,
    /// What figures need: no steps and no notes (left empty, amendments' notes too), so
    /// memory never grows with text nobody reads.
    Figures,
}

/// A record as read for [`Detail::NoSteps`]: the same fields as [`SessionRecord`] without
/// keeping `steps` — each step is still checked as the full reader checks it (its shape and
/// its times), without allocating anything for it, so every reader keeps the same lines.
#[derive(Deserialize)]
pub(crate) struct RecordNoSteps {
    #[serde(default)]
    steps: StepCheck,
    v: u32,
    id: String,
    kind: Kind,
    routine_id: String,
    title: String,
    area: String,
    #[serde(deserialize_with = "record::started_at")]
    started_at: Stamp,
    #[serde(deserialize_with = "record::ended_at")]
    ended_at: Stamp,
    planned_secs: f64,
    active_secs: f64,
    paused_secs: f64,
    outcome: Outcome,
    #[serde(default)]
    pain_before: Option<u8>,
    #[serde(default)]
    pain_after: Option<u8>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    migraine_before: bool,
}

/// The steps of a record read without them: only the first reason one of them cannot be
/// true, if any (see [`SessionRecord::implausible`]).
#[derive(Default)]
pub(crate) struct StepCheck(Option<String>);

/// One step as [`StepCheck`] reads it: the fields of a [`record::StepRecord`], with the title
/// checked to be text but not kept.
#[derive(Deserialize)]
struct StepShape {
    #[allow(dead_code)]
    title: AnyText,
    #[allow(dead_code)]
    #[serde(default)]
    side: Option<crate::model::routine::Side>,
    planned_secs: f64,
    active_secs: f64,
    #[allow(dead_code)]
    status: record::StepStatus,
}

/// A JSON string, read and dropped.
struct AnyText;

impl<'de> Deserialize<'de> for AnyText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = AnyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<AnyText, E> {
                Ok(AnyText)
            }
        }
        d.deserialize_str(Text)
    }
}

impl<'de> Deserialize<'de> for StepCheck {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Steps;
        impl<'de> serde::de::Visitor<'de> for Steps {
            type Value = StepCheck;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of steps")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StepCheck, A::Error> {
                let mut first = None;
                while let Some(step) = seq.next_element::<StepShape>()? {
                    if first.is_none() {
                        first = record::implausible_step(step.planned_secs, step.active_secs);
                    }
                }
                Ok(StepCheck(first))
            }
        }
        d.deserialize_seq(Steps)
    }
}

/// Why a history line is left out of every figure.
pub(crate) enum Refused {
    /// It cannot be read, or its numbers or dates cannot be true: skipped with a warning.
    Unreadable(String),
    /// It is dated in the future (a wrong clock): left out until then, and said.
    Future(String),
}

/// A record line as every reader takes it — the readers front to back, the home header's
/// and the nudge's backwards readers, and the writer's own check before it appends — or
/// why it is left out: one rule, so no figure counts what another refuses.
pub(crate) fn accept(
    text: &str,
    detail: Detail,
    future: Timestamp,
) -> Result<SessionRecord, Refused> {
    accept_reusing(text, detail, future, &mut Vec::new())
}

/// [`accept`], the record written over one of `spares` when it can be (see
/// [`super::fast::record_reusing`]).
pub(crate) fn accept_reusing(
    text: &str,
    detail: Detail,
    future: Timestamp,
    spares: &mut Vec<SessionRecord>,
) -> Result<SessionRecord, Refused> {
    let unreadable = |e: serde_json::Error| Refused::Unreadable(json_reason(&e));
    let (record, steps) = match detail {
        Detail::Full => (
            serde_json::from_str::<SessionRecord>(text).map_err(unreadable)?,
            None,
        ),
        Detail::NoSteps | Detail::Figures => {
            // The quick way takes only lines whose steps every reader accepts.
            if let Some(record) = super::fast::record_reusing(text, detail, spares) {
                return checked(record, None, future);
            }
            let mut r = serde_json::from_str::<RecordNoSteps>(text).map_err(unreadable)?;
            let steps = r.steps.0.take();
            (r.into(), steps)
        }
    };
    checked(record, steps, future)
}

/// `record` unless its numbers or dates cannot be true (or, `steps`, one of its steps'
/// that were not kept), or it is dated in the future.
fn checked(
    record: SessionRecord,
    steps: Option<String>,
    future: Timestamp,
) -> Result<SessionRecord, Refused> {
    if let Some(why) = record.implausible().or(steps) {
        return Err(Refused::Unreadable(why));
    }
    // A record dated after now (a wrong clock, a hand-edited line) would count as "this
    // week" for years: reported and left out.
    if record.started() > future {
        return Err(Refused::Future(format!(
            "starts in the future ({}); left out until then",
            record.started_at
        )));
    }
    if record.ended() > future {
        return Err(Refused::Future(format!(
            "ends in the future ({}); left out until then",
            record.ended_at
        )));
    }
    Ok(record)
}

impl From<RecordNoSteps> for SessionRecord {
    fn from(r: RecordNoSteps) -> Self {
        SessionRecord {
            v: r.v,
            id: r.id,
            kind: r.kind,
            routine_id: r.routine_id,
            title: r.title,
            area: r.area,
            started_at: r.started_at,
            ended_at: r.ended_at,
            planned_secs: r.planned_secs,
            active_secs: r.active_secs,
            paused_secs: r.paused_secs,
            outcome: r.outcome,
            steps: Vec::new(),
            pain_before: r.pain_before,
            pain_after: r.pain_after,
            note: r.note,
            migraine_before: r.migraine_before,
        }
    }
}

/// Just enough of a line to tell an amendment from a record.
#[derive(Deserialize)]
pub(crate) struct Probe {
    #[serde(default)]
    amends: Option<IgnoredAny>,
}

/// The text of a line taken as an amendment: a JSON object with the key `amends` (one
/// that cannot be read further is reported as an unreadable amendment). `None` for every
/// other line, which is left to the second pass.
pub(crate) fn amendment_text(line: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(line).ok()?;
    let probe = serde_json::from_str::<Probe>(text).ok()?;
    probe.amends.is_some().then_some(text)
}

/// An amendment as read: only `amends` is required, so hand-written ones load too.
#[derive(Deserialize)]
pub(crate) struct AmendmentLine {
    amends: String,
    /// When it was given: of two amendments of one field, the later one counts, whichever
    /// file holds it. One without a readable time counts as older than any with one.
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    pain_before: Option<u8>,
    #[serde(default)]
    pain_after: Option<u8>,
    #[serde(default)]
    note: Option<String>,
}

/// When an amendment was given, in seconds since 2000 (0 when it has no readable time): of
/// two amendments of one field the later counts, and of two given at the same second the
/// one read later. Four bytes, as one is kept for each amended field of every record.
pub(crate) type Order = u32;

fn order(at: Option<Timestamp>) -> Order {
    at.map_or(0, |t| {
        (t.as_second() - record::EARLIEST.as_second()).clamp(0, i64::from(u32::MAX)) as u32
    })
}

/// The amendments for one record, merged field by field in order of their time. Kept for
/// every amended record while a history is read, so it is packed into 32 bytes.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// Where its first amendment line starts in its file: the record id is read back from
    /// there for a warning, rather than kept for every amendment.
    first_offset: u64,
    /// (source, line) of that line.
    first_line: (u32, u32),
    before_order: Order,
    after_order: Order,
    pain_before: Option<u8>,
    pain_after: Option<u8>,
    applied: bool,
}

const _: () = assert!(std::mem::size_of::<Merged>() <= 32);

/// Takes `new`, given at `order`, into `field` unless what is there was given later.
fn later<T>(field: &mut Option<T>, at: &mut Order, new: Option<T>, order: Order) {
    if let Some(v) = new
        && (field.is_none() || *at <= order)
    {
        *field = Some(v);
        *at = order;
    }
}

/// Reads lines as bytes, at most [`MAX_LINE`] of each, counting them.
pub(crate) struct Lines<R> {
    inner: R,
    pub(crate) number: u64,
    /// Where the line last returned starts (bytes from the start of the reader).
    pub(crate) offset: u64,
    consumed: u64,
    /// Bytes of the line last lent by [`Lines::next_line`], given back to the reader at
    /// the next call.
    lent: usize,
}

pub(crate) enum Line {
    Text,
    TooLong,
}

/// A line as [`Lines::next_line`] lends it.
pub(crate) struct LineRef<'s> {
    pub(crate) kind: Line,
    /// Its 1-based number, and where it starts in the file.
    pub(crate) number: u64,
    pub(crate) offset: u64,
    /// Empty when it is too long.
    pub(crate) bytes: &'s [u8],
    /// The line and what follows it in the reader's buffer (just the line when it was
    /// copied): what a search for something rare can look through at once.
    pub(crate) window: &'s [u8],
}

/// Finds which lines hold a rare marker (`"amends"`) by searching the reader's buffer
/// ahead of the line, not each line on its own: on a long history nearly every line is
/// passed over without a search.
pub(crate) struct Marker {
    finder: memmem::Finder<'static>,
    /// Every occurrence that starts before this offset is known ...
    searched: u64,
    /// ... and this is the first of them not yet passed.
    next: Option<u64>,
}

impl Marker {
    pub(crate) fn new(needle: &'static [u8]) -> Marker {
        Marker {
            finder: memmem::Finder::new(needle),
            searched: 0,
            next: None,
        }
    }

    /// Whether `line` holds the marker. Lines must come in order.
    pub(crate) fn in_line(&mut self, line: &LineRef<'_>) -> bool {
        let start = line.offset;
        let end = start + line.bytes.len() as u64;
        if self.searched < end {
            let found = self.finder.find(line.window);
            self.next = found.map(|i| start + i as u64);
            self.searched = match found {
                Some(i) => start + i as u64 + 1,
                // Past a copied line, nothing is known; at the end of the buffer, an
                // occurrence cut in two is found by the next search.
                None if line.window.len() == line.bytes.len() => end,
                None => {
                    let cut = self.finder.needle().len() as u64 - 1;
                    (start + line.window.len() as u64).saturating_sub(cut)
                }
            };
        }
        self.next.is_some_and(|at| (start..end).contains(&at))
    }
}

/// A byte order mark: what some editors (Notepad, some merge tools) put at the start of a
/// file. Never part of a line knotless wrote, so it is passed over where a line starts.
const BOM: &[u8] = b"\xef\xbb\xbf";

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lines {
            inner,
            number: 0,
            offset: 0,
            consumed: 0,
            lent: 0,
        }
    }

    /// The next line (without its newline, or a byte order mark it starts with): lent
    /// straight from the reader's buffer when it is all there, which is nearly always, else
    /// copied into `buf`. `None` at the end.
    pub(crate) fn next_line<'s>(
        &'s mut self,
        buf: &'s mut Vec<u8>,
    ) -> io::Result<Option<LineRef<'s>>> {
        self.inner.consume(std::mem::take(&mut self.lent));
        let whole = loop {
            match self.inner.fill_buf() {
                Ok(chunk) => break memchr::memchr(b'\n', chunk),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let kind = match whole {
            Some(end) => {
                self.offset = self.consumed;
                self.consumed += end as u64 + 1;
                self.lent = end + 1;
                self.number += 1;
                Line::Text
            }
            None => match self.next_into(buf)? {
                Some(kind) => kind,
                None => return Ok(None),
            },
        };
        let (mut bytes, mut window) = match whole {
            // The buffer is filled already: this only hands it out again.
            Some(end) => {
                let chunk = self.inner.fill_buf()?;
                (&chunk[..end], chunk)
            }
            None => (&buf[..], &buf[..]),
        };
        if whole.is_some() && bytes.starts_with(BOM) {
            bytes = &bytes[BOM.len()..];
            window = &window[BOM.len()..];
            self.offset += BOM.len() as u64;
        }
        Ok(Some(LineRef {
            kind,
            number: self.number,
            offset: self.offset,
            bytes,
            window,
        }))
    }

    /// The next line (without its newline, or a byte order mark it starts with) into `buf`;
    /// `None` at the end.
    pub(crate) fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Line>> {
        buf.clear();
        self.offset = self.consumed;
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (part, found) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (&chunk[..i], Some(i + 1)),
                None => (chunk, None),
            };
            if !too_long {
                if buf.len() + part.len() > MAX_LINE {
                    too_long = true;
                    buf.clear();
                } else {
                    buf.extend_from_slice(part);
                }
            }
            let used = found.unwrap_or(chunk.len());
            self.inner.consume(used);
            self.consumed += used as u64;
            if found.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if buf.starts_with(BOM) {
            buf.drain(..BOM.len());
            self.offset += BOM.len() as u64;
        }
        self.number += 1;
        Ok(Some(if too_long { Line::TooLong } else { Line::Text }))
    }
}

pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// serde_json's messages end in "at line 1 column 17", which reads wrong next to our own
/// line number; say "column 17" instead, and name the usual cause of a cut-off line.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    match e.classify() {
        serde_json::error::Category::Eof => "the line is cut off (an interrupted write?)".into(),
        serde_json::error::Category::Syntax => format!("not JSON: {text} (column {})", e.column()),
        _ => text,
    }
}

pub(crate) fn check_pain(
    value: &mut Option<u8>,
    field: &str,
    (file, line): (&str, u64),
    warnings: &mut Vec<Warning>,
) {
    if let Some(p) = *value
        && p > 10
    {
        warnings.push(line_warning(
            WarningKind::Ignored,
            file,
            line,
            format!("{field} {p} is outside 0-10; the rating is ignored"),
        ));
        *value = None;
    }
}

/// At most this many amendments for unknown records are named one by one in warnings.
pub(crate) const MAX_UNKNOWN_NAMED: usize = 100;

/// The record id an amendment line (starting at `offset` in `path`) is for, read back
/// from the file.
pub(crate) fn amended_id(path: &Path, offset: u64) -> Option<String> {
    let mut file = safe_file::open_regular(path).ok()?;
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut lines = Lines::new(BufReader::new(file.take(MAX_LINE as u64 + 1)));
    let mut buf = Vec::new();
    lines.next_into(&mut buf).ok()??;
    serde_json::from_slice::<AmendmentLine>(&buf)
        .ok()
        .map(|a| a.amends)
}

/// The id of the record on a line, as the second pass will read it if it reads the line
/// at all: straight from the bytes for a line as knotless writes it (`{"v":1,"id":"…"`),
/// else by parsing the line for its id alone. `None` for a line that cannot hold a record.
pub(crate) fn record_id(line: &[u8]) -> Option<Cow<'_, [u8]>> {
    if let Some(rest) = line.strip_prefix(b"{\"v\":") {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if let Some(id) = rest[digits..].strip_prefix(b",\"id\":\"")
            && let Some(end) = id.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            && id[end] == b'"'
        {
            return Some(Cow::Borrowed(&id[..end]));
        }
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let text = std::str::from_utf8(line).ok()?;
    let id = serde_json::from_str::<Id>(text).ok()?.id;
    Some(Cow::Owned(id.into_bytes()))
}

/// 32 bits of a record id's hash (FNV-1a: a few instructions a byte): the first pass
/// notes one for every line, and only the ids whose fingerprint turns up twice can be a
/// record seen twice. A collision costs only an exact look (see [`id_key`]).
pub(crate) fn fingerprint(id: &[u8]) -> u32 {
    fold(id_hash(id))
}

/// The 32 bits of an [`id_hash`] that make its [`fingerprint`].
fn fold(hash: u64) -> u32 {
    (hash ^ (hash >> 32)) as u32
}

/// The 64-bit FNV-1a hash of a record id that [`fingerprint`] folds.
fn id_hash(id: &[u8]) -> u64 {
    id.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A 128-bit digest of a record id, from two independent fixed-key SipHash passes.
pub(crate) fn id_key(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0x6b6e_6f74_6c65_7373_u64.hash(&mut b);
    id.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// The first pass over `lines`: a fingerprint of each record line's id into `prints` (and
/// its start into `check`), and the lines holding the key `"amends"` to `amendment`,
/// which takes those that are amendments (true). Only lines containing that key can be
/// one, and a substring search (see [`Marker`]) passes every other line without parsing
/// it. How many lines there were.
pub(super) fn first_pass_lines(
    mut lines: Lines<impl BufRead>,
    prints: &mut Vec<u32>,
    mut check: Option<&mut TimeCheck>,
    amendment: &mut impl FnMut(&LineRef<'_>) -> bool,
) -> io::Result<u64> {
    let mut amends = Marker::new(b"\"amends\"");
    let mut buf = Vec::new();
    while let Some(line) = lines.next_line(&mut buf)? {
        if !matches!(line.kind, Line::Text) {
            continue;
        }
        if amends.in_line(&line) && amendment(&line) {
            continue;
        }
        if let Some(id) = record_id(line.bytes) {
            let hash = id_hash(&id);
            prints.push(fold(hash));
            if let Some(check) = check.as_deref_mut() {
                check.note(hash, line.bytes);
            }
        }
    }
    Ok(lines.number)
}

/// One history file as it was when [`Records::open`] looked at it.
pub(crate) struct Source {
    path: PathBuf,
    file: Option<File>,
    len: u64,
    /// The second pass over it, once begun (until its end).
    feed: Option<Feed>,
    /// Its name for warnings, and the lines the first pass took as amendments.
    lines: Arc<SourceLines>,
}

/// The records of every history file in `<data>` (see [`history_files`]: the older single
/// `history.jsonl`, each machine's own file, sync conflict copies), file after file in
/// file order, with amendments merged — from whichever file they are in, the later `at`
/// counting — and duplicates (the same id twice: a recovery, a conflict copy, a file copied
/// by hand) dropped by meaning: a final record counts over one a recovery logged as
/// interrupted, else the first copy. Interrupted records come last, once every file is read. Lines that cannot be read are skipped and reported
/// through [`Records::warnings`] once the iterator is exhausted. The files are read as they
/// were when [`Records::open`] was called: lines appended meanwhile are not seen.
///
/// Memory: the amendments and one id per record, never the whole file.
pub struct Records {
    sources: Vec<Source>,
    /// The source being read in the second pass.
    current: usize,
    /// What the second pass reads each line with, once the first is done.
    pub(super) shared: Arc<Shared>,
    plan: Plan,
    /// By [`id_key`] of the record they amend: 16 bytes a key, whatever the id.
    amendments: HashMap<u128, Merged>,
    /// The latest amendment note for each record, kept apart (and not at all for
    /// [`Detail::Figures`]).
    notes: HashMap<u128, (String, Order)>,
    /// The lines of the source being opened that the first pass took as amendments.
    amendment_lines: Vec<u64>,
    /// Why each unreadable amendment line of that source could not be read.
    bad_amendments: HashMap<u64, String>,
    /// The fingerprints of the ids amendments are for, as the first pass finds them (then
    /// sorted into [`Shared::amended`]): only a record with one of these can have an
    /// amendment to merge.
    amended: Vec<u32>,
    /// The ids among those already given out, as 128-bit hashes (a collision is out of
    /// reach: about 2^-64 at a billion records).
    seen: HashSet<u128>,
    /// Records logged as interrupted (by a recovery), held back until every file is read: a
    /// final record of the same session, in any file, counts instead.
    held: Vec<(Option<u128>, SessionRecord)>,
    held_ids: HashSet<u128>,
    /// Giving out the held records, once every file is read.
    releasing: Option<std::vec::IntoIter<(Option<u128>, SessionRecord)>>,
    /// With the index of the source each is about, for sorting at the end.
    warnings: Vec<(usize, Warning)>,
    sorted: Vec<Warning>,
    finished: bool,
    /// Reading every file at once, oldest record first (see [`Records::open_by_time`]).
    by_time: Option<ByTime>,
}

impl Records {
    /// Opens every history file (none at all is an empty history) and reads their
    /// amendments.
    pub fn open(data_dir: &Path, detail: Detail) -> Result<Records, HistoryError> {
        Records::open_read(data_dir, detail, false, Reading::Here)
    }

    /// [`Records::open`], giving the same records out oldest first across every file when
    /// it can while holding one record a file: when each file's records are in the order
    /// they started (as a file knotless appends to is, but for a session recovered or
    /// logged afterwards) and every copy of a record starts when the others do. Records
    /// starting together come as a stable sort of [`Records::open`]'s order by start would
    /// put them. When it cannot, it gives them out in [`Records::open`]'s order:
    /// [`Records::by_time`] says which.
    pub fn open_by_time(data_dir: &Path, detail: Detail) -> Result<Records, HistoryError> {
        Records::open_read(data_dir, detail, true, Reading::Here)
    }

    /// [`Records::open`], or [`Records::open_by_time`] when `by_time`, read as `reading`
    /// says (both passes).
    pub fn open_read(
        data_dir: &Path,
        detail: Detail,
        by_time: bool,
        reading: Reading,
    ) -> Result<Records, HistoryError> {
        let check = by_time.then(TimeCheck::default);
        match reading {
            Reading::Here => Records::open_planned(data_dir, detail, check, |_| Plan::here()),
            Reading::Ahead => Records::open_planned(data_dir, detail, check, Plan::for_machine),
        }
    }

    /// Whether the records come oldest first (see [`Records::open_by_time`]).
    pub fn by_time(&self) -> bool {
        self.by_time.is_some()
    }

    /// Where records are given back once used, for the next ones to be written over
    /// (their strings keep their room): a reader of a long history that has no more use
    /// for each record hands it back instead of dropping it.
    pub fn give_back(&self) -> GiveBack {
        GiveBack {
            shared: self.shared.clone(),
            held: RefCell::new(Vec::new()),
        }
    }

    /// Reads with `plan(files read at once)`: the first pass over a file as long as its
    /// `from` is read a block ahead, and the second as the plan says (every file is read
    /// at once when oldest first, one after another otherwise).
    pub(super) fn open_planned(
        data_dir: &Path,
        detail: Detail,
        mut check: Option<TimeCheck>,
        plan: impl Fn(usize) -> Plan,
    ) -> Result<Records, HistoryError> {
        let paths = history_files(data_dir).map_err(|source| HistoryError::Read {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let future = Timestamp::now() + FUTURE_SLACK;
        let mut records = Records {
            sources: Vec::with_capacity(paths.len()),
            current: 0,
            shared: Arc::new(Shared {
                detail,
                future,
                repeated: Vec::new(),
                amended: Vec::new(),
                spares: Spares::default(),
            }),
            plan: plan(1),
            amendments: HashMap::new(),
            notes: HashMap::new(),
            amendment_lines: Vec::new(),
            bad_amendments: HashMap::new(),
            amended: Vec::new(),
            seen: HashSet::new(),
            held: Vec::new(),
            held_ids: HashSet::new(),
            releasing: None,
            warnings: Vec::new(),
            sorted: Vec::new(),
            finished: false,
            by_time: None,
        };
        // Four bytes a record, for the time of the first pass: what lets the second keep
        // nothing for the records that have no twin.
        let mut prints = Vec::new();
        for path in paths {
            let fail = |source| HistoryError::Read {
                path: path.clone(),
                source,
            };
            let file = match safe_file::open_regular(&path) {
                Ok(f) => f,
                // Renamed or removed since the listing (a sync tool at work).
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                // A FIFO, a device or a folder is never read (it would hang, or never end):
                // `open_regular` refuses it at once, and the error says what it is.
                Err(e) => return Err(fail(e)),
            };
            let len = file.metadata().map_err(fail)?.len();
            let index = records.sources.len();
            if let Some(check) = check.as_mut() {
                check.last = None;
            }
            records
                .first_pass(
                    index,
                    &file,
                    (len, &file_label(&path)),
                    &mut prints,
                    check.as_mut(),
                )
                .map_err(fail)?;
            records.sources.push(Source {
                lines: Arc::new(SourceLines {
                    label: file_label(&path),
                    amendments: std::mem::take(&mut records.amendment_lines),
                    bad_amendments: std::mem::take(&mut records.bad_amendments),
                }),
                path,
                file: Some(file),
                len,
                feed: None,
            });
        }
        let mut amended = std::mem::take(&mut records.amended);
        amended.sort_unstable();
        amended.dedup();
        prints.sort_unstable();
        let repeated = prints
            .chunk_by(|a, b| a == b)
            .filter(|run| run.len() > 1)
            .map(|run| run[0])
            .collect();
        records.shared = Arc::new(Shared {
            detail,
            future,
            repeated,
            amended,
            spares: Spares::default(),
        });
        if check.is_some_and(|check| check.passed(&records.shared.repeated)) {
            records.by_time = Some(ByTime {
                next: BinaryHeap::with_capacity(records.sources.len()),
                wanting: (0..records.sources.len()).rev().collect(),
            });
        }
        if records.by_time.is_some() {
            records.plan = plan(records.sources.len());
        }
        if records.sources.is_empty() {
            records.finish();
        }
        Ok(records)
    }

    /// Collects the amendments of one file, and a fingerprint of each other line's record
    /// id into `prints` (see [`first_pass_lines`]).
    fn first_pass(
        &mut self,
        index: usize,
        file: &File,
        (len, label): (u64, &str),
        prints: &mut Vec<u32>,
        mut check: Option<&mut TimeCheck>,
    ) -> io::Result<()> {
        // Read in two halves at once when there is a core for each.
        if len >= self.plan.from
            && self.plan.workers > 1
            && self.first_pass_halves(index, file, (len, label), prints, check.as_deref_mut())?
        {
            return Ok(());
        }
        let lines = Lines::new(self.plan.first_reader(file, len));
        first_pass_lines(lines, prints, check, &mut |line| {
            self.amendment(index, label, line)
        })
        .map(|_| ())
    }

    /// The first pass with the file's second half (from the first line starting past its
    /// middle) read on a thread of its own, which keeps the amendments for this thread to
    /// take, in order, once the first half is read (and checks the order of its half's
    /// records, for `check` to take after the first half's). False, with nothing read, when
    /// the file cannot be split or no thread can be had.
    fn first_pass_halves(
        &mut self,
        index: usize,
        file: &File,
        (len, label): (u64, &str),
        prints: &mut Vec<u32>,
        mut check: Option<&mut TimeCheck>,
    ) -> io::Result<bool> {
        // (A file grown since it was measured can have its line end past `len`.)
        let Some(mid) = line_start_after(file, len / 2)?.filter(|&mid| mid < len) else {
            return Ok(false);
        };
        let Some(second) = Half::start(file, mid..len, check.is_some()) else {
            return Ok(false);
        };
        let first = first_pass_lines(
            Lines::new(self.plan.first_half_reader(file, mid)),
            prints,
            check.as_deref_mut(),
            &mut |line| self.amendment(index, label, line),
        );
        let second = second.join();
        let lines = first?;
        let second = second?;
        prints.extend(second.prints);
        if let (Some(check), Some(later)) = (check, second.check) {
            check.append(later);
        }
        for (number, offset, text) in second.amendments {
            self.read_amendment(index, label, (lines + number, mid + offset), &text);
        }
        Ok(true)
    }

    /// Takes the line as an amendment if it is one (true; see [`amendment_text`]).
    fn amendment(&mut self, index: usize, label: &str, line: &LineRef<'_>) -> bool {
        // Not an amendment after all (or not JSON): the second pass reports it.
        let Some(text) = amendment_text(line.bytes) else {
            return false;
        };
        self.read_amendment(index, label, (line.number, line.offset), text);
        true
    }

    /// Reads the amendment `text`, line `n` of source `index`, starting at `offset`.
    fn read_amendment(&mut self, index: usize, label: &str, (n, offset): (u64, u64), text: &str) {
        match serde_json::from_str::<AmendmentLine>(text) {
            Ok(a) => self.take_amendment(a, (index, n), offset, label),
            Err(e) => {
                self.amendment_lines.push(n);
                self.bad_amendments
                    .insert(n, format!("amendment: {}", json_reason(&e)));
            }
        }
    }

    /// Merges one amendment line (at `(index, n)`, starting at `offset` in its file).
    fn take_amendment(
        &mut self,
        mut a: AmendmentLine,
        (index, n): (usize, u64),
        offset: u64,
        label: &str,
    ) {
        self.amendment_lines.push(n);
        let at =
            a.at.as_deref()
                .and_then(Stamp::parse)
                .map(|s| s.timestamp());
        if let Some(t) = at
            && t > self.shared.future
        {
            let w = line_warning(
                WarningKind::Ignored,
                label,
                n,
                format!("an amendment given in the future ({t}); left out until then"),
            );
            self.warnings.push((index, w));
            return;
        }
        let mut w = Vec::new();
        check_pain(&mut a.pain_before, "pain_before", (label, n), &mut w);
        check_pain(&mut a.pain_after, "pain_after", (label, n), &mut w);
        self.warnings.extend(w.into_iter().map(|w| (index, w)));
        let when = order(at);
        self.amended.push(fingerprint(a.amends.as_bytes()));
        let key = id_key(&a.amends);
        let m = self.amendments.entry(key).or_insert_with(|| Merged {
            first_line: (index as u32, n.min(u64::from(u32::MAX)) as u32),
            first_offset: offset,
            ..Merged::default()
        });
        later(&mut m.pain_before, &mut m.before_order, a.pain_before, when);
        later(&mut m.pain_after, &mut m.after_order, a.pain_after, when);
        if self.shared.detail != Detail::Figures {
            let (mut note, mut note_at) = match self.notes.remove(&key) {
                Some((n, o)) => (Some(n), o),
                None => (None, 0),
            };
            later(&mut note, &mut note_at, a.note, when);
            if let Some(note) = note {
                self.notes.insert(key, (note, note_at));
            }
        }
    }

    /// Everything skipped so far. Complete, and in file and line order, once the iterator
    /// has returned `None` (amendments for unknown records are only known then).
    pub fn warnings(&self) -> &[Warning] {
        &self.sorted
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.sorted
    }

    fn finish(&mut self) {
        self.finished = true;
        for source in &mut self.sources {
            source.feed = None;
        }
        let mut unknown: Vec<(usize, u64, u64)> = self
            .amendments
            .values()
            .filter(|m| !m.applied)
            .map(|m| {
                let (index, line) = m.first_line;
                (index as usize, u64::from(line), m.first_offset)
            })
            .collect();
        unknown.sort_unstable();
        let more = unknown.len().saturating_sub(MAX_UNKNOWN_NAMED);
        let mut named: Vec<(usize, Warning)> = unknown
            .iter()
            .take(MAX_UNKNOWN_NAMED)
            .map(|&(index, line, offset)| {
                let source = &self.sources[index];
                let what = match amended_id(&source.path, offset) {
                    Some(id) => format!("{id:?}"),
                    None => "(unreadable now)".to_string(),
                };
                (
                    index,
                    line_warning(
                        WarningKind::Ignored,
                        &source.lines.label,
                        line,
                        format!("amendment for unknown record {what} ignored"),
                    ),
                )
            })
            .collect();
        if more > 0 {
            let (index, _, _) = unknown[MAX_UNKNOWN_NAMED];
            named.push((
                self.sources.len(),
                Warning {
                    kind: WarningKind::Ignored,
                    file: self.sources[index].lines.label.clone(),
                    line: None,
                    message: format!("{more} more amendments for unknown records ignored"),
                },
            ));
        }
        let unknown = named;
        self.warnings.extend(unknown);
        self.warnings.sort_by_key(|(index, w)| (*index, w.line));
        self.sorted = std::mem::take(&mut self.warnings)
            .into_iter()
            .map(|(_, w)| w)
            .collect();
    }

    /// Begins the second pass over source `index` unless it has begun; false once it has
    /// been read to its end.
    fn open_source(&mut self, index: usize) -> Result<bool, HistoryError> {
        let source = &mut self.sources[index];
        if source.feed.is_some() {
            return Ok(true);
        }
        let Some(mut file) = source.file.take() else {
            return Ok(false);
        };
        file.seek(SeekFrom::Start(0))
            .map_err(|e| HistoryError::Read {
                path: source.path.clone(),
                source: e,
            })?;
        source.feed = Some(Feed::start(
            file,
            source.len,
            &self.shared,
            &source.lines,
            &self.plan,
        ));
        Ok(true)
    }

    /// The next record of source `index` that is not an amendment, skipped or blank;
    /// `None` at the end of the source.
    fn next_candidate(&mut self, index: usize) -> Result<Option<Candidate>, HistoryError> {
        if !self.open_source(index)? {
            return Ok(None);
        }
        self.current = index;
        let source = &mut self.sources[index];
        let Some(feed) = source.feed.as_mut() else {
            return Ok(None);
        };
        loop {
            match feed.next(&self.shared) {
                Ok(Some(out)) => {
                    self.warnings
                        .extend(out.warnings.into_iter().map(|w| (index, w)));
                    if let Some(candidate) = out.candidate {
                        return Ok(Some(candidate));
                    }
                }
                Ok(None) => {
                    source.feed = None;
                    return Ok(None);
                }
                Err(e) => {
                    source.feed = None;
                    return Err(HistoryError::Read {
                        path: source.path.clone(),
                        source: e,
                    });
                }
            }
        }
    }

    /// The next record in file order: file after file, then the held ones.
    fn next_in_file_order(&mut self) -> Option<Result<SessionRecord, HistoryError>> {
        while self.current < self.sources.len() {
            match self.next_candidate(self.current) {
                Ok(Some(candidate)) => {
                    if let Some(record) = self.admit(candidate) {
                        return Some(Ok(record));
                    }
                }
                // This source is done: on to the next.
                Ok(None) => self.current += 1,
                Err(e) => {
                    self.finish();
                    return Some(Err(e));
                }
            }
        }
        if let Some(r) = self.release() {
            return Some(Ok(r));
        }
        self.finish();
        None
    }

    /// The next record oldest first, every file read at once (see [`Records::open_by_time`]).
    fn next_by_time(&mut self) -> Option<Result<SessionRecord, HistoryError>> {
        let mut queue = self.by_time.take()?;
        let next = self.next_queued(&mut queue);
        self.by_time = Some(queue);
        if !matches!(next, Some(Ok(_))) {
            self.finish();
        }
        next
    }

    fn next_queued(&mut self, queue: &mut ByTime) -> Option<Result<SessionRecord, HistoryError>> {
        'next: loop {
            // Every file with records left has its next one not interrupted queued, and
            // the interrupted ones before it: nothing unread can start before what is
            // taken from the queue.
            while let Some(index) = queue.wanting.pop() {
                loop {
                    let candidate = match self.next_candidate(index) {
                        Ok(Some(candidate)) => candidate,
                        Ok(None) => break,
                        Err(e) => return Some(Err(e)),
                    };
                    let held = candidate.record.outcome == Outcome::Interrupted;
                    // Nothing queued and no other file with records left (the usual case
                    // with one file): this one is what the queue would give out next.
                    if !held && queue.next.is_empty() && queue.wanting.is_empty() {
                        queue.wanting.push(index);
                        if candidate.twin.is_some_and(|k| !self.seen.insert(k)) {
                            continue 'next;
                        }
                        return Some(Ok(self.amended(candidate.key, candidate.record)));
                    }
                    let order = (candidate.record.started(), held, index, candidate.line);
                    queue.next.push(Reverse(Queued { order, candidate }));
                    if !held {
                        break;
                    }
                }
            }
            let Reverse(Queued { order, candidate }) = queue.next.pop()?;
            let (_, held, index, _) = order;
            if !held {
                queue.wanting.push(index);
            }
            // Every copy of a record starts at the same time (or this way is not taken), so
            // the copy given out is the one file order gives: the first final one, else the
            // first interrupted one.
            if candidate.twin.is_some_and(|k| !self.seen.insert(k)) {
                continue;
            }
            return Some(Ok(self.amended(candidate.key, candidate.record)));
        }
    }
}

impl Iterator for Records {
    type Item = Result<SessionRecord, HistoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            None
        } else if self.by_time.is_some() {
            self.next_by_time()
        } else {
            self.next_in_file_order()
        }
    }
}

/// A record read in the second pass, before it is given out (or not).
pub(crate) struct Candidate {
    pub(crate) record: SessionRecord,
    /// The number of its line in its file.
    pub(crate) line: u64,
    /// Its [`id_key`], when an amendment may be for it or another line may have its id.
    pub(crate) key: Option<u128>,
    /// The same, only when another line may have its id.
    pub(crate) twin: Option<u128>,
}

/// The records read and not given out yet, when every file is read at once.
struct ByTime {
    /// The next record not interrupted of each file that has one, and the interrupted ones
    /// read so far: oldest first, and of records starting together as a stable sort of file
    /// order would put them (final records before interrupted ones, then by file and line).
    next: BinaryHeap<Reverse<Queued>>,
    /// The files whose next record is not in `next` (until their end).
    wanting: Vec<usize>,
}

struct Queued {
    /// (start, interrupted, file, line).
    order: (Timestamp, bool, usize, u64),
    candidate: Candidate,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order.cmp(&other.order)
    }
}

/// What the first pass notes to tell whether every file can be read at once, oldest
/// record first, holding one record a file (see [`Records::open_by_time`]).
#[derive(Default)]
pub(super) struct TimeCheck {
    /// Each record line's id hash and start (as nanoseconds: exact for every start a
    /// record may have, 2000 until now).
    starts: Vec<(u64, u64)>,
    /// The start of the last record line of the file being read ...
    last: Option<Timestamp>,
    /// ... and of the first record line noted.
    first: Option<Timestamp>,
    out_of_order: bool,
}

impl TimeCheck {
    /// Notes the start of the record line `line`, whose id has [`id_hash`] `hash`.
    fn note(&mut self, hash: u64, line: &[u8]) {
        // A line without a start time the fast way or serde can read is never a record.
        // (Taking the start of a line that is not one after all only makes this stricter.)
        let Some(start) = super::fast::started_in(line) else {
            return;
        };
        if self.last.is_some_and(|last| start < last) {
            self.out_of_order = true;
        }
        self.last = Some(start);
        self.first.get_or_insert(start);
        self.starts.push((hash, start.as_nanosecond() as u64));
    }

    /// Takes what `later` noted of the lines after those this noted in the same file, as
    /// if this had noted them.
    pub(super) fn append(&mut self, later: TimeCheck) {
        if let (Some(last), Some(first)) = (self.last, later.first)
            && first < last
        {
            self.out_of_order = true;
        }
        self.out_of_order |= later.out_of_order;
        self.starts.extend(later.starts);
        self.last = later.last.or(self.last);
        self.first = self.first.or(later.first);
    }

    /// Whether each file's records are in the order they started and every copy of a
    /// record starts at the same time. `repeated`: the fingerprints more than one line has,
    /// sorted — only a record whose id has one of them can have a copy.
    fn passed(mut self, repeated: &[u32]) -> bool {
        if self.out_of_order {
            return false;
        }
        self.starts
            .retain(|&(hash, _)| repeated.binary_search(&fold(hash)).is_ok());
        self.starts.sort_unstable();
        self.starts.dedup();
        self.starts.windows(2).all(|w| w[0].0 != w[1].0)
    }
}

impl Records {
    /// The record read in file order if it is given out now. The same record twice is what
    /// a recovery, a sync conflict copy or a file copied by hand leaves behind. The final
    /// record counts over one logged as interrupted by a recovery, whichever file holds
    /// which; otherwise the first.
    fn admit(&mut self, c: Candidate) -> Option<SessionRecord> {
        if c.twin.is_some_and(|k| self.seen.contains(&k)) {
            return None;
        }
        if c.record.outcome == Outcome::Interrupted {
            if c.twin.is_none_or(|k| self.held_ids.insert(k)) {
                self.held.push((c.key, c.record));
            }
            return None;
        }
        if let Some(k) = c.twin {
            self.seen.insert(k);
        }
        Some(self.amended(c.key, c.record))
    }

    /// The next interrupted record no final record replaced, once every file is read.
    fn release(&mut self) -> Option<SessionRecord> {
        let held = std::mem::take(&mut self.held);
        let releasing = self.releasing.get_or_insert_with(|| held.into_iter());
        for (key, record) in releasing.by_ref() {
            // Given out already, or replaced by a final record: only a record with a twin
            // can be (a held record with no key has no twin and no amendment).
            let taken = key.is_some_and(|k| {
                self.shared
                    .repeated
                    .binary_search(&fingerprint(record.id.as_bytes()))
                    .is_ok()
                    && !self.seen.insert(k)
            });
            if !taken {
                return Some(self.amended(key, record));
            }
        }
        None
    }

    /// `record` with its amendments merged in (`key`: its [`id_key`], when it may have any).
    fn amended(&mut self, key: Option<u128>, mut record: SessionRecord) -> SessionRecord {
        if self.shared.detail == Detail::Figures {
            record.note = None;
        }
        if let Some(key) = key
            && let Some(m) = self.amendments.get_mut(&key)
        {
            m.applied = true;
            if m.pain_before.is_some() {
                record.pain_before = m.pain_before;
            }
            if m.pain_after.is_some() {
                record.pain_after = m.pain_after;
            }
            if let Some((note, _)) = self.notes.get(&key) {
                record.note = Some(note.clone());
            }
        }
        record
    }
}

/// Records given back to the [`Records`] that read them (see [`Records::give_back`]).
pub struct GiveBack {
    shared: Arc<Shared>,
    /// Handed over to the readers this many at a time.
    held: RefCell<Vec<SessionRecord>>,
}

/// How many records [`GiveBack`] gathers before handing them over.
pub(super) const GIVEN_AT_ONCE: usize = 64;

/// A record whose strings hold more room than this is not kept to be written over: a file
/// of long notes must not leave a thousand of them held.
pub(super) const SPARE_ROOM: usize = 2048;

impl GiveBack {
    /// Gives `record` back.
    pub fn give(&self, record: SessionRecord) {
        // Records with their steps are not written over (serde reads them): kept, they
        // would only hold memory.
        if self.shared.detail == Detail::Full {
            return;
        }
        let texts = [&record.id, &record.routine_id, &record.title, &record.area];
        let note = record.note.as_ref().map_or(0, String::capacity);
        if texts.iter().map(|t| t.capacity()).sum::<usize>() + note > SPARE_ROOM {
            return;
        }
        let mut held = self.held.borrow_mut();
        held.push(record);
        if held.len() >= GIVEN_AT_ONCE {
            self.shared.spares.give(&mut held);
        }
    }

    /// `record`, given back when it is dropped.
    pub fn lend(&self, record: SessionRecord) -> Lent<'_> {
        Lent {
            record: Some(record),
            back: self,
        }
    }
}

/// A record that goes back to its [`GiveBack`] when dropped.
pub struct Lent<'a> {
    record: Option<SessionRecord>,
    back: &'a GiveBack,
}

impl std::ops::Deref for Lent<'_> {
    type Target = SessionRecord;

    fn deref(&self) -> &SessionRecord {
        self.record
            .as_ref()
            .expect("a lent record is there until it is dropped")
    }
}

impl std::borrow::Borrow<SessionRecord> for Lent<'_> {
    fn borrow(&self) -> &SessionRecord {
        self
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        if let Some(record) = self.record.take() {
            self.back.give(record);
        }
    }
}

/// A whole history read into memory (use [`Records`] or [`for_each`] to stream instead).
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<SessionRecord>,
    pub warnings: Vec<Warning>,
}

/// Reads every record (in file order) into memory.
pub fn load(data_dir: &Path, detail: Detail) -> Result<Loaded, HistoryError> {
    load_filtered(data_dir, detail, |_| true)
}

/// Reads the records `keep` accepts (in file order) into memory.
pub fn load_filtered(
    data_dir: &Path,
    detail: Detail,
    mut keep: impl FnMut(&SessionRecord) -> bool,
) -> Result<Loaded, HistoryError> {
    let mut records = Vec::new();
    let warnings = for_each(data_dir, detail, |r| {
        if keep(&r) {
            records.push(r);
        }
    })?;
    Ok(Loaded { records, warnings })
}

/// Streams every record (in file order) to `visit`, holding one at a time; returns the
/// warnings. This is the way to summarise a long history in bounded memory.
pub fn for_each(
    data_dir: &Path,
    detail: Detail,
    mut visit: impl FnMut(SessionRecord),
) -> Result<Vec<Warning>, HistoryError> {
    let mut records = Records::open(data_dir, detail)?;
    for r in records.by_ref() {
        visit(r?);
    }
    Ok(records.into_warnings())
}

/// [`for_each`], read as `reading` says, each record lent to `visit` (and then given back
/// to be written over: see [`Records::give_back`]).
pub fn for_each_read(
    data_dir: &Path,
    detail: Detail,
    reading: Reading,
    mut visit: impl FnMut(&SessionRecord),
) -> Result<Vec<Warning>, HistoryError> {
    let mut records = Records::open_read(data_dir, detail, false, reading)?;
    let back = records.give_back();
    for r in records.by_ref() {
        let r = r?;
        visit(&r);
        back.give(r);
    }
    Ok(records.into_warnings())
}
