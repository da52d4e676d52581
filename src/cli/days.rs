//! The day log on the command line: `day` (answer, or back-fill the last week), `days`
//! (export), and the 4-week view as text (in `stats`) and Markdown (in `report`).
//!
//! Every sentence here reports counts. None claims a cause, a correlation, a trigger or a
//! percentage of help; `tests/e2e/days_cli.rs` scans every text these writers produce.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use jiff::Zoned;
use jiff::civil::Date;

use crate::cli::args::{DaysFormat, YesNo};
use crate::cli::{CliError, wrapped};
use crate::core::days::{self, DaysSummary, SessionDays, Window};
use crate::model::day::{DayAnswer, Intensity, Meds};
use crate::model::format::{pad, pad_left, width};
use crate::store::days::{self as store, DayLog};
use crate::store::history::Warning;

/// Unreadable day-log lines, on stderr (at most ten, then a count).
pub fn warn_days(warnings: &[Warning]) {
    let mut err = crate::cli::stderr();
    for w in warnings.iter().take(10) {
        let _ = writeln!(err, "warning: {w}");
    }
    if warnings.len() > 10 {
        let _ = writeln!(err, "warning: … and {} more", warnings.len() - 10);
    }
}

/// What reading the history and the day log found, on stderr: unreadable lines of each, and
/// why the day log could not be read at all (then `left_out` is left out).
pub fn warn_read(
    history: &[Warning],
    day_log: &[Warning],
    day_problem: Option<&str>,
    left_out: &str,
) {
    crate::cli::warn_history(history);
    warn_days(day_log);
    if let Some(p) = day_problem {
        let _ = writeln!(
            crate::cli::stderr(),
            "warning: the day log could not be read ({p}); {left_out} are left out"
        );
    }
}

/// Reads the day log, reporting unreadable lines; an unreadable file is a user error.
pub fn load_days(data: &Path) -> Result<DayLog, CliError> {
    let (log, warnings) = store::load(data)?;
    warn_days(&warnings);
    Ok(log)
}

/// "Tue 24 Nov" (the year added when it is not `today`'s).
fn day_label(date: Date, today: Date) -> String {
    crate::model::format::fmt_day(date, today)
}

/// "headache (moderate, triptan, migraine)" or "no headache".
pub fn describe(a: &DayAnswer) -> String {
    let mut extra = Vec::new();
    if a.migraine {
        extra.push("migraine".to_string());
    }
    if let Some(w) = a.worst.filter(|w| *w != Intensity::None) {
        extra.push(format!("worst {}", w.as_str()));
    }
    if let Some(m) = a.meds {
        extra.push(match m {
            Meds::None => "no medication".to_string(),
            m => m.label().to_string(),
        });
    }
    let head = if a.headache {
        "headache"
    } else {
        "no headache"
    };
    if extra.is_empty() {
        head.to_string()
    } else {
        format!("{head} ({})", extra.join(", "))
    }
}

/// What `day yes|no` was given.
pub struct DayFlags {
    /// Absent only with `--ask`.
    pub answer: Option<YesNo>,
    pub date: Option<Date>,
    pub migraine: bool,
    pub worst: Option<Intensity>,
    pub meds: Option<Meds>,
}

