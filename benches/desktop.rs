//! Desktop benchmark (prints figures; asserts nothing). Run with `make bench`: release build,
//! private Xvfb, tauri-driver, the fake Spotify on 127.0.0.1 and an unlocked GNOME Keyring.
//! Every figure comes with the hello-world Tauri window's (or `--hidden`'s) from the same run.
//!  (e) cold start → first paint of the account status, vs a hello-world Tauri window
//!  (f) memory (PSS) of all app processes with the window open, vs hello-world
//!  (f') memory in the tray after the window is closed, vs `--hidden`; reopen time
//!  (g) idle wake-ups over 60 s in the tray, per thread over the whole process tree
//!  (h) release binary size
//! A part that fails is reported and the others still run; the exit code is 1 then.
#[path = "../tests/support/mod.rs"]
mod support;
#[path = "desktop_parts/tray.rs"]
mod tray;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use spotkey::auth::sign_in::Quiet;
use spotkey::auth::CancelHandle;
use support::desktop::Desktop;
use support::fake_spotify::FakeSpotify;
use support::footprint::{self as measure, app_only, pss_mib, uss_mib, Hidden, Wakeups};
use support::home::TestHome;
use support::user::ScriptedUser;
use tray::{Env, SETTLE};

const RUNS: usize = 7;
const IDLE: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let failures = runtime.block_on(async {
        let fake = FakeSpotify::start();
        let home = TestHome::new();
        home.account(&fake)
            .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
            .await
            .expect("a stored grant to start from");
        let mut env = home.env(&fake);
        // `DESKTOP_BENCH_LOG=spotkey::gui=debug`: each start's log, with the launch times
        // printed next to it (where a slow start spends its time).
        if let Ok(filter) = std::env::var("DESKTOP_BENCH_LOG") {
            env.push(("SPOTKEY_LOG", filter.into()));
        }
        let spotkey = Path::new(env!("CARGO_BIN_EXE_spotkey-desktop"));
        println!("spotkey desktop benchmark: {RUNS} runs each, Xvfb, WebKitGTK via tauri-driver");
        println!("    load: {}", load());
        let mut failures = Vec::new();
        // A desktop with a panel: spotkey lives in its tray once the window closes.
        let _tray = support::session_bus::FakeTray::on_session_bus();
        paint_and_memory(spotkey, &env).await;
        // `DESKTOP_BENCH=paint` stops here (quick iterations on start-up time).
        if std::env::var("DESKTOP_BENCH").as_deref() != Ok("paint") {
            if let Err(e) = in_the_tray(&env).await {
                failures.push(e);
            }
            if let Err(e) = idle(&env).await {
                failures.push(e);
            }
            let size = std::fs::metadata(spotkey).map(|m| m.len()).unwrap_or(0);
            println!(
                "(h) binary size: {:.1} MB ({})",
                size as f64 / 1e6,
                spotkey.display()
            );
        }
        println!("    load: {}", load());
        failures
    });
    for failure in &failures {
        eprintln!("desktop benchmark FAILED: {failure}");
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// (e) and (f): first paints of spotkey and hello-world, and their memory once painted.
async fn paint_and_memory(spotkey: &Path, env: &Env) {
    let page = first_paints(&[(spotkey, "spotkey")], env, false).await;
    report(
        "    start -> page painted, before the status (spotkey)",
        &page[0].seen,
    );
    let hello = hello_window(spotkey);
    let [ours, baseline]: [Paints; 2] = first_paints(
        &[(spotkey, "Fake User"), (&hello, "Hello, world")],
        env,
        true,
    )
    .await
    .try_into()
    .unwrap_or_else(|_| unreachable!("one result per program"));
    report(
        "(e) start -> account status painted (spotkey)",
        &ours.painted,
    );
    report(
        "    start -> page painted (hello-world Tauri)",
        &baseline.painted,
    );
    println!(
        "    ratio spotkey/hello-world medians: {:.2}",
        median(&ours.painted).as_secs_f64() / median(&baseline.painted).as_secs_f64()
    );
    // What a WebDriver client sees: it gets the page only after `load`, which can trail the
    // first paint (the figure earlier versions of this bench reported as (e)).
    report(
        "    start -> status seen over WebDriver (spotkey)",
        &ours.seen,
    );
    report(
        "    start -> text seen over WebDriver (hello-world)",
        &baseline.seen,
    );
    println!(
        "    ratio spotkey/hello-world medians: {:.2}",
        median(&ours.seen).as_secs_f64() / median(&baseline.seen).as_secs_f64()
    );
    let (our_mib, hello_mib) = (ours.mib, baseline.mib);
    mib_report("(f) PSS, window open (spotkey)", &our_mib);
    mib_report("    PSS, window open (hello-world)", &hello_mib);
    println!(
        "    ratio spotkey/hello-world medians: {:.2}",
        median_f(&our_mib) / median_f(&hello_mib)
    );
    mib_report("    USS, window open (spotkey)", &ours.uss);
    mib_report("    USS, window open (hello-world)", &baseline.uss);
    println!(
        "    ratio spotkey/hello-world medians (USS): {:.2}",
        median_f(&ours.uss) / median_f(&baseline.uss)
    );
}

/// (f'): the tray footprint after closing the window, against `--hidden`; reopen time.
async fn in_the_tray(env: &Env) -> Result<(), String> {
    let (mut closed, mut reopened, mut hidden) = (Vec::new(), Vec::new(), Vec::new());
    let (mut closed_uss, mut hidden_uss) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let app = tray::launch_and_close(env).await?;
        tokio::time::sleep(SETTLE).await;
        let left = app_only(app.processes());
        closed.push(pss_mib(&left));
        closed_uss.push(uss_mib(&left));
        if closed.len() == 1 {
            println!("    in the tray after closing: {}", each_pss(&left));
        }
        reopened.push(tray::reopen(&app, env)?);
        app.quit().await;
    }
    for _ in 0..RUNS {
        let app = Hidden::start(env).await?;
        tokio::time::sleep(SETTLE).await;
        let left = app.processes();
        hidden.push(pss_mib(&left));
        hidden_uss.push(uss_mib(&left));
        if hidden.len() == 1 {
            println!("    in the tray with --hidden: {}", each_pss(&left));
        }
    }
    mib_report("(f') PSS in the tray after closing the window", &closed);
    mib_report("    PSS in the tray, started --hidden", &hidden);
    println!(
        "    ratio closed/--hidden medians: {:.2}",
        median_f(&closed) / median_f(&hidden)
    );
    // PSS splits library pages with whatever else maps them (the WebDriver session around the
    // closed app, other WebKit apps): USS, the app's own pages, does not move with them.
    mib_report("    USS in the tray after closing the window", &closed_uss);
    mib_report("    USS in the tray, started --hidden", &hidden_uss);
    println!(
        "    ratio closed/--hidden medians (USS): {:.2}",
        median_f(&closed_uss) / median_f(&hidden_uss)
    );
    report("    reopen (second launch) -> window on screen", &reopened);
    Ok(())
}

