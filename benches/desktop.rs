//! Desktop benchmark (prints figures; asserts nothing). Run with `make bench`: release build,
//! private Xvfb, tauri-driver, the fake Spotify on 127.0.0.1 and an unlocked GNOME Keyring.
//!  (e) cold start → first paint of the account status, vs a hello-world Tauri window
//!  (f) memory (PSS) of all app processes with the window open, then after it is closed
//!  (g) idle wake-ups over 60 s in the tray (only the refresh timer should wake spotkey)
//!  (h) release binary size
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use spotkey::auth::sign_in::Quiet;
use spotkey::auth::CancelHandle;
use support::desktop::Desktop;
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::user::ScriptedUser;

const RUNS: usize = 7;
const IDLE: Duration = Duration::from_secs(60);
/// Process names (as /proc/<pid>/comm truncates them) that belong to the app, not the drivers.
const APP_PROCESSES: &[&str] = &[
    "spotkey",
    "hello_window",
    "WebKitWebProces",
    "WebKitNetworkP",
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fake = FakeSpotify::start();
        let home = TestHome::new();
        home.account(&fake)
            .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
            .await
            .expect("a stored grant to start from");
        let env = home.env(&fake);
        let spotkey = Path::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
        println!(
            "spotkey desktop benchmark: {RUNS} cold starts each, Xvfb, WebKitGTK via tauri-driver"
        );

        let page = first_paints(spotkey, &env, "spotkey").await;
        report(
            "    start -> page painted, before the status (spotkey)",
            &page,
        );
        let ours = first_paints(spotkey, &env, "Fake User").await;
        report("(e) start -> account status painted (spotkey)", &ours);
        let hello = hello_window(spotkey);
        let baseline = first_paints(&hello, &env, "Hello, world").await;
        report("    start -> page painted (hello-world Tauri)", &baseline);
        println!(
            "    ratio spotkey/hello-world medians: {:.2}",
            median(&ours).as_secs_f64() / median(&baseline).as_secs_f64()
        );

        // `DESKTOP_BENCH=paint` stops here (quick iterations on start-up time).
        if std::env::var("DESKTOP_BENCH").as_deref() == Ok("paint") {
            return;
        }
        memory_and_idle(&env).await;
        let size = std::fs::metadata(spotkey).map(|m| m.len()).unwrap_or(0);
        println!(
            "(h) binary size: {:.1} MB ({})",
            size as f64 / 1e6,
            spotkey.display()
        );
    });
}

/// The baseline is built next to spotkey (`cargo build --release --examples`).
fn hello_window(spotkey: &Path) -> PathBuf {
    let path = spotkey.parent().unwrap().join("examples/hello_window");
    assert!(
        path.exists(),
        "{} is missing: `make bench` builds it",
        path.display()
    );
    path
}

/// Where a first paint's time goes, from WebKit's own Performance API (milliseconds after the
/// page's navigation start, except `navigation`: after the app was asked to start).
const PAGE_TIMELINE: &str = "const n = performance.getEntriesByType('navigation')[0] || {};\
    const at = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : -1; };\
    const res = performance.getEntriesByType('resource');\
    return [performance.timeOrigin, n.responseEnd || -1, n.domInteractive || -1,\
            n.domContentLoadedEventEnd || -1, n.loadEventEnd || -1, at('first-contentful-paint'),\
            at('spotkey:status-rendered'), res.length,\
            res.reduce((m, r) => Math.max(m, r.responseEnd), -1)];";
const TIMELINE_NAMES: [&str; 8] = [
    "navigation start (after launch)",
    "index.html received",
    "DOM interactive",
    "DOMContentLoaded done",
    "load done",
    "first contentful paint",
    "status rendered (mark)",
    "subresources requested",
];

async fn first_paints(
    program: &Path,
    env: &[(&'static str, std::ffi::OsString)],
    shows: &str,
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(RUNS);
    let mut timelines = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let app = Desktop::launch_program(program, env.iter().cloned(), &[]).await;
        let launched_unix_ms = unix_ms() - app.requested_at.elapsed().as_secs_f64() * 1000.0;
        loop {
            if app.visible_text().await.contains(shows) {
                samples.push(app.requested_at.elapsed());
                break;
            }
            assert!(
                app.requested_at.elapsed() < Duration::from_secs(30),
                "{} never showed {shows:?}",
                program.display()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if let Ok(v) = app.client.execute(PAGE_TIMELINE, vec![]).await {
            let mut t: Vec<f64> = serde_json::from_value(v).unwrap_or_default();
            if t.len() == 9 {
                t[0] -= launched_unix_ms;
                t.remove(8);
                timelines.push(t);
            }
        }
        app.quit().await;
    }
    for (i, name) in TIMELINE_NAMES.iter().enumerate() {
        let mut column: Vec<f64> = timelines
            .iter()
            .map(|t| t[i])
            .filter(|v| *v >= 0.0)
            .collect();
        column.sort_by(f64::total_cmp);
        if let Some(mid) = column.get(column.len() / 2) {
            println!("      {name}: median {mid:.0}");
        }
    }
    samples
}

fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn memory_and_idle(env: &[(&'static str, std::ffi::OsString)]) {
    let app = Desktop::launch(env.iter().cloned(), &[]).await;
    app.wait_for_text("#display-name", "Fake User", Duration::from_secs(30))
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let open = app_processes(&app);
    println!(
        "(f) PSS with the window open: {:.0} MB in {} processes ({})",
        pss_mb(&open),
        open.len(),
        names(&open)
    );
    // The window's close button (WM_DELETE_WINDOW, as a window manager sends it): the
    // webview should go, spotkey should stay in the tray.
    let closer = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/x11-close-window.py");
    let closed = std::process::Command::new(closer)
        .arg("spotkey")
        .env("DISPLAY", app.display())
        .status();
    assert!(
        closed.is_ok_and(|s| s.success()),
        "could not close the window"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let closed = app_processes(&app);
    println!(
        "    PSS after closing the window: {:.0} MB in {} processes ({})",
        pss_mb(&closed),
        closed.len(),
        names(&closed)
    );

    let before: Vec<(String, u64)> = closed
        .iter()
        .map(|(pid, name)| (name.clone(), switches(*pid)))
        .collect();
    let started = Instant::now();
    tokio::time::sleep(IDLE).await;
    let secs = started.elapsed().as_secs_f64();
    for ((pid, name), (_, was)) in closed.iter().zip(before) {
        let woke = switches(*pid).saturating_sub(was);
        println!(
            "(g) idle {:.0} s in the tray: {name} woke {woke} times ({:.2}/s)",
            secs,
            woke as f64 / secs
        );
    }
    drop(app);
}

fn app_processes(app: &Desktop) -> Vec<(u32, String)> {
    app.processes()
        .into_iter()
        .filter(|(_, name)| APP_PROCESSES.iter().any(|p| name.starts_with(p)))
        .collect()
}

fn names(processes: &[(u32, String)]) -> String {
    processes
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Proportional set size: shared pages split between the processes that map them.
fn pss_mb(processes: &[(u32, String)]) -> f64 {
    let kb: u64 = processes
        .iter()
        .filter_map(|(pid, _)| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .sum();
    kb as f64 / 1024.0
}

/// Every context switch of every thread: each one is a wake-up.
fn switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter(|l| l.contains("ctxt_switches"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn report(label: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.0} ms, min {:.0} ms, max {:.0} ms (n={})",
        ms(median(samples)),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        sorted.len()
    );
}
