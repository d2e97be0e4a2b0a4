//! Reading Spotify's paging objects: `{"items": […], "next": url|null, …}` at the top level
//! (`/me/playlists`, `/me/player/recently-played`, whose `next` carries the cursor) or nested
//! under a kind (`/search` → `{"artists": {…}, "tracks": {…}}`, `/me/following` →
//! `{"artists": {…, "cursors": {"after": …}}}`). And the bounds on following `next` links.
//! Pure.
use std::collections::HashSet;

use serde_json::Value;

/// The most pages one `--paginate` follows (Spotify's lists end long before).
pub const MAX_PAGES: usize = 1000;

/// Where a page's list is: the page itself, or one of its fields (the kind, e.g. `artists`).
pub type Kind = Option<String>;

/// One paging object's items and its link to the next page.
#[derive(Debug, PartialEq)]
pub struct Paging<'a> {
    pub items: &'a [Value],
    pub next: Option<&'a str>,
}

/// The paging object of `kind` in `page`, if that is one: an `items` array beside a `next`
/// that is a string or null.
pub fn paging<'a>(page: &'a Value, kind: &Kind) -> Option<Paging<'a>> {
    let object = match kind {
        Some(kind) => page.get(kind.as_str())?,
        None => page,
    };
    let items = object.get("items")?.as_array()?;
    let next = match object.get("next")? {
        Value::Null => None,
        Value::String(url) => Some(url.as_str()),
        _ => return None,
    };
    Some(Paging { items, next })
}

/// The lists in a first page: the page itself when it is a paging object, else each field
/// that is one, in the order of their names (`/search?type=artist,track`: albums, artists,
/// …, tracks; each followed to its end before the next). Empty: not a paged answer.
pub fn kinds(page: &Value) -> Vec<Kind> {
    if paging(page, &None).is_some() {
        return vec![None];
    }
    let Some(object) = page.as_object() else {
        return Vec::new();
    };
    object
        .keys()
        .map(|key| Some(key.clone()))
        .filter(|kind| paging(page, kind).is_some())
        .collect()
}

/// The pages a `--paginate` has asked for: no page twice (a `next` that loops ends), and at
/// most `MAX_PAGES`.
#[derive(Debug, Default)]
pub struct Visited {
    urls: HashSet<String>,
}

impl Visited {
    /// Records `url` as asked for.
    ///
    /// # Errors
    /// The line to show when the link was followed before or the page limit is reached.
    pub fn admit(&mut self, url: &str) -> Result<(), String> {
        if self.urls.len() >= MAX_PAGES {
            return Err(format!(
                "stopped after {MAX_PAGES} pages; Spotify's lists are never that long"
            ));
        }
        if !self.urls.insert(url.to_owned()) {
            return Err(
                "Spotify's `next` link points to a page already read; stopped there".into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_top_level_paging_object_is_found() {
        let page = json!({"href": "h", "items": [1, 2], "limit": 2, "next": "n", "offset": 0, "previous": null, "total": 5});
        assert_eq!(kinds(&page), vec![None]);
        assert_eq!(
            paging(&page, &None),
            Some(Paging {
                items: &[json!(1), json!(2)],
                next: Some("n")
            })
        );
        let last = json!({"items": [], "next": null});
        assert_eq!(paging(&last, &None).unwrap().next, None);
    }

    #[test]
    fn nested_and_cursor_paging_objects_are_found_by_kind() {
        let search = json!({"tracks": {"items": [3], "next": null}, "artists": {"items": [1], "next": "a2"}});
        assert_eq!(
            kinds(&search),
            vec![Some("artists".into()), Some("tracks".into())]
        );
        let following =
            json!({"artists": {"items": [1], "next": "n", "cursors": {"after": "x"}, "total": 3}});
        let kind = Some("artists".to_string());
        assert_eq!(kinds(&following), vec![kind.clone()]);
        assert_eq!(paging(&following, &kind).unwrap().next, Some("n"));
    }

    #[test]
    fn other_answers_are_not_paged() {
        for page in [
            json!({"id": "u1"}),
            json!([1, 2]),
            json!("text"),
            json!({"items": [1]}),
            json!({"items": {}, "next": null}),
            json!({"items": [1], "next": 5}),
            json!({"album": {"id": "a"}}),
        ] {
            assert!(kinds(&page).is_empty(), "{page}");
        }
    }

    #[test]
    fn a_loop_or_an_endless_list_ends() {
        let mut visited = Visited::default();
        visited.admit("a").unwrap();
        assert!(visited.admit("a").is_err());
        for n in 1..MAX_PAGES {
            visited.admit(&n.to_string()).unwrap();
        }
        assert!(visited.admit("new").unwrap_err().contains("1000"));
    }
}
