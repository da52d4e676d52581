//! Text output for the review commands — `history`, `stats`, `log` — as pure functions:
//! records (already read by `history`) and a time zone in, text out to any `Write`. The
//! report has its own file (`report.rs`); the times these commands take are read by
//! `core::when`.

use crate::model::format::{fmt_fixed, fmt_length_secs, plural};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::io::{self, Write};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::core::stats::{self, LocalDays, PainStats, Stats};
use crate::model::format::{cut, fmt_day, fmt_days_ago, pad, pad_left, width};
use crate::model::record::{self, Kind, Outcome, SessionRecord, Stamp, VERSION};

// ---------------------------------------------------------------------------------------
// Filtering

/// Which records `history` (and friends) show. `since` is inclusive, `until` exclusive,
/// both compared with the session's start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// A routine id (exact) or a part of its title (any case).
    pub routine: Option<String>,
    /// An area name, e.g. "neck" or "external" (any case).
    pub area: Option<String>,
}

impl HistoryQuery {
    pub fn matches(&self, r: &SessionRecord) -> bool {
        if self.since.is_some() || self.until.is_some() {
            let started = r.started();
            if self.since.is_some_and(|s| started < s) || self.until.is_some_and(|u| started >= u) {
                return false;
            }
        }
        if let Some(want) = &self.routine
            && r.routine_id != *want
            && !r.title.to_lowercase().contains(&want.to_lowercase())
        {
            return false;
        }
        if let Some(area) = &self.area
            && !r.area.eq_ignore_ascii_case(area)
        {
            return false;
        }
        true
    }
}

// ---------------------------------------------------------------------------------------
// Small formatters shared with the screens

/// Head pain before → after: "6 → 3", "6 → –", "– → 3", or "" when neither was given.
pub fn fmt_pain(before: Option<u8>, after: Option<u8>) -> String {
    let mut s = String::new();
    write_pain(&mut s, before, after);
    s
}

/// [`fmt_pain`] written onto `s`.
fn write_pain(s: &mut String, before: Option<u8>, after: Option<u8>) {
    if before.is_none() && after.is_none() {
        return;
    }
    let show = |s: &mut String, p: Option<u8>| match p {
        Some(p) => crate::model::format::push_digits(s, p.into(), 1),
        None => s.push('–'),
    };
    show(s, before);
    s.push_str(" → ");
    show(s, after);
}

// ---------------------------------------------------------------------------------------
// history

/// `history --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum HistoryFormat {
    #[default]
    Table,
    Csv,
    Jsonl,
}

/// Writes records in the chosen format: the table newest first; CSV oldest first across
/// every file (which spreadsheets expect); JSON lines in the order given (each file's own,
/// oldest first in each).
pub fn write_history<R: Borrow<SessionRecord>>(
    out: &mut dyn Write,
    records: impl IntoIterator<Item = R>,
    format: HistoryFormat,
    now: &jiff::Zoned,
) -> io::Result<()> {
    // Hundreds of thousands of lines: written in blocks, not one write (and, on a
    // line-buffered stdout, one system call) a line.
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    match format {
        HistoryFormat::Table => write_table(&mut out, records, now),
        HistoryFormat::Csv => write_csv(&mut out, records, now.time_zone()),
        HistoryFormat::Jsonl => write_jsonl(&mut out, records),
    }?;
    out.flush()
}

/// The most columns a title or an area takes in a table.
const TITLE_MAX: usize = 40;
const AREA_MAX: usize = 12;

