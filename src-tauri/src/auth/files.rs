//! Small, careful file helpers for spotkey's non-secret files: atomic replace, owner-only
//! permissions, and "missing or unreadable" treated as "not there" rather than a crash.
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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

/// Largest file spotkey reads: its own files are a few hundred bytes, so anything bigger is
/// not one of them.
pub const MAX_READ: u64 = 1024 * 1024;

/// A file that exists but cannot be used: what it is and why it was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    pub path: PathBuf,
    pub why: String,
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.path.display(), self.why)
    }
}

/// Reads JSON; a missing file is `None`; an unusable one is also `None` (and logged), because
/// a cache or settings file must never stop the user from signing in.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    read_json_checked(path).unwrap_or_else(|u| {
        tracing::warn!(file = %u, "ignoring unusable file");
        None
    })
}

/// Reads JSON, saying why a file that exists could not be used (not a regular file, too big,
/// unreadable, not JSON of the expected shape).
pub fn read_json_checked<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, Unusable> {
    let unusable = |why: String| Unusable {
        path: path.to_path_buf(),
        why,
    };
    let Some(bytes) = read_small(path).map_err(unusable)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        // Position only: serde's message can quote the file's own text.
        .map_err(|e| {
            unusable(format!(
                "is not valid JSON for spotkey (line {}, column {})",
                e.line(),
                e.column()
            ))
        })
}

/// The bytes of a regular file of at most `MAX_READ` bytes; `None` if there is no file.
/// A FIFO, socket or device is refused before it is opened (reading one can block forever),
/// and the open itself does not block, so a file swapped for a FIFO in between cannot hang us.
fn read_small(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    check_kind_and_size(&meta)?;
    let file = open_nonblocking(path).map_err(|e| format!("cannot be read ({e})"))?;
    check_kind_and_size(
        &file
            .metadata()
            .map_err(|e| format!("cannot be read ({e})"))?,
    )?;
    let mut bytes = Vec::new();
    file.take(MAX_READ + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_READ {
        return Err("is larger than 1 MiB".into());
    }
    Ok(Some(bytes))
}

fn check_kind_and_size(meta: &fs::Metadata) -> Result<(), String> {
    if !meta.is_file() {
        return Err("is not a regular file (a directory, FIFO, socket or device)".into());
    }
    if meta.len() > MAX_READ {
        return Err("is larger than 1 MiB".into());
    }
    Ok(())
}

fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
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

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // No writer ever comes: a blocking open or read would never return.
        let err = read_json_checked::<Vec<i32>>(&path).unwrap_err();
        assert!(err.why.contains("not a regular file"), "{err}");
        assert_eq!(read_json::<Vec<i32>>(&dir.path().join("missing")), None);
        assert!(
            read_json_checked::<Vec<i32>>(dir.path()).is_err(),
            "a directory"
        );
    }

    #[test]
    fn a_huge_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let file = fs::File::create(&path).unwrap();
        file.set_len(MAX_READ + 1).unwrap();
        let err = read_json_checked::<Vec<i32>>(&path).unwrap_err();
        assert!(err.why.contains("larger than 1 MiB"), "{err}");
    }
}
