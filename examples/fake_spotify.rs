//! Standalone fake Spotify (accounts service and Web API: /v1/me, playlists, following, search,
//! the player; consent page included) for manual runs and UI tests. Prints
//! `accounts=<url> api=<url>` and serves until killed.
//!
//! `cargo run --example fake_spotify -- [--port N]`; env `FAKE_CLIENT_ID` (default `demo-client`),
//! optional `FAKE_CLIENT_SECRET`, optional `FAKE_REDIRECT_URIS` (comma-separated, default
//! `http://127.0.0.1/callback,http://[::1]/callback`), `FAKE_CONSENT=approve` to approve every
//! request at once (benchmarks) instead of showing the consent page.

#[path = "../tests/support/fake_spotify/mod.rs"]
mod fake_spotify;

use std::io::Write;

use fake_spotify::{Consent, FakeClient, FakeConfig, FakeSpotify};

fn main() {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("fake_spotify: {message}\nusage: fake_spotify [--port N]");
            std::process::exit(2);
        }
    };
    let fake = FakeSpotify::start_on(config(), port);
    println!("accounts={} api={}", fake.accounts_url(), fake.api_url());
    std::io::stdout().flush().expect("flush stdout");
    loop {
        std::thread::park();
    }
}

fn config() -> FakeConfig {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let redirect_uris = env("FAKE_REDIRECT_URIS")
        .unwrap_or_else(|| "http://127.0.0.1/callback,http://[::1]/callback".into());
    let client = FakeClient {
        id: env("FAKE_CLIENT_ID").unwrap_or_else(|| "demo-client".into()),
        secret: env("FAKE_CLIENT_SECRET"),
        redirect_uris: redirect_uris
            .split(',')
            .map(|u| u.trim().to_owned())
            .collect(),
    };
    FakeConfig {
        clients: vec![client],
        consent: match env("FAKE_CONSENT").as_deref() {
            Some("approve") => Consent::Approve,
            _ => Consent::Page,
        },
        ..FakeConfig::default()
    }
}

fn parse_port(mut args: impl Iterator<Item = String>) -> Result<u16, String> {
    let mut port = 0;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args.next().ok_or("--port needs a value")?,
            _ => match arg.strip_prefix("--port=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument {arg:?}")),
            },
        };
        port = value.parse().map_err(|_| format!("bad port {value:?}"))?;
    }
    Ok(port)
}