/// The history as an aligned table, newest first: date and time in `now`'s zone (the year
/// shown for another year than `now`'s), routine, area, active time, outcome, head pain
/// before → after.
///
/// Newest first means every row must be seen before the first is printed, but the records
/// themselves are dropped as they go by: a row keeps the few figures it shows, and its
/// title and area as numbers into one list of the distinct ones (each cut and measured
/// once), so 100,000 sessions take a few MiB.
pub fn write_table<R: Borrow<SessionRecord>>(
    out: &mut dyn Write,
    records: impl IntoIterator<Item = R>,
    now: &jiff::Zoned,
) -> io::Result<()> {
    struct Row {
        start: Timestamp,
        index: usize,
        title: u32,
        area: u32,
        outcome: crate::model::record::Outcome,
        /// When, the active time and the head pain, written one after another.
        figures: Box<str>,
        ends: [u8; 2],
    }
    let header = ["When", "Routine", "Area", "Active", "Outcome", "Head"];
    let mut widths = header.map(width);
    let mut days = LocalDays::new(now.time_zone().clone());
    let year = now.year();
    let (mut titles, mut areas) = (Texts::new(TITLE_MAX), Texts::new(AREA_MAX));
    let mut rows: Vec<Row> = Vec::new();
    let mut s = String::new();
    for (index, r) in records.into_iter().enumerate() {
        let r = r.borrow();
        let start = r.started();
        s.clear();
        crate::model::format::write_day_time(&mut s, days.datetime(start), year);
        let when = s.len();
        crate::model::format::write_clock(&mut s, crate::model::format::whole_secs(r.active_secs));
        let active = s.len();
        write_pain(&mut s, r.pain_before, r.pain_after);
        let row = Row {
            start,
            index,
            // `cut` turns control characters (tabs included) into spaces, and measures
            // columns as the terminal does, so a Japanese title takes the room it is shown in.
            title: titles.id(&r.title),
            area: areas.id(&r.area),
            outcome: r.outcome,
            figures: s.as_str().into(),
            // A day and time, and a clock of at most a day, are a few bytes each.
            ends: [when as u8, active as u8],
        };
        let measured = [
            when,
            titles.width(row.title),
            areas.width(row.area),
            active - when,
            row.outcome.as_str().len(),
            s[active..].chars().count(),
        ];
        for (w, m) in widths.iter_mut().zip(measured) {
            *w = (*w).max(m);
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return writeln!(out, "No sessions to show.");
    }
    // Newest first; for equal start times the later line in the file first.
    rows.sort_unstable_by_key(|r| std::cmp::Reverse((r.start, r.index)));
    let mut write_line = |line: &mut String, cells: [&str; 6]| {
        line.clear();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let fill = w.saturating_sub(width(cell));
            // Active time lines up on the right, like numbers do.
            if i == 3 {
                push_spaces(line, fill);
            }
            line.push_str(cell);
            if i != 3 && i != 5 {
                push_spaces(line, fill);
            }
        }
        line.truncate(line.trim_end().len());
        line.push('\n');
        out.write_all(line.as_bytes())
    };
    write_line(&mut s, header)?;
    for row in &rows {
        let (when, active) = (usize::from(row.ends[0]), usize::from(row.ends[1]));
        let f = &row.figures;
        let cells = [
            &f[..when],
            titles.text(row.title),
            areas.text(row.area),
            &f[when..active],
            row.outcome.as_str(),
            &f[active..],
        ];
        write_line(&mut s, cells)?;
    }
    Ok(())
}

/// `n` spaces onto `line`.
fn push_spaces(line: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        line.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The distinct texts of a table column, each cut to the column once.
struct Texts {
    max: usize,
    ids: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    /// By number: the text as shown, and its width.
    cut: Vec<(String, usize)>,
}

impl Texts {
    fn new(max: usize) -> Texts {
        Texts {
            max,
            ids: HashMap::default(),
            cut: Vec::new(),
        }
    }

    /// The number of `text`.
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let shown = cut(text, self.max);
        let id = self.cut.len() as u32;
        let w = width(&shown);
        self.cut.push((shown, w));
        self.ids.insert(text.into(), id);
        id
    }

    fn text(&self, id: u32) -> &str {
        &self.cut[id as usize].0
    }

    fn width(&self, id: u32) -> usize {
        self.cut[id as usize].1
    }
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 16] = [
    "id",
    "date",
    "time",
    "started_at",
    "ended_at",
    "kind",
    "routine_id",
    "title",
    "area",
    "outcome",
    "planned_secs",
    "active_secs",
    "paused_secs",
    "pain_before",
    "pain_after",
    "note",
];

