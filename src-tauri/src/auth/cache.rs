//! Non-secret state on disk, for an instant status: the last profile Spotify returned, a
//! summary of the stored session (no token in it), and why the user was signed out (so
//! "Spotify ended this connection" survives a restart). The keychain stays the truth; this
//! only lets a window paint before the keychain has answered.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::expiry::Expiry;
use super::files;
use super::profile::Profile;
use super::session::lenient_u64;

/// Why there is no session, when spotkey ended it rather than the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedOutReason {
    /// Spotify answered invalid_grant / invalid_client: the grant is gone.
    ConnectionEnded,
}

impl SignedOutReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::ConnectionEnded => "connection_ended",
        }
    }

    pub fn message(self) -> &'static str {
        "Spotify ended this connection, please reconnect."
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Note {
    #[serde(default)]
    signed_out: Option<SignedOutReason>,
}

/// What the keychain's session says, minus every secret. Numbers from the file are read
/// leniently and clamped: a hand-edited or corrupt file can neither crash nor pin a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub client_id: String,
    pub scopes: Vec<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub access_issued_at: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub access_expires_at: u64,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub authorized_at: u64,
}

impl SessionSummary {
    /// The time rules for the summarised session (every time clamped into printable range).
    pub fn expiry(&self) -> Expiry {
        Expiry {
            issued_at: self.access_issued_at,
            expires_at: self.access_expires_at,
            authorized_at: self.authorized_at,
        }
        .clamped()
    }
}

/// The token-free files as read at one moment; a missing file is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheFiles {
    pub summary: Option<SessionSummary>,
    pub signed_out: Option<SignedOutReason>,
    pub profile: Option<Profile>,
}

/// The names of the files `Cache` writes (each replaced by a rename from `<name>.tmp`).
pub const CACHE_FILES: [&str; 3] = [PROFILE_FILE, NOTE_FILE, SUMMARY_FILE];
const PROFILE_FILE: &str = "profile.json";
const NOTE_FILE: &str = "state.json";
const SUMMARY_FILE: &str = "session.json";

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn profile_path(&self) -> PathBuf {
        self.dir.join(PROFILE_FILE)
    }

    fn note_path(&self) -> PathBuf {
        self.dir.join(NOTE_FILE)
    }

    fn summary_path(&self) -> PathBuf {
        self.dir.join(SUMMARY_FILE)
    }

    /// Makes the directory (owner-only) if it is not there yet, e.g. to watch it.
    pub fn create_dir(&self) -> Result<(), AuthError> {
        files::create_private_dir(&self.dir)
    }

    /// Every file at once (an unusable one counts as missing, and is logged).
    pub fn read_all(&self) -> CacheFiles {
        CacheFiles {
            summary: self.summary(),
            signed_out: self.signed_out_reason(),
            profile: self.profile(),
        }
    }

    /// Every file at once, for following another process's changes: a file that exists but
    /// cannot be used (garbage, too big, not a regular file) keeps its value from `before`, so
    /// what someone else scribbled there changes nothing and is not logged again and again.
    pub fn read_all_over(&self, before: &CacheFiles) -> CacheFiles {
        fn or_before<T: Clone>(
            read: Result<Option<T>, files::Unusable>,
            before: &Option<T>,
        ) -> Option<T> {
            read.unwrap_or_else(|_| before.clone())
        }
        let note = files::read_json_checked::<Note>(&self.note_path())
            .map(|n| n.and_then(|n| n.signed_out));
        CacheFiles {
            summary: or_before(
                files::read_json_checked(&self.summary_path()),
                &before.summary,
            ),
            signed_out: or_before(note, &before.signed_out),
            profile: or_before(
                files::read_json_checked(&self.profile_path()),
                &before.profile,
            ),
        }
    }

    pub fn summary(&self) -> Option<SessionSummary> {
        files::read_json(&self.summary_path())
    }

    pub fn save_summary(&self, summary: &SessionSummary) -> Result<(), AuthError> {
        files::write_json(&self.summary_path(), summary)
    }

    pub fn profile(&self) -> Option<Profile> {
        files::read_json(&self.profile_path())
    }

    pub fn save_profile(&self, profile: &Profile) -> Result<(), AuthError> {
        files::write_json(&self.profile_path(), profile)
    }

    pub fn signed_out_reason(&self) -> Option<SignedOutReason> {
        files::read_json::<Note>(&self.note_path()).and_then(|n| n.signed_out)
    }

    pub fn note_signed_out(&self, reason: SignedOutReason) -> Result<(), AuthError> {
        files::write_json(
            &self.note_path(),
            &Note {
                signed_out: Some(reason),
            },
        )
    }

    /// Everything about the account goes: profile, session summary and notes.
    pub fn clear(&self) -> Result<(), AuthError> {
        files::remove_if_exists(&self.profile_path())?;
        files::remove_if_exists(&self.summary_path())?;
        files::remove_if_exists(&self.note_path())
    }

    /// The session is gone (Spotify ended it) but the profile may still say who it was.
    pub fn forget_summary(&self) -> Result<(), AuthError> {
        files::remove_if_exists(&self.summary_path())
    }

    pub fn clear_note(&self) -> Result<(), AuthError> {
        files::remove_if_exists(&self.note_path())
    }
}
