//! rspotify's command-line sign-in (PKCE, its `cli` feature) pointed at a fake accounts
//! service: prints the authorize link, waits for the redirect on its loopback listener (with a
//! loopback redirect URI rspotify listens; otherwise it asks for the URL on stdin), exchanges
//! the code and writes the token to a plain JSON file (rspotify's token cache). Arguments:
//! `<accounts base URL> <api base URL> <client id> <port> <token file>`.
use std::process::ExitCode;

use rspotify::{prelude::*, scopes, AuthCodePkceSpotify, Config, Credentials, OAuth};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [accounts, api, client_id, port, cache] = args.as_slice() else {
        eprintln!("usage: rspotify-login ACCOUNTS_URL API_URL CLIENT_ID PORT TOKEN_FILE");
        return ExitCode::from(2);
    };
    let config = Config {
        auth_base_url: format!("{}/", accounts.trim_end_matches('/')),
        api_base_url: format!("{}/", api.trim_end_matches('/')),
        token_cached: true,
        cache_path: cache.into(),
        ..Default::default()
    };
    let oauth = OAuth {
        redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        scopes: scopes!("user-read-private", "user-read-email"),
        ..Default::default()
    };
    let mut spotify = AuthCodePkceSpotify::with_config(Credentials::new_pkce(client_id), oauth, config);
    let signed_in = spotify
        .get_authorize_url(None)
        .and_then(|url| spotify.prompt_for_token(&url));
    match signed_in {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rspotify-login: {e}");
            ExitCode::from(2)
        }
    }
}
