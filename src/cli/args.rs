//! The command line: every command, flag and its help text (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Run without a command to open the app: pick a routine, follow it step by step with a
breathing pacer, and look back at what you did and whether it helped.

Files:
  routines     <config>/routines/*.toml  (your own; same id replaces a bundled routine)
  settings     <config>/config.toml      (theme, sound, voice, get-ready, weekly goal, patterns)
  history      <data>/history-<machine>.jsonl  (one JSON record per session, append-only)
  day log      <data>/days-<machine>.jsonl     (one JSON line per headache-day answer)
  this machine <state>/  (running sessions, the nudge's memory, theme and mute; never synced)
  <config> is $KNOTLESS_CONFIG_DIR or ~/.config/knotless;
  <data> is $KNOTLESS_DATA_DIR or ~/.local/share/knotless;
  <state> is $KNOTLESS_STATE_DIR or ~/.local/state/knotless.

Self-care only, not medical advice. Stop if it hurts, makes you dizzy, or your
headache gets worse.";

#[derive(Debug, Parser)]
#[command(
    name = "knotless",
    version,
    about = "A calm terminal coach for guided self-massage and paced breathing",
    long_about = "A calm terminal coach for guided self-massage and paced breathing, for looking \
after your neck, shoulders, jaw and scalp between professional massage sessions.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The command line, parsed. A bare `knotless` (the app, the front door) has nothing to
    /// parse and is known without clap building its tree of every command and flag: about
    /// 0.4 ms of the first frame.
    pub fn from_args() -> Cli {
        if std::env::args_os().len() <= 1 {
            return Cli::bare();
        }
        Cli::parse()
    }

    /// What clap makes of `knotless` with no arguments (a test holds the two equal).
    fn bare() -> Cli {
        Cli {
            global: Global::default(),
            command: None,
        }
    }
}

#[derive(Debug, Default, Args)]
pub struct Global {
    // The folders' environment variables are read after parsing (`Global::with_env`), not by
    // clap: clap counts a value from the environment as given, and its usage lines then
    // show `--config-dir <DIR>` as if it had to be typed.
    /// Where your routines and config.toml live (default: $KNOTLESS_CONFIG_DIR, else
    /// ~/.config/knotless)
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Where the history and the day log are kept, may be synced between machines (default:
    /// $KNOTLESS_DATA_DIR, else ~/.local/share/knotless)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where this machine's own state is kept: running sessions, the nudge's memory, never
    /// synced (default: $KNOTLESS_STATE_DIR, else ~/.local/state/knotless)
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Colour theme for this run
    #[arg(long, global = true, value_enum, value_name = "NAME")]
    pub theme: Option<crate::model::config::ThemeName>,
    /// Use no colour at all (same as NO_COLOR=1)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// No sound at all this run: no tones, no voice, no bell
    #[arg(long, global = true)]
    pub quiet: bool,
    /// Run none of the [hooks] in config.toml this time
    #[arg(long, global = true)]
    pub no_hooks: bool,
}

impl Global {
    /// The flags with each folder not given taken from its environment variable
    /// (`KNOTLESS_CONFIG_DIR`, `KNOTLESS_DATA_DIR`, `KNOTLESS_STATE_DIR`; empty is unset).
    pub fn with_env(mut self) -> Global {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        self.config_dir = self.config_dir.or_else(|| env("KNOTLESS_CONFIG_DIR"));
        self.data_dir = self.data_dir.or_else(|| env("KNOTLESS_DATA_DIR"));
        self.state_dir = self.state_dir.or_else(|| env("KNOTLESS_STATE_DIR"));
        self
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Go straight to the player for one routine
    #[command(
        after_help = "Examples:\n  knotless run neck-release\n  knotless run \"desk\"        (a unique part of the name)\n  knotless run jaw --plain    (timed text lines instead of a screen)"
    )]
    Run {
        /// The routine's id, the start of one, or a unique part of its name
        routine: String,
        /// Print timed cue lines instead of drawing a screen (also used when output is not a terminal)
        #[arg(long)]
        plain: bool,
    },
    /// Paced breathing on its own, for a length of time or a number of breaths
    #[command(
        after_help = "Examples:\n  knotless breathe                       (extended-exhale for 5 minutes)\n  knotless breathe resonance --for 10m\n  knotless breathe cyclic-sigh --breaths 15"
    )]
    Breathe {
        /// A pattern id (see `knotless patterns`); default extended-exhale
        pattern: Option<String>,
        /// How long, 1 to 20 minutes, e.g. 5m or "2m 30s" (ends on a whole breath)
        #[arg(long = "for", value_name = "DURATION", conflicts_with = "breaths", value_parser = breathing_for)]
        length: Option<Duration>,
        /// How many whole breaths (3 to 30)
        #[arg(long, value_name = "N", value_parser = breath_count)]
        breaths: Option<u32>,
        /// Print timed cue lines instead of drawing a screen
        #[arg(long)]
        plain: bool,
    },
    /// List the routines, grouped by area
    List {
        /// Only this area (neck, shoulders, scalp, jaw, upper-back, hands-feet, breathing, mixed)
        #[arg(long, value_parser = area_arg)]
        area: Option<crate::model::routine::Area>,
        /// Print a JSON array instead of text
        #[arg(long)]
        json: bool,
    },
    /// Print a routine as readable text: steps, times, sides, pressure, breathing, cautions
    Show {
        /// The routine's id, or a unique part of its name
        routine: String,
    },
    /// Validate routine files and config.toml; exit 1 if one has a problem, 3 if all load but one breaks the safety limits
    #[command(
        after_help = "Without paths, checks everything knotless would load: the bundled set,\nyour config.toml and every file in <config>/routines/."
    )]
    Check {
        /// Files to check (default: everything it would load)
        paths: Vec<PathBuf>,
    },
    /// List the breathing patterns it knows
    Patterns,
    /// Past sessions: the table newest first; CSV and JSONL oldest first
    #[command(
        after_help = "Order: the table lists the newest session first. CSV lists them oldest first\nin one order across every machine's log, so a spreadsheet can follow them in time.\nJSONL lists them as they were logged: each machine's log in turn, oldest first.\n\nExamples:\n  knotless history --since 30d\n  knotless history --routine neck-release --format csv > neck.csv\n  knotless history --since 2026-09-01 --until 2026-10-01"
    )]
    History {
        /// Only sessions started at this instant or after: 30d, 2w, '3 days ago',
        /// '2026-11-01 17:00', or a date (its start)
        #[arg(long, value_name = "WHEN", value_parser = when_arg)]
        since: Option<Timestamp>,
        /// Only sessions started before this instant; a date includes that whole day
        #[arg(long, value_name = "WHEN", value_parser = until_arg)]
        until: Option<Timestamp>,
        /// Only this routine (id)
        #[arg(long, value_name = "ID")]
        routine: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value = "table")]
        format: crate::cli::review::HistoryFormat,
    },
    /// Sessions, minutes and head-pain change, as text or JSON
    #[command(
        after_help = "The weekly figures and the calendar always look at everything; the period\nchooses what the by-area, by-routine and \"In all\" figures cover, with the\nsame choices as the Stats and History screens (whole days up to today)."
    )]
    Stats {
        /// Period to summarise, as on the Stats and History screens
        #[arg(long, value_enum, default_value = "90d")]
        period: crate::core::period::Period,
        /// Instead of --period: only sessions after this (30d, 2026-11-01, '3 days ago')
        #[arg(long, value_name = "WHEN", value_parser = when_arg, conflicts_with = "period")]
        since: Option<Timestamp>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// Compare headache days before and after this date instead of your first session
        #[arg(long, value_name = "DATE", value_parser = past_day)]
        started: Option<jiff::civil::Date>,
    },
    /// Record a session done elsewhere (massage therapist, physio)
    #[command(
        after_help = "Examples:\n  knotless log \"massage therapist\" --duration 60m\n  knotless log physio --at \"yesterday 17:00\" --duration 45m --note \"left levator very tight\""
    )]
    Log {
        /// What it was, e.g. "massage therapist"
        what: String,
        /// When it started: "yesterday 17:00", "3 days ago", 2026-11-20T09:30 (default: it
        /// ended just now, so it started --duration ago)
        #[arg(long, value_name = "TIME", value_parser = at_arg)]
        at: Option<Timestamp>,
        /// How long it lasted, e.g. 60m
        #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = logged_length)]
        duration: Duration,
        /// A note to keep with it
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Add to a past session: how your head was before or after, or a note
    #[command(
        after_help = "Examples:\n  knotless amend last --after 3\n  knotless amend last --note \"left side tighter\"\n  knotless amend last --before 6 --after 4\n\nID is a session's record id (`knotless history --format csv` lists them; the app's\nrecord view shows one), the start of one (20261124T1705: begun at 17:05 UTC on\n24 November 2026), or `last` for the newest session. Nothing is rewritten: the\nchange is added as its own line, and the latest one counts."
    )]
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["before", "after", "note"])))]
    Amend {
        /// The session: its record id, the start of one, or `last`
        id: String,
        /// How your head was before it, 0-10
        #[arg(long, value_name = "0-10", value_parser = rating)]
        before: Option<u8>,
        /// How your head was afterwards, 0-10
        #[arg(long, value_name = "0-10", value_parser = rating)]
        after: Option<u8>,
        /// A note to keep with it (replaces the one it has)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// A summary for a therapist or doctor: Markdown, a printable HTML page, or JSON
    #[command(
        after_help = "The period is stated once at the top and everything in the report keeps to it.\nIt is made of whole days, so a day's sessions and its answer are in it together:\nit starts at the beginning of the day --since falls on (or of the first day you\nlogged anything, if that is later) and ends at the end of the day --until falls on\n(a time such as 2026-06-30T10:00 includes all of 30 June; midnight ends the day\nbefore).\n\nExamples:\n  knotless report --since 90d > knotless-report.md\n  knotless report --since 1y --format html > knotless-report.html\n  knotless report --since 2026-01-01 --until 2026-06-30 --format json\n  knotless report --since all"
    )]
    Report {
        /// Period to cover, from the start of the day this falls on: 90d, 1y, 2026-01-01, or
        /// all (from your first entry)
        #[arg(long, value_name = "WHEN", default_value = "90d", value_parser = since_or_all)]
        since: SinceArg,
        /// End of the period (default today): the end of the day this falls on, so a date
        /// or a time includes that whole day
        #[arg(long, value_name = "WHEN", value_parser = until_arg)]
        until: Option<Timestamp>,
        /// md (Markdown), html (one page to print or open in a browser) or json
        #[arg(long, value_enum, default_value = "md")]
        format: ReportFormat,
        /// Compare headache days before and after this date instead of your first session
        #[arg(long, value_name = "DATE", value_parser = past_day)]
        started: Option<jiff::civil::Date>,
    },
    /// Answer "headache today?" (or for another day); --ask fills in the last week
    #[command(
        after_help = "Examples:\n  knotless day no\n  knotless day yes --migraine --worst severe --meds triptan\n  knotless day yes --date yesterday --worst mild\n  knotless day --ask          (each unanswered day of the last week, oldest first)\n\nA day you never answer is unknown: it is never counted as headache-free.\nAnswering a day again replaces the earlier answer."
    )]
    Day {
        /// Did you have a headache that day?
        #[arg(value_enum, required_unless_present = "ask")]
        answer: Option<YesNo>,
        /// Which day: today (default), yesterday or YYYY-MM-DD; never a future day
        #[arg(long, value_name = "DAY", value_parser = past_day)]
        date: Option<jiff::civil::Date>,
        /// You would call it a migraine
        #[arg(long)]
        migraine: bool,
        /// How bad it got at worst (none only with `day no`)
        #[arg(long, value_enum, value_name = "LEVEL")]
        worst: Option<crate::model::day::Intensity>,
        /// Acute medication taken that day
        #[arg(long, value_enum, value_name = "KIND")]
        meds: Option<crate::model::day::Meds>,
        /// Ask about each unanswered day of the last week, oldest first (answers read from stdin)
        #[arg(long, conflicts_with_all = ["answer", "date", "migraine", "worst", "meds"])]
        ask: bool,
    },
    /// Every answered day from the day log, oldest first
    Days {
        /// Output format
        #[arg(long, value_enum, default_value = "csv")]
        format: DaysFormat,
    },
    /// Write a new routine of your own (a commented template, or a copy) and print its path
    #[command(
        after_help = "Examples:\n  knotless new my-neck\n  knotless new my-desk --from desk-reset   (a copy with the id changed)"
    )]
    New {
        /// The new routine's id: up to 64 letters, digits, dashes and underscores (also its
        /// file name)
        #[arg(value_parser = new_id)]
        id: String,
        /// Start from a copy of this routine instead of the template
        #[arg(long, value_name = "ROUTINE")]
        from: Option<String>,
    },
    /// Edit a routine in $VISUAL or $EDITOR; the file is replaced only when it is valid
    #[command(
        after_help = "The editor works on a copy. When the copy has a problem you are asked:\n  [e]dit again · [r]evert · [k]eep as a draft (not loaded)\nThe answer is read as a line from standard input; with none, nothing changes.\nA copy that breaks safety limits the routine kept is listed with what it breaks, as\nimport lists them, and saved only when you answer y; otherwise it is kept as a draft.\nA bundled routine is saved as your own copy, which then replaces it.\nExit 0 when saved or unchanged, 1 when reverted or kept as a draft."
    )]
    Edit {
        /// The routine's id, or a unique part of its name
        routine: String,
    },
    /// Check a routine someone sent you and install it among your routines
    #[command(
        after_help = "Examples:\n  knotless import neck-from-physio.toml\n  knotless import - < shared.toml\n  knotless import mine.toml --as my-neck-2    (under another id)\n\nA routine that breaks the safety limits is listed with what it breaks, and installed\nonly when you answer y (at a terminal) or give --yes."
    )]
    Import {
        /// The routine file, or - for standard input
        file: PathBuf,
        /// Replace the routine that already has this id
        #[arg(long)]
        replace: bool,
        /// Install it under this id instead
        #[arg(long = "as", value_name = "NEW-ID", conflicts_with = "replace", value_parser = new_id)]
        as_id: Option<String>,
        /// Install it even if it breaks the safety limits, without asking (for scripts)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Print a routine as one self-contained file to send (your own patterns included)
    Share {
        /// The routine's id, or a unique part of its name
        routine: String,
    },
    /// Sound and voice: what was found, and each cue played once
    #[command(subcommand)]
    Sound(SoundCommand),
    /// One gentle line for a shell prompt, or nothing: at most once a day, silent after a session
    #[command(
        after_help = "Examples:\n  knotless nudge                 (in a prompt: below)\n  knotless nudge --snooze 3d     (quiet for three days; --snooze off ends it)\n  knotless nudge --notify        (a desktop notification through notify-send)\n  knotless nudge --why           (why it said nothing, on stderr)\n\nAlways exits 0. Quiet outside [nudge] hours in config.toml (default 09:00-21:00).\n\nIn a prompt it prints above the prompt, at most once a day:\n  bash, in ~/.bashrc:\n    PROMPT_COMMAND='knotless nudge 2>/dev/null'\"${PROMPT_COMMAND:+; $PROMPT_COMMAND}\"\n  zsh, in ~/.zshrc:\n    autoload -Uz add-zsh-hook\n    _knotless_nudge() { knotless nudge 2>/dev/null }\n    add-zsh-hook precmd _knotless_nudge\n  fish, in ~/.config/fish/conf.d/knotless.fish:\n    function __knotless_nudge --on-event fish_prompt\n        knotless nudge 2>/dev/null\n    end"
    )]
    Nudge {
        /// Send it as a desktop notification through notify-send (prints when there is none)
        #[arg(long)]
        notify: bool,
        /// Say nothing for this long (3d, 12h, 1w); "off" ends a snooze
        #[arg(long, value_name = "DURATION", value_parser = parse_snooze, conflicts_with = "notify")]
        snooze: Option<Snooze>,
        /// When it says nothing, say why on stderr
        #[arg(long)]
        why: bool,
    },
    /// Reminders without a daemon: a systemd user timer or a cron line that runs `nudge --notify`
    #[command(
        group(clap::ArgGroup::new("action").required(true).args(["print", "install", "remove"])),
        after_help = "Examples:\n  knotless remind --at 18:00 --print systemd\n  knotless remind --at 18:00 --days mon,wed,fri --print cron\n  knotless remind --at 18:00 --days weekdays --install --enable\n  knotless remind --remove"
    )]
    Remind {
        /// The time of day, 24-hour clock (HH:MM)
        #[arg(long, value_name = "HH:MM", value_parser = parse_clock_arg, required_unless_present = "remove")]
        at: Option<u16>,
        /// Which days: mon,wed,fri or mon-fri, weekdays, weekends (default: every day)
        #[arg(long, value_name = "DAYS", value_parser = parse_days)]
        days: Option<crate::core::remind::Weekdays>,
        /// Print a systemd user timer and service, or a crontab line
        #[arg(long, value_enum, value_name = "KIND")]
        print: Option<RemindFormat>,
        /// Write the systemd user units into ~/.config/systemd/user
        #[arg(long)]
        install: bool,
        /// With --install: also run systemctl --user enable --now
        #[arg(long, conflicts_with_all = ["print", "remove"])]
        enable: bool,
        /// Stop and delete the installed units
        #[arg(long, conflicts_with_all = ["at", "days"])]
        remove: bool,
    },
    /// Print the not-medical-advice notice and the warning signs; --ack stops plain mode
    /// printing it before every session
    Notice {
        /// Acknowledge it (as Enter does on the app's first screen)
        #[arg(long)]
        ack: bool,
    },
    /// Print a shell completion script (routine and pattern ids as they are now)
    #[command(
        after_help = "Examples:\n  knotless completions bash > ~/.local/share/bash-completion/completions/knotless\n  knotless completions zsh > ~/.zfunc/_knotless\n  knotless completions fish > ~/.config/fish/completions/knotless.fish\n\nRun it again after adding a routine. Only ids go into the script, never a\nroutine's name or other text from a file."
    )]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual: knotless(1), a command's page, or the routine file format
    #[command(
        after_help = "Examples:\n  knotless man | man -l -\n  knotless man run | man -l -       (knotless-run(1))\n  knotless man routine | man -l -   (knotless-routine(5), the routine file format)\n  knotless man --dir ~/.local/share/man   (every page, as man1/*.1 and man5/*.5)"
    )]
    Man {
        /// A command (run, breathe, ...) for its page, or routine for the file format
        #[arg(value_name = "PAGE", conflicts_with = "dir", value_parser = crate::cli::man::page_arg)]
        page: Option<String>,
        /// Write every page into this folder instead, as man1/*.1 and man5/*.5
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SoundCommand {
    /// Say which player and speech command were found, play each cue once with its name,
    /// and say what is missing and how to get it
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

/// `report --since`: a time, or everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceArg {
    At(Timestamp),
    All,
}

impl SinceArg {
    pub fn timestamp(self) -> Option<Timestamp> {
        match self {
            SinceArg::At(t) => Some(t),
            SinceArg::All => None,
        }
    }
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown
    Md,
    /// One self-contained HTML page that prints on two pages
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DaysFormat {
    Csv,
    Jsonl,
}

/// Why a flag's value was refused (bad usage: clap prints it with the usage line, exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error("write a day as today, yesterday or YYYY-MM-DD")]
    Day,
    #[error("{0} is in the future; answer for today or an earlier day")]
    FutureDay(jiff::civil::Date),
    #[error("{0} is before 2000; answer for a day since then")]
    Before2000(jiff::civil::Date),
    #[error("write a length up to a year, such as 3d, 12h or 1w, or \"off\"")]
    Snooze,
    #[error("write a time of day as HH:MM on the 24-hour clock, such as 18:00 or 7:30")]
    Clock,
    #[error("not a length between 1 second and 24 hours; write it like 60m, 1h 30m or 45 minutes")]
    LoggedLength,
    #[error("\"{0}\" is not a length between {min} and {max} minutes; write it like 5m, 90s or \"2m 30s\"",
        min = crate::core::rules::BREATHING_MINUTES[0],
        max = crate::core::rules::BREATHING_MAX_TIME.as_secs() / 60)]
    BreathingLength(String),
    #[error("\"{0}\" is not a whole number of breaths from {min} to {max}",
        min = crate::core::rules::BREATHING_MIN_BREATHS,
        max = crate::core::rules::BREATHING_MAX_BREATHS)]
    Breaths(String),
    #[error("\"{0}\" is not a rating; write a whole number from 0 (no pain) to 10 (worst)")]
    Rating(String),
    #[error("unknown area; {0}")]
    Area(String),
    #[error("\"{0}\" cannot be an id: use {rule}, e.g. my-neck", rule = crate::library::ID_RULE)]
    Id(String),
    #[error(transparent)]
    Days(#[from] crate::core::remind::DaysError),
    #[error("{0}; or \"all\" for everything since your first entry")]
    SinceOrAll(crate::core::when::WhenError),
}

/// `--date`: today, yesterday or YYYY-MM-DD, neither in the future nor before 2000 (a bad
/// value is bad usage: exit 2).
fn past_day(s: &str) -> Result<jiff::civil::Date, ArgError> {
    let today = crate::files::now().date();
    let date = match s.trim() {
        "today" => today,
        "yesterday" => today.yesterday().map_err(|_| ArgError::Day)?,
        other => other
            .parse::<jiff::civil::Date>()
            .map_err(|_| ArgError::Day)?,
    };
    if date > today {
        return Err(ArgError::FutureDay(date));
    }
    if date < crate::model::record::EARLIEST_DATE {
        return Err(ArgError::Before2000(date));
    }
    Ok(date)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RemindFormat {
    Systemd,
    Cron,
}

/// `nudge --snooze`: a length, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snooze {
    Off,
    For(std::time::Duration),
}

fn parse_snooze(s: &str) -> Result<Snooze, ArgError> {
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(Snooze::Off);
    }
    crate::library::parse_duration(s)
        .filter(|d| !d.is_zero() && d.as_secs() <= 366 * 24 * 3600)
        .map(Snooze::For)
        .ok_or(ArgError::Snooze)
}

fn parse_clock_arg(s: &str) -> Result<u16, ArgError> {
    match s.split_once(':') {
        Some(("24", "00")) => None,
        _ => crate::model::config::parse_clock(s.trim()),
    }
    .ok_or(ArgError::Clock)
}

fn parse_days(s: &str) -> Result<crate::core::remind::Weekdays, ArgError> {
    Ok(crate::core::remind::Weekdays::parse(s)?)
}

// Flag values are read once, as they are parsed, into the values the commands use: a bad
// one is bad usage (exit 2) with clap's usage line, and the command never sees text.

/// `--since` and the like: any form `core::when::parse_when` reads.
fn when_arg(s: &str) -> Result<Timestamp, crate::core::when::WhenError> {
    crate::core::when::parse_when(s, &crate::files::now())
}

/// `report --since`: `all`, or any time `--since` takes.
fn since_or_all(s: &str) -> Result<SinceArg, ArgError> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(SinceArg::All);
    }
    when_arg(s).map(SinceArg::At).map_err(ArgError::SinceOrAll)
}

/// `--until`: as `--since`, a bare date meaning the end of that day.
fn until_arg(s: &str) -> Result<Timestamp, crate::core::when::WhenError> {
    crate::core::when::parse_until(s, &crate::files::now())
}

/// `log --at`.
fn at_arg(s: &str) -> Result<Timestamp, crate::core::when::WhenError> {
    crate::core::when::parse_at(s, &crate::files::now())
}

/// `log --duration`: 1 second to 24 hours.
fn logged_length(s: &str) -> Result<Duration, ArgError> {
    crate::library::parse_duration(s)
        .filter(|d| !d.is_zero() && *d <= crate::core::rules::LOGGED_MAX)
        .ok_or(ArgError::LoggedLength)
}

/// `breathe --for`: within the content guide's range (`core::rules`).
fn breathing_for(s: &str) -> Result<Duration, ArgError> {
    crate::library::parse_duration(s)
        .filter(|d| crate::core::rules::breathing_time_allowed(*d))
        .ok_or_else(|| ArgError::BreathingLength(s.to_string()))
}

/// `breathe --breaths`: a whole number within the guide's limits.
fn breath_count(s: &str) -> Result<u32, ArgError> {
    use crate::core::rules::{BREATHING_MAX_BREATHS, BREATHING_MIN_BREATHS};
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (BREATHING_MIN_BREATHS..=BREATHING_MAX_BREATHS).contains(n))
        .ok_or_else(|| ArgError::Breaths(s.to_string()))
}

/// `amend --before/--after`: head pain, 0 to 10.
fn rating(s: &str) -> Result<u8, ArgError> {
    s.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| *n <= 10)
        .ok_or_else(|| ArgError::Rating(s.to_string()))
}

/// `new ID`, `import --as ID`: an id a routine file can have (a bad one is bad usage:
/// exit 2).
fn new_id(s: &str) -> Result<String, ArgError> {
    crate::library::valid_id(s)
        .then(|| s.to_string())
        .ok_or_else(|| ArgError::Id(s.to_string()))
}

/// `list --area`: one of the area names.
fn area_arg(s: &str) -> Result<crate::model::routine::Area, ArgError> {
    use crate::model::routine::Area;
    Area::parse(s).ok_or_else(|| ArgError::Area(crate::library::diag::suggest(s, &Area::names())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_launch_is_what_clap_makes_of_no_arguments() {
        let parsed = Cli::try_parse_from(["knotless"]).expect("no arguments parse");
        assert_eq!(format!("{parsed:?}"), format!("{:?}", Cli::bare()));
        // The test can fail: one flag given is not the bare launch.
        let flagged = Cli::try_parse_from(["knotless", "--quiet"]).expect("a flag parses");
        assert_ne!(format!("{flagged:?}"), format!("{:?}", Cli::bare()));
    }
}
