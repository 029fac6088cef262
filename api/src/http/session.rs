//! Signing in and out, and "who am I".

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use khaki_commands::sessions::{self, SignInError};
use khaki_migrations::with_pool;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json::Json;
use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, sign_out)).routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    #[schema(min_length = 1, max_length = 40)]
    pub username: String,
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    /// Send as `Authorization: Bearer <token>`; it is shown only now.
    pub token: String,
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
    pub account_id: Uuid,
}

/// Sign in with username and password; answers a bearer token. Per account and per client
/// address, a number of failures is allowed; after that each attempt waits a delay that doubles
/// with each further failure (429 with `Retry-After` until it has passed).
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignInBody, responses(
    (status = 201, body = SessionAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Json(body): Json<SignInBody>,
) -> Result<(StatusCode, axum::Json<SessionAnswer>), ApiError> {
    if body.password.len() > 1024 {
        return Err(ApiError::invalid("password", "a password is at most 1024 bytes"));
    }
    let allowed = state.log.rules().sign_in_failures_allowed;
    let signed_in = sessions::sign_in(
        state.log.database(),
        allowed,
        &body.username,
        &body.password,
        &address.ip().to_string(),
        Utc::now(),
    )
    .await;
    match signed_in {
        Ok(session) => Ok((
            StatusCode::CREATED,
            axum::Json(SessionAnswer {
                token: session.token,
                token_type: "Bearer",
                expires_at: session.expires_at,
                account_id: session.account.as_uuid(),
            }),
        )),
        Err(SignInError::Invalid) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong username or password"))
        }
        Err(SignInError::Throttled { retry_after_seconds }) => {
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("too many failed sign-ins; try again in {retry_after_seconds} seconds"),
            );
            error.retry_after = Some(retry_after_seconds);
            Err(error)
        }
        Err(SignInError::Store(error)) => Err(error.into()),
    }
}

/// Sign out: the token stops working at once.
#[utoipa::path(delete, path = "/session", tag = "session", responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn sign_out(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    sessions::sign_out(state.log.database(), &caller.token, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// resident, staff or account_only.
    pub kind: String,
    pub administrator: bool,
    pub auditor: bool,
    /// The role the caller acts in (e.g. plumber, resident, committee_member, administrator).
    pub role: String,
    /// Permission flags held (staff only).
    pub permissions: Vec<String>,
    pub flat: Option<String>,
    pub resident_type: Option<String>,
    pub committee: Option<bool>,
}

/// Who the caller is: kind, role and flags.
#[utoipa::path(get, path = "/me", tag = "session", responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<axum::Json<Me>, ApiError> {
    let db = state.log.database();
    type Row =
        (String, Option<String>, Option<String>, String, bool, bool, Option<String>, Option<String>, Option<bool>);
    let row: Row = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT a.username, a.display_name, a.email, a.kind, a.administrator, a.auditor, r.flat, r.resident_type, r.committee
             FROM accounts a LEFT JOIN residents r ON r.account_id = a.id WHERE a.id = $1",
        )
        .bind(caller.actor.account.as_uuid())
        .fetch_one(pool)
        .await
    })
    .map_err(ApiError::from)?;
    let permissions = caller
        .actor
        .employed_staff()
        .map(|s| s.permissions.iter().map(|p| p.name().to_owned()).collect())
        .unwrap_or_default();
    Ok(axum::Json(Me {
        id: caller.actor.account.as_uuid(),
        username: row.0,
        display_name: row.1,
        email: row.2,
        kind: row.3,
        administrator: row.4,
        auditor: row.5,
        role: caller.actor.role_name().to_owned(),
        permissions,
        flat: row.6,
        resident_type: row.7,
        committee: row.8,
    }))
}
