//! `spotkey` with no command: start the desktop app, which is its own binary so the CLI never
//! loads the GUI libraries. Looks next to this executable first (an install or `target/`), then
//! on PATH; on Unix the desktop app replaces this process (same pid, arguments, environment).
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The desktop app's file name (tauri.conf.json's `mainBinaryName` says the same).
pub const DESKTOP_BIN: &str = if cfg!(windows) {
    "spotkey-desktop.exe"
} else {
    "spotkey-desktop"
};

pub fn run_desktop() -> ExitCode {
    let Some(program) = find_desktop() else {
        eprintln!(
            "spotkey: the desktop app ({DESKTOP_BIN}) is not installed next to spotkey or on \
             PATH; `spotkey login|status|token|logout` work without it"
        );
        return ExitCode::from(crate::cli::EXIT_ERROR);
    };
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    hand_over(&program, &args)
}

/// Next to the running binary first, so a build or an install never picks up another copy.
fn find_desktop() -> Option<PathBuf> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(DESKTOP_BIN)));
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(DESKTOP_BIN));
    beside.into_iter().chain(on_path).find(|p| is_program(p))
}

fn is_program(path: &Path) -> bool {
    path.is_absolute() && path.is_file()
}

#[cfg(unix)]
fn hand_over(program: &Path, args: &[OsString]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // exec only returns on failure.
    let e = Command::new(program).args(args).exec();
    eprintln!("spotkey: cannot start {}: {e}", program.display());
    ExitCode::from(crate::cli::EXIT_ERROR)
}

#[cfg(not(unix))]
fn hand_over(program: &Path, args: &[OsString]) -> ExitCode {
    match Command::new(program).args(args).status() {
        Ok(status) => {
            let code = status.code().unwrap_or(i32::from(crate::cli::EXIT_ERROR));
            ExitCode::from(u8::try_from(code).unwrap_or(crate::cli::EXIT_ERROR))
        }
        Err(e) => {
            eprintln!("spotkey: cannot start {}: {e}", program.display());
            ExitCode::from(crate::cli::EXIT_ERROR)
        }
    }
}
