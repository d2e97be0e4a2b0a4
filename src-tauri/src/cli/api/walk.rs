//! `--paginate`: the first answer's list, then every `next` page's, printed as one JSON array
//! while the pages arrive (at most two pages are held at a time). A `next` link outside the
//! Web API is refused before anything is sent to it. When a later page fails, the array is
//! left open, so a partial list can never pass for a whole one.
use serde_json::Value;

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
    let page = serde_json::from_slice::<Value>(&answer.body).unwrap_or_default();
    let kinds = paginate::kinds(&page);
    if !answer.status.is_success() || kinds.is_empty() {
        // An error, or not a list: shown as it is.
        print_answer(&answer, args, style)?;
        return Ok(verdict(&answer));
    }
    if args.include {
        super::write_out(output::head(answer.version, answer.status, &answer.headers).as_bytes())?;
    }
    let mut walk = Walk {
        sender,
        base,
        first,
        visited,
        array: ArrayOut::new(style, args.silent),
    };
    walk.array.write("[")?;
    for kind in kinds {
        if let Some(code) = walk.follow(&kind, page.clone()).await? {
            return Ok(code);
        }
    }
    walk.array.close()?;
    Ok(super::EXIT_OK)
}

/// One `--paginate` under way.
struct Walk<'w, 'a> {
    sender: &'w mut Sender<'a>,
    base: &'w ApiBase,
    first: &'w Prepared,
    visited: Visited,
    array: ArrayOut,
}

impl Walk<'_, '_> {
    /// Prints the items of `kind`'s list from `page` on, following its `next` links. Some exit
    /// code when a page was refused with an HTTP error (already said on stderr).
    async fn follow(&mut self, kind: &Kind, mut page: Value) -> Result<Option<u8>, Failure> {
        loop {
            let Some(paging) = paginate::paging(&page, kind) else {
                return Err(Failure::Line(not_a_page(kind)));
            };
            self.array.items(paging.items)?;
            let Some(next) = paging.next else {
                return Ok(None);
            };
            let request = next_request(self.base, self.first, next, &mut self.visited)?;
            let answer = self.sender.send(&request).await?;
            if !answer.status.is_success() {
                return Ok(Some(verdict(&answer)));
            }
            page = serde_json::from_slice(&answer.body)
                .map_err(|_| Failure::Line(not_a_page(kind)))?;
        }
    }
}

/// The GET for a `next` link, if the token may go there and it was not read before.
fn next_request(
    base: &ApiBase,
    first: &Prepared,
    next: &str,
    visited: &mut Visited,
) -> Result<Prepared, Failure> {
    // Spotify's links are absolute; a relative one is read against the first page's URL.
    let url = first
        .url
        .join(next)
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

    fn close(&mut self) -> Result<(), Failure> {
        let pretty = self.count > 0 && self.style != Style::Pipe;
        self.write(if pretty { "\n]\n" } else { "]\n" })
    }

    fn write(&mut self, text: &str) -> Result<(), Failure> {
        if self.silent || text.is_empty() {
            return Ok(());
        }
        super::write_out(text.as_bytes())
    }
}
