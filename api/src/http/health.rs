//! `GET /health`: is the service up, which store is it on, and how far does the log reach.

use axum::extract::State;
use axum::http::StatusCode;
use khaki_migrations::with_pool;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok", or what is wrong.
    pub status: &'static str,
    /// postgres or sqlite.
    pub store: &'static str,
    /// The highest global position in the log (0 when empty).
    pub log_head: i64,
}

/// Whether the service and its database answer.
#[utoipa::path(get, path = "/health", tag = "service", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, axum::Json<Health>) {
    let db = state.log.database();
    let head: Result<Option<i64>, sqlx::Error> =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT MAX(position) FROM events").fetch_one(pool).await);
    match head {
        Ok(head) => {
            (StatusCode::OK, axum::Json(Health { status: "ok", store: db.kind().name(), log_head: head.unwrap_or(0) }))
        }
        Err(error) => {
            tracing::error!(%error, "health check cannot reach the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health { status: "database unreachable", store: db.kind().name(), log_head: 0 }),
            )
        }
    }
}
