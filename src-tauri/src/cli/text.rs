//! `spotkey status` for people, and how the CLI names the signed-in user. Every value read
//! from Spotify, the keychain or the environment goes through `inert` before it is printed.
use std::fmt::Write;

use crate::auth::profile::Profile;
use crate::auth::session::now_unix;
use crate::auth::Status;
use crate::countries;
use crate::inert::{self, NAME, SENTENCE};
use crate::time_fmt::{in_words, rfc3339};

/// "Ada (ada_l)": the display name and the Spotify user id, the one identifier people know
/// (and can look up); just the id when there is no other name.
pub fn who(profile: &Profile) -> String {
    let id = inert::line(&profile.id, NAME);
    match profile.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() && name != profile.id => {
            format!("{} ({id})", inert::line(name, NAME))
        }
        _ => id.into_owned(),
    }
}

/// Granted scopes as one line (the keychain's copy is outside text too).
pub fn scopes(scopes: &crate::auth::scopes::Scopes) -> String {
    inert::line(&scopes.to_param(), SENTENCE).into_owned()
}

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
                .map(who)
                .unwrap_or_else(|| "(profile not loaded yet)".into());
            let _ = writeln!(out, "Signed in as {who}");
            if let Some(p) = &s.profile {
                let country = p.country.as_deref().map(countries::describe);
                for (label, value) in [
                    ("Email", &p.email),
                    ("Country", &country),
                    ("Plan", &p.product),
                ] {
                    if let Some(v) = value {
                        let _ = writeln!(out, "  {label}: {}", inert::line(v, NAME));
                    }
                }
            }
            let _ = writeln!(out, "  Scopes: {}", scopes(&s.scopes));
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
            let _ = writeln!(out, "  Stored in: {}", inert::line(&s.keychain, NAME));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str, name: Option<&str>) -> Profile {
        Profile {
            id: id.into(),
            account_id: Some("acc_1".into()),
            display_name: name.map(String::from),
            images: Vec::new(),
            email: None,
            country: None,
            product: None,
        }
    }

    #[test]
    fn the_user_is_named_by_display_name_and_spotify_id() {
        assert_eq!(who(&profile("ada_l", Some("Ada"))), "Ada (ada_l)");
        assert_eq!(who(&profile("ada_l", None)), "ada_l");
        assert_eq!(who(&profile("ada_l", Some("  "))), "ada_l");
        assert_eq!(who(&profile("ada_l", Some("ada_l"))), "ada_l");
        assert_eq!(
            who(&profile("a\nb", Some("\x1b[31mAda"))),
            "\u{FFFD}[31mAda (a\u{FFFD}b)"
        );
    }
}
