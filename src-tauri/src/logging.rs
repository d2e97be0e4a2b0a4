//! Logging to stderr, filtered by `SPOTKEY_LOG` (e.g. `debug`, `spotkey=trace`); errors only by
//! default so the CLI's output stays clean. No secret is ever a field of a log event.
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("SPOTKEY_LOG").unwrap_or_else(|_| EnvFilter::new("error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}
