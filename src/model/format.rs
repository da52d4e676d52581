//! How durations, dates and counts are written for people — stated once, used by every
//! screen and command.
//!
//! Times have two forms, and one rounding rule:
//! - a *clock* ("0:13", "12:05", "1:02:03") for exact times — a countdown, the active time of
//!   a session or a step, a planned step length;
//! - a *length in words* ("45 s", "14 min", "1 h 5 min") for amounts in lists and prose.
//!
//! Dates have two forms too, for people: a *day* ("Tue 24 Nov") and a *day and time*
//! ("Tue 24 Nov 17:05"), each with the year ("Tue 24 Nov 2025") when it is not this year.
//! Files and `--json` keep RFC 3339 and ISO dates; nothing else makes up its own.
//!
//! Rounding: a time spent counts the whole seconds that have passed (13.95 s is 0:13, in the
//! finish screen, history, plain mode and reports alike). A time left is the planned length
//! minus those whole seconds — rounded up, so spent and left add up to the plan and a
//! countdown shows 0:00 only when the time is up. Lengths in words are whole seconds under a
//! minute, then the nearest minute.
//!
//! Every other figure shown — an average, a rate, minutes, sessions a week — is rounded
//! once, from its exact value, by [`round_half_away`] (written by [`fmt_fixed`]): the figures
//! keep their exact values until they are written, and every writer (the screens, `stats`,
//! `stats --json`, `report` in each format) rounds them with this one function to the
//! precision stated beside each figure, so no two places can show one figure differently.

use std::time::Duration;

/// Whole seconds of a time spent (rounded down). A negative, huge or not-a-number value
/// read from a file counts as nothing rather than panicking.
pub fn whole_secs(secs: f64) -> u64 {
    if secs.is_finite() && secs > 0.0 {
        secs.min(1e12).floor() as u64
    } else {
        0
    }
}

/// Times spent added up exactly: a sum of stored seconds (a record's `active_secs`) held in
/// whole microseconds, so three sessions of 3.2, 22.9 and 3.9 s are 30 s — half a minute,
/// written "1 min" — where adding the seconds as floating point gave 29.999… ("29 s",
/// "0 min"). Each time is taken to the nearest microsecond (the history keeps thousandths);
/// the sum is rounded only where it is written, as every figure is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeSum(u64);

impl TimeSum {
    /// Ten years of seconds: no sum of real sessions comes near it.
    const MAX_SECS: f64 = 1e12;

    /// One stored time. A negative, not-a-number or infinite one (hand-edited) counts as
    /// nothing.
    pub fn of_secs(secs: f64) -> TimeSum {
        if secs.is_finite() && secs > 0.0 {
            TimeSum((secs.min(Self::MAX_SECS) * 1e6).round() as u64)
        } else {
            TimeSum(0)
        }
    }

    /// Adds one stored time.
    pub fn add_secs(&mut self, secs: f64) {
        *self += TimeSum::of_secs(secs);
    }

    /// The exact sum in seconds, for the writers ([`fmt_length_secs`], `json::secs`).
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The exact sum in minutes (one division, rounded where it is written).
    pub fn minutes(self) -> f64 {
        self.0 as f64 / 6e7
    }
}

impl std::ops::AddAssign for TimeSum {
    fn add_assign(&mut self, other: TimeSum) {
        self.0 = self.0.saturating_add(other.0);
    }
}

impl std::iter::Sum for TimeSum {
    fn sum<I: Iterator<Item = TimeSum>>(iter: I) -> TimeSum {
        iter.fold(TimeSum::default(), |mut sum, t| {
            sum += t;
            sum
        })
    }
}

/// Whole seconds of a time left (rounded up; see the module's rounding rule).
pub fn secs_left(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// A clock-style time from whole seconds: "0:13", "12:05", and from an hour on "1:02:03".
pub fn clock(secs: u64) -> String {
    let mut s = String::new();
    write_clock(&mut s, secs);
    s
}

/// [`clock`] written onto `s`.
pub fn write_clock(s: &mut String, secs: u64) {
    if secs >= 3600 {
        push_digits(s, secs / 3600, 1);
        s.push(':');
        push_digits(s, secs / 60 % 60, 2);
    } else {
        push_digits(s, secs / 60, 1);
    }
    s.push(':');
    push_digits(s, secs % 60, 2);
}

/// `n` in decimal onto `s`, with leading zeros to `min` digits (as `{n:0min$}` writes it,
/// without the formatting machinery: tables of a long history write several a row).
pub fn push_digits(s: &mut String, mut n: u64, min: usize) {
    // Most numbers written are one or two digits: a day, an hour, a rating.
    const PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    if n < 100 && min <= 2 {
        let n = n as usize;
        let from = if n < 10 && min < 2 { 2 * n + 1 } else { 2 * n };
        s.push_str(&PAIRS[from..2 * n + 2]);
        return;
    }
    // Longer ones (a year, a time in seconds) two digits at a time, from the last.
    let pairs = PAIRS.as_bytes();
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while n >= 10 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&pairs[pair..pair + 2]);
    }
    if n > 0 {
        at -= 1;
        buf[at] = b'0' + n as u8;
    }
    // The buffer is zeros before the digits: as many as `min` asks for, and one for 0.
    let at = at.min(buf.len() - min.clamp(1, buf.len()));
    // Only ASCII digits were written.
    s.push_str(std::str::from_utf8(&buf[at..]).unwrap_or_default());
}