/// (g): wake-ups in the tray, after closing the window and with `--hidden`.
async fn idle(env: &Env) -> Result<(), String> {
    let app = tray::launch_and_close(env).await?;
    tokio::time::sleep(SETTLE).await;
    let counts = measure::wakeups(&app_only(app.processes()), IDLE)?;
    wakeup_report("(g) idle in the tray after closing the window", &counts);
    app.quit().await;
    let hidden = Hidden::start(env).await?;
    tokio::time::sleep(SETTLE).await;
    let counts = measure::wakeups(&hidden.processes(), IDLE)?;
    wakeup_report("    idle in the tray, started --hidden", &counts);
    Ok(())
}

fn wakeup_report(label: &str, counts: &Wakeups) {
    let per_minute = 60.0 / IDLE.as_secs_f64();
    let total: u64 = counts.values().sum();
    println!(
        "{label}: {:.0} wake-ups/min over {} threads",
        total as f64 * per_minute,
        counts.len()
    );
    let mut busiest: Vec<_> = counts.iter().filter(|(_, n)| **n > 0).collect();
    busiest.sort_by(|a, b| b.1.cmp(a.1));
    for ((name, tid), n) in busiest.iter().take(8) {
        println!("      {name} ({tid}): {:.0}/min", **n as f64 * per_minute);
    }
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
            at('spotkey:status-rendered'), at('spotkey:status-painted'), res.length,\
            res.reduce((m, r) => Math.max(m, r.responseEnd), -1)];";
const TIMELINE_NAMES: [&str; 9] = [
    "navigation start (after launch)",
    "index.html received",
    "DOM interactive",
    "DOMContentLoaded done",
    "load done",
    "first contentful paint",
    "status drawn into the DOM (mark)",
    "status painted: its frame done (mark)",
    "subresources requested",
];

