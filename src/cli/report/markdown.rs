//! The report as Markdown: every part of the [`Report`], tables whole.

use std::io::{self, Write};

use super::{
    ABOUT, NOT_ADVICE, ROUNDING, WINDOWS_EXPLAINED, calendar_cut_text, day, day_time, days_text,
    empty_stretch_text, intensity_text, meds_text, pain_cells, per_week_text, period_note,
    period_text, self_care_text, unreadable_text,
};
use crate::cli::review::fmt_pain;
use crate::core::days::{Window, WindowRow, fold_empty, per_week_cell};
use crate::core::report::{DayMark, Headache, Month, Report, TrendBy};
use crate::model::format::{fmt_fixed, fmt_length_secs};

/// Markdown that can't be mistaken for markup: table pipes, emphasis and strikethrough
/// (`~~`), links, HTML and entities (`&amp;`) are escaped; so are the bare links and
/// addresses that renderers turn into links by themselves (`https://`, `www.`, `a@b`,
/// which is also a mention on some sites) — a backslash before the `:`, the `.` or the `@`
/// shows the same text and breaks the pattern. A note's line breaks become spaces so it
/// stays in its list item or cell.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '@' => true,
            ':' => text[i..].starts_with("://"),
            '.' => i >= 3 && text.as_bytes()[i - 3..i].eq_ignore_ascii_case(b"www"),
            _ => false,
        };
        match c {
            _ if escape => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The whole report.
pub fn write(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(out, "# Self-care and headache summary")?;
    writeln!(out)?;
    writeln!(out, "Period: {}. {}", period_text(r), period_note(r))?;
    writeln!(out)?;
    if let Some(u) = unreadable_text(r) {
        writeln!(out, "**{u}**")?;
        writeln!(out)?;
    }
    writeln!(out, "{ABOUT} {ROUNDING}")?;
    writeln!(out)?;
    writeln!(out, "*{NOT_ADVICE}*")?;
    match &r.headache {
        Some(h) => headache(out, r, h)?,
        None => {
            writeln!(out)?;
            writeln!(out, "## Headache days")?;
            writeln!(out)?;
            writeln!(
                out,
                "The day log could not be read, so headache days are left out."
            )?;
        }
    }
    self_care(out, r)?;
    professional(out, r)?;
    notes(out, r)
}

fn headache(out: &mut dyn Write, r: &Report, h: &Headache) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## Headache days")?;
    writeln!(out)?;
    if h.days.answered == 0 {
        writeln!(out, "No days answered in this period.")?;
        return Ok(());
    }
    writeln!(out, "- {}", days_text(r, &h.days))?;
    writeln!(
        out,
        "- Worst intensity on headache days: {}.",
        intensity_text(&h.days)
    )?;
    writeln!(
        out,
        "- Acute-medication days by kind: {}.",
        meds_text(&h.days)
    )?;
    if let Some(n) = &h.medication_note {
        writeln!(out)?;
        writeln!(out, "{n}")?;
    }
    windows(out, h)?;
    calendar(out, h)
}

/// The 4-week window columns, shared with `stats` (the first eight).
const WINDOW_HEAD: &str = "| 4 weeks to | answered | headache days | migraine days | \
acute-med days | sessions | a week | per 28 days (headache · migraine · meds) | meds by kind \
(simple · triptan · other) |";

fn window_row(w: &Window) -> String {
    let rate = w.rates_cell();
    format!(
        "| {} | {}/28 | {} | {} | {} | {} | {} | {rate} | {} · {} · {} |",
        day(w.end),
        w.answered,
        w.headache_days,
        w.migraine_days,
        w.acute_med_days,
        w.sessions,
        per_week_cell(w.sessions_per_week),
        w.simple_days,
        w.triptan_days,
        w.other_days
    )
}

fn windows(out: &mut dyn Write, h: &Headache) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "### Headache days, in 4-week windows")?;
    writeln!(out)?;
    if h.windows.is_empty() {
        writeln!(
            out,
            "The period is shorter than 4 weeks, so there is no whole window to show."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "The user's own daily answers to \"headache today?\", newest window first. \
         {WINDOWS_EXPLAINED}"
    )?;
    writeln!(out)?;
    writeln!(out, "{WINDOW_HEAD}")?;
    writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")?;
    for row in fold_empty(&h.windows) {
        match row {
            WindowRow::Window(w) => writeln!(out, "{}", window_row(w))?,
            WindowRow::Empty(e) => writeln!(
                out,
                "| *{}* |  |  |  |  |  |  |  |  |",
                empty_stretch_text(&e)
            )?,
        }
    }
    if let Some(c) = &h.comparison {
        writeln!(out)?;
        writeln!(out, "{}", c.sentence)?;
    }
    Ok(())
}

/// One letter a day: what the calendar shows, in text.
pub fn mark_letter(mark: DayMark, meds: bool) -> &'static str {
    match (mark, meds) {
        (DayMark::NotAnswered, false) => "·",
        (DayMark::NotAnswered, true) => "+",
        (DayMark::NoHeadache, false) => "o",
        (DayMark::NoHeadache, true) => "o+",
        (DayMark::Headache, false) => "H",
        (DayMark::Headache, true) => "H+",
        (DayMark::Migraine, false) => "M",
        (DayMark::Migraine, true) => "M+",
    }
}

