//! Timestamps for people and for JSON (RFC 3339, UTC).
use std::time::{Duration, UNIX_EPOCH};

pub fn rfc3339(unix: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(unix)).to_string()
}

/// "in 12 minutes", "in 3 days", "2 hours ago".
pub fn in_words(at: u64, now: u64) -> String {
    let (delta, future) = if at >= now {
        (at - now, true)
    } else {
        (now - at, false)
    };
    let text = match delta {
        0..=59 => format!("{delta} seconds"),
        60..=5_399 => format!("{} minutes", delta / 60),
        5_400..=172_799 => format!("{} hours", delta / 3600),
        _ => format!("{} days", delta / 86_400),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
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
}
