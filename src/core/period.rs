//! How far back a view looks: the one list of periods the History screen filters by, the
//! Stats screen sums over and `knotless stats --period` takes, so the same words always mean
//! the same sessions.

use jiff::{Timestamp, ToSpan, Zoned};

/// A period ending today, shortest first. A period is made of whole local days ("last 7
/// days" is today and the six days before it, whatever the hour), so whether a session is
/// in it never depends on when you look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Period {
    #[value(name = "7d", help = "the last 7 days")]
    Week,
    #[value(name = "4w", help = "the last 4 weeks")]
    FourWeeks,
    #[default]
    #[value(name = "90d", help = "the last 90 days")]
    NinetyDays,
    #[value(name = "1y", help = "the last year")]
    Year,
    #[value(name = "all", help = "everything")]
    All,
}

impl Period {
    pub const ALL: [Period; 5] = [
        Period::Week,
        Period::FourWeeks,
        Period::NinetyDays,
        Period::Year,
        Period::All,
    ];

    /// "last 7 days", "last 4 weeks", "last 90 days", "last year", "all time".
    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "last 7 days",
            Period::FourWeeks => "last 4 weeks",
            Period::NinetyDays => "last 90 days",
            Period::Year => "last year",
            Period::All => "all time",
        }
    }

    /// The first instant inside the period: the start of its first local day; `None` for
    /// all time. A year is the 365 (or 366) days up to and including today.
    pub fn since(self, now: &Zoned) -> Option<Timestamp> {
        let today = now.date();
        let first = match self {
            Period::Week => today.checked_sub(6.days()),
            Period::FourWeeks => today.checked_sub(27.days()),
            Period::NinetyDays => today.checked_sub(89.days()),
            Period::Year => today
                .checked_sub(1.year())
                .and_then(|d| d.checked_add(1.day())),
            Period::All => return None,
        };
        // A date before the calendar begins cannot hold a session: everything is in.
        let first = first.ok()?;
        first
            .to_zoned(now.time_zone().clone())
            .ok()
            .map(|z| z.timestamp())
    }

    /// The next period, for a key that steps through them; after all time comes the
    /// shortest again.
    pub fn next(self) -> Period {
        let i = Period::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Period::ALL[(i + 1) % Period::ALL.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Zoned {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_is_whole_local_days_ending_today() {
        let now = at("2026-11-24T10:00:00[Europe/London]");
        let start = |p: Period| {
            p.since(&now)
                .map(|t| t.to_zoned(now.time_zone().clone()).to_string())
        };
        assert_eq!(
            start(Period::Week).as_deref(),
            Some("2026-11-18T00:00:00+00:00[Europe/London]")
        );
        assert_eq!(
            start(Period::FourWeeks).as_deref(),
            Some("2026-10-28T00:00:00+00:00[Europe/London]")
        );
        // Ninety days back crosses the end of summer time: still local midnight.
        assert_eq!(
            start(Period::NinetyDays).as_deref(),
            Some("2026-08-27T00:00:00+01:00[Europe/London]")
        );
        assert_eq!(
            start(Period::Year).as_deref(),
            Some("2025-11-25T00:00:00+00:00[Europe/London]")
        );
        assert_eq!(start(Period::All), None);
        // The hour you look at does not move the start.
        let late = at("2026-11-24T23:59:00[Europe/London]");
        assert_eq!(Period::Week.since(&late), Period::Week.since(&now));
    }

    #[test]
    fn the_periods_cycle_shortest_first() {
        let mut p = Period::All;
        let mut seen = Vec::new();
        for _ in 0..5 {
            p = p.next();
            seen.push(p);
        }
        assert_eq!(seen, Period::ALL);
    }
}