/// `date` written as its `Display` writes it (`2026-11-24`), straight from its numbers for
/// a year 0-9999 (the CSV writes one a row, and two more in its stamps).
pub fn write_date(s: &mut String, date: jiff::civil::Date) {
    if !(0..=9999).contains(&date.year()) {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = write!(s, "{date}");
        return;
    }
    push_digits(s, date.year() as u64, 4);
    s.push('-');
    push_digits(s, date.month() as u64, 2);
    s.push('-');
    push_digits(s, date.day() as u64, 2);
}

/// `v` written as `{v}` writes it (`540`, `41.5`), without the formatting machinery for
/// the times a record holds: whole numbers and tenths below 10^14 (a CSV of a long history
/// writes three a row). Any other value is written by `{v}` itself.
pub fn write_secs(s: &mut String, v: f64) {
    if v.is_sign_positive() && v < 1e14 {
        if v.fract() == 0.0 {
            push_digits(s, v as u64, 1);
            return;
        }
        // One decimal that reads back as `v` is the shortest way to write it: below 10^14
        // no whole number is near enough to a value with a fraction to read back as it,
        // and the tenths are a whole number a double holds exactly.
        let tenths = (v * 10.0).round();
        if tenths / 10.0 == v {
            let tenths = tenths as u64;
            push_digits(s, tenths / 10, 1);
            s.push('.');
            push_digits(s, tenths % 10, 1);
            return;
        }
    }
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(s, "{v}");
}

/// A time spent or planned, as a clock ("1:30").
pub fn fmt_clock(d: Duration) -> String {
    clock(d.as_secs())
}

/// A time spent or planned stored as seconds (a record's `active_secs`), as a clock.
pub fn fmt_clock_secs(secs: f64) -> String {
    clock(whole_secs(secs))
}

/// A time left, as a clock (rounded up).
pub fn fmt_left(d: Duration) -> String {
    clock(secs_left(d))
}

/// A length in words: "45 s" under a minute, then "14 min", "1 h 5 min".
pub fn fmt_length(d: Duration) -> String {
    fmt_length_secs(d.as_secs_f64())
}

