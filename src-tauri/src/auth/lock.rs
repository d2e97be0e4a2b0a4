//! One refresh at a time across processes: an advisory lock on a file in the runtime dir.
//! Five `spotkey token` processes racing over a rotating refresh token would otherwise sign the
//! user out (SPOTIFY.md: "Two refreshes racing"). The holder re-reads the keychain after locking.
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::error::AuthError;
use super::files;

/// Long enough for one refresh (15 s request timeout + keychain), short enough not to hang.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(5);

/// Released when dropped (closing the file releases the OS lock).
pub struct ProcessLock {
    _file: File,
}

pub async fn acquire(path: PathBuf) -> Result<ProcessLock, AuthError> {
    let shown = path.display().to_string();
    let task = tokio::task::spawn_blocking(move || lock_blocking(path, LOCK_WAIT));
    task.await.map_err(|e| AuthError::Files {
        path: shown,
        detail: e.to_string(),
    })?
}

fn lock_blocking(path: PathBuf, wait: Duration) -> Result<ProcessLock, AuthError> {
    let err = |detail: String| AuthError::Files {
        path: path.display().to_string(),
        detail,
    };
    if let Some(dir) = path.parent() {
        files::create_private_dir(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| err(e.to_string()))?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ProcessLock { _file: file }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(POLL),
            Err(TryLockError::WouldBlock) => {
                return Err(err(
                    "another spotkey process held the refresh lock for too long".into(),
                ))
            }
            Err(TryLockError::Error(e)) => return Err(err(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_waits_then_gives_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = lock_blocking(path.clone(), Duration::from_millis(10)).unwrap();
        assert!(lock_blocking(path.clone(), Duration::from_millis(30)).is_err());
        drop(first);
        assert!(lock_blocking(path, Duration::from_millis(30)).is_ok());
    }
}
