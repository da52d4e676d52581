//! The Stats screen and `stats --period … --json` show the same figures for
//! the same period, and the screen says which period it shows.

use common::{TestApp, rec};
use knotless::model::config::ThemeName;
use knotless::model::record::Stamp;

use crate::common;

/// A session of neck-release `days` days ago, at the current offset-free UTC time.
fn days_ago(id: &str, days: i64) -> knotless::model::record::SessionRecord {
    let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days);
    let at = Stamp::new(at, &jiff::tz::TimeZone::UTC).to_string();
    rec(id, &at, "neck-release", "neck", 300.0)
}

/// The routine's session count as `stats --period … --json` gives it.
fn command_count(t: &TestApp, period: &str) -> u64 {
    let out = crate::common::knotless()
        .args(["stats", "--period", period, "--json"])
        .env("KNOTLESS_CONFIG_DIR", t.config.path())
        .env("KNOTLESS_DATA_DIR", t.data.path())
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["routines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["routine_id"] == "neck-release")
        .map_or(0, |r| r["sessions"].as_u64().unwrap())
}

/// The routine's session count as the Stats screen shows it ("Title of neck-release  2 …").
fn screen_count(t: &mut TestApp) -> (u64, String) {
    let s = t.screen(120, 40, 0);
    let count = s
        .lines()
        .find_map(|l| {
            let rest = l.split("Title of neck-release").nth(1)?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0);
    (count, s)
}

#[test]
fn the_screen_and_the_command_agree_for_every_period() {
    let mut t = TestApp::new(ThemeName::Calm, None);
    t.app
        .set_wall_clock(|| jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC));
    for (id, days) in [("w", 3), ("a", 10), ("b", 60), ("c", 200), ("d", 500)] {
        knotless::store::history::append(t.data.path(), &days_ago(id, days)).unwrap();
    }
    // The routines view; the screen opens on 90 days; `p` goes on to a year, all, then 7
    // days and 4 weeks, keeping the view.
    t.keys(0, &["s", "3"]);
    for (period, label, expected) in [
        ("90d", "last 90 days", 3),
        ("1y", "last year", 4),
        ("all", "all time", 5),
        ("7d", "last 7 days", 1),
        ("4w", "last 4 weeks", 2),
    ] {
        let (shown, screen) = screen_count(&mut t);
        assert_eq!(command_count(&t, period), expected, "{period}");
        assert_eq!(shown, expected, "{period}:\n{screen}");
        assert!(
            screen.to_lowercase().contains(label),
            "the screen names its period ({label}):\n{screen}"
        );
        t.keys(0, &["p"]);
    }
}
