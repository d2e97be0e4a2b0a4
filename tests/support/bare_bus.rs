//! A private D-Bus session bus with nothing on it: no Secret Service, and none that can be
//! started on demand (no service directories). A desktop app on it meets a missing keychain
//! the way a user without one does, with D-Bus's own error text. Stopped when dropped.
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use super::home::TestHome;

const CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct BareBus {
    child: Child,
    address: String,
    // dbus-daemon's --print-address pipe, kept open so it can never SIGPIPE it.
    _out: ChildStdout,
}

impl BareBus {
    pub fn start(home: &TestHome) -> Self {
        let config = home.root().join("bare-bus.conf");
        std::fs::write(&config, CONFIG).expect("write the bus configuration");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start dbus-daemon ({e}): run `make test`"));
        let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut address = String::new();
        // EOF at once if the daemon dies, so this cannot hang.
        let _ = out.read_line(&mut address);
        if !address.starts_with("unix:") {
            let _ = child.kill();
            panic!("dbus-daemon gave no address ({address:?})");
        }
        Self {
            child,
            address: address.trim().to_string(),
            _out: out.into_inner(),
        }
    }

    /// What makes a process use this bus.
    pub fn env(&self) -> (&'static str, OsString) {
        ("DBUS_SESSION_BUS_ADDRESS", self.address.clone().into())
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
