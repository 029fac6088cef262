//! `GET /health`: is the service up, which store is it on, and how far does the log reach.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::caller::Caller;
use crate::http::error::ErrorBody;
use crate::http::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health)).routes(routes!(metrics))
}

/// Prometheus text: the log's head, and each read model's lag and whether it is failing.
#[utoipa::path(get, path = "/metrics", tag = "service", responses((status = 200, content_type = "text/plain", body = String), (status = 400, body = ErrorBody), (status = 503, body = String)))]
pub async fn metrics(
    State(state): State<AppState>,
) -> (StatusCode, [(axum::http::HeaderName, &'static str); 1], String) {
    let text_plain = [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")];
    let db = state.log.database();
    let Ok(all) = khaki_projections::status(db).await else {
        return (StatusCode::SERVICE_UNAVAILABLE, text_plain, "# the database is unreachable\n".into());
    };
    let head = all.first().map_or(0, |p| p.log_head_position);
    let mut out = String::new();
    out.push_str("# HELP khaki_log_head_position The highest global position in the event log.\n# TYPE khaki_log_head_position gauge\n");
    out.push_str(&format!("khaki_log_head_position {head}\n"));
    out.push_str("# HELP khaki_projection_lag_events Committed events a read model has not applied yet.\n# TYPE khaki_projection_lag_events gauge\n");
    for p in &all {
        out.push_str(&format!("khaki_projection_lag_events{{projection=\"{}\"}} {}\n", p.name, p.lag_events));
    }
    out.push_str("# HELP khaki_projection_failing Whether a read model's last batch failed (1) or not (0).\n# TYPE khaki_projection_failing gauge\n");
    for p in &all {
        out.push_str(&format!(
            "khaki_projection_failing{{projection=\"{}\"}} {}\n",
            p.name,
            u8::from(p.last_error.is_some())
        ));
    }
    out.push_str("# HELP khaki_projection_failures_total Batches a read model failed to apply, since the database was made.\n# TYPE khaki_projection_failures_total counter\n");
    for p in &all {
        out.push_str(&format!("khaki_projection_failures_total{{projection=\"{}\"}} {}\n", p.name, p.failures));
    }
    (StatusCode::OK, text_plain, out)
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok"; "degraded" while any read model is failing; "database unreachable".
    pub status: &'static str,
    /// postgres or sqlite.
    pub store: &'static str,
    /// The highest global position in the log (0 when empty).
    pub log_head: i64,
    /// The read models that are failing (and retrying), by name.
    pub failing: Vec<&'static str>,
    /// Each read model: how many committed events it has yet to apply, and whether it is failing.
    pub projections: Vec<ProjectionHealth>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectionHealth {
    pub name: &'static str,
    pub lag_events: i64,
    pub failing: bool,
    /// The failure's text, shown to administrators only (everyone else sees that it fails).
    pub last_error: Option<String>,
}

/// Whether the service, its database and every read model are well. 503 while any read model is
/// stuck on a failure, so a load balancer or an operator never reads "ok" over a stalled system.
#[utoipa::path(get, path = "/health", tag = "service", responses((status = 200, body = Health), (status = 400, body = ErrorBody), (status = 503, body = Health)))]
pub async fn health(State(state): State<AppState>, caller: Option<Caller>) -> (StatusCode, axum::Json<Health>) {
    let db = state.log.database();
    let administrator = caller.is_some_and(|c| c.actor.administrator);
    match khaki_projections::status(db).await {
        Ok(all) => {
            let head = all.first().map_or(0, |p| p.log_head_position);
            let failing: Vec<&'static str> = all.iter().filter(|p| p.last_error.is_some()).map(|p| p.name).collect();
            let projections = all
                .into_iter()
                .map(|p| ProjectionHealth {
                    name: p.name,
                    lag_events: p.lag_events,
                    failing: p.last_error.is_some(),
                    last_error: p.last_error.filter(|_| administrator),
                })
                .collect();
            let (status, word) =
                if failing.is_empty() { (StatusCode::OK, "ok") } else { (StatusCode::SERVICE_UNAVAILABLE, "degraded") };
            (status, axum::Json(Health { status: word, store: db.kind().name(), log_head: head, failing, projections }))
        }
        Err(error) => {
            tracing::error!(%error, "health check cannot reach the database");
            let unreachable = Health {
                status: "database unreachable",
                store: db.kind().name(),
                log_head: 0,
                failing: Vec::new(),
                projections: Vec::new(),
            };
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(unreachable))
        }
    }
}