/// [`fmt_length`] of seconds as stored.
pub fn fmt_length_secs(secs: f64) -> String {
    let s = whole_secs(secs);
    if s < 60 {
        return format!("{s} s");
    }
    // The nearest minute of the exact time (the same as of its whole seconds: a half
    // minute is a whole number of seconds).
    let m = round_half_away(secs.min(1e12) / 60.0, 0) as u64;
    if m < 60 {
        format!("{m} min")
    } else if m.is_multiple_of(60) {
        format!("{} h", m / 60)
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

/// The "s" that makes a count's noun plural: `format!("{n} session{}", plural(n))`.
pub fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "1 breath", "6 breaths": a step or round counted in breaths, written one way.
pub fn fmt_breaths(n: u32) -> String {
    format!("{n} breath{}", plural(n))
}

/// A day for people: "Tue 24 Nov", or "Tue 24 Nov 2025" when it is not `today`'s year.
pub fn fmt_day(date: jiff::civil::Date, today: jiff::civil::Date) -> String {
    let mut s = String::new();
    write_day(&mut s, date, today.year());
    s
}

/// A day and a time for people: "Tue 24 Nov 17:05", or "Tue 24 Nov 2025 17:05" when it is
/// not `now`'s year. Give both in the zone to show them in.
pub fn fmt_day_time(at: &jiff::Zoned, now: &jiff::Zoned) -> String {
    let mut s = String::new();
    write_day_time(&mut s, at.datetime(), now.year());
    s
}

/// [`fmt_day`] written onto `s` (`this_year`: today's), without a string of its own: a
/// table of a long history writes one a row.
pub fn write_day(s: &mut String, date: jiff::civil::Date, this_year: i16) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    s.push_str(DAYS[usize::from(date.weekday().to_monday_zero_offset() as u8)]);
    s.push(' ');
    push_digits(s, date.day() as u64, 1);
    s.push(' ');
    s.push_str(MONTHS[usize::from(date.month() as u8 - 1)]);
    match date.year() {
        y if y == this_year => {}
        y @ 0..=9999 => {
            s.push(' ');
            push_digits(s, y as u64, 4);
        }
        _ => {
            use std::fmt::Write as _;
            // Writing into a String cannot fail.
            let _ = write!(s, " {}", date.strftime("%Y"));
        }
    }
}

/// [`fmt_day_time`] written onto `s` (see [`write_day`]).
pub fn write_day_time(s: &mut String, at: jiff::civil::DateTime, this_year: i16) {
    write_day(s, at.date(), this_year);
    s.push(' ');
    push_digits(s, at.hour() as u64, 2);
    s.push(':');
    push_digits(s, at.minute() as u64, 2);
}

/// "today", "yesterday", "3 days ago" ("in 2 days" for a clock that was ahead).
pub fn fmt_days_ago(days: i32) -> String {
    match days {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        -1 => "tomorrow".to_string(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

/// How many terminal columns `text` takes: a CJK character or most emoji two, a combining
/// mark none. Every column rule below, and every writer that lines text up, counts this way.
pub fn width(text: &str) -> usize {
    if printable_ascii(text) {
        return text.len();
    }
    textwrap::core::display_width(text)
}

/// Whether every character is printable ASCII, one column each: most titles, areas and
/// figures, measured and cut without looking at each character's width.
fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' '..=b'~'))
}

/// `text` on one line, cut to at most `max` columns with "…" at the cut; never padded.
/// Control characters and bidi overrides ([`is_unsafe_char`]) become spaces first, so what
/// is measured is what is shown and a tab from a hand-edited file cannot break a column.
pub fn cut(text: &str, max: usize) -> String {
    if !printable_ascii(text) {
        return cut_chars(text, max);
    }
    if text.len() <= max {
        text.to_string()
    } else if max > 0 {
        format!("{}…", &text[..max - 1])
    } else {
        String::new()
    }
}

/// [`cut`] character by character, measuring each.
fn cut_chars(text: &str, max: usize) -> String {
    let clean = |c: char| {
        if c.is_control() || is_unsafe_char(c) {
            ' '
        } else {
            c
        }
    };
    let mut buf = [0u8; 4];
    let mut col = |c: char| textwrap::core::display_width(c.encode_utf8(&mut buf));
    let total: usize = text.chars().map(|c| col(clean(c))).sum();
    if total <= max {
        return text.chars().map(clean).collect();
    }
    // Room for the ellipsis; a wide character that would straddle the edge is left out.
    let room = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars().map(clean) {
        let w = col(c);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// `text` padded with spaces on the right to `w` columns (nothing cut).
pub fn pad(text: &str, w: usize) -> String {
    format!("{text}{}", " ".repeat(w.saturating_sub(width(text))))
}

/// `text` padded with spaces on the left to `w` columns (nothing cut): numbers line up.
pub fn pad_left(text: &str, w: usize) -> String {
    format!("{}{text}", " ".repeat(w.saturating_sub(width(text))))
}

/// `text` [`cut`] to `w` columns and padded to exactly that width, so columns line up
/// whatever the text holds: the one rule every screen and command uses for a cell.
pub fn fit(text: &str, w: usize) -> String {
    pad(&cut(text, w), w)
}

/// [`fit`], with the text against the right edge.
pub fn fit_right(text: &str, w: usize) -> String {
    pad_left(cut(text, w).trim_end(), w)
}

/// Whether `c` must never reach a terminal from data: C0 controls other than newline and
/// tab (ESC starts every escape sequence; a carriage return is kept only right before a
/// newline, where it ends a CSV or raw-mode line), DEL, C1 controls (U+0080–U+009F: CSI, OSC …), and
/// the bidirectional formatting characters that make text display in another order than
/// it is stored (U+202E "right-to-left override" and its kin), and the invisible
/// characters that take no room at all — zero width space (U+200B), word joiner (U+2060),
/// the byte order mark or zero width no-break space (U+FEFF), the invisible operators
/// (U+2061–U+2064), the deprecated format characters (U+206A–U+206F), the soft hyphen
/// (U+00AD), the Mongolian vowel separator (U+180E), the Hangul fillers (U+115F, U+1160,
/// U+3164, U+FFA0), the interlinear annotation marks (U+FFF9–U+FFFB) and the tag characters
/// (U+E0000–U+E007F, which can spell a whole hidden word) — which make two texts that look
/// the same differ, or hide a word inside another — and the line and paragraph separators
/// (U+2028, U+2029), which some terminals take as a line break the screen does not know
/// of. (The zero width joiner and non-joiner stay: emoji and several scripts need them.)
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{ad}'
        | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}' | '\u{200b}' | '\u{200e}'
        | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{3164}' | '\u{feff}' | '\u{ffa0}'
        | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}')
}

