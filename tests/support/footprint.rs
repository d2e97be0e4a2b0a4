//! What an app costs while it sits there: its processes, their memory (PSS), and every wake-up
//! of every thread of them as the kernel's scheduler counts it (`perf`, installed by
//! `make test`); and spotkey started `--hidden` (tray only) on a private display.
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::desktop::Xvfb;

/// Process names (as /proc/<pid>/comm truncates them) that belong to an app, not the drivers.
const APP_PROCESSES: &[&str] = &[
    "spotkey",
    "hello_window",
    "WebKitWebProces",
    "WebKitNetworkP",
];

/// The app's own processes among `processes` (pid, name): the drivers are left out.
pub fn app_only(processes: Vec<(u32, String)>) -> Vec<(u32, String)> {
    processes
        .into_iter()
        .filter(|(_, name)| APP_PROCESSES.iter().any(|p| name.starts_with(p)))
        .collect()
}

/// `root` and every live process below it (by parent pid), as (pid, name).
pub fn tree(root: u32) -> Vec<(u32, String)> {
    let all: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid …": comm may hold spaces and ')', so split at the last ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let mut fields = rest.split_whitespace();
            let state = fields.next()?;
            let ppid = fields.next()?.parse().ok()?;
            let name = head.split_once('(').map_or("", |(_, n)| n).to_string();
            (state != "Z").then_some((pid, ppid, name))
        })
        .collect();
    let mut found: Vec<(u32, String)> = all
        .iter()
        .filter(|(pid, ..)| *pid == root)
        .map(|(pid, _, name)| (*pid, name.clone()))
        .collect();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i].0;
        found.extend(
            all.iter()
                .filter(|(_, ppid, _)| *ppid == parent)
                .map(|(pid, _, name)| (*pid, name.clone())),
        );
        i += 1;
    }
    found
}

/// Proportional set size in MiB: shared pages split between the processes that map them, so
/// it moves with whatever else on the machine maps the same libraries (WebKit, GTK).
pub fn pss_mib(processes: &[(u32, String)]) -> f64 {
    rollup_mib(processes, &["Pss:"])
}

/// Unique set size in MiB: the pages only these processes map. It does not move with what else
/// runs, but leaves out the libraries' shared pages.
pub fn uss_mib(processes: &[(u32, String)]) -> f64 {
    rollup_mib(processes, &["Private_Clean:", "Private_Dirty:"])
}

/// The sum of `fields` of /proc/<pid>/smaps_rollup over `processes`, in MiB.
fn rollup_mib(processes: &[(u32, String)], fields: &[&str]) -> f64 {
    let kib: u64 = processes
        .iter()
        .filter_map(|(pid, _)| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .flat_map(|text| {
            text.lines()
                .filter(|l| fields.iter().any(|f| l.starts_with(f)))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum();
    kib as f64 / 1024.0
}

/// The names of the threads of process `pid` (what `top -H` shows), each once.
pub fn thread_names(pid: u32) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim_end().to_string())
        .collect()
}

/// spotkey `pid` has started itself again in the tray after its window closed, and is up: it
/// owns its single-instance name again (the plugin takes it before the thread that follows the
/// tray is started), so a second launch now hands over to it.
pub fn restarted_in_the_tray(pid: u32) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let restarted = cmdline.split(|b| *b == 0).any(|arg| arg == b"--restarted");
    restarted && thread_names(pid).contains("tray-gone")
}

/// WebKit's own switch, which spotkey sets for its window's web process alone: the processes
/// it starts (the user's browser, itself again in the tray) get the user's value.
pub const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// `name` in the environment `pid` was started (or last exec'd) with; a change the process
/// made to its own environment afterwards is not seen here.
pub fn environ_var(pid: u32, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap_or_default()
        .split(|b| *b == 0)
        .find_map(|var| var.strip_prefix(prefix.as_bytes()))
        .map(|value| String::from_utf8_lossy(value).into_owned())
}

pub fn names(processes: &[(u32, String)]) -> String {
    let names: Vec<&str> = processes.iter().map(|(_, n)| n.as_str()).collect();
    names.join(", ")
}

/// Wake-ups per thread, (name, tid) → count, over the whole window.
pub type Wakeups = BTreeMap<(String, u32), u64>;

