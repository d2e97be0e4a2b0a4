//! Timestamps for people and for JSON (RFC 3339, UTC). Total: any u64 formats, none panics.
use std::time::{Duration, UNIX_EPOCH};

use crate::auth::expiry::LATEST_TIME;

/// Times past 9999-12-31T23:59:59Z (which RFC 3339 cannot write) print as that instant.
pub fn rfc3339(unix: u64) -> String {
    let at = UNIX_EPOCH + Duration::from_secs(unix.min(LATEST_TIME));
    humantime::format_rfc3339_seconds(at).to_string()
}

/// "in 12 minutes", "in 1 day", "2 hours ago".
pub fn in_words(at: u64, now: u64) -> String {
    let delta = at.abs_diff(now);
    let (count, unit) = match delta {
        0..=59 => (delta, "second"),
        60..=5_399 => (delta / 60, "minute"),
        5_400..=172_799 => (delta / 3600, "hour"),
        _ => (delta / 86_400, "day"),
    };
    let plural = if count == 1 { "" } else { "s" };
    if at >= now {
        format!("in {count} {unit}{plural}")
    } else {
        format!("{count} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(in_words(100 + 720, 100), "in 12 minutes");
        assert_eq!(in_words(0, 7_200), "2 hours ago");
        assert_eq!(in_words(3 * 86_400, 0), "in 3 days");
    }

    #[test]
    fn any_time_formats_without_panicking() {
        assert_eq!(rfc3339(LATEST_TIME), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(LATEST_TIME + 1), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(in_words(u64::MAX, 0), "in 213503982334601 days");
        assert_eq!(in_words(0, u64::MAX), "213503982334601 days ago");
        assert_eq!(in_words(u64::MAX, u64::MAX), "in 0 seconds");
    }

    #[test]
    fn one_of_a_unit_is_singular() {
        assert_eq!(in_words(1, 0), "in 1 second");
        assert_eq!(in_words(60, 0), "in 1 minute");
        assert_eq!(in_words(0, 119), "1 minute ago");
        assert_eq!(in_words(0, 7_199), "1 hour ago");
        assert_eq!(in_words(2 * 86_400 - 1, 0), "in 47 hours");
        assert_eq!(in_words(0, 2 * 86_400), "2 days ago");
        assert_eq!(in_words(5_400, 0), "in 1 hour");
    }
}