/// What stands in for an unsafe character in text for people: visible, one column wide.
pub const REPLACEMENT: char = '\u{fffd}';

/// `text` with every character [`is_unsafe_char`] replaced by [`REPLACEMENT`]. The one
/// function every text writer uses (command output, plain mode, warnings and errors, the
/// app's screens), so no routine, file name or history record can move the cursor, clear
/// the screen, set the window title, write the clipboard or reorder what is shown.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if !unsafe_positions(text).any(|_| true) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (i, c) in unsafe_positions(text) {
        out.push_str(&text[start..i]);
        out.push(REPLACEMENT);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
    std::borrow::Cow::Owned(out)
}

/// The unsafe characters of `text` and where they are; `\r` counts unless a `\n` follows.
/// (Printable ASCII, newline and tab are passed over byte by byte: they are nearly all of
/// what commands print, and none of them is unsafe.)
pub fn unsafe_positions(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(at) {
            // Eight printable ASCII bytes at once (most of what a command writes).
            if let Some(word) = bytes.get(at..at + 8)
                && printable_word(u64::from_le_bytes(word.try_into().ok()?))
            {
                at += 8;
                continue;
            }
            if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
                at += 1;
                continue;
            }
            let c = text[at..].chars().next()?;
            let i = at;
            at += c.len_utf8();
            if is_unsafe_char(c) && !(c == '\r' && bytes.get(i + 1) == Some(&b'\n')) {
                return Some((i, c));
            }
        }
        None
    })
}

/// Whether all eight bytes of `w` are printable ASCII (0x20 to 0x7e): `w - 0x20…20` borrows
/// into the top bit of a byte below 0x20 (and `!w` keeps only bytes that had it clear), and
/// `w + 0x01…01` carries into the top bit of 0x7f; a byte from 0x80 has it set already.
/// A borrow or carry only ever crosses from a byte already found.
fn printable_word(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = w.wrapping_sub(ONES * 0x20) & !w;
    let high = w.wrapping_add(ONES) | w;
    (low | high) & HIGH == 0
}

/// How a [`SafeWriter`] writes an unsafe character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neutralise {
    /// As [`REPLACEMENT`] (text for people).
    Replace,
    /// As a JSON escape (`\u202e`): serde already escapes C0, and the rest can only be
    /// inside strings, so the output stays the same JSON with the same values.
    JsonEscape,
}

/// A writer that passes everything through [`neutralise`] (or escapes for JSON) on its way
/// to `inner`: wrapped around stdout and stderr, it covers every line a command prints.
/// Bytes that are not UTF-8 are replaced too; a character split across two writes is held
/// until its end arrives.
pub struct SafeWriter<W: std::io::Write> {
    inner: W,
    mode: Neutralise,
    /// The start of a character whose remaining bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: std::io::Write> SafeWriter<W> {
    pub fn new(inner: W, mode: Neutralise) -> Self {
        SafeWriter {
            inner,
            mode,
            pending: Vec::new(),
        }
    }

    /// What was written through it (a buffer's bytes).
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Writes `bytes` as they are, past the neutraliser: only for a control the program
    /// itself means to send (plain mode's bell), never for text from a file.
    pub fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        std::io::Write::flush(self)?;
        self.inner.write_all(bytes)?;
        self.inner.flush()
    }

    /// Writes `text`; true when a final `\r` was held back (see [`SafeWriter::write`]).
    fn emit(&mut self, text: &str) -> std::io::Result<bool> {
        // A carriage return at the very end may be the first half of "\r\n".
        let (text, held) = match text.strip_suffix('\r') {
            Some(t) => (t, true),
            None => (text, false),
        };
        let mut start = 0;
        for (i, c) in unsafe_positions(text) {
            self.inner.write_all(&text.as_bytes()[start..i])?;
            match self.mode {
                Neutralise::Replace => write!(self.inner, "{REPLACEMENT}")?,
                Neutralise::JsonEscape => write!(self.inner, "\\u{:04x}", c as u32)?,
            }
            start = i + c.len_utf8();
        }
        self.inner.write_all(&text.as_bytes()[start..])?;
        Ok(held)
    }
}

impl<W: std::io::Write> std::io::Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Only a character cut off by the last write is copied; everything else is looked
        // at where it is.
        let joined;
        let mut rest: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            let mut bytes = std::mem::take(&mut self.pending);
            bytes.extend_from_slice(buf);
            joined = bytes;
            &joined
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    if self.emit(text)? {
                        self.pending.push(b'\r');
                    }
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let text = std::str::from_utf8(&rest[..good]).expect("checked");
                    let held = self.emit(text)?;
                    match e.error_len() {
                        Some(n) => {
                            if held {
                                write!(self.inner, "{REPLACEMENT}")?;
                            }
                            write!(self.inner, "{REPLACEMENT}")?;
                            rest = &rest[good + n..];
                        }
                        // Cut off at the end: the rest of the character comes next write.
                        None => {
                            if held {
                                self.pending.push(b'\r');
                            }
                            self.pending.extend_from_slice(&rest[good..]);
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            write!(self.inner, "{REPLACEMENT}")?;
        }
        self.inner.flush()
    }
}

