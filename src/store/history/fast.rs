//! The quick way through a record line, for readers that leave the steps out (tables,
//! CSV, figures): most of a line is its `steps` array, and this steps over it as bytes
//! (checking it is well-formed JSON, as serde would) instead of parsing it; the fields kept
//! are borrowed from the line and each time is parsed once.
//!
//! It reads the lines knotless writes — one JSON object, no spaces, no escapes in the
//! fields it keeps — and gives up (`None`) on anything else: an escaped quote in a title, a
//! number in another form, a field twice, a space. The caller then reads the line with
//! serde as before, so every line is accepted, refused or reported exactly as serde would,
//! and every figure stays the same: the fast way is only ever a shortcut to the same
//! record.

use super::*;

/// The record in `line` (without its newline) as `detail` reads it, or `None` when this
/// line is not one the fast way is sure about.
#[cfg(test)]
pub(crate) fn record(line: &str, detail: Detail) -> Option<SessionRecord> {
    record_reusing(line, detail, &mut Vec::new())
}

/// [`record`], written over one of `spares` (records given back, whose strings keep their
/// room) when there is one: a long history then costs no allocation a record.
pub(crate) fn record_reusing(
    line: &str,
    detail: Detail,
    spares: &mut Vec<SessionRecord>,
) -> Option<SessionRecord> {
    // A control character is only ever an error in JSON, where serde says which one it is:
    // the fast way gives up at one in a string (see `to_quote_or_escape`), and anywhere
    // else it is a byte no token it reads starts with.
    if detail == Detail::Full {
        return None;
    }
    let mut s = Scan {
        text: line,
        b: line.as_bytes(),
        at: 0,
    };
    let mut f = Fields::default();
    s.eat(b'{')?;
    // Where in `WRITTEN` the key a line as written has next is.
    let mut next = 0;
    loop {
        let key = match WRITTEN.get(next) {
            Some(&(written, key)) if s.literal(written) => {
                next += 1;
                key
            }
            _ => {
                let name = s.plain_string()?.as_bytes();
                s.eat(b':')?;
                // `"name":` without its quotes and colon.
                let named = |&(written, _): &(&[u8], Key)| &written[1..written.len() - 2] == name;
                match WRITTEN.iter().position(named) {
                    Some(at) => {
                        next = at + 1;
                        WRITTEN[at].1
                    }
                    None => Key::Other,
                }
            }
        };
        f.read(key, &mut s, detail)?;
        match s.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    // serde allows trailing spaces; the fast way leaves them to it.
    if s.at != line.len() {
        return None;
    }
    f.into_record(spares.pop())
}

/// When the record on `line` starts, as the second pass reads it if it reads the line at
/// all: the fields before `started_at` are passed over (it comes before the steps in a line
/// knotless writes), or serde reads that one field from any other line. `None` when the
/// line has no time to read.
///
/// A control character anywhere makes the line one serde refuses, so what this reads from
/// such a line never matters, and the line is not searched for one.
pub(crate) fn started(line: &str) -> Option<Timestamp> {
    let mut scan = Scan {
        text: line,
        b: line.as_bytes(),
        at: 0,
    };
    if let Some(stamp) = scan.started_at() {
        return Some(stamp.timestamp());
    }
    #[derive(Deserialize)]
    struct Start {
        #[serde(deserialize_with = "record::started_at")]
        started_at: Stamp,
    }
    serde_json::from_str::<Start>(line)
        .ok()
        .map(|s| s.started_at.timestamp())
}

/// [`started`] for a line not yet known to be text: a line that begins as knotless writes
/// it (`{"v":1,"id":"…","kind":"…","routine_id":"…","title":"…","area":"…","started_at":"…"`,
/// every string before the time without an escape) is read straight from its bytes, up to
/// its start time only; any other line as [`started`] reads it.
///
/// Unlike [`started`], it gives the start of a line that is not UTF-8 after all (one serde
/// refuses, so not a record): only for a caller that takes more starts to be stricter.
pub(crate) fn started_in(line: &[u8]) -> Option<Timestamp> {
    let mut s = Scan {
        text: "",
        b: line,
        at: 0,
    };
    match s.written_start() {
        Some(stamp) => Some(stamp.timestamp()),
        None => std::str::from_utf8(line).ok().and_then(started),
    }
}

/// A record's keys, and every other key (from a newer version) as one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    V,
    Id,
    Kind,
    RoutineId,
    Title,
    Area,
    StartedAt,
    EndedAt,
    PlannedSecs,
    ActiveSecs,
    PausedSecs,
    Outcome,
    Steps,
    PainBefore,
    PainAfter,
    Note,
    MigraineBefore,
    Other,
}

