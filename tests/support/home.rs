//! A throwaway user for one test: its own XDG dirs and its own keychain service name, in the
//! real Secret Service that `make test` provides (scripts/test-env.sh). Tests never share state.
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use spotkey::auth::{Account, Config, Endpoints, KeychainStore, Overrides, Paths, Settings};

use super::fake_spotify::FakeSpotify;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub struct TestHome {
    dir: tempfile::TempDir,
    pub service: String,
}

impl TestHome {
    pub fn new() -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let service = format!("spotkey-test-{}-{n}", std::process::id());
        Self {
            dir: tempfile::tempdir().unwrap(),
            service,
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn paths(&self) -> Paths {
        Paths {
            config_dir: self.root().join("config/spotkey"),
            cache_dir: self.root().join("cache/spotkey"),
            runtime_dir: self.root().join("run/spotkey"),
        }
    }

    pub fn store(&self) -> Arc<KeychainStore> {
        Arc::new(KeychainStore::new(self.service.clone()))
    }

    pub fn config(&self, fake: &FakeSpotify, client_id: &str) -> Config {
        let mut config = Config::resolve(
            &Overrides {
                client_id: Some(client_id.into()),
                ..Default::default()
            },
            &spotkey::auth::Env {
                keychain_service: Some(self.service.clone()),
                ..Default::default()
            },
            &Settings::default(),
        )
        .unwrap();
        config.endpoints = Endpoints::new(&fake.accounts_url(), &fake.api_url()).unwrap();
        config
    }

    /// An in-process account on the real keychain, PKCE flow against the fake.
    pub fn account(&self, fake: &FakeSpotify) -> Account {
        self.account_with(self.config(fake, "test-client"))
    }

    pub fn account_with(&self, config: Config) -> Account {
        Account::new(config, self.paths(), self.store()).unwrap()
    }

    /// `spotkey …` as a separate process, as this user, against the fake.
    pub fn cli(&self, fake: &FakeSpotify) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spotkey"));
        cmd.envs(self.env(fake))
            .env_remove("SPOTKEY_CLIENT_SECRET")
            .env_remove("SPOTKEY_LOG");
        cmd
    }

    /// What makes a spotkey process (CLI, or the desktop app under tauri-driver) this user,
    /// against the fake. Inherited `SPOTKEY_CLIENT_SECRET`/`SPOTKEY_LOG` must be removed too.
    pub fn env(&self, fake: &FakeSpotify) -> Vec<(&'static str, OsString)> {
        vec![
            ("XDG_CONFIG_HOME", self.root().join("config").into()),
            ("XDG_CACHE_HOME", self.root().join("cache").into()),
            // The window's web storage (WebKit's data lives here): each user their own, as
            // each person on a machine has, and within the reach of `written_files`.
            ("XDG_DATA_HOME", self.root().join("data").into()),
            ("XDG_RUNTIME_DIR", self.root().join("run").into()),
            ("SPOTKEY_KEYCHAIN_SERVICE", self.service.clone().into()),
            ("SPOTKEY_ACCOUNTS_URL", fake.accounts_url().into()),
            ("SPOTKEY_API_URL", fake.api_url().into()),
            ("SPOTKEY_CLIENT_ID", "test-client".into()),
            // Nothing may open a real browser from a test.
            ("BROWSER", "/bin/false".into()),
        ]
    }

    /// What the real Secret Service holds for this user (attribute search, no secrets shown).
    pub fn keychain_item_count(&self) -> usize {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", &self.service])
            .output()
            .expect("secret-tool (libsecret-tools) is installed by make test");
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        text.lines().filter(|l| l.starts_with('[')).count()
    }

    /// Every file this user's spotkey wrote, with its content.
    pub fn written_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.root().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, bytes));
                }
            }
        }
        out
    }
}
