//! `spotkey status --json`: a stable, documented shape (README, "status --json"). Never a token.
use serde_json::{json, Value};

use crate::auth::{AuthError, Status};
use crate::time_fmt::rfc3339;

pub fn status(result: &Result<Status, AuthError>) -> Value {
    match result {
        Ok(Status::SignedIn(s)) => {
            let user = s.profile.as_ref().map(|p| {
                json!({
                    "id": p.id,
                    "account_id": p.account_id,
                    "display_name": p.display_name,
                    "email": p.email,
                    "country": p.country,
                    "product": p.product,
                    "avatar_url": p.avatar_url(),
                })
            });
            json!({
                "state": "signed_in",
                "user": user,
                "client_id": s.client_id,
                "scopes": s.scopes.as_slice(),
                "needs_consent": s.needs_consent,
                "access_token_expires_at": rfc3339(s.access_expires_at),
                "access_token_valid": s.access_valid,
                "authorized_at": rfc3339(s.authorized_at),
                "connection_expires_at": rfc3339(s.grant_expires_at),
                "connection_expiring_soon": s.grant_expiring_soon,
                "keychain": s.keychain,
            })
        }
        Ok(Status::SignedOut { reason }) => json!({
            "state": "signed_out",
            "reason": reason.map(|r| r.code()),
            "message": reason.map(|r| r.message()),
        }),
        Err(AuthError::MissingClientId) => json!({
            "state": "signed_out",
            "reason": "missing_client_id",
            "message": AuthError::MissingClientId.to_string(),
        }),
        Err(e) => {
            json!({ "state": "error", "error": { "code": e.code(), "message": e.to_string() } })
        }
    }
}
