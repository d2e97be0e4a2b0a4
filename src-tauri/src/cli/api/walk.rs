//! `--paginate`: the first answer's list, then every `next` page's, printed as one JSON array
//! while the pages arrive (at most two pages are held at a time). A `next` link outside the
//! Web API is refused before anything is sent to it. When a later page fails, the array is
//! left open, so a partial list can never pass for a whole one.
use serde_json::Value;
use url::Url;

use super::origin::ApiBase;
use super::output::{self, Style};
use super::paginate::{self, Kind, Visited};
use super::request::Prepared;
use super::send::{Failure, Sender};
use super::{print_answer, verdict, ApiArgs};

pub async fn run(
    sender: &mut Sender<'_>,
    base: &ApiBase,
    first: &Prepared,
    args: &ApiArgs,
    style: Style,
) -> Result<u8, Failure> {
    let mut visited = Visited::default();
    visited.admit(first.url.as_str()).map_err(Failure::Line)?;
    let answer = sender.send(first).await?;
    let page = serde_json::from_slice::<Value>(&answer.body).ok();
    let kinds = page.as_ref().map(paginate::kinds).unwrap_or_default();
    if !answer.status.is_success() || kinds.is_empty() {
        // An error, or not a list: shown as it is.
        print_answer(&answer, args, style)?;
        return Ok(verdict(&answer));
    }
    if args.include {
        super::write_out(output::head(answer.version, answer.status, &answer.headers).as_bytes())?;
    }
    let page = page.unwrap_or_default();
    let mut array = ArrayOut::new(style, args.silent);
    array.write("[")?;
    for kind in kinds {
        let mut current = page.clone();
        loop {
            let Some(paging) = paginate::paging(&current, &kind) else {
                return Err(Failure::Line(not_a_page(&kind)));
            };
            array.items(paging.items)?;
            let Some(next) = paging.next else { break };
            let request = next_request(base, first, next, &mut visited)?;
            let answer = sender.send(&request).await?;
            if !answer.status.is_success() {
                return Ok(verdict(&answer));
            }
            current = serde_json::from_slice(&answer.body)
                .map_err(|_| Failure::Line(not_a_page(&kind)))?;
        }
    }
    array.write(if array.count > 0 && style != Style::Pipe {
        "\n]\n"
    } else {
        "]\n"
    })?;
    Ok(super::EXIT_OK)
}

/// The GET for a `next` link, if the token may go there and it was not read before.
fn next_request(
    base: &ApiBase,
    first: &Prepared,
    next: &str,
    visited: &mut Visited,
) -> Result<Prepared, Failure> {
    let url = Url::parse(next)
        .map_err(|_| Failure::Line("Spotify's `next` link is not a URL; stopped there".into()))?;
    if !base.allows(&url) {
        return Err(Failure::Line(base.refusal(&url, "the next page, ")));
    }
    visited.admit(url.as_str()).map_err(Failure::Line)?;
    Ok(Prepared {
        url,
        body: None,
        ..first.clone()
    })
}

fn not_a_page(kind: &Kind) -> String {
    let what = kind
        .as_deref()
        .map(|k| format!(" `{}` list", crate::inert::line(k, crate::inert::NAME)))
        .unwrap_or_default();
    format!("a later page of the{what} answer is not a Spotify paging object; stopped there")
}

/// The streamed array: `[`, the items as they come, `]`.
struct ArrayOut {
    style: Style,
    silent: bool,
    count: usize,
}

impl ArrayOut {
    fn new(style: Style, silent: bool) -> Self {
        Self {
            style,
            silent,
            count: 0,
        }
    }

    fn items(&mut self, items: &[Value]) -> Result<(), Failure> {
        let mut out = String::new();
        for item in items {
            out.push_str(if self.count == 0 { "" } else { "," });
            if self.style != Style::Pipe {
                out.push('\n');
                output::push_indent(&mut out, 1);
            }
            out.push_str(&output::value(item, self.style, 1));
            self.count = self.count.saturating_add(1);
        }
        self.write(&out)
    }

    fn write(&mut self, text: &str) -> Result<(), Failure> {
        if self.silent || text.is_empty() {
            return Ok(());
        }
        super::write_out(text.as_bytes())
    }
}