/// Every time a thread of `processes` went to sleep during `window` (each sleep ends one
/// wake-up), counted by the scheduler's `sched_switch` tracepoint through `perf record`.
/// Threads and processes started during the window are followed (inherited counters) and
/// threads that end during it keep their count. Being preempted (still runnable) is no sleep.
pub fn wakeups(processes: &[(u32, String)], window: Duration) -> Result<Wakeups, String> {
    if processes.is_empty() {
        return Err("no process to count the wake-ups of".into());
    }
    let dir = tempfile::tempdir().map_err(|e| format!("a temp dir for perf: {e}"))?;
    let data = dir.path().join("perf.data");
    let pids: Vec<String> = processes.iter().map(|(pid, _)| pid.to_string()).collect();
    // perf now and then exits 255 without a word when it attaches while the app's threads
    // start or end (seen right after start-up): while every process is still there, that is
    // perf's failure, not the app's, and the count is tried again.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let recorded = Command::new("perf")
            .args(["record", "-q", "-e", "sched:sched_switch", "--no-buildid"])
            .args(["--no-buildid-cache", "-o"])
            .arg(&data)
            .args(["-p", &pids.join(","), "--", "sleep"])
            .arg(format!("{:.3}", window.as_secs_f64()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run perf ({e}): `make bench` installs it"))?;
        if recorded.status.success() {
            break;
        }
        let gone: Vec<&String> = pids
            .iter()
            .filter(|pid| !Path::new(&format!("/proc/{pid}")).exists())
            .collect();
        if !gone.is_empty() || attempts == 3 {
            let said = String::from_utf8_lossy(&recorded.stderr);
            return Err(format!(
                "perf record failed ({}): {said} (processes gone since: {gone:?})",
                recorded.status
            ));
        }
    }
    count_sleeps(&data)
}

fn count_sleeps(data: &Path) -> Result<Wakeups, String> {
    let out = Command::new("perf")
        .args(["script", "-F", "tid,trace", "-i"])
        .arg(data)
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run perf script: {e}"))?;
    let mut counts = Wakeups::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // " 914 prev_comm=gdbus prev_pid=914 prev_prio=120 prev_state=S ==> next_comm=…"
        let field = |key: &str, end: &str| {
            let rest = &line[line.find(key)? + key.len()..];
            Some(rest[..rest.find(end)?].to_string())
        };
        let (Some(name), Some(tid), Some(state)) = (
            field("prev_comm=", " prev_pid="),
            field("prev_pid=", " "),
            field("prev_state=", " ==>"),
        ) else {
            continue;
        };
        let Ok(tid) = tid.parse::<u32>() else {
            continue;
        };
        if !state.starts_with('R') {
            *counts.entry((name, tid)).or_default() += 1;
        }
    }
    Ok(counts)
}

/// `spotkey-desktop --hidden` on its own display: tray only, no window was ever opened.
pub struct Hidden {
    child: Child,
    _xvfb: Xvfb,
}

impl Hidden {
    pub async fn start(env: &[(&'static str, OsString)]) -> Result<Hidden, String> {
        let xvfb = Xvfb::start();
        let program = Path::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
        let child = spawn(program, xvfb.display(), env, &["--hidden"])?;
        let mut hidden = Hidden { child, _xvfb: xvfb };
        // Up once it owns its single-instance name on the session bus (the app's own bus, or
        // the one the test environment gives every process).
        let address = env
            .iter()
            .find(|(k, _)| *k == "DBUS_SESSION_BUS_ADDRESS")
            .and_then(|(_, v)| v.to_str().map(str::to_string))
            .or_else(|| std::env::var("DBUS_SESSION_BUS_ADDRESS").ok())
            .ok_or("no DBUS_SESSION_BUS_ADDRESS: run inside scripts/test-env.sh")?;
        let up = tokio::task::spawn_blocking(move || {
            super::session_bus::wait_for_single_instance(&address, Duration::from_secs(30))
        });
        let up = up.await.map_err(|e| e.to_string()).and_then(|r| r);
        match hidden.child.try_wait() {
            // E.g. another spotkey on the same session bus took it over (single instance).
            Ok(Some(status)) => Err(format!("spotkey --hidden exited at start ({status})")),
            _ => up.map(|()| hidden),
        }
    }

    pub fn processes(&self) -> Vec<(u32, String)> {
        app_only(tree(self.child.id()))
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn spawn(
    program: &Path,
    display: &str,
    env: &[(&'static str, OsString)],
    args: &[&str],
) -> Result<Child, String> {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SPOTKEY_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args)
        .env_remove("WAYLAND_DISPLAY")
        .env("DISPLAY", display)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))
}
