//! The desktop app follows what other spotkey processes change (`spotkey login`, `logout`,
//! a refresh by `token`, saved or forgotten settings): the cache directory and the settings
//! file are watched (cache_watch.rs) and each burst of
//! changes, or a second launch, is compared with what the window shows (follow.rs). Only the
//! token-free files are read for that; the keychain only when the grant itself changed; and a
//! change is never answered with a refresh (the cross-process single flight stays the one).
use super::controller::{Controller, Read};
use super::follow::{decide, Follow};
use crate::auth::cache::{Cache, CacheFiles};
#[cfg(target_os = "linux")]
use crate::auth::{cache::CACHE_FILES, settings::SETTINGS_FILE};

impl Controller {
    /// Runs for the app's life (the shell spawns it once): the cache directory (sign-ins,
    /// sign-outs, refreshes) and the settings file (`login --save`, `logout --forget-app`).
    /// When a directory cannot be watched (no inotify left: the per-user limits are reached)
    /// this logs one line: the app works on, and a second launch still re-reads.
    #[cfg(target_os = "linux")]
    pub async fn follow_other_processes(self) {
        let paths = &self.inner.paths;
        let cache = Cache::new(&paths.cache_dir);
        let cache_dir = || cache.create_dir().map_err(std::io::Error::other);
        let config_dir = || std::fs::create_dir_all(&paths.config_dir);
        tokio::join!(
            follow_dir(&paths.cache_dir, &CACHE_FILES, cache_dir, || self
                .follow_files()),
            follow_dir(&paths.config_dir, &[SETTINGS_FILE], config_dir, || {
                self.follow_settings()
            }),
        );
    }

    #[cfg(not(target_os = "linux"))]
    pub async fn follow_other_processes(self) {
        tracing::info!("following other spotkey processes needs inotify; a second launch re-reads");
    }

    /// Re-reads the settings file: when what the account is made from changed (another
    /// process saved a client ID or forgot the app), the account is made anew, as after the
    /// window's own Save. The window's own writes match what it already uses: nothing happens.
    pub async fn follow_settings(&self) {
        let now = self.settings_file().account_part();
        if now == self.shared().account_settings {
            return;
        }
        tracing::info!("another spotkey process changed the settings; following them");
        self.replace_account().await;
        self.publish().await;
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

/// Watches `names` in `dir` (made first when missing, and again if it goes away) and calls
/// `changed` at the start and after each burst of changes, until the watch breaks.
#[cfg(target_os = "linux")]
async fn follow_dir<Fut: std::future::Future<Output = ()>>(
    dir: &std::path::Path,
    names: &'static [&'static str],
    recreate: impl Fn() -> std::io::Result<()>,
    changed: impl Fn() -> Fut,
) {
    let watch =
        recreate().and_then(|()| super::cache_watch::DirWatch::new(dir.to_path_buf(), names));
    let mut watch = match watch {
        Ok(watch) => watch,
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "not following other spotkey processes here (a second launch still re-reads)");
            return;
        }
    };
    // Whatever changed before the watch began is followed too.
    changed().await;
    loop {
        if let Err(e) = watch.changed(&recreate).await {
            tracing::warn!(error = %e, dir = %dir.display(), "stopped following other spotkey processes here (a second launch still re-reads)");
            return;
        }
        changed().await;
    }
}
