//! The local time zone, read like every other file. `TZ` may name any file (`TZ=:/dev/zero`,
//! a FIFO), and `/etc/localtime` is a file like any other: read as the time library reads
//! them, a FIFO hangs every command and `/dev/zero` grows memory without end. Here they
//! are opened without blocking, checked to be regular files and read with a cap; what
//! cannot be read is UTC. Every clock reading of knotless goes through [`now`].

use std::ffi::OsStr;
use std::path::Path;
use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::read::read_capped;

/// Far more than any time zone file (a few kilobytes).
const MAX_TZIF: u64 = 256 * 1024;

/// The system's own setting when `TZ` is not set.
const LOCALTIME: &str = "/etc/localtime";

/// Now, in the local time zone.
pub fn now() -> Zoned {
    Timestamp::now().to_zoned(local_zone())
}

/// The local time zone: `TZ` when it is set, else `/etc/localtime`; worked out once.
pub fn local_zone() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| zone_from(std::env::var_os("TZ").as_deref(), Path::new(LOCALTIME)))
        .clone()
}

/// The time zone `tz` (the value of `TZ`, if set) names, else the one the file at
/// `localtime` holds — as the time library reads them, but never a file that is not a
/// regular file, nor more of one than a time zone can be. UTC when neither can be read.
pub fn zone_from(tz: Option<&OsStr>, localtime: &Path) -> TimeZone {
    match tz {
        None => from_localtime(localtime),
        Some(v) => from_tz(v),
    }
    .unwrap_or(TimeZone::UTC)
}

/// `TZ`: empty is UTC; a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`); else a zone's name, or a
/// path whose end is one (`:/usr/share/zoneinfo/Europe/Berlin`); else a file of its own.
fn from_tz(value: &OsStr) -> Option<TimeZone> {
    let text = value.to_str()?;
    if text.is_empty() {
        return Some(TimeZone::UTC);
    }
    let (named, text) = match text.strip_prefix(':') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if !named && let Ok(tz) = TimeZone::posix(text) {
        return Some(tz);
    }
    if let Ok(tz) = TimeZone::get(database_name(text)) {
        return Some(tz);
    }
    tzif_file(Path::new(text), text)
}

/// `/etc/localtime`: a link into the zone database names its zone (`Europe/Berlin`), read
/// straight from its file (no listing of the whole database).
fn from_localtime(path: &Path) -> Option<TimeZone> {
    let target = std::fs::read_link(path).ok();
    let name = target
        .as_deref()
        .and_then(Path::to_str)
        .map(database_name)
        .filter(|n| !n.starts_with('/'))
        .unwrap_or("localtime");
    tzif_file(path, name)
}

/// What follows `zoneinfo/` in a path into the zone database, else the text itself.
fn database_name(text: &str) -> &str {
    const DB: &str = "zoneinfo/";
    text.rfind(DB).map_or(text, |i| &text[i + DB.len()..])
}

/// The zone in the file at `path`, called `name`, if it is a regular file of a sensible size
/// holding one.
fn tzif_file(path: &Path, name: &str) -> Option<TimeZone> {
    let bytes = read_capped(path, MAX_TZIF).ok()?;
    TimeZone::tzif(name, &bytes).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::files::mkfifo as fifo;
    use std::ffi::OsString;

    #[test]
    fn a_device_or_a_fifo_is_utc_at_once() {
        let d = tempfile::tempdir().unwrap();
        let pipe = d.path().join("localtime");
        fifo(&pipe);
        let none = d.path().join("missing");
        let tz = |v: &str| zone_from(Some(&OsString::from(v)), &none);
        assert_eq!(tz(":/dev/zero"), TimeZone::UTC);
        assert_eq!(tz("/dev/zero"), TimeZone::UTC);
        assert_eq!(tz(&format!(":{}", pipe.display())), TimeZone::UTC);
        assert_eq!(zone_from(None, &pipe), TimeZone::UTC);
        assert_eq!(zone_from(None, Path::new("/dev/zero")), TimeZone::UTC);
        let big = d.path().join("big");
        std::fs::write(&big, vec![b'T'; 300 * 1024]).unwrap();
        assert_eq!(zone_from(None, &big), TimeZone::UTC);
    }

    #[test]
    fn names_rules_and_files_read_as_the_time_library_reads_them() {
        let none = Path::new("/nonexistent/localtime");
        let tz = |v: &str| zone_from(Some(&OsString::from(v)), none);
        assert_eq!(tz(""), TimeZone::UTC);
        let t: Timestamp = "2026-07-01T12:00:00Z".parse().unwrap();
        let offset = |z: TimeZone| z.to_offset(t).seconds();
        assert_eq!(offset(tz("EST5EDT,M3.2.0,M11.1.0")), -4 * 3600);
        if TimeZone::get("Europe/Berlin").is_ok() {
            assert_eq!(offset(tz("Europe/Berlin")), 2 * 3600);
            assert_eq!(offset(tz(":/usr/share/zoneinfo/Europe/Berlin")), 2 * 3600);
            // A link into the database names the zone; its file is read as a file.
            let d = tempfile::tempdir().unwrap();
            let link = d.path().join("localtime");
            std::os::unix::fs::symlink("/usr/share/zoneinfo/Europe/Berlin", &link).unwrap();
            let z = zone_from(None, &link);
            assert_eq!(z.iana_name(), Some("Europe/Berlin"));
            assert_eq!(offset(z), 2 * 3600);
        }
    }
}
