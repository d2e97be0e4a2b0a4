//! `spotkey api <path>`: the Spotify Web API for scripts, like `gh api` — the account's token,
//! a refresh after a 401, Retry-After and 5xx waits, `next` links followed, and the token sent
//! only to the Web API. Exit 0 on 2xx, 1 when signed out, 2 for anything else.
mod args;
mod fields;
mod origin;
mod output;
mod paginate;
mod request;
mod retry;
mod send;
mod walk;

use std::io::{IsTerminal, Read, Write};

use reqwest::Method;

use super::{report, EXIT_ERROR, EXIT_OK};
use crate::auth::Overrides;
use crate::inert;
pub use args::{ApiArgs, ApiCall};
use origin::ApiBase;
use output::Style;
use request::{Prepared, MAX_BODY};
use send::{Answer, Failure, Sender};

pub async fn run(call: ApiCall) -> u8 {
    let args = &call.args;
    let account = match super::open_account(&Overrides::default()) {
        Ok(account) => account,
        Err(e) => return report(&e),
    };
    let base = ApiBase::new(account.config().endpoints.api.clone());
    let request = match prepare(&call, &base) {
        Ok(request) => request,
        Err(line) => return refuse(&line),
    };
    if args.paginate && request.method != Method::GET {
        return refuse("--paginate follows the pages of a GET; with fields, add -X GET");
    }
    let result = match Sender::new(&account, &base) {
        Ok(mut sender) if args.paginate => {
            walk::run(&mut sender, &base, &request, args, style()).await
        }
        Ok(mut sender) => single(&mut sender, &request, args, style()).await,
        Err(failure) => Err(failure),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Auth(e)) => report(&e),
        Err(Failure::Line(line)) => refuse(&line),
        Err(Failure::Closed) => EXIT_ERROR,
    }
}

/// The request the command line describes; files and standard input read here, bounded.
fn prepare(call: &ApiCall, base: &ApiBase) -> Result<Prepared, String> {
    let args = &call.args;
    let url = base.resolve(&args.endpoint)?;
    let mut stdin_taken = false;
    let mut read = |path: &str| {
        let bytes = read_source(path, &mut stdin_taken)?;
        String::from_utf8(bytes).map_err(|_| {
            format!(
                "{} is not UTF-8 text; send it with --input",
                inert::line(path, inert::PATH)
            )
        })
    };
    let mut list = Vec::new();
    for field in &call.fields {
        list.push(fields::parse(&field.raw, field.typed, &mut read)?);
    }
    let input = match &args.input {
        Some(path) => Some(read_source(path, &mut stdin_taken)?),
        None => None,
    };
    request::prepare(args.method.as_deref(), url, list, input, &args.headers)
}

/// A file's bytes, or standard input's for `-` (once), at most `MAX_BODY`.
fn read_source(path: &str, stdin_taken: &mut bool) -> Result<Vec<u8>, String> {
    let shown = inert::line(path, inert::PATH);
    let reader: Box<dyn Read> = if path == "-" {
        if std::mem::replace(stdin_taken, true) {
            return Err("standard input can be read only once (one @- or --input -)".into());
        }
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(path).map_err(|e| {
            format!(
                "cannot read {shown}: {}",
                inert::line(&e.to_string(), inert::DESCRIPTION)
            )
        })?;
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            format!(
                "cannot read {shown}: {}",
                inert::line(&e.to_string(), inert::DESCRIPTION)
            )
        })?;
    if bytes.len() > MAX_BODY {
        return Err(request::too_big(if path == "-" {
            "standard input"
        } else {
            &shown
        }));
    }
    Ok(bytes)
}

async fn single(
    sender: &mut Sender<'_>,
    request: &Prepared,
    args: &ApiArgs,
    style: Style,
) -> Result<u8, Failure> {
    let answer = sender.send(request).await?;
    print_answer(&answer, args, style)?;
    Ok(verdict(&answer))
}

/// `--include`'s head, then the body unless `--silent`.
fn print_answer(answer: &Answer, args: &ApiArgs, style: Style) -> Result<(), Failure> {
    let mut out = Vec::new();
    if args.include {
        out.extend(output::head(answer.version, answer.status, &answer.headers).into_bytes());
    }
    if !args.silent && !answer.body.is_empty() {
        out.extend(output::body(&answer.body, style));
    }
    write_out(&out)
}

/// Exit 0 for a 2xx; otherwise one line with the status and Spotify's message, and exit 2.
fn verdict(answer: &Answer) -> u8 {
    if answer.status.is_success() {
        return EXIT_OK;
    }
    let status = answer.status;
    let reason = status.canonical_reason().unwrap_or("error");
    let message = spotify_message(&answer.body)
        .map(|m| format!(": {}", inert::line(&m, inert::DESCRIPTION)))
        .unwrap_or_default();
    eprintln!(
        "spotkey: Spotify answered HTTP {} ({reason}){message}",
        status.as_u16()
    );
    EXIT_ERROR
}

/// `{"error": {"message": …}}` (Web API) or `{"error_description": …}` (accounts service).
fn spotify_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("error_description"))?;
    message
        .as_str()
        .filter(|m| !m.trim().is_empty())
        .map(str::to_owned)
}

fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Line(format!("cannot write the answer: {e}")),
        })
}

fn style() -> Style {
    if !std::io::stdout().is_terminal() {
        return Style::Pipe;
    }
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    Style::Terminal { colour }
}

fn refuse(line: &str) -> u8 {
    eprintln!("spotkey: {}", inert::line(line, inert::SENTENCE));
    EXIT_ERROR
}
