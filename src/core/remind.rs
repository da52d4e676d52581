//! Reminders without a daemon: the text of a systemd user timer and service, or of a crontab
//! line, that run `knotless nudge --notify` at a time of day. Pure: the caller passes the
//! path of the knotless binary and any directory flags to carry over.

use std::fmt::Write as _;

/// The unit names `--install` writes into `~/.config/systemd/user/`.
pub const SERVICE_NAME: &str = "knotless-nudge.service";
pub const TIMER_NAME: &str = "knotless-nudge.timer";

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAY_WORDS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Why a list of days could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DaysError {
    #[error("an empty day in the list")]
    Empty,
    #[error("\"{0}\" runs backwards; write ranges Monday first, e.g. mon-fri")]
    Backwards(String),
    #[error(
        "\"{0}\" is not a day; write days like mon,wed,fri or mon-fri, or weekdays, weekends, daily"
    )]
    NotADay(String),
}

/// A set of weekdays, Monday first (bit 0 = Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const EVERY_DAY: Weekdays = Weekdays(0x7f);

    /// Reads "mon,wed,fri", "mon-fri", full names, "weekdays", "weekends" or "daily".
    pub fn parse(s: &str) -> Result<Weekdays, DaysError> {
        let mut bits = 0u8;
        for part in s.split(',').map(|p| p.trim().to_ascii_lowercase()) {
            match part.as_str() {
                "" => return Err(DaysError::Empty),
                "daily" | "every-day" | "everyday" | "all" => bits |= 0x7f,
                "weekdays" => bits |= 0x1f,
                "weekends" | "weekend" => bits |= 0x60,
                _ => {
                    let (a, b) = match part.split_once('-') {
                        Some((a, b)) => (day(a)?, day(b)?),
                        None => (day(&part)?, day(&part)?),
                    };
                    if a > b {
                        return Err(DaysError::Backwards(part));
                    }
                    for d in a..=b {
                        bits |= 1 << d;
                    }
                }
            }
        }
        Ok(Weekdays(bits))
    }

    pub fn is_every_day(self) -> bool {
        self.0 == 0x7f
    }

    fn days(self) -> impl Iterator<Item = usize> {
        (0..7).filter(move |d| self.0 & (1 << d) != 0)
    }

    /// "Mon,Wed,Fri" (systemd's spelling).
    fn short_list(self, sep: &str) -> String {
        self.days()
            .map(|d| DAY_NAMES[d])
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// "1,3,5" (cron: 0 is Sunday).
    fn cron_list(self) -> String {
        self.days()
            .map(|d| ((d + 1) % 7).to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn day(s: &str) -> Result<usize, DaysError> {
    DAY_WORDS
        .iter()
        .position(|w| s.len() >= 2 && w.starts_with(s))
        .ok_or_else(|| DaysError::NotADay(s.to_string()))
}

/// When the reminder runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Minutes after midnight.
    pub at: u16,
    pub days: Weekdays,
}

impl Schedule {
    fn clock(&self) -> String {
        format!("{:02}:{:02}", self.at / 60, self.at % 60)
    }

    /// "at 18:00 on Mon, Wed, Fri" or "at 18:00 every day".
    pub fn describe(&self) -> String {
        if self.days.is_every_day() {
            format!("at {} every day", self.clock())
        } else {
            format!("at {} on {}", self.clock(), self.days.short_list(", "))
        }
    }

    /// systemd's `OnCalendar=` value.
    pub fn on_calendar(&self) -> String {
        let days = if self.days.is_every_day() {
            String::new()
        } else {
            format!("{} ", self.days.short_list(","))
        };
        format!("{days}*-*-* {}:00", self.clock())
    }
}

/// The service and timer files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Units {
    pub service: String,
    pub timer: String,
}

/// Why a path cannot go into a reminder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unquotable {
    /// A line break ends a crontab line and a unit file's line: no quoting can hold it.
    #[error("it holds a line break, which a crontab line or a systemd unit cannot hold")]
    LineBreak,
    /// A control character: cron and systemd would mangle or reject it.
    #[error("it holds a control character (U+{0:04X}), which cron and systemd cannot quote")]
    Control(u32),
    /// systemd runs no program whose path holds a quote or a backslash, however quoted.
    #[error("it holds {0:?}, which systemd does not accept in the path of the program it runs")]
    ProgramChar(char),
}

