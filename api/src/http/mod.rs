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
mod parameters;
mod query;
mod reads;
mod requests;
mod residents;
mod responses;
mod roster;
mod serve;
mod session;
mod staff;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use khaki_commands::EventLog;
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
pub use serve::{raise_open_file_limit, serve, HEAD_LIMIT};
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
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Origins allowed to call the API from a browser (none: no CORS).
    pub cors_origins: Vec<String>,
    /// Connections served at once. A caller beyond them takes the place of the oldest connection
    /// that has sent nothing yet, or else waits until one closes.
    pub max_clients: usize,
    /// How long a request's head may take to arrive, counted from when the server starts waiting
    /// for it: also how long a kept-alive connection may sit idle between requests.
    pub header_timeout: Duration,
    /// How long a connection may move no byte either way (a body that stopped coming, a caller
    /// that stopped reading) before it is closed.
    pub idle_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            max_clients: 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// The whole service with default options.
pub fn router(state: AppState) -> Router {
    app(state, &ServeOptions::default())
}

/// Every module's routes and the prefix it is served under. The service and its OpenAPI
/// description are both assembled from this one list, and [`served_routes`] reads it too.
fn modules() -> Vec<(&'static str, OpenApiRouter<AppState>)> {
    vec![
        ("", health::router()),
        ("/api/v1", session::router()),
        ("/api/v1", audit::router()),
        ("/api/v1", reads::router()),
        ("/api/v1/requests", requests::router()),
        ("/api/v1/staff", staff::router()),
        ("/api/v1/residents", residents::router()),
        ("/api/v1", roster::router().layer(DefaultBodyLimit::max(roster::ROSTER_LIMIT))),
    ]
}

/// `prefix` and a module's own path, as axum serves the nested route.
fn served_at(prefix: &str, path: &str) -> String {
    match path {
        "" | "/" if !prefix.is_empty() => prefix.to_owned(),
        _ => format!("{prefix}{path}"),
    }
}

/// Every (method, path) the service answers, from each module's own routes.
pub fn served_routes() -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for (prefix, module) in modules() {
        for (path, item) in module.into_openapi().paths.paths {
            for method in methods_of(&item) {
                routes.push((method.to_owned(), served_at(prefix, &path)));
            }
        }
    }
    routes.sort();
    routes
}

fn methods_of(item: &utoipa::openapi::PathItem) -> Vec<&'static str> {
    [
        ("get", item.get.is_some()),
        ("post", item.post.is_some()),
        ("put", item.put.is_some()),
        ("patch", item.patch.is_some()),
        ("delete", item.delete.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}

/// The modules' routers, nested under their prefixes, and one description of them all. Two
/// modules serving one path with different methods (a list and a create) both stay described:
/// their operations are merged, never one path item put over the other.
fn assemble() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut description = openapi::ApiDoc::openapi();
    let mut router = Router::new();
    for (prefix, module) in modules() {
        let (module_router, api) = module.split_for_parts();
        router = if prefix.is_empty() { router.merge(module_router) } else { router.nest(prefix, module_router) };
        for (path, item) in api.paths.paths {
            match description.paths.paths.entry(served_at(prefix, &path)) {
                std::collections::btree_map::Entry::Occupied(mut taken) => taken.get_mut().merge_operations(item),
                std::collections::btree_map::Entry::Vacant(free) => {
                    free.insert(item);
                }
            }
        }
        if let Some(components) = api.components {
            description.components.get_or_insert_with(Default::default).schemas.extend(components.schemas);
        }
    }
    let known = parameters::KnownParameters::from_description(&description);
    let router = router.route_layer(from_fn_with_state(known, parameters::refuse_unknown));
    (router, description)
}

pub fn app(state: AppState, options: &ServeOptions) -> Router {
    let (api, description) = assemble();
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
