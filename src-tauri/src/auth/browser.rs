//! Opening the authorize URL in the user's own browser (RFC 8252 §8.12: never an embedded
//! webview). A hook, so tests script a user instead. Failure is not fatal: the caller always
//! shows the URL too.
use std::process::{Command, Stdio};

pub trait Browser: Send + Sync {
    /// Starts opening `url` and returns without waiting for the user.
    fn open(&self, url: &str) -> Result<(), String>;
}

/// `$BROWSER` when set (a `:`-separated list, `%s` replaced by the URL), else the platform
/// opener: xdg-open, open, or `cmd /c start`.
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        let from_env = std::env::var("BROWSER")
            .ok()
            .filter(|v| !v.trim().is_empty());
        let candidates: Vec<Vec<String>> = match from_env {
            Some(list) => list
                .split(':')
                .filter(|c| !c.trim().is_empty())
                .map(|c| browser_command(c, url))
                .collect(),
            None => vec![platform_opener(url)],
        };
        let mut last_error = String::from("no browser command");
        for argv in candidates {
            match spawn_detached(&argv) {
                Ok(()) => return Ok(()),
                Err(e) => last_error = format!("{}: {e}", argv[0]),
            }
        }
        Err(format!("could not start a browser ({last_error})"))
    }
}

/// No browser at all (`--no-browser`, or headless machines): the URL is only shown.
pub struct NoBrowser;

impl Browser for NoBrowser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }
}

fn browser_command(spec: &str, url: &str) -> Vec<String> {
    let mut argv: Vec<String> = spec.split_whitespace().map(String::from).collect();
    if argv.iter().any(|a| a.contains("%s")) {
        for a in &mut argv {
            *a = a.replace("%s", url);
        }
    } else {
        argv.push(url.to_string());
    }
    argv
}

fn platform_opener(url: &str) -> Vec<String> {
    let argv: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(target_os = "windows") {
        &["cmd", "/c", "start", ""]
    } else {
        &["xdg-open"]
    };
    argv.iter()
        .map(|s| s.to_string())
        .chain([url.to_string()])
        .collect()
}

fn spawn_detached(argv: &[String]) -> std::io::Result<()> {
    let mut child = crate::own_env::as_given(&mut Command::new(&argv[0]))
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // The opener may live as long as the browser: reap it on a side thread, never block on it.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_variable_supports_placeholder_and_plain_commands() {
        assert_eq!(
            browser_command("firefox --new-tab %s", "http://x"),
            vec!["firefox", "--new-tab", "http://x"]
        );
        assert_eq!(browser_command("w3m", "http://x"), vec!["w3m", "http://x"]);
    }
}