fn calendar(out: &mut dyn Write, h: &Headache) -> io::Result<()> {
    let months: &[Month] = &h.calendar;
    writeln!(out)?;
    writeln!(out, "### Calendar")?;
    writeln!(out)?;
    if let Some(cut) = calendar_cut_text(h) {
        writeln!(out, "{cut}")?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "`o` no headache, `H` headache, `M` migraine, `+` acute medicine, `·` not answered; a \
         blank day is outside the period."
    )?;
    writeln!(out)?;
    writeln!(out, "```text")?;
    for m in months {
        writeln!(out, "{}", m.first.strftime("%B %Y"))?;
        writeln!(out, " Mon Tue Wed Thu Fri Sat Sun")?;
        let lead = usize::from(m.first.weekday().to_monday_zero_offset() as u8);
        let mut line = "    ".repeat(lead);
        for d in &m.days {
            let cell = if d.in_period {
                mark_letter(d.mark, d.meds)
            } else {
                ""
            };
            line.push_str(&format!("{cell:>4}"));
            // A week wholly outside the period is left out.
            if d.date.weekday() == jiff::civil::Weekday::Sunday {
                if !line.trim().is_empty() {
                    writeln!(out, "{}", line.trim_end())?;
                }
                line.clear();
            }
        }
        if !line.trim().is_empty() {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    writeln!(out, "```")
}

fn self_care(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## Self-care")?;
    writeln!(out)?;
    writeln!(out, "- {}", self_care_text(r))?;
    if let Some(w) = per_week_text(r) {
        writeln!(out, "- {w}")?;
    }
    writeln!(
        out,
        "- Professional sessions logged: {}.",
        r.professional.sessions
    )?;
    if r.routines.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### Sessions by routine")?;
    writeln!(out)?;
    writeln!(
        out,
        "| Routine | Area | Sessions | Active time | Head pain before (avg) | after (avg) | Change |"
    )?;
    writeln!(out, "|---|---|--:|--:|--:|--:|--:|")?;
    for row in &r.routines {
        let [b, a, c] = pain_cells(&row.pain);
        writeln!(
            out,
            "| {} | {} | {} | {} | {b} | {a} | {c} |",
            md(&row.title),
            md(&row.area),
            row.sessions,
            fmt_length_secs(row.secs)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "### Sessions by area")?;
    writeln!(out)?;
    writeln!(out, "| Area | Sessions | Active time | Minutes |")?;
    writeln!(out, "|---|--:|--:|--:|")?;
    for a in &r.areas {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&a.area),
            a.sessions,
            fmt_length_secs(a.secs),
            fmt_fixed(a.minutes, 0)
        )?;
    }
    trend(out, r)
}

fn trend(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let monthly = r.trend.by == TrendBy::Month;
    writeln!(out)?;
    writeln!(
        out,
        "### Head pain before and after sessions, by {}",
        if monthly { "month" } else { "week" }
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| {} | Sessions | Head pain before (avg) | after (avg) | Change |",
        if monthly { "Month" } else { "Week of" }
    )?;
    writeln!(out, "|---|--:|--:|--:|--:|")?;
    for row in &r.trend.rows {
        let [b, a, c] = pain_cells(&row.pain);
        let label = if monthly {
            row.start.strftime("%B %Y").to_string()
        } else {
            day(row.start)
        };
        writeln!(out, "| {label} | {} | {b} | {a} | {c} |", row.sessions)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Weeks or months without any session are left out. \"Change\" is after minus before \
         (negative: lower after the session)."
    )
}

fn professional(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let p = &r.professional;
    writeln!(out)?;
    writeln!(out, "## Professional sessions")?;
    writeln!(out)?;
    if p.listed.items.is_empty() {
        return writeln!(out, "None logged in this period.");
    }
    writeln!(out, "| Date | What | Length | Note |")?;
    writeln!(out, "|---|---|--:|---|")?;
    for s in &p.listed.items {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            day_time(&s.at),
            md(&s.title),
            fmt_length_secs(s.secs),
            md(s.note.as_deref().unwrap_or(""))
        )?;
    }
    if p.listed.more > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "… and {} earlier ones (`knotless history` lists them all).",
            p.listed.more
        )?;
    }
    Ok(())
}

fn notes(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## Notes written after sessions")?;
    writeln!(out)?;
    if r.notes.items.is_empty() {
        return writeln!(out, "None in this period.");
    }
    for n in &r.notes.items {
        let ratings = match fmt_pain(n.pain_before, n.pain_after) {
            p if p.is_empty() => "no ratings".to_string(),
            p => format!("head {p}"),
        };
        writeln!(
            out,
            "- {}, {} ({ratings}): {}",
            day_time(&n.at),
            md(&n.title),
            md(&n.note)
        )?;
    }
    if r.notes.more > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "… and {} earlier notes (`knotless history --format csv` has them all).",
            r.notes.more
        )?;
    }
    Ok(())
}
