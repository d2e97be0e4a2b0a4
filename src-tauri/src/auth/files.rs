//! Small, careful file helpers for spotkey's non-secret files: atomic replace, owner-only
//! permissions, and "missing or unreadable" treated as "not there" rather than a crash.
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::AuthError;

fn files_error(path: &Path, e: impl std::fmt::Display) -> AuthError {
    AuthError::Files {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// Writes `value` as JSON via a temp file + rename, so a crash never leaves half a file.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), AuthError> {
    let dir = path
        .parent()
        .ok_or_else(|| files_error(path, "no parent directory"))?;
    create_private_dir(dir)?;
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| files_error(path, e))?;
    let tmp = path.with_extension("tmp");
    let mut file = open_private(&tmp).map_err(|e| files_error(&tmp, e))?;
    file.write_all(&bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| files_error(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| files_error(path, e))
}

/// Reads JSON; a missing file is `None`; a corrupt one is also `None` (and logged), because a
/// cache or settings file must never stop the user from signing in.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable file");
            None
        }
    }
}

pub fn remove_if_exists(path: &Path) -> Result<(), AuthError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(files_error(path, e)),
        _ => Ok(()),
    }
}

pub fn create_private_dir(dir: &Path) -> Result<(), AuthError> {
    fs::create_dir_all(dir).map_err(|e| files_error(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

fn open_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.json");
        write_json(&path, &vec![1, 2]).unwrap();
        assert_eq!(read_json::<Vec<i32>>(&path), Some(vec![1, 2]));
        fs::write(&path, b"{not json").unwrap();
        assert_eq!(read_json::<Vec<i32>>(&path), None);
        remove_if_exists(&path).unwrap();
        remove_if_exists(&path).unwrap();
        assert_eq!(read_json::<Vec<i32>>(&path), None);
    }
}
