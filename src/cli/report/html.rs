//! The report as one self-contained HTML page for a doctor: inline CSS and SVG, no script,
//! nothing fetched, no link followed. It prints on at most two A4 or US Letter pages and
//! reads in greyscale (bars, outlines and letters, never colour alone). Every text a user
//! wrote (routine names, areas, notes) is escaped.
//!
//! A printed page has room for a year: the charts and the table show the period's newest
//! [`SHOWN_WINDOWS`] windows, the routine table its [`SHOWN_ROUTINES`] most-done routines,
//! self-care by area in one line, and the newest few professional sessions and notes, each
//! with a count of the rest. Head pain by week or month (up to 36 rows for three years)
//! would push a long history onto a third page, so the page says it is in the Markdown and
//! JSON reports, which have everything.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{
    ABOUT, NOT_ADVICE, ROUNDING, WINDOWS_EXPLAINED, calendar_cut_text, day, day_time, days_text,
    empty_stretch_text, intensity_text, meds_text, pain_cells, per_week_text, period_note,
    period_text, self_care_text, unreadable_text,
};
use crate::core::days::{Window, WindowRow, fold_empty};
use crate::core::report::{DayMark, Headache, Month, Report, TrendBy};
use crate::model::format::{fmt_length_secs, plural};

/// Windows drawn and tabled: a year.
pub const SHOWN_WINDOWS: usize = crate::core::days::REPORT_WINDOWS;
/// Routines in the table.
pub const SHOWN_ROUTINES: usize = 10;
/// Professional sessions and notes listed.
pub const SHOWN_NOTES: usize = 5;
/// Areas in the by-area table.
pub const SHOWN_AREAS: usize = 8;