/// The keys in the order knotless writes them, each with its quotes and colon: a line as
/// written is read key after key by comparing bytes, and a key out of this order (one
/// left out, one from a newer version) is read as a string and looked up here (any other
/// name is [`Key::Other`]).
const WRITTEN: [(&[u8], Key); 17] = [
    (b"\"v\":", Key::V),
    (b"\"id\":", Key::Id),
    (b"\"kind\":", Key::Kind),
    (b"\"routine_id\":", Key::RoutineId),
    (b"\"title\":", Key::Title),
    (b"\"area\":", Key::Area),
    (b"\"started_at\":", Key::StartedAt),
    (b"\"ended_at\":", Key::EndedAt),
    (b"\"planned_secs\":", Key::PlannedSecs),
    (b"\"active_secs\":", Key::ActiveSecs),
    (b"\"paused_secs\":", Key::PausedSecs),
    (b"\"outcome\":", Key::Outcome),
    (b"\"steps\":", Key::Steps),
    (b"\"pain_before\":", Key::PainBefore),
    (b"\"pain_after\":", Key::PainAfter),
    (b"\"note\":", Key::Note),
    (b"\"migraine_before\":", Key::MigraineBefore),
];

/// The fields of a record as they are found, each at most once.
#[derive(Default)]
struct Fields<'a> {
    v: Option<u32>,
    id: Option<&'a str>,
    kind: Option<Kind>,
    routine_id: Option<&'a str>,
    title: Option<&'a str>,
    area: Option<&'a str>,
    started_at: Option<Stamp>,
    ended_at: Option<Stamp>,
    planned_secs: Option<f64>,
    active_secs: Option<f64>,
    paused_secs: Option<f64>,
    outcome: Option<Outcome>,
    pain_before: Option<Option<u8>>,
    pain_after: Option<Option<u8>>,
    note: Option<Option<&'a str>>,
    migraine_before: Option<bool>,
}

/// Puts a value in its slot; a field seen twice is serde's to report.
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

impl<'a> Fields<'a> {
    fn read(&mut self, key: Key, s: &mut Scan<'a>, detail: Detail) -> Option<()> {
        match key {
            Key::V => set(&mut self.v, u32::try_from(s.whole(u32::MAX.into())?).ok()?),
            Key::Id => set(&mut self.id, s.plain_string()?),
            Key::RoutineId => set(&mut self.routine_id, s.plain_string()?),
            Key::Title => set(&mut self.title, s.plain_string()?),
            Key::Area => set(&mut self.area, s.plain_string()?),
            Key::Kind => set(
                &mut self.kind,
                match s.plain_string()? {
                    "routine" => Kind::Routine,
                    "breathing" => Kind::Breathing,
                    "external" => Kind::External,
                    _ => return None,
                },
            ),
            Key::Outcome => set(
                &mut self.outcome,
                match s.plain_string()? {
                    "completed" => Outcome::Completed,
                    "stopped" => Outcome::Stopped,
                    "interrupted" => Outcome::Interrupted,
                    _ => return None,
                },
            ),
            Key::StartedAt => set(&mut self.started_at, Stamp::parse(s.plain_string()?)?),
            Key::EndedAt => set(&mut self.ended_at, Stamp::parse(s.plain_string()?)?),
            Key::PlannedSecs => set(&mut self.planned_secs, s.secs()?),
            Key::ActiveSecs => set(&mut self.active_secs, s.secs()?),
            Key::PausedSecs => set(&mut self.paused_secs, s.secs()?),
            Key::PainBefore => set(&mut self.pain_before, s.rating()?),
            Key::PainAfter => set(&mut self.pain_after, s.rating()?),
            Key::MigraineBefore => set(
                &mut self.migraine_before,
                if s.literal(b"true") {
                    true
                } else if s.literal(b"false") {
                    false
                } else {
                    return None;
                },
            ),
            Key::Note => {
                let note = if s.literal(b"null") {
                    None
                } else {
                    Some(s.plain_string()?)
                };
                set(&mut self.note, note.filter(|_| detail != Detail::Figures))
            }
            // The steps, and any field from a newer version: checked and passed over, as
            // serde passes over a field the record it reads does not have.
            Key::Steps => s.written_steps(),
            Key::Other => s.skip_value(0),
        }
    }

