//! The origin of a command sent over HTTP: the caller, the request id as correlation id, the
//! idempotency key, the client's address and the version they pinned with `If-Match`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use khaki_commands::Origin;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::ApiError;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub const REQUEST_ID: &str = "x-request-id";

/// Extracts an [`Origin`] for the calling actor.
pub struct CommandOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for CommandOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.actor.auditor {
            return Err(ApiError::forbidden("auditors read the estate's records; they issue no command"));
        }
        let mut origin = Origin::new(caller.actor);
        origin.correlation_id = correlation_id(&parts.headers);
        origin.idempotency_key = header_text(&parts.headers, IDEMPOTENCY_KEY);
        origin.client_address =
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip().to_string());
        origin.expected_version = expected_version(&parts.headers)?;
        Ok(Self(origin))
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The request id (set by the request-id layer, or sent by the client) as a UUID; a client's
/// non-UUID id is mapped to a stable UUID so the correlation still holds.
fn correlation_id(headers: &HeaderMap) -> Uuid {
    match header_text(headers, REQUEST_ID) {
        Some(id) => id.parse().unwrap_or_else(|_| Uuid::new_v5(&Uuid::NAMESPACE_OID, id.as_bytes())),
        None => Uuid::new_v4(),
    }
}

/// `If-Match: 7` or `If-Match: "7"`.
fn expected_version(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim().trim_start_matches("W/").trim_matches('"');
    text.parse::<u64>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "invalid_if_match",
            "If-Match takes the version number a command answer or a read gave you",
        )
    })
}

/// An id derived from the caller's idempotency key, so a create retried after a crash names the
/// same thing and cannot happen twice.
pub fn id_for(origin: &Origin, purpose: &str) -> Uuid {
    match &origin.idempotency_key {
        Some(key) => Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{}/{purpose}/{key}", origin.actor.account).as_bytes()),
        None => Uuid::new_v4(),
    }
}
