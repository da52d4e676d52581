//! The second pass over a history file, one line at a time: what each line is (a record to
//! consider, something to warn about, or nothing), read either here or, for a long file, by
//! threads that read and parse ahead while the caller uses the lines before.
//!
//! What a line is depends only on the line and on what the first pass found (see
//! [`Shared`] and [`SourceLines`]), never on the lines before it, so it can be worked out
//! on any thread and in any order; the results are given back in file order. Most of the
//! time of reading a long history is this (checking and stepping over each record's steps),
//! and on a machine with more than one core the threads share it out.
//!
//! Memory stays bounded: at most [`IN_FLIGHT`] batches of about [`BATCH`] bytes are read
//! and not yet given back at any time, however long the file.
//!
//! The first pass (amendments, and which ids turn up twice) reads a long file a block ahead
//! on a thread of its own ([`Prefetch`]): the kernel copies the next block while the
//! caller searches the one before. With cores to spare, the file's second half is searched
//! at the same time on another thread ([`Half`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::read::{Candidate, TimeCheck, accept_reusing, amendment_text, check_pain, id_key};
use super::*;

/// What the first pass found about every file, which the second pass reads each line with.
pub(crate) struct Shared {
    pub(crate) detail: Detail,
    /// Records starting after this are in the future.
    pub(crate) future: Timestamp,
    /// The fingerprints more than one line has, sorted (see `Records::repeated`).
    pub(crate) repeated: Vec<u32>,
    /// The fingerprints of the ids amendments are for, sorted.
    pub(crate) amended: Vec<u32>,
    /// Records given back once used, for the second pass to write new ones over.
    pub(crate) spares: Spares,
}

/// Records given back (see [`crate::store::history::GiveBack`]), whose strings the second
/// pass writes the next records into instead of allocating new ones: most of the cost of
/// making a record, and of dropping it on another thread than made it.
#[derive(Default)]
pub(crate) struct Spares(pub(super) Mutex<Vec<SessionRecord>>);

/// At most this many records wait to be written over (about what the batches in flight
/// hold).
const MAX_SPARES: usize = 1024;

impl Spares {
    /// Moves up to `n` spare records onto `to`.
    pub(crate) fn take(&self, n: usize, to: &mut Vec<SessionRecord>) {
        let mut spares = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let from = spares.len().saturating_sub(n);
        to.extend(spares.drain(from..));
    }

    /// Keeps the records of `from` (as many as there is room for; the rest are dropped).
    pub(crate) fn give(&self, from: &mut Vec<SessionRecord>) {
        let mut spares = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let room = MAX_SPARES.saturating_sub(spares.len());
        spares.extend(from.drain(..).take(room));
    }
}

/// What the first pass found about one file.
pub(crate) struct SourceLines {
    /// The name warnings use.
    pub(crate) label: String,
    /// The numbers of the lines taken as amendments, ascending.
    pub(crate) amendments: Vec<u64>,
    /// Why each of those that could not be read was not, by line number.
    pub(crate) bad_amendments: HashMap<u64, String>,
}

/// One line as the second pass reads it.
#[derive(Default)]
pub(crate) struct LineOut {
    pub(crate) candidate: Option<Candidate>,
    pub(crate) warnings: Vec<Warning>,
}

impl LineOut {
    fn warn(kind: WarningKind, source: &SourceLines, n: u64, message: String) -> LineOut {
        LineOut {
            candidate: None,
            warnings: vec![line_warning(kind, &source.label, n, message)],
        }
    }

    fn skipped(source: &SourceLines, n: u64, reason: &str) -> LineOut {
        LineOut::warn(
            WarningKind::Unreadable,
            source,
            n,
            format!("skipped: {reason}"),
        )
    }
}

/// What line `line` of `source` is (a record written over one of `spares` if it can be).
pub(crate) fn read_line(
    shared: &Shared,
    source: &SourceLines,
    line: &LineRef<'_>,
    spares: &mut Vec<SessionRecord>,
) -> LineOut {
    let n = line.number;
    if source.amendments.binary_search(&n).is_ok() {
        return match source.bad_amendments.get(&n) {
            Some(reason) => LineOut::skipped(source, n, reason),
            None => LineOut::default(),
        };
    }
    if matches!(line.kind, Line::TooLong) {
        return LineOut::skipped(source, n, &format!("longer than {} KiB", MAX_LINE / 1024));
    }
    if is_blank(line.bytes) {
        return LineOut::default();
    }
    let text = match std::str::from_utf8(line.bytes) {
        Ok(t) => t,
        Err(e) => {
            let why = format!("not valid UTF-8 (byte {})", e.valid_up_to() + 1);
            return LineOut::skipped(source, n, &why);
        }
    };
    let mut record = match accept_reusing(text, shared.detail, shared.future, spares) {
        Ok(r) => r,
        Err(Refused::Unreadable(why)) => return LineOut::skipped(source, n, &why),
        Err(Refused::Future(why)) => return LineOut::warn(WarningKind::Ignored, source, n, why),
    };
    let mut warnings = Vec::new();
    let at = (source.label.as_str(), n);
    check_pain(&mut record.pain_before, "pain_before", at, &mut warnings);
    check_pain(&mut record.pain_after, "pain_after", at, &mut warnings);
    // Only a record whose id shares its fingerprint with another line can have a twin; only
    // those are kept.
    let print = fingerprint(record.id.as_bytes());
    let twin = shared.repeated.binary_search(&print).is_ok();
    let amended = shared.amended.binary_search(&print).is_ok();
    let key = (twin || amended).then(|| id_key(&record.id));
    LineOut {
        candidate: Some(Candidate {
            record,
            line: n,
            key,
            twin: key.filter(|_| twin),
        }),
        warnings,
    }
}

