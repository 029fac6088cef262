//! `POST /api/v1/roster`: import the owners' roster CSV (administrators and facility managers).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use khaki_commands::roster::{import, ImportReport};
use khaki_domain::request::may_manage_staff;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, ErrorBody};
use crate::http::origin::CommandOrigin;
use crate::http::AppState;

/// A roster file of a few thousand flats fits well within this.
pub const ROSTER_LIMIT: usize = 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_roster))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Report what would change without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ImportAnswer {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: Vec<LineErrorOut>,
    pub dry_run: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LineErrorOut {
    pub line: u32,
    pub message: String,
}

impl From<ImportReport> for ImportAnswer {
    fn from(report: ImportReport) -> Self {
        Self {
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            errors: report.errors.into_iter().map(|e| LineErrorOut { line: e.line, message: e.message }).collect(),
            dry_run: report.dry_run,
        }
    }
}

/// Import the roster (`Ser No,Flat No,Name of Owners,Phone No,E-mail Id` with `BLOCK-A` rows),
/// as `text/csv`. Answers created / updated / unchanged and each bad line's number and reason;
/// importing the same file twice changes nothing.
#[utoipa::path(post, path = "/roster", tag = "residents", params(ImportParams), request_body(content = String, content_type = "text/csv"), responses(
    (status = 200, body = ImportAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)), security(("bearer" = [])))]
pub async fn import_roster(
    State(state): State<AppState>,
    CommandOrigin(origin): CommandOrigin,
    Query(params): Query<ImportParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<ImportAnswer>, ApiError> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv") || v.starts_with("text/plain"));
    if !is_csv {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the roster as 'Content-Type: text/csv'",
        ));
    }
    if !may_manage_staff(&origin.actor) {
        return Err(ApiError::forbidden("only administrators and facility managers may import the roster"));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("invalid_encoding", "the roster must be UTF-8 text"))?;
    Ok(axum::Json(import(&state.log, &origin, text, params.dry_run).await?.into()))
}