/// One program's cold starts.
#[derive(Default)]
struct Paints {
    /// Launch → the page's first contentful paint, or its status mark if that came later
    /// (WebKit's own clocks: the page's time origin against the launch time).
    painted: Vec<Duration>,
    /// Launch → the text read back over WebDriver (which waits for the page's `load`).
    seen: Vec<Duration>,
    /// PSS of the app's processes once settled, with `memory`.
    mib: Vec<f64>,
    /// USS of the same, at the same moments.
    uss: Vec<f64>,
    /// Each start's page timeline (`PAGE_TIMELINE`).
    timelines: Vec<Vec<f64>>,
}

/// Cold starts of each (program, the text it shows once painted), taken in turn — A B A B … —
/// so that the machine's drift over the run weighs on each alike; with `memory`, also the PSS
/// once settled.
async fn first_paints(programs: &[(&Path, &str)], env: &Env, memory: bool) -> Vec<Paints> {
    let mut all: Vec<Paints> = programs.iter().map(|_| Paints::default()).collect();
    for _ in 0..RUNS {
        for (&(program, shows), paints) in programs.iter().zip(all.iter_mut()) {
            cold_start(program, shows, env, memory, paints).await;
        }
    }
    for (&(program, _), paints) in programs.iter().zip(all.iter_mut()) {
        println!("    {}, medians (ms):", program.display());
        print_timeline(&paints.timelines);
        if paints.painted.len() < paints.seen.len() {
            println!(
                "    {}: the page's clocks were unreadable in {} of {} runs",
                program.display(),
                paints.seen.len() - paints.painted.len(),
                paints.seen.len()
            );
        }
        if paints.painted.is_empty() {
            paints.painted.clone_from(&paints.seen);
        }
    }
    all
}

async fn cold_start(program: &Path, shows: &str, env: &Env, memory: bool, paints: &mut Paints) {
    let app = Desktop::launch_program(program, env.iter().cloned(), &[]).await;
    let launched_unix_ms = unix_ms() - app.requested_at.elapsed().as_secs_f64() * 1000.0;
    if std::env::var_os("DESKTOP_BENCH_LOG").is_some() {
        eprintln!(
            "bench: {} launched at unix {:.3} s",
            program.display(),
            launched_unix_ms / 1000.0
        );
    }
    loop {
        if app.visible_text().await.contains(shows) {
            paints.seen.push(app.requested_at.elapsed());
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
        if t.len() == 10 {
            t[0] -= launched_unix_ms;
            t.remove(9);
            // The status marks are -1 on a page without them (hello-world): its first
            // contentful paint is its whole content. spotkey's status is on screen once
            // the frame after it was drawn is done (its first paint may be an earlier one).
            let paint = t[0] + t[5].max(t[7]);
            if t[0] >= 0.0 && t[5] >= 0.0 && paint.is_finite() {
                paints.painted.push(Duration::from_secs_f64(paint / 1000.0));
            }
            paints.timelines.push(t);
        }
    }
    if std::env::var_os("DESKTOP_BENCH_LOG").is_some() {
        for line in app.driver_log().lines().filter(|l| l.contains("start-up")) {
            eprintln!("bench: {line}");
        }
    }
    if memory {
        tokio::time::sleep(SETTLE).await;
        let open = app_only(app.processes());
        if paints.mib.is_empty() {
            println!(
                "    {} with its window open: {}",
                program.display(),
                each_pss(&open)
            );
        }
        paints.mib.push(pss_mib(&open));
        paints.uss.push(uss_mib(&open));
    }
    app.quit().await;
}

/// "name 12 MiB, …": where the memory is, process by process.
fn each_pss(processes: &[(u32, String)]) -> String {
    let each: Vec<String> = processes
        .iter()
        .map(|p| {
            let one = std::slice::from_ref(p);
            format!("{} {:.0} MiB (USS {:.0})", p.1, pss_mib(one), uss_mib(one))
        })
        .collect();
    each.join(", ")
}

fn print_timeline(timelines: &[Vec<f64>]) {
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
    // Start-up time moves from run to run on these machines: each run's, in the order run, so
    // that a median can be told from a few slow starts.
    let starts: Vec<String> = timelines.iter().map(|t| format!("{:.0}", t[0])).collect();
    println!("      navigation start, each run: {}", starts.join(" "));
}

fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn median_f(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn mib_report(label: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (
        sorted.first().unwrap_or(&0.0),
        sorted.last().unwrap_or(&0.0),
    );
    println!(
        "{label}: median {:.0} MiB, min {min:.0}, max {max:.0} (n={})",
        median_f(samples),
        sorted.len()
    );
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