/// About this many bytes of lines are read ahead as one batch. Each batch is handed from
/// thread to thread a few times, each time a wake-up: at 100,000 records, batches of
/// 128 KiB rather than 64 cost about 8 % less CPU, for about 0.8 MiB more at the peak.
pub(crate) const BATCH: usize = 128 * 1024;
/// At most this many batches are read and not yet given back.
const IN_FLIGHT: usize = 4;
/// Blocks are read at least this long: smaller ones would only cost more reads and
/// messages (the tests' batches go down to one byte).
const MIN_BLOCK: usize = 64;
/// A file shorter than this is read on the caller's thread: threads would cost more than
/// they save (about a thousand records).
pub(crate) const AHEAD_FROM: u64 = 1 << 20;

/// How a file is read: its first pass a block ahead, or not, and its second pass.
#[derive(Clone, Copy)]
pub(crate) struct Plan {
    /// Files at least this long are read ahead (both passes).
    pub(crate) from: u64,
    /// How many threads parse besides the one reading (0: the reading thread parses).
    pub(crate) workers: usize,
    /// The size of a batch (and of a block the first pass reads ahead).
    pub(crate) batch: usize,
    /// Whether the first half of a file whose first pass is read in two halves at once is
    /// also read a block ahead: only with a core for that thread too, or it takes turns
    /// with the two that search (each block handed over then costs a wake-up or two).
    pub(crate) halves_ahead: bool,
}

impl Plan {
    /// The first `len` bytes of `file` (at its start) for the first pass, read a block
    /// ahead on a thread of its own when the file is long enough (see [`Prefetch`]).
    pub(crate) fn first_reader<'f>(&self, file: &'f File, len: u64) -> Box<dyn BufRead + 'f> {
        self.reader(file, len, true)
    }

    /// [`Plan::first_reader`] for the first half of a file read in halves (see
    /// [`Plan::halves_ahead`]).
    pub(crate) fn first_half_reader<'f>(&self, file: &'f File, len: u64) -> Box<dyn BufRead + 'f> {
        self.reader(file, len, self.halves_ahead)
    }

    fn reader<'f>(&self, file: &'f File, len: u64, ahead: bool) -> Box<dyn BufRead + 'f> {
        if ahead
            && len >= self.from
            && let Some(ahead) = Prefetch::start(file, len, self.batch)
        {
            return Box::new(ahead);
        }
        Box::new(BufReader::with_capacity(BLOCK, file.take(len)))
    }

    /// Every file read on the caller's thread.
    pub(crate) fn here() -> Plan {
        Plan {
            from: u64::MAX,
            workers: 0,
            batch: BATCH,
            halves_ahead: false,
        }
    }

    /// For this machine: read ahead when it has more than one core, with a parsing thread
    /// a core (up to four) when one file is read at a time, and none besides the reading
    /// thread when several are (each is then a thread of its own). A first pass in halves
    /// takes two cores; its first half is read ahead only with a third.
    pub(crate) fn for_machine(files_at_once: usize) -> Plan {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Plan {
            from: if cores > 1 { AHEAD_FROM } else { u64::MAX },
            workers: if files_at_once > 1 { 0 } else { cores.min(4) },
            batch: BATCH,
            halves_ahead: cores > 2,
        }
    }
}

type Lines64 = Lines<BufReader<io::Take<File>>>;

/// The lines of one file's second pass.
pub(crate) enum Feed {
    /// Read on the caller's thread.
    Here {
        lines: Box<Lines64>,
        buf: Vec<u8>,
        source: Arc<SourceLines>,
        spares: Vec<SessionRecord>,
        /// The line from which to look for spares again, after finding none.
        retry_at: u64,
    },
    Ahead(Ahead),
}

impl Feed {
    /// Starts reading `len` bytes of `file` (already at its start) as `plan` says.
    pub(crate) fn start(
        file: File,
        len: u64,
        shared: &Arc<Shared>,
        source: &Arc<SourceLines>,
        plan: &Plan,
    ) -> Feed {
        let mut file = file.take(len);
        if len >= plan.from {
            match Ahead::start(file, shared.clone(), source.clone(), plan) {
                Ok(ahead) => return Feed::Ahead(ahead),
                // No thread to be had: read here instead (the file was not touched).
                Err(back) => file = back,
            }
        }
        Feed::Here {
            lines: Box::new(Lines::new(BufReader::with_capacity(BLOCK, file))),
            buf: Vec::new(),
            source: source.clone(),
            spares: Vec::new(),
            retry_at: 0,
        }
    }

