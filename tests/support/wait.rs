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

/// Like `until`, for a check that can say what is still missing: panics with its last answer.
pub async fn until_ok<F, Fut>(what: &str, deadline: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let end = Instant::now() + deadline;
    loop {
        match check().await {
            Ok(()) => return,
            Err(missing) if Instant::now() >= end => {
                panic!("{what}: not within {deadline:?}: {missing}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}
