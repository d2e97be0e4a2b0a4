//! Waits for changes to a few named files in one directory with the kernel's inotify, on
//! tokio's reactor: no thread and no timer of its own, so an idle app is not woken at all.
//! The directory is watched, not the files (they are replaced by rename), and a burst of
//! changes (a sign-in writes several files) is gathered into one.
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt as _;
use inotify::{EventMask, EventOwned, EventStream, Inotify, WatchDescriptor, WatchMask};
use tokio::time::Instant;

/// A burst is over after this long without a change…
const QUIET: Duration = Duration::from_millis(100);
/// …or this long after it began, however busy the directory stays: a process that never
/// stops writing there can neither hold the window's view back longer nor make the app act
/// more often than this.
const LONGEST_BURST: Duration = Duration::from_millis(500);
/// Room for many events per read (one is at most 16 bytes + a 256-byte name).
const BUFFER: usize = 4096;
type Buffer = [u8; BUFFER];

/// What a burst contained.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    /// One of the named files was written, replaced, removed; or the kernel dropped events.
    relevant: bool,
    /// The directory itself was removed or moved away: watch it anew.
    dir_gone: bool,
}

impl Seen {
    fn add(&mut self, other: Seen) {
        self.relevant |= other.relevant;
        self.dir_gone |= other.dir_gone;
    }
}

pub(super) struct DirWatch {
    events: EventStream<Buffer>,
    dir: PathBuf,
    names: &'static [&'static str],
    watch: WatchDescriptor,
}

fn mask() -> WatchMask {
    WatchMask::CLOSE_WRITE
        | WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::DELETE_SELF
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
}

impl DirWatch {
    /// Watches `dir` (which must exist) for changes to `names`.
    ///
    /// # Errors
    /// No inotify instance or watch could be had (the per-user limits are reached), or the
    /// directory is not there.
    pub fn new(dir: PathBuf, names: &'static [&'static str]) -> io::Result<Self> {
        let inotify = Inotify::init()?;
        let watch = inotify.watches().add(&dir, mask())?;
        Ok(Self {
            events: inotify.into_event_stream([0; BUFFER])?,
            dir,
            names,
            watch,
        })
    }

    /// Returns after the next burst of changes to the named files has ended. `recreate` is
    /// called when the directory itself went away, before it is watched again.
    ///
    /// # Errors
    /// The watch broke and could not be set up again.
    pub async fn changed(&mut self, recreate: impl Fn() -> io::Result<()>) -> io::Result<()> {
        let mut seen = Seen::default();
        while !seen.relevant {
            seen.add(self.next_events().await?);
        }
        let end = Instant::now() + LONGEST_BURST;
        loop {
            let quiet_until = (Instant::now() + QUIET).min(end);
            match tokio::time::timeout_at(quiet_until, self.next_events()).await {
                Ok(more) => seen.add(more?),
                Err(_quiet) => break,
            }
        }
        if seen.dir_gone {
            self.rewatch(recreate)?;
        }
        Ok(())
    }

    fn rewatch(&mut self, recreate: impl Fn() -> io::Result<()>) -> io::Result<()> {
        // The old watch may still follow a directory moved elsewhere; it is no longer ours.
        let _ = self.events.watches().remove(self.watch.clone());
        recreate()?;
        self.watch = self.events.watches().add(&self.dir, mask())?;
        Ok(())
    }

    /// Waits for the kernel's next event and says what it means here.
    async fn next_events(&mut self) -> io::Result<Seen> {
        match self.events.next().await {
            Some(event) => Ok(self.meaning(&event?)),
            None => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the inotify instance closed",
            )),
        }
    }

    /// Events of an earlier watch (on a directory since moved away, or the removal notice of
    /// that watch itself) are not ours; a dropped-events notice is, whatever it names.
    fn meaning(&self, event: &EventOwned) -> Seen {
        let dropped = event.mask.contains(EventMask::Q_OVERFLOW);
        if event.wd != self.watch && !dropped {
            return Seen::default();
        }
        let named = event
            .name
            .as_deref()
            .and_then(|n| n.to_str())
            .is_some_and(|n| self.names.contains(&n));
        let gone = event
            .mask
            .intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::IGNORED);
        Seen {
            relevant: named || gone || dropped,
            dir_gone: gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["session.json"];

    async fn changed_within(watch: &mut DirWatch, dir: &std::path::Path) -> bool {
        let recreate = || std::fs::create_dir_all(dir);
        tokio::time::timeout(Duration::from_secs(5), watch.changed(recreate))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    #[tokio::test]
    async fn a_file_replaced_by_rename_is_one_change_and_others_are_none() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache");
        std::fs::create_dir(&dir).unwrap();
        let mut watch = DirWatch::new(dir.clone(), NAMES).unwrap();

        std::fs::write(dir.join("unrelated.lock"), b"x").unwrap();
        std::fs::write(dir.join("session.tmp"), b"{}").unwrap();
        std::fs::rename(dir.join("session.tmp"), dir.join("session.json")).unwrap();
        assert!(changed_within(&mut watch, &dir).await);

        // Only unrelated files: no change comes.
        std::fs::write(dir.join("unrelated.lock"), b"y").unwrap();
        let quiet =
            tokio::time::timeout(Duration::from_millis(300), watch.changed(|| Ok(()))).await;
        assert!(quiet.is_err(), "an unrelated file is not a change");
    }

    #[tokio::test]
    async fn a_removed_directory_is_watched_again_once_it_is_back() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("cache");
        std::fs::create_dir(&dir).unwrap();
        let mut watch = DirWatch::new(dir.clone(), NAMES).unwrap();

        std::fs::remove_dir_all(&dir).unwrap();
        assert!(changed_within(&mut watch, &dir).await);
        std::fs::write(dir.join("session.json"), b"{}").unwrap();
        assert!(changed_within(&mut watch, &dir).await);
    }
}