/// Whether `word` can be written into both formats (quoted by [`systemd_word`] and
/// [`cron_word`]): anything but a line break or another control character (a tab is
/// quoted like a space).
pub fn check_word(word: &str) -> Result<(), Unquotable> {
    match word.chars().find(|&c| c.is_control() && c != '\t') {
        None => Ok(()),
        Some('\n' | '\r') => Err(Unquotable::LineBreak),
        Some(c) => Err(Unquotable::Control(c as u32)),
    }
}

/// Whether `exe` can be the program of a systemd unit: a word ([`check_word`]) without a
/// quote or a backslash, which systemd refuses in the path of the program it runs.
pub fn check_systemd_program(exe: &str) -> Result<(), Unquotable> {
    check_word(exe)?;
    match exe.chars().find(|c| matches!(c, '"' | '\'' | '\\')) {
        None => Ok(()),
        Some(c) => Err(Unquotable::ProgramChar(c)),
    }
}

/// The command the reminder runs: the binary, any directory flags, `nudge --notify`.
fn command_words(exe: &str, extra: &[String]) -> Vec<String> {
    let mut w = vec![exe.to_string()];
    w.extend(extra.iter().cloned());
    w.push("nudge".into());
    w.push("--notify".into());
    w
}

/// One word of an `ExecStart=` line: `%` doubled (systemd expands specifiers everywhere)
/// and, in the arguments, `$` too (expanded there only; `program` is the first word),
/// quoted when it holds a space, a quote or a backslash. The program's path never holds a
/// quote or a backslash ([`check_systemd_program`]).
fn systemd_word(w: &str, program: bool) -> String {
    let escaped = w.replace('%', "%%");
    let escaped = if program {
        escaped
    } else {
        escaped.replace('$', "$$")
    };
    if escaped.is_empty()
        || escaped
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | ';'))
    {
        format!("\"{}\"", escaped.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        escaped
    }
}

/// One word of a crontab command: single-quoted when it needs it for `sh`, and `%` escaped
/// (cron turns a bare `%` into a newline).
fn cron_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '=' | ':' | ',')
        });
    let quoted = if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    };
    quoted.replace('%', "\\%")
}

pub fn systemd_units(s: &Schedule, exe: &str, extra: &[String]) -> Units {
    let exec = command_words(exe, extra)
        .iter()
        .enumerate()
        .map(|(i, w)| systemd_word(w, i == 0))
        .collect::<Vec<_>>()
        .join(" ");
    let service = format!(
        "[Unit]\n\
         Description=knotless: a gentle nudge for self-care\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exec}\n"
    );
    let timer = format!(
        "[Unit]\n\
         Description=knotless: a gentle nudge {}\n\
         \n\
         [Timer]\n\
         OnCalendar={}\n\
         Persistent=true\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        s.describe(),
        s.on_calendar()
    );
    Units { service, timer }
}

/// The line that enables the installed timer.
pub fn enable_line() -> String {
    format!("systemctl --user daemon-reload && systemctl --user enable --now {TIMER_NAME}")
}

/// What `remind --print systemd` shows: both files under a comment naming where they go,
/// then how to turn them on.
pub fn systemd_text(s: &Schedule, exe: &str, extra: &[String]) -> String {
    let u = systemd_units(s, exe, extra);
    let mut out = String::new();
    let _ = writeln!(out, "# ~/.config/systemd/user/{SERVICE_NAME}");
    out.push_str(&u.service);
    let _ = writeln!(out, "\n# ~/.config/systemd/user/{TIMER_NAME}");
    out.push_str(&u.timer);
    let _ = writeln!(out, "\n# then: {}", enable_line());
    let _ = writeln!(
        out,
        "# (`knotless remind --at {} ... --install --enable` writes both files and runs that for you)",
        s.clock()
    );
    out
}

