//! The desktop's light or dark preference (the XDG Desktop Portal's `color-scheme` setting),
//! read once at start and then followed by one thread that sleeps in the kernel until the bus
//! reports a change. It reaches the page's `prefers-color-scheme` through GTK's prefer-dark
//! setting. The windowing library has a follower of its own, but that one wakes every 5 s for
//! as long as the app runs, so spotkey builds tauri without it (its `dbus` feature).
use std::time::Duration;

use dbus::arg::{RefArg, Variant};
use dbus::blocking::Connection;
use dbus::message::MatchRule;
use tauri::{AppHandle, Theme};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SETTINGS: &str = "org.freedesktop.portal.Settings";
const APPEARANCE: &str = "org.freedesktop.appearance";
const COLOR_SCHEME: &str = "color-scheme";
/// A portal that hangs cannot hold the follower longer than this, once.
const CALL_TIMEOUT: Duration = Duration::from_secs(1);
/// Bounds one sleep only: one wake-up an hour when nothing changes.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

/// The portal's values: 1 prefers dark, 2 prefers light, 0 has no preference. Anything else (a
/// newer or a broken portal) counts as no preference, which leaves it to GTK's theme.
pub fn theme_of(color_scheme: u64) -> Option<Theme> {
    match color_scheme {
        1 => Some(Theme::Dark),
        2 => Some(Theme::Light),
        _ => None,
    }
}

/// Starts following; returns at once (the first read happens on the follower's thread, so a
/// slow bus never holds up the window).
pub fn follow(app: AppHandle) {
    let spawned = std::thread::Builder::new()
        .name("theme".into())
        .spawn(move || run(&app));
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot follow the desktop's dark mode");
    }
}

fn run(app: &AppHandle) {
    let conn = match Connection::new_session() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::info!(error = %e, "no session bus: the window keeps GTK's theme");
            return;
        }
    };
    // Subscribed before the first read, so no change can fall between the two.
    let for_changes = app.clone();
    let subscribed = conn.add_match(
        MatchRule::new_signal(SETTINGS, "SettingChanged"),
        move |(): (), _, message| {
            let (namespace, key, value) = message.get3::<&str, &str, Variant<Box<dyn RefArg>>>();
            if namespace == Some(APPEARANCE) && key == Some(COLOR_SCHEME) {
                if let Some(scheme) = value.and_then(|v| v.as_u64()) {
                    for_changes.set_theme(theme_of(scheme));
                }
            }
            true
        },
    );
    if let Err(e) = subscribed {
        tracing::debug!(error = %e, "cannot follow the desktop's dark mode");
        return;
    }
    let portal = conn.with_proxy(PORTAL, PORTAL_PATH, CALL_TIMEOUT);
    // `Read` answers a variant holding the variant of the value.
    let read: Result<(Variant<Box<dyn RefArg>>,), _> =
        portal.method_call(SETTINGS, "Read", (APPEARANCE, COLOR_SCHEME));
    match read.map(|(value,)| value.as_u64()) {
        Ok(Some(scheme)) => app.set_theme(theme_of(scheme)),
        Ok(None) => tracing::debug!("the portal's color-scheme is not a number"),
        // No portal (a bare window manager): GTK's own theme stands, as it always did.
        Err(e) => tracing::debug!(error = %e, "no desktop portal to read the dark mode from"),
    }
    loop {
        if let Err(e) = conn.process(IDLE_WAIT) {
            tracing::info!(error = %e, "session bus gone: no more dark-mode changes");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portals_three_answers_map_to_dark_light_and_no_preference() {
        assert_eq!(theme_of(1), Some(Theme::Dark));
        assert_eq!(theme_of(2), Some(Theme::Light));
        assert_eq!(theme_of(0), None);
        assert_eq!(theme_of(u64::MAX), None);
    }
}
