//! `/api/v1/roster`: import the owners' roster CSV, and read it back (administrators and facility
//! managers).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use khaki_commands::roster::{
    import, list_roster, ImportReport, RosterFilter, RosterPage, RosterPageAsked, MOST_PER_PAGE,
};
use khaki_domain::request::may_manage_staff;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::origin::CommandOrigin;
use crate::http::query::Query;
use crate::http::reads::query::Params;
use crate::http::AppState;

/// A roster file of a few thousand flats fits well within this.
pub const ROSTER_LIMIT: usize = 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_roster, read_roster))
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

/// The roster list's query parameters (documentation; read strictly by [`Params`]).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RosterParams {
    /// Only this block's flats, e.g. `A` or `C1`.
    block: Option<String>,
    /// `true`: flats whose owner has registered and claimed them; `false`: those still waiting.
    claimed: Option<bool>,
    /// 1 to 200 (default 50).
    limit: Option<u32>,
    /// The `next` of the previous page.
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RosterAnswer {
    pub entries: Vec<RosterEntryOut>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RosterEntryOut {
    pub flat: String,
    pub block: String,
    pub owner_names: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Whether the owner has registered at the flat.
    pub claimed: bool,
    pub claimed_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl From<RosterPage> for RosterAnswer {
    fn from(page: RosterPage) -> Self {
        let entries = page
            .entries
            .into_iter()
            .map(|e| RosterEntryOut {
                claimed: e.claimed,
                claimed_by: e.claimed_by.map(|a| a.as_uuid()),
                flat: e.flat,
                block: e.block,
                owner_names: e.owner_names,
                phone: e.phone,
                email: e.email,
                updated_at: e.updated_at,
            })
            .collect();
        Self { entries, next: page.next }
    }
}

/// The roster in flat order, a page at a time: each flat's owners, contacts and whether their
/// account has claimed it (administrators and facility managers).
#[utoipa::path(get, path = "/roster", tag = "residents", params(RosterParams), responses(
    (status = 200, body = RosterAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_roster(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<axum::Json<RosterAnswer>, ApiError> {
    let params = Params::parse(query.as_deref(), &["block", "claimed", "limit", "after"])?;
    let filter = RosterFilter { block: params.text("block"), claimed: params.one("claimed")? };
    let size = params.one::<u32>("limit")?.unwrap_or(50);
    if !(1..=MOST_PER_PAGE).contains(&size) {
        return Err(ApiError::invalid("limit", format!("limit: a page holds 1 to {MOST_PER_PAGE} entries")));
    }
    let page = RosterPageAsked { size, after: params.text("after") };
    Ok(axum::Json(list_roster(state.log.database(), &caller.actor, &filter, &page).await?.into()))
}