/// `knotless day yes|no`: one answer, appended and synced before "Saved". A `no` with a
/// migraine label or an intensity above none contradicts itself, and so does a `yes` whose
/// worst was none (the report would call it "not rated"): bad usage, exit 2.
pub fn day_cmd(data: &Path, flags: DayFlags, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let now = crate::files::now();
    let headache = flags.answer.ok_or("say yes or no, or use --ask")? == YesNo::Yes;
    let worst = flags.worst;
    // A day without a headache has no medicine for one (as the app's own question has it):
    // counted, it would make a day of acute medication the windows and the report count.
    let took = flags.meds.is_some_and(|m| m != Meds::None);
    if !headache && (flags.migraine || worst.is_some_and(|w| w != Intensity::None) || took) {
        return Err(CliError::Usage(
            "`day no` cannot have --migraine, --worst or --meds; answer `day yes` for a headache day"
                .into(),
        ));
    }
    if headache && worst == Some(Intensity::None) {
        return Err(CliError::Usage(
            "`day yes` cannot have --worst none: a headache day's worst is mild, moderate or \
severe (leave --worst out to not say)"
                .into(),
        ));
    }
    let date = flags.date.unwrap_or(now.date());
    let mut a = store::answer(date, headache, &now);
    a.migraine = flags.migraine;
    a.worst = worst;
    a.meds = flags.meds;
    let store::Appended {
        answer: a,
        replaced: before,
        warnings,
    } = store::append_answer(data, a)?;
    warn_days(&warnings);
    let replaced = match before {
        Some(old) => format!(" (replaces the earlier answer: {})", describe(&old)),
        None => String::new(),
    };
    writeln!(
        out,
        "Saved: {} on {}{replaced}.",
        describe(&a),
        day_label(date, now.date())
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `knotless day --ask`: each unanswered day of the last week, oldest first. Reads one line
/// per question from `input`: y/yes or n/no answers, Enter skips the day, q stops; after a
/// yes, one optional line of details (mild/moderate/severe, none/simple/triptan/other,
/// migraine). Each answer is saved the moment it is given; the end of input stops.
///
/// With `echo` (input that is not a terminal, such as a pipe), each answer read is written
/// after its question, so the output reads as a conversation.
pub fn ask_cmd(
    data: &Path,
    now: &Zoned,
    input: &mut dyn BufRead,
    echo: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let log = load_days(data)?;
    let due = days::unanswered_last_week(&log.answers, now.date());
    if due.is_empty() {
        writeln!(out, "Every day of the last week is answered.")?;
        return Ok(());
    }
    let mut saved = 0;
    'days: for date in due {
        let when = if date == now.date() {
            format!("today ({})", day_label(date, now.date()))
        } else {
            day_label(date, now.date())
        };
        let headache = loop {
            write!(
                out,
                "Headache on {when}?  y yes · n no · Enter skip · q stop: "
            )?;
            out.flush()?;
            let Some(line) = read_line(input, echo, out)? else {
                writeln!(out)?;
                break 'days;
            };
            match line.trim().to_lowercase().as_str() {
                "y" | "yes" => break Some(true),
                "n" | "no" => break Some(false),
                "" => break None,
                "q" | "quit" | "stop" => break 'days,
                _ => writeln!(out, "Please answer y or n (Enter skips the day, q stops).")?,
            }
        };
        let Some(headache) = headache else { continue };
        let mut a = store::answer(date, headache, &crate::files::now());
        if headache {
            loop {
                write!(
                    out,
                    "  Details, any of: mild moderate severe · none simple triptan other (medication) · migraine — or Enter: "
                )?;
                out.flush()?;
                let line = read_line(input, echo, out)?.unwrap_or_default();
                match parse_details(&line) {
                    Ok((worst, meds, migraine)) => {
                        a.worst = worst;
                        a.meds = meds;
                        a.migraine = migraine;
                        break;
                    }
                    Err(word) => writeln!(out, "  \"{word}\" is not one of those words.")?,
                }
            }
        }
        store::append(data, &a)?;
        saved += 1;
        writeln!(out, "  Saved: {}.", describe(&a))?;
    }
    writeln!(
        out,
        "{saved} day{} answered.",
        if saved == 1 { "" } else { "s" }
    )?;
    Ok(())
}

fn read_line(
    input: &mut dyn BufRead,
    echo: bool,
    out: &mut dyn Write,
) -> io::Result<Option<String>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    if echo {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(Some(line))
}

type Details = (Option<Intensity>, Option<Meds>, bool);

/// The words of a details line; the first word that is none of them comes back as `Err`.
/// "none" on its own means no medication (the intensity of a headache is never none).
fn parse_details(line: &str) -> Result<Details, &str> {
    let mut worst = None;
    let mut meds = None;
    let mut migraine = false;
    for word in line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        let w = word.to_lowercase();
        if w == "migraine" {
            migraine = true;
        } else if let Some(i) = Intensity::parse(&w).filter(|i| *i != Intensity::None) {
            worst = Some(i);
        } else if let Some(m) = Meds::parse(&w) {
            meds = Some(m);
        } else {
            return Err(word);
        }
    }
    Ok((worst, meds, migraine))
}

