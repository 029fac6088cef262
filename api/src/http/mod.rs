//! The HTTP service: one router for `main` and for the tests.

pub mod audit;
mod caller;
pub mod error;
mod health;
mod idempotency;
mod input;
mod json;
mod layers;
mod openapi;
mod origin;
mod reads;
mod requests;
mod residents;
mod responses;
mod roster;
mod session;
mod staff;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use khaki_commands::EventLog;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::error::ApiError;
use crate::http::layers::REQUEST_ID;
use crate::http::reads::RecentAnswers;

pub use audit::parse_as_of;
pub use staff::{PERMISSIONS, ROLES};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub log: Arc<EventLog>,
    /// Dashboards' and lists' recent answers, given again while the read models stand still.
    pub answers: Arc<RecentAnswers>,
    /// The estate's audit public key, which verification trusts checkpoints signed with.
    pub audit_public_key: Option<[u8; 32]>,
}

impl AppState {
    pub fn new(log: EventLog) -> Self {
        Self { log: Arc::new(log), answers: Arc::default(), audit_public_key: None }
    }

    pub fn with_audit_key(mut self, public_key: [u8; 32]) -> Self {
        self.audit_public_key = Some(public_key);
        self
    }
}

/// How the service is exposed.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Origins allowed to call the API from a browser (none: no CORS).
    pub cors_origins: Vec<String>,
}

/// The whole service with default options.
pub fn router(state: AppState) -> Router {
    app(state, &ServeOptions::default())
}

pub fn app(state: AppState, options: &ServeOptions) -> Router {
    let (api, description) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .nest(
            "/api/v1",
            OpenApiRouter::new()
                .merge(session::router())
                .merge(audit::router())
                .merge(reads::router())
                .nest("/requests", requests::router())
                .nest("/staff", staff::router())
                .nest("/residents", residents::router())
                .merge(roster::router().layer(DefaultBodyLimit::max(roster::ROSTER_LIMIT))),
        )
        .split_for_parts();
    let api = api
        .layer(from_fn_with_state(state.clone(), idempotency::idempotent))
        .layer(from_fn_with_state(state.clone(), caller::authenticate))
        .layer(DefaultBodyLimit::max(json::BODY_LIMIT))
        .with_state(state);
    let mut service = Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", description))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    for (name, value) in layers::security_headers() {
        service = service.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    if let Some(cors) = layers::cors(&options.cors_origins) {
        service = service.layer(cors);
    }
    service
        .layer(from_fn(layers::run_to_completion))
        .layer(from_fn(layers::log_errors))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("nothing at {}; the API is described at /api/openapi.json", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