const STYLE: &str = "
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font:9pt/1.35 sans-serif;color:#000;background:#fff;max-width:186mm;margin:6mm auto;padding:0 3mm;overflow-wrap:anywhere}
h1{font-size:14pt;margin:0 0 1mm}
h2{font-size:11pt;margin:3mm 0 1mm;border-bottom:0.4pt solid #000}
h3{font-size:9.5pt;margin:2mm 0 1mm}
h3 .sub{font-size:7.5pt;font-weight:normal;margin-left:2mm}
p{margin:0 0 1.2mm}
.period{font-size:10.5pt;font-weight:bold;margin:0}
.small{font-size:7.5pt;color:#333}
.advice{font-size:8pt;border:0.6pt solid #000;padding:1mm 2mm;margin:1.5mm 0}
.note{border-left:2pt solid #000;padding-left:2mm}
.unread{font-weight:bold;border:1pt solid #000;padding:1mm 2mm;margin:1.5mm 0}
table{border-collapse:collapse;width:100%;table-layout:fixed;font-size:8pt}
th,td{padding:0.4mm 1mm;border-bottom:0.3pt solid #999;text-align:right;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
th{font-weight:bold;font-size:7pt;border-bottom:0.6pt solid #000;white-space:normal;overflow-wrap:anywhere;text-overflow:clip;vertical-align:bottom}
th.l,td.l{text-align:left}
.charts{display:flex;gap:3mm}
.charts figure{flex:1;margin:0}
.charts figcaption{font-size:8pt;font-weight:bold}
svg{width:100%;height:auto;display:block}
svg text{font:6.5px sans-serif;fill:#000}
svg .ans{fill:#fff;stroke:#000;stroke-width:0.5;stroke-dasharray:1.5 1}
svg .bar{fill:#333}
svg .grid{stroke:#bbb;stroke-width:0.3}
.months{display:flex;flex-wrap:wrap;gap:2mm 3mm}
.months{gap:2mm 2mm}
.month{width:24mm;break-inside:avoid}
.month table{font-size:6pt;table-layout:fixed}
.month caption{font-size:7pt;font-weight:bold;text-align:left}
.month td,.month th{padding:0;height:3.6mm;text-align:center;border:0.3pt solid #fff;font-weight:normal;overflow:visible;text-overflow:clip;letter-spacing:-0.2pt}
.month th{border-bottom:0.3pt solid #000;height:3mm}
td.n{border:0.3pt solid #777}
td.h{background:#bbb;border:0.3pt solid #777}
td.m{background:#000;color:#fff;font-weight:bold;letter-spacing:-0.5pt}
td.u{color:#777}
td.s{box-shadow:inset 0 -0.8mm 0 #555}
td.m.s{box-shadow:inset 0 -0.8mm 0 #999}
.key span{display:inline-block;min-width:3.6mm;text-align:center;margin:0 0.5mm 0 2mm}
.two{display:flex;gap:5mm}
.two>div{flex:1;min-width:0}
.clip{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;white-space:normal;overflow-wrap:anywhere}
section{break-inside:avoid-page}
@page{margin:10mm}
@media print{body{margin:0 auto;padding:0}}
";

/// Text for HTML: `&`, `<`, `>`, quotes escaped; control characters and non-characters
/// (which a strict parser refuses) replaced by U+FFFD.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if c.is_control()
                || crate::model::format::is_unsafe_char(c)
                || is_noncharacter(c) =>
            {
                out.push(crate::model::format::REPLACEMENT)
            }
            c => out.push(c),
        }
    }
    out
}

/// U+FDD0–U+FDEF and the last two code points of every plane: never characters.
fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// The whole page.
pub fn write(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Self-care and headache summary, {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&period_text(r))
    );
    let _ = write!(
        h,
        "<h1>Self-care and headache summary</h1>\n<p class=\"period\">{}</p>\n\
         <p class=\"small\">{}</p>\n{}<p class=\"small\">{} {}</p>\n<p class=\"advice\">{}</p>\n",
        esc(&period_text(r)),
        esc(&period_note(r)),
        unreadable_text(r)
            .map(|u| format!("<p class=\"unread\">{}</p>\n", esc(&u)))
            .unwrap_or_default(),
        esc(ABOUT),
        esc(ROUNDING),
        esc(NOT_ADVICE)
    );
    match &r.headache {
        Some(hd) => headache(&mut h, r, hd),
        None => h.push_str(
            "<section><h2>Headache days</h2><p>The day log could not be read, so headache \
             days are left out.</p></section>\n",
        ),
    }
    self_care(&mut h, r);
    professional_and_notes(&mut h, r);
    let _ = write!(
        h,
        "<p class=\"small\">{}</p>\n</body>\n</html>\n",
        esc(NOT_ADVICE)
    );
    out.write_all(h.as_bytes())
}

fn headache(h: &mut String, r: &Report, hd: &Headache) {
    h.push_str("<section>\n<h2>Headache days</h2>\n");
    if hd.days.answered == 0 {
        h.push_str("<p>No days answered in this period.</p>\n</section>\n");
        return;
    }
    let _ = write!(
        h,
        "<p>{}</p>\n<p>Worst intensity on headache days: {}. Acute-medication days by kind: \
         {}.</p>\n",
        esc(&days_text(r, &hd.days)),
        esc(&intensity_text(&hd.days)),
        esc(&meds_text(&hd.days))
    );
    if let Some(n) = &hd.medication_note {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    let shown: Vec<&Window> = hd.windows.iter().take(SHOWN_WINDOWS).collect();
    if shown.is_empty() {
        h.push_str(
            "<p>The period is shorter than 4 weeks, so there is no whole 4-week window to \
             chart.</p>\n",
        );
    } else {
        charts(h, &shown);
        window_table(h, &hd.windows[..shown.len()], hd.windows.len());
    }
    if let Some(c) = &hd.comparison {
        let _ = writeln!(h, "<p>{}</p>", esc(&c.sentence));
    }
    h.push_str("</section>\n");
    calendar(h, hd);
}

/// Which count of a window a chart shows.
type Count = fn(&Window) -> u32;

/// Three small charts, one per count, each window's bar over an outline of its answered
/// days (so a thinly answered window looks thin), oldest window on the left.
fn charts(h: &mut String, shown: &[&Window]) {
    h.push_str("<div class=\"charts\">\n");
    let measures: [(&str, Count); 3] = [
        ("Headache days", |w| w.headache_days),
        ("Migraine days", |w| w.migraine_days),
        ("Acute-medication days", |w| w.acute_med_days),
    ];
    for (title, count) in measures {
        let _ = writeln!(
            h,
            "<figure><figcaption>{title} per 4 weeks</figcaption>{}</figure>",
            chart(title, shown, count)
        );
    }
    h.push_str(
        "</div>\n<p class=\"small\">Each bar is one 4-week window; the dashed outline \
        is how many of its 28 days were answered.</p>\n",
    );
}

/// The chart's width in SVG units, its labels' font size and how wide a label's character
/// is at most, as a share of it (sans-serif digits and letters are about 0.55).
const WIDTH: f64 = 200.0;
const LABEL_FONT: f64 = 6.5;
const CHAR_EM: f64 = 0.6;

/// A label's width in SVG units, never less than it is drawn.
fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * LABEL_FONT * CHAR_EM
}

/// Where each bar's date label goes, oldest bar first (`None`: not labelled). The newest
/// is always labelled, then every few to its left, as few apart as lets no two labels
/// touch; a label that would cross the y axis or the right edge (`within`) is set against
/// it instead of centred under its bar.
fn place_labels(
    centres: &[f64],
    labels: &[String],
    (left_edge, right_edge): (f64, f64),
) -> Vec<Option<(f64, &'static str)>> {
    const GAP: f64 = 3.0;
    let n = centres.len();
    let mut placed = vec![None; n];
    for every in 1..=n {
        placed = vec![None; n];
        let mut next_left = f64::INFINITY;
        let mut fits = true;
        for i in (0..n).rev().filter(|i| (n - 1 - i).is_multiple_of(every)) {
            let width = label_width(&labels[i]);
            let (x, anchor, left) = if centres[i] - width / 2.0 < left_edge {
                (left_edge, "start", left_edge)
            } else if centres[i] + width / 2.0 > right_edge {
                (right_edge, "end", right_edge - width)
            } else {
                (centres[i], "middle", centres[i] - width / 2.0)
            };
            if left + width + GAP > next_left {
                fits = false;
                break;
            }
            next_left = left;
            placed[i] = Some((x, anchor));
        }
        if fits {
            break;
        }
    }
    placed
}

/// One chart as inline SVG: a y axis of 0–28 days, a bar per window.
fn chart(title: &str, shown: &[&Window], count: Count) -> String {
    const LEFT: f64 = 16.0;
    const TOP: f64 = 6.0;
    const PLOT_W: f64 = 180.0;
    const PLOT_H: f64 = 84.0;
    let y = |days: f64| TOP + PLOT_H - days / 28.0 * PLOT_H;
    let mut s = format!(
        "<svg viewBox=\"0 0 {WIDTH} 106\" role=\"img\" aria-label=\"{title} per 4-week window\">"
    );
    for tick in [0, 7, 14, 21, 28] {
        let ty = y(f64::from(tick));
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            LEFT + PLOT_W,
            LEFT - 2.0,
            ty + 2.2
        );
    }
    let slot = PLOT_W / shown.len() as f64;
    let bar = (slot * 0.64).min(14.0);
    let labels: Vec<String> = shown
        .iter()
        .rev()
        .map(|w| w.end.strftime("%-d %b %y").to_string())
        .collect();
    let centres: Vec<f64> = (0..shown.len())
        .map(|i| LEFT + slot * i as f64 + slot / 2.0)
        .collect();
    let placed = place_labels(&centres, &labels, (LEFT, WIDTH));
    for (i, w) in shown.iter().rev().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let n = count(w);
        let _ = write!(
            s,
            "<rect class=\"ans\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"/>\
             <rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
            y(f64::from(w.answered)),
            f64::from(w.answered) / 28.0 * PLOT_H,
            y(f64::from(n)),
            f64::from(n) / 28.0 * PLOT_H,
            x + bar / 2.0,
            y(f64::from(n)) - 1.5
        );
        if let Some((lx, anchor)) = placed[i] {
            let _ = write!(
                s,
                "<text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                TOP + PLOT_H + 8.0,
                labels[i]
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn window_table(h: &mut String, shown: &[Window], all: usize) {
    h.push_str(
        "<table>\n<colgroup><col style=\"width:18%\"><col style=\"width:10%\">\
         <col style=\"width:10%\"><col style=\"width:10%\"><col style=\"width:9%\">\
         <col style=\"width:13%\"><col style=\"width:19%\"><col style=\"width:11%\">\
         </colgroup>\n<thead><tr><th class=\"l\">4 weeks to</th><th>answered</th>\
         <th>headache days</th><th>migraine days</th><th>acute-med days</th>\
         <th>simple · triptan · other</th><th>per 28 days: headache · migraine · meds</th>\
         <th>self-care sessions</th></tr></thead>\n<tbody>\n",
    );
    for row in fold_empty(shown) {
        let w = match row {
            WindowRow::Window(w) => w,
            WindowRow::Empty(e) => {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"l\" colspan=\"8\">{}</td></tr>",
                    esc(&empty_stretch_text(&e))
                );
                continue;
            }
        };
        let rate = w.rates_cell();
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}/28</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{} · {} · {}</td><td>{rate}</td><td>{}</td></tr>",
            day(w.end),
            w.answered,
            w.headache_days,
            w.migraine_days,
            w.acute_med_days,
            w.simple_days,
            w.triptan_days,
            w.other_days,
            w.sessions
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let older = all.saturating_sub(shown.len());
    let more = if older > 0 {
        format!(
            " The {older} older window{} of the period are in the Markdown and JSON reports.",
            plural(older as u32)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        h,
        "<p class=\"small\">{}{}</p>",
        esc(WINDOWS_EXPLAINED),
        more
    );
}

/// The class and the letter of a calendar day.
fn day_cell(mark: DayMark, meds: bool) -> (&'static str, &'static str) {
    let (class, letter) = match mark {
        DayMark::NotAnswered => ("u", "·"),
        DayMark::NoHeadache => ("n", "o"),
        DayMark::Headache => ("h", "H"),
        DayMark::Migraine => ("m", "M"),
    };
    let letter = match (letter, meds) {
        ("·", true) => "+",
        ("o", true) => "o+",
        ("H", true) => "H+",
        ("M", true) => "M+",
        (l, _) => l,
    };
    (class, letter)
}

fn calendar(h: &mut String, hd: &Headache) {
    let months: &[Month] = &hd.calendar;
    // Beside the heading, so the page grows by no line.
    let cut = calendar_cut_text(hd)
        .map(|c| format!(" <span class=\"sub\">{}</span>", esc(&c)))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<section>\n<h3>Calendar{cut}</h3>\n<p class=\"small key\">\
         <span class=\"n\">o</span>no headache<span>H</span>headache<span>M</span>migraine\
         <span>+</span>acute medicine<span>·</span>not answered; an underlined day had \
         self-care.</p>\n<div class=\"months\">\n",
    );
    for m in months {
        let _ = write!(
            h,
            "<div class=\"month\"><table><caption>{}</caption><thead><tr>\
             <th>M</th><th>T</th><th>W</th><th>T</th><th>F</th><th>S</th><th>S</th>\
             </tr></thead><tbody><tr>",
            m.first.strftime("%B %Y")
        );
        let lead = m.first.weekday().to_monday_zero_offset();
        for _ in 0..lead {
            h.push_str("<td></td>");
        }
        for d in &m.days {
            if d.in_period {
                let (class, letter) = day_cell(d.mark, d.meds);
                let s = if d.sessions > 0 { " s" } else { "" };
                let _ = write!(h, "<td class=\"{class}{s}\">{letter}</td>");
            } else {
                h.push_str("<td></td>");
            }
            if d.date.weekday() == jiff::civil::Weekday::Sunday
                && d.date != m.days[m.days.len() - 1].date
            {
                h.push_str("</tr><tr>");
            }
        }
        h.push_str("</tr></tbody></table></div>\n");
    }
    h.push_str("</div>\n</section>\n");
}

fn self_care(h: &mut String, r: &Report) {
    let _ = write!(
        h,
        "<section>\n<h2>Self-care</h2>\n<p>{}</p>\n",
        esc(&self_care_text(r))
    );
    if let Some(w) = per_week_text(r) {
        let _ = writeln!(h, "<p>{}</p>", esc(&w));
    }
    let t = &r.self_care.totals;
    if let Some(c) = t.pain.change_text() {
        let (b, a) = t.pain.shown_averages().unwrap_or_default();
        let _ = writeln!(
            h,
            "<p>Head pain, all sessions rated before and after: {b} → {a}, {}.</p>",
            esc(&c)
        );
    }
    if r.routines.is_empty() {
        h.push_str("</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<colgroup><col style=\"width:35%\"><col style=\"width:12%\">\
         <col style=\"width:9%\"><col style=\"width:12%\"><col style=\"width:9%\">\
         <col style=\"width:8%\"><col style=\"width:15%\"></colgroup>\n\
         <thead><tr><th class=\"l\">Routine</th>\
         <th class=\"l\">Area</th><th>sessions</th><th>minutes</th><th>head pain before</th>\
         <th>after</th><th>change (n)</th></tr></thead>\n<tbody>\n",
    );
    for row in r.routines.iter().take(SHOWN_ROUTINES) {
        let [b, a, c] = pain_cells(&row.pain);
        let _ = writeln!(
            h,
            "<tr><td class=\"l\"><div class=\"clip\">{}</div></td><td class=\"l\">{}</td>\
             <td>{}</td><td>{}</td><td>{b}</td><td>{a}</td><td>{c}</td></tr>",
            esc(&row.title),
            esc(&row.area),
            row.sessions,
            esc(&fmt_length_secs(row.secs))
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let more = r.routines.len().saturating_sub(SHOWN_ROUTINES);
    if more > 0 {
        let rest: u32 = r.routines[SHOWN_ROUTINES..]
            .iter()
            .map(|x| x.sessions)
            .sum();
        let _ = writeln!(
            h,
            "<p class=\"small\">… and {more} more routine{} ({rest} session{}).</p>",
            plural(more as u32),
            plural(rest)
        );
    }
    areas(h, r);
    trend(h, r);
    h.push_str("</section>\n");
}

/// Self-care by area in one line, most minutes first: a table would not leave the page
/// room for a long history.
fn areas(h: &mut String, r: &Report) {
    let mut parts: Vec<String> = r
        .areas
        .iter()
        .take(SHOWN_AREAS)
        .map(|a| {
            format!(
                "{} {} session{} ({})",
                esc(&a.area),
                a.sessions,
                plural(a.sessions),
                esc(&fmt_length_secs(a.secs))
            )
        })
        .collect();
    let more = r.areas.len().saturating_sub(SHOWN_AREAS);
    if more > 0 {
        let rest: u32 = r.areas[SHOWN_AREAS..].iter().map(|a| a.sessions).sum();
        parts.push(format!(
            "and {more} more area{} ({rest} session{})",
            plural(more as u32),
            plural(rest)
        ));
    }
    let _ = writeln!(h, "<p>By area: {}.</p>", parts.join(" · "));
}

/// Head pain over time does not fit the page: it says where it is.
fn trend(h: &mut String, r: &Report) {
    let n = r.trend.rows.len() as u32;
    if n == 0 {
        return;
    }
    let unit = match r.trend.by {
        TrendBy::Month => "month",
        TrendBy::Week => "week",
    };
    let _ = writeln!(
        h,
        "<p class=\"small\">Head pain before and after sessions by {unit} ({n} {unit}{}) is in \
         the Markdown and JSON reports.</p>",
        plural(n)
    );
}

fn professional_and_notes(h: &mut String, r: &Report) {
    let p = &r.professional;
    h.push_str("<section class=\"two\">\n<div>\n<h2>Professional sessions</h2>\n");
    if p.sessions == 0 {
        h.push_str("<p>None logged in this period.</p>\n");
    } else {
        let mut kinds: Vec<String> = p
            .by_what
            .iter()
            .take(SHOWN_NOTES)
            .map(|w| format!("{} {}", esc(&w.title), w.sessions))
            .collect();
        let other = p.by_what.get(SHOWN_NOTES..).unwrap_or_default();
        if !other.is_empty() {
            let rest: u32 = other.iter().map(|w| w.sessions).sum();
            kinds.push(format!(
                "and {} more kind{} with {rest} session{}",
                other.len(),
                plural(other.len() as u32),
                plural(rest)
            ));
        }
        // How many kinds comes first, so a clipped line still says it.
        let of_kinds = match p.by_what.len() {
            0 | 1 => String::new(),
            n => format!(" of {n} kinds"),
        };
        let _ = writeln!(
            h,
            "<p class=\"clip\">{} session{}{of_kinds}, {} in all ({}).</p>",
            p.sessions,
            plural(p.sessions),
            esc(&fmt_length_secs(p.secs)),
            kinds.join(", ")
        );
        let listed = p.listed.items.len().min(SHOWN_NOTES) as u32;
        for s in p.listed.items.iter().take(SHOWN_NOTES) {
            let note = s.note.as_deref().map(esc).unwrap_or_default();
            let _ = writeln!(
                h,
                "<p class=\"clip\">{}: {}, {}{}{note}</p>",
                day_time(&s.at),
                esc(&s.title),
                esc(&fmt_length_secs(s.secs)),
                if note.is_empty() { "" } else { ". " }
            );
        }
        let earlier = p.sessions.saturating_sub(listed);
        if earlier > 0 {
            let _ = writeln!(
                h,
                "<p class=\"small\">… and {earlier} earlier session{}.</p>",
                plural(earlier)
            );
        }
    }
    h.push_str("</div>\n<div>\n<h2>Notes after sessions</h2>\n");
    if r.notes.items.is_empty() {
        h.push_str("<p>None in this period.</p>\n");
    }
    for n in r.notes.items.iter().take(SHOWN_NOTES) {
        let ratings = crate::cli::review::fmt_pain(n.pain_before, n.pain_after);
        let ratings = if ratings.is_empty() {
            String::new()
        } else {
            format!(" (head {ratings})")
        };
        let _ = writeln!(
            h,
            "<p class=\"clip\">{}, {}{ratings}: {}</p>",
            day_time(&n.at),
            esc(&n.title),
            esc(&n.note)
        );
    }
    let more = r.notes.items.len().saturating_sub(SHOWN_NOTES) + r.notes.more as usize;
    if more > 0 {
        let _ = writeln!(
            h,
            "<p class=\"small\">… and {more} earlier note{}.</p>",
            plural(more as u32)
        );
    }
    h.push_str("</div>\n</section>\n");
}
