//! keyring's errors → `KeychainError`, decided from the error variants (keyring's, and on the
//! Secret Service platforms those of `dbus-secret-service` and the D-Bus error *name*), never
//! from the wording of a message: "Did not receive a reply … blocked" is not "locked".
use super::error::KeychainError;

/// Longest platform detail kept in a sentence; more is noise, not help.
const DETAIL_CHARS: usize = 120;

pub fn map_keyring_error(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoStorageAccess(inner) => {
            platform(inner.as_ref()).unwrap_or_else(|| KeychainError::Unavailable {
                detail: clean(&inner.to_string()),
            })
        }
        keyring::Error::PlatformFailure(inner) => {
            platform(inner.as_ref()).unwrap_or_else(|| KeychainError::Other {
                detail: clean(&inner.to_string()),
            })
        }
        other => KeychainError::Other {
            detail: clean(&other.to_string()),
        },
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn platform(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<KeychainError> {
    inner
        .downcast_ref::<dbus_secret_service::Error>()
        .map(secret_service)
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
fn platform(_inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<KeychainError> {
    None
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn secret_service(e: &dbus_secret_service::Error) -> KeychainError {
    use dbus_secret_service::Error as Ss;
    match e {
        Ss::Locked => KeychainError::Locked,
        Ss::Prompt => KeychainError::PromptDismissed,
        Ss::Unavailable => KeychainError::Unavailable {
            detail: "no D-Bus session or Secret Service provider was found".into(),
        },
        // keyring asks for the default collection: a provider without one cannot store.
        Ss::NoResult => KeychainError::Unavailable {
            detail: "the Secret Service has no default keyring".into(),
        },
        Ss::Dbus(d) => dbus_error(d.name().unwrap_or(""), d.message().unwrap_or("")),
        other => KeychainError::Other {
            detail: clean(&other.to_string()),
        },
    }
}

/// A D-Bus error, by its name (a stable identifier, unlike the message).
fn dbus_error(name: &str, message: &str) -> KeychainError {
    const DBUS: &str = "org.freedesktop.DBus.Error.";
    let short = name.strip_prefix(DBUS);
    match short {
        Some("NoReply" | "Timeout" | "TimedOut") => KeychainError::NotAnswering,
        Some("ServiceUnknown" | "NameHasNoOwner") => KeychainError::Unavailable {
            detail: "no Secret Service provider is running in this session".into(),
        },
        Some(s) if s.starts_with("Spawn.") => KeychainError::Unavailable {
            detail: "no Secret Service provider is running in this session".into(),
        },
        Some(
            "NoServer" | "NotSupported" | "FileNotFound" | "BadAddress" | "Disconnected"
            | "NoNetwork" | "AddressInUse" | "AuthFailed",
        ) => KeychainError::Unavailable {
            detail: "no D-Bus session bus could be reached".into(),
        },
        _ if name == "org.freedesktop.Secret.Error.IsLocked" => KeychainError::Locked,
        _ => KeychainError::Other {
            detail: clean(&format!("{name}: {message}")),
        },
    }
}

/// One short line: control and bidi characters replaced, length capped.
fn clean(detail: &str) -> String {
    let mut out: String = detail
        .chars()
        .map(|c| if is_unsafe(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if out.chars().count() > DETAIL_CHARS {
        out = out.chars().take(DETAIL_CHARS).collect::<String>() + "…";
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    fn wrapped(e: dbus_secret_service::Error, no_access: bool) -> keyring::Error {
        if no_access {
            keyring::Error::NoStorageAccess(Box::new(e))
        } else {
            keyring::Error::PlatformFailure(Box::new(e))
        }
    }

    #[cfg(target_os = "linux")]
    fn dbus(name: &str, message: &str) -> keyring::Error {
        wrapped(
            dbus_secret_service::Error::Dbus(dbus::Error::new_custom(name, message)),
            false,
        )
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_daemon_that_sends_no_reply_is_not_called_locked() {
        let e = map_keyring_error(dbus(
            "org.freedesktop.DBus.Error.NoReply",
            "Did not receive a reply. Possible causes include: the remote application did not \
             send a reply, the message bus security policy blocked the reply, the reply timeout \
             expired, or the network connection was broken.",
        ));
        assert_eq!(e, KeychainError::NotAnswering);
        assert_eq!(e.code(), "keychain_timeout");
        assert!(!e.to_string().contains("locked"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_locked_keyring_is_locked_whichever_way_it_is_reported() {
        use dbus_secret_service::Error as Ss;
        assert_eq!(
            map_keyring_error(wrapped(Ss::Locked, true)),
            KeychainError::Locked
        );
        let refused = dbus(
            "org.freedesktop.Secret.Error.IsLocked",
            "Cannot create an item in a locked collection",
        );
        assert_eq!(map_keyring_error(refused), KeychainError::Locked);
        let dismissed = map_keyring_error(wrapped(Ss::Prompt, true));
        assert_eq!(dismissed.code(), "keychain_locked");
        assert!(dismissed.to_string().contains("Unlock it"), "{dismissed}");
        assert!(!dismissed.to_string().contains("provider"), "{dismissed}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn no_bus_or_no_provider_is_unavailable_with_a_short_clean_detail() {
        use dbus_secret_service::Error as Ss;
        for e in [
            dbus(
                "org.freedesktop.DBus.Error.NotSupported",
                "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11",
            ),
            dbus(
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "The name org.freedesktop.secrets was not provided by any .service files",
            ),
            dbus("org.freedesktop.DBus.Error.Spawn.ChildExited", "exit 1"),
            wrapped(Ss::Unavailable, false),
            wrapped(Ss::NoResult, true),
        ] {
            let mapped = map_keyring_error(e);
            assert_eq!(mapped.code(), "keychain_unavailable", "{mapped:?}");
            let text = mapped.to_string();
            assert!(!text.contains("$DISPLAY") && !text.contains(".service files"));
            assert!(!text.contains('\n'));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn other_failures_keep_a_short_single_line_detail() {
        let e = map_keyring_error(dbus(
            "org.example.Weird",
            &format!("line1\nline2\u{202E}\u{1b}[31m{}", "x".repeat(500)),
        ));
        assert_eq!(e.code(), "keychain_error");
        let text = e.to_string();
        assert!(!text.chars().any(is_unsafe), "{text:?}");
        assert!(text.chars().count() < 250, "{}", text.len());
    }

    #[test]
    fn keyring_errors_without_a_platform_source_still_map() {
        let e = map_keyring_error(keyring::Error::NoStorageAccess("nope\n".into()));
        assert_eq!(
            e,
            KeychainError::Unavailable {
                detail: "nope".into()
            }
        );
        let e = map_keyring_error(keyring::Error::TooLong("user".into(), 3));
        assert_eq!(e.code(), "keychain_error");
    }
}
