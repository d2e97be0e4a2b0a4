//! What spotkey does when the desktop may have no tray to live in (stock GNOME has none): the
//! decisions at start and when the window closes, and what Settings says about it. Pure: the
//! shell finds out whether a tray host is there and carries the decision out.
use std::time::Duration;

/// How a start was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// `--hidden`: the login item. Its only purpose is a tray icon.
    Autostart,
    /// A person started spotkey; `prefers_tray` is the "Start in the tray" setting.
    ByUser { prefers_tray: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAction {
    ShowWindow,
    StayInTray,
    /// Nothing to show and no tray to live in: leave without a trace. `spotkey token` and the
    /// next start refresh on demand, so nothing is lost.
    ExitQuietly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseAction {
    StayInTray,
    /// A process nobody can see or quit would be left otherwise.
    Quit,
}

/// A login session starts the panel and the login items side by side: a login item waits this
/// long for a tray host to appear before it gives up (it shows nothing meanwhile).
pub const AUTOSTART_WAITS_FOR_TRAY: Duration = Duration::from_secs(10);

/// Why the tray options in Settings are unavailable.
pub const NO_TRAY_NOTE: &str = "No tray on this desktop (GNOME needs the AppIndicator \
    extension), so closing the window quits spotkey and it does not start at login.";

pub fn on_start(tray_host: bool, launch: Launch) -> StartAction {
    match (launch, tray_host) {
        (Launch::Autostart, true) | (Launch::ByUser { prefers_tray: true }, true) => {
            StartAction::StayInTray
        }
        (Launch::Autostart, false) => StartAction::ExitQuietly,
        // A person who started spotkey sees it, tray or not.
        (Launch::ByUser { .. }, _) => StartAction::ShowWindow,
    }
}

pub fn on_window_closed(tray_host: bool) -> CloseAction {
    if tray_host {
        CloseAction::StayInTray
    } else {
        CloseAction::Quit
    }
}

/// The tray went away while spotkey lived in it, and did not come back in time.
pub fn on_tray_gone(tray_back: bool, window_open: bool) -> CloseAction {
    if tray_back || window_open {
        CloseAction::StayInTray
    } else {
        CloseAction::Quit
    }
}

/// None when the tray options apply; else the sentence Settings shows instead of them.
pub fn settings_note(tray_host: bool) -> Option<&'static str> {
    (!tray_host).then_some(NO_TRAY_NOTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_a_tray_closing_hides_and_hidden_starts_stay_in_it() {
        assert_eq!(on_window_closed(true), CloseAction::StayInTray);
        assert_eq!(on_start(true, Launch::Autostart), StartAction::StayInTray);
        let hidden = Launch::ByUser { prefers_tray: true };
        assert_eq!(on_start(true, hidden), StartAction::StayInTray);
        let window = Launch::ByUser {
            prefers_tray: false,
        };
        assert_eq!(on_start(true, window), StartAction::ShowWindow);
        assert_eq!(settings_note(true), None);
    }

    #[test]
    fn without_a_tray_nothing_is_ever_left_invisible() {
        assert_eq!(on_window_closed(false), CloseAction::Quit);
        assert_eq!(on_start(false, Launch::Autostart), StartAction::ExitQuietly);
        for prefers_tray in [false, true] {
            let launch = Launch::ByUser { prefers_tray };
            assert_eq!(on_start(false, launch), StartAction::ShowWindow);
        }
        assert!(settings_note(false).is_some_and(|n| n.contains("quits")));
    }

    #[test]
    fn a_tray_that_goes_for_good_takes_a_windowless_spotkey_with_it() {
        assert_eq!(on_tray_gone(false, false), CloseAction::Quit);
        assert_eq!(on_tray_gone(true, false), CloseAction::StayInTray);
        // The open window is still a way to quit: closing it decides then.
        assert_eq!(on_tray_gone(false, true), CloseAction::StayInTray);
    }
}
