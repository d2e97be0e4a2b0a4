//! The desktop app follows what other spotkey processes change (`spotkey login`, `logout`,
//! a refresh by `token`): the cache directory is watched (cache_watch.rs) and each burst of
//! changes, or a second launch, is compared with what the window shows (follow.rs). Only the
//! token-free files are read for that; the keychain only when the grant itself changed; and a
//! change is never answered with a refresh (the cross-process single flight stays the one).
use super::controller::{Controller, Read};
use super::follow::{decide, Follow};
use crate::auth::cache::{Cache, CacheFiles};

impl Controller {
    /// Runs for the app's life (the shell spawns it once). When the directory cannot be
    /// watched (no inotify left: the per-user limits are reached) this logs one line and
    /// returns: the app works on, and a second launch still re-reads.
    #[cfg(target_os = "linux")]
    pub async fn follow_other_processes(self) {
        let cache = Cache::new(&self.inner.paths.cache_dir);
        let mut watch = match self.watch(&cache) {
            Ok(watch) => watch,
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    "not following other spotkey processes (a second launch still re-reads)"
                );
                return;
            }
        };
        // Whatever changed before the watch began is followed too.
        self.follow_files().await;
        loop {
            let recreate = || cache.create_dir().map_err(std::io::Error::other);
            if let Err(e) = watch.changed(recreate).await {
                tracing::warn!(
                    error = %e,
                    "stopped following other spotkey processes (a second launch still re-reads)"
                );
                return;
            }
            self.follow_files().await;
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub async fn follow_other_processes(self) {
        tracing::info!("following other spotkey processes needs inotify; a second launch re-reads");
    }

    #[cfg(target_os = "linux")]
    fn watch(&self, cache: &Cache) -> std::io::Result<super::cache_watch::DirWatch> {
        // The directory may not exist before the first sign-in: it is made, as a write would.
        cache.create_dir().map_err(std::io::Error::other)?;
        let names = &crate::auth::cache::CACHE_FILES;
        super::cache_watch::DirWatch::new(self.inner.paths.cache_dir.clone(), names)
    }

    /// Re-reads the token-free files and does what they call for: nothing when the window
    /// already shows it, their view when another process refreshed, one keychain read (and the
    /// refresh timer re-armed from it) when the grant itself changed.
    pub async fn follow_files(&self) {
        let mut followed = self.inner.followed.lock().await;
        let cache = Cache::new(&self.inner.paths.cache_dir);
        let now = cache.read_all_over(&followed);
        let before = std::mem::replace(&mut *followed, now.clone());
        match decide(&before, &now, self.already_shows(now.clone())) {
            Follow::Nothing => {}
            Follow::Repaint => {
                tracing::debug!("another spotkey process refreshed; showing its times");
                self.publish_from(Read::Files(now)).await;
            }
            Follow::Reload => {
                tracing::info!("another spotkey process changed the session; following it");
                self.publish_from(Read::Reload(now)).await;
                self.inner.rearm.notify_one();
            }
        }
    }

    /// The window shows exactly what these files describe (e.g. the app's own write).
    fn already_shows(&self, files: CacheFiles) -> bool {
        let (account, parts) = self.parts();
        let Some(account) = account else {
            // First run: no account to follow yet.
            return true;
        };
        let view =
            super::status_view::compose(&account, Ok(account.status_from_files(files)), parts);
        self.shared().last_sent.as_ref() == Some(&view)
    }
}
