//! Our own query-string extractor, so a value that does not parse (`?limit=abc`) gets our error
//! shape, a 400 naming the parameter, instead of axum's plain-text rejection.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::http::error::ApiError;

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Query).map_err(|error| {
            let message = error.inner().to_string();
            // serde names a missing parameter only in its message: "missing field `status`".
            let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
            let field = match (error.path().to_string(), missing) {
                (_, Some(name)) => name.to_owned(),
                (path, None) if path == "." => "query".to_owned(),
                (path, None) => path,
            };
            ApiError::bad_request("invalid_input", format!("{field}: {message}"))
                .with_details(json!({ "field": field }))
        })
    }
}
