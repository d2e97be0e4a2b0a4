//! Drives `spotkey login --no-browser` like a person at a terminal: reads the printed link,
//! opens it (scripted browser), and collects what the command printed and its exit code.
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use super::user;

pub struct Finished {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` (a `spotkey login …` command); when it prints the link, follows it.
pub async fn login_following_the_link(cmd: Command) -> Finished {
    login_with_input(cmd, None).await
}

/// `cmd login --no-browser`, the link followed.
pub async fn login_without_browser(mut cmd: Command) -> Finished {
    cmd.args(["login", "--no-browser"]);
    login_following_the_link(cmd).await
}

/// Same, with `input` written to the command's standard input first.
pub async fn login_with_input(cmd: Command, input: Option<&[u8]>) -> Finished {
    login_answering(cmd, input, |url| async move {
        user::follow(&url).await;
    })
    .await
}

/// Runs `cmd`; when it prints the link, hands it to `answer` (a browser of the test's making).
pub async fn login_answering<F, Fut>(mut cmd: Command, input: Option<&[u8]>, answer: F) -> Finished
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(stdin)
        .spawn()
        .unwrap();
    if let (Some(bytes), Some(mut pipe)) = (input, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(bytes).unwrap();
    }
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut tx = Some(tx);
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line
                .trim()
                .strip_prefix("http")
                .map(|rest| format!("http{rest}"))
            {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(url);
                }
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if let Ok(url) = rx.await {
        answer(url).await;
    }
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    Finished {
        code,
        stdout,
        stderr: reader.join().unwrap(),
    }
}

pub fn run(cmd: &mut Command) -> Finished {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    Finished {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Runs `cmd` but never waits past `limit`: a command still running then is killed, and the
/// test gets `Err` with what it had printed, instead of hanging with it.
pub fn run_within(cmd: &mut Command, limit: std::time::Duration) -> Result<Finished, String> {
    run_within_input(cmd, b"", limit)
}

/// `run_within`, with `input` on the command's standard input.
pub fn run_within_input(
    cmd: &mut Command,
    input: &[u8],
    limit: std::time::Duration,
) -> Result<Finished, String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(mut pipe) = child.stdin.take() {
        use std::io::Write;
        // A command that does not read its input may close it first: not a failure.
        let _ = pipe.write_all(input);
    }
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    match status {
        Some(status) => Ok(Finished {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }),
        None => Err(format!(
            "still running after {limit:?}; it printed: {stdout}{stderr}"
        )),
    }
}