    /// The next line; `None` at the end of the file.
    pub(crate) fn next(&mut self, shared: &Shared) -> io::Result<Option<LineOut>> {
        match self {
            Feed::Here {
                lines,
                buf,
                source,
                spares,
                retry_at,
            } => Ok(lines.next_line(buf)?.map(|line| {
                // After finding none, looked for again only so many lines later: a reader
                // that gives nothing back costs no lock a line.
                if spares.is_empty() && line.number >= *retry_at {
                    shared.spares.take(SPARES_AT_ONCE as usize, spares);
                    if spares.is_empty() {
                        *retry_at = line.number + SPARES_AT_ONCE;
                    }
                }
                read_line(shared, source, &line, spares)
            })),
            Feed::Ahead(ahead) => ahead.next(),
        }
    }
}

/// Lines read and parsed ahead by other threads.
pub(crate) struct Ahead {
    results: Receiver<(u64, Msg)>,
    /// Batches that came before their turn.
    early: BTreeMap<u64, Msg>,
    /// The number of the batch to give out next.
    turn: u64,
    batch: std::vec::IntoIter<LineOut>,
    /// One token is taken for each batch read and given back when it is given out: the
    /// reading thread waits for one before reading on. Dropped first, which ends it.
    tokens: Option<SyncSender<()>>,
    threads: Vec<JoinHandle<()>>,
}

enum Msg {
    Lines(Vec<LineOut>),
    End,
    Failed(io::Error),
}

/// Lines read, not yet parsed.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    /// Each line: its number, where it starts in the file, whether it was too long, and
    /// where its bytes are in `bytes` (none for a line too long).
    lines: Vec<(u64, u64, bool, Range<usize>)>,
}

/// Spare records read on the caller's thread take at a time.
const SPARES_AT_ONCE: u64 = 64;

impl Batch {
    /// Its lines, the records written over `spares` (topped up first from those given
    /// back, to one a line).
    fn read(
        self,
        shared: &Shared,
        source: &SourceLines,
        spares: &mut Vec<SessionRecord>,
    ) -> Vec<LineOut> {
        let wanted = self.lines.len().saturating_sub(spares.len());
        if wanted > 0 {
            shared.spares.take(wanted, spares);
        }
        self.lines
            .iter()
            .map(|(number, offset, too_long, at)| {
                let (number, offset, too_long) = (*number, *offset, *too_long);
                let bytes = &self.bytes[at.clone()];
                let line = LineRef {
                    kind: if too_long { Line::TooLong } else { Line::Text },
                    number,
                    offset,
                    bytes,
                    window: bytes,
                };
                read_line(shared, source, &line, spares)
            })
            .collect()
    }
}

impl Ahead {
    /// Starts the threads; gives the file back if one cannot be started.
    fn start(
        file: io::Take<File>,
        shared: Arc<Shared>,
        source: Arc<SourceLines>,
        plan: &Plan,
    ) -> Result<Ahead, io::Take<File>> {
        let (tokens, token_rx) = mpsc::sync_channel(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            let _ = tokens.try_send(());
        }
        let (result_tx, results) = mpsc::channel();
        let mut threads = Vec::new();
        // Workers first: if one cannot be started, nothing has been read yet.
        let work_tx = if plan.workers > 0 {
            let (work_tx, work_rx) = mpsc::channel::<(u64, Batch)>();
            let work_rx = Arc::new(Mutex::new(work_rx));
            for _ in 0..plan.workers {
                let (work_rx, result_tx) = (work_rx.clone(), result_tx.clone());
                let (shared, source) = (shared.clone(), source.clone());
                let spawned = std::thread::Builder::new()
                    .name("history-parse".into())
                    .spawn(move || {
                        let mut spares = Vec::new();
                        loop {
                            let job = work_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok((turn, batch)) = job else { return };
                            let lines = batch.read(&shared, &source, &mut spares);
                            if result_tx.send((turn, Msg::Lines(lines))).is_err() {
                                return;
                            }
                        }
                    });
                match spawned {
                    Ok(t) => threads.push(t),
                    // The work channel closes as `work_tx` is dropped: the workers end.
                    Err(_) => return Err(file),
                }
            }
            Some(work_tx)
        } else {
            None
        };
        let batch = plan.batch;
        // Moved into the thread only once it surely starts.
        let file = Arc::new(Mutex::new(Some(file)));
        let theirs = file.clone();
        let spawned = std::thread::Builder::new()
            .name("history-read".into())
            .spawn(move || {
                let taken = theirs.lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(file) = taken {
                    let mut spares = Vec::new();
                    let last = read_ahead(file, batch, &token_rx, |turn, b| match &work_tx {
                        Some(work) => work.send((turn, b)).is_ok(),
                        None => {
                            let lines = b.read(&shared, &source, &mut spares);
                            result_tx.send((turn, Msg::Lines(lines))).is_ok()
                        }
                    });
                    if let Some(last) = last {
                        let _ = result_tx.send(last);
                    }
                }
            });
        match spawned {
            Ok(t) => threads.push(t),
            Err(_) => {
                drop(tokens);
                for t in threads {
                    let _ = t.join();
                }
                let file = file.lock().unwrap_or_else(|e| e.into_inner()).take();
                return Err(file.expect("the reading thread never started"));
            }
        }
        Ok(Ahead {
            results,
            early: BTreeMap::new(),
            turn: 0,
            batch: Vec::new().into_iter(),
            tokens: Some(tokens),
            threads,
        })
    }

