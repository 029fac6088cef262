//! `GET /health`: is the service up, which store is it on, and how far does the log reach.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use khaki_migrations::with_pool;
use serde::Serialize;

use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    store: &'static str,
    /// The highest global position in the log (0 when empty).
    log_head: i64,
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db = state.log.database();
    let head: Result<Option<i64>, sqlx::Error> =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT MAX(position) FROM events").fetch_one(pool).await);
    match head {
        Ok(head) => {
            (StatusCode::OK, Json(Health { status: "ok", store: db.kind().name(), log_head: head.unwrap_or(0) }))
        }
        Err(error) => {
            tracing::error!(%error, "health check cannot reach the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health { status: "database unreachable", store: db.kind().name(), log_head: 0 }),
            )
        }
    }
}
