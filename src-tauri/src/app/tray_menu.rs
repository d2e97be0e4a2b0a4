//! What the tray shows for a status, and what its items do — as plain data, so the same rules
//! drive the real tray (gui/tray.rs) and the tests.
use super::dto::{AppStatus, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Connect,
    Open,
    SignOut,
    Quit,
}

impl TrayAction {
    pub const ALL: [TrayAction; 4] = [Self::Connect, Self::Open, Self::SignOut, Self::Quit];

    /// The menu item id, stable across menu rebuilds.
    pub fn id(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Open => "open",
            Self::SignOut => "sign_out",
            Self::Quit => "quit",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayIconKind {
    Connected,
    NotConnected,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    /// None for the informational "Signed in as …" line.
    pub action: Option<TrayAction>,
    pub label: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    pub icon: TrayIconKind,
    pub tooltip: String,
    pub items: Vec<TrayItem>,
}

fn item(action: TrayAction, label: &str, enabled: bool) -> TrayItem {
    TrayItem {
        action: Some(action),
        label: label.into(),
        enabled,
    }
}

pub fn view(status: &AppStatus) -> TrayView {
    let signed_in = status.connection == Connection::SignedIn;
    // The tray and its tooltip are drawn by the desktop: a name from Spotify stays one inert line.
    let name = status
        .account
        .as_ref()
        .map(|a| crate::inert::line(&a.display_name, crate::inert::NAME));
    let mut items = Vec::with_capacity(5);
    match (status.connection, name.as_deref()) {
        (Connection::SignedIn, Some(name)) => items.push(TrayItem {
            action: None,
            label: format!("Signed in as {name}"),
            enabled: false,
        }),
        (Connection::Connecting, _) => items.push(TrayItem {
            action: None,
            label: "Connecting… (approve in your browser)".into(),
            enabled: false,
        }),
        _ => items.push(item(TrayAction::Connect, "Connect Spotify…", true)),
    }
    items.push(item(TrayAction::Open, "Open spotkey", true));
    items.push(item(TrayAction::SignOut, "Sign out", signed_in));
    items.push(item(TrayAction::Quit, "Quit", true));

    let icon = if status.problem.is_some() {
        TrayIconKind::Problem
    } else if signed_in {
        TrayIconKind::Connected
    } else {
        TrayIconKind::NotConnected
    };
    let tooltip = match (&status.problem, name.as_deref()) {
        (Some(p), _) => format!("spotkey — {}", first_sentence(&p.message)),
        (None, Some(name)) if signed_in => format!("spotkey — signed in as {name}"),
        _ if status.setup_needed => "spotkey — set up your Spotify app".into(),
        _ => "spotkey — not connected".into(),
    };
    TrayView {
        icon,
        tooltip,
        items,
    }
}

fn first_sentence(text: &str) -> &str {
    text.split_inclusive(". ").next().unwrap_or(text).trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::dto::AccountDto;

    #[test]
    fn a_hostile_display_name_stays_one_inert_line_in_the_tray() {
        let status = AppStatus {
            connection: Connection::SignedIn,
            account: Some(AccountDto {
                display_name: format!("Ada\u{1b}[31m\r\nQuit\u{202e}{}", "x".repeat(500)),
                id: None,
                account_id: None,
                avatar_url: None,
                email: None,
                country: None,
                country_label: None,
                product: None,
                scopes: vec![],
                access_expires_at: 0,
                connection_expires_at: 0,
                connection_expiring_soon: false,
                needs_consent: false,
                keychain: String::new(),
            }),
            ..AppStatus::placeholder()
        };
        let view = view(&status);
        for text in [&view.items[0].label, &view.tooltip] {
            assert!(text.starts_with("Signed in as Ada") || text.contains("signed in as Ada"));
            assert!(!text.chars().any(crate::inert::is_dangerous), "{text:?}");
            assert!(text.chars().count() < 140, "length-limited: {text:?}");
        }
    }
}
