//! One answer in the day log (`<data>/days-<machine>.jsonl`): did the user have a headache
//! on a given date, and if so how bad it got and what they took for it. Answers are appended;
//! the last answer for a date wins. A date nobody answered is *unknown* — never a
//! headache-free day.

use crate::model::record::Stamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The day-log format version this build writes.
pub const DAY_VERSION: u32 = 1;

/// The worst the headache got that day.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Intensity {
    None,
    Mild,
    Moderate,
    Severe,
}

impl Intensity {
    pub const ALL: [Intensity; 4] = [
        Intensity::None,
        Intensity::Mild,
        Intensity::Moderate,
        Intensity::Severe,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intensity::None => "none",
            Intensity::Mild => "mild",
            Intensity::Moderate => "moderate",
            Intensity::Severe => "severe",
        }
    }

    pub fn parse(s: &str) -> Option<Intensity> {
        Intensity::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// Acute medication taken that day: what clinicians count for medication overuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Meds {
    None,
    /// A simple painkiller: paracetamol, ibuprofen, aspirin, naproxen…
    Simple,
    Triptan,
    /// Anything else taken for the headache (combination painkillers, opioids, ergots…).
    Other,
}

impl Meds {
    pub const ALL: [Meds; 4] = [Meds::None, Meds::Simple, Meds::Triptan, Meds::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Meds::None => "none",
            Meds::Simple => "simple",
            Meds::Triptan => "triptan",
            Meds::Other => "other",
        }
    }

    /// In words: "simple painkiller".
    pub fn label(self) -> &'static str {
        match self {
            Meds::None => "none",
            Meds::Simple => "simple painkiller",
            Meds::Triptan => "triptan",
            Meds::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Meds> {
        Meds::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// An answer as the app asks for it to be saved ([`crate::core::effect::Effect::AnswerDay`])
/// and shows it: the store adds when it was given and on which machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayEntry {
    pub date: Date,
    pub headache: bool,
    /// The user's own "this was a migraine" label (only with a headache).
    pub migraine: bool,
    pub worst: Option<Intensity>,
    pub meds: Option<Meds>,
}

impl DayEntry {
    /// Whether any acute medication was taken.
    pub fn took_meds(&self) -> bool {
        self.meds.is_some_and(|m| m != Meds::None)
    }

    /// A plain yes or no for `date`, nothing more said.
    pub fn new(date: Date, headache: bool) -> DayEntry {
        DayEntry {
            date,
            headache,
            migraine: false,
            worst: None,
            meds: None,
        }
    }

    /// The answer changed to `headache`: a yes keeps what was said of the headache, a no
    /// drops it (a day without a headache has no worst, no migraine, no medicine for it).
    pub fn answered(self, headache: bool) -> DayEntry {
        if headache == self.headache {
            self
        } else {
            DayEntry::new(self.date, headache)
        }
    }
}

impl From<&DayAnswer> for DayEntry {
    fn from(a: &DayAnswer) -> DayEntry {
        DayEntry {
            date: a.date,
            headache: a.headache,
            migraine: a.migraine,
            worst: a.worst,
            meds: a.meds,
        }
    }
}

impl Intensity {
    /// The next worst intensity for a key that steps through them (mild, moderate, severe).
    pub fn next_worst(w: Option<Intensity>) -> Intensity {
        match w {
            None | Some(Intensity::None) | Some(Intensity::Severe) => Intensity::Mild,
            Some(Intensity::Mild) => Intensity::Moderate,
            Some(Intensity::Moderate) => Intensity::Severe,
        }
    }
}

impl Meds {
    /// The next choice for a key that steps through them.
    pub fn next(m: Option<Meds>) -> Meds {
        match m {
            None | Some(Meds::Other) => Meds::None,
            Some(Meds::None) => Meds::Simple,
            Some(Meds::Simple) => Meds::Triptan,
            Some(Meds::Triptan) => Meds::Other,
        }
    }
}

/// One line of the day log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayAnswer {
    pub v: u32,
    /// The local calendar date the answer is about.
    pub date: Date,
    pub headache: bool,
    /// The user's own "this was a migraine" label.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migraine: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<Intensity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meds: Option<Meds>,
    /// When the answer was given, with the local offset: of two answers for one date, the
    /// later one wins.
    #[serde(deserialize_with = "crate::model::record::answered_at")]
    pub answered_at: Stamp,
    /// The machine that wrote it (see `store::machine`).
    #[serde(default)]
    pub machine: String,
}

impl DayAnswer {
    /// When the answer was given.
    pub fn answered(&self) -> jiff::Timestamp {
        self.answered_at.timestamp()
    }

    /// Whether any acute medication was taken.
    pub fn took_meds(&self) -> bool {
        DayEntry::from(self).took_meds()
    }
}