/// A cell a spreadsheet shows as text. One starting with `=`, `+`, `-` or `@` (or a tab or
/// a carriage return, which some strip first) is read as a formula by Excel, LibreOffice
/// and Google Sheets — a note or a routine title someone sent could run one when the file
/// is opened ("CSV injection", OWASP) — so it gets a leading `'`, which they show as text.
/// So does one where those follow spaces or other white space, which a spreadsheet told to
/// trim cells strips first. Nothing knotless writes itself starts that way (times and
/// counts are never negative).
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    let first = text.trim_start_matches(char::is_whitespace);
    if text.starts_with(['\t', '\r']) || first.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// One CSV row, every cell made safe to open ([`csv_cell`]).
pub fn write_csv_row<W: Write>(w: &mut csv::Writer<W>, cells: &[&str]) -> csv::Result<()> {
    for c in cells {
        w.write_field(csv_cell(c).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)
}

/// RFC 4180 CSV, as spreadsheets expect it: CRLF line ends, and any field holding a comma,
/// quote, CR or LF quoted with its quotes doubled. Every CSV knotless writes is written so.
pub fn rfc4180_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// The history's CSV writer (see [`rfc4180_writer`]), its header written.
fn csv_writer<W: Write>(out: W) -> io::Result<csv::Writer<W>> {
    let mut w = rfc4180_writer(out);
    w.write_record(CSV_HEADER)?;
    Ok(w)
}

/// The history as CSV (see [`csv_writer`]): a header row, then a row a session, no cell a
/// spreadsheet would run ([`csv_cell`]). `date` and `time` are local.
///
/// Rows are in one order across every machine's file: oldest first by start time (for equal
/// start times, in reading order). Each row is written into one shared buffer as the
/// records stream by, so memory is the size of the CSV, never of the records; records that
/// come oldest first already go straight out with [`write_csv_oldest_first`].
pub fn write_csv<R: Borrow<SessionRecord>>(
    out: &mut dyn Write,
    records: impl IntoIterator<Item = R>,
    tz: &TimeZone,
) -> io::Result<()> {
    let mut w = csv_writer(Vec::new())?;
    w.flush()?;
    let header_end = w.get_ref().len();
    // (start time, reading order, end of the row in the buffer).
    let mut rows: Vec<(Timestamp, usize, usize)> = Vec::new();
    let mut scratch = String::new();
    let mut days = LocalDays::new(tz.clone());
    for (i, r) in records.into_iter().enumerate() {
        let r = r.borrow();
        csv_row(&mut w, r, &mut days, &mut scratch)?;
        w.flush()?;
        rows.push((r.started(), i, w.get_ref().len()));
    }
    let buf = w.into_inner().map_err(|e| e.into_error())?;
    out.write_all(&buf[..header_end])?;
    let mut starts = Vec::with_capacity(rows.len());
    let mut begin = header_end;
    for &(_, _, end) in &rows {
        starts.push(begin);
        begin = end;
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&k| (rows[k].0, rows[k].1));
    for k in order {
        out.write_all(&buf[starts[k]..rows[k].2])?;
    }
    Ok(())
}

/// [`write_csv`] for records given oldest first (as `Records::open_by_time` can give
/// them): each row goes straight out, so memory does not grow with the history.
pub fn write_csv_oldest_first<R: Borrow<SessionRecord>>(
    out: &mut dyn Write,
    records: impl IntoIterator<Item = R>,
    tz: &TimeZone,
) -> io::Result<()> {
    let mut w = csv_writer(io::BufWriter::with_capacity(64 * 1024, out))?;
    let mut scratch = String::new();
    let mut days = LocalDays::new(tz.clone());
    for r in records {
        csv_row(&mut w, r.borrow(), &mut days, &mut scratch)?;
    }
    w.flush()
}

/// One session's row. The fields that are not text already are written one after another
/// into `scratch` (no string a field, and no `strftime`: a long history writes a row a
/// session).
fn csv_row<W: Write>(
    w: &mut csv::Writer<W>,
    r: &SessionRecord,
    days: &mut LocalDays,
    scratch: &mut String,
) -> io::Result<()> {
    use crate::model::format::{push_digits, write_date, write_secs};
    let local = days.datetime(r.started());
    let s = scratch;
    s.clear();
    let mut ends = [0; 9];
    let mut field = |k: usize, s: &mut String, write: &dyn Fn(&mut String)| {
        write(s);
        ends[k] = s.len();
    };
    field(0, s, &|s| write_date(s, local.date()));
    field(1, s, &|s| {
        push_digits(s, local.hour() as u64, 2);
        s.push(':');
        push_digits(s, local.minute() as u64, 2);
    });
    field(2, s, &|s| r.started_at.write_to(s));
    field(3, s, &|s| r.ended_at.write_to(s));
    field(4, s, &|s| write_secs(s, r.planned_secs));
    field(5, s, &|s| write_secs(s, r.active_secs));
    field(6, s, &|s| write_secs(s, r.paused_secs));
    for (k, p) in [(7, r.pain_before), (8, r.pain_after)] {
        field(k, s, &|s| {
            if let Some(p) = p {
                push_digits(s, u64::from(p), 1);
            }
        });
    }
    let part = |k: usize| &s[if k == 0 { 0 } else { ends[k - 1] }..ends[k]];
    // Only the texts can start as a formula does (see `csv_cell`): the rest is written
    // here, in forms that never do.
    let (text, ours) = (Cell::Text, Cell::Ours);
    let note = r.note.as_deref().unwrap_or("");
    for cell in [
        text(&r.id),
        ours(part(0)),
        ours(part(1)),
        ours(part(2)),
        ours(part(3)),
        ours(kind_str(r.kind)),
        text(&r.routine_id),
        text(&r.title),
        text(&r.area),
        ours(r.outcome.as_str()),
        ours(part(4)),
        ours(part(5)),
        ours(part(6)),
        ours(part(7)),
        ours(part(8)),
        text(note),
    ] {
        match cell {
            Cell::Text(t) => w.write_field(csv_cell(t).as_bytes())?,
            Cell::Ours(t) => w.write_field(t)?,
        }
    }
    w.write_record(None::<&[u8]>)?;
    Ok(())
}

/// A CSV cell: a text from a record, or one knotless wrote.
enum Cell<'a> {
    Text(&'a str),
    Ours(&'a str),
}

/// The merged records, one JSON object per line (the history file's own format, with the
/// amendments already applied).
pub fn write_jsonl<R: Borrow<SessionRecord>>(
    out: &mut dyn Write,
    records: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *out, r.borrow())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn kind_str(kind: Kind) -> &'static str {
    match kind {
        Kind::Routine => "routine",
        Kind::Breathing => "breathing",
        Kind::External => "external",
    }
}

// ---------------------------------------------------------------------------------------
// stats

/// `stats --json`: the [`Stats`] struct, pretty-printed.
pub fn write_stats_json(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, stats)?;
    writeln!(out)
}