/// What `remind --print cron` shows: a comment and one crontab line. cron starts jobs without
/// the desktop session's environment, so `notify-send` could not find the session bus; the
/// line sets `DBUS_SESSION_BUS_ADDRESS` to the user's standard bus socket
/// (`/run/user/<uid>/bus`, worked out by `id -u` when the job runs).
pub fn cron_text(s: &Schedule, exe: &str, extra: &[String]) -> String {
    let days = if s.days.is_every_day() {
        "*".to_string()
    } else {
        s.days.cron_list()
    };
    let cmd = command_words(exe, extra)
        .iter()
        .map(|w| cron_word(w))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "# knotless: a gentle nudge {} (add it with `crontab -e`).\n\
         # cron has no desktop session, so the line points notify-send at your session bus.\n\
         {} {} * * {days} DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus {cmd}\n",
        s.describe(),
        s.at % 60,
        s.at / 60,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_in_every_form() {
        let p = |s| Weekdays::parse(s).unwrap().short_list(",");
        assert_eq!(p("mon,wed,fri"), "Mon,Wed,Fri");
        assert_eq!(p("Friday, MONDAY"), "Mon,Fri");
        assert_eq!(p("mon-fri"), "Mon,Tue,Wed,Thu,Fri");
        assert_eq!(p("weekends"), "Sat,Sun");
        assert!(Weekdays::parse("daily").unwrap().is_every_day());
        assert!(Weekdays::parse("fri-mon").is_err());
        assert!(Weekdays::parse("blorp").is_err());
        assert!(Weekdays::parse("m").is_err());
        assert!(Weekdays::parse("mon,,tue").is_err());
        assert_eq!(Weekdays::parse("sun,sat").unwrap().cron_list(), "6,0");
    }

    #[test]
    fn odd_paths_are_quoted_for_each_reader() {
        assert_eq!(
            systemd_word("/opt/my apps/knotless", true),
            "\"/opt/my apps/knotless\""
        );
        assert_eq!(systemd_word("/x/50%/k", true), "/x/50%%/k");
        assert_eq!(systemd_word("/x/$HOME/k", true), "/x/$HOME/k");
        assert_eq!(systemd_word("/x/$HOME/k", false), "/x/$$HOME/k");
        assert_eq!(
            systemd_word("/my \"data\" \\", false),
            "\"/my \\\"data\\\" \\\\\""
        );
        assert_eq!(cron_word("/opt/my apps/k"), "'/opt/my apps/k'");
        assert_eq!(cron_word("/x/50%/k"), "'/x/50\\%/k'");
        assert_eq!(cron_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn line_breaks_and_controls_cannot_be_quoted() {
        assert_eq!(check_word("/opt/my apps/50% $x/it's"), Ok(()));
        assert_eq!(check_word("a\tb"), Ok(()));
        assert_eq!(check_word("/a\nb"), Err(Unquotable::LineBreak));
        assert_eq!(check_word("/a\rb"), Err(Unquotable::LineBreak));
        assert_eq!(check_word("/a\u{1b}b"), Err(Unquotable::Control(0x1b)));
        assert_eq!(check_word("/a\u{85}b"), Err(Unquotable::Control(0x85)));
        assert_eq!(check_systemd_program("/opt/50% $x/k"), Ok(()));
        assert_eq!(
            check_systemd_program("/opt/it's/k"),
            Err(Unquotable::ProgramChar('\''))
        );
        assert_eq!(
            check_systemd_program("/a\\b"),
            Err(Unquotable::ProgramChar('\\'))
        );
    }
}