    /// The record, its strings written into those of `spare` when given.
    fn into_record(self, spare: Option<SessionRecord>) -> Option<SessionRecord> {
        let texts = [self.id?, self.routine_id?, self.title?, self.area?];
        let (rooms, note_room) = match spare {
            Some(s) => ([s.id, s.routine_id, s.title, s.area].map(Some), s.note),
            None => Default::default(),
        };
        let mut rooms = rooms.into_iter();
        let [id, routine_id, title, area] = texts.map(|text| written(rooms.next().flatten(), text));
        Some(SessionRecord {
            v: self.v?,
            id,
            kind: self.kind?,
            routine_id,
            title,
            area,
            started_at: self.started_at?,
            ended_at: self.ended_at?,
            planned_secs: self.planned_secs?,
            active_secs: self.active_secs?,
            paused_secs: self.paused_secs?,
            outcome: self.outcome?,
            steps: Vec::new(),
            pain_before: self.pain_before.flatten(),
            pain_after: self.pain_after.flatten(),
            note: self.note.flatten().map(|note| written(note_room, note)),
            migraine_before: self.migraine_before.unwrap_or(false),
        })
    }
}

/// `text` in `room`'s allocation when there is one (a new one only when it does not fit).
fn written(room: Option<String>, text: &str) -> String {
    match room {
        Some(mut room) => {
            room.clear();
            room.push_str(text);
            room
        }
        None => text.to_string(),
    }
}

/// How deep arrays and objects inside a record may nest before the fast way leaves the
/// line to serde (whose own limit is 128).
const MAX_DEPTH: u32 = 16;

