//! The floor of a whole sign-in that keeps its grant in the keychain, as one process: bind a
//! loopback listener, print the authorize link (PKCE), take one callback, answer it, POST the
//! code, and write the token response to the Secret Service as one item. No configuration,
//! no checks, no cleanup: nothing a real sign-in may skip is skipped less. Arguments:
//! `<accounts base URL> <client id> <keychain service>`.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::ExitCode;

use base64::Engine;
use sha2::Digest;

fn main() -> ExitCode {
    match sign_in() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("floor-login: {e}");
            ExitCode::from(2)
        }
    }
}

fn sign_in() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [accounts, client_id, service] = args.as_slice() else {
        return Err("usage: floor-login ACCOUNTS_URL CLIENT_ID KEYCHAIN_SERVICE".into());
    };
    let accounts = accounts.trim_end_matches('/');
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let redirect = format!("http://127.0.0.1:{}/callback", listener.local_addr()?.port());
    let verifier = "floor-verifier-".repeat(4);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let challenge = b64.encode(sha2::Sha256::digest(verifier.as_bytes()));
    eprintln!(
        "{accounts}/authorize?client_id={client_id}&response_type=code&redirect_uri={}\
         &code_challenge_method=S256&code_challenge={challenge}&state=floor",
        encode(&redirect)
    );
    let (stream, _) = listener.accept()?;
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let code = request_line
        .split(['?', '&', ' '])
        .find_map(|part| part.strip_prefix("code="))
        .ok_or("no code in the callback")?
        .to_string();
    (&stream).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")?;
    drop(stream);
    let body = ureq::post(&format!("{accounts}/api/token"))
        .send_form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &redirect),
            ("client_id", client_id),
            ("code_verifier", &verifier),
        ])?
        .into_string()?;
    keyring::Entry::new(service, "session")?.set_password(&body)?;
    Ok(())
}

/// Percent-encodes a redirect URI for a query (all it holds is ASCII letters, digits, `:/.`).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
