//! Benchmark (prints figures; asserts nothing): against the fake Spotify on 127.0.0.1 and the
//! real keychain (run it with `make bench`, which provides an unlocked GNOME Keyring).
//!  (a) sign-in: callback received → refresh token stored (median, p95)
//!  (b) the floor: one token POST + one keychain write (+ a read), done directly
//!  (c) a whole `spotkey login` process, link to exit
//!  (d) `spotkey status` with a stored grant
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use spotkey::auth::sign_in::Quiet;
use spotkey::auth::{CancelHandle, CredentialStore, KeychainStore};
use support::cli_user::{login_following_the_link, run};
use support::fake_spotify::FakeSpotify;
use support::home::TestHome;
use support::user::ScriptedUser;

const RUNS: usize = 30;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fake = FakeSpotify::start();
        println!("spotkey sign-in benchmark: {RUNS} runs each, fake Spotify on 127.0.0.1, real Secret Service");
        let sign_in = callback_to_stored(&fake).await;
        report("(a) callback received -> refresh token stored", &sign_in);
        let floor = floor(&fake).await;
        report("(b) floor: token POST + keychain write", &floor.0);
        report("    floor: keychain read", &floor.1);
        println!("    ratio (a)/(b) medians: {:.2}", median(&sign_in).as_secs_f64() / median(&floor.0).as_secs_f64());
        report("(c) whole `spotkey login` process", &whole_login(&fake).await);
        report("(d) `spotkey status` with a stored grant", &status(&fake).await);
    });
}

async fn callback_to_stored(fake: &FakeSpotify) -> Vec<Duration> {
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let home = TestHome::new();
        let outcome = home
            .account(fake)
            .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
            .await
            .unwrap();
        samples.push(outcome.callback_to_stored);
        home.account(fake).sign_out().await.unwrap();
    }
    samples
}

/// The least any sign-in must do after the callback: one token request over a warm client
/// and one keychain write of the same size. A refresh in the secret flow is one such POST.
async fn floor(fake: &FakeSpotify) -> (Vec<Duration>, Vec<Duration>) {
    let home = TestHome::new();
    let mut config = home.config(fake, "test-client");
    config.client_secret = Some(spotkey::auth::secret::ClientSecret::new("test-secret"));
    let account = home.account_with(config.clone());
    account
        .sign_in(&ScriptedUser::new(), &Quiet, &CancelHandle::new())
        .await
        .unwrap();
    let refresh_token = account
        .vault()
        .load_session()
        .await
        .unwrap()
        .unwrap()
        .refresh_token;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let store = KeychainStore::new(home.service.clone());
    let blob = "x".repeat(400);
    let (mut writes, mut reads) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        let response = client
            .post(format!("{}/api/token", fake.accounts_url()))
            .basic_auth("test-client", Some("test-secret"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
            ])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
        let store_ref = &store;
        tokio::task::block_in_place(|| store_ref.set("floor", &blob)).unwrap();
        writes.push(start.elapsed());
        let start = Instant::now();
        tokio::task::block_in_place(|| store_ref.get("floor")).unwrap();
        reads.push(start.elapsed());
    }
    store.delete("floor").unwrap();
    account.sign_out().await.unwrap();
    (writes, reads)
}

async fn whole_login(fake: &FakeSpotify) -> Vec<Duration> {
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let home = TestHome::new();
        let mut cmd = home.cli(fake);
        cmd.args(["login", "--no-browser"]);
        let start = Instant::now();
        let out = login_following_the_link(cmd).await;
        samples.push(start.elapsed());
        assert_eq!(out.code, 0, "{}", out.stderr);
        run(home.cli(fake).arg("logout"));
    }
    samples
}

async fn status(fake: &FakeSpotify) -> Vec<Duration> {
    let home = TestHome::new();
    let mut cmd = home.cli(fake);
    cmd.args(["login", "--no-browser"]);
    login_following_the_link(cmd).await;
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = run(home.cli(fake).arg("status"));
        samples.push(start.elapsed());
        assert_eq!(out.code, 0);
    }
    run(home.cli(fake).arg("logout"));
    samples
}

fn median(samples: &[Duration]) -> Duration {
    percentile(samples, 50)
}

fn percentile(samples: &[Duration], p: usize) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) * p) / 100]
}

fn report(label: &str, samples: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<48} median {:7.2} ms   p95 {:7.2} ms   min {:7.2} ms",
        ms(median(samples)),
        ms(percentile(samples, 95)),
        ms(*samples.iter().min().unwrap())
    );
}
