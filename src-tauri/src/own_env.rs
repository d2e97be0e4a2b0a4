//! Environment variables spotkey sets for its own process only. The processes it starts (the
//! user's browser, itself again in the tray) get the environment the user gave it: a browser
//! built on WebKitGTK must not paint the way spotkey's window chose to.
use std::process::Command;
use std::sync::Mutex;

/// The names set here, not by the user.
static SET_HERE: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// Sets `name` to `value` unless the user's environment already has it (theirs wins).
///
/// Only while this process has one thread: changing the environment while another thread may
/// read it (a library's `getenv`) is undefined behaviour in C.
pub fn set_unless_given(name: &'static str, value: &str) {
    if std::env::var_os(name).is_some() {
        return;
    }
    std::env::set_var(name, value);
    set_here().push(name);
}

/// `command` without the variables this process set for itself.
pub fn as_given(command: &mut Command) -> &mut Command {
    for name in set_here().iter() {
        command.env_remove(name);
    }
    command
}

fn set_here() -> std::sync::MutexGuard<'static, Vec<&'static str>> {
    // A list of names cannot be left half-changed by a panic: a poisoned lock is still right.
    SET_HERE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
