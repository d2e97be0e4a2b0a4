//! Waiting for a condition that no event announces (a page's DOM over WebDriver, the fake's
//! request log): it is checked again every `POLL` until it holds, and the test fails, naming
//! what it waited for, once the deadline has passed.
use std::future::Future;
use std::time::{Duration, Instant};

/// How long between two checks; the deadline, not this, bounds the wait.
pub const POLL: Duration = Duration::from_millis(50);

/// Returns once `check` answers true; panics with `what` after `deadline`.
pub async fn until<F, Fut>(what: &str, deadline: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let end = Instant::now() + deadline;
    while !check().await {
        assert!(Instant::now() < end, "{what}: not within {deadline:?}");
        tokio::time::sleep(POLL).await;
    }
}