/// A number read from a file, for a message about it: as short as it can be written and
/// still read back the same — `1e308` as it was written, not 309 digits; `-4.5`; `NaN` —
/// which is never longer than 24 characters.
pub fn fmt_as_read(v: f64) -> String {
    format!("{v:?}")
}

/// `x` rounded to `places` decimals, half away from zero: the one rounding of every figure
/// shown (see the module's rounding rule). It rounds the exact decimal the number stands
/// for — the shortest decimal that reads back as `x` — so an average of 3.25 is 3.3, and
/// 5.35 (which a binary float holds as 5.3499999…) is 5.4, never 5.3. Not-a-number and
/// infinities come back as they are.
pub fn round_half_away(x: f64, places: u8) -> f64 {
    match rounded_digits(x, places) {
        Some(d) => d.to_string().parse().unwrap_or(x),
        None => x,
    }
}

/// `x` rounded by [`round_half_away`] and written with exactly `places` decimals ("3.3",
/// "12", "0.5"); a negative value with an ASCII minus, and "0.0" never as "-0.0". Not a
/// number or an infinity reads "–".
pub fn fmt_fixed(x: f64, places: u8) -> String {
    rounded_digits(x, places).map_or_else(|| "–".to_string(), |d| d.to_string())
}

/// A signed change with a real minus sign, to one decimal: "−1.9", "+0.5", "0.0".
pub fn fmt_change(change: f64) -> String {
    match rounded_digits(change, 1) {
        None => "0.0".to_string(),
        Some(d) if d.is_zero() => "0.0".to_string(),
        Some(d) if d.negative => format!("−{}", d.magnitude()),
        Some(d) => format!("+{}", d.magnitude()),
    }
}

/// A number rounded to a fixed number of decimals: its sign and its digits, the last
/// `places` of them after the point.
struct Rounded {
    negative: bool,
    /// At least `places + 1` digits, no sign, no point.
    digits: Vec<u8>,
    places: usize,
}

impl Rounded {
    fn is_zero(&self) -> bool {
        self.digits.iter().all(|&d| d == 0)
    }

    fn magnitude(&self) -> String {
        let whole = self.digits.len() - self.places;
        let mut s: String = self.digits[..whole]
            .iter()
            .map(|&d| char::from(b'0' + d))
            .collect();
        if self.places > 0 {
            s.push('.');
            s.extend(self.digits[whole..].iter().map(|&d| char::from(b'0' + d)));
        }
        s
    }
}

impl std::fmt::Display for Rounded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.negative && !self.is_zero() {
            f.write_str("-")?;
        }
        f.write_str(&self.magnitude())
    }
}

/// The digits of `x` rounded half away from zero to `places` decimals, worked on the
/// shortest decimal form of `x` (Rust's `{:e}`), so the rounding sees the decimal the float
/// stands for rather than its binary error. `None` for not-a-number and infinities.
fn rounded_digits(x: f64, places: u8) -> Option<Rounded> {
    if !x.is_finite() {
        return None;
    }
    let places = usize::from(places);
    // "5.349e0", "1.5e-1", "0e0": the significant digits and the power of ten of the first.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i64 = exp.parse().ok()?;
    let sig: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // How many of the significant digits stand before the rounding point.
    let keep = exp + 1 + places as i64;
    let mut digits: Vec<u8> = if keep <= 0 {
        // Everything is below the rounding point: 0, or 1 in the last place when the
        // first digit sits right below it and is 5 or more.
        vec![u8::from(keep == 0 && sig.first().is_some_and(|&d| d >= 5))]
    } else {
        let keep = keep as usize;
        let mut kept: Vec<u8> = sig.iter().copied().take(keep).collect();
        kept.resize(keep, 0);
        if sig.get(keep).is_some_and(|&d| d >= 5) {
            carry(&mut kept);
        }
        kept
    };
    // At least one digit before the point.
    while digits.len() < places + 1 {
        digits.insert(0, 0);
    }
    Some(Rounded {
        negative: x.is_sign_negative(),
        digits,
        places,
    })
}

