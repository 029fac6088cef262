//! `Idempotency-Key` on writes: the same caller, key and body get the first answer again without
//! the write happening twice; the same key with another body is refused (422). Keys are kept
//! in the database (48 hours), so retries may reach any server.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use khaki_commands::idempotency::{claim, release, remember, Claim};
use sha2::{Digest, Sha256};

use crate::http::caller::Caller;
use crate::http::error::ApiError;
use crate::http::json::{too_large, BODY_LIMIT};
use crate::http::origin::IDEMPOTENCY_KEY;
use crate::http::AppState;

/// Largest answer kept for replay; bigger ones are not worth keeping.
const STORED_RESPONSE_LIMIT: usize = 1024 * 1024;

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_write = matches!(*request.method(), Method::POST | Method::PATCH | Method::PUT | Method::DELETE);
    let key = request.headers().get(IDEMPOTENCY_KEY).cloned();
    let caller = request.extensions().get::<Caller>().map(|c| c.actor.account);
    let (Some(key), Some(account), true) = (key, caller, is_write) else { return next.run(request).await };
    let key = match key.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => key.to_owned(),
        _ => {
            return ApiError::bad_request(
                "invalid_idempotency_key",
                "an Idempotency-Key is 1 to 255 visible ASCII characters",
            )
            .into_response()
        }
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT * 16).await else { return too_large().into_response() };
    let mut digest = Sha256::new();
    digest.update(parts.method.as_str().as_bytes());
    digest.update(b" ");
    digest.update(parts.uri.path().as_bytes());
    digest.update(b"\n");
    digest.update(&bytes);
    let fingerprint = digest.finalize().to_vec();
    let db = state.log.database();
    match claim(db, account, &key, &fingerprint, Utc::now()).await {
        Err(error) => ApiError::from(error).into_response(),
        Ok(Claim::Mismatch) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was already used with a different request; use a new key for a new request",
        )
        .into_response(),
        Ok(Claim::InFlight) => {
            let mut error = ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "the first request with this Idempotency-Key is still running",
            );
            error.retry_after = Some(1);
            error.into_response()
        }
        Ok(Claim::Answered { status, response }) => replay(status, response),
        Ok(Claim::First) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let status = response.status();
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                if let Err(error) = release(db, account, &key).await {
                    tracing::warn!(%error, "could not release an idempotency key");
                }
                return response;
            }
            let (parts, body) = response.into_parts();
            let Ok(bytes) = to_bytes(body, STORED_RESPONSE_LIMIT).await else {
                return ApiError::internal("an answer too large to keep for an idempotency key").into_response();
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Err(error) = remember(db, account, &key, status.as_u16(), &text).await {
                tracing::warn!(%error, "could not keep the answer for an idempotency key");
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

fn replay(status: u16, response: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut replayed = (status, response).into_response();
    let headers = replayed.headers_mut();
    headers.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    replayed
}
