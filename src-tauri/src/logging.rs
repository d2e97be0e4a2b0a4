//! Logging to stderr, filtered by `SPOTKEY_LOG` (e.g. `debug`, `spotkey=trace`); errors only by
//! default so the CLI's output stays clean. No secret is ever a field of a log event.
//! Colour codes only where a person sees them: stderr is a terminal and `NO_COLOR` is not set.
use std::ffi::OsString;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("SPOTKEY_LOG").unwrap_or_else(|_| EnvFilter::new("error"));
    let colour = wants_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_target(true)
        .try_init();
}

/// A pipe or a file gets plain text (escape codes would be noise in it); so does anyone who set
/// `NO_COLOR` to a non-empty value (no-color.org).
fn wants_colour(stderr_is_terminal: bool, no_color: Option<OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(wants_colour(true, None));
        assert!(wants_colour(true, Some("".into())));
        assert!(!wants_colour(true, Some("1".into())));
        assert!(!wants_colour(false, None));
        assert!(!wants_colour(false, Some("1".into())));
    }
}
