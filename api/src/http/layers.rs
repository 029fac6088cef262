//! What wraps every request: a request id (also the correlation id of the events it causes), a
//! tracing span, one log line per error, security headers, CORS when configured.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::http::error::LoggedCause;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Logs each error response once: failures on our side at error level with their cause,
/// refusals at debug.
pub async fn log_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if status.is_server_error() {
        let cause = response.extensions().get::<LoggedCause>().map_or("", |c| c.0.as_str());
        tracing::error!(%method, %path, status = status.as_u16(), cause, "request failed");
    } else if status.is_client_error() {
        tracing::debug!(%method, %path, status = status.as_u16(), "request refused");
    }
    response
}

/// Headers every answer carries: no sniffing, no framing, no referrer, no caching of API data.
pub fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// CORS for the configured origins only; none configured means no cross-origin access.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o.trim()).ok()).collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                HeaderName::from_static("idempotency-key"),
                REQUEST_ID,
            ])
            .expose_headers([REQUEST_ID, header::RETRY_AFTER]),
    )
}

/// Runs each request to its end in a task of its own, even if the client goes away: a command is
/// never cut off between its statements (a transaction abandoned half-way would otherwise hold
/// SQLite's single writer connection until it was noticed).
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(error) => {
            use axum::response::IntoResponse;
            crate::http::error::ApiError::internal(format!("the request's task failed: {error}")).into_response()
        }
    }
}