/// Exact powers of ten, for times written with up to 15 digits.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A line being read. A string is looked through up to its first quote, backslash or
/// control character: one that ends at a quote is read as JSON reads it, and one with a
/// control character in it is left to serde (which refuses it).
struct Scan<'a> {
    text: &'a str,
    b: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.b[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    /// Where the next quote, backslash or control character is, from `self.at`: eight
    /// bytes at a time (the strings of a record are short, too short for a vectorised
    /// search to pay for its start). A byte equal to `c` is a zero byte of `w ^ c…c`, and
    /// `z - 1…1 & !z & 80…80` flags the first zero byte of `z` exactly; `w - 20…20 & !w &
    /// 80…80` flags the first byte below 0x20 exactly (a borrow only flags bytes after it).
    #[inline]
    fn to_quote_or_escape(&self) -> Option<usize> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let below = |w: u64, c: u8| w.wrapping_sub(ONES * u64::from(c)) & !w & HIGH;
        let mut i = self.at;
        while let Some(chunk) = self.b.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().ok()?);
            let hit = below(w ^ (ONES * u64::from(b'"')), 1)
                | below(w ^ (ONES * u64::from(b'\\')), 1)
                | below(w, 0x20);
            if hit != 0 {
                return Some(i + hit.trailing_zeros() as usize / 8);
            }
            i += 8;
        }
        let rest = self.b.get(i..)?;
        rest.iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            .map(|j| i + j)
    }

    /// The start of a line as knotless writes it: the keys before `started_at` in their
    /// written order (see [`WRITTEN`]), a whole `v` and strings without an escape.
    fn written_start(&mut self) -> Option<Stamp> {
        self.eat(b'{')?;
        for (i, &(written, key)) in WRITTEN.iter().enumerate() {
            if i > 0 {
                self.eat(b',')?;
            }
            if !self.literal(written) {
                return None;
            }
            if key == Key::V {
                self.whole(u32::MAX.into())?;
                continue;
            }
            self.eat(b'"')?;
            let (start, end) = (self.at, self.to_quote_or_escape()?);
            if self.b[end] != b'"' {
                return None;
            }
            self.at = end + 1;
            if key == Key::StartedAt {
                return Stamp::parse(std::str::from_utf8(&self.b[start..end]).ok()?);
            }
        }
        None
    }

    /// The first top-level `started_at` of an object, the fields before it passed over.
    fn started_at(&mut self) -> Option<Stamp> {
        self.eat(b'{')?;
        loop {
            let key = self.plain_string()?;
            self.eat(b':')?;
            if key == "started_at" {
                return Stamp::parse(self.plain_string()?);
            }
            self.skip_value(0)?;
            self.eat(b',')?;
        }
    }

    /// A string with no escape in it, borrowed from the line.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let end = self.to_quote_or_escape()?;
        if self.b[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // A quote is ASCII, so both ends are on character boundaries.
        self.text.get(start..end)
    }

    /// Any string, escapes included, checked as serde checks a string it ignores.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            self.at = self.to_quote_or_escape()? + 1;
            match self.b[self.at - 1] {
                b'"' => return Some(()),
                b'\\' => {}
                // A control character: serde refuses the line, and says so.
                _ => return None,
            }
            match self.next()? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                b'u' => {
                    let hex = self.b.get(self.at..self.at + 4)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    self.at += 4;
                }
                _ => return None,
            }
        }
    }

    /// Digits, as many as there are; their value (wrapping past 20 digits) and count.
    #[inline]
    fn digits_any(&mut self) -> (u64, usize) {
        let start = self.at;
        let mut value = 0u64;
        while let Some(&c) = self.b.get(self.at)
            && c.is_ascii_digit()
        {
            value = value.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            self.at += 1;
        }
        (value, self.at - start)
    }

    /// Digits with no sign and no leading zero, as JSON writes a whole number.
    fn digits(&mut self) -> Option<(u64, usize)> {
        let start = self.at;
        let (value, n) = self.digits_any();
        (n == 1 || n > 1 && self.b[start] != b'0').then_some((value, n))
    }

    /// A whole number up to `max` (19 digits at most).
    fn whole(&mut self, max: u64) -> Option<u64> {
        let (value, n) = self.digits()?;
        if n > 19 || self.peek().is_some_and(|c| matches!(c, b'.' | b'e' | b'E')) {
            return None;
        }
        (value <= max).then_some(value)
    }

    /// A time in seconds, written as `540.0` or `12`. At most 15 digits and no exponent:
    /// the digits then make an integer that a double holds exactly, and one division by an
    /// exact power of ten is the one rounding — the value serde computes the same way.
    fn secs(&mut self) -> Option<f64> {
        let (whole, fraction, places) = self.decimal()?;
        let value = whole * 10u64.pow(places as u32) + fraction;
        Some(value as f64 / POW10[places])
    }

    /// A time as knotless writes one (`540.0`, `12`): digits with no sign and no leading
    /// zero, then maybe a point and more digits, no exponent, at most 15 digits in all. Its
    /// whole part, the digits after the point as a whole number, and how many they are.
    fn decimal(&mut self) -> Option<(u64, u64, usize)> {
        let (whole, count) = self.digits()?;
        let (mut fraction, mut places) = (0, 0);
        if self.peek() == Some(b'.') {
            self.at += 1;
            (fraction, places) = self.digits_any();
            if places == 0 {
                return None;
            }
        }
        if count + places > 15 || self.peek().is_some_and(|c| matches!(c, b'e' | b'E')) {
            return None;
        }
        Some((whole, fraction, places))
    }

    /// A step's time, written as [`Scan::secs`] reads one, checked without being kept:
    /// `None` unless it is one [`record::implausible_step`] accepts (at most a day).
    ///
    /// No division: digits without a sign are never negative, and with at most 15 of them
    /// the value [`Scan::secs`] would compute is over a day exactly when the written number
    /// is. (A fraction has at most 10 digits after a whole part of 86,400, so a number over
    /// it is over by at least 1e-10, more than the spacing of doubles there, 2^-36, and
    /// stays over once rounded.) So the whole part decides, and 86,400 itself only with no
    /// more than zeros after it.
    fn step_secs(&mut self) -> Option<()> {
        const MAX: u64 = record::MAX_SESSION_SECS as u64;
        // What follows holds for a limit of whole seconds.
        const { assert!(MAX as f64 == record::MAX_SESSION_SECS) };
        let (whole, fraction, _) = self.decimal()?;
        (whole < MAX || whole == MAX && fraction == 0).then_some(())
    }

    /// A head-pain rating as the record holds it: a whole number that fits a byte, or null.
    fn rating(&mut self) -> Option<Option<u8>> {
        if self.literal(b"null") {
            return Some(None);
        }
        Some(Some(u8::try_from(self.whole(u8::MAX.into())?).ok()?))
    }

    /// Past digits; how many there were.
    #[inline]
    fn skip_digits(&mut self) -> usize {
        let n = self.b[self.at..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        self.at += n;
        n
    }

    /// Any JSON number, checked against the grammar.
    fn skip_number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let start = self.at;
        match self.skip_digits() {
            0 => return None,
            1 => {}
            _ if self.b[start] == b'0' => return None,
            _ => {}
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            (self.skip_digits() > 0).then_some(())?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            (self.skip_digits() > 0).then_some(())?;
        }
        Some(())
    }

    /// The steps array: the way knotless writes each step is recognised piece by piece,
    /// and anything else is checked as any other value.
    /// `[{"title":"…","side":"left","planned_secs":90.0,"active_secs":90.0,"status":"done"},…]`
    /// with `side` optional, each step one every reader accepts (its side and status known,
    /// its times ones that can be true); `None` at the first difference, and serde reads
    /// the line, saying why it refuses it if it does.
    fn written_steps(&mut self) -> Option<()> {
        self.eat(b'[')?;
        if self.literal(b"]") {
            return Some(());
        }
        loop {
            self.literal(b"{\"title\":").then_some(())?;
            self.skip_string()?;
            let side = self.literal(b",\"side\":\"left\"") || self.literal(b",\"side\":\"right\"");
            // Another side (or another way to write one) is serde's to judge.
            if !side && self.literal(b",\"side\":") {
                return None;
            }
            self.literal(b",\"planned_secs\":").then_some(())?;
            self.step_secs()?;
            self.literal(b",\"active_secs\":").then_some(())?;
            self.step_secs()?;
            let status = self.literal(b",\"status\":\"done\"}")
                || self.literal(b",\"status\":\"skipped\"}")
                || self.literal(b",\"status\":\"partial\"}");
            status.then_some(())?;
            match self.next()? {
                b',' => continue,
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Steps over one JSON value, checking it as serde checks a value it ignores.
    fn skip_value(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.skip_string(),
            b'-' | b'0'..=b'9' => self.skip_number(),
            b't' => self.literal(b"true").then_some(()),
            b'f' => self.literal(b"false").then_some(()),
            b'n' => self.literal(b"null").then_some(()),
            b'[' => self.skip_items(b']', depth, |s, d| s.skip_value(d)),
            b'{' => self.skip_items(b'}', depth, |s, d| {
                s.skip_string()?;
                s.eat(b':')?;
                s.skip_value(d)
            }),
            _ => None,
        }
    }

    /// The items of an array or an object, after its opening bracket, up to `close`.
    fn skip_items(
        &mut self,
        close: u8,
        depth: u32,
        item: impl Fn(&mut Self, u32) -> Option<()>,
    ) -> Option<()> {
        self.at += 1;
        if self.peek()? == close {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self, depth + 1)?;
            match self.next()? {
                b',' => continue,
                c if c == close => return Some(()),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The fast way must only ever be a shortcut: for any line, when it gives a record,
    //! serde gives the same record (and it gives one for every line knotless writes).

    use super::*;
    use crate::model::record::{StepRecord, StepStatus};
    use crate::model::routine::Side;
    use proptest::prelude::*;

    /// What serde makes of the line for `detail`, the way [`Records`] reads it.
    fn serde_way(text: &str, detail: Detail) -> Option<SessionRecord> {
        // Every reader refuses a record with a step that cannot be true.
        let full = serde_json::from_str::<SessionRecord>(text).ok()?;
        if full
            .steps
            .iter()
            .any(|s| record::implausible_step(s.planned_secs, s.active_secs).is_some())
        {
            return None;
        }
        let mut r: SessionRecord = serde_json::from_str::<RecordNoSteps>(text).ok()?.into();
        if detail == Detail::Figures {
            r.note = None;
        }
        Some(r)
    }

    /// The fast way's record, which must be the same written over a record given back.
    fn fast_way(text: &str, detail: Detail) -> Option<SessionRecord> {
        let fresh = record(text, detail);
        let mut spare = serde_json::from_str::<SessionRecord>(SPARE).unwrap();
        spare.title = "a title longer than most, to be written over".repeat(3);
        let reused = record_reusing(text, detail, &mut vec![spare]);
        assert_eq!(fresh, reused, "{text}");
        let mut r = fresh?;
        if detail == Detail::Figures {
            r.note = None;
        }
        Some(r)
    }

    /// A record with every field, steps and a note, to be written over.
    const SPARE: &str = r#"{"v":1,"id":"20261124T160500123Z-3f9a2c1b7d04","kind":"breathing","routine_id":"box","title":"Box","area":"breath","started_at":"2026-11-24T17:05:00+01:00","ended_at":"2026-11-24T17:15:00+01:00","planned_secs":600.0,"active_secs":598.25,"paused_secs":3.0,"outcome":"stopped","steps":[{"title":"Hold","side":"left","planned_secs":90.0,"active_secs":90.0,"status":"done"}],"pain_before":6,"pain_after":3,"note":"A note to be written over.","migraine_before":true}"#;

    /// Compared as JSON, so that even the sign of a zero would show.
    fn same(a: &SessionRecord, b: &SessionRecord) -> bool {
        serde_json::to_string(a).unwrap() == serde_json::to_string(b).unwrap()
    }

    fn stamp() -> impl Strategy<Value = Stamp> {
        (0i64..4_000_000_000, -50_400i32..50_400).prop_map(|(secs, off)| {
            let ts = jiff::Timestamp::from_second(secs).unwrap();
            let tz = jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(off).unwrap());
            Stamp::new(ts, &tz)
        })
    }

    fn secs() -> impl Strategy<Value = f64> {
        prop_oneof![
            (0u32..90_000).prop_map(f64::from),
            (0u64..90_000_000).prop_map(|ms| ms as f64 / 1000.0),
            any::<f64>().prop_filter("finite", |f| f.is_finite()),
            Just(1e21),
            Just(-0.0),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ,.-]{0,30}",
            any::<String>(),
            "[\"\\\\\u{1}\u{7f}é—a]{0,8}",
        ]
    }

    fn session() -> impl Strategy<Value = SessionRecord> {
        let kind = prop_oneof![
            Just(Kind::Routine),
            Just(Kind::Breathing),
            Just(Kind::External)
        ];
        let outcome = prop_oneof![
            Just(Outcome::Completed),
            Just(Outcome::Stopped),
            Just(Outcome::Interrupted)
        ];
        let step = (text(), secs(), secs(), any::<Option<bool>>()).prop_map(|(t, p, a, side)| {
            StepRecord {
                title: t,
                side: side.map(|l| if l { Side::Left } else { Side::Right }),
                planned_secs: p,
                active_secs: a,
                status: StepStatus::Done,
            }
        });
        (
            (text(), kind, text(), text(), text(), stamp(), stamp()),
            (secs(), secs(), secs(), outcome),
            (
                prop::collection::vec(step, 0..4),
                any::<Option<u8>>(),
                any::<Option<u8>>(),
                prop::option::of(text()),
                0u32..3,
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (id, kind, routine_id, title, area, started_at, ended_at),
                    (planned_secs, active_secs, paused_secs, outcome),
                    (steps, pain_before, pain_after, note, v, migraine_before),
                )| SessionRecord {
                    v,
                    id,
                    kind,
                    routine_id,
                    title,
                    area,
                    started_at,
                    ended_at,
                    planned_secs,
                    active_secs,
                    paused_secs,
                    outcome,
                    steps,
                    pain_before,
                    pain_after,
                    note,
                    migraine_before,
                },
            )
    }

    /// A record and its line as knotless writes it, or the same fields another way: keys
    /// in another order, with a field from a newer version.
    fn written() -> impl Strategy<Value = (SessionRecord, String)> {
        let extra = prop_oneof![
            Just(serde_json::json!(null)),
            Just(serde_json::json!([1, -2.5e3, "x\"y", {"a": [true, false]}])),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            text().prop_map(|t| serde_json::json!({ "steps": t })),
        ];
        (session(), any::<bool>(), extra).prop_map(|(r, other_way, extra)| {
            let l = if other_way {
                let mut v = serde_json::to_value(&r).unwrap();
                v.as_object_mut().unwrap().insert("later".into(), extra);
                v.to_string()
            } else {
                serde_json::to_string(&r).unwrap()
            };
            (r, l)
        })
    }

    fn line() -> impl Strategy<Value = String> {
        written().prop_map(|(_, l)| l)
    }

    /// Whether the fast way should read this record's line: no kept text that JSON must
    /// escape, and times written with at most 15 digits, no sign and no exponent.
    fn plain(r: &SessionRecord) -> bool {
        let text_ok = |t: &str| !t.chars().any(|c| c == '"' || c == '\\' || c < ' ');
        let secs_ok = |f: f64| {
            let w = serde_json::to_string(&f).unwrap();
            !w.contains(['e', 'E', '-']) && w.bytes().filter(u8::is_ascii_digit).count() <= 15
        };
        [&r.id, &r.routine_id, &r.title, &r.area]
            .iter()
            .all(|t| text_ok(t))
            && r.note.as_deref().is_none_or(text_ok)
            && [r.planned_secs, r.active_secs, r.paused_secs]
                .into_iter()
                .all(secs_ok)
            // A step's times are read, to be checked, as the record's are.
            && r
                .steps
                .iter()
                .all(|s| secs_ok(s.planned_secs) && secs_ok(s.active_secs))
    }

    /// Damage as files get it: bytes dropped, doubled, or replaced by JSON's own —
    /// anywhere, or (half the time) where a value starts or ends, with the bytes that
    /// turn a number or a string into something else.
    fn damaged() -> impl Strategy<Value = String> {
        let anywhere = prop::sample::select(b"\"\\{}[],:0123-.eEnult \t\x01\xc3".to_vec());
        let at_values = prop::sample::select(b"0-.eE+ \"\\".to_vec());
        let edit = (any::<prop::sample::Index>(), 0u8..3, anywhere, at_values);
        let edits = prop::collection::vec(edit, 1..4);
        (line(), edits, any::<bool>()).prop_map(|(l, edits, at_value)| {
            let mut b = l.into_bytes();
            for (at, how, any_byte, value_byte) in edits {
                let edges: Vec<usize> = (1..b.len())
                    .filter(|&i| b[i - 1] == b':' || matches!(b[i], b',' | b'}'))
                    .collect();
                let (i, byte) = if at_value && !edges.is_empty() {
                    (edges[at.index(edges.len())], value_byte)
                } else {
                    (at.index(b.len() + 1), any_byte)
                };
                match how {
                    0 if i < b.len() => {
                        b.remove(i);
                    }
                    1 => b.insert(i, byte),
                    _ if i < b.len() => b[i] = byte,
                    _ => {}
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn a_written_line_takes_the_fast_way_when_it_can((r, l) in written()) {
            for detail in [Detail::NoSteps, Detail::Figures] {
                let fast = fast_way(&l, detail);
                // A step that cannot be true: every reader refuses the line.
                let Some(slow) = serde_way(&l, detail) else {
                    prop_assert!(fast.is_none(), "{}", l);
                    continue;
                };
                // Steps are recognised only as knotless writes them: a line written another
                // way (its keys sorted) with steps goes to serde.
                let as_written = serde_json::to_string(&r).unwrap() == l;
                let expected = plain(&r) && (as_written || r.steps.is_empty());
                prop_assert_eq!(fast.is_some(), expected, "{}", l);
                if let Some(fast) = fast {
                    prop_assert!(same(&fast, &slow), "{}", l);
                }
            }
        }

        #[test]
        fn a_start_read_from_the_bytes_is_the_start_read_from_the_text(
            l in prop_oneof![line(), damaged()],
        ) {
            prop_assert_eq!(started_in(l.as_bytes()), started(&l), "{}", l);
        }

        #[test]
        fn the_fast_way_never_differs_from_serde(l in prop_oneof![line(), damaged()]) {
            for detail in [Detail::NoSteps, Detail::Figures] {
                if let Some(fast) = fast_way(&l, detail) {
                    let slow = serde_way(&l, detail);
                    prop_assert!(slow.is_some(), "fast way took a line serde refuses: {l}");
                    prop_assert!(same(&fast, &slow.unwrap()), "{l}");
                }
            }
        }
    }

    /// Lines one change away from a good one, each where a hand-made reader could go
    /// wrong: the fast way refuses what serde refuses and reads the rest as serde does.
    #[test]
    fn near_misses_are_read_as_serde_reads_them() {
        let good = r#"{"v":1,"id":"a","kind":"routine","routine_id":"neck","title":"Neck","area":"neck","started_at":"2026-11-24T17:05:00+01:00","ended_at":"2026-11-24T17:15:00+01:00","planned_secs":600.0,"active_secs":598.25,"paused_secs":0.0,"outcome":"completed","steps":[],"pain_before":6,"note":"ok"}"#;
        // Each change, and whether the fast way is meant to read the line (when serde
        // does) or to leave it to serde.
        let changes = [
            (r#""v":1"#, r#""v":01"#, true),
            (r#""v":1"#, r#""v":1.0"#, true),
            (r#""v":1"#, r#""v":-1"#, true),
            (r#""v":1"#, r#""v":4294967296"#, true),
            (r#""pain_before":6"#, r#""pain_before":06"#, true),
            (r#""pain_before":6"#, r#""pain_before":256"#, true),
            (r#""pain_before":6"#, r#""pain_before":6.0"#, true),
            (r#""pain_before":6"#, r#""pain_before":null"#, true),
            (r#""planned_secs":600.0"#, r#""planned_secs":0600.0"#, true),
            (r#""planned_secs":600.0"#, r#""planned_secs":600."#, true),
            (r#""planned_secs":600.0"#, r#""planned_secs":600"#, true),
            (r#""planned_secs":600.0"#, r#""planned_secs":6e2"#, false),
            (r#""planned_secs":600.0"#, r#""planned_secs":-0"#, false),
            (
                r#""planned_secs":600.0"#,
                r#""planned_secs":0.1000000000000000055"#,
                false,
            ),
            (r#""title":"Neck""#, r#""title":"Ne\"ck""#, false),
            (r#""title":"Neck""#, r#""title":"Ne\u0063k""#, false),
            (
                r#""title":"Neck""#,
                r#""title":"Neck","title":"Neck""#,
                true,
            ),
            (r#""kind":"routine""#, r#""kind":"Routine""#, true),
            (r#""steps":[]"#, r#""steps":[01]"#, true),
            (r#""steps":[]"#, r#""steps":[1,]"#, true),
            (r#""steps":[]"#, r#""steps":["\x"]"#, true),
            (r#""steps":[]"#, r#""steps":["\u00e9\"",-1.5e-3]"#, true),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"a"}],"steps":[]"#,
                true,
            ),
            (r#""steps":[]"#, r#""steps":[true,nul]"#, true),
            (r#""note":"ok""#, r#""note":"o\nk""#, false),
            (r#""note":"ok""#, r#""note":null"#, true),
            (r#""id":"a""#, r#""id":"a ""#, true),
            ("}", "} ", false),
            ("}", "}}", true),
            // Control characters as they are, in each kind of string and between tokens:
            // serde refuses every one of these lines, and the fast way must too.
            ("\"title\":\"Neck\"", "\"title\":\"Ne\u{1}ck\"", true),
            ("\"note\":\"ok\"", "\"note\":\"o\tk\"", true),
            ("\"id\":\"a\"", "\"id\":\"a\u{1f}\"", true),
            ("\"area\"", "\"ar\u{7}ea\"", true),
            (",\"area\"", ",\t\"area\"", false),
            (
                "\"steps\":[]",
                "\"steps\":[{\"title\":\"Ho\u{7}ld\",\"planned_secs\":90.0,\"active_secs\":90.0,\"status\":\"done\"}]",
                true,
            ),
            ("\"steps\":[]", "\"steps\":[\"\\\u{1}\"]", true),
            // A step's times at and past a day, and written in other ways.
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":86400.0,"active_secs":86400.0,"status":"done"}]"#,
                true,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":86400,"active_secs":0.0,"status":"done"}]"#,
                true,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":86400.000,"active_secs":86399.9999999999,"status":"done"}]"#,
                true,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":86400.0000000001,"active_secs":1.0,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":86401,"active_secs":1.0,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":1.0,"active_secs":86400.5,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":1.0,"active_secs":100000,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":90.,"active_secs":1.0,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":090.0,"active_secs":1.0,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":1.0,"active_secs":9e1,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":123456789012345.6,"active_secs":1.0,"status":"done"}]"#,
                false,
            ),
            (
                r#""steps":[]"#,
                r#""steps":[{"title":"Hold","planned_secs":0.00000000000000,"active_secs":0.0,"status":"done"}]"#,
                true,
            ),
        ];
        for (from, to, meant) in changes {
            let l = good.replacen(from, to, 1);
            for detail in [Detail::NoSteps, Detail::Figures] {
                let slow = serde_way(&l, detail);
                match fast_way(&l, detail) {
                    Some(fast) => assert!(
                        slow.is_some_and(|s| same(&fast, &s)),
                        "the fast way read {l} otherwise than serde"
                    ),
                    None => assert!(
                        slow.is_none() || !meant,
                        "the fast way gave up on {l}, which it should read"
                    ),
                }
            }
        }
    }

    #[test]
    fn a_record_as_written_is_read_the_fast_way() {
        let l = r#"{"v":1,"id":"20261124T160500123Z-3f9a2c1b7d04","kind":"routine","routine_id":"neck","title":"Neck","area":"neck","started_at":"2026-11-24T17:05:00+01:00","ended_at":"2026-11-24T17:15:00+01:00","planned_secs":600.0,"active_secs":598.25,"paused_secs":0.0,"outcome":"completed","steps":[{"title":"Hold \"gently\"","side":"left","planned_secs":90.0,"active_secs":90.0,"status":"done"}],"pain_before":6,"pain_after":3,"note":"Better."}"#;
        let r = record(l, Detail::NoSteps).expect("the fast way");
        assert_eq!(r.note.as_deref(), Some("Better."));
        assert_eq!(r.active_secs, 598.25);
        assert!(same(&r, &serde_way(l, Detail::NoSteps).unwrap()));
        assert_eq!(record(l, Detail::Figures).unwrap().note, None);
        assert!(record(l, Detail::Full).is_none());
        // Its start, read from its bytes as written.
        let mut scan = Scan {
            text: "",
            b: l.as_bytes(),
            at: 0,
        };
        assert_eq!(scan.written_start(), Some(r.started_at));
        assert_eq!(started_in(l.as_bytes()), Some(r.started()));
    }
}