/// Adds one in the last place of a decimal digit string.
fn carry(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// Serde writers for figures kept exact in memory and written to JSON as they are shown:
/// rounded once by [`round_half_away`], to the precision each figure has everywhere
/// (`#[serde(serialize_with = "format::json::tenths")]`).
pub mod json {
    use super::round_half_away;
    use serde::Serializer;

    /// Whole numbers: minutes, days per 28 days (as JSON integers).
    pub fn whole<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        let r = round_half_away(*x, 0);
        if r.is_finite() && r.abs() < 9e15 {
            s.serialize_i64(r as i64)
        } else {
            s.serialize_f64(r)
        }
    }

    /// One decimal: head-pain averages and changes, sessions a week.
    pub fn tenths<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(round_half_away(*x, 1))
    }

    pub fn whole_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(x) => whole(x, s),
            None => s.serialize_none(),
        }
    }

    pub fn tenths_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(x) => tenths(x, s),
            None => s.serialize_none(),
        }
    }

    /// A time spent, in the whole seconds that have passed (as every clock shows it).
    pub fn secs<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(super::whole_secs(*x))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_written_as_format_writes_them() {
        let tens = (0..20).map(|k| 10u64.pow(k));
        let near_tens = tens.flat_map(|t| [t - 1, t, t + 1]);
        for n in (0..100_000u64).chain(near_tens) {
            for min in 0..7usize {
                let mut s = String::from("x");
                super::push_digits(&mut s, n, min);
                assert_eq!(s, format!("x{n:0min$}"));
            }
        }
        for n in [
            0u64,
            1,
            9,
            10,
            59,
            99,
            100,
            3599,
            3600,
            86_399,
            1_000_000_000_000,
            u64::MAX,
        ] {
            for min in [0usize, 1, 2, 4] {
                let mut s = String::new();
                super::push_digits(&mut s, n, min);
                assert_eq!(s, format!("{n:0min$}"));
            }
            let old = if n >= 3600 {
                format!("{}:{:02}:{:02}", n / 3600, n / 60 % 60, n % 60)
            } else {
                format!("{}:{:02}", n / 60, n % 60)
            };
            assert_eq!(super::clock(n), old);
        }
    }

    #[test]
    fn a_word_is_printable_only_when_each_byte_is() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = *b"abcdefgh";
                bytes[at] = b;
                let printable = (0x20..0x7f).contains(&b);
                assert_eq!(
                    super::printable_word(u64::from_le_bytes(bytes)),
                    printable,
                    "{b:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn days_are_written_as_strftime_writes_them() {
        use jiff::civil::date;
        let today = date(2026, 12, 6);
        for year in [-9999, -5, 0, 7, 999, 2000, 2025, 2026, 9999] {
            for (month, day) in [(1, 1), (2, 28), (6, 15), (11, 24), (12, 31)] {
                let d = date(year, month, day);
                let want = if year == today.year() {
                    d.strftime("%a %-d %b").to_string()
                } else {
                    d.strftime("%a %-d %b %Y").to_string()
                };
                assert_eq!(super::fmt_day(d, today), want);
                let at = d.at(7, 5, 59, 0);
                let mut s = String::new();
                super::write_day_time(&mut s, at, today.year());
                assert_eq!(s, format!("{want} {}", at.strftime("%H:%M")));
            }
        }
    }

    use super::*;
    use std::io::Write;

    #[test]
    fn dates_are_written_as_they_display() {
        for year in [-9999i16, -1, 0, 1, 999, 1970, 2026, 9999] {
            for (month, day) in [(1i8, 1i8), (2, 28), (9, 9), (12, 31)] {
                let date = jiff::civil::date(year, month, day);
                let mut s = String::from("x");
                super::write_date(&mut s, date);
                assert_eq!(s, format!("x{date}"));
            }
        }
    }

    /// Times as a record holds them are written as `{}` writes them, the fast way or not.
    #[test]
    fn secs_are_written_as_format_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            0.3,
            0.1 + 0.2,
            41.5,
            90.0,
            86_400.0,
            1e13 + 0.5,
            99_999_999_999_999.9,
            1e14,
            1e14 + 0.5,
            1e15,
            2e20,
            -3.5,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ];
        values.extend((0..20_000).map(|k| f64::from(k) / 10.0));
        values.extend((0..2_000).map(|k| f64::from(k) * 0.37));
        for v in values {
            let mut s = String::from("x");
            super::write_secs(&mut s, v);
            assert_eq!(s, format!("x{v}"), "{v:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_secs_are_written_as_format_writes_them(v in proptest::num::f64::ANY) {
            let mut s = String::new();
            super::write_secs(&mut s, v);
            proptest::prop_assert_eq!(s, format!("{v}"));
        }

        #[test]
        fn tenths_are_written_as_format_writes_them(k in 0u64..2_000_000_000_000_000) {
            let v = k as f64 / 10.0;
            let mut s = String::new();
            super::write_secs(&mut s, v);
            proptest::prop_assert_eq!(s, format!("{v}"));
        }
    }

    proptest::proptest! {
        /// Printable ASCII is measured and cut the quick way exactly as character by
        /// character.
        #[test]
        fn ascii_is_measured_and_cut_as_every_character_is(
            text in "[ -~]{0,20}|[ -~]{0,8}[\\x00-\\x1f\\x7f\\u{e9}\\u{4e00}][ -~]{0,8}",
            max in 0usize..24,
        ) {
            proptest::prop_assert_eq!(width(&text), textwrap::core::display_width(&text));
            proptest::prop_assert_eq!(cut(&text, max), cut_chars(&text, max));
        }
    }

    const NASTY: &str = "a\u{1b}[2J\u{1b}]52;c;aGk=\u{7}b\u{9b}c\u{202e}d\u{85}e\u{7f}f\u{200b}g\u{2060}h\u{feff}\r";

    #[test]
    fn a_day_is_written_one_way_with_the_year_only_when_it_differs() {
        let today: jiff::civil::Date = "2026-11-24".parse().unwrap();
        assert_eq!(fmt_day(today, today), "Tue 24 Nov");
        assert_eq!(
            fmt_day("2025-11-24".parse().unwrap(), today),
            "Mon 24 Nov 2025"
        );
        let now: jiff::Zoned = "2026-11-24T18:00[Europe/London]".parse().unwrap();
        let at: jiff::Zoned = "2026-11-20T09:05[Europe/London]".parse().unwrap();
        assert_eq!(fmt_day_time(&at, &now), "Fri 20 Nov 09:05");
        let old: jiff::Zoned = "2025-12-31T23:59[Europe/London]".parse().unwrap();
        assert_eq!(fmt_day_time(&old, &now), "Wed 31 Dec 2025 23:59");
    }

    #[test]
    fn fit_counts_display_width_and_marks_a_cut() {
        assert_eq!(fit("Nacken", 8), "Nacken  ");
        assert_eq!(fit("Suboccipital hold", 8), "Subocci…");
        // Two columns a character: a wide one that would straddle the edge is left out.
        assert_eq!(fit("首と肩", 5), "首と…");
        assert_eq!(fit("首と肩", 4), "首… ");
        assert_eq!(fit("首と肩", 6), "首と肩");
        assert_eq!(fit_right("7:52", 6), "  7:52");
        assert_eq!(fit_right("首と肩の", 6), " 首と…");
        assert_eq!(width("首と肩"), 6);
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn a_control_character_is_measured_as_the_space_it_becomes() {
        // The escape becomes a space and counts as one: the cut is where the eye sees it.
        assert_eq!(fit("a\u{1b}[2Jb", 6), "a [2Jb");
        assert_eq!(fit("a\u{1b}[2Jb", 4), "a […");
        assert_eq!(cut("tab\there", 20), "tab here");
        assert_eq!(cut("\u{202e}evil", 3), " e…");
    }

    #[test]
    fn every_unsafe_character_is_replaced() {
        let out = neutralise(NASTY);
        assert!(!out.chars().any(is_unsafe_char), "{out:?}");
        assert!(out.starts_with('a') && out.contains('b') && out.contains('d'));
        assert_eq!(neutralise("line\n\tok\r\n"), "line\n\tok\r\n");
        assert_eq!(neutralise("a\rb"), "a\u{fffd}b");
        // Invisible characters become visible; the joiners emoji need stay.
        assert_eq!(neutralise("pay\u{200b}pal"), "pay\u{fffd}pal");
        assert_eq!(neutralise("\u{feff}x\u{2060}"), "\u{fffd}x\u{fffd}");
        assert_eq!(neutralise("👩\u{200d}💻"), "👩\u{200d}💻");
        // Line separators, annotation marks, fillers and tag characters (a hidden word).
        for c in [
            '\u{ad}',
            '\u{115f}',
            '\u{180e}',
            '\u{2028}',
            '\u{2029}',
            '\u{3164}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{e0001}',
            '\u{e0068}',
            '\u{e007f}',
        ] {
            assert_eq!(
                neutralise(&format!("a{c}b")),
                "a\u{fffd}b",
                "{:x}",
                c as u32
            );
        }
        // Their neighbours are left alone.
        assert_eq!(
            neutralise("\u{2027}\u{fff8}\u{fffc}"),
            "\u{2027}\u{fff8}\u{fffc}"
        );
    }

    #[test]
    fn the_writer_replaces_split_characters_and_escapes_json() {
        let mut w = SafeWriter::new(Vec::new(), Neutralise::Replace);
        let bytes = NASTY.as_bytes();
        for b in bytes {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        w.flush().unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert_eq!(text, neutralise(NASTY));
        let mut w = SafeWriter::new(Vec::new(), Neutralise::Replace);
        for part in ["a\r", "\nb\r", "c\r"] {
            w.write_all(part.as_bytes()).unwrap();
        }
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "a\r\nb\u{fffd}c\u{fffd}"
        );

        let json = serde_json::to_string(&serde_json::json!({ "t": NASTY })).unwrap();
        let mut w = SafeWriter::new(Vec::new(), Neutralise::JsonEscape);
        w.write_all(json.as_bytes()).unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert!(!text.chars().any(is_unsafe_char), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["t"], NASTY, "the same value");
    }

    #[test]
    fn one_rounding_rule() {
        // Spent: whole seconds passed.
        assert_eq!(fmt_clock_secs(13.95), "0:13");
        assert_eq!(fmt_clock(Duration::from_secs_f64(13.95)), "0:13");
        assert_eq!(fmt_clock_secs(-4.0), "0:00");
        assert_eq!(fmt_clock_secs(f64::NAN), "0:00");
        assert_eq!(fmt_clock_secs(3600.0), "1:00:00");
        assert_eq!(fmt_clock_secs(3599.9), "59:59");
        // Left: the plan minus the whole seconds spent.
        let plan = Duration::from_secs(75);
        let spent = Duration::from_secs_f64(13.4);
        assert_eq!(fmt_left(plan - spent), "1:02");
        assert_eq!(whole_secs(13.4) + secs_left(plan - spent), 75);
        assert_eq!(fmt_left(Duration::from_millis(1)), "0:01");
        assert_eq!(fmt_left(Duration::ZERO), "0:00");
    }

    #[test]
    fn lengths_in_words() {
        assert_eq!(fmt_length_secs(0.0), "0 s");
        assert_eq!(fmt_length_secs(45.9), "45 s");
        assert_eq!(fmt_length_secs(89.0), "1 min");
        assert_eq!(fmt_length_secs(90.0), "2 min");
        assert_eq!(fmt_length(Duration::from_secs(3600)), "1 h");
        assert_eq!(fmt_length(Duration::from_secs(3900)), "1 h 5 min");
    }

    #[test]
    fn numbers_read_are_written_short() {
        assert_eq!(fmt_as_read(1e308), "1e308");
        assert_eq!(fmt_as_read(-4.5), "-4.5");
        assert_eq!(fmt_as_read(90000.0), "90000.0");
        assert_eq!(fmt_as_read(-f64::MIN_POSITIVE), "-2.2250738585072014e-308");
        assert!(fmt_as_read(f64::MAX).len() <= 24);
    }

    #[test]
    fn one_rounding_half_away_from_the_exact_decimal() {
        assert_eq!(fmt_fixed(6.0 / 11.0, 1), "0.5");
        assert_eq!(fmt_fixed(3.25, 1), "3.3");
        assert_eq!(fmt_fixed(1.75, 1), "1.8");
        assert_eq!(fmt_fixed(-3.25, 1), "-3.3");
        assert_eq!(fmt_fixed(5.35, 1), "5.4", "5.35 is held as 5.34999…");
        assert_eq!(fmt_fixed(123.0 / 23.0, 1), "5.3");
        assert_eq!(fmt_fixed(1.005, 2), "1.01");
        assert_eq!(fmt_fixed(10.5, 0), "11");
        assert_eq!(fmt_fixed(9.0 * 28.0 / 22.0, 0), "11");
        assert_eq!(fmt_fixed(0.5, 0), "1");
        assert_eq!(fmt_fixed(0.049, 1), "0.0");
        assert_eq!(fmt_fixed(-0.04, 1), "0.0");
        assert_eq!(fmt_fixed(0.0, 0), "0");
        assert_eq!(fmt_fixed(0.0004, 2), "0.00");
        assert_eq!(fmt_fixed(0.005, 2), "0.01");
        assert_eq!(fmt_fixed(99.96, 1), "100.0");
        assert_eq!(fmt_fixed(9.5, 0), "10");
        assert_eq!(fmt_fixed(1e20, 0), "100000000000000000000");
        assert_eq!(fmt_fixed(f64::NAN, 1), "–");
        assert_eq!(round_half_away(2.45, 1), 2.5);
        assert_eq!(round_half_away(-2.45, 1), -2.5);
        assert_eq!(round_half_away(550.45, 0), 550.0);
        assert_eq!(fmt_length_secs(1827.9), "30 min");
        assert_eq!(fmt_length_secs(5.01), "5 s");
        assert_eq!(fmt_length_secs(16.3), "16 s");
    }

    #[test]
    fn changes_have_a_real_minus() {
        assert_eq!(fmt_change(-1.94), "−1.9");
        assert_eq!(fmt_change(0.5), "+0.5");
        assert_eq!(fmt_change(0.04), "0.0");
        assert_eq!(fmt_change(-0.04), "0.0");
        assert_eq!(fmt_change(1.8 - 3.3), "−1.5");
        assert_eq!(fmt_change(-0.05), "−0.1");
    }
}