/// `knotless days`: the answer that counts for each date, oldest first.
pub fn write_days(out: &mut dyn Write, log: &DayLog, format: DaysFormat) -> io::Result<()> {
    match format {
        DaysFormat::Jsonl => {
            for a in log.answers.values() {
                serde_json::to_writer(&mut *out, a)?;
                writeln!(out)?;
            }
        }
        DaysFormat::Csv => {
            let mut w = crate::cli::review::rfc4180_writer(&mut *out);
            w.write_record([
                "date",
                "headache",
                "migraine",
                "worst",
                "meds",
                "answered_at",
                "machine",
            ])?;
            for a in log.answers.values() {
                crate::cli::review::write_csv_row(
                    &mut w,
                    &[
                        a.date.to_string().as_str(),
                        if a.headache { "yes" } else { "no" },
                        if a.migraine { "yes" } else { "no" },
                        a.worst.map_or("", Intensity::as_str),
                        a.meds.map_or("", Meds::as_str),
                        &a.answered_at.to_string(),
                        a.machine.as_str(),
                    ],
                )?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// The 4-week view for `now`: the day log read from `data` (its warnings said on stderr)
/// beside the sessions tallied from the history, `count` windows back.
pub fn summary(
    data: &Path,
    sessions: &SessionDays,
    now: &Zoned,
    count: usize,
    started: Option<Date>,
) -> Result<DaysSummary, CliError> {
    let log = load_days(data)?;
    Ok(days::summarize(
        &log.answers,
        sessions,
        now.date(),
        count,
        started,
    ))
}

const EXPLAIN: &str = "Counts are of answered days. A rate per 28 days is given once 21 of a \
window's 28 days are answered; days without an answer are unknown and never counted as \
headache-free.";

const NOTHING_YET: &str = "No days answered yet. `knotless day yes` or `knotless day no` \
answers for today; `knotless day --ask` goes through the last week.";

fn cells(w: &Window, today: Date) -> [String; 8] {
    let rate = w.rates_cell();
    [
        day_label(w.end, today),
        format!("{}/28", w.answered),
        w.headache_days.to_string(),
        w.migraine_days.to_string(),
        w.acute_med_days.to_string(),
        w.sessions.to_string(),
        days::per_week_cell(w.sessions_per_week),
        rate,
    ]
}

const HEADERS: [&str; 8] = [
    "4 weeks to",
    "answered",
    "headache days",
    "migraine days",
    "acute-med days",
    "sessions",
    "a week",
    "per 28 days (headache · migraine · meds)",
];

/// The text table's headings: [`HEADERS`] in fewer words, so that the table fits 80
/// columns; [`TEXT_LEGEND`] says the rest.
const TEXT_HEADERS: [&str; 8] = [
    "4 weeks to",
    "answered",
    "headache",
    "migraine",
    "meds",
    "sessions",
    "a week",
    "per 28 days",
];

const TEXT_LEGEND: &str = "Headache, migraine, meds: days with a headache, a migraine, an acute \
medicine. Per 28 days: those three as rates.";

/// The 4-week view as plain text, for `stats`: lines of at most 80 columns.
pub fn write_text(out: &mut dyn Write, s: &DaysSummary) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "Headache days, 4 weeks at a time (newest first)")?;
    if s.answered_days == 0 {
        return wrapped(out, "  ", NOTHING_YET);
    }
    let rows: Vec<[String; 8]> = s.windows.iter().map(|w| cells(w, s.today)).collect();
    let mut widths = TEXT_HEADERS.map(width);
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cells: [&str; 8]| {
        let mut l = String::from(" ");
        for (i, c) in cells.iter().enumerate() {
            l.push(' ');
            if i == 0 || i == 7 {
                l.push_str(&pad(c, widths[i]));
            } else {
                l.push_str(&pad_left(c, widths[i]));
            }
            l.push(' ');
        }
        l.trim_end().to_string()
    };
    writeln!(out, "{}", line(TEXT_HEADERS))?;
    for row in &rows {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    for text in [TEXT_LEGEND, EXPLAIN]
        .into_iter()
        .chain(s.comparison.as_ref().map(|c| c.sentence.as_str()))
        .chain(s.medication_note.as_deref())
    {
        wrapped(out, "  ", text)?;
    }
    Ok(())
}

/// The 4-week table as Markdown, for `report`.
pub fn write_markdown(out: &mut dyn Write, s: &DaysSummary) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## Headache days, in 4-week windows")?;
    writeln!(out)?;
    if s.answered_days == 0 {
        writeln!(out, "No days answered yet.")?;
        return Ok(());
    }
    writeln!(
        out,
        "The user's own daily answers to \"headache today?\", newest window first. {EXPLAIN}"
    )?;
    writeln!(out)?;
    writeln!(out, "| {} |", HEADERS.join(" | "))?;
    writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|")?;
    for w in &s.windows {
        writeln!(out, "| {} |", cells(w, s.today).join(" | "))?;
    }
    if let Some(c) = &s.comparison {
        writeln!(out)?;
        writeln!(out, "{}", c.sentence)?;
    }
    if let Some(n) = &s.medication_note {
        writeln!(out)?;
        writeln!(out, "{n}")?;
    }
    Ok(())
}

/// `stats --json`: the stats with the 4-week view beside them.
#[derive(serde::Serialize)]
pub struct StatsJson<'a> {
    #[serde(flatten)]
    pub stats: &'a crate::core::stats::Stats,
    /// `null` when the day log could not be read.
    pub headache_days: Option<&'a DaysSummary>,
}

/// `knotless day yes|no` or `day --ask`.
pub fn day(
    paths: &crate::store::paths::Paths,
    flags: DayFlags,
    ask: bool,
    out: &mut dyn Write,
) -> crate::cli::Outcome {
    let data = crate::cli::data_dir(paths)?;
    if ask {
        let now = crate::files::now();
        let echo = !std::io::IsTerminal::is_terminal(&io::stdin());
        ask_cmd(data, &now, &mut io::stdin().lock(), echo, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    day_cmd(data, flags, out)
}

/// `knotless days`: every answered day, oldest first.
pub fn days(
    paths: &crate::store::paths::Paths,
    format: DaysFormat,
    out: &mut dyn Write,
) -> crate::cli::Outcome {
    let log = load_days(crate::cli::data_dir(paths)?)?;
    write_days(out, &log, format)?;
    Ok(ExitCode::SUCCESS)
}
