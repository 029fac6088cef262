//! Who is calling: the bearer token is resolved once per request by middleware, and handlers ask
//! for a [`Caller`] (401 when there is none).

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use khaki_commands::sessions::actor_for_token;
use khaki_domain::Actor;

use crate::http::error::ApiError;
use crate::http::AppState;

#[derive(Clone, Debug)]
pub struct Caller {
    pub actor: Actor,
    /// The bearer token the call came with (to sign out).
    pub token: String,
}

/// Resolves `Authorization: Bearer …` into a [`Caller`]. A token that is malformed, unknown,
/// expired, revoked or belongs to an inactive account is refused here with 401.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else { return next.run(request).await };
    let token = match value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
    {
        Some(token) if !token.trim().is_empty() => token.trim().to_owned(),
        _ => return ApiError::unauthenticated().into_response(),
    };
    match actor_for_token(state.log.database(), &token, Utc::now()).await {
        Ok(Some(actor)) => {
            request.extensions_mut().insert(Caller { actor, token });
            next.run(request).await
        }
        Ok(None) => expired().into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

fn expired() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "the session has ended or is not known; sign in again",
    )
}

/// For endpoints open to everyone that say more to some callers (`/health` to administrators).
impl<S: Send + Sync> OptionalFromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(ApiError::unauthenticated)
    }
}
