//! Starting the desktop app where it cannot run: no display, or one GTK cannot open. The user
//! gets one line and exit 2 instead of a toolkit panic with a backtrace hint.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::ExitCode;

const EXIT_ERROR: u8 = crate::cli::EXIT_ERROR;

/// `restarted`: the app starting itself again in the tray after its window closed.
pub fn start_app(hidden: bool, restarted: bool) -> ExitCode {
    if let Some(why) = no_display() {
        eprintln!("spotkey: {why}");
        return ExitCode::from(EXIT_ERROR);
    }
    // First, while this process has one thread (it changes the environment).
    super::window::paint_without_compositing_from_the_start();
    one_line_panics();
    match catch_unwind(AssertUnwindSafe(|| super::run(hidden, restarted))) {
        Ok(code) => code,
        // The hook has already printed the one line.
        Err(_) => ExitCode::from(EXIT_ERROR),
    }
}

/// On X11/Wayland desktops the toolkit needs one of these; without either it would panic.
fn no_display() -> Option<&'static str> {
    if cfg!(any(windows, target_os = "macos")) {
        return None;
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "the desktop app needs a graphical display (neither DISPLAY nor WAYLAND_DISPLAY is \
         set); `spotkey login|status|token|logout` work without one",
    )
}

/// A panic (e.g. GTK refusing an unreachable display) as one line on stderr. With
/// RUST_BACKTRACE set, the default report is kept for debugging.
fn one_line_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown error");
        let line = message.lines().next().unwrap_or_default();
        // The toolkit's text is not ours: one inert line on the terminal.
        eprintln!(
            "spotkey: the desktop app stopped: {}",
            crate::inert::line(line, crate::inert::SENTENCE)
        );
    }));
}
