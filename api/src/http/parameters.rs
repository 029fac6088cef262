//! Unknown query parameters are refused in one place, by the description itself: each route
//! accepts the query parameters its OpenAPI operation documents and no others, so a misspelt
//! filter is a 400 naming it (never silently ignored) and the two can never drift apart.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::OpenApi;

use crate::http::error::ApiError;

/// The query parameters each (method, route) accepts.
#[derive(Clone, Debug, Default)]
pub struct KnownParameters(Arc<HashMap<(String, String), BTreeSet<String>>>);

impl KnownParameters {
    pub fn from_description(description: &OpenApi) -> Self {
        let mut known = HashMap::new();
        for (path, item) in &description.paths.paths {
            let operations = [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    known.insert((method.to_owned(), path.clone()), query_names(operation));
                }
            }
        }
        Self(Arc::new(known))
    }
}

fn query_names(operation: &Operation) -> BTreeSet<String> {
    operation
        .parameters
        .iter()
        .flatten()
        .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
        .map(|p| p.name.clone())
        .collect()
}

/// Refuses a query string naming a parameter the route does not document.
pub async fn refuse_unknown(State(known): State<KnownParameters>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let allowed = route.and_then(|route| known.0.get(&(request.method().as_str().to_owned(), route)));
    if let (Some(allowed), Some(query)) = (allowed, request.uri().query()) {
        let unknown = url::form_urlencoded::parse(query.as_bytes())
            .map(|(name, _)| name)
            .find(|name| !allowed.contains(name.as_ref()));
        if let Some(name) = unknown {
            let listed = if allowed.is_empty() {
                "this endpoint takes none".to_owned()
            } else {
                format!("known: {}", allowed.iter().cloned().collect::<Vec<_>>().join(", "))
            };
            return ApiError::invalid("query", format!("unknown parameter '{name}'; {listed}")).into_response();
        }
    }
    next.run(request).await
}
