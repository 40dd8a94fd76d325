//! Points in time without panics: `SystemTime` can hold instants that chrono, RFC 3339
//! text and humantime cannot (before 1970 for humantime, past year 9999 for RFC 3339,
//! past ±262,000 years for chrono), and values arrive from protobuf and the command
//! line unchecked. Every conversion here says "out of range" instead of panicking.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

/// Seconds since the epoch (negative before it) and the nanoseconds after them
/// (always `0..1e9`), as protobuf's `Timestamp` holds a point in time.
pub(crate) fn to_unix(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(e) => {
            // Before 1970: seconds round down, nanos stay non-negative.
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    }
}

/// The point `seconds` and `nanos` after the epoch, or `None` where this platform's
/// `SystemTime` cannot hold it (or `nanos` is not below one second).
pub(crate) fn from_unix(seconds: i64, nanos: u32) -> Option<SystemTime> {
    if nanos >= 1_000_000_000 {
        return None;
    }
    let nanos = Duration::from_nanos(u64::from(nanos));
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds as u64))?
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
    }
    .checked_add(nanos)
}

/// The same point as chrono's UTC time, or `None` past chrono's range.
pub(crate) fn to_chrono(t: SystemTime) -> Option<DateTime<Utc>> {
    let (secs, nanos) = to_unix(t);
    DateTime::from_timestamp(secs, nanos)
}

/// RFC 3339 text (`1969-07-20T20:17:00Z`, with as many fraction digits as needed);
/// years past 9999 get chrono's sign (`+10000-01-01T..`), and instants past
/// chrono's range are written as seconds from the epoch.
pub(crate) fn display(t: SystemTime) -> String {
    match to_chrono(t) {
        Some(at) => at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => {
            let (secs, nanos) = to_unix(t);
            format!("{secs}.{nanos:09}s from 1970-01-01T00:00:00Z")
        }
    }
}

/// A date as Flyte carries it: midnight UTC, as flytekit writes a `datetime.date`
/// (`datetime.combine(date, time.min)`).
pub(crate) fn midnight_utc(date: chrono::NaiveDate) -> SystemTime {
    date.and_time(chrono::NaiveTime::MIN).and_utc().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_before_1970_and_after_9999_print_without_panicking() {
        let moon = from_unix(-14_182_980, 0).unwrap();
        assert_eq!(display(moon), "1969-07-20T20:17:00Z");
        let late = from_unix(253_402_387_140, 0).unwrap();
        assert_eq!(display(late), "+10000-01-01T23:59:00Z");
        let far = from_unix(i64::MAX / 2, 5).unwrap();
        assert!(
            display(far).ends_with("s from 1970-01-01T00:00:00Z"),
            "{}",
            display(far)
        );
        assert_eq!(to_chrono(far), None);
    }

    #[test]
    fn unix_seconds_round_trip_on_both_sides_of_the_epoch() {
        for (s, n) in [
            (0, 0),
            (-1, 999_999_999),
            (-1, 0),
            (1_700_000_000, 5),
            (-62_135_596_800, 1),
        ] {
            assert_eq!(to_unix(from_unix(s, n).unwrap()), (s, n));
        }
        assert_eq!(from_unix(0, 1_000_000_000), None);
    }
}
