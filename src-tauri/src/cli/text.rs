//! `spotkey status` for people.
use std::fmt::Write;

use crate::auth::session::now_unix;
use crate::auth::Status;
use crate::time_fmt::{in_words, rfc3339};

pub fn status(status: &Status) -> String {
    let mut out = String::new();
    match status {
        Status::SignedOut { reason: Some(r) } => {
            let _ = writeln!(out, "Signed out. {} Run `spotkey login`.", r.message());
        }
        Status::SignedOut { reason: None } => {
            let _ = writeln!(
                out,
                "Signed out. Run `spotkey login` to connect your Spotify account."
            );
        }
        Status::SignedIn(s) => {
            let now = now_unix();
            let who = s
                .profile
                .as_ref()
                .map(|p| {
                    format!(
                        "{} ({})",
                        p.name(),
                        p.account_id.as_deref().unwrap_or(&p.id)
                    )
                })
                .unwrap_or_else(|| "(profile not loaded yet)".into());
            let _ = writeln!(out, "Signed in as {who}");
            if let Some(p) = &s.profile {
                for (label, value) in [
                    ("Email", &p.email),
                    ("Country", &p.country),
                    ("Plan", &p.product),
                ] {
                    if let Some(v) = value {
                        let _ = writeln!(out, "  {label}: {v}");
                    }
                }
            }
            let _ = writeln!(out, "  Scopes: {}", s.scopes.to_param());
            let access = if s.access_valid {
                format!(
                    "valid until {} ({})",
                    rfc3339(s.access_expires_at),
                    in_words(s.access_expires_at, now)
                )
            } else {
                "expired; refreshed on next use".into()
            };
            let _ = writeln!(out, "  Access token: {access}");
            let _ = writeln!(
                out,
                "  Stays connected until {} (6 months from consent)",
                rfc3339(s.grant_expires_at)
            );
            if s.grant_expiring_soon {
                let _ = writeln!(out, "  Warning: the connection ends {}; run `spotkey login` to renew it for 6 months.", in_words(s.grant_expires_at, now));
            }
            if s.needs_consent {
                let _ = writeln!(out, "  Note: the configured scopes ask for more than you granted; run `spotkey login` to approve them.");
            }
            let _ = writeln!(out, "  Stored in: {}", s.keychain);
        }
    }
    out
}
