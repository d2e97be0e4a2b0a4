//! Spotify's paging objects as the Web API documents them: offset-based
//! (`href, items, limit, next, offset, previous, total`) and cursor-based
//! (`href, items, limit, next, cursors: {after}, total`), with its 400s for a bad
//! `limit` or `offset`. `next`/`previous` are absolute URLs on the fake (or on the host a test
//! points them to).

use serde_json::{json, Value};

use super::server::{json_reply, web_api_error, Reply};
use super::Recorded;

/// Spotify's default and largest page size.
pub(super) const DEFAULT_LIMIT: usize = 20;
pub(super) const MAX_LIMIT: usize = 50;

/// `limit` (1–50, default 20) and `offset` (0–100000, default 0), or Spotify's 400.
pub(super) fn window(rq: &Recorded) -> Result<(usize, usize), Reply> {
    let limit = number(rq, "limit", DEFAULT_LIMIT, 1..=MAX_LIMIT, "Invalid limit")?;
    let offset = number(rq, "offset", 0, 0..=100_000, "Invalid offset")?;
    Ok((limit, offset))
}

pub(super) fn number(
    rq: &Recorded,
    name: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
    message: &str,
) -> Result<usize, Reply> {
    match rq.query.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| json_reply(400, &web_api_error(400, message))),
    }
}

/// `base` + `path` with `params` as the query, as Spotify writes its links.
pub(super) fn link(base: &str, path: &str, params: &[(&str, String)]) -> String {
    let mut url = url::Url::parse(&format!("{base}{path}")).expect("valid link");
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

/// One offset page of `all`. `params` are the request's other query parameters, kept in links.
pub(super) fn offset_page(
    all: &[Value],
    (limit, offset): (usize, usize),
    base: &str,
    path: &str,
    params: &[(&str, String)],
) -> Value {
    let at = |offset: usize| {
        let mut p = params.to_vec();
        p.push(("offset", offset.to_string()));
        p.push(("limit", limit.to_string()));
        link(base, path, &p)
    };
    let items: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
    let next = (offset + limit < all.len()).then(|| at(offset + limit));
    let previous = (offset > 0).then(|| at(offset.saturating_sub(limit)));
    json!({
        "href": at(offset),
        "items": items,
        "limit": limit,
        "next": next,
        "offset": offset,
        "previous": previous,
        "total": all.len(),
    })
}

/// One cursor page of `all` (each item has an `id`): the items after the one with id `after`.
pub(super) fn cursor_page(
    all: &[Value],
    after: Option<&str>,
    limit: usize,
    base: &str,
    path: &str,
    params: &[(&str, String)],
) -> Value {
    let start = after
        .and_then(|id| all.iter().position(|item| item["id"] == id))
        .map_or(0, |i| i + 1);
    let items: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
    let last = items
        .last()
        .and_then(|item| item["id"].as_str())
        .map(str::to_owned);
    let more = start + items.len() < all.len();
    let with = |extra: Vec<(&'static str, String)>| {
        let mut p = params.to_vec();
        p.extend(extra);
        p.push(("limit", limit.to_string()));
        link(base, path, &p)
    };
    let next = last
        .clone()
        .filter(|_| more)
        .map(|id| with(vec![("after", id)]));
    let href = with(
        after
            .map(|a| vec![("after", a.to_owned())])
            .unwrap_or_default(),
    );
    json!({
        "href": href,
        "items": items,
        "limit": limit,
        "next": next,
        "cursors": {"after": if more { last } else { None }},
        "total": all.len(),
    })
}