/// The heatmap shades, by [`stats::heat_level`].
pub const HEAT: [char; 5] = ['·', '░', '▒', '▓', '█'];

/// "This week  2 of 3 sessions · 18 min · 2 active days".
pub fn this_week_line(stats: &Stats) -> String {
    let w = &stats.this_week;
    let sessions = match (w.sessions, stats.weekly_goal) {
        (0, _) => "no sessions yet".to_string(),
        (n, 0) => format!("{n} session{}", plural(n)),
        (n, goal) if n > goal => format!("{n} sessions, past the goal of {goal}"),
        (n, goal) => format!("{n} of {goal} session{}", plural(goal)),
    };
    if w.sessions == 0 {
        return format!("This week  {sessions}");
    }
    format!(
        "This week  {sessions} · {} · {} active day{}",
        fmt_length_secs(w.secs),
        w.active_days,
        plural(w.active_days)
    )
}

/// "Last professional session (massage therapist): 9 days ago, 4 self-care sessions since",
/// or `None` when none was ever logged.
pub fn last_external_line(stats: &Stats) -> Option<String> {
    let last = stats.external.last.as_ref()?;
    Some(format!(
        "Last professional session ({}): {}, {} self-care session{} since",
        last.title,
        fmt_days_ago(last.days_ago),
        last.self_care_since,
        plural(last.self_care_since)
    ))
}

