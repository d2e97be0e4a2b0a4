//! The only types that cross into the webview. None of them can hold a token.
use serde::Serialize;

use crate::auth::{AuthError, Status};

#[derive(Debug, Serialize)]
pub struct AuthStatus {
    pub state: &'static str,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: Option<u64>,
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ErrorDto {
    pub code: &'static str,
    pub message: String,
}

impl From<&AuthError> for ErrorDto {
    fn from(e: &AuthError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl AuthStatus {
    pub fn from_status(status: &Status) -> Self {
        match status {
            Status::SignedIn(s) => Self {
                state: "signed_in",
                display_name: s.profile.as_ref().map(|p| p.name().to_string()),
                avatar_url: s
                    .profile
                    .as_ref()
                    .and_then(|p| p.avatar_url().map(String::from)),
                scopes: s.scopes.as_slice().to_vec(),
                expires_at: Some(s.access_expires_at),
                message: None,
            },
            Status::SignedOut { reason } => Self {
                state: "signed_out",
                display_name: None,
                avatar_url: None,
                scopes: Vec::new(),
                expires_at: None,
                message: reason.map(|r| r.message().to_string()),
            },
        }
    }
}
