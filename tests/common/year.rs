//! A year of made-up practice and diary up to the tests' "today", for the Stats screen's
//! charts: sessions with ratings that help less as the months go by, answers with
//! headaches, migraines, medication and a thinly answered window.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use knotless::model::day::{DayAnswer, Meds};
use knotless::model::record::SessionRecord;

use super::{external, rec, with_pain};

pub fn answer(date: Date, headache: bool, migraine: bool, meds: Option<Meds>) -> DayAnswer {
    DayAnswer {
        v: 1,
        date,
        headache,
        migraine,
        worst: None,
        meds,
        answered_at: format!("{date}T21:00:00+00:00").parse().unwrap(),
        machine: "test".into(),
    }
}

/// A year of practice up to Tuesday 24 November 2026: the neck routine every third day
/// (6 → 3 until late May, 6 → 5 since: it helps less), the shoulders weekly (4 → 3 on
/// every other), the jaw monthly without ratings, a massage 10 days ago.
pub fn sessions(today: Date) -> Vec<SessionRecord> {
    let mut out = Vec::new();
    for back in 0..330i64 {
        let date = today - back.days();
        let at = format!("{date}T18:00:00+00:00");
        if back % 3 == 1 {
            let after = if back > 180 { 3 } else { 5 };
            let r = rec(&format!("n{back}"), &at, "neck-release", "neck", 480.0);
            out.push(with_pain(r, Some(6), Some(after)));
        }
        if back % 7 == 2 {
            let r = rec(
                &format!("s{back}"),
                &at,
                "shoulders-ball-wall",
                "shoulders",
                300.0,
            );
            let rated = back % 14 == 2;
            out.push(with_pain(r, rated.then_some(4), rated.then_some(3)));
        }
        if back % 30 == 5 {
            out.push(rec(
                &format!("j{back}"),
                &at,
                "jaw-and-temples",
                "jaw",
                240.0,
            ));
        }
    }
    let massage = format!("{}T17:00:00+00:00", today - 10.days());
    out.push(external("m", &massage, "Massage therapist", 60.0));
    out
}

/// A year of answers: a headache every fourth day (and every third before June), a
/// migraine with a triptan every eighth, a simple painkiller on some other headache days;
/// now and then a day unanswered, and the fourth window back answered on only 10 days.
pub fn answers(today: Date) -> BTreeMap<Date, DayAnswer> {
    let mut out = BTreeMap::new();
    for back in 0..364i64 {
        let thin = (84..112).contains(&back) && back % 3 != 0;
        if thin || back % 17 == 9 {
            continue;
        }
        let date = today - back.days();
        let headache = back % 4 == 0 || (back > 180 && back % 3 == 0);
        let migraine = back % 8 == 0;
        let meds = match () {
            _ if migraine => Some(Meds::Triptan),
            _ if headache && back % 5 == 0 => Some(Meds::Simple),
            _ => None,
        };
        out.insert(date, answer(date, headache, migraine, meds));
    }
    out
}

/// The year's sessions as history lines and its answers as day-log lines, written into
/// `data` as the app would find them.
pub fn write(data: &std::path::Path, today: Date) {
    let history: String = sessions(today).iter().map(super::line).collect();
    std::fs::write(data.join("history.jsonl"), history).unwrap();
    let days: String = answers(today)
        .values()
        .map(|a| serde_json::to_string(a).unwrap() + "\n")
        .collect();
    std::fs::write(data.join("days-test.jsonl"), days).unwrap();
}
