//! Variables spotkey sets for its own process stay out of the processes it starts, and a value
//! the user gave is never replaced. A test binary of its own: changing the environment while
//! other tests' threads may read it would be a race.
use std::process::Command;

use spotkey::own_env::{as_given, set_unless_given};

#[test]
fn children_get_the_users_environment() {
    const OURS: &str = "SPOTKEY_TEST_OWN_ENV_OURS";
    let users_path = std::env::var("PATH").expect("the test runs with a PATH");
    set_unless_given(OURS, "1");
    set_unless_given("PATH", "/spotkey/would/break/this");
    assert_eq!(
        std::env::var(OURS).as_deref(),
        Ok("1"),
        "this process has it"
    );
    assert_eq!(
        std::env::var("PATH").as_deref(),
        Ok(users_path.as_str()),
        "the user's value wins"
    );

    let out = as_given(&mut Command::new("env"))
        .output()
        .expect("env runs");
    let seen = String::from_utf8_lossy(&out.stdout);
    assert!(
        !seen.lines().any(|l| l.starts_with(&format!("{OURS}="))),
        "a child sees spotkey's own setting: {seen}"
    );
    assert!(
        seen.lines().any(|l| l == format!("PATH={users_path}")),
        "a child lost the user's PATH: {seen}"
    );
}
