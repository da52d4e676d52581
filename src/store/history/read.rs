//! Reading every history file, merging amendments and duplicates, skipping what cannot be read with a warning naming it.

use super::*;

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
    let unreadable = |e: serde_json::Error| Refused::Unreadable(json_reason(&e));
    let (record, steps) = match detail {
        Detail::Full => (
            serde_json::from_str::<SessionRecord>(text).map_err(unreadable)?,
            None,
        ),
        Detail::NoSteps | Detail::Figures => {
            let mut r = serde_json::from_str::<RecordNoSteps>(text).map_err(unreadable)?;
            let steps = r.steps.0.take();
            (r.into(), steps)
        }
    };
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
}

pub(crate) enum Line {
    Text,
    TooLong,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(inner: R) -> Self {
        Lines {
            inner,
            number: 0,
            offset: 0,
            consumed: 0,
        }
    }

    /// The next line (without its newline) into `buf`; `None` at the end.
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

/// One history file as it was when [`Records::open`] looked at it.
pub(crate) struct Source {
    path: PathBuf,
    /// The name warnings use: `history.jsonl`, `history-3f9a2c1b.jsonl`.
    label: String,
    file: Option<File>,
    len: u64,
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
    lines: Option<Lines<BufReader<io::Take<File>>>>,
    detail: Detail,
    /// By [`id_key`] of the record they amend: 16 bytes a key, whatever the id.
    amendments: HashMap<u128, Merged>,
    /// The latest amendment note for each record, kept apart (and not at all for
    /// [`Detail::Figures`]).
    notes: HashMap<u128, (String, Order)>,
    /// (source, line) the first pass took as amendments, with the reason if unreadable.
    amendment_lines: VecDeque<(u32, u64)>,
    /// Why each unreadable amendment line (by source and line) could not be read.
    bad_amendments: HashMap<(u32, u64), String>,
    /// The ids already given out, as 128-bit hashes: a tenth of the memory of the strings
    /// on a long history, and a collision is out of reach (about 2^-64 at a billion records).
    seen: HashSet<u128>,
    /// Records logged as interrupted (by a recovery), held back until every file is read: a
    /// final record of the same session, in any file, counts instead.
    held: Vec<(u128, SessionRecord)>,
    held_ids: HashSet<u128>,
    /// Giving out the held records, once every file is read.
    releasing: Option<std::vec::IntoIter<(u128, SessionRecord)>>,
    /// With the index of the source each is about, for sorting at the end.
    warnings: Vec<(usize, Warning)>,
    sorted: Vec<Warning>,
    buf: Vec<u8>,
    finished: bool,
    /// Records starting after this are in the future ([`FUTURE_SLACK`] after now).
    future: Timestamp,
}

impl Records {
    /// Opens every history file (none at all is an empty history) and reads their
    /// amendments.
    pub fn open(data_dir: &Path, detail: Detail) -> Result<Records, HistoryError> {
        let paths = history_files(data_dir).map_err(|source| HistoryError::Read {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let mut records = Records {
            sources: Vec::with_capacity(paths.len()),
            current: 0,
            lines: None,
            detail,
            amendments: HashMap::new(),
            notes: HashMap::new(),
            amendment_lines: VecDeque::new(),
            bad_amendments: HashMap::new(),
            seen: HashSet::new(),
            held: Vec::new(),
            held_ids: HashSet::new(),
            releasing: None,
            warnings: Vec::new(),
            sorted: Vec::new(),
            buf: Vec::new(),
            finished: false,
            future: Timestamp::now() + FUTURE_SLACK,
        };
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
            records
                .first_pass(index, &file, len, &file_label(&path))
                .map_err(fail)?;
            records.sources.push(Source {
                label: file_label(&path),
                path,
                file: Some(file),
                len,
            });
        }
        if records.sources.is_empty() {
            records.finish();
        }
        Ok(records)
    }

    /// Collects the amendments of one file. Only lines containing the key `"amends"` can be
    /// one, and a substring search rejects every other line without parsing it.
    fn first_pass(&mut self, index: usize, file: &File, len: u64, label: &str) -> io::Result<()> {
        let finder = memmem::Finder::new(b"\"amends\"");
        let mut lines = Lines::new(BufReader::with_capacity(BLOCK, file.take(len)));
        let mut buf = Vec::new();
        while let Some(kind) = lines.next_into(&mut buf)? {
            if !matches!(kind, Line::Text) || finder.find(&buf).is_none() {
                continue;
            }
            let n = lines.number;
            let Ok(text) = std::str::from_utf8(&buf) else {
                continue;
            };
            match serde_json::from_str::<Probe>(text) {
                Ok(Probe { amends: Some(_) }) => {}
                // Not an amendment after all (or not JSON): the second pass reports it.
                _ => continue,
            }
            match serde_json::from_str::<AmendmentLine>(text) {
                Ok(a) => self.take_amendment(a, (index, n), lines.offset, label),
                Err(e) => {
                    self.amendment_lines.push_back((index as u32, n));
                    self.bad_amendments
                        .insert((index as u32, n), format!("amendment: {}", json_reason(&e)));
                }
            }
        }
        Ok(())
    }

    /// Merges one amendment line (at `(index, n)`, starting at `offset` in its file).
    fn take_amendment(
        &mut self,
        mut a: AmendmentLine,
        (index, n): (usize, u64),
        offset: u64,
        label: &str,
    ) {
        self.amendment_lines.push_back((index as u32, n));
        let at =
            a.at.as_deref()
                .and_then(Stamp::parse)
                .map(|s| s.timestamp());
        if let Some(t) = at
            && t > self.future
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
        let key = id_key(&a.amends);
        let m = self.amendments.entry(key).or_insert_with(|| Merged {
            first_line: (index as u32, n.min(u64::from(u32::MAX)) as u32),
            first_offset: offset,
            ..Merged::default()
        });
        later(&mut m.pain_before, &mut m.before_order, a.pain_before, when);
        later(&mut m.pain_after, &mut m.after_order, a.pain_after, when);
        if self.detail != Detail::Figures {
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

    fn parse(&mut self, n: u64) -> Option<SessionRecord> {
        let text = match std::str::from_utf8(&self.buf) {
            Ok(t) => t,
            Err(e) => {
                self.skip(n, format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1));
                return None;
            }
        };
        let mut record = match accept(text, self.detail, self.future) {
            Ok(r) => r,
            Err(Refused::Unreadable(why)) => {
                self.skip(n, why);
                return None;
            }
            Err(Refused::Future(why)) => {
                let label = &self.sources[self.current].label;
                let w = line_warning(WarningKind::Ignored, label, n, why);
                self.warnings.push((self.current, w));
                return None;
            }
        };
        let at = (self.sources[self.current].label.as_str(), n);
        let mut w = Vec::new();
        check_pain(&mut record.pain_before, "pain_before", at, &mut w);
        check_pain(&mut record.pain_after, "pain_after", at, &mut w);
        let index = self.current;
        self.warnings.extend(w.into_iter().map(|w| (index, w)));
        Some(record)
    }

    fn skip(&mut self, n: u64, reason: String) {
        let label = &self.sources[self.current].label;
        let w = line_warning(
            WarningKind::Unreadable,
            label,
            n,
            format!("skipped: {reason}"),
        );
        self.warnings.push((self.current, w));
    }

    fn finish(&mut self) {
        self.finished = true;
        self.lines = None;
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
                        &source.label,
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
                    file: self.sources[index].label.clone(),
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

    /// Starts the second pass over the next source, if the current one is done; false
    /// when every source has been read.
    fn next_source(&mut self) -> Result<bool, HistoryError> {
        if self.lines.is_some() {
            return Ok(true);
        }
        while self.current < self.sources.len() {
            let source = &mut self.sources[self.current];
            if let Some(mut file) = source.file.take() {
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| HistoryError::Read {
                        path: source.path.clone(),
                        source: e,
                    })?;
                self.lines = Some(Lines::new(BufReader::with_capacity(
                    BLOCK,
                    file.take(source.len),
                )));
                return Ok(true);
            }
            self.current += 1;
        }
        Ok(false)
    }
}

impl Iterator for Records {
    type Item = Result<SessionRecord, HistoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        loop {
            match self.next_source() {
                Ok(true) => {}
                Ok(false) => {
                    if let Some(r) = self.release() {
                        return Some(Ok(r));
                    }
                    self.finish();
                    return None;
                }
                Err(e) => {
                    self.finish();
                    return Some(Err(e));
                }
            }
            let lines = self.lines.as_mut()?;
            let kind = match lines.next_into(&mut self.buf) {
                Ok(Some(k)) => k,
                Ok(None) => {
                    self.lines = None;
                    self.current += 1;
                    continue;
                }
                Err(source) => {
                    self.finish();
                    return Some(Err(HistoryError::Read {
                        path: self.sources[self.current].path.clone(),
                        source,
                    }));
                }
            };
            let n = lines.number;
            if self
                .amendment_lines
                .front()
                .is_some_and(|&(i, l)| i as usize == self.current && l == n)
            {
                self.amendment_lines.pop_front();
                if let Some(reason) = self.bad_amendments.remove(&(self.current as u32, n)) {
                    self.skip(n, reason);
                }
                continue;
            }
            if matches!(kind, Line::TooLong) {
                self.skip(n, format!("longer than {} KiB", MAX_LINE / 1024));
                continue;
            }
            if is_blank(&self.buf) {
                continue;
            }
            let Some(record) = self.parse(n) else {
                continue;
            };
            // The same record twice is what a recovery, a sync conflict copy or a file
            // copied by hand leaves behind. The final record counts over one logged as
            // interrupted by a recovery, whichever file holds which; otherwise the first.
            let key = id_key(&record.id);
            if self.seen.contains(&key) {
                continue;
            }
            if record.outcome == Outcome::Interrupted {
                if self.held_ids.insert(key) {
                    self.held.push((key, record));
                }
                continue;
            }
            self.seen.insert(key);
            return Some(Ok(self.amended(key, record)));
        }
    }
}

impl Records {
    /// The next interrupted record no final record replaced, once every file is read.
    fn release(&mut self) -> Option<SessionRecord> {
        let held = std::mem::take(&mut self.held);
        let releasing = self.releasing.get_or_insert_with(|| held.into_iter());
        for (key, record) in releasing.by_ref() {
            if self.seen.insert(key) {
                return Some(self.amended(key, record));
            }
        }
        None
    }

    /// `record` with its amendments merged in.
    fn amended(&mut self, key: u128, mut record: SessionRecord) -> SessionRecord {
        if self.detail == Detail::Figures {
            record.note = None;
        }
        if let Some(m) = self.amendments.get_mut(&key) {
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