    fn next(&mut self) -> io::Result<Option<LineOut>> {
        loop {
            if let Some(out) = self.batch.next() {
                return Ok(Some(out));
            }
            let msg = match self.early.remove(&self.turn) {
                Some(msg) => msg,
                None => loop {
                    match self.results.recv() {
                        Ok((turn, msg)) if turn == self.turn => break msg,
                        Ok((turn, msg)) => {
                            self.early.insert(turn, msg);
                        }
                        // Every thread is gone and this batch never came (one failed).
                        Err(_) => return Err(io::Error::other("the history reader stopped")),
                    }
                },
            };
            self.turn += 1;
            match msg {
                Msg::Lines(lines) => {
                    if let Some(tokens) = &self.tokens {
                        let _ = tokens.try_send(());
                    }
                    self.batch = lines.into_iter();
                }
                Msg::End => return Ok(None),
                Msg::Failed(e) => return Err(e),
            }
        }
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        // The reading thread ends at its next token; the parsing threads when it has.
        self.tokens = None;
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Reads `inner` a block of about `size` bytes at a time, straight into the batch that
/// holds the lines ending in it (a line begun in one block is carried into the next; one
/// longer than [`MAX_LINE`] is counted, not kept), handing each batch to `send` with its
/// number, and waiting for a token before each. Lines are numbered and placed as
/// [`Lines`] does. Returns the message to send last, with its number (the end, or why
/// reading failed), or `None` when the reader is gone.
fn read_ahead(
    mut inner: impl Read,
    size: usize,
    tokens: &Receiver<()>,
    mut send: impl FnMut(u64, Batch) -> bool,
) -> Option<(u64, Msg)> {
    let size = size.max(MIN_BLOCK);
    let mut place = Place::default();
    // The start of a line no batch has ended yet (none of it once it is too long).
    let mut carry = Vec::new();
    let mut turn = 0;
    loop {
        tokens.recv().ok()?;
        let mut batch = Batch {
            bytes: std::mem::take(&mut carry),
            lines: Vec::new(),
        };
        let bytes = &mut batch.bytes;
        // Where the line not yet ended starts in `bytes`.
        let mut start = 0;
        let end = loop {
            let kept = bytes.len();
            bytes.reserve(size);
            let n = match (&mut inner).take(size as u64).read_to_end(bytes) {
                Ok(n) => n,
                Err(e) => break Some(Msg::Failed(e)),
            };
            for nl in memchr::memchr_iter(b'\n', &bytes[kept..]) {
                place.line(&mut batch.lines, start..kept + nl);
                start = kept + nl + 1;
            }
            if n == 0 {
                // The last line, with no newline after it.
                if start < bytes.len() || place.dropped > 0 {
                    place.line(&mut batch.lines, start..bytes.len());
                }
                break Some(Msg::End);
            }
            let open = (bytes.len() - start) as u64;
            if place.dropped + open > MAX_LINE as u64 {
                place.dropped += open;
                bytes.truncate(start);
            }
            if !batch.lines.is_empty() {
                carry.extend_from_slice(&bytes[start..]);
                bytes.truncate(start);
                break None;
            }
        };
        if !batch.lines.is_empty() {
            if !send(turn, batch) {
                return None;
            }
            turn += 1;
        }
        if let Some(msg) = end {
            return Some((turn, msg));
        }
    }
}

/// Where the reading thread is in its file: lines so far, where the next one starts, and
/// how many of its bytes were not kept (it is too long).
#[derive(Default)]
struct Place {
    number: u64,
    line_at: u64,
    dropped: u64,
}

impl Place {
    /// The line whose last kept bytes are `at` (after those dropped) ends.
    fn line(&mut self, lines: &mut Vec<(u64, u64, bool, Range<usize>)>, at: Range<usize>) {
        let len = self.dropped + at.len() as u64;
        let too_long = len > MAX_LINE as u64;
        self.number += 1;
        let at = if too_long { at.start..at.start } else { at };
        lines.push((self.number, self.line_at, too_long, at));
        self.line_at += len + 1;
        self.dropped = 0;
    }
}

/// A file read a block ahead by a thread of its own, as a [`BufRead`]: what reading a long
/// file costs besides looking at it (the kernel copying it) happens beside the caller's
/// work. At most [`PREFETCHED`] blocks wait to be looked at; looked-at blocks are given
/// back to be filled again.
pub(crate) struct Prefetch {
    blocks: Option<Receiver<io::Result<Vec<u8>>>>,
    spare: mpsc::Sender<Vec<u8>>,
    block: Vec<u8>,
    at: usize,
    done: bool,
    thread: Option<JoinHandle<()>>,
}

/// Blocks read and not yet looked at, at most.
const PREFETCHED: usize = 2;

impl Prefetch {
    /// Reads the first `len` bytes of `file` in blocks of `size`, with positioned reads
    /// (the file's own position is left as it is). `None` when no thread can be had.
    pub(crate) fn start(file: &File, len: u64, size: usize) -> Option<Prefetch> {
        let mut part = Part {
            file: file.try_clone().ok()?,
            at: 0,
            end: len,
        };
        let size = size.max(MIN_BLOCK);
        let (tx, blocks) = mpsc::sync_channel(PREFETCHED);
        let (spare, spares) = mpsc::channel::<Vec<u8>>();
        let thread = std::thread::Builder::new()
            .name("history-first".into())
            .spawn(move || {
                loop {
                    // A block given back is as long as it was filled: only the first
                    // one, and one after the last, short, block, is zeroed here.
                    let mut block = spares.try_recv().unwrap_or_default();
                    block.resize(size, 0);
                    let read = fill(&mut part, &mut block);
                    let end = !matches!(read, Ok(n) if n > 0);
                    if let Ok(n) = read {
                        block.truncate(n);
                    }
                    if tx.send(read.map(|_| block)).is_err() || end {
                        return;
                    }
                }
            })
            .ok()?;
        Some(Prefetch {
            blocks: Some(blocks),
            spare,
            block: Vec::new(),
            at: 0,
            done: false,
            thread: Some(thread),
        })
    }
}

/// Reads into `block` until it is full or `from` ends (again when a read is interrupted);
/// how many bytes were read.
fn fill(from: &mut impl Read, block: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < block.len() {
        match from.read(&mut block[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl Read for Prefetch {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let there = self.fill_buf()?;
            let n = there.len().min(out.len());
            out[..n].copy_from_slice(&there[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Prefetch {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at == self.block.len() && !self.done {
            let _ = self.spare.send(std::mem::take(&mut self.block));
            self.at = 0;
            let next = match &self.blocks {
                Some(blocks) => blocks.recv(),
                None => Err(mpsc::RecvError),
            };
            match next {
                Ok(Ok(block)) => {
                    self.done = block.is_empty();
                    self.block = block;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other("the history reader stopped"));
                }
            }
        }
        Ok(&self.block[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at = (self.at + n).min(self.block.len());
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        // A thread waiting to hand over a block finds nobody there, and ends.
        self.blocks = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Where the first line starting at or after `at` in `file` starts: found in one read of a
/// block there (`None` when `at` is 0, or no newline is in that block).
pub(crate) fn line_start_after(file: &File, at: u64) -> io::Result<Option<u64>> {
    use std::os::unix::fs::FileExt;
    if at == 0 {
        return Ok(None);
    }
    let mut block = vec![0; BLOCK];
    let n = loop {
        match file.read_at(&mut block, at - 1) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    Ok(memchr::memchr(b'\n', &block[..n]).map(|i| at + i as u64))
}

/// A part of a file, read with positioned reads (the file's own position is left to
/// others).
struct Part {
    file: File,
    at: u64,
    end: u64,
}

impl Read for Part {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = buf.len().min((self.end - self.at) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// The first pass over the second half of a file, on a thread of its own.
pub(crate) struct Half {
    thread: JoinHandle<io::Result<HalfRead>>,
}

/// What the first pass found in a half: a fingerprint of each record line's id, each
/// amendment (its number and where it starts, counted in the half, and its text) for the
/// caller to take in order, and the order of its records when asked.
pub(crate) struct HalfRead {
    pub(crate) prints: Vec<u32>,
    pub(crate) amendments: Vec<(u64, u64, String)>,
    pub(crate) check: Option<TimeCheck>,
}

impl Half {
    /// Starts reading `range` of `file`, which starts a line, checking the order of its
    /// records when `check`; `None` when no thread can be had.
    pub(crate) fn start(file: &File, range: Range<u64>, check: bool) -> Option<Half> {
        let part = Part {
            file: file.try_clone().ok()?,
            at: range.start,
            end: range.end,
        };
        let thread = std::thread::Builder::new()
            .name("history-half".into())
            .spawn(move || {
                let lines = Lines::new(BufReader::with_capacity(BLOCK, part));
                let mut prints = Vec::new();
                let mut amendments = Vec::new();
                let mut check = check.then(TimeCheck::default);
                super::read::first_pass_lines(lines, &mut prints, check.as_mut(), &mut |line| {
                    let text = amendment_text(line.bytes);
                    if let Some(text) = text {
                        amendments.push((line.number, line.offset, text.to_string()));
                    }
                    text.is_some()
                })?;
                Ok(HalfRead {
                    prints,
                    amendments,
                    check,
                })
            })
            .ok()?;
        Some(Half { thread })
    }

    pub(crate) fn join(self) -> io::Result<HalfRead> {
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the history reader stopped")))
    }
}

#[cfg(test)]
mod tests {
    //! Reading ahead on other threads must give exactly what reading here gives: the same
    //! records in the same order, and the same warnings, whatever the batches and threads.

    use super::super::read::{GIVEN_AT_ONCE, Records, SPARE_ROOM, TimeCheck};
    use super::*;
    use crate::files::write::put;

    fn record(id: &str, hour: i64, outcome: &str, pain_after: &str) -> String {
        let start = jiff::Timestamp::from_second(1_767_225_600 + hour * 3600).unwrap();
        let end = start + jiff::SignedDuration::from_secs(90);
        format!(
            "{{\"v\":1,\"id\":\"{id}\",\"kind\":\"routine\",\"routine_id\":\"neck\",\
             \"title\":\"Neck {id}\",\"area\":\"neck\",\"started_at\":\"{start}\",\
             \"ended_at\":\"{end}\",\"planned_secs\":90.0,\"active_secs\":90.0,\
             \"paused_secs\":0.0,\"outcome\":\"{outcome}\",\"steps\":[{{\"title\":\"Hold\",\
             \"side\":\"left\",\"planned_secs\":90.0,\"active_secs\":90.0,\"status\":\"done\"}}],\
             \"pain_before\":5,\"pain_after\":{pain_after},\"note\":\"n\"}}\n"
        )
    }

    /// A file with something of everything the second pass tells apart.
    fn messy(n: i64) -> Vec<u8> {
        messy_with(n, n / 2)
    }

    /// [`messy`] with its line too long after record `long_at`.
    fn messy_with(n: i64, long_at: i64) -> Vec<u8> {
        let mut f = Vec::new();
        for i in 0..n {
            let id = format!("r{i}");
            f.extend(record(&id, i, "completed", "3").into_bytes());
            match i % 29 {
                3 => f.extend(record(&format!("r{}", i - 2), i - 2, "completed", "2").into_bytes()),
                5 => f.extend(format!("{{\"v\":1,\"amends\":\"r{}\",\"at\":\"2026-02-01T00:00:00Z\",\"pain_after\":1,\"note\":\"later\"}}\n", i - 4).into_bytes()),
                7 => f.extend(b"not json at all\n"),
                9 => f.extend(b"   \n\n"),
                11 => f.extend(b"{\"v\":1,\"amends\":5}\n"),
                13 => f.extend(b"{\"v\":1,\"id\":\"\xff\xfe\"}\n"),
                15 => f.extend(record(&format!("x{i}"), i, "interrupted", "null").into_bytes()),
                17 => f.extend(record(&format!("p{i}"), i, "completed", "12").into_bytes()),
                19 => f.extend(record(&format!("f{i}"), 2_000_000, "completed", "1").into_bytes()),
                21 => f.extend(b"{\"v\":1,\"amends\":\"nobody\",\"pain_before\":2}\n"),
                23 => f.extend(record(&format!("x{}", i - 8), i - 8, "completed", "4").into_bytes()),
                // A record holding the key "amends" (not at the top: not an amendment),
                // and the same record again.
                25 | 27 => {
                    let r = record(&format!("e{}", i / 29), i, "completed", "2");
                    let r = r.replacen(",\"steps\"", ",\"extra\":{\"amends\":1},\"steps\"", 1);
                    f.extend(r.into_bytes());
                }
                _ => {}
            }
            if i == n - 5 {
                // An amendment for a record that is nowhere, only near the end of the file.
                f.extend(b"{\"v\":1,\"amends\":\"late\",\"pain_after\":2}\n");
            }
            if i == long_at {
                f.extend(vec![b'{'; MAX_LINE + 10]);
                f.push(b'\n');
            }
        }
        // The last line has no newline.
        let last = record("last", n, "completed", "3");
        f.extend(last.trim_end().as_bytes());
        f
    }

    /// The records as JSON, and the warnings. Each record is given back (to be written
    /// over) when `give_back`.
    fn read(
        dir: &Path,
        detail: Detail,
        by_time: bool,
        plan: Plan,
        give_back: bool,
    ) -> (Vec<String>, Vec<String>) {
        let check = by_time.then(TimeCheck::default);
        let mut records = Records::open_planned(dir, detail, check, |_| plan).unwrap();
        assert_eq!(records.by_time(), by_time);
        let back = records.give_back();
        let got = records
            .by_ref()
            .map(|r| {
                let r = r.unwrap();
                let json = serde_json::to_string(&r).unwrap();
                if give_back {
                    back.give(r);
                }
                json
            })
            .collect();
        let warnings = records.warnings().iter().map(|w| w.to_string()).collect();
        (got, warnings)
    }

    fn plans() -> Vec<Plan> {
        let ahead = |workers, batch, halves_ahead| Plan {
            from: 0,
            workers,
            batch,
            halves_ahead,
        };
        vec![
            ahead(0, 1, true),
            ahead(1, 300, true),
            ahead(3, 1, true),
            ahead(2, 4096, false),
            ahead(4, BATCH, true),
            ahead(2, 1, false),
        ]
    }

    /// What reading `dir` here gives, after checking that each plan `which` keeps gives
    /// the same, its records given back and written over.
    fn every_plan_reads_as_here(
        dir: &Path,
        detail: Detail,
        by_time: bool,
        which: impl Fn(&Plan) -> bool,
    ) -> (Vec<String>, Vec<String>) {
        let want = read(dir, detail, by_time, Plan::here(), false);
        for plan in std::iter::once(Plan::here()).chain(plans()).filter(which) {
            let (workers, batch) = (plan.workers, plan.batch);
            let got = read(dir, detail, by_time, plan, true);
            assert!(
                got == want,
                "{detail:?}, {workers} workers, batches of {batch}"
            );
        }
        want
    }

    #[test]
    fn reading_ahead_reads_what_reading_here_reads() {
        let tmp = tempfile::tempdir().unwrap();
        put(&tmp.path().join("history-aaaaaaaa.jsonl"), messy(400));
        for detail in [Detail::Full, Detail::NoSteps, Detail::Figures] {
            let want = every_plan_reads_as_here(tmp.path(), detail, false, |_| true);
            assert!(want.0.len() > 400, "{}", want.0.len());
            assert!(want.1.len() > 50, "{}", want.1.len());
        }
    }

    /// The first pass in two halves (the middle of the file among records, not in its
    /// long line) finds what one pass finds: amendments on both sides of the middle, records
    /// holding the key "amends", twins across it.
    #[test]
    fn the_first_pass_in_halves_finds_what_one_pass_finds() {
        let tmp = tempfile::tempdir().unwrap();
        let file = messy_with(2400, 2397);
        let mid = file.len() / 2;
        assert!(file[mid - 1000..mid + 1000].contains(&b'\n'));
        put(&tmp.path().join("history-aaaaaaaa.jsonl"), file);
        let want = every_plan_reads_as_here(tmp.path(), Detail::NoSteps, false, |p| p.workers > 1);
        assert!(want.0.len() > 2400, "{}", want.0.len());
    }

    /// [`messy`] records, read on this thread (and the folder they are in).
    fn messy_here() -> (tempfile::TempDir, Records) {
        let tmp = tempfile::tempdir().unwrap();
        put(&tmp.path().join("history-aaaaaaaa.jsonl"), messy(400));
        let records =
            Records::open_planned(tmp.path(), Detail::NoSteps, None, |_| Plan::here()).unwrap();
        (tmp, records)
    }

    /// Records given back are written over: the strings of the next ones are theirs (a
    /// room no new string would have).
    #[test]
    fn records_given_back_are_written_over() {
        let (_tmp, mut records) = messy_here();
        let back = records.give_back();
        const ROOM: usize = 1000;
        for r in records.by_ref().take(2 * GIVEN_AT_ONCE) {
            let mut r = r.unwrap();
            r.title.reserve_exact(ROOM);
            back.give(r);
        }
        let reused = records
            .by_ref()
            .take(GIVEN_AT_ONCE)
            .filter(|r| r.as_ref().unwrap().title.capacity() >= ROOM)
            .count();
        assert!(reused >= GIVEN_AT_ONCE / 2, "{reused}");
    }

    /// Records holding long texts are dropped, not kept to be written over.
    #[test]
    fn records_with_long_texts_are_not_kept() {
        let (_tmp, mut records) = messy_here();
        let back = records.give_back();
        let kept = |records: &Records| records.shared.spares.0.lock().unwrap().len();
        let mut read: Vec<_> = records
            .by_ref()
            .take(2 * GIVEN_AT_ONCE)
            .map(Result::unwrap)
            .collect();
        for mut r in read.drain(..GIVEN_AT_ONCE) {
            r.note = Some("a long note ".repeat(SPARE_ROOM / 10));
            back.give(r);
        }
        assert_eq!(kept(&records), 0);
        for r in read {
            back.give(r);
        }
        assert_eq!(kept(&records), GIVEN_AT_ONCE);
    }

    /// The first pass in two halves checks the order of a file's records as one pass
    /// does: out of order across the middle, or only in the second half, or the same record
    /// starting at two times on either side of it.
    #[test]
    fn the_first_pass_in_halves_checks_the_order_one_pass_checks() {
        let n = 400;
        let line = |i: i64, hour: i64| record(&format!("r{i:04}"), hour, "completed", "3");
        let in_order: Vec<String> = (0..n).map(|i| line(i, i)).collect();
        let mut across = in_order.clone();
        for (i, l) in across.iter_mut().enumerate().take(n as usize / 2) {
            *l = line(i as i64, i as i64 + 10 * n);
        }
        let mut second = in_order.clone();
        second.swap(3 * n as usize / 4, 3 * n as usize / 4 + 1);
        let mut twice = in_order.clone();
        twice[n as usize - 10] = line(10, n - 10);
        let tmp = tempfile::tempdir().unwrap();
        for (name, lines, passes) in [
            ("in order", in_order, true),
            ("out of order across the middle", across, false),
            ("out of order in the second half", second, false),
            ("one record at two times", twice, false),
        ] {
            put(&tmp.path().join("history-aaaaaaaa.jsonl"), lines.concat());
            for plan in std::iter::once(Plan::here()).chain(plans()) {
                let check = Some(TimeCheck::default());
                let records = Records::open_planned(tmp.path(), Detail::NoSteps, check, |_| plan);
                let by_time = records.unwrap().by_time();
                assert_eq!(by_time, passes, "{name}, {} workers", plan.workers);
            }
        }
    }

    #[test]
    fn reading_every_file_at_once_ahead_reads_what_reading_here_reads() {
        let tmp = tempfile::tempdir().unwrap();
        // Two machines' files, each in time order, sharing some records.
        let (mut a, mut b) = (String::new(), String::new());
        for i in 0..300 {
            let line = record(&format!("r{i}"), i, "completed", "3");
            match i % 3 {
                0 => a.push_str(&line),
                1 => b.push_str(&line),
                _ => {
                    a.push_str(&line);
                    b.push_str(&line);
                }
            }
            if i % 50 == 7 {
                a.push_str("garbage\n");
            }
        }
        put(&tmp.path().join("history-aaaaaaaa.jsonl"), a);
        put(&tmp.path().join("history-bbbbbbbb.jsonl"), b);
        let want = every_plan_reads_as_here(tmp.path(), Detail::NoSteps, true, |_| true);
        assert_eq!(want.0.len(), 300);
        assert_eq!(want.1.len(), 6);
    }

    #[test]
    fn a_reader_dropped_half_way_ends_its_threads() {
        let tmp = tempfile::tempdir().unwrap();
        put(&tmp.path().join("history-aaaaaaaa.jsonl"), messy(400));
        for plan in plans() {
            let mut records =
                Records::open_planned(tmp.path(), Detail::NoSteps, None, |_| plan).unwrap();
            assert!(records.next().is_some());
            // Dropping joins every thread it started: this returns.
            drop(records);
        }
    }

    #[test]
    fn a_file_read_a_block_ahead_reads_as_it_is_and_stops_when_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        put(&path, &bytes);
        let file = safe_file::open_regular(&path).unwrap();
        // All of it, and only the length asked for (a file that grows is read as it was).
        for (len, size) in [(100_000, 4096), (99_999, 64), (70_000, 1 << 20)] {
            let mut got = Vec::new();
            let mut ahead = Prefetch::start(&file, len, size).unwrap();
            ahead.read_to_end(&mut got).unwrap();
            assert!(got == bytes[..len as usize], "{len} in blocks of {size}");
            drop(ahead);
        }
        // Dropped after one block of many: the thread ends (this returns).
        let mut ahead = Prefetch::start(&file, 100_000, 64).unwrap();
        assert_eq!(ahead.fill_buf().unwrap().len(), 64);
        drop(ahead);
    }

    /// The reading thread cuts its blocks into the lines [`Lines`] gives, numbered and
    /// placed alike, whatever the block size: lines cut by a block's end, lines of exactly
    /// [`MAX_LINE`] bytes and one more, blank lines, and a last line too long with no
    /// newline (or a newline last).
    #[test]
    fn blocks_are_cut_into_the_lines_lines_gives() {
        let mut file = messy(40);
        file.push(b'\n');
        for (byte, len) in [
            (b'a', MAX_LINE),
            (b'b', MAX_LINE + 1),
            (b'e', 3 * MAX_LINE),
            (b'c', 10),
        ] {
            file.extend(vec![byte; len]);
            file.push(b'\n');
        }
        file.extend(b"\n\n");
        file.extend(vec![b'd'; MAX_LINE + 3]);
        for ending in [&b""[..], b"\n"] {
            let mut f = file.clone();
            f.extend(ending);
            let mut want = Vec::new();
            let mut lines = Lines::new(io::BufReader::new(&f[..]));
            let mut buf = Vec::new();
            while let Some(l) = lines.next_line(&mut buf).unwrap() {
                let too_long = matches!(l.kind, Line::TooLong);
                want.push((l.number, l.offset, too_long, l.bytes.to_vec()));
            }
            assert!(want.len() > 60, "{}", want.len());
            for size in [1, 100, 4096, 65_536, 3 << 20] {
                let (tokens, token_rx) = mpsc::channel();
                for _ in 0..10_000 {
                    tokens.send(()).unwrap();
                }
                let mut got = Vec::new();
                let last = read_ahead(&f[..], size, &token_rx, |_, batch| {
                    // A line too long is not held: a batch is at most one line's room
                    // and a block.
                    assert!(batch.bytes.len() <= MAX_LINE + size.max(MIN_BLOCK) + 1);
                    for (number, offset, too_long, at) in batch.lines {
                        got.push((number, offset, too_long, batch.bytes[at].to_vec()));
                    }
                    true
                });
                assert!(matches!(last, Some((_, Msg::End))), "blocks of {size}");
                assert!(got == want, "blocks of {size}, ending {ending:?}");
            }
        }
    }
}