fn pain_cells(p: &PainStats) -> (String, String) {
    (
        p.before_after().unwrap_or_default(),
        p.change_text().unwrap_or_default(),
    )
}

/// `stats` as text: the figures of the Stats screen, section by section.
pub fn write_stats_text(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "{}", this_week_line(stats))?;
    if let Some(line) = last_external_line(stats) {
        writeln!(out, "{line}")?;
    }
    if stats.totals.sessions == 0 && stats.weeks.iter().all(|w| w.sessions == 0) {
        writeln!(out)?;
        crate::cli::wrapped(
            out,
            "",
            "No self-care sessions logged yet. Each routine or breathing session you run shows \
             up here.",
        )?;
        return Ok(());
    }
    write_weeks(out, stats)?;
    write_calendar(out, stats)?;
    let period = match stats.since {
        Some(since) if !stats.period_dated => format!(
            ", {} (since {})",
            stats.period,
            fmt_day(since.to_zoned(tz_of(stats)).date(), stats.today)
        ),
        _ => format!(", {}", stats.period),
    };
    write_areas(out, stats, &period)?;
    write_routines(out, stats, &period)?;
    let t = &stats.totals;
    writeln!(out)?;
    let in_all = format!(
        "In all{period}: {} session{} · {} · on {} day{}",
        t.sessions,
        plural(t.sessions),
        fmt_length_secs(t.secs),
        t.active_days,
        plural(t.active_days)
    );
    crate::cli::wrapped(out, "", &in_all)?;
    // Each figure is rounded once, on its own: said where the parts do not add up.
    let minutes = |m: f64| crate::model::format::round_half_away(m, 0);
    let parts: f64 = stats.by_area.iter().map(|a| minutes(a.minutes)).sum();
    let total = minutes(t.minutes);
    if !stats.by_area.is_empty() && parts != total {
        let note = format!(
            "(Minutes are rounded one figure at a time: those of the areas add up to {}, the \
             total is {}.)",
            fmt_fixed(parts, 0),
            fmt_fixed(total, 0)
        );
        crate::cli::wrapped(out, "", &note)?;
    }
    Ok(())
}

/// "Last 8 weeks": sessions, minutes and active days a week.
fn write_weeks(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "Last {} weeks", stats.weeks.len())?;
    let days: Vec<String> = stats
        .weeks
        .iter()
        .map(|w| fmt_day(w.start, stats.today))
        .collect();
    let day_w = days.iter().map(|d| width(d)).max().unwrap_or(0).max(12);
    writeln!(
        out,
        "  {}  sessions  minutes  active days",
        pad("week of", day_w)
    )?;
    for (w, day) in stats.weeks.iter().zip(&days) {
        writeln!(
            out,
            "  {}  {:>8}  {:>7}  {:>11}",
            pad(day, day_w),
            w.sessions,
            fmt_fixed(w.minutes, 0),
            w.active_days
        )?;
    }
    Ok(())
}

