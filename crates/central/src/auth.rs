//! Workstation tokens: how they are made, stored (only a hash) and checked.
//! A handler that needs a workstation takes [`WorkstationAuth`] as an
//! argument; axum runs the check before the handler, and a missing or
//! unknown token never reaches it. Facilities may carry a facility token
//! ([`FacilityCredential`]): JWS envelopes and signed XML need none (each is
//! verified by its own signature), FHIR needs one (it carries no signature).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};

use crate::error::Failure;
use crate::handlers::blocking;
use crate::state::App;
use crate::storage::{FacilitySender, SenderCheck, TokenCheck, Workstation};

/// A new workstation token: 256 random bits, base64url, with a prefix that
/// says what it is.
pub fn new_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("hotich_ws_{}", hotich_protocol::jws::b64(&bytes))
}

/// SHA-256 (hex) of a workstation token: what the server stores. Tokens are
/// 256 random bits, so a fast hash is enough (nothing to brute-force).
pub fn token_hash(token: &str) -> String {
    hotich_common::hex::sha256_hex(token.as_bytes())
}

/// The token of `Authorization: Bearer TOKEN`, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The workstation a request's bearer token belongs to.
#[derive(Debug, Clone)]
pub struct WorkstationAuth(pub Workstation);

impl WorkstationAuth {
    /// A workstation reads its own commune's streams only (403 `forbidden`).
    pub(crate) fn own_commune(&self, commune: &str) -> Result<(), Failure> {
        if self.0.commune == commune {
            return Ok(());
        }
        Err(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("this workstation reads commune {} only", self.0.commune),
        ))
    }
}

fn unauthorized() -> Failure {
    Failure::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "a valid workstation token is required (Authorization: Bearer ...)",
    )
}

/// What a request's workstation token was found to be worth, kept in the
/// request's extensions by the rate limiter that looked it up (the limit
/// applies to the workstation, not to whatever token string was sent), so
/// the handler's [`WorkstationAuth`] does not look it up again.
#[derive(Debug, Clone)]
pub(crate) struct CheckedToken(pub TokenCheck);

/// Looks a workstation token up (no cache: a token revoked, rotated or
/// expired a moment ago is refused on the next request).
pub(crate) async fn check_workstation_token(app: &App, token: &str) -> Result<TokenCheck, Failure> {
    let hash = token_hash(token);
    let storage = app.storage.clone();
    blocking(move || {
        storage
            .check_token(&hash, chrono::Utc::now())
            .map_err(Failure::internal)
    })
    .await
}

impl FromRequestParts<Arc<App>> for WorkstationAuth {
    type Rejection = Failure;

    /// The token's check, by the rate limiter or here. A revoked or expired
    /// token is answered distinguishably (401 with `token_revoked` /
    /// `token_expired`), so the workstation can ask for a new token rather
    /// than report a typing mistake.
    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Failure> {
        let check = match parts.extensions.remove::<CheckedToken>() {
            Some(CheckedToken(check)) => check,
            None => {
                let token = bearer(&parts.headers).ok_or_else(unauthorized)?;
                check_workstation_token(app, token).await?
            }
        };
        match check {
            TokenCheck::Valid(workstation) => Ok(WorkstationAuth(workstation)),
            TokenCheck::Revoked => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "token_revoked",
                "this workstation token was revoked; a supervisor must enter a new one",
            )),
            TokenCheck::Expired => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "this workstation token has expired; a supervisor must enter a new one",
            )),
            TokenCheck::Unknown => Err(unauthorized()),
        }
    }
}

/// A new facility sender token, printed once (only its hash is stored).
pub fn new_facility_token() -> String {
    new_token().replacen("hotich_ws_", "hotich_fs_", 1)
}

/// The facility a post's bearer token authenticates, if it carries one. A
/// token that is presented but unknown or revoked is refused before the
/// handler (401 `unauthorized` / `token_revoked`), so a credential never
/// silently counts as none.
#[derive(Debug, Clone)]
pub struct FacilityCredential(pub Option<FacilitySender>);

impl FromRequestParts<Arc<App>> for FacilityCredential {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Failure> {
        let Some(token) = bearer(&parts.headers) else {
            return Ok(FacilityCredential(None));
        };
        let hash = token_hash(token);
        let storage = app.storage.clone();
        let check = blocking(move || {
            storage
                .check_facility_sender(&hash)
                .map_err(Failure::internal)
        })
        .await?;
        match check {
            SenderCheck::Valid(sender) => Ok(FacilityCredential(Some(sender))),
            SenderCheck::Revoked => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "token_revoked",
                "this facility token was revoked",
            )),
            SenderCheck::Unknown => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unknown facility token",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_stored_as_its_sha256_and_read_from_a_bearer_header() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = new_token();
        assert!(
            token.starts_with("hotich_ws_") && token.len() > 40,
            "{token}"
        );
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer  t1 ".parse().unwrap());
        assert_eq!(bearer(&headers), Some("t1"));
        headers.insert(header::AUTHORIZATION, "Basic t1".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
