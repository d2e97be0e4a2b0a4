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

#[cfg(test)]
mod tests {
    use super::*;

    /// One test for both cases: the variable names are this process's, shared by every test.
    #[test]
    fn children_get_the_users_environment() {
        const OURS: &str = "SPOTKEY_TEST_OWN_ENV_OURS";
        const THEIRS: &str = "SPOTKEY_TEST_OWN_ENV_THEIRS";
        std::env::set_var(THEIRS, "user");
        set_unless_given(OURS, "1");
        set_unless_given(THEIRS, "spotkey");
        assert_eq!(std::env::var(OURS).as_deref(), Ok("1"));
        assert_eq!(
            std::env::var(THEIRS).as_deref(),
            Ok("user"),
            "the user's value wins"
        );

        let mut child = Command::new("env");
        let out = as_given(&mut child).output().expect("env runs");
        let seen = String::from_utf8_lossy(&out.stdout);
        assert!(
            !seen.contains(OURS),
            "a child sees spotkey's own setting: {seen}"
        );
        assert!(
            seen.contains(&format!("{THEIRS}=user")),
            "a child lost the user's: {seen}"
        );
    }
}