/// The 16-week calendar, a shade a day.
fn write_calendar(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Last {} weeks, minutes a day, a column a week",
        stats::CALENDAR_WEEKS
    )?;
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .enumerate()
    {
        let mut line = format!("  {name} ");
        for week in 0..stats::CALENDAR_WEEKS {
            let day = &stats.calendar.days[week * 7 + row];
            line.push(if day.future {
                ' '
            } else {
                HEAT[usize::from(stats::heat_level(day.minutes))]
            });
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(
        out,
        "  {} none  {} under 5  {} under 10  {} under 20  {} 20 or more",
        HEAT[0], HEAT[1], HEAT[2], HEAT[3], HEAT[4]
    )?;
    Ok(())
}

/// Minutes by area over the period, and the professional sessions.
fn write_areas(out: &mut dyn Write, stats: &Stats, period: &str) -> io::Result<()> {
    if !stats.by_area.is_empty() {
        writeln!(out)?;
        writeln!(out, "Minutes by area{period}")?;
        let w = stats
            .by_area
            .iter()
            .map(|a| width(&cut(&a.area, AREA_MAX)))
            .max()
            .unwrap_or(0);
        for a in &stats.by_area {
            writeln!(
                out,
                "  {}  {:>5}  ({} session{})",
                pad(&cut(&a.area, AREA_MAX), w),
                fmt_fixed(a.minutes, 0),
                a.sessions,
                plural(a.sessions)
            )?;
        }
    }
    if stats.external.sessions > 0 {
        writeln!(
            out,
            "  professional sessions: {} ({})",
            stats.external.sessions,
            fmt_length_secs(stats.external.secs)
        )?;
    }
    Ok(())
}

/// Per routine over the period: how often, head pain before → after, and the change.
fn write_routines(out: &mut dyn Write, stats: &Stats, period: &str) -> io::Result<()> {
    if stats.routines.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Routines and head pain before → after{period}")?;
    let rows: Vec<[String; 4]> = stats
        .routines
        .iter()
        .map(|r| {
            let (ba, change) = pain_cells(&r.pain);
            [cut(&r.title, TITLE_MAX), r.sessions.to_string(), ba, change]
        })
        .collect();
    let header = [
        "routine".to_string(),
        "times".to_string(),
        "before → after".to_string(),
        "change".to_string(),
    ];
    let mut widths = header.each_ref().map(|h| width(h));
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |c: [&str; 4]| {
        format!(
            "  {}  {}  {}  {}",
            pad(c[0], widths[0]),
            pad_left(c[1], widths[1]),
            pad_left(c[2], widths[2]),
            c[3]
        )
        .trim_end()
        .to_string()
    };
    writeln!(out, "{}", line(header.each_ref().map(String::as_str)))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    Ok(())
}

fn tz_of(stats: &Stats) -> TimeZone {
    TimeZone::get(&stats.time_zone).unwrap_or(TimeZone::UTC)
}

// ---------------------------------------------------------------------------------------
// log

/// A lowercase slug of WHAT for `routine_id`, so "Massage therapist" and "massage  therapist"
/// group together: letters and digits kept, everything else folded into single dashes.
pub fn slug(what: &str) -> String {
    let mut out = String::new();
    for c in what.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if !trimmed.is_empty() {
        return trimmed.to_string();
    }
    // No letter or digit ("😀", "???"): the characters' code points, so two such names
    // stay two (the first 16 tell them apart).
    let mut out = "external".to_string();
    for c in what.chars().filter(|c| !c.is_whitespace()).take(16) {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = write!(out, "-{:x}", u32::from(c));
    }
    out
}

/// The record `knotless log WHAT` appends: kind `external`, area `external`,
/// `routine_id` = [`slug`] of WHAT, title = WHAT, starting at `at` and lasting `duration`
/// (so `active_secs` = `planned_secs` = the duration, nothing paused), outcome
/// `completed`, no steps. An empty note is left out. Make `id` with `history::new_id`.
pub fn external_record(
    what: &str,
    at: Timestamp,
    duration: std::time::Duration,
    note: Option<String>,
    tz: &TimeZone,
    id: String,
) -> SessionRecord {
    let secs = record::secs(duration);
    let end = SignedDuration::try_from(duration)
        .ok()
        .and_then(|d| at.checked_add(d).ok())
        .unwrap_or(at);
    SessionRecord {
        v: VERSION,
        id,
        kind: Kind::External,
        routine_id: slug(what),
        title: what.trim().to_string(),
        area: "external".to_string(),
        started_at: Stamp::new(at, tz),
        ended_at: Stamp::new(end, tz),
        planned_secs: secs,
        active_secs: secs,
        paused_secs: 0.0,
        outcome: Outcome::Completed,
        steps: Vec::new(),
        pain_before: None,
        pain_after: None,
        note: note.filter(|n| !n.trim().is_empty()),
        migraine_before: false,
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn a_cell_that_would_start_a_formula_is_written_as_text() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("  =1+1", "'  =1+1"),
            ("\u{a0}@SUM(A1)", "'\u{a0}@SUM(A1)"),
            ("\n-2", "'\n-2"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("neck", "neck"),
            ("  neck", "  neck"),
            ("a = b", "a = b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), written, "{cell:?}");
        }
    }
}
