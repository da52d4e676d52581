//! PURE: the day log as a month calendar, for the Stats screen: what each date of a month
//! was (no headache, a headache, a migraine, medication taken, or not answered) and the
//! month's counts. A date without an answer is unknown, never headache-free. Sessions are
//! deliberately not put on the days: a day-by-day view beside the headaches would invite
//! reading massage as a trigger (see `core::days`).

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::model::day::{DayAnswer, DayEntry, Meds};

/// What an answered date was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    NoHeadache,
    Headache,
    /// A headache the user labelled a migraine.
    Migraine,
}

/// An answered date, as small as the calendar needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayMark {
    pub mark: Mark,
    /// Any acute medication taken.
    pub meds: bool,
}

impl DayMark {
    pub fn of(a: &DayAnswer) -> DayMark {
        DayMark::of_entry(&DayEntry::from(a))
    }

    pub fn of_entry(e: &DayEntry) -> DayMark {
        let mark = match (e.headache, e.migraine) {
            (false, _) => Mark::NoHeadache,
            (true, false) => Mark::Headache,
            (true, true) => Mark::Migraine,
        };
        DayMark {
            mark,
            meds: e.meds.is_some_and(|m| m != Meds::None),
        }
    }
}

/// Every answered date's answer: what the calendar keeps (a few bytes a date) to draw any
/// month, and to give or correct any day's answer, without the day log.
pub fn entries(answers: &BTreeMap<Date, DayAnswer>) -> BTreeMap<Date, DayEntry> {
    answers
        .iter()
        .map(|(d, a)| (*d, DayEntry::from(a)))
        .collect()
}

/// The marks of [`entries`].
pub fn marks(entries: &BTreeMap<Date, DayEntry>) -> BTreeMap<Date, DayMark> {
    entries
        .iter()
        .map(|(d, e)| (*d, DayMark::of_entry(e)))
        .collect()
}

/// One date of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    /// `None`: not answered (or still to come, when `future`).
    pub mark: Option<DayMark>,
    pub future: bool,
}

/// One calendar month and its counts (over the dates up to today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// The first of the month.
    pub first: Date,
    pub days: Vec<Day>,
    /// Dates of the month up to and including today.
    pub so_far: u32,
    pub answered: u32,
    pub headache_days: u32,
    pub migraine_days: u32,
    pub med_days: u32,
}

impl Month {
    /// Where the month's first date sits in a week that starts on Monday (0 = Monday).
    pub fn lead(&self) -> usize {
        usize::from(self.first.weekday().to_monday_zero_offset() as u8)
    }

    /// How many week rows (Monday to Sunday) the month spans: 4 to 6.
    pub fn weeks(&self) -> usize {
        (self.lead() + self.days.len()).div_ceil(7)
    }
}

/// The month that holds `date`, as of `today`.
pub fn month(marks: &BTreeMap<Date, DayMark>, date: Date, today: Date) -> Month {
    let first = date.first_of_month();
    let mut m = Month {
        first,
        days: Vec::with_capacity(31),
        so_far: 0,
        answered: 0,
        headache_days: 0,
        migraine_days: 0,
        med_days: 0,
    };
    for i in 0..i64::from(first.days_in_month()) {
        let Ok(date) = first.checked_add(i.days()) else {
            break;
        };
        let future = date > today;
        let mark = if future {
            None
        } else {
            marks.get(&date).copied()
        };
        m.so_far += u32::from(!future);
        if let Some(k) = mark {
            m.answered += 1;
            m.headache_days += u32::from(k.mark != Mark::NoHeadache);
            m.migraine_days += u32::from(k.mark == Mark::Migraine);
            m.med_days += u32::from(k.meds);
        }
        m.days.push(Day { date, mark, future });
    }
    m
}
