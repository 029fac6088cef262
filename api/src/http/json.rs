//! Our own JSON body extractor, so every bad body gets our error shape and says what is wrong:
//! wrong content type (415), too large (413), not JSON (400 `malformed_json`), or the wrong
//! shape — wrong types, unknown or missing fields, out-of-range values (400 `invalid_input`,
//! naming the field).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::http::error::ApiError;

/// Largest body a write accepts (the roster import has its own, larger limit).
pub const BODY_LIMIT: usize = 64 * 1024;

pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        let bytes = body_bytes(request, state).await?;
        parse(&bytes).map(Json)
    }
}

pub fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).is_some_and(
        |mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        },
    )
}

pub async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request("unreadable_body", rejection.body_text())
        }
    })
}

pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body is larger than {} KiB", BODY_LIMIT / 1024),
    )
}

/// Parses a JSON body, naming the path of the first wrong value.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // A NUL can only reach a JSON string as the escape \u0000. No value of ours may hold one
    // (PostgreSQL cannot store it), whatever the field, so it is refused here for every body.
    if bytes.windows(6).any(|w| w == br"\u0000") {
        if let Some(field) = serde_json::from_slice::<Value>(bytes).ok().as_ref().and_then(|v| nul_at(v, "")) {
            let message = format!("{field}: text must not contain the NUL character (U+0000)");
            return Err(ApiError::bad_request("invalid_input", message).with_details(json!({ "field": field })));
        }
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {inner}"))
        } else {
            let field = if path == "." { String::new() } else { path };
            let message = if field.is_empty() { inner.to_string() } else { format!("{field}: {inner}") };
            ApiError::bad_request("invalid_input", message).with_details(json!({ "field": field }))
        }
    })
}

/// The path of the first string (or key) in `value` holding a NUL character.
fn nul_at(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| path.trim_start_matches('.').to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| nul_at(item, &format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = format!("{path}.{key}");
            if key.contains('\0') {
                Some(here.trim_start_matches('.').to_owned())
            } else {
                nul_at(item, &here)
            }
        }),
        _ => None,
    }
}

/// Like [`Json`], but an empty body means the default (for bodies whose fields are all optional).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let declared_json = is_json(request.headers());
        let bytes = body_bytes(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !declared_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        parse(&bytes).map(OptionalJson)
    }
}

/// The body of an action that takes none: nothing, or `{}`. Anything else is refused rather
/// than ignored, so a client never believes it sent something that was dropped.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}
