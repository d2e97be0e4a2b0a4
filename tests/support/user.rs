//! A scripted user at a browser: opens the authorize URL, "approves" (the fake decides), and
//! follows the redirect to spotkey's loopback listener, remembering the page it ends on.
use std::sync::{Arc, Mutex};

use spotkey::auth::Browser;

#[derive(Clone, Default)]
pub struct ScriptedUser {
    /// Every URL spotkey asked the browser to open.
    pub opened: Arc<Mutex<Vec<String>>>,
    /// The last page the browser showed: (status, body).
    pub landed: Arc<Mutex<Option<(u16, String)>>>,
}

impl ScriptedUser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The page the browser ended on, once it has loaded (waits up to 15 s).
    pub async fn landed(&self) -> Option<(u16, String)> {
        for _ in 0..1500 {
            if let Some(page) = self.landed.lock().unwrap().clone() {
                return Some(page);
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        None
    }

    pub fn opened_count(&self) -> usize {
        self.opened.lock().unwrap().len()
    }
}

impl Browser for ScriptedUser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.opened.lock().unwrap().push(url.to_string());
        let (url, landed) = (url.to_string(), Arc::clone(&self.landed));
        tokio::runtime::Handle::current().spawn(async move {
            let page = follow(&url).await;
            *landed.lock().unwrap() = page;
        });
        Ok(())
    }
}

/// A browser that does nothing: the user walked away (or opened the link elsewhere).
pub struct IdleUser;

impl Browser for IdleUser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// GET the URL and follow redirects by hand (up to 5), like a browser; None on a transport error.
pub async fn follow(url: &str) -> Option<(u16, String)> {
    let client = http();
    let mut url = url.to_string();
    for _ in 0..5 {
        let response = client.get(&url).send().await.ok()?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            url = response
                .headers()
                .get("location")?
                .to_str()
                .ok()?
                .to_string();
            continue;
        }
        return Some((status, response.text().await.unwrap_or_default()));
    }
    None
}

/// The redirect URI spotkey put in an authorize URL.
pub fn redirect_uri_of(authorize_url: &str) -> String {
    let url = url::Url::parse(authorize_url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

pub fn state_of(authorize_url: &str) -> String {
    let url = url::Url::parse(authorize_url).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}
